"""Where the boxes of the model figure go, in two layouts, over plain data (the drawing is
:mod:`zhagen.report.model_figure`; the web page draws the same boxes).

- ``tree``: the core category on top, the main categories in a row under it, each one's
  sub-categories below it; the relations between categories as labelled arrows.
- ``paradigm``: the paradigm model of Strauss and Corbin, left to right, 因果条件 → 现象 →
  情境 / 中介条件 → 行动策略 → 结果: each category the researcher gave a role
  (:mod:`zhagen.coding.model_layout`) is a box in its role's group; arrows join the groups.

Positions are in the web page's pixels (origin top left, y down), so the boxes the
researcher drags in the workbench are where the figure draws them: :func:`model_layout`
places every box, then moves those with a kept position.

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
from typing import Any

__all__ = ["BOX_H", "HEAD", "PAD", "COLUMNS", "FLOWS", "text_width", "model_layout", "group_rects"]

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
