"""The files of ``zhagen stats``: tables (XLSX and 三线表 DOCX), ``stats.json`` and figures.

:func:`stats_tables` turns :class:`~zhagen.biblio.stats.Bibliometrics` into paper tables
(name → caption, DataFrame, note — the note states each number's definition);
:func:`write_stats` writes, into one folder:

==============================  =============================================================
``stats.json``                  every number with its definition (zh, en)
``stats_tables.xlsx``           one sheet per table, and a sheet 说明 with the definitions
``stats_tables.docx``           the tables as 三线表, each with its note
``annual_output.png`` / ``.svg``  年度发文量图: bars, linear and exponential trends, R²
``lotka.png``                   洛特卡定律: authors per output on log-log axes, with the fit
==============================  =============================================================

Each figure is its own function (:func:`write_annual_figure`, :func:`write_lotka_figure`).

>>> import tempfile
>>> from zhagen.biblio.stats import bibliometrics
>>> from zhagen.examples import tiny_records
>>> paths = write_stats(bibliometrics(tiny_records()), Path(tempfile.mkdtemp()))
>>> [p.name for p in paths]
['stats.json', 'stats_tables.xlsx', 'stats_tables.docx', 'annual_output.png', 'annual_output.svg', 'lotka.png']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.biblio.laws import DEFINITIONS
from zhagen.biblio.stats import Bibliometrics

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "StatsTable",
    "WritableStats",
    "stats_tables",
    "write_stats",
    "write_stats_json",
    "write_annual_figure",
    "write_lotka_figure",
    "draw_annual",
    "draw_lotka",
]

BAR = "#4c72b0"
LINEAR = "#dd8452"
EXPONENTIAL = "#c44e52"


@dataclass
class StatsTable:
    """One paper table: its caption, its rows and the note (definitions) printed under it."""

    caption: str
    frame: pd.DataFrame
    note: str


@dataclass
class WritableStats:
    """:class:`Bibliometrics` with ``write(dir)`` (the files) and ``to_json()``."""

    stats: Bibliometrics

    def to_json(self) -> dict[str, Any]:
        return self.stats.to_json()

    def tables(self) -> dict[str, StatsTable]:
        return stats_tables(self.stats)

    def write(self, out_dir: str | Path) -> list[Path]:
        return write_stats(self.stats, Path(out_dir))


def _note(*keys: str, extra: str = "") -> str:
    parts = [DEFINITIONS[k]["zh"] for k in keys]
    return "注：" + "".join(parts) + extra


def stats_tables(b: Bibliometrics) -> dict[str, StatsTable]:
    """The tables of ``zhagen stats`` (empty tables included, with a note saying why).

    >>> from zhagen.biblio.stats import bibliometrics
    >>> from zhagen.examples import tiny_records
    >>> t = stats_tables(bibliometrics(tiny_records()))
    >>> list(t)[:3], t["高产作者"].frame.values.tolist()[0]
    (['年度发文量', '高产作者', '核心作者'], [1, '王明', 6])
    """
    tables: dict[str, StatsTable] = {}
    for make in (_annual, _authors, _core_authors, _lotka, _institutions, _venues, _bradford,
                 _most_cited, _cited_refs):  # fmt: skip
        tables.update(make(b))
    return tables


def _annual(b: Bibliometrics) -> dict[str, StatsTable]:
    """Records a year, cumulated, with the linear and exponential fits of the trend."""
    import pandas as pd

    t = b.trend
    fit = []
    if t.linear is not None:
        fit.append(
            f"线性 y = {t.linear.intercept:.4g} + {t.linear.slope:.4g}·t，R² = {_num(t.linear.r2)}"
        )
    if t.exponential is not None:
        e = t.exponential
        fit.append(f"指数 y = {e.a:.4g}·e^({e.rate:.4g}·t)，R² = {_num(e.r2)}"
                   + (f"，倍增时间 {e.doubling_years:.2f} 年" if e.doubling_years else ""))  # fmt: skip
    annual = pd.DataFrame({"年份": t.years, "发文量": t.counts,
                           "累计发文量": pd.Series(t.counts, dtype="int64").cumsum().tolist()})  # fmt: skip
    undated = f"无年份记录 {b.undated} 条未计入。" if b.undated else ""
    return {"年度发文量": StatsTable(
        "年度发文量", annual,
        _note("annual", "linear", "exponential", extra=undated + ("拟合：" + "；".join(fit) + "（t = 年份 − "
              f"{t.first}）。" if fit else "")),
    )}  # fmt: skip


def _authors(b: Bibliometrics) -> dict[str, StatsTable]:
    """The most productive authors (with their h-index when records carry citations)."""
    import pandas as pd

    head = ["序号", "作者", "发文量"] + (["h指数"] if b.has_citations else [])
    rows = [
        [i, a, c] + ([h] if b.has_citations else []) for i, (a, c, h) in enumerate(b.authors, 1)
    ]
    return {"高产作者": StatsTable(
        "高产作者", pd.DataFrame(rows, columns=head),
        _note("authors", *(["h_index"] if b.has_citations else []),
              extra=f"共 {b.n_authors} 位作者。"),
    )}  # fmt: skip


def _core_authors(b: Bibliometrics) -> dict[str, StatsTable]:
    """Price's core authors, with n_max, the threshold m and the core's share."""
    import pandas as pd

    p = b.price
    core_rows = [[i, a, c] for i, (a, c) in enumerate(p.core, 1)]
    share = f"{p.share:.2%}" if p.share is not None else "—"
    papers = f"{p.papers_share:.2%}" if p.papers_share is not None else "—"
    return {"核心作者": StatsTable(
        "核心作者（普赖斯定律）", pd.DataFrame(core_rows, columns=["序号", "作者", "发文量"]),
        _note("price", extra=f"本数据 n_max = {p.n_max}，m = {p.threshold:.3f}，发文量 ≥ {p.min_records} "
              f"篇的核心作者 {len(p.core)} 位，共发文 {p.core_records} 篇，占记录数的 {share}；"
              f"含核心作者的记录 {p.papers_with_core or 0} 篇（{papers}）。"),
    )}  # fmt: skip


def _lotka(b: Bibliometrics) -> dict[str, StatsTable]:
    """Authors by number of records, their share and Lotka's fitted C/x^n."""
    import pandas as pd

    lk = b.lotka
    expected = [None if lk.c is None or lk.exponent is None else round(lk.c / x**lk.exponent, 2)
                for x, _ in lk.distribution]  # fmt: skip
    lotka = pd.DataFrame({
        "发文量 x": [x for x, _ in lk.distribution],
        "作者数 f(x)": [f for _, f in lk.distribution],
        "作者占比": [round(f / lk.authors, 4) if lk.authors else None for _, f in lk.distribution],
        "拟合值 C/x^n": expected,
    })  # fmt: skip
    fitted = (f"拟合 n = {lk.exponent:.4f}，C = {lk.c:.4f}，R² = {_num(lk.r2)}。"
              if lk.exponent is not None else "发文量取值少于 2 种，无法拟合。")  # fmt: skip
    return {"洛特卡定律": StatsTable(
        "作者发文量分布（洛特卡定律）", lotka, _note("lotka", extra=fitted)
    )}  # fmt: skip


def _institutions(b: Bibliometrics) -> dict[str, StatsTable]:
    """The most productive institutions (first part of each address)."""
    import pandas as pd

    return {"高产机构": StatsTable(
        "高产机构", pd.DataFrame([[i, n, c] for i, (n, c) in enumerate(b.institutions, 1)],
                              columns=["序号", "机构", "发文量"]),
        _note("institutions", extra=f"共 {b.n_institutions} 个机构（按署名地址的第一段计，未归并到一级机构）。"),
    )}  # fmt: skip


def _venues(b: Bibliometrics) -> dict[str, StatsTable]:
    """The main source journals."""
    import pandas as pd

    return {"来源期刊": StatsTable(
        "主要来源期刊", pd.DataFrame([[i, n, c] for i, (n, c) in enumerate(b.venues, 1)],
                                columns=["序号", "来源", "发文量"]),
        _note("venues", extra=f"共 {b.n_venues} 个来源。"),
    )}  # fmt: skip


def _bradford(b: Bibliometrics) -> dict[str, StatsTable]:
    """Bradford's zones of the sources and the multiplier k."""
    import pandas as pd

    br = b.bradford
    zone_rows = [[f"{k + 1} 区", len(z), r, round(r / b.records, 4) if b.records else None,
                  "；".join(v for v, _ in z[:8]) + ("…" if len(z) > 8 else "")]
                 for k, (z, r) in enumerate(zip(br.zones, br.records, strict=True))]  # fmt: skip
    mult = (
        f"布拉德福乘数 k = {br.multiplier:.3f}。"
        if br.multiplier is not None
        else "区内来源数不足，乘数无法计算。"
    )
    return {"布拉德福分区": StatsTable(
        "来源期刊的布拉德福分区",
        pd.DataFrame(zone_rows, columns=["分区", "来源数", "发文量", "发文占比", "来源（前 8 个）"]),
        _note("bradford", extra=mult),
    )}  # fmt: skip


def _most_cited(b: Bibliometrics) -> dict[str, StatsTable]:
    """The most cited records (empty, with a note, without WoS TC)."""
    import pandas as pd

    cited = pd.DataFrame([[i, d["title"], "; ".join(d["authors"][:3]) + (" 等" if len(d["authors"]) > 3 else ""),
                           d["year"], d["venue"], d["times_cited"]] for i, d in enumerate(b.most_cited, 1)],
                         columns=["序号", "题名", "作者", "年份", "来源", "被引次数"])  # fmt: skip
    return {"高被引文献": StatsTable(
        "高被引文献", cited,
        _note("most_cited") if b.has_citations else "注：这些记录没有被引次数（WoS TC 字段），本表为空。",
    )}  # fmt: skip


def _cited_refs(b: Bibliometrics) -> dict[str, StatsTable]:
    """The most cited references (empty, with a note, without CR)."""
    import pandas as pd

    refs = pd.DataFrame([[i, r, c] for i, (r, c) in enumerate(b.cited_refs, 1)],
                        columns=["序号", "被引文献", "被引频次"])  # fmt: skip
    return {"被引文献": StatsTable(
        "高频被引文献", refs,
        _note("cited_refs") if b.has_references
        else "注：这些记录没有参考文献（CR 字段）。CNKI 导出不含参考文献，请用含 CR 的 Web of Science 全记录导出。",
    )}  # fmt: skip


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def write_stats_json(b: Bibliometrics, path: Path) -> Path:
    """``stats.json``: :meth:`Bibliometrics.to_json`, UTF-8, indented by 2."""
    text = json.dumps(b.to_json(), ensure_ascii=False, indent=2, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)


def write_stats(b: Bibliometrics, out_dir: Path) -> list[Path]:
    """Write every file of ``zhagen stats`` into ``out_dir`` (created when missing)."""
    import pandas as pd

    from zhagen.report.docx_tables import write_tables_docx
    from zhagen.report.tables import write_tables_xlsx

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = stats_tables(b)
    frames = {name: t.frame for name, t in tables.items()}
    defs = pd.DataFrame([[k, v["zh"], v["en"]] for k, v in DEFINITIONS.items()],
                        columns=["指标", "定义", "definition"])  # fmt: skip
    paths = [write_stats_json(b, out / "stats.json")]
    paths.append(write_tables_xlsx({**frames, "说明": defs}, out / "stats_tables.xlsx"))
    paths.append(write_tables_docx(
        frames, out / "stats_tables.docx",
        captions={n: t.caption for n, t in tables.items()},
        notes={n: t.note for n, t in tables.items()},
    ))  # fmt: skip
    paths.extend(write_annual_figure(b, out / "annual_output.png", out / "annual_output.svg"))
    paths.append(write_lotka_figure(b, out / "lotka.png"))
    return paths


def write_annual_figure(b: Bibliometrics, png: Path, svg: Path | None = None) -> list[Path]:
    """年度发文量图 as PNG (300 dpi) and, when given, SVG."""
    from zhagen.report.drawing import write_figure

    return write_figure(lambda: draw_annual(b), png, svg)


def draw_annual(b: Bibliometrics) -> Figure:
    """Bars of records per year, the linear and exponential trends, their equations and R²."""
    import math

    from zhagen.report.drawing import new_figure, no_data

    t = b.trend
    width = min(14.0, max(6.5, 1.5 + 0.45 * len(t.years)))
    fig = new_figure(width, 4.2)
    ax = fig.add_axes((0.09, 0.13, 0.88, 0.78))
    if not t.years:
        no_data(ax, "没有带年份的记录", "no dated records")
        return fig
    bars = ax.bar(t.years, t.counts, color=BAR, width=0.7, zorder=2, label="发文量 records")
    top = max(t.counts) or 1
    for rect, c in zip(bars, t.counts, strict=True):
        if c:
            ax.annotate(str(c), (rect.get_x() + rect.get_width() / 2, c), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8,
                        color="#333333")  # fmt: skip
    xs = [t.first + k / 10 for k in range(10 * (t.last - t.first) + 1)]
    if t.linear is not None:
        lin = t.linear
        ax.plot(xs, [lin.intercept + lin.slope * (x - t.first) for x in xs], color=LINEAR,
                linewidth=1.6, zorder=3,
                label=f"线性 y = {lin.intercept:.3g} + {lin.slope:.3g}t，R² = {_num(lin.r2)}")  # fmt: skip
    if t.exponential is not None:
        e = t.exponential
        ys = [e.a * math.exp(e.rate * (x - t.first)) for x in xs]
        keep = [(x, y) for x, y in zip(xs, ys, strict=True) if y <= 1.6 * top]
        ax.plot([x for x, _ in keep], [y for _, y in keep], color=EXPONENTIAL, linewidth=1.6,
                linestyle=(0, (5, 2)), zorder=3,
                label=f"指数 y = {e.a:.3g}e^({e.rate:.3g}t)，R² = {_num(e.r2)}")  # fmt: skip
    step = 1 if len(t.years) <= 20 else 2 if len(t.years) <= 40 else 5
    ax.set_xticks(t.years[::step])
    ax.tick_params(axis="x", labelsize=8, rotation=45 if len(t.years) > 12 else 0)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(0, top * 1.25)
    ax.set_xlabel(f"年份 Year（t = 年份 − {t.first}）", fontsize=9)
    ax.set_ylabel("发文量 Records", fontsize=9)
    ax.set_title(f"年度发文量 Annual output（N = {b.records}）", fontsize=11)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def write_lotka_figure(b: Bibliometrics, png: Path) -> Path:
    """洛特卡定律 figure (authors per output, log-log, with the fitted line) as PNG."""
    from zhagen.report.drawing import write_figure

    return write_figure(lambda: draw_lotka(b), png)[0]


def draw_lotka(b: Bibliometrics) -> Figure:
    """Authors with x records against x on log-log axes, and ``C / x^n``."""
    from zhagen.report.drawing import new_figure, no_data

    lk = b.lotka
    fig = new_figure(5.5, 4.0)
    ax = fig.add_axes((0.14, 0.14, 0.82, 0.76))
    if not lk.distribution:
        no_data(ax, "没有作者", "no authors")
        return fig
    xs = [x for x, _ in lk.distribution]
    ax.scatter(xs, [f for _, f in lk.distribution], color=BAR, zorder=3, s=22,
               label="作者数 f(x) authors")  # fmt: skip
    if lk.exponent is not None and lk.c is not None:
        grid = [xs[0] * (xs[-1] / xs[0]) ** (k / 50) for k in range(51)]
        ax.plot(grid, [lk.c / x**lk.exponent for x in grid], color=EXPONENTIAL, linewidth=1.4,
                label=f"f(x) = {lk.c:.4g} / x^{lk.exponent:.3f}，R² = {_num(lk.r2)}")  # fmt: skip
    from matplotlib.ticker import NullFormatter, NullLocator

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ticks = xs if len(xs) <= 12 else xs[:: len(xs) // 10]
    ax.set_xticks(ticks, [str(x) for x in ticks])
    ax.set_xlabel("发文量 x（篇） records per author", fontsize=9)
    ax.set_ylabel("作者数 f(x) authors", fontsize=9)
    ax.set_title(f"洛特卡定律 Lotka's law（{lk.authors} 位作者）", fontsize=10.5)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False)
    return fig
