"""Import throughput: records/s, MB/s and peak memory of ``zhagen add`` on the real CNKI
RefWorks and Web of Science exports replicated to 100 000 and 1 000 000 records, and
segmentation throughput of the chosen segmenter against jieba on the seed texts.

    python bench/import.py                 # 100k and 1M (needs ~3 GB of disk in bench/out)
    python bench/import.py --sizes 100000  # just 100k
    python bench/import.py --workers 2
    python bench/import.py --unique        # every record made distinct (see unique_copy)
    python bench/import.py --vs base=/work/wt/base main=/work/wt/main --sizes 100000 1000000
                                           # A/B: zhagen of each checkout, this one, the floor
    python bench/import.py --vs base=/work/wt/base --wos-unique
                                           # A/B: zhagen add of the 34 400-record WoS replica

``--vs`` (issues 9 and 18) runs ``zhagen add`` of every checkout named (each with its own
``src`` first on the path, the same Python) and of this one, and the floor (``floor``
below: a minimal parser of the same export that stores the same fields with
``executemany`` into a table of the same columns, in WAL with ``synchronous=NORMAL`` as
zhagen, committing every 8 000 records), interleaved: a warm-up round, ``--repeat``
rounds with the order rotated, medians of wall and CPU (all processes), the load before
each run, and each number as a ratio to the floor. A new empty project is made before
each run, untimed. Every checkout runs from bytecode compiled into a cache of the bench's
own (``OUT/pycache/NAME``; the warm-up round fills it), whatever its own ``__pycache__``.

Targets (issue 2): 1 000 000 RefWorks records in under 90 s and under 4 GB peak memory.
The machine is often shared: ``cpu_s`` (all processes) and the load average before and after
each run say how much of the wall time was this import's own.
Inputs come from ../shared/corpora (not shipped with zhagen).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    OUT,
    ROOT,
    SHARED,
    interleaved,
    loads,
    measure,
    replicate,
    table,
    unique_copy,
)

INPUTS = {
    "cnki-refworks": (SHARED / "corpora" / "cnki" / "refworks_2024_298.txt", "refworks"),
    "wos": (SHARED / "corpora" / "wos" / "plaintext_344_fullrecord.txt", "wos"),
}


def bench_import(
    sizes: list[int], workers: int, formats: list[str], unique: bool = False
) -> list[dict]:
    rows = []
    zhagen = shutil.which("zhagen", path=str(Path(sys.executable).parent)) or "zhagen"
    for fmt in formats:
        src, kind = INPUTS[fmt]
        for n in sizes:
            data = replicate(src, kind, n)
            if unique:
                data = unique_copy(data, kind)
            proj = OUT / f"bench_{fmt}_{n}.zhagen"
            for stale in OUT.glob(proj.name + "*"):
                stale.unlink()
            measure([zhagen, "new", str(proj)])
            load = os.getloadavg()[0]
            m = measure([zhagen, "add", str(proj), str(data), "--workers", str(workers)])
            mb = data.stat().st_size / 2**20
            rows.append(
                {
                    "format": fmt + (" unique" if unique else ""),
                    "records": n,
                    "file_MB": mb,
                    "seconds": m["seconds"],
                    "records/s": n / m["seconds"],
                    "MB/s": mb / m["seconds"],
                    "peak_MB": m["peak_mb"],
                    "workers": workers,
                    # all processes: what the run costs whatever else the machine runs
                    "cpu_s": m["cpu_s"],
                    "cpu_us/rec": m["cpu_s"] / n * 1e6,
                    "load_before": load,
                    "load_after": os.getloadavg()[0],
                }
            )
            print(table(rows[-1:], list(rows[-1])), flush=True)
            for stale in OUT.glob(proj.name + "*"):
                stale.unlink()
    return rows


# --- the floor: a minimal parser that stores the same fields ---------------------------

FLOOR_COLUMNS = (
    "source_id", "record", "format", "type", "title", "authors", "affiliations", "venue",
    "year", "volume", "issue", "pages", "keywords", "abstract", "doi", "issn", "url", "lang",
    "cited_refs", "extra",
)  # fmt: skip
# RefWorks tag -> column; lists are split at ';' and stored as JSON
_RW = {"RT": "type", "T1": "title", "JF": "venue", "YR": "year", "vo": "volume", "VO": "volume",
       "IS": "issue", "OP": "pages", "AB": "abstract", "DO": "doi", "SN": "issn", "LK": "url",
       "LA": "lang"}  # fmt: skip
_RW_LISTS = {"A1": "authors", "AD": "affiliations", "K1": "keywords"}
_WOS = {"PT": "type", "TI": "title", "SO": "venue", "PY": "year", "VL": "volume", "IS": "issue",
        "AB": "abstract", "DI": "doi", "SN": "issn", "LA": "lang", "UT": "extra"}  # fmt: skip
_WOS_LISTS = {"AU": "authors", "C1": "affiliations", "DE": "keywords", "CR": "cited_refs"}


def _floor_row(rec: dict[str, list[str]], n: int, kind: str) -> tuple:
    one, lists = (_RW, _RW_LISTS) if kind == "refworks" else (_WOS, _WOS_LISTS)
    row = dict.fromkeys(FLOOR_COLUMNS, "")
    for tag, col in one.items():
        if tag in rec:
            row[col] = " ".join(rec[tag])
    for tag, col in lists.items():
        values = rec.get(tag, ())
        if kind == "refworks":
            values = [v for line in values for v in line.split(";") if v]
        elif tag == "DE":
            values = [v.strip() for v in " ".join(values).split(";") if v.strip()]
        row[col] = json.dumps(values, ensure_ascii=False)
    if kind == "wos":
        row["pages"] = "-".join(rec.get("BP", []) + rec.get("EP", []))
    row.update(source_id=1, record=n, format=kind)
    row["year"] = int(row["year"]) if row["year"].isdigit() else None
    return tuple(row.values())


def _floor_records(path: Path, kind: str):
    """Records as {tag: [lines]}: a RefWorks record starts at ``RT``, a WoS one ends at
    ``ER``; a WoS line starting with spaces continues the tag before it."""
    rec: dict[str, list[str]] = {}
    tag = ""
    with open(path, encoding="utf-8-sig", newline="\n") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if kind == "refworks":
                if line[:3] == "RT " and rec:
                    yield rec
                    rec = {}
                if line:
                    rec.setdefault(line[:2], []).append(line[3:])
            elif line == "ER":
                yield rec
                rec = {}
            elif line[:2].strip():
                tag = line[:2]
                rec.setdefault(tag, []).append(line[3:])
            elif tag and line:
                rec[tag].append(line[3:])
    if rec and kind == "refworks":
        yield rec


def floor(path: Path, db: Path, kind: str, batch: int = 8000) -> int:
    """Parse ``path`` with the minimal parser and store the fields into ``db``."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    cols = ", ".join(FLOOR_COLUMNS)
    conn.execute(f"CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, {cols})")
    sql = f"INSERT INTO documents ({cols}) VALUES ({', '.join('?' for _ in FLOOR_COLUMNS)})"
    rows: list[tuple] = []
    n = 0
    for n, rec in enumerate(_floor_records(path, kind), 1):
        rows.append(_floor_row(rec, n, kind))
        if len(rows) == batch:
            conn.execute("BEGIN")
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
            rows = []
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    conn.close()
    return n


def bench_vs(
    inputs: list[tuple[str, Path, str]],
    vs: dict[str, Path],
    workers: int,
    repeat: int,
    warmup: int = 1,
) -> list[dict]:
    """``zhagen add`` of each checkout in ``vs`` and of this one against the floor,
    interleaved (see the module's docstring)."""
    checkouts = {**vs, "this": ROOT}
    rows = []
    for label, data, kind in inputs:
        cmds, setup = {}, {}
        projects = []
        for name, root in checkouts.items():
            proj = OUT / f"vs_{name}_{data.stem}.zhagen"
            projects.append(proj)
            # every checkout runs from compiled bytecode, as an installed zhagen does, kept
            # in a cache of the bench's own (a checkout is never written to): with
            # PYTHONDONTWRITEBYTECODE set, a checkout without __pycache__ compiled ~70
            # modules on every run (~0.15 CPU s) and one with it did not
            pyc = OUT / "pycache" / name
            env = ["env", "-u", "PYTHONDONTWRITEBYTECODE", f"PYTHONPYCACHEPREFIX={pyc}"]
            env += [f"PYTHONPATH={root / 'src'}", sys.executable, "-m", "zhagen"]
            clean = f"rm -f {proj} {proj}-wal {proj}-shm {proj}.bak"
            setup[name] = ["sh", "-c", f"{clean} && {' '.join(env)} new {proj}"]
            cmds[name] = [*env, "add", str(proj), str(data), "--workers", str(workers)]
        fdb = OUT / f"vs_floor_{data.stem}.sqlite"
        projects.append(fdb)
        setup["floor"] = ["sh", "-c", f"rm -f {fdb} {fdb}-wal {fdb}-shm"]
        cmds["floor"] = [sys.executable, __file__, "--floor", str(data), str(fdb), kind]
        got = interleaved(cmds, n=repeat, warmup=warmup, setup=setup)
        base = got["floor"]
        for name, m in got.items():
            rows.append(
                {
                    "input": label,
                    "tool": name,
                    "wall_s": m["seconds"],
                    "wall/floor": m["seconds"] / base["seconds"],
                    "cpu_s": m["cpu_s"],
                    "cpu/floor": m["cpu_s"] / base["cpu_s"],
                    "peak_MiB": m["peak_mib"],
                    "load1": m["load1"],
                    "walls": " ".join(map(str, m["walls"])),
                }
            )
        print(table(rows[-len(got) :], list(rows[-1])) + "\n" + loads(), flush=True)
        for p in projects:
            for stale in OUT.glob(p.name + "*"):
                stale.unlink()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--formats", nargs="+", default=list(INPUTS), choices=list(INPUTS))
    ap.add_argument("--no-segment", action="store_true", help="skip the segmentation table")
    ap.add_argument("--unique", action="store_true", help="no record repeats (RefWorks only)")
    ap.add_argument(
        "--vs",
        nargs="+",
        default=None,
        metavar="NAME=CHECKOUT",
        help="A/B against these checkouts and the floor (see above)",
    )
    ap.add_argument(
        "--wos-unique",
        action="store_true",
        help="with --vs: the 34 400-record de-duplicated WoS replica only",
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="with --vs: untimed rounds first")
    ap.add_argument("--floor", nargs=3, metavar=("FILE", "DB", "KIND"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor(Path(args.floor[0]), Path(args.floor[1]), args.floor[2])
        return
    if not (SHARED / "corpora").is_dir():
        sys.exit(f"../shared/corpora not found at {SHARED}")
    if args.vs is not None:
        vs = {k: Path(v) for k, _, v in (x.partition("=") for x in args.vs)}
        if args.wos_unique:
            from map import unique_wos

            wos = unique_wos(INPUTS["wos"][0], 100)
            inputs = [("wos unique 34400", wos, "wos")]
        else:
            src, kind = INPUTS["cnki-refworks"]
            inputs = [(f"cnki-refworks {n}", replicate(src, kind, n), kind) for n in args.sizes]
            if args.unique:  # every record distinct (a distinct keyword a record)
                inputs = [(f"{lab} unique", unique_copy(p, kind), k) for lab, p, k in inputs]
        rows = bench_vs(inputs, vs, args.workers, args.repeat, args.warmup)
        print("\n## import A/B vs the floor\n" + table(rows, list(rows[0])))
        return
    rows = bench_import(args.sizes, args.workers, args.formats, args.unique)
    print("\n## import\n" + table(rows, list(rows[0])))
    if not args.no_segment:
        import segment

        seg = segment.run(SHARED / "corpora" / "seeds")
        print("\n## segmentation (seed texts)\n" + table(seg, list(seg[0])))
    print(f"\n(zhagen at {ROOT}; inputs replicated into {OUT})")


if __name__ == "__main__":
    main()
