"""Degree, betweenness (Brandes) and sigma (zhagen.mapping.centrality)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from zhagen.mapping.centrality import (
    betweenness,
    betweenness_backend,
    components,
    degree,
    sigma,
    weighted_degree,
)


def test_path_graph_by_hand() -> None:
    # path 0-1-2-3: node 1 lies on paths 0-2 and 0-3 → 2 of (3·2/2) = 3 pairs
    i, j = np.array([0, 1, 2]), np.array([1, 2, 3])
    assert betweenness(4, i, j).tolist() == pytest.approx([0, 2 / 3, 2 / 3, 0])
    assert degree(4, i, j).tolist() == [1, 2, 2, 1]
    assert weighted_degree(4, i, j, np.array([1, 2, 3])).tolist() == [1, 3, 5, 3]


@pytest.mark.parametrize("backend", ["networkx", "rustworkx", "auto"])
@pytest.mark.parametrize("seed", [0, 1])
def test_backends_match_networkx(backend: str, seed: int) -> None:
    if backend == "rustworkx":
        import rustworkx  # noqa: F401 - a dependency: a broken install fails here
    g = nx.gnm_random_graph(40, 90, seed=seed)
    g.add_node(40)  # an isolated node
    i = np.array([a for a, _ in g.edges()])
    j = np.array([b for _, b in g.edges()])
    ref = nx.betweenness_centrality(g, normalized=True)
    got = betweenness(41, i, j, backend=backend)
    assert np.allclose(got, [ref[k] for k in range(41)], atol=1e-12)


def test_small_graphs_and_backend_name() -> None:
    assert betweenness(2, np.array([0]), np.array([1])).tolist() == [0.0, 0.0]
    assert betweenness(0, np.zeros(0, int), np.zeros(0, int)).size == 0
    assert betweenness_backend().split()[0] in {"rustworkx", "networkx"}


def test_sigma_form() -> None:
    b = np.array([0.0, 0.5, 0.1, 0.3])
    s = np.array([5.0, 0.0, 2.0, np.nan])
    assert sigma(b, s).tolist() == pytest.approx([1.0, 1.0, 1.1**2, 1.0])


def test_sigma_stays_finite_for_huge_bursts() -> None:
    import numpy as np

    from zhagen.mapping.centrality import sigma

    out = sigma(np.array([0.5, 0.1, 0.0]), np.array([15000.0, 2.0, 9000.0]))
    assert np.isfinite(out).all() and out[0] == np.finfo(np.float64).max
    assert out[1] == 1.1**2 and out[2] == 1.0


def test_betweenness_is_the_same_on_every_run() -> None:
    """rustworkx's parallel betweenness summed in a varying order (last digits changed from
    run to run); the map asks for one thread, so the same graph gives the same bytes."""
    rng = np.random.default_rng(5)
    n = 300
    i, j = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    keep = i < j
    runs = {tuple(betweenness(n, i[keep], j[keep]).tolist()) for _ in range(8)}
    assert len(runs) == 1


@pytest.mark.parametrize("seed", range(4))
def test_components_partition_as_scipy_does(seed: int) -> None:
    """The numpy union-find gives the partition scipy's connected_components gives, each
    component named by its lowest node."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    for _ in range(50):
        n = int(rng.integers(1, 400))
        m = int(rng.integers(0, 2 * n))
        i, j = rng.integers(0, n, m), rng.integers(0, n, m)
        got = components(n, i, j)
        count, want = connected_components(
            sp.csr_matrix((np.ones(m), (i, j)), shape=(n, n)), directed=False
        )
        assert len(set(zip(got.tolist(), want.tolist(), strict=True))) == count
        assert len(set(got.tolist())) == count
        lowest = {}
        for node, c in enumerate(want.tolist()):
            lowest.setdefault(c, node)
        assert got.tolist() == [lowest[c] for c in want.tolist()]
