"""Tests for zhagen.formats.docx: text in document order, titles, zip bombs, damaged files."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import read_records
from zhagen.formats.docx import read_docx


def build_docx(path: Path, *, title: str | None = None, heading: bool = True) -> Path:
    """A document with a heading, runs, a line break, tables and tracked changes."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = docx.Document()
    if title is not None:
        doc.core_properties.title = title
    doc.add_paragraph("前言：本文讨论新质生产力。")
    if heading:
        doc.add_heading("一、新质生产力的内涵", level=1)
    para = doc.add_paragraph("第一段")
    para.add_run("加粗部分").bold = True
    para.add_run().add_break()
    para.add_run("换行之后\t制表符")
    tracked = doc.add_paragraph("保留")
    tracked._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:delText>已删除的字</w:delText></w:r></w:del>"
        )
    )
    tracked._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:t>插入的字</w:t></w:r></w:ins>"
        )
    )
    table = doc.add_table(rows=2, cols=3)
    for i, row in enumerate([["指标", "2023", "2024"], ["研发投入", "3.3", "3.6"]]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    frame = doc.add_table(rows=1, cols=1)
    frame.cell(0, 0).text = "框内第一段"
    frame.cell(0, 0).add_paragraph("框内第二段")
    doc.add_paragraph("")
    doc.add_paragraph("结尾。")
    doc.save(path)
    return path


EXPECTED = "\n".join(
    [
        "前言：本文讨论新质生产力。",
        "一、新质生产力的内涵",
        "第一段加粗部分\n换行之后\t制表符",
        "保留插入的字",
        "指标\t2023\t2024",
        "研发投入\t3.3\t3.6",
        "框内第一段",
        "框内第二段",
        "结尾。",
    ]
)


def assert_clear(exc: InputError, path: Path | str) -> None:
    """One clear bilingual error: names the file, Chinese and English, says what to do."""
    assert exc.file == str(path)
    assert str(path) in str(exc)
    assert re.search(r"[\u4e00-\u9fff]", exc.zh), exc.zh
    assert not re.search(r"[\u4e00-\u9fff]", exc.en), exc.en
    actions = ("add", "save", "run", "check", "remove", "download", "split", "raise", "unzip")
    assert any(word in exc.en for word in actions), exc.en


def both_paths(path: Path) -> list[InputError]:
    errors = []
    for call in (lambda: list(read_docx(path)), lambda: list(read_records(path))):
        with pytest.raises(InputError) as info:
            call()
        assert_clear(info.value, path)
        errors.append(info.value)
    return errors


# --- text -------------------------------------------------------------------------------


def test_text_in_document_order(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "report.docx")
    (rec,) = read_docx(path)
    assert rec.text == EXPECTED
    assert "已删除的字" not in rec.text
    assert (rec.format, rec.type, rec.record, rec.source) == ("docx", "document", 1, str(path))
    assert rec.title == "一、新质生产力的内涵"  # no title property: first heading
    (via,) = read_records(path)
    assert via.format == "docx" and via.text == EXPECTED


@pytest.mark.parametrize(
    ("core", "title"),
    [
        ("关于加快发展新质生产力的报告", "关于加快发展新质生产力的报告"),
        ("Word Document", "一、新质生产力的内涵"),  # python-docx's default: ignored
        ("文档1", "一、新质生产力的内涵"),
    ],
)
def test_title_from_core_properties(tmp_path: Path, core: str, title: str) -> None:
    path = build_docx(tmp_path / "report.docx", title=core)
    assert next(read_docx(path)).title == title


def test_docx_without_core_properties(tmp_path: Path) -> None:
    base = build_docx(tmp_path / "base.docx")
    path = tmp_path / "nocore.docx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
            dst.writestr(info, data)
    (rec,) = read_docx(path)
    assert rec.title == "一、新质生产力的内涵" and rec.text == EXPECTED


def test_title_without_heading(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "无题.docx", heading=False)
    # the first line ends like a sentence ("。"), so it is not a title: the file name is
    assert next(read_docx(path)).title == "无题"


def test_stream_input(tmp_path: Path) -> None:
    data = build_docx(tmp_path / "a.docx").read_bytes()
    (rec,) = read_docx(io.BytesIO(data), name="upload.docx")
    assert rec.source == "upload.docx" and rec.text == EXPECTED


def test_merged_cells_are_not_repeated(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "合并"
    table.cell(0, 1).text = "右上"
    table.cell(1, 1).text = "右下"
    table.cell(0, 0).merge(table.cell(1, 0))
    path = tmp_path / "merged.docx"
    doc.save(path)
    text = next(read_docx(path)).text
    assert text.count("合并") == 1
    assert text.split("\n") == ["合并\t右上", "\t右下"]


# --- bad input --------------------------------------------------------------------------


def _zip_with(path: Path, extra: dict[str, bytes], base: Path) -> Path:
    """Copy the .docx ``base`` to ``path`` adding members (deflated)."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for name, data in extra.items():
            dst.writestr(name, data)
    return path


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    base = build_docx(tmp_path / "base.docx")
    path = _zip_with(tmp_path / "bomb.docx", {"word/media/bomb.bin": bytes(20 * 2**20)}, base)
    assert path.stat().st_size < 200_000  # 20 MB of zeros in a few kilobytes
    errors = both_paths(path)
    assert "zip bomb" in errors[0].en and "压缩炸弹" in errors[0].zh
    assert "word/media/bomb.bin" in errors[0].en


def test_zip_bomb_declaring_huge_size(tmp_path: Path) -> None:
    """A member whose central directory entry declares 3.75 GB: refused before extracting."""
    base = build_docx(tmp_path / "base.docx")
    path = _zip_with(tmp_path / "huge.docx", {"word/media/huge.bin": b"x" * 1000}, base)
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # central directory entry of the last member
    assert data[entry + 46 : entry + 46 + 19] == b"word/media/huge.bin"
    struct.pack_into("<I", data, entry + 24, 0xF0000000)  # uncompressed size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/media/huge.bin").file_size == 0xF0000000
    errors = both_paths(path)
    assert "zip bomb" in errors[0].en and "MB" in errors[0].en


def test_zip_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    base = build_docx(tmp_path / "base.docx")
    noise = random.Random(1).randbytes(300_000)  # incompressible: ratio about 1
    path = _zip_with(tmp_path / "large.docx", {"word/media/noise.bin": noise}, base)
    monkeypatch.setenv("ZHAGEN_MAX_UNZIPPED_BYTES", "200000")
    errors = both_paths(path)
    assert "zip bomb" in errors[0].en and "limit" in errors[0].en


def test_truncated_docx(tmp_path: Path) -> None:
    data = build_docx(tmp_path / "base.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert_clear(info.value, path)
    assert "damaged" in info.value.en and "损坏" in info.value.zh
    # via read_records the zip directory is already unreadable at format detection
    with pytest.raises(InputError) as info:
        list(read_records(path))
    assert info.value.file == str(path) and re.search(r"[\u4e00-\u9fff]", info.value.zh)


def test_docx_with_damaged_member(tmp_path: Path) -> None:
    base = build_docx(tmp_path / "base.docx")
    data = bytearray(base.read_bytes())
    with zipfile.ZipFile(base) as zf:
        info = zf.getinfo("word/document.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A  # scramble the deflated body of word/document.xml
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    errors = both_paths(path)
    assert "damaged" in errors[0].en and errors[0].message == errors[1].message


def test_random_bytes_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert_clear(info.value, path)
    with pytest.raises(InputError) as info:
        list(read_records(path))
    assert info.value.file == str(path) and "binary" in info.value.en


def test_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert_clear(info.value, path)
    assert "word/document.xml" in info.value.en
    with pytest.raises(InputError) as info:
        list(read_records(path))
    assert_clear(info.value, path)  # routed to read_docx, which says what is wrong


def test_password_protected_docx(tmp_path: Path) -> None:
    """Word saves an encrypted .docx as an OLE compound file holding 'EncryptedPackage'."""
    path = tmp_path / "locked.docx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(2000))
    with pytest.raises(InputError) as info:
        list(read_docx(path))
    assert_clear(info.value, path)
    assert "password" in info.value.en and "密码" in info.value.zh


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    errors = both_paths(path)
    assert "no text" in errors[0].en


def test_empty_and_oversized_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    with pytest.raises(InputError) as info:
        list(read_docx(empty))
    assert "empty" in info.value.en
    big = build_docx(tmp_path / "big.docx")
    monkeypatch.setenv("ZHAGEN_MAX_DOCUMENT_BYTES", "1000")
    errors = both_paths(big)
    assert "too large" in errors[0].en


def test_missing_docx(tmp_path: Path) -> None:
    both_paths(tmp_path / "missing.docx")
