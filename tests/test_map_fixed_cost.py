"""Issue 18: no fixed cost a map's chosen outputs do not need.

``zhagen map --outputs csv,json`` imports neither pandas nor matplotlib nor the segmenter
(its title phrases for cluster labels are stored in the project once), and the files it
writes from plain columns are byte for byte those the DataFrame path writes.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from zhagen.formats.spreadsheet import write_columns_csv, write_csv
from zhagen.mapping.cooccurrence import factorize
from zhagen.mapping.model import Table
from zhagen.report.mapfiles import WritableMap

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys
from zhagen.cli import main
rc = main(["map", sys.argv[1], "--out", sys.argv[2], "--outputs", sys.argv[3]])
heavy = ["pandas", "matplotlib", "jieba", "rjieba", "rjieba.rjieba", "openpyxl", "docx",
         "scipy.spatial", "numpy.f2py", "numpy.testing"]  # the last two: sparse_import
print(json.dumps({"rc": rc, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _run_cli(project: Path, out: Path, outputs: str = "csv,json") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-c", CHILD, str(project), str(out), outputs],
                       capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def real(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Projects of the real CNKI RefWorks and WoS exports."""
    from zhagen.project import Project

    folder = tmp_path_factory.mktemp("real")
    out = {}
    for name, rel in (("cnki", "cnki/refworks_2024_298.txt"),
                      ("wos", "wos/plaintext_344_fullrecord.txt")):  # fmt: skip
        out[name] = folder / f"{name}.zhagen"
        with Project.create(out[name]) as p:
            p.add(corpora / rel)
    return out


def test_csv_json_map_loads_no_pandas_matplotlib_or_segmenter(
    real: dict[str, Path], tmp_path: Path
) -> None:
    """The first map of a project tags its titles once (the segmenter is loaded, pandas
    is not); every later map reads the stored phrases and loads no segmenter, and writes
    the same bytes."""
    import shutil

    project = tmp_path / "cnki.zhagen"
    shutil.copy2(real["cnki"], project)
    first = _run_cli(project, tmp_path / "a")
    assert first["rc"] == 0 and "pandas" not in first["loaded"]
    assert "matplotlib" not in first["loaded"] and "openpyxl" not in first["loaded"]
    again = _run_cli(project, tmp_path / "b")
    assert again == {"rc": 0, "loaded": []}
    names = sorted(os.listdir(tmp_path / "a"))
    assert names == sorted(os.listdir(tmp_path / "b"))
    assert "clusters.csv" in names and "summary.json" in names
    for name in names:
        if name != "summary.json":  # holds the run's number
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_tables_and_html_load_no_figure_library(real: dict[str, Path], tmp_path: Path) -> None:
    """XLSX, the interactive map and the network files never load matplotlib (nor the
    convex hulls of the cluster view); a PNG never loads the workbook writers."""
    import shutil

    project = tmp_path / "cnki.zhagen"
    shutil.copy2(real["cnki"], project)
    tables = _run_cli(project, tmp_path / "a", "xlsx,html,graphml")
    assert tables["rc"] == 0 and "openpyxl" in tables["loaded"]
    assert not {"matplotlib", "scipy.spatial", "docx"} & set(tables["loaded"])
    assert sorted(os.listdir(tmp_path / "a")) == ["map.html", "network.graphml", "tables.xlsx"]
    figure = _run_cli(project, tmp_path / "b", "timeline")
    assert figure["rc"] == 0 and "matplotlib" in figure["loaded"]
    assert not {"openpyxl", "docx"} & set(figure["loaded"])
    assert os.listdir(tmp_path / "b") == ["timeline.png"]


def _frames(km: WritableMap) -> WritableMap:
    """The same map with every table a DataFrame: the path every file took before the
    tables were plain columns (``km`` itself is left as it is)."""
    held = km.fields()
    tables = ("nodes", "edges", "clusters", "bursts")
    assert all(isinstance(held[t], Table) for t in tables)
    return WritableMap(**{**held, **{t: held[t].frame() for t in tables}})


@pytest.mark.parametrize(
    ("corpus", "params"),
    [
        ("cnki", {}),
        ("cnki", {"nodes": "author"}),
        ("cnki", {"label_source": "keywords", "burst_terms": "all"}),
        ("wos", {}),
        ("wos", {"nodes": "institution"}),
    ],
)
def test_files_from_plain_columns_are_the_dataframe_files(
    real: dict[str, Path], corpus: str, params: dict, tmp_path: Path
) -> None:
    """Maps of the real exports: the tables, summary, network and VOSviewer files written
    from plain columns are byte for byte the files written from the DataFrames."""
    from zhagen.project import Project

    with Project.open(real[corpus]) as p:
        km = p.maps.build(record=False, **params)
    framed_map = _frames(km)
    plain = km.write(tmp_path / "plain", outputs="csv,json")
    assert all(isinstance(km.raw(t), Table) for t in ("nodes", "edges", "clusters", "bursts"))
    plain += km.write(tmp_path / "plain", outputs="graphml,gexf,net,vosviewer")
    framed = framed_map.write(tmp_path / "frames", outputs="csv,json,graphml,gexf,net,vosviewer")
    assert sorted(f.name for f in plain) == sorted(f.name for f in framed)
    assert len(plain) >= 10
    for f in plain:
        assert f.read_bytes() == (tmp_path / "frames" / f.name).read_bytes(), f.name
    nodes = (tmp_path / "plain" / "nodes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(nodes) == km.summary["nodes"] + 1


def test_stored_title_phrases_give_the_labels_the_segmenter_gives(real: dict[str, Path]) -> None:
    """Cluster labels from stored title phrases equal those from tagging every title, and
    phrases stored under another segmenter's fingerprint are never read."""
    from zhagen.map_input import known_title_phrases, map_input
    from zhagen.mapping import MapParams, build_map
    from zhagen.project import Project
    from zhagen.store.title_phrases import store_phrases

    with Project.open(real["cnki"]) as p:
        params = MapParams()
        inp = map_input(p.store, params, lambda: None)
        tagged = build_map(inp, params)  # no stored phrases: every title tagged here
        bogus = {t: ["伪造短语"] for t in inp.titles if t}
        store_phrases(p.store, "another-segmenter/title-phrases-0", bogus)
        km = p.maps.build(record=False)
        known = known_title_phrases(p.store, inp.titles)
    assert known is not None and len(known) == len({t for t in inp.titles if t})
    assert "伪造短语" not in {w for ph in known.values() for w in ph}
    assert km.column("clusters", "label_llr") == tagged.column("clusters", "label_llr")
    assert km.column("clusters", "label_mi") == tagged.column("clusters", "label_mi")
    assert any(" " not in lab and lab for lab in km.column("clusters", "label_llr"))


def _random_column(rng: random.Random, n: int) -> list:
    kind = rng.choice(["int", "int+none", "float", "float+nan", "text", "text+none", "none",
                       "mixed", "whole", "lists"])  # fmt: skip
    pick = {
        "int": lambda: rng.randint(-(10**6), 10**6),
        "int+none": lambda: rng.choice([None, rng.randint(0, 3000)]),
        "float": lambda: rng.random() * 10 ** rng.randint(-8, 18) * rng.choice([1, -1]),
        "float+nan": lambda: rng.choice([math.nan, None, rng.random(), 1e16, -0.0]),
        "text": lambda: rng.choice(["=1+1", "-1.5", "+x", "a,b", 'q"q', "行\n二", "", "@", "科技"]),
        "text+none": lambda: rng.choice([None, "新质生产力", "-", "x y"]),
        "none": lambda: None,
        "mixed": lambda: rng.choice([1, "a", 2.5, None]),
        "whole": lambda: rng.choice([2019.0, 3.0, None, math.nan]),
        "lists": lambda: [rng.randint(0, 9)],
    }[kind]
    return [pick() for _ in range(n)]


def test_plain_csv_is_the_pandas_csv_byte_for_byte(tmp_path: Path) -> None:
    """Random columns of every kind a map table holds (and worse): whatever
    ``write_columns_csv`` writes is what ``write_csv`` writes of ``pd.DataFrame``, with
    the ``whole`` columns tidied as ``tidy_table`` does; what it cannot promise it leaves."""
    import numpy as np
    import pandas as pd

    from zhagen.report.mapfiles import tidy_table

    rng = random.Random(18)
    written = 0
    for case in range(150):
        n = rng.randint(0, 6)
        cols = {f"c{k}": _random_column(rng, n) for k in range(rng.randint(1, 4))}
        if case % 3 == 0:
            cols["x"] = np.array([rng.random() for _ in range(n)])
            cols["id"] = range(n)
        whole = [c for c in cols if rng.random() < 0.5]
        names = {c: ("frequency" if c in whole else c) for c in cols}  # tidy's own column names
        cols = {names[c]: v for c, v in cols.items()}
        plain = write_columns_csv(cols, tmp_path / "plain.csv", crlf=True,
                                  whole=["frequency"])  # fmt: skip
        if plain is None:
            continue
        frame = pd.DataFrame(cols)
        if "frequency" in frame.columns:
            frame = tidy_table(frame)
        ref = write_csv(frame, tmp_path / "ref.csv", crlf=True)
        assert plain.read_bytes() == ref.read_bytes(), cols
        written += 1
    assert written > 100  # the plain path is the rule, not the exception


def test_factorize_is_pandas_factorize() -> None:
    import numpy as np
    import pandas as pd

    rng = random.Random(7)
    values = [rng.choice(["a", "b", "新", "", None, math.nan, "c"]) for _ in range(500)]
    codes, uniques = factorize(values)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    ref_codes, ref_uniques = pd.factorize(arr)
    assert codes.tolist() == ref_codes.tolist()
    assert uniques == ref_uniques.tolist()
    assert factorize([])[0].tolist() == [] and factorize([None])[0].tolist() == [-1]
