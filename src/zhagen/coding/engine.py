"""The code tree: create, rename, describe, colour, move, re-level, merge, split, delete.

Functions take an open :class:`~zhagen.store.db.Store`; each edit is one transaction with
one undoable log entry (see :mod:`zhagen.coding.history`). A ``code`` argument is an id
(``int``) or a name (``str``); a name must be unique in the project, otherwise pass the id
(``"#12"`` or ``"12"`` also mean id 12 when no code has that name).

Names are unique among siblings. The tree may be as deep as needed; a code's level
(:mod:`zhagen.coding.levels`) is an attribute set independently of its depth, possibly
none. The grounded-theory rule ``parent.level > child.level`` is not enforced here: the
tables report where it does not hold (:func:`zhagen.coding.levels.level_problems`).

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> cat = add_code(store, "政策环境", level=2)
>>> add_code(store, "财政补贴", parent=cat)  # level 1 under a level-2 category
2
>>> resolve_code(store, "财政补贴")["level"]
1
>>> sub = add_code(store, "补贴细则", parent="财政补贴")  # deeper than a concept: no level
>>> resolve_code(store, sub)["level"] is None
True
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from zhagen import access
from zhagen.coding.history import Edit, edit
from zhagen.coding.levels import NO_LEVEL, parse_level
from zhagen.coding.palette import code_color
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import model_layout as qm
from zhagen.store import notes as qn
from zhagen.store.db import Store

__all__ = [
    "CodeRef",
    "as_int",
    "code_refs",
    "resolve_code",
    "coder",
    "ensure_coder",
    "add_code",
    "find_or_add_code",
    "rename_code",
    "describe_code",
    "color_code",
    "move_code",
    "set_level",
    "merge_codes",
    "split_code",
    "delete_code",
]

#: A code given by id or by (unique) name.
CodeRef = int | str


def _label(row: Any) -> str:
    return f"「{row['name']}」（#{row['id']}）"


def _en(row: Any) -> str:
    return f"'{row['name']}' (#{row['id']})"


def as_int(value: object) -> int | None:
    """``value`` as an int if it is an integer (numpy integers too, not bool), else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def code_refs(refs: CodeRef | Iterable[CodeRef]) -> list[CodeRef]:
    """One code reference or several, as a list."""
    if isinstance(refs, str) or as_int(refs) is not None:
        return [refs]  # type: ignore[list-item]
    return list(refs)  # type: ignore[arg-type]


def resolve_code(store: Store, ref: CodeRef) -> dict[str, Any]:
    """The row of a code given by id or unique name; ParameterError when there is none."""
    if not isinstance(ref, str) and as_int(ref) is None:
        raise TypeError(f"a code is an id or a name, not {type(ref).__name__}")
    if isinstance(ref, str):
        name = ref.strip()
        ids = q.code_ids_named(store, name)
        if len(ids) == 1:
            return q.code_row(store, ids[0])  # type: ignore[return-value]
        if len(ids) > 1:
            listed = ", ".join(f"#{i}" for i in ids)
            raise ParameterError(
                f"有 {len(ids)} 个编码都叫「{name}」（{listed}）；请用编号指定",
                f"{len(ids)} codes are named '{name}' ({listed}); give the id instead",
            )
        if not re.fullmatch(r"#?\d+", name):
            raise ParameterError(
                f"没有名为「{name}」的编码；用 codes() 或 zhagen code list 查看已有编码",
                f"no code named '{name}'; list codes with codes() or `zhagen code list`",
            )
        ref = int(name.lstrip("#"))
    ref = as_int(ref)
    row = q.code_row(store, ref)  # type: ignore[arg-type]
    if row is None:
        raise ParameterError(
            f"没有编号为 {int(ref)} 的编码；用 codes() 或 zhagen code list 查看编号",
            f"no code with id {int(ref)}; list codes with codes() or `zhagen code list`",
        )
    return row


def ensure_coder(store: Store, name: str) -> int:
    """The id of coder ``name``, created (and logged) if new, in the caller's transaction."""
    name = str(name).strip()
    if not name:
        raise ParameterError("编码员名称不能为空", "a coder name cannot be empty")
    found = q.coder_id(store, name)
    if found is None:
        found = q.insert_coder(store, name)
        store.log("coder.add", {"id": found, "name": name}, actor=name)
    return found


def coder(store: Store, name: str) -> int:
    """The id of coder ``name``, created on first use (logged, not undoable)."""
    with store.transaction():
        return ensure_coder(store, name)


def _name(name: str) -> str:
    clean = str(name).strip()
    if not clean:
        raise ParameterError("编码名称不能为空", "a code name cannot be empty")
    return clean


def _check_sibling(store: Store, parent_id: int | None, name: str, *, self_id: int = 0) -> None:
    other = q.sibling_named(store, parent_id, name)
    if other is not None and other != self_id:
        where_zh = "顶层" if parent_id is None else f"编码 #{parent_id} 下"
        where_en = "at the top level" if parent_id is None else f"under code #{parent_id}"
        raise ParameterError(
            f"{where_zh}已有名为「{name}」的编码（#{other}）；同一位置不能重名：换一个名称，"
            "或合并它们（zhagen code merge / codes.merge）",
            f"a code named '{name}' (#{other}) already exists {where_en}; two codes in one "
            "place cannot share a name: choose another name or merge them (`zhagen code "
            "merge`, codes.merge)",
        )


def _check_unique(store: Store, name: str) -> None:
    """Refuse a name another code has anywhere in the tree (codes are referred to by name)."""
    ids = q.code_ids_named(store, name)
    if not ids:
        return
    listed = "、".join(f"#{i}" for i in ids)
    listed_en = ", ".join(f"#{i}" for i in ids)
    raise ParameterError(
        f"已有名为「{name}」的编码（{listed}）；重名会使按名称引用编码的命令无法区分它们。"
        f"请换一个名称、直接用已有编码（{listed}），或确需重名时加 --allow-duplicate"
        "（API：allow_duplicate=True）",
        f"a code named '{name}' already exists ({listed_en}); a second one would make every "
        f"command that names a code ambiguous. Choose another name, use the existing code "
        f"({listed_en}), or add --allow-duplicate (API: allow_duplicate=True) if you mean it",
    )


def _color(store: Store, color: str | None) -> str:
    if color is None:
        return code_color(q.count_codes(store))
    text = str(color).strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(ch * 2 for ch in text[1:])
    if not re.fullmatch(r"#[0-9a-f]{6}", text):
        raise ParameterError(
            f"颜色「{color}」无效；请用 #rrggbb 形式，例如 #4e79a7",
            f"colour '{color}' is not valid; use the form #rrggbb, e.g. #4e79a7",
        )
    return text


def _may_restructure(
    store: Store, by: access.Actor | None, row: Any, code_ids: Iterable[int]
) -> None:
    """Rule 3 of :mod:`~zhagen.access`, checked inside the edit's transaction so
    that no coding can slip in between the check and the change."""
    if by is None:
        return
    affects = frozenset(q.coders_touching_codes(store, code_ids))
    access.require(by, "restructure", access.Item("code", int(row["id"]), affects=affects))


def _actor(actor: str, by: access.Actor | None) -> str:
    return actor if by is None else by.name


def add_code(
    store: Store,
    name: str,
    *,
    parent: CodeRef | None = None,
    level: int | None = None,
    description: str = "",
    color: str | None = None,
    actor: str = "",
    allow_duplicate: bool = False,
) -> int:
    """Create a code at any depth; its level defaults to the parent's level − 1 (none
    under a concept or under a code without a level), or 1 at the top. Give
    ``level=NO_LEVEL`` (``0``) or ``"none"`` for a code without a level.

    A name another code already has elsewhere in the tree is refused (naming the code), as
    it would make every later reference by name ambiguous, unless ``allow_duplicate``; two
    siblings never share a name."""
    return _add_code(
        store, name, parent, level, description, color, actor, exist_ok=False,
        allow_duplicate=allow_duplicate,
    )[0]  # fmt: skip


def find_or_add_code(
    store: Store,
    name: str,
    *,
    parent: CodeRef | None = None,
    level: int | None = None,
    description: str = "",
    color: str | None = None,
    actor: str = "",
) -> tuple[int, bool]:
    """The code named ``name`` under ``parent`` (None: the top level) and whether it was
    created now: an existing code of that name there is returned as it is.

    Looking and creating are one transaction, so two writers asking for the same new code
    at once get one code, not a duplicate-name error for the second.
    """
    return _add_code(store, name, parent, level, description, color, actor, exist_ok=True)


def _default_level(parent: Any) -> int | None:
    """1 at the top, else one below the parent; none below a concept or a level-less code."""
    if parent is None:
        return 1
    plevel = parent["level"]
    return plevel - 1 if plevel is not None and plevel > 1 else None


def _add_code(
    store: Store,
    name: str,
    parent: CodeRef | None,
    level: int | None,
    description: str,
    color: str | None,
    actor: str,
    *,
    exist_ok: bool,
    allow_duplicate: bool = True,
) -> tuple[int, bool]:
    name = _name(name)
    with edit(store, "code.add", "", actor=actor) as e:
        prow = None if parent is None else resolve_code(store, parent)
        if exist_ok:
            found = q.sibling_named(store, None if prow is None else int(prow["id"]), name)
            if found is not None:
                return int(found), False
        level = _default_level(prow) if level is None else parse_level(level)
        pid = None if prow is None else int(prow["id"])
        _check_sibling(store, pid, name)
        if not allow_duplicate:
            _check_unique(store, name)
        cid = q.insert_code(
            store,
            name=name,
            parent_id=pid,
            level=level,
            color=_color(store, color),
            description=str(description),
        )
        e.created("codes", cid)
        e.payload = {"id": cid, "name": name, "parent": pid, "level": level}
        e.description = f"添加编码「{name}」 / add code '{name}'"
    return cid, True


def _update(
    store: Store, ref: CodeRef, action: str, zh: str, en: str, actor: str = "", **fields: Any
) -> None:
    with edit(store, action, "", actor=actor) as e:
        row = resolve_code(store, ref)
        e.touch("codes", [row["id"]])
        if "name" in fields:
            _check_sibling(store, row["parent_id"], fields["name"], self_id=row["id"])
        if all(row[k] == v for k, v in fields.items()):
            return
        q.update_code(store, row["id"], **fields)
        e.payload = {"id": row["id"], **fields}
        e.description = f"{zh}{_label(row)} / {en} {_en(row)}"


def rename_code(store: Store, code: CodeRef, name: str, *, actor: str = "") -> None:
    """Give a code a new name (unique among its siblings)."""
    _update(store, code, "code.rename", "重命名编码", "rename code", actor, name=_name(name))


def describe_code(store: Store, code: CodeRef, text: str, *, actor: str = "") -> None:
    """Set a code's description (its 内涵, shown in the axial coding table)."""
    _update(
        store, code, "code.describe", "修改编码说明", "describe code", actor, description=str(text)
    )


def color_code(store: Store, code: CodeRef, color: str, *, actor: str = "") -> None:
    """Set a code's colour (``#rrggbb``)."""
    _update(
        store, code, "code.color", "修改编码颜色", "colour code", actor, color=_color(store, color)
    )


def move_code(
    store: Store,
    code: CodeRef,
    new_parent: CodeRef | None,
    *,
    level: int | None = None,
    actor: str = "",
    by: access.Actor | None = None,
) -> None:
    """Move a code under ``new_parent`` (None: to the top level), optionally re-levelling it
    (``level=None`` keeps its level; ``NO_LEVEL``/``"none"`` removes it).

    A move cannot put a code under itself or one of its descendants; the depth is free and
    levels are not checked against the new parent (the tables report such problems).
    """
    with edit(store, "code.move", "", actor=_actor(actor, by)) as e:
        row = resolve_code(store, code)
        prow = None if new_parent is None else resolve_code(store, new_parent)
        new_level = row["level"] if level is None else parse_level(level)
        if prow is not None and (
            prow["id"] == row["id"] or prow["id"] in q.descendant_ids(store, row["id"])
        ):
            raise ParameterError(
                f"不能把编码{_label(row)}移到它自己或它的下级{_label(prow)}之下",
                f"cannot move code {_en(row)} under itself or its descendant {_en(prow)}",
            )
        pid = None if prow is None else int(prow["id"])
        if pid == row["parent_id"] and new_level == row["level"]:
            return
        _check_sibling(store, pid, row["name"], self_id=row["id"])
        _may_restructure(store, by, row, [row["id"], *q.descendant_ids(store, row["id"])])
        e.touch("codes", [row["id"]])
        fields: dict[str, Any] = {"level": new_level}
        if pid != row["parent_id"]:
            fields.update(parent_id=pid, position=q.next_position(store, pid))
        q.update_code(store, row["id"], **fields)
        e.payload = {"id": row["id"], "parent": pid, "level": new_level}
        e.description = f"移动编码{_label(row)} / move code {_en(row)}"


def set_level(
    store: Store,
    code: CodeRef,
    level: int | str | None,
    *,
    actor: str = "",
    by: access.Actor | None = None,
) -> None:
    """Change a code's level, independently of its depth; ``None``, ``NO_LEVEL`` or
    ``"none"`` removes it."""
    row = resolve_code(store, code)
    wanted = NO_LEVEL if level is None else level
    move_code(store, row["id"], row["parent_id"], level=wanted, actor=actor, by=by)


def _merge_codings(store: Store, e: Edit, source_ids: list[int], into: int) -> tuple[int, int]:
    """Move the sources' codings to ``into``; one coding per span and coder survives."""
    rows = q.coding_rows(store, code_ids=[*source_ids, into])
    e.touch("codings", [r["id"] for r in rows if r["code_id"] != into])
    keep: dict[tuple[int, int, int, int], Any] = {}
    for r in sorted(rows, key=lambda r: (r["code_id"] != into, r["id"])):
        keep.setdefault((r["document_id"], r["start"], r["end"], r["coder_id"]), r)
    kept_ids = {r["id"] for r in keep.values()}
    dropped = [r for r in rows if r["id"] not in kept_ids]
    # memos on a dropped duplicate follow the coding that stays
    for r in dropped:
        survivor = keep[(r["document_id"], r["start"], r["end"], r["coder_id"])]["id"]
        memo_ids = qn.memo_ids_for(store, "coding", [r["id"]])
        e.touch("memos", memo_ids)
        for mid in memo_ids:
            _retarget_memo(store, mid, "coding", survivor)
    q.delete_rows(store, "codings", [r["id"] for r in dropped])
    moved = [r["id"] for r in keep.values() if r["code_id"] != into]
    q.set_coding_code(store, moved, into)
    return len(moved), len(dropped)


def _retarget_memo(store: Store, memo_id: int, target_type: str, target_id: int) -> None:
    qn.set_memo_target(store, memo_id, target_type, target_id)


def _merge_relations(store: Store, e: Edit, source_ids: list[int], into: int) -> None:
    rel_ids = qn.relation_ids_of_codes(store, source_ids)
    e.touch("relations", rel_ids)
    gone = set(source_ids)
    existing = {
        (r["source_code_id"], r["target_code_id"], r["type"])
        for r in qn.relation_rows(store)
        if r["id"] not in rel_ids
    }
    drop = []
    for rel in q.snapshot_rows(store, "relations", rel_ids):
        src = into if rel["source_code_id"] in gone else rel["source_code_id"]
        tgt = into if rel["target_code_id"] in gone else rel["target_code_id"]
        if src == tgt or (src, tgt, rel["type"]) in existing:
            drop.append(rel["id"])
            continue
        existing.add((src, tgt, rel["type"]))
        qn.set_relation_codes(store, rel["id"], src, tgt)
    memo_ids = qn.memo_ids_for(store, "relation", drop)
    e.touch("memos", memo_ids)
    q.delete_rows(store, "memos", memo_ids)
    q.delete_rows(store, "relations", drop)


def merge_codes(
    store: Store,
    sources: CodeRef | Sequence[CodeRef],
    into: CodeRef,
    *,
    actor: str = "",
    by: access.Actor | None = None,
) -> int:
    """Merge ``sources`` into ``into``: codings, children, relations and memos follow.

    Codings of the same span by the same coder collapse into one. The source codes are
    deleted. Returns the id of ``into``.
    """
    refs = code_refs(sources)
    with edit(store, "code.merge", "", actor=_actor(actor, by)) as e:
        target = resolve_code(store, into)
        tid = int(target["id"])
        rows = {int(r["id"]): r for r in (resolve_code(store, s) for s in refs)}
        rows.pop(tid, None)
        if not rows:
            return tid
        above = set(q.ancestor_ids(store, tid))
        for sid, row in rows.items():
            if sid in above:
                raise ParameterError(
                    f"不能把上级编码{_label(row)}合并到它的下级{_label(target)}中",
                    f"cannot merge {_en(row)} into its own descendant {_en(target)}",
                )
        sids = sorted(rows)
        _may_restructure(store, by, target, sids)
        moved, collapsed = _merge_codings(store, e, sids, tid)
        children = [c for c in q.child_ids(store, sids) if c not in rows]
        e.touch("codes", [*sids, *children])
        for cid in children:
            child = q.code_row(store, cid)
            assert child is not None
            _check_sibling(store, tid, child["name"], self_id=cid)
            q.update_code(store, cid, parent_id=tid, position=q.next_position(store, tid))
        _merge_relations(store, e, sids, tid)
        memo_ids = qn.memo_ids_for(store, "code", sids)
        e.touch("memos", memo_ids)
        for mid in memo_ids:
            _retarget_memo(store, mid, "code", tid)
        box_ids = qm.box_ids_of_codes(store, sids)  # the merged codes' boxes go with them
        e.touch("model_boxes", box_ids)
        q.delete_rows(store, "model_boxes", box_ids)
        q.delete_rows(store, "codes", sids)
        names = "、".join(r["name"] for r in rows.values())
        e.payload = {"sources": sids, "into": tid, "moved": moved, "collapsed": collapsed}
        e.description = (
            f"合并编码「{names}」到{_label(target)} / merge '{names}' into {_en(target)}"
        )
    return tid


def split_code(
    store: Store,
    code: CodeRef,
    parts: Mapping[str, Iterable[int]] | Sequence[str],
    *,
    actor: str = "",
    by: access.Actor | None = None,
) -> dict[str, int]:
    """Create sibling codes (same parent and level) and move chosen codings into them.

    ``parts`` maps each new name to the ids of the codings to move (codings of ``code``);
    a plain list of names creates empty codes. Codings not listed stay. Returns
    name → new code id.
    """
    mapping = (
        {_name(n): [] for n in parts}
        if not isinstance(parts, Mapping)
        else {_name(n): [int(i) for i in ids] for n, ids in parts.items()}
    )
    with edit(store, "code.split", "", actor=_actor(actor, by)) as e:
        row = resolve_code(store, code)
        own = set(q.coding_ids_of_codes(store, [row["id"]]))
        if by is not None:
            moving = [i for ids in mapping.values() for i in ids]
            affects = frozenset(q.coders_of_codings(store, moving))
            access.require(by, "restructure", access.Item("code", row["id"], affects=affects))
        seen: set[int] = set()
        for name, ids in mapping.items():
            bad = [i for i in ids if i not in own or i in seen]
            if bad:
                raise ParameterError(
                    f"编码记录 {bad} 不属于编码{_label(row)}或被重复指定；用 codings(code=...) 查看",
                    f"codings {bad} do not belong to code {_en(row)} or are listed twice; "
                    "list them with codings(code=...)",
                )
            seen.update(ids)
            _check_sibling(store, row["parent_id"], name)
        new: dict[str, int] = {}
        for name, ids in mapping.items():
            cid = q.insert_code(
                store,
                name=name,
                parent_id=row["parent_id"],
                level=row["level"],
                color=_color(store, None),
            )
            e.created("codes", cid)
            e.touch("codings", ids)
            q.set_coding_code(store, ids, cid)
            new[name] = cid
        e.payload = {"code": row["id"], "parts": {n: mapping[n] for n in mapping}, "new": new}
        e.description = f"拆分编码{_label(row)} / split code {_en(row)}"
    return new


def delete_code(
    store: Store,
    code: CodeRef,
    *,
    force: bool = False,
    actor: str = "",
    by: access.Actor | None = None,
) -> dict[str, int]:
    """Delete a code; with ``force``, also its descendants, codings, memos and relations.

    Without ``force`` a code that has codings or children is refused with a message that
    says how many. Undoable. Returns the counts deleted.
    """
    with edit(store, "code.delete", "", actor=_actor(actor, by)) as e:
        row = resolve_code(store, code)
        ids = [int(row["id"]), *q.descendant_ids(store, row["id"])]
        coding_ids = q.coding_ids_of_codes(store, ids)
        if (coding_ids or len(ids) > 1) and not force:
            raise ParameterError(
                f"编码{_label(row)}有 {len(coding_ids)} 条编码记录和 {len(ids) - 1} 个下级编码；"
                "确认一并删除请加 force=True（命令行 --force），删除后可撤销",
                f"code {_en(row)} has {len(coding_ids)} codings and {len(ids) - 1} "
                "descendant codes; pass force=True (--force) to delete them too (undoable)",
            )
        _may_restructure(store, by, row, ids)
        rel_ids = qn.relation_ids_of_codes(store, ids)
        memo_ids = [
            *qn.memo_ids_for(store, "code", ids),
            *qn.memo_ids_for(store, "coding", coding_ids),
            *qn.memo_ids_for(store, "relation", rel_ids),
        ]
        for table, rids in (
            ("memos", memo_ids),
            ("relations", rel_ids),
            ("codings", coding_ids),
            ("model_boxes", qm.box_ids_of_codes(store, ids)),
            ("codes", ids),
        ):
            e.touch(table, rids)
            q.delete_rows(store, table, rids)
        counts = {
            "codes": len(ids),
            "codings": len(coding_ids),
            "memos": len(memo_ids),
            "relations": len(rel_ids),
        }
        e.payload = {"id": row["id"], "name": row["name"], **counts}
        e.description = f"删除编码{_label(row)} / delete code {_en(row)}"
    return counts
