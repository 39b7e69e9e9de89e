"""Reading the bibliographic fields the descriptive statistics count (``zhagen stats``).

Plain tuples out, read lazily: ``(id, year, title, authors JSON, affiliations JSON, venue,
cited_refs JSON, times cited)`` of every record (a document without a body) that is not a
duplicate; ``times cited`` is WoS ``TC`` from ``extra`` (``NULL`` when absent).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from zhagen.store.db import Store, id_list_json

__all__ = ["biblio_rows", "biblio_venues"]

_SQL = (
    "SELECT id, year, title, authors, affiliations, venue, cited_refs, "
    "CASE WHEN json_valid(extra) THEN json_extract(extra, '$.tc') END "
    "FROM documents WHERE body IS NULL AND dup_of IS NULL"
)


def biblio_rows(store: Store, doc_ids: Collection[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """The fields of every non-duplicate record, in id order; only ``doc_ids`` when given."""
    cur = store.conn.cursor()
    cur.row_factory = None  # plain tuples
    if doc_ids is None:
        return iter(cur.execute(_SQL + " ORDER BY id"))
    wanted = frozenset(int(i) for i in doc_ids)
    return (row for row in cur.execute(_SQL + " ORDER BY id") if row[0] in wanted)


def biblio_venues(
    store: Store, doc_ids: Collection[int] | None = None
) -> list[tuple[int, str, Any]]:
    """(id, venue, times cited) of every non-duplicate record (of ``doc_ids`` only, when
    given; the scope in SQL), in id order: what the statistics read besides the fields the
    entity tables hold."""
    sql = (
        "SELECT id, venue, CASE WHEN json_valid(extra) THEN json_extract(extra, '$.tc') END "
        "FROM documents WHERE body IS NULL AND dup_of IS NULL"
    )
    args: list[Any] = []
    if doc_ids is not None:
        sql += " AND id IN (SELECT value FROM json_each(?))"
        args.append(id_list_json(doc_ids))
    cur = store.conn.cursor()
    cur.row_factory = None
    return cur.execute(sql + " ORDER BY id", args).fetchall()
