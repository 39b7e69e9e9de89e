"""The thematic map (Callon centrality and density, quadrants) against a hand computation
and an independent recomputation on a real map; thematic evolution between periods."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import zhagen
from zhagen.biblio.thematic import evolution_links, strategic_diagram


def test_callon_by_hand():
    # Keywords a, b, c in theme 0; d, e in theme 1; f in theme 2.
    occ = {"a": 4, "b": 4, "c": 2, "d": 5, "e": 5, "f": 1}
    links = [("a", "b", 4), ("a", "c", 2), ("d", "e", 5), ("c", "d", 1), ("b", "f", 1)]
    cluster = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 2}
    themes = {t.cluster: t for t in strategic_diagram(cluster, occ, links)}
    # e(a,b) = 16/16 = 1; e(a,c) = 4/8 = 0.5; e(d,e) = 25/25 = 1; e(c,d) = 1/10 = 0.1;
    # e(b,f) = 1/4 = 0.25.
    # theme 0: inside 1.5 over 3 keywords -> D = 50; outside 0.1 + 0.25 -> C = 3.5
    # theme 1: inside 1 over 2 -> D = 50; outside 0.1 -> C = 1
    # theme 2: inside 0 -> D = 0; outside 0.25 -> C = 2.5
    assert (themes[0].centrality, themes[0].density) == (pytest.approx(3.5), pytest.approx(50.0))
    assert (themes[1].centrality, themes[1].density) == (pytest.approx(1.0), pytest.approx(50.0))
    assert (themes[2].centrality, themes[2].density) == (pytest.approx(2.5), pytest.approx(0.0))
    # medians: C 2.5, D 50 -> 0 motor (3.5, 50), 1 niche (1, 50), 2 basic (2.5 >= 2.5, 0 < 50)
    assert [themes[c].quadrant for c in (0, 1, 2)] == ["motor", "niche", "basic"]
    assert [themes[c].keywords for c in (0, 1, 2)] == [3, 2, 1]
    assert [themes[c].occurrences for c in (0, 1, 2)] == [10, 10, 1]


def test_all_four_quadrants():
    occ = dict.fromkeys("abcdefgh", 2)
    cluster = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 2, "f": 2, "g": 3, "h": 3}
    links = [("a", "b", 2), ("c", "d", 2), ("e", "f", 1), ("g", "h", 1),  # dense: 0, 1
             ("a", "g", 2), ("b", "h", 2), ("a", "e", 1)]  # fmt: skip
    q = {t.cluster: t.quadrant for t in strategic_diagram(cluster, occ, links)}
    assert q == {0: "motor", 1: "niche", 2: "emerging", 3: "basic"}


def test_inclusion_index_by_hand():
    periods = [("p1", {0: {"a", "b", "c", "d"}, 1: {"x"}}), ("p2", {0: {"a", "b"}, 1: {"c", "y", "z"}}),
               ("p3", {0: {"q"}})]  # fmt: skip
    links = evolution_links(periods)
    got = {(k.source_period, k.source, k.target): (k.shared, k.inclusion) for k in links}
    # {a,b,c,d} ∩ {a,b} = 2 / min(4, 2) = 1; {a,b,c,d} ∩ {c,y,z} = 1 / 3
    assert got == {(0, 0, 0): (2, 1.0), (0, 0, 1): (1, pytest.approx(0.3333, abs=1e-4))}


@pytest.fixture(scope="module")
def cnki(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    project = zhagen.Project.create(tmp_path_factory.mktemp("thematic") / "p.zhagen")
    project.add([corpora / "cnki" / "refworks_2024_298.txt"])
    yield project
    project.close()


def test_thematic_map_recomputed_on_a_real_map(cnki):
    """Centrality and density recomputed from the map's nodes and edges with pandas."""
    from zhagen.report.thematic_figures import map_themes

    km = cnki.maps.build(record=False)
    nodes = km.nodes.set_index("id")
    e = km.edges.copy()
    e["ci"] = nodes.loc[e["source"], "frequency"].to_numpy()
    e["cj"] = nodes.loc[e["target"], "frequency"].to_numpy()
    e["a"] = nodes.loc[e["source"], "cluster"].to_numpy()
    e["b"] = nodes.loc[e["target"], "cluster"].to_numpy()
    e["eq"] = e["count"] ** 2 / (e["ci"] * e["cj"])
    themes = map_themes(km)
    assert len(themes) == km.nodes["cluster"].nunique()
    for t in themes:
        size = int((nodes["cluster"] == t.cluster).sum())
        inside = e.loc[(e["a"] == t.cluster) & (e["b"] == t.cluster), "eq"].sum()
        out = e.loc[(e["a"] == t.cluster) != (e["b"] == t.cluster), "eq"].sum()
        assert t.density == pytest.approx(100 * inside / size, abs=1e-3)
        assert t.centrality == pytest.approx(10 * out, abs=1e-3)
    assert {t.quadrant for t in themes} <= {"motor", "niche", "emerging", "basic"}


def test_evolution_on_real_periods(cnki, tmp_path):
    evo = cnki.maps.evolution([2018, 2022]).evolution
    assert [p.name for p in evo.periods] == ["2010–2017", "2018–2021", "2022–2024"]
    # each period's themes are the clusters of a map built on those years alone
    km = cnki.maps.build(record=False, years=(2018, 2021))
    want = {}
    for label, c in zip(km.nodes["label"], km.nodes["cluster"], strict=True):
        if c >= 0:
            want.setdefault(int(c), set()).add(label)
    assert {c: set(v) for c, v in evo.periods[1].keywords.items()} == want
    for link in evo.links:
        u = evo.periods[link.source_period].keywords[link.source]
        v = evo.periods[link.target_period].keywords[link.target]
        assert link.shared == len(u & v) > 0
        assert link.inclusion == pytest.approx(len(u & v) / min(len(u), len(v)), abs=1e-4)
        assert link.target_period == link.source_period + 1
    files = cnki.maps.evolution([2018, 2022]).write(tmp_path)
    assert [f.name for f in files] == ["evolution.png", "evolution.csv"]


def test_evolution_cli_and_bad_cuts(cnki, tmp_path):
    ok = subprocess.run([sys.executable, "-m", "zhagen", "evolution", cnki.path, "--cuts", "2018",
                         "--out", str(tmp_path / "e")], capture_output=True, text=True,
                        encoding="utf-8")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "2010–2017" in ok.stdout and (tmp_path / "e" / "evolution.png").stat().st_size > 20_000
    bad = subprocess.run([sys.executable, "-m", "zhagen", "evolution", cnki.path, "--cuts", "1990",
                          "--out", str(tmp_path / "f")], capture_output=True, text=True,
                         encoding="utf-8")  # fmt: skip
    assert bad.returncode == 1
    assert "2011–2024" in bad.stderr and "cut years" in bad.stderr


def test_thematic_map_labels_every_theme_without_overlap(cnki):
    import itertools

    import matplotlib
    import matplotlib.text

    from zhagen.report.fonts import cjk_rc
    from zhagen.report.thematic_figures import draw_thematic_map

    km = cnki.maps.build(record=False)
    with matplotlib.rc_context(cjk_rc()):
        fig = draw_thematic_map(km)
        fig.canvas.draw()  # places each annotation's text at its offset
        renderer = fig.canvas.get_renderer()
        # the text's own box (an Annotation's extent also holds its leader line)
        texts = [(t.get_text(), matplotlib.text.Text.get_window_extent(t, renderer))
                 for t in fig.axes[0].texts]  # fmt: skip
    labelled = {int(t.split()[0][1:]) for t, _ in texts if t.startswith("#")}
    assert labelled == {int(c) for c in km.nodes["cluster"] if c >= 0}
    for (ta, a), (tb, b) in itertools.combinations(texts, 2):
        assert not a.overlaps(b), f"{ta!r} overlaps {tb!r}"
