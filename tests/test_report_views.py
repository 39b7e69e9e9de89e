"""The map views of issue 13 on a real CNKI map: time-zone, overlay, density, and the
cluster view's labels (no label on another, no cluster label inside another cluster)."""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zhagen
from zhagen.report.mapfiles import WritableMap


@pytest.fixture(scope="module")
def cnki_map(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> WritableMap:
    project = zhagen.Project.create(tmp_path_factory.mktemp("views") / "p.zhagen")
    project.add([corpora / "cnki" / "refworks_2024_298.txt"])
    km = project.maps.build(record=False)
    docs = project.documents()
    km.doc_years = {  # the records' years, read apart from the map, for the overlay check
        int(i): int(y) for i, y in zip(docs["id"], docs["year"], strict=True) if not pd.isna(y)
    }
    project.close()
    return km


def _text_boxes(ax, renderer):
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_visible()]


def test_cluster_map_labels_do_not_overlap(cnki_map):
    import matplotlib

    from zhagen.report.fonts import cjk_rc
    from zhagen.report.map_figures import draw_cluster_map

    with matplotlib.rc_context(cjk_rc()):
        fig = draw_cluster_map(cnki_map)
        ax = fig.axes[0]
        renderer = fig.canvas.get_renderer()
        boxes = _text_boxes(ax, renderer)
    clusters = [t for t, _ in boxes if t.startswith("#")]
    assert len(clusters) == len({int(n) for n in cnki_map.nodes["cluster"] if 0 <= n < 12})
    assert len(boxes) > 20
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{ta!r} overlaps {tb!r}"


def test_cluster_labels_stay_out_of_other_clusters(cnki_map):
    """No cluster label has a corner or its centre inside another cluster's hull."""
    import matplotlib
    from matplotlib.path import Path as MplPath
    from scipy.spatial import ConvexHull

    from zhagen.report.fonts import cjk_rc
    from zhagen.report.map_figures import draw_cluster_map

    with matplotlib.rc_context(cjk_rc()):
        fig = draw_cluster_map(cnki_map)
        ax = fig.axes[0]
        renderer = fig.canvas.get_renderer()
        labels = {
            int(t.split()[0][1:]): bb for t, bb in _text_boxes(ax, renderer) if t.startswith("#")
        }
        nodes = cnki_map.nodes
        hulls = {}
        for c in labels:
            pts = nodes.loc[nodes["cluster"] == c, ["x", "y"]].to_numpy(float)
            if len(pts) >= 3:  # the drawn hull: the convex hull, 12 % out from the centre
                hull = pts[ConvexHull(pts).vertices]
                hull = pts.mean(axis=0) + (hull - pts.mean(axis=0)) * 1.12
                hulls[c] = MplPath(ax.transData.transform(hull))
    for c, bb in labels.items():
        probes = [(bb.x0, bb.y0), (bb.x1, bb.y0), (bb.x0, bb.y1), (bb.x1, bb.y1),
                  ((bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2)]  # fmt: skip
        for other, hull in hulls.items():
            if other != c:
                assert not hull.contains_points(probes).any(), f"#{c} label inside #{other}"


def test_timezone_positions_are_first_year_columns(cnki_map):
    from zhagen.report.timezone_figure import timezone_positions

    pos = timezone_positions(cnki_map)
    nodes = cnki_map.nodes
    first = {
        int(i): int(y)
        for i, y in zip(nodes["id"], nodes["first_year"], strict=True)
        if not pd.isna(y)
    }
    assert {i: year for i, (year, _) in pos.items()} == first
    heights = [h for _, h in pos.values()]
    assert min(heights) >= 0.0 and max(heights) <= 1.0
    by_year: dict[int, list[float]] = {}
    for year, h in pos.values():
        by_year.setdefault(year, []).append(h)
    for hs in by_year.values():  # nodes of one column are spread, never on one point
        hs.sort()
        assert all(b - a > 1e-6 for a, b in itertools.pairwise(hs))


def test_timezone_figure_draws_chinese_without_overlaps(cnki_map, tmp_path):
    import matplotlib

    from zhagen.report.fonts import cjk_rc
    from zhagen.report.timezone_figure import draw_timezone, write_timezone

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns
        paths = write_timezone(cnki_map, tmp_path / "tz.png", tmp_path / "tz.svg")
    assert [p.stat().st_size > 20_000 for p in paths] == [True, True]
    with matplotlib.rc_context(cjk_rc()):
        fig = draw_timezone(cnki_map)
        boxes = _text_boxes(fig.axes[0], fig.canvas.get_renderer())
    assert len(boxes) > 20
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{ta!r} overlaps {tb!r}"


def test_overlay_mean_year_equals_the_records_years(cnki_map):
    """Mean publication year of a node = mean year of the records holding its term,
    recounted from the records' stored years (not from the map's per-year counts)."""
    from zhagen.report.overlay_figures import node_mean_years

    got = node_mean_years(cnki_map)
    checked = 0
    for nid, docs in cnki_map.node_docs.items():
        years = [cnki_map.doc_years[d] for d in docs if d in cnki_map.doc_years]
        if years:
            assert got[nid] == pytest.approx(sum(years) / len(years)), nid
            checked += 1
    assert checked == len(cnki_map.nodes)


def test_density_grid_equals_the_formula():
    from zhagen.report.overlay_figures import density_grid

    xs, ys, w = [0.0, 1.0, 3.0], [0.0, 2.0, 1.0], [1.0, 2.0, 5.0]
    grid = density_grid(xs, ys, w, (-1.0, 4.0, -1.0, 3.0), size=7, kernel=0.5)
    pairs = [(0, 1), (0, 2), (1, 2)]
    mean = sum(math.dist((xs[a], ys[a]), (xs[b], ys[b])) for a, b in pairs) / 3
    h = 0.5 * mean
    gx, gy = np.linspace(-1, 4, 7), np.linspace(-1, 3, 7)
    for r, yv in enumerate(gy):
        for c, xv in enumerate(gx):
            want = sum(wi * math.exp(-((xv - xi) ** 2 + (yv - yi) ** 2) / h**2)
                       for xi, yi, wi in zip(xs, ys, w, strict=True))  # fmt: skip
            assert grid[r, c] == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_overlay_and_density_figures(cnki_map, tmp_path):
    from zhagen.report.overlay_figures import write_density, write_overlay

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = [
            *write_overlay(cnki_map, tmp_path / "o.png"),
            write_density(cnki_map, tmp_path / "d.png"),
        ]
    assert all(p.stat().st_size > 50_000 for p in paths)
