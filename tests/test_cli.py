"""The command line, run in-process and as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from zhagen.cli import main


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch):
    """These tests read the Chinese and the English text of each message: print both
    (``ZHAGEN_LANG=both``; tests/test_cli_lang.py covers one language at a time)."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_new_add_docs_show(tmp_path, capsys):
    proj = str(tmp_path / "s.zhagen")
    assert main(["new", proj]) == 0
    assert main(["add", proj, str(EXAMPLES / "docs"), str(EXAMPLES / "bad")]) == 0
    out = capsys.readouterr()
    assert "empty" in out.err and "binary" in out.err  # one clear line per bad file
    assert main(["docs", proj, "--format", "json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert len(docs) == 9 and {"id", "source", "record", "type", "title", "problems"} <= set(
        docs[0]
    )
    assert main(["docs", proj, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 9 and rows[0]["title"] == docs[0]["title"]
    assert main(["docs", proj]) == 0
    table = capsys.readouterr().out.splitlines()
    starts = [line.split()[0] for line in table if line[:1].strip()]  # wrapped lines start blank
    assert starts == ["id"] + [str(d["id"]) for d in docs]
    assert main(["docs", proj, "--problems", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["show", proj, "1"]) == 0
    assert "新质生产力" in capsys.readouterr().out
    assert main(["show", proj, "1", "--sentences"]) == 0
    assert capsys.readouterr().out.startswith("[1] 0-")


def test_add_fails_only_when_nothing_imported(tmp_path, capsys):
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    assert main(["add", proj, str(EXAMPLES / "bad")]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "文件为空" in err


def test_missing_project_gives_one_clean_line(tmp_path, capsys):
    assert main(["docs", str(tmp_path / "nope.zhagen")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nope.zhagen" in err and "not found" in err


def test_show_unknown_document(tmp_path, capsys):
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    assert main(["show", proj, "42"]) == 1
    assert "no document with id 42" in capsys.readouterr().err


def test_import_zhagen_stays_light():
    code = (
        "import sys, zhagen, zhagen.cli; zhagen.cli.build_parser();"
        "heavy = {'pandas', 'numpy', 'rjieba', 'opencc', 'scipy', 'matplotlib'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_entry_point_runs(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "zhagen", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("zhagen ")


def test_the_command_freezes_what_is_left_and_a_caller_keeps_its_collector(tmp_path):
    """``main()`` as the process's command freezes every object before the interpreter
    shuts down (its collections then skip them); ``main(argv)`` from a caller does not."""
    code = (
        "import gc, sys; from zhagen.cli import main;"
        "project = sys.argv[1]; rc = main(['new', project]); called = gc.get_freeze_count();"
        "sys.argv = ['zhagen', 'docs', project]; rc2 = main();"
        "print(rc, rc2, called, gc.get_freeze_count() > 1000)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.zhagen")],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert out.stdout.splitlines()[-1].split() == ["0", "0", "0", "True"]


def test_check_command_reports_ok_and_damage(tmp_path, capsys):
    from test_store import _damage_documents_table

    proj = str(tmp_path / "s.zhagen")
    assert main(["new", proj]) == 0
    assert main(["check", proj]) == 0
    assert "ok" in capsys.readouterr().out
    _damage_documents_table(proj)
    assert main(["check", proj]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "损坏" in err and proj in err


def test_add_marks_a_file_read_only_in_part(tmp_path, capsys):
    """A file that lost records to errors is not shown with a ✓, and the summary counts it."""
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    part = tmp_path / "part.txt"  # RefWorks: the second record holds nothing usable
    part.write_text(
        "RT Journal Article\nA1 李明\nT1 数字经济研究\nJF 经济研究\nYR 2024\n\n"
        "RT Journal Article\nSR 1\n\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.txt"
    good.write_text("扎根理论的三级编码。", encoding="utf-8")
    assert main(["add", proj, str(part), str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"  ! {part}: 1 条 / 1 records (cnki-refworks)" in out
    assert f"  ✓ {good}: 1 条 / 1 records (txt)" in out
    assert "1 个文件部分未能读取" in out[-1] and "1 file(s) read only in part" in out[-1]


def test_show_sentences_prints_one_sentence_a_line(tmp_path, capsys):
    """A sentence that spans a line break of a web page still takes one line of output."""
    proj = str(tmp_path / "s.zhagen")
    main(["new", proj])
    page = tmp_path / "page.md"
    page.write_text(
        "会议审议通过了关于制定\n“十三五”规划\n、推动高质量发展的建议。\n↑\n"
        "The plan was\nadopted in 2016.\n",
        encoding="utf-8",
    )
    main(["add", proj, str(page)])
    capsys.readouterr()
    assert main(["show", proj, "1", "--sentences"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t", 1)[1] for line in lines] == [
        "会议审议通过了关于制定“十三五”规划、推动高质量发展的建议。↑",  # the stored one has "\n↑"
        "The plan was adopted in 2016.",
    ]


def test_output_cut_short_by_its_reader_is_no_error(tmp_path):
    """`zhagen docs p | head -1`: the closed pipe ends the command quietly."""
    proj = tmp_path / "s.zhagen"
    export = tmp_path / "export.txt"
    export.write_text(
        "".join(
            f"RT Journal Article\nA1 作者{i}\nT1 数字经济与新质生产力研究第{i}篇\nJF 经济研究\n"
            f"YR 2024\nK1 数字经济;新质生产力\nAB {'摘要内容。' * 20}\n\n"
            for i in range(400)
        ),
        encoding="utf-8",
    )
    assert main(["new", str(proj)]) == 0
    assert main(["add", str(proj), str(export)]) == 0
    run = subprocess.Popen(
        [sys.executable, "-m", "zhagen", "docs", str(proj), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout.readline().strip() == b"["
    run.stdout.close()  # the reader goes away long before the 400 records are written
    err = run.stderr.read().decode()
    assert run.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err
