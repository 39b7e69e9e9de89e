"""The import pipeline: files → readers → cleaning → the store.

``formats`` never imports ``text``; this module does the piping. The per-record work
(:func:`prepare_batch`) is a pure function over plain data, so it can run in worker
processes (:mod:`zhagen.run`); only the main process writes to the store.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from zhagen.errors import InputError, ZhagenError
from zhagen.records import Problem, RawRecord
from zhagen.store import docs as q
from zhagen.store.db import Store
from zhagen.store.docs import STAGE_COLUMNS

__all__ = ["FileReport", "ImportReport", "add_paths", "expand_paths", "prepare_batch", "dup_key"]

BATCH = 2000
_SKIP_SUFFIXES = (".zhagen", ".zhagen-wal", ".zhagen-shm", ".bak")
_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    status: str  # 'ok' | 'partial' | 'failed' | 'skipped'
    format: str | None = None
    records: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    """What happened to every file of one ``add``."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def ok(self) -> bool:
        """True when anything at all was imported (or everything was already there)."""
        return any(f.status in {"ok", "partial", "skipped"} for f in self.files)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Files to import, as given: folders are walked (sorted, hidden files skipped)."""
    out: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
                        continue
                    out.append(os.path.join(root, name))
        else:
            out.append(os.fspath(raw))
    return out


def dup_key(title: str, year: int | None) -> str | None:
    """Normalised title + year: lower case, letters, digits and Han characters only.

    >>> dup_key("新质生产力：理论与实践", 2024)
    '新质生产力理论与实践|2024'
    """
    norm = _KEY_DROP.sub("", title.lower())
    if len(norm) < 4:
        return None
    return f"{norm}|{year if year is not None else ''}"


class _Cleaner:
    """The text functions :func:`prepare_batch` needs, imported once per process.

    ``zhagen.text`` compiles ~60 ms of regular expressions on import, which commands that
    import no file should not pay; but an import statement per field costs ~1 µs, and a
    large export has millions of fields.
    """

    def __init__(self) -> None:
        from zhagen.text.clean import (
            clean,
            needs_cleaning,
            needs_normalising,
            normalise,
            to_simplified,
        )

        self.clean, self.needs_cleaning = clean, needs_cleaning
        self.needs_normalising = needs_normalising
        self.normalise, self.to_simplified = normalise, to_simplified

    def field(self, value: str) -> tuple[str, dict[str, Any]]:
        """A cleaned field and what cleaning did (empty when nothing: most titles)."""
        if not value:
            return "", {}
        if not self.needs_cleaning(value):
            return value, {}
        res = self.clean(value)
        info: dict[str, Any] = {k: v for k, v in res.report.items() if v}
        if res.flags:
            info["flags"] = [
                {"kind": f.kind, "start": f.start, "end": f.end, "snippet": f.snippet}
                for f in res.flags
            ]
        return res.text, info

    def keywords(self, keywords: dict[str, list[str]]) -> dict[str, list[str]]:
        """NFC, width, 繁→简 for every keyword at once (one call, not one per keyword)."""
        if not keywords:
            return {}
        flat = [w for words in keywords.values() for w in words]
        # Nothing to normalise in the keywords run together means nothing in the joined
        # text either, but for spaces at keyword edges, which the strip below removes as
        # normalise would: the usual case, at a third of the cost.
        if not self.needs_normalising("".join(flat)):
            cleaned = flat
        else:
            text = self.to_simplified(self.normalise(_KW_SEP.join(flat))[0])[0]
            cleaned = text.split(_KW_SEP)
            if len(cleaned) != len(flat):  # normalisation touched the separator
                cleaned = [self.to_simplified(self.normalise(w)[0])[0] for w in flat]
        out: dict[str, list[str]] = {}
        i = 0
        for lang, words in keywords.items():
            seen: dict[str, None] = {}
            for w in cleaned[i : i + len(words)]:
                w = w.strip()
                if w:
                    seen[w] = None
            i += len(words)
            out[lang] = list(seen)
        return out


@functools.cache
def _cleaner() -> _Cleaner:
    return _Cleaner()


_KW_SEP = "\n"  # keywords never hold a line break; normalise keeps line breaks


def _prepare_one(
    rec: RawRecord, cl: _Cleaner
) -> tuple[tuple[Any, ...], list[tuple[int, int]] | None]:
    """One record → a row (:data:`~zhagen.store.docs.DOC_COLUMNS` without ``source_id``)
    and, for raw documents, its sentence spans."""
    title, t_info = cl.field(rec.title)
    abstract, a_info = cl.field(rec.abstract)
    keywords = cl.keywords(rec.keywords)
    cleaning: dict[str, Any] = {}
    if t_info:
        cleaning["title"] = t_info
    if a_info:
        cleaning["abstract"] = a_info
    original: dict[str, Any] = {}
    if title != rec.title:
        original["title"] = rec.title
    if abstract != rec.abstract:
        original["abstract"] = rec.abstract
    if keywords != rec.keywords:
        original["keywords"] = rec.keywords
    body = None
    spans = None
    key = dup_key(title, rec.year)
    if rec.type == "document" or rec.text:
        from zhagen.text.sentences import split_sentences

        body, b_info = cl.field(rec.text)
        if b_info:
            cleaning["body"] = b_info
        if body != rec.text:
            original["body"] = rec.text
        spans = split_sentences(body)
        key = "sha1:" + hashlib.sha1(body.encode("utf-8")).hexdigest() if body else key
    row = (
        rec.record,
        rec.format,
        rec.type,
        title,
        _json(rec.authors),
        _json(rec.affiliations),
        rec.venue,
        rec.year,
        rec.volume,
        rec.issue,
        rec.pages,
        _json(keywords),
        abstract,
        rec.doi.strip().lower(),
        rec.issn,
        rec.url,
        rec.lang,
        body,
        _json(original) if original else None,
        _json(cleaning),
        _json(rec.cited_refs),
        _json(rec.extra),
        key,
    )
    return row, spans


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json's C encoder, made once: JSONEncoder.encode makes one per call, which is most of the
# ~3 µs it takes for a keyword dict (an import writes five JSON values per record). No
# check for reference cycles (markers=None): a record holds none.
_C_ENCODE = (
    c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None
    else None
)


def _json(value: Any) -> str:
    """Compact JSON, exactly as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if _C_ENCODE is not None:
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


def prepare_batch(
    records: list[RawRecord],
) -> list[tuple[tuple[Any, ...], list[tuple[int, int]] | None, list[Problem]]]:
    """Clean a batch of records (pure: plain data in, plain data out)."""
    cl = _cleaner()
    return [(*_prepare_one(r, cl), r.problems) for r in records]


def _batches(it: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    while batch := list(islice(it, size)):
        yield batch


def _sha256(path: str) -> tuple[str, int]:
    if os.path.isdir(path):
        raise InputError("这是一个文件夹，不是文件", "this is a folder, not a file", file=path)
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _problem_row(source_id: int | None, p: Problem) -> tuple[Any, ...]:
    return (source_id, p.file, p.record, p.line, p.severity, p.code, p.zh, p.en)


def _fail(
    store: Store, path: str, exc: ZhagenError, sha: str | None, size: int | None
) -> FileReport:
    prob = Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )
    with store.transaction():
        sid = q.insert_source(
            store,
            path=path,
            abspath=_abspath(path),
            sha256=sha,
            size=size,
            fmt=None,
            status="failed",
        )
        q.insert_problems(store, [_problem_row(sid, prob)])
        store.log("import.failed", {"path": path, "error": exc.en})
    return FileReport(path=path, status="failed", problems=[prob])


def _abspath(path: str) -> str | None:
    try:
        return os.path.abspath(path)
    except (OSError, ValueError):
        return None


#: Files larger than this are cut into chunks and read by worker processes, when their
#: format allows (see :func:`zhagen.formats.iter_chunks`).
PARALLEL_MIN_BYTES = 16 << 20
#: At most this many worker processes by default: the main process writes what they
#: prepare at ~4 times their speed, so more would wait for it (and it needs a core too).
MAX_WORKERS = 4

#: Files larger than this are written with the connection tuned for bulk writes (see
#: :meth:`~zhagen.store.db.Store.bulk_writes`); for smaller ones it would not pay its thread.
BULK_MIN_BYTES = 4 << 20

_DOI, _KEY = STAGE_COLUMNS.index("doi"), STAGE_COLUMNS.index("dup_key")


@dataclass(slots=True)
class _Prepared:
    """One unit of import work, read and cleaned (plain data, sent back from a worker)."""

    staged: bytes | list[tuple[Any, ...]]  # rows of the usable records (docs.stage_rows)
    kept: int  # how many rows ``staged`` holds
    spans: list[list[tuple[int, int]] | None] | None  # per row, if any is a raw document
    problems: list[Problem]  # of every record of the unit, in record order
    records: int  # records read, usable or not
    chunk: bool = False  # read from a chunk: numbers restart at 1 (see _read_into)
    lines: int = 0  # lines the chunk held
    error: Problem | None = None  # what stopped reading the chunk


def _prepare_unit(records: list[RawRecord], image: bool, chunk: bool, lines: int) -> _Prepared:
    """Clean records and stage the usable ones, with their first duplicate in the unit."""
    rows: list[tuple[Any, ...]] = []
    spans: list[list[tuple[int, int]] | None] = []
    problems: list[Problem] = []
    first_doi: dict[str, int] = {}
    first_key: dict[str, int] = {}
    cl = _cleaner()
    for rec in records:
        if rec.problems:
            problems += rec.problems
            if _unusable(rec.problems):
                continue
        row, sp = _prepare_one(rec, cl)
        n = len(rows) + 1
        doi, key = row[_DOI], row[_KEY]
        doi_first = first_doi.setdefault(doi, n) if doi else n
        key_first = first_key.setdefault(key, n) if key else n
        rows.append(
            (*row, doi_first if doi_first < n else None, key_first if key_first < n else None)
        )
        spans.append(sp)
    has_spans = any(sp is not None for sp in spans)
    return _Prepared(
        q.stage_rows(rows, image=image), len(rows), spans if has_spans else None, problems,
        len(records), chunk, lines,
    )  # fmt: skip


def _work(item: tuple[Any, ...]) -> _Prepared:
    """One unit of import work (runs in a worker process): read a chunk and/or clean records.

    ``image``: hand the rows back as an SQLite image (see :func:`~zhagen.store.docs.stage_rows`),
    which pays when they cross to another process.
    """
    # Records, their fields and rows hold no reference cycles, but the cyclic collector
    # would still walk the young ones ~every 700 allocations: a tenth of the reader's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if item[0] == "records":
            _kind, records, image = item
            return _prepare_unit(records, image, False, 0)
        if item[0] == "span":
            _kind, path, offset, length, fmt, image = item
            try:
                chunk = _read_span(path, offset, length)
            except (OSError, InputError) as exc:
                return _Prepared(
                    [], 0, None, [], 0, True, 0, _problem_from(path, _unreadable(path, exc))
                )
            return _read_chunk(chunk, fmt, path, image)
        return _read_chunk(*item[1:])
    finally:
        if collecting:
            gc.enable()


def _read_span(path: str, offset: int, length: int) -> bytes:
    """The bytes of one chunk, read by the worker process itself (see _work_items)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if len(data) != length:
        raise InputError(
            "文件在导入过程中被改动了，请等它保存完毕后重新导入",
            "the file changed while it was being imported; add it again once it is saved",
            file=path,
        )
    return data


def _read_chunk(chunk: bytes, fmt: str, name: str, image: bool) -> _Prepared:
    from zhagen.formats import read_chunk

    lines = chunk.count(b"\n")
    try:
        records = read_chunk(chunk, fmt, name)
    except ZhagenError as exc:
        return _Prepared([], 0, None, [], 0, True, lines, _problem_from(name, exc))
    if fmt == "cnki-citespace":  # as read_records marks them (the reader does not)
        for rec in records:
            rec.format = fmt
    return _prepare_unit(records, image, True, lines)


def _problem_from(path: str, exc: ZhagenError) -> Problem:
    return Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )


def _work_items(path: str, fmt: str, size: int, image: bool) -> Iterator[tuple[Any, ...]]:
    from zhagen.formats import iter_chunks, read_records

    chunks = iter_chunks(path, fmt) if size >= PARALLEL_MIN_BYTES else None
    if chunks is None:
        batches = _batches(iter(read_records(path, fmt, name=path)), BATCH)
        return (("records", b, image) for b in batches)
    if not image:  # read and cleaned in this process
        return (("chunk", c, fmt, path, image) for c in chunks)
    # Worker processes read their chunk from the file (the page cache: it was just hashed)
    # rather than from a pipe: sending a gigabyte through pipes cost the main process more
    # than it spends on anything but SQLite.
    return (("span", path, offset, length, fmt, image) for offset, length in _spans(chunks))


def _spans(chunks: Iterator[bytes]) -> Iterator[tuple[int, int]]:
    """``(offset, length)`` of each chunk (chunks cover the file, in order)."""
    offset = 0
    for chunk in chunks:
        yield offset, len(chunk)
        offset += len(chunk)


def _read_into(
    store: Store,
    sid: int,
    path: str,
    fmt: str,
    size: int,
    workers: int | None,
    report: FileReport,
) -> Problem | None:
    """Read, clean and store every record of one file; return the error that stopped it."""
    from zhagen.run import default_workers, map_partitions

    if workers is None:
        workers = min(MAX_WORKERS, default_workers()) if size >= PARALLEL_MIN_BYTES else 1
    items = _work_items(path, fmt, size, image=workers > 1)
    n_records = n_lines = 0
    try:
        bulk = store.bulk_writes() if size >= BULK_MIN_BYTES else contextlib.nullcontext()
        with bulk, q.staging(store):
            for unit in map_partitions(_work, items, workers=workers):
                if unit.chunk:  # numbered from 1 in the chunk: shift by the chunks before it
                    for p in (*unit.problems, *([unit.error] if unit.error else [])):
                        p.record = None if p.record is None else p.record + n_records
                        p.line = None if p.line is None else p.line + n_lines
                _store_unit(store, sid, unit, n_records if unit.chunk else 0, report)
                n_records += unit.records
                n_lines += unit.lines
                if unit.error is not None:
                    return unit.error
    except ZhagenError as exc:
        return _problem_from(path, exc)
    return None


def import_file(
    store: Store, path: str, fmt: str | None = None, *, workers: int | None = None
) -> FileReport:
    """Import one file; never raises for bad input (the report says what went wrong).

    ``workers``: processes for reading and cleaning; ``None`` chooses (2 for large exports).
    """
    from zhagen.formats import detect_format

    try:
        sha, size = _sha256(path)
    except (OSError, InputError) as exc:
        return _fail(store, path, _unreadable(path, exc), None, None)
    earlier = q.find_source(store, sha)
    if earlier is not None and earlier["status"] == "ok":
        return FileReport(path=path, status="skipped", records=0, format=None)
    try:
        fmt = fmt or detect_format(path)
    except ZhagenError as exc:
        return _fail(store, path, exc, sha, size)
    with store.transaction():
        if earlier is not None:
            q.delete_source_documents(store, earlier["id"])
        sid = q.insert_source(
            store,
            path=path,
            abspath=_abspath(path),
            sha256=sha,
            size=size,
            fmt=fmt,
            status="partial",
        )
    report = FileReport(path=path, status="partial", format=fmt)
    error = _read_into(store, sid, path, fmt, size, workers, report)
    with store.transaction():
        if error is not None:
            report.problems.append(error)
            q.insert_problems(store, [_problem_row(sid, error)])
        report.status = "ok" if error is None else ("failed" if report.records == 0 else "partial")
        # duplicates were marked as each unit was stored (q.insert_staged)
        q.finish_source(store, sid, status=report.status, n_records=report.records, fmt=fmt)
        store.log(
            "import",
            {
                "path": path,
                "sha256": sha,
                "format": fmt,
                "records": report.records,
                "status": report.status,
            },
        )
    return report


def _unreadable(path: str, exc: OSError | InputError) -> InputError:
    if isinstance(exc, InputError):
        return exc
    return InputError(
        f"无法读取文件（{exc.strerror or exc}），请检查路径和权限",
        f"cannot read the file ({exc.strerror or exc}); check the path and its permissions",
        file=path,
    )


def _store_unit(store: Store, sid: int, unit: _Prepared, offset: int, report: FileReport) -> None:
    """Write one unit in one transaction: its documents, their sentences, its problems."""
    with store.transaction():
        dups = 0
        if unit.kept:
            base, dups = q.insert_staged(store, sid, offset, unit.staged)
            for doc_id, spans in enumerate(unit.spans or (), base + 1):
                if spans is not None:
                    q.insert_sentences(store, doc_id, spans)
        q.insert_problems(store, [_problem_row(sid, p) for p in unit.problems])
    report.problems.extend(unit.problems)
    report.records += unit.kept
    report.duplicates += dups


def _unusable(problems: list[Problem]) -> bool:
    """A record whose reader marked it an error holds nothing worth a document."""
    return any(p.severity == "error" for p in problems)


def add_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    fmt: str | None = None,
    *,
    workers: int | None = None,
    progress: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import files and folders. One bad file never stops the others."""
    report = ImportReport()
    for path in expand_paths(paths):
        fr = import_file(store, path, fmt, workers=workers)
        report.files.append(fr)
        if progress is not None:
            progress(fr)
    return report
