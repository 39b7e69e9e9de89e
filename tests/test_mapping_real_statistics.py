"""The map statistics computed the fast way equal their independent references on real maps.

The silhouette is computed component by component (eigenvectors and distances,
``zhagen.mapping.cluster._spectral_parts``) and betweenness by rustworkx; here each is
recomputed on the real maps of ``../shared/corpora`` (the CNKI RefWorks export and the WoS
file: keyword, author, institution and co-citation maps, which have from one to hundreds of
connected components) by the textbook route — a dense eigendecomposition of the whole
n × n matrix, every pairwise distance, scikit-learn's silhouette, networkx's betweenness —
and must agree to 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import zhagen
from zhagen.mapping.centrality import betweenness
from zhagen.mapping.cluster import silhouette_spectral, spectral_embedding

MAPS = [
    ("cnki", "keyword"),
    ("cnki", "author"),
    ("cnki", "institution"),
    ("wos", "keyword"),
    ("wos", "author"),
    ("wos", "institution"),
    ("wos", "reference"),
    ("wos", "cited-journal"),
]


def _open(tmp_path_factory, source: Path):
    path = tmp_path_factory.mktemp("real") / f"{source.stem}.zhagen"
    with zhagen.Project.create(path) as p:
        p.add(source)
    return zhagen.open(path)


@pytest.fixture(scope="module")
def projects(tmp_path_factory, corpora):
    cnki = _open(tmp_path_factory, corpora / "cnki" / "refworks_2024_298.txt")
    wos = _open(tmp_path_factory, corpora / "wos" / "plaintext_344_fullrecord.txt")
    yield {"cnki": cnki, "wos": wos}
    cnki.close()
    wos.close()


def _network(project, nodes: str):
    """(map, n, i, j, strength, cluster) of a default map (g-index, no pruning: the edges
    are every link, with the similarity the silhouette uses)."""
    km = project.maps.build(nodes=nodes, keep_duplicates=True, record=False, prune="none")
    e = km.edges
    return (km, len(km.nodes), e["source"].to_numpy(), e["target"].to_numpy(),
            e["strength"].to_numpy(dtype=float), km.nodes["cluster"].to_numpy())  # fmt: skip


def _reference_silhouette(n, i, j, w, labels):
    """Dense eigh of the whole D^-1/2 A D^-1/2, all pairwise distances, scikit-learn."""
    from scipy.spatial.distance import cdist
    from sklearn.metrics import silhouette_samples

    a = np.zeros((n, n))
    a[i, j] = a[j, i] = w
    d = a.sum(axis=1)
    inv = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
    vals, vecs = np.linalg.eigh(inv[:, None] * a * inv[None, :])
    k = int((np.bincount(labels) > 1).sum())
    order = np.argsort(-vals, kind="stable")
    # the definition needs a gap after the k-th eigenvalue (else any basis of the tie is right)
    assert vals[order[k - 1]] - vals[order[k]] > 1e-6
    u = vecs[:, order[:k]]
    u[d == 0] = 0
    norm = np.linalg.norm(u, axis=1, keepdims=True)
    u = np.divide(u, norm, out=np.zeros_like(u), where=norm > 0)
    return silhouette_samples(cdist(u, u), labels, metric="precomputed"), u


@pytest.mark.parametrize(("data", "nodes"), MAPS)
def test_silhouette_and_betweenness_equal_the_textbook_computation(projects, data, nodes):
    km, n, i, j, w, labels = _network(projects[data], nodes)
    assert n > 20 and labels.max() >= 1
    ref, u = _reference_silhouette(n, i, j, w, labels)
    got = silhouette_spectral(n, i, j, w, labels)
    assert np.abs(got - ref).max() < 1e-9
    # what the map reports is that number (rounded to 6 places)
    assert km.summary["silhouette"] == pytest.approx(ref.mean(), abs=1e-6)
    per_cluster = np.bincount(labels, weights=ref) / np.bincount(labels)
    assert np.allclose(km.clusters["silhouette"].to_numpy(float), per_cluster, atol=1e-6)
    # the embedding spans the same space: every distance between rows is the same
    y = spectral_embedding(n, i, j, w, u.shape[1])
    from scipy.spatial.distance import cdist

    assert np.abs(cdist(y, y) - cdist(u, u)).max() < 1e-9
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(i.tolist(), j.tolist(), strict=True))
    nxb = nx.betweenness_centrality(g, normalized=True)
    want = np.array([nxb[v] for v in range(n)])
    assert np.abs(betweenness(n, i, j) - want).max() < 1e-9
    assert np.allclose(km.nodes["betweenness"].to_numpy(float), want, atol=1e-12)


def test_the_whole_matrix_and_the_components_agree_where_eigenvalue_one_repeats():
    """Many components: eigenvalue 1 once per component. Lanczos on the whole matrix
    (zhagen ≤ 0.5) lost eigenvectors of that repeated eigenvalue; per component it is exact."""
    rng = np.random.default_rng(3)
    edges, start = [], 0
    for size in rng.integers(2, 9, size=120):
        nodes = np.arange(start, start + size)
        for a in range(size):
            for b in range(a + 1, size):
                if b == a + 1 or rng.random() < 0.4:
                    edges.append((nodes[a], nodes[b], rng.uniform(0.1, 1.0)))
        start += size
    n = start + 5  # five isolated nodes
    i, j, w = (np.array(x) for x in zip(*edges, strict=True))
    from zhagen.mapping.cluster import leiden

    labels = leiden(n, i, j, w, seed=1)
    ref, _ = _reference_silhouette(n, i.astype(int), j.astype(int), w, labels)
    got = silhouette_spectral(n, i, j, w, labels)
    assert np.abs(got - ref).max() < 1e-9
    assert (got[-5:] == 0).all() and n > 600


def test_dense_components_in_matrix_form_equal_networkx():
    """A dense component (mean degree ≥ 32: Brandes in matrix form, in several batches of
    sources) next to sparse ones (the graph library) and isolated nodes."""
    from zhagen.mapping.centrality import DENSE_DEGREE, _brandes_batched

    dense = nx.gnm_random_graph(150, 150 * 24, seed=5)
    sparse = nx.relabel_nodes(nx.gnm_random_graph(80, 120, seed=6), lambda v: v + 150)
    g = nx.union(dense, sparse)
    g.add_nodes_from(range(230, 240))
    n = g.number_of_nodes()
    i = np.array([a for a, _ in g.edges()])
    j = np.array([b for _, b in g.edges()])
    assert 2 * dense.number_of_edges() / 150 >= DENSE_DEGREE
    nxb = nx.betweenness_centrality(g, normalized=True)
    want = np.array([nxb[v] for v in range(n)])
    assert np.abs(betweenness(n, i, j) - want).max() < 1e-12
    import scipy.sparse as sp

    adj = sp.csr_matrix(nx.to_scipy_sparse_array(dense, nodelist=range(150)))
    raw = nx.betweenness_centrality(dense, normalized=False)
    got = _brandes_batched(adj, cells=150 * 7)  # 22 batches of 7 sources
    assert np.abs(got / 2 - np.array([raw[v] for v in range(150)])).max() < 1e-9
