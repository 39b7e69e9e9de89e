"""``zhagen query ...``: options from the declarations, one well-formed document per format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from zhagen.cli import main
from zhagen.project import Project

TEXT = "企业是创新主体。政府提供政策支持，推动新质生产力发展。\n\n第二段讲创新联合体。"


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # messages in Chinese and English


@pytest.fixture()
def proj(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = str(tmp_path / "s.zhagen")
    assert main(["new", path]) == 0
    assert main(["add", path, str(tmp_path / "a.txt")]) == 0
    with Project.open(path) as p:
        code = p.codes.add("政策")
        p.codings.add(1, TEXT.index("政策"), TEXT.index("政策") + 4, code, coder="甲")
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_words_formats_are_one_document_each(proj: str, capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "query", "words", proj, "--top", "3", "--format", "json")
    doc = json.loads(out)  # exactly one document: json.loads refuses anything around it
    assert code == 0 and len(doc["rows"]) == 3 and "share" in doc["definitions"]
    _, out, _ = run(capsys, "query", "words", proj, "--min-length", "4", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["word", "count", "documents", "share", "similar"]
    assert all(len(r[0]) >= 4 for r in rows[1:]) and len(rows) > 1
    _, out, _ = run(capsys, "query", "words", proj, "--out", str(tmp_path / "c.png"))
    assert (tmp_path / "c.png").stat().st_size > 1000 and "occurrences" in out


def test_search_and_code_all_hits_then_undo(proj: str, capsys) -> None:
    _, out, _ = run(capsys, "query", "search", proj, "--query", "创新", "--format", "json")
    doc = json.loads(out)
    assert doc["total"] == TEXT.count("创新") and doc["hits"][0]["sentence"] == 1
    code, _, err = run(capsys, "query", "search", proj, "--query", "(", "--regex")
    assert code == 1 and "正则表达式" in err and "regular expression" in err
    code, out, _ = run(capsys, "query", "search", proj, "--query", "创新", "--code", "政策",
                       "--spread", "sentence", "--coder", "乙")  # fmt: skip
    assert code == 0 and "2" in out
    with Project.open(proj) as p:
        assert len(p.codings(coder="乙")) == 2
        p.undo()
        assert len(p.codings(coder="乙")) == 0


def test_matrix_framework_cooccurrence(proj: str, capsys, tmp_path: Path) -> None:
    _, out, _ = run(capsys, "query", "matrix", proj, "--columns", "source", "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [["code", "a.txt"], ["政策", "1"]]
    _, out, _ = run(capsys, "query", "matrix", proj, "--measure", "characters", "--format", "json")
    assert json.loads(out)["values"] == [[4]]
    _, out, _ = run(
        capsys, "query", "matrix", proj, "--cell", "政策", "document", "--format", "json"
    )
    assert [u["text"] for u in json.loads(out)["units"]] == ["政策支持"]
    with pytest.raises(SystemExit) as exit_:
        main(["query", "matrix", proj, "--measure", "words"])
    assert exit_.value.code == 2 and "measure" in capsys.readouterr().err
    _, out, _ = run(capsys, "query", "framework", proj, "--format", "json",
                    "--out", str(tmp_path / "fw.xlsx"))  # fmt: skip
    assert json.loads(out)["rows"][0]["cells"] == [["政策支持"]]
    assert (tmp_path / "fw.xlsx").exists()
    _, out, _ = run(capsys, "query", "cooccurrence", proj, "--format", "json")
    assert json.loads(out)["values"] == [[1]]
