"""Levels and depth (issue 9): a code's grounded-theory level is an attribute, free of its
depth; the four-level rule is a check the tables report. Includes migration 0006 on a
project made by zhagen as it was before (its source taken from this repository's own history
with ``git archive``), opened by this code."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import zhagen
from zhagen.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before migrations 0004-0007 (the second wave's first session started here).
BEFORE = "24bc5fc"

OLD_PROJECT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import zhagen
    out = Path(sys.argv[1])
    txt = out.with_name("访谈.txt")
    txt.write_text("政府提供财政补贴。企业加大研发投入。", encoding="utf-8")
    p = zhagen.Project.create(out)
    p.add([str(txt)])
    core = p.add_code("核心", level=4)
    cat = p.add_code("政策环境", level=2, parent=p.add_code("主", level=3, parent=core))
    leaf = p.add_code("财政补贴", parent=cat)
    p.code_span(1, 0, 4, leaf, coder="甲")
    p.close()
    """
)


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    old = tmp_path / "old"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "src"],
                             capture_output=True, check=False)  # fmt: skip
    if archive.returncode:
        pytest.fail(f"cannot read commit {BEFORE} from the repository's history "
                    f"(a shallow clone?): {archive.stderr.decode(errors='replace')}")  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    path = tmp_path / "old.zhagen"
    env = {"PYTHONPATH": str(old / "src"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", OLD_PROJECT, str(path)], check=True, env=env)
    return path


def _schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {n: s for n, s in conn.execute("SELECT name, sql FROM sqlite_master") if s}
    finally:
        conn.close()


def test_migration_0006_frees_the_level_and_keeps_everything(old_project: Path) -> None:
    before = _schema(old_project)
    assert "level BETWEEN 1 AND 4" in before["codes"] and "NOT NULL DEFAULT 1" in before["codes"]
    with zhagen.Project.open(old_project) as p:
        codes = p.codes().set_index("name")
        assert codes.loc[["核心", "主", "政策环境", "财政补贴"], "level"].tolist() == [4, 3, 2, 1]
        assert len(p.codings()) == 1 and p.codings()["code_name"].tolist() == ["财政补贴"]
        # what the old schema refused now works: no level, and a tree deeper than four
        below = p.codes.add("细目", parent="财政补贴")
        deeper = p.codes.add("更细", parent=below, level="none")
        assert p.codes.get(below)["level"] is None and p.codes.get(deeper)["level"] is None
        assert p.codes().set_index("name").at["更细", "depth"] == 5
        assert "0006_code_level_free" in p.store.applied_migrations()
    after = _schema(old_project)
    assert "level IS NULL OR level BETWEEN 1 AND 4" in after["codes"]
    # the other tables still reference codes, and the triggers are intact
    assert "REFERENCES codes(id)" in after["codings"] and "codes_new" not in str(after)
    for trigger in ("log_no_update", "log_no_delete", "documents_frozen_text"):
        assert after[trigger] == before[trigger]
    conn = sqlite3.connect(old_project)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM log")
        with pytest.raises(sqlite3.IntegrityError, match="frozen"):
            conn.execute("UPDATE documents SET body = 'x' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE codes SET level = 5 WHERE id = 1")
    finally:
        conn.close()


def test_migration_0006_on_a_file_with_the_migrations_before_it(tmp_path: Path) -> None:
    """The same migration without the base worktree: a file with migrations 0001-0005 as
    the store applied them, a code tree and a coding in it."""
    from web_support import file_before

    path = tmp_path / "old.zhagen"
    conn = file_before(path, "0006_code_level_free")
    ts = "2026-01-01T00:00:00.000+00:00"
    conn.execute("INSERT INTO coders(name, created) VALUES ('甲', ?)", (ts,))
    for cid, (name, parent, level) in enumerate([("核心", None, 4), ("概念", 1, 1)], 1):
        conn.execute(
            "INSERT INTO codes(id, name, parent_id, level, color, created, modified) "
            "VALUES (?, ?, ?, ?, '#4e79a7', ?, ?)",
            (cid, name, parent, level, ts, ts),
        )
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK: no level is refused
        conn.execute("UPDATE codes SET level = NULL WHERE id = 2")
    conn.close()
    with zhagen.Project.open(path) as p:
        assert p.codes()[["name", "level"]].values.tolist() == [["核心", 4], ["概念", 1]]
        p.codes.set_level("概念", None)
        assert p.codes.get("概念")["level"] is None
        assert p.codes.add("更深", parent="概念") == 3  # ids are never reused


def test_tables_report_the_level_check(tmp_path: Path) -> None:
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        cat = p.codes.add("政策环境", level=2)
        p.codes.add("补贴", parent=cat)
        p.codes.add("主范畴X", parent=cat, level=3)
        p.codes.add("无层级", parent="补贴")
        written = p.reports.write(tmp_path / "out")
        assert any("1 code has no level" in line for line in written.problems)
        assert any(
            "'政策环境' (level 2) has a child '主范畴X' of level 3" in line
            for line in written.problems
        )
        assert written.problems == p.reports.level_problems()


def test_cli_tables_prints_the_level_check(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    from zhagen.cli import main

    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        p.codes.add("a", level="none")
        p.codes.add("b", level="none")
        p.codes.add("c", level=1)
    assert main(["tables", str(path), "--out", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert "2 codes have no level (a、b)" in out and "层级检查" in out


def test_parse_level_refuses_what_is_not_a_level() -> None:
    from zhagen.coding.levels import parse_level

    assert [parse_level(v) for v in (1, "4", " none ", "", None, 0)] == [
        1,
        4,
        None,
        None,
        None,
        None,
    ]
    for bad in (5, "x", -1, True):
        with pytest.raises(ParameterError):
            parse_level(bad)


def test_saturation_and_counts_leave_codes_without_a_level_out(tmp_path: Path) -> None:
    from zhagen.examples import tiny_project

    with tiny_project() as p:
        before = p.reports.tables()["编码数量"]["数量"].tolist()
        deep = p.codes.add("更细的概念", parent="政策支持")  # under a concept: no level
        [doc] = p.documents.find(limit=1).ids
        p.codings.add(doc, 0, 2, deep, coder="甲")
        tables = p.reports.tables()
        counts = tables["编码数量"]
        # the new code counts at no level; the sentence it codes may add to 原始语句
        assert counts["数量"].tolist()[1:] == before[1:]
        sat = p.reports.saturation(holdout="1/3", seed=1)
        per_level = sat.counts.dropna(subset=["level"])
        assert per_level["total"].sum() == len(p.codes()) - 1
        assert p.reports.level_problems() == [
            "1 个编码没有层级（更细的概念） / 1 code has no level (更细的概念)"
        ]
