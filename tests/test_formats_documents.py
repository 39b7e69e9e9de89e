"""Tests for zhagen.formats.documents: plain text, Markdown and JSON Lines, and bad input."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import read_records
from zhagen.formats.documents import (
    guess_title,
    markdown_to_text,
    normalise_newlines,
    read_jsonl,
    read_md,
    read_txt,
)

SIMPLIFIED = (
    "新质生产力是创新起主导作用，摆脱传统经济增长方式、生产力发展路径，具有高科技、高效能、"
    "高质量特征，符合新发展理念的先进生产力质态。\n"
    "它由技术革命性突破、生产要素创新性配置、产业深度转型升级而催生，以劳动者、劳动资料、"
    "劳动对象及其优化组合的跃升为基本内涵，以全要素生产率大幅提升为核心标志。\n"
    "2024年政府工作报告提出，要大力推进现代化产业体系建设，加快发展新质生产力；"
    "充分发挥创新主导作用，以科技创新推动产业创新，加快推进新型工业化，提高全要素生产率，"
    "不断塑造发展新动能新优势，促进社会生产力实现新的跃升。\n"
    "各地要坚持从实际出发，先立后破、因地制宜、分类指导，根据本地的资源禀赋、产业基础、"
    "科研条件等，有选择地推动新产业、新模式、新动能发展，用新技术改造提升传统产业。\n"
)
TRADITIONAL = (
    "新質生產力是創新起主導作用，擺脫傳統經濟增長方式、生產力發展路徑，具有高科技、高效能、"
    "高質量特徵，符合新發展理念的先進生產力質態。\n"
    "它由技術革命性突破、生產要素創新性配置、產業深度轉型升級而催生，以勞動者、勞動資料、"
    "勞動對象及其優化組合的躍升為基本內涵，以全要素生產率大幅提升為核心標誌。\n"
    "2024年政府工作報告提出，要大力推進現代化產業體系建設，加快發展新質生產力；"
    "充分發揮創新主導作用，以科技創新推動產業創新，加快推進新型工業化，提高全要素生產率。\n"
)

# name -> (text, encoder); the short texts encode to exactly 20 bytes
ENCODINGS = {
    "utf-8": (SIMPLIFIED, "新质生产力发AB", lambda s: s.encode("utf-8")),
    "utf-8-bom": (SIMPLIFIED, "新质生产力AB", lambda s: codecs.BOM_UTF8 + s.encode("utf-8")),
    "utf-16-le-bom": (
        SIMPLIFIED,
        "新质生产力发展方式",
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    ),
    "utf-16-be-bom": (
        SIMPLIFIED,
        "新质生产力发展方式",
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    ),
    "utf-16-le-no-bom": (SIMPLIFIED, "发展新质生产力的要求", lambda s: s.encode("utf-16-le")),
    "utf-16-be-no-bom": (SIMPLIFIED, "发展新质生产力的要求", lambda s: s.encode("utf-16-be")),
    "gb18030": (SIMPLIFIED, "发展新质生产力的要求", lambda s: s.encode("gb18030")),
    "gbk": (SIMPLIFIED, "加快形成新质生产力吧", lambda s: s.encode("gbk")),
    "big5": (TRADITIONAL, "發展新質生產力的要求", lambda s: s.encode("big5")),
}

ACTION_WORDS = ("add", "save", "run", "check", "remove", "download", "split", "raise", "fix")


def assert_clear(exc: InputError, path: Path | str) -> None:
    """One clear bilingual error: names the file, Chinese and English, says what to do."""
    assert exc.file == str(path)
    assert str(path) in str(exc)
    assert re.search(r"[\u4e00-\u9fff]", exc.zh), exc.zh
    assert not re.search(r"[\u4e00-\u9fff]", exc.en), exc.en
    assert any(word in exc.en for word in ACTION_WORDS), exc.en


def read_all(path: Path | str) -> list:
    return list(read_records(path))


# --- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["long", "short"])
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_txt_encodings(tmp_path: Path, encoding: str, size: str) -> None:
    long_text, short_text, encode = ENCODINGS[encoding]
    text = long_text if size == "long" else short_text
    data = encode(text)
    if size == "short":
        assert len(data) == 20
    else:
        assert len(text) > 200
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)
    (rec,) = read_txt(path)
    assert rec.text == text
    assert rec.problems == []
    (via,) = read_all(path)
    assert via.text == text and via.format == "txt"


def test_txt_line_endings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("\r\n  新质生产力研究  \r\n第一段，\r第二段。\r\n".encode())
    (rec,) = read_txt(path)
    assert rec.text == "\n  新质生产力研究  \n第一段，\n第二段。\n"
    assert rec.title == "新质生产力研究"
    assert (rec.source, rec.record, rec.format, rec.type) == (str(path), 1, "txt", "document")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# 新质生产力与科技创新\n正文", "新质生产力与科技创新"),
        ("**专家笔谈**\n正文", "专家笔谈"),
        ("新质生产力,崛起!\n正文", "新质生产力,崛起!"),
        ("摘 要:新质生产力是推动经济社会高质量发展的内在要求和重要着力点,对构建科技创新", "stem"),
        ("2024年1月31日, 中央政治局举行第十 一次集体学习,从理论 和实践结合", "stem"),
        ("2024年4月1日 星期一\n正文", "stem"),
        ("本文认为：\n正文", "stem"),
        ("\n\n   \n", "stem"),
        (
            "The Rise of New Quality Productive Forces\nbody",
            "The Rise of New Quality Productive Forces",
        ),
    ],
)
def test_guess_title(text: str, title: str) -> None:
    assert guess_title(text, "stem") == title


def test_normalise_newlines() -> None:
    assert normalise_newlines("a\r\nb\rc\n\rd") == "a\nb\nc\n\nd"


def test_txt_from_stream_and_replaced_bytes() -> None:
    data = "新质生产力发展".encode() + b"\xff\xfe\xfd" + "继续。".encode() * 50
    (rec,) = read_txt(io.BytesIO(data), name="broken.txt")
    assert rec.source == "broken.txt"
    assert rec.title == "broken"
    assert "新质生产力发展" in rec.text
    assert [p.code for p in rec.problems] == ["encoding-replaced"]
    assert rec.problems[0].severity == "warning"


# --- real corpora -----------------------------------------------------------------------


def test_seed_files(corpora: Path) -> None:
    paths = sorted((corpora / "seeds").glob("*.txt"))
    assert len(paths) == 4
    titles = {}
    for path in paths:
        (rec,) = read_all(path)
        expected = normalise_newlines(path.read_text(encoding="utf-8"))
        assert rec.text == expected
        assert rec.format == "txt" and rec.type == "document" and rec.record == 1
        titles[path.name[:3]] = rec.title
    assert titles["001"] == "新质生产力与科技创新"
    assert titles["004"] == "以高水平科技创新赋能新质生产力"
    assert titles["002"] == paths[1].stem  # first line is the abstract: no title
    assert "新質生產力" in read_txt(paths[1]).__next__().text  # not converted here


def test_government_work_reports(corpora: Path) -> None:
    path = corpora / "policy" / "government_work_reports.jsonl"
    recs = read_all(path)
    assert len(recs) == 72
    assert [r.record for r in recs] == list(range(1, 73))
    assert all(r.format == "jsonl" and r.type == "document" for r in recs)
    assert all(r.problems == [] for r in recs)
    assert all(r.title and r.text and r.url.startswith("https://") for r in recs)
    assert all(r.extra == {} for r in recs)  # title, url, content, year: all mapped
    assert sum(r.year is None for r in recs) == 20
    by_year = {r.year: r for r in recs if r.year is not None and "政府工作报告" in r.title}
    assert "新质生产力" in by_year[2024].text
    assert all("新质生产力" not in r.text for r in recs if r.year is not None and r.year < 2024)
    assert recs[0].title == "2025年中华人民共和国国务院政府工作报告"


# --- JSON Lines -------------------------------------------------------------------------


def test_jsonl_field_mapping(tmp_path: Path) -> None:
    lines = [
        {
            "Title": "关于加快发展新质生产力的意见",
            "BODY": "第一段。\r\n第二段。",
            "Date": "2024-03-05",
            "Link": "https://example.cn/a",
            "Authors": ["张三", "李四"],
            "Venue": "人民日报",
            "Keywords": "新质生产力；科技创新, innovation",
            "id": 7,
            "tags": ["a", "b"],
        },
        {"标题": "报告", "正文": "内容", "年份": 2023, "作者": "王五、赵六", "来源": "新华社"},
        {
            "title": "无年份",
            "text": "内容",
            "year": None,
            "date": "2020-01-01",
            "关键词": ["数字经济"],
        },
        {"title": "日期", "content": "内容", "date": "2019年3月5日"},
        {"title": "怪年份", "content": "内容", "year": "去年"},
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(obj, ensure_ascii=False) for obj in lines) + "\n")
    recs = list(read_jsonl(path))
    assert [r.record for r in recs] == [1, 2, 3, 4, 5]
    a, b, c, d, e = recs
    assert a.title == "关于加快发展新质生产力的意见"
    assert a.text == "第一段。\n第二段。"
    assert a.year == 2024
    assert a.url == "https://example.cn/a"
    assert a.authors == ["张三", "李四"]
    assert a.venue == "人民日报"
    assert a.keywords == {"zh": ["新质生产力", "科技创新"], "en": ["innovation"]}
    assert a.extra == {"Date": "2024-03-05", "id": "7", "tags": '["a", "b"]'}
    assert (b.title, b.text, b.year, b.authors, b.venue) == (
        "报告",
        "内容",
        2023,
        ["王五", "赵六"],
        "新华社",
    )
    assert c.year == 2020  # a null year falls back to the date
    assert c.extra == {"date": "2020-01-01"}
    assert c.keywords == {"zh": ["数字经济"]}
    assert d.year == 2019
    assert e.year is None and [p.code for p in e.problems] == ["bad-year"]
    assert e.extra == {"year": "去年"}


def test_jsonl_bad_line_among_good(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"title": "一", "content": "甲"}\n'
        '{"title": "二", "content": "乙"\n'
        "\n"
        '["not", "an", "object"]\n'
        '{"title": "五", "content": ""}\n'
        '{"title": "六", "content": "己"}\r\n',
        encoding="utf-8",
    )
    for recs in (list(read_jsonl(path)), read_all(path)):
        assert [r.record for r in recs] == [1, 2, 4, 5, 6]
        good = [r for r in recs if not r.problems]
        assert [r.text for r in good] == ["甲", "己"]
        bad = {r.record: r.problems[0] for r in recs if r.problems}
        assert bad[2].severity == "error" and bad[2].line == 2 and bad[2].record == 2
        assert "第 2 行" in bad[2].zh and "line 2" in bad[2].en
        assert str(path) in bad[2].message
        assert bad[4].severity == "error" and "JSON object" in bad[4].en
        assert bad[5].severity == "warning" and bad[5].code == "empty-text"


def test_jsonl_bad_lines_before_first_good_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "late.jsonl"
    path.write_text('oops\n{"title": "好", "content": "文"}\n', encoding="utf-8")
    recs = list(read_jsonl(path))
    assert [(r.record, r.problems[0].severity if r.problems else None) for r in recs] == [
        (1, "error"),
        (2, None),
    ]


def test_jsonl_no_object_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notjson.jsonl"
    path.write_text("这不是 JSON\n也不是\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_jsonl(path))
    assert_clear(info.value, path)
    assert info.value.line == 1


def test_jsonl_gb18030_and_stream() -> None:
    data = '{"标题": "报告", "正文": "新质生产力"}\n'.encode("gb18030")
    (rec,) = read_jsonl(io.BytesIO(data), name="s.jsonl")
    assert (rec.title, rec.text, rec.source) == ("报告", "新质生产力", "s.jsonl")


def test_jsonl_title_falls_back_to_text() -> None:
    data = '{"content": "新质生产力\\n正文。"}\n{"content": "只有一句很长的话，没有标题，也不像标题。"}\n'
    recs = list(read_jsonl(io.BytesIO(data.encode()), name="x.jsonl"))
    assert [r.title for r in recs] == ["新质生产力", "x:2"]


# --- Markdown ---------------------------------------------------------------------------

MARKDOWN = """---
title: 前言标题
date: 2024-01-01
---
# 新质生产力

**编者按：**自2023年提出“新质生产力”后，*广泛*关注。见[原文](https://example.cn/a "t")与![图一](a.png)。

## 二、路径

- 第一条 `code_span*x*`
* [x] 第二条
1. 有序第一

> 引用的话
> > 嵌套

| 指标 | 数值 |
|:---|---:|
| 研发 | 3.3 |

```python
print("保留代码")  # **not bold**
```

转义\\*星号\\*和 snake_case_name，~~删除线~~，<span>内联</span> &amp; 完。[^1]

[^1]: 脚注文字。
[ref]: https://example.cn

Setext 标题
---
"""


def test_markdown_to_text() -> None:
    text, title = markdown_to_text(MARKDOWN)
    assert title == "前言标题"
    expected = [
        "新质生产力",
        "",
        "编者按：自2023年提出“新质生产力”后，广泛关注。见原文与图一。",
        "",
        "二、路径",
        "",
        "第一条 code_span*x*",
        "第二条",
        "1. 有序第一",
        "",
        "引用的话",
        "嵌套",
        "",
        "指标\t数值",
        "研发\t3.3",
        "",
        'print("保留代码")  # **not bold**',
        "",
        "转义*星号*和 snake_case_name，删除线，内联 & 完。",
        "",
        "脚注文字。",
        "",
        "Setext 标题",
    ]
    assert text.split("\n") == expected


def test_markdown_keeps_angle_brackets_that_are_not_tags() -> None:
    text, _ = markdown_to_text(
        "若 a<b 且 b>c，则<!-- 注释 -->成立；<br/>完<SPAN class='x'>毕</SPAN>"
    )
    assert text == "若 a<b 且 b>c，则成立；完毕"


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("## 小节\n\n# 大标题\n\n正文", encoding="utf-8")
    (rec,) = read_md(path)
    assert rec.title == "大标题" and rec.format == "md" and rec.type == "document"
    assert rec.text == "小节\n\n大标题\n\n正文"
    (via,) = read_all(path)
    assert via.format == "md" and via.text == rec.text


def test_markdown_without_heading_uses_first_line_or_stem(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("这是一段很长的正文，没有任何标题，所以用文件名。", encoding="utf-8")
    assert next(read_md(path)).title == "plain"


# --- bad input --------------------------------------------------------------------------


def test_binary_renamed_txt(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputError) as info:
        read_all(path)  # detect_format: names the file and lists the formats zhagen reads
    assert info.value.file == str(path) and "binary" in info.value.en
    assert "二进制" in info.value.zh and "save it as txt" in info.value.en
    with pytest.raises(InputError) as info:
        list(read_txt(path))
    assert_clear(info.value, path)
    assert "binary" in info.value.en


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n"])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".jsonl"])
def test_empty_file(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    reader = {".txt": read_txt, ".md": read_md, ".jsonl": read_jsonl}[suffix]
    with pytest.raises(InputError) as info:
        list(reader(path))
    assert "empty" in info.value.en and info.value.file == str(path)
    with pytest.raises(InputError) as info:
        read_all(path)
    assert "empty" in info.value.en and info.value.file == str(path)


def test_file_over_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text("新质生产力。" * 1000, encoding="utf-8")
    monkeypatch.setenv("ZHAGEN_MAX_DOCUMENT_BYTES", "4096")
    with pytest.raises(InputError) as info:
        read_all(path)
    assert_clear(info.value, path)
    assert "ZHAGEN_MAX_DOCUMENT_BYTES" in info.value.en and "too large" in info.value.en
    with pytest.raises(InputError) as info:
        list(read_txt(io.BytesIO(path.read_bytes()), name="stream.txt"))
    assert "too large" in info.value.en and info.value.file == "stream.txt"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    for call in (
        lambda: read_all(path),
        lambda: list(read_txt(path)),
        lambda: list(read_jsonl(path)),
    ):
        with pytest.raises(InputError) as info:
            call()
        assert_clear(info.value, path)
        assert "文件不存在" in info.value.zh and "No such file" in info.value.en


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    for call in (lambda: read_all(folder), lambda: list(read_txt(folder))):
        with pytest.raises(InputError) as info:
            call()
        assert info.value.file == str(folder)
        assert "folder" in info.value.en and "文件夹" in info.value.zh


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading a file",
)
@pytest.mark.skipif(os.name == "nt", reason="chmod 000 does not block reading on Windows")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("新质生产力", encoding="utf-8")
    path.chmod(0)
    try:
        for call in (lambda: read_all(path), lambda: list(read_txt(path))):
            with pytest.raises(InputError) as info:
                call()
            assert_clear(info.value, path)
            assert "没有读取权限" in info.value.zh
    finally:
        path.chmod(0o600)


def test_jsonl_hostile_lines() -> None:
    """Absurdly deep nesting and out-of-range numbers are record problems, not crashes."""
    data = "[" * 100_000 + "]" * 100_000 + '\n{"title": "a", "content": "b", "year": 1e400}\n'
    first, second = read_jsonl(io.BytesIO(data.encode()), name="d.jsonl")
    assert first.problems[0].severity == "error" and first.problems[0].line == 1
    assert second.year is None and [p.code for p in second.problems] == ["bad-year"]
