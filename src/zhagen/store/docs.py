"""Queries on sources, documents, sentences and problems.

Functions take an open :class:`~zhagen.store.db.Store`; writers expect to run inside the
caller's transaction (``with store.transaction(): ...``) so that an import batch is atomic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from zhagen.store.db import Store, now, quote_ident

__all__ = [
    "DOC_COLUMNS",
    "find_source",
    "insert_source",
    "finish_source",
    "delete_source_documents",
    "insert_documents",
    "insert_documents_bulk",
    "insert_problems",
    "insert_sentences",
    "mark_duplicates",
    "document_rows",
    "document_row",
    "sentence_rows",
    "problem_rows",
    "source_rows",
    "count_documents",
    "document_ids",
]

#: Columns written for each document, in the order ``insert_documents`` expects them.
DOC_COLUMNS: tuple[str, ...] = (
    "source_id",
    "record",
    "format",
    "type",
    "title",
    "authors",
    "affiliations",
    "venue",
    "year",
    "volume",
    "issue",
    "pages",
    "keywords",
    "abstract",
    "doi",
    "issn",
    "url",
    "lang",
    "body",
    "original",
    "cleaning",
    "cited_refs",
    "extra",
    "dup_key",
)

_INSERT_DOC = (
    f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in DOC_COLUMNS)})"
)


def find_source(store: Store, sha256: str) -> sqlite3.Row | None:
    """The most recent source with this content hash, if any."""
    return store.conn.execute(
        "SELECT id, path, status, n_records FROM sources WHERE sha256 = ? ORDER BY id DESC LIMIT 1",
        (sha256,),
    ).fetchone()


def insert_source(
    store: Store,
    *,
    path: str,
    abspath: str | None,
    sha256: str | None,
    size: int | None,
    fmt: str | None,
    status: str,
) -> int:
    cur = store.conn.execute(
        "INSERT INTO sources(path, abspath, sha256, size, format, status, added) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (path, abspath, sha256, size, fmt, status, now()),
    )
    return int(cur.lastrowid or 0)


def finish_source(
    store: Store, source_id: int, *, status: str, n_records: int, fmt: str | None
) -> None:
    store.conn.execute(
        "UPDATE sources SET status = ?, n_records = ?, format = COALESCE(?, format) WHERE id = ?",
        (status, n_records, fmt, source_id),
    )


def delete_source_documents(store: Store, source_id: int) -> None:
    """Remove what an earlier, interrupted import of this source left behind."""
    store.conn.execute("DELETE FROM documents WHERE source_id = ?", (source_id,))
    store.conn.execute("DELETE FROM problems WHERE source_id = ?", (source_id,))


def insert_documents(store: Store, rows: Iterable[Sequence[Any]]) -> list[int]:
    """Insert documents (tuples in :data:`DOC_COLUMNS` order); return their ids."""
    cur = store.conn.cursor()
    ids = []
    for row in rows:
        cur.execute(_INSERT_DOC, row)
        ids.append(int(cur.lastrowid or 0))
    return ids


def insert_documents_bulk(store: Store, rows: Sequence[Sequence[Any]]) -> None:
    """Insert documents whose ids the caller does not need (one ``executemany``)."""
    store.conn.executemany(_INSERT_DOC, rows)


def insert_sentences(store: Store, document_id: int, spans: Sequence[tuple[int, int]]) -> None:
    store.conn.executemany(
        'INSERT OR REPLACE INTO sentences(document_id, idx, start, "end") VALUES (?, ?, ?, ?)',
        ((document_id, i, s, e) for i, (s, e) in enumerate(spans)),
    )


def insert_problems(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Rows of (source_id, path, record, line, severity, code, zh, en)."""
    ts = now()
    store.conn.executemany(
        "INSERT INTO problems(source_id, path, record, line, severity, code, zh, en, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (tuple(r) + (ts,) for r in rows),
    )


def mark_duplicates(store: Store, source_id: int) -> int:
    """Point each new document of ``source_id`` at the first earlier document it duplicates.

    Duplicates share a DOI (case-insensitive) or a normalised title + year key. They are
    reported, never merged. Returns how many were marked.
    """
    conn = store.conn
    for column in ("doi", "dup_key"):
        col = quote_ident(column)
        conn.execute(
            f"UPDATE documents SET dup_of = f.first FROM ("
            f"  SELECT {col} AS k, MIN(id) AS first FROM documents"
            f"  WHERE {col} IS NOT NULL AND {col} <> '' GROUP BY {col} HAVING COUNT(*) > 1"
            f") AS f WHERE documents.{col} = f.k AND documents.id > f.first"
            f"  AND documents.source_id = ? AND documents.dup_of IS NULL",
            (source_id,),
        )
    row = conn.execute(
        "SELECT COUNT(*) FROM documents WHERE source_id = ? AND dup_of IS NOT NULL", (source_id,)
    ).fetchone()
    return int(row[0])


_LIST_SQL = """
SELECT d.id, s.path AS source, d.record, d.format, d.type, d.title, d.authors, d.affiliations,
       d.venue, d.year, d.keywords, d.abstract, d.doi, d.lang, d.dup_of,
       (SELECT COUNT(*) FROM problems p WHERE p.source_id = d.source_id AND p.record = d.record)
         AS n_problems,
       (SELECT group_concat(p.zh || ' / ' || p.en, char(10)) FROM problems p
         WHERE p.source_id = d.source_id AND p.record = d.record) AS problems
FROM documents d JOIN sources s ON s.id = d.source_id
ORDER BY d.id
"""


def document_rows(store: Store) -> list[sqlite3.Row]:
    return list(store.conn.execute(_LIST_SQL))


def document_row(store: Store, doc_id: int) -> sqlite3.Row | None:
    return store.conn.execute(
        "SELECT d.*, s.path AS source FROM documents d JOIN sources s ON s.id = d.source_id "
        "WHERE d.id = ?",
        (doc_id,),
    ).fetchone()


def document_ids(store: Store, types: list[str] | None = None) -> list[int]:
    if types is None:
        return [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    marks = ", ".join("?" for _ in types)
    sql = f"SELECT id FROM documents WHERE type IN ({marks}) ORDER BY id"
    return [r[0] for r in store.conn.execute(sql, types)]


def count_documents(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def sentence_rows(store: Store, doc_id: int) -> list[sqlite3.Row]:
    return list(
        store.conn.execute(
            'SELECT idx, start, "end" FROM sentences WHERE document_id = ? ORDER BY idx', (doc_id,)
        )
    )


def problem_rows(store: Store) -> list[sqlite3.Row]:
    return list(
        store.conn.execute(
            "SELECT id, path, record, line, severity, code, zh, en, created FROM problems "
            "ORDER BY id"
        )
    )


def source_rows(store: Store) -> list[sqlite3.Row]:
    return list(
        store.conn.execute(
            "SELECT id, path, sha256, size, format, status, n_records, added FROM sources ORDER BY id"
        )
    )
