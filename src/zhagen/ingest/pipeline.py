"""The import pipeline: files → work items → worker processes → the store.

One path for every file: a large export whose format allows it is cut into chunks
(:class:`~zhagen.ingest.work.Chunk`), any other file is read here in batches of records
(:class:`~zhagen.ingest.work.RecordBatch`); either way the units come back in file order and
this process alone writes them, shifting a chunk's numbers into the file's
(:func:`~zhagen.ingest.work.renumber`). Thresholds come from an
:class:`~zhagen.ingest.plan.ImportPlan`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from zhagen.cluster import ClusterError
from zhagen.entities.tables import KeywordLinker
from zhagen.errors import InputError, ZhagenError
from zhagen.ingest.plan import ImportPlan
from zhagen.ingest.work import (
    Chunk,
    Prepared,
    ReaderStopped,
    RecordBatch,
    WorkItem,
    finish_last,
    problem_from,
    renumber,
    spool,
    unreadable,
    warm,
    work,
)
from zhagen.records import Problem, RawRecord
from zhagen.store import docs as q
from zhagen.store.db import Store

__all__ = [
    "FileReport",
    "FileTask",
    "FileWork",
    "ImportReport",
    "add_paths",
    "expand_paths",
    "import_file",
    "prepare_file",
    "same_title_problem",
]

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
    #: units (chunks, batches) a cut-off import of the file had stored: resumed after them
    resumed: int = 0


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
            error = problem_from(path, exc)
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
    prob = problem_from(path, exc)
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


def same_title_problem(file: str, record: int, other: str, other_record: int) -> Problem:
    """The note on record ``record`` of ``file``, kept apart from record ``other_record`` of
    ``other`` (a file) although both have one title and year.

    >>> same_title_problem("a.txt", 3, "a.txt", 1).code
    'same-title-kept'
    """
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


def _work_items(
    path: str, fmt: str, size: int, image: bool, folder: str | None, plan: ImportPlan
) -> Iterator[WorkItem]:
    """Chunks of a large export to read (by worker processes when ``image``), else batches
    of records read here."""
    from zhagen.formats import chunk_spans, read_records

    large = _large(path, size, plan)
    spans = chunk_spans(path, fmt, size=plan.chunk_bytes) if large else None
    if spans is None:
        batches = _batches(iter(read_records(path, fmt, name=path)), plan.batch, path)
        return (
            ReaderStopped(b) if isinstance(b, Problem) else RecordBatch(b, image, folder)
            for b in batches
        )
    block = plan.chunk_bytes
    return (Chunk(path, o, n, fmt, o + n == size, image, folder, block) for o, n in spans)


def _large(path: str, size: int, plan: ImportPlan) -> bool:
    """Whether the file is cut into chunks (else read in one stream, in batches)."""
    return plan.chunked(size) and not _padded(path)


def _cut(path: str, fmt: str, size: int, plan: ImportPlan) -> str:
    """How :func:`_work_items` cuts the file into units: an import cut off resumes after
    the units it stored only if run again with the same cut."""
    if _large(path, size, plan):
        return f"{fmt} chunks of {plan.chunk_bytes} bytes"
    return f"{fmt} batches of {plan.batch} records"


def _padded(path: str) -> bool:
    """True when a file ends in zero padding (an interrupted copy or download): it is read
    in one stream, which stops where the padding starts (see
    :func:`zhagen.formats._io.open_text`), rather than cut into chunks, the last of which
    would hold all the padding. (A run in the middle is found by the chunk holding it.)"""
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
    plan: ImportPlan,
    report: FileReport,
    prepared: FileWork | None = None,
    linker: KeywordLinker | None = None,
) -> Problem | None:
    """Read, clean and store every record of one file; return the error that stopped it.

    The file's source row is inserted before the first unit is stored (see _Source).
    ``prepared``: the file's units, made by a cluster worker (see :func:`prepare_file`).

    Each unit is stored in one transaction with its mark (``merged_units``): an import
    cut off (its process killed) and run again with the same cut resumes after the last
    unit stored — those units are neither read nor merged again (a cluster's shards of
    them are removed with the others) — with the numbers, duplicates and problems of an
    import that nothing interrupted (see :meth:`_Source.resume`)."""
    from zhagen.run import map_partitions

    size = source.size
    workers = 1 if prepared is not None else plan.workers_for(size)
    cluster = plan.cluster if prepared is None and workers > 1 else None
    # rows cross to this process as SQLite images, spilled to files (by a pool's workers:
    # a cluster's may run elsewhere, and hand theirs back in memory)
    image = workers > 1
    folder = spool() if image and cluster is None else None
    cut = _cut(path, fmt, size, plan)
    resumed = source.resume(cut, report)
    at = _At(resumed.records, resumed.lines, resumed.units, list(resumed.tails))
    if resumed.error is not None:  # the import had stopped there: nothing more to read
        return resumed.error
    try:
        bulk = store.bulk_writes() if plan.bulk(size) else contextlib.nullcontext()
        with folder or contextlib.nullcontext(), bulk, q.staging(store):
            if prepared is None:
                spool_to = folder.name if folder else None
                items = _work_items(path, fmt, size, image, spool_to, plan)
                if resumed.units:
                    done = list(islice(items, resumed.units))
                    if cluster is not None:
                        cluster.skip(work, done)
                elif source.later:
                    items = _hash_after(items, source, workers)
            if prepared is None and cluster is None and workers > 1:
                warm()  # what the workers forked from this process inherit
            # closed (the pool shut down) before the spool folder is removed
            made = (
                map_partitions(work, items, workers=workers, cluster=cluster)
                if prepared is None
                else _after(prepared.replay(), resumed.units)
            )
            with contextlib.closing(made) as units:
                for unit in units:
                    _merge(store, source, unit, at, image, cut, report, linker)
                    if unit.error is not None:
                        return unit.error
    except ClusterError:
        raise  # not this file's fault: the import stops, the file stays partial
    except ZhagenError as exc:
        return problem_from(path, exc)
    return None


@dataclass
class _At:
    """Where an import of one file stands: records and lines stored, units merged, and
    what each chunk's reader saw at its end (for :func:`finish_last`)."""

    records: int
    lines: int
    units: int
    tails: list[object]


def _merge(
    store: Store,
    source: _Source,
    unit: Prepared,
    at: _At,
    image: bool,
    cut: str,
    report: FileReport,
    linker: KeywordLinker | None,
) -> None:
    """Store one unit (and the file's last record, if the unit held it back) numbered
    after ``at``, its mark with its last rows, in the unit's transactions; move ``at`` on.
    ``image``: its rows come as SQLite images; ``cut``: the file's cut (see _cut)."""
    from zhagen.formats import tail_to_json

    last = finish_last(unit, at.tails, image) if unit.held is not None else None
    parts = (unit, last) if last is not None else (unit,)
    n_after = at.records + sum(part.records for part in parts)
    for part in parts:
        renumber(part, at.records, at.lines)
    for part in parts:
        mark = None
        if part is parts[-1]:  # with the unit's last rows
            error = None if unit.error is None else _problem_json(unit.error)
            mark = _Mark(at.units, cut, n_after, at.lines + unit.lines,
                         tail_to_json(unit.tail), error)  # fmt: skip
        _store_unit(store, source.id(), part, at.records, report, mark, linker)
    at.tails.append(unit.tail)
    source.merged_now += 1
    at.records = n_after
    at.lines += unit.lines
    at.units += 1


def _after(units: Iterator[Prepared], n: int) -> Iterator[Prepared]:
    """The units after the first ``n`` (a generator, to be closed)."""
    yield from islice(units, n, None)


@dataclass(frozen=True, slots=True)
class _Mark:
    """What :func:`q.mark_merged` records with a unit (its place, the file's cut, the
    records and lines read up to its end, what its chunk's reader saw, the error that
    stopped reading after it)."""

    unit: int
    cut: str
    records: int
    lines: int
    tail: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class _Resumed:
    """Where an import cut off stopped: its units stored, the records and lines read up to
    their end, what each chunk's reader saw, and the error that had stopped reading."""

    units: int = 0
    records: int = 0
    lines: int = 0
    tails: tuple[object, ...] = ()
    error: Problem | None = None


def _problem_json(p: Problem) -> str:
    import json

    return json.dumps(
        [p.file, p.zh, p.en, p.severity, p.code, p.record, p.line], ensure_ascii=False
    )


def _problem_from_json(text: str) -> Problem:
    import json

    return Problem(*json.loads(text))


def _hash_after(items: Iterator[WorkItem], source: _Source, n: int) -> Iterator[WorkItem]:
    """The items, the file hashed after the first ``n``: the pool takes items as it is
    given them, so its ``n`` workers read their first chunks while this process hashes."""
    for i, item in enumerate(items):
        if i == n:
            source.prefetch()
        yield item
    source.prefetch()


def import_file(
    store: Store,
    path: str,
    fmt: str | None = None,
    *,
    plan: ImportPlan | None = None,
    prepared: FileWork | None = None,
    linker: KeywordLinker | None = None,
) -> FileReport:
    """Import one file; never raises for bad input (the report says what went wrong).

    ``plan``: thresholds and worker processes (default :class:`ImportPlan`); ``prepared``:
    the file hashed, read and cleaned already by a cluster worker (:func:`prepare_file`),
    to store here exactly as if it were read here; ``linker``: stores the keyword links
    the workers derived with each unit (default: one for this file).
    """
    from zhagen.formats import detect_format

    plan = plan or ImportPlan()
    source = None if prepared is not None else _Source.start(store, path, plan)
    if source is None:  # hashed here: the file may have been imported already
        try:
            sha, size = prepared.hash() if prepared is not None else _sha256(path)
        except (OSError, InputError) as exc:
            return _fail(store, path, unreadable(path, exc), None, None)
        earlier = q.find_source(store, sha)
        if earlier is not None and earlier["status"] == "ok":
            return FileReport(path=path, status="skipped", records=0, format=None)
        source = _Source(store, path, sha, size)
    try:
        fmt = fmt or (prepared.format() if prepared is not None else detect_format(path))
    except ZhagenError as exc:
        try:
            return _fail(store, path, exc, *source.hash())
        except (OSError, InputError) as err:
            return _fail(store, path, unreadable(path, err), None, None)
    source.fmt = fmt
    report = FileReport(path=path, status="partial", format=fmt)
    try:
        linker = linker or KeywordLinker(store)
        error = _read_into(store, source, path, fmt, plan, report, prepared, linker)
        sid, (sha, _) = source.id(), source.hash()
    except _HashFailed as exc:
        return _fail(store, path, unreadable(path, exc.error), None, None)
    with store.transaction():
        if error is not None:
            report.problems.append(error)
            q.insert_problems(store, [_problem_row(sid, error)])
        report.status = _status(report, error)
        # duplicates were marked as each unit was stored (q.insert_staged)
        q.finish_source(store, sid, status=report.status, n_records=report.records, fmt=fmt)
        q.delete_merged(store, sid)
        entry: dict[str, Any] = {
            "path": path,
            "sha256": sha,
            "format": fmt,
            "records": report.records,
            "status": report.status,
        }
        if source.resumed is not None:  # how much an earlier, cut off import had stored
            report.resumed = source.resumed
            entry["resumed"] = {"units": source.resumed, "merged_now": source.merged_now}
        store.log("import", entry)
    return report


def _status(report: FileReport, error: Problem | None) -> str:
    """``failed`` when nothing was imported and something was wrong (a reader error, or
    every record dropped with an error problem); ``partial`` when a reader error cut the
    file short after some records; else ``ok``."""
    if report.records == 0 and (
        error is not None or any(p.severity == "error" for p in report.problems)
    ):
        return "failed"
    return "ok" if error is None else "partial"


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
        #: units an earlier import of the file, cut off, had stored (None: not resumed)
        self.resumed: int | None = None
        self.merged_now = 0  # units stored by this import

    @classmethod
    def start(cls, store: Store, path: str, plan: ImportPlan) -> _Source | None:
        """A source to hash later, or ``None`` when the hash must come first."""
        try:
            size = os.stat(path).st_size if os.path.isfile(path) else -1
        except (OSError, ValueError):
            return None
        if not plan.chunked(size) or any(
            r["size"] == size and r["status"] == "ok" for r in q.source_rows(store)
        ):
            return None
        if q.resumable_source(store, path, size) is not None:
            return None  # the hash says whether the import cut off was of this content
        return cls(store, path, None, size)

    def resume(self, cut: str, report: FileReport) -> _Resumed:
        """Where an earlier import of this file (same path and content) stopped, if it was
        cut off after storing some units cut as ``cut``: its source becomes this import's
        (others of this content are removed, as :meth:`id` does) and ``report`` starts
        with what it stored. Otherwise nothing is resumed (:meth:`id` replaces it)."""
        if self.later:  # not hashed first: nothing to resume (see start)
            return _Resumed()
        sha, size = self.hash()
        sid = q.resumable_source(self.store, self.path, size, sha)
        units = [] if sid is None else q.merged_units(self.store, sid)
        if not units or any(u["unit"] != i or u["cut"] != cut for i, u in enumerate(units)):
            return _Resumed()
        from zhagen.formats import tail_from_json

        with self.store.transaction():
            q.delete_unfinished_sources(self.store, sha, self.path, keep=sid)
        self._id, self.resumed = sid, len(units)
        end = units[-1]
        report.records, report.duplicates = end["kept"], end["duplicates"]
        report.problems.extend(
            Problem(r["path"], r["zh"], r["en"], r["severity"], r["code"], r["record"], r["line"])
            for r in q.source_problems(self.store, sid)  # type: ignore[arg-type]
        )
        return _Resumed(
            len(units),
            end["records"],
            end["lines"],
            tuple(tail_from_json(u["tail"]) for u in units),
            None if end["error"] is None else _problem_from_json(end["error"]),
        )

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


def _store_unit(
    store: Store,
    sid: int,
    unit: Prepared,
    offset: int,
    report: FileReport,
    mark: _Mark | None = None,
    linker: KeywordLinker | None = None,
) -> None:
    """Write one unit in one transaction: its documents, their sentences, their keyword
    links (by ``linker``, if given and the kind is up to date), its problems, and its
    ``mark`` (see :func:`q.mark_merged`).
    ``offset``: records before the unit's chunk (0 for a unit numbered in the file)."""
    offset = offset if unit.chunk else 0
    # an image file a worker wrote is attached, outside the transaction, and removed after
    attached = (
        q.staging_file(store, unit.staged)
        if isinstance(unit.staged, str)
        else contextlib.nullcontext()
    )
    with attached, store.transaction():
        dups = 0
        if unit.kept:
            base, dups = q.insert_staged(store, sid, offset, unit.staged)
            kept_apart = _kept_apart(store, base)
            if kept_apart:  # in record order with the others, however the file was cut
                unit.problems = sorted(
                    unit.problems + kept_apart, key=lambda p: -1 if p.record is None else p.record
                )
            for doc_id, spans in enumerate(unit.spans or (), base + 1):
                if spans is not None:
                    q.insert_sentences(store, doc_id, *spans)
            if linker is not None:  # (a unit from a shard of an older version has none)
                linker.link(base, unit.kept, getattr(unit, "keywords", None))
        q.insert_problems(store, [_problem_row(sid, p) for p in unit.problems])
        if mark is not None:
            q.mark_merged(store, sid, mark.unit, mark.cut, records=mark.records,
                          lines=mark.lines, kept=report.records + unit.kept,
                          duplicates=report.duplicates + dups, tail=mark.tail,
                          error=mark.error)  # fmt: skip
    report.problems.extend(unit.problems)
    report.records += unit.kept
    report.duplicates += dups


def _kept_apart(store: Store, base: int) -> list[Problem]:
    """Notes on the records just stored that share title and year with an earlier
    document but were not taken for its duplicate (see :func:`q.same_title_kept`)."""
    return [
        same_title_problem(path, record, other, other_record)
        for path, record, other, other_record, _id in q.same_title_kept(store, base)
    ]


def add_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    fmt: str | None = None,
    *,
    workers: int | None = None,
    plan: ImportPlan | None = None,
    progress: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import files and folders. One bad file never stops the others.

    ``plan``: thresholds (default :class:`ImportPlan`); ``workers``, if given, replaces
    its ``workers``. The keyword links are brought up to date first (usually nothing to
    do), so that each unit's links, derived by the workers, are stored with its documents.
    """
    from zhagen.entities.tables import derive

    derive(store)
    linker = KeywordLinker(store)
    plan = plan or ImportPlan()
    if workers is not None:
        plan = replace(plan, workers=workers)
    report = ImportReport()
    files = expand_paths(paths)
    whole = [False] * len(files)
    if plan.cluster is not None:
        done = _imported_by_size(store)
        whole = [_small_file(p, plan) and not _imported(p, done) for p in files]
    made: Iterator[FileWork] = (w for w in ())
    if any(whole):
        from zhagen.run import map_partitions

        task = replace(plan, cluster=None)
        tasks = (FileTask(p, fmt, task) for p, w in zip(files, whole, strict=True) if w)
        made = map_partitions(prepare_file, tasks, cluster=plan.cluster)
    with contextlib.closing(made):
        for path, w in zip(files, whole, strict=True):
            made_here = next(made) if w else None
            fr = import_file(store, path, fmt, plan=plan, prepared=made_here, linker=linker)
            report.files.append(fr)
            if progress is not None:
                progress(fr)
    return report


def _imported_by_size(store: Store) -> dict[int, set[str]]:
    """The hashes of the files imported whole, by size."""
    out: dict[int, set[str]] = {}
    for r in q.source_rows(store):
        if r["status"] == "ok" and r["sha256"] and r["size"] is not None:
            out.setdefault(r["size"], set()).add(r["sha256"])
    return out


def _imported(path: str, done: dict[int, set[str]]) -> bool:
    """Whether a file was imported whole already (hashed only when one of that size was):
    it is skipped here, not sent to a worker, so adding a folder again after an
    interrupted import resumes where it stopped."""
    try:
        shas = done.get(os.stat(path).st_size)
        return bool(shas) and _sha256(path)[0] in shas  # type: ignore[operator]
    except (OSError, InputError, ValueError):
        return False


def _small_file(path: str, plan: ImportPlan) -> bool:
    """A file that a cluster worker reads whole (:func:`prepare_file`): one that exists
    here and is too small to be cut into chunks."""
    try:
        return os.path.isfile(path) and not plan.chunked(os.stat(path).st_size)
    except (OSError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class FileTask:
    """A whole file for a cluster worker to hash, read and prepare (see
    :func:`prepare_file`); ``plan`` has no cluster (the worker reads it in one stream)."""

    path: str
    fmt: str | None
    plan: ImportPlan


@dataclass
class FileWork:
    """A file hashed, read and prepared by a cluster worker, for the client to store
    (:func:`import_file`): the units it would have made itself, and the error that stopped
    the worker at ``stage`` (``hash``, ``detect`` or ``read``), raised where the client's
    own reading would have raised it."""

    sha: str | None
    size: int | None
    fmt: str | None = None
    units: list[Prepared] = field(default_factory=list)
    error: Exception | None = None
    stage: str | None = None

    def hash(self) -> tuple[str, int]:
        if self.stage == "hash":
            raise self.error  # type: ignore[misc]
        assert self.sha is not None and self.size is not None
        return self.sha, self.size

    def format(self) -> str:
        if self.stage == "detect":
            raise self.error  # type: ignore[misc]
        assert self.fmt is not None
        return self.fmt

    def replay(self) -> Iterator[Prepared]:
        """The units in order, then the error that stopped reading, if any."""
        yield from self.units
        if self.stage == "read":
            raise self.error  # type: ignore[misc]


def prepare_file(task: FileTask) -> FileWork:
    """Hash, detect, read and prepare a whole file, as :func:`import_file` would here (the
    same work items, staged as SQLite images): what a cluster worker does with a file.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
    ...     _ = fh.write("数字经济与高质量发展。")
    >>> done = prepare_file(FileTask(fh.name, None, ImportPlan()))
    >>> done.fmt, [u.kept for u in done.units], done.error
    ('txt', [1], None)
    >>> os.unlink(fh.name)
    """
    from zhagen.formats import detect_format

    path = task.path
    try:
        sha, size = _sha256(path)
    except (OSError, InputError) as exc:
        return FileWork(None, None, error=exc, stage="hash")
    try:
        fmt = task.fmt or detect_format(path)
    except ZhagenError as exc:
        return FileWork(sha, size, error=exc, stage="detect")
    done = FileWork(sha, size, fmt)
    try:
        for item in _work_items(path, fmt, size, True, None, task.plan):
            done.units.append(work(item))
    except ZhagenError as exc:
        done.error, done.stage = exc, "read"
    return done
