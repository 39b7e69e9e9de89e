"""Cluster labels: log-likelihood ratio, TF-IDF and mutual information.

A cluster's *records* are the records holding at least one of its member terms (as
CiteSpace labels a cluster from the records that make it, Chen, Ibekwe-SanJuan & Hou
2010). The label candidates are, as in CiteSpace, the noun phrases of those records'
titles together with their keywords (``label_source="titles+keywords"``, the default;
:func:`title_phrases`, :func:`label_matrix`); ``label_source="keywords"`` takes the
keywords alone (zhagen ≤ 0.4: there the three methods mostly chose the cluster's own
most frequent members, the same three words in 9 of 9 clusters of a real CNKI map). A
candidate must occur in at least two records: a term seen once carries no evidence, and
pointwise MI would otherwise rank every such term first.

Noun phrases of a title
    The title is cut and tagged by zhagen's segmenter (:mod:`zhagen.text.segment`, the
    domain dictionary included); its *terms* (noun-like or dictionary words of two or more
    characters, not stopwords, :meth:`~zhagen.text.segment.Segmenter.is_term`) are
    candidates, and so is every maximal run of two to four consecutive terms (a longer run
    gives its four-word windows): 虚拟现实 | 技术 → 虚拟现实技术, "distal humerus
    fractures". Latin words are lower-cased and joined by a space, Han words joined
    directly, as keywords are normalised.

Every candidate :math:`t` is scored against cluster :math:`c` from the
2 × 2 table of records: :math:`a` = cluster records with :math:`t`, :math:`b` = other records
with :math:`t`, :math:`n_c` = cluster records, :math:`N` = all records, :math:`df_t = a + b`.

``llr`` — Dunning's (1993) log-likelihood ratio
    :math:`G^2 = 2 \\sum O \\ln(O / E)` over the four cells, counted only for terms *over*-
    represented in the cluster (:math:`a / n_c > b / (N - n_c)`).
``tfidf``
    The cluster's records taken as one document: :math:`(a / n_c) \\cdot \\ln(N / df_t)`.
``mi`` — (pointwise) mutual information
    :math:`\\ln \\frac{a N}{df_t \\, n_c}`. Note that the *expected* mutual information of
    the 2 × 2 table equals :math:`G^2 / 2N`, so ranking by it would only repeat the LLR
    labels; the pointwise form, which favours terms specific to the cluster even when rare,
    is the one that gives CiteSpace's MI labels their different character.

Ties are broken by :math:`a` (descending) and then by the term's code-point order. Each
method's top three terms with a positive score are joined with ``"; "``; a cluster with no
over-represented term gets an empty label.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
*Computational Linguistics* 19(1), 61–74.
Chen, C., Ibekwe-SanJuan, F., & Hou, J. (2010). The structure and dynamics of cocitation
clusters: A multiple-perspective cocitation analysis. *JASIST* 61(7), 1386–1409.
Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text retrieval.
*Information Processing & Management* 24(5), 513–523.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

    from zhagen.text.segment import Segmenter

__all__ = [
    "LABEL_METHODS",
    "LABEL_SOURCES",
    "term_scores",
    "cluster_labels",
    "llr",
    "title_phrases",
    "segmenter_phrases",
    "label_matrix",
    "PHRASE_RULES",
]

#: The version of the rules that make a title's label phrases from its tagged words
#: (:func:`segmenter_phrases`): part of the key under which a project stores them, so a
#: change here is never read from phrases stored before it.
PHRASE_RULES = "title-phrases-1"

#: Where label candidates come from (``MapParams.label_source``).
LABEL_SOURCES = ("titles+keywords", "keywords")

#: The labelling methods, in the order of the ``label_*`` columns.
LABEL_METHODS = ("llr", "tfidf", "mi")


def _join(words: Sequence[str]) -> str:
    out = words[0]
    for prev, word in zip(words, words[1:], strict=False):
        out += (" " if prev.isascii() and word.isascii() else "") + word
    return out


def title_phrases(tagged: Sequence[tuple[str, bool]], max_words: int = 4) -> list[str]:
    """Candidate label phrases of one title: its terms and its runs of consecutive terms.

    Parameters
    ----------
    tagged:
        The title's words in order, each with whether it is a term (for example
        ``[(w, seg.is_term(w, pos)) for w, pos in seg.tag(title)]``).
    max_words:
        Longest phrase, in words; a longer run of terms gives its windows of this length.

    Returns
    -------
    list of str
        Distinct phrases, in order of first appearance; Latin words lower-cased.

    Examples
    --------
    >>> title_phrases([("虚拟现实", True), ("技术", True), ("在", False), ("设计", True)])
    ['虚拟现实', '技术', '虚拟现实技术', '设计']
    >>> title_phrases([("Distal", True), ("humerus", True), ("fractures", True)])[-1]
    'distal humerus fractures'
    """
    out: dict[str, None] = {}
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            size = min(len(run), max_words)
            for start in range(len(run) - size + 1):
                out.setdefault(_join(run[start : start + size]), None)
        run.clear()

    for word, is_term in tagged:
        if is_term:
            word = word.lower() if word.isascii() else word
            out.setdefault(word, None)
            run.append(word)
        else:
            flush()
    flush()
    return list(out)


def segmenter_phrases(seg: Segmenter) -> Callable[[str], list[str]]:
    """A title's label phrases (:func:`title_phrases`) as the segmenter ``seg`` tags its
    words: a word is a term when ``seg.is_term`` says so (asked once per distinct word and
    tag).

    Examples
    --------
    >>> from zhagen.text.segment import default_segmenter
    >>> segmenter_phrases(default_segmenter())("数字经济与高质量发展")
    ['数字经济', '高质量发展']
    """
    known: dict[tuple[str, str], bool] = {}

    def phrases(title: str) -> list[str]:
        tagged = []
        for pair in seg.tag(title):
            flag = known.get(pair)
            if flag is None:
                flag = known[pair] = seg.is_term(*pair)
            tagged.append((pair[0], flag))
        return title_phrases(tagged)

    return phrases


def label_matrix(
    matrix: sp.csr_matrix,
    vocab: Sequence[str],
    titles: Sequence[str],
    tag: Callable[[str], list[tuple[str, bool]]],
) -> tuple[sp.csr_matrix, list[str]]:
    """The record × candidate matrix of keywords and title phrases.

    The first ``len(vocab)`` columns are the keyword columns of ``matrix`` (so node columns
    keep their index); a title phrase spelt as a keyword shares its column, other phrases
    follow in code-point order. ``tag`` turns a title into ``(word, is_term)`` pairs.
    :func:`label_blocks` gives the same rows a block at a time.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> tag = lambda t: [(w, True) for w in t.split()]
    >>> m, v = label_matrix(sp.csr_matrix([[1], [0]]), ["ai"], ["AI ethics", "ethics"], tag)
    >>> v, m.toarray().astype(int).tolist()
    (['ai', 'ai ethics', 'ethics'], [[1, 1, 1], [0, 0, 1]])
    """
    import scipy.sparse as sp

    blocks, vocab_out = label_blocks(matrix, vocab, titles, tag)
    parts = list(blocks)
    out = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, len(vocab_out)))
    return out, vocab_out


#: Records per block of :func:`label_blocks`: the label matrix of a block is built, counted
#: and dropped, so a map of millions of records never holds every title phrase at once.
LABEL_BLOCK_ROWS = 262_144


def label_blocks(
    matrix: sp.csr_matrix,
    vocab: Sequence[str],
    titles: Sequence[str],
    tag: Callable[[str], list[tuple[str, bool]]] | None,
    rows: int = LABEL_BLOCK_ROWS,
    *,
    phrases: Callable[[str], Sequence[str]] | None = None,
) -> tuple[Iterator[sp.csr_matrix], list[str]]:
    """:func:`label_matrix` as consecutive blocks of at most ``rows`` records, and its columns.

    Every distinct title is tagged first (so the columns are known); the blocks are built
    when iterated. ``phrases``, when given, gives each title's phrases instead of
    ``title_phrases(tag(title))`` (phrases stored in the project: no segmenter).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> tag = lambda t: [(w, True) for w in t.split()]
    >>> blocks, v = label_blocks(sp.csr_matrix([[1], [0]]), ["ai"], ["AI ethics", "ethics"], tag, rows=1)
    >>> v, [b.toarray().astype(int).tolist() for b in blocks]
    (['ai', 'ai ethics', 'ethics'], [[[1, 1, 1]], [[0, 0, 1]]])
    """
    import numpy as np
    import scipy.sparse as sp

    from zhagen.mapping.cooccurrence import factorize

    # Each distinct title is tagged once and its phrases go straight to column codes
    # (keywords keep theirs, a new phrase takes the next free code); each record then takes
    # its title's codes by integer gathers. No list of phrase lists and no object array of
    # every phrase to factorise: at a million records that was gigabytes. Duplicates kept
    # in a map share their title, and so its tagging.
    index = {term: k for k, term in enumerate(vocab)}
    n_kw, n_rows = len(vocab), matrix.shape[0]
    which, distinct = factorize(titles)  # a missing title: -1
    codes: array[int] = array("q")
    ends = np.zeros(len(distinct) + 1, dtype=np.int64)  # title u: codes[ends[u] : ends[u + 1]]
    for u, title in enumerate(distinct):
        if title:
            found_ = phrases(title) if phrases is not None else title_phrases(tag(title))
            codes.extend([index.setdefault(p, len(index)) for p in found_ if p])
        ends[u + 1] = len(codes)
    del distinct
    found = np.frombuffer(codes, dtype=np.int64) if len(codes) else np.zeros(0, np.int64)
    extra = list(index)[n_kw:]
    # the phrases that are no keyword follow the keywords in code-point order
    order = sorted(range(len(extra)), key=extra.__getitem__)
    remap = np.arange(len(index), dtype=np.int64)
    remap[n_kw + np.asarray(order, dtype=np.int64)] = np.arange(n_kw, len(index), dtype=np.int64)
    found = remap[found]
    n_cols = len(index)
    base = sp.csr_matrix(matrix, shape=(n_rows, n_kw))

    def blocks() -> Iterator[sp.csr_matrix]:
        for start in range(0, n_rows, max(1, rows)):
            stop = min(start + rows, n_rows)
            w = which[start:stop]
            count = np.where(w >= 0, np.diff(ends)[np.maximum(w, 0)], 0)
            r = np.repeat(np.arange(stop - start, dtype=np.int64), count)
            first = ends[:-1][np.maximum(w, 0)] - (np.cumsum(count) - count)  # code k of row r
            at = np.arange(r.size, dtype=np.int64) + np.repeat(first, count)
            kw = base[start:stop].tocoo()
            out = sp.csr_matrix(
                (np.ones(kw.nnz + r.size), (np.concatenate([kw.row, r]), np.concatenate([kw.col, found[at]]))),
                shape=(stop - start, n_cols),
            )  # fmt: skip
            out.sum_duplicates()  # a title phrase spelt as one of the record's keywords counts once
            out.data[:] = 1.0
            yield out

    return blocks(), [*vocab, *(extra[k] for k in order)]


def _xlogx_ratio(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(o > 0, o * np.log(o / e), 0.0)


def llr(a: np.ndarray, b: np.ndarray, n_c: float, n: float) -> np.ndarray:
    """Dunning's G² of the 2 × 2 tables ``[[a, n_c − a], [b, n − n_c − b]]``.

    >>> import numpy as np
    >>> round(float(llr(np.array([10.]), np.array([0.]), 10, 20)[0]), 4)  # 2·20·ln 2
    27.7259
    """
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = n_c - a
    d = (n - n_c) - b
    row1, row2 = a + b, c + d
    cells = ((a, row1, n_c), (b, row1, n - n_c), (c, row2, n_c), (d, row2, n - n_c))
    total = sum(_xlogx_ratio(o, r * col / n) for o, r, col in cells)
    return 2.0 * np.maximum(total, 0.0)


def term_scores(a: np.ndarray, df: np.ndarray, n_c: float, n: float) -> dict[str, np.ndarray]:
    """LLR, TF-IDF and pointwise MI of terms in one cluster (zero where not over-represented).

    Parameters
    ----------
    a:
        Cluster records holding each term.
    df:
        All records holding each term.
    n_c, n:
        Number of cluster records and of all records.

    Examples
    --------
    >>> import numpy as np
    >>> s = term_scores(np.array([2, 1]), np.array([2, 4]), 2, 4)
    >>> [round(float(x), 3) for x in s["tfidf"]], [round(float(x), 3) for x in s["mi"]]
    ([0.693, 0.0], [0.693, 0.0])
    """
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    df = np.asarray(df, dtype=np.float64)
    b = df - a
    rest = n - n_c
    over = a * rest > b * n_c  # a/n_c > b/(n − n_c), without dividing by zero
    with np.errstate(divide="ignore", invalid="ignore"):
        tfidf = np.where(df > 0, (a / n_c) * np.log(n / df), 0.0)
        mi = np.where(a > 0, np.log(a * n / (df * n_c)), 0.0)
    return {
        "llr": np.where(over, llr(a, b, n_c, n), 0.0),
        "tfidf": np.maximum(tfidf, 0.0),
        "mi": np.where(over, np.maximum(mi, 0.0), 0.0),
    }


def _top(scores: np.ndarray, a: np.ndarray, cols: np.ndarray, vocab: Sequence[str], k: int) -> str:
    import numpy as np

    pos = np.flatnonzero(scores > 1e-12)
    order = pos[np.lexsort((cols[pos], -a[pos], -scores[pos]))][:k]
    return "; ".join(vocab[int(cols[o])] for o in order)


def cluster_labels(
    matrix: sp.csr_matrix | Iterable[sp.csr_matrix],
    vocab: Sequence[str],
    node_terms: np.ndarray,
    labels: np.ndarray,
    candidates: np.ndarray | None = None,
    top: int = 3,
) -> list[dict[str, str]]:
    """Label every cluster by LLR, TF-IDF and MI.

    Parameters
    ----------
    matrix:
        Binary record × term matrix of the records analysed, or its rows as consecutive
        blocks (:func:`label_blocks`), counted one block at a time.
    vocab:
        The term of every column.
    node_terms:
        The column (term) of every node.
    labels:
        The cluster of every node (0..k−1).
    candidates:
        Optional boolean mask of the columns that may serve as labels.
    top:
        Number of terms per label.

    Returns
    -------
    list of dict
        One ``{"llr": ..., "tfidf": ..., "mi": ...}`` per cluster, in cluster order.
    """
    import numpy as np
    import scipy.sparse as sp

    labels = np.asarray(labels, dtype=np.int64)
    if labels.size == 0:
        return []
    k = int(labels.max()) + 1
    blocks = [matrix] if sp.issparse(matrix) else matrix
    n_cols = int(matrix.shape[1]) if sp.issparse(matrix) else len(vocab)
    onehot = sp.csr_matrix(
        (np.ones(labels.size), (np.asarray(node_terms, dtype=np.int64), labels)),
        shape=(n_cols, k),
    )
    # Counted block by block: every count is a whole number, so the sums are exact and the
    # same whatever the blocks.
    n = 0.0
    n_c = np.zeros(k, dtype=np.float64)
    df = np.zeros(n_cols, dtype=np.float64)
    counts = sp.csr_matrix((k, n_cols), dtype=np.float64)  # clusters × terms: a
    for block in blocks:
        in_cluster = (block @ onehot).tocsc()  # records × clusters, > 0 where it belongs
        in_cluster.data[:] = 1.0
        n += float(block.shape[0])
        n_c += np.asarray(in_cluster.sum(axis=0)).ravel()
        counts = counts + (in_cluster.T @ block).tocsr()
        df += np.asarray(block.sum(axis=0), dtype=np.float64).ravel()
    counts = counts.tocsr()
    counts.sort_indices()
    allowed = df >= 2  # a term seen once carries no evidence (see the module docstring)
    if candidates is not None:
        allowed &= np.asarray(candidates, dtype=bool)
    out = []
    for c in range(k):
        row = counts.getrow(c)
        cols, a = row.indices.astype(np.int64), row.data.astype(np.float64)
        keep = allowed[cols]
        cols, a = cols[keep], a[keep]
        scores = term_scores(a, df[cols], float(n_c[c]), n)
        out.append({m: _top(scores[m], a, cols, vocab, top) for m in LABEL_METHODS})
    return out
