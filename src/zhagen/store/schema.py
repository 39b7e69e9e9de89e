"""Named, ordered migrations. Each is applied once, in order, and recorded in ``migrations``.

Never edit a migration that has shipped: add a new one. Columns are never probed.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

_INITIAL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    path      TEXT NOT NULL,              -- the path as the user gave it
    abspath   TEXT,
    sha256    TEXT,                       -- NULL when the file could not be read at all
    size      INTEGER,
    format    TEXT,
    status    TEXT NOT NULL,              -- 'ok' | 'partial' | 'failed'
    n_records INTEGER NOT NULL DEFAULT 0,
    added     TEXT NOT NULL
);
CREATE INDEX sources_sha ON sources(sha256);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    record       INTEGER NOT NULL,        -- number of the record in its file, from 1
    format       TEXT NOT NULL,
    type         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    authors      TEXT NOT NULL DEFAULT '[]',     -- JSON list
    affiliations TEXT NOT NULL DEFAULT '[]',     -- JSON list
    venue        TEXT NOT NULL DEFAULT '',
    year         INTEGER,
    volume       TEXT NOT NULL DEFAULT '',
    issue        TEXT NOT NULL DEFAULT '',
    pages        TEXT NOT NULL DEFAULT '',
    keywords     TEXT NOT NULL DEFAULT '{}',     -- JSON {lang: [keyword, ...]}
    abstract     TEXT NOT NULL DEFAULT '',
    doi          TEXT NOT NULL DEFAULT '',
    issn         TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    lang         TEXT NOT NULL DEFAULT '',
    body         TEXT,                    -- cleaned full text of a raw document; NULL for records
    original     TEXT,                    -- JSON of fields as read, where cleaning changed them
    cleaning     TEXT NOT NULL DEFAULT '{}',     -- JSON report of repairs and flags
    cited_refs   TEXT NOT NULL DEFAULT '[]',
    extra        TEXT NOT NULL DEFAULT '{}',
    dup_key      TEXT,                    -- normalised title + year (or content hash)
    dup_of       INTEGER,                 -- id of the first document this duplicates
    frozen       INTEGER NOT NULL DEFAULT 0      -- 1 once coded: text may no longer change
);
CREATE INDEX documents_source ON documents(source_id);
CREATE INDEX documents_dup_key ON documents(dup_key);
CREATE INDEX documents_doi ON documents(doi);

CREATE TABLE sentences (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    start       INTEGER NOT NULL,         -- Unicode code points into the cleaned text
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (document_id, idx)
) WITHOUT ROWID;

CREATE TABLE problems (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    record      INTEGER,
    line        INTEGER,
    severity    TEXT NOT NULL,            -- 'error' | 'warning'
    code        TEXT NOT NULL DEFAULT '',
    zh          TEXT NOT NULL,
    en          TEXT NOT NULL,
    created     TEXT NOT NULL
);
CREATE INDEX problems_source ON problems(source_id, record);

CREATE TABLE terms (
    term    TEXT PRIMARY KEY,             -- a user's decision on a discovered term
    status  TEXT NOT NULL,                -- 'accepted' | 'rejected'
    added   TEXT NOT NULL
);

CREATE TABLE log (
    id      INTEGER PRIMARY KEY,
    ts      TEXT NOT NULL,
    actor   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',   -- JSON: what was done
    undo    TEXT                          -- JSON: how to undo it (NULL if not undoable)
);

-- the log is append-only
CREATE TRIGGER log_no_update BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_no_delete BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
"""

#: (name, SQL) in the order they are applied.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", _INITIAL),
]
