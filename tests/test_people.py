"""Authors and institutions read as integers (issue 13): each distinct author string's
spelling and key, and each distinct affiliation's institutions, are derived once (kinds
``author-parts``, ``affiliation-parts``), and the author and institution maps read from
them equal the maps computed from the strings.

The reference is the string path: :func:`zhagen.entities.collect.entity_terms` over the
records read from the stored JSON fields (``map_input._json_records``), which normalises
every name and address on every run.
"""

from __future__ import annotations

import json

import pytest

import zhagen
from zhagen import map_input as mi
from zhagen.entities import collect, people, tables
from zhagen.entities.collect import entity_terms
from zhagen.entities.institutions import affiliation_parts
from zhagen.entities.names import author_parts
from zhagen.mapping.model import MapParams
from zhagen.store import entities as qe

OPTIONS = [(level, homonyms) for level in ("top", "department") for homonyms in ("institution", "none")]  # fmt: skip


def _check(proj, kind, level="top", homonyms="institution", thesaurus=None, keep=False, scope=None):
    """The map input of ``kind`` from the stored parts == from the strings; return it."""
    params = MapParams(nodes=kind, institution_level=level, homonyms=homonyms)
    got = mi._people_links_input(proj.store, kind, params, thesaurus, keep, scope)
    assert got is not None
    ids, years, titles, recs = mi._json_records(proj.store, keep, False, scope)
    terms, report = entity_terms(
        kind, recs, level=level, disambiguate=homonyms == "institution", thesaurus=thesaurus
    )
    assert (got.doc_ids, got.years, got.titles) == (ids, years, titles)
    # a record's terms as a set: the map's matrix holds each once, in code-point order
    assert [sorted(set(row)) for row in terms] == [list(row) for row in got.terms]
    assert got.notes == report.to_dict()
    return got, report


def _stored_parts(store, name: str) -> dict[str, list[tuple[int, str]]]:
    """Each distinct string's stored parts of the derived kind ``name``, by plain SQL."""
    kind = qe.kind_state(store, name).id
    out: dict[str, list[tuple[int, str]]] = {}
    for raw, role, part in store.conn.execute(
        "SELECT e.label, p.role, x.label FROM entity_parts p JOIN entities e ON "
        "e.id = p.entity_id JOIN entities x ON x.id = p.part_id WHERE p.kind = ?",
        (kind,),
    ):
        out.setdefault(raw, []).append((role, part))
    return {raw: sorted(parts) for raw, parts in out.items()}


def _raw_parts(store, field: str, parts_of) -> dict[str, list[tuple[int, str]]]:
    """The parts of every distinct string of the documents' raw JSON list ``field``."""
    rows = store.conn.execute(f"SELECT {field} FROM documents").fetchall()
    raw = {s for (text,) in rows if text for s in json.loads(text)}
    return {s: sorted(p) for s in raw if (p := parts_of(s))}


@pytest.fixture(scope="module")
def real(corpora, tmp_path_factory):
    """Every real CNKI export and the WoS full record (``AF`` names, ``C1`` addresses)."""
    proj = zhagen.Project.create(tmp_path_factory.mktemp("people") / "p.zhagen")
    cnki = sorted((corpora / "cnki").iterdir())
    proj.add([*cnki, corpora / "wos/plaintext_344_fullrecord.txt"])
    yield proj
    proj.close()


def test_real_parts_are_the_parts_of_the_raw_fields(real):
    assert tables.kind_id(real.store, "author-parts") is not None
    assert tables.kind_id(real.store, "affiliation-parts") is not None
    authors = _raw_parts(real.store, "authors", author_parts)
    assert len(authors) > 2000 and _stored_parts(real.store, "author-parts") == authors
    affs = _raw_parts(real.store, "affiliations", affiliation_parts)
    assert len(affs) > 500 and _stored_parts(real.store, "affiliation-parts") == affs


@pytest.mark.parametrize(("level", "homonyms"), OPTIONS)
@pytest.mark.parametrize("kind", ["author", "institution"])
def test_real_maps_equal_the_string_path(real, kind, level, homonyms):
    got, report = _check(real, kind, level, homonyms)
    assert report.records_with_entities > 600
    if kind == "institution":
        # CNKI departments and spellings merged (fewer when departments are kept)
        assert len(report.merged) > (50 if level == "top" else 10)
    elif homonyms == "institution":
        assert len(report.ambiguous) > 5  # WoS names of two institutions


def test_real_maps_with_a_thesaurus_a_scope_and_duplicates(real):
    """A thesaurus renaming an author, merging two institutions and naming one cleaned
    department; duplicates kept; a scope of two thirds of the documents."""
    inst = _check(real, "institution")[0].terms
    names = sorted({t for row in inst for t in row if "大学" in t})
    authors = sorted({t for row in _check(real, "author")[0].terms for t in row})
    thesaurus = {names[0]: names[1], "清华大学经济管理学院": "清华经管", authors[5]: "某作者"}
    scope = {d for d in range(1, qe.max_document_id(real.store) + 1) if d % 3}
    for kind, level, homonyms in [("author", "top", "institution"), ("author", "top", "none"),
                                  ("institution", "top", "institution"),
                                  ("institution", "department", "institution")]:  # fmt: skip
        _check(real, kind, level, homonyms, thesaurus, keep=True, scope=scope)
    renamed = _check(real, "author", thesaurus=thesaurus)[0].terms
    assert any("某作者" in row for row in renamed)


@pytest.mark.parametrize(
    ("nodes", "level", "homonyms"),
    [("author", "top", "institution"), ("author", "department", "none"),
     ("institution", "top", "institution"), ("institution", "department", "none")],
)  # fmt: skip
def test_real_map_files_equal_the_string_path(real, tmp_path, monkeypatch, nodes, level, homonyms):
    """The written map (nodes, links, counts, report) is byte for byte the string path's."""
    opts = {"nodes": nodes, "min_freq": 1, "record": False, "institution_level": level,
            "homonyms": homonyms}  # fmt: skip
    real.maps.build(**opts).write(tmp_path / "ids", outputs="csv,json")
    monkeypatch.setattr(mi, "_people_links_input", lambda *a, **k: None)
    monkeypatch.setattr(mi, "_linked_records", lambda *a, **k: None)
    real.maps.build(**opts).write(tmp_path / "strings", outputs="csv,json")
    written = sorted(p.name for p in (tmp_path / "ids").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "strings").iterdir())
    assert "nodes.csv" in written and "edges.csv" in written
    for name in written:
        a, b = (tmp_path / "ids" / name), (tmp_path / "strings" / name)
        if name == "summary.json":
            da, db = (json.loads(x.read_text(encoding="utf-8")) for x in (a, b))
            da.pop("created", None), db.pop("created", None)
            assert da == db
        elif name.endswith(".csv"):
            assert a.read_bytes() == b.read_bytes(), name


def test_only_the_first_merges_and_names_are_listed(real, monkeypatch):
    """A report lists the first ``REPORT_MAX`` merged labels and counts them all."""
    full = _check(real, "institution")[0].notes
    monkeypatch.setattr(collect, "REPORT_MAX", 3)
    monkeypatch.setattr(people, "REPORT_MAX", 3)
    cut = _check(real, "institution")[0].notes
    assert cut["merged_labels"] == full["merged_labels"] > 3
    assert cut["merged"] == full["merged"][:3]
    _check(real, "author")


def _wos(path, records: list[tuple[list[str], list[str]]], first: int = 0) -> None:
    """A WoS plain-text export: per record its ``AF`` names and ``C1`` lines."""
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for k, (names, c1) in enumerate(records, start=first):
        out += ["PT J"]
        out += [("AF " if j == 0 else "   ") + n for j, n in enumerate(names)]
        out += [f"TI Title number {k}", "SO SOME JOURNAL", f"PY {2015 + k % 5}"]
        out += [("C1 " if j == 0 else "   ") + line for j, line in enumerate(c1)]
        out += [f"UT WOS:{k:015d}", "ER", ""]
    path.write_text("\n".join([*out, "EF", ""]), encoding="utf-8")


#: Constructed records: a name of two institutions (two people), joined through a
#: co-author in a record without address; spellings tied in count (the first by code
#: point is the label); keys holding " (" whose text before it is another author's key;
#: a record whose C1 lines name no author (everyone gets its addresses); no author at all.
RECORDS = [
    (["Wang, Na", "Li, Ming"], ["[Wang, Na; Li, Ming] Tsinghua Univ, Sch Econ, Beijing, Peoples R China."]),
    (["WANG, NA", "Zhao, Yi"], ["[WANG, NA] Peking Univ, Dept Math, Beijing, Peoples R China.",
                               "[Zhao, Yi] Fudan Univ, Shanghai, Peoples R China."]),
    (["Wang, Na", "Li, Ming"], []),
    (["Wang, N.", "Zhao, Yi"], ["Peking Univ, Dept Math, Beijing, Peoples R China."]),
    (["Li (Jr), X", "Li", "Chen, Q."], ["[Li (Jr), X] Zhejiang Univ, Hangzhou, Peoples R China."]),
    (["Li (Jr), X", "Chen, Q"], ["[Li (Jr), X] Nanjing Univ, Nanjing, Peoples R China."]),
    (["Chen, Q", "LI"], ["Wuhan Univ, Wuhan, Peoples R China."]),
    ([], ["Tsinghua Univ, Beijing, Peoples R China."]),
]  # fmt: skip


@pytest.fixture
def small(tmp_path):
    proj = zhagen.Project.create(tmp_path / "s.zhagen")
    _wos(tmp_path / "a.txt", RECORDS)
    proj.add([tmp_path / "a.txt"])
    yield proj
    proj.close()


def test_the_constructed_people_split_as_documented(small):
    for level, homonyms in OPTIONS:
        for kind in ("author", "institution"):
            _check(small, kind, level, homonyms, keep=True)
    got, report = _check(small, "author", keep=True)
    names = [a["name"] for a in report.ambiguous]
    assert "Wang, Na" in names
    rows = [list(r) for r in got.terms]
    assert "Wang, Na (Tsinghua Univ)" in rows[0] and "Wang, Na (Peking Univ)" in rows[1]
    assert "Wang, Na (Tsinghua Univ)" in rows[2]  # joined through the co-author Li, Ming
    thesaurus = {"Wang, Na (Peking Univ)": "王娜", "Chen, Q.": "陈"}
    _check(small, "author", thesaurus=thesaurus, keep=True)


def test_a_name_holding_a_parenthesis_keeps_its_own_spelling(small):
    """``Li (Jr), X`` is a name of its own, not ``Li`` split by an institution ``Jr), X``:
    both paths show it as spelled (they once showed the key's lower case after the label
    of ``Li``), with or without the homonym split, and a split name's people still read
    ``name (institution)``."""
    for homonyms in ("institution", "none"):
        got, _ = _check(small, "author", homonyms=homonyms, keep=True)
        rows = [list(r) for r in got.terms]
        assert "Li (Jr), X" in rows[4] and "Li (Jr), X" in rows[5]
        assert not any("(jr)" in t for row in rows for t in row)
    got, _ = _check(small, "author", keep=True)
    assert "Wang, Na (Peking Univ)" in list(got.terms[1])


def test_parts_are_derived_once_and_incrementally(small, tmp_path):
    """A file added after the first map, a document's authors changed, one deleted: only
    the new strings are derived, and the maps still equal the string path."""
    store = small.store
    _check(small, "author", keep=True)
    assert tables.derive(store, ("author-parts", "affiliation-parts")) == {
        "author": 0, "author-parts": 0, "affiliation": 0, "affiliation-parts": 0
    }  # fmt: skip
    n_authors = len(_stored_parts(store, "author-parts"))
    _wos(tmp_path / "b.txt", [RECORDS[0], (["Brand, New"], ["[Brand, New] Tsinghua Univ, Beijing, "
                                                           "Peoples R China."])], first=20)  # fmt: skip
    small.add([tmp_path / "b.txt"])
    done = tables.derive(store, ("author-parts", "affiliation-parts"))
    assert done["author"] == 2 and done["author-parts"] == 1  # only "Brand, New" is new
    assert len(_stored_parts(store, "author-parts")) == n_authors + 1
    with store.transaction():
        store.conn.execute(
            "UPDATE documents SET authors = ?, affiliations = ? WHERE id = 2",
            (json.dumps(["Edited, Ed", "Wang, Na"]), json.dumps(["Edit Univ, Paris, France."])),
        )
        store.conn.execute("DELETE FROM documents WHERE id = 4")
    done = tables.derive(store, ("author-parts", "affiliation-parts"))
    assert done["author-parts"] == 1 and done["affiliation-parts"] == 1
    assert _stored_parts(store, "author-parts") == _raw_parts(store, "authors", author_parts) | {
        k: v for k, v in _stored_parts(store, "author-parts").items()
    }
    raw = _raw_parts(store, "authors", author_parts)
    stored = _stored_parts(store, "author-parts")
    assert {s: stored[s] for s in raw} == raw
    for kind in ("author", "institution"):
        for level, homonyms in OPTIONS:
            _check(small, kind, level, homonyms, keep=True)
            _check(small, kind, level, homonyms, scope={1, 2, 3, 5, 9})


def test_a_new_version_derives_the_parts_again(small, monkeypatch):
    tables.derive(small.store, ("author-parts",))
    before = _stored_parts(small.store, "author-parts")
    monkeypatch.setitem(tables.VERSIONS, "author-parts", tables.VERSIONS["author-parts"] + 1)
    assert tables.derive(small.store, ("author-parts",))["author-parts"] == len(before)
    assert _stored_parts(small.store, "author-parts") == before
    _check(small, "author", keep=True)


def test_no_author_is_the_clear_error(tmp_path):
    proj = zhagen.Project.create(tmp_path / "n.zhagen")
    _wos(tmp_path / "n.txt", [([], []), ([], [])])
    proj.add([tmp_path / "n.txt"])
    for nodes in ("author", "institution"):
        with pytest.raises(zhagen.errors.InputError):
            proj.maps.build(nodes=nodes, record=False)
    proj.close()


def test_cluster_members_are_named_from_the_map_asked():
    """The node labels are made once per node table (a map of thousands of clusters) and
    follow the map asked: a second map, then the first again."""
    from zhagen.examples import tiny_map
    from zhagen.report.map_values import members_text

    first, second = tiny_map(), tiny_map()
    second.nodes = second.nodes.assign(label=[f"节点{k}" for k in range(len(second.nodes))])
    ids = first.nodes["id"].tolist()[:2]
    want = "; ".join(first.nodes["label"].tolist()[:2])
    assert members_text(first, ids) == want
    assert members_text(second, ids) == "节点0; 节点1"
    assert members_text(first, ids) == want
