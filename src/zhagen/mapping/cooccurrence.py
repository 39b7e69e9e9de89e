"""Term vocabulary, the binary document-term matrix and co-occurrence counts.

Everything here is vectorised: the vocabulary is built by hashing the flattened term list
once (``pandas.factorize``, a C hash table) and sorting its distinct terms; callers that
already hold integer codes (``map_input`` reads a million records' keywords straight into
codes) build the matrix with :func:`doc_term_from_codes`. The document-term matrix is a
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

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

T = TypeVar("T")

__all__ = [
    "DocTerm",
    "TermRows",
    "doc_term_matrix",
    "doc_term_from_codes",
    "cooccurrence",
    "row_blocks",
    "tree_sum",
    "term_frequencies",
    "group_counts",
    "restrict_terms",
    "doc_term_from_rows",
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


class TermRows(Sequence[list[str]]):
    """The terms of every record, as a read-only sequence over a :class:`DocTerm`.

    ``rows[k]`` is the list of record ``k``'s terms in vocabulary (code-point) order. A
    :class:`~zhagen.mapping.model.MapInput` may hold one in place of a list of term lists:
    ``build_map`` then uses its matrix as it is, and no list of a million lists of strings
    is ever made.

    >>> rows = TermRows(doc_term_matrix([["b", "a"], [], ["b"]]))
    >>> len(rows), rows[0], list(rows)[1:]
    (3, ['a', 'b'], [[], ['b']])
    """

    def __init__(self, doc_term: DocTerm) -> None:
        self.doc_term = doc_term

    def __len__(self) -> int:
        return self.doc_term.n_records

    @overload
    def __getitem__(self, k: int) -> list[str]: ...
    @overload
    def __getitem__(self, k: slice) -> list[list[str]]: ...
    def __getitem__(self, k: int | slice) -> list[str] | list[list[str]]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self)
        if not -n <= k < n:
            raise IndexError(k)
        k %= n
        m = self.doc_term.matrix
        cols = m.indices[m.indptr[k] : m.indptr[k + 1]].tolist()
        return [self.doc_term.vocab[j] for j in cols]

    def __iter__(self) -> Iterator[list[str]]:
        return (self[k] for k in range(len(self)))


def factorize(values: Iterable[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer codes of ``values`` and the distinct values in order of first appearance;
    ``None`` and NaN take code -1 (as :func:`pandas.factorize`, without pandas).

    >>> codes, uniques = factorize(["b", "a", None, "b"])
    >>> codes.tolist(), uniques
    ([0, 1, -1, 0], ['b', 'a'])
    """
    import numpy as np

    index: dict[Any, int] = {}
    add = index.setdefault
    # a NaN is not equal to itself: one test per distinct value, not per value
    codes = [add(v, len(index)) for v in values]
    missing = [c for v, c in index.items() if v is None or (isinstance(v, float) and v != v)]
    arr = np.fromiter(codes, dtype=np.int64, count=len(codes))
    uniques = list(index)
    if missing:  # the missing values' codes go; later codes move down
        shift = np.zeros(len(index), dtype=np.int64)
        for c in missing:
            shift[c + 1 :] += 1
        mapped = np.arange(len(index), dtype=np.int64) - shift
        mapped[missing] = -1
        arr = mapped[arr] if arr.size else arr
        drop = set(missing)
        uniques = [u for k, u in enumerate(uniques) if k not in drop]
    return arr, uniques


def doc_term_matrix(terms: Sequence[Sequence[str]]) -> DocTerm:
    """Build the vocabulary and the binary record × term matrix.

    Parameters
    ----------
    terms:
        One list of terms per record. Duplicates within a record count once; empty strings
        are ignored. A :class:`TermRows` is returned as the matrix it views.

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

    if isinstance(terms, TermRows):
        return terms.doc_term
    n = len(terms)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=n)
    codes, uniques = factorize(chain.from_iterable(terms))
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    return doc_term_from_codes(rows, codes, uniques, n)


def doc_term_from_codes(
    rows: np.ndarray, codes: np.ndarray, labels: Sequence[str], n_records: int
) -> DocTerm:
    """The binary record × term matrix of term occurrences given as integer codes.

    Occurrence ``k`` says that record ``rows[k]`` holds the term ``labels[codes[k]]``.
    ``labels`` may repeat a term (two codes normalised to the same keyword) and may hold
    ``""`` (no term: dropped); a negative code is no term either. The vocabulary is the
    distinct labels sorted by code point, so the result is the one
    :func:`doc_term_matrix` gives for the same terms.

    >>> import numpy as np
    >>> dt = doc_term_from_codes(np.array([0, 0, 2]), np.array([1, 2, 0]), ["b", "a", "a"], 3)
    >>> dt.vocab, dt.matrix.toarray().tolist()
    (['a', 'b'], [[1, 0], [0, 0], [0, 1]])
    """
    import numpy as np

    from zhagen.sparse_import import scipy_sparse

    sp = scipy_sparse()  # every map starts here: its first import of scipy.sparse, made light
    vocab, final = _vocabulary(labels)
    codes = np.asarray(codes, dtype=np.int64)
    cols = np.where(codes >= 0, final[np.maximum(codes, 0)] if final.size else -1, -1)
    keep = cols >= 0
    rows = np.asarray(rows, dtype=np.int64)[keep]
    data = np.ones(int(keep.sum()), dtype=np.int32)
    mat = sp.csr_matrix((data, (rows, cols[keep])), shape=(n_records, len(vocab)))
    mat.sum_duplicates()
    mat.data[:] = 1  # binary: a term counts once per record
    mat.sort_indices()
    return DocTerm(vocab=vocab, matrix=mat)


def _vocabulary(labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct labels sorted by code point (``""`` left out), and the column of each
    label in that vocabulary (-1 for ``""``)."""
    import numpy as np

    first, distinct = factorize(labels)
    # Python's sort of str is several times faster than numpy's argsort of an object array
    # (which ``factorize(sort=True)`` uses): it matters with a million distinct terms.
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct), dtype=np.int64)
    vocab = [str(distinct[k]) for k in order] if order else []
    final = rank[first]
    if "" in vocab:  # an empty string is no term: drop its column
        empty = vocab.index("")
        final = np.where(final == empty, -1, np.where(final > empty, final - 1, final))
        vocab.pop(empty)
    return vocab, final


def doc_term_from_rows(lengths: np.ndarray, codes: np.ndarray, labels: Sequence[str]) -> DocTerm:
    """The binary record × term matrix of term occurrences given record by record: the
    first ``lengths[0]`` codes are record 0's, the next ``lengths[1]`` record 1's…; code
    ``k`` is the term ``labels[k]`` (``""``: no term).

    The same matrix as :func:`doc_term_from_codes` of the same occurrences, built straight
    in compressed rows: about 12 bytes an occurrence at most while building (the codes as
    columns, the data), where the coordinate form takes several times that — what bounds a
    ``field="terms"`` map of many texts.

    >>> import numpy as np
    >>> dt = doc_term_from_rows(np.array([2, 0, 1]), np.array([1, 2, 0]), ["b", "a", ""])
    >>> dt.vocab, dt.matrix.toarray().tolist()
    (['a', 'b'], [[1, 0], [0, 0], [0, 1]])
    """
    import numpy as np
    import scipy.sparse as sp

    vocab, final = _vocabulary(labels)
    lengths = np.asarray(lengths, dtype=np.int64)
    codes = np.asarray(codes)
    if codes.dtype.kind not in "iu":  # (an empty list)
        codes = codes.astype(np.int64)
    if codes.size and int(codes.min()) < 0:
        raise ValueError("codes index labels: no code may be negative")
    cols = final.astype(np.int32)[codes] if final.size else np.zeros(0, np.int32)
    if (cols < 0).any():  # occurrences of no term: leave them out of their rows
        lost = np.bincount(np.repeat(np.arange(lengths.size), lengths)[cols < 0],
                           minlength=lengths.size)  # fmt: skip
        lengths = lengths - lost
        cols = cols[cols >= 0]
    indptr = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    data = np.ones(cols.size, dtype=np.int32)
    mat = sp.csr_matrix((data, cols, indptr), shape=(lengths.size, len(vocab)))
    mat.sum_duplicates()  # in place: sorts each row's columns, a term counts once per record
    mat.data[:] = 1
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


def row_blocks(matrix: sp.csr_matrix, rows: int) -> list[sp.csr_matrix]:
    """The matrix cut into blocks of at most ``rows`` records (the partitions whose
    co-occurrence counts :func:`tree_sum` adds up).

    >>> import scipy.sparse as sp
    >>> [b.shape for b in row_blocks(sp.csr_matrix((5, 2), dtype="int32"), 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    n = int(matrix.shape[0])
    return [matrix[i : i + rows] for i in range(0, n, rows)] or [matrix]


def tree_sum(parts: Sequence[T], add: Callable[[T, T], T]) -> T:
    """Sum ``parts`` pairwise, level by level (a tree reduction: what a cluster does with
    per-partition co-occurrence counts, ``log2(n)`` levels deep); integer counts give the
    one product's result exactly, in any order.

    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 1], [0, 0, 1]])
    >>> blocks = [cooccurrence(b) for b in row_blocks(X, 1)]
    >>> (tree_sum(blocks, lambda a, b: a + b) != cooccurrence(X)).nnz
    0
    """
    level = list(parts)
    if not level:
        raise ValueError("nothing to sum")
    while len(level) > 1:
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [add(p[0], p[1]) if len(p) == 2 else p[0] for p in pairs]
    return level[0]


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
