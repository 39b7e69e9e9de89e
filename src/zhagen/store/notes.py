"""SQL of the notes of grounded-theory coding: memos (on a document, code, coding or the
project; the storyline is the project memo titled 故事线) and relations between codes (the
paradigm model of axial coding). The rest of the coding tables is in :mod:`zhagen.store.coding`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhagen.store.db import Store, id_list_json, now, one, rows

__all__ = [
    "insert_memo",
    "update_memo",
    "set_memo_target",
    "memo_row",
    "memo_rows",
    "memo_ids_for",
    "storyline_id",
    "insert_relation",
    "relation_row",
    "relation_rows",
    "relation_ids_of_codes",
    "set_relation_codes",
    "update_relation",
]


# -- memos -------------------------------------------------------------------------------
_MEMO_COLUMNS = (
    "SELECT m.id, m.target_type, m.target_id, m.title, m.text, m.type, m.coder_id, "
    "r.name AS coder, m.created, m.modified"
)
_MEMO_FROM = " FROM memos m LEFT JOIN coders r ON r.id = m.coder_id "
_MEMO_SELECT = _MEMO_COLUMNS + _MEMO_FROM
#: What a memo is about, by name: the code, the coding's code, the relation's two codes,
#: the document's title; and the document of a document or coding memo (for a link).
_MEMO_TARGET = (
    ", CASE m.target_type "
    "WHEN 'code' THEN (SELECT name FROM codes WHERE id = m.target_id) "
    "WHEN 'coding' THEN (SELECT c.name FROM codings g JOIN codes c ON c.id = g.code_id "
    "WHERE g.id = m.target_id) "
    "WHEN 'relation' THEN (SELECT s.name || ' → ' || t.name FROM relations x "
    "JOIN codes s ON s.id = x.source_code_id JOIN codes t ON t.id = x.target_code_id "
    "WHERE x.id = m.target_id) "
    "WHEN 'document' THEN (SELECT title FROM documents WHERE id = m.target_id) "
    "ELSE '' END AS target_name, "
    "CASE m.target_type WHEN 'document' THEN m.target_id "
    "WHEN 'coding' THEN (SELECT document_id FROM codings WHERE id = m.target_id) END AS document, "
    "CASE m.target_type WHEN 'coding' THEN (SELECT start FROM codings WHERE id = m.target_id) "
    "END AS start, "
    "CASE m.target_type WHEN 'coding' THEN (SELECT \"end\" FROM codings WHERE id = m.target_id) "
    'END AS "end"'
)


def insert_memo(
    store: Store,
    *,
    target_type: str,
    target_id: int | None,
    title: str,
    text: str,
    coder_id: int | None,
    memo_type: str = "",
) -> int:
    ts = now()
    cur = store.conn.execute(
        "INSERT INTO memos(target_type, target_id, title, text, type, coder_id, created, "
        "modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (target_type, target_id, title, text, memo_type, coder_id, ts, ts),
    )
    return int(cur.lastrowid or 0)


def update_memo(
    store: Store,
    memo_id: int,
    *,
    title: str | None,
    text: str | None,
    memo_type: str | None = None,
) -> None:
    store.conn.execute(
        "UPDATE memos SET title = coalesce(?, title), text = coalesce(?, text), "
        "type = coalesce(?, type), modified = ? WHERE id = ?",
        (title, text, memo_type, now(), memo_id),
    )


def set_memo_target(store: Store, memo_id: int, target_type: str, target_id: int | None) -> None:
    store.conn.execute(
        "UPDATE memos SET target_type = ?, target_id = ? WHERE id = ?",
        (target_type, target_id, memo_id),
    )


def memo_row(store: Store, memo_id: int) -> dict[str, Any] | None:
    """One memo with its coder's name, or None when there is no such memo."""
    return one(store.conn.execute(_MEMO_SELECT + "WHERE m.id = ?", (memo_id,)))


def memo_rows(
    store: Store,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    coder_id: int | None = None,
    memo_type: str | None = None,
    query: str | None = None,
) -> list[dict[str, Any]]:
    """Memos with their coder's name and what they are about (``target_name``, and the
    ``document``, ``start``, ``end`` of a coding memo), by id: of one target, coder and
    type when given, and holding ``query`` in their title or text (ASCII case ignored)."""
    like = None
    if query:
        like = "%" + "".join("\\" + ch if ch in "\\%_" else ch for ch in query) + "%"
    return rows(
        store.conn.execute(
            _MEMO_COLUMNS
            + _MEMO_TARGET
            + _MEMO_FROM
            + "WHERE (? IS NULL OR m.target_type = ?) AND (? IS NULL OR "
            "m.target_id = ?) AND (? IS NULL OR m.coder_id = ?) AND (? IS NULL OR m.type = ?) "
            "AND (? IS NULL OR m.title LIKE ? ESCAPE '\\' OR m.text LIKE ? ESCAPE '\\') "
            "ORDER BY m.id",
            (
                target_type,
                target_type,
                target_id,
                target_id,
                coder_id,
                coder_id,
                memo_type,
                memo_type,
                like,
                like,
                like,
            ),
        )  # fmt: skip
    )


def memo_ids_for(store: Store, target_type: str, target_ids: Iterable[int]) -> list[int]:
    """Memos attached to any of ``target_ids`` of one type."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM memos WHERE target_type = ? "
            "AND target_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (target_type, id_list_json(target_ids)),
        )
    ]


def storyline_id(store: Store, title: str) -> int | None:
    row = store.conn.execute(
        "SELECT id FROM memos WHERE target_type = 'project' AND title = ?", (title,)
    ).fetchone()
    return None if row is None else int(row[0])


# -- relations ---------------------------------------------------------------------------
_RELATION_SELECT = (
    "SELECT x.id, x.source_code_id, s.name AS source_name, x.target_code_id, "
    "t.name AS target_name, x.type, x.description, x.created FROM relations x "
    "JOIN codes s ON s.id = x.source_code_id JOIN codes t ON t.id = x.target_code_id "
)


def insert_relation(
    store: Store, source_id: int, target_id: int, rtype: str, description: str
) -> int:
    cur = store.conn.execute(
        "INSERT INTO relations(source_code_id, target_code_id, type, description, created) "
        "VALUES (?, ?, ?, ?, ?)",
        (source_id, target_id, rtype, description, now()),
    )
    return int(cur.lastrowid or 0)


def relation_row(store: Store, relation_id: int) -> dict[str, Any] | None:
    """One relation with its codes' names, or None when there is no such relation."""
    return one(store.conn.execute(_RELATION_SELECT + "WHERE x.id = ?", (relation_id,)))


def relation_rows(store: Store) -> list[dict[str, Any]]:
    """Every relation with its codes' names (:data:`_RELATION_SELECT`), by id."""
    return rows(store.conn.execute(_RELATION_SELECT + "ORDER BY x.id"))


def relation_ids_of_codes(store: Store, code_ids: Iterable[int]) -> list[int]:
    """Relations with one of ``code_ids`` at either end."""
    ids = id_list_json(code_ids)
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM relations WHERE source_code_id IN (SELECT value FROM json_each(?)) "
            "OR target_code_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (ids, ids),
        )
    ]


def set_relation_codes(store: Store, relation_id: int, source_id: int, target_id: int) -> None:
    store.conn.execute(
        "UPDATE relations SET source_code_id = ?, target_code_id = ? WHERE id = ?",
        (source_id, target_id, relation_id),
    )


def update_relation(
    store: Store, relation_id: int, source_id: int, target_id: int, rtype: str, description: str
) -> None:
    """Set every field of a relation (the caller merged the unchanged ones in)."""
    store.conn.execute(
        "UPDATE relations SET source_code_id = ?, target_code_id = ?, type = ?, description = ? "
        "WHERE id = ?",
        (source_id, target_id, rtype, description, relation_id),
    )


def memo_owner(store: Store, memo_id: int) -> tuple[str | None] | None:
    """``(coder name or None for a shared memo,)``; None when there is no such memo."""
    row = store.conn.execute(
        "SELECT r.name FROM memos m LEFT JOIN coders r ON r.id = m.coder_id WHERE m.id = ?",
        (int(memo_id),),
    ).fetchone()
    return None if row is None else (None if row[0] is None else str(row[0]),)
