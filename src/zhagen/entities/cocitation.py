"""Cited references, cited authors and cited journals of records, read as integers.

The project stores each document's cited references (WoS ``CR``) as links to the distinct
strings (kind ``cited``) and, once per distinct string, its parts (kind ``cited-parts``,
:func:`~zhagen.entities.references.reference_parts`: spelling, cited author, cited
journal, work identifiers). A co-citation, cited-author or cited-journal map then reads
integer arrays and groups the references with array operations (a sparse graph's
connected components for the works), instead of parsing every string on every run.

:func:`cited_terms` gives exactly what :func:`zhagen.entities.collect.entity_terms` gives
for the same records (the tests compare both on the real WoS export): the grouping of
:func:`~zhagen.entities.references.group_references` — references sharing a DOI or family
name + year + volume + page are one work, a DOI seen with two volume/page identifiers
identifies nothing, the label is the spelling most citations use (ties by code point), a
label two works share gets the work's smallest DOI — and its merge report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from zhagen.entities.collect import REPORT_MAX, EntityReport, _thesaurus, _unique, _variants
from zhagen.store import entities as q

if TYPE_CHECKING:
    import numpy as np

    from zhagen.store.db import Store

__all__ = ["cited_terms"]

#: Above this many distinct entities, every part of the kind is read in one scan rather
#: than looked up one by one.
_ALL = 50_000
_TEXT, _AUTHOR, _JOURNAL, _DOI, _VP, _AS = range(6)


def cited_terms(
    store: Store,
    kind: str,
    cited: int,
    parts: int,
    doc_ids: list[int],
    docs: np.ndarray,
    ents: np.ndarray,
    thesaurus: Mapping[str, str] | None = None,
) -> tuple[list[list[str]], EntityReport]:
    """The node labels of each of ``doc_ids`` for ``kind`` (``reference``, ``cited-author``
    or ``cited-journal``) and the merge report, as
    :func:`~zhagen.entities.collect.entity_terms` gives them.

    Parameters
    ----------
    store:
        The project's store.
    kind:
        The node type.
    cited, parts:
        The ids of the kinds ``cited`` (the distinct ``CR`` strings) and ``cited-parts``.
    doc_ids:
        The records, ascending.
    docs, ents:
        The ``cited`` links of those records only: document id and entity id per link, in
        (document, position) order.
    thesaurus:
        ``label → replacement``, applied to every label.

    Examples
    --------
    >>> import numpy as np
    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:  # policy texts: no cited reference
    ...     cited_terms(p.store, "reference", 0, 0, [1, 2], np.zeros(0, np.int64),
    ...                 np.zeros(0, np.int64))[0]
    [[], []]
    """
    import numpy as np

    report = EntityReport(kind)
    uniq, inv = _dense(ents)
    if kind == "reference":
        label_of, (report.merged, report.merged_count) = _works(
            store, cited, parts, uniq, inv, docs
        )
    else:
        role = _AUTHOR if kind == "cited-author" else _JOURNAL
        owner, part = _parts(store, parts, role, uniq)
        names = _labels(store, parts, part, role)
        label_of = [""] * uniq.size
        for k, name in zip(owner.tolist(), names, strict=True):
            label_of[k] = name
    flat = [label_of[k] for k in inv.tolist()]
    starts = np.searchsorted(docs, doc_ids, "left").tolist()
    ends = np.searchsorted(docs, doc_ids, "right").tolist()
    terms = [_unique(flat[a:b]) for a, b in zip(starts, ends, strict=True)]
    terms = _thesaurus(terms, thesaurus)
    report.records_with_entities = sum(1 for row in terms if row)
    return terms, report


def _parts(store: Store, parts: int, role: int, uniq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index into ``uniq``, part id) of the parts ``role`` of the entities ``uniq``."""
    import numpy as np

    n, ent_text, part_text = q.part_rows(store, parts, role, None if uniq.size > _ALL else uniq)
    if not n or not uniq.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    ent = np.fromstring(ent_text, dtype=np.int64, sep=",")  # noqa: NPY201 - C-speed parse
    part = np.fromstring(part_text, dtype=np.int64, sep=",")  # noqa: NPY201
    at = np.minimum(np.searchsorted(uniq, ent), uniq.size - 1)
    keep = uniq[at] == ent
    return at[keep], part[keep]


def _labels(store: Store, kind: int, ids: np.ndarray, role: int | None = None) -> list[str]:
    """The labels of entity ``ids`` of ``kind``, in the order of ``ids``; ``role``: they
    are all parts of that role of the derived ``kind`` (a large read then reads that
    role's labels only)."""
    import numpy as np

    if not ids.size:
        return []
    used = _dense(ids)[0]
    if used.size <= _ALL:
        got_ids, got = q.labels_of(store, kind, used.tolist())
    elif role is None:
        got_ids, got = q.labels_of(store, kind)
    else:
        got_ids, got = q.part_labels(store, kind, role)
    known = np.asarray(got_ids, dtype=np.int64)
    order = np.argsort(known, kind="stable")
    at = order[np.searchsorted(known, ids, sorter=order)]
    return [got[k] for k in at.tolist()]


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values ascending, index of each value among them) of small non-negative
    integers (entity ids), with a table indexed by value: O(n), no sort.

    >>> import numpy as np
    >>> [a.tolist() for a in _dense(np.array([5, 2, 5, 9]))]
    [[2, 5, 9], [1, 0, 1, 2]]
    """
    import numpy as np

    if not values.size:
        return values.astype(np.int64), values.astype(np.int64)
    present = np.zeros(int(values.max()) + 1, dtype=bool)
    present[values] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1)[values]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (a sort: ``np.unique`` hashes, slower here).

    >>> import numpy as np
    >>> _distinct(np.array([3, 1, 3])).tolist()
    [1, 3]
    """
    import numpy as np

    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def _works(
    store: Store, cited: int, parts: int, uniq: np.ndarray, inv: np.ndarray, docs: np.ndarray
) -> tuple[list[str], tuple[list[dict], int]]:
    """Each distinct reference's work label (indexed as ``uniq``) and the merge report
    (:func:`_merged`)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    r = uniq.size
    if not r:
        return [], ([], 0)
    weight = np.bincount(inv, minlength=r)  # citations of each distinct string
    own_t, text = _parts(store, parts, _TEXT, uniq)
    text_of = np.zeros(r, dtype=np.int64)
    text_of[own_t] = text
    got = {role: _parts(store, parts, role, uniq) for role in (_DOI, _VP, _AS)}
    own_d, doi = got[_DOI]
    # a DOI written for works of different volume/page identifiers identifies none
    vp_of = np.full(r, -1, dtype=np.int64)
    vp_of[got[_VP][0]] = got[_VP][1]
    with_vp = vp_of[own_d] >= 0
    span = max(int(vp_of.max()), 0) + 1
    pair = _distinct(doi[with_vp] * span + vp_of[own_d[with_vp]])
    dois, n_vp = _dense(pair // span)
    good = ~np.isin(doi, dois[np.bincount(n_vp) > 1])
    owner = np.concatenate([own_d[good], got[_VP][0], got[_AS][0]])
    node = _dense(np.concatenate([doi[good], got[_VP][1], got[_AS][1]]))[1]
    size = r + (int(node.max()) + 1 if node.size else 0)
    graph = coo_matrix(
        (np.ones(owner.size, dtype=np.int8), (owner, r + node)), shape=(size, size)
    ).tocsr()
    group = _dense(connected_components(graph, directed=False)[1][:r])[1]
    n_groups = int(group.max()) + 1
    members = np.bincount(group, minlength=n_groups)
    # spellings per work, weighted by citations; the most used, ties by code point
    order = np.lexsort((text_of, group))
    g_sorted, t_sorted = group[order], text_of[order]
    new = np.r_[True, (g_sorted[1:] != g_sorted[:-1]) | (t_sorted[1:] != t_sorted[:-1])]
    starts = np.flatnonzero(new)
    score = np.add.reduceat(weight[order], starts)
    k_group, k_text = g_sorted[starts], t_sorted[starts]
    best = np.zeros(n_groups, dtype=weight.dtype)
    np.maximum.at(best, k_group, score)
    top = score == best[k_group]
    ties = np.bincount(k_group[top], minlength=n_groups)
    chosen = np.zeros(n_groups, dtype=np.int64)
    single = top & (ties[k_group] == 1)
    chosen[k_group[single]] = k_text[single]
    tied = top & ~single
    wanted = np.concatenate([k_text[single], k_text[tied]])
    name_of = dict(zip(wanted.tolist(), _labels(store, parts, wanted, _TEXT), strict=True))
    for g, t in zip(k_group[tied].tolist(), k_text[tied].tolist(), strict=True):
        if not chosen[g] or name_of[t] < name_of[int(chosen[g])]:
            chosen[g] = t
    label = [name_of[t] for t in chosen.tolist()]
    # a label two works share gets the work's smallest DOI (a spelling never holds ", DOI ")
    code = _dense(chosen)[1]
    uses = np.bincount(code)[code]
    clash = np.flatnonzero(uses > 1)
    several = members[group] > 1  # labels of several reference strings
    if clash.size:
        member = np.isin(group[own_d], clash)
        smallest: dict[int, str] = {}
        for g, d in zip(
            group[own_d[member]].tolist(), _labels(store, parts, doi[member], _DOI), strict=True
        ):
            if g not in smallest or d < smallest[g]:
                smallest[g] = d
        for g, d in smallest.items():
            label[g] = f"{label[g]}, DOI {d[len('doi:') :]}"
        strings: Counter[str] = Counter()
        for g in clash.tolist():
            strings[label[g]] += int(members[g])
        in_clash = np.isin(group, clash)
        for k in np.flatnonzero(in_clash).tolist():
            several[k] = strings[label[group[k]]] > 1
    by_ref = [label[g] for g in group.tolist()]
    return by_ref, _merged(store, cited, label, group, several, uniq, inv, docs)


def _merged(
    store: Store,
    cited: int,
    label: list[str],
    group: np.ndarray,
    several: np.ndarray,
    uniq: np.ndarray,
    inv: np.ndarray,
    docs: np.ndarray,
) -> tuple[list[dict], int]:
    """The first :data:`~zhagen.entities.collect.REPORT_MAX` labels made of several
    reference strings (``several``, per string; ``label`` per work, ``group``: each
    string's work), each string with the number of records citing it, as
    :func:`~zhagen.entities.collect._variants` orders them, and how many such labels
    there are. Only the strings of the labels listed are read."""
    import numpy as np

    if not several.any():
        return [], 0
    size = uniq.size
    cite = _distinct(docs.astype(np.int64) * size + inv) % size  # each record's distinct strings
    records = np.bincount(cite, minlength=size)
    which = np.flatnonzero(several)
    total: Counter[str] = Counter()
    for g, n in zip(group[which].tolist(), records[which].tolist(), strict=True):
        total[label[g]] += n
    first = sorted(total, key=lambda name: (-total[name], name))[:REPORT_MAX]
    listed = set(first)
    which = np.asarray([k for k in which.tolist() if label[group[k]] in listed], dtype=np.int64)
    raw = _labels(store, cited, uniq[which])
    counts = Counter(
        {
            (label[g], text): int(records[k])
            for k, g, text in zip(which.tolist(), group[which].tolist(), raw, strict=True)
        }
    )
    return _variants(counts), len(total)
