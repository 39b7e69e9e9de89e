"""Queries on sources, documents, sentences and problems.

Functions take an open :class:`~zhagen.store.db.Store`; writers expect to run inside the
caller's transaction (``with store.transaction(): ...``) so that an import batch is atomic.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from zhagen.store.db import Store, dup_hash, id_list_json, now, one, rows

__all__ = [
    "DOC_COLUMNS",
    "find_source",
    "insert_source",
    "finish_source",
    "delete_source_documents",
    "delete_unfinished_sources",
    "delete_merged",
    "mark_merged",
    "merged_units",
    "resumable_source",
    "source_problems",
    "insert_documents",
    "insert_documents_bulk",
    "STAGE_COLUMNS",
    "STAGE_NULL",
    "stage_rows",
    "staging",
    "staging_file",
    "insert_staged",
    "insert_staged_links",
    "insert_problems",
    "insert_sentences",
    "mark_duplicates",
    "same_title_kept",
    "document_row",
    "sentence_rows",
    "problem_rows",
    "source_rows",
    "count_documents",
    "document_ids",
    "find_documents",
    "document_facets",
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

# (with the dup_key's dup_hash, which every writer of documents sets: see _hashed)
_INSERT_DOC = (
    f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}, dup_hash) "
    f"VALUES ({', '.join('?' for _ in DOC_COLUMNS)}, ?)"
)
_DUP_KEY = DOC_COLUMNS.index("dup_key")


def _hashed(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row of :data:`DOC_COLUMNS` and its ``dup_hash`` (see :func:`~zhagen.store.db.dup_hash`)."""
    return (*row, dup_hash(row[_DUP_KEY]))


def find_source(store: Store, sha256: str) -> dict[str, Any] | None:
    """The most recent source with this content hash, if any: id, path, status, n_records."""
    return one(
        store.conn.execute(
            "SELECT id, path, status, n_records FROM sources WHERE sha256 = ? "
            "ORDER BY id DESC LIMIT 1",
            (sha256,),
        )
    )


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


def delete_unfinished_sources(
    store: Store, sha256: str, path: str, keep: int | None = None
) -> None:
    """Remove every earlier import of this content that did not end ``ok`` (cut off or
    partial; failed, when from the same path), with its documents and problems: a new
    import replaces it. ``keep``: the id of one that the new import resumes instead."""
    for (sid,) in store.conn.execute(
        "SELECT id FROM sources WHERE sha256 = ? "
        "AND (status = 'partial' OR (status = 'failed' AND path = ?))",
        (sha256, path),
    ).fetchall():
        if sid == keep:
            continue
        delete_source_documents(store, sid)
        store.conn.execute("DELETE FROM sources WHERE id = ?", (sid,))  # its merged_units too


def mark_merged(
    store: Store,
    source_id: int,
    unit: int,
    cut: str,
    *,
    records: int,
    lines: int,
    kept: int,
    duplicates: int,
    tail: str | None,
    error: str | None,
) -> None:
    """Record that unit ``unit`` of an import is stored (inside the transaction that
    stored it, so the mark and the rows are there together or not at all): the counts
    are the file's up to the end of the unit."""
    store.conn.execute(
        "INSERT OR REPLACE INTO merged_units(source_id, unit, cut, records, lines, kept, "
        "duplicates, tail, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source_id, unit, cut, records, lines, kept, duplicates, tail, error),
    )


def merged_units(store: Store, source_id: int) -> list[dict[str, Any]]:
    """The units of an unfinished import stored so far (see :func:`mark_merged`), in order."""
    return rows(
        store.conn.execute(
            "SELECT unit, cut, records, lines, kept, duplicates, tail, error FROM merged_units "
            "WHERE source_id = ? ORDER BY unit",
            (source_id,),
        )
    )


def delete_merged(store: Store, source_id: int) -> None:
    """Forget the units of an import that has ended (they are needed only to resume it)."""
    store.conn.execute("DELETE FROM merged_units WHERE source_id = ?", (source_id,))


def resumable_source(store: Store, path: str, size: int, sha256: str | None = None) -> int | None:
    """The id of the latest unfinished import of the file ``path`` (of ``size`` bytes, and
    of content ``sha256`` if given) that stored some of its units, if any."""
    row = store.conn.execute(
        "SELECT s.id FROM sources s WHERE s.status = 'partial' AND s.path = ? AND s.size = ? "
        "AND (? IS NULL OR s.sha256 = ?) "
        "AND EXISTS (SELECT 1 FROM merged_units m WHERE m.source_id = s.id) "
        "ORDER BY s.id DESC LIMIT 1",
        (path, size, sha256, sha256),
    ).fetchone()
    return None if row is None else int(row[0])


def source_problems(store: Store, source_id: int) -> list[dict[str, Any]]:
    """The problems stored for one source, in order: path, record, line, severity, code,
    zh, en."""
    return rows(
        store.conn.execute(
            "SELECT path, record, line, severity, code, zh, en FROM problems "
            "WHERE source_id = ? ORDER BY id",
            (source_id,),
        )
    )


def insert_documents(store: Store, rows: Iterable[Sequence[Any]]) -> list[int]:
    """Insert documents (tuples in :data:`DOC_COLUMNS` order); return their ids."""
    cur = store.conn.cursor()
    ids = []
    for row in rows:
        cur.execute(_INSERT_DOC, _hashed(row))
        ids.append(int(cur.lastrowid or 0))
    return ids


def insert_documents_bulk(store: Store, rows: Sequence[Sequence[Any]]) -> None:
    """Insert documents whose ids the caller does not need (one ``executemany``)."""
    store.conn.executemany(_INSERT_DOC, map(_hashed, rows))


#: Columns of a staged document row (see :func:`stage_rows`): :data:`DOC_COLUMNS` without
#: ``source_id``, then the ``dup_hash`` of its ``dup_key`` (:func:`~zhagen.store.db.dup_hash`,
#: computed by the worker that staged it), then the positions (from 1, in the batch) of the first earlier row of the
#: same batch with the same DOI and with the same ``dup_key`` (:data:`STAGE_NULL` if none).
STAGE_COLUMNS: tuple[str, ...] = (*DOC_COLUMNS[1:], "dup_hash", "doi_first", "key_first")
#: What a staged row holds for "none" in ``body``, ``original``, ``doi_first`` and
#: ``key_first`` (``None`` works too). Python's sqlite3 binds ``None`` after looking for an
#: adapter, ~1 µs a value: a fifth of binding a row that has four. The staged columns
#: have no type, so text never equals this integer, and positions start at 1.
STAGE_NULL = 0
_NULLABLE = frozenset({"body", "original"})
_STAGE_PAGE = 65536  # large pages: fewer, fuller pages to build and to copy between processes
# an image written to a file (stage_rows' path): scratch read once on this machine
_SCRATCH_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144")
# A worker's image: the staged rows, and the first earlier document of each row that
# duplicates one (filled in by insert_staged once the image is attached as ``stage``).
# The keyword links its worker derived (zhagen.entities.tables.unit_keywords): per link
# the row (from 1), position, side and index of its label among the batch's distinct
# labels; ``labels`` gets each index's entity id, filled in by insert_staged_links.
_STAGE_DDL = (
    f"CREATE TABLE rows ({', '.join(STAGE_COLUMNS)})",
    "CREATE TABLE firsts (rid INTEGER PRIMARY KEY, first INTEGER NOT NULL)",
    "CREATE TABLE links (rid, pos, role, label)",
    "CREATE TABLE labels (label INTEGER PRIMARY KEY, entity INTEGER NOT NULL)",
)
_STAGE_INSERT = f"INSERT INTO rows VALUES ({', '.join('?' for _ in STAGE_COLUMNS)})"
# The links come as one JSON text: per row, its links' codes (label index * sides + side)
# in position order. SQLite splits it into rows at C speed: 0.9 µs a record less than
# binding a tuple per link with executemany (CNKI RefWorks, 3.7 links a record), and no
# tuple to make per link.
_STAGE_LINKS = (
    "INSERT INTO links SELECT d.key + 1, j.key, j.value % :sides, j.value / :sides "
    "FROM json_each(:links) d, json_each(d.value) j"
)
# The first document each staged row duplicates: an earlier one (found through the doi and
# dup_key indexes) or an earlier row of the batch (its position, given by the worker). Row
# ids are given in _INSERT_STAGED (the next free ones, in batch order, as SQLite would
# choose them), so that a position is an id. Kept apart from the INSERT, which would
# otherwise copy the whole batch before inserting it, as it does when it reads the table it
# writes (~4 µs per row).
# A DOI is compared without regard to case (it is stored as written; the index is NOCASE).
# Same title and year make a duplicate only with the same venue (and no other issue or
# pages) or a shared author: two articles of one title in two journals, or a serial notice
# ("欢迎订阅…") in every issue of a journal, are not duplicates. A raw document's key is a
# hash of its text, enough on its own. The ORDER BY … LIMIT 1 walks the index in id order
# and stops at the first match (MIN() would visit every document with the key).
SAME_WORK = """(substr(r.dup_key, 1, 5) = 'sha1:'
  OR (d.venue <> '' AND d.venue = r.venue COLLATE NOCASE
      AND (d.issue = '' OR r.issue = '' OR d.issue = r.issue)
      AND (d.pages = '' OR r.pages = '' OR d.pages = r.pages))
  OR EXISTS (SELECT 1 FROM json_each(d.authors) a, json_each(r.authors) b
             WHERE a.value = b.value))"""
_FIND_FIRSTS = f"""
INSERT INTO stage.firsts
SELECT rid, first FROM (
  SELECT r.rowid AS rid, COALESCE(
    CASE WHEN r.doi <> '' THEN
      (SELECT d.id FROM main.documents d WHERE d.doi = r.doi COLLATE NOCASE
       ORDER BY d.id LIMIT 1) END,
    :base + NULLIF(r.doi_first, 0),
    CASE WHEN r.dup_key <> '' THEN
      (SELECT d.id FROM main.documents d WHERE d.dup_hash = r.dup_hash
       AND d.dup_key = r.dup_key AND {SAME_WORK}
       ORDER BY d.id LIMIT 1) END,
    :base + NULLIF(r.key_first, 0)) AS first
  FROM stage.rows r)
WHERE first IS NOT NULL
"""
_STAGED_COLUMNS = ", ".join(
    f"NULLIF(r.{c}, {STAGE_NULL})" if c in _NULLABLE else f"r.{c}" for c in DOC_COLUMNS[2:]
)
_INSERT_STAGED = f"""
INSERT INTO main.documents (id, {", ".join(DOC_COLUMNS)}, dup_hash, dup_of)
SELECT :base + r.rowid, :source, r.record + :offset, {_STAGED_COLUMNS}, r.dup_hash,
  (SELECT f.first FROM stage.firsts f WHERE f.rid = r.rowid)
FROM stage.rows r ORDER BY r.rowid
"""


_COL = {c: i for i, c in enumerate(STAGE_COLUMNS, 1)}  # a staged row's value: ?N
# SAME_WORK with the new row's values bound as parameters (the row is not stored yet)
_SAME_WORK_ROW = re.sub(r"\br\.(\w+)", lambda m: f"?{_COL[m[1]]}", SAME_WORK)
_ROW_VALUES = ", ".join(
    f"NULLIF(?{_COL[c]}, {STAGE_NULL})" if c in _NULLABLE else f"?{_COL[c]}"
    for c in DOC_COLUMNS[2:]
)
# A batch made in this process, written once: each staged row is bound and inserted with
# the first document it duplicates, found by the lookups of _FIND_FIRSTS among the
# documents up to ``{base}`` (the id before the batch) or given as its position in the batch
# (rows get the next ids in order, so position n is id ``base + n``). Writing the rows into
# an attached table first and copying them cost 18.6 µs a record, commit included, against
# 17.2 µs (CNKI RefWorks, 6 batches of ~7 000, interleaved runs). ``{base}``, ``{source}``
# and ``{offset}`` are integers formatted in: one statement a batch. (``+d.id`` keeps the
# lookups on the doi and dup_key indexes.)
_INSERT_ROW = f"""
INSERT INTO documents (id, {", ".join(DOC_COLUMNS)}, dup_hash, dup_of)
VALUES (NULL, {{source}}, ?{_COL["record"]} + {{offset}}, {_ROW_VALUES}, ?{_COL["dup_hash"]}, COALESCE(
  CASE WHEN ?{_COL["doi"]} <> '' THEN
    (SELECT d.id FROM documents d WHERE d.doi = ?{_COL["doi"]} COLLATE NOCASE
     AND +d.id <= {{base}} ORDER BY d.id LIMIT 1) END,
  {{base}} + NULLIF(?{_COL["doi_first"]}, 0),
  CASE WHEN ?{_COL["dup_key"]} <> '' THEN
    (SELECT d.id FROM documents d WHERE d.dup_hash = ?{_COL["dup_hash"]}
     AND d.dup_key = ?{_COL["dup_key"]} AND +d.id <= {{base}}
     AND {_SAME_WORK_ROW} ORDER BY d.id LIMIT 1) END,
  {{base}} + NULLIF(?{_COL["key_first"]}, 0)))
"""
# Rows of a batch not marked duplicates although an earlier document has their title and
# year (see SAME_WORK): reported, so that the user sees why they were kept apart.
_KEPT_APART = """
SELECT t.path, r.record, s.path, e.record, e.id
FROM main.documents r
JOIN main.documents e ON e.id = (
  SELECT d.id FROM main.documents d WHERE d.dup_hash = r.dup_hash AND d.dup_key = r.dup_key
  AND d.id < r.id
  ORDER BY d.id LIMIT 1)
JOIN main.sources s ON s.id = e.source_id
JOIN main.sources t ON t.id = r.source_id
WHERE r.id > :base AND r.dup_key <> '' AND r.dup_of IS NULL
ORDER BY r.id
"""


def _insert_rows(
    conn: sqlite3.Connection, base: int, source_id: int, offset: int, rows: Sequence[Any]
) -> int:
    """Insert staged rows straight into ``documents`` (one ``executemany``: each row is
    written once); return how many were marked duplicates."""
    sql = _INSERT_ROW.format(base=int(base), source=int(source_id), offset=int(offset))
    conn.executemany(sql, rows)
    return int(
        conn.execute("SELECT COUNT(dup_of) FROM documents WHERE id > ?", (base,)).fetchone()[0]
    )


def stage_rows(
    rows: Sequence[Sequence[Any]],
    *,
    image: bool,
    links: Sequence[Sequence[int]] | None = None,
    sides: int = 1,
    path: str | None = None,
) -> bytes | list[Sequence[Any]] | str:
    """A batch of rows (in :data:`STAGE_COLUMNS` order) ready for :func:`insert_staged`,
    and in an image its keyword ``links`` for :func:`insert_staged_links`: per row, its
    links in position order, each coded ``label index * sides + side``.

    With ``image``, the rows are written to an in-memory SQLite database and returned as
    its serialized bytes: how a worker process hands a batch to the main process. The
    main process then inserts it with one ``INSERT … SELECT`` that SQLite runs without
    creating a Python object per row or value: ~12 µs a record in the main process
    against ~21 µs for unpickling (5–7 µs; marshal 4 µs) and binding the same rows
    straight into ``documents`` (CNKI RefWorks), and the main process is the one that
    cannot be parallelised; the image costs the worker 7.5 µs a record, pickling 5.4 µs,
    so the image is also cheaper in total. Without ``image`` (or where this SQLite cannot
    serialize) the rows are returned as they are, and written once.

    With ``image`` and a ``path`` (a new or empty file), the image is written there as an
    SQLite file and its path returned, for the main process to attach
    (:func:`staging_file`): the image is neither serialized here (a copy of ~10 MB a chunk)
    nor read back and deserialized there (two more), and no process faults those buffers'
    pages in: 1.5 µs a record less in a worker (CNKI RefWorks). The file is scratch, never
    synced: its reader runs on the same machine and reads it from the page cache.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> row = tuple(STAGE_NULL if c in _NULLABLE else "" for c in STAGE_COLUMNS)
    >>> staged = stage_rows([row], image=True, path=os.path.join(folder, "unit.image"))
    >>> staged == os.path.join(folder, "unit.image"), os.path.getsize(staged) > 0
    (True, True)
    >>> os.remove(staged); os.rmdir(folder)
    """
    if not image or not hasattr(sqlite3.Connection, "serialize"):
        return list(rows)
    conn = sqlite3.connect(path or ":memory:", isolation_level=None)
    try:
        if path is not None:
            # scratch: no journal, no sync, every page in the cache until the commit
            for pragma in _SCRATCH_PRAGMAS:
                conn.execute(f"PRAGMA {pragma}")
        conn.execute(f"PRAGMA page_size = {_STAGE_PAGE}")
        for ddl in _STAGE_DDL:
            conn.execute(ddl)
        conn.execute("BEGIN")
        conn.executemany(_STAGE_INSERT, rows)
        if links:
            text = json.dumps(links, separators=(",", ":"))
            conn.execute(_STAGE_LINKS, {"links": text, "sides": int(sides)})
        conn.execute("COMMIT")
        return path if path is not None else conn.serialize()
    finally:
        conn.close()


@contextmanager
def staging_file(store: Store, path: str) -> Iterator[str]:
    """Attach the image file ``path`` (written by :func:`stage_rows`) as ``stage``, in
    place of the in-memory one :func:`staging` attached, for :func:`insert_staged`; on
    exit the in-memory one is back and the file removed.

    Must be entered outside a transaction (SQLite cannot attach inside one); the file is
    written in the caller's transaction (duplicates and labels found for the unit) without
    a journal on disk or a sync, which also keeps the commit to the project file alone.
    """
    import os

    conn = store.conn
    conn.execute("DETACH DATABASE stage")
    try:
        conn.execute("ATTACH DATABASE ? AS stage", (path,))
        try:
            conn.execute("PRAGMA stage.journal_mode = MEMORY")
            conn.execute("PRAGMA stage.synchronous = OFF")
            yield path
        finally:
            conn.execute("DETACH DATABASE stage")
    finally:
        conn.execute("ATTACH DATABASE ':memory:' AS stage")
        with suppress(OSError):
            os.remove(path)


@contextmanager
def staging(store: Store) -> Iterator[None]:
    """Attach the in-memory schema ``stage`` that :func:`insert_staged` reads batches from.

    Must be entered outside a transaction (SQLite cannot attach inside one).
    """
    conn = store.conn
    conn.execute("ATTACH DATABASE ':memory:' AS stage")
    try:
        yield
    finally:
        conn.execute("DETACH DATABASE stage")


def insert_staged(
    store: Store,
    source_id: int,
    record_offset: int,
    staged: bytes | Sequence[Sequence[Any]] | str,
) -> tuple[int, int]:
    """Insert a batch from :func:`stage_rows`, marking duplicates of earlier documents.

    Runs inside the caller's transaction (an image: within ``with staging(store):``; an
    image file, named by its path: also within ``with staging_file(store, path):``).
    Record numbers are shifted by ``record_offset``. A document duplicates the first
    document with the same DOI, else the first with the same ``dup_key`` (as
    :func:`mark_duplicates` decides). Rows (made in this process) are bound and written
    straight into ``documents``; an image (made by a worker process) is copied with one
    ``INSERT … SELECT``, which costs this process less than unpickling and binding them.
    Returns the id before the batch's first document (its documents are the next ids, in
    order) and how many of them were marked duplicates.
    """
    conn = store.conn
    base = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.documents").fetchone()[0])
    if isinstance(staged, str):  # an image file, attached by the caller (staging_file)
        pass
    elif not isinstance(staged, bytes):
        return base, _insert_rows(conn, base, source_id, record_offset, staged)
    else:
        conn.deserialize(staged, name="stage")
    if "dup_hash" not in {r[1] for r in conn.execute("PRAGMA stage.table_info(rows)")}:
        # staged by a zhagen before 0020_import9c (a cluster's shard of an import resumed
        # after an upgrade): its rows get their dup_hash here
        conn.create_function("zhagen_dup_hash", 1, dup_hash, deterministic=True)
        conn.execute("ALTER TABLE stage.rows ADD COLUMN dup_hash")
        conn.execute("UPDATE stage.rows SET dup_hash = zhagen_dup_hash(dup_key)")
    conn.execute(_FIND_FIRSTS, {"base": base})
    conn.execute(_INSERT_STAGED, {"base": base, "source": source_id, "offset": record_offset})
    dups = conn.execute("SELECT COUNT(*) FROM stage.firsts").fetchone()[0]
    return base, int(dups)


def insert_staged_links(store: Store, kind: int, base: int, entity_ids: Sequence[int]) -> None:
    """Insert the keyword links of the image attached by :func:`insert_staged` as links of
    ``kind`` of the documents after id ``base``, the label index ``i`` of a link being
    entity ``entity_ids[i]``: one ``INSERT … SELECT``, no Python object per link."""
    conn = store.conn
    # one JSON text split by SQLite, not a pair bound per label: a unit of distinct
    # keywords has ~3.7 labels a record
    ids = json.dumps(list(entity_ids), separators=(",", ":"))
    conn.execute("INSERT INTO stage.labels SELECT key, value FROM json_each(?)", (ids,))
    conn.execute(
        "INSERT INTO main.doc_entities(kind, doc_id, pos, role, entity_id) "
        f"SELECT {int(kind)}, {int(base)} + k.rid, k.pos, k.role, e.entity "
        "FROM stage.links k JOIN stage.labels e ON e.label = k.label ORDER BY k.rowid"
    )


def same_title_kept(store: Store, base: int) -> list[tuple[str, int, str, int, int]]:
    """Documents after id ``base`` (the batch just inserted by :func:`insert_staged`) that
    share their title and year with an earlier document, of an earlier batch or of this
    one, but were kept apart (another venue, no shared author): ``(source path, record,
    earlier document's source path, its record, its id)``.
    """
    rows = store.conn.execute(_KEPT_APART, {"base": base})
    return [(str(a), int(b), str(c), int(d), int(e)) for a, b, c, d, e in rows]


def insert_sentences(
    store: Store,
    document_id: int,
    spans: Sequence[tuple[int, int]],
    garbled: Sequence[bool] | None = None,
) -> None:
    """A document's sentence spans, and whether each holds mojibake (none, if not given)."""
    flags = garbled if garbled is not None else [False] * len(spans)
    store.conn.executemany(
        'INSERT OR REPLACE INTO sentences(document_id, idx, start, "end", garbled) '
        "VALUES (?, ?, ?, ?, ?)",
        (
            (document_id, i, s, e, int(g))
            for i, ((s, e), g) in enumerate(zip(spans, flags, strict=True))
        ),
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

    Duplicates share a DOI (case-insensitive) or a normalised title + year key and a venue
    or an author (see :data:`SAME_WORK`). They are reported, never merged. Returns how many were marked.
    """
    conn = store.conn
    conn.execute(
        "UPDATE documents SET dup_of = f.first FROM ("
        "  SELECT doi COLLATE NOCASE AS k, MIN(id) AS first FROM documents"
        "  WHERE doi <> '' GROUP BY doi COLLATE NOCASE HAVING COUNT(*) > 1"
        ") AS f WHERE documents.doi = f.k COLLATE NOCASE AND documents.id > f.first"
        "  AND documents.source_id = ? AND documents.dup_of IS NULL",
        (source_id,),
    )
    conn.execute(
        "UPDATE documents AS r SET dup_of = (SELECT d.id FROM documents d"
        "  WHERE d.dup_hash = r.dup_hash AND d.dup_key = r.dup_key AND d.id < r.id"
        f"  AND {SAME_WORK} ORDER BY d.id LIMIT 1)"
        " WHERE r.source_id = ? AND r.dup_of IS NULL AND r.dup_key <> ''",
        (source_id,),
    )
    row = conn.execute(
        "SELECT COUNT(*) FROM documents WHERE source_id = ? AND dup_of IS NOT NULL", (source_id,)
    ).fetchone()
    return int(row[0])


#: Columns of a row of :func:`find_documents`, in order (JSON columns still encoded).
FOUND_COLUMNS: tuple[str, ...] = (
    "id", "source", "record", "format", "type", "title", "authors", "affiliations", "venue",
    "year", "keywords", "abstract", "doi", "lang", "dup_of", "problems", "codings",
)  # fmt: skip
# The text a query is looked for in: title, venue, abstract, DOI, and each author and each
# keyword (of any language) on its own, so a query never matches across two of them. The
# JSON of authors and keywords is written with ensure_ascii=False, so a query without '"',
# '\' or control characters that is in an element is in the JSON text as it is: looking
# there first spares the JSON walk on the rows that cannot match (most of them).
_TEXT_MATCH = """(
  instr(lower(d.title), :q) OR instr(lower(d.venue), :q) OR instr(lower(d.abstract), :q)
  OR instr(lower(d.doi), :q)
  OR ({authors} EXISTS (SELECT 1 FROM json_each(d.authors) a WHERE instr(lower(a.value), :q)))
  OR ({keywords} EXISTS (SELECT 1 FROM json_each(d.keywords) l, json_each(l.value) k
                  WHERE instr(lower(k.value), :q))))"""
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')
_JSON_LISTS = ("authors", "keywords")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CODINGS = "(SELECT COUNT(*) FROM codings c WHERE c.document_id = d.id{coder})"


def _find_where(
    *,
    q: str,
    doc_type: str | None,
    year: int | None,
    source: int | str | None,
    coded: bool | None,
    coder_id: int | None,
    ids: Collection[int] | None = None,
) -> tuple[str, dict[str, Any]]:
    q = q.strip().translate(_ASCII_LOWER)  # as SQLite's lower(), which folds ASCII only
    where, args = [], {"q": q, "type": doc_type, "year": year, "coder": coder_id}
    if ids is not None:  # a scope (zhagen.scope), evaluated already
        where.append("d.id IN (SELECT value FROM json_each(:ids))")
        args["ids"] = id_list_json(ids)
    if q:
        escaped = _JSON_ESCAPED.search(q) is not None
        first = {k: "" if escaped else f"instr(lower(d.{k}), :q) AND" for k in _JSON_LISTS}
        where.append(_TEXT_MATCH.format(**first))
    if doc_type is not None:
        where.append("d.type = :type")
    if year is not None:
        where.append("d.year = :year")
    if isinstance(source, int):
        where.append("d.source_id = :source")
        args["source"] = source
    elif source is not None:  # the path as listed, or its file name
        where.append("(s.path = :source OR substr(s.path, -length(:source) - 1) = '/' || :source)")
        args["source"] = source
    if coded is not None:
        exists = _CODINGS.format(coder="" if coder_id is None else " AND c.coder_id = :coder")
        where.append(f"{exists} {'>' if coded else '='} 0")
    return (" WHERE " + " AND ".join(where)) if where else "", args


def find_documents(
    store: Store,
    *,
    q: str = "",
    doc_type: str | None = None,
    year: int | None = None,
    source: int | str | None = None,
    coded: bool | None = None,
    coder_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    ids: Collection[int] | None = None,
) -> tuple[int, list[tuple[Any, ...]]]:
    """Documents matching every filter given, in id order: how many match, and the rows
    ``offset`` to ``offset + limit`` (all with ``limit=None``) in :data:`FOUND_COLUMNS` order.

    ``q`` is found in the title, venue, abstract, DOI or one author or keyword, ignoring
    the case of ASCII letters (leading and trailing white space ignored); ``coded`` keeps documents with (True) or
    without (False) codings, of coder ``coder_id`` if given, whose count ``codings`` is;
    ``ids`` keeps only those documents (a scope).

    >>> import tempfile, os
    >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
    >>> find_documents(store, q="新质", coded=True, limit=10)
    (0, [])
    """
    where, args = _find_where(
        q=q, doc_type=doc_type, year=year, source=source, coded=coded, coder_id=coder_id,
        ids=ids,
    )  # fmt: skip
    joins = "FROM documents d JOIN sources s ON s.id = d.source_id"
    total = store.conn.execute(f"SELECT COUNT(*) {joins}{where}", args).fetchone()[0]
    count = _CODINGS.format(coder="" if coder_id is None else " AND c.coder_id = :coder")
    sql = (
        "SELECT d.id, s.path, d.record, d.format, d.type, d.title, d.authors, d.affiliations, "
        "d.venue, d.year, d.keywords, d.abstract, d.doi, d.lang, d.dup_of, "
        "(SELECT group_concat(p.zh || ' / ' || p.en, char(10)) FROM problems p "
        " WHERE p.source_id = d.source_id AND p.record = d.record), "
        f"{count} {joins}{where} ORDER BY d.id LIMIT :limit OFFSET :offset"
    )
    args.update(limit=-1 if limit is None else int(limit), offset=int(offset))
    return int(total), [tuple(r) for r in store.conn.execute(sql, args)]


def document_facets(store: Store) -> tuple[list[str], list[int]]:
    """The document types and the years present, each sorted (what a list filters by)."""
    conn = store.conn
    types = [r[0] for r in conn.execute("SELECT DISTINCT type FROM documents ORDER BY 1")]
    years = conn.execute("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY 1")
    return [str(t) for t in types if t is not None], [int(r[0]) for r in years]


def document_row(store: Store, doc_id: int) -> dict[str, Any] | None:
    """Every column of one document (JSON still encoded) and its source's path, or None
    (not ``dup_hash``, which only indexes ``dup_key``)."""
    row = one(
        store.conn.execute(
            "SELECT d.*, s.path AS source FROM documents d JOIN sources s ON s.id = d.source_id "
            "WHERE d.id = ?",
            (doc_id,),
        )
    )
    if row is not None:
        row.pop("dup_hash", None)
    return row


def document_ids(store: Store, types: list[str] | None = None) -> list[int]:
    if types is None:
        return [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    marks = ", ".join("?" for _ in types)
    sql = f"SELECT id FROM documents WHERE type IN ({marks}) ORDER BY id"
    return [r[0] for r in store.conn.execute(sql, types)]


def count_documents(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def sentence_rows(store: Store, doc_id: int) -> list[dict[str, Any]]:
    """The stored sentences of a document: idx, start, end, garbled, in order."""
    return rows(
        store.conn.execute(
            'SELECT idx, start, "end", garbled FROM sentences WHERE document_id = ? ORDER BY idx',
            (doc_id,),
        )
    )


#: The problem reported for an import that never finished: its source is still ``partial``
#: with no records counted (a finished partial import counts the records it kept).
_CUT_OFF = (
    "SELECT NULL AS id, path, NULL AS record, NULL AS line, 'error' AS severity, "
    "'import-cut-off' AS code, "
    "'导入在中途被中断（进程被终止或仍在运行），已导入的部分记录可能不完整；请重新导入这个文件' AS zh, "
    "'the import was cut off (its process was killed, or is still running); what it "
    "stored may be incomplete; add the file again' AS en, "
    "added AS created FROM sources WHERE status = 'partial' AND n_records = 0"
)


def problem_rows(store: Store) -> list[dict[str, Any]]:
    """Every import problem, then one for each import that was cut off."""
    return rows(
        store.conn.execute(
            "SELECT * FROM (SELECT id, path, record, line, severity, code, zh, en, created "
            f"FROM problems ORDER BY id) UNION ALL SELECT * FROM ({_CUT_OFF})"
        )
    )


def source_rows(store: Store) -> list[dict[str, Any]]:
    """Every imported file: id, path, sha256, size, format, status, n_records, added."""
    return rows(
        store.conn.execute(
            "SELECT id, path, sha256, size, format, status, n_records, added FROM sources ORDER BY id"
        )
    )
