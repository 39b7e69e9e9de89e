"""``project.map`` / ``zhagen map`` end to end on the real exports (issue 3's correctness list)."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import zhagen
from zhagen.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _raw_refworks_keywords(path: Path, dated_only: bool = False) -> list[list[str]]:
    """An independent count: every record's K1 keywords, straight from the file (with
    ``dated_only``, only of the records with a year ``YR``)."""
    records = []
    for block in path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\nRT ")[0:]:
        kws: list[str] = []
        lines = block.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("K1 "):
                kws = line[3:].split(";")
                # the continuation line (English keywords) has no tag
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if nxt and not nxt[:3].rstrip().isupper() and nxt[2:3] != " ":
                    kws += nxt.split(";")
        norm = [k.strip().lower() if k.strip().isascii() else k.strip() for k in kws]
        if dated_only and not any(line.startswith("YR ") and line[3:].strip() for line in lines):
            continue
        records.append(list(dict.fromkeys(k for k in norm if k)))
    return records


@pytest.fixture(scope="module")
def refworks_project(tmp_path_factory, corpora):
    path = tmp_path_factory.mktemp("map") / "p.zhagen"
    project = zhagen.Project.create(path)
    project.add(corpora / "cnki" / "refworks_2024_298.txt")
    yield project
    project.close()


def test_frequencies_and_cooccurrence_equal_an_independent_count(refworks_project, corpora):
    km = refworks_project.map(keep_duplicates=True, top=1000, min_freq=1)
    # records without a year are reported and left out of every count (issue 13)
    raw = _raw_refworks_keywords(corpora / "cnki" / "refworks_2024_298.txt", dated_only=True)
    assert len(raw) == km.summary["records"] == 298 - km.summary["records_without_year"]
    assert km.summary["records_without_year"] > 0
    freq = Counter(k for rec in raw for k in rec)
    pairs = Counter(p for rec in raw for p in itertools.combinations(sorted(rec), 2))
    nodes = km.nodes.set_index("label")
    assert len(nodes) > 50
    for label, row in nodes.iterrows():
        assert row["frequency"] == freq[label], label
    ids = dict(zip(km.nodes["id"], km.nodes["label"], strict=True))
    assert len(km.edges) > 100
    for e in km.edges.itertuples():
        a, b = sorted((ids[e.source], ids[e.target]))
        assert e.count == pairs[(a, b)], (a, b)


def test_thesaurus_merges_before_counting(refworks_project, tmp_path):
    base = refworks_project.map(keep_duplicates=True, top=1000, min_freq=1, record=False)
    f = base.nodes.set_index("label")["frequency"]
    a, b = "虚拟现实", "虚拟现实技术"
    thesaurus = tmp_path / "thesaurus.txt"
    thesaurus.write_text(f"# merge\n{b}\t{a}\n", encoding="utf-8")
    merged = refworks_project.map(
        keep_duplicates=True, top=1000, min_freq=1, thesaurus=str(thesaurus), record=False
    )
    g = merged.nodes.set_index("label")["frequency"]
    assert b not in g.index
    both = sum(1 for d in refworks_project.documents().itertuples() if {a, b} <= set(d.keywords))
    assert g[a] == f[a] + f[b] - both


def test_modularity_matches_networkx_and_same_seed_same_map(refworks_project):
    km = refworks_project.map(record=False)
    graph = nx.Graph()
    graph.add_nodes_from(km.nodes["id"])
    graph.add_weighted_edges_from(
        km.edges[["source", "target", "strength"]].itertuples(index=False)
    )
    parts = [set(g["id"]) for _c, g in km.nodes.groupby("cluster")]
    q = nx.algorithms.community.modularity(graph, parts, weight="weight")
    assert km.summary["modularity"] == pytest.approx(q, abs=1e-6)  # summary keeps 6 decimals
    again = refworks_project.map(record=False)
    pd.testing.assert_frame_equal(km.nodes, again.nodes)
    pd.testing.assert_frame_equal(km.edges, again.edges)


def test_government_reports_new_quality_productive_forces_bursts_in_2024(tmp_path, corpora):
    project = zhagen.Project.create(tmp_path / "gov.zhagen")
    project.add(corpora / "policy" / "government_work_reports.jsonl")
    # With one report per year and 3 mentions in all, Kleinberg's entry cost γ·ln(72) = 4.28
    # at γ = 1 exceeds the largest possible gain 3·ln 2 (see mapping/burst.py): a lower γ is
    # the documented way to see short bursts in a small raw-text corpus.
    # Bursts are of the map's nodes by default (as CiteSpace, issue 13); 新质生产力, in two
    # reports, is not among the 60 most frequent terms of 2024, so all terms are asked for.
    km = project.map(burst_gamma=0.3, top=60, burst_terms="all")
    bursts = km.bursts.set_index("term")
    assert "新质生产力" in bursts.index
    assert bursts.at["新质生产力", "begin"] == 2024
    default = project.map(top=60, burst_terms="all", record=False)  # γ = 1
    assert "新质生产力" not in set(default.bursts["term"])  # the arithmetic above, checked
    same = project.map(burst_gamma=0.3, top=60, burst_terms="all", record=False)
    pd.testing.assert_frame_equal(km.nodes, same.nodes)


def test_cli_map_writes_every_file_and_records_the_run(tmp_path, capsys):
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    main(["add", proj, str(EXAMPLES / "cnki")])
    out = tmp_path / "map"
    assert (
        main(["map", proj, "--out", str(out), "--prune", "pathfinder", "--link", "association"])
        == 0
    )
    assert "Q=" in capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    assert {
        "nodes.csv",
        "edges.csv",
        "clusters.csv",
        "bursts.csv",
        "bursts.png",
        "summary.json",
        "map.png",
        "map.svg",
        "timeline.png",
        "map.html",
        "tables.xlsx",
        "network.graphml",
        "network.gexf",
        "network.net",
        "vosviewer_map.txt",
        "vosviewer_network.txt",
    } <= names
    assert (out / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["params"]["prune"] == "pathfinder" and summary["params"]["link"] == "association"
    assert summary["project_sources_sha256"] and summary["input_hash"]
    with zhagen.open(proj) as p:
        runs = p.runs("map")
        assert len(runs) == 1 and runs["params"][0]["prune"] == "pathfinder"


@pytest.mark.parametrize(
    "setup, words",
    [
        ("empty", ("no record", "没有")),
        ("one", ("min_freq",)),  # with --min-freq 2: there is no floor by default
    ],
)
def test_degenerate_projects_give_clear_messages(tmp_path, capsys, setup, words):
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    if setup == "one":
        one = tmp_path / "one.txt"
        src = (EXAMPLES / "cnki" / "sample_refworks.txt").read_text(encoding="utf-8")
        one.write_text(src.split("\n\n")[0], encoding="utf-8")
        main(["add", proj, str(one)])
    capsys.readouterr()
    floor = ["--min-freq", "2"] if setup == "one" else []
    assert main(["map", proj, "--out", str(tmp_path / "m"), *floor]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert any(w in err for w in words), err


def test_one_record_with_min_freq_1_and_records_without_years(tmp_path):
    project = zhagen.Project.create(tmp_path / "p.zhagen")
    (tmp_path / "a.txt").write_text(
        "创新联合体推动新质生产力发展。数字经济赋能产业升级。", encoding="utf-8"
    )
    project.add(tmp_path / "a.txt")
    km = project.map(min_freq=1, record=False)
    assert len(km.nodes) >= 2 and km.summary["records_without_year"] == 1
    assert km.bursts.empty
    km.write(tmp_path / "out")
    assert (tmp_path / "out" / "map.png").stat().st_size > 0


def _wos_keywords(path: Path) -> list[set[str]]:
    """An independent read of a WoS export: each dated record's DE and ID keywords
    (continuation lines joined), normalised as CiteSpace counts them."""
    records, cur, tag = [], None, None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("ER"):
            records.append(cur or {})
            cur = None
        elif line[:2].strip() and line[2:3] == " ":
            tag = line[:2]
            cur = cur if cur is not None else {}
            cur.setdefault(tag, []).append(line[3:])
        elif line.startswith("   ") and cur is not None and tag:
            cur[tag].append(line[3:])
    out = []
    for r in records:
        if not "".join(r.get("PY", [])).strip():
            continue
        kws = set()
        for t in ("DE", "ID"):
            text = " ".join(r.get(t, []))
            kws |= {" ".join(k.lower().split()) for k in text.split(";") if k.strip()}
        out.append(kws)
    return out


def test_thesaurus_labels_are_normalised_like_keywords(tmp_path, corpora):
    """Issue 13: a line ``Knowledge Discovery<TAB>知识发现`` had no effect, because keywords
    are counted lower-cased and the thesaurus was matched as written."""
    path = corpora / "wos" / "plaintext_344_fullrecord.txt"
    project = zhagen.Project.create(tmp_path / "wos.zhagen")
    project.add(path)
    thesaurus = tmp_path / "thesaurus.txt"
    thesaurus.write_text("Open Reduction\t切开复位\nFractures\tFracture\n", encoding="utf-8")
    km = project.map(top=100000, thesaurus=str(thesaurus), keep_duplicates=True, record=False)
    freq = km.nodes.set_index("label")["frequency"]
    raw = _wos_keywords(path)
    assert len(raw) == km.summary["records"]
    assert "open reduction" not in freq.index and "fractures" not in freq.index
    assert freq["切开复位"] == sum("open reduction" in r for r in raw) > 30
    # the replacement "Fracture" is normalised too, so it joins the keyword "fracture"
    assert freq["fracture"] == sum(bool({"fracture", "fractures"} & r) for r in raw)
    assert freq["fracture"] > sum("fracture" in r for r in raw)


def test_cluster_labels_from_titles_and_keywords_differ_by_method(refworks_project):
    """Issue 13: labels drawn from member keywords alone gave LLR, TF-IDF and MI the same
    three words in 9 of 9 clusters. From the clusters' records' title noun phrases and
    keywords, as CiteSpace labels them, the three methods choose differently."""
    km = refworks_project.map(record=False)
    old = refworks_project.map(label_source="keywords", record=False)
    assert km.summary["params"]["label_source"] == "titles+keywords"

    def differing(m) -> int:
        big = m.clusters[m.clusters["size"] >= 3]
        return sum(len({r.label_llr, r.label_tfidf, r.label_mi}) > 1 for r in big.itertuples())

    assert differing(km) > differing(old)
    assert differing(km) >= 5
    keywords = {k for d in refworks_project.documents().itertuples() for k in d.keywords}
    words = {w for col in ("label_llr", "label_tfidf", "label_mi")
             for lab in km.clusters[col] for w in lab.split("; ") if w}  # fmt: skip
    from_titles = words - keywords
    assert from_titles  # phrases that are no record's keyword came from the titles
    titles = [d.title for d in refworks_project.documents().itertuples()]
    for w in from_titles:
        assert sum(w in t or w in t.lower() for t in titles) >= 2, w  # in two titles at least
