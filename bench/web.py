"""Benchmark: the web workbench under a bounded coding load, on loopback only.

Builds a project of 1,000 documents of 100 sentences (100,000 sentences), a 1,111-code tree
(1 core, 10 main categories, 100 initial categories, 1,000 concepts) and 100,000 codings by
two coders with bulk inserts through ``zhagen.store`` (as ``bench/coding.py`` does), starts
``zhagen serve`` on 127.0.0.1 in a subprocess, then runs ``clients`` client processes
(separate from the server's and from each other's), each with its own session and coder
name, each sending ``requests`` coding requests (POST
/api/codings: a random span of a random sentence with a random concept) and, every fifth
request (``--read-every``; 0: never, so that the server's CPU per request is a coding
request's, issue 18's ≤ 0.5 ms), reading a document's codings back (GET). Everything is bounded: at most
clients × requests requests and ``--seconds`` seconds; the server is stopped at the end.

Reports p50/p99/max latency per request kind as the clients saw it (a request that fails
or times out is an error and its time still counts), the error count, the throughput, the
server's and the clients' CPU milliseconds per request (from ``/proc`` and each client: the
machine is shared, so a wall-clock p99 is read with the load average printed beside it)
and, from the ``Server-Timing`` header,
where the time inside the server went (queue for a worker thread, the endpoint in it, GC
pauses, the rest: routing, session/CSRF, JSON). The warm-up (20 requests of one client, and
each client's session set-up) is not measured. Target: coding p99 < 50 ms, zero errors.

Run ``python bench/web.py [--clients 4] [--requests 250] [--seconds 120] [--read-every 5]
[--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import synthetic_documents, table  # noqa: E402

TARGET_P99_MS = 50.0
N_DOCS, SENTS_PER_DOC, N_CODINGS = 1_000, 100, 100_000
TREE = (1, 10, 100, 1_000)  # codes per level, from the core category down
HOST = "127.0.0.1"  # never anything but loopback


def _documents(store, rng: random.Random) -> list[list[tuple[int, int]]]:
    return synthetic_documents(store, rng, N_DOCS, SENTS_PER_DOC)


def _tree(store) -> list[int]:
    from zhagen.store import coding as q

    parents: list[int | None] = [None]
    with store.transaction():
        for level, count in zip((4, 3, 2, 1), TREE, strict=True):
            made = [q.insert_code(store, name=f"L{level}-{i}", parent_id=parents[i % len(parents)],
                                  level=level, color="#4e79a7", position=i)
                    for i in range(count)]  # fmt: skip
            parents = list(made)
    return [int(c) for c in parents]


def _codings(store, rng: random.Random, spans: list, concepts: list[int]) -> None:
    from zhagen.store import coding as q

    with store.transaction():
        coders = [q.insert_coder(store, name) for name in ("甲", "乙")]
        rows: set[tuple[int, int, int, int, int]] = set()
        while len(rows) < N_CODINGS:
            d = rng.randrange(N_DOCS)
            s, e = spans[d][rng.randrange(SENTS_PER_DOC)]
            rows.add((d + 1, s, e, rng.choice(concepts), rng.choice(coders)))
        q.insert_codings(store, sorted(rows))
        store.conn.execute("UPDATE documents SET frozen = 1")


def build(path: Path) -> tuple[list, list[int]]:
    """The benchmark project: (sentence spans per document, concept ids)."""
    from zhagen.project import Project

    rng = random.Random(1)
    with Project.create(path) as project:
        spans = _documents(project.store, rng)
        concepts = _tree(project.store)
        _codings(project.store, rng, spans, concepts)
        project.store.conn.execute("ANALYZE")
    return spans, concepts


def start_server(project: Path) -> tuple[subprocess.Popen, str]:
    cmd = [
        sys.executable,
        "-m",
        "zhagen.cli.web_commands",
        str(project),
        "--host",
        HOST,
        "--no-browser",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stdout.readline() if proc.stdout else ""
        if m := re.search(r"(http://127\.0\.0\.1:\d+)", line or ""):
            return proc, m.group(1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError("zhagen serve did not start")


def wait_ready(url: str) -> None:
    import httpx

    for _ in range(600):
        try:
            if httpx.get(url + "/api/session", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("zhagen serve does not answer")


class Worker:
    """One browser: its own session, coder name and random stream (run in its own process,
    so that the clients do not share one interpreter lock)."""

    def __init__(
        self,
        url: str,
        n: int,
        idx: int,
        spans: list,
        concepts: list[int],
        stop_at: float,
        read_every: int = 5,
    ):
        self.url, self.n, self.idx, self.read_every = url, n, idx, read_every
        self.spans, self.concepts, self.stop_at = spans, concepts, stop_at
        self.times: dict[str, list[float]] = {"code a span": [], "read document codings": []}
        self.phases: dict[str, list[dict[str, float]]] = {
            "code a span": [],
            "read document codings": [],
        }
        self.errors: list[str] = []
        self.acked: list[int] = []  # coding ids the server acknowledged (200 with their ids)
        self.cpu = 0.0  # CPU seconds this client spent sending and reading its requests

    def run(self) -> None:
        import httpx

        rng = random.Random(100 + self.idx)
        cpu0 = time.process_time()
        try:
            self._session(httpx, rng)
        finally:
            self.cpu = time.process_time() - cpu0

    def _session(self, httpx, rng: random.Random) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as c:
            try:
                info = c.get("/api/session").json()
                c.headers["X-CSRF-Token"] = info["csrf"]
                c.put("/api/session/coder", json={"name": f"bench{self.idx}"}).raise_for_status()
            except Exception as exc:  # noqa: BLE001 - counted: this client sends nothing
                self.errors.append(f"session set-up: {exc!r}")
                return
            for i in range(self.n):
                if time.time() > self.stop_at:
                    break
                d = rng.randrange(len(self.spans))
                s, e = self.spans[d][rng.randrange(len(self.spans[d]))]
                start = rng.randrange(s, e - 1)
                body = {"document": d + 1, "start": start, "end": rng.randrange(start + 1, e + 1),
                        "code": rng.choice(self.concepts)}  # fmt: skip
                self._timed(c, "code a span", "POST", "/api/codings", body)
                if self.read_every and i % self.read_every == self.read_every - 1:
                    self._timed(
                        c, "read document codings", "GET", f"/api/documents/{d + 1}/codings", None
                    )

    def _timed(self, c, kind: str, method: str, path: str, body: dict | None) -> None:
        t0 = time.perf_counter()
        try:
            r = c.request(method, path, json=body)
            ok = r.status_code == 200
            detail = r.text[:200]
            if ok and method == "POST":
                self.acked.extend(int(i) for i in r.json().get("ids", []))
            self.phases[kind].append(parse_timing(r.headers.get("server-timing", "")))
        except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
            ok, detail = False, repr(exc)
        self.times[kind].append((time.perf_counter() - t0) * 1000)
        if not ok:
            self.errors.append(f"{method} {path}: {detail}")


def lost_writes(path: Path, acked: list[int]) -> int:
    """How many acknowledged coding ids the project file does not hold (read after the
    server has stopped, through a new connection)."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        have = {r[0] for r in conn.execute("SELECT id FROM codings")}
    return sum(1 for i in acked if i not in have)


def parse_timing(value: str) -> dict[str, float]:
    """``app;dur=2.5, gc;dur=0.1`` → {"app": 2.5, "gc": 0.1}.

    >>> parse_timing("app;dur=2.50, thread;dur=1.25")
    {'app': 2.5, 'thread': 1.25}
    """
    out = {}
    for part in value.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name and dur:
            out[name] = float(dur)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def phase_report(kind: str, records: list[dict[str, float]]) -> str:
    """p50/p99 of each Server-Timing phase, and of what the app spent outside them."""
    if not records:
        return f"{kind}: no Server-Timing"
    rest = [r.get("app", 0) - r.get("queue", 0) - r.get("thread", 0) - r.get("gc", 0)
            for r in records]  # fmt: skip
    cols = {name: [r.get(name, 0.0) for r in records] for name in ("app", "queue", "thread", "gc")}
    cols["rest"] = rest
    text = ", ".join(f"{n} {_pct(v, 50):.2f}/{_pct(v, 99):.2f}" for n, v in cols.items())
    return f"{kind}: in the server, ms p50/p99: {text}"


def _run_worker(w: Worker) -> Worker:
    w.run()
    return w


def _ready(*_args: object) -> None:
    """Started (imports done) in a pool process."""
    import httpx  # noqa: F401


def _row(kind: str, ms: list[float], seconds: float, errors: int) -> dict[str, object]:
    ms = sorted(ms)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))] if ms else float("nan")

    target = TARGET_P99_MS if kind == "code a span" else None
    return {
        "request": kind,
        "n": len(ms),
        "p50 ms": pct(50),
        "p99 ms": pct(99),
        "max ms": ms[-1] if ms else float("nan"),
        "per s": len(ms) / seconds if seconds else 0.0,
        "errors": errors,
        "target p99 ms": target,
        "ok": "" if target is None else ("yes" if pct(99) < target and errors == 0 else "NO"),
    }


def run(
    clients: int, requests: int, seconds: float, workdir: Path, read_every: int = 5
) -> list[dict[str, object]]:
    t0 = time.perf_counter()
    spans, concepts = build(workdir / "bench_web.zhagen")
    n = N_DOCS * SENTS_PER_DOC
    print(
        f"built in {time.perf_counter() - t0:.1f} s: {n:,} sentences, {N_CODINGS:,} codings",
        file=sys.stderr,
    )
    proc, url = start_server(workdir / "bench_web.zhagen")
    try:
        wait_ready(url)
        warm = Worker(url, 20, 99, spans, concepts, time.time() + 60)
        warm.run()  # warm up: imports and the connection pool, not measured
        load0 = os.getloadavg()
        stop_at = time.time() + seconds
        jobs = [Worker(url, requests, i, spans, concepts, stop_at, read_every)
                for i in range(clients)]  # fmt: skip
        ctx = get_context("spawn")
        with ProcessPoolExecutor(clients, mp_context=ctx, initializer=_ready) as pool:
            list(pool.map(_ready, range(clients)))  # clients started before the clock runs
            cpu0, t1 = cpu_seconds(proc.pid), time.perf_counter()
            workers = list(pool.map(_run_worker, jobs, timeout=seconds + 120))
            elapsed, cpu = time.perf_counter() - t1, cpu_seconds(proc.pid) - cpu0
        load1 = os.getloadavg()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    errors = [e for w in workers for e in w.errors]
    acked = [i for w in workers for i in w.acked]
    lost = lost_writes(workdir / "bench_web.zhagen", acked)
    print(f"lost writes: {lost} of {len(acked)} acknowledged codings are not in the project file "
          "after the server stopped", file=sys.stderr)  # fmt: skip
    for e in errors[:5]:
        print("error:", e, file=sys.stderr)
    rows = []
    n_requests = sum(len(w.times[k]) for w in workers for k in w.times)
    print(f"{len(errors)} errors; warm-up (20 requests + session set-up) not measured",
          file=sys.stderr)  # fmt: skip
    print(f"server CPU {cpu:.2f} s for {n_requests} requests: "
          f"{cpu / max(1, n_requests) * 1000:.2f} ms per request", file=sys.stderr)  # fmt: skip
    client_cpu = sum(w.cpu for w in workers)
    print(f"clients' CPU {client_cpu:.2f} s: {client_cpu / max(1, n_requests) * 1000:.2f} ms "
          "per request", file=sys.stderr)  # fmt: skip
    print(f"load average (1 min) before {load0[0]:.2f}, after {load1[0]:.2f}; "
          f"{os.cpu_count()} cores", file=sys.stderr)  # fmt: skip
    for kind in ("code a span", "read document codings"):
        ms = [x for w in workers for x in w.times[kind]]
        print(phase_report(kind, [x for w in workers for x in w.phases[kind]]), file=sys.stderr)
        rows.append(
            _row(
                kind,
                ms,
                elapsed,
                sum(1 for e in errors if e.startswith("POST" if kind == "code a span" else "GET")),
            )
        )
    floor = engine_floor(workdir / "bench_web.zhagen", spans, concepts)
    print(f"floor: the engine alone (project.codings.add in this process, no HTTP): "
          f"{floor:.2f} ms CPU per coding; the server's CPU per request is "
          f"{cpu / max(1, n_requests) * 1000 / floor:.1f}× that", file=sys.stderr)  # fmt: skip
    print(f"{clients} clients, {elapsed:.1f} s", file=sys.stderr)
    return rows


def engine_floor(path: Path, spans: list, concepts: list[int], n: int = 300) -> float:
    """CPU milliseconds per coding of ``project.codings.add`` in process (after a warm-up),
    the same random requests as the clients send: what the server needs besides HTTP."""
    from zhagen.project import Project

    rng = random.Random(7)
    with Project.open(path) as project:
        times = []
        for i in range(n + 20):
            d = rng.randrange(len(spans))
            s, e = spans[d][rng.randrange(len(spans[d]))]
            start = rng.randrange(s, e - 1)
            end = rng.randrange(start + 1, e + 1)
            c0 = time.process_time()
            project.codings.add(d + 1, start, end, rng.choice(concepts), coder="floor")
            if i >= 20:
                times.append((time.process_time() - c0) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=250, help="coding requests per client")
    ap.add_argument("--seconds", type=float, default=120, help="stop after this many seconds")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--read-every", type=int, default=5,
                    help="read a document's codings after every Nth coding (0: never, so that "
                         "the server's CPU per request is a coding request's)")  # fmt: skip
    a = ap.parse_args()
    clients, requests = max(1, min(a.clients, 32)), max(1, min(a.requests, 10_000))
    seconds = max(1.0, min(a.seconds, 600.0))
    if a.workdir:
        rows = run(clients, requests, seconds, a.workdir, max(0, a.read_every))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = run(clients, requests, seconds, Path(tmp), max(0, a.read_every))
    cols = ["request", "n", "p50 ms", "p99 ms", "max ms", "per s", "errors", "target p99 ms", "ok"]
    print(table(rows, cols))


if __name__ == "__main__":
    main()
