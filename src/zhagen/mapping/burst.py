"""Burst detection: Kleinberg's (2002) two-state automaton for batched data.

For one term, time point :math:`t` (a time slice) holds :math:`d_t` records, :math:`r_t` of
them with the term. The base state 0 emits the term with probability
:math:`p_0 = \\sum_t r_t / \\sum_t d_t`, the burst state 1 with :math:`p_1 = s \\, p_0`
(capped at 0.99999, as in the ``burst_detection`` package). The cost of fitting
:math:`t` in state :math:`j` is the negative log-likelihood of a binomial draw,

.. math:: \\sigma_j(t) = -\\ln\\left[\\binom{d_t}{r_t} p_j^{r_t} (1 - p_j)^{d_t - r_t}\\right],

moving up from state 0 to 1 costs :math:`\\gamma \\ln n` (:math:`n` = number of time
points), moving down is free, and the automaton starts in state 0. The state sequence of
least total cost is found by the Viterbi algorithm (dynamic programming over the whole
sequence, as Kleinberg defines it), vectorised over terms. The binomial coefficient is
the same in both states and is left out: it changes neither the optimal sequence nor the
burst strength.

A burst is a maximal run of state 1; its *strength* is the sum over its time points of
the cost saved by the burst state, :math:`\\sum_t [\\sigma_0(t) - \\sigma_1(t)]` (the weight
of ``burst_detection.burst_weights``; CiteSpace's "Strength" column is of this kind).
Runs shorter than ``min_duration`` time points are dropped.

Parameters and CiteSpace's Burstness panel
    =====================  ==========================  ==================================
    zhagen (``MapParams``)  CiteSpace's panel           Kleinberg (2002)
    =====================  ==========================  ==================================
    ``burst_s`` = 2         α1/α0 = 2 (αi/αi−1)         s, the ratio of the state rates
    ``burst_gamma`` = 1     γ [0,1] = 1                 γ, the transition cost γ·ln n
    ``burst_min_duration``  Minimum Duration = 2        (none: a filter on the result)
    = 2
    =====================  ==========================  ==================================

    CiteSpace's panel writes the exponential model ``f(x) = α e^{-αx}``: its α are the
    event rates of the states, so α1/α0 is Kleinberg's s, and its γ is the coefficient of
    the cost of moving up a state ("to find more bursts, reduce the gamma value", CiteSpace
    glossary, *Burstness*). That glossary also uses the words "state transition cost α"
    and "growth rate γ" in the opposite sense; the panel's fields, not those words, are
    what a setting is reproduced from: s ↔ α1/α0, γ ↔ γ. With two states only α1/α0
    matters. The ``burst_detection`` package (Marinsek, PyPI, 0.1.3) uses the same names
    and defaults as zhagen (``s = 2``, ``gamma = 1``). Note: ``burst_detection`` 0.1.3 picks each state greedily given the
previous one instead of minimising the total cost, and its licence is "free for
non-commercial use"; zhagen neither uses nor copies it — the tests check this module
against an exhaustive search over all state sequences.

References
----------
Kleinberg, J. (2002). Bursty and hierarchical structure in streams. *Proc. 8th ACM SIGKDD*,
91–101 (journal version: *Data Mining and Knowledge Discovery* 7, 373–397, 2003).
Chen, C. (2006). CiteSpace II. *JASIST* 57(3), 359–377 (burst terms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["P1_CAP", "BurstResult", "fit_costs", "viterbi_states", "detect_bursts"]

#: Upper bound of the burst-state probability p1 (as in ``burst_detection``).
P1_CAP = 0.99999


@dataclass
class BurstResult:
    """Bursts of several terms: parallel arrays, one entry per burst.

    ``term`` indexes the rows of the count matrix; ``begin`` and ``end`` are time-point
    indices (inclusive); ``strength`` is the summed cost saving.
    """

    term: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    strength: np.ndarray
    states: np.ndarray  # (terms, n) bool: the optimal state sequences


def fit_costs(
    r: np.ndarray, d: np.ndarray, s: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Costs of the two states at every time point, without the binomial coefficient.

    Parameters
    ----------
    r:
        Counts ``(terms, n)`` (or ``(n,)``).
    d:
        Totals ``(n,)``.
    s:
        Ratio ``p1 / p0`` (> 1).

    Returns
    -------
    cost0, cost1 : numpy.ndarray
        Shape ``(terms, n)``.
    can_burst : numpy.ndarray
        Boolean per term: ``p1 > p0`` (false for a term never or always present).

    Examples
    --------
    >>> import numpy as np
    >>> c0, c1, ok = fit_costs(np.array([[1, 3]]), np.array([4, 4]))
    >>> p0 = 0.5
    >>> bool(np.isclose(c0[0, 1], -(3 * np.log(p0) + 1 * np.log(1 - p0))))
    True
    """
    import numpy as np

    r = np.atleast_2d(np.asarray(r, dtype=np.float64))
    d = np.asarray(d, dtype=np.float64)
    total = float(d.sum())
    p0 = r.sum(axis=1) / total if total > 0 else np.zeros(r.shape[0])
    p1 = np.minimum(s * p0, P1_CAP)
    can = (p0 > 0) & (p1 > p0)
    miss = d[None, :] - r

    def cost(p: np.ndarray) -> np.ndarray:
        pc = np.clip(p, 1e-300, 1.0)[:, None]
        qc = np.clip(1.0 - p, 1e-300, 1.0)[:, None]
        hit = np.where(r > 0, r * np.log(pc), 0.0)
        return -(hit + np.where(miss > 0, miss * np.log(qc), 0.0))

    return cost(p0), cost(p1), can


def viterbi_states(cost0: np.ndarray, cost1: np.ndarray, up_cost: float) -> np.ndarray:
    """Least-cost state sequences of the two-state automaton, one row per term.

    The automaton starts in state 0; entering state 1 costs ``up_cost``; leaving it is free.
    On a tie the lower state wins. Returns a boolean array (True = burst state).

    Examples
    --------
    >>> import numpy as np
    >>> viterbi_states(np.array([[0., 9., 0.]]), np.array([[1., 0., 1.]]), 2.0).tolist()
    [[False, True, False]]
    """
    import numpy as np

    c0 = np.atleast_2d(cost0)
    c1 = np.atleast_2d(cost1)
    m, n = c0.shape
    back0 = np.zeros((m, n), dtype=bool)  # True: arrived in 0 from state 1
    back1 = np.zeros((m, n), dtype=bool)  # True: arrived in 1 from state 1
    acc0 = c0[:, 0].copy()
    acc1 = up_cost + c1[:, 0]
    for t in range(1, n):
        from1_to0 = acc1 < acc0
        stay1 = acc1 < acc0 + up_cost
        new0 = np.where(from1_to0, acc1, acc0) + c0[:, t]
        new1 = np.where(stay1, acc1, acc0 + up_cost) + c1[:, t]
        back0[:, t], back1[:, t] = from1_to0, stay1
        acc0, acc1 = new0, new1
    states = np.zeros((m, n), dtype=bool)
    cur = acc1 < acc0
    for t in range(n - 1, -1, -1):
        states[:, t] = cur
        cur = np.where(cur, back1[:, t], back0[:, t])
    return states


def _runs(states: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, begin, end) of every maximal run of True in a boolean matrix."""
    import numpy as np

    m, n = states.shape
    padded = np.zeros((m, n + 2), dtype=np.int8)
    padded[:, 1:-1] = states
    diff = np.diff(padded, axis=1)
    rows_b, begin = np.nonzero(diff == 1)
    rows_e, end = np.nonzero(diff == -1)
    # both are in row-major order, so the k-th start pairs with the k-th end
    assert np.array_equal(rows_b, rows_e)
    return rows_b, begin, end - 1


def detect_bursts(
    r: np.ndarray,
    d: np.ndarray,
    s: float = 2.0,
    gamma: float = 1.0,
    min_duration: int = 1,
) -> BurstResult:
    """Kleinberg bursts of every term (row of ``r``) over the time points of ``d``.

    Parameters
    ----------
    r:
        ``(terms, n)`` counts of records holding each term at each time point.
    d:
        ``(n,)`` number of records at each time point.
    s:
        State ratio ``p1/p0`` (> 1; CiteSpace and ``burst_detection`` default 2).
    gamma:
        Difficulty of moving up a state (≥ 0; default 1).
    min_duration:
        Drop bursts shorter than this many time points.

    Examples
    --------
    A term absent for five years and then frequent: p0 = 17/70, p1 = 2 p0, and the
    strength is 8 ln 2 + 2 ln((1 − p1)/(1 − p0)) + 9 ln 2 + ln((1 − p1)/(1 − p0)):

    >>> import numpy as np
    >>> res = detect_bursts(np.array([[0, 0, 0, 0, 0, 8, 9]]), np.full(7, 10))
    >>> res.begin.tolist(), res.end.tolist(), round(float(res.strength[0]), 2)
    ([5], [6], 10.62)
    """
    import numpy as np

    if not s > 1:
        raise ParameterError(
            f"突发检测参数 s 必须大于 1（当前为 {s}）。",
            f"the burst state ratio s must be greater than 1 (got {s}).",
        )
    if gamma < 0 or min_duration < 1:
        raise ParameterError(
            f"突发检测参数 γ 不能为负、最短持续时间至少为 1（当前 γ={gamma}，"
            f"最短持续时间={min_duration}）。",
            f"burst gamma must be ≥ 0 and the minimum duration ≥ 1 (got gamma={gamma}, "
            f"min duration={min_duration}).",
        )
    r = np.atleast_2d(np.asarray(r, dtype=np.float64))
    n = r.shape[1]
    if n == 0 or r.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return BurstResult(empty, empty, empty, np.zeros(0), np.zeros(r.shape, dtype=bool))
    c0, c1, can = fit_costs(r, d, s)
    up = gamma * np.log(n) if n > 1 else 0.0
    states = viterbi_states(c0, c1, up) & can[:, None]
    rows, begin, end = _runs(states)
    gain = np.cumsum(np.concatenate([np.zeros((r.shape[0], 1)), c0 - c1], axis=1), axis=1)
    strength = gain[rows, end + 1] - gain[rows, begin]
    keep = (end - begin + 1) >= min_duration
    return BurstResult(rows[keep], begin[keep], end[keep], strength[keep], states)
