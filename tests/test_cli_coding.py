"""The coding sub-commands, run in-process through ``zhagen.cli.main``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from zhagen.cli import coding_commands, commands, main


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch):
    """These tests read the Chinese and the English text of each message: print both
    (``ZHAGEN_LANG=both``; tests/test_cli_lang.py covers one language at a time)."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")


TEXT = "企业是创新主体😀。政府提供𠀀政策支持。高校开展基础研究。"


@pytest.fixture(autouse=True)
def _wired(monkeypatch):
    """Register the coding commands as the lead will (once, even after wiring)."""
    original = commands.register

    def register(sub):
        original(sub)
        if "code" not in sub.choices:
            coding_commands.register(sub)

    monkeypatch.setattr(commands, "register", register)


@pytest.fixture()
def proj(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = str(tmp_path / "s.zhagen")
    assert main(["new", path]) == 0
    assert main(["add", path, str(tmp_path / "a.txt")]) == 0
    capsys.readouterr()
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_code_commands(proj, capsys):
    assert run(capsys, "code", "add", proj, "政策环境", "--level", "2")[0] == 0
    code, out, _ = run(capsys, "code", "add", proj, "补贴", "--parent", "政策环境")
    assert code == 0 and "#2" in out
    assert run(capsys, "code", "add", proj, "资助", "--parent", "政策环境")[0] == 0
    assert run(capsys, "code", "rename", proj, "补贴", "财政补贴")[0] == 0
    assert run(capsys, "code", "describe", proj, "#2", "政府给钱")[0] == 0
    assert run(capsys, "code", "color", proj, "财政补贴", "#112233")[0] == 0
    assert run(capsys, "code", "move", proj, "资助", "--top")[0] == 0
    assert run(capsys, "code", "merge", proj, "资助", "--into", "财政补贴")[0] == 0
    code, out, _ = run(capsys, "code", "list", proj, "--format", "json")
    rows = json.loads(out)
    assert [(r["name"], r["level"], r["parent"]) for r in rows] == [
        ("政策环境", 2, None),
        ("财政补贴", 1, 1),
    ]
    assert rows[1]["description"] == "政府给钱" and rows[1]["color"] == "#112233"
    code, out, _ = run(capsys, "code", "list", proj, "--tree")
    assert out.splitlines()[1].startswith("  财政补贴")
    # depth is free: a code under a concept has no level until one is set
    assert run(capsys, "code", "add", proj, "x", "--parent", "财政补贴")[0] == 0
    code, out, _ = run(capsys, "code", "list", proj, "--format", "json")
    assert [r["level"] for r in json.loads(out) if r["name"] == "x"] == [None]
    assert run(capsys, "code", "level", proj, "x", "3")[0] == 0
    code, out, _ = run(capsys, "code", "list", proj, "--format", "json")
    assert [r["level"] for r in json.loads(out) if r["name"] == "x"] == [3]
    assert run(capsys, "code", "level", proj, "x", "none")[0] == 0
    code, out, err = run(capsys, "code", "level", proj, "x", "7")
    assert code == 1 and "层级" in err and "level" in err and err.count("\n") == 1


def test_coding_commands_and_undo(proj, capsys):
    run(capsys, "code", "add", proj, "主体")
    code, out, _ = run(capsys, "coding", "add", proj, "1", "3", "8", "主体", "--coder", "甲")
    assert code == 0 and "#1" in out
    assert run(capsys, "coding", "sentences", proj, "1", "主体", "1", "2")[0] == 0
    code, out, _ = run(capsys, "coding", "list", proj, "--coder", "甲", "--format", "json")
    assert [r["text"] for r in json.loads(out)] == ["创新主体😀"]
    code, out, _ = run(capsys, "coding", "list", proj, "--code", "主体", "--context", "2")
    assert "【创新主体😀】" in out
    code, out, _ = run(capsys, "coding", "list", proj, "--format", "csv")
    assert len(out.strip().splitlines()) == 4
    code, out, _ = run(capsys, "coding", "cooccurrence", proj, "--format", "json")
    assert json.loads(out)[0]["主体"] == 3
    code, out, _ = run(capsys, "coding", "matrix", proj, "--format", "json")
    assert json.loads(out) == [{"code": "主体", "1": 3}]
    code, out, err = run(capsys, "coding", "add", proj, "1", "0", "999", "主体")
    assert code == 1 and "999" in err and "code points" in err
    assert run(capsys, "undo", proj, "--coder", "乙")[0] == 1  # 乙 has done nothing
    code, out, _ = run(capsys, "undo", proj, "--coder", "default")
    assert code == 0 and "编码文档 #1 2 处" in out
    assert run(capsys, "redo", proj, "--coder", "default")[0] == 0
    code, out, _ = run(capsys, "undo", proj)
    assert code == 0 and "编码文档" in out
    assert run(capsys, "redo", proj)[0] == 0
    assert run(capsys, "coding", "delete", proj, "1")[0] == 0
    assert run(capsys, "undo", proj)[0] == 0
    assert run(capsys, "code", "add", proj, "其他")[0] == 0
    assert run(capsys, "coding", "recode", proj, "1", "其他")[0] == 0
    code, out, err = run(capsys, "code", "delete", proj, "其他")
    assert code == 1 and "1 条编码记录" in err
    assert run(capsys, "code", "delete", proj, "其他", "--force")[0] == 0
    assert run(capsys, "code", "split", proj, "主体", "新主体=2")[0] == 0
    code, out, err = run(capsys, "code", "split", proj, "主体", "坏=x")
    assert code == 1 and "NAME=ID" in err


def test_memo_relation_storyline_search(proj, capsys):
    run(capsys, "code", "add", proj, "政策环境", "--level", "3")
    run(capsys, "code", "add", proj, "协同创新", "--level", "3")
    assert run(capsys, "memo", "add", proj, "整体思路")[0] == 0
    assert run(capsys, "memo", "add", proj, "文档备忘", "--on", "document", "--id", "1")[0] == 0
    assert run(capsys, "memo", "add", proj, "编码备忘", "--on", "code", "--id", "政策环境")[0] == 0
    code, out, _ = run(capsys, "memo", "list", proj, "--on", "code", "--format", "json")
    assert [m["text"] for m in json.loads(out)] == ["编码备忘"]
    code, _, err = run(capsys, "memo", "add", proj, "x", "--on", "document", "--id", "abc")
    assert code == 1 and "abc" in err
    rel = ["relation", "add", proj, "政策环境", "协同创新", "因果条件", "--description", "驱动"]
    assert run(capsys, *rel)[0] == 0
    code, out, _ = run(capsys, "relation", "list", proj, "--format", "json")
    assert json.loads(out)[0]["type"] == "因果条件"
    assert run(capsys, "storyline", proj, "政策环境驱动协同创新")[0] == 0
    assert run(capsys, "storyline", proj)[1].strip() == "政策环境驱动协同创新"
    code, out, _ = run(capsys, "search", proj, "政策", "--format", "json")
    hit = json.loads(out)[0]
    assert TEXT[hit["start"] : hit["end"]] == "政策"
    code, out, err = run(capsys, "search", proj, "([", "--regex")
    assert code == 1 and "regular expression" in err


def test_nothing_to_undo(proj, capsys):
    code, out, _ = run(capsys, "undo", proj)
    assert code == 1 and "nothing to undo" in out
    assert run(capsys, "redo", proj)[0] == 1


def test_register_adds_every_command():
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    coding_commands.register(sub)
    assert {"code", "coding", "memo", "relation", "storyline", "undo", "redo", "search"} <= set(
        sub.choices
    )


def test_help_stays_instant():
    # the coding commands must not import pandas just to build the parser
    code = (
        "import sys, argparse; from zhagen.cli import coding_commands as c; "
        "p = argparse.ArgumentParser(); c.register(p.add_subparsers()); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
