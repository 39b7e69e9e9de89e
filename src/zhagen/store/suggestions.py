"""Queries on suggestions (issue 15): proposed codings kept apart from ``codings``.

The only module with SQL for suggestions. Writers run inside the caller's transaction;
:mod:`zhagen.suggest.api` wraps each user edit (accept, reject, edit) in one undoable
:func:`zhagen.coding.history.edit`.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> suggestion_rows(store)
[]
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from zhagen.store.db import Store, id_list_json, now, one, rows

__all__ = [
    "COLUMNS",
    "insert_suggestions",
    "suggestion_row",
    "suggestion_rows",
    "rejected_keys",
    "open_keys",
    "delete_open",
    "update_suggestion",
    "suggestion_of_coding",
    "top_suggestion_spans",
]

#: Columns written by :func:`insert_suggestions`, in order.
COLUMNS = (
    "document_id", "start", "end", "sentence_idx", "code_id", "new_code", "score", "rank",
    "rationale", "quote", "source", "source_version", "params", "prompt_hash", "created",
)  # fmt: skip

_SELECT = (
    'SELECT s.id, s.document_id, s.start, s."end", s.sentence_idx, s.code_id, s.new_code, '
    "k.name AS code_name, s.score, s.rank, s.rationale, s.quote, s.source, s.source_version, "
    "s.params, s.prompt_hash, s.status, s.coding_id, s.decided_by, s.created, s.decided "
    "FROM suggestions s LEFT JOIN codes k ON k.id = s.code_id "
)


def insert_suggestions(store: Store, values: Iterable[Mapping[str, Any]]) -> list[int]:
    """Insert suggestions (dicts with :data:`COLUMNS`; ``params`` a dict); return their ids."""
    ts = now()
    sql = (
        f"INSERT INTO suggestions({', '.join(chr(34) + c + chr(34) for c in COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in COLUMNS)})"
    )
    ids = []
    for v in values:
        row = dict(v)
        row["params"] = json.dumps(row.get("params") or {}, ensure_ascii=False, sort_keys=True)
        row["created"] = row.get("created") or ts
        cur = store.conn.execute(sql, [row.get(c) for c in COLUMNS])
        ids.append(int(cur.lastrowid or 0))
    return ids


def suggestion_row(store: Store, suggestion_id: int) -> dict[str, Any] | None:
    """One suggestion with its code's name, or None."""
    return one(store.conn.execute(_SELECT + "WHERE s.id = ?", (int(suggestion_id),)))


def suggestion_rows(
    store: Store,
    *,
    doc_ids: Collection[int] | None = None,
    status: str | None = None,
    min_score: float | None = None,
    source: str | None = None,
    rank: int | None = None,
) -> list[dict[str, Any]]:
    """Suggestions filtered, best first within each sentence, in document order."""
    where, params = [], []
    if doc_ids is not None:
        where.append("s.document_id IN (SELECT value FROM json_each(?))")
        params.append(id_list_json(doc_ids))
    if status is not None:
        where.append("s.status = ?")
        params.append(status)
    if min_score is not None:
        where.append("s.score >= ?")
        params.append(float(min_score))
    if source is not None:
        where.append("s.source = ?")
        params.append(source)
    if rank is not None:
        where.append("s.rank = ?")
        params.append(int(rank))
    sql = _SELECT + (f"WHERE {' AND '.join(where)} " if where else "")
    sql += "ORDER BY s.document_id, s.sentence_idx, s.start, s.rank, s.id"
    return rows(store.conn.execute(sql, params))


def rejected_keys(store: Store) -> set[tuple[int, int, int | None, str | None]]:
    """(document, sentence, code id, new code name) of every rejected suggestion."""
    return {
        (int(d), int(i), c, n)
        for d, i, c, n in store.conn.execute(
            "SELECT document_id, sentence_idx, code_id, new_code FROM suggestions "
            "WHERE status = 'rejected'"
        )
    }


def open_keys(store: Store) -> set[tuple[int, int, int, int | None, str | None, str]]:
    """(document, start, end, code id, new code name, source) of every open suggestion."""
    return {
        (int(d), int(s), int(e), c, n, str(src))
        for d, s, e, c, n, src in store.conn.execute(
            'SELECT document_id, start, "end", code_id, new_code, source FROM suggestions '
            "WHERE status = 'open'"
        )
    }


def delete_open(store: Store, *, source: str, doc_ids: Collection[int] | None = None) -> int:
    """Forget the open suggestions of one source (on some documents): a new run replaces
    them. Accepted and rejected ones stay. Returns how many went."""
    cur = store.conn.execute(
        "DELETE FROM suggestions WHERE status = 'open' AND source = ? "
        "AND (? IS NULL OR document_id IN (SELECT value FROM json_each(?)))",
        (source, None if doc_ids is None else 1, id_list_json(doc_ids or [])),
    )
    return int(cur.rowcount)


_EDITABLE = ("code_id", "new_code", "start", "end", "status", "coding_id", "decided_by",
             "decided")  # fmt: skip


def update_suggestion(store: Store, suggestion_id: int, **fields: Any) -> None:
    """Set some of code_id, new_code, start, end, status, coding_id, decided_by, decided."""
    bad = set(fields) - set(_EDITABLE)
    if bad:
        raise ValueError(f"not an editable suggestion field: {sorted(bad)}")
    sets = ", ".join(f'"{c}" = ?' for c in fields)
    store.conn.execute(
        f"UPDATE suggestions SET {sets} WHERE id = ?", (*fields.values(), int(suggestion_id))
    )


def suggestion_of_coding(store: Store, coding_id: int) -> dict[str, Any] | None:
    """The accepted suggestion a coding came from (its provenance), or None."""
    return one(
        store.conn.execute(
            _SELECT + "WHERE s.coding_id = ? AND s.status = 'accepted'", (int(coding_id),)
        )
    )


def top_suggestion_spans(
    store: Store, doc_ids: Collection[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """(document, start, end, code id) of every rank-1 suggestion of an existing code, of
    any status (what the suggesting source said, whatever the researcher then decided)."""
    return [
        (int(d), int(s), int(e), int(c))
        for d, s, e, c in store.conn.execute(
            'SELECT document_id, start, "end", code_id FROM suggestions '
            "WHERE rank = 1 AND code_id IS NOT NULL "
            "AND (? IS NULL OR document_id IN (SELECT value FROM json_each(?))) "
            'ORDER BY document_id, start, "end"',
            (None if doc_ids is None else 1, id_list_json(doc_ids or [])),
        )
    ]
