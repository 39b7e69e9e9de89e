"""Reading the documents to map: their years, titles and keywords (or texts), in chunks.

The SQL :func:`zhagen.map_input.map_input` reads a project through; the keywords of a
chunk come back as one JSON text per document, split at C speed by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from zhagen.store.db import Store, id_list_json

__all__ = [
    "map_rows",
    "map_keyword_chunks",
    "KeywordChunk",
    "map_entity_rows",
    "map_document_rows",
    "mapped_kinds",
]


def _scope_sql(doc_ids: Collection[int] | None, records_only: bool) -> tuple[str, list[Any]]:
    """The extra condition for a scope (document ids) and for mapping records only."""
    sql, args = "", []
    if doc_ids is not None:
        sql += " AND id IN (SELECT value FROM json_each(?))"
        args.append(id_list_json(doc_ids))
    if records_only:
        sql += " AND body IS NULL"
    return sql, args


def mapped_kinds(
    store: Store, *, keep_duplicates: bool, doc_ids: Collection[int] | None = None
) -> tuple[int, int]:
    """How many records (no body) and raw documents (a body) a map would read."""
    scope, args = _scope_sql(doc_ids, False)
    dup = "" if keep_duplicates else " AND dup_of IS NULL"
    row = store.conn.execute(
        "SELECT coalesce(sum(body IS NULL), 0), coalesce(sum(body IS NOT NULL), 0) "
        f"FROM documents WHERE 1{dup}{scope}",
        args,
    ).fetchone()
    return int(row[0]), int(row[1])


def map_rows(
    store: Store,
    *,
    keep_duplicates: bool,
    texts: bool,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
) -> Iterator[tuple[Any, int | None, str, str, int, str | None]]:
    """(id, year, title, keywords (JSON), has_body, text) of every document to map, as plain
    tuples read lazily (a million documents are not held at once).

    ``text`` (the body of a raw document, or title + abstract of a record) is read only with
    ``texts=True``; otherwise it is NULL except for raw documents, whose terms always come
    from their text. Reading no abstracts halves the time on a million records.
    ``doc_ids``: only these documents (a scope); ``records_only``: no raw documents.
    """
    text = (
        "CASE WHEN body IS NOT NULL THEN body ELSE title || char(10) || abstract END"
        if texts
        else "body"
    )
    scope, args = _scope_sql(doc_ids, records_only)
    sql = (
        f"SELECT id, year, title, keywords, body IS NOT NULL, {text} FROM documents WHERE 1"
        + ("" if keep_duplicates else " AND dup_of IS NULL")
        + scope
    )
    # Plain tuples, not sqlite3.Row: the caller unpacks them, and Row objects are both
    # slower to make and not plain data.
    cur = store.conn.cursor()
    cur.row_factory = None
    return iter(cur.execute(sql + " ORDER BY id", args))


@dataclass
class KeywordChunk:
    """Consecutive documents to map (by id), as plain data.

    ``keywords`` holds every document's stored keywords JSON (``{"zh": [...], "en": [...]}``,
    ``{}`` when it has none), in order, joined by line breaks. ``bodies`` maps the position
    of every raw document (one with a ``body``) to its body.
    """

    ids: list[int]
    years: list[int | None]
    titles: list[str]
    keywords: str
    bodies: dict[int, str]


#: Documents read per :class:`KeywordChunk`.
CHUNK = 65536
_SEP = "\x1f"  # between titles; a title holding it sends the chunk to the row-by-row path


def map_keyword_chunks(
    store: Store,
    *,
    keep_duplicates: bool,
    size: int | None = None,
    doc_ids: Collection[int] | None = None,
    records_only: bool = False,
    keywords: bool = True,
) -> Iterator[KeywordChunk]:
    """Every document to map, ``size`` (default :data:`CHUNK`) at a time, in id order.

    SQLite concatenates each column of a chunk into one string (``group_concat`` over the
    chunk's rows in id order), so Python receives a few strings per chunk instead of a
    million rows of tuples (building those tuples cost more than reading the pages). A
    chunk whose strings do not split back into exactly one piece per document (a title
    holding U+001F, a year that is not an integer) is read again row by row.
    ``doc_ids``: only these documents (a scope); ``records_only``: no raw documents;
    ``keywords=False``: every document's keywords read as ``{}`` (a map reading the entity
    tables needs only the ids, years and titles).
    """
    scope, scope_args = _scope_sql(doc_ids, records_only)
    dup = ("" if keep_duplicates else " AND dup_of IS NULL") + scope
    inner = f"FROM documents WHERE id > ?{dup} ORDER BY id LIMIT ?"
    sql = (
        "SELECT count(*), max(id), group_concat(id), group_concat(ifnull(year, 0)), "
        "group_concat(year IS NULL), group_concat(title, char(31)), "
        "group_concat(keywords, char(10)), sum(has_body) "
        f"FROM (SELECT id, year, title, {_keywords(keywords)} AS keywords, "
        f"body IS NOT NULL AS has_body {inner})"
    )
    size = size or CHUNK
    last = -(2**63)
    while True:
        n, top, *columns, n_bodies = store.conn.execute(sql, (last, *scope_args, size)).fetchone()
        if not n:
            return
        chunk = _split_chunk(n, *columns)
        if chunk is None:
            chunk = _chunk_rows(store, inner, (last, *scope_args, size), keywords)
        if n_bodies:
            chunk.bodies = _bodies(store, chunk.ids, dup, scope_args)
        yield chunk
        last = top


def _keywords(read: bool) -> str:
    """The keywords column, or ``'{}'`` in its place when it is not read."""
    return "keywords" if read else "'{}'"


def _split_chunk(
    n: int, ids: str, years: str, undated: str, titles: str, keywords: str
) -> KeywordChunk | None:
    """The chunk from its concatenated columns, or None when they do not split cleanly."""
    title_list = titles.split(_SEP)
    if len(title_list) != n or keywords.count("\n") != n - 1:
        return None
    id_arr, year_arr, null_arr = (_ints(t, n) for t in (ids, years, undated))
    if id_arr is None or year_arr is None or null_arr is None:
        return None
    if n > 1 and not (id_arr[1:] > id_arr[:-1]).all():  # not in id order
        return None
    year_list: list[int | None] = year_arr.tolist()
    for k in null_arr.nonzero()[0].tolist():
        year_list[k] = None
    return KeywordChunk(id_arr.tolist(), year_list, title_list, keywords, {})


def _ints(text: str, n: int) -> Any:
    """``n`` comma-separated integers as an int64 array (parsed in C), or None."""
    import warnings

    import numpy as np

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            arr = np.fromstring(text, dtype=np.int64, sep=",")
    except (ValueError, DeprecationWarning):
        return None
    return arr if arr.size == n else None


def _chunk_rows(
    store: Store, inner: str, params: tuple[Any, ...], keywords: bool = True
) -> KeywordChunk:
    sql = f"SELECT id, year, title, {_keywords(keywords)} {inner}"
    rows = store.conn.execute(sql, params).fetchall()
    return KeywordChunk(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        # a line break outside a JSON string is mere space; inside one it cannot occur
        "\n".join(r[3].replace("\n", " ") for r in rows),
        {},
    )


def _bodies(store: Store, ids: list[int], dup: str, args: list[Any]) -> dict[int, str]:
    pos = {doc_id: k for k, doc_id in enumerate(ids)}
    rows = store.conn.execute(
        f"SELECT id, body FROM documents WHERE id >= ? AND id <= ? AND body IS NOT NULL{dup}",
        (ids[0], ids[-1], *args),
    )
    return {pos[doc_id]: body for doc_id, body in rows if doc_id in pos}


def map_entity_rows(
    store: Store, *, keep_duplicates: bool, refs: bool, doc_ids: Collection[int] | None = None
) -> Iterator[tuple[int, int | None, str, str, str, str, str | None, str | None, str | None]]:
    """(id, year, title, format, authors JSON, affiliations JSON, cited references JSON or
    None, WoS ``C1`` lines as read or None, WoS ``WC`` or None) of every document to map
    (of ``doc_ids`` only, when given: the map's scope), in id order, as plain tuples read
    lazily. Cited references are read only with ``refs=True`` (they are most of a WoS
    record's bytes)."""
    cited = "cited_refs" if refs else "NULL"
    scope, args = _scope_sql(doc_ids, False)
    sql = (
        f"SELECT id, year, title, format, authors, affiliations, {cited}, "
        "CASE WHEN json_valid(extra) THEN json_extract(extra, '$.c1') END, "
        "CASE WHEN json_valid(extra) THEN json_extract(extra, '$.wc') END FROM documents"
        + " WHERE 1" + ("" if keep_duplicates else " AND dup_of IS NULL") + scope
        + " ORDER BY id"
    )  # fmt: skip
    cur = store.conn.cursor()
    cur.row_factory = None
    return iter(cur.execute(sql, args))


def map_document_rows(
    store: Store, *, keep_duplicates: bool, doc_ids: Collection[int] | None = None
) -> list[tuple[int, int | None, str, str]]:
    """(id, year, title, format) of every document to map (of ``doc_ids`` only, when
    given), in id order: what :func:`map_entity_rows` reads besides the fields the entity
    tables hold."""
    scope, args = _scope_sql(doc_ids, False)
    sql = (
        "SELECT id, year, title, format FROM documents WHERE 1"
        + ("" if keep_duplicates else " AND dup_of IS NULL") + scope + " ORDER BY id"
    )  # fmt: skip
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, args).fetchall()
