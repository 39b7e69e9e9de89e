"""Network files of a knowledge map for Gephi, Pajek, VOSviewer and any GraphML reader.

Writers take a :class:`~zhagen.mapping.model.KnowledgeMap` (only its ``nodes``, ``edges``,
``clusters`` and ``term_years`` are read) and a path or an open binary file; readers return
plain data for round-trip tests and for re-importing a map edited elsewhere.

- **GraphML** (``network.graphml``): every node column as a typed ``<data>``, plus ``r g b``
  (the cluster colour, which Gephi picks up); edges carry ``weight`` (the co-occurrence
  count), ``count`` and ``strength`` (the normalised link strength).
- **GEXF 1.3** (``network.gexf``, Gephi): node attributes ``frequency``, ``degree``,
  ``betweenness``, ``burst``, ``burst_begin``, ``burst_end``, ``sigma``, ``cluster`` and
  ``first_year``; ``viz:position`` (the map layout scaled to a 1000-unit square, y up),
  ``viz:size`` and ``viz:color``. No date is written, so the same map gives the same bytes.
- **Pajek** (``network.net``): ``*Vertices n`` with quoted labels and the layout scaled to
  [0, 1] (Pajek's convention), ``*Edges`` with the count as weight; UTF-8 without BOM,
  CRLF line ends. Pajek has no escape for ``"`` inside a label: it is replaced by ``'``.
- **VOSviewer** map file (``vosviewer_map.txt``): tab-separated with the header
  ``id label x y cluster weight<Links> weight<Total link strength> weight<Occurrences>
  score<Avg. pub. year>`` (van Eck & Waltman, *VOSviewer Manual*, §"Map and network files");
  ids and clusters are numbered from 1 as VOSviewer expects (an unclustered node has an
  empty cluster cell); the total link strength is the sum of the node's co-occurrence
  counts over every link among the map's nodes *before pruning* (the node column
  ``total_link_strength``), as VOSviewer computes it; a map without that column (written
  before it existed) falls back to its links. The network file holds ``id1 id2 strength`` lines with
  the raw count (VOSviewer normalises counts itself) and no header.

Missing values (a node without a burst or a first year) are left out of GraphML/GEXF and
written as empty cells in VOSviewer files.

>>> import io
>>> from zhagen.formats.network import read_pajek
>>> read_pajek(io.BytesIO(b'*Vertices 2\\r\\n1 "a b"\\r\\n2 "c"\\r\\n*Edges\\r\\n1 2 3\\r\\n'))["edges"]
[(1, 2, 3.0)]
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from zhagen.mapping.model import KnowledgeMap

__all__ = [
    "CLUSTER_COLORS",
    "VOSVIEWER_MAP_HEADER",
    "cluster_color",
    "plain",
    "plain_nodes",
    "plain_edges",
    "write_graphml",
    "write_gexf",
    "write_pajek",
    "write_vosviewer_map",
    "write_vosviewer_network",
    "read_graphml",
    "read_pajek",
    "read_vosviewer_map",
    "read_vosviewer_network",
]

Dest = str | os.PathLike[str] | BinaryIO

#: Cluster colours (cluster 0, the largest, first), chosen to stay distinguishable in print;
#: smaller clusters are grey, as more colours would no longer be told apart.
CLUSTER_COLORS = [
    "#1f5fa8", "#d9541e", "#2a9d4b", "#c2185b", "#7b4fb8", "#b8860b",
    "#00838f", "#8d5524", "#5c6bc0", "#e08b00", "#4e8542", "#ad1457",
]  # fmt: skip
#: Colour of nodes without a cluster.
NO_CLUSTER_COLOR = "#9e9e9e"

#: Header of the VOSviewer map file.
VOSVIEWER_MAP_HEADER = [
    "id", "label", "x", "y", "cluster", "weight<Links>", "weight<Total link strength>",
    "weight<Occurrences>", "score<Avg. pub. year>",
]  # fmt: skip

_INT_COLUMNS = {"id", "frequency", "degree", "burst_begin", "burst_end", "cluster",
                "first_year", "source", "target", "count"}  # fmt: skip
_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_GEXF_NS = "http://gexf.net/1.3"
_VIZ_NS = "http://gexf.net/1.3/viz"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


# --------------------------------------------------------------------------- plain data


def plain(value: Any) -> Any:
    """A DataFrame cell as plain Python: ``None`` for NaN/NA/None, int, float or str.

    Examples
    --------
    >>> plain(float("nan")) is None, plain(2.0), plain("新")
    (True, 2.0, '新')
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        value = value.tolist()  # numpy scalars and arrays
        if isinstance(value, list):
            return [plain(v) for v in value]
    try:
        if value != value:  # NaN, pd.NA raises TypeError
            return None
    except (TypeError, ValueError):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def _as_int(value: Any) -> int | None:
    value = plain(value)
    if value is None or isinstance(value, (list, str)):
        return None
    return int(value)


def _as_float(value: Any) -> float | None:
    value = plain(value)
    if value is None or isinstance(value, (list, str)):
        return None
    return float(value)


def plain_nodes(km: KnowledgeMap) -> list[dict[str, Any]]:
    """The map's nodes as a list of dicts of plain values (ints where a column is integral).

    Examples
    --------
    >>> from zhagen.examples import tiny_map
    >>> plain_nodes(tiny_map())[0]["label"]
    '科技创新'
    """
    rows = []
    for rec in km.records("nodes"):
        row: dict[str, Any] = {}
        for key, value in rec.items():
            if key in _INT_COLUMNS:
                row[key] = _as_int(value)
            elif key == "label":
                row[key] = "" if plain(value) is None else str(value)
            else:
                row[key] = plain(value)
        rows.append(row)
    return rows


def plain_edges(km: KnowledgeMap) -> list[dict[str, Any]]:
    """The map's edges as dicts ``source, target, count, strength`` of plain values."""
    rows = []
    for rec in km.records("edges"):
        rows.append(
            {
                "source": _as_int(rec.get("source")),
                "target": _as_int(rec.get("target")),
                "count": _as_float(rec.get("count")) or 0.0,
                "strength": _as_float(rec.get("strength")) or 0.0,
            }
        )
    return rows


def cluster_color(cluster: int | None) -> str:
    """Hex colour of a cluster: one of :data:`CLUSTER_COLORS` for the 12 largest clusters
    (ids 0–11), grey for smaller ones, ``None`` or a negative id.

    Examples
    --------
    >>> cluster_color(0), cluster_color(12) == cluster_color(None)
    ('#1f5fa8', True)
    """
    if cluster is None or cluster < 0 or cluster >= len(CLUSTER_COLORS):
        return NO_CLUSTER_COLOR
    return CLUSTER_COLORS[cluster]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _fmt(value: Any) -> str:
    """Shortest faithful text of a number (``repr`` of floats round-trips exactly)."""
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return str(value)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@contextlib.contextmanager
def _writing(dest: Dest) -> Iterator[BinaryIO]:
    if isinstance(dest, (str, os.PathLike)):
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as fh:
            yield fh
    else:
        yield dest


def _read_all(source: Dest) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    return source.read()


def _scaled_positions(
    nodes: list[dict[str, Any]], lo: float, hi: float
) -> list[tuple[float, float]]:
    """Layout coordinates mapped into ``[lo, hi]`` keeping the aspect ratio."""
    xs = [n.get("x") if n.get("x") is not None else 0.0 for n in nodes]
    ys = [n.get("y") if n.get("y") is not None else 0.0 for n in nodes]
    if not nodes:
        return []
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return [
        (mid + (x - cx) / span * 2 * half, mid + (y - cy) / span * 2 * half)
        for x, y in zip(xs, ys, strict=True)
    ]


# --------------------------------------------------------------------------- GraphML


def _graphml_type(column: str, values: list[Any]) -> str:
    if column in _INT_COLUMNS:
        return "int"
    if any(isinstance(v, str) for v in values):
        return "string"
    return "double"


def write_graphml(km: KnowledgeMap, dest: Dest) -> None:
    """Write the map as GraphML (undirected; readable by Gephi, networkx, yEd, Cytoscape).

    Examples
    --------
    >>> import os, tempfile, networkx
    >>> from zhagen.examples import tiny_map
    >>> km = tiny_map()
    >>> path = os.path.join(tempfile.mkdtemp(), "network.graphml")
    >>> write_graphml(km, path)
    >>> networkx.read_graphml(path).number_of_nodes() == len(km.nodes)
    True
    """
    import xml.etree.ElementTree as ET

    nodes, edges = plain_nodes(km), plain_edges(km)
    ET.register_namespace("", _GRAPHML_NS)
    root = ET.Element(f"{{{_GRAPHML_NS}}}graphml")
    columns = [c for c in km.nodes.columns if c != "id" and c != "members"]
    for col in columns:
        kind = _graphml_type(col, [n.get(col) for n in nodes])
        _key(root, col, "node", kind)
    for col in ("r", "g", "b"):
        _key(root, col, "node", "int")
    for col, kind in (("weight", "double"), ("count", "double"), ("strength", "double")):
        _key(root, col, "edge", kind)
    graph = ET.SubElement(root, f"{{{_GRAPHML_NS}}}graph", id="G", edgedefault="undirected")
    for node in nodes:
        el = ET.SubElement(graph, f"{{{_GRAPHML_NS}}}node", id=f"n{node['id']}")
        for col in columns:
            if node.get(col) is not None and not isinstance(node.get(col), list):
                _data(el, col, node[col])
        for col, value in zip("rgb", _rgb(cluster_color(node.get("cluster"))), strict=True):
            _data(el, col, value)
    for i, edge in enumerate(edges):
        el = ET.SubElement(
            graph, f"{{{_GRAPHML_NS}}}edge", id=f"e{i}",
            source=f"n{edge['source']}", target=f"n{edge['target']}",
        )  # fmt: skip
        _data(el, "weight", edge["count"])
        _data(el, "count", edge["count"])
        _data(el, "strength", edge["strength"])
    _write_tree(root, dest)


def _key(root: Any, name: str, domain: str, kind: str) -> None:
    import xml.etree.ElementTree as ET

    attrs = {"id": name, "for": domain, "attr.name": name, "attr.type": kind}
    ET.SubElement(root, f"{{{_GRAPHML_NS}}}key", attrs)


def _data(el: Any, key: str, value: Any) -> None:
    import xml.etree.ElementTree as ET

    ET.SubElement(el, f"{{{_GRAPHML_NS}}}data", key=key).text = _fmt(value)


def _write_tree(root: Any, dest: Dest) -> None:
    import xml.etree.ElementTree as ET

    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with _writing(dest) as fh:
        fh.write(data + b"\n")


def read_graphml(source: Dest) -> dict[str, list[dict[str, Any]]]:
    """Read a GraphML file written by :func:`write_graphml` (or any flat GraphML graph).

    Returns
    -------
    dict
        ``{"nodes": [{"id": ..., <key>: value}], "edges": [{"source", "target", ...}]}``
        with values converted by their declared ``attr.type``.
    """
    from defusedxml.ElementTree import fromstring

    root = fromstring(_read_all(source))
    ns = {"g": _GRAPHML_NS}
    casts = {"int": int, "long": int, "float": float, "double": float,
             "boolean": lambda s: s.strip().lower() == "true", "string": str}  # fmt: skip
    keys = {
        k.get("id"): (k.get("attr.name") or k.get("id"), casts.get(k.get("attr.type"), str))
        for k in root.findall("g:key", ns)
    }

    def values(el: Any) -> dict[str, Any]:
        out = {}
        for d in el.findall("g:data", ns):
            name, cast = keys.get(d.get("key"), (d.get("key"), str))
            out[name] = cast(d.text or "")
        return out

    graph = root.find("g:graph", ns)
    if graph is None:
        return {"nodes": [], "edges": []}
    nodes = [{"id": n.get("id"), **values(n)} for n in graph.findall("g:node", ns)]
    edges = [
        {"source": e.get("source"), "target": e.get("target"), **values(e)}
        for e in graph.findall("g:edge", ns)
    ]
    return {"nodes": nodes, "edges": edges}


# --------------------------------------------------------------------------- GEXF

_GEXF_NODE_ATTRS = [
    ("frequency", "frequency", "integer"), ("degree", "degree", "integer"),
    ("weighted_degree", "weighted_degree", "double"), ("betweenness", "betweenness", "double"),
    ("burst", "burst_strength", "double"), ("burst_begin", "burst_begin", "integer"),
    ("burst_end", "burst_end", "integer"), ("sigma", "sigma", "double"),
    ("cluster", "cluster", "integer"), ("first_year", "first_year", "integer"),
]  # fmt: skip


def write_gexf(km: KnowledgeMap, dest: Dest, *, creator: str = "zhagen") -> None:
    """Write the map as GEXF 1.3 for Gephi, with attributes, positions, sizes and colours.

    Examples
    --------
    >>> import os, tempfile, networkx
    >>> from zhagen.examples import tiny_map
    >>> km = tiny_map()
    >>> path = os.path.join(tempfile.mkdtemp(), "network.gexf")
    >>> write_gexf(km, path)
    >>> networkx.read_gexf(path).number_of_edges() == len(km.edges)
    True
    """
    import xml.etree.ElementTree as ET

    nodes, edges = plain_nodes(km), plain_edges(km)
    ET.register_namespace("", _GEXF_NS)
    ET.register_namespace("viz", _VIZ_NS)
    ET.register_namespace("xsi", _XSI_NS)
    root = ET.Element(
        f"{{{_GEXF_NS}}}gexf",
        {"version": "1.3", f"{{{_XSI_NS}}}schemaLocation": f"{_GEXF_NS} {_GEXF_NS}/gexf.xsd"},
    )
    meta = ET.SubElement(root, f"{{{_GEXF_NS}}}meta")
    ET.SubElement(meta, f"{{{_GEXF_NS}}}creator").text = creator
    ET.SubElement(meta, f"{{{_GEXF_NS}}}description").text = "keyword co-occurrence network"
    graph = ET.SubElement(root, f"{{{_GEXF_NS}}}graph", mode="static", defaultedgetype="undirected")
    attrs = ET.SubElement(graph, f"{{{_GEXF_NS}}}attributes", {"class": "node", "mode": "static"})
    for aid, _col, kind in _GEXF_NODE_ATTRS:
        ET.SubElement(attrs, f"{{{_GEXF_NS}}}attribute", id=aid, title=aid, type=kind)
    eattrs = ET.SubElement(graph, f"{{{_GEXF_NS}}}attributes", {"class": "edge", "mode": "static"})
    ET.SubElement(
        eattrs, f"{{{_GEXF_NS}}}attribute", id="strength", title="strength", type="double"
    )
    _gexf_nodes(graph, nodes)
    el_edges = ET.SubElement(graph, f"{{{_GEXF_NS}}}edges")
    for i, edge in enumerate(edges):
        el = ET.SubElement(
            el_edges, f"{{{_GEXF_NS}}}edge", id=str(i), source=str(edge["source"]),
            target=str(edge["target"]), weight=_fmt(edge["count"]),
        )  # fmt: skip
        av = ET.SubElement(el, f"{{{_GEXF_NS}}}attvalues")
        ET.SubElement(
            av, f"{{{_GEXF_NS}}}attvalue", {"for": "strength", "value": _fmt(edge["strength"])}
        )
    _write_tree(root, dest)


def _gexf_nodes(graph: Any, nodes: list[dict[str, Any]]) -> None:
    import xml.etree.ElementTree as ET

    el_nodes = ET.SubElement(graph, f"{{{_GEXF_NS}}}nodes")
    positions = _scaled_positions(nodes, -500.0, 500.0)
    fmax = max((n.get("frequency") or 0 for n in nodes), default=0) or 1
    for node, (x, y) in zip(nodes, positions, strict=True):
        el = ET.SubElement(el_nodes, f"{{{_GEXF_NS}}}node", id=str(node["id"]), label=node["label"])
        av = ET.SubElement(el, f"{{{_GEXF_NS}}}attvalues")
        for aid, col, _kind in _GEXF_NODE_ATTRS:
            if node.get(col) is not None:
                ET.SubElement(av, f"{{{_GEXF_NS}}}attvalue", {"for": aid, "value": _fmt(node[col])})
        size = 4.0 + 36.0 * math.sqrt((node.get("frequency") or 0) / fmax)
        ET.SubElement(el, f"{{{_VIZ_NS}}}size", value=_fmt(round(size, 3)))
        # the map is drawn with y up, as Gephi draws it
        ET.SubElement(el, f"{{{_VIZ_NS}}}position", x=_fmt(round(x, 4)), y=_fmt(round(y, 4)), z="0")
        r, g, b = _rgb(cluster_color(node.get("cluster")))
        ET.SubElement(el, f"{{{_VIZ_NS}}}color", r=str(r), g=str(g), b=str(b))


# --------------------------------------------------------------------------- Pajek


def _pajek_label(label: str) -> str:
    return '"' + _one_line(label).replace('"', "'") + '"'


def write_pajek(km: KnowledgeMap, dest: Dest) -> None:
    """Write the map as a Pajek ``.net`` file (UTF-8, CRLF).

    Vertices are numbered from 1 in node-id order; each line holds the quoted label and the
    layout scaled to [0, 1] (``x y 0.5``); ``*Edges`` lines hold ``i j count``.

    Examples
    --------
    >>> import os, tempfile
    >>> from zhagen.examples import tiny_map
    >>> path = os.path.join(tempfile.mkdtemp(), "network.net")
    >>> write_pajek(tiny_map(), path)
    >>> open(path, encoding="utf-8").readline().split()[0]
    '*Vertices'
    """
    nodes = sorted(plain_nodes(km), key=lambda n: n["id"])
    number = {n["id"]: i for i, n in enumerate(nodes, 1)}
    lines = [f"*Vertices {len(nodes)}"]
    for node, (x, y) in zip(nodes, _scaled_positions(nodes, 0.02, 0.98), strict=True):
        # Pajek's y axis points down: flip so the drawing matches map.png
        lines.append(f"{number[node['id']]} {_pajek_label(node['label'])} {x:.4f} {1 - y:.4f} 0.5")
    lines.append("*Edges")
    for edge in plain_edges(km):
        s, t = number.get(edge["source"]), number.get(edge["target"])
        if s is not None and t is not None:
            lines.append(f"{s} {t} {_fmt(edge['count'])}")
    with _writing(dest) as fh:
        fh.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def read_pajek(source: Dest) -> dict[str, Any]:
    """Read an undirected Pajek ``.net`` file.

    Returns
    -------
    dict
        ``{"labels": {number: label}, "coords": {number: (x, y)}, "edges": [(i, j, w)]}``
        (``*Arcs`` are read as edges too).
    """
    text = _read_all(source).decode("utf-8-sig", errors="replace")
    labels: dict[int, str] = {}
    coords: dict[int, tuple[float, float]] = {}
    edges: list[tuple[int, int, float]] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("*"):
            section = line.split()[0].lower()
            continue
        parts = shlex.split(line, posix=True)
        if section == "*vertices":
            num = int(parts[0])
            labels[num] = parts[1] if len(parts) > 1 else str(num)
            if len(parts) >= 4:
                coords[num] = (float(parts[2]), float(parts[3]))
        elif section in ("*edges", "*arcs"):
            weight = float(parts[2]) if len(parts) > 2 else 1.0
            edges.append((int(parts[0]), int(parts[1]), weight))
    return {"labels": labels, "coords": coords, "edges": edges}


# --------------------------------------------------------------------------- VOSviewer


def _avg_year(term_years: dict[int, int] | None) -> float | None:
    if not term_years:
        return None
    total = sum(term_years.values())
    if total <= 0:
        return None
    return sum(int(y) * c for y, c in term_years.items()) / total


def write_vosviewer_map(km: KnowledgeMap, dest: Dest) -> None:
    """Write VOSviewer's map file (tab-separated, UTF-8, header line, ids from 1).

    ``score<Avg. pub. year>`` is the occurrence-weighted mean year of the term (from
    ``km.term_years``), or its first year when per-year counts are missing.

    Examples
    --------
    >>> import os, tempfile
    >>> from zhagen.examples import tiny_map
    >>> path = os.path.join(tempfile.mkdtemp(), "vosviewer_map.txt")
    >>> write_vosviewer_map(tiny_map(), path)
    >>> open(path, encoding="utf-8-sig").readline().split("\\t")[:2]
    ['id', 'label']
    """
    nodes = sorted(plain_nodes(km), key=lambda n: n["id"])
    strength: dict[int, float] = {}
    if nodes and all(n.get("total_link_strength") is not None for n in nodes):
        # written by the map before pruning, as VOSviewer counts it
        strength = {n["id"]: float(n["total_link_strength"]) for n in nodes}
    else:  # a map from before total_link_strength: the sum over its (pruned) links
        for edge in plain_edges(km):
            for end in (edge["source"], edge["target"]):
                strength[end] = strength.get(end, 0.0) + edge["count"]
    from zhagen.formats.spreadsheet import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(VOSVIEWER_MAP_HEADER)
    for node in nodes:
        cluster = node.get("cluster")
        year = _avg_year(km.term_years.get(node["label"])) or node.get("first_year")
        writer.writerow([
            node["id"] + 1, safe_cell(_one_line(node["label"])),
            _fmt(node.get("x") or 0.0), _fmt(node.get("y") or 0.0),
            "" if cluster is None or cluster < 0 else cluster + 1,
            node.get("degree") or 0, _fmt(strength.get(node["id"], 0.0)),
            node.get("frequency") or 0, "" if year is None else f"{year:.2f}",
        ])  # fmt: skip
    with _writing(dest) as fh:
        fh.write(buf.getvalue().encode("utf-8"))


def write_vosviewer_network(km: KnowledgeMap, dest: Dest) -> None:
    """Write VOSviewer's network file: ``id1<TAB>id2<TAB>strength`` (count), no header."""
    lines = [
        f"{e['source'] + 1}\t{e['target'] + 1}\t{_fmt(e['count'])}"
        for e in plain_edges(km)
        if e["source"] is not None and e["target"] is not None
    ]
    with _writing(dest) as fh:
        fh.write("".join(line + "\n" for line in lines).encode("utf-8"))


def _cell(value: str) -> int | float | str | None:
    if value == "":
        return None
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def read_vosviewer_map(source: Dest) -> list[dict[str, Any]]:
    """Read a VOSviewer map file (tab- or comma-separated, with a header line).

    Returns one dict per item keyed by the header; numbers are converted, empty cells are
    ``None``, ``label`` stays text.
    """
    text = _read_all(source).decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines:
        return []
    delimiter = "\t" if "\t" in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = rows[0]
    out = []
    for row in rows[1:]:
        if not any(row):
            continue
        item = {}
        for key, value in zip(header, row, strict=False):
            item[key] = value if key in ("label", "description", "url") else _cell(value)
        out.append(item)
    return out


def read_vosviewer_network(source: Dest) -> list[tuple[int, int, float]]:
    """Read a VOSviewer network file: ``(id1, id2, strength)`` per line (strength 1 if absent)."""
    text = _read_all(source).decode("utf-8-sig", errors="replace")
    out = []
    for line in text.splitlines():
        parts = line.replace(",", "\t").split()
        if len(parts) >= 2:
            out.append((int(parts[0]), int(parts[1]), float(parts[2]) if len(parts) > 2 else 1.0))
    return out
