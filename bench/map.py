"""Knowledge-map speed (issue 3): ``zhagen map`` at scale, and zhagen against Python peers.

    python bench/map.py                                  # 298 to 1M, WoS x100, all peers
    python bench/map.py --sizes 298 10000 --peers-times 10  # quicker
    python bench/map.py --skip-peers                     # part (1) only
    python bench/map.py --skip-cnki                      # part (2) only
    python bench/map.py --nodes-only --nodes-wos 3440 --nodes-cnki 20000   # part (3), small
    python bench/map.py --sizes 298 10000 --skip-peers --skip-nodes --vs base=../base
                                                         # part (1) A/B against a checkout

Run it with the project's Python (``/work/venv/bin/python bench/map.py``): it calls the
``zhagen`` command next to that Python.

(1) The CNKI RefWorks export (298 records) replicated to each size (``--sizes``, default
    298, 10 000, 100 000 and 1 000 000), in two cases: ``replicated`` (records repeat, ~1 000
    distinct keywords at any size; ``--keep-duplicates`` since a map leaves duplicates out)
    and ``distinct keywords`` (``unique_copy``: each record its own title, DOI, abstract and
    one keyword of its own, so the vocabulary grows with the records). Each is imported
    with ``zhagen new`` + ``zhagen add`` (one run, timed on its own); then the floor
    (``map.py _floor``: sqlite3 + json + a Counter of keywords and keyword pairs), ``zhagen
    map`` (every output) and ``zhagen map --outputs csv,json`` run interleaved: a warm-up
    round, ``--repeat`` rounds (default 3), medians, peak RSS of the process tree (MiB), the
    load average before each run, and each time as a ratio to the floor. A second,
    in-process run of the replicated map splits its time into reading the inputs
    (``map_input``), ``build_map`` and writing the files. Targets (issues 3 and 18):
    1 000 000 records in < 30 s and < 4 GiB; 300 records to CSV/JSON < 0.6 s, every output
    < 1.5 s; 10 000 records within 3x the floor; 1 000 000 distinct keywords within 1.2x
    the floor and < 1 GiB.
    ``--vs NAME=CHECKOUT ...`` (issue 18): instead of this checkout's two map rows, both
    maps of every checkout named and of this one (``this``), each as ``PYTHONPATH=
    CHECKOUT/src python -m zhagen`` on its own copy of the project, interleaved with the
    floor in one run (the before/after table); the warm-up round is where a checkout
    stores what later runs reuse (title phrases of cluster labels).
(2) The Web of Science file (344 records, plain text) in ``--peers-times`` distinct copies
    (``unique_wos``: own UT, DOI, title and first author per copy, DE identical, so no tool
    can merge two copies): the author-keyword (DE) co-occurrence network built by a floor
    (a minimal DE parser and a Counter of pairs), by zhagen (its reader + its co-occurrence
    step, ``bench/map_peers.py``; ``zhagen-2proc``: its import pipeline with two worker
    processes, as ``zhagen add --workers 2`` reads, cleans and stores) and by peers from
    PyPI, each in its own process, interleaved (a warm-up, ``--repeat`` rounds, medians),
    with ratios to the floor and to zhagen in one process; zhagen-2proc is compared with
    zhagen only (same-process rows against same-process rows). Every network is checked
    against zhagen's edge by edge on the timed file itself, both sides normalised alike;
    plus the full ``zhagen add`` + ``zhagen map`` CLI on the same file.

(3) Node types (issue 13): ``zhagen map --nodes keyword|author|institution|reference|
    cited-author|cited-journal`` on ``--nodes-wos`` WoS records (default 34 400: the
    344-record file in 100 copies made distinct and with people of their own —
    ``unique_wos_people``: titles, UT, DOI and cited references carry the copy's tag, every
    author of a copy is a person of that copy, institutions are shared by ten copies) and
    keyword/author/institution on ``--nodes-cnki`` CNKI records (default 1 000 000:
    ``people_cnki``, the RefWorks export replicated with authors per copy and affiliations
    per ten copies, ``--keep-duplicates`` as in (1)); the maps of one data set run
    interleaved (a warm-up, ``--repeat`` rounds), medians, each as a ratio to the keyword
    map's, target <= 2x. Then the co-authorship network of the timed WoS file by zhagen and
    by metaknowledge (``networkCoAuthor``), interleaved and compared edge by edge.
    ``--nodes-kinds`` picks the node types.
    ``--skip-nodes`` leaves it out; ``--nodes-only`` runs it alone.

Peers are installed into a separate venv (``--bench-venv``, default ``../bench-venv``, i.e.
``/work/bench-venv``), created when missing, so the project's venv stays clean; a peer that
cannot be installed or imported is skipped with a line saying why. They are benchmark
tools only, never zhagen dependencies, so their licences (printed) do not constrain zhagen.

``--profile auto`` (default) profiles zhagen with cProfile where it misses a target or is
not the fastest, and prints where the time goes. Inputs are replicated into ``bench/out``
and projects/maps are written to ``bench/out/map`` (removed at the end unless ``--keep``;
``--keep`` also lets a later run reuse the imported projects).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402  # noqa: E402
    OUT,
    ROOT,
    SHARED,
    interleaved,
    measure,
    replicate,
    split_records,
    table,
    unique_copy,
)

HERE = Path(__file__).resolve().parent
CNKI = SHARED / "corpora" / "cnki" / "refworks_2024_298.txt"
WOS = SHARED / "corpora" / "wos" / "plaintext_344_fullrecord.txt"
WORK = OUT / "map"
TARGET_S, TARGET_MB, TARGET_N = 30.0, 4096.0, 1_000_000

#: peer -> (pip name, import name)
PEERS: dict[str, tuple[str, str]] = {
    "metaknowledge": ("metaknowledge", "metaknowledge"),
    "bibx": ("bibx", "bibx"),
    "biblium": ("biblium", "biblium"),
}
#: Why a peer's network can differ from zhagen's (checked on the 344-record file).
PEER_NOTES = {
    "metaknowledge": "DE lower-cased, wrapped lines joined with a space, split on '; ' "
    "(zhagen's normalisation); RecordCollection is a set: records with the same UT collapse; "
    "networkOneMode(nodeCount=True) fails on networkx >= 2.4 (Graph.node), so nodeCount=False",
    "bibx": "splits DE line by line before '; ', so a keyword wrapped over two lines becomes "
    "two keywords ('AO Trauma Italy' + 'survey'); keeps case; read_wos merges records with "
    "the same 'simple' id (first author + year, when there is no DOI: 344 -> 338 here, two "
    "different Liu 2019 papers merged, one keyword list dropped); no co-occurrence function "
    "(pairs counted with itertools.combinations)",
    "biblium": "keeps case ('Fracture' and 'fracture' are two nodes; lower-casing needs "
    "preprocess_level >= 2, which needs NLTK data fetched at run time); node labels cut at "
    "the first ' (' ('laser microdissection (lmd)' -> 'laser microdissection'); counts "
    "every row (no merging); default top_n=20 raised to keep every keyword",
}
#: Peers looked at and left out (printed, so a reader knows they were considered).
NOT_PEERS = {
    "pybibx": "reads WoS only as BibTeX, not the plain-text export (fails on it); pulls in "
    "torch and transformers (~7 GB)",
    "litstudy": "no Web of Science reader (RIS, BibTeX, CSV, Scopus, IEEE, Springer)",
    "wostools": "superseded by bibx (same authors, same parser); its collection also "
    "yields every cited reference as an article",
}
PROFILE_LINES = 25


# ---------------------------------------------------------------------------- helpers


def zhagen_cmd() -> str:
    return shutil.which("zhagen", path=str(Path(sys.executable).parent)) or "zhagen"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def load1() -> float:
    return round(os.getloadavg()[0], 2)


def best(cmd: list[str], repeat: int, **kw: Any) -> dict[str, Any]:
    """One command timed as :func:`_util.interleaved` times several: a warm-up run, then
    ``repeat`` runs; the median wall and CPU seconds, the highest peak (MiB), the median
    load average."""
    m = interleaved({"cmd": cmd}, repeat, warmup=1, **kw)["cmd"]
    return {**m, "peak_mb": m["peak_mib"]}


def fresh(path: Path) -> Path:
    """Remove ``path`` (file or folder) and files beside it named like it (-wal, .done)."""
    if path.is_dir():
        shutil.rmtree(path)
    for p in path.parent.glob(path.name + "*"):
        if p.is_file():
            p.unlink()
    return path


def map_counts(stdout: str) -> dict[str, int]:
    """Node and edge counts from ``zhagen map``'s summary line."""
    found = dict(re.findall(r"(records|nodes|edges|clusters|bursts) (\d+)", stdout))
    return {k: int(v) for k, v in found.items()}


def import_project(data: Path, proj: Path, workers: int, reuse: bool) -> dict[str, Any]:
    """``zhagen new`` + ``zhagen add`` (timed); reuse a complete project from ``--keep``."""
    done = proj.with_name(proj.name + ".done")
    if reuse and proj.exists() and done.exists():
        return {"seconds": None, "peak_mb": None, "load1": None, "note": "reused"}
    fresh(proj)
    done.unlink(missing_ok=True)
    measure([zhagen_cmd(), "new", str(proj)])
    m = {
        "load1": load1(),
        **measure([zhagen_cmd(), "add", str(proj), str(data), "--workers", str(workers)]),
    }
    done.write_text("ok\n")
    return m


def print_profile(prof: Path, title: str) -> None:
    """zhagen's functions by cumulative time, and all functions by own time."""
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(str(prof), stream=buf)
        # By cumulative time only zhagen's own functions (callers of everything else).
        where = (r"src/zhagen|map_peers",) if key == "cumulative" else ()
        st.sort_stats(key).print_stats(*where, PROFILE_LINES)
        text = buf.getvalue()
        for prefix in (str(ROOT / "src"), str(ROOT), sysconfig.get_paths()["stdlib"]):
            text = text.replace(prefix + "/", "")
        text = re.sub(r"/\S*/site-packages/", "", text)
        lines = text.splitlines()
        start = next((i for i, x in enumerate(lines) if "function calls" in x), 0)
        body = [x for x in lines[start:] if x.strip() and not x.startswith("   List reduced")]
        print(f"\n### profile: {title} (by {key})\n" + "\n".join(body))


# ------------------------------------------------------- (1) in-process split of `zhagen map`


def split_run(project: str, out: str) -> None:
    """Run ``zhagen map PROJECT --keep-duplicates --out OUT`` in this process, timing its
    parts by wrapping the functions the CLI calls; print the seconds as JSON."""
    import contextlib
    import functools

    t0 = time.perf_counter()
    import zhagen.map_input
    import zhagen.mapping
    from zhagen.cli import main
    from zhagen.report.mapfiles import WritableMap

    stages = {"read": 0.0, "build": 0.0, "write": 0.0}
    cpu = {"read": 0.0, "build": 0.0, "write": 0.0}

    def timed(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t, c = time.perf_counter(), _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] += time.perf_counter() - t
                cpu[name] += _cpu() - c

        return wrapper

    # project.maps.build imports these names at call time, so the wrapped versions are the ones used.
    zhagen.map_input.map_input = timed("read", zhagen.map_input.map_input)
    zhagen.mapping.build_map = timed("build", zhagen.mapping.build_map)
    WritableMap.write = timed("write", WritableMap.write)
    t1 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        rc = main(["map", project, "--keep-duplicates", "--out", out])
    t2 = time.perf_counter()
    if rc:
        sys.exit(rc)
    stages["other"] = (t2 - t1) - sum(stages.values())
    stages["imports"] = t1 - t0
    stages["total"] = t2 - t0
    stages.update({f"{k}_cpu": v for k, v in cpu.items()})
    print(json.dumps(stages))


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the figure worker
    of ``write`` is reaped when writing ends)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def floor_run(project: str, keep: bool) -> None:
    """The floor of a keyword map: read every document's keywords JSON from the project
    file with ``sqlite3`` (duplicates left out unless ``keep``), lower-case and strip each
    keyword, count keywords and keyword pairs per record with ``collections.Counter``.
    Prints the counts as JSON. No clusters, bursts, layout or files: the least a map of
    these keywords must read and count."""
    import sqlite3
    from collections import Counter
    from itertools import combinations

    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    sql = "SELECT keywords FROM documents" + ("" if keep else " WHERE dup_of IS NULL")
    freq: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    records = 0
    for (text,) in conn.execute(sql):
        records += 1
        kws = sorted({k.strip().lower() for v in json.loads(text).values() for k in v if k.strip()})
        freq.update(kws)
        pairs.update(combinations(kws, 2))
    print(json.dumps({"records": records, "keywords": len(freq), "pairs": len(pairs)}))


#: The cases of part (1): the replicated export (every record repeated, so ~1 000 distinct
#: keywords at any size; duplicates kept with --keep-duplicates) and the same records made
#: distinct (``unique_copy``: each record's title, DOI, abstract carry its number and its
#: keywords one keyword of its own, so the vocabulary grows with the records).
CNKI_CASES = ("replicated", "distinct keywords")


def bench_cnki(args: argparse.Namespace) -> tuple[list[dict], list[dict], dict]:
    """Part (1): per size and case, the floor, ``zhagen map`` (every output) and ``zhagen
    map --outputs csv,json``, interleaved (a warm-up round, then ``--repeat`` rounds)."""
    rows, splits, largest = [], [], {}
    for n in args.sizes:
        for case in CNKI_CASES:
            distinct = case == "distinct keywords"
            data = replicate(CNKI, "refworks", n)
            data = unique_copy(data, "refworks") if distinct else data
            keep = [] if distinct else ["--keep-duplicates"]
            proj = WORK / f"cnki_{n}{'_distinct' if distinct else ''}.zhagen"
            print(f"\n[cnki {n:,} {case}] importing {data.name} ({uptime()})", flush=True)
            add = import_project(data, proj, args.workers, args.keep)
            out = fresh(WORK / f"cnki_{n}_map")
            base = [zhagen_cmd(), "map", str(proj), *keep, "--out", str(out)]
            cmds = {
                "floor (sqlite3 + json + Counter)": [
                    sys.executable,
                    __file__,
                    "_floor",
                    str(proj),
                    "keep" if keep else "-",
                ],
                "zhagen map (every output)": base,
                "zhagen map --outputs csv,json": [*base, "--outputs", "csv,json"],
            }
            if args.vs:
                cmds = {**{k: v for k, v in cmds.items() if k.startswith("floor")},
                        **vs_cmds(args.vs, proj, keep)}  # fmt: skip
            print(f"[cnki {n:,} {case}] {' '.join(base)} (x{args.repeat}, interleaved)", flush=True)
            timed = interleaved(cmds, args.repeat, warmup=1)
            floor = timed["floor (sqlite3 + json + Counter)"]
            for tool, m in timed.items():
                counts = map_counts(m["stdout"])
                rows.append({
                    "records": n, "case": case, "tool": tool,
                    "file_MiB": data.stat().st_size / 2**20,
                    "add_s": add["seconds"] if add.get("note") is None else add["note"],
                    "wall_s": m["seconds"], "x_floor": m["seconds"] / floor["seconds"],
                    "cpu_s": m["cpu_s"], "x_floor_cpu": m["cpu_s"] / max(floor["cpu_s"], 1e-9),
                    "peak_MiB": m["peak_mib"], "x_floor_MiB": m["peak_mib"] / floor["peak_mib"],
                    "nodes": counts.get("nodes"), "edges": counts.get("edges"),
                    "load1": m["load1"], "walls": " ".join(f"{w:.2f}" for w in m["walls"]),
                })  # fmt: skip
            print(table(rows[-len(timed) :], list(rows[-1])), flush=True)
            if args.vs:
                continue  # the A/B tables only
            full = timed["zhagen map (every output)"]
            ok = full["seconds"] < TARGET_S and full["peak_mib"] < TARGET_MB
            if distinct:
                continue
            out2 = fresh(WORK / f"cnki_{n}_map_split")
            s = measure([sys.executable, __file__, "_split", str(proj), str(out2)])
            st = json.loads(s["stdout"].strip().splitlines()[-1])
            splits.append(
                {
                    "records": n,
                    "read inputs (map_input)": st["read"],
                    "read_cpu": st["read_cpu"],
                    "build_map": st["build"],
                    "build_cpu": st["build_cpu"],
                    "write files": st["write"],
                    "write_cpu": st["write_cpu"],
                    "other (open, record run)": st["other"],
                    "imports": st["imports"],
                    "in-process total": st["total"],
                    "process wall": s["seconds"],
                    "process cpu": s["cpu_s"],
                    "peak_MiB": s["peak_mib"],
                }
            )
            print(table(splits[-1:], list(splits[-1])), flush=True)
            largest = {"n": n, "proj": proj, "ok": ok}
    return rows, splits, largest


def vs_cmds(vs: list[str], proj: Path, keep: list[str]) -> dict[str, list[str]]:
    """``--vs NAME=CHECKOUT``: ``zhagen map`` (every output) and ``--outputs csv,json`` of
    each checkout named and of this one (``this``), each run as ``PYTHONPATH=CHECKOUT/src
    python -m zhagen`` on its own copy of the project (what one checkout stores, such as
    a newer migration or cached label phrases, is never read by another)."""
    checkouts = {k: Path(v).resolve() for k, _, v in (x.partition("=") for x in vs)}
    checkouts["this"] = ROOT
    cmds: dict[str, list[str]] = {}
    for name, root in checkouts.items():
        # byte-code written once, as an installed package has it: with
        # PYTHONDONTWRITEBYTECODE=1 every run would otherwise compile zhagen's sources
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "src")],
                       check=True, capture_output=True)  # fmt: skip
        own = proj.with_name(f"{proj.stem}__{name}.zhagen")
        for extra in ("", "-wal", "-shm", ".bak"):
            Path(str(own) + extra).unlink(missing_ok=True)
        shutil.copy2(proj, own)
        if Path(str(proj) + "-wal").exists():  # what the import left uncheckpointed
            shutil.copy2(str(proj) + "-wal", str(own) + "-wal")
        out = fresh(WORK / f"{proj.stem}__{name}_map")
        run = ["env", f"PYTHONPATH={root / 'src'}", sys.executable, "-m", "zhagen", "map",
               str(own), *keep, "--out", str(out)]  # fmt: skip
        cmds[f"{name}: zhagen map (every output)"] = run
        cmds[f"{name}: zhagen map --outputs csv,json"] = [*run, "--outputs", "csv,json"]
    return cmds


# ----------------------------------------------------------- (3) node types

NODE_TARGET = 2.0  # an author/institution/co-citation map within 2x the keyword map's time


def unique_wos(src: Path, copies: int) -> Path:
    """``src``'s records in ``copies`` distinct copies: in copy ``c`` the title, UT and DOI
    carry ``c``, the first author's surname a letter tag of ``c``, and every cited reference
    is made a work of that copy (its first author prefixed with the tag, its DOI prefix with
    ``c``), so no record is a duplicate of another (no tool can merge two copies: UT, DOI,
    first author + year and title all differ) and the copies share no cited work; the
    author keywords (DE) are left as they are. Written once into ``OUT``."""
    dest = OUT / f"{src.stem}_unique2_x{copies}{src.suffix}"
    if dest.exists():
        return dest
    OUT.mkdir(parents=True, exist_ok=True)
    header, recs, trailer = split_records(src.read_bytes(), "wos")
    tmp = dest.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(header)
        for c in range(copies):
            tag = "".join(chr(65 + int(d)) for d in str(c)).encode()
            for rec in recs:
                fh.write(_tag_record(rec, c, tag))
        fh.write(trailer)
    tmp.rename(dest)
    return dest


def _tag_record(rec: bytes, c: int, tag: bytes) -> bytes:
    out, field = [], b""
    for line in rec.split(b"\n"):
        if line[:2].strip() and line[2:3] == b" ":
            field = line[:2]
            if field in (b"TI", b"UT", b"DI"):
                line = line + f" {c}".encode() if field == b"TI" else line + f"-{c}".encode()
            elif field in (b"AU", b"AF"):  # the first author's surname carries the copy's tag
                surname, comma, rest = line[3:].partition(b",")
                line = line[:3] + surname + tag + comma + rest
        if field == b"CR" and len(line) > 3:
            body = line[3:]
            body = body.replace(b"DOI 10.", b"DOI 10." + str(c).encode())
            line = line[:3] + tag + body
        out.append(line)
    return b"\n".join(out)


def unique_wos_people(src: Path, copies: int) -> Path:
    """:func:`unique_wos`, and every author of copy ``c`` a person of that copy (each name
    in ``AU``, ``AF`` and the ``[authors]`` of ``C1`` carries the copy's tag) and the
    institutions of ``C1`` shared by ten copies (the first part of each address carries the
    tag of ``c // 10``): without this the co-authors of the first author (the same people
    in every copy) would appear 100 times as often as in the file, and the institutions
    ``copies`` times, so the author and institution maps would not be those of a real
    34,400-record field. Author keywords (DE) stay as they are."""
    dest = OUT / f"{src.stem}_people_x{copies}{src.suffix}"
    if dest.exists():
        return dest
    header, recs, trailer = split_records(unique_wos(src, copies).read_bytes(), "wos")
    tmp = dest.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(header)
        for n, rec in enumerate(recs):
            c = n // (len(recs) // copies)
            fh.write(_tag_people(rec, _letters(c), _letters(c // 10)))
        fh.write(trailer)
    tmp.rename(dest)
    return dest


def _letters(c: int) -> bytes:
    return "".join(chr(65 + int(d)) for d in str(c)).encode()


def _tag_name(name: bytes, tag: bytes) -> bytes:
    surname, comma, rest = name.strip().partition(b",")
    return surname + tag + comma + rest


def _tag_people(rec: bytes, tag: bytes, group: bytes) -> bytes:
    out, field = [], b""
    for line in rec.split(b"\n"):
        first = bool(line[:2].strip()) and line[2:3] == b" "
        if first:
            field = line[:2]
        body = line[3:]
        # the first author (the field's first line) is tagged by unique_wos already
        if field in (b"AU", b"AF") and not first and body.strip():
            line = line[:3] + _tag_name(body, tag)
        elif field == b"C1" and body.strip():
            names, bracket, address = body.partition(b"] ")
            if bracket:
                tagged = b"; ".join(_tag_name(x, tag) for x in names.lstrip(b"[").split(b";"))
                body = b"[" + tagged + b"] " + address
            head, comma, tail = body.rpartition(b"] ")[2].partition(b",")
            body = body[: len(body) - len(head + comma + tail)] + head + b" " + group + comma + tail
            line = line[:3] + body
        out.append(line)
    return b"\n".join(out)


def people_cnki(n: int) -> Path:
    """The CNKI RefWorks export replicated to ``n`` records (``replicate``), with every
    author of copy ``c`` (the ``c``-th run through the 298 records) a person of that copy (a
    tag of CJK digits after the name) and the affiliations shared by ten copies (the tag of
    ``c // 10`` before each): a million records of one field, not one field 3,356 times.
    Keywords stay as they are (the ``replicated`` case of part (1))."""
    src = replicate(CNKI, "refworks", n)
    dest = src.with_name(src.stem + "_people" + src.suffix)
    if dest.exists():
        return dest
    digits = "〇一二三四五六七八九"
    per = len(split_records(CNKI.read_bytes(), "refworks")[1])
    number = -1
    tmp = dest.with_suffix(".part")
    with open(src, "rb") as fh, open(tmp, "wb") as out:
        for raw in fh:
            if raw.startswith(b"RT "):
                number += 1
            if raw[:3] in (b"A1 ", b"AD "):
                c = number // per
                tag = "".join(digits[int(d)] for d in str(c if raw[:3] == b"A1 " else c // 10))
                end = raw[len(raw.rstrip(b"\r\n")) :]
                items = [x.strip() for x in raw[3 : len(raw) - len(end)].decode().split(";")]
                items = [(x + tag if raw[:3] == b"A1 " else tag + x) for x in items if x]
                raw = raw[:3] + ";".join(items).encode() + end
            out.write(raw)
    tmp.rename(dest)
    return dest


NODE_KINDS = {
    "wos": ["keyword", "author", "institution", "reference", "cited-author", "cited-journal"],
    "cnki": ["keyword", "author", "institution"],
}
#: Peers that build the same network as a node type, with their bench_peers tool names.
#: (biblium-author is left out: biblium 2.16.1's get_coauthorship returns author nodes and
#: no link on WoS plain text; run ``map_peers.py biblium-author`` to see it.)
NODE_PEERS = {"author": ["metaknowledge-author"]}


def bench_nodes(args: argparse.Namespace) -> list[dict]:
    """Time ``zhagen map --nodes X`` next to the keyword map on WoS and CNKI data: the node
    types interleaved (a warm-up round, ``--repeat`` rounds, order rotated), medians, each
    as a ratio to the keyword map's median; then the peers' co-authorship networks next to
    zhagen's, checked edge by edge on the timed file."""
    rows: list[dict] = []
    plans = []
    if args.nodes_wos:
        copies = max(1, args.nodes_wos // 344)
        plans.append(("wos", unique_wos_people(WOS, copies), False))
    if args.nodes_cnki:
        plans.append(("cnki", people_cnki(args.nodes_cnki), True))
    args.nodes_kinds = ["keyword", *args.nodes_kinds]
    for name, data, keep in plans:
        proj = WORK / f"nodes_{name}_{data.stem}.zhagen"
        print(f"\n[nodes {name}] importing {data.name} ({uptime()})", flush=True)
        add = import_project(data, proj, args.workers, args.keep)
        cmds = {}
        for kind in [k for k in NODE_KINDS[name] if k in args.nodes_kinds]:
            out = fresh(WORK / f"nodes_{name}_{kind}")
            cmds[kind] = [zhagen_cmd(), "map", str(proj), "--nodes", kind, "--out", str(out)]
            cmds[kind] += ["--keep-duplicates"] if keep else []
        print(f"[nodes {name}] {len(cmds)} maps interleaved, 1 warm-up + {args.repeat} rounds "
              f"({uptime()})", flush=True)  # fmt: skip
        res = interleaved(cmds, n=args.repeat, warmup=1)
        base = res["keyword"]["seconds"]
        for kind, m in res.items():
            counts = map_counts(m["stdout"])
            ratio = m["seconds"] / base
            rows.append({
                "data": name, "records": counts.get("records"),
                "add_s": add["seconds"] if add.get("note") is None else add["note"],
                "nodes": kind, "map_s": m["seconds"], "walls": m["walls"], "cpu_s": m["cpu_s"],
                "peak_MiB": m["peak_mib"], "x_keyword": ratio,
                "graph": f"{counts.get('nodes')} nodes / {counts.get('edges')} edges",
                "load1": m["load1"],
                "target": "" if kind == "keyword" else ("ok" if ratio <= NODE_TARGET else "MISSED"),
            })  # fmt: skip
        print(table(rows[-len(res) :], list(rows[-1])), flush=True)
        if name == "wos" and not args.skip_peers:
            bench_node_peers(args, data)
    return rows


def bench_node_peers(args: argparse.Namespace, data: Path) -> None:
    """The co-authorship network of the timed WoS file by zhagen and by each peer that has
    one (interleaved, medians), compared edge by edge with both sides' names folded alike
    (case, spaces, dots: ``Ion, R.`` and ``ION, R`` are one name on both sides)."""
    ready, skipped = ensure_peers(Path(args.bench_venv), ["metaknowledge", "biblium"])
    for line in skipped:
        print(line)
    py = str(Path(args.bench_venv) / "bin" / "python")
    cmds = {"zhagen-author": tool_cmd("zhagen-author", sys.executable, data)}
    for tool in NODE_PEERS["author"]:
        if tool.split("-")[0] in ready:
            cmds[tool] = tool_cmd(tool, py, data)
    res = interleaved(cmds, n=args.repeat, warmup=1)
    z = tool_result("zhagen-author")
    rows = []
    for tool, m in res.items():
        r = tool_result(tool)
        agree = agreement(z, r, fold=True, dots=True)
        rows.append({
            "network": "co-authorship (AF)", "tool": tool, "version": r["version"],
            "seconds": m["seconds"], "walls": m["walls"], "cpu_s": m["cpu_s"],
            "peak_MiB": m["peak_mib"], "x_zhagen": m["seconds"] / res["zhagen-author"]["seconds"],
            "records_read": r["records_read"], "nodes": r["nodes"], "edges": len(r["edges"]),
            "agree_%": agree["agree_%"], "only_tool": agree["only_tool"],
            "only_zhagen": agree["only_zhagen"], "load1": m["load1"],
        })  # fmt: skip
    print("\n## (3) peers: the same network (co-authorship of the timed file, every record)")
    print(table(rows, list(rows[0])), flush=True)
    print(
        "   not compared: co-citation (metaknowledge's networkCoCitation keys a reference by "
        "its own Citation parse, zhagen by first author + year + source + volume + page or "
        "DOI; no normalisation makes the two keys alike edge by edge); biblium's "
        "get_coauthorship returns its author nodes with no link on the WoS plain text."
    )


# ----------------------------------------------------------- (2) WoS: zhagen and its peers


def ensure_peers(venv: Path, wanted: list[str]) -> tuple[dict[str, dict], list[str]]:
    """Create the bench venv when missing and install the peers; (ready peers, skip lines)."""
    py = venv / "bin" / "python"
    skipped: list[str] = []
    if not py.exists():
        base = shutil.which("python3") or sys.executable
        print(f"creating {venv} ({base} -m venv)", flush=True)
        r = subprocess.run([base, "-m", "venv", str(venv)], capture_output=True, text=True)
        if r.returncode:
            return {}, [f"skip all peers: cannot create {venv}: {_last_line(r.stderr)}"]
    ready: dict[str, dict] = {}
    for peer in wanted:
        pip_name, module = PEERS[peer]
        if _meta(py, pip_name) is None:
            print(f"installing {pip_name} into {venv} ...", flush=True)
            try:
                r = subprocess.run(
                    [str(py), "-m", "pip", "install", "-q", pip_name],
                    capture_output=True,
                    text=True,
                    timeout=3600,
                )
                err = "" if r.returncode == 0 else _last_line(r.stderr)
            except subprocess.TimeoutExpired:
                err = "pip install timed out (1 h)"
            if err:
                skipped.append(f"skip {peer}: could not be installed ({err})")
                continue
        r = subprocess.run([str(py), "-c", f"import {module}"], capture_output=True, text=True)
        if r.returncode:
            skipped.append(
                f"skip {peer}: installed but `import {module}` fails ({_last_line(r.stderr)})"
            )
            continue
        ready[peer] = {"python": str(py), **(_meta(py, pip_name) or {})}
    return ready, skipped


_META = """import json, sys
from importlib.metadata import metadata
m = metadata(sys.argv[1])
lic = m.get("License-Expression") or m.get("License") or ""
cls = [c.split(" :: ")[-1] for c in m.get_all("Classifier") or [] if c.startswith("License")]
lic = " / ".join(x for x in [lic[:40], *cls] if x)
print(json.dumps({"version": m["Version"], "license": lic}))
"""


def _meta(py: Path, dist: str) -> dict | None:
    r = subprocess.run([str(py), "-c", _META, dist], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def _last_line(text: str) -> str:
    lines = [x.strip() for x in text.splitlines() if x.strip() and "is ignored" not in x]
    return lines[-1][:200] if lines else "no message"


def tool_cmd(tool: str, py: str, data: Path) -> list[str]:
    """The command that runs one tool of ``map_peers.py`` on ``data`` (its JSON beside)."""
    return [py, str(HERE / "map_peers.py"), tool, str(data), str(WORK / f"{tool}.json")]


def tool_result(tool: str) -> dict:
    """What the last run of ``tool`` wrote (its edges, records, stage times)."""
    return json.loads((WORK / f"{tool}.json").read_text(encoding="utf-8"))


def _edges(res: dict, fold: bool = False, cut_paren: bool = False, dots: bool = False) -> dict:
    out: dict[tuple[str, str], int] = {}
    for a, b, n in res["edges"]:
        if dots:
            a, b = a.replace(".", " "), b.replace(".", " ")
        if cut_paren:
            a, b = a.split(" (")[0], b.split(" (")[0]
        if fold:
            a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        out[key] = out.get(key, 0) + n
    return out


def agreement(zres: dict, pres: dict, **norm: bool) -> dict[str, Any]:
    """Edge by edge: both networks normalised the same way (``norm``), then every pair
    compared with its count."""
    z, p = _edges(zres, **norm), _edges(pres, **norm)
    same = sum(1 for k, n in p.items() if z.get(k) == n)
    return {
        "zhagen_edges": len(z),
        "tool_edges": len(p),
        "identical": same,
        "same_pair_other_count": sum(1 for k in p if k in z and z[k] != p[k]),
        "only_tool": len(p.keys() - z.keys()),
        "only_zhagen": len(z.keys() - p.keys()),
        "agree_%": 100.0 * same / max(len(z), len(p), 1),
    }


NORMS = (
    ("as read", {}),
    ("case/space folded", {"fold": True}),
    ("folded, ' (' cut", {"fold": True, "cut_paren": True}),
)


def bench_wos(args: argparse.Namespace) -> None:
    """Part (2): the DE network of the WoS file in ``--peers-times`` distinct copies
    (``unique_wos``: no tool can merge two copies), built by the floor, zhagen (one
    process, and two as ``zhagen add`` reads) and each peer, interleaved; the networks
    compared edge by edge on that same timed file."""
    copies = args.peers_times
    data = unique_wos(WOS, copies)
    n = 344 * copies
    ready, skipped = ensure_peers(args.bench_venv, args.peers)
    me = {"python": sys.executable, "version": _zhagen_version(), "license": "MIT"}
    floor = {"python": sys.executable, "version": "-", "license": "-"}
    tools = {"floor": floor, "zhagen": me, "zhagen-2proc": me} | ready
    cmds = {t: tool_cmd(t, info["python"], data) for t, info in tools.items()}
    print(f"\n[wos x{copies}] {data.name}, {n:,} records, {len(cmds)} tools interleaved, "
          f"1 warm-up + {args.repeat} rounds ({uptime()})", flush=True)  # fmt: skip
    timed: dict[str, dict] = {}
    results: dict[str, dict] = {}
    for tool, cmd in cmds.items():  # a tool that fails is left out, the others go on
        try:
            measure(cmd)
            results[tool] = tool_result(tool)
        except RuntimeError as exc:
            skipped.append(f"skip {tool}: failed on the file ({exc})")
    timed = interleaved({t: cmds[t] for t in results}, args.repeat, warmup=0)
    results = {t: tool_result(t) for t in timed}  # the last timed run's network
    zrow = timed.get("zhagen")
    rows = []
    for tool, m in timed.items():
        res, t = results[tool], results[tool]["times"]
        rows.append({
            "tool": tool, "version": tools[tool].get("version"),
            "licence": tools[tool].get("license"),
            "processes": 2 if tool == "zhagen-2proc" else 1,
            "records_read": res["records_read"], "nodes": res["nodes"],
            "edges": len(res["edges"]), "sum_counts": sum(e[2] for e in res["edges"]),
            "wall_s": m["seconds"], "x_floor": m["seconds"] / timed["floor"]["seconds"],
            "x_zhagen": m["seconds"] / zrow["seconds"] if zrow else None,
            "cpu_s": m["cpu_s"],
            "x_zhagen_cpu": m["cpu_s"] / zrow["cpu_s"] if zrow else None,
            "peak_MiB": m["peak_mib"], "import_s": t["import"], "read_s": t["read"],
            "network_s": t["network"], "load1": m["load1"],
            "walls": " ".join(f"{w:.2f}" for w in m["walls"]),
        })  # fmt: skip
    agree_rows = [
        {"tool": tool, "labels": label, "records": results[tool]["records_counted"],
         **agreement(results["zhagen"], results[tool], **norm)}
        for tool in results if tool != "zhagen" and "zhagen" in results
        for label, norm in NORMS
    ]  # fmt: skip

    # The full CLI on the same file (reads every field, builds the whole map).
    proj = WORK / f"wos_unique_x{copies}.zhagen"
    add = import_project(data, proj, args.workers, args.keep)
    out = fresh(WORK / f"wos_x{copies}_map")
    cmd = [zhagen_cmd(), "map", str(proj), "--out", str(out)]
    mm = best(cmd, args.repeat)
    cli = [
        {
            "step": f"zhagen add (import, --workers {args.workers}; one run)",
            "seconds": add["seconds"] if not add.get("note") else add["note"],
            "cpu_s": add.get("cpu_s"),
            "peak_MiB": add["peak_mb"],
            "load1": add["load1"],
        },
        {
            "step": f"zhagen map (full map, median of {args.repeat})",
            "seconds": mm["seconds"],
            "cpu_s": mm["cpu_s"],
            "peak_MiB": mm["peak_mib"],
            "load1": mm["load1"],
            **map_counts(mm["stdout"]),
        },
    ]

    print(
        f"\n## (2) WoS author-keyword (DE) co-occurrence, {n:,} records (344-record file in "
        f"{copies} distinct copies: own UT, DOI, title and first author; DE identical), each "
        "tool in its own process"
    )
    cols = ["tool", "version", "licence", "processes", "records_read", "nodes", "edges",
            "sum_counts", "wall_s", "x_floor", "x_zhagen", "cpu_s", "x_zhagen_cpu",
            "peak_MiB", "import_s", "read_s", "network_s", "load1", "walls"]  # fmt: skip
    print(table(rows, cols))
    print(
        f"Medians of {args.repeat} interleaved rounds (after a warm-up run of each tool); "
        "walls = every timed run. x_floor = wall / the floor's wall (a minimal DE parser and "
        "a Counter of pairs: the least any tool must do); x_zhagen = wall / zhagen's "
        "one-process wall (> 1: zhagen faster); x_zhagen_cpu the same with CPU seconds of the "
        "process and its children. peak_MiB: peak RSS of the process tree, MiB (2^20 bytes). "
        "zhagen-2proc uses two worker processes and also cleans and stores every record (as "
        "`zhagen add`): compare it with zhagen, not with the one-process peers."
    )
    collapsed = [r["tool"] for r in rows if r["records_read"] != n]
    if collapsed:
        print(f"NOTE: read fewer than {n:,} records (merged copies): {', '.join(collapsed)}")
    print(f"\n### the full zhagen CLI on the same {n:,} records (DE + Keywords Plus, top-N "
          "nodes per year, clusters, bursts, layout, every output)")  # fmt: skip
    print(table(cli, ["step", "seconds", "cpu_s", "peak_MiB", "load1", "nodes", "edges"]))
    print(f"commands: zhagen new P; zhagen add P FILE --workers {args.workers}; "
          "zhagen map P --out DIR")  # fmt: skip
    print(f"\n### edge by edge against zhagen's network, on the timed {n:,}-record file itself")
    print(table(agree_rows, list(agree_rows[0])) if agree_rows else "(no other tool)")
    print(
        "identical = same keyword pair with the same count; only_* = pairs one tool has and "
        "the other has not. Each normalisation is applied to both networks alike: 'folded' "
        "lower-cases and collapses spaces, ' (' cut drops a label's text from ' (' on."
    )
    for peer in ready:
        print(f"- {peer} ({tools[peer].get('license')}): {PEER_NOTES[peer]}")
    for name, why in NOT_PEERS.items():
        print(f"- not used: {name}: {why}")
    for line in skipped:
        print(line)
    sys.stdout.flush()
    faster = _verdict(rows)
    if args.profile == "always" or (args.profile == "auto" and faster):
        prof = WORK / "wos_zhagen.prof"
        jout = WORK / "wos_zhagen_prof.json"
        profile_run(prof, str(HERE / "map_peers.py"), "zhagen", str(data), str(jout))
        print_profile(prof, f"zhagen reader + co-occurrence, {n:,} WoS records")


def profile_run(prof: Path, *argv: str) -> None:
    """Run ``python -m cProfile -o PROF ARGV...`` (a script or ``-m module`` and its args)."""
    measure([sys.executable, "-m", "cProfile", "-o", str(prof), *argv])


def _zhagen_version() -> str:
    from importlib.metadata import version

    return version("zhagen")


# ---------------------------------------------------------------------------------- main


def _verdict(rows: list[dict[str, Any]]) -> list[str]:
    """Same-process rows against same-process rows: zhagen in one process against each
    one-process peer; zhagen-2proc only against zhagen. Return the peers faster than
    zhagen in one process."""
    by = {r["tool"]: r for r in rows}
    z = by.get("zhagen")
    if z is None:
        return []
    peers = [r for r in rows if r["tool"] not in ("zhagen", "zhagen-2proc", "floor")]
    faster = [r["tool"] for r in peers if r["wall_s"] < z["wall_s"]]
    if faster:
        print(f"\nzhagen (one process, {z['wall_s']:.2f} s) is NOT the fastest: "
              f"{', '.join(faster)} ran faster.")  # fmt: skip
    elif peers:
        print(f"\nzhagen (one process, {z['wall_s']:.2f} s) is the fastest of the "
              f"one-process tools ({', '.join(r['tool'] for r in peers)}).")  # fmt: skip
    if "floor" in by:
        print(f"zhagen / floor: {z['wall_s'] / by['floor']['wall_s']:.2f}x wall.")
    if "zhagen-2proc" in by:
        r = by["zhagen-2proc"]
        print(f"zhagen-2proc (two processes, reads and stores every field): {r['wall_s']:.2f} s, "
              f"{r['wall_s'] / z['wall_s']:.2f}x zhagen in one process.")  # fmt: skip
    return faster


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[298, 10_000, 100_000, 1_000_000])
    ap.add_argument("--peers-times", type=int, default=100, help="WoS replication factor")
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    ap.add_argument("--bench-venv", type=Path, default=ROOT.parent / "bench-venv")
    ap.add_argument("--workers", type=int, default=2, help="zhagen add --workers")
    ap.add_argument(
        "--repeat", type=int, default=3, help="timed rounds (median kept; after a warm-up round)"
    )
    ap.add_argument("--profile", choices=["auto", "always", "never"], default="auto")
    ap.add_argument("--skip-cnki", action="store_true")
    ap.add_argument(
        "--vs",
        nargs="+",
        metavar="NAME=CHECKOUT",
        help="(1) A/B: zhagen map of each checkout and of this one, interleaved (issue 18)",
    )
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep (and reuse) projects and maps")
    ap.add_argument("--nodes-wos", type=int, default=34_400, help="(3) WoS records, 0: none")
    ap.add_argument("--nodes-cnki", type=int, default=1_000_000, help="(3) CNKI records, 0: none")
    ap.add_argument("--skip-nodes", action="store_true", help="leave part (3) out")
    ap.add_argument("--nodes-kinds", nargs="+", default=NODE_KINDS["wos"],
                    help="(3) node types to time (the keyword map is always one)")  # fmt: skip
    ap.add_argument("--nodes-only", action="store_true", help="part (3) alone")
    args = ap.parse_args()
    if args.nodes_only:
        args.skip_cnki = args.skip_peers = True
    if not (SHARED / "corpora").is_dir():
        sys.exit(f"../shared/corpora not found at {SHARED}")
    WORK.mkdir(parents=True, exist_ok=True)
    print(
        f"# bench/map.py  {time.strftime('%Y-%m-%d %H:%M:%S')}  zhagen {_zhagen_version()}  "
        f"Python {platform.python_version()}  {os.cpu_count()} cores"
    )
    print(f"uptime: {uptime()}", flush=True)
    try:
        if not args.skip_cnki:
            rows, splits, largest = bench_cnki(args)
            print(
                "\n## (1) zhagen map on the CNKI RefWorks export (298 records) replicated "
                "('replicated': records repeat, ~1 000 distinct keywords, --keep-duplicates) and "
                "made distinct ('distinct keywords': each record its own title, DOI and one "
                "keyword of its own, unique_copy)"
            )
            print(
                f"commands: {zhagen_cmd()} map PROJECT [--keep-duplicates] --out DIR "
                "[--outputs csv,json]; floor: python bench/map.py _floor PROJECT keep|- "
                f"(import: zhagen new PROJECT; zhagen add PROJECT FILE --workers {args.workers}, "
                "one run)"
            )
            print(table(rows, list(rows[0])))
            print(
                f"Medians of {args.repeat} interleaved rounds after a warm-up round; walls = "
                "every timed run; x_floor* = zhagen / the floor (sqlite3 + json + Counter of "
                "keywords and pairs). peak_MiB: peak RSS of the process tree in MiB (2^20 "
                f"bytes). Targets: {TARGET_N:,} records (every output) < {TARGET_S:.0f} s and "
                f"< {TARGET_MB:,.0f} MiB; 300 records --outputs csv,json < 0.6 s and every "
                "output < 1.5 s; 10 000 records within 3x the floor; 1 000 000 distinct "
                "keywords within 1.2x the floor's wall and < 1 GiB (issue 18)."
            )
            if splits:  # none with --vs: the A/B tables only
                print("\n### where the time goes (same command in-process, functions wrapped)")
                print(table(splits, list(splits[0])))
                print(
                    "read inputs = map_input (SQLite chunks, keywords split and normalised, document-term "
                    "matrix); *_cpu: CPU seconds of the stage (process + ended children); "
                    "write files = WritableMap.write (CSV, XLSX, PNG/SVG, HTML, GraphML...); "
                    "other = open project, parameters, recording the run."
                )
                print(f"uptime: {uptime()}", flush=True)
                if args.profile == "always" or (args.profile == "auto" and not largest["ok"]):
                    prof = WORK / "map.prof"
                    out = fresh(WORK / "map_prof_out")
                    profile_run(
                        prof, "-m", "zhagen", "map", str(largest["proj"]), "--keep-duplicates",
                        "--out", str(out),
                    )  # fmt: skip
                    print_profile(prof, f"zhagen map, {largest['n']:,} records")
        if not args.skip_peers:
            bench_wos(args)
        if not args.skip_nodes:
            rows = bench_nodes(args)
            print("\n## (3) zhagen map --nodes TYPE next to the keyword map (same data, whole CLI)")
            print(table(rows, list(rows[0])) if rows else "(no data: --nodes-wos 0 --nodes-cnki 0)")
            print(f"target: each node type within {NODE_TARGET:g}x the keyword map's map_s")
        print(f"\nuptime: {uptime()}")
        print(f"(zhagen at {ROOT}; inputs replicated into {OUT}; work files in {WORK})")
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_split":
        split_run(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "_floor":
        floor_run(sys.argv[2], sys.argv[3] == "keep")
    else:
        main()
