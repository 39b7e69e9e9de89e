"""The suggestion queue: list the open suggestions, accept or reject one as me."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, actor_of, api_router
from zhagen.web.services import suggestions as svc

router = api_router()


@router.get("/suggestions")
def suggestions(
    request: Request, p: ProjectDep, s: SessionDep, min_score: float = 0.0, limit: int = 200
) -> dict[str, Any]:
    return svc.queue(p, actor_of(request, s), min_score=min_score, limit=min(limit, 2000))


@router.post("/suggestions/{suggestion_id}/accept")
def accept(suggestion_id: int, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Accept a suggestion: a coding by me (one undo step)."""
    return {"coding": p.suggestions.accept(suggestion_id, actor=actor_of(request, s))}


@router.post("/suggestions/{suggestion_id}/reject")
def reject(suggestion_id: int, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Reject a suggestion (remembered: never suggested again for that sentence and code)."""
    p.suggestions.reject(suggestion_id, actor=actor_of(request, s))
    return {"rejected": suggestion_id}
