"""build_map end to end (zhagen.mapping.pipeline), on small inputs and on real policy texts."""

from __future__ import annotations

import json
import math
from collections import Counter
from itertools import combinations
from pathlib import Path

import graspologic_native  # noqa: F401 - a dependency: a broken install fails here
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from zhagen.errors import InputError, ParameterError
from zhagen.mapping import build_map
from zhagen.mapping.model import (
    BURST_COLUMNS,
    CLUSTER_COLUMNS,
    EDGE_COLUMNS,
    NODE_COLUMNS,
    MapInput,
    MapParams,
)
from zhagen.mapping.pipeline import input_hash

SMALL = MapInput(
    doc_ids=[10, 11, 12, 13, 14],
    years=[2020, 2020, 2021, 2022, None],
    terms=[
        ["创新", "新质生产力"],
        ["创新", "改革"],
        ["创新", "新质生产力", "改革"],
        ["新质生产力"],
        ["改革", "开放"],
    ],  # fmt: skip
    titles=["甲", "乙", "丙", "丁", "戊"],
)


def random_input(seed: int, n: int = 400, vocab: int = 40) -> MapInput:
    rng = np.random.default_rng(seed)
    words = [f"词{k}" for k in range(vocab)]
    p = 1.0 / np.arange(1, vocab + 1)
    p /= p.sum()
    terms = [sorted(set(rng.choice(words, size=rng.integers(1, 6), p=p).tolist()))
             for _ in range(n)]  # fmt: skip
    years = [int(y) for y in rng.integers(2010, 2020, size=n)]
    return MapInput(list(range(n)), years, terms, [f"t{k}" for k in range(n)])


def test_small_map_by_hand() -> None:
    km = build_map(SMALL, MapParams(min_freq=1, link="count"))
    nodes = km.nodes
    assert list(nodes.columns) == NODE_COLUMNS
    assert list(km.edges.columns) == EDGE_COLUMNS
    assert list(km.clusters.columns) == CLUSTER_COLUMNS
    assert list(km.bursts.columns) == BURST_COLUMNS
    # ids by frequency, then code point. The undated record 14 (改革, 开放) lies in no time
    # slice and, since issue 13, in no count either (zhagen <= 0.4 counted it in the
    # frequencies and links): 改革 has frequency 2 and 开放 is not a node.
    assert nodes["label"].tolist() == ["创新", "新质生产力", "改革"]
    assert nodes["frequency"].tolist() == [3, 3, 2]
    edges = {
        (s, t): c for s, t, c in km.edges[["source", "target", "count"]].itertuples(index=False)
    }
    # slice 2020: 10 (创新, 新质生产力), 11 (创新, 改革); slice 2021: 12 (all three)
    assert edges == {(0, 1): 2, (0, 2): 2, (1, 2): 1}
    assert (km.edges["source"] < km.edges["target"]).all()
    assert nodes["degree"].tolist() == [2, 2, 2]
    assert nodes["weighted_degree"].tolist() == [4.0, 3.0, 3.0]
    assert nodes["first_year"].tolist() == [2020, 2020, 2020]
    assert km.node_docs == {0: [10, 11, 12], 1: [10, 12, 13], 2: [11, 12]}
    assert km.term_years["新质生产力"] == {2020: 1, 2021: 1, 2022: 1}
    assert km.year_span == (2020, 2022)
    assert 14 not in km.doc_titles and km.doc_titles[13] == "丁"
    s = km.summary
    assert (s["records"], s["records_with_terms"], s["records_without_year"]) == (4, 4, 1)
    assert (s["nodes"], s["edges"]) == (3, 3)
    assert s["params"] == MapParams(min_freq=1, link="count").to_dict()
    assert s["input_hash"] == input_hash(SMALL) and len(s["input_hash"]) == 64
    assert json.dumps(s, allow_nan=False)  # summary.json must be plain JSON


def test_cosine_strengths() -> None:
    km = build_map(SMALL, MapParams(min_freq=1))
    row = km.edges[(km.edges.source == 0) & (km.edges.target == 1)].iloc[0]
    assert row["strength"] == pytest.approx(2 / math.sqrt(3 * 3))


@pytest.mark.parametrize("seed", [0, 1])
def test_counts_equal_independent_count(seed: int) -> None:
    inp = random_input(seed)
    km = build_map(inp, MapParams(min_freq=1, top=1000, link="count"))
    freq = Counter(t for ts in inp.terms for t in ts)
    pairs = Counter(p for ts in inp.terms for p in combinations(sorted(ts), 2))
    labels = km.nodes["label"].tolist()
    assert dict(zip(labels, km.nodes["frequency"].tolist(), strict=True)) == dict(freq)
    got = {
        tuple(sorted((labels[s], labels[t]))): c
        for s, t, c in km.edges[["source", "target", "count"]].itertuples(index=False)
    }
    assert got == dict(pairs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reported_q_and_silhouette_recomputed(seed: int) -> None:
    from sklearn import metrics

    # the old, network-distance silhouette, kept as silhouette="network"
    km = build_map(random_input(seed), MapParams(min_freq=1, top=15, seed=seed,
                                                 silhouette="network"))  # fmt: skip
    g = nx.Graph()
    g.add_nodes_from(km.nodes["id"])
    for s, t, w in km.edges[["source", "target", "strength"]].itertuples(index=False):
        g.add_edge(int(s), int(t), weight=float(w))
    labels = km.nodes["cluster"].to_numpy()
    comms = [set(np.flatnonzero(labels == c).tolist()) for c in km.clusters["id"]]
    q = nx.community.modularity(g, comms, weight="weight", resolution=1.0)
    assert km.summary["modularity"] == pytest.approx(q, abs=1e-6)
    n = len(km.nodes)
    d = np.ones((n, n))
    smax = km.edges["strength"].max()
    src, dst = km.edges["source"].to_numpy(), km.edges["target"].to_numpy()
    d[src, dst] = d[dst, src] = 1 - km.edges["strength"].to_numpy() / smax
    np.fill_diagonal(d, 0)
    sil = metrics.silhouette_samples(d, labels, metric="precomputed")
    assert km.summary["silhouette"] == pytest.approx(sil.mean(), abs=1e-6)
    per = [sil[labels == c].mean() for c in km.clusters["id"]]
    assert np.allclose(km.clusters["silhouette"], per, atol=1e-6)
    assert km.clusters["size"].tolist() == sorted(km.clusters["size"], reverse=True)
    assert sum(km.clusters["size"]) == n
    members = [m for ms in km.clusters["members"] for m in ms]
    assert sorted(members) == list(range(n))


def _spectral_rows(km) -> np.ndarray:
    """Chen et al. (2010)'s space, computed independently: networkx's adjacency of the
    unpruned similarity network, numpy's dense eigh of D^-1/2 A D^-1/2, the k leading
    eigenvectors (k = clusters of two or more nodes), rows scaled to length 1."""
    g = nx.Graph()
    g.add_nodes_from(km.nodes["id"])
    for s, t, w in km.edges[["source", "target", "strength"]].itertuples(index=False):
        g.add_edge(int(s), int(t), weight=float(w))
    a = nx.to_numpy_array(g, nodelist=sorted(g.nodes), weight="weight")
    d = a.sum(axis=1)
    inv = np.zeros_like(d)
    inv[d > 0] = d[d > 0] ** -0.5
    vals, vecs = np.linalg.eigh(inv[:, None] * a * inv[None, :])
    k = int((km.clusters["size"] > 1).sum())
    u = vecs[:, np.argsort(vals)[::-1][:k]]
    u[d == 0] = 0
    norm = np.linalg.norm(u, axis=1, keepdims=True)
    return np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spectral_silhouette_equals_sklearn_in_the_spectral_space(seed: int) -> None:
    from sklearn import metrics

    km = build_map(random_input(seed), MapParams(min_freq=1, top=15, seed=seed))
    assert km.summary["params"]["silhouette"] == "spectral"  # the default
    labels = km.nodes["cluster"].to_numpy()
    sil = metrics.silhouette_samples(_spectral_rows(km), labels)
    assert km.summary["silhouette"] == pytest.approx(sil.mean(), abs=1e-6)
    per = [sil[labels == c].mean() for c in km.clusters["id"]]
    assert np.allclose(km.clusters["silhouette"], per, atol=1e-6)
    assert "eigenvectors" in km.summary["silhouette_definition"]


def test_same_seed_same_map_and_record_order_irrelevant() -> None:
    inp = random_input(5)
    a = build_map(inp, MapParams(seed=3, prune="pathfinder"))
    b = build_map(inp, MapParams(seed=3, prune="pathfinder"))
    for name in ("nodes", "edges", "clusters", "bursts"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.summary == b.summary
    order = np.random.default_rng(0).permutation(len(inp.doc_ids))
    shuffled = MapInput([inp.doc_ids[k] for k in order], [inp.years[k] for k in order],
                        [inp.terms[k] for k in order], [inp.titles[k] for k in order])  # fmt: skip
    c = build_map(shuffled, MapParams(seed=3, prune="pathfinder"))
    pd.testing.assert_frame_equal(a.edges, c.edges)
    assert a.nodes["label"].tolist() == c.nodes["label"].tolist()


@pytest.mark.parametrize("prune", ["mst", "pathfinder"])
def test_pruning(prune: str) -> None:
    inp = random_input(2)
    full = build_map(inp, MapParams(min_freq=1, top=20))
    pruned = build_map(inp, MapParams(min_freq=1, top=20, prune=prune))
    assert len(pruned.edges) < len(full.edges)
    g = nx.Graph(list(pruned.edges[["source", "target"]].itertuples(index=False)))
    g.add_nodes_from(pruned.nodes["id"])
    if prune == "mst":
        assert nx.is_forest(g)
        assert len(pruned.edges) == len(g) - nx.number_connected_components(g)
    assert pruned.summary["edges_before_pruning"] == len(full.edges)


def test_selection_criteria() -> None:
    inp = random_input(3)
    top = build_map(inp, MapParams(top=3, min_freq=1))
    pct = build_map(inp, MapParams(top=None, top_percent=10, min_freq=1))
    gix = build_map(inp, MapParams(top=None, g_index=1, min_freq=1))
    gix25 = build_map(inp, MapParams(top=None, g_index=25, min_freq=1))
    assert all(sl["selected"] <= 3 for sl in top.summary["slices"])
    assert len(gix.nodes) <= len(gix25.nodes)
    assert len(top.nodes) >= 3 and len(pct.nodes) >= 1
    with pytest.raises(ParameterError):
        build_map(inp, MapParams(top=5, g_index=2))


def test_years_filter_and_slices() -> None:
    inp = random_input(4)
    km = build_map(inp, MapParams(years=(2012, 2015), slice=2, min_freq=1))
    assert km.year_span == (2012, 2015)
    assert [(s["begin"], s["end"]) for s in km.summary["slices"]] == [(2012, 2013), (2014, 2015)]
    kept = sum(2012 <= y <= 2015 for y in inp.years)
    assert km.summary["records"] == kept
    assert all(2012 <= y <= 2015 for ys in km.term_years.values() for y in ys)


def test_lang_filter() -> None:
    inp = MapInput([1, 2, 3], [2020, 2021, 2022],
                   [["创新", "innovation"], ["创新", "innovation"], ["改革", "reform"]])  # fmt: skip
    zh = build_map(inp, MapParams(min_freq=1, lang="zh"))
    en = build_map(inp, MapParams(min_freq=1, lang="en"))
    assert set(zh.nodes["label"]) == {"创新", "改革"}
    assert set(en.nodes["label"]) == {"innovation", "reform"}


# ------------------------------------------------------------------ degenerate inputs


def test_empty_input_is_a_clear_error() -> None:
    with pytest.raises(InputError) as err:
        build_map(MapInput([], [], []), MapParams())
    assert "记录" in err.value.zh and "records" in err.value.en


def test_records_without_terms_is_a_clear_error() -> None:
    with pytest.raises(InputError) as err:
        build_map(MapInput([1, 2], [2020, None], [[], []]), MapParams())
    assert "关键词" in err.value.zh and "keywords" in err.value.en


def test_one_record() -> None:
    one = MapInput([7], [2024], [["新质生产力", "科技创新", "产业"]], ["唯一"])
    with pytest.raises(ParameterError) as err:  # a floor of 2 leaves nothing
        build_map(one, MapParams(min_freq=2))
    assert "min-freq" in err.value.en
    km = build_map(one, MapParams())  # no floor by default, as CiteSpace
    assert len(km.nodes) == 3 and len(km.edges) == 3
    assert len(km.clusters) == 1 and km.summary["modularity"] == pytest.approx(0.0)
    assert km.summary["silhouette"] == 0.0 and km.bursts.empty
    assert km.node_docs == {0: [7], 1: [7], 2: [7]}


def test_records_without_years_give_a_valid_undated_map() -> None:
    inp = MapInput([1, 2, 3], [None, None, None], [["a", "b"], ["a", "b"], ["a", "c"]])
    km = build_map(inp, MapParams(min_freq=1))
    assert km.year_span is None and km.term_years == {} and km.bursts.empty
    assert km.nodes["first_year"].isna().all()
    assert km.summary["records_without_year"] == 3
    assert km.summary["slices"] == [
        {"begin": None, "end": None, "records": 3, "records_with_terms": 3, "selected": 3}
    ]
    with pytest.raises(ParameterError):  # a year range cannot hold undated records
        build_map(inp, MapParams(min_freq=1, years=(2000, 2020)))


@pytest.mark.parametrize(
    "params",
    [MapParams(link="pearson"), MapParams(prune="planar"), MapParams(slice=0),
     MapParams(min_freq=0), MapParams(resolution=0), MapParams(lang="fr"),
     MapParams(years=(2020, 2010)), MapParams(field="abstract"), MapParams(burst_s=1.0),
     MapParams(top=None, g_index=None), MapParams(top=0), MapParams(top=None, top_percent=150),
     MapParams(top=None, g_index=-1), MapParams(burst_gamma=-1), MapParams(burst_min_duration=0)],
)  # fmt: skip
def test_bad_parameters(params: MapParams) -> None:
    undated = MapInput([1, 2], [None, None], [["a", "b"], ["a", "b"]])
    with pytest.raises(ParameterError):  # checked up front, whatever the data
        build_map(undated, params)
    with pytest.raises(ParameterError) as err:
        build_map(SMALL, params)
    assert err.value.zh and err.value.en and " / " in err.value.message


# ------------------------------------------------------------------ real data: policy texts

#: A small fixed list of policy terms: the stand-in segmenter marks a report as holding a
#: term when the term's characters occur in it.
POLICY_TERMS = [
    "新质生产力", "高质量发展", "改革开放", "科技创新", "供给侧结构性改革", "中国式现代化",
    "乡村振兴", "脱贫攻坚", "人民公社", "阶级斗争", "计划经济", "社会主义市场经济",
    "经济体制改革", "国有企业", "对外开放", "四个现代化", "五年计划", "工业化", "西部大开发",
    "科教兴国", "可持续发展", "小康社会", "创新驱动", "一带一路", "新发展理念", "新发展格局",
    "共同富裕", "碳达峰", "碳中和", "数字经济", "人工智能", "生态文明", "环境保护", "依法治国",
    "疫情防控", "扩大内需", "宏观调控", "通货膨胀", "国内生产总值", "营商环境", "减税降费",
    "精准扶贫", "城镇化", "粮食安全", "经济特区", "科学发展观", "金融风险", "社会保障",
]  # fmt: skip


@pytest.fixture(scope="module")
def policy(corpora: Path) -> MapInput:
    path = corpora / "policy" / "government_work_reports.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 72
    return MapInput(
        doc_ids=list(range(len(rows))),
        years=[r["year"] for r in rows],
        terms=[[t for t in POLICY_TERMS if t in r["content"]] for r in rows],
        titles=[r["title"] for r in rows],
    )


def test_policy_map_is_reproducible(policy: MapInput) -> None:
    # top 50 holds every term of every report (at most 48). With the default g-index (k = 25)
    # 新质生产力 ties at the 2024 cut with the report's other single mentions and loses the
    # tie on overall frequency (2 reports).
    a = build_map(policy, MapParams(seed=1, top=50))
    b = build_map(policy, MapParams(seed=1, top=50))
    for name in ("nodes", "edges", "clusters", "bursts"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.summary == b.summary
    s = a.summary
    # the 20 undated resolutions are reported and left out (issue 13; they used to be counted)
    assert (s["records"], s["records_without_year"]) == (52, 20)
    assert a.year_span == (1954, 2025)
    assert "新质生产力" in set(a.nodes["label"])
    assert a.term_years["新质生产力"] == {2024: 1, 2025: 1}
    assert 0.0 < s["modularity"] < 1.0 and -1.0 <= s["silhouette"] <= 1.0
    assert len(a.clusters) >= 2
    # the planned-economy vocabulary clusters apart from the 2020s vocabulary
    cl = dict(zip(a.nodes["label"], a.nodes["cluster"], strict=True))
    assert cl["人民公社"] != cl["新质生产力"]


def test_policy_burst_of_new_quality_productive_forces(policy: MapInput) -> None:
    # 新质生产力 is in the 2024 and the 2025 report only. Each year gains at most
    # ln(p1/p0) = ln s = ln 2 per record, so its burst is worth 2 ln 2 = 1.39, while
    # entering the burst state costs γ ln n = γ ln 72 (72 yearly slices, 1954–2025):
    # with γ = 1 (4.28) no burst is possible; γ = 0.3 (1.28) lets it through.
    default = build_map(policy, MapParams(seed=1, top=50))
    assert "新质生产力" not in set(default.bursts["term"])
    assert not default.bursts.empty
    km = build_map(policy, MapParams(seed=1, top=50, burst_gamma=0.3))
    row = km.bursts[km.bursts["term"] == "新质生产力"]
    assert len(row) == 1
    assert (int(row["begin"].iloc[0]), int(row["end"].iloc[0])) == (2024, 2025)
    assert row["strength"].iloc[0] == pytest.approx(2 * math.log(2), abs=1e-6)
    node = km.nodes[km.nodes["label"] == "新质生产力"].iloc[0]
    assert (node["burst_begin"], node["burst_end"]) == (2024, 2025)
    assert node["sigma"] == pytest.approx((node["betweenness"] + 1) ** node["burst_strength"])


def test_q_is_standard_modularity_whatever_the_resolution() -> None:
    """Issue 13: at --resolution 0.01 a one-cluster map showed Q = 0.990; standard Q is 0.

    The reference is networkx's modularity at resolution 1 over the map's own links and
    clusters; the resolution-dependent objective is reported apart, and checked against
    networkx at that resolution."""
    inp = random_input(3, n=200, vocab=20)
    km = build_map(inp, MapParams(min_freq=1, top=20, resolution=0.01))
    assert len(km.clusters) == 1  # everything is one cluster at so low a resolution
    assert km.summary["modularity"] == 0.0
    g = nx.Graph()
    g.add_nodes_from(km.nodes["id"])
    for s, t, w in km.edges[["source", "target", "strength"]].itertuples(index=False):
        g.add_edge(int(s), int(t), weight=float(w))
    parts = [set(km.nodes["id"])]
    assert nx.community.modularity(g, parts, weight="weight") == pytest.approx(0.0, abs=1e-12)
    ref = nx.community.modularity(g, parts, weight="weight", resolution=0.01)
    assert km.summary["quality_at_resolution"] == pytest.approx(ref, abs=1e-6)
    assert ref > 0.98  # the number that used to be printed as Q
    two = build_map(inp, MapParams(min_freq=1, top=20, resolution=2.0))
    labels = two.nodes["cluster"].to_numpy()
    comms = [set(np.flatnonzero(labels == c).tolist()) for c in two.clusters["id"]]
    g2 = nx.Graph()
    g2.add_nodes_from(two.nodes["id"])
    for s, t, w in two.edges[["source", "target", "strength"]].itertuples(index=False):
        g2.add_edge(int(s), int(t), weight=float(w))
    assert two.summary["modularity"] == pytest.approx(
        nx.community.modularity(g2, comms, weight="weight"), abs=1e-6
    )
    assert "quality_at_resolution" not in build_map(inp, MapParams(min_freq=1, top=20)).summary


@pytest.mark.parametrize("seed", [0, 1])
def test_association_strength_is_vosviewers_and_the_old_one_keeps_its_own_name(seed: int) -> None:
    """An independent count from the raw terms: k_i = Σ_j c_ij over the map's nodes
    (total link strength, before pruning), 2m = Σ k_i; and N·c/(w_i w_j) for the old one."""
    inp = random_input(seed)
    # links over all records (link_scope="all"): the formula is what is checked here
    km = build_map(inp, MapParams(top=12, link="association", link_scope="all"))
    labels = km.nodes["label"].tolist()
    nodes = set(labels)
    pairs = Counter(p for ts in inp.terms for p in combinations(sorted(set(ts) & nodes), 2))
    k = Counter()
    for (a, b), c in pairs.items():
        k[a] += c
        k[b] += c
    two_m = sum(k.values())
    for s, t, c, w in km.edges[["source", "target", "count", "strength"]].itertuples(index=False):
        a, b = labels[s], labels[t]
        assert w == pytest.approx(two_m * c / (k[a] * k[b]))
    old = build_map(inp, MapParams(top=12, link="association-occurrence", link_scope="all"))
    freq = Counter(t for ts in inp.terms for t in ts)
    n = len(inp.terms)
    for s, t, c, w in old.edges[["source", "target", "count", "strength"]].itertuples(index=False):
        a, b = labels[s], labels[t]
        assert w == pytest.approx(n * c / (freq[a] * freq[b]))
    assert not np.allclose(km.edges["strength"], old.edges["strength"])
    assert "2m" in km.summary["definitions"]["link"]


def test_vosviewer_total_link_strength_is_written_before_pruning(tmp_path: Path) -> None:
    """VOSviewer's total link strength: Σ_j c_ij over every link among the nodes, counted
    independently from the raw terms, whatever the pruning; centrality stays on the pruned
    network, and summary.json says so."""
    from zhagen.formats.network import read_vosviewer_map, write_vosviewer_map

    inp = random_input(4)
    km = build_map(inp, MapParams(top=15, prune="pathfinder", link_scope="all"))
    labels = km.nodes["label"].tolist()
    nodes = set(labels)
    tls = Counter()
    for ts in inp.terms:
        for a, b in combinations(sorted(set(ts) & nodes), 2):
            tls[a] += 1
            tls[b] += 1
    assert km.summary["edges"] < km.summary["edges_before_pruning"]
    path = tmp_path / "vosviewer_map.txt"
    write_vosviewer_map(km, path)
    rows = read_vosviewer_map(path)
    got = {r["label"]: float(r["weight<Total link strength>"]) for r in rows}
    assert got == {lab: float(tls[lab]) for lab in labels}
    pruned = km.nodes.set_index("label")["weighted_degree"]
    assert any(pruned[lab] < tls[lab] for lab in labels)  # the pruned sum is a different number
    assert "pruned" in km.summary["definitions"]["centrality"]


def _g(counts: list[int], k: float) -> int:
    """Egghe's g-index with CiteSpace's scale factor, by its definition."""
    c = sorted((x for x in counts if x > 0), reverse=True)
    return max((g for g in range(len(c) + 1) if g * g <= k * sum(c[:g])), default=0)


def _independent_slices(inp: MapInput, pick) -> tuple[set[str], Counter]:
    """Per-year slices of the dated records: the terms ``pick`` selects in each slice and
    the merged network's link counts (Σ over slices of the co-occurrences, within the
    slice's records, among the terms selected in that slice)."""
    freq = Counter(t for ts, y in zip(inp.terms, inp.years, strict=True) if y is not None
                   for t in set(ts))  # fmt: skip
    first: dict[str, int] = {}
    for ts, y in zip(inp.terms, inp.years, strict=True):
        for t in ts:
            if y is not None:
                first[t] = min(first.get(t, y), y)
    nodes: set[str] = set()
    links: Counter = Counter()
    for year in sorted({y for y in inp.years if y is not None}):
        recs = [set(ts) for ts, y in zip(inp.terms, inp.years, strict=True) if y == year]
        count = Counter(t for r in recs for t in r)
        ranked = sorted(count, key=lambda t: (-count[t], -freq[t], first[t], t))
        chosen = set(ranked[: pick([count[t] for t in ranked])])
        nodes |= chosen
        for r in recs:
            links.update(combinations(sorted(r & chosen), 2))
    return nodes, links


@pytest.mark.parametrize("seed", [0, 1])
def test_citespace_defaults_g_index_25_and_links_from_the_slice_networks(seed: int) -> None:
    """Defaults that follow CiteSpace, against an independent computation: g-index with
    k = 25 per yearly slice, no frequency floor, and links merged from the slice networks."""
    inp = random_input(seed, n=300, vocab=120)
    km = build_map(inp, MapParams())
    p = km.summary["params"]
    assert (p["g_index"], p["top"], p["min_freq"], p["link_scope"]) == (25.0, None, 1, "slices")
    nodes, links = _independent_slices(inp, lambda c: _g(c, 25))
    labels = km.nodes["label"].tolist()
    assert set(labels) == nodes
    got = Counter({
        tuple(sorted((labels[s], labels[t]))): c
        for s, t, c in km.edges[["source", "target", "count"]].itertuples(index=False)
    })  # fmt: skip
    assert got == links
    top = build_map(inp, MapParams(top=5))
    nodes5, links5 = _independent_slices(inp, lambda c: 5)
    labels5 = top.nodes["label"].tolist()
    assert set(labels5) == nodes5
    got5 = {
        tuple(sorted((labels5[s], labels5[t]))): c
        for s, t, c in top.edges[["source", "target", "count"]].itertuples(index=False)
    }
    assert got5 == dict(links5)
    every = build_map(inp, MapParams(top=5, link_scope="all"))
    assert len(every.edges) > len(top.edges)  # links that exist only over all records


def test_ties_at_a_slice_cut_go_by_frequency_then_first_year_not_code_point() -> None:
    """ASCII terms come before every Han character in code-point order; they used to win
    every tie at the cut (127 of 166 slots on a real map)."""
    inp = MapInput(
        doc_ids=[1, 2, 3, 4, 5],
        years=[2019, 2020, 2020, 2021, 2022],
        terms=[["数字经济"], ["人工智能"], ["人工智能"], ["ai", "数字经济", "人工智能"],
               ["ai", "数字经济"]],
    )  # fmt: skip
    # top 1 per slice. 2021: three terms once each; 数字经济 and 人工智能 occur 3 times
    # overall, ai twice; 数字经济 came first (2019). 2022: ai and 数字经济 once each;
    # 数字经济 is the more frequent. By code point ai would have won both slices.
    km = build_map(inp, MapParams(top=1))
    per_slice = {s["begin"]: s["selected"] for s in km.summary["slices"]}
    assert per_slice == {2019: 1, 2020: 1, 2021: 1, 2022: 1}
    assert set(km.nodes["label"]) == {"数字经济", "人工智能"}


def test_undated_records_are_reported_and_left_out_of_every_count() -> None:
    inp = MapInput([1, 2, 3, 4], [2020, 2021, None, None],
                   [["a", "b"], ["a", "c"], ["a", "b", "z"], ["z"]])  # fmt: skip
    km = build_map(inp, MapParams())
    assert km.summary["records_without_year"] == 2 and km.summary["records"] == 2
    f = dict(zip(km.nodes["label"], km.nodes["frequency"], strict=True))
    assert f == {"a": 2, "b": 1, "c": 1}  # z only in undated records; a counted twice
    assert sorted(km.node_docs[0]) == [1, 2]


def test_burst_defaults_follow_citespace_nodes_only_and_two_slices() -> None:
    """Bursts of the map's nodes only, lasting at least 2 slices (CiteSpace's Minimum
    Duration), checked against detect_bursts run by hand on the per-year counts."""
    from zhagen.mapping.burst import detect_bursts

    years = list(range(2010, 2020))
    terms: list[list[str]] = []
    ys: list[int] = []
    for y in years:
        for k in range(10):
            rec = ["常", f"填{k}"]
            if y == 2015 and k < 6:
                rec.append("一年")  # a one-slice burst
            if y >= 2017 and k < 6:
                rec.append("三年")  # a three-slice burst
            if 2016 <= y <= 2018 and k == 0:
                rec.append("稀")  # rare: loses every tie at the top-3 cut to the 填 terms
            terms.append(rec)
            ys.append(y)
    inp = MapInput(list(range(len(terms))), ys, terms)
    km = build_map(inp, MapParams(top=3))
    assert (km.summary["params"]["burst_terms"], km.summary["params"]["burst_min_duration"]) == (
        "nodes", 2)  # fmt: skip
    assert set(km.bursts["term"]) <= set(km.nodes["label"])
    assert set(km.bursts["term"]) == {"三年"}
    d = np.full(len(years), 10)
    for term, expect in (("三年", (2017, 2019)), ("一年", (2015, 2015))):
        r = np.array([[sum(term in t for t, y in zip(terms, ys, strict=True) if y == yr)
                       for yr in years]])  # fmt: skip
        res = detect_bursts(r, d, s=2.0, gamma=1.0, min_duration=1)
        assert (years[int(res.begin[0])], years[int(res.end[0])]) == expect
        if term == "三年":
            got = km.bursts.set_index("term").at["三年", "strength"]
            assert got == pytest.approx(float(res.strength[0]), abs=1e-6)
    one = build_map(inp, MapParams(top=3, burst_min_duration=1))
    assert {"一年", "三年"} <= set(one.bursts["term"])
    # 稀 gains 3·[ln 2 + 9 ln(0.94/0.97)] = 1.23 in its three slices: more than the entry
    # cost at γ = 0.3 (0.69), but it is not a node, so only burst_terms="all" finds it
    low = {"top": 3, "burst_gamma": 0.3}
    assert "稀" not in set(build_map(inp, MapParams(**low)).bursts["term"])
    every = build_map(inp, MapParams(**low, burst_terms="all"))
    assert "稀" in set(every.bursts["term"]) and "稀" not in set(every.nodes["label"])


def test_old_summaries_stay_readable_and_every_summary_reruns() -> None:
    """A summary.json of zhagen 0.4 (its params as that version wrote them, link
    "association" meaning N·c/(w_i w_j)) is re-run as it was computed; a new summary
    re-runs to the same map."""
    from zhagen.mapping.params import params_of_summary

    old = {"params": {
        "field": "keywords", "slice": 1, "top": 12, "top_percent": None, "g_index": None,
        "link": "association", "prune": "none", "resolution": 1.0, "min_cluster_size": 1,
        "seed": 1, "min_freq": 2, "years": [2010, 2019], "lang": "all", "thesaurus": None,
        "burst_s": 2.0, "burst_gamma": 1.0, "burst_min_duration": 1, "burst_terms": "all",
    }}  # fmt: skip
    p = params_of_summary(old)
    assert (p.link, p.link_scope, p.silhouette, p.label_source) == (
        "association-occurrence", "all", "network", "keywords")  # fmt: skip
    assert (p.top, p.g_index, p.min_freq, p.burst_terms, p.years) == (12, None, 2, "all",
                                                                       (2010, 2019))  # fmt: skip
    inp = random_input(5)
    km = build_map(inp, p)
    freq = Counter(t for ts in inp.terms for t in ts)
    labels = km.nodes["label"].tolist()
    for s, t, c, w in km.edges[["source", "target", "count", "strength"]].itertuples(index=False):
        assert w == pytest.approx(len(inp.terms) * c / (freq[labels[s]] * freq[labels[t]]))
    new = build_map(inp, MapParams(link="association"))
    again = build_map(inp, params_of_summary(json.loads(json.dumps(new.summary))))
    pd.testing.assert_frame_equal(new.edges, again.edges)
    pd.testing.assert_frame_equal(new.nodes, again.nodes)


def test_input_hash_is_the_digest_of_the_canonical_bytes_in_one_piece() -> None:
    """input_hash feeds titles and the vocabulary to SHA-256 in pieces of 65,536: the digest
    is that of the canonical bytes joined whole (as zhagen 0.x hashed them), past a piece's
    edge too."""
    import hashlib

    import numpy as np

    from zhagen.mapping.cooccurrence import doc_term_matrix
    from zhagen.mapping.pipeline import _year_values

    n = 70_001
    inp = MapInput(list(range(n)), [2000 + k % 20 if k % 7 else None for k in range(n)],
                   [[f"词{k % 977}", f"w{k}"] for k in range(n)],
                   [f"标题{k}" if k % 5 else "" for k in range(n)])  # fmt: skip
    dt = doc_term_matrix(inp.terms)
    h = hashlib.sha256(b"zhagen.MapInput/1\n")

    def ints(values: object) -> None:
        arr = np.asarray(values, dtype="<i8")
        h.update(np.int64(arr.size).astype("<i8").tobytes() + arr.tobytes())

    def strings(items: list[str]) -> None:
        ints([len(x) for x in items])
        h.update("".join(items).encode("utf-8"))

    ints(inp.doc_ids)
    years, dated = _year_values(inp.years)
    ints(np.where(dated, years, -(2**62)))
    strings(dt.vocab)
    ints(dt.matrix.indptr)
    ints(dt.matrix.indices)
    strings(inp.titles)
    assert len(dt.vocab) > 65_536 and input_hash(inp, dt) == input_hash(inp) == h.hexdigest()
