"""``POST /api/codings`` in front of FastAPI's routing (``FastAddCoding``, issue 18).

Every request is sent twice, to two workbenches on two identical projects: once as the
fast path serves it and once as the FastAPI route does (a ``Content-Type`` with a parameter
the fast path leaves to the app). The answers — status, JSON, the coding in the file — must
be the same, for success and for every check (Host, session, CSRF token and origin, role,
document, code, span). The fast workbench has the route removed, so an answer from it can
only come from the fast path; what the fast path hands on (no session yet, a body that does
not validate) is compared on a full app.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_support import client, make_project, session  # noqa: E402

FAST = {"content-type": "application/json"}
ROUTE = {"content-type": "application/json; profile=route"}  # the fast path hands it on


def _strip_route(app: Any) -> None:
    app.router.routes[:] = [
        r for r in app.router.routes
        if not (getattr(r, "path", "") == "/api/codings" and "POST" in getattr(r, "methods", ()))
    ]  # fmt: skip


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    """(fast client without the route, full client, full client on the first project)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_project(tmp_path / "a")
    second = tmp_path / "b" / "study.zhagen"
    shutil.copy(first, second)
    fast_cm = client(first, allowed_hosts={"testserver"})
    route_cm = client(second, allowed_hosts={"testserver"})
    fast, route = fast_cm.__enter__(), route_cm.__enter__()
    _strip_route(fast.app)
    for c in (fast, route):
        session(c)
        r = c.post("/api/codes", json={"name": "政策支持", "level": 1})
        assert r.status_code == 200, r.text
    yield fast, route
    fast_cm.__exit__(None, None, None)
    route_cm.__exit__(None, None, None)


def _post(c: Any, body: Any, headers: dict[str, str], **extra: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return c.post("/api/codings", content=data, headers={**headers, **extra})


def _codings(c: Any) -> Any:
    """Document 1's codings as the workbench shows them, without their creation time."""
    out = c.get("/api/documents/1/codings").json()
    for coding in out["codings"]:
        coding.pop("created", None)
    return out


def _both(pair: Any, body: Any, **extra: str) -> tuple[Any, Any]:
    fast, route = pair
    a, b = _post(fast, body, FAST, **extra), _post(route, body, ROUTE, **extra)
    assert (a.status_code, a.json()) == (b.status_code, b.json()), (a.text, b.text)
    return a, b


CASES = {
    "span": {"document": 1, "start": 0, "end": 4, "code": 1},
    "sentences": {"document": 2, "sentences": [0, 1], "code": 1},
    "new code": {"document": 1, "start": 2, "end": 6, "new_code": {"name": "创新主体"}},
    "new code under a parent": {"document": 1, "start": 1, "end": 3,
                                "new_code": {"name": "主体", "parent": 1, "level": "none"}},
    "span past the end": {"document": 1, "start": 0, "end": 10_000, "code": 1},
    "no such document": {"document": 99, "start": 0, "end": 2, "code": 1},
    "no such code": {"document": 1, "start": 0, "end": 2, "code": 999},
    "no such sentence": {"document": 1, "sentences": [50], "code": 1},
    "empty new code": {"document": 1, "start": 0, "end": 2, "new_code": {"name": " "}},
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_fast_path_answers_as_the_route(pair: Any, case: str) -> None:
    a, _b = _both(pair, CASES[case])
    assert a.headers["content-type"] == "application/json"
    assert "app;dur=" in a.headers["server-timing"] and "thread;dur=" in a.headers["server-timing"]
    assert a.headers["content-security-policy"] and a.headers["x-content-type-options"]
    assert a.headers["cache-control"] == "no-store"
    fast, route = pair
    mine = _codings(fast)
    assert mine == _codings(route)
    if a.status_code == 200:
        assert a.json()["ids"] and all(c["coder"] == "default" for c in mine["codings"])
        # one undoable edit, as through the route
        assert fast.post("/api/undo").status_code == route.post("/api/undo").status_code == 200
        assert _codings(fast) == _codings(route)


def test_checks_answer_as_the_route(pair: Any) -> None:
    body = CASES["span"]
    fast, route = pair
    for c in pair:  # no token: the CSRF check
        c.headers.pop("X-CSRF-Token")
    a, _ = _both(pair, body)
    assert a.status_code == 403 and a.json()["error"]["code"] == "csrf"
    a, _ = _both(pair, body, **{"x-csrf-token": "guess"})
    assert a.status_code == 403
    for c in pair:
        session(c)
    a, _ = _both(pair, body, origin="http://evil.example")
    assert a.status_code == 403 and a.json()["error"]["code"] == "csrf"
    a, _ = _both(pair, body, host="evil.example")
    assert a.status_code == 403 and a.json()["error"]["code"] == "bad_host"
    # a viewer may read, not code
    for c in pair:
        wb = c.app.state.workbench
        viewer = wb.sessions.create("v", "viewer", "v", fixed_coder=True)
        c.cookies.clear()
        c.cookies.set("zhagen_session", viewer.id)
        c.headers["X-CSRF-Token"] = viewer.csrf
    a, _ = _both(pair, body)
    assert a.status_code == 403 and a.json()["error"]["code"] == "forbidden"
    assert _codings(fast) == _codings(route) and not _codings(fast)["codings"]


def test_what_the_fast_path_hands_on_is_answered_by_the_app(tmp_path: Path) -> None:
    """No session yet (the app's loopback session), bodies that do not validate, bad JSON:
    the same answers with and without the fast path."""
    (tmp_path / "b").mkdir()
    first = make_project(tmp_path)
    shutil.copy(first, tmp_path / "b" / "study.zhagen")
    with client(first) as fast, client(tmp_path / "b" / "study.zhagen") as route:
        for c in (fast, route):  # a session, then its cookie dropped: a POST without one
            assert c.post("/api/codes", json={"name": "政策支持"}).status_code == 403
            session(c)
            assert c.post("/api/codes", json={"name": "政策支持"}).status_code == 200
        for body in ({"document": 1, "start": -1, "end": 2, "code": 1},
                     {"document": 1, "code": 1}, [1, 2], b"{not json"):  # fmt: skip
            a, b = _post(fast, body, FAST), _post(route, body, ROUTE)
            assert (a.status_code, a.json()) == (b.status_code, b.json())
            assert a.status_code in (400, 422)
        for c in (fast, route):
            c.cookies.clear()
        a, b = _post(fast, CASES["span"], FAST), _post(route, CASES["span"], ROUTE)
        # no session: the app makes a new loopback one, whose token the request lacks
        assert (a.status_code, a.json()) == (b.status_code, b.json()) and a.status_code == 403
        assert a.json()["error"]["code"] == "csrf"
        assert ("set-cookie" in a.headers) == ("set-cookie" in b.headers)


def test_a_streamed_body_is_left_to_the_app(pair: Any) -> None:
    """A body without a length (streamed) goes to the app, which reads it under its limit:
    past the limit its 413 error, else the route's answer."""
    from zhagen.web.app import MAX_BODY

    def chunks() -> Any:  # no Content-Length: the limit is found while reading
        piece = b" " * 65536
        for _ in range(MAX_BODY // len(piece) + 2):
            yield piece

    fast, route = pair
    small = json.dumps(CASES["span"]).encode()
    # the fast workbench has no route: what the front door hands on finds none
    assert fast.post("/api/codings", content=iter([small]), headers=FAST).status_code == 404
    r = route.post("/api/codings", content=chunks(), headers=FAST)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = route.post("/api/codings", content=iter([small]), headers=FAST)
    assert r.status_code == 200 and r.json()["ids"] == [1]
    assert not _codings(fast)["codings"] and len(_codings(route)["codings"]) == 1


def test_a_body_over_the_limit_is_left_to_the_apps_413(pair: Any) -> None:
    """A Content-Length past the limit: the front door reads nothing and the app's limit
    answers (413, the JSON error), on both workbenches."""
    from zhagen.web.app import MAX_BODY

    data = b" " * (MAX_BODY + 1)
    for c, headers in zip(pair, (FAST, ROUTE), strict=True):
        r = c.post("/api/codings", content=data, headers=headers)
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert _codings(pair[0]) == _codings(pair[1]) and not _codings(pair[0])["codings"]


def test_an_unexpected_error_is_the_json_500(tmp_path: Path) -> None:
    """An error nobody expected in the engine (here SQLite refusing the insert, through a
    trigger another connection added): the front door answers it as the app's handler
    does (500, the JSON shape, not cached), and the next coding is served."""
    import sqlite3

    first = make_project(tmp_path)
    with client(first, allowed_hosts={"testserver"}) as fast:
        _strip_route(fast.app)
        session(fast)
        assert fast.post("/api/codes", json={"name": "政策支持", "level": 1}).status_code == 200
        with sqlite3.connect(first) as conn:
            conn.execute("CREATE TRIGGER fault BEFORE INSERT ON codings "
                         "BEGIN SELECT RAISE(ABORT, 'a fault'); END")  # fmt: skip
        r = _post(fast, CASES["span"], FAST)
        assert r.status_code == 500 and r.json()["error"]["code"] == "internal"
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["content-security-policy"]
        with sqlite3.connect(first) as conn:
            conn.execute("DROP TRIGGER fault")
        r = _post(fast, CASES["span"], FAST)
        assert r.status_code == 200 and len(_codings(fast)["codings"]) == 1
