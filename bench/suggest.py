"""Benchmark: suggestions for 10 000 uncoded sentences from 2 000 coded ones.

The sentences are those of the government work reports with clean sections
(:func:`zhagen.suggest.gold.labelled_sentences`), labelled by section: 2 000 drawn (seeded)
are the coded ones, 10 000 others are suggested for. Timed: the learner's training
(segmenting, vectorising, fitting) and its suggestions (top 3), wall and CPU seconds, after
the segmenter's dictionary is loaded (done once per process). Target: under 10 s in all on
a 2-core machine.

Run ``python bench/suggest.py [jsonl] [--coded 2000] [--uncoded 10000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT = ROOT.parent / "shared" / "corpora" / "policy" / "government_work_reports.jsonl"


def main() -> None:
    from zhagen.suggest.gold import labelled_sentences
    from zhagen.suggest.learner import Item, Learner
    from zhagen.text.segment import Segmenter

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--coded", type=int, default=2000)
    ap.add_argument("--uncoded", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    items, labels = [], []
    with args.jsonl.open(encoding="utf-8") as fh:
        for doc, line in enumerate(fh):
            text = json.loads(line)["content"]
            for idx, (lab, s, e) in enumerate(labelled_sentences(text)):
                items.append(Item(doc, idx, text[s:e]))
                labels.append(f"{doc}:{lab}")
    order = list(range(len(items)))
    random.Random(args.seed).shuffle(order)
    train, todo = order[: args.coded], order[args.coded : args.coded + args.uncoded]
    cut = Segmenter(stopwords=False).cut
    known = {(items[i].document, items[i].index): labels[i] for i in train}
    w0, c0 = time.perf_counter(), time.process_time()
    learner = Learner(cut=cut).fit([items[i] for i in train], [labels[i] for i in train],
                                   known=known)  # fmt: skip
    w1, c1 = time.perf_counter(), time.process_time()
    ranked = learner.suggest([items[i] for i in todo], known=known, top=3)
    w2, c2 = time.perf_counter(), time.process_time()
    right = sum(bool(r) and r[0][0] == labels[i] for i, r in zip(todo, ranked, strict=True))
    print(f"{len(train)} coded, {len(todo)} uncoded sentences, {len(learner.classes)} codes")
    print(f"train   {w1 - w0:6.2f} s wall {c1 - c0:6.2f} s CPU")
    print(f"suggest {w2 - w1:6.2f} s wall {c2 - c1:6.2f} s CPU")
    print(f"total   {w2 - w0:6.2f} s wall {c2 - c0:6.2f} s CPU (target < 10 s)")
    print(f"top-1 accuracy {right / len(todo):.3f}")


if __name__ == "__main__":
    main()
