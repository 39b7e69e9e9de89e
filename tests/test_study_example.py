"""The worked study of examples/study on the real corpora in ../shared, on a reduced set.

The literature export is cut to its first records (written to tmp_path) and the slowest
steps (the author map, the timeline, the word cloud, the REFI-QDA export) are left out, so
that the test stays short; everything else is the example's own study file and coding.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from zhagen.study import load_study, run_study
from zhagen.study.tomlw import dumps

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "study"
KEPT = ("keywords", "tables", "saturation", "agreement", "matrix")


def test_example_study_file_is_valid(corpora: Path) -> None:
    study = load_study(EXAMPLE / "study.toml")
    assert {s.kind.name for s in study.steps} >= {"map", "tables", "saturation", "agreement"}
    assert all(i.sha256 for i in study.inputs)
    assert len(study.projects) == 2  # the literature set and the coding set


def test_example_runs_on_a_reduced_set(corpora: Path, tmp_path: Path) -> None:
    doc = tomllib.loads((EXAMPLE / "study.toml").read_text(encoding="utf-8"))
    for name in ("codebook.csv", "coding.csv", "thesaurus.txt", "userdict.txt"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    literature = corpora / "cnki" / "refworks_2024_298.txt"
    records = literature.read_bytes().split(b"\r\n\r\n")
    (tmp_path / "lit.txt").write_bytes(b"\r\n\r\n".join(records[:60]) + b"\r\n\r\n")
    for item in doc["inputs"]:
        if item.get("project") == "literature.zhagen":
            item["path"], item["sha256"] = "lit.txt", None
        else:
            item["path"] = str((EXAMPLE / item["path"]).resolve())
    doc["steps"] = {k: v for k, v in doc["steps"].items() if k in KEPT}
    path = tmp_path / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")

    first = run_study(path)
    assert first.ran == list(KEPT)
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    coding = next(p for p in manifest["projects"] if p["path"] == "coding.zhagen")["coding"]
    assert coding["coders"] == ["乙", "甲"] and coding["codings"] == 28
    assert coding["codes_per_level"] == {"1": 6, "2": 4, "3": 2, "4": 1}
    built = {i["path"]: i["records"] for i in manifest["build"]["inputs"]}
    assert built["lit.txt"] == 60
    keywords = json.loads((tmp_path / "out" / "keywords" / "summary.json").read_text("utf-8"))
    assert keywords["records"] <= 60 and keywords["nodes"] > 0  # the literature set only
    tables = json.loads((tmp_path / "out" / "tables" / "tables.json").read_text("utf-8"))
    assert tables["chain"].count("→") == 4 and tables["level_problems"] == []
    pooled = (tmp_path / "out" / "agreement" / "agreement_pooled.csv").read_text("utf-8-sig")
    assert "kappa" in pooled
    assert run_study(path).ran == []  # nothing changed: nothing runs
