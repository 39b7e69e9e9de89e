"""The server's write-ahead log: its connections leave checkpoints to a background thread
(``zhagen.store.wal``), which copies the log and restarts it outside every request."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from web_support import make_project


def _log_frames(path: Path) -> tuple[int, int]:
    """(frames in the log, frames copied into the file), asked from another connection."""
    conn = sqlite3.connect(path)
    try:
        _busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return frames, done


_made = [0]


def _write(project, n: int) -> None:
    """``n`` new codings (each its own transaction), each under a code of its own."""
    for _ in range(n):
        _made[0] += 1
        project.code_span(1, 0, 1 + _made[0] % 20, project.add_code(f"编码{_made[0]}"))


def test_a_deferring_connection_does_not_checkpoint_in_its_commits(tmp_path: Path) -> None:
    from zhagen.project import Project
    from zhagen.store.wal import defer_checkpoints

    path = make_project(tmp_path)
    with Project.open(path) as p:
        defer_checkpoints(p.store, pages=100_000)
        conn = sqlite3.connect(path)  # a reader that keeps the log from restarting meanwhile
        _write(p, 300)
        frames = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        conn.close()
    assert frames > 1000  # SQLite's own default would have checkpointed at 1000 pages


def test_the_checkpointer_copies_and_restarts_the_log(tmp_path: Path) -> None:
    from zhagen.project import Project
    from zhagen.store.wal import Checkpointer, defer_checkpoints

    path = make_project(tmp_path)
    ck = Checkpointer(path, interval=0.02, restart_bytes=64 * 1024)
    ck.start()
    try:
        with Project.open(path) as p:
            defer_checkpoints(p.store, pages=100_000)
            for _ in range(10):
                _write(p, 20)
                time.sleep(0.05)
            deadline = time.monotonic() + 10
            while ck.restarts == 0 and time.monotonic() < deadline:
                _write(p, 5)
                time.sleep(0.05)
    finally:
        ck.close()
    assert ck.runs > 0 and ck.restarts > 0
    frames, done = _log_frames(path)
    assert frames == done  # everything copied into the database file
    with Project.open(path) as p:
        assert len(p.codings()) > 0
