"""Helpers for the web workbench tests: a real temporary project and a logged-in client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

XSS_TEXT = (
    "企业是创新主体。政府提供政策支持。<script>alert(1)</script>"
    '文本里的<img src=x onerror="window.__xss=1">不应执行。'
)
TEXTS = {
    "a.txt": "企业是创新主体。政府提供政策支持。高校参与产学研合作。",
    "b.txt": "创新联合体由龙头企业牵头。政策支持帮助中小企业发展。",
}


def make_project(folder: Path, texts: dict[str, str] | None = None) -> Path:
    """A project file in ``folder`` holding one raw document per text."""
    from zhagen.project import Project

    src = folder / "src"
    src.mkdir(exist_ok=True)
    paths = []
    for name, text in (texts or TEXTS).items():
        path = src / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    project = folder / "study.zhagen"
    with Project.create(project) as p:
        p.add(paths)
    return project


def file_before(path: Path, migration: str) -> Any:
    """A project file holding the migrations before ``migration`` only, as the store applied
    them (an older zhagen's file); the open ``sqlite3`` connection, for rows to be added."""
    import sqlite3

    from zhagen.store.db import APPLICATION_ID
    from zhagen.store.schema import MIGRATIONS

    names = [n for n, _sql in MIGRATIONS]
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    for name, sql in MIGRATIONS[: names.index(migration)]:
        conn.executescript(sql)
        conn.execute("INSERT INTO migrations VALUES (?, '2026-01-01')", (name,))
    conn.execute("INSERT INTO meta(key, value) VALUES ('created', '2026-01-01T00:00:00')")
    return conn


def client(project: Path, **settings: Any) -> Any:
    """A TestClient on a fresh app for ``project`` (not yet entered)."""
    from fastapi.testclient import TestClient

    from zhagen.web.app import create_app
    from zhagen.web.state import Settings

    raise_errors = settings.pop("raise_server_exceptions", True)
    app = create_app(Settings(project=project, **settings))
    return TestClient(app, raise_server_exceptions=raise_errors)


def session(c: Any) -> dict[str, Any]:
    """Start a local session; the client keeps its cookie and CSRF header from then on."""
    info = c.get("/api/session").json()
    if info.get("csrf"):
        c.headers["X-CSRF-Token"] = info["csrf"]
    return info


def login(c: Any, **body: Any) -> dict[str, Any]:
    r = c.post("/api/login", json=body)
    assert r.status_code == 200, r.text
    info = r.json()
    c.headers["X-CSRF-Token"] = info["csrf"]
    return info


def assert_error(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the one JSON error shape with this status (and code)."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message_zh", "message_en"}
    assert err["status"] == status
    assert err["message_zh"] and err["message_en"]
    if code is not None:
        assert err["code"] == code, err
    return err
