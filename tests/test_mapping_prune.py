"""MST and Pathfinder PFNET(q = n − 1, r = ∞) pruning (zhagen.mapping.prune)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from zhagen.errors import ParameterError
from zhagen.mapping.prune import mst_mask, pathfinder_mask, prune_mask


def components(n: int, edges: list[tuple[int, int]]) -> int:
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a

    for a, b in edges:
        parent[find(a)] = find(b)
    return len({find(a) for a in range(n)})


def all_minimum_spanning_forests(n: int, i, j, s) -> list[frozenset[int]]:
    """Enumerate every edge subset that is a spanning forest of minimum total distance."""
    m = len(s)
    pairs = list(zip(i.tolist(), j.tolist(), strict=True))
    k = n - components(n, pairs)
    dist = 1.0 / np.asarray(s, dtype=float)
    best, forests = np.inf, []
    for sub in combinations(range(m), k):
        if components(n, [pairs[e] for e in sub]) != n - k:
            continue  # has a cycle, so it does not span
        total = float(dist[list(sub)].sum())
        if total < best - 1e-9:
            best, forests = total, [frozenset(sub)]
        elif abs(total - best) <= 1e-9:
            forests.append(frozenset(sub))
    return forests


def random_graph(rng: np.random.Generator, n: int, p: float):
    pairs = [(a, b) for a, b in combinations(range(n), 2) if rng.random() < p]
    i = np.array([a for a, _ in pairs], dtype=np.int64)
    j = np.array([b for _, b in pairs], dtype=np.int64)
    s = rng.choice([1.0, 2.0, 3.0, 0.5], size=len(pairs))  # few values: many ties
    return i, j, s


@pytest.mark.parametrize("seed", range(12))
def test_pathfinder_is_union_of_all_msts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 8))
    i, j, s = random_graph(rng, n, 0.6)
    if len(s) == 0 or len(s) > 14:
        pytest.skip("graph too small or too large to enumerate")
    forests = all_minimum_spanning_forests(n, i, j, s)
    union = set().union(*forests)
    pf = pathfinder_mask(n, i, j, s)
    assert set(np.flatnonzero(pf).tolist()) == union
    mst = frozenset(np.flatnonzero(mst_mask(n, i, j, s)).tolist())
    assert mst in forests  # Kruskal gives one of the minimum spanning forests
    assert mst <= set(np.flatnonzero(pf).tolist())  # PFNET holds every MST edge


def test_pathfinder_triangle_inequality_hand_case() -> None:
    # square 0-1-2-3 with strong sides (s=2) and one weak diagonal 0-2 (s=1):
    # the diagonal's distance 1 exceeds the path 0-1-2 whose longest link is 0.5
    i = np.array([0, 1, 2, 0, 0])
    j = np.array([1, 2, 3, 3, 2])
    s = np.array([2.0, 2.0, 2.0, 2.0, 1.0])
    assert pathfinder_mask(4, i, j, s).tolist() == [True, True, True, True, False]
    assert mst_mask(4, i, j, s).sum() == 3


def test_pathfinder_float_ties() -> None:
    # 1/sqrt(6) and 2/sqrt(24) are equal mathematically but may differ in the last bit
    s = np.array([1 / np.sqrt(6), 2 / np.sqrt(24), 3 / np.sqrt(54)])
    assert pathfinder_mask(3, np.array([0, 1, 0]), np.array([1, 2, 2]), s).all()


def test_forest_and_empty() -> None:
    i, j, s = np.array([0, 2]), np.array([1, 3]), np.array([1.0, 1.0])
    assert mst_mask(5, i, j, s).all() and pathfinder_mask(5, i, j, s).all()
    empty = np.zeros(0, dtype=np.int64)
    assert mst_mask(3, empty, empty, np.zeros(0)).size == 0
    assert pathfinder_mask(3, empty, empty, np.zeros(0)).size == 0


def test_prune_mask_dispatch() -> None:
    i, j, s = np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([3.0, 2.0, 1.0])
    assert prune_mask(3, i, j, s, "none").all()
    assert prune_mask(3, i, j, s, "mst").tolist() == [True, True, False]
    assert prune_mask(3, i, j, s, "pathfinder").tolist() == [True, True, False]
    with pytest.raises(ParameterError):
        prune_mask(3, i, j, s, "planar")
