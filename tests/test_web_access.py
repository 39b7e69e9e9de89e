"""Every route, as every role, in blind and open mode: nothing of another coder's work is
visible (coding blind) or changeable (always, but for the owner's deliberate acts).

Coder ``c1`` owns codings, memos and two codes; then the owner, a second coder ``c2`` and a
viewer call every route of the app with ``c1``'s ids. The walk enumerates ``app.routes`` and
fails on a route it has no request for, so a new route cannot escape it. After each call
``c1``'s work, read straight from the project file, must be as it was; coding blind, no
answer may name ``c1``'s memos or show ``c1`` as a coder or actor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from web_support import client, login, make_project

TOKEN = "walk-token-0123456789"
PASSWORD = "correct horse"
SECRET = "甲的秘密备忘"
#: c1 named as the coder or actor of anything in a JSON answer
NAMED = re.compile(r'"(coder|actor)"\s*:\s*"c1"')

Spec = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


def _get(path: str) -> Spec:
    return lambda ctx: (path.format(**ctx), {})


def _json(path: str, body: Callable[[dict[str, Any]], Any]) -> Spec:
    return lambda ctx: (path.format(**ctx), {"json": body(ctx)})


#: (method, route path) → the request made to it; the ids are c1's.
ROUTES: dict[tuple[str, str], Spec] = {
    ("GET", "/static"): _get("/static/css/app.css"),
    ("POST", "/api/codings"): _json(
        "/api/codings", lambda c: {"document": 1, "sentences": [1], "code": c["code"]}
    ),
    ("DELETE", "/api/codings/{coding_id}"): _get("/api/codings/{coding}"),
    ("PATCH", "/api/codings/{coding_id}"): _json(
        "/api/codings/{coding}", lambda c: {"code": c["shared"]}
    ),
    ("GET", "/api/codings/{coding_id}"): _get("/api/codings/{coding}"),
    ("GET", "/api/documents"): _get("/api/documents?coded=true&coder=c1"),
    ("GET", "/api/documents/{doc_id}"): _get("/api/documents/1"),
    ("GET", "/api/documents/{doc_id}/text"): _get("/api/documents/1/text"),
    ("GET", "/api/documents/{doc_id}/sentences"): _get("/api/documents/1/sentences"),
    ("GET", "/api/documents/{doc_id}/cleaning"): _get("/api/documents/1/cleaning"),
    ("GET", "/api/documents/{doc_id}/codings"): _get("/api/documents/1/codings"),
    ("GET", "/api/search"): _get("/api/search?q=企业"),
    ("GET", "/api/sources"): _get("/api/sources"),
    ("GET", "/api/problems"): _get("/api/problems"),
    ("POST", "/api/documents/upload"): lambda c: (
        "/api/documents/upload",
        {"files": [("files", ("walk.txt", "走查上传的文本。".encode(), "text/plain"))]},
    ),
    ("GET", "/api/changes"): _get("/api/changes?since=0"),
    ("GET", "/api/codes"): _get("/api/codes"),
    ("POST", "/api/codes"): _json("/api/codes", lambda c: {"name": f"新码{c['n']}"}),
    ("PATCH", "/api/codes/{code_id}"): _json("/api/codes/{code}", lambda c: {"level": 2}),
    ("POST", "/api/codes/{code_id}/move"): _json(
        "/api/codes/{code}/move", lambda c: {"parent": c["top"]}
    ),
    ("POST", "/api/codes/move"): _json(
        "/api/codes/move", lambda c: {"ids": [c["code"], c["code2"]], "parent": c["top"]}
    ),
    ("POST", "/api/codes/{code_id}/promote"): _json("/api/codes/{code}/promote", lambda c: {}),
    ("POST", "/api/codings/in_vivo"): _json(
        "/api/codings/in_vivo", lambda c: {"document": 1, "start": 0, "end": 2}
    ),
    ("POST", "/api/codes/merge"): _json(
        "/api/codes/merge", lambda c: {"sources": [c["code2"]], "into": c["shared"]}
    ),
    ("DELETE", "/api/codes/{code_id}"): _get("/api/codes/{code}?force=true"),
    ("GET", "/api/codes/{code_id}/codings"): _get("/api/codes/{code}/codings"),
    ("GET", "/api/memos"): _get("/api/memos"),
    ("POST", "/api/memos"): _json(
        "/api/memos", lambda c: {"target_type": "coding", "target_id": c["coding"], "text": "x"}
    ),
    ("PATCH", "/api/memos/{memo_id}"): _json("/api/memos/{memo}", lambda c: {"text": "改"}),
    ("DELETE", "/api/memos/{memo_id}"): _get("/api/memos/{memo}"),
    ("GET", "/api/memos/export"): _get("/api/memos/export?format=md"),
    ("GET", "/api/hierarchy"): _get("/api/hierarchy?format=svg"),
    ("GET", "/api/relations"): _get("/api/relations"),
    ("POST", "/api/relations"): _json(
        "/api/relations", lambda c: {"source": c["shared"], "target": c["top"], "type": "情境"}
    ),
    ("DELETE", "/api/relations/{relation_id}"): _get("/api/relations/999"),
    ("PATCH", "/api/relations/{relation_id}"): _json(
        "/api/relations/999", lambda c: {"type": "结果"}
    ),
    ("GET", "/api/model"): _get("/api/model?layout=paradigm"),
    ("GET", "/api/model/figure"): _get("/api/model/figure?layout=tree&format=svg"),
    ("PUT", "/api/model/boxes/{code_id}"): _json(
        "/api/model/boxes/{top}", lambda c: {"layout": "paradigm", "x": 10, "y": 20}
    ),
    ("PUT", "/api/model/roles/{code_id}"): _json(
        "/api/model/roles/{top}", lambda c: {"role": "现象"}
    ),
    ("GET", "/api/storyline"): _get("/api/storyline"),
    ("PUT", "/api/storyline"): _json("/api/storyline", lambda c: {"text": "故事线"}),
    ("GET", "/api/session"): _get("/api/session"),
    ("POST", "/api/login"): _json("/api/login", lambda c: {"username": "c1", "password": "x"}),
    ("POST", "/api/logout"): _json("/api/logout", lambda c: {}),
    ("PUT", "/api/session/coder"): _json("/api/session/coder", lambda c: {"name": "c1"}),
    ("GET", "/api/users"): _get("/api/users"),
    ("POST", "/api/users"): _json(
        "/api/users", lambda c: {"name": "walker", "password": PASSWORD, "role": "viewer"}
    ),
    ("DELETE", "/api/users/{name}"): _get("/api/users/nobody"),
    ("GET", "/api/settings"): _get("/api/settings"),
    ("PUT", "/api/settings"): _json("/api/settings", lambda c: {"blind": c["blind"]}),
    ("GET", "/api/coders"): _get("/api/coders"),
    ("GET", "/api/vocab"): _get("/api/vocab"),
    ("GET", "/api/history"): _get("/api/history"),
    ("POST", "/api/undo"): _json("/api/undo", lambda c: {}),
    ("POST", "/api/redo"): _json("/api/redo", lambda c: {}),
    ("GET", "/api/tables"): _get("/api/tables?coder=c1"),
    ("GET", "/api/tables/download"): _get("/api/tables/download?coder=c1"),
    ("GET", "/api/saturation"): _get("/api/saturation?coder=c1"),
    ("GET", "/api/saturation/download"): _get("/api/saturation/download?coder=c1"),
    ("POST", "/api/agreement"): _json("/api/agreement", lambda c: {"a": "c1", "b": "c2"}),
    ("POST", "/api/agreement/download"): _json(
        "/api/agreement/download", lambda c: {"a": "c1", "b": "c2"}
    ),
    ("GET", "/api/export/qdpx"): _get("/api/export/qdpx"),
    ("GET", "/api/documents/{doc_id}/compare"): _get("/api/documents/1/compare?a=c1&b=c2"),
    ("GET", "/api/maps/params"): _get("/api/maps/params"),
    ("GET", "/api/params/{analysis}"): _get("/api/params/saturation"),
    ("GET", "/api/terms"): _get("/api/terms?min_freq=2"),
    ("GET", "/api/maps"): _get("/api/maps"),
    ("POST", "/api/maps"): _json("/api/maps", lambda c: {"min_freq": 1}),
    ("GET", "/api/maps/{run}"): _get("/api/maps/1"),
    ("GET", "/api/maps/{run}/nodes/{node}/records"): _get("/api/maps/1/nodes/0/records"),
    ("GET", "/maps/{run}/files/{name}"): _get("/maps/1/files/nodes.csv"),
    ("GET", "/api/suggestions"): _get("/api/suggestions"),
    ("POST", "/api/suggestions/{suggestion_id}/accept"): _json(
        "/api/suggestions/{suggestion}/accept", lambda c: {}
    ),
    ("POST", "/api/suggestions/{suggestion_id}/reject"): _json(
        "/api/suggestions/{suggestion}/reject", lambda c: {}
    ),
    ("GET", "/api/documents/{doc_id}/suggestions"): _get("/api/documents/1/suggestions"),
    ("GET", "/api/suggestions/proposals"): _get("/api/suggestions/proposals"),
    ("POST", "/api/suggestions/accept_above"): _json(
        "/api/suggestions/accept_above", lambda c: {"score": 0.5}
    ),
    ("POST", "/api/suggestions/adopt"): _json(
        "/api/suggestions/adopt", lambda c: {"name": "甲提议"}
    ),
    # the queries: a blind coder's matrices, framework and drill-downs hold their own codings
    ("GET", "/api/queries/words"): _get("/api/queries/words?top=5"),
    ("GET", "/api/queries/words/cloud"): _get("/api/queries/words/cloud?top=5"),
    ("GET", "/api/queries/words/download"): _get("/api/queries/words/download?format=csv"),
    ("GET", "/api/queries/search"): _get("/api/queries/search?query=创新"),
    ("GET", "/api/queries/search/download"): _get("/api/queries/search/download?query=创新"),
    ("POST", "/api/queries/search/code"): _json(
        "/api/queries/search/code", lambda c: {"code": c["shared"], "query": "创新"}
    ),
    ("GET", "/api/queries/matrix"): _get("/api/queries/matrix?coder=c1&columns=codes"),
    ("GET", "/api/queries/matrix/cell"): lambda c: (
        f"/api/queries/matrix/cell?coder=c1&row={c['code']}&column=document",
        {},
    ),
    ("GET", "/api/queries/matrix/download"): _get("/api/queries/matrix/download?coder=c1"),
    ("GET", "/api/queries/framework"): _get("/api/queries/framework?coder=c1"),
    ("GET", "/api/queries/framework/download"): _get("/api/queries/framework/download?coder=c1"),
    ("GET", "/api/queries/cooccurrence"): _get("/api/queries/cooccurrence?coder=c1"),
    ("GET", "/api/queries/cooccurrence/cell"): lambda c: (
        f"/api/queries/cooccurrence/cell?coder=c1&a={c['code']}&b={c['code']}",
        {},
    ),
    ("GET", "/api/queries/cooccurrence/download"): _get(
        "/api/queries/cooccurrence/download?coder=c1"
    ),
    ("GET", "/api/sets"): _get("/api/sets"),
    ("POST", "/api/sets"): _json(
        "/api/sets", lambda c: {"name": f"集{c['n']}", "query": "coded:yes coder:c1"}
    ),
    ("POST", "/api/sets/{name}/add"): _json("/api/sets/走查/add", lambda c: {"doc_ids": [2]}),
    ("POST", "/api/sets/{name}/remove"): _json("/api/sets/走查/remove", lambda c: {"doc_ids": [1]}),
    ("DELETE", "/api/sets/{name}"): _get("/api/sets/走查"),
    ("GET", "/api/scope"): _get("/api/scope?q=coder:c1"),
    **{
        ("GET", p): _get(p)
        for p in (
            "/",
            "/documents",
            "/codes",
            "/model",
            "/memos",
            "/hierarchy",
            "/tables",
            "/saturation",
            "/agreement",
            "/map",
            "/settings",
            "/queries",
            "/suggestions",
            "/login",
        )
    },  # fmt: skip
    ("GET", "/documents/{doc_id}"): _get("/documents/1"),
    ("GET", "/documents/{doc_id}/compare"): _get("/documents/1/compare"),
}
#: Routes by which the owner deliberately reveals everyone's work (agreement ends blind
#: coding; the owner's export holds every coder's codings).
OWNER_REVEALS = {("POST", "/api/agreement"), ("POST", "/api/agreement/download"),
                 ("GET", "/api/export/qdpx"), ("GET", "/api/documents/{doc_id}/compare")}  # fmt: skip


def _routes(app: Any) -> set[tuple[str, str]]:
    out = set()
    for r in app.routes:
        methods = getattr(r, "methods", None) or {"GET"}
        out |= {(m, r.path) for m in methods if m != "HEAD"}
    return out


def _work_of_c1(project: Path) -> tuple[Any, ...]:
    """c1's codings (id, document, span, code) and memos (id, target, text), from the file."""
    from zhagen.project import Project

    with Project.open(project) as p:
        codings = p.codings(coder="c1")[["id", "document", "start", "end", "code"]]
        memos = p.memos(coder="c1")[["id", "target_type", "target_id", "title", "text"]]
        return (
            tuple(map(tuple, codings.values.tolist())),
            tuple(map(tuple, memos.astype(str).values.tolist())),
        )


def _as(app: Any, name: str) -> Any:
    from fastapi.testclient import TestClient

    c = TestClient(app)
    c.__enter__()
    login(c, **({"token": TOKEN} if name == "owner" else {"username": name, "password": PASSWORD}))
    return c


def _suggestion_of_c1(project: Path, code: int) -> int:
    """A suggestion learnt from c1's codings (its owner), on sentence 2 of document 1."""
    from zhagen.project import Project
    from zhagen.suggest.model import Suggestion

    with Project.open(project) as p:
        s, e = p.documents.sentence_spans(1)[1]
        [sid] = p.suggestions.add_many([Suggestion(
            document=1, start=s, end=e, sentence=1, code=code, score=0.9, rank=1,
            source="learner", source_version="t", parameters={"from_coder": "c1"})])  # fmt: skip
    return sid


def _setup(tmp_path: Path, blind: bool) -> tuple[Any, Path, dict[str, Any], dict[str, Any]]:
    project = make_project(tmp_path)
    owner_cm = client(project, host="0.0.0.0", token=TOKEN)
    owner = owner_cm.__enter__()
    login(owner, token=TOKEN)
    for name, role in (("c1", "coder"), ("c2", "coder"), ("v", "viewer")):
        r = owner.post("/api/users", json={"name": name, "password": PASSWORD, "role": role})
        assert r.status_code == 200, r.text
    app = owner.app
    c1 = _as(app, "c1")
    top = owner.post("/api/codes", json={"name": "上位范畴", "level": 3}).json()["id"]
    shared = owner.post("/api/codes", json={"name": "共享码"}).json()["id"]
    made = c1.post("/api/codings", json={"document": 1, "sentences": [0],
                                         "new_code": {"name": "甲码"}}).json()  # fmt: skip
    made2 = c1.post("/api/codings", json={"document": 2, "sentences": [0],
                                          "new_code": {"name": "甲码二"}}).json()  # fmt: skip
    memo = c1.post("/api/memos", json={"target_type": "document", "target_id": 1,
                                       "text": SECRET, "title": SECRET}).json()["id"]  # fmt: skip
    c1.post("/api/memos", json={"target_type": "coding", "target_id": made["ids"][0],
                                "text": SECRET})  # fmt: skip
    owner.post("/api/sets", json={"name": "走查", "doc_ids": [1]})
    owner.put("/api/settings", json={"blind": blind})
    suggestion = _suggestion_of_c1(project, made2["code"])
    ctx = {"coding": made["ids"][0], "code": made["code"], "code2": made2["code"],
           "memo": memo, "shared": shared, "top": top, "blind": blind, "n": 0,
           "suggestion": suggestion}  # fmt: skip
    clients = {"owner": owner, "c1": c1, "c2": _as(app, "c2"), "v": _as(app, "v")}
    return app, project, ctx, clients


@pytest.mark.parametrize("blind", [True, False], ids=["blind", "open"])
@pytest.mark.parametrize("role", ["c2", "v", "owner"])
def test_every_route_as_every_role(tmp_path: Path, blind: bool, role: str) -> None:
    app, project, ctx, clients = _setup(tmp_path, blind)
    missing = _routes(app) - set(ROUTES)
    assert not missing, f"routes the access walk does not cover: {sorted(missing)}"
    assert not set(ROUTES) - _routes(app), "the walk names routes that no longer exist"
    before = _work_of_c1(project)
    assert before[0] and before[1]
    who = clients[role]
    for (method, route), spec in ROUTES.items():
        ctx["n"] += 1
        url, kwargs = spec(ctx)
        r = who.request(method, url, **kwargs)
        where = f"{role} {method} {url} ({'blind' if blind else 'open'})"
        assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
        reveals = role == "owner" and (method, route) in OWNER_REVEALS
        kind = r.headers.get("content-type", "")
        if blind and not reveals and ("json" in kind or "text" in kind):
            assert SECRET not in r.text, f"{where} shows c1's memo"
            assert not NAMED.search(r.text), f"{where} names c1's work"
        if role != "owner":
            assert _work_of_c1(project) == before, f"{where} changed c1's work"
        if route == "/api/logout" or (route == "/api/login" and r.status_code == 200):
            clients[role] = who = _as(app, role)  # logged out: log in again
        if reveals and blind:
            clients["owner"].put("/api/settings", json={"blind": True})
    if role == "owner" and not blind:
        return  # the owner may change anyone's work when not blind
    if role == "owner":  # blind: the owner cannot touch c1's codings directly either
        for method in ("GET", "DELETE"):
            r = who.request(method, f"/api/codings/{ctx['coding']}")
            assert r.status_code == 404
    for c in clients.values():
        c.__exit__(None, None, None)


def test_hidden_coding_answers_delete_as_get(tmp_path: Path) -> None:
    _app, _project, ctx, clients = _setup(tmp_path, blind=True)
    c2 = clients["c2"]
    got = c2.get(f"/api/codings/{ctx['coding']}")
    deleted = c2.delete(f"/api/codings/{ctx['coding']}")
    missing = c2.get("/api/codings/99999")
    assert got.status_code == deleted.status_code == 404
    assert json.loads(got.text)["error"]["message_en"] == f"no coding with id {ctx['coding']}"
    assert got.json() == deleted.json()
    assert missing.json()["error"]["message_en"] == "no coding with id 99999"


@pytest.mark.parametrize("blind", [True, False], ids=["blind", "open"])
def test_indirect_changes_are_refused(tmp_path: Path, blind: bool) -> None:
    """The holes of issue 10: merge, force-delete and undo of another coder's edit."""
    _app, project, ctx, clients = _setup(tmp_path, blind)
    c2, owner = clients["c2"], clients["owner"]
    before = _work_of_c1(project)
    r = c2.post("/api/codes/merge", json={"sources": [ctx["code"]], "into": ctx["shared"]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert ("c1" in r.json()["error"]["message_en"]) is (not blind)
    r = c2.delete(f"/api/codes/{ctx['code']}", params={"force": "true"})
    assert r.status_code == 403
    r = c2.post(f"/api/codes/{ctx['code']}/move", json={"parent": ctx["top"]})
    assert r.status_code == 403
    r = c2.post("/api/undo")
    assert r.status_code == 200 and r.json()["done"] is False  # c2 has nothing to undo
    assert _work_of_c1(project) == before
    # a coder restructures freely where every coding is theirs
    mine = c2.post("/api/codings", json={"document": 2, "sentences": [1],
                                         "new_code": {"name": "乙码"}}).json()  # fmt: skip
    other = c2.post("/api/codes", json={"name": "乙码合并"}).json()["id"]
    assert c2.post("/api/codes/merge", json={"sources": [mine["code"]], "into": other}).is_success
    assert c2.post("/api/undo").json()["description"].startswith("合并编码")
    assert c2.delete(f"/api/codes/{mine['code']}", params={"force": "true"}).is_success
    # the owner may restructure over everyone's codings
    assert owner.post("/api/codes/merge", json={"sources": [ctx["code2"]],
                                                "into": ctx["code"]}).is_success  # fmt: skip
    assert _work_of_c1(project) != before


def test_history_hides_other_coders_when_blind(tmp_path: Path) -> None:
    _app, _project, _ctx, clients = _setup(tmp_path, blind=True)
    c2 = clients["c2"]
    c2.post("/api/codings", json={"document": 2, "sentences": [1], "new_code": {"name": "乙码"}})
    seen = c2.get("/api/history").json()
    assert seen and {e["actor"] for e in seen} == {"c2"}
    assert "甲码" not in json.dumps(seen, ensure_ascii=False)
    everyone = clients["c1"].get("/api/history").json()
    assert {e["actor"] for e in everyone} == {"c1"}
    clients["owner"].put("/api/settings", json={"blind": False})
    opened = c2.get("/api/history").json()
    assert {"c1", "c2"} <= {e["actor"] for e in opened}


def test_a_session_cannot_take_an_accounts_coder_name(tmp_path: Path) -> None:
    """The token owner chooses a coder name, but not an account's: as 'c1' it would code,
    undo and (blind) see as c1."""
    _app, _project, ctx, clients = _setup(tmp_path, blind=True)
    owner = clients["owner"]
    r = owner.put("/api/session/coder", json={"name": "c1"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert owner.get(f"/api/codings/{ctx['coding']}").status_code == 404
    assert owner.put("/api/session/coder", json={"name": "主持人"}).json()["coder"] == "主持人"
