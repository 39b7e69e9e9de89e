"""``zhagen serve``: arguments, URL, imports kept lazy; two clients coding at once."""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_zhagen_and_help_do_not_import_fastapi() -> None:
    code = (
        "import sys, zhagen, zhagen.web, zhagen.cli.web_commands;"
        "from zhagen.cli import build_parser;"
        "import contextlib, io;"
        "f = io.StringIO();"
        "ctx = contextlib.redirect_stdout(f);"
        "ctx.__enter__();"
        "exec('try:\\n build_parser().parse_args([\"--help\"])\\nexcept SystemExit: pass');"
        "ctx.__exit__(None, None, None);"
        "heavy = {'fastapi', 'starlette', 'uvicorn', 'jinja2', 'multipart'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_serve_arguments() -> None:
    from zhagen.cli import web_commands

    parser = argparse.ArgumentParser()
    web_commands.register(parser.add_subparsers())
    args = parser.parse_args(["serve", "study.zhagen"])
    assert (args.host, args.port, args.no_browser, args.auth) == ("127.0.0.1", 0, False, False)
    args = parser.parse_args(
        ["serve", "s.zhagen", "--host", "0.0.0.0", "--port", "8765", "--no-browser"]
    )
    assert (args.host, args.port, args.no_browser) == ("0.0.0.0", 8765, True)
    assert web_commands.server_url("0.0.0.0", 8765) == "http://127.0.0.1:8765"
    assert web_commands.server_url("::1", 9) == "http://[::1]:9"
    port = web_commands.free_port("127.0.0.1")
    assert 0 < port < 65536


def test_serve_on_a_missing_project_fails_cleanly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    import fastapi  # noqa: F401 - a dependency: a broken install fails here

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhagen.cli.web_commands",
            str(tmp_path / "none.zhagen"),
            "--no-browser",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 1
    assert "找不到项目文件" in out.stderr and "Traceback" not in out.stderr


def test_two_clients_coding_one_document_at_once(tmp_path: Path) -> None:
    import fastapi  # noqa: F401 - a dependency: a broken install fails here
    import httpx  # noqa: F401 - a dependency: a broken install fails here

    sys.path.insert(0, str(ROOT / "tests"))
    from web_support import client, make_project, session

    text = "".join(f"第{i}句讲政策支持与企业创新。" for i in range(60))
    project = make_project(tmp_path, {"long.txt": text})
    errors: list[str] = []
    with client(project) as a, client(project) as b:
        for c, name in ((a, "甲"), (b, "乙")):
            session(c)
            c.put("/api/session/coder", json={"name": name})
        code = a.post("/api/codes", json={"name": "政策"}).json()["id"]

        def work(c, sentences: range) -> None:
            for i in sentences:
                r = c.post("/api/codings", json={"document": 1, "sentences": [i], "code": code})
                if r.status_code != 200:
                    errors.append(r.text)

        threads = [
            threading.Thread(target=work, args=(a, range(0, 60))),
            threading.Thread(target=work, args=(b, range(0, 60))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codings = a.get("/api/documents/1/codings").json()["codings"]
    assert errors == []
    assert len(codings) == 120
    assert {k["coder"] for k in codings} == {"甲", "乙"}
