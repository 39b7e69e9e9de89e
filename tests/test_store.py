"""The project file: application id, WAL, migrations with .bak, append-only log, errors."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from zhagen.errors import ProjectError
from zhagen.store import APPLICATION_ID, Store
from zhagen.store.schema import MIGRATIONS


def test_create_sets_application_id_wal_and_migrations(tmp_path):
    path = tmp_path / "p.zhagen"
    store = Store.create(path)
    conn = store.conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
    store.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_create_refuses_existing_file(tmp_path):
    path = tmp_path / "p.zhagen"
    Store.create(path).close()
    with pytest.raises(ProjectError) as err:
        Store.create(path)
    assert "p.zhagen" in err.value.message and "已存在" in err.value.message


@pytest.mark.parametrize(
    "content, words",
    [
        (None, ("找不到", "not found")),
        (b"hello, not a database at all" * 10, ("不是", "not an SQLite")),
    ],
)
def test_open_rejects_missing_and_foreign_files(tmp_path, content, words):
    path = tmp_path / "x.zhagen"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProjectError) as err:
        Store.open(path)
    assert all(w in err.value.message for w in words)
    assert str(path) in err.value.message


def test_open_rejects_other_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(ProjectError) as err:
        Store.open(path)
    assert "not a zhagen project" in err.value.message


def test_pending_migration_applied_after_backup(tmp_path, monkeypatch):
    path = tmp_path / "p.zhagen"
    Store.create(path).close()
    extra = ("9999_test_extra", "CREATE TABLE extra_test (x INTEGER);")
    monkeypatch.setattr("zhagen.store.db.MIGRATIONS", [*MIGRATIONS, extra])
    store = Store.open(path)
    assert store.applied_migrations()[-1] == "9999_test_extra"
    store.close()
    backup = tmp_path / "p.zhagen.bak"
    assert backup.is_file()
    old = sqlite3.connect(backup)
    names = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "extra_test" not in names and "documents" in names
    # applied once only: opening again neither fails nor re-applies
    store = Store.open(path)
    assert store.applied_migrations().count("9999_test_extra") == 1
    store.close()


def test_log_is_append_only(tmp_path):
    store = Store.create(tmp_path / "p.zhagen")
    with store.transaction():
        entry = store.log("test", {"a": 1}, actor="me", undo={"b": 2})
    assert store.log_entries()[0]["id"] == entry
    for sql in ("UPDATE log SET action = 'x'", "DELETE FROM log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            with store.transaction():
                store.conn.execute(sql)
    assert store.log_entries()[0]["action"] == "test"


def test_transaction_rolls_back_on_error(tmp_path):
    store = Store.create(tmp_path / "p.zhagen")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.log("will vanish", {})
            raise RuntimeError("boom")
    assert [r["action"] for r in store.log_entries()] == []


def test_bulk_writes_checkpoint_in_a_thread_keep_the_log_bounded(tmp_path):
    import threading

    store = Store.create(tmp_path / "p.zhagen")
    pragmas = ("cache_size", "wal_autocheckpoint", "journal_size_limit")
    before = [store.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas]
    wal = tmp_path / "p.zhagen-wal"
    value = "数" * 100_000  # ~300 KB a row: 4 rows are more than the 1 MB limit
    sizes = []
    with store.bulk_writes(wal_mb=1):
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for i in range(40):
            with store.transaction():
                store.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"k{i}", value))
            sizes.append(wal.stat().st_size)
    assert max(sizes) < 4 << 20  # restarted again and again, never 12 MB of log
    assert [store.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas] == before
    assert not [t for t in threading.enumerate() if t.name == "zhagen-checkpoint"]
    store.close()
    conn = sqlite3.connect(tmp_path / "p.zhagen")
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'").fetchone()[0] == 40
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _checkpoint_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "zhagen-checkpoint"]


def test_bulk_writes_without_a_commit_start_no_thread(tmp_path):
    store = Store.create(tmp_path / "p.zhagen")
    before = _checkpoint_threads()
    with store.bulk_writes():
        # an import forks its workers here, before its first commit: no thread may exist yet
        assert _checkpoint_threads() == before
    assert _checkpoint_threads() == before
    with store.transaction():  # an ordinary transaction afterwards, checkpointed as usual
        entry = store.log("after", {})
    assert (
        store.conn.execute("SELECT action FROM log WHERE id = ?", (entry,)).fetchone()[0] == "after"
    )
    assert _checkpoint_threads() == before
    store.close()


def test_bulk_writes_start_the_checkpoint_thread_at_the_first_commit(tmp_path):
    store = Store.create(tmp_path / "p.zhagen")
    with store.bulk_writes():
        with store.transaction():
            store.log("first", {})
        assert len(_checkpoint_threads()) == 1
    assert _checkpoint_threads() == []  # closed with the bulk run
    store.close()


def _damage_documents_table(path) -> None:
    """Overwrite the root page of the documents table with garbage (schema left intact)."""
    raw = sqlite3.connect(path)
    root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xa5" * size)


def test_check_finds_damage_that_a_plain_open_does_not_read(tmp_path, monkeypatch):
    path = tmp_path / "p.zhagen"
    Store.create(path).close()
    _damage_documents_table(path)
    store = Store.open(path)  # opening reads the schema only
    problems = store.check()
    store.close()
    assert problems != ["ok"] and problems
    with pytest.raises(ProjectError) as err:
        Store.open(path, check=True)
    assert "damaged" in err.value.message and "损坏" in err.value.message
    # a pending migration is never applied to a damaged file
    extra = ("9999_test_extra", "CREATE TABLE extra_test (x INTEGER);")
    monkeypatch.setattr("zhagen.store.db.MIGRATIONS", [*MIGRATIONS, extra])
    with pytest.raises(ProjectError):
        Store.open(path)
    assert not (tmp_path / "p.zhagen.bak").exists()


def test_check_of_a_sound_file_is_ok(tmp_path):
    path = tmp_path / "p.zhagen"
    Store.create(path).close()
    store = Store.open(path, check=True)
    assert store.check() == ["ok"]
    store.close()


def test_new_files_get_large_pages_and_older_files_keep_theirs(tmp_path):
    from zhagen.store.db import PAGE_SIZE

    new = tmp_path / "new.zhagen"
    Store.create(new).close()
    assert sqlite3.connect(new).execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE > 4096
    old = tmp_path / "old.zhagen"  # a file made with SQLite's default pages, as before
    raw = sqlite3.connect(old)
    raw.execute("PRAGMA page_size = 4096")
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    Store.open(old).close()
    assert sqlite3.connect(old).execute("PRAGMA page_size").fetchone()[0] == 4096


def test_writers_of_one_process_queue_on_a_lock_per_file(tmp_path):
    import threading

    from zhagen.store.db import _writer_lock

    path = tmp_path / "p.zhagen"
    a, b = Store.create(path), Store.open(path)
    lock = _writer_lock(tmp_path / "." / "p.zhagen")  # the same file by another spelling
    tried: list[bool] = []

    def other_thread() -> None:
        tried.append(lock.acquire(blocking=False))

    with a.transaction() as conn:
        conn.execute("INSERT INTO meta(key, value) VALUES ('a', '1')")
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert tried == [False]  # held for the whole transaction
    assert lock.acquire(blocking=False)
    lock.release()
    errors: list[BaseException] = []

    def write(store: Store, key: str) -> None:
        try:
            for i in range(30):
                with store.transaction() as conn:
                    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"{key}{i}", "v"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, k)) for s, k in ((a, "x"), (b, "y"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    n = a.conn.execute("SELECT count(*) FROM meta WHERE key GLOB '[xy]*'").fetchone()[0]
    assert n == 60
    a.close()
    b.close()


def test_small_transaction_keeps_its_statement_journal_in_memory_and_restores(tmp_path):
    """A small edit's transaction runs with temp_store = MEMORY (so a statement that fires
    the code_counts triggers writes no temporary file), commits or rolls back as any other,
    and leaves the connection's temp_store as it was."""
    store = Store.create(tmp_path / "p.zhagen")
    conn = store.conn
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL)")
    with store.transaction(small=True):
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
        conn.execute("INSERT INTO t(x) VALUES ('kept')")
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction(small=True):
            conn.execute("INSERT INTO t(x) VALUES ('gone')")
            conn.execute("INSERT INTO t(x) VALUES (NULL)")
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 0
    assert [r[0] for r in conn.execute("SELECT x FROM t")] == ["kept"]
