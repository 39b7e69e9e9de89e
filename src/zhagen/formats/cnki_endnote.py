"""Read CNKI EndNote exports (``%0 Journal Article`` / ``%A …`` / ``%T …``).

One line per field, ``%<character><space><value>``; a record starts at ``%0``. CNKI quirks:

* one ``%A`` line per author (some exports put several authors on one line, ``;``-separated);
* keywords (``%K``) are separated by ``;;`` (sometimes ``;``), affiliations (``%+``) by ``;``;
* thesis abstracts run over many indented lines with blank lines between paragraphs: the
  lines after ``%X`` continue the abstract (one paragraph per line in ``RawRecord.abstract``);
* theses carry the supervisor in ``%Y``, the university in ``%I`` and the degree in ``%9``.
"""

from __future__ import annotations

from collections.abc import Iterator

from zhagen.formats._cnki_tagged import read_tagged
from zhagen.formats._io import Source
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import RawRecord

__all__ = ["read_endnote", "TAGS"]

#: EndNote tag -> canonical field (see ``zhagen.formats._cnki``). Other tags are kept in
#: ``RawRecord.extra`` under the tag (``%E``, ``%Z`` …).
TAGS: dict[str, str] = {
    "%0": "type",
    "%A": "authors",
    "%+": "affiliations",
    "%T": "title",
    "%J": "venue",
    "%B": "venue2",
    "%S": "venue3",
    "%D": "year",
    "%8": "date",
    "%V": "volume",
    "%N": "issue",
    "%P": "pages",
    "%K": "keywords",
    "%X": "abstract",
    "%@": "issn",
    "%L": "cn",
    "%W": "database",
    "%I": "publisher",
    "%9": "worktype",
    "%Y": "supervisor",
    "%R": "doi",
    "%U": "url",
    "%C": "place",
    "%G": "lang",
}

_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ@+!#$&()*~^<>=?"
_KNOWN = frozenset(f"%{c} " for c in _CHARS)
_NAMES = {t + " ": f for t, f in TAGS.items()}


def read_endnote(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Stream the records of a CNKI EndNote export.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 or GB18030; CRLF or LF line ends).
    name:
        The name to report in problems and errors (default: the path).

    Yields
    ------
    RawRecord
        One per record, numbered from 1, with ``format="cnki-endnote"``. A damaged record
        is still yielded, with a :class:`~zhagen.records.Problem` saying what is wrong.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or holds no EndNote record at all.

    Examples
    --------
    >>> import io
    >>> data = "%0 Thesis\\n%A 张建华\\n%T 语音识别应用研究\\n%Y 徐蔚然\\n%I 北京邮电大学\\n%9 硕士\\n"
    >>> rec = next(read_endnote(io.BytesIO(data.encode()), name="demo.txt"))
    >>> rec.type, rec.venue, rec.extra["supervisor"], rec.extra["degree"]
    ('thesis', '北京邮电大学', '徐蔚然', '硕士')
    """
    return read_tagged(
        source,
        name,
        fmt="cnki-endnote",
        start_tags=frozenset({"%0 "}),
        names=_NAMES,
        known=_KNOWN,
        what=("EndNote（以“%0 ”开头）", "EndNote (lines starting with '%0 ')"),
    )


def _sniff(head: Head) -> Sniff:
    """An EndNote export starts with ``%0`` and has other ``%X`` tag lines."""
    starts = [ln[:3] for ln in head.lines if ln]
    if head.first[:3] == "%0 " and any(s in _KNOWN and s != "%0 " for s in starts):
        return Sniff(0.95, "%0 first, %X tag lines")
    if "%0 " in starts and sum(s in _KNOWN for s in starts) > 0.6 * len(starts):
        return Sniff(0.7, "%0 and EndNote tags at line starts")
    return NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (
    FormatSpec("cnki-endnote", __name__, "read_endnote", (".txt", ".enw"), _sniff, (b"\n%0 ",)),
)
