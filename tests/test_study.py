"""study.toml, ``zhagen run`` (skipping, manifest, determinism), ``--check`` and ``study init``.

The studies here are written by the tests (texts, code book and coding CSV in tmp_path); the
worked example on ../shared is in tests/test_study_example.py.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from zhagen.cli import main
from zhagen.errors import InputError
from zhagen.study import init_study, load_study, run_study
from zhagen.study.spec import key_lines, sha256_file
from zhagen.study.tomlw import dumps

TEXTS = {
    "a.txt": "科技创新是发展新质生产力的核心要素。要整合科技资源，加快关键核心技术攻关。"
    "数字经济推动产业体系升级。新型举国体制发挥重要作用。",
    "b.txt": "培育战略性新兴产业和未来产业。产业链供应链自主可控能力提升。"
    "加快数字化转型，推动科技创新与产业创新深度融合。",
    "c.txt": "区域协同创新布局不断优化。整合科技资源，强化企业科技创新主体地位。"
    "数字经济核心产业增加值占比提高。",
    "d.txt": "人才是第一资源。加强拔尖创新人才培养，推动教育科技人才一体发展。"
    "未来产业布局加快，新质生产力稳步发展。",
}
CODEBOOK = """code,parent,level,description
核心,,4,核心范畴
资源,核心,3,
产业,核心,3,
技术攻关,资源,2,
新兴产业,产业,2,
整合资源,技术攻关,1,
举国体制,技术攻关,1,
未来产业,新兴产业,1,
数字化,新兴产业,1,
"""
CODING = """document,sentence,code,coder
a,2,整合资源,甲
a,3,数字化,甲
a,4,举国体制,甲
b,1,未来产业,甲
b,3,数字化,甲
c,2,整合资源,甲
d,3,未来产业,甲
a,2,整合资源,乙
a,3,未来产业,乙
a,4,举国体制,乙
b,1,未来产业,乙
"""


def _study(folder: Path, *, words_top: int = 20, with_map: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    data.mkdir(exist_ok=True)
    for name, text in TEXTS.items():
        (data / name).write_text(text, encoding="utf-8")
    (folder / "codebook.csv").write_text(CODEBOOK, encoding="utf-8")
    (folder / "coding.csv").write_text(CODING, encoding="utf-8")
    (folder / "userdict.txt").write_text("新质生产力\n未来产业\n", encoding="utf-8")
    steps: dict[str, dict] = {
        "terms": {"kind": "terms", "params": {"top": 10, "min_freq": 2}},
        "words": {"kind": "words", "files": ["words.csv"], "params": {"top": words_top}},
        "tables": {"kind": "tables", "params": {"coder": "甲"}},
        "saturation": {"kind": "saturation", "params": {"holdout": "1/4", "seed": 3, "coder": "甲"}},
        "agreement": {"kind": "agreement", "coders": ["甲", "乙"], "params": {"unit": "sentence"}},
        "matrix": {"kind": "matrix", "files": ["m.csv", "m.xlsx", "m.svg"],
                   "params": {"columns": "source"}},
        "framework": {"kind": "framework"},
        "cooccurrence": {"kind": "cooccurrence", "files": ["c.csv", "c.xlsx"]},
        "export": {"kind": "export-qdpx", "file": "coding.qdpx"},
    }  # fmt: skip
    if with_map:
        steps["terms_map"] = {"kind": "map", "params": {"field": "terms", "nodes": "term",
                                                         "top": 15, "min_freq": 1}}  # fmt: skip
    doc = {
        "study": {"name": "测试", "project": "coding.zhagen", "out": "out"},
        "import": {"workers": 1},
        "inputs": [{"path": f"data/{n}", "sha256": sha256_file(data / n)} for n in TEXTS],
        "lexicon": {"dictionaries": ["userdict.txt"]},
        "coding": {"codebook": "codebook.csv", "from": ["coding.csv"]},
        "steps": steps,
    }
    path = folder / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")
    # the coding CSV names documents by title: a txt file's title is its first line here
    return path


def _fix_titles(path: Path) -> None:
    """Rewrite the coding CSV with the titles the import gave the documents."""
    import zhagen

    study = load_study(path)
    with zhagen.open(str(study.project)) as p:
        titles = {Path(d.source).stem: d.title for d in p.documents.find().items}
    lines = (path.parent / "coding.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]] + [titles[line.split(",")[0]] + line[line.index(",") :] for line in lines[1:]]
    (path.parent / "coding.csv").write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.fixture()
def study_path(tmp_path: Path) -> Path:
    path = _study(tmp_path / "s")
    # build the project once without coding to learn the titles, then name them in the CSV
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    coding = doc.pop("coding")
    steps = doc.pop("steps")
    path.write_text(dumps(doc), encoding="utf-8")
    run_study(path)
    _fix_titles(path)
    doc["coding"], doc["steps"] = coding, steps
    path.write_text(dumps(doc), encoding="utf-8")
    return path


# -- the file -----------------------------------------------------------------------------
def _error(tmp_path: Path, text: str) -> InputError:
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_study(path)
    return caught.value


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    err = _error(tmp_path, '[study]\nproject = "p.zhagen"\n\n[steps.k]\nkind = "map"\ncolour = 1\n')
    assert err.line == 6
    assert "colour" in err.zh and "colour" in err.en and err.file.endswith("study.toml")


def test_bad_parameter_is_checked_by_its_declaration(tmp_path: Path) -> None:
    text = '[study]\nproject = "p.zhagen"\n[steps.k]\nkind = "map"\n[steps.k.params]\nnodes = "x"\nprune = "planar"\n'
    err = _error(tmp_path, text)
    assert err.line == 6  # the first bad one
    assert "nodes" in err.en and "must be one of" in err.en and "只能是" in err.zh


def test_unknown_parameter_kind_and_missing_project(tmp_path: Path) -> None:
    err = _error(
        tmp_path, '[study]\nproject = "p"\n[steps.k]\nkind = "words"\nparams = { topp = 3 }\n'
    )
    assert err.line == 5 and "topp" in err.en
    err = _error(tmp_path, '[study]\nproject = "p"\n[steps.k]\nkind = "mapp"\n')
    assert err.line == 4 and "mapp" in err.en and "map" in err.en
    err = _error(tmp_path, '[study]\nname = "x"\n')
    assert err.line == 1 and "project" in err.en


def test_syntax_error_and_exclusive_group(tmp_path: Path) -> None:
    err = _error(tmp_path, '[study]\nproject = "p"\nname = \n')
    assert err.line == 3
    err = _error(tmp_path, '[study]\nproject = "p"\n[steps.k]\nkind = "map"\n'
                 "[steps.k.params]\ntop = 5\ng_index = 3.0\n")  # fmt: skip
    assert err.line == 5 and "exactly one" in err.en


def test_missing_input_and_changed_input(tmp_path: Path) -> None:
    err = _error(tmp_path, '[study]\nproject = "p"\n\n[[inputs]]\npath = "nope.txt"\n')
    assert err.line == 5 and "nope.txt" in err.en
    (tmp_path / "a.txt").write_text("一句话。", encoding="utf-8")
    path = tmp_path / "study.toml"
    path.write_text(f'[study]\nproject = "p.zhagen"\n[[inputs]]\npath = "a.txt"\nsha256 = "{"0" * 64}"\n',
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError) as caught:
        run_study(path)
    assert caught.value.line == 4 and "sha256" in caught.value.en


def test_key_lines_dotted_and_arrays() -> None:
    lines = key_lines('a.b = 1\n[x."y z"]\nk = 2\n[[t]]\nv = 1\n[[t]]\nv = 2\n')
    assert lines[("a", "b")] == 1 and lines[("x", "y z", "k")] == 3 and lines[("t", 1, "v")] == 7


def test_writer_round_trips() -> None:
    data = {"study": {"name": "引号\"与\\反斜杠\n换行", "n": 3, "x": 1.5, "ok": False},
            "steps": {"中文名": {"kind": "map", "params": {"years": [2000, 2020]}}},
            "inputs": [{"path": "a"}, {"path": "b"}]}  # fmt: skip
    assert tomllib.loads(dumps(data)) == data


# -- running --------------------------------------------------------------------------------
def _outputs(out: Path, manifest: dict) -> dict[str, bytes]:
    return {rel: (out / rel).read_bytes() for rel in manifest["outputs"]}


def test_run_is_reproducible_and_skips_what_did_not_change(
    study_path: Path, tmp_path: Path
) -> None:
    first = run_study(study_path)
    assert sorted(first.ran) == sorted(s.name for s in load_study(study_path).steps)
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    out = study_path.parent / "out"
    for rel, sha in manifest["outputs"].items():  # the recorded hashes are the files'
        assert sha256_file(out / rel) == sha
    assert manifest["projects"][0]["coding"]["codings"] == 11
    assert manifest["projects"][0]["coding"]["coders"] == ["乙", "甲"]
    assert {s["name"]: s["seeds"] for s in manifest["steps"]}["saturation"] == {"seed": 3}
    assert "pandas" in manifest["dependencies"] and manifest["zhagen"]
    assert {i["sha256"] for i in manifest["inputs"]} == {
        sha256_file(p) for p in (study_path.parent / "data").iterdir()}  # fmt: skip

    # a second build from nothing (new project files, another folder): the same bytes,
    # except the REFI-QDA export, whose GUIDs and coding times belong to its project file
    study = load_study(study_path)
    other = {p: tmp_path / "other" / p.name for p in study.projects}
    second = run_study(study_path, out=tmp_path / "other" / "out", project_paths=other)
    a, b = _outputs(out, manifest), _outputs(tmp_path / "other" / "out", second.data)
    assert a.keys() == b.keys()
    differ = sorted(k for k in a if a[k] != b[k])
    assert differ == ["export/coding.qdpx"]

    # run again: nothing changed, nothing runs; forced, the same bytes again (the export too)
    again = run_study(study_path)
    assert again.ran == []
    forced = run_study(study_path, force=["all"])
    assert _outputs(out, forced.data) == a

    # one parameter changed: only that step runs
    _study(study_path.parent, words_top=7)
    _fix_titles(study_path)
    changed = run_study(study_path)
    assert changed.ran == ["words"]
    assert len((out / "words" / "words.csv").read_text(encoding="utf-8-sig").splitlines()) == 8


def test_coding_change_reruns_coding_steps_only(study_path: Path) -> None:
    run_study(study_path)
    with open(study_path.parent / "coding.csv", "a", encoding="utf-8") as f:
        f.write(f"{_title(study_path, 'c')},3,数字化,甲\n")
    after = run_study(study_path)
    coding_steps = {"tables", "saturation", "agreement", "matrix", "framework", "cooccurrence",
                    "export"}  # fmt: skip
    assert set(after.ran) == coding_steps
    assert after.data["projects"][0]["coding"]["codings"] == 12


def _title(study_path: Path, stem: str) -> str:
    import zhagen

    with zhagen.open(str(load_study(study_path).project)) as p:
        return next(d.title for d in p.documents.find().items if Path(d.source).stem == stem)


def test_force_unknown_step_and_missing_output(study_path: Path) -> None:
    run_study(study_path)
    with pytest.raises(Exception) as caught:
        run_study(study_path, force=["nope"])
    assert "nope" in str(caught.value)
    (study_path.parent / "out" / "tables" / "coding_tables.xlsx").unlink()
    assert run_study(study_path).ran == ["tables"]


def test_cli_run_and_check(study_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--lang", "en", "run", str(study_path)]) == 0
    printed = capsys.readouterr().out
    assert "words" in printed and "steps ran" in printed
    scratch = tmp_path / "scratch"
    assert main(["--lang", "en", "run", str(study_path), "--check", "--scratch", str(scratch)]) == 0
    assert "match the record" in capsys.readouterr().out
    # an output edited by hand is reported, exit code 1
    table = study_path.parent / "out" / "agreement" / "agreement_pooled.csv"
    table.write_text(table.read_text(encoding="utf-8-sig") + "x\n", encoding="utf-8")
    assert main(["--lang", "en", "run", str(study_path), "--check", "--scratch", str(scratch)]) == 1
    assert "agreement/agreement_pooled.csv" in capsys.readouterr().out


def test_unsupported_kind_is_a_clear_error(tmp_path: Path) -> None:
    """A kind whose library feature this zhagen lacks is refused before it runs half."""
    import zhagen
    from zhagen.study.steps import KINDS, StepKind, register

    ran: list[str] = []
    register(StepKind("needs-x", "需要 x", "needs x", lambda *a: ran.append("x") or [],
                      loose=True, requires="reports.no_such_feature"))  # fmt: skip
    path = tmp_path / "study.toml"
    try:
        path.write_text('[study]\nproject = "p.zhagen"\n[steps.x]\nkind = "needs-x"\n',
                        encoding="utf-8")  # fmt: skip
        with pytest.raises(zhagen.ZhagenError) as caught:
            run_study(path)
    finally:
        KINDS.pop("needs-x")
    assert "reports.no_such_feature" in caught.value.en and "step x" in caught.value.en
    assert "功能" in caught.value.zh and ran == []


def test_suggestion_evaluation_is_a_step(tmp_path: Path) -> None:
    """``suggest-evaluate`` measures the learner against a coder and writes the same
    numbers as ``project.suggestions.evaluate`` (same seed), without the run id."""
    import zhagen
    from zhagen.demo_coding import run_coding

    examples = Path(__file__).resolve().parents[1] / "examples" / "docs"
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        p.add([examples])
        run_coding(p)
        want = p.suggestions.evaluate(from_coder="研究者A", seed=1)
    path = tmp_path / "study.toml"
    path.write_text('[study]\nproject = "p.zhagen"\n[steps.eval]\nkind = "suggest-evaluate"\n'
                    '[steps.eval.params]\nfrom_coder = "研究者A"\nseed = 1\n', encoding="utf-8")  # fmt: skip
    run_study(path)
    (found,) = tmp_path.rglob("evaluation.json")
    got = json.loads(found.read_text(encoding="utf-8"))
    assert "run" not in got
    assert got["kappa"] == pytest.approx(want["kappa"]) and got["n_test"] == want["n_test"]
    assert got["macro_f1"] == pytest.approx(want["macro_f1"])


def test_init_writes_a_study_that_runs(study_path: Path, tmp_path: Path) -> None:
    import zhagen

    run_study(study_path)
    study = load_study(study_path)
    with zhagen.open(str(study.project)) as p:
        p.maps.build(field="terms", nodes="term", top=12, min_freq=1, link="jaccard")
        written = init_study(p, tmp_path / "init" / "study.toml")
    again = load_study(written)
    assert [i.sha256 for i in again.inputs] == [sha256_file(i.path) for i in study.inputs]
    assert again.project == study.project
    maps = [s for s in again.steps if s.kind.name == "map"]
    assert any(s.params.get("link") == "jaccard" and s.params.get("top") == 12 for s in maps)
    assert any(s.kind.name == "agreement" and s.options["coders"] == ["甲", "乙"]
               for s in again.steps)  # fmt: skip
    assert main(["study", "init", str(study.project), "--out", str(written)]) == 1  # exists


def test_progress_draws_only_on_a_terminal() -> None:
    import io

    from zhagen.cli.study_commands import Progress
    from zhagen.study import Event

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown, hidden = Terminal(), io.StringIO()
    for out in (shown, hidden):
        progress = Progress(out)
        progress(Event("start", "keywords", 1, 2))
        progress(Event("done", "keywords", 1, 2, seconds=1.25))
        progress(Event("skip", "tables", 2, 2))
        progress.close()
    assert hidden.getvalue() == ""
    assert "[1/2] keywords" in shown.getvalue() and "1.2s" in shown.getvalue()
    assert "[2/2] tables" in shown.getvalue()


def test_unlisted_sources_are_reported(study_path: Path, tmp_path: Path) -> None:
    import zhagen

    extra = tmp_path / "extra.txt"
    extra.write_text("一个研究文件没有列出的文件。", encoding="utf-8")
    with zhagen.open(str(load_study(study_path).project)) as p:
        p.add(extra)
    result = run_study(study_path)
    assert result.data["build"]["unlisted_sources"] == [f"coding.zhagen: {extra}"]
    assert "words" in result.ran  # the documents changed: what reads them runs again


def test_coding_from_a_refi_qda_export(study_path: Path, tmp_path: Path) -> None:
    run_study(study_path)
    exported = study_path.parent / "out" / "export" / "coding.qdpx"
    folder = tmp_path / "from_qdpx"
    folder.mkdir()
    path = folder / "study.toml"
    path.write_text(
        dumps({"study": {"project": "q.zhagen"}, "coding": {"qdpx": str(exported)},
               "steps": {"tables": {"kind": "tables"},
                         "agreement": {"kind": "agreement", "coders": ["甲", "乙"]}}}),
        encoding="utf-8",
    )  # fmt: skip
    first = run_study(path)
    assert first.ran == ["tables", "agreement"]
    assert first.data["build"]["coding"]["qdpx"] == "imported"
    assert first.data["projects"][0]["coding"]["codings"] == 11
    assert first.data["build"]["unlisted_sources"] == []
    again = run_study(path)  # read once: the same codings, nothing runs
    assert again.data["build"]["coding"]["qdpx"] == "already coded" and again.ran == []
