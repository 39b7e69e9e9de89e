"""Benchmark: every query of the queries page through the web API, on a generated project.

Builds a project of ``--sentences`` generated Chinese sentences (default 100 000, in
``--docs`` documents of four types and ten years; words drawn Zipf-like from zhagen's domain
dictionary and common words, one sentence in a hundred holding a mojibake run so that
``garbled`` sentences are really left out), a code tree of 5 categories × 10 concepts and
``--codings`` codings of whole sentences by two coders, straight through ``zhagen.store``
(as ``bench/web.py`` does). Starts ``zhagen serve`` on 127.0.0.1 in a subprocess and times
each query ``--n`` times (n ≥ 20) from one client: word frequency and its cloud, literal and
regex search, matrix coding (by type, by codes, characters), a matrix cell, the framework
matrix, co-occurrence (overlap, sentence) and a co-occurrence cell. The first request of
each (which segments the texts or draws the cloud once) is timed apart as "first" and not in
p50/p95. Target (issue 12): every query p95 < 1 s.

Run ``python bench/queries.py [--sentences 100000] [--docs 1000] [--codings 20000]
[--n 20] [--workdir DIR]``; ``--sentences 2000 --n 3`` checks that it works in seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import table  # noqa: E402
from web import start_server, wait_ready  # noqa: E402

TARGET_MS = 1000.0
TYPES = ("policy", "news", "journal", "theory")
COMMON = ["发展", "推动", "加快", "建设", "支持", "完善", "提升", "健全", "我们", "要", "的",
          "和", "在", "是", "进一步", "全面", "加强", "坚持", "实施", "促进"]  # fmt: skip
MOJIBAKE = "高??梢酝ㄟ^"


def _vocabulary() -> list[str]:
    from zhagen.text.lexicon import load_user_dict, package_data

    return [e.word for e in load_user_dict(package_data("domain_dict.txt"))] + COMMON


def _sentence(rng: random.Random, words: list[str], weights: list[float], garbled: bool) -> str:
    body = "".join(rng.choices(words, weights, k=rng.randint(5, 10)))
    return (MOJIBAKE + body if garbled else body) + "。"


def build(path: Path, n_sentences: int, n_docs: int, n_codings: int) -> None:
    """The benchmark project (documents, sentences with garbled flags, codes, codings)."""
    from zhagen.project import Project
    from zhagen.store import coding as q
    from zhagen.store import docs

    rng = random.Random(12)
    words = _vocabulary()
    weights = [1 / (i + 1) for i in range(len(words))]
    rng.shuffle(weights)
    per_doc = max(1, n_sentences // n_docs)
    spans_of: list[list[tuple[int, int]]] = []
    with Project.create(path) as project:
        store = project.store
        with store.transaction():
            sid = docs.insert_source(store, path="bench-queries", abspath=None, sha256=None,
                                     size=None, fmt="txt", status="ok")  # fmt: skip
            for d in range(n_docs):
                sents, spans, flags, pos = [], [], [], 0
                for _ in range(per_doc):
                    bad = rng.random() < 0.01
                    text = _sentence(rng, words, weights, bad)
                    sents.append(text)
                    spans.append((pos, pos + len(text)))
                    flags.append(bad)
                    pos += len(text)
                fields = dict.fromkeys(docs.DOC_COLUMNS, "")
                fields.update(source_id=sid, record=d + 1, format="txt", type=TYPES[d % 4],
                              title=f"文档{d}", authors="[]", affiliations="[]", keywords="{}",
                              year=2015 + d % 10, body="".join(sents), original=None,
                              cleaning="{}", cited_refs="[]", extra="{}", dup_key=None)  # fmt: skip
                [doc_id] = docs.insert_documents(store, [tuple(fields.values())])
                docs.insert_sentences(store, doc_id, spans, flags)
                spans_of.append(spans)
            concepts = []
            for c in range(5):
                cat = q.insert_code(store, name=f"范畴{c}", parent_id=None, level=2,
                                    color="#4e79a7", position=c)  # fmt: skip
                concepts += [q.insert_code(store, name=f"概念{c}-{i}", parent_id=cat, level=1,
                                           color="#f28e2b", position=i) for i in range(10)]  # fmt: skip
            coders = [q.insert_coder(store, name) for name in ("甲", "乙")]
            rows: set[tuple[int, int, int, int, int]] = set()
            while len(rows) < n_codings:
                d = rng.randrange(n_docs)
                s, e = spans_of[d][rng.randrange(per_doc)]
                rows.add((d + 1, s, e, rng.choice(concepts), rng.choice(coders)))
            q.insert_codings(store, sorted(rows))
            store.conn.execute("UPDATE documents SET frozen = 1")
        store.conn.execute("ANALYZE")


#: (name, path, query parameters)
REQUESTS = [
    ("words (top 100)", "/api/queries/words", {"top": 100}),
    ("word cloud", "/api/queries/words/cloud", {"top": 100}),
    ("search literal", "/api/queries/search", {"query": "发展"}),
    ("search regex", "/api/queries/search", {"query": "创新(联合体|主体)", "regex": "true"}),
    ("matrix × type", "/api/queries/matrix", {"columns": "type"}),
    ("matrix × codes", "/api/queries/matrix", {"columns": "codes", "measure": "documents"}),
    ("matrix chars", "/api/queries/matrix", {"columns": "year", "measure": "characters"}),
    ("matrix cell", "/api/queries/matrix/cell", {"columns": "type", "row": 1, "column": "policy", "with_descendants": "true"}),
    ("framework", "/api/queries/framework", {}),
    ("co-occurrence overlap", "/api/queries/cooccurrence", {"unit": "overlap"}),
    ("co-occurrence sentence", "/api/queries/cooccurrence", {"unit": "sentence"}),
    ("co-occurrence cell", "/api/queries/cooccurrence/cell",
     {"unit": "document", "a": "概念0-0", "b": "概念0-1"}),
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(url: str, n: int) -> list[dict]:
    import httpx

    out = []
    with httpx.Client(base_url=url, timeout=120) as c:
        info = c.get("/api/session").json()
        c.headers["X-CSRF-Token"] = info["csrf"]
        for name, path, params in REQUESTS:
            t0 = time.perf_counter()
            r = c.get(path, params=params)
            first = (time.perf_counter() - t0) * 1000
            r.raise_for_status()
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                r = c.get(path, params=params)
                times.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
            p95 = percentile(times, 95)
            out.append({"query": name, "first ms": first, "p50 ms": statistics.median(times),
                        "p95 ms": p95, "max ms": max(times), "bytes": len(r.content),
                        "< 1 s": "yes" if p95 < TARGET_MS else "NO"})  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=100_000)
    ap.add_argument("--docs", type=int, default=1_000)
    ap.add_argument("--codings", type=int, default=20_000)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="zhagen-bench-queries-"))
    work.mkdir(parents=True, exist_ok=True)
    project = work / "queries.zhagen"
    if not project.exists():
        t0 = time.perf_counter()
        build(project, args.sentences, min(args.docs, args.sentences), args.codings)
        print(f"built {project} ({args.sentences:,} sentences, {args.codings:,} codings) "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    print(f"load average before: {os.getloadavg()}")
    proc, url = start_server(project)
    try:
        wait_ready(url)
        rows = run(url, args.n)
    finally:
        proc.terminate()
        proc.wait(30)
    print(table(rows, ["query", "first ms", "p50 ms", "p95 ms", "max ms", "bytes", "< 1 s"]))
    print(f"n = {args.n} per query after the first; load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
