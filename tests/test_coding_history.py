"""Undo and redo of every coding edit, from the append-only log."""

from __future__ import annotations

import json
import sqlite3

import pytest

from zhagen.errors import ParameterError
from zhagen.project import Project

TEXT = "企业是创新主体😀。政府提供𠀀政策支持。高校开展基础研究。"
TABLES = ("codes", "codings", "memos", "relations")


class P(Project):
    pass


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    p = P.create(tmp_path / "study.zhagen")
    p.add(tmp_path / "a.txt")
    yield p
    p.close()


def dump(project) -> dict[str, list[tuple]]:
    conn = project.store.conn
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES}


def setup_tree(p):
    cat = p.add_code("政策", level=2, description="政策类")
    a = p.add_code("补贴", parent=cat)
    b = p.add_code("财政补贴", parent=cat)
    c = p.add_code("税收", level=2)
    d = p.add_code("税收优惠", parent=c)
    k1 = p.code_span(1, 0, 2, a, coder="甲")
    k2 = p.code_span(1, 0, 2, b, coder="甲")
    k3 = p.code_span(1, 3, 7, b, coder="乙")
    p.add_memo("coding", k2, "重复的编码")
    p.add_memo("code", b, "代码备忘")
    r = p.add_relation(b, a, "情境")
    p.add_memo("relation", r, "关系备忘")
    p.add_relation(c, cat, "因果条件")
    return {"cat": cat, "a": a, "b": b, "c": c, "d": d, "k1": k1, "k2": k2, "k3": k3, "r": r}


def edits(project) -> list:
    """Log entries of edits (coders created on first use are logged apart)."""
    return [r for r in project.store.log_entries() if r["action"] != "coder.add"]


OPS = {
    "add_code": lambda p, x: p.add_code("新", parent=x["cat"]),
    "rename_code": lambda p, x: p.rename_code(x["a"], "补助"),
    "describe_code": lambda p, x: p.describe_code(x["a"], "说明"),
    "color_code": lambda p, x: p.color_code(x["a"], "#123456"),
    "move_code": lambda p, x: p.move_code(x["a"], x["c"]),
    "set_code_level": lambda p, x: p.set_code_level(x["cat"], 3),
    "merge_codes": lambda p, x: p.merge_codes([x["b"]], x["a"]),
    "merge_categories": lambda p, x: p.merge_codes(x["c"], x["cat"]),
    "split_code": lambda p, x: p.split_code(x["b"], {"一": [x["k2"]], "二": [x["k3"]]}),
    "delete_code": lambda p, x: p.delete_code(x["cat"], force=True),
    "code_span": lambda p, x: p.code_span(1, 9, 13, x["a"], coder="丙"),
    "code_sentences": lambda p, x: p.code_sentences(1, [0, 1, 2], x["d"]),
    "uncode": lambda p, x: p.uncode(x["k2"]),
    "recode": lambda p, x: p.recode(x["k3"], x["a"]),
    "add_memo": lambda p, x: p.add_memo("document", 1, "文档备忘"),
    "edit_memo": lambda p, x: p.edit_memo(1, text="改过的"),
    "delete_memo": lambda p, x: p.delete_memo(2),
    "add_relation": lambda p, x: p.add_relation(x["a"], x["c"], "结果"),
    "delete_relation": lambda p, x: p.delete_relation(x["r"]),
    "set_storyline": lambda p, x: p.set_storyline("故事线内容"),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_edit_undoes_and_redoes(project, name):
    ids = setup_tree(project)
    before = dump(project)
    n_log = len(edits(project))
    OPS[name](project, ids)
    after = dump(project)
    assert after != before
    assert len(edits(project)) == n_log + 1  # one log entry per edit
    description = project.undo()
    assert description and " / " in description
    assert dump(project) == before
    assert project.redo() == description
    assert dump(project) == after
    assert project.undo() == description
    assert dump(project) == before
    integrity = project.store.conn.execute("PRAGMA foreign_key_check").fetchall()
    assert integrity == []


def test_storyline_replaced_then_undone(project):
    project.set_storyline("第一版")
    project.set_storyline("第二版")
    project.undo()
    assert project.storyline() == "第一版"
    project.undo()
    assert project.storyline() == ""
    project.redo()
    project.redo()
    assert project.storyline() == "第二版"


def test_undo_stack_order_and_redo_cleared_by_new_edit(project):
    a = project.add_code("a")
    b = project.add_code("b")
    project.rename_code(a, "a2")
    assert project.undo().startswith("重命名编码")
    assert project.undo().startswith("添加编码「b」")
    assert project.codes()["name"].tolist() == ["a"]
    project.add_code("c")  # a new edit: the two undone edits can no longer be redone
    assert project.redo() is None
    assert project.codes()["name"].tolist() == ["a", "c"]
    assert b not in project.codes()["id"].tolist()
    project.undo()
    project.undo()
    assert project.undo() is None and project.codes().empty
    assert project.redo().startswith("添加编码「a」")


def test_undo_and_redo_are_logged_and_log_stays_append_only(project):
    project.add_code("a")
    project.undo()
    project.redo()
    actions = [r["action"] for r in project.store.log_entries()]
    assert actions[:3] == ["redo", "undo", "code.add"]
    undo_entry = json.loads(project.store.log_entries()[1]["payload"])
    assert undo_entry["action"] == "code.add"
    with pytest.raises(sqlite3.IntegrityError):
        project.store.conn.execute("DELETE FROM log")
    hist = project.history()
    assert hist.iloc[0]["action"] == "code.add" and not hist.iloc[0]["undone"]


def test_no_op_edits_are_not_logged(project):
    a = project.add_code("a")
    n = len(project.store.log_entries())
    project.rename_code(a, "a")
    k = project.code_span(1, 0, 2, a)
    assert project.code_span(1, 0, 2, a) == k
    assert len(project.store.log_entries()) == n + 2  # the coding and its new coder
    assert project.undo().startswith("编码文档")


def test_failed_edit_changes_nothing(project):
    x = setup_tree(project)
    before = dump(project)
    n = len(project.store.log_entries())
    with pytest.raises(ParameterError):
        project.delete_code(x["cat"])
    with pytest.raises(ParameterError):
        project.merge_codes([x["a"], x["cat"]], x["b"])  # cat is b's ancestor
    assert dump(project) == before and len(project.store.log_entries()) == n


def test_undo_survives_reopen(project):
    a = project.add_code("a")
    project.code_span(1, 0, 2, a)
    path = project.path
    project.close()
    with P.open(path) as again:
        assert again.undo().startswith("编码文档")
        assert again.codings().empty
    project.store = P.open(path).store


def test_undo_refuses_when_rows_changed_behind_its_back(project):
    a = project.add_code("a")
    project.store.conn.execute("UPDATE codes SET name = 'hacked' WHERE id = ?", (a,))
    with pytest.raises(ParameterError) as err:
        project.undo()
    assert "codes" in err.value.message and "cannot be undone" in err.value.en
    assert project.codes()["name"].tolist() == ["hacked"]


def test_undo_delete_restores_ids_and_memos(project):
    x = setup_tree(project)
    codings = project.codings()
    memos = project.memos()
    project.delete_code(x["cat"], force=True)
    assert project.memos()["target_type"].tolist() == []
    project.undo()
    assert project.codings().equals(codings)
    assert project.memos().equals(memos)


def test_undo_per_coder(project):
    a = project.add_code("a")
    k1 = project.code_span(1, 0, 2, a, coder="甲")
    k2 = project.code_span(1, 3, 5, a, coder="乙")
    k3 = project.code_span(1, 6, 8, a, coder="甲")
    assert project.undo(coder="乙").startswith("编码文档 #1 [3, 5)")
    assert project.codings()["id"].tolist() == [k1, k3]
    assert project.undo(coder="乙") is None
    assert project.undo(coder="甲").startswith("编码文档 #1 [6, 8)")
    assert project.redo(coder="乙").startswith("编码文档 #1 [3, 5)")
    assert project.redo().startswith("编码文档 #1 [6, 8)")
    assert project.codings()["id"].tolist() == [k1, k2, k3]
    undo_entries = [r for r in project.store.log_entries() if r["action"] == "undo"]
    assert {r["actor"] for r in undo_entries} == {"甲", "乙"}


def test_undo_that_later_edits_depend_on_is_refused(project):
    a = project.add_code("a")
    project.code_span(1, 0, 2, a, coder="甲")
    before = dump(project)
    with pytest.raises(ParameterError) as err:
        project.undo(coder="")  # the code-tree edit: 甲's coding uses the code
    assert "undo them first" in err.value.en
    assert dump(project) == before
    assert project.undo().startswith("编码文档")  # in order, it works
    assert project.undo().startswith("添加编码")
