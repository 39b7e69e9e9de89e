"""``zhagen report study.toml --out report/``: a study's method and results sections.

The report is built from the last run of the study (its ``manifest.json``), the steps'
output files and the project itself (read, never changed), in the shape of the method and
results sections of a Chinese management journal paper: numbered 图/表 with Chinese
captions, 三线表, definitions stated under each statistic. It is written twice, from the
same blocks (:class:`Block`):

- ``report.docx`` (python-docx; tables as 三线表 through :mod:`zhagen.report.docx_tables`,
  figures 15 cm wide);
- ``report.html``, self-contained and offline: images as ``data:`` URIs, no script, no
  external reference;
- ``figures/``: the figures the report draws itself (the screening flow), at a fixed size
  and dpi, PNG and SVG.

Sections: data sources and screening (a PRISMA-style flow: records exported → duplicates →
screened → kept, from the project's sources, duplicates and the literature set), the software
and versions, 年度发文量 (the ``stats`` step), each map with its parameters and Q/S with their
definitions (``summary.json``), the top nodes as a 表1-style table, the coding process
(the level chain), the open-coding table with ``examples`` sentences per concept (a sentence
two coders coded differently appears once per coder), the axial table (a warning when a
内涵 is empty), the relation table, saturation and agreement (κ, α, Holsti with their
definitions), and an appendix answering the reporting-checklist items the data can answer
(BIBLIO; COREQ/SRQR).

A ``report`` is not a step of the run: it reads the manifest that the run writes.
"""

from __future__ import annotations

import base64
import csv
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError, ParameterError
from zhagen.study.runner import MANIFEST
from zhagen.study.spec import Study, load_study

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.project import Project

__all__ = ["Block", "Report", "build_report", "write_report", "FIGURE_SIZE", "FIGURE_DPI"]

#: The size (inches) and resolution of the figures the report draws itself.
FIGURE_SIZE = (6.0, 3.6)
FIGURE_DPI = 200
#: The width of every figure in the DOCX, in cm (A4 text width is 14.66 cm at 3.17 cm margins).
FIGURE_CM = 14.5

DEFINITIONS_ZH = {
    "kappa": "Cohen's κ = (p_o − p_e)/(1 − p_e)，p_o 为观察一致率，p_e 为两位编码者各自编码比例下的"
    "期望一致率（Cohen 1960）",
    "alpha": "Krippendorff's α（名义）= 1 − D_o/D_e，D_o、D_e 为观察与期望的不一致（Krippendorff "
    "2004）",
    "holsti": "Holsti 信度 R = 2M/(N1 + N2)，M 为两人都编码的单位数，N1、N2 为各自编码的单位数"
    "（Holsti 1969）",
    "percent": "一致百分比 = (两人都编码 + 两人都未编码)/全部单位 × 100",
}


@dataclass
class Block:
    """One piece of the report: ``kind`` is ``h1``, ``h2``, ``h3``, ``p``, ``warn``,
    ``figure`` (``path``, ``caption``) or ``table`` (``frame``, ``caption``, ``note``;
    ``name`` selects the coding tables' merge rules)."""

    kind: str
    text: str = ""
    path: Path | None = None
    frame: Any = None
    caption: str = ""
    note: str = ""
    name: str = ""
    width_cm: float | None = None  # a figure narrower than the text's width (its own size)


@dataclass
class Report:
    """The report's blocks (figures and tables numbered in order) and the numbers it
    states (``counts``), for checks against the project."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    figures: int = 0
    tables: int = 0

    def h(self, level: int, text: str) -> None:
        self.blocks.append(Block(f"h{level}", text))

    def p(self, text: str) -> None:
        self.blocks.append(Block("p", text))

    def warn(self, zh: str, en: str) -> None:
        """A warning printed in the report (Chinese, as the report is) and listed in
        ``warnings`` as (zh, en) for the command line."""
        self.warnings.append((zh, en))
        self.blocks.append(Block("warn", zh))

    def figure(self, path: Path, caption: str, width_cm: float | None = None) -> str:
        self.figures += 1
        label = f"图{self.figures}"
        self.blocks.append(Block("figure", path=path, caption=f"{label} {caption}",
                                 width_cm=width_cm))  # fmt: skip
        return label

    def table(self, frame: pd.DataFrame, caption: str, note: str = "", name: str = "") -> str:
        from zhagen.report.tables import DISPLAY

        self.tables += 1
        label = f"表{self.tables}"
        if name in DISPLAY:  # a coding table: the paper's columns (the rest traces rows)
            keep = [*DISPLAY[name], "编码者"]
            frame = frame[[c for c in keep if c in frame.columns]]
        self.blocks.append(Block("table", frame=frame, caption=f"{label} {caption}", note=note,
                                 name=name or caption))  # fmt: skip
        return label


# -- reading the run ------------------------------------------------------------------------
def _manifest(study: Study) -> dict[str, Any]:
    path = study.out / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"没有 {MANIFEST}：请先运行 zhagen run {study.path.name}，再生成报告",
            f"no {MANIFEST}: run `zhagen run {study.path.name}` before the report",
            file=str(path),
        ) from None


def _steps(manifest: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in manifest.get("steps", []) if s.get("kind") == kind]


def _output(study: Study, step: dict[str, Any], name: str) -> Path | None:
    for rel in step.get("outputs", {}):
        if Path(rel).name == name:
            path = study.out / rel
            return path if path.is_file() else None
    return None


def _json(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _csv_rows(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _frame(rows: list[list[Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _num(value: Any, digits: int = 3) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "—"
    if x != x:  # NaN: undefined
        return "—"
    return f"{x:.{digits}f}"


# -- sections -------------------------------------------------------------------------------
def _literature_scope(manifest: dict[str, Any]) -> str | None:
    """The scope of the bibliometric steps (stats first, then maps)."""
    for kind in ("stats", "map"):
        for s in _steps(manifest, kind):
            if s.get("scope"):
                return str(s["scope"])
    return None


def screening(project: Project, scope: str | None) -> dict[str, int]:
    """The PRISMA-style counts of the literature: ``exported`` (records read from the files
    the literature came from), ``duplicates`` (of those, marked as duplicates), ``screened``
    (the rest), ``kept`` (screened records in the literature scope) and ``excluded``.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     screening(p, None)
    {'exported': 3, 'duplicates': 0, 'screened': 3, 'kept': 3, 'excluded': 0}
    """
    frame = project.documents.frame()
    kept_ids = project.scope(scope).doc_ids
    if kept_ids is None:
        kept_ids = frozenset(int(d) for d in frame["id"])
    sources = set(frame.loc[frame["id"].isin(kept_ids), "source"])
    read = frame[frame["source"].isin(sources)]
    dups = int(read["duplicate_of"].notna().sum())
    unique = read[read["duplicate_of"].isna()]
    kept = int(unique["id"].isin(kept_ids).sum())
    return {"exported": len(read), "duplicates": dups, "screened": len(unique), "kept": kept,
            "excluded": len(unique) - kept}  # fmt: skip


def _flow_figure(counts: dict[str, int], scope: str | None, folder: Path) -> Path:
    """The screening flow (PRISMA style) at :data:`FIGURE_SIZE` and :data:`FIGURE_DPI`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    from zhagen.report.fonts import cjk_font

    font = cjk_font(9)
    fig = plt.figure(figsize=FIGURE_SIZE, dpi=FIGURE_DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(2.4, 9.6)
    ax.axis("off")
    main = [(f"数据库导出记录\nn = {counts['exported']}", 8.6),
            (f"去重后待筛选记录\nn = {counts['screened']}", 6.0),
            (f"纳入分析的文献\nn = {counts['kept']}", 3.4)]  # fmt: skip
    side = [(f"剔除重复记录\nn = {counts['duplicates']}", 7.3),
            (f"按纳入条件剔除\nn = {counts['excluded']}\n（{scope or '全部文献'}）", 4.7)]  # fmt: skip
    for text, y in main:
        ax.add_patch(FancyBboxPatch((1.0, y - 0.7), 4.0, 1.4, boxstyle="round,pad=0.05",
                                    fc="white", ec="black", lw=0.8))  # fmt: skip
        ax.text(3.0, y, text, ha="center", va="center", fontproperties=font)
    for (_, y1), (_, y2) in zip(main, main[1:], strict=False):
        ax.annotate("", (3.0, y2 + 0.75), (3.0, y1 - 0.75),
                    arrowprops={"arrowstyle": "->", "lw": 0.8})  # fmt: skip
    for text, y in side:
        ax.add_patch(FancyBboxPatch((6.2, y - 0.7), 3.4, 1.4, boxstyle="round,pad=0.05",
                                    fc="#f2f2f2", ec="black", lw=0.8))  # fmt: skip
        ax.text(7.9, y, text, ha="center", va="center", fontproperties=font)
        ax.annotate("", (6.15, y), (3.0, y), arrowprops={"arrowstyle": "->", "lw": 0.8})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "screening_flow.png"
    fig.savefig(path, dpi=FIGURE_DPI, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "zhagen", "svg.fonttype": "path"}):
        fig.savefig(folder / "screening_flow.svg", metadata={"Date": None})  # the same bytes
    plt.close(fig)
    return path


def _data_section(r: Report, study: Study, manifest: dict[str, Any], project: Project,
                  figures: Path) -> None:  # fmt: skip
    r.h(2, "一、研究设计与数据来源")
    r.h(3, "（一）数据来源与筛选")
    listed = {i["path"]: i for i in manifest.get("inputs", [])}
    built = {i["path"]: i for i in manifest.get("build", {}).get("inputs", [])}
    files = "；".join(f"{Path(p).name}（SHA-256 {i['sha256'][:12]}…）" for p, i in listed.items())
    if files:
        r.p(f"本研究的数据来自以下文件：{files}。文件内容的哈希值记录于运行清单 manifest.json，"
            "任何改动都会被发现。")  # fmt: skip
    scope = _literature_scope(manifest)
    if scope is None and not built:
        return
    counts = screening(project, scope)
    r.counts["screening"] = counts
    flow = r.figure(_flow_figure(counts, scope, figures), "文献检索与筛选流程")
    r.p(f"如{flow}所示，数据库共导出 {counts['exported']} 条记录，剔除重复记录 "
        f"{counts['duplicates']} 条（同一 DOI，或题名、年份相同且刊物相同或有共同作者），"
        f"对其余 {counts['screened']} 条记录按纳入条件（范围查询 {scope or '全部文献'}）筛选，"
        f"最终纳入 {counts['kept']} 篇文献。")  # fmt: skip
    sets = [s for s in _steps(manifest, "sets")]
    for s in sets:
        data = _json(_output(study, s, "sets.json"))
        rows = [[x["name"], "查询" if x["kind"] == "query" else "静态", x.get("query") or "—",
                 x["count"], x.get("description", "")] for x in data.get("sets", [])]  # fmt: skip
        if rows:
            label = r.table(_frame(rows, ["集合", "类型", "查询", "文档数", "说明"]),
                            "研究使用的文档集合")  # fmt: skip
            r.p(f"{label}列出研究使用的文档集合；查询集合在每次分析时按查询重新求值。")


def _software(r: Report, manifest: dict[str, Any]) -> None:
    r.h(3, "（二）研究工具")
    deps = manifest.get("dependencies", {})
    shown = "、".join(f"{k} {v}" for k, v in deps.items() if k in
                     ("pandas", "numpy", "scipy", "matplotlib", "rjieba", "python-docx"))  # fmt: skip
    r.p(f"全部分析由 zhagen {manifest.get('zhagen', '?')}（Python {manifest.get('python', '?')}，"
        f"{manifest.get('platform', '?')}）按研究文件 {manifest.get('study', {}).get('path', '')} "
        f"一次运行完成；主要依赖：{shown or '见运行清单'}。每一步的参数、随机种子与输出文件的哈希值见"
        "运行清单 manifest.json，可用 zhagen run --check 复核。")  # fmt: skip


def _stats_section(r: Report, study: Study, manifest: dict[str, Any]) -> None:
    for s in _steps(manifest, "stats"):
        data = _json(_output(study, s, "stats.json"))
        if not data:
            continue
        r.h(3, "（一）年度发文量")
        annual = data.get("annual") or data.get("annual_output") or {}
        rows = _annual_rows(annual)
        fig = _output(study, s, "annual_output.png")
        records = data.get("records", {})
        n = records.get("value") if isinstance(records, dict) else records
        r.counts["stats_records"] = n
        text = f"纳入分析的 {n} 篇文献（{s.get('scope') or '全部文献'}）逐年分布"
        if fig is not None:
            label = r.figure(fig, "年度发文量")
            text += f"如{label}所示"
        if rows:
            label = r.table(_frame(rows, ["年份", "发文量"]), "年度发文量")
            text += f"，逐年数量见{label}"
        r.p(text + "。")


def _annual_rows(annual: Any) -> list[list[Any]]:
    """(year, count) rows from the stats' annual output, whatever its shape."""
    if isinstance(annual, dict) and isinstance(annual.get("years"), list):
        return [[int(x["year"]), int(x.get("records", x.get("count", 0)))]
                for x in annual["years"] if isinstance(x, dict) and "year" in x]  # fmt: skip
    if isinstance(annual, dict):
        counts = annual.get("counts") or annual.get("by_year") or annual.get("value")
        if isinstance(counts, dict):
            return [[int(y), int(c)] for y, c in sorted(counts.items())]
        if isinstance(counts, list):
            return [[int(x["year"]), int(x["count"])] for x in counts if "year" in x]
        years, values = annual.get("years"), annual.get("counts") or annual.get("values")
        if isinstance(years, list) and isinstance(values, list):
            return [[int(y), int(c)] for y, c in zip(years, values, strict=False)]
    if isinstance(annual, list):
        return [[int(x["year"]), int(x["count"])] for x in annual if isinstance(x, dict)]
    return []


def _given(params: dict[str, Any]) -> dict[str, Any]:
    """A map's parameters as a paper states them: those that differ from the defaults, and
    the node type and selection always; a file by its name."""
    from zhagen.study.steps import KINDS

    defaults = {p.name: p.default for p in KINDS["map"].declared()}
    out = {}
    for k, v in params.items():
        default = defaults.get(k)
        if isinstance(default, tuple):
            default = list(default)
        if v is None or k == "scope" or (v == default and k not in ("nodes", "top", "slice")):
            continue
        out[k] = Path(v).name if isinstance(v, str) and ("/" in v or "\\" in v) else v
    return out


_NODE_ZH = {"keyword": "关键词", "term": "术语", "author": "作者", "institution": "机构",
            "country": "国家/地区", "reference": "被引文献", "cited-author": "被引作者",
            "cited-journal": "被引期刊", "category": "学科类别", "coupling": "耦合文献"}  # fmt: skip


def _map_section(r: Report, study: Study, manifest: dict[str, Any]) -> None:
    maps = _steps(manifest, "map")
    if not maps:
        return
    r.h(3, "（二）知识图谱")
    for s in maps:
        summary = _json(_output(study, s, "summary.json"))
        if not summary:
            continue
        params = s.get("params", {})
        what = _NODE_ZH.get(str(params.get("nodes") or "keyword"), str(params.get("nodes")))
        q, sil = summary.get("modularity"), summary.get("silhouette")
        figure = _output(study, s, "map.png")
        label = r.figure(figure, f"{what}共现图谱（步骤 {s['name']}）") if figure else ""
        shown = _given(params)
        r.p(f"{label or '步骤 ' + s['name']}基于 {summary.get('records', '?')} 篇文献"
            f"（{s.get('scope') or '全部文献'}），节点类型为{what}，共 {summary.get('nodes', '?')} "
            f"个节点、{summary.get('links', summary.get('edges', '?'))} 条连线、"
            f"{summary.get('clusters', '?')} 个聚类；模块度 Q = {_num(q, 4)}，平均轮廓系数 "
            f"S = {_num(sil, 4)}。参数：" + "，".join(f"{k} = {v}" for k, v in sorted(shown.items()))
            + "。")  # fmt: skip
        defs = summary.get("definitions", {})
        if defs:
            r.p(f"定义：Q — {defs.get('modularity', '')}；S — {defs.get('silhouette', '')}；"
                f"连线强度 — {defs.get('link', '')}。")  # fmt: skip
        for name, caption in (("timeline.png", "时间线图谱"), ("bursts.png", "突现词")):
            extra = _output(study, s, name)
            if extra is not None and params.get("burst_terms") == "all":
                r.figure(extra, f"{what}{caption}（步骤 {s['name']}）")
        nodes = _csv_rows(_output(study, s, "nodes.csv"))
        if nodes:
            key = next((k for k in ("label", "name", "term", "node") if k in nodes[0]), None)
            freq = next((k for k in ("frequency", "freq", "count") if k in nodes[0]), None)
            cent = next((k for k in ("betweenness", "centrality") if k in nodes[0]), None)
            if key and freq:
                top = sorted(nodes, key=lambda n: -float(n[freq] or 0))[:15]
                rows = [[i + 1, n[key], int(float(n[freq])), _num(n.get(cent), 3) if cent else "—",
                         n.get("first_year") or n.get("year") or "—"] for i, n in enumerate(top)]  # fmt: skip
                r.table(_frame(rows, ["序号", what, "频次", "中介中心性", "首次出现年份"]),
                        f"高频{what}（步骤 {s['name']}）",
                        "注：频次为纳入文献中出现的篇数；中介中心性在剪枝后的网络上计算。")  # fmt: skip


# -- coding -----------------------------------------------------------------------------------
def open_coding_examples(table: pd.DataFrame, examples: int = 2) -> pd.DataFrame:
    """The open-coding table with at most ``examples`` sentences per concept; where two
    coders coded one of those sentences differently, each coder's row is kept (a
    disagreement reads as two rows).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"原始语句": ["甲句", "乙句", "丙句", "甲句"], "初始概念": ["A", "A", "A", "B"],
    ...                   "初始范畴": ["C"] * 4, "文档": [1, 1, 2, 1], "起": [0, 5, 0, 0],
    ...                   "止": [3, 8, 3, 3], "编码者": ["x", "x", "x", "y"]})
    >>> open_coding_examples(t, 2)[["原始语句", "初始概念", "编码者"]].values.tolist()
    [['甲句', 'A', 'x'], ['甲句', 'B', 'y'], ['乙句', 'A', 'x']]
    """
    if table.empty:
        return table
    unit = ["文档", "起", "止"]
    seen: set[tuple[Any, ...]] = set()
    picked = []
    for _concept, rows in table.groupby("初始概念", sort=False):
        sentences = rows.drop_duplicates(unit)
        for _, row in sentences.head(examples).iterrows():
            key = tuple(row[c] for c in unit)
            if key in seen:
                continue
            seen.add(key)
            same = table[(table["文档"] == row["文档"]) & (table["起"] == row["起"])
                         & (table["止"] == row["止"])]  # fmt: skip
            concepts = same.drop_duplicates(["初始概念", "编码者"])
            agreed = concepts["初始概念"].nunique() == 1
            picked.append(concepts.head(1) if agreed else concepts)
    import pandas as pd

    # in the table's order (concepts within categories); a disagreement's rows together
    return pd.concat(picked, ignore_index=True)


def _coding_section(r: Report, study: Study, manifest: dict[str, Any], project: Project,
                    examples: int, figures: Path) -> None:  # fmt: skip
    tables_steps = _steps(manifest, "tables")
    if not tables_steps:
        return
    s = tables_steps[0]
    r.h(3, "（三）扎根理论编码")
    scope = s.get("scope")
    coder = s.get("params", {}).get("coder")
    written = _json(_output(study, s, "tables.json"))
    tables = project.reports.tables(coder=None, scope=scope)
    own = project.reports.tables(coder=coder, scope=scope)
    counts = own.get("编码数量")
    chain = written.get("chain") or ""
    if counts is not None and len(counts) == 5:
        n = [int(v) for v in counts["数量"]]
        r.counts["chain"] = n
        chain = " → ".join(str(x) for x in n)
        label = r.table(counts[["层级", "数量"]], "各级编码数量", name="编码数量")
        r.p(f"编码过程（{label}）：{n[0]} 条原始语句 → {n[1]} 个初始概念 → {n[2]} 个初始范畴 → "
            f"{n[3]} 个主范畴 → {n[4]} 个核心范畴，即 {chain}"
            f"（编码者 {coder or '全部'}；范围 {scope or '全部文档'}）。")  # fmt: skip
    open_table = tables.get("开放式编码")
    if open_table is not None and not open_table.empty:
        shown = open_coding_examples(open_table, examples)
        coders = sorted(set(open_table["编码者"]))
        cols = ["原始语句", "初始概念", "初始范畴"] + (["编码者"] if len(coders) > 1 else [])
        r.counts["open_coding_rows"] = len(shown)
        label = r.table(shown[cols], "开放式编码结果（示例）",
                        f"注：每个初始概念列出至多 {examples} 条代表性原始语句（共 "
                        f"{len(open_table.drop_duplicates(['文档', '起', '止']))} 条已编码语句）；"
                        "两位编码者对同一语句编码不同时分两行列出。", name="开放式编码")  # fmt: skip
        r.p(f"开放式编码结果见{label}。")
    axial = own.get("主轴编码")
    if axial is not None and not axial.empty:
        empty = [str(x) for x in axial.loc[axial["内涵"].fillna("").astype(str).str.strip() == "",
                                         "副范畴"]]  # fmt: skip
        label = r.table(axial, "主轴编码结果", name="主轴编码")
        r.p(f"主轴编码结果见{label}。")
        if empty:
            r.warn(f"注意：{len(empty)} 个范畴没有内涵（{'、'.join(empty[:8])}）；请在编码本中补写，"
                   "否则表中的内涵列为空。",
                   f"note: {len(empty)} categories have no description (内涵): "
                   f"{', '.join(empty[:8])}; write them in the code book, or the 内涵 column "
                   "stays empty")  # fmt: skip
    relations = own.get("典型关系结构")
    if relations is not None and not relations.empty:
        label = r.table(relations, "主范畴的典型关系结构", name="典型关系结构")
        r.p(f"主范畴之间的典型关系结构见{label}。")
    else:
        r.warn("注意：项目中没有记录主范畴之间的关系，因此没有典型关系结构表；请在编码工作台中添加关系。",
               "note: the project holds no relations between main categories, so there is no "
               "relation table; add relations in the coding workbench")  # fmt: skip
    _model(r, project, figures)
    _saturation(r, study, manifest)
    _agreement(r, study, manifest)


def _model(r: Report, project: Project, figures: Path) -> None:
    """The storyline and the model figure: the paradigm model when the researcher gave any
    category a role, else the code tree; the boxes where they were moved in the workbench."""
    from zhagen.report.model_figure import PX_PER_INCH

    story = project.relations.storyline().strip()
    paradigm = any(b["role"] for b in project.relations.model("paradigm")["boxes"])
    layout = "paradigm" if paradigm else "tree"
    if not project.relations.model(layout)["boxes"]:
        return
    path = project.reports.model_figure(figures / f"model_{layout}.png", layout=layout)
    # at its own size when smaller than the text's width: a two-box model is not blown up
    width = project.relations.model(layout)["width"] / PX_PER_INCH * 2.54
    label = r.figure(path, "范式模型图" if paradigm else "编码模型图", min(width, FIGURE_CM))
    what = ("按范式模型（因果条件 → 现象 → 情境/中介条件 → 行动策略 → 结果）排列主范畴"
            if paradigm else "核心范畴、主范畴与副范畴的层级及其关系")  # fmt: skip
    r.p(f"{label}为{what}。" + (f"故事线：{story}" if story else ""))
    if not story:
        r.warn("注意：项目中还没有故事线；请在编码工作台的「主轴与选择性编码」页填写。",
               "note: the project has no storyline yet; write it on the workbench's model page")  # fmt: skip


def _saturation(r: Report, study: Study, manifest: dict[str, Any]) -> None:
    for s in _steps(manifest, "saturation"):
        data = _json(_output(study, s, "saturation.json"))
        if not data:
            continue
        new = _csv_rows(_output(study, s, "saturation_new.csv"))
        held = len(data.get("holdout_documents", []))
        verdict = {True: "达到饱和", False: "未达到饱和", None: "尚无法判断"}.get(
            data.get("saturated")
        )
        r.counts["saturation"] = {
            "holdout": held,
            "new": len(new),
            "saturated": data.get("saturated"),
        }
        p = s.get("params", {})
        r.p(f"理论饱和度检验：按随机种子 {p.get('seed')} 预留 {held} 篇文档（比例 {p.get('holdout')}），"
            f"用其余文档建立的编码体系对其编码，新出现的概念 {len(new)} 个，判断为{verdict}。"
            "定义：预留文档中出现模型文档未有的初始概念即视为未饱和。")  # fmt: skip
        for w in data.get("warnings", []):
            zh, en = (w[0], w[-1]) if isinstance(w, list) and w else (str(w), str(w))
            r.warn("饱和度：" + zh, "saturation: " + en)


def _agreement(r: Report, study: Study, manifest: dict[str, Any]) -> None:
    for s in _steps(manifest, "agreement"):
        rows = _csv_rows(_output(study, s, "agreement_pooled.csv"))
        if not rows:
            continue
        row = rows[0]
        coders = s.get("options", {}).get("coders", [])
        unit = s.get("params", {}).get("unit", "char")
        values = {"percent": row.get("percent_agreement"), "holsti": row.get("holsti_r"),
                  "kappa": row.get("kappa"), "alpha": row.get("alpha")}  # fmt: skip
        r.counts["agreement"] = {k: _num(v, 3) for k, v in values.items()}
        frame = _frame([["一致百分比（%）", _num(values["percent"], 1), DEFINITIONS_ZH["percent"]],
                        ["Holsti 信度", _num(values["holsti"]), DEFINITIONS_ZH["holsti"]],
                        ["Cohen's κ", _num(values["kappa"]), DEFINITIONS_ZH["kappa"]],
                        ["Krippendorff's α", _num(values["alpha"]), DEFINITIONS_ZH["alpha"]]],
                       ["指标", "数值", "定义"])  # fmt: skip
        label = r.table(frame, "编码一致性检验",
                        f"注：编码者 {'、'.join(coders)}；分析单位为{'句子' if unit == 'sentence' else '字符'}；"
                        f"合计 {row.get('codes', '?')} 个编码，各编码的 2×2 表叠加计算。")  # fmt: skip
        r.p(f"两位编码者（{'、'.join(coders)}）背对背编码的一致性见{label}：κ = {_num(values['kappa'])}，"
            f"α = {_num(values['alpha'])}，Holsti R = {_num(values['holsti'])}。")  # fmt: skip


def _appendix(r: Report, manifest: dict[str, Any]) -> None:
    r.h(2, "附录：报告清单")
    steps = manifest.get("steps", [])
    maps = [s for s in steps if s.get("kind") == "map"]
    coding = (manifest.get("projects") or [{}])[0].get("coding", {})
    rows = []
    if maps or _steps(manifest, "stats"):
        screen = r.counts.get("screening", {})
        rows += [
            ["BIBLIO", "数据库与导出文件", "；".join(Path(i["path"]).name for i in manifest.get("inputs", []))],
            ["BIBLIO", "检索结果与去重", f"导出 {screen.get('exported', '—')}，重复 {screen.get('duplicates', '—')}，"
                                       f"纳入 {screen.get('kept', '—')}"],
            ["BIBLIO", "软件及版本", f"zhagen {manifest.get('zhagen', '?')}，Python {manifest.get('python', '?')}"],
            ["BIBLIO", "分析参数", "；".join(f"{s['name']}：" + "，".join(
                f"{k}={v}" for k, v in sorted(_given(s.get("params", {})).items()))
                for s in maps) or "—"],
            ["BIBLIO", "可重复性", "研究文件与运行清单（输入与输出的 SHA-256、随机种子）"],
        ]  # fmt: skip
    if coding.get("codings"):
        sat = r.counts.get("saturation", {})
        rows += [
            ["COREQ/SRQR", "软件及版本", f"zhagen {manifest.get('zhagen', '?')}"],
            ["COREQ 24", "编码者人数", f"{len(coding.get('coders', []))}（{'、'.join(coding.get('coders', []))}）"],
            ["COREQ 25", "编码树", "各层级编码数 " + "，".join(
                f"{k}级 {v}" for k, v in sorted(coding.get("codes_per_level", {}).items()))],
            ["COREQ 22 / SRQR 10", "数据饱和", f"预留 {sat.get('holdout', '—')} 篇，新概念 {sat.get('new', '—')} 个"
                                             if sat else "未检验"],
            ["SRQR 12", "编码可信度", "；".join(f"{k} = {v}" for k, v in r.counts.get("agreement", {}).items())
                                     or "未检验"],
            ["SRQR 9", "数据单位", f"{coding.get('coded_documents', 0)} 篇已编码文档，{coding.get('codings', 0)} 处编码"],
        ]  # fmt: skip
    if rows:
        r.table(_frame(rows, ["清单", "条目", "本研究"]), "报告清单条目（由运行清单自动填写）",
                "注：BIBLIO 为文献计量研究报告指南；COREQ、SRQR 为质性研究报告清单，仅列出数据能回答的条目。")  # fmt: skip


def build_report(
    study_path: str | Path, *, examples: int = 2, figures: Path | None = None
) -> Report:
    """The report of a study's last run (see the module's notes): its blocks and counts.

    ``examples``: the example sentences per concept in the open-coding table; ``figures``:
    where the report's own figures go (default: a ``figures`` folder in the study's output).
    """
    from zhagen.project import Project

    if isinstance(examples, bool) or not isinstance(examples, int) or examples < 1:
        raise ParameterError(f"examples 应为 ≥ 1 的整数，而不是 {examples!r}",
                             f"examples must be an integer ≥ 1, not {examples!r}")  # fmt: skip
    study = load_study(study_path, check_files=False)
    manifest = _manifest(study)
    r = Report(title=study.name)
    if not study.project.exists():
        raise InputError(f"找不到项目文件 {study.project.name}：请先运行 zhagen run",
                         f"project file {study.project.name} not found: run `zhagen run` first",
                         file=str(study.project))  # fmt: skip
    folder = figures or study.out / "report_figures"
    with Project.open(study.project) as project:
        _data_section(r, study, manifest, project, folder)
        _software(r, manifest)
        r.h(2, "二、研究结果")
        _stats_section(r, study, manifest)
        _map_section(r, study, manifest)
        _coding_section(r, study, manifest, project, examples, folder)
    _appendix(r, manifest)
    return r


# -- writing ----------------------------------------------------------------------------------
def _docx(r: Report, path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from zhagen.report.docx_tables import add_table, paper_styles

    doc = Document()
    paper_styles(doc)
    doc.core_properties.title = r.title
    head = doc.add_paragraph(r.title)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.runs[0].bold = True
    head.runs[0].font.size = Pt(16)
    for b in r.blocks:
        if b.kind in ("h1", "h2", "h3"):
            para = doc.add_paragraph()
            run = para.add_run(b.text)
            run.bold = True
            run.font.size = Pt({"h1": 16, "h2": 14, "h3": 12}[b.kind])
            para.paragraph_format.keep_with_next = True  # no heading alone at a page's foot
        elif b.kind == "p":
            para = doc.add_paragraph(b.text)
            para.paragraph_format.first_line_indent = Pt(21)
        elif b.kind == "warn":
            run = doc.add_paragraph().add_run(b.text)
            run.font.color.rgb = RGBColor(0xA0, 0x30, 0x00)
        elif b.kind == "figure" and b.path is not None:
            doc.add_picture(str(b.path), width=Cm(b.width_cm or FIGURE_CM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            # the figure on the page of its caption (LibreOffice showed 图2's caption alone
            # at the top of the next page)
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            doc.add_paragraph(b.caption, style="表题")
        elif b.kind == "table":
            doc.add_paragraph(b.caption, style="表题")
            # the coding tables' merge rules hold for their own columns only
            from zhagen.report.tables import DISPLAY

            same = list(b.frame.columns) == DISPLAY.get(b.name)
            add_table(doc, b.name if same else b.caption, b.frame, False)
            if b.note:
                doc.add_paragraph(b.note, style="表注")
    doc.save(str(path))
    return path


_CSS = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif;
max-width:46em;margin:2em auto;padding:0 1em;line-height:1.7;color:#111}
h1{text-align:center;font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em}h3{font-size:1.1em}
p{text-indent:2em;margin:.4em 0}.warn{color:#a03000;text-indent:0}
figure{margin:1em 0;text-align:center}figure img{width:100%;max-width:15cm;height:auto}
figcaption,.caption{text-align:center;font-weight:bold;margin:.3em 0}
table{border-collapse:collapse;margin:0 auto;border-top:1.5pt solid #000;
border-bottom:1.5pt solid #000;font-size:.92em}
th{border-bottom:.75pt solid #000;padding:.25em .6em;font-weight:bold;white-space:nowrap}
td.s{white-space:nowrap}
td{padding:.2em .6em;vertical-align:top}.note{font-size:.85em;text-indent:0;margin-bottom:1.2em}
"""


def _img(path: Path) -> str:
    kind = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _html(r: Report, path: Path) -> Path:
    e = html.escape
    out = ['<!DOCTYPE html>', '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{e(r.title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(r.title)}</h1>"]  # fmt: skip
    for b in r.blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "warn":
            out.append(f'<p class="warn">{e(b.text)}</p>')
        elif b.kind == "figure" and b.path is not None:
            out.append(f'<figure><img alt="{e(b.caption)}" src="{_img(b.path)}">'
                       f"<figcaption>{e(b.caption)}</figcaption></figure>")  # fmt: skip
        elif b.kind == "table":
            frame = b.frame
            out.append(f'<p class="caption">{e(b.caption)}</p><table><thead><tr>')
            out.extend(f"<th>{e(str(c))}</th>" for c in frame.columns)
            out.append("</tr></thead><tbody>")
            for row in frame.itertuples(index=False):
                cells = "".join(_td(_cell(v)) for v in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</tbody></table>")
            if b.note:
                out.append(f'<p class="note">{e(b.note)}</p>')
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _td(text: str) -> str:
    """A cell; a short one is kept on one line (a label, a number)."""
    short = ' class="s"' if len(text) <= 12 else ""
    return f"<td{short}>{html.escape(text)}</td>"


def _cell(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return ""
    return str(value)


def write_report(
    study_path: str | Path, out: str | Path, *, examples: int = 2
) -> tuple[Report, list[Path]]:
    """Write ``report.docx``, ``report.html`` and the report's own figures into ``out``;
    return the report and the files."""
    from zhagen.study.files import normalise

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    r = build_report(study_path, examples=examples, figures=folder / "figures")
    docx = _docx(r, folder / "report.docx")
    normalise(docx)
    page = _html(r, folder / "report.html")
    figures = sorted((folder / "figures").glob("*")) if (folder / "figures").is_dir() else []
    return r, [docx, page, *figures]
