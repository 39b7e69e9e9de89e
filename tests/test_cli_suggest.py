"""``zhagen suggest`` (issue 15): run, list, evaluate, accept-above, accept/reject by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_suggest_learner import _make
from zhagen.cli import main
from zhagen.project import Project


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ZHAGEN_LANG", "both")
    _make(tmp_path, docs=24, coded=20).close()
    return str(tmp_path / "l.zhagen")


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)  # one JSON document, nothing else


def test_suggest_json_then_accept_and_reject_by_id(path: str, capsys) -> None:
    assert main(["suggest", path, "--from-coder", "甲", "--top", "2", "--format", "json"]) == 0
    doc = _json(capsys)
    rows = doc["suggestions"]
    assert rows and doc["accepted_codings"] == []
    assert {r["rank"] for r in rows} <= {1, 2} and min(r["sentence"] for r in rows) >= 1
    first, second = rows[0]["id"], rows[1]["id"]
    assert main(["suggest", "accept", path, str(first), "--coder", "甲", "--format", "json"]) == 0
    [coding] = _json(capsys)["codings"]
    assert main(["suggest", "reject", path, str(second)]) == 0
    assert "rejected" in capsys.readouterr().out
    with Project.open(path) as p:
        assert p.suggestions.provenance(coding).id == first
        assert p.suggestions.get(second).status == "rejected"
    assert main(["suggest", path, "--list", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,document,sentence,code,score,rank,source"
    assert str(first) not in {ln.split(",")[0] for ln in lines[1:]}


def test_accept_above_needs_an_evaluation(path: str, capsys) -> None:
    assert main(["suggest", path, "--from-coder", "甲", "--accept-above", "0.5"]) == 1
    assert "--evaluate" in capsys.readouterr().err
    with Project.open(path) as p:
        assert p.suggestions.list(status=None) == []  # refused before anything was stored
    assert main(["suggest", path, "--from-coder", "甲", "--evaluate", "--format", "json"]) == 0
    ev = _json(capsys)
    assert ev["kappa"] > 0.9 and [c["share"] for c in ev["curve"]] == [0.1, 0.25, 0.5]
    assert main(["suggest", path, "--from-coder", "甲", "--accept-above", "0.5",
                 "--format", "json"]) == 0  # fmt: skip
    accepted = _json(capsys)["accepted_codings"]
    with Project.open(path) as p:
        assert accepted and set(accepted) <= set(p.codings(coder="甲")["id"])


def test_evaluate_table_and_agreement_with_ai(path: str, capsys) -> None:
    assert main(["suggest", path, "--from-coder", "甲", "--evaluate"]) == 0
    out = capsys.readouterr().out
    assert "kappa" in out and "learning curve" in out
    assert main(["suggest", path, "--from-coder", "甲", "--coded", "--min-score", "0",
                 "--format", "csv"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["agreement", path, "--coders", "甲", "AI", "--unit", "sentence",
                 "--format", "json"]) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    pooled = [r for r in rows if r["code"] == "(pooled)"][0]
    assert pooled["kappa"] > 0.8


def test_bad_usage_is_a_clear_error(path: str, capsys) -> None:
    assert main(["suggest", "accept", path]) == 1
    assert "usage: zhagen suggest accept PROJECT ID" in capsys.readouterr().err
