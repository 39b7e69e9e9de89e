"""Web text: link texts and footnote marks cut onto lines of their own are not sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zhagen.text.clean import clean
from zhagen.text.layout import join_broken_lines
from zhagen.text.sentences import sentences, split_sentences

OPENERS = "《“‘（([【「『〈"
WORD = re.compile(r"\w")


def check(text: str) -> list[str]:
    spans = split_sentences(text)
    got = [text[a:b] for a, b in spans]
    # the spans still cover every non-space character, in order, without overlap
    assert "".join(re.sub(r"\s", "", s) for s in got) == re.sub(r"\s", "", text)
    for s in got:
        assert WORD.search(s), f"a sentence of only marks: {s!r}"
        assert s[-1] not in OPENERS, f"a sentence ending on an opening mark: {s!r}"
    return got


def test_link_text_on_its_own_line_is_not_a_sentence() -> None:
    raw = "会议决定\n制定\n“十三五”规划\n、推进改革，加快发展。\n\n下一段。"
    text = clean(raw).text
    assert check(text) == ["会议决定制定“十三五”规划、推进改革，加快发展。", "下一段。"]


def test_footnote_marker_is_not_two_sentences() -> None:
    raw = "这是正文的一句话[\n1\n]，后面还有内容。"
    assert clean(raw).text == "这是正文的一句话[1]，后面还有内容。"
    # the splitter alone (uncleaned text, as a REFI-QDA source gives it) keeps it together
    assert len(check(raw)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一句。\n↑\n第二句。", ["第一句。\n↑", "第二句。"]),
        ("第一句。\n[\n第二句。", ["第一句。", "[\n第二句。"]),
        ("全年完成，“\n十三五”实现开局。", ["全年完成，“\n十三五”实现开局。"]),
        ("“\n开头的引号。", ["“\n开头的引号。"]),
        ("只有一句。\n“", ["只有一句。\n“"]),
        ("↑", ["↑"]),
    ],
)
def test_no_sentence_of_marks_only(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == expected
    if WORD.search(text) and text[-1] not in OPENERS:  # else nothing to join it to
        check(text)


def test_web_join_leaves_blank_line_paragraphs_and_headings_apart() -> None:
    raw = "政府工作报告\n。\n\n一、总体要求\n坚持稳中求进。\n\n摘要\n\n本文研究创新。"
    text, _ = join_broken_lines(raw)
    assert "一、总体要求\n坚持稳中求进。" in text
    assert "摘要\n\n本文研究创新。" in text


def test_web_join_never_glues_two_latin_words() -> None:
    """In web text (a link line) the break between two Latin words is a space: deleting it
    would change the words (was + adopted ≠ wasadopted); Chinese either side still joins."""
    raw = (
        "会议审议通过了关于制定\n“十三五”规划\n、推动高质量发展的建议。\n"
        "The plan was\nadopted in 2016.\n采用\nPython\n语言编写，"
    )
    text = clean(raw).text
    assert "The plan was adopted in 2016." in text
    assert "会议审议通过了关于制定“十三五”规划、推动高质量发展的建议。" in text
    assert "采用Python语言编写，" in text
    words = re.findall(r"[A-Za-z]+", raw)
    assert re.findall(r"[A-Za-z]+", text) == words  # every Latin word as it was


def test_pdf_seeds_do_not_turn_web(seeds: dict[str, str]) -> None:
    # PDF text never has a short line followed by a line that starts with 、，。
    for key in ("001", "003", "004"):
        assert not re.search(r"(?:^|\n)[^\n]{1,25}\n[ \t]*[、，。；：）》”’]", seeds[key])


def test_policy_reports_sentences(corpora: Path) -> None:
    path = corpora / "policy" / "government_work_reports.jsonl"
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    fragments = 0
    for doc in docs:
        text = clean(doc["content"]).text
        check(text)
        assert "公有领域" not in text and "Public domain" not in text
        for s in sentences(text):
            # a link text alone: one or two Han characters that are no numeral heading
            if re.fullmatch(r"[\u4e00-\u9fff]{1,2}", s) and not re.fullmatch(
                "[一二三四五六七八九十]+", s
            ):
                fragments += 1
    # 43 before (issue 9); left: a title cut by the page (政府工作报 / 告) and a 1985
    # report whose links have no punctuation line to tell them
    assert fragments <= 6
