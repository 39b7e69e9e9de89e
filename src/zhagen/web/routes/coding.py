"""Codings: code a span or sentences (with an existing code or a new one), remove, re-code.

``POST /api/codings`` (the request a coder sends most) is also served by
:class:`FastAddCoding` in front of the whole app, with the same checks in the same order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field
from starlette.requests import cookie_parser

from zhagen.errors import ZhagenError
from zhagen.web import timing
from zhagen.web.auth import check_host_header, check_origin, check_role, check_token, cookie_for
from zhagen.web.errors import WebError, error_body, from_zhagen, unexpected_error
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


_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")
#: The request headers the front door reads (the first of each, as Starlette's ``Headers.get``).
_WANTED = frozenset({b"host", b"cookie", b"origin", b"x-csrf-token", b"content-type",
                     b"content-length", b"transfer-encoding"})  # fmt: skip


class FastAddCoding:
    """The front door of ``POST /api/codings``, ahead of the whole app: served without
    FastAPI's middleware stack, routing, dependency solving and response validation
    (measured with cProfile: 57 % of the event loop's CPU for this request; with perf,
    what the app cost besides uvicorn under 8 coders: about as much again as uvicorn),
    with the checks of :func:`add_coding` in its order — Host, session, CSRF (origin and
    token), role coder, then the body as :class:`NewCoding` — the same service call, and
    the answer the app would give: its JSON, its error shape and the headers of
    :class:`~zhagen.web.app._Headers` (``headers``: the security headers,
    ``Server-Timing``).

    Anything it does not serve exactly as the route would goes to ``app`` (the whole app)
    unchanged, its body replayed: a body without a length, or one longer than
    ``max_body`` (the app's limit answers it), no session yet (the app makes the loopback
    session and its cookie), a body that is not plain JSON or does not validate (the
    app's 422/400). A request it serves is checked and answered once; the engine runs in
    the coding writer's thread (:class:`~zhagen.web.state.GroupWriter`: SQLite may wait on
    a lock there, never on the event loop), and the answer goes out after the commit.
    """

    PATH = "/api/codings"

    def __init__(
        self, app: Any, wb: Any, *, headers: list[tuple[bytes, bytes]], max_body: int
    ) -> None:
        self.app = app
        self.wb = wb
        self.headers = headers
        self.max_body = max_body

    @classmethod
    def takes(cls, scope: dict) -> bool:
        """Whether ``scope`` is a request this front door serves (or hands on)."""
        return scope["type"] == "http" and scope["path"] == cls.PATH and scope["method"] == "POST"

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        t0 = time.perf_counter()
        gc0 = timing.gc_ms()
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            if key in _WANTED and key not in headers:
                headers[key] = value
        length = headers.get(b"content-length")
        if (
            length is None
            or not length.isdigit()
            or int(length) > self.max_body
            or b"transfer-encoding" in headers
        ):
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        answer = None
        record: dict[str, float] = {}
        if body is not None:
            answer = await self._serve(scope, headers, body, record)
        if answer is None:
            await self.app(scope, _replay(messages, receive), send)
            return
        status, payload = answer
        raw = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        data = raw.encode()
        out = [(b"content-length", str(len(data)).encode()),
               (b"content-type", b"application/json")]  # fmt: skip
        if status != 200:
            out.append((b"cache-control", b"no-store"))
        out += [h for h in self.headers if status == 200 or h[0] != b"cache-control"]
        record["gc"] = timing.gc_ms() - gc0
        dur = timing.header((time.perf_counter() - t0) * 1000, record)
        out.append((b"server-timing", dur.encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": data})

    async def _serve(
        self, scope: dict, headers: dict[bytes, bytes], body: bytes, record: dict[str, float]
    ) -> tuple[int, dict[str, Any]] | None:
        """(status, JSON) of ``POST /api/codings``, or None for the app to answer it."""
        wb = self.wb

        def text(name: bytes) -> str | None:
            value = headers.get(name)
            return None if value is None else value.decode("latin-1")

        try:
            host = text(b"host")
            check_host_header(wb.settings.allowed_hosts, host)
            cookies = cookie_parser(text(b"cookie") or "")
            session = wb.sessions.get(cookies.get(cookie_for(wb.settings.port)))
            if session is None:
                return None
            check_origin(text(b"origin"), scope.get("scheme", "http"), host or "")
            check_token(text(b"x-csrf-token") or "", session)
            check_role(session, "coder")
        except WebError as err:
            return err.status, error_body(err.status, err.code, err.zh, err.en)
        kind = headers.get(b"content-type")
        if kind is not None and kind.lower() not in _JSON_TYPES:
            return None
        try:
            coding = NewCoding.model_validate(json.loads(body))
        except ValueError:  # bad JSON, or pydantic's ValidationError: the app's own answer
            return None
        if coding.sentences is None and (coding.start is None or coding.end is None):
            return None
        actor = wb.actor(session)
        body_dict = _body(coding)

        def job(p: Any) -> dict[str, Any]:
            return svc.add_codings(p, body_dict, actor=actor)

        try:
            return 200, await wb.writer().submit(job, record)
        except WebError as err:
            return err.status, error_body(err.status, err.code, err.zh, err.en)
        except ZhagenError as exc:
            err = from_zhagen(exc)
        except Exception as exc:  # noqa: BLE001 - as the app's handler answers it (logged)
            err = unexpected_error("POST", self.PATH, exc)
        return err.status, error_body(err.status, err.code, err.zh, err.en)


async def _read_body(receive: Callable[[], Awaitable[dict]]) -> tuple[list[dict], bytes | None]:
    """The messages received and the whole body (None: the client went away first)."""
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, b"".join(chunks)


def _replay(messages: list[dict], receive: Callable[[], Awaitable[dict]]) -> Callable:
    pending = list(messages)

    async def again() -> dict:
        return pending.pop(0) if pending else await receive()

    return again
