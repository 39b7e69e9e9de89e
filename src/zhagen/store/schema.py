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

_CODING = """
-- AUTOINCREMENT: an id is never reused, so the log and exports never mean two things by one id.
CREATE TABLE coders (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    name    TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created TEXT NOT NULL
);

-- The code tree. Levels: 1 初始概念, 2 初始范畴, 3 主范畴, 4 核心范畴 (0006 makes the level
-- free of the depth, possibly NULL, and parent.level > child.level a reported check). parent_id has no ON DELETE action on purpose: children are
-- re-parented or deleted by the engine explicitly, so that every change is in the undo log.
CREATE TABLE codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    parent_id   INTEGER REFERENCES codes(id),
    level       INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 4),
    description TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL CHECK (length(color) = 7 AND color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    position    INTEGER NOT NULL DEFAULT 0,          -- order among siblings
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE UNIQUE INDEX codes_sibling_name ON codes(coalesce(parent_id, 0), name);
CREATE INDEX codes_parent ON codes(parent_id, position);
CREATE INDEX codes_name ON codes(name);

-- A coded span: code points into the document's cleaned text, end exclusive.
CREATE TABLE codings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    start       INTEGER NOT NULL CHECK (start >= 0),
    "end"       INTEGER NOT NULL,
    code_id     INTEGER NOT NULL REFERENCES codes(id),
    coder_id    INTEGER NOT NULL REFERENCES coders(id),
    created     TEXT NOT NULL,
    CHECK (start < "end")
);
-- also serves lookups by (document_id, start)
CREATE UNIQUE INDEX codings_span ON codings(document_id, start, "end", code_id, coder_id);
CREATE INDEX codings_code ON codings(code_id, coder_id);
CREATE INDEX codings_coder ON codings(coder_id);

CREATE TABLE memos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    target_type TEXT NOT NULL
                CHECK (target_type IN ('project', 'document', 'code', 'coding', 'relation')),
    target_id   INTEGER,                             -- NULL for the project
    title       TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL DEFAULT '',
    coder_id    INTEGER REFERENCES coders(id),
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    CHECK ((target_type = 'project') = (target_id IS NULL))
);
CREATE INDEX memos_target ON memos(target_type, target_id);
-- the storyline (故事线) is the one project memo with that title
CREATE UNIQUE INDEX memos_storyline ON memos(title)
    WHERE target_type = 'project' AND title = '故事线';

-- Relations between codes (the paradigm model: 因果条件, 情境, 中介条件, 行动策略, 结果 or free text).
CREATE TABLE relations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    source_code_id INTEGER NOT NULL REFERENCES codes(id),
    target_code_id INTEGER NOT NULL REFERENCES codes(id),
    type           TEXT NOT NULL CHECK (length(trim(type)) > 0),
    description    TEXT NOT NULL DEFAULT '',
    created        TEXT NOT NULL,
    CHECK (source_code_id <> target_code_id)
);
CREATE UNIQUE INDEX relations_unique ON relations(source_code_id, target_code_id, type);
CREATE INDEX relations_target ON relations(target_code_id);

-- Undo/redo state of undoable log entries (the log itself stays append-only). Undo takes
-- the newest entry not undone (of one actor, or of anyone); redo the entry undone most
-- recently (largest undo_log); a new edit deletes the undone entries (clears redo).
CREATE TABLE history (
    log_id   INTEGER PRIMARY KEY REFERENCES log(id),
    actor    TEXT NOT NULL DEFAULT '',
    undone   INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    undo_log INTEGER REFERENCES log(id),          -- the 'undo' entry that undid it
    CHECK ((undone = 1) = (undo_log IS NOT NULL))
);
CREATE INDEX history_undone ON history(undone, log_id);
CREATE INDEX history_actor ON history(actor, undone, log_id);
CREATE INDEX history_redo ON history(undone, undo_log);

-- Once a document has codings its text is frozen: offsets must keep pointing at it.
CREATE TRIGGER documents_frozen_text BEFORE UPDATE OF body, title, abstract ON documents
WHEN OLD.frozen = 1 AND (NEW.body IS NOT OLD.body OR NEW.title IS NOT OLD.title
                         OR NEW.abstract IS NOT OLD.abstract)
BEGIN SELECT RAISE(ABORT, 'document text is frozen: it has codings'); END;
"""

_RUNS = """
CREATE TABLE runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,               -- 'map', 'saturation', 'agreement', ...
    params   TEXT NOT NULL,               -- JSON: every parameter, enough to re-run
    summary  TEXT NOT NULL,               -- JSON: what the run reported
    created  TEXT NOT NULL
);
"""

# A sentence that holds mojibake (zhagen.text.sentences.garbled_sentences) is kept but marked,
# so that coding tables and AI suggestions can leave it out.
_SENTENCE_GARBLED = """
ALTER TABLE sentences ADD COLUMN garbled INTEGER NOT NULL DEFAULT 0;
"""

# DOIs are stored as written (issue 9) and compared without regard to case.
_DOI_CASE = """
CREATE INDEX documents_doi_nocase ON documents(doi COLLATE NOCASE);
DROP INDEX documents_doi;
"""

# A code's grounded-theory level is an attribute, not its depth (issue 9): it may be NULL
# (no level) and the tree is not limited to four levels; the rule parent.level > child.level
# is a check the tables report (zhagen.coding.levels.level_problems). SQLite cannot drop a
# CHECK constraint, so the table is rebuilt (ids, order and every column kept; the store
# runs migrations with foreign keys off and checks them before committing). No trigger is
# on codes; the log's append-only and the text-freeze triggers are untouched.
_CODE_LEVEL_FREE = """
CREATE TABLE codes_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    parent_id   INTEGER REFERENCES codes(id),
    level       INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 4),
    description TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL CHECK (length(color) = 7 AND color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    position    INTEGER NOT NULL DEFAULT 0,
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
INSERT INTO codes_new(id, name, parent_id, level, description, color, position, created, modified)
SELECT id, name, parent_id, level, description, color, position, created, modified FROM codes;
DROP TABLE codes;
ALTER TABLE codes_new RENAME TO codes;
CREATE UNIQUE INDEX codes_sibling_name ON codes(coalesce(parent_id, 0), name);
CREATE INDEX codes_parent ON codes(parent_id, position);
CREATE INDEX codes_name ON codes(name);
"""

# REFI-QDA export keeps what an import read (issue 9): the GUID of each imported object with
# the attributes zhagen does not model (a code's isCodable and whether it had a colour, a
# coding's selection and its own creatingUser), and, as read, the parts of the file zhagen
# does not import (users, sets, links other than relations, graphs, variables, cases,
# sources without text); an export writes them back. Rows of deleted objects are harmless:
# ids are never reused (AUTOINCREMENT).
_QDA_KEPT = """
CREATE TABLE qda_ids (
    kind   TEXT NOT NULL,               -- 'code', 'coder', 'coding', 'memo', 'relation'
    row_id INTEGER NOT NULL,            -- the id in that kind's table
    guid   TEXT NOT NULL,
    attrs  TEXT NOT NULL DEFAULT '{}',  -- JSON
    PRIMARY KEY (kind, row_id)
);
CREATE TABLE qda_kept (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    kind      TEXT NOT NULL,            -- 'user', 'set', 'link', 'source', or an element name
    guid      TEXT,
    data      TEXT NOT NULL             -- the element's XML, or JSON of its fields
);
"""

# Memo types (issue 14): Kuckartz's code, theory, method and reflection memos; '' is a memo
# without a type (every memo written before).
_MEMO_TYPE = """
ALTER TABLE memos ADD COLUMN type TEXT NOT NULL DEFAULT ''
    CHECK (type IN ('', 'code', 'theory', 'method', 'reflection'));
CREATE INDEX memos_type ON memos(type);
"""

# Document attributes (NVivo's classifications) and sets of documents (issue 12). Each
# table has an integer id so that the undo log snapshots its rows as it does the coding
# tables'. A value is stored as its attribute's type says (integer for 'int', ISO text
# for 'date', text otherwise): the column has no declared type, so SQLite keeps it as
# given. A document deleted (its source imported again) takes its values and memberships
# with it.
_SETS_ATTRIBUTES = """
CREATE TABLE attributes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    type     TEXT NOT NULL CHECK (type IN ('text', 'int', 'date', 'choice')),
    choices  TEXT NOT NULL DEFAULT '[]',   -- JSON list, for 'choice'
    position INTEGER NOT NULL DEFAULT 0,
    created  TEXT NOT NULL
);
CREATE TABLE attribute_values (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    attribute_id INTEGER NOT NULL REFERENCES attributes(id),
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    value        NOT NULL
);
CREATE UNIQUE INDEX attribute_values_doc ON attribute_values(attribute_id, document_id);
CREATE INDEX attribute_values_value ON attribute_values(attribute_id, value);
CREATE INDEX attribute_values_document ON attribute_values(document_id);

CREATE TABLE sets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('static', 'query')),
    query       TEXT NOT NULL DEFAULT '',  -- the scope query of a query set
    description TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    CHECK ((kind = 'query') = (length(trim(query)) > 0))
);
CREATE TABLE set_members (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    set_id      INTEGER NOT NULL REFERENCES sets(id),
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX set_members_unique ON set_members(set_id, document_id);
CREATE INDEX set_members_document ON set_members(document_id);
"""

# AI-assisted coding (issue 15): a suggestion is a proposed coding, never a coding. It is kept
# apart from ``codings`` so that no analysis counts it; an accepted one points at the coding it
# became (``coding_id``: no foreign key, coding ids are never reused, and an undone accept
# deletes the coding while the suggestion goes back to 'open'). A rejected one stays, so the
# same sentence and code is never suggested again. Suggestions go with their document and
# with a deleted code (a suggestion of a code that no longer exists means nothing).
_SUGGESTIONS = """
CREATE TABLE suggestions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start          INTEGER NOT NULL CHECK (start >= 0),
    "end"          INTEGER NOT NULL,
    sentence_idx   INTEGER NOT NULL CHECK (sentence_idx >= 0),   -- from 0
    code_id        INTEGER REFERENCES codes(id) ON DELETE CASCADE,
    new_code       TEXT,                 -- a proposed new code's name (open coding)
    score          REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    rank           INTEGER NOT NULL CHECK (rank >= 1),
    rationale      TEXT NOT NULL DEFAULT '',
    quote          TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL CHECK (source IN ('learner', 'model')),
    source_version TEXT NOT NULL DEFAULT '',
    params         TEXT NOT NULL DEFAULT '{}',                  -- JSON
    prompt_hash    TEXT,
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'accepted', 'rejected')),
    coding_id      INTEGER,              -- the coding an accepted suggestion became
    decided_by     TEXT NOT NULL DEFAULT '',
    created        TEXT NOT NULL,
    decided        TEXT,
    CHECK (start < "end"),
    CHECK ((code_id IS NULL) <> (new_code IS NULL))
);
CREATE INDEX suggestions_status ON suggestions(status, document_id, sentence_idx);
CREATE INDEX suggestions_sentence ON suggestions(document_id, sentence_idx);
CREATE INDEX suggestions_code ON suggestions(code_id);
CREATE INDEX suggestions_coding ON suggestions(coding_id) WHERE coding_id IS NOT NULL;
"""

# A language model endpoint (issue 15): its replies cached by prompt hash (the sha256 of model,
# messages and sampling parameters), so a re-run sends nothing and reads the same answer; the
# request is kept beside the reply so every suggestion can be traced to what was asked. No API
# key is ever stored. ``llm_consent`` records, once per project, that the researcher agreed to
# send text to an endpoint that is not on this machine (by origin: scheme://host:port).
_LLM = """
CREATE TABLE llm_cache (
    prompt_hash    TEXT PRIMARY KEY,
    model          TEXT NOT NULL,
    task           TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    endpoint       TEXT NOT NULL,       -- the origin that answered
    request        TEXT NOT NULL,       -- JSON: messages and sampling parameters
    reply          TEXT NOT NULL,       -- the reply's text as received
    created        TEXT NOT NULL
);
CREATE TABLE llm_consent (
    origin    TEXT PRIMARY KEY,         -- scheme://host:port
    actor     TEXT NOT NULL DEFAULT '',
    confirmed TEXT NOT NULL
);
"""

# The model figure (issue 16): a main category's role in the paradigm model (因果条件, 现象,
# 情境条件, 中介条件, 行动策略, 结果; '' for none) and where the researcher moved its box in
# each layout (NULL: where the layout puts it). One row per code, made on first use; the
# engine deletes it with its code so that every change is in the undo log.
_MODEL_LAYOUT = """
CREATE TABLE model_boxes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code_id    INTEGER NOT NULL UNIQUE REFERENCES codes(id),
    role       TEXT NOT NULL DEFAULT '',
    tree_x     REAL,
    tree_y     REAL,
    paradigm_x REAL,
    paradigm_y REAL
);
"""

_ENTITIES = """
-- Entity tables (issue 18): what a map's nodes are, derived once from the stored fields.
CREATE TABLE entity_kinds (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,          -- 'keyword', ...
    version   INTEGER NOT NULL,              -- normalisation version the links were made with
    thesaurus TEXT NOT NULL DEFAULT '',      -- sha256 of a thesaurus applied while deriving ('' none)
    upto      INTEGER NOT NULL DEFAULT 0     -- every document with id <= upto has its links
);
CREATE TABLE entities (
    id    INTEGER PRIMARY KEY,
    kind  INTEGER NOT NULL REFERENCES entity_kinds(id) ON DELETE CASCADE,
    label TEXT NOT NULL                      -- the normalised entity, once per kind (the
                                             -- derivation keeps label -> id; an index on
                                             -- (kind, label) would cost ~2 s per 1M labels)
);
CREATE TABLE doc_entities (
    kind      INTEGER NOT NULL,
    doc_id    INTEGER NOT NULL,
    pos       INTEGER NOT NULL,              -- order in the document (0: first)
    role      INTEGER NOT NULL DEFAULT 0,    -- keywords: 0 zh, 1 en, 2 Keywords Plus
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (kind, doc_id, pos)
) WITHOUT ROWID;
-- documents whose fields changed or that were deleted after their links were made
CREATE TABLE entity_stale (
    kind   INTEGER NOT NULL,
    doc_id INTEGER NOT NULL,
    PRIMARY KEY (kind, doc_id)
) WITHOUT ROWID;
CREATE TRIGGER documents_entities_update
AFTER UPDATE OF keywords, authors, affiliations, cited_refs, extra ON documents
BEGIN
    INSERT OR IGNORE INTO entity_stale(kind, doc_id) SELECT id, old.id FROM entity_kinds;
END;
CREATE TRIGGER documents_entities_delete AFTER DELETE ON documents
BEGIN
    INSERT OR IGNORE INTO entity_stale(kind, doc_id) SELECT id, old.id FROM entity_kinds;
END;
"""

_CODING_INDEX = """
-- The codings of a code set read from the index alone (issue 18): every column a retrieval
-- returns is in the index, so a main category's ~22 000 codings cost no table lookup each.
-- Same leading columns as before, so every query that used the old index still does.
DROP INDEX codings_code;
CREATE INDEX codings_code ON codings(code_id, coder_id, document_id, start, "end", created);
"""

_COCITE = """
-- Parts of each distinct entity (issue 13): a cited reference's spelling, cited author,
-- cited journal and work identifiers, derived once per distinct WoS CR string, so a
-- co-citation map reads integers instead of parsing a million strings on every run.
CREATE TABLE entity_parts (
    kind      INTEGER NOT NULL,              -- the derived kind (entity_kinds.id; its upto:
                                             -- every entity with id <= upto has its parts)
    role      INTEGER NOT NULL,              -- which part (entities.tables.PART_ROLES)
    entity_id INTEGER NOT NULL,              -- the entity the part is of
    part_id   INTEGER NOT NULL,              -- the part: an entity of the derived kind
    PRIMARY KEY (kind, role, entity_id, part_id)
) WITHOUT ROWID;
"""

_MERGED_UNITS = """
-- The units (chunks or batches of records) of an import that is still running, or was cut
-- off, each recorded in the transaction that stored its documents (issue 17): the same
-- import run again resumes after the last one, with its numbers. Removed when the import
-- of the file ends (and with its source).
CREATE TABLE merged_units (
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    unit       INTEGER NOT NULL,      -- the unit's place in the file, from 0
    cut        TEXT NOT NULL,         -- how the file was cut into units (format, sizes)
    records    INTEGER NOT NULL,      -- records read up to the end of this unit
    lines      INTEGER NOT NULL,      -- lines of the chunks up to the end of this unit
    kept       INTEGER NOT NULL,      -- documents stored up to the end of this unit
    duplicates INTEGER NOT NULL,      -- of them, marked duplicates
    tail       TEXT,                  -- JSON: what the unit's chunk reader saw of its end
    error      TEXT,                  -- JSON: the problem that stopped reading after it
    PRIMARY KEY (source_id, unit)
) WITHOUT ROWID;
"""

_CODE_COUNTS = """
-- What the code list shows, kept current by triggers (issue 18), so that ``codes()`` after a
-- coding edit reads ~10 000 small rows instead of counting 200 000 codings again:
-- the number of codings of each code by each coder, and a version of the code table that
-- changes with every write to it (a random value, not a counter: a state of the table
-- restored from a backup gets the version it had, never one that meant another state).
CREATE TABLE code_counts (
    code_id  INTEGER NOT NULL,
    coder_id INTEGER NOT NULL,
    n        INTEGER NOT NULL,     -- may reach 0; readers skip those rows
    PRIMARY KEY (code_id, coder_id)
) WITHOUT ROWID;
INSERT INTO code_counts(code_id, coder_id, n)
    SELECT code_id, coder_id, COUNT(*) FROM codings GROUP BY code_id, coder_id;
CREATE TRIGGER codings_count_insert AFTER INSERT ON codings
BEGIN
    INSERT INTO code_counts(code_id, coder_id, n) VALUES (new.code_id, new.coder_id, 1)
    ON CONFLICT(code_id, coder_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER codings_count_delete AFTER DELETE ON codings
BEGIN
    UPDATE code_counts SET n = n - 1 WHERE code_id = old.code_id AND coder_id = old.coder_id;
END;
CREATE TRIGGER codings_count_update AFTER UPDATE OF code_id, coder_id ON codings
WHEN new.code_id IS NOT old.code_id OR new.coder_id IS NOT old.coder_id
BEGIN
    UPDATE code_counts SET n = n - 1 WHERE code_id = old.code_id AND coder_id = old.coder_id;
    INSERT INTO code_counts(code_id, coder_id, n) VALUES (new.code_id, new.coder_id, 1)
    ON CONFLICT(code_id, coder_id) DO UPDATE SET n = n + 1;
END;
CREATE TABLE table_versions (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO table_versions(name, value) VALUES ('codes', random());
CREATE TRIGGER codes_version_insert AFTER INSERT ON codes
BEGIN UPDATE table_versions SET value = random() WHERE name = 'codes'; END;
CREATE TRIGGER codes_version_update AFTER UPDATE ON codes
BEGIN UPDATE table_versions SET value = random() WHERE name = 'codes'; END;
CREATE TRIGGER codes_version_delete AFTER DELETE ON codes
BEGIN UPDATE table_versions SET value = random() WHERE name = 'codes'; END;
"""

_TITLE_PHRASES = """
-- The label phrases of each distinct title (issue 18): the title's terms and runs of terms
-- as the shared segmenter tags them, stored once, so a map's cluster labels need no
-- segmenter (its dictionary takes longer to load than a map of 300 records takes to build).
-- ``segmenter`` is the fingerprint of the segmenter and phrase rules that made them; rows
-- of another fingerprint are never read (and are dropped when new ones are stored).
CREATE TABLE title_phrases (
    segmenter TEXT NOT NULL,             -- text.segment.default_fingerprint()
    title     TEXT NOT NULL,             -- the title as stored in documents.title
    phrases   TEXT NOT NULL,             -- JSON list of the phrases, in order
    PRIMARY KEY (segmenter, title)
) WITHOUT ROWID;
"""

_HISTORY_INDEXES = """
-- Fewer index writes per edit (issue 18): every coding wrote a leaf of each of history's
-- three indexes. ``history_undone`` served only "the newest entry not undone", which the
-- primary key answers scanning from the newest entry (it skips only the entries undone
-- since the last edit: a new edit forgets them); the entries undone, the only rows the
-- clearing of the redo list and redo ask for, get a partial index that a new edit (not
-- undone) never writes. ``history_actor`` stays: one coder's newest edit, however old.
DROP INDEX history_undone;
DROP INDEX history_redo;
CREATE INDEX history_redone ON history(undo_log) WHERE undone = 1;

-- A coded document's text is frozen, so the texts read for coding retrieval are kept in
-- memory (store.coding.coded_texts). This value changes when a kept text could turn wrong:
-- a document deleted (its id may be taken again) or unfrozen.
INSERT INTO table_versions(name, value) VALUES ('documents', random());
CREATE TRIGGER documents_version_delete AFTER DELETE ON documents
BEGIN UPDATE table_versions SET value = random() WHERE name = 'documents'; END;
CREATE TRIGGER documents_version_unfrozen AFTER UPDATE OF frozen ON documents
WHEN NEW.frozen IS NOT 1
BEGIN UPDATE table_versions SET value = random() WHERE name = 'documents'; END;
"""

_DUP_HASH = """
-- Duplicate look-ups by an integer (issue 9/18, import speed): the index on dup_key held
-- each ~60-byte key, and every imported document's entry lands somewhere inside it (keys
-- are titles), so an import rewrote many of its pages per unit. dup_hash is the key's
-- CRC-32 (zhagen.store.db.dup_hash); look-ups compare dup_key too, so a shared hash never
-- makes two keys one. Every writer of documents sets it with dup_key.
ALTER TABLE documents ADD COLUMN dup_hash INTEGER;
UPDATE documents SET dup_hash = zhagen_dup_hash(dup_key) WHERE dup_key <> '';
CREATE INDEX documents_dup_hash ON documents(dup_hash);
DROP INDEX documents_dup_key;
"""

#: (name, SQL) in the order they are applied.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", _INITIAL),
    ("0002_coding", _CODING),
    ("0003_runs", _RUNS),
    ("0004_sentence_garbled", _SENTENCE_GARBLED),
    ("0005_doi_case", _DOI_CASE),
    ("0006_code_level_free", _CODE_LEVEL_FREE),
    ("0007_qda_kept", _QDA_KEPT),
    ("0008_memo_type", _MEMO_TYPE),
    ("0009_sets_attributes", _SETS_ATTRIBUTES),
    ("0010_suggestions", _SUGGESTIONS),
    ("0011_llm", _LLM),
    ("0012_model_layout", _MODEL_LAYOUT),
    ("0013_entities", _ENTITIES),
    ("0014_coding_index", _CODING_INDEX),
    ("0015_cocite", _COCITE),
    ("0016_scale17", _MERGED_UNITS),
    ("0017_code_counts", _CODE_COUNTS),
    ("0018_map18", _TITLE_PHRASES),
    ("0019_web18b", _HISTORY_INDEXES),
    ("0020_import9c", _DUP_HASH),
]
