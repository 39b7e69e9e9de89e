"""Analysis runs: what was run, with which parameters, and what it reported."""

from __future__ import annotations

import json
from typing import Any

from zhagen.store.db import Store, now, rows

__all__ = ["record_run", "run_rows", "project_fingerprint"]


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


def run_rows(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    """Recorded runs (of one kind): id, kind, params and summary (JSON text), created."""
    sql = "SELECT id, kind, params, summary, created FROM runs"
    if kind is None:
        return rows(store.conn.execute(sql + " ORDER BY id"))
    return rows(store.conn.execute(sql + " WHERE kind = ? ORDER BY id", (kind,)))


def project_fingerprint(store: Store) -> str:
    """A short fingerprint of the imported content: the sources' hashes, in order."""
    import hashlib

    h = hashlib.sha256()
    for (sha,) in store.conn.execute(
        "SELECT sha256 FROM sources WHERE status <> 'failed' ORDER BY id"
    ):
        h.update((sha or "").encode())
    return h.hexdigest()
