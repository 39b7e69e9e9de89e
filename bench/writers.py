"""Issue 17: time and memory of writing each output of one map, checkouts A/B.

The map of PROJECT (``zhagen map`` defaults, or ``--map-args`` as JSON) is computed once by
this checkout and pickled as a plain ``KnowledgeMap``; with ``--links N`` its links are
replaced by N random distinct node pairs (Zipf counts), to write a map of the 10M map's
4 580 858 links without computing one. Then each checkout named (``--vs NAME=CHECKOUT``,
and this one as ``this``) writes every output asked for in a process of its own, rounds
interleaved with the order rotated: per output the wall seconds and the growth of RSS (the
peak, sampled every 10 ms, minus the RSS before the step), medians over ``--repeat`` rounds,
and each process's peak. The map's pickle and the files go to ``$ZHAGEN_BENCH_OUT/writers``.

    python bench/writers.py /work/bench-out/stream17/p1m.zhagen --vs main=../main
    python bench/writers.py P.zhagen --links 4580858 --outputs csv,html,graphml,gexf,net,vosviewer
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("ZHAGEN_BENCH_OUT", HERE / "out")) / "writers"
OUTPUTS = "csv,json,html,graphml,gexf,net,vosviewer"


def _rss() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(pkl: Path, out: Path, outputs: list[str]) -> None:
    """Write each output of the pickled map; print one JSON line per output."""
    import pickle

    from zhagen.report.mapfiles import write_map

    with open(pkl, "rb") as fh:
        km = pickle.load(fh)  # noqa: S301 - written by this script
    peak = [0.0]
    on = [True]

    def sample() -> None:
        while on[0]:
            peak[0] = max(peak[0], _rss())
            time.sleep(0.01)

    for name in outputs:
        before = peak[0] = _rss()
        thread = threading.Thread(target=sample, daemon=True)
        on[0] = True
        thread.start()
        start = time.perf_counter()
        write_map(km, out, outputs=name)
        seconds = time.perf_counter() - start
        on[0] = False
        thread.join()
        top = max(peak[0], _rss())
        print(json.dumps({"output": name, "s": seconds, "before": before, "peak": top}), flush=True)


def make_map(project: Path, map_args: dict, links: int | None, pkl: Path) -> tuple[int, int]:
    """Compute the map (and replace its links when asked); pickle it."""
    import dataclasses
    import pickle

    import zhagen
    from zhagen.mapping.model import KnowledgeMap

    with zhagen.Project.open(project) as p:
        km = p.maps.build(record=False, **map_args)
    plain = KnowledgeMap(**{f.name: getattr(km, f.name) for f in dataclasses.fields(KnowledgeMap)})
    if links:
        import numpy as np
        import pandas as pd

        n = len(plain.nodes)
        rng = np.random.default_rng(17)
        iu, ju = np.triu_indices(n, k=1)
        pick = np.sort(rng.choice(iu.size, size=min(links, iu.size), replace=False))
        ids = plain.nodes["id"].to_numpy()
        count = rng.zipf(1.6, pick.size).clip(max=100_000).astype(np.int64)
        plain.edges = pd.DataFrame({
            "source": ids[iu[pick]], "target": ids[ju[pick]], "count": count,
            "strength": count / count.max() + rng.random(pick.size) * 1e-3,
        })  # fmt: skip
    pkl.parent.mkdir(parents=True, exist_ok=True)
    with open(pkl, "wb") as fh:
        pickle.dump(plain, fh, protocol=5)
    return len(plain.nodes), len(plain.edges)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--outputs", default=OUTPUTS, help=f"outputs, one step each ({OUTPUTS})")
    ap.add_argument("--vs", nargs="*", default=[], metavar="NAME=CHECKOUT")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--links", type=int, help="replace the links by N random node pairs")
    ap.add_argument("--map-args", default="{}", help="MapParams as JSON")
    ap.add_argument("--child", nargs=3, metavar=("PKL", "OUT", "OUTPUTS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.child[2].split(","))
        return
    tag = f"{args.project.stem}_{args.links or 'links'}"
    pkl = OUT / f"{tag}.pkl"
    nodes, links = make_map(args.project, json.loads(args.map_args), args.links, pkl)
    checkouts = {"this": HERE.parent}
    checkouts.update({k: Path(v).resolve() for k, v in (s.split("=", 1) for s in args.vs)})
    print(f"map of {args.project}: {nodes:,} nodes, {links:,} links; load {os.getloadavg()}")
    rows: dict[tuple[str, str], list[dict]] = {}
    names = list(checkouts)
    for r in range(args.repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            env = {**os.environ, "PYTHONPATH": str(checkouts[name] / "src")}
            cmd = [sys.executable, str(Path(__file__).resolve()), str(args.project), "--child",
                   str(pkl), str(OUT / f"{tag}_{name}"), args.outputs]  # fmt: skip
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                row = json.loads(line)
                rows.setdefault((name, row["output"]), []).append(row)
            print(f"round {r + 1} {name}: load {os.getloadavg()}", flush=True)
    print("\n| output | " + " | ".join(f"{n} s | {n} growth MiB" for n in names) + " |")
    print("| --- |" + " --- | --- |" * len(names))
    for output in args.outputs.split(","):
        cells = []
        for n in names:
            got = rows[(n, output)]
            cells.append(f"{statistics.median(x['s'] for x in got):.1f}")
            cells.append(f"{statistics.median(x['peak'] - x['before'] for x in got):.0f}")
        print(f"| {output} | " + " | ".join(cells) + " |")
    peaks = [
        f"{max(x['peak'] for (m, _), xs in rows.items() if m == n for x in xs):.0f}" for n in names
    ]
    print("| peak of the process | " + " | ".join(f"| {p}" for p in peaks) + " |")


if __name__ == "__main__":
    main()
