"""Suggestions for the web: the queue across documents (best first, within a scope), one
document's open suggestions for the ghost stripes, the latest evaluation, bulk acceptance
above a threshold and the open-coding proposals to adopt. The decisions are the library's
(``project.suggestions``); this module only shapes what the pages read."""

from __future__ import annotations

from typing import Any

from zhagen.access import Actor
from zhagen.project import Project
from zhagen.web.services import document_or_404

__all__ = ["queue", "of_document", "evaluation", "accept_above", "proposals", "adopt"]

#: What a page shows of the newest evaluation (``project.suggestions.last_evaluation``).
EVALUATION_FIELDS = ("run", "created", "coder", "kappa", "macro_f1", "top3_recall", "n_test",
                     "n_train", "coverage")  # fmt: skip


def _doc_ids(p: Project, actor: Actor, scope: str | None) -> frozenset[int] | None:
    """The documents of ``scope`` as ``actor`` resolves it (coding blind: ``coded:`` and
    ``coder:`` see their own codings); None for every document."""
    return p.scope(scope, actor=actor).doc_ids if scope else None


def evaluation(p: Project) -> dict[str, Any] | None:
    """The newest evaluation of the suggestions against the human coding (κ, macro-F1,
    top-3 recall, the held-out sentences, when), or None: bulk acceptance waits for one."""
    last = p.suggestions.last_evaluation()
    return None if last is None else {k: last.get(k) for k in EVALUATION_FIELDS}


def _row(s: Any) -> dict[str, Any]:
    return {
        "id": s.id, "document": s.document, "sentence": s.sentence, "start": s.start,
        "end": s.end, "code": s.code, "new_code": s.new_code, "code_name": s.code_name,
        "score": s.score, "rank": s.rank, "source": s.source, "rationale": s.rationale,
    }  # fmt: skip


def queue(
    p: Project,
    actor: Actor,
    *,
    min_score: float = 0.0,
    scope: str | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """Open suggestions (those ``actor`` may see, on the documents of ``scope``) sorted by
    score across documents, the first ``limit`` with their sentence's text, how many in
    all, the newest evaluation and the agreement name of the AI coder."""
    found = p.suggestions.list(min_score=min_score, doc_ids=_doc_ids(p, actor, scope),
                               actor=actor)  # fmt: skip
    found.sort(key=lambda s: (-s.score, s.document, s.sentence, s.rank))
    texts: dict[int, str] = {}
    titles: dict[int, str] = {}
    rows = []
    for s in found[: max(0, limit)]:
        if s.document not in texts:
            texts[s.document] = p.documents.text(s.document)
            titles[s.document] = str(p.documents.get(s.document)["title"])
        rows.append({**_row(s), "title": titles[s.document],
                     "text": texts[s.document][s.start : s.end]})  # fmt: skip
    return {"suggestions": rows, "total": len(found), "evaluation": evaluation(p),
            "ai_coder": p.suggestions.AI_CODER}  # fmt: skip


def of_document(p: Project, actor: Actor, doc_id: int) -> dict[str, Any]:
    """The open suggestions on one document (those ``actor`` may see) in text order, best
    first on the same span: what the document view draws as ghost stripes."""
    document_or_404(p, doc_id)
    found = p.suggestions.list(doc_ids=[doc_id], actor=actor)
    found.sort(key=lambda s: (s.start, s.end, s.rank, -s.score))
    return {"document": doc_id, "suggestions": [_row(s) for s in found]}


def accept_above(
    p: Project, actor: Actor, score: float, *, scope: str | None = None
) -> dict[str, Any]:
    """Accept every open top-1 suggestion of an existing code scoring at least ``score``
    (one undo step); the library refuses until an evaluation exists."""
    ids = p.suggestions.accept_above(score, doc_ids=_doc_ids(p, actor, scope), actor=actor)
    return {"accepted": len(ids), "codings": ids}


def proposals(p: Project, actor: Actor, *, scope: str | None = None) -> dict[str, Any]:
    """The open-coding proposals (new code names) grouped by name, with their quotes."""
    found = p.suggestions.proposals(doc_ids=_doc_ids(p, actor, scope), actor=actor)
    return {"proposals": found}


def adopt(p: Project, actor: Actor, name: str, *, scope: str | None = None) -> dict[str, Any]:
    """Adopt a proposed code: create it (or use the code of that name) and accept every
    open suggestion proposing it; one undo step."""
    return p.suggestions.adopt(name, doc_ids=_doc_ids(p, actor, scope), actor=actor)
