"""Word frequency (NVivo's Word Frequency query): the words of a set of documents, counted.

Words are cut by the project's segmenter (the shipped domain dictionary and the terms
accepted in the project, :meth:`zhagen.project.Terms.segmenter`); a word counts when it has
at least ``min_length`` characters and a letter (Han characters are letters; numbers and
punctuation are not words), and is not a stopword (the shipped Chinese and English lists).
Latin words are counted without regard to case. A thesaurus (``label<TAB>replace by``)
groups synonyms under one word (``similar`` lists the forms grouped) or drops words;
its labels are added to the dictionary so that they are cut whole. Sentences holding
mojibake (``sentences.garbled``) are left out unless asked for.

Columns of the table (:data:`DEFINITIONS` says the same in Chinese and English, and every
output carries it): ``word``; ``count``, its occurrences; ``documents``, the documents
holding it; ``share``, ``count`` over every word counted (after the length, stopword and
thesaurus rules) in percent; ``similar``, the forms grouped under it.

Segmenting is the slow part (about 10 MB a second), so each document's cut words are kept
in memory per project and segmenter, keyed by a hash of the document's text: a second query
over the same documents reads the texts, finds them cut, and only adds up arrays.

>>> r = word_frequency([(1, "创新联合体推动创新。创新联合体很好。"), (2, "政府支持创新。")])
>>> [(w.word, w.count, w.documents) for w in r.rows[:2]]
[('创新', 2, 2), ('创新联合体', 2, 1)]
>>> round(r.rows[0].share, 2), r.total
(28.57, 7)
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from zhagen.text.segment import Segmenter

__all__ = [
    "WordRow",
    "WordFrequency",
    "DEFINITIONS",
    "word_frequency",
    "WordCounter",
    "SentencesOf",
    "whole_text",
]

#: (document, text) → its (start, end, garbled) sentences; called only for a document not
#: yet cut (or whose text changed).
SentencesOf = Callable[[int, str], Sequence[tuple[int, int, bool]]]


def whole_text(_doc: int, text: str) -> list[tuple[int, int, bool]]:
    """The text as one clean sentence (what :func:`word_frequency` assumes by default)."""
    return [(0, len(text), False)] if text else []


#: What each column means (zh, en): printed with every table, JSON and file.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "word": ("词（同义词按叙词表合并为一个）", "the word (synonyms grouped by the thesaurus)"),
    "count": ("出现次数", "occurrences"),
    "documents": ("含该词的文档数", "documents holding the word"),
    "share": ("占全部计入词次的百分比（计入：达到最短词长、非停用词、叙词表未删除）",
              "percent of every word occurrence counted (counted: at least the minimum "
              "length, not a stopword, not dropped by the thesaurus)"),
    "similar": ("合并到该词下的词形", "the forms grouped under the word"),
}  # fmt: skip

_HAS_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class WordRow:
    """One word of the table (see :data:`DEFINITIONS`)."""

    word: str
    count: int
    documents: int
    share: float
    similar: tuple[str, ...] = ()


@dataclass
class WordFrequency:
    """The result: ``rows`` (top words, most frequent first), ``total`` word occurrences
    counted, ``distinct`` words counted, ``n_documents`` documents read."""

    rows: list[WordRow]
    total: int
    distinct: int
    n_documents: int
    params: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFINITIONS))

    def frame(self) -> pd.DataFrame:
        """The table: word, count, documents, share (%), similar (forms joined by ``；``)."""
        import pandas as pd

        return pd.DataFrame(
            [(r.word, r.count, r.documents, round(r.share, 4), "；".join(r.similar))
             for r in self.rows],
            columns=list(DEFINITIONS),
        )  # fmt: skip

    def frequencies(self) -> dict[str, int]:
        """word → count of the rows (what the word cloud draws)."""
        return {r.word: r.count for r in self.rows}

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready document: the rows, the totals, the parameters and the definitions."""
        return {
            "query": "words",
            "params": self.params,
            "total": self.total,
            "distinct": self.distinct,
            "documents": self.n_documents,
            "definitions": {k: {"zh": zh, "en": en} for k, (zh, en) in self.definitions.items()},
            "rows": [
                {"word": r.word, "count": r.count, "documents": r.documents,
                 "share": round(r.share, 4), "similar": list(r.similar)}
                for r in self.rows
            ],
        }  # fmt: skip


def _fold(word: str) -> str:
    """Latin words count without regard to case."""
    return word.lower() if _LATIN.search(word) else word


class WordCounter:
    """Each document's cut words as arrays over one vocabulary, for one segmenter.

    ``counts(doc, text, sentences_of)`` gives (ids, counts) of the words outside garbled
    sentences and (ids, counts) of those inside them, cut once per text (a hash of the text
    says whether a document changed). Thread-safe: the web server's threads share one.
    """

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self._docs: dict[int, tuple[bytes, Any, Any, Any, Any]] = {}
        self._lock = threading.Lock()

    def _arrays(self, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        vocab = self.vocab
        ids = []
        for w in words:
            i = vocab.get(w)
            if i is None:
                i = vocab[w] = len(self.words)
                self.words.append(w)
            ids.append(i)
        if not ids:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        uniq, counts = np.unique(np.asarray(ids, np.int32), return_counts=True)
        # int32: a million abstracts keep ~100 distinct words each in memory
        return uniq, counts.astype(np.int32)

    def counts(self, doc: int, text: str, sentences_of: SentencesOf) -> tuple[Any, Any, Any, Any]:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._docs.get(doc)
        if found is not None and found[0] == key:
            return found[1:]
        sentences = sentences_of(doc, text)
        clean = "\n".join(text[s:e] for s, e, g in sentences if not g)
        garbled = "\n".join(text[s:e] for s, e, g in sentences if g)
        if not sentences:  # a document without sentences (an empty text): nothing to count
            clean = ""
        cut_clean = self.segmenter.cut(clean) if clean else []
        cut_garbled = self.segmenter.cut(garbled) if garbled else []
        with self._lock:
            entry = (key, *self._arrays(cut_clean), *self._arrays(cut_garbled))
            self._docs[doc] = entry
        return entry[1:]


_COUNTERS: dict[tuple[str, tuple[str, ...]], WordCounter] = {}
_COUNTERS_LOCK = threading.Lock()


def counter_for(path: str, words: Sequence[str], make: Any) -> WordCounter:
    """The cached :class:`WordCounter` of a project file and dictionary (at most four kept:
    a server serves one project)."""
    key = (path, tuple(words))
    with _COUNTERS_LOCK:
        found = _COUNTERS.get(key)
        if found is None:
            if len(_COUNTERS) >= 4:
                _COUNTERS.pop(next(iter(_COUNTERS)))
            found = _COUNTERS[key] = WordCounter(make())
        return found


def _groups(
    words: Sequence[str],
    *,
    min_length: int,
    stopwords: Collection[str],
    thesaurus: Mapping[str, str],
) -> tuple[list[int], list[str]]:
    """For each vocabulary word, its group's index (−1: not counted), and the groups."""
    group_of: dict[str, int] = {}
    names: list[str] = []
    out = []
    for w in words:
        target = _fold(w)
        if target in thesaurus or w in thesaurus:
            target = thesaurus.get(w, thesaurus.get(target, ""))
            target = _fold(target)
        if (not target or len(w) < min_length or not _HAS_LETTER.search(w)
                or w in stopwords or target in stopwords):  # fmt: skip
            out.append(-1)
            continue
        g = group_of.get(target)
        if g is None:
            g = group_of[target] = len(names)
            names.append(target)
        out.append(g)
    return out, names


def word_frequency(
    docs: Iterable[tuple[int, str]],
    *,
    sentences_of: SentencesOf = whole_text,
    counter: WordCounter | None = None,
    top: int = 100,
    min_length: int = 2,
    keep_stopwords: bool = False,
    include_garbled: bool = False,
    thesaurus: Mapping[str, str] | None = None,
    params: dict[str, Any] | None = None,
) -> WordFrequency:
    """Count the words of ``docs`` ((id, text) pairs); see the module's rules.

    ``sentences_of``: a document's (start, end, garbled) sentences (default: the whole text
    as one clean sentence); ``counter``: the cache of cut words to use (default: a new one
    with the default segmenter, or with the thesaurus's labels added).
    """
    import numpy as np

    thesaurus = dict(thesaurus or {})
    if counter is None:
        from zhagen.text.segment import Segmenter, default_segmenter

        seg = Segmenter(thesaurus=thesaurus) if thesaurus else default_segmenter()
        counter = WordCounter(seg)
    stop: Collection[str] = () if keep_stopwords else counter.segmenter.stopwords
    id_parts, count_parts, part_docs = [], [], []
    n_docs = 0
    for doc, text in docs:
        ids, counts, gids, gcounts = counter.counts(doc, text, sentences_of)
        id_parts.append(ids)
        count_parts.append(counts)
        part_docs.append(n_docs)
        if include_garbled and len(gids):
            id_parts.append(gids)
            count_parts.append(gcounts)
            part_docs.append(n_docs)
        n_docs += 1
    with counter._lock:  # the vocabulary grows under other threads' feet otherwise
        vocab_words = list(counter.words)
    mapping, names = _groups(vocab_words, min_length=min_length, stopwords=stop,
                             thesaurus=thesaurus)  # fmt: skip
    group = np.asarray(mapping + [-1], np.int64)
    if not id_parts or not names:
        return WordFrequency([], 0, 0, n_docs, params or {})
    # one row per (document, word id): garbled and clean parts of a document add up
    doc_index = np.concatenate([np.full(len(a), i, np.int64) for i, a in enumerate(id_parts)])
    ids = np.concatenate(id_parts).astype(np.int64)
    counts = np.concatenate(count_parts).astype(np.int64)
    groups = group[np.minimum(ids, len(group) - 1)]
    keep = groups >= 0
    groups, counts, doc_index = groups[keep], counts[keep], doc_index[keep]
    total_by_group = np.bincount(groups, weights=counts, minlength=len(names)).astype(np.int64)
    # documents per group: distinct (document, group) pairs (a document's clean and garbled
    # parts are two parts of one document)
    part_doc = np.asarray(part_docs, np.int64)
    pairs = np.sort(part_doc[doc_index] * len(names) + groups)  # sorting beats np.unique's hash
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    docs_by_group = np.bincount(pairs % len(names), minlength=len(names))
    total = int(total_by_group.sum())
    order = sorted(range(len(names)), key=lambda g: (-total_by_group[g], names[g]))
    order = [g for g in order if total_by_group[g] > 0][:top]
    members: dict[int, list[str]] = {g: [] for g in order}
    wanted = set(order)
    for w, g in zip(vocab_words, mapping, strict=True):
        if g in wanted and _fold(w) != names[g]:
            members[g].append(w)
    rows = [
        WordRow(names[g], int(total_by_group[g]), int(docs_by_group[g]),
                100.0 * float(total_by_group[g]) / total if total else 0.0,
                tuple(sorted(set(members[g]))))
        for g in order
    ]  # fmt: skip
    distinct = int(np.count_nonzero(total_by_group))
    return WordFrequency(rows, total, distinct, n_docs, params or {})
