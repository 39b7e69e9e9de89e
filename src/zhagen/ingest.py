"""The import pipeline: files → readers → cleaning → the store.

``formats`` never imports ``text``; this module does the piping. The per-record work
(:func:`zhagen.prepare.prepare_batch`) is a pure function over plain data, so it can run in
worker processes (:mod:`zhagen.run`); only the main process writes to the store.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from zhagen.errors import InputError, ZhagenError
from zhagen.prepare import cleaner, dup_key, prepare_batch, prepare_one
from zhagen.records import Problem, RawRecord
from zhagen.run import process_exists
from zhagen.store import docs as q
from zhagen.store.db import Store
from zhagen.store.docs import STAGE_COLUMNS

__all__ = ["FileReport", "ImportReport", "add_paths", "expand_paths", "prepare_batch", "dup_key"]

BATCH = 2000
_SKIP_SUFFIXES = (".zhagen", ".zhagen-wal", ".zhagen-shm", ".bak")


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


def _batches(it: Iterator[RawRecord], size: int, path: str) -> Iterator[list[RawRecord] | Problem]:
    """Lists of ``size`` records; an error that stops the reader comes after the records
    read before it (a file damaged half way keeps its first half), as the last item."""
    while True:
        batch: list[RawRecord] = []
        error = None
        try:
            batch.extend(islice(it, size))  # keeps what it took when the reader raises
        except ZhagenError as exc:
            error = _problem_from(path, exc)
        if batch:
            yield batch
        if error is not None:
            yield error
            return
        if len(batch) < size:
            return


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
        if sha is not None:
            q.delete_unfinished_sources(store, sha, path)
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
_VENUE, _ISSUE, _PAGES = (STAGE_COLUMNS.index(c) for c in ("venue", "issue", "pages"))
# venue, issue and pages of a row: equal (a non-empty venue) is the usual repeat
_SAME = slice(_VENUE, _PAGES + 1)
assert STAGE_COLUMNS[_SAME] == ("venue", "year", "volume", "issue", "pages")


def _same_work(
    a: tuple[Any, ...], b: tuple[Any, ...], a_authors: list[str], b_authors: list[str]
) -> bool:
    """Whether two staged rows with the same title and year are one work, as
    :data:`zhagen.store.docs.SAME_WORK` decides for an earlier document: the same venue (no
    other issue or pages), a shared author, or (a raw document) the same text hash."""
    va, vb = a[_VENUE], b[_VENUE]
    if va and (va == vb or va.casefold() == vb.casefold()):  # the usual repeat: equal
        ia, ib, pa, pb = a[_ISSUE], b[_ISSUE], a[_PAGES], b[_PAGES]
        if (ia == ib or not ia or not ib) and (pa == pb or not pa or not pb):
            return True
    return a[_KEY].startswith("sha1:") or not set(a_authors).isdisjoint(b_authors)


def same_title_problem(file: str, record: int, other: str, other_record: int) -> Problem:
    """The note on record ``record`` of ``file``, kept apart from record ``other_record`` of
    ``other`` (a file) although both have one title and year."""
    zh, en = ("本文件", "this file") if other == file else (f"“{other}”", f"'{other}'")
    return Problem(
        file,
        f"与{zh}第 {other_record} 条记录题名、年份相同，但来源（或期、页）不同且没有共同作者，"
        "未当作重复；若确是同一文献，请核对后删除其一",
        f"has the title and year of record {other_record} of {en}, but another venue (or "
        "issue or pages) and no shared author, so it is not taken for a duplicate; if they "
        "are the same work, check and remove one",
        "warning",
        "same-title-kept",
        record,
    )


@dataclass(slots=True)
class _Prepared:
    """One unit of import work, read and cleaned (plain data, sent back from a worker)."""

    staged: bytes | list[tuple[Any, ...]] | str  # usable records' rows (see _prepare_unit)
    kept: int  # how many rows ``staged`` holds
    spans: list[list[tuple[int, int]] | None] | None  # per row, if any is a raw document
    problems: list[Problem]  # of every record of the unit, in record order
    records: int  # records read, usable or not
    chunk: bool = False  # read from a chunk: numbers restart at 1 (see _read_into)
    lines: int = 0  # lines the chunk held
    error: Problem | None = None  # what stopped reading the chunk
    tail: object = None  # what the chunk's reader saw, to check the file's last record
    held: RawRecord | None = None  # the file's last record, held back (see _read_chunk)


def _prepare_unit(
    records: list[RawRecord], image: bool, chunk: bool, lines: int, spool: str | None = None
) -> _Prepared:
    """Clean records and stage the usable ones, with their first duplicate in the unit
    (an image is written to a file in the folder ``spool``, if given: see _spill)."""
    rows: list[tuple[Any, ...]] = []
    spans: list[list[tuple[int, int]] | None] = []
    problems: list[Problem] = []
    first_doi: dict[str, int] = {}
    # title+year key -> the rows with it: (position, row, authors) of each distinct work
    first_key: dict[str, list[tuple[int, tuple[Any, ...], list[str]]]] = {}
    cl = cleaner()
    for rec in records:
        if rec.problems:
            problems += rec.problems
            if _unusable(rec.problems):
                continue
        row, sp = prepare_one(rec, cl, q.STAGE_NULL)
        n = len(rows) + 1
        doi, key = row[_DOI], row[_KEY]
        doi_first = first_doi.setdefault(doi.lower(), n) if doi else n
        key_first = n
        if key and doi_first == n:  # (a duplicate by DOI needs no other reason)
            works = first_key.get(key)
            if works is None:
                first_key[key] = [(n, row, rec.authors)]
            else:
                for m, other, authors in works:
                    if (row[_VENUE] and other[_SAME] == row[_SAME]) or _same_work(
                        other, row, authors, rec.authors
                    ):
                        key_first = m
                        break
                else:  # kept apart: reported once stored (_kept_apart)
                    works.append((n, row, rec.authors))
        rows.append(
            (*row, doi_first if doi_first < n else q.STAGE_NULL,
             key_first if key_first < n else q.STAGE_NULL)
        )  # fmt: skip
        spans.append(sp)
    has_spans = any(sp is not None for sp in spans)
    staged = q.stage_rows(rows, image=image)
    if spool is not None and isinstance(staged, bytes) and rows:
        staged = _spill(staged, spool)
    return _Prepared(
        staged, len(rows), spans if has_spans else None, problems, len(records), chunk, lines
    )


def _spill(image: bytes, spool: str) -> str:
    """Write a worker's image to a file for the main process to read (see _take).

    A result sent back through the pool's pipe is copied and unpickled by the main process
    (~13 ms for a chunk's 9 MB image, ~1.8 µs a record); reading a file from the page
    cache takes a fifth of that, and the main process is the one that cannot be split.
    """
    fd, path = tempfile.mkstemp(suffix=".image", dir=spool)
    with os.fdopen(fd, "wb") as fh:
        fh.write(image)
    return path


_SPOOL_PREFIX = "zhagen-import-"


def _spool() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for the images of one import (see _spill), named after
    this process; folders left by killed imports (their process gone) are removed first."""
    root = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            if name.startswith(_SPOOL_PREFIX):
                pid = name[len(_SPOOL_PREFIX) :].partition("-")[0]
                if pid.isdigit() and not process_exists(int(pid)):
                    shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=f"{_SPOOL_PREFIX}{os.getpid()}-")


def _take(staged: bytes | list[tuple[Any, ...]] | str) -> bytes | list[tuple[Any, ...]]:
    """The staged rows of a unit, read (and removed) from a file if a worker spilled them."""
    if not isinstance(staged, str):
        return staged
    with open(staged, "rb") as fh:
        data = fh.read()
    os.unlink(staged)
    return data


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
            _kind, records, image, spool = item
            return _prepare_unit(records, image, False, 0, spool)
        if item[0] == "error":  # what stopped the reader, after the records before it
            return _Prepared([], 0, None, [], 0, error=item[1])
        _kind, path, offset, length, fmt, image, last, spool = item
        try:
            chunk = _read_span(path, offset, length)
        except (OSError, InputError) as exc:
            return _Prepared(
                [], 0, None, [], 0, True, 0, _problem_from(path, _unreadable(path, exc))
            )
        return _read_chunk(chunk, fmt, path, image, last, spool)
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


def _read_chunk(
    chunk: bytes, fmt: str, name: str, image: bool, last: bool, spool: str | None = None
) -> _Prepared:
    """Read and prepare one chunk. The file's last record is held back, unprepared, when
    its check needs every chunk (see :func:`zhagen.formats.check_last_record`)."""
    from zhagen.formats import read_chunk

    lines = chunk.count(b"\n")
    try:
        records, tail = read_chunk(chunk, fmt, name)
    except ZhagenError as exc:
        return _Prepared([], 0, None, [], 0, True, lines, _problem_from(name, exc))
    held = records.pop() if last and tail is not None and records else None
    unit = _prepare_unit(records, image, True, lines, spool)
    unit.tail, unit.held = tail, held
    return unit


def _finish_last(unit: _Prepared, tails: list[object], image: bool) -> _Prepared:
    """The unit of the file's last record, held back by its chunk, once checked with
    what every chunk saw (numbered in its chunk, as the unit that held it back)."""
    from zhagen.formats import check_last_record

    assert unit.held is not None
    check_last_record(unit.held, unit.tail, tails)
    last = _prepare_unit([unit.held], image, True, 0)
    unit.held = None
    return last


def _problem_from(path: str, exc: ZhagenError) -> Problem:
    return Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )


def _work_items(
    path: str, fmt: str, size: int, image: bool, spool: str | None
) -> Iterator[tuple[Any, ...]]:
    """Chunks of a large export to read (by worker processes when ``image``), else batches
    of records read here. Each worker reads its chunk from the file (the page cache: it was
    just hashed) rather than from a pipe: sending a gigabyte through pipes cost the main
    process more than it spends on anything but SQLite."""
    from zhagen.formats import chunk_spans, read_records

    large = size >= PARALLEL_MIN_BYTES and not _padded(path)
    spans = chunk_spans(path, fmt) if large else None
    if spans is None:
        batches = _batches(iter(read_records(path, fmt, name=path)), BATCH, path)
        return (
            ("error", b) if isinstance(b, Problem) else ("records", b, image, spool)
            for b in batches
        )
    return (("span", path, o, n, fmt, image, o + n == size, spool) for o, n in spans)


def _padded(path: str) -> bool:
    """True when a file ends in zero padding (an interrupted copy or download): it is read
    in one stream, which stops where the padding starts (see :func:`zhagen.formats._io.open_text`),
    rather than cut into chunks, one of which would hold all the padding."""
    from zhagen.limits import current

    run = current().nul_run
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - run))
            tail = fh.read(run)
    except OSError:
        return False
    return len(tail) == run and not tail.strip(b"\x00")


def _read_into(
    store: Store,
    source: _Source,
    path: str,
    fmt: str,
    size: int,
    workers: int | None,
    report: FileReport,
) -> Problem | None:
    """Read, clean and store every record of one file; return the error that stopped it.

    The file's source row is inserted before the first unit is stored (see _Source)."""
    from zhagen.run import default_workers, map_partitions

    if workers is None:
        workers = min(MAX_WORKERS, default_workers()) if size >= PARALLEL_MIN_BYTES else 1
    image = workers > 1  # rows cross to this process as SQLite images, spilled to files
    spool = _spool() if image else None
    n_records = n_lines = 0
    tails: list[object] = []  # what each chunk's reader saw (see _finish_last)
    try:
        bulk = store.bulk_writes() if size >= BULK_MIN_BYTES else contextlib.nullcontext()
        with spool or contextlib.nullcontext(), bulk, q.staging(store):
            items = _work_items(path, fmt, size, image, spool.name if spool else None)
            if source.later:
                items = _hash_after(items, source, workers)
            # closed (the pool shut down) before the spool folder is removed
            with contextlib.closing(map_partitions(_work, items, workers=workers)) as units:
                for unit in units:
                    last = _finish_last(unit, tails, image) if unit.held is not None else None
                    for part in (unit, last) if last is not None else (unit,):
                        _store_part(store, source.id(), part, n_records, n_lines, report)
                    tails.append(unit.tail)
                    n_records += unit.records + (last.records if last is not None else 0)
                    n_lines += unit.lines
                    if unit.error is not None:
                        return unit.error
    except ZhagenError as exc:
        return _problem_from(path, exc)
    return None


def _hash_after(
    items: Iterator[tuple[Any, ...]], source: _Source, n: int
) -> Iterator[tuple[Any, ...]]:
    """The items, the file hashed after the first ``n``: the pool takes items as it is
    given them, so its ``n`` workers read their first chunks while this process hashes."""
    for i, item in enumerate(items):
        if i == n:
            source.prefetch()
        yield item
    source.prefetch()


def _store_part(
    store: Store, sid: int, unit: _Prepared, n_records: int, n_lines: int, report: FileReport
) -> None:
    """Store a unit; a chunk's is numbered from 1: shift it by the records and lines before."""
    if unit.chunk:
        for p in (*unit.problems, *([unit.error] if unit.error else [])):
            p.record = None if p.record is None else p.record + n_records
            p.line = None if p.line is None else p.line + n_lines
    _store_unit(store, sid, unit, n_records if unit.chunk else 0, report)


def import_file(
    store: Store, path: str, fmt: str | None = None, *, workers: int | None = None
) -> FileReport:
    """Import one file; never raises for bad input (the report says what went wrong).

    ``workers``: processes for reading and cleaning; ``None`` chooses: for a file of at
    least :data:`PARALLEL_MIN_BYTES`, :data:`MAX_WORKERS` or the CPUs
    (:func:`zhagen.run.default_workers`) if fewer, else 1.
    """
    from zhagen.formats import detect_format

    source = _Source.start(store, path)
    if source is None:  # hashed here: the file may have been imported already
        try:
            sha, size = _sha256(path)
        except (OSError, InputError) as exc:
            return _fail(store, path, _unreadable(path, exc), None, None)
        earlier = q.find_source(store, sha)
        if earlier is not None and earlier["status"] == "ok":
            return FileReport(path=path, status="skipped", records=0, format=None)
        source = _Source(store, path, sha, size)
    try:
        fmt = fmt or detect_format(path)
    except ZhagenError as exc:
        try:
            return _fail(store, path, exc, *source.hash())
        except (OSError, InputError) as err:
            return _fail(store, path, _unreadable(path, err), None, None)
    source.fmt = fmt
    report = FileReport(path=path, status="partial", format=fmt)
    try:
        error = _read_into(store, source, path, fmt, source.size, workers, report)
        sid, (sha, _) = source.id(), source.hash()
    except _HashFailed as exc:
        return _fail(store, path, _unreadable(path, exc.error), None, None)
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


class _HashFailed(Exception):
    """The file could not be read to hash it (raised where its source is first needed)."""

    def __init__(self, error: OSError | InputError) -> None:
        super().__init__(str(error))
        self.error = error


class _Source:
    """The source row of the file being imported, inserted when first needed (:meth:`id`).

    A large export's SHA-256 (~1.2 s for a million records) is computed while the workers
    read its first chunks (see _hash_after), rather than before they start, when the file
    cannot have been imported already: no source that was imported whole has its size.
    (Only such a source makes the import a skip, and this check needs no hash.) It is
    computed in this thread: a thread alive when the pool starts would make it fork
    workers from a forkserver (see :func:`zhagen.run.map_partitions`).
    """

    def __init__(self, store: Store, path: str, sha: str | None, size: int) -> None:
        self.store, self.path, self.size = store, path, size
        self.fmt: str | None = None
        self._sha, self._error, self._id = sha, None, None
        self.later = sha is None  # hashed while the first chunks are read

    @classmethod
    def start(cls, store: Store, path: str) -> _Source | None:
        """A source to hash later, or ``None`` when the hash must come first."""
        try:
            size = os.stat(path).st_size if os.path.isfile(path) else -1
        except (OSError, ValueError):
            return None
        if size < PARALLEL_MIN_BYTES or any(
            r["size"] == size and r["status"] == "ok" for r in q.source_rows(store)
        ):
            return None
        return cls(store, path, None, size)

    def hash(self) -> tuple[str, int]:
        """The file's SHA-256 and size (raises OSError or InputError as _sha256 does)."""
        if self._error is not None:
            raise self._error
        if self._sha is None:
            try:
                self._sha, self.size = _sha256(self.path)
            except (OSError, InputError) as exc:
                self._error = exc
                raise
        return self._sha, self.size

    def prefetch(self) -> None:
        """Hash the file now; an error is raised where the hash is needed."""
        with contextlib.suppress(OSError, InputError):
            self.hash()

    def id(self) -> int:
        """The source's id: inserted (as partial) on the first call, replacing the
        documents of an unfinished earlier import of the same content."""
        if self._id is None:
            try:
                sha, size = self.hash()
            except (OSError, InputError) as exc:
                raise _HashFailed(exc) from exc
            with self.store.transaction():
                q.delete_unfinished_sources(self.store, sha, self.path)
                self._id = q.insert_source(
                    self.store,
                    path=self.path,
                    abspath=_abspath(self.path),
                    sha256=sha,
                    size=size,
                    fmt=self.fmt,
                    status="partial",
                )
        return self._id


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
            base, dups = q.insert_staged(store, sid, offset, _take(unit.staged))
            kept_apart = _kept_apart(store, sid, base, offset)
            if kept_apart:  # in record order with the others, however the file was cut
                unit.problems = sorted(
                    unit.problems + kept_apart, key=lambda p: -1 if p.record is None else p.record
                )
            for doc_id, spans in enumerate(unit.spans or (), base + 1):
                if spans is not None:
                    q.insert_sentences(store, doc_id, spans)
        q.insert_problems(store, [_problem_row(sid, p) for p in unit.problems])
    report.problems.extend(unit.problems)
    report.records += unit.kept
    report.duplicates += dups


def _kept_apart(store: Store, sid: int, base: int, offset: int) -> list[Problem]:
    """Notes on the records just stored that share title and year with an earlier
    document but were not taken for its duplicate (see :func:`q.same_title_kept`)."""
    return [
        same_title_problem(path, record, other, other_record)
        for path, record, other, other_record, _id in q.same_title_kept(store, sid, base, offset)
    ]


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
