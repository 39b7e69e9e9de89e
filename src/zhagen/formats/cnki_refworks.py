"""Read CNKI RefWorks exports (``RT Journal Article`` / ``A1 …`` / ``T1 …``).

One line per field, ``<two-character tag><space><value>``, a blank line between records.
CNKI quirks handled here:

* authors (``A1``), affiliations (``AD``) and keywords (``K1``) are ``;``-separated with a
  trailing ``;``; old records separate authors with ``,``;
* a line without a tag continues the field above it: after ``K1`` it holds the English
  keywords, which end up in ``keywords["en"]``;
* a lone carriage return inside a line is a line break inside the value (kept as ``\\n`` in
  the abstract, a space in one-line fields such as the title);
* online-first records have no ``YR``/``IS``: their year is ``None``, which is normal.

The file is streamed, so a million-record export (about 1.2 GB) needs little memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from zhagen.formats._cnki_tagged import read_tagged
from zhagen.formats._io import Source
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import RawRecord

__all__ = ["read_refworks", "TAGS"]

#: RefWorks tag -> canonical field (see ``zhagen.formats._cnki``). Tags not listed are kept
#: in ``RawRecord.extra`` under the tag.
TAGS: dict[str, str] = {
    "RT": "type",
    "A1": "authors",
    "A3": "supervisor",
    "AD": "affiliations",
    "T1": "title",
    "T2": "venue2",
    "T3": "venue3",
    "JF": "venue",
    "YR": "year",
    "FD": "date",
    "VO": "volume",
    "IS": "issue",
    "SP": "startpage",
    "OP": "endpage",
    "K1": "keywords",
    "AB": "abstract",
    "PB": "publisher",
    "PP": "place",
    "SN": "issn",
    "CN": "cn",
    "LA": "lang",
    "CL": "worktype",
    "DS": "database",
    "LK": "url",
    "DO": "doi",
}

# Every tag of the RefWorks tagged format. Only these start a field, so that a continuation
# line such as "AI ethics;Deep learning" (English keywords) is not taken for a tag.
_SPEC = (
    "RT SR ID A1 A2 A3 A4 A5 A6 T1 T2 T3 JF JO YR FD VO IS SP OP K1 AB NO ED PB PP SN AV AD "
    "AN LA CL SF OT LK DO CN DB DS IP RD ST U1 U2 U3 U4 U5 UL WT WP WV WL OL"
).split()
# Tags as found at the start of a line: two characters and a space, in either case ("vo ").
_KNOWN = frozenset(t + " " for t in _SPEC) | frozenset(t.lower() + " " for t in _SPEC)
_NAMES = {t + " ": f for t, f in TAGS.items()} | {t.lower() + " ": f for t, f in TAGS.items()}
_START = frozenset({"RT ", "rt "})


def read_refworks(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Stream the records of a CNKI RefWorks export.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 or GB18030; CRLF or LF line ends).
    name:
        The name to report in problems and errors (default: the path).

    Yields
    ------
    RawRecord
        One per record, numbered from 1, with ``format="cnki-refworks"``. A damaged record
        is still yielded, with a :class:`~zhagen.records.Problem` saying what is wrong.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or holds no RefWorks record at all.

    Examples
    --------
    >>> import io
    >>> data = "RT Journal Article\\r\\nA1 张三;李四;\\r\\nT1 新质生产力研究\\r\\nYR 2024\\r\\n"
    >>> rec = next(read_refworks(io.BytesIO(data.encode()), name="demo.txt"))
    >>> rec.title, rec.authors, rec.year, rec.type
    ('新质生产力研究', ['张三', '李四'], 2024, 'journal')
    """
    return read_tagged(
        source,
        name,
        fmt="cnki-refworks",
        start_tags=_START,
        names=_NAMES,
        known=_KNOWN,
        what=("RefWorks（以“RT ”开头）", "RefWorks (lines starting with 'RT ')"),
    )


def _sniff(head: Head) -> Sniff:
    """A RefWorks export starts with ``RT`` and has ``A1``/``T1`` lines."""
    first = head.first
    if first[:3] in _START and any(ln[:3] in ("A1 ", "T1 ", "a1 ", "t1 ") for ln in head.lines):
        return Sniff(0.95, "RT first, A1/T1 lines")
    starts = [ln[:3] for ln in head.lines if ln[:1].isalnum()]
    if any(s in _START for s in starts) and sum(s in _KNOWN for s in starts) > 0.6 * len(starts):
        return Sniff(0.7, "RT and RefWorks tags at line starts")
    return NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (
    FormatSpec("cnki-refworks", __name__, "read_refworks", (".txt",), _sniff, (b"\nRT ",)),
)
