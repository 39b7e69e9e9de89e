"""Betweenness of large networks: Brandes & Pich's (2007) estimate from pivot sources.

The estimate is checked against an independent reference — networkx's
``betweenness_centrality_subset`` from the same pivots to every node, scaled by n/k and
normalised as the exact value — on generated graphs (several components, isolated nodes,
a dense component) and on the real CNKI keyword map; with every node a pivot it is the
exact value; ``auto`` chooses by the budget (made tiny here, not the graph big); the same
map twice gives the same bytes, and every output says the values are estimates.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

import zhagen
from zhagen.mapping import centrality as cen
from zhagen.mapping.model import MapParams


def _arrays(g: nx.Graph) -> tuple[int, np.ndarray, np.ndarray]:
    i = np.array([a for a, _ in g.edges()], dtype=np.int64)
    j = np.array([b for _, b in g.edges()], dtype=np.int64)
    return g.number_of_nodes(), i, j


def _reference(g: nx.Graph, sources: np.ndarray) -> np.ndarray:
    """networkx's subset betweenness from ``sources`` to every node, as Brandes & Pich
    scale it: networkx halves an undirected graph's sum, the estimate sums ordered pairs."""
    n = g.number_of_nodes()
    raw = nx.betweenness_centrality_subset(
        g, sources=sources.tolist(), targets=list(range(n)), normalized=False
    )
    ordered = 2.0 * np.array([raw[v] for v in range(n)])
    return ordered * (n / sources.size) / ((n - 1) * (n - 2))


def _generated() -> nx.Graph:
    """Sparse random components of different sizes, a dense one, a path, isolated nodes."""
    parts = [nx.gnm_random_graph(300, 700, seed=1), nx.gnm_random_graph(60, 60 * 20, seed=2),
             nx.path_graph(25), nx.gnm_random_graph(120, 150, seed=3)]  # fmt: skip
    g = nx.disjoint_union_all(parts)
    start = g.number_of_nodes()
    g.add_nodes_from(range(start, start + 7))
    return g


@pytest.fixture(scope="module")
def cnki(tmp_path_factory, corpora):
    path = tmp_path_factory.mktemp("btw") / "cnki.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(corpora / "cnki" / "refworks_2024_298.txt")
    project = zhagen.open(path)
    yield project
    project.close()


@pytest.mark.parametrize("k", [1, 40, 256])
def test_estimate_equals_networkx_subset_from_the_same_pivots(k):
    g = _generated()
    n, i, j = _arrays(g)
    sources = cen.pivots(n, k, seed=7)
    got = cen.betweenness_estimate(n, i, j, sources)
    assert np.abs(got - _reference(g, sources)).max() < 1e-12
    assert got.max() > 0  # not a vacuous comparison


def test_estimate_on_the_real_keyword_map_equals_networkx(cnki):
    km = cnki.maps.build(keep_duplicates=True, record=False, top=200)
    e = km.edges
    n = len(km.nodes)
    i, j = e["source"].to_numpy(), e["target"].to_numpy()
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(i.tolist(), j.tolist(), strict=True))
    assert n > 300
    sources = cen.pivots(n, 100, seed=1)
    got = cen.betweenness_estimate(n, i, j, sources)
    assert np.abs(got - _reference(g, sources)).max() < 1e-12


def test_every_node_a_pivot_is_the_exact_value():
    g = _generated()
    n, i, j = _arrays(g)
    exact = cen.betweenness(n, i, j)
    assert np.abs(cen.betweenness_estimate(n, i, j, np.arange(n)) - exact).max() < 1e-12
    nxb = nx.betweenness_centrality(g, normalized=True)
    assert np.abs(exact - np.array([nxb[v] for v in range(n)])).max() < 1e-12


def test_pivots_are_seeded_distinct_and_sorted():
    a, b = cen.pivots(1000, 256, 3), cen.pivots(1000, 256, 3)
    assert a.tolist() == b.tolist() == sorted(set(a.tolist()))
    assert a.size == 256 and a.min() >= 0 and a.max() < 1000
    assert cen.pivots(1000, 256, 4).tolist() != a.tolist()


def test_auto_is_exact_within_the_budget_and_estimates_above_it():
    assert cen.betweenness_plan(500, 1000, "auto", budget=500 * 1000).method == "exact"
    above = cen.betweenness_plan(500, 1000, "auto", budget=500 * 1000 - 1)
    assert (above.method, above.pivots) == ("estimate", 499)  # k * m <= budget
    assert cen.betweenness_plan(5000, 1000, "auto", budget=10).pivots == cen.MIN_PIVOTS
    many = cen.betweenness_plan(5000, 1000, "auto", budget=400 * 1000)
    assert (many.method, many.pivots) == ("estimate", 400)  # k * m <= budget
    assert cen.betweenness_plan(5000, 1000, "exact", budget=1).method == "exact"
    # asked on a network within the budget: the fewest pivots
    assert cen.betweenness_plan(5000, 1000, "estimate").pivots == cen.MIN_PIVOTS
    # an estimate from every node is the exact value, computed as such
    assert cen.betweenness_plan(200, 1000, "estimate", budget=1).method == "exact"
    with pytest.raises(ValueError):
        cen.betweenness_plan(10, 10, "sampled")


def test_the_default_budget_keeps_today_s_maps_exact_and_the_1m_network_estimated():
    # a 10 000-record map with a keyword each: 3 039 nodes, 11 366 links (bench/map.py)
    assert cen.betweenness_plan(3039, 11366).method == "exact"
    big = cen.betweenness_plan(31482, 125844)  # the 1M distinct-keyword map
    assert big.method == "estimate" and big.pivots * 125844 <= cen.BETWEENNESS_BUDGET
    assert 0 < big.precision < 0.05


@pytest.fixture
def tiny_budget(monkeypatch):
    """A budget (and fewest pivots) that the 298-record map's network exceeds."""
    monkeypatch.setattr(cen, "BETWEENNESS_BUDGET", 5_000)
    monkeypatch.setattr(cen, "MIN_PIVOTS", 10)


def test_a_map_over_the_budget_is_estimated_and_says_so(cnki, tiny_budget, tmp_path):
    km = cnki.maps.build(keep_duplicates=True, record=False, top=200)
    s = km.summary
    n, m = s["nodes"], s["edges"]
    plan = s["betweenness"]
    assert plan["method"] == "estimate" and plan["pivots"] == max(10, 5_000 // m) < n
    assert plan["budget"] == 5_000 and plan["nodes"] == n and plan["links"] == m
    assert "Brandes & Pich" in s["algorithms"]["betweenness"]
    assert str(plan["pivots"]) in plan["note"][0] and "exact" in plan["note"][1]
    e = km.edges
    i, j = e["source"].to_numpy(), e["target"].to_numpy()
    want = cen.betweenness_estimate(n, i, j, cen.pivots(n, plan["pivots"], 1))
    got = km.nodes["betweenness"].to_numpy(float)
    assert np.array_equal(got, want)
    assert not np.allclose(got, cen.betweenness(n, i, j))  # an estimate, not the exact value
    # sigma uses the betweenness that was computed
    sigma = cen.sigma(got, km.nodes["burst_strength"].to_numpy(float))
    assert np.array_equal(km.nodes["sigma"].to_numpy(float), sigma)
    # the tables say so
    from openpyxl import load_workbook

    km.write(tmp_path / "out", outputs=["csv", "json", "xlsx", "docx"])
    sheet = load_workbook(tmp_path / "out" / "tables.xlsx", read_only=True)["中心性"]
    last = [r for r in sheet.iter_rows(values_only=True) if r and r[0]][-1]
    assert "估计值" in last[0] and "Brandes & Pich" in last[0]
    from docx import Document

    text = "\n".join(p.text for p in Document(tmp_path / "out" / "tables.docx").paragraphs)
    assert plan["note"][0] in text
    written = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert written["betweenness"]["pivots"] == plan["pivots"]


def test_exact_when_asked_whatever_the_budget(cnki, tiny_budget):
    km = cnki.maps.build(keep_duplicates=True, record=False, top=200, betweenness="exact")
    e = km.edges
    n = len(km.nodes)
    want = cen.betweenness(n, e["source"].to_numpy(), e["target"].to_numpy())
    assert np.array_equal(km.nodes["betweenness"].to_numpy(float), want)
    assert km.summary["betweenness"] == {"method": "exact", "nodes": n, "links": len(e),
                                         "budget": 5_000}  # fmt: skip


def test_the_same_estimated_map_twice_gives_the_same_bytes(cnki, tiny_budget, tmp_path):
    for run in ("a", "b"):
        km = cnki.maps.build(keep_duplicates=True, record=False, top=200)
        assert km.summary["betweenness"]["method"] == "estimate"
        km.write(tmp_path / run, outputs=["csv"])
    for name in ("nodes.csv", "edges.csv", "clusters.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_parameter_is_checked_and_on_the_command_line(cnki, tiny_budget, tmp_path, capsys):
    from zhagen.cli import main
    from zhagen.errors import ParameterError
    from zhagen.mapping.params import check_params

    with pytest.raises(ParameterError) as err:
        check_params(MapParams(betweenness="sampled"))
    assert "betweenness" in str(err.value)
    path = cnki.path
    assert main(["--lang", "en", "map", str(path), "--out", str(tmp_path / "m"), "--top", "200",
                 "--outputs", "csv,json", "--betweenness", "estimate"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "betweenness estimated from" in out and "--betweenness exact" in out
    assert main(["--lang", "en", "map", str(path), "--out", str(tmp_path / "x"), "--top", "200",
                 "--outputs", "csv,json", "--betweenness", "exact"]) == 0  # fmt: skip
    assert "estimated" not in capsys.readouterr().out


def test_a_summary_without_the_parameter_reruns_exactly():
    from zhagen.mapping.params import params_of_summary

    assert params_of_summary({"params": {}, "definitions": {}}).betweenness == "exact"
    assert MapParams().betweenness == "auto"
