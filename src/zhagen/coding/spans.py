"""Codings: code a span or sentences of a document, uncode, recode.

Offsets are Unicode code points into the document's cleaned text (``Project.text``), end
exclusive. Coding a document freezes its text (``documents.frozen = 1``; freezing is not
undone). Coding the same span with the same code by the same coder again is a no-op that
returns the existing coding's id.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding.engine import add_code
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> from zhagen.store import docs
>>> with store.transaction():
...     sid = docs.insert_source(store, path="a.txt", abspath=None, sha256=None, size=None,
...                              fmt="txt", status="ok")
...     fields = dict.fromkeys(docs.DOC_COLUMNS, "")
...     fields.update(source_id=sid, record=1, year=None, original=None, dup_key=None,
...                   body="政策支持创新。")
...     [doc] = docs.insert_documents(store, [tuple(fields.values())])
>>> code = add_code(store, "政策支持")
>>> code_span(store, doc, 0, 4, code, coder="甲", text_of=lambda d: "政策支持创新。")
1
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from zhagen import access
from zhagen.access import Actor
from zhagen.coding.engine import CodeRef, as_int, ensure_coder, resolve_code
from zhagen.coding.history import edit
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import notes as qn
from zhagen.store.db import Store

__all__ = ["code_span", "code_spans", "uncode", "recode", "resolve_coding"]

TextOf = Callable[[int], str]


def _check_span(doc: int, start: object, end: object, length: int) -> tuple[int, int]:
    s, e = as_int(start), as_int(end)
    if s is None or e is None or not 0 <= s < e <= length:
        raise ParameterError(
            f"文档 #{doc} 的片段 [{start}, {end}) 无效：该文档文本共 {length} 个字符（按 Unicode "
            f"码位计），需要 0 ≤ 起点 < 终点 ≤ {length}；请检查偏移量（终点不含）",
            f"span [{start}, {end}) of document #{doc} is not valid: its text has {length} "
            f"characters (Unicode code points), so 0 <= start < end <= {length} is needed; "
            "check the offsets (end is exclusive)",
        )
    return s, e


def code_spans(
    store: Store,
    doc: int,
    spans: Sequence[tuple[int, int]],
    code: CodeRef,
    *,
    coder: str = "default",
    text_of: TextOf,
) -> list[int]:
    """Code several spans of one document with one code, as one edit; return coding ids."""
    doc = int(doc)
    with edit(store, "coding.add", "", actor=str(coder)) as e:
        length = len(text_of(doc))  # raises ParameterError for an unknown document
        checked = [_check_span(doc, s, t, length) for s, t in spans]
        krow = resolve_code(store, code)
        cid = ensure_coder(store, coder)
        ids = []
        for start, end in checked:
            found = q.find_coding(store, doc, start, end, krow["id"], cid)
            if found is None:
                found = q.insert_coding(store, doc, start, end, krow["id"], cid)
                e.created("codings", found)
            ids.append(found)
        q.freeze_document(store, doc)
        e.payload = {"document": doc, "spans": checked, "code": krow["id"], "coder": cid}
        if len(checked) == 1:
            zh = en = f"[{checked[0][0]}, {checked[0][1]})"
        else:
            zh, en = f"{len(checked)} 处", f"{len(checked)} spans"
        e.description = (
            f"编码文档 #{doc} {zh} 为「{krow['name']}」 / code document #{doc} {en} "
            f"as '{krow['name']}'"
        )
    return ids


def code_span(
    store: Store,
    doc: int,
    start: int,
    end: int,
    code: CodeRef,
    *,
    coder: str = "default",
    text_of: TextOf,
) -> int:
    """Code ``[start, end)`` of document ``doc``; return the coding id."""
    return code_spans(store, doc, [(start, end)], code, coder=coder, text_of=text_of)[0]


def resolve_coding(store: Store, coding_id: int) -> dict[str, Any]:
    row = q.coding_row(store, int(coding_id))
    if row is None:
        raise ParameterError(
            f"没有编号为 {coding_id} 的编码记录；用 codings() 或 zhagen coding list 查看",
            f"no coding with id {coding_id}; list codings with codings() or `zhagen coding list`",
        )
    return row


def uncode(store: Store, coding_id: int, *, actor: str = "", by: Actor | None = None) -> None:
    """Remove one coding (and the memos written on it). Undoable.

    ``by``: when memos of other coders are on the coding, only the owner may remove it
    (rule 3 of :mod:`zhagen.access`: nobody's work goes with someone else's edit)."""
    with edit(store, "coding.delete", "", actor=actor if by is None else by.name) as e:
        row = resolve_coding(store, coding_id)
        memo_ids = qn.memo_ids_for(store, "coding", [row["id"]])
        if by is not None and memo_ids:
            owners = {o[0] for m in memo_ids if (o := qn.memo_owner(store, m)) and o[0]}
            affects = frozenset(owners | {str(row["coder"])})
            access.require(by, "restructure", access.Item("coding", int(row["id"]), affects=affects))
        e.touch("memos", memo_ids)
        q.delete_rows(store, "memos", memo_ids)
        e.touch("codings", [row["id"]])
        q.delete_rows(store, "codings", [row["id"]])
        e.payload = {"id": row["id"]}
        e.description = (
            f"删除编码记录 #{row['id']}（「{row['code_name']}」） / "
            f"remove coding #{row['id']} ('{row['code_name']}')"
        )


def recode(store: Store, coding_id: int, code: CodeRef, *, actor: str = "") -> None:
    """Give a coding another code (same span, same coder). Undoable."""
    with edit(store, "coding.recode", "", actor=actor) as e:
        row = resolve_coding(store, coding_id)
        krow = resolve_code(store, code)
        r = row
        if r["code_id"] == krow["id"]:
            return
        dup = q.find_coding(
            store, r["document_id"], r["start"], r["end"], krow["id"], r["coder_id"]
        )
        if dup is not None:
            raise ParameterError(
                f"编码员已用「{krow['name']}」编码过同一片段（编码记录 #{dup}）；"
                f"如需去掉 #{coding_id}，请用 uncode",
                f"the coder already coded this span as '{krow['name']}' (coding #{dup}); "
                f"remove #{coding_id} with uncode instead",
            )
        e.touch("codings", [coding_id])
        q.set_coding_code(store, [coding_id], krow["id"])
        e.payload = {"id": int(coding_id), "from": r["code_id"], "to": krow["id"]}
        e.description = f"把编码记录 #{coding_id} 改为「{krow['name']}」 / recode #{coding_id} as '{krow['name']}'"
