"""Coding: codes, codings, memos, relations, the storyline, undo and redo.

Every function is one or two :class:`zhagen.Project` calls; each edit is its own
transaction in the engine and so saved at once. ``coder`` is the caller's coder name;
``blind`` (blind coding) limits what a caller sees and may change to their own work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.web.errors import WebError
from zhagen.web.services import code_row, not_found, records

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.project import Project

__all__ = [
    "codes",
    "resolve_or_create",
    "add_codings",
    "coding",
    "uncode",
    "recode",
    "code_codings",
    "create_code",
    "update_code",
    "move_code",
    "merge_codes",
    "move_codes",
    "promote_code",
    "in_vivo",
    "delete_code",
    "memos",
    "relations",
    "vocabulary",
]

CODE_COLUMNS = ["id", "name", "parent", "level", "level_name", "description", "color",
                "count", "total", "depth", "path", "position"]  # fmt: skip


def codes(p: Project, *, coder: str | None) -> list[dict[str, Any]]:
    """Every code in tree order with its counts (``coder``'s codings only when given)."""
    return records(p.codes(coder=coder), CODE_COLUMNS)


def vocabulary() -> dict[str, Any]:
    """Levels, relation types and memo targets, for the forms."""
    from zhagen.project import Codes, Memos, Relations

    return {
        "levels": [{"level": k, "zh": zh, "en": en} for k, (zh, en) in Codes.LEVELS.items()],
        "relation_types": list(Relations.TYPES),
        "memo_targets": list(Memos.TARGETS),
        "memo_types": [{"type": k, "zh": zh, "en": en} for k, (zh, en) in Memos.TYPES.items()],
        "palette": list(Codes.palette()),
    }


def resolve_or_create(p: Project, body: dict[str, Any], actor: Actor) -> tuple[int, bool]:
    """The code a request names: ``code`` (id) or ``new_code`` ({name, parent, level}).

    A new code whose name already exists at that place is that code, not an error.
    """
    if body.get("code") is not None:
        return int(code_row(p, int(body["code"]))["id"]), False
    new = body.get("new_code") or {}
    name = str(new.get("name") or "").strip()
    if not name:
        raise WebError(400, "parameter", "请选择或输入一个编码", "choose or type a code")
    parent = new.get("parent")
    parent = None if parent is None else int(parent)
    return p.codes.find_or_add(name, parent=parent, level=new.get("level"), actor=actor)


def add_codings(p: Project, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """Code a span (``start``, ``end``) or sentences (``sentences``: indexes) of a document.

    A missing document, then a missing code, is a 404. With an existing code (``code``)
    the edit itself finds them (it reads both), and only when it is refused are they
    looked up for the 404: two queries fewer for every coding (issue 18).
    """
    doc = int(body["document"])
    if body.get("code") is not None:
        code_id = int(body["code"])
        try:
            ids = _code(p, doc, code_id, body, actor.name)
        except ParameterError:
            if not p.documents.exists(doc):
                raise not_found("文档", "document", doc) from None
            code_row(p, code_id)  # a 404 when there is no such code
            raise
        return {"ids": ids, "code": code_id, "created_code": False}
    if not p.documents.exists(doc):  # before a new code is created for nothing
        raise not_found("文档", "document", doc)
    code_id, created = resolve_or_create(p, body, actor)
    return {"ids": _code(p, doc, code_id, body, actor.name), "code": code_id,
            "created_code": created}  # fmt: skip


def _code(p: Project, doc: int, code_id: int, body: dict[str, Any], coder: str) -> list[int]:
    if body.get("sentences") is not None:
        return p.codings.add_sentences(
            doc, [int(i) for i in body["sentences"]], code_id, coder=coder
        )
    return [p.codings.add(doc, int(body["start"]), int(body["end"]), code_id, coder=coder)]


def in_vivo(p: Project, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """In-vivo coding of ``[start, end)`` of ``document`` (under ``parent`` if given)."""
    doc = int(body["document"])
    if not p.documents.exists(doc):
        raise not_found("文档", "document", doc)
    if body.get("parent") is not None:
        code_row(p, int(body["parent"]))
    coding_id, code_id, created = p.codings.in_vivo(
        doc, int(body["start"]), int(body["end"]), parent=body.get("parent"), actor=actor
    )
    return {"ids": [coding_id], "code": code_id, "created_code": created}


def coding(p: Project, coding_id: int, *, actor: Actor, chars: int) -> dict[str, Any]:
    """One coding with context; a missing or (coding blind) hidden one is the same 404."""
    p.codings.check(coding_id, "read", actor)
    return records(p.codings.context(int(coding_id), chars=chars))[0]


def uncode(p: Project, coding_id: int, *, actor: Actor) -> None:
    p.codings.delete(int(coding_id), actor=actor)


def recode(p: Project, coding_id: int, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    p.codings.check(coding_id, "change", actor)  # before a new code is created for nothing
    code_id, created = resolve_or_create(p, body, actor)
    p.codings.recode(int(coding_id), code_id, actor=actor)
    return {"id": int(coding_id), "code": code_id, "created_code": created}


def code_codings(
    p: Project, code_id: int, *, coder: str | None, chars: int, descendants: bool, limit: int
) -> dict[str, Any]:
    """A code's codings with context, for reading them together."""
    code_row(p, code_id)
    df = p.codings.context(
        code=int(code_id), coder=coder, chars=chars, with_descendants=descendants
    )
    cols = ["id", "document", "start", "end", "code", "code_name", "coder", "text", "before",
            "after"]  # fmt: skip
    return {"total": len(df), "codings": records(df.head(limit), cols)}


def create_code(p: Project, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    parent = body.get("parent")
    cid = p.codes.add(
        str(body.get("name") or ""),
        parent=None if parent is None else int(parent),
        level=body.get("level"),
        description=str(body.get("description") or ""),
        color=body.get("color") or None,
        actor=actor,
    )
    return {"id": cid}


def update_code(p: Project, code_id: int, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """Rename, recolour, describe and/or re-level a code (one undoable edit each)."""
    row = code_row(p, code_id)
    if body.get("name") is not None and body["name"] != row["name"]:
        p.codes.rename(code_id, str(body["name"]), actor=actor)
    if body.get("color") is not None and body["color"] != row["color"]:
        p.codes.color(code_id, str(body["color"]), actor=actor)
    if body.get("description") is not None and body["description"] != row["description"]:
        p.codes.describe(code_id, str(body["description"]), actor=actor)
    if body.get("level") is not None and body["level"] != row["level"]:
        p.codes.set_level(code_id, body["level"], actor=actor)  # 1-4 or "none"; checked there
    return {"id": code_id}


def move_code(p: Project, code_id: int, body: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    code_row(p, code_id)
    parent = body.get("parent")
    level = body.get("level")
    p.codes.move(
        code_id,
        None if parent is None else int(parent),
        level=level,  # None keeps it; 1-4 or "none" (checked by the library)
        actor=actor,
    )
    return {"id": code_id}


def merge_codes(p: Project, sources: list[int], into: int, *, actor: Actor) -> dict[str, Any]:
    for cid in [*sources, into]:
        code_row(p, cid)
    return {"id": p.codes.merge([int(s) for s in sources], int(into), actor=actor)}


def move_codes(
    p: Project, ids: list[int], parent: int | None, level: Any, *, actor: Actor
) -> dict[str, Any]:
    """Move several codes under ``parent`` (None: the top level) as one edit."""
    for cid in [*ids, *([] if parent is None else [parent])]:
        code_row(p, cid)
    return {"moved": p.codes.move_many([int(i) for i in ids], parent, level=level, actor=actor)}


def promote_code(p: Project, code_id: int, name: str | None, *, actor: Actor) -> dict[str, Any]:
    """Promote a concept to a category holding itself; the category's id."""
    code_row(p, code_id)
    return {"id": p.codes.promote(int(code_id), name=name, actor=actor)}


def delete_code(p: Project, code_id: int, *, force: bool, actor: Actor) -> dict[str, Any]:
    """Delete a code; without ``force`` a code in use is a 409 that says what it holds."""
    code_row(p, code_id)
    try:
        counts = p.codes.delete(code_id, force=force, actor=actor)
    except ParameterError as exc:
        if force:
            raise
        raise WebError(409, "in_use", exc.zh, exc.en) from None
    return {k: int(v) for k, v in counts.items()}


def memos(
    p: Project,
    target_type: str | None,
    target_id: Any,
    *,
    coder: str | None,
    type: str | None = None,  # noqa: A002 - the memo's type
    q: str | None = None,
) -> list[dict[str, Any]]:
    df = p.memos(target_type, target_id, coder=coder, type=type, q=q or None)
    return records(df)


def relations(p: Project) -> list[dict[str, Any]]:
    return records(p.relations())


def relation_ids(p: Project) -> list[int]:
    return [int(i) for i in p.relations()["id"]]
