"""The "Top N keywords with the strongest bursts" figure (``bursts.png``), as CiteSpace draws it.

A table with the columns *Keywords*, *Year* (the year the term first appears), *Strength*,
*Begin*, *End* and a bar over the analysed years: a thin blue line for the whole span and a
thick red segment for the burst years (Kleinberg 2002 bursts, strongest first). Rules above
and below the header and under the last row give it the 三线表 look Chinese journals use.
Drawn with the shared helpers of :mod:`zhagen.report.drawing`.

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> write_bursts_figure(tiny_map(), Path(tempfile.mkdtemp()) / "bursts.png", top=25).name
'bursts.png'
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["write_bursts_figure", "draw_bursts"]

SPAN_BLUE = "#2f6db5"
BURST_RED = "#d7191c"
ROW_H = 0.25  # inches per row
FONT = 9.0  # points, table cells


def write_bursts_figure(km: KnowledgeMap, path: Path, *, top: int = 25) -> Path:
    """Draw the strongest-bursts figure and save it (300 dpi)."""
    import matplotlib

    from zhagen.report.drawing import save_figure
    from zhagen.report.fonts import cjk_rc

    with matplotlib.rc_context(cjk_rc()):
        return save_figure(draw_bursts(km, top=top), path)


def _text_width(text: str, size: float) -> float:
    """Approximate width in inches: wide (CJK) characters are 1 em, others about 0.56 em."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56 for ch in text)
    return ems * size / 72.0


def _burst_rows(km: KnowledgeMap, top: int) -> list[dict[str, Any]]:
    rows = []
    for rec in km.records("bursts"):
        row = {k: plain(v) for k, v in rec.items()}
        if row.get("term") is None or row.get("begin") is None or row.get("end") is None:
            continue
        row["term"] = str(row["term"])
        row["strength"] = float(row.get("strength") or 0.0)
        row["begin"], row["end"] = int(row["begin"]), int(row["end"])
        rows.append(row)
    rows.sort(key=lambda r: (-r["strength"], r["begin"], r["term"]))
    return rows[:top]


def _span(km: KnowledgeMap, rows: list[dict[str, Any]]) -> tuple[int, int]:
    if km.year_span:
        lo, hi = int(km.year_span[0]), int(km.year_span[1])
    else:
        lo, hi = min(r["begin"] for r in rows), max(r["end"] for r in rows)
    for r in rows:
        lo = min(lo, r["begin"], int(r.get("first_year") or r["begin"]))
        hi = max(hi, r["end"])
    return lo, hi


def draw_bursts(km: KnowledgeMap, *, top: int = 25) -> Figure:
    """The strongest-bursts table figure (call inside ``rc_context(cjk_rc())``).

    Parameters
    ----------
    km
        The knowledge map; ``km.bursts`` rows are drawn strongest first.
    top
        Number of terms shown.
    """
    from zhagen.report.drawing import new_figure, no_data

    rows = _burst_rows(km, top)
    if not rows:
        fig = new_figure(6.0, 1.6)
        no_data(fig.add_axes((0, 0, 1, 1)), "没有检测到突现词", "no bursts detected")
        return fig
    lo, hi = _span(km, rows)
    n_years = hi - lo + 1
    per_year = max(0.12, min(0.3, 4.2 / n_years))
    key_w = max(1.0, max(_text_width(r["term"], FONT) for r in rows) + 0.3)
    cols = [("Keywords", key_w, "left"), ("Year", 0.6, "center"), ("Strength", 0.8, "center"),
            ("Begin", 0.6, "center"), ("End", 0.6, "center"),
            (f"{lo} - {hi}", n_years * per_year + 0.2, "left")]  # fmt: skip
    margin, title_h, head_h = 0.15, 0.45, 0.32
    width = 2 * margin + sum(w for _, w, _ in cols)
    height = title_h + head_h + ROW_H * len(rows) + 2 * margin
    fig = new_figure(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, in inches
    ax.text(width / 2, margin + title_h / 2, f"Top {len(rows)} Keywords with the Strongest Bursts",
            ha="center", va="center", fontsize=11.5, color="#111111")  # fmt: skip
    top_y = margin + title_h
    lefts = _column_lefts(cols, margin)
    _rules(ax, margin, width - margin, top_y, top_y + head_h, top_y + head_h + ROW_H * len(rows))
    for (name, w, align), x in zip(cols, lefts, strict=True):
        _cell(ax, name, x, w, align, top_y + head_h / 2, bold=True)
    for i, row in enumerate(rows):
        y = top_y + head_h + ROW_H * (i + 0.5)
        cells = [row["term"], _year(row.get("first_year")), f"{row['strength']:.2f}",
                 str(row["begin"]), str(row["end"])]  # fmt: skip
        for (_name, w, align), x, value in zip(cols, lefts, cells, strict=False):
            _cell(ax, value, x, w, align, y)
        bar_x = lefts[-1] + 0.1
        _bar(ax, bar_x, per_year, lo, hi, row, y)
    return fig


def _column_lefts(cols: list[tuple[str, float, str]], margin: float) -> list[float]:
    lefts, x = [], margin
    for _name, w, _align in cols:
        lefts.append(x)
        x += w
    return lefts


def _year(value: Any) -> str:
    return "" if value is None else str(int(value))


def _cell(
    ax: Axes, text: str, x: float, w: float, align: str, y: float, bold: bool = False
) -> None:
    tx = x + 0.08 if align == "left" else x + w / 2
    # the bundled CJK font has no bold face: headers are set larger instead
    ax.text(
        tx, y, text, ha=align, va="center", fontsize=FONT + (1.0 if bold else 0), color="#111111"
    )


def _rules(ax: Axes, x0: float, x1: float, top: float, head: float, bottom: float) -> None:
    ax.hlines([top, bottom], x0, x1, color="#111111", linewidth=1.2)
    ax.hlines([head], x0, x1, color="#111111", linewidth=0.6)


def _bar(
    ax: Axes, x0: float, per_year: float, lo: int, hi: int, row: dict[str, Any], y: float
) -> None:
    """Thin blue line over the whole span, thick red segment over the burst years."""
    span_end = x0 + (hi - lo + 1) * per_year
    ax.hlines(y, x0, span_end, color=SPAN_BLUE, linewidth=1.4)
    b0 = x0 + (row["begin"] - lo) * per_year
    b1 = x0 + (row["end"] - lo + 1) * per_year
    ax.hlines(y, b0, b1, color=BURST_RED, linewidth=5.0)
