"""Uploads that go wrong: one bad file among good ones, the multipart parser's own errors,
and a chunked body over the size limit (through a real uvicorn server on 127.0.0.1)."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from web_support import assert_error, client, make_project, session

GOOD = "企业是创新主体。政府提供政策支持。"


def _bad_docx() -> bytes:
    """A .docx whose content types part is not what python-docx expects: its reader fails
    with an AttributeError, not a zhagen error."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<root xmlns="x"><a/></root>')
    return buf.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_one_bad_file_among_good_ones_is_reported_per_file(project: Path) -> None:
    from zhagen.project import Project

    with client(project, raise_server_exceptions=False) as c:
        session(c)
        files = [
            ("files", ("好的一.txt", GOOD.encode(), "text/plain")),
            ("files", ("坏的.docx", _bad_docx(), "application/octet-stream")),
            ("files", ("好的二.txt", "高校参与产学研合作。".encode(), "text/plain")),
        ]
        r = c.post("/api/documents/upload", files=files)
        assert r.status_code == 200, r.text
        body = r.json()
    by_name = {f["name"]: f for f in body["files"]}
    assert set(by_name) == {"好的一.txt", "坏的.docx", "好的二.txt"}
    assert by_name["坏的.docx"]["status"] == "failed" and body["failed"] == 1
    problem = by_name["坏的.docx"]["problems"][0]
    assert "坏的.docx" in problem["message_zh"] and "坏的.docx" in problem["message_en"]
    assert by_name["好的二.txt"]["status"] == "ok" and by_name["好的一.txt"]["status"] == "ok"
    with Project.open(project) as p:
        texts = [p.text(int(i)) for i in p.documents()["id"]]
    assert any("高校参与产学研合作" in t for t in texts)


def test_too_many_files_is_bilingual(project: Path) -> None:
    from zhagen.web.routes.documents import MAX_FILES

    with client(project) as c:
        session(c)
        files = [("files", (f"f{i}.txt", b"x", "text/plain")) for i in range(MAX_FILES + 1)]
        err = assert_error(c.post("/api/documents/upload", files=files), 413, "too_many_files")
        assert str(MAX_FILES) in err["message_zh"] and "批" in err["message_zh"]
        assert "Too many files" not in err["message_zh"]


def test_unparsable_body_is_bilingual(project: Path) -> None:
    with client(project) as c:
        session(c)
        r = c.post(
            "/api/documents/upload",
            content=b'--xx\r\nContent-Disposition: form-data; name="files"; filename="a.txt"'
            b"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--xx--\r\n--yy",
            headers={"content-type": "multipart/form-data"},  # no boundary
        )
        err = assert_error(r, 400, "bad_form")
        assert "multipart" in err["message_zh"] and "error parsing" not in err["message_en"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw(port: int, request: bytes, body_chunks: list[bytes]) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        try:
            for chunk in body_chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed early: that is the point
            pass
        data = b""
        while chunk := s.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and b'"error"' in data:
                break
        return data


@pytest.fixture
def server(project: Path):
    """A real uvicorn server on 127.0.0.1 (upload limit 256 KiB) and a session on it."""
    import http.client
    import json

    import uvicorn

    from zhagen.web.app import create_app
    from zhagen.web.state import Settings

    app = create_app(Settings(project=project, max_upload=256 * 1024))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if srv.started:
                break
            time.sleep(0.05)
        assert srv.started
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/session")
        res = conn.getresponse()
        cookie = res.getheader("set-cookie").split(";")[0]
        csrf = json.loads(res.read())["csrf"]
        conn.close()
        yield port, cookie, csrf
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def _chunked_post(server, path: str, content_type: bytes, chunks: list[bytes]) -> bytes:
    port, cookie, csrf = server
    request = (
        b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % (path.encode(), port)
        + b"Transfer-Encoding: chunked\r\nContent-Type: "
        + content_type
        + b"\r\n"
        + b"Cookie: "
        + cookie.encode()
        + b"\r\nX-CSRF-Token: "
        + csrf.encode()
        + b"\r\n\r\n"
    )
    return _raw(port, request, chunks)


def _assert_413(answer: bytes) -> None:
    assert b" 413 " in answer.split(b"\r\n", 1)[0], answer[:500]
    body = answer.split(b"\r\n\r\n", 1)[1]
    assert b'"too_large"' in body and "上限".encode() in body and b"limit" in body


def test_chunked_upload_over_the_limit_is_413(server) -> None:
    head = (b'--zb\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n")  # fmt: skip
    chunks = [head] + [b"x" * 65536] * 12  # 768 KiB, three times the upload limit
    _assert_413(_chunked_post(server, "/api/documents/upload",
                              b"multipart/form-data; boundary=zb", chunks))  # fmt: skip


def test_chunked_json_over_the_limit_is_413(server) -> None:
    from zhagen.web.app import MAX_BODY

    n = MAX_BODY // 65536 + 4
    chunks = [b'{"text": "'] + [b"x" * 65536] * n + [b'"}']
    _assert_413(_chunked_post(server, "/api/memos", b"application/json", chunks))
