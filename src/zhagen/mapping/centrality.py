"""Node centrality: degree, weighted degree, betweenness (Brandes 2001) and sigma.

Betweenness
    Freeman's betweenness of node :math:`v`, :math:`\\sum_{s \\ne v \\ne t}
    \\sigma_{st}(v) / \\sigma_{st}`, computed with Brandes' (2001) algorithm on the
    *unweighted* links of the map (as CiteSpace does: a link is a link, whatever its
    strength) and normalised for an undirected graph by :math:`(n-1)(n-2)/2`, so that the
    centre of a star scores 1. Backend: ``rustworkx`` when it is installed (Apache-2.0;
    measured 20× faster than networkx on this machine: 1,000 nodes / 20,000 links 0.9 s vs
    17.8 s, 2,000 / 50,000 4.0 s vs 82.8 s, results equal to 1e-17), else ``networkx``;
    a densely linked component (mean degree ≥ 32, e.g. a cited-journal map; below it the
    graph library is faster) is computed instead by the same algorithm in matrix form
    (:func:`_brandes_batched`: breadth-first search from a batch of sources at once as
    sparse × dense products, then Brandes' dependency accumulation level by level), 1.6×
    faster there (34,300-record WoS replica: 25 s → 15 s) and equal to networkx to
    1e-15 on the real maps (tests/test_mapping_real_statistics.py).

Betweenness of a large network
    Brandes' algorithm costs about n·m steps (nodes × links): 31 482 nodes and 125 844
    links (a million records with a keyword each) took ~145 CPU s. Above
    :data:`BETWEENNESS_BUDGET` steps the ``auto`` method (``MapParams.betweenness``)
    estimates it as Brandes & Pich (2007) do: the dependencies of k pivot sources, drawn
    uniformly without replacement with the map's seed (the same map, the same pivots, the
    same bytes), scaled by n/k and normalised as the exact value, with k = budget // m
    (at least :data:`MIN_PIVOTS`). Each source's term lies in [0, n/(n−1)], so by
    Hoeffding's inequality every node's estimate is within
    :math:`\\frac{n}{n-1}\\sqrt{\\ln(2/0.05)/(2k)}` of its exact value with probability ≥ 95 %
    (:attr:`BetweennessPlan.precision`); on that network k = 794 gave a largest error of
    0.011 (bound 0.048) in 3.7 CPU s, and the same 4 nodes of betweenness ≥ 0.1.

Sigma
    Chen et al. (2009) introduce sigma to combine a node's structural and temporal
    properties: :math:`\\Sigma = (\\text{centrality} + 1)^{\\text{burstness}}`, with centrality the
    (normalised) betweenness and burstness the strength of the node's burst (Kleinberg
    2002). A node with no burst or no betweenness has :math:`\\Sigma = 1`; CiteSpace reports
    this form. zhagen implements exactly it, with the normalised betweenness above and
    the strength of the node's strongest burst (:mod:`zhagen.mapping.burst`).

References
----------
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163–177.
Brandes, U., & Pich, C. (2007). Centrality estimation in large networks. *International
Journal of Bifurcation and Chaos* 17(7), 2303–2318.
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry*
40(1), 35–41.
Chen, C., Chen, Y., Horowitz, M., Hou, H., Liu, Z., & Pellegrino, D. (2009). Towards an
explanatory and computational theory of scientific discovery. *Journal of Informetrics*
3(3), 191–209.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "degree",
    "weighted_degree",
    "betweenness",
    "betweenness_backend",
    "BETWEENNESS_METHODS",
    "BETWEENNESS_BUDGET",
    "MIN_PIVOTS",
    "BetweennessPlan",
    "betweenness_plan",
    "pivots",
    "betweenness_estimate",
    "sigma",
]

#: How a map's betweenness is computed (``MapParams.betweenness``): ``auto`` is exact up
#: to :data:`BETWEENNESS_BUDGET`, estimated above it; ``exact``; ``estimate``.
BETWEENNESS_METHODS = ("auto", "exact", "estimate")

#: Brandes steps (nodes × links) up to which ``auto`` computes betweenness exactly, and
#: the pivots × links an estimate may take. Measured here (rustworkx, one thread, loaded
#: machine): 3 039 nodes / 11 366 links (a 10 000-record map with a keyword each,
#: 3.5e7) 0.8 CPU s, 9 933 / 39 109 (3.9e8) 7.5 s, 31 482 / 125 844 (4.0e9) ~145 s; so
#: every map up to ~1e8 stays exact in ≤ ~2.5 s (every map of ≤ 10 000 records in
#: bench/map.py, as before), and an estimate costs about as much.
BETWEENNESS_BUDGET = 100_000_000

#: The fewest pivots of an estimate (precision ±0.085 at 95 %, see the module docstring).
MIN_PIVOTS = 256

#: Cells of the (nodes × sources) arrays of an estimate: fixed, so that the batches, hence
#: the order of the sums and the bytes, do not depend on the machine.
_ESTIMATE_CELLS = 1_000_000


def degree(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Number of links of every node.

    >>> import numpy as np
    >>> degree(3, np.array([0, 0]), np.array([1, 2])).tolist()
    [2, 1, 1]
    """
    import numpy as np

    return np.bincount(np.concatenate([i, j]).astype(np.int64), minlength=n).astype(np.int64)


def weighted_degree(n: int, i: np.ndarray, j: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Sum of the link weights of every node (VOSviewer's "total link strength").

    >>> import numpy as np
    >>> weighted_degree(3, np.array([0, 0]), np.array([1, 2]), np.array([2, 5])).tolist()
    [7.0, 2.0, 5.0]
    """
    import numpy as np

    w = np.asarray(weight, dtype=np.float64)
    idx = np.concatenate([i, j]).astype(np.int64)
    return np.bincount(idx, weights=np.concatenate([w, w]), minlength=n)


def betweenness_backend() -> str:
    """Name and version of the library :func:`betweenness` uses (``rustworkx`` if present)."""
    try:
        import rustworkx

        return f"rustworkx {rustworkx.__version__}"
    except ImportError:
        import networkx

        return f"networkx {networkx.__version__}"


def betweenness(n: int, i: np.ndarray, j: np.ndarray, backend: str = "auto") -> np.ndarray:
    """Normalised betweenness centrality of the undirected, unweighted graph (Brandes).

    Parameters
    ----------
    n:
        Number of nodes (isolated nodes score 0).
    i, j:
        End nodes of each link.
    backend:
        ``'auto'`` (rustworkx if installed, else networkx), ``'rustworkx'`` or
        ``'networkx'``.

    Examples
    --------
    The centre of a star lies on every shortest path between two leaves:

    >>> import numpy as np
    >>> betweenness(4, np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
    [1.0, 0.0, 0.0, 0.0]
    """
    import numpy as np

    if n < 3 or len(i) == 0:
        return np.zeros(n, dtype=np.float64)
    if backend == "auto":
        backend = betweenness_backend().split()[0]
    if backend == "rustworkx":
        i, j, out = _dense_components(n, np.asarray(i, np.int64), np.asarray(j, np.int64))
        if i.size == 0:
            return out
    edges = list(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), strict=True))
    if backend == "rustworkx":
        import rustworkx as rx

        g = rx.PyGraph(multigraph=False)
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(edges)
        # One thread: rustworkx's parallel version sums path counts in a varying order,
        # so the last digits changed from run to run (same map, different bytes).
        res = rx.betweenness_centrality(g, normalized=True, parallel_threshold=n + 1)
        sparse = np.array([res[k] for k in range(n)], dtype=np.float64)
        return np.where(out > 0, out, sparse)  # a node lies in one component: one is 0
    if backend == "networkx":
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges)
        res = nx.betweenness_centrality(g, normalized=True)
        return np.array([res[k] for k in range(n)], dtype=np.float64)
    raise ValueError(f"unknown betweenness backend {backend!r}")


@dataclass(frozen=True)
class BetweennessPlan:
    """How a network's betweenness is computed: ``method`` ``'exact'`` or ``'estimate'``
    from ``pivots`` sources of its ``nodes``; ``links`` and ``budget`` say why.

    >>> p = BetweennessPlan("estimate", 512, 31482, 125844, 100_000_000)
    >>> round(p.precision, 3)
    0.06
    >>> print(p.note()[1])
    betweenness estimated from 512 of 31482 source nodes (Brandes & Pich 2007; each value within ±0.060 with 95% probability); --betweenness exact for exact values
    """

    method: str
    pivots: int
    nodes: int
    links: int
    budget: int

    @property
    def precision(self) -> float:
        """Half-width ε with P(|estimate − exact| ≥ ε) ≤ 5 % for each node (Hoeffding);
        0 when exact."""
        if self.method == "exact":
            return 0.0
        # a source's term n δ_s(v) / ((n-1)(n-2)) lies in [0, n/(n-1)] (δ_s(v) <= n - 2)
        spread = self.nodes / (self.nodes - 1)
        return spread * math.sqrt(math.log(2 / 0.05) / (2 * self.pivots))

    def note(self) -> tuple[str, str]:
        """What a reader of the table needs (Chinese, English); empty when exact."""
        if self.method == "exact":
            return "", ""
        k, n, eps = self.pivots, self.nodes, self.precision
        return (
            f"中介中心性为 {n} 个节点中 {k} 个源节点的估计值（Brandes & Pich 2007；每个值在 95% 概率下"
            f"误差不超过 ±{eps:.3f}）；--betweenness exact 可得精确值",
            f"betweenness estimated from {k} of {n} source nodes (Brandes & Pich 2007; each "
            f"value within ±{eps:.3f} with 95% probability); --betweenness exact for exact values",
        )

    def as_dict(self) -> dict[str, Any]:
        """For ``summary.json``.

        >>> BetweennessPlan("exact", 3, 3, 2, 10).as_dict()["method"]
        'exact'
        """
        out: dict[str, Any] = {"method": self.method, "nodes": self.nodes, "links": self.links,
                               "budget": self.budget}  # fmt: skip
        if self.method == "estimate":
            out["pivots"] = self.pivots
            out["precision_95"] = round(self.precision, 6)
            out["note"] = list(self.note())
            out["definition"] = ("Brandes & Pich (2007): dependencies of the pivot sources "
                                 "(uniform without replacement, seeded), scaled by n/k, "
                                 "normalised by (n-1)(n-2); precision by Hoeffding")  # fmt: skip
        return out


def betweenness_plan(
    n: int, links: int, method: str = "auto", budget: int | None = None
) -> BetweennessPlan:
    """Exact or estimated betweenness of a network of ``n`` nodes and ``links`` links.

    ``auto`` is exact when Brandes' work ``n * links`` is within ``budget`` (default
    :data:`BETWEENNESS_BUDGET`); an estimate takes ``budget // links`` pivots, at least
    :data:`MIN_PIVOTS` — or just :data:`MIN_PIVOTS` when ``estimate`` is asked for a
    network the budget computes exactly (a quick look). An estimate from every node is the
    exact value, so it is computed exactly.

    >>> betweenness_plan(100, 300).method
    'exact'
    >>> p = betweenness_plan(31482, 125844)
    >>> p.method, p.pivots
    ('estimate', 794)
    >>> betweenness_plan(100, 300, "estimate").method  # MIN_PIVOTS would be every node
    'exact'
    >>> betweenness_plan(1000, 300, "estimate").pivots
    256
    """
    if method not in BETWEENNESS_METHODS:
        raise ValueError(f"unknown betweenness method {method!r}")
    budget = BETWEENNESS_BUDGET if budget is None else budget
    exact = BetweennessPlan("exact", n, n, links, budget)
    if method == "exact" or (method == "auto" and n * links <= budget):
        return exact
    k = budget // max(links, 1)
    if k >= n:  # within the budget, an estimate only when asked: the cheapest one
        k = MIN_PIVOTS
    k = max(MIN_PIVOTS, k)
    if k >= n:
        return exact
    return BetweennessPlan("estimate", k, n, links, budget)


def pivots(n: int, k: int, seed: int) -> np.ndarray:
    """``k`` of ``n`` nodes drawn uniformly without replacement with ``seed``, ascending.

    >>> pivots(10, 3, 1).tolist() == pivots(10, 3, 1).tolist()
    True
    >>> len(set(pivots(10, 10, 1).tolist()))
    10
    """
    import numpy as np

    chosen = np.random.default_rng(seed).choice(n, size=k, replace=False)
    return np.sort(chosen.astype(np.int64))


def betweenness_estimate(n: int, i: np.ndarray, j: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Brandes & Pich's (2007) estimate of the normalised betweenness from ``sources``:
    the sources' dependencies scaled by ``n / len(sources)``, normalised as
    :func:`betweenness` (so its expected value is the exact one).

    >>> import numpy as np
    >>> i, j = np.array([0, 0, 0]), np.array([1, 2, 3])
    >>> betweenness_estimate(4, i, j, np.arange(4)).tolist()  # every source: exact
    [1.0, 0.0, 0.0, 0.0]
    >>> betweenness_estimate(4, i, j, np.array([1, 2])).tolist()  # 2 × 2 pairs × 4/2 / 6
    [1.3333333333333333, 0.0, 0.0, 0.0]
    """
    import numpy as np
    import scipy.sparse as sp

    sources = np.asarray(sources, dtype=np.int64)
    if n < 3 or len(i) == 0 or sources.size == 0:
        return np.zeros(n, dtype=np.float64)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    a = sp.csr_matrix((np.ones(2 * i.size), (np.concatenate([i, j]), np.concatenate([j, i]))),
                      shape=(n, n))  # fmt: skip
    a.data[:] = 1.0  # a repeated link is one link
    dep = _brandes_batched(a, cells=_ESTIMATE_CELLS, sources=sources)
    return dep * (n / sources.size) / ((n - 1) * (n - 2))


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The connected component of each of ``n`` nodes linked by ``(i, j)``, named by its
    lowest node id.

    Union by the lower root and pointer jumping, in numpy: the same partition as
    ``scipy.sparse.csgraph.connected_components`` (whose import costs a map of a few
    hundred records a tenth of a second), each round at least halving what is left.

    >>> import numpy as np
    >>> components(6, np.array([4, 1, 2]), np.array([1, 3, 3])).tolist()
    [0, 1, 1, 1, 1, 5]
    """
    import numpy as np

    parent = np.arange(n, dtype=np.int64)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    while i.size:
        ri, rj = parent[i], parent[j]
        apart = ri != rj
        if not apart.any():
            break
        i, j, ri, rj = i[apart], j[apart], ri[apart], rj[apart]
        low, high = np.minimum(ri, rj), np.maximum(ri, rj)
        np.minimum.at(parent, high, low)  # each root hooked under a lower one: no cycles
        while True:  # every node straight to its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    return parent


#: Mean degree from which a component's betweenness is computed in matrix form.
DENSE_DEGREE = 32.0


def _dense_components(n: int, i: np.ndarray, j: np.ndarray) -> tuple[Any, Any, np.ndarray]:
    """Betweenness of the densely linked components (mean degree ≥ :data:`DENSE_DEGREE`),
    normalised over the whole graph's ``n``; returns the links of the other components,
    left to the graph library, and the values (0 outside the dense components)."""
    import numpy as np
    import scipy.sparse as sp

    out = np.zeros(n)
    a = sp.csr_matrix((np.ones(2 * i.size), (np.concatenate([i, j]), np.concatenate([j, i]))),
                      shape=(n, n))  # fmt: skip
    a.data[:] = 1.0  # a repeated link is one link
    comp = components(n, i, j)
    size = np.bincount(comp, minlength=n)
    links = np.bincount(comp[i], minlength=n)
    dense = (size >= 3) & (2.0 * links >= DENSE_DEGREE * size)
    if not dense.any():
        return i, j, out
    for c in np.flatnonzero(dense).tolist():
        members = np.flatnonzero(comp == c)
        out[members] = _brandes_batched(a[members][:, members].tocsr())
    out /= (n - 1) * (n - 2)
    keep = ~dense[comp[i]]
    return i[keep], j[keep], out


def _brandes_batched(adj: Any, cells: int = 4_000_000, sources: Any = None) -> np.ndarray:
    """Brandes' (2001) betweenness (sum over ordered source–target pairs, unnormalised) of
    an unweighted graph given as a symmetric 0/1 CSR matrix, for a batch of
    sources at once: the path counts σ of every (node, source) pair grow level by level as
    ``adj @ frontier``; then the dependencies δ flow back level by level,
    δ_v += σ_v Σ_{w at the next level} (1 + δ_w) / σ_w. ``cells`` bounds the size of
    the (nodes × sources) arrays. ``sources`` (default: every node) limits the sum to the
    paths from those nodes: the dependencies of Brandes & Pich's (2007) pivots.

    >>> import numpy as np, scipy.sparse as sp
    >>> star = sp.csr_matrix(np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]))
    >>> _brandes_batched(star).tolist()  # the centre: 3 × 2 ordered pairs of leaves
    [6.0, 0.0, 0.0, 0.0]
    >>> _brandes_batched(star, sources=np.array([1])).tolist()  # from leaf 1 to the 2 others
    [2.0, 0.0, 0.0, 0.0]
    """
    import numpy as np

    m = adj.shape[0]
    adj = adj.astype(np.float64)
    total = np.zeros(m)
    every = np.arange(m) if sources is None else np.asarray(sources, dtype=np.int64)
    batch = max(1, min(m, cells // max(m, 1)))
    for first in range(0, every.size, batch):
        src = every[first : first + batch]
        cols = np.arange(src.size)
        sigma = np.zeros((m, src.size))
        sigma[src, cols] = 1.0
        seen = sigma > 0
        front = sigma.copy()
        levels = []  # flat indices of the (node, source) cells reached at each level ≥ 1
        while True:
            reach = adj @ front
            new = (reach > 0) & ~seen
            flat = np.flatnonzero(new)
            if flat.size == 0:
                break
            seen |= new
            sigma.flat[flat] = reach.flat[flat]
            front = np.zeros_like(sigma)
            front.flat[flat] = sigma.flat[flat]
            levels.append(flat)
        delta = np.zeros_like(sigma)
        coef = np.zeros_like(sigma)
        for depth in range(len(levels) - 1, 0, -1):
            here, below = levels[depth], levels[depth - 1]
            coef[:] = 0.0
            coef.flat[here] = (1.0 + delta.flat[here]) / sigma.flat[here]
            back = adj @ coef
            delta.flat[below] += sigma.flat[below] * back.flat[below]
        total += delta.sum(axis=1)
    return total


def sigma(betweenness_values: np.ndarray, burst_strength: np.ndarray) -> np.ndarray:
    """Chen et al.'s (2009) sigma: ``(betweenness + 1) ** burst_strength``.

    On very large corpora burst strengths reach the thousands and sigma leaves the range of
    a float: such values are reported as the largest finite float (``1.8e308``), which keeps
    the ranking and keeps CSV/JSON outputs numeric, instead of ``inf``.

    >>> import numpy as np
    >>> sigma(np.array([0.5, 0.0, 0.2]), np.array([2.0, 3.0, 0.0])).tolist()
    [2.25, 1.0, 1.0]
    """
    import numpy as np

    b = np.asarray(betweenness_values, dtype=np.float64)
    s = np.nan_to_num(np.asarray(burst_strength, dtype=np.float64), nan=0.0)
    with np.errstate(over="ignore"):
        out = np.power(b + 1.0, s)
    return np.minimum(out, np.finfo(np.float64).max)
