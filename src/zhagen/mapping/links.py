"""Link strength: raw co-occurrence counts or a normalised similarity.

For two terms :math:`i, j` with frequencies :math:`w_i, w_j` (records holding the term) and
co-occurrence count :math:`c_{ij}` (records holding both), over :math:`N` records:

``count``
    :math:`s_{ij} = c_{ij}`.
``cosine`` (Salton's cosine, CiteSpace's default)
    :math:`s_{ij} = c_{ij} / \\sqrt{w_i w_j}`, in (0, 1].
``jaccard``
    :math:`s_{ij} = c_{ij} / (w_i + w_j - c_{ij})`, in (0, 1].
``association`` (association strength, van Eck & Waltman 2009)
    van Eck & Waltman define :math:`AS_{ij} = c_{ij} / (w_i w_j)`. zhagen reports it scaled by
    the number of records :math:`N`, :math:`s_{ij} = N c_{ij} / (w_i w_j)`: the ratio of the
    observed co-occurrences to those expected if the two terms occurred independently
    (1 = chance level). The constant factor changes no ranking, MST, Pathfinder network,
    modularity-optimal partition or silhouette; it only makes the numbers readable.

References
----------
van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of
some well-known similarity measures. *JASIST* 60(8), 1635–1651.
Chen, C. (2006). CiteSpace II. *JASIST* 57(3), 359–377.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = ["LINK_METHODS", "link_strength", "upper_edges"]

#: The link normalisations :func:`link_strength` knows.
LINK_METHODS = ("count", "cosine", "jaccard", "association")


def link_strength(
    counts: np.ndarray,
    w_i: np.ndarray,
    w_j: np.ndarray,
    method: str = "cosine",
    n_records: int | None = None,
) -> np.ndarray:
    """Normalise co-occurrence counts of edges ``(i, j)``.

    Parameters
    ----------
    counts:
        :math:`c_{ij}` of each edge.
    w_i, w_j:
        Frequencies of the two end terms of each edge.
    method:
        One of :data:`LINK_METHODS`.
    n_records:
        :math:`N`, needed for ``association`` only.

    Returns
    -------
    numpy.ndarray
        float64 strengths, one per edge.

    Examples
    --------
    >>> import numpy as np
    >>> c, wi, wj = np.array([2]), np.array([4]), np.array([4])
    >>> float(link_strength(c, wi, wj, "cosine")[0])
    0.5
    >>> float(link_strength(c, wi, wj, "jaccard")[0])
    0.3333333333333333
    >>> float(link_strength(c, wi, wj, "association", n_records=8)[0])  # 8·2/(4·4)
    1.0
    """
    import numpy as np

    c = np.asarray(counts, dtype=np.float64)
    a = np.asarray(w_i, dtype=np.float64)
    b = np.asarray(w_j, dtype=np.float64)
    if method == "count":
        return c.copy()
    if method == "cosine":
        return c / np.sqrt(a * b)
    if method == "jaccard":
        return c / (a + b - c)
    if method == "association":
        if n_records is None:
            raise ValueError("association strength needs n_records")
        return float(n_records) * c / (a * b)
    raise ParameterError(
        f"未知的连线强度算法 {method!r}；可选：{', '.join(LINK_METHODS)}。",
        f"unknown --link {method!r}; choose one of: {', '.join(LINK_METHODS)}.",
    )


def upper_edges(cooc: sp.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges ``i < j`` with a positive count of a symmetric co-occurrence matrix.

    Returns ``(i, j, count)`` sorted by ``i`` then ``j``.

    >>> import scipy.sparse as sp
    >>> i, j, c = upper_edges(sp.csr_matrix([[2, 1, 0], [1, 3, 2], [0, 2, 2]]))
    >>> i.tolist(), j.tolist(), c.tolist()
    ([0, 1], [1, 2], [1, 2])
    """
    import numpy as np
    import scipy.sparse as sp

    upper = sp.triu(cooc, k=1).tocoo()
    keep = upper.data > 0
    i = upper.row[keep].astype(np.int64)
    j = upper.col[keep].astype(np.int64)
    c = upper.data[keep].astype(np.int64)
    order = np.lexsort((j, i))
    return i[order], j[order], c[order]
