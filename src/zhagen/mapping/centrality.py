"""Node centrality: degree, weighted degree, betweenness (Brandes 2001) and sigma.

Betweenness
    Freeman's betweenness of node :math:`v`, :math:`\\sum_{s \\ne v \\ne t}
    \\sigma_{st}(v) / \\sigma_{st}`, computed with Brandes' (2001) algorithm on the
    *unweighted* links of the map (as CiteSpace does: a link is a link, whatever its
    strength) and normalised for an undirected graph by :math:`(n-1)(n-2)/2`, so that the
    centre of a star scores 1. Backend: ``rustworkx`` when it is installed (Apache-2.0;
    measured 20× faster than networkx on this machine: 1,000 nodes / 20,000 links 0.9 s vs
    17.8 s, 2,000 / 50,000 4.0 s vs 82.8 s, results equal to 1e-17), else ``networkx``.

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
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry*
40(1), 35–41.
Chen, C., Chen, Y., Horowitz, M., Hou, H., Liu, Z., & Pellegrino, D. (2009). Towards an
explanatory and computational theory of scientific discovery. *Journal of Informetrics*
3(3), 191–209.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["degree", "weighted_degree", "betweenness", "betweenness_backend", "sigma"]


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
    edges = list(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), strict=True))
    if backend == "rustworkx":
        import rustworkx as rx

        g = rx.PyGraph(multigraph=False)
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(edges)
        # One thread: rustworkx's parallel version sums path counts in a varying order,
        # so the last digits changed from run to run (same map, different bytes).
        res = rx.betweenness_centrality(g, normalized=True, parallel_threshold=n + 1)
        return np.array([res[k] for k in range(n)], dtype=np.float64)
    if backend == "networkx":
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges)
        res = nx.betweenness_centrality(g, normalized=True)
        return np.array([res[k] for k in range(n)], dtype=np.float64)
    raise ValueError(f"unknown betweenness backend {backend!r}")


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
