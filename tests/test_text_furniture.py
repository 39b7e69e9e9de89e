"""Page furniture and export markers: removed, counted in the cleaning report, never prose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zhagen.formats import read_records
from zhagen.text.clean import clean
from zhagen.text.layout import (
    rejoin_column_breaks,
    remove_bylines,
    remove_licence_footer,
    remove_markers,
    remove_markup,
)

WIKISOURCE_TAIL = (
    "\n\n本作品是中华人民共和国的\n法律\n、\n法规\n，国家机关的决议、决定、命令和其他具有立法、"
    "行政、司法性质的文件，及其官方正式译文。根据《\n中华人民共和国著作权法\n》第五条第一项，"
    "本作品不适用于该法，在\n中国大陆\n，也可能在其他管辖区，属于\n公有领域\n。\n\n\n"
    "注：中文维基文库社群认为，中华人民共和国公务演讲，\n不总是\n具有立法、行政、司法性质的文件。"
    "\n\n\nPublic domain\nPublic domain\nfalse\nfalse"
)
REPORT = "各位代表！\n\n一、过去一年的工作\n\n我们坚持稳中求进。经济运行总体平稳。\n\n谢谢大家。"


# ---------------------------------------------------------------- markers
@pytest.mark.parametrize(
    ("raw", "expected", "n"),
    [
        ("Abstract(#br)We study it.", "We study it.", 1),
        (
            "BACKGROUND(#br)Many studies.(#br)METHOD(#br)We test.",
            "BACKGROUND\nMany studies.\nMETHOD\nWe test.",
            3,
        ),
        ("<正>近年来，数字经济快速发展。", "近年来，数字经济快速发展。", 1),
        ("‹正>近年来，数字经济快速发展。", "近年来，数字经济快速发展。", 1),
        ("正文里的<正>字不是标记吗？正>", "正文里的字不是标记吗？正>", 1),
        ("no marker (#2) here, 正常", "no marker (#2) here, 正常", 0),
    ],
)
def test_remove_markers(raw: str, expected: str, n: int) -> None:
    assert remove_markers(raw) == (expected, n)


def test_markers_in_real_exports(corpora: Path) -> None:
    counted = 0
    for name in ("endnote_40.txt", "estudy_20.txt", "refworks_2024_298.txt"):
        for rec in read_records(str(corpora / "cnki" / name)):
            for value in (rec.title, rec.abstract):
                if not value:
                    continue
                result = clean(value)
                assert "(#br)" not in result.text and "<正>" not in result.text
                expected = value.count("(#br)") + value.count("<正>")
                assert result.report["markers"] == expected
                counted += expected
    assert counted > 30


def test_space_after_closing_curly_quote_kept_in_english() -> None:
    raw = "Abstract(#br)It examines students’ second language, the “MDL” stages, and teaching."
    text = clean(raw).text
    assert "students’ second" in text and "“MDL” stages" in text
    # in Chinese prose the column space after a quote still goes
    assert (
        clean("他说“创新” 是第一动力，我们要坚持，继续前进。").text
        == "他说“创新”是第一动力，我们要坚持，继续前进。"
    )


# ---------------------------------------------------------------- licence footers
def test_wikisource_licence_footer() -> None:
    result = clean(REPORT + WIKISOURCE_TAIL)
    assert result.text == clean(REPORT).text
    assert result.report["licence_lines"] == sum(
        1 for line in WIKISOURCE_TAIL.split("\n") if line.strip()
    )


def test_world_public_domain_footer() -> None:
    tail = "\n\n本作品在全世界都属于公有领域，因为作者逝世已经超过100年。"
    text, n = remove_licence_footer(REPORT + tail)
    assert text == REPORT and n == 1


@pytest.mark.parametrize(
    "text",
    [
        REPORT + "\n\n本作品讨论公有领域的理论。",  # mentions, does not state, a licence
        "本作品属于公有领域。",  # nothing before it: not a footer of anything
        REPORT + "\n\n本作品属于公有领域。\n\n一、下一章\n\n正文。",  # a heading follows
    ],
)
def test_licence_look_alikes_are_kept(text: str) -> None:
    assert remove_licence_footer(text) == (text, 0)


def test_policy_reports_lose_their_footer_only(corpora: Path) -> None:
    path = corpora / "policy" / "government_work_reports.jsonl"
    with_footer = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)["content"]
        result = clean(raw)
        for gone in ("公有领域", "Public domain", "维基文库"):
            assert gone not in result.text
        if "公有领域" not in raw:  # some resolutions come without the template
            assert result.report["licence_lines"] == 0
            continue
        with_footer += 1
        # all that goes is the footer: the text before it cleans to the same
        cut = raw.find("\n本作品", len(raw) - 3000)
        assert result.text == clean(raw[:cut]).text
        assert result.report["licence_lines"] > 0
    assert with_footer >= 60


# ---------------------------------------------------------------- markup, bylines, credits
def test_markup() -> None:
    raw = "# 标题\n\n## 小节 A\n\n**编者按：**正文有 **重点** 与 2*3=6。\n\n__注__ 尾注。"
    text, n = remove_markup(raw)
    assert text == "标题\n\n小节 A\n\n编者按：正文有 重点 与 2*3=6。\n\n注 尾注。"
    assert n == 5
    assert remove_markup("# 单行标题") == ("# 单行标题", 0)  # one line: no .txt body


@pytest.mark.parametrize(
    "line",
    [
        "▶ 本报记者 张伟",
        "本报全媒体记者 史港泽摄",
        "(作者单位：南昌大学马克思主义学院)",
        "（作者系赣州发展投资控股集团副总经理）",
        "刘冬梅 中国科学技术发展战略研究院党委书记、研究员",
        "文/王小明",
        "记者 李华 王强",
    ],
)
def test_bylines_are_removed(line: str) -> None:
    text, n = remove_bylines(f"正文第一段。\n{line}\n正文第二段。")
    assert (text, n) == ("正文第一段。\n正文第二段。", 1)


@pytest.mark.parametrize(
    "line",
    [
        "记者从会上获悉，今年将新增就业岗位。",
        "作者认为创新联合体是关键。",
        "李德平 张晓宇",  # names alone: could be a table row; kept
        "文化自信",
        "图为工人在车间忙碌",
    ],
)
def test_prose_is_no_byline(line: str) -> None:
    text = f"正文第一段。\n{line}\n正文第二段。"
    assert remove_bylines(text) == (text, 0)


def test_photo_credit_ending_a_caption() -> None:
    text, n = remove_bylines("图为3月1日，工人在涂装风电轮毂。新华社记者郭绪雷/摄\n正文。")
    assert (text, n) == ("图为3月1日，工人在涂装风电轮毂。\n正文。", 1)


# ---------------------------------------------------------------- column breaks
def test_column_break_on_seed_003(seeds: dict[str, str]) -> None:
    result = clean(seeds["003"])
    assert "为新征程上推动高质量发展提供了科学指引。" in result.text
    assert not re.search(r"^供了科学指引。", result.text, re.MULTILINE)
    assert result.report["column_joins"] == 1


@pytest.mark.parametrize(
    "text",
    [
        # the short paragraph has a clause: a paragraph of its own
        "会议阐明了科学内涵,为新征程上推动高质量发展\n\n会议强调,要以科技创新推动产业创新。\n\n一是，加快发展。",
        # an exclamation is a paragraph of its own (各位代表！)
        "要认真落实全面从严治党要求，把党风\n\n廉政建设引向深入。\n\n各位代表！",
        # an unfinished paragraph between: no column to jump
        "会议阐明了科学内涵,为新征程上推动高质量发展提\n\n另一栏的开头没有结束\n\n供了科学指引。",
    ],
)
def test_no_column_join(text: str) -> None:
    assert rejoin_column_breaks(text) == (text, 0)


def test_seed_reports_count_furniture(seeds: dict[str, str]) -> None:
    reports = {k: clean(v).report for k, v in seeds.items()}
    assert reports["001"]["markup"] == 7 and reports["001"]["bylines"] == 3
    assert reports["003"]["bylines"] == 3 and reports["004"]["bylines"] == 4
    assert "##" not in clean(seeds["001"]).text and "**" not in clean(seeds["001"]).text


@pytest.mark.parametrize("title", ["我的导师 一位真正的教授", "记者 李华 王强", "文/王小明"])
def test_one_line_field_is_never_a_byline(title: str) -> None:
    assert clean(title).text == title
