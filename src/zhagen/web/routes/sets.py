"""Sets of documents and the scope of an analysis: ``/api/sets`` and ``/api/scope``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel, Field

from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, actor_of, api_router
from zhagen.web.services import sets as svc

router = api_router()


class NewSet(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    query: str | None = Field(default=None, max_length=2000)
    doc_ids: list[int] | None = Field(default=None, max_length=1_000_000)
    #: the document list's filters: the set of every document they show now
    filters: dict[str, Any] | None = None
    description: str = Field(default="", max_length=20_000)


class Members(BaseModel):
    doc_ids: list[int] = Field(max_length=1_000_000)


@router.get("/sets")
def list_sets(request: Request, p: ProjectDep, s: SessionDep) -> list[dict[str, Any]]:
    return svc.list_sets(p, actor_of(request, s))


@router.post("/sets")
def create_set(body: NewSet, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    return svc.create_set(
        p, body.name, query=body.query, doc_ids=body.doc_ids, filters=body.filters,
        description=body.description, actor=actor_of(request, s),
    )  # fmt: skip


@router.post("/sets/{name}/add")
def add_members(
    name: str, body: Members, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    return svc.change_members(p, name, body.doc_ids, add=True, actor=actor_of(request, s))


@router.post("/sets/{name}/remove")
def remove_members(
    name: str, body: Members, request: Request, p: ProjectDep, s: CoderDep
) -> dict[str, Any]:
    return svc.change_members(p, name, body.doc_ids, add=False, actor=actor_of(request, s))


@router.delete("/sets/{name}")
def delete_set(name: str, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    return svc.delete_set(p, name, actor_of(request, s))


@router.get("/scope")
def scope(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    q: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    """How many documents a scope query selects (``q`` empty: every document)."""
    return svc.scope_info(p, q, actor_of(request, s))
