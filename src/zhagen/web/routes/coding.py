"""Codings: code a span or sentences (with an existing code or a new one), remove, re-code.

``POST /api/codings`` (the request a coder sends most) is also served by
:class:`FastAddCoding` in front of FastAPI's routing, with the same checks in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field

from zhagen.errors import ZhagenError
from zhagen.web import timing
from zhagen.web.auth import check_csrf, check_host, check_role, session_id, workbench
from zhagen.web.errors import WebError, error_body, from_zhagen
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


class FastAddCoding:
    """ASGI middleware: ``POST /api/codings`` served without FastAPI's routing, dependency
    solving and response validation (measured with cProfile: 57 % of the event loop's CPU
    for this request), with the checks of :func:`add_coding` in its order — Host, session,
    CSRF (origin and token), role coder, then the body as :class:`NewCoding` — and the same
    service call, answer and error shape.

    Anything it does not serve exactly as the route would goes on to the app unchanged, its
    body replayed: no session yet (the app makes the loopback session and its cookie), a
    body that is not plain JSON or does not validate (the app's 422/400). A request it
    serves is checked and answered once; the engine runs in a worker thread, as the route's
    does (SQLite may wait on a lock there, never on the event loop).
    """

    PATH = "/api/codings"

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["path"] != self.PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            messages, body = await _read_body(receive)
        except WebError as err:  # a streamed body past the size limit (the limits middleware)
            await _answer(send, err.status, error_body(err.status, err.code, err.zh, err.en))
            return
        answer = None
        if body is not None:
            answer = await _serve(Request(scope), body)
        if answer is None:
            await self.app(scope, _replay(messages, receive), send)
            return
        await _answer(send, *answer)


async def _answer(send: Callable, status: int, payload: dict[str, Any]) -> None:
    """The JSON answer as FastAPI's ``JSONResponse`` writes it (an error: not cached)."""
    data = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    raw = data.encode()
    headers = [(b"content-length", str(len(raw)).encode()),
               (b"content-type", b"application/json")]  # fmt: skip
    if status != 200:
        headers.append((b"cache-control", b"no-store"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


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


async def _serve(request: Request, body: bytes) -> tuple[int, dict[str, Any]] | None:
    """(status, JSON) of ``POST /api/codings``, or None for the app to answer it."""
    wb = workbench(request)
    try:
        check_host(request)
        session = wb.sessions.get(session_id(request))
        if session is None:
            return None
        check_csrf(request, session)
        check_role(session, "coder")
    except WebError as err:
        return err.status, error_body(err.status, err.code, err.zh, err.en)
    kind = request.headers.get("content-type")
    if kind is not None and kind.lower().encode() not in _JSON_TYPES:
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

    try:  # in the writer thread (SQLite may wait on a lock there, never on the event loop)
        return 200, await wb.writer().submit(job, timing.PHASES.get())
    except WebError as err:
        return err.status, error_body(err.status, err.code, err.zh, err.en)
    except ZhagenError as exc:
        err = from_zhagen(exc)
        return err.status, error_body(err.status, err.code, err.zh, err.en)
