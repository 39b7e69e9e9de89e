"""The small coding commands stay light: no pandas (nor any other heavy library), no import
machinery and no analysis parameters loaded (issue 14: each took 1.3–3.2 s, 0.9 s of it
importing pandas). Not a timing test: it checks what a fresh process imported, which is what
the time was spent on; ``bench/cli.py`` times the commands."""

from __future__ import annotations

import json
import subprocess
import sys

import zhagen

HEAVY = ["pandas", "numpy", "scipy", "rjieba", "opencc", "matplotlib", "fastapi", "openpyxl"]
#: Modules a coding command has no use for (what they declare or do is for other commands).
NOT_NEEDED = ["zhagen.ingest", "zhagen.suggest.llm.api", "zhagen.text.terms", "zhagen.coding.saturation",
              "zhagen.report.tables", "zhagen.formats"]  # fmt: skip

SCRIPT = """
import json, sys
from zhagen.cli import main
project, csv_file = sys.argv[1], sys.argv[2]
codes = [
    main(["code", "add", project, "人才培养"]),
    main(["code", "add", project, "新概念", "--parent", "创新主体"]),
    main(["coding", "add", project, "1", "0", "2", "人才培养", "--coder", "甲"]),
    main(["coding", "sentences", project, "1", "人才培养", "1", "2"]),
    main(["coding", "add", project, "--from", csv_file]),
    main(["undo", project]),
]
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def test_coding_commands_import_nothing_heavy(tmp_path):
    (tmp_path / "a.txt").write_text("企业是创新主体。高校培养人才。", encoding="utf-8")
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(tmp_path / "a.txt")
        p.codes.add("创新主体", level=2)
    csv_file = tmp_path / "b.csv"
    csv_file.write_text("document,sentence,code\n1,2,创新主体\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(csv_file)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0, 0, 0, 0], out.stdout
    loaded = set(result["modules"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert not loaded & set(NOT_NEEDED), sorted(loaded & set(NOT_NEEDED))
    with zhagen.open(path) as p:  # the commands did their work
        assert len(p.codings()) == 3 and "新概念" in set(p.codes()["name"])


def test_every_command_is_in_its_declared_group() -> None:
    # `zhagen X` builds only X's group (cli.commands.GROUPS); the table must say where each
    # command of the whole parser is registered, or that command would lose its options.
    import argparse
    import importlib

    from zhagen.cli import build_parser, commands

    full = build_parser()
    [sub] = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == set(commands.GROUPS)
    for command, group in commands.GROUPS.items():
        alone = argparse.ArgumentParser().add_subparsers()
        if group is None:
            commands._register_core(alone)
        else:
            importlib.import_module(f"zhagen.cli.{group}").register(alone)
        assert command in alone.choices, (command, group)
        only = build_parser(command)
        assert command in only._subparsers._group_actions[0].choices


IMPORT_SCRIPT = """
import json, sys
from zhagen.cli import main
project, folder = sys.argv[1], sys.argv[2]
codes = [main(["new", project]), main(["add", project, folder, "--workers", "1"])]
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def test_new_and_add_load_no_analysis_parameters(tmp_path) -> None:
    # `zhagen add` declared the options of every command (map, statistics, queries,
    # suggestions…) before importing a file: ~0.3 s of imports on every small import.
    (tmp_path / "a.txt").write_text("企业是创新主体。高校培养人才。", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, str(tmp_path / "p.zhagen"),
                          str(tmp_path / "a.txt")], capture_output=True, text=True, check=True)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0], out.stdout
    loaded = set(result["modules"])
    others = ["zhagen.biblio.stats", "zhagen.suggest.llm.params", "zhagen.cli.map_commands",
              "zhagen.cli.stats_commands", "zhagen.cli.query_commands", "zhagen.coding.saturation",
              "zhagen.report.tables", "zhagen.cli.coding_commands"]  # fmt: skip
    assert not loaded & set(others), sorted(loaded & set(others))
