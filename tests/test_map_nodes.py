"""``zhagen map --nodes TYPE`` (issue 13): authors, institutions, countries, cited references,
cited authors and journals, categories and coupling — checked against independent counts
of the raw files in ``../shared/corpora`` and on constructed records."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import zhagen
from zhagen.cli import main
from zhagen.entities.collect import EntityRecord, entity_terms
from zhagen.entities.institutions import clean_affiliation, country, institution
from zhagen.entities.names import author_key, split_homonyms
from zhagen.entities.references import group_references, parse_reference
from zhagen.errors import InputError, ParameterError
from zhagen.mapping.model import NODE_TYPES

ALL = {"top": 1000, "min_freq": 1, "keep_duplicates": True, "record": False}


# ---------------------------------------------------------------- independent readings


def _refworks(path: Path) -> list[dict[str, list[str]]]:
    """Each record's A1 authors and AD affiliations, straight from the RefWorks file."""
    out = []
    for block in path.read_text(encoding="utf-8").replace("\r\n", "\n").split("RT ")[1:]:
        rec = {"authors": [], "affiliations": [], "year": []}
        for line in block.split("\n"):
            if line.startswith("YR ") and line[3:].strip():
                rec["year"] = [line[3:].strip()]
            if line.startswith("A1 "):
                rec["authors"] = [a.strip() for a in line[3:].split(";") if a.strip()]
            elif line.startswith("AD "):
                rec["affiliations"] = [a.strip() for a in line[3:].split(";") if a.strip()]
        out.append(rec)
    return out


def _endnote(path: Path) -> list[dict[str, list[str]]]:
    """Each record's %A authors and %+ affiliations (``;`` or ``;;`` separated)."""
    out = []
    for block in path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("%0 ")[1:]:
        rec = {"authors": [], "affiliations": [], "year": []}
        for line in block.split("\n"):
            if line.startswith("%D ") and line[3:].strip():
                rec["year"] = [line[3:].strip()]
            if line.startswith("%A "):
                rec["authors"].append(line[3:].strip())
            elif line.startswith("%+ "):
                rec["affiliations"] = [a.strip() for a in line[3:].split(";") if a.strip()]
        out.append(rec)
    return out


def _wos(path: Path) -> list[dict[str, list[str]]]:
    """Each record's fields (tag -> lines) from the WoS plain-text file."""
    records, rec, tag = [], None, None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("PT "):
            rec, tag = {}, None
        if rec is None:
            continue
        if line.startswith("ER"):
            records.append(rec)
            rec = None
            continue
        if line[:2].strip() and line[2:3] == " ":
            tag = line[:2]
            rec.setdefault(tag, []).append(line[3:].strip())
        elif line.startswith("   ") and tag:
            rec[tag].append(line.strip())
    return records


_BODIES = ["研究生院", "科学院", "研究院", "研究所", "大学", "学院", "党校", "中学", "小学",
           "学校", "幼儿园", "公司", "集团", "医院", "卫生院", "银行", "出版社", "杂志社",
           "编辑部", "报社", "图书馆", "博物馆", "委员会", "研究会", "协会"]  # fmt: skip


def _my_top(aff: str) -> str:
    """A Chinese affiliation cut after its first body word (scanning position by
    position), 大学/研究生院 right after it joined, a short campus in brackets kept."""
    s = "".join(unicodedata.normalize("NFKC", aff).split("!")[0].split())
    for i in range(len(s)):
        hits = [w for w in _BODIES if s.startswith(w, i)]
        if hits:
            end = i + max(map(len, hits))
            break
    else:
        return s
    grown = True
    while grown:
        grown = False
        for w in ("大学", "研究生院"):
            if s.startswith(w, end):
                end, grown = end + len(w), True
    m = re.match(r"\([\u4e00-\u9fff]{1,4}\)", s[end:])
    if s[:end].endswith("大学") and m:
        end += m.end()
    return s[:end]


def _name(a: str) -> str:
    """A name as a node: a Chinese one without spaces, another with single spaces."""
    han = any("\u4e00" <= ch <= "\u9fff" for ch in a)
    return "".join(a.split()) if han else " ".join(a.split())


def _year(values: list[str]) -> int | None:
    """A record's year as the raw file gives it (first four-digit run), or None."""
    m = re.search(r"\d{4}", values[0]) if values else None
    return int(m.group()) if m else None


def _reference_map(
    rows: list[list[str]],
    years: list[int | None] | None = None,
    *,
    top: int | None = None,
    g: float | None = None,
    min_freq: int = 1,
    link_scope: str = "slices",
) -> tuple[dict[str, int], Counter]:
    """A map computed independently, by CiteSpace's definitions (zhagen's defaults): records
    without a year are left out of every count (when any record has one); each record
    holds each label once; in every one-year slice the eligible labels (in at least
    ``min_freq`` records) are ranked by their count in the slice, then overall count, then
    first year, then code point, and the top ``top`` (or the g-index with scale factor
    ``g``: the largest n with n² ≤ g·Σ of the top n counts) are selected; the nodes are the
    union. A link's count is, with ``link_scope="slices"``, the sum over slices of the
    records of the slice holding both labels where both are selected in that slice, or
    with ``"all"`` the records holding both, among the nodes. Returns the node
    frequencies and the link counts."""
    years = years if years is not None else [None] * len(rows)
    dated = any(y is not None for y in years)
    recs = [(y, sorted(set(r) - {""})) for r, y in zip(rows, years, strict=True)
            if y is not None or not dated]  # fmt: skip
    freq = Counter(x for _y, r in recs for x in r)
    first: dict[str, int] = {}
    for y, r in recs:
        for x in r:
            first[x] = min(first.get(x, y or 0), y or 0)
    slices: dict[int | None, list[list[str]]] = {}
    for y, r in recs:
        slices.setdefault(y, []).append(r)
    chosen: dict[int | None, set[str]] = {}
    for y, group in slices.items():
        count = Counter(x for r in group for x in r if freq[x] >= min_freq)
        ranked = sorted(count, key=lambda x: (-count[x], -freq[x], first[x], x))
        n = top
        if n is None:
            n, total = 0, 0
            for k, x in enumerate(ranked, 1):
                total += count[x]
                if k * k <= g * total:
                    n = k
        chosen[y] = set(ranked[:n])
    nodes = set().union(*chosen.values())
    links: Counter = Counter()
    for y, group in slices.items():
        keep = chosen[y] if link_scope == "slices" else nodes
        for r in group:
            links.update(itertools.combinations([x for x in r if x in keep], 2))
    return {x: freq[x] for x in nodes}, links


def _check(km, freq: dict[str, int], links: Counter) -> None:
    """Every node and its frequency, and every link and its count, equal the independent
    map's (no pruning: every link is kept)."""
    assert km.summary["params"]["slice"] == 1 and km.summary["params"]["prune"] == "none"
    nodes = km.nodes.set_index("label")
    assert dict(zip(km.nodes["label"], km.nodes["frequency"], strict=True)) == freq
    ids = dict(zip(km.nodes["id"], km.nodes["label"], strict=True))
    found = Counter()
    for e in km.edges.itertuples():
        found[tuple(sorted((ids[e.source], ids[e.target])))] = e.count
    assert found == +links
    assert len(nodes) == len(freq)


def _project(tmp_path_factory, source: Path):
    """A project holding one real export, open for the module."""
    path = tmp_path_factory.mktemp("nodes") / f"{source.stem}.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(source)
    with zhagen.open(path) as p:
        yield p


@pytest.fixture(scope="module")
def cnki(tmp_path_factory, corpora):
    yield from _project(tmp_path_factory, corpora / "cnki" / "refworks_2024_298.txt")


@pytest.fixture(scope="module")
def endnote(tmp_path_factory, corpora):
    yield from _project(tmp_path_factory, corpora / "cnki" / "endnote_40.txt")


@pytest.fixture(scope="module")
def wos(tmp_path_factory, corpora):
    yield from _project(tmp_path_factory, corpora / "wos" / "plaintext_344_fullrecord.txt")


# ---------------------------------------------------------------- CNKI: authors, institutions


@pytest.mark.parametrize("which", ["refworks", "endnote"])
def test_cnki_authors_and_coauthorship_equal_an_independent_count(which, cnki, endnote, corpora):
    project = {"refworks": cnki, "endnote": endnote}[which]
    read = {"refworks": _refworks, "endnote": _endnote}[which]
    name = {"refworks": "refworks_2024_298.txt", "endnote": "endnote_40.txt"}[which]
    raw = read(corpora / "cnki" / name)
    assert len(raw) == project.documents.find(limit=1).total
    km = project.maps.build(nodes="author", homonyms="none", **ALL)
    rows = [[_name(a) for a in r["authors"]] for r in raw]
    years = [_year(r["year"]) for r in raw]
    assert km.summary["records_without_year"] == years.count(None)
    _check(km, *_reference_map(rows, years, top=ALL["top"]))
    assert len(km.nodes) > 30 and len(km.edges) > 20
    assert km.summary["node_type"] == "author"
    # CiteSpace's defaults: g-index with k = 25 per slice, links from the slice networks
    default = project.maps.build(nodes="author", homonyms="none", keep_duplicates=True,
                                 record=False)  # fmt: skip
    _check(default, *_reference_map(rows, years, g=25))


def test_cnki_institutions_and_links_equal_an_independent_count(cnki, corpora):
    raw = _refworks(corpora / "cnki" / "refworks_2024_298.txt")
    km = cnki.maps.build(nodes="institution", **ALL)
    years = [_year(r["year"]) for r in raw]
    rows = [[_my_top(a) for a in r["affiliations"]] for r in raw]
    _check(km, *_reference_map(rows, years, top=ALL["top"]))
    assert len(km.nodes) > 100 and len(km.edges) > 5
    default = cnki.maps.build(nodes="institution", keep_duplicates=True, record=False)
    _check(default, *_reference_map(rows, years, g=25))
    # departments kept whole
    dept = cnki.maps.build(nodes="institution", institution_level="department", **ALL)
    drows = [[a.replace(" ", "") for a in r["affiliations"]] for r in raw]
    _check(dept, *_reference_map(drows, years, top=ALL["top"]))
    assert len(dept.nodes) > len(km.nodes)
    # every merge is reported: the spellings of each merged node, with their record counts
    merged = {m["label"]: m for m in km.summary["entities"]["merged"]}
    # the merges are those of reading every record, undated ones included
    spell = Counter((_my_top(a), a) for r in raw for a in set(r["affiliations"]))
    for label in {x for r in rows for x in r}:
        variants = {s: c for (t, s), c in spell.items() if t == label}
        if len(variants) > 1:
            got = {v["text"]: v["records"] for v in merged[label]["variants"]}
            assert got == variants, label
    assert "江南大学" in merged


def test_authors_split_by_institution_equal_an_independent_grouping(cnki, corpora):
    """The default map tells same-name authors apart: each name's records are grouped by
    shared institution or co-author (networkx components here) — on the real export."""
    raw = _refworks(corpora / "cnki" / "refworks_2024_298.txt")
    km = cnki.maps.build(nodes="author", **ALL)
    labels = [[a.replace(" ", "") for a in r["authors"]] for r in raw]
    names = {a for r in labels for a in r}
    split: dict[tuple[int, str], str] = {}
    for name in names:
        g = nx.Graph()
        recs = [k for k, r in enumerate(labels) if name in r]
        g.add_nodes_from(("r", k) for k in recs)
        for k in recs:
            for inst in {_my_top(a) for a in raw[k]["affiliations"]}:
                g.add_edge(("r", k), ("i", inst))
            for other in labels[k]:
                if other != name:
                    g.add_edge(("r", k), ("a", other))
        comps = [c for c in nx.connected_components(g) if any(n[0] == "i" for n in c)]
        if len(comps) < 2:
            continue
        for comp in comps:
            insts = Counter(
                i
                for n in comp
                if n[0] == "r"
                for i in {_my_top(a) for a in raw[n[1]]["affiliations"]}
            )
            top = sorted(insts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for n in comp:
                if n[0] == "r":
                    split[(n[1], name)] = f"{name} ({top})"
    rows = [[split.get((k, a), a) for a in r] for k, r in enumerate(labels)]
    _check(km, *_reference_map(rows, [_year(r["year"]) for r in raw], top=ALL["top"]))
    amb = km.summary["entities"]["ambiguous_authors"]
    assert sorted(a["name"] for a in amb) == sorted({n for (_k, n) in split})


# ---------------------------------------------------------------- WoS: cited references


def _wos_years(raw: list[dict[str, list[str]]]) -> list[int | None]:
    return [_year(r.get("PY", [])) for r in raw]


_DOI = re.compile(r"10\.\d{3,9}/[^\s,\]]+", re.I)


def _my_reference_groups(refs: list[str]) -> dict[str, str]:
    """Cited works by hand: a bipartite graph of reference strings and identifiers (DOIs,
    unless one is given for two different volume/page/author keys; family name + year +
    volume + page; else author + year + source + volume + page), its components the works,
    each labelled by the spelling most citations use."""

    def parts(ref: str):
        head = ref.split(", DOI ")[0]
        dois = (
            {d.rstrip(".").lower() for d in _DOI.findall(ref.split(", DOI ", 1)[1])}
            if ", DOI " in ref
            else set()
        )
        bits = [b.strip() for b in " ".join(unicodedata.normalize("NFKC", head).split()).split(",")]
        year = next((b for b in bits[:2] if re.fullmatch(r"1[5-9]\d\d|20\d\d", b)), "")
        author = bits[0] if bits and bits[0] != year else ""
        vol = next(
            (b[1:].split()[0] for b in bits if re.fullmatch(r"V\s*\S.*", b) and b[1:].split()), ""
        )
        page = next((b[1:] for b in bits if re.fullmatch(r"[Pp]\s*\S+", b)), "")
        vol = re.sub(r"\W|_", "", vol).upper()
        page = re.sub(r"\W|_", "", page).upper()
        words = author.replace(",", " ").split()
        while len(words) > 1 and words[0].lower() in {
            "van",
            "von",
            "de",
            "der",
            "den",
            "da",
            "di",
            "del",
            "la",
            "le",
            "du",
            "dos",
        }:
            words = words[1:]
        fam = re.sub(r"[^A-Za-z\u00c0-\u024f]", "", words[0] if words else "").upper()
        vp = f"vp {fam} {year} {vol} {page}" if vol and page and year else None
        src = [
            b
            for b in bits
            if b not in (author, year) and not re.fullmatch(r"V\s*\S.*|[Pp]\s*\S+", b)
        ]
        fallback = (
            f"as {' '.join(author.replace('.', '').upper().split())} {year} "
            + " ".join(", ".join(src).replace(".", " ").upper().split())
            + f" {vol} {page}"
        )
        return " ".join(unicodedata.normalize("NFKC", head).split()), dois, vp, fallback

    info = {r: parts(r) for r in set(refs)}
    vps: dict[str, set[str]] = {}
    for _h, dois, vp, _f in info.values():
        for d in dois:
            if vp:
                vps.setdefault(d, set()).add(vp)
    g = nx.Graph()
    for r, (_h, dois, vp, fb) in info.items():
        g.add_node(("r", r))
        idents = [("d", d) for d in dois if len(vps.get(d, ())) <= 1]
        idents += [("v", vp)] if vp else []
        if not dois and not vp:
            idents = [("f", fb)]
        for i in idents:
            g.add_edge(("r", r), i)
    count = Counter(refs)
    works = []
    for comp in nx.connected_components(g):
        members = [n[1] for n in comp if n[0] == "r"]
        heads = Counter()
        for m in members:
            heads[info[m][0]] += count[m]
        label = sorted(heads.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        works.append((label, members))
    # two works of one spelling: each named with its first DOI as well
    spelled = Counter(label for label, _ in works)
    out = {}
    for label, members in works:
        dois = sorted(d for m in members for d in info[m][1])
        if spelled[label] > 1 and dois:
            label = f"{label}, DOI {dois[0]}"
        out.update({m: label for m in members})
    return out


def test_wos_cited_references_and_cocitation_equal_an_independent_count(wos, corpora):
    raw = _wos(corpora / "wos" / "plaintext_344_fullrecord.txt")
    assert len(raw) == 344
    refs = [r.get("CR", []) for r in raw]
    label = _my_reference_groups([x for r in refs for x in r])
    # works cited at least twice (all 10 300 works make a network whose betweenness alone
    # takes a minute and a half)
    km = wos.maps.build(nodes="reference", **{**ALL, "min_freq": 2})
    rows = [[label[x] for x in r] for r in refs]
    assert len(set(label.values())) > 5000
    _check(km, *_reference_map(rows, _wos_years(raw), top=ALL["top"], min_freq=2))
    assert len(km.nodes) > 500 and len(km.edges) > 5000
    # CiteSpace's defaults (g-index with k = 25 per slice, links from the slice networks),
    # and links over all records: on this file they differ
    years = _wos_years(raw)
    default = wos.maps.build(nodes="reference", keep_duplicates=True, record=False)
    _check(default, *_reference_map(rows, years, g=25))
    every = wos.maps.build(nodes="reference", link_scope="all", keep_duplicates=True, record=False)
    _check(every, *_reference_map(rows, years, g=25, link_scope="all"))
    assert len(every.edges) > len(default.edges)
    # the same work in two styles is one node, and it is reported
    merged = km.summary["entities"]["merged"]
    assert merged and all(len(m["variants"]) > 1 for m in merged)


def test_wos_cited_authors_journals_categories_countries_equal_an_independent_count(wos, corpora):
    raw = _wos(corpora / "wos" / "plaintext_344_fullrecord.txt")
    first = [[x.split(",")[0] for x in r.get("CR", [])] for r in raw]
    authors = [[" ".join(a.replace(".", "").upper().split()) for a in r if not a.startswith("[")]
               for r in first]  # fmt: skip
    years = _wos_years(raw)
    _check(wos.maps.build(nodes="cited-author", **{**ALL, "min_freq": 3}),
           *_reference_map(authors, years, top=ALL["top"], min_freq=3))  # fmt: skip
    cats = [[c.strip() for c in " ".join(r.get("WC", [])).split(";") if c.strip()] for r in raw]
    _check(wos.maps.build(nodes="category", **ALL), *_reference_map(cats, years, top=ALL["top"]))
    countries = []
    for r in raw:
        row = []
        for line in r.get("C1", []):
            last = line.rstrip(".").split(",")[-1].strip()
            last = "USA" if last.endswith("USA") else last
            last = {"England": "UK", "Scotland": "UK", "Wales": "UK", "North Ireland": "UK",
                    "Peoples R China": "China"}.get(last, last)  # fmt: skip
            row.append(last)
        countries.append(row)
    _check(wos.maps.build(nodes="country", **ALL),
           *_reference_map(countries, years, top=ALL["top"]))  # fmt: skip


def test_coupling_links_are_shared_cited_works(wos, corpora):
    """Bibliographic coupling with every node and with CiteSpace's defaults: a document's
    frequency is the number of its cited works another dated document cites too, a link's
    count the number of works both cite, and every pair of nodes sharing a work is linked,
    across years too (the link belongs to the slice of the later document, where both
    exist); per one-year slice the documents are selected by their number of shared works."""
    raw = _wos(corpora / "wos" / "plaintext_344_fullrecord.txt")
    years = _wos_years(raw)
    refs = [r.get("CR", []) for r in raw]
    label = _my_reference_groups([x for r in refs for x in r])
    works = [{label[x] for x in r} if y is not None else set()
             for r, y in zip(refs, years, strict=True)]  # fmt: skip
    citers = Counter(w for ws in works for w in ws)
    shared = [sum(1 for w in ws if citers[w] > 1) for ws in works]
    pairs = {(a, b): len(works[a] & works[b])
             for a, b in itertools.combinations(range(len(works)), 2) if works[a] & works[b]}  # fmt: skip
    docs = sorted(d.id for d in wos.documents.find(limit=1000).items)
    for params in (ALL, {"keep_duplicates": True, "record": False}):
        km = wos.maps.build(nodes="coupling", **params)
        assert km.summary["records"] == len(raw) - years.count(None)
        doc_of = {}
        for node in km.nodes.itertuples():
            mine = set(km.node_docs[node.id])
            assert len(mine) == 1
            doc_of[node.id] = docs.index(mine.pop())
        nodes = set(doc_of.values())
        assert {doc_of[n.id]: n.frequency for n in km.nodes.itertuples()} == {
            k: shared[k] for k in nodes
        }
        top, g = params.get("top"), 25
        for year in set(years) - {None}:
            counts = sorted((shared[k] for k in range(len(raw)) if years[k] == year and shared[k]),
                            reverse=True)  # fmt: skip
            n = top
            if n is None:
                n = max(m for m in range(len(counts) + 1) if m * m <= g * sum(counts[:m]))
            assert (
                sorted((shared[k] for k in nodes if years[k] == year), reverse=True) == counts[:n]
            )
        found = {tuple(sorted((doc_of[e.source], doc_of[e.target]))): e.count
                 for e in km.edges.itertuples()}  # fmt: skip
        assert found == {p: c for p, c in pairs.items() if set(p) <= nodes}
        assert any(years[a] != years[b] for a, b in found)
    assert nodes == {k for k, n in enumerate(shared) if n} and len(km.edges) == len(pairs) > 0


def test_coupling_leaves_undated_documents_out_and_links_across_slices(tmp_path):
    """Four dated WoS records and one without a year (all written here): the undated one is
    no node and a work shared only with it counts for no one; links join documents of
    different years, the same with links from slices or from all records; ``years``
    narrows what is shared."""
    p = zhagen.Project.create(tmp_path / "p.zhagen")
    p.add(_coupled_wos(tmp_path / "coupled.txt", undated=True))
    cites = _coupled_refs(undated=True)
    year = [2018, 2019, 2020, 2021, None]

    def expected(first: int, last: int) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
        keep = [k for k, y in enumerate(year) if y is not None and first <= y <= last]
        n_citing = Counter(w for k in keep for w in cites[k])
        freq = {k: sum(1 for w in cites[k] if n_citing[w] > 1) for k in keep}
        links = {(a, b): len(set(cites[a]) & set(cites[b]))
                 for a, b in itertools.combinations(keep, 2) if set(cites[a]) & set(cites[b])}  # fmt: skip
        return freq, links

    def got(km) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
        doc = {n.id: year.index(int(n.label.split(", ")[1])) for n in km.nodes.itertuples()}
        return ({doc[n.id]: n.frequency for n in km.nodes.itertuples()},
                {tuple(sorted((doc[e.source], doc[e.target]))): e.count
                 for e in km.edges.itertuples()})  # fmt: skip

    km = p.maps.build(nodes="coupling", record=False)
    assert km.summary["records_without_year"] == 1 and km.summary["records"] == 4
    assert got(km) == expected(2018, 2021)
    assert len(got(km)[1]) == 6  # every pair of the four years, none within a slice
    assert got(p.maps.build(nodes="coupling", link_scope="all", record=False)) == got(km)
    assert got(p.maps.build(nodes="coupling", years="2019-2021", record=False)) == expected(
        2019, 2021
    )
    p.close()


# ---------------------------------------------------------------- every node type, every file


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, corpora):
    path = tmp_path_factory.mktemp("nodes") / "mixed.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(corpora / "cnki" / "refworks_2024_298.txt")
        p.add(corpora / "wos" / "plaintext_10.txt")
        p.add(_coupled_wos(path.parent / "coupled.txt"))
    return path


_REFS = ["Smith J, 2001, NATURE, V1, P1", "Li X, 2005, SCIENCE, V2, P20",
         "Wang Y, 2010, CELL, V3, P300", "Kim H, 2012, PLOS ONE, V7, DOI 10.1371/x"]  # fmt: skip
_SOLO = "Zed Q, 1999, SOLO J, V9, P9"


def _coupled_refs(undated: bool = False) -> list[list[str]]:
    """The reference lists of :func:`_coupled_wos`: four that overlap; with ``undated`` the
    last dated one and an undated fifth also share a work no one else cites."""
    out = [_REFS[k:] + _REFS[: k % 2] for k in range(4)]
    if undated:
        out[3].append(_SOLO)
        out.append([_SOLO, _REFS[0]])
    return out


def _coupled_wos(path: Path, undated: bool = False) -> Path:
    """WoS records (written here) whose reference lists overlap, in 2018–2021; with
    ``undated`` a fifth record without a year."""
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for k, mine in enumerate(_coupled_refs(undated)):
        out += [
            "PT J", f"AU Auth{k}, A", f"AF Auth{k}, Alice", f"TI Coupled paper {k}",
            "SO JOURNAL", f"C1 [Auth{k}, Alice] Univ Somewhere, Dept X, City {k}, Canada.",
            "CR " + mine[0], *("   " + r for r in mine[1:]),
            *([f"PY {2018 + k}"] if k < 4 else []),
            "WC Engineering; Physics", f"UT WOS:00000000000{k}", "ER", "",
        ]  # fmt: skip
    path.write_text("\n".join(out + ["EF"]) + "\n", encoding="utf-8")
    return path


# keyword and term maps write every file in tests/test_map_project.py
@pytest.mark.parametrize("nodes", [n for n in NODE_TYPES if n not in ("keyword", "term")])
def test_every_node_type_writes_every_file_consistently(nodes, mixed, tmp_path):
    out = tmp_path / "map"
    argv = [
        "map",
        str(mixed),
        "--nodes",
        nodes,
        "--out",
        str(out),
        "--top",
        "20",
        "--min-freq",
        "1",
    ]
    assert main(argv) == 0
    names = {p.name for p in out.iterdir()}
    assert {"nodes.csv", "edges.csv", "clusters.csv", "bursts.csv", "summary.json", "map.png",
            "map.svg", "timeline.png", "bursts.png", "map.html", "tables.xlsx",
            "network.graphml", "network.gexf", "network.net", "vosviewer_map.txt",
            "vosviewer_network.txt"} <= names  # fmt: skip
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["params"]["nodes"] == nodes
    assert summary["node_type"] == nodes
    table = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig")
    edges = pd.read_csv(out / "edges.csv", encoding="utf-8-sig")
    assert len(table) == summary["nodes"] > 0 and len(edges) == summary["edges"]
    assert set(edges["source"]) | set(edges["target"]) <= set(table["id"])
    graph = nx.read_graphml(out / "network.graphml")
    assert graph.number_of_nodes() == len(table) and graph.number_of_edges() == len(edges)
    assert table["cluster"].nunique() == summary["clusters"]
    assert (table["frequency"] > 0).all()
    if nodes in ("author", "institution", "reference"):
        merges = pd.read_csv(out / "entities.csv", encoding="utf-8-sig")
        assert set(merges["kind"]) <= {"merged", "ambiguous"} and len(merges) > 0


# ---------------------------------------------------------------- messages and parameters


@pytest.mark.parametrize("nodes", ["reference", "cited-author", "cited-journal", "coupling",
                                   "country", "category"])  # fmt: skip
def test_cnki_data_says_what_it_lacks(cnki, nodes):
    with pytest.raises(InputError) as err:
        cnki.maps.build(nodes=nodes, record=False)
    assert "CNKI" in err.value.zh and "CNKI" in err.value.en
    assert "Web of Science" in err.value.en and err.value.file


def test_field_terms_is_nodes_term_and_refuses_other_nodes(tmp_path):
    p = zhagen.Project.create(tmp_path / "p.zhagen")
    (tmp_path / "a.txt").write_text("创新联合体推动新质生产力发展。数字经济赋能产业升级。",
                                    encoding="utf-8")  # fmt: skip
    p.add(tmp_path / "a.txt")
    old = p.maps.build(field="terms", min_freq=1, record=False)
    new = p.maps.build(nodes="term", min_freq=1, record=False)
    pd.testing.assert_frame_equal(old.nodes, new.nodes)
    assert old.summary["node_type"] == new.summary["node_type"] == "term"
    with pytest.raises(ParameterError, match="--nodes term"):
        p.maps.build(field="terms", nodes="author", record=False)
    p.close()


def test_a_name_at_two_institutions_is_two_nodes_and_reported(tmp_path):
    lines = []
    for k, (names, aff) in enumerate([("王伟;李明", "清华大学经济管理学院;"),
                                      ("王伟;李明", "清华大学 经济管理学院;北京100084"),
                                      ("王伟;赵六", "北京大学光华管理学院;"),
                                      ("王伟;赵六", "北京大学;")]):  # fmt: skip
        lines += ["RT Journal Article", f"A1 {names}", f"AD {aff}", f"T1 题目{k}", "JF 期刊",
                  f"YR {2020 + k}", "K1 创新;管理", "DS CNKI", ""]  # fmt: skip
    (tmp_path / "x.txt").write_text("\n".join(lines), encoding="utf-8")
    p = zhagen.Project.create(tmp_path / "p.zhagen")
    p.add(tmp_path / "x.txt")
    km = p.maps.build(nodes="author", min_freq=1, record=False)
    labels = set(km.nodes["label"])
    assert {"王伟 (清华大学)", "王伟 (北京大学)", "李明", "赵六"} == labels
    same = p.maps.build(nodes="author", homonyms="none", min_freq=1, record=False)
    assert set(same.nodes["label"]) == {"王伟", "李明", "赵六"}
    inst = p.maps.build(nodes="institution", min_freq=1, record=False)
    assert dict(zip(inst.nodes["label"], inst.nodes["frequency"], strict=True)) == {
        "清华大学": 2, "北京大学": 2}  # fmt: skip
    files = km.write(tmp_path / "out")
    merges = pd.read_csv(tmp_path / "out" / "entities.csv", encoding="utf-8-sig")
    assert set(merges[merges["kind"] == "ambiguous"]["node"]) == {
        "王伟 (清华大学)",
        "王伟 (北京大学)",
    }
    assert tmp_path / "out" / "entities.csv" in files
    p.close()


# ---------------------------------------------------------------- the pure functions


@pytest.mark.parametrize(
    "text, top, department",
    [
        ("清华大学经济管理学院", "清华大学", "清华大学经济管理学院"),
        ("清华大学 经济管理学院", "清华大学", "清华大学经济管理学院"),
        ("南京大学信息管理学院,江苏南京 210023", "南京大学", "南京大学信息管理学院"),
        ("中国科学院大学人工智能学院", "中国科学院大学", "中国科学院大学人工智能学院"),
        ("中国社会科学院研究生院", "中国社会科学院研究生院", "中国社会科学院研究生院"),
        ("中国矿业大学（北京）管理学院", "中国矿业大学(北京)", "中国矿业大学(北京)管理学院"),
        ("浪潮集团金融信息技术有限公司", "浪潮集团", "浪潮集团金融信息技术有限公司"),
        ("北京100084", "", ""),
        ("Department of Psychology, Boston College, Boston, MA, USA", "Boston College",
         "Department of Psychology, Boston College"),
        ("Chinese Acad Sci, Inst Psychol, Beijing 100101, Peoples R China.", "Chinese Acad Sci",
         "Chinese Acad Sci, Inst Psychol"),
    ],
)  # fmt: skip
def test_institution_levels(text, top, department):
    assert institution(text) == top
    assert institution(text, level="department") == department


def test_thesaurus_applies_to_affiliation_and_institution():
    th = {"北京大学光华管理学院": "光华", "清华大学": "Tsinghua"}
    assert institution("北京大学光华管理学院", thesaurus=th) == "光华"
    assert institution("清华大学经管学院", thesaurus=th) == "Tsinghua"
    assert clean_affiliation("湖北武汉430074") == ""


def test_countries_and_author_keys():
    assert country("Harvard Univ, Sch Med, Boston, MA 02115 USA.") == "USA"
    assert country("Univ Edinburgh, Edinburgh, Midlothian, Scotland.") == "UK"
    assert country("清华大学经济管理学院") == ""
    assert author_key("Li, X.") == author_key("LI, X") != author_key("Li, Xin")
    assert author_key("王 伟") == "王伟"


def test_reference_styles_are_one_work_and_a_shared_cut_doi_is_not():
    g = group_references([
        "Court-Brown CM, 2006, INJURY, V37, P691, DOI 10.1016/j.injury.2006.04.130",
        "Court-Brown Charles M, 2006, Injury, V37, P691",
        "COURT-BROWN CM, 2006, INJURY-INT J CARE INJURED, V37, P691, DOI 10.1016/J.INJURY.2006.04.130",
        "Jones KB, 2005, J BONE JOINT SURG BR, V87B, P489, DOI 10.1302/0301-620X.87B4",
        "Little CP, 2005, J BONE JOINT SURG BR, V87B, P437, DOI 10.1302/0301-620X.87B4",
    ])  # fmt: skip
    assert len(set(g.values())) == 3
    r = parse_reference("Arnold Paul M, 2009, Am J Orthop (Belle Mead NJ), V38, pE115")
    assert (r.volume, r.page, r.source) == ("38", "E115", "Am J Orthop (Belle Mead NJ)")


def test_homonyms_stay_one_without_institutions():
    labels, amb = split_homonyms([["王伟"], ["王伟"]], [[[]], [[]]])
    assert labels == [["王伟"], ["王伟"]] and amb == []
    terms, report = entity_terms("author", [EntityRecord(["王伟"], []), EntityRecord(["王伟"], [])])
    assert terms == [["王伟"], ["王伟"]] and report.ambiguous == []
