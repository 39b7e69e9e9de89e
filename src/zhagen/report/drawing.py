"""What every figure of a knowledge map shares: a pyplot-free figure, saving it (white,
tightly cropped, SVG glyphs as paths, no date), the white halo behind labels, the "no data"
panel, equal-scale limits, label collision, the name a figure gives a cluster, and the
colours and limits all figures use.

The figures themselves are :mod:`zhagen.report.map_figures` (cluster view),
:mod:`zhagen.report.timeline_figure` and :mod:`zhagen.report.burst_figure`.

>>> fig = new_figure(2.0, 1.0)
>>> no_data(fig.add_axes((0, 0, 1, 1)), "无数据", "no data")
>>> [round(v) for v in fig.get_size_inches()]
[2, 1]
>>> from zhagen.examples import tiny_map
>>> sorted(cluster_names(tiny_map()).items())[0][1]
'科技创新'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import plain, plain_node_columns

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["DPI", "BURST_RING", "MAX_LINKS", "save_figure", "write_figure", "tight_bbox", "cluster_names",
           "new_figure", "halo", "no_data", "fit_limits", "overlaps", "grey_links", "strongest_links",
           "clip_for"]  # fmt: skip

DPI = 300
BURST_RING = "#e41a1c"
#: Links drawn in a static figure (the strongest; all of them are in the network files).
MAX_LINKS = 2000


def save_figure(fig: Figure, path: Path, dpi: int = DPI, bbox: Any = None) -> Path:
    """Save ``fig`` (format from the suffix) with a white background, tightly cropped.

    Must run inside ``matplotlib.rc_context(cjk_rc())`` so that SVG text becomes paths.
    ``bbox`` (inches) skips the extra drawing pass that ``bbox_inches="tight"`` costs.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, Any] = {"Creator": "zhagen"}
    if path.suffix.lower() == ".svg":
        metadata = {"Creator": "zhagen", "Date": None}  # no date: same map, same bytes
    elif path.suffix.lower() == ".pdf":
        metadata = {"Creator": "zhagen", "CreationDate": None}  # same figure, same bytes
    fig.savefig(path, dpi=dpi, facecolor="white", bbox_inches=bbox or tight_bbox(fig),
                metadata=metadata)  # fmt: skip
    return path


def write_figure(
    draw: Callable[[], Figure], png: Path | None, svg: Path | None = None
) -> list[Path]:
    """Draw ``draw()`` with the CJK font and save it as PNG (300 dpi) and/or SVG, those
    given (both cropped to the same box).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "blank.png"
    >>> write_figure(lambda: new_figure(1.0, 1.0), path)[0].name
    'blank.png'
    """
    import matplotlib

    from zhagen.report.fonts import cjk_rc

    with matplotlib.rc_context(cjk_rc()):
        fig = draw()
        bbox = tight_bbox(fig)
        paths = [save_figure(fig, path, bbox=bbox) for path in (png, svg) if path is not None]
    return paths


def tight_bbox(fig: Figure, pad: float = 0.15) -> Any:
    """The bounding box (inches) of everything drawn on ``fig``, padded by ``pad``."""
    from matplotlib.transforms import Bbox

    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)


def cluster_names(km: KnowledgeMap) -> dict[int, str]:
    """``cluster id -> label``: the first term of the LLR label (else TF-IDF, else MI, else
    the most frequent member), as CiteSpace writes ``#0 label`` on a map."""
    names: dict[int, str] = {}
    for rec in km.records("clusters"):
        cid = plain(rec.get("id"))
        if cid is None:
            continue
        for key in ("label_llr", "label_tfidf", "label_mi"):
            value = str(plain(rec.get(key)) or "").replace("；", ";").split(";")[0].strip()
            if value:
                names[int(cid)] = value
                break
    labels, clusters, frequencies = plain_node_columns(km, "label", "cluster", "frequency")
    for k in sorted(range(len(labels)), key=lambda k: -(frequencies[k] or 0)):  # stable
        cid = clusters[k]
        if cid is not None and cid >= 0 and cid not in names:
            names[cid] = labels[k]
    return names


def new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure whose PNGs are written by :func:`zhagen.report.png.encode_png`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    _canvas_class()(fig)
    return fig


@functools.cache
def _canvas_class() -> type:
    """matplotlib's Agg canvas, saving PNG with zhagen's encoder (the same pixels, about
    three times faster than Pillow's at 300 dpi; see :mod:`zhagen.report.png`)."""
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from zhagen.report.agg_text import Renderer
    from zhagen.report.png import encode_png

    class Canvas(FigureCanvasAgg):
        def get_renderer(self) -> Any:
            # FigureCanvasAgg's, with zhagen's renderer (agg_text: the same pixels, each
            # text measured and outlined once per process)
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = Renderer(w, h, self.figure.dpi)
                self._lastKey = key
            return self.renderer

        def print_png(self, filename_or_obj: Any, *, metadata: Any = None,
                      pil_kwargs: Any = None, **kwargs: Any) -> None:  # fmt: skip
            if pil_kwargs:  # options only Pillow understands: let matplotlib save it
                super().print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
                return
            FigureCanvasAgg.draw(self)
            text = {"Software": f"Matplotlib version{matplotlib.__version__}, "
                                "https://matplotlib.org/", **(metadata or {})}  # fmt: skip
            data = encode_png(np.asarray(self.buffer_rgba()), dpi=self.figure.dpi,
                              text={k: v for k, v in text.items() if v is not None})  # fmt: skip
            if hasattr(filename_or_obj, "write"):
                filename_or_obj.write(data)
            else:
                Path(filename_or_obj).write_bytes(data)

    return Canvas


def halo(width: float = 2.5) -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white", alpha=0.9)]


def no_data(ax: Axes, zh: str, en: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{zh}\n{en}", ha="center", va="center", fontsize=14, color="#666666",
            transform=ax.transAxes)  # fmt: skip


def fit_limits(ax: Axes, xs: list[float], ys: list[float], pad: float = 0.08) -> None:
    """Set limits that show every point with equal scales on both axes."""
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w, h = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    x0, x1, y0, y1 = x0 - pad * w, x1 + pad * w, y0 - pad * h, y1 + pad * h
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (box.height * fig_h) / (box.width * fig_w)  # axes height / width, in inches
    w, h = x1 - x0, y1 - y0
    if h / w < ratio:
        grow = (w * ratio - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (h / ratio - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def grey_links(ax: Axes, km: KnowledgeMap, pos: dict[int, Any]) -> None:
    """Draw the map's strongest :data:`MAX_LINKS` links between the nodes in ``pos``
    (``id -> (x, y)``) as grey lines, darker and wider for stronger links."""
    from matplotlib.collections import LineCollection

    edges = strongest_links(km, pos)
    if not edges:
        return
    smax = edges[0]["strength"] or 1.0
    fade = min(1.0, max(0.3, 300 / len(edges)))  # many links: each one lighter
    edges.reverse()  # strongest drawn last, on top
    ax.add_collection(LineCollection(
        [[pos[e["source"]], pos[e["target"]]] for e in edges],
        colors=[(0.5, 0.5, 0.5, (0.12 + 0.3 * e["strength"] / smax) * fade) for e in edges],
        linewidths=[0.3 + 1.3 * e["strength"] / smax for e in edges], zorder=1,
    ))  # fmt: skip


def strongest_links(
    km: KnowledgeMap, ends: Container[int], limit: int = MAX_LINKS
) -> list[dict[str, Any]]:
    """The ``limit`` strongest links with both ends in ``ends``, strongest first (links of
    equal strength in the map's order), as dicts of :func:`~zhagen.formats.network.plain_edges`.

    Read a chunk of links at a time, keeping only the strongest ``limit`` so far: a figure
    never holds every link of a map of millions.

    >>> from zhagen.examples import tiny_map
    >>> km = tiny_map()
    >>> [round(e["strength"], 3) for e in strongest_links(km, set(km.nodes["id"]), 2)]
    [0.816, 0.775]
    """
    from zhagen.formats.network import edge_chunks

    kept: list[tuple[int | None, int | None, float, float]] = []
    for chunk in edge_chunks(km):
        found = [e for e in chunk if e[0] in ends and e[1] in ends]
        # sorted() is stable: ties keep the map's order across chunks too
        kept = sorted(kept + found, key=lambda e: -e[3])[:limit]
    return [{"source": s, "target": t, "count": c, "strength": w} for s, t, c, w in kept]


def clip_for(ax: Axes, xy: tuple[float, float]) -> bool | None:
    """``annotation_clip`` for a label of the data point ``xy``: False (no check) when the
    point is strictly inside the axes' limits, where matplotlib's check (is the point
    inside the axes?) always passes; else None, matplotlib's default, which checks it on
    every measurement and drawing of the label.

    >>> ax = new_figure(1.0, 1.0).add_axes((0, 0, 1, 1))
    >>> clip_for(ax, (0.5, 0.5)), clip_for(ax, (1.0, 0.5)), clip_for(ax, (2.0, 0.5))
    (False, None, None)
    """
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    x, y = xy
    return False if x0 < x < x1 and y0 < y < y1 else None


def overlaps(bb: Any, others: list[Any]) -> bool:
    return any(bb.overlaps(o) for o in others)
