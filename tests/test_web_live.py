"""Live updates: ``GET /api/changes`` tells one browser what another changed, from one
shared cache, and never tells a blind coder about another coder's codings."""

from __future__ import annotations

from pathlib import Path

import pytest

from web_support import assert_error, login, make_project, session


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def _app(project: Path, **settings):
    from zhagen.web.app import create_app
    from zhagen.web.state import Settings

    app = create_app(Settings(project=project, **settings))
    app.state.workbench.changes.interval = 0  # no cache between the test's polls
    return app


def _clients(app, n: int) -> list:
    from fastapi.testclient import TestClient

    return [TestClient(app) for _ in range(n)]


def test_another_browser_sees_codings_codes_and_memos(project: Path) -> None:
    app = _app(project)
    a, b = _clients(app, 2)
    session(a), session(b)
    a.put("/api/session/coder", json={"name": "甲"})
    start = b.get("/api/changes").json()
    assert start["changes"] == [] and start["reset"] is False
    r = a.post("/api/codings", json={"document": 1, "start": 0, "end": 4,
                                     "new_code": {"name": "创新主体"}})  # fmt: skip
    assert r.status_code == 200, r.text
    res = b.get("/api/changes", params={"since": start["version"]}).json()
    assert res["version"] > start["version"]
    kinds = {c["kind"]: c for c in res["changes"]}
    assert kinds["tree"]["documents"] == []  # the new code (the tree API logs no actor)
    assert kinds["coding"]["documents"] == [1] and kinds["coding"]["actor"] == "甲"
    again = b.get("/api/changes", params={"since": res["version"]}).json()
    assert again == {"version": res["version"], "changes": [], "reset": False}
    a.post("/api/memos", json={"target_type": "document", "target_id": 2, "text": "备忘"})
    memo = b.get("/api/changes", params={"since": res["version"]}).json()["changes"]
    assert [(c["kind"], c["documents"]) for c in memo] == [("memo", [2])]
    a.post("/api/undo")
    undo = b.get("/api/changes", params={"since": res["version"]}).json()["changes"][-1]
    assert undo["kind"] == "memo"  # the undone edit's kind


def test_blind_coder_hears_nothing_of_another_coders_codings(project: Path) -> None:
    app = _app(project)
    a, b = _clients(app, 2)
    session(a), session(b)
    a.put("/api/session/coder", json={"name": "甲"})
    b.put("/api/session/coder", json={"name": "乙"})
    assert a.put("/api/settings", json={"blind": True}).status_code == 200
    since = b.get("/api/changes").json()["version"]
    a.post("/api/codings", json={"document": 1, "start": 0, "end": 4,
                                 "new_code": {"name": "政策"}})  # fmt: skip
    a.post("/api/memos", json={"target_type": "document", "target_id": 1, "text": "甲的备忘"})
    seen = b.get("/api/changes", params={"since": since}).json()["changes"]
    assert [c["kind"] for c in seen] == ["tree"]  # the shared code tree, nothing else
    assert seen[0]["actor"] == "" and seen[0]["documents"] is None
    mine = a.get("/api/changes", params={"since": since}).json()["changes"]
    assert {"tree", "coding", "memo"} <= {c["kind"] for c in mine}  # 甲 sees their own


def test_one_query_a_second_for_every_browser(project: Path) -> None:
    app = _app(project)
    changes = app.state.workbench.changes
    changes.interval = 60.0
    clients = _clients(app, 3)
    for c in clients:
        session(c)
    version = clients[0].get("/api/changes").json()["version"]
    for _ in range(10):
        for c in clients:
            assert c.get("/api/changes", params={"since": version}).status_code == 200
    assert changes.queries == 1


def test_a_browser_too_far_behind_reloads_everything(project: Path) -> None:
    app = _app(project)
    (a,) = _clients(app, 1)
    session(a)
    version = a.get("/api/changes").json()["version"]
    assert version >= 2  # the import wrote log entries before the server started
    res = a.get("/api/changes", params={"since": 1}).json()
    assert res["reset"] is True and res["version"] == version


def test_changes_need_a_login(project: Path) -> None:
    app = _app(project, auth=True, token="t0k")
    (c,) = _clients(app, 1)
    assert_error(c.get("/api/changes"), 401, "unauthorized")
    login(c, token="t0k")
    assert c.get("/api/changes").status_code == 200
