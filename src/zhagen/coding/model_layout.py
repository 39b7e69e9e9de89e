"""The model figure's data: each category's role in the paradigm model and where the
researcher moved its box. Both are undoable, logged edits (actions ``model.role`` and
``model.move``) on the ``model_boxes`` rows (migration 0012).

The paradigm model of Strauss and Corbin lays axial coding out as 因果条件 → 现象 →
情境 / 中介条件 → 行动策略 → 结果; the researcher says which main category plays which
role (:data:`ROLES`), and the figure (:mod:`zhagen.report.model_figure`) places them.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding.engine import add_code
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> a = add_code(store, "政策环境", level=3)
>>> set_role(store, a, "因果条件")
>>> move_box(store, a, "paradigm", 40, 120.5)
>>> boxes(store)[a]
{'role': '因果条件', 'tree': None, 'paradigm': (40.0, 120.5)}
"""

from __future__ import annotations

from typing import Any

from zhagen.coding.engine import CodeRef, resolve_code
from zhagen.coding.history import edit
from zhagen.errors import ParameterError
from zhagen.store import model_layout as qm
from zhagen.store.db import Store

__all__ = [
    "ROLES",
    "ROLE_NAMES",
    "LAYOUTS",
    "check_layout",
    "role",
    "set_role",
    "move_box",
    "boxes",
]

#: The paradigm model's roles, in the order the figure reads left to right.
ROLES: tuple[str, ...] = ("因果条件", "现象", "情境", "中介条件", "行动策略", "结果")
#: Each role's English name.
ROLE_NAMES: dict[str, str] = {
    "因果条件": "causal conditions",
    "现象": "phenomenon",
    "情境": "context",
    "中介条件": "intervening conditions",
    "行动策略": "action strategies",
    "结果": "consequences",
}
#: The model figure's layouts: today's tree (core → main → sub-categories) and the paradigm.
LAYOUTS: tuple[str, ...] = qm.LAYOUTS


def role(value: object) -> str:
    """A paradigm role as given (Chinese or English name), checked; '' for none.

    >>> role("causal conditions"), role(" 结果 "), role("")
    ('因果条件', '结果', '')
    """
    text = str(value or "").strip()
    if not text:
        return ""
    for zh, en in ROLE_NAMES.items():
        if text in (zh, en):
            return zh
    raise ParameterError(
        f"范式模型没有「{text}」这一角色；可选：{'、'.join(ROLES)}（或留空）",
        f"the paradigm model has no role '{text}'; choose one of "
        f"{', '.join(ROLE_NAMES.values())} (or none)",
    )


def check_layout(value: object) -> str:
    """A layout's name, checked ('tree' or 'paradigm').

    >>> check_layout(" Paradigm ")
    'paradigm'
    """
    text = str(value or "").strip().lower()
    if text not in LAYOUTS:
        raise ParameterError(
            f"模型图的布局只能是 {' 或 '.join(LAYOUTS)}，不能是「{value}」",
            f"the model figure's layout is {' or '.join(LAYOUTS)}, not '{value}'",
        )
    return text


def _box(store: Store, e: Any, code_id: int) -> int:
    """The code's box row, made (inside the edit ``e``) when it has none."""
    row_id = qm.box_id(store, code_id)
    if row_id is None:
        row_id = qm.insert_box(store, code_id)
        e.created("model_boxes", row_id)
    else:
        e.touch("model_boxes", [row_id])
    return row_id


def set_role(store: Store, code: CodeRef, value: object, *, actor: str = "") -> None:
    """Give a category its role in the paradigm model ('' takes it away; undoable)."""
    new = role(value)
    with edit(store, "model.role", "", actor=actor) as e:
        row = resolve_code(store, code)
        if not new and qm.box_id(store, int(row["id"])) is None:
            return  # no role taken from a code that had none: nothing to log
        qm.update_box(store, _box(store, e, int(row["id"])), role=new)
        e.payload = {"code": row["id"], "role": new}
        e.description = (
            f"范式角色：「{row['name']}」→ {new or '无'} / paradigm role of '{row['name']}': "
            f"{ROLE_NAMES.get(new, 'none')}"
        )


def move_box(
    store: Store,
    code: CodeRef,
    layout: str,
    x: float | None,
    y: float | None,
    *,
    actor: str = "",
) -> None:
    """Keep where the researcher moved a code's box in ``layout`` (figure units, the web's
    pixels; ``None`` for both puts it back where the layout places it; undoable)."""
    lay = check_layout(layout)
    if (x is None) != (y is None):
        raise ParameterError("方框位置需要同时给出 x 和 y（或都不给）",
                             "a box position needs both x and y (or neither)")  # fmt: skip
    pos = None if x is None or y is None else (round(float(x), 1), round(float(y), 1))
    if pos is not None and not all(-1e5 < v < 1e5 for v in pos):
        raise ParameterError(f"方框位置 {pos} 超出范围", f"box position {pos} is out of range")
    with edit(store, "model.move", "", actor=actor) as e:
        row = resolve_code(store, code)
        fields = {f"{lay}_x": None if pos is None else pos[0],
                  f"{lay}_y": None if pos is None else pos[1]}  # fmt: skip
        qm.update_box(store, _box(store, e, int(row["id"])), **fields)
        e.payload = {"code": row["id"], "layout": lay, "x": fields[f"{lay}_x"],
                     "y": fields[f"{lay}_y"]}  # fmt: skip
        e.description = f"移动模型图方框「{row['name']}」/ move the box of '{row['name']}'"


def boxes(store: Store) -> dict[int, dict[str, Any]]:
    """Every code's role and moved positions: ``{code_id: {"role", "tree", "paradigm"}}``
    (a position is ``(x, y)`` or None)."""
    out: dict[int, dict[str, Any]] = {}
    for r in qm.box_rows(store):
        out[int(r["code_id"])] = {"role": r["role"]} | {
            lay: None if r[f"{lay}_x"] is None else (r[f"{lay}_x"], r[f"{lay}_y"])
            for lay in LAYOUTS
        }
    return out
