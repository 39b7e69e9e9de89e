"""Benchmark: the built-in learner on a gold set built from the government work reports.

The gold set is made here, never stored: every sentence of a report whose top-level
sections are headed 一、二、三… in order is labelled with its section
(:func:`zhagen.suggest.gold.labelled_sentences`; 38 of the 72 texts of
``../shared/corpora/policy/government_work_reports.jsonl``). For each report and each share
of labelled sentences (10 %, 25 %, 50 %, drawn with a seed), the learner is trained on the
labelled sentences and suggests a section for each of the others; its top-1 is compared with
the truth: Cohen's κ (``zhagen.coding.agreement.cohen_kappa``), macro-F1, top-3 recall.
Rows: ``builtin`` (all features), ``text`` (characters + words, no neighbours) and the
baseline ``svm`` (TF-IDF of character 1–3-grams, scikit-learn's LinearSVC). Pooled: every
report's predictions together, labels being the section numerals; per report: median and
minimum over the reports.

Run ``python bench/gold_reports.py [jsonl] [--seed 1] [--limit N] [--per-report]``.
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
FRACTIONS = (0.10, 0.25, 0.50)
MODELS = ("builtin", "text", "svm")


def gold(path: Path, limit: int | None = None) -> list[dict]:
    """The reports with clean sections: title, sentence texts, labels."""
    from zhagen.suggest.gold import labelled_sentences

    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            found = labelled_sentences(rec["content"])
            if found:
                text = rec["content"]
                out.append({"title": rec["title"], "texts": [text[s:e] for _, s, e in found],
                            "labels": [lab for lab, _, _ in found]})  # fmt: skip
            if limit and len(out) >= limit:
                break
    return out


def split(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Labelled and unlabelled sentence indexes (at least two labelled)."""
    idx = list(range(n))
    random.Random(seed).shuffle(idx)
    k = max(2, round(n * fraction))
    return sorted(idx[:k]), sorted(idx[k:])


def predict(model: str, texts: list[str], labels: list[str], train: list[int],
            test: list[int], cut) -> list[list[str]]:  # fmt: skip
    """Ranked labels for each test sentence."""
    from zhagen.suggest.learner import FEATURES, Item, Learner

    if model == "svm":
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        x = vec.fit_transform([texts[i] for i in train])
        y = [labels[i] for i in train]
        if len(set(y)) < 2:
            return [[y[0]] for _ in test]
        svm = LinearSVC(C=1.0, random_state=0).fit(x, y)
        d = svm.decision_function(vec.transform([texts[i] for i in test]))
        if d.ndim == 1:  # two classes
            d = np.stack([-d, d], axis=1)
        return [[str(svm.classes_[j]) for j in np.argsort(-row, kind="stable")] for row in d]
    items = [Item(1, i, t) for i, t in enumerate(texts)]
    known = {(1, i): labels[i] for i in train}
    feats = FEATURES if model == "builtin" else ("chars", "words")
    y = [labels[i] for i in train]
    if len(set(y)) < 2:
        return [[y[0]] for _ in test]
    learner = Learner(features=feats, cut=cut).fit([items[i] for i in train], y, known=known)
    ranked = learner.suggest([items[i] for i in test], known=known, top=3)
    return [[lab for lab, _ in r] for r in ranked]


def run(path: Path, *, seed: int = 1, limit: int | None = None, per_report: bool = False) -> dict:
    from zhagen.suggest.metrics import scores
    from zhagen.text.segment import Segmenter

    cut = Segmenter(stopwords=False).cut
    reports = gold(path, limit)
    pooled = {(m, f): ([], []) for m in MODELS for f in FRACTIONS}
    rows = []
    t0 = time.perf_counter()
    for r, rep in enumerate(reports):
        n = len(rep["labels"])
        for f in FRACTIONS:
            train, test = split(n, f, seed + r)
            truth = [rep["labels"][i] for i in test]
            for m in MODELS:
                ranked = predict(m, rep["texts"], rep["labels"], train, test, cut)
                s = scores(truth, ranked)
                rows.append({"report": rep["title"][:5], "n": n, "fraction": f, "model": m,
                             "kappa": s["kappa"], "macro_f1": s["macro_f1"],
                             "top3": s["top_k_recall"]})  # fmt: skip
                pooled[(m, f)][0].extend(truth)
                pooled[(m, f)][1].extend(ranked)
    summary = []
    for (m, f), (truth, ranked) in pooled.items():
        s = scores(truth, ranked)
        kap = [x["kappa"] for x in rows if x["model"] == m and x["fraction"] == f]
        summary.append({"model": m, "fraction": f, "pooled_kappa": round(s["kappa"], 3),
                        "pooled_macro_f1": round(s["macro_f1"], 3),
                        "pooled_top3": round(s["top_k_recall"], 3),
                        "median_report_kappa": round(sorted(kap)[len(kap) // 2], 3),
                        "min_report_kappa": round(min(kap), 3)})  # fmt: skip
    out = {"reports": len(reports), "seconds": round(time.perf_counter() - t0, 1),
           "summary": summary}  # fmt: skip
    if per_report:
        out["per_report"] = rows
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--per-report", action="store_true")
    args = ap.parse_args()
    res = run(args.jsonl, seed=args.seed, limit=args.limit, per_report=args.per_report)
    print(f"{res['reports']} reports, {res['seconds']} s")
    print(f"{'model':8} {'labelled':>8} {'κ pooled':>9} {'F1 pooled':>9} {'top3':>6} "
          f"{'κ median':>9} {'κ min':>7}")  # fmt: skip
    for s in res["summary"]:
        print(f"{s['model']:8} {s['fraction']:>8.0%} {s['pooled_kappa']:>9.3f} "
              f"{s['pooled_macro_f1']:>9.3f} {s['pooled_top3']:>6.3f} "
              f"{s['median_report_kappa']:>9.3f} {s['min_report_kappa']:>7.3f}")  # fmt: skip
    if args.per_report:
        for x in res["per_report"]:
            print(
                f"{x['report']} n={x['n']:4} {x['fraction']:.0%} {x['model']:8} "
                f"κ={x['kappa']:.3f} F1={x['macro_f1']:.3f} top3={x['top3']:.3f}"
            )


if __name__ == "__main__":
    main()
