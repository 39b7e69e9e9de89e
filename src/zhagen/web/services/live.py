"""Live updates: what changed in the project since a browser last asked.

The project's change counter is the id of the newest entry of its append-only ``log``
(every coding, code, memo and relation edit writes one, as do undo and redo). Browsers
poll ``GET /api/changes?since=N`` about once a second; :class:`LiveChanges` answers all
of them from one cache that it refreshes with at most one cheap query a second (the
newest log id; the new entries only when it moved), so the number of open tabs does not
multiply the SQL.

Each change is reduced to what a page needs to decide whether to reload: its ``kind``
(``tree`` for the code tree and relations, ``coding``, ``memo``, ``other``), the
documents it touched (from the row snapshots the log keeps; None when unknown) and who
made it. Blind coding: a coder coding blind never hears of another coder's codings,
memos or other work, and of code-tree edits only that the tree changed.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["LiveChanges", "describe", "visible"]

#: How many recent changes the cache keeps; a browser further behind reloads everything.
KEEP = 500
_KINDS = {"code": "tree", "relation": "tree", "storyline": "tree", "coding": "coding",
          "memo": "memo"}  # fmt: skip


def _documents(ops: list[dict[str, Any]]) -> list[int]:
    docs: set[int] = set()
    for op in ops:
        for row in [*op.get("before", []), *op.get("after", [])]:
            if op.get("table") == "codings" and row.get("document_id") is not None:
                docs.add(int(row["document_id"]))
            elif op.get("table") == "memos" and row.get("target_type") == "document":
                docs.add(int(row["target_id"]))
    return sorted(docs)


def describe(row: Any) -> dict[str, Any]:
    """One log row as a change: id, kind, documents (None: unknown), actor.

    >>> row = {"id": 7, "actor": "甲", "action": "coding.add", "payload": "{}",
    ...        "undo": '{"ops": [{"table": "codings", "before": [],'
    ...                '"after": [{"id": 1, "document_id": 3}]}]}'}
    >>> describe(row)
    {'id': 7, 'kind': 'coding', 'documents': [3], 'actor': '甲'}
    """
    action = str(row["action"])
    payload = json.loads(row["payload"] or "{}")
    if action in ("undo", "redo"):  # the edit undone or redone says what it touched
        action = str(payload.get("action") or "")
    kind = _KINDS.get(action.split(".")[0], "other")
    documents = None
    if row["undo"]:
        documents = _documents(json.loads(row["undo"]).get("ops", []))
    elif kind == "coding" and payload.get("document") is not None:
        documents = [int(payload["document"])]
    return {"id": int(row["id"]), "kind": kind, "documents": documents,
            "actor": str(row["actor"] or "")}  # fmt: skip


def visible(change: dict[str, Any], *, blind: bool, coder: str) -> dict[str, Any] | None:
    """The change as a caller may see it (None: not at all). Coding blind, of what others
    do only edits of the shared code tree are seen, without who made them or which
    documents they touched."""
    if not blind or change["actor"] == coder:
        return change
    if change["kind"] != "tree":
        return None
    return {"id": change["id"], "kind": "tree", "documents": None, "actor": ""}


class LiveChanges:
    """The recent changes of one project, shared by every polling browser."""

    def __init__(
        self, borrow: Callable[[], AbstractContextManager[Project]], interval: float = 1.0
    ) -> None:
        self._borrow, self.interval = borrow, interval
        self._lock = threading.Lock()
        self._recent: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.version: int | None = None
        self._checked = float("-inf")
        self.queries = 0

    def _refresh(self) -> None:
        from zhagen.store.changes import latest_log_id, log_after

        with self._borrow() as p:
            latest = latest_log_id(p.store)
            self.queries += 1
            if self.version is None or latest < self.version:  # first look, or a new file
                self._recent.clear()
            elif latest > self.version:
                rows = log_after(p.store, self.version, KEEP)
                self.queries += 1
                if len(rows) == KEEP:  # too many to keep: browsers reload everything
                    self._recent.clear()
                self._recent.extend(describe(r) for r in rows)
        self.version = latest

    def since(self, since: int | None) -> tuple[int, list[dict[str, Any]], bool]:
        """(version, changes after ``since``, whether some were forgotten: reload all)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.interval:
                self._refresh()
                self._checked = now
            version = int(self.version or 0)
            if since is None or since >= version:
                return version, [], False
            oldest = self._recent[0]["id"] if self._recent else version + 1
            changes = [c for c in self._recent if c["id"] > since]
            return version, changes, oldest > since + 1 and since < version
