"""The queries page's API (``/api/queries/...``) against a real temporary project."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from web_support import TEXTS, assert_error, client, make_project, session  # noqa: E402


@pytest.fixture
def c(tmp_path: Path):
    with client(make_project(tmp_path)) as cl:
        session(cl)
        yield cl


def _code_all(c, query: str, name: str, spread: str = "hit") -> dict:
    r = c.post("/api/queries/search/code", json={"name": name, "query": query, "spread": spread})
    assert r.status_code == 200, r.text
    return r.json()


def test_words_table_and_cloud(c) -> None:
    body = c.get("/api/queries/words", params={"top": 5, "min_length": 2}).json()
    assert len(body["rows"]) == 5 and set(body["definitions"]) >= {"count", "share"}
    text = "".join(TEXTS.values())
    every = {r["word"]: r for r in c.get("/api/queries/words", params={"top": 1000}).json()["rows"]}
    assert every["创新联合体"]["count"] == text.count("创新联合体")  # a dictionary word, cut whole
    assert body["rows"] == sorted(body["rows"], key=lambda r: (-r["count"], r["word"]))
    r = c.get("/api/queries/words/cloud", params={"top": 5})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    from PIL import Image

    assert Image.open(io.BytesIO(r.content)).size == (1200, 700)
    assert_error(c.get("/api/queries/words", params={"top": 0}), 400, "parameter")
    assert_error(c.get("/api/queries/words", params={"thesaurus": "/etc/passwd"}), 400, "parameter")


def test_search_code_all_hits_and_undo(c) -> None:
    body = c.get("/api/queries/search", params={"query": "政策支持", "context": 2}).json()
    assert body["total"] == 2 and body["documents"] == 2
    assert {h["sentence"] for h in body["hits"]} == {2}  # the second sentence of each, from 1
    err = assert_error(c.get("/api/queries/search", params={"query": "(", "regex": "true"}), 400)
    assert "正则表达式" in err["message_zh"] and "regular expression" in err["message_en"]
    done = _code_all(c, "政策支持", "政策", spread="sentence")
    assert done["spans"] == 2 and done["documents"] == 2
    matrix = c.get("/api/queries/matrix", params={"columns": "source"}).json()
    assert matrix["rows"] == ["政策"] and matrix["values"] == [[1, 1]]
    assert c.post("/api/undo").status_code == 200
    assert c.get("/api/queries/matrix").json()["rows"] == []
    # a code of that name anywhere in the tree is the one coded, not a new top-level twin
    parent = c.post("/api/codes", json={"name": "政策环境"}).json()["id"]
    child = c.post("/api/codes", json={"name": "支持", "parent": parent}).json()["id"]
    assert _code_all(c, "支持", "支持")["code"] == child
    assert [x["name"] for x in c.get("/api/codes").json()].count("支持") == 1


def test_matrix_drill_down_downloads_and_cooccurrence(c) -> None:
    _code_all(c, "政策支持", "政策", spread="sentence")
    _code_all(c, "企业", "企业")
    m = c.get("/api/queries/matrix", params={"columns": "codes", "measure": "documents"}).json()
    assert m["columns"] == ["政策", "企业"] and m["values"][0][0] == 2
    row = m["row_ids"][0][0]
    units = c.get("/api/queries/matrix/cell", params={"columns": "codes", "row": row,
                                                       "column": "企业"}).json()  # fmt: skip
    assert sorted(u["text"] for u in units) == ["政府提供政策支持。", "政策支持帮助中小企业发展。"]
    assert_error(c.get("/api/queries/matrix/cell", params={"row": row, "column": "无"}), 400)
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheet"), ("png", "image/png")):
        r = c.get("/api/queries/matrix/download", params={"format": fmt, "columns": "codes"})
        assert r.status_code == 200 and kind in r.headers["content-type"], fmt
    fw = c.get("/api/queries/framework").json()
    assert fw["columns"] == ["政策", "企业"] and fw["total"] == 2
    assert c.get("/api/queries/framework/download").status_code == 200
    co = c.get("/api/queries/cooccurrence", params={"unit": "sentence"}).json()
    i, j = co["rows"].index("政策"), co["columns"].index("企业")
    assert co["values"][i][j] == 1  # 政策支持帮助中小企业发展。
    cell = c.get("/api/queries/cooccurrence/cell",
                 params={"unit": "sentence", "a": "政策", "b": "企业"}).json()  # fmt: skip
    assert [u["text"] for u in cell] == ["政策支持帮助中小企业发展。"]
    assert c.get("/api/params/matrix").json()["measure"]["choices"] == [
        "codings", "documents", "characters"]  # fmt: skip


def test_queries_page_is_served(c) -> None:
    r = c.get("/queries")
    assert r.status_code == 200 and "queries.js" in r.text and "查询" in r.text
