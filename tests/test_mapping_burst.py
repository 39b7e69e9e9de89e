"""Kleinberg burst detection (zhagen.mapping.burst) against an exhaustive reference."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest

from zhagen.errors import ParameterError
from zhagen.mapping.burst import P1_CAP, detect_bursts, viterbi_states


def log_binom_pmf(r: int, d: int, p: float) -> float:
    """ln C(d, r) p^r (1 − p)^(d − r), written independently of the module."""
    out = math.lgamma(d + 1) - math.lgamma(r + 1) - math.lgamma(d - r + 1)
    if r:
        out += r * math.log(p)
    if d - r:
        out += (d - r) * math.log(1 - p)
    return out


def reference(r: list[int], d: list[int], s: float, gamma: float):
    """Every state sequence tried; returns (best cost, best sequence, second-best cost)."""
    n = len(r)
    p0 = sum(r) / sum(d)
    p = (p0, min(s * p0, P1_CAP))
    tau = gamma * math.log(n)
    costs = []
    for seq in product((0, 1), repeat=n):
        total, prev = 0.0, 0
        for t, q in enumerate(seq):
            total += (tau if q > prev else 0.0) - log_binom_pmf(r[t], d[t], p[q])
            prev = q
        costs.append((total, seq))
    costs.sort()
    return costs[0][0], costs[0][1], costs[1][0], p


def reference_bursts(seq, r, d, p) -> list[tuple[int, int, float]]:
    out, t = [], 0
    while t < len(seq):
        if seq[t]:
            b = t
            while t + 1 < len(seq) and seq[t + 1]:
                t += 1
            w = sum(log_binom_pmf(r[u], d[u], p[1]) - log_binom_pmf(r[u], d[u], p[0])
                    for u in range(b, t + 1))  # fmt: skip
            out.append((b, t, w))
        t += 1
    return out


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("s", "gamma"), [(2.0, 1.0), (3.0, 0.5), (1.5, 2.0)])
def test_matches_exhaustive_reference(seed: int, s: float, gamma: float) -> None:
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(20):
        n = int(rng.integers(2, 10))
        d = rng.integers(5, 40, size=n)
        rate = rng.uniform(0.02, 0.3)
        r = rng.binomial(d, np.where(rng.random(n) < 0.3, min(3 * rate, 1.0), rate))
        if r.sum() == 0 or r.sum() == d.sum():
            continue
        best, seq, second, p = reference(r.tolist(), d.tolist(), s, gamma)
        if second - best < 1e-7:
            continue  # a tie: any optimal sequence would do
        res = detect_bursts(r[None, :], d, s=s, gamma=gamma)
        assert res.states[0].astype(int).tolist() == list(seq)
        expected = reference_bursts(seq, r.tolist(), d.tolist(), p)
        got = list(zip(res.begin.tolist(), res.end.tolist(), res.strength.tolist(), strict=True))
        assert [(b, e) for b, e, _ in got] == [(b, e) for b, e, _ in expected]
        assert np.allclose([w for *_, w in got], [w for *_, w in expected], atol=1e-9)
        checked += 1
    assert checked >= 10


def test_vectorised_over_terms_equals_one_by_one() -> None:
    rng = np.random.default_rng(42)
    d = rng.integers(20, 60, size=12)
    r = rng.binomial(d[None, :].repeat(30, axis=0), rng.uniform(0.01, 0.4, size=(30, 1)))
    r[:, 8:] *= 2
    r = np.minimum(r, d)
    together = detect_bursts(r, d)
    for k in range(r.shape[0]):
        alone = detect_bursts(r[k : k + 1], d)
        mine = together.term == k
        assert together.begin[mine].tolist() == alone.begin.tolist()
        assert np.allclose(together.strength[mine], alone.strength)


def test_hand_case() -> None:
    # 10 records a year for 7 years; the term appears 8 and 9 times in the last two.
    # p0 = 17/70, p1 = 34/70; τ = ln 7 = 1.95. Burst [5, 6]; its strength is
    # Σ r ln(p1/p0) + (d − r) ln((1 − p1)/(1 − p0)) = 17 ln 2 + 3 ln(36/53)
    r = np.array([[0, 0, 0, 0, 0, 8, 9]])
    res = detect_bursts(r, np.full(7, 10))
    assert (res.begin.tolist(), res.end.tolist()) == ([5], [6])
    assert res.strength[0] == pytest.approx(17 * math.log(2) + 3 * math.log(36 / 53))


def test_min_duration_and_gamma() -> None:
    r = np.array([[0, 0, 9, 0, 0, 0, 0, 0, 0, 0]])
    d = np.full(10, 10)
    assert detect_bursts(r, d).begin.tolist() == [2]
    assert detect_bursts(r, d, min_duration=2).begin.size == 0
    assert detect_bursts(r, d, gamma=50).begin.size == 0


def test_no_burst_possible() -> None:
    d = np.full(5, 10)
    flat = np.full((1, 5), 3)
    assert detect_bursts(flat, d).begin.size == 0  # constant rate
    assert detect_bursts(np.zeros((1, 5)), d).begin.size == 0  # never
    assert detect_bursts(d[None, :], d).begin.size == 0  # always (p0 = 1)
    empty = detect_bursts(np.zeros((0, 5)), d)
    assert empty.term.size == 0


def test_viterbi_tie_prefers_base_state() -> None:
    # staying in state 0 and moving to 1 cost the same: no burst
    assert viterbi_states(np.array([[1.0]]), np.array([[0.0]]), 1.0).tolist() == [[False]]


@pytest.mark.parametrize("kwargs", [{"s": 1.0}, {"gamma": -1}, {"min_duration": 0}])
def test_bad_parameters(kwargs: dict) -> None:
    with pytest.raises(ParameterError):
        detect_bursts(np.ones((1, 3)), np.ones(3), **kwargs)
