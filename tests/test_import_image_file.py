"""A pool worker's unit written as an SQLite file that the main process attaches (issue 18).

A worker that prepares a chunk writes its staged rows and keyword links straight into an
image file in the import's spool folder (``stage_rows(path=...)``); the main process
attaches that file as ``stage`` for the unit's transaction (``store.docs.staging_file``)
instead of reading it back and deserializing it. What is stored must be what the in-memory
image of the same records stores, the file must go once the unit is stored (or fails), and
the in-memory ``stage`` the rest of the import uses must be back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zhagen.formats import read_records
from zhagen.ingest.work import prepare_unit
from zhagen.store import docs as q
from zhagen.store.db import Store


def _store(path: Path, staged: bytes | str, attach: bool) -> list[tuple]:
    """Store one staged unit in a new project at ``path``; its documents, as stored."""
    store = Store.create(path)
    try:
        with store.transaction():
            sid = q.insert_source(
                store, path="refworks.txt", abspath=None, sha256="x", size=1,
                fmt="cnki-refworks", status="partial",
            )  # fmt: skip
        with q.staging(store):
            if attach:
                with q.staging_file(store, staged), store.transaction():
                    q.insert_staged(store, sid, 0, staged)
            else:
                with store.transaction():
                    q.insert_staged(store, sid, 0, staged)
            attached = {r[1]: r[2] for r in store.conn.execute("PRAGMA database_list")}
            if attach:  # the in-memory stage is back, the file no longer attached
                assert attached["stage"] == "" and not Path(staged).exists()
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM documents ORDER BY id").fetchall()
    finally:
        conn.close()


def _find_records(corpora: Path) -> list:
    return list(read_records(corpora / "cnki" / "refworks_2024_298.txt"))


def test_an_image_file_stores_what_the_image_in_memory_stores(corpora: Path, tmp_path: Path):
    records = _find_records(corpora)
    spool = tmp_path / "spool"
    spool.mkdir()
    in_file = prepare_unit(records, True, chunk=True, spool=str(spool))
    in_memory = prepare_unit(records, True, chunk=True)
    assert isinstance(in_file.staged, str) and Path(in_file.staged).parent == spool
    assert isinstance(in_memory.staged, bytes)
    assert in_file.keywords == in_memory.keywords and in_file.kept == in_memory.kept > 250
    by_file = _store(tmp_path / "a.zhagen", in_file.staged, attach=True)
    by_memory = _store(tmp_path / "b.zhagen", in_memory.staged, attach=False)
    assert len(by_file) == in_memory.kept
    assert by_file == by_memory  # every column of every document, duplicates marked alike
    assert list(spool.iterdir()) == []  # the file went with its unit


def test_a_unit_that_fails_still_removes_its_file_and_stores_nothing(corpora: Path, tmp_path: Path):
    records = _find_records(corpora)[:20]
    unit = prepare_unit(records, True, chunk=True, spool=str(tmp_path))
    assert isinstance(unit.staged, str)
    store = Store.create(tmp_path / "p.zhagen")
    try:
        with q.staging(store):
            with (
                pytest.raises(sqlite3.IntegrityError),
                q.staging_file(store, unit.staged),
                store.transaction(),
            ):
                # no source 999: the documents' foreign key fails inside the unit
                q.insert_staged(store, 999, 0, unit.staged)
            assert not Path(unit.staged).exists()
            attached = {r[1]: r[2] for r in store.conn.execute("PRAGMA database_list")}
            assert attached["stage"] == ""
        (count,) = store.conn.execute("SELECT count(*) FROM documents").fetchone()
        assert count == 0
    finally:
        store.close()
