"""The coding view's library edits (``zhagen.coding.actions`` through the project nouns):
one undo step each, and the access policy applied inside the edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhagen.access import AccessDenied, Actor
from zhagen.errors import ParameterError
from zhagen.project import Project


@pytest.fixture
def project(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text("企业是创新主体。政府提供政策支持。高校参与产学研合作。", encoding="utf-8")
    with Project.create(tmp_path / "p.zhagen") as p:
        p.add([src])
        yield p


def _tree(p: Project) -> list[tuple]:
    return sorted(p.codes()[["id", "name", "parent", "level"]].itertuples(index=False))


def test_another_coders_codes_are_not_moved_or_promoted(project: Project) -> None:
    mine = project.codes.add("企业主体", level=1)
    theirs = project.codes.add("政策支持", level=1)
    project.codings.add(1, 0, 4, mine, coder="甲")
    project.codings.add_sentence(1, 1, theirs, coder="乙")
    cat = project.codes.add("主体", level=2)
    before = _tree(project)
    me = Actor("甲", "coder")
    with pytest.raises(AccessDenied) as err:
        project.codes.move_many([mine, theirs], cat, actor=me)
    assert "乙" in err.value.zh and "'乙'" in err.value.en
    with pytest.raises(AccessDenied):
        project.codes.promote(theirs, actor=me)
    assert _tree(project) == before  # the whole move refused, nothing half done
    assert project.codes.move_many([mine], cat, actor=me) == 1
    project.codes.promote(mine, name="企业", actor=me)
    assert project.codes.get("企业主体")["parent_id"] == project.codes.get("企业")["id"]


def test_a_viewer_makes_no_in_vivo_code(project: Project) -> None:
    with pytest.raises(AccessDenied):
        project.codings.in_vivo(1, 0, 4, actor=Actor("丙", "viewer"))
    assert project.codes().empty and project.codings().empty


def test_in_vivo_names_and_one_undo(project: Project) -> None:
    coding, code, created = project.codings.in_vivo(1, 8, 16, actor=Actor("甲", "coder"))
    row = project.codes.get(code)
    assert created and (row["name"], row["level"]) == ("政府提供政策支持", 1)
    k = project.codings().set_index("id").loc[coding]
    assert (k["start"], k["end"], k["coder"]) == (8, 16, "甲")
    assert "实境编码" in project.undo()
    assert project.codes().empty and project.codings().empty
    assert project.redo() and len(project.codings()) == 1
    with pytest.raises(ParameterError):
        project.codings.in_vivo(1, 5, 3)


def test_move_many_keeps_levels_or_sets_them(project: Project) -> None:
    cat = project.codes.add("范畴", level=2)
    a = project.codes.add("甲", level=1)
    b = project.codes.add("乙", level=3)
    assert project.codes.move_many([a, b], cat) == 2
    assert project.codes.get(b)["level"] == 3  # kept; the tables report the break
    assert project.codes.move_many([a, b], None, level=1) == 2
    assert [project.codes.get(x)["level"] for x in (a, b)] == [1, 1]
    assert project.codes.move_many([a, b], None) == 0  # nothing to do: nothing logged
    assert "移动 2 个编码" in project.undo()


def test_promote_refuses_a_core_category_and_a_taken_name(project: Project) -> None:
    core = project.codes.add("核心", level=4)
    with pytest.raises(ParameterError, match="核心范畴"):
        project.codes.promote(core)
    project.codes.add("政策（范畴）", level=2)
    concept = project.codes.add("政策", level=1)
    with pytest.raises(ParameterError, match="已有名为"):
        project.codes.promote(concept)
    cat = project.codes.promote(concept, name="政策环境")
    assert project.codes.get(cat)["level"] == 2
