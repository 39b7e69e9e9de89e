"""``map.html``: the knowledge map as one self-contained, offline, interactive page.

Everything is in the file: the map's data as JSON inside ``<script type="application/json">``
and a small hand-written canvas renderer (no library, no CDN, no network access; a Content
Security Policy forbids loading anything). It draws the precomputed layout (``nodes.x/y``),
with wheel zoom and drag pan, a search box that highlights matching terms, a hover tooltip
(frequency, degree, betweenness, cluster, burst, first year), a side panel listing a
clicked node's co-occurring terms and records (ids and titles), and tabs with the clusters,
bursts, timeline and summary as tables and the time-zone view (terms in the column of the
year they first appeared, placed by :func:`zhagen.report.timezone_figure.timezone_positions`
as in ``timezone.png``) drawn on a canvas.

Safety: every text reaches the page through ``textContent``; the JSON has ``<``, ``>``,
``&``, U+2028 and U+2029 escaped as ``\\uXXXX``, so a title containing ``</script>`` stays
data. Titles are cut at 300 characters and each node lists at most 200 records (the panel
says how many there are), so a map of a million records still gives a small page.

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> path = write_map_html(tiny_map(), Path(tempfile.mkdtemp()) / "map.html")
>>> "科技创新" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import CLUSTER_COLORS, NO_CLUSTER_COLOR, edge_chunks, plain, plain_nodes
from zhagen.mapping.model import doc_count, first_docs
from zhagen.report.map_values import jsonable, members_text

if TYPE_CHECKING:
    from zhagen.mapping.model import KnowledgeMap

__all__ = ["write_map_html", "map_data", "safe_json", "render_html"]

MAX_DOCS_PER_NODE = 200
MAX_TITLE = 300


def safe_json(obj: Any) -> str:
    """JSON that can sit inside an HTML ``<script>`` element without ending it.

    Examples
    --------
    >>> safe_json({"t": "</script>"})
    '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, escaped)
    return text


def map_data(km: KnowledgeMap) -> dict[str, Any]:
    """The plain data embedded in ``map.html`` (nodes, edges, clusters, bursts, records).

    ``map.html`` itself is written from :func:`_data_parts` a piece at a time; this is the
    same data as one dict (for tests and callers that want it whole).
    """
    data = {}
    for key, part in _data_parts(km):
        if key == "edges":
            data[key] = [list(e) for chunk in part for e in chunk]
        elif key == "docs":
            data[key] = {nid: rows for chunk in part for nid, rows in chunk}
        else:
            data[key] = part
    return data


def _data_parts(km: KnowledgeMap) -> Iterator[tuple[str, Any]]:
    """The keys of :func:`map_data` in order, each with its plain value, except ``edges``
    (chunks of ``(source, target, count, strength)``) and ``docs`` (chunks of ``(node id,
    rows)``), which are made a chunk at a time as they are written."""
    nodes = plain_nodes(km)
    node_ids = [n["id"] for n in nodes]
    for n in nodes:
        n["n_docs"] = doc_count(km.node_docs, n["id"])
    clusters = []
    for rec in km.clusters.to_dict("records"):
        row = {k: plain(v) for k, v in rec.items() if k != "members"}
        row["members"] = members_text(km, rec.get("members"), sep="\t").split("\t")
        row["members"] = [m for m in row["members"] if m]
        clusters.append(row)
    bursts = [{k: plain(v) for k, v in rec.items()} for rec in km.bursts.to_dict("records")]
    span = list(km.year_span) if km.year_span else None
    from zhagen.report.timezone_figure import timezone_positions

    tz = [[nid, year, round(h, 4)] for nid, (year, h) in sorted(timezone_positions(km).items())]
    yield "nodes", jsonable(nodes)
    yield "edges", edge_chunks(km)
    yield "clusters", jsonable(clusters)
    yield "bursts", jsonable(bursts)
    # up to 200 rows a node, plain already (str keys, [int, str] rows)
    yield "docs", ([(str(nid), _docs(km, nid))] for nid in node_ids)
    for key, value in (
        ("summary", km.summary or {}), ("year_span", span), ("colors", CLUSTER_COLORS),
        ("no_color", NO_CLUSTER_COLOR), ("max_docs", MAX_DOCS_PER_NODE), ("timezone", tz),
    ):  # fmt: skip
        yield key, jsonable(value)


def _docs(km: KnowledgeMap, nid: int) -> list[list[Any]]:
    """The first :data:`MAX_DOCS_PER_NODE` records of a node: ``[id, title]``, the title
    cut at :data:`MAX_TITLE` characters."""
    rows = []
    for doc_id in first_docs(km.node_docs, nid, MAX_DOCS_PER_NODE):
        title = str(km.doc_titles.get(doc_id, "") or "")
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1] + "…"
        rows.append([plain(doc_id), title])
    return rows


def _page(data_json: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="generator" content="zhagen">\n'
        "<title>扎根 zhagen · 知识图谱 Knowledge map</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{BODY}\n"
        f'<script id="map-data" type="application/json">{data_json}</script>\n'
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def render_html(data: dict[str, Any]) -> str:
    """The complete page for ``data`` (as made by :func:`map_data`)."""
    return _page(safe_json(data))


#: Where the map's data goes in :func:`_page` (no such text is in the page around it).
_HOLE = "\x00map-data\x00"


def write_map_html(km: KnowledgeMap, path: Path) -> Path:
    """Write the interactive ``map.html`` (UTF-8, one file, works opened from disk).

    The page is the text of :func:`render_html` of :func:`map_data`, written a piece at a
    time: the links and the records of the nodes a chunk at a time (``json.dumps`` of a
    dict with ``separators=(",", ":")`` is its items' texts joined by commas), so the
    memory taken does not grow with the number of links.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head, tail = _page(_HOLE).split(_HOLE)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(head + "{")
        for k, (key, value) in enumerate(_data_parts(km)):
            fh.write(("," if k else "") + safe_json(key) + ":")
            if key == "edges":
                _write_chunks(fh, "[", ([list(e) for e in chunk] for chunk in value), "]")
            elif key == "docs":
                _write_chunks(fh, "{", (dict(chunk) for chunk in value), "}")
            else:
                fh.write(safe_json(value))
        fh.write("}" + tail)
    return path


def _write_chunks(fh: Any, opening: str, chunks: Iterator[Any], closing: str) -> None:
    """Write a JSON array or object given as chunks (lists or dicts): each chunk's text
    without its brackets, chunks joined by commas."""
    fh.write(opening)
    first = True
    for chunk in chunks:
        if chunk:
            fh.write(("" if first else ",") + safe_json(chunk)[1:-1])
            first = False
    fh.write(closing)


# --------------------------------------------------------------------------- page parts
# Hand-written for zhagen; no library code. Data only ever reaches the DOM via textContent.

CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{display:flex;flex-direction:column;color:#1a1a1a;background:#fff;
 font:14px/1.45 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
 "WenQuanYi Micro Hei",sans-serif}
header{display:flex;align-items:center;gap:14px;padding:8px 14px;border-bottom:1px solid #ddd;
 flex-wrap:wrap}
h1{font-size:17px;margin:0;font-weight:600}h1 span{font-weight:400;color:#666;font-size:14px}
nav button,#controls button{border:1px solid #ccc;background:#f7f7f7;padding:4px 10px;
 border-radius:4px;cursor:pointer;font:inherit}
nav button.on{background:#1f5fa8;color:#fff;border-color:#1f5fa8}
#search{flex:0 1 240px;padding:5px 9px;border:1px solid #bbb;border-radius:4px;font:inherit}
#hits{color:#666}
main{flex:1;min-height:0;position:relative}
.tab{display:none;height:100%;overflow:auto;padding:14px 18px}
.tab.on{display:block}
#tab-map.on{display:flex;padding:0}
#stage{flex:1;position:relative;min-width:0;overflow:hidden}
#canvas{display:block;cursor:grab;touch-action:none}
#controls{position:absolute;right:10px;top:10px;display:flex;flex-direction:column;gap:4px}
#controls button{width:32px;padding:3px 0;font-size:16px}
#legend{position:absolute;left:10px;top:8px;font-size:12px;background:rgba(255,255,255,.85);
 padding:4px 8px;border-radius:4px;pointer-events:none}
#legend div{white-space:nowrap}
.chip{display:inline-block;min-width:12px;height:12px;border-radius:6px;margin-right:5px;
 vertical-align:-1px;color:#fff;font-size:11px;line-height:12px;padding:0 4px}
#tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #bbb;
 border-radius:4px;padding:6px 9px;box-shadow:0 2px 8px rgba(0,0,0,.15);font-size:12px;
 max-width:320px}
#tip strong{font-size:14px}
#panel{width:340px;border-left:1px solid #ddd;overflow:auto;padding:10px 14px}
#panel h2{font-size:18px;margin:4px 0 8px}#panel h3{font-size:14px;margin:14px 0 6px}
.kv th{text-align:left;font-weight:400;color:#666;padding:1px 10px 1px 0}
.kv td{padding:1px 0}
.muted,.hint{color:#777}
ol.docs{padding-left:22px;margin:0}ol.docs li{margin:3px 0}
ul.terms{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px}
button.term{border:1px solid #ccc;border-left-width:4px;background:#fafafa;border-radius:3px;
 padding:1px 6px;cursor:pointer;font:inherit;font-size:13px;margin:1px}
table.grid{border-collapse:collapse;border-top:2px solid #111;border-bottom:2px solid #111;
 margin:8px 0 20px}
table.grid thead th{border-bottom:1px solid #111;text-align:left;font-weight:600}
table.grid th,table.grid td{padding:4px 10px;vertical-align:top}
table.grid tr.click{cursor:pointer}table.grid tr.click:hover{background:#f1f5fb}
.bar{display:flex;align-items:center;height:14px;min-width:180px}
.bar span{flex:1;height:2px;background:#2f6db5}.bar span.b{height:8px;background:#d7191c}
"""

BODY = """<header>
<h1>扎根 zhagen <span>知识图谱 Knowledge map</span></h1>
<nav id="tabs">
<button type="button" data-tab="map" class="on">图谱 Map</button>
<button type="button" data-tab="clusters">聚类 Clusters</button>
<button type="button" data-tab="bursts">突现 Bursts</button>
<button type="button" data-tab="timeline">时间线 Timeline</button>
<button type="button" data-tab="timezone">时区图 Time zone</button>
<button type="button" data-tab="summary">概况 Summary</button>
</nav>
<input id="search" type="search" placeholder="搜索关键词 Search terms" autocomplete="off">
<span id="hits"></span>
</header>
<main>
<section id="tab-map" class="tab on">
<div id="stage"><canvas id="canvas"></canvas>
<div id="controls"><button type="button" id="zin" title="放大 Zoom in">+</button>
<button type="button" id="zout" title="缩小 Zoom out">&minus;</button>
<button type="button" id="fit" title="适应窗口 Fit to window">&#8857;</button></div>
<div id="legend"></div><div id="tip" hidden></div></div>
<aside id="panel"></aside>
</section>
<section id="tab-clusters" class="tab"></section>
<section id="tab-bursts" class="tab"></section>
<section id="tab-timeline" class="tab"></section>
<section id="tab-timezone" class="tab"></section>
<section id="tab-summary" class="tab"></section>
</main>"""

SCRIPT = r"""
"use strict";
(function () {
const D = JSON.parse(document.getElementById("map-data").textContent);
const $ = (id) => document.getElementById(id);
const FONT = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif';
const byId = new Map();
D.nodes.forEach((n) => { n.x = n.x || 0; n.y = n.y || 0; byId.set(n.id, n); });
const nodes = D.nodes;
const byLabel = new Map(nodes.map((n) => [n.label, n.id]));
const edges = D.edges.filter((e) => byId.has(e[0]) && byId.has(e[1]));
const adj = new Map();
edges.forEach((e) => {
  [[e[0], e[1]], [e[1], e[0]]].forEach(([a, b]) => {
    if (!adj.has(a)) adj.set(a, []);
    adj.get(a).push([b, e[2], e[3]]);
  });
});
const names = new Map(D.clusters.map((c) => [c.id, String(c.label_llr || c.label_tfidf || c.label_mi || "").split(/[;；]/)[0].trim()]));
const fmax = nodes.reduce((m, n) => Math.max(m, n.frequency || 0), 1);
const smax = edges.reduce((m, e) => Math.max(m, e[3] || 0), 0) || 1;
const ranked = nodes.slice().sort((a, b) => (b.frequency || 0) - (a.frequency || 0) || a.id - b.id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
const colour = (c) => (c === null || c === undefined || c < 0 || c >= D.colors.length ? D.no_color : D.colors[c]);
const fmt = (v, d) => (v === null || v === undefined ? "—" : d !== undefined && typeof v === "number" ? v.toFixed(d) : String(v));
const clusterText = (c) => (c === null || c === undefined || c < 0 ? "—" : "#" + c + " " + (names.get(c) || ""));
const burstText = (n) => (n.burst_strength ? n.burst_strength.toFixed(2) + " (" + n.burst_begin + "–" + n.burst_end + ")" : "—");
const btwLabel = ((D.summary.betweenness || {}).method === "estimate"
  ? "中介中心性（估计值）Betweenness (estimate)" : "中介中心性 Betweenness");
function facts(n) {
  return [["频次 Frequency", fmt(n.frequency)], ["度 Degree", fmt(n.degree)],
    [btwLabel, fmt(n.betweenness, 4)], ["聚类 Cluster", clusterText(n.cluster)],
    ["突现 Burst", burstText(n)], ["首次出现 First year", fmt(n.first_year)]];
}
function kvTable(pairs) {
  const t = el("table", null, "kv");
  pairs.forEach(([k, v]) => { const tr = el("tr"); tr.append(el("th", k), el("td", v)); t.append(tr); });
  return t;
}

// ------------------------------------------------------------------ canvas view
const canvas = $("canvas"), ctx = canvas.getContext("2d"), stage = $("stage"), tip = $("tip");
let W = 0, H = 0, dpr = 1, scale = 1, base = 1, tx = 0, ty = 0, fitted = false;
let selected = null, hover = null, marked = new Set();
const sx = (x) => x * scale + tx, sy = (y) => -y * scale + ty;
const zoomF = () => Math.pow(scale / base, 0.4);
const radius = (n) => (3 + 15 * Math.sqrt((n.frequency || 0) / fmax)) * zoomF();

function fit() {
  if (!nodes.length) { scale = base = 1; tx = W / 2; ty = H / 2; return; }
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  nodes.forEach((n) => { x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x); y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y); });
  scale = base = Math.min(W / ((x1 - x0) || 1), H / ((y1 - y0) || 1)) * 0.84;
  tx = W / 2 - ((x0 + x1) / 2) * scale;
  ty = H / 2 + ((y0 + y1) / 2) * scale;
}
function resize() {
  const r = stage.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return;
  dpr = window.devicePixelRatio || 1;
  W = r.width; H = r.height;
  canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  canvas.style.width = W + "px"; canvas.style.height = H + "px";
  if (!fitted) { fit(); fitted = true; }
  draw();
}
function focusSet() {
  if (selected !== null) {
    const s = new Set([selected]);
    (adj.get(selected) || []).forEach((a) => s.add(a[0]));
    return s;
  }
  return marked.size ? marked : null;
}
function draw() {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  if (!nodes.length) {
    ctx.fillStyle = "#777"; ctx.font = "16px " + FONT; ctx.textAlign = "center";
    ctx.fillText("图谱中没有节点 / the map has no nodes", W / 2, H / 2);
    return;
  }
  const focus = focusSet();
  ctx.lineCap = "round";
  edges.forEach((e) => {
    const a = byId.get(e[0]), b = byId.get(e[1]), rel = (e[3] || 0) / smax;
    const on = !focus || (focus.has(a.id) && focus.has(b.id) && (selected === null || a.id === selected || b.id === selected));
    ctx.strokeStyle = a.cluster === b.cluster && a.cluster >= 0 ? colour(a.cluster) : "#8c8c8c";
    ctx.globalAlpha = on ? (focus ? 0.75 : 0.15 + 0.35 * rel) : 0.04;
    ctx.lineWidth = (0.5 + 2 * rel) * Math.min(2, zoomF());
    ctx.beginPath(); ctx.moveTo(sx(a.x), sy(a.y)); ctx.lineTo(sx(b.x), sy(b.y)); ctx.stroke();
  });
  ranked.forEach((n) => drawNode(n, focus));
  ctx.globalAlpha = 1;
  drawLabels(focus);
}
function ring(x, y, r, colourName, width) {
  ctx.strokeStyle = colourName; ctx.lineWidth = width;
  ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke();
}
function drawNode(n, focus) {
  const r = radius(n), x = sx(n.x), y = sy(n.y);
  if (x < -r - 10 || x > W + r + 10 || y < -r - 10 || y > H + r + 10) return;
  ctx.globalAlpha = !focus || focus.has(n.id) ? 0.95 : 0.15;
  ctx.fillStyle = colour(n.cluster);
  ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
  ring(x, y, r, "#fff", 1);
  if (n.burst_strength > 0) ring(x, y, r + 2.5, "#e41a1c", 1.6);
  if (n.id === selected || n.id === hover || marked.has(n.id)) ring(x, y, r + 5, "#111", 2);
}
function drawLabels(focus) {
  const budget = Math.round(30 * Math.pow(scale / base, 1.6));
  const must = (n) => n.id === selected || n.id === hover || marked.has(n.id) || (selected !== null && focus.has(n.id));
  const order = ranked.filter(must).concat(ranked.filter((n) => !must(n)).slice(0, budget));
  const boxes = [];
  ctx.textBaseline = "middle"; ctx.textAlign = "left"; ctx.lineJoin = "round";
  order.forEach((n) => {
    const size = Math.round((11 + 7 * Math.sqrt((n.frequency || 0) / fmax)) * Math.min(1.6, zoomF()));
    ctx.font = size + "px " + FONT;
    const x = sx(n.x) + radius(n) + 3, y = sy(n.y), w = ctx.measureText(n.label).width;
    const box = [x, y - size / 2, x + w, y + size / 2];
    const clash = boxes.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]);
    const off = box[0] > W || box[2] < 0 || box[3] < 0 || box[1] > H;
    if (!must(n) && (clash || off)) return;
    boxes.push(box);
    ctx.globalAlpha = !focus || focus.has(n.id) ? 1 : 0.3;
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.strokeText(n.label, x, y);
    ctx.fillStyle = "#1a1a1a"; ctx.fillText(n.label, x, y);
  });
  ctx.globalAlpha = 1;
}
function nodeAt(px, py) {
  let best = null, bestD = Infinity;
  nodes.forEach((n) => {
    const dx = sx(n.x) - px, dy = sy(n.y) - py, d = dx * dx + dy * dy, r = radius(n) + 3;
    if (d <= r * r && d < bestD) { best = n; bestD = d; }
  });
  return best;
}
function zoomAt(px, py, k) {
  const next = Math.min(base * 60, Math.max(base * 0.2, scale * k));
  k = next / scale; tx = px - (px - tx) * k; ty = py - (py - ty) * k; scale = next;
  draw();
}
function showTip(n, x, y) {
  tip.replaceChildren(el("strong", n.label), kvTable(facts(n)));
  tip.hidden = false;
  tip.style.left = Math.max(4, Math.min(x + 16, W - tip.offsetWidth - 6)) + "px";
  tip.style.top = Math.max(4, Math.min(y + 16, H - tip.offsetHeight - 6)) + "px";
}
const hideTip = () => { tip.hidden = true; };

let drag = null;
canvas.addEventListener("pointerdown", (ev) => {
  canvas.setPointerCapture(ev.pointerId);
  drag = { x: ev.offsetX, y: ev.offsetY, tx: tx, ty: ty, moved: false };
});
canvas.addEventListener("pointermove", (ev) => {
  if (drag) {
    const dx = ev.offsetX - drag.x, dy = ev.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { tx = drag.tx + dx; ty = drag.ty + dy; hideTip(); canvas.style.cursor = "grabbing"; draw(); return; }
  }
  const n = nodeAt(ev.offsetX, ev.offsetY);
  if ((n ? n.id : null) !== hover) { hover = n ? n.id : null; draw(); }
  if (n) showTip(n, ev.offsetX, ev.offsetY); else hideTip();
  canvas.style.cursor = n ? "pointer" : "grab";
});
canvas.addEventListener("pointerup", (ev) => {
  if (drag && !drag.moved) { const n = nodeAt(ev.offsetX, ev.offsetY); select(n ? n.id : null); }
  drag = null; canvas.style.cursor = "grab";
});
canvas.addEventListener("pointerleave", () => { if (!drag) { hover = null; hideTip(); draw(); } });
canvas.addEventListener("wheel", (ev) => {
  ev.preventDefault();
  zoomAt(ev.offsetX, ev.offsetY, Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015)));
}, { passive: false });
canvas.addEventListener("dblclick", () => { fit(); draw(); });
$("zin").addEventListener("click", () => zoomAt(W / 2, H / 2, 1.4));
$("zout").addEventListener("click", () => zoomAt(W / 2, H / 2, 1 / 1.4));
$("fit").addEventListener("click", () => { fit(); draw(); });
window.addEventListener("resize", resize);
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && ev.target.id !== "search") { marked = new Set(); $("hits").textContent = ""; select(null); }
});

// ------------------------------------------------------------------ side panel
function termLink(id) {
  const n = byId.get(id), b = el("button", n ? n.label : id, "term");
  b.type = "button";
  b.style.borderLeftColor = colour(n ? n.cluster : null);
  b.addEventListener("click", () => goTo(id));
  return b;
}
function select(id) {
  selected = id === undefined ? null : id;
  const panel = $("panel");
  panel.replaceChildren();
  if (selected === null) {
    panel.append(el("p", "点击节点查看其共现词和记录；滚轮缩放，拖动平移，双击复位。", "hint"),
      el("p", "Click a node for its co-occurring terms and records; wheel to zoom, drag to pan, double-click to reset.", "hint"));
    draw();
    return;
  }
  const n = byId.get(selected);
  panel.append(el("h2", n.label), kvTable(facts(n).concat([
    ["加权度 Weighted degree", fmt(n.weighted_degree, 3)], ["Sigma", fmt(n.sigma, 3)]])));
  const nb = (adj.get(selected) || []).slice().sort((a, b) => b[1] - a[1]);
  if (nb.length) {
    panel.append(el("h3", "共现关键词 Co-occurring terms (" + nb.length + ")"));
    const ul = el("ul", null, "terms");
    nb.slice(0, 40).forEach(([o, c]) => { const li = el("li"); li.append(termLink(o), el("span", "×" + c, "muted")); ul.append(li); });
    panel.append(ul);
  }
  const docs = D.docs[String(selected)] || [];
  panel.append(el("h3", "相关记录 Records (" + (n.n_docs || 0) + ")"));
  if ((n.n_docs || 0) > docs.length) panel.append(el("p", "仅列出前 " + docs.length + " 条 / showing the first " + docs.length, "muted"));
  const ol = el("ol", null, "docs");
  docs.forEach(([d, t]) => { const li = el("li"); li.append(el("span", "[" + d + "] ", "muted"), el("span", t || "（无标题 untitled）")); ol.append(li); });
  panel.append(ol);
  draw();
}
function goTo(id) {
  showTab("map");
  const n = byId.get(id);
  if (!n) return;
  tx = W / 2 - n.x * scale; ty = H / 2 + n.y * scale;
  select(id);
}

// ------------------------------------------------------------------ search and tabs
const search = $("search");
search.addEventListener("input", () => {
  const q = search.value.trim().toLowerCase();
  marked = new Set(q ? nodes.filter((n) => n.label.toLowerCase().includes(q)).map((n) => n.id) : []);
  $("hits").textContent = q ? marked.size + " 个匹配 / " + marked.size + " found" : "";
  selected = null; draw();
});
search.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && marked.size) { goTo(ranked.find((n) => marked.has(n.id)).id); }
  if (ev.key === "Escape") { search.value = ""; search.dispatchEvent(new Event("input")); }
});
const built = {};
function showTab(name) {
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((s) => s.classList.toggle("on", s.id === "tab-" + name));
  if (!built[name] && BUILD[name]) { BUILD[name]($("tab-" + name)); built[name] = true; }
  if (name === "map") resize();
}
document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));

function table(head, rows, onRow) {
  const t = el("table", null, "grid"), thead = el("thead"), hr = el("tr"), tbody = el("tbody");
  head.forEach((h) => hr.append(el("th", h)));
  thead.append(hr);
  rows.forEach((cells, i) => {
    const tr = el("tr");
    cells.forEach((c) => { const td = el("td"); if (c instanceof Node) td.append(c); else td.textContent = fmt(c); tr.append(td); });
    if (onRow) { tr.className = "click"; tr.addEventListener("click", (ev) => { if (!(ev.target instanceof HTMLButtonElement)) onRow(i); }); }
    tbody.append(tr);
  });
  t.append(thead, tbody);
  return t;
}
function chip(c) { const s = el("span", "#" + c, "chip"); s.style.background = colour(c); return s; }
function term(label) { return byLabel.has(label) ? termLink(byLabel.get(label)) : el("span", label); }
function span() {
  if (D.year_span) return D.year_span;
  const ys = nodes.map((n) => n.first_year).concat(D.bursts.map((b) => b.end)).filter((y) => y !== null && y !== undefined);
  return ys.length ? [Math.min(...ys), Math.max(...ys)] : null;
}
const BUILD = {
  clusters(root) {
    root.append(el("h2", "聚类 Clusters"), el("p", "点击一行在图谱中突出显示该聚类。Click a row to highlight the cluster on the map.", "muted"));
    const rows = D.clusters.map((c) => [chip(c.id), c.size, fmt(c.silhouette, 3), c.label_llr, c.label_tfidf, c.label_mi, fmt(c.mean_year, 1), (c.members || []).join("；")]);
    root.append(table(["聚类 Cluster", "规模 Size", "轮廓值 Silhouette", "LLR", "TF-IDF", "MI", "平均年份 Mean year", "成员 Members"], rows, (i) => {
      const c = D.clusters[i];
      marked = new Set(nodes.filter((n) => n.cluster === c.id).map((n) => n.id));
      $("hits").textContent = "#" + c.id + " " + (names.get(c.id) || "");
      selected = null; showTab("map"); select(null);
    }));
  },
  bursts(root) {
    const sp = span();
    root.append(el("h2", "突现词 Keywords with the strongest bursts"));
    const rows = D.bursts.map((b) => {
      const bar = el("div", null, "bar");
      if (sp) for (let y = sp[0]; y <= sp[1]; y++) { const s = el("span", null, y >= b.begin && y <= b.end ? "b" : ""); s.title = String(y); bar.append(s); }
      return [term(b.term), b.first_year, fmt(b.strength, 2), b.begin, b.end, bar];
    });
    root.append(table(["关键词 Keywords", "首次出现 Year", "强度 Strength", "开始 Begin", "结束 End", sp ? sp[0] + " – " + sp[1] : ""], rows));
  },
  timeline(root) {
    const sp = span();
    root.append(el("h2", "时间线 Timeline"), el("p", "各聚类中的关键词按首次出现年份排列。Terms of each cluster by the year they first appear.", "muted"));
    if (!sp) return;
    const years = []; for (let y = sp[0]; y <= sp[1]; y++) years.push(y);
    const ids = Array.from(new Set(nodes.map((n) => n.cluster).filter((c) => c !== null && c >= 0))).sort((a, b) => a - b);
    const rows = ids.map((c) => [chip(c)].concat(years.map((y) => {
      const box = el("div");
      ranked.filter((n) => n.cluster === c && n.first_year === y).forEach((n) => box.append(termLink(n.id)));
      return box;
    })));
    root.append(table(["聚类 Cluster"].concat(years.map(String)), rows));
  },
  timezone(root) {
    root.append(el("h2", "时区图 Time-zone view"), el("p", "每个关键词位于其首次出现年份的一列，连线跨越年份；点击节点在图谱中查看。Each term stands in the column of the year it first appeared; links run across years; click a node to see it on the map.", "muted"));
    const tz = (D.timezone || []).filter((t) => byId.has(t[0]));
    if (!tz.length) { root.append(el("p", "没有带首次出现年份的节点 / no nodes with a first year", "muted")); return; }
    const years = tz.map((t) => t[1]), y0 = Math.min(...years), y1 = Math.max(...years);
    const colW = 120, top = 28, H = 640, W = colW * (y1 - y0 + 1), ratio = window.devicePixelRatio || 1;
    const cv = el("canvas"), g = cv.getContext("2d");
    cv.width = Math.round(W * ratio); cv.height = Math.round((H + top + 12) * ratio);
    cv.style.width = W + "px"; cv.style.height = (H + top + 12) + "px";
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const at = new Map(tz.map((t) => [t[0], [colW * (t[1] - y0) + colW / 2, top + 14 + (1 - t[2]) * (H - 28)]]));
    const rad = (n) => 2.5 + 11 * Math.sqrt((n.frequency || 0) / fmax);
    g.font = "12px " + FONT; g.textAlign = "center"; g.textBaseline = "middle";
    for (let y = y0; y <= y1; y++) {
      if ((y - y0) % 2 === 0) { g.fillStyle = "#f3f5f8"; g.fillRect(colW * (y - y0), top, colW, H); }
      g.fillStyle = "#333"; g.fillText(String(y), colW * (y - y0) + colW / 2, 14);
    }
    edges.filter((e) => at.has(e[0]) && at.has(e[1])).sort((a, b) => b[3] - a[3]).slice(0, 2000).forEach((e) => {
      const a = at.get(e[0]), b = at.get(e[1]), rel = (e[3] || 0) / smax;
      g.strokeStyle = "#777"; g.globalAlpha = 0.1 + 0.35 * rel; g.lineWidth = 0.5 + 1.5 * rel;
      g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
    });
    g.globalAlpha = 1;
    const shown = ranked.filter((n) => at.has(n.id));
    shown.slice().reverse().forEach((n) => {
      const p = at.get(n.id), r = rad(n);
      g.fillStyle = colour(n.cluster); g.beginPath(); g.arc(p[0], p[1], r, 0, 2 * Math.PI); g.fill();
      g.strokeStyle = n.burst_strength > 0 ? "#e41a1c" : "#fff"; g.lineWidth = n.burst_strength > 0 ? 2 : 1; g.stroke();
    });
    const boxes = [];
    g.font = "11px " + FONT; g.textAlign = "left"; g.lineJoin = "round";
    shown.slice(0, 80).forEach((n) => {
      const p = at.get(n.id), r = rad(n), w = g.measureText(n.label).width;
      const box = [p[0] + r + 2, p[1] - 7, p[0] + r + 2 + w, p[1] + 7];
      if (boxes.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) return;
      boxes.push(box);
      g.lineWidth = 3; g.strokeStyle = "rgba(255,255,255,0.92)"; g.strokeText(n.label, box[0], p[1]);
      g.fillStyle = "#1a1a1a"; g.fillText(n.label, box[0], p[1]);
    });
    cv.addEventListener("click", (ev) => {
      let best = null, bestD = Infinity;
      shown.forEach((n) => { const p = at.get(n.id), d = Math.hypot(p[0] - ev.offsetX, p[1] - ev.offsetY); if (d <= rad(n) + 3 && d < bestD) { best = n; bestD = d; } });
      if (best) goTo(best.id);
    });
    cv.addEventListener("mousemove", (ev) => {
      const hit = shown.find((n) => { const p = at.get(n.id); return Math.hypot(p[0] - ev.offsetX, p[1] - ev.offsetY) <= rad(n) + 3; });
      cv.title = hit ? hit.label + "（" + hit.first_year + "，频次 " + (hit.frequency || 0) + "）" : "";
      cv.style.cursor = hit ? "pointer" : "default";
    });
    root.append(el("p", shown.length + " 个节点 / nodes，" + (y1 - y0 + 1) + " 列 / columns", "muted"), cv);
  },
  summary(root) {
    root.append(el("h2", "概况 Summary"));
    const rows = Object.keys(D.summary).map((k) => { const v = D.summary[k]; return [k, v !== null && typeof v === "object" ? JSON.stringify(v) : v]; });
    root.append(table(["项目 Key", "值 Value"], rows));
  },
};

const legend = $("legend");
D.clusters.slice(0, 12).forEach((c) => { const d = el("div"); d.append(chip(c.id), el("span", names.get(c.id) || "")); legend.append(d); });
select(null);
resize();
})();
"""
