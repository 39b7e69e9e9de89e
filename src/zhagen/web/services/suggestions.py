"""The suggestion queue for the web: open suggestions across documents, best first, with
the sentence they are about (read from the document, never stored twice)."""

from __future__ import annotations

from typing import Any

from zhagen.access import Actor
from zhagen.project import Project

__all__ = ["queue"]


def queue(p: Project, actor: Actor, *, min_score: float = 0.0, limit: int = 200) -> dict[str, Any]:
    """Open suggestions (those ``actor`` may see) sorted by score, the first ``limit``, and
    the newest evaluation's κ (None: none yet; bulk acceptance waits for one)."""
    found = p.suggestions.list(min_score=min_score, actor=actor)
    found.sort(key=lambda s: (-s.score, s.document, s.sentence, s.rank))
    texts: dict[int, str] = {}
    titles: dict[int, str] = {}
    rows = []
    for s in found[: max(0, limit)]:
        if s.document not in texts:
            texts[s.document] = p.documents.text(s.document)
            titles[s.document] = str(p.documents.get(s.document)["title"])
        rows.append({
            "id": s.id, "document": s.document, "title": titles[s.document],
            "sentence": s.sentence, "start": s.start, "end": s.end,
            "text": texts[s.document][s.start : s.end], "code": s.code,
            "code_name": s.code_name, "score": s.score, "rank": s.rank,
            "source": s.source, "rationale": s.rationale,
        })  # fmt: skip
    last = p.suggestions.last_evaluation()
    return {"suggestions": rows, "total": len(found),
            "evaluation": None if last is None else {"run": last["run"],
                                                     "kappa": last["kappa"]}}  # fmt: skip
