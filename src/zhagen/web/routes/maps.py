"""Knowledge maps: run one (the CLI's parameters), list runs, read a run's tables, list a
node's records, and serve a run's files (``map.html`` sandboxed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

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
from zhagen.web.services import maps as svc

router = api_router()
files = APIRouter()

#: map.html runs its own inline script: it gets its own policy and an opaque origin.
MAP_HTML_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


@router.get("/maps/params")
def params() -> dict[str, Any]:
    """The parameters a map takes (their one declaration, as the CLI's options are made)."""
    return svc.params_form()


@router.get("/maps")
def runs(request: Request, p: ProjectDep) -> list[dict[str, Any]]:
    return svc.list_runs(p, workbench(request).files)


def _params(text: Any) -> Any:
    import json

    try:
        return json.loads(str(text or "{}"))
    except ValueError:
        return None


@router.post("/maps")
async def run_map(request: Request, s: CoderDep) -> dict[str, Any]:
    """Build a map and write every output into ``<project>.files/maps/run-N/``.

    A JSON body holds the parameters; a form (``params``: that JSON object as text, and
    the file ``thesaurus``) also brings a thesaurus, read as ``zhagen map --thesaurus``
    reads one; the body limit of every API request (5 MiB) bounds it.
    """
    from starlette.concurrency import run_in_threadpool

    wb = workbench(request)
    thesaurus = None
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await read_form(request, max_files=1, max_fields=5)
        try:
            body = _params(form.get("params"))
            up = form.get("thesaurus")
            if hasattr(up, "read") and getattr(up, "filename", ""):
                up.file.seek(0)
                chunks = iter(lambda f=up.file: f.read(1 << 20), b"")
                thesaurus = await run_in_threadpool(
                    svc.store_thesaurus, chunks, up.filename, wb.files
                )
        finally:
            await form.close()
    else:
        body = _params((await request.body()).decode("utf-8", "replace"))
    if not isinstance(body, dict):
        raise WebError(
            400, "parameter", "图谱参数应为 JSON 对象", "map parameters must be a JSON object"
        )

    def build() -> dict[str, Any]:
        with wb.pool.project() as p:
            return svc.run_map(p, wb.files, body, thesaurus=thesaurus, actor=actor_of(request, s))

    return await run_in_threadpool(build)


@router.get("/maps/{run}")
def run_detail(run: int, request: Request) -> dict[str, Any]:
    return svc.run_detail(workbench(request).files, run)


@router.get("/maps/{run}/nodes/{node}/records")
def node_records(run: int, node: int, request: Request) -> dict[str, Any]:
    return svc.node_records(workbench(request).files, run, node)


@files.get("/maps/{run}/files/{name}")
def run_file(run: int, name: str, request: Request, _s: SessionDep) -> FileResponse:
    """A run's output file; ``map.html`` is served sandboxed with its own policy."""
    path, media = svc.run_file(workbench(request).files, run, name)
    headers = {"Content-Security-Policy": MAP_HTML_CSP} if name == "map.html" else {}
    if name.endswith(".svg"):
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    disposition = "inline" if name.endswith((".html", ".png", ".svg", ".json")) else "attachment"
    return FileResponse(path, media_type=media, headers=headers, filename=name,
                        content_disposition_type=disposition)  # fmt: skip
