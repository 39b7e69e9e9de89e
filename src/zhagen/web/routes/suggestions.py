"""Suggestions: the queue across documents (best first, in a scope), a document's open
suggestions (the ghost stripes), accept or reject one as me, bulk acceptance above a score
(once an evaluation exists) and the open-coding proposals to adopt as codes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel, Field

from zhagen.web.routes import (
    CoderDep,
    ProjectDep,
    SessionDep,
    actor_of,
    analysis_query,
    api_router,
)
from zhagen.web.services import suggestions as svc

router = api_router()
#: The queue's fields, made from ``QueueParams`` (minimum score, scope).
QueueQuery = Annotated[dict[str, Any], analysis_query("suggestions", also=("limit",))]
ScopeField = Field(default=None, max_length=2000)


class Threshold(BaseModel):
    """Bulk acceptance: every open top-1 suggestion scoring at least ``score`` (in ``scope``)."""

    score: float = Field(ge=0.0, le=1.0)
    scope: str | None = ScopeField


class Adopt(BaseModel):
    """Adopt a proposed new code ``name`` (its open suggestions in ``scope``)."""

    name: str = Field(min_length=1, max_length=200)
    scope: str | None = ScopeField


@router.get("/suggestions")
def suggestions(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    values: QueueQuery,
    limit: Annotated[int, Query(ge=0, le=2000)] = 200,
) -> dict[str, Any]:
    """Open suggestions sorted by score across documents, and the newest evaluation."""
    return svc.queue(p, actor_of(request, s), limit=limit, **values)


@router.get("/documents/{doc_id}/suggestions")
def document_suggestions(
    doc_id: int, request: Request, p: ProjectDep, s: SessionDep
) -> dict[str, Any]:
    """The open suggestions on one document, in text order (the ghost stripes)."""
    return svc.of_document(p, actor_of(request, s), doc_id)


@router.get("/suggestions/proposals")
def proposals(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    scope: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    """The open-coding proposals of a model: new code names, with their quotes."""
    return svc.proposals(p, actor_of(request, s), scope=scope or None)


@router.post("/suggestions/accept_above")
def accept_above(body: Threshold, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Accept every open top-1 suggestion scoring at least ``score`` as my codings (one undo
    step); refused (400) until an evaluation exists."""
    return svc.accept_above(p, actor_of(request, s), body.score, scope=body.scope or None)


@router.post("/suggestions/adopt")
def adopt(body: Adopt, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Adopt a proposed code: create it (or use the code of that name) and accept its open
    suggestions as my codings (one undo step)."""
    return svc.adopt(p, actor_of(request, s), body.name, scope=body.scope or None)


@router.post("/suggestions/{suggestion_id}/accept")
def accept(suggestion_id: int, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Accept a suggestion: a coding by me (one undo step)."""
    return {"coding": p.suggestions.accept(suggestion_id, actor=actor_of(request, s))}


@router.post("/suggestions/{suggestion_id}/reject")
def reject(suggestion_id: int, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Reject a suggestion (remembered: never suggested again for that sentence and code)."""
    p.suggestions.reject(suggestion_id, actor=actor_of(request, s))
    return {"rejected": suggestion_id}
