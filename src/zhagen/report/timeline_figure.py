"""The timeline view of a knowledge map (``timeline.png``), after CiteSpace's timeline.

One row per cluster, x = year, each term at the year it first appeared, sized by frequency;
links as arcs within a row and straight lines between rows; the cluster label at the row's
right end. Drawn with the CJK font and the shared helpers of :mod:`zhagen.report.drawing`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import cluster_color, plain_nodes
from zhagen.report.drawing import (
    BURST_RING,
    clip_for,
    cluster_names,
    halo,
    new_figure,
    no_data,
    overlaps,
    save_figure,
    strongest_links,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["write_timeline", "draw_timeline"]


def write_timeline(km: KnowledgeMap, path: Path) -> Path:
    """Draw the timeline view and save it (300 dpi)."""
    import matplotlib

    from zhagen.report.fonts import cjk_rc

    with matplotlib.rc_context(cjk_rc()):
        return save_figure(draw_timeline(km), path)


def _timeline_rows(km: KnowledgeMap) -> tuple[list[int], list[dict[str, Any]], tuple[int, int]]:
    nodes = [
        n for n in plain_nodes(km)
        if n.get("first_year") is not None and n.get("cluster") is not None and n["cluster"] >= 0
    ]  # fmt: skip
    rows = sorted({n["cluster"] for n in nodes})[:15]
    nodes = [n for n in nodes if n["cluster"] in rows]
    years = [n["first_year"] for n in nodes]
    if km.year_span:
        span = (int(km.year_span[0]), int(km.year_span[1]))
    else:
        span = (min(years), max(years)) if years else (0, 0)
    if years:
        span = (min(span[0], min(years)), max(span[1], max(years)))
    return rows, nodes, span


def draw_timeline(km: KnowledgeMap, *, labels_per_cell: int = 4) -> Figure:
    """The timeline view as a ``Figure``: clusters as rows, terms at their first year.

    Labels are placed most frequent first, stacked under their node, and left out where
    they would overlap a label already placed; links are the strongest :data:`MAX_LINKS`.
    """
    rows, nodes, (y0, y1) = _timeline_rows(km)
    width = min(22.0, max(11.0, 3.0 + 0.3 * (y1 - y0 + 1)))
    fig = new_figure(width, max(3.0, 0.8 + 1.05 * len(rows)))
    ax = fig.add_axes((0.03, 0.02, 1 - 2.2 / width, 0.9 if rows else 0.96))
    if not nodes:
        no_data(ax, "没有可用于时间线的节点（缺少年份或聚类）",
                 "no nodes with a first year and a cluster for the timeline")  # fmt: skip
        return fig
    row_y = {c: -i for i, c in enumerate(rows)}
    ax.set_xlim(y0 - 0.6, y1 + 0.6)
    ax.set_ylim(-len(rows) + 0.05, 0.55)
    _timeline_axes(ax, y0, y1)
    pos = {n["id"]: (n["first_year"], row_y[n["cluster"]]) for n in nodes}
    _timeline_links(ax, km, pos)
    names = cluster_names(km)
    for c in rows:
        y = row_y[c]
        ax.hlines(y, y0 - 0.3, y1 + 0.3, color=cluster_color(c), linewidth=1.0, alpha=0.55,
                  zorder=1)  # fmt: skip
        ax.annotate(f"#{c} {names.get(c, '')}".strip(), (1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(8, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=11, color=cluster_color(c), annotation_clip=False)  # fmt: skip
    sizes = _timeline_nodes(ax, nodes, pos)
    _timeline_labels(ax, nodes, pos, sizes, labels_per_cell)
    return fig


def _timeline_axes(ax: Axes, y0: int, y1: int) -> None:
    step = 1 if y1 - y0 <= 25 else 5 if y1 - y0 <= 100 else 10
    ticks = list(range(y0, y1 + 1, step))
    ax.set_xticks(ticks)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelsize=9, length=0, pad=4, labelcolor="#333333")
    ax.set_yticks([])
    for spine in ("left", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    ax.spines["top"].set_color("#999999")
    for t in ticks:
        ax.axvline(t, color="#d0d0d0", linewidth=0.6, linestyle=(0, (2, 3)), zorder=0)


def _timeline_links(ax: Axes, km: KnowledgeMap, pos: dict[int, tuple[int, int]]) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    edges = strongest_links(km, pos)
    paths, colours = [], []
    for e in edges:
        (xa, ya), (xb, yb) = sorted([pos[e["source"]], pos[e["target"]]])
        if ya == yb:
            if xa == xb:
                continue
            lift = min(0.42, 0.08 + 0.05 * (xb - xa))
            verts = [(xa, ya), ((xa + xb) / 2, ya + 2 * lift), (xb, yb)]
            codes = [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3]
            colours.append((0.45, 0.45, 0.45, 0.28))
        else:
            verts, codes = [(xa, ya), (xb, yb)], [MplPath.MOVETO, MplPath.LINETO]
            colours.append((0.6, 0.6, 0.6, 0.12))
        paths.append(MplPath(verts, codes))
    if paths:
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=colours,
                                         linewidths=0.5, zorder=1))  # fmt: skip


def _timeline_nodes(
    ax: Axes, nodes: list[dict[str, Any]], pos: dict[int, tuple[int, int]]
) -> dict[int, float]:
    """Draw the nodes (largest first, so small ones stay visible); return marker sizes."""
    fmax = max(n.get("frequency") or 0 for n in nodes) or 1
    sizes = {n["id"]: 12 + 420 * (n.get("frequency") or 0) / fmax for n in nodes}
    order = sorted(nodes, key=lambda n: -sizes[n["id"]])
    ax.scatter([pos[n["id"]][0] for n in order], [pos[n["id"]][1] for n in order],
               s=[sizes[n["id"]] for n in order], c=[cluster_color(n["cluster"]) for n in order],
               edgecolors="white", linewidths=0.5, zorder=3)  # fmt: skip
    burst = [n for n in order if (n.get("burst_strength") or 0) > 0]
    if burst:
        ax.scatter([pos[n["id"]][0] for n in burst], [pos[n["id"]][1] for n in burst],
                   s=[sizes[n["id"]] * 1.5 + 25 for n in burst], facecolors="none",
                   edgecolors=BURST_RING, linewidths=1.0, zorder=2)  # fmt: skip
    return sizes


def _timeline_labels(
    ax: Axes, nodes: list[dict[str, Any]], pos: dict[int, tuple[int, int]],
    sizes: dict[int, float], per_cell: int,
) -> None:  # fmt: skip
    """Stack labels under their node, most frequent first; skip those that would overlap."""
    renderer = ax.figure.canvas.get_renderer()
    drop: dict[tuple[int, int], float] = {}  # points below the cell's centre
    for n in nodes:
        cell = pos[n["id"]]
        drop[cell] = max(drop.get(cell, 0.0), math.sqrt(sizes[n["id"]]) / 2 + 2)
    used: dict[tuple[int, int], int] = {}
    placed: list[Any] = []
    for n in sorted(nodes, key=lambda n: (-(n.get("frequency") or 0), n["id"])):
        cell = pos[n["id"]]
        k = used.get(cell, 0)
        if k >= per_cell:
            continue
        label = n["label"] if len(n["label"]) <= 12 else n["label"][:11] + "…"
        text = ax.annotate(label, cell, xytext=(0, -drop[cell] - 9.5 * k),
                           textcoords="offset points", ha="center", va="top",
                           fontsize=7.5 if k == 0 else 6.8, color="#1a1a1a", zorder=5,
                           path_effects=halo(2.0), annotation_clip=clip_for(ax, cell))  # fmt: skip
        bb = text.get_window_extent(renderer).expanded(1.04, 1.0)
        if overlaps(bb, placed):
            text.remove()
            continue
        placed.append(bb)
        used[cell] = k + 1
