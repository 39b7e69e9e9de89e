"""Helpers for the benchmarks: replicated inputs, timing a command with its peak memory."""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def unique_copy(path: Path, kind: str) -> Path:
    """A copy of a replicated RefWorks export in which no two records repeat: each record's
    title, keywords, abstract and DOI get its number, so that nothing can profit from
    repeated content (no duplicates, nothing cached by value). Written once, next to it."""
    dest = path.with_name(path.stem + "_unique" + path.suffix)
    if kind != "refworks":
        raise SystemExit("unique_copy: only for a RefWorks export")
    if dest.exists():
        return dest
    line = re.compile(rb"(T1|K1|AB|DO) (.*?)(\r?\n)", re.S)
    number = 0

    def mark(m: re.Match[bytes]) -> bytes:
        tag, value, end = m.groups()
        if tag == b"AB":
            return b"AB " + f"编号{number}。".encode() + value + end
        if tag == b"K1":
            return b"K1 " + value.rstrip(b";") + f";关键词{number};".encode() + end
        return tag + b" " + value + f"第{number}篇".encode() + end

    tmp = dest.with_suffix(".part")
    with open(path, "rb") as src, open(tmp, "wb") as out:
        for raw in src:
            if raw.startswith(b"RT "):
                number += 1
            out.write(line.sub(mark, raw, count=1) if raw[:3] in _MARKED else raw)
    tmp.rename(dest)
    return dest


_MARKED = {b"T1 ", b"K1 ", b"AB ", b"DO "}


def measure(cmd: list[str], *, cwd: Path | None = None) -> dict[str, float]:
    """Run a command; return wall seconds, the peak RSS of its whole process tree (in MiB,
    2**20 bytes: ``peak_mib``; ``peak_mb`` is the same number, kept for the older scripts)
    and the CPU seconds (user + system) of the command and all the processes it waited for.

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
        "peak_mib": peak / 2**20,
        "cpu_s": cpu,
        "stdout": out.decode("utf-8", "replace"),
    }


def interleaved(
    cmds: dict[str, list[str]],
    n: int = 3,
    warmup: int = 1,
    setup: dict[str, list[str]] | None = None,
    **kw: Any,
) -> dict[str, dict[str, Any]]:
    """Time several commands A/B-style: ``warmup`` untimed rounds, then ``n`` rounds that
    each run every command once, the order rotated every round (so a burst of load falls
    on all of them alike). Per command: the median wall and CPU seconds, every wall time,
    the highest peak (MiB), the median 1-minute load average taken before each run, and
    the stdout of its last run. ``setup``: a command run untimed before each run of the
    command of that name (a new, empty project)."""
    names = list(cmds)
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in names}
    for r in range(warmup + n):
        k0 = r % len(names)
        for name in names[k0:] + names[:k0]:
            if setup and name in setup:
                subprocess.run(setup[name], check=True, capture_output=True, cwd=kw.get("cwd"))
            load = os.getloadavg()[0]
            m = measure(cmds[name], **kw)
            if r >= warmup:
                runs[name].append({**m, "load1": load})
    out = {}
    for name, rs in runs.items():
        out[name] = {
            "seconds": statistics.median(x["seconds"] for x in rs),
            "walls": [round(x["seconds"], 3) for x in rs],
            "cpu_s": statistics.median(x["cpu_s"] for x in rs),
            "peak_mib": max(x["peak_mib"] for x in rs),
            "load1": statistics.median(x["load1"] for x in rs),
            "stdout": rs[-1]["stdout"],
            "runs": len(rs),
        }
    return out


def loads() -> str:
    """The load averages (1, 5, 15 min) as text, to print beside every table."""
    return "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


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
