"""From a project file to the plain data a knowledge map is computed from.

Records with keywords use them (``field="keywords"``); raw documents, and every record when
``field="terms"``, use segmented terms from their text (nouns and dictionary terms,
stopwords out). Keywords are normalised as CiteSpace does (Latin keywords lower-cased,
surrounding spaces dropped), the thesaurus is applied before counting, and each term counts
once per record. Duplicates (``documents.dup_of``) are left out unless asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from zhagen.errors import ParameterError
from zhagen.mapping.model import MapInput, MapParams
from zhagen.store import runs as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    from zhagen.text.segment import Segmenter

__all__ = ["map_input", "keyword_terms", "LANG_KEYS"]

#: Which keyword lists a ``lang`` setting takes (WoS Keywords Plus count as English).
LANG_KEYS = {"zh": ("zh",), "en": ("en", "plus"), "all": ("zh", "en", "plus")}


def keyword_terms(by_lang: Mapping[str, list[str]], lang: str) -> list[str]:
    """The keywords of one record for a ``lang`` setting, normalised, in order, unique.

    >>> keyword_terms({"zh": ["新质生产力"], "en": ["Digital Economy "]}, "all")
    ['新质生产力', 'digital economy']
    """
    out: dict[str, None] = {}
    for key in LANG_KEYS[lang]:
        for kw in by_lang.get(key, ()):
            kw = kw.strip()
            if kw.isascii():
                kw = " ".join(kw.lower().split())
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
) -> MapInput:
    """Read every document to map and return its terms as a :class:`MapInput`.

    ``segmenter`` is called only when some document needs segmenting (loading the
    dictionary takes a second; a map of keywords alone never needs it).
    """
    from zhagen.text.lexicon import apply_thesaurus

    if params.field not in {"keywords", "terms"}:
        raise ParameterError(
            f"--field 只能是 keywords 或 terms，而不是 {params.field!r}",
            f"--field must be keywords or terms, not {params.field!r}",
        )
    if params.lang not in LANG_KEYS:
        raise ParameterError(
            f"--lang 只能是 zh、en 或 all，而不是 {params.lang!r}",
            f"--lang must be zh, en or all, not {params.lang!r}",
        )
    inp = MapInput(doc_ids=[], years=[], terms=[], titles=[])
    seg: Segmenter | None = None
    rows = q.map_rows(store, keep_duplicates=keep_duplicates, texts=params.field == "terms")
    for doc_id, year, title, keywords, has_body, text in rows:
        terms: list[str] = []
        if params.field == "keywords" and keywords != "{}":
            terms = keyword_terms(json.loads(keywords), params.lang)
        if not terms and (params.field == "terms" or has_body):
            seg = seg or segmenter()
            terms = _doc_terms(seg, text)
        if thesaurus:
            terms = list(dict.fromkeys(apply_thesaurus(terms, thesaurus)))
        inp.doc_ids.append(doc_id)
        inp.years.append(year)
        inp.terms.append(terms)
        inp.titles.append(title)
    return inp
