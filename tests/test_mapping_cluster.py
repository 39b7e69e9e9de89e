"""Leiden clusters, modularity Q and silhouettes (zhagen.mapping.cluster)."""

from __future__ import annotations

import graspologic_native  # noqa: F401 - a dependency: a broken install fails here
import networkx as nx
import numpy as np
import pytest

from zhagen.errors import ParameterError
from zhagen.mapping.cluster import (
    cluster_means,
    leiden,
    leiden_backend,
    modularity,
    order_by_size,
    silhouette_samples,
)


def weighted_graph(seed: int, n: int = 30, m: int = 80):
    rng = np.random.default_rng(seed)
    g = nx.gnm_random_graph(n, m, seed=seed)
    i = np.array([a for a, _ in g.edges()], dtype=np.int64)
    j = np.array([b for _, b in g.edges()], dtype=np.int64)
    w = rng.uniform(0.1, 3.0, size=i.size)
    for (a, b), x in zip(g.edges(), w, strict=True):
        g[a][b]["weight"] = float(x)
    return g, i, j, w


def planted(seed: int, groups: int = 3, size: int = 8):
    """Dense groups, sparse between: the partition Leiden should find."""
    rng = np.random.default_rng(seed)
    edges = []
    for a in range(groups * size):
        for b in range(a + 1, groups * size):
            same = a // size == b // size
            if rng.random() < (0.9 if same else 0.03):
                edges.append((a, b, 1.0 if same else 0.2))
    i, j, w = (np.array(x) for x in zip(*edges, strict=True))
    return groups * size, i, j, w


@pytest.mark.parametrize("resolution", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_modularity_equals_networkx(seed: int, resolution: float) -> None:
    g, i, j, w = weighted_graph(seed)
    rng = np.random.default_rng(seed + 10)
    labels = rng.integers(0, 4, size=g.number_of_nodes())
    comms = [set(np.flatnonzero(labels == c).tolist()) for c in range(4)]
    comms = [c for c in comms if c]
    ref = nx.community.modularity(g, comms, weight="weight", resolution=resolution)
    got = modularity(g.number_of_nodes(), i, j, w, order_by_size(labels), resolution)
    assert got == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_leiden_reported_partition_q_matches_networkx(seed: int) -> None:
    g, i, j, w = weighted_graph(seed)
    labels = leiden(g.number_of_nodes(), i, j, w, resolution=1.0, seed=7)
    comms = [set(np.flatnonzero(labels == c).tolist()) for c in range(labels.max() + 1)]
    ref = nx.community.modularity(g, comms, weight="weight")
    assert modularity(g.number_of_nodes(), i, j, w, labels) == pytest.approx(ref, abs=1e-12)
    assert ref > 0.2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_leiden_finds_planted_partition_and_is_deterministic(seed: int) -> None:
    n, i, j, w = planted(seed)
    a = leiden(n, i, j, w, seed=seed)
    b = leiden(n, i, j, w, seed=seed)
    assert np.array_equal(a, b)
    truth = np.arange(n) // 8
    # same partition up to renumbering: each planted group maps to one cluster
    assert all(len(set(a[truth == g].tolist())) == 1 for g in range(3))
    assert len(set(a.tolist())) == 3


def test_leiden_isolated_nodes_and_order() -> None:
    i = np.array([0, 0, 1, 3])
    j = np.array([1, 2, 2, 4])
    labels = leiden(7, i, j, np.ones(4), seed=1)
    assert labels.tolist() == [0, 0, 0, 1, 1, 2, 3]  # 5 and 6 unlinked: singletons, last
    sizes = np.bincount(labels)
    assert (np.diff(sizes) <= 0).all()
    assert leiden(3, np.zeros(0, int), np.zeros(0, int), np.zeros(0)).tolist() == [0, 1, 2]
    assert leiden_backend().startswith("graspologic-native ")
    with pytest.raises(ParameterError):
        leiden(3, i[:1], j[:1], np.ones(1), resolution=0)


def test_order_by_size() -> None:
    assert order_by_size(np.array([3, 3, 1, 2, 2, 2])).tolist() == [1, 1, 2, 0, 0, 0]
    assert order_by_size(np.array([9, 8])).tolist() == [0, 1]  # tie: lower node id first


def test_modularity_edge_cases() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert modularity(3, empty, empty, np.zeros(0), np.array([0, 1, 2])) == 0.0
    # one cluster holding everything: Q = 1 − γ
    i, j = np.array([0, 1]), np.array([1, 2])
    assert modularity(3, i, j, np.ones(2), np.zeros(3, int)) == pytest.approx(0.0)
    assert modularity(3, i, j, np.ones(2), np.zeros(3, int), 0.5) == pytest.approx(0.5)


def dense_distance(n: int, i, j, s) -> np.ndarray:
    d = np.ones((n, n))
    d[i, j] = d[j, i] = 1.0 - np.asarray(s) / np.max(s)
    np.fill_diagonal(d, 0.0)
    return d


@pytest.mark.parametrize("seed", range(6))
def test_silhouette_equals_sklearn(seed: int) -> None:
    from sklearn import metrics

    g, i, j, w = weighted_graph(seed, n=25, m=60)
    n = g.number_of_nodes()
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, size=n)
    labels[0] = 4  # a singleton cluster
    labels[1:] = np.where(labels[1:] == 4, 0, labels[1:])
    labels = order_by_size(labels)
    ref = metrics.silhouette_samples(dense_distance(n, i, j, w), labels, metric="precomputed")
    got = silhouette_samples(n, i, j, w, labels)
    assert np.allclose(got, ref, atol=1e-12)
    assert got[0] == 0.0


def test_silhouette_leiden_partition_vs_sklearn() -> None:
    from sklearn import metrics

    n, i, j, w = planted(3)
    labels = leiden(n, i, j, w, seed=1)
    ref = metrics.silhouette_samples(dense_distance(n, i, j, w), labels, metric="precomputed")
    assert np.allclose(silhouette_samples(n, i, j, w, labels), ref, atol=1e-12)
    assert ref.mean() > 0.3


def test_silhouette_degenerate() -> None:
    i, j, s = np.array([0]), np.array([1]), np.array([1.0])
    assert silhouette_samples(3, i, j, s, np.zeros(3, int)).tolist() == [0.0, 0.0, 0.0]
    assert silhouette_samples(0, i[:0], j[:0], s[:0], np.zeros(0, int)).size == 0
    # no links at all: every distance is 1, a = b = 1, s = 0
    labels = np.array([0, 0, 1, 1])
    assert silhouette_samples(4, i[:0], j[:0], s[:0], labels).tolist() == [0.0] * 4


def test_cluster_means() -> None:
    got = cluster_means(np.array([2000, np.nan, 2010, 2020]), np.array([0, 0, 1, 2]))
    assert got.tolist() == [2000.0, 2010.0, 2020.0]
    assert np.isnan(cluster_means(np.array([np.nan]), np.array([0]))[0])


@pytest.mark.parametrize("n", [40, 700])  # dense eigh below 500 nodes, Lanczos above
def test_spectral_silhouette_equals_sklearn_on_an_independent_embedding(n: int) -> None:
    from sklearn.metrics import silhouette_samples as sk_silhouette

    from zhagen.mapping.cluster import silhouette_spectral

    g = nx.gnm_random_graph(n, n * 6, seed=n)
    g.add_node(n)  # an isolated node: its own cluster, silhouette 0
    i = np.array([a for a, _ in g.edges()], dtype=np.int64)
    j = np.array([b for _, b in g.edges()], dtype=np.int64)
    w = np.random.default_rng(n).uniform(0.1, 1.0, size=i.size)
    labels = leiden(n + 1, i, j, w, seed=1)
    got = silhouette_spectral(n + 1, i, j, w, labels)
    a = np.zeros((n + 1, n + 1))
    a[i, j] = a[j, i] = w
    d = a.sum(axis=1)
    inv = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
    vals, vecs = np.linalg.eigh(inv[:, None] * a * inv[None, :])
    k = int((np.bincount(labels) > 1).sum())
    u = vecs[:, np.argsort(vals)[::-1][:k]]
    u[d == 0] = 0
    norm = np.linalg.norm(u, axis=1, keepdims=True)
    u = np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)
    assert np.allclose(got, sk_silhouette(u, labels), atol=1e-9)
    assert got[n] == 0.0 and labels.max() >= 2


def test_distances_in_place_are_the_expression_bit_for_bit() -> None:
    """_distances computes ``sa + sb - 2 a b'`` in place (a block-sized array less on a large map):
    the same bytes as the expression, identical rows exactly 0 apart."""
    import numpy as np

    from zhagen.mapping.cluster import _distances

    rng = np.random.default_rng(0)
    for _ in range(30):
        m, k = int(rng.integers(1, 300)), int(rng.integers(1, 40))
        b = rng.normal(size=(m, k))
        b /= np.linalg.norm(b, axis=1)[:, None]
        b[::3] = b[0]
        a = b[: int(rng.integers(1, m + 1))]
        d2 = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
        r, c = np.nonzero(d2 < 1e-4)
        diff = a[r] - b[c]
        d2[r, c] = np.einsum("ij,ij->i", diff, diff)
        want = np.sqrt(np.maximum(d2, 0.0))
        got = _distances(a, b)
        assert got.tobytes() == want.tobytes() and got[0, 0] == 0.0
