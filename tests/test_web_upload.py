"""Uploads: imported with the CLI's readers, stored by sha256 beside the project, never
outside it, size-limited (413)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import fastapi  # noqa: F401 - a dependency: a broken install fails here
import httpx  # noqa: F401 - a dependency: a broken install fails here
import pytest

from web_support import assert_error, client, make_project, session  # noqa: E402

TEXT = "数字化转型推动制造业升级。工业互联网平台降低成本。".encode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def _upload(c, files: list[tuple[str, bytes]]):
    return c.post(
        "/api/documents/upload",
        files=[("files", (name, data, "text/plain")) for name, data in files],
    )


def _inside(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_upload_imports_and_stores_by_hash(project: Path) -> None:
    with client(project) as c:
        session(c)
        r = _upload(c, [("数字化.txt", TEXT)])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["records"] == 1 and body["failed"] == 0
        assert body["files"][0]["name"] == "数字化.txt" and body["files"][0]["status"] == "ok"
        stored = (
            project.parent / "study.zhagen.files" / hashlib.sha256(TEXT).hexdigest() / "数字化.txt"
        )
        assert stored.read_bytes() == TEXT
        assert c.get("/api/documents").json()["total"] == 3
        again = _upload(c, [("数字化.txt", TEXT)]).json()
        assert again["files"][0]["status"] == "skipped" and again["records"] == 0


@pytest.mark.parametrize(
    "name",
    [
        "../../evil.txt",
        "/etc/evil.txt",
        "C:\\\\Windows\\\\evil.txt",
        "..\\\\..\\\\evil.txt",
        "..",
        ".hidden/../../evil.txt",
    ],
)
def test_upload_names_cannot_escape(project: Path, tmp_path: Path, name: str) -> None:
    before = {p for p in tmp_path.parent.rglob("evil.txt")}
    with client(project) as c:
        session(c)
        r = _upload(c, [(name, TEXT)])
    assert r.status_code == 200, r.text
    files = project.parent / "study.zhagen.files"
    written = [p for p in _inside(files) if not p.name.startswith(".")]
    assert len(written) == 1
    assert written[0].resolve().is_relative_to(files.resolve())
    assert written[0].parent.name == hashlib.sha256(TEXT).hexdigest()
    assert (
        ".." not in written[0].name and "/" not in written[0].name and "\\" not in written[0].name
    )
    assert {p for p in tmp_path.parent.rglob("evil.txt")} - before <= {written[0]}
    assert not Path("/etc/evil.txt").exists()


def test_safe_name() -> None:
    from zhagen.web.services.documents import safe_name

    assert safe_name("../../evil.txt") == "evil.txt"
    assert safe_name("/abs/path/报告.pdf") == "报告.pdf"
    assert safe_name("a\x00b<c>.txt") == "a_b_c_.txt"
    assert safe_name("...") == "upload" and safe_name(None) == "upload"
    assert len(safe_name("长" * 300 + ".docx")) <= 120 and safe_name("长" * 300 + ".docx").endswith(
        ".docx"
    )


def test_upload_size_limit_413(project: Path) -> None:
    with client(project, max_upload=1000) as c:
        session(c)
        err = assert_error(_upload(c, [("big.txt", b"x" * 5000)]), 413, "too_large")
        assert "KB" in err["message_en"]
        assert c.get("/api/documents").json()["total"] == 2


def test_upload_limit_without_content_length(project: Path) -> None:
    """A chunked body is counted as it arrives and stopped at the limit."""
    with client(project, max_upload=1000) as c:
        session(c)
        boundary = "zzz"
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'.encode()

        def body():
            yield head
            for _ in range(10):
                yield b"y" * 500
            yield f"\r\n--{boundary}--\r\n".encode()

        r = c.post(
            "/api/documents/upload",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert_error(r, 413, "too_large")
        leftovers = [
            p for p in _inside(project.parent / "study.zhagen.files") if ".incoming" not in p.parts
        ]
        assert leftovers == []


def test_bad_files_report_the_readers_errors(project: Path) -> None:
    with client(project) as c:
        session(c)
        body = _upload(
            c, [("empty.txt", b""), ("bin.txt", bytes(range(256)) * 20), ("ok.txt", TEXT)]
        ).json()
    by_name = {f["name"]: f for f in body["files"]}
    assert by_name["ok.txt"]["status"] == "ok"
    bad = [f for f in body["files"] if f["status"] == "failed"]
    assert bad and all(p["message_zh"] and p["message_en"] for f in bad for p in f["problems"])
    assert body["failed"] == len(bad)


def test_upload_needs_files_and_a_coder(project: Path) -> None:
    with client(project) as c:
        session(c)
        assert_error(c.post("/api/documents/upload", data={"x": "1"}), 400, "no_files")
    with client(project, host="0.0.0.0", token="t" * 30) as c:
        assert_error(_upload(c, [("a.txt", TEXT)]), 401)


def test_json_bodies_are_limited_too(project: Path) -> None:
    with client(project) as c:
        session(c)
        big = "长" * (3 * 2**20)
        assert_error(c.put("/api/storyline", json={"text": big}), 413, "too_large")
