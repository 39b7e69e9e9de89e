"""How well suggestions agree with a human coder: κ, macro-F1, top-k recall, per-code F1.

κ is :func:`zhagen.coding.agreement.cohen_kappa`, the same statistic as between two human
coders. A sentence the learner abstained on counts as a disagreement (its value is
:data:`ABSTAINED`, a category of its own), so a learner that abstains often is not
flattered.

>>> m = scores(["A", "A", "B", "B"], [["A", "B"], ["B", "A"], ["B"], []])
>>> m["kappa"], m["top_k_recall"], m["coverage"]
(0.2, 0.75, 0.75)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

__all__ = ["ABSTAINED", "scores"]

#: The value of a sentence the learner gave no suggestion for.
ABSTAINED = "(none)"


def scores(
    truth: Sequence[Hashable], ranked: Sequence[Sequence[Hashable]], *, k: int = 3
) -> dict[str, Any]:
    """Agreement of the top-1 suggestions with ``truth`` (one label per sentence).

    Parameters
    ----------
    truth:
        The human coder's label of each sentence.
    ranked:
        The suggested labels of each sentence, best first (empty: abstained).
    k:
        How many suggestions count for ``top_k_recall``.

    Returns
    -------
    dict
        ``n``, ``kappa`` (Cohen), ``accuracy``, ``macro_f1`` (over the codes in ``truth``),
        ``top_k_recall`` (share of sentences whose label is among the first ``k``),
        ``coverage`` (share not abstained) and ``per_code`` (code → precision, recall,
        F1, support).
    """
    from sklearn.metrics import precision_recall_fscore_support

    from zhagen.coding.agreement import cohen_kappa

    if len(truth) != len(ranked):
        raise ValueError("truth and ranked differ in length")
    n = len(truth)
    top1 = [r[0] if len(r) else ABSTAINED for r in ranked]
    codes = sorted(set(truth), key=repr)
    # every value as a small integer for scikit-learn (codes may be ints, names or tuples,
    # numpy strings compare equal to str; ABSTAINED is a value of its own)
    ids: dict[Hashable, int] = {c: i for i, c in enumerate(codes)}
    t = [ids[x] for x in truth]
    p = [ids.setdefault(x, len(ids)) if x != ABSTAINED else -1 for x in top1]
    prec, rec, f1, sup = precision_recall_fscore_support(
        t, p, labels=list(range(len(codes))), zero_division=0
    )
    per_code = {
        c: {"precision": float(prec[i]), "recall": float(rec[i]), "f1": float(f1[i]),
            "support": int(sup[i])}
        for i, c in enumerate(codes)
    }  # fmt: skip
    return {
        "n": n,
        "kappa": float(cohen_kappa(t, p)) if n else float("nan"),
        "accuracy": sum(a == b for a, b in zip(t, p, strict=True)) / n if n else float("nan"),
        "macro_f1": float(f1.mean()) if codes else float("nan"),
        "top_k_recall": sum(x in list(r)[:k] for x, r in zip(truth, ranked, strict=True)) / n
        if n
        else float("nan"),
        "coverage": sum(1 for r in ranked if len(r)) / n if n else float("nan"),
        "per_code": per_code,
    }
