"""Read CNKI 知网研学 (E-Study) exports (``DataType: 1`` / ``Title-题名: …``).

One line per field, labelled in English and Chinese (``Title-题名:``, ``Author-作者:``,
``Source-刊名:``, ``Year-年:``, ``Keyword-关键词:``, ``Summary-摘要:`` …); a record starts at
``DataType:``, and there are usually no blank lines between records. Labels are mapped by
their Chinese part first (CNKI reuses English parts with other meanings), with the same
table as the Excel/CSV reader. Online-first records have no ``Year-年``: their year is
taken from ``PubTime-出版时间``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhagen.formats._cnki import label_field
from zhagen.formats._cnki_tagged import read_tagged
from zhagen.formats._io import Source
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import RawRecord

__all__ = ["read_estudy"]

# "Title-题名:" (the part after "-" has a Han character, so "COVID-19：…" in a wrapped
# abstract is no label), "DOI-DOI:" and "DataType:".
_LABEL = re.compile(
    r"(DataType|DOI-DOI|[A-Za-z][A-Za-z ]{0,30}-[^:：\s]{0,10}?[\u3400-\u9fff][^:：]{0,20})[:：] ?(.*)",
    re.S,
)


def _classify(line: str) -> tuple[str, str] | None:
    m = _LABEL.match(line)
    return (m.group(1), m.group(2)) if m else None


def read_estudy(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Stream the records of a CNKI E-Study (知网研学) export.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 or GB18030).
    name:
        The name to report in problems and errors (default: the path).

    Yields
    ------
    RawRecord
        One per record, numbered from 1, with ``format="cnki-estudy"``; ``DataType`` and
        unknown labels are kept in ``RawRecord.extra``.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or holds no E-Study record at all.

    Examples
    --------
    >>> import io
    >>> data = "DataType: 1\\nTitle-题名: 保乳手术的效果观察\\nAuthor-作者: 周景新;\\nYear-年: 2021\\n"
    >>> rec = next(read_estudy(io.BytesIO(data.encode()), name="demo.txt"))
    >>> rec.title, rec.authors, rec.year
    ('保乳手术的效果观察', ['周景新'], 2021)
    """
    return read_tagged(
        source,
        name,
        fmt="cnki-estudy",
        start_tags=frozenset({"DataType"}),
        names={},
        classify=_classify,
        fallback=label_field,
        what=(
            "知网研学（E-Study，以“DataType:”开头）",
            "E-Study (lines starting with 'DataType:')",
        ),
    )


def _sniff(head: Head) -> Sniff:
    """An E-Study export is ``Label-标签:`` lines at line starts (``DataType:`` first); the
    label merely mentioned in prose is no evidence."""
    known = 0
    for line in head.lines[:60]:
        m = _LABEL.match(line)
        if m and (m.group(1) == "DataType" or label_field(m.group(1))):
            known += 1
    if head.first.startswith("DataType:") and known >= 2:
        return Sniff(0.95, "DataType: first, Label-标签: lines")
    if known >= 3:
        return Sniff(0.8, f"{known} Label-标签: lines")
    return Sniff(0.2, "a Label-标签: line") if known else NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (FormatSpec("cnki-estudy", __name__, "read_estudy", (".txt",), _sniff),)
