"""``zhagen tables | saturation | agreement`` and the whole demo, on a real project."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

import zhagen
from zhagen.cli import main
from zhagen.demo_coding import run_coding

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("reports") / "p.zhagen"
    with zhagen.Project.create(path) as project:
        project.add(EXAMPLES / "docs")
        run_coding(project)
    return str(path)


def test_tables_command_writes_xlsx_and_docx(coded, tmp_path, capsys):
    assert main(["tables", coded, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "→" in out
    wb = openpyxl.load_workbook(tmp_path / "coding_tables.xlsx")
    assert {"开放式编码", "主轴编码"} <= set(wb.sheetnames)
    sheet = wb["开放式编码"]
    header = [c.value for c in sheet[1]]
    assert "原始语句" in header and "初始概念" in header and "初始范畴" in header
    assert sheet.max_row > 10
    assert (tmp_path / "coding_tables.docx").stat().st_size > 0


def test_saturation_command_is_reproducible_and_recorded(coded, capsys):
    args = ["saturation", coded, "--holdout", "1/3", "--seed", "3", "--type", "document"]
    assert main(args + ["--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(args + ["--format", "json"]) == 0
    assert capsys.readouterr().out == first
    assert "held-out documents" in first
    with zhagen.open(coded) as p:
        runs = p.runs("saturation")
        assert len(runs) >= 2
        held = runs["summary"].iloc[-1]["holdout_documents"]
        docs = p.documents()
        assert set(held) <= set(docs[docs["type"] == "document"]["id"])


def test_agreement_command_matches_the_library(coded, capsys):
    assert main(["agreement", coded, "--coders", "研究者A", "研究者B", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    pooled = rows[-1]
    assert pooled["code"] == "(pooled)" and 0 < pooled["kappa"] < 1
    with zhagen.open(coded) as p:
        lib = p.agreement(["研究者A", "研究者B"]).pooled.iloc[0]
    assert pooled["kappa"] == pytest.approx(lib["kappa"])
    assert main(["agreement", coded, "--coders", "研究者A", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_demo_runs_every_stage(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for stage in ("1. ", "5. ", "7. ", "8. ", "9. "):
        assert f"== {stage}" in out
    for name in ("demo.zhagen", "documents.csv", "map/map.png", "map/map.html",
                 "tables/coding_tables.docx", "agreement.csv"):  # fmt: skip
        assert (tmp_path / name).is_file(), name
