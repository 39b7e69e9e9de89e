"""Term discovery leaves out filler phrases and can be limited to a set of documents."""

from __future__ import annotations

import importlib

import pytest

from zhagen.text.clean import clean
from zhagen.text.lexicon import load_wordlist, package_data
from zhagen.text.terms import discover_terms

T = importlib.import_module("zhagen.text.terms")

FILLER = ["提出了", "过程中", "在此基础上"]


def corpus() -> list[str]:
    """Filler phrases and a real term, each beside many different words (free boundaries)."""
    heads = ["学者", "政府", "企业", "高校", "市场", "地方", "行业", "平台"]
    tails = ["数据", "案例", "模型", "路径", "机制", "政策", "样本", "指标"]
    return [
        f"{h}提出了{t}。{t}过程中{h}，在此基础上{h}{t}。{h}创新联合体{t}。"
        for h in heads
        for t in tails
    ]


def test_filler_phrases_are_left_out() -> None:
    docs = corpus()
    with_filler = [c.term for c in discover_terms(docs, min_freq=3, top=None, filler=False)]
    assert any(f in with_filler for f in FILLER)  # the statistics alone let them through
    found = [c.term for c in discover_terms(docs, min_freq=3, top=None)]
    assert found[0] == "创新联合体"
    assert not any(f in found for f in FILLER)


def test_filler_list_is_data() -> None:
    entries = load_wordlist(package_data("term_filler_zh.txt"))
    assert set(FILLER) <= set(entries)
    phrases, starts, ends = T._filler_lists()
    assert "进一步" in phrases and "在" in starts and "中" in ends
    assert all(starts) and all(ends)


@pytest.mark.parametrize("term", ["对外开放", "以人民为中心", "和平共处五项原则"])
def test_edge_test_keeps_terms_that_start_with_a_loose_word(term: str) -> None:
    # the rest (外开放, 人民为中心 …) never stands alone, so the edge is no loose one
    docs = [f"坚持{term}。", f"关于{term}，", f"推进{term}工作", f"落实{term}要求"] * 2
    assert term in [c.term for c in discover_terms(docs, min_freq=3, top=None)]


def test_seeds_real_terms_rank_high_and_no_filler(seeds: dict[str, str]) -> None:
    texts = [clean(t).text for t in seeds.values()]
    found = [c.term for c in discover_terms(texts, top=150)]
    assert found.index("新质生产力") < 3 and found.index("创新联合体") < 3
    phrases, _, _ = T._filler_lists()
    assert not [t for t in found if t in phrases]
    assert not [t for t in found if t.endswith(("了", "过程中", "基础上"))]


def test_subset_of_documents() -> None:
    docs = {
        10: "组建创新联合体。支持创新联合体，以创新联合体为载体",
        11: "发展新质生产力。培育新质生产力，",
        12: "新质生产力，加快形成新质生产力",
    }
    all_terms = {c.term for c in discover_terms(docs, min_freq=3)}
    assert {"创新联合体", "新质生产力"} <= all_terms
    only = {c.term for c in discover_terms(docs, subset={11, 12}, min_freq=3)}
    assert "新质生产力" in only and "创新联合体" not in only
    listed = list(docs.values())
    assert "创新联合体" in {c.term for c in discover_terms(listed, subset={0}, min_freq=3)}
    assert not discover_terms(listed, subset={1}, min_freq=3)
