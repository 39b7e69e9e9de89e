"""Documents: list and filters, one document's fields, text, sentences and codings, full-text
search, and import by upload (drag and drop)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from zhagen.web.errors import WebError
from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, api_router, workbench
from zhagen.web.services import documents as svc
from zhagen.web.services import records

router = api_router()
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
) -> dict[str, Any]:
    """Documents filtered by text, type, year, source file, coded or not (by a coder): the
    query of ``project.documents.find`` and ``zhagen docs``, a page at a time."""
    who = workbench(request).view_coder(p, s, coder)
    src = int(source) if source and source.isdigit() else (source or None)
    return svc.list_documents(
        p, q=q, doc_type=type or None, year=year, source=src, coded=coded, coder=who,
        offset=offset, limit=limit,
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
    p: ProjectDep,
    regex: bool = False,
) -> dict[str, Any]:
    return svc.search(p, q, regex=regex)


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
    (and may take minutes), which a pooled one, tuned for short edits, must not share."""
    from zhagen.project import Project

    with Project.open(workbench(request).settings.project) as p:
        report = p.add(list(paths))
    return svc.import_report(report, paths)


@router.post("/documents/upload")
async def upload(request: Request, _s: CoderDep) -> dict[str, Any]:
    """Import uploaded files (multipart field ``files``) with the CLI's readers.

    Each file is stored as ``<project>.files/<sha256>/<name>`` (the name reduced to its
    last component) and then imported; the answer is the import report per file.
    """
    wb = workbench(request)
    form = await request.form(max_files=MAX_FILES, max_fields=20)
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
