"""Import throughput: records/s, MB/s and peak memory of ``zhagen add`` on the real CNKI
RefWorks and Web of Science exports replicated to 100 000 and 1 000 000 records, and
segmentation throughput of the chosen segmenter against jieba on the seed texts.

    python bench/import.py                 # 100k and 1M (needs ~3 GB of disk in bench/out)
    python bench/import.py --sizes 100000  # just 100k
    python bench/import.py --workers 2
    python bench/import.py --unique        # every record made distinct (see unique_copy)

Targets (issue 2): 1 000 000 RefWorks records in under 90 s and under 4 GB peak memory.
The machine is often shared: ``cpu_s`` (all processes) and the load average before and after
each run say how much of the wall time was this import's own.
Inputs come from ../shared/corpora (not shipped with zhagen).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, ROOT, SHARED, measure, replicate, table, unique_copy  # noqa: E402

INPUTS = {
    "cnki-refworks": (SHARED / "corpora" / "cnki" / "refworks_2024_298.txt", "refworks"),
    "wos": (SHARED / "corpora" / "wos" / "plaintext_344_fullrecord.txt", "wos"),
}


def bench_import(
    sizes: list[int], workers: int, formats: list[str], unique: bool = False
) -> list[dict]:
    rows = []
    zhagen = shutil.which("zhagen", path=str(Path(sys.executable).parent)) or "zhagen"
    for fmt in formats:
        src, kind = INPUTS[fmt]
        for n in sizes:
            data = replicate(src, kind, n)
            if unique:
                data = unique_copy(data, kind)
            proj = OUT / f"bench_{fmt}_{n}.zhagen"
            for stale in OUT.glob(proj.name + "*"):
                stale.unlink()
            measure([zhagen, "new", str(proj)])
            load = os.getloadavg()[0]
            m = measure([zhagen, "add", str(proj), str(data), "--workers", str(workers)])
            mb = data.stat().st_size / 2**20
            rows.append(
                {
                    "format": fmt + (" unique" if unique else ""),
                    "records": n,
                    "file_MB": mb,
                    "seconds": m["seconds"],
                    "records/s": n / m["seconds"],
                    "MB/s": mb / m["seconds"],
                    "peak_MB": m["peak_mb"],
                    "workers": workers,
                    # all processes: what the run costs whatever else the machine runs
                    "cpu_s": m["cpu_s"],
                    "cpu_us/rec": m["cpu_s"] / n * 1e6,
                    "load_before": load,
                    "load_after": os.getloadavg()[0],
                }
            )
            print(table(rows[-1:], list(rows[-1])), flush=True)
            for stale in OUT.glob(proj.name + "*"):
                stale.unlink()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--formats", nargs="+", default=list(INPUTS), choices=list(INPUTS))
    ap.add_argument("--no-segment", action="store_true", help="skip the segmentation table")
    ap.add_argument("--unique", action="store_true", help="no record repeats (RefWorks only)")
    args = ap.parse_args()
    if not (SHARED / "corpora").is_dir():
        sys.exit(f"../shared/corpora not found at {SHARED}")
    rows = bench_import(args.sizes, args.workers, args.formats, args.unique)
    print("\n## import\n" + table(rows, list(rows[0])))
    if not args.no_segment:
        import segment

        seg = segment.run(SHARED / "corpora" / "seeds")
        print("\n## segmentation (seed texts)\n" + table(seg, list(seg[0])))
    print(f"\n(zhagen at {ROOT}; inputs replicated into {OUT})")


if __name__ == "__main__":
    main()
