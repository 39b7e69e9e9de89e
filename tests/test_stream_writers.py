"""The map's files written a piece at a time (issue 17) are byte for byte what the
whole-document writers wrote: GraphML and GEXF (ElementTree trees), Pajek, VOSviewer
network, ``map.html`` and ``edges.csv``. The whole-document writers are kept here as the
reference; the maps are those of the real exports in ``../shared/corpora`` (keywords,
authors, cited references) and of hand-made maps with awkward values.
"""

from __future__ import annotations

import dataclasses
import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from zhagen.formats import network
from zhagen.formats.network import (
    _GEXF_NODE_ATTRS,
    _GEXF_NS,
    _GRAPHML_NS,
    _VIZ_NS,
    _XSI_NS,
    _fmt,
    _graphml_type,
    _rgb,
    _scaled_positions,
    cluster_color,
    edge_chunks,
    plain,
    plain_nodes,
)
from zhagen.mapping.model import KnowledgeMap
from zhagen.report.map_html import render_html, write_map_html
from zhagen.report.map_values import jsonable, members_text
from zhagen.report.mapfiles import tidy_table, write_edges_csv

# --------------------------------------------------------------------------- the reference


def ref_edges(km: KnowledgeMap) -> list[dict[str, Any]]:
    """The links as the writers read them before: ``to_dict("records")`` and plain values."""
    out = []
    for rec in km.edges.to_dict("records"):
        s, t = plain(rec.get("source")), plain(rec.get("target"))
        c, w = plain(rec.get("count")), plain(rec.get("strength"))
        out.append({
            "source": None if s is None else int(s), "target": None if t is None else int(t),
            "count": (None if c is None else float(c)) or 0.0,
            "strength": (None if w is None else float(w)) or 0.0,
        })  # fmt: skip
    return out


def ref_tree_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def ref_graphml(km: KnowledgeMap) -> bytes:
    nodes, edges = plain_nodes(km), ref_edges(km)
    ET.register_namespace("", _GRAPHML_NS)
    g = f"{{{_GRAPHML_NS}}}"
    root = ET.Element(f"{g}graphml")
    columns = [c for c in km.nodes.columns if c not in ("id", "members")]
    keys = [(c, "node", _graphml_type(c, [n.get(c) for n in nodes])) for c in columns]
    keys += [(c, "node", "int") for c in "rgb"]
    keys += [(c, "edge", "double") for c in ("weight", "count", "strength")]
    for name, domain, kind in keys:
        attrs = {"id": name, "for": domain, "attr.name": name, "attr.type": kind}
        ET.SubElement(root, f"{g}key", attrs)
    graph = ET.SubElement(root, f"{g}graph", id="G", edgedefault="undirected")
    for node in nodes:
        el = ET.SubElement(graph, f"{g}node", id=f"n{node['id']}")
        for col in columns:
            if node.get(col) is not None and not isinstance(node.get(col), list):
                ET.SubElement(el, f"{g}data", key=col).text = _fmt(node[col])
        for col, value in zip("rgb", _rgb(cluster_color(node.get("cluster"))), strict=True):
            ET.SubElement(el, f"{g}data", key=col).text = _fmt(value)
    for i, e in enumerate(edges):
        el = ET.SubElement(graph, f"{g}edge", id=f"e{i}", source=f"n{e['source']}",
                           target=f"n{e['target']}")  # fmt: skip
        for key, value in (("weight", e["count"]), ("count", e["count"]),
                           ("strength", e["strength"])):  # fmt: skip
            ET.SubElement(el, f"{g}data", key=key).text = _fmt(value)
    return ref_tree_bytes(root)


def ref_gexf(km: KnowledgeMap) -> bytes:
    nodes, edges = plain_nodes(km), ref_edges(km)
    for prefix, uri in (("", _GEXF_NS), ("viz", _VIZ_NS), ("xsi", _XSI_NS)):
        ET.register_namespace(prefix, uri)
    g, v = f"{{{_GEXF_NS}}}", f"{{{_VIZ_NS}}}"
    root = ET.Element(f"{g}gexf", {"version": "1.3",
                                   f"{{{_XSI_NS}}}schemaLocation": f"{_GEXF_NS} {_GEXF_NS}/gexf.xsd"})  # fmt: skip
    meta = ET.SubElement(root, f"{g}meta")
    ET.SubElement(meta, f"{g}creator").text = "zhagen"
    ET.SubElement(meta, f"{g}description").text = "keyword co-occurrence network"
    graph = ET.SubElement(root, f"{g}graph", mode="static", defaultedgetype="undirected")
    attrs = ET.SubElement(graph, f"{g}attributes", {"class": "node", "mode": "static"})
    for aid, _col, kind in _GEXF_NODE_ATTRS:
        ET.SubElement(attrs, f"{g}attribute", id=aid, title=aid, type=kind)
    eattrs = ET.SubElement(graph, f"{g}attributes", {"class": "edge", "mode": "static"})
    ET.SubElement(eattrs, f"{g}attribute", id="strength", title="strength", type="double")
    el_nodes = ET.SubElement(graph, f"{g}nodes")
    fmax = max((n.get("frequency") or 0 for n in nodes), default=0) or 1
    for node, (x, y) in zip(nodes, _scaled_positions(nodes, -500.0, 500.0), strict=True):
        el = ET.SubElement(el_nodes, f"{g}node", id=str(node["id"]), label=node["label"])
        av = ET.SubElement(el, f"{g}attvalues")
        for aid, col, _kind in _GEXF_NODE_ATTRS:
            if node.get(col) is not None:
                ET.SubElement(av, f"{g}attvalue", {"for": aid, "value": _fmt(node[col])})
        size = 4.0 + 36.0 * math.sqrt((node.get("frequency") or 0) / fmax)
        ET.SubElement(el, f"{v}size", value=_fmt(round(size, 3)))
        ET.SubElement(el, f"{v}position", x=_fmt(round(x, 4)), y=_fmt(round(y, 4)), z="0")
        r, gg, b = _rgb(cluster_color(node.get("cluster")))
        ET.SubElement(el, f"{v}color", r=str(r), g=str(gg), b=str(b))
    el_edges = ET.SubElement(graph, f"{g}edges")
    for i, e in enumerate(edges):
        el = ET.SubElement(el_edges, f"{g}edge", id=str(i), source=str(e["source"]),
                           target=str(e["target"]), weight=_fmt(e["count"]))  # fmt: skip
        av = ET.SubElement(el, f"{g}attvalues")
        ET.SubElement(av, f"{g}attvalue", {"for": "strength", "value": _fmt(e["strength"])})
    return ref_tree_bytes(root)


def ref_pajek(km: KnowledgeMap) -> bytes:
    nodes = sorted(plain_nodes(km), key=lambda n: n["id"])
    number = {n["id"]: i for i, n in enumerate(nodes, 1)}
    lines = [f"*Vertices {len(nodes)}"]
    for node, (x, y) in zip(nodes, _scaled_positions(nodes, 0.02, 0.98), strict=True):
        label = '"' + " ".join(node["label"].split()).replace('"', "'") + '"'
        lines.append(f"{number[node['id']]} {label} {x:.4f} {1 - y:.4f} 0.5")
    lines.append("*Edges")
    for e in ref_edges(km):
        s, t = number.get(e["source"]), number.get(e["target"])
        if s is not None and t is not None:
            lines.append(f"{s} {t} {_fmt(e['count'])}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def ref_vosviewer_network(km: KnowledgeMap) -> bytes:
    lines = [f"{e['source'] + 1}\t{e['target'] + 1}\t{_fmt(e['count'])}\n"
             for e in ref_edges(km) if e["source"] is not None and e["target"] is not None]  # fmt: skip
    return "".join(lines).encode("utf-8")


def ref_map_html(km: KnowledgeMap) -> bytes:
    from zhagen.report.map_html import MAX_DOCS_PER_NODE, MAX_TITLE
    from zhagen.report.timezone_figure import timezone_positions

    nodes = plain_nodes(km)
    docs = {}
    for n in nodes:
        ids = km.node_docs.get(n["id"], [])
        n["n_docs"] = len(ids)
        rows = []
        for doc_id in ids[:MAX_DOCS_PER_NODE]:
            title = str(km.doc_titles.get(doc_id, "") or "")
            rows.append(
                [plain(doc_id), title[: MAX_TITLE - 1] + "…" if len(title) > MAX_TITLE else title]
            )
        docs[str(n["id"])] = rows
    clusters = []
    for rec in km.clusters.to_dict("records"):
        row = {k: plain(v) for k, v in rec.items() if k != "members"}
        row["members"] = [
            m for m in members_text(km, rec.get("members"), sep="\t").split("\t") if m
        ]
        clusters.append(row)
    tz = [[nid, y, round(h, 4)] for nid, (y, h) in sorted(timezone_positions(km).items())]
    data = jsonable({
        "nodes": nodes,
        "edges": [[e["source"], e["target"], e["count"], e["strength"]] for e in ref_edges(km)],
        "clusters": clusters,
        "bursts": [{k: plain(v) for k, v in r.items()} for r in km.bursts.to_dict("records")],
        "docs": {}, "summary": km.summary or {},
        "year_span": list(km.year_span) if km.year_span else None,
        "colors": network.CLUSTER_COLORS, "no_color": network.NO_CLUSTER_COLOR,
        "max_docs": MAX_DOCS_PER_NODE, "timezone": tz,
    })  # fmt: skip
    data["docs"] = docs
    return render_html(data).encode("utf-8")


def ref_edges_csv(km: KnowledgeMap, path: Path) -> bytes:
    from zhagen.formats.spreadsheet import write_csv

    labels = dict(zip(km.nodes["id"].tolist(), km.nodes["label"].tolist(), strict=True))
    edges = km.edges.copy()
    edges.insert(2, "source_label", [labels.get(s, "") for s in edges["source"].tolist()])
    edges.insert(3, "target_label", [labels.get(t, "") for t in edges["target"].tolist()])
    return write_csv(tidy_table(edges), path, crlf=True).read_bytes()


REFERENCES = {
    "write_graphml": ref_graphml,
    "write_gexf": ref_gexf,
    "write_pajek": ref_pajek,
    "write_vosviewer_network": ref_vosviewer_network,
}


# --------------------------------------------------------------------------- the maps


@pytest.fixture(scope="module")
def real_maps(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, KnowledgeMap]:
    """Maps of the real CNKI and Web of Science exports: keywords, authors, cited references."""
    from zhagen.project import Project

    path = tmp_path_factory.mktemp("stream") / "real.zhagen"
    with Project.create(path) as p:
        p.add([corpora / "cnki" / "refworks_2024_298.txt",
               corpora / "wos" / "plaintext_344_fullrecord.txt"])  # fmt: skip
        return {
            "keyword": p.maps.build(record=False, min_freq=1),
            "author": p.maps.build(record=False, nodes="author", min_freq=1),
            "reference": p.maps.build(record=False, nodes="reference", min_freq=2),
        }


def awkward_maps(km: KnowledgeMap) -> dict[str, KnowledgeMap]:
    """Copies of ``km`` with what escaping and plain values must get right: labels with
    quotes, markup, ampersands, tabs, CR/LF, control characters, a formula start, an empty
    label; a link without a count, a count of -0.0, a float count column; a node with no
    value at all; no links; nothing."""
    import numpy as np

    odd = dataclasses.replace(km, nodes=km.nodes.copy(), edges=km.edges.copy())
    odd.nodes["label"] = odd.nodes["label"].astype(object)
    odd.nodes.loc[0, "label"] = 'say "新质" <b>R&D</b>\t生产力\r\n \x01 ]]>'
    odd.nodes.loc[1, "label"] = "=SUM(A1)"
    odd.nodes.loc[2, "label"] = ""
    numeric = [c for c in odd.nodes.columns if c not in ("id", "label", "members")]
    odd.nodes[numeric] = odd.nodes[numeric].astype(float)
    odd.nodes.loc[3, numeric] = np.nan
    odd.edges["count"] = odd.edges["count"].astype(float)
    odd.edges.loc[0, "count"] = np.nan
    odd.edges.loc[1, "count"] = -0.0
    odd.edges.loc[2, "strength"] = np.inf
    return {
        "odd": odd,
        "no links": dataclasses.replace(km, edges=km.edges.iloc[:0]),
        "nothing": dataclasses.replace(km, nodes=km.nodes.iloc[:0], edges=km.edges.iloc[:0]),
    }


def every_map(real_maps: dict[str, KnowledgeMap]) -> dict[str, KnowledgeMap]:
    return {**real_maps, **awkward_maps(real_maps["keyword"])}


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("writer", sorted(REFERENCES))
def test_network_files_are_byte_identical(writer: str, real_maps: dict[str, KnowledgeMap]) -> None:
    for name, km in every_map(real_maps).items():
        buf = io.BytesIO()
        getattr(network, writer)(km, buf)
        expected = REFERENCES[writer](km)
        if writer in ("write_graphml", "write_gexf"):  # XML 1.0 cannot hold \x01 at all:
            expected = expected.replace(b"\x01", "\ufffd".encode())  # ElementTree wrote it
        assert buf.getvalue() == expected, (writer, name)
    assert len(real_maps["keyword"].edges) > 1000  # the real maps have links to write


def test_links_are_written_in_chunks(real_maps: dict[str, KnowledgeMap], monkeypatch: Any) -> None:
    """Chunks of 7 links (so that the real maps take hundreds) give the same files."""
    km = real_maps["keyword"]
    whole = {w: REFERENCES[w](km) for w in REFERENCES}
    monkeypatch.setattr(network, "EDGE_CHUNK", 7)
    monkeypatch.setattr(network.edge_chunks, "__defaults__", (7,))
    assert max(len(c) for c in edge_chunks(km)) == 7
    for writer, expected in whole.items():
        buf = io.BytesIO()
        getattr(network, writer)(km, buf)
        assert buf.getvalue() == expected, writer


def test_gexf_and_graphml_read_back(real_maps: dict[str, KnowledgeMap], tmp_path: Path) -> None:
    import networkx

    km = awkward_maps(real_maps["keyword"])["odd"]
    # every character XML 1.0 cannot hold (a control character, a lone surrogate, U+FFFF)
    # is read back as U+FFFD; the files parse (ElementTree once wrote them as they were)
    km.nodes.loc[1, "label"] = "新质\x00生产力\x1f\ud800\uffff\x0b"
    network.write_graphml(km, tmp_path / "n.graphml")
    network.write_gexf(km, tmp_path / "n.gexf")
    ET.parse(tmp_path / "n.graphml"), ET.parse(tmp_path / "n.gexf")
    label = km.nodes["label"].iloc[0].replace("\x01", "\ufffd")
    back = network.read_graphml(tmp_path / "n.graphml")
    assert back["nodes"][0]["label"] == label.replace("\r\n", "\n")
    assert back["nodes"][1]["label"] == "新质\ufffd生产力\ufffd\ufffd\ufffd\ufffd"
    assert len(back["edges"]) == len(km.edges)
    g = networkx.read_gexf(tmp_path / "n.gexf")
    assert g.number_of_edges() == len(km.edges) and g.number_of_nodes() == len(km.nodes)
    assert g.nodes["0"]["label"] == label  # attributes keep CR (&#13;)
    assert g.nodes["1"]["label"] == "新质\ufffd生产力\ufffd\ufffd\ufffd\ufffd"


def test_map_html_is_byte_identical(real_maps: dict[str, KnowledgeMap], tmp_path: Path) -> None:
    for name, km in every_map(real_maps).items():
        if name == "nothing":
            continue  # no node: the time-zone view is undefined, as before
        written = write_map_html(km, tmp_path / f"{name}.html").read_bytes()
        assert written == ref_map_html(km), name


def test_edges_csv_is_byte_identical(real_maps: dict[str, KnowledgeMap], tmp_path: Path) -> None:
    for name, km in every_map(real_maps).items():
        expected = ref_edges_csv(km, tmp_path / f"{name}.ref.csv")
        for block in (400, 200_000):  # several blocks, and one
            got = write_edges_csv(km, tmp_path / f"{name}.{block}.csv", block=block)
            assert got.read_bytes() == expected, (name, block)


def test_figures_get_the_strongest_links(
    real_maps: dict[str, KnowledgeMap], monkeypatch: Any
) -> None:
    """The figures' links, read a chunk at a time, are those the whole list gave: both
    ends among the nodes drawn, strongest first, ties in the map's order."""
    from zhagen.report.drawing import strongest_links

    monkeypatch.setattr(network.edge_chunks, "__defaults__", (7,))
    for name, km in every_map(real_maps).items():
        ids = set(km.nodes["id"].tolist()[::2])  # half the nodes drawn
        every = [e for e in ref_edges(km) if e["source"] in ids and e["target"] in ids]
        for limit in (5, 2000):
            expected = sorted(every, key=lambda e: -e["strength"])[:limit]
            assert strongest_links(km, ids, limit) == expected, (name, limit)


def test_xlsx_links_sheet_reads_only_what_fits(
    real_maps: dict[str, KnowledgeMap], monkeypatch: Any, tmp_path: Path
) -> None:
    """The links sheet holds the first links that fit and says it was cut; with room for
    all, it holds them all (the rows the whole list gave)."""
    from openpyxl import load_workbook

    from zhagen.report import xlsx

    km = real_maps["keyword"]
    labels = dict(zip(km.nodes["id"].tolist(), km.nodes["label"].tolist(), strict=True))
    expected = [[e["source"], e["target"], labels[e["source"]], labels[e["target"]],
                 e["count"], e["strength"]] for e in ref_edges(km)]  # fmt: skip
    for room in (12, len(expected) + 2):
        monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", room)
        path = xlsx.write_tables_xlsx(km, tmp_path / f"t{room}.xlsx")
        rows = [
            list(r) for r in load_workbook(path, read_only=True)["连线"].iter_rows(values_only=True)
        ]
        assert rows[0] == xlsx.EDGE_HEAD
        # (openpyxl writes a float with 17 significant digits at most: compare as numbers)
        got = rows[1 : room - 1]
        assert [r[:4] for r in got] == [r[:4] for r in expected[: room - 2]]
        assert [r[4:] for r in got] == [
            pytest.approx(r[4:], rel=1e-15) for r in expected[: room - 2]
        ]
        cut = room - 2 < len(expected)
        assert len(rows) == room if cut else len(rows) == len(expected) + 1
        assert ("truncated" in str(rows[-1][0])) == cut


def test_maps_held_as_plain_columns_write_the_same_bytes(corpora: Path, tmp_path: Path,
                                                         monkeypatch: Any) -> None:  # fmt: skip
    """A map as built holds its tables as plain columns (``mapping.model.Table``): the
    streamed writers read those columns without making a DataFrame, and ``edges.csv`` of a
    map with more links than a block is written in blocks; both give the bytes the
    references give of the DataFrames."""
    from zhagen.mapping.model import Table
    from zhagen.project import Project
    from zhagen.report import mapfiles

    with Project.create(tmp_path / "t.zhagen") as p:
        p.add(corpora / "cnki" / "refworks_2024_298.txt")
        fresh = [p.maps.build(record=False, min_freq=1) for _ in range(len(REFERENCES) + 2)]
    for km, writer in zip(fresh, sorted(REFERENCES), strict=False):
        assert isinstance(km.raw("edges"), Table)
        buf = io.BytesIO()
        getattr(network, writer)(km, buf)
        assert isinstance(km.raw("edges"), Table), writer  # no DataFrame was made
        assert buf.getvalue() == REFERENCES[writer](km), writer
    plain, blocks = fresh[-2], fresh[-1]
    assert isinstance(plain.raw("edges"), Table) and len(plain.raw("edges")) > 100
    mapfiles.write_tables_csv(plain, tmp_path / "plain")
    monkeypatch.setattr(mapfiles, "EDGES_CSV_BLOCK", 100)
    mapfiles.write_tables_csv(blocks, tmp_path / "blocks")
    for name in ("nodes", "edges", "clusters", "bursts"):
        a = (tmp_path / "plain" / f"{name}.csv").read_bytes()
        assert a == (tmp_path / "blocks" / f"{name}.csv").read_bytes(), name
    assert (tmp_path / "plain" / "edges.csv").read_bytes() == ref_edges_csv(
        plain, tmp_path / "ref.csv"
    )
