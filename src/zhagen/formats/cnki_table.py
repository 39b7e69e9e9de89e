"""Read CNKI table exports: Excel ``.xlsx``, CSV/TSV, and the HTML tables CNKI names ``.xls``.

The first row (or one of the first 20 rows) holds the column headers, either plain Chinese
(``题名``/``篇名``, ``作者``, ``机构``/``单位``, ``文献来源``/``来源``, ``年``, ``卷``, ``期``,
``关键词``, ``摘要``, ``DOI`` …) or bilingual as CNKI writes them (``Title-题名``,
``Author-作者``, ``Organ-单位``, ``Source-文献来源``, ``PageCount-页码`` …). Headers are mapped
with the same table as the E-Study reader; unknown columns are kept in ``RawRecord.extra``.

* ``.xlsx`` is read with openpyxl (read-only, streamed);
* CSV is streamed with the :mod:`csv` module; its encoding is detected (CNKI and Excel
  often write GB18030), the delimiter is a comma or a tab, whichever the header uses;
* a ``.xls`` that is really an HTML table (as CNKI often sends) is read with lxml;
* an old binary ``.xls`` cannot be read: the error says to save it as ``.xlsx``.

For a table, ``Problem.line`` is the row number in the sheet (for CSV: the line number).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from zhagen.errors import InputError
from zhagen.formats._cnki import label_field, make_record, no_records
from zhagen.formats._io import (
    Source,
    decode,
    open_text,
    read_bytes,
    read_head,
    source_name,
    zip_bomb,
)
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.limits import current
from zhagen.records import RawRecord

__all__ = ["read_cnki_table", "table_rows"]

_HEADER_ROWS = 20  # how far down to look for the header row
_FMT = "cnki-table"
Row = tuple[int, list[str]]


def read_cnki_table(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Stream the records of a CNKI Excel (``.xlsx``), CSV or HTML-table export.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in problems and errors (default: the path).

    Yields
    ------
    RawRecord
        One per data row, numbered from 1, with ``format="cnki-table"``.

    Raises
    ------
    InputError
        If the file is empty, an old binary ``.xls``, damaged, has no title column
        (``题名``/``篇名``/``Title-题名``) in its first rows, or has no data rows.

    Examples
    --------
    >>> import io
    >>> data = "题名,作者,文献来源,年,关键词\\n新质生产力研究,张三;李四,管理世界,2024,新质生产力;创新\\n"
    >>> rec = next(read_cnki_table(io.BytesIO(data.encode("gb18030")), name="cnki.csv"))
    >>> rec.title, rec.authors, rec.venue, rec.year, rec.keywords["zh"]
    ('新质生产力研究', ['张三', '李四'], '管理世界', 2024, ['新质生产力', '创新'])
    """
    label = source_name(source, name)
    head = read_head(source, 4096, name=label)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise no_records(label, "", "", empty=True)
    if head.startswith(b"PK\x03\x04"):
        sheets = _xlsx_sheets(source, label)
        try:
            yield from _records(sheets, label)
        except _XLSX_DAMAGE as exc:  # a part of the workbook is damaged where it is read
            raise _damaged_xlsx(label, exc) from exc
        finally:
            sheets.close()  # closes the workbook (read-only mode keeps the file open)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "这是旧版 Excel 二进制文件（.xls），zhagen 无法直接读取；请用 Excel 或 WPS 打开，"
            "另存为 .xlsx（或“CSV UTF-8”）后再导入",
            "this is an old binary Excel file (.xls), which zhagen cannot read; open it in "
            "Excel or WPS, save it as .xlsx (or 'CSV UTF-8') and add that file",
            file=label,
        )
    elif decode(head, final=False)[0].lstrip("\ufeff \t\r\n")[:1] == "<":
        yield from _records([_html_rows(source, label)], label)
    else:
        yield from _records([_csv_rows(source, label)], label)


def table_rows(source: Source, *, name: str | None = None) -> Iterator[Row]:
    """(row number, cells as text) of a plain table: the first sheet of an ``.xlsx``
    (opened with the same zip-bomb and damage checks as a CNKI export), else CSV/TSV
    (encoding detected; the line a row starts on). Used for attribute tables.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("id,来源\\n1,人民日报\\n")
    >>> list(table_rows(path))
    [(1, ['id', '来源']), (2, ['1', '人民日报'])]
    """
    label = source_name(source, name)
    if read_head(source, 4, name=label).startswith(b"PK"):
        sheets = _xlsx_sheets(source, label)
        try:  # the workbook stays open while its first sheet is read
            yield from next(sheets, iter(()))
        finally:
            sheets.close()
        return
    yield from _csv_rows(source, label)


def _records(sheets: Iterable[Iterator[Row]], label: str) -> Iterator[RawRecord]:
    """Records from the first sheet that has a header row with a title column."""
    for rows in sheets:
        header = _find_header(rows)
        if header is None:
            continue
        keys = header
        count = 0
        for number, cells in rows:
            fields: dict[str, str] = {}
            for key, cell in zip(keys, cells, strict=False):
                if key and cell:
                    fields[key] = fields[key] + "\n" + cell if key in fields else cell
            if not fields:
                continue  # an empty row
            count += 1
            yield make_record(fields, source=label, record=count, fmt=_FMT, line=number)
        if count == 0:
            raise no_records(label, "知网表格（表头之下没有数据行）", "CNKI table", empty=False)
        return
    raise InputError(
        "没有找到题名列：前 20 行中没有“题名”“篇名”或“Title-题名”表头；"
        "请确认这是知网导出的 Excel/CSV 文件，且第一行是表头",
        "no title column: none of the first 20 rows has a '题名', '篇名' or 'Title-题名' "
        "header; check that this is a CNKI Excel/CSV export with its header row",
        file=label,
    )


def _find_header(rows: Iterator[Row]) -> list[str] | None:
    """Consume rows up to the header; return one canonical key (or ``~header``) per column."""
    for index, (_number, cells) in enumerate(rows):
        keys = [_column_key(c) for c in cells]
        if "title" in keys:
            return keys
        if index + 1 >= _HEADER_ROWS:
            break
    return None


def _column_key(header: str) -> str:
    header = header.strip().lstrip("\ufeff")
    if not header:
        return ""
    return label_field(header) or "~" + header


def _cell(value: Any) -> str:
    """A spreadsheet cell as text: ``2024.0`` → ``"2024"``, a date → ``"2024-03-02"``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_sheets(source: Source, label: str) -> Iterator[Iterator[Row]]:
    """The rows of each worksheet, the active one first."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    target = os.fspath(source) if isinstance(source, str | os.PathLike) else source
    _check_xlsx_zip(target, label)
    try:
        book = load_workbook(target, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, *_XLSX_DAMAGE) as exc:
        raise _damaged_xlsx(label, exc) from exc
    try:
        sheets = list(book.worksheets)
        active = book.active
        if active in sheets:
            sheets.remove(active)
            sheets.insert(0, active)
        for sheet in sheets:
            yield (
                (n, [_cell(v) for v in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), 1)
            )
    finally:
        book.close()


# what a damaged workbook raises while it is read: a bad zip entry or deflate stream (CRC,
# zlib), a part cut short, XML that does not parse, or a value openpyxl cannot convert
_XLSX_DAMAGE: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,  # also lxml's XMLSyntaxError and the stdlib's ParseError's base
    SyntaxError,  # xml.etree.ElementTree.ParseError
    RuntimeError,  # an encrypted zip member
    NotImplementedError,  # an unknown compression method
)


def _damaged_xlsx(label: str, exc: BaseException) -> InputError:
    return InputError(
        f"无法作为 Excel 工作簿读取（{exc}）；文件可能已损坏，请重新导出或用 Excel 另存",
        f"cannot read this as an Excel workbook ({exc}); the file may be damaged: "
        "export it again or re-save it in Excel",
        file=label,
    )


def _check_xlsx_zip(target: Any, label: str) -> None:
    """Refuse a workbook whose zip directory looks like a bomb, before openpyxl inflates it."""
    try:
        with zipfile.ZipFile(target) as zf:
            bomb = zip_bomb(zf.infolist(), current())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise _damaged_xlsx(label, exc) from exc
    finally:
        if not isinstance(target, str):
            target.seek(0)
    if bomb is not None:
        raise InputError(
            f"这个 Excel 工作簿解压后{bomb[0]}，可能是“压缩炸弹”，为安全起见拒绝读取；"
            "如确为正常文件，请在 Excel 中另存为 CSV 后再导入",
            f"this Excel workbook would expand to {bomb[1]} and may be a zip bomb; it was "
            "refused for safety; if it is genuine, save it as CSV in Excel and add that",
            file=label,
        )


def _csv_rows(source: Source, label: str) -> Iterator[Row]:
    """Rows of a CSV/TSV file, each with the line number it starts on."""
    first = (
        decode(read_head(source, 65536, name=label), final=False)[0]
        .lstrip("\ufeff")
        .split("\n", 1)[0]
    )
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    with open_text(source, name=label) as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        start = 1
        try:
            for row in reader:
                yield start, [c.strip() for c in row]
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(
                f"CSV 格式错误（{exc}）；请用 Excel 打开后另存为 CSV 或 .xlsx",
                f"malformed CSV ({exc}); open it in Excel and save it again as CSV or .xlsx",
                file=label,
                line=reader.line_num,
            ) from exc


def _html_rows(source: Source, label: str) -> Iterator[Row]:
    """Rows of the first HTML table in a file (CNKI's ``.xls`` that is really HTML)."""
    import lxml.html

    text, _enc, _bad = decode(read_bytes(source, name=label))
    try:
        doc = lxml.html.document_fromstring(text)
    except ValueError as exc:  # lxml's ParserError is a ValueError
        raise InputError(
            f"无法解析这个 HTML 表格（{exc}）；请在 Excel 中打开后另存为 .xlsx",
            f"cannot parse this HTML table ({exc}); open it in Excel and save it as .xlsx",
            file=label,
        ) from exc
    for number, tr in enumerate(doc.iter("tr"), 1):
        yield (
            number,
            [" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")],
        )


def _sniff(head: Head) -> Sniff:
    """A CSV/TSV whose header row (within the first rows) names CNKI columns, title among
    them; or CNKI's "Excel" export that is an HTML table named ``.xls``."""
    if head.ext == ".xls" and "<table" in head.text[:8192].lower():
        return Sniff(0.9, "an HTML table named .xls")
    if head.first[:1] in "{[<":  # JSON, HTML: a comma or 作者 inside is no column
        return NO
    for line in head.lines[:_HEADER_ROWS]:
        delimiter = "\t" if line.count("\t") > line.count(",") else ","
        if line.count(delimiter) < 2:
            continue
        keys = [label_field(c.strip('" ')) for c in line.split(delimiter)]
        if "title" in keys and sum(k is not None for k in keys) >= 2:
            # CNKI labels its columns in Chinese; English ones alone may be another database's
            chinese = any("\u4e00" <= ch <= "\u9fff" for ch in line)
            return Sniff(0.9 if chinese else 0.7, "a header row of CNKI columns")
    return NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (
    FormatSpec(
        "cnki-table", __name__, "read_cnki_table", (".xlsx", ".xls", ".csv", ".tsv"), _sniff
    ),
)
