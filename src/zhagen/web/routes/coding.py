"""Codings: code a span or sentences (with an existing code or a new one), remove, re-code."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field

from zhagen.web.routes import CoderDep, ProjectDep, ViewerDep, actor_of, api_router
from zhagen.web.services import coding as svc

router = api_router()
#: 1-4, or "none" for a code without a level (the level is not tied to the depth)
Level = Annotated[int, Field(ge=1, le=4)] | Literal["none"] | None


class NewCode(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    parent: int | None = None
    level: Level = None


class CodeChoice(BaseModel):
    """An existing code (``code``) or one to create (``new_code``)."""

    code: int | None = None
    new_code: NewCode | None = None


class NewCoding(CodeChoice):
    document: int
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    sentences: list[int] | None = Field(default=None, max_length=10_000)


class InVivo(BaseModel):
    document: int
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    parent: int | None = None


def _body(model: BaseModel) -> dict[str, Any]:
    return model.model_dump()


@router.post("/codings")
def add_coding(body: NewCoding, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Code ``[start, end)`` (code points) or ``sentences`` of a document as me."""
    if body.sentences is None and (body.start is None or body.end is None):
        from zhagen.web.errors import WebError

        raise WebError(
            400,
            "parameter",
            "请给出 start 和 end，或 sentences",
            "give start and end, or sentences",
        )
    return svc.add_codings(p, _body(body), actor=actor_of(request, s))


@router.post("/codings/in_vivo")
def in_vivo(body: InVivo, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """In-vivo coding: the words ``[start, end)`` become an initial concept and are coded
    with it, as one undoable edit."""
    return svc.in_vivo(p, _body(body), actor=actor_of(request, s))


@router.delete("/codings/{coding_id}")
def delete_coding(coding_id: int, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Remove a coding (mine; the owner may remove anyone's; coding blind, another
    coder's is not found, as for GET)."""
    svc.uncode(p, coding_id, actor=actor_of(request, s))
    return {"ok": True}


@router.patch("/codings/{coding_id}")
def recode(
    coding_id: int,
    body: CodeChoice,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    """Give a coding another code."""
    return svc.recode(p, coding_id, _body(body), actor=actor_of(request, s))


@router.get("/codings/{coding_id}")
def coding(
    coding_id: int,
    request: Request,
    p: ProjectDep,
    s: ViewerDep,
    chars: int = 60,
) -> dict[str, Any]:
    """One coding with context (another coder's is hidden in blind mode)."""
    return svc.coding(p, coding_id, actor=actor_of(request, s), chars=max(0, min(chars, 500)))
