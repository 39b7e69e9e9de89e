"""The change feed: what changed in a project after a given point, as plain data.

The project's change counter is the id of the newest entry of its append-only ``log``
(every coding, code, memo and relation edit writes one, as do undo and redo). Each entry
becomes a :class:`Change`: its ``kind`` (``tree`` for the code tree, relations and the
storyline, ``coding``, ``memo``, ``sets`` for sets and attributes, ``other``), the documents it touched (from the row
snapshots of :mod:`zhagen.coding.history`; None when unknown) and who made it. This module
is the only reader of the log's undo format besides :mod:`~zhagen.coding.history` itself.

:meth:`Change.seen_by` applies the access policy (:mod:`zhagen.access`): coding blind,
a coder hears nothing of another coder's codings, memos or other work, and of edits of the
shared code tree only that the tree changed (no actor, no documents).

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding import engine
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> start = changes(store).version
>>> _ = engine.add_code(store, "政策", actor="甲")
>>> feed = changes(store, since=start)
>>> [(c.kind, c.actor) for c in feed.changes], feed.complete
([('tree', '甲')], True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from zhagen.access import Actor, Item, visible
from zhagen.store import changes as qc
from zhagen.store.db import Store

__all__ = ["Change", "ChangeFeed", "changes", "describe", "KINDS"]

#: Action family → the kind of change a page reacts to.
KINDS = {"code": "tree", "relation": "tree", "storyline": "tree", "model": "tree", "coding": "coding",
         "memo": "memo", "set": "sets", "attr": "sets", "suggest": "coding"}  # fmt: skip
#: Kinds of shared things: coding blind, others hear that they changed, not who changed them.
SHARED = ("tree", "sets")
_BY_DOCUMENT = ("codings", "set_members", "attribute_values", "suggestions")


@dataclass(frozen=True)
class Change:
    """One logged edit: log id, kind, documents touched (None: unknown), actor."""

    id: int
    kind: str
    documents: tuple[int, ...] | None
    actor: str

    def seen_by(self, actor: Actor | None) -> Change | None:
        """This change as ``actor`` may see it (None: not at all).

        >>> c = Change(3, "tree", (1,), "甲")
        >>> c.seen_by(Actor("乙", "coder", blind=True))
        Change(id=3, kind='tree', documents=None, actor='')
        >>> Change(4, "coding", (1,), "甲").seen_by(Actor("乙", "coder", blind=True)) is None
        True
        """
        if visible(actor, Item("change", self.id, self.actor)):
            return self
        if self.kind not in SHARED:
            return None
        return replace(self, documents=None, actor="")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"id", "kind", "documents" (list or None), "actor"}``."""
        docs = None if self.documents is None else list(self.documents)
        return {"id": self.id, "kind": self.kind, "documents": docs, "actor": self.actor}


@dataclass(frozen=True)
class ChangeFeed:
    """The change counter and the changes after ``since``; ``complete`` is False when more
    changes happened than were listed (a reader should reload everything)."""

    version: int
    changes: list[Change] = field(default_factory=list)
    complete: bool = True

    def seen_by(self, actor: Actor | None) -> ChangeFeed:
        """The feed with only what ``actor`` may see (:meth:`Change.seen_by`)."""
        shown = [v for c in self.changes if (v := c.seen_by(actor)) is not None]
        return replace(self, changes=shown)


def _documents(ops: list[dict[str, Any]]) -> tuple[int, ...]:
    docs: set[int] = set()
    for op in ops:
        for row in [*op.get("before", []), *op.get("after", [])]:
            if op.get("table") in _BY_DOCUMENT and row.get("document_id") is not None:
                docs.add(int(row["document_id"]))
            elif op.get("table") == "memos" and row.get("target_type") == "document":
                docs.add(int(row["target_id"]))
    return tuple(sorted(docs))


def describe(row: Any) -> Change:
    """One log row (id, actor, action, payload, undo) as a :class:`Change`.

    >>> row = {"id": 7, "actor": "甲", "action": "coding.add", "payload": "{}",
    ...        "undo": '{"ops": [{"table": "codings", "before": [],'
    ...                '"after": [{"id": 1, "document_id": 3}]}]}'}
    >>> describe(row)
    Change(id=7, kind='coding', documents=(3,), actor='甲')
    """
    action = str(row["action"])
    payload = json.loads(row["payload"] or "{}")
    if action in ("undo", "redo"):  # the edit undone or redone says what it touched
        action = str(payload.get("action") or "")
    kind = KINDS.get(action.split(".")[0], "other")
    documents: tuple[int, ...] | None = None
    if row["undo"]:
        documents = _documents(json.loads(row["undo"]).get("ops", []))
    elif kind == "coding" and payload.get("document") is not None:
        documents = (int(payload["document"]),)
    return Change(int(row["id"]), kind, documents, str(row["actor"] or ""))


def changes(
    store: Store, since: int | None = None, *, actor: Actor | None = None, limit: int = 500
) -> ChangeFeed:
    """The change counter and, after ``since``, up to ``limit`` changes, oldest first, as
    ``actor`` may see them (None: all). One query when nothing changed."""
    version = qc.latest_log_id(store)
    if since is None or since >= version:
        return ChangeFeed(version)
    rows = qc.log_after(store, since, limit)
    listed = [describe(r) for r in rows]
    if listed:  # a writer may have logged more between the two queries
        version = max(version, listed[-1].id)
    complete = not listed or listed[-1].id >= version
    return ChangeFeed(version, listed, complete).seen_by(actor)
