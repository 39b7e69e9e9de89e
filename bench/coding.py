"""Benchmark: the coding engine on a large project.

Builds a project with a 10,000-code tree (1 core category, 9 main categories, 90 initial
categories, 9,900 concepts), 1,000 documents of 100 sentences (100,000 sentences) and
200,000 codings by two coders, with direct bulk inserts through ``zhagen.store``. Then
times, ``n`` times each, with random arguments:

- ``code one span``: ``code_span`` (one transaction, log entry, history; target p99 < 20 ms)
- ``load a document``: ``text`` + ``sentences`` + ``codings(document=)`` (p99 < 50 ms)
- ``one code's codings``: ``codings(code=)`` of a concept (p99 < 200 ms)
- extras: a main category with descendants (~22,000 codings; issue 18's target p99 < 50 ms),
  the whole ``codes()`` tree (< 20 ms): asked again with nothing changed (the frame kept on
  the store is copied) and after a coding edit (built anew: the edit is not timed),
  ``undo`` + ``redo``, and a floor: the category's coding rows read by plain sqlite3 (the
  plain ``code_id IN subtree`` query, answered from whatever index the file has; no order,
  names, text or DataFrame).

Run ``python bench/coding.py [n] [workdir]`` (default 1000 iterations, a temporary folder).
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import synthetic_documents, table  # noqa: E402

from zhagen.project import Project  # noqa: E402
from zhagen.store import coding as q  # noqa: E402

N_DOCS, SENTS_PER_DOC, N_CODINGS = 1_000, 100, 200_000
TREE = (1, 9, 90, 9_900)  # codes per level, from the core category down
TARGETS = {"code one span": 20, "load a document": 50, "one code's codings": 200,
           "main category + descendants": 50, "codes() of 10,000 codes": 20,
           "codes() after a coding edit": 20}  # fmt: skip


P = Project


def _documents(project: P, rng: random.Random) -> list[list[tuple[int, int]]]:
    return synthetic_documents(project.store, rng, N_DOCS, SENTS_PER_DOC)


def _tree(project: P) -> dict[int, list[int]]:
    store = project.store
    by_level: dict[int, list[int]] = {4: [], 3: [], 2: [], 1: []}
    with store.transaction():
        parents: list[int | None] = [None]
        for level, count in zip((4, 3, 2, 1), TREE, strict=True):
            for i in range(count):
                parent = parents[i % len(parents)]
                cid = q.insert_code(
                    store,
                    name=f"L{level}-{i}",
                    parent_id=parent,
                    level=level,
                    color="#4e79a7",
                    position=i,
                )
                by_level[level].append(cid)
            parents = list(by_level[level])
    return by_level


def _codings(
    project: P, rng: random.Random, spans: list[list[tuple[int, int]]], concepts: list[int]
) -> None:
    store = project.store
    with store.transaction():
        coders = [q.insert_coder(store, name) for name in ("甲", "乙")]
        seen = set()
        rows = []
        while len(rows) < N_CODINGS:
            d = rng.randrange(N_DOCS)
            s, e = spans[d][rng.randrange(SENTS_PER_DOC)]
            key = (d + 1, s, e, rng.choice(concepts), rng.choice(coders))
            if key not in seen:
                seen.add(key)
                rows.append(key)
        q.insert_codings(store, rows)
        store.conn.execute("UPDATE documents SET frozen = 1")


def build(path: Path) -> tuple[P, list[list[tuple[int, int]]], dict[int, list[int]]]:
    rng = random.Random(1)
    project = P.create(path)
    spans = _documents(project, rng)
    tree = _tree(project)
    _codings(project, rng, spans, tree[1])
    project.store.conn.execute("ANALYZE")
    return project, spans, tree


def _time(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm up: imports (pandas) and caches are not what is measured
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return sorted(out)


def _time_after(prepare: Callable[[], Callable[[], object]], n: int) -> list[float]:
    """As :func:`_time`, each timed call being the one ``prepare()`` (untimed) returns."""
    prepare()()
    out = []
    for _ in range(n):
        fn = prepare()
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return sorted(out)


def _row(name: str, ms: list[float]) -> dict[str, object]:
    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]

    target = TARGETS.get(name)
    p99 = pct(99)
    return {
        "operation": name,
        "n": len(ms),
        "p50 ms": pct(50),
        "p99 ms": p99,
        "max ms": ms[-1],
        "target p99 ms": target,
        "ok": "" if target is None else ("yes" if p99 < target else "NO"),
    }


def run(n: int, workdir: Path) -> list[dict[str, object]]:
    t0 = time.perf_counter()
    project, spans, tree = build(workdir / "bench.zhagen")
    print(
        f"built in {time.perf_counter() - t0:.1f} s: {N_DOCS * SENTS_PER_DOC:,} sentences, "
        f"{sum(TREE):,} codes, {N_CODINGS:,} codings",
        file=sys.stderr,
    )
    rng = random.Random(2)
    concepts, mains = tree[1], tree[3]

    def code_span() -> None:
        d = rng.randrange(N_DOCS)
        s, e = spans[d][rng.randrange(SENTS_PER_DOC)]
        start = rng.randrange(s, e - 1)
        project.codings.add(
            d + 1, start, rng.randrange(start + 1, e + 1), rng.choice(concepts), coder="丙"
        )

    def load_document() -> None:
        d = rng.randrange(N_DOCS) + 1
        project.documents.text(d)
        project.documents.sentences(d)
        project.codings(document=d)

    def one_code() -> None:
        project.codings(code=rng.choice(concepts))

    def category() -> None:
        project.codings(code=rng.choice(mains), with_descendants=True)

    floor_conn = sqlite3.connect(workdir / "bench.zhagen")
    floor_sql = (
        "WITH RECURSIVE sub(id) AS (VALUES(?) UNION ALL "
        "SELECT k.id FROM codes k JOIN sub ON k.parent_id = sub.id) "
        'SELECT c.id, c.document_id, c.start, c."end", c.code_id, c.coder_id, c.created '
        "FROM codings c WHERE c.code_id IN sub"
    )

    def floor(rng: random.Random) -> None:
        """What any tool pays: the category's coding rows through sqlite3 (found on the
        file's code index: since migration 0014 one that holds every column read),
        unordered, without names, text or DataFrame."""
        floor_conn.execute(floor_sql, (rng.choice(mains),)).fetchall()

    def edit_then_codes() -> Callable[[], object]:
        """An untimed coding edit (a span coded, then removed: two writes), so the timed
        ``codes()`` after it cannot be the frame kept from the call before."""
        d = rng.randrange(N_DOCS)
        s, e = spans[d][rng.randrange(SENTS_PER_DOC)]
        cid = project.codings.add(d + 1, s, e, rng.choice(concepts), coder="丁")
        project.codings.delete(cid)
        return project.codes

    def undo_redo() -> None:
        project.undo()
        project.redo()

    load0 = os.getloadavg()[0]
    # the slower reads get n // 10 runs (at least 30), so that their p99 is not just a max
    rows = [
        _row("code one span", _time(code_span, n)),
        _row("load a document", _time(load_document, n)),
        _row("one code's codings", _time(one_code, n)),
        _row("main category + descendants", _time(category, max(30, n // 10))),
        _row("codes() of 10,000 codes", _time(project.codes, max(30, n // 10))),
        _row("codes() after a coding edit", _time_after(edit_then_codes, max(30, n // 10))),
        _row("undo + redo", _time(undo_redo, max(10, n // 10))),
        _row("floor: the category's rows (sqlite3)", _time(lambda: floor(rng), max(30, n // 10))),
    ]
    print(f"load average (1 min) before {load0:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} cores", file=sys.stderr)  # fmt: skip
    n_codings = project.store.conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    print(f"codings at the end: {n_codings:,}", file=sys.stderr)
    floor_conn.close()
    project.close()
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    if len(sys.argv) > 2:
        run_rows = run(n, Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run_rows = run(n, Path(tmp))
    cols = ["operation", "n", "p50 ms", "p99 ms", "max ms", "target p99 ms", "ok"]
    print(table(run_rows, cols))


if __name__ == "__main__":
    main()
