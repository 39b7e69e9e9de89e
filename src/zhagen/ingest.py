"""The import pipeline: files → readers → cleaning → the store.

``formats`` never imports ``text``; this module does the piping. The per-record work
(:func:`prepare_batch`) is a pure function over plain data, so it can run in worker
processes (:mod:`zhagen.run`); only the main process writes to the store.
"""

from __future__ import annotations

import hashlib
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


def _clean_keywords(keywords: dict[str, list[str]]) -> dict[str, list[str]]:
    from zhagen.text.clean import normalise, to_simplified

    out: dict[str, list[str]] = {}
    for lang, words in keywords.items():
        seen: dict[str, None] = {}
        for w in words:
            w = to_simplified(normalise(w)[0])[0].strip()
            if w:
                seen.setdefault(w, None)
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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def prepare_batch(
    records: list[RawRecord],
) -> list[tuple[tuple[Any, ...], list[tuple[int, int]] | None, list[Problem]]]:
    """Clean a batch of records (pure: plain data in, plain data out)."""
    return [(*_prepare_one(r), r.problems) for r in records]


def _batches(it: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    while batch := list(islice(it, size)):
        yield batch


def _sha256(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _problem_row(source_id: int | None, p: Problem) -> tuple[Any, ...]:
    return (source_id, p.file, p.record, p.line, p.severity, p.code, p.zh, p.en)


def _fail(store: Store, path: str, exc: ZhagenError, sha: str | None, size: int | None) -> FileReport:
    prob = Problem(
        file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record, line=exc.line
    )
    with store.transaction():
        sid = q.insert_source(
            store, path=path, abspath=_abspath(path), sha256=sha, size=size, fmt=None,
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


def import_file(
    store: Store, path: str, fmt: str | None = None, *, workers: int = 1
) -> FileReport:
    """Import one file; never raises for bad input (the report says what went wrong)."""
    from zhagen.formats import detect_format, read_records
    from zhagen.run import map_partitions

    sha = size = None
    try:
        if os.path.isdir(path):
            raise InputError("这是一个文件夹，不是文件", "this is a folder, not a file", file=path)
        sha, size = _sha256(path)
    except OSError as exc:
        err = InputError(
            f"无法读取文件（{exc.strerror or exc}），请检查路径和权限",
            f"cannot read the file ({exc.strerror or exc}); check the path and its permissions",
            file=path,
        )
        return _fail(store, path, err, None, None)
    except InputError as exc:
        return _fail(store, path, exc, None, None)
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
            store, path=path, abspath=_abspath(path), sha256=sha, size=size, fmt=fmt,
            status="partial",
        )
    report = FileReport(path=path, status="partial", format=fmt)
    try:
        batches = _batches(iter(read_records(path, fmt, name=path)), BATCH)
        for prepared in map_partitions(prepare_batch, batches, workers=workers):
            _store_batch(store, sid, prepared, report)
    except ZhagenError as exc:
        report.problems.append(
            Problem(file=path, zh=exc.zh, en=exc.en, severity="error", record=exc.record,
                    line=exc.line)
        )
    with store.transaction():
        if report.problems and report.problems[-1].severity == "error" and report.records == 0:
            report.status = "failed"
            q.insert_problems(store, [_problem_row(sid, report.problems[-1])])
        else:
            report.status = "ok"
        report.duplicates = q.mark_duplicates(store, sid)
        q.finish_source(store, sid, status=report.status, n_records=report.records, fmt=fmt)
        store.log(
            "import",
            {"path": path, "sha256": sha, "format": fmt, "records": report.records,
             "status": report.status},
        )
    return report


def _store_batch(store: Store, sid: int, prepared: list, report: FileReport) -> None:
    with store.transaction():
        kept = [item for item in prepared if not _unusable(item[2])]
        ids = q.insert_documents(store, [(sid, *row) for row, _spans, _probs in kept])
        for doc_id, (_row, spans, _probs) in zip(ids, kept, strict=True):
            if spans is not None:
                q.insert_sentences(store, doc_id, spans)
        probs = [p for _row, _spans, ps in prepared for p in ps]
        q.insert_problems(store, [_problem_row(sid, p) for p in probs])
        report.problems.extend(probs)
    report.records += len(ids)


def _unusable(problems: list[Problem]) -> bool:
    """A record whose reader marked it an error holds nothing worth a document."""
    return any(p.severity == "error" for p in problems)


def add_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    fmt: str | None = None,
    *,
    workers: int = 1,
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
