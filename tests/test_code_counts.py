"""The code list's counts kept by triggers (migration 0017, issue 18).

``code_counts`` holds the number of codings of each code by each coder, and
``table_versions`` a version of the code table; both are kept current by triggers, so
``codes()`` after a coding edit reads them instead of counting every coding again. The
tests compare them, after every kind of write, with what is counted from ``codings``
itself, and the frame's ``count`` and ``total`` with an independent sum over the tree.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from zhagen.project import Project
from zhagen.store import coding as q

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def kept(project: Project) -> dict[tuple[int, int], int]:
    rows = project.store.conn.execute("SELECT code_id, coder_id, n FROM code_counts WHERE n > 0")
    return {(k, c): n for k, c, n in rows}


def expected_frame_counts(project: Project, coder: str | None) -> dict[int, tuple[int, int]]:
    """code id → (count, total) from the codings and the code table, by hand: a coding
    counts for its code and every ancestor."""
    conn = project.store.conn
    parent = dict(conn.execute("SELECT id, parent_id FROM codes"))
    sql = "SELECT c.code_id FROM codings c JOIN coders k ON k.id = c.coder_id"
    rows = conn.execute(sql + (" WHERE k.name = ?" if coder else ""), (coder,) if coder else ())
    own = Counter(r[0] for r in rows)
    total: Counter[int] = Counter()
    for code, n in own.items():
        at: int | None = code
        while at is not None:
            total[at] += n
            at = parent[at]
    return {k: (own[k], total[k]) for k in parent}


def check(project: Project, coders: tuple[str | None, ...] = (None, "甲", "乙")) -> None:
    assert kept(project) == q.code_counts_counted(project.store)
    for who in coders:
        frame = project.codes(coder=who)
        got = {int(r.id): (int(r.count), int(r.total)) for r in frame.itertuples()}
        assert got == expected_frame_counts(project, who)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    project = Project.create(tmp_path / "c.zhagen")
    project.add(EXAMPLES / "docs")
    cat = project.codes.add("政策环境", level=2)
    for name in ("财政补贴", "税收优惠", "人才引进"):
        project.codes.add(name, parent=cat)
    project.codes.add("专项资金", parent="财政补贴")
    doc = project.documents.ids()[0]
    project.codings.add(doc, 0, 4, "专项资金", coder="甲")
    project.codings.add(doc, 2, 6, "税收优惠", coder="乙")
    yield project
    project.close()


def test_counts_follow_every_write(project: Project) -> None:
    docs = project.documents.ids()
    conn = project.store.conn
    edits: list[Callable[[], object]] = [
        lambda: project.codings.add(docs[1], 1, 5, "人才引进", coder="甲"),
        lambda: project.codings.add(docs[1], 1, 5, "专项资金", coder="乙"),
        lambda: project.codings.add(docs[0], 3, 9, "专项资金", coder="甲"),
        lambda: project.codes.move("专项资金", "人才引进"),
        lambda: project.codes.merge("税收优惠", "财政补贴"),
        lambda: project.undo(),
        lambda: project.undo(),
        lambda: project.redo(),
        lambda: project.codings.delete(int(project.codings()["id"].iloc[0])),
        lambda: project.codes.delete("人才引进", force=True),
        lambda: project.undo(),
        lambda: conn.execute("UPDATE codings SET coder_id = (SELECT MAX(id) FROM coders)"),
        lambda: conn.execute("DELETE FROM codings"),
    ]
    check(project)
    for edit in edits:
        edit()
        check(project)
    assert kept(project) == {}


def test_counts_follow_a_refi_qda_import(tmp_path: Path, shared: Path) -> None:
    with Project.create(tmp_path / "q.zhagen") as project:
        report = project.import_qdpx(shared / "refi-qda" / "samples" / "nvivo12win_oltas.qdpx")
        assert sum(kept(project).values()) == report.codings > 0
        check(project, (None, *report.coders))


def test_a_rolled_back_write_rolls_back_counts_and_version(project: Project) -> None:
    store = project.store
    before_counts, before_version = kept(project), q.codes_version(store)
    shown = project.codes()
    with pytest.raises(RuntimeError), store.transaction():
        store.conn.execute("UPDATE codes SET name = '回滚' WHERE name = '财政补贴'")
        store.conn.execute("DELETE FROM codings")
        assert q.codes_version(store) != before_version
        assert project.codes()["name"].tolist().count("回滚") == 1  # seen inside
        raise RuntimeError("roll back")
    assert kept(project) == before_counts
    assert q.codes_version(store) == before_version
    pd.testing.assert_frame_equal(project.codes(), shown)


def test_another_connection_changes_the_version(project: Project) -> None:
    version = q.codes_version(project.store)
    other = sqlite3.connect(project.path)
    with other:
        other.execute("UPDATE codes SET color = '#abcdef' WHERE name = '政策环境'")
    other.close()
    assert q.codes_version(project.store) != version
    assert "#abcdef" in project.codes()["color"].tolist()


def test_the_migration_counts_existing_codings(project: Project) -> None:
    path = Path(project.path)
    counts = kept(project)
    assert counts
    conn = project.store.conn
    for trigger in ("codings_count_insert", "codings_count_delete", "codings_count_update",
                    "codes_version_insert", "codes_version_update", "codes_version_delete"):  # fmt: skip
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE code_counts")
    conn.execute("DROP TABLE table_versions")
    conn.execute("DELETE FROM migrations WHERE name = '0017_code_counts'")
    conn.commit()
    project.close()
    with Project.open(path) as again:
        assert kept(again) == counts
        check(again)


def test_a_bulk_insert_is_counted(project: Project) -> None:
    store = project.store
    docs = project.documents.ids()
    codes = project.codes()["id"].tolist()
    rows = [(docs[i % 2], i, i + 3, codes[i % len(codes)], 1 + i % 2) for i in range(40)]
    before = len(project.codings())
    with store.transaction():
        q.insert_codings(store, rows)
    got = project.codings()
    assert len(got) == before + 40
    assert {(r.document, r.start, r.end) for r in got.itertuples()} >= {r[:3] for r in rows}
    check(project)
