"""The FastAPI application of the web workbench (``zhagen serve``).

:func:`create_app` builds the app for one project file: pages (Jinja2 templates), the JSON
API under ``/api``, static files (hand-written JS and CSS, no CDN), one error handler
(:mod:`zhagen.web.errors`), sessions and CSRF (:mod:`zhagen.web.auth`), security headers
and a request-size limit.

>>> from pathlib import Path
>>> from zhagen.examples import tiny_project
>>> from zhagen.web.state import Settings
>>> tiny = tiny_project()
>>> tiny.close()
>>> app = create_app(Settings(project=Path(tiny.path)))
>>> any(route.path == "/api/maps/params" for route in app.routes)
True
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web import timing
from zhagen.web.auth import LoginLimiter, Session, Sessions
from zhagen.web.errors import error_body
from zhagen.web.services.live import LiveChanges
from zhagen.web.state import GroupWriter, ProjectPool, Settings, WebConfig

if TYPE_CHECKING:
    from fastapi import FastAPI

    from zhagen.access import Actor
    from zhagen.project import Project

__all__ = ["Workbench", "create_app", "CSP", "SECURITY_HEADERS", "API_HEADERS", "MAX_BODY"]

HERE = Path(__file__).resolve().parent
#: Content Security Policy of every page: nothing but this server, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
#: The headers of every response (a route may set its own CSP), then of every API answer.
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
API_HEADERS = (*SECURITY_HEADERS, (b"cache-control", b"no-store"))
#: Request bodies other than uploads: at most 5 MiB.
MAX_BODY = 5 * 2**20
UPLOAD_PATH = "/api/documents/upload"


class Workbench:
    """Everything one running workbench holds (``app.state.workbench``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = ProjectPool(settings.project, settings.pool_size)
        self.config = WebConfig.load(settings.files / "web.json")
        self.sessions = Sessions(settings.session_hours)
        self.limiter = LoginLimiter()
        self.changes = LiveChanges(self.pool.project)
        self._known_coders: set[str] = set()
        self._writer: GroupWriter | None = None

    def writer(self) -> GroupWriter:
        """The thread that writes the fast coding path's codings in batches
        (:class:`~zhagen.web.state.GroupWriter`; made on first use)."""
        if self._writer is None:
            self._writer = GroupWriter(self.pool)
        return self._writer

    @property
    def files(self) -> Path:
        return self.settings.files

    @property
    def blind(self) -> bool:
        return bool(self.config.get("blind", False))

    def actor(self, session: Session) -> Actor:
        """The caller as the library's access policy knows them (:mod:`zhagen.access`)."""
        from zhagen.access import Actor

        return Actor(session.coder, session.role, blind=self.blind)

    def view_coder(self, p: Project, session: Session, requested: str | None = None) -> str | None:
        """Whose codings the caller sees: their own in blind mode, else ``requested``/all."""
        from zhagen.access import coder_filter

        who = coder_filter(self.actor(session), requested)
        if self.blind and who not in self._known_coders:
            p.codings.coder(who)  # blind retrieval needs the coder to exist
            self._known_coders.add(who)
        return who

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()  # the writes under way finish first
            self._writer = None
        self.pool.close()


class _Limits:
    """ASGI middleware: refuse request bodies over the limit (413, the JSON error)."""

    def __init__(self, app: Any, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] == UPLOAD_PATH else MAX_BODY
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit():
            if int(length) > limit:
                await _send_413(send, limit)
                return
            if b"transfer-encoding" not in headers:  # the server reads no more than that
                await self.app(scope, receive, send)
                return
        seen, over = 0, False

        async def counted() -> dict:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    from zhagen.web.services.documents import too_large

                    over = True
                    raise too_large(limit)
            return message

        async def answer(message: dict) -> None:
            # A body streamed (chunked) past the limit: whatever the app answers once the
            # stream broke off (FastAPI turns the error into a 400 "There was an error
            # parsing the body"), the client gets the 413 error.
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await _send_413(send, limit)

        await self.app(scope, counted, answer)


async def _send_413(send: Callable[[dict], Awaitable[None]], limit: int) -> None:
    from zhagen.web.services.documents import too_large

    err = too_large(limit)
    body = json.dumps(error_body(413, err.code, err.zh, err.en), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Headers:
    """ASGI middleware: security headers on every response (a route may set its own CSP),
    and ``Server-Timing`` (milliseconds in the app and its phases: :mod:`.timing`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        t0 = time.perf_counter()
        record = timing.phases()
        gc0 = timing.gc_ms()

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                record["gc"] = timing.gc_ms() - gc0
                dur = timing.header((time.perf_counter() - t0) * 1000, record)
                headers = list(message.get("headers") or [])
                have = {k.lower() for k, _v in headers}
                extra = list(API_HEADERS if api else SECURITY_HEADERS)
                extra.append((b"server-timing", dur.encode()))
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _no_telemetry(fastapi: type) -> dict[str, Any]:
    """FastAPI's OpenTelemetry off, where FastAPI has it (0.16x): the workbench exports no
    traces, and each request otherwise asks three providers whether one is set up."""
    import inspect

    if "telemetry" not in inspect.signature(fastapi.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


def create_app(settings: Settings) -> FastAPI:
    """The workbench app for ``settings.project`` (which must exist)."""
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from zhagen.web.errors import install_handlers

    wb = Workbench(settings)
    timing.install_gc_clock()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        wb.pool.checkpointer.start()
        yield
        wb.close()

    from zhagen.web.routes.coding import FastAddCoding

    class WorkbenchApp(FastAPI):
        """The FastAPI app with the coding request's front door ahead of it."""

        front: FastAddCoding | None = None

        async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
            if self.front is not None and FastAddCoding.takes(scope):
                await self.front(scope, receive, send)
            else:
                await super().__call__(scope, receive, send)

    app = WorkbenchApp(
        title="zhagen",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        **_no_telemetry(FastAPI),
    )
    app.state.workbench = wb
    install_handlers(app)
    app.add_middleware(_Headers)
    app.add_middleware(_Limits, upload_limit=settings.max_upload)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    register_routes(app)
    # what the front door does not serve goes through the whole app, as any request
    whole = functools.partial(FastAPI.__call__, app)
    app.front = FastAddCoding(whole, wb, headers=list(API_HEADERS), max_body=MAX_BODY)
    return app


def register_routes(app: FastAPI) -> None:
    """Put every route straight into the app's route list, the busiest areas first.

    ``app.include_router`` would wrap each router in a layer that FastAPI matches route by
    route on every request (~10 µs per route before the one asked for); the routes of an
    ``APIRouter`` already carry its prefix and dependencies, so adding them to the app's
    own list serves them the same way, in one flat scan that reaches coding at once.
    """
    from zhagen.web.routes import (
        codes,
        coding,
        documents,
        live,
        maps,
        notes,
        pages,
        queries,
        reports,
        session,
        sets,
        suggestions,
    )

    routers = [coding.router, documents.router, live.router, codes.router, notes.router,
               session.public, session.router, reports.router, maps.router, maps.files,
               queries.router, sets.router, suggestions.router, pages.router]  # fmt: skip
    for router in routers:
        app.router.routes.extend(router.routes)
