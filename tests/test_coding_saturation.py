"""Theoretical saturation: a deterministic holdout and the report of what held-out documents
brought (王建明 & 王俊豪 2011)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from zhagen.coding.saturation import (
    code_subtrees,
    holdout,
    parse_fraction,
    saturation_report,
)
from zhagen.errors import ParameterError


# -- holdout ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "fraction", "k"),
    [(9, "1/3", 3), (118, "1/3", 39), (10, 0.25, 3), (10, "30%", 3), (2, "1/3", 1), (3, 0.9, 2)],
)
def test_holdout_sizes(n, fraction, k):
    model, held = holdout(range(n), fraction, seed=3)
    assert len(held) == k and len(model) == n - k
    assert sorted(model + held) == list(range(n)) and not set(model) & set(held)


def test_holdout_is_deterministic_and_order_free():
    docs = list(range(1, 31))
    a = holdout(docs, "1/3", seed=42)
    assert a == holdout(docs, "1/3", seed=42)
    assert set(holdout(docs[::-1], "1/3", seed=42)[1]) == set(a[1])
    assert len({tuple(holdout(docs, "1/3", seed=s)[1]) for s in range(10)}) > 1
    assert holdout(docs, "1/3")[1] == holdout(docs, Fraction(1, 3), seed=0)[1]


def test_holdout_keeps_input_order_and_drops_duplicates():
    docs = ["d9", "d1", "d5", "d1", "d3"]
    model, held = holdout(docs, "1/2", seed=1)
    assert len(model) + len(held) == 4
    assert model == [d for d in ["d9", "d1", "d5", "d3"] if d in model]


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "abc", "3/2", "0", True, "1/0"])
def test_bad_fraction(bad):
    with pytest.raises(ParameterError) as err:
        holdout(range(10), bad)
    assert "holdout" in err.value.en and "holdout" in err.value.zh  # names the parameter


def test_too_few_documents_and_bad_seed():
    with pytest.raises(ParameterError, match="at least 2"):
        holdout([1], "1/3")
    with pytest.raises(ParameterError, match="seed"):
        holdout([1, 2, 3], "1/3", seed="x")


def test_parse_fraction():
    assert parse_fraction("1/3") == Fraction(1, 3)
    assert parse_fraction(" 0.25 ") == Fraction(1, 4)
    assert parse_fraction(1 / 3) == Fraction(1, 3)


# -- the report ------------------------------------------------------------------------------
def _codes():
    rows = [
        (1, "创新联合体赋能新质生产力", None, 4, "2024-01-01T00:00:00.000+00:00"),
        (2, "需求牵引", 1, 3, "2024-01-01T00:00:00.000+00:00"),
        (3, "国家战略需求", 2, 2, "2024-01-01T00:00:00.000+00:00"),
        (4, "卡脖子技术攻关", 3, 1, "2024-01-01T00:00:00.000+00:00"),
        (5, "重大任务承担", 3, 1, "2024-01-01T00:00:00.000+00:00"),
        (6, "市场需求", 2, 2, "2024-01-01T00:00:00.000+00:00"),
        (7, "应用场景牵引", 6, 1, "2024-01-01T00:00:00.000+00:00"),
    ]
    return pd.DataFrame(rows, columns=["id", "name", "parent", "level", "created"])


def _codings(rows):
    return pd.DataFrame(rows, columns=["document", "code", "coder"])


MODEL_CODINGS = [(1, 4, "甲"), (2, 5, "甲"), (2, 7, "甲")]


def test_subtrees():
    sub = code_subtrees(_codes())
    assert sub[1] == {1, 2, 3, 4, 5, 6, 7} and sub[3] == {3, 4, 5} and sub[7] == {7}


def test_saturated_when_held_out_documents_bring_nothing_new():
    codings = _codings(MODEL_CODINGS + [(3, 4, "甲"), (3, 7, "乙")])
    r = saturation_report(_codes(), codings, [3])
    assert r.saturated is True and r.new.empty and r.uncoded_holdout == []
    assert r.verdict_zh.startswith("理论饱和") and "1 held-out document " in r.verdict_en
    counts = r.counts.set_index("level_name")
    assert counts.loc["初始概念", "total"] == 3 and counts.loc["初始概念", "in_holdout"] == 2
    assert counts.loc["核心范畴", "total"] == 1 and counts["new"].sum() == 0


def test_new_concept_and_new_category_only_in_held_out_documents():
    codes = pd.concat(
        [
            _codes(),
            pd.DataFrame(
                [
                    (8, "数据要素", 6, 1, None),
                    (9, "创新环境", 2, 2, None),
                    (10, "政府支持", 9, 1, None),
                ],
                columns=["id", "name", "parent", "level", "created"],
            ),
        ],
        ignore_index=True,
    )
    codings = _codings(MODEL_CODINGS + [(3, 8, "甲"), (4, 10, "甲"), (4, 10, "乙")])
    relations = pd.DataFrame(
        [(1, 9, 2, "情境", ""), (2, 3, 6, "因果条件", "")],
        columns=["id", "source", "target", "type", "description"],
    )
    r = saturation_report(codes, codings, [3, 4], relations)
    assert r.saturated is False
    new = r.new.set_index(["kind", "id"])
    assert set(new.index) == {("code", 8), ("code", 9), ("code", 10), ("relation", 1)}
    assert new.loc[("code", 8), "reason_en"] == "only in held-out documents"
    assert new.loc[("code", 10), "holdout_codings"] == 2
    assert new.loc[("code", 10), "documents"] == "4"
    assert new.loc[("relation", 1), "name"] == "创新环境 → 需求牵引"
    assert "创新环境" in new.loc[("relation", 1), "reason_zh"]
    counts = r.counts.set_index("level_name")["new"]
    assert (counts["初始概念"], counts["初始范畴"], counts["主范畴"], counts["关系"]) == (
        2,
        1,
        0,
        1,
    )
    assert (
        r.verdict_zh
        == "未达到理论饱和：预留的 2 份文档产生了新的初始概念 2 个、初始范畴 1 个、关系 1 个。"
    )
    assert r.verdict_en == (
        "Not saturated: the 2 held-out documents brought 2 new concepts, "
        "1 new initial category, 1 new relation."
    )


def test_time_rule_is_dated_from_the_first_held_out_coding_not_the_draw():
    codes = _codes()
    codes.loc[codes["id"] == 6, "created"] = "2024-03-01T10:00:00.000+00:00"
    relations = pd.DataFrame(
        [(1, 3, 6, "因果条件", "", "2024-01-02T00:00:00.000+00:00"),
         (2, 4, 5, "结果", "", "2024-03-02T00:00:00.000+00:00")],
        columns=["id", "source", "target", "type", "description", "created"],
    )  # fmt: skip
    codings = _timed(
        [(1, 4, "2024-02-02"), (2, 5, "2024-02-03"), (2, 7, "2024-03-01T11:00"),
         (3, 4, "2024-02-20")]
    )  # fmt: skip
    plain = saturation_report(codes, codings, [3], relations)
    assert plain.saturated is True and plain.dated_from is None
    timed = saturation_report(codes, codings, [3], relations, drawn_at="2024-02-01")
    # held-out coding began on 20 February: code 6 and relation 2 came after it
    assert timed.dated_from.startswith("2024-02-20")
    new = timed.new.set_index(["kind", "id"])
    assert set(new.index) == {("code", 6), ("relation", 1), ("relation", 2)}
    assert new.loc[("code", 6), "reason_en"].startswith("created after coding of the held-out")
    assert "新范畴" in new.loc[("relation", 1), "reason_zh"]


# -- the five orders of issue 12 -------------------------------------------------------------
# Times are days of 2024; the draw is on day 10 unless said otherwise.
DRAW = "2024-01-10T00:00:00+00:00"


def _day(d):
    return f"2024-01-{d:02d}T12:00:00.000+00:00"


def _timed(rows):
    """(document, code, created) → codings by coder 甲."""
    return pd.DataFrame(
        [(doc, code, "甲", t if "-" in str(t) else _day(t)) for doc, code, t in rows],
        columns=["document", "code", "coder", "created"],
    )


def _tree(created):
    """A category (1) with concepts 2, 3, 4; ``created``: code id → day."""
    rows = [(1, "创新主体", None, 2), (2, "企业主体", 1, 1), (3, "高校主体", 1, 1),
            (4, "科研院所", 1, 1)]  # fmt: skip
    return pd.DataFrame(
        [(*r, _day(created.get(r[0], 1))) for r in rows],
        columns=["id", "name", "parent", "level", "created"],
    )


def _relations(rows):
    return pd.DataFrame(
        [(i, s, t, "因果条件", "", _day(d)) for i, s, t, d in rows],
        columns=["id", "source", "target", "type", "description", "created"],
    )


def test_order_a_code_everything_then_draw():
    # every code and coding made before the draw: only the evidence rule judges
    codes = _tree({1: 1, 2: 2, 3: 5, 4: 8})
    codings = _timed([(1, 2, 2), (2, 3, 5), (3, 2, 6), (3, 3, 7), (4, 4, 8), (1, 4, 9)])
    r = saturation_report(codes, codings, [3], _relations([(1, 2, 3, 9)]), drawn_at=DRAW)
    assert r.saturated is True and r.new.empty and r.dated_from is None
    assert r.verdict_zh.startswith("理论饱和")


def test_order_b_draw_then_code_model_documents_then_held_out():
    # the bug: codes made after the draw while coding the MODEL documents were called new
    codes = _tree({1: 11, 2: 11, 3: 12, 4: 14})
    codings = _timed([(1, 2, 11), (2, 3, 12), (2, 4, 14), (3, 2, 20), (3, 4, 21)])
    relations = _relations([(1, 2, 3, 15)])
    r = saturation_report(codes, codings, [3], relations, drawn_at=DRAW)
    assert r.saturated is True, r.new
    assert r.new.empty and r.dated_from.startswith("2024-01-20")
    assert r.uncoded_holdout == []


def test_order_c_held_out_brings_a_concept_a_category_and_a_relation():
    codes = pd.concat(
        [_tree({1: 11, 2: 11, 3: 12, 4: 14}),
         pd.DataFrame([(5, "政策环境", None, 2, _day(22)), (6, "财政补贴", 5, 1, _day(21))],
                      columns=["id", "name", "parent", "level", "created"])],
        ignore_index=True,
    )  # fmt: skip
    # 财政补贴 is first coded in held-out document 3, then also in model document 1
    codings = _timed([(1, 2, 11), (2, 3, 12), (2, 4, 14), (3, 2, 20), (3, 6, 21), (1, 6, 23)])
    # relation 2 joins two old codes but was drawn while the held-out document was coded
    relations = _relations([(1, 2, 3, 15), (2, 3, 4, 24)])
    r = saturation_report(codes, codings, [3], relations, drawn_at=DRAW)
    assert r.saturated is False
    new = r.new.set_index(["kind", "id"])
    assert set(new.index) == {("code", 5), ("code", 6), ("relation", 2)}
    assert new.loc[("code", 6), "reason_en"] == "first coded in a held-out document"
    assert new.loc[("code", 5), "reason_en"] == "first coded in a held-out document"
    counts = r.counts.set_index("level_name")["new"]
    assert (counts["初始概念"], counts["初始范畴"], counts["关系"]) == (1, 1, 1)
    assert r.verdict_zh.startswith("未达到理论饱和") and "1 new relation" in r.verdict_en


def test_order_d_code_made_before_the_draw_used_only_in_held_out_documents():
    codes = _tree({1: 1, 2: 1, 3: 1, 4: 2})  # a code book written before the draw
    codings = _timed([(1, 2, 11), (2, 3, 12), (3, 2, 20), (3, 4, 21)])
    r = saturation_report(codes, codings, [3], drawn_at=DRAW)
    assert r.saturated is False
    assert r.new["id"].tolist() == [4]
    assert r.new["reason_en"].tolist() == ["only in held-out documents"]
    assert r.new["reason_zh"].tolist() == ["仅见于预留文档"]


def test_order_e_one_held_out_document_still_uncoded():
    codes = _tree({1: 11, 2: 11, 3: 12, 4: 14})
    codings = _timed([(1, 2, 11), (2, 3, 12), (2, 4, 14), (3, 2, 20)])
    r = saturation_report(codes, codings, [3, 4], drawn_at=DRAW)
    assert r.saturated is None and r.uncoded_holdout == [4]
    assert r.verdict_en.startswith("Cannot judge yet: 1 held-out document uncoded")
    assert r.verdict_zh.startswith("尚无法判断：1 份预留文档未编码")
    # something new already decides, and the verdict still names what is left to code
    codings = pd.concat([codings, _timed([(3, 4, 21)])], ignore_index=True)
    codes.loc[codes["id"] == 4, "created"] = _day(21)
    late = saturation_report(codes, codings, [3, 4], drawn_at=DRAW)
    assert late.saturated is False and "(1 held-out document uncoded)" in late.verdict_en
    assert "另有 1 份预留文档尚未编码" in late.verdict_zh


def test_report_as_one_json_document():
    import json

    codes = _tree({})
    r = saturation_report(codes, _timed([(1, 2, 11), (3, 2, 20)]), [3, 4], drawn_at=DRAW)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["saturated"] is None and d["holdout"] == [3, 4] and d["uncoded_holdout"] == [4]
    assert {c["level_name"] for c in d["counts"]} >= {"初始概念", "关系"}
    assert d["verdict_en"] == r.verdict_en


def test_nothing_coded_in_held_out_documents_cannot_be_judged():
    r = saturation_report(_codes(), _codings(MODEL_CODINGS), [3, 4])
    assert r.saturated is None and r.uncoded_holdout == [3, 4]
    assert r.verdict_en.startswith("Cannot judge") and "尚无法判断" in r.verdict
    assert set(r.to_frames()) == {"新增", "各层级"}


def test_coder_filter():
    codings = _codings(MODEL_CODINGS + [(3, 4, "甲")])
    codes = pd.concat(
        [_codes(), pd.DataFrame([(8, "新概念", 3, 1, None)], columns=_codes().columns)],
        ignore_index=True,
    )
    codings = pd.concat([codings, _codings([(3, 8, "乙")])], ignore_index=True)
    assert saturation_report(codes, codings, [3]).saturated is False
    assert saturation_report(codes, codings, [3], coder="甲").saturated is True


def test_empty_holdout_is_an_error():
    with pytest.raises(ParameterError, match="holdout_docs"):
        saturation_report(_codes(), _codings(MODEL_CODINGS), [])


# -- through a real project ------------------------------------------------------------------
def test_saturation_through_a_real_project(tmp_path):
    from datetime import UTC, datetime

    from zhagen.project import Project

    p = Project.create(tmp_path / "study.zhagen")
    try:
        for i, body in enumerate(["企业牵头攻关。", "政府出台政策。", "高校培养人才。"]):
            (tmp_path / f"{i}.txt").write_text(body, encoding="utf-8")
        p.add([tmp_path / f"{i}.txt" for i in range(3)])
        docs = p.documents()["id"].tolist()
        model, held = holdout(docs, "1/3", seed=0)
        assert len(held) == 1 and holdout(docs, "1/3", seed=0) == (model, held)
        cat = p.add_code("创新主体", level=2)
        concept = p.add_code("企业主体", parent=cat)
        for doc in model:
            p.code_span(doc, 0, 2, concept, coder="甲")
        drawn = datetime.now(UTC).isoformat()
        p.code_span(held[0], 0, 2, concept, coder="甲")
        before = saturation_report(p.codes(), p.codings(), held, p.relations(), drawn_at=drawn)
        assert before.saturated is True
        talent = p.add_code("人才培养", parent=cat)
        p.code_span(held[0], 2, 4, talent, coder="甲")
        p.add_relation(talent, concept, "因果条件")
        after = saturation_report(p.codes(), p.codings(), held, p.relations(), drawn_at=drawn)
    finally:
        p.close()
    assert after.saturated is False
    assert after.new["name"].tolist() == ["人才培养", "人才培养 → 企业主体"]
    assert after.counts.set_index("level_name").at["初始概念", "new"] == 1
