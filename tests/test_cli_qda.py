"""The REFI-QDA sub-commands, run in-process through ``zhagen.cli.main``.

The commands are registered here the way the lead wires them (``qda_commands.register``
from ``commands.register``), once, so the tests pass before and after the wiring.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import pytest

import zhagen
from zhagen.cli import commands, main, qda_commands
from zhagen.errors import ParameterError


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch):
    """These tests read the Chinese and the English text of each message: print both
    (``ZHAGEN_LANG=both``; tests/test_cli_lang.py covers one language at a time)."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")


NVIVO = "nvivo12win_oltas.qdpx"


@pytest.fixture(autouse=True)
def _wired(monkeypatch):
    original = commands.register

    def register(sub):
        original(sub)
        if "import-qdpx" not in sub.choices:
            qda_commands.register(sub)

    monkeypatch.setattr(commands, "register", register)


@pytest.fixture(scope="module")
def nvivo(shared: Path) -> Path:
    return shared / "refi-qda" / "samples" / NVIVO


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_register_on_a_fresh_parser():
    parser = argparse.ArgumentParser(prog="zhagen")
    qda_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["import-qdpx", "a.qdpx", "s.zhagen", "--coder-map", "A=甲", "B=乙"])
    assert (args.file, args.project, args.coder_map) == ("a.qdpx", "s.zhagen", ["A=甲", "B=乙"])
    args = parser.parse_args(["export-qdpx", "s.zhagen", "b.qdpx", "--all-documents"])
    assert args.all_documents and args.func is qda_commands.cmd_export_qdpx
    assert (
        parser.parse_args(["export-qdc", "s.zhagen", "c.qdc"]).func is qda_commands.cmd_export_qdc
    )
    assert (
        parser.parse_args(["import-qdc", "c.qdc", "s.zhagen"]).func is qda_commands.cmd_import_qdc
    )


def test_parse_coder_map():
    assert qda_commands.parse_coder_map(["Gergo=甲"]) == {"Gergo": "甲"}
    with pytest.raises(ParameterError, match="OLD=NEW"):
        qda_commands.parse_coder_map(["Gergo"])


def test_import_export_round_trip(nvivo, tmp_path, capsys):
    project = tmp_path / "study.zhagen"
    code, out, err = run(capsys, "import-qdpx", nvivo, project, "--coder-map", "Gergo=甲")
    assert code == 0, err
    assert "created" in out and "codings: 97" in out and "甲" in out
    code, out, err = run(capsys, "export-qdpx", project, tmp_path / "out.qdpx")
    assert code == 0, err
    assert "codings 97" in out and "codes 60" in out
    with zipfile.ZipFile(tmp_path / "out.qdpx") as zf:
        assert "project.qde" in zf.namelist()
    code, out, err = run(capsys, "import-qdpx", tmp_path / "out.qdpx", tmp_path / "again.zhagen")
    assert code == 0, err
    with zhagen.Project.open(tmp_path / "again.zhagen") as again:
        assert len(again.codings()) == 97 and set(again.codings()["coder"]) == {"甲"}
    code, _, err = run(capsys, "import-qdpx", nvivo, project)  # the same file again
    assert code == 1 and "already imported" in err and "已" in err


def test_codebook_commands(nvivo, tmp_path, capsys):
    project = tmp_path / "study.zhagen"
    assert run(capsys, "import-qdpx", nvivo, project)[0] == 0
    code, out, err = run(capsys, "export-qdc", project, tmp_path / "codes.qdc")
    assert code == 0 and "60" in out, err
    code, out, err = run(capsys, "import-qdc", tmp_path / "codes.qdc", tmp_path / "codes.zhagen")
    assert code == 0 and "new codes 60" in out, err
    code, out, _ = run(capsys, "import-qdc", tmp_path / "codes.qdc", tmp_path / "codes.zhagen")
    assert code == 0 and "new codes 0" in out and "reused 60" in out


def test_malformed_file_leaves_no_project_behind(tmp_path, capsys):
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip at all")
    project = tmp_path / "new.zhagen"
    code, _, err = run(capsys, "import-qdpx", bad, project)
    assert code == 1 and "REFI-QDA" in err and "zip" in err
    assert not project.exists()
    existing = tmp_path / "old.zhagen"
    zhagen.Project.create(existing).close()
    code, _, err = run(capsys, "import-qdpx", bad, existing)
    assert code == 1 and existing.exists()  # an existing project is never removed
    with zhagen.Project.open(existing) as p:
        assert len(p.documents()) == 0 and len(p.sources()) == 0


def test_export_errors(tmp_path, capsys):
    project = tmp_path / "empty.zhagen"
    zhagen.Project.create(project).close()
    code, _, err = run(capsys, "export-qdc", project, tmp_path / "c.qdc")
    assert code == 1 and "codebook is empty" in err
    code, _, err = run(capsys, "export-qdpx", project, tmp_path / "p.qdpx", "--coder", "甲")
    assert code == 1 and "no coder named" in err
    code, _, err = run(capsys, "import-qdpx", tmp_path / "x.qdpx", project, "--coder-map", "bad")
    assert code == 1 and "OLD=NEW" in err
    code, _, err = run(capsys, "export-qdpx", project, tmp_path / "no" / "such" / "p.qdpx")
    assert code == 1 and "cannot write" in err and "无法写入" in err
    code, out, err = run(capsys, "export-qdpx", project, tmp_path / "empty.qdpx")
    assert code == 0 and "documents 0" in out, err
