"""From a project file to the plain data a knowledge map is computed from.

Records with keywords use them (``field="keywords"``); raw documents, and every record when
``field="terms"``, use segmented terms from their text (nouns and dictionary terms,
stopwords out). Keywords are normalised as CiteSpace does (Latin keywords lower-cased,
surrounding spaces dropped), the thesaurus is applied before counting, and each term counts
once per record. Duplicates (``documents.dup_of``) are left out unless asked for.

Keywords are read in chunks of documents, each column of a chunk as one string that SQLite
concatenates, split into keywords by string and numpy operations, and turned into the
document-term matrix directly (integer codes, no list of lists): a million records take
seconds. Anything the fast path cannot read exactly (JSON escapes, raw documents, JSON of
another shape) is read document by document; the tests check that both give the same.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from zhagen.entities.keywords import normalise_keyword, split_keyword_objects
from zhagen.errors import InputError
from zhagen.mapping.cooccurrence import TermRows
from zhagen.mapping.model import MapInput, MapParams, node_type
from zhagen.mapping.params import check_params
from zhagen.store import map_keywords as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    import numpy as np

    from zhagen.cluster import Cluster
    from zhagen.mapping.cooccurrence import DocTerm
    from zhagen.text.segment import Segmenter

T = TypeVar("T")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

__all__ = [
    "map_input",
    "entity_input",
    "entity_records",
    "biblio_records",
    "keyword_terms",
    "normalise_keyword",
    "keyword_thesaurus",
    "LANG_KEYS",
    "known_title_phrases",
]

#: Which keyword lists a ``lang`` setting takes (WoS Keywords Plus count as English).
LANG_KEYS = {"zh": ("zh",), "en": ("en", "plus"), "all": ("zh", "en", "plus")}


def keyword_thesaurus(mapping: Mapping[str, str], name: str | None = None) -> dict[str, str]:
    """A thesaurus for keywords: labels and replacements normalised as keywords are.

    Keywords are counted after :func:`normalise_keyword` (``Knowledge Discovery`` becomes
    ``knowledge discovery``), so a thesaurus line written with the keyword's capitals would
    never match. Each label is kept as written (segmented terms keep their case) and also
    added in its normalised form; replacements are normalised so that a merged keyword
    joins the one already spelt that way. Two labels that normalise alike with different
    replacements are an error (``name``: the thesaurus file, for its message).

    Examples
    --------
    >>> t = keyword_thesaurus({"Knowledge Discovery": "知识发现", "Data  Mining": "Data Mining"})
    >>> t["knowledge discovery"], t["data mining"], t["Knowledge Discovery"]
    ('知识发现', 'data mining', '知识发现')
    >>> keyword_thesaurus({"AI": "人工智能", "ai": "AI"}, "t.txt")
    Traceback (most recent call last):
    ...
    zhagen.errors.InputError: t.txt: 叙词表中“AI”与“ai”规范化后都是“ai”，却替换为不同的词（“人工智能”与“ai”）；请删去其中一行。 / the thesaurus labels 'AI' and 'ai' both normalise to 'ai' but have different replacements ('人工智能' and 'ai'); delete one of the lines.
    """
    from zhagen.errors import InputError

    out = {label: normalise_keyword(new) for label, new in mapping.items()}
    seen: dict[str, str] = {}
    for label, new in list(out.items()):
        key = normalise_keyword(label)
        if key in seen and out[seen[key]] != new:
            first = seen[key]
            raise InputError(
                f"叙词表中“{first}”与“{label}”规范化后都是“{key}”，却替换为不同的词"
                f"（“{out[first]}”与“{new}”）；请删去其中一行。",
                f"the thesaurus labels {first!r} and {label!r} both normalise to {key!r} but "
                f"have different replacements ({out[first]!r} and {new!r}); delete one of "
                "the lines.",
                file=name,
            )
        seen.setdefault(key, label)
    for key, label in seen.items():
        out.setdefault(key, out[label])
    return out


def keyword_terms(by_lang: Mapping[str, list[str]], lang: str) -> list[str]:
    """The keywords of one record for a ``lang`` setting, normalised, in order, unique.

    >>> keyword_terms({"zh": ["新质生产力"], "en": ["Digital Economy "]}, "all")
    ['新质生产力', 'digital economy']
    """
    out: dict[str, None] = {}
    for key in LANG_KEYS[lang]:
        for kw in by_lang.get(key) or ():
            kw = normalise_keyword(kw)
            if kw:
                out.setdefault(kw, None)
    return list(out)


def _doc_terms(seg: Segmenter, text: str) -> list[str]:
    return list(dict.fromkeys(seg.terms(text)))


def map_input(
    store: Store,
    params: MapParams,
    segmenter: Callable[[], Segmenter],
    *,
    thesaurus: Mapping[str, str] | None = None,
    thesaurus_name: str | None = None,
    keep_duplicates: bool = False,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
    cluster: Cluster | None = None,
    workers: int | None = None,
) -> MapInput:
    """Read every document to map and return its terms as a :class:`MapInput`.

    ``doc_ids``: only these documents (the map's scope; None: all); ``records_only``:
    leave raw documents out (keywords of records are not mixed with full-text terms).

    ``segmenter`` is called only when some document needs segmenting (loading the
    dictionary takes a second; a map of keywords alone never needs it). With
    ``field="keywords"`` the terms come back as a :class:`~zhagen.mapping.cooccurrence.TermRows`
    over the document-term matrix built while reading (see :func:`_keyword_input`).
    ``cluster``: texts are segmented there, in batches (:func:`segment_batch`), the same
    function as here; without one, a ``field="terms"`` map's texts are segmented by
    ``workers`` local processes (``None``: chosen by :func:`segmented_batches`).
    """
    check_params(params)
    kind = node_type(params)
    if kind == "keyword":
        kw_thesaurus = keyword_thesaurus(thesaurus, thesaurus_name) if thesaurus else None
        linked = _keyword_links_input(
            store, params, kw_thesaurus, keep_duplicates, doc_ids, records_only
        )
        if linked is not None:
            return linked
        return _keyword_input(
            store, params, segmenter, kw_thesaurus, keep_duplicates, doc_ids, records_only,
            cluster,
        )  # fmt: skip
    if kind != "term":
        return entity_input(
            store, params, thesaurus=thesaurus, keep_duplicates=keep_duplicates, doc_ids=doc_ids
        )
    import numpy as np

    from zhagen.mapping.cooccurrence import doc_term_from_rows

    ids: list[int] = []
    years: list[int | None] = []
    titles: list[str] = []
    occ = _Codes()
    lengths = array("i")  # terms of each text
    rows = q.map_rows(
        store, keep_duplicates=keep_duplicates, texts=True, doc_ids=doc_ids,
        records_only=records_only,
    )  # fmt: skip
    meta: deque[tuple[Any, ...]] = deque()

    def texts() -> Iterator[str]:
        for doc_id, year, title, _keywords, _has_body, text in rows:
            meta.append((doc_id, year, title))
            yield text

    batches = segmented_batches(segmenter, texts(), cluster, workers=workers, thesaurus=thesaurus)
    for batch in batches:
        for _ in range(len(batch.lengths)):
            doc_id, year, title = meta.popleft()
            ids.append(doc_id)
            years.append(year)
            titles.append(title)
        # each batch's codes become the map's codes at once: the client holds a few
        # bytes an occurrence, never the lists of strings of the texts segmented
        occ.add_batch(batch)
        lengths.extend(batch.lengths)
    dt = doc_term_from_rows(
        np.frombuffer(lengths, dtype=np.intc), occ.code_array(), list(occ.vocab)
    )
    return MapInput(ids, years, TermRows(dt), titles)


#: What a node type reads, for the messages when no record has it.
_NEEDS = {
    "author": ("作者", "authors"),
    "institution": ("作者单位", "affiliations"),
    "country": (
        "含国家的作者地址（Web of Science C1）",
        "addresses with a country (Web of Science C1)",
    ),
    "reference": ("参考文献（Web of Science CR）", "cited references (Web of Science CR)"),
    "cited-author": ("参考文献（Web of Science CR）", "cited references (Web of Science CR)"),
    "cited-journal": ("参考文献（Web of Science CR）", "cited references (Web of Science CR)"),
    "coupling": ("参考文献（Web of Science CR）", "cited references (Web of Science CR)"),
    "category": ("学科类别（Web of Science WC）", "subject categories (Web of Science WC)"),
}
_CITED = ("reference", "cited-author", "cited-journal", "coupling")


def entity_records(
    store: Store,
    *,
    keep_duplicates: bool = False,
    refs: bool = True,
    doc_ids: Collection[int] | None = None,
) -> tuple[list[int], list[int | None], list[str], list[Any]]:
    """Every document to map as (ids, years, titles, :class:`~zhagen.entities.collect.EntityRecord`
    list): the fields authors, institutions, countries, cited references and categories are
    read from. ``zhagen stats`` and the maps read records through this, so both count the
    same entities (give the records to :func:`zhagen.entities.collect.entity_terms`).

    The fields come from the entity tables (:mod:`zhagen.entities.tables`: integer links
    to the distinct stored strings, the scope applied in SQL), derived on first use; from
    the stored JSON when the file is read-only and they are not derived yet.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     ids, years, titles, recs = entity_records(p.store)
    >>> len(ids) == len(recs) > 0, isinstance(recs[0].authors, list)
    (True, True)
    """
    linked = _linked_records(store, keep_duplicates, refs, doc_ids)
    if linked is not None:
        return linked
    return _json_records(store, keep_duplicates, refs, doc_ids)


def _linked_records(
    store: Store, keep_duplicates: bool, refs: bool, doc_ids: Collection[int] | None
) -> tuple[list[int], list[int | None], list[str], list[Any]] | None:
    """:func:`entity_records` read from the entity tables; None when they cannot be made."""
    from zhagen.entities.collect import EntityRecord
    from zhagen.entities.tables import kind_id

    names = ("author", "affiliation", "c1", "wc", *(("cited",) if refs else ()))
    kinds = {name: kind_id(store, name) for name in names}
    if any(k is None for k in kinds.values()):
        return None
    rows = q.map_document_rows(store, keep_duplicates=keep_duplicates, doc_ids=doc_ids)
    ids = [r[0] for r in rows]
    lists = {name: _linked_lists(store, k, ids, doc_ids) for name, k in kinds.items() if k}
    no: list[list[str]] = [[]] * len(ids)
    cited = lists.get("cited", no)
    recs = [
        EntityRecord(a, f, c, c1[0] if c1 else "", wc[0] if wc else "", r[3])
        for r, a, f, c, c1, wc in zip(
            rows, lists["author"], lists["affiliation"], cited, lists["c1"], lists["wc"],
            strict=True,
        )
    ]  # fmt: skip
    return ids, [r[1] for r in rows], [r[2] for r in rows], recs


def _entity_labels(store: Store, kind: int, ents: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The labels of the distinct entity ids in ``ents`` and, per element, the index of
    its label: ids are small integers, so a table indexed by id maps them in O(n) (a
    sort of a few million ids cost seconds). A scope of a few documents reads only its
    labels; a large map reads the kind's labels in one scan.

    >>> from zhagen.examples import tiny_project
    >>> import numpy as np
    >>> with tiny_project() as p:
    ...     _entity_labels(p.store, 1, np.zeros(0, np.int64))
    ([], array([], dtype=int64))
    """
    import numpy as np

    from zhagen.store import entities as qe

    if not ents.size:
        return [], np.zeros(0, np.int64)
    present = np.zeros(int(ents.max()) + 1, dtype=bool)
    present[ents] = True
    used = np.flatnonzero(present)
    index = np.cumsum(present) - 1
    label_ids, every = qe.labels_of(store, kind, None if used.size > _ALL_LABELS else used)
    at = np.searchsorted(np.asarray(label_ids, dtype=np.int64), used)
    return [every[k] for k in at.tolist()], index[ents]


def _linked_lists(
    store: Store, kind: int, ids: list[int], doc_ids: Collection[int] | None
) -> list[list[str]]:
    """The labels each of ``ids`` (ascending) links to, in position order (a new list per
    document)."""
    import numpy as np

    from zhagen.store import entities as qe

    if not ids:
        return []
    n, doc_text, ent_text = qe.link_chunk(store, kind, ids[0], ids[-1], None, doc_ids)
    if not n:
        return [[] for _ in ids]
    docs = np.fromstring(doc_text, dtype=np.int64, sep=",")  # noqa: NPY201 - C-speed parse
    ents = np.fromstring(ent_text, dtype=np.int64, sep=",")  # noqa: NPY201
    labels, codes = _entity_labels(store, kind, ents)
    flat = [labels[c] for c in codes.tolist()]
    own = np.asarray(ids, dtype=np.int64)
    starts = np.searchsorted(docs, own, "left").tolist()
    ends = np.searchsorted(docs, own, "right").tolist()
    return [flat[a:b] for a, b in zip(starts, ends, strict=True)]


def _json_records(
    store: Store, keep_duplicates: bool, refs: bool, doc_ids: Collection[int] | None
) -> tuple[list[int], list[int | None], list[str], list[Any]]:
    """:func:`entity_records` read from the stored JSON fields."""
    # imported here: a keyword map never needs the name, institution and reference rules
    from zhagen.entities.collect import EntityRecord, json_list

    ids: list[int] = []
    years: list[int | None] = []
    titles: list[str] = []
    recs: list[EntityRecord] = []
    rows = q.map_entity_rows(store, keep_duplicates=keep_duplicates, refs=refs, doc_ids=doc_ids)
    for doc_id, year, title, fmt, authors, affs, cited, c1, wc in rows:
        ids.append(doc_id)
        years.append(year)
        titles.append(title)
        recs.append(EntityRecord(
            json_list(authors), json_list(affs), json_list(cited) if cited else [],
            c1 if isinstance(c1, str) else "", wc if isinstance(wc, str) else "", fmt,
        ))  # fmt: skip
    return ids, years, titles, recs


def biblio_records(store: Store, doc_ids: Collection[int] | None = None) -> list[Any]:
    """The records ``zhagen stats`` counts (:class:`~zhagen.biblio.stats.BiblioRecord`:
    non-duplicate records, raw documents left out), their authors, affiliations and cited
    references read through :func:`entity_records` — the links the maps read.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:  # three policy texts: no bibliographic record
    ...     biblio_records(p.store)
    []
    """
    from zhagen.biblio.stats import BiblioRecord, whole_number
    from zhagen.store.biblio import biblio_venues

    venues = biblio_venues(store, doc_ids)
    if not venues:
        return []
    ids, years, titles, recs = entity_records(store, doc_ids=doc_ids)
    at = {doc_id: k for k, doc_id in enumerate(ids)}  # raw documents are not in venues
    out = []
    for doc_id, venue, tc in venues:
        k = at[doc_id]
        r, year = recs[k], years[k]
        out.append(BiblioRecord(
            id=doc_id, year=None if year is None else int(year), title=titles[k] or "",
            authors=tuple(r.authors), affiliations=tuple(r.affiliations), venue=venue or "",
            cited_refs=tuple(r.cited_refs), times_cited=whole_number(tc),
        ))  # fmt: skip
    return out


def entity_input(
    store: Store,
    params: MapParams,
    *,
    thesaurus: Mapping[str, str] | None = None,
    keep_duplicates: bool = False,
    doc_ids: Collection[int] | None = None,
) -> MapInput:
    """The records' authors, institutions, countries, cited references, cited authors,
    cited journals or categories (``params.nodes``) as a :class:`MapInput`, normalised by
    :func:`zhagen.entities.collect.entity_terms`; what it merged is in ``MapInput.notes``.

    ``coupling`` (bibliographic coupling) makes documents the nodes: see
    :func:`_coupling_input`.

    Raises
    ------
    InputError
        No record carries what the node type is read from (CNKI exports carry no cited
        references, countries or categories: the message says so).
    """
    from zhagen.entities.collect import entity_terms

    kind = node_type(params)
    if kind in _CITED[:3]:
        linked = _cited_links_input(store, kind, thesaurus, keep_duplicates, doc_ids)
        if linked is not None:
            return linked
    if kind in ("author", "institution"):
        people = _people_links_input(store, kind, params, thesaurus, keep_duplicates, doc_ids)
        if people is not None:
            return people
    ids, years, titles, recs = entity_records(
        store, keep_duplicates=keep_duplicates, refs=kind in _CITED, doc_ids=doc_ids
    )
    if kind == "coupling":
        return _coupling_input(store, params, ids, years, titles, recs, thesaurus)
    terms, report = entity_terms(
        kind, recs, level=params.institution_level,
        disambiguate=params.homonyms == "institution", thesaurus=thesaurus,
    )  # fmt: skip
    if ids and not report.records_with_entities:
        raise _nothing_to_map(store, kind, recs)
    inp = MapInput(ids, years, terms, titles, by_lang=True)
    inp.notes = report.to_dict()
    return inp


def _cited_links_input(
    store: Store,
    kind: str,
    thesaurus: Mapping[str, str] | None,
    keep_duplicates: bool,
    doc_ids: Collection[int] | None,
) -> MapInput | None:
    """:func:`entity_input` of a co-citation, cited-author or cited-journal map read from
    the stored parts of each distinct cited reference
    (:func:`zhagen.entities.cocitation.cited_terms`): integer links and a sparse graph, no
    reference parsed; None when the tables cannot be made (a read-only file)."""
    import numpy as np

    from zhagen.entities.cocitation import cited_terms
    from zhagen.entities.tables import kind_id
    from zhagen.store import entities as qe

    parts = kind_id(store, "cited-parts")  # derives "cited" first
    cited = None if parts is None else qe.kind_state(store, "cited")
    if parts is None or cited is None:
        return None
    rows = q.map_document_rows(store, keep_duplicates=keep_duplicates, doc_ids=doc_ids)
    ids = [r[0] for r in rows]
    docs = ents = np.zeros(0, np.int64)
    if ids:
        n, doc_text, ent_text = qe.link_chunk(store, cited.id, ids[0], ids[-1], None, doc_ids)
        if n:
            docs = np.fromstring(doc_text, dtype=np.int64, sep=",")  # noqa: NPY201 - C-speed
            ents = np.fromstring(ent_text, dtype=np.int64, sep=",")  # noqa: NPY201
            keep = np.isin(docs, np.asarray(ids, dtype=np.int64))  # duplicates left out
            docs, ents = docs[keep], ents[keep]
    terms, report = cited_terms(store, kind, cited.id, parts, ids, docs, ents, thesaurus)
    if ids and not report.records_with_entities:
        raise _nothing_to_map(
            store, kind, entity_records(store, keep_duplicates=keep_duplicates, doc_ids=doc_ids)[3]
        )
    inp = MapInput(ids, [r[1] for r in rows], terms, [r[2] for r in rows], by_lang=True)
    inp.notes = report.to_dict()
    return inp


def _people_links_input(
    store: Store,
    kind: str,
    params: MapParams,
    thesaurus: Mapping[str, str] | None,
    keep_duplicates: bool,
    doc_ids: Collection[int] | None,
) -> MapInput | None:
    """:func:`entity_input` of an author or institution map read from the stored parts of
    each distinct author and affiliation string (:mod:`zhagen.entities.people`): integer
    links and arrays, no name or address normalised; None when the tables cannot be made
    (a read-only file)."""
    import numpy as np

    from zhagen.entities.people import Links, author_terms, institution_terms
    from zhagen.entities.tables import kind_id
    from zhagen.mapping.cooccurrence import doc_term_from_codes
    from zhagen.store import entities as qe

    disambiguate = params.homonyms == "institution"
    need = ["affiliation-parts"]
    if kind == "author":
        need = ["author-parts", *(["affiliation-parts", "c1"] if disambiguate else [])]
    if any(kind_id(store, name) is None for name in need):  # derives what is missing
        return None
    state = {name: qe.kind_state(store, name) for name in (*need, "author", "affiliation")}
    if any(v is None for k, v in state.items() if k in need or k == kind):
        return None
    rows = q.map_document_rows(store, keep_duplicates=keep_duplicates, doc_ids=doc_ids)
    ids = [r[0] for r in rows]
    own = np.asarray(ids, dtype=np.int64)

    def links(name: str) -> Links:
        st = state.get(name) or qe.kind_state(store, name)
        if not ids or st is None:
            return Links(np.zeros(0, np.int64), np.zeros(0, np.int64))
        n, doc_text, ent_text = qe.link_chunk(store, st.id, ids[0], ids[-1], None, doc_ids)
        if not n:
            return Links(np.zeros(0, np.int64), np.zeros(0, np.int64))
        docs = np.fromstring(doc_text, dtype=np.int64, sep=",")  # noqa: NPY201 - C-speed parse
        ents = np.fromstring(ent_text, dtype=np.int64, sep=",")  # noqa: NPY201
        at = np.minimum(np.searchsorted(own, docs), own.size - 1)
        keep = own[at] == docs  # duplicates left out of the map have links too
        return Links(at[keep], ents[keep])

    if kind == "institution":
        terms = institution_terms(
            store, state["affiliation"].id, state["affiliation-parts"].id,  # type: ignore[union-attr]
            links("affiliation"), params.institution_level, thesaurus,
        )  # fmt: skip
    else:
        c1: dict[int, str] = {}
        aff = Links(np.zeros(0, np.int64), np.zeros(0, np.int64))
        if disambiguate:
            aff = links("affiliation")
            lines = links("c1")
            texts, codes = _entity_labels(store, state["c1"].id, lines.ents)  # type: ignore[union-attr]
            for r, c in zip(lines.rows.tolist(), codes.tolist(), strict=True):
                if texts[c].startswith("["):  # WoS lines that name their authors
                    c1[r] = texts[c]
        parts = state.get("affiliation-parts")
        terms = author_terms(
            store, state["author-parts"].id, 0 if parts is None else parts.id,  # type: ignore[union-attr]
            links("author"), aff, c1, disambiguate=disambiguate, thesaurus=thesaurus,
        )  # fmt: skip
    # only the labels some record holds (a split name's own label may hold none)
    used = np.zeros(len(terms.labels), dtype=bool)
    used[terms.codes] = True
    index = np.cumsum(used) - 1
    labels = [terms.labels[k] for k in np.flatnonzero(used).tolist()]
    dt = doc_term_from_codes(terms.rows, index[terms.codes], labels, len(ids))
    report = terms.report
    report.records_with_entities = int(np.count_nonzero(np.diff(dt.matrix.indptr)))
    if ids and not report.records_with_entities:
        raise _nothing_to_map(
            store, kind, entity_records(store, keep_duplicates=keep_duplicates, doc_ids=doc_ids)[3]
        )
    inp = MapInput(ids, [r[1] for r in rows], TermRows(dt), [r[2] for r in rows], by_lang=True)
    inp.notes = report.to_dict()
    return inp


def _nothing_to_map(store: Store, kind: str, recs: list[Any]) -> InputError:
    """The error for a map of ``kind`` when no record has what it is read from."""
    zh, en = _NEEDS[kind]
    n = len(recs)
    cnki = sum(1 for r in recs if r.format.startswith("cnki"))
    if kind in _CITED + ("country", "category") and cnki == n:
        what_zh = {"country": "作者单位中不含国家", "category": "不含学科类别"}.get(
            kind, "不含参考文献"
        )
        what_en = {"country": "affiliations carry no country",
                   "category": "carry no subject categories"}.get(kind, "carry no cited references")  # fmt: skip
        return InputError(
            f"这 {n} 条记录都来自中国知网（CNKI），CNKI 导出的题录{what_zh}，无法绘制 --nodes {kind} "
            "图谱；请导入 Web of Science 导出（“全记录与引用的参考文献”），"
            "或改用 --nodes author / institution / keyword。",
            f"these {n} records are CNKI exports, whose records {what_en}, so a --nodes {kind} map "
            "cannot be drawn; import a Web of Science export saved as 'Full Record and Cited "
            "References', or use --nodes author / institution / keyword.",
            file=str(store.path),
        )
    return InputError(
        f"{n} 条记录都没有{zh}，无法绘制 --nodes {kind} 图谱；请检查导入的文件是否含该字段。",
        f"none of the {n} records has {en}, so a --nodes {kind} map cannot be drawn; check "
        "that the imported files carry that field.",
        file=str(store.path),
    )


def _coupling_input(
    store: Store,
    params: MapParams,
    ids: list[int],
    years: list[int | None],
    titles: list[str],
    recs: list[Any],
    thesaurus: Mapping[str, str] | None,
) -> MapInput:
    """Bibliographic coupling: the nodes are documents, linked by the cited works they share.

    The documents counted are those every count of a map takes: the dated ones (all of
    them when none has a year) within ``params.years``. A cited work (references grouped
    as for ``--nodes reference``) is *shared* when two or more counted documents cite it.

    - Each counted document has, in its own year, one record holding only itself per
      shared work it cites: its frequency and its count in its time slice (what selects
      it there, draws the timeline and finds bursts) are its number of shared works.
    - Each shared work is one link row (``MapInput.link_rows``) holding the documents
      citing it, so a link's count is the number of works two documents both cite. The
      link belongs to the slice of the later document, where both are present, and links
      two nodes of the map whatever the slices (``mapping.pipeline``, step 5).

    A document without a shared work, or not counted (undated, or outside
    ``params.years``), is one empty record, so the map reports it (``records_without_year``)
    and counts nothing of it.
    """
    from zhagen.entities.collect import entity_terms

    works, report = entity_terms("reference", recs, thesaurus=thesaurus)
    if ids and not report.records_with_entities:
        raise _nothing_to_map(store, "coupling", recs)
    labels = _document_labels(ids, years, titles, recs)
    counted = (
        [y is not None for y in years] if any(y is not None for y in years) else [True] * len(ids)
    )
    if params.years is not None:
        low, high = params.years
        counted = [y is not None and low <= y <= high for y in years]
    citers: dict[str, list[str]] = {}
    for label, row, keep in zip(labels, works, counted, strict=True):
        for work in row if keep else ():
            citers.setdefault(work, []).append(label)
    shared = {w: docs for w, docs in citers.items() if len(docs) > 1}
    if not shared:
        raise InputError(
            f"{sum(counted)} 篇纳入计数的文献中没有任何两篇引用了同一篇参考文献，无法绘制文献耦合"
            "图谱；请导入更多含参考文献的 Web of Science 记录（无年份的记录不计入）。",
            f"no two of the {sum(counted)} records counted cite the same work, so there is no "
            "coupling to map; import more Web of Science records with cited references "
            "(records without a year are not counted).",
            file=str(store.path),
        )
    per_doc: dict[str, int] = {}
    for docs in shared.values():
        for d in docs:
            per_doc[d] = per_doc.get(d, 0) + 1
    inp = MapInput([], [], [], [], by_lang=True, link_rows=[])
    for doc_id, year, title, label, keep in zip(ids, years, titles, labels, counted, strict=True):
        n = per_doc.get(label, 0) if keep else 0
        for _ in range(max(n, 1)):
            inp.doc_ids.append(doc_id)
            inp.years.append(year)
            inp.terms.append([label] if n else [])  # type: ignore[attr-defined]
            inp.titles.append(title)
    inp.link_rows = [docs for _work, docs in sorted(shared.items())]
    inp.notes = {
        "node_type": "coupling",
        "documents": len(ids),
        "documents_counted": sum(counted),
        "documents_coupled": len(per_doc),
        "shared_works": len(shared),
        "rows": "per document one record in its year per shared work it cites (its "
        "frequency); one link row per shared cited work, holding its citing documents",
    }
    return inp


def _document_labels(ids, years, titles, recs) -> list[str]:
    """A document as a node: ``first author family name, year, title start`` (unique).

    >>> from zhagen.entities.collect import EntityRecord
    >>> _document_labels([1, 2], [2020, None], ["A long title here", "B"],
    ...                  [EntityRecord(["Ion, Raluca"]), EntityRecord([])])
    ['Ion, 2020, A long title here', '#2, B']
    """
    out = []
    seen: dict[str, int] = {}
    for doc_id, year, title, rec in zip(ids, years, titles, recs, strict=True):
        first = rec.authors[0].split(",")[0].strip() if rec.authors else ""
        head = " ".join(title.split())
        head = head[:40] + "…" if len(head) > 40 else head
        label = ", ".join(x for x in (first, str(year) if year else "", head) if x)
        if not first or label in seen:
            label = f"#{doc_id}, {label}"
        seen[label] = doc_id
        out.append(label)
    return out


@dataclass
class _Codes:
    """Terms given a few at a time, kept as integer codes: each distinct term once (in
    ``vocab``, in order of first occurrence), each occurrence as a 4-byte code.

    >>> occ = _Codes()
    >>> occ.add(["b", "a"]), occ.add(["a"]), list(occ.vocab), occ.codes.tolist()
    (2, 1, ['b', 'a'], [0, 1, 1])
    """

    vocab: dict[str, int] = field(default_factory=dict)
    codes: array[int] = field(default_factory=lambda: array("i"))

    def add(self, terms: Iterable[str]) -> int:
        """Add the occurrences of ``terms``; return how many there were."""
        vocab, before = self.vocab, len(self.codes)
        self.codes.extend(vocab.setdefault(t, len(vocab)) for t in terms)
        return len(self.codes) - before

    def add_batch(self, batch: BatchTerms) -> None:
        """Add the occurrences of a segmented batch (its codes turned into these codes:
        each of its distinct terms looked up once), as :meth:`add` of each text's terms
        would.

        >>> occ = _Codes()
        >>> occ.add(["a"])
        1
        >>> occ.add_batch(BatchTerms(array("i", [2, 1]), array("i", [0, 1, 1]), ["b", "a"]))
        >>> list(occ.vocab), occ.codes.tolist()
        (['a', 'b'], [0, 1, 0, 0])
        """
        import numpy as np

        vocab = self.vocab
        own = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in batch.vocab), np.intc, len(batch.vocab)
        )
        self.codes.frombytes(own[np.frombuffer(batch.codes, dtype=np.intc)].tobytes())

    def code_array(self) -> np.ndarray:
        """The codes as a numpy array (a view, no copy)."""
        import numpy as np

        return np.frombuffer(self.codes, dtype=np.intc)


@dataclass
class _Occurrences:
    """Term occurrences gathered while reading: ``tokens`` are raw keywords (normalised
    later, once per distinct string), ``exact`` terms are final already (keywords of
    records read one by one, terms segmented from a raw document's text), kept as codes."""

    tokens: list[str] = field(default_factory=list)
    token_rows: list[np.ndarray] = field(default_factory=list)
    exact: _Codes = field(default_factory=_Codes)
    exact_rows: array[int] = field(default_factory=lambda: array("q"))


def _keyword_input(
    store: Store,
    params: MapParams,
    segmenter: Callable[[], Segmenter],
    thesaurus: Mapping[str, str] | None,
    keep_duplicates: bool,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
    cluster: Cluster | None = None,
) -> MapInput:
    """Keywords (a raw document's segmented text when it has none) of every document.

    SQLite hands over the keywords JSON of a chunk of documents as one string
    (:func:`zhagen.store.map_keywords.map_keyword_chunks`), which is split into keywords at C speed
    (:func:`zhagen.entities.keywords.split_keyword_objects`); the document-term matrix is then built from integer
    codes. Every keyword still goes through :func:`normalise_keyword` and the thesaurus,
    once per distinct keyword string (what the vocabulary is made of). Documents that
    cannot take the fast path (a keyword with a JSON escape, a raw document, JSON of
    another shape) are read one by one with ``json.loads``.
    """
    keys = LANG_KEYS[params.lang]
    ids: list[int] = []
    years: list[int | None] = []
    titles: list[str] = []
    occ = _Occurrences()
    seg: list[Callable[[], Segmenter]] = []  # loaded at most once, when a document needs it
    chunks = q.map_keyword_chunks(
        store, keep_duplicates=keep_duplicates, doc_ids=doc_ids, records_only=records_only
    )
    for chunk in prefetch(chunks):
        base = len(ids)
        ids.extend(chunk.ids)
        years.extend(chunk.years)
        titles.extend(chunk.titles)
        joined = chunk.keywords
        split = None
        if not chunk.bodies and "\\" not in joined:
            split = split_keyword_objects(joined, keys)
        if split is None:
            texts = joined.split("\n")
            own = {k: _record_terms(texts[k], params.lang) for k in chunk.bodies}
            bare = [k for k in chunk.bodies if not own[k]]  # raw documents without keywords
            if bare:
                seg = seg or [_once(segmenter)]
                made = segmented(seg[0], (chunk.bodies[k] for k in bare), cluster)
                own.update(zip(bare, (_of_lang(t, params.lang) for t in made), strict=True))
            for k, kw in enumerate(texts):
                if k in chunk.bodies or "\\" in kw:
                    terms = own[k] if k in own else _record_terms(kw, params.lang)
                    occ.exact_rows.extend([base + k] * occ.exact.add(terms))
                    texts[k] = "{}"
            split = split_keyword_objects("\n".join(texts), keys)
            if split is None:  # JSON of another shape: every document on its own
                split = _one_by_one(texts, params.lang)
        occ.tokens.extend(split[0])
        occ.token_rows.append(split[1] + base)
    return MapInput(ids, years, TermRows(_matrix(occ, len(ids), thesaurus)), titles, by_lang=True)


#: Above this many distinct entities a map reads every label of the kind in one scan
#: rather than looking each up by id.
_ALL_LABELS = 50_000


class _HasBodies(Exception):
    """A document to map is a raw document (its terms are segmented from its text)."""


def _keyword_links_input(
    store: Store,
    params: MapParams,
    thesaurus: Mapping[str, str] | None,
    keep_duplicates: bool,
    doc_ids: Collection[int] | None,
    records_only: bool,
) -> MapInput | None:
    """The keywords of every document read from the entity tables
    (:mod:`zhagen.entities.tables`): integer links, no JSON. None when they cannot be
    used — the file is read-only and the links are not derived yet, or a document to map
    is a raw document (whose terms are segmented from its text: :func:`_keyword_input`).

    The ids, years and titles come in chunks as in :func:`_keyword_input`; the links of
    each chunk (its id range, the ``lang`` sides, the scope in SQL) as two integer
    strings parsed in C; the labels of the entities used once at the end, each through
    the thesaurus once. The result is the same document-term matrix.
    """
    import numpy as np

    from zhagen.entities.keywords import KEYWORD_SIDES
    from zhagen.entities.tables import keyword_kind
    from zhagen.mapping.cooccurrence import doc_term_from_codes
    from zhagen.store import entities as qe

    kind = keyword_kind(store)
    if kind is None:
        return None
    roles = [KEYWORD_SIDES.index(k) for k in LANG_KEYS[params.lang]]
    chunks = q.map_keyword_chunks(
        store, keep_duplicates=keep_duplicates, doc_ids=doc_ids, records_only=records_only,
        keywords=False,
    )  # fmt: skip

    def with_links() -> Iterator[tuple[q.KeywordChunk, tuple[int, str, str]]]:
        for chunk in chunks:
            if chunk.bodies:
                raise _HasBodies
            yield chunk, qe.link_chunk(store, kind, chunk.ids[0], chunk.ids[-1], roles, doc_ids)

    ids: list[int] = []
    years: list[int | None] = []
    titles: list[str] = []
    rows: list[np.ndarray] = []
    ents: list[np.ndarray] = []
    try:
        for chunk, (n, doc_text, ent_text) in prefetch(with_links()):
            base = len(ids)
            ids.extend(chunk.ids)
            years.extend(chunk.years)
            titles.extend(chunk.titles)
            if not n:
                continue
            docs = np.fromstring(doc_text, dtype=np.int64, sep=",")  # noqa: NPY201
            found = np.fromstring(ent_text, dtype=np.int64, sep=",")  # noqa: NPY201
            own = np.asarray(chunk.ids, dtype=np.int64)
            at = np.minimum(np.searchsorted(own, docs), own.size - 1)
            keep = own[at] == docs  # duplicates left out of the map have links too
            rows.append(at[keep] + base)
            ents.append(found[keep])
    except _HasBodies:
        return None
    row_arr = np.concatenate([*rows, np.zeros(0, np.int64)])
    ent_arr = np.concatenate([*ents, np.zeros(0, np.int64)])
    labels, codes = _entity_labels(store, kind, ent_arr)
    if thesaurus:
        labels = [thesaurus.get(t, t) if t else t for t in labels]
    dt = doc_term_from_codes(row_arr, codes, labels, len(ids))
    return MapInput(ids, years, TermRows(dt), titles, by_lang=True)


#: Above this many distinct titles a map tags them as it goes rather than holding them
#: all with their phrases (memory); tagging is then the larger cost, not the dictionary.
TITLE_PHRASE_LIMIT = 100_000


def known_title_phrases(store: Store, titles: Sequence[str]) -> dict[str, list[str]] | None:
    """The label phrases of every distinct title of ``titles``, read from the project
    (``title_phrases``); the titles not stored yet are tagged by the shared segmenter and
    stored (unless the file is read-only or busy), so the next map of them loads no
    segmenter. None above :data:`TITLE_PHRASE_LIMIT` distinct titles.

    The phrases are those :func:`zhagen.mapping.labels.segmenter_phrases` makes, keyed by
    the segmenter's fingerprint and the phrase rules' version: a map's labels are the same
    with or without them.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     first = known_title_phrases(p.store, ["数字经济与高质量发展", ""])
    ...     first == known_title_phrases(p.store, ["数字经济与高质量发展"])
    True
    >>> first
    {'数字经济与高质量发展': ['数字经济', '高质量发展']}
    """
    import sqlite3

    from zhagen.mapping.labels import PHRASE_RULES, segmenter_phrases
    from zhagen.store import title_phrases as qt
    from zhagen.text.segment import default_fingerprint, default_segmenter

    distinct = [t for t in dict.fromkeys(titles) if t]
    if len(distinct) > TITLE_PHRASE_LIMIT:
        return None
    key = f"{default_fingerprint()}/{PHRASE_RULES}"
    known = qt.cached_phrases(store, key, distinct)
    missing = [t for t in distinct if t not in known]
    if not missing:
        return known
    phrases = segmenter_phrases(default_segmenter())
    made = {t: phrases(t) for t in missing}
    try:
        qt.store_phrases(store, key, made)
    except sqlite3.OperationalError as exc:  # a read-only file or a locked database
        if not any(w in str(exc) for w in ("readonly", "read-only", "locked")):
            raise
    known.update(made)
    return known


def _once(make: Callable[[], T]) -> Callable[[], T]:
    """``make``, called at most once (on the first call)."""
    made: list[T] = []

    def get() -> T:
        if not made:
            made.append(make())
        return made[0]

    return get


#: Texts per segmentation task (a pool's or a cluster's): a policy text of ~2 000
#: characters takes ~0.8 ms to segment, so a task is ~0.2 s of work against a ~10 ms
#: round trip on a cluster (bench/scale.py) and ~1 ms through a local pool.
SEGMENT_BATCH = 256

#: Without a cluster, texts are segmented by a local process pool (the one imports use,
#: :func:`zhagen.run.map_partitions`) once there are more than this many batches: below,
#: starting the workers (each loads the segmenter: ~0.2 s) costs more than it saves.
POOL_MIN_BATCHES = 4

#: At most this many pool workers when none is asked for (the client reads the texts and
#: merges the codes: ~15 µs a text against ~1 000 µs of segmenting, so this is not the
#: bound; memory is, a worker holding the dictionary).
MAX_SEGMENT_WORKERS = 4


def segmented(
    segmenter: Callable[[], Segmenter],
    texts: Iterable[str],
    cluster: Cluster | None = None,
    *,
    workers: int | None = 1,
) -> Iterator[list[str]]:
    """The distinct terms of each text, in order (the segmenter made only if a text
    comes): :func:`segmented_batches` decoded into lists of strings.

    >>> from zhagen.text.segment import Segmenter
    >>> list(segmented(lambda: Segmenter(extra_words=["数字经济"]), ["数字经济 数字经济", ""]))
    [['数字经济'], []]
    """
    for batch in segmented_batches(segmenter, texts, cluster, workers=workers):
        yield from batch.lists()


def segmented_batches(
    segmenter: Callable[[], Segmenter],
    texts: Iterable[str],
    cluster: Cluster | None = None,
    *,
    workers: int | None = None,
    thesaurus: Mapping[str, str] | None = None,
) -> Iterator[BatchTerms]:
    """The texts segmented in batches of :data:`SEGMENT_BATCH` by :func:`segment_batch`,
    each batch's terms as integer codes (:class:`BatchTerms`), in order.

    ``cluster``: the batches are Dask tasks there. Otherwise ``workers`` processes of a
    local pool segment them (``None``: up to :data:`MAX_SEGMENT_WORKERS`, as many as
    :func:`zhagen.run.default_workers`, only past :data:`POOL_MIN_BATCHES` batches and
    from a process of one thread, see :func:`_forks`; 1: here). The same function runs
    in every case, so the codes are the same.
    ``thesaurus``: applied to each text's terms (then each term once), as
    :func:`zhagen.text.lexicon.apply_thesaurus`.

    >>> from zhagen.text.segment import Segmenter
    >>> [b] = segmented_batches(lambda: Segmenter(extra_words=["数字经济"]),
    ...                         ["数字经济 数字经济", "", "数字经济"], workers=1)
    >>> b.lists(), b.vocab
    ([['数字经济'], [], ['数字经济']], ['数字经济'])
    """
    import hashlib
    import pickle
    from itertools import chain, islice

    from zhagen.run import default_workers, map_partitions

    it = iter(texts)
    size = SEGMENT_BATCH
    batches = iter(lambda: list(islice(it, size)), [])
    first = list(islice(batches, 1 if cluster is not None else POOL_MIN_BATCHES + 1))
    if not first:
        return
    made = (segmenter(), dict(thesaurus) if thesaurus else None)
    if cluster is None and workers is None:
        many = len(first) > POOL_MIN_BATCHES
        workers = min(MAX_SEGMENT_WORKERS, default_workers()) if many and _forks() else 1
    if cluster is None and workers <= 1:  # here: nothing pickled (any segmenter will do)
        for batch in chain(first, batches):
            yield _segment(made, batch)
        return
    blob = pickle.dumps(made)
    key = hashlib.sha256(blob).hexdigest()
    # this process's own copy, so that workers forked from here never unpickle it
    _SEGMENTERS.clear()
    _SEGMENTERS[key] = made
    parts = (SegmentBatch(key, blob, b) for b in chain(first, batches))
    yield from map_partitions(segment_batch, parts, workers=workers or 1, cluster=cluster)


def _forks() -> bool:
    """Whether a pool chosen here (not asked for) starts its workers by ``fork``: only
    from a process with one thread (the CLI). Otherwise (the web workbench, a notebook, a
    script with threads) the workers would start from a fork server, which runs the
    caller's ``__main__`` again — a script without ``if __name__ == "__main__":`` would be
    re-run — so the texts are segmented in process, as they were before the pool."""
    import multiprocessing
    import threading

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True, slots=True)
class SegmentBatch:
    """Texts to segment in a worker, with the segmenter and the thesaurus (pickled, and
    their hash: a worker unpickles them once)."""

    key: str
    segmenter: bytes
    texts: list[str]


@dataclass(frozen=True, slots=True)
class BatchTerms:
    """The distinct terms of each text of a batch, compact: ``lengths[i]`` terms of text
    ``i``, one after the other in ``codes``, each an index into ``vocab`` (the batch's
    distinct terms in order of first occurrence). A few bytes an occurrence to send back
    from a worker, not a list of strings per text.

    >>> b = BatchTerms(array("i", [2, 0, 1]), array("i", [0, 1, 1]), ["政策", "创新"])
    >>> b.lists()
    [['政策', '创新'], [], ['创新']]
    """

    lengths: array[int]
    codes: array[int]
    vocab: list[str]

    def lists(self) -> list[list[str]]:
        """Each text's terms as a list of strings."""
        words = [self.vocab[c] for c in self.codes]
        out, at = [], 0
        for n in self.lengths:
            out.append(words[at : at + n])
            at += n
        return out


_SEGMENTERS: dict[str, tuple[Segmenter, dict[str, str] | None]] = {}


def segment_batch(part: SegmentBatch) -> BatchTerms:
    """The distinct terms of each text of a batch as codes (a pool's or a cluster's task;
    see :func:`segmented_batches`)."""
    import pickle

    made = _SEGMENTERS.get(part.key)
    if made is None:
        _SEGMENTERS.clear()  # one project's segmenter at a time
        made = _SEGMENTERS[part.key] = pickle.loads(part.segmenter)  # noqa: S301 - our own
    return _segment(made, part.texts)


def _segment(made: tuple[Segmenter, dict[str, str] | None], texts: list[str]) -> BatchTerms:
    """The batch's terms as codes, by a segmenter and a thesaurus: what every path runs."""
    from zhagen.text.lexicon import apply_thesaurus

    seg, thesaurus = made
    occ = _Codes()
    lengths = array("i")
    for text in texts:
        terms = _doc_terms(seg, text)
        if thesaurus:
            terms = list(dict.fromkeys(apply_thesaurus(terms, thesaurus)))
        lengths.append(occ.add(terms))
    return BatchTerms(lengths, occ.codes, list(occ.vocab))


def _of_lang(terms: list[str], lang: str) -> list[str]:
    """Segmented terms of a document without keywords, for a ``lang`` setting: there is no
    field side to go by, so the script decides (Han characters: Chinese).

    >>> _of_lang(["创新", "ai"], "zh"), _of_lang(["创新", "ai"], "en"), _of_lang(["ai"], "all")
    (['创新'], ['ai'], ['ai'])
    """
    if lang == "all":
        return terms
    zh = lang == "zh"
    return [t for t in terms if (_HAN.search(t) is not None) == zh]


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead.

    Reading a chunk is mostly SQLite work, which runs without the GIL, so the next chunk
    is read while this thread splits the previous one (on two cores the read costs about
    the larger of the two instead of their sum). The producer's exceptions are raised
    here; leaving the loop early stops the producer.

    >>> list(prefetch(iter(range(5))))
    [0, 1, 2, 3, 4]
    """
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))

    worker = threading.Thread(target=produce, name="zhagen-map-read", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()


def _record_terms(kw: str, lang: str) -> list[str]:
    """Normalised keywords of one document from its stored JSON; a bare string counts as
    one keyword, as on the fast path."""
    by_lang = json.loads(kw) if kw else {}
    if not isinstance(by_lang, dict):
        return []
    lists = {k: [v] if isinstance(v, str) else v for k, v in by_lang.items()}
    return keyword_terms(lists, lang)


def _one_by_one(texts: list[str], lang: str) -> tuple[list[str], Any]:
    """Keywords of ``texts`` read with ``json.loads`` one by one, and the line of each."""
    import numpy as np

    tokens: list[str] = []
    lines: list[int] = []
    for k, kw in enumerate(texts):
        terms = _record_terms(kw, lang)
        tokens.extend(terms)
        lines.extend([k] * len(terms))
    return tokens, np.asarray(lines, dtype=np.int64)


def _matrix(occ: _Occurrences, n_records: int, thesaurus: Mapping[str, str] | None) -> DocTerm:
    """The document-term matrix of the gathered occurrences (normalised, thesaurus-merged)."""
    import numpy as np

    from zhagen.mapping.cooccurrence import doc_term_from_codes, factorize

    codes, distinct = factorize(occ.tokens)
    labels = [normalise_keyword(t) for t in distinct]
    labels.extend(occ.exact.vocab)
    if thesaurus:
        labels = [thesaurus.get(t, t) if t else t for t in labels]
    all_codes = np.concatenate([codes.astype(np.int64), len(distinct) + occ.exact.code_array()])
    rows = np.concatenate(
        [*occ.token_rows, np.frombuffer(occ.exact_rows, dtype=np.int64), np.zeros(0, np.int64)]
    )
    return doc_term_from_codes(rows, all_codes, labels, n_records)
