"""Analysis runs: what was run, with which parameters, and what it reported."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from zhagen.store.db import Store, now

__all__ = ["record_run", "run_rows", "map_rows", "project_fingerprint"]


def record_run(store: Store, kind: str, params: dict[str, Any], summary: dict[str, Any]) -> int:
    """Store one analysis run and log it (one transaction)."""
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO runs(kind, params, summary, created) VALUES (?, ?, ?, ?)",
            (
                kind,
                json.dumps(params, ensure_ascii=False, default=str),
                json.dumps(summary, ensure_ascii=False, default=str),
                now(),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        store.log(f"run.{kind}", {"run": run_id, "params": params})
    return run_id


def run_rows(store: Store, kind: str | None = None) -> list[sqlite3.Row]:
    sql = "SELECT id, kind, params, summary, created FROM runs"
    if kind is None:
        return list(store.conn.execute(sql + " ORDER BY id"))
    return list(store.conn.execute(sql + " WHERE kind = ? ORDER BY id", (kind,)))


def map_rows(store: Store, *, keep_duplicates: bool, texts: bool) -> sqlite3.Cursor:
    """id, year, title, keywords (JSON), has_body, text of every document to map.

    ``text`` (the body of a raw document, or title + abstract of a record) is read only with
    ``texts=True``; otherwise it is NULL except for raw documents, whose terms always come
    from their text. Reading no abstracts halves the time on a million records.
    """
    text = (
        "CASE WHEN body IS NOT NULL THEN body ELSE title || char(10) || abstract END"
        if texts
        else "body"
    )
    sql = f"SELECT id, year, title, keywords, body IS NOT NULL, {text} FROM documents" + (
        "" if keep_duplicates else " WHERE dup_of IS NULL"
    )
    return store.conn.execute(sql + " ORDER BY id")


def project_fingerprint(store: Store) -> str:
    """A short fingerprint of the imported content: the sources' hashes, in order."""
    import hashlib

    h = hashlib.sha256()
    for (sha,) in store.conn.execute(
        "SELECT sha256 FROM sources WHERE status <> 'failed' ORDER BY id"
    ):
        h.update((sha or "").encode())
    return h.hexdigest()
