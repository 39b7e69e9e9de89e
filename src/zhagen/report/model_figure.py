"""The model figure of grounded-theory coding, in two layouts, over plain data.

- ``tree``: the core category on top, the main categories in a row under it, each one's
  sub-categories below it; the relations between categories as labelled arrows.
- ``paradigm``: the paradigm model of Strauss and Corbin, left to right, 因果条件 → 现象 →
  情境 / 中介条件 → 行动策略 → 结果: each category the researcher gave a role
  (:mod:`zhagen.coding.model_layout`) is a box in its role's group, and arrows join the groups.

Positions are in the web page's pixels (origin top left, y down), so the boxes the
researcher drags in the workbench are where this module draws them: :func:`model_layout`
places every box and then moves those with a kept position (``boxes``). The web page draws
the same layout (``GET /api/model``); :func:`write_model_figure` draws it with matplotlib at
a fixed scale (96 px to the inch) and resolution, glyphs as paths in SVG and embedded
TrueType in PDF.

>>> codes = [{"id": 1, "name": "协同机制", "parent": None, "level": 4},
...          {"id": 2, "name": "政策环境", "parent": 1, "level": 3},
...          {"id": 3, "name": "协同行动", "parent": 1, "level": 3}]
>>> lay = model_layout(codes, [], {2: {"role": "因果条件", "paradigm": None},
...                                3: {"role": "行动策略", "paradigm": (500, 300)}}, "paradigm")
>>> [(b["name"], b["role"], b["moved"]) for b in lay["boxes"]]
[('政策环境', '因果条件', False), ('协同行动', '行动策略', True)]
>>> (lay["boxes"][1]["x"], lay["boxes"][1]["y"]), lay["flows"]
((500, 300), [('因果条件', '行动策略')])
>>> [b["name"] for b in model_layout(codes, [], {}, "tree")["boxes"]]
['政策环境', '协同行动', '协同机制']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COLUMNS", "FLOWS", "model_layout", "group_rects", "model_figure", "write_model_figure"]

BOX_H = 34
GAP_X = 28
GAP_Y = 16
#: The group's label strip and its padding around its boxes (paradigm layout).
HEAD, PAD = 24, 10
#: Space between the paradigm's columns (room for the arrows).
COL_GAP = 64
#: The paradigm's columns, left to right: the roles stacked in each.
COLUMNS: tuple[tuple[str, ...], ...] = (("因果条件",), ("现象",), ("情境", "中介条件"),
                                        ("行动策略",), ("结果",))  # fmt: skip
#: The paradigm's arrows between roles; where a role has no category the arrow goes on to
#: the next role of its chain that has one.
FLOWS: tuple[tuple[str, str], ...] = (("因果条件", "现象"), ("现象", "行动策略"), ("情境", "行动策略"),
                                      ("中介条件", "行动策略"), ("行动策略", "结果"))  # fmt: skip
_CHAIN = ("因果条件", "现象", "行动策略", "结果")
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


def text_width(text: str) -> float:
    """The width (pixels) the web and the figure give a label: 14 a CJK character, 8 others.

    >>> text_width("政策 A")
    44
    """
    return sum(14 if ord(ch) > 0x2E80 else 8 for ch in text)


def _level(code: Mapping[str, Any]) -> int:
    try:
        return int(code.get("level") or 0)
    except (TypeError, ValueError):
        return 0


def _box(
    code: Mapping[str, Any], x: float, y: float, w: float, h: float, role: str = ""
) -> dict[str, Any]:
    return {"id": code["id"], "name": str(code["name"]), "level": _level(code),
            "parent": code.get("parent"), "role": role, "x": x, "y": y, "w": w, "h": h,
            "moved": False}  # fmt: skip


def _tree(codes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    mains = [c for c in codes if _level(c) == 3]
    out: list[dict[str, Any]] = []
    x = float(GAP_X)
    y_main = 30 + BOX_H + 110
    for m in mains:
        subs = [c for c in codes if c.get("parent") == m["id"] and _level(c) == 2]
        w = max(
            [text_width(str(m["name"])) + 28, *(text_width(str(s["name"])) + 24 for s in subs), 110]
        )
        out.append(_box(m, x, y_main, w, BOX_H))
        for i, s in enumerate(subs):
            out.append(_box(s, x + 14, y_main + BOX_H + 30 + i * (BOX_H + GAP_Y), w - 14, BOX_H))
        x += w + GAP_X
    width = max(x, 480.0)
    cores = [c for c in codes if _level(c) == 4]
    for i, c in enumerate(cores):
        w = text_width(str(c["name"])) + 40
        out.append(_box(c, width / (len(cores) + 1) * (i + 1) - w / 2, 30, w, BOX_H + 6))
    return out


def _paradigm(codes: Sequence[Mapping[str, Any]], roles: Mapping[Any, str]) -> list[dict[str, Any]]:
    by_role: dict[str, list[Mapping[str, Any]]] = {}
    for c in codes:
        if roles.get(c["id"]):
            by_role.setdefault(roles[c["id"]], []).append(c)
    columns = [[r for r in col if r in by_role] for col in COLUMNS]
    columns = [col for col in columns if col]

    def height(role: str) -> float:
        n = len(by_role[role])
        return HEAD + 2 * PAD + n * BOX_H + (n - 1) * GAP_Y

    heights = [sum(height(r) for r in col) + (len(col) - 1) * 2 * GAP_X for col in columns]
    tallest = max(heights, default=0.0)
    out: list[dict[str, Any]] = []
    x = 30.0
    for col, col_h in zip(columns, heights, strict=True):
        w = max([110, *(text_width(str(c["name"])) + 28 for r in col for c in by_role[r])])
        y = 30 + (tallest - col_h) / 2
        for r in col:
            for i, c in enumerate(by_role[r]):
                out.append(_box(c, x + PAD, y + HEAD + PAD + i * (BOX_H + GAP_Y), w, BOX_H, r))
            y += height(r) + 2 * GAP_X
        x += w + 2 * PAD + COL_GAP
    return out


def _flows(present: set[str]) -> list[tuple[str, str]]:
    """The arrows between the roles present (a missing role of the chain is passed over)."""
    out: list[tuple[str, str]] = []
    for a, b in FLOWS:
        if a not in present:
            continue
        rest = [r for r in _CHAIN[_CHAIN.index(b) :] if r in present]
        if rest and (a, rest[0]) not in out and a != rest[0]:
            out.append((a, rest[0]))
    return out


def model_layout(
    codes: Sequence[Mapping[str, Any]],
    relations: Sequence[Mapping[str, Any]],
    boxes: Mapping[Any, Mapping[str, Any]],
    layout: str = "tree",
) -> dict[str, Any]:
    """Every box of the model figure in ``layout`` ('tree' or 'paradigm').

    ``codes`` have ``id``, ``name``, ``parent``, ``level``; ``relations`` ``source``,
    ``target``, ``type``; ``boxes`` is ``{code_id: {"role", "tree", "paradigm"}}`` as
    :func:`zhagen.coding.model_layout.boxes` gives it (a kept position ``(x, y)`` or None).
    Returns ``boxes`` (dicts: id, name, level, parent, role, x, y, w, h, moved), the
    ``relations`` between boxes drawn, the paradigm's ``flows`` between roles, ``width``
    and ``height`` (pixels, covering every box) and the ``layout``.
    """
    roles = {k: str(v.get("role") or "") for k, v in boxes.items()}
    placed = _paradigm(codes, roles) if layout == "paradigm" else _tree(codes)
    for b in placed:
        pos = (boxes.get(b["id"]) or {}).get(layout)
        if pos is not None:
            b["x"], b["y"], b["moved"] = pos[0], pos[1], True
    ids = {b["id"] for b in placed}
    rels = [dict(r) for r in relations if r["source"] in ids and r["target"] in ids
            and r["source"] != r["target"]] if layout == "tree" else []  # fmt: skip
    right = max((b["x"] + b["w"] for b in placed), default=0.0)
    bottom = max((b["y"] + b["h"] for b in placed), default=0.0)
    return {"layout": layout, "boxes": placed, "relations": rels,
            "flows": _flows({b["role"] for b in placed}) if layout == "paradigm" else [],
            "width": max(right + 30, 200.0), "height": bottom + 40}  # fmt: skip


def group_rects(boxes: Sequence[Mapping[str, Any]]) -> dict[str, tuple[float, float, float, float]]:
    """Each role's group in the paradigm layout: the rectangle ``(x, y, w, h)`` around its
    boxes, with the label strip on top.

    >>> group_rects([{"role": "现象", "x": 40, "y": 64, "w": 110, "h": 34}])
    {'现象': (30, 30, 130, 78)}
    """
    out = {}
    for role in dict.fromkeys(b["role"] for b in boxes if b.get("role")):
        mine = [b for b in boxes if b.get("role") == role]
        x0 = min(b["x"] for b in mine) - PAD
        y0 = min(b["y"] for b in mine) - PAD - HEAD
        x1 = max(b["x"] + b["w"] for b in mine) + PAD
        y1 = max(b["y"] + b["h"] for b in mine) + PAD
        out[role] = (x0, y0, x1 - x0, y1 - y0)
    return out


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
