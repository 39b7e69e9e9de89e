"""Tests for the CNKI table reader: Excel ``.xlsx``, CSV/TSV and HTML-table ``.xls`` exports.

The files are written by the tests (GB18030 CSV, an openpyxl workbook, an HTML table).
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhagen.errors import InputError
from zhagen.formats.cnki_table import read_cnki_table

HEADER = [
    "SrcDatabase-来源库", "Title-题名", "Author-作者", "Organ-单位", "Source-文献来源",
    "Keyword-关键词", "Summary-摘要", "PubTime-发表时间", "FirstDuty-第一责任人", "Fund-基金",
    "Year-年", "Volume-卷", "Period-期", "PageCount-页码", "CLC-中图分类号", "ISSN-国际标准刊号",
    "URL-网址", "DOI-DOI",
]  # fmt: skip


def test_table_gb18030_csv(tmp_path):
    path = tmp_path / "CNKI.csv"
    text = (
        "题名,作者,机构,文献来源,年,卷,期,关键词,摘要,DOI,被引\r\n"
        '"新质生产力,理论逻辑",张三;李四;,"北京大学;清华大学;",经济研究,2024,59,3,'
        '"新质生产力;;创新;;Innovation","第一段\r\n第二段",10.19744/j.cnki.11,12\r\n'
        ",,,,,,,,,,\r\n"
        "旧文,王五,,管理世界,2002,,,,,,\r\n"
        ",赵六,,管理世界,2003,,,,有摘要无题名,,\r\n"
    )
    path.write_bytes(text.encode("gb18030"))
    first, second, third = read_cnki_table(path)
    assert first.title == "新质生产力,理论逻辑"
    assert first.authors == ["张三", "李四"] and first.affiliations == ["北京大学", "清华大学"]
    assert (first.venue, first.year, first.volume, first.issue) == ("经济研究", 2024, "59", "3")
    assert first.keywords == {"zh": ["新质生产力", "创新", "Innovation"]}  # one (Chinese) cell
    assert first.abstract == "第一段\n第二段"
    assert (first.doi, first.extra["被引"], first.format) == (
        "10.19744/j.cnki.11",
        "12",
        "cnki-table",
    )
    assert (second.record, second.title, second.year, second.problems) == (2, "旧文", 2002, [])
    (problem,) = third.problems
    assert (problem.code, problem.severity, problem.record, problem.line) == ("no-title", "warning", 3, 6)  # fmt: skip


def test_table_tab_separated_utf8(tmp_path):
    path = tmp_path / "cnki.tsv"
    path.write_text("篇名\t作者\t来源\t年\n标题一\t甲,乙\t期刊一\t2019\n", encoding="utf-8")
    (rec,) = read_cnki_table(path)
    assert (rec.title, rec.authors, rec.venue, rec.year) == ("标题一", ["甲", "乙"], "期刊一", 2019)


def test_table_xlsx(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([
        "期刊", "新质生产力的理论逻辑", "张三;李四;", "中国人民大学;北京大学;", "管理世界",
        "新质生产力;高质量发展", "摘要\n第二段", dt.datetime(2024, 3, 2), "张三", "国家社科基金",
        2024.0, 12, "03", "21-30+45", "F124", "1002-5502", "https://kns.cnki.net/x", "10.1/abc",
    ])  # fmt: skip
    sheet.append([None] * len(HEADER))
    sheet.append(["硕士", "某学位论文", "王五", None, "清华大学", None, None, None, None, None, "2023"])  # fmt: skip
    path = tmp_path / "CNKI.xlsx"
    book.save(path)
    first, second = read_cnki_table(path)
    assert (first.title, first.authors, first.venue) == ("新质生产力的理论逻辑", ["张三", "李四"], "管理世界")  # fmt: skip
    assert first.affiliations == ["中国人民大学", "北京大学"]
    assert (first.year, first.volume, first.issue, first.pages) == (2024, "12", "03", "21-30+45")
    assert (first.issn, first.doi, first.url) == ("1002-5502", "10.1/abc", "https://kns.cnki.net/x")
    assert first.abstract == "摘要\n第二段"
    assert first.extra["date"] == "2024-03-02" and first.extra["clc"] == "F124"
    assert first.extra["fund"] == "国家社科基金" and first.extra["FirstDuty-第一责任人"] == "张三"
    assert (second.record, second.type, second.venue, second.year) == (
        2,
        "thesis",
        "清华大学",
        2023,
    )
    assert second.extra["degree"] == "硕士"
    with path.open("rb") as fh:  # an open file works too
        assert len(list(read_cnki_table(fh, name="CNKI.xlsx"))) == 2


def test_table_html_xls(tmp_path):
    path = tmp_path / "CNKI.xls"
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>题名</td><td>作者</td><td>年</td><td>关键词</td></tr>"
        "<tr><td>标题一</td><td>甲;乙</td><td>2020</td><td>知识图谱;CiteSpace</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    (rec,) = read_cnki_table(path)
    assert (rec.title, rec.authors, rec.year) == ("标题一", ["甲", "乙"], 2020)
    assert rec.keywords == {"zh": ["知识图谱", "CiteSpace"]}  # the Chinese keyword cell


def test_table_errors(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputError) as err:
        list(read_cnki_table(old))
    assert ".xlsx" in err.value.zh and ".xlsx" in err.value.en and err.value.file == str(old)
    no_title = tmp_path / "x.csv"
    no_title.write_text("name,value\na,1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_cnki_table(no_title))
    assert "题名" in err.value.zh and "title" in err.value.en
    header_only = tmp_path / "h.csv"
    header_only.write_text("题名,作者\n", encoding="utf-8")
    with pytest.raises(InputError):
        list(read_cnki_table(header_only))
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError):
        list(read_cnki_table(empty))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(InputError):
        list(read_cnki_table(broken))


def test_table_affiliation_with_its_address_is_one_institution(tmp_path):
    """``机构!地址`` and ``单位,城市 邮编``: one institution each, no postcode-only entries."""
    path = tmp_path / "CNKI.csv"
    text = (
        "题名,作者,机构,文献来源,年,英文篇名,英文关键词\r\n"
        '甲文,张三,"南京大学信息管理学院!江苏南京,210023",情报学报,2020,Paper A,"A;B"\r\n'
        '乙文,李四,"武汉大学信息管理学院,湖北武汉 430072",图书情报工作,2021,,\r\n'
        '丙文,王五;赵六,"北京大学,清华大学",情报科学,2022,,\r\n'
    )
    path.write_bytes(text.encode("utf-8"))
    first, second, third = read_cnki_table(path)
    assert first.affiliations == ["南京大学信息管理学院!江苏南京,210023"]
    assert second.affiliations == ["武汉大学信息管理学院,湖北武汉 430072"]
    assert third.affiliations == ["北京大学", "清华大学"]  # two institutions still split
    assert first.extra["title_en"] == "Paper A" and first.keywords == {"en": ["A", "B"]}
