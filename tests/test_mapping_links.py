"""Link normalisation (zhagen.mapping.links)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from zhagen.errors import ParameterError
from zhagen.mapping.links import link_strength, upper_edges

C = np.array([3, 1, 2])
WI = np.array([4, 2, 5])
WJ = np.array([6, 8, 2])


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("count", [3, 1, 2]),
        ("cosine", [3 / np.sqrt(24), 1 / 4, 2 / np.sqrt(10)]),
        ("jaccard", [3 / 7, 1 / 9, 2 / 5]),
        # the occurrence-based association strength was called "association" up to 0.4
        ("association-occurrence", [10 * 3 / 24, 10 * 1 / 16, 10 * 2 / 10]),
    ],
)
def test_formulas(method: str, expected: list[float]) -> None:
    got = link_strength(C, WI, WJ, method, n_records=10)
    assert np.allclose(got, expected)


def test_bounds_and_identical_terms() -> None:
    # two terms always together: cosine = Jaccard = 1, association = N / w
    assert link_strength([5], [5], [5], "cosine")[0] == pytest.approx(1.0)
    assert link_strength([5], [5], [5], "jaccard")[0] == pytest.approx(1.0)
    occ = "association-occurrence"
    assert link_strength([5], [5], [5], occ, n_records=20)[0] == pytest.approx(4.0)
    # independent terms: association strength at chance level = 1
    assert link_strength([25], [50], [50], occ, n_records=100)[0] == pytest.approx(1.0)


def test_vosviewer_association_strength_by_hand() -> None:
    """2m·c/(k_i k_j) with total link strengths (VOSviewer, CWTS networkanalysis).

    Triangle a–b (3), b–c (1), a–c (2): k = (5, 4, 3), 2m = 12."""
    got = link_strength(C[[0, 1, 2]], WI, WJ, "association",
                        k_i=np.array([5, 4, 5]), k_j=np.array([4, 3, 3]))  # fmt: skip
    assert np.allclose(got, [12 * 3 / 20, 12 * 1 / 12, 12 * 2 / 15])
    with pytest.raises(ValueError):
        link_strength(C, WI, WJ, "association")


def test_unknown_method() -> None:
    with pytest.raises(ParameterError):
        link_strength(C, WI, WJ, "pearson")


def test_upper_edges() -> None:
    m = sp.csr_matrix(np.array([[3, 2, 0, 1], [2, 4, 1, 0], [0, 1, 1, 0], [1, 0, 0, 2]]))
    i, j, c = upper_edges(m)
    assert list(zip(i.tolist(), j.tolist(), c.tolist(), strict=True)) == [
        (0, 1, 2),
        (0, 3, 1),
        (1, 2, 1),
    ]
