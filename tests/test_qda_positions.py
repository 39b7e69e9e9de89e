"""Positions in a REFI-QDA export (issue 9): Unicode code points per the standard by
default; UTF-16 code units with ``nvivo=True`` / ``--nvivo``. Tested with astral characters
(𠀀, 😀) before the coded span, where the two differ."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import zhagen
from zhagen.cli import main
from zhagen.formats.refi_qda import read_qdpx

TEXT = "𠀀𠀁访谈：😀政府提供财政补贴。"
NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "访谈.txt"
    src.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        p.add([str(src)])
        [doc] = p.documents.find().ids
        text = p.text(doc)
        start = text.index("政府")
        p.codings.add(doc, start, start + 4, p.codes.add("财政支持"), coder="甲")
    return path


def _positions(qdpx: Path) -> tuple[list[tuple[int, int]], str]:
    with zipfile.ZipFile(qdpx) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        txt = next(n for n in zf.namelist() if n.startswith("sources/"))
        text = zf.read(txt).decode("utf-8")
    sels = root.iter(f"{NS}PlainTextSelection")
    return [(int(s.get("startPosition")), int(s.get("endPosition"))) for s in sels], text


def _utf16_slice(text: str, start: int, end: int) -> str:
    data = text.encode("utf-16-le")
    return data[2 * start : 2 * end].decode("utf-16-le")


def test_export_writes_code_points_by_default(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "cp.qdpx"
    with zhagen.Project.open(project) as p:
        p.export_qdpx(out)
    [(start, end)], text = _positions(out)
    assert text[start:end] == "政府提供"  # code points into the UTF-8 text file
    assert _utf16_slice(text, start, end) != "政府提供"
    assert read_qdpx(out).sources[0].selections[0].start == start


def test_export_nvivo_writes_utf16_units(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "nv.qdpx"
    with zhagen.Project.open(project) as p:
        p.export_qdpx(out, nvivo=True)
    [(start, end)], text = _positions(out)
    assert _utf16_slice(text, start, end) == "政府提供"  # what NVivo reads
    assert text[start:end] != "政府提供"
    # read back as NVivo's units, the span is the same characters
    sel = read_qdpx(out, positions="utf16").sources[0].selections[0]
    assert text[sel.start : sel.end] == "政府提供"


def test_cli_export_qdpx_nvivo(project: Path, tmp_path: Path) -> None:
    cp, nv = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    assert main(["export-qdpx", str(project), str(cp)]) == 0
    assert main(["export-qdpx", str(project), str(nv), "--nvivo"]) == 0
    (a, _), (b, _) = _positions(cp)[0][0], _positions(nv)[0][0]
    assert b - a == 3  # 𠀀, 𠀁 and 😀 each count two UTF-16 units
