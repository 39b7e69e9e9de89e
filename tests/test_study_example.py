"""The worked study of examples/study on the real corpora in ../shared, on a reduced set.

The literature export is cut to its first records (written to tmp_path under its own file
name, so that the study's set queries hold) and the slowest steps (the institution map, the
timeline, the word cloud, the REFI-QDA export) are left out, so that the test stays short;
everything else is the example's own study file and coding: one project, two sets.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from zhagen.study import load_study, run_study
from zhagen.study.tomlw import dumps

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "study"
KEPT = ("attributes", "sets", "stats", "keywords", "tables", "saturation",
        "agreement", "matrix")  # fmt: skip


def test_example_study_file_is_valid(corpora: Path) -> None:
    study = load_study(EXAMPLE / "study.toml")
    assert {s.kind.name for s in study.steps} >= {"map", "tables", "saturation", "agreement"}
    assert all(i.sha256 for i in study.inputs)
    assert len(study.projects) == 1  # one project: the literature and coding sets in it
    scoped = {s.name: s.scope for s in study.steps}
    assert {s.params.get("nodes") for s in study.steps if s.kind.name == "map"} == {
        "keyword", "institution"}  # fmt: skip
    assert scoped["keywords"] == scoped["stats"] == "set:literature"
    assert scoped["tables"] == scoped["saturation"] == scoped["agreement"] == "set:coding"


def test_example_runs_on_a_reduced_set(corpora: Path, tmp_path: Path) -> None:
    doc = tomllib.loads((EXAMPLE / "study.toml").read_text(encoding="utf-8"))
    for name in ("codebook.csv", "coding.csv", "thesaurus.txt", "userdict.txt"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    literature = corpora / "cnki" / "refworks_2024_298.txt"
    records = literature.read_bytes().split(b"\r\n\r\n")
    (tmp_path / literature.name).write_bytes(b"\r\n\r\n".join(records[:60]) + b"\r\n\r\n")
    for item in doc["inputs"]:
        if Path(item["path"]).name == literature.name:
            item["path"], item["sha256"] = literature.name, None
        else:
            item["path"] = str((EXAMPLE / item["path"]).resolve())
    doc["steps"] = {k: v for k, v in doc["steps"].items() if k in KEPT}
    path = tmp_path / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")

    first = run_study(path)
    assert first.ran == list(KEPT)
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    coding = manifest["projects"][0]["coding"]
    assert coding["coders"] == ["乙", "甲"] and coding["codings"] == 28
    assert coding["codes_per_level"] == {"1": 6, "2": 4, "3": 2, "4": 1}
    built = {i["path"]: i["records"] for i in manifest["build"]["inputs"]}
    assert built[literature.name] == 60
    out = tmp_path / "out"
    sets = {
        s["name"]: s for s in json.loads((out / "sets" / "sets.json").read_text("utf-8"))["sets"]
    }
    assert 0 < sets["literature"]["count"] <= 60 and sets["seeds"]["count"] == 4
    assert sets["coding"]["count"] == 4 + sets["reports_sample"]["count"]
    assert not set(sets["literature"]["documents"]) & set(sets["coding"]["documents"])
    stats = json.loads((out / "stats" / "stats.json").read_text("utf-8"))
    assert stats["records"]["value"] == sets["literature"]["count"]  # duplicates left out
    keywords = json.loads((out / "keywords" / "summary.json").read_text("utf-8"))
    assert keywords["records"] <= sets["literature"]["count"] and keywords["nodes"] > 0
    tables = json.loads((out / "tables" / "tables.json").read_text("utf-8"))
    assert tables["chain"].count("→") == 4 and tables["level_problems"] == []
    pooled = (out / "agreement" / "agreement_pooled.csv").read_text("utf-8-sig")
    assert "kappa" in pooled
    assert run_study(path).ran == []  # nothing changed: nothing runs
    # run again by force: the same bytes
    saturation = (out / "saturation" / "saturation.json").read_bytes()
    assert run_study(path, force=["saturation"]).ran == ["saturation"]
    assert (out / "saturation" / "saturation.json").read_bytes() == saturation
