"""The web workbench's JSON API against a real temporary project (FastAPI TestClient)."""

from __future__ import annotations

from pathlib import Path

import fastapi  # noqa: F401 - a dependency: a broken install fails here
import httpx  # noqa: F401 - a dependency: a broken install fails here
import pytest

from web_support import assert_error, client, make_project, session  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def c(project: Path):
    with client(project) as cl:
        session(cl)
        yield cl


def _code(c, doc: int = 1, sentence: int = 1, name: str = "政策支持") -> dict:
    r = c.post(
        "/api/codings", json={"document": doc, "sentences": [sentence], "new_code": {"name": name}}
    )
    assert r.status_code == 200, r.text
    return r.json()


# -- documents -------------------------------------------------------------------------------
def test_documents_list_search_and_filters(c) -> None:
    body = c.get("/api/documents").json()
    assert body["total"] == 2 and {d["title"] for d in body["items"]} == {"a", "b"}
    assert body["facets"]["types"] == ["document"]
    assert c.get("/api/documents", params={"q": "A"}).json()["total"] == 1  # title, case-blind
    assert c.get("/api/documents", params={"type": "journal"}).json()["total"] == 0
    _code(c, doc=1)
    coded = c.get("/api/documents", params={"coded": "true"}).json()
    assert [d["id"] for d in coded["items"]] == [1] and coded["items"][0]["codings"] == 1
    assert c.get("/api/documents", params={"coded": "false"}).json()["total"] == 1
    assert (
        c.get("/api/documents", params={"coder": "default", "coded": "true"}).json()["total"] == 1
    )
    assert_error(c.get("/api/documents", params={"coder": "nobody"}), 400, "parameter")
    assert c.get("/api/documents", params={"limit": 1}).json()["items"].__len__() == 1


def test_document_text_sentences_and_info(c) -> None:
    info = c.get("/api/documents/1").json()
    assert info["title"] == "a" and info["length"] == len(TEXT_A)
    assert c.get("/api/documents/1/text").json()["text"] == TEXT_A
    assert c.get("/api/documents/1/text", params={"original": "true"}).json()["text"] == TEXT_A
    spans = c.get("/api/documents/1/sentences").json()["spans"]
    assert spans[0] == [0, 8] and spans[-1][1] == len(TEXT_A)
    assert_error(c.get("/api/documents/99"), 404, "not_found")
    assert_error(c.get("/api/documents/99/text"), 404)
    assert_error(c.get("/api/documents/x"), 422, "validation")


def test_search_sources_problems(c) -> None:
    hits = c.get("/api/search", params={"q": "政策支持"}).json()
    assert hits["total"] == 2 and {h["document"] for h in hits["hits"]} == {1, 2}
    assert_error(c.get("/api/search", params={"q": "[", "regex": "true"}), 400, "parameter")
    assert {s["path"] for s in c.get("/api/sources").json()} == {"a.txt", "b.txt"}
    assert c.get("/api/problems").json() == []


TEXT_A = "企业是创新主体。政府提供政策支持。高校参与产学研合作。"


# -- codings ---------------------------------------------------------------------------------
def test_code_span_sentence_new_and_existing_code(c) -> None:
    first = _code(c)
    assert first["created_code"] is True
    # the same name again is the same code, not a second one
    again = c.post(
        "/api/codings",
        json={"document": 2, "start": 13, "end": 17, "new_code": {"name": "政策支持"}},
    ).json()
    assert again["code"] == first["code"] and again["created_code"] is False
    span = c.post("/api/codings", json={"document": 1, "start": 0, "end": 2, "code": first["code"]})
    assert span.status_code == 200
    codings = c.get("/api/documents/1/codings").json()["codings"]
    assert [(k["start"], k["end"], k["code_name"]) for k in codings] == [
        (0, 2, "政策支持"),
        (8, 17, "政策支持"),
    ]
    assert c.get(f"/api/codings/{codings[0]['id']}").json()["text"] == "企业"


def test_coding_errors(c) -> None:
    assert_error(
        c.post(
            "/api/codings", json={"document": 1, "start": 5, "end": 500, "new_code": {"name": "x"}}
        ),
        400,
        "parameter",
    )
    assert_error(
        c.post(
            "/api/codings", json={"document": 77, "start": 0, "end": 1, "new_code": {"name": "x"}}
        ),
        404,
    )
    assert_error(
        c.post("/api/codings", json={"document": 1, "start": 0, "end": 1, "code": 999}), 404
    )
    assert_error(c.post("/api/codings", json={"document": 1, "start": 0, "end": 1}), 400)
    assert_error(c.post("/api/codings", json={"document": 1, "new_code": {"name": "x"}}), 400)
    assert_error(c.post("/api/codings", json={"document": "one"}), 422, "validation")
    assert_error(c.delete("/api/codings/999"), 404)
    assert_error(c.get("/api/codings/999"), 404)


def test_remove_and_recode(c) -> None:
    k = _code(c)["ids"][0]
    r = c.patch(f"/api/codings/{k}", json={"new_code": {"name": "企业主体"}})
    assert r.status_code == 200 and r.json()["created_code"]
    assert c.get("/api/documents/1/codings").json()["codings"][0]["code_name"] == "企业主体"
    assert c.delete(f"/api/codings/{k}").json() == {"ok": True}
    assert c.get("/api/documents/1/codings").json()["codings"] == []


def test_undo_redo_and_history(c) -> None:
    _code(c)
    undo = c.post("/api/undo").json()
    assert undo["done"] and "政策支持" in undo["description"]
    assert c.get("/api/documents/1/codings").json()["codings"] == []
    assert c.post("/api/redo").json()["done"]
    assert len(c.get("/api/documents/1/codings").json()["codings"]) == 1
    hist = c.get("/api/history").json()
    assert hist[0]["action"] in {"coding.add", "redo"} or hist
    while c.post("/api/undo").json()["done"]:
        pass
    assert c.post("/api/undo").json() == {"done": False, "description": None}


# -- the code tree ---------------------------------------------------------------------------
def test_code_tree_operations(c) -> None:
    cat = c.post("/api/codes", json={"name": "政府引导", "level": 2}).json()["id"]
    concept = _code(c)["code"]
    other = c.post("/api/codes", json={"name": "财政补贴", "color": "#112233"}).json()["id"]
    assert c.post(f"/api/codes/{concept}/move", json={"parent": cat}).status_code == 200
    codes = {x["id"]: x for x in c.get("/api/codes").json()}
    assert codes[concept]["parent"] == cat and codes[cat]["total"] == 1 and codes[cat]["count"] == 0
    assert codes[cat]["level_name"] == "初始范畴" and codes[other]["color"] == "#112233"
    r = c.patch(
        f"/api/codes/{concept}",
        json={"name": "政策扶持", "color": "#aa0000", "description": "政府的支持"},
    )
    assert r.status_code == 200
    row = {x["id"]: x for x in c.get("/api/codes").json()}[concept]
    assert (row["name"], row["color"], row["description"]) == ("政策扶持", "#aa0000", "政府的支持")
    ctx = c.get(f"/api/codes/{cat}/codings", params={"descendants": "true", "chars": 4}).json()
    assert ctx["total"] == 1 and ctx["codings"][0]["before"] == "创新主体。"[-4:]
    assert c.post("/api/codes/merge", json={"sources": [other], "into": concept}).json() == {
        "id": concept
    }
    assert_error(c.post(f"/api/codes/{cat}/move", json={"parent": concept}), 400, "parameter")
    assert_error(c.patch(f"/api/codes/{concept}", json={"color": "red"}), 422)
    assert_error(c.patch("/api/codes/999", json={"name": "x"}), 404)


def test_delete_code_needs_confirmation(c) -> None:
    concept = _code(c)["code"]
    err = assert_error(c.delete(f"/api/codes/{concept}"), 409, "in_use")
    assert "1" in err["message_en"]
    assert c.delete(f"/api/codes/{concept}", params={"force": "true"}).json()["codings"] == 1
    assert c.get("/api/codes").json() == []
    assert_error(c.delete(f"/api/codes/{concept}"), 404)


# -- memos, relations, storyline -------------------------------------------------------------
def test_memos_relations_storyline(c) -> None:
    mid = c.post(
        "/api/memos", json={"target_type": "document", "target_id": 1, "text": "<b>笔记</b>"}
    ).json()["id"]
    memos = c.get("/api/memos", params={"target_type": "document", "target_id": 1}).json()
    assert [m["text"] for m in memos] == ["<b>笔记</b>"]
    assert c.patch(f"/api/memos/{mid}", json={"text": "改过"}).status_code == 200
    assert c.get("/api/memos").json()[0]["text"] == "改过"
    assert c.delete(f"/api/memos/{mid}").status_code == 200
    assert_error(c.delete(f"/api/memos/{mid}"), 404)
    assert_error(c.post("/api/memos", json={"target_type": "planet", "text": "x"}), 422)
    a = c.post("/api/codes", json={"name": "政策环境", "level": 3}).json()["id"]
    b = c.post("/api/codes", json={"name": "协同创新", "level": 3}).json()["id"]
    rid = c.post("/api/relations", json={"source": a, "target": b, "type": "因果条件"}).json()["id"]
    rel = c.get("/api/relations").json()
    assert rel[0]["source_name"] == "政策环境" and rel[0]["type"] == "因果条件"
    assert c.delete(f"/api/relations/{rid}").status_code == 200
    assert_error(c.delete(f"/api/relations/{rid}"), 404)
    assert c.put("/api/storyline", json={"text": "故事线"}).json() == {"text": "故事线"}
    assert c.get("/api/storyline").json() == {"text": "故事线"}
    vocab = c.get("/api/vocab").json()
    assert [lv["zh"] for lv in vocab["levels"]] == ["初始概念", "初始范畴", "主范畴", "核心范畴"]
    assert "因果条件" in vocab["relation_types"]


# -- tables, saturation, agreement, export ----------------------------------------------------
def _two_coders(c) -> None:
    c.put("/api/session/coder", json={"name": "甲"})
    _code(c, 1, 1)
    _code(c, 2, 1)
    c.put("/api/session/coder", json={"name": "乙"})
    _code(c, 1, 1)
    _code(c, 2, 0)


def test_tables_and_downloads(c) -> None:
    cat = c.post("/api/codes", json={"name": "政府引导", "level": 2}).json()["id"]
    concept = _code(c)["code"]
    c.post(f"/api/codes/{concept}/move", json={"parent": cat})
    body = c.get("/api/tables").json()
    names = [t["name"] for t in body["tables"]]
    assert names[0] == "开放式编码" and "编码数量" in names
    first = body["tables"][0]
    assert first["rows"][0][:3] == ["政府提供政策支持。", "政策支持", "政府引导"]
    for fmt, magic in (("xlsx", b"PK"), ("docx", b"PK")):
        r = c.get("/api/tables/download", params={"format": fmt})
        assert r.status_code == 200 and r.content[:2] == magic
        assert f"coding_tables.{fmt}" in r.headers["content-disposition"]
    assert_error(c.get("/api/tables/download", params={"format": "pdf"}), 422)
    plain = c.get("/api/tables/download", params={"format": "docx", "trace": "false"}).content
    traced = c.get("/api/tables/download", params={"format": "docx", "trace": "true"}).content
    assert traced[:2] == b"PK" and _docx_text(traced).count("来源") > _docx_text(plain).count(
        "来源"
    )
    r = c.get("/api/export/qdpx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def _docx_text(data: bytes) -> str:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def test_saturation_and_agreement(c) -> None:
    _two_coders(c)
    sat = c.get("/api/saturation", params={"holdout": "1/2", "seed": 0}).json()
    assert len(sat["holdout"]) == 1 and sat["verdict_zh"] and sat["verdict_en"]
    # never "saturated" while a held-out document is uncoded, as in the CLI
    assert sat["saturated"] is not True or not sat["uncoded_holdout"]
    assert isinstance(sat["warnings"], list) and "dated_from" in sat
    assert c.get("/api/saturation/download", params={"holdout": "1/2"}).content[:2] == b"PK"
    assert_error(c.get("/api/saturation", params={"holdout": "2"}), 400, "parameter")
    # a name the declaration lacks (the old ``fraction``) is refused, not silently ignored
    assert_error(c.get("/api/saturation", params={"fraction": "1/2"}), 400, "parameter")
    agr = c.post("/api/agreement", json={"a": "甲", "b": "乙"}).json()
    assert agr["pooled"]["rows"] and "kappa" in agr["by_code"]["columns"]
    r = c.post("/api/agreement/download", json={"a": "甲", "b": "乙", "unit": "sentence"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert_error(c.post("/api/agreement", json={"a": "甲", "b": "无名"}), 400)
    assert c.get("/api/coders").json() == ["甲", "乙"] or set(c.get("/api/coders").json()) >= {
        "甲",
        "乙",
    }


# -- errors ----------------------------------------------------------------------------------
def test_one_error_shape_everywhere(c, project: Path) -> None:
    assert_error(c.get("/api/nowhere"), 404, "not_found")
    assert_error(c.put("/api/documents"), 405)
    assert_error(
        c.post("/api/codes", content=b"{not json", headers={"Content-Type": "application/json"}),
        422,
    )


def test_unexpected_error_is_500_without_trace(project: Path, monkeypatch) -> None:
    from zhagen.project import Relations

    def boom(self, *a, **k):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Relations, "storyline", boom)
    with client(project, raise_server_exceptions=False) as cl:
        session(cl)
        r = cl.get("/api/storyline")
    err = assert_error(r, 500, "internal")
    assert (
        "secret" not in r.text and "Traceback" not in r.text and "passwd" not in err["message_en"]
    )


# -- pages -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/documents", "/documents/1", "/codes", "/model", "/tables",
                                  "/saturation", "/agreement", "/map", "/settings"])  # fmt: skip
def test_pages_render_with_security_headers(c, path: str) -> None:
    r = c.get(path)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert '<script id="page-data" type="application/json">' in r.text
    # nothing is loaded from elsewhere (works offline): no absolute URL at all
    assert "http://" not in r.text and "https://" not in r.text and 'src="//' not in r.text


def test_english_switch_and_static_files(c) -> None:
    c.cookies.set("zhagen_lang", "en")
    assert "Documents" in c.get("/documents").text
    c.cookies.set("zhagen_lang", "zh")
    assert "文档" in c.get("/documents").text
    for name in ("js/core.js", "js/viewer.js", "css/app.css", "favicon.svg"):
        r = c.get(f"/static/{name}")
        assert r.status_code == 200 and b"http" not in r.content.replace(b"http://www.w3.org", b"")


def test_i18n_has_both_languages() -> None:
    from zhagen.web.i18n import STRINGS, strings

    assert all(zh and en for zh, en in STRINGS.values())
    assert strings("en")["nav.codes"] == "Code tree" and strings("zh")["nav.codes"] == "编码树"


def test_root_redirects(c) -> None:
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents"


def test_every_ui_string_used_exists() -> None:
    """Each t("key") in the templates and scripts is in the one i18n dictionary."""
    import re

    from zhagen.web.i18n import STRINGS

    web = Path(__file__).resolve().parents[1] / "src" / "zhagen" / "web"
    used: set[str] = set()
    for path in [*web.glob("templates/*.html"), *web.glob("static/js/*.js")]:
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8"))
        )
    assert len(used) > 80
    missing = sorted(k for k in used if k not in STRINGS and not k.endswith("."))
    assert missing == []
    from zhagen.web.services.maps import params_form

    # the map form's labels come with the parameters' declaration, in both languages
    assert all(p["label_zh"] and p["label_en"] for p in params_form().values())
    assert all(f"set.role.{r}" in STRINGS for r in ("owner", "coder", "viewer"))


def test_scripts_never_write_html() -> None:
    """Data reaches the page through textContent only: no innerHTML, outerHTML,
    insertAdjacentHTML or document.write in the workbench's scripts."""
    web = Path(__file__).resolve().parents[1] / "src" / "zhagen" / "web" / "static" / "js"
    for path in web.glob("*.js"):
        code = path.read_text(encoding="utf-8")
        for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert bad not in code.replace("never through\n * innerHTML", ""), (path.name, bad)


def test_code_level_none_and_depth_free(c) -> None:
    """The level select offers "none"; depth is not limited by the level (issue 9)."""
    top = c.post("/api/codes", json={"name": "概念甲", "level": 1}).json()["id"]
    below = c.post("/api/codes", json={"name": "细目", "parent": top}).json()["id"]
    rows = {x["id"]: x for x in c.get("/api/codes").json()}
    assert rows[below]["level"] is None and rows[below]["parent"] == top
    assert c.patch(f"/api/codes/{below}", json={"level": 3}).status_code == 200
    assert {x["id"]: x for x in c.get("/api/codes").json()}[below]["level"] == 3
    assert c.patch(f"/api/codes/{below}", json={"level": "none"}).status_code == 200
    assert {x["id"]: x for x in c.get("/api/codes").json()}[below]["level"] is None
    assert c.patch(f"/api/codes/{below}", json={"level": 7}).status_code == 422


# -- every analysis's form and query fields come from its one declaration ---------------------
ANALYSES = {"maps": ("MapParams", "MAP_RUN_OPTIONS"), "saturation": ("SaturationParams", None),
            "agreement": ("AgreementParams", None), "tables": ("TablesParams", None),
            "terms": ("TermsParams", None)}  # fmt: skip


def _declared(analysis: str) -> list:
    import zhagen
    from zhagen.params import spec

    cls, extra = ANALYSES[analysis]
    return [p for p in spec(getattr(zhagen, cls)) + tuple(getattr(zhagen, extra or "MAP_RUN_OPTIONS")
            if extra else ()) if p.web]  # fmt: skip


@pytest.mark.parametrize("analysis", list(ANALYSES))
def test_each_form_is_its_declaration(c, analysis: str) -> None:
    form = c.get(f"/api/params/{analysis}").json()
    declared = _declared(analysis)
    assert list(form) == [p.name for p in declared]
    for p in declared:
        assert form[p.name] == json_of(p.to_json())
    if analysis == "maps":
        assert c.get("/api/maps/params").json() == form
    assert_error(c.get("/api/params/nothing"), 404, "not_found")


def json_of(value):
    import json

    return json.loads(json.dumps(value, ensure_ascii=False))


@pytest.mark.parametrize(
    ("path", "analysis"),
    [("/api/saturation", "saturation"), ("/api/tables", "tables"), ("/api/terms", "terms"),
     ("/api/tables/download", "tables")],
)  # fmt: skip
def test_the_api_signature_lists_each_declared_field(c, path: str, analysis: str) -> None:
    """The query fields FastAPI knows for a route (what its OpenAPI schema would list) are
    the declared parameters, labelled from the declaration."""

    def query(dependant) -> list:
        return [*dependant.query_params, *(q for d in dependant.dependencies for q in query(d))]

    route = next(r for r in c.app.routes if getattr(r, "path", None) == path)
    fields = {f.name: f for f in query(route.dependant)}
    declared = _declared(analysis)
    assert {p.name for p in declared} <= set(fields)
    assert set(fields) - {p.name for p in declared} <= {"format"}
    for p in declared:
        assert fields[p.name].field_info.title == f"{p.label_zh} / {p.label_en}"


@pytest.mark.parametrize(
    ("method", "url", "sent", "named"),
    [
        ("GET", "/api/saturation", {"seed": "x"}, "seed"),
        ("GET", "/api/saturation", {"holdout": "1.5"}, "1.5"),
        ("GET", "/api/tables", {"trace": "1", "colour": "red"}, "colour"),
        ("GET", "/api/tables/download", {"format": "xlsx", "nothing": "1"}, "nothing"),
        ("GET", "/api/terms", {"top": "0"}, "top"),
        ("GET", "/api/terms", {"min_freq": "many"}, "min_freq"),
        ("POST", "/api/agreement", {"a": "甲", "b": "乙", "unit": "word"}, "unit"),
        ("POST", "/api/agreement", {"a": "甲", "b": "乙", "units": "char"}, "units"),
        ("POST", "/api/maps", {"top": "0"}, "top"),
    ],
)
def test_a_bad_value_is_a_bilingual_400(c, method: str, url: str, sent: dict, named: str) -> None:
    _two_coders(c)
    r = c.get(url, params=sent) if method == "GET" else c.post(url, json=sent)
    err = assert_error(r, 400, "parameter")
    assert named in err["message_zh"] and named in err["message_en"]


def test_terms_route_gives_the_libraries_candidates(c, project: Path) -> None:
    from zhagen.project import Project

    got = c.get("/api/terms", params={"top": "5", "min_freq": "2"}).json()
    with Project.open(project) as p:
        expected = p.terms.discover(top=5, min_freq=2)
    assert got["total"] == len(expected)
    assert got["columns"] == [str(col) for col in expected.columns]
    if len(expected):
        assert got["rows"][0][0] == expected.iloc[0, 0]
