"""Tests for zhagen.text.terms: term discovery and accepting discovered terms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.text.segment import Segmenter
from zhagen.text.terms import TermCandidate, accept_terms, discover_terms

TOY = [
    "发展新质生产力是推动高质量发展的内在要求。",
    "新质生产力，以创新为主导。",
    "加快形成新质生产力！",
    "培育新质生产力的新动能。",
    "组建创新联合体，支持创新联合体发展。",
    "创新联合体赋能新质生产力。",
]


def simplified(text: str) -> str:
    """Cleaned, simplified text (the cleaner when present, else opencc for the test)."""
    try:
        from zhagen.text.clean import clean
    except ImportError:  # the cleaner is written by another engineer
        import opencc

        text = re.sub(
            r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]", "", text
        )
        return opencc.OpenCC("t2s").convert(text)
    return clean(text).text


@pytest.fixture(scope="module")
def seed_texts(seeds: dict[str, str]) -> list[str]:
    return [simplified(t) for t in seeds.values()]


def rank(candidates: list[TermCandidate], term: str) -> int | None:
    return next((i for i, c in enumerate(candidates, 1) if c.term == term), None)


# -- small inline corpora -----------------------------------------------------------------


def test_discovers_a_repeated_term_with_its_statistics() -> None:
    found = discover_terms(TOY, min_freq=3)
    best = found[0]
    assert best.term == "新质生产力"
    assert best.freq == 5
    assert best.pmi > 0 and best.left_entropy > 0 and best.right_entropy > 0
    assert best.score > 0 and not best.in_dictionary
    assert "新质生产力" in best.example
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_fragments_of_a_longer_term_are_dropped() -> None:
    terms = {c.term for c in discover_terms(TOY, min_freq=2, top=None)}
    assert "新质生产力" in terms
    assert not terms & {"质生产力", "新质生产", "质生产", "生产力的", "新质生产力的"}


def test_candidates_never_cross_punctuation_digits_or_latin() -> None:
    texts = ["创新联合体。2024创新联合体AI创新联合体，创新联合体"] * 3
    for c in discover_terms(texts, min_freq=2, top=None):
        assert re.fullmatch(r"[\u4e00-\u9fff]+", c.term)
    assert "体创" not in {c.term for c in discover_terms(texts, min_freq=2, top=None)}


@pytest.mark.parametrize(("min_len", "max_len"), [(2, 3), (3, 5), (4, 8)])
def test_length_limits(min_len: int, max_len: int) -> None:
    found = discover_terms(TOY * 2, min_freq=2, min_len=min_len, max_len=max_len, top=None)
    assert found and all(min_len <= len(c.term) <= max_len for c in found)


def test_top_limits_and_none_returns_all() -> None:
    everything = discover_terms(TOY, min_freq=2, top=None)
    assert len(everything) > 2
    assert discover_terms(TOY, min_freq=2, top=2) == everything[:2]


def test_known_words_are_dropped_or_flagged() -> None:
    assert "新质生产力" not in {c.term for c in discover_terms(TOY, known={"新质生产力"})}
    flagged = discover_terms(TOY, known={"新质生产力"}, include_known=True)
    assert {c.term: c.in_dictionary for c in flagged}["新质生产力"] is True
    with_segmenter = discover_terms(TOY, known=Segmenter(), include_known=True, top=None)
    assert all(c.in_dictionary for c in with_segmenter if c.term in {"新质生产力", "创新联合体"})


def test_empty_and_dictionary_free_inputs() -> None:
    assert discover_terms([]) == []
    assert discover_terms(["", "abc 123", "。，"]) == []
    assert discover_terms(["独一无二"]) == []


def test_deterministic() -> None:
    assert discover_terms(TOY * 3, min_freq=2) == discover_terms(TOY * 3, min_freq=2)


@pytest.mark.parametrize("kwargs", [{"min_freq": 1}, {"min_len": 0}, {"min_len": 5, "max_len": 4}])
def test_bad_parameters(kwargs: dict) -> None:
    with pytest.raises(ParameterError) as info:
        discover_terms(TOY, **kwargs)
    assert "min_" in info.value.en and "min_" in info.value.zh


def test_a_single_string_is_one_document() -> None:
    assert discover_terms("。".join(TOY), min_freq=3)[0].term == "新质生产力"


def test_accept_terms_makes_the_segmenter_cut_them_whole() -> None:
    seg = Segmenter(domain_dict=False)
    assert "创新联合体" not in seg.cut("组建创新联合体")
    accepted = [c for c in discover_terms(TOY, min_freq=3) if c.term == "创新联合体"]
    accept_terms(seg, accepted + ["专精特新"])
    assert "创新联合体" in seg.cut("组建创新联合体")
    assert seg.cut("专精特新企业") == ["专精特新", "企业"]
    assert "创新联合体" in seg.terms("组建创新联合体")


# -- the real corpora -------------------------------------------------------------------------


def test_seeds_surface_the_new_policy_terms_without_a_dictionary(
    seed_texts: list[str],
) -> None:
    found = discover_terms(seed_texts)  # known=None: no dictionary at all
    assert len(found) == 200
    ranks = {t: rank(found, t) for t in ("新质生产力", "创新联合体", "专精特新")}
    assert ranks["新质生产力"] is not None and ranks["新质生产力"] <= 5
    assert ranks["创新联合体"] is not None and ranks["创新联合体"] <= 5
    assert ranks["专精特新"] is not None  # ranked ~90th: it is followed by 企业 in 20 of 29 uses
    assert rank(found, "专精特新企业") is not None and rank(found, "专精特新企业") <= 20


def test_seeds_with_jiebas_dictionary_as_known(seed_texts: list[str]) -> None:
    found = discover_terms(seed_texts, known=Segmenter(domain_dict=False), top=60)
    terms = [c.term for c in found]
    assert {"新质生产力", "创新联合体", "专精特新"} <= set(terms)
    assert not any(c.in_dictionary for c in found)


def test_accepting_discovered_seed_terms_improves_segmentation(seed_texts: list[str]) -> None:
    seg = Segmenter(domain_dict=False)
    text = seed_texts[1]
    before = seg.cut(text).count("创新联合体")
    accept_terms(seg, discover_terms(seed_texts, known=seg, top=20))
    assert before == 0 and seg.cut(text).count("创新联合体") >= 50


def test_government_work_reports(corpora: Path) -> None:
    path = corpora / "policy" / "government_work_reports.jsonl"
    with path.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["content"] for line in handle]
    found = discover_terms(texts, top=None)
    assert len(found) > 1000
    terms = {c.term for c in found}
    assert {"供给侧结构性改革", "新质生产力"} <= terms
