"""Undo and redo from the append-only log, by row snapshots.

Every coding edit runs in :func:`edit`: one ``BEGIN IMMEDIATE`` transaction that changes
rows, then writes one log entry whose ``undo`` column holds, for each table touched, the
rows before and after the edit::

    {"ops": [{"table": "codings", "before": [{...}], "after": [{...}]}, ...]}

Undo turns the ``after`` rows back into the ``before`` rows (rows only in ``after`` are
deleted, rows in both are updated in place, rows only in ``before`` are re-inserted with
their ids); redo does the opposite. Both first check that the rows are still as the edit
left them, so an undo never overwrites something it does not know about.

Foreign keys stay valid after every statement (see
:func:`zhagen.store.coding.apply_changes`); an undo that later edits depend on (a code
that has since been used) is refused with a clear message and changes nothing.

The ``history`` table holds the undo state of each undoable entry (``undone`` 0/1, its
actor, and the ``undo`` log entry that undid it); the log itself is never changed. Undo
takes the newest entry not undone — of anyone, or of one coder (``coder=``, so coders
coding blind in one project undo only their own work); redo takes the entry undone most
recently. A new edit forgets the undone entries (no redo after a new edit). Undo and redo
are logged too (actions ``undo`` and ``redo``).

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.store import coding as q
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> with edit(store, "code.add", "添加编码 / add a code") as e:
...     cid = q.insert_code(store, name="A", parent_id=None, level=1, color="#000000")
...     e.created("codes", cid)
>>> undo(store)
'添加编码 / add a code'
>>> q.code_row(store, cid) is None
True
>>> redo(store)
'添加编码 / add a code'
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from zhagen.access import Actor, coder_filter
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store.db import Store

__all__ = ["Edit", "edit", "undo", "redo", "history"]


class Edit:
    """The rows one edit touches: their state before it, for the log's undo payload.

    Call :meth:`touch` with the ids of rows *before* updating or deleting them, and
    :meth:`created` with the id of each row inserted. The ``payload`` dict and
    ``description`` string may be filled in while the edit runs.
    """

    def __init__(self, store: Store, action: str, description: str) -> None:
        self.store = store
        self.action = action
        self.description = description
        self.payload: dict[str, Any] = {}
        self.actor = ""
        self._before: dict[str, dict[int, dict[str, Any] | None]] = {}

    def touch(self, table: str, ids: Iterable[int]) -> None:
        """Remember the current state of rows about to be updated or deleted."""
        seen = self._before.setdefault(table, {})
        new = [int(i) for i in ids if int(i) not in seen]
        if not new:
            return
        for i in new:
            seen[i] = None
        for row in q.snapshot_rows(self.store, table, new):
            seen[int(row["id"])] = row

    def created(self, table: str, row_id: int) -> None:
        """Note a row inserted by this edit (it did not exist before)."""
        self._before.setdefault(table, {}).setdefault(int(row_id), None)

    def ops(self) -> list[dict[str, Any]]:
        """Before and after rows of each table touched, in the order first touched."""
        out = []
        for table, rows in self._before.items():
            before = [r for r in rows.values() if r is not None]
            after = q.snapshot_rows(self.store, table, rows)
            if sorted(before, key=_key) != after:
                out.append({"table": table, "before": before, "after": after})
        return out


def _key(row: dict[str, Any]) -> int:
    return int(row["id"])


@contextmanager
def edit(store: Store, action: str, description: str, *, actor: str = "") -> Iterator[Edit]:
    """One undoable edit: a transaction, the row snapshots and one log entry.

    Nothing is logged when the edit changed no rows.
    """
    with store.transaction(small=True):
        rec = Edit(store, action, description)
        rec.actor = actor
        yield rec
        ops = rec.ops()
        if ops:
            payload = {**rec.payload, "summary": rec.description}
            log_id = store.log(action, payload, actor=rec.actor, undo={"ops": ops})
            q.history_clear_redo(store)
            q.history_add(store, log_id, rec.actor)


def _check(store: Store, op: dict[str, Any], *, reverse: bool, entry: int) -> None:
    current = op["after"] if reverse else op["before"]
    target = op["before"] if reverse else op["after"]
    ids = {int(r["id"]) for r in current} | {int(r["id"]) for r in target}
    expected = sorted(current, key=_key)
    found = q.snapshot_rows(store, op["table"], ids)
    if found != expected:
        raise ParameterError(
            f"第 {entry} 号编辑之后，项目中的相关内容（{op['table']}）已被其他方式改动，无法安全地"
            "撤销或重做；请用 coding()/codes() 查看当前状态后手动修改",
            f"after edit #{entry} the rows it touched ({op['table']}) were changed by other "
            "means, so it cannot be undone or redone safely; inspect codes()/codings() and "
            "change them by hand",
        )


def _apply(store: Store, entry: Any, *, reverse: bool) -> str:
    ops = json.loads(entry["undo"])["ops"]
    changes = {}
    for op in ops:
        table = op["table"]  # rows logged before a migration added columns: completed
        op = {**op, "before": q.complete_rows(table, op["before"]),
              "after": q.complete_rows(table, op["after"])}  # fmt: skip
        _check(store, op, reverse=reverse, entry=int(entry["id"]))
        pair = (op["after"], op["before"]) if reverse else (op["before"], op["after"])
        changes[op["table"]] = pair
    try:
        q.apply_changes(store, changes)
    except sqlite3.IntegrityError as exc:
        raise ParameterError(
            f"第 {entry['id']} 号编辑（{entry['action']}）之后的编辑依赖于它（{exc}）；"
            "请先撤销那些编辑",
            f"later edits depend on edit #{entry['id']} ({entry['action']}): {exc}; undo "
            "them first",
        ) from exc
    payload = json.loads(entry["payload"])
    return str(payload.get("summary") or entry["action"])


def _step(store: Store, *, redo: bool, coder: str | None, actor: str) -> str | None:
    with store.transaction(small=True):
        entry = q.history_next(store, redo=redo, actor=coder)
        if entry is None:
            return None
        text = _apply(store, entry, reverse=not redo)
        log_id = store.log(
            "redo" if redo else "undo",
            {"log_id": int(entry["id"]), "action": entry["action"], "summary": text},
            actor=actor if coder is None else coder,
        )
        q.history_mark(store, int(entry["id"]), undo_log=None if redo else log_id)
    return text


def undo(store: Store, *, coder: str | None = None, actor: str = "") -> str | None:
    """Undo the newest edit not yet undone; return its description (None: nothing to undo).

    ``coder``: the newest edit made by that coder (their codings and memos) instead of the
    newest of anyone. Refused (ParameterError) when later edits depend on it.

    >>> import tempfile, os
    >>> undo(Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))) is None
    True
    """
    return _step(store, redo=False, coder=coder, actor=actor)


def redo(store: Store, *, coder: str | None = None, actor: str = "") -> str | None:
    """Redo the edit undone most recently (of ``coder``, if given); return its description
    (None: nothing to redo). A new edit after an undo makes redo impossible."""
    return _step(store, redo=True, coder=coder, actor=actor)


def history(
    store: Store, limit: int | None = None, *, actor: Actor | None = None
) -> list[dict[str, Any]]:
    """Undoable edits, newest first: log id, time, actor, action, description, undone.

    ``actor``: what they may see (:mod:`~zhagen.access`): coding blind, their own
    edits only — another coder's entries would name their codes and actions.
    """
    out = []
    for r in q.history_rows(store, actor=coder_filter(actor), limit=limit):
        payload = json.loads(r["payload"])
        out.append(
            {
                "log_id": r["id"],
                "ts": r["ts"],
                "actor": r["actor"],
                "action": r["action"],
                "description": payload.get("summary", ""),
                "undone": bool(r["undone"]),
            }
        )
    return out
