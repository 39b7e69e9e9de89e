"""Helpers for the benchmarks: replicated inputs, timing a command with its peak memory."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZHAGEN_SHARED", ROOT.parent / "shared"))
OUT = Path(os.environ.get("ZHAGEN_BENCH_OUT", ROOT / "bench" / "out"))


def split_records(data: bytes, kind: str) -> tuple[bytes, list[bytes], bytes]:
    """(header, records, trailer) of an export, each record with its own terminator."""
    if kind == "refworks":
        text = data.replace(b"\r\n", b"\n")
        recs = [r.strip(b"\n") for r in re.split(rb"\n\s*\n(?=RT )", text) if r.strip()]
        return b"", [r.replace(b"\n", b"\r\n") + b"\r\n\r\n" for r in recs], b""
    if kind == "wos":
        body = data.lstrip(b"\xef\xbb\xbf")
        head_end = body.index(b"\nPT ") + 1
        header, rest = body[:head_end], body[head_end:]
        rest = rest[: rest.rindex(b"\nEF")] + b"\n"
        recs = [r + b"\nER\n\n" for r in rest.split(b"\nER\n") if r.strip()]
        recs = [r.lstrip(b"\n") for r in recs]
        return b"\xef\xbb\xbf" + header, recs, b"EF\n"
    raise ValueError(kind)


def replicate(src: Path, kind: str, n: int) -> Path:
    """Write ``src``'s records repeated cyclically to ``n`` records (cached by name)."""
    OUT.mkdir(parents=True, exist_ok=True)
    dest = OUT / f"{src.stem}_x{n}{src.suffix}"
    if dest.exists():
        return dest
    header, recs, trailer = split_records(src.read_bytes(), kind)
    tmp = dest.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(header)
        full, rest = divmod(n, len(recs))
        block = b"".join(recs)
        for _ in range(full):
            fh.write(block)
        fh.write(b"".join(recs[:rest]))
        fh.write(trailer)
    tmp.rename(dest)
    return dest


def measure(cmd: list[str], *, cwd: Path | None = None) -> dict[str, float]:
    """Run a command; return wall seconds, the peak RSS (MB) of its whole process tree and
    the CPU seconds (user + system) of the command and all the processes it waited for.

    CPU time tells what a run costs when other jobs share the machine; wall time does not.
    """
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(
                c.memory_info().rss for c in ps.children(recursive=True)
            )
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    out, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.stderr.write(err.decode("utf-8", "replace"))
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": wall,
        "peak_mb": peak / 2**20,
        "cpu_s": cpu,
        "stdout": out.decode("utf-8", "replace"),
    }


def table(rows: list[dict], cols: list[str]) -> str:
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in cols]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    for r in rows:
        lines.append("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(cols, widths, strict=True)))
    return "\n".join(lines)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    return "" if v is None else str(v)


def _sentence(rng: random.Random, i: int) -> str:
    words = ["新质生产力", "创新联合体", "政策支持", "企业", "高校", "协同", "😀", "𠀀", "发展"]
    return f"第{i}句" + "".join(rng.choice(words) for _ in range(4)) + "。"


def synthetic_documents(
    store: object, rng: random.Random, n_docs: int, sents_per_doc: int
) -> list[list[tuple[int, int]]]:
    """Insert ``n_docs`` generated documents of ``sents_per_doc`` sentences (astral
    characters included) straight through ``zhagen.store``, in one transaction; returns each
    document's sentence spans. Used by the coding and web benchmarks."""
    from zhagen.store import docs

    out = []
    with store.transaction():  # type: ignore[attr-defined]
        sid = docs.insert_source(store, path="bench", abspath=None, sha256=None, size=None,
                                 fmt="txt", status="ok")  # fmt: skip
        for d in range(n_docs):
            sents, spans, pos = [], [], 0
            for i in range(sents_per_doc):
                text = _sentence(rng, i)
                sents.append(text)
                spans.append((pos, pos + len(text)))
                pos += len(text)
            fields = dict.fromkeys(docs.DOC_COLUMNS, "")
            fields.update(source_id=sid, record=d + 1, format="txt", type="document",
                          title=f"文档{d}", authors="[]", affiliations="[]", keywords="{}",
                          year=None, body="".join(sents), original=None, cleaning="{}",
                          cited_refs="[]", extra="{}", dup_key=None)  # fmt: skip
            [doc_id] = docs.insert_documents(store, [tuple(fields.values())])
            docs.insert_sentences(store, doc_id, spans)
            out.append(spans)
    return out
