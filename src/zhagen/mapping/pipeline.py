"""``build_map``: the whole knowledge-map computation, from plain data to a KnowledgeMap.

Steps (CiteSpace's order, Chen 2006; DESIGN.md §4):

1. **Records in range.** With ``params.years`` only records dated inside it. Records
   without a year are counted in ``summary["records_without_year"]`` and left out of the
   map whenever any record has a year (every count of a map is time-sliced: selection,
   links, bursts); only when no record has a year is the map built from them, as one slice.
2. **Vocabulary.** Terms filtered by ``lang`` (``zh``: holds a Han character; ``en``: holds
   none); a term is *eligible* when it occurs in at least ``min_freq`` records in range
   (default 1: every term, as CiteSpace, which sets no global floor).
3. **Slices** of ``params.slice`` years over the dated records (first to last year found);
   undated data gives one slice holding every record.
4. **Node selection** per slice (g-index with k = 25 by default, or top N or top N%,
   :mod:`.selection`; ties broken by overall frequency, then first year); the nodes are
   the union over slices.
5. **Merged network** (CiteSpace's, Chen 2006): each slice's network links the nodes
   selected *in that slice* that co-occur in that slice's records; the merged network is
   the union of the slice networks, a link's count the sum of its counts in the slice
   networks that hold it (``link_scope="slices"``). ``link_scope="all"`` counts links
   among all nodes over every record in range instead (zhagen ≤ 0.4; 20–55 % of its links
   were in no slice network). Then normalised (:mod:`.links`) and pruned (:mod:`.prune`,
   on the merged network).
   Bibliographic coupling (``MapInput.link_rows``) is the one exception: its nodes are
   documents, each present from the slice of its year on (a reference list never
   changes), so a coupling link belongs to the slice of the later of its two documents,
   where both are present. It links two nodes of the map (each selected in its own
   slice) and counts the cited works both documents cite, whatever ``link_scope``: each
   pair lies in exactly one slice, so counting per slice or over all gives the same.
6. **Centrality** (:mod:`.centrality`) on the pruned links; **clusters** by Leiden on the
   pruned, weighted links, Q on the same graph, silhouettes on the unpruned similarities
   (:mod:`.cluster`); **labels** (:mod:`.labels`); **bursts** per slice (:mod:`.burst`,
   :math:`d_t` = records with terms in slice :math:`t`); **sigma**; **layout**.
   Bursts are detected for the map's nodes by default, as CiteSpace does
   (``burst_terms="nodes"``), and last at least 2 slices (``burst_min_duration``,
   CiteSpace's Minimum Duration); ``burst_terms="all"`` detects them for every eligible
   term (emerging terms are rare by nature and may not make a slice's selection). Nodes
   carry their own strongest burst either way.

Node ids are assigned by frequency (descending) and then by term (code-point order), so a
map does not depend on the order of the records. Edges have ``source < target``.

Errors (``zhagen.errors``, messages in Chinese and English): no records at all, or no
record with a term → ``InputError``; a parameter out of range, or one that filters every
record or term out (``years``, ``min_freq``, ``lang``) → ``ParameterError``. Data without
any year is *not* an error: the map is built from one slice, with no bursts and no years.

Input hash: SHA-256 over a canonical byte form of the MapInput: record count and doc ids,
years (None as a sentinel), the sorted vocabulary (lengths + UTF-8), every record's term
ids sorted and de-duplicated (CSR indptr + indices, little-endian int64) and the titles
(lengths + UTF-8). Term order and repeats within a record, which carry no meaning, do not
change it; anything else does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError, ParameterError
from zhagen.mapping.model import (
    BURST_COLUMNS,
    CLUSTER_COLUMNS,
    NODE_COLUMNS,
    KnowledgeMap,
    MapInput,
    MapParams,
    NodeDocs,
    Table,
)
from zhagen.mapping.params import check_params

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import numpy as np
    import scipy.sparse as sp

    from zhagen.mapping.cooccurrence import DocTerm
    from zhagen.mapping.selection import Slice

__all__ = ["build_map", "input_hash", "check_params"]  # check_params: from mapping.params

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def input_hash(inp: MapInput, dt: DocTerm | None = None) -> str:
    """SHA-256 of a MapInput in canonical form (see the module docstring).

    ``dt`` may pass the document-term matrix of ``inp.terms`` when already built.

    >>> a = input_hash(MapInput([1, 2], [2024, None], [["b", "a"], []], ["t", "u"]))
    >>> a == input_hash(MapInput([1, 2], [2024, None], [["a", "b", "a"], []], ["t", "u"]))
    True
    >>> a == input_hash(MapInput([1, 2], [2023, None], [["a", "b"], []], ["t", "u"]))
    False
    """
    import hashlib

    import numpy as np

    from zhagen.mapping.cooccurrence import doc_term_matrix

    dt = dt if dt is not None else doc_term_matrix(inp.terms)
    h = hashlib.sha256(b"zhagen.MapInput/1\n")

    def ints(values: Any) -> None:
        arr = np.asarray(values, dtype="<i8")
        h.update(np.int64(arr.size).astype("<i8").tobytes() + arr.tobytes())

    def strings(items: Sequence[Any]) -> None:
        ints(np.fromiter(map(len, map(str, items)), dtype=np.int64, count=len(items)))
        # the same bytes as one join, fed in pieces: a million titles never make one string
        for at in range(0, len(items), 65_536):
            h.update("".join(map(str, items[at : at + 65_536])).encode("utf-8"))

    ints(inp.doc_ids)
    years, dated = _year_values(inp.years)
    ints(np.where(dated, years, -(2**62)))
    strings(dt.vocab)
    ints(dt.matrix.indptr)
    ints(dt.matrix.indices)
    strings(inp.titles)
    if inp.link_rows is not None:  # absent for every input but coupling: hashes unchanged
        links = doc_term_matrix(inp.link_rows)
        h.update(b"link_rows\n")
        strings(links.vocab)
        ints(links.matrix.indptr)
        ints(links.matrix.indices)
    return h.hexdigest()


def _year_values(years: Any) -> tuple[np.ndarray, np.ndarray]:
    """(year as int64, 0 where undated; dated) of a list of int-or-None: in C through
    float64 (None becomes NaN) when that is exact, else element by element."""
    import numpy as np

    n = len(years)
    try:
        as_float = np.array(years, dtype=np.float64)
        dated = ~np.isnan(as_float)
        values = np.where(dated, as_float, 0.0)
        if n == 0 or (np.abs(values).max() < 2**53 and (values == np.round(values)).all()):
            return values.astype(np.int64), dated
    except (TypeError, ValueError):
        pass
    dated = np.fromiter((y is not None for y in years), dtype=bool, count=n)
    values = np.fromiter((y if y is not None else 0 for y in years), dtype=np.int64, count=n)
    return values, dated


@dataclass
class _Records:
    """The records in range and their terms."""

    doc_ids: np.ndarray
    years: np.ndarray  # int64; meaningless where not dated
    dated: np.ndarray  # bool
    titles: list[str] | None
    dt: DocTerm
    freq: np.ndarray
    eligible: np.ndarray
    has_terms: np.ndarray  # bool per record
    without_year: int  # records in range without a year (left out when others have one)
    first_year: np.ndarray  # per vocabulary term (float64, inf when never dated)


def _records(inp: MapInput, params: MapParams, full: DocTerm) -> _Records:
    import numpy as np

    from zhagen.mapping.cooccurrence import DocTerm, restrict_terms, term_frequencies

    n = len(inp.doc_ids)
    if len(inp.years) != n or len(inp.terms) != n or (inp.titles and len(inp.titles) != n):
        raise ValueError("MapInput lists must have one entry per record")
    if n == 0:
        raise InputError(
            "没有可用于绘制知识图谱的记录：请先导入文献或文档。",
            "there are no records to map: import records or documents first.",
        )
    years, dated = _year_values(inp.years)
    keep = np.ones(n, dtype=bool)
    without_year = int((~dated).sum())
    if dated.any():  # undated records are in no slice: every count of the map leaves them out
        keep = dated.copy()
    if params.years is not None:
        keep = dated & (years >= params.years[0]) & (years <= params.years[1])
        if not keep.any():
            raise ParameterError(
                f"年份范围 {params.years[0]}–{params.years[1]} 内没有记录；请放宽 --years。",
                f"no record lies within years {params.years[0]}-{params.years[1]}; widen --years.",
            )
    rows = np.flatnonzero(keep)
    all_rows = rows.size == n
    dt = full
    if not all_rows:
        dt = DocTerm(full.vocab, full.matrix[rows])
        dt = restrict_terms(dt, term_frequencies(dt.matrix) > 0)
    if params.lang != "all" and not inp.by_lang:
        han = np.fromiter((bool(_HAN.search(t)) for t in dt.vocab), dtype=bool, count=len(dt.vocab))
        dt = restrict_terms(dt, han if params.lang == "zh" else ~han)
    has_terms = np.diff(dt.matrix.indptr) > 0
    _check_terms(has_terms, params, int(rows.size))
    freq = term_frequencies(dt.matrix)
    eligible = freq >= params.min_freq
    if not eligible.any():
        raise ParameterError(
            f"没有任何词语出现至少 {params.min_freq} 次；请降低 --min-freq。",
            f"no term occurs in at least min_freq={params.min_freq} records; lower --min-freq.",
        )
    titles = None
    if inp.titles:
        titles = list(inp.titles) if all_rows else [inp.titles[r] for r in rows.tolist()]
    doc_ids = np.asarray(inp.doc_ids, dtype=np.int64)[rows]
    first_year = _first_years(dt.matrix, years[rows], dated[rows])
    return _Records(doc_ids, years[rows], dated[rows], titles, dt, freq, eligible, has_terms,
                    without_year, first_year)  # fmt: skip


def _first_years(matrix: sp.csr_matrix, years: np.ndarray, dated: np.ndarray) -> np.ndarray:
    """First year of every term over the dated records (inf for a term never dated)."""
    import numpy as np

    by_term = matrix.tocsc()
    y = np.where(dated, years.astype(np.float64), np.inf)[by_term.indices]
    out = np.full(matrix.shape[1], np.inf)
    nonempty = np.diff(by_term.indptr) > 0
    if y.size:
        out[nonempty] = np.minimum.reduceat(y, by_term.indptr[:-1][nonempty])
    return out


def _check_terms(has_terms: np.ndarray, params: MapParams, n_records: int) -> None:
    if has_terms.any():
        return
    if params.lang != "all":
        raise ParameterError(
            f"在 lang={params.lang} 的限制下，{n_records} 条记录都没有词语；请改用 --lang all。",
            f"none of the {n_records} records has a term with lang={params.lang}; try --lang all.",
        )
    raise InputError(
        f"{n_records} 条记录都没有关键词或词语：请检查导入的字段，或用 --field terms 从标题和摘要中提取词语。",
        f"none of the {n_records} records has keywords or terms: check the imported fields, "
        "or use --field terms to take terms from titles and abstracts.",
    )


@dataclass
class _Time:
    slices: list[Slice]
    slice_of: np.ndarray  # slice index per record (-1: in no slice)
    first: int | None  # first year (None: undated data)
    n_years: int
    year_of: np.ndarray  # year offset per record (-1: undated)


def _time_axis(rec: _Records, params: MapParams) -> _Time:
    import numpy as np

    from zhagen.mapping.selection import Slice, make_slices

    n = rec.doc_ids.size
    if not rec.dated.any():
        return _Time([Slice(None, None)], np.zeros(n, dtype=np.int64), None, 0,
                     np.full(n, -1, dtype=np.int64))  # fmt: skip
    first = int(rec.years[rec.dated].min())
    last = int(rec.years[rec.dated].max())
    slices = make_slices(first, last, params.slice)
    offset = np.where(rec.dated, rec.years - first, -1)
    slice_of = np.where(rec.dated, offset // params.slice, -1)
    return _Time(slices, slice_of, first, last - first + 1, offset)


def _select(
    rec: _Records, time: _Time, params: MapParams
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Node columns (ordered by frequency desc, then term), slice counts, and the columns
    selected in every slice."""
    import numpy as np

    from zhagen.mapping.cooccurrence import group_counts
    from zhagen.mapping.selection import select_per_slice

    counts = group_counts(rec.dt.matrix, time.slice_of, len(time.slices))
    chosen = select_per_slice(counts, top=params.top, top_percent=params.top_percent,
                              g_index_k=params.g_index, eligible=rec.eligible,
                              frequency=rec.freq, first_year=rec.first_year)  # fmt: skip
    union = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    union = union.astype(np.int64)
    if union.size == 0:
        raise ParameterError(
            "没有任何词语入选（所有入选候选词都只出现在无年份的记录中）；请降低 --min-freq。",
            "no term was selected (the candidates occur only in undated records); "
            "lower --min-freq.",
        )
    order = np.lexsort((union, -rec.freq[union]))
    return union[order], counts, chosen


@dataclass
class _Network:
    i: np.ndarray  # all links among nodes (unpruned)
    j: np.ndarray
    count: np.ndarray
    strength: np.ndarray
    kept: np.ndarray  # bool mask of the links kept by pruning


def _slice_cooccurrence(
    xn: sp.csr_matrix, slice_of: np.ndarray, chosen: list[np.ndarray]
) -> sp.csr_matrix:
    """The merged network of the slice networks: Σ_t of the co-occurrence counts, over the
    records of slice t, among the nodes selected in slice t (node positions in ``chosen``)."""
    import numpy as np
    import scipy.sparse as sp

    from zhagen.mapping.cooccurrence import cooccurrence

    n = int(xn.shape[1])
    rows_i, cols_j, vals = [], [], []
    order = np.argsort(slice_of, kind="stable")
    bounds = np.searchsorted(slice_of[order], np.arange(len(chosen) + 1))
    for t, sel in enumerate(chosen):
        rows = order[bounds[t] : bounds[t + 1]]
        if rows.size == 0 or sel.size < 2:
            continue
        c = cooccurrence(xn[rows][:, sel].tocsr()).tocoo()
        off = c.row != c.col
        rows_i.append(sel[c.row[off]])
        cols_j.append(sel[c.col[off]])
        vals.append(c.data[off])
    if not vals:
        return sp.csr_matrix((n, n), dtype=np.int64)
    merged = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_j))),
                           shape=(n, n))  # fmt: skip
    return merged.astype(np.int64)


def _link_matrix(link_rows: Any, labels: list[str]) -> sp.csr_matrix:
    """The link rows (``MapInput.link_rows``) as a binary row × node matrix over the nodes
    ``labels`` (in node order); terms that are not nodes are left out.

    >>> _link_matrix([["b", "x", "a"], ["a"]], ["a", "b"]).toarray().tolist()
    [[1, 1], [1, 0]]
    """
    import numpy as np
    import scipy.sparse as sp

    from zhagen.mapping.cooccurrence import doc_term_matrix

    dt = doc_term_matrix(link_rows)
    where = {t: k for k, t in enumerate(labels)}
    pos = np.fromiter((where.get(t, -1) for t in dt.vocab), dtype=np.int64, count=len(dt.vocab))
    keep = np.flatnonzero(pos >= 0)
    to_node = sp.csr_matrix(
        (np.ones(keep.size, dtype=np.int64), (keep, pos[keep])), shape=(len(dt.vocab), len(labels))
    )
    return (dt.matrix @ to_node).tocsr()


def _network(
    xn: sp.csr_matrix,
    freq: np.ndarray,
    params: MapParams,
    slice_of: np.ndarray | None = None,
    chosen: list[np.ndarray] | None = None,
    link_rows: sp.csr_matrix | None = None,
) -> _Network:
    from zhagen.mapping.centrality import weighted_degree
    from zhagen.mapping.cooccurrence import cooccurrence
    from zhagen.mapping.links import link_strength, upper_edges
    from zhagen.mapping.prune import prune_mask

    n_records = int(xn.shape[0])
    if link_rows is not None:  # coupling: see the module docstring, step 5
        i, j, c = upper_edges(cooccurrence(link_rows))
        n_records = int(link_rows.shape[0])
    elif params.link_scope == "slices" and chosen is not None and slice_of is not None:
        i, j, c = upper_edges(_slice_cooccurrence(xn, slice_of, chosen))
    else:
        i, j, c = upper_edges(cooccurrence(xn))
    k = weighted_degree(int(xn.shape[1]), i, j, c)  # total link strength, unpruned
    s = link_strength(c, freq[i], freq[j], params.link, n_records=n_records,
                      k_i=k[i], k_j=k[j])  # fmt: skip
    kept = prune_mask(int(xn.shape[1]), i, j, s, params.prune)
    return _Network(i, j, c, s, kept)


def _bursts(
    r: np.ndarray, d: np.ndarray, time: _Time, params: MapParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-burst arrays (node, strength, begin year, end year), strongest first."""
    import numpy as np

    from zhagen.mapping.burst import detect_bursts

    if time.first is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0), empty, empty
    res = detect_bursts(r, d, s=params.burst_s, gamma=params.burst_gamma,
                        min_duration=params.burst_min_duration)  # fmt: skip
    begin = np.array([time.slices[b].begin for b in res.begin.tolist()], dtype=np.int64)
    end = np.array([time.slices[e].end for e in res.end.tolist()], dtype=np.int64)
    order = np.lexsort((begin, res.term, -res.strength))
    return res.term[order], res.strength[order], begin[order], end[order]


def _year_stats(xn: sp.csr_matrix, time: _Time) -> tuple[np.ndarray, list, list]:
    """Per-year counts (years × nodes) and every node's first and last year (or None)."""
    import numpy as np

    from zhagen.mapping.cooccurrence import group_counts

    n = int(xn.shape[1])
    if time.first is None:
        return np.zeros((0, n), dtype=np.int64), [None] * n, [None] * n
    counts = group_counts(xn, time.year_of, time.n_years)
    present = counts > 0
    any_year = present.any(axis=0)
    first = np.argmax(present, axis=0) + time.first
    last = time.n_years - 1 - np.argmax(present[::-1], axis=0) + time.first
    first_l = [
        int(f) if a else None for f, a in zip(first.tolist(), any_year.tolist(), strict=True)
    ]
    last_l = [int(v) if a else None for v, a in zip(last.tolist(), any_year.tolist(), strict=True)]
    return counts, first_l, last_l


def _node_docs(xn: sp.csr_matrix, doc_ids: np.ndarray) -> NodeDocs:
    """Each node's record ids, ascending, as the two arrays of a :class:`NodeDocs`."""
    import numpy as np

    by_term = xn.T.tocsr()
    ids = doc_ids[by_term.indices]
    node = np.repeat(np.arange(by_term.shape[0]), np.diff(by_term.indptr))
    order = np.lexsort((ids, node))  # by node, then by id: each node's ids sorted
    small = ids.size == 0 or (ids.min() >= 0 and ids.max() < 2**31)
    docs = ids[order].astype(np.int32 if small else np.int64)
    offsets = by_term.indptr.astype(np.int64)
    if offsets.size == 1:  # no node: node 0 without records, as the lists were split
        offsets = np.zeros(2, dtype=np.int64)
    return NodeDocs(offsets, docs)


def _summary(
    inp: MapInput,
    params: MapParams,
    rec: _Records,
    time: _Time,
    full: DocTerm,
    extra: dict[str, Any],
) -> dict[str, Any]:
    from zhagen._version import __version__
    from zhagen.mapping.centrality import betweenness_backend
    from zhagen.mapping.cluster import (
        LEIDEN_OPTIONS,
        MODULARITY_DEFINITION,
        SILHOUETTE_DEFINITIONS,
        leiden_backend,
    )
    from zhagen.mapping.links import LINK_DEFINITIONS

    span = None
    if time.first is not None:
        span = [time.first, time.first + time.n_years - 1]
    summary: dict[str, Any] = {
        "records_input": len(inp.doc_ids),
        "records": int(rec.doc_ids.size),
        "records_with_terms": int(rec.has_terms.sum()),
        "records_without_year": rec.without_year,
        "terms": len(rec.dt.vocab),
        "terms_eligible": int(rec.eligible.sum()),
        "year_span": span,
    }
    summary.update(extra)
    summary["params"] = params.to_dict()
    summary["algorithms"] = {
        "leiden": leiden_backend(), "leiden_options": dict(LEIDEN_OPTIONS),
        "betweenness": betweenness_backend() + " (unweighted, normalised)",
        "silhouette": SILHOUETTE_DEFINITIONS[params.silhouette],
        "burst": "Kleinberg 2002 two-state batched, Viterbi; d_t = records with terms",
        "sigma": "(betweenness + 1) ** burst_strength",
        "layout": "Fruchterman-Reingold, seeded, cluster-initialised",
    }  # fmt: skip
    summary["definitions"] = {
        "modularity": MODULARITY_DEFINITION,
        "quality_at_resolution": "sum_c [L_c/m - resolution (K_c/2m)^2], the objective Leiden "
        "maximised; reported only when --resolution is not 1",
        "silhouette": SILHOUETTE_DEFINITIONS[params.silhouette],
        "link": f"{params.link}: {LINK_DEFINITIONS[params.link]}",
        "centrality": "degree, weighted_degree and betweenness are computed on the pruned "
        f"network (--prune {params.prune}); betweenness unweighted, normalised by (n-1)(n-2)/2",
        "total_link_strength": "VOSviewer's total link strength (node column "
        "total_link_strength, vosviewer_map.txt) is the sum of co-occurrence counts over all "
        "links among the nodes, before pruning",
        "selection": _selection_definition(params),
        "links_from": _links_from(inp, params),
        "records_without_year": "reported, and left out of every count when any record has "
        "a year (every count is time-sliced)",
        "bursts": f"Kleinberg two-state, s = alpha1/alpha0 = {params.burst_s}, gamma = "
        f"{params.burst_gamma} (entry cost gamma ln n), minimum duration "
        f"{params.burst_min_duration} slices, of the {params.burst_terms} terms",
        "labels": "LLR / TF-IDF / MI over the records holding a cluster member; candidates: "
        + ("title noun phrases and keywords" if params.label_source != "keywords"
           else "keywords") + ", in at least two records",
    }  # fmt: skip
    summary["zhagen_version"] = __version__
    summary["input_hash"] = input_hash(inp, full)
    return summary


def _links_from(inp: MapInput, params: MapParams) -> str:
    if inp.link_rows is not None:
        return ("bibliographic coupling: a link's count is the number of cited works both "
                "documents cite; it belongs to the slice of the later document, where both are "
                "present, and links two nodes of the map whatever link_scope")  # fmt: skip
    if params.link_scope == "slices":
        return ("the union of the slice networks: a link's count is the sum of its "
                "co-occurrences in the slices where both ends are selected (CiteSpace)")  # fmt: skip
    return "co-occurrences over every record in range"


def _selection_definition(params: MapParams) -> str:
    if params.g_index is not None:
        what = f"g-index with k = {params.g_index} (largest g with g^2 <= k * sum of top-g counts)"
    elif params.top is not None:
        what = f"top {params.top}"
    else:
        what = f"top {params.top_percent} %"
    return (f"{what} per slice of {params.slice} year(s), by slice count, ties by overall "
            f"frequency then first year; min_freq {params.min_freq}")  # fmt: skip


def _nodes_frame(cols, rec, net_stats: dict[str, Any]) -> Table:
    data = {
        "id": range(cols.size),
        "label": [rec.dt.vocab[c] for c in cols.tolist()],
        "frequency": rec.freq[cols],
        **{k: net_stats[k] for k in ("degree", "weighted_degree", "total_link_strength",
                                     "betweenness", "burst_strength")},
        "burst_begin": net_stats["burst_begin"],
        "burst_end": net_stats["burst_end"],
        "sigma": net_stats["sigma"],
        "cluster": net_stats["cluster"],
        "first_year": net_stats["first_year"],
        "x": net_stats["xy"][:, 0],
        "y": net_stats["xy"][:, 1],
    }  # fmt: skip
    return Table({k: data[k] for k in NODE_COLUMNS}, ints=_NULLABLE)


#: The columns held as nullable whole numbers (pandas' ``Int64``).
_NULLABLE = ("burst_begin", "burst_end", "first_year", "begin", "end", "last_year")


def _node_bursts(n: int, b_node, b_strength, b_begin, b_end) -> dict[str, Any]:
    """Each node's strongest burst (arrays already strongest first)."""
    import numpy as np

    strength = np.zeros(n)
    begin: list[int | None] = [None] * n
    end: list[int | None] = [None] * n
    _, first = np.unique(b_node, return_index=True)
    for k in first.tolist():
        node = int(b_node[k])
        strength[node] = float(b_strength[k])
        begin[node], end[node] = int(b_begin[k]), int(b_end[k])
    return {"burst_strength": strength, "burst_begin": begin, "burst_end": end}


def build_map(inp: MapInput, params: MapParams) -> KnowledgeMap:
    """Compute a knowledge map (nodes, links, clusters, bursts) from plain data.

    Parameters
    ----------
    inp:
        Records: ids, years (or None), terms (normalised, thesaurus-merged) and titles.
    params:
        Every parameter (recorded in ``summary["params"]``).

    Returns
    -------
    KnowledgeMap

    Raises
    ------
    zhagen.errors.InputError
        No records, or no record with a term.
    zhagen.errors.ParameterError
        A parameter out of range, or one that filters everything out.

    Examples
    --------
    >>> inp = MapInput([1, 2, 3], [2020, 2021, 2021],
    ...                [["a", "b"], ["a", "b", "c"], ["b", "c"]], ["t1", "t2", "t3"])
    >>> km = build_map(inp, MapParams(min_freq=1))
    >>> km.nodes["label"].tolist(), len(km.edges)
    (['b', 'a', 'c'], 3)
    """

    from zhagen.mapping import centrality as cen
    from zhagen.mapping import cluster as clu
    from zhagen.mapping.cooccurrence import doc_term_matrix
    from zhagen.mapping.layout import force_layout

    check_params(params)
    full = doc_term_matrix(inp.terms)
    rec = _records(inp, params, full)
    time = _time_axis(rec, params)
    cols, slice_counts, chosen = _select(rec, time, params)
    sizes = [int(c.size) for c in chosen]
    n = int(cols.size)
    xn, net = _node_network(inp, rec, time, cols, chosen, params)
    ki, kj = net.i[net.kept], net.j[net.kept]
    kc, ks = net.count[net.kept], net.strength[net.kept]
    labels = clu.leiden(n, ki, kj, ks, params.resolution, params.seed)
    labels, other = clu.merge_small(labels, params.min_cluster_size)
    sil = clu.silhouettes(n, net.i, net.j, net.strength, labels, params.silhouette)
    d, bursts = _term_bursts(rec, time, cols, slice_counts, params)
    stats: dict[str, Any] = {
        "degree": cen.degree(n, ki, kj), "weighted_degree": cen.weighted_degree(n, ki, kj, kc),
        # VOSviewer's total link strength counts every link, before pruning
        "total_link_strength": cen.weighted_degree(n, net.i, net.j, net.count),
        "betweenness": cen.betweenness(n, ki, kj), "cluster": labels,
        **_node_bursts(n, *_as_nodes(cols, bursts)),
    }  # fmt: skip
    stats["sigma"] = cen.sigma(stats["betweenness"], stats["burst_strength"])
    year_counts, first_year, last_year = _year_stats(xn, time)
    stats["first_year"] = first_year
    stats["xy"] = force_layout(n, ki, kj, ks, labels, seed=params.seed)
    nodes = _nodes_frame(cols, rec, stats)
    edges = Table({"source": ki, "target": kj, "count": kc, "strength": ks})
    texts = _labels(rec, cols, labels, params, inp.title_phrases)
    clusters = _clusters_frame(labels, sil, first_year, texts)
    q, quality = _modularity(n, ki, kj, ks, labels, params.resolution)
    bursts_df = _bursts_frame(rec, time, bursts)
    summary = _summary(inp, params, rec, time, full, {
        "nodes": n, "edges": int(ki.size), "edges_before_pruning": int(net.i.size),
        "clusters": int(len(clusters)), "modularity": round(q, 6), **quality,
        "silhouette": round(float(sil.mean()), 6) if n else 0.0,
        "silhouette_definition": clu.SILHOUETTE_DEFINITIONS[params.silhouette],
        "bursts": int(len(bursts_df)),
        "slices": _slice_summary(time, d, sizes),
        **({"other_cluster": other} if other is not None else {}),
    })  # fmt: skip
    return _assemble(nodes, edges, clusters, bursts_df, summary, rec, time, xn, year_counts)


def _node_network(
    inp: MapInput,
    rec: _Records,
    time: _Time,
    cols: np.ndarray,
    chosen: list[Any],
    params: MapParams,
) -> tuple[Any, Any]:
    """The records × nodes matrix of the selected terms ``cols`` and their network (each
    slice's chosen nodes as positions among ``cols``; links counted over ``inp.link_rows``
    when the map has them)."""
    import numpy as np

    xn = rec.dt.matrix[:, cols].tocsr()
    pos = np.full(int(rec.dt.matrix.shape[1]), -1, dtype=np.int64)
    pos[cols] = np.arange(int(cols.size))
    link_rows = None
    if inp.link_rows is not None:
        link_rows = _link_matrix(inp.link_rows, [rec.dt.vocab[c] for c in cols.tolist()])
    net = _network(xn, rec.freq[cols], params, time.slice_of, [pos[c] for c in chosen], link_rows)
    return xn, net


def _term_bursts(
    rec: _Records, time: _Time, cols: np.ndarray, slice_counts: Any, params: MapParams
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Records a slice (those with terms) and the bursts of the map's nodes or of every
    eligible term (``params.burst_terms``), as vocabulary columns, strongest first."""
    import numpy as np

    in_slices = rec.has_terms & (time.slice_of >= 0)
    d = np.bincount(time.slice_of[in_slices], minlength=len(time.slices))
    burst_cols = cols if params.burst_terms == "nodes" else np.flatnonzero(rec.eligible)
    bursts = _bursts(slice_counts[:, burst_cols].T, d, time, params)
    return d, (burst_cols[bursts[0]], *bursts[1:])


def _modularity(
    n: int, ki: np.ndarray, kj: np.ndarray, ks: np.ndarray, labels: np.ndarray,
    resolution: float,
) -> tuple[float, dict[str, float]]:  # fmt: skip
    """Q, always the standard modularity (resolution 1): a reader compares it with other
    maps and with CiteSpace's. The objective Leiden maximised at another resolution is a
    different number, reported under its own name only when it differs."""
    from zhagen.mapping import cluster as clu

    q = clu.modularity(n, ki, kj, ks, labels)
    if resolution == 1.0:
        return q, {}
    return q, {"quality_at_resolution": round(clu.modularity(n, ki, kj, ks, labels, resolution), 6)}


def _labels(
    rec: _Records,
    cols: np.ndarray,
    labels: np.ndarray,
    params: MapParams,
    known: Mapping[str, Sequence[str]] | None = None,
) -> list:
    """LLR / TF-IDF / MI labels from the keywords, and the title noun phrases when asked
    (those of ``known`` as they are; the others tagged by the shared segmenter, loaded only
    if a title needs it)."""
    from zhagen.mapping.labels import cluster_labels, label_blocks, segmenter_phrases

    if params.label_source == "keywords" or rec.titles is None:
        return cluster_labels(rec.dt.matrix, rec.dt.vocab, cols, labels)
    made: list[Callable[[str], list[str]]] = []

    def phrases(title: str) -> Sequence[str]:
        if known is not None and title in known:
            return known[title]
        if not made:
            from zhagen.text.segment import default_segmenter

            made.append(segmenter_phrases(default_segmenter()))
        return made[0](title)

    blocks, vocab = label_blocks(rec.dt.matrix, rec.dt.vocab, rec.titles, None, phrases=phrases)
    return cluster_labels(blocks, vocab, cols, labels)


def _slice_summary(time: _Time, with_terms: np.ndarray, sizes: list[int]) -> list[dict]:
    import numpy as np

    dated = time.slice_of >= 0
    records = np.bincount(time.slice_of[dated], minlength=len(time.slices)).tolist()
    return [
        {"begin": s.begin, "end": s.end, "records": r, "records_with_terms": int(w), "selected": k}
        for s, r, w, k in zip(time.slices, records, with_terms.tolist(), sizes, strict=True)
    ]


def _clusters_frame(labels, sil, first_year, texts) -> Table:
    import numpy as np

    from zhagen.mapping.cluster import cluster_means

    k = int(labels.max()) + 1 if labels.size else 0
    fy = np.array([np.nan if y is None else y for y in first_year], dtype=np.float64)
    mean_year = cluster_means(fy, labels) if k else np.zeros(0)
    mean_sil = cluster_means(sil, labels) if k else np.zeros(0)
    members = [np.flatnonzero(labels == c).tolist() for c in range(k)]
    data = {
        "id": range(k), "size": [len(m) for m in members],
        "silhouette": np.round(mean_sil, 6),
        "label_llr": [t["llr"] for t in texts], "label_tfidf": [t["tfidf"] for t in texts],
        "label_mi": [t["mi"] for t in texts],
        "mean_year": [None if np.isnan(y) else round(float(y), 2) for y in mean_year],
        "members": members,
    }  # fmt: skip
    return Table({c: data[c] for c in CLUSTER_COLUMNS})


def _as_nodes(cols: np.ndarray, bursts: tuple) -> tuple:
    """The bursts of node terms, with vocabulary columns turned into node ids."""
    import numpy as np

    b_col, *rest = bursts
    pos = np.full(int(max(cols.max(initial=-1), b_col.max(initial=-1))) + 1, -1, dtype=np.int64)
    pos[cols] = np.arange(cols.size)
    node = pos[b_col] if b_col.size else b_col
    keep = node >= 0
    return (node[keep], *(a[keep] for a in rest))


def _bursts_frame(rec: _Records, time: _Time, bursts: tuple) -> Table:
    """Every burst (of nodes or of all eligible terms, see ``burst_terms``), strongest first."""
    import numpy as np

    b_col, b_strength, b_begin, b_end = bursts
    uniq = np.unique(b_col)
    _counts, first, last = _year_stats(rec.dt.matrix[:, uniq].tocsr(), time)
    where = {int(c): k for k, c in enumerate(uniq.tolist())}
    ks = [where[c] for c in b_col.tolist()]
    data = {
        "term": [rec.dt.vocab[c] for c in b_col.tolist()],
        "strength": b_strength.round(6),
        "begin": b_begin.tolist(),
        "end": b_end.tolist(),
        "first_year": [first[k] for k in ks],
        "last_year": [last[k] for k in ks],
    }  # fmt: skip
    return Table({c: data[c] for c in BURST_COLUMNS}, ints=_NULLABLE)


def _assemble(nodes, edges, clusters, bursts, summary, rec, time, xn, year_counts) -> KnowledgeMap:
    import numpy as np

    node_docs = _node_docs(xn, rec.doc_ids)
    term_years: dict[str, dict[int, int]] = {}
    if time.first is not None:
        # every node's non-zero years at once (node by node, years ascending), then cut
        node, year = np.nonzero(year_counts.T)
        years = (year + time.first).tolist()
        counts = year_counts[year, node].tolist()
        labels = nodes.column("label")
        cuts = [0, *np.searchsorted(node, np.arange(1, len(labels))).tolist(), node.size]
        for k, label in enumerate(labels):
            a, b = cuts[k], cuts[k + 1]
            term_years[label] = dict(zip(years[a:b], counts[a:b], strict=True))
    doc_titles: dict[int, str] = {}
    if rec.titles is not None:
        rows = np.flatnonzero(np.diff(xn.indptr) > 0)
        titles = np.empty(len(rec.titles), dtype=object)
        titles[:] = rec.titles
        doc_titles = dict(zip(rec.doc_ids[rows].tolist(), titles[rows].tolist(), strict=True))
    span = None if summary["year_span"] is None else tuple(summary["year_span"])
    return KnowledgeMap(nodes=nodes, edges=edges, clusters=clusters, bursts=bursts,
                        summary=summary, node_docs=node_docs, year_span=span,
                        term_years=term_years, doc_titles=doc_titles)  # fmt: skip
