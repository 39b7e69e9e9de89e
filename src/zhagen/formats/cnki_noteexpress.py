"""Read CNKI NoteExpress exports (``.net``: ``{Reference Type}: …`` / ``{Title}: …``).

One line per field, ``{Field name}: value``; a record starts at ``{Reference Type}``.
CNKI quirks:

* authors are ``;``-separated with a trailing ``;`` (``,`` in old records); keywords use
  ``;;`` (or ``;``, or ``,`` for yearbook entries);
* a value can continue on the following lines, even across blank lines and lone carriage
  returns (old records put each author's address on a line of its own);
* yearbook entries come as ``Standard`` with ``{SrcDatabase}: 年鉴``: the source database
  decides the type; theses carry the supervisor in ``{Tertiary Author}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhagen.formats._cnki_tagged import read_tagged
from zhagen.formats._io import Source
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import RawRecord

__all__ = ["read_noteexpress", "TAGS"]

#: NoteExpress field name -> canonical field (see ``zhagen.formats._cnki``). Other fields
#: are kept in ``RawRecord.extra`` under their name (``Subject``, ``ISBN`` …).
TAGS: dict[str, str] = {
    "Reference Type": "type",
    "Title": "title",
    "Author": "authors",
    "Author Address": "affiliations",
    "Journal": "venue",
    "Secondary Title": "venue2",
    "Tertiary Title": "venue3",
    "Year": "year",
    "Date": "date",
    "Volume": "volume",
    "Issue": "issue",
    "Pages": "pages",
    "Keywords": "keywords",
    "Abstract": "abstract",
    "ISBN/ISSN": "issn",
    "ISSN": "issn",
    "Notes": "cn",
    "Database Provider": "database",
    "SrcDatabase": "srcdb",
    "URL": "url",
    "DOI": "doi",
    "Tertiary Author": "supervisor",
    "Publisher": "publisher",
    "Type of Work": "worktype",
    "Place Published": "place",
    "Language": "lang",
    # Wanfang's NoteExpress export: the English title, keywords and abstract
    "Translated Title": "title_en",
    "Translated Keywords": "keywords_en",
    "Translated Abstract": "abstract_en",
    "Translated Author": "~Translated Author",
}

_FIELD = re.compile(r"\{([^{}\r\n]{1,80})\}: ?(.*)", re.S)


def _classify(line: str) -> tuple[str, str] | None:
    if line[:1] != "{":
        return None
    m = _FIELD.match(line)
    return (m.group(1).strip(), m.group(2)) if m else None


def read_noteexpress(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Stream the records of a CNKI NoteExpress export.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 or GB18030; CRLF or LF line ends).
    name:
        The name to report in problems and errors (default: the path).

    Yields
    ------
    RawRecord
        One per record, numbered from 1, with ``format="cnki-noteexpress"``. A damaged
        record is still yielded, with a :class:`~zhagen.records.Problem` saying what is wrong.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or holds no NoteExpress record at all.

    Examples
    --------
    >>> import io
    >>> data = "{Reference Type}: Journal Article\\n{Title}: 中药归经研究述评\\n{Author}: 穆仙丽,赵宗江\\n"
    >>> rec = next(read_noteexpress(io.BytesIO(data.encode()), name="demo.net"))
    >>> rec.title, rec.authors
    ('中药归经研究述评', ['穆仙丽', '赵宗江'])
    """
    return read_tagged(
        source,
        name,
        fmt="cnki-noteexpress",
        start_tags=frozenset({"Reference Type"}),
        names=TAGS,
        classify=_classify,
        what=("NoteExpress（以“{Reference Type}:”开头）", "NoteExpress ('{Reference Type}:')"),
    )


def _sniff(head: Head) -> Sniff:
    """A NoteExpress export is ``{Field}: value`` lines, the first ``{Reference Type}``."""
    field = _classify(head.first)
    if field is None:
        return NO
    if field[0] == "Reference Type":
        return Sniff(0.95, "{Reference Type}: first")
    if field[0] in TAGS:
        return Sniff(0.8, "{Field}: lines")
    return Sniff(0.4, "a {...}: first line")


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (
    FormatSpec(
        "cnki-noteexpress",
        __name__,
        "read_noteexpress",
        (".net", ".txt"),
        _sniff,
        (b"\n{Reference Type}:",),
    ),
)
