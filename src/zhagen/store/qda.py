"""Queries for REFI-QDA import: raw documents, dated codings and memos, earlier imports.

The only SQL of :mod:`zhagen.qda`. Writers expect to run inside the caller's transaction
(``with store.transaction(): ...``) so that one import is all or nothing. Documents are
written through :func:`zhagen.store.docs.insert_documents` with the text exactly as given
(no cleaning), because the offsets of imported codings point into it.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.store import docs
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> with store.transaction():
...     sid = docs.insert_source(store, path="a.qdpx", abspath=None, sha256="ab", size=1,
...                              fmt=QDA_FORMAT, status="ok")
...     doc = insert_raw_document(store, source_id=sid, record=1, title="访谈", body="😀 原文")
>>> store.conn.execute("SELECT body, format FROM documents WHERE id = ?", (doc,)).fetchone()[:]
('😀 原文', 'refi-qda')
>>> find_qda_import(store, "ab")["id"] == sid
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from zhagen.store.db import Store, now, one
from zhagen.store.docs import DOC_COLUMNS, insert_documents

__all__ = [
    "QDA_FORMAT",
    "find_qda_import",
    "insert_raw_document",
    "insert_coding_at",
    "insert_memo_at",
    "set_guid",
    "guids",
    "keep",
    "kept",
    "qda_document_ids",
]

#: ``sources.format`` and ``documents.format`` of everything a REFI-QDA import writes.
QDA_FORMAT = "refi-qda"

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def find_qda_import(store: Store, sha256: str) -> dict[str, Any] | None:
    """The earliest REFI-QDA import of a file with this content hash, if any.

    Returns a dict with ``id``, ``path``, ``added`` and ``n_records`` (documents).
    """
    return one(
        store.conn.execute(
            "SELECT id, path, added, n_records FROM sources WHERE sha256 = ? AND format = ? "
            "AND status <> 'failed' ORDER BY id LIMIT 1",
            (sha256, QDA_FORMAT),
        )
    )


def insert_raw_document(
    store: Store,
    *,
    source_id: int,
    record: int,
    title: str,
    body: str,
    abstract: str = "",
    extra: dict[str, Any] | None = None,
) -> int:
    """Insert a document whose text is stored exactly as given; return its id.

    Parameters
    ----------
    source_id, record:
        The source row and the document's number in it (from 1).
    title, body, abstract:
        Stored as given: ``body`` is the document's text (``Project.text``), uncleaned.
    extra:
        JSON-able details kept in ``documents.extra`` (e.g. the REFI-QDA GUID).
    """
    fields: dict[str, Any] = dict.fromkeys(DOC_COLUMNS, "")
    fields.update(
        source_id=source_id,
        record=record,
        format=QDA_FORMAT,
        type="document",
        title=title,
        authors="[]",
        affiliations="[]",
        year=None,
        keywords="{}",
        abstract=abstract,
        body=body,
        original=None,
        cleaning="{}",
        cited_refs="[]",
        extra=_JSON.encode(extra or {}),
        dup_key="sha1:" + hashlib.sha1(body.encode("utf-8")).hexdigest() if body else None,
    )
    [doc_id] = insert_documents(store, [tuple(fields[c] for c in DOC_COLUMNS)])
    return doc_id


def insert_coding_at(
    store: Store,
    document_id: int,
    start: int,
    end: int,
    code_id: int,
    coder_id: int,
    created: str | None,
) -> int:
    """Insert one coding with its original creation time (``None``: now); return its id."""
    cur = store.conn.execute(
        'INSERT INTO codings(document_id, start, "end", code_id, coder_id, created) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        (document_id, start, end, code_id, coder_id, created or now()),
    )
    return int(cur.lastrowid or 0)


def insert_memo_at(
    store: Store,
    *,
    target_type: str,
    target_id: int | None,
    title: str,
    text: str,
    coder_id: int | None,
    created: str | None,
    modified: str | None,
) -> int:
    """Insert one memo with its original times (``None``: now); return its id."""
    ts = now()
    cur = store.conn.execute(
        "INSERT INTO memos(target_type, target_id, title, text, coder_id, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (target_type, target_id, title, text, coder_id, created or ts, modified or created or ts),
    )
    return int(cur.lastrowid or 0)


def set_guid(
    store: Store, kind: str, row_id: int, guid: str, attrs: dict[str, Any] | None = None
) -> None:
    """Remember the GUID (and attributes zhagen does not model) an object was imported
    with; the first import of an object wins."""
    store.conn.execute(
        "INSERT OR IGNORE INTO qda_ids(kind, row_id, guid, attrs) VALUES (?, ?, ?, ?)",
        (kind, row_id, guid, _JSON.encode(attrs or {})),
    )


def guids(store: Store, kind: str) -> dict[int, tuple[str, dict[str, Any]]]:
    """Row id → (GUID, attributes) of the imported objects of one kind."""
    rows = store.conn.execute("SELECT row_id, guid, attrs FROM qda_ids WHERE kind = ?", (kind,))
    return {int(r[0]): (r[1], json.loads(r[2])) for r in rows}


def keep(store: Store, source_id: int, kind: str, guid: str | None, data: str) -> None:
    """Keep a part of an imported file as read (XML or JSON), to be written back."""
    store.conn.execute(
        "INSERT INTO qda_kept(source_id, kind, guid, data) VALUES (?, ?, ?, ?)",
        (source_id, kind, guid, data),
    )


def kept(store: Store) -> list[tuple[str, str | None, str]]:
    """Every kept part, in import order: (kind, GUID, data)."""
    rows = store.conn.execute("SELECT kind, guid, data FROM qda_kept ORDER BY id")
    return [(r[0], r[1], r[2]) for r in rows]


def qda_document_ids(store: Store) -> list[int]:
    """The documents that REFI-QDA imports made (coded or not)."""
    rows = store.conn.execute(
        "SELECT id FROM documents WHERE format = ? ORDER BY id", (QDA_FORMAT,)
    )
    return [int(r[0]) for r in rows]
