"""Entity tables (migration ``0013_entities``): distinct entities and document–entity links.

``entity_kinds`` records, per kind, the normalisation version its links were made with, the
hash of a thesaurus applied while deriving (``''``: none) and ``upto``, the highest document
id whose links exist; ``entity_stale`` lists documents changed or deleted since (filled by
triggers). ``entities`` holds each kind's distinct labels with integer ids;
``doc_entities`` links a document to an entity at a position, with a role (keywords: the
language side). Everything here is plain SQL over plain data; what an entity *is* is
decided by :mod:`zhagen.entity_tables`.

Large reads come back as comma-separated integers that SQLite concatenates
(``group_concat``), parsed by numpy in C: a million links are one string, not a million
tuples.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from zhagen.store.db import Store, id_list_json

__all__ = [
    "KindState",
    "kind_state",
    "delete_kind",
    "set_upto",
    "max_document_id",
    "stale_documents",
    "has_stale",
    "delete_stale",
    "delete_links",
    "keyword_json_chunks",
    "FIELDS",
    "field_of",
    "field_after",
    "entity_ids",
    "next_entity_id",
    "insert_entities",
    "insert_links",
    "link_chunk",
    "labels_of",
    "entities_after",
    "max_entity_id",
    "insert_parts",
    "part_rows",
    "delete_all_stale",
    "part_labels",
    "ids_of_labels",
]


@dataclass(frozen=True)
class KindState:
    """What is derived of one kind: its id, normalisation version, thesaurus hash and
    ``upto`` (every document with an id up to it has its links)."""

    id: int
    version: int
    thesaurus: str
    upto: int


def kind_state(store: Store, name: str) -> KindState | None:
    """The state of kind ``name`` (None: never derived)."""
    row = store.conn.execute(
        "SELECT id, version, thesaurus, upto FROM entity_kinds WHERE name = ?", (name,)
    ).fetchone()
    return None if row is None else KindState(int(row[0]), int(row[1]), str(row[2]), int(row[3]))


def delete_kind(store: Store, name: str, version: int, thesaurus: str = "") -> KindState:
    """Forget every entity and link of kind ``name`` and start it again at ``version``
    (inside the caller's transaction)."""
    conn = store.conn
    old = kind_state(store, name)
    if old is not None:
        conn.execute("DELETE FROM doc_entities WHERE kind = ?", (old.id,))
        conn.execute("DELETE FROM entity_stale WHERE kind = ?", (old.id,))
        conn.execute("DELETE FROM entities WHERE kind = ?", (old.id,))
        conn.execute("DELETE FROM entity_parts WHERE kind = ?", (old.id,))
        conn.execute(
            "UPDATE entity_kinds SET version = ?, thesaurus = ?, upto = 0 WHERE id = ?",
            (version, thesaurus, old.id),
        )
        return KindState(old.id, version, thesaurus, 0)
    cur = conn.execute(
        "INSERT INTO entity_kinds(name, version, thesaurus, upto) VALUES (?, ?, ?, 0)",
        (name, version, thesaurus),
    )
    return KindState(int(cur.lastrowid or 0), version, thesaurus, 0)


def set_upto(store: Store, kind: int, upto: int) -> None:
    """Record that every document up to id ``upto`` has its links of ``kind``."""
    store.conn.execute("UPDATE entity_kinds SET upto = ? WHERE id = ?", (upto, kind))


def max_document_id(store: Store) -> int:
    """The highest document id (0 for an empty project)."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0])


def stale_documents(store: Store, kind: int) -> list[int]:
    """Documents of ``kind`` whose fields changed (or that were deleted) after their links
    were made."""
    rows = store.conn.execute(
        "SELECT doc_id FROM entity_stale WHERE kind = ? ORDER BY doc_id", (kind,)
    )
    return [int(r[0]) for r in rows]


def has_stale(store: Store, kind: int) -> bool:
    """Whether any document of ``kind`` is stale (see :func:`stale_documents`)."""
    row = store.conn.execute("SELECT 1 FROM entity_stale WHERE kind = ? LIMIT 1", (kind,))
    return row.fetchone() is not None


def delete_stale(store: Store, kind: int, doc_ids: Collection[int]) -> None:
    """The links of ``doc_ids`` are gone (their new links are added by the caller)."""
    conn = store.conn
    args = (kind, id_list_json(doc_ids))
    conn.execute(
        "DELETE FROM doc_entities WHERE kind = ?1 AND doc_id IN (SELECT value FROM json_each(?2))",
        args,
    )
    conn.execute(
        "DELETE FROM entity_stale WHERE kind = ?1 AND doc_id IN (SELECT value FROM json_each(?2))",
        args,
    )


def delete_links(store: Store, kind: int, after: int) -> None:
    """Links of ``kind`` of documents with an id above ``after`` (a derivation that is
    redone from there)."""
    store.conn.execute("DELETE FROM doc_entities WHERE kind = ? AND doc_id > ?", (kind, after))


def keyword_json_chunks(store: Store, after: int, size: int) -> Iterator[tuple[int, int, str, str]]:
    """(count, highest id, ids, keywords JSON joined by line breaks) of the documents with an
    id above ``after``, ``size`` at a time, in id order (every document, duplicates too)."""
    sql = (
        "SELECT count(*), max(id), group_concat(id), group_concat(keywords, char(10)) "
        "FROM (SELECT id, keywords FROM documents WHERE id > ? ORDER BY id LIMIT ?)"
    )
    while True:
        n, top, ids, joined = store.conn.execute(sql, (after, size)).fetchone()
        if not n:
            return
        yield int(n), int(top), ids, joined
        after = int(top)


#: The stored field each kind is derived from (an SQL expression over ``documents``).
FIELDS = {
    "keyword": "keywords",
    "author": "authors",
    "affiliation": "affiliations",
    "cited": "cited_refs",
    "c1": "CASE WHEN json_valid(extra) THEN json_extract(extra, '$.c1') END",
    "wc": "CASE WHEN json_valid(extra) THEN json_extract(extra, '$.wc') END",
}


def field_of(store: Store, name: str, doc_ids: Collection[int]) -> list[tuple[int, Any]]:
    """(id, field of kind ``name``) of those of ``doc_ids`` that exist, in id order."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(
        f"SELECT id, {FIELDS[name]} FROM documents WHERE id IN (SELECT value FROM json_each(?)) "
        "ORDER BY id",
        (id_list_json(doc_ids),),
    ).fetchall()


def field_after(
    store: Store, name: str, after: int, size: int | None = None
) -> list[tuple[int, Any]]:
    """(id, field of kind ``name``) of the documents with an id above ``after``, in id
    order, at most ``size`` of them (None: all)."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(
        f"SELECT id, {FIELDS[name]} FROM documents WHERE id > ? ORDER BY id LIMIT ?",
        (after, -1 if size is None else size),
    ).fetchall()


def entity_ids(store: Store, kind: int) -> dict[str, int]:
    """Every entity of ``kind``: label → id."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return dict(cur.execute("SELECT label, id FROM entities WHERE kind = ?", (kind,)))


def next_entity_id(store: Store) -> int:
    """The id the next new entity gets."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM entities").fetchone()[0])


def insert_entities(
    store: Store, kind: int, labels: list[str], first: int | None = None
) -> list[int]:
    """Insert new ``labels`` (not yet in ``kind``) with ids from ``first`` (default
    :func:`next_entity_id`) and return their ids, in order."""
    if not labels:
        return []
    first = next_entity_id(store) if first is None else first
    ids = list(range(first, first + len(labels)))
    store.conn.executemany(
        f"INSERT INTO entities(id, kind, label) VALUES (?, {int(kind)}, ?)",
        zip(ids, labels, strict=True),
    )
    return ids


def insert_links(store: Store, kind: int, rows: Iterable[tuple[int, int, int, int]]) -> None:
    """Insert links ``(doc_id, pos, role, entity_id)`` of ``kind``."""
    store.conn.executemany(
        # the kind written into the statement: one parameter fewer to bind per link
        f"INSERT INTO doc_entities(kind, doc_id, pos, role, entity_id) VALUES ({int(kind)}, "
        "?, ?, ?, ?)",
        rows,
    )


def link_chunk(
    store: Store,
    kind: int,
    low: int,
    high: int,
    roles: Collection[int] | None = None,
    doc_ids: Collection[int] | None = None,
) -> tuple[int, str, str]:
    """(count, doc ids, entity ids) of the links of ``kind`` of documents ``low``..``high``
    (inclusive), as comma-separated integers in (document, position) order; only the
    ``roles`` given (None: all) and only ``doc_ids`` (a scope; None: all)."""
    sql = (
        "SELECT count(*), group_concat(doc_id), group_concat(entity_id) FROM (SELECT doc_id, "
        "entity_id FROM doc_entities WHERE kind = ? AND doc_id BETWEEN ? AND ?"
    )
    args: list[Any] = [kind, low, high]
    if roles is not None:
        sql += f" AND role IN ({','.join(str(int(r)) for r in roles)})"
    if doc_ids is not None:
        sql += " AND doc_id IN (SELECT value FROM json_each(?))"
        args.append(id_list_json(doc_ids))
    n, docs, ents = store.conn.execute(sql + " ORDER BY doc_id, pos)", args).fetchone()
    return int(n), docs or "", ents or ""


#: Labels are joined by this character when read at once; a label holding it sends the
#: read to the row-by-row path.
_SEP = "\x1f"


def labels_of(
    store: Store, kind: int, ids: Collection[int] | None = None
) -> tuple[list[int], list[str]]:
    """(ids, labels) of the entities ``ids`` of ``kind`` (None: all of them), in id order."""
    where, args = "kind = ?", [kind]
    if ids is not None:
        where += " AND id IN (SELECT value FROM json_each(?))"
        args.append(id_list_json(ids))
    return _id_labels(store, f"SELECT id, label FROM entities WHERE {where} ORDER BY id", args)


def _id_labels(store: Store, rows: str, args: list[Any]) -> tuple[list[int], list[str]]:
    """(ids, labels) of the query ``rows`` (columns ``id``, ``label``), read at once as
    two strings SQLite joins, or row by row when a label holds the separator."""
    conn = store.conn
    n, id_text, joined, bad = conn.execute(
        "SELECT count(*), group_concat(id), group_concat(label, char(31)), "
        f"sum(instr(label, char(31)) > 0) FROM ({rows})",
        args,
    ).fetchone()
    if not n:
        return [], []
    if not bad:
        labels = joined.split(_SEP)
        if len(labels) == n:
            return [int(i) for i in id_text.split(",")], labels
    cur = conn.cursor()
    cur.row_factory = None
    got = cur.execute(rows, args).fetchall()
    return [int(i) for i, _ in got], [str(label) for _, label in got]


def entities_after(store: Store, kind: int, after: int, size: int) -> list[tuple[int, str]]:
    """(id, label) of the entities of ``kind`` with an id above ``after``, in id order, at
    most ``size`` of them."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(
        "SELECT id, label FROM entities WHERE kind = ? AND id > ? ORDER BY id LIMIT ?",
        (kind, after, size),
    ).fetchall()


def max_entity_id(store: Store, kind: int) -> int:
    """The highest entity id of ``kind`` (0: none)."""
    row = store.conn.execute(
        "SELECT coalesce(max(id), 0) FROM entities WHERE kind = ?", (kind,)
    ).fetchone()
    return int(row[0])


def insert_parts(store: Store, kind: int, rows: Iterable[tuple[int, int, int]]) -> None:
    """Insert parts ``(role, entity_id, part_id)`` of the derived ``kind``."""
    store.conn.executemany(
        f"INSERT INTO entity_parts(kind, role, entity_id, part_id) VALUES ({int(kind)}, ?, ?, ?)",
        rows,
    )


def part_rows(
    store: Store, kind: int, role: int, entity_ids: Collection[int] | None = None
) -> tuple[int, str, str]:
    """(count, entity ids, part ids) of the parts ``role`` of the derived ``kind``, as
    comma-separated integers in entity order; of ``entity_ids`` only (None: all)."""
    sql = (
        "SELECT count(*), group_concat(entity_id), group_concat(part_id) FROM (SELECT "
        "entity_id, part_id FROM entity_parts WHERE kind = ? AND role = ?"
    )
    args: list[Any] = [kind, role]
    if entity_ids is not None:
        sql += " AND entity_id IN (SELECT value FROM json_each(?))"
        args.append(id_list_json(entity_ids))
    n, ents, parts = store.conn.execute(sql + " ORDER BY entity_id, part_id)", args).fetchone()
    return int(n), ents or "", parts or ""


def part_labels(store: Store, kind: int, role: int) -> tuple[list[int], list[str]]:
    """(ids, labels) of every distinct part ``role`` of the derived ``kind``, in id order
    (the labels of one role only, where :func:`labels_of` would read the kind's every
    label)."""
    rows = (
        "SELECT e.id AS id, e.label AS label FROM (SELECT DISTINCT part_id FROM entity_parts "
        "WHERE kind = ? AND role = ? ORDER BY part_id) p JOIN entities e ON e.id = p.part_id"
    )
    return _id_labels(store, rows, [kind, role])


def delete_all_stale(store: Store, kind: int) -> None:
    """Forget the documents marked stale for ``kind`` (a kind derived per entity, which
    no document change makes stale)."""
    store.conn.execute("DELETE FROM entity_stale WHERE kind = ?", (kind,))


def ids_of_labels(store: Store, kind: int, labels: list[str]) -> dict[str, int]:
    """Label → id of those of ``labels`` that are entities of ``kind``."""
    cur = store.conn.cursor()
    cur.row_factory = None
    return dict(
        cur.execute(
            "SELECT label, id FROM entities WHERE kind = ? AND label IN (SELECT value FROM "
            "json_each(?))",
            (kind, json.dumps(labels, ensure_ascii=False)),
        )
    )
