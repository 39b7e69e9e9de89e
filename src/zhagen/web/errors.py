"""Web errors: one exception type with an HTTP status, one handler, one JSON shape.

Every error the web workbench returns looks like::

    {"error": {"status": 400, "code": "parameter",
               "message_zh": "…", "message_en": "…"}}

- :class:`WebError` carries a status and a machine-readable ``code``; raise it anywhere in
  the web layer.
- :class:`zhagen.ZhagenError` from the library becomes 400 (``ParameterError``,
  ``InputError``) or 409 (``ProjectError``); an error may carry ``http_status`` to choose.
- Request validation (FastAPI) becomes 422, Starlette's own HTTP errors (404 route, 405
  method) keep their status, a full disk becomes 507 ("free space and retry; nothing was
  lost"), and anything unexpected becomes 500 with a generic message: the traceback goes
  to the server log, never to the client.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError, ParameterError, ProjectError, ZhagenError, disk_full

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

__all__ = ["WebError", "error_body", "install_handlers", "from_zhagen", "unexpected_error"]

log = logging.getLogger("zhagen.web")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation",
    429: "too_many_requests",
    500: "internal",
    501: "not_implemented",
    503: "busy",
    507: "disk_full",
}
_HTTP_MESSAGES = {
    401: ("请先登录", "please log in first"),
    403: ("没有权限", "not allowed"),
    404: ("找不到该地址", "no such address"),
    405: ("不支持该请求方法", "method not allowed"),
}


class WebError(Exception):
    """An error with an HTTP status and a message in Chinese and English.

    >>> WebError(404, "not_found", "没有该文档", "no such document").status
    404
    """

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        self.status = int(status)
        self.code = code
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


def error_body(status: int, code: str, zh: str, en: str) -> dict[str, Any]:
    """The one JSON shape of every error.

    >>> error_body(400, "parameter", "错", "wrong")["error"]["status"]
    400
    """
    return {"error": {"status": status, "code": code, "message_zh": zh, "message_en": en}}


def from_zhagen(exc: ZhagenError) -> WebError:
    """The WebError for a library error (status from ``exc.http_status`` when it has one)."""
    status = getattr(exc, "http_status", None)
    if status is None:
        status = 409 if isinstance(exc, ProjectError) else 400
    if isinstance(exc, ParameterError):
        code = "parameter"
    elif isinstance(exc, InputError):
        code = "input"
    elif isinstance(exc, ProjectError):
        code = "project"
    else:
        code = _STATUS_CODES.get(status, "error")
    loc = exc.location
    zh = f"{loc}: {exc.zh}" if loc else exc.zh
    en = f"{loc}: {exc.en}" if loc else exc.en
    return WebError(status, code, zh, en)


def _json(err: WebError) -> JSONResponse:
    from fastapi.responses import JSONResponse

    headers = {"Cache-Control": "no-store"}
    return JSONResponse(error_body(err.status, err.code, err.zh, err.en), err.status, headers)


def _validation_message(errors: list[Any]) -> tuple[str, str]:
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc or '?'}: {e.get('msg', '')}")
    joined = "; ".join(parts)
    return f"请求参数有误：{joined}", f"invalid request parameters: {joined}"


def unexpected_error(method: str, path: str, exc: Exception) -> WebError:
    """What the client is told of an error nobody expected (logged here with its
    traceback): 507 for a full disk (nothing was lost; retry once space is freed), else a
    generic 500.

    >>> unexpected_error("GET", "/api/x", OSError(28, "No space left on device")).status
    507
    """
    full = disk_full(exc)
    if full is not None:
        log.warning("disk full on %s %s: %s", method, path, exc)
        return WebError(507, "disk_full", full.zh, full.en)
    log.error("unexpected error on %s %s", method, path, exc_info=exc)
    return WebError(
        500,
        "internal",
        "服务器内部错误；详情见服务器日志",
        "internal server error; details are in the server log",
    )


def install_handlers(app: FastAPI) -> None:
    """Route every error through one handler into :func:`error_body`."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    async def web_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, WebError)
        return _json(exc)

    async def zhagen_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ZhagenError)
        return _json(from_zhagen(exc))

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        zh, en = _validation_message(list(exc.errors()))
        return _json(WebError(422, "validation", zh, en))

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        zh, en = _HTTP_MESSAGES.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        code = _STATUS_CODES.get(exc.status_code, "error")
        return _json(WebError(exc.status_code, code, zh, en))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _json(unexpected_error(request.method, request.url.path, exc))

    app.add_exception_handler(WebError, web_error)
    app.add_exception_handler(ZhagenError, zhagen_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
