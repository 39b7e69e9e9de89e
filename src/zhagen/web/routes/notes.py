"""Memos, relations between categories, and the storyline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel, Field

from zhagen.project import Project
from zhagen.web.errors import WebError
from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, actor_of, api_router, workbench
from zhagen.web.services import coding as svc

router = api_router()
TARGETS = "^(project|document|code|coding|relation)$"


TYPES = "^(|code|theory|method|reflection)$"
#: A filter: a type, or ``none`` for the memos without one.
TYPE_FILTER = "^(none|code|theory|method|reflection)$"


class NewMemo(BaseModel):
    target_type: str = Field(pattern=TARGETS)
    target_id: int | None = None
    text: str = Field(max_length=200_000)
    title: str = Field(default="", max_length=500)
    type: str = Field(default="", pattern=TYPES)


class MemoChange(BaseModel):
    text: str | None = Field(default=None, max_length=200_000)
    title: str | None = Field(default=None, max_length=500)
    type: str | None = Field(default=None, pattern=TYPES)


class NewRelation(BaseModel):
    source: int
    target: int
    type: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)


class RelationChange(BaseModel):
    source: int | None = None
    target: int | None = None
    type: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)


class Storyline(BaseModel):
    text: str = Field(max_length=500_000)


@router.get("/memos")
def memos(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    target_type: str | None = None,
    target_id: int | None = None,
    type: Annotated[str | None, Query(pattern=TYPE_FILTER)] = None,  # noqa: A002
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Memos (of a target, a type, holding ``q`` in title or text), with what each is
    about (``target_name``; ``document``, ``start``, ``end`` of a coding memo)."""
    return svc.memos(
        p, target_type, target_id, coder=workbench(request).view_coder(p, s),
        type="" if type == "none" else type, q=q,
    )  # fmt: skip


@router.post("/memos")
def add_memo(body: NewMemo, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    mid = p.memos.add(body.target_type, body.target_id, body.text, title=body.title,
                      coder=s.coder, type=body.type)  # fmt: skip
    return {"id": mid}


@router.patch("/memos/{memo_id}")
def edit_memo(
    memo_id: int,
    body: MemoChange,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    p.memos.edit(memo_id, text=body.text, title=body.title, type=body.type,
                 actor=actor_of(request, s))  # fmt: skip
    return {"id": memo_id}


@router.delete("/memos/{memo_id}")
def delete_memo(
    memo_id: int,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    p.memos.delete(memo_id, actor=actor_of(request, s))
    return {"ok": True}


@router.get("/relations")
def relations(p: ProjectDep) -> list[dict[str, Any]]:
    return svc.relations(p)


@router.post("/relations")
def add_relation(body: NewRelation, p: ProjectDep, _s: CoderDep) -> dict[str, Any]:
    rid = p.relations.add(body.source, body.target, body.type, description=body.description)
    return {"id": rid}


def _relation_or_404(p: Project, relation_id: int) -> None:
    if relation_id not in set(svc.relation_ids(p)):
        raise WebError(
            404,
            "not_found",
            f"没有编号为 {relation_id} 的关系",
            f"no relation with id {relation_id}",
        )


@router.patch("/relations/{relation_id}")
def edit_relation(
    relation_id: int, body: RelationChange, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    """Change a relation's ends, type and/or description (one undoable edit)."""
    _relation_or_404(p, relation_id)
    p.relations.update(relation_id, **body.model_dump(), actor=actor_of(request, s))
    return {"id": relation_id}


@router.delete("/relations/{relation_id}")
def delete_relation(
    relation_id: int, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    _relation_or_404(p, relation_id)
    p.relations.delete(relation_id, actor=actor_of(request, s))
    return {"ok": True}


@router.get("/storyline")
def storyline(p: ProjectDep) -> dict[str, str]:
    return {"text": p.relations.storyline()}


@router.put("/storyline")
def set_storyline(body: Storyline, p: ProjectDep, _s: CoderDep) -> dict[str, str]:
    p.relations.set_storyline(body.text)
    return {"text": p.relations.storyline()}


# -- the model figure: layout, paradigm roles, moved boxes ---------------------------------
LAYOUT = "^(tree|paradigm)$"


class BoxMove(BaseModel):
    layout: str = Field(pattern=LAYOUT)
    x: float | None = Field(default=None, ge=-1e5, le=1e5)
    y: float | None = Field(default=None, ge=-1e5, le=1e5)


class BoxRole(BaseModel):
    role: str = Field(default="", max_length=50)


@router.get("/model")
def model(p: ProjectDep, layout: Annotated[str, Query(pattern=LAYOUT)] = "tree") -> dict[str, Any]:
    """The model figure's boxes in a layout, and the paradigm's roles (zh, en)."""
    from zhagen.project import Relations

    return {
        **p.relations.model(layout),
        "roles": [[r, Relations.ROLE_NAMES[r]] for r in Relations.ROLES],
    }


@router.put("/model/boxes/{code_id}")
def move_box(
    code_id: int, body: BoxMove, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    """Keep where a box was dragged (one undoable edit); no x and y put it back."""
    p.relations.move_box(code_id, body.layout, body.x, body.y, actor=actor_of(request, s))
    return {"id": code_id}


@router.put("/model/roles/{code_id}")
def set_role(
    code_id: int, body: BoxRole, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    """A category's role in the paradigm model ('' for none; one undoable edit)."""
    p.relations.set_role(code_id, body.role, actor=actor_of(request, s))
    return {"id": code_id}
