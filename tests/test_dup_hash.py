"""Duplicate look-ups through ``documents.dup_hash`` (issues 9 and 18, import speed): every
writer of documents sets it from ``dup_key``, old projects get it from migration
0020_import9c, and a hash shared by two keys never makes them duplicates."""

from __future__ import annotations

import sqlite3

import pytest

import zhagen
from web_support import file_before
from zhagen.ingest import ImportPlan
from zhagen.store.db import dup_hash

REFWORKS = (
    "RT Journal Article\r\nA1 张三;李四;\r\nT1 数字经济与高质量发展\r\nJF 经济研究\r\n"
    "YR 2020\r\n\r\n"
    "RT Journal Article\r\nA1 王五;\r\nT1 数字经济与高质量发展\r\nJF 经济研究\r\n"
    "YR 2020\r\n\r\n"
    "RT Journal Article\r\nA1 赵六;\r\nT1 平台经济的治理逻辑\r\nJF 管理世界\r\nYR 2021\r\n\r\n"
)


def _keys(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT dup_key, dup_hash, dup_of FROM documents ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize("chunk", [None, 150])
def test_every_imported_document_has_the_hash_of_its_key(tmp_path, chunk):
    # one stream (rows bound in this process) and chunks read by workers (images)
    plan = ImportPlan(parallel_min_bytes=1, chunk_bytes=chunk) if chunk else None
    src = tmp_path / "CNKI.txt"
    src.write_text(REFWORKS * 3, encoding="utf-8")
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        p.add(src, workers=2 if chunk else 1, plan=plan)
        assert "dup_hash" not in p.documents.get(1)  # an index column, not a field
    rows = _keys(proj)
    assert len(rows) == 9
    assert all(h == dup_hash(k) and isinstance(h, int) for k, h, _ in rows)
    # the second record repeats the first (same title, year and venue); the file repeats
    assert [d for *_, d in rows] == [None, 1, None, 1, 1, 3, 1, 1, 3]


def test_a_shared_hash_is_not_a_duplicate(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(REFWORKS, encoding="utf-8")
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        p.add(src)
    other = "平台经济的治理逻辑|2021"  # the third record's key
    with sqlite3.connect(proj) as conn:  # as if two different keys had one CRC-32
        conn.execute("UPDATE documents SET dup_hash = ? WHERE id = 1", (dup_hash(other),))
    second = tmp_path / "b.txt"
    second.write_text(
        "RT Journal Article\r\nA1 张三;\r\nT1 平台经济的治理逻辑\r\nJF 管理世界\r\nYR 2021\r\n\r\n",
        encoding="utf-8",
    )
    with zhagen.Project.open(proj) as p:
        report = p.add(second)
    assert report.files[0].duplicates == 1
    # its duplicate is the document with its key (3), not the one sharing its hash (1)
    assert _keys(proj)[-1] == (other, dup_hash(other), 3)


def test_old_projects_get_the_hash_and_its_index(tmp_path):
    path = tmp_path / "old.zhagen"
    conn = file_before(path, "0020_import9c")
    conn.execute("INSERT INTO sources(path, status, added) VALUES ('a.txt', 'ok', 'now')")
    keys = ["数字经济与高质量发展|2020", "", None, "sha1:" + "0" * 40]
    for i, key in enumerate(keys, 1):
        conn.execute(
            "INSERT INTO documents(source_id, record, format, type, title, dup_key) "
            "VALUES (1, ?, 'txt', 'document', 't', ?)",
            (i, key),
        )
    conn.commit()
    conn.close()
    with zhagen.Project.open(path) as p:
        got = p.store.conn.execute("SELECT dup_key, dup_hash FROM documents ORDER BY id")
        assert [tuple(r) for r in got] == [(k, dup_hash(k)) for k in keys]
        names = {
            r[0]
            for r in p.store.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents'"
            )
        }
        plan = p.store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE dup_hash = ? AND dup_key = ?",
            (1, "x"),
        ).fetchall()
    assert "documents_dup_hash" in names and "documents_dup_key" not in names
    assert any("documents_dup_hash" in str(tuple(row)) for row in plan)
    # a new record with the old document's title, year and venue is its duplicate
    src = tmp_path / "b.txt"
    src.write_text(REFWORKS.split("\r\n\r\n")[0] + "\r\n\r\n", encoding="utf-8")
    with sqlite3.connect(path) as c:
        c.execute("UPDATE documents SET venue = '经济研究' WHERE id = 1")
    with zhagen.Project.open(path) as p:
        assert p.add(src).files[0].duplicates == 1


def test_an_image_staged_before_the_hash_gets_it(tmp_path):
    # a cluster's shard written by an older zhagen: its rows table has no dup_hash column
    from zhagen.store import docs as q
    from zhagen.store.db import Store

    row = dict.fromkeys(q.STAGE_COLUMNS, "")
    row.update(record=1, format="cnki-refworks", type="journal", title="数字经济与高质量发展",
               year=2020, venue="经济研究", authors='["张三"]', keywords="{}", body=0,
               original=0, cleaning="{}", cited_refs="[]", extra="{}",
               dup_key="数字经济与高质量发展|2020", doi_first=0, key_first=0)  # fmt: skip
    row["dup_hash"] = dup_hash(row["dup_key"])
    image = q.stage_rows([tuple(row.values()), (*tuple(row.values())[:-1], 1)], image=True)
    old = sqlite3.connect(":memory:")
    old.deserialize(image)
    old.execute("ALTER TABLE rows DROP COLUMN dup_hash")
    image = old.serialize()
    store = Store.create(tmp_path / "p.zhagen")
    store.conn.execute("INSERT INTO sources(path, status, added) VALUES ('a.txt', 'ok', 'now')")
    with q.staging(store), store.transaction():
        base, dups = q.insert_staged(store, 1, 0, image)
    got = store.conn.execute("SELECT dup_key, dup_hash, dup_of FROM documents ORDER BY id")
    assert (base, dups) == (0, 1)
    assert [tuple(r) for r in got] == [
        (row["dup_key"], row["dup_hash"], None),
        (row["dup_key"], row["dup_hash"], 1),
    ]
