"""Frozen texts kept for coding retrieval (``store.coding.coded_texts``, migration 0019):
the same answers as reading them, and nothing kept that could have turned wrong."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zhagen.examples import tiny_project
from zhagen.project import Project
from zhagen.store import coding as q


def _project(tmp_path: Path) -> Project:
    tiny = tiny_project()
    path = tiny.path
    tiny.close()
    return Project.open(path)


def _kept(p: Project) -> dict[int, str]:
    return p.store.memo.get("coded_texts", (None, {}))[1]


def test_kept_texts_answer_as_the_file(tmp_path: Path) -> None:
    with _project(tmp_path) as p:
        ids = p.documents.ids()
        p.codings.add(ids[0], 0, 2, "政策支持", coder="甲")
        truth = q.document_texts(p.store, ids)
        first = q.coded_texts(p.store, ids)
        assert first == truth
        frozen = {r[0] for r in p.store.conn.execute("SELECT id FROM documents WHERE frozen")}
        assert set(_kept(p)) == frozen  # only frozen texts are kept
        assert q.coded_texts(p.store, ids) == truth  # kept or read, the same
        before = p.codings()
        assert p.codings().equals(before)
        pd.testing.assert_frame_equal(
            p.codings(), before.sort_values(["document", "start", "end", "id"])
        )


def test_a_text_that_may_change_is_not_kept(tmp_path: Path) -> None:
    with _project(tmp_path) as p:
        conn = p.store.conn
        ids = p.documents.ids()
        p.codings.add(ids[0], 0, 2, "政策支持", coder="甲")
        q.coded_texts(p.store, ids)
        assert ids[0] in _kept(p)
        # unfrozen by hand (not something zhagen does), then its text changed: not kept
        conn.execute("UPDATE documents SET frozen = 0 WHERE id = ?", (ids[0],))
        conn.execute("UPDATE documents SET title = '改过的标题' WHERE id = ?", (ids[0],))
        assert q.coded_texts(p.store, [ids[0]]) == q.document_texts(p.store, [ids[0]])
        assert ids[0] not in _kept(p)


def test_a_deleted_document_empties_what_is_kept(tmp_path: Path) -> None:
    with _project(tmp_path) as p:
        conn = p.store.conn
        ids = p.documents.ids()
        q.coded_texts(p.store, ids)
        kept = set(_kept(p))
        assert kept
        gone = max(ids)  # its id may be taken again by the next document
        conn.execute("DELETE FROM codings WHERE document_id = ?", (gone,))
        conn.execute("DELETE FROM memos WHERE target_type = 'document' AND target_id = ?", (gone,))
        conn.execute("DELETE FROM sentences WHERE document_id = ?", (gone,))
        conn.execute("DELETE FROM documents WHERE id = ?", (gone,))
        assert q.coded_texts(p.store, ids) == q.document_texts(p.store, ids)
        assert gone not in q.coded_texts(p.store, ids)
        assert gone not in _kept(p)


def test_nothing_is_kept_inside_a_transaction(tmp_path: Path) -> None:
    with _project(tmp_path) as p:
        ids = p.documents.ids()
        with p.store.transaction():
            p.store.conn.execute("UPDATE documents SET frozen = 1")
            assert q.coded_texts(p.store, ids) == q.document_texts(p.store, ids)
            assert _kept(p) == {}
