"""The routes, one module per area. Each route parses its request, borrows the project,
calls one service function and returns JSON (or a page, or a file).

Every ``/api`` router but the login one carries :func:`zhagen.web.auth.csrf_guard`, so no
state-changing API call escapes the session and CSRF checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI, Request

    from zhagen.project import Project
    from zhagen.web.app import Workbench

__all__ = ["register_routes", "api_router", "workbench", "project"]


def workbench(request: Request) -> Workbench:
    return request.app.state.workbench


def project(request: Request) -> Iterator[Project]:
    """Dependency: an open project borrowed from the pool for this request."""
    with workbench(request).pool.project() as p:
        yield p


def api_router() -> APIRouter:
    """A router whose every route needs a session and, to change anything, the CSRF token."""
    from fastapi import APIRouter, Depends

    from zhagen.web.auth import csrf_guard

    return APIRouter(prefix="/api", dependencies=[Depends(csrf_guard)])


def register_routes(app: FastAPI) -> None:
    from zhagen.web.routes import coding, codes, documents, maps, notes, pages, reports, session

    app.include_router(session.public)
    for module in (session, documents, coding, codes, notes, reports, maps):
        app.include_router(module.router)
    app.include_router(maps.files)
    app.include_router(pages.router)
