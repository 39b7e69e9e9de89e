"""The terminal table wraps to the terminal's width and never cuts; CSV and JSON stay exact."""

from __future__ import annotations

import csv
import io
import json
import random

import pandas as pd
import pytest

from zhagen.cli import main
from zhagen.console import display_width, print_frame, wrap


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch):
    """These tests read the Chinese and the English text of each message: print both
    (``ZHAGEN_LANG=both``; tests/test_cli_lang.py covers one language at a time)."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")


def _column(lines: list[str], start: int, stop: int | None = None) -> list[str]:
    """The text of each line between display columns ``start`` and ``stop``."""
    out = []
    for line in lines:
        col, kept = 0, []
        for ch in line:
            if col >= start and (stop is None or col < stop):
                kept.append(ch)
            col += display_width(ch)
        out.append("".join(kept).strip())
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def _problem_project(tmp_path) -> str:
    """A project whose import left two problems with long bilingual messages."""
    proj = str(tmp_path / "p.zhagen")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "空文件.txt").write_bytes(b"")
    (tmp_path / "in" / "renamed_binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "in" / "good.txt").write_text(
        "新质生产力是创新起主导作用的先进生产力质态。", "utf-8"
    )
    assert main(["new", proj]) == 0
    main(["add", proj, str(tmp_path / "in")])
    return proj


@pytest.mark.parametrize("columns", [60, 100, 200])
def test_problems_table_shows_whole_messages_within_the_terminal(
    tmp_path, capsys, monkeypatch, columns
):
    proj = _problem_project(tmp_path)
    capsys.readouterr()
    assert main(["docs", proj, "--problems", "--format", "json"]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert len(problems) == 2 and all(len(p["zh"]) > 10 and len(p["en"]) > 28 for p in problems)
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["docs", proj, "--problems"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(display_width(line) for line in lines) <= columns
    assert "…" not in "".join(lines)
    head = lines[0]
    where, severity, start = (
        display_width(head[: head.index(c)]) for c in ("where", "severity", "message")
    )
    text = _squash("".join(_column(lines[1:], start)))
    paths = _squash("".join(_column(lines[1:], where, severity)))
    for p in problems:  # every character of both messages, the "what to do" part included
        assert _squash(p["zh"]) in text and _squash(p["en"]) in text
        assert _squash(p["path"]) in paths


def test_nothing_to_list_says_so_in_one_line(tmp_path, capsys):
    proj = str(tmp_path / "p.zhagen")
    (tmp_path / "good.txt").write_text("扎根理论的三级编码。", "utf-8")
    main(["new", proj])
    main(["add", proj, str(tmp_path / "good.txt")])
    capsys.readouterr()
    assert main(["docs", proj, "--problems"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "no import problems" in out[0] and "没有" in out[0]
    assert main(["docs", proj, "--problems", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # machine formats stay machine-readable
    assert main(["docs", proj, "--duplicates"]) == 0
    assert capsys.readouterr().out == "没有疑似重复的记录 / no duplicates\n"
    assert main(["docs", proj, "--year", "1900"]) == 0
    assert capsys.readouterr().out == "没有符合条件的文档 / no documents match\n"
    assert main(["docs", proj, "--year", "1900", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,source,record,")  # the header, for a program


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2],
            "title": ["数字经济背景下新质生产力的形成机理与实现路径研究" * 3, "Short"],
            "note": ['第一行\n第二行, with a comma and "quotes"', None],
            "score": [0.12345678901234, 1e7 + 0.5],
            "keywords": [["=cmd|'/c calc'!a0", "新质生产力"], []],
        }
    )


def test_csv_and_json_are_exact_whatever_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "20")
    df = _frame()
    out = io.StringIO()
    print_frame(df, "csv", out=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["title"] for r in rows] == list(df["title"])
    assert rows[0]["note"] == df["note"][0] and rows[1]["note"] == ""
    assert [float(r["score"]) for r in rows] == list(df["score"])
    assert rows[0]["keywords"] == "'=cmd|'/c calc'!a0;新质生产力"  # formula neutralised, not cut
    out = io.StringIO()
    print_frame(df, "json", out=out)
    data = json.loads(out.getvalue())
    assert [d["title"] for d in data] == list(df["title"]) and data[0]["score"] == df["score"][0]


@pytest.mark.parametrize("width", [24, 40, 80])
def test_table_wraps_every_value_and_fits(width):
    df = _frame()
    out = io.StringIO()
    print_frame(df, out=out, width=width)
    lines = out.getvalue().splitlines()
    assert max(display_width(line) for line in lines) <= width
    if lines[0] == "-- 1 --":  # too narrow for five columns: one block per row
        label = lines[1].index(":") + 2
        block = lines[2 : lines.index("-- 2 --")]
        title = [
            line[label:] for line in block[: [line[:1] != " " for line in block].index(True, 1)]
        ]
        note = _squash("".join(lines))
    else:
        head = lines[0]
        start, stop = (display_width(head[: head.index(c)]) for c in ("title", "note"))
        rows = [i for i, line in enumerate(lines) if line.startswith("2 ")]
        title = _column(lines[1 : rows[0]], start, stop)
        note = _squash("".join(_column(lines[1 : rows[0]], stop)))
    assert _squash("".join(title)) == _squash(df["title"][0]) and len(title) > 1
    assert "第一行" in note and "第二行" in note and "10000000" in _squash(out.getvalue())


def test_narrow_terminal_prints_rows_as_blocks():
    df = pd.DataFrame([{f"column_{i}": f"值{i}" * 6 for i in range(8)}])
    out = io.StringIO()
    print_frame(df, out=out, width=30)
    lines = out.getvalue().splitlines()
    assert lines[0] == "-- 1 --" and max(display_width(line) for line in lines) <= 30
    assert all(f"column_{i}: " + f"值{i}" * 6 in out.getvalue() for i in range(8))


def test_wrap_keeps_every_character_and_each_line_fits():
    rng = random.Random(9)
    alphabet = "新质生产力扎根理论abc XYZ，。“”（）　\u0301é-"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        width = rng.randint(2, 30)
        lines = wrap(text, width)
        assert all(display_width(line) <= width for line in lines), (text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
