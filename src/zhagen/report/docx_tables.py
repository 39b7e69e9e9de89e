"""``coding_tables.docx``: the paper tables in 三线表 style, ready to paste into a paper.

A 三线表 (three-line table, the form Chinese journals require) has exactly three rules: a
thick top rule (1.5 pt), a thin rule under the header (0.75 pt) and a thick bottom rule
(1.5 pt); no vertical lines and no other borders. The rules are written in OOXML itself, so
they survive any template and any table style:

- ``w:tblBorders``: ``top`` and ``bottom`` single ``w:sz="12"`` (eighths of a point),
  ``left``, ``right``, ``insideH`` and ``insideV`` ``nil``;
- the header cells' ``w:tcBorders``: ``top`` single 12 (so the header, repeated on every
  page by ``w:tblHeader``, brings its top rule along) and ``bottom`` single ``w:sz="6"``.

Text is 宋体 for Chinese (``w:rFonts w:eastAsia="SimSun"``, language zh-CN) and Times New
Roman for Latin letters and digits, 10.5 pt (五号). Each table has its caption above it
(表1 开放式编码结果, bold, centred), the paper columns only, and a note below it saying
where each row's document and offsets are (``coding_tables.xlsx``); ``trace=True`` adds a
来源 column (``文档:起–止``) instead. Repeated labels in the grouping columns (初始范畴,
初始概念, 主范畴) are merged vertically, as papers print them.

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_project
>>> from zhagen.report.tables import coding_tables
>>> with tiny_project() as p:
...     tables = coding_tables(p.codes(), p.codings(), p.relations())
>>> write_tables_docx(tables, Path(tempfile.mkdtemp()) / "coding_tables.docx").name
'coding_tables.docx'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.report.tables import CAPTIONS, DISPLAY

if TYPE_CHECKING:
    import pandas as pd
    from docx.document import Document as DocxDocument

__all__ = ["RULE_THICK", "RULE_THIN", "EAST_ASIA_FONT", "LATIN_FONT", "write_tables_docx",
           "paper_styles", "add_table"]  # fmt: skip

#: Border widths in eighths of a point: 1.5 pt top and bottom rules, 0.75 pt header rule.
RULE_THICK = 12
RULE_THIN = 6
EAST_ASIA_FONT = "SimSun"
LATIN_FONT = "Times New Roman"
#: Text width of an A4 page with 3.17 cm side margins, in twips (1/1440 inch).
TEXT_WIDTH = 8312
#: Columns whose repeated values are merged vertically: column → the columns of its group.
MERGE = {
    "开放式编码": {"初始范畴": ["初始范畴"], "初始概念": ["初始范畴", "初始概念"]},
    "主轴编码": {"主范畴": ["主范畴"]},
}
_LONG = {"原始语句", "内涵", "关系内涵", "代表性语句", "题名", "被引文献"}
_UNIT, _PAD, _MIN_LONG, _MIN_PLAIN = 105, 240, 1800, 1600  # twips
_TBL_PR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_TC_PR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                        "w:vAlign", "w:hideMark")  # fmt: skip


def _insert(parent: Any, child: Any, successors: Sequence[str]) -> None:
    """Insert ``child`` before the first of ``successors`` present (OOXML child order)."""
    from docx.oxml.ns import qn

    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _borders(tag: str, edges: Sequence[tuple[str, str, int]]) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    box = OxmlElement(tag)
    for edge, val, size in edges:
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        box.append(el)
    return box


def _set_fonts(rpr: Any) -> None:
    """Latin and East Asian fonts (no theme fonts, which would win) and zh-CN."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for key, value in (("ascii", LATIN_FONT), ("hAnsi", LATIN_FONT), ("cs", LATIN_FONT),
                       ("eastAsia", EAST_ASIA_FONT)):  # fmt: skip
        fonts.set(qn(f"w:{key}"), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(doc: DocxDocument) -> None:
    """宋体 + Times New Roman everywhere, A4, and the caption / cell / note styles."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr)
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(10.5)
    for name, size, bold, align in (
        ("表题", 10.5, True, WD_ALIGN_PARAGRAPH.CENTER),
        ("表格正文", 10.5, False, None),
        ("表注", 9, False, None),
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size, style.font.bold = Pt(size), bold
        fmt = style.paragraph_format
        fmt.space_before = Pt(6 if name == "表题" else 0)
        fmt.space_after = Pt({"表题": 3, "表格正文": 1}.get(name, 0))
        fmt.line_spacing = 1.0
        fmt.alignment = align
        fmt.keep_with_next = name == "表题"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(3.17)
    section.top_margin = section.bottom_margin = Cm(2.54)


def _text(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return ""
    return str(value)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Twips per column. Short columns get what their longest label needs (a Chinese
    character is two units of 105 twips at 10.5 pt, plus cell margins); long-text columns
    share the rest of the page width. A table without long text is not stretched."""
    need = []
    for j, title in enumerate(header):
        units = max([_display_width(title), *(_display_width(r[j]) for r in rows[:300])])
        need.append(min(80 if title in _LONG else 24, max(units, 4)))
    widths = [n * _UNIT + _PAD if h not in _LONG else 0 for n, h in zip(need, header, strict=True)]
    long_cols = [j for j, h in enumerate(header) if h in _LONG]
    if not long_cols:
        widths = [max(w, _MIN_PLAIN) for w in widths]
    else:
        rest = max(TEXT_WIDTH - sum(widths), _MIN_LONG * len(long_cols))
        total = sum(need[j] for j in long_cols)
        for j in long_cols:
            widths[j] = max(_MIN_LONG, round(rest * need[j] / total))
    scale = min(1.0, TEXT_WIDTH / sum(widths))
    return [round(w * scale) for w in widths]


def _frame_rows(name: str, df: pd.DataFrame, trace: bool) -> tuple[list[str], list[list[str]]]:
    header = [c for c in DISPLAY.get(name, list(df.columns)) if c in df.columns]
    rows = [[_text(v) for v in r] for r in df[header].itertuples(index=False)]
    if trace and {"文档", "起", "止"} <= set(df.columns):
        header = [*header, "来源"]
        spans = df[["文档", "起", "止"]].itertuples(index=False)
        for row, (doc, start, end) in zip(rows, spans, strict=True):
            row.append("" if _text(doc) == "" else f"{doc}:{_text(start)}–{_text(end)}")
    return header, rows


def _merge_flags(name: str, df: pd.DataFrame, header: list[str]) -> dict[int, list[bool]]:
    """Column index → for each row, True when it continues the merged cell above."""
    flags: dict[int, list[bool]] = {}
    for col, group in MERGE.get(name, {}).items():
        if col not in header or not set(group) <= set(df.columns):
            continue
        keys = [tuple(_text(v) for v in k) for k in df[group].itertuples(index=False)]
        flags[header.index(col)] = [i > 0 and keys[i] == keys[i - 1] for i in range(len(keys))]
    return flags


def _rule_header(cell: Any) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    box = _borders("w:tcBorders", [("top", "single", RULE_THICK), ("bottom", "single", RULE_THIN)])
    _insert(tc_pr, box, _TC_PR_AFTER_BORDERS)


def _table_frame(table: Any, widths: list[int]) -> None:
    """Table-level OOXML: three-line borders, fixed layout, width, centred, repeated header."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    edges = [("top", "single", RULE_THICK), ("left", "nil", 0), ("bottom", "single", RULE_THICK),
             ("right", "nil", 0), ("insideH", "nil", 0), ("insideV", "nil", 0)]  # fmt: skip
    _insert(tbl_pr, _borders("w:tblBorders", edges), _TBL_PR_AFTER_BORDERS)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(widths)))
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Twips(width)
    for k, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))  # a statement is not torn across pages
        if k == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _add_table(doc: DocxDocument, name: str, df: pd.DataFrame, trace: bool) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Twips

    header, rows = _frame_rows(name, df, trace)
    widths = _column_widths(header, rows)
    merged = _merge_flags(name, df, header)
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    _table_frame(table, widths)
    # The cell style by its id on the paragraph's XML: ``paragraph.style = ...`` looks for the
    # document's default style among all styles on every call (23 930 cells of a 1 000-document
    # coding: 120 of the 170 s the DOCX took).
    body = doc.styles["表格正文"].style_id
    for i, row in enumerate(table.rows):
        values = header if i == 0 else rows[i - 1]
        for j, cell in enumerate(row.cells):
            cell.width = Twips(widths[j])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            para = cell.paragraphs[0]
            para._p.style = body
            long_text = header[j] in _LONG and i > 0
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if long_text else WD_ALIGN_PARAGRAPH.CENTER
            if i == 0:
                para.add_run(values[j]).bold = True
                _rule_header(cell)
                continue
            flags = merged.get(j)
            if flags is not None:
                cont = flags[i - 1]
                cell._tc.vMerge = "continue" if cont else "restart"
                if cont:
                    continue
            if values[j]:
                para.add_run(values[j])


#: For other documents made of the same parts (a study's report): the page, fonts and
#: caption / cell / note styles, and one 三线表 (``name`` selects the merge rules).
paper_styles = _styles
add_table = _add_table


def _note(name: str, df: pd.DataFrame, trace: bool) -> str:
    """The line under a table: the level chain, or where each row's source is."""
    if name == "编码数量" and "数量" in df.columns and len(df) == 5:
        n = [int(v) for v in df["数量"]]
        return (f"注：编码过程为 {n[0]} 条原始语句 → {n[1]} 个初始概念 → {n[2]} 个初始范畴 → "
                f"{n[3]} 个主范畴 → {n[4]} 个核心范畴。")  # fmt: skip
    if trace and {"文档", "起", "止"} <= set(df.columns):
        return "注：来源为“文档编号:起–止”（字符位置，从 0 起算，不含止）。"
    hidden = [c for c in df.columns if c not in DISPLAY.get(name, list(df.columns))]
    if not hidden:
        return ""
    return f"注：每行的{'、'.join(hidden)}见 coding_tables.xlsx 的“{name}”工作表。"


def write_tables_docx(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    storyline: str | None = None,
    trace: bool = False,
    captions: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Path:
    """Write the tables as 三线表 into one DOCX.

    Parameters
    ----------
    tables
        Name → DataFrame (:func:`zhagen.report.tables.coding_tables`); tables are numbered
        表1, 表2, … in this order.
    path
        The ``.docx`` to write.
    storyline
        The 故事线, printed after the tables.
    trace
        Add a 来源 column (``文档:起–止``) where the table has document offsets.
    captions, notes
        A table's caption and the note under it, by table name, in place of the coding
        tables' own (other tables: the name as caption, no note).

    Returns
    -------
    Path
        ``path``.
    """
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    _styles(doc)
    for k, (name, df) in enumerate(tables.items(), 1):
        caption = (captions or {}).get(name) or CAPTIONS.get(name, name)
        doc.add_paragraph(f"表{k} {caption}", style="表题")
        _add_table(doc, name, df, trace)
        note = (notes or {}).get(name)
        doc.add_paragraph(_note(name, df, trace) if note is None else note, style="表注")
    if storyline:
        doc.add_paragraph("故事线", style="表题")
        para = doc.add_paragraph(storyline.strip())
        para.paragraph_format.first_line_indent = Pt(21)  # two characters
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
