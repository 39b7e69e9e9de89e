"""The import pipeline: files → readers → cleaning → the store.

``formats`` never imports ``text``; this module does the piping. The per-record work
(:func:`prepare_batch`) is a pure function over plain data, so it can run in worker
processes (:mod:`zhagen.run`); only the main process writes to the store.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from zhagen.errors import InputError, ZhagenError
from zhagen.records import Problem, RawRecord
from zhagen.store import docs as q
from zhagen.store.db import Store

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


def _clean_field(value: str) -> tuple[str, dict[str, Any]]:
    from zhagen.text.clean import clean

    if not value:
        return "", {}
    res = clean(value)
    info: dict[str, Any] = {k: v for k, v in res.report.items() if v}
    if res.flags:
        info["flags"] = [
            {"kind": f.kind, "start": f.start, "end": f.end, "snippet": f.snippet}
            for f in res.flags
        ]
    return res.text, info


_KW_SEP = "\n"  # keywords never hold a line break; normalise keeps line breaks


def _clean_keywords(keywords: dict[str, list[str]]) -> dict[str, list[str]]:
    """NFC, width, 繁→简 for every keyword at once (one call, not one per keyword)."""
    from zhagen.text.clean import normalise, to_simplified

    if not keywords:
        return {}
    langs = list(keywords)
    flat = [w for lang in langs for w in keywords[lang]]
    joined = _KW_SEP.join(flat)
    cleaned = to_simplified(normalise(joined)[0])[0].split(_KW_SEP)
    if len(cleaned) != len(flat):  # normalisation touched the separator: go one by one
        cleaned = [to_simplified(normalise(w)[0])[0] for w in flat]
    out: dict[str, list[str]] = {}
    i = 0
    for lang in langs:
        seen: dict[str, None] = {}
        for w in cleaned[i : i + len(keywords[lang])]:
            w = w.strip()
            if w:
                seen.setdefault(w, None)
        i += len(keywords[lang])
        out[lang] = list(seen)
    return out


def _prepare_one(rec: RawRecord) -> tuple[tuple[Any, ...], list[tuple[int, int]] | None]:
    """One record → a row (without source_id) and, for raw documents, its sentence spans."""
    title, t_info = _clean_field(rec.title)
    abstract, a_info = _clean_field(rec.abstract)
    keywords = _clean_keywords(rec.keywords)
    cleaning: dict[str, Any] = {k: v for k, v in (("title", t_info), ("abstract", a_info)) if v}
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

        body, b_info = _clean_field(rec.text)
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


def _json(value: Any) -> str:
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return _ENCODER.encode(value)


def prepare_batch(
    records: list[RawRecord],
) -> list[tuple[tuple[Any, ...], list[tuple[int, int]] | None, list[Problem]]]:
    """Clean a batch of records (pure: plain data in, plain data out)."""
    return [(*_prepare_one(r), r.problems) for r in records]


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


def _work(item: tuple[Any, ...]) -> tuple[list, int, Problem | None]:
    """One unit of import work (runs in a worker process): read a chunk and/or clean records.

    Returns the prepared records, the number of lines the chunk held (0 for a batch of
    records read by the main process) and an error that stopped reading, if any.
    """
    if item[0] == "records":
        return prepare_batch(item[1]), 0, None
    from zhagen.formats import reader_for

    _kind, chunk, fmt, name = item
    try:
        records = list(reader_for(fmt)(io.BytesIO(chunk), name=name))
    except ZhagenError as exc:
        if not chunk.strip():
            return [], chunk.count(b"\n"), None
        return [], chunk.count(b"\n"), _problem_from(name, exc)
    return prepare_batch(records), chunk.count(b"\n"), None


def _problem_from(path: str, exc: ZhagenError) -> Problem:
    return Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )


def _work_items(path: str, fmt: str, size: int) -> Iterator[tuple[Any, ...]]:
    from zhagen.formats import iter_chunks, read_records

    chunks = iter_chunks(path, fmt) if size >= PARALLEL_MIN_BYTES else None
    if chunks is not None:
        return (("chunk", c, fmt, path) for c in chunks)
    batches = _batches(iter(read_records(path, fmt, name=path)), BATCH)
    return (("records", b) for b in batches)


def _renumber(prepared: list, records: int, lines: int) -> list:
    """Shift a chunk's record and line numbers by what the earlier chunks held."""
    for _row, _spans, probs in prepared:
        for p in probs:
            p.record = None if p.record is None else p.record + records
            p.line = None if p.line is None else p.line + lines
    return [((row[0] + records, *row[1:]), spans, probs) for row, spans, probs in prepared]


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

    items = _work_items(path, fmt, size)
    if workers is None:
        workers = min(2, default_workers()) if size >= PARALLEL_MIN_BYTES else 1
    n_records = n_lines = 0
    try:
        for prepared, chunk_lines, error in map_partitions(_work, items, workers=workers):
            if chunk_lines:
                prepared = _renumber(prepared, n_records, n_lines)
                if error is not None:
                    error.line = None if error.line is None else error.line + n_lines
            _store_batch(store, sid, prepared, report)
            n_records += len(prepared)
            n_lines += chunk_lines
            if error is not None:
                return error
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
        report.duplicates = q.mark_duplicates(store, sid)
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


def _store_batch(store: Store, sid: int, prepared: list, report: FileReport) -> None:
    with store.transaction():
        kept = [item for item in prepared if not _unusable(item[2])]
        rows = [(sid, *row) for row, _spans, _probs in kept]
        if any(spans is not None for _row, spans, _probs in kept):
            ids = q.insert_documents(store, rows)
            for doc_id, (_row, spans, _probs) in zip(ids, kept, strict=True):
                if spans is not None:
                    q.insert_sentences(store, doc_id, spans)
        else:
            q.insert_documents_bulk(store, rows)
        probs = [p for _row, _spans, ps in prepared for p in ps]
        q.insert_problems(store, [_problem_row(sid, p) for p in probs])
        report.problems.extend(probs)
    report.records += len(kept)


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
