"""The time-zone view of a knowledge map (``timezone.png`` / ``.svg``), after CiteSpace's.

Each node stands in the column of the year it first appeared (``first_year``); within a
column nodes keep the vertical order of the map's layout (so a cluster stays at about the
same height from year to year) and are spread so that they do not overlap; links run
across the columns, from older to newer terms. Node area is proportional to frequency,
colour is the cluster, a red ring marks a burst, as in the cluster view.

:func:`timezone_positions` is the one placement: the figure and the time-zone tab of
``map.html`` both use it.

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> pos = timezone_positions(tiny_map())
>>> sorted({year for year, _ in pos.values()})
[2019, 2020, 2021, 2022]
>>> [p.name for p in write_timezone(tiny_map(), Path(tempfile.mkdtemp()) / "timezone.png",
...                                 Path(tempfile.mkdtemp()) / "timezone.svg")]
['timezone.png', 'timezone.svg']
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import cluster_color, plain_nodes
from zhagen.report.drawing import (
    BURST_RING,
    clip_for,
    grey_links,
    halo,
    new_figure,
    no_data,
    overlaps,
    write_figure,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["timezone_positions", "write_timezone", "draw_timezone"]


def timezone_positions(km: KnowledgeMap) -> dict[int, tuple[int, float]]:
    """``node id -> (first year, height in [0, 1])`` for every node with a first year.

    The height follows the layout's ``y`` (top = highest ``y``); nodes of one column are
    then pushed apart to at least ``1 / (column size + 1)`` of the height, in layout order,
    and the column is centred on the layout's heights (so that one-term years do not all
    sit on one line at the top).
    """
    nodes = [n for n in plain_nodes(km) if n.get("first_year") is not None]
    if not nodes:
        return {}
    ys = [n.get("y") or 0.0 for n in nodes]
    lo, hi = min(ys), max(ys)
    span = (hi - lo) or 1.0
    columns: dict[int, list[dict[str, Any]]] = {}
    for n in nodes:
        columns.setdefault(int(n["first_year"]), []).append(n)
    out: dict[int, tuple[int, float]] = {}
    for year, col in columns.items():
        col.sort(key=lambda n: (-(n.get("y") or 0.0), n["id"]))
        want = [((n.get("y") or 0.0) - lo) / span for n in col]  # 1 = top
        gap = min(0.12, 1.0 / (len(col) + 1))
        placed: list[float] = []
        for w in want:  # top to bottom, each at least `gap` below the one above
            placed.append(min(w, placed[-1] - gap) if placed else w)
        shift = (sum(want) - sum(placed)) / len(placed)  # centre on the layout's heights
        placed = [p + shift for p in placed]
        top, bottom = max(placed), min(placed)
        if top > 1.0 or bottom < 0.0:  # squeeze into [0, 1] keeping the gaps' proportions
            scale = 1.0 / max(top - bottom, 1.0)
            placed = [(p - bottom) * scale + (1.0 - (top - bottom) * scale) / 2 for p in placed]
        for n, p in zip(col, placed, strict=True):
            out[int(n["id"])] = (year, p)
    return out


def write_timezone(km: KnowledgeMap, png: Path, svg: Path | None = None) -> list[Path]:
    """Draw the time-zone view and save it as PNG (300 dpi) and, when given, SVG."""
    return write_figure(lambda: draw_timezone(km), png, svg)


def draw_timezone(km: KnowledgeMap, *, max_labels: int = 60) -> Figure:
    """The time-zone view as a ``Figure`` (call inside ``rc_context(cjk_rc())``).

    Labels go to the most frequent nodes first, right of the node (else left, above,
    below), and are left out where they would overlap a label or node already placed.
    """
    pos = timezone_positions(km)
    nodes = [n for n in plain_nodes(km) if n["id"] in pos]
    years = sorted({y for y, _ in pos.values()})
    y0, y1 = (years[0], years[-1]) if years else (0, 0)
    if km.year_span:
        y0, y1 = min(y0, int(km.year_span[0])), max(y1, int(km.year_span[1]))
    width = min(24.0, max(10.0, 2.0 + 0.95 * (y1 - y0 + 1)))
    fig = new_figure(width, 7.5)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    if not nodes:
        no_data(ax, "没有带首次出现年份的节点", "no nodes with a first year")
        return fig
    ax.set_xlim(y0 - 0.6, y1 + 0.6)
    ax.set_ylim(-0.06, 1.06)
    _axes(ax, y0, y1)
    grey_links(ax, km, pos)
    fmax = max(n.get("frequency") or 0 for n in nodes) or 1
    sizes = {n["id"]: 14 + 520 * (n.get("frequency") or 0) / fmax for n in nodes}
    order = sorted(nodes, key=lambda n: -sizes[n["id"]])
    ax.scatter([pos[n["id"]][0] for n in order], [pos[n["id"]][1] for n in order],
               s=[sizes[n["id"]] for n in order], c=[cluster_color(n.get("cluster")) for n in order],
               edgecolors="white", linewidths=0.6, zorder=3)  # fmt: skip
    burst = [n for n in order if (n.get("burst_strength") or 0) > 0]
    if burst:
        ax.scatter([pos[n["id"]][0] for n in burst], [pos[n["id"]][1] for n in burst],
                   s=[sizes[n["id"]] * 1.5 + 28 for n in burst], facecolors="none",
                   edgecolors=BURST_RING, linewidths=1.1, zorder=2)  # fmt: skip
    _labels(ax, nodes, pos, sizes, max_labels)
    ax.set_title(f"时区图 Time-zone view（N = {len(nodes)}，E = {len(km.raw('edges'))}）", fontsize=12,
                 pad=22)  # fmt: skip
    return fig


def _axes(ax: Any, y0: int, y1: int) -> None:
    step = 1 if y1 - y0 <= 25 else 5
    ticks = list(range(y0, y1 + 1, step))
    ax.set_xticks(ticks)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelsize=9, length=0, pad=3, labelcolor="#333333")
    ax.set_yticks([])
    for side in ("left", "right", "bottom", "top"):
        ax.spines[side].set_visible(False)
    for k, t in enumerate(range(y0, y1 + 1)):
        if k % 2 == 0:  # alternate light bands: one column per year
            ax.axvspan(t - 0.5, t + 0.5, color="#f3f5f8", zorder=0, linewidth=0)


def _short(label: str, width: int = 22) -> str:
    """``label`` cut to ``width`` columns (a Chinese character takes two), with ``…``."""
    import unicodedata

    used = 0
    for k, ch in enumerate(label):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > width:
            return label[: max(1, k - 1)] + "…"
    return label


def _labels(
    ax: Any, nodes: list[dict[str, Any]], pos: dict[int, tuple[int, float]],
    sizes: dict[int, float], max_labels: int,
) -> None:  # fmt: skip
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    scale = ax.figure.dpi / 72.0
    circles = []
    for n in nodes:
        r = math.sqrt(sizes[n["id"]]) / 2 * scale * 0.8
        cx, cy = ax.transData.transform(pos[n["id"]])
        circles.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
    placed: list[Any] = []
    axes_box = ax.get_window_extent(renderer)
    ranked = sorted(nodes, key=lambda n: (-(n.get("frequency") or 0), n["id"]))[:max_labels]
    fmax = (ranked[0].get("frequency") or 0) or 1
    for n in ranked:
        clip = clip_for(ax, pos[n["id"]])
        gap = math.sqrt(sizes[n["id"]]) / 2 + 1.5
        size = 6.5 + 5.5 * math.sqrt((n.get("frequency") or 0) / fmax)
        label = _short(n["label"])
        for dx, dy, ha, va in ((1, 0, "left", "center"), (-1, 0, "right", "center"),
                               (0, 1, "center", "bottom"), (0, -1, "center", "top")):  # fmt: skip
            text = ax.annotate(label, pos[n["id"]], xytext=(dx * gap, dy * gap),
                               textcoords="offset points", ha=ha, va=va, fontsize=size,
                               color="#1a1a1a", zorder=5, path_effects=halo(2.0),
                               annotation_clip=clip)  # fmt: skip
            bb = text.get_window_extent(renderer).expanded(1.02, 1.05)
            inside = axes_box.contains(bb.x0, bb.y0) and axes_box.contains(bb.x1, bb.y1)
            if inside and not overlaps(bb, placed) and not overlaps(bb, circles):
                placed.append(bb)
                break
            text.remove()
