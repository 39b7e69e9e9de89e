"""``zhagen stats``: every number against its formula on constructed cases (worked by hand)
and against an independent count of the real CNKI and WoS exports in ../shared/corpora.

The independent counts parse the export files here, with their own few lines of code (not
zhagen's readers); the only thing taken from zhagen is which records are duplicates (that
rule is tested in test_dedup.py).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import zhagen
from test_map_nodes import _my_top  # the independent top-level institution of issue 13
from zhagen.biblio.laws import annual_trend, bradford_zones, h_index, lotka_fit, price_core
from zhagen.biblio.stats import BiblioRecord, bibliometrics

# --------------------------------------------------------------------------- constructed cases


def _records(spec: list[tuple[list[str], str, int | None]]) -> list[BiblioRecord]:
    return [BiblioRecord(id=i, year=2020, authors=tuple(a), venue=v, times_cited=tc)
            for i, (a, v, tc) in enumerate(spec, 1)]  # fmt: skip


def test_price_core_on_a_constructed_case():
    # 20 records. A writes 16 of them, B 5, C 3, D 2, E and F 1 each.
    # By hand: n_max = 16, m = 0.749 * 4 = 2.996, so the core is authors with >= 3 records:
    # A (16), B (5), C (3); their records sum to 24; 24 / 20 = 120 %.
    # Records with at least one core author: the 16 of A plus B's records without A (2 of
    # them, r17 and r18) = 18 -> 90 %.
    spec: list[list[str]] = [["A"] for _ in range(16)] + [["B"], ["B", "D"], ["E"], ["F", "D"]]
    for i in range(3):
        spec[i].append("B")  # B: records 1-3 (with A), 17, 18 -> 5
    for i in (3, 4, 5):
        spec[i].append("C")  # C: 3 records, all with A
    b = bibliometrics(_records([(a, "J", None) for a in spec]))
    p = b.price
    assert p.n_max == 16
    assert p.threshold == pytest.approx(2.996)
    assert p.min_records == 3
    assert p.core == [("A", 16), ("B", 5), ("C", 3)]
    assert p.core_records == 24
    assert p.share == pytest.approx(1.2)
    assert p.papers_with_core == 18
    assert p.papers_share == pytest.approx(0.9)


def test_price_threshold_exactly_on_an_integer_keeps_the_author():
    # n_max = 16 -> m = 2.996; with n_max such that m is whole there is no float slip:
    # 0.749 * sqrt(n) is never whole for integer n, so check the rounding of ⌈m⌉ near 3.
    p = price_core({"a": 16, "b": 3, "c": 2}, n_records=16)
    assert [a for a, _ in p.core] == ["a", "b"]


def test_lotka_exact_inverse_square():
    # f(x) = 36 / x^2: 36 authors with 1 record, 9 with 2, 4 with 3, 1 with 6.
    counts: dict[str, int] = {}
    for x, f in ((1, 36), (2, 9), (3, 4), (6, 1)):
        for k in range(f):
            counts[f"{x}-{k}"] = x
    fit = lotka_fit(counts)
    assert fit.exponent == pytest.approx(2.0)
    assert fit.c == pytest.approx(36.0)
    assert fit.r2 == pytest.approx(1.0)
    assert fit.authors == 50
    assert fit.single_share == pytest.approx(36 / 50)


def test_lotka_against_numpy_on_an_irregular_case():
    counts = {f"a{i}": x for i, x in enumerate([1] * 20 + [2] * 7 + [3] * 2 + [5])}
    fit = lotka_fit(counts)
    xs, fs = np.array([1, 2, 3, 5.0]), np.array([20, 7, 2, 1.0])
    slope, intercept = np.polyfit(np.log(xs), np.log(fs), 1)
    r = np.corrcoef(np.log(xs), np.log(fs))[0, 1]
    assert fit.exponent == pytest.approx(-slope, abs=1e-4)
    assert fit.c == pytest.approx(math.exp(intercept), rel=1e-4)
    assert fit.r2 == pytest.approx(r * r, abs=1e-4)


def test_bradford_zones_by_hand():
    # 30 records over 11 venues: 10, 5, 5, 3, 2, 1 x 5 (+ 0 records: left out)
    counts = {"V1": 10, "V2": 5, "V3": 5, "V4": 3, "V5": 2, "V6": 1, "V7": 1, "V8": 1,
              "V9": 1, "V10": 1, "V11": 0}  # fmt: skip
    z = bradford_zones(counts)
    # cumulative 10 (= 30/3: zone 1 ends at V1), 15, 20 (= 2·30/3: zone 2 ends at V3), rest
    assert [[v for v, _ in zone] for zone in z.zones] == [
        ["V1"], ["V2", "V3"], ["V4", "V5", "V10", "V6", "V7", "V8", "V9"]]  # fmt: skip
    assert z.records == [10, 10, 10]
    assert z.ratios == [2.0, 3.5]
    assert z.multiplier == pytest.approx(2.75)


def test_bradford_one_dominant_venue_has_no_multiplier():
    z = bradford_zones({"A": 10, "B": 1})
    assert [len(v) for v in z.zones] == [1, 0, 1]
    assert z.multiplier is None


def test_h_index_by_hand():
    assert h_index([10, 8, 5, 4, 3]) == 4
    assert h_index([1, 1, 1]) == 1
    assert h_index([0, 0]) == 0
    assert h_index([100]) == 1


def test_author_h_index_and_most_cited():
    spec = [
        (["A", "B"], "J", 10),
        (["A"], "J", 7),
        (["A"], "K", 2),
        (["B"], "K", 1),
        (["C"], "K", 0),
    ]
    b = bibliometrics(_records(spec))
    h = {a: hh for a, _, hh in b.authors}
    assert h == {"A": 2, "B": 1, "C": 0}  # A: 10, 7, 2 -> 2; B: 10, 1 -> 1
    assert [d["times_cited"] for d in b.most_cited] == [10, 7, 2, 1, 0]


def test_trend_fits_by_hand():
    # y = 3·2^t exactly: r = ln 2, A = 3, R² = 1, doubling time 1 year
    t = annual_trend({2000: 3, 2001: 6, 2002: 12, 2003: 24})
    assert t.exponential.rate == pytest.approx(math.log(2), abs=1e-4)
    assert t.exponential.a == pytest.approx(3.0, abs=1e-4)
    assert t.exponential.r2 == pytest.approx(1.0)
    assert t.exponential.doubling_years == pytest.approx(1.0)
    # linear by hand on t = 0..3, y = 3, 6, 12, 24: slope = Σ(t-1.5)(y-11.25)/Σ(t-1.5)² = 34.5/5
    assert t.linear.slope == pytest.approx(6.9)
    assert t.linear.intercept == pytest.approx(11.25 - 6.9 * 1.5)


def test_no_records_gives_empty_stats_not_an_error():
    b = bibliometrics([])
    assert b.records == 0 and b.trend.years == [] and b.price.core == []
    assert b.lotka.exponent is None and b.bradford.multiplier is None
    json.dumps(b.to_json(), allow_nan=False)


# --------------------------------------------------------------------------- real exports


def _refworks(path: Path) -> list[dict[str, list[str]]]:
    """Records of a CNKI RefWorks export: tag → values (A1/AD split on ';')."""
    recs: list[dict[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.rstrip("\r")
        if line.startswith("RT "):
            recs.append({})
        if len(line) < 3 or line[2] != " " or not recs:
            continue
        tag, value = line[:2], line[3:].strip()
        parts = [v.strip() for v in value.split(";")] if tag in ("A1", "AD") else [value]
        recs[-1].setdefault(tag, []).extend(p for p in parts if p)
    return recs


def _wos(path: Path) -> list[dict[str, list[str]]]:
    """Records of a WoS plain-text export: tag → lines."""
    recs: list[dict[str, list[str]]] = []
    cur: dict[str, list[str]] | None = None
    tag = ""
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("ER"):
            recs.append(cur or {})
            cur = None
            continue
        if line[:2].strip() and line[2:3] == " ":
            tag = line[:2]
            if tag == "PT":
                cur = {}
            if cur is not None:
                cur.setdefault(tag, []).append(line[3:].strip())
        elif line.startswith("   ") and cur is not None:
            cur.setdefault(tag, []).append(line.strip())
    return recs


def _project(tmp_path: Path, source: Path) -> zhagen.Project:
    p = zhagen.Project.create(tmp_path / "p.zhagen")
    p.add([source])
    return p


def _kept(project: zhagen.Project) -> set[int]:
    """Record numbers (1-based, file order) that the project keeps (not duplicates)."""
    import pandas as pd

    docs = project.documents()
    return {int(r) for r, d in zip(docs["record"], docs["duplicate_of"], strict=True) if pd.isna(d)}


def _loaded(corpora: Path, factory: pytest.TempPathFactory, rel: str, parse):
    path = corpora / rel
    project = _project(factory.mktemp("p"), path)
    kept = _kept(project)
    return project, [r for i, r in enumerate(parse(path), 1) if i in kept]


@pytest.fixture(scope="module")
def cnki(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    project, raw = _loaded(corpora, tmp_path_factory, "cnki/refworks_2024_298.txt", _refworks)
    yield project, raw
    project.close()


@pytest.fixture(scope="module")
def wos(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    project, raw = _loaded(corpora, tmp_path_factory, "wos/plaintext_344_fullrecord.txt", _wos)
    yield project, raw
    project.close()


def test_cnki_counts_equal_an_independent_count(cnki):
    project, raw = cnki
    s = project.stats(top=10_000).to_json()
    assert s["records"]["value"] == len(raw) == 298
    years = Counter(int(r["YR"][0]) for r in raw if r.get("YR") and r["YR"][0])
    assert s["records"]["undated"] == len(raw) - sum(years.values())
    got_years = {y["year"]: y["records"] for y in s["annual_output"]["years"]}
    assert {y: c for y, c in got_years.items() if c} == dict(years)
    authors = Counter(a for r in raw for a in dict.fromkeys(r.get("A1", [])))
    assert {a["author"]: a["records"] for a in s["authors"]["top"]} == dict(authors)
    assert s["authors"]["distinct"] == len(authors)
    # institutions are top-level, as the institution map counts them (one definition)
    tops = (dict.fromkeys(_my_top(a) for a in r.get("AD", [])) for r in raw)
    insts = Counter(i for top in tops for i in top if i)
    assert {i["institution"]: i["records"] for i in s["institutions"]["top"]} == dict(insts)
    venues = Counter(r["JF"][0] for r in raw if r.get("JF") and r["JF"][0])
    assert {v["venue"]: v["records"] for v in s["venues"]["top"]} == dict(venues)
    # CNKI carries no references and no citation counts: said, not invented
    assert s["cited_references"]["available"] is False and s["cited_references"]["top"] == []
    assert s["most_cited"]["available"] is False
    assert any("CR" in n["en"] for n in s["notes"])
    # the laws, recomputed from the independent counts
    n_max = max(authors.values())
    m = 0.749 * math.sqrt(n_max)
    core = {a for a, c in authors.items() if c >= m}
    assert s["price"]["n_max"] == n_max and s["price"]["core_authors"] == len(core)
    assert s["price"]["core_share"] == pytest.approx(
        sum(authors[a] for a in core) / len(raw), abs=1e-4
    )
    dist = Counter(authors.values())
    xs = np.log(sorted(dist))
    fs = np.log([dist[x] for x in sorted(dist)])
    slope, _ = np.polyfit(xs, fs, 1)
    assert s["lotka"]["exponent_n"] == pytest.approx(-slope, abs=1e-4)


def test_cnki_trend_equals_numpy(cnki):
    project, _ = cnki
    s = project.stats().to_json()["annual_output"]
    years = np.array([y["year"] for y in s["years"]], float)
    counts = np.array([y["records"] for y in s["years"]], float)
    t = years - years[0]
    b, a = np.polyfit(t, counts, 1)
    r2 = 1 - ((counts - a - b * t) ** 2).sum() / ((counts - counts.mean()) ** 2).sum()
    assert s["linear"]["slope"] == pytest.approx(b, abs=1e-4)
    assert s["linear"]["intercept"] == pytest.approx(a, abs=1e-4)
    assert s["linear"]["r2"] == pytest.approx(r2, abs=1e-4)
    pos = counts > 0
    rate, ln_a = np.polyfit(t[pos], np.log(counts[pos]), 1)
    assert s["exponential"]["rate"] == pytest.approx(rate, abs=1e-4)
    assert s["exponential"]["a"] == pytest.approx(math.exp(ln_a), rel=1e-3)


def test_wos_counts_equal_an_independent_count(wos):
    project, raw = wos
    s = project.stats(top=100_000).to_json()
    assert s["records"]["value"] == len(raw) == 343
    authors = Counter(a for r in raw for a in dict.fromkeys(r.get("AF") or r.get("AU", [])))
    assert {a["author"]: a["records"] for a in s["authors"]["top"]} == dict(authors)
    venues = Counter(" ".join(r["SO"]) for r in raw)  # a long title continues on the next line
    assert {v["venue"]: v["records"] for v in s["venues"]["top"]} == dict(venues)
    # times cited and the authors' h-index within the data
    tc = {" ".join(r["TI"]): int(r["TC"][0]) for r in raw}
    assert s["most_cited"]["available"] is True
    top_tc = sorted((int(r["TC"][0]) for r in raw), reverse=True)
    assert [d["times_cited"] for d in s["most_cited"]["top"]] == top_tc
    cites: dict[str, list[int]] = {}
    for r in raw:
        for a in dict.fromkeys(r.get("AF") or r.get("AU", [])):
            cites.setdefault(a, []).append(int(r["TC"][0]))

    def h(cs: list[int]) -> int:  # the definition, written out
        return max([0] + [k for k in range(1, len(cs) + 1) if sum(c >= k for c in cs) >= k])

    assert {a["author"]: a["h_index"] for a in s["authors"]["top"]} == {
        a: h(c) for a, c in cites.items()
    }
    assert len(tc) > 300
    # cited references: records citing each reference (same string up to spaces and case)
    refs = Counter(k for r in raw for k in {" ".join(c.split()).upper() for c in r.get("CR", [])})
    got = {d["reference"].upper(): d["citing_records"] for d in s["cited_references"]["top"]}
    assert got == dict(refs)
    # Bradford zones: every venue once, zone 1 the shortest run reaching a third
    zones = s["bradford"]["zones"]
    assert sum(z["venues"] for z in zones) == len(venues)
    assert sum(z["records"] for z in zones) == len(raw)
    z1 = zones[0]["members"]
    assert 3 * sum(v["records"] for v in z1) >= len(raw) > 3 * sum(v["records"] for v in z1[:-1])


def test_stats_scope_by_doc_ids(wos):
    project, _ = wos
    ids = project.documents.find(year=2022, limit=1000).ids
    s = project.stats(doc_ids=ids).to_json()
    assert s["records"]["value"] == len(ids) > 0
    assert [y["year"] for y in s["annual_output"]["years"]] == [2022]


def test_stats_files(wos, tmp_path):
    project, _ = wos
    files = project.stats(top=10).write(tmp_path)
    names = {f.name for f in files}
    assert {"stats.json", "stats_tables.xlsx", "stats_tables.docx", "annual_output.png",
            "annual_output.svg", "lotka.png"} <= names  # fmt: skip
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "stats_tables.xlsx")
    assert "高产作者" in wb.sheetnames and "说明" in wb.sheetnames
    assert wb["高产作者"].max_row == 11  # header + top 10
    with zipfile.ZipFile(tmp_path / "stats_tables.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "普赖斯定律" in xml and "m = 0.749·√n_max" in xml  # each number's definition
    assert xml.count("<w:tbl>") == 9
    assert 'w:insideV w:val="nil"' in xml  # three-line tables


def test_cli_stats_json_is_one_document(cnki, tmp_path):
    project, _ = cnki
    out = subprocess.run(
        [sys.executable, "-m", "zhagen", "stats", project.path, "--out", str(tmp_path / "s"),
         "--format", "json", "--top", "5"],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    doc = json.loads(out.stdout)
    assert doc["records"]["value"] == 298
    assert len(doc["authors"]["top"]) == 5
    assert any(f.endswith("annual_output.png") for f in doc["files"])


def test_cli_stats_rejects_bad_top(cnki):
    project, _ = cnki
    out = subprocess.run([sys.executable, "-m", "zhagen", "stats", project.path, "--top", "0"],
                         capture_output=True, text=True, encoding="utf-8")  # fmt: skip
    assert out.returncode != 0
    assert "top" in out.stderr
