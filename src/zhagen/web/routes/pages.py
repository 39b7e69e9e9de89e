"""The HTML pages. Each is a template with the page's frame; the page's JavaScript fills it
from the JSON API. A page never puts document text into HTML: the templates get only the
interface strings and ids (Jinja2 autoescapes), and the scripts write text with
``textContent``."""

from __future__ import annotations

import hmac
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from zhagen.web.auth import check_host, page_session, safe_next, set_cookie
from zhagen.web.i18n import lang_of, strings, t
from zhagen.web.routes import workbench

router = APIRouter()

#: page name → (template, script, title key).
PAGES = {
    "documents": ("documents.html", "documents.js", "nav.documents"),
    "document": ("document.html", "viewer.js", "nav.documents"),
    "compare": ("compare.html", "compare.js", "cmp.title"),
    "codes": ("codes.html", "codes.js", "nav.codes"),
    "model": ("model.html", "model.js", "nav.model"),
    "memos": ("memos.html", "memos.js", "nav.memos"),
    "hierarchy": ("hierarchy.html", "hierarchy.js", "hier.title"),
    "tables": ("reports.html", "reports.js", "nav.tables"),
    "saturation": ("reports.html", "reports.js", "nav.saturation"),
    "agreement": ("reports.html", "reports.js", "nav.agreement"),
    "map": ("map.html", "map.js", "nav.map"),
    "queries": ("queries.html", "queries.js", "nav.queries"),
    "settings": ("settings.html", "settings.js", "nav.settings"),
    "login": ("login.html", "login.js", "login.title"),
}


@lru_cache(maxsize=1)
def _templates() -> Any:
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))


def _version() -> str:
    from zhagen._version import __version__

    return __version__


def render(request: Request, page: str, **data: Any) -> Response:
    """A page for the caller's session, or a redirect to the login page."""
    session, new = page_session(request) if page != "login" else (None, False)
    if session is None and page != "login":
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    wb = workbench(request)
    lang = lang_of(request.cookies.get("zhagen_lang"))
    template, script, title = PAGES[page]
    info = {"auth_required": bool(wb.settings.auth), "blind": wb.blind}
    info.update(session.public() if session else {"user": None, "role": None})
    context = {
        "lang": lang,
        "t": lambda key: t(key, lang),
        "page": page,
        "title": t(title, lang),
        "script": script,
        "version": _version(),
        "session": info,
        "project_name": wb.settings.project.name,
        "page_data": {
            "page": page,
            "lang": lang,
            "session": info,
            "strings": strings(lang),
            **data,
        },  # fmt: skip
    }
    response = _templates().TemplateResponse(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    if new and session is not None:
        set_cookie(request, response, session)
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/documents", status_code=303)


def _page_route(page: str) -> Any:
    def route(request: Request) -> Response:
        return render(request, page)

    route.__name__ = f"{page}_page"
    return route


#: URL → page, for the pages that take nothing but the session.
SIMPLE_PAGES = {"/documents": "documents", "/codes": "codes", "/model": "model", "/memos": "memos",
                "/hierarchy": "hierarchy",
                "/tables": "tables", "/saturation": "saturation", "/agreement": "agreement",
                "/map": "map", "/settings": "settings", "/queries": "queries"}  # fmt: skip
for _path, _page in SIMPLE_PAGES.items():
    router.add_api_route(_path, _page_route(_page), methods=["GET"], include_in_schema=False)


@router.get("/documents/{doc_id}")
def document_page(doc_id: int, request: Request) -> Response:
    return render(request, "document", doc_id=doc_id)


@router.get("/documents/{doc_id}/compare")
def compare_page(doc_id: int, request: Request) -> Response:
    """Two coders' codings of a document side by side (``?a=&b=`` preselects them)."""
    return render(request, "compare", doc_id=doc_id)


@router.get("/login")
def login_page(request: Request, token: str | None = None, next: str | None = None) -> Response:  # noqa: A002
    """The login form; ``?token=`` (the link printed at start) logs in at once."""
    check_host(request)
    wb = workbench(request)
    target = safe_next(next)
    if not wb.settings.auth:
        return RedirectResponse(target, status_code=303)
    expected = wb.settings.token or ""
    if token:  # a guess at the token counts against the same limits as a failed login
        client = request.client.host if request.client else "?"
        wb.limiter.check(client)
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            s = wb.sessions.create("owner", "owner", "owner", fixed_coder=False)
            response = RedirectResponse(target, status_code=303)
            set_cookie(request, response, s)
            return response
        wb.limiter.failed(client)
    return render(request, "login", next=target, failed=bool(token))
