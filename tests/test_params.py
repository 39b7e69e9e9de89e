"""Parameters declared once (``zhagen.params``): the map's declaration makes the command-line
options, the web form and its validation, the library's check and ``Project.map``'s
signature; a parameter added there (``min_cluster_size``) reaches all of them."""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from web_support import assert_error, client, session
from zhagen import MAP_RUN_OPTIONS, MapParams
from zhagen.cli import main
from zhagen.cli.options import add_options, given
from zhagen.errors import ParameterError
from zhagen.mapping import MapInput, build_map
from zhagen.mapping.cluster import merge_small
from zhagen.mapping.links import LINK_METHODS
from zhagen.mapping.prune import PRUNE_METHODS
from zhagen.params import Param, check, make, spec


@pytest.fixture(scope="module")
def project(cnki_example_project: Path) -> Path:
    return cnki_example_project


# ------------------------------------------------------------------ the declaration


def test_every_map_field_is_declared_with_choices_from_the_algorithms() -> None:
    names = [f.name for f in dataclasses.fields(MapParams)]
    assert [p.name for p in spec(MapParams)] == names
    by_name = {p.name: p for p in spec(MapParams)}
    assert by_name["link"].choices == LINK_METHODS
    assert by_name["prune"].choices == PRUNE_METHODS
    assert {p.name for p in spec(MapParams) if p.group} == {"top", "top_percent", "g_index"}
    for p in spec(MapParams):
        assert (
            p.label_zh
            and p.label_en
            and p.kind in ("int", "float", "str", "bool", "path", "years", "scope")
        )
        assert getattr(MapParams(), p.name) == p.default


@pytest.mark.parametrize(
    ("values", "message"),
    [({"slice": 0}, "slice"), ({"top_percent": 150}, "top_percent"), ({"link": "pearson"}, "link"),
     ({"years": (2020, 2010)}, "years"), ({"top": 5, "g_index": 2}, "exactly one"),
     ({"top": None, "g_index": None}, "exactly one"), ({"burst_s": 1}, "burst_s"), ({"min_cluster_size": 0}, "min_cluster_size")],
)  # fmt: skip
def test_check_names_the_parameter_in_both_languages(values: dict, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        check(MapParams(**values))
    assert message in err.value.en and err.value.zh and err.value.zh != err.value.en


def test_make_converts_text_and_applies_the_exclusive_group() -> None:
    p = make(MapParams, {"top_percent": "5", "years": "2000-2010", "slice": "2"})
    assert (p.top, p.top_percent, p.years, p.slice) == (None, 5.0, (2000, 2010), 2)
    assert make(MapParams, {"g_index": 2}).top is None
    # CiteSpace's default since issue 13: g-index with k = 25 (it was top 50)
    assert (make(MapParams, {}).top, make(MapParams, {}).g_index) == (None, 25.0)
    assert make(MapParams, {"top": "50"}).g_index is None
    with pytest.raises(ParameterError) as err:
        make(MapParams, {"colour": "red"})
    assert "colour" in err.value.en and "colour" in err.value.zh
    with pytest.raises(ParameterError):
        make(MapParams, {"slice": "two"})


def test_convert_refuses_what_is_not_of_the_type() -> None:
    years = Param("years", "years", None, "年份范围", "year range")
    assert years.convert([2001, 2003]) == (2001, 2003) and years.convert("2005") == (2005, 2005)
    n = Param("n", "int", 1, "数", "n")
    for bad in ("1.5", 1.5, True, "x", [1]):
        with pytest.raises(ParameterError):
            n.convert(bad)
    assert n.convert("") is None and n.convert(" 7 ") == 7


def test_cli_options_are_the_declaration() -> None:
    parser = argparse.ArgumentParser()
    add_options(parser, spec(MapParams) + MAP_RUN_OPTIONS)
    dests = {a.dest for a in parser._actions} - {"help"}
    # the scope is one parameter offered twice: --where QUERY and --set NAME (set:NAME)
    assert dests == {p.name for p in spec(MapParams) + MAP_RUN_OPTIONS} | {"scope_set"}
    args = parser.parse_args(["--set", "文献 集", "--where", "year:2020"])
    assert given(args, spec(MapParams)) == {"scope": 'set:"文献 集" (year:2020)'}
    with pytest.raises(SystemExit):
        parser.parse_args(["--where", "year:20x0"])
    args = parser.parse_args(["--g-index", "2", "--years", "2001-2005", "--keep-duplicates"])
    assert given(args, spec(MapParams) + MAP_RUN_OPTIONS) == {
        "g_index": 2.0,
        "years": (2001, 2005),
        "keep_duplicates": True,
    }
    for bad in (["--top", "5", "--g-index", "2"], ["--slice", "0"], ["--link", "pearson"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)


def test_api_signature_is_the_declaration() -> None:
    from zhagen.project import Maps, Project

    for build in (Maps.build, Project.map):  # the noun and its flat alias
        sig = inspect.signature(build)
        for p in spec(MapParams):
            assert sig.parameters[p.name].default == p.default
    for p in spec(MapParams):
        assert p.name in Maps.build.__doc__


# ------------------------------------------------------------------ min_cluster_size


def _input(seed: int, n: int = 300, vocab: int = 60) -> MapInput:
    rng = np.random.default_rng(seed)
    words = [f"词{k}" for k in range(vocab)]
    p = 1.0 / np.arange(1, vocab + 1) ** 0.7
    p /= p.sum()
    terms = [sorted(set(rng.choice(words, size=rng.integers(1, 5), p=p).tolist()))
             for _ in range(n)]  # fmt: skip
    return MapInput(list(range(n)), [2015 + k % 6 for k in range(n)], terms)


def test_merge_small_against_counting_by_hand() -> None:
    rng = np.random.default_rng(3)
    labels = np.sort(rng.integers(0, 12, size=80))
    sizes = Counter(labels.tolist())
    for min_size in (1, 3, 7, 100):
        merged, other = merge_small(labels, min_size)
        kept = [c for c in sorted(sizes) if sizes[c] >= min_size]
        expect = [kept.index(c) if c in kept else len(kept) for c in labels.tolist()]
        assert merged.tolist() == expect
        assert other == (len(kept) if len(kept) < len(sizes) else None)


@pytest.mark.parametrize("min_size", [2, 4])
def test_min_cluster_size_in_a_map(min_size: int) -> None:
    inp = _input(7)
    base = build_map(inp, MapParams(min_freq=1, top=40, resolution=2.0))
    km = build_map(inp, MapParams(min_freq=1, top=40, resolution=2.0, min_cluster_size=min_size))
    before = base.nodes["cluster"].to_numpy()
    sizes = Counter(before.tolist())
    small = {c for c, s in sizes.items() if s < min_size}
    assert small, "the fixture must have small clusters"
    after = km.nodes["cluster"].to_numpy()
    other = km.summary["other_cluster"]
    assert other == len(sizes) - len(small) == int(after.max())
    # the nodes of small clusters, and only they, are in "other"; the rest keep their partition
    assert set(np.flatnonzero(after == other)) == set(np.flatnonzero(np.isin(before, list(small))))
    big = ~np.isin(before, list(small))
    assert len(set(zip(before[big].tolist(), after[big].tolist(), strict=True))) == len(
        set(before[big].tolist())
    )
    assert (km.clusters["size"].iloc[:-1] >= min_size).all()
    assert km.summary["params"]["min_cluster_size"] == min_size
    # modularity recomputed on the merged partition, as networkx computes it; standard Q
    # (resolution 1) whatever the resolution Leiden ran at (issue 13), the objective apart
    g = nx.Graph()
    g.add_nodes_from(range(len(km.nodes)))
    g.add_weighted_edges_from(km.edges[["source", "target", "strength"]].itertuples(index=False))
    parts = [set(np.flatnonzero(after == c).tolist()) for c in range(other + 1)]
    q = nx.community.modularity(g, parts, weight="weight")
    assert km.summary["modularity"] == pytest.approx(q, abs=1e-6)
    q2 = nx.community.modularity(g, parts, weight="weight", resolution=2.0)
    assert km.summary["quality_at_resolution"] == pytest.approx(q2, abs=1e-6)


def test_min_cluster_size_default_changes_nothing() -> None:
    inp = _input(11)
    a = build_map(inp, MapParams(min_freq=1))
    b = build_map(inp, MapParams(min_freq=1, min_cluster_size=1))
    assert a.nodes.equals(b.nodes) and "other_cluster" not in a.summary


# ------------------------------------------------------------------ it reaches every face


def _clusters_csv(folder: Path) -> list[int]:
    import csv

    with open(folder / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        return [int(row["cluster"]) for row in csv.DictReader(fh)]


def test_min_cluster_size_reaches_cli_api_and_web(project: Path, tmp_path: Path) -> None:
    from zhagen.project import Project

    out = tmp_path / "map"
    assert main(["map", str(project), "--out", str(out), "--min-cluster-size", "3"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["params"]["min_cluster_size"] == 3
    with pytest.raises(SystemExit):  # refused by the declared bound before anything runs
        main(["map", str(project), "--out", str(out), "--min-cluster-size", "0"])
    with Project.open(project) as p:
        km = p.map(min_cluster_size=3, record=False)
    assert km.nodes["cluster"].tolist() == _clusters_csv(out)
    sizes = Counter(_clusters_csv(out))
    last = max(sizes)
    assert all(n >= 3 for c, n in sizes.items() if c != last)
    with client(project) as c:
        session(c)
        form = c.get("/api/maps/params").json()
        assert set(form) == {p.name for p in spec(MapParams) + MAP_RUN_OPTIONS if p.web}
        assert form["min_cluster_size"]["low"] == 1 and form["min_cluster_size"]["label_en"]
        assert "thesaurus" not in form  # a server path is never a form field
        assert_error(c.post("/api/maps", json={"min_cluster_size": 0}), 400, "parameter")
        assert_error(c.post("/api/maps", json={"top": 5, "g_index": 2}), 400, "parameter")
        r = c.post("/api/maps", json={"min_cluster_size": "3", "years": ""})
        assert r.status_code == 200, r.text
        detail = c.get(f"/api/maps/{r.json()['run']}").json()
        assert detail["summary"]["params"]["min_cluster_size"] == 3
        col = detail["nodes"]["columns"].index("cluster")
        assert [int(row[col]) for row in detail["nodes"]["rows"]] == _clusters_csv(out)


# ------------------------------------------------------------------ the other analyses


def test_saturation_and_agreement_options_are_their_declarations(capsys) -> None:
    from zhagen import AgreementParams, SaturationParams
    from zhagen.cli import build_parser
    from zhagen.coding.agreement import UNITS

    parser = build_parser()
    args = parser.parse_args(["saturation", "p.zhagen", "--holdout", "25%", "--type", "document"])
    assert given(args, spec(SaturationParams)) == {"holdout": "25%", "types": ["document"]}
    with pytest.raises(SystemExit):  # checked by the declared validator (parse_fraction)
        parser.parse_args(["saturation", "p.zhagen", "--holdout", "1.5"])
    assert "holdout" in capsys.readouterr().err
    assert spec(AgreementParams)[0].choices == UNITS
    args = parser.parse_args(
        ["agreement", "p.zhagen", "--coders", "甲", "乙", "--unit", "sentence"]
    )
    assert given(args, spec(AgreementParams)) == {"unit": "sentence"}
    with pytest.raises(ParameterError):
        check(make(SaturationParams, {"holdout": "0"}))
    assert make(SaturationParams, {"types": "document, record"}).types == ["document", "record"]


def test_terms_and_tables_options_are_their_declarations() -> None:
    from zhagen import TablesParams, TermsParams
    from zhagen.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["terms", "p.zhagen", "--min-freq", "5", "--type", "document"])
    assert given(args, spec(TermsParams)) == {"min_freq": 5, "types": ["document"]}
    with pytest.raises(SystemExit):  # the declared bound
        parser.parse_args(["terms", "p.zhagen", "--top", "0"])
    args = parser.parse_args(["tables", "p.zhagen", "--out", "t", "--trace"])
    assert given(args, spec(TablesParams)) == {"trace": True}
    assert make(TablesParams, given(args, spec(TablesParams))) == TablesParams(trace=True)
