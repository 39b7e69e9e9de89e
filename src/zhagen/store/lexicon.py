"""The user's decisions on discovered terms (accepted terms are segmented whole)."""

from __future__ import annotations

from collections.abc import Iterable

from zhagen.store.db import Store, now

__all__ = ["term_decisions", "decide_terms"]


def term_decisions(store: Store) -> dict[str, str]:
    """term → 'accepted' | 'rejected'."""
    return {r[0]: r[1] for r in store.conn.execute("SELECT term, status FROM terms ORDER BY term")}


def decide_terms(
    store: Store, accept: Iterable[str] = (), reject: Iterable[str] = (), *, actor: str = ""
) -> None:
    """Record decisions in one transaction, with an undoable log entry."""
    accept, reject = list(accept), list(reject)
    with store.transaction():
        before = {t: s for t, s in term_decisions(store).items() if t in {*accept, *reject}}
        ts = now()
        for status, terms in (("accepted", accept), ("rejected", reject)):
            store.conn.executemany(
                "INSERT INTO terms(term, status, added) VALUES (?, ?, ?) "
                "ON CONFLICT(term) DO UPDATE SET status = excluded.status",
                [(t, status, ts) for t in terms],
            )
        store.log(
            "terms.decide", {"accept": accept, "reject": reject}, actor=actor,
            undo={"before": before},
        )
