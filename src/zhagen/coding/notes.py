"""Memos, relations between codes, and the storyline (故事线).

A memo hangs on the project, a document, a code, a coding or a relation. A relation links
two codes with a type from the paradigm model (因果条件, 情境, 中介条件, 行动策略, 结果) or
any other text. The storyline is the project memo titled 故事线. Every edit is undoable.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding.engine import add_code
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> a, b = add_code(store, "政策环境", level=3), add_code(store, "协同创新", level=3)
>>> add_relation(store, a, b, "因果条件")
1
>>> set_storyline(store, "政策环境驱动协同创新……")
>>> storyline(store)
'政策环境驱动协同创新……'
"""

from __future__ import annotations

from typing import Any

from zhagen.coding.engine import CodeRef, ensure_coder, resolve_code
from zhagen.coding.history import edit
from zhagen.coding.levels import MEMO_TARGETS, MEMO_TYPES, STORYLINE_TITLE
from zhagen.coding.spans import resolve_coding
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import notes as qn
from zhagen.store.db import Store

__all__ = [
    "resolve_target",
    "add_memo",
    "edit_memo",
    "delete_memo",
    "resolve_memo",
    "memo_type",
    "add_relation",
    "update_relation",
    "delete_relation",
    "resolve_relation",
    "set_storyline",
    "storyline",
]


def resolve_target(store: Store, target_type: str, target_id: object) -> int | None:
    """Check a memo target exists; return its id (None for the project)."""
    if target_type not in MEMO_TARGETS:
        raise ParameterError(
            f"备忘录对象类型「{target_type}」无效；可选 {', '.join(MEMO_TARGETS)}",
            f"memo target type '{target_type}' is not valid; use one of {', '.join(MEMO_TARGETS)}",
        )
    if target_type == "project":
        return None
    if target_type == "code":
        return int(resolve_code(store, target_id)["id"])  # type: ignore[arg-type]
    if target_id is None:
        raise ParameterError(
            f"请给出备忘录所属{target_type}的编号", f"give the id of the {target_type} of the memo"
        )
    try:
        tid = int(str(target_id).lstrip("#"))
    except ValueError:
        raise ParameterError(
            f"{target_type} 的编号「{target_id}」不是整数",
            f"{target_type} id '{target_id}' is not a number",
        ) from None
    if target_type == "coding":
        resolve_coding(store, tid)
    elif target_type == "relation":
        resolve_relation(store, tid)
    elif not q.document_exists(store, tid):
        raise ParameterError(
            f"没有编号为 {tid} 的文档；用 zhagen docs 查看编号",
            f"no document with id {tid}; list ids with `zhagen docs`",
        )
    return tid


def memo_type(value: object) -> str:
    """A memo type (``code``, ``theory``, ``method``, ``reflection``, or ``""`` for none),
    by its English or Chinese name.

    >>> memo_type("理论备忘录"), memo_type(" Method "), memo_type(None)
    ('theory', 'method', '')
    """
    text = "" if value is None else str(value).strip()
    if text.lower() in MEMO_TYPES or not text:
        return text.lower()
    for key, (zh, en) in MEMO_TYPES.items():
        if text in (zh, zh.removesuffix("备忘录")) or text.lower() == en:
            return key
    names = "、".join(f"{k}（{zh}）" for k, (zh, _en) in MEMO_TYPES.items())
    raise ParameterError(
        f"备忘录类型「{text}」无效；可选 {names}，或留空",
        f"memo type '{text}' is not valid; use one of {', '.join(MEMO_TYPES)}, or none",
    )


def resolve_memo(store: Store, memo_id: int) -> dict[str, Any]:
    row = qn.memo_row(store, int(memo_id))
    if row is None:
        raise ParameterError(
            f"没有编号为 {memo_id} 的备忘录；用 memos() 或 zhagen memo list 查看",
            f"no memo with id {memo_id}; list memos with memos() or `zhagen memo list`",
        )
    return row


def add_memo(
    store: Store,
    target_type: str,
    target_id: object,
    text: str,
    *,
    title: str = "",
    coder: str | None = None,
    type: str | None = None,  # noqa: A002 - the memo's type, as the word is used
) -> int:
    """Write a memo on the project (target_id None), a document, code, coding or relation,
    of a type (:data:`zhagen.coding.levels.MEMO_TYPES`) or none."""
    kind = memo_type(type)
    if target_type == "project" and title.strip() == STORYLINE_TITLE:
        raise ParameterError(
            f"标题为「{STORYLINE_TITLE}」的项目备忘录就是故事线；请用 set_storyline 修改",
            f"the project memo titled '{STORYLINE_TITLE}' is the storyline; use set_storyline",
        )
    with edit(store, "memo.add", "", actor=coder or "") as e:
        tid = resolve_target(store, target_type, target_id)
        cid = None if coder is None else ensure_coder(store, coder)
        mid = qn.insert_memo(
            store,
            target_type=target_type,
            target_id=tid,
            title=str(title),
            text=str(text),
            coder_id=cid,
            memo_type=kind,
        )
        e.created("memos", mid)
        e.payload = {"id": mid, "target_type": target_type, "target_id": tid}
        e.description = f"添加备忘录 #{mid} / add memo #{mid}"
    return mid


def edit_memo(
    store: Store,
    memo_id: int,
    *,
    text: str | None = None,
    title: str | None = None,
    type: str | None = None,  # noqa: A002 - the memo's type
    actor: str = "",
) -> None:
    """Change a memo's text, title and/or type (None keeps it; ``""`` removes the type)."""
    kind = None if type is None else memo_type(type)
    with edit(store, "memo.edit", "", actor=actor) as e:
        row = resolve_memo(store, memo_id)
        if title is not None and row["target_type"] == "project":
            if (title.strip() == STORYLINE_TITLE) != (row["title"] == STORYLINE_TITLE):
                raise ParameterError(
                    f"项目备忘录不能改名为或改名自「{STORYLINE_TITLE}」；故事线请用 set_storyline",
                    f"a project memo cannot be renamed to or from '{STORYLINE_TITLE}'; "
                    "use set_storyline for the storyline",
                )
        e.touch("memos", [row["id"]])
        qn.update_memo(store, row["id"], title=title, text=text, memo_type=kind)
        e.payload = {"id": row["id"]}
        e.description = f"修改备忘录 #{row['id']} / edit memo #{row['id']}"


def delete_memo(store: Store, memo_id: int, *, actor: str = "") -> None:
    """Delete a memo (undoable)."""
    with edit(store, "memo.delete", "", actor=actor) as e:
        row = resolve_memo(store, memo_id)
        e.touch("memos", [row["id"]])
        q.delete_rows(store, "memos", [row["id"]])
        e.payload = {"id": row["id"]}
        e.description = f"删除备忘录 #{row['id']} / delete memo #{row['id']}"


def resolve_relation(store: Store, relation_id: int) -> dict[str, Any]:
    row = qn.relation_row(store, int(relation_id))
    if row is None:
        raise ParameterError(
            f"没有编号为 {relation_id} 的关系；用 relations() 或 zhagen relation list 查看",
            f"no relation with id {relation_id}; list them with relations() or "
            "`zhagen relation list`",
        )
    return row


def _relation_type(rtype: object) -> str:
    text = str(rtype).strip()
    if not text:
        raise ParameterError(
            "关系类型不能为空；可用 因果条件、情境、中介条件、行动策略、结果 或自定义文字",
            "a relation type cannot be empty; use 因果条件, 情境, 中介条件, 行动策略, 结果 or "
            "your own text",
        )
    return text


def _check_ends(
    store: Store, src: dict[str, Any], tgt: dict[str, Any], rtype: str, *, other_than: int = 0
) -> None:
    """Two different codes without that relation yet (but for relation ``other_than``)."""
    if src["id"] == tgt["id"]:
        raise ParameterError(
            f"关系的两端不能是同一个编码「{src['name']}」",
            f"a relation needs two different codes, not '{src['name']}' twice",
        )
    for r in qn.relation_rows(store):
        same = (r["source_code_id"], r["target_code_id"], r["type"]) == (
            src["id"],
            tgt["id"],
            rtype,
        )
        if same and r["id"] != other_than:
            raise ParameterError(
                f"「{src['name']}」与「{tgt['name']}」之间已有「{rtype}」关系（#{r['id']}）",
                f"'{src['name']}' → '{tgt['name']}' already has a '{rtype}' relation (#{r['id']})",
            )


def add_relation(
    store: Store,
    source: CodeRef,
    target: CodeRef,
    type: str,
    *,
    description: str = "",  # noqa: A002
) -> int:
    """Relate two codes: ``source`` —type→ ``target``; return the relation id."""
    rtype = _relation_type(type)
    with edit(store, "relation.add", "") as e:
        src, tgt = resolve_code(store, source), resolve_code(store, target)
        _check_ends(store, src, tgt, rtype)
        rid = qn.insert_relation(store, src["id"], tgt["id"], rtype, str(description))
        e.created("relations", rid)
        e.payload = {"id": rid, "source": src["id"], "target": tgt["id"], "type": rtype}
        e.description = (
            f"添加关系「{src['name']}」—{rtype}→「{tgt['name']}」 / add relation "
            f"'{src['name']}' -{rtype}-> '{tgt['name']}'"
        )
    return rid


def update_relation(
    store: Store,
    relation_id: int,
    *,
    source: CodeRef | None = None,
    target: CodeRef | None = None,
    type: str | None = None,  # noqa: A002 - the relation's type, as in REFI-QDA
    description: str | None = None,
    actor: str = "",
) -> None:
    """Change a relation's ends, type and/or description (None keeps it; undoable).

    >>> import tempfile, os
    >>> from zhagen.store.db import Store
    >>> from zhagen.coding.engine import add_code
    >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
    >>> a, b, c = (add_code(store, n, level=3) for n in ("政策", "协同", "绩效"))
    >>> rid = add_relation(store, a, b, "因果条件")
    >>> update_relation(store, rid, target=c, type="结果", description="长期")
    >>> r = qn.relation_row(store, rid)
    >>> r["target_name"], r["type"], r["description"]
    ('绩效', '结果', '长期')
    """
    with edit(store, "relation.edit", "", actor=actor) as e:
        row = resolve_relation(store, relation_id)
        src = resolve_code(store, row["source_code_id"] if source is None else source)
        tgt = resolve_code(store, row["target_code_id"] if target is None else target)
        rtype = row["type"] if type is None else _relation_type(type)
        _check_ends(store, src, tgt, rtype, other_than=row["id"])
        text = row["description"] if description is None else str(description)
        e.touch("relations", [row["id"]])
        qn.update_relation(store, row["id"], src["id"], tgt["id"], rtype, text)
        e.payload = {"id": row["id"], "source": src["id"], "target": tgt["id"], "type": rtype}
        e.description = (
            f"修改关系 #{row['id']}「{src['name']}」—{rtype}→「{tgt['name']}」 / edit relation "
            f"#{row['id']} '{src['name']}' -{rtype}-> '{tgt['name']}'"
        )


def delete_relation(store: Store, relation_id: int, *, actor: str = "") -> None:
    """Delete a relation and the memos on it (undoable)."""
    with edit(store, "relation.delete", "", actor=actor) as e:
        row = resolve_relation(store, relation_id)
        memo_ids = qn.memo_ids_for(store, "relation", [row["id"]])
        e.touch("memos", memo_ids)
        q.delete_rows(store, "memos", memo_ids)
        e.touch("relations", [row["id"]])
        q.delete_rows(store, "relations", [row["id"]])
        e.payload = {"id": row["id"]}
        e.description = f"删除关系 #{row['id']} / delete relation #{row['id']}"


def set_storyline(store: Store, text: str, *, coder: str | None = None) -> None:
    """Write (or replace) the storyline of the selective coding (undoable)."""
    with edit(store, "storyline.set", "修改故事线 / set the storyline", actor=coder or "") as e:
        mid = qn.storyline_id(store, STORYLINE_TITLE)
        if mid is None:
            cid = None if coder is None else ensure_coder(store, coder)
            mid = qn.insert_memo(
                store,
                target_type="project",
                target_id=None,
                title=STORYLINE_TITLE,
                text=str(text),
                coder_id=cid,
            )
            e.created("memos", mid)
        else:
            e.touch("memos", [mid])
            qn.update_memo(store, mid, title=None, text=str(text))
        e.payload = {"memo": mid}


def storyline(store: Store) -> str:
    """The storyline text ('' when none was written)."""
    mid = qn.storyline_id(store, STORYLINE_TITLE)
    if mid is None:
        return ""
    row = qn.memo_row(store, mid)
    return "" if row is None else str(row["text"])
