"""The model page's API and the library under it: relations edited (ends, type,
description), one undoable logged edit each; the translation table covers every label the
pages and APIs show."""

from __future__ import annotations

import re
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


# -- translations --------------------------------------------------------------------------
WEB = Path(__file__).resolve().parents[1] / "src" / "zhagen" / "web"
#: A raw identifier as the library names a column or value (``holsti_r``, ``reason_zh``).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _has(key: str) -> None:
    from zhagen.web.i18n import STRINGS

    assert key in STRINGS, f"no translation for {key!r}"
    zh, en = STRINGS[key]
    assert zh.strip() and en.strip(), f"an empty translation for {key!r}"
    assert not SNAKE.search(zh) and not SNAKE.search(en), f"{key!r} is translated as an identifier"


def test_every_key_the_scripts_and_templates_use_is_translated() -> None:
    from zhagen.web.auth import ROLES

    keys: set[str] = set()
    for js in (WEB / "static" / "js").glob("*.js"):
        keys |= set(re.findall(r"\bt\(\s*\"([A-Za-z0-9_.]+)\"", js.read_text(encoding="utf-8")))
    for html in (WEB / "templates").glob("*.html"):
        text = html.read_text(encoding="utf-8")
        keys |= set(re.findall(r"\bt\('([A-Za-z0-9_.]+)'\)", text))
        keys |= {"nav." + k for k in re.findall(r"\('([a-z]+)', '/", text)}  # the menu
    keys = {k for k in keys if not k.endswith(".")}  # a prefix: its ends are checked below
    keys |= {f"set.role.{r}" for r in ROLES}
    assert len(keys) > 100  # the scan found the keys
    for key in sorted(keys):
        _has(key)


def test_every_choice_of_every_form_is_translated() -> None:
    from zhagen.web.services.params import ANALYSES, form

    n = 0
    for analysis in ANALYSES:
        for name, spec in form(analysis).items():
            for choice in spec.get("choices") or []:
                _has(f"choice.{name}.{choice}")
                n += 1
    assert n >= 10


def test_every_column_and_value_the_report_apis_show_is_translated(tmp_path: Path) -> None:
    """Agreement, saturation, the paper tables, a map's nodes, clusters, bursts and summary,
    document types: every name has a translation, and the workbooks the pages download
    name their sheets and columns in the page's language."""
    import openpyxl

    from zhagen.demo_coding import run_coding
    from zhagen.project import Project
    from zhagen.records import DOC_TYPES

    root = Path(__file__).resolve().parents[1] / "examples"
    path = tmp_path / "demo.zhagen"
    with Project.create(path) as p:
        p.add([root / "docs", root / "cnki"])
        run_coding(p)
        coders = [str(c) for c in p.codings.coders()["name"]][:2]
    for doc_type in DOC_TYPES:
        _has(f"val.{doc_type}")
    with client(path) as cl:
        session(cl)
        agr = cl.post("/api/agreement", json={"a": coders[0], "b": coders[1]}).json()
        sat = cl.get("/api/saturation").json()
        tables = cl.get("/api/tables").json()["tables"]
        run = cl.post("/api/maps", json={"top": 30}).json()["run"]
        detail = cl.get(f"/api/maps/{run}").json()
        shown = [agr["by_code"], agr["pooled"], agr["by_code_document"], sat["new"],
                 sat["counts"], *tables, detail["nodes"], detail["clusters"], detail["bursts"]]  # fmt: skip
        for tb in shown:
            for col in tb["columns"]:
                _has(f"col.{col}")
        for caption in (tb["caption"] for tb in tables):
            _has(f"caption.{caption}")
        kind = sat["new"]["columns"].index("kind")
        for row in sat["new"]["rows"]:
            _has(f"val.{row[kind]}")
        for fact in ("records", "nodes", "edges", "clusters", "modularity", "silhouette", "bursts"):
            _has(f"col.{fact}")  # the summary line of the map page (map.js)
        for doc_type in cl.get("/api/documents").json()["facets"]["types"]:
            _has(f"val.{doc_type}")
        for lang, other in (("zh", "reason_en"), ("en", "reason_zh")):
            cl.cookies.set("zhagen_lang", lang)
            books = [cl.get("/api/saturation/download").content,
                     cl.post("/api/agreement/download", json={"a": coders[0], "b": coders[1]}).content]  # fmt: skip
            for data in books:
                (tmp_path / "x.xlsx").write_bytes(data)
                wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
                for ws in wb.worksheets:
                    head = [str(c) for c in next(ws.iter_rows(max_row=1, values_only=True))]
                    assert not any(SNAKE.search(h) for h in head), (ws.title, head)
                    assert other not in head
                    if lang == "en":
                        assert not re.search(r"[\u4e00-\u9fff]", ws.title + "".join(head)), head
