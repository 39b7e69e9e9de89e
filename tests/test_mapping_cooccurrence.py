"""Vocabulary, document-term matrix and co-occurrence counts (zhagen.mapping.cooccurrence)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest

from zhagen.mapping.cooccurrence import (
    cooccurrence,
    doc_term_matrix,
    group_counts,
    restrict_terms,
    term_frequencies,
)

RECORDS = [
    ["创新", "新质生产力", "高质量发展"],
    ["创新", "新质生产力"],
    ["改革"],
    [],
    ["创新", "创新"],
]


def naive_counts(records: list[list[str]]) -> tuple[Counter, Counter]:
    freq: Counter = Counter()
    pairs: Counter = Counter()
    for terms in records:
        uniq = sorted(set(t for t in terms if t))
        freq.update(uniq)
        pairs.update(combinations(uniq, 2))
    return freq, pairs


def test_vocabulary_sorted_and_binary() -> None:
    dt = doc_term_matrix(RECORDS)
    assert dt.vocab == sorted({t for r in RECORDS for t in r})
    assert dt.n_records == 5
    x = dt.matrix.toarray()
    assert set(np.unique(x)) <= {0, 1}
    assert x[4].sum() == 1  # duplicate term in a record counts once
    assert x[3].sum() == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_equal_independent_count(seed: int) -> None:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)]
    records = [list(rng.choice(words, size=rng.integers(0, 7))) for _ in range(300)]
    dt = doc_term_matrix(records)
    c = cooccurrence(dt.matrix).toarray()
    freq, pairs = naive_counts(records)
    idx = {t: k for k, t in enumerate(dt.vocab)}
    assert term_frequencies(dt.matrix).tolist() == [freq[t] for t in dt.vocab]
    assert np.array_equal(np.diag(c), term_frequencies(dt.matrix))
    assert np.array_equal(c, c.T)
    for (a, b), n in pairs.items():
        assert c[idx[a], idx[b]] == n
    assert (c > 0).sum() - len(freq) == 2 * len(pairs)


def test_independent_of_record_order() -> None:
    a = doc_term_matrix(RECORDS)
    b = doc_term_matrix(list(reversed(RECORDS)))
    assert a.vocab == b.vocab
    assert np.array_equal(a.matrix.toarray()[::-1], b.matrix.toarray())


def test_empty_strings_and_empty_input() -> None:
    dt = doc_term_matrix([["", "a"], [""]])
    assert dt.vocab == ["a"]
    assert dt.matrix.toarray().tolist() == [[1], [0]]
    empty = doc_term_matrix([])
    assert empty.vocab == [] and empty.matrix.shape == (0, 0)


def test_group_counts_and_restrict() -> None:
    dt = doc_term_matrix(RECORDS)
    g = group_counts(dt.matrix, np.array([0, 1, 1, -1, 0]), 2)
    j = dt.vocab.index("创新")
    assert g[:, j].tolist() == [2, 1]
    sub = restrict_terms(dt, np.array([t != "改革" for t in dt.vocab]))
    assert "改革" not in sub.vocab and sub.matrix.shape == (5, len(dt.vocab) - 1)


def test_doc_term_from_codes_equals_a_set_based_count() -> None:
    """Codes with repeated and empty labels, negative codes and repeats within a record give
    the matrix a plain set per record gives."""
    import random

    from zhagen.mapping.cooccurrence import TermRows, doc_term_from_codes

    rng = random.Random(3)
    labels = ["b", "a", "", "c", "a", "数字", "b", "Z"]
    n = 60
    rows, codes = [], []
    for r in range(n):
        for _ in range(rng.randint(0, 6)):
            rows.append(r)
            codes.append(rng.randrange(-1, len(labels)))
    dt = doc_term_from_codes(np.array(rows), np.array(codes), labels, n)
    sets = [set() for _ in range(n)]
    for r, c in zip(rows, codes, strict=True):
        if c >= 0 and labels[c]:
            sets[r].add(labels[c])
    assert dt.vocab == sorted({t for s in sets for t in s})
    assert [set(t) for t in TermRows(dt)] == sets
    assert dt.matrix.dtype == np.int32 and set(dt.matrix.data.tolist()) <= {1}
    assert doc_term_matrix([sorted(s) for s in sets]).vocab == dt.vocab
    assert (doc_term_matrix([sorted(s) for s in sets]).matrix != dt.matrix).nnz == 0


def test_term_rows_is_a_sequence_and_passes_through() -> None:
    from zhagen.mapping.cooccurrence import TermRows

    dt = doc_term_matrix(RECORDS)
    rows = TermRows(dt)
    assert len(rows) == len(RECORDS)
    assert [sorted(set(r)) for r in RECORDS] == [rows[k] for k in range(len(rows))]
    assert rows[-1] == rows[len(rows) - 1] and rows[1:3] == [rows[1], rows[2]]
    assert doc_term_matrix(rows) is dt
    with pytest.raises(IndexError):
        rows[len(rows)]
