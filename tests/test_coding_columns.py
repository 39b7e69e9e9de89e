"""A category's codings read as columns (``store.coding.coding_columns``, issue 18).

From ``COLUMNS_FROM`` codings on, ``codings()`` reads each column as one string from SQLite
instead of one row per coding. The frame must be the one the rows give — same codings,
order, text, names and types — for every filter, and a value the columns cannot carry (a
``created`` written by hand with the separator in it) must send it back to the rows.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from zhagen.coding import retrieve
from zhagen.project import Project
from zhagen.store import coding as q

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The example documents, a small tree and 3,000 codings by two coders (bulk); shared
    by the tests of this file (the one that changes a row puts it back)."""
    project = Project.create(tmp_path_factory.mktemp("columns") / "c.zhagen")
    project.add(EXAMPLES / "docs")
    top = project.codes.add("政策环境", level=2)
    leaves = [project.codes.add(name, parent=top) for name in ("财政补贴", "税收优惠")]
    leaves.append(project.codes.add("专项资金", parent=leaves[0]))
    project.codes.add("无层级", level="none")
    project.codings.add(1, 0, 2, "无层级", coder="甲")
    docs = project.documents.ids()
    lengths = {d: len(project.documents.text(d)) for d in docs}
    rng = random.Random(0)
    rows = set()
    while len(rows) < 3_000:
        d = rng.choice(docs)
        start = rng.randrange(lengths[d] - 5)
        rows.add((d, start, start + rng.randint(1, 5), rng.choice(leaves), rng.randint(1, 2)))
    project.codings.coder("乙")
    with project.store.transaction():
        q.insert_codings(project.store, sorted(rows))
    yield project
    project.close()


def by_rows(project: Project, monkeypatch: pytest.MonkeyPatch, **kw: object) -> pd.DataFrame:
    with monkeypatch.context() as m:
        m.setattr(q, "coding_columns", lambda *a, **k: None)  # the columns "cannot be read"
        return project.codings(**kw)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"code": "政策环境", "with_descendants": True},
        {"code": "政策环境", "with_descendants": True, "coder": "乙"},
        {"code": ["财政补贴", "税收优惠"]},
        {"coder": "甲"},
        {"code": "专项资金"},
        {"document": 1},
    ],
)
def test_the_columns_give_the_frame_the_rows_give(project, monkeypatch, kw) -> None:
    got = project.codings(**kw)
    if not kw:
        assert len(got) >= retrieve.COLUMNS_FROM  # the column path was taken
    pd.testing.assert_frame_equal(got, by_rows(project, monkeypatch, **kw))
    texts = {d: project.documents.text(d) for d in set(got["document"])}
    assert all(r.text == texts[r.document][r.start : r.end] for r in got.itertuples())


def test_columns_hold_every_coding_once(project) -> None:
    numbers, created = q.coding_columns(project.store)
    count = project.store.conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    assert numbers.shape == (6, count) and len(created) == count
    ids = project.store.conn.execute("SELECT id FROM codings").fetchall()
    assert sorted(numbers[0].tolist()) == sorted(i for (i,) in ids)


def test_a_value_the_columns_cannot_carry_sends_them_back_to_rows(project, monkeypatch) -> None:
    conn = project.store.conn
    (was,) = conn.execute("SELECT created FROM codings WHERE id = 1").fetchone()
    conn.execute("UPDATE codings SET created = 'a\x1fb' WHERE id = 1")  # by hand, raw SQL
    try:
        assert q.coding_columns(project.store) is None
        got = project.codings()
        assert got.set_index("id").loc[1, "created"] == "a\x1fb"
        pd.testing.assert_frame_equal(got, by_rows(project, monkeypatch))
    finally:
        conn.execute("UPDATE codings SET created = ? WHERE id = 1", (was,))
