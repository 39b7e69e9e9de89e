"""Issue 10: single damaged or hostile files become a problem on that file; the batch goes on.

Every test builds its bad file (in ``tmp_path``) from real content and imports it in a batch
beside a good file, through the same path ``zhagen add`` and the web upload use.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import zhagen
from hostile_files import PeakRSS, encryption_flag, simple_pdf
from zhagen.errors import InputError
from zhagen.formats._io import decode, detect_encoding
from zhagen.ingest import add_paths
from zhagen.limits import ENV, Limits
from zhagen.store.db import Store

GOOD = "数字经济推动高质量发展。新质生产力是创新起主导作用的先进生产力质态。\n"


def good_file(folder: Path) -> Path:
    path = folder / "good.txt"
    path.write_text(GOOD * 3, encoding="utf-8")
    return path


def batch(tmp_path: Path, bad: Path) -> tuple[object, object]:
    """Import ``bad`` between two good files; return (report of bad, the whole report)."""
    first = good_file(tmp_path)
    last = tmp_path / "last.txt"
    last.write_text("最后一个文件。" + GOOD, encoding="utf-8")
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        report = p.add([first, bad, last])
    assert [f.status for f in report.files][::2] == ["ok", "ok"], report.files
    return report.files[1], report


def assert_bilingual(zh: str, en: str) -> None:
    """Chinese and English (the file is named by the Problem's ``file``, checked apart)."""
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    assert not re.search(r"[\u4e00-\u9fff]", en), en


def assert_failed_clearly(report: object, path: Path) -> None:
    assert report.status == "failed", report  # type: ignore[attr-defined]
    (problem,) = report.problems  # type: ignore[attr-defined]
    assert problem.file == str(path) and problem.severity == "error"
    assert_bilingual(problem.zh, problem.en)


# --- decoding a head cut at any byte ------------------------------------------------------

_TEXT = "新质生产力：数字经济与“高质量发展”。Ｈｅｌｌｏ，abc 𠀋\n"
_TRAD = "新質生產力：數位經濟與「高品質發展」。臺灣，abc\n"
_CASES = [
    ("utf-8", b"", _TEXT),
    ("utf-8", codecs.BOM_UTF8, _TEXT),
    ("utf-16-le", b"", _TEXT),
    ("utf-16-le", codecs.BOM_UTF16_LE, _TEXT),
    ("utf-16-be", codecs.BOM_UTF16_BE, _TEXT),
    ("gb18030", b"", _TEXT),
    ("big5hkscs", b"", _TRAD),
]


@pytest.mark.parametrize(("enc", "bom", "line"), _CASES)
def test_head_cut_at_every_byte_of_multibyte_characters(enc: str, bom: bytes, line: str) -> None:
    """The 64 KB head of a file decodes to a prefix of its text at every cut point."""
    text = line * (70_000 // len(line.encode(enc)) + 1)
    data = bom + text.encode(enc)
    detected = detect_encoding(data[:65536])
    cuts = range(65536 - 12, 65536 + 12)  # several multi-byte characters, every byte
    for cut in cuts:
        head = data[:cut]
        out, _enc, bad = decode(head, detected, final=False)
        assert bad == 0 and text.startswith(out), (enc, bom, cut)
        # nothing but the character cut in two is missing
        assert len(bom) + len(out.encode(enc)) > cut - 4
        whole, _e, _b = decode(head)  # a whole file cut short: never an exception
        assert whole.rstrip("\ufffd") == out or text.startswith(whole.rstrip("\ufffd"))


def test_bom_utf8_over_64k_cut_inside_a_character_imports(tmp_path: Path, corpora: Path) -> None:
    """The issue's crash: a BOM UTF-8 WoS export whose byte 65,535 is inside a character."""
    real = (corpora / "wos" / "plaintext_344_fullrecord.txt").read_bytes()
    head, rest = real.split(b"VR 1.0\n", 1)
    assert head.startswith(codecs.BOM_UTF8 + b"FN ")
    for pad in range(3):  # the 64 KB head ends on each byte of a Chinese character
        first = b"PT J\nAU Zhang, S\nTI " + b"x" * pad + "新质生产力".encode() * 4400
        data = head + b"VR 1.0\n" + first + b"\nER\n\n" + rest
        assert data[65535] >= 0x80
        path = tmp_path / f"wos_bom_{pad}.txt"
        path.write_bytes(data)
        report, _whole = batch(tmp_path, path)
        assert (report.status, report.format, report.records) == ("ok", "wos", 345)
        (tmp_path / "p.zhagen").unlink()


# --- JSONL lone surrogate ------------------------------------------------------------------


def test_jsonl_lone_surrogate(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"title": "第一篇", "text": "正文\\udc00结束。"}\n'
        '{"title": "第二篇", "text": "表情\\ud83d\\ude00正常。"}\n',
        encoding="utf-8",
    )
    report, _ = batch(tmp_path, path)
    assert report.status == "ok" and report.records == 2
    # the reader's problem, then cleaning's: the U+FFFD that replaced it is garbled text
    problem, garbled = report.problems
    assert problem.code == "lone-surrogate" and problem.line == 1 and problem.file == str(path)
    assert_bilingual(problem.zh, problem.en)
    assert (
        garbled.code == "mojibake"
        and garbled.record == 1
        and "character 2 of the body" in garbled.en
    )
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        texts = [p.text(int(i)) for i in p.documents()["id"]]
    assert "正文\ufffd结束。" in texts and "表情😀正常。" in texts


# --- docx -----------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("新质生产力", level=1)
    d.add_paragraph("第一段正文。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, edit: dict[str, bytes | None], extra: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in edit:
                if edit[info.filename] is not None:
                    dst.writestr(info.filename, edit[info.filename])
                continue
            dst.writestr(info, src.read(info.filename))
        for name, body in extra:
            dst.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["wrong-root", "duplicate", "encrypted", "no-body"])
def test_damaged_docx(tmp_path: Path, kind: str) -> None:
    import warnings

    base = _docx_bytes()
    if kind == "wrong-root":
        data = _rezip(base, {"word/document.xml": b"<root><p>text</p></root>"}, [])
    elif kind == "no-body":
        w = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        data = _rezip(base, {"word/document.xml": b'<w:document xmlns:w="' + w + b'"/>'}, [])
    elif kind == "duplicate":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
            data = _rezip(base, {}, [("word/document.xml", b"<x/>")])
    else:
        data = encryption_flag(base)
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(data)
    report, _ = batch(tmp_path, path)
    assert_failed_clearly(report, path)
    words = {
        "wrong-root": "w:document",
        "no-body": "w:body",
        "duplicate": "twice",
        "encrypted": "password",
    }
    assert words[kind] in report.problems[0].en


def test_docx_member_cap_and_element_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhagen.formats.docx import read_docx

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    runs = "".join(f"<w:r><w:t>字{i}</w:t></w:r>" for i in range(5000))
    body = f'<w:document xmlns:w="{w}"><w:body><w:p>{runs}</w:p></w:body></w:document>'
    path = tmp_path / "tiny.docx"
    edit = {"word/document.xml": body.encode(), "word/styles.xml": None}
    path.write_bytes(_rezip(_docx_bytes(), edit, []))
    (rec,) = read_docx(path)  # within the default limits
    assert rec.text.startswith("字0字1")
    monkeypatch.setenv(ENV["xml_elements"], "1000")
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert "1000" in info.value.en and "ZHAGEN_MAX_XML_ELEMENTS" in info.value.en
    monkeypatch.delenv(ENV["xml_elements"])
    monkeypatch.setenv(ENV["member_bytes"], "100000")  # the body inflates past the cap
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert "over 100000 bytes in word/document.xml" in info.value.en
    assert "zip bomb" in info.value.en


def test_docx_declaring_a_small_size_inflates_no_more_than_declared(tmp_path: Path) -> None:
    """A member whose headers declare 5 KB but that holds far more is never inflated past
    what it declares (zipfile stops there and the CRC check fails): a clear damage error."""
    big = b"<w:p/>" * 2_000_000  # 12 MB, deflates to a few KB
    data = bytearray(_rezip(_docx_bytes(), {"word/media/a.bin": None}, [("word/x.xml", big)]))
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.rfind(sig)
        while at >= 0:
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 10] == b"word/x.xml":
                data[at + off : at + off + 4] = (5000).to_bytes(4, "little")
            at = data.rfind(sig, 0, at)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    from zhagen.formats.docx import read_docx

    (rec,) = read_docx(path)  # the lying part is not one the reader needs
    assert rec.title == "新质生产力"


# --- xlsx -----------------------------------------------------------------------------------


def test_xlsx_with_corrupt_deflate_stream(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["题名", "作者", "年"])
    for i in range(400):
        sheet.append([f"新质生产力研究{i}", "张三", 2024])
    src = tmp_path / "src.xlsx"
    book.save(src)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"), int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")  # fmt: skip
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + info.compress_size // 2, start + info.compress_size // 2 + 40):
        data[i] ^= 0xA5  # the middle of the deflate stream
    path = tmp_path / "cnki.xlsx"
    path.write_bytes(bytes(data))
    report, _ = batch(tmp_path, path)
    assert report.status in {"failed", "partial"}
    error = [p for p in report.problems if p.severity == "error"][0]
    assert error.file == str(path) and "Excel" in error.en
    assert_bilingual(error.zh, error.en)


# --- NUL padding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["wos/plaintext_10.txt", "cnki/refworks_2024_298.txt", "policy/jsonl"]
)
def test_export_followed_by_zero_padding(tmp_path: Path, corpora: Path, name: str) -> None:
    if name == "policy/jsonl":
        lines = (corpora / "policy" / "government_work_reports.jsonl").read_bytes()
        real = b"".join(lines.splitlines(keepends=True)[:5])
        suffix = ".jsonl"
    else:
        real, suffix = (corpora / name).read_bytes(), ".txt"
    clean = tmp_path / f"clean{suffix}"
    clean.write_bytes(real)
    padded = tmp_path / f"padded{suffix}"
    padded.write_bytes(real + bytes(300_000))
    with zhagen.Project.create(tmp_path / "ref.zhagen") as p:
        expected = p.add(clean).records
    report, _ = batch(tmp_path, padded)
    assert report.status == "partial" and report.records == expected
    error = [p for p in report.problems if p.severity == "error"][-1]
    assert f"file damaged at byte {len(real)}" in error.en and str(len(real)) in error.zh
    assert error.file == str(padded)
    assert_bilingual(error.zh, error.en)


def test_document_followed_by_zero_padding(tmp_path: Path, corpora: Path) -> None:
    real = (corpora / "seeds" / "001_1e0a6d06a0da2fc2.txt").read_bytes()
    path = tmp_path / "padded.txt"
    path.write_bytes(real + bytes(100_000))
    report, _ = batch(tmp_path, path)
    assert report.status == "ok" and report.records == 1
    (problem,) = [p for p in report.problems if p.code == "damaged"]
    assert f"damaged at byte {len(real)}" in problem.en and problem.severity == "warning"
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert not any("\x00" in p.text(int(i)) for i in p.documents()["id"])


def test_large_padded_export_stays_under_a_memory_ceiling(tmp_path: Path, corpora: Path) -> None:
    """A real export then 400 MB of zeros (a sparse file): read in one stream that stops at
    the padding; the importing process's peak RSS stays far below the file's size."""
    real = (corpora / "wos" / "plaintext_344_fullrecord.txt").read_bytes()
    path = tmp_path / "padded.txt"
    with open(path, "wb") as fh:
        fh.write(real)
        fh.truncate(len(real) + 400 * 2**20)
    code = (
        "import resource, sys, zhagen\n"
        "with zhagen.Project.create(sys.argv[1]) as p:\n"
        "    f = p.add(sys.argv[2]).files[0]\n"
        "print(f.status, f.records, f.problems[-1].en)\n"
        # VmHWM: this process's own peak (ru_maxrss would carry pytest's across exec)
        "status = open('/proc/self/status').read() if sys.platform == 'linux' else ''\n"
        "hwm = [int(x.split()[1]) for x in status.splitlines() if x.startswith('VmHWM')]\n"
        "print(hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "p.zhagen"), str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ).stdout.splitlines()
    assert out[0].startswith("partial 344 ") and f"damaged at byte {len(real)}" in out[0]
    assert int(out[1]) < 300 * 1024, out  # KB: under 300 MB for a 402 MB file


# --- killed imports ----------------------------------------------------------------------------


def test_killed_import_is_reported_and_replaced(tmp_path: Path, corpora: Path) -> None:
    """``kill -9`` of a real ``zhagen add`` part way: ``docs --problems`` names the import
    that was cut off, and adding the file again replaces its source (none left partial)."""
    import signal
    import time

    src = tmp_path / "big.txt"
    src.write_bytes((corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 40)
    project = tmp_path / "p.zhagen"
    with zhagen.Project.create(project) as p:
        p.add(good_file(tmp_path))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    zh = [sys.executable, "-m", "zhagen"]
    proc = subprocess.Popen([*zh, "add", str(project), str(src), "--workers", "1"], env=env)
    try:
        stored = 0
        while proc.poll() is None and not stored:
            time.sleep(0.02)
            with sqlite3.connect(project, timeout=5) as conn:
                stored = conn.execute(
                    "SELECT COUNT(*) FROM documents JOIN sources ON sources.id = source_id "
                    "WHERE sources.status = 'partial'"
                ).fetchone()[0]
        assert proc.poll() is None, "the import ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    run = [*zh, "docs", str(project), "--problems", "--format", "csv"]
    out = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout
    assert "import-cut-off" in out and str(src) in out and "cut off" in out
    with zhagen.open(str(project)) as p:
        assert p.check() == ["ok"]
        assert p.add(src).files[0].status == "ok"
        assert list(p.sources()["status"]) == ["ok", "ok"]
        assert "import-cut-off" not in set(p.problems()["code"])
        assert len(p.documents()) == 1 + 298 * 40


# --- a full disk -------------------------------------------------------------------------------


def _tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)])
    return done.returncode == 0


def test_full_disk_cli_message_and_project_still_checks(
    tmp_path: Path, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real full file system (tmpfs) when root may mount one, else SQLite's page limit."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    folder = tmp_path / "disk"
    big = tmp_path / "big.txt"
    big.write_bytes((corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 2)
    small = corpora / "cnki" / "endnote_40.txt"
    if not _tmpfs(folder, "6m"):
        _full_by_page_limit(folder, big, small)
        return
    try:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        project = folder / "p.zhagen"
        zh = [sys.executable, "-m", "zhagen"]
        subprocess.run([*zh, "new", str(project)], env=env, check=True, capture_output=True)
        subprocess.run(
            [*zh, "add", str(project), str(small)], env=env, check=True, capture_output=True
        )
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(bytes(free - 300 * 1024))
        done = subprocess.run(
            [*zh, "add", str(project), str(big), str(good_file(tmp_path))],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        assert "disk full: free space and retry; nothing was lost" in done.stderr
        assert "磁盘已满" in done.stderr
        (folder / "filler").unlink()
        with zhagen.open(str(project)) as p:
            assert p.check() == ["ok"]
            assert len(p.documents()) == 40
            assert p.add(big).files[0].status == "ok"
            assert list(p.sources()["status"]) == ["ok", "ok"]
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def _full_by_page_limit(folder: Path, big: Path, small: Path) -> None:
    from zhagen.errors import disk_full

    with zhagen.Project.create(folder / "p.zhagen") as p:
        p.add(small)
        pages = p.store.conn.execute("PRAGMA page_count").fetchone()[0]
        p.store.conn.execute(f"PRAGMA max_page_count = {pages + 5}")
        with pytest.raises(sqlite3.OperationalError) as info:
            p.add(big)
        assert disk_full(info.value) is not None
    with zhagen.open(str(folder / "p.zhagen")) as p:
        assert p.check() == ["ok"] and len(p.documents()) == 40


def test_full_disk_web_answers_507(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from web_support import client, make_project, session

    folder = tmp_path / "disk"
    # room for a new project's file and its write-ahead log (~3.1 MB with migration 0012);
    # the filler below takes all but 64 KiB of what is left anyway
    if not _tmpfs(folder, "6m"):
        pytest.skip("needs root to mount a small tmpfs (the CLI test covers the page limit)")
    try:
        project = make_project(folder)
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(bytes(free - 64 * 1024))
        with client(project, raise_server_exceptions=False) as c:
            session(c)
            text = ("企业是创新主体。" * 20000).encode()
            r = c.post(
                "/api/documents/upload",
                files=[("files", ("big.txt", text, "text/plain"))],
            )
            assert r.status_code == 507, r.text
            err = r.json()["error"]
            assert err["code"] == "disk_full" and "nothing was lost" in err["message_en"]
            assert "磁盘已满" in err["message_zh"]
        (folder / "filler").unlink()
        with zhagen.open(str(project)) as p:
            assert p.check() == ["ok"] and len(p.documents()) == 2
    finally:
        subprocess.run(["umount", str(folder)], check=False)


# --- PDF bombs -----------------------------------------------------------------------------------


def bomb_pdf(path: Path, commands: int) -> Path:
    """Two pages: a compressed run of ``commands`` drawing commands, then a line of text."""
    bomb = b"0 0 m 9 9 l S\n" * commands
    text = b"BT /F1 24 Tf 72 700 Td (Second page text) Tj ET"
    path.write_bytes(simple_pdf([bomb, text], compress=True))
    return path


def test_pdf_bomb_page_is_skipped_in_a_limited_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    path = bomb_pdf(tmp_path / "bomb.pdf", 1_500_000)
    assert path.stat().st_size < 100_000
    monkeypatch.setenv(ENV["pdf_memory"], str(200 * 2**20))
    with PeakRSS() as peak:
        report, _ = batch(tmp_path, path)
    assert report.status == "ok" and report.records == 1
    codes = [p.code for p in report.problems]
    assert codes == ["pdf-too-complex"], report.problems
    assert "page 1 skipped: too complex" in report.problems[0].en
    assert "第 1 页已跳过" in report.problems[0].zh
    # this process never parsed it: its memory did not grow by the page's ~400 MB
    assert peak.peak - peak.start < 100 * 2**20
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        texts = [p.text(int(i)) for i in p.documents()["id"]]
    assert any("Second page text" in t for t in texts)


def test_pdf_page_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhagen.formats.pdf import read_pdf

    path = bomb_pdf(tmp_path / "two.pdf", 10)
    monkeypatch.setenv(ENV["pdf_pages"], "1")
    with pytest.raises(InputError) as info:  # page 1 has no text, page 2 is over the limit
        list(read_pdf(path))
    assert "no text layer" in info.value.en
    monkeypatch.setenv(ENV["pdf_pages"], "2")
    (rec,) = read_pdf(path)
    assert rec.text.endswith("Second page text")


def test_web_upload_of_a_pdf_bomb_is_parsed_outside_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fastapi")

    from web_support import client, make_project, session

    project = make_project(tmp_path)
    monkeypatch.setenv(ENV["pdf_memory"], str(200 * 2**20))
    data = bomb_pdf(tmp_path / "bomb.pdf", 1_500_000).read_bytes()
    with client(project) as c, PeakRSS() as peak:
        session(c)
        r = c.post(
            "/api/documents/upload",
            files=[("files", ("bomb.pdf", data, "application/pdf"))],
        )
        assert r.status_code == 200, r.text
        assert "too complex" in r.text
    assert peak.peak - peak.start < 100 * 2**20  # the server never parsed it


# --- the limits ------------------------------------------------------------------------------------


def test_limits_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from zhagen.errors import ParameterError

    assert set(ENV) == {f for f in Limits.__dataclass_fields__}
    monkeypatch.setenv("ZHAGEN_MAX_PDF_PAGE_SECONDS", "2.5")
    monkeypatch.setenv("ZHAGEN_MAX_NUL_RUN", "64")
    limits = Limits.from_env(pdf_pages=3)
    assert (limits.pdf_page_seconds, limits.nul_run, limits.pdf_pages) == (2.5, 64, 3)
    monkeypatch.setenv("ZHAGEN_MAX_NUL_RUN", "lots")
    with pytest.raises(ParameterError) as info:
        Limits.from_env()
    assert "ZHAGEN_MAX_NUL_RUN" in info.value.en and "正数" in info.value.zh


def test_add_paths_never_raises_for_a_bad_file(tmp_path: Path) -> None:
    """The library call the CLI and the server make: one report per file, none raised."""
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04" + bytes(100))
    store = Store.create(tmp_path / "s.zhagen")
    try:
        report = add_paths(store, [good_file(tmp_path), bad])
    finally:
        store.close()
    assert [f.status for f in report.files] == ["ok", "failed"]
