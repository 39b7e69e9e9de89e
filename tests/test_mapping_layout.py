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


def _reference_exact(pos: np.ndarray, k: float) -> np.ndarray:
    """The all-pairs repulsion in one (n × n) float32 array: the numbers any row blocking
    must reproduce bit for bit (a map's coordinates must not change with the block size)."""
    x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
    dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
    d2 = dx * dx
    d2 += dy * dy
    np.maximum(d2, np.float32((0.01 * k) ** 2), out=d2)
    f = np.float32(k * k) / d2
    return np.column_stack([(f * dx).sum(axis=1), (f * dy).sum(axis=1)]).astype(np.float64)


@pytest.mark.parametrize("n", [2, 7, 300, 613, 1500])
def test_exact_repulsion_is_the_whole_array_computation(n: int) -> None:
    from zhagen.mapping.layout import _repulsion_exact

    pos = np.random.default_rng(n).uniform(-1, 1, size=(n, 2))
    pos[1] = pos[0]  # two nodes at the same place: the floor on d² applies
    k = 1.0 / np.sqrt(n)
    assert np.array_equal(_repulsion_exact(pos, k), _reference_exact(pos, k))


@pytest.mark.parametrize("n", [1501, 3039])
def test_sampled_far_field_is_the_whole_array_computation(n: int) -> None:
    """The far field of a large map, blockwise into reused arrays, equals the same
    formula on whole (n × sample) arrays, bit for bit; the near field is left as it is."""
    from zhagen.mapping import layout

    rng = np.random.default_rng(n)
    pos = rng.uniform(-1, 1, size=(n, 2))
    k = 1.0 / np.sqrt(n)
    got = layout._repulsion_large(pos, k, np.random.default_rng(5))
    # the near field alone: the same call with the far field switched off
    sample = np.sort(np.random.default_rng(5).choice(n, size=layout._SAMPLE, replace=False))
    x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
    dx, dy = x[:, None] - x[None, sample], y[:, None] - y[None, sample]
    d2 = dx * dx
    d2 += dy * dy
    near = (2.0 * k) ** 2
    scale = np.float32(k * k * n / sample.size)
    f = np.where(d2 >= near, scale / np.maximum(d2, np.float32(near)), np.float32(0))
    far = np.column_stack([(f * dx).sum(axis=1), (f * dy).sum(axis=1)]).astype(np.float64)
    from scipy.spatial import cKDTree

    pairs = cKDTree(pos).query_pairs(2.0 * k, output_type="ndarray")
    a, b = pairs[:, 0], pairs[:, 1]
    delta = pos[a] - pos[b]
    dd = np.maximum(np.einsum("ij,ij->i", delta, delta), (0.01 * k) ** 2)
    expected = np.zeros_like(pos) + layout._scatter(n, a, b, (k * k / dd)[:, None] * delta)
    expected += far
    assert pairs.size and np.array_equal(got, expected)
