"""Benchmark: word segmentation speed, cold start and accuracy.

Compares zhagen's :class:`~zhagen.text.segment.Segmenter` (rjieba + domain dictionary)
with rjieba's default dictionary and with jieba (HMM on and off):

- ``MB/s``: UTF-8 megabytes per second cutting the four seed texts line by line, the texts
  repeated to about ``target_mb`` MB (cut only, after the dictionary is loaded);
- ``cold start``: seconds from ``import`` to the first cut finished, in a fresh process,
  and that process's peak RSS;
- ``F1`` and ``domain``: word-level F1 on ``tests/data/segmentation_gold.tsv`` and the share
  of its domain-term occurrences cut as one word.

Run ``python bench/segment.py [seeds_dir] [target_mb]`` (default ``../shared/corpora/seeds``
and 5 MB). ``run(seeds_dir)`` returns the rows for other scripts (``bench/import.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = ROOT.parent / "shared" / "corpora" / "seeds"

# name -> (code run in a fresh process to build the segmenter, expression cutting `s`)
SEGMENTERS: dict[str, tuple[str, str]] = {
    "zhagen Segmenter (rjieba + domain dict)": (
        "from zhagen.text.segment import Segmenter; seg = Segmenter()",
        "seg.cut(s)",
    ),
    "rjieba default dict": ("import rjieba; seg = rjieba.Jieba()", "seg.cut(s, True)"),
    "jieba HMM on": (
        "import jieba; jieba.setLogLevel(60); jieba.initialize()",
        "jieba.lcut(s, HMM=True)",
    ),
    "jieba HMM off": (
        "import jieba; jieba.setLogLevel(60); jieba.initialize()",
        "jieba.lcut(s, HMM=False)",
    ),
}

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
{setup}
s = "冷启动测试：发展新质生产力"
{cut}
cold = time.perf_counter() - t0
lines = json.load(sys.stdin)
t1 = time.perf_counter()
for s in lines:
    {cut}
cut_s = time.perf_counter() - t1
gold = {gold!r}
pred = []
for s in gold:
    pred.append([w for w in {cut} if not w.isspace()])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"cold_start_s": cold, "cut_s": cut_s, "rss_mb": rss, "gold_pred": pred}}))
"""


def load_gold(seeds_dir: Path) -> list[list[str]]:
    """The gold sentences (rebuilt from the seeds by tests/gold_segmentation.py) as word lists."""
    sys.path.insert(0, str(ROOT / "tests"))
    from gold_segmentation import load_gold as load

    return [words for _seed, words in load(seeds_dir)]


def seed_lines(seeds_dir: Path, target_mb: float) -> tuple[list[str], int]:
    """Non-blank lines of the seed texts, repeated to about ``target_mb`` MB; and the bytes."""
    lines = []
    for path in sorted(seeds_dir.glob("*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    one = sum(len(ln.encode("utf-8")) for ln in lines)
    times = max(1, round(target_mb * 1e6 / one))
    return lines * times, one * times


def domain_recall(gold: list[list[str]], pred: list[list[str]], domain: set[str]) -> float:
    """Share of gold words that are domain terms and are predicted as one word."""
    hit = total = 0
    for gold_words, pred_words in zip(gold, pred, strict=True):
        spans, start = set(), 0
        for w in pred_words:
            spans.add((start, start + len(w)))
            start += len(w)
        start = 0
        for w in gold_words:
            if w in domain:
                total += 1
                hit += (start, start + len(w)) in spans
            start += len(w)
    return hit / total if total else 0.0


def measure(name: str, lines: list[str], gold: list[list[str]]) -> dict:
    """Run one segmenter in a fresh process and return its raw measurements."""
    setup, cut = SEGMENTERS[name]
    code = _CHILD.format(setup=setup, cut=cut, gold=["".join(g) for g in gold])
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(lines, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(seeds_dir: Path = DEFAULT_SEEDS, target_mb: float = 5.0) -> list[dict]:
    """Measure every segmenter; one row per segmenter, ratios against ``jieba HMM on``.

    Each row has ``segmenter``, ``mb_per_s``, ``cold_start_s``, ``rss_mb``, ``f1``,
    ``precision``, ``recall``, ``domain_recall`` and ``speed_vs_jieba``.
    """
    from zhagen.text.lexicon import load_user_dict, package_data
    from zhagen.text.segment import word_prf

    lines, n_bytes = seed_lines(Path(seeds_dir), target_mb)
    gold = load_gold(seeds_dir)
    domain = {e.word for e in load_user_dict(package_data("domain_dict.txt"))}
    rows = []
    for name in SEGMENTERS:
        raw = measure(name, lines, gold)
        precision, recall, f1 = word_prf(gold, raw["gold_pred"])
        rows.append(
            {
                "segmenter": name,
                "mb_per_s": n_bytes / 1e6 / raw["cut_s"],
                "cold_start_s": raw["cold_start_s"],
                "rss_mb": raw["rss_mb"],
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "domain_recall": domain_recall(gold, raw["gold_pred"], domain),
            }
        )
    base = next(r["mb_per_s"] for r in rows if r["segmenter"] == "jieba HMM on")
    for row in rows:
        row["speed_vs_jieba"] = row["mb_per_s"] / base
    return rows


def format_table(rows: list[dict]) -> str:
    """The rows as a fixed-width text table."""
    cols: list[tuple[str, str, Callable[[dict], str]]] = [
        ("segmenter", "<40", lambda r: r["segmenter"]),
        ("MB/s", ">7", lambda r: f"{r['mb_per_s']:.2f}"),
        ("x jieba", ">8", lambda r: f"{r['speed_vs_jieba']:.1f}"),
        ("cold s", ">7", lambda r: f"{r['cold_start_s']:.2f}"),
        ("RSS MB", ">7", lambda r: f"{r['rss_mb']:.0f}"),
        ("F1", ">6", lambda r: f"{r['f1']:.3f}"),
        ("domain", ">7", lambda r: f"{r['domain_recall']:.1%}"),
    ]
    out = ["  ".join(format(h, f) for h, f, _ in cols)]
    out += ["  ".join(format(get(r), f) for _, f, get in cols) for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEEDS
    mb = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    started = time.perf_counter()
    table = run(seeds, mb)
    print(format_table(table))
    print(f"({mb:g} MB of seed text per segmenter; {time.perf_counter() - started:.0f} s in all)")
