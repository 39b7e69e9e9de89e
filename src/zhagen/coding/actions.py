"""Coding-view edits that do several things yet are one undo step each: in-vivo coding (the
selected words become a concept and are coded with it), moving several codes at once, and
promoting a concept to a category that holds it.

Each function is one :func:`~zhagen.coding.history.edit` (one transaction, one log entry), so
one undo takes the whole action back.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding.history import undo
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> a, b = engine.add_code(store, "甲", level=1), engine.add_code(store, "乙", level=1)
>>> cat = promote_code(store, a)
>>> c = engine.resolve_code(store, cat)
>>> engine.resolve_code(store, a)["parent_id"] == cat, c["name"], c["level"]
(True, '甲（范畴）', 2)
>>> move_codes(store, [b], cat)
1
>>> print(undo(store))
移动 1 个编码到「甲（范畴）」下 / move 1 code(s) under '甲（范畴）'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from zhagen import access
from zhagen.coding import engine
from zhagen.coding.history import edit
from zhagen.coding.levels import parse_level
from zhagen.coding.spans import _check_span
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store.db import Store

__all__ = ["in_vivo_name", "code_in_vivo", "move_codes", "promote_code", "MAX_NAME",
           "CATEGORY_SUFFIX"]  # fmt: skip

#: The longest in-vivo code name (code points); longer selections are cut with "…".
MAX_NAME = 60
_SPACE = re.compile(r"\s+")
#: What a promoted concept's category is called by default: the concept's name and this.
CATEGORY_SUFFIX = "（范畴）"


def in_vivo_name(words: str, limit: int = MAX_NAME) -> str:
    """The code name in-vivo coding makes of the selected words: runs of white space (a line
    break inside the selection) become one space, and a long selection is cut with "…".

    >>> in_vivo_name("  “政府搭台，\\n企业唱戏”  ")
    '“政府搭台， 企业唱戏”'
    >>> in_vivo_name("一二三四五六", limit=4)
    '一二三…'
    """
    name = _SPACE.sub(" ", words).strip()
    if not name:
        raise ParameterError(
            "所选文字为空（只有空白），不能作为实境编码的名称；请选中词语后重试",
            "the selection holds only white space and cannot name an in-vivo code; select "
            "some words and try again",
        )
    return name if len(name) <= limit else name[: limit - 1] + "…"


def code_in_vivo(
    store: Store,
    doc: int,
    start: int,
    end: int,
    *,
    coder: str,
    text_of: Callable[[int], str],
    parent: engine.CodeRef | None = None,
) -> tuple[int, int, bool]:
    """Make the words ``[start, end)`` of ``doc`` an initial concept (level 1, under
    ``parent`` or at the top) and code them with it, as one edit.

    A code of that name already at that place is used as it is (not duplicated). Returns
    ``(coding id, code id, whether the code was created)``.
    """
    doc = int(doc)
    with edit(store, "coding.in_vivo", "", actor=str(coder)) as e:
        text = text_of(doc)  # raises ParameterError for an unknown document
        s, t = _check_span(doc, start, end, len(text))
        name = in_vivo_name(text[s:t])
        prow = None if parent is None else engine.resolve_code(store, parent)
        pid = None if prow is None else int(prow["id"])
        code_id = q.sibling_named(store, pid, name)
        created = code_id is None
        if code_id is None:
            code_id = q.insert_code(
                store, name=name, parent_id=pid, level=1, color=engine._color(store, None)
            )
            e.created("codes", code_id)
        coder_id = engine.ensure_coder(store, coder)
        coding = q.find_coding(store, doc, s, t, code_id, coder_id)
        if coding is None:
            coding = q.insert_coding(store, doc, s, t, code_id, coder_id)
            e.created("codings", coding)
        q.freeze_document(store, doc)
        e.payload = {"document": doc, "spans": [[s, t]], "code": code_id, "coder": coder_id,
                     "created_code": created}  # fmt: skip
        e.description = (
            f"实境编码文档 #{doc} [{s}, {t}) 为「{name}」 / in-vivo code document #{doc} "
            f"[{s}, {t}) as '{name}'"
        )
    return int(coding), int(code_id), created


def move_codes(
    store: Store,
    codes: Sequence[engine.CodeRef],
    new_parent: engine.CodeRef | None,
    *,
    level: int | str | None = None,
    by: access.Actor | None = None,
) -> int:
    """Move several codes under ``new_parent`` (None: the top level) as one edit; return
    how many moved.

    A code whose ancestor is among ``codes`` travels with that ancestor and is not moved on
    its own. A move that would put a code under itself or a descendant, a name taken at the
    new place, or (``by``) a code with another coder's work refuses the whole move.
    ``level``: as for :func:`~zhagen.coding.engine.move_code` (None keeps each level).
    """
    with edit(store, "code.move", "", actor="" if by is None else by.name) as e:
        rows = {}
        for ref in codes:
            row = engine.resolve_code(store, ref)
            rows[int(row["id"])] = row
        prow = None if new_parent is None else engine.resolve_code(store, new_parent)
        pid = None if prow is None else int(prow["id"])
        top = [r for i, r in rows.items() if not set(q.ancestor_ids(store, i)) & set(rows)]
        moved = 0
        for row in top:
            below = q.descendant_ids(store, row["id"])
            if pid is not None and (pid == row["id"] or pid in below):
                raise ParameterError(
                    f"不能把编码「{row['name']}」移到它自己或它的下级「{prow['name']}」之下",
                    f"cannot move code '{row['name']}' under itself or its descendant "
                    f"'{prow['name']}'",
                )
            new_level = row["level"] if level is None else parse_level(level)
            if pid == row["parent_id"] and new_level == row["level"]:
                continue
            engine._check_sibling(store, pid, row["name"], self_id=row["id"])
            engine._may_restructure(store, by, row, [row["id"], *below])
            e.touch("codes", [row["id"]])
            fields: dict[str, object] = {"level": new_level}
            if pid != row["parent_id"]:
                fields.update(parent_id=pid, position=q.next_position(store, pid))
            q.update_code(store, row["id"], **fields)
            moved += 1
        where = "顶层" if prow is None else f"「{prow['name']}」下"
        e.payload = {"ids": sorted(rows), "parent": pid, "moved": moved}
        where_en = "to the top level" if prow is None else f"under '{prow['name']}'"
        e.description = f"移动 {moved} 个编码到{where} / move {moved} code(s) {where_en}"
    return moved


def promote_code(
    store: Store,
    code: engine.CodeRef,
    *,
    name: str | None = None,
    by: access.Actor | None = None,
) -> int:
    """Promote a concept to a category holding itself, as one edit: a new code one level up
    (an 初始概念 makes an 初始范畴) takes the concept's place in the tree, named ``name`` or
    the concept's name + :data:`CATEGORY_SUFFIX`, and the concept moves under it with its
    codings, children and memos. Returns the new category's id.

    The category cannot take the concept's own name at the concept's old place: names are
    unique among siblings, undo and redo restore rows one by one (the two would meet at one
    place with one name), and a name would no longer name one code.

    A code at the top level (核心范畴) cannot be promoted; a code without a level makes a
    category of level 2.
    """
    with edit(store, "code.promote", "", actor="" if by is None else by.name) as e:
        row = engine.resolve_code(store, code)
        if row["level"] is not None and row["level"] >= 4:
            raise ParameterError(
                f"编码「{row['name']}」已是核心范畴（第 4 层），不能再提升",
                f"code '{row['name']}' is a core category (level 4) and cannot be promoted",
            )
        level = 2 if row["level"] is None else int(row["level"]) + 1
        label = engine._name(name if name is not None else row["name"] + CATEGORY_SUFFIX)
        engine._may_restructure(store, by, row, [row["id"], *q.descendant_ids(store, row["id"])])
        engine._check_sibling(store, row["parent_id"], label)
        e.touch("codes", [row["id"]])
        cat = q.insert_code(
            store,
            name=label,
            parent_id=row["parent_id"],
            level=level,
            color=engine._color(store, None),
            position=row["position"],
        )
        e.created("codes", cat)
        q.update_code(store, row["id"], parent_id=cat, position=0)
        e.payload = {"id": row["id"], "category": cat, "level": level}
        e.description = (
            f"提升编码「{row['name']}」为范畴「{label}」 / promote code '{row['name']}' "
            f"to category '{label}'"
        )
    return int(cat)
