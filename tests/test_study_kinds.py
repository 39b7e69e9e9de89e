"""The study step kinds that change the project or read its records: ``sets``,
``attributes`` and ``stats`` (idempotent re-runs, fingerprints, scopes).

The files are written by the tests: four short texts and a three-record RefWorks export.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import zhagen
from zhagen.errors import InputError
from zhagen.study import load_study, run_study
from zhagen.study.tomlw import dumps

TEXTS = {
    "a.txt": "科技创新是发展新质生产力的核心要素。要整合科技资源。",
    "b.txt": "培育战略性新兴产业和未来产业。推动科技创新与产业创新深度融合。",
    "c.txt": "区域协同创新布局不断优化。数字经济核心产业增加值占比提高。",
}
REFWORKS = """RT Journal Article
SR 1
A1 张三;李四
AD 清华大学经济管理学院;北京大学
T1 新质生产力的理论内涵
JF 管理世界
YR 2023
K1 新质生产力;科技创新
AB 本文讨论新质生产力的理论内涵。

RT Journal Article
SR 1
A1 张三;王五
AD 清华大学经济管理学院
T1 数字经济与新质生产力
JF 中国工业经济
YR 2024
K1 数字经济;新质生产力
AB 本文讨论数字经济与新质生产力。

RT Journal Article
SR 1
A1 赵六
AD 复旦大学
T1 未来产业的培育路径
JF 管理世界
YR 2024
K1 未来产业;科技创新
AB 本文讨论未来产业。

"""


def _write(folder: Path, steps: dict, table: str | None = None) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (data / name).write_text(text, encoding="utf-8")
    (data / "lit.txt").write_text(REFWORKS.replace("\n", "\r\n"), encoding="utf-8")
    if table is not None:
        (folder / "attrs.csv").write_text(table, encoding="utf-8")
    doc = {
        "study": {"project": "p.zhagen"},
        "import": {"workers": 1},
        "inputs": [{"path": f"data/{n}"} for n in [*TEXTS, "lit.txt"]],
        "steps": steps,
    }
    path = folder / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")
    return path


SETS = {
    "kind": "sets",
    "params": {
        "literature": {"query": "source:lit.txt", "description": "知网导出"},
        "coding": {"query": "not set:literature"},
        "picked": {"titles": ["数字经济与新质生产力"]},
    },
}


def _sets(out: Path) -> dict[str, dict]:
    data = json.loads((out / "sets" / "sets.json").read_text(encoding="utf-8"))
    return {s["name"]: s for s in data["sets"]}


def test_sets_are_made_once_and_scope_later_steps(tmp_path: Path) -> None:
    steps = {"sets": SETS,
             "lit_terms": {"kind": "words", "scope": "set:literature", "files": ["w.csv"],
                           "params": {"top": 5}}}  # fmt: skip
    path = _write(tmp_path, steps)
    first = run_study(path)
    assert first.ran == ["sets", "lit_terms"]
    made = _sets(tmp_path / "out")
    assert made["literature"]["count"] == 3 and made["coding"]["count"] == 3
    assert made["literature"]["kind"] == "query" and made["literature"]["description"] == "知网导出"
    assert made["picked"]["kind"] == "static" and made["picked"]["count"] == 1
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert p.scope("set:literature").count == 3
        assert p.documents.get(made["picked"]["documents"][0])["title"] == "数字经济与新质生产力"
        history = len(p.history(None))

    assert run_study(path).ran == []  # nothing changed: nothing runs
    forced = run_study(path, force=["sets"])  # run again by force: changes nothing
    assert forced.ran == ["sets"]
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert len(p.history(None)) == history
    assert _sets(tmp_path / "out") == made

    # a set edited by hand since the run: the step runs and puts it back
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        p.sets.redefine("literature", "source:a.txt")
    again = run_study(path)
    assert again.ran[0] == "sets"
    assert _sets(tmp_path / "out")["literature"]["count"] == 3


def test_changing_a_set_query_reruns_the_set_and_what_it_scopes(tmp_path: Path) -> None:
    steps = {"sets": SETS,
             "lit_words": {"kind": "words", "scope": "set:literature", "files": ["w.csv"]},
             "all_words": {"kind": "words", "files": ["w.csv"]},
             "in_params": {"kind": "words", "files": ["w.csv"],
                           "params": {"scope": "set:literature"}}}  # fmt: skip
    path = _write(tmp_path, steps)
    first = run_study(path)
    fingerprints = {s["name"]: s["fingerprint"] for s in first.data["steps"]}
    changed = json.loads(json.dumps(steps))
    changed["sets"]["params"]["literature"]["query"] = "source:lit.txt year:2024"
    _write(tmp_path, changed)
    second = run_study(path)
    assert second.ran == ["sets", "lit_words", "in_params"]  # the unscoped step reads no set
    after = {s["name"]: s["fingerprint"] for s in second.data["steps"]}
    assert after["sets"] != fingerprints["sets"] and after["lit_words"] != fingerprints["lit_words"]
    assert after["all_words"] == fingerprints["all_words"]
    assert _sets(tmp_path / "out")["literature"]["count"] == 2
    # a static set made a query set in the study: made anew
    changed["sets"]["params"]["picked"] = {"query": "year:2023"}
    _write(tmp_path, changed)
    run_study(path)
    assert {k: _sets(tmp_path / "out")["picked"][k] for k in ("kind", "count")} == {
        "kind": "query", "count": 1}  # fmt: skip
    # one that another set's query names cannot be: a clear error naming both
    changed["sets"]["params"]["literature"] = {"documents": [1]}
    _write(tmp_path, changed)
    with pytest.raises(zhagen.ZhagenError) as caught:
        run_study(path)
    assert "literature" in caught.value.en and "coding" in caught.value.en
    assert "步骤 sets" in caught.value.zh


def test_bad_set_is_an_error_naming_its_line(tmp_path: Path) -> None:
    bad = {"kind": "sets", "params": {"ok": {"query": "type:journal"},
                                      "lit": {"query": "year:20x5"}}}  # fmt: skip
    path = _write(tmp_path, {"sets": bad})
    with pytest.raises(InputError) as caught:
        load_study(path)
    assert "lit" in caught.value.en and "year" in caught.value.en
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "lit" in lines[caught.value.line - 1]
    path = _write(tmp_path, {"sets": {"kind": "sets", "params": {"x": {"titles": "一篇"}}}})
    with pytest.raises(InputError) as caught:
        load_study(path)
    assert "titles" in caught.value.en and "标题" in caught.value.zh
    path = _write(tmp_path, {"sets": {"kind": "sets", "scope": "type:journal",
                                      "params": {"x": {"query": "type:journal"}}}})  # fmt: skip
    with pytest.raises(zhagen.ZhagenError) as caught:
        run_study(path)
    assert "takes no scope" in caught.value.en
    path = _write(tmp_path, {"sets": {"kind": "sets", "params": {"x": {"titles": ["没有这篇"]}}}})
    with pytest.raises(zhagen.ZhagenError) as caught:
        run_study(path)
    assert "没有这篇" in caught.value.en and "0 documents" in caught.value.en


def test_attributes_defined_filled_and_imported(tmp_path: Path) -> None:
    steps = {
        "attrs": {"kind": "attributes",
                  "params": {"define": ["地区:choice=东部|西部", "发布日期:date"],
                             "fill_from_fields": True, "table": "attrs.csv"}},
        "east": {"kind": "words", "scope": "attr:地区=东部", "files": ["w.csv"]},
    }  # fmt: skip
    table = "title,地区,页数\n新质生产力的理论内涵,东部,12\n未来产业的培育路径,西部,8\n没有这篇,东部,1\n"
    path = _write(tmp_path, steps, table)
    first = run_study(path)
    assert first.ran == ["attrs", "east"]
    done = json.loads((tmp_path / "out" / "attrs" / "attributes.json").read_text("utf-8"))
    assert done["filled"]["year"] == 3 and done["filled"]["source"] == 6
    assert done["table"]["file"] == "attrs.csv" and done["table"]["values"] == 4
    assert done["table"]["defined"] == ["页数"] and len(done["table"]["problems"]) == 1
    assert "没有这篇" in done["table"]["problems"][0]
    kinds = {a["name"]: a["type"] for a in done["attributes"]}
    assert kinds["地区"] == "choice" and kinds["发布日期"] == "date" and kinds["页数"] == "int"
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert p.scope("attr:地区=东部").count == 1 and p.scope("attr:页数").count == 2

    assert run_study(path).ran == []
    # the table's content is an input: a changed table re-runs the step and its users
    _write(tmp_path, steps, table.replace("西部,8", "东部,8"))
    assert run_study(path).ran == ["attrs", "east"]
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert p.scope("attr:地区=东部").count == 2


def test_stats_scoped_to_a_set(tmp_path: Path) -> None:
    steps = {"sets": SETS, "stats": {"kind": "stats", "scope": "set:literature",
                                     "params": {"top": 5}}}  # fmt: skip
    path = _write(tmp_path, steps)
    first = run_study(path)
    assert first.ran == ["sets", "stats"]
    names = sorted(Path(rel).name for rel in first.data["outputs"] if rel.startswith("stats/"))
    assert "stats.json" in names and "stats_tables.docx" in names and "annual_output.png" in names
    stats = json.loads((tmp_path / "out" / "stats" / "stats.json").read_text(encoding="utf-8"))
    text = json.dumps(stats, ensure_ascii=False)
    assert stats["records"]["value"] == 3 and "张三" in text
    with zhagen.open(str(tmp_path / "p.zhagen")) as p:
        assert p.stats(scope="set:literature").stats.records == 3
    assert run_study(path).ran == []


def test_init_writes_the_sets_first(tmp_path: Path) -> None:
    from zhagen.study import init_study

    path = _write(tmp_path / "a", {"sets": SETS})
    run_study(path)
    with zhagen.open(str(tmp_path / "a" / "p.zhagen")) as p:
        p.maps.build(field="terms", nodes="term", top=5, min_freq=1, scope="set:coding")
        written = init_study(p, tmp_path / "a" / "init.toml")
    again = load_study(written)
    assert again.steps[0].kind.name == "sets"
    assert again.steps[0].params["literature"] == SETS["params"]["literature"]
    assert again.steps[0].params["picked"] == {
        "documents": _sets(tmp_path / "a" / "out")["picked"]["documents"]
    }
    mapped = next(s for s in again.steps if s.kind.name == "map")
    assert mapped.scope == "set:coding" and "scope" not in mapped.params


def test_a_rerun_warns_of_an_uncoded_holdout_as_the_first_run() -> None:
    """A study re-run (``--check``, ``--force``) reuses the recorded hold-out: it must say
    what the first run said, or the outputs differ."""
    from zhagen.examples import tiny_project

    with tiny_project() as p:
        uncoded = [d for d in p.documents.ids() if not p.codings.frame()["document"].eq(d).any()]
        assert uncoded
        for seed in range(50):  # a draw whose hold-out holds the uncoded document
            first = p.reports.saturation(holdout="1/3", seed=seed, doc_ids=p.documents.ids())
            if first.warnings:
                break
        assert any("uncoded" in en for _zh, en in first.warnings)
        again = p.reports.saturation(holdout="1/3", seed=seed, doc_ids=p.documents.ids())
        assert again.holdout_docs == first.holdout_docs and again.warnings == first.warnings
