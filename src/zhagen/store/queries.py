"""What the NVivo-style queries (:mod:`zhagen.queries`) read: document texts, stored
sentences, codings and document groups, for a set of documents or all of them.

Every reader takes ``doc_ids`` (a collection of document ids, or ``None`` for every
document), passed as one JSON parameter so that any number of ids stays one statement.
Rows come back as plain tuples (these readers run over every document of a project).

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> list(document_texts(store, None)), coding_cells(store, [1])
([], [])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from zhagen.store.db import Store, id_list_json

__all__ = [
    "document_texts",
    "sentence_spans",
    "coding_cells",
    "group_values",
    "code_names",
    "document_titles",
]

#: A document's cleaned text as ``Documents.text`` gives it: the body of a raw document,
#: else the title, a blank line and the abstract (the title alone without an abstract).
_TEXT = (
    "CASE WHEN body IS NOT NULL THEN body "
    "WHEN COALESCE(abstract, '') != '' THEN title || char(10, 10) || abstract "
    "ELSE title END"
)


def _where(column: str, doc_ids: Collection[int] | None) -> tuple[str, list[Any]]:
    if doc_ids is None:
        return "", []
    return f" WHERE {column} IN (SELECT value FROM json_each(?))", [id_list_json(doc_ids)]


def document_texts(store: Store, doc_ids: Collection[int] | None) -> Iterator[tuple[int, str]]:
    """(id, cleaned text) of each document asked for (every one with ``None``), in id order."""
    where, params = _where("id", doc_ids)
    cur = store.conn.cursor()
    cur.row_factory = None
    for doc_id, text in cur.execute(f"SELECT id, {_TEXT} FROM documents{where} ORDER BY id",
                                    params):  # fmt: skip
        yield int(doc_id), text or ""


def sentence_spans(
    store: Store, doc_ids: Collection[int] | None, *, garbled: bool = True
) -> dict[int, list[tuple[int, ...]]]:
    """Stored sentences per document in order: (start, end, garbled 0/1), or (start, end)
    with ``garbled=False``; a document whose sentences were never stored is absent."""
    where, params = _where("document_id", doc_ids)
    cur = store.conn.cursor()
    cur.row_factory = None
    cols = 'start, "end", garbled' if garbled else 'start, "end"'
    sql = f"SELECT document_id, {cols} FROM sentences{where} ORDER BY document_id, idx"
    # one pass over the rows, grouped as they come (the reader of 100 000 sentences)
    return {doc: [r[1:] for r in group]
            for doc, group in groupby(cur.execute(sql, params), key=itemgetter(0))}  # fmt: skip


def coding_cells(
    store: Store, doc_ids: Collection[int] | None, coder_id: int | None = None
) -> list[tuple[int, int, int, int, int, str]]:
    """(coding id, document id, code id, start, end, coder name) of every coding in the
    documents asked for (of one coder, if given), in document order."""
    where, params = _where("c.document_id", doc_ids)
    if coder_id is not None:
        where += (" AND" if where else " WHERE") + " c.coder_id = ?"
        params.append(coder_id)
    cur = store.conn.cursor()
    cur.row_factory = None
    sql = ('SELECT c.id, c.document_id, c.code_id, c.start, c."end", k.name FROM codings c '
           f"JOIN coders k ON k.id = c.coder_id{where} "
           'ORDER BY c.document_id, c.start, c."end", c.id')  # fmt: skip
    return cur.execute(sql, params).fetchall()


#: Document fields a matrix's columns may group by (each document has one value).
_GROUP_FIELDS = {"type": "d.type", "year": "d.year", "source": "s.path"}


def group_values(store: Store, field: str) -> list[tuple[int, Any]]:
    """(document id, value) of a built-in grouping field: ``type``, ``year`` or ``source``
    (the file's path as listed by ``zhagen docs``)."""
    column = _GROUP_FIELDS[field]
    cur = store.conn.cursor()
    cur.row_factory = None
    sql = (f"SELECT d.id, {column} FROM documents d JOIN sources s ON s.id = d.source_id "
           "ORDER BY d.id")  # fmt: skip
    return [(int(i), v) for i, v in cur.execute(sql)]


def code_names(store: Store) -> dict[int, tuple[str, int | None]]:
    """code id → (name, parent id) of every code."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return {int(i): (str(n), p) for i, n, p in cur.execute("SELECT id, name, parent_id FROM codes")}


def document_titles(store: Store, doc_ids: Collection[int] | None) -> dict[int, str]:
    """document id → title of the documents asked for."""
    where, params = _where("id", doc_ids)
    cur = store.conn.cursor()
    cur.row_factory = None
    return {
        int(i): str(t or "")
        for i, t in cur.execute(f"SELECT id, title FROM documents{where}", params)
    }
