"""Reading CNKI tagged exports: cutting a stream of ``<tag><value>`` lines into records.

RefWorks, EndNote, NoteExpress and E-Study exports all go through :func:`read_tagged`;
they differ only in how a tag looks and which tag means which canonical field (see
:mod:`zhagen.formats._cnki`, which builds the records).

Speed matters (a million-record RefWorks file is 1.2 GB): the text is read a block at a
time and cut into blank-line separated pieces with ``str`` methods; a piece that is one
clean record (known tags, each once, one line each) becomes a record with a single dict
comprehension. Anything else goes through :meth:`_Splitter.feed`, line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from zhagen.formats._cnki import CONTINUATION as _CONT
from zhagen.formats._cnki import make_record, no_records, problem
from zhagen.formats._io import ChunkSource, Source, open_text, source_name
from zhagen.records import RawRecord

__all__ = ["Classify", "Tail", "check_last", "read_tagged"]

_BLOCK = 1 << 20  # characters read at a time

#: ``line -> (tag, value)`` for a tagged line, ``None`` for a continuation or blank line.
Classify = Callable[[str], "tuple[str, str] | None"]


def _pieces(fh: TextIO) -> Iterator[tuple[list[str], int, bool]]:
    """Blank-line separated pieces, a block at a time: ``(pieces, separator, terminated)``.

    ``separator`` is the number of line ends after each piece: 2 (a blank line follows) or
    1 (a file without blank lines is cut at line ends, so memory stays bounded). Lines are
    split on ``\\n`` only and lose the ``\\r`` of ``\\r\\n``; a lone ``\\r`` stays. A block's
    pieces come in one list: a generator step per piece cost more than cutting them.
    """
    carry = ""
    while True:
        block = fh.read(_BLOCK)
        if not block:
            break
        text = carry + block if carry else block
        if "\r\n" in text:
            text = text.replace("\r\n", "\n")
        cut = text.rfind("\n\n")
        if cut >= 0:
            carry = text[cut + 2 :]
            yield text[:cut].split("\n\n"), 2, True
            continue
        cut = text.rfind("\n")
        if cut < 0:
            carry = text
            continue
        carry = text[cut + 1 :]
        yield [text[:cut]], 1, True
    if carry:
        terminated = carry.endswith("\n")
        carry = carry[:-1] if terminated or carry.endswith("\r") else carry
        yield [carry], 1, terminated


@dataclass(slots=True)
class _Chunk:
    """One record's fields: canonical field -> text (repeats, continuations joined by \\n)."""

    line: int
    last: int
    fields: dict[str, str]
    last_key: str
    stray: int = 0
    simple: bool = False  # no value holds a line break


class _Names(dict):  # type: ignore[type-arg]
    """tag -> canonical field, or ``~tag`` for a tag that maps onto none; cached per tag."""

    def __init__(self, known: dict[str, str], fallback: Callable[[str], str | None] | None):
        super().__init__(known)
        self.fallback = fallback

    def __missing__(self, tag: str) -> str:
        name = (self.fallback(tag) if self.fallback else None) or "~" + tag.strip()
        self[tag] = name
        return name


class _Splitter:
    """Cuts tagged lines into records, one line at a time."""

    def __init__(
        self,
        names: _Names,
        known: frozenset[str] | None,
        classify: Classify | None,
        start: frozenset[str],
    ) -> None:
        self.names, self.known, self.classify = names, known, classify
        self.start = frozenset(names[t] for t in start)
        self.cur: _Chunk | None = None
        self.blank = False
        self.stray = 0

    def _tag(self, line: str) -> tuple[str | None, str]:
        if self.known is None:
            tv = self.classify(line)  # type: ignore[misc]
        else:
            tag = line[:3]
            if tag in self.known:
                tv = tag, line[3:]
            elif len(line) == 2 and line + " " in self.known:  # no value and no space
                tv = line + " ", ""
            else:
                tv = None
        if tv is None:
            if line[:1] in (" ", "\t", "\ufeff") and line.strip():
                return self._indented_start(line)
            return None, ""
        return self.names[tv[0]], tv[1]

    def _indented_start(self, line: str) -> tuple[str | None, str]:
        """A record's first tag after stray spaces (as when exports are concatenated)."""
        line = line.lstrip(" \t\ufeff")
        if self.known is None:
            tv = self.classify(line)  # type: ignore[misc]
        else:
            tv = (line[:3], line[3:]) if line[:3] in self.known else None
        if tv is not None and self.names[tv[0]] in self.start:
            return self.names[tv[0]], tv[1]
        return None, ""

    def put(self, chunk: _Chunk) -> list[_Chunk]:
        """Start a record (a whole one, from the fast path); return the one it completes."""
        done = [self.cur] if self.cur is not None else []
        chunk.stray, self.stray = self.stray, 0
        self.cur, self.blank = chunk, False
        return done

    def feed(self, lines: list[str], number: int, blank: bool) -> list[_Chunk]:
        """Lines from line ``number`` on; return the records they complete."""
        done: list[_Chunk] = []
        self.blank = self.blank or blank
        for line in lines:
            key, value = self._tag(line)
            cur = self.cur
            if key is None:
                if not line or line.isspace():
                    self.blank = True
                elif cur is None:
                    self.stray += 1
                else:
                    # a keyword continuation line (the English keywords after CNKI's
                    # Chinese line, or a wrapped one) is marked, so that make_record can
                    # tell it from a repeated tag: the side a keyword is on comes from it
                    mark = _CONT if cur.last_key == "keywords" else "\n"
                    cur.fields[cur.last_key] += mark + line
                    cur.last, cur.simple = number, False
                    self.blank = False
            else:
                if cur is None or key in self.start or (self.blank and key in cur.fields):
                    cur = _Chunk(number, number, {}, key)
                    done += self.put(cur)
                fields = cur.fields
                fields[key] = fields[key] + "\n" + value if key in fields else value
                cur.last_key, cur.last, cur.simple = key, number, False
                self.blank = False
            number += 1
        return done


def read_tagged(
    source: Source,
    name: str | None,
    *,
    fmt: str,
    start_tags: frozenset[str],
    names: dict[str, str],
    what: tuple[str, str],
    known: frozenset[str] | None = None,
    classify: Classify | None = None,
    fallback: Callable[[str], str | None] | None = None,
) -> Iterator[RawRecord]:
    """Stream the records of a CNKI tagged export.

    Parameters
    ----------
    start_tags:
        Tags that always begin a new record (``"RT "``, ``"%0 "`` …). A tag that repeats
        after a blank line also begins one, so that records without a start tag still split.
    names:
        ``tag -> canonical field``; other tags go to ``extra`` unless ``fallback(tag)``
        names a field.
    what:
        The format's name in Chinese and English, for messages.
    known, classify:
        How to recognise a tagged line: the set of three-character tags (a two-character
        tag and its space, as in RefWorks and EndNote), or a function (see ``Classify``).
    """
    label = source_name(source, name)
    table = _Names(names, fallback)
    fast = {t: table[t] for t in known or ()}  # a plain dict: KeyError for unknown tags
    splitter = _Splitter(table, known, classify, start_tags)
    common: set[str] | None = None
    count = unterminated = 0
    number, blank, empty = 1, False, True  # first line of a piece; a blank line before it
    with open_text(source, name=label) as fh:
        for pieces, separator, terminated in _pieces(fh):
            for text in pieces:
                if empty and text and not text.isspace():
                    empty = False
                lines = text.split("\n")
                chunk = _fast(text, lines, number, fast, start_tags) if fast else None
                done = splitter.put(chunk) if chunk else splitter.feed(lines, number, blank)
                if not terminated:
                    unterminated = number + len(lines) - 1
                number += len(lines) - 1 + separator
                blank = separator == 2
                for ready in done:
                    count += 1
                    yield _build(ready, label, count, fmt)
                    common = _narrow(common, ready.fields)
        last = splitter.cur
        if last is not None:
            count += 1
            rec = _build(last, label, count, fmt)
            tail = Tail(
                common, frozenset(last.fields), last.last, unterminated == last.last, count,
                _tags(table),
            )  # fmt: skip
            if isinstance(source, ChunkSource):
                source.tail = tail  # the caller checks the file's last record (check_last)
            else:
                _check_truncated(rec, tail)
            yield rec
    if count == 0:
        raise no_records(label, what[0], what[1], empty=empty)


def _narrow(common: set[str] | None, fields: dict[str, str]) -> set[str]:
    """The fields every record so far has (see _check_truncated), updated in place."""
    if common is None:
        return set(fields)
    if not fields.keys() >= common:  # a C-level test: no new set for the usual record
        common &= fields.keys()
    return common


def _fast(
    text: str, lines: list[str], number: int, fast: dict[str, str], start: frozenset[str]
) -> _Chunk | None:
    """A piece that is one clean record (each line a known tag, each tag once), or None."""
    if lines[0][:3] not in start:
        return None
    try:
        fields = {fast[ln[:3]]: ln[3:] for ln in lines}
    except KeyError:  # a line without a known tag
        return None
    if len(fields) != len(lines):  # a tag twice (or two tags for one field)
        return None
    return _Chunk(number, number + len(lines) - 1, fields, fast[lines[-1][:3]], 0, "\r" not in text)


def _build(chunk: _Chunk, label: str, number: int, fmt: str) -> RawRecord:
    rec = make_record(
        chunk.fields, source=label, record=number, fmt=fmt, line=chunk.line, simple=chunk.simple
    )
    if chunk.stray:
        rec.problems.append(
            problem(
                label, number, chunk.line, "stray-lines",
                f"此记录之前有 {chunk.stray} 行不属于任何记录，已跳过",
                f"{chunk.stray} line(s) before this record belong to no record and were skipped",
                "warning",
            )
        )  # fmt: skip
    return rec


@dataclass(slots=True)
class Tail:
    """What reading a chunk leaves for checking the file's last record (see ChunkSource).

    :func:`read_tagged` flags a file's last record when it lacks a field every earlier
    record had (or the file ends inside its last line). Read in chunks, the records before
    it are spread over every chunk; each chunk's reader says what it saw here, and
    :func:`check_last` decides with all of them, as one reader of the whole file would.
    """

    common: set[str] | None  # fields every record but the last had (None: one record)
    last: frozenset[str]  # the fields of the last record
    last_line: int  # the last record's last line
    cut: bool  # the text ends inside that line (no line end after it)
    count: int  # records read
    tags: dict[str, str]  # canonical field -> its tag as written, to name it in messages

    def seen(self) -> set[str]:
        """The fields every record had, the last one too (for a chunk that is not the last)."""
        return set(self.last) if self.common is None else self.common & self.last


def _tags(names: _Names) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag, name in names.items():
        tags.setdefault(name, tag.strip())
    return tags


def check_last(rec: RawRecord, tail: Tail, earlier: Sequence[Tail]) -> None:
    """Flag the file's last record ``rec``, read last in the chunk ``tail`` describes, as
    :func:`read_tagged` flags it in one pass (``earlier``: the chunks before, in order)."""
    common: set[str] | None = None
    tags: dict[str, str] = {}
    for t in (*earlier, tail):
        for name, tag in t.tags.items():
            tags.setdefault(name, tag)
    for seen in [t.seen() for t in earlier] + ([tail.common] if tail.common is not None else []):
        common = set(seen) if common is None else common & seen
    count = sum(t.count for t in earlier) + tail.count
    _check_truncated(rec, Tail(common, tail.last, tail.last_line, tail.cut, count, tags))


def _check_truncated(rec: RawRecord, tail: Tail) -> None:
    """Flag the last record if it lacks fields all earlier records had, or the file was cut."""
    if tail.common is not None and tail.count >= 3:
        missing = sorted(tail.tags.get(k, k.lstrip("~")) for k in tail.common - tail.last)
    else:
        missing = ["(end of line)"] if tail.cut else []
    if not missing:
        return
    rec.problems.append(
        problem(
            rec.source, rec.record, tail.last_line, "truncated",
            "文件似乎在这条记录中间结束（缺少 " + "、".join(missing) + "），记录可能不完整；"
            "请重新导出",
            "the file seems to end in the middle of this record (missing "
            + ", ".join(missing) + "); the record may be incomplete: export it again",
            "warning" if rec.title else "error",
        )
    )  # fmt: skip
