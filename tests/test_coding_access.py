"""The access policy in the library: restructuring, undo, history, the change feed and owner
lookups, with real project files (the web routes only pass the actor on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhagen.access import AccessDenied, Actor, NotFound
from zhagen.errors import ParameterError
from zhagen.project import Project

A = Actor("甲", "coder")
B = Actor("乙", "coder")
OWNER = Actor("主", "owner")


@pytest.fixture
def p(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text("企业是创新主体。政府提供政策支持。高校参与产学研合作。", encoding="utf-8")
    project = Project.create(tmp_path / "p.zhagen")
    project.add(src)
    yield project
    project.close()


def _state(p: Project) -> list[tuple]:
    df = p.codings()
    return sorted(zip(df["id"], df["code"], df["coder"], strict=True))


def test_merge_and_force_delete_need_every_affected_coding_to_be_yours(p):
    a_code = p.add_code("甲码", actor=A)
    p.code_sentence(1, 0, a_code, coder="甲")
    b_code = p.add_code("乙码", actor=B)
    p.code_sentence(1, 1, b_code, coder="乙")
    before = _state(p)
    with pytest.raises(AccessDenied) as err:
        p.merge_codes([a_code], b_code, actor=B)
    assert "甲" in err.value.zh and "'甲'" in err.value.en
    with pytest.raises(AccessDenied):
        p.delete_code(a_code, force=True, actor=B)
    with pytest.raises(AccessDenied):
        p.move_code(a_code, p.add_code("上位", level=3, actor=B), actor=B)
    with pytest.raises(AccessDenied):
        p.split_code(a_code, {"新": [int(p.codings(coder="甲")["id"][0])]}, actor=B)
    assert _state(p) == before
    # blind: the message does not name the other coder
    with pytest.raises(AccessDenied) as err:
        p.merge_codes([a_code], b_code, actor=Actor("乙", "coder", blind=True))
    assert "甲" not in err.value.message
    # own codings only: allowed; the owner: allowed over anyone's
    b2 = p.add_code("乙码二", actor=B)
    assert p.merge_codes([b2], b_code, actor=B) == b_code
    assert p.merge_codes([a_code], b_code, actor=OWNER) == b_code
    assert set(p.codings()["code"]) == {b_code}


def test_memos_of_others_count_as_affected(p):
    code = p.add_code("空码", actor=B)
    p.add_memo("code", code, "甲的想法", coder="甲")
    with pytest.raises(AccessDenied):
        p.delete_code(code, actor=B)
    p.delete_code(code, actor=A)  # the only affected memo is 甲's own


def test_undo_takes_only_the_actors_own_edits(p):
    code = p.add_code("码", actor=A)
    p.code_sentence(1, 0, code, coder="甲")
    p.code_sentence(1, 1, code, coder="乙")
    assert p.undo(actor=A) is not None  # 甲's coding, not 乙's newer one
    assert list(p.codings()["coder"]) == ["乙"]
    with pytest.raises(ParameterError):  # 甲's code: 乙's coding uses it, nothing changes
        p.undo(actor=A)
    assert list(p.codings()["code"]) == [code]
    assert p.undo(actor=B) is not None and p.undo(actor=A) is not None
    assert p.undo(actor=A) is None and p.codes().empty
    with pytest.raises(AccessDenied):
        p.undo(actor=Actor("看", "viewer"))


def test_history_and_changes_blind(p):
    start = p.changes().version
    code = p.add_code("共享", actor=A)
    p.code_sentence(1, 0, code, coder="甲")
    p.add_memo("document", 1, "甲的备忘", coder="甲")
    blind_b = Actor("乙", "coder", blind=True)
    assert p.history(actor=blind_b).empty
    assert set(p.history(actor=A)["actor"]) == {"甲"}
    assert set(p.history(actor=Actor("乙", "coder"))["actor"]) == {"甲"}  # open: all
    feed = p.changes(since=start, actor=blind_b)
    assert [(c.kind, c.actor, c.documents) for c in feed.changes] == [("tree", "", None)]
    mine = p.changes(since=start, actor=A)
    assert [c.kind for c in mine.changes] == ["tree", "other", "coding", "memo"]  # other: 甲 joins
    assert mine.changes[2].documents == (1,) and mine.version == feed.version > start


def test_owner_lookups_hide_and_refuse(p):
    code = p.add_code("码")
    cid = p.code_sentence(1, 0, code, coder="甲")
    mid = p.add_memo("coding", cid, "甲的备忘", coder="甲")
    assert p.codings.check(cid, "read", B) == "甲"
    with pytest.raises(AccessDenied):
        p.uncode(cid, actor=B)
    with pytest.raises(AccessDenied):
        p.edit_memo(mid, text="改", actor=B)
    blind_b = Actor("乙", "coder", blind=True)
    for call in (lambda: p.uncode(cid, actor=blind_b), lambda: p.codings.check(cid, "read", blind_b),
                 lambda: p.delete_memo(mid, actor=blind_b)):  # fmt: skip
        with pytest.raises(NotFound):
            call()
    with pytest.raises(NotFound) as missing:
        p.codings.check(9999, "read", A)
    assert missing.value.en == "no coding with id 9999"
    p.uncode(cid, actor=OWNER)
    assert p.codings().empty


def test_deleting_your_coding_never_takes_another_coders_memo_with_it(p):
    """Rule 3 for one coding: the memos on it go with it, so another coder's memo there
    means only the owner may delete it (found open after the first wave)."""
    code = p.codes.add("政策", actor=A)
    cid = p.codings.add_sentence(1, 1, code, coder="甲")
    p.memos.add("coding", cid, "甲的想法", coder="甲")
    mine = p.codings.add_sentence(1, 2, code, coder="甲")
    p.memos.add("coding", mine, "只有我的", coder="甲")
    theirs = p.memos.add("coding", cid, "乙的备忘", coder="乙")
    with pytest.raises(AccessDenied) as err:
        p.codings.delete(cid, actor=A)
    assert "乙" in err.value.zh and "'乙'" in err.value.en
    assert cid in set(p.codings()["id"]) and theirs in set(p.memos()["id"])
    p.codings.delete(mine, actor=A)  # only my own memo on it: allowed, and undoable
    assert mine not in set(p.codings()["id"])
    assert p.undo(actor=A) is not None and mine in set(p.codings()["id"])
    p.codings.delete(cid, actor=OWNER)  # the owner may
    assert cid not in set(p.codings()["id"]) and theirs not in set(p.memos()["id"])
