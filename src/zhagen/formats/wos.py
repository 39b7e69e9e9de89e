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

import re
from collections.abc import Iterator
from operator import itemgetter
from typing import TextIO

from zhagen.errors import InputError
from zhagen.formats._io import Source, iter_lines, open_text, source_name
from zhagen.records import Problem, RawRecord

__all__ = ["read_wos", "read_wos_tab"]

#: Fields whose lines (plain text) or ``; ``-separated parts (tab-delimited) are items.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "C1", "CR"})
#: File-level tags outside records.
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
#: Tags stored verbatim in a RawRecord field and so not repeated in ``extra``.
_USED = frozenset({"TI", "SO", "VL", "IS", "AB", "DI", "SN", "CR", "DE", "ID"})
_USED_AF = _USED | {"AF", "PY"}
_USED_AU = _USED | {"AU", "PY"}
_LOWER: dict[str, str] = {}  # tag -> key in ``extra`` (grows at run time)
_TAGS_SEEN: set[str] = set()  # two-letter tags already checked (grows at run time)
_THIRD = itemgetter(slice(2, 3))
_SEP = "\x1f"  # separates the lines of a field value inside this module
_WRAP = 80  # WoS wraps at 75 characters; a longer line ends a paragraph
_CHUNK = 1 << 20  # characters read at a time

# A new piece starts at every line that does not start with a space (continuations do).
_NEW_PIECE = re.compile(r"\n(?=[^ \n])")
_ER_SPACES = re.compile(r"\nER[ \t]+\n")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KEYWORD_SEP = re.compile(r"[;；]")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

_LANGS = {
    "english": "en", "chinese": "zh", "中文": "zh", "英文": "en", "japanese": "ja",
    "korean": "ko", "german": "de", "french": "fr", "spanish": "es", "portuguese": "pt",
    "russian": "ru", "italian": "it", "dutch": "nl", "polish": "pl", "turkish": "tr",
    "czech": "cs", "arabic": "ar", "persian": "fa", "ukrainian": "uk", "hungarian": "hu",
    "swedish": "sv", "croatian": "hr", "slovenian": "sl", "serbian": "sr", "malay": "ms",
    "indonesian": "id", "greek": "el", "romanian": "ro", "slovak": "sk", "norwegian": "no",
    "danish": "da", "finnish": "fi", "hebrew": "he", "catalan": "ca", "vietnamese": "vi",
    "thai": "th", "lithuanian": "lt",
}  # fmt: skip

_DOC_TYPES = {
    "proceedings paper": "conference", "meeting abstract": "conference",
    "meeting summary": "conference", "conference paper": "conference",
    "conference review": "conference", "book": "book", "book chapter": "book",
    "patent": "patent", "thesis": "thesis", "dissertation": "thesis", "report": "report",
    "standard": "standard", "期刊": "journal", "期刊论文": "journal", "学位论文": "thesis",
    "博士论文": "thesis", "硕士论文": "thesis", "会议论文": "conference", "会议": "conference",
    "报纸": "newspaper", "图书": "book", "专著": "book", "专利": "patent", "标准": "standard",
    "年鉴": "yearbook", "报告": "report",
}  # fmt: skip
_PT_TYPES = {"J": "journal", "B": "book", "S": "book", "P": "patent", "C": "conference"}

_MESSAGES = {
    "wos-truncated": (
        "这条记录没有 ER 结束行（文件可能被截断，或几个文件拼接时出错）；已导入现有字段，"
        "请检查这条记录是否完整，必要时重新导出",
        "the record has no closing ER line (the file may be truncated or badly concatenated); "
        "the fields present were imported; check the record and re-export if needed",
    ),
    "wos-stray-line": (
        "这一行既不是字段（两个大写字母加空格开头）也不是续行（三个空格开头），已并入上一字段；"
        "文件可能被手工编辑过",
        "this line is neither a field (two capitals and a space) nor a continuation (three "
        "spaces); it was added to the previous field; was the file edited by hand?",
    ),
    "wos-no-title": ("这条记录没有题名（TI）", "the record has no title (TI)"),
    "wos-no-year": (
        "这条记录没有出版年（PY），时间分析将跳过它",
        "the record has no publication year (PY); time-based analyses will skip it",
    ),
    "wos-year-repaired": (
        "出版年（PY）不是四位数字，已从 {src} 字段取得年份 {year}",
        "the publication year (PY) is not four digits; took year {year} from {src}",
    ),
}


def _has_han(text: str) -> bool:
    """True if ``text`` contains a Chinese character."""
    return not text.isascii() and _HAN.search(text) is not None


def _language_code(name: str) -> str:
    """ISO 639-1 code for a language name as WoS/Scopus spell it; unknown names unchanged."""
    first = _KEYWORD_SEP.split(name, 1)[0].strip()
    return _LANGS.get(first.lower(), first)


def _split_keywords(text: str) -> list[str]:
    """Split a keyword field on ``;`` or ``；`` and drop empty parts."""
    parts = text.split(";") if "；" not in text else _KEYWORD_SEP.split(text)
    return [k for k in [p.strip() for p in parts] if k]


def _by_language(keywords: list[str], text: str) -> dict[str, list[str]]:
    """Group keywords as ``zh`` (with a Han character) or ``en``; ``text`` is all of them."""
    if not _has_han(text):
        return {"en": keywords}
    out: dict[str, list[str]] = {}
    for kw in keywords:
        out.setdefault("zh" if _has_han(kw) else "en", []).append(kw)
    return out


def _guess_language(title: str) -> str:
    """``zh`` for a title with Chinese characters, ``en`` for another title, else ``""``."""
    return ("zh" if _has_han(title) else "en") if title else ""


def _doc_type(dt: str, pt: str = "") -> str:
    """Map a document type (first ``;`` part) and WoS ``PT`` code onto ``DOC_TYPES``."""
    first = _KEYWORD_SEP.split(dt, 1)[0].strip().lower()
    if first in _DOC_TYPES:
        return _DOC_TYPES[first]
    return _PT_TYPES.get(pt.strip().upper()[:1], "journal" if first else "other")


def _problem(code: str, label: str, number: int, line: int | None, **fmt: object) -> Problem:
    zh, en = _MESSAGES[code]
    return Problem(label, zh.format(**fmt), en.format(**fmt), "warning", code, number, line)


def _items(value: str) -> list[str]:
    """The non-empty lines of a field value (lines separated by ``_SEP``), stripped."""
    if _SEP not in value:
        value = value.strip()
        return [value] if value else []
    return list(filter(None, map(str.strip, value.split(_SEP))))


def _join_wrapped(lines: list[str]) -> str:
    """Undo soft wraps: a space between lines, nothing between two CJK characters."""
    if len(lines) == 1:
        return lines[0]
    joined = " ".join(lines)
    if joined.isascii():
        return joined
    out = lines[0]
    for nxt in lines[1:]:
        if _CJK.match(out[-1]) and _CJK.match(nxt[0]):
            out += nxt
        else:
            out += " " + nxt
    return out


def _text(value: str) -> str:
    """A single-valued field: soft-wrapped lines joined, paragraph breaks kept as ``\\n``."""
    if _SEP not in value:
        return value.strip()
    lines = _items(value)
    if len(lines) < 2:
        return lines[0] if lines else ""
    if any(len(x) > _WRAP for x in lines[:-1]):
        return "\n".join(lines)
    return _join_wrapped(lines)


def _keywords(value: str) -> list[str]:
    lines = _items(value)
    return _split_keywords(_join_wrapped(lines)) if lines else []


def _affiliation(line: str) -> list[str]:
    """A ``C1`` line without its ``[authors]`` prefix (Chinese lists split on ``;``)."""
    if line.startswith("["):
        end = line.find("]")
        if end > 0:
            line = line[end + 1 :].strip()
    if _has_han(line):
        return _split_keywords(line)
    return [line] if line else []


def _year(fields: dict[str, str], rec: RawRecord) -> bool:
    """Set ``rec.year``; return True if ``PY`` was used verbatim."""
    py = fields.get("PY", "").strip()
    if len(py) == 4 and py.isdigit():
        rec.year = int(py)
        return True
    for tag in ("PY", "EA", "PD"):
        match = _YEAR.search(fields.get(tag, ""))
        if match:
            rec.year = int(match.group(1))
            code = "wos-year-repaired"
            rec.problems.append(
                _problem(code, rec.source, rec.record, None, src=tag, year=rec.year)
            )
            return False
    rec.problems.append(_problem("wos-no-year", rec.source, rec.record, None))
    return False


def _record(fields: dict[str, str], label: str, number: int, fmt: str) -> RawRecord:
    """Build a RawRecord from ``tag -> raw value`` (lines separated by ``_SEP``)."""
    get = fields.get
    rec = RawRecord(source=label, record=number, format=fmt)
    full, short = _items(get("AF", "")), _items(get("AU", ""))
    rec.authors = full or short
    used = _USED_AF if full else _USED_AU
    rec.title = _text(get("TI", ""))
    rec.venue = _text(get("SO", ""))
    rec.volume = _text(get("VL", ""))
    rec.issue = _text(get("IS", ""))
    begin, end = _text(get("BP", "")), _text(get("EP", ""))
    rec.pages = f"{begin}-{end}" if begin and end else begin or end
    rec.abstract = _text(get("AB", ""))
    rec.doi = _text(get("DI", ""))
    rec.issn = _text(get("SN", "")) or _text(get("EI", ""))
    rec.cited_refs = _items(get("CR", ""))
    rec.affiliations = [a for line in _items(get("C1", "")) for a in _affiliation(line)]
    own, plus = _keywords(get("DE", "")), _keywords(get("ID", ""))
    if own:
        rec.keywords.update(_by_language(own, get("DE", "")))
    if plus:
        rec.keywords["plus"] = plus
    rec.type = _doc_type(_text(get("DT", "")), get("PT", ""))
    la = _text(get("LA", ""))
    rec.lang = _language_code(la) if la else _guess_language(rec.title)
    if not rec.title:
        rec.problems.append(_problem("wos-no-title", label, number, None))
    if not _year(fields, rec):
        used = used - {"PY"}
    low = _LOWER
    extra = {low.get(t) or _lower(t): v.strip() for t, v in fields.items() if t not in used}
    for tag, value in fields.items():
        if _SEP in value and tag not in used:  # a value of several lines
            extra[low[tag]] = "\n".join(_items(value)) if tag in _LIST_TAGS else _text(value)
    rec.extra = {k: v for k, v in extra.items() if v} if "" in extra.values() else extra
    if rec.extra.get("ut", "")[:5].upper() == "CNKI:":
        rec.format = "cnki-citespace"
    return rec


def _lower(tag: str) -> str:
    _LOWER[tag] = low = tag.lower()
    return low


def _iter_blocks(fh: TextIO) -> Iterator[tuple[int, str, bool]]:
    """Yield ``(first line, text between two ER lines, ended by ER)``, streaming.

    The text of a block has no ER line and no line end before it. The block after the
    last ER (normally just ``EF``) is yielded with ``ended=False``.
    """
    line, tail = 1, ""
    pending: list[str] = []  # the start of the current block; each part ends with \n
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        buf = tail + chunk
        cut = buf.rfind("\n") + 1
        tail = buf[cut:]
        if cut:
            for block in _split_er(buf[:cut], pending):
                yield line, block, True
                line += block.count("\n") + 2
    if tail:
        for block in _split_er(tail + "\n", pending):
            yield line, block, True
            line += block.count("\n") + 2
    rest = "".join(pending)
    if rest.strip():
        yield line, rest, False


def _split_er(text: str, pending: list[str]) -> list[str]:
    """Complete blocks in ``text`` (whole lines), given the ``pending`` start of a block.

    ``pending`` is updated in place to hold the start of the next, unfinished block.
    """
    text = "\n" + _normalise(text)
    parts = text.split("\nER\n")
    if len(parts) == 1 and ("\nER " in text or "\nER\t" in text):
        # no bare ER line in a whole chunk: ER lines with trailing blanks, perhaps. (Single
        # ones elsewhere reach the careful parser, which also ends a record at them.)
        parts = _ER_SPACES.sub("\nER\n", text).split("\nER\n")
    first = parts[0][1:]  # without the \n put in front above
    if len(parts) == 1:
        if first:
            pending.append(first)
        return []
    head = "".join(pending)
    pending.clear()
    # parts[0] is empty when the text starts with an ER line: the block is just ``head``
    blocks = [head + first if parts[0] else head[:-1], *parts[1:-1]]
    if parts[-1]:
        pending.append(parts[-1])
    return blocks


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "\ufeff" in text:  # the BOM of a second file appended to the first
        # WoS ends a file with "EF" and no line end, so "cat a.txt b.txt" gives "EF<BOM>FN";
        # the line end put in makes later line numbers one too high in that case only
        text = text.replace("EF\ufeff", "EF\n").replace("\ufeff", "")
    return text


def _fast_fields(block: str) -> dict[str, str] | None:
    """``tag -> value`` for a well-formed block, or None if it needs the careful parser."""
    if _SEP in block:
        return None
    parts = block.replace("\n   ", _SEP).split("\n")
    fields = {p[:2]: p[3:] for p in parts if p}
    if len(fields) != len(parts) - parts.count(""):
        return None  # a repeated tag: two records without ER between them
    if not fields.keys() <= _TAGS_SEEN and not _check_tags(fields):
        return None
    if not set(map(_THIRD, parts)) <= {" ", ""}:
        return None  # a line that is not "XX value": let the careful parser report it
    return fields


def _check_tags(fields: dict[str, str]) -> bool:
    """True if every key is a two-letter tag other than FN, VR or EF; remember good ones."""
    for tag in fields:
        if tag not in _TAGS_SEEN:
            if tag in _FILE_TAGS or tag == "ER" or not _is_tag(tag):
                return False
            _TAGS_SEEN.add(tag)
    return True


def _is_tag(head: str) -> bool:
    return len(head) == 2 and head.isascii() and head.isupper() and head.isalnum()


_Raw = tuple[int, dict[str, str], list[tuple[str, int]], bool]


def _parse_block(block: str, line: int, ended: bool) -> Iterator[_Raw]:
    """Records in one block: ``(first line, tag -> value, notes, ended by ER)``."""
    fields = _fast_fields(block) if ended else None
    if fields:
        yield line + (block[:1] == "\n"), fields, [], True
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
                    fields[tag] += _SEP + piece.replace("\n", _SEP)
            continue
        if head in _FILE_TAGS or head == "ER" or (head == "PT" and fields):
            if fields:
                yield start, fields, notes, head == "ER"
                fields, notes = {}, []
            tag = ""
            if head != "PT":
                continue
        if not fields:
            start = here
        tag = head
        value = piece[3:].replace("\n", _SEP)
        fields[tag] = fields[tag] + _SEP + value if tag in fields else value
    if fields:
        yield start, fields, notes, ended


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
    with open_text(source, name=label) as fh:
        for start, fields, notes, ended in _iter_records(fh):
            count += 1
            rec = _record(fields, label, count, "wos")
            for problem in rec.problems:
                problem.line = start  # record-level warnings point at the record's first line
            for code, line in notes:
                rec.problems.append(_problem(code, label, count, line))
            if not ended:
                rec.problems.append(_problem("wos-truncated", label, count, start))
            yield rec
    if not count:
        raise InputError(
            "文件中没有找到 Web of Science 记录（每条记录应以 PT 等字段开头、以 ER 结束）；"
            "请在 WoS 导出时选择“纯文本文件”，或确认这是 CiteSpace 转换后的 download_*.txt",
            "no Web of Science record found (a record starts with tags such as PT and ends "
            "with ER); export from WoS as 'Plain text file', or check that this is a "
            "CiteSpace-converted download_*.txt",
            file=label,
        )


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
            value = _SEP.join(_split_c1(value))
        elif tag in _LIST_TAGS:
            value = value.replace("; ", _SEP)
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
        rec = _record(_tab_fields(header, cells), label, count, "wos-tab")
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
