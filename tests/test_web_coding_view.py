"""The coding view's API (issue 14): in-vivo coding, moving several codes, promoting a
concept to a category — each one undo step, refused with a bilingual error where it must be
— over a real project file."""

from __future__ import annotations

from pathlib import Path

from web_support import assert_error, client, make_project, session

TEXT = "政府搭台企业唱戏。高校参与产学研合作。"


def _codes(c) -> dict[str, dict]:
    return {k["name"]: k for k in c.get("/api/codes").json()}


def test_in_vivo_codes_the_words_as_a_new_concept_in_one_step(tmp_path: Path) -> None:
    with client(make_project(tmp_path, {"a.txt": TEXT})) as c:
        session(c)
        r = c.post("/api/codings/in_vivo", json={"document": 1, "start": 0, "end": 4})
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["created_code"] is True
        code = _codes(c)["政府搭台"]
        assert code["id"] == out["code"] and code["level"] == 1 and code["count"] == 1
        (k,) = c.get("/api/documents/1/codings").json()["codings"]
        assert (k["start"], k["end"], k["code"]) == (0, 4, out["code"])
        assert c.post("/api/undo").json()["done"]  # one step: coding and code together
        assert c.get("/api/codes").json() == []
        assert c.get("/api/documents/1/codings").json()["codings"] == []
        err = assert_error(
            c.post("/api/codings/in_vivo", json={"document": 1, "start": 3, "end": 99}), 400
        )
        assert "码位" in err["message_zh"] and "code points" in err["message_en"]
        assert_error(
            c.post("/api/codings/in_vivo", json={"document": 9, "start": 0, "end": 2}), 404
        )


def test_in_vivo_reuses_a_concept_of_that_name(tmp_path: Path) -> None:
    with client(make_project(tmp_path, {"a.txt": "政策支持很重要。政策支持要落地。"})) as c:
        session(c)
        first = c.post("/api/codings/in_vivo", json={"document": 1, "start": 0, "end": 4}).json()
        second = c.post("/api/codings/in_vivo", json={"document": 1, "start": 8, "end": 12})
        assert second.json()["code"] == first["code"] and second.json()["created_code"] is False
        assert len(c.get("/api/codes").json()) == 1
        assert len(c.get("/api/documents/1/codings").json()["codings"]) == 2


def test_move_several_codes_is_one_step_and_refuses_a_cycle(tmp_path: Path) -> None:
    with client(make_project(tmp_path)) as c:
        session(c)
        cat = c.post("/api/codes", json={"name": "政策环境", "level": 2}).json()["id"]
        a = c.post("/api/codes", json={"name": "财政补贴", "level": 1}).json()["id"]
        b = c.post("/api/codes", json={"name": "税收优惠", "level": 1}).json()["id"]
        sub = c.post("/api/codes", json={"name": "细则", "parent": a}).json()["id"]
        # a child ticked with its parent travels with it
        r = c.post("/api/codes/move", json={"ids": [a, b, sub], "parent": cat})
        assert r.json() == {"moved": 2}
        codes = _codes(c)
        assert codes["财政补贴"]["parent"] == codes["税收优惠"]["parent"] == cat
        assert codes["细则"]["parent"] == a
        undone = c.post("/api/undo").json()
        assert undone["done"] and "2" in undone["description"]
        assert _codes(c)["财政补贴"]["parent"] is None and _codes(c)["税收优惠"]["parent"] is None
        err = assert_error(c.post("/api/codes/move", json={"ids": [cat, a], "parent": sub}), 400)
        assert "下级" in err["message_zh"] and "descendant" in err["message_en"]
        assert _codes(c)["政策环境"]["parent"] is None  # nothing moved
        assert_error(c.post("/api/codes/move", json={"ids": [a, 999], "parent": None}), 404)


def test_promote_makes_a_category_holding_the_concept(tmp_path: Path) -> None:
    with client(make_project(tmp_path)) as c:
        session(c)
        core = c.post("/api/codes", json={"name": "协同", "level": 3}).json()["id"]
        concept = c.post("/api/codes", json={"name": "政策支持", "parent": core, "level": 1})
        cid = concept.json()["id"]
        c.post("/api/codings", json={"document": 1, "sentences": [1], "code": cid})
        cat = c.post(f"/api/codes/{cid}/promote", json={}).json()["id"]
        rows = {k["id"]: k for k in c.get("/api/codes").json()}
        assert (rows[cat]["name"], rows[cat]["level"], rows[cat]["parent"]) == (
            "政策支持（范畴）",
            2,
            core,
        )
        assert rows[cid]["parent"] == cat and rows[cid]["level"] == 1
        assert rows[cat]["total"] == 1 and rows[cid]["count"] == 1  # the codings stay put
        assert c.post("/api/undo").json()["done"]
        rows = {k["id"]: k for k in c.get("/api/codes").json()}
        assert cat not in rows and rows[cid]["parent"] == core
        assert c.post("/api/redo").json()["done"]
        assert {k["id"]: k for k in c.get("/api/codes").json()}[cid]["parent"] == cat
        assert c.post("/api/undo").json()["done"]
        named = c.post(f"/api/codes/{cid}/promote", json={"name": "政策工具"}).json()["id"]
        assert {k["id"]: k for k in c.get("/api/codes").json()}[named]["name"] == "政策工具"
        c.patch(f"/api/codes/{core}", json={"level": 4})
        err = assert_error(c.post(f"/api/codes/{core}/promote", json={}), 400)
        assert "核心范畴" in err["message_zh"] and "core category" in err["message_en"]


def _two_coders(tmp_path: Path) -> Path:
    """Two coders on document 1: agreeing on one span, each with text of their own."""
    from zhagen.project import Project

    project = make_project(tmp_path)
    with Project.open(project) as p:
        a = p.codes.add("企业主体", level=1)
        b = p.codes.add("政策支持", level=1)
        p.codings.add(1, 0, 8, a, coder="甲")
        p.codings.add(1, 0, 6, a, coder="乙")
        p.codings.add_sentence(1, 1, b, coder="甲")
        p.codings.add(1, 10, 17, b, coder="乙")
        p.codings.add_sentence(1, 2, b, coder="乙")
    return project


def test_compare_shows_the_library_agreement_and_the_disagreements(tmp_path: Path) -> None:
    from zhagen.coding.agreement import agreement
    from zhagen.project import Project

    project = _two_coders(tmp_path)
    with Project.open(project) as p:
        text = p.documents.text(1)
        expect = agreement(p.codings.frame(document=1), {1: len(text)}, ("甲", "乙")).by_code
    with client(project) as c:
        session(c)
        r = c.get("/api/documents/1/compare?a=甲&b=乙")
        assert r.status_code == 200, r.text
        out = r.json()
    got = {row["code_name"]: row for row in out["by_code"]}
    for row in expect.to_dict("records"):
        for col in ("kappa", "percent_agreement", "both", "a_only", "b_only", "neither"):
            assert got[row["code_name"]][col] == row[col]
    assert (
        out["missing"] == [] and len(out["codings"]["甲"]) == 2 and len(out["codings"]["乙"]) == 3
    )
    dis = [(d["code_name"], d["start"], d["end"], d["coder"]) for d in out["disagreements"]]
    s1, s2 = len("企业是创新主体。"), len("企业是创新主体。政府提供政策支持。")
    # 甲: sentence 1 [s1, s2); 乙: [10, 17) of it and sentence 2 [s2, …)
    assert dis == [("企业主体", 6, 8, "甲"), ("政策支持", s1, 10, "甲"),
                   ("政策支持", s2, len(text), "乙")]  # fmt: skip
    # each disagreement is text exactly one coder coded with that code
    for name, s, e, who in dis:
        mine = [k for k in out["codings"][who] if k["code_name"] == name]
        other = [k for k in out["codings"]["乙" if who == "甲" else "甲"] if k["code_name"] == name]
        assert any(k["start"] <= s and e <= k["end"] for k in mine)
        assert not any(k["start"] < e and s < k["end"] for k in other)


def test_compare_refuses_what_it_must(tmp_path: Path) -> None:
    project = _two_coders(tmp_path)
    with client(project) as c:
        session(c)
        one = c.get("/api/documents/2/compare?a=甲&b=乙").json()
        assert one["missing"] == ["甲", "乙"] and one["by_code"] == []
        assert_error(c.get("/api/documents/9/compare?a=甲&b=乙"), 404)
        err = assert_error(c.get("/api/documents/1/compare?a=甲&b=甲"), 400)
        assert "两位不同" in err["message_zh"] and "two different" in err["message_en"]
        assert_error(c.get("/api/documents/1/compare?a=甲&b=乙&unit=word"), 400, "parameter")
        r = c.get("/api/documents/1/compare?a=甲&b=乙&unit=sentence")
        assert r.status_code == 200 and r.json()["unit"] == "sentence"
