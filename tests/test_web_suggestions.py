"""Suggestions in the workbench (issue 15), through the API on real project files: the
queue sorted by score across documents within a scope, one document's open suggestions
(the ghost stripes), accepting as me, bulk acceptance only after an evaluation (one undo
step), adopting a model's proposed new code, and agreement with the AI coder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from test_suggest_learner import _make
from web_support import client, login, session


def _open(project: Path, coder: str = "乙") -> Any:
    cl = client(project)
    cl.__enter__()
    session(cl)
    assert cl.put("/api/session/coder", json={"name": coder}).status_code == 200
    return cl


@pytest.fixture
def learnt(tmp_path: Path) -> Path:
    """A project whose built-in learner has suggested codes for the uncoded sentences."""
    with _make(tmp_path, docs=8, coded=6) as p:
        assert p.suggestions.run(from_coder="甲", top=2)
    return tmp_path / "l.zhagen"


def _proposals(project: Path) -> tuple[int, list[int]]:
    """A model's open-coding proposals: '创新生态' on three sentences of two documents and
    '人才培养' (the name of an existing code, here nested under a category) on one."""
    from zhagen.project import Project
    from zhagen.suggest.model import Suggestion

    with Project.open(project) as p:
        top = p.codes.add("支撑条件", level=2)
        p.codes.move("人才培养", top)
        existing = int(p.codes.get("人才培养")["id"])
        made = []
        for doc, idx, name in ((7, 0, "创新生态"), (7, 1, "创新生态"), (8, 2, "创新生态"),
                               (8, 3, "人才培养")):  # fmt: skip
            s, e = p.documents.sentence_spans(doc)[idx]
            made.append(Suggestion(document=doc, start=s, end=e, sentence=idx, code=None,
                                   new_code=name, score=0.6 + idx / 10, rank=1,
                                   source="model", source_version="test-model",
                                   quote=p.documents.text(doc)[s:e], rationale="测试理由"))  # fmt: skip
        ids = p.suggestions.add_many(made)
    return existing, ids


def test_queue_is_sorted_by_score_across_documents_and_takes_a_scope(learnt: Path) -> None:
    cl = _open(learnt)
    form = cl.get("/api/params/suggestions").json()
    assert form["scope"]["type"] == "scope"
    assert form["min_score"]["type"] == "float"
    res = cl.get("/api/suggestions").json()
    rows = res["suggestions"]
    assert res["total"] == len(rows) > 10 and res["evaluation"] is None
    assert res["ai_coder"] == "AI"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert len({r["document"] for r in rows[:10]}) > 1  # across documents, not by document
    assert all(r["text"] and r["title"] for r in rows)
    # the scope query of every analysis: the two uncoded documents only
    scoped = cl.get("/api/suggestions", params={"scope": "coded:no"}).json()["suggestions"]
    assert scoped and {r["document"] for r in scoped} == {7, 8}
    high = cl.get("/api/suggestions", params={"min_score": "0.8"}).json()["suggestions"]
    assert high and all(r["score"] >= 0.8 for r in high) and len(high) < len(rows)
    bad = cl.get("/api/suggestions", params={"scope": "year:abc"})
    assert bad.status_code == 400 and bad.json()["error"]["message_zh"]
    cl.__exit__(None, None, None)


def test_a_documents_suggestions_are_accepted_as_my_coding_with_provenance(learnt: Path) -> None:
    from zhagen.project import Project

    cl = _open(learnt)
    ghosts = cl.get("/api/documents/7/suggestions").json()["suggestions"]
    assert ghosts and all(g["new_code"] is None and g["code_name"] for g in ghosts)
    assert [(g["start"], g["rank"]) for g in ghosts] == sorted(
        (g["start"], g["rank"]) for g in ghosts
    )
    assert cl.get("/api/documents/999/suggestions").status_code == 404
    first = ghosts[0]
    coding = cl.post(f"/api/suggestions/{first['id']}/accept").json()["coding"]
    left = cl.get("/api/documents/7/suggestions").json()["suggestions"]
    assert first["id"] not in {g["id"] for g in left}
    assert cl.post(f"/api/suggestions/{left[0]['id']}/reject").json()["rejected"] == left[0]["id"]
    cl.__exit__(None, None, None)
    with Project.open(learnt) as p:
        row = p.codings().set_index("id").loc[coding]
        assert row["coder"] == "乙" and row["code"] == first["code"]
        assert (row["start"], row["end"]) == (first["start"], first["end"])
        assert p.suggestions.provenance(coding).id == first["id"]
        assert p.suggestions.get(left[0]["id"]).status == "rejected"


def test_bulk_accept_needs_an_evaluation_and_is_one_undo_step(tmp_path: Path) -> None:
    from zhagen.project import Project

    with _make(tmp_path, docs=24, coded=20) as p:
        p.suggestions.run(from_coder="甲")
        n_codings = len(p.codings())
    path = tmp_path / "l.zhagen"
    cl = _open(path)
    refused = cl.post("/api/suggestions/accept_above", json={"score": 0.5})
    assert refused.status_code == 400
    assert "--evaluate" in refused.json()["error"]["message_en"]
    with Project.open(path) as p:
        assert len(p.codings()) == n_codings  # nothing was accepted
        result = p.suggestions.evaluate(from_coder="甲", seed=2)
    ev = cl.get("/api/suggestions").json()["evaluation"]
    assert ev["run"] == result["run"] and ev["kappa"] == result["kappa"]
    assert ev["macro_f1"] == result["macro_f1"] and ev["top3_recall"] == result["top3_recall"]
    assert ev["n_test"] == result["n_test"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d.*", ev["created"])
    assert cl.post("/api/suggestions/accept_above", json={"score": 1.5}).status_code == 422
    # within a scope: only the uncoded documents' top suggestions
    open_before = cl.get("/api/suggestions", params={"scope": "coded:no"}).json()["suggestions"]
    want = {r["id"] for r in open_before if r["rank"] == 1 and r["score"] >= 0.5}
    done = cl.post("/api/suggestions/accept_above", json={"score": 0.5, "scope": "coded:no"}).json()
    assert done["accepted"] == len(want) > 0
    with Project.open(path) as p:
        assert len(p.codings()) == n_codings + len(want)
        assert {p.suggestions.provenance(c).id for c in done["codings"]} == want
        assert {int(d) for d in p.codings(coder="乙")["document"]} <= {21, 22, 23, 24}
    assert cl.post("/api/undo").json()["done"]  # the bulk acceptance is one step
    with Project.open(path) as p:
        assert len(p.codings()) == n_codings
        assert all(p.suggestions.get(i).status == "open" for i in want)
    cl.__exit__(None, None, None)


def test_adopting_a_proposed_code_creates_or_maps_it_in_one_undo_step(learnt: Path) -> None:
    from zhagen.project import Project

    existing, ids = _proposals(learnt)
    cl = _open(learnt)
    found = cl.get("/api/suggestions/proposals").json()["proposals"]
    assert [g["name"] for g in found] == ["创新生态", "人才培养"]  # most suggestions first
    eco = found[0]
    assert eco["count"] == 3 and eco["documents"] == [7, 8] and eco["existing"] is None
    assert eco["best"] == pytest.approx(0.8) and eco["examples"][0]["rationale"] == "测试理由"
    assert found[1]["existing"] == existing
    assert cl.get("/api/suggestions/proposals", params={"scope": "coded:no"}).json() == {
        "proposals": found}  # fmt: skip
    made = cl.post("/api/suggestions/adopt", json={"name": "创新生态"}).json()
    assert len(made["codings"]) == 3 and made["suggestions"] == sorted(ids[:3])
    mapped = cl.post("/api/suggestions/adopt", json={"name": "人才培养"}).json()
    assert mapped["code"] == existing  # the code of that name, not a second one
    assert cl.post("/api/suggestions/adopt", json={"name": "创新生态"}).status_code == 400
    assert cl.get("/api/suggestions/proposals").json()["proposals"] == []
    with Project.open(learnt) as p:
        codes = p.codes()
        assert (codes["name"] == "人才培养").sum() == 1
        new = int(codes.set_index("name").loc["创新生态", "id"])
        assert made["code"] == new
        mine = p.codings(coder="乙")
        assert sorted(mine["code"].tolist()) == sorted([new] * 3 + [existing])
    assert cl.post("/api/undo").json()["done"]  # the mapping
    assert cl.post("/api/undo").json()["done"]  # the new code and its three codings: one step
    with Project.open(learnt) as p:
        assert "创新生态" not in p.codes()["name"].tolist()
        assert len(p.codings(coder="乙")) == 0
        assert all(p.suggestions.get(i).status == "open" for i in ids)
    cl.__exit__(None, None, None)


def test_agreement_of_a_coder_with_the_ai(tmp_path: Path) -> None:
    with _make(tmp_path, docs=8, coded=6) as p:
        p.suggestions.run(from_coder="甲", coded=True)
        direct = p.reports.agreement(("甲", p.suggestions.AI_CODER), unit="sentence")
    cl = _open(tmp_path / "l.zhagen")
    ai = cl.get("/api/suggestions", params={"limit": "0"}).json()
    assert ai["suggestions"] == [] and ai["total"] > 0 and ai["ai_coder"] == "AI"
    res = cl.post("/api/agreement", json={"a": "甲", "b": ai["ai_coder"], "unit": "sentence"})
    assert res.status_code == 200, res.text
    pooled = res.json()["pooled"]
    row = dict(zip(pooled["columns"], pooled["rows"][0], strict=True))
    want = direct.pooled.iloc[0]
    assert row["kappa"] == pytest.approx(want["kappa"]) and row["kappa"] > 0.5
    assert row["holsti_r"] == pytest.approx(want["holsti_r"])
    assert row["alpha"] == pytest.approx(want["alpha"])
    cl.__exit__(None, None, None)


def test_a_viewer_sees_suggestions_but_decides_nothing(learnt: Path) -> None:
    token = "viewer-walk-token-0123"
    with client(learnt, host="0.0.0.0", token=token) as owner:
        login(owner, token=token)
        r = owner.post("/api/users", json={"name": "v", "password": "correct horse",
                                           "role": "viewer"})  # fmt: skip
        assert r.status_code == 200, r.text
        from fastapi.testclient import TestClient

        with TestClient(owner.app) as v:
            login(v, username="v", password="correct horse")
            rows = v.get("/api/suggestions").json()["suggestions"]
            assert rows and v.get("/api/documents/7/suggestions").json()["suggestions"]
            assert v.post(f"/api/suggestions/{rows[0]['id']}/accept").status_code == 403
            assert v.post("/api/suggestions/accept_above", json={"score": 0.1}).status_code == 403
            assert v.post("/api/suggestions/adopt", json={"name": "x"}).status_code == 403
