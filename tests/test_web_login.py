"""Login hardening: the token link is rate-limited, a global failure budget besides the
per-address one, unknown names cost a password hash like known ones, ``next=`` accepts only
paths on this server, and names reject control and bidi-override characters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from web_support import assert_error, client, login, make_project

TOKEN = "login-token-0123456789"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("login"))


def _app(project: Path):
    from zhagen.web.app import create_app
    from zhagen.web.state import Settings

    return create_app(Settings(project=project, host="0.0.0.0", token=TOKEN))


def _from(app, address: str):
    from fastapi.testclient import TestClient

    return TestClient(app, client=(address, 40000), follow_redirects=False)


def test_token_link_is_rate_limited(project: Path) -> None:
    app = _app(project)
    limit = app.state.workbench.limiter.limit
    with _from(app, "198.51.100.7") as c:
        for _ in range(limit):
            assert c.get("/login", params={"token": "guess"}).status_code == 200
        assert_error(c.get("/login", params={"token": "guess"}), 429, "too_many_requests")
        # blocked even with the right token, and the JSON login shares the count
        assert c.get("/login", params={"token": TOKEN}).status_code == 429
        r = c.post("/api/login", json={"token": TOKEN})
        assert_error(r, 429, "too_many_requests")
    with _from(app, "198.51.100.8") as other:  # another address is not blocked
        r = other.get("/login", params={"token": TOKEN})
        assert r.status_code == 303 and r.headers["location"] == "/documents"


def test_global_failure_budget(project: Path) -> None:
    from zhagen.web.auth import LoginLimiter

    app = _app(project)
    app.state.workbench.limiter = LoginLimiter(limit=10, global_limit=6)
    for i in range(6):  # six addresses, one failure each: none over its own limit
        with _from(app, f"203.0.113.{i}") as c:
            r = c.post("/api/login", json={"username": "nobody", "password": "wrong"})
            assert_error(r, 401, "login_failed")
    with _from(app, "203.0.113.99") as fresh:
        r = fresh.post("/api/login", json={"username": "nobody", "password": "wrong"})
        assert_error(r, 429, "too_many_requests")


def test_unknown_name_costs_a_hash_like_a_known_one(project: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with client(project, host="0.0.0.0", token=TOKEN) as owner:
        login(owner, token=TOKEN)
        r = owner.post("/api/users", json={"name": "known", "password": "correct horse",
                                           "role": "coder"})  # fmt: skip
        assert r.status_code == 200
        monkeypatch.setattr(hashlib, "scrypt", counted)
        # the first unknown name of a server's life too (the dummy record is made then)
        monkeypatch.setattr("zhagen.web.auth._DUMMY", {})
        for name in ("unknown-first", "known", "unknown-name"):
            calls.clear()
            r = owner.post("/api/login", json={"username": name, "password": "wrong pass"})
            assert_error(r, 401, "login_failed")
            assert len(calls) == 1, name  # one scrypt either way: no timing difference


@pytest.mark.parametrize(
    "raw",
    ["//evil.example", "/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
     "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example", "https://evil.example",
     "/%E2%80%AE/evil", "%09/evil.example", "/%00/evil", "javascript:alert(1)",
     "%20//evil.example"],
)  # fmt: skip
def test_next_accepts_only_same_origin_paths(project: Path, raw: str) -> None:
    app = _app(project)
    with _from(app, "192.0.2.10") as c:
        r = c.get(f"/login?token={TOKEN}&next={raw}")
        assert r.status_code == 303
        assert r.headers["location"] == "/documents", raw
        page = c.get(f"/login?next={raw}")
        assert "evil" not in page.text  # the login form's own next is the safe default


def test_next_keeps_a_local_path(project: Path) -> None:
    app = _app(project)
    with _from(app, "192.0.2.11") as c:
        r = c.get(f"/login?token={TOKEN}&next=/codes%3Fx%3D1")
        assert r.headers["location"] == "/codes?x=1"


@pytest.mark.parametrize("name", ["adm\u202enimda", "a\u200bb", "bell\x07", "r\u2066l", "x\u0085"])
def test_names_reject_control_and_bidi_characters(project: Path, name: str) -> None:
    with client(project, host="0.0.0.0", token=TOKEN) as owner:
        login(owner, token=TOKEN)
        r = owner.post("/api/users", json={"name": name, "password": "correct horse",
                                           "role": "coder"})  # fmt: skip
        assert_error(r, 422, "validation")
        assert name not in [u["name"] for u in owner.get("/api/users").json()]
        assert_error(owner.put("/api/session/coder", json={"name": name}), 422, "validation")
        ok = owner.post("/api/users", json={"name": "编码员甲", "password": "correct horse",
                                            "role": "coder"})  # fmt: skip
        assert ok.status_code == 200
