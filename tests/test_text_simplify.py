"""繁→简 only where the text is traditional; mojibake flagged, never converted or split."""

from __future__ import annotations

import importlib
import re

import pytest

from zhagen.text.clean import clean, is_traditional, to_simplified
from zhagen.text.flags import find_mojibake
from zhagen.text.sentences import garbled_sentences, split_sentences

C = importlib.import_module("zhagen.text.clean")  # the module (zhagen.text.clean is the function)

SIMPLIFIED = [
    "南宋乾淳体诗风与乾坤之说。",
    "五声为宫、商、角、徵、羽，角、徵、宫三音相生。",
    "皇后与太后同居后宫，此后再无后续。",
    "他的著作影响显著，著名学者多有论著。",
    "乾隆年间，徵收赋税的记载见于《乾隆会典》。",
]


@pytest.mark.parametrize("text", SIMPLIFIED)
def test_simplified_text_with_ambiguous_characters_is_unchanged(text: str) -> None:
    assert not is_traditional(text)
    assert to_simplified(text) == (text, 0)
    result = clean(text)
    assert result.text == text
    assert result.report["t2s_chars"] == 0


def test_opencc_alone_would_change_them() -> None:
    # the reason for the rule: the phrase-level converter rewrites these simplified texts
    conv = C._t2s_converter()
    assert conv.convert("乾淳体") != "乾淳体"
    assert conv.convert("角、徵、宫") != "角、徵、宫"


def test_traditional_paragraph_converts() -> None:
    text = "發展新質生產力是推動高質量發展的內在要求和重要著力點。"
    assert is_traditional(text)
    new, n = to_simplified(text)
    assert new == C._t2s_converter().convert(text)
    assert new.startswith("发展新质生产力是推动高质量发展的内在要求")
    assert n == sum(a != b for a, b in zip(text, new, strict=True))


def test_mixed_document_converts_only_traditional_paragraphs() -> None:
    trad = "創新聯合體是發展新質生產力的重要載體。"
    simp = SIMPLIFIED[0] + SIMPLIFIED[1]
    text = f"{simp}\n{trad}\n{SIMPLIFIED[2]}"
    new, n = to_simplified(text)
    lines = new.split("\n")
    assert lines[0] == simp and lines[2] == SIMPLIFIED[2]
    assert lines[1] == C._t2s_converter().convert(trad) != trad
    assert n == sum(a != b for a, b in zip(trad, lines[1], strict=True))


def test_stray_traditional_character_in_simplified_paragraph() -> None:
    # 議 is no simplified form: alone in a simplified paragraph it is made simplified on its
    # own, while the simplified forms beside it (乾, 徵) stay
    text = "在全国人民代表大会第四次会議上，乾坤与角、徵、宫仍按原文保留，无一改动。" * 2
    new, n = to_simplified(text)
    assert new == text.replace("議", "议") and n == 2


def test_traditional_only_set_comes_from_opencc() -> None:
    table = C._traditional_only()
    assert len(table) > 2000
    conv = C._t2s_converter()
    sample = list(table.items())[::97]
    for trad, simp in sample:
        assert conv.convert(trad) == simp != trad
        with pytest.raises(UnicodeEncodeError):
            trad.encode("gb2312")
    for ch in "乾徵後著后干拚":
        assert ch not in table
    for ch in "發髮質產與創":
        assert ch in table


def test_seeds_convert_as_before(seeds: dict[str, str]) -> None:
    for key in ("001", "003", "004"):
        assert clean(seeds[key]).report["t2s_chars"] == 0
    result = clean(seeds["002"])
    assert result.report["t2s_chars"] > 5000
    # no line left traditional, outside the flagged mojibake
    text = result.text
    garbled = {i for f in result.flags if f.kind == "mojibake" for i in range(f.start, f.end)}
    leftover = [c for i, c in enumerate(text) if c in C._traditional_only() and i not in garbled]
    assert leftover == []


# ---------------------------------------------------------------- mojibake
QMARK_RUN = re.compile(r"\?[?;]")


@pytest.mark.parametrize(
    ("text", "snippet"),
    [
        ("的故事线?;趯Ω髦鞣懂牭谋容^和分析,将", "?;趯Ω髦鞣懂牭谋容^"),
        ("同时,高??梢酝ㄟ^产教融合、科教", "??梢酝ㄟ^"),
        ("深化高??萍汲晒D化;加快", "??萍汲晒D"),
        ("必由之路”?;A研究处于从研究到应用", "?;A"),
        ("研究?;诖耍疚陌凑粘绦蚧碚摲椒?,对收集", "?;诖耍疚陌凑粘绦蚧碚摲椒?"),
        ("乱码\ufffd\ufffd结束", "\ufffd\ufffd"),
        ("题名：æ–°è´¨ç”Ÿäº§åŠ›。", "æ–°è´¨ç”Ÿäº§åŠ›"),
        ("题名：ÐÂÖÊÉú²úÁ¦。", "ÐÂÖÊÉú²úÁ¦"),
        ("私用\ue001\ue002区", "\ue001\ue002"),
        ("高校ㄟ通过", "ㄟ"),
    ],
)
def test_mojibake_runs(text: str, snippet: str) -> None:
    flags = find_mojibake(text)
    assert [f.snippet for f in flags] == [snippet]
    assert text[flags[0].start : flags[0].end] == snippet


@pytest.mark.parametrize(
    "text",
    [
        "如何加快形成新质生产力?于凤霞提出",
        "What is it?? Nobody knows.",
        "?;研究AI的应用",  # an English word does not end a run: only the head is flagged
        "Ça été très éloigné, “——”，仍是法语。",
        "系数α与β的关系；“——”",
        "├── data",
    ],
)
def test_no_mojibake_in_prose(text: str) -> None:
    flags = find_mojibake(text)
    assert all(QMARK_RUN.match(f.snippet) for f in flags)
    assert all(len(f.snippet) == 2 for f in flags)


def test_mojibake_is_not_converted_to_simplified() -> None:
    text = "由科技創新驅動形成的高質量生產力[12]??萍紕?新對新質生產力的形成具有顯著影響。"
    result = clean(text)
    assert "??萍紕?" in result.text  # 紕 kept as read: it is no text, not traditional
    assert "新对新质生产力的形成具有显著影响" in result.text
    assert [f.snippet for f in result.flags] == ["??萍紕?"]


def test_sentences_do_not_split_inside_a_run() -> None:
    text = "研究开展探索性研究?;诖耍疚陌凑粘绦蚧碚摲椒?,对收集的文本编码。下一句。"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [text[: text.index("。") + 1], "下一句。"]
    assert garbled_sentences(text, spans) == [True, False]


def test_garbled_sentences_on_seed_002(seeds: dict[str, str]) -> None:
    result = clean(seeds["002"])
    text = result.text
    spans = split_sentences(text)
    marks = garbled_sentences(text, spans)
    # independent check: a sentence holding "??" or "?;" or a bopomofo/Greek letter next to Han
    odd = re.compile(r"\?[?;]|[\u3105-\u3129\u0391-\u03c9](?=[\u4e00-\u9fff])")
    expected = [bool(odd.search(text[a:b])) for a, b in spans]
    assert marks == expected
    assert 8 <= sum(marks) <= 12
    # every run lies inside one sentence
    for f in result.flags:
        if f.kind == "mojibake":
            assert any(a <= f.start and f.end <= b for a, b in spans)


def test_store_keeps_the_sentence_mark(tmp_path) -> None:  # noqa: ANN001
    from zhagen.store.db import Store

    store = Store.create(tmp_path / "p.zhagen")
    try:
        cols = [r[1] for r in store.conn.execute("PRAGMA table_info(sentences)")]
        assert "garbled" in cols
        assert "0004_sentence_garbled" in store.applied_migrations()
    finally:
        store.close()


def test_mojibake_problem_messages_on_seed_002(seeds: dict[str, str]) -> None:
    from zhagen.text.flags import mojibake_message

    result = clean(seeds["002"])
    runs = [f for f in result.flags if f.kind == "mojibake"]
    assert len(runs) == 9
    for f in runs:
        zh, en = mojibake_message("body", f.start, f.snippet)
        assert f"第 {f.start} 字" in zh and f"character {f.start}" in en
        assert "UTF-8" in zh and "UTF-8" in en
        assert result.text[f.start : f.end] == f.snippet
