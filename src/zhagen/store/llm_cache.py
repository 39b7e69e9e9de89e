"""A language model's replies cached by prompt hash, and consent to send text off the machine.

>>> import tempfile, pathlib
>>> from zhagen.store.db import Store
>>> store = Store.create(pathlib.Path(tempfile.mkdtemp()) / "p.zhagen")
>>> insert_reply(store, "h1", model="m", task="open", prompt_version="open-1",
...           endpoint="http://127.0.0.1:8080", request={"messages": []}, reply='{"concepts": []}')
>>> cached_replies(store, ["h1", "h2"])
{'h1': '{"concepts": []}'}
>>> consented(store, "https://api.deepseek.com:443")
False
>>> record_consent(store, "https://api.deepseek.com:443", actor="甲")
>>> consented(store, "https://api.deepseek.com:443")
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from zhagen.store.db import Store, now, rows

__all__ = ["cached_replies", "insert_reply", "cache_rows", "consented", "record_consent"]


def cached_replies(store: Store, hashes: Iterable[str]) -> dict[str, str]:
    """The cached reply text of each of ``hashes`` that has one."""
    wanted = sorted(set(hashes))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 500):  # below SQLite's limit on bound parameters
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for key, reply in store.conn.execute(
            f"SELECT prompt_hash, reply FROM llm_cache WHERE prompt_hash IN ({marks})", chunk
        ):
            out[key] = reply
    return out


def insert_reply(
    store: Store,
    prompt_hash: str,
    *,
    model: str,
    task: str,
    prompt_version: str,
    endpoint: str,
    request: dict[str, Any],
    reply: str,
) -> None:
    """Keep one reply (a reply already cached under the hash is kept as it was)."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR IGNORE INTO llm_cache(prompt_hash, model, task, prompt_version, endpoint,"
            " request, reply, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (prompt_hash, model, task, prompt_version, endpoint,
             json.dumps(request, ensure_ascii=False), reply, now()),
        )  # fmt: skip


def cache_rows(store: Store, prompt_hash: str | None = None) -> list[dict[str, Any]]:
    """Cached exchanges (one, by hash): prompt_hash, model, task, prompt_version, endpoint,
    request (JSON text), reply, created."""
    sql = ("SELECT prompt_hash, model, task, prompt_version, endpoint, request, reply, created"
           " FROM llm_cache")  # fmt: skip
    if prompt_hash is None:
        return rows(store.conn.execute(sql + " ORDER BY created, prompt_hash"))
    return rows(store.conn.execute(sql + " WHERE prompt_hash = ?", (prompt_hash,)))


def consented(store: Store, origin: str) -> bool:
    """Whether sending text to ``origin`` was confirmed in this project."""
    found = store.conn.execute("SELECT 1 FROM llm_consent WHERE origin = ?", (origin,))
    return found.fetchone() is not None


def record_consent(store: Store, origin: str, *, actor: str = "") -> None:
    """Record that the researcher agreed to send text to ``origin`` (logged)."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR IGNORE INTO llm_consent(origin, actor, confirmed) VALUES (?, ?, ?)",
            (origin, actor, now()),
        )
        store.log("llm.consent", {"origin": origin}, actor=actor)
