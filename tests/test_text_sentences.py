"""Tests for zhagen.text.sentences (原始语句 as code-point spans)."""

from __future__ import annotations

import pytest

from zhagen.text.clean import clean
from zhagen.text.sentences import sentences, split_sentences


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    """The invariants every split must satisfy."""
    end = 0
    for start, stop in spans:
        piece = text[start:stop]
        assert piece and piece == piece.strip()
        assert start >= end  # in order, not overlapping
        assert not text[end:start].strip()  # only whitespace between sentences
        end = stop
    assert not text[end:].strip()
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“我们要发展新质生产力。”然后…", ["他说：“我们要发展新质生产力。”", "然后…"]),
        ("增长率为3.14%，高于2.5%。下一句。", ["增长率为3.14%，高于2.5%。", "下一句。"]),
        (
            "（一）加快发展新质生产力\n一、总体要求\n1. 加强基础研究。\n(1) 理论机制。",
            ["（一）加快发展新质生产力", "一、总体要求", "1. 加强基础研究。", "(1) 理论机制。"],
        ),
        ("（一）加快发展。（二）深化改革。", ["（一）加快发展。", "（二）深化改革。"]),
        (
            "Wang et al. (2023) found this. Next sentence here.",
            ["Wang et al. (2023) found this.", "Next sentence here."],
        ),
        ("他说……然后走了。", ["他说……然后走了。"]),
        ("等等……。下一句。", ["等等……。", "下一句。"]),
        ("真的吗？！太好了！！", ["真的吗？！", "太好了！！"]),
        ("What?! Yes.", ["What?!", "Yes."]),
        ("见https://www.gov.cn/a.htm?x=1。下一句", ["见https://www.gov.cn/a.htm?x=1。", "下一句"]),
        ("一是创新;二是协调。", ["一是创新;", "二是协调。"]),
        ("Use a; b works.", ["Use a; b works."]),
        ("关键词：创新联合体；新质生产力；扎根理论", ["关键词：创新联合体；新质生产力；扎根理论"]),
        (
            "industrial innovation.At present, it grows.",
            ["industrial innovation.", "At present, it grows."],
        ),
        (
            "The U.S. Department of State issued it. Then e.g. this one.",
            ["The U.S. Department of State issued it.", "Then e.g. this one."],
        ),
        ("It costs 3.5 dollars. Fig. 3 shows it.", ["It costs 3.5 dollars.", "Fig. 3 shows it."]),
        ("Dr. Smith arrived. He left.", ["Dr. Smith arrived.", "He left."]),
        ("（见图1。）然后。", ["（见图1。）", "然后。"]),
        (
            '"新质生产力的提出,提供了指引。"国家信息中心表示。',
            ['"新质生产力的提出,提供了指引。"', "国家信息中心表示。"],
        ),
        ('他问道:"真的吗?"我说:"是的。"', ['他问道:"真的吗?"', '我说:"是的。"']),
        (
            "拥抱新质生产力\n进入新时代,我国经济发展进入新阶段。",
            ["拥抱新质生产力", "进入新时代,我国经济发展进入新阶段。"],
        ),
        ("第一句。\n\n\n第二句", ["第一句。", "第二句"]),
        ("This is the end...  And then.", ["This is the end...", "And then."]),
        (
            "如何加快形成新质生产力?于凤霞提出5个方面。",
            ["如何加快形成新质生产力?", "于凤霞提出5个方面。"],
        ),
        (
            "[12]??萍纰?新对新质生产力的形成具有影响。",
            ["[12]??萍纰?新对新质生产力的形成具有影响。"],
        ),
        ("", []),
        (" \n\t\u3000 ", []),
    ],
)
def test_tricky_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    check_spans(text, split_sentences(text))


@pytest.mark.parametrize(
    ("text", "with_semicolon", "without"),
    [
        (
            "一是创新；二是协调；三是绿色。",
            ["一是创新；", "二是协调；", "三是绿色。"],
            ["一是创新；二是协调；三是绿色。"],
        ),
        (
            "结果如下:(1)理论机制;(2)实践路径。",
            ["结果如下:(1)理论机制;", "(2)实践路径。"],
            ["结果如下:(1)理论机制;(2)实践路径。"],
        ),
    ],
)
def test_semicolon_parameter(text: str, with_semicolon: list[str], without: list[str]) -> None:
    assert sentences(text) == with_semicolon
    assert sentences(text, semicolon=False) == without


def test_offsets_are_code_points() -> None:
    text = "𠀀是一个字。😀好的！"
    spans = split_sentences(text)
    assert spans == [(0, 6), (6, 10)]
    assert [text[a:b] for a, b in spans] == ["𠀀是一个字。", "😀好的！"]
    check_spans(text, spans)


def test_spans_are_stripped() -> None:
    text = "  第一句。  \n\n  第二句！ "
    assert split_sentences(text) == [(2, 6), (12, 16)]


@pytest.mark.parametrize("key", ["001", "002", "003", "004"])
def test_seed_invariants(seeds: dict[str, str], key: str) -> None:
    text = clean(seeds[key]).text
    spans = split_sentences(text)
    check_spans(text, spans)
    assert sentences(text) == [text[a:b] for a, b in spans]
    assert len(split_sentences(text, semicolon=False)) <= len(spans)


def test_seed_sentence_counts(seeds: dict[str, str]) -> None:
    counts = {k: len(split_sentences(clean(v).text)) for k, v in seeds.items()}
    # 002: four "?;" mojibake runs hold a ";" that ends no clause (see test_text_simplify)
    # 001/003/004: bylines and photo credits removed (3/3/4), 003's column break rejoined
    assert counts == {"001": 144, "002": 277, "003": 114, "004": 119}


@pytest.mark.parametrize(
    ("key", "sentence"),
    [
        (
            "001",
            "习近平总书记指出,要整合科技创新资源,引领发展战略性新兴产业和未来产业,加快形成新质生产力。",
        ),
        ("001", "二是科技创新成果与产业的融合,实现生产要素的创新性配置;"),
        ("002", "加快发展新质生产力要求以科技创新推动产业创新,培育新质生产力的新动能。"),
        ("002", "3.1.1 开放性编码"),
        (
            "002",
            "At present, the complexity of global science and technology innovation is getting higher and higher, and the competition system has shifted from single-point technology in the past to the competition of technological ecosystem, from the competition of application technology to the competition of basic research, and the cross-fertilization and convergence and integration between science and technology are accelerating the evolution.",
        ),
        ("003", '"新质生产力的发展,需要依托新兴产业的崛起和科技创新的推进。"'),
        ("003", "拥抱新质生产力"),
        ("004", "现代化产业竞争的本质是科技创新能力的竞争。"),
    ],
)
def test_seed_sentences(seeds: dict[str, str], key: str, sentence: str) -> None:
    assert sentence in sentences(clean(seeds[key]).text)
