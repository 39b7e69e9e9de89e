"""Exports that attack their reader: formula-leading cells in every CSV zhagen writes.

A keyword such as ``=cmd|'/c calc'!a0`` from a hostile export must reach ``nodes.csv``,
``edges.csv``, ``clusters.csv``, the VOSviewer map file and ``--format csv`` output as text a
spreadsheet does not evaluate (a leading ``'``, per OWASP), while plain negative numbers stay
numbers and XLSX cells stay typed text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import zhagen
from zhagen.cli import main
from zhagen.formats.spreadsheet import FORMULA_START, safe_cell

HOSTILE = ["=cmd|'/c calc'!a0", "+1+1", "@sum(1)", "-2+3", '=HYPERLINK("http://x")']


def _refworks(n: int) -> str:
    """``n`` records, each with the hostile keywords and two harmless ones."""
    out = []
    for i in range(n):
        kws = ";".join([*HOSTILE, "新质生产力", f"关键词{i % 3}"])
        out.append(
            f"RT Journal Article\r\nA1 作者{i}\r\nT1 =题名{i}\r\nJF 期刊\r\nYR {2020 + i % 4}\r\n"
            f"K1 {kws}\r\nAB 摘要{i}。\r\nDS CNKI\r\n\r\n"
        )
    return "".join(out)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csvinj")
    src = tmp / "hostile_refworks.txt"
    src.write_text(_refworks(12), encoding="utf-8")
    path = tmp / "p.zhagen"
    with zhagen.Project.create(path) as project:
        report = project.add(src)
        assert report.records == 12
        km = project.map(top=1000, min_freq=1, record=False)
        out = tmp / "map"
        km.write(out)
    return path, out, km


def _cells(path: Path, delimiter: str = ",") -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _assert_no_formula(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for value in row:
            if value.startswith(FORMULA_START):
                assert safe_cell(value) == value, f"{where}: formula cell {value!r}"


def test_map_labels_really_are_hostile(hostile):
    _, _, km = hostile
    labels = set(km.nodes["label"])
    assert {"=cmd|'/c calc'!a0", "+1+1", "@sum(1)"} <= labels


@pytest.mark.parametrize("name", ["nodes.csv", "edges.csv", "clusters.csv", "bursts.csv"])
def test_map_csv_neutralised(hostile, name):
    _, out, _ = hostile
    rows = _cells(out / name)
    _assert_no_formula(rows, name)
    flat = {v for row in rows for v in row}
    if name in ("nodes.csv", "edges.csv"):
        assert "'=cmd|'/c calc'!a0" in flat and "'+1+1" in flat and "'@sum(1)" in flat
        assert "'-2+3" in flat  # a formula, not a number
    if name == "clusters.csv":
        assert any("'=cmd" in v or v.startswith("'") for v in flat)


def test_negative_numbers_stay_numbers():
    assert safe_cell("-3") == "-3" and safe_cell("-0.25") == "-0.25" and safe_cell("+4") == "+4"
    assert safe_cell("-1e-3") == "-1e-3"
    assert safe_cell("-") == "'-" and safe_cell("-a") == "'-a" and safe_cell("\tx") == "'\tx"
    assert safe_cell("\r=1") == "'\r=1"


def test_vosviewer_map_file_neutralised(hostile):
    _, out, _ = hostile
    found = list(out.rglob("*vosviewer*map*.txt"))
    assert found, sorted(p.name for p in out.iterdir())
    rows = _cells(found[0], delimiter="\t")
    _assert_no_formula(rows, found[0].name)
    assert "'+1+1" in {r[1] for r in rows[1:]}


def test_xlsx_cells_stay_text(hostile):
    from openpyxl import load_workbook

    _, out, _ = hostile
    books = list(out.rglob("*.xlsx"))
    assert books
    seen = False
    for book in books:
        wb = load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("=cmd"):
                        assert c.data_type == "s"  # a string cell, never a formula
                        seen = True
    assert seen


def test_cli_format_csv_neutralised(hostile, capsys):
    path, _, _ = hostile
    assert main(["docs", str(path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    _assert_no_formula(rows, "zhagen docs --format csv")
    assert any(v.startswith("'=题名") for r in rows for v in r)


def test_safe_frame_writes_what_cell_by_cell_writes(tmp_path: Path) -> None:
    """safe_frame tests a text column for formula starts at once and changes only the cells
    that start like one; the CSV is byte for byte the one every cell through safe_cell
    gives, for str, string and object (mixed) columns, empty cells and numbers."""
    import random

    import pandas as pd

    from zhagen.formats.spreadsheet import write_csv

    rng = random.Random(7)
    pieces = [*FORMULA_START, "", "新质", "a", "1", ".5", "e3", "'", ";", '"', "\n"]

    def text() -> str | None:
        if rng.random() < 0.1:
            return None
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))

    for round_ in range(20):
        n = rng.randint(0, 60)
        cells = [text() for _ in range(n)]
        df = pd.DataFrame({
            "str": cells, "string": pd.Series(cells, dtype="string"),
            "mixed": pd.Series([c if k % 3 else k for k, c in enumerate(cells)], dtype=object),
            "ints": pd.Series([k if k % 4 else None for k in range(n)], dtype=object),
            "n": list(range(n)), "=col": [0.5] * n,
        })  # fmt: skip
        want = df.copy()
        want.columns = [safe_cell(str(c)) for c in want.columns]
        for col in want.columns:
            if want[col].dtype == object or str(want[col].dtype) in ("string", "str"):
                want[col] = want[col].map(safe_cell)
        want.to_csv(tmp_path / "want.csv", index=False, encoding="utf-8-sig")
        got = write_csv(df, tmp_path / "got.csv")
        assert got.read_bytes() == (tmp_path / "want.csv").read_bytes(), round_
