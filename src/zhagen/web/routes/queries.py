"""The queries (查询 / Queries): ``/api/queries/<query>`` (JSON, from ``project.queries``),
their drill-downs, downloads and the word cloud image. Query fields are made from each
query's one declaration (``zhagen.queries.params``).

``doc_ids=None`` everywhere: the scope (``scope=``, ``Project.scope``) is wired here at
merge, as for every analysis.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from zhagen.project import Project
from zhagen.web.auth import Session
from zhagen.web.routes import (
    CoderDep,
    ProjectDep,
    SessionDep,
    actor_of,
    analysis_query,
    api_router,
    workbench,
)
from zhagen.web.services import queries as svc

router = api_router()
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
}
#: Downloads each query offers.
FILES = {"words": ("csv", "png"), "search": ("csv",), "matrix": ("csv", "xlsx", "png"),
         "framework": ("xlsx", "csv"), "cooccurrence": ("csv", "xlsx", "png")}  # fmt: skip

WordsQuery = Annotated[dict[str, Any], analysis_query("words")]
SearchQuery = Annotated[dict[str, Any], analysis_query("search")]
MatrixQuery = Annotated[dict[str, Any], analysis_query("matrix")]
MatrixCellQuery = Annotated[dict[str, Any], analysis_query("matrix", also=("row", "column"))]
FrameworkQuery = Annotated[dict[str, Any], analysis_query("framework")]
CooccurrenceQuery = Annotated[dict[str, Any], analysis_query("cooccurrence")]
CooccurrenceCellQuery = Annotated[dict[str, Any], analysis_query("cooccurrence", also=("a", "b"))]


def _as_caller(request: Request, s: Session, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the caller as ``actor``: coding blind, a scope's ``coded:`` and
    ``coder:`` see only the caller's own codings."""
    return {**values, "actor": actor_of(request, s)}


def _viewed(request: Request, p: Project, s: Session, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the caller as ``actor`` and the coder the caller may see (coding
    blind: themselves only)."""
    coder = workbench(request).view_coder(p, s, values.get("coder"))
    return {**_as_caller(request, s, values), "coder": coder}


@router.get("/queries/words")
def words(request: Request, p: ProjectDep, s: SessionDep, values: WordsQuery) -> dict[str, Any]:
    """Word frequency: the top words with count, documents and share, and definitions."""
    return svc.words_json(p, _as_caller(request, s, values), None)


@router.get("/queries/words/cloud")
def words_cloud(request: Request, p: ProjectDep, s: SessionDep, values: WordsQuery) -> FileResponse:
    """The word cloud (PNG) of the same word frequency."""
    path = svc.cloud_file(p, _as_caller(request, s, values), None, workbench(request).files)
    return FileResponse(
        path, media_type=MEDIA["png"], headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get("/queries/search")
def search(request: Request, p: ProjectDep, s: SessionDep, values: SearchQuery) -> dict[str, Any]:
    """Text search: every hit counted, the first ``limit`` listed with context."""
    return svc.search_json(p, _as_caller(request, s, values), None)


class CodeHits(BaseModel, extra="allow"):
    """Code all hits: the code (``code`` id, or ``name`` to find or make), and the search's
    declared fields (``query``, ``regex``, ``spread`` …) as further fields."""

    code: int | None = None
    name: str | None = Field(default=None, max_length=200)


@router.post("/queries/search/code")
def search_code(body: CodeHits, request: Request, p: ProjectDep, s: CoderDep) -> dict[str, Any]:
    """Code every hit (hit, sentence or paragraph) in one undoable edit, as the caller."""
    from zhagen.web.services.params import parse

    values = parse("search", body.model_extra or {})
    return svc.code_hits(p, body.model_dump(include={"code", "name"}), values, None,
                         actor=actor_of(request, s))  # fmt: skip


@router.get("/queries/matrix")
def matrix(request: Request, p: ProjectDep, s: SessionDep, values: MatrixQuery) -> dict[str, Any]:
    """Matrix coding: codes × document groups."""
    return svc.matrix_json(p, _viewed(request, p, s, values), None)


@router.get("/queries/matrix/cell")
def matrix_cell(
    request: Request, p: ProjectDep, s: SessionDep, values: MatrixCellQuery,
    row: Annotated[int, Query(ge=1)], column: Annotated[str, Query(max_length=500)],
) -> list[dict[str, Any]]:  # fmt: skip
    """The codings behind a cell (code id ``row``, group ``column``), with their text."""
    return p.queries.matrix_cell(row, column, **_viewed(request, p, s, values))


@router.get("/queries/framework")
def framework(
    request: Request, p: ProjectDep, s: SessionDep, values: FrameworkQuery
) -> dict[str, Any]:
    """Framework matrix: documents × codes, each cell the coded text."""
    return svc.framework_json(p, _viewed(request, p, s, values), None)


@router.get("/queries/cooccurrence")
def cooccurrence(
    request: Request, p: ProjectDep, s: SessionDep, values: CooccurrenceQuery
) -> dict[str, Any]:
    """Code × code co-occurrence."""
    return svc.cooccurrence_json(p, _viewed(request, p, s, values), None)


@router.get("/queries/cooccurrence/cell")
def cooccurrence_cell(
    request: Request, p: ProjectDep, s: SessionDep, values: CooccurrenceCellQuery,
    a: Annotated[str, Query(max_length=500)], b: Annotated[str, Query(max_length=500)],
) -> list[dict[str, Any]]:  # fmt: skip
    """Where codes ``a`` and ``b`` (names as the matrix labels them, or ids) co-occur."""
    return p.queries.cooccurrence_cell(_code(a), _code(b), **_viewed(request, p, s, values))


def _code(label: str) -> int | str:
    """A matrix label (``name``, or ``name#id`` for a shared name) as a code reference."""
    name, sep, ident = label.rpartition("#")
    return int(ident) if sep and name and ident.isdigit() else label


def _download(
    request: Request, p: Project, query: str, values: dict[str, Any], fmt: str
) -> FileResponse:
    from zhagen.web.errors import WebError

    if fmt not in FILES[query]:
        raise WebError(400, "parameter", f"{query} 只能下载 {'、'.join(FILES[query])}",
                       f"{query} downloads as {', '.join(FILES[query])} only")  # fmt: skip
    root = workbench(request).files / ".tmp"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root))
    try:
        path = svc.write_result(p, query, values, None, folder / f"{query}.{fmt}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(path, media_type=MEDIA[fmt], filename=f"{query}.{fmt}",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))  # fmt: skip


def _download_route(query: str) -> Any:
    """``GET /api/queries/<query>/download?format=``: the query's file, its query fields made
    from its declaration (the same for every query, so made here once)."""
    import inspect

    fields = Annotated[dict[str, Any], analysis_query(query, also=("format",))]
    fmt = Annotated[str, Query(pattern="^(" + "|".join(FILES[query]) + ")$")]

    def route(
        request: Request, p: Project, s: Session, values: dict[str, Any], format: str
    ) -> FileResponse:  # noqa: A002
        if query in ("matrix", "framework", "cooccurrence"):  # codings: as the caller may see
            values = _viewed(request, p, s, values)
        else:
            values = _as_caller(request, s, values)
        return _download(request, p, query, values, format)

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    route.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", kind, annotation=Request),
         inspect.Parameter("p", kind, annotation=ProjectDep),
         inspect.Parameter("s", kind, annotation=SessionDep),
         inspect.Parameter("values", kind, annotation=fields),
         inspect.Parameter("format", kind, annotation=fmt, default=FILES[query][0])],
        return_annotation=FileResponse,
    )  # fmt: skip
    route.__name__ = f"{query}_download"
    route.__doc__ = f"The {query} query as a file: {', '.join(FILES[query])}."
    return route


for _query in FILES:
    router.add_api_route(f"/queries/{_query}/download", _download_route(_query), methods=["GET"])
