"""Cited references read as integers (issue 13): the parts of each distinct WoS ``CR``
string are derived once (kind ``cited-parts``), and the co-citation, cited-author and
cited-journal maps read from them equal the maps read by parsing the stored ``CR`` field.

The reference is the raw field: each document's ``cited_refs`` JSON, read here with
``json.loads``, every distinct string's parts computed from it directly, and the node
labels of :func:`zhagen.entities.collect.entity_terms` over the records read from the
stored JSON (the path that parses every string on every run).
"""

from __future__ import annotations

import json

import pytest

import zhagen
from zhagen import map_input as mi
from zhagen.entities import tables
from zhagen.entities.cocitation import cited_terms
from zhagen.entities.collect import entity_terms
from zhagen.entities.references import reference_parts
from zhagen.store import entities as qe

KINDS = ("reference", "cited-author", "cited-journal")

#: Constructed references: one work in three styles (two with the DOI), a DOI that WoS
#: cut short and wrote for two papers of one issue (it identifies neither), two works
#: whose most used spelling is the same (their DOI is added), spellings tied in count
#: (the first by code point wins), anonymous works, a book without volume or page.
REFS = [
    ["MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22",
     "McKee Michael D, 2005, J Bone Joint Surg Am, V87 Suppl 1, P22, DOI 10.2106/JBJS.D.1",
     "Jones KB, 2005, J BJS, V87B, P489, DOI 10.1302/0301-620X.87B4"],
    ["McKee MD, 2005, J BONE JOINT SURG AM, V87, P22, DOI 10.2106/jbjs.d.1",
     "Little CP, 2005, J BJS, V87B, P437, DOI 10.1302/0301-620X.87B4",
     "[Anonymous], 2016, STAND TEST METH TENS", "Wang J, 2020, DATA, DOI 10.5555/a"],
    ["Wang J, 2020, DATA, DOI 10.5555/b", "Smith J, 2010, SOME BOOK, P7",
     "Smith J., 2010, SOME BOOK, P7", "Smith J, 2010, SOME BOOK, P7"],
    ["Wang J, 2020, DATA, DOI 10.5555/c", "MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22"],
    [],
]  # fmt: skip


def _wos(path, refs: list[list[str]], first: int = 0) -> None:
    """A Web of Science plain-text export of one record per list of cited references."""
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for k, cr in enumerate(refs, start=first):
        out += ["PT J", f"AU Author{k}, A", f"TI Title number {k}", "SO SOME JOURNAL",
                f"PY {2015 + k % 5}"]  # fmt: skip
        for j, ref in enumerate(cr):
            out.append(("CR " if j == 0 else "   ") + ref)
        out += [f"UT WOS:{k:015d}", "ER", ""]
    path.write_text("\n".join([*out, "EF", ""]), encoding="utf-8")


def _stored_parts(store) -> dict[str, list[tuple[int, str]]]:
    """Each distinct cited string's stored parts, read with plain SQL."""
    kind = qe.kind_state(store, "cited-parts").id
    out: dict[str, list[tuple[int, str]]] = {}
    for raw, role, part in store.conn.execute(
        "SELECT e.label, p.role, x.label FROM entity_parts p JOIN entities e ON "
        "e.id = p.entity_id JOIN entities x ON x.id = p.part_id WHERE p.kind = ?",
        (kind,),
    ):
        out.setdefault(raw, []).append((role, part))
    return {raw: sorted(parts) for raw, parts in out.items()}


def _raw_parts(store) -> dict[str, list[tuple[int, str]]]:
    """The parts of every distinct string of the documents' raw ``cited_refs`` field."""
    rows = store.conn.execute("SELECT cited_refs FROM documents").fetchall()
    raw = {r for (text,) in rows if text for r in json.loads(text)}
    return {r: sorted(reference_parts(r)) for r in raw}


def _check_maps(proj, scope=None, keep=False, thesaurus=None) -> None:
    """Each cited node type from the stored parts == from the stored JSON, parsed."""
    ids, _years, _titles, recs = mi._json_records(proj.store, keep, True, scope)
    for kind in KINDS:
        got = mi._cited_links_input(proj.store, kind, thesaurus, keep, scope)
        terms, report = entity_terms(kind, recs, thesaurus=thesaurus)
        assert got.doc_ids == ids
        assert got.terms == terms, kind
        assert got.notes == report.to_dict(), kind


@pytest.fixture
def small(tmp_path):
    proj = zhagen.Project.create(tmp_path / "c.zhagen")
    _wos(tmp_path / "a.txt", REFS)
    proj.add([tmp_path / "a.txt"])
    yield proj
    proj.close()


def test_the_constructed_references_group_as_documented(small):
    _check_maps(small)
    terms = mi._cited_links_input(small.store, "reference", None, False, None).terms
    mckee = "MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22"
    assert terms[0][0] == terms[1][0] == terms[3][1] == mckee  # three styles, one work
    assert terms[0][1] != terms[1][1]  # the cut DOI joins nothing
    assert sorted(t for row in terms for t in row if t.startswith("Wang J")) == [
        "Wang J, 2020, DATA, DOI 10.5555/a", "Wang J, 2020, DATA, DOI 10.5555/b",
        "Wang J, 2020, DATA, DOI 10.5555/c",
    ]  # fmt: skip
    assert terms[2][1:] == ["Smith J, 2010, SOME BOOK, P7"]  # two spellings, the most used
    assert terms[4] == []
    journals = mi._cited_links_input(small.store, "cited-journal", None, False, None).terms
    assert journals[2] == ["DATA", "SOME BOOK"]
    authors = mi._cited_links_input(small.store, "cited-author", None, False, None).terms
    assert authors[1] == ["MCKEE MD", "LITTLE CP", "WANG J"]  # no anonymous author


def test_only_the_first_merges_are_listed(small, monkeypatch):
    """A report lists the first ``REPORT_MAX`` merged labels and counts them all."""
    from zhagen.entities import cocitation, collect

    full = mi._cited_links_input(small.store, "reference", None, False, None).notes
    assert full["merged_labels"] == len(full["merged"]) == 2
    monkeypatch.setattr(collect, "REPORT_MAX", 1)
    monkeypatch.setattr(cocitation, "REPORT_MAX", 1)
    _check_maps(small)
    cut = mi._cited_links_input(small.store, "reference", None, False, None).notes
    assert cut["merged_labels"] == 2 and cut["merged"] == full["merged"][:1]


def test_parts_are_derived_once_per_distinct_string_and_incrementally(small, tmp_path):
    store = small.store
    assert tables.derive(store, ("cited-parts",))["cited-parts"] > 0  # first use
    assert tables.derive(store, ("cited-parts",)) == {"cited": 0, "cited-parts": 0}
    assert _stored_parts(store) == _raw_parts(store)
    distinct = len(_raw_parts(store))
    # a second import: only its new strings are parsed
    _wos(tmp_path / "b.txt", [REFS[0], ["Brand New A, 2001, NEW J, V1, P1"]], first=10)
    small.add([tmp_path / "b.txt"])
    assert tables.derive(store, ("cited-parts",)) == {"cited": 2, "cited-parts": 1}
    assert len(_stored_parts(store)) == distinct + 1
    # an edited and a deleted document: their links again, the new string parsed
    with store.transaction():
        store.conn.execute(
            "UPDATE documents SET cited_refs = ? WHERE id = 1",
            (json.dumps(["Edited E, 1999, EDIT J, V2, P3", REFS[0][2]]),),
        )
        store.conn.execute("DELETE FROM documents WHERE id = 3")
    # the edited document derived again (the deleted one only loses its links)
    assert tables.derive(store, ("cited-parts",)) == {"cited": 1, "cited-parts": 1}
    parts = qe.kind_state(store, "cited-parts")
    assert qe.stale_documents(store, parts.id) == []
    assert parts.upto == qe.max_entity_id(store, qe.kind_state(store, "cited").id)
    stored = _stored_parts(store)
    assert {r: stored[r] for r in _raw_parts(store)} == _raw_parts(store)
    _check_maps(small)
    _check_maps(small, keep=True, scope={1, 2, 4, 6})


def test_a_new_version_derives_the_parts_again(small, monkeypatch):
    tables.derive(small.store, ("cited-parts",))
    before = _stored_parts(small.store)
    monkeypatch.setitem(tables.VERSIONS, "cited-parts", 2)
    assert tables.derive(small.store, ("cited-parts",))["cited-parts"] == len(before)
    assert _stored_parts(small.store) == before
    # the strings themselves derived again (new entity ids): their parts are made again
    monkeypatch.setitem(tables.VERSIONS, "cited", 2)
    assert tables.derive(small.store, ("cited-parts",))["cited-parts"] == len(before)
    assert _stored_parts(small.store) == before
    _check_maps(small)


def test_no_cited_reference_gives_empty_rows(tmp_path):
    """Records without references map to empty rows; none at all is the clear error."""
    proj = zhagen.Project.create(tmp_path / "n.zhagen")
    _wos(tmp_path / "n.txt", [[], []])
    proj.add([tmp_path / "n.txt"])
    import numpy as np

    none = np.zeros(0, np.int64)
    kinds = (qe.kind_state(proj.store, "keyword").id,) * 2
    assert cited_terms(proj.store, "reference", *kinds, [1, 2], none, none)[0] == [[], []]
    with pytest.raises(zhagen.errors.InputError, match="cited references"):
        proj.maps.build(nodes="reference", record=False)
    proj.close()


@pytest.fixture(scope="module")
def wos(corpora, tmp_path_factory):
    """The real WoS export (with cited references) and a CNKI export in one project."""
    proj = zhagen.Project.create(tmp_path_factory.mktemp("wos") / "w.zhagen")
    proj.add([corpora / "wos/plaintext_344_fullrecord.txt", corpora / "cnki/endnote_40.txt"])
    yield proj
    proj.close()


def test_real_wos_parts_equal_the_raw_field(wos):
    assert tables.kind_id(wos.store, "cited-parts") is not None
    stored, raw = _stored_parts(wos.store), _raw_parts(wos.store)
    assert len(raw) > 10_000 and stored == raw


def test_real_wos_maps_equal_the_parsed_field(wos):
    _check_maps(wos)
    report = mi._cited_links_input(wos.store, "reference", None, False, None).notes
    assert report["merged_labels"] == len(report["merged"]) > 0


def test_real_wos_maps_in_a_scope_with_duplicates_and_a_thesaurus(wos):
    """A thesaurus merging two works and renaming a journal, duplicates kept, a scope."""
    terms = mi._cited_links_input(wos.store, "reference", None, True, None).terms
    first, second = sorted({t for row in terms for t in row})[:2]
    journals = mi._cited_links_input(wos.store, "cited-journal", None, True, None).terms
    journal = journals[next(k for k, row in enumerate(journals) if row)][0]
    scope = {d for d in range(1, qe.max_document_id(wos.store) + 1) if d % 3}
    _check_maps(wos, scope=scope, keep=True, thesaurus={second: first, journal: "某期刊"})
