"""Tests for zhagen.formats.pdf: Chinese text layer, titles, and every kind of bad PDF.

The PDFs are built here: text with matplotlib (TrueType/Type 42 subset of the Noto Sans CJK
font from noto-cjk-sans-otc), a scan with Pillow, an encrypted one by hand (RC4, standard
security handler revision 2, user password "secret").
"""

from __future__ import annotations

import io
import os
import re
import struct
from hashlib import md5
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import read_records
from zhagen.formats.pdf import PAGE_SEPARATOR, read_pdf

PAGES = [
    ["新质生产力与科技创新", "以高水平科技创新赋能新质生产力。", "第一页 2024"],
    ["创新联合体：产学研深度融合", "关键核心技术攻关，专精特新企业。"],
    ["Innovation consortia 与新型工业化", "（一）加快建设现代化产业体系"],
]


def make_text_pdf(
    path: Path, pages: list[list[str]], title: str | None = None, cjk: bool = True
) -> Path:
    """A PDF with a real text layer: one line of text per entry, one page per list.

    ``cjk=False`` uses matplotlib's default font (Latin only, but ten times faster).
    """
    import matplotlib

    matplotlib.use("Agg")
    import noto_cjk_sans_otc
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=os.fspath(noto_cjk_sans_otc.FONT_PATH)) if cjk else None
    metadata = {"Title": title} if title is not None else {}
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path, metadata=metadata) as pdf:
        for lines in pages:
            fig = Figure(figsize=(5, 4))
            for i, line in enumerate(lines):
                fig.text(0.05, 0.9 - 0.12 * i, line, fontproperties=font, fontsize=12)
            pdf.savefig(fig)
    return path


def make_scan_pdf(path: Path) -> Path:
    """A PDF of one page that is only an image (what a scanner produces)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, 260, 20):
        draw.line((30, y, 370, y), fill="black", width=3)
    image.save(path, "PDF", resolution=72)
    return path


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def make_encrypted_pdf(path: Path, user: bytes = b"secret", owner: bytes = b"owner") -> Path:
    """A one-page PDF encrypted with RC4-40 (PDF 1.4 standard handler, R2), written by hand."""
    file_id = md5(b"zhagen test").digest()
    perms = -44
    owner_key = md5((owner + _PAD)[:32]).digest()[:5]  # algorithm 3
    o_entry = _rc4(owner_key, (user + _PAD)[:32])
    key = md5((user + _PAD)[:32] + o_entry + struct.pack("<i", perms) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)  # algorithm 4
    content = b"BT /F1 24 Tf 72 700 Td (Hello encrypted) Tj ET"
    object_key = md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    stream = _rc4(object_key, content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_entry.hex().encode(), u_entry.hex().encode(), perms),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    hex_id = file_id.hex().encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        hex_id,
        hex_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    return make_text_pdf(folder / "report.pdf", PAGES, title="新质生产力专题报告")


def assert_clear(exc: InputError, path: Path | str) -> None:
    """One clear bilingual error: names the file, Chinese and English, says what to do."""
    assert exc.file == str(path)
    assert str(path) in str(exc)
    assert re.search(r"[\u4e00-\u9fff]", exc.zh), exc.zh
    assert not re.search(r"[\u4e00-\u9fff]", exc.en), exc.en
    actions = ("add", "save", "run", "check", "remove", "download", "split", "raise")
    assert any(word in exc.en for word in actions), exc.en


def both_paths(path: Path) -> list[InputError]:
    """The error from read_pdf and from read_records: the same clear message either way."""
    errors = []
    for call in (lambda: list(read_pdf(path)), lambda: list(read_records(path))):
        with pytest.raises(InputError) as info:
            call()
        assert_clear(info.value, path)
        errors.append(info.value)
    assert errors[0].message == errors[1].message
    return errors


# --- text -------------------------------------------------------------------------------


def test_pypdfium2_extracts_the_fixture_exactly(text_pdf: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(text_pdf)
    try:
        got = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    assert [t.replace("\r\n", "\n") for t in got] == ["\n".join(p) for p in PAGES]


def test_read_pdf_text_and_title(text_pdf: Path) -> None:
    (rec,) = read_pdf(text_pdf)
    assert rec.text == PAGE_SEPARATOR.join("\n".join(lines) for lines in PAGES)
    assert rec.text.split("\f") == [
        "\n".join(PAGES[0]) + "\n",
        "\n" + "\n".join(PAGES[1]) + "\n",
        "\n" + "\n".join(PAGES[2]),
    ]
    assert "\r" not in rec.text
    assert rec.title == "新质生产力专题报告"
    assert (rec.format, rec.type, rec.record, rec.source) == ("pdf", "document", 1, str(text_pdf))
    assert rec.extra == {"pages": "3"}
    assert rec.problems == []


def test_read_records_and_stream(text_pdf: Path) -> None:
    (via,) = read_records(text_pdf)
    assert via.format == "pdf" and "新质生产力" in via.text
    (stream,) = read_pdf(io.BytesIO(text_pdf.read_bytes()), name="upload.pdf")
    assert stream.source == "upload.pdf" and stream.text == via.text


@pytest.mark.parametrize(
    ("meta", "title"),
    [
        (None, "plain"),
        ("", "plain"),
        ("Untitled", "plain"),
        ("Microsoft Word - 关于新质生产力的报告.docx", "关于新质生产力的报告"),
    ],
)
def test_title_fallbacks(tmp_path: Path, meta: str | None, title: str) -> None:
    path = make_text_pdf(tmp_path / "plain.pdf", [["body text"]], title=meta, cjk=False)
    assert next(read_pdf(path)).title == title


def test_pages_without_text_are_reported(tmp_path: Path, text_pdf: Path) -> None:
    import pypdfium2 as pdfium

    scan = make_scan_pdf(tmp_path / "scan.pdf")
    mixed = pdfium.PdfDocument.new()
    for src in (text_pdf, scan):
        other = pdfium.PdfDocument(src)
        mixed.import_pages(other, [0])
        other.close()
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    mixed.close()
    (rec,) = read_pdf(path)
    assert rec.text.split(PAGE_SEPARATOR) == ["\n".join(PAGES[0]), ""]
    (problem,) = rec.problems
    assert problem.code == "pdf-no-text-pages" and problem.severity == "warning"
    assert "page(s) 2 " in problem.en and "OCR" in problem.en and "第 2 页" in problem.zh


# --- bad input --------------------------------------------------------------------------


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    errors = both_paths(path)
    assert "damaged" in errors[0].en and "损坏" in errors[0].zh


def test_truncated_pdf(tmp_path: Path, text_pdf: Path) -> None:
    data = text_pdf.read_bytes()
    for cut in (len(data) // 2, len(data) - 40):
        path = tmp_path / f"truncated_{cut}.pdf"
        path.write_bytes(data[:cut])
        errors = both_paths(path)
        assert "incomplete" in errors[0].en and "不完整" in errors[0].zh


def test_encrypted_pdf(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    path = make_encrypted_pdf(tmp_path / "locked.pdf")
    # the fixture is a real encrypted PDF: the right password opens it
    doc = pdfium.PdfDocument(path, password="secret")
    assert doc[0].get_textpage().get_text_range() == "Hello encrypted"
    doc.close()
    errors = both_paths(path)
    assert "encrypted" in errors[0].en and "password" in errors[0].en
    assert "加密" in errors[0].zh and "密码" in errors[0].zh


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    path = make_scan_pdf(tmp_path / "scan.pdf")
    errors = both_paths(path)
    assert "no text layer" in errors[0].en and "OCR" in errors[0].en and "OCR" in errors[0].zh


def test_empty_pdf(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(InputError) as info:
        list(read_pdf(path))
    assert "empty" in info.value.en and info.value.file == str(path)
    with pytest.raises(InputError) as info:
        list(read_records(path))
    assert "empty" in info.value.en and info.value.file == str(path)


def test_pdf_over_size_limit(
    tmp_path: Path, text_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZHAGEN_MAX_DOCUMENT_BYTES", "1000")
    errors = both_paths(text_pdf)
    assert "too large" in errors[0].en


def test_missing_pdf(tmp_path: Path) -> None:
    both_paths(tmp_path / "missing.pdf")


def test_pdf_without_eof_marker_that_still_opens(tmp_path: Path, text_pdf: Path) -> None:
    """Junk after the end: PDFium still reads it, so the text comes with a warning."""
    path = tmp_path / "junk_after_end.pdf"
    path.write_bytes(text_pdf.read_bytes() + b"x" * 3000)
    (rec,) = read_pdf(path)
    assert rec.text == next(read_pdf(text_pdf)).text
    assert [(p.code, p.severity) for p in rec.problems] == [("pdf-truncated", "warning")]
