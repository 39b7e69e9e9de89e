"""Keyword links made by the import's workers (issues 9 and 18).

A worker that prepares a unit of records hands back each document's normalised keyword
occurrences (:func:`zhagen.entities.tables.unit_keywords`); the main process maps the
distinct labels to entity ids and stores the links with the unit's documents
(:class:`~zhagen.entities.tables.KeywordLinker`). The reference is the derivation from the
stored keyword JSON (:func:`~zhagen.entities.tables.derive`), run again from scratch on a
copy of the project: every (document, label, side, position) must be the same, for the
real CNKI and WoS exports, read in one process, by a pool's workers in chunks (the links
staged in the workers' SQLite images), with duplicates in the files, and for documents the
linker must leave to ``derive`` (a stale document, an outdated version).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import zhagen
from zhagen.entities import tables
from zhagen.ingest import ImportPlan, add_paths
from zhagen.store import entities as qe

CNKI = ["refworks_2024_298.txt", "endnote_40.txt", "estudy_20.txt", "noteexpress_12.net",
        "noteexpress_15_alltypes.net", "noteexpress_1_linebreak.net"]  # fmt: skip
WOS = ["plaintext_344_fullrecord.txt", "plaintext_10.txt"]

PLANS = {
    "one process": ImportPlan(workers=1, parallel_min_bytes=1 << 62),
    "chunks, one process": ImportPlan(workers=1, parallel_min_bytes=1, chunk_bytes=60_000),
    "chunks, two workers": ImportPlan(workers=2, parallel_min_bytes=1, chunk_bytes=60_000),
}


def keyword_links(path: Path) -> tuple[int, int, list[tuple]]:
    """``upto`` of the keyword kind, the highest document id, and every keyword link as
    (document, label, side, position), in document and position order; each label is one
    entity."""
    conn = sqlite3.connect(path)
    try:
        (upto,) = conn.execute("SELECT upto FROM entity_kinds WHERE name = 'keyword'").fetchone()
        (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
        kind = "(SELECT id FROM entity_kinds WHERE name = 'keyword')"
        twice = conn.execute(
            f"SELECT label FROM entities WHERE kind = {kind} GROUP BY label HAVING count(*) > 1"
        ).fetchall()
        assert twice == []
        links = conn.execute(
            "SELECT l.doc_id, e.label, l.role, l.pos FROM doc_entities l "
            f"JOIN entities e ON e.id = l.entity_id WHERE l.kind = {kind} "
            "ORDER BY l.doc_id, l.pos"
        ).fetchall()
    finally:
        conn.close()
    return int(upto), int(top), links


def derived_again(path: Path, folder: Path, *, small: int = tables.SMALL) -> list[tuple]:
    """The keyword links of a copy of the project ``path``, the kind deleted and derived
    again from the stored JSON (``small``: documents above which the vectorised
    derivation is used)."""
    ref = folder / f"ref-{path.stem}.zhagen"
    src, dst = sqlite3.connect(path), sqlite3.connect(ref)
    try:
        src.backup(dst)  # a consistent copy, whatever the write-ahead log holds
    finally:
        src.close()
        dst.close()
    old = tables.SMALL
    tables.SMALL = small
    try:
        with zhagen.Project.open(ref) as p:
            with p.store.transaction():
                qe.delete_kind(p.store, "keyword", tables.VERSIONS["keyword"])
            assert tables.derive(p.store, ("keyword",))["keyword"] == qe.max_document_id(p.store)
    finally:
        tables.SMALL = old
    return keyword_links(ref)[2]


def assert_links_derived(path: Path, folder: Path, *, small: int = tables.SMALL) -> int:
    """The links of every document exist and are those :func:`derived_again` makes;
    returns how many there are."""
    upto, top, links = keyword_links(path)
    assert upto == top
    assert links == derived_again(path, folder, small=small)
    return len(links)


def _doubled(src: Path, dest: Path) -> Path:
    """``src`` twice over, so that every record of the second copy duplicates one."""
    text = src.read_bytes()
    dest.write_bytes(text + b"\r\n" + text)
    return dest


@pytest.mark.parametrize("plan", list(PLANS))
def test_import_stores_the_links_derive_makes(corpora, tmp_path, plan) -> None:
    """Every real CNKI and WoS export, and a CNKI export repeated (duplicates, kept as
    documents with their links), imported without any derivation after it: each document's
    links are there, and they are exactly those derived again from the stored JSON."""
    files = [_doubled(corpora / "cnki" / CNKI[0], tmp_path / "twice.txt")]
    files += [corpora / "cnki" / f for f in CNKI[1:]] + [corpora / "wos" / f for f in WOS]
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        report = add_paths(p.store, files, plan=PLANS[plan])  # no derive after it
        assert not report.failed and report.records > 1_000
        dups = p.store.conn.execute("SELECT count(dup_of) FROM documents").fetchone()[0]
        assert dups >= 298
    n = assert_links_derived(path, tmp_path, small=0 if plan.startswith("chunks") else 10**9)
    assert n > 4 * report.records  # CNKI and WoS records have several keywords each


def test_links_left_to_derive_when_the_kind_is_not_up_to_date(corpora, tmp_path) -> None:
    """A document whose keywords changed (stale) or an older normalisation version when a
    file is imported: the import stores no links itself (``upto`` stays where it was);
    the next ``add`` derives what is missing first, then links as it imports, and the links
    are those a derivation from scratch makes."""
    from zhagen.ingest import import_file

    cnki = corpora / "cnki"
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(cnki / "endnote_40.txt")
        with p.store.transaction():
            p.store.conn.execute(
                "UPDATE documents SET keywords = ? WHERE id = 3",
                (json.dumps({"zh": ["新的词", "数字经济"], "en": ["New  Word"]}),),
            )
        import_file(p.store, str(cnki / "estudy_20.txt"))  # no derivation before it
        assert qe.kind_state(p.store, "keyword").upto == 40  # nothing linked
        with p.store.transaction():  # as if the links had been made by an older version
            p.store.conn.execute("UPDATE entity_kinds SET version = 0 WHERE name = 'keyword'")
            p.store.conn.execute("DELETE FROM entity_stale")
        import_file(p.store, str(cnki / "noteexpress_12.net"))
        assert qe.kind_state(p.store, "keyword").upto == 40
        p.add(cnki / "refworks_2024_298.txt")  # derives the kind from scratch first
        n = qe.max_document_id(p.store)
    assert n == 40 + 20 + 12 + 298
    assert (3, "new word", 1, 2) in keyword_links(path)[2]
    assert_links_derived(path, tmp_path)


def test_keyword_map_from_import_links_is_the_map_from_derived_links(corpora, tmp_path) -> None:
    """A keyword map of the real exports written from the links the import stored is,
    file for file, the map written once the links are derived again from scratch."""
    path = tmp_path / "p.zhagen"
    files = [corpora / "cnki" / "refworks_2024_298.txt", corpora / "wos" / WOS[1]]
    with zhagen.Project.create(path) as p:
        add_paths(p.store, files, plan=PLANS["chunks, two workers"])
        opts = {"min_freq": 1, "record": False}
        p.maps.build(**opts).write(tmp_path / "import", outputs="csv,json")
        with p.store.transaction():
            qe.delete_kind(p.store, "keyword", tables.VERSIONS["keyword"])
        p.maps.build(**opts).write(tmp_path / "derived", outputs="csv,json")  # derived lazily
    written = sorted(f.name for f in (tmp_path / "import").iterdir())
    assert "nodes.csv" in written and "edges.csv" in written
    assert written == sorted(f.name for f in (tmp_path / "derived").iterdir())
    for name in written:
        a, b = tmp_path / "import" / name, tmp_path / "derived" / name
        if name == "summary.json":
            da, db = (json.loads(x.read_text(encoding="utf-8")) for x in (a, b))
            da.pop("created", None), db.pop("created", None)
            assert da == db
        else:
            assert a.read_bytes() == b.read_bytes(), name


def test_staged_image_holds_each_link_of_the_unit() -> None:
    """A worker's links cross as one JSON text that SQLite splits into the image's
    ``links`` table: one row per link (row from 1, position, side, label index), every
    document's links in position order, none for a document without keywords, a keyword
    repeated on one side once, on two sides twice."""
    from zhagen.store import docs as qd

    objects = [
        {"zh": ["数字经济", "数字经济", "高质量发展"], "en": ["Digital economy"]},
        {},
        {"en": ["A", "b", "a"], "zh": "乙", "plus": ["乙"]},
        {"zh": ["  ", 3]},
    ]
    labels, docs = tables.unit_keywords(objects)
    expected = [
        (row, pos, code % tables.LINK_SIDES, code // tables.LINK_SIDES)
        for row, doc in enumerate(docs, 1)
        for pos, code in enumerate(doc)
    ]
    image = qd.stage_rows([], image=True, links=docs, sides=tables.LINK_SIDES)
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(image)
        got = conn.execute("SELECT rid, pos, role, label FROM links ORDER BY rid, pos").fetchall()
    finally:
        conn.close()
    assert got == expected
    by_label = [(row, pos, role, labels[k]) for row, pos, role, k in got]
    assert by_label == [
        (1, 0, 0, "数字经济"), (1, 1, 0, "高质量发展"), (1, 2, 1, "digital economy"),
        (3, 0, 0, "乙"), (3, 1, 1, "a"), (3, 2, 1, "b"), (3, 3, 2, "乙"),
    ]  # fmt: skip
