"""Live updates: ``GET /api/changes?since=N`` (see :mod:`zhagen.web.services.live`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhagen.web.routes import ViewerDep, actor_of, api_router, workbench

router = api_router()


@router.get("/changes")
def changes(request: Request, s: ViewerDep, since: int | None = None) -> dict[str, Any]:
    """The change counter and the changes after ``since`` that this session may see;
    ``reset`` when some were too old to list (reload everything). Without ``since``: only
    the counter, to start from."""
    version, found, reset = workbench(request).changes.since(since, actor_of(request, s))
    return {"version": version, "changes": [c.as_dict() for c in found], "reset": reset}
