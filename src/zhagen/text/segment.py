"""Chinese word segmentation with the zhagen domain dictionary, stopwords and a thesaurus.

:class:`Segmenter` wraps one ``rjieba.Jieba`` instance (rjieba is the MIT-licensed Python
binding of jieba-rs, a Rust port of jieba). Each Segmenter owns its own dictionary, so two
Segmenters with different user dictionaries never see each other's words; the module-level
functions of rjieba (``rjieba.cut``, ``rjieba.add_word``) share one process-wide dictionary
and are not used here. :func:`default_segmenter` returns one cached Segmenter with the
shipped domain dictionary, stopwords and no thesaurus; do not add words to it — build your
own Segmenter for that.

Why rjieba and not jieba — measured with ``bench/segment.py`` on this project's shared
2-core machine (Python 3.11, other jobs running, so absolute speeds are low; the ratios hold):

=======================================  =======  ==========  =====  ============
segmenter                                MB/s     cold start  F1     domain terms
=======================================  =======  ==========  =====  ============
jieba 0.42.1, HMM on                     0.31     1.64 s      0.805  13.7 %
jieba 0.42.1, HMM off                    0.30     1.51 s      0.789  13.2 %
rjieba 0.2.2, jieba's dictionary         14.9     0.25 s      0.805  13.7 %
Segmenter (rjieba + domain dictionary)   11.4     0.32 s      0.947  100 %
=======================================  =======  ==========  =====  ============

*MB/s*: UTF-8 megabytes per second cutting the four seed texts line by line, repeated to
5 MB. *cold start*: import to first cut done, in a fresh process (rjieba builds a
module-level instance on import that zhagen does not use: about 0.1 s of the 0.3 s).
*F1*: word-level F1 on ``tests/data/segmentation_gold.txt``, 88 seed sentences (1,747 words)
hand-segmented by the zhagen developers with domain terms as single words. *domain terms*:
share of the gold set's 197 domain-term occurrences cut as one word. rjieba and jieba cut
identically with the same dictionary; rjieba is 35–60 times faster (second run: 7.2 vs
0.12 MB/s, 0.39 vs 2.45 s cold start, the machine busier still) and starts five times
sooner, so zhagen uses rjieba (DESIGN.md §7, on a quieter machine: 28.6 vs 1.05 MB/s). The
domain dictionary is what lifts quality: without it 新质生产力, 创新联合体, 专精特新 and
关键核心技术 are all split. The same developers wrote
the dictionary and the gold set, and tuned a few frequencies on it, so 0.947 is an
optimistic estimate; the remaining errors are granularity (充分发挥, 科技进步).

>>> seg = Segmenter()
>>> seg.cut("发展新质生产力，组建创新联合体")
['发展', '新质生产力', '，', '组建', '创新联合体']
>>> seg.terms("专精特新企业的研究")
['专精特新', '企业']
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zhagen.text.lexicon import (
    DictEntry,
    Source,
    apply_thesaurus,
    load_thesaurus,
    load_user_dict,
    load_wordlist,
    package_data,
)

__all__ = [
    "Segmenter",
    "default_segmenter",
    "word_prf",
    "TERM_POS",
    "DEFAULT_WORD_FREQ",
]

#: Part-of-speech tags (jieba / ICTCLAS set) kept by :meth:`Segmenter.terms`: nouns,
#: person / place / organisation names, other proper nouns, verbal nouns, Latin words.
TERM_POS: frozenset[str] = frozenset({"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "vn", "eng"})

#: Frequency given to added words that come without one (high enough to stay whole in
#: context, low enough not to swallow neighbouring characters).
DEFAULT_WORD_FREQ = 3000

_HAS_LETTER = re.compile(r"[^\W\d_]")  # any letter, Han characters included
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]{2,}$")


class Segmenter:
    """A word segmenter with its own dictionary, stopwords and thesaurus.

    Parameters
    ----------
    user_dicts:
        Paths of jieba-style user dictionaries (``word [freq] [pos]`` per line) loaded after
        the domain dictionary.
    extra_words:
        More words to keep whole (tag ``nz``, frequency :data:`DEFAULT_WORD_FREQ`).
    stopwords:
        ``True`` for the shipped Chinese and English lists, ``False`` for none, a path of a
        word list, or the words themselves. Used by :meth:`terms` only.
    thesaurus:
        ``label<TAB>replace by`` file, its lines, or a dict; applied by :meth:`terms`. Its
        Chinese labels are added to the dictionary so that they are cut whole.
    domain_dict:
        Load the shipped ``domain_dict.txt`` (default ``True``).
    hmm:
        Let jieba's HMM join unknown characters into new words (default ``True``).
    term_pos:
        Part-of-speech tags that :meth:`terms` keeps (default :data:`TERM_POS`).
    min_term_len:
        Shortest term :meth:`terms` keeps, in characters (default 2).

    Examples
    --------
    >>> seg = Segmenter(domain_dict=False, extra_words=["创新联合体"])
    >>> seg.cut("创新联合体与新质生产力")
    ['创新联合体', '与', '新质', '生产力']
    """

    def __init__(
        self,
        user_dicts: Iterable[str | os.PathLike[str]] = (),
        extra_words: Iterable[str] = (),
        stopwords: bool | Source = True,
        thesaurus: Source | Mapping[str, str] | None = None,
        *,
        domain_dict: bool = True,
        hmm: bool = True,
        term_pos: Collection[str] = TERM_POS,
        min_term_len: int = 2,
    ) -> None:
        self.hmm = hmm
        self.term_pos = frozenset(term_pos)
        self.min_term_len = min_term_len
        self.stopwords = _load_stopwords(stopwords)
        self.thesaurus: dict[str, str] = _load_thesaurus_arg(thesaurus)
        self._entries: list[DictEntry] = []
        self._words: set[str] = set()
        self._jieba = _new_jieba()
        if domain_dict:
            self._add_entries(load_user_dict(package_data("domain_dict.txt")))
        for path in user_dicts:
            self._add_entries(load_user_dict(path))
        self.add_words(extra_words)
        self.add_words(label for label in self.thesaurus if _HAN_WORD.match(label))

    # -- dictionary -------------------------------------------------------------------

    def _add_entries(self, entries: Iterable[DictEntry]) -> None:
        for entry in entries:
            freq = entry.freq if entry.freq is not None else DEFAULT_WORD_FREQ
            pos = entry.pos or "nz"
            self._jieba.add_word(entry.word, freq, pos)
            self._entries.append(DictEntry(entry.word, freq, pos))
            self._words.add(entry.word)

    def add_words(self, words: Iterable[str], *, freq: int | None = None, pos: str = "nz") -> None:
        """Add words to this Segmenter's dictionary so that they are cut whole.

        Parameters
        ----------
        words:
            The words (blank ones are ignored).
        freq:
            Their frequency; default :data:`DEFAULT_WORD_FREQ`.
        pos:
            Their part-of-speech tag; default ``nz`` (counted as a term by :meth:`terms`).

        Examples
        --------
        >>> seg = Segmenter(domain_dict=False)
        >>> seg.add_words(["揭榜挂帅"])
        >>> "揭榜挂帅" in seg.cut("实行揭榜挂帅制度")
        True
        """
        self._add_entries(DictEntry(w.strip(), freq, pos) for w in words if w.strip())

    @property
    def words(self) -> frozenset[str]:
        """Words added to jieba's own dictionary: domain dictionary, user dicts, extras."""
        return frozenset(self._words)

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is in this Segmenter's dictionary (jieba's or added).

        Examples
        --------
        >>> Segmenter().has_word("新质生产力"), Segmenter(domain_dict=False).has_word("新质生产力")
        (True, False)
        """
        return word in self._words or bool(self._jieba.has_word(word))

    # -- segmentation -----------------------------------------------------------------

    def cut(self, text: str) -> list[str]:
        """Cut ``text`` into words; whitespace is dropped, punctuation kept.

        Examples
        --------
        >>> Segmenter().cut("加快发展 新质生产力")
        ['加快', '发展', '新质生产力']
        """
        return [w for w in self._jieba.cut(text, self.hmm) if not w.isspace()]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Cut ``text`` into ``(word, part-of-speech tag)`` pairs; whitespace dropped.

        Examples
        --------
        >>> Segmenter().tag("推进关键核心技术攻关")
        [('推进', 'v'), ('关键核心技术', 'n'), ('攻关', 'v')]
        """
        return [(w, p) for w, p in self._jieba.tag(text, self.hmm) if not w.isspace()]

    def is_term(self, word: str, pos: str = "n") -> bool:
        """Whether a word with tag ``pos`` counts as an analysis term (see :meth:`terms`).

        Examples
        --------
        >>> seg = Segmenter()
        >>> seg.is_term("数字经济", "n"), seg.is_term("方面", "n"), seg.is_term("2024", "m")
        (True, False, False)
        """
        if len(word) < self.min_term_len or not _HAS_LETTER.search(word):
            return False
        if word in self.stopwords or word.lower() in self.stopwords:
            return False
        return pos in self.term_pos or word in self._words

    def terms(self, text: str) -> list[str]:
        """Analysis terms of ``text``, in order, repeats kept.

        A term is a noun-like word (tag in ``term_pos``) or a dictionary word, at least
        ``min_term_len`` characters, with a letter in it (no pure numbers or punctuation),
        not a stopword; then the thesaurus replaces or deletes it.

        Examples
        --------
        >>> Segmenter().terms("以创新联合体推动产学研深度融合的研究")
        ['创新联合体', '产学研', '深度', '融合']
        >>> Segmenter(thesaurus={"产学研合作": "产学研", "深度": ""}).terms("深度推进产学研合作")
        ['产学研']
        """
        found = [w for w, pos in self.tag(text) if self.is_term(w, pos)]
        return apply_thesaurus(found, self.thesaurus) if self.thesaurus else found

    # -- pickling: rjieba objects cannot be pickled, so rebuild from the entries ----------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_jieba"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._jieba = _new_jieba()
        for entry in self._entries:
            self._jieba.add_word(entry.word, entry.freq, entry.pos)

    def __repr__(self) -> str:
        return (
            f"Segmenter({len(self._words)} added words, {len(self.stopwords)} stopwords, "
            f"{len(self.thesaurus)} thesaurus entries, hmm={self.hmm})"
        )


def _new_jieba() -> Any:
    return _jieba_class()()


def _jieba_class() -> Any:
    """rjieba's ``Jieba`` class, without building rjieba's module-level instance.

    ``import rjieba`` builds a ``Jieba()`` at module level (``rjieba.cut`` and friends),
    which loads jieba's 350,000-word dictionary: 0.4 s that every Segmenter then pays a
    second time for its own instance. zhagen never uses the module-level functions, so the
    compiled ``rjieba.rjieba`` extension is loaded on its own; if that is not possible (an
    rjieba laid out differently), the package is imported as usual.
    """
    import sys

    loaded = sys.modules.get("rjieba.rjieba")
    if loaded is None:
        loaded = _load_extension("rjieba", "rjieba")
    if loaded is None:
        import rjieba

        return rjieba.Jieba
    return loaded.Jieba


def _load_extension(package: str, name: str) -> Any:
    import importlib.machinery
    import importlib.util
    import sys

    found = importlib.util.find_spec(package)  # a top-level spec: does not run __init__
    for folder in (found.submodule_search_locations or []) if found else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"{name}{suffix}"
            if not path.is_file():
                continue
            spec = importlib.util.spec_from_file_location(f"{package}.{name}", path)
            if spec is None or spec.loader is None:
                return None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[f"{package}.{name}"] = module
            return module
    return None


def _load_stopwords(stopwords: bool | Source) -> frozenset[str]:
    if stopwords is True:
        words = load_wordlist(package_data("stopwords_zh.txt"))
        words += load_wordlist(package_data("stopwords_en.txt"))
    elif stopwords is False:
        words = []
    elif isinstance(stopwords, str | os.PathLike):
        words = load_wordlist(stopwords)
    else:
        words = [w.strip() for w in stopwords if w.strip()]
    return frozenset(w if _has_han(w) else w.lower() for w in words)


def _has_han(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or ch >= "\U00020000" for ch in word)


def _load_thesaurus_arg(thesaurus: Source | Mapping[str, str] | None) -> dict[str, str]:
    if thesaurus is None:
        return {}
    if isinstance(thesaurus, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in thesaurus.items()}
    return load_thesaurus(thesaurus)


@functools.lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The shared Segmenter: domain dictionary, shipped stopwords, no thesaurus.

    Built on first use (about 0.15 s) and cached for the process. Do not add words to it;
    build a :class:`Segmenter` of your own instead.

    Examples
    --------
    >>> default_segmenter() is default_segmenter()
    True
    """
    return Segmenter()


@functools.lru_cache(maxsize=1)
def default_fingerprint() -> str:
    """A fingerprint of what :func:`default_segmenter` cuts and tags with: rjieba's
    installed files (name, size, time), the shipped domain dictionary and stopword lists,
    and the term rules. What is stored from its output (the title phrases of cluster
    labels) is keyed by it, so a new dictionary or rjieba never reuses old results. Cheap:
    no dictionary is loaded, rjieba is not imported (nor its package metadata read).

    Examples
    --------
    >>> len(default_fingerprint()), default_fingerprint() == default_fingerprint()
    (16, True)
    """
    import hashlib
    import importlib.util

    h = hashlib.sha256()
    found = importlib.util.find_spec("rjieba")  # a top-level spec: does not run __init__
    for folder in (found.submodule_search_locations or []) if found else []:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file():
                st = entry.stat()
                h.update(f"{entry.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    for name in ("domain_dict.txt", "stopwords_zh.txt", "stopwords_en.txt"):
        h.update(package_data(name).read_bytes())
    h.update(repr((sorted(TERM_POS), 2, True)).encode())  # term_pos, min_term_len, hmm
    return h.hexdigest()[:16]


def word_prf(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> tuple[float, float, float]:
    """Word-level precision, recall and F1 of a segmentation against a gold standard.

    A predicted word counts as correct when the same character span is a gold word
    (the SIGHAN bakeoff measure). Sentences are paired in order and must match as text.

    Parameters
    ----------
    gold, predicted:
        Per sentence, its words.

    Returns
    -------
    tuple of float
        ``(precision, recall, f1)``.

    Examples
    --------
    >>> word_prf([["新质生产力", "的", "发展"]], [["新质", "生产力", "的", "发展"]])
    (0.5, 0.6666666666666666, 0.5714285714285715)
    """
    correct = n_gold = n_pred = 0
    for gold_words, pred_words in zip(gold, predicted, strict=True):
        if "".join(gold_words) != "".join(pred_words):
            raise ValueError(f"sentences differ: {''.join(gold_words)[:30]!r}")
        gold_spans, pred_spans = _spans(gold_words), _spans(pred_words)
        correct += len(gold_spans & pred_spans)
        n_gold += len(gold_spans)
        n_pred += len(pred_spans)
    precision = correct / n_pred if n_pred else 0.0
    recall = correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _spans(words: Sequence[str]) -> set[tuple[int, int]]:
    spans, start = set(), 0
    for word in words:
        spans.add((start, start + len(word)))
        start += len(word)
    return spans
