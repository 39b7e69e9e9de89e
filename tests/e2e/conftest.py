"""End-to-end fixtures: a real ``zhagen serve`` in a subprocess on 127.0.0.1 and Debian's
Chromium driven by Playwright (``executable_path``; Playwright's own browsers are never
downloaded).

The tests skip with the reason when Chromium or Playwright is missing, and fail instead
when ``ZHAGEN_REQUIRE_BROWSER=1`` (CI). Screenshots go to ``$ZHAGEN_SCREENSHOTS`` when set,
else to a temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ZHAGEN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
sys.path.insert(0, str(ROOT / "tests"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests with a real browser and server")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        return "the web dependencies are not installed (fastapi, uvicorn)"
    return None


# One browser per module, not per session: Playwright's sync API keeps its asyncio loop
# marked as running in the main thread while it is open, so a later test (or doctest) that
# calls asyncio.run() would fail with "cannot be called from a running event loop".
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = _missing()
    if reason:
        if os.environ.get("ZHAGEN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and ZHAGEN_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context (own cookies) and page; fails the test on a script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.errors = []
    pg.dialogs = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(d: object) -> None:
        pg.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.accept()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    yield pg
    context.close()
    assert pg.errors == [], pg.errors


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go ($ZHAGEN_SCREENSHOTS or a temporary folder)."""
    env = os.environ.get("ZHAGEN_SCREENSHOTS")
    folder = Path(env) if env else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Server:
    url: str
    token: str | None
    project: Path
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_server(project: Path, *extra: str) -> Server:
    """``zhagen serve PROJECT --no-browser`` in a subprocess; wait until it answers."""
    cmd = [sys.executable, "-m", "zhagen.cli.web_commands", str(project), "--no-browser", *extra]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    url, token = None, None
    deadline = time.time() + 60
    while time.time() < deadline and (url is None or ("--auth" in extra and token is None)):
        line = proc.stdout.readline() if proc.stdout else ""  # type: ignore[union-attr]
        if not line:
            if proc.poll() is not None:
                raise RuntimeError(f"zhagen serve exited with {proc.returncode}")
            continue
        if url is None and (m := re.search(r"(http://[\d.:\[\]a-z]+)", line)):
            url = m.group(1)
        if m := re.search(r"token: (\S+)", line):
            token = m.group(1)
    assert url, "zhagen serve printed no URL"
    server = Server(url, token, project, proc)
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/session", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("zhagen serve did not answer")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """Start servers for the test (``serve(project, *args)``); stopped afterwards."""
    started: list[Server] = []

    def _start(project: Path, *extra: str) -> Server:
        s = start_server(project, *extra)
        started.append(s)
        return s

    yield _start
    for s in started:
        s.stop()
