"""The coding engine: code tree, codings, memos, relations and retrieval on real project files."""

from __future__ import annotations

import sqlite3

import pytest

from zhagen.coding import LEVELS
from zhagen.errors import ParameterError
from zhagen.project import Project

# code points: 😀 and 𠀀 are one each (two UTF-16 units, four UTF-8 bytes)
DOC1 = "企业是创新主体😀。政府提供𠀀政策支持。高校开展基础研究。"
DOC2 = "创新联合体整合资源。政策支持促进协同创新。"


class P(Project):
    """A project with the coding methods (the lead adds the mixin to Project itself)."""


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "a.txt").write_text(DOC1, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DOC2, encoding="utf-8")
    p = P.create(tmp_path / "study.zhagen")
    p.add([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert p.text(1) == DOC1 and p.text(2) == DOC2
    yield p
    p.close()


def _tree(project):
    core = project.add_code("协同创新", level=4)
    main = project.add_code("创新主体", parent=core)
    cat = project.add_code("主体角色", parent=main)
    concept = project.add_code("企业主体", parent=cat)
    return core, main, cat, concept


# -- the code tree ---------------------------------------------------------------------------
def test_levels_default_to_one_below_the_parent(project):
    core, main, cat, concept = _tree(project)
    df = project.codes().set_index("id")
    assert [df.at[i, "level"] for i in (core, main, cat, concept)] == [4, 3, 2, 1]
    assert [df.at[i, "level_name"] for i in (core, main, cat, concept)] == [
        LEVELS[4][0],
        "主范畴",
        "初始范畴",
        "初始概念",
    ]
    assert df.at[concept, "path"] == "协同创新/创新主体/主体角色/企业主体"
    assert project.add_code("顶层") and project.codes().iloc[-1]["level"] == 1


def test_level_is_free_of_depth_and_checked_not_enforced(project):
    cat = project.add_code("政策环境", level=2)
    high = project.add_code("主范畴X", parent=cat, level=3)  # allowed, reported
    leaf = project.add_code("补贴", parent=cat)
    assert project.codes.get(leaf)["level"] == 1
    below = project.add_code("子概念", parent=leaf)  # under a concept: no level
    assert project.codes.get(below)["level"] is None
    problems = project.codes.level_problems()
    assert any("主范畴X" in p and "level 3" in p for p in problems)
    assert any("1 code has no level" in p and "子概念" in p for p in problems)
    # a tree seven levels deep, every code at its depth
    parent = None
    for depth in range(7):
        parent = project.add_code(f"层{depth}", parent=parent, level="none")
    frame = project.codes().set_index("name")
    assert frame.at["层6", "depth"] == 6 and pd_na(frame.at["层6", "level"])
    with pytest.raises(ParameterError) as err:
        project.add_code("x", level=5)
    assert "none" in err.value.en and "层级" in err.value.zh
    project.codes.set_level(high, 1)
    project.codes.set_level(below, None)
    assert not any("主范畴X" in p for p in project.codes.level_problems())


def test_names_unique_among_siblings_and_resolution(project):
    a = project.add_code("政策", level=2)
    env = project.add_code("环境", level=3)
    with pytest.raises(ParameterError) as err:  # elsewhere too: later names would be ambiguous
        project.add_code("政策", parent=env)
    assert f"#{a}" in err.value.zh and f"#{a}" in err.value.en and "allow" in err.value.en
    b = project.add_code("政策", parent=env, allow_duplicate=True)  # when asked: fine
    with pytest.raises(ParameterError) as err:
        project.add_code("政策", level=2)
    assert "#1" in err.value.message
    with pytest.raises(ParameterError) as err:
        project.rename_code("政策", "新名")  # ambiguous name
    assert f"#{a}" in err.value.message and f"#{b}" in err.value.message
    project.rename_code(f"#{a}", "政策工具")
    assert project.codes().set_index("id").at[a, "name"] == "政策工具"
    with pytest.raises(ParameterError) as err:
        project.describe_code("不存在", "x")
    assert "不存在" in err.value.zh and "code list" in err.value.en
    with pytest.raises(ParameterError):
        project.describe_code(999, "x")
    with pytest.raises(ParameterError):
        project.add_code("   ")


def test_rename_describe_color(project):
    c = project.add_code("概念", color="#ABC")
    project.rename_code(c, "新概念")
    project.describe_code("新概念", "内涵说明")
    project.color_code(c, "#FF0000")
    row = project.codes().set_index("id").loc[c]
    assert (row["name"], row["description"], row["color"]) == ("新概念", "内涵说明", "#ff0000")
    with pytest.raises(ParameterError) as err:
        project.color_code(c, "red")
    assert "#rrggbb" in err.value.en
    assert project.codes().set_index("id").at[c, "color"] == "#ff0000"


def test_move_code_rules(project):
    core, main, cat, concept = _tree(project)
    other = project.add_code("另一主范畴", parent=core)
    project.move_code(cat, other)
    assert project.codes().set_index("id").at[cat, "parent"] == other
    project.move_code(main, cat)  # under a lower level: allowed, reported by the check
    assert any("(level 3)" not in p and "of level 3" in p for p in project.codes.level_problems())
    project.move_code(main, core)
    with pytest.raises(ParameterError) as err:
        project.move_code(core, concept, level=1)  # into its own descendant
    assert "descendant" in err.value.en
    project.set_code_level(cat, 1)  # its child is a concept: reported, not refused
    assert any("企业主体" in p for p in project.codes.level_problems())
    project.set_code_level(cat, 2)
    project.move_code(concept, None)
    project.set_code_level(concept, 3)
    row = project.codes().set_index("id").loc[concept]
    assert pd_na(row["parent"]) and row["level"] == 3


def pd_na(value):
    import pandas as pd

    return value is None or value is pd.NA or pd.isna(value)


def test_merge_codes_codings_children_relations_memos(project):
    cat = project.add_code("政策", level=2)
    a = project.add_code("补贴", parent=cat)
    b = project.add_code("财政补贴", parent=cat)
    c = project.add_code("税收", level=2)
    child = project.add_code("税收优惠", parent=c)
    k1 = project.code_span(1, 0, 2, a, coder="甲")
    k2 = project.code_span(1, 0, 2, b, coder="甲")  # same span and coder: collapses
    k3 = project.code_span(1, 0, 2, b, coder="乙")  # other coder: stays
    k4 = project.code_span(2, 3, 5, b, coder="甲")
    project.add_memo("coding", k2, "note on duplicate")
    project.add_memo("code", b, "code memo")
    project.add_relation(b, a, "情境")  # becomes a self-relation: dropped
    project.add_relation(b, c, "结果")
    project.merge_codes([b], a)
    codings = project.codings().set_index("id")
    assert set(codings.index) == {k1, k3, k4} and set(codings["code"]) == {a}
    memos = project.memos()
    assert set(zip(memos["target_type"], memos["target_id"], strict=True)) == {
        ("coding", k1),
        ("code", a),
    }
    rel = project.relations()
    assert rel[["source", "target", "type"]].values.tolist() == [[a, c, "结果"]]
    assert b not in set(project.codes()["id"])
    # children re-parented (whatever the levels: the check reports them)
    project.merge_codes(c, cat)
    assert project.codes().set_index("id").at[child, "parent"] == cat
    with pytest.raises(ParameterError) as err:
        project.merge_codes(cat, a)  # an ancestor into its descendant
    assert "descendant" in err.value.en


def test_split_code(project):
    cat = project.add_code("政策", level=2)
    a = project.add_code("支持", parent=cat)
    ids = [project.code_span(1, s, s + 2, a) for s in (0, 3, 9)]
    new = project.split_code(a, {"资金支持": [ids[0]], "人才支持": [ids[1]]})
    codes = project.codes().set_index("name")
    assert codes.at["资金支持", "parent"] == cat and codes.at["资金支持", "level"] == 1
    codings = project.codings().set_index("id")
    assert codings.at[ids[0], "code"] == new["资金支持"]
    assert codings.at[ids[1], "code"] == new["人才支持"]
    assert codings.at[ids[2], "code"] == a
    assert list(project.split_code(a, ["空的"])) == ["空的"]
    with pytest.raises(ParameterError) as err:
        project.split_code(a, {"错": [ids[0]]})  # not a's coding any more
    assert str(ids[0]) in err.value.message


def test_delete_code_needs_force(project):
    core, main, cat, concept = _tree(project)
    project.code_span(1, 0, 2, concept)
    project.code_span(1, 3, 5, cat)
    project.add_memo("code", concept, "m")
    project.add_relation(main, core, "因果条件")
    with pytest.raises(ParameterError) as err:
        project.delete_code(cat)
    assert "2 条编码记录" in err.value.zh and "1 个下级编码" in err.value.zh
    assert "force=True" in err.value.en and "主体角色" in err.value.zh
    counts = project.delete_code(main, force=True)
    assert counts == {"codes": 3, "codings": 2, "memos": 1, "relations": 1}
    assert project.codes()["id"].tolist() == [core]
    assert project.codings().empty
    empty = project.add_code("空")
    project.delete_code(empty)


def test_codes_counts_and_tree(project):
    core, main, cat, concept = _tree(project)
    project.code_span(1, 0, 2, concept, coder="甲")
    project.code_span(1, 3, 5, concept, coder="乙")
    project.code_span(2, 0, 5, cat, coder="甲")
    df = project.codes().set_index("id")
    assert list(project.codes().columns[:9]) == [
        "id",
        "name",
        "parent",
        "level",
        "level_name",
        "description",
        "color",
        "count",
        "total",
    ]
    assert (df.at[concept, "count"], df.at[cat, "count"], df.at[cat, "total"]) == (2, 1, 3)
    assert df.at[core, "total"] == 3
    assert project.codes(coder="甲").set_index("id").at[core, "total"] == 2
    tree = project.code_tree()
    assert tree[0]["name"] == "协同创新" and tree[0]["total"] == 3
    assert tree[0]["children"][0]["children"][0]["children"][0]["id"] == concept


# -- codings -----------------------------------------------------------------------------
def test_code_span_offsets_are_code_points(project):
    c = project.add_code("主体")
    emoji = DOC1.index("😀")
    k = project.code_span(1, 3, emoji + 1, c)
    start = DOC1.index("𠀀")
    k2 = project.code_span(1, start, start + 3, c)
    df = project.codings().set_index("id")
    assert df.at[k, "text"] == "创新主体😀"
    assert df.at[k2, "text"] == "𠀀政策"
    assert project.code_span(1, 0, len(DOC1), c) > 0  # the very end is allowed
    assert project.code_span(1, 3, emoji + 1, c) == k  # same span again: same coding
    frozen = project.store.conn.execute("SELECT frozen FROM documents WHERE id = 1").fetchone()[0]
    assert frozen == 1


@pytest.mark.parametrize(
    "start, end",
    [(-1, 2), (5, 5), (6, 2), (0, len(DOC1) + 1), (0.5, 2), (True, 3)],
)
def test_code_span_rejects_bad_offsets(project, start, end):
    c = project.add_code("主体")
    with pytest.raises(ParameterError) as err:
        project.code_span(1, start, end, c)
    msg = err.value.message
    assert "文档 #1" in msg and f"{len(DOC1)}" in msg and "code points" in msg
    assert project.codings().empty


def test_code_span_unknown_document_and_code(project):
    c = project.add_code("主体")
    with pytest.raises(ParameterError) as err:
        project.code_span(99, 0, 1, c)
    assert "99" in err.value.message
    with pytest.raises(ParameterError):
        project.code_span(1, 0, 1, "无此编码")


def test_frozen_text_cannot_change(project):
    project.code_span(1, 0, 2, project.add_code("x"))
    with pytest.raises(sqlite3.IntegrityError):
        project.store.conn.execute("UPDATE documents SET body = 'changed' WHERE id = 1")
    project.store.conn.execute("UPDATE documents SET body = 'fine' WHERE id = 2")  # not coded


def test_code_sentences(project):
    c = project.add_code("原始语句")
    sents = project.sentences(1)
    k = project.code_sentence(1, 1, c, coder="甲")
    ks = project.code_sentences(1, [0, 2], c, coder="甲")
    df = project.codings().set_index("id")
    assert df.at[k, "text"] == sents.at[1, "text"] == "政府提供𠀀政策支持。"
    assert [df.at[i, "text"] for i in ks] == [sents.at[0, "text"], sents.at[2, "text"]]
    with pytest.raises(ParameterError) as err:
        project.code_sentence(1, 3, c)
    assert "3 sentences" in err.value.en


def test_uncode_recode(project):
    a, b = project.add_code("a"), project.add_code("b")
    k = project.code_span(1, 0, 2, a)
    project.recode(k, b)
    assert project.codings().at[0, "code_name"] == "b"
    other = project.code_span(1, 0, 2, a)
    with pytest.raises(ParameterError) as err:
        project.recode(other, "b")
    assert f"#{k}" in err.value.message
    project.add_memo("coding", k, "memo on coding")
    project.uncode(k)
    assert project.codings()["id"].tolist() == [other] and project.memos().empty
    with pytest.raises(ParameterError):
        project.uncode(k)


def test_codings_filters_and_blind_coding(project):
    core, main, cat, concept = _tree(project)
    project.code_span(1, 0, 2, concept, coder="甲")
    project.code_span(2, 0, 5, concept, coder="乙")
    project.code_span(2, 0, 5, cat, coder="甲")
    df = project.codings()
    assert list(df.columns[:9]) == [
        "id",
        "document",
        "start",
        "end",
        "code",
        "code_name",
        "coder",
        "created",
        "text",
    ]
    assert len(df) == 3
    assert project.codings(coder="甲")["coder"].tolist() == ["甲", "甲"]
    assert project.codings(code=concept, coder="乙")["text"].tolist() == ["创新联合体"]
    assert len(project.codings(code="主体角色")) == 1
    assert len(project.codings(code="主体角色", with_descendants=True)) == 3
    assert len(project.codings(document=2)) == 2
    with pytest.raises(ParameterError) as err:
        project.codings(coder="丙")
    assert "甲" in err.value.zh


def test_coding_context(project):
    c = project.add_code("政府")
    start = DOC1.index("政府")
    k = project.code_span(1, start, start + 2, c)
    ctx = project.coding_context(k, chars=3)
    row = ctx.iloc[0]
    assert row["before"] == DOC1[start - 3 : start] and row["text"] == "政府"
    assert row["context"] == f"{DOC1[start - 3 : start]}【政府】{DOC1[start + 2 : start + 5]}"
    assert len(project.coding_context(code="政府")) == 1
    with pytest.raises(ParameterError):
        project.coding_context()


def test_cooccurrence_units(project):
    a, b, c = project.add_code("a"), project.add_code("b"), project.add_code("c")
    project.code_span(1, 0, 5, a)
    project.code_span(1, 3, 6, b)  # overlaps a
    project.code_span(1, 12, 14, c)  # second sentence, overlaps neither
    project.code_span(2, 0, 2, a)
    project.code_span(2, 1, 3, c)  # overlaps a in doc 2
    ov = project.cooccurrence()
    assert ov.loc["a", "b"] == ov.loc["b", "a"] == 1 and ov.loc["a", "c"] == 1
    assert ov.loc["b", "c"] == 0 and ov.loc["a", "a"] == 2
    doc = project.cooccurrence(unit="document")
    assert doc.loc["b", "c"] == 1 and doc.loc["a", "c"] == 2 and doc.loc["a", "a"] == 2
    sent = project.cooccurrence(unit="sentence")
    assert sent.loc["a", "b"] == 1 and sent.loc["b", "c"] == 0 and sent.loc["a", "c"] == 1
    with pytest.raises(ParameterError):
        project.cooccurrence(unit="paragraph")


def test_code_document_matrix(project):
    a, b = project.add_code("a"), project.add_code("b")
    project.code_span(1, 0, 5, a, coder="甲")
    project.code_span(1, 6, 8, a, coder="乙")
    project.code_span(2, 0, 5, b, coder="甲")
    m = project.code_document_matrix()
    assert m.loc["a", 1] == 2 and m.loc["a", 2] == 0 and m.loc["b", 2] == 1
    assert project.code_document_matrix(coder="乙").loc["a", 1] == 1


def test_search_text(project):
    df = project.search_text("政策支持")
    assert df[["document", "start", "end"]].values.tolist() == [
        [1, DOC1.index("政策支持"), DOC1.index("政策支持") + 4],
        [2, DOC2.index("政策支持"), DOC2.index("政策支持") + 4],
    ]
    hit = project.search_text(r"𠀀\w", regex=True).iloc[0]
    assert DOC1[hit["start"] : hit["end"]] == "𠀀政" == hit["text"]
    with pytest.raises(ParameterError) as err:
        project.search_text("([", regex=True)
    assert "--regex" in err.value.en
    assert project.search_text("([").empty


# -- memos, relations, storyline -----------------------------------------------------------
def test_memos(project):
    c = project.add_code("概念")
    k = project.code_span(1, 0, 2, c)
    r = project.add_relation(c, project.add_code("范畴", level=2), "情境")
    ids = [
        project.add_memo("project", None, "总体思路", title="方法"),
        project.add_memo("document", 1, "文档备忘", coder="甲"),
        project.add_memo("code", "概念", "概念备忘"),
        project.add_memo("coding", k, "编码备忘"),
        project.add_memo("relation", r, "关系备忘"),
    ]
    df = project.memos()
    assert df["id"].tolist() == ids
    assert project.memos("code", "概念")["text"].tolist() == ["概念备忘"]
    assert project.memos(coder="甲")["text"].tolist() == ["文档备忘"]
    project.edit_memo(ids[0], text="新思路", title="方法论")
    assert project.memos("project").iloc[0][["title", "text"]].tolist() == ["方法论", "新思路"]
    project.delete_memo(ids[1])
    assert len(project.memos()) == 4
    for target, tid in [("document", 99), ("coding", 99), ("relation", 99), ("code", "无")]:
        with pytest.raises(ParameterError):
            project.add_memo(target, tid, "x")
    with pytest.raises(ParameterError) as err:
        project.add_memo("paragraph", 1, "x")
    assert "project" in err.value.en
    with pytest.raises(ParameterError):
        project.add_memo("project", None, "x", title="故事线")


def test_relations_and_storyline(project):
    a, b = project.add_code("政策环境", level=3), project.add_code("协同创新", level=3)
    r = project.add_relation("政策环境", "协同创新", "因果条件", description="环境驱动创新")
    df = project.relations()
    assert df.iloc[0][["source_name", "target_name", "type", "description"]].tolist() == [
        "政策环境",
        "协同创新",
        "因果条件",
        "环境驱动创新",
    ]
    assert project.add_relation(a, b, "自定义关系") > r
    with pytest.raises(ParameterError):
        project.add_relation(a, b, "因果条件")
    with pytest.raises(ParameterError):
        project.add_relation(a, a, "情境")
    with pytest.raises(ParameterError):
        project.add_relation(a, b, "  ")
    project.delete_relation(r)
    assert len(project.relations()) == 1
    assert project.storyline() == ""
    project.set_storyline("第一版")
    project.set_storyline("第二版")
    assert project.storyline() == "第二版"
    assert (project.memos("project")["title"] == "故事线").sum() == 1


def test_reopen_keeps_everything(project, tmp_path):
    c = project.add_code("概念", description="说明")
    project.code_span(1, 0, 2, c, coder="甲")
    project.set_storyline("故事")
    path = project.path
    project.close()
    with P.open(path) as again:
        assert again.codes().iloc[0]["description"] == "说明"
        assert again.codings().iloc[0]["text"] == DOC1[:2]
        assert again.storyline() == "故事"
        assert again.coders()["name"].tolist() == ["甲"]
    project.store = P.open(path).store  # so the fixture can close it


def test_numpy_integers_from_frames_are_accepted(project):
    c = project.add_code("政策")
    hit = project.search_text("政策支持").iloc[0]
    k = project.code_span(hit["document"], hit["start"], hit["end"], project.codes()["id"].iloc[0])
    assert project.codings().set_index("id").at[k, "text"] == "政策支持"
    project.merge_codes(project.codes()["id"].iloc[[0]], project.add_code("政策2"))
    assert project.codings(code=project.codes()["id"].iloc[0])["id"].tolist() == [k]
    assert c not in project.codes()["id"].tolist()
