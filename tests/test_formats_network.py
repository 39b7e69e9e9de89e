"""Round trips of the network files (GraphML, GEXF, Pajek, VOSviewer map and network) and
their readability by networkx."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest

from test_report_map import empty_map, make_map
from zhagen.formats.network import (
    VOSVIEWER_MAP_HEADER,
    plain,
    plain_edges,
    plain_node_columns,
    plain_nodes,
    read_graphml,
    read_pajek,
    read_vosviewer_map,
    read_vosviewer_network,
    write_gexf,
    write_graphml,
    write_pajek,
    write_vosviewer_map,
    write_vosviewer_network,
)
from zhagen.mapping.model import KnowledgeMap


@pytest.fixture(scope="module")
def km() -> KnowledgeMap:
    return make_map()


def odd_map() -> KnowledgeMap:
    """Two nodes whose labels hold a quote, a tab, a newline and a leading '=', no cluster."""
    m = make_map(n_clusters=1)
    m.nodes = m.nodes.iloc[:3].copy()
    m.nodes.loc[0, "label"] = 'say "新质"\t生产力'
    m.nodes.loc[1, "label"] = "=SUM(A1)\n换行"
    m.nodes.loc[2, "cluster"] = -1
    m.edges = m.edges[(m.edges["source"] < 3) & (m.edges["target"] < 3)].copy()
    if m.edges.empty:
        import pandas as pd

        m.edges = pd.DataFrame([[0, 1, 3, 0.5]], columns=m.edges.columns)
    return m


def test_plain_values() -> None:
    import numpy as np
    import pandas as pd

    assert plain(float("nan")) is None and plain(pd.NA) is None and plain(None) is None
    assert plain(np.int64(3)) == 3 and type(plain(np.int64(3))) is int
    assert plain(np.float64(0.5)) == 0.5 and plain(np.array([1, 2])) == [1, 2]
    assert plain(float("inf")) is None and plain("新") == "新"


def test_plain_node_columns_are_the_plain_nodes_columns() -> None:
    """Every column, of maps held as DataFrames (an odd one: no cluster, labels with quotes,
    tabs, newlines) and of the same maps as plain columns, is what ``plain_nodes`` gives; a
    column the map does not have reads as None, as a plain node's ``.get``."""
    from zhagen.mapping.model import NODE_COLUMNS, Table

    for m in (make_map(), odd_map()):
        nodes = plain_nodes(m)
        columns = plain_node_columns(m, *NODE_COLUMNS, "not_a_column")
        for name, values in zip([*NODE_COLUMNS, "not_a_column"], columns, strict=True):
            assert values == [n.get(name) for n in nodes], name
        plain_table = Table({c: m.nodes[c].tolist() for c in NODE_COLUMNS})
        as_columns = KnowledgeMap(**{**m.fields(), "nodes": plain_table})
        assert plain_node_columns(as_columns, *NODE_COLUMNS) == columns[:-1]
    assert plain_node_columns(empty_map(), "id", "label") == [[], []]


def test_graphml_networkx_and_roundtrip(km: KnowledgeMap, tmp_path: Path) -> None:
    import networkx as nx

    path = tmp_path / "network.graphml"
    write_graphml(km, path)
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == len(km.nodes) and g.number_of_edges() == len(km.edges)
    assert not g.is_directed()
    n0 = g.nodes["n0"]
    assert n0["label"] == "新质生产力" and n0["frequency"] == int(km.nodes.loc[0, "frequency"])
    assert n0["burst_begin"] == 2024 and "burst_begin" not in g.nodes["n1"]  # missing: absent
    e = km.edges.iloc[0]
    assert g.edges[f"n{int(e['source'])}", f"n{int(e['target'])}"]["weight"] == e["count"]
    data = read_graphml(path)
    assert [n["label"] for n in data["nodes"]] == km.nodes["label"].tolist()
    assert math.isclose(data["nodes"][3]["betweenness"], km.nodes.loc[3, "betweenness"])
    assert len(data["edges"]) == len(km.edges)


def test_gexf_networkx(km: KnowledgeMap, tmp_path: Path) -> None:
    import networkx as nx

    path = tmp_path / "network.gexf"
    write_gexf(km, path)
    text = path.read_text(encoding="utf-8")
    assert 'version="1.3"' in text and "http://gexf.net/1.3" in text
    g = nx.read_gexf(path)
    assert g.number_of_nodes() == len(km.nodes) and g.number_of_edges() == len(km.edges)
    node = g.nodes["0"]
    assert node["label"] == "新质生产力"
    assert node["frequency"] == int(km.nodes.loc[0, "frequency"])
    assert node["cluster"] == 0 and node["first_year"] == 2023
    assert math.isclose(node["burst"], 6.21)
    assert math.isclose(node["betweenness"], km.nodes.loc[0, "betweenness"])
    assert set(node["viz"]) >= {"position", "size", "color"}
    xs = [g.nodes[n]["viz"]["position"]["x"] for n in g]
    assert min(xs) >= -500.001 and max(xs) <= 500.001
    e = km.edges.iloc[0]
    assert g.edges[str(int(e["source"])), str(int(e["target"]))]["weight"] == e["count"]


def test_gexf_is_deterministic(km: KnowledgeMap) -> None:
    a, b = io.BytesIO(), io.BytesIO()
    write_gexf(km, a)
    write_gexf(km, b)
    assert a.getvalue() == b.getvalue()


def test_pajek_roundtrip(km: KnowledgeMap, tmp_path: Path) -> None:
    path = tmp_path / "network.net"
    write_pajek(km, path)
    raw = path.read_bytes()
    assert raw.startswith(b"*Vertices 40\r\n") and not raw.startswith(b"\xef\xbb\xbf")
    data = read_pajek(path)
    assert [data["labels"][i + 1] for i in range(40)] == km.nodes["label"].tolist()
    want = sorted((e["source"] + 1, e["target"] + 1, e["count"]) for e in plain_edges(km))
    assert sorted(data["edges"]) == want
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in data["coords"].values())


def test_pajek_networkx(km: KnowledgeMap, tmp_path: Path) -> None:
    import networkx as nx

    path = tmp_path / "network.net"
    write_pajek(km, path)
    g = nx.Graph(nx.read_pajek(path))
    assert "新质生产力" in g and "new quality productive forces" in g
    assert g.number_of_edges() == len(km.edges)


def test_vosviewer_roundtrip(km: KnowledgeMap, tmp_path: Path) -> None:
    mpath, npath = tmp_path / "vosviewer_map.txt", tmp_path / "vosviewer_network.txt"
    write_vosviewer_map(km, mpath)
    write_vosviewer_network(km, npath)
    first = mpath.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == "\t".join(VOSVIEWER_MAP_HEADER)
    assert first == (
        "id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>"
        "\tweight<Occurrences>\tscore<Avg. pub. year>"
    )
    items = read_vosviewer_map(mpath)
    nodes = plain_nodes(km)
    assert [it["id"] for it in items] == [n["id"] + 1 for n in nodes]
    assert [it["label"] for it in items] == [n["label"] for n in nodes]
    assert [it["cluster"] for it in items] == [n["cluster"] + 1 for n in nodes]
    assert min(it["cluster"] for it in items) == 1
    assert [it["weight<Occurrences>"] for it in items] == [n["frequency"] for n in nodes]
    assert [it["weight<Links>"] for it in items] == [n["degree"] for n in nodes]
    total = {}
    for e in plain_edges(km):
        for end in (e["source"], e["target"]):
            total[end + 1] = total.get(end + 1, 0) + e["count"]
    assert {
        it["id"]: it["weight<Total link strength>"] for it in items if it["id"] in total
    } == total
    assert all(2014 <= it["score<Avg. pub. year>"] <= 2025 for it in items)
    assert math.isclose(items[0]["x"], nodes[0]["x"])
    links = read_vosviewer_network(npath)
    assert not npath.read_text(encoding="utf-8").startswith("id")
    assert links == [(e["source"] + 1, e["target"] + 1, e["count"]) for e in plain_edges(km)]


def test_odd_labels(tmp_path: Path) -> None:
    m = odd_map()
    write_pajek(m, tmp_path / "n.net")
    labels = read_pajek(tmp_path / "n.net")["labels"]
    assert labels[1] == "say '新质' 生产力" and labels[2] == "=SUM(A1) 换行"
    write_vosviewer_map(m, tmp_path / "m.txt")
    items = read_vosviewer_map(tmp_path / "m.txt")
    assert len(items) == 3 and items[0]["label"] == 'say "新质" 生产力'
    assert items[2]["cluster"] is None  # unclustered: empty cell
    write_graphml(m, tmp_path / "g.graphml")
    assert read_graphml(tmp_path / "g.graphml")["nodes"][1]["label"] == "=SUM(A1)\n换行"


@pytest.mark.parametrize(
    "writer",
    [write_graphml, write_gexf, write_pajek, write_vosviewer_map, write_vosviewer_network],
)
def test_empty_map(writer: object, tmp_path: Path) -> None:
    path = tmp_path / "out"
    writer(empty_map(), path)  # type: ignore[operator]
    assert path.exists()


def test_empty_map_reads_back(tmp_path: Path) -> None:
    import networkx as nx

    m = empty_map()
    write_graphml(m, tmp_path / "e.graphml")
    write_gexf(m, tmp_path / "e.gexf")
    write_pajek(m, tmp_path / "e.net")
    write_vosviewer_map(m, tmp_path / "e.txt")
    assert nx.read_graphml(tmp_path / "e.graphml").number_of_nodes() == 0
    assert nx.read_gexf(tmp_path / "e.gexf").number_of_nodes() == 0
    assert read_pajek(tmp_path / "e.net") == {"labels": {}, "coords": {}, "edges": []}
    assert read_vosviewer_map(tmp_path / "e.txt") == []


def test_writers_accept_open_files(km: KnowledgeMap) -> None:
    buf = io.BytesIO()
    write_vosviewer_network(km, buf)
    buf.seek(0)
    assert len(read_vosviewer_network(buf)) == len(km.edges)
    buf = io.BytesIO()
    write_graphml(km, buf)
    buf.seek(0)
    assert len(read_graphml(buf)["nodes"]) == len(km.nodes)
