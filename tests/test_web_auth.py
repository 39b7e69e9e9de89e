"""Login, roles, CSRF, the Host check, session cookies and blind coding."""

from __future__ import annotations

from pathlib import Path

import fastapi  # noqa: F401 - a dependency: a broken install fails here
import httpx  # noqa: F401 - a dependency: a broken install fails here
import pytest

from web_support import assert_error, client, login, make_project, session  # noqa: E402

TOKEN = "test-token-0123456789"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def secured(project: Path):
    """A server that requires login (as one bound beyond loopback does)."""
    with client(project, host="0.0.0.0", token=TOKEN) as cl:
        yield cl


def _add_user(owner, name: str, role: str, password: str = "correct horse") -> None:
    r = owner.post("/api/users", json={"name": name, "password": password, "role": role})
    assert r.status_code == 200, r.text


def test_loopback_needs_no_login_beyond_needs_it(project: Path) -> None:
    from zhagen.web.state import Settings

    assert Settings(project=project).auth is False
    assert Settings(project=project, host="127.0.0.2").auth is False
    assert Settings(project=project, host="0.0.0.0").auth is True
    assert Settings(project=project, host="192.0.2.1").auth is True
    forced = Settings(project=project, auth=True)
    assert forced.auth and forced.token and len(forced.token) >= 24


def test_everything_needs_login(secured) -> None:
    info = secured.get("/api/session").json()
    assert info == {
        "auth_required": True,
        "blind": False,
        "user": None,
        "role": None,
        "authenticated": False,
    }
    for path in (
        "/api/documents",
        "/api/codes",
        "/api/documents/1/text",
        "/api/tables",
        "/maps/1/files/map.html",
    ):
        assert_error(secured.get(path), 401, "unauthorized")
    assert_error(secured.post("/api/codes", json={"name": "x"}), 401)
    page = secured.get("/documents/1", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/documents/1"
    assert secured.get("/login").status_code == 200


def test_token_login_and_cookie_flags(secured) -> None:
    assert_error(secured.post("/api/login", json={"token": "wrong"}), 401, "login_failed")
    r = secured.post("/api/login", json={"token": TOKEN})
    assert r.status_code == 200 and r.json()["role"] == "owner"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    secured.headers["X-CSRF-Token"] = r.json()["csrf"]
    assert secured.get("/api/documents").status_code == 200
    assert secured.post("/api/logout").status_code == 200
    assert_error(secured.get("/api/documents"), 401)


def test_token_link_logs_in_and_next_is_local_only(secured) -> None:
    r = secured.get(f"/login?token={TOKEN}&next=/codes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/codes"
    assert secured.get("/api/codes").status_code == 200
    r = secured.get(f"/login?token={TOKEN}&next=//evil.example/x", follow_redirects=False)
    assert r.headers["location"] == "/documents"


def test_accounts_and_roles(project: Path) -> None:
    with client(project, host="0.0.0.0", token=TOKEN) as owner:
        login(owner, token=TOKEN)
        _add_user(owner, "coder1", "coder")
        _add_user(owner, "viewer1", "viewer")
        assert_error(
            owner.post("/api/users", json={"name": "x", "password": "short", "role": "coder"}), 422
        )
        assert_error(
            owner.post("/api/users", json={"name": "y", "password": "long enough", "role": "god"}),
            422,
        )
        users = owner.get("/api/users").json()
        assert users == [{"name": "coder1", "role": "coder"}, {"name": "viewer1", "role": "viewer"}]
        stored = (project.parent / "study.zhagen.files" / "web.json").read_text(encoding="utf-8")
        assert "correct horse" not in stored and '"kdf": "scrypt"' in stored
        assert (project.parent / "study.zhagen.files" / "web.json").stat().st_mode & 0o077 == 0
    with client(project, host="0.0.0.0", token=TOKEN) as coder:
        assert_error(
            coder.post("/api/login", json={"username": "coder1", "password": "wrong pass"}), 401
        )
        info = login(coder, username="coder1", password="correct horse")
        assert (info["role"], info["coder"], info["coder_settable"]) == ("coder", "coder1", False)
        r = coder.post(
            "/api/codings", json={"document": 1, "sentences": [0], "new_code": {"name": "主体"}}
        )
        assert r.status_code == 200
        assert coder.get("/api/documents/1/codings").json()["codings"][0]["coder"] == "coder1"
        assert_error(coder.put("/api/session/coder", json={"name": "someone"}), 403)
        assert_error(coder.get("/api/users"), 403, "forbidden")
        assert_error(coder.put("/api/settings", json={"blind": True}), 403)
    with client(project, host="0.0.0.0", token=TOKEN) as viewer:
        login(viewer, username="viewer1", password="correct horse")
        assert viewer.get("/api/documents/1/codings").status_code == 200
        for method, path, body in [
            ("POST", "/api/codings", {"document": 1, "sentences": [0], "code": 1}),
            ("POST", "/api/codes", {"name": "x"}),
            ("PATCH", "/api/codes/1", {"name": "y"}),
            ("DELETE", "/api/codes/1", None),
            ("POST", "/api/memos", {"target_type": "project", "text": "x"}),
            ("PUT", "/api/storyline", {"text": "x"}),
            ("POST", "/api/undo", None),
            ("POST", "/api/maps", {}),
        ]:
            assert_error(viewer.request(method, path, json=body), 403, "forbidden")


def test_deleted_account_loses_its_sessions(project: Path) -> None:
    with client(project, host="0.0.0.0", token=TOKEN) as owner:
        login(owner, token=TOKEN)
        _add_user(owner, "tmp", "coder")
        app = owner.app
        from fastapi.testclient import TestClient

        with TestClient(app) as other:
            login(other, username="tmp", password="correct horse")
            assert other.get("/api/codes").status_code == 200
            assert owner.delete("/api/users/tmp").status_code == 200
            assert_error(other.get("/api/codes"), 401)
        assert_error(owner.delete("/api/users/tmp"), 404)


def test_login_rate_limit(secured) -> None:
    for _ in range(10):
        assert_error(secured.post("/api/login", json={"token": "nope"}), 401)
    assert_error(secured.post("/api/login", json={"token": TOKEN}), 429, "too_many_requests")


def test_login_needs_json_and_same_origin(secured) -> None:
    r = secured.post("/api/login", data={"token": TOKEN})
    assert_error(r, 415)
    r = secured.post("/api/login", json={"token": TOKEN}, headers={"Origin": "http://evil.example"})
    assert_error(r, 403, "csrf")


# -- CSRF ------------------------------------------------------------------------------------
def test_csrf_on_every_state_changing_route(project: Path) -> None:
    from fastapi.routing import APIRoute

    from zhagen.web.routes import codes, coding, documents, maps, notes, reports
    from zhagen.web.routes import session as session_routes

    modules = (session_routes, documents, coding, codes, notes, reports, maps)
    routes = [r for m in modules for r in m.router.routes if isinstance(r, APIRoute)]
    routes += [r for r in session_routes.public.routes if isinstance(r, APIRoute)]
    routes += [r for r in maps.files.routes if isinstance(r, APIRoute)]
    with client(project) as c:
        session(c)
        good = c.headers.pop("X-CSRF-Token")
        unsafe = [
            (m, r.path)
            for r in routes
            for m in r.methods
            if m in {"POST", "PUT", "PATCH", "DELETE"} and r.path != "/api/login"
        ]
        assert len(unsafe) >= 20
        for method, path in unsafe:
            url = (
                path.replace("{code_id}", "1").replace("{coding_id}", "1").replace("{memo_id}", "1")
            )
            url = url.replace("{relation_id}", "1").replace("{name}", "x")
            assert_error(c.request(method, url, json={}), 403, "csrf")
            assert_error(
                c.request(method, url, json={}, headers={"X-CSRF-Token": "forged"}), 403, "csrf"
            )
        r = c.post(
            "/api/codes",
            json={"name": "ok"},
            headers={"X-CSRF-Token": good, "Origin": "http://evil.example"},
        )
        assert_error(r, 403, "csrf")
        r = c.post(
            "/api/codes",
            json={"name": "ok"},
            headers={"X-CSRF-Token": good, "Origin": "http://testserver"},
        )
        assert r.status_code == 200


def test_host_check_on_loopback(project: Path) -> None:
    with client(project, allowed_hosts={"127.0.0.1", "localhost"}) as c:
        assert_error(c.get("/api/session", headers={"Host": "attacker.example"}), 403, "bad_host")
        assert_error(c.get("/documents", headers={"Host": "attacker.example"}), 403, "bad_host")
        assert c.get("/api/session", headers={"Host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/session", headers={"Host": "localhost"}).status_code == 200


def test_local_page_sets_session_and_csrf_meta(project: Path) -> None:
    with client(project) as c:
        r = c.get("/documents")
        assert "zhagen_session" in r.headers.get("set-cookie", "")
        assert '<meta name="csrf-token" content="' in r.text
        token = r.text.split('<meta name="csrf-token" content="')[1].split('"')[0]
        assert len(token) > 20
        assert (
            c.post("/api/codes", json={"name": "x"}, headers={"X-CSRF-Token": token}).status_code
            == 200
        )


def test_password_hash_is_salted_scrypt() -> None:
    from zhagen.web.auth import hash_password, verify_password

    a, b = hash_password("同一个密码"), hash_password("同一个密码")
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert verify_password("同一个密码", a) and not verify_password("别的", a)
    assert not verify_password("x", {"kdf": "md5"})


# -- blind coding ----------------------------------------------------------------------------
def test_blind_coding_hides_other_coders_until_agreement(project: Path) -> None:
    with client(project) as c:
        session(c)
        c.put("/api/session/coder", json={"name": "甲"})
        k_a = c.post(
            "/api/codings", json={"document": 1, "sentences": [1], "new_code": {"name": "政策"}}
        ).json()["ids"][0]
        c.post("/api/memos", json={"target_type": "document", "target_id": 1, "text": "甲的备忘"})
        assert c.put("/api/settings", json={"blind": True}).json()["blind"] is True
        c.put("/api/session/coder", json={"name": "乙"})
        assert c.get("/api/documents/1/codings").json()["codings"] == []
        assert c.get("/api/memos").json() == []
        assert [x["count"] for x in c.get("/api/codes").json()] == [0]
        assert c.get("/api/documents", params={"coded": "true"}).json()["total"] == 0
        assert c.get("/api/tables").json()["tables"][0]["rows"] == []
        assert_error(c.get(f"/api/codings/{k_a}"), 404)
        # asking for another coder's codings does not lift the blind
        assert c.get("/api/documents", params={"coder": "甲", "coded": "true"}).json()["total"] == 0
        c.post("/api/codings", json={"document": 1, "sentences": [1], "new_code": {"name": "政策"}})
        assert len(c.get("/api/documents/1/codings").json()["codings"]) == 1
        # undo in blind mode undoes only my own edit
        assert "政策" in c.post("/api/undo").json()["description"]
        c.post("/api/redo")
        c.put("/api/session/coder", json={"name": "甲"})
        assert len(c.get("/api/documents/1/codings").json()["codings"]) == 1
        agr = c.post("/api/agreement", json={"a": "甲", "b": "乙"})
        assert agr.status_code == 200
        assert c.get("/api/settings").json()["blind"] is False
        assert len(c.get("/api/documents/1/codings").json()["codings"]) == 2


def test_blind_coder_cannot_touch_others_codings(project: Path) -> None:
    with client(project, host="0.0.0.0", token=TOKEN) as owner:
        login(owner, token=TOKEN)
        _add_user(owner, "c1", "coder")
        _add_user(owner, "c2", "coder")
        owner.put("/api/settings", json={"blind": True})
        from fastapi.testclient import TestClient

        with TestClient(owner.app) as c1, TestClient(owner.app) as c2:
            login(c1, username="c1", password="correct horse")
            login(c2, username="c2", password="correct horse")
            k = c1.post(
                "/api/codings", json={"document": 1, "sentences": [0], "new_code": {"name": "主体"}}
            ).json()["ids"][0]
            # coding blind, another coder's coding does not exist for c2: DELETE and PATCH
            # answer exactly as GET (404), naming no coder
            got = assert_error(c2.get(f"/api/codings/{k}"), 404, "not_found")
            assert assert_error(c2.delete(f"/api/codings/{k}"), 404, "not_found") == got
            assert assert_error(c2.patch(f"/api/codings/{k}", json={"code": 1}), 404) == got
            assert "c1" not in str(got)
            assert_error(c2.post("/api/agreement", json={"a": "c1", "b": "c2"}), 403)
            assert_error(c2.get("/api/export/qdpx"), 403)
            assert c1.delete(f"/api/codings/{k}").status_code == 200
