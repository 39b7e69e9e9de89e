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

from zhagen.entities.collect import EntityReport, _thesaurus, _unique, _variants
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
    uniq, inv = np.unique(ents, return_inverse=True)
    if kind == "reference":
        label_of, report.merged = _works(store, cited, parts, uniq, inv, docs)
    else:
        role = _AUTHOR if kind == "cited-author" else _JOURNAL
        owner, part = _parts(store, parts, role, uniq)
        names = _labels(store, parts, part)
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


def _labels(store: Store, kind: int, ids: np.ndarray) -> list[str]:
    """The labels of entity ``ids`` of ``kind``, in the order of ``ids``."""
    import numpy as np

    if not ids.size:
        return []
    used = np.unique(ids)
    got_ids, got = q.labels_of(store, kind, None if used.size > _ALL else used.tolist())
    at = np.searchsorted(np.asarray(got_ids, dtype=np.int64), ids)
    return [got[k] for k in at.tolist()]


def _works(
    store: Store, cited: int, parts: int, uniq: np.ndarray, inv: np.ndarray, docs: np.ndarray
) -> tuple[list[str], list[dict]]:
    """Each distinct reference's work label (indexed as ``uniq``) and the merge report."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    r = uniq.size
    if not r:
        return [], []
    weight = np.bincount(inv, minlength=r)  # citations of each distinct string
    own_t, text = _parts(store, parts, _TEXT, uniq)
    text_of = np.full(r, -1, dtype=np.int64)
    text_of[own_t] = text
    got = {role: _parts(store, parts, role, uniq) for role in (_DOI, _VP, _AS)}
    own_d, doi = got[_DOI]
    # a DOI written for works of different volume/page identifiers identifies none
    vp_of = np.full(r, -1, dtype=np.int64)
    vp_of[got[_VP][0]] = got[_VP][1]
    with_vp = vp_of[own_d] >= 0
    pairs = np.unique(np.stack([doi[with_vp], vp_of[own_d[with_vp]]]), axis=1)
    dois, n_vp = np.unique(pairs[0], return_counts=True)
    bad = dois[n_vp > 1]
    good = ~np.isin(doi, bad)
    owner = np.concatenate([own_d[good], got[_VP][0], got[_AS][0]])
    ident = np.concatenate([doi[good], got[_VP][1], got[_AS][1]])
    idents, node = np.unique(ident, return_inverse=True)
    size = r + idents.size
    graph = coo_matrix(
        (np.ones(owner.size, dtype=np.int8), (owner, r + node)), shape=(size, size)
    ).tocsr()
    _n, comp = connected_components(graph, directed=False)
    group = np.unique(comp[:r], return_inverse=True)[1]
    n_groups = int(group.max()) + 1
    # spellings per work, weighted by citations; the most used, ties by code point
    texts, t_code = np.unique(text_of, return_inverse=True)
    key = group.astype(np.int64) * texts.size + t_code
    keys, k_inv = np.unique(key, return_inverse=True)
    score = np.bincount(k_inv, weights=weight)
    k_group = keys // texts.size
    best = np.full(n_groups, -1.0)
    np.maximum.at(best, k_group, score)
    top = score == best[k_group]
    ties = np.bincount(k_group[top], minlength=n_groups)
    chosen = np.full(n_groups, -1, dtype=np.int64)
    single = top & (ties[k_group] == 1)
    chosen[k_group[single]] = texts[keys[single] % texts.size]
    label = [""] * n_groups
    tied = top & ~single
    tied_text = texts[keys[tied] % texts.size]
    for g, name in zip(k_group[tied].tolist(), _labels(store, parts, tied_text), strict=True):
        if chosen[g] < 0 or name < label[g]:
            chosen[g], label[g] = 0, name
    once = chosen > 0
    for g, name in zip(
        np.flatnonzero(once).tolist(), _labels(store, parts, chosen[once]), strict=True
    ):
        label[g] = name
    # a label two works share gets the work's smallest DOI
    taken = Counter(label)
    clash = [g for g, name in enumerate(label) if taken[name] > 1]
    if clash:
        member = np.isin(group[own_d], clash)
        smallest: dict[int, str] = {}
        for g, d in zip(
            group[own_d[member]].tolist(), _labels(store, parts, doi[member]), strict=True
        ):
            if g not in smallest or d < smallest[g]:
                smallest[g] = d
        for g, d in smallest.items():
            label[g] = f"{label[g]}, DOI {d[len('doi:') :]}"
    by_ref = [label[g] for g in group.tolist()]
    return by_ref, _merged(store, cited, by_ref, uniq, inv, docs)


def _merged(
    store: Store,
    cited: int,
    by_ref: list[str],
    uniq: np.ndarray,
    inv: np.ndarray,
    docs: np.ndarray,
) -> list[dict]:
    """The labels made of several reference strings, each string with the number of
    records citing it (:func:`~zhagen.entities.collect._variants`)."""
    import numpy as np

    per_label = Counter(by_ref)
    several = np.asarray([per_label[name] > 1 for name in by_ref], dtype=bool)
    if not several.any():
        return []
    size = uniq.size
    cite = np.unique(docs.astype(np.int64) * size + inv) % size  # each record's distinct strings
    records = np.bincount(cite, minlength=size)
    which = np.flatnonzero(several)
    raw = _labels(store, cited, uniq[which])
    counts = Counter(
        {(by_ref[k], text): int(records[k]) for k, text in zip(which.tolist(), raw, strict=True)}
    )
    return _variants(counts)
