"""Time ``zhagen.mapping.build_map`` on synthetic records (100k and 1M by default).

Records have 5 terms drawn from a Zipf law over a 20,000-term vocabulary and a year in
2000–2024. Prints wall time per stage-free run and the peak RSS of this process.

    python bench/map_compute.py [N ...]
"""

from __future__ import annotations

import resource
import sys
import time


def synthetic(n: int, seed: int = 0, vocab: int = 20_000, per_record: int = 5):
    import numpy as np

    from zhagen.mapping.model import MapInput

    rng = np.random.default_rng(seed)
    words = np.array([f"术语{i}" for i in range(vocab)], dtype=object)
    codes = (rng.zipf(1.4, size=n * per_record) - 1) % vocab
    terms = words[codes].reshape(n, per_record).tolist()
    years = rng.integers(2000, 2025, size=n).tolist()
    return MapInput(list(range(n)), years, terms, [f"title {i}" for i in range(n)])


def main(sizes: list[int]) -> None:
    from zhagen.mapping import build_map
    from zhagen.mapping.model import MapParams

    for n in sizes:
        inp = synthetic(n)
        for params in (MapParams(), MapParams(top=None, g_index=25, prune="pathfinder")):
            t0 = time.perf_counter()
            km = build_map(inp, params)
            dt = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            crit = f"top={params.top}" if params.top else f"g_index={params.g_index}"
            print(f"{n:>9,} records {crit:<12} prune={params.prune:<10} "
                  f"{dt:6.2f} s  nodes={len(km.nodes)} edges={len(km.edges)} "
                  f"Q={km.summary['modularity']:.3f} S={km.summary['silhouette']:.3f} "
                  f"peak RSS {peak:,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
