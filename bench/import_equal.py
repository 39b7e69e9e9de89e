"""Do two zhagen source trees import the same files identically?

    python bench/import_equal.py OLD_SRC NEW_SRC [FILE_OR_FOLDER ...] [--chunk BYTES]

Each tree (a ``src`` folder) imports every file (default: every export in
../shared/corpora) into a fresh project of its own, in its own process, in each of
``--modes``: ``stream`` (one process reading the file whole), ``chunked`` (cut into chunks of
``--chunk`` bytes read by two worker processes: forced through an ``ImportPlan`` where the
tree has one, else by setting the old module globals) and ``default`` (as ``zhagen add``
imports it). The documents, sentences and problems tables (every column but the time a
problem was written), and where the trees have them the entity tables (``entity_kinds``,
``entities``, ``doc_entities``: the keyword links) are then compared row by row, per file
and mode; differences are printed by table and column, and the exit status is 1 if any.
Not a timing benchmark: a check for refactors of the import pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import SHARED  # noqa: E402

_DUMP = r"""
import json, sqlite3, sys, tempfile
from pathlib import Path
import zhagen, zhagen.formats as formats, zhagen.ingest as ingest

path, mode, chunk, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
kwargs = {}
if mode == "chunked":
    if hasattr(ingest, "ImportPlan"):
        kwargs["plan"] = ingest.ImportPlan(workers=2, parallel_min_bytes=1, chunk_bytes=chunk)
    else:  # the pipeline before ImportPlan: module globals
        real = formats._chunks
        ingest.PARALLEL_MIN_BYTES = 1
        formats._chunks = lambda p, s, size: real(p, s, chunk)
        kwargs["workers"] = 2
elif mode == "stream":
    kwargs["workers"] = 1
with tempfile.TemporaryDirectory() as tmp:
    proj = Path(tmp) / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        p.add(path, **kwargs)
    conn = sqlite3.connect(proj)
    tables = {
        "documents": conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
        "sentences": conn.execute(
            "SELECT * FROM sentences ORDER BY document_id, idx").fetchall(),
        "problems": conn.execute(
            "SELECT id, source_id, path, record, line, severity, code, zh, en FROM problems "
            "ORDER BY id").fetchall(),
    }
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "doc_entities" in have:  # the entity tables (0013) and the keyword links in them
        tables["entity_kinds"] = conn.execute("SELECT * FROM entity_kinds ORDER BY id").fetchall()
        tables["entities"] = conn.execute("SELECT * FROM entities ORDER BY id").fetchall()
        tables["doc_entities"] = conn.execute(
            "SELECT * FROM doc_entities ORDER BY kind, doc_id, pos, role").fetchall()
    columns = {
        t: [d[1] for d in conn.execute(f"PRAGMA table_info({t})")] for t in tables
    }
    columns["problems"] = ["id", "source_id", "path", "record", "line", "severity", "code",
                           "zh", "en"]
    conn.close()
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"tables": tables, "columns": columns}, fh, ensure_ascii=False)
"""


def _dump(src: Path, path: Path, mode: str, chunk: int, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [sys.executable, "-c", _DUMP, str(path), mode, str(chunk), str(out)], env=env, check=True
    )
    return json.loads(out.read_text("utf-8"))


def _files(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [SHARED / "corpora"]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md")
        else:
            found.append(root)
    return found


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    for table, rows in old["tables"].items():
        cols_old, cols_new = old["columns"][table], new["columns"][table]
        if cols_old != cols_new:
            out.append(f"{table}: columns {cols_old} -> {cols_new}")
            continue
        other = new["tables"][table]
        if len(rows) != len(other):
            extra = [r for r in other if r not in rows]
            missing = [r for r in rows if r not in other]
            out.append(
                f"{table}: {len(rows)} -> {len(other)} rows; new {_short(extra)}; "
                f"gone {_short(missing)}"
            )
            continue
        changed: dict[str, int] = {}
        for a, b in zip(rows, other, strict=True):
            for col, x, y in zip(cols_old, a, b, strict=True):
                if x != y:
                    changed[col] = changed.get(col, 0) + 1
        out += [f"{table}.{col}: {n} rows differ" for col, n in changed.items()]
    return out


def _short(rows: list) -> str:
    """The first rows, each cut to 100 characters."""
    return "[" + ", ".join(str(r)[:100] for r in rows[:3]) + (", …]" if len(rows) > 3 else "]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--chunk", type=int, default=20_000, help="chunk bytes in chunked mode")
    ap.add_argument(
        "--modes",
        nargs="+",
        default=["stream", "chunked"],
        choices=["stream", "chunked", "default"],
        help="default: as `zhagen add` imports it (files of 16 MB or more cut into 8 MB chunks)",
    )
    args = ap.parse_args()
    differ = False
    with tempfile.TemporaryDirectory() as tmp:
        for path in _files(args.files):
            for mode in args.modes:
                old = _dump(args.old, path, mode, args.chunk, Path(tmp) / "old.json")
                new = _dump(args.new, path, mode, args.chunk, Path(tmp) / "new.json")
                rows = sum(len(r) for r in old["tables"].values())
                diff = _differences(old, new)
                differ |= bool(diff)
                print(f"{path.name:40} {mode:8} {rows:7} rows  " + ("; ".join(diff) or "same"))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
