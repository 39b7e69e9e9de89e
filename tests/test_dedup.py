"""Duplicate detection (issue 9): DOIs as written, compared without case; the same title
and year is a duplicate only with the same venue (issue, pages) or a shared author, and a
record kept apart is reported with the record it resembles."""

from __future__ import annotations

import sqlite3

import pytest

import zhagen
from zhagen.ingest import ImportPlan


def _refworks(records: list[dict[str, str]]) -> bytes:
    tags = {"authors": "A1", "title": "T1", "venue": "JF", "year": "YR", "issue": "IS",
            "pages": "SP", "doi": "DO"}  # fmt: skip
    out = []
    for rec in records:
        lines = ["RT Journal Article"] + [f"{tags[k]} {v}" for k, v in rec.items() if v]
        out.append("\r\n".join(lines) + "\r\n\r\n")
    return "".join(out).encode("utf-8")


RECORDS = [
    # 1: an article
    {"authors": "张三;李四;", "title": "数字经济研究", "venue": "经济研究", "year": "2020",
     "doi": "10.19744/J.CNKI.11-1235/F.2020.0001"},
    # 2: the same DOI in another case: a duplicate of 1
    {"authors": "张三;", "title": "数字经济研究（修订）", "venue": "经济研究", "year": "2020",
     "doi": "10.19744/j.cnki.11-1235/f.2020.0001"},
    # 3: same title and year, another journal, other authors: not a duplicate
    {"authors": "王五;", "title": "数字经济研究", "venue": "管理世界", "year": "2020"},
    # 4: same title, year and venue, another author: a duplicate of 1 (same venue)
    {"authors": "赵六;", "title": "数字经济研究", "venue": "经济研究", "year": "2020"},
    # 5, 6: a serial notice in two issues of one journal: not duplicates of each other
    {"title": "欢迎订阅《情报科学》", "venue": "情报科学", "year": "2021", "issue": "01",
     "pages": "封3"},
    {"title": "欢迎订阅《情报科学》", "venue": "情报科学", "year": "2021", "issue": "02",
     "pages": "封3"},
    # 7: same title and year in another journal, but a shared author: a duplicate of 3
    {"authors": "王五;", "title": "数字经济研究", "venue": "中国工业经济", "year": "2020"},
]  # fmt: skip


def _rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("chunk", [None, 200])
def test_duplicates_need_a_shared_venue_or_author(tmp_path, chunk):
    # a record or two per chunk: pairs across batches, read by workers
    plan = ImportPlan(parallel_min_bytes=1, chunk_bytes=chunk) if chunk else None
    path = tmp_path / "CNKI.txt"
    path.write_bytes(_refworks(RECORDS))
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        report = p.add(path, workers=2 if chunk else 1, plan=plan)
        dups = p.duplicates()
        problems = p.problems()
    assert report.files[0].duplicates == 3
    assert _rows(proj, "SELECT record, dup_of FROM documents ORDER BY record") == [
        (1, None), (2, 1), (3, None), (4, 1), (5, None), (6, None), (7, 3),
    ]  # fmt: skip
    assert dict(zip(dups["record"], dups["reason"], strict=True)) == {
        2: "doi",
        4: "title+year+venue",
        7: "title+year+author",
    }
    # the DOIs are stored as written
    assert _rows(proj, "SELECT doi FROM documents WHERE record IN (1, 2) ORDER BY record") == [
        ("10.19744/J.CNKI.11-1235/F.2020.0001",),
        ("10.19744/j.cnki.11-1235/f.2020.0001",),
    ]
    kept = problems[problems["code"] == "same-title-kept"]
    assert kept["record"].tolist() == [3, 6]
    zh, en = kept.iloc[1][["zh", "en"]]
    assert "第 5 条" in zh and "record 5 of this file" in en


def test_a_second_file_is_compared_with_the_first(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(_refworks(RECORDS[:1]))
    second.write_bytes(_refworks([RECORDS[2], {**RECORDS[0], "doi": RECORDS[0]["doi"].lower()}]))
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        p.add(first)
        report = p.add(second)
        problems = p.problems()
    assert report.files[0].duplicates == 1
    kept = problems[problems["code"] == "same-title-kept"]
    assert kept["record"].tolist() == [1]
    assert "a.txt" in kept.iloc[0]["zh"] and "a.txt" in kept.iloc[0]["en"]


def _doc_indexes(conn) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents'"
    )
    return {r[0] for r in rows}


def test_the_doi_index_is_case_blind_and_old_projects_get_it(tmp_path):
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        assert {"documents_doi_nocase"} <= _doc_indexes(p.store.conn)
        assert "documents_doi" not in _doc_indexes(p.store.conn)
        plan = p.store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE doi = ? COLLATE NOCASE", ("x",)
        ).fetchall()
        assert any("documents_doi_nocase" in str(tuple(row)) for row in plan)
    with sqlite3.connect(path) as conn:  # as a project made before the migration was
        conn.execute("DROP INDEX documents_doi_nocase")
        conn.execute("CREATE INDEX documents_doi ON documents(doi)")
        conn.execute("DELETE FROM migrations WHERE name = '0005_doi_case'")
    with zhagen.Project.open(path) as p:
        indexes = _doc_indexes(p.store.conn)
    assert "documents_doi_nocase" in indexes and "documents_doi" not in indexes
