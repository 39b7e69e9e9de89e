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
    "iter_chunks",
    "read_chunk",
    "read_records",
    "read_records_parallel",
    "reader_for",
]

#: The reader modules, each declaring its formats in ``FORMAT_SPECS`` (see
#: :mod:`zhagen.formats.detect`). Order breaks ties between equally sure sniffs that the
#: extension does not settle.
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
    "refi_qda",
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


def _read_chunk_job(
    job: tuple[str, int, int, str, bool],
) -> tuple[bytes, bool, object, int, bool]:
    """Read one chunk in a worker; its records go back as one compact serialised blob.

    Pickled as dataclasses, a WoS chunk's records cost the worker ~30 µs and the parent
    ~32 µs each (plus the parent's garbage collector scanning them as they arrived), against
    ~170 µs to read one: two processes used more CPU than the read saved. As flat tuples of
    plain values (:func:`~zhagen.records.record_to_tuple`) serialised with ``marshal`` they
    cost ~12 µs and ~22 µs, and the parent decodes them in its own thread with the collector
    paused (:func:`_decode_chunk`). Values ``marshal`` cannot carry (never from zhagen's
    readers) fall back to pickle: the flag says which.
    """
    import marshal

    from zhagen.records import record_to_tuple

    path, offset, length, fmt, last = job
    with open(path, "rb") as fh:
        fh.seek(offset)
        chunk = fh.read(length)
    if offset == 0 and not last and not any(s[1:] in chunk for s in _tables().record_starts[fmt]):
        # A file header alone (WoS ``FN``/``VR``): chunks smaller than the first record
        # are cut just before it. Later chunks hold records, so its reader's "no record"
        # error would be wrong.
        records, tail = [], None
    else:
        records, tail = read_chunk(chunk, fmt, path)
    rows = [record_to_tuple(rec) for rec in records]
    try:
        return marshal.dumps(rows), True, tail, chunk.count(b"\n"), last
    except ValueError:  # an object marshal does not know
        import pickle

        return pickle.dumps(rows, pickle.HIGHEST_PROTOCOL), False, tail, chunk.count(b"\n"), last


def _decode_chunk(blob: bytes, marshalled: bool) -> list[RawRecord]:
    """The records of a blob made by :func:`_read_chunk_job` (numbered within their chunk).

    The garbage collector is paused meanwhile: the records' lists and dicts are all new and
    all kept, so the collections their creation would trigger (each scanning every record
    read so far) would find nothing to free.
    """
    import gc

    from zhagen.records import record_from_tuple

    paused = gc.isenabled()
    gc.disable()
    try:
        if marshalled:
            import marshal

            rows = marshal.loads(blob)
        else:
            import pickle

            rows = pickle.loads(blob)
        return [record_from_tuple(row) for row in rows]
    finally:
        if paused:
            gc.enable()


def read_records_parallel(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    workers: int = 2,
    chunk_size: int = CHUNK_BYTES,
) -> Iterator[RawRecord]:
    """Like :func:`read_records`, with ``workers`` processes reading chunks of a large export.

    Records come in file order, numbered from 1, with line numbers of the whole file; formats
    that cannot be cut into chunks are read by :func:`read_records`. ``chunk_size``: bytes
    per chunk (see :func:`chunk_spans`).
    """
    from zhagen.run import map_partitions

    name = os.fspath(path)
    fmt = fmt or detect_format(path)
    spans = chunk_spans(path, fmt, size=chunk_size)
    if spans is None or workers <= 1:
        yield from read_records(path, fmt, name=name)
        return
    size = os.path.getsize(path)
    records = lines = 0
    tails: list[object] = []
    jobs = ((name, o, n, fmt, o + n == size) for o, n in spans)
    for blob, marshalled, tail, n_lines, last in map_partitions(
        _read_chunk_job, jobs, workers=workers
    ):
        batch = _decode_chunk(blob, marshalled)
        if last and batch:
            check_last_record(batch[-1], tail, tails)
        for rec in batch:
            rec.record += records
            for p in rec.problems:
                p.record = None if p.record is None else p.record + records
                p.line = None if p.line is None else p.line + lines
            yield rec
        tails.append(tail)
        records += len(batch)
        lines += n_lines
