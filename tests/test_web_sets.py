"""The workbench's sets and scope API (issue 12): list, create (from a query, chosen
documents, or the document list's filter), add, remove, delete; how many documents a scope
selects; analyses and search take ``scope``; a viewer may not change sets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import assert_error, client, login, make_project, session


@pytest.fixture
def c(tmp_path: Path):
    with client(make_project(tmp_path)) as cl:
        session(cl)
        yield cl


def test_sets_through_the_api(c) -> None:
    assert c.get("/api/sets").json() == []
    made = c.post("/api/sets", json={"name": "挑选", "doc_ids": [1]}).json()
    assert (made["kind"], made["count"]) == ("static", 1)
    added = c.post("/api/sets/挑选/add", json={"doc_ids": [2]}).json()
    assert (added["count"], added["changed"]) == (2, 1)
    assert c.post("/api/sets/挑选/remove", json={"doc_ids": [1]}).json()["count"] == 1
    query = c.post("/api/sets", json={"name": "龙头", "query": "text:龙头企业"}).json()
    assert (query["kind"], query["count"]) == ("query", 1)
    saved = c.post("/api/sets", json={"name": "筛选", "filters": {"q": "a", "type": "document"}})
    assert saved.json()["count"] == 1  # what the list shows for that filter, now
    assert [s["name"] for s in c.get("/api/sets").json()] == ["挑选", "龙头", "筛选"]

    scope = c.get("/api/scope", params={"q": "set:龙头 or set:挑选"}).json()
    assert (scope["count"], scope["total"]) == (1, 2) and "1" in scope["en"]
    assert c.get("/api/scope").json()["query"] is None
    err = assert_error(c.get("/api/scope", params={"q": "year:20x0"}), 400, "parameter")
    assert "column 1" in err["message_en"] and "第 1 列" in err["message_zh"]
    assert_error(c.post("/api/sets", json={"name": "挑选", "doc_ids": []}), 400)
    assert_error(c.post("/api/sets/龙头/add", json={"doc_ids": [1]}), 400)
    listed = c.get("/api/documents", params={"scope": "set:挑选 or set:龙头"}).json()
    assert [d["id"] for d in listed["items"]] == [2] and listed["total"] == 1
    assert_error(c.get("/api/documents", params={"scope": "set:无"}), 400, "parameter")
    both = c.post("/api/sets", json={"name": "范围", "filters": {"scope": "not set:挑选"}})
    assert both.json()["count"] == 1
    hits = c.get("/api/search", params={"q": "政策支持", "scope": "set:挑选"}).json()
    assert {h["document"] for h in hits["hits"]} == {2}
    assert c.delete("/api/sets/筛选").json() == {"deleted": "筛选"}
    assert c.post("/api/undo").status_code == 200
    assert "筛选" in [s["name"] for s in c.get("/api/sets").json()]


def test_analyses_take_a_scope(c) -> None:
    r = c.post(
        "/api/codings", json={"document": 2, "sentences": [0], "new_code": {"name": "政策支持"}}
    )
    assert r.status_code == 200, r.text
    c.post("/api/sets", json={"name": "甲", "doc_ids": [1]})
    tables = c.get("/api/tables", params={"scope": "set:甲"}).json()
    assert all(t["total"] == 0 for t in tables["tables"] if t["name"] == "开放式编码")
    form = c.get("/api/params/saturation").json()
    assert form["scope"]["type"] == "scope" and form["scope"]["main"] is True
    assert_error(c.get("/api/tables", params={"scope": "set:"}), 400, "parameter")


def test_a_viewer_reads_sets_but_does_not_change_them(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    token, password = "sets-token-0123456789", "correct horse"
    with client(make_project(tmp_path), host="0.0.0.0", token=token) as owner:
        login(owner, token=token)
        r = owner.post("/api/users", json={"name": "看", "password": password, "role": "viewer"})
        assert r.status_code == 200, r.text
        owner.post("/api/sets", json={"name": "s", "doc_ids": [1]})
        with TestClient(owner.app) as viewer:
            login(viewer, username="看", password=password)
            assert [s["name"] for s in viewer.get("/api/sets").json()] == ["s"]
            assert viewer.get("/api/scope", params={"q": "set:s"}).json()["count"] == 1
            assert_error(viewer.post("/api/sets", json={"name": "v", "doc_ids": [1]}), 403)
            assert_error(viewer.post("/api/sets/s/add", json={"doc_ids": [2]}), 403)
            assert_error(viewer.delete("/api/sets/s"), 403)


@contextlib.contextmanager
def _blind_pair(tmp_path: Path) -> Iterator[tuple[Any, Any, Any]]:
    """The owner and two coders logged in; c1 has coded document 1; blind coding on."""
    from fastapi.testclient import TestClient

    token, password = "sets-token-0123456789", "correct horse"
    with client(make_project(tmp_path), host="0.0.0.0", token=token) as owner:
        login(owner, token=token)
        for name in ("c1", "c2"):
            r = owner.post("/api/users", json={"name": name, "password": password, "role": "coder"})
            assert r.status_code == 200, r.text
        with TestClient(owner.app) as c1, TestClient(owner.app) as c2:
            login(c1, username="c1", password=password)
            login(c2, username="c2", password=password)
            made = c1.post("/api/codings", json={"document": 1, "sentences": [0],
                                                 "new_code": {"name": "码"}})  # fmt: skip
            assert made.status_code == 200, made.text
            owner.put("/api/settings", json={"blind": True})
            yield owner, c1, c2


def test_a_blind_coder_maps_a_scope_of_their_own_codings(tmp_path: Path) -> None:
    """Coding blind, coded:yes in a map's scope means the caller's own codings."""
    with _blind_pair(tmp_path) as (_owner, c1, c2):
        assert c2.get("/api/scope", params={"q": "coded:yes"}).json()["count"] == 0
        assert c1.get("/api/scope", params={"q": "coded:yes"}).json()["count"] == 1
        run = c2.post("/api/maps", json={"scope": "coded:yes"})
        err = assert_error(run, 400, "parameter")  # c1's coded document is not in it
        assert "selects no documents" in err["message_en"] and "c1" not in err["message_en"]
        assert c2.get("/api/documents", params={"scope": "coded:yes"}).json()["total"] == 0
        assert c2.get("/api/documents", params={"scope": "coded:no"}).json()["total"] == 2
        assert c1.get("/api/documents", params={"scope": "coded:yes"}).json()["total"] == 1


def test_a_blind_coders_scope_sees_their_own_codings_in_every_analysis(tmp_path: Path) -> None:
    """Coding blind, coded:/coder: in the scope of the queries, the paper tables and
    text search are evaluated over the caller's own codings, as the maps and lists do."""
    with _blind_pair(tmp_path) as (owner, c1, c2):
        text = owner.get("/api/documents/1/text").json()
        word = (text.get("text") or "")[:2]
        assert word.strip()
        for who, coded_docs in ((c1, 1), (c2, 0)):
            found = who.get("/api/queries/search", params={"query": word, "scope": "coded:yes"})
            assert found.status_code == 200, found.text
            assert found.json()["documents"] == coded_docs
            hits = who.get("/api/search", params={"q": word, "scope": "coded:yes"}).json()
            assert {h["document"] for h in hits["hits"]} == ({1} if coded_docs else set())
            words = who.get("/api/queries/words", params={"scope": "coded:yes"})
            assert words.status_code == 200, words.text
            assert words.json()["documents"] == coded_docs
            tables = who.get("/api/tables", params={"scope": "coded:no"})
            assert tables.status_code == 200, tables.text
