"""Link strength: raw co-occurrence counts or a normalised similarity.

For two terms :math:`i, j` with frequencies :math:`w_i, w_j` (records holding the term) and
co-occurrence count :math:`c_{ij}` (records holding both), over :math:`N` records:

``count``
    :math:`s_{ij} = c_{ij}`.
``cosine`` (Salton's cosine, CiteSpace's default)
    :math:`s_{ij} = c_{ij} / \\sqrt{w_i w_j}`, in (0, 1].
``jaccard``
    :math:`s_{ij} = c_{ij} / (w_i + w_j - c_{ij})`, in (0, 1].
``association`` (association strength as VOSviewer computes it)
    :math:`s_{ij} = 2m \\, c_{ij} / (k_i k_j)`, where :math:`k_i = \\sum_j c_{ij}` is term
    :math:`i`'s *total link strength* in the co-occurrence network of the map's nodes (before
    pruning) and :math:`2m = \\sum_i k_i`: the observed co-occurrences over those expected in
    the configuration model. This is CWTS ``Network.createNormalizedNetworkUsingAssociationStrength``
    (networkanalysis, the library of VOSviewer) with node weights set to total link strengths,
    as VOSviewer and VOSviewer Online (``NetworkNormalizer``) set them.
``association-occurrence`` (association strength over occurrences, van Eck & Waltman 2009)
    :math:`s_{ij} = N c_{ij} / (w_i w_j)` with the occurrence counts :math:`w` and the number
    of records :math:`N`: observed co-occurrences over those expected if the two terms
    occurred independently (1 = chance level). van Eck & Waltman define it up to the constant
    :math:`N`, which changes no ranking.

The two association strengths rank links differently (Spearman 0.94–0.95 on the real maps)
and Pathfinder keeps different links (overlap 0.39–0.63).

**Rename.** Up to zhagen 0.4, ``association`` meant the occurrence-based formula, now called
``association-occurrence``. A ``summary.json`` written before the rename has no
``definitions`` key; if its ``params.link`` is ``association``, its strengths are
:math:`N c_{ij} / (w_i w_j)` and ``--link association-occurrence`` reproduces them.
:func:`zhagen.mapping.params.params_of_summary` reads any summary into the parameters that
re-run it, the rename included.

References
----------
van Eck, N. J., & Waltman, L. (2010). Software survey: VOSviewer. *Scientometrics* 84,
523–538.
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

__all__ = ["LINK_METHODS", "LINK_DEFINITIONS", "link_strength", "upper_edges"]

#: The link normalisations :func:`link_strength` knows.
LINK_METHODS = ("count", "cosine", "jaccard", "association", "association-occurrence")

#: One line per method, written into ``summary.json`` next to the strengths.
LINK_DEFINITIONS = {
    "count": "s = c_ij",
    "cosine": "s = c_ij / sqrt(w_i w_j), w = records holding the term (Salton's cosine)",
    "jaccard": "s = c_ij / (w_i + w_j - c_ij)",
    "association": "s = 2m c_ij / (k_i k_j), k = total link strength among the nodes before "
    "pruning, 2m = sum of k (VOSviewer; CWTS createNormalizedNetworkUsingAssociationStrength)",
    "association-occurrence": "s = N c_ij / (w_i w_j), w = records holding the term, "
    "N = records (van Eck & Waltman 2009, scaled by N; zhagen <= 0.4's 'association')",
}


def link_strength(
    counts: np.ndarray,
    w_i: np.ndarray,
    w_j: np.ndarray,
    method: str = "cosine",
    n_records: int | None = None,
    k_i: np.ndarray | None = None,
    k_j: np.ndarray | None = None,
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
        :math:`N`, needed for ``association-occurrence`` only.
    k_i, k_j:
        Total link strengths of the two end terms (``association`` only). ``counts`` must
        then hold every link of the network: :math:`2m = 2 \\sum c_{ij}`.

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
    >>> float(link_strength(c, wi, wj, "association-occurrence", n_records=8)[0])  # 8·2/(4·4)
    1.0

    A path a–b–c with counts 2 and 1 has total link strengths k = 2, 3, 1 and 2m = 6:

    >>> link_strength(np.array([2, 1]), wi, wj, "association",
    ...               k_i=np.array([2, 3]), k_j=np.array([3, 1])).tolist()  # 6·2/6, 6·1/3
    [2.0, 2.0]
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
        if k_i is None or k_j is None:
            raise ValueError("association strength needs the total link strengths k_i, k_j")
        ki = np.asarray(k_i, dtype=np.float64)
        kj = np.asarray(k_j, dtype=np.float64)
        return float(c.sum()) * 2.0 * c / (ki * kj) if c.size else c.copy()
    if method == "association-occurrence":
        if n_records is None:
            raise ValueError("association strength over occurrences needs n_records")
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
