"""Web of Science readers: plain text (also CiteSpace-converted CNKI files) and tab-delimited.

Plain text ("savedrecs.txt") is a tagged format: ``FN``/``VR`` head the file, each field
starts with a two-letter tag and a space, continuation lines start with three spaces, ``ER``
ends a record and ``EF`` the file. CiteSpace's CNKI converter (``download_*.txt``) writes the
same layout with Chinese content and ``UT CNKI:...``; :func:`read_wos` reads both.

How fields map onto :class:`~zhagen.records.RawRecord`:

- ``authors`` from ``AF`` (full names), else ``AU``; the unused one stays in ``extra``.
- ``keywords["en"]`` from ``DE``, the authors' keywords (those with Chinese characters in
  ``keywords["zh"]``, as the CNKI readers do); ``keywords["plus"]`` from ``ID``, Keywords
  Plus, assigned by the database. CiteSpace counts both by default; downstream code chooses.
- ``affiliations`` from ``C1``, one address per line, the ``[authors]`` prefix removed
  (the raw lines stay in ``extra["c1"]``); ``cited_refs`` from ``CR``, one per line.
- ``type`` from ``DT`` (first part; ``PT`` breaks ties), ``lang`` from ``LA`` as an ISO code
  (without ``LA``: ``zh`` for a Chinese title, else ``en``).
- every other tag goes to ``extra`` under its lower-case tag (``extra["ut"]``,
  ``extra["tc"]`` times cited, ``extra["pd"]`` …), so nothing is lost.

Continuation lines of list fields (AU, AF, BA, BF, BE, CA, GP, C1, CR) are separate items.
Continuation lines of other fields are soft wraps (WoS wraps at 75 characters) and are
joined with a space, or with nothing between two Chinese characters; but when a line before
the last is longer than 80 characters the breaks were real paragraph breaks (the headed
sections of a structured abstract) and are kept as ``\\n``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import TextIO

from zhagen.errors import InputError
from zhagen.formats._io import Source, iter_lines, open_text, source_name
from zhagen.formats.database_fields import (
    LIST_TAGS,
    TAG_KEYS,
    wos_fields,
    wos_problem,
    wos_record,
)
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.records import Problem, RawRecord

__all__ = ["read_wos", "read_wos_tab"]

#: File-level tags outside records.
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
_CHUNK = 1 << 20  # bytes (or, for a file not in UTF-8, characters) read at a time
_BOM = codecs.BOM_UTF8

# A new piece starts at every line that does not start with a space (continuations do).
_NEW_PIECE = re.compile(r"\n(?=[^ \n])")
# Splits a block at the start of every line that is not a continuation: a field ("XX value",
# the value not starting with a blank) gives its tag; any other line (blank, stray text, a
# tab, a tag without a value, fewer than three spaces) gives None and sends the block to
# the careful parser.
_LINE_START = re.compile(r"\n(?:([A-Z0-9][A-Z0-9]) (?=\S)|(?!   ))")
_ER_SPACES = re.compile(rb"\nER[ \t]+\n")
_TAB_TAG = re.compile(rb"\n([A-Z][A-Z0-9])\t")  # (a literal \n first: faster than ^ with re.M)


def _iter_blocks(fh: TextIO) -> Iterator[tuple[int, str, bool]]:
    """Yield ``(first line, text between two ER lines, ended by ER)``, streaming.

    The text of a block has no ER line and no line end before it. The block after the
    last ER (normally just ``EF``) is yielded with ``ended=False``. The file is cut into
    blocks as UTF-8 bytes and each block decoded on its own: cheaper than decoding the
    whole file first (a block of plain ASCII decodes by a copy, and stays a compact string
    even when a Chinese name elsewhere in the chunk would widen the chunk's string).
    """
    line, tail = 1, b""
    pending: list[bytes] = []  # the start of the current block; each part ends with \n
    for chunk in _utf8_chunks(fh):
        buf = tail + chunk
        cut = buf.rfind(b"\n") + 1
        tail = buf[cut:]
        if cut:
            for block in _split_er(_normalise(buf[:cut]), pending):
                yield line, block.decode("utf-8", "replace"), True
                line += block.count(b"\n") + 2
    if tail:
        for block in _split_er(_normalise(tail + b"\n"), pending):
            yield line, block.decode("utf-8", "replace"), True
            line += block.count(b"\n") + 2
    rest = b"".join(pending)
    if rest.strip():
        yield line, rest.decode("utf-8", "replace"), False


def _utf8_chunks(fh: TextIO) -> Iterator[bytes]:
    """The text of ``fh`` as UTF-8 bytes, about ``_CHUNK`` at a time (a leading BOM removed).

    A UTF-8 file is read as it is, from the binary file under ``fh`` (decoding it later,
    block by block, with ``errors="replace"`` as ``open_text`` would); any other encoding
    is decoded by ``fh`` and encoded again.
    """
    if fh.encoding == "utf-8-sig":
        raw = fh.buffer
        head = raw.read(3)
        if head != _BOM:
            yield head
        while chunk := raw.read(_CHUNK):
            yield chunk
        return
    while text := fh.read(_CHUNK):
        yield text.encode("utf-8", "surrogatepass")


def _split_er(data: bytes, pending: list[bytes]) -> list[bytes]:
    """Complete blocks in ``data`` (whole lines, normalised), given the ``pending`` start of
    a block. ``pending`` is updated in place to hold the start of the next, unfinished block.
    """
    data = b"\n" + data
    parts = data.split(b"\nER\n")
    if len(parts) == 1 and (b"\nER " in data or b"\nER\t" in data):
        # no bare ER line in a whole chunk: ER lines with trailing blanks, perhaps. (Single
        # ones elsewhere reach the careful parser, which also ends a record at them.)
        parts = _ER_SPACES.sub(b"\nER\n", data).split(b"\nER\n")
    first = parts[0][1:]  # without the \n put in front above
    if len(parts) == 1:
        if first:
            pending.append(first)
        return []
    head = b"".join(pending)
    pending.clear()
    # parts[0] is empty when the data starts with an ER line: the block is just ``head``
    blocks = [head + first if parts[0] else head[:-1], *parts[1:-1]]
    if parts[-1]:
        pending.append(parts[-1])
    return blocks


def _normalise(data: bytes) -> bytes:
    """CRLF line ends made LF; a TAB after a field tag made a space and a TAB starting a
    line three (some WoS/CiteSpace tool chains write ``PT<TAB>J``); byte order marks inside
    the file removed."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    if b"\t" in data:
        data = _TAB_TAG.sub(rb"\n\1 ", b"\n" + data).replace(b"\n\t", b"\n   ")[1:]
    if b"\xef" in data and _BOM in data:  # the BOM of a second file appended to the first
        # WoS ends a file with "EF" and no line end, so "cat a.txt b.txt" gives "EF<BOM>FN";
        # the line end put in makes later line numbers one too high in that case only.
        # (Done on the decoded text, so that broken bytes next to a BOM decode as before.)
        text = data.decode("utf-8", "replace")
        text = text.replace("EF\ufeff", "EF\n").replace("\ufeff", "")
        data = text.encode("utf-8", "surrogatepass")
    return data


def _fast_fields(block: str) -> tuple[int, dict[str, str]] | None:
    """``(lines before the record, fields)`` for a well-formed block, else None; fields as
    :func:`wos_fields` makes them.

    Well-formed: after any blank lines, every line is a field (a two-letter tag met before,
    a space, a value) or a continuation (three spaces, more); no tag twice; ``PT``, if
    present, first. Anything else goes to the careful parser in :func:`_parse_block`, which
    gives the same result for what this accepts. One regex split in C, and C-level maps.
    """
    if block[:1] != "\n":
        skip, text = 0, "\n" + block
    elif block[1:2] != "\n":
        skip, text = 1, block  # the blank line after the previous ER
    else:
        skip = len(block) - len(block.lstrip("\n"))
        text = block[skip - 1 :]
    parts = _LINE_START.split(text)  # ["", tag, value, tag, value, ...]
    fields = dict(zip(map(TAG_KEYS.get, parts[1::2]), map(str.strip, parts[2::2]), strict=True))
    if None in fields:  # a line of neither kind, or a tag not met before
        if not _check_tags(parts[1::2]):
            return None
        fields = dict(zip(map(TAG_KEYS.get, parts[1::2]), map(str.strip, parts[2::2]), strict=True))
    if parts[0] or 2 * len(fields) != len(parts) - 1:
        return None  # text before the first field, or a repeated tag (a missing ER)
    if parts[1] != "PT" and "pt" in fields:
        return None  # PT starts a new record
    return skip, fields


def _check_tags(tags: list[str | None]) -> bool:
    """True if every tag is a two-letter tag other than FN, VR, EF or ER; remember them."""
    for tag in tags:
        if tag not in TAG_KEYS:
            if tag is None or tag in _FILE_TAGS or tag == "ER" or not _is_tag(tag):
                return False
            TAG_KEYS[tag] = tag.lower()
    return True


def _is_tag(head: str) -> bool:
    return len(head) == 2 and head.isascii() and head.isupper() and head.isalnum()


_Raw = tuple[int, dict[str, str], list[tuple[str, int]], bool]


def _parse_block(block: str, line: int, ended: bool) -> Iterator[_Raw]:
    """Records in one block: ``(first line, fields, notes, ended by ER)``; fields as
    :func:`wos_fields` makes them."""
    fast = _fast_fields(block) if ended else None
    if fast:
        yield line + fast[0], fast[1], [], True
        return
    notes: list[tuple[str, int]] = []
    fields, tag, start = {}, "", line
    for piece in _NEW_PIECE.split(block):
        here = line
        line += piece.count("\n") + 1
        head = piece[:2]
        if not (_is_tag(head) and piece[2:3] in " \n"):
            if piece and not piece.isspace():
                notes.append(("wos-stray-line", here))
                if tag:
                    fields[tag] += "\n" + piece
            continue
        if head in _FILE_TAGS or head == "ER" or (head == "PT" and fields):
            if fields:
                yield start, wos_fields(fields), notes, head == "ER"
                fields, notes = {}, []
            tag = ""
            if head != "PT":
                continue
        if not fields:
            start = here
        tag = head
        value = piece[3:]
        fields[tag] = fields[tag] + "\n" + value if tag in fields else value
    if fields:
        yield start, wos_fields(fields), notes, ended


def _iter_records(fh: TextIO) -> Iterator[_Raw]:
    for line, block, ended in _iter_blocks(fh):
        yield from _parse_block(block, line, ended)


def read_wos(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a Web of Science plain-text export, streaming one record at a time.

    Also reads CiteSpace-converted CNKI files (``download_*.txt``); their records get
    ``format="cnki-citespace"``. A record without a closing ``ER`` is still yielded, with a
    warning; several exports concatenated into one file are read as one.

    Parameters
    ----------
    source:
        A path or an open binary file (UTF-8 with or without BOM, or UTF-16 with BOM).
    name:
        The name to report in messages (defaults to the path).

    Yields
    ------
    RawRecord
        One per record, numbered from 1, with ``format="wos"``.

    Raises
    ------
    InputError
        If the file holds no record at all.

    Examples
    --------
    >>> import io
    >>> data = b"FN Clarivate\\nVR 1.0\\nPT J\\nAU Li, X\\nTI A title\\nPY 2024\\nER\\nEF\\n"
    >>> [(r.title, r.authors, r.year) for r in read_wos(io.BytesIO(data), name="x.txt")]
    [('A title', ['Li, X'], 2024)]
    """
    label = source_name(source, name)
    count = 0
    # Records with no field but PT are held back until a real record shows the file is an
    # export: a file of nothing but such skeletons yields no record (an error, not prose).
    held: list[RawRecord] = []
    real = False
    with open_text(source, name=label) as fh:
        for start, fields, notes, ended in _iter_records(fh):
            count += 1
            empty = not (fields.keys() - {"pt"})
            rec = wos_record(fields, label, count, "wos")
            for problem in rec.problems:
                problem.line = start  # record-level warnings point at the record's first line
            for code, line in notes:
                rec.problems.append(wos_problem(code, label, count, line))
            if not ended:
                rec.problems.append(wos_problem("wos-truncated", label, count, start))
            if real or not (empty and len(held) < _HOLD):
                real = True
                yield from held
                held.clear()
                yield rec
            else:
                held.append(rec)
    if not real:
        raise InputError(
            "文件中没有找到 Web of Science 记录（每条记录应以 PT 等字段开头、以 ER 结束）；"
            "请在 WoS 导出时选择“纯文本文件”，或确认这是 CiteSpace 转换后的 download_*.txt",
            "no Web of Science record found (a record starts with tags such as PT and ends "
            "with ER); export from WoS as 'Plain text file', or check that this is a "
            "CiteSpace-converted download_*.txt",
            file=label,
        )


#: How many field-less records :func:`read_wos` holds back before it takes the file as an export.
_HOLD = 1000


def _split_c1(value: str) -> list[str]:
    """Split tab-delimited ``C1`` on ``; `` outside ``[...]`` author lists."""
    if "[" not in value:
        return value.split("; ")
    out, depth, begin = [], 0, 0
    for i, ch in enumerate(value):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            out.append(value[begin:i])
            begin = i + 1
    out.append(value[begin:])
    return out


def _tab_header(line: str, label: str, number: int) -> list[str]:
    cells = [c.strip().lstrip("\ufeff") for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    if "TI" not in cells or not all(len(c) == 2 and c.isupper() for c in cells):
        raise InputError(
            "第一行不是 Web of Science 制表符分隔文件的表头（应为 PT、AU、TI … UT 等字段标签）；"
            "请在 WoS 导出时选择“制表符分隔文件”",
            "the first line is not a Web of Science tab-delimited header (tags such as PT, AU, "
            "TI … UT); export from WoS as 'Tab delimited file'",
            file=label,
            line=number,
        )
    return cells


def _tab_fields(header: list[str], cells: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for tag, value in zip(header, cells, strict=False):
        value = value.strip()
        if not value:
            continue
        if tag == "C1":
            value = "\n".join(_split_c1(value))
        elif tag in LIST_TAGS:
            value = value.replace("; ", "\n")
        fields[tag] = value
    return fields


def read_wos_tab(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a Web of Science tab-delimited export (UTF-8 or UTF-16 LE with BOM).

    The first line names the fields by their two-letter tags; every other line is one
    record. Fields map onto :class:`~zhagen.records.RawRecord` as in :func:`read_wos`;
    list fields (AU, AF, C1, CR …) are split on ``; ``.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (defaults to the path).

    Yields
    ------
    RawRecord
        One per data line, numbered from 1, with ``format="wos-tab"``.

    Raises
    ------
    InputError
        If the first line is not a WoS header, or the file holds no record.

    Examples
    --------
    >>> import io
    >>> data = "PT\\tAU\\tTI\\tPY\\nJ\\tLi, X; Wang, Y\\tA title\\t2024\\n".encode()
    >>> [(r.authors, r.year) for r in read_wos_tab(io.BytesIO(data), name="x.txt")]
    [(['Li, X', 'Wang, Y'], 2024)]
    """
    label = source_name(source, name)
    header: list[str] | None = None
    count = 0
    for number, line in iter_lines(source, name=label):
        if not line.strip():
            continue
        if header is None:
            header = _tab_header(line, label, number)
            continue
        cells = line.split("\t")
        count += 1
        rec = wos_record(wos_fields(_tab_fields(header, cells)), label, count, "wos-tab")
        for problem in rec.problems:
            problem.line = number
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            rec.problems.append(_tab_columns(label, count, number, len(cells), len(header)))
        yield rec
    if not count:
        raise InputError(
            "文件中没有找到 Web of Science 记录（只有表头或为空）；请重新导出",
            "no Web of Science record found (the file is empty or has only a header); "
            "export it again",
            file=label,
        )


def _tab_columns(label: str, number: int, line: int, got: int, want: int) -> Problem:
    return Problem(
        label,
        f"这一行有 {got} 列，表头只有 {want} 列；多出的列已忽略（字段中可能含有制表符）",
        f"this line has {got} columns but the header has {want}; the extra columns were "
        "ignored (a field may contain a tab)",
        "warning",
        "wos-tab-columns",
        number,
        line,
    )


_WOS_TAB_HEAD = re.compile(r"(PT|FN)\t(AU|[A-Z][A-Z0-9])\t")


def _sniff(head: Head) -> Sniff:
    """Plain text starts with ``FN``/``VR``, or with ``PT`` followed by ``AU``/``TI`` lines."""
    first = head.first
    if first[:3] in ("FN ", "VR ", "FN\t", "VR\t"):
        return Sniff(0.95, "FN/VR header")
    if first[:3] in ("PT ", "PT\t") and any(ln[:3] in _SNIFF_STARTS for ln in head.lines):
        return Sniff(0.9, "PT first, AU/TI lines")
    if first[:2] == "PT" and any(ln.rstrip() == "ER" for ln in head.lines):
        return Sniff(0.6, "PT first, ER record ends")  # a skeleton: its reader says what is missing
    return NO


_SNIFF_STARTS = frozenset({"AU ", "TI ", "AU\t", "TI\t"})


def _sniff_citespace(head: Head) -> Sniff:
    """CiteSpace-converted CNKI: WoS plain text whose ``UT`` says ``CNKI:``."""
    wos = _sniff(head)
    if wos.confidence and ("UT CNKI:" in head.text or "UT\tCNKI:" in head.text):
        return Sniff(wos.confidence + 0.02, wos.reason + ", UT CNKI:")
    return NO


def _sniff_tab(head: Head) -> Sniff:
    """Tab-delimited: a header row of tags separated by TABs."""
    return Sniff(0.95, "a header row of tags") if _WOS_TAB_HEAD.match(head.first) else NO


#: What this module reads (see :mod:`zhagen.formats.detect`). A TAB after the tag is read
#: as a space (:func:`_normalise`), so records may also start with ``PT<TAB>``.
FORMAT_SPECS = (
    FormatSpec("wos", __name__, "read_wos", (".txt",), _sniff, (b"\nPT ", b"\nPT\t")),
    FormatSpec(
        "cnki-citespace", __name__, "read_wos", (".txt",), _sniff_citespace, (b"\nPT ", b"\nPT\t")
    ),
    FormatSpec("wos-tab", __name__, "read_wos_tab", (".txt", ".tsv"), _sniff_tab),
)
