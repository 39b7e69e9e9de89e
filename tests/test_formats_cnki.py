"""Tests for the CNKI tagged-export readers (RefWorks, EndNote, NoteExpress, E-Study).

Real exports live in ``../shared/corpora/cnki`` (fixture ``corpora``); the expected values
below were checked by hand against those files. Small inline fixtures cover what the real
files do not show (old ``,`` separators, lone CRs, English keyword lines, truncated files).
The table reader (xlsx/CSV) is tested in ``test_formats_cnki_table.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import (
    _cnki,
    _cnki_tagged,
    detect_format,
)
from zhagen.formats.cnki_endnote import read_endnote
from zhagen.formats.cnki_estudy import read_estudy
from zhagen.formats.cnki_noteexpress import read_noteexpress
from zhagen.formats.cnki_refworks import read_refworks
from zhagen.records import RawRecord

REAL = [
    ("refworks_2024_298.txt", read_refworks, "cnki-refworks", 298),
    ("endnote_40.txt", read_endnote, "cnki-endnote", 40),
    ("noteexpress_15_alltypes.net", read_noteexpress, "cnki-noteexpress", 15),
    ("noteexpress_12.net", read_noteexpress, "cnki-noteexpress", 12),
    ("noteexpress_1_linebreak.net", read_noteexpress, "cnki-noteexpress", 1),
    ("estudy_20.txt", read_estudy, "cnki-estudy", 20),
]


def _read(reader, text: str | bytes, name: str = "test.txt") -> list[RawRecord]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(reader(io.BytesIO(data), name=name))


@pytest.fixture(scope="module")
def refworks(corpora: Path) -> list[RawRecord]:
    return list(read_refworks(corpora / "cnki" / "refworks_2024_298.txt"))


@pytest.fixture(scope="module")
def endnote(corpora: Path) -> list[RawRecord]:
    return list(read_endnote(corpora / "cnki" / "endnote_40.txt"))


@pytest.fixture(scope="module")
def alltypes(corpora: Path) -> list[RawRecord]:
    return list(read_noteexpress(corpora / "cnki" / "noteexpress_15_alltypes.net"))


@pytest.fixture(scope="module")
def estudy(corpora: Path) -> list[RawRecord]:
    return list(read_estudy(corpora / "cnki" / "estudy_20.txt"))


# --- every real file -------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "reader", "fmt", "count"), REAL)
def test_real_file_record_counts(corpora, filename, reader, fmt, count):
    path = corpora / "cnki" / filename
    records = list(reader(path))
    assert len(records) == count
    assert [r.record for r in records] == list(range(1, count + 1))
    assert {r.format for r in records} == {fmt}
    assert {r.source for r in records} == {str(path)}
    assert all(r.title for r in records)
    assert [p.message for r in records for p in r.problems] == []  # clean real exports
    for rec in records:  # no line-break debris, no empty list items
        assert "\r" not in rec.title + rec.venue + "".join(rec.authors + rec.affiliations)
        assert all(a.strip() == a and a for a in rec.authors + rec.affiliations)
        assert all(k.strip() == k and k for k in rec.all_keywords())


@pytest.mark.parametrize(("filename", "reader", "fmt", "count"), REAL)
def test_real_file_detected_and_dispatched(corpora, filename, reader, fmt, count):
    assert detect_format(corpora / "cnki" / filename) == fmt


# --- RefWorks --------------------------------------------------------------------------


def test_refworks_first_record(refworks):
    rec = refworks[0]
    assert rec.type == "journal"
    assert rec.title == "基于VR技术的视觉传达设计创新路径探究"
    assert rec.authors == ["谢进", "王娜", "杨子奇"]
    assert rec.affiliations == ["湖州师范学院"]  # "AD 湖州师范学院;" has a trailing ;
    assert rec.venue == "美术教育研究"
    assert (rec.year, rec.issue, rec.volume, rec.pages) == (2024, "22", "", "72-74")
    assert rec.keywords == {"zh": ["虚拟现实", "视觉传达设计"]}
    assert rec.abstract.startswith("VR（虚拟现实）技术与视觉传达设计的结合")
    assert (rec.issn, rec.lang) == ("1674-9286", "zh")
    assert rec.url.startswith("https://next.cnki.net/middle/abstract?v=AhJL6Sqm")
    assert rec.extra == {"cn": "34-1313/J", "database": "CNKI", "SR": "1"}


def test_refworks_last_record(refworks):
    rec = refworks[-1]
    assert rec.record == 298
    assert rec.title == "基于交互式用户体验的产品设计前期定位研究"
    assert rec.authors == ["蒋之炜", "潘荣"]
    assert rec.year == 2010
    assert rec.doi == "10.16824/j.cnki.issn10082832.2010.01.060"
    assert rec.issn == "1008-2832"


def test_refworks_online_first_records_have_no_year(refworks):
    no_year = [r for r in refworks if r.year is None]
    assert [r.record for r in no_year] == [3, 32]
    first = no_year[0]
    assert first.title == "面向元宇宙技术体系的数字图书馆建设研究"
    assert first.authors == ["王曦"]
    assert first.affiliations == ["北京大学考古文博学院", "北京大学世界文博发展研究中心"]
    assert (first.issue, first.pages, first.venue) == ("", "1-6", "情报科学")
    assert "20241113" in first.url  # the online-first date is in the link
    assert first.problems == []  # a missing year is normal for online-first records
    second = no_year[1]
    assert second.authors == ["郭涛", "蒋林钢", "宗晓萌"]
    # CiteSpace is on the Chinese K1 line: a Chinese-side keyword (issue 9)
    assert second.keywords == {"zh": ["博物馆", "交互体验", "CiteSpace", "研究现状", "研究趋势"]}


def test_refworks_records_without_keywords_or_authors(refworks):
    without_k1 = [r for r in refworks if not r.keywords]
    assert len(without_k1) == 26
    assert {21, 26} <= {r.record for r in without_k1}
    assert refworks[20].title == "虚拟现实动画技术在会展中的运用"
    no_authors = [r.record for r in refworks if not r.authors]
    assert no_authors == [131, 208, 230, 254, 258, 261, 270, 273, 283, 294]
    assert refworks[207].affiliations == ["PTC公司"]
    assert refworks[207].title == "AR的正确打开方式是什么?"


def test_refworks_latin_keywords_on_the_chinese_line_stay_chinese(refworks):
    """A keyword's language is the side of the field it is on, not its script (issue 9)."""
    assert refworks[7].keywords == {
        "zh": ["文化遗产", "虚拟体验", "知识图谱", "文献计量学", "VOSviewer", "CiteSpace"]
    }
    assert {"AIGC", "VR"} <= set(refworks[38].keywords["zh"])
    assert "HoloLens 2" in refworks[39].keywords["zh"]
    assert not any("en" in r.keywords for r in refworks if r.lang == "zh")


def test_refworks_independent_counts(corpora, refworks):
    """Count tags with plain string methods and compare with the reader."""
    raw = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    assert sum(line.startswith("RT ") for line in lines) == len(refworks) == 298
    k1 = [line[3:] for line in lines if line.startswith("K1 ")]
    kw_count = sum(len({k for k in v.split(";") if k.strip()}) for v in k1)
    assert len(k1) == 272
    assert sum(len(r.all_keywords()) for r in refworks) == kw_count
    a1 = [line[3:] for line in lines if line.startswith("A1 ")]
    assert sum(len([a for a in v.split(";") if a]) for v in a1) == sum(
        len(r.authors) for r in refworks
    )
    dois = [line[3:] for line in lines if line.startswith("DO ")]
    assert [r.doi for r in refworks if r.doi] == dois
    assert len(dois) == 122


def test_refworks_k1_continuation_holds_english_keywords():
    text = (
        "RT Journal Article\r\nA1 张三;\r\nT1 虚拟现实与视觉传达\r\n"
        "K1 虚拟现实;视觉传达;虚拟现实;\r\nVirtual reality;Visual communication;\r\n"
        "AI ethics;VR\r\nYR 2023\r\n\r\n"
    )
    (rec,) = _read(read_refworks, text)
    assert rec.keywords == {
        "zh": ["虚拟现实", "视觉传达"],
        "en": ["Virtual reality", "Visual communication", "AI ethics", "VR"],
    }
    assert rec.year == 2023
    assert "AI" not in rec.extra  # "AI ethics" is a keyword, not a tag


def test_refworks_old_comma_authors_and_lone_cr():
    text = (
        "RT Journal Article\r\nA1 谢昕,王小增\r\nAD 中国地质大学政法学院,\r湖北武汉430074\r\n"
        "T1 政府公共关系\r发展历程探析\r\nJF 湖北社会科学\r\nYR 2005\r\n"
        "K1 政府公共关系;公共行政;\r\nAB 第一段。\r第二段。\r\nLA 中文;\r\n\r\n"
    )
    (rec,) = _read(read_refworks, text)
    assert rec.authors == ["谢昕", "王小增"]
    assert rec.affiliations == [
        "中国地质大学政法学院,湖北武汉430074"
    ]  # address: not an institution
    assert rec.title == "政府公共关系 发展历程探析"  # a lone CR in a one-line field: a space
    assert rec.abstract == "第一段。\n第二段。"  # in the abstract: a line break
    assert rec.keywords == {"zh": ["政府公共关系", "公共行政"]}
    assert rec.lang == "zh"


def test_refworks_thesis_fields():
    text = (
        "RT Dissertation/Thesis\nA1 张建华\nT1 基于深度学习的语音识别应用研究\nA3 徐蔚然\n"
        "PB 北京邮电大学\nCL 硕士\nYR 2015\nK1 语音识别;深度学习\n"
    )
    (rec,) = _read(read_refworks, text)
    assert (rec.type, rec.venue, rec.year) == ("thesis", "北京邮电大学", 2015)
    assert rec.extra["supervisor"] == "徐蔚然"
    assert rec.extra["degree"] == "硕士"


@pytest.mark.parametrize(
    ("rt", "kind"),
    [
        ("Journal Article", "journal"),
        ("Dissertation/Thesis", "thesis"),
        ("Conference Proceedings", "conference"),
        ("Newspaper Article", "newspaper"),
        ("Book", "book"),
        ("Patent", "patent"),
        ("Standard", "standard"),
        ("Report", "report"),
        ("Yearbook", "yearbook"),
        ("Something New", "other"),
    ],
)
def test_refworks_types(rt, kind):
    (rec,) = _read(read_refworks, f"RT {rt}\nT1 标题\n")
    assert rec.type == kind
    assert rec.extra.get("type") == (rt if kind == "other" else None)


def test_refworks_truncated_last_record():
    full = "RT Journal Article\r\nA1 甲;\r\nT1 标题{}\r\nJF 期刊\r\nYR 2020\r\nDS CNKI\r\n\r\n"
    text = "".join(full.format(i) for i in range(3)) + "RT Journal Article\r\nA1 乙;\r\nT1 半条"
    records = _read(read_refworks, text, "cut.txt")
    assert len(records) == 4
    assert all(r.problems == [] for r in records[:3])
    (problem,) = records[3].problems
    assert (problem.code, problem.severity, problem.record) == ("truncated", "warning", 4)
    assert problem.line == 24 and problem.file == "cut.txt"  # where the file ends
    assert "DS, JF, YR" in problem.en and "DS、JF、YR" in problem.zh  # what is missing
    assert records[3].title == "半条"


def test_refworks_truncated_record_with_nothing_usable_is_an_error():
    text = "RT Journal Article\nT1 一\nYR 2020\n\nRT Journal Article\nT1 二\nYR 2021\n\nRT Jour"
    records = _read(read_refworks, text)
    assert len(records) == 3
    codes = {(p.code, p.severity) for p in records[2].problems}
    assert codes == {("empty-record", "error"), ("truncated", "error")}
    assert records[2].problems[0].line == 9


def test_refworks_unreadable_year_and_stray_lines_are_warnings():
    text = "导出说明\n\nRT Journal Article\nT1 标题\nYR 二〇二〇\n"
    (rec,) = _read(read_refworks, text)
    codes = sorted(p.code for p in rec.problems)
    assert codes == ["bad-year", "stray-lines"]
    assert rec.year is None
    assert all(p.record == 1 and p.line == 3 for p in rec.problems)


def test_refworks_records_without_rt_or_blank_lines():
    text = "A1 甲\nT1 一\nYR 2020\n\nA1 乙\nT1 二\nRT Journal Article\nT1 三\n"
    assert [r.title for r in _read(read_refworks, text)] == ["一", "二", "三"]


def test_refworks_concatenated_exports_keep_their_records(corpora):
    """Copies of the real file glued together (each ends with a line holding a space)."""
    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes()
    records = list(read_refworks(io.BytesIO(data * 7), name="big.txt"))
    assert len(records) == 7 * 298
    assert records[298].title == records[0].title
    assert records[-1].title == "基于交互式用户体验的产品设计前期定位研究"
    assert all(r.problems == [] for r in records)


def test_refworks_gb18030_lf_file():
    text = "RT Journal Article\nA1 谢进;王娜;\nT1 视觉传达设计创新\nYR 2024\n"
    (rec,) = _read(read_refworks, text.encode("gb18030"))
    assert (rec.title, rec.authors) == ("视觉传达设计创新", ["谢进", "王娜"])


def test_empty_and_foreign_files_raise_input_error(corpora):
    with pytest.raises(InputError) as err:
        _read(read_refworks, b"", "empty.txt")
    assert err.value.file == "empty.txt" and "空" in err.value.zh and "empty" in err.value.en
    with pytest.raises(InputError) as err:
        list(read_refworks(corpora / "cnki" / "endnote_40.txt"))
    assert "RefWorks" in err.value.zh and "RefWorks" in err.value.en
    assert err.value.file.endswith("endnote_40.txt")
    for reader in (read_endnote, read_noteexpress, read_estudy):
        with pytest.raises(InputError):
            _read(reader, "这只是一段普通文字。\n没有任何字段。\n")


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError):
        list(read_refworks(tmp_path / "nope.txt"))


# --- EndNote ---------------------------------------------------------------------------


def test_endnote_records(endnote):
    first = endnote[0]
    assert first.title == "Fairclough 三维分析模型下的话语分析——以江西企业“走出去”通事语言为例"
    assert (first.authors, first.affiliations) == (["吴继琴"], ["江西旅游商贸职业学院"])
    assert (first.venue, first.year, first.issue, first.pages) == ("九江职业技术学院学报", 2019, "03", "1")  # fmt: skip
    assert first.keywords["zh"][:2] == ["Fairclough 三维分析模型", "话语分析"]
    assert len(first.keywords["zh"]) == 6  # ";;" separated
    second = endnote[1]  # one %A line per author; no %D (online first)
    assert second.authors == ["赵亚欧", "张家重", "李贻斌", "付宪瑞", "生伟"]
    assert second.year is None
    english = endnote[3]
    assert english.authors == ["Meghan M. Parkinson", "Daniel L. Dinsmore"]
    assert english.affiliations == [
        "Dean's Office, University of North Florida, USA",
        "Department of Teaching, Learning, and Curriculum, University of North Florida, USA",
    ]
    assert english.lang == "en" and english.keywords["en"][0] == "Model of Domain Learning"
    assert [r.type for r in endnote].count("thesis") == 12


def test_endnote_theses(endnote):
    thesis = endnote[20]
    assert (thesis.type, thesis.title) == ("thesis", "基于深度学习的语音识别应用研究")
    assert (thesis.venue, thesis.year) == ("北京邮电大学", 2015)
    assert thesis.extra["supervisor"] == "徐蔚然" and thesis.extra["degree"] == "硕士"
    assert thesis.abstract.count("\n") == 6  # indented paragraphs after %X
    assert "1、基于深度神经网络的声学特征提取研究" in thesis.abstract.split("\n")
    two = endnote[31]
    assert two.extra["supervisor"] == "刘庆峰; 戴礼荣" and two.extra["degree"] == "博士"
    empty_x = endnote[33]  # "%X" alone, the abstract on the following lines
    assert empty_x.abstract.startswith("随着计算机技术的不断发展与应用")
    assert empty_x.abstract.count("\n") == 6


def test_endnote_inline():
    text = "%0 Journal Article\n%A 甲\n%A 乙;丙\n%T 标题\n%K 一;;二;;一\n%X\n\n    第一段\n\n    第二段\n%Z 备注\n"  # fmt: skip
    (rec,) = _read(read_endnote, text)
    assert rec.authors == ["甲", "乙", "丙"]
    assert rec.keywords == {"zh": ["一", "二"]}
    assert rec.abstract == "第一段\n第二段"
    assert rec.extra["%Z"] == "备注"


# --- NoteExpress -----------------------------------------------------------------------


def test_noteexpress_all_types(alltypes):
    assert [r.type for r in alltypes] == [
        "journal", "journal", "thesis", "thesis", "conference", "newspaper", "book",
        "yearbook", "yearbook", "patent", "standard", "standard",
        "journal", "journal", "journal",
    ]  # fmt: skip
    conf = alltypes[4]
    assert conf.venue == "共享与品质——2018中国城市规划年会论文集（01城市安全与防灾规划）"
    assert conf.extra["secondary_title"] == "2018中国城市规划年会"
    assert conf.extra["place"] == "中国浙江杭州"
    paper = alltypes[5]
    assert (paper.venue, paper.year, paper.pages) == ("人民铁道", 2019, "A01")
    assert paper.extra["date"] == "2019-01-09"
    thesis = alltypes[2]
    assert thesis.extra["supervisor"] == "何世伟" and thesis.extra["degree"] == "博士"
    assert thesis.venue == "北京交通大学"
    yearbook = alltypes[8]
    # "," separated; the Latin ones are on the same (Chinese) line, so Chinese-side keywords
    assert yearbook.keywords["zh"][:4] == ["万人", "capita", "Number", "income"]
    assert "en" not in yearbook.keywords
    assert yearbook.extra["srcdb"] == "统计年鉴"
    standard = alltypes[10]
    assert (standard.year, standard.extra["ISBN"]) == (1996, "GB/T 7178.1-1996")
    assert alltypes[0].affiliations == [
        "Department of Landscape Architecture and Urban Planning, Texas A&M University, "
        "College Station, TX 77843-3137, USA"
    ]
    assert alltypes[12].authors == ["娄丽芳"]  # "娄丽芳;"
    assert alltypes[13].authors == []


def test_noteexpress_line_break_record(corpora):
    (rec,) = read_noteexpress(corpora / "cnki" / "noteexpress_1_linebreak.net")
    assert rec.title == "基于公共行政理念的政府公共关系发展历程探析"
    assert rec.authors == ["谢昕", "王小增"]
    # "{Author Address}: A,A 湖北武汉430074\r\r…\r\n,湖北武汉430074": one value on two lines
    # the address on the second line repeats the one on the first: no institution of its own
    assert rec.affiliations == ["中国地质大学政法学院", "中国地质大学政法学院 湖北武汉430074"]
    assert (rec.venue, rec.year, rec.issue, rec.pages) == ("湖北社会科学", 2005, "09", "14-16")
    assert rec.keywords == {"zh": ["政府公共关系", "公共行政", "发展历程", "理念"]}
    assert (rec.issn, rec.extra["cn"]) == ("1003-8477", "42-1112/C")
    # the same record in the 12-record file (there the breaks are blank lines)
    other = list(read_noteexpress(corpora / "cnki" / "noteexpress_12.net"))[9]
    assert (other.title, other.authors, other.affiliations) == (rec.title, rec.authors, rec.affiliations)  # fmt: skip


def test_noteexpress_12(corpora):
    records = list(read_noteexpress(corpora / "cnki" / "noteexpress_12.net"))
    assert records[0].authors == ["唐伦", "赵培培", "赵国繁", "陈前斌"]
    assert records[0].year is None  # online first
    assert records[3].type == "newspaper" and records[3].venue == "人民公安报·交通安全周刊"
    assert records[11].authors == ["穆仙丽", "赵宗江", "魏晨"]
    assert records[11].affiliations[:2] == ["内蒙古福瑞制药有限责任公司", "北京中医药大学"]


# --- E-Study ---------------------------------------------------------------------------


def test_estudy_records(estudy):
    rec = estudy[0]
    assert rec.title == "1例卡培他滨与苯妥英钠相互作用致乳腺癌合并癫痫患者小脑功能障碍的病例分析"
    assert rec.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert rec.venue == "中南药学"
    assert (rec.year, rec.volume, rec.issue, rec.pages) == (2021, "19", "01", "168-170")
    assert rec.keywords["zh"] == ["苯妥英钠", "卡培他滨", "相互作用", "小脑功能障碍", "不良反应"]
    assert rec.affiliations == ["十堰市太和医院药学部(湖北医药学院附属医院)", "南昌大学第一附属医院药剂科"]  # fmt: skip
    assert rec.url.endswith("FileName=ZNYX202101034&DbName=CJFQTEMP")
    assert rec.extra["DataType"] == "1" and rec.extra["srcdb"] == "期刊"
    assert {r.type for r in estudy} == {"journal"}


def test_estudy_online_first_year_from_pubtime(estudy):
    rec = estudy[1]
    assert rec.title == "中国女性乳腺癌筛查标准(T/CPMA 014-2020)"
    assert rec.authors == []
    assert rec.year == 2021 and rec.extra["date"] == "2021-01-15 16:54"
    assert sum("Year-年" not in r.extra for r in estudy) == 20
    assert all(r.year == 2021 for r in estudy)


def test_estudy_inline_without_blank_lines():
    text = (
        "DataType: 1\nTitle-题名: 一\nAuthor-作者: 甲;乙;\nSummary-摘要: 第一行\n第二行\n"
        "DataType: 2\nTitle-题名: 二\nSrcDatabase-来源库: 博士\nSource-文献来源: 北京大学\n"
    )
    one, two = _read(read_estudy, text)
    assert (one.title, one.authors, one.abstract) == ("一", ["甲", "乙"], "第一行\n第二行")
    assert (two.type, two.venue, two.extra["degree"]) == ("thesis", "北京大学", "博士")


# --- shared helpers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "authors"),
    [
        ("唐伦;赵培培;赵国繁;", ["唐伦", "赵培培", "赵国繁"]),
        ("谢昕,王小增", ["谢昕", "王小增"]),
        ("谢昕，王小增", ["谢昕", "王小增"]),
        ("Noh, Youngre", ["Noh, Youngre"]),
        ("Meghan M. Parkinson, Daniel L. Dinsmore", ["Meghan M. Parkinson", "Daniel L. Dinsmore"]),
        (";;", []),
        ("甲\n乙", ["甲", "乙"]),
    ],
)
def test_split_authors(value, authors):
    assert _cnki.split_authors(value) == authors


@pytest.mark.parametrize(
    ("value", "year"),
    [("2024", 2024), ("2021-01-15 16:54", 2021), ("", None), ("12345", None), ("1999年", 1999)],
)
def test_parse_year(value, year):
    assert _cnki.parse_year(value) == year


@pytest.mark.parametrize("block", [1, 2, 5, 997])
@pytest.mark.parametrize(
    ("filename", "reader"),
    [
        ("noteexpress_1_linebreak.net", read_noteexpress),
        ("noteexpress_12.net", read_noteexpress),
        ("endnote_40.txt", read_endnote),
        ("estudy_20.txt", read_estudy),
        ("refworks_2024_298.txt", read_refworks),
    ],
)
def test_block_boundaries_change_nothing(corpora, monkeypatch, block, filename, reader):
    """Reading in tiny blocks (CRLF and records cut anywhere) gives the same records."""
    path = corpora / "cnki" / filename
    expected = list(reader(path))
    monkeypatch.setattr(_cnki_tagged, "_BLOCK", block)
    assert list(reader(path)) == expected


# ---------------------------------------------------------------- keyword sides (issue 9)

_SIDES_RW = (
    "RT Journal Article\r\nA1 张三;\r\nT1 高校图书馆发现系统研究\r\nJF 图书馆论坛\r\nYR 2020\r\n"
    "K1 发现系统;Primo;SWOT;MicroRNA;NSTL\r\n"
    "Discovery system;Primo;Social Network\r\nAnalysis;NSTL\r\nLA 中文;\r\n\r\n"
)


def test_refworks_keyword_language_is_the_side_of_the_field():
    """The K1 line is the Chinese side (Latin keywords on it too); the continuation line is
    the English side; an English keyword wrapped without a leading space is one keyword."""
    (rec,) = _read(read_refworks, _SIDES_RW)
    assert rec.keywords == {
        "zh": ["发现系统", "Primo", "SWOT", "MicroRNA", "NSTL"],
        "en": ["Discovery system", "Primo", "Social Network Analysis", "NSTL"],
    }


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (read_endnote, "%0 Journal Article\n%A 张三\n%T 高校图书馆发现系统研究\n"
         "%K 发现系统;;Primo;;SWOT\nDiscovery system;;Social Network\nAnalysis\n%D 2020\n\n"),
        (read_noteexpress, "{Reference Type}: Journal Article\n{Title}: 高校图书馆发现系统研究\n"
         "{Keywords}: 发现系统;;Primo;;SWOT\nDiscovery system;;Social Network\nAnalysis\n"
         "{Year}: 2020\n\n"),
        (read_estudy, "DataType: 1\nTitle-题名: 高校图书馆发现系统研究\nAuthor-作者: 张三\n"
         "Keyword-关键词: 发现系统;Primo;SWOT\nDiscovery system;Social Network\nAnalysis\n"
         "Year-年: 2020\n\n"),
    ],
)  # fmt: skip
def test_every_tagged_reader_keeps_keyword_sides(reader, text):
    (rec,) = _read(reader, text)
    assert rec.keywords == {
        "zh": ["发现系统", "Primo", "SWOT"],
        "en": ["Discovery system", "Social Network Analysis"],
    }


@pytest.mark.parametrize("brk", ["\v", "\f", "\x85", "\u2028", "\u2029"])
def test_other_line_breaks_in_a_list_field_separate_items(brk, tmp_path):
    """A vertical tab, form feed, NEL or U+2028/2029 (Word and Excel write them inside a
    cell) separates keywords and authors as a line break does; none is stored inside one."""
    from zhagen import Project

    text = (
        f"RT Journal Article\r\nA1 张三{brk}李四\r\nT1 数字经济研究\r\nYR 2020\r\n"
        f"K1 数字经济{brk}新质生产力;创新驱动\r\nDigital economy;New quality{brk}productive forces\r\n"
        f"AB 第一段。{brk}第二段。\r\n\r\n"
    )
    (rec,) = _read(read_refworks, text)
    assert rec.keywords == {
        "zh": ["数字经济", "新质生产力", "创新驱动"],
        "en": ["Digital economy", "New quality productive forces"],  # wrapped, as a lone CR
    }
    assert rec.authors == ["张三", "李四"]
    assert rec.abstract == "第一段。\n第二段。"
    path = tmp_path / "k.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with Project.create(tmp_path / "p.zhagen") as project:
        project.add([path])
        (doc_id,) = project.documents.ids()
        doc = project.documents.get(doc_id)
        assert doc["keywords"] == rec.keywords
        assert doc["authors"] == ["张三", "李四"]


def test_repeated_keyword_tags_are_never_joined_as_wrapped():
    """One ``%K`` line per keyword (a repeated tag) is not a wrapped line."""
    text = "%0 Journal Article\n%T Fear learning\n%K Fear\n%K Virtual reality\n%D 2020\n\n"
    (rec,) = _read(read_endnote, text)
    assert rec.keywords == {"en": ["Fear", "Virtual reality"]}  # an English record


def test_latin_only_keyword_line_of_a_chinese_record_is_chinese():
    text = "RT Journal Article\r\nT1 图书馆的SWOT分析\r\nK1 SWOT;Primo\r\nYR 2020\r\n\r\n"
    (rec,) = _read(read_refworks, text)
    assert rec.keywords == {"zh": ["SWOT", "Primo"]}


def test_lang_zh_map_keeps_latin_keywords_of_the_chinese_side(tmp_path):
    """``--lang zh`` takes the Chinese-side keywords as stored, Latin ones too."""
    import zhagen
    from zhagen.map_input import map_input
    from zhagen.mapping.model import MapParams
    from zhagen.mapping.pipeline import build_map

    records = "".join(
        f"RT Journal Article\r\nA1 作者{i};\r\nT1 发现系统研究之{i}\r\nJF 刊{i}\r\nYR 2020\r\n"
        f"K1 发现系统;Primo;图书馆\r\nDiscovery system;Primo;Library\r\n\r\n"
        for i in range(3)
    )
    path = tmp_path / "CNKI.txt"
    path.write_bytes(records.encode("utf-8"))
    with zhagen.Project.create(tmp_path / "p.zhagen") as project:
        project.add(path)
        params = MapParams(min_freq=1, lang="zh")
        inp = map_input(project.store, params, lambda: None)
        km = build_map(inp, params)
        assert set(km.nodes["label"]) == {"发现系统", "primo", "图书馆"}
        en = MapParams(min_freq=1, lang="en")
        km_en = build_map(map_input(project.store, en, lambda: None), en)
        assert set(km_en.nodes["label"]) == {"discovery system", "primo", "library"}


def test_noteexpress_translated_fields_are_the_english_title_keywords_and_abstract():
    """Wanfang's NoteExpress export: {Translated …} fields are kept, not dropped."""
    text = (
        "{Reference Type}: Journal Article\n{Title}: 新质生产力的理论内涵\n{Author}: 张三;李四\n"
        "{Translated Title}: The Theoretical Connotation of New Quality Productive Forces\n"
        "{Keywords}: 新质生产力;高质量发展\n"
        "{Translated Keywords}: new quality productive forces;high-quality development\n"
        "{Abstract}: 本文研究新质生产力。\n"
        "{Translated Abstract}: This paper studies new quality productive forces.\n"
        "{Translated Author}: Zhang San;Li Si\n{Year}: 2024\n\n"
    )
    (rec,) = _read(read_noteexpress, text, "wanfang.net")
    assert rec.title == "新质生产力的理论内涵"
    assert rec.extra["title_en"] == "The Theoretical Connotation of New Quality Productive Forces"
    assert rec.keywords == {
        "zh": ["新质生产力", "高质量发展"],
        "en": ["new quality productive forces", "high-quality development"],
    }
    assert rec.abstract == "本文研究新质生产力。"
    assert rec.extra["abstract_en"] == "This paper studies new quality productive forces."
    assert rec.extra["Translated Author"] == "Zhang San;Li Si"
    assert rec.problems == []
