"""Reading the change log for live updates: its newest id (the project's change counter)
and the entries after a given id. Both are lookups on the log's integer primary key."""

from __future__ import annotations

from typing import Any

from zhagen.store.db import Store, rows

__all__ = ["latest_log_id", "log_after"]


def latest_log_id(store: Store) -> int:
    """The id of the newest log entry (0 for an empty log): grows with every change."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM log").fetchone()[0])


def log_after(store: Store, after: int, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` log entries with an id above ``after``, oldest first: id, actor,
    action, payload and undo (JSON text)."""
    return rows(
        store.conn.execute(
            "SELECT id, actor, action, payload, undo FROM log WHERE id > ? ORDER BY id LIMIT ?",
            (int(after), int(limit)),
        )
    )
