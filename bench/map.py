"""Knowledge-map speed (issue 3): ``zhagen map`` at scale, and zhagen against Python peers.

    python bench/map.py                                  # 100k and 1M, WoS x100, all peers
    python bench/map.py --sizes 100000 --peers-times 10  # quicker
    python bench/map.py --skip-peers                     # part (1) only
    python bench/map.py --skip-cnki                      # part (2) only
    python bench/map.py --nodes-only --nodes-wos 3440 --nodes-cnki 20000   # part (3), small

Run it with the project's Python (``/work/venv/bin/python bench/map.py``): it calls the
``zhagen`` command next to that Python.

(1) The CNKI RefWorks export (298 records) replicated to each size is imported with
    ``zhagen new`` + ``zhagen add`` (timed on its own), then ``zhagen map PROJECT
    --keep-duplicates --out DIR`` is timed with its peak memory (whole process tree).
    The replicated records are duplicates of each other and a map leaves duplicates out by
    default, hence ``--keep-duplicates``. A second, in-process run of the same command
    splits its time into reading the inputs (``map_input``), ``build_map`` and writing the
    files (``KnowledgeMap.write``). Target: 1 000 000 records in < 30 s and < 4 GB.
(2) The Web of Science file (344 records, plain text) replicated ``--peers-times`` times:
    the author-keyword (DE) co-occurrence network built by zhagen (its reader + its
    co-occurrence step, ``bench/map_peers.py``; ``zhagen-2proc``: its import pipeline with
    two worker processes on chunks of the file, into a temporary project, as ``zhagen add
    --workers 2`` reads, cleans and stores) and by peers from PyPI, each in its own
    process, side by side with ratios; plus the full ``zhagen add`` + ``zhagen map`` CLI.
    The networks are checked against zhagen's on the original 344-record file.

(3) Node types (issue 13): ``zhagen map --nodes keyword|author|institution|reference``
    on ``--nodes-wos`` WoS records (default 34 400: the 344-record file in 100 copies made
    distinct — each copy's titles, UT, DOI and cited references carry the copy's tag, so no
    record is a duplicate and each copy cites its own works: ``unique_wos``) and
    ``--nodes-cnki`` CNKI records (default 1 000 000, the RefWorks export replicated, with
    ``--keep-duplicates`` as in (1)); each time next to the keyword map's, target < 2x.
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
from _util import OUT, ROOT, SHARED, measure, replicate, split_records, table  # noqa: E402

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
    """``measure`` ``repeat`` times: the fastest run (its stdout), the highest peak."""
    runs = []
    for _ in range(repeat):
        runs.append({"load1": load1(), **measure(cmd, **kw)})
    fastest = min(runs, key=lambda r: r["seconds"])
    return {**fastest, "peak_mb": max(r["peak_mb"] for r in runs)}


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
    from zhagen.mapping.model import KnowledgeMap

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
    KnowledgeMap.write = timed("write", KnowledgeMap.write)
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


def bench_cnki(args: argparse.Namespace) -> tuple[list[dict], list[dict], dict]:
    rows, splits, largest = [], [], {}
    for n in args.sizes:
        data = replicate(CNKI, "refworks", n)
        proj = WORK / f"cnki_{n}.zhagen"
        print(f"\n[cnki {n:,}] importing {data.name} ({uptime()})", flush=True)
        add = import_project(data, proj, args.workers, args.keep)
        out = fresh(WORK / f"cnki_{n}_map")
        cmd = [zhagen_cmd(), "map", str(proj), "--keep-duplicates", "--out", str(out)]
        print(f"[cnki {n:,}] {' '.join(cmd)}", flush=True)
        m = best(cmd, args.repeat)
        counts = map_counts(m["stdout"])
        ok = m["seconds"] < TARGET_S and m["peak_mb"] < TARGET_MB
        rows.append(
            {
                "records": n,
                "file_MB": data.stat().st_size / 2**20,
                "add_s": add["seconds"] if add.get("note") is None else add["note"],
                "add_peak_MB": add["peak_mb"],
                "map_s": m["seconds"],
                "map_cpu_s": m["cpu_s"],
                "map_peak_MB": m["peak_mb"],
                "records/s": n / m["seconds"],
                "nodes": counts.get("nodes"),
                "edges": counts.get("edges"),
                "load1": m["load1"],
                "target": ("ok" if ok else "MISSED") if n == TARGET_N else "",
            }
        )
        print(table(rows[-1:], list(rows[-1])), flush=True)
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
                "peak_MB": s["peak_mb"],
            }
        )
        print(table(splits[-1:], list(splits[-1])), flush=True)
        largest = {"n": n, "proj": proj, "ok": ok}
    return rows, splits, largest


# ----------------------------------------------------------- (3) node types

NODE_TARGET = 2.0  # an author/institution/co-citation map within 2x the keyword map's time


def unique_wos(src: Path, copies: int) -> Path:
    """``src``'s records in ``copies`` distinct copies: in copy ``c`` the title, UT and DOI
    carry ``c`` and every cited reference is made a work of that copy (its first author
    prefixed with a letter tag of ``c``, its DOI prefix with ``c``), so no record is a
    duplicate of another and the copies share no cited work. Written once into ``OUT``."""
    dest = OUT / f"{src.stem}_unique_x{copies}{src.suffix}"
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
        if field == b"CR" and len(line) > 3:
            body = line[3:]
            body = body.replace(b"DOI 10.", b"DOI 10." + str(c).encode())
            line = line[:3] + tag + body
        out.append(line)
    return b"\n".join(out)


def bench_nodes(args: argparse.Namespace) -> list[dict]:
    """Time ``zhagen map --nodes X`` next to the keyword map on WoS and CNKI data."""
    rows: list[dict] = []
    plans = []
    if args.nodes_wos:
        copies = max(1, args.nodes_wos // 344)
        plans.append(("wos", unique_wos(WOS, copies), ["keyword", "author", "institution",
                                                       "reference"], False))  # fmt: skip
    if args.nodes_cnki:
        plans.append(("cnki", replicate(CNKI, "refworks", args.nodes_cnki),
                      ["keyword", "author", "institution"], True))  # fmt: skip
    for name, data, kinds, keep in plans:
        proj = WORK / f"nodes_{name}_{data.stem}.zhagen"
        print(f"\n[nodes {name}] importing {data.name} ({uptime()})", flush=True)
        add = import_project(data, proj, args.workers, args.keep)
        base = None
        for kind in kinds:
            out = fresh(WORK / f"nodes_{name}_{kind}")
            cmd = [zhagen_cmd(), "map", str(proj), "--nodes", kind, "--out", str(out)]
            cmd += ["--keep-duplicates"] if keep else []
            print(f"[nodes {name}] {' '.join(cmd)}", flush=True)
            m = best(cmd, args.repeat)
            base = m["seconds"] if kind == "keyword" else base
            ratio = m["seconds"] / base if base else None
            rows.append({
                "data": name, "records": map_counts(m["stdout"]).get("records"),
                "add_s": add["seconds"] if add.get("note") is None else add["note"],
                "nodes": kind, "map_s": m["seconds"], "map_cpu_s": m["cpu_s"],
                "peak_MB": m["peak_mb"], "x_keyword": ratio,
                "graph": f"{map_counts(m['stdout']).get('nodes')} nodes / "
                         f"{map_counts(m['stdout']).get('edges')} edges",
                "load1": m["load1"],
                "target": "" if kind == "keyword" else
                          ("ok" if ratio is not None and ratio <= NODE_TARGET else "MISSED"),
            })  # fmt: skip
            print(table(rows[-1:], list(rows[-1])), flush=True)
    return rows


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


def run_tool(tool: str, py: str, data: Path, repeat: int) -> tuple[dict, dict]:
    """Time one runner of ``map_peers.py`` in its own process; (measurement, its result)."""
    out = WORK / f"{tool}_{data.stem}.json"
    m = best([py, str(HERE / "map_peers.py"), tool, str(data), str(out)], repeat)
    res = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return m, res


def _edges(res: dict, fold: bool = False, cut_paren: bool = False) -> dict:
    out: dict[tuple[str, str], int] = {}
    for a, b, n in res["edges"]:
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
    z, p = _edges(zres, **norm), _edges(pres, **norm)
    same = sum(1 for k, n in p.items() if z.get(k) == n)
    return {
        "zhagen_edges": len(z),
        "peer_edges": len(p),
        "identical": same,
        "same_pair_other_count": sum(1 for k in p if k in z and z[k] != p[k]),
        "only_peer": len(p.keys() - z.keys()),
        "only_zhagen": len(z.keys() - p.keys()),
        "agree_%": 100.0 * same / max(len(z), len(p), 1),
    }


def bench_wos(args: argparse.Namespace) -> None:
    n = 344 * args.peers_times
    data = replicate(WOS, "wos", n)
    ready, skipped = ensure_peers(args.bench_venv, args.peers)
    me = {"python": sys.executable, "version": _zhagen_version(), "license": "MIT"}
    tools = {"zhagen": me, "zhagen-2proc": me} | ready

    # Correctness on the original file (not timed).
    small = {t: run_tool(t, info["python"], WOS, 1)[1] for t, info in tools.items()}
    agree_rows = []
    for peer in ready:
        for label, norm in (
            ("as read", {}),
            ("case/space folded", {"fold": True}),
            ("folded, ' (' cut", {"fold": True, "cut_paren": True}),
        ):
            agree_rows.append(
                {
                    "peer": peer,
                    "labels": label,
                    "records": small[peer]["records_counted"],
                    **agreement(small["zhagen"], small[peer], **norm),
                }
            )

    # Speed on the replicated file.
    print(f"\n[wos x{args.peers_times}] {data.name}, {n:,} records ({uptime()})", flush=True)
    rows = []
    for tool, info in tools.items():
        print(f"[wos x{args.peers_times}] {tool} ...", flush=True)
        try:
            m, res = run_tool(tool, info["python"], data, args.repeat)
        except RuntimeError as exc:
            skipped.append(f"skip {tool}: failed on the replicated file ({exc})")
            continue
        t = res["times"]
        rows.append(
            {
                "tool": tool,
                "version": info.get("version"),
                "licence": info.get("license"),
                "records_read": res["records_read"],
                "nodes": res["nodes"],
                "edges": len(res["edges"]),
                "sum_counts": sum(e[2] for e in res["edges"]),
                "wall_s": m["seconds"],
                "cpu_s": m["cpu_s"],
                "peak_MB": m["peak_mb"],
                "import_s": t["import"],
                "read_s": t["read"],
                "network_s": t["network"],
                "load1": m["load1"],
            }
        )
    zrow = next((r for r in rows if r["tool"] == "zhagen"), None)
    for r in rows:
        r["x_zhagen"] = r["wall_s"] / zrow["wall_s"] if zrow else None
        r["x_zhagen_cpu"] = r["cpu_s"] / zrow["cpu_s"] if zrow else None

    # The full CLI on the same file (reads every field, builds the whole map).
    proj = WORK / f"wos_x{args.peers_times}.zhagen"
    add = import_project(data, proj, args.workers, args.keep)
    out = fresh(WORK / f"wos_x{args.peers_times}_map")
    cmd = [zhagen_cmd(), "map", str(proj), "--keep-duplicates", "--out", str(out)]
    mm = best(cmd, args.repeat)
    cli = [
        {
            "step": f"zhagen add (import, --workers {args.workers})",
            "seconds": add["seconds"] if not add.get("note") else add["note"],
            "cpu_s": add.get("cpu_s"),
            "peak_MB": add["peak_mb"],
            "load1": add["load1"],
        },
        {
            "step": "zhagen map --keep-duplicates (full map)",
            "seconds": mm["seconds"],
            "cpu_s": mm["cpu_s"],
            "peak_MB": mm["peak_mb"],
            "load1": mm["load1"],
            **map_counts(mm["stdout"]),
        },
    ]

    print(
        f"\n## (2) WoS author-keyword (DE) co-occurrence, {n:,} records "
        f"(344-record file x{args.peers_times}), each tool in its own process"
    )
    cols = [
        "tool",
        "version",
        "licence",
        "records_read",
        "nodes",
        "edges",
        "sum_counts",
        "wall_s",
        "x_zhagen",
        "cpu_s",
        "x_zhagen_cpu",
        "peak_MB",
        "import_s",
        "read_s",
        "network_s",
        "load1",
    ]
    print(table(rows, cols))
    print(
        "x_zhagen = tool wall time / zhagen wall time (> 1: zhagen faster); x_zhagen_cpu the "
        "same with CPU seconds of the process and its children (steadier when other jobs share "
        "the machine; zhagen-2proc also cleans and stores the records, and its CPU includes its "
        "workers'). records_read: "
        "after the tool's own duplicate merging; zhagen counts every record (as "
        "--keep-duplicates)."
    )
    print(
        f"\n### the full zhagen CLI on the same {n:,} records (DE + Keywords Plus, top-N "
        "nodes per year, clusters, bursts, layout, 16 files)"
    )
    print(table(cli, ["step", "seconds", "cpu_s", "peak_MB", "load1", "nodes", "edges"]))
    print(
        f"commands: zhagen new P; zhagen add P FILE --workers {args.workers}; "
        "zhagen map P --keep-duplicates --out DIR"
    )
    print("\n### agreement with zhagen's network on the original 344-record file")
    print(table(agree_rows, list(agree_rows[0])) if agree_rows else "(no peer)")
    print(
        "identical = same keyword pair with the same count; only_* = pairs one tool has and "
        "the other has not. 'folded': both sides lower-cased, spaces collapsed."
    )
    for peer in ready:
        print(f"- {peer} ({tools[peer].get('license')}): {PEER_NOTES[peer]}")
    for name, why in NOT_PEERS.items():
        print(f"- not used: {name}: {why}")
    for line in skipped:
        print(line)
    sys.stdout.flush()
    faster = _verdict(rows, zrow)
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


def _verdict(rows: list[dict[str, Any]], zrow: dict[str, Any] | None) -> list[str]:
    """Print whether zhagen (its faster row: one process, or two as ``zhagen add`` reads a
    large export) beat every peer, and return the peers that ran faster than that row."""
    ours = [r for r in rows if str(r["tool"]).startswith("zhagen")]
    if not zrow or not ours:
        return []
    best = min(ours, key=lambda r: r["wall_s"])
    peers = [r for r in rows if r not in ours]
    faster = [r["tool"] for r in peers if r["wall_s"] < best["wall_s"]]
    slower_1p = [r["tool"] for r in peers if r["wall_s"] < zrow["wall_s"]]
    if faster:
        print(f"\nzhagen is NOT the fastest: {', '.join(faster)} ran faster than {best['tool']}.")
    else:
        print(f"\nzhagen is the fastest ({best['tool']}, {best['wall_s']:.2f} s).")
    if slower_1p and best is not zrow:
        print(
            f"zhagen in one process ({zrow['wall_s']:.2f} s) was slower than: {', '.join(slower_1p)}."
        )
    return faster


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--peers-times", type=int, default=100, help="WoS replication factor")
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    ap.add_argument("--bench-venv", type=Path, default=ROOT.parent / "bench-venv")
    ap.add_argument("--workers", type=int, default=2, help="zhagen add --workers")
    ap.add_argument("--repeat", type=int, default=1, help="runs per timing (fastest kept)")
    ap.add_argument("--profile", choices=["auto", "always", "never"], default="auto")
    ap.add_argument("--skip-cnki", action="store_true")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep (and reuse) projects and maps")
    ap.add_argument("--nodes-wos", type=int, default=34_400, help="(3) WoS records, 0: none")
    ap.add_argument("--nodes-cnki", type=int, default=1_000_000, help="(3) CNKI records, 0: none")
    ap.add_argument("--skip-nodes", action="store_true", help="leave part (3) out")
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
                "\n## (1) zhagen map on the CNKI RefWorks export (298 records) replicated; "
                "records are duplicates of each other, so --keep-duplicates"
            )
            print(
                f"command: {zhagen_cmd()} map PROJECT --keep-duplicates --out DIR   "
                f"(import: zhagen new PROJECT; zhagen add PROJECT FILE --workers {args.workers})"
            )
            print(table(rows, list(rows[0])))
            print(
                f"target for {TARGET_N:,} records: < {TARGET_S:.0f} s and < {TARGET_MB:,.0f} MB "
                "(map_s, map_peak_MB: whole process, startup and writing the 16 files included)"
            )
            print("\n### where the time goes (same command in-process, functions wrapped)")
            print(table(splits, list(splits[0])))
            print(
                "read inputs = map_input (SQLite chunks, keywords split and normalised, document-term "
                "matrix); *_cpu: CPU seconds of the stage (process + ended children); "
                "write files = KnowledgeMap.write (CSV, XLSX, PNG/SVG, HTML, GraphML...); "
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
    else:
        main()
