"""Clusters: Leiden partition, modularity Q and silhouette S.

Leiden
    Traag, Waltman & van Eck's (2019) algorithm maximising modularity with a resolution
    parameter :math:`\\gamma`, run by ``graspologic-native`` (MIT, Rust) with a fixed seed,
    so a partition is reproducible. The link weights are the map's link strengths. Nodes
    without links are clusters of their own. Clusters are numbered by size, largest = 0
    (ties: the cluster holding the lower node id, i.e. the more frequent term, first).

Modularity Q (Newman & Girvan 2004; with resolution, Reichardt & Bornholdt 2006)
    Recomputed from the partition, not taken from the library:

    .. math:: Q = \\sum_c \\left[ \\frac{L_c}{m} - \\gamma \\left(\\frac{K_c}{2m}\\right)^2 \\right]

    where :math:`m` is the total link weight, :math:`L_c` the weight of the links inside
    cluster :math:`c` and :math:`K_c` the summed weighted degree of its nodes. This is
    ``networkx.algorithms.community.modularity`` for the same weights and resolution.
    An empty network has Q = 0.

    The map reports **standard Q** (:math:`\\gamma = 1`, the number CiteSpace and VOSviewer
    show) whatever ``resolution`` Leiden ran at: at :math:`\\gamma = 0.01` one cluster holds
    every node and Q = 0, while the resolution objective is 0.99. When the resolution is not
    1 the objective it maximised is reported apart as ``quality_at_resolution``.

Silhouette S (Rousseeuw 1987)
    Node :math:`i`'s silhouette is :math:`s_i = (b_i - a_i) / \\max(a_i, b_i)`, with
    :math:`a_i` the mean distance to the other members of its cluster and :math:`b_i` the
    smallest mean distance to the members of another cluster; a cluster's S is the mean over
    its members, the map's S the mean over all nodes. Members of singleton clusters score 0
    (as in scikit-learn); with fewer than two clusters every node scores 0. Two definitions
    of the *distance* are offered (parameter ``silhouette``):

    ``spectral`` (default) — the space CiteSpace clusters in
        Chen, Ibekwe-SanJuan & Hou (2010) introduce the silhouette into CiteSpace together
        with its spectral clustering of the similarity network: nodes are placed at the rows
        of the leading eigenvectors of the normalised similarity matrix (Ng, Jordan & Weiss
        2002; von Luxburg 2007) and the silhouette measures how well the clusters separate
        there. zhagen does the same on the map's similarity network (the link strengths —
        cosine by default, as CiteSpace — before pruning): with :math:`A` the similarity
        matrix and :math:`D` its row sums, the :math:`k` eigenvectors of
        :math:`D^{-1/2} A D^{-1/2}` with the largest eigenvalues (:math:`k` = the number of
        clusters of two or more nodes) form :math:`U`; each row, scaled to length 1, is a
        node's position, and distances are Euclidean. Nodes without links sit at the origin.
        Distances between rows do not depend on which orthonormal basis of the eigenspace
        the solver returns, so the value is reproducible. This is
        ``sklearn.metrics.silhouette_samples(Y, labels)`` on those rows. The exact CiteSpace
        source is not public: this is the definition of the paper, not a copy of the program.
    ``network`` — the map's links as distances (zhagen ≤ 0.4's definition)
        Between two linked terms :math:`1 - s_{ij} / \\max s` (:math:`s` the link strength
        before pruning), between unlinked terms 1, 0 from a node to itself — exactly
        ``sklearn.metrics.silhouette_samples(D, labels, metric="precomputed")`` on that
        matrix, computed sparsely (no n × n matrix). On a sparse keyword network most pairs
        of members are unlinked (distance 1, the same as to other clusters), so this S is
        low (0.005–0.33 on the real maps) even where Q is high: it is not the number
        CiteSpace users read (S > 0.5 reasonable, > 0.7 convincing).

References
----------
Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. *Scientific Reports* 9, 5233.
Newman, M. E. J., & Girvan, M. (2004). Finding and evaluating community structure in
networks. *Physical Review E* 69, 026113.
Rousseeuw, P. J. (1987). Silhouettes. *J. Comput. Appl. Math.* 20, 53–65.
Chen, C., Ibekwe-SanJuan, F., & Hou, J. (2010). The structure and dynamics of cocitation
clusters: A multiple-perspective cocitation analysis. *JASIST* 61(7), 1386–1409.
Ng, A. Y., Jordan, M. I., & Weiss, Y. (2002). On spectral clustering: analysis and an
algorithm. *NIPS* 14, 849–856.
von Luxburg, U. (2007). A tutorial on spectral clustering. *Statistics and Computing* 17,
395–416.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "LEIDEN_OPTIONS",
    "leiden",
    "leiden_backend",
    "order_by_size",
    "merge_small",
    "modularity",
    "silhouette_samples",
    "SILHOUETTE_METHODS",
    "SILHOUETTE_DEFINITIONS",
    "MODULARITY_DEFINITION",
    "spectral_embedding",
    "silhouette_spectral",
    "silhouettes",
    "cluster_means",
]

#: The silhouette distances :func:`silhouettes` knows (see the module docstring).
SILHOUETTE_METHODS = ("spectral", "network")

#: One line per silhouette definition, written into ``summary.json`` next to the number.
SILHOUETTE_DEFINITIONS = {
    "spectral": "s_i = (b_i - a_i) / max(a_i, b_i), Euclidean distances between the unit rows "
    "of the k leading eigenvectors of D^-1/2 A D^-1/2 (A = link strengths before pruning, "
    "k = clusters of 2+ nodes); Chen, Ibekwe-SanJuan & Hou 2010 (CiteSpace); mean over nodes",
    "network": "s_i = (b_i - a_i) / max(a_i, b_i), distance 1 - s_ij/max(s) between linked "
    "terms (before pruning), 1 between unlinked ones; mean over nodes",
}

#: Modularity as reported (see the module docstring).
MODULARITY_DEFINITION = (
    "Q = sum_c [L_c/m - (K_c/2m)^2] on the pruned links weighted by strength "
    "(standard Q, resolution 1, whatever --resolution)"
)

#: Fixed options passed to ``graspologic_native.leiden`` (recorded in the map summary).
LEIDEN_OPTIONS = {"randomness": 0.001, "iterations": 2, "trials": 1, "use_modularity": True}


def leiden_backend() -> str:
    """Name and version of the Leiden implementation."""
    from importlib.metadata import version

    return f"graspologic-native {version('graspologic-native')}"


def order_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters by size descending (ties: lowest member id first).

    >>> import numpy as np
    >>> order_by_size(np.array([5, 7, 7, 5, 9, 7])).tolist()
    [1, 0, 0, 1, 2, 0]
    """
    import numpy as np

    labels = np.asarray(labels)
    if labels.size == 0:
        return labels.astype(np.int64)
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    first = np.full(uniq.size, labels.size, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(labels.size))
    order = np.lexsort((first, -counts))
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[order] = np.arange(uniq.size)
    return rank[inverse]


def merge_small(labels: np.ndarray, min_size: int) -> tuple[np.ndarray, int | None]:
    """Merge the clusters of fewer than ``min_size`` nodes into one last cluster, "other".

    The clusters kept keep their order (by size, as :func:`order_by_size` numbers them) and
    are renumbered 0, 1, …; the nodes of every smaller cluster form one cluster after them
    (whatever its size, so it stays recognisable). Modularity, silhouette, labels and
    layout are then computed on this partition.

    Returns
    -------
    (labels, other)
        The new cluster of every node and the id of the "other" cluster (None if no
        cluster was smaller than ``min_size``).

    Examples
    --------
    >>> import numpy as np
    >>> labels, other = merge_small(np.array([0, 0, 0, 1, 1, 2, 3]), 2)
    >>> labels.tolist(), other
    ([0, 0, 0, 1, 1, 2, 2], 2)
    >>> merge_small(np.array([0, 1]), 1)[0].tolist()
    [0, 1]
    """
    import numpy as np

    labels = np.asarray(labels, dtype=np.int64)
    if labels.size == 0:
        return labels, None
    counts = np.bincount(labels)
    small = (counts < min_size) & (counts > 0)
    if not small.any():
        return labels, None
    kept = int((~small).sum())
    new = np.empty(counts.size, dtype=np.int64)
    new[~small] = np.arange(kept)  # ascending old ids: the size order is kept
    new[small] = kept
    return new[labels], kept


def leiden(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    resolution: float = 1.0,
    seed: int = 1,
) -> np.ndarray:
    """Leiden partition maximising modularity (Traag et al. 2019), ordered by size.

    Parameters
    ----------
    n:
        Number of nodes.
    i, j, weight:
        Undirected links and their (positive) weights.
    resolution:
        Modularity resolution :math:`\\gamma` (> 0); larger gives more, smaller clusters.
    seed:
        Seed of the pseudo-random generator: same seed, same partition.

    Returns
    -------
    numpy.ndarray
        Cluster of every node, 0 = largest.

    Examples
    --------
    Two triangles joined by one weak link fall apart:

    >>> import numpy as np
    >>> i = np.array([0, 0, 1, 3, 3, 4, 2]); j = np.array([1, 2, 2, 4, 5, 5, 3])
    >>> w = np.array([1, 1, 1, 1, 1, 1, 0.1])
    >>> leiden(6, i, j, w, seed=1).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    import numpy as np

    if not resolution > 0:
        from zhagen.errors import ParameterError

        raise ParameterError(
            f"分辨率参数必须为正数（当前为 {resolution}）。",
            f"--resolution must be positive (got {resolution}).",
        )
    w = np.asarray(weight, dtype=np.float64)
    ok = w > 0
    raw = np.arange(n, dtype=np.int64) + n  # unlinked nodes: clusters of their own
    if ok.any():
        import graspologic_native as gn

        edges = [
            (str(a), str(b), float(c))
            for a, b, c in zip(
                np.asarray(i)[ok].tolist(),
                np.asarray(j)[ok].tolist(),
                w[ok].tolist(),
                strict=True,
            )
        ]
        _, part = gn.leiden(edges, resolution=float(resolution), seed=int(seed), **LEIDEN_OPTIONS)
        for node, c in part.items():
            raw[int(node)] = int(c)
    return order_by_size(raw)


def modularity(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    labels: np.ndarray,
    resolution: float = 1.0,
) -> float:
    """Weighted modularity Q of a partition with resolution γ.

    Examples
    --------
    Two disjoint triangles, each a cluster: Q = 2 · (3/6 − (6/12)²) = 0.5.

    >>> import numpy as np
    >>> i = np.array([0, 0, 1, 3, 3, 4]); j = np.array([1, 2, 2, 4, 5, 5])
    >>> modularity(6, i, j, np.ones(6), np.array([0, 0, 0, 1, 1, 1]))
    0.5
    """
    import numpy as np

    labels = np.asarray(labels, dtype=np.int64)
    w = np.asarray(weight, dtype=np.float64)
    m = float(w.sum())
    if m <= 0 or labels.size == 0:
        return 0.0
    k = labels.max() + 1
    li, lj = labels[np.asarray(i)], labels[np.asarray(j)]
    inside = np.bincount(li[li == lj], weights=w[li == lj], minlength=k)
    strength = np.bincount(np.concatenate([i, j]), weights=np.concatenate([w, w]), minlength=n)
    total = np.bincount(labels, weights=strength, minlength=k)
    return float(np.sum(inside / m - resolution * (total / (2.0 * m)) ** 2))


def silhouette_samples(
    n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray, labels: np.ndarray
) -> np.ndarray:
    """Silhouette of every node, distance ``1 − s/max(s)`` on links, 1 between unlinked nodes
    (the ``network`` definition).

    Equal to ``sklearn.metrics.silhouette_samples(D, labels, metric="precomputed")`` for the
    dense distance matrix ``D`` described in the module docstring; singletons score 0.

    Examples
    --------
    Two linked pairs, linked across (similarities 1, 0.5 and 0.5 for 0–1, 2–3, 1–2); node
    2 has a = 1 − 0.5 = 0.5 and b = 1 − 0.5/2 = 0.75, so s = 0.25/0.75:

    >>> import numpy as np
    >>> s = silhouette_samples(4, np.array([0, 2, 1]), np.array([1, 3, 2]),
    ...                        np.array([1.0, 0.5, 0.5]), np.array([0, 0, 1, 1]))
    >>> [round(x, 3) for x in s.tolist()]
    [1.0, 1.0, 0.333, 0.5]
    """
    import numpy as np
    import scipy.sparse as sp

    labels = np.asarray(labels, dtype=np.int64)
    out = np.zeros(n, dtype=np.float64)
    if n == 0 or labels.max() < 1:
        return out
    k = int(labels.max()) + 1
    s = np.asarray(similarity, dtype=np.float64)
    smax = float(s.max()) if s.size else 0.0
    sim = np.zeros(0) if smax <= 0 else s / smax
    ii, jj = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    S = (
        sp.csr_matrix(
            (np.concatenate([sim, sim]), (np.concatenate([ii, jj]), np.concatenate([jj, ii]))),
            shape=(n, n),
        )
        if smax > 0
        else sp.csr_matrix((n, n))
    )
    member = sp.csr_matrix((np.ones(n), (np.arange(n), labels)), shape=(n, k))
    size = np.bincount(labels, minlength=k).astype(np.float64)
    summed = (S @ member).tocsr()  # summed[i, c] = Σ_{j in c} s_ij / smax
    own = np.asarray(summed.multiply(member).sum(axis=1)).ravel()
    own_size = size[labels]
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(own_size > 1, ((own_size - 1) - own) / (own_size - 1), 0.0)
    other = summed.multiply(1.0 / size[None, :]).tocsr()
    other = (other - other.multiply(member)).tocsr()
    other.eliminate_zeros()
    # b_i = 1 − max_{c ≠ own} mean similarity; an unlinked cluster contributes distance 1
    best = np.asarray(other.max(axis=1).toarray()).ravel()
    b = 1.0 - np.maximum(best, 0.0)
    denom = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where(denom > 0, (b - a) / denom, 0.0)
    return np.where(own_size > 1, val, 0.0)


def _similarity_matrix(n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray) -> Any:
    """The symmetric similarity matrix ``A`` of the links (CSR, explicit zeros removed)."""
    import numpy as np
    import scipy.sparse as sp

    ii, jj = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    w = np.asarray(similarity, dtype=np.float64)
    a = sp.csr_matrix((np.concatenate([w, w]), (np.concatenate([ii, jj]), np.concatenate([jj, ii]))),
                      shape=(n, n))  # fmt: skip
    a.eliminate_zeros()
    return a


def _one_blas_thread() -> Any:
    """A context in which BLAS/LAPACK run on one thread (``threadpoolctl``), or a no-op."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _spectral_parts(
    n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray, k: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The spectral embedding component by component: ``[(members, rows)]``.

    :math:`D^{-1/2} A D^{-1/2}` is block-diagonal over the connected components of the
    similarity network, so its eigenvalues are the union of the components' and an
    eigenvector of a component (zero elsewhere) is one of the whole matrix. The ``k``
    largest eigenvalues are chosen over all components (ties: the component holding the
    lower node id first, then the solver's order); a component's rows are its entries of
    the chosen eigenvectors of that component, scaled to length 1 — the rows
    :func:`spectral_embedding` returns, without the zeros of the other components. Nodes
    without links, and the nodes of a component none of whose eigenvectors is chosen, are
    in no part (their rows are zero). Each component is solved alone: dense ``eigh`` up to
    1,000 nodes (or when it needs a quarter of its eigenvectors), ``eigsh`` (Lanczos, fixed
    start vector) above.
    """
    import numpy as np
    import scipy.sparse as sp

    from zhagen.mapping.centrality import components

    a = _similarity_matrix(n, i, j, similarity)
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
    m = (sp.diags(inv) @ a @ sp.diags(inv)).tocsr()
    link = a.tocoo()
    comp = components(n, link.row, link.col)
    linked = np.flatnonzero(deg > 0)  # ascending: a component's members come lowest id first
    order = linked[np.argsort(comp[linked], kind="stable")]
    cuts = np.flatnonzero(np.diff(comp[order])) + 1
    groups = sorted(np.split(order, cuts), key=lambda g: int(g[0])) if order.size else []
    k = max(1, min(int(k), n))
    solved: list[Any] = [None] * len(groups)  # (members, eigenvalues descending, eigenvectors)
    dense: dict[int, list[int]] = {}  # size -> components solved densely, in one stacked call
    sparse = []  # components solved by eigsh (Lanczos)
    for c, members in enumerate(groups):
        size, want = members.size, min(k, members.size)
        if size <= 1000 or want >= size // 4 or want >= size - 1:
            dense.setdefault(size, []).append(c)
        else:
            sparse.append(c)
    if sparse:  # before the thread limit: it applies to the BLAS libraries loaded then
        from scipy.sparse.linalg import eigsh
    # One BLAS thread for both solvers: ARPACK's vectors (a few thousand × 2k) and the
    # small dense matrices are too small for threads to pay: two threads spent 3–6× the
    # CPU (busy-waiting) for the same eigenvectors, and ARPACK's last bits no longer
    # depend on how many cores the machine has.
    with _one_blas_thread():
        for c in sparse:
            members = groups[c]
            size, want = members.size, min(k, members.size)
            sub = m[members][:, members].tocsc()
            vals, vecs = eigsh(sub, k=want, which="LA", v0=np.ones(size) / np.sqrt(size))
            top = np.argsort(-vals, kind="stable")[:want]
            solved[c] = (members, vals[top], vecs[:, top])
        for size, comps in dense.items():
            stack = np.stack([m[groups[c]][:, groups[c]].toarray() for c in comps])
            vals, vecs = np.linalg.eigh(stack)
            for c, v, u in zip(comps, vals, vecs, strict=True):
                top = np.argsort(-v, kind="stable")[: min(k, size)]
                solved[c] = (groups[c], v[top], u[:, top])
    if not solved:
        return []
    values = np.concatenate([v for _, v, _ in solved])
    owner = np.concatenate([np.full(v.size, c) for c, (_, v, _) in enumerate(solved)])
    rank = np.concatenate([np.arange(v.size) for _, v, _ in solved])
    # eigenvalue 1 is computed per component to within 1e-15: rounded, equal eigenvalues
    # are ordered by component, not by rounding noise
    chosen = np.lexsort((rank, owner, -np.round(values, 12)))[:k]
    parts = []
    for c, (members, _, vecs) in enumerate(solved):
        cols = np.sort(rank[chosen[owner[chosen] == c]])
        if cols.size == 0:
            continue
        u = vecs[:, cols]
        norm = np.linalg.norm(u, axis=1)
        parts.append((members, u / np.where(norm > 0, norm, 1.0)[:, None]))
    return parts


def spectral_embedding(
    n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray, k: int
) -> np.ndarray:
    """Rows of the ``k`` leading eigenvectors of :math:`D^{-1/2} A D^{-1/2}`, each of length 1.

    ``A`` is the symmetric similarity matrix of the links ``(i, j)``; nodes without links
    get a row of zeros. The eigenvectors are computed per connected component (the matrix
    is block-diagonal over them, :func:`_spectral_parts`); the columns are ordered by
    component, then by eigenvalue (an orthonormal basis of the same space as the whole
    matrix's leading eigenvectors, so every distance between rows is the same).

    >>> import numpy as np
    >>> y = spectral_embedding(4, np.array([0, 2]), np.array([1, 3]), np.ones(2), 2)
    >>> bool(np.allclose(y[0], y[1]) and np.allclose(y[2], y[3]))  # two components, two points
    True
    >>> round(float(np.linalg.norm(y[0] - y[2])), 6)  # orthogonal unit rows
    1.414214
    """
    import numpy as np

    parts = _spectral_parts(n, i, j, similarity, k)
    out = np.zeros((n, max(1, min(int(k), n))))  # at most k columns are chosen
    at = 0
    for members, rows in parts:
        out[members, at : at + rows.shape[1]] = rows
        at += rows.shape[1]
    return out


def _spectral_silhouette_parts(
    n: int, parts: list[tuple[np.ndarray, np.ndarray]], labels: np.ndarray, block: int = 1024
) -> np.ndarray:
    """Rousseeuw's silhouette with Euclidean distances between the rows of ``parts``.

    The rows of different parts are unit vectors in orthogonal subspaces, so two nodes of
    different parts are :math:`\\sqrt 2` apart; a zero row (a node in no part) is 1 from
    every unit row and 0 from another zero row. Only distances within a part are computed
    (:func:`_distances`: identical rows exactly 0 apart): the work is the sum of the
    squared part sizes, not :math:`n^2`, and no :math:`n \\times n` or :math:`n \\times` clusters matrix is held.
    """
    import numpy as np

    k = int(labels.max()) + 1
    size = np.bincount(labels, minlength=k).astype(np.float64)
    unit = np.zeros(n, dtype=bool)
    for members, _ in parts:
        unit[members] = True
    n_unit = np.bincount(labels[unit], minlength=k).astype(np.float64)  # U_K
    n_zero = size - n_unit  # Z_K
    root2 = np.sqrt(2.0)
    a = np.zeros(n)
    b = np.full(n, np.inf)
    # zero rows: summed distance to cluster K is U_K
    zero = np.flatnonzero(~unit)
    if zero.size:
        own = labels[zero]
        with np.errstate(invalid="ignore", divide="ignore"):
            a[zero] = n_unit[own] / (size[own] - 1)
        mean = n_unit / size
        first, second = _two_smallest(mean)
        b[zero] = np.where(own == first, mean[second] if second >= 0 else np.inf, mean[first])
    # unit rows: a cluster that meets no node of the part is at the same mean distance,
    # (sqrt2 U_K + Z_K) / size_K, from every node of the part
    away = (root2 * n_unit + n_zero) / size
    by_away = np.argsort(away, kind="stable")
    for members, rows in parts:
        lab = labels[members]
        touched, local = np.unique(lab, return_inverse=True)
        inside = np.bincount(local, minlength=touched.size).astype(np.float64)
        outside = _first_not_in(by_away, set(touched.tolist()))
        best_away = away[outside] if outside >= 0 else np.inf
        onehot = np.zeros((members.size, touched.size))
        onehot[np.arange(members.size), local] = 1.0
        for start in range(0, members.size, block):
            stop = min(start + block, members.size)
            sums = _distances(rows[start:stop], rows) @ onehot  # within the part
            sums += root2 * (n_unit[touched] - inside)[None, :] + n_zero[touched][None, :]
            mine = local[start:stop]
            r = np.arange(stop - start)
            own_size = size[touched[mine]]
            with np.errstate(invalid="ignore", divide="ignore"):
                a[members[start:stop]] = sums[r, mine] / (own_size - 1)
            mean = sums / size[touched][None, :]
            mean[r, mine] = np.inf
            b[members[start:stop]] = np.minimum(mean.min(axis=1), best_away)
    own_size = size[labels]
    denom = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where((denom > 0) & np.isfinite(denom), (b - a) / denom, 0.0)
    return np.where(own_size > 1, val, 0.0)


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``a`` and ``b``: by the dot product, and by
    the differences where two rows are close (there the dot-product form loses half the
    digits: identical rows came out 1e-8 apart). No ``scipy.spatial``: a CSV-only map
    imports nothing it does not need.

    >>> import numpy as np
    >>> _distances(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])).tolist()
    [[0.0, 1.4142135623730951]]
    """
    import numpy as np

    # the same operations as ``(sa + sb) - 2 (a b')``, element by element, into the one
    # block-sized array (a block of 1,024 rows against 31,000 nodes is 250 MB), a few rows
    # at a time while they are in the cache (each pass over the whole block went to
    # memory: five of them cost a third of the silhouette at 31,000 nodes), so the
    # numbers are those of whole arrays
    d2 = a @ b.T
    sa, sb = (a * a).sum(axis=1), (b * b).sum(axis=1)
    step = max(1, (1 << 16) // max(1, sb.size))
    for start in range(0, sa.size, step):
        rows = d2[start : start + step]
        rows *= 2.0
        np.subtract(sa[start : start + step, None] + sb[None, :], rows, out=rows)
        r, c = np.nonzero(rows < 1e-4)  # d < 0.01: recomputed from the differences
        if r.size:
            diff = a[start + r] - b[c]
            rows[r, c] = np.einsum("ij,ij->i", diff, diff)
        np.maximum(rows, 0.0, out=rows)
        np.sqrt(rows, out=rows)
    return d2


def _two_smallest(values: np.ndarray) -> tuple[int, int]:
    """Indices of the smallest and second smallest value (-1 where there is none).

    >>> import numpy as np
    >>> _two_smallest(np.array([3.0, 1.0, 2.0])), _two_smallest(np.array([1.0]))
    ((1, 2), (0, -1))
    """
    import numpy as np

    order = np.argsort(values, kind="stable")[:2]
    return int(order[0]), int(order[1]) if order.size > 1 else -1


def _first_not_in(order: np.ndarray, excluded: set[int]) -> int:
    """First entry of ``order`` not in ``excluded`` (-1 if none): walks at most
    ``len(excluded) + 1`` entries."""
    for c in order[: len(excluded) + 1].tolist():
        if c not in excluded:
            return int(c)
    return -1


def silhouette_spectral(
    n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray, labels: np.ndarray
) -> np.ndarray:
    """Silhouette of every node in the spectral space of the similarity network.

    The definition of Chen, Ibekwe-SanJuan & Hou (2010) as the module docstring states it:
    Euclidean distances between the unit rows of :func:`spectral_embedding` with ``k`` = the
    number of clusters of two or more nodes. Computed per connected component (eigenvectors
    and distances, :func:`_spectral_parts`), which gives the same numbers as the whole
    matrix (tests: against a dense ``eigh`` of the whole matrix and scikit-learn) in the
    time of the largest component instead of the whole map.

    Examples
    --------
    Two triangles joined by one weak link: each triangle is one point in the spectral space,
    so every node's silhouette is close to 1.

    >>> import numpy as np
    >>> i = np.array([0, 0, 1, 3, 3, 4, 2]); j = np.array([1, 2, 2, 4, 5, 5, 3])
    >>> w = np.array([1, 1, 1, 1, 1, 1, 0.1])
    >>> s = silhouette_spectral(6, i, j, w, np.array([0, 0, 0, 1, 1, 1]))
    >>> bool((s > 0.9).all())
    True
    """
    import numpy as np

    labels = np.asarray(labels, dtype=np.int64)
    if n == 0 or labels.max() < 1:
        return np.zeros(n, dtype=np.float64)
    k = int((np.bincount(labels) > 1).sum())
    return _spectral_silhouette_parts(n, _spectral_parts(n, i, j, similarity, max(k, 1)), labels)


def silhouettes(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    similarity: np.ndarray,
    labels: np.ndarray,
    method: str = "spectral",
) -> np.ndarray:
    """Silhouette of every node by one of :data:`SILHOUETTE_METHODS`.

    >>> import numpy as np
    >>> i, j = np.array([0, 2, 1]), np.array([1, 3, 2])
    >>> [round(x, 3) for x in silhouettes(4, i, j, np.array([1.0, 0.5, 0.5]),
    ...                                   np.array([0, 0, 1, 1]), "network").tolist()]
    [1.0, 1.0, 0.333, 0.5]
    """
    if method == "spectral":
        return silhouette_spectral(n, i, j, similarity, labels)
    if method == "network":
        return silhouette_samples(n, i, j, similarity, labels)
    from zhagen.errors import ParameterError

    raise ParameterError(
        f"未知的轮廓系数定义 {method!r}；可选：{', '.join(SILHOUETTE_METHODS)}。",
        f"unknown --silhouette {method!r}; choose one of: {', '.join(SILHOUETTE_METHODS)}.",
    )


def cluster_means(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of ``values`` per cluster (NaN values ignored; NaN for a cluster without any).

    >>> import numpy as np
    >>> cluster_means(np.array([1.0, 3.0, 5.0]), np.array([0, 0, 1])).tolist()
    [2.0, 5.0]
    """
    import numpy as np

    labels = np.asarray(labels, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if labels.size == 0:
        return np.zeros(0)
    k = int(labels.max()) + 1
    ok = ~np.isnan(v)
    tot = np.bincount(labels[ok], weights=v[ok], minlength=k)
    cnt = np.bincount(labels[ok], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / cnt, np.nan)
