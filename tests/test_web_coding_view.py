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
