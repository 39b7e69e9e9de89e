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
import re
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
    "edge_chunks",
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
    return [{key: _plain_cell(key, value) for key, value in rec.items()}
            for rec in km.records("nodes")]  # fmt: skip


def plain_node_columns(km: KnowledgeMap, *names: str) -> list[list[Any]]:
    """Columns ``names`` of the map's nodes, each value as :func:`plain_nodes` gives it
    (without a dict per node of every column: what a writer reading a few columns needs).

    Examples
    --------
    >>> from zhagen.examples import tiny_map
    >>> ids, labels = plain_node_columns(tiny_map(), "id", "label")
    >>> labels[0], ids == [n["id"] for n in plain_nodes(tiny_map())]
    ('科技创新', True)
    """
    out = []
    for name in names:
        try:
            values = km.column("nodes", name)
        except KeyError:  # a map without the column: None, as a plain node's .get(name)
            values = [None] * len(km.records("nodes"))
        out.append([_plain_cell(name, v) for v in values])
    return out


def _plain_cell(key: str, value: Any) -> Any:
    """A node cell of column ``key`` as plain Python (ints where the column is integral)."""
    if key in _INT_COLUMNS:
        return _as_int(value)
    if key == "label":
        return "" if plain(value) is None else str(value)
    return plain(value)


def plain_edges(km: KnowledgeMap) -> list[dict[str, Any]]:
    """The map's edges as dicts ``source, target, count, strength`` of plain values.

    A list of a dict per link: for a map of millions of links, read them in chunks with
    :func:`edge_chunks` instead (what every writer here does).

    Examples
    --------
    >>> from zhagen.examples import tiny_map
    >>> sorted(plain_edges(tiny_map())[0])
    ['count', 'source', 'strength', 'target']
    """
    return [
        {"source": s, "target": t, "count": c, "strength": w}
        for chunk in edge_chunks(km)
        for s, t, c, w in chunk
    ]


#: Links per chunk of :func:`edge_chunks`: large enough that the per-chunk cost vanishes,
#: small enough that a chunk's Python objects (~300 bytes a link) stay a few tens of MB.
EDGE_CHUNK = 65_536


def edge_chunks(
    km: KnowledgeMap, size: int = EDGE_CHUNK
) -> Iterator[list[tuple[int | None, int | None, float, float]]]:
    """The map's edges as plain ``(source, target, count, strength)`` tuples, ``size`` at a
    time, read from the columns of ``km.edges``: the values of :func:`plain_edges` (a
    missing end is None, a missing count or strength 0.0) without a dict per link, so a
    writer holds one chunk of Python objects, never all of them.

    Examples
    --------
    >>> from zhagen.examples import tiny_map
    >>> km = tiny_map()
    >>> sum(len(c) for c in edge_chunks(km, size=2)) == len(km.edges)
    True
    >>> next(edge_chunks(km))[0] == tuple(plain_edges(km)[0].values())
    True
    """
    cols = _edge_columns(km)
    n = len(next(iter(cols.values()))) if cols else 0
    ends = [_int_column(cols, c) for c in ("source", "target")]
    weights = [_float_column(cols, c) for c in ("count", "strength")]
    for lo in range(0, n, size):
        hi = min(lo + size, n)
        yield list(zip(*(col(lo, hi) for col in (*ends, *weights)), strict=True))


def _edge_columns(km: KnowledgeMap) -> dict[str, Any]:
    """The columns of the map's edges as held (numpy arrays, lists or ranges of a
    ``mapping.model.Table``; a DataFrame's columns as arrays): no DataFrame is made."""
    held = km.raw("edges")
    if hasattr(held, "to_numpy"):  # a DataFrame
        return {c: held[c].to_numpy() for c in held.columns}
    return dict(held.data)


def _values(seq: Any, lo: int, hi: int) -> list[Any]:
    part = seq[lo:hi]
    return part.tolist() if hasattr(part, "tolist") else list(part)


def _int_column(cols: dict[str, Any], name: str) -> Any:
    """A function ``(lo, hi) -> list`` of the column's values as :func:`_as_int` gives them."""
    import numpy as np

    if name not in cols:
        return lambda lo, hi: [None] * (hi - lo)
    values = cols[name]
    if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        return lambda lo, hi: values[lo:hi].astype(np.int64).tolist()
    return lambda lo, hi: [_as_int(v) for v in _values(values, lo, hi)]


def _float_column(cols: dict[str, Any], name: str) -> Any:
    """A function ``(lo, hi) -> list`` of the column's values as ``_as_float(v) or 0.0``."""
    import numpy as np

    if name not in cols:
        return lambda lo, hi: [0.0] * (hi - lo)
    values = cols[name]
    if isinstance(values, np.ndarray) and values.dtype.kind in "iufb":

        def block(lo: int, hi: int) -> list[float]:
            part = values[lo:hi].astype(np.float64)
            # NaN and ±inf are no value (0.0); adding 0.0 turns -0.0 into 0.0 as ``or`` does
            return (np.where(np.isfinite(part), part, 0.0) + 0.0).tolist()

        return block
    return lambda lo, hi: [_as_float(v) or 0.0 for v in _values(values, lo, hi)]


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

    Written element by element (:class:`_XmlOut`), links a chunk at a time: the memory
    taken does not grow with the number of links.

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
    nodes = plain_nodes(km)
    columns = [c for c in km.nodes.columns if c != "id" and c != "members"]
    keys = [(col, "node", _graphml_type(col, [n.get(col) for n in nodes])) for col in columns]
    keys += [(col, "node", "int") for col in ("r", "g", "b")]
    keys += [(col, "edge", "double") for col in ("weight", "count", "strength")]
    with _writing(dest) as fh:
        out = _XmlOut(fh)
        out.start(0, "graphml", [("xmlns", _GRAPHML_NS)])
        for name, domain, kind in keys:
            attrs = [("id", name), ("for", domain), ("attr.name", name), ("attr.type", kind)]
            out.leaf(1, "key", attrs)
        graph = [("id", "G"), ("edgedefault", "undirected")]
        if not nodes and not len(km.raw("edges")):
            out.leaf(1, "graph", graph)
        else:
            out.start(1, "graph", graph)
            for node in nodes:
                out.start(2, "node", [("id", f"n{node['id']}")])
                for col in columns:
                    if node.get(col) is not None and not isinstance(node.get(col), list):
                        out.leaf(3, "data", [("key", col)], _fmt(node[col]))
                for col, value in zip("rgb", _rgb(cluster_color(node.get("cluster"))), strict=True):
                    out.leaf(3, "data", [("key", col)], _fmt(value))
                out.end(2, "node")
            _write_links(out, km, _GRAPHML_EDGE)
            out.end(1, "graph")
        out.end(0, "graphml")
        out.close()


def _write_links(out: _XmlOut, km: KnowledgeMap, template: str) -> None:
    """Every link as ``template.format(number, source, target, count, strength)``, a
    chunk at a time (numbers and ids only: nothing in a link needs escaping)."""
    i = 0
    for chunk in edge_chunks(km):
        out.raw("".join(
            template.format(i, s, t, _fmt(c), _fmt(w)) for i, (s, t, c, w) in enumerate(chunk, i)
        ))  # fmt: skip
        i += len(chunk)


_GRAPHML_EDGE = (
    '\n    <edge id="e{0}" source="n{1}" target="n{2}">'
    '\n      <data key="weight">{3}</data>'
    '\n      <data key="count">{3}</data>'
    '\n      <data key="strength">{4}</data>'
    "\n    </edge>"
)

#: What ElementTree escapes in an attribute value beyond ``& < >`` (``_escape_attrib``).
_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
#: Characters XML 1.0 cannot hold, not even as references: C0 controls but TAB, LF and CR,
#: lone surrogates, U+FFFE and U+FFFF. ElementTree wrote them as they were, and Gephi or
#: networkx then refused the whole file; the writers put U+FFFD in their place (the label
#: itself is unchanged in the project and in the CSV files).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    r"""``text`` escaped as ElementTree escapes element text, with U+FFFD for what XML 1.0
    cannot hold.

    >>> _xml_text("R&D \x01 <b>") == "R&amp;D \ufffd &lt;b&gt;"
    True
    """
    from xml.sax.saxutils import escape

    return escape(_NOT_XML.sub("\ufffd", text))


def _xml_attr(text: str) -> str:
    r"""``text`` escaped as ElementTree escapes an attribute value, with U+FFFD for what
    XML 1.0 cannot hold.

    >>> _xml_attr('say "hi"\t\x0b') == "say &quot;hi&quot;&#09;\ufffd"
    True
    """
    from xml.sax.saxutils import escape

    return escape(_NOT_XML.sub("\ufffd", text), _ATTR_ENTITIES)


class _XmlOut:
    """An XML document written element by element to a binary file, byte for byte as
    ``ElementTree.indent(root, space="  ")`` and ``ElementTree.tostring(root,
    encoding="utf-8", xml_declaration=True)`` followed by a newline would write the whole
    tree: the declaration, one element a line indented two spaces a level, ``<e />`` for
    an element without text or children, text escaped as ElementTree escapes it
    (:func:`xml.sax.saxutils.escape`; attribute values also ``" CR LF TAB``), characters
    UTF-8 cannot hold as character references — except what XML 1.0 cannot hold at all,
    which becomes U+FFFD (:data:`_NOT_XML`). Text is gathered and written in blocks.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> out = _XmlOut(buf)
    >>> out.start(0, "a", [("x", 'say "1 < 2"')])
    >>> out.leaf(1, "b", [], "R&D")
    >>> out.end(0, "a")
    >>> out.close()
    >>> print(buf.getvalue().decode())
    <?xml version='1.0' encoding='utf-8'?>
    <a x="say &quot;1 &lt; 2&quot;">
      <b>R&amp;D</b>
    </a>
    <BLANKLINE>
    """

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.parts: list[str] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.held = 0

    def raw(self, text: str) -> None:
        """Add text already escaped and indented."""
        self.parts.append(text)
        self.held += len(text)
        if self.held > 1 << 20:
            self.flush()

    def _open(self, level: int, tag: str, attrs: list[tuple[str, str]]) -> str:
        head = f"\n{'  ' * level}<{tag}" if level else f"<{tag}"
        return head + "".join(f' {k}="{_xml_attr(v)}"' for k, v in attrs)

    def start(self, level: int, tag: str, attrs: list[tuple[str, str]]) -> None:
        """Open an element that has children."""
        self.raw(self._open(level, tag, attrs) + ">")

    def end(self, level: int, tag: str) -> None:
        """Close the element opened by :meth:`start` at ``level``."""
        self.raw(f"\n{'  ' * level}</{tag}>")

    def leaf(
        self, level: int, tag: str, attrs: list[tuple[str, str]], text: str | None = None
    ) -> None:
        """An element without children: ``text`` (escaped) or ``<tag ... />``."""
        head = self._open(level, tag, attrs)
        self.raw(f"{head}>{_xml_text(text)}</{tag}>" if text else head + " />")

    def flush(self) -> None:
        self.fh.write("".join(self.parts).encode("utf-8", "xmlcharrefreplace"))
        self.parts.clear()
        self.held = 0

    def close(self) -> None:
        """End the document (a newline) and write what is held."""
        self.raw("\n")
        self.flush()


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

    Written element by element (:class:`_XmlOut`), links a chunk at a time: the memory
    taken does not grow with the number of links.

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
    nodes = plain_nodes(km)
    # ElementTree declares a namespace only where it is used: viz only on nodes
    spaces = [("xmlns", _GEXF_NS), ("xmlns:viz", _VIZ_NS)] if nodes else [("xmlns", _GEXF_NS)]
    root = [*spaces, ("xmlns:xsi", _XSI_NS), ("version", "1.3"),
            ("xsi:schemaLocation", f"{_GEXF_NS} {_GEXF_NS}/gexf.xsd")]  # fmt: skip
    with _writing(dest) as fh:
        out = _XmlOut(fh)
        out.start(0, "gexf", root)
        out.start(1, "meta", [])
        out.leaf(2, "creator", [], creator)
        out.leaf(2, "description", [], "keyword co-occurrence network")
        out.end(1, "meta")
        out.start(1, "graph", [("mode", "static"), ("defaultedgetype", "undirected")])
        out.start(2, "attributes", [("class", "node"), ("mode", "static")])
        for aid, _col, kind in _GEXF_NODE_ATTRS:
            out.leaf(3, "attribute", [("id", aid), ("title", aid), ("type", kind)])
        out.end(2, "attributes")
        out.start(2, "attributes", [("class", "edge"), ("mode", "static")])
        out.leaf(3, "attribute", [("id", "strength"), ("title", "strength"), ("type", "double")])
        out.end(2, "attributes")
        _gexf_nodes(out, nodes)
        if not len(km.raw("edges")):
            out.leaf(2, "edges", [])
        else:
            out.start(2, "edges", [])
            _write_links(out, km, _GEXF_EDGE)
            out.end(2, "edges")
        out.end(1, "graph")
        out.end(0, "gexf")
        out.close()


_GEXF_EDGE = (
    '\n      <edge id="{0}" source="{1}" target="{2}" weight="{3}">'
    "\n        <attvalues>"
    '\n          <attvalue for="strength" value="{4}" />'
    "\n        </attvalues>"
    "\n      </edge>"
)


def _gexf_nodes(out: _XmlOut, nodes: list[dict[str, Any]]) -> None:
    if not nodes:
        out.leaf(2, "nodes", [])
        return
    out.start(2, "nodes", [])
    positions = _scaled_positions(nodes, -500.0, 500.0)
    fmax = max((n.get("frequency") or 0 for n in nodes), default=0) or 1
    for node, (x, y) in zip(nodes, positions, strict=True):
        out.start(3, "node", [("id", str(node["id"])), ("label", node["label"])])
        values = [
            [("for", aid), ("value", _fmt(node[col]))]
            for aid, col, _kind in _GEXF_NODE_ATTRS
            if node.get(col) is not None
        ]
        if values:
            out.start(4, "attvalues", [])
            for attrs in values:
                out.leaf(5, "attvalue", attrs)
            out.end(4, "attvalues")
        else:
            out.leaf(4, "attvalues", [])
        size = 4.0 + 36.0 * math.sqrt((node.get("frequency") or 0) / fmax)
        out.leaf(4, "viz:size", [("value", _fmt(round(size, 3)))])
        # the map is drawn with y up, as Gephi draws it
        out.leaf(
            4, "viz:position", [("x", _fmt(round(x, 4))), ("y", _fmt(round(y, 4))), ("z", "0")]
        )
        r, g, b = _rgb(cluster_color(node.get("cluster")))
        out.leaf(4, "viz:color", [("r", str(r)), ("g", str(g)), ("b", str(b))])
        out.end(3, "node")
    out.end(2, "nodes")


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
    with _writing(dest) as fh:
        fh.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))
        for chunk in edge_chunks(km):  # a chunk of links at a time, never all their lines
            block = [
                f"{number[s]} {number[t]} {_fmt(c)}\r\n"
                for s, t, c, _w in chunk
                if s in number and t in number
            ]
            fh.write("".join(block).encode("utf-8"))


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
        for chunk in edge_chunks(km):
            for source, target, count, _w in chunk:
                for end in (source, target):
                    strength[end] = strength.get(end, 0.0) + count
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
    with _writing(dest) as fh:
        for chunk in edge_chunks(km):  # a chunk of links at a time, never all their lines
            block = [
                f"{s + 1}\t{t + 1}\t{_fmt(c)}\n"
                for s, t, c, _w in chunk
                if s is not None and t is not None
            ]
            fh.write("".join(block).encode("utf-8"))


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
