"""Force-directed layout (zhagen.mapping.layout)."""

from __future__ import annotations

import numpy as np
import pytest

from zhagen.mapping.layout import force_layout


def two_cliques(size: int = 8):
    pairs = [(a, b) for g in range(2) for a in range(g * size, (g + 1) * size)
             for b in range(a + 1, (g + 1) * size)]  # fmt: skip
    pairs.append((0, size))  # one bridge
    i = np.array([a for a, _ in pairs])
    j = np.array([b for _, b in pairs])
    return 2 * size, i, j, np.ones(len(pairs))


@pytest.mark.parametrize("seed", [1, 2])
def test_deterministic_and_scaled(seed: int) -> None:
    n, i, j, w = two_cliques()
    labels = np.repeat([0, 1], n // 2)
    a = force_layout(n, i, j, w, labels, seed=seed)
    b = force_layout(n, i, j, w, labels, seed=seed)
    assert np.array_equal(a, b)
    assert a.shape == (n, 2) and np.abs(a).max() == pytest.approx(1.0)
    assert np.isfinite(a).all()


def test_clusters_apart_links_close() -> None:
    n, i, j, w = two_cliques()
    labels = np.repeat([0, 1], n // 2)
    xy = force_layout(n, i, j, w, labels, seed=3)
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(n, dtype=bool)
    assert d[same & off].mean() < 0.6 * d[~same].mean()


def test_large_map_uses_sampled_far_field() -> None:
    rng = np.random.default_rng(0)
    n = 1600
    i = rng.integers(0, n, size=4000)
    j = rng.integers(0, n, size=4000)
    keep = i != j
    xy = force_layout(n, i[keep], j[keep], np.ones(keep.sum()), seed=1, iterations=5)
    assert xy.shape == (n, 2) and np.isfinite(xy).all()


def test_tiny() -> None:
    e = np.zeros(0, dtype=np.int64)
    assert force_layout(0, e, e, np.zeros(0)).shape == (0, 2)
    assert force_layout(1, e, e, np.zeros(0)).tolist() == [[0.0, 0.0]]
    xy = force_layout(3, e, e, np.zeros(0), seed=1)  # no links: still spread out
    assert len({tuple(p) for p in xy.tolist()}) == 3
