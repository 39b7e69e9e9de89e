"""The routes, one module per area. Each route parses its request, borrows the project,
calls one service function and returns JSON (or a page, or a file).

Every ``/api`` router but the login one carries :func:`zhagen.web.auth.csrf_guard`, so no
state-changing API call escapes the session and CSRF checks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from zhagen.project import Project
from zhagen.web.auth import Session, current_session, require

if TYPE_CHECKING:
    from zhagen.web.app import Workbench

__all__ = ["register_routes", "api_router", "workbench", "project", "ProjectDep", "SessionDep",
           "CoderDep", "OwnerDep", "ViewerDep"]  # fmt: skip


def workbench(request: Request) -> Workbench:
    return request.app.state.workbench


async def project(request: Request) -> AsyncIterator[Project]:
    """Dependency: an open project borrowed from the pool for this request (waiting for
    one, or opening one, happens in a worker thread; a free one is taken at once)."""
    from starlette.concurrency import run_in_threadpool

    pool = workbench(request).pool
    p = pool.try_borrow()
    if p is None:
        p = await run_in_threadpool(pool.borrow)
    try:
        yield p
    finally:
        pool.give_back(p)


#: Parameter types of the routes: the borrowed project and the caller's session (of a role).
ProjectDep = Annotated[Project, Depends(project)]
SessionDep = Annotated[Session, Depends(current_session)]
ViewerDep = Annotated[Session, Depends(require("viewer"))]
CoderDep = Annotated[Session, Depends(require("coder"))]
OwnerDep = Annotated[Session, Depends(require("owner"))]


def api_router() -> APIRouter:
    """A router whose every route needs a session and, to change anything, the CSRF token."""
    from zhagen.web.auth import csrf_guard

    return APIRouter(prefix="/api", dependencies=[Depends(csrf_guard)])


def register_routes(app: FastAPI) -> None:
    from zhagen.web.routes import codes, coding, documents, maps, notes, pages, reports, session

    app.include_router(session.public)
    for module in (session, documents, coding, codes, notes, reports, maps):
        app.include_router(module.router)
    app.include_router(maps.files)
    app.include_router(pages.router)
