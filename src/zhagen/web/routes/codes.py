"""The code tree: list, create, rename/recolour/describe/re-level, move, merge, delete, and
a code's codings in context."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field

from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, actor_of, api_router, workbench
from zhagen.web.services import coding as svc

router = api_router()
#: 1-4, or "none" for a code without a level (the level is not tied to the depth)
Level = Annotated[int, Field(ge=1, le=4)] | Literal["none"] | None
COLOR = r"^#[0-9a-fA-F]{6}$"


class NewCode(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    parent: int | None = None
    level: Level = None
    description: str = Field(default="", max_length=20_000)
    color: str | None = Field(default=None, pattern=COLOR)


class CodeChange(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    color: str | None = Field(default=None, pattern=COLOR)
    description: str | None = Field(default=None, max_length=20_000)
    level: Level = None


class Move(BaseModel):
    parent: int | None = None
    level: Level = None


class MoveMany(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=1000)
    parent: int | None = None
    level: Level = None


class Promote(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)


class Merge(BaseModel):
    sources: list[int] = Field(min_length=1, max_length=1000)
    into: int


@router.get("/codes")
def codes(request: Request, p: ProjectDep, s: SessionDep) -> list[dict[str, Any]]:
    """Every code in tree order with counts (my codings only in blind mode)."""
    return svc.codes(p, coder=workbench(request).view_coder(p, s))


@router.post("/codes")
def create_code(body: NewCode, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    return svc.create_code(p, body.model_dump(), actor=actor_of(request, s))


@router.patch("/codes/{code_id}")
def update_code(
    code_id: int,
    body: CodeChange,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    """Rename, recolour, describe (内涵) and/or re-level a code."""
    return svc.update_code(p, code_id, body.model_dump(), actor=actor_of(request, s))


@router.post("/codes/{code_id}/move")
def move_code(
    code_id: int,
    body: Move,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    """Move a code under another (``parent`` null: to the top level); a coder only where
    every coding under it is theirs."""
    return svc.move_code(p, code_id, body.model_dump(), actor=actor_of(request, s))


@router.post("/codes/move")
def move_codes(body: MoveMany, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Move several codes under ``parent`` (null: the top level) as one undoable edit."""
    return svc.move_codes(p, body.ids, body.parent, body.level, actor=actor_of(request, s))


@router.post("/codes/{code_id}/promote")
def promote_code(
    code_id: int, body: Promote, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    """Promote a concept to a category holding itself (one undoable edit)."""
    return svc.promote_code(p, code_id, body.name, actor=actor_of(request, s))


@router.post("/codes/merge")
def merge_codes(body: Merge, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Merge codes; a coder only where every affected coding and memo is theirs."""
    return svc.merge_codes(p, body.sources, body.into, actor=actor_of(request, s))


@router.delete("/codes/{code_id}")
def delete_code(
    code_id: int,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
    force: bool = False,
) -> dict[str, Any]:
    """Delete a code; a code with codings or children needs ``force=true`` (else 409), and
    a coder may force it only where every affected coding and memo is theirs."""
    return svc.delete_code(p, code_id, force=force, actor=actor_of(request, s))


@router.get("/codes/{code_id}/codings")
def code_codings(
    code_id: int,
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    chars: int = 40,
    descendants: bool = False,
    limit: int = 500,
) -> dict[str, Any]:
    """A code's codings with ``chars`` characters of context each side."""
    return svc.code_codings(
        p,
        code_id,
        coder=workbench(request).view_coder(p, s),
        chars=max(0, min(chars, 500)),
        descendants=descendants,
        limit=max(1, min(limit, 5000)),
    )
