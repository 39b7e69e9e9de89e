"""The built-in learner (issue 15) on constructed corpora: it learns, abstains when it
should, is deterministic for a seed; evaluation is recorded and gates bulk acceptance."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.project import Project
from zhagen.suggest.learner import Item, Learner
from zhagen.suggest.metrics import scores

# three themes, each a pool of phrases; a sentence joins two phrases of one theme
THEMES = {
    "财政支持": ["财政补贴", "税收优惠", "专项资金", "贷款贴息", "减税降费", "资金奖励"],
    "人才培养": ["高校培养", "技能培训", "引进人才", "职业教育", "博士后站", "青年学者"],
    "数字转型": ["数字平台", "工业互联网", "数据要素", "智能制造", "云计算", "人工智能"],
}
OTHER = ["今日阳光明媚", "河边柳树发芽", "孩子们放风筝", "傍晚飘起细雨", "老街飘着桂花香"]


def _sentence(rng: random.Random, theme: str) -> str:
    a, b = rng.sample(THEMES[theme], 2)
    return f"{a}和{b}共同推进。"


def _make(tmp_path: Path, seed: int = 7, docs: int = 12, coded: int = 8) -> Project:
    rng = random.Random(seed)
    plan: list[list[str]] = []
    for d in range(docs):
        names = [rng.choice(list(THEMES)) for _ in range(6)]
        plan.append(names)
        text = "".join(_sentence(rng, t) for t in names)
        (tmp_path / f"d{d:02}.txt").write_text(text, encoding="utf-8")
    p = Project.create(tmp_path / "l.zhagen")
    p.add(sorted(tmp_path.glob("d*.txt")))
    for name in THEMES:
        p.codes.add(name)
    for doc, names in zip(p.documents.ids(), plan, strict=True):
        if doc > coded:
            continue
        for idx, name in enumerate(names):
            if idx != 5:  # the last sentence of a coded document stays uncoded
                p.codings.add_sentence(doc, idx, name, coder="甲")
    return p


@pytest.fixture
def project(tmp_path: Path):
    p = _make(tmp_path)
    yield p
    p.close()


def _truth(project: Project) -> dict[tuple[int, int], str]:
    out = {}
    for doc in project.documents.ids():
        for r in project.documents.sentences(doc).itertuples():
            out[(doc, r.idx)] = next(t for t, ps in THEMES.items() if any(x in r.text for x in ps))
    return out


def test_learns_the_themes_and_never_codes(project: Project) -> None:
    before = project.codings().sort_values("id")["id"].tolist()
    made = project.suggestions.run(from_coder="甲", top=2)
    truth = _truth(project)
    top1 = [s for s in made if s.rank == 1]
    assert len({(s.document, s.sentence) for s in top1}) == len(top1)
    # every uncoded sentence got one: 4 uncoded documents × 6 + 8 coded × 1
    assert len(top1) == 4 * 6 + 8
    right = sum(s.code_name == truth[(s.document, s.sentence)] for s in top1)
    assert right / len(top1) >= 0.9
    assert all(s.rank in (1, 2) and 0 <= s.score <= 1 for s in made)
    assert project.codings().sort_values("id")["id"].tolist() == before


def test_deterministic_for_a_seed(project: Project) -> None:
    a = [(s.document, s.sentence, s.code, s.rank, s.score)
         for s in project.suggestions.run(from_coder="甲", seed=3)]  # fmt: skip
    b = [(s.document, s.sentence, s.code, s.rank, s.score)
         for s in project.suggestions.run(from_coder="甲", seed=3)]  # fmt: skip
    assert a == b and a


def test_abstains_on_sentences_unlike_any_coded_one() -> None:
    rng = random.Random(1)
    train = [(t, _sentence(rng, t)) for t in THEMES for _ in range(10)]
    learner = Learner(seed=1).fit(
        [Item(1, i, s) for i, (_, s) in enumerate(train)], [t for t, _ in train]
    )
    known = [Item(2, 0, _sentence(rng, "财政支持"))]
    foreign = [Item(3, i, s + "。") for i, s in enumerate(OTHER)]
    picks = learner.suggest(known + foreign, top=3, min_score=0.6)
    assert picks[0] and picks[0][0][0] == "财政支持"
    assert picks[1:] == [[]] * len(OTHER)  # nothing known about these: no suggestion
    # the same sentences with no threshold get three ranked suggestions each
    assert all(len(p) == 3 for p in learner.suggest(foreign, top=3))


def test_rejected_code_is_not_suggested_again_for_that_sentence(project: Project) -> None:
    first = [s for s in project.suggestions.run(from_coder="甲") if s.rank == 1][0]
    project.suggestions.reject(first.id)
    # the other codes are unlikely there: without a threshold they are still ranked
    again = project.suggestions.run(from_coder="甲", min_score=0)
    same = [s for s in again if (s.document, s.sentence) == (first.document, first.sentence)]
    assert len(same) == 2 and first.code not in {s.code for s in same}
    assert same[0].rank == 1


def test_evaluation_is_recorded_and_gates_bulk_acceptance(tmp_path: Path) -> None:
    project = _make(tmp_path, docs=24, coded=20)  # 100 coded sentences: 70 train, 30 test
    project.suggestions.run(from_coder="甲")
    with pytest.raises(ParameterError, match="--evaluate"):
        project.suggestions.accept_above(0.5, coder="甲")
    result = project.suggestions.evaluate(from_coder="甲", seed=2)
    assert result["n_test"] > 0 and result["n_train"] > 0
    assert result["kappa"] > 0.9 and result["top3_recall"] == 1.0
    assert set(result["per_code"]) <= set(THEMES)
    assert [c["share"] for c in result["curve"]] == [0.1, 0.25, 0.5]
    runs = project.runs("suggest.evaluate")
    assert len(runs) == 1 and runs.iloc[0]["summary"]["kappa"] == result["kappa"]
    assert project.suggestions.last_evaluation()["run"] == result["run"]
    n_codings = len(project.codings())
    accepted = project.suggestions.accept_above(0.5, coder="甲")
    assert accepted and len(project.codings()) == n_codings + len(accepted)
    project.undo()  # the bulk acceptance is one step
    assert len(project.codings()) == n_codings
    project.close()


def test_metrics_kappa_is_the_agreement_kappa_and_matches_scikit_learn() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = random.Random(5)
    truth = [rng.choice("ABCD") for _ in range(300)]
    pred = [t if rng.random() < 0.6 else rng.choice("ABCD") for t in truth]
    got = scores(truth, [[p] for p in pred])
    assert got["kappa"] == pytest.approx(cohen_kappa_score(truth, pred), abs=1e-12)
    assert got["top_k_recall"] == pytest.approx(
        sum(a == b for a, b in zip(truth, pred, strict=True)) / 300
    )


def test_suggesting_needs_a_coder_with_two_codes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("财政补贴。人才培养。", encoding="utf-8")
    with Project.create(tmp_path / "x.zhagen") as p:
        p.add(tmp_path / "a.txt")
        with pytest.raises(ParameterError, match="no codings"):
            p.suggestions.run(from_coder="甲")
        p.codings.add_sentence(1, 0, p.codes.add("财政"), coder="甲")
        with pytest.raises(ParameterError, match="at least two codes"):
            p.suggestions.run()


def test_ai_is_a_coder_for_agreement(tmp_path: Path) -> None:
    from sklearn.metrics import cohen_kappa_score

    with _make(tmp_path, docs=24, coded=20) as project:
        with pytest.raises(ParameterError, match="zhagen suggest"):
            project.reports.agreement(("甲", "AI"), unit="sentence")
        made = project.suggestions.run(from_coder="甲", coded=True, min_score=0)
        assert "AI" not in set(project.codings()["coder"])  # suggestions are not codings
        res = project.reports.agreement(("甲", "AI"), unit="sentence")
        # the documents both covered: the 20 the coder coded (the others have no coding)
        assert sorted(res.documents) == list(range(1, 21))
        pooled = res.pooled.iloc[0]
        assert pooled["kappa"] > 0.8 and 0.8 < pooled["holsti_r"] <= 1
        assert set(res.by_code["code_name"]) == set(THEMES)
        # per code, κ is Cohen's κ of the two coders' 0/1 sentence vectors
        top1 = {(s.document, s.sentence): s.code_name for s in made if s.rank == 1}
        assert len(top1) == len([s for s in made if s.rank == 1])  # one top-1 per sentence
        human = project.codings(coder="甲")
        spans = {d: project.documents.sentence_spans(d) for d in range(1, 21)}
        coded = {(d, i) for d, st in zip(human["document"], human["start"], strict=True)
                 for i, (s, _) in enumerate(spans[d]) if s == st}  # fmt: skip
        name = "财政支持"
        units = [(d, i) for d in range(1, 21) for i in range(len(spans[d]))]
        a = [int((d, i) in coded and human[(human["document"] == d) & (human["start"] ==
             spans[d][i][0])]["code_name"].iloc[0] == name) for d, i in units]  # fmt: skip
        b = [int(top1.get(u) == name) for u in units]
        row = res.by_code.set_index("code_name").loc[name]
        assert row["kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_scope_limits_training_and_suggestions(project: Project) -> None:
    made = project.suggestions.run(from_coder="甲", scope="coded:yes")
    assert made and {s.document for s in made} <= set(range(1, 9))  # the coded documents
    assert {s.sentence for s in made} == {5}  # their one uncoded sentence each
    assert project.suggestions.list(scope="coded:no") == []
    with pytest.raises(ParameterError, match="at least two codes"):
        project.suggestions.run(from_coder="甲", scope="coded:no")  # nothing to learn from
