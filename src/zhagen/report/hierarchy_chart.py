"""The hierarchy chart of a code tree: a nested, squarified treemap in which each code's
area is its number of codings with those of its descendants (NVivo's hierarchy chart).

Each code is a box in its parent's box, coloured with its own colour (a parent's lighter,
so that its children stand out on it); a parent's own codings are the part of its box no
child covers. Codes without codings take no room. Labels are the code's name and count,
drawn when the box can hold them. Pure over plain data: ``codes`` are dicts as
``project.codes()`` rows give them (``id``, ``name``, ``parent``, ``count``, ``total``,
``color``; ``level`` optional).

>>> codes = [{"id": 1, "name": "政策环境", "parent": None, "count": 2, "total": 6, "color": "#4e79a7"},
...          {"id": 2, "name": "财政补贴", "parent": 1, "count": 4, "total": 4, "color": "#f28e2b"}]
>>> [(b.name, b.depth, round(b.w * b.h, 3)) for b in treemap_layout(codes, 1, 1, pad=0, header=0)]
[('政策环境', 0, 1.0), ('财政补贴', 1, 0.667)]
>>> [tuple(round(v, 2) for v in r) for r in squarify([3, 1], 0, 0, 2, 2)]
[(0.0, 0.0, 1.5, 2.0), (1.5, 0.0, 0.5, 2.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Box", "squarify", "treemap_layout", "hierarchy_figure", "write_hierarchy_chart"]

#: Figure size (inches) and the share of a parent's box kept for its label.
WIDTH, HEIGHT = 12.0, 7.5
TITLES = ("编码层级图（面积 = 编码数，含下级）", "Code hierarchy (area = codings, with children)")
EMPTY = ("还没有编码记录", "no codings yet")


@dataclass(frozen=True)
class Box:
    """A code's rectangle (axes units, origin bottom left) and what it is drawn from."""

    id: Any
    name: str
    depth: int
    value: float
    count: float
    color: str
    x: float
    y: float
    w: float
    h: float
    parent: bool  # has children drawn in it


def _worst(row: Sequence[float], short: float) -> float:
    s = sum(row)
    return max(max(short * short * r / (s * s), s * s / (short * short * r)) for r in row)


def squarify(
    values: Sequence[float], x: float, y: float, w: float, h: float
) -> list[tuple[float, float, float, float]]:
    """Rectangles ``(x, y, w, h)`` filling the rectangle given, with areas in proportion to
    ``values`` (positive, largest first), as square as the squarified treemap algorithm
    (Bruls, Huizing and van Wijk 2000) makes them: rows are filled along the shorter side
    while the worst aspect ratio in the row improves."""
    total = float(sum(values))
    x, y, w, h = float(x), float(y), float(w), float(h)
    if total <= 0 or w <= 0 or h <= 0:
        return [(x, y, 0.0, 0.0) for _ in values]
    areas = [v * w * h / total for v in values]
    out: list[tuple[float, float, float, float]] = []
    i = 0
    while i < len(areas):
        short = min(w, h)
        row = [areas[i]]
        i += 1
        while i < len(areas) and _worst([*row, areas[i]], short) <= _worst(row, short):
            row.append(areas[i])
            i += 1
        s = sum(row)
        if w >= h:  # a column at the left
            cw, yy = s / h, y
            for a in row:
                out.append((x, yy, cw, a / cw))
                yy += a / cw
            x, w = x + cw, w - cw
        else:  # a row at the bottom
            rh, xx = s / w, x
            for a in row:
                out.append((xx, y, a / rh, rh))
                xx += a / rh
            y, h = y + rh, h - rh
    return out


def treemap_layout(
    codes: Sequence[Mapping[str, Any]],
    width: float = WIDTH,
    height: float = HEIGHT,
    *,
    pad: float = 0.06,
    header: float = 0.28,
) -> list[Box]:
    """Every code with codings as a :class:`Box`, parents before their children.

    ``pad`` is the margin inside a parent's box and ``header`` the strip kept at its top
    for its label (both in the units of ``width`` and ``height``; a box too small for
    them gives its children all its room).
    """
    ids = {c["id"] for c in codes}
    kids: dict[Any, list[Mapping[str, Any]]] = {}
    for c in codes:
        if float(c.get("total") or 0) > 0:
            parent = c.get("parent")
            kids.setdefault(parent if parent in ids else None, []).append(c)
    boxes: list[Box] = []

    def place(group: list[Mapping[str, Any]], own: float, x: float, y: float, w: float,
              h: float, depth: int) -> None:  # fmt: skip
        group = sorted(group, key=lambda c: (-float(c["total"]), str(c["name"])))
        values = [float(c["total"]) for c in group] + ([own] if own > 0 else [])
        for c, (bx, by, bw, bh) in zip(group, squarify(values, x, y, w, h), strict=False):
            inner = kids.get(c["id"], [])
            boxes.append(Box(c["id"], str(c["name"]), depth, float(c["total"]),
                             float(c.get("count") or 0), str(c.get("color") or "#999999"),
                             bx, by, bw, bh, bool(inner)))  # fmt: skip
            if not inner:
                continue
            p = pad if bw > 4 * pad and bh > 4 * pad else 0.0
            top = header if bh - 2 * p > 3 * header else 0.0
            place(inner, float(c.get("count") or 0), bx + p, by + p, bw - 2 * p,
                  bh - 2 * p - top, depth + 1)  # fmt: skip

    place(kids.get(None, []), 0.0, 0.0, 0.0, width, height, 0)
    return boxes


def _tint(color: str, share: float) -> tuple[float, float, float]:
    """``color`` mixed with white (``share`` of white)."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(c + (1 - c) * share for c in rgb)  # type: ignore[return-value]


def _ink(rgb: Sequence[float]) -> str:
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return "#1f2a27" if lum > 0.55 else "#ffffff"


def _fit(text: str, width_pt: float, height_pt: float) -> float:
    """The largest font size (7–13 pt) at which ``text`` fits a box, or 0."""
    units = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text) or 1.0
    size = min(13.0, width_pt / units * 0.92, height_pt * 0.7)
    return size if size >= 7 else 0.0


def hierarchy_figure(codes: Sequence[Mapping[str, Any]], *, lang: str = "zh") -> Figure:
    """The treemap of ``codes`` as a matplotlib figure (draw it inside ``cjk_rc()``)."""
    from matplotlib.patches import Rectangle

    from zhagen.report.drawing import new_figure, no_data
    from zhagen.report.fonts import cjk_font

    en = lang == "en"
    fig = new_figure(WIDTH, HEIGHT + 0.5)
    ax = fig.add_axes((0, 0, 1, HEIGHT / (HEIGHT + 0.5)))
    fig.text(0.01, 0.985, TITLES[en], va="top", fontproperties=cjk_font(13))
    boxes = treemap_layout(codes)
    if not boxes:
        no_data(ax, *EMPTY)
        return fig
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, HEIGHT)
    ax.set_axis_off()
    pt = 72.0  # points per axes unit: the axes are WIDTH × HEIGHT inches
    for b in boxes:
        fill = _tint(b.color, 0.72 if b.parent else 0.12)
        ax.add_patch(Rectangle((b.x, b.y), b.w, b.h, facecolor=fill, edgecolor="white",
                               linewidth=max(0.6, 2.4 - 0.6 * b.depth)))  # fmt: skip
        label = f"{b.name}（{b.value:g}）" if not en else f"{b.name} ({b.value:g})"
        size = _fit(label, b.w * pt - 6, (0.28 if b.parent else b.h) * pt)
        if not size:
            label = b.name
            size = _fit(label, b.w * pt - 6, (0.28 if b.parent else b.h) * pt)
        if not size:
            continue
        if b.parent:  # the label in the strip kept at the top of the box
            ax.text(b.x + 0.05, b.y + b.h - 0.05, label, ha="left", va="top", color="#1f2a27",
                    fontproperties=cjk_font(size), clip_on=True)  # fmt: skip
        else:
            ax.text(b.x + b.w / 2, b.y + b.h / 2, label, ha="center", va="center",
                    color=_ink(fill), fontproperties=cjk_font(size), clip_on=True)  # fmt: skip
    return fig


def write_hierarchy_chart(
    codes: Sequence[Mapping[str, Any]], path: str | Path, *, lang: str = "zh"
) -> Path:
    """Write the hierarchy chart as PNG or SVG (by the path's suffix; SVG text as paths)."""
    import matplotlib

    from zhagen.report.drawing import save_figure
    from zhagen.report.fonts import cjk_rc

    with matplotlib.rc_context(cjk_rc()):
        fig = hierarchy_figure(codes, lang=lang)
        return save_figure(fig, Path(path), dpi=200)
