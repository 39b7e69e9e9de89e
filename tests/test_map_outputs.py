"""``--outputs``: a map writes exactly the files asked for, and imports only what they need.

The map's computation and its tables come first; figures (matplotlib), the workbook
(openpyxl) and the rest are written, and their libraries imported, only when chosen
(``zhagen.report.mapfiles.MAP_OUTPUTS``, ``zhagen map --outputs``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.examples import tiny_map
from zhagen.report.mapfiles import MAP_OUTPUTS, chosen_outputs, write_map

ROOT = Path(__file__).resolve().parents[1]
ALL = [f for out in MAP_OUTPUTS if out.name != "entities" for f in out.files]


@pytest.fixture(scope="module")
def km():
    return tiny_map()


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        ("csv", ["nodes.csv", "edges.csv", "clusters.csv", "bursts.csv", "themes.csv"]),
        ("json", ["summary.json"]),
        ("csv,json", ["nodes.csv", "edges.csv", "clusters.csv", "bursts.csv", "summary.json",
                      "themes.csv"]),
        ("png", ["map.png", "timeline.png", "bursts.png", "timezone.png", "overlay.png",
                 "density.png", "thematic_map.png"]),
        ("svg", ["map.svg", "timezone.svg"]),
        ("docx", ["tables.docx"]),
        (["html", "xlsx"], ["tables.xlsx", "map.html"]),
        ("graphml,gexf,net", ["network.graphml", "network.gexf", "network.net"]),
        ("vosviewer", ["vosviewer_map.txt", "vosviewer_network.txt"]),
        ("timeline,map.svg", ["map.svg", "timeline.png"]),
        (["bursts", "cluster"], ["map.png", "map.svg", "bursts.png"]),
        ("all", ALL),
        (None, ALL),
    ],
)
def test_exactly_the_chosen_files(km, tmp_path: Path, outputs, expected: list[str]) -> None:
    out = tmp_path / "map"
    paths = write_map(km, out, outputs=outputs)
    assert [p.name for p in paths] == expected  # in the order of MAP_OUTPUTS
    assert sorted(os.listdir(out)) == sorted(expected)
    assert all(p.stat().st_size > 0 for p in paths)


def test_same_bytes_whatever_else_is_written(km, tmp_path: Path) -> None:
    """A file written alone is the file written with every other (same map)."""
    alone = write_map(km, tmp_path / "a", outputs="csv,json,net,html")
    every = {p.name: p for p in write_map(km, tmp_path / "b")}
    for p in alone:
        if p.name == "map.html":  # holds nothing that depends on the other files either
            assert p.read_text(encoding="utf-8") == every[p.name].read_text(encoding="utf-8")
        else:
            assert p.read_bytes() == every[p.name].read_bytes(), p.name


@pytest.mark.parametrize("bad", ["pdf", "csv,doc", ["png", "gif"], ",", []])
def test_unknown_output_is_refused_in_both_languages(bad, km, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as err:
        write_map(km, tmp_path / "m", outputs=bad)
    assert "未知的输出" in err.value.zh and "unknown output" in err.value.en
    assert "csv" in err.value.en  # says what may be chosen
    assert not (tmp_path / "m").exists()  # nothing written before the check


def test_words_are_kinds_names_and_files() -> None:
    chosen = chosen_outputs(["PNG", " map.svg "])  # case and spaces ignored
    assert chosen == {"cluster": ("map.png", "map.svg"), "timeline": ("timeline.png",),
                      "bursts": ("bursts.png",), "timezone": ("timezone.png",),
                      "overlay": ("overlay.png",), "density": ("density.png",),
                      "thematic": ("thematic_map.png",)}  # fmt: skip


def test_write_options_declared_once() -> None:
    import zhagen

    [opt] = zhagen.MAP_WRITE_OPTIONS
    assert opt.name == "outputs" and opt.option == "--outputs" and opt.default == ("all",)
    opt.check(opt.convert("csv,json"))
    with pytest.raises(ParameterError):
        opt.check(opt.convert("csv,pdf"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real project: records with keywords and years (written here)."""
    from zhagen.project import Project

    folder = tmp_path_factory.mktemp("outputs")
    lines = []
    words = ["新质生产力", "科技创新", "数字经济", "高质量发展", "产业升级", "创新联合体"]
    for i in range(40):
        kws = ";".join(words[(i + k) % len(words)] for k in range(3))
        lines += ["RT Journal Article", f"T1 标题{i} 新质生产力与科技创新", f"A1 作者{i % 7}",
                  f"YR {2018 + i % 6}", f"K1 {kws}", f"JF 期刊{i % 3}", ""]  # fmt: skip
    export = folder / "export.txt"
    export.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    path = folder / "p.zhagen"
    with Project.create(path) as p:
        p.add(export)
    return path


CHILD = """
import json, sys
from zhagen.cli import main
rc = main(["map", sys.argv[1], "--out", sys.argv[2], "--min-freq", "1", "--outputs", sys.argv[3]])
heavy = ["matplotlib", "openpyxl", "scipy.spatial", "scipy.sparse.csgraph", "scipy.sparse.linalg",
         "networkx", "docx", "zhagen.coding.api", "zhagen.queries", "zhagen.reports",
         "zhagen.suggest.api"]
print(json.dumps({"rc": rc, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _run_cli(project: Path, out: Path, outputs: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-c", CHILD, str(project), str(out), outputs],
                       capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_csv_only_map_imports_no_figure_or_workbook_library(project: Path, tmp_path: Path) -> None:
    """In a fresh process, ``zhagen map --outputs csv,json`` never loads matplotlib or
    openpyxl, nor scipy's graph and eigensolver modules (a map of a few components solves
    them densely) nor the project's coding, query and report nouns, and writes the tables
    and the summary only."""
    res = _run_cli(project, tmp_path / "m", "csv,json")
    assert res == {"rc": 0, "loaded": []}
    assert sorted(os.listdir(tmp_path / "m")) == sorted(
        ["nodes.csv", "edges.csv", "clusters.csv", "bursts.csv", "summary.json", "themes.csv"]
    )
    summary = json.loads((tmp_path / "m" / "summary.json").read_text(encoding="utf-8"))
    assert summary["records"] == 40


def test_cli_outputs_png_loads_matplotlib_only_then(project: Path, tmp_path: Path) -> None:
    res = _run_cli(project, tmp_path / "m", "timeline")
    assert res["rc"] == 0 and "matplotlib" in res["loaded"] and "openpyxl" not in res["loaded"]
    assert os.listdir(tmp_path / "m") == ["timeline.png"]


def test_cli_unknown_output_fails_before_building(project: Path, tmp_path: Path, capsys) -> None:
    from zhagen.cli import main

    rc = main(["map", str(project), "--out", str(tmp_path / "m"), "--outputs", "csv,pdf"])
    err = capsys.readouterr().err
    assert rc == 1 and "pdf" in err and ("未知的输出" in err or "unknown output" in err)
    assert not (tmp_path / "m").exists()
