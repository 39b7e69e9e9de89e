"""Tests of zhagen.report: every file of ``KnowledgeMap.write`` is written and reads back,
Chinese renders in the figures, and map.html is self-contained and injection-safe.

``make_map()`` builds a realistic hand-made KnowledgeMap (40 Chinese keywords in 4 clusters,
2014–2025) so these tests do not depend on the mapping pipeline; test_formats_network.py
imports it too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from zhagen.mapping.model import (
    BURST_COLUMNS,
    CLUSTER_COLUMNS,
    EDGE_COLUMNS,
    NODE_COLUMNS,
    KnowledgeMap,
)
from zhagen.report.mapfiles import write_map

CLUSTERS = {
    "新质生产力": ["新质生产力", "高质量发展", "全要素生产率", "科技创新", "未来产业",
              "战略性新兴产业", "新型工业化", "现代化产业体系", "发展新动能", "产业升级"],
    "创新联合体": ["创新联合体", "产学研合作", "关键核心技术", "企业创新主体", "协同创新",
              "创新生态系统", "国家实验室", "科技自立自强", "新型举国体制", "基础研究"],
    "专精特新": ["专精特新", "中小企业", "小巨人", "隐形冠军", "产业链", "供应链韧性",
             "制造业", "营商环境", "融资约束", "new quality productive forces"],
    "数字经济": ["数字经济", "数字化转型", "人工智能", "数据要素", "平台经济", "数字技术",
             "大数据", "工业互联网", "数字治理", "算力"],
}  # fmt: skip
FIRST_YEARS = {"新质生产力": 2023, "未来产业": 2021, "创新联合体": 2020, "专精特新": 2018,
               "数字经济": 2016, "数据要素": 2020, "人工智能": 2017, "算力": 2022,
               "小巨人": 2019, "科技自立自强": 2020, "新型举国体制": 2019}  # fmt: skip
BURSTS = [("新质生产力", 6.21, 2024, 2025), ("创新联合体", 4.87, 2021, 2023),
          ("专精特新", 4.12, 2021, 2022), ("数字经济", 3.55, 2017, 2019),
          ("数据要素", 3.02, 2022, 2025), ("人工智能", 2.71, 2018, 2020),
          ("未来产业", 2.44, 2023, 2025), ("科技自立自强", 2.05, 2021, 2022),
          ("小巨人", 1.83, 2020, 2021), ("算力", 1.52, 2023, 2025)]  # fmt: skip
EVIL_TITLE = "标题</script><script>alert('x')</script><!-- & \u2028 \"q\""


def make_map(n_clusters: int = 4, seed: int = 7) -> KnowledgeMap:
    """A realistic KnowledgeMap: 10 terms per cluster, Zipf-like frequencies, dense edges
    inside clusters and a few between, bursts, per-year counts and record titles."""
    import networkx as nx
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    labels, clusters = [], []
    for c, (_name, terms) in enumerate(list(CLUSTERS.items())[:n_clusters]):
        labels += terms
        clusters += [c] * len(terms)
    n = len(labels)
    centres = [(-1.0, 0.8), (1.1, 0.9), (-0.9, -1.0), (1.0, -0.8)]
    freq = [int(60 / (1 + i % 10) ** 0.9) + int(rng.integers(0, 4)) for i in range(n)]
    xy = [np.array(centres[c]) + rng.normal(0, 0.35, 2) for c in clusters]
    first = [FIRST_YEARS.get(lab, 2014 + int(rng.integers(0, 9))) for lab in labels]

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            p = 0.45 if clusters[i] == clusters[j] else 0.04
            if rng.random() < p:
                count = int(rng.integers(1, 9))
                graph.add_edge(i, j, count=count, strength=count / np.sqrt(freq[i] * freq[j]))
    edges = pd.DataFrame(
        [(u, v, d["count"], d["strength"]) for u, v, d in sorted(graph.edges(data=True))],
        columns=EDGE_COLUMNS,
    )
    btw = nx.betweenness_centrality(graph, normalized=True)
    burst = {t: (s, b, e) for t, s, b, e in BURSTS}
    rows = []
    for i, lab in enumerate(labels):
        s, b, e = burst.get(lab, (float("nan"), pd.NA, pd.NA))
        bs = 0.0 if s != s else s
        rows.append([i, lab, freq[i], graph.degree(i), graph.degree(i, weight="strength"), btw[i],
                     s, b, e, (btw[i] + 1) ** bs, clusters[i], first[i], xy[i][0], xy[i][1],
                     graph.degree(i, weight="count")])  # fmt: skip
    nodes = pd.DataFrame(rows, columns=NODE_COLUMNS)
    for col in ("burst_begin", "burst_end"):
        nodes[col] = nodes[col].astype("Int64")

    cl_rows = []
    for c, name in enumerate(list(CLUSTERS)[:n_clusters]):
        members = [i for i in range(n) if clusters[i] == c]
        cl_rows.append([c, len(members), round(0.7 + 0.05 * c, 3), name, labels[members[1]],
                        labels[members[2]], 2019.5 + c * 0.7, members])  # fmt: skip
    clusters_df = pd.DataFrame(cl_rows, columns=CLUSTER_COLUMNS)
    bursts = pd.DataFrame(
        [(t, s, b, e, FIRST_YEARS.get(t, 2014), 2025) for t, s, b, e in BURSTS[: 3 * n_clusters]],
        columns=BURST_COLUMNS,
    )
    term_years = {}
    for i, lab in enumerate(labels):
        years = range(first[i], 2026)
        counts = rng.multinomial(freq[i], [1 / len(years)] * len(years))
        term_years[lab] = {y: int(c) for y, c in zip(years, counts, strict=True) if c}
    node_docs = {i: sorted(rng.choice(120, size=min(freq[i], 120), replace=False).tolist())
                 for i in range(n)}  # fmt: skip
    titles = {d: f"创新联合体赋能新质生产力发展的机制研究（{d}）" for d in range(120)}
    titles[node_docs[0][0]] = EVIL_TITLE
    summary = {
        "records": 120, "nodes": n, "edges": len(edges), "modularity": 0.583,
        "silhouette": 0.812, "year_span": [2014, 2025],
        "params": {"slice": 1, "top": 50, "link": "cosine", "seed": 1}, "version": "0.1.0",
        "input_hash": "sha256:0123abcd",
    }  # fmt: skip
    return KnowledgeMap(nodes, edges, clusters_df, bursts, summary, node_docs=node_docs,
                        year_span=(2014, 2025), term_years=term_years, doc_titles=titles)  # fmt: skip


def empty_map() -> KnowledgeMap:
    """A map with no nodes, edges, clusters or bursts."""
    import pandas as pd

    return KnowledgeMap(
        pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS),
        pd.DataFrame(columns=CLUSTER_COLUMNS), pd.DataFrame(columns=BURST_COLUMNS),
        {"records": 0, "nodes": 0},
    )  # fmt: skip


EXPECTED = [
    "nodes.csv", "edges.csv", "clusters.csv", "bursts.csv", "summary.json", "tables.xlsx", "tables.docx",
    "map.png", "map.svg", "timeline.png", "bursts.png", "timezone.png", "timezone.svg",
    "overlay.png", "density.png", "thematic_map.png", "themes.csv", "map.html", "network.graphml",
    "network.gexf", "network.net", "vosviewer_map.txt", "vosviewer_network.txt",
]  # fmt: skip


@pytest.fixture(scope="module")
def km() -> KnowledgeMap:
    return make_map()


@pytest.fixture(scope="module")
def written(km: KnowledgeMap, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("map") / "out"  # does not exist yet: write creates it
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        warnings.filterwarnings("error", message=".*missing from.*font.*")
        paths = write_map(km, out)
    assert sorted(p.name for p in paths) == sorted(EXPECTED)
    return out


def test_every_file_written(written: Path) -> None:
    for name in EXPECTED:
        assert (written / name).stat().st_size > 0, name


def test_csv_have_bom_and_read_back(written: Path, km: KnowledgeMap) -> None:
    import pandas as pd

    for name in ("nodes.csv", "edges.csv", "clusters.csv", "bursts.csv"):
        assert (written / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    nodes = pd.read_csv(written / "nodes.csv", encoding="utf-8-sig")
    assert list(nodes.columns) == NODE_COLUMNS
    assert nodes.loc[0, "label"] == "新质生产力"
    assert nodes["frequency"].tolist() == km.nodes["frequency"].tolist()
    assert "2024" in (written / "nodes.csv").read_text(encoding="utf-8-sig")
    assert "2024.0" not in (written / "nodes.csv").read_text(encoding="utf-8-sig")
    edges = pd.read_csv(written / "edges.csv", encoding="utf-8-sig")
    assert {"source_label", "target_label", "count", "strength"} <= set(edges.columns)
    first = km.edges.iloc[0]
    assert edges.loc[0, "source_label"] == km.nodes.loc[first["source"], "label"]
    clusters = pd.read_csv(written / "clusters.csv", encoding="utf-8-sig")
    assert clusters.loc[0, "label_llr"] == "新质生产力"
    assert "高质量发展" in clusters.loc[0, "members"]
    bursts = pd.read_csv(written / "bursts.csv", encoding="utf-8-sig")
    assert bursts.loc[0, "term"] == "新质生产力" and bursts.loc[0, "begin"] == 2024


def test_summary_json(written: Path, km: KnowledgeMap) -> None:
    text = (written / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == km.summary
    assert '\n  "records": 120' in text


def test_xlsx(written: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(written / "tables.xlsx")
    assert wb.sheetnames[:6] == ["关键词频次", "中心性", "聚类", "突现", "节点", "连线"]
    ws = wb["关键词频次"]
    assert [c.value for c in ws[1]] == ["序号", "关键词", "频次", "中心性", "首次出现年份"]
    assert ws["B2"].value == "新质生产力" and ws["A2"].value == 1 and ws["B2"].font.b is False
    assert ws["A1"].font.b
    freqs = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    assert freqs == sorted(freqs, reverse=True)
    cent = [wb["中心性"].cell(r, 4).value for r in range(2, wb["中心性"].max_row + 1)]
    assert cent == sorted(cent, reverse=True)
    assert wb["突现"]["A2"].value == "新质生产力"
    assert wb["连线"].max_row == len(make_map().edges) + 1


def test_table1_docx_is_a_three_line_table_of_the_xlsx_rows(written: Path) -> None:
    """表1 in tables.docx: the same keywords, frequencies and years as the XLSX sheet, the
    centrality with two decimals, and only the three rules of a 三线表."""
    import zipfile

    from docx import Document
    from openpyxl import load_workbook

    doc = Document(str(written / "tables.docx"))
    wb = load_workbook(written / "tables.xlsx")
    assert len(doc.tables) == 2
    for table, sheet in zip(doc.tables, ("关键词频次", "中心性"), strict=True):
        ws = wb[sheet]
        rows = [[c.text for c in r.cells] for r in table.rows]
        assert rows[0] == ["序号", "关键词", "频次", "中心性", "首次出现年份"]
        want = [[str(ws.cell(r, 1).value), ws.cell(r, 2).value, str(ws.cell(r, 3).value),
                 f"{ws.cell(r, 4).value:.2f}", str(ws.cell(r, 5).value)]
                for r in range(2, ws.max_row + 1)]  # fmt: skip
        assert rows[1:] == want
    xml = zipfile.ZipFile(written / "tables.docx").read("word/document.xml").decode("utf-8")
    assert xml.count('<w:insideV w:val="nil"/>') == 2 and xml.count('<w:insideH w:val="nil"/>') == 2
    assert "表1 高频关键词" in xml and "表2 高中心性关键词" in xml


def test_html_self_contained_and_escaped(written: Path, km: KnowledgeMap) -> None:
    html = (written / "map.html").read_text(encoding="utf-8")
    assert "新质生产力" in html and "创新联合体" in html
    # no external scripts, styles, images or fonts
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)\s*=", html, re.I)
    assert not re.search(r"https?://", html)
    assert "@import" not in html and "url(" not in html
    # exactly the script elements we wrote: the injected title cannot open or close one
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "\\u003c/script\\u003e" in html and "\u2028" not in html
    data = _embedded_json(html)
    assert data["nodes"][0]["label"] == "新质生产力"
    titles = [t for docs in data["docs"].values() for _id, t in docs]
    assert EVIL_TITLE in titles
    # the script never writes data through innerHTML
    script = html.split("<script>")[-1]
    assert "innerHTML" not in script and "outerHTML" not in script
    assert "document.write" not in script and "eval(" not in script


def _embedded_json(html: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "embedded JSON not found"
    return json.loads(m.group(1))


def test_svg_text_as_paths(written: Path) -> None:
    svg = (written / "map.svg").read_text(encoding="utf-8")
    assert "<text" not in svg  # glyphs are paths: no font needed in the browser
    assert svg.count("<path") > 100 and svg.count('<use xlink:href="#') > 100


def test_png_size_and_dpi(written: Path) -> None:
    from PIL import Image

    for name in ("map.png", "timeline.png", "bursts.png"):
        with Image.open(written / name) as im:
            assert im.width > 1500, name
            dpi = im.info.get("dpi", (0, 0))[0]
            assert round(dpi) == 300, (name, dpi)


def test_cjk_glyphs_render() -> None:
    from matplotlib.ft2font import FT2Font

    from zhagen.report.fonts import find_cjk_font, missing_glyphs

    font = find_cjk_font()
    ft = FT2Font(str(font.path), face_index=font.face_index)
    for ch in "新质生产力":
        assert ft.get_char_index(ord(ch)) != 0, ch
    assert missing_glyphs("新质生产力创新联合体专精特新数字经济") == []
    # DejaVu, matplotlib's default, would draw boxes: the check itself is meaningful
    from matplotlib import font_manager

    dejavu = FT2Font(font_manager.findfont("DejaVu Sans"))
    assert dejavu.get_char_index(ord("新")) == 0


def test_rendered_label_is_not_a_box() -> None:
    """Draw 新质生产力 with the CJK font and with DejaVu: the two bitmaps differ and the CJK
    one has the ink of five distinct glyphs."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from zhagen.report.fonts import cjk_font

    def ink(fontprops: object) -> np.ndarray:
        fig = Figure(figsize=(3, 1), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.3, "新质生产力", fontproperties=fontprops, fontsize=24)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., 0] < 128

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cjk = ink(cjk_font())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from matplotlib.font_manager import FontProperties

        box = ink(FontProperties(family="DejaVu Sans"))
    assert any("missing" in str(w.message).lower() for w in caught)
    assert cjk.sum() > 0 and not np.array_equal(cjk, box)


def test_empty_map_writes_valid_files(tmp_path: Path) -> None:
    import networkx as nx
    import pandas as pd
    from openpyxl import load_workbook

    paths = write_map(empty_map(), tmp_path / "empty")
    assert sorted(p.name for p in paths) == sorted(EXPECTED)
    assert pd.read_csv(tmp_path / "empty" / "nodes.csv", encoding="utf-8-sig").empty
    assert load_workbook(tmp_path / "empty" / "tables.xlsx").sheetnames[0] == "关键词频次"
    assert nx.read_graphml(tmp_path / "empty" / "network.graphml").number_of_nodes() == 0
    assert nx.read_gexf(tmp_path / "empty" / "network.gexf").number_of_nodes() == 0
    data = _embedded_json((tmp_path / "empty" / "map.html").read_text(encoding="utf-8"))
    assert data["nodes"] == []


@pytest.mark.parametrize("n_clusters", [1, 2])
def test_small_maps(n_clusters: int, tmp_path: Path) -> None:
    paths = write_map(make_map(n_clusters=n_clusters), tmp_path)
    assert len(paths) == len(EXPECTED)


def test_write_accepts_str_and_nested_dir(km: KnowledgeMap, tmp_path: Path) -> None:
    from zhagen.report.mapfiles import write_tables_csv

    out = tmp_path / "a" / "b"
    paths = write_tables_csv(km, out)
    assert [p.name for p in paths] == ["nodes.csv", "edges.csv", "clusters.csv", "bursts.csv"]


# A minimal DOM stand-in: enough of document, elements and the canvas context to run
# map.html's script under node and drive its handlers (hover, click, drag, search, tabs).
DOM_STUB = r"""
// Minimal DOM stand-in to run map.html's script under node and exercise its handlers.
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const json = html.match(/<script id="map-data" type="application\/json">([\s\S]*?)<\/script>/)[1];
const code = html.split("<script>").pop().split("</script>")[0];
class Node_ {}
class El extends Node_ {
  constructor(tag, id) { super(); this.tagName = tag; this.id = id || ""; this.children = []; this.listeners = {};
    this.style = {}; this.hidden = false; this._text = ""; this.dataset = {}; this.className = "";
    this.classList = { toggle: () => {}, add: () => {} }; this.offsetWidth = 100; this.offsetHeight = 50; }
  set textContent(v) { this._text = String(v); this.children = []; }
  get textContent() { return this._text + this.children.map((c) => c.textContent).join(""); }
  append(...c) { this.children.push(...c); }
  replaceChildren(...c) { this.children = c; }
  addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
  fire(t, ev) { (this.listeners[t] || []).forEach((f) => f(Object.assign({ preventDefault() {}, target: this }, ev))); }
  getBoundingClientRect() { return { width: 800, height: 600 }; }
  setPointerCapture() {}
  dispatchEvent(ev) { this.fire(ev.type, {}); }
}
class HTMLButtonElement extends El {}
const calls = { fillText: [] };
const ctx = new Proxy({}, { get: (t, k) => k === "measureText" ? (s) => ({ width: 10 * s.length })
  : k === "fillText" ? (s) => calls.fillText.push(s) : (k in t ? t[k] : () => {}), set: (t, k, v) => { t[k] = v; return true; } });
const els = {};
const get = (id) => els[id] || (els[id] = id === "canvas" ? Object.assign(new El("canvas", id), { getContext: () => ctx }) : new El("div", id));
els["map-data"] = { textContent: json };
const TABS = ["map", "clusters", "bursts", "timeline", "timezone", "summary"];
const tabs = TABS.map((t) => Object.assign(new El("button"), { dataset: { tab: t } }));
global.Node = Node_; global.HTMLButtonElement = HTMLButtonElement;
global.window = { devicePixelRatio: 2, addEventListener: () => {} };
global.Event = class { constructor(t) { this.type = t; } };
global.document = {
  getElementById: get,
  createElement: (tag) => tag === "button" ? new HTMLButtonElement(tag)
    : tag === "canvas" ? Object.assign(new El(tag), { getContext: () => ctx }) : new El(tag),
  querySelectorAll: (q) => q.startsWith("#tabs") ? tabs : TABS.map((t) => get("tab-" + t)),
  addEventListener: () => {},
};
eval(code);
const D = JSON.parse(json);
const canvas = get("canvas");
if (D.nodes.length) {
  // hover and click the most frequent node, at its drawn position: find it by scanning
  canvas.fire("wheel", { offsetX: 400, offsetY: 300, deltaY: -200, deltaMode: 0 });
  let hit = false;
  for (let x = 0; x < 800 && !hit; x += 4) for (let y = 0; y < 600 && !hit; y += 4) {
    canvas.fire("pointermove", { offsetX: x, offsetY: y });
    if (!get("tip").hidden) { hit = true; canvas.fire("pointerdown", { offsetX: x, offsetY: y, pointerId: 1 }); canvas.fire("pointerup", { offsetX: x, offsetY: y }); }
  }
  if (!hit) throw new Error("no node found under the pointer");
  console.log("panel:", get("panel").textContent.slice(0, 80));
  canvas.fire("pointerdown", { offsetX: 10, offsetY: 10, pointerId: 1 });
  canvas.fire("pointermove", { offsetX: 60, offsetY: 40 });
  canvas.fire("pointerup", { offsetX: 60, offsetY: 40 });
  const s = get("search"); s.value = "新质"; s.fire("input", {}); console.log("hits:", get("hits").textContent);
  s.fire("keydown", { key: "Enter" });
}
tabs.forEach((b) => b.fire("click", {}));
console.log("clusters tab:", get("tab-clusters").textContent.slice(0, 60));
console.log("bursts tab:", get("tab-bursts").textContent.slice(0, 60));
console.log("timeline tab:", get("tab-timeline").textContent.slice(0, 60));
console.log("timezone tab:", get("tab-timezone").textContent);
console.log("labels drawn:", calls.fillText.length, calls.fillText.slice(0, 5).join(","));
console.log("OK");
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("which", ["full", "empty"])
def test_html_script_runs(which: str, written: Path, tmp_path: Path) -> None:
    """Run the page's JavaScript against a stub DOM: no exception, the panel lists records,
    search finds 新质生产力 and every tab builds."""
    if which == "empty":
        write_map(empty_map(), tmp_path / "e")
        page = tmp_path / "e" / "map.html"
    else:
        page = written / "map.html"
    stub = tmp_path / "stub.js"
    stub.write_text(DOM_STUB, encoding="utf-8")
    done = subprocess.run(["node", str(stub), str(page)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("OK")
    if which == "full":
        assert "相关记录 Records" in done.stdout or "频次 Frequency" in done.stdout
        assert "1 个匹配" in done.stdout
        # the time-zone tab draws one circle per node with a first year
        data = _embedded_json(page.read_text(encoding="utf-8"))
        assert f"{len(data['timezone'])} 个节点 / nodes" in done.stdout and data["timezone"]


def test_xlsx_formula_like_label_stays_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from zhagen.report.xlsx import write_tables_xlsx

    m = make_map()
    m.nodes.loc[0, "label"] = "=HYPERLINK(1)"
    write_tables_xlsx(m, tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx")["关键词频次"]["B2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_tidy_table_keeps_text_columns() -> None:
    import pandas as pd

    from zhagen.report.mapfiles import tidy_table

    df = pd.DataFrame({"first_year": [2020.0, None], "cluster": ["a", "b"], "x": [0.5, 1.0]})
    out = tidy_table(df)
    assert str(out["first_year"].dtype) == "Int64" and out["cluster"].tolist() == ["a", "b"]
    assert out["x"].tolist() == [0.5, 1.0]


def test_map_png_no_warning_and_svg_reproducible(
    km: KnowledgeMap, written: Path, tmp_path: Path
) -> None:
    """Drawing map.png issues no warning at all (a missing glyph would), and drawing the
    same map again gives the same SVG bytes."""
    from zhagen.report.map_figures import write_cluster_map

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_cluster_map(km, tmp_path / "map.png", tmp_path / "map.svg")
    assert (tmp_path / "map.png").stat().st_size > 50_000
    assert (tmp_path / "map.svg").read_bytes() == (written / "map.svg").read_bytes()


def test_no_cjk_font_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from zhagen.errors import ZhagenError
    from zhagen.report import fonts

    monkeypatch.setattr(fonts, "_candidate_files", lambda: [Path("/nonexistent/font.ttf")])
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(ZhagenError, match="noto-cjk-sans-otc") as err:
            fonts.find_cjk_font()
        assert "ZHAGEN_CJK_FONT" in err.value.en and "中文字体" in err.value.zh
    finally:
        monkeypatch.undo()
        fonts.find_cjk_font.cache_clear()
    assert fonts.find_cjk_font().family


def test_font_override_by_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from matplotlib import font_manager

    from zhagen.report import fonts

    dejavu = font_manager.findfont("DejaVu Sans")  # no Han glyphs: must be skipped
    monkeypatch.setenv("ZHAGEN_CJK_FONT", str(dejavu))
    fonts.find_cjk_font.cache_clear()
    try:
        chosen = fonts.find_cjk_font()
        assert Path(chosen.path) != Path(dejavu) and fonts.missing_glyphs("新质生产力") == []
    finally:
        monkeypatch.undo()
        fonts.find_cjk_font.cache_clear()


def test_one_node_without_year_or_cluster(tmp_path: Path) -> None:
    """One record, one keyword, no year, no cluster, no link, no burst: every file is written."""
    import pandas as pd

    nodes = pd.DataFrame([[0, "新质生产力", 1, 0, 0.0, 0.0, None, None, None, 1.0, -1, None,
                           0.0, 0.0, 0.0]], columns=NODE_COLUMNS)  # fmt: skip
    m = KnowledgeMap(nodes, pd.DataFrame(columns=EDGE_COLUMNS),
                     pd.DataFrame(columns=CLUSTER_COLUMNS), pd.DataFrame(columns=BURST_COLUMNS),
                     {"records": 1}, node_docs={0: [7]}, doc_titles={7: "唯一的记录"})  # fmt: skip
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        paths = write_map(m, tmp_path)
    assert len(paths) == len(EXPECTED)
    data = _embedded_json((tmp_path / "map.html").read_text(encoding="utf-8"))
    assert data["docs"]["0"] == [[7, "唯一的记录"]]
    assert read_vosviewer_cluster(tmp_path / "vosviewer_map.txt") is None


def read_vosviewer_cluster(path: Path) -> object:
    from zhagen.formats.network import read_vosviewer_map

    return read_vosviewer_map(path)[0]["cluster"]


def test_views_can_be_left_out(km: KnowledgeMap, tmp_path: Path) -> None:
    """``views=()`` writes the files of before; a view name not known is refused."""
    from zhagen.errors import ParameterError

    names = {p.name for p in write_map(km, tmp_path / "plain", views=())}
    assert names == set(EXPECTED) - {"timezone.png", "timezone.svg", "overlay.png", "density.png",
                                      "thematic_map.png", "themes.csv"}  # fmt: skip
    assert {p.name for p in write_map(km, tmp_path / "tz", views=["timezone"])} >= {"timezone.png"}
    with pytest.raises(ParameterError, match="unknown views"):
        write_map(km, tmp_path / "bad", views=["heatmap"])
