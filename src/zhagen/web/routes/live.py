"""Live updates: ``GET /api/changes?since=N`` (see :mod:`zhagen.web.services.live`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhagen.web.routes import ViewerDep, api_router, workbench
from zhagen.web.services.live import visible

router = api_router()


@router.get("/changes")
def changes(request: Request, s: ViewerDep, since: int | None = None) -> dict[str, Any]:
    """The change counter and the changes after ``since`` that this session may see;
    ``reset`` when some were too old to list (reload everything). Without ``since``: only
    the counter, to start from."""
    wb = workbench(request)
    version, found, reset = wb.changes.since(since)
    shown = [v for c in found if (v := visible(c, blind=wb.blind, coder=s.coder)) is not None]
    return {"version": version, "changes": shown, "reset": reset}
