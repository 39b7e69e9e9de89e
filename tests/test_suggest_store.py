"""Suggestions are first-class (issue 15): stored apart from codings, accepted into codings
with their provenance, rejected for good, edited; every decision undoable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.project import Project
from zhagen.suggest.model import Suggestion


@pytest.fixture
def project(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "企业是创新主体。政府提供政策支持。高校培养人才。", encoding="utf-8"
    )
    p = Project.create(tmp_path / "s.zhagen")
    p.add(tmp_path / "a.txt")
    p.codes.add("政策支持")
    p.codes.add("人才培养")
    yield p
    p.close()


def _sugg(p: Project, idx: int, code: int | None, *, new: str | None = None, score=0.8,
          rank=1, source="learner") -> Suggestion:  # fmt: skip
    s, e = p.documents.sentence_spans(1)[idx]
    return Suggestion(document=1, start=s, end=e, sentence=idx, code=code, new_code=new,
                      score=score, rank=rank, source=source, source_version="t1",
                      parameters={"seed": 1})  # fmt: skip


def _code(p: Project, name: str) -> int:
    return int(p.codes.get(name)["id"])


def test_suggestions_are_never_codings_until_accepted(project: Project) -> None:
    ids = project.suggestions.add_many(
        [
            _sugg(project, 1, _code(project, "政策支持")),
            _sugg(project, 2, _code(project, "人才培养")),
        ]
    )
    assert len(ids) == 2
    assert len(project.codings()) == 0
    assert project.codes()["count"].sum() == 0  # the code tree counts no suggestion
    listed = project.suggestions.list()
    assert [s.sentence for s in listed] == [1, 2]
    assert listed[0].code_name == "政策支持" and listed[0].parameters == {"seed": 1}
    assert project.suggestions.list(min_score=0.9) == []
    assert project.suggestions.list(doc_ids=[2]) == []


def test_accept_makes_a_coding_with_provenance_and_is_one_undo_step(project: Project) -> None:
    [sid] = project.suggestions.add_many([_sugg(project, 1, _code(project, "政策支持"))])
    coding = project.suggestions.accept(sid, coder="甲")
    rows = project.codings()
    assert rows["id"].tolist() == [coding]
    assert rows["coder"].tolist() == ["甲"] and rows["text"].tolist() == ["政府提供政策支持。"]
    made = project.suggestions.provenance(coding)
    assert made is not None and made.id == sid and made.source == "learner"
    assert made.status == "accepted" and made.coding == coding
    assert project.suggestions.list() == []  # no longer open
    project.undo()
    assert len(project.codings()) == 0
    assert project.suggestions.get(sid).status == "open"
    project.redo()
    assert project.codings()["id"].tolist() == [coding]
    assert project.suggestions.provenance(coding).id == sid
    with pytest.raises(ParameterError, match="already accepted"):
        project.suggestions.accept(sid)


def test_accepting_a_new_code_creates_it_in_the_same_undo_step(project: Project) -> None:
    [sid] = project.suggestions.add_many([_sugg(project, 0, None, new="创新主体", source="model")])
    coding = project.suggestions.accept(sid, coder="甲")
    assert project.codings().set_index("id").loc[coding, "code_name"] == "创新主体"
    project.undo()
    assert "创新主体" not in project.codes()["name"].tolist()
    assert len(project.codings()) == 0


def test_reject_is_remembered_and_undoable(project: Project) -> None:
    code = _code(project, "政策支持")
    [sid] = project.suggestions.add_many([_sugg(project, 1, code)])
    project.suggestions.reject(sid)
    assert project.suggestions.get(sid).status == "rejected"
    # never suggested again for that sentence and code, even by a new run that replaces
    assert project.suggestions.add_many([_sugg(project, 1, code, score=0.99)], replace=True) == []
    # another code on that sentence is still welcome
    assert len(project.suggestions.add_many([_sugg(project, 1, _code(project, "人才培养"))])) == 1
    project.undo()  # the adding above is a run, not an edit: undo takes the rejection back
    assert project.suggestions.get(sid).status == "open"


def test_edit_changes_code_and_span_undoably(project: Project) -> None:
    [sid] = project.suggestions.add_many([_sugg(project, 1, _code(project, "政策支持"))])
    before = project.suggestions.get(sid)
    after = project.suggestions.edit(sid, code="人才培养", start=before.start + 2)
    assert after.code_name == "人才培养" and after.start == before.start + 2
    with pytest.raises(ParameterError, match="not valid"):
        project.suggestions.edit(sid, end=10_000)
    project.undo()
    back = project.suggestions.get(sid)
    assert (back.code, back.start) == (before.code, before.start)


def test_a_run_replaces_open_suggestions_and_keeps_decided_ones(project: Project) -> None:
    code = _code(project, "政策支持")
    a, b = project.suggestions.add_many([_sugg(project, 1, code), _sugg(project, 2, code)])
    project.suggestions.accept(a)
    again = project.suggestions.add_many([_sugg(project, 0, code)], replace=True)
    statuses = {s.id: s.status for s in project.suggestions.list(status=None)}
    assert statuses == {a: "accepted", again[0]: "open"}  # b (open) was replaced
    # a duplicate of an open suggestion is not stored twice
    assert project.suggestions.add_many([_sugg(project, 0, code)]) == []


def test_bad_suggestions_are_refused_with_a_clear_message(project: Project) -> None:
    with pytest.raises(ParameterError, match="exactly one of code"):
        Suggestion(document=1, start=0, end=3, sentence=0, score=0.5, rank=1,
                   source="learner", source_version="t")  # fmt: skip
    with pytest.raises(ParameterError, match="between 0 and 1"):
        _sugg(project, 0, 1, score=1.5)
    with pytest.raises(ParameterError, match="does not exist"):
        project.suggestions.add_many([_sugg(project, 0, 999)])
    assert project.suggestions.list(status=None) == []


_CHILD = """
import os, sys
from zhagen.project import Project
p = Project.open(sys.argv[1])
ids = [int(i) for i in sys.argv[2].split(",")]
for sid in ids:
    p.suggestions.accept(sid, coder="甲")
    print(sid, flush=True)
sys.stdin.readline()  # killed here, with the project still open
"""


def test_a_killed_process_loses_no_accepted_suggestion(project: Project, tmp_path: Path) -> None:
    code = _code(project, "政策支持")
    ids = project.suggestions.add_many([_sugg(project, i, code) for i in range(3)])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, project.path, ",".join(map(str, ids))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    done = [int(child.stdout.readline()) for _ in ids]
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert done == ids
    with Project.open(project.path) as again:
        assert {s.status for s in again.suggestions.list(status=None)} == {"accepted"}
        assert len(again.codings(coder="甲")) == 3


def test_blind_coders_see_only_suggestions_learnt_from_their_own_codings(project: Project) -> None:
    from zhagen.access import Actor, NotFound

    code = _code(project, "政策支持")
    one, two = _sugg(project, 1, code), _sugg(project, 2, code)
    mine, theirs = project.suggestions.add_many([
        Suggestion(**{**one.to_dict(), "parameters": {"from_coder": "甲"}}),
        Suggestion(**{**two.to_dict(), "parameters": {"from_coder": "乙"}}),
    ])  # fmt: skip
    blind = Actor("甲", "coder", blind=True)
    assert [x.id for x in project.suggestions.list(actor=blind)] == [mine]
    assert len(project.suggestions.list()) == 2  # the project's holder sees both
    with pytest.raises(NotFound):
        project.suggestions.reject(theirs, actor=blind)
    coding = project.suggestions.accept(mine, actor=blind)
    assert project.codings().set_index("id").loc[coding, "coder"] == "甲"
    feed = project.changes(0)
    assert feed.changes[-1].kind == "coding" and feed.changes[-1].documents == (1,)
