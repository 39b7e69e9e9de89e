"""Units of import work: typed items that a worker process turns into prepared rows.

Each item's :meth:`run` reads (a chunk of a file) and/or cleans records and stages the
usable ones (:func:`prepare_unit`); :func:`work` runs one in a worker process. Only the main
process writes to the store (:mod:`zhagen.ingest.pipeline`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from zhagen.entities.tables import LINK_SIDES, unit_keywords
from zhagen.errors import InputError, ZhagenError
from zhagen.prepare import Sentences, cleaner, prepare_record
from zhagen.records import Problem, RawRecord
from zhagen.run import process_exists
from zhagen.store import docs as q
from zhagen.store.db import dup_hash
from zhagen.store.docs import STAGE_COLUMNS

__all__ = [
    "Chunk",
    "Prepared",
    "ReaderStopped",
    "RecordBatch",
    "WorkItem",
    "finish_last",
    "prepare_unit",
    "problem_from",
    "renumber",
    "spool",
    "warm",
    "work",
]

_DOI, _KEY = STAGE_COLUMNS.index("doi"), STAGE_COLUMNS.index("dup_key")
_VENUE, _ISSUE, _PAGES = (STAGE_COLUMNS.index(c) for c in ("venue", "issue", "pages"))
# venue, issue and pages of a row: equal (a non-empty venue) is the usual repeat
_SAME = slice(_VENUE, _PAGES + 1)
assert STAGE_COLUMNS[_SAME] == ("venue", "year", "volume", "issue", "pages")


@dataclass(slots=True)
class Prepared:
    """One unit of import work, read and cleaned (plain data, sent back from a worker)."""

    # usable records' rows (see prepare_unit): rows, an SQLite image, or the path of an
    # image file written by a pool's worker (see _image_path)
    staged: bytes | list[tuple[Any, ...]] | str
    kept: int  # how many rows ``staged`` holds
    # per row, if any is a raw document: its sentence spans and which of them are garbled
    spans: list[Sentences | None] | None
    problems: list[Problem]  # of every record of the unit, in record order
    records: int  # records read, usable or not
    chunk: bool = False  # read from a chunk: numbers restart at 1 (see renumber)
    lines: int = 0  # lines the chunk held
    error: Problem | None = None  # what stopped reading the chunk
    tail: object = None  # what the chunk's reader saw, to check the file's last record
    held: RawRecord | None = None  # the file's last record, held back (see Chunk.run)
    # ``held`` prepared by the worker as if its check finds nothing (see finish_last)
    held_unit: Prepared | None = None
    # the rows' keyword links (see zhagen.entities.tables.unit_keywords): the distinct
    # labels, and each row's links (None: in the image ``staged``)
    keywords: tuple[list[str], list[list[int]] | None] | None = None


@dataclass(frozen=True, slots=True)
class RecordBatch:
    """Records read by the main process from a file read in one stream, to clean.

    ``image``: hand the rows back as an SQLite image (see
    :func:`~zhagen.store.docs.stage_rows`), which pays when they cross to another process;
    ``spool``: the folder where that image is written (see :func:`spool`)."""

    records: list[RawRecord]
    image: bool = False
    spool: str | None = None

    def run(self) -> Prepared:
        return prepare_unit(self.records, self.image, spool=self.spool)


@dataclass(frozen=True, slots=True)
class ReaderStopped:
    """What stopped the reader of a file read in one stream, after the records before it."""

    error: Problem

    def run(self) -> Prepared:
        return Prepared([], 0, None, [], 0, error=self.error)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A byte span of a large export holding whole records (see
    :func:`zhagen.formats.chunk_spans`), read by the worker itself from the file (the page
    cache: it was just hashed) rather than sent through a pipe: sending a gigabyte through
    pipes cost the main process more than it spends on anything but SQLite.

    ``last``: the span ends the file; ``block``: bytes read at a time (a chunk is usually
    one block: see :meth:`_read`)."""

    path: str
    offset: int
    length: int
    fmt: str
    last: bool
    image: bool = False
    spool: str | None = None
    block: int = 8 << 20

    def run(self) -> Prepared:
        """Read and prepare the chunk. Its numbers start at 1 (see :func:`renumber`). The
        file's last record is held back, unprepared, when its check needs every chunk (see
        :func:`zhagen.formats.check_last_record`). A long NUL run (a damaged file) ends the
        text, as in a file read in one stream: the records before it are kept and the
        error gives the byte in the file where the run starts."""
        from zhagen.formats import holds_record_start, read_chunk, split_padding

        try:
            data = self._read()
        except (OSError, InputError) as exc:
            error = problem_from(self.path, unreadable(self.path, exc))
            return Prepared([], 0, None, [], 0, True, 0, error)
        data, damaged = split_padding(data, self.path, offset=self.offset)
        last = self.last or damaged is not None
        lines = data.count(b"\n")
        stopped = None if damaged is None else problem_from(self.path, damaged)
        if self.offset == 0 and not last and not holds_record_start(data, self.fmt):
            # A file header alone (WoS ``FN``/``VR``): a chunk smaller than the first record
            # is cut just before it. Later chunks hold records, so its reader's "no record"
            # error would be wrong.
            return Prepared([], 0, None, [], 0, True, lines)
        try:
            records, tail = read_chunk(data, self.fmt, self.path)
        except ZhagenError as exc:
            return Prepared([], 0, None, [], 0, True, lines, problem_from(self.path, exc))
        held = records.pop() if last and tail is not None and records else None
        unit = prepare_unit(records, self.image, chunk=True, lines=lines, spool=self.spool)
        unit.tail, unit.held, unit.error = tail, held, stopped
        if held is not None:
            # prepared here too, in case its check adds nothing (the usual file): else the
            # main process would load and compile the whole cleaner for one record
            unit.held_unit = prepare_unit([held], self.image, chunk=True, spool=self.spool)
        return unit

    def _read(self) -> bytes:
        """The chunk's bytes, read in blocks up to the end of the block where a long NUL run
        starts, if any: a chunk holding zero padding (no record starts in it, so the chunk
        runs over all of it) is never read whole, however long the padding."""
        from zhagen.limits import current

        run = b"\x00" * current().nul_run
        blocks: list[bytes] = []
        got = 0
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            while got < self.length:
                block = fh.read(min(self.block, self.length - got))
                if not block:
                    break
                seam = blocks[-1][-len(run) :] if blocks else b""
                blocks.append(block)
                got += len(block)
                if run in seam + block:
                    return b"".join(blocks)  # the padding starts here: the rest is not text
        data = b"".join(blocks)
        if len(data) != self.length:
            raise InputError(
                "文件在导入过程中被改动了，请等它保存完毕后重新导入",
                "the file changed while it was being imported; add it again once it is saved",
                file=self.path,
            )
        return data


WorkItem = RecordBatch | ReaderStopped | Chunk


def work(item: WorkItem) -> Prepared:
    """Run one unit of import work (in a worker process, or here).

    >>> from zhagen.records import RawRecord
    >>> unit = work(RecordBatch([RawRecord("a.txt", 1, "cnki-refworks", title="数字经济研究")]))
    >>> unit.kept, unit.records, unit.problems
    (1, 1, [])
    """
    # Records, their fields and rows hold no reference cycles, but the cyclic collector
    # would still walk the young ones ~every 700 allocations: a tenth of the reader's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return item.run()
    finally:
        if collecting:
            gc.enable()


def renumber(unit: Prepared, records: int, lines: int) -> None:
    """Shift the problems of a unit read from a chunk (numbered from 1 within it) by the
    ``records`` and ``lines`` of the chunks before it: the one place numbers are made the
    file's. (Its documents' record numbers are shifted as they are stored.)"""
    if not unit.chunk:
        return
    for p in (*unit.problems, *([unit.error] if unit.error else [])):
        p.record = None if p.record is None else p.record + records
        p.line = None if p.line is None else p.line + lines


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


def prepare_unit(
    records: list[RawRecord],
    image: bool,
    *,
    chunk: bool = False,
    lines: int = 0,
    spool: str | None = None,
) -> Prepared:
    """Clean records and stage the usable ones, with their first duplicate in the unit
    and their keyword links (an image is written to a file in the folder ``spool``, if
    given: see _image_path)."""
    rows: list[tuple[Any, ...]] = []
    keywords: list[Any] = []
    spans: list[Sentences | None] = []
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
        row, sp, found, kws = prepare_record(rec, cl, q.STAGE_NULL)
        keywords.append(kws)
        problems += found
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
                else:  # kept apart: reported once stored (see the pipeline's _kept_apart)
                    works.append((n, row, rec.authors))
        rows.append(
            (*row, dup_hash(key), doi_first if doi_first < n else q.STAGE_NULL,
             key_first if key_first < n else q.STAGE_NULL)
        )  # fmt: skip
        spans.append(sp)
    has_spans = any(sp is not None for sp in spans)
    labels, links = unit_keywords(keywords)
    to = _image_path(spool) if spool is not None and image and rows else None
    staged = q.stage_rows(rows, image=image, links=links, sides=LINK_SIDES, path=to)
    in_image = isinstance(staged, bytes | str)
    return Prepared(
        staged, len(rows), spans if has_spans else None, problems, len(records), chunk, lines,
        keywords=(labels, None if in_image else links),
    )  # fmt: skip


def warm() -> None:
    """Prepare one record of its own in this process, before it forks its workers: they
    then inherit (copy-on-write) what preparing loads on first use, which each of them
    loaded again (the text cleaner's modules, whose regular expressions compile on import,
    OpenCC and the table of traditional-only characters, the GB 2312 codec): ~0.1 s of CPU
    a worker, measured with ``python -X importtime`` (CNKI RefWorks, 2 workers).

    >>> warm()
    """
    rec = RawRecord(
        "", 1, "warm", title="數字經濟研究 Digital economy", abstract="數字經濟。Digital economy.",
        keywords={"zh": ["數字經濟"], "en": ["Digital Economy"]}, authors=["張三"],
    )  # fmt: skip
    prepare_unit([rec], True)


def finish_last(unit: Prepared, tails: list[object], image: bool) -> Prepared:
    """The unit of the file's last record, held back by its chunk, once checked with
    what every chunk saw (numbered in its chunk, as the unit that held it back)."""
    from zhagen.formats import check_last_record

    assert unit.held is not None
    found = len(unit.held.problems)
    check_last_record(unit.held, unit.tail, tails)
    if unit.held_unit is not None and len(unit.held.problems) == found:
        last = unit.held_unit  # the check added no problem: the worker's unit is this one
    else:
        last = prepare_unit([unit.held], image, chunk=True)
    unit.held = unit.held_unit = None
    return last


def _image_path(folder: str) -> str:
    """A new empty file in ``folder`` for a worker to write its unit's image to, as an
    SQLite file that the main process attaches (see
    :func:`~zhagen.store.docs.staging_file`).

    A result sent back through the pool's pipe is copied and unpickled by the main process
    (~13 ms for a chunk's 9 MB image, ~1.8 µs a record); a file in the page cache is read
    by SQLite in place, and the main process is the one that cannot be split.
    """
    fd, path = tempfile.mkstemp(suffix=".image", dir=folder)
    os.close(fd)
    return path


_SPOOL_PREFIX = "zhagen-import-"


def spool() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for the images of one import (see _image_path), named after
    this process; folders left by killed imports (their process gone) are removed first."""
    root = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            if name.startswith(_SPOOL_PREFIX):
                pid = name[len(_SPOOL_PREFIX) :].partition("-")[0]
                if pid.isdigit() and not process_exists(int(pid)):
                    shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=f"{_SPOOL_PREFIX}{os.getpid()}-")


def problem_from(path: str, exc: ZhagenError) -> Problem:
    """The problem on ``path`` for an error that stopped reading it."""
    return Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )


def unreadable(path: str, exc: OSError | InputError) -> InputError:
    """The error for a file that cannot be read (an InputError is given back as it is)."""
    if isinstance(exc, InputError):
        return exc
    return InputError(
        f"无法读取文件（{exc.strerror or exc}），请检查路径和权限",
        f"cannot read the file ({exc.strerror or exc}); check the path and its permissions",
        file=path,
    )


def _unusable(problems: list[Problem]) -> bool:
    """A record whose reader marked it an error holds nothing worth a document."""
    return any(p.severity == "error" for p in problems)
