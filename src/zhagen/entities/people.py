"""Authors and institutions of records, read as integers (issue 13).

The project stores each document's authors and affiliations as links to the distinct
strings (kinds ``author``, ``affiliation``) and, once per distinct string, what a map reads
of it (kinds ``author-parts``: :func:`~zhagen.entities.names.author_parts`, the spelling
shown and the key; ``affiliation-parts``: :func:`~zhagen.entities.institutions.affiliation_parts`,
the institution at each level). A map of authors or institutions then works on integer
arrays: per link a key id and a spelling id, per record its institution ids; the homonyms
are split with a sparse graph's connected components instead of a union-find over lists of
strings, and only the labels shown are read as text.

:func:`author_terms` and :func:`institution_terms` give exactly what
:func:`zhagen.entities.collect.entity_terms` gives for the same records (the tests compare
both on the real CNKI and WoS exports): the same labels per record, the same merge report
and the same ambiguous names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# np.unique of a few million integers hashes them (seconds); _distinct sorts (numpy 2.4)
from zhagen.entities.cocitation import _dense, _distinct, _labels, _parts
from zhagen.entities.collect import REPORT_MAX, EntityReport
from zhagen.entities.institutions import institution
from zhagen.entities.names import c1_authors, person_label
from zhagen.store import entities as q

if TYPE_CHECKING:
    import numpy as np

    from zhagen.store.db import Store

__all__ = ["Links", "Terms", "author_terms", "institution_terms"]

_SHOWN, _KEY = 0, 1  # names.AUTHOR_ROLES
_TOP, _DEPARTMENT, _CLEAN = 0, 1, 2  # institutions.AFFILIATION_ROLES


@dataclass
class Links:
    """The links of one kind of the records to map: per link the record (its index among
    the records) and the entity id, in (record, position) order."""

    rows: np.ndarray
    ents: np.ndarray


@dataclass
class Terms:
    """Each record's node labels as occurrences: record ``rows[k]`` holds
    ``labels[codes[k]]`` (a label may repeat; ``""`` is no label), and the merge report."""

    rows: np.ndarray
    codes: np.ndarray
    labels: list[str]
    report: EntityReport


def _empty() -> np.ndarray:
    import numpy as np

    return np.zeros(0, np.int64)


def _by_id(store: Store, kind: int, ids: np.ndarray, role: int | None = None) -> dict[int, str]:
    """Entity id → label of the distinct ``ids`` of ``kind``."""

    used = _distinct(ids)
    return dict(zip(used.tolist(), _labels(store, kind, used, role), strict=True))


def _first_of_group(groups: np.ndarray, score: np.ndarray, name: Callable[[int], str],
                    items: np.ndarray) -> dict[int, int]:  # fmt: skip
    """Per group, the item of the highest score, ties by the item's name (code point)."""
    best: dict[int, tuple[int, str, int]] = {}
    for g, s, it in zip(groups.tolist(), score.tolist(), items.tolist(), strict=True):
        cur = best.get(g)
        if cur is None or s > cur[0] or (s == cur[0] and name(it) < cur[1]):
            best[g] = (s, name(it), it)
    return {g: v[2] for g, v in best.items()}


def institution_terms(
    store: Store,
    source: int,
    parts: int,
    aff: Links,
    level: str = "top",
    thesaurus: Mapping[str, str] | None = None,
) -> Terms:
    """The institution labels of each record and the merge report, as
    :func:`~zhagen.entities.collect.entity_terms` gives them for ``institution``.

    ``source``, ``parts``: the ids of the kinds ``affiliation`` and ``affiliation-parts``;
    ``aff``: the ``affiliation`` links of the records; ``level``: ``top`` or
    ``department``.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:  # policy texts: no affiliation
    ...     t = institution_terms(p.store, 0, 0, Links(_empty(), _empty()))
    >>> t.labels, t.report.merged
    ([], [])
    """
    import numpy as np

    report = EntityReport("institution")
    uniq, inv = _dense(aff.ents)
    if not uniq.size:
        return Terms(_empty(), _empty(), [], report)
    own, part = _parts(store, parts, _TOP if level == "top" else _DEPARTMENT, uniq)
    value = np.full(uniq.size, -1, dtype=np.int64)
    value[own] = part
    if thesaurus:
        # the thesaurus is looked up with the cleaned affiliation first, then the value
        own_c, clean = _parts(store, parts, _CLEAN, uniq)
        clean_of = np.full(uniq.size, -1, dtype=np.int64)
        clean_of[own_c] = clean
        text = _by_id(store, parts, np.concatenate([part, clean]))
        shown = [""] * uniq.size
        for k, (v, c) in enumerate(zip(value.tolist(), clean_of.tolist(), strict=True)):
            if c < 0:
                continue
            ct = text[c]
            vt = text.get(v, "")
            shown[k] = thesaurus[ct] if ct in thesaurus else thesaurus.get(vt, vt)
        labels = list(dict.fromkeys(shown))
        at = {t: j for j, t in enumerate(labels)}
        code = np.asarray([at[t] for t in shown], dtype=np.int64)
        code[np.asarray([not t for t in shown], dtype=bool)] = -1
    else:
        has = value >= 0
        used, dense = _dense(value[has])
        code = np.full(uniq.size, -1, dtype=np.int64)
        code[has] = dense
        labels = _labels(store, parts, used, _TOP if level == "top" else _DEPARTMENT)
    codes = code[inv]
    keep = codes >= 0
    rows, codes, affs = aff.rows[keep], codes[keep], inv[keep]
    # records using each distinct affiliation (a record names it once or more)
    n_aff = uniq.size
    pair = _distinct(rows * n_aff + affs)
    records = np.bincount(pair % n_aff, minlength=n_aff)
    report.merged, report.merged_count = _merged(store, source, labels, code, records, uniq)
    return Terms(rows, codes, labels, report)


def _merged(
    store: Store,
    source: int,
    labels: list[str],
    code: np.ndarray,
    records: np.ndarray,
    uniq: np.ndarray,
) -> tuple[list[dict[str, Any]], int]:
    """The first :data:`~zhagen.entities.collect.REPORT_MAX` labels made of several
    spellings, as :func:`~zhagen.entities.collect._variants` lists them, and how many
    there are. ``code``: each spelling's label (-1: none); ``records``: the records using
    each spelling; ``uniq``: the spellings' entity ids (kind ``source``), of which only
    those of the labels listed are read."""
    import numpy as np

    has = (code >= 0) & (records > 0)
    spellings = np.bincount(code[has], minlength=len(labels))
    several = np.flatnonzero(spellings > 1)
    if not several.size:
        return [], 0
    total = np.bincount(code[has], weights=records[has], minlength=len(labels)).astype(np.int64)
    first = sorted(several.tolist(), key=lambda c: (-int(total[c]), labels[c]))[:REPORT_MAX]
    listed = np.zeros(len(labels), dtype=bool)
    listed[first] = True
    which = np.flatnonzero(has & listed[np.maximum(code, 0)])
    text = _by_id(store, source, uniq[which])
    by_label: dict[int, list[tuple[str, int]]] = {}
    for k in which.tolist():
        by_label.setdefault(int(code[k]), []).append((text[int(uniq[k])], int(records[k])))
    out = []
    for c in first:
        variants = sorted(by_label[c], key=lambda sn: (-sn[1], sn[0]))
        out.append({"label": labels[c], "variants": [{"text": s, "records": n}
                                                     for s, n in variants]})  # fmt: skip
    return out, int(several.size)


def author_terms(
    store: Store,
    parts: int,
    aff_parts: int,
    authors: Links,
    affs: Links,
    c1: Mapping[int, str],
    *,
    disambiguate: bool = True,
    thesaurus: Mapping[str, str] | None = None,
) -> Terms:
    """The author labels of each record, the merge report and the ambiguous names, as
    :func:`~zhagen.entities.collect.entity_terms` gives them for ``author``.

    Parameters
    ----------
    store:
        The project's store.
    parts, aff_parts:
        The ids of the kinds ``author-parts`` and ``affiliation-parts``.
    authors, affs:
        The ``author`` and ``affiliation`` links of the records.
    c1:
        Record index → its WoS ``C1`` lines, for the records whose lines name their
        authors (``[A; B] address``).
    disambiguate:
        Split a name shared by people of different institutions.
    thesaurus:
        ``label → replacement``, applied to every label.

    Examples
    --------
    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:  # policy texts: no author
    ...     t = author_terms(p.store, 0, 0, Links(_empty(), _empty()), Links(_empty(), _empty()), {})
    >>> t.labels, t.report.ambiguous
    ([], [])
    """
    import numpy as np

    report = EntityReport("author")
    occ = _author_occurrences(store, parts, authors)
    if occ is None:
        return Terms(_empty(), _empty(), [], report)
    p_key, p_spell, pair_n = _spellings(occ)
    label_id = _key_labels(store, parts, occ.keys.size, p_key, p_spell, pair_n)
    shown_text = _labels(store, parts, label_id, _SHOWN)
    # the merge report: (label, spelling) record counts of the keys of several spellings
    several = np.bincount(p_key, minlength=occ.keys.size) > 1
    report.merged, report.merged_count = _author_merged(
        store, parts, shown_text, several, p_key, p_spell, pair_n
    )
    person = occ.key.copy()  # a person per occurrence: its key, or a new id when split
    display = list(shown_text)
    if disambiguate:
        source = _Source(store, parts, aff_parts, affs, c1)
        split = _split(source, occ)
        _apply_split(store, parts, split, occ.keys, shown_text, person, display, report)
    labels = display
    if thesaurus:
        labels = [thesaurus.get(t, t) for t in labels]
    return Terms(occ.rows, person, labels, report)


@dataclass
class _Occurrences:
    """Author occurrences: each key once per record, with the spelling of its first link
    there. ``rows`` the record, ``key`` an index into ``keys`` (entity ids of the keys),
    ``shown`` the spelling's entity id."""

    rows: np.ndarray
    key: np.ndarray
    keys: np.ndarray
    shown: np.ndarray


@dataclass
class _Source:
    """What the homonym split reads: the store, the ids of the kinds ``author-parts`` and
    ``affiliation-parts``, the records' affiliation links and their ``C1`` lines."""

    store: Store
    parts: int
    aff_parts: int
    affs: Links
    c1: Mapping[int, str]


def _author_occurrences(store: Store, parts: int, authors: Links) -> _Occurrences | None:
    """The occurrences of the ``author`` links (``None`` without any): each link's key and
    spelling from ``author-parts``, a key kept once per record."""
    import numpy as np

    uniq, inv = _dense(authors.ents)
    if not uniq.size:
        return None
    own, shown = _parts(store, parts, _SHOWN, uniq)
    shown_of = np.full(uniq.size, -1, dtype=np.int64)
    shown_of[own] = shown
    key_of = shown_of.copy()
    own_k, key = _parts(store, parts, _KEY, uniq)
    key_of[own_k] = key
    k_link, s_link = key_of[inv], shown_of[inv]
    has = k_link >= 0
    rows, k_link, s_link = authors.rows[has], k_link[has], s_link[has]
    keys, kd = _dense(k_link)
    _, first = np.unique(rows * keys.size + kd, return_index=True)
    first.sort()
    return _Occurrences(rows[first], kd[first], keys, s_link[first])


def _spellings(occ: _Occurrences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (key, spelling) pair seen: the key (index into ``occ.keys``), the spelling's
    entity id and its number of records."""
    import numpy as np

    spells, sd = _dense(occ.shown)
    pair, pair_n = np.unique(occ.key * spells.size + sd, return_counts=True)
    return pair // spells.size, spells[pair % spells.size], pair_n


def _key_labels(
    store: Store, parts: int, n_keys: int, p_key: np.ndarray, p_spell: np.ndarray,
    pair_n: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Each key's label (a spelling's entity id): the spelling of most records, ties by
    code point."""
    import numpy as np

    best = np.zeros(n_keys, dtype=np.int64)
    np.maximum.at(best, p_key, pair_n)
    top = pair_n == best[p_key]
    ties = np.bincount(p_key[top], minlength=n_keys)
    label_id = np.zeros(n_keys, dtype=np.int64)
    single = top & (ties[p_key] == 1)
    label_id[p_key[single]] = p_spell[single]
    tied = top & ~single
    if tied.any():
        name = _by_id(store, parts, p_spell[tied], _SHOWN)
        chosen = _first_of_group(p_key[tied], pair_n[tied], name.__getitem__, p_spell[tied])
        for g, s in chosen.items():
            label_id[g] = s
    return label_id


def _author_merged(
    store: Store,
    parts: int,
    shown_text: list[str],
    several: np.ndarray,
    p_key: np.ndarray,
    p_spell: np.ndarray,
    pair_n: np.ndarray,
) -> tuple[list[dict[str, Any]], int]:
    """:func:`_merged` of the authors: the keys of ``several`` spellings, labelled by
    ``shown_text``; per (key, spelling) pair its record count."""
    import numpy as np

    keys = np.flatnonzero(several)
    if not keys.size:
        return [], 0
    total = np.bincount(p_key, weights=pair_n, minlength=several.size).astype(np.int64)
    first = sorted(keys.tolist(), key=lambda k: (-int(total[k]), shown_text[k]))[:REPORT_MAX]
    listed = np.zeros(several.size, dtype=bool)
    listed[first] = True
    which = np.flatnonzero(listed[p_key])
    text = _by_id(store, parts, p_spell[which], _SHOWN)
    by_key: dict[int, list[tuple[str, int]]] = {}
    for k, s, n in zip(p_key[which].tolist(), p_spell[which].tolist(), pair_n[which].tolist(),
                       strict=True):  # fmt: skip
        by_key.setdefault(k, []).append((text[s], n))
    out = []
    for k in first:
        variants = sorted(by_key[k], key=lambda sn: (-sn[1], sn[0]))
        out.append({"label": shown_text[k],
                    "variants": [{"text": s, "records": n} for s, n in variants]})  # fmt: skip
    return out, int(keys.size)


@dataclass
class _Split:
    """Homonyms split: per split key (index into the keys), its people (each: top
    institution, the institutions, the occurrences)."""

    people: dict[int, list[tuple[str, list[str], np.ndarray]]]


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Every index of the ranges ``starts[i] .. starts[i] + lens[i] - 1``, in order.

    >>> import numpy as np
    >>> _ranges(np.array([5, 0, 2]), np.array([2, 0, 3])).tolist()
    [5, 6, 2, 3, 4]
    """
    import numpy as np

    return np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))


def _record_institutions(src: _Source) -> tuple[np.ndarray, np.ndarray]:
    """(record, institution id) of every record's distinct top-level institutions."""
    import numpy as np

    affs = src.affs
    uniq, inv = _dense(affs.ents)
    if not uniq.size:
        return _empty(), _empty()
    own, top = _parts(src.store, src.aff_parts, _TOP, uniq)
    top_of = np.full(uniq.size, -1, dtype=np.int64)
    top_of[own] = top
    inst = top_of[inv]
    has = inst >= 0
    rows, inst = affs.rows[has], inst[has]
    if not rows.size:
        return rows, inst
    span = int(inst.max()) + 1
    pair = _distinct(rows * span + inst)
    return pair // span, pair % span


def _occurrence_institutions(
    src: _Source, occ: _Occurrences
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """(occurrence, institution id) of each author occurrence's institutions: those its
    record's ``C1`` lines give the author, else all of its record's; and the text of the
    institution ids made for ``C1`` addresses that no affiliation gives."""
    import numpy as np

    orow = occ.rows
    r_rows, r_inst = _record_institutions(src)
    size = max(int(orow.max()) + 1 if orow.size else 0, int(r_rows.max()) + 1 if r_rows.size else 0)
    bracket = np.zeros(size, dtype=bool)
    wos = np.asarray([r for r in src.c1 if r < bracket.size], dtype=np.int64)
    bracket[wos] = True
    # the records without author addresses: a join of occurrences with record institutions
    plain = np.flatnonzero(~bracket[orow])
    starts = np.searchsorted(r_rows, orow[plain], "left")
    lens = np.searchsorted(r_rows, orow[plain], "right") - starts
    at = np.repeat(plain, lens)
    inst = r_inst[_ranges(starts, lens)]
    extra: dict[int, str] = {}
    if wos.size:
        occ_w, inst_w, extra = _c1_institutions(src, occ, bracket, r_rows, r_inst)
        at, inst = np.concatenate([at, occ_w]), np.concatenate([inst, inst_w])
    return at, inst, extra


def _c1_institutions(
    src: _Source, occ: _Occurrences, bracket: np.ndarray, r_rows: np.ndarray,
    r_inst: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:  # fmt: skip
    """The occurrences of records whose ``C1`` lines name their authors, read as text
    (WoS records: each line's institution for the authors in its bracket)."""
    import numpy as np

    store, c1, orow, okd, keys = src.store, src.c1, occ.rows, occ.key, occ.keys
    which = np.flatnonzero(bracket[orow])
    key_text = _by_id(store, src.parts, keys[okd[which]])
    inst_id = {t: i for i, t in _by_id(store, src.aff_parts, r_inst).items()}
    inst_id_of = {i: t for t, i in inst_id.items()}
    next_id = q.next_entity_id(store)
    tops: dict[str, str] = {}
    everyone: dict[int, list[int]] = {}
    for r, i in zip(r_rows.tolist(), r_inst.tolist(), strict=True):
        if bracket[r]:
            everyone.setdefault(r, []).append(i)
    found: list[int] = []
    inst: list[int] = []
    by_author: dict[str, list[str]] = {}
    last = -1
    for o in which.tolist():
        r = int(orow[o])
        if r != last:
            by_author, last = c1_authors(c1[r]), r
        mine = by_author.get(key_text[int(keys[okd[o]])])
        if not mine:
            got = everyone.get(r, [])
        else:
            got = []
            for a in mine:
                t = tops.get(a)
                if t is None:
                    t = tops[a] = institution(a, "top")
                if not t:
                    continue
                i = inst_id.get(t)
                if i is None:
                    i = inst_id[t] = next_id + len(inst_id_of)
                    inst_id_of[i] = t
                got.append(i)
            got = list(dict.fromkeys(got))
        found.extend([o] * len(got))
        inst.extend(got)
    extra = {i: t for i, t in inst_id_of.items() if i >= next_id}
    return np.asarray(found, dtype=np.int64), np.asarray(inst, dtype=np.int64), extra


@dataclass
class _Places:
    """Author occurrences and their institutions: pair ``k`` is occurrence ``occ[k]`` at
    institution ``inst[k]`` (``dense[k]`` its index into the distinct ``insts``); ``extra``
    the text of institution ids made for ``C1`` addresses."""

    occ: np.ndarray
    inst: np.ndarray
    insts: np.ndarray
    dense: np.ndarray
    extra: dict[int, str]


def _split(src: _Source, occ: _Occurrences) -> _Split:
    """The homonyms of :func:`~zhagen.entities.names.split_homonyms` on integers: the
    occurrences of a key seen with two institutions or more are grouped by the connected
    components of a graph linking each occurrence to (key, institution) and (key,
    co-author) nodes; a key of two groups or more that have institutions is split."""
    o_occ, o_inst, extra = _occurrence_institutions(src, occ)
    if not o_occ.size:
        return _Split({})
    places = _Places(o_occ, o_inst, *_dense(o_inst), extra)
    found = _homonym_groups(occ, places)
    if found is None:
        return _Split({})
    return _people(src, occ, places, *found)


def _homonym_groups(occ: _Occurrences, places: _Places) -> tuple[np.ndarray, np.ndarray] | None:
    """The candidate occurrences (of keys seen with two institutions or more, in two
    occurrences or more) and each one's group, a connected component of the graph
    occurrence — (key, institution), occurrence — (key, co-author key); ``None`` without
    candidates."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    okd, keys, o_occ, n_inst = occ.key, occ.keys, places.occ, places.insts.size
    ki = _distinct(okd[o_occ] * n_inst + places.dense)
    cand = np.bincount(ki // n_inst, minlength=keys.size) > 1
    cand &= np.bincount(okd, minlength=keys.size) > 1
    c_occ = np.flatnonzero(cand[okd])
    if not c_occ.size:
        return None
    n = c_occ.size
    index = np.full(okd.size, -1, dtype=np.int64)
    index[c_occ] = np.arange(n)
    m_inst = index[o_occ] >= 0
    e_occ = [index[o_occ[m_inst]]]
    e_link = [places.inst[m_inst]]
    orow = occ.rows
    starts = np.searchsorted(orow, orow[c_occ], "left")
    lens = np.searchsorted(orow, orow[c_occ], "right") - starts
    rep = np.repeat(np.arange(n), lens)
    other = _ranges(starts, lens)
    mate = other != c_occ[rep]
    e_occ.append(rep[mate])
    # a co-author is its key's id: entity ids of another kind than the institutions
    e_link.append(keys[okd[other[mate]]])
    occ_e, link_e = np.concatenate(e_occ), np.concatenate(e_link)
    links, ld = _dense(link_e)
    node = np.unique(okd[c_occ[occ_e]] * links.size + ld, return_inverse=True)[1].ravel()
    size = n + (int(node.max()) + 1 if node.size else 0)
    graph = coo_matrix(
        (np.ones(occ_e.size, dtype=np.int8), (occ_e, n + node)), shape=(size, size)
    ).tocsr()
    # int64: the labels come as int32, and group * insts.size would overflow at 1M records
    return c_occ, connected_components(graph, directed=False)[1][:n].astype(np.int64)


def _people(
    src: _Source, occ: _Occurrences, places: _Places, c_occ: np.ndarray, group: np.ndarray
) -> _Split:
    """The keys whose candidate occurrences fall in two groups or more that have
    institutions, and per such key its people: each group's top institution (of most
    occurrences, ties by code point), its institutions and its occurrences."""
    import numpy as np

    okd, keys, insts = occ.key, occ.keys, places.insts
    index = np.full(okd.size, -1, dtype=np.int64)
    index[c_occ] = np.arange(c_occ.size)
    m_inst = index[places.occ] >= 0
    # institutions per group (counted over its occurrences)
    gi_occ = index[places.occ[m_inst]]
    g_pair, g_n = np.unique(group[gi_occ] * insts.size + places.dense[m_inst], return_counts=True)
    g_of, g_inst = g_pair // insts.size, insts[g_pair % insts.size]
    placed = _distinct(g_of)
    g_key = np.full(int(group.max()) + 1, -1, dtype=np.int64)
    g_key[group] = okd[c_occ]
    n_placed = np.bincount(g_key[placed], minlength=keys.size)
    split_keys = np.flatnonzero(n_placed > 1)
    if not split_keys.size:
        return _Split({})
    is_split = np.zeros(keys.size, dtype=bool)
    is_split[split_keys] = True
    mine = is_split[g_key[g_of]]
    text = _by_id(src.store, src.aff_parts, g_inst[mine & ~np.isin(g_inst, list(places.extra))])
    text.update(places.extra)
    by_group: dict[int, list[tuple[int, str]]] = {}
    for g, i, c in zip(g_of[mine].tolist(), g_inst[mine].tolist(), g_n[mine].tolist(),
                       strict=True):  # fmt: skip
        by_group.setdefault(g, []).append((c, text[i]))
    members = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[members], np.arange(int(group.max()) + 2))
    people: dict[int, list[tuple[str, list[str], np.ndarray]]] = {}
    for g, counts in by_group.items():
        top = min(counts, key=lambda ct: (-ct[0], ct[1]))[1]
        occs = c_occ[members[bounds[g] : bounds[g + 1]]]
        people.setdefault(int(g_key[g]), []).append((top, sorted(t for _, t in counts), occs))
    return _Split(people)


def _apply_split(
    store: Store,
    parts: int,
    split: _Split,
    keys: np.ndarray,
    shown_text: list[str],
    person: np.ndarray,
    display: list[str],
    report: EntityReport,
) -> None:
    """Give the people of each split key their own ids and labels (``name (institution)``)
    and list the ambiguous names, sorted by key as :func:`split_homonyms` sorts them."""
    import numpy as np

    if not split.people:
        return
    key_text = _by_id(store, parts, keys[np.asarray(list(split.people), dtype=np.int64)])
    found = []
    for k, groups in split.people.items():
        name = key_text[int(keys[k])]
        label = {name: shown_text[k]}
        people = []
        for top, insts, occs in groups:
            code = len(display)
            person[occs] = code
            by_key = f"{name} ({top})"
            display.append(person_label(by_key, label))
            people.append({"label": by_key, "institutions": insts, "records": int(occs.size)})
        people.sort(key=lambda p: p["label"])
        found.append((name, k, people))
    found.sort(key=lambda f: f[0])
    report.ambiguous = [
        {"name": shown_text[k],
         "people": [dict(p, label=shown_text[k] + p["label"][len(name):]) for p in people]}
        for name, k, people in found
    ]  # fmt: skip
