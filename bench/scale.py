"""Past one machine (issue 17): import and map of N synthetic CNKI-like records, with no
cluster (the local process pool of ``zhagen.run``), a Dask LocalCluster(2) and
LocalCluster(4); per-task costs, the client's merge throughput (the part no cluster can
split) and from them a scaling model for 8, 32 and 128 workers.

    python bench/scale.py --sizes 50000                 # a check that it works (minutes)
    python bench/scale.py --sizes 1000000 10000000      # the issue's sizes (hours, ~15 GB disk)
    python bench/scale.py --sizes 50000 --policy 2000   # plus raw policy texts, segmented
    python bench/scale.py --clusters none local:2       # fewer configurations

Every ``zhagen add`` / ``zhagen map`` runs as the CLI in its own process (wall seconds,
peak RSS of its whole process tree — client and workers —, CPU seconds of all of them).
The records are written by :func:`synthetic_refworks` (a RefWorks export as CNKI writes
it: CRLF, ``;``-separated authors and keywords; titles and DOIs distinct, keywords drawn
from a Zipf law over 20 000 terms, years 2000–2024), so no record is a duplicate and the
map has a realistic long tail. The machine is shared: the load average is printed
before and after each run, and CPU seconds say what a run cost whatever else ran.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, ROOT, measure, table  # noqa: E402

SRC = ROOT / "src"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩鑫"
_SYLLABLES = (
    "数字 经济 创新 发展 政策 治理 乡村 振兴 绿色 低碳 产业 转型 高质量 协同 区域 城市 教育 "
    "科技 金融 制度 平台 企业 人才 生态 文化 旅游 医疗 养老 就业 开放 改革 新质 生产力 智能 "
    "制造 数据 要素 市场 公共 服务 社会 保障 环境 能源 安全 风险 评价 模式 机制 路径 效应"
).split()
_VENUES = [f"{a}{b}学报" for a in ("经济", "管理", "科技", "教育", "社会") for b in ("研究", "")] + [
    "中国软科学", "科学学研究", "中国行政管理", "改革", "管理世界", "经济研究",
]  # fmt: skip
_UNITS = ["大学经济学院", "大学管理学院", "社会科学院", "大学公共管理学院", "研究中心"]


def _terms(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct two- to three-syllable Chinese terms."""
    out: dict[str, None] = {}
    while len(out) < n:
        k = rng.choice((2, 2, 3))
        out.setdefault("".join(rng.choice(_SYLLABLES) for _ in range(k)), None)
    return list(out)


def synthetic_refworks(dest: Path, n: int, seed: int = 17) -> Path:
    """Write ``n`` CNKI-like RefWorks records to ``dest`` (cached: an existing file of that
    name is kept). Each record has 1–4 authors with institutions, a distinct title and
    DOI, a venue, year, issue and pages, 3–6 keywords (Zipf over 20 000 terms, exponent
    1.1) and an abstract of 3–6 sentences (~250 characters)."""
    if dest.exists():
        return dest
    import numpy as np

    rng = random.Random(seed)
    vocab = _terms(rng, 20_000)
    ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
    weights = ranks**-1.1
    cum = np.cumsum(weights / weights.sum())
    nprng = np.random.default_rng(seed)
    tmp = dest.with_suffix(".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    block = 10_000
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, n, block):
            count = min(block, n - start)
            picks = np.searchsorted(cum, nprng.random((count, 6)))
            lines: list[str] = []
            for k in range(count):
                i = start + k
                na = rng.randint(1, 4)
                authors = ";".join(
                    rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(2))
                    for _ in range(na)
                )
                units = ";".join(f"{rng.choice('华东华中西南东北')}{rng.choice(_UNITS)}"
                                 for _ in range(na))  # fmt: skip
                kws = list(dict.fromkeys(vocab[j] for j in picks[k, : rng.randint(3, 6)]))
                title = f"{vocab[picks[k, 0]]}视角下{vocab[picks[k, 1]]}的{rng.choice(('影响', '路径', '机制', '测度'))}研究（{i}）"  # noqa: E501
                sentences = [
                    "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(12, 24))) + "。"
                    for _ in range(rng.randint(3, 6))
                ]
                year = 2000 + (i * 7919) % 25
                lines.append(
                    "RT Journal Article\r\nSR 1\r\n"
                    f"A1 {authors}\r\nAD {units}\r\nT1 {title}\r\n"
                    f"JF {rng.choice(_VENUES)}\r\nYR {year}\r\nIS {rng.randint(1, 12):02d}\r\n"
                    f"vo \r\nOP {rng.randint(1, 180)}-{rng.randint(181, 200)}\r\n"
                    f"K1 {';'.join(kws)}\r\nAB {''.join(sentences)}\r\n"
                    f"SN 1000-{i % 10000:04d}\r\nLA 中文;\r\nDS CNKI\r\n"
                    f"DO 10.16{i % 100:02d}/j.syn.{i}\r\n\r\n"
                )
            fh.write("".join(lines))
    tmp.rename(dest)
    return dest


def synthetic_policy(dest: Path, n: int, seed: int = 23) -> Path:
    """``n`` policy texts of realistic length (~3 000 characters: 8–14 paragraphs of
    sentences made of policy vocabulary) as JSON Lines (title, year, content)."""
    if dest.exists():
        return dest
    rng = random.Random(seed)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for i in range(n):
            paras = []
            for _ in range(rng.randint(8, 14)):
                sents = [
                    "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(10, 30))) + "。"
                    for _ in range(rng.randint(3, 6))
                ]
                paras.append("".join(sents))
            doc = {"title": f"关于推进{rng.choice(_SYLLABLES)}{rng.choice(_SYLLABLES)}的意见（{i}）",
                   "year": 2000 + i % 25, "content": "\n\n".join(paras)}  # fmt: skip
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    tmp.rename(dest)
    return dest


def _zhagen(*args: str) -> list[str]:
    return [sys.executable, "-m", "zhagen", *args]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure_tree(cmd: list[str]) -> dict[str, float]:
    """Run a command: wall seconds, CPU seconds of the whole process tree (each process's
    last sampled user + system time: a LocalCluster's workers are forked by a forkserver,
    and their time never reaches this process's ``RUSAGE_CHILDREN``), the peak RSS of the
    process itself (the client), of its largest descendant (a worker) and of the whole
    tree, in MiB; sampled every 50 ms."""
    import subprocess

    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    client = worker = tree = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
        except psutil.Error:
            procs = []
        rss = []
        for p in procs:
            try:
                with p.oneshot():
                    rss.append(p.memory_info().rss)
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
            except psutil.Error:
                rss.append(0)
        if rss:
            client, tree = max(client, rss[0]), max(tree, sum(rss))
            worker = max(worker, *rss[1:], 0)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    _, err = proc.communicate()
    if proc.returncode:
        sys.stderr.write(err.decode("utf-8", "replace"))
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    mib = 2**20
    return {"seconds": wall, "cpu_s": sum(cpu.values()), "client_cpu_s": cpu.get(proc.pid, 0.0),
            "client_mb": client / mib, "worker_mb": worker / mib, "tree_mb": tree / mib}  # fmt: skip


def _cluster_args(config: str, work: Path) -> list[str]:
    """``none`` → no option; ``local:2`` → ``--cluster local:2``; ``local:2+shards`` →
    also ``--shards`` (a folder emptied first)."""
    if config == "none":
        return []
    spec, _, extra = config.partition("+")
    args = ["--cluster", spec]
    if extra == "shards":
        folder = work / "shards"
        shutil.rmtree(folder, ignore_errors=True)
        args += ["--shards", str(folder)]
    return args


def run_cli(
    data: Path,
    work: Path,
    config: str,
    map_args: list[str] | None,
    tag: str = "records",
    delete: bool = False,
) -> dict[str, object]:
    """``zhagen new`` + ``zhagen add`` (+ ``zhagen map`` if ``map_args`` is not None) with
    the cluster of ``config`` (or none), in ``work/<tag>_<config>.zhagen`` (removed after
    the run with its map if ``delete``: a 10M-record project is ~11 GB)."""
    name = config.replace(":", "").replace("+", "_")
    proj = work / f"{tag}_{name}.zhagen"
    for old in work.glob(proj.name + "*"):
        old.unlink()
    extra = _cluster_args(config, work)
    measure(_zhagen("new", str(proj)))
    before = _load()
    add = measure_tree(_zhagen("add", str(proj), str(data), *extra))
    row: dict[str, object] = {
        "cluster": config,
        "add_s": add["seconds"],
        "add_cpu_s": add["cpu_s"],
        "add_client_cpu_s": add["client_cpu_s"],  # the serial part: read results, merge
        "client_mb": add["client_mb"],
        "worker_mb": add["worker_mb"],
        "tree_mb": add["tree_mb"],
    }
    if map_args is not None:
        out = work / f"map_{tag}_{name}"
        shutil.rmtree(out, ignore_errors=True)
        cl = extra[:2]  # the cluster; the shards are for imports
        mapped = measure_tree(_zhagen("map", str(proj), "--out", str(out), *map_args, *cl))
        row.update(map_s=mapped["seconds"], map_cpu_s=mapped["cpu_s"],
                   map_client_cpu_s=mapped["client_cpu_s"],
                   map_client_mb=mapped["client_mb"], map_worker_mb=mapped["worker_mb"])  # fmt: skip
    row["load"] = f"{before} → {_load()}"
    row["project_mb"] = sum(f.stat().st_size for f in work.glob(proj.name + "*")) / 2**20
    if delete:
        for old in work.glob(proj.name + "*"):
            old.unlink()
        shutil.rmtree(work / f"map_{tag}_{name}", ignore_errors=True)
    return row


def interleaved_runs(
    data: Path, work: Path, configs: list[str], rounds: int, map_args: list[str] | None,
    tag: str = "records", delete: bool = False,
) -> list[dict[str, object]]:  # fmt: skip
    """``rounds`` rounds of every configuration in turn (A B C A B C …: a load that
    changes hits each alike); every run printed as it ends, then the medians."""
    import statistics

    runs: dict[str, list[dict[str, object]]] = {c: [] for c in configs}
    for r in range(rounds):
        for c in configs:
            row = run_cli(data, work, c, map_args if r == 0 else None, tag, delete)
            runs[c].append(row)
            print(f"  round {r + 1} {c}: " + ", ".join(f"{k} {_num(v)}" for k, v in row.items()
                                                        if k != "cluster"), flush=True)  # fmt: skip
    out = []
    for c in configs:
        med: dict[str, object] = {"cluster": c, "runs": len(runs[c])}
        for key in runs[c][0]:
            if key in ("cluster", "load"):
                continue
            vals = [float(x[key]) for x in runs[c] if key in x]  # type: ignore[arg-type]
            med[key] = statistics.median(vals)
        med["load"] = "; ".join(str(x["load"]) for x in runs[c])
        out.append(med)
    return out


def _num(v: object) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def task_and_merge_costs(data: Path, work: Path, sample: int) -> dict[str, float]:
    """Seconds per record of a worker's task (read + clean + stage one ~8 MB chunk, as a
    Dask task runs it) and of the client's merge (inserting staged images into SQLite,
    duplicates, sentences, problems: the real ``import_file`` of a file prepared
    beforehand), on the first ``sample`` records."""
    os.environ.setdefault("PYTHONPATH", str(SRC))
    sys.path.insert(0, str(SRC))
    import zhagen
    from zhagen.formats import chunk_spans, detect_format
    from zhagen.ingest import ImportPlan
    from zhagen.ingest.pipeline import FileTask, import_file, prepare_file
    from zhagen.ingest.work import Chunk
    from zhagen.ingest.work import work as run_unit

    small = work / f"merge_sample_{sample}.txt"
    if not small.exists():
        with open(data, "rb") as src, open(small, "wb") as dst:
            n = 0
            for line in src:
                dst.write(line)
                if line == b"\r\n":
                    n += 1
                    if n >= sample:
                        break
    fmt = detect_format(small)
    size = small.stat().st_size
    spans = list(chunk_spans(small, fmt, size=8 << 20) or [(0, size)])
    o, ln = spans[0]
    t = time.perf_counter()
    unit = run_unit(Chunk(str(small), o, ln, fmt, o + ln == size, image=True))
    task_s = (time.perf_counter() - t) / max(1, unit.records)
    t = time.perf_counter()
    done = prepare_file(FileTask(str(small), None, ImportPlan(parallel_min_bytes=1 << 62)))
    prep_s = time.perf_counter() - t
    records = sum(u.records for u in done.units)
    proj = work / "merge.zhagen"
    for old in work.glob("merge.zhagen*"):
        old.unlink()
    with zhagen.Project.create(proj) as p:
        t = time.perf_counter()
        report = import_file(p.store, str(small), plan=ImportPlan(), prepared=done)
        merge_s = time.perf_counter() - t
    assert report.records == records, (report.records, records)
    return {
        "records": records,
        "task_us_per_record": task_s * 1e6,
        "chunk_records": unit.records,
        "prepare_us_per_record": prep_s / records * 1e6,
        "merge_us_per_record": merge_s / records * 1e6,
        "merge_records_per_s": records / merge_s,
    }


def cluster_overheads(specs: list[str], nodes: int = 300, records: int = 1_000_000) -> list[dict]:
    """Per cluster: seconds to start it and run a first task, the round trip of an empty
    task, and the co-occurrence counts of a ``records`` × ``nodes`` binary matrix (~5 terms
    a record: a map's selected nodes) computed here vs summed over 8 partitions on the
    cluster (:meth:`zhagen.cluster.Cluster.tree_reduce`)."""
    sys.path.insert(0, str(SRC))
    import numpy as np
    import scipy.sparse as sp

    from zhagen.cluster import Cluster
    from zhagen.mapping.cooccurrence import cooccurrence, row_blocks

    rng = np.random.default_rng(3)
    cols = rng.integers(0, nodes, size=(records, 5))
    rows = np.repeat(np.arange(records), 5)
    x = sp.csr_matrix((np.ones(rows.size, np.int32), (rows, cols.ravel())), (records, nodes))
    x.sum_duplicates()
    x.data[:] = 1
    t = time.perf_counter()
    local = cooccurrence(x)
    here_s = time.perf_counter() - t
    out = []
    for spec in specs:
        if spec == "none":
            continue
        c = Cluster(spec)
        t = time.perf_counter()
        c.client().submit(len, [1]).result()
        start_s = time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(20):
            c.client().submit(len, [1], pure=False).result()
        trip_ms = (time.perf_counter() - t) / 20 * 1e3
        t = time.perf_counter()
        summed = c.tree_reduce(cooccurrence, row_blocks(x, -(-records // 8)), _add)
        tree_s = time.perf_counter() - t
        assert (summed != local).nnz == 0
        c.close()
        out.append({"cluster": spec, "start_s": start_s, "task_round_trip_ms": trip_ms,
                    "cooc_here_s": here_s, "cooc_tree_s": tree_s})  # fmt: skip
    return out


def segmentation_costs(proj: Path, sample: int = 200) -> dict[str, float]:
    """Microseconds per text of segmenting it (the worker's task in a ``--field terms``
    map) and of the client's part: reading it from the project file and pickling it to
    send (the segmented terms coming back are smaller than the text)."""
    import pickle

    sys.path.insert(0, str(SRC))
    import zhagen
    from zhagen.map_input import segmented
    from zhagen.store.map_keywords import map_rows

    with zhagen.Project.open(proj) as p:
        t = time.perf_counter()
        texts = [row[5] for row in map_rows(p.store, keep_duplicates=True, texts=True)]
        read_s = time.perf_counter() - t
        seg = p.terms.segmenter()
    t = time.perf_counter()
    blob = pickle.dumps(texts)
    pickle_s = time.perf_counter() - t
    part = texts[:sample]
    t = time.perf_counter()
    list(segmented(lambda: seg, part))
    seg_s = time.perf_counter() - t
    return {
        "texts": len(texts),
        "chars_per_text": sum(map(len, texts)) / max(1, len(texts)),
        "segment_us_per_text": seg_s / max(1, len(part)) * 1e6,
        "client_us_per_text": (read_s + pickle_s) / max(1, len(texts)) * 1e6,
        "pickled_kb_per_text": len(blob) / max(1, len(texts)) / 1024,
    }


def _add(a, b):  # noqa: ANN001, ANN202 - sparse matrices
    return a + b


def scaling_model(costs: dict[str, float], sizes: list[int]) -> list[dict[str, object]]:
    """Expected import time on ``w`` workers: the client merges while the workers prepare,
    so ``T(w) ≈ N · max(merge, task / w) + start-up``; the Amdahl bound is ``N · merge``
    (no number of workers goes below it), reached from ``w* = task / merge`` workers."""
    task = costs["task_us_per_record"] / 1e6
    merge = costs["merge_us_per_record"] / 1e6
    rows = []
    for n in sizes:
        row: dict[str, object] = {"records": n, "serial_s": n * (task + merge)}
        for w in (1, 2, 4, 8, 32, 128):
            row[f"w{w}_s"] = n * max(merge, task / w)
        row["bound_s"] = n * merge
        row["w_star"] = task / merge
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[50_000],
                    help="records (none: only --policy)")  # fmt: skip
    ap.add_argument("--clusters", nargs="+", default=["none", "local:2", "local:4"],
                    help="none, local:N, local:N+shards (results through a shards folder)")  # fmt: skip
    ap.add_argument("--rounds", type=int, default=1, help="interleaved rounds (medians)")
    ap.add_argument("--map", action="store_true", help="also zhagen map (first round)")
    ap.add_argument("--policy", type=int, default=0, help="also N raw policy texts (segmented)")
    ap.add_argument("--merge-sample", type=int, default=50_000)
    ap.add_argument("--model-sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--no-costs", action="store_true", help="skip the in-process cost tables")
    ap.add_argument("--workdir", type=Path, default=OUT / "scale")
    ap.add_argument("--delete", action="store_true",
                    help="remove each project file (and map) once measured (disk)")  # fmt: skip
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"cpus {os.cpu_count()}, load {_load()}", flush=True)
    cols = ["cluster", "runs", "add_s", "records_per_s", "add_vs_first", "add_cpu_s",
            "client_mb", "worker_mb", "tree_mb", "map_s", "map_cpu_s", "map_client_mb",
            "map_worker_mb", "load"]  # fmt: skip
    for n in args.sizes:
        data = synthetic_refworks(OUT / f"synthetic_refworks_{n}.txt", n)
        mb = data.stat().st_size / 2**20
        print(f"\n## {n:,} synthetic CNKI RefWorks records ({mb:,.0f} MB)", flush=True)
        maps = ["--keep-duplicates"] if args.map else None
        rows = interleaved_runs(data, args.workdir, args.clusters, args.rounds, maps,
                                delete=args.delete)  # fmt: skip
        base = float(rows[0]["add_s"])  # type: ignore[arg-type]
        for r in rows:
            r["records_per_s"] = n / float(r["add_s"])  # type: ignore[arg-type]
            r["add_vs_first"] = float(r["add_s"]) / base  # type: ignore[arg-type]
        print(table(rows, [c for c in cols if c in rows[0] or c in ("records_per_s",
                                                                    "add_vs_first")]))  # fmt: skip
    if args.policy:
        data = synthetic_policy(OUT / f"synthetic_policy_{args.policy}.jsonl", args.policy)
        print(f"\n## {args.policy:,} synthetic policy texts (~3 000 characters), "
              "--field terms", flush=True)  # fmt: skip
        rows = interleaved_runs(data, args.workdir, args.clusters, args.rounds,
                                ["--field", "terms"], "policy", args.delete)  # fmt: skip
        print(table(rows, [c for c in cols if c in rows[0]]))
    if args.no_costs:
        return
    print("\n## cluster start-up, task round trip, co-occurrence here vs tree-summed there")
    over = cluster_overheads([c for c in args.clusters if "+" not in c])
    if over:
        print(table(over, list(over[0])))
    biggest = max(args.sizes or [args.merge_sample])
    data = synthetic_refworks(OUT / f"synthetic_refworks_{biggest}.txt", biggest)
    costs = task_and_merge_costs(data, args.workdir, min(args.merge_sample, biggest))
    print("\n## per-record costs (this machine, in process)")
    print(table([costs], list(costs)))
    if args.policy:
        seg = segmentation_costs(args.workdir / "policy_none.zhagen")
        print("\n## segmentation of a policy text: worker (segment) vs client (read, send)")
        print(table([seg], list(seg)))
    print("\n## scaling model: expected import seconds on w workers (T = N·max(merge, task/w))")
    model = scaling_model(costs, args.model_sizes)
    print(table(model, list(model[0])))


if __name__ == "__main__":
    main()
