"""An acknowledged import survives ``kill -9`` of the importing process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import zhagen

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

WORKER = textwrap.dedent(
    """
    import sys, zhagen
    project = zhagen.open(sys.argv[1])
    for path in sys.argv[2:]:
        report = project.add(path)
        print("ACK", path, report.records, flush=True)
    """
)


def test_acknowledged_imports_survive_kill_9(tmp_path):
    proj = tmp_path / "p.zhagen"
    zhagen.Project.create(proj).close()
    src = (EXAMPLES / "cnki" / "sample_refworks.txt").read_bytes()
    files = []
    for i in range(40):
        f = tmp_path / f"export_{i:02d}.txt"
        f.write_bytes(src + b"\r\n" * (i + 1))  # distinct sha256 each
        files.append(str(f))
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(proj), *files],
        stdout=subprocess.PIPE,
        text=True,
    )
    acked = []
    assert proc.stdout is not None
    for line in proc.stdout:
        parts = line.split()
        acked.append((parts[1], int(parts[2])))
        if len(acked) == 5:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(proj)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with zhagen.open(proj) as project:
        sources = project.sources().set_index("path")
        docs = project.documents()
        for path, n in acked:
            assert n == 90
            assert sources.at[path, "status"] == "ok"
            assert (docs["source"] == path).sum() == 90
        # a file cut off mid-import is marked partial, never ok with missing records
        for path, row in sources.iterrows():
            if row["status"] == "ok":
                assert (docs["source"] == path).sum() == row["n_records"]
