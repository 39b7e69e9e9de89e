"""The routes, one module per area (``zhagen.web.app.register_routes`` puts them in the
app), and what they share. Each route parses its request, borrows the project, calls one
service function and returns JSON (or a page, or a file).

Every ``/api`` router but the login one carries :func:`zhagen.web.auth.csrf_guard`, so no
state-changing API call escapes the session and CSRF checks.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute

from zhagen.project import Project
from zhagen.web import timing
from zhagen.web.auth import Session, current_session, require, workbench

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.web.state import ProjectPool

__all__ = ["api_router", "ApiRoute", "Borrow", "workbench", "project",
           "ProjectDep", "SessionDep", "CoderDep", "OwnerDep", "ViewerDep", "actor_of",
           "read_form", "analysis_query"]  # fmt: skip


def actor_of(request: Request, session: Session) -> Actor:
    """The caller as an access-policy actor (name, role, blind mode)."""
    return workbench(request).actor(session)


#: The multipart parser's English messages (their start) → the error in both languages.
_FORM_ERRORS = {
    "Too many files": (413, "too_many_files", "一次上传的文件太多：最多 {files} 个；请分批上传",
                       "too many files in one upload: at most {files}; upload them in batches"),
    "Too many fields": (413, "too_many_fields", "表单字段太多：最多 {fields} 个",
                        "too many form fields: at most {fields}"),
}  # fmt: skip


async def read_form(request: Request, *, max_files: int, max_fields: int) -> Any:
    """The request's multipart form; the parser's English-only errors ("There was an error
    parsing the body", "Too many files") become the one bilingual error shape."""
    from starlette.exceptions import HTTPException

    from zhagen.web.errors import WebError

    try:
        return await request.form(max_files=max_files, max_fields=max_fields)
    except HTTPException as exc:
        detail = str(exc.detail)
        for start, (status, code, zh, en) in _FORM_ERRORS.items():
            if detail.startswith(start):
                n = {"files": max_files, "fields": max_fields}
                raise WebError(status, code, zh.format(**n), en.format(**n)) from None
        raise WebError(
            400,
            "bad_form",
            "请求体不是有效的 multipart 表单，无法解析；请用页面上的上传按钮或拖放文件重试",
            "the request body is not a valid multipart form and cannot be parsed; retry with "
            "the page's upload button or by dropping the files",
        ) from None


class Borrow:
    """A project to borrow from ``pool`` for one endpoint call: :class:`ApiRoute` borrows
    it in the worker thread that runs the endpoint and gives it back when the call ends."""

    __slots__ = ("pool",)

    def __init__(self, pool: ProjectPool) -> None:
        self.pool = pool


async def project(request: Request) -> Borrow:
    """Dependency: an open project from the pool for this request's endpoint.

    Not a generator dependency (borrow, yield, give back): FastAPI wraps those in an exit
    stack, ~10 % of a coding request's time in the interpreter. The endpoint gets the
    :class:`zhagen.Project` itself: the worker thread borrows it (waiting for one, or
    opening one, there) just before the call (see :func:`_in_thread`).
    """
    return Borrow(workbench(request).pool)


#: Parameter types of the routes: the borrowed project and the caller's session (of a role).
ProjectDep = Annotated[Project, Depends(project)]
SessionDep = Annotated[Session, Depends(current_session)]
ViewerDep = Annotated[Session, Depends(require("viewer"))]
CoderDep = Annotated[Session, Depends(require("coder"))]
OwnerDep = Annotated[Session, Depends(require("owner"))]


def analysis_query(analysis: str, *, also: tuple[str, ...] = ()) -> Any:
    """Dependency: the query fields of ``analysis`` made from its one declaration
    (:mod:`zhagen.web.services.params`), giving its keyword arguments, converted and checked.

    Each parameter is a text query field documented with its labels and help (the API's
    signature); a bad value, or a query name that is neither a parameter nor one of the
    route's own (``also``), is a 400 ``parameter`` error in Chinese and English.
    """
    from fastapi import Query

    from zhagen.web.services.params import declaration, parse

    params = declaration(analysis)[1]

    async def values(request: Request, **_fields: str | None) -> dict[str, Any]:
        # every query name but the route's own: an unknown one is refused, not ignored
        sent = {k: v for k, v in request.query_params.items() if k not in also}
        return parse(analysis, sent)

    fields = [
        inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                          annotation=Annotated[str | None, Query(
                              max_length=200, title=f"{p.label_zh} / {p.label_en}",
                              description=f"{p.help_zh} / {p.help_en}".strip(" /"))])
        for p in params
    ]  # fmt: skip
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=Request)  # fmt: skip
    values.__signature__ = inspect.Signature([request, *fields])  # type: ignore[attr-defined]
    return Depends(values)


def _in_thread(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as a coroutine that runs it in a worker thread (same signature for FastAPI)."""
    from starlette.concurrency import run_in_threadpool

    @functools.wraps(func)
    async def call(*args: Any, **kwargs: Any) -> Any:
        queued = time.perf_counter()

        def timed() -> Any:
            start = time.perf_counter()
            timing.add("queue", (start - queued) * 1000)
            borrowed = {k: v.pool for k, v in kwargs.items() if isinstance(v, Borrow)}
            try:
                for name, pool in borrowed.items():
                    kwargs[name] = pool.borrow()
                return func(*args, **kwargs)
            finally:
                for name, pool in borrowed.items():
                    if not isinstance(kwargs[name], Borrow):
                        pool.give_back(kwargs[name])
                timing.add("thread", (time.perf_counter() - start) * 1000)

        return await run_in_threadpool(timed)

    return call


class ApiRoute(APIRoute):
    """An API route whose plain ``def`` endpoint costs one trip to a worker thread, not two.

    FastAPI runs a ``def`` endpoint in a worker thread and then, because the endpoint is
    not a coroutine, checks its return value against the return annotation in a second
    worker-thread trip; wrapped as a coroutine that awaits the thread, the endpoint still
    runs off the event loop (SQLite may wait for a lock) and the answer is checked and
    written to JSON at once (pydantic's compiled serialiser: ~0.1 ms for 100 rows).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_thread(endpoint)
        elif any("ProjectDep" in str(p.annotation)
                 for p in inspect.signature(endpoint).parameters.values()):  # fmt: skip
            raise TypeError(f"{endpoint.__name__}: a ProjectDep endpoint must be a plain def")
        super().__init__(path, endpoint, **kwargs)


def api_router() -> APIRouter:
    """A router whose every route needs a session and, to change anything, the CSRF token."""
    from zhagen.web.auth import csrf_guard

    return APIRouter(prefix="/api", dependencies=[Depends(csrf_guard)], route_class=ApiRoute)
