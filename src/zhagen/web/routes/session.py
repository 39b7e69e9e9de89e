"""Session, login, accounts, the blind-coding switch, coders, undo/redo and history."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AfterValidator, BaseModel, Field

from zhagen.project import Project
from zhagen.web.auth import (
    ROLES,
    Session,
    check_host,
    check_name,
    check_password,
    check_same_origin,
    cookie_name,
    hash_password,
    session_id,
    session_of,
    set_cookie,
)
from zhagen.web.errors import WebError
from zhagen.web.routes import (
    ApiRoute,
    CoderDep,
    OwnerDep,
    ProjectDep,
    SessionDep,
    actor_of,
    api_router,
    workbench,
)
from zhagen.web.services import records

public = APIRouter(prefix="/api", route_class=ApiRoute)
router = api_router()


class Login(BaseModel):
    token: str | None = Field(default=None, max_length=500)
    username: str | None = Field(default=None, max_length=100)
    password: str | None = Field(default=None, max_length=500)


#: A name without control or bidi-override characters (it would display as another name).
Name = Annotated[str, AfterValidator(check_name)]


class CoderName(BaseModel):
    name: Name = Field(min_length=1, max_length=100)


class Account(BaseModel):
    name: Name = Field(min_length=1, max_length=100, pattern=r"^[^\s/\\<>\"'&]+$")
    password: str = Field(min_length=8, max_length=500)
    role: str = Field(pattern="^(owner|coder|viewer)$")


class WebSettings(BaseModel):
    blind: bool


def _info(request: Request, s: Session | None) -> dict[str, Any]:
    wb = workbench(request)
    out: dict[str, Any] = {"auth_required": bool(wb.settings.auth), "blind": wb.blind}
    out.update(s.public() if s else {"user": None, "role": None})
    out["authenticated"] = s is not None
    return out


@public.get("/session")
def session_info(request: Request, response: Response) -> dict[str, Any]:
    """Who I am (creates a local session on loopback without login)."""
    wb = workbench(request)
    s = wb.sessions.get(session_id(request))
    if s is None and not wb.settings.auth:
        s = session_of(request, response)
    check_host(request)
    return _info(request, s)


def _login_checks(request: Request) -> str:
    """Dependency run before the body is read: Host, Origin, JSON, rate limit."""
    check_host(request)
    check_same_origin(request)
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise WebError(
            415, "unsupported_media_type", "登录需要 JSON 请求", "login needs a JSON body"
        )
    client = request.client.host if request.client else "?"
    workbench(request).limiter.check(client)
    return client


@public.post("/login")
def login(
    body: Login,
    request: Request,
    response: Response,
    client: Annotated[str, Depends(_login_checks)],
) -> dict[str, Any]:
    """Log in with the start token (owner) or an account; sets the session cookie."""
    wb = workbench(request)
    s: Session | None = None
    token = wb.settings.token
    if body.token and token and hmac.compare_digest(body.token.encode(), token.encode()):
        s = wb.sessions.create("owner", "owner", "owner", fixed_coder=False)
    elif body.username and body.password:
        rec = wb.config.get("users", {}).get(body.username)
        if check_password(body.password, rec):  # as slow for an unknown name
            assert rec is not None
            s = wb.sessions.create(body.username, rec["role"], body.username, fixed_coder=True)
    if s is None:
        wb.limiter.failed(client)
        raise WebError(
            401, "login_failed", "令牌或用户名/密码不正确", "wrong token or user name/password"
        )
    wb.sessions.drop(session_id(request))
    set_cookie(request, response, s)
    return _info(request, s)


@router.post("/logout")
def logout(request: Request, response: Response) -> dict[str, Any]:
    workbench(request).sessions.drop(session_id(request))
    response.delete_cookie(cookie_name(request), path="/")
    return {"ok": True}


@router.put("/session/coder")
def set_coder(body: CoderName, request: Request, s: SessionDep) -> dict[str, Any]:
    """Choose my coder name (accounts code under their own name)."""
    if s.fixed_coder:
        raise WebError(
            403, "forbidden", "账户用户以账户名编码", "accounts code under their own name"
        )
    name = body.name.strip()
    if name != s.user and name in workbench(request).config.get("users", {}):
        # an account's coder name is that account's: taking it would act as them (and,
        # coding blind, see their work)
        raise WebError(
            403,
            "forbidden",
            f"「{name}」是一个账户的编码员名；请换一个名字",
            f"'{name}' is the coder name of an account; choose another name",
        )
    s.coder = name
    return _info(request, s)


@router.get("/users")
def list_users(request: Request, _s: OwnerDep) -> list[dict[str, str]]:
    users = workbench(request).config.get("users", {})
    return [{"name": name, "role": rec["role"]} for name, rec in sorted(users.items())]


@router.post("/users")
def add_user(body: Account, request: Request, _s: OwnerDep) -> dict[str, Any]:
    """Add or replace an account (password hashed with salted scrypt)."""
    wb = workbench(request)
    wb.config.set_user(body.name, {"role": body.role, **hash_password(body.password)})
    wb.sessions.drop_user(body.name)
    return {"name": body.name, "role": body.role}


@router.delete("/users/{name}")
def delete_user(name: str, request: Request, _s: OwnerDep) -> dict[str, Any]:
    wb = workbench(request)
    if name not in wb.config.get("users", {}):
        raise WebError(404, "not_found", f"没有账户「{name}」", f"no account '{name}'")
    wb.config.set_user(name, None)
    wb.sessions.drop_user(name)
    return {"ok": True}


@router.get("/settings")
def get_settings(request: Request) -> dict[str, Any]:
    wb = workbench(request)
    return {"blind": wb.blind, "auth_required": bool(wb.settings.auth), "roles": list(ROLES)}


@router.put("/settings")
def put_settings(body: WebSettings, request: Request, _s: OwnerDep) -> dict[str, Any]:
    workbench(request).config.update(blind=body.blind)
    return get_settings(request)


@router.get("/coders")
def coders(p: ProjectDep) -> list[str]:
    return [str(n) for n in p.codings.coders()["name"]]


@router.get("/vocab")
def vocab() -> dict[str, Any]:
    from zhagen.web.services.coding import vocabulary

    return vocabulary()


@router.get("/history")
def history(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Undoable edits, newest first (coding blind: mine only)."""
    return records(p.history(max(1, min(limit, 500)), actor=actor_of(request, s)))


def _step(request: Request, p: Project, s: Session, redo: bool) -> dict[str, Any]:
    actor = actor_of(request, s)
    text = p.redo(actor=actor) if redo else p.undo(actor=actor)
    return {"done": text is not None, "description": text}


@router.post("/undo")
def undo(request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Undo my newest edit (never another coder's)."""
    return _step(request, p, s, redo=False)


@router.post("/redo")
def redo(request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    return _step(request, p, s, redo=True)
