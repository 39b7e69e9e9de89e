"""REFI-QDA files as other tools write them (issue 9): the open-source ``qc`` tool's
``plainTextPath="interview_1.txt"`` (no ``internal://``, the file in ``sources/``, no
``name``), bare ``.qde`` files, and honest reports and exit codes when something is left out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import zhagen
from zhagen.cli import main
from zhagen.qda import import_qdpx

NS = "urn:QDA-XML:project:1.0"
CODES = ["信任", "风险", "合作"]

TEXTS = {
    "interview_1.txt": "我们一开始并不信任对方。后来合作多了，风险也就小了。\n第二段：信任来自合作。\n",
    "interview_2.txt": "受访者二：合作需要信任，也需要对风险有共识。\n",
}


def _guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def _codings(text: str, source: int) -> tuple[str, int]:
    """Selections over every sentence-sized span of ``text``, each coded with every code."""
    out, n = [], 0
    spans = [(i, min(i + 6, len(text))) for i in range(0, len(text) - 1, 3)]
    for k, (start, end) in enumerate(spans):
        refs = "".join(
            f'<Coding guid="{_guid(4, source * 10_000 + k * 10 + c)}">'
            f'<CodeRef targetGUID="{_guid(1, c)}"/></Coding>'
            for c in range(len(CODES))
        )
        out.append(
            f'<PlainTextSelection guid="{_guid(3, source * 1000 + k)}" startPosition="{start}" '
            f'endPosition="{end}">{refs}</PlainTextSelection>'
        )
        n += len(CODES)
    return "".join(out), n


def _qde(paths: dict[str, str]) -> tuple[str, int]:
    """A project shaped like qc's: sources without ``name``, bare ``plainTextPath``."""
    codes = "".join(
        f'<Code guid="{_guid(1, i)}" name="{c}" isCodable="true"/>' for i, c in enumerate(CODES)
    )
    sources, total = [], 0
    for i, (path, text) in enumerate(paths.items(), 1):
        sels, n = _codings(text, i)
        total += n
        sources.append(
            f'<TextSource guid="{_guid(2, i)}" plainTextPath="{path}">{sels}</TextSource>'
        )
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="qc" origin="qc">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{''.join(sources)}</Sources>"
        "</Project>"
    )
    return xml, total


def _qdpx(path: Path, *, with_texts: bool = True) -> int:
    xml, total = _qde({p: t for p, t in TEXTS.items()})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        if with_texts:
            for name, text in TEXTS.items():
                zf.writestr(f"sources/{name}", text)
    return total


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_qc_project_imports_every_coding(tmp_path: Path, capsys) -> None:
    qdpx = tmp_path / "qc.qdpx"
    total = _qdpx(qdpx)
    with zhagen.Project.create(tmp_path / "p.zhagen") as project:
        report = import_qdpx(project, qdpx)
        titles = [project.document(d)["title"] for d in report.documents]
        bodies = [project.text(d, original=True) for d in report.documents]
    assert report.codings == total and report.codings_not_imported == 0
    assert not report.not_imported and not report.lost
    assert titles == list(TEXTS)  # a source without a name is known by its path
    assert bodies == list(TEXTS.values())
    code, out, err = _run(capsys, "import-qdpx", qdpx, tmp_path / "cli.zhagen")
    assert code == 0 and f"codings: {total}" in out and not err


def test_missing_text_is_reported_by_path_with_a_failing_exit_code(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    qdpx = tmp_path / "qc_no_texts.qdpx"
    total = _qdpx(qdpx, with_texts=False)
    code, out, err = _run(capsys, "import-qdpx", qdpx, tmp_path / "p.zhagen")
    assert code == 1
    assert f"{total} 个编码 codings" in out
    for name in TEXTS:
        assert f"source {name!r}" in out and "was not found" in out
    assert "exit code 1" in err and str(qdpx) in err


def test_bare_qde_imports_with_its_texts_beside_it(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    xml, total = _qde(TEXTS)
    qde = tmp_path / "project.qde"
    qde.write_text(xml, "utf-8")
    # alone: the sources whose text is absent are reported, nothing else is silently lost
    code, out, err = _run(capsys, "import-qdpx", qde, tmp_path / "alone.zhagen")
    assert code == 1 and "exit code 1" in err
    assert all(f"source {name!r}" in out for name in TEXTS)
    assert f"{total} 个编码 codings" in out
    # with the texts in sources/ beside it (as the unzipped .qdpx), everything is imported
    (tmp_path / "sources").mkdir()
    for name, text in TEXTS.items():
        (tmp_path / "sources" / name).write_text(text, "utf-8")
    code, out, err = _run(capsys, "import-qdpx", qde, tmp_path / "beside.zhagen")
    assert code == 0 and f"codings: {total}" in out and not err


def test_real_exports_keep_every_valid_coding(shared: Path, tmp_path: Path) -> None:
    """Each Coding of a text source with its text is imported; the rest are reported."""
    from lxml import etree

    for qdpx in sorted((shared / "refi-qda" / "samples").glob("*.qdpx")):
        with zipfile.ZipFile(qdpx) as zf:
            qde = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
            root = etree.fromstring(zf.read(qde))
        n_codings = len(root.findall(".//{*}Sources//{*}Coding"))
        with zhagen.Project.create(tmp_path / f"{qdpx.stem}.zhagen") as project:
            report = import_qdpx(project, qdpx)
        merged = sum(int(w.split()[0]) for w in report.warnings if "duplicate codings" in w)
        assert report.codings + merged + report.codings_not_imported == n_codings, qdpx.name
        dropped = report.codings_not_imported > 0 or any(
            n.what == "source" for n in report.not_imported
        )
        assert report.lost == dropped
