"""Network pruning: minimum spanning tree and Pathfinder PFNET(q = n − 1, r = ∞).

Both work on the link *distance* :math:`d_{ij} = 1 / s_{ij}` (the reciprocal of the link
strength); since that is a decreasing function of the strength, a minimum spanning tree on
distance is a maximum spanning tree on strength and the functions below only need the
order of the strengths.

``mst``
    Kruskal's algorithm (strongest link first). Ties are broken by the end-node ids, so the
    tree is deterministic. On a disconnected network it is a spanning forest.
``pathfinder``
    Schvaneveldt's (1990) PFNET with :math:`r = \\infty` (a path's length is its longest
    link) and :math:`q = n - 1` (paths of any length). A link survives iff no other path
    between its end nodes has a smaller length, i.e. iff no path joins the two nodes whose
    every link is strictly shorter than it. That is exactly the union of all minimum
    spanning trees, which is what this computes: the links are taken in groups of equal
    distance (shortest first); a link is kept iff its end nodes are not yet joined by the
    strictly shorter links already merged; then the whole group is merged. Distances
    within a relative ``rtol`` of each other count as ties (floating point normalisations
    can make mathematically equal strengths differ in the last bit).

References
----------
Schvaneveldt, R. W. (Ed.) (1990). *Pathfinder Associative Networks: Studies in Knowledge
Organization*. Norwood, NJ: Ablex.
Chen, C. (2004). Searching for intellectual turning points: Progressive knowledge domain
visualization. *PNAS* 101(suppl. 1), 5303–5310 (Pathfinder and MST pruning in CiteSpace).
Kruskal, J. B. (1956). On the shortest spanning subtree of a graph. *Proc. AMS* 7, 48–50.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PRUNE_METHODS", "mst_mask", "pathfinder_mask", "prune_mask"]

#: The pruning methods :func:`prune_mask` knows.
PRUNE_METHODS = ("none", "pathfinder", "mst")


class _UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True


def _strongest_first(i: np.ndarray, j: np.ndarray, strength: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.lexsort((np.asarray(j), np.asarray(i), -np.asarray(strength, dtype=np.float64)))


def mst_mask(n: int, i: np.ndarray, j: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Boolean mask of the links in the maximum-strength spanning forest (Kruskal).

    Parameters
    ----------
    n:
        Number of nodes.
    i, j:
        End nodes of each link.
    strength:
        Link strength (larger = closer); the distance is ``1 / strength``.

    Examples
    --------
    A triangle with strengths 3, 2, 1: the weakest link goes.

    >>> import numpy as np
    >>> mst_mask(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([3., 2., 1.])).tolist()
    [True, True, False]
    """
    import numpy as np

    keep = np.zeros(len(strength), dtype=bool)
    uf = _UnionFind(n)
    ii, jj = np.asarray(i).tolist(), np.asarray(j).tolist()
    for e in _strongest_first(i, j, strength).tolist():
        if uf.union(ii[e], jj[e]):
            keep[e] = True
    return keep


def _tie_groups(sorted_strength: np.ndarray, rtol: float) -> np.ndarray:
    """Start offsets of the runs of (relatively) equal values in a descending array."""
    import numpy as np

    s = np.asarray(sorted_strength, dtype=np.float64)
    if s.size == 0:
        return np.zeros(0, dtype=np.int64)
    gap = (s[:-1] - s[1:]) > rtol * np.maximum(np.abs(s[:-1]), np.abs(s[1:]))
    return np.concatenate(([0], np.flatnonzero(gap) + 1))


def pathfinder_mask(
    n: int, i: np.ndarray, j: np.ndarray, strength: np.ndarray, rtol: float = 1e-9
) -> np.ndarray:
    """Boolean mask of the links of PFNET(q = n − 1, r = ∞): the union of all MSTs.

    A link of distance ``d`` is kept iff its end nodes are not connected by a path of
    links all strictly shorter than ``d``.

    Examples
    --------
    A triangle with two equal strong links and one weak one: the weak one violates the
    triangle inequality (r = ∞) and goes; a triangle of three equal links keeps all three
    (each is in some minimum spanning tree).

    >>> import numpy as np
    >>> i, j = np.array([0, 1, 0]), np.array([1, 2, 2])
    >>> pathfinder_mask(3, i, j, np.array([2., 2., 1.])).tolist()
    [True, True, False]
    >>> pathfinder_mask(3, i, j, np.array([1., 1., 1.])).tolist()
    [True, True, True]
    """
    import numpy as np

    strength = np.asarray(strength, dtype=np.float64)
    order = _strongest_first(i, j, strength)
    starts = _tie_groups(strength[order], rtol).tolist() + [len(order)]
    keep = np.zeros(len(strength), dtype=bool)
    uf = _UnionFind(n)
    ii, jj, order_l = np.asarray(i).tolist(), np.asarray(j).tolist(), order.tolist()
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        group = order_l[a:b]
        for e in group:  # judged against strictly shorter links only
            if uf.find(ii[e]) != uf.find(jj[e]):
                keep[e] = True
        for e in group:
            uf.union(ii[e], jj[e])
    return keep


def prune_mask(
    n: int, i: np.ndarray, j: np.ndarray, strength: np.ndarray, method: str = "none"
) -> np.ndarray:
    """Mask of the links kept by ``method`` (``'none'``, ``'pathfinder'`` or ``'mst'``).

    >>> import numpy as np
    >>> prune_mask(2, np.array([0]), np.array([1]), np.array([1.0]), "none").tolist()
    [True]
    """
    import numpy as np

    if method == "none":
        return np.ones(len(strength), dtype=bool)
    if method == "pathfinder":
        return pathfinder_mask(n, i, j, strength)
    if method == "mst":
        return mst_mask(n, i, j, strength)
    raise ParameterError(
        f"未知的剪枝方法 {method!r}；可选：{', '.join(PRUNE_METHODS)}。",
        f"unknown --prune {method!r}; choose one of: {', '.join(PRUNE_METHODS)}.",
    )
