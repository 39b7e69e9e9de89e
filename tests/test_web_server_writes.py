"""The workbench behind real uvicorn with ``zhagen.web.server.http_protocol`` (each response
written in one piece) and the coding writer (codings that arrive together committed
together): answers complete and in order on one connection, concurrent codings each saved
and undoable on their own."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_support import make_project  # noqa: E402
from zhagen.web.server import GatheredWrites, http_protocol  # noqa: E402


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    import uvicorn

    from zhagen.cli.web_commands import free_port
    from zhagen.web.app import create_app
    from zhagen.web.state import Settings

    text = "".join(f"第{i}句讲政策支持与企业创新。" for i in range(40))
    project = make_project(tmp_path, {"long.txt": text})
    port = free_port("127.0.0.1")
    settings = Settings(project=project, host="127.0.0.1", port=port,
                        allowed_hosts={"127.0.0.1"})  # fmt: skip
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, http=http_protocol())  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield "127.0.0.1", port, project
    finally:
        server.should_exit = True
        thread.join(30)


def _response(sock: socket.socket, buf: bytes) -> tuple[int, dict[str, str], bytes, bytes]:
    """One HTTP/1.1 response read off ``sock`` (status, headers, body, what follows it)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-response"
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def test_answers_on_one_connection_are_whole_and_in_order(served: Any) -> None:
    host, port, _project = served
    request = f"GET /api/session HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request + request)  # two requests at once: two answers, in order
        rest = b""
        csrfs = []
        for _ in range(2):
            status, headers, body, rest = _response(sock, rest)
            assert status == 200
            assert headers["content-type"] == "application/json"
            assert "server-timing" in headers and "content-security-policy" in headers
            csrfs.append(json.loads(body)["csrf"])
        assert rest == b"" and all(csrfs)
        sock.sendall(request)  # the connection is still usable
        status, _headers, body, rest = _response(sock, b"")
        assert status == 200 and json.loads(body)["csrf"]


def test_codings_sent_at_once_are_each_saved_and_undoable(served: Any) -> None:
    import httpx

    host, port, project = served
    url = f"http://{host}:{port}"
    with httpx.Client(base_url=url, timeout=30) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/session").json()["csrf"]
        c.put("/api/session/coder", json={"name": "甲"}).raise_for_status()
        code = c.post("/api/codes", json={"name": "政策"}).json()["id"]
        cookies, headers = dict(c.cookies), dict(c.headers)
    answers: dict[int, Any] = {}

    def send(i: int) -> None:
        with httpx.Client(base_url=url, timeout=30, cookies=cookies, headers=headers) as c:
            body = {"document": 1, "start": 15 * i, "end": 15 * i + 4, "code": code}
            if i == 5:
                body["end"] = 100_000  # refused alone
            r = c.post("/api/codings", json=body)
            answers[i] = (r.status_code, r.json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers[5][0] == 400
    ok = {i: a[1]["ids"][0] for i, a in answers.items() if i != 5}
    assert all(answers[i][0] == 200 for i in ok)
    with sqlite3.connect(project) as conn:
        rows = dict(conn.execute("SELECT id, start FROM codings"))
        actions = [r[0] for r in conn.execute(
            "SELECT l.action FROM history h JOIN log l ON l.id = h.log_id")]  # fmt: skip
    assert {rows[cid] for cid in ok.values()} == {15 * i for i in ok}
    assert actions.count("coding.add") == len(ok)  # each one edit, undoable on its own


class _Transport:
    def __init__(self) -> None:
        self.calls: list[Any] = []
        self.extra = "peer"

    def write(self, data: bytes) -> None:
        self.calls.append(data)

    def write_eof(self) -> None:
        self.calls.append("eof")

    def close(self) -> None:
        self.calls.append("close")

    def get_extra_info(self, name: str) -> str:
        return f"{name}:{self.extra}"


def test_gathered_writes_flush_before_eof_and_pass_the_rest_through() -> None:
    import asyncio

    inner = _Transport()

    async def main() -> None:
        t = GatheredWrites(inner, asyncio.get_running_loop())
        t.write(b"a")
        t.write(b"b")
        t.write_eof()  # what was written goes first
        assert t.get_extra_info("peername") == "peername:peer"
        await asyncio.sleep(0)
        t.write(b"c")
        await asyncio.sleep(0)  # the loop's next step sends it, alone

    asyncio.run(main())
    assert inner.calls == [b"ab", "eof", b"c"]
