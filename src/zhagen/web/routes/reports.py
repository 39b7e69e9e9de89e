"""Paper tables, saturation and agreement (JSON for the pages, files to download), and the
REFI-QDA export."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from zhagen.access import Item, require
from zhagen.project import Project
from zhagen.web.auth import Session
from zhagen.web.routes import CoderDep, ProjectDep, SessionDep, actor_of, api_router, workbench
from zhagen.web.services import reports as svc

router = api_router()
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "qdpx": "application/zip",
}


class AgreementRequest(BaseModel):
    a: str = Field(min_length=1, max_length=100)
    b: str = Field(min_length=1, max_length=100)
    unit: str = Field(default="char", pattern="^(char|sentence)$")


def _tmpdir(request: Request) -> Path:
    root = workbench(request).files / ".tmp"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root))


def _file(path: Path, name: str, folder: Path) -> FileResponse:
    return FileResponse(
        path,
        media_type=MEDIA[path.suffix.lstrip(".")],
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _coder(request: Request, p: Project, s: Session, coder: str | None) -> str | None:
    return workbench(request).view_coder(p, s, coder or None)


@router.get("/tables")
def tables(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    coder: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The four grounded-theory tables (first rows of each) and the counts chain."""
    return svc.tables_json(p, coder=_coder(request, p, s, coder))


@router.get("/tables/download")
def tables_download(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    format: Annotated[str, Query(pattern="^(xlsx|docx)$")] = "xlsx",  # noqa: A002
    coder: Annotated[str | None, Query(max_length=100)] = None,
) -> FileResponse:
    """``coding_tables.xlsx`` (every column, traceable) or ``coding_tables.docx`` (三线表)."""
    folder = _tmpdir(request)
    try:
        paths = svc.write_tables(p, folder, coder=_coder(request, p, s, coder))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _file(paths[format], f"coding_tables.{format}", folder)


def _saturation(
    request: Request, p: Project, s: Session, fraction: str, seed: int, coder: str | None
) -> Any:
    who = _coder(request, p, s, coder)
    return p.reports.saturation(holdout=fraction, seed=seed, coder=who)


@router.get("/saturation")
def saturation(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    fraction: Annotated[str, Query(max_length=20)] = "1/3",
    seed: int = 0,
    coder: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """Hold out ``fraction`` of the documents (``seed``) and report what they brought new."""
    return svc.saturation_json(_saturation(request, p, s, fraction, seed, coder))


@router.get("/saturation/download")
def saturation_download(
    request: Request,
    p: ProjectDep,
    s: SessionDep,
    fraction: Annotated[str, Query(max_length=20)] = "1/3",
    seed: int = 0,
    coder: Annotated[str | None, Query(max_length=100)] = None,
) -> FileResponse:
    report = _saturation(request, p, s, fraction, seed, coder)
    folder = _tmpdir(request)
    path = svc.write_frames_xlsx(report.to_frames(), folder / "saturation.xlsx")
    return _file(path, "saturation.xlsx", folder)


def _agreement(request: Request, p: Project, s: Session, body: AgreementRequest) -> Any:
    wb = workbench(request)
    require(actor_of(request, s), "reveal", Item("project"))
    result = p.reports.agreement((body.a, body.b), unit=body.unit)
    if wb.blind:
        wb.config.update(blind=False)  # agreement computed: blind coding ends
    return result


@router.post("/agreement")
def agreement(
    body: AgreementRequest,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> dict[str, Any]:
    """Agreement of two coders per code and pooled (ends blind coding)."""
    return svc.agreement_json(_agreement(request, p, s, body))


@router.post("/agreement/download")
def agreement_download(
    body: AgreementRequest,
    request: Request,
    p: ProjectDep,
    s: CoderDep,
) -> FileResponse:
    result = _agreement(request, p, s, body)
    folder = _tmpdir(request)
    path = svc.write_frames_xlsx(result.to_frames(), folder / "agreement.xlsx")
    return _file(path, "agreement.xlsx", folder)


@router.get("/export/qdpx")
def export_qdpx(request: Request, p: ProjectDep, s: SessionDep) -> FileResponse:
    """The whole project as REFI-QDA (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    require(actor_of(request, s), "reveal", Item("project"))
    folder = _tmpdir(request)
    try:
        path = svc.export_qdpx(
            p, folder / "project.qdpx", coder=workbench(request).view_coder(p, s)
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = Path(p.path).stem + ".qdpx"
    return _file(path, name, folder)
