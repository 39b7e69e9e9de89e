"""Memos with types (Kuckartz: code, theory, method, reflection), found by search, type and
what they are about, exported as Markdown and Word; migration 0008 on an older file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from web_support import assert_error, client, file_before, make_project, session


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    from zhagen.project import Project

    path = make_project(tmp_path)
    with Project.open(path) as p:
        a = p.codes.add("政策支持", level=3)
        b = p.codes.add("协同创新", level=3)
        rel = p.relations.add(a, b, "因果条件")
        coding = p.codings.add(1, 0, 4, a, coder="甲")
        ids = {"code": a, "relation": rel, "coding": coding}
        p.memos.add("code", a, "政策是外部条件", title="政策", type="code", coder="甲")
        p.memos.add("relation", rel, "补贴推动 50% 的合作", type="theory", coder="甲")
        p.memos.add("coding", coding, "这句话说明了方法问题", type="方法", coder="甲")
        p.memos.add("project", None, "我对访谈的反思", type="reflection", coder="甲")
        p.memos.add("document", 1, "一篇政策文本")
    return path, ids


def test_types_search_and_targets(project) -> None:
    from zhagen.errors import ParameterError
    from zhagen.project import Project

    path, ids = project
    with Project.open(path) as p:
        assert p.memos()["type"].tolist() == ["code", "theory", "method", "reflection", ""]
        assert p.memos(type="theory")["text"].tolist() == ["补贴推动 50% 的合作"]
        assert p.memos(type="")["text"].tolist() == ["一篇政策文本"]
        assert p.memos(q="政策")["type"].tolist() == ["code", ""]  # title or text
        assert p.memos(q="%")["type"].tolist() == ["theory"]  # LIKE's wildcards are text
        assert len(p.memos(q="_")) == 0
        rows = p.memos().set_index("type")
        assert rows.loc["theory", "target_name"] == "政策支持 → 协同创新"
        assert rows.loc["method", "target_name"] == "政策支持"
        assert (rows.loc["method", "document"], rows.loc["method", "start"]) == (1, 0)
        assert rows.loc["code", "target_name"] == "政策支持"
        with pytest.raises(ParameterError, match="memo type"):
            p.memos.add("project", None, "x", type="idea")
        mid = int(rows.loc["", "id"])
        p.memos.edit(mid, type="theory")
        assert p.memos(type="theory")["id"].tolist()[-1] == mid
        p.undo()
        assert p.memos.frame().set_index("id").loc[mid, "type"] == ""


def test_export_markdown_and_docx(project, tmp_path: Path) -> None:
    import docx

    from zhagen.project import Project

    path, _ids = project
    with Project.open(path) as p:
        md = p.reports.write_memos(tmp_path / "m.md").read_text(encoding="utf-8")
        # grouped by type in Kuckartz's order, each with what it is about
        order = [md.index(h) for h in ("## 编码备忘录", "## 理论备忘录", "## 方法备忘录",
                                       "## 反思备忘录", "## 未分类备忘录")]  # fmt: skip
        assert order == sorted(order)
        assert "关系 #1「政策支持 → 协同创新」" in md and "补贴推动 50% 的合作" in md
        only = p.reports.write_memos(tmp_path / "t.md", type="theory", lang="en").read_text("utf-8")
        assert "## Theory memos (1)" in only and "政策是外部条件" not in only
        book = docx.Document(str(p.reports.write_memos(tmp_path / "m.docx", q="政策")))
        text = "\n".join(par.text for par in book.paragraphs)
        assert "政策是外部条件" in text and "一篇政策文本" in text and "反思" not in text
        with pytest.raises(Exception, match="md"):
            p.reports.write_memos(tmp_path / "m.pdf")


def test_memo_routes_filter_and_export(project) -> None:
    import docx

    path, ids = project
    with client(path) as cl:
        session(cl)
        r = cl.post("/api/memos", json={"target_type": "code", "target_id": ids["code"],
                                        "text": "编码说明", "type": "code"})  # fmt: skip
        assert r.status_code == 200, r.text
        got = cl.get("/api/memos", params={"type": "code"}).json()
        assert [m["text"] for m in got] == ["政策是外部条件", "编码说明"]
        assert [m["text"] for m in cl.get("/api/memos", params={"type": "none"}).json()] == [
            "一篇政策文本"
        ]
        assert len(cl.get("/api/memos", params={"q": "反思"}).json()) == 1
        assert_error(cl.get("/api/memos", params={"type": "idea"}), 422)
        mid = got[-1]["id"]
        assert cl.patch(f"/api/memos/{mid}", json={"type": "theory"}).status_code == 200
        assert cl.get("/api/memos", params={"type": "theory"}).json()[-1]["id"] == mid
        md = cl.get("/api/memos/export", params={"format": "md", "type": "theory"})
        assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
        assert "编码说明" in md.text and "政策是外部条件" not in md.text
        cl.cookies.set("zhagen_lang", "en")
        word = cl.get("/api/memos/export", params={"format": "docx"})
        book = docx.Document(io.BytesIO(word.content))
        assert "Reflection memos (1)" in [par.text for par in book.paragraphs]


def test_migration_0008_on_a_file_with_the_migrations_before_it(tmp_path: Path) -> None:
    from zhagen.project import Project

    path = tmp_path / "old.zhagen"
    conn = file_before(path, "0008_memo_type")
    ts = "2026-01-01T00:00:00.000+00:00"
    conn.execute("INSERT INTO memos(target_type, title, text, created, modified) "
                 "VALUES ('project', '旧', '旧备忘录', ?, ?)", (ts, ts))  # fmt: skip
    conn.commit()
    conn.close()
    with Project.open(path) as p:
        assert p.memos()[["text", "type"]].values.tolist() == [["旧备忘录", ""]]
        p.memos.edit(1, type="reflection")
        assert p.memos(type="reflection")["text"].tolist() == ["旧备忘录"]


def test_an_edit_logged_before_the_migration_is_undone_after_it() -> None:
    """Rows logged without the ``type`` column are completed with the value every memo had
    before it (``store.coding.complete_rows``)."""
    from zhagen.store.coding import TABLE_COLUMNS, complete_rows

    old = {"id": 1, "target_type": "project", "target_id": None, "title": "", "text": "x",
           "coder_id": None, "created": "t", "modified": "t"}  # fmt: skip
    (row,) = complete_rows("memos", [old])
    assert set(row) == set(TABLE_COLUMNS["memos"]) and row["type"] == ""
    assert complete_rows("codings", [{"id": 1}]) == [{"id": 1}]
