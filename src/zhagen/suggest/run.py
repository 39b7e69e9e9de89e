"""The built-in learner over a project: training data from a coder's codings, suggestions
for the uncoded sentences, and the evaluation against the coder (held out by document).

A sentence's label is the code of that coder's codings that covers most of it (any
overlap counts, as in the sentence unit of :mod:`zhagen.coding.agreement`; ties go to the
lower code id). Garbled sentences (mojibake) are never used nor suggested for.

``doc_ids`` (None: every document) is where a scope plugs in:
``project.suggestions.run(doc_ids=project.scope(q).doc_ids)``.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Hashable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.suggest.learner import LEARNER_VERSION, Item, Learner
from zhagen.suggest.model import Suggestion
from zhagen.suggest.params import SuggestParams

if TYPE_CHECKING:
    from zhagen.coding.api import DocumentSource

__all__ = ["Corpus", "corpus", "suggest", "evaluate", "resolve_coder", "CURVE"]

#: Shares of the coded sentences the learning curve trains on.
CURVE = (0.10, 0.25, 0.50)


@dataclass
class Corpus:
    """The sentences of the documents in scope: every usable one, and the coder's labels."""

    items: list[Item]
    spans: dict[tuple[int, int], tuple[int, int]]
    labels: dict[tuple[int, int], int]  # (document, index) → code id, coded sentences only
    coder: str


def resolve_coder(docs: DocumentSource, coder: str | None) -> str:
    """The coder to learn from: ``coder``, or the only coder with codings."""
    names = [r["name"] for r in q.coder_rows(docs.store)]
    counts = q.code_counts
    if coder is not None:
        if coder not in names or not counts(docs.store, q.coder_id(docs.store, coder)):
            raise ParameterError(
                f"编码者 {coder!r} 没有任何编码；用 zhagen coding list 查看编码者",
                f"coder {coder!r} has no codings; see `zhagen coding list`",
            )
        return coder
    coding = [n for n in names if counts(docs.store, q.coder_id(docs.store, n))]
    if len(coding) != 1:
        raise ParameterError(
            f"请用 --from-coder 指定从哪位编码者学习（有编码的编码者：{', '.join(coding) or '无'}）",
            f"say which coder to learn from with --from-coder (coders with codings: "
            f"{', '.join(coding) or 'none'})",
        )
    return coding[0]


def corpus(docs: DocumentSource, coder: str, doc_ids: Collection[int] | None = None) -> Corpus:
    """Sentences of ``doc_ids`` (None: all documents) and ``coder``'s label of each coded one."""
    wanted = sorted(doc_ids) if doc_ids is not None else docs.ids()
    cid = q.coder_id(docs.store, coder)
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for d, s, e, k in q.coding_spans(docs.store, cid):
        by_doc.setdefault(int(d), []).append((int(s), int(e), int(k)))
    items, spans, labels = [], {}, {}
    for doc in wanted:
        frame = docs.sentences(doc)
        codings = by_doc.get(doc, [])
        for idx, s, e, text, garbled in frame[
            ["idx", "start", "end", "text", "garbled"]
        ].itertuples(index=False):
            if garbled or not str(text).strip():
                continue
            items.append(Item(doc, int(idx), str(text)))
            spans[(doc, int(idx))] = (int(s), int(e))
            cover: dict[int, int] = {}
            for cs, ce, k in codings:
                overlap = min(ce, e) - max(cs, s)
                if overlap > 0:
                    cover[k] = cover.get(k, 0) + overlap
            if cover:
                labels[(doc, int(idx))] = max(sorted(cover), key=lambda k: cover[k])
    return Corpus(items, spans, labels, coder)


def _learner(params: SuggestParams) -> Learner:
    return Learner(seed=params.seed)


def _train(c: Corpus, params: SuggestParams, docs: Collection[int] | None = None) -> Learner:
    keys = [(it.document, it.index) for it in c.items if (it.document, it.index) in c.labels
            and (docs is None or it.document in docs)]  # fmt: skip
    by_key = {(it.document, it.index): it for it in c.items}
    return _learner(params).fit([by_key[k] for k in keys], [c.labels[k] for k in keys],
                                known={k: c.labels[k] for k in keys})  # fmt: skip


def suggest(
    docs: DocumentSource,
    params: SuggestParams,
    *,
    doc_ids: Collection[int] | None = None,
    exclude: dict[tuple[int, int], set[Hashable]] | None = None,
) -> list[Suggestion]:
    """Suggestions of the built-in learner for the uncoded sentences of ``doc_ids`` (and,
    with ``params.coded``, for the coded ones, each predicted by a model that never saw its
    document: five folds by document)."""
    coder = resolve_coder(docs, params.from_coder)
    c = corpus(docs, coder, doc_ids)
    if len(set(c.labels.values())) < 2:
        raise ParameterError(
            "建议需要至少两个编码各有已编码的句子；请先多编码一些句子",
            "suggestions need coded sentences of at least two codes; code more sentences first",
        )
    learner = _train(c, params)
    known = dict(c.labels)
    todo = [it for it in c.items if (it.document, it.index) not in c.labels]
    ranked = learner.suggest(todo, known=known, top=params.top, min_score=params.min_score,
                             exclude=exclude)  # fmt: skip
    pairs = list(zip(todo, ranked, strict=True))
    if params.coded:
        coded_docs = sorted({d for d, _ in c.labels})
        order = coded_docs[:]
        random.Random(params.seed).shuffle(order)
        folds = [set(order[i::5]) for i in range(min(5, len(order)))]
        for fold in folds:
            rest = set(coded_docs) - fold
            if len({c.labels[k] for k in c.labels if k[0] in rest}) < 2:
                continue
            fl = _train(c, params, rest)
            # the coded sentences of the fold (its uncoded ones are in ``todo`` already)
            mine = [
                it for it in c.items if it.document in fold and (it.document, it.index) in c.labels
            ]
            seen = {k: v for k, v in known.items() if k[0] in rest}
            pairs += zip(mine, fl.suggest(mine, known=seen, top=params.top,
                                          min_score=params.min_score, exclude=exclude),
                         strict=True)  # fmt: skip
    used = {**asdict(params), "from_coder": coder}  # the coder learnt from: its owner
    out = []
    for it, picks in pairs:
        s, e = c.spans[(it.document, it.index)]
        for rank, (code, score) in enumerate(picks, start=1):
            out.append(Suggestion(document=it.document, start=s, end=e, sentence=it.index,
                                  code=int(code), score=min(1.0, max(0.0, score)), rank=rank,
                                  source="learner", source_version=LEARNER_VERSION,
                                  parameters=used))  # fmt: skip
    return out


def evaluate(
    docs: DocumentSource, params: SuggestParams, *, doc_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """Hold out ``params.holdout`` of the coded sentences by document (seeded), train on the
    rest, and compare the top-1 suggestions with the coder: κ, macro-F1, top-3 recall,
    coverage, per-code F1, and a learning curve (trained on 10, 25, 50 % of the coded
    sentences, tested on the same held-out documents)."""
    from zhagen.suggest.metrics import scores

    coder = resolve_coder(docs, params.from_coder)
    c = corpus(docs, coder, doc_ids)
    coded_docs = sorted({d for d, _ in c.labels})
    if len(coded_docs) < 2 or len(set(c.labels.values())) < 2:
        raise ParameterError(
            "评估需要至少两篇已编码的文档和两个编码；请先多编码一些",
            "an evaluation needs at least two coded documents and two codes; code more first",
        )
    order = coded_docs[:]
    random.Random(params.seed).shuffle(order)
    per_doc = {d: sum(1 for k in c.labels if k[0] == d) for d in order}
    total = sum(per_doc.values())
    held: list[int] = []
    for d in order:  # documents from the front until the share held out is reached
        if sum(per_doc[x] for x in held) >= params.holdout * total or len(held) == len(order) - 1:
            break
        held.append(d)
    pool = [d for d in order if d not in held]
    test = [it for it in c.items if it.document in held and (it.document, it.index) in c.labels]
    truth = [c.labels[(it.document, it.index)] for it in test]
    names = {int(r["id"]): r["name"] for r in q.code_rows(docs.store)}

    def measure(train_docs: list[int]) -> dict[str, Any] | None:
        keys = {k for k in c.labels if k[0] in train_docs}
        if len({c.labels[k] for k in keys}) < 2:
            return None
        learner = _train(c, params, set(train_docs))
        ranked = learner.suggest(test, known={k: c.labels[k] for k in keys}, top=3,
                                 min_score=params.min_score)  # fmt: skip
        m = scores(truth, [[lab for lab, _ in r] for r in ranked], k=3)
        m["n_train"] = len(keys)
        return m

    main = measure(pool)
    if main is None:
        raise ParameterError(
            "留出后训练部分只剩一个编码；请降低 --holdout 或多编码一些",
            "after holding out, the training part has one code only; lower --holdout or code more",
        )
    curve = []
    for share in CURVE:
        take, n = [], 0
        for d in pool:
            if n >= share * total:
                break
            take.append(d)
            n += per_doc[d]
        m = measure(take)
        curve.append({"share": share, "n_train": 0 if m is None else m["n_train"],
                      **({k: m[k] for k in ("kappa", "macro_f1", "top_k_recall", "coverage")}
                         if m else {"kappa": None, "macro_f1": None, "top_k_recall": None,
                                    "coverage": None})})  # fmt: skip
    return {
        "coder": coder, "learner": LEARNER_VERSION, "held_out_documents": sorted(held),
        "n_train": main["n_train"], "n_test": main["n"], "kappa": main["kappa"],
        "macro_f1": main["macro_f1"], "top3_recall": main["top_k_recall"],
        "accuracy": main["accuracy"], "coverage": main["coverage"],
        "per_code": {names.get(int(k), str(k)): v for k, v in main["per_code"].items()},
        "curve": curve,
    }  # fmt: skip
