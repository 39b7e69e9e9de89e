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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from zhagen.mapping.cooccurrence import TermRows
from zhagen.mapping.model import MapInput, MapParams
from zhagen.mapping.params import check_params
from zhagen.store import map_keywords as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    import numpy as np

    from zhagen.mapping.cooccurrence import DocTerm
    from zhagen.text.segment import Segmenter

T = TypeVar("T")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

__all__ = ["map_input", "keyword_terms", "normalise_keyword", "LANG_KEYS"]

#: Which keyword lists a ``lang`` setting takes (WoS Keywords Plus count as English).
LANG_KEYS = {"zh": ("zh",), "en": ("en", "plus"), "all": ("zh", "en", "plus")}


def normalise_keyword(kw: str) -> str:
    """One keyword as CiteSpace counts it: surrounding space dropped; a keyword without
    non-ASCII characters also lower-cased, with inner runs of space made one space.

    >>> normalise_keyword("  Digital   Economy "), normalise_keyword(" 数字经济　")
    ('digital economy', '数字经济')
    """
    kw = kw.strip()
    if kw.isascii():
        kw = " ".join(kw.lower().split())
    return kw


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
    keep_duplicates: bool = False,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
) -> MapInput:
    """Read every document to map and return its terms as a :class:`MapInput`.

    ``doc_ids``: only these documents (the map's scope; None: all); ``records_only``:
    leave raw documents out (keywords of records are not mixed with full-text terms).

    ``segmenter`` is called only when some document needs segmenting (loading the
    dictionary takes a second; a map of keywords alone never needs it). With
    ``field="keywords"`` the terms come back as a :class:`~zhagen.mapping.cooccurrence.TermRows`
    over the document-term matrix built while reading (see :func:`_keyword_input`).
    """
    check_params(params)
    if params.field == "keywords":
        return _keyword_input(
            store, params, segmenter, thesaurus, keep_duplicates, doc_ids, records_only
        )
    from zhagen.text.lexicon import apply_thesaurus

    inp = MapInput(doc_ids=[], years=[], terms=[], titles=[])
    seg: Segmenter | None = None
    rows = q.map_rows(
        store, keep_duplicates=keep_duplicates, texts=True, doc_ids=doc_ids,
        records_only=records_only,
    )  # fmt: skip
    for doc_id, year, title, _keywords, _has_body, text in rows:
        seg = seg or segmenter()
        terms = _doc_terms(seg, text)
        if thesaurus:
            terms = list(dict.fromkeys(apply_thesaurus(terms, thesaurus)))
        inp.doc_ids.append(doc_id)
        inp.years.append(year)
        inp.terms.append(terms)
        inp.titles.append(title)
    return inp


@dataclass
class _Occurrences:
    """Term occurrences gathered while reading: ``tokens`` are raw keywords (normalised
    later, once per distinct string), ``exact`` terms are final already (keywords of
    records read one by one, terms segmented from a raw document's text)."""

    tokens: list[str] = field(default_factory=list)
    token_rows: list[np.ndarray] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    exact_rows: list[int] = field(default_factory=list)


def _keyword_input(
    store: Store,
    params: MapParams,
    segmenter: Callable[[], Segmenter],
    thesaurus: Mapping[str, str] | None,
    keep_duplicates: bool,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
) -> MapInput:
    """Keywords (a raw document's segmented text when it has none) of every document.

    SQLite hands over the keywords JSON of a chunk of documents as one string
    (:func:`zhagen.store.map_keywords.map_keyword_chunks`), which is split into keywords at C speed
    (:func:`_split_keyword_objects`); the document-term matrix is then built from integer
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
    seg: list[Segmenter] = []  # loaded at most once, when a raw document needs it
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
            split = _split_keyword_objects(joined, keys)
        if split is None:
            texts = joined.split("\n")
            for k, kw in enumerate(texts):
                if k in chunk.bodies or "\\" in kw:
                    terms = _record_terms(kw, params.lang)
                    if not terms and k in chunk.bodies:
                        seg = seg or [segmenter()]
                        terms = _of_lang(_doc_terms(seg[0], chunk.bodies[k]), params.lang)
                    occ.exact.extend(terms)
                    occ.exact_rows.extend([base + k] * len(terms))
                    texts[k] = "{}"
            split = _split_keyword_objects("\n".join(texts), keys)
            if split is None:  # JSON of another shape: every document on its own
                split = _one_by_one(texts, params.lang)
        occ.tokens.extend(split[0])
        occ.token_rows.append(split[1] + base)
    return MapInput(ids, years, TermRows(_matrix(occ, len(ids), thesaurus)), titles, by_lang=True)


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


def _split_keyword_objects(joined: str, keys: tuple[str, ...]) -> tuple[list[str], Any] | None:
    """The keywords of ``keys`` in ``joined`` and the line each is on; None when a text is
    not of the form this reads.

    ``joined`` holds one keywords JSON per line (``{"zh":["a","b"],"en":["C d"]}``), none
    with a backslash: then no string has an escape, so every ``"`` opens or closes a
    string, and a line break can only separate two documents (JSON strings hold no raw
    line break). The strings are the odd pieces of ``joined.split('"')``; a string followed
    by ``:`` is a key, any other (followed by ``,``, ``]`` or ``}``) belongs to the last
    key before it on the same line. A string followed by anything else (JSON written with
    spaces) makes this return None. The line of a string is the number of line breaks
    before its opening quote (bytes 0x22 and 0x0A never occur inside a multi-byte UTF-8
    character).

    >>> _split_keyword_objects('{"zh":["a","b c"],"x":["d"]}\\n{}\\n{"en":["e"]}', ("zh", "en"))
    (['a', 'b c', 'e'], array([0, 0, 2]))
    """
    import numpy as np

    strings = joined.split('"')[1::2]
    raw = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)
    if quotes.size != 2 * len(strings) or (quotes.size and quotes[-1] + 1 >= raw.size):
        return None
    after = raw[quotes[1::2] + 1]
    is_key = after == 0x3A  # ':'
    if not (is_key | (after == 0x2C) | (after == 0x5D) | (after == 0x7D)).all():  # , ] }
        return None
    lines = np.searchsorted(np.flatnonzero(raw == 0x0A), quotes[0::2])
    wanted = is_key & _equals_any(raw, quotes, keys)
    owner = np.maximum.accumulate(np.where(is_key, np.arange(len(strings)), -1))
    has_owner = owner >= 0
    owner = np.maximum(owner, 0)
    take = np.flatnonzero(~is_key & has_owner & wanted[owner] & (lines[owner] == lines))
    if take.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    picked = itemgetter(*take.tolist())(strings)
    return [picked] if take.size == 1 else list(picked), lines[take].astype(np.int64)


def _equals_any(raw: Any, quotes: Any, words: tuple[str, ...]) -> Any:
    """Which quoted strings (between ``quotes[0::2]`` and ``quotes[1::2]`` in the UTF-8
    bytes ``raw``) equal one of ``words``, compared byte by byte in numpy."""
    import numpy as np

    start = quotes[0::2] + 1
    length = quotes[1::2] - start
    found = np.zeros(start.size, dtype=bool)
    for word in words:
        code = word.encode("utf-8")
        same = length == len(code)
        for i, byte in enumerate(code):
            same &= raw[np.minimum(start + i, raw.size - 1)] == byte
        found |= same
    return found


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
    import pandas as pd

    from zhagen.mapping.cooccurrence import doc_term_from_codes

    tokens = np.empty(len(occ.tokens), dtype=object)
    tokens[:] = occ.tokens
    codes, distinct = pd.factorize(tokens)
    labels = [normalise_keyword(t) for t in distinct.tolist()]
    labels.extend(occ.exact)
    if thesaurus:
        labels = [thesaurus.get(t, t) if t else t for t in labels]
    all_codes = np.concatenate(
        [codes.astype(np.int64), len(distinct) + np.arange(len(occ.exact), dtype=np.int64)]
    )
    rows = np.concatenate(
        [*occ.token_rows, np.asarray(occ.exact_rows, dtype=np.int64), np.zeros(0, np.int64)]
    )
    return doc_term_from_codes(rows, all_codes, labels, n_records)
