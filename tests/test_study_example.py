"""The worked study of examples/study on the real corpora in ../shared, on a reduced set.

The literature export is cut to its first records (written to tmp_path under its own file
name, so that the study's set queries hold) and the slowest steps (the institution map, the
timeline, the word cloud, the REFI-QDA export) are left out, so that the test stays short;
everything else is the example's own study file and coding: one project, two sets. The study
is run once for the module; then it is checked (the same bytes again), its report converted
to PDF by LibreOffice where it is installed (``ZHAGEN_REQUIRE_SOFFICE=1``: it must be), and
one parameter changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from zhagen.study import check_study, load_study, run_study, write_report
from zhagen.study.tomlw import dumps

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "study"
KEPT = ("attributes", "sets", "stats", "keywords", "tables", "saturation",
        "agreement", "matrix")  # fmt: skip


def test_example_study_file_is_valid(corpora: Path) -> None:
    study = load_study(EXAMPLE / "study.toml")
    assert {s.kind.name for s in study.steps} >= {"map", "tables", "saturation", "agreement"}
    assert all(i.sha256 for i in study.inputs)
    assert len(study.projects) == 1  # one project: the literature and coding sets in it
    scoped = {s.name: s.scope for s in study.steps}
    assert {s.params.get("nodes") for s in study.steps if s.kind.name == "map"} == {
        "keyword", "institution"}  # fmt: skip
    assert scoped["keywords"] == scoped["stats"] == "set:literature"
    assert scoped["tables"] == scoped["saturation"] == scoped["agreement"] == "set:coding"


@pytest.fixture(scope="module")
def example(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The reduced example study, run once: its path and the first run's result."""
    tmp_path = tmp_path_factory.mktemp("example")
    doc = tomllib.loads((EXAMPLE / "study.toml").read_text(encoding="utf-8"))
    for name in ("codebook.csv", "coding.csv", "thesaurus.txt", "userdict.txt"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    literature = corpora / "cnki" / "refworks_2024_298.txt"
    records = literature.read_bytes().split(b"\r\n\r\n")
    (tmp_path / literature.name).write_bytes(b"\r\n\r\n".join(records[:60]) + b"\r\n\r\n")
    for item in doc["inputs"]:
        if Path(item["path"]).name == literature.name:
            item["path"], item["sha256"] = literature.name, None
        else:
            item["path"] = str((EXAMPLE / item["path"]).resolve())
    doc["steps"] = {k: v for k, v in doc["steps"].items() if k in KEPT}
    path = tmp_path / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")
    return path, run_study(path)


def test_example_runs_on_a_reduced_set(example: tuple[Path, object]) -> None:
    path, first = example
    tmp_path = path.parent
    literature = Path("refworks_2024_298.txt")
    assert first.ran == list(KEPT)
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    coding = manifest["projects"][0]["coding"]
    assert coding["coders"] == ["乙", "甲"] and coding["codings"] == 28
    assert coding["codes_per_level"] == {"1": 6, "2": 4, "3": 2, "4": 1}
    built = {i["path"]: i["records"] for i in manifest["build"]["inputs"]}
    assert built[literature.name] == 60
    out = tmp_path / "out"
    sets = {
        s["name"]: s for s in json.loads((out / "sets" / "sets.json").read_text("utf-8"))["sets"]
    }
    assert 0 < sets["literature"]["count"] <= 60 and sets["seeds"]["count"] == 4
    assert sets["coding"]["count"] == 4 + sets["reports_sample"]["count"]
    assert not set(sets["literature"]["documents"]) & set(sets["coding"]["documents"])
    stats = json.loads((out / "stats" / "stats.json").read_text("utf-8"))
    assert stats["records"]["value"] == sets["literature"]["count"]  # duplicates left out
    keywords = json.loads((out / "keywords" / "summary.json").read_text("utf-8"))
    assert keywords["records"] <= sets["literature"]["count"] and keywords["nodes"] > 0
    tables = json.loads((out / "tables" / "tables.json").read_text("utf-8"))
    assert tables["chain"].count("→") == 4 and tables["level_problems"] == []
    pooled = (out / "agreement" / "agreement_pooled.csv").read_text("utf-8-sig")
    assert "kappa" in pooled
    assert run_study(path).ran == []  # nothing changed: nothing runs
    # run again by force: the same bytes
    saturation = (out / "saturation" / "saturation.json").read_bytes()
    assert run_study(path, force=["saturation"]).ran == ["saturation"]
    assert (out / "saturation" / "saturation.json").read_bytes() == saturation


def test_example_check_gives_the_same_bytes(example: tuple[Path, object], tmp_path: Path) -> None:
    """``zhagen run --check`` on the example: every output rebuilt (on a copy of the
    project) has the recorded hash, not merely one within the figures' pixel tolerance."""
    path, first = example
    checked = check_study(path, scratch=tmp_path / "scratch")
    assert checked.ok, checked.changed
    again = json.loads((tmp_path / "scratch" / "out" / "manifest.json").read_text("utf-8"))
    assert again["outputs"] == first.data["outputs"]
    assert len(again["outputs"]) > 20


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("ZHAGEN_REQUIRE_SOFFICE") == "1":
            pytest.fail(reason + " and ZHAGEN_REQUIRE_SOFFICE=1")
        pytest.skip(reason)
    return exe


def test_example_report_converts_to_pdf_in_libreoffice(
    example: tuple[Path, object], tmp_path: Path
) -> None:
    """The DOCX report opens in LibreOffice: converted to PDF, it has its pages, every
    numbered 图/表 caption in Chinese as text (so with glyphs, not boxes), the model figure,
    and embedded fonts. Two pages are rendered to PNG beside the screenshots to look at."""
    import pypdfium2 as pdfium

    exe = _soffice()
    path, _ = example
    report, files = write_report(path, tmp_path / "report")
    docx = next(f for f in files if f.suffix == ".docx")
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs in parallel do not lock
    subprocess.run([exe, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(docx)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    pdf_path = tmp_path / "pdf" / (docx.stem + ".pdf")
    pdf = pdfium.PdfDocument(pdf_path)
    assert len(pdf) >= 4
    text = re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdf))
    captions = [b.caption for b in report.blocks if b.kind in ("figure", "table")]
    assert any(c.startswith("图") for c in captions) and any(c.startswith("表") for c in captions)
    assert any("模型图" in c for c in captions)
    for caption in captions:
        assert re.sub(r"\s+", "", caption) in text, caption
    assert "扎根理论编码" in text and "表1" in text and "图1" in text
    data = pdf_path.read_bytes()
    assert b"/FontFile2" in data or b"/FontFile3" in data  # fonts embedded
    shots = Path(os.environ.get("ZHAGEN_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    for n in range(min(len(pdf), 8)):
        pdf[n].render(scale=1.2).to_pil().save(shots / f"example_report_p{n + 1}.png")
    assert (shots / "example_report_p1.png").stat().st_size > 10_000


def test_example_one_parameter_reruns_one_step(example: tuple[Path, object]) -> None:
    """Changing one parameter of the example (the statistics' top N) runs that step only."""
    path, _ = example
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    doc["steps"]["stats"].setdefault("params", {})["top"] = 7
    path.write_text(dumps(doc), encoding="utf-8")
    assert run_study(path).ran == ["stats"]
