"""Documents: list and filters, one document's fields, text, sentences and codings, full-text
search, and import by upload (drag and drop)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from zhagen.web.errors import WebError
from zhagen.web.routes import (
    CoderDep,
    ProjectDep,
    SessionDep,
    actor_of,
    api_router,
    read_form,
    workbench,
)
from zhagen.web.services import documents as svc
from zhagen.web.services import records

router = api_router()
log = logging.getLogger("zhagen.web")
MAX_FILES = 200


@router.get("/documents")
def list_documents(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
    type: str | None = None,  # noqa: A002 - the filter's name in the URL
    year: int | None = None,
    source: Annotated[str | None, Query(max_length=1000)] = None,
    coded: bool | None = None,
    coder: Annotated[str | None, Query(max_length=100)] = None,
    offset: int = 0,
    limit: int = 100,
    scope: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    """Documents filtered by text, type, year, source file, coded or not (by a coder): the
    query of ``project.documents.find`` and ``zhagen docs``, a page at a time."""
    who = workbench(request).view_coder(p, s, coder)
    src = int(source) if source and source.isdigit() else (source or None)
    return svc.list_documents(
        p, q=q, doc_type=type or None, year=year, source=src, coded=coded, coder=who,
        offset=offset, limit=limit, scope=scope or None,
        actor=actor_of(request, s),
    )  # fmt: skip


@router.get("/documents/{doc_id}")
def document(doc_id: int, p: ProjectDep) -> dict[str, Any]:
    return svc.document_info(p, doc_id)


@router.get("/documents/{doc_id}/text")
def document_text(
    doc_id: int,
    p: ProjectDep,
    original: bool = False,
) -> dict:
    """The cleaned text (``original=true``: as read, before cleaning)."""
    return svc.document_text(p, doc_id, original=original)


@router.get("/documents/{doc_id}/cleaning")
def document_cleaning(doc_id: int, p: ProjectDep) -> dict[str, Any]:
    """The original beside the cleaned text: what cleaning changed (spans on both sides)
    and the garbled runs flagged."""
    return svc.document_cleaning(p, doc_id)


@router.get("/documents/{doc_id}/sentences")
def document_sentences(doc_id: int, p: ProjectDep) -> dict[str, Any]:
    return svc.document_sentences(p, doc_id)


@router.get("/documents/{doc_id}/codings")
def document_codings(
    doc_id: int,
    request: Request,
    p: ProjectDep,
    s: SessionDep,
) -> dict[str, Any]:
    """The document's codings (mine only in blind mode)."""
    return svc.document_codings(p, doc_id, coder=workbench(request).view_coder(p, s))


@router.get("/search")
def search(
    q: Annotated[str, Query(min_length=1, max_length=500)],
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    regex: bool = False,
    scope: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    return svc.search(p, q, regex=regex, scope=scope, actor=actor_of(request, s))


@router.get("/sources")
def sources(p: ProjectDep) -> list[dict[str, Any]]:
    df = p.documents.sources()
    df["path"] = [Path(str(x)).name for x in df["path"]]
    return records(df)


@router.get("/problems")
def problems(p: ProjectDep) -> list[dict[str, Any]]:
    df = p.documents.problems()
    df["path"] = [Path(str(x)).name if x is not None else "" for x in df["path"]]
    return records(df.tail(1000))


def _import(request: Request, paths: dict[str, str]) -> dict[str, Any]:
    """Import on a connection of its own: an import tunes its connection for bulk writes
    (and may take minutes), which a pooled one, tuned for short edits, must not share.

    Should a reader fail in a way the import does not catch, the files are imported one
    by one, so that the bad file is reported as failed and every good one is imported.
    """
    from zhagen.project import Project

    with Project.open(workbench(request).settings.project) as p:
        known = set(p.documents.sources()["id"])
        try:
            return svc.import_report(p.add(list(paths)), paths)
        except Exception:  # noqa: BLE001 - one bad file must not cost the others
            log.exception("import of %d uploaded files failed; importing one by one", len(paths))
            return _import_each(p, paths, known)


def _import_each(p: Any, paths: dict[str, str], known: set[int]) -> dict[str, Any]:
    """Import file by file; a file the failed batch had already imported (a source row
    that is not in ``known``) is reported as imported, not as skipped."""
    out: dict[str, Any] = {"records": 0, "failed": 0, "files": []}
    new = p.documents.sources()
    new = new[~new["id"].isin(known)]
    done = {str(r.path): int(r.n_records or 0) for r in new.itertuples() if r.status == "ok"}
    for path, name in paths.items():
        try:
            one = svc.import_report(p.add([path]), {path: name})
            for f in one["files"]:
                if f["status"] == "skipped" and path in done:
                    f.update(status="ok", records=done[path])
                    one["records"] += done[path]
        except Exception as exc:  # noqa: BLE001 - reported on the file, logged in full
            log.error("uploaded file %s could not be imported", name, exc_info=exc)
            one = {"records": 0, "failed": 1, "files": [_unreadable(name, exc)]}
        out["records"] += one["records"]
        out["failed"] += one["failed"]
        out["files"] += one["files"]
    return out


def _unreadable(name: str, exc: Exception) -> dict[str, Any]:
    """The report of a file whose reader failed unexpectedly."""
    zh = getattr(exc, "zh", None) or f"无法读取该文件（{type(exc).__name__}）；文件可能已损坏"
    en = getattr(exc, "en", None) or (
        f"the file could not be read ({type(exc).__name__}); it may be damaged"
    )
    problem = {"severity": "error", "code": "unreadable", "record": None, "line": None,
               "message_zh": f"{name}: {zh}", "message_en": f"{name}: {en}"}  # fmt: skip
    return {"name": name, "status": "failed", "format": None, "records": 0, "duplicates": 0,
            "problems": [problem]}  # fmt: skip


@router.post("/documents/upload")
async def upload(request: Request, _s: CoderDep) -> dict[str, Any]:
    """Import uploaded files (multipart field ``files``) with the CLI's readers.

    Each file is stored as ``<project>.files/<sha256>/<name>`` (the name reduced to its
    last component) and then imported; the answer is the import report per file.
    """
    wb = workbench(request)
    form = await read_form(request, max_files=MAX_FILES, max_fields=20)
    uploads = [f for f in form.getlist("files") if hasattr(f, "read")]
    if not uploads:
        raise WebError(
            400, "no_files", "没有收到文件（字段名 files）", "no files received (field `files`)"
        )
    paths: dict[str, str] = {}
    try:
        for up in uploads:
            up.file.seek(0)
            chunks = iter(lambda f=up.file: f.read(1 << 20), b"")
            dest = await run_in_threadpool(
                svc.store_upload, chunks, up.filename, wb.files, wb.settings.max_upload
            )
            paths[str(dest)] = svc.safe_name(up.filename)
    finally:
        await form.close()
    return await run_in_threadpool(_import, request, paths)
