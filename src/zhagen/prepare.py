"""Preparing records for the store: each record's text cleaned, the record made a row.

:func:`prepare_batch` is a pure function over plain data (records in, rows out), so that
the import (:mod:`zhagen.ingest`) can run it in worker processes. Titles, abstracts and
full texts are cleaned with :func:`zhagen.text.clean.clean`, keywords normalised and
simplified; what cleaning changed is kept (``original``) and what it did reported
(``cleaning``), as compact JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from zhagen.records import Problem, RawRecord

__all__ = [
    "Cleaner",
    "Sentences",
    "cleaner",
    "dup_key",
    "mojibake_problems",
    "prepare_batch",
    "prepare_one",
    "prepare_record",
    "to_json",
]

_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


def dup_key(title: str, year: int | None) -> str | None:
    """Normalised title + year: lower case, letters, digits and Han characters only.

    >>> dup_key("新质生产力：理论与实践", 2024)
    '新质生产力理论与实践|2024'
    """
    norm = title.lower()
    if not norm.isalnum():  # isalnum (one C scan): nothing for the regex to drop
        norm = _KEY_DROP.sub("", norm)
    if len(norm) < 4:
        return None
    return f"{norm}|{year if year is not None else ''}"


class Cleaner:
    """The text functions :func:`prepare_batch` needs, imported once per process.

    ``zhagen.text`` compiles ~60 ms of regular expressions on import, which commands that
    import no file should not pay; but an import statement per field costs ~1 µs, and a
    large export has millions of fields.
    """

    def __init__(self) -> None:
        from zhagen.text.clean import (
            clean,
            needs_cleaning,
            needs_normalising,
            normalise,
            to_simplified,
        )

        self.clean, self.needs_cleaning = clean, needs_cleaning
        self.needs_normalising = needs_normalising
        self.normalise, self.to_simplified = normalise, to_simplified

    def field(self, value: str) -> tuple[str, dict[str, Any]]:
        """A cleaned field and what cleaning did (empty when nothing: most titles)."""
        if not value:
            return "", {}
        if not self.needs_cleaning(value):
            return value, {}
        res = self.clean(value)
        info: dict[str, Any] = {k: v for k, v in res.report.items() if v}
        if res.flags:
            info["flags"] = [
                {"kind": f.kind, "start": f.start, "end": f.end, "snippet": f.snippet}
                for f in res.flags
            ]
        return res.text, info

    def keywords(self, keywords: dict[str, list[str]]) -> dict[str, list[str]]:
        """Each keyword normalised, simplified and stripped; empty ones and repeats (in a
        language) dropped. Done for all keywords at once where that gives the same."""
        if not keywords:
            return {}
        flat = [w for words in keywords.values() for w in words]
        joined = _KW_SEP.join(flat)
        # Nothing to normalise in the keywords joined by line breaks, and no blank line
        # among them, means each keyword is NFC, simplified and stripped (a space at its
        # edge would sit at the text's edge or by a line break) and none is empty: what a
        # CNKI reader gives. Then only a repeat of a keyword is left to drop, and one set
        # finds that none repeats (in any language, so in none either).
        if joined and "\n\n" not in joined and not self.needs_normalising(joined):
            if len(set(flat)) == len(flat):
                return keywords
            cleaned = flat
        elif not self.needs_normalising("".join(flat)):
            # Nothing to normalise in the keywords run together means nothing in the joined
            # text either, but for spaces at keyword edges, which the strip below removes as
            # normalise would.
            cleaned = flat
        else:
            cleaned = self._normalise_each(flat, joined)
        out: dict[str, list[str]] = {}
        i = 0
        for lang, words in keywords.items():
            seen: dict[str, None] = {}
            for w in cleaned[i : i + len(words)]:
                w = w.strip()
                if w:
                    seen[w] = None
            i += len(words)
            out[lang] = list(seen)
        return out

    def _normalise_each(self, words: list[str], joined: str) -> list[str]:
        """Each word normalised and simplified: in one call on the words joined by line
        breaks when that text splits back into them (normalise can only drop a line break,
        when no word holds one), else one call per word."""
        if joined.count(_KW_SEP) == len(words) - 1 and not _NEWLINE_LIKE.search(joined):
            cleaned = self.to_simplified(self.normalise(joined)[0])[0].split(_KW_SEP)
            if len(cleaned) == len(words):
                return cleaned
        return [self.to_simplified(self.normalise(w)[0])[0] for w in words]


@functools.cache
def cleaner() -> Cleaner:
    """The process's :class:`Cleaner` (made on first use)."""
    return Cleaner()


_KW_SEP = "\n"  # normalise keeps line breaks (but blank-line runs and those at the edges)
_NEWLINE_LIKE = re.compile("[\r\x0b\x0c\x85\u2028\u2029]")  # normalise makes these "\n"


Sentences = tuple[list[tuple[int, int]], list[bool]]


def prepare_one(
    rec: RawRecord, cl: Cleaner, null: Any = None
) -> tuple[tuple[Any, ...], Sentences | None, list[Problem]]:
    """One record → a row, its sentences and problems: :func:`prepare_record` without the
    keywords.

    >>> row, sentences, problems = prepare_one(RawRecord("a.txt", 1, "txt", title="数字经济"), cleaner())
    >>> row[3], sentences, problems
    ('数字经济', None, [])
    """
    return prepare_record(rec, cl, null)[:3]  # type: ignore[return-value]


def prepare_record(
    rec: RawRecord, cl: Cleaner, null: Any = None
) -> tuple[tuple[Any, ...], Sentences | None, list[Problem], dict[str, Any]]:
    """One record → a row (:data:`~zhagen.store.docs.DOC_COLUMNS` without ``source_id``),
    for raw documents its sentences (spans, and whether each is garbled: see
    :func:`~zhagen.text.sentences.garbled_sentences`), and a warning for each run of
    mojibake cleaning found (:func:`mojibake_problems`), and the cleaned keywords object the
    row's ``keywords`` JSON holds (so that an import worker can derive the keyword links
    without reading that JSON back). ``null`` stands for a missing ``body`` or ``original``
    (see :data:`~zhagen.store.docs.STAGE_NULL`).

    >>> rec = RawRecord("a.txt", 2, "txt", type="document", text="第一句。高??梢酝ㄟ^产教融合。")
    >>> row, (spans, garbled), problems, keywords = prepare_record(rec, cleaner())
    >>> spans, garbled
    ([(0, 4), (4, 16)], [False, True])
    >>> [(p.code, p.record, p.severity) for p in problems]
    [('mojibake', 2, 'warning')]
    """
    title, t_info = cl.field(rec.title)
    abstract, a_info = cl.field(rec.abstract)
    keywords = cl.keywords(rec.keywords)
    cleaning: dict[str, Any] = {}
    if t_info:
        cleaning["title"] = t_info
    if a_info:
        cleaning["abstract"] = a_info
    original: dict[str, Any] = {}
    if title != rec.title:
        original["title"] = rec.title
    if abstract != rec.abstract:
        original["abstract"] = rec.abstract
    if keywords is not rec.keywords and keywords != rec.keywords:
        original["keywords"] = rec.keywords
    body = null
    spans: list[tuple[int, int]] | None = None
    garbled: list[bool] = []
    key = dup_key(title, rec.year)
    if rec.type == "document" or rec.text:
        from zhagen.text.sentences import split_sentences

        body, b_info = cl.field(rec.text)
        if b_info:
            cleaning["body"] = b_info
        if body != rec.text:
            original["body"] = rec.text
        spans = split_sentences(body)
        garbled = _garbled(body, spans, b_info)
        key = "sha1:" + hashlib.sha1(body.encode("utf-8")).hexdigest() if body else key
    row = (
        rec.record,
        rec.format,
        rec.type,
        title,
        to_json(rec.authors),
        to_json(rec.affiliations),
        rec.venue,
        rec.year,
        rec.volume,
        rec.issue,
        rec.pages,
        to_json(keywords),
        abstract,
        rec.doi.strip(),  # as written; duplicates compare it without case
        rec.issn,
        rec.url,
        rec.lang,
        body,
        to_json(original) if original else null,
        to_json(cleaning),
        to_json(rec.cited_refs),
        to_json(rec.extra),
        key,
    )
    problems = mojibake_problems(rec, cleaning) if cleaning else []
    return row, (None if spans is None else (spans, garbled)), problems, keywords


def _garbled(body: str, spans: list[tuple[int, int]], info: dict[str, Any]) -> list[bool]:
    """Which sentences hold mojibake: only looked for where cleaning flagged some."""
    if not any(f["kind"] == "mojibake" for f in info.get("flags", ())):
        return [False] * len(spans)
    from zhagen.text.sentences import garbled_sentences

    return garbled_sentences(body, spans)


def mojibake_problems(rec: RawRecord, cleaning: dict[str, Any]) -> list[Problem]:
    """A warning on ``rec`` for each mojibake run that cleaning flagged (``cleaning``: per
    field, what :meth:`Cleaner.field` reported), with its offset in the cleaned field and
    the run itself (see :func:`~zhagen.text.flags.mojibake_message`).

    >>> rec = RawRecord("a.txt", 3, "txt")
    >>> info = {"body": {"flags": [{"kind": "mojibake", "start": 5, "end": 8, "snippet": "?;诖"}]}}
    >>> (p,) = mojibake_problems(rec, info)
    >>> p.code, p.record, p.en.split(":")[0]
    ('mojibake', 3, 'garbled text (mojibake) at character 5 of the body')
    """
    out: list[Problem] = []
    for name in ("title", "abstract", "body"):
        for flag in cleaning.get(name, {}).get("flags", ()):
            if flag["kind"] == "mojibake":
                from zhagen.text.flags import mojibake_message

                zh, en = mojibake_message(name, flag["start"], flag["snippet"])
                out.append(Problem(rec.source, zh, en, "warning", "mojibake", rec.record))
    return out


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json's C encoder, made once: JSONEncoder.encode makes one per call, which is most of the
# ~3 µs it takes for a keyword dict (an import writes five JSON values per record). No
# check for reference cycles (markers=None): a record holds none.
_C_ENCODE = (
    c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None
    else None
)


def to_json(value: Any) -> str:
    """Compact JSON, exactly as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if _C_ENCODE is not None:
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


def prepare_batch(
    records: list[RawRecord],
) -> list[tuple[tuple[Any, ...], Sentences | None, list[Problem]]]:
    """Clean a batch of records (pure: plain data in, plain data out): each record's row,
    sentences and problems (its reader's, then what cleaning found)."""
    cl = cleaner()
    out = []
    for r in records:
        row, sentences, found = prepare_one(r, cl)
        out.append((row, sentences, r.problems + found))
    return out
