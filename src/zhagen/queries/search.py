"""Text search (NVivo's Text Search query) and "code all hits".

A query is found literally (or as a regular expression with ``regex=True``, within a time
bound: :class:`zhagen.text.find.Finder`) in each document's cleaned text, by code points: no stemming, no segmentation, so ``创新`` finds
``创新`` inside ``创新联合体`` too. Each hit gives its document, its offsets (code points,
end exclusive, as codings take them), its sentence (``sentence`` numbered from 1 for
people; ``sentence_idx`` from 0 as ``zhagen code --sentence`` takes it), the sentence's text
and ``context`` characters each side. An empty match (``a*``) is no hit.

:func:`code_hits` codes every hit with one code in one undoable edit: the hit itself, its
sentence or its paragraph (the text between line breaks), each span once per document.

>>> r = search_texts([(1, "企业是创新主体。\\n政府支持创新。")], "创新", context=2)
>>> [(h.document, h.start, h.end, h.sentence, h.before, h.after) for h in r.hits]
[(1, 3, 5, 1, '业是', '主体'), (1, 13, 15, 2, '支持', '。')]
>>> search_texts([(1, "x")], "(", regex=True)
Traceback (most recent call last):
...
zhagen.errors.ParameterError: 正则表达式「(」有误（missing ) at position 1）；要按字面查找请去掉“正则表达式”选项（--regex） / the regular expression '(' is not valid (missing ) at position 1); to search the text as typed, drop the regular-expression option (--regex)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.text.find import MAX_QUERY, Finder

#: (document, text) → its (start, end, garbled) sentences.
SentencesOf = Callable[[int, str], Sequence[tuple[int, int, bool]]]

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.store.db import Store

__all__ = ["Hit", "SearchResult", "compile_query", "search_texts", "hit_spans", "code_hits",
           "HIT_COLUMNS", "MAX_QUERY"]  # fmt: skip

#: Columns of :meth:`SearchResult.frame`.
HIT_COLUMNS = ["document", "sentence", "sentence_idx", "start", "end", "text", "before",
               "after", "sentence_text"]  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """One hit: offsets are code points of the document's cleaned text."""

    document: int
    start: int
    end: int
    text: str
    sentence: int  # from 1, for people
    sentence_idx: int  # from 0, as the coding commands take it
    before: str
    after: str
    sentence_text: str


@dataclass
class SearchResult:
    """``hits`` (the first ``limit``), ``total`` hits, ``documents`` holding one."""

    query: str
    regex: bool
    total: int
    documents: int
    hits: list[Hit] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([asdict(h) for h in self.hits], columns=HIT_COLUMNS)

    def to_json(self) -> dict[str, Any]:
        return {"query": "search", "search": self.query, "regex": self.regex,
                "total": self.total, "documents": self.documents, "shown": len(self.hits),
                "hits": [asdict(h) for h in self.hits]}  # fmt: skip


def compile_query(query: str | None, *, regex: bool = False) -> Finder:
    """The finder of a query; a bilingual ParameterError for an empty or bad one."""
    return Finder(query, regex=regex)


def _sentence_at(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)


def search_texts(
    docs: Iterable[tuple[int, str]],
    query: str | None,
    *,
    regex: bool = False,
    context: int = 20,
    limit: int | None = 500,
    sentences_of: SentencesOf | None = None,
) -> SearchResult:
    """Find ``query`` in ``docs`` ((id, text) pairs); every hit counts, the first ``limit``
    are listed. ``sentences_of(doc, text)``: a document's (start, end, garbled) sentences,
    asked only for documents with a listed hit (default: split here)."""
    finder = compile_query(query, regex=regex)
    if context < 0:
        raise ParameterError(
            f"上下文字数 {context} 不能为负", f"context {context} cannot be negative"
        )
    hits: list[Hit] = []
    total = n_docs = 0
    for doc, text in docs:
        found = finder.spans(text)
        if not found:
            continue
        n_docs += 1
        total += len(found)
        room = len(found) if limit is None else max(0, limit - len(hits))
        if not room:
            continue
        spans = _spans(doc, text, sentences_of)
        starts = [s for s, _e, _g in spans]
        for start, end in found[:room]:
            i = _sentence_at(starts, start) if spans else 0
            s_start, s_end = (spans[i][0], spans[i][1]) if spans else (0, len(text))
            hits.append(Hit(doc, start, end, text[start:end], i + 1, i,
                            text[max(0, start - context):start], text[end:end + context],
                            text[s_start:s_end]))  # fmt: skip
    return SearchResult(query or "", regex, total, n_docs, hits)


def _spans(
    doc: int, text: str, sentences_of: SentencesOf | None
) -> Sequence[tuple[int, int, bool]]:
    if sentences_of is not None:
        return sentences_of(doc, text)
    from zhagen.text.sentences import split_sentences

    return [(s, e, False) for s, e in split_sentences(text)]


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The line(s) holding ``[start, end)``, without surrounding whitespace."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    b = len(text) if b < 0 else b
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else (start, end)


def hit_spans(
    docs: Iterable[tuple[int, str]],
    query: str | None,
    *,
    regex: bool = False,
    spread: str = "hit",
    sentences_of: SentencesOf | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """The spans "code all hits" codes, per document, each once, in order.

    >>> hit_spans([(1, "甲创新。乙创新创新。\\n丙")], "创新", spread="sentence")
    {1: [(0, 4), (4, 10)]}
    >>> hit_spans([(1, "甲创新。乙创新。\\n丙创新")], "创新", spread="paragraph")
    {1: [(0, 8), (9, 12)]}
    """
    from zhagen.queries.params import SPREADS

    if spread not in SPREADS:
        raise ParameterError(
            f"编码范围「{spread}」无效；可选 {'、'.join(SPREADS)}",
            f"code spread '{spread}' is not valid; use one of {', '.join(SPREADS)}",
        )
    finder = compile_query(query, regex=regex)
    out: dict[int, list[tuple[int, int]]] = {}
    for doc, text in docs:
        found = finder.spans(text)
        if not found:
            continue
        if spread == "sentence":
            spans = _spans(doc, text, sentences_of)
            starts = [s for s, _e, _g in spans]
            picked = set()
            for start, end in found:
                first, last = _sentence_at(starts, start), _sentence_at(starts, end - 1)
                picked.add((spans[first][0], spans[last][1]))
        elif spread == "paragraph":
            picked = {_paragraph(text, s, e) for s, e in found}
        else:
            picked = set(found)
        out[doc] = sorted(picked)
    return out


def code_hits(
    store: Store,
    spans: Mapping[int, Sequence[tuple[int, int]]],
    code: Any,
    *,
    coder: str = "default",
    description: tuple[str, str] = ("", ""),
) -> list[int]:
    """Code every span of ``spans`` (document → spans) with ``code`` in one undoable edit
    (one undo removes them all); return the coding ids (an existing identical coding is
    reused, as :meth:`zhagen.project.Codings.add` does)."""
    from zhagen.coding.engine import ensure_coder, resolve_code
    from zhagen.coding.history import edit
    from zhagen.store import coding as q

    if not any(spans.values()):
        raise ParameterError("没有命中，无可编码", "there are no hits to code")
    ids: list[int] = []
    with edit(store, "coding.add", "", actor=str(coder)) as e:
        krow = resolve_code(store, code)
        cid = ensure_coder(store, coder)
        for doc, doc_spans in spans.items():
            for start, end in doc_spans:
                found = q.find_coding(store, int(doc), start, end, krow["id"], cid)
                if found is None:
                    found = q.insert_coding(store, int(doc), start, end, krow["id"], cid)
                    e.created("codings", found)
                ids.append(found)
            q.freeze_document(store, int(doc))
        n = sum(len(s) for s in spans.values())
        zh, en = description
        e.payload = {"documents": sorted(int(d) for d in spans), "spans": n,
                     "code": krow["id"], "coder": cid}  # fmt: skip
        e.description = (
            f"把{zh}的 {n} 处（{len(spans)} 篇文档）编码为「{krow['name']}」 / "
            f"code {n} spans{en} in {len(spans)} documents as '{krow['name']}'"
        )
    return ids
