"""The silhouette's distances, computed a few rows at a time, are the bits of the same
operations on whole arrays (the form before the rows were finished in the cache)."""

from __future__ import annotations

import numpy as np

from zhagen.mapping.cluster import _distances


def _whole_arrays(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d2 = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    r, c = np.nonzero(d2 < 1e-4)
    diff = a[r] - b[c]
    d2[r, c] = np.einsum("ij,ij->i", diff, diff)
    return np.sqrt(np.maximum(d2, 0.0))


def test_distances_equal_the_whole_array_form_bit_for_bit():
    rng = np.random.default_rng(5)
    b = rng.normal(size=(20_000, 12))
    b /= np.linalg.norm(b, axis=1)[:, None]  # unit rows, as the spectral embedding's
    b[7] = b[3]  # identical rows: exactly 0 apart
    b[9] = b[3] + 1e-9  # close rows: from the differences
    a = b[:150]  # many chunks of one or two rows each
    got = _distances(a, b)
    want = _whole_arrays(a, b)
    assert got.tobytes() == want.tobytes()
    assert got[3, 7] == 0.0 and 0 < got[3, 9] < 1e-8
