"""The write-ahead log of a long-running server: who checkpoints it, and when.

SQLite checkpoints (copies the log into the database file and syncs both) inside the
commit that takes the log past ``wal_autocheckpoint`` pages: in the web workbench that was
every ~100th coding request, stalled 20–50 ms on the disk syncs — the whole p99 of a
coding request. A server's connections therefore leave it (almost) to
:class:`Checkpointer`: one thread with its own connection that checkpoints about once a
second, outside every request.
(:meth:`zhagen.store.db.Store.bulk_writes` does the like for an import, after each commit.)
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from zhagen.store.db import Store

__all__ = ["defer_checkpoints", "Checkpointer"]

#: A connection left to the background checkpointer still checkpoints by itself past this
#: many pages (a safety net should the thread stop; ~64 MB of 4 KB pages).
FALLBACK_PAGES = 16384


def defer_checkpoints(store: Store, pages: int = FALLBACK_PAGES) -> None:
    """Let this connection checkpoint by itself only past ``pages`` log pages."""
    store.conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


class Checkpointer:
    """A thread that checkpoints every ``interval`` seconds, outside every request.

    First passively: it copies what no reader still needs and syncs, without taking the
    write lock (SQLite releases the GIL meanwhile). But under a steady stream of writes a
    passive checkpoint never finds the log fully copied when a writer starts, so the log
    would never start over from its beginning and would grow until the connections'
    fallback checkpoint. So when more than ``restart_bytes`` have been written to it since
    it last started over, the thread then restarts it, without waiting: that
    holds writers back while it copies the frames written since the passive pass and syncs
    (one stall of a sync, 20–60 ms here, every 32 MB of log: ~1 in 800 codings), and gives
    up at once if a reader still needs the log (the next second tries again).
    :meth:`close` ends the thread after a last checkpoint.
    """

    def __init__(self, path: Path, interval: float = 1.0, restart_bytes: int = 32 << 20) -> None:
        self.path, self.interval, self.restart_bytes = Path(path), interval, restart_bytes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = self.restarts = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="zhagen-wal", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            page = int(conn.execute("PRAGMA page_size").fetchone()[0])
            while True:
                stopping = self._stop.wait(self.interval)
                _busy, frames, _done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.runs += 1
                if frames * page > self.restart_bytes:
                    busy = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()[0]
                    self.restarts += not busy
                if stopping:
                    return
        except sqlite3.Error:
            return  # the connections' own fallback checkpoints take over
        finally:
            conn.close()
