"""Digests of what a project holds, for a study's build decisions (``zhagen run``).

Each digest is a SHA-256 over the rows an analysis reads, in a fixed order and without the
times rows were written, so that the same content gives the same digest in any copy of the
project and a changed row changes it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from zhagen.store.db import Store

__all__ = [
    "documents_digest",
    "lexicon_digest",
    "coding_digest",
    "sets_digest",
    "attributes_digest",
    "coding_counts",
    "copy_project",
    "source_files",
]

_CODING_SQL = (
    "SELECT id, name, parent_id, level, description, position FROM codes ORDER BY id",
    'SELECT c.document_id, c.start, c."end", c.code_id, k.name FROM codings c '
    'JOIN coders k ON k.id = c.coder_id ORDER BY c.document_id, c.start, c."end", c.code_id, k.name',
    "SELECT source_code_id, target_code_id, type, description FROM relations "
    "ORDER BY source_code_id, target_code_id, type",
    "SELECT m.target_type, m.target_id, m.title, m.text, coalesce(k.name, '') FROM memos m "
    "LEFT JOIN coders k ON k.id = m.coder_id ORDER BY m.id",
)


def _digest(store: Store, queries: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for sql in queries:
        h.update(sql.encode())
        for row in store.conn.execute(sql):
            h.update(json.dumps(list(row), ensure_ascii=False).encode())
            h.update(b"\n")
    return h.hexdigest()


def documents_digest(store: Store) -> str:
    """The imported content: each source's hash and status, and each document's id, source
    and duplicate mark (what a map or a word count reads besides the texts those hashes fix)."""
    return _digest(store, (
        "SELECT id, sha256, status FROM sources ORDER BY id",
        "SELECT id, source_id, dup_of FROM documents ORDER BY id",
    ))  # fmt: skip


def lexicon_digest(store: Store) -> str:
    """The accepted and rejected terms (what segmentation reads besides the dictionaries)."""
    return _digest(store, ("SELECT term, status FROM terms ORDER BY term",))


def coding_digest(store: Store) -> str:
    """The code tree, codings (with their coders), relations and memos."""
    return _digest(store, _CODING_SQL)


def sets_digest(store: Store) -> str:
    """The sets: each set's name, kind, query and description, and a static set's members
    (a query set's members follow from the documents and attributes)."""
    return _digest(store, (
        "SELECT name, kind, query, description FROM sets ORDER BY name",
        "SELECT s.name, m.document_id FROM set_members m JOIN sets s ON s.id = m.set_id "
        "ORDER BY s.name, m.document_id",
    ))  # fmt: skip


def attributes_digest(store: Store) -> str:
    """The attributes: each one's name, type and choices, and every document's values."""
    return _digest(store, (
        "SELECT name, type, choices FROM attributes ORDER BY name",
        "SELECT a.name, v.document_id, v.value FROM attribute_values v "
        "JOIN attributes a ON a.id = v.attribute_id ORDER BY a.name, v.document_id",
    ))  # fmt: skip


def coding_counts(store: Store) -> dict[str, Any]:
    """How much coding the project holds: codes, codings, coders, coded documents, memos,
    relations, and codes per level."""
    one = store.conn.execute
    levels = {str(lv if lv is not None else "none"): int(n) for lv, n in
              one("SELECT level, COUNT(*) FROM codes GROUP BY level ORDER BY level")}  # fmt: skip
    return {
        "codes": int(one("SELECT COUNT(*) FROM codes").fetchone()[0]),
        "codings": int(one("SELECT COUNT(*) FROM codings").fetchone()[0]),
        "coders": sorted(r[0] for r in one(
            "SELECT DISTINCT k.name FROM codings c JOIN coders k ON k.id = c.coder_id")),
        "coded_documents": int(one("SELECT COUNT(DISTINCT document_id) FROM codings").fetchone()[0]),
        "memos": int(one("SELECT COUNT(*) FROM memos").fetchone()[0]),
        "relations": int(one("SELECT COUNT(*) FROM relations").fetchone()[0]),
        "codes_per_level": levels,
    }  # fmt: skip


def copy_project(src: Path, dst: Path) -> None:
    """A consistent copy of a project file at ``dst`` (SQLite's online backup, so that what
    the write-ahead log holds is copied too); ``dst`` is replaced."""
    import sqlite3

    if dst.exists():
        dst.unlink()
    a = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    b = sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def source_files(store: Store) -> list[dict[str, Any]]:
    """Imported files that were read: path (as given), abspath, sha256, format, status."""
    from zhagen.store.db import rows

    return rows(store.conn.execute(
        "SELECT path, abspath, sha256, format, status FROM sources WHERE status <> 'failed' "
        "ORDER BY id"
    ))  # fmt: skip
