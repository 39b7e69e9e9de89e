"""The model figure of grounded-theory coding drawn with matplotlib: the boxes placed by
:func:`zhagen.coding.model_boxes.model_layout` (the code tree or the paradigm model, with the
boxes where the researcher moved them in the workbench) at a fixed scale (96 px of the web
page to the inch) and resolution, glyphs as paths in SVG and embedded TrueType in PDF.

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.coding.model_boxes import model_layout
>>> lay = model_layout([{"id": 1, "name": "政策环境", "parent": None, "level": 3}], [],
...                    {1: {"role": "现象", "paradigm": None}}, "paradigm")
>>> write_model_figure(lay, Path(tempfile.mkdtemp()) / "m.svg").suffix
'.svg'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.coding.model_boxes import HEAD, group_rects

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PX_PER_INCH", "DPI", "model_figure", "write_model_figure"]

COLORS = {4: "#8b2849", 3: "#8a4a23", 2: "#2f4f74"}
ROLE_COLORS = {"因果条件": "#2f4f74", "现象": "#8b2849", "情境": "#4d6b3c", "中介条件": "#4d6b3c",
               "行动策略": "#8a4a23", "结果": "#5b4a8a"}  # fmt: skip
EMPTY = {
    "tree": ("还没有范畴（第 2–4 级编码）", "no categories (codes of level 2–4) yet"),
    "paradigm": ("还没有为主范畴指定范式角色", "no category has a paradigm role yet"),
}
#: Pixels of the layout to the inch of the figure (the CSS pixel).
PX_PER_INCH = 96.0
DPI = 300


def _clip(rect: tuple[float, float, float, float], dx: float, dy: float) -> tuple[float, float]:
    """Where the line from the rectangle's centre in direction (dx, dy) leaves it."""
    x, y, w, h = rect
    k = min(w / 2 / abs(dx) if dx else float("inf"), h / 2 / abs(dy) if dy else float("inf"))
    return x + w / 2 + dx * k, y + h / 2 + dy * k


def _arrow(ax: Any, a: tuple[float, float, float, float], b: tuple[float, float, float, float],
           color: str, lift: float = 0.0) -> tuple[float, float]:  # fmt: skip
    """An arrow from rectangle ``a`` to ``b``; returns the point where its label goes.

    With ``lift`` (boxes side by side in a row) the arrow arcs from top to top, ``lift``
    pixels above the row, so that neither it nor its label covers a box between them.
    """
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MPath

    style = {"arrowstyle": "-|>", "mutation_scale": 12, "color": color, "linewidth": 1.3,
             "shrinkA": 0, "shrinkB": 0}  # fmt: skip
    if lift:
        p, q = (a[0] + a[2] / 2, a[1]), (b[0] + b[2] / 2, b[1])
        top = min(p[1], q[1]) - 2 * lift  # the control point: the curve peaks half way
        path = MPath([p, ((p[0] + q[0]) / 2, top), q], [MPath.MOVETO, MPath.CURVE3, MPath.CURVE3])
        ax.add_patch(FancyArrowPatch(path=path, **style))
        return (p[0] + q[0]) / 2, (p[1] + q[1]) / 4 + top / 2
    dx = b[0] + b[2] / 2 - (a[0] + a[2] / 2)
    dy = b[1] + b[3] / 2 - (a[1] + a[3] / 2)
    if not dx and not dy:
        return a[0], a[1]
    p, q = _clip(a, dx, dy), _clip(b, -dx, -dy)
    ax.add_patch(FancyArrowPatch(p, q, **style))
    return (p[0] + q[0]) / 2, (p[1] + q[1]) / 2


def model_figure(lay: Mapping[str, Any], *, lang: str = "zh") -> Figure:
    """Draw a :func:`model_layout` with matplotlib (inside ``cjk_rc()``), 96 px an inch."""
    from matplotlib.patches import FancyBboxPatch, Rectangle

    from zhagen.coding.model_layout import ROLE_NAMES
    from zhagen.report.drawing import new_figure, no_data
    from zhagen.report.fonts import cjk_font

    en = lang == "en"
    kind = "paradigm" if lay["layout"] == "paradigm" else "tree"
    boxes = lay["boxes"]
    width, height = float(lay["width"]), float(lay["height"])
    fig = new_figure(width / PX_PER_INCH, height / PX_PER_INCH)
    ax = fig.add_axes((0, 0, 1, 1))
    if not boxes:
        no_data(ax, *EMPTY[kind])
        return fig
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    pt = 72.0 / PX_PER_INCH  # points per pixel
    rect = {b["id"]: (b["x"], b["y"], b["w"], b["h"]) for b in boxes}
    if kind == "paradigm":
        groups = group_rects(boxes)
        for role, (x, y, w, h) in groups.items():
            color = ROLE_COLORS.get(role, "#555555")
            ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=8",
                                        facecolor="#f7f5f0", edgecolor=color, linewidth=1.0,
                                        linestyle=(0, (4, 3))))  # fmt: skip
            ax.text(x + w / 2, y + HEAD / 2 + 4, ROLE_NAMES[role] if en else role, ha="center",
                    va="center", color=color, fontproperties=cjk_font(13 * pt))  # fmt: skip
        for a, b in lay["flows"]:
            _arrow(ax, groups[a], groups[b], "#b5542f")
    else:
        by_id = {b["id"]: b for b in boxes}
        for b in boxes:  # the tree's lines, parent to child
            p = by_id.get(b["parent"])
            if p is None:
                continue
            if b["level"] == 2:
                xs = [p["x"] + 6, p["x"] + 6, b["x"]]
                ys = [p["y"] + p["h"], b["y"] + b["h"] / 2, b["y"] + b["h"] / 2]
                ax.plot(xs, ys, color="#b8b2a4", linewidth=1.0)
            else:
                mid = (p["y"] + p["h"] + b["y"]) / 2
                xs = [
                    p["x"] + p["w"] / 2,
                    p["x"] + p["w"] / 2,
                    b["x"] + b["w"] / 2,
                    b["x"] + b["w"] / 2,
                ]
                ax.plot(xs, [p["y"] + p["h"], mid, mid, b["y"]], color="#b8b2a4", linewidth=1.0,
                        linestyle=(0, (4, 3)))  # fmt: skip
    for b in boxes:
        level = b["level"]
        color = (
            ROLE_COLORS.get(b["role"], "#555555")
            if kind == "paradigm"
            else COLORS.get(level, "#555555")
        )
        core = kind == "tree" and level == 4
        ax.add_patch(Rectangle((b["x"], b["y"]), b["w"], b["h"], facecolor=color if core else "white",
                               edgecolor=color, linewidth=0.8 if level == 2 else 1.5))  # fmt: skip
        size = (13 if level == 2 else 14) * pt
        ax.text(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["name"], ha="center", va="center",
                color="white" if core else "#1f2a27",
                fontproperties=cjk_font(size))  # fmt: skip
    seen: dict[tuple[Any, Any], int] = {}
    for r in lay["relations"]:
        a, b = rect[r["source"]], rect[r["target"]]
        key = (min(r["source"], r["target"]), max(r["source"], r["target"]))
        seen[key] = seen.get(key, 0) + 1  # a second relation between two boxes bends away
        lift = 28.0 + 14 * (seen[key] - 1) if abs(a[1] - b[1]) < 4 else 0.0
        lx, ly = _arrow(ax, a, b, "#b5542f", lift)
        ax.text(lx, ly, str(r["type"]), ha="center", va="center", color="#8a4a23",
                fontproperties=cjk_font(12 * pt),
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#e7c9b9"})  # fmt: skip
    return fig


def write_model_figure(lay: Mapping[str, Any], path: str | Path, *, lang: str = "zh") -> Path:
    """Write the model figure as PNG (300 dpi), SVG or PDF, by the path's suffix, at its
    fixed size (the layout's pixels at 96 an inch: no cropping)."""
    import matplotlib
    from matplotlib.transforms import Bbox

    from zhagen.report.drawing import save_figure
    from zhagen.report.fonts import cjk_rc

    with matplotlib.rc_context(cjk_rc()):
        fig = model_figure(lay, lang=lang)
        box = Bbox.from_bounds(0, 0, *fig.get_size_inches())
        return save_figure(fig, Path(path), dpi=DPI, bbox=box)
