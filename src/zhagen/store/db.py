"""Opening a project file: pragmas, application id, migrations, transactions.

A project file is one SQLite database marked with ``PRAGMA application_id``; it runs in WAL
mode with foreign keys on. Writes happen in ``BEGIN IMMEDIATE`` transactions, so a write
that returned has been committed and survives ``kill -9``. Pending migrations are applied
on open, after the file is copied to ``<file>.bak``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhagen.errors import ProjectError
from zhagen.store.schema import MIGRATIONS

__all__ = ["APPLICATION_ID", "Store", "now", "quote_ident"]

#: "zhag" in ASCII: marks a SQLite file as a zhagen project.
APPLICATION_ID = 0x7A686167


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (the one place identifiers are quoted)."""
    return '"' + name.replace('"', '""') + '"'


class Store:
    """An open project database.

    Use :meth:`create` for a new file and :meth:`open` for an existing one.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Store:
        p = Path(path)
        if p.exists():
            raise ProjectError(
                "文件已存在；请换一个文件名，或用 zhagen.open() 打开它",
                "the file already exists; choose another name, or open it with zhagen.open()",
                file=str(path),
            )
        if not p.parent.exists():
            raise ProjectError(
                "所在文件夹不存在，请先创建它",
                "its folder does not exist; create it first",
                file=str(path),
            )
        conn = _connect(p)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        store = cls(p, conn)
        store._migrate(backup=False)
        with store.transaction():
            conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (now(),))
        return store

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, migrate: bool = True) -> Store:
        p = Path(path)
        if not p.is_file():
            raise ProjectError(
                "找不到项目文件；用 zhagen new 创建一个",
                "project file not found; create one with `zhagen new`",
                file=str(path),
            )
        _check_header(p)
        conn = _connect(p)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise ProjectError(
                    "这是一个 SQLite 文件，但不是 zhagen 项目",
                    "this is an SQLite file but not a zhagen project",
                    file=str(path),
                )
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise ProjectError(
                    f"项目文件已损坏（{ok}）；请使用 .bak 备份",
                    f"the project file is damaged ({ok}); use the .bak copy",
                    file=str(path),
                )
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ProjectError(
                f"无法读取项目文件（{exc}）", f"cannot read the project file ({exc})", file=str(path)
            ) from exc
        except ProjectError:
            conn.close()
            raise
        store = cls(p, conn)
        if migrate:
            store._migrate(backup=True)
        return store

    def close(self) -> None:
        self.conn.close()

    # -- migrations ------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        has = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'"
        ).fetchone()
        if not has:
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY rowid")]

    def _migrate(self, *, backup: bool) -> None:
        done = set(self.applied_migrations())
        pending = [(n, sql) for n, sql in MIGRATIONS if n not in done]
        if not pending:
            return
        if backup:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
        )
        for name, sql in pending:
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))

    # -- transactions and the log ----------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def log(
        self, action: str, payload: dict[str, Any], *, actor: str = "", undo: Any = None
    ) -> int:
        """Append one entry to the change log (inside the caller's transaction)."""
        cur = self.conn.execute(
            "INSERT INTO log(ts, actor, action, payload, undo) VALUES (?, ?, ?, ?, ?)",
            (
                now(),
                actor,
                action,
                json.dumps(payload, ensure_ascii=False),
                None if undo is None else json.dumps(undo, ensure_ascii=False),
            ),
        )
        return int(cur.lastrowid or 0)

    def log_entries(self, limit: int | None = None) -> list[sqlite3.Row]:
        sql = "SELECT id, ts, actor, action, payload, undo FROM log ORDER BY id DESC"
        if limit is not None:
            return list(self.conn.execute(sql + " LIMIT ?", (limit,)))
        return list(self.conn.execute(sql))

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default


def _check_header(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise ProjectError(
            "这不是 zhagen 项目文件（不是 SQLite 数据库）",
            "this is not a zhagen project file (not an SQLite database)",
            file=str(path),
        )


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into complete statements (triggers included)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()
