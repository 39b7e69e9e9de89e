"""Scopus reader: the CSV export ("Export > CSV" on scopus.com).

The first row names the columns (Authors, Author full names, Author(s) ID, Title, Year,
Source title, Volume, Issue, Art. No., Page start, Page end, Cited by, DOI, Link,
Affiliations, Abstract, Author Keywords, Index Keywords, References, Document Type,
Language of Original Document, EID …); Scopus chooses which columns to include, so every
column is optional except Title. Lists inside a cell are ``; ``-separated.

How columns map onto :class:`~zhagen.records.RawRecord`:

- ``authors`` from "Author full names" (the Scopus author id in brackets removed), else
  "Authors"; ``affiliations`` from "Affiliations"; ``cited_refs`` from "References".
- ``keywords["en"]`` from "Author Keywords" (those with Chinese characters in ``["zh"]``),
  ``keywords["plus"]`` from "Index Keywords" (assigned by the database, like WoS
  Keywords Plus).
- ``pages`` is "Page start-Page end"; ``url`` is "Link"; ``type`` from "Document Type".
- every other non-empty column goes to ``extra`` under a snake-case key (``extra["eid"]``,
  ``extra["cited_by"]``, ``extra["art_no"]``, ``extra["author_s_id"]`` …). Scopus's
  placeholders "[No abstract available]" and "[No author name available]" become empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from zhagen.errors import InputError
from zhagen.formats._io import Source, open_text, source_name
from zhagen.formats.database_fields import (
    by_language,
    doc_type,
    guess_language,
    language_code,
    retraction_problem,
    split_keywords,
)
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import Problem, RawRecord

__all__ = ["read_scopus"]

#: Columns (lower case) stored verbatim in a RawRecord field and so not repeated in ``extra``.
#: Document Type and Language stay in ``extra`` too, since ``type`` and ``lang`` are mapped.
_USED = frozenset(
    {
        "title", "year", "source title", "volume", "issue", "abstract", "doi", "issn",
        "link", "affiliations", "author keywords", "index keywords", "references",
    }
)  # fmt: skip
_PLACEHOLDERS = frozenset({"[No abstract available]", "[No author name available]", "[Anonymous]"})
_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")
_NOT_KEY = re.compile(r"[^0-9a-z]+")
_FIELD_LIMIT = 1 << 28  # one References cell of a long review exceeds csv's 128 KiB default


def _slug(column: str) -> str:
    """``"Author(s) ID"`` -> ``"author_s_id"``: the key of a column in ``extra``."""
    return _NOT_KEY.sub("_", column.lower()).strip("_")


def _list(cell: str) -> list[str]:
    """A ``; ``-separated cell as a list, without empty parts or placeholders."""
    return [p for p in (x.strip() for x in cell.split(";")) if p and p not in _PLACEHOLDERS]


def _authors(row: dict[str, str]) -> tuple[list[str], str]:
    """The author list and the column it came from."""
    full = [_AUTHOR_ID.sub("", a) for a in _list(row.get("author full names", ""))]
    if full:
        return full, "author full names"
    short = row.get("authors", "").strip()
    if short in _PLACEHOLDERS:
        return [], "authors"
    if ";" in short:  # exports since 2023: "Wang X.; Li Y."
        return _list(short), "authors"
    # older exports: "Wang X., Li Y." (no comma inside a name)
    return [a for a in (x.strip() for x in short.split(", ")) if a], "authors"


def _problem(label: str, number: int, zh: str, en: str, code: str) -> Problem:
    return Problem(label, zh, en, "warning", code, number)


def _record(row: dict[str, str], names: dict[str, str], label: str, number: int) -> RawRecord:
    """Build a RawRecord from one row keyed by lower-case column name."""
    rec = RawRecord(source=label, record=number, format="scopus")
    rec.authors, author_column = _authors(row)
    get = row.get
    rec.title = get("title", "").strip()
    rec.venue = get("source title", "").strip()
    rec.volume, rec.issue = get("volume", "").strip(), get("issue", "").strip()
    begin, end = get("page start", "").strip(), get("page end", "").strip()
    rec.pages = f"{begin}-{end}" if begin and end else begin or end
    abstract = get("abstract", "").strip()
    rec.abstract = "" if abstract in _PLACEHOLDERS else abstract.replace("\r\n", "\n")
    rec.doi, rec.issn, rec.url = (
        get("doi", "").strip(),
        get("issn", "").strip(),
        get("link", "").strip(),
    )
    rec.affiliations = _list(get("affiliations", ""))
    rec.cited_refs = _list(get("references", ""))
    own, plus = (
        split_keywords(get("author keywords", "")),
        split_keywords(get("index keywords", "")),
    )
    if own:
        rec.keywords.update(by_language(own, get("author keywords", "")))
    if plus:
        rec.keywords["plus"] = plus
    dt = get("document type", "").strip()
    rec.type = doc_type(dt) if dt else "journal"  # the type as given stays in extra
    flagged = retraction_problem(dt, rec.title, label, number)
    if flagged is not None:
        rec.problems.append(flagged)
    lang = get("language of original document", "").strip()
    rec.lang = language_code(lang) if lang else guess_language(rec.title)
    year = get("year", "").strip()
    used = _USED | {author_column}
    if year.isdigit() and len(year) == 4:
        rec.year = int(year)
    else:
        used = used - {"year"}  # keep what was there
        rec.problems.append(_no_year(label, number, year))
    if not rec.title:
        rec.problems.append(
            _problem(
                label,
                number,
                "这条记录没有题名（Title）",
                "the record has no Title",
                "scopus-no-title",
            )
        )
    for key, value in row.items():
        value = value.strip()
        if value and key not in used and value not in _PLACEHOLDERS:
            rec.extra[_slug(names.get(key, key))] = value
    return rec


def _no_year(label: str, number: int, year: str) -> Problem:
    if year:
        return _problem(
            label,
            number,
            f"出版年（Year）“{year}”不是四位数字，已忽略，时间分析将跳过这条记录",
            f"the Year {year!r} is not four digits and was ignored; time-based analyses "
            "will skip this record",
            "scopus-bad-year",
        )
    return _problem(
        label,
        number,
        "这条记录没有出版年（Year），时间分析将跳过它",
        "the record has no Year; time-based analyses will skip it",
        "scopus-no-year",
    )


def _header(cells: list[str] | None, label: str) -> list[str]:
    """Lower-case column names, or InputError if this is not a Scopus CSV."""
    names = [c.strip().lstrip("\ufeff").strip() for c in cells or []]
    low = [n.lower() for n in names]
    if "title" not in low or not ({"eid", "source title", "authors", "link"} & set(low)):
        raise InputError(
            "第一行不是 Scopus CSV 导出的表头（应包含 Title、Authors、Source title、EID 等列）；"
            "请在 Scopus 中选择 Export > CSV 导出",
            "the first line is not the header of a Scopus CSV export (columns such as Title, "
            "Authors, Source title, EID); export from Scopus with Export > CSV",
            file=label,
            line=1,
        )
    return names


def _rows(fh: TextIO, label: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first line, cells)`` for every CSV row, turning csv errors into InputError."""
    import csv

    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(fh)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"CSV 格式错误（{exc}），无法继续读取；请用 Scopus 重新导出，不要用 Excel 另存",
                f"malformed CSV ({exc}); cannot read on; export again from Scopus rather "
                "than re-saving in Excel",
                file=label,
                line=reader.line_num,
            ) from exc
        yield line, cells
        line = reader.line_num + 1


def read_scopus(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a Scopus CSV export, streaming one record at a time.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 with or without BOM).
    name:
        The name to report in messages (defaults to the path).

    Yields
    ------
    RawRecord
        One per data row, numbered from 1, with ``format="scopus"``.

    Raises
    ------
    InputError
        If the first row is not a Scopus header, the CSV is malformed, or there is no record.

    Examples
    --------
    >>> import io
    >>> data = b'Authors,Title,Year,Source title,EID\\n"Li X.; Wang Y.",T,2024,J,2-s2.0-1\\n'
    >>> recs = read_scopus(io.BytesIO(data), name="s.csv")
    >>> [(r.authors, r.year, r.extra["eid"]) for r in recs]
    [(['Li X.', 'Wang Y.'], 2024, '2-s2.0-1')]
    """
    label = source_name(source, name)
    count = 0
    with open_text(source, name=label) as fh:
        rows = _rows(fh, label)
        first = next(rows, None)
        names = _header(first[1] if first else None, label)
        keys = [n.lower() for n in names]
        original = dict(zip(keys, names, strict=True))
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            count += 1
            rec = _record(dict(zip(keys, cells, strict=False)), original, label, count)
            if len(cells) != len(keys):
                rec.problems.append(_columns(label, count, len(cells), len(keys)))
            for problem in rec.problems:
                problem.line = line
            yield rec
    if not count:
        raise InputError(
            "文件中只有表头，没有 Scopus 记录；请确认导出时选中了文献",
            "the file has a header but no Scopus record; check that records were selected "
            "for export",
            file=label,
        )


def _columns(label: str, number: int, got: int, want: int) -> Problem:
    return Problem(
        label,
        f"这一行有 {got} 列，表头有 {want} 列；多出的列已忽略，缺少的列按空值处理",
        f"this row has {got} columns but the header has {want}; extra columns were ignored "
        "and missing ones read as empty",
        "warning",
        "scopus-columns",
        number,
    )


def _sniff(head: Head) -> Sniff:
    """A Scopus CSV's header row has Title and one of EID, Source title, Authors, Link."""
    import csv

    if "," not in head.first:
        return NO
    low = {c.strip().lstrip("\ufeff").strip().lower() for c in next(csv.reader([head.first]))}
    if "title" not in low:
        return NO
    if {"eid", "source title"} & low:  # columns only Scopus has
        return Sniff(0.95, "Scopus header row (EID, Source title)")
    if {"authors", "link"} & low:
        return Sniff(0.85, "Scopus header row (Title, Authors, Link)")
    return NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (FormatSpec("scopus", __name__, "read_scopus", (".csv",), _sniff),)
