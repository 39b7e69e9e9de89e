"""Entity tables (issue 18): a keyword map read from integer links equals the map read from
the stored JSON, and both equal an independent count from the raw record fields.

The reference is the documented rule written plainly, one record at a time from the stored
keywords object (keyword lists of the wanted sides, CiteSpace normalisation, unique within a
record, then the thesaurus). The links are derived once at import and incrementally after:
documents added later, a document whose keywords changed, a document deleted.
"""

from __future__ import annotations

import json
import random

import pytest

import zhagen
from test_map_input import TRICKY, _json  # the tricky keywords and stored JSON shapes
from zhagen import map_input as mi
from zhagen.entities import tables
from zhagen.map_input import LANG_KEYS, map_input
from zhagen.mapping.cooccurrence import doc_term_matrix
from zhagen.mapping.model import MapParams
from zhagen.store import docs as store_docs
from zhagen.store import entities as qe
from zhagen.store import map_keywords


def _keywords(rng: random.Random, k: int) -> dict:
    if rng.random() < 0.1:
        return {}
    out: dict = {}
    for key in ("zh", "en", "plus", "other"):
        if rng.random() < 0.6:
            out[key] = rng.sample(TRICKY, rng.randint(0, 5)) + [f"词{k}"]
    if rng.random() < 0.05:
        out["zh"] = rng.choice(TRICKY)  # a bare string, not a list
    return out


def _insert(proj, rng: random.Random, first: int, n: int, path: str) -> None:
    rows = []
    for k in range(first, first + n):
        year = None if k % 11 == 0 else 2010 + k % 13
        rows.append((0, k + 1, "test", "article", f"标题 {k % 150}", "[]", "[]", "", year,
                     "", "", "", _json(_keywords(rng, k), k), "", "", "", "", "", None, None,
                     "{}", "[]", "{}", f"t{k % 150}|{year}"))  # fmt: skip
    with proj.store.transaction():
        sid = store_docs.insert_source(proj.store, path=path, abspath=None, sha256=path * 64,
                                       size=0, fmt="test", status="ok")  # fmt: skip
        store_docs.insert_documents(proj.store, [(sid, *r[1:]) for r in rows])
        store_docs.mark_duplicates(proj.store, sid)


@pytest.fixture
def project(tmp_path):
    proj = zhagen.Project.create(tmp_path / "p.zhagen")
    _insert(proj, random.Random(7), 0, 300, "a")
    yield proj
    proj.close()


def _norm(kw: str) -> str:
    kw = kw.strip()
    return " ".join(kw.lower().split()) if kw.isascii() else kw


def _reference(proj, lang: str, thesaurus: dict | None, keep: bool, scope=None):
    """(ids, sorted terms) counted from each document's stored keywords object."""
    table = {}
    if thesaurus:
        table = {**{_norm(k): _norm(v) for k, v in thesaurus.items()},
                 **{k: _norm(v) for k, v in thesaurus.items()}}  # fmt: skip
    ids, terms = [], []
    for doc_id in sorted(proj.documents()["id"].tolist()):
        d = proj.document(int(doc_id))
        if (not keep and d["dup_of"] is not None) or (scope is not None and d["id"] not in scope):
            continue
        found: list[str] = []
        by_lang = d["keywords"] if isinstance(d["keywords"], dict) else {}
        for key in LANG_KEYS[lang]:
            values = by_lang.get(key) or []
            for kw in [values] if isinstance(values, str) else values:
                kw = _norm(kw)
                if kw and kw not in found:
                    found.append(kw)
        found = list(dict.fromkeys(table.get(t, t) for t in found if table.get(t, t)))
        ids.append(d["id"])
        terms.append(sorted(found))
    return ids, terms


def _from_json(proj, params, **kw):
    """The map input read from the stored JSON (the reader the maps used before)."""
    thesaurus = kw.pop("thesaurus", None)
    th = mi.keyword_thesaurus(thesaurus) if thesaurus else None
    return mi._keyword_input(proj.store, params, lambda: None, th, kw.get("keep_duplicates",
                             False), kw.get("doc_ids"))  # fmt: skip


def _same_matrix(a, b) -> None:
    x, y = a.terms.doc_term, b.terms.doc_term
    assert x.vocab == y.vocab
    assert x.matrix.shape == y.matrix.shape
    assert (x.matrix != y.matrix).nnz == 0


def _kind(proj) -> qe.KindState:
    state = qe.kind_state(proj.store, "keyword")
    assert state is not None
    return state


@pytest.mark.parametrize("chunk", [16, 100_000])
@pytest.mark.parametrize("lang", ["all", "zh", "en"])
@pytest.mark.parametrize("keep", [True, False])
def test_links_give_the_json_map_and_the_independent_count(project, monkeypatch, chunk, lang,
                                                            keep):  # fmt: skip
    monkeypatch.setattr(map_keywords, "CHUNK", chunk)
    monkeypatch.setattr(tables, "CHUNK", chunk)
    # derived one by one (a small import) or in vectorised chunks (a large one)
    monkeypatch.setattr(tables, "SMALL", 0 if keep else 10**6)
    thesaurus = {"数字经济": "Digital Economy", "vr": "", "虚拟现实": "VR"} if keep else None
    scope = {d for d in range(1, 301) if d % 3} if chunk == 16 else None
    params = MapParams(lang=lang)
    got = map_input(project.store, params, lambda: None, thesaurus=thesaurus,
                    keep_duplicates=keep, doc_ids=scope)  # fmt: skip
    assert _kind(project).upto == 300  # read from the links, derived on first use
    ids, terms = _reference(project, lang, thesaurus, keep, scope)
    assert got.doc_ids == ids
    assert [sorted(t) for t in got.terms] == terms
    plain = doc_term_matrix(terms)
    assert got.terms.doc_term.vocab == plain.vocab
    assert (got.terms.doc_term.matrix != plain.matrix).nnz == 0
    old = _from_json(project, params, thesaurus=thesaurus, keep_duplicates=keep, doc_ids=scope)
    assert (got.doc_ids, got.years, got.titles) == (old.doc_ids, old.years, old.titles)
    _same_matrix(got, old)
    assert sum(1 for t in terms if t) > 100


@pytest.mark.parametrize("small", [0, 10**6])
def test_incremental_derivation(project, monkeypatch, small):
    monkeypatch.setattr(tables, "SMALL", small)
    assert tables.derive(project.store) == {"keyword": 300}
    assert tables.derive(project.store) == {"keyword": 0}
    kind = _kind(project)
    before = dict(zip(*reversed(qe.labels_of(project.store, kind.id)), strict=True))
    # documents added later get links; nothing else is derived again
    _insert(project, random.Random(8), 300, 40, "b")
    assert tables.derive(project.store) == {"keyword": 40}
    after = dict(zip(*reversed(qe.labels_of(project.store, kind.id)), strict=True))
    assert all(after[label] == i for label, i in before.items())  # ids kept
    assert len(after) > len(before)
    # a changed document is derived again, alone
    with project.store.transaction():
        project.store.conn.execute(
            "UPDATE documents SET keywords = ? WHERE id = 5",
            (json.dumps({"zh": ["全新关键词", "数字经济"]}, ensure_ascii=False),),
        )
        project.store.conn.execute("DELETE FROM documents WHERE id = 340")
    assert tables.derive(project.store) == {"keyword": 1}
    got = map_input(project.store, MapParams(lang="all"), lambda: None, keep_duplicates=True)
    ids, terms = _reference(project, "all", None, True)
    assert got.doc_ids == ids and 340 not in ids
    assert [sorted(t) for t in got.terms] == terms
    assert sorted(got.terms[got.doc_ids.index(5)]) == ["全新关键词", "数字经济"]
    # a document re-using the id of a deleted one is derived too
    _insert(project, random.Random(9), 339, 1, "c")
    assert tables.derive(project.store) == {"keyword": 1}
    got = map_input(project.store, MapParams(), lambda: None, keep_duplicates=True)
    assert [sorted(t) for t in got.terms] == _reference(project, "all", None, True)[1]


def test_a_new_normalisation_version_derives_the_kind_again(project, monkeypatch):
    tables.derive(project.store)
    n_links = project.store.conn.execute("SELECT count(*) FROM doc_entities").fetchone()[0]
    monkeypatch.setitem(tables.VERSIONS, "keyword", tables.VERSIONS["keyword"] + 1)
    assert tables.derive(project.store) == {"keyword": 300}
    assert _kind(project).version == tables.VERSIONS["keyword"]
    assert project.store.conn.execute("SELECT count(*) FROM doc_entities").fetchone()[0] == n_links


def test_raw_documents_are_read_from_their_text(project):
    """A raw document has no keyword links: its map is read as before (segmented text)."""

    class Words:
        def terms(self, text: str) -> list[str]:
            return text.split()

    with project.store.transaction():
        project.store.conn.execute(
            "UPDATE documents SET body = '甲 乙 甲', keywords = '{}' WHERE id = 2"
        )
    got = map_input(project.store, MapParams(), Words, keep_duplicates=True)
    assert sorted(got.terms[got.doc_ids.index(2)]) == ["乙", "甲"]


@pytest.mark.parametrize(
    "files",
    [
        ["cnki/refworks_2024_298.txt"],
        ["cnki/endnote_40.txt", "cnki/noteexpress_12.net", "cnki/estudy_20.txt"],
        ["wos/plaintext_344_fullrecord.txt"],
    ],
)
def test_real_exports_map_byte_identical(corpora, tmp_path, monkeypatch, files):
    """On the real exports: links == JSON == independent count, and the written map files
    are byte for byte the same either way."""
    proj = zhagen.Project.create(tmp_path / "r.zhagen")
    proj.add([corpora / f for f in files])
    assert _kind(proj).upto == qe.max_document_id(proj.store)  # derived by the import
    for lang in ("all", "zh", "en"):
        params = MapParams(lang=lang)
        got = map_input(proj.store, params, lambda: None)
        ids, terms = _reference(proj, lang, None, False)
        assert got.doc_ids == ids
        assert [sorted(t) for t in got.terms] == terms
        _same_matrix(got, _from_json(proj, params))
    out_links, out_json = tmp_path / "links", tmp_path / "json"
    opts = {"min_freq": 1, "record": False}
    proj.maps.build(**opts).write(out_links, outputs="csv,json")
    monkeypatch.setattr(mi, "_keyword_links_input", lambda *a, **k: None)
    proj.maps.build(**opts).write(out_json, outputs="csv,json")
    written = sorted(p.name for p in out_links.iterdir())
    assert written == sorted(p.name for p in out_json.iterdir()) and "nodes.csv" in written
    for name in written:
        if name.endswith(".csv"):
            assert (out_links / name).read_bytes() == (out_json / name).read_bytes(), name
    a = json.loads((out_links / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((out_json / "summary.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in a.items() if k != "created"} == {
        k: v for k, v in b.items() if k != "created"
    }
    proj.close()


NODE_TYPES = ("author", "institution", "country", "reference", "cited-author", "cited-journal",
              "category", "coupling")  # fmt: skip


@pytest.fixture(scope="module")
def mixed(corpora, tmp_path_factory):
    """The real CNKI and WoS exports in one project (entity links derived on first use)."""
    proj = zhagen.Project.create(tmp_path_factory.mktemp("mixed") / "m.zhagen")
    proj.add([corpora / "cnki/refworks_2024_298.txt", corpora / "cnki/endnote_40.txt",
              corpora / "wos/plaintext_344_fullrecord.txt"])  # fmt: skip
    yield proj
    proj.close()


@pytest.mark.parametrize("keep", [True, False])
def test_entity_records_from_links_equal_the_stored_fields(mixed, keep):
    scope = {d for d in range(1, qe.max_document_id(mixed.store) + 1) if d % 4} if keep else None
    got = mi.entity_records(mixed.store, keep_duplicates=keep, doc_ids=scope)
    for name in ("author", "affiliation", "c1", "wc", "cited"):
        assert qe.kind_state(mixed.store, name).upto == qe.max_document_id(mixed.store)
    assert got == mi._json_records(mixed.store, keep, True, scope)
    ids, _years, _titles, recs = got
    # and the stored fields are what the export says (an independent read of one record)
    wos = [r for r in recs if r.format.startswith("wos") and r.cited_refs]
    assert len(wos) > 100 and all(r.c1 and r.categories for r in wos[:50])
    doc = mixed.document(ids[recs.index(wos[0])])
    assert wos[0].authors == doc["authors"] and wos[0].cited_refs == doc["cited_refs"]


@pytest.mark.parametrize("nodes", NODE_TYPES)
def test_every_node_type_writes_the_same_files_from_links(mixed, tmp_path, monkeypatch, nodes):
    """Each node type's map files are byte for byte those read from the stored JSON."""
    opts = {"nodes": nodes, "min_freq": 1, "record": False}
    mixed.maps.build(**opts).write(tmp_path / "links", outputs="csv,json")
    monkeypatch.setattr(mi, "_linked_records", lambda *a, **k: None)
    monkeypatch.setattr(mi, "_cited_links_input", lambda *a, **k: None)
    monkeypatch.setattr(mi, "_people_links_input", lambda *a, **k: None)
    mixed.maps.build(**opts).write(tmp_path / "json", outputs="csv,json")
    written = sorted(p.name for p in (tmp_path / "links").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "json").iterdir())
    assert "nodes.csv" in written
    for name in written:
        a, b = (tmp_path / "links" / name), (tmp_path / "json" / name)
        if name == "summary.json":
            da, db = (json.loads(x.read_text(encoding="utf-8")) for x in (a, b))
            da.pop("created", None), db.pop("created", None)
            assert da == db
        elif name.endswith(".csv"):
            assert a.read_bytes() == b.read_bytes(), name


def test_stats_read_the_records_the_maps_read(mixed):
    """``zhagen stats`` reads authors, affiliations and cited references through the links:
    the same records as from the stored JSON, scope applied."""
    from zhagen.biblio.stats import records_from_rows
    from zhagen.store.biblio import biblio_rows

    scope = set(range(1, 400, 2))
    for ids in (None, scope):
        got = mi.biblio_records(mixed.store, ids)
        assert got == records_from_rows(biblio_rows(mixed.store, ids))
        assert len(got) > (100 if ids else 600)
    assert sum(len(r.cited_refs) for r in mi.biblio_records(mixed.store)) > 10_000


def _links(proj) -> tuple[list[str], list[tuple]]:
    """The labels, and every link with its entity's label, in (document, position) order."""
    conn = proj.store.conn
    labels = [r[0] for r in conn.execute("SELECT label FROM entities ORDER BY id")]
    links = conn.execute(
        "SELECT l.kind, l.doc_id, l.pos, l.role, e.label FROM doc_entities l "
        "JOIN entities e ON e.id = l.entity_id ORDER BY l.kind, l.doc_id, l.pos"
    ).fetchall()
    return labels, [tuple(r) for r in links]


@pytest.mark.parametrize("chunk", [7, 64, 100_000])
def test_vectorised_links_are_the_row_by_row_links(tmp_path, monkeypatch, chunk) -> None:
    """The vectorised derivation (a large import) stores the links the row-by-row one
    stores (a small import): the same labels at the same positions and sides, link for
    link, over tricky keywords (escapes, bare strings, repeats after normalisation, empty
    ones, other keys, sides in any order), in several chunks and two imports that share
    keywords. (The two
    number new entities in another order: by side within a chunk, or by document.)"""
    import sys

    keywords = _keywords

    def sides_reversed(rng: random.Random, k: int) -> dict:  # "en" before "zh", and so on
        return dict(reversed(list(keywords(rng, k).items())))

    monkeypatch.setattr(sys.modules[__name__], "_keywords", sides_reversed)
    got = []
    for small in (0, 10**6):
        monkeypatch.setattr(tables, "CHUNK", chunk)
        monkeypatch.setattr(tables, "SMALL", small)
        proj = zhagen.Project.create(tmp_path / f"p{small}.zhagen")
        try:
            _insert(proj, random.Random(21), 0, 400, "a")
            tables.derive(proj.store)
            _insert(proj, random.Random(22), 400, 150, "b")
            tables.derive(proj.store)
            got.append(_links(proj))
        finally:
            proj.close()
    (labels, links), (row_labels, row_links) = got
    assert len(links) > 1000 and len(labels) > 50
    assert len(labels) == len(set(labels))  # each label once
    assert sorted(labels) == sorted(row_labels)
    assert links == row_links
