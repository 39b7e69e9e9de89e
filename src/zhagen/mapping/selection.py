"""Node selection per time slice (CiteSpace's top N, top N% and g-index) and slicing.

CiteSpace builds one network per time slice from the items selected in that slice and
merges them (Chen 2006). zhagen does the same: :func:`select_per_slice` ranks the terms of
every slice by their frequency in that slice and keeps the top ones by one of three
criteria; the merged network holds the union of the selected terms, its links merged
from the slice networks by default (:mod:`zhagen.mapping.pipeline`, step 5).

Ranking and ties
    Terms are ranked by frequency in the slice, descending. Ties are broken by the term's
    frequency over all records (descending), then by its first year (earlier first), and
    only then by its position in the vocabulary (code-point order), so a selection is
    deterministic. A cut-off inside a group of tied terms keeps exactly the requested
    number (CiteSpace does the same for top N). Breaking ties by code point alone gave the
    tie slots to ASCII terms (127 of 166 on a real CNKI map), whose code points come before
    every Han character.

g-index with scale factor k
    Egghe (2006) defines the g-index of a ranked list :math:`c_1 \\ge c_2 \\ge \\dots` as the
    largest :math:`g` with :math:`\\sum_{i \\le g} c_i \\ge g^2`. CiteSpace (from 4.0.R3)
    uses a modified g-index with a scale factor :math:`k`: the largest :math:`g` with

    .. math:: g^2 \\le k \\sum_{i \\le g} c_i ,

    so that a larger :math:`k` selects *more* nodes and :math:`k = 1` is Egghe's g-index.
    That is the definition implemented here (``g_index``). Unlike Egghe, :math:`g` never
    exceeds the number of terms present in the slice (no fictitious zero-frequency items).
    Because :math:`k \\sum_{i \\le g} c_i - g^2` is concave in :math:`g`, the set of admissible
    :math:`g` is an interval starting at 0, so "the largest" is well defined.

References
----------
Chen, C. (2006). CiteSpace II. *JASIST* 57(3), 359–377.
Egghe, L. (2006). Theory and practise of the g-index. *Scientometrics* 69(1), 131–152.
Chen, C. CiteSpace 101, §6.4 "Node selection" (the g-index with scale factor k).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Slice",
    "make_slices",
    "rank_terms",
    "g_index",
    "select_top",
    "select_top_percent",
    "select_g_index",
    "select_per_slice",
]


@dataclass(frozen=True)
class Slice:
    """A time slice: the years ``begin``..``end`` inclusive (``None`` for undated data)."""

    begin: int | None
    end: int | None


def make_slices(first: int, last: int, years_per_slice: int) -> list[Slice]:
    """Cut the years ``first..last`` into consecutive slices of ``years_per_slice`` years.

    The last slice is shortened to end at ``last``.

    >>> make_slices(2000, 2004, 2)
    [Slice(begin=2000, end=2001), Slice(begin=2002, end=2003), Slice(begin=2004, end=2004)]
    """
    if years_per_slice < 1:
        raise ParameterError(
            f"时间切片长度必须至少为 1 年（当前为 {years_per_slice}）。",
            f"--slice must be at least 1 year (got {years_per_slice}).",
        )
    return [
        Slice(b, min(b + years_per_slice - 1, last))
        for b in range(first, last + 1, years_per_slice)
    ]


def rank_terms(
    counts: np.ndarray,
    frequency: np.ndarray | None = None,
    first_year: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the terms with a positive count: by count descending, then by overall
    ``frequency`` descending, then ``first_year`` ascending (when given), then index.

    >>> import numpy as np
    >>> rank_terms(np.array([1, 3, 0, 3])).tolist()
    [1, 3, 0]
    >>> rank_terms(np.array([2, 2, 2]), frequency=np.array([5, 9, 9]),
    ...            first_year=np.array([2001, 2004, 2002])).tolist()
    [2, 1, 0]
    """
    import numpy as np

    counts = np.asarray(counts)
    present = np.flatnonzero(counts > 0)
    keys = [present]
    if first_year is not None:
        keys.append(np.asarray(first_year, dtype=np.float64)[present])
    if frequency is not None:
        keys.append(-np.asarray(frequency, dtype=np.float64)[present])
    keys.append(-counts[present])
    order = np.lexsort(tuple(keys))
    return present[order]


def g_index(counts: np.ndarray, k: float = 1.0) -> int:
    """CiteSpace's g-index with scale factor ``k``: the largest g with g² ≤ k·Σ_{i≤g} c_i.

    ``counts`` need not be sorted; zeros are ignored; ``g`` is at most the number of
    positive counts. ``k = 1`` is Egghe's (2006) g-index.

    Examples
    --------
    Egghe's example: citations 10, 8, 5, 4, 3 — cumulative 10, 18, 23, 27, 30 ≥ 1, 4, 9,
    16, 25 — so g = 5 (capped at the five items):

    >>> g_index([10, 8, 5, 4, 3])
    5
    >>> g_index([4, 1, 1, 1, 1, 1, 1])  # cumulative 4, 5, 6, 7 vs 1, 4, 9: g = 2
    2
    >>> g_index([4, 1, 1, 1, 1, 1, 1], k=2)  # 2·cumulative 8, 10, 12, 14 vs 1, 4, 9, 16: g = 3
    3
    """
    import numpy as np

    if not k > 0:
        raise ParameterError(
            f"g 指数的比例因子 k 必须为正数（当前为 {k}）。",
            f"the g-index scale factor k must be positive (got {k}).",
        )
    c = np.sort(np.asarray(counts, dtype=np.float64))[::-1]
    c = c[c > 0]
    if c.size == 0:
        return 0
    g = np.arange(1, c.size + 1, dtype=np.float64)
    ok = g * g <= k * np.cumsum(c) * (1 + 1e-12)
    # the admissible g form an interval 1..g*, so the last admissible one is the answer
    return int(np.flatnonzero(ok)[-1] + 1) if ok.any() else 0


def select_top(counts: np.ndarray, n: int, **ties: np.ndarray | None) -> np.ndarray:
    """The ``n`` most frequent terms of a slice (fewer if fewer are present).

    >>> import numpy as np
    >>> select_top(np.array([5, 0, 2, 5, 1]), 2).tolist()
    [0, 3]
    """
    if n < 1:
        raise ParameterError(
            f"每个切片选取的节点数 top 必须至少为 1（当前为 {n}）。",
            f"--top must be at least 1 (got {n}).",
        )
    return rank_terms(counts, **ties)[:n]


def select_top_percent(counts: np.ndarray, percent: float, **ties: np.ndarray | None) -> np.ndarray:
    """The top ``percent`` % of the terms present in a slice, rounded up (at least one).

    >>> import numpy as np
    >>> select_top_percent(np.array([5, 4, 3, 2, 1, 0]), 30).tolist()  # ceil(0.3 · 5) = 2
    [0, 1]
    """
    if not 0 < percent <= 100:
        raise ParameterError(
            f"top_percent 必须在 (0, 100] 之间（当前为 {percent}）。",
            f"--top-percent must be in (0, 100] (got {percent}).",
        )
    ranked = rank_terms(counts, **ties)
    n = math.ceil(ranked.size * percent / 100 - 1e-9)
    return ranked[: max(n, 1)] if ranked.size else ranked


def select_g_index(counts: np.ndarray, k: float, **ties: np.ndarray | None) -> np.ndarray:
    """The top g terms of a slice, g being CiteSpace's g-index with scale factor ``k``.

    >>> import numpy as np
    >>> select_g_index(np.array([1, 4, 1, 1, 0, 1]), k=1).tolist()
    [1, 0]
    """
    return rank_terms(counts, **ties)[: g_index(counts, k)]


def select_per_slice(
    slice_counts: np.ndarray,
    *,
    top: int | None = None,
    top_percent: float | None = None,
    g_index_k: float | None = None,
    eligible: np.ndarray | None = None,
    frequency: np.ndarray | None = None,
    first_year: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Select terms in every slice by exactly one criterion.

    Parameters
    ----------
    slice_counts:
        Array ``(n_slices, n_terms)``: records of each slice holding each term.
    top, top_percent, g_index_k:
        The criterion (exactly one is not ``None``).
    eligible:
        Optional boolean mask of the terms that may be selected at all (e.g. overall
        frequency ≥ ``min_freq``); others count as absent.
    frequency, first_year:
        Optional per-term tie-breakers (see "Ranking and ties").

    Returns
    -------
    list of numpy.ndarray
        The selected term indices of each slice, best first.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[3, 1, 0], [0, 2, 5]])
    >>> [s.tolist() for s in select_per_slice(counts, top=1)]
    [[0], [2]]
    """
    import numpy as np

    from zhagen.params import check_exclusive

    check_exclusive({"top": top, "top_percent": top_percent, "g_index": g_index_k})
    counts = np.asarray(slice_counts)
    if eligible is not None:
        counts = np.where(np.asarray(eligible, dtype=bool)[None, :], counts, 0)
    ties = {"frequency": frequency, "first_year": first_year}
    out = []
    for row in counts:
        if top is not None:
            out.append(select_top(row, int(top), **ties))
        elif top_percent is not None:
            out.append(select_top_percent(row, float(top_percent), **ties))
        else:
            out.append(select_g_index(row, float(g_index_k), **ties))  # type: ignore[arg-type]
    return out
