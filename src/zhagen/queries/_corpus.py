"""What every query reads: the documents' texts and sentences, for a set of documents.

``doc_ids`` is a collection of document ids, or ``None`` for every document (the scope's
``Scope.doc_ids``). Sentences are the stored ones (``Documents.sentences``); a document
whose sentences were never stored is split as ``Documents.sentences`` would split it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from zhagen.store import queries as sq
from zhagen.store.db import Store

__all__ = ["texts", "sentences", "sentences_of", "Sentence"]

#: (start, end, garbled): code points into the document's text, end exclusive.
Sentence = tuple[int, int, bool]


def texts(store: Store, doc_ids: Collection[int] | None) -> list[tuple[int, str]]:
    """(document id, cleaned text) in id order."""
    return list(sq.document_texts(store, None if doc_ids is None else list(doc_ids)))


def sentences(
    store: Store, docs: list[tuple[int, str]], *, stored: dict[int, list[Sentence]] | None = None
) -> dict[int, list[Sentence]]:
    """Each document's sentences (``stored``: already read from the project)."""
    from zhagen.text.sentences import garbled_sentences, split_sentences

    if stored is None:
        stored = sq.sentence_spans(store, [d for d, _t in docs])
    out: dict[int, list[Sentence]] = {}
    for doc, text in docs:
        found = stored.get(doc)
        if found is None:
            spans = split_sentences(text)
            flags = garbled_sentences(text, spans)
            found = [(s, e, g) for (s, e), g in zip(spans, flags, strict=True)]
        out[doc] = found
    return out


def sentences_of(store: Store) -> Callable[[int, str], list[Sentence]]:
    """A function giving one document's sentences (read when a query needs them)."""

    def of(doc: int, text: str) -> list[Sentence]:
        return sentences(store, [(doc, text)])[doc]

    return of
