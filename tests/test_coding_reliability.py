"""Acknowledged codings survive ``kill -9``; two processes coding at once lose nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from zhagen.project import Project

TEXT = "".join(f"第{i}句话讲政策与创新😀𠀀。" for i in range(200))

PRELUDE = """
import sys
from zhagen.project import Project
class P(Project):
    pass
project = P.open(sys.argv[1])
"""

KILLED = PRELUDE + textwrap.dedent(
    """
    code = project.add_code("概念" + sys.argv[2])
    n = len(project.text(1))
    i = 0
    while True:
        start = i % (n - 5)
        k = project.code_span(1, start, start + 1 + i % 4, code, coder="甲" + sys.argv[2])
        print("ACK", k, start, start + 1 + i % 4, flush=True)
        if i % 7 == 0:
            project.add_memo("coding", k, "备忘" * 50)
        i += 1
    """
)

CONCURRENT = PRELUDE + textwrap.dedent(
    """
    me, count = sys.argv[2], int(sys.argv[3])
    own = project.add_code(me + "的概念")
    ids = []
    for i in range(count):
        code = own if i % 2 else "共享"
        ids.append(project.code_span(1, i, i + 2, code, coder=me))
    print(" ".join(map(str, ids)), flush=True)
    """
)


class P(Project):
    pass


def _project(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "study.zhagen"
    with P.create(path) as p:
        p.add(tmp_path / "a.txt")
        assert p.text(1) == TEXT
        p.add_code("共享")
    return path


def _integrity(path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_acknowledged_codings_survive_kill_9(tmp_path):
    path = _project(tmp_path)
    acked: list[tuple[int, int, int, str]] = []
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(path), str(round_)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        n = 0
        for line in proc.stdout:
            _ack, k, start, end = line.split()
            acked.append((int(k), int(start), int(end), f"甲{round_}"))
            n += 1
            if n == 60 + 40 * round_:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        _integrity(path)
    with P.open(path) as project:
        df = project.codings().set_index("id")
        for k, start, end, coder in acked:
            assert (df.at[k, "start"], df.at[k, "end"], df.at[k, "coder"]) == (start, end, coder)
            assert df.at[k, "text"] == TEXT[start:end]
        # the project stays fully usable: undo walks back through what was committed
        assert project.undo() is not None


def test_two_processes_coding_at_once_lose_nothing(tmp_path):
    path = _project(tmp_path)
    count = 300
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT, str(path), name, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("甲", "乙")
    ]
    results = {}
    for name, proc in zip(("甲", "乙"), procs, strict=True):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results[name] = [int(x) for x in out.split()]
    _integrity(path)
    with P.open(path) as project:
        df = project.codings()
        for name, ids in results.items():
            mine = df[df["coder"] == name]
            assert len(ids) == len(set(ids)) == count
            assert set(mine["id"]) == set(ids)
            assert sorted(mine["start"]) == list(range(count))
        assert len(df) == 2 * count
        edits = [r for r in project.store.log_entries() if r["action"] == "coding.add"]
        assert len(edits) == 2 * count
