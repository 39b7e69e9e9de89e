"""Readers (and, where a format is writable, writers) for every file format zhagen meets.

One module per format family, each with ``read_<fmt>(source, *, name=None)`` that yields
:class:`zhagen.records.RawRecord` objects. This module detects a file's format from its
content (the extension only breaks ties) and dispatches to the right reader.

>>> from zhagen.formats import FORMATS
>>> "cnki-refworks" in FORMATS
True
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from zhagen.errors import InputError, ParameterError
from zhagen.formats._io import Source, before_padding, decode, read_head, source_name
from zhagen.formats.detect import FormatSpec, Head, choose
from zhagen.records import RawRecord

__all__ = [
    "FORMATS",
    "CHUNK_STARTS",
    "SPECS",
    "check_last_record",
    "chunk_spans",
    "detect_format",
    "holds_record_start",
    "iter_chunks",
    "read_chunk",
    "read_records",
    "reader_for",
    "split_padding",
    "tail_from_json",
    "tail_to_json",
]

#: The reader modules, each declaring its formats in ``FORMAT_SPECS`` (see
#: :mod:`zhagen.formats.detect`). Order breaks ties between equally sure sniffs that the
#: extension does not settle. (``qde``: the declaration of :mod:`.refi_qda`, whose
#: reader ``zhagen add`` never uses.)
_READER_MODULES = (
    "cnki_refworks",
    "cnki_endnote",
    "cnki_noteexpress",
    "cnki_estudy",
    "cnki_table",
    "wos",
    "scopus",
    "documents",
    "html",
    "docx",
    "pdf",
    "qde",
)


@functools.cache
def _declared() -> tuple[FormatSpec, ...]:
    """Every format as its reader module declares it (the modules imported on first use,
    so that importing this package stays cheap)."""
    specs: list[FormatSpec] = []
    for module in _READER_MODULES:
        specs.extend(importlib.import_module(f"zhagen.formats.{module}").FORMAT_SPECS)
    return tuple(specs)


class _Tables(NamedTuple):
    specs: tuple[FormatSpec, ...]
    #: format name -> (module, reader function), for the formats ``zhagen add`` reads
    formats: dict[str, tuple[str, str]]
    #: formats whose records each begin with a line starting with this tag: such files can
    #: be cut into byte chunks at record starts and read in parallel (see iter_chunks)
    chunk_starts: dict[str, bytes]
    #: all the record starts a format declares (WoS: ``PT`` and a space, or a TAB):
    #: chunk_spans uses the one the file has
    record_starts: dict[str, tuple[bytes, ...]]


@functools.cache
def _tables() -> _Tables:
    specs = _declared()
    return _Tables(
        specs,
        {s.name: (s.module, s.reader) for s in specs if s.reader},
        {s.name: s.record_start[0] for s in specs if s.record_start},
        {s.name: s.record_start for s in specs},
    )


_PUBLIC = {"SPECS": "specs", "FORMATS": "formats", "CHUNK_STARTS": "chunk_starts"}


def __getattr__(name: str) -> object:
    """``SPECS`` (every :class:`FormatSpec`), ``FORMATS`` (name -> (module, reader
    function)) and ``CHUNK_STARTS`` (name -> bytes starting a record line, for formats that
    can be read in chunks), all derived from the reader modules' declarations."""
    if name in _PUBLIC:
        return getattr(_tables(), _PUBLIC[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CHUNK_ENCODINGS = {"utf-8", "utf-8-sig", "gb18030", "ascii"}
#: Size of the chunks a large export is cut into (see :func:`chunk_spans`).
CHUNK_BYTES = 8 << 20


def _by_ext(ext: str, fallback: str) -> str:
    return next((s.name for s in _declared() if ext in s.extensions and s.reader), fallback)


def _sniff_zip(path: str, label: str) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "cnki-table"
    if any(n.lower().endswith(".qde") for n in names):
        _refi_qda(label)
    return None


def detect_format(source: Source, *, name: str | None = None) -> str:
    """Detect a file's format from its content; the extension breaks ties.

    Each format's sniff (declared by its reader module, see :mod:`zhagen.formats.detect`)
    weighs the file's first 64 KB; the most confident wins. Raises :class:`InputError` for
    binary files that no reader understands, for content that contradicts the extension,
    for REFI-QDA projects (``zhagen import-qdpx`` imports those) and for files that look
    like a tagged export of a format zhagen does not read.

    >>> import io
    >>> detect_format(io.BytesIO(b"RT Journal Article\\nT1 A title\\n"), name="x.txt")
    'cnki-refworks'
    >>> doc = '{"title": "作者, a, b, c"}\\n'.encode()
    >>> detect_format(io.BytesIO(doc), name="d.jsonl")
    'jsonl'
    """
    label = source_name(source, name)
    head = read_head(source, name=label)
    ext = Path(label).suffix.lower()
    if not head:
        raise InputError(
            "文件为空，没有可导入的内容", "the file is empty; nothing to import", file=label
        )
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        is_path = isinstance(source, str | os.PathLike)
        fmt = _sniff_zip(os.fspath(source), label) if is_path else None
        if fmt:
            return fmt
        if ext in {".docx", ".xlsx"}:  # a damaged one: its reader says what is wrong
            return _by_ext(ext, "docx")
        if ext == ".qdpx":
            _refi_qda(label)
        raise InputError(
            "这是一个压缩包，但不是 docx 或 xlsx；请解压后导入其中的文件",
            "this is a zip archive but not a .docx or .xlsx; unzip it and add the files inside",
            file=label,
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if ext in {".xls", ".docx"}:  # an encrypted .docx is an OLE container: read_docx says so
            return _by_ext(ext, "docx")
        raise InputError(
            "这是旧版 Office 二进制文件（.doc/.xls），请另存为 .docx 或 .xlsx 后导入",
            "this is an old binary Office file (.doc/.xls); save it as .docx or .xlsx and add that",
            file=label,
        )
    sample = before_padding(head) or head  # zero padding: its reader says where it starts
    text, _enc, bad = decode(sample)
    if _is_binary(sample, text, bad):
        raise InputError(
            "这不是文本文件，也不是支持的格式（可能是二进制文件被改了扩展名）；"
            "请确认文件类型，另存为 txt、docx、pdf、html、jsonl、md 或知网/WoS/Scopus 导出格式后再导入",
            "this is not a text file nor a supported format (perhaps a binary file renamed); "
            "check what the file is and save it as txt, docx, pdf, html, jsonl, md or a "
            "CNKI/WoS/Scopus export, then add it again",
            file=label,
        )
    return choose(Head(text, ext), _declared(), label).name


def _refi_qda(label: str) -> None:
    """Raise the error that sends a REFI-QDA project to ``zhagen import-qdpx``."""
    spec = next(s for s in _declared() if s.name == "refi-qda")
    zh, en = spec.redirect or ("", "")
    raise InputError(zh, en, file=label)


#: Control characters other than \t \n \v \f \r and \x1a (DOS end of file): binary content.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")


def _is_binary(head: bytes, text: str, bad: int) -> bool:
    if not text:
        return False
    controls = len(_CONTROLS.findall(text, 0, 8192))
    sample = min(len(text), 8192)
    return (controls + bad) > 0.05 * sample or b"\x00\x00\x00" in head[:8192] and bad > 0


def reader_for(fmt: str) -> Callable[..., Iterator[RawRecord]]:
    """The reader function for a format name (see :data:`FORMATS`)."""
    try:
        module, func = _tables().formats[fmt]
    except KeyError:
        names = ", ".join(sorted(_tables().formats))
        raise ParameterError(
            f"未知的格式 {fmt!r}，可用格式：{names}",
            f"unknown format {fmt!r}; known formats: {names}",
        ) from None
    return getattr(importlib.import_module(module), func)


def read_records(
    source: Source, fmt: str | None = None, *, name: str | None = None
) -> Iterator[RawRecord]:
    """Read any supported file: detect its format (unless ``fmt`` is given) and yield records.

    Every record carries ``source`` (the name as given), ``record`` (from 1) and ``format``.
    """
    label = source_name(source, name)
    fmt = fmt or detect_format(source, name=label)
    for rec in reader_for(fmt)(source, name=label):
        if fmt == "cnki-citespace":
            rec.format = fmt
        yield rec


def chunk_spans(
    path: str | os.PathLike[str], fmt: str, *, size: int = CHUNK_BYTES
) -> Iterator[tuple[int, int]] | None:
    """Where to cut a large export into chunks that each hold whole records, or ``None``.

    Yields ``(offset, length)`` of consecutive chunks of about ``size`` bytes covering the
    file, each cut just before a line that starts a record. Only for formats in
    :data:`CHUNK_STARTS` saved in an ASCII-compatible encoding (where ``\n`` never occurs
    inside a multi-byte character). Each chunk can be read on its own (:func:`read_chunk`);
    record and line numbers then restart at 1 in each chunk and the caller adds the offsets.
    """
    from zhagen.formats._io import detect_encoding

    starts = _tables().record_starts.get(fmt)
    head = read_head(path)
    if not starts or detect_encoding(head) not in _CHUNK_ENCODINGS:
        return None
    start = next((s for s in starts if s in head), starts[0])
    return _chunks(os.fspath(path), start, size)


def iter_chunks(
    path: str | os.PathLike[str], fmt: str, *, size: int = CHUNK_BYTES
) -> Iterator[bytes] | None:
    """The bytes of the chunks :func:`chunk_spans` cuts, or ``None`` where it cuts none."""
    spans = chunk_spans(path, fmt, size=size)
    return None if spans is None else _read_spans(os.fspath(path), spans)


def _read_spans(path: str, spans: Iterator[tuple[int, int]]) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        for offset, length in spans:
            fh.seek(offset)
            yield fh.read(length)


#: Bytes the cutter reads at a time, backwards from where it would like a chunk to end.
_LOOK = 1 << 16


def _chunks(path: str, start: bytes, size: int) -> Iterator[tuple[int, int]]:
    """Spans of about ``size`` bytes, each ending before the last record start within it.

    Only the bytes around each cut are read (backwards from where the chunk would end):
    the chunks' readers read the rest. A record longer than ``size`` makes a longer chunk.
    """
    total = os.path.getsize(path)
    begin = 0
    with open(path, "rb") as fh:
        while begin < total:
            lo, end, cut = begin + 1, begin + size, total
            while end < total:
                found = _last_start(fh, start, lo, end)
                if found is not None:
                    cut = found
                    break
                lo, end = end - len(start) + 1, end + size  # a record longer than size
            yield begin, cut - begin
            begin = cut


def _last_start(fh: BinaryIO, start: bytes, lo: int, hi: int) -> int | None:
    """The offset just after the ``\n`` of the last ``start`` lying within ``[lo, hi)``."""
    while hi - lo >= len(start):
        base = max(lo, hi - _LOOK)
        fh.seek(base)
        window = fh.read(hi - base)
        at = window.rfind(start)
        if at >= 0:
            return base + at + 1
        hi = base + len(start) - 1  # a start may straddle the window's first byte
    return None


def read_chunk(chunk: bytes, fmt: str, name: str) -> tuple[list[RawRecord], object]:
    """Read one chunk made by :func:`iter_chunks` (records and lines numbered from 1).

    Returns the records and what their reader left for checking the file's last record,
    or ``None`` (see :class:`~zhagen.formats._io.ChunkSource`): when this chunk is the
    file's last, give that and the earlier chunks' to :func:`check_last_record`. A chunk
    holding nothing but blank lines gives no records (and no error).
    """
    from zhagen.formats._io import ChunkSource

    if not chunk.strip():
        return [], None
    source = ChunkSource(chunk)
    records = list(reader_for(fmt)(source, name=name))
    if fmt == "cnki-citespace":  # as read_records marks them (the reader does not)
        for rec in records:
            rec.format = fmt
    return records, source.tail


def holds_record_start(chunk: bytes, fmt: str) -> bool:
    """Whether a chunk holds the start of a record of ``fmt`` after its first byte (a file's
    first chunk may hold only its header, such as WoS's ``FN``/``VR`` lines).

    >>> holds_record_start(b"FN Clarivate\\nVR 1.0\\n", "wos")
    False
    >>> holds_record_start(b"FN Clarivate\\nVR 1.0\\nPT J\\n", "wos")
    True
    """
    return any(s[1:] in chunk for s in _tables().record_starts.get(fmt, ()))


def split_padding(chunk: bytes, name: str, *, offset: int = 0) -> tuple[bytes, InputError | None]:
    """A chunk up to a long run of NUL bytes (a damaged file), and the error naming the byte
    of the file where the run starts (``offset``: where the chunk starts in the file), or
    the chunk whole and ``None``. A file read in one stream ends its text there too.

    >>> data, error = split_padding(b"PT J\\nER\\n" + bytes(5000), "a.txt", offset=100)
    >>> data, error.en.split(" (")[0]
    (b'PT J\\nER\\n', 'not text: file damaged at byte 108')
    """
    from zhagen.formats._io import damaged_at

    text = before_padding(chunk)
    if len(text) == len(chunk):
        return chunk, None
    return text, damaged_at(name, offset + len(text))


def check_last_record(rec: RawRecord, tail: object, earlier: Sequence[object]) -> None:
    """Check the last record of a file read in chunks as its reader checks it in one pass.

    ``tail``: what :func:`read_chunk` returned with the last chunk, whose last record
    ``rec`` is (numbered in that chunk); ``earlier``: what it returned with each chunk
    before, in order. Adds the problems the reader would have added to ``rec``.
    """
    if tail is None:
        return
    from zhagen.formats._cnki_tagged import Tail, check_last

    assert isinstance(tail, Tail)
    check_last(rec, tail, [t for t in earlier if isinstance(t, Tail)])


def tail_to_json(tail: object) -> str | None:
    """What :func:`read_chunk` returned with a chunk, as JSON (``None`` for ``None``): an
    import cut off keeps it with the chunk's mark, so that the import run again can check
    the file's last record with every chunk's (:func:`check_last_record`).

    >>> records, tail = read_chunk(b"RT Journal Article\\r\\nT1 a\\r\\nYR 2020\\r\\n\\r\\n",
    ...                            "cnki-refworks", "a.txt")
    >>> tail_from_json(tail_to_json(tail)) == tail, tail_to_json(None)
    (True, None)
    """
    if tail is None:
        return None
    import json

    from zhagen.formats._cnki_tagged import Tail

    assert isinstance(tail, Tail)
    return json.dumps(
        {
            "common": None if tail.common is None else sorted(tail.common),
            "last": sorted(tail.last),
            "last_line": tail.last_line,
            "cut": tail.cut,
            "count": tail.count,
            "tags": tail.tags,
        },
        ensure_ascii=False,
    )


def tail_from_json(text: str | None) -> object:
    """The value :func:`tail_to_json` wrote (``None`` for ``None``)."""
    if text is None:
        return None
    import json

    from zhagen.formats._cnki_tagged import Tail

    d = json.loads(text)
    common = None if d["common"] is None else set(d["common"])
    return Tail(common, frozenset(d["last"]), d["last_line"], d["cut"], d["count"], d["tags"])
