"""Issue 18: the two processes that draw a map's figures share them through one counter
(each takes the next figure not yet taken), every figure is drawn once with the pixels one
process draws, and the figures read the map's tables as held (never needing pandas)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zhagen.examples import tiny_map
from zhagen.mapping.model import Table
from zhagen.report.map_figures import (
    _figure_part,
    _pool,
    _take_figures,
    _take_in_worker,
    figures_in_background,
)
from zhagen.report.mapfiles import MAP_OUTPUTS, WritableMap, figure_order, figure_runs

#: Figures of the tiny map that are quick to draw (the test stays well under two seconds).
CHEAP = ("bursts", "thematic", "timeline")


def _jobs() -> list:
    outs = figure_order([o for o in MAP_OUTPUTS if o.name in CHEAP])
    return [(o.write, o.files) for o in outs]


def _pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


def test_two_processes_take_every_figure_once(tmp_path: Path) -> None:
    """The drawing process and this one take from the same counter: every job is drawn by
    exactly one of them, and each stopped when the counter passed the last job (so the
    counter ends two past it, whoever drew what)."""
    shared = _pool()
    if shared is None:
        pytest.skip("one CPU or no fork: every figure is drawn in this process")
    pool, counter = shared
    jobs, km = _jobs(), tiny_map()
    with pool:
        future = pool.submit(_take_in_worker, _figure_part(km), tmp_path, jobs)
        mine = _take_figures(km, tmp_path, jobs, counter)
        theirs = future.result()
    assert not set(mine) & set(theirs)
    assert sorted({*mine, *theirs}) == list(range(len(jobs)))
    assert counter.value == len(jobs) + 2
    names = sorted(p.name for paths in [*mine.values(), *theirs.values()] for p in paths)
    assert names == sorted(f for o in MAP_OUTPUTS if o.name in CHEAP for f in o.files
                           if f.endswith(".png"))  # fmt: skip


def test_shared_figures_have_the_pixels_of_one_process(tmp_path: Path) -> None:
    """Drawn by two processes, returned in the order of the jobs, the same pixels as every
    figure drawn here, one after another."""
    jobs, km = _jobs(), tiny_map()
    with figures_in_background(km, tmp_path / "two", jobs) as figures:
        two = figures()
    one = [write(km, tmp_path / "one", files) for write, files in jobs]
    assert [[p.name for p in ps] for ps in two] == [[p.name for p in ps] for ps in one]
    for a, b in zip(two, one, strict=True):
        assert a[0].parent.name == "two" and b[0].parent.name == "one"
        assert np.array_equal(_pixels(a[0]), _pixels(b[0]))


def test_figure_order_is_largest_first() -> None:
    """Largest first, the figures sharing their labels placed by their cost together, next
    to each other (the largest of them first) and taken as one run."""
    order = figure_order([o for o in MAP_OUTPUTS if o.drawn])
    runs = figure_runs(order)
    assert len(order) == 7 and sum(runs) == 7
    units, k = [], 0
    for n in runs:
        unit = order[k : k + n]
        k += n
        assert len({o.shares for o in unit}) == 1 and (n == 1 or unit[0].shares)
        assert [o.cost for o in unit] == sorted((o.cost for o in unit), reverse=True)
        units.append(sum(o.cost for o in unit))
    assert units == sorted(units, reverse=True)
    sharing = [o.name for o in order if o.shares == "node labels"]
    assert sharing == ["cluster", "density", "overlay"] and runs[0] == 3


def test_a_run_of_figures_is_drawn_by_one_process(tmp_path: Path) -> None:
    """With runs, each process takes whole runs from the counter (which counts runs): the
    jobs of a run are all drawn by the process that took it."""
    shared = _pool()
    if shared is None:
        pytest.skip("one CPU or no fork: every figure is drawn in this process")
    pool, counter = shared
    jobs, km = _jobs(), tiny_map()
    runs = [2, 1]
    with pool:
        future = pool.submit(_take_in_worker, _figure_part(km), tmp_path, jobs, runs)
        mine = _take_figures(km, tmp_path, jobs, counter, runs)
        theirs = future.result()
    assert sorted({*mine, *theirs}) == [0, 1, 2] and not set(mine) & set(theirs)
    assert {0, 1} <= set(mine) or {0, 1} <= set(theirs)
    assert counter.value == len(runs) + 2
    with pytest.raises(ValueError, match="do not cover"):
        _take_figures(km, tmp_path, jobs, None, [1, 1])


def test_figure_part_keeps_tables_as_held() -> None:
    """The map handed to the figure process holds the same table objects (no DataFrame
    made, so pandas is not imported before the fork) and none of the records' titles."""
    km = WritableMap.of(tiny_map())
    part = _figure_part(km)
    assert type(part) is type(km)
    for name in ("nodes", "edges", "clusters", "bursts"):
        assert part.raw(name) is km.raw(name)
    assert part.node_docs == {} and part.doc_titles == {}


def test_figures_read_the_tables_as_held(tmp_path: Path) -> None:
    """The cluster and time-zone views (which count the links) and the bursts figure read
    the map's plain columns: drawing them makes no DataFrame of any table (so the figure
    process never imports pandas). The other figures read the same plain nodes and links."""
    km = WritableMap.of(tiny_map())
    tables = ("nodes", "edges", "clusters", "bursts")
    assert all(isinstance(km.raw(t), Table) for t in tables)
    for out in MAP_OUTPUTS:
        if out.name in ("cluster", "timezone", "bursts"):
            out.write(km, tmp_path, [f for f in out.files if f.endswith(".png")])
    assert all(isinstance(km.raw(t), Table) for t in tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bursts.png", "map.png", "timezone.png"]
