"""Who is asking: sessions, login, roles, CSRF and the Host check.

- **Sessions** live in server memory; the browser holds only a random id in the cookie
  ``zhagen_session`` (HttpOnly, SameSite=Strict, Secure over HTTPS).
- **Login.** On a loopback address the workbench may run without login: each browser gets
  an owner session on its first page. Served beyond loopback (or with ``auth=True``) every
  page and API call needs a session, obtained with the token printed at start (role owner)
  or with an account (name and password; roles owner, coder, viewer). Passwords are stored
  as salted ``hashlib.scrypt`` hashes (n=2**14, r=8, p=1) in ``web.json``.
- **Roles.** viewer reads; coder also writes codings, codes, memos, relations and runs maps;
  owner also manages accounts and the blind-coding switch and computes agreement.
- **CSRF.** Every state-changing request (POST, PUT, PATCH, DELETE) must carry the
  session's token in ``X-CSRF-Token`` (a synchronizer token the page receives in a meta tag)
  and, when the browser sends ``Origin``, come from the same origin. Login itself needs a
  JSON body (a cross-site form cannot send one without a CORS preflight, which is refused)
  and a same-origin ``Origin``.
- **Host check.** A loopback server accepts only loopback Host names (DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response

from zhagen.access import ROLES
from zhagen.web.errors import WebError

if TYPE_CHECKING:
    from zhagen.web.app import Workbench

__all__ = [
    "COOKIE",
    "cookie_name",
    "cookie_for",
    "session_id",
    "ROLES",
    "Session",
    "Sessions",
    "LoginLimiter",
    "hash_password",
    "verify_password",
    "check_password",
    "check_name",
    "has_control",
    "safe_next",
    "current_session",
    "session_of",
    "csrf_guard",
    "check_csrf",
    "check_token",
    "check_origin",
    "check_host_header",
    "check_role",
    "check_host",
    "require",
    "page_session",
    "set_cookie",
    "check_same_origin",
    "workbench",
]

#: The session cookie's name; a server on a fixed port adds it (``zhagen_session_8765``), as
#: browsers share cookies between the ports of one host.
COOKIE = "zhagen_session"


def cookie_name(request: Request) -> str:
    """The session cookie of this server."""
    return cookie_for(workbench(request).settings.port)


def cookie_for(port: int) -> str:
    """The session cookie of a server on ``port`` (0: a port of its own choosing).

    >>> cookie_for(0), cookie_for(8765)
    ('zhagen_session', 'zhagen_session_8765')
    """
    return f"{COOKIE}_{port}" if port else COOKIE


def session_id(request: Request) -> str | None:
    """The session id the browser sent, if any."""
    return request.cookies.get(cookie_name(request))


UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, *, salt: bytes | None = None) -> dict[str, Any]:
    """A salted scrypt record for ``password`` (what ``web.json`` stores).

    >>> rec = hash_password("秘密 secret")
    >>> verify_password("秘密 secret", rec), verify_password("guess", rec)
    (True, False)
    """
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return {"kdf": "scrypt", **_SCRYPT, "salt": salt.hex(), "hash": digest.hex()}


def verify_password(password: str, record: dict[str, Any]) -> bool:
    """Whether ``password`` matches a record made by :func:`hash_password`."""
    if record.get("kdf") != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=bytes.fromhex(record["salt"]),
        dklen=32,
        n=int(record["n"]),
        r=int(record["r"]),
        p=int(record["p"]),
    )
    return hmac.compare_digest(digest.hex(), record["hash"])


@dataclass
class Session:
    """One logged-in browser."""

    id: str
    user: str
    role: str
    coder: str
    csrf: str
    fixed_coder: bool
    expires: float

    def can(self, role: str) -> bool:
        return ROLES[self.role] >= ROLES[role]

    def public(self) -> dict[str, Any]:
        """What the page may know about its own session."""
        return {
            "user": self.user,
            "role": self.role,
            "coder": self.coder,
            "coder_settable": not self.fixed_coder,
            "csrf": self.csrf,
        }


class Sessions:
    """Sessions by id, expiring after ``hours`` without use."""

    def __init__(self, hours: float = 12.0) -> None:
        self.ttl = hours * 3600
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, user: str, role: str, coder: str, *, fixed_coder: bool) -> Session:
        s = Session(
            id=secrets.token_urlsafe(32),
            user=user,
            role=role,
            coder=coder,
            csrf=secrets.token_urlsafe(32),
            fixed_coder=fixed_coder,
            expires=time.time() + self.ttl,
        )
        with self._lock:
            self._by_id[s.id] = s
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = time.time()
        with self._lock:
            s = self._by_id.get(sid)
            if s is None:
                return None
            if s.expires < now:
                del self._by_id[sid]
                return None
            s.expires = now + self.ttl
            return s

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def drop_user(self, user: str) -> None:
        """End every session of an account (removed or demoted)."""
        with self._lock:
            for sid in [k for k, s in self._by_id.items() if s.user == user]:
                del self._by_id[sid]


class LoginLimiter:
    """At most ``limit`` failed logins per client, and ``global_limit`` from all clients
    together, in ``window`` seconds (then 429 until the oldest failures age out).

    The per-client count stops one address guessing; the global budget stops many
    addresses (a botnet, or rotating IPv6 addresses) from sharing the work. Both count
    failures only, so they cost a user who logs in correctly nothing.

    >>> lim = LoginLimiter(limit=2, global_limit=3)
    >>> for who in ("a", "a", "b"):
    ...     lim.failed(who)
    >>> lim.blocked("a"), lim.blocked("b"), lim.blocked("c")
    (True, True, True)
    """

    def __init__(self, limit: int = 10, window: float = 300.0, global_limit: int = 200) -> None:
        self.limit, self.window, self.global_limit = limit, window, global_limit
        self._fails: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, q: deque[float], now: float) -> None:
        while q and q[0] < now - self.window:
            q.popleft()

    def blocked(self, client: str) -> bool:
        """Whether ``client`` must wait (its own failures, or everyone's, over budget)."""
        now = time.time()
        with self._lock:
            self._expire(self._all, now)
            q = self._fails.get(client)
            if q is not None:
                self._expire(q, now)
                if not q:
                    del self._fails[client]
            return len(self._all) >= self.global_limit or bool(q and len(q) >= self.limit)

    def check(self, client: str) -> None:
        """Raise 429 when :meth:`blocked`."""
        if self.blocked(client):
            raise WebError(
                429,
                "too_many_requests",
                "登录失败次数过多，请几分钟后再试",
                "too many failed logins; try again in a few minutes",
            )

    def failed(self, client: str) -> None:
        now = time.time()
        with self._lock:
            self._fails.setdefault(client, deque()).append(now)
            self._all.append(now)


_DUMMY: dict[str, Any] = {}


def check_password(password: str, record: dict[str, Any] | None) -> bool:
    """:func:`verify_password` against ``record``; for an unknown account (None) a dummy
    record is checked instead, so that the answer takes as long and a name cannot be
    found out by timing.

    >>> check_password("x", None)
    False
    """
    if record is None:
        if _DUMMY:
            verify_password(password, _DUMMY)
        else:  # the first unknown name: making the dummy costs the one hash, not two
            _DUMMY.update(hash_password(password + secrets.token_hex(16)))
        return False
    return verify_password(password, record)


#: Unicode categories a name or a redirect target may not contain: controls, format
#: characters (bidi overrides such as U+202E, zero-width joiners), separators other than
#: the plain space, surrogates and private use.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def has_control(text: str) -> bool:
    r"""Whether ``text`` holds a control, bidi-override or other invisible format character.

    >>> has_control("编码员甲"), has_control("admin\u202egpj"), has_control("a\tb")
    (False, True, True)
    """
    import unicodedata

    return any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in text)


def check_name(name: str) -> str:
    """An account or coder name, or ValueError (for pydantic) when it holds a control or
    bidi-override character, which would make it display as another name.

    >>> check_name("甲")
    '甲'
    """
    if has_control(name):
        raise ValueError(
            "名称含控制字符或双向文字控制符 / the name contains a control or bidi-override "
            "character"
        )
    return name


def safe_next(value: str | None, default: str = "/documents") -> str:
    r"""Where to go after a login: only a path on this server (else ``default``).

    Refused: anything that is not an absolute path, ``//host`` and ``/\\host`` (which
    browsers read as another host), any backslash, and control characters (a browser drops
    a TAB or newline, so ``/%09/evil.example`` would become ``//evil.example``).

    >>> safe_next("/codes?x=1"), safe_next("//evil.example"), safe_next("/\t/evil.example")
    ('/codes?x=1', '/documents', '/documents')
    >>> safe_next("https://evil.example"), safe_next("/\\evil"), safe_next(None)
    ('/documents', '/documents', '/documents')
    """
    from urllib.parse import urlsplit

    if not value or not value.startswith("/") or "\\" in value or has_control(value):
        return default
    if value.startswith("//") or value.strip() != value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def workbench(request: Request) -> Workbench:
    """The workbench serving ``request`` (project pool, sessions, settings)."""
    return request.app.state.workbench


def check_host(request: Request) -> None:
    """Refuse a Host header the server does not answer to (DNS rebinding guard)."""
    check_host_header(workbench(request).settings.allowed_hosts, request.headers.get("host"))


def check_host_header(allowed: set[str] | None, value: str | None) -> None:
    """:func:`check_host` on the Host header's value (None: not sent).

    >>> check_host_header({"127.0.0.1", "::1"}, "[::1]:8000")
    >>> check_host_header({"127.0.0.1"}, "evil.example:8000")
    Traceback (most recent call last):
    zhagen.web.errors.WebError: 不接受主机名「evil.example」 / the host name 'evil.example' is not accepted
    """
    if allowed is None:
        return
    value = value or ""
    host = value.rsplit(":", 1)[0].strip("[]").lower()
    if value.startswith("["):
        host = value.split("]")[0].strip("[").lower()
    if host not in allowed:
        raise WebError(
            403, "bad_host", f"不接受主机名「{host}」", f"the host name '{host}' is not accepted"
        )


def check_same_origin(request: Request) -> None:
    """When the browser says where a request comes from, it must be this server."""
    # the scheme as request.url gives it, read from the scope without building the whole
    # URL (~25 µs of every state-changing request)
    check_origin(
        request.headers.get("origin"),
        request.scope.get("scheme", "http"),
        request.headers.get("host", ""),
    )


def check_origin(origin: str | None, scheme: str, host: str) -> None:
    """:func:`check_same_origin` on the ``Origin`` header (None: not sent), the request's
    scheme and its ``Host`` header.

    >>> check_origin(None, "http", "127.0.0.1:8000")
    >>> check_origin("http://127.0.0.1:8000/", "http", "127.0.0.1:8000")
    >>> check_origin("http://evil.example", "http", "127.0.0.1:8000")
    Traceback (most recent call last):
    zhagen.web.errors.WebError: 请求来自其他网站，已拒绝 / the request comes from another site and was refused
    """
    if origin is None:  # not a browser, or a same-origin GET: nothing to compare
        return
    if origin.rstrip("/").lower() != f"{scheme}://{host}".lower():
        raise WebError(
            403,
            "csrf",
            "请求来自其他网站，已拒绝",
            "the request comes from another site and was refused",
        )


def set_cookie(request: Request, response: Response, session: Session) -> None:
    """Give the browser its session cookie (HttpOnly, SameSite=Strict)."""
    response.set_cookie(
        cookie_name(request),
        session.id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


_SCOPE_KEY = "zhagen.session"


def _local_session(request: Request) -> Session:
    return workbench(request).sessions.create("local", "owner", "default", fixed_coder=False)


def session_of(request: Request, response: Response) -> Session:
    """The caller's session. Without login on loopback, one is created. Found once per
    request (the CSRF check and the role check both ask)."""
    found = request.scope.get(_SCOPE_KEY)
    if found is not None:
        return found
    check_host(request)
    wb = workbench(request)
    s = wb.sessions.get(session_id(request))
    if s is None:
        if wb.settings.auth:
            raise WebError(401, "unauthorized", "请先登录", "please log in first")
        s = _local_session(request)
        set_cookie(request, response, s)
    request.scope[_SCOPE_KEY] = s
    return s


def page_session(request: Request) -> tuple[Session | None, bool]:
    """For HTML pages: (session or None when a login is needed, whether it is new)."""
    check_host(request)
    wb = workbench(request)
    s = wb.sessions.get(session_id(request))
    if s is not None:
        return s, False
    if wb.settings.auth:
        return None, False
    return _local_session(request), True


async def current_session(request: Request, response: Response) -> Session:
    """Dependency: the caller's session (async: no thread hop for in-memory work)."""
    return session_of(request, response)


def check_csrf(request: Request, session: Session) -> None:
    """A state-changing request must come from this server's origin (when the browser says)
    and carry the session's CSRF token; WebError 403 otherwise. Other requests pass."""
    if request.method not in UNSAFE:
        return
    check_same_origin(request)
    check_token(request.headers.get("x-csrf-token", ""), session)


def check_token(token: str, session: Session) -> None:
    """The ``X-CSRF-Token`` of a state-changing request must be the session's (403)."""
    if not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise WebError(
            403,
            "csrf",
            "缺少或错误的 CSRF 令牌；请刷新页面后重试",
            "missing or wrong CSRF token; reload the page and try again",
        )


def check_role(session: Session, role: str) -> Session:
    """The session, if its role is at least ``role``; WebError 403 otherwise."""
    if not session.can(role):
        zh = {"coder": "编码员", "owner": "项目所有者"}.get(role, role)
        raise WebError(
            403,
            "forbidden",
            f"需要「{zh}」权限；你的角色是 {session.role}",
            f"this needs the {role} role; yours is {session.role}",
        )
    return session


async def csrf_guard(request: Request, response: Response) -> None:
    """Router dependency: a state-changing request needs the session's CSRF token."""
    check_csrf(request, session_of(request, response))


def require(role: str) -> Any:
    """Dependency factory: the session, if its role is at least ``role`` (else 403)."""

    # The session straight from session_of, not through a current_session sub-dependency:
    # FastAPI solves every dependency level anew on each request (~40 µs of a coding
    # request's CPU); the session is still found once per request (cached in the scope).
    async def dep(request: Request, response: Response) -> Session:
        return check_role(session_of(request, response), role)

    return dep
