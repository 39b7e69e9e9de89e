"""Every command with ``--format json|csv`` prints exactly one well-formed document: stdout
parses whole with ``json.loads`` (or the csv module, one header and rows of its width), with
nothing printed before or after it (issue 12: saturation printed text around its JSON)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

import zhagen
from zhagen.cli import build_parser, main
from zhagen.demo_coding import run_coding

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: Extra arguments of each command with --format (after the project); a command that gains
#: --format must be added here (the test below finds them all from the parser).
EXTRA = {
    ("docs",): [],
    ("docs", "--problems"): [],
    ("docs", "--duplicates"): [],
    ("terms",): ["--top", "20"],
    ("code", "list"): [],
    ("code", "list", "--tree"): [],
    ("coding", "list"): [],
    ("coding", "list", "--context"): ["--code", "政策支持", "--context", "5"],
    ("coding", "cooccurrence"): [],
    ("coding", "matrix"): [],
    ("memo", "list"): [],
    ("relation", "list"): [],
    ("search",): ["创新"],
    ("saturation",): ["--holdout", "1/3", "--seed", "2"],
    ("agreement",): ["--coders", "研究者A", "研究者B"],
    ("suggest",): ["--from-coder", "研究者A"],
    ("suggest", "--evaluate"): ["--from-coder", "研究者A"],
    ("query", "words"): ["--top", "20"],
    ("query", "search"): ["--query", "创新"],
    ("query", "matrix"): ["--columns", "source"],
    ("query", "framework"): [],
    ("query", "cooccurrence"): [],
    ("set", "list"): [],
    ("set", "show"): ["编码过"],
    ("attr", "show"): [],
    ("stats",): [],
}


#: Commands with --format json that need a language model endpoint: their JSON is checked
#: against a local test server in tests/test_llm_project.py.
NEEDS_ENDPOINT = {("suggest-llm",)}


def _with_format(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command words) of every sub-command whose --format offers json."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _with_format(child, (*path, name))
        elif "--format" in action.option_strings and "json" in (action.choices or ()):
            yield path


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("formats") / "p.zhagen"
    with zhagen.Project.create(path) as project:
        project.add([EXAMPLES / "docs", EXAMPLES / "bad"])  # bad: problems to list
        run_coding(project)
        codes = project.codes.frame()["id"].tolist()
        project.memos.add("code", codes[0], "备忘：一行\n第二行, with a comma")
        project.relations.add(codes[1], codes[2], "因果条件", description="测试")
        project.sets.create("编码过", query="coded:yes")
    return str(path)


def test_every_command_with_json_is_listed():
    commands = {p for p in _with_format(build_parser())} - NEEDS_ENDPOINT
    assert commands == {k for k in EXTRA if not any(w.startswith("--") for w in k)}


def _argv(key: tuple[str, ...], project: str, fmt: str) -> list[str]:
    words = [w for w in key if not w.startswith("--")]
    flags = [w for w in key if w.startswith("--") and w != "--context"]
    return [*words, project, *flags, *EXTRA[key], "--format", fmt]


@pytest.mark.parametrize("lang", ["zh", "both"])
@pytest.mark.parametrize("key", list(EXTRA), ids=lambda k: " ".join(k))
def test_json_is_one_document(coded, key, lang, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", lang)
    assert main(_argv(key, coded, "json")) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # the whole of stdout, or this raises
    assert isinstance(doc, list | dict)
    assert doc or key == ("docs", "--duplicates")  # the examples hold no duplicate
    if key == ("saturation",):
        assert {"verdict_zh", "verdict_en", "holdout", "uncoded_holdout", "new", "counts"} <= set(
            doc
        )
        assert doc["holdout"] and isinstance(doc["counts"], list)


# a tree and the many tables of stats have no one-table CSV form (they offer table|json)
@pytest.mark.parametrize("key", [k for k in EXTRA if k not in (("code", "list", "--tree"), ("stats",))],
                         ids=lambda k: " ".join(k))  # fmt: skip
def test_csv_is_one_table(coded, key, capsys):
    assert main(_argv(key, coded, "csv")) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) >= (1 if key == ("docs", "--duplicates") else 2), out[:300]
    width = len(rows[0])
    assert width >= 2 and all(len(r) == width for r in rows), out[:300]
    if key == ("saturation",):
        sections = {r[0] for r in rows[1:]}
        assert {"verdict", "holdout", "counts"} <= sections
        verdict = next(r for r in rows[1:] if r[0] == "verdict")
        assert any(v.startswith(("理论饱和", "未达到", "尚无法判断")) for v in verdict)
