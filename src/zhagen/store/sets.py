"""Queries on document attributes and sets (the SQL of :mod:`zhagen.sets`).

Writers run inside the caller's transaction (the undoable edits of
:func:`zhagen.coding.history.edit`); lists of ids travel as one JSON parameter.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> with store.transaction():
...     sid = insert_set(store, "文献", "query", "type:journal")
>>> set_row(store, "文献")["kind"]
'query'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from zhagen.store.db import Store, id_list_json, now, one, rows

__all__ = [
    "attribute_row",
    "attribute_rows",
    "insert_attribute",
    "update_attribute",
    "value_rows",
    "value_ids",
    "set_values",
    "delete_values",
    "document_values",
    "document_fields",
    "set_row",
    "set_rows",
    "insert_set",
    "update_set",
    "member_ids",
    "member_row_ids",
    "insert_members",
    "delete_members",
    "existing_documents",
    "documents_titled",
    "count_all_documents",
]


# -- attributes --------------------------------------------------------------------------
def attribute_row(store: Store, name: str) -> dict[str, Any] | None:
    """One attribute (id, name, type, choices as JSON text, position), or None."""
    return one(store.conn.execute("SELECT * FROM attributes WHERE name = ?", (name,)))


def attribute_rows(store: Store) -> list[dict[str, Any]]:
    """Every attribute, in order, with how many documents have a value."""
    return rows(
        store.conn.execute(
            "SELECT a.*, (SELECT COUNT(*) FROM attribute_values v WHERE v.attribute_id = a.id) "
            "AS documents FROM attributes a ORDER BY a.position, a.id"
        )
    )


def insert_attribute(store: Store, name: str, kind: str, choices: Sequence[str]) -> int:
    pos = store.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM attributes").fetchone()
    cur = store.conn.execute(
        "INSERT INTO attributes(name, type, choices, position, created) VALUES (?, ?, ?, ?, ?)",
        (name, kind, json.dumps(list(choices), ensure_ascii=False), int(pos[0]), now()),
    )
    return int(cur.lastrowid or 0)


def update_attribute(store: Store, attr_id: int, *, choices: Sequence[str]) -> None:
    store.conn.execute(
        "UPDATE attributes SET choices = ? WHERE id = ?",
        (json.dumps(list(choices), ensure_ascii=False), attr_id),
    )


def value_rows(store: Store, attr_id: int, doc_ids: Iterable[int]) -> dict[int, int]:
    """Document id → the id of its value row of one attribute (documents with a value)."""
    return {
        int(d): int(i)
        for i, d in store.conn.execute(
            "SELECT id, document_id FROM attribute_values WHERE attribute_id = ? "
            "AND document_id IN (SELECT value FROM json_each(?))",
            (attr_id, id_list_json(doc_ids)),
        )
    }


def value_ids(store: Store, attr_id: int) -> list[int]:
    """The ids of every value row of one attribute."""
    sql = "SELECT id FROM attribute_values WHERE attribute_id = ?"
    return [int(r[0]) for r in store.conn.execute(sql, (attr_id,))]


def set_values(store: Store, attr_id: int, values: Iterable[tuple[int, Any]]) -> list[int]:
    """Set (document id, value) pairs of one attribute; return the ids of new rows."""
    new = []
    for doc_id, value in values:
        cur = store.conn.execute(
            "UPDATE attribute_values SET value = ? WHERE attribute_id = ? AND document_id = ?",
            (value, attr_id, doc_id),
        )
        if cur.rowcount == 0:
            ins = store.conn.execute(
                "INSERT INTO attribute_values(attribute_id, document_id, value) VALUES (?, ?, ?)",
                (attr_id, doc_id, value),
            )
            new.append(int(ins.lastrowid or 0))
    return new


def delete_values(store: Store, ids: Iterable[int]) -> None:
    store.conn.execute(
        "DELETE FROM attribute_values WHERE id IN (SELECT value FROM json_each(?))",
        (id_list_json(ids),),
    )


def document_values(store: Store, doc_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]:
    """(document id, attribute name, value) of every value (of the given documents)."""
    sql = (
        "SELECT v.document_id, a.name, v.value FROM attribute_values v "
        "JOIN attributes a ON a.id = v.attribute_id"
    )
    cur = store.conn.cursor()
    cur.row_factory = None
    if doc_ids is None:
        return list(cur.execute(sql + " ORDER BY v.document_id, a.position, a.id"))
    sql += " WHERE v.document_id IN (SELECT value FROM json_each(?))"
    return list(cur.execute(sql + " ORDER BY v.document_id, a.position", (id_list_json(doc_ids),)))


def document_fields(store: Store) -> list[tuple[Any, ...]]:
    """(id, title, type, year, venue, source file path) of every document, in id order."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return list(
        cur.execute(
            "SELECT d.id, d.title, d.type, d.year, d.venue, s.path FROM documents d "
            "JOIN sources s ON s.id = d.source_id ORDER BY d.id"
        )
    )


def existing_documents(store: Store, doc_ids: Iterable[int]) -> set[int]:
    """Which of ``doc_ids`` are documents of the project."""
    sql = "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))"
    return {int(r[0]) for r in store.conn.execute(sql, (id_list_json(doc_ids),))}


def documents_titled(store: Store, title: str) -> list[int]:
    """Ids of the documents with exactly this title (surrounding space ignored)."""
    sql = "SELECT id FROM documents WHERE trim(title) = ? ORDER BY id"
    return [int(r[0]) for r in store.conn.execute(sql, (title.strip(),))]


def count_all_documents(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


# -- sets --------------------------------------------------------------------------------
def set_row(store: Store, name: str) -> dict[str, Any] | None:
    """One set (id, name, kind, query, description, created, modified), or None."""
    return one(store.conn.execute("SELECT * FROM sets WHERE name = ?", (name,)))


def set_rows(store: Store) -> list[dict[str, Any]]:
    """Every set in order of creation, with the number of members of a static set."""
    return rows(
        store.conn.execute(
            "SELECT s.*, (SELECT COUNT(*) FROM set_members m WHERE m.set_id = s.id) AS members "
            "FROM sets s ORDER BY s.id"
        )
    )


def insert_set(store: Store, name: str, kind: str, query: str, description: str = "") -> int:
    ts = now()
    cur = store.conn.execute(
        "INSERT INTO sets(name, kind, query, description, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (name, kind, query, description, ts, ts),
    )
    return int(cur.lastrowid or 0)


def update_set(store: Store, set_id: int, **fields: Any) -> None:
    """Set some of name, kind, query, description (and ``modified``)."""
    allowed = {"name", "kind", "query", "description"}
    if set(fields) - allowed:
        raise ValueError(f"not a set field: {sorted(set(fields) - allowed)}")
    cols = [*fields, "modified"]
    assign = ", ".join(f"{c} = ?" for c in cols)
    store.conn.execute(f"UPDATE sets SET {assign} WHERE id = ?", (*fields.values(), now(), set_id))


def member_ids(store: Store, set_id: int) -> frozenset[int]:
    """The document ids of a static set's members."""
    sql = "SELECT document_id FROM set_members WHERE set_id = ?"
    return frozenset(int(r[0]) for r in store.conn.execute(sql, (set_id,)))


def member_row_ids(store: Store, set_id: int, doc_ids: Iterable[int] | None = None) -> list[int]:
    """The ids of a set's member rows (of the given documents only, if given)."""
    if doc_ids is None:
        sql = "SELECT id FROM set_members WHERE set_id = ?"
        return [int(r[0]) for r in store.conn.execute(sql, (set_id,))]
    sql = (
        "SELECT id FROM set_members WHERE set_id = ? "
        "AND document_id IN (SELECT value FROM json_each(?))"
    )
    return [int(r[0]) for r in store.conn.execute(sql, (set_id, id_list_json(doc_ids)))]


def insert_members(store: Store, set_id: int, doc_ids: Iterable[int]) -> list[int]:
    """Add documents to a static set (those already in it are left); ids of new rows."""
    before = store.conn.execute("SELECT coalesce(max(id), 0) FROM set_members").fetchone()[0]
    store.conn.execute(
        "INSERT OR IGNORE INTO set_members(set_id, document_id) SELECT ?, value FROM json_each(?)",
        (set_id, id_list_json(doc_ids)),
    )
    sql = "SELECT id FROM set_members WHERE id > ? AND set_id = ?"
    return [int(r[0]) for r in store.conn.execute(sql, (before, set_id))]


def delete_members(store: Store, ids: Iterable[int]) -> None:
    store.conn.execute(
        "DELETE FROM set_members WHERE id IN (SELECT value FROM json_each(?))",
        (id_list_json(ids),),
    )
