"""Term vocabulary, the binary document-term matrix and co-occurrence counts.

Everything here is vectorised: the vocabulary is built by hashing the flattened term list
once (``pandas.factorize``, a C hash table), the document-term matrix is a
``scipy.sparse.csr_matrix`` with a 1 where a record holds a term, and the co-occurrence
matrix is :math:`C = X^\\top X` (one sparse product), whose diagonal holds the term
frequencies (number of records holding the term) and whose off-diagonal entry
:math:`c_{ij}` counts the records holding both terms (Chen 2006; van Eck & Waltman 2009).

References
----------
Chen, C. (2006). CiteSpace II: Detecting and visualizing emerging trends and transient
patterns in scientific literature. *JASIST* 57(3), 359–377.
van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? *JASIST* 60(8),
1635–1651.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = [
    "DocTerm",
    "doc_term_matrix",
    "cooccurrence",
    "term_frequencies",
    "group_counts",
    "restrict_terms",
]


@dataclass
class DocTerm:
    """A binary document-term matrix and its vocabulary.

    Attributes
    ----------
    vocab:
        The terms, sorted by code point (column ``j`` is ``vocab[j]``).
    matrix:
        ``scipy.sparse.csr_matrix`` of shape ``(n_records, len(vocab))``, dtype int32, 1 where
        a record holds a term; the column indices of every row are sorted and unique.
    """

    vocab: list[str]
    matrix: sp.csr_matrix

    @property
    def n_records(self) -> int:
        return int(self.matrix.shape[0])


def doc_term_matrix(terms: Sequence[Sequence[str]]) -> DocTerm:
    """Build the vocabulary and the binary record × term matrix.

    Parameters
    ----------
    terms:
        One list of terms per record. Duplicates within a record count once; empty strings
        are ignored.

    Returns
    -------
    DocTerm
        Vocabulary sorted by code point (so the result does not depend on record order)
        and the CSR matrix.

    Examples
    --------
    >>> dt = doc_term_matrix([["b", "a"], ["a"], []])
    >>> dt.vocab
    ['a', 'b']
    >>> dt.matrix.toarray().tolist()
    [[1, 1], [1, 0], [0, 0]]
    """
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    n = len(terms)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=n)
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(terms))
    codes, uniques = pd.factorize(flat, sort=True)
    vocab = [str(u) for u in uniques]
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keep = codes >= 0
    if "" in vocab:  # an empty string is no term: drop its column
        empty = vocab.index("")
        keep &= codes != empty
        codes = np.where(codes > empty, codes - 1, codes)
        vocab.pop(empty)
    data = np.ones(int(keep.sum()), dtype=np.int32)
    mat = sp.csr_matrix((data, (rows[keep], codes[keep])), shape=(n, len(vocab)))
    mat.sum_duplicates()
    mat.data[:] = 1  # binary: a term counts once per record
    mat.sort_indices()
    return DocTerm(vocab=vocab, matrix=mat)


def restrict_terms(dt: DocTerm, keep: np.ndarray) -> DocTerm:
    """Keep only the columns where the boolean mask ``keep`` is true (order preserved)."""
    import numpy as np

    cols = np.flatnonzero(keep)
    return DocTerm(vocab=[dt.vocab[j] for j in cols], matrix=dt.matrix[:, cols].tocsr())


def term_frequencies(matrix: sp.csr_matrix) -> np.ndarray:
    """Number of records holding each term (column sums), as int64.

    >>> import scipy.sparse as sp
    >>> term_frequencies(sp.csr_matrix([[1, 1], [1, 0]])).tolist()
    [2, 1]
    """
    import numpy as np

    return np.asarray(matrix.sum(axis=0), dtype=np.int64).ravel()


def cooccurrence(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Co-occurrence counts :math:`C = X^\\top X` of a binary record × term matrix.

    ``C[i, j]`` (``i != j``) is the number of records that hold both terms; ``C[i, i]`` is
    the frequency of term ``i``. The result is symmetric, CSR, int64, sorted indices.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 1], [0, 0, 1]])
    >>> cooccurrence(X).toarray().tolist()
    [[2, 2, 1], [2, 2, 1], [1, 1, 2]]
    """
    import numpy as np

    x = matrix.astype(np.int64)
    c = (x.T.tocsr() @ x).tocsr()
    c.sort_indices()
    return c


def group_counts(matrix: sp.csr_matrix, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group term counts: ``out[g, j]`` = records of group ``g`` holding term ``j``.

    Parameters
    ----------
    matrix:
        Binary record × term matrix.
    groups:
        Group index of every record (e.g. its time slice or year offset); records with a
        negative group are left out.
    n_groups:
        Number of groups (rows of the result).

    Returns
    -------
    numpy.ndarray
        Dense int64 array of shape ``(n_groups, n_terms)``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 0], [1, 1], [0, 1]])
    >>> group_counts(X, np.array([0, 1, -1]), 2).tolist()
    [[1, 0], [1, 1]]
    """
    import numpy as np
    import scipy.sparse as sp

    groups = np.asarray(groups, dtype=np.int64)
    ok = np.flatnonzero(groups >= 0)
    ind = sp.csr_matrix(
        (np.ones(ok.size, dtype=np.int64), (groups[ok], ok)),
        shape=(n_groups, matrix.shape[0]),
    )
    return np.asarray((ind @ matrix.astype(np.int64)).toarray(), dtype=np.int64)
