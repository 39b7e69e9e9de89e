"""Static figures of a knowledge map: the cluster view (``map.png``/``map.svg``), and
writing all of them (the timeline view, :mod:`zhagen.report.timeline_figure`, and the bursts
figure, :mod:`zhagen.report.burst_figure`, too); what the figures share is
:mod:`zhagen.report.drawing`.

All figures are drawn with a CJK font (:mod:`zhagen.report.fonts`) and without pyplot, so
drawing never touches a GUI backend or global figure state. SVG glyphs are written as paths:
the file shows Chinese correctly in a browser that has no Chinese font.

- **Cluster view** (after CiteSpace's "cluster view" and VOSviewer's network visualisation):
  nodes at the precomputed layout ``x, y``, area proportional to frequency, coloured by
  cluster, a red ring on bursting terms; light links, thicker for stronger links; a light
  hull and a ``#0 label`` per cluster (the LLR label, as CiteSpace shows by default); the
  labels of the most frequent nodes, placed greedily so that they do not overlap; a legend
  with the clusters and the map's numbers (N, E, Q, S).

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> [p.name for p in write_map_figures(tiny_map(), Path(tempfile.mkdtemp()))]
['map.png', 'map.svg', 'timeline.png', 'bursts.png', 'timezone.png', 'timezone.svg', 'overlay.png', 'density.png', 'thematic_map.png']
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import cluster_color, plain_nodes
from zhagen.report.drawing import (
    BURST_RING,
    clip_for,
    cluster_names,
    fit_limits,
    halo,
    new_figure,
    no_data,
    overlaps,
    strongest_links,
    write_figure,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = [
    "write_map_figures",
    "figures_in_background",
    "write_cluster_map",
    "draw_cluster_map",
    "draw_node_labels",
]

#: Clusters that get a hull, a label and a legend entry (CiteSpace shows the largest ones).
MAX_CLUSTERS = 12
# label offsets around a node: (dx, dy, ha, va), tried in this order
_CANDIDATES = [
    (1, 0, "left", "center"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
    (-1, 0, "right", "center"), (0.7, 0.7, "left", "bottom"), (0.7, -0.7, "left", "top"),
    (-0.7, 0.7, "right", "bottom"), (-0.7, -0.7, "right", "top"),
]  # fmt: skip


def write_map_figures(km: KnowledgeMap, out_dir: Path) -> list[Path]:
    """Write every figure of a map into ``out_dir`` (the drawn outputs of
    :data:`zhagen.report.mapfiles.MAP_OUTPUTS`)."""
    from zhagen.report.mapfiles import MAP_OUTPUTS, write_map

    return write_map(km, out_dir, outputs=[out.name for out in MAP_OUTPUTS if out.drawn])


#: A figure to draw: a writer of :data:`zhagen.report.mapfiles.MAP_OUTPUTS` and its files.
Job = tuple[Callable[["KnowledgeMap", Path, Sequence[str]], list[Path]], Sequence[str]]


@contextlib.contextmanager
def figures_in_background(
    km: KnowledgeMap, out_dir: Path, jobs: Sequence[Job], *, runs: Sequence[int] | None = None
) -> Iterator[Callable[[], list[list[Path]]]]:
    """Draw the figures ``jobs`` in two processes: a second process starts taking them at
    once, while the caller writes its other files; the callable yielded then has this
    process take the figures left and returns each job's paths, in the order of ``jobs``.

    The two processes take the next figure not yet taken from one shared counter, so the
    figures are shared by what each one really costs on this map and machine, not by an
    estimate: give ``jobs`` largest first, and neither process waits for the other longer
    than about its last figure. ``runs``: the lengths of the runs of consecutive jobs one
    process takes together (figures drawing the same labels, measured once per process);
    default one job at a time. With one CPU or no ``fork`` this process draws them all
    when called.
    """
    out_dir = Path(out_dir)
    _preload()
    shared = _pool()
    if shared is None:
        yield lambda: _in_order(_take_figures(km, out_dir, jobs, None), len(jobs))
        return
    pool, counter = shared
    with pool:
        future = pool.submit(_take_in_worker, _figure_part(km), out_dir, jobs, runs)

        def finish() -> list[list[Path]]:
            mine = _take_figures(km, out_dir, jobs, counter, runs)
            return _in_order({**mine, **future.result()}, len(jobs))

        yield finish


#: The counter of figures taken, in the drawing process (set when it starts).
_TAKEN: Any = None


def _share_counter(counter: Any) -> None:
    global _TAKEN
    _TAKEN = counter


def _take_in_worker(
    km: KnowledgeMap, out_dir: Path, jobs: Sequence[Job], runs: Sequence[int] | None = None
) -> dict[int, list[Path]]:
    return _take_figures(km, out_dir, jobs, _TAKEN, runs)


def _take_figures(
    km: KnowledgeMap, out_dir: Path, jobs: Sequence[Job], counter: Any,
    runs: Sequence[int] | None = None,
) -> dict[int, list[Path]]:  # fmt: skip
    """Draw the next run of jobs not taken yet until none is left; ``{job index: paths}``
    of those drawn here. ``counter``: the ``multiprocessing.Value`` shared by the two
    processes (it counts runs), or ``None``: every job. ``runs``: the lengths of the runs
    of consecutive jobs taken together (default: one job each).

    >>> import tempfile
    >>> from zhagen.examples import tiny_map
    >>> from zhagen.report.mapfiles import MAP_OUTPUTS
    >>> bursts = [o for o in MAP_OUTPUTS if o.name == "bursts"][0]
    >>> done = _take_figures(tiny_map(), Path(tempfile.mkdtemp()), [(bursts.write, bursts.files)], None)
    >>> {k: [p.name for p in v] for k, v in done.items()}
    {0: ['bursts.png']}
    """
    runs = list(runs) if runs is not None else [1] * len(jobs)
    if sum(runs) != len(jobs) or min(runs, default=1) < 1:
        raise ValueError(f"runs {runs} do not cover the {len(jobs)} jobs")
    starts = [sum(runs[:r]) for r in range(len(runs))]
    done: dict[int, list[Path]] = {}
    taken = 0
    while True:
        if counter is None:
            r = taken
            taken += 1
        else:
            with counter.get_lock():
                r = counter.value
                counter.value = r + 1
        if r >= len(runs):
            return done
        for k in range(starts[r], starts[r] + runs[r]):
            write, files = jobs[k]
            done[k] = write(km, out_dir, files)


def _in_order(done: dict[int, list[Path]], n: int) -> list[list[Path]]:
    return [done[k] for k in range(n)]


def _preload() -> None:
    """Import matplotlib and register the CJK font before the fork: the drawing process
    inherits them instead of loading them again (about a second of CPU)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    from zhagen.report.fonts import find_cjk_font

    find_cjk_font()


def _figure_part(km: KnowledgeMap) -> KnowledgeMap:
    """``km`` without ``node_docs`` and ``doc_titles``, which the figures never read: pickling
    a million records' ids and titles to the worker took seconds, in a thread holding the
    GIL while this process drew. Built from the fields as held (``dataclasses.replace``
    would read every table as a DataFrame, importing pandas before the fork)."""
    return type(km)(**{**km.fields(), "node_docs": {}, "doc_titles": {}})


def _pool() -> tuple[Any, Any] | None:
    """A one-worker process pool and the counter it shares with this process when there
    is a second CPU (and fork is available: the worker inherits the counter)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context,
                               initializer=_share_counter, initargs=(counter,))  # fmt: skip
    return pool, counter


def write_cluster_map(km: KnowledgeMap, png: Path | None, svg: Path | None = None) -> list[Path]:
    """Draw the cluster view and save it as PNG (300 dpi) and/or SVG, those given."""
    return write_figure(lambda: draw_cluster_map(km), png, svg)


# --------------------------------------------------------------------------- helpers


def _summary_value(summary: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if summary.get(key) is not None:
            return summary[key]
    return None


# --------------------------------------------------------------------------- cluster view


def draw_cluster_map(km: KnowledgeMap, *, max_labels: int = 45) -> Figure:
    """The cluster view as a matplotlib ``Figure`` (call inside ``rc_context(cjk_rc())``).

    Parameters
    ----------
    km
        The knowledge map; ``nodes.x``/``nodes.y`` give the layout.
    max_labels
        Label at most this many nodes, most frequent first; labels that would overlap are
        left out (the ten most frequent are always shown).
    """
    fig = new_figure(10.0, 7.5)
    ax = fig.add_axes((0.01, 0.01, 0.74, 0.98))
    side = fig.add_axes((0.76, 0.01, 0.23, 0.98))
    side.set_axis_off()
    ax.set_axis_off()
    nodes = [n for n in plain_nodes(km) if n.get("x") is not None and n.get("y") is not None]
    if not nodes:
        no_data(ax, "图谱中没有节点", "the map has no nodes")
        return fig
    fit_limits(ax, [n["x"] for n in nodes], [n["y"] for n in nodes])
    names = cluster_names(km)
    shown = _shown_clusters(nodes)
    fmax = max(n.get("frequency") or 0 for n in nodes) or 1
    sizes = {n["id"]: 18 + 950 * (n.get("frequency") or 0) / fmax for n in nodes}
    outlines = _draw_hulls(ax, nodes, shown)
    _draw_edges(ax, km, nodes)
    _draw_nodes(ax, nodes, sizes)
    renderer = fig.canvas.get_renderer()
    placed = _draw_cluster_labels(ax, renderer, nodes, shown, names, outlines)
    draw_node_labels(ax, renderer, nodes, sizes, placed, max_labels)
    _draw_legend(side, km, nodes, shown, names)
    return fig


def _shown_clusters(nodes: list[dict[str, Any]]) -> list[int]:
    """Clusters with their own colour, hull and label: ids 0 to 11 (the largest)."""
    ids = {n.get("cluster") for n in nodes}
    return sorted(c for c in ids if c is not None and 0 <= c < MAX_CLUSTERS)


def _draw_hulls(ax: Axes, nodes: list[dict[str, Any]], shown: list[int]) -> dict[int, Any]:
    """Draw each shown cluster's hull (12 % beyond its convex hull); return the outlines
    (data coordinates) by cluster: a hull, or a small box round a cluster of one or two
    nodes, which gets no drawn hull but whose area other labels still keep out of."""
    import numpy as np
    from matplotlib.patches import Polygon
    from scipy.spatial import ConvexHull, QhullError

    outlines: dict[int, Any] = {}
    x0, x1 = ax.get_xlim()
    pad = 0.015 * (x1 - x0)
    for c in shown:
        pts = np.array([(n["x"], n["y"]) for n in nodes if n.get("cluster") == c])
        lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        outlines[c] = np.array([(lo[0], lo[1]), (hi[0], lo[1]), (hi[0], hi[1]), (lo[0], hi[1])])
        if len(pts) < 3:
            continue
        try:
            hull = pts[ConvexHull(pts).vertices]
        except (QhullError, ValueError):
            continue
        centre = pts.mean(axis=0)
        hull = centre + (hull - centre) * 1.12
        outlines[c] = hull
        colour = cluster_color(c)
        ax.add_patch(Polygon(hull, closed=True, facecolor=colour, alpha=0.07, edgecolor="none",
                             zorder=0, joinstyle="round"))  # fmt: skip
        ax.add_patch(Polygon(hull, closed=True, fill=False, edgecolor=colour, alpha=0.35,
                             linewidth=0.8, linestyle=(0, (4, 3)), zorder=0))  # fmt: skip
    return outlines


def _draw_edges(ax: Axes, km: KnowledgeMap, nodes: list[dict[str, Any]]) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    pos = {n["id"]: (n["x"], n["y"], n.get("cluster")) for n in nodes}
    # beyond a few thousand lines a static map is a grey blur: keep the strongest
    edges = strongest_links(km, pos)
    if not edges:
        return
    smax = edges[0]["strength"] or 1.0
    fade = min(1.0, max(0.3, 300 / len(edges)))  # many links: each one lighter
    segments, colours, widths = [], [], []
    for e in reversed(edges):  # strongest drawn last, on top
        (x1, y1, c1), (x2, y2, c2) = pos[e["source"]], pos[e["target"]]
        rel = e["strength"] / smax
        same = c1 == c2 and c1 is not None and c1 >= 0
        colour = to_rgba(cluster_color(c1) if same else "#8c8c8c", (0.18 + 0.32 * rel) * fade)
        segments.append([(x1, y1), (x2, y2)])
        colours.append(colour)
        widths.append(0.3 + 1.7 * rel)
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths, zorder=1,
                                     capstyle="round"))  # fmt: skip


def _draw_nodes(ax: Axes, nodes: list[dict[str, Any]], sizes: dict[int, float]) -> None:
    order = sorted(nodes, key=lambda n: -sizes[n["id"]])  # small nodes drawn on top
    xs = [n["x"] for n in order]
    ys = [n["y"] for n in order]
    ss = [sizes[n["id"]] for n in order]
    colours = [cluster_color(n.get("cluster")) for n in order]
    ax.scatter(xs, ys, s=ss, c=colours, edgecolors="white", linewidths=0.6, zorder=3, alpha=0.95)
    burst = [n for n in order if (n.get("burst_strength") or 0) > 0]
    if burst:
        ax.scatter([n["x"] for n in burst], [n["y"] for n in burst],
                   s=[sizes[n["id"]] * 1.55 + 30 for n in burst], facecolors="none",
                   edgecolors=BURST_RING, linewidths=1.3, zorder=2)  # fmt: skip


def _draw_cluster_labels(
    ax: Axes, renderer: Any, nodes: list[dict[str, Any]], shown: list[int], names: dict[int, str],
    outlines: dict[int, Any],
) -> list[Any]:  # fmt: skip
    """Write ``#id label`` by each shown cluster, never over another cluster label and, where
    any place allows it, not inside another cluster's outline; return the label boxes
    (display px).

    Candidate places run round the cluster's outline: above it (CiteSpace's place), below,
    left, right, then out from each corner of the hull, and last its centre. The first
    place that overlaps no label and no other outline wins; when none is free of other
    outlines, the one overlapping the least outline area, and when every place collides
    with a label, the label is drawn smaller (12, 10, then 8.5 pt) before it is left out.
    """
    from matplotlib.path import Path as MplPath

    boxes: list[Any] = []
    axes_box = ax.get_window_extent(renderer)
    shapes = {c: MplPath(ax.transData.transform(outlines[c])) for c in outlines}
    for c in shown:
        if c not in outlines:
            continue
        others = [shapes[o] for o in outlines if o != c]
        text = f"#{c} {names.get(c, '')}".strip()
        for size in (12.0, 10.0, 8.5):
            best = _best_label_place(
                ax, renderer, c, outlines[c], text, size, boxes, others, axes_box
            )
            if best is not None:
                boxes.append(best)
                break
    return boxes


def _label_places(ax: Axes, outline: Any) -> list[tuple[float, float, str, str]]:
    """Anchors ``(x, y, ha, va)`` (data coordinates) round an outline, in preference order."""
    import numpy as np

    (x0, y0), (x1, y1) = outline.min(axis=0), outline.max(axis=0)
    cx, cy = outline.mean(axis=0)
    gx = 0.012 * float(np.diff(ax.get_xlim())[0])
    gy = 0.012 * float(np.diff(ax.get_ylim())[0])
    places = [(cx, y1 + gy, "center", "bottom"), (cx, y0 - gy, "center", "top"),
              (x0 - gx, cy, "right", "center"), (x1 + gx, cy, "left", "center")]  # fmt: skip
    for vx, vy in outline:
        dx, dy = vx - cx, vy - cy
        places.append((vx + np.sign(dx) * gx, vy + np.sign(dy) * gy,
                       "left" if dx > 0 else "right", "bottom" if dy > 0 else "top"))  # fmt: skip
    places.append((cx, cy, "center", "center"))
    return places


def _best_label_place(
    ax: Axes, renderer: Any, cluster: int, outline: Any, label: str, size: float,
    boxes: list[Any], others: list[Any], axes_box: Any,
) -> Any:  # fmt: skip
    """Draw ``label`` at the best free place round ``outline`` and return its box, or
    ``None`` (nothing drawn) when every place overlaps a label or leaves the axes."""
    best: tuple[float, int, tuple[float, float, str, str]] | None = None
    for k, (x, y, ha, va) in enumerate(_label_places(ax, outline)):
        text = ax.text(x, y, label, ha=ha, va=va, fontsize=size)
        bb = text.get_window_extent(renderer).expanded(1.04, 1.1)
        text.remove()
        inside = axes_box.contains(bb.x0, bb.y0) and axes_box.contains(bb.x1, bb.y1)
        if not inside or overlaps(bb, boxes):
            continue
        cost = sum(_covered(shape, bb) for shape in others)
        if best is None or (cost, k) < best[:2]:
            best = (cost, k, (x, y, ha, va))
        if cost == 0:
            break
    if best is None:
        return None
    x, y, ha, va = best[2]
    text = ax.text(x, y, label, ha=ha, va=va, fontsize=size, color=cluster_color(cluster),
                   zorder=6, path_effects=halo(3.5))  # fmt: skip
    return text.get_window_extent(renderer).expanded(1.04, 1.1)


def _covered(shape: Any, bb: Any) -> float:
    """Share of the box ``bb`` inside the closed path ``shape`` (a 5 × 3 grid of points)."""
    import numpy as np

    xs = np.linspace(bb.x0, bb.x1, 5)
    ys = np.linspace(bb.y0, bb.y1, 3)
    grid = np.array([(x, y) for x in xs for y in ys])
    return float(shape.contains_points(grid).mean())


def draw_node_labels(
    ax: Axes,
    renderer: Any,
    nodes: list[dict[str, Any]],
    sizes: dict[int, float],
    placed: list[Any],
    max_labels: int,
) -> None:
    """Label the most frequent nodes, trying eight positions around each node."""
    ranked = sorted(nodes, key=lambda n: (-(n.get("frequency") or 0), n["id"]))[:max_labels]
    fmax = (ranked[0].get("frequency") or 0) or 1
    axes_box = ax.get_window_extent(renderer)
    dpi_scale = ax.figure.dpi / 72.0
    circles = []
    for n in ranked:  # labels must not cover the labelled nodes themselves
        r = math.sqrt(sizes[n["id"]]) / 2 * dpi_scale
        cx, cy = ax.transData.transform((n["x"], n["y"]))
        from matplotlib.transforms import Bbox

        circles.append(Bbox.from_extents(cx - r * 0.7, cy - r * 0.7, cx + r * 0.7, cy + r * 0.7))
    for rank, n in enumerate(ranked):
        clip = clip_for(ax, (n["x"], n["y"]))
        rel = (n.get("frequency") or 0) / fmax
        size = 6.5 + 7.5 * math.sqrt(rel)
        gap = math.sqrt(sizes[n["id"]]) / 2 + 1.5
        others = circles[:rank] + circles[rank + 1 :]
        fallback = None
        for dx, dy, ha, va in _CANDIDATES:
            text = ax.annotate(
                n["label"], (n["x"], n["y"]), xytext=(dx * gap, dy * gap),
                textcoords="offset points", ha=ha, va=va, fontsize=size, color="#1a1a1a",
                zorder=5, path_effects=halo(), annotation_clip=clip,
            )  # fmt: skip
            bb = text.get_window_extent(renderer).expanded(1.02, 1.05)
            inside = axes_box.contains(bb.x0, bb.y0) and axes_box.contains(bb.x1, bb.y1)
            if inside and not overlaps(bb, placed) and not overlaps(bb, others):
                placed.append(bb)
                break
            text.remove()
            if inside and fallback is None and not overlaps(bb, placed):
                fallback = (dx, dy, ha, va)
        else:
            if rank >= 10:
                continue
            # the most frequent terms are always labelled: over a node if need be (never
            # over a label), else farther out
            if fallback is not None:
                dx, dy, ha, va = fallback
                text = ax.annotate(
                    n["label"], (n["x"], n["y"]), xytext=(dx * gap, dy * gap),
                    textcoords="offset points", ha=ha, va=va, fontsize=size, color="#1a1a1a",
                    zorder=5, path_effects=halo(), annotation_clip=clip,
                )  # fmt: skip
                placed.append(text.get_window_extent(renderer).expanded(1.02, 1.05))
            else:
                _far_label(ax, renderer, n, size, gap, placed, axes_box)


def _far_label(
    ax: Axes, renderer: Any, n: dict[str, Any], size: float, gap: float, placed: list[Any],
    axes_box: Any,
) -> None:  # fmt: skip
    """Label ``n`` at two or three times the usual distance, where it overlaps no label."""
    clip = clip_for(ax, (n["x"], n["y"]))
    for far in (2.0, 3.0):
        for dx, dy, ha, va in _CANDIDATES:
            text = ax.annotate(
                n["label"], (n["x"], n["y"]), xytext=(dx * gap * far, dy * gap * far),
                textcoords="offset points", ha=ha, va=va, fontsize=size, color="#1a1a1a",
                zorder=5, path_effects=halo(), annotation_clip=clip,
            )  # fmt: skip
            bb = text.get_window_extent(renderer).expanded(1.02, 1.05)
            inside = axes_box.contains(bb.x0, bb.y0) and axes_box.contains(bb.x1, bb.y1)
            if inside and not overlaps(bb, placed):
                placed.append(bb)
                return
            text.remove()


def _draw_legend(
    side: Axes, km: KnowledgeMap, nodes: list[dict[str, Any]], shown: list[int],
    names: dict[int, str],
) -> None:  # fmt: skip
    from matplotlib.lines import Line2D

    counts = {c: sum(1 for n in nodes if n.get("cluster") == c) for c in shown}
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=cluster_color(c),
               markeredgecolor="white", label=f"#{c} {names.get(c, '')} ({counts[c]})")
        for c in shown
    ]  # fmt: skip
    if any(n.get("cluster") not in shown for n in nodes):
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=8,
                              markerfacecolor=cluster_color(None), markeredgecolor="white",
                              label="其他 Other"))  # fmt: skip
    if any((n.get("burst_strength") or 0) > 0 for n in nodes):
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=9,
                              markerfacecolor="none", markeredgecolor=BURST_RING,
                              markeredgewidth=1.3, label="突现词 (burst)"))  # fmt: skip
    if handles:
        side.legend(handles=handles, loc="upper left", frameon=False, fontsize=8.5,
                    title="聚类 Clusters", title_fontsize=9.5, alignment="left",
                    handletextpad=0.4, borderaxespad=0.0)  # fmt: skip
    side.text(0.0, 0.0, "\n".join(_info_lines(km, nodes)), va="bottom", ha="left", fontsize=8,
              color="#333333", linespacing=1.5, transform=side.transAxes)  # fmt: skip


def _info_lines(km: KnowledgeMap, nodes: list[dict[str, Any]]) -> list[str]:
    s = km.summary or {}
    lines = []
    span = km.year_span or _summary_value(s, "year_span", "years")
    if span and len(span) == 2:
        lines.append(f"时间跨度 Timespan: {span[0]}–{span[1]}")
    records = _summary_value(s, "records", "n_records", "documents")
    if records is not None:
        lines.append(f"记录 Records: {records}")
    lines.append(f"节点 N = {len(nodes)}，连线 E = {len(km.raw('edges'))}")
    q = _summary_value(s, "modularity", "Q", "q")
    if isinstance(q, (int, float)):
        lines.append(f"Modularity Q = {q:.4f}")
    sil = _summary_value(s, "silhouette", "mean_silhouette", "S")
    if isinstance(sil, (int, float)):
        how = (s.get("params") or {}).get("silhouette")  # the definition, next to the number
        lines.append(f"Mean Silhouette S = {sil:.4f}" + (f" ({how})" if how else ""))
    lines.append("节点大小 ∝ 频次 (node area ∝ frequency)")
    return lines
