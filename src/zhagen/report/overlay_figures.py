"""VOSviewer's overlay and density views of a knowledge map (``overlay.png``, ``density.png``).

- **Overlay view** (VOSviewer "overlay visualization", scores = publication year): the
  cluster view's layout and links, each node coloured by the **mean publication year** of
  the records holding its term, ``ȳᵢ = Σ_y y·cᵢ(y) / Σ_y cᵢ(y)`` with ``cᵢ(y)`` the term's
  records in year ``y`` (:func:`node_mean_years`); a colour bar from the earliest to the
  latest mean year (viridis: dark blue = old, yellow = recent).
- **Density view** (VOSviewer "density visualization", after van Eck & Waltman 2010): the
  item density at a point ``x`` of the layout is
  ``D(x) = Σᵢ wᵢ · exp(−‖x − xᵢ‖² / (h·d̄)²)``, ``wᵢ`` the node's frequency, ``d̄`` the mean
  distance between nodes of the layout and ``h`` the kernel width (:data:`KERNEL_WIDTH`);
  shown on a square-root scale (``√(D / max D)``, so that the areas around smaller
  nodes stay visible next to the largest peak) from blue (low) through green to yellow
  (high), with the labels of the most frequent nodes on top.

Both keep the labels from overlapping (the cluster view's placement).

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> years = node_mean_years(tiny_map())
>>> round(years[0], 2)
2020.8
>>> [p.name for p in write_overlay(tiny_map(), Path(tempfile.mkdtemp()) / "overlay.png")]
['overlay.png']
>>> write_density(tiny_map(), Path(tempfile.mkdtemp()) / "density.png").name
'density.png'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import plain_nodes
from zhagen.report.drawing import fit_limits, grey_links, new_figure, no_data, write_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["KERNEL_WIDTH", "node_mean_years", "write_overlay", "draw_overlay", "write_density",
           "draw_density", "density_grid"]  # fmt: skip

#: ``h`` of the density view: the kernel's width as a share of the mean distance between nodes.
KERNEL_WIDTH = 0.18
OVERLAY_MAP = "viridis"
DENSITY_MAP = "YlGnBu_r"


def node_mean_years(km: KnowledgeMap) -> dict[int, float]:
    """``node id -> mean publication year`` of the records holding its term (from
    ``km.term_years``; a node without per-year counts gets its first year)."""
    out: dict[int, float] = {}
    for n in plain_nodes(km):
        counts = km.term_years.get(n["label"]) or {}
        total = sum(counts.values())
        if total:
            out[n["id"]] = sum(int(y) * c for y, c in counts.items()) / total
        elif n.get("first_year") is not None:
            out[n["id"]] = float(n["first_year"])
    return out


def _positioned(km: KnowledgeMap) -> list[dict[str, Any]]:
    return [n for n in plain_nodes(km) if n.get("x") is not None and n.get("y") is not None]


def write_overlay(km: KnowledgeMap, png: Path, svg: Path | None = None) -> list[Path]:
    """Draw the overlay view (mean publication year) and save it (PNG, optional SVG)."""
    return write_figure(lambda: draw_overlay(km), png, svg)


def draw_overlay(km: KnowledgeMap, *, max_labels: int = 45) -> Figure:
    """The overlay view as a ``Figure``: nodes coloured by mean publication year."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    from zhagen.report.map_figures import draw_node_labels

    fig = new_figure(10.0, 7.5)
    ax = fig.add_axes((0.01, 0.01, 0.86, 0.94))
    ax.set_axis_off()
    nodes = _positioned(km)
    years = node_mean_years(km)
    nodes = [n for n in nodes if n["id"] in years]
    if not nodes:
        no_data(ax, "没有带年份的节点", "no nodes with publication years")
        return fig
    fit_limits(ax, [n["x"] for n in nodes], [n["y"] for n in nodes])
    lo = min(years[n["id"]] for n in nodes)
    hi = max(years[n["id"]] for n in nodes)
    norm = Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1)
    cmap = colormaps[OVERLAY_MAP]
    grey_links(ax, km, {n["id"]: (n["x"], n["y"]) for n in nodes})
    fmax = max(n.get("frequency") or 0 for n in nodes) or 1
    sizes = {n["id"]: 18 + 950 * (n.get("frequency") or 0) / fmax for n in nodes}
    order = sorted(nodes, key=lambda n: -sizes[n["id"]])
    points = ax.scatter([n["x"] for n in order], [n["y"] for n in order],
                        s=[sizes[n["id"]] for n in order], c=[years[n["id"]] for n in order],
                        cmap=cmap, norm=norm, edgecolors="white", linewidths=0.6, zorder=3)  # fmt: skip
    draw_node_labels(ax, fig.canvas.get_renderer(), nodes, sizes, [], max_labels)
    bar = fig.colorbar(points, cax=fig.add_axes((0.89, 0.2, 0.018, 0.6)))
    bar.set_label("平均发表年份 Mean publication year", fontsize=9)
    bar.ax.tick_params(labelsize=8)
    bar.ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}" if hi - lo >= 4 else f"{v:.1f}")
    ax.set_title("叠加视图 Overlay view（颜色 = 平均发表年份 colour = mean publication year）",
                 fontsize=11)  # fmt: skip
    return fig


def density_grid(
    xs: list[float], ys: list[float], weights: list[float], extent: tuple[float, float, float, float],
    *, size: int = 200, kernel: float = KERNEL_WIDTH,
) -> Any:  # fmt: skip
    """``D`` on a ``size × size`` grid over ``extent = (x0, x1, y0, y1)`` (rows from ``y0``):
    ``D(x) = Σᵢ wᵢ·exp(−‖x − xᵢ‖² / (h·d̄)²)``, ``d̄`` the mean distance between the points.

    >>> grid = density_grid([0.0, 1.0], [0.0, 0.0], [1.0, 1.0], (-1, 2, -1, 1), size=4)
    >>> grid.shape, bool(grid.max() <= 2.0)
    ((4, 4), True)
    """
    import numpy as np

    pts = np.column_stack([xs, ys]).astype(float)
    w = np.asarray(weights, dtype=float)
    if len(pts) > 1:
        sample = pts[:: max(1, len(pts) // 600)]  # the mean distance of ≤ 600 points is plenty
        diff = sample[:, None, :] - sample[None, :, :]
        dist = np.sqrt((diff**2).sum(-1))
        mean = dist[np.triu_indices(len(sample), 1)].mean() or 1.0
    else:
        mean = 1.0
    h = kernel * mean
    gx = np.linspace(extent[0], extent[1], size)
    gy = np.linspace(extent[2], extent[3], size)
    # separable Gaussian: exp(-(dx²+dy²)/h²) = exp(-dx²/h²)·exp(-dy²/h²)
    kx = np.exp(-(((gx[None, :] - pts[:, 0:1]) / h) ** 2))  # points × columns
    ky = np.exp(-(((gy[None, :] - pts[:, 1:2]) / h) ** 2))  # points × rows
    return (ky * w[:, None]).T @ kx


def write_density(km: KnowledgeMap, png: Path) -> Path:
    """Draw the density view and save it as PNG (300 dpi)."""
    return write_figure(lambda: draw_density(km), png)[0]


def draw_density(km: KnowledgeMap, *, max_labels: int = 45) -> Figure:
    """The density view as a ``Figure``: the item density, labels of frequent nodes on top."""
    from zhagen.report.map_figures import draw_node_labels

    fig = new_figure(10.0, 7.5)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.94))
    ax.set_axis_off()
    nodes = _positioned(km)
    if not nodes:
        no_data(ax, "图谱中没有节点", "the map has no nodes")
        return fig
    fit_limits(ax, [n["x"] for n in nodes], [n["y"] for n in nodes])
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    grid = density_grid([n["x"] for n in nodes], [n["y"] for n in nodes],
                        [float(n.get("frequency") or 1) for n in nodes], (x0, x1, y0, y1))  # fmt: skip
    ax.imshow((grid / (grid.max() or 1.0)) ** 0.5, extent=(x0, x1, y0, y1), origin="lower",
              cmap=DENSITY_MAP, vmin=0.0, vmax=1.0, aspect="auto", zorder=0,
              interpolation="bilinear")  # fmt: skip
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    fmax = max(n.get("frequency") or 0 for n in nodes) or 1
    sizes = {n["id"]: 18 + 950 * (n.get("frequency") or 0) / fmax for n in nodes}
    draw_node_labels(ax, fig.canvas.get_renderer(), nodes, sizes, [], max_labels)
    ax.set_title(f"密度视图 Density view（核宽 h = {KERNEL_WIDTH} × 节点平均距离 "
                 "kernel width × mean node distance）", fontsize=11)  # fmt: skip
    return fig
