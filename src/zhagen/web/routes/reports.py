"""Paper tables, saturation, agreement and terms (JSON for the pages, files to download), and the
REFI-QDA export."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from zhagen.access import Item, require
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
from zhagen.web.services import reports as svc
from zhagen.web.services.params import form, parse

router = api_router()
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "qdpx": "application/zip",
    "md": "text/markdown; charset=utf-8",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}


#: Query fields made from each analysis's one declaration (``zhagen.params``).
TablesQuery = Annotated[dict[str, Any], analysis_query("tables")]
TablesFileQuery = Annotated[dict[str, Any], analysis_query("tables", also=("format",))]
SaturationQuery = Annotated[dict[str, Any], analysis_query("saturation")]
TermsQuery = Annotated[dict[str, Any], analysis_query("terms")]
CompareQuery = Annotated[dict[str, Any], analysis_query("agreement", also=("a", "b"))]


class Coders(BaseModel, extra="allow"):
    """An agreement request: the two coders, and the analysis's declared options
    (``AgreementParams``: ``unit``) as further fields."""

    a: str = Field(min_length=1, max_length=100)
    b: str = Field(min_length=1, max_length=100)


def _tmpdir(request: Request) -> Path:
    root = workbench(request).files / ".tmp"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root))


def _written(request: Request, name: str, write: Callable[[Path], Path]) -> FileResponse:
    """The file ``write`` makes in a fresh temporary folder (given the path it should
    write, it returns the one to send), sent as ``name``; the folder goes when it is sent,
    or at once when writing fails."""
    folder = _tmpdir(request)
    try:
        path = write(folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _file(path, name, folder)


def _file(path: Path, name: str, folder: Path) -> FileResponse:
    return FileResponse(
        path,
        media_type=MEDIA[path.suffix.lstrip(".")],
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _viewed(request: Request, p: Project, s: Session, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the coder the caller may see (coding blind: themselves only) and the
    caller as ``actor`` (coding blind, a scope's ``coded:``/``coder:`` see their codings only)."""
    coder = workbench(request).view_coder(p, s, values.get("coder"))
    return {**values, "coder": coder, "actor": actor_of(request, s)}


@router.get("/params/{analysis}")
def params(analysis: str, _s: SessionDep) -> dict[str, Any]:
    """The form of an analysis (``maps``, ``saturation``, ``agreement``, ``tables``,
    ``terms``): its parameters' one declaration, as the CLI's options are made."""
    return form(analysis)


@router.get("/tables")
def tables(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    values: TablesQuery,
) -> dict[str, Any]:
    """The four grounded-theory tables (first rows of each) and the counts chain."""
    viewed = _viewed(request, p, s, values)
    return svc.tables_json(
        p, coder=viewed["coder"], scope=viewed.get("scope"), actor=viewed["actor"]
    )


@router.get("/tables/download")
def tables_download(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    values: TablesFileQuery,
    format: Annotated[str, Query(pattern="^(xlsx|docx)$")] = "xlsx",  # noqa: A002
) -> FileResponse:
    """``coding_tables.xlsx`` (every column, traceable) or ``coding_tables.docx`` (三线表)."""
    viewed = _viewed(request, p, s, values)
    return _written(request, f"coding_tables.{format}",
                    lambda path: svc.write_tables(p, path.parent, **viewed)[format])  # fmt: skip


def _lang(request: Request) -> str:
    """The page language of the caller (the ``zhagen_lang`` cookie)."""
    from zhagen.web.i18n import lang_of

    return lang_of(request.cookies.get("zhagen_lang"))


@router.get("/saturation")
def saturation(
    request: Request, p: ProjectDep, s: SessionDep, values: SaturationQuery
) -> dict[str, Any]:
    """Hold out a share of the documents (``holdout``, ``seed``) and report what they
    brought new."""
    return svc.saturation_json(p.reports.saturation(**_viewed(request, p, s, values)))


@router.get("/saturation/download")
def saturation_download(
    request: Request, p: ProjectDep, s: SessionDep, values: SaturationQuery
) -> FileResponse:
    report = p.reports.saturation(**_viewed(request, p, s, values))
    folder = _tmpdir(request)
    path = svc.write_frames_xlsx(report.to_frames(), folder / "saturation.xlsx", _lang(request))
    return _file(path, "saturation.xlsx", folder)


@router.get("/terms")
def terms(p: ProjectDep, _s: SessionDep, values: TermsQuery) -> dict[str, Any]:
    """Candidate terms the dictionary lacks (``zhagen terms``)."""
    return svc.terms_json(p.terms.discover(**values))


def _agreement(request: Request, p: Project, s: Session, body: Coders) -> Any:
    wb = workbench(request)
    require(actor_of(request, s), "reveal", Item("project"))
    options = parse("agreement", body.model_extra or {})
    result = p.reports.agreement((body.a, body.b), **options)
    if wb.blind:
        wb.config.update(blind=False)  # agreement computed: blind coding ends
    return result


@router.post("/agreement")
def agreement(
    body: Coders,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    """Agreement of two coders per code and pooled (ends blind coding)."""
    return svc.agreement_json(_agreement(request, p, s, body))


@router.get("/documents/{doc_id}/compare")
def compare(
    doc_id: int,
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    values: CompareQuery,
    a: Annotated[str, Query(min_length=1, max_length=100)],
    b: Annotated[str, Query(min_length=1, max_length=100)],
) -> dict[str, Any]:
    """Two coders' codings of one document side by side: each one's codings, where they
    disagree, and per code κ and agreement over this document (the functions of the
    agreement page). Reveals both coders' work: coding blind, the owner only."""
    require(actor_of(request, s), "reveal", Item("project"))
    return svc.compare_json(p, doc_id, (a, b), **values)


@router.post("/agreement/download")
def agreement_download(
    body: Coders,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> FileResponse:
    result = _agreement(request, p, s, body)
    folder = _tmpdir(request)
    path = svc.write_frames_xlsx(result.to_frames(), folder / "agreement.xlsx", _lang(request))
    return _file(path, "agreement.xlsx", folder)


@router.get("/hierarchy")
def hierarchy(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    format: Annotated[str, Query(pattern="^(svg|png)$")] = "svg",  # noqa: A002
) -> FileResponse:
    """The code tree as a treemap sized by codings (coding blind: mine), SVG or PNG."""
    coder, lang = workbench(request).view_coder(p, s), _lang(request)
    return _written(request, f"hierarchy.{format}",
                    lambda path: p.reports.hierarchy_chart(path, coder=coder, lang=lang))  # fmt: skip


@router.get("/model/figure")
def model_figure(
    request: Request,
    p: ProjectDep,
    _s: SessionDep,
    layout: Annotated[str, Query(pattern="^(tree|paradigm)$")] = "tree",
    format: Annotated[str, Query(pattern="^(svg|png|pdf)$")] = "png",  # noqa: A002
) -> FileResponse:
    """The model figure drawn by the library with the boxes where they were moved."""
    lang = _lang(request)
    return _written(request, f"model_{layout}.{format}",
                    lambda path: p.reports.model_figure(path, layout=layout, lang=lang))  # fmt: skip


@router.get("/memos/export")
def memos_export(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    format: Annotated[str, Query(pattern="^(md|docx)$")] = "md",  # noqa: A002
    type: Annotated[str | None, Query(pattern="^(none|code|theory|method|reflection)$")] = None,  # noqa: A002
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> FileResponse:
    """The memos (of a type, holding ``q``; coding blind: mine) as Markdown or Word."""
    coder, lang = workbench(request).view_coder(p, s), _lang(request)
    kind = "" if type == "none" else type
    return _written(request, f"memos.{format}", lambda path: p.reports.write_memos(
        path, type=kind, q=q or None, coder=coder, lang=lang))  # fmt: skip


@router.get("/export/qdpx")
def export_qdpx(request: Request, p: ProjectDep, s: SessionDep) -> FileResponse:
    """The whole project as REFI-QDA (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    require(actor_of(request, s), "reveal", Item("project"))
    coder = workbench(request).view_coder(p, s)
    return _written(request, Path(p.path).stem + ".qdpx",
                    lambda path: svc.export_qdpx(p, path, coder=coder))  # fmt: skip
