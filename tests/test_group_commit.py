"""Edits committed together (``Store.group``, ``Project.batch``, the web's ``GroupWriter``)
and the history indexes of migration 0019 (issue 18: less written per coding)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from zhagen.errors import ParameterError, ZhagenError
from zhagen.examples import tiny_project
from zhagen.project import Project
from zhagen.store.db import APPLICATION_ID
from zhagen.store.schema import MIGRATIONS
from zhagen.web.errors import WebError
from zhagen.web.state import GroupWriter, ProjectPool


def _tiny(tmp_path: Path) -> Path:
    project = tiny_project()
    path = Path(project.path)
    project.close()
    return path


def _codings(path: Path) -> set[tuple[int, int, int]]:
    with sqlite3.connect(path) as conn:
        return {tuple(r) for r in conn.execute('SELECT document_id, start, "end" FROM codings')}


def test_a_batch_keeps_each_edit_apart(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    with Project.open(path) as p:
        before, undoable = _codings(path), len(p.history(None))
        with p.batch():
            p.codings.add(1, 0, 2, "政策支持", coder="甲")
            with pytest.raises(ParameterError):  # rolled back alone
                p.codings.add(1, 0, 10_000, "政策支持", coder="甲")
            p.codings.add(2, 0, 3, "政策支持", coder="甲")
        assert _codings(path) - before == {(1, 0, 2), (2, 0, 3)}  # committed, seen by others
        assert len(p.history(None)) == undoable + 2  # two edits, each undoable on its own
        p.undo()
        assert _codings(path) - before == {(1, 0, 2)}
        p.undo()
        assert _codings(path) == before
        p.redo()
        assert _codings(path) - before == {(1, 0, 2)}


def test_an_edit_that_fails_midway_leaves_no_rows(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    with Project.open(path) as p:
        before = _codings(path)
        with p.batch():
            p.codings.add(1, 0, 2, "政策支持", coder="甲")
            with pytest.raises(RuntimeError):
                with p.store.transaction(small=True):  # an edit that wrote, then failed
                    p.store.log("half", {})
                    p.store.conn.execute(
                        'INSERT INTO codings(document_id, start, "end", code_id, coder_id, '
                        "created) SELECT 1, 5, 6, code_id, coder_id, created FROM codings "
                        "LIMIT 1"
                    )
                    raise RuntimeError("after its rows")
        assert _codings(path) - before == {(1, 0, 2)}
        assert (
            p.store.conn.execute("SELECT count(*) FROM log WHERE action = 'half'").fetchone()[0]
            == 0
        )


def test_nothing_of_a_batch_is_saved_when_the_batch_fails(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    with Project.open(path) as p:
        before = _codings(path)
        with pytest.raises(KeyError):
            with p.batch():
                p.codings.add(1, 0, 2, "政策支持", coder="甲")
                raise KeyError("outside every edit")
        assert _codings(path) == before
        assert not p.store.conn.in_transaction
        p.codings.add(1, 0, 2, "政策支持", coder="甲")  # the store is usable again
        assert _codings(path) - before == {(1, 0, 2)}


def _run_writer(path: Path, jobs: list, *, hold: bool = False) -> list:
    """Submit ``jobs`` to one GroupWriter; with ``hold`` the first job waits until all are
    queued, so the rest make one batch. Returns each job's result or exception."""
    pool = ProjectPool(path, size=2)
    gate = threading.Event()

    def first(p: Project) -> object:
        gate.wait(30)
        return jobs[0](p)

    async def main() -> list:
        writer = GroupWriter(pool)
        futures = [writer.submit(first if hold else jobs[0])]
        futures += [writer.submit(job) for job in jobs[1:]]
        gate.set()
        try:
            return await asyncio.gather(*futures, return_exceptions=True)
        finally:
            writer.close()

    try:
        return asyncio.run(main())
    finally:
        pool.close()


def test_the_writer_answers_each_job_with_its_own_result(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    before = _codings(path)
    spans = [(1, s, s + 1) for s in range(0, 12)]

    def code(doc: int, start: int, end: int):
        return lambda p: p.codings.add(doc, start, end, "政策支持", coder="乙")

    def bad(p: Project) -> int:
        return p.codings.add(1, 0, 10_000, "政策支持", coder="乙")

    jobs = [code(*s) for s in spans[:6]] + [bad] + [code(*s) for s in spans[6:]]
    results = _run_writer(path, jobs, hold=True)
    assert isinstance(results[6], ZhagenError)
    ids = [r for i, r in enumerate(results) if i != 6]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(spans)
    assert _codings(path) - before == set(spans)
    with Project.open(path) as p:
        rows = p.codings().set_index("id").loc[ids]
        assert list(zip(rows["start"], rows["end"], strict=True)) == [s[1:] for s in spans]


def test_a_job_that_fails_leaves_nothing_it_wrote(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    before = _codings(path)

    def stray(p: Project) -> None:
        p.store.log("stray", {})  # written outside any edit, then the job fails
        raise RuntimeError("the job fails")

    def code(p: Project) -> int:
        return p.codings.add(1, 0, 2, "政策支持", coder="乙")

    results = _run_writer(path, [code, stray, code], hold=True)
    assert isinstance(results[1], RuntimeError) and results[0] == results[2]
    assert _codings(path) - before == {(1, 0, 2)}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM log WHERE action = 'stray'").fetchone()[0] == 0


def test_held_jobs_run_in_one_transaction(tmp_path: Path) -> None:
    path = _tiny(tmp_path)

    def probe(p: Project) -> tuple[int, bool]:
        return id(p), p.store.conn.in_transaction

    results = _run_writer(path, [probe] * 5, hold=True)
    assert all(inside for _p, inside in results)
    assert len({p for p, _inside in results[1:]}) == 1  # the queued jobs: one batch


def test_a_closed_writer_refuses_new_jobs(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    pool = ProjectPool(path, size=1)

    async def main() -> None:
        writer = GroupWriter(pool)
        writer.close()
        with pytest.raises(WebError) as err:
            writer.submit(lambda p: 1)
        assert err.value.status == 503

    try:
        asyncio.run(main())
    finally:
        pool.close()


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'history'"
    )}  # fmt: skip


def _plan(conn: sqlite3.Connection, sql: str) -> str:
    return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))


def test_history_indexes_after_0019(tmp_path: Path) -> None:
    old = tmp_path / "old.zhagen"
    with sqlite3.connect(old) as conn:  # a file as 0018 left it
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
        for name, sql in MIGRATIONS:
            if name.startswith("0019"):
                break
            conn.executescript(sql)
            conn.execute("INSERT INTO migrations VALUES (?, 'test')", (name,))
        assert {"history_undone", "history_redo"} <= _indexes(conn)
    for path in (old, tmp_path / "new.zhagen"):
        project = Project.open(path) if path == old else Project.create(path)
        with project as p:
            conn = p.store.conn
            assert _indexes(conn) == {"history_actor", "history_redone"}
            assert "history_redone" in _plan(conn, "DELETE FROM history WHERE undone = 1")
            redo = ("SELECT l.id FROM history h JOIN log l ON l.id = h.log_id "
                    "WHERE h.undone = 1 ORDER BY h.undo_log DESC LIMIT 1")  # fmt: skip
            assert "history_redone" in _plan(conn, redo)
            # one coder's newest edit, however old: still an index search
            mine = ("SELECT l.id FROM history h JOIN log l ON l.id = h.log_id "
                    "WHERE h.undone = 0 AND h.actor = 'x' ORDER BY h.log_id DESC LIMIT 1")  # fmt: skip
            assert "history_actor" in _plan(conn, mine)


def test_a_coding_writes_fewer_index_pages(tmp_path: Path) -> None:
    """A new edit (not undone) adds no entry to the partial index of undone edits."""
    path = _tiny(tmp_path)
    with Project.open(path) as p:
        p.codings.add(1, 0, 2, "政策支持", coder="甲")
        conn = p.store.conn
        n = conn.execute("SELECT count(*) FROM history INDEXED BY history_redone "
                         "WHERE undone = 1").fetchone()[0]  # fmt: skip
        assert n == 0
        p.undo()
        n = conn.execute("SELECT count(*) FROM history INDEXED BY history_redone "
                         "WHERE undone = 1").fetchone()[0]  # fmt: skip
        assert n == 1
        p.codings.add(1, 0, 3, "政策支持", coder="甲")  # a new edit forgets the undone one
        assert p.redo() is None
