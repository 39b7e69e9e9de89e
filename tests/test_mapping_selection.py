"""Node selection per slice: top N, top N%, g-index (zhagen.mapping.selection)."""

from __future__ import annotations

import numpy as np
import pytest

from zhagen.errors import ParameterError
from zhagen.mapping.selection import (
    Slice,
    g_index,
    make_slices,
    rank_terms,
    select_g_index,
    select_per_slice,
    select_top,
    select_top_percent,
)


def brute_g(counts: list[int], k: float) -> int:
    c = sorted((x for x in counts if x > 0), reverse=True)
    best = 0
    for g in range(1, len(c) + 1):
        if g * g <= k * sum(c[:g]):
            best = g
    return best


@pytest.mark.parametrize(
    ("counts", "k", "expected"),
    [
        ([10, 8, 5, 4, 3], 1, 5),  # Egghe (2006)-style: cumulative 30 ≥ 25
        ([4, 1, 1, 1, 1, 1, 1], 1, 2),  # 4, 5, 6 vs 1, 4, 9
        ([4, 1, 1, 1, 1, 1, 1], 2, 3),  # 8, 10, 12, 14 vs 1, 4, 9, 16
        ([1, 1, 1, 1], 1, 1),  # 1, 2, 3 vs 1, 4, 9
        ([1, 1, 1, 1], 25, 4),  # CiteSpace's default k = 25 keeps all four
        ([0, 0], 1, 0),
        ([], 5, 0),
        ([100], 1, 1),
    ],
)
def test_g_index_worked_examples(counts: list[int], k: float, expected: int) -> None:
    assert g_index(np.array(counts), k) == expected


@pytest.mark.parametrize("seed", range(5))
def test_g_index_matches_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(50):
        counts = rng.integers(0, 30, size=rng.integers(1, 40)).tolist()
        k = float(rng.choice([1, 2, 5, 25, 0.5]))
        assert g_index(np.array(counts), k) == brute_g(counts, k)


def test_larger_k_selects_more() -> None:
    counts = np.array([9, 7, 5, 3, 2, 2, 1, 1, 1, 1, 1, 1])
    sizes = [g_index(counts, k) for k in (1, 2, 5, 25)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_rank_and_ties() -> None:
    assert rank_terms(np.array([2, 5, 2, 0, 5])).tolist() == [1, 4, 0, 2]
    assert select_top(np.array([2, 5, 2, 0, 5]), 3).tolist() == [1, 4, 0]
    assert select_top(np.array([0, 0]), 3).tolist() == []


def test_top_percent_rounds_up() -> None:
    counts = np.array([9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 0])
    assert select_top_percent(counts, 10).tolist() == [0]  # ceil(1.0) = 1
    assert select_top_percent(counts, 25).tolist() == [0, 1, 2]  # ceil(2.5) = 3
    assert select_top_percent(counts, 100).size == 10


def test_select_g_index_and_per_slice() -> None:
    counts = np.array([[4, 1, 1, 1, 0], [0, 0, 3, 3, 3]])
    assert select_g_index(counts[0], 1).tolist() == [0, 1]
    out = select_per_slice(counts, g_index_k=1)
    assert [o.tolist() for o in out] == [[0, 1], [2, 3, 4]]  # 3, 6, 9 vs 1, 4, 9
    out = select_per_slice(counts, top=1, eligible=np.array([False, True, True, True, True]))
    assert [o.tolist() for o in out] == [[1], [2]]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"top": 5, "g_index_k": 2}, {"top": 0}, {"top_percent": 0}, {"top_percent": 101},
     {"g_index_k": 0}],
)  # fmt: skip
def test_bad_criteria(kwargs: dict) -> None:
    with pytest.raises(ParameterError) as err:
        select_per_slice(np.ones((1, 3)), **kwargs)
    assert err.value.zh and err.value.en


def test_make_slices() -> None:
    assert make_slices(2020, 2022, 1) == [Slice(2020, 2020), Slice(2021, 2021), Slice(2022, 2022)]
    assert make_slices(2020, 2024, 3) == [Slice(2020, 2022), Slice(2023, 2024)]
    with pytest.raises(ParameterError):
        make_slices(2020, 2024, 0)


def test_ties_by_frequency_then_first_year_then_code_point() -> None:
    # slice counts all 1: columns 0 'ai' (2 overall, 2021), 1 '数字经济' (3, 2019),
    # 2 '人工智能' (3, 2020), 3 'zz' (2, 2021)
    counts = np.array([1, 1, 1, 1])
    freq = np.array([2, 3, 3, 2])
    first = np.array([2021.0, 2019.0, 2020.0, 2021.0])
    assert rank_terms(counts, frequency=freq, first_year=first).tolist() == [1, 2, 0, 3]
    assert rank_terms(counts).tolist() == [0, 1, 2, 3]  # the code-point order of old
    got = select_per_slice(np.array([counts]), top=2, frequency=freq, first_year=first)
    assert got[0].tolist() == [1, 2]
