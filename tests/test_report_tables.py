"""The paper tables: DataFrames, the XLSX workbook and the 三线表 DOCX (checked in its XML)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from lxml import etree

from zhagen.report.docx_tables import RULE_THICK, RULE_THIN
from zhagen.report.table_files import write_tables
from zhagen.report.tables import (
    AXIAL_COLUMNS,
    OPEN_COLUMNS,
    axial_table,
    coding_tables,
    counts_chain,
    level_counts,
    open_coding_table,
    relation_table,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}

TEXT = "企业牵头组建创新联合体。政府提供政策支持。\n市场竞争推动技术突破。高校开展基础研究。"
#       0           12          21            33


def _codes():
    rows = [
        (1, "创新联合体赋能新质生产力", None, 4, "核心范畴"),
        (2, "创新主体", 1, 3, "参与创新的各类主体"),
        (3, "主体角色", 2, 2, "企业、政府与高校在联合体中的角色"),
        (4, "企业牵头", 3, 1, ""),
        (5, "高校参与", 3, 1, None),
        (6, "创新环境", 1, 3, "影响创新的外部条件"),
        (7, "政策支持", 6, 1, "政府的政策扶持"),  # a concept directly under a main category
        (8, "技术突破", 1, 3, "关键核心技术的突破"),  # a main category with nothing below
    ]
    return pd.DataFrame(rows, columns=["id", "name", "parent", "level", "description"])


def _codings():
    rows = [
        (11, 1, 0, 12, 4, "甲"),
        (12, 1, 0, 12, 4, "乙"),  # the same span by a second coder: one row
        (13, 1, 33, 42, 5, "甲"),
        (14, 1, 12, 21, 7, "甲"),
        (15, 2, 0, 5, 3, "甲"),  # coded at the category itself
        (16, 1, 22, 32, 8, "甲"),  # coded at a main category: not open coding
        (17, 1, 14, 20, 6, "乙"),
    ]
    df = pd.DataFrame(rows, columns=["id", "document", "start", "end", "code", "coder"])
    texts = {1: TEXT, 2: "创新联合体"}
    df["text"] = [texts[d][s:e] for d, s, e in zip(df.document, df.start, df.end, strict=True)]
    return df


def _sentences():
    spans = [(0, 12), (12, 21), (22, 33), (33, 42)]
    return {
        1: pd.DataFrame([(i, s, e, TEXT[s:e]) for i, (s, e) in enumerate(spans)],
                        columns=["idx", "start", "end", "text"]),
        2: pd.DataFrame([(0, 0, 5, "创新联合体")], columns=["idx", "start", "end", "text"]),
    }  # fmt: skip


def _relations():
    return pd.DataFrame(
        [
            (1, 6, 2, "情境", "政策环境影响主体行为"),
            (2, 2, 8, "因果条件", ""),
            (3, 8, 6, "结果", ""),
        ],
        columns=["id", "source", "target", "type", "description"],
    )


# -- DataFrames ------------------------------------------------------------------------------
def test_open_coding_table():
    t = open_coding_table(_codes(), _codings())
    assert list(t.columns) == OPEN_COLUMNS
    assert t[["原始语句", "初始概念", "初始范畴"]].values.tolist() == [
        ["创新联合体", "", "主体角色"],
        ["企业牵头组建创新联合体。", "企业牵头", "主体角色"],
        ["高校开展基础研究。", "高校参与", "主体角色"],
        ["政府提供政策支持。", "政策支持", ""],
    ]
    row = t.iloc[1]
    assert (row["文档"], row["起"], row["止"], row["编码ID"]) == (1, 0, 12, 11)
    assert open_coding_table(_codes(), _codings(), coder="乙")["编码者"].tolist() == ["乙"]
    more = pd.concat([_codings(), _codings().iloc[[0]].assign(id=19, start=5)], ignore_index=True)
    assert len(open_coding_table(_codes(), more)) == 5
    assert len(open_coding_table(_codes(), more, per_concept=1)) == 4


def test_whitespace_in_statements_is_one_space():
    codings = _codings().assign(text=lambda d: d["text"].str.replace("。", "。\n\t "))
    assert "\n" not in "".join(open_coding_table(_codes(), codings)["原始语句"])


def test_axial_table():
    t = axial_table(_codes(), _codings())
    assert list(t.columns) == AXIAL_COLUMNS
    assert t[["主范畴", "副范畴", "内涵"]].values.tolist() == [
        ["创新主体", "主体角色", "企业、政府与高校在联合体中的角色"],
        ["创新环境", "政策支持", "政府的政策扶持"],
        ["技术突破", "", "关键核心技术的突破"],
    ]
    assert t["参考点"].tolist() == [4, 1, 1] and t["文档数"].tolist() == [2, 1, 1]
    assert "参考点" not in axial_table(_codes()).columns


def test_relation_table_with_sentences():
    t = relation_table(_codes(), _relations(), _codings(), _sentences())
    assert t["典型关系结构"].tolist() == [
        "创新环境 → 创新主体",
        "创新主体 → 技术突破",
        "技术突破 → 创新环境",
    ]
    assert t["关系内涵"].tolist() == ["政策环境影响主体行为", "因果条件", "结果"]
    # sentence 2 is coded 政策支持 (under 创新环境) and, by 乙, 创新环境 — but not 创新主体
    assert t.loc[0, "代表性语句"] == "" and t.loc[0, "共现语句数"] == 0
    assert t.loc[1, "代表性语句"] == "" and pd.isna(t.loc[1, "文档"])


def test_relation_table_finds_co_coded_sentences():
    codings = pd.concat(
        [_codings(), pd.DataFrame([(18, 1, 0, 3, 7, "甲", "企业牵")], columns=_codings().columns)],
        ignore_index=True,
    )
    t = relation_table(_codes(), _relations(), codings, _sentences())
    row = t.iloc[0]
    assert row["代表性语句"] == "企业牵头组建创新联合体。"
    assert (row["文档"], row["起"], row["止"], row["共现语句数"]) == (1, 0, 12, 1)
    plain = relation_table(_codes(), _relations(), codings)  # no sentences: overlapping codings
    assert plain.loc[0, "代表性语句"] == "企业牵" and plain.loc[0, "止"] == 3


def test_level_counts_reproduce_the_paper_chain():
    """554 原始语句 → 33 初始概念 → 19 初始范畴 → 6 主范畴 → 1 核心范畴 (seed 002)."""
    rows = [(1, "核心", None, 4)]
    rows += [(10 + m, f"主{m}", 1, 3) for m in range(6)]
    rows += [(100 + c, f"范{c}", 10 + c % 6, 2) for c in range(19)]
    rows += [(1000 + k, f"念{k}", 100 + k % 19, 1) for k in range(33)]
    codes = pd.DataFrame(rows, columns=["id", "name", "parent", "level"])
    codings = pd.DataFrame(
        [(1 + i % 118, i * 10, i * 10 + 8, 1000 + i % 33) for i in range(554)],
        columns=["document", "start", "end", "code"],
    )
    codings = pd.concat([codings, codings.assign(code=1000)], ignore_index=True)  # same spans
    counts = level_counts(codes, codings)
    assert counts.attrs["chain"] == "554 → 33 → 19 → 6 → 1" == counts_chain(counts)
    assert counts["层级"].tolist() == ["原始语句", "初始概念", "初始范畴", "主范畴", "核心范畴"]


def test_level_counts_by_sentence():
    counts = level_counts(_codes(), _codings(), _sentences())
    assert counts.attrs["chain"] == "5 → 3 → 1 → 3 → 1"  # sentences 0–3 of doc 1, 0 of doc 2


# -- files -----------------------------------------------------------------------------------
@pytest.fixture()
def written(tmp_path):
    codings = _codings()
    codings.loc[0, "text"] = "=SUM(A1)企业"  # must stay text in Excel
    tables = coding_tables(_codes(), codings, _relations(), sentences=_sentences())
    paths = write_tables(tables, tmp_path / "out", storyline="政策与需求共同驱动创新联合体。")
    return tables, paths


def test_write_tables_xlsx(written):
    from openpyxl import load_workbook

    tables, (xlsx, docx) = written
    assert xlsx.name == "coding_tables.xlsx" and docx.name == "coding_tables.docx"
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["开放式编码", "主轴编码", "典型关系结构", "编码数量"]
    ws = wb["开放式编码"]
    assert [c.value for c in ws[1]] == OPEN_COLUMNS and all(c.font.b for c in ws[1])
    assert ws.max_row == len(tables["开放式编码"]) + 1
    assert ws["A3"].value == "=SUM(A1)企业" and ws["A3"].data_type == "s"
    assert [ws.cell(2, k).value for k in (1, 2, 3, 4, 5, 6)] == [
        "创新联合体",
        None,
        "主体角色",
        2,
        0,
        5,
    ]
    assert ws.column_dimensions["A"].width > ws.column_dimensions["D"].width
    assert [c.value for c in wb["编码数量"]["B"]][1:] == [5, 3, 1, 3, 1]
    assert wb["主轴编码"]["C2"].value == "企业、政府与高校在联合体中的角色"


def _docx_xml(path, part="word/document.xml"):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _size(el, edge):
    found = el.find(f"w:{edge}", NS)
    return None if found is None else (found.get(f"{W}val"), int(found.get(f"{W}sz") or 0))


def test_docx_is_three_line_tables(written):
    _tables, (_xlsx, docx) = written
    root = _docx_xml(docx)
    paras = ["".join(p.itertext()) for p in root.iter(f"{W}p")]
    for caption in [
        "表1 开放式编码结果",
        "表2 主轴编码结果",
        "表3 主范畴的典型关系结构",
        "表4 各级编码数量",
    ]:
        assert caption in paras
    assert "故事线" in paras and "政策与需求共同驱动创新联合体。" in paras
    assert any(p.startswith("注：编码过程为 5 条原始语句 → 3 个初始概念") for p in paras)
    tbls = root.findall(".//w:tbl", NS)
    assert len(tbls) == 4
    for tbl in tbls:
        borders = tbl.find("w:tblPr/w:tblBorders", NS)
        top, bottom = _size(borders, "top"), _size(borders, "bottom")
        assert top == ("single", RULE_THICK) and bottom == ("single", RULE_THICK)
        for edge in ("insideV", "left", "right", "insideH"):
            assert _size(borders, edge) in (None, ("nil", 0))
        rows = tbl.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        for cell in rows[0].findall("w:tc", NS):
            rule = _size(cell.find("w:tcPr/w:tcBorders", NS), "bottom")
            assert rule == ("single", RULE_THIN) and RULE_THIN < top[1]
        for row in rows[1:]:  # body cells draw no border of their own
            assert row.find("w:tc/w:tcPr/w:tcBorders", NS) is None
        assert not tbl.findall(".//w:tcBorders/w:left", NS) + tbl.findall(
            ".//w:tcBorders/w:right", NS
        )
    header = ["".join(c.itertext()) for c in tbls[0].find("w:tr", NS).findall("w:tc", NS)]
    assert header == ["原始语句", "初始概念", "初始范畴"]
    body = ["".join(c.itertext()) for c in tbls[0].findall("w:tr", NS)[2].findall("w:tc", NS)]
    assert body == ["=SUM(A1)企业", "企业牵头", ""]  # 主体角色 is merged from the row above
    merges = [m.get(f"{W}val") for m in tbls[0].findall(".//w:tcPr/w:vMerge", NS)]
    assert merges.count("restart") == 6 and len(merges) == 8  # 主体角色 spans three rows


def test_docx_fonts_are_simsun_for_chinese(written):
    _tables, (_xlsx, docx) = written
    styles = _docx_xml(docx, "word/styles.xml")
    fonts = styles.findall(".//w:style[@w:styleId='Normal']/w:rPr/w:rFonts", NS)
    assert fonts and fonts[0].get(f"{W}eastAsia") == "SimSun"
    assert fonts[0].get(f"{W}ascii") == "Times New Roman"
    assert fonts[0].get(f"{W}eastAsiaTheme") is None


def test_docx_trace_column(tmp_path):
    tables = coding_tables(_codes(), _codings(), _relations(), sentences=_sentences())
    _xlsx, docx = write_tables(tables, tmp_path, trace=True)
    tbl = _docx_xml(docx).find(".//w:tbl", NS)
    rows = tbl.findall("w:tr", NS)
    assert ["".join(c.itertext()) for c in rows[0].findall("w:tc", NS)][-1] == "来源"
    assert ["".join(c.itertext()) for c in rows[1].findall("w:tc", NS)][-1] == "2:0–5"


def test_empty_project_writes_header_only_tables(tmp_path):
    codes = pd.DataFrame(columns=["id", "name", "parent", "level", "description"])
    codings = pd.DataFrame(columns=["id", "document", "start", "end", "code", "coder", "text"])
    relations = pd.DataFrame(columns=["id", "source", "target", "type", "description"])
    tables = coding_tables(codes, codings, relations)
    assert tables["编码数量"].attrs["chain"] == "0 → 0 → 0 → 0 → 0"
    xlsx, docx = write_tables(tables, tmp_path)
    assert len(_docx_xml(docx).findall(".//w:tbl", NS)) == 4 and xlsx.exists()


# -- through a real project ------------------------------------------------------------------
def test_tables_from_a_real_project(tmp_path):
    from zhagen.project import Project

    (tmp_path / "a.txt").write_text(TEXT.replace("\n", ""), encoding="utf-8")
    p = Project.create(tmp_path / "study.zhagen")
    try:
        p.add([tmp_path / "a.txt"])
        core = p.add_code("创新联合体赋能新质生产力", level=4)
        main = p.add_code("创新主体", parent=core, description="参与创新的各类主体")
        cat = p.add_code("主体角色", parent=main, description="主体的角色")
        concept = p.add_code("企业牵头", parent=cat)
        env = p.add_code("创新环境", parent=core, description="外部条件")
        policy = p.add_code("政策支持", parent=env, level=1)
        sents = p.sentences(1)
        p.code_span(1, int(sents.start[0]), int(sents.end[0]), concept, coder="甲")
        p.code_span(1, int(sents.start[1]), int(sents.end[1]), policy, coder="甲")
        p.code_span(1, int(sents.start[1]), int(sents.end[1]), main, coder="乙")
        p.add_relation(env, main, "情境", description="环境影响主体")
        tables = coding_tables(p.codes(), p.codings(), p.relations(), sentences={1: sents})
    finally:
        p.close()
    assert tables["开放式编码"]["原始语句"].tolist() == [sents.text[0], sents.text[1]]
    assert tables["开放式编码"]["初始范畴"].tolist() == ["主体角色", ""]
    assert tables["主轴编码"]["副范畴"].tolist() == ["主体角色", "政策支持"]
    rel = tables["典型关系结构"].iloc[0]
    assert rel["典型关系结构"] == "创新环境 → 创新主体" and rel["代表性语句"] == sents.text[1]
    assert tables["编码数量"].attrs["chain"] == "2 → 2 → 1 → 2 → 1"
    assert [path.exists() for path in write_tables(tables, tmp_path / "t")] == [True, True]
