"""Queries on coders, codes, codings, memos, relations and the undo history.

The only module with SQL for grounded-theory coding. Writers expect to run inside the
caller's transaction (``with store.transaction(): ...``); the engine in
:mod:`zhagen.coding` wraps each user edit in one. Lists of ids are passed as one JSON
parameter (``IN (SELECT value FROM json_each(?))``), so any number of ids stays one
parameterised statement.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> with store.transaction():
...     cid = insert_code(store, name="政策支持", parent_id=None, level=1, color="#4e79a7")
>>> code_row(store, cid)["name"]
'政策支持'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from zhagen.store.db import Store, id_list_json, now, one, quote_ident, rows

__all__ = [
    "TABLE_COLUMNS",
    "ADDED_COLUMNS",
    "complete_rows",
    "coder_id",
    "insert_coder",
    "coder_rows",
    "code_row",
    "code_rows",
    "code_tuples",
    "code_ids_named",
    "document_ids_titled",
    "count_codes",
    "sibling_named",
    "insert_code",
    "update_code",
    "delete_rows",
    "next_position",
    "child_ids",
    "descendant_ids",
    "ancestor_ids",
    "code_counts",
    "code_counts_counted",
    "codes_version",
    "document_exists",
    "freeze_document",
    "find_coding",
    "insert_coding",
    "insert_codings",
    "coding_row",
    "coding_ids_of_codes",
    "coding_rows",
    "coding_tuples",
    "coding_columns",
    "code_names",
    "coder_names",
    "document_texts",
    "document_text",
    "coding_spans",
    "set_coding_code",
    "code_document_counts",
    "snapshot_rows",
    "apply_changes",
    "history_add",
    "history_clear_redo",
    "history_next",
    "history_mark",
    "history_rows",
]

#: Columns of the tables the undo log snapshots, primary key first.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "codes": tuple("id name parent_id level description color position created modified".split()),
    "codings": ("id", "document_id", "start", "end", "code_id", "coder_id", "created"),
    "memos": tuple("id target_type target_id title text type coder_id created modified".split()),
    "relations": ("id", "source_code_id", "target_code_id", "type", "description", "created"),
    "attributes": ("id", "name", "type", "choices", "position", "created"),
    "attribute_values": ("id", "attribute_id", "document_id", "value"),
    "sets": ("id", "name", "kind", "query", "description", "created", "modified"),
    "set_members": ("id", "set_id", "document_id"),
    "model_boxes": tuple("id code_id role tree_x tree_y paradigm_x paradigm_y".split()),
    # suggestions (issue 15): accepting, rejecting and editing one are undoable edits
    "suggestions": tuple(
        "id document_id start end sentence_idx code_id new_code score rank rationale quote "
        "source source_version params prompt_hash status coding_id decided_by created "
        "decided".split()
    ),
}
#: Columns a migration added to a snapshotted table, with the value every row had before:
#: an edit logged before the migration is undone and redone as if it had logged them.
ADDED_COLUMNS: dict[str, dict[str, Any]] = {"memos": {"type": ""}}


def complete_rows(table: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Logged rows of ``table`` with the columns added since they were logged."""
    added = ADDED_COLUMNS.get(table, {})
    return [{**added, **r} for r in rows]


#: Tables whose rows refer to rows of another (dependants first, parents after).
_DEPENDANTS = ("suggestions", "memos", "relations", "codings", "attribute_values", "set_members",
               "model_boxes")  # fmt: skip
_PARENTS = ("attributes", "sets")


def _table(table: str) -> str:
    if table not in TABLE_COLUMNS:
        raise ValueError(f"not a coding table: {table!r}")
    return quote_ident(table)


# -- coders ------------------------------------------------------------------------------
def coder_id(store: Store, name: str) -> int | None:
    """The id of the coder called ``name``, or None."""
    row = store.conn.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def insert_coder(store: Store, name: str) -> int:
    cur = store.conn.execute("INSERT INTO coders(name, created) VALUES (?, ?)", (name, now()))
    return int(cur.lastrowid or 0)


def coder_rows(store: Store) -> list[dict[str, Any]]:
    """Every coder: id, name, created."""
    return rows(store.conn.execute("SELECT id, name, created FROM coders ORDER BY id"))


# -- codes -------------------------------------------------------------------------------
_CODE_COLS = "id, name, parent_id, level, description, color, position, created, modified"


def code_row(store: Store, code_id: int) -> dict[str, Any] | None:
    """One code's columns (:data:`_CODE_COLS`), or None when there is no such code."""
    return one(store.conn.execute(f"SELECT {_CODE_COLS} FROM codes WHERE id = ?", (code_id,)))


def code_rows(store: Store) -> list[dict[str, Any]]:
    """Every code, ordered by parent, position and id."""
    return rows(
        store.conn.execute(
            f"SELECT {_CODE_COLS} FROM codes ORDER BY coalesce(parent_id, 0), position, id"
        )
    )


def code_tuples(store: Store) -> list[tuple[Any, ...]]:
    """Every code as a plain tuple of :data:`_CODE_COLS`, in :func:`code_rows`' order (the
    code list of a large tree without a dict per code)."""
    return _tuples(
        store, f"SELECT {_CODE_COLS} FROM codes ORDER BY coalesce(parent_id, 0), position, id"
    )


def code_ids_named(store: Store, name: str) -> list[int]:
    return [
        r[0] for r in store.conn.execute("SELECT id FROM codes WHERE name = ? ORDER BY id", (name,))
    ]


def count_codes(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM codes").fetchone()[0])


def sibling_named(store: Store, parent_id: int | None, name: str) -> int | None:
    """The id of the child of ``parent_id`` (None: a root) called ``name``, if any."""
    row = store.conn.execute(
        "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?, 0) AND name = ?",
        (parent_id, name),
    ).fetchone()
    return None if row is None else int(row[0])


def next_position(store: Store, parent_id: int | None) -> int:
    row = store.conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM codes WHERE coalesce(parent_id, 0) = coalesce(?, 0)",
        (parent_id,),
    ).fetchone()
    return int(row[0])


def insert_code(
    store: Store,
    *,
    name: str,
    parent_id: int | None,
    level: int | None,
    color: str,
    description: str = "",
    position: int | None = None,
) -> int:
    ts = now()
    if position is None:
        position = next_position(store, parent_id)
    cur = store.conn.execute(
        "INSERT INTO codes(name, parent_id, level, description, color, position, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (name, parent_id, level, description, color, position, ts, ts),
    )
    return int(cur.lastrowid or 0)


_CODE_FIELDS = ("name", "parent_id", "level", "description", "color", "position")


def update_code(store: Store, code_id: int, **fields: Any) -> None:
    """Set some of name, parent_id, level, description, color, position (and ``modified``)."""
    bad = set(fields) - set(_CODE_FIELDS)
    if bad:
        raise ValueError(f"not a code field: {sorted(bad)}")
    cols = [*fields, "modified"]
    sets = ", ".join(f"{quote_ident(c)} = ?" for c in cols)
    store.conn.execute(f"UPDATE codes SET {sets} WHERE id = ?", (*fields.values(), now(), code_id))


def delete_rows(store: Store, table: str, ids: Iterable[int]) -> None:
    """Delete rows of a coding table by id."""
    store.conn.execute(
        f"DELETE FROM {_table(table)} WHERE id IN (SELECT value FROM json_each(?))",
        (id_list_json(ids),),
    )


def child_ids(store: Store, code_ids: Iterable[int]) -> list[int]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM codes WHERE parent_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY position, id",
            (id_list_json(code_ids),),
        )
    ]


def descendant_ids(store: Store, code_id: int) -> list[int]:
    """All codes below ``code_id`` (not itself), parents before children."""
    sql = (
        "WITH RECURSIVE d(id, depth) AS (SELECT id, 1 FROM codes WHERE parent_id = ? "
        "UNION ALL SELECT c.id, d.depth + 1 FROM codes c JOIN d ON c.parent_id = d.id) "
        "SELECT id FROM d ORDER BY depth, id"
    )
    return [r[0] for r in store.conn.execute(sql, (code_id,))]


def ancestor_ids(store: Store, code_id: int) -> list[int]:
    """The codes above ``code_id`` (not itself), nearest first."""
    sql = (
        "WITH RECURSIVE a(id, depth) AS (SELECT parent_id, 1 FROM codes WHERE id = ? "
        "UNION ALL SELECT c.parent_id, a.depth + 1 FROM codes c JOIN a ON c.id = a.id) "
        "SELECT id FROM a WHERE id IS NOT NULL ORDER BY depth"
    )
    return [r[0] for r in store.conn.execute(sql, (code_id,))]


def code_counts(store: Store, coder_id: int | None = None) -> dict[int, int]:
    """code id → number of codings (of one coder when ``coder_id`` is given), read from
    ``code_counts``, which triggers keep current (migration 0017): ~10 000 rows, not a
    count of every coding."""
    if coder_id is None:
        sql = "SELECT code_id, SUM(n) FROM code_counts WHERE n > 0 GROUP BY code_id"
        return dict(_tuples(store, sql))
    sql = "SELECT code_id, n FROM code_counts WHERE coder_id = ? AND n > 0"
    return dict(_tuples(store, sql, (int(coder_id),)))


def code_counts_counted(store: Store) -> dict[tuple[int, int], int]:
    """(code id, coder id) → number of codings, counted from ``codings`` itself: what
    ``code_counts`` must hold (the tests compare the two)."""
    sql = "SELECT code_id, coder_id, COUNT(*) FROM codings GROUP BY code_id, coder_id"
    return {(k, c): n for k, c, n in _tuples(store, sql)}


def codes_version(store: Store) -> int:
    """A value that changes with every write to ``codes`` (any connection, any process;
    kept by triggers, migration 0017) and is rolled back with it: what a cache of the code
    tree's shape is keyed on."""
    row = store.conn.execute("SELECT value FROM table_versions WHERE name = 'codes'").fetchone()
    return int(row[0])


def _tuples(store: Store, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of a query as plain tuples (no ``sqlite3.Row``, no dict: the retrievals that
    return thousands of rows)."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params).fetchall()


# -- documents (the coding side of them) -------------------------------------------------
def document_ids_titled(store: Store, titles: Iterable[str]) -> dict[str, list[int]]:
    """Title → ids of the documents with exactly that title, for the titles asked (one
    query)."""
    found: dict[str, list[int]] = {}
    for doc_id, title in store.conn.execute(
        "SELECT id, title FROM documents WHERE title IN (SELECT value FROM json_each(?)) "
        "ORDER BY id",
        (json.dumps(sorted(set(titles)), ensure_ascii=False),),
    ):
        found.setdefault(title, []).append(int(doc_id))
    return found


#: A document's cleaned text, the text coding offsets point into: the body of a raw
#: document, else the title and the abstract after a blank line (the title alone when there
#: is no abstract); ``Documents.text`` in zhagen.project reads the same columns the same way.
_CLEANED_TEXT = (
    "CASE WHEN body IS NOT NULL THEN body "
    "WHEN abstract <> '' THEN title || char(10, 10) || abstract ELSE title END"
)


def document_texts(store: Store, document_ids: Iterable[int]) -> dict[int, str]:
    """Document id → cleaned text, for the documents asked that exist (one query however
    many)."""
    return dict(
        _tuples(
            store,
            f"SELECT id, {_CLEANED_TEXT} FROM documents "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (id_list_json(document_ids),),
        )
    )


#: At most this many code points of frozen texts are kept per connection (:func:`coded_texts`).
KEEP_TEXT_CHARS = 16 * 2**20


def coded_texts(store: Store, document_ids: Iterable[int]) -> dict[int, str]:
    """:func:`document_texts`, the texts of frozen documents kept on the store.

    A coded document's text is frozen (a trigger refuses to change it; migration 0002), so
    once read it stays right for as long as the document exists: a main category's
    retrieval reads the texts of up to every coded document (issue 18: ~40 % of its time),
    and a repeated one finds them kept. What could make a kept text wrong — a document
    deleted (its id then free for another) or unfrozen — changes ``table_versions``'
    ``documents`` value (triggers, migration 0019), which empties what is kept. Inside a
    transaction nothing is kept (its writes may yet be rolled back); at most
    :data:`KEEP_TEXT_CHARS` code points are kept.

    >>> import os, tempfile
    >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
    >>> coded_texts(store, [1])
    {}
    """
    if store.conn.in_transaction:
        return document_texts(store, document_ids)
    row = store.conn.execute("SELECT value FROM table_versions WHERE name = 'documents'").fetchone()
    kept = store.memo.get("coded_texts")
    if kept is None or row is None or kept[0] != row[0]:
        kept = (None if row is None else row[0], {}, [0])
        store.memo["coded_texts"] = kept
    texts, size = kept[1], kept[2]
    found, missing = {}, []
    for i in document_ids:
        text = texts.get(i)
        if text is None:
            missing.append(i)
        else:
            found[i] = text
    if not missing:
        return found
    rows = _tuples(
        store,
        f"SELECT id, {_CLEANED_TEXT}, frozen FROM documents "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (id_list_json(missing),),
    )
    for i, text, frozen in rows:
        found[i] = text
        if frozen and row is not None and size[0] + len(text) <= KEEP_TEXT_CHARS:
            texts[i] = text
            size[0] += len(text)
    return found


def document_text(store: Store, document_id: int) -> str | None:
    """One document's cleaned text (as :func:`document_texts`), or None when there is none."""
    row = store.conn.execute(
        f"SELECT {_CLEANED_TEXT} FROM documents WHERE id = ?", (int(document_id),)
    ).fetchone()
    return None if row is None else row[0]


def document_exists(store: Store, document_id: int) -> bool:
    row = store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row is not None


def freeze_document(store: Store, document_id: int) -> None:
    """Mark a document's text as frozen (it has codings)."""
    store.conn.execute(
        "UPDATE documents SET frozen = 1 WHERE id = ? AND frozen = 0", (document_id,)
    )


# -- codings -----------------------------------------------------------------------------
_CODING_SELECT = (
    'SELECT c.id, c.document_id, c.start, c."end", c.code_id, k.name AS code_name, '
    "k.level, c.coder_id, r.name AS coder, c.created "
    "FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id "
)


def find_coding(
    store: Store, document_id: int, start: int, end: int, code_id: int, coder_id: int
) -> int | None:
    row = store.conn.execute(
        'SELECT id FROM codings WHERE document_id = ? AND start = ? AND "end" = ? '
        "AND code_id = ? AND coder_id = ?",
        (document_id, start, end, code_id, coder_id),
    ).fetchone()
    return None if row is None else int(row[0])


def insert_coding(
    store: Store, document_id: int, start: int, end: int, code_id: int, coder_id: int
) -> int:
    cur = store.conn.execute(
        'INSERT INTO codings(document_id, start, "end", code_id, coder_id, created) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        (document_id, start, end, code_id, coder_id, now()),
    )
    return int(cur.lastrowid or 0)


def insert_codings(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Bulk insert (document_id, start, end, code_id, coder_id) rows, e.g. from an import.

    Not logged: the caller decides how the batch is recorded. One statement for the
    batch, not one per row: the triggers that keep ``code_counts`` make SQLite keep a
    statement journal for each statement that fires them (a temporary file past four
    pages), so it is paid once.
    """
    data = json.dumps([[int(v) for v in r[:5]] for r in rows])
    item = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(5))
    store.conn.execute(
        'INSERT INTO codings(document_id, start, "end", code_id, coder_id, created) '
        f"SELECT {item}, ? FROM json_each(?)",
        (now(), data),
    )


def coding_row(store: Store, coding_id: int) -> dict[str, Any] | None:
    """One coding with its code name, level and coder name, or None."""
    return one(store.conn.execute(_CODING_SELECT + "WHERE c.id = ?", (coding_id,)))


def coding_ids_of_codes(store: Store, code_ids: Iterable[int]) -> list[int]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM codings WHERE code_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (id_list_json(code_ids),),
        )
    ]


def coding_rows(
    store: Store,
    *,
    code_ids: Iterable[int] | None = None,
    document_id: int | None = None,
    coder_id: int | None = None,
    coding_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Codings with their code name, level and coder name, filtered, in document order."""
    where, params = [], []
    if code_ids is not None:
        where.append("c.code_id IN (SELECT value FROM json_each(?))")
        params.append(id_list_json(code_ids))
    if coding_ids is not None:
        where.append("c.id IN (SELECT value FROM json_each(?))")
        params.append(id_list_json(coding_ids))
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(document_id)
    if coder_id is not None:
        where.append("c.coder_id = ?")
        params.append(coder_id)
    sql = _CODING_SELECT + (f"WHERE {' AND '.join(where)} " if where else "")
    sql += 'ORDER BY c.document_id, c.start, c."end", c.id'
    return rows(store.conn.execute(sql, params))


def coding_tuples(
    store: Store,
    *,
    code_ids: Iterable[int] | None = None,
    descendants: bool = False,
    document_id: int | None = None,
    coder_id: int | None = None,
    coding_ids: Iterable[int] | None = None,
    ordered: bool = True,
) -> list[tuple[Any, ...]]:
    """Codings as plain tuples (id, document_id, start, end, code_id, coder_id, created),
    filtered, in document order (in no order with ``ordered=False``: a caller that sorts
    columns itself saves SQLite's sorter), in one statement.

    ``descendants``: the codes ``code_ids`` and every code below them (a recursive query
    over ``codes.parent_id``, not a list of ids made beforehand). The codings of the codes
    are read from the index ``codings_code`` alone, which holds every column returned
    (migration 0014), so no coding costs a table lookup. Code and coder names are not joined
    here: a caller maps the few distinct ids (:func:`code_names`, :func:`coder_names`),
    which costs less than two lookups per coding.
    """
    cte, where, params = _coding_filter(code_ids, descendants, document_id, coder_id, coding_ids)
    sql = (
        f'{cte}SELECT c.id, c.document_id, c.start, c."end", c.code_id, c.coder_id, c.created '
        f"FROM codings c {where}"
        + ('ORDER BY c.document_id, c.start, c."end", c.id' if ordered else "")
    )
    return _tuples(store, sql, params)


def _coding_filter(
    code_ids: Iterable[int] | None,
    descendants: bool,
    document_id: int | None,
    coder_id: int | None,
    coding_ids: Iterable[int] | None,
) -> tuple[str, str, list[Any]]:
    """(WITH clause, WHERE clause, parameters) that select the codings of
    :func:`coding_tuples` from ``codings c``."""
    where: list[str] = []
    params: list[Any] = []
    cte = ""
    if code_ids is not None:
        params.append(id_list_json(code_ids))
        if descendants:
            cte = (
                "WITH RECURSIVE sub(id) AS (SELECT value FROM json_each(?) UNION "
                "SELECT k.id FROM codes k JOIN sub ON k.parent_id = sub.id) "
            )
            codes = "sub"
        else:
            codes = "(SELECT value FROM json_each(?))"
        by_coder = ""
        if coder_id is not None:
            by_coder = " AND c.coder_id = ?"
            params.append(int(coder_id))
        where.append(f"c.code_id IN {codes}{by_coder}")
    elif coder_id is not None:
        where.append("c.coder_id = ?")
        params.append(int(coder_id))
    if coding_ids is not None:
        where.append("c.id IN (SELECT value FROM json_each(?))")
        params.append(id_list_json(coding_ids))
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(int(document_id))
    return cte, (f"WHERE {' AND '.join(where)} " if where else ""), params


#: Separates the ``created`` values of :func:`coding_columns` (a control character no
#: timestamp holds; a value that holds one sends the caller back to rows).
_UNIT = "\x1f"


def coding_columns(
    store: Store,
    *,
    code_ids: Iterable[int] | None = None,
    descendants: bool = False,
    document_id: int | None = None,
    coder_id: int | None = None,
    coding_ids: Iterable[int] | None = None,
) -> tuple[Any, list[str]] | None:
    """The codings of :func:`coding_tuples` (in no order) as columns: an int64 array of
    shape (6, n) — id, document_id, start, end, code_id, coder_id — and the ``created``
    values; None when they cannot be read so (a ``created`` that holds the separator, a
    number that is not an integer): then read :func:`coding_tuples`.

    Why: one row per coding costs Python a tuple and seven objects, ~60 % of reading a main
    category's 22,000 codings (issue 18). Here SQLite joins each column into one string in
    the same scan (every aggregate of a query sees the rows in the same order, and no value
    is NULL: every column is NOT NULL) and numpy parses the numbers, without an object per
    value. Measured on that category: 18 ms against 38 ms for the rows.

    >>> import os, tempfile
    >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
    >>> coding_columns(store)[0].shape
    (6, 0)
    """
    import numpy as np

    cte, where, params = _coding_filter(code_ids, descendants, document_id, coder_id, coding_ids)
    sql = (
        f"{cte}SELECT count(*), group_concat(c.id), group_concat(c.document_id), "
        'group_concat(c.start), group_concat(c."end"), group_concat(c.code_id), '
        f"group_concat(c.coder_id), group_concat(c.created, char(31)) FROM codings c {where}"
    )
    n, *numbers, created = _tuples(store, sql, params)[0]
    if not n:
        return np.zeros((6, 0), dtype=np.int64), []
    try:
        columns = np.array([np.fromstring(x, dtype=np.int64, sep=",") for x in numbers])
    except ValueError:  # a value stored as text or a float by hand
        return None
    dates = created.split(_UNIT)
    if columns.shape != (6, n) or len(dates) != n:
        return None
    return columns, dates


def code_names(store: Store, code_ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """Code id → (name, level) of the codes asked (one query)."""
    return {
        r[0]: (r[1], r[2])
        for r in _tuples(
            store,
            "SELECT id, name, level FROM codes WHERE id IN (SELECT value FROM json_each(?))",
            (id_list_json(code_ids),),
        )
    }


def coder_names(store: Store) -> dict[int, str]:
    """Coder id → name, of every coder (a handful)."""
    return dict(_tuples(store, "SELECT id, name FROM coders"))


def coding_spans(
    store: Store, coder_id: int | None = None, doc_ids: Iterable[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """(document_id, start, end, code_id) of every coding (in ``doc_ids``), in document order."""
    docs = None if doc_ids is None else id_list_json(doc_ids)
    rows = store.conn.execute(
        'SELECT document_id, start, "end", code_id FROM codings '
        "WHERE (? IS NULL OR coder_id = ?) "
        "AND (? IS NULL OR document_id IN (SELECT value FROM json_each(?))) "
        'ORDER BY document_id, start, "end"',
        (coder_id, coder_id, docs, docs),
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def set_coding_code(store: Store, coding_ids: Iterable[int], code_id: int) -> None:
    store.conn.execute(
        "UPDATE codings SET code_id = ? WHERE id IN (SELECT value FROM json_each(?))",
        (code_id, id_list_json(coding_ids)),
    )


def code_document_counts(store: Store, coder_id: int | None = None) -> list[dict[str, Any]]:
    """code_id, document_id, n for every code and document with codings."""
    return rows(
        store.conn.execute(
            "SELECT code_id, document_id, COUNT(*) AS n FROM codings "
            "WHERE (? IS NULL OR coder_id = ?) GROUP BY code_id, document_id",
            (coder_id, coder_id),
        )
    )


# -- snapshots for undo/redo -------------------------------------------------------------
def snapshot_rows(store: Store, table: str, ids: Iterable[int]) -> list[dict[str, Any]]:
    """Full rows (as dicts, all columns) of a coding table, by id, ordered by id."""
    select = _SNAPSHOT_SQL.get(table)
    if select is None:
        cols = ", ".join(quote_ident(c) for c in TABLE_COLUMNS[table])
        select = _SNAPSHOT_SQL[table] = f"SELECT {cols} FROM {_table(table)} WHERE id "
    ids = list(ids)
    if len(ids) == 1:  # the row of a one-row edit (a coding): no JSON list to build and read
        rows = store.conn.execute(select + "= ?", (int(ids[0]),))
    else:
        rows = store.conn.execute(
            select + "IN (SELECT value FROM json_each(?)) ORDER BY id", (id_list_json(ids),)
        )
    return [dict(r) for r in rows]


#: table → the start of its snapshot query (made once)
_SNAPSHOT_SQL: dict[str, str] = {}


def _restore(store: Store, table: str, rows: Sequence[Mapping[str, Any]], ids: set[int]) -> None:
    """Update (``id`` in ``ids``: the row exists) or insert each row with its id."""
    cols = TABLE_COLUMNS[table]
    name = _table(table)
    sets = ", ".join(f"{quote_ident(c)} = ?" for c in cols[1:])
    insert = (
        f"INSERT INTO {name} ({', '.join(quote_ident(c) for c in cols)}) "
        f"VALUES ({', '.join('?' for _ in cols)})"
    )
    for row in rows:
        values = [row[c] for c in cols]
        if int(row["id"]) in ids:
            store.conn.execute(f"UPDATE {name} SET {sets} WHERE id = ?", (*values[1:], values[0]))
        else:
            store.conn.execute(insert, values)


def _parents_first(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Codes ordered so that a parent among ``rows`` comes before its children."""
    by_id = {int(r["id"]): r for r in rows}
    out: list[Mapping[str, Any]] = []
    done: set[int] = set()
    for start in sorted(by_id):
        chain, cid = [], start
        while cid in by_id and cid not in done:
            chain.append(cid)
            done.add(cid)
            parent = by_id[cid]["parent_id"]
            cid = -1 if parent is None else int(parent)
        out.extend(by_id[c] for c in reversed(chain))
    return out


def apply_changes(
    store: Store,
    changes: Mapping[str, tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]],
) -> None:
    """Turn rows into other rows: ``{table: (current rows, target rows)}``, matched by id.

    Rows only in ``current`` are deleted, rows in both are updated in place (so nothing that
    refers to them is disturbed), rows only in ``target`` are inserted with their ids. The
    order keeps every foreign key valid after every statement: dependants are deleted
    first, codes are inserted parents first, and codes are deleted last. A change that
    would break a reference raises ``sqlite3.IntegrityError``.
    """
    plan = {}
    for table in TABLE_COLUMNS:
        current, target = changes.get(table, ([], []))
        cur_ids = {int(r["id"]) for r in current}
        tgt_ids = {int(r["id"]) for r in target}
        plan[table] = (cur_ids - tgt_ids, cur_ids, list(target))
    for table in _DEPENDANTS:
        delete_rows(store, table, plan[table][0])
    gone, code_ids, codes = plan["codes"]
    _restore(store, "codes", _parents_first([r for r in codes if r["id"] not in code_ids]), set())
    _restore(store, "codes", [r for r in codes if r["id"] in code_ids], code_ids)
    for table in _PARENTS:
        _restore(store, table, plan[table][2], plan[table][1])
    for table in reversed(_DEPENDANTS):
        _restore(store, table, plan[table][2], plan[table][1])
    delete_rows(store, "codes", gone)
    for table in _PARENTS:
        delete_rows(store, table, plan[table][0])


# -- history -----------------------------------------------------------------------------
def history_add(store: Store, log_id: int, actor: str) -> None:
    store.conn.execute(
        "INSERT INTO history(log_id, actor, undone) VALUES (?, ?, 0)", (log_id, actor)
    )


def history_clear_redo(store: Store) -> None:
    """Forget the undone entries: a new edit makes them impossible to redo."""
    store.conn.execute("DELETE FROM history WHERE undone = 1")


def history_next(store: Store, *, redo: bool, actor: str | None = None) -> dict[str, Any] | None:
    """The entry to undo next (newest not undone) or to redo next (undone most recently),
    of one actor or of anyone, with its log columns."""
    who = "" if actor is None else "AND h.actor = ? "
    order = "h.undo_log DESC" if redo else "h.log_id DESC"
    # undone written as a literal: only then may SQLite use the partial index history_redone
    sql = (
        "SELECT l.id, l.ts, l.actor, l.action, l.payload, l.undo "
        "FROM history h JOIN log l ON l.id = h.log_id "
        f"WHERE h.undone = {int(redo)} {who}ORDER BY {order} LIMIT 1"
    )
    params: tuple[Any, ...] = () if actor is None else (actor,)
    return one(store.conn.execute(sql, params))


def history_mark(store: Store, log_id: int, *, undo_log: int | None) -> None:
    """Mark an entry undone by the log entry ``undo_log``, or (None) redone."""
    store.conn.execute(
        "UPDATE history SET undone = ?, undo_log = ? WHERE log_id = ?",
        (int(undo_log is not None), undo_log, log_id),
    )


def history_rows(
    store: Store, *, actor: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Undoable edits, newest first: log id, time, actor, action, payload, undone (of one
    actor only, when given; the first ``limit``)."""
    return rows(
        store.conn.execute(
            "SELECT l.id, l.ts, l.actor, l.action, l.payload, h.undone FROM history h "
            "JOIN log l ON l.id = h.log_id WHERE (? IS NULL OR h.actor = ?) "
            "ORDER BY h.log_id DESC LIMIT ?",  # h's key, not l.id: SQLite then scans h from
            # the newest entry and stops at the limit, instead of the whole log
            (actor, actor, -1 if limit is None else int(limit)),
        )
    )


# -- owners (the access policy asks: one row, or one aggregate, per question) -------------
def coding_owner(store: Store, coding_id: int) -> str | None:
    """The coder name of a coding; None when there is no such coding."""
    row = store.conn.execute(
        "SELECT r.name FROM codings c JOIN coders r ON r.id = c.coder_id WHERE c.id = ?",
        (int(coding_id),),
    ).fetchone()
    return None if row is None else str(row[0])


def coders_of_codings(store: Store, coding_ids: Iterable[int]) -> set[str]:
    """The coder names of the given codings."""
    return {
        str(r[0])
        for r in store.conn.execute(
            "SELECT DISTINCT r.name FROM codings c JOIN coders r ON r.id = c.coder_id "
            "WHERE c.id IN (SELECT value FROM json_each(?))",
            (id_list_json(coding_ids),),
        )
    }


def coders_touching_codes(store: Store, code_ids: Iterable[int]) -> set[str]:
    """Coders whose work hangs on these codes: the coders of their codings and of the memos
    on the codes, on those codings and on the codes' relations."""
    ids = id_list_json(code_ids)
    sql = (
        "WITH k(id) AS (SELECT value FROM json_each(?)), "
        "c(id, coder_id) AS (SELECT id, coder_id FROM codings WHERE code_id IN k), "
        "rel(id) AS (SELECT id FROM relations WHERE source_code_id IN k OR target_code_id IN k) "
        "SELECT r.name FROM coders r WHERE r.id IN (SELECT coder_id FROM c) OR r.id IN ("
        "SELECT coder_id FROM memos WHERE coder_id IS NOT NULL AND ("
        "(target_type = 'code' AND target_id IN k) OR "
        "(target_type = 'coding' AND target_id IN (SELECT id FROM c)) OR "
        "(target_type = 'relation' AND target_id IN rel)))"
    )
    return {str(r[0]) for r in store.conn.execute(sql, (ids,))}
