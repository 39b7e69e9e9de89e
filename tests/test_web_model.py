"""The model page's API and the library under it: relations edited (ends, type,
description), one undoable logged edit each; the translation table covers every label the
pages and APIs show."""

from __future__ import annotations

from pathlib import Path

import pytest

from web_support import assert_error, client, make_project, session


@pytest.fixture
def categories(tmp_path: Path) -> tuple[Path, list[int]]:
    from zhagen.project import Project

    path = make_project(tmp_path)
    with Project.open(path) as p:
        ids = [p.codes.add(n, level=3) for n in ("政策环境", "组织能力", "协同网络")]
    return path, ids


def test_relation_update_is_one_undoable_edit(categories) -> None:
    from zhagen.errors import ParameterError
    from zhagen.project import Project

    path, (a, b, c) = categories
    with Project.open(path) as p:
        rid = p.relations.add(a, b, "因果条件", description="旧")
        p.relations.update(rid, target=c, type="结果", description="新的内涵")
        row = p.relations().set_index("id").loc[rid]
        assert (row["source"], row["target"], row["type"], row["description"]) == (
            a, c, "结果", "新的内涵")  # fmt: skip
        assert "修改关系" in p.history(1)["description"].iloc[0]
        p.undo()
        row = p.relations().set_index("id").loc[rid]
        assert (row["target"], row["type"], row["description"]) == (b, "因果条件", "旧")
        p.redo()
        assert p.relations().set_index("id").loc[rid]["type"] == "结果"
        # the same two ends twice, a self-loop and an empty type are refused, nothing changed
        other = p.relations.add(a, b, "情境")
        with pytest.raises(ParameterError, match="已有"):
            p.relations.update(other, target=c, type="结果")
        with pytest.raises(ParameterError, match="same|同一"):
            p.relations.update(other, target=a)
        with pytest.raises(ParameterError, match="empty"):
            p.relations.update(other, type="  ")
        assert p.relations().set_index("id").loc[other]["type"] == "情境"


def test_relation_patch_route(categories) -> None:
    path, (a, b, c) = categories
    with client(path) as cl:
        session(cl)
        rid = cl.post("/api/relations", json={"source": a, "target": b, "type": "情境"}).json()[
            "id"
        ]
        r = cl.patch(f"/api/relations/{rid}", json={"description": "政策通过补贴作用于组织"})
        assert r.status_code == 200, r.text
        (rel,) = cl.get("/api/relations").json()
        assert rel["description"] == "政策通过补贴作用于组织" and rel["type"] == "情境"
        assert_error(cl.patch(f"/api/relations/{rid}", json={"target": a}), 400)
        assert_error(cl.patch("/api/relations/999", json={"type": "结果"}), 404)
        assert cl.post("/api/undo").json()["done"]
        assert cl.get("/api/relations").json()[0]["description"] == ""
