"""Opening a project file: pragmas, application id, migrations, transactions.

A project file is one SQLite database marked with ``PRAGMA application_id``; it runs in WAL
mode with foreign keys on. Writes happen in ``BEGIN IMMEDIATE`` transactions, so a write
that returned has been committed and survives ``kill -9``. Pending migrations are applied
on open, after SQLite's ``quick_check`` and a copy of the file to ``<file>.bak``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhagen.errors import ProjectError
from zhagen.store.schema import MIGRATIONS

__all__ = [
    "APPLICATION_ID",
    "Store",
    "dup_hash",
    "id_list_json",
    "now",
    "one",
    "quote_ident",
    "rows",
]

#: "zhag" in ASCII: marks a SQLite file as a zhagen project.
APPLICATION_ID = 0x7A686167
#: Page size of new project files. A document row is ~1.3 KB (its abstract): 16 KB pages
#: hold a dozen, SQLite's default 4 KB three, with which writing an import cost the main
#: process ~25 % more CPU (26.7 against 20.7 µs a record, measured). Files made with other
#: page sizes keep theirs.
PAGE_SIZE = 16384


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (the one place identifiers are quoted)."""
    return '"' + name.replace('"', '""') + '"'


def id_list_json(ids: Iterable[int]) -> str:
    """A set of row ids as the JSON array an ``IN (SELECT value FROM json_each(?))`` takes:
    one parameter however many ids (SQLite limits the number of parameters).

    >>> id_list_json([3, 1, 3])
    '[1, 3]'
    """
    return json.dumps(sorted({int(i) for i in ids}))


def one(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The next row of a query as a plain dict (column name → value), or None.

    No ``sqlite3.Row`` leaves ``store/``: callers get plain data they can keep, compare,
    serialise and read after the connection is closed.

    >>> conn = sqlite3.connect(":memory:")
    >>> conn.row_factory = sqlite3.Row
    >>> one(conn.execute("SELECT 1 AS a, 'x' AS b")), one(conn.execute("SELECT 1 WHERE 0"))
    ({'a': 1, 'b': 'x'}, None)
    """
    row = cursor.fetchone()
    return None if row is None else dict(zip(row.keys(), row, strict=True))


def rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Every row of a query as a plain dict (column name → value), in order.

    >>> conn = sqlite3.connect(":memory:")
    >>> rows(conn.execute("SELECT 1 AS a UNION ALL SELECT 2"))
    [{'a': 1}, {'a': 2}]
    """
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor]


def dup_hash(key: str | None) -> int | None:
    """The integer a document's ``dup_key`` is indexed by (``documents.dup_hash``): the
    CRC-32 of its UTF-8 bytes, None for no key. A lookup compares the key as well, so two
    keys with one hash are never confused; the index holds 4-byte integers instead of
    ~60-byte keys, which measured 0.25 s less per 100 000 CNKI records written (a key's
    new entry lands anywhere in the index, and a small entry touches fewer pages).

    >>> dup_hash("新质生产力理论与实践|2024") == dup_hash("新质生产力理论与实践|2024")
    True
    >>> dup_hash(""), dup_hash(None)
    (None, None)
    """
    return zlib.crc32(key.encode("utf-8")) if key else None


class Store:
    """An open project database.

    Use :meth:`create` for a new file and :meth:`open` for an existing one.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._checkpointer: _Checkpointer | None = None
        self._lock = _writer_lock(path)  # looked up once: realpath costs three lstat calls
        self._grouped = False  # inside group(): each transaction() is a savepoint
        self._temp_in_memory = False  # set by for_small_edits(): no pragma per transaction
        #: Results derived from the data, each kept with the :meth:`data_stamp` it was read at
        #: (see :meth:`remembered`).
        self.memo: dict[Any, tuple[tuple[int, int], Any]] = {}

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
        conn = _connect(p, page_size=PAGE_SIZE)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        store = cls(p, conn)
        store._migrate(backup=False)
        with store.transaction():
            conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (now(),))
        return store

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, migrate: bool = True, check: bool = False
    ) -> Store:
        """Open a project file; ``check=True`` runs SQLite's ``quick_check`` first."""
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
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            store = cls(p, conn)
            if check or (migrate and store._pending()):
                store._require_ok()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ProjectError(
                f"无法读取项目文件（{exc}）",
                f"cannot read the project file ({exc})",
                file=str(path),
            ) from exc
        except ProjectError:
            conn.close()
            raise
        if migrate:
            store._migrate(backup=True)
        return store

    def check(self) -> list[str]:
        """SQLite's full ``integrity_check`` of the file: ``["ok"]`` or the problems found.

        Opening a project reads only its schema (a full check of a million-record file takes
        seconds); the file is checked in full before a migration rewrites it, when
        :meth:`open` is given ``check=True``, and by ``zhagen check``.
        """
        return self._check("integrity_check")

    def _check(self, pragma: str) -> list[str]:
        try:
            return [r[0] for r in self.conn.execute(f"PRAGMA {pragma}")]
        except sqlite3.DatabaseError as exc:  # damage bad enough that the check cannot run
            return [str(exc)]

    def _require_ok(self) -> None:
        ok = "; ".join(self._check("quick_check")[:3])
        if ok != "ok":
            raise ProjectError(
                f"项目文件已损坏（{ok}）；请使用 .bak 备份",
                f"the project file is damaged ({ok}); use the .bak copy",
                file=str(self.path),
            )

    def close(self) -> None:
        self.memo.clear()
        self.conn.close()

    # -- what has changed --------------------------------------------------------------------
    def data_stamp(self) -> tuple[int, int] | None:
        """A value that changes whenever anything this connection reads may have changed,
        or None inside a transaction (where uncommitted rows may yet be rolled back).

        ``PRAGMA data_version`` changes when another connection — in this process or any
        other — commits; ``total_changes`` counts every row this connection has inserted,
        updated or deleted (triggers' too), so the pair is equal only while no row changed.
        Costs a few microseconds: a cache keyed on it is a lookup.

        >>> import tempfile, os
        >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
        >>> before = store.data_stamp()
        >>> before == store.data_stamp()
        True
        >>> _ = store.conn.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')")
        >>> before == store.data_stamp()
        False
        """
        conn = self.conn
        if conn.in_transaction:
            return None
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        return (int(version), conn.total_changes)

    def remembered(self, key: Any, make: Callable[[], Any], version: Any = None) -> Any:
        """``make()``, kept under ``key`` until the data changes (:meth:`data_stamp`): a
        repeated call with no write in between — by this connection or any other — returns
        the kept value. The caller copies what it hands out if its callers may change it.
        The stamp is read before ``make`` runs, so a write committed while it runs makes the
        next call read again.

        ``version``: kept until this value changes instead — a version of the tables
        ``make`` reads that changes with every write to them and is rolled back with them
        (``table_versions``, kept by triggers), so writes elsewhere do not discard it, and
        it may be kept inside a transaction."""
        stamp = self.data_stamp() if version is None else ("version", version)
        if stamp is None:
            return make()
        kept = self.memo.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = make()
        self.memo[key] = (stamp, value)
        return value

    # -- migrations ------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        has = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'"
        ).fetchone()
        if not has:
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY rowid")]

    def _pending(self) -> list[tuple[str, str]]:
        done = set(self.applied_migrations())
        return [(n, sql) for n, sql in MIGRATIONS if n not in done]

    def _migrate(self, *, backup: bool) -> None:
        pending = self._pending()
        if not pending:
            return
        if backup:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
        )
        # Foreign keys off while migrating, so that a migration can rebuild a referenced
        # table (SQLite's documented way to change a constraint); each migration checks
        # them before it commits, so none is left broken.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        # what a migration may call to fill a column (never referenced by the schema)
        self.conn.create_function("zhagen_dup_hash", 1, dup_hash, deterministic=True)
        try:
            for name, sql in pending:
                with self.transaction():
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    broken = self.conn.execute("PRAGMA foreign_key_check").fetchone()
                    if broken is not None:
                        raise sqlite3.IntegrityError(
                            f"migration {name} broke a foreign key in {broken[0]}"
                        )
                    self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    # -- transactions and the log ----------------------------------------------------------
    @contextmanager
    def transaction(self, *, small: bool = False) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception.

        ``small``: an edit of a few rows (a coding, a code), whose statements fire the
        triggers that keep ``code_counts``. SQLite gives every statement that fires a trigger
        a statement journal (to undo that statement alone should it fail) and writes it to
        a new temporary file once it passes 64 KiB — four of our pages, which one coding
        insert touches (its table, indexes, ``sqlite_sequence``, ``code_counts``): a file
        created, written and deleted per edit, ~0.15 ms. With ``temp_store = MEMORY`` for
        the transaction the journal stays in memory. It is never needed after a crash (the
        write-ahead log is), and a small edit's statements touch few pages, so it stays
        small; large transactions (an import) keep temporary files.

        >>> import os, tempfile
        >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
        >>> with store.transaction(small=True) as conn:
        ...     conn.execute("PRAGMA temp_store").fetchone()[0]
        2
        >>> store.conn.execute("PRAGMA temp_store").fetchone()[0]
        0
        """
        conn = self.conn
        if self._grouped:
            with self._savepoint(conn):
                yield conn
            return
        if self._checkpointer is not None:
            self._checkpointer.before_begin()
        small = small and not self._temp_in_memory
        with self._lock:
            if small:  # read at BEGIN
                conn.execute("PRAGMA temp_store = MEMORY")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                if small and not conn.in_transaction:
                    conn.execute("PRAGMA temp_store = DEFAULT")
        if self._checkpointer is not None:
            self._checkpointer.committed()

    def for_small_edits(self, *, cache_mb: int = 32) -> None:
        """Tune a connection that makes small edits only (the web workbench's coding writer):
        its statement journals in memory for good (what ``transaction(small=True)`` sets and
        resets around each edit, two statements a commit) and a page cache of ``cache_mb``
        MiB, which keeps the index pages that codings of any document and code touch (the
        default 2 MiB read some of them again from the file for every coding).

        >>> import os, tempfile
        >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
        >>> store.for_small_edits()
        >>> with store.transaction(small=True) as conn:
        ...     conn.execute("PRAGMA temp_store").fetchone()[0]
        2
        >>> store.conn.execute("PRAGMA temp_store").fetchone()[0], store.conn.in_transaction
        (2, False)
        """
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute(f"PRAGMA cache_size = {-int(cache_mb) * 1024}")
        self._temp_in_memory = True

    @staticmethod
    @contextmanager
    def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("SAVEPOINT grouped")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back everything already
                conn.execute("ROLLBACK TO grouped")
                conn.execute("RELEASE grouped")
            raise
        conn.execute("RELEASE grouped")

    @contextmanager
    def group(self) -> Iterator[None]:
        """Several small transactions committed as one (group commit), each still all or
        nothing on its own.

        Inside the block every :meth:`transaction` is a savepoint of one ``BEGIN
        IMMEDIATE`` … ``COMMIT``: one that raises is rolled back alone and its exception
        goes to its caller, the others stay; a group inside a group is one such savepoint
        too. Nothing is durable before the block ends; if
        the commit fails, none of them is. Why: a commit writes every page the
        transaction touched to the write-ahead log (a coding touches eleven 16 KiB pages:
        its table, three indexes, ``sqlite_sequence``, ``code_counts``, the log and
        ``history``); edits committed together share those pages, so a batch of codings
        costs little more than one (the web server's coding writer, under load).

        >>> import os, tempfile
        >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
        >>> with store.group():
        ...     with store.transaction(small=True):
        ...         kept = store.log("kept", {})
        ...     try:
        ...         with store.transaction(small=True):
        ...             dropped = store.log("dropped", {})
        ...             raise ValueError("this edit fails")
        ...     except ValueError:
        ...         pass
        ...     store.conn.in_transaction
        True
        >>> [r[0] for r in store.conn.execute("SELECT action FROM log WHERE action <> 'migrate'")]
        ['kept']
        """
        if self._grouped:  # a group in a group: all or nothing on its own, like an edit
            with self._savepoint(self.conn):
                yield
            return
        with self.transaction(small=True) as conn:
            self._grouped = True
            try:
                yield
            finally:
                self._grouped = False
            if not conn.in_transaction:  # an error made SQLite roll back the whole group
                raise sqlite3.OperationalError("the group's transaction was rolled back")

    @contextmanager
    def bulk_writes(self, *, cache_mb: int = 128, wal_mb: int = 64) -> Iterator[None]:
        """Tune the connection for a long run of large write transactions (an import).

        Every transaction still commits as usual; what changes is when the work after a
        commit is done. SQLite checkpoints (copies the write-ahead log into the database
        file and syncs both) in the committing thread every 4 MB, which on a large import
        stalls the main process ~30 µs per record on disk syncs. Here a second connection
        does it in a thread (SQLite releases the GIL) after each commit, and a transaction
        waits for it only when the log has grown past ``wal_mb``, so that it stays bounded.
        A larger page cache keeps the index pages of a growing table in memory.
        """
        conn = self.conn
        old = {
            p: conn.execute(f"PRAGMA {p}").fetchone()[0]
            for p in ("cache_size", "wal_autocheckpoint", "journal_size_limit")
        }
        conn.execute(f"PRAGMA cache_size = {-cache_mb * 1024}")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        # the log file is cut back to this size when it restarts, so its size tells whether
        # it has outgrown the limit (see _Checkpointer.before_begin)
        conn.execute(f"PRAGMA journal_size_limit = {wal_mb << 20}")
        self._checkpointer = _Checkpointer(self.path, wal_mb << 20)
        try:
            yield
        finally:
            self._checkpointer.close()
            self._checkpointer = None
            for pragma, value in old.items():
                conn.execute(f"PRAGMA {pragma} = {int(value)}")

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

    def log_entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The log, newest first (at most ``limit`` entries): id, ts, actor, action,
        payload and undo (JSON text)."""
        sql = "SELECT id, ts, actor, action, payload, undo FROM log ORDER BY id DESC"
        if limit is not None:
            return rows(self.conn.execute(sql + " LIMIT ?", (limit,)))
        return rows(self.conn.execute(sql))

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default


class _Checkpointer:
    """Checkpoints the write-ahead log from its own connection in a thread (see bulk_writes).

    ``committed`` asks for a checkpoint after each commit; ``before_begin`` waits for the
    asked ones to finish when the log file has outgrown ``limit`` bytes, so that the next
    transaction restarts the log from its beginning. A failed checkpoint is not an error
    for the writer: the log then grows until SQLite checkpoints it again after the import.

    The thread starts at the first commit, not before: an import forks its worker processes
    before it commits anything, and a process forked while this thread is inside SQLite
    would inherit SQLite's mutexes locked and hang at its first query.
    """

    def __init__(self, path: Path, limit: int) -> None:
        self._db, self._wal, self._limit = path, path.with_name(path.name + "-wal"), limit
        self._cond = threading.Condition()
        self._asked = self._done = 0
        self._stopping = self._failed = False
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="zhagen-checkpoint")
            self._thread.daemon = True
            self._thread.start()
        with self._cond:
            self._asked += 1
            self._cond.notify_all()

    def before_begin(self) -> None:
        try:
            size = os.path.getsize(self._wal)
        except OSError:
            return
        if size > self._limit:
            with self._cond:
                self._cond.wait_for(lambda: self._done >= self._asked or self._failed)

    def close(self) -> None:
        """Finish the checkpoints asked for, then stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._db, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            self._fail()
            return
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._asked > self._done or self._stopping)
                    if self._asked == self._done:  # stopping, nothing left to do
                        return
                    target = self._asked
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._cond:
                    self._done = target
                    self._cond.notify_all()
        except sqlite3.Error:
            self._fail()
        finally:
            conn.close()

    def _fail(self) -> None:
        with self._cond:
            self._failed = True
            self._cond.notify_all()


def _check_header(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise ProjectError(
            "这不是 zhagen 项目文件（不是 SQLite 数据库）",
            "this is not a zhagen project file (not an SQLite database)",
            file=str(path),
        )


_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    """One lock per project file for the write transactions of this process.

    SQLite lets one connection write at a time; a second that finds the file locked sleeps
    in its busy handler (1, 2, 5, 10 … 100 ms steps) and so waits up to tens of milliseconds
    after the first has committed. Writers of one process (the web workbench's request
    threads) queue on this lock instead and start the moment the previous commit is done.
    Writers in other processes still meet SQLite's busy handler.
    """
    key = os.path.realpath(path)
    with _WRITER_LOCKS_GUARD:
        lock = _WRITER_LOCKS.get(key)
        if lock is None:
            lock = _WRITER_LOCKS[key] = threading.RLock()
        return lock


def _connect(path: Path, page_size: int | None = None) -> sqlite3.Connection:
    """Open the file with zhagen's pragmas; ``page_size`` only for a file being created
    (SQLite fixes it when the first table is written, and WAL mode cannot change it)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    if page_size is not None:
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
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
