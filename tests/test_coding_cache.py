"""``project.codes()`` is kept on the store until the data changes (issue 18).

The kept frame must never be stale: after every kind of write — through this project, a
second ``Project`` on the same file, another process, a raw SQL statement, a transaction
rolled back — ``codes()`` equals the frame built afresh by a newly opened project, and a
caller changing the frame it got changes nothing kept.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from zhagen.project import Project

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SRC = Path(__file__).resolve().parents[1] / "src"


def fresh(path: Path, coder: str | None = None) -> pd.DataFrame:
    with Project.open(path) as other:
        return other.codes(coder=coder)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    project = Project.create(tmp_path / "c.zhagen")
    project.add(EXAMPLES / "docs")
    cat = project.codes.add("政策环境", level=2)
    for name in ("财政补贴", "税收优惠", "人才引进"):
        project.codes.add(name, parent=cat)
    doc = project.documents.ids()[0]
    project.codings.add(doc, 0, 4, "财政补贴", coder="甲")
    project.codings.add(doc, 2, 6, "税收优惠", coder="乙")
    yield project
    project.close()


def test_every_write_path_is_seen(project: Project) -> None:
    path = Path(project.path)
    doc = project.documents.ids()[1]
    store = project.store
    edits: list[Callable[[], object]] = [
        lambda: project.codes.add("新概念", parent="政策环境"),
        lambda: project.codes.rename("新概念", "改名概念"),
        lambda: project.codes.describe("改名概念", "说明"),
        lambda: project.codes.color("改名概念", "#123456"),
        lambda: project.codes.set_level("改名概念", "none"),
        lambda: project.codings.add(doc, 1, 5, "改名概念", coder="甲"),
        lambda: project.codes.move("人才引进", None),
        lambda: project.codes.merge("税收优惠", "财政补贴"),
        lambda: project.undo(),
        lambda: project.redo(),
        lambda: project.codings.delete(int(project.codings()["id"].iloc[0])),
        lambda: project.codes.delete("改名概念", force=True),
        lambda: store.conn.execute("UPDATE codes SET name = '直接改名' WHERE name = '人才引进'"),
    ]
    for edit in edits:
        before = project.codes()
        for who in (None, "甲", "乙"):
            project.codes(coder=who)  # every kept frame is filled before the edit
        edit()
        after = project.codes()
        pd.testing.assert_frame_equal(after, fresh(path))
        for who in ("甲", "乙"):
            pd.testing.assert_frame_equal(project.codes(coder=who), fresh(path, who))
        assert not after.equals(before)


def test_a_second_project_and_another_process_are_seen(project: Project) -> None:
    path = Path(project.path)
    kept = project.codes()
    with Project.open(path) as other:
        other.codes.add("另一个项目加的", parent="政策环境")
        got = project.codes()
        assert "另一个项目加的" in set(got["name"])
        pd.testing.assert_frame_equal(got, other.codes())
    assert not got.equals(kept)
    doc = project.documents.ids()[2]
    script = (
        "import sys; from zhagen.project import Project\n"
        "with Project.open(sys.argv[1]) as p:\n"
        f"    p.codings.add({doc}, 0, 3, '人才引进', coder='丙')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                   env={"PYTHONPATH": str(SRC)})  # fmt: skip
    after = project.codes()
    assert int(after.loc[after["name"] == "人才引进", "count"].iloc[0]) == 1
    pd.testing.assert_frame_equal(after, fresh(path))
    pd.testing.assert_frame_equal(project.codes(coder="丙"), fresh(path, "丙"))


def test_a_rolled_back_transaction_leaves_nothing_kept(project: Project) -> None:
    path = Path(project.path)
    before = project.codes()
    with pytest.raises(RuntimeError), project.store.transaction() as conn:
        conn.execute("UPDATE codes SET name = '未提交' WHERE name = '财政补贴'")
        inside = project.codes()  # read inside the transaction: the uncommitted name
        assert "未提交" in set(inside["name"])
        raise RuntimeError("roll back")
    after = project.codes()
    assert "未提交" not in set(after["name"])
    pd.testing.assert_frame_equal(after, before)
    pd.testing.assert_frame_equal(after, fresh(path))


def test_changing_the_frame_got_changes_nothing_kept(project: Project) -> None:
    first = project.codes()
    expected = first.copy()
    first.loc[0, "name"] = "被调用者改掉"
    first["extra"] = 1
    pd.testing.assert_frame_equal(project.codes(), expected)
