"""The queries page (查询 / Queries): word frequency with its cloud, text search and "code
all hits", matrix coding, framework matrix and code co-occurrence, each with drill-down.

The work is ``project.queries`` (:mod:`zhagen.queries`); this module shapes its results
for the page and keeps the word cloud images it drew (``<project>.files/.cache/clouds``,
named by a hash of the words and counts: the same words are drawn once).

Every function takes ``doc_ids`` (``None``: every document), where the lead wires the
scope (``Project.scope(scope).doc_ids``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.project import Project

__all__ = ["words_json", "cloud_file", "search_json", "code_hits", "matrix_json",
           "framework_json", "cooccurrence_json", "write_result", "ROW_LIMIT"]  # fmt: skip

#: Rows a page shows at most (the downloads have every row).
ROW_LIMIT = 300


def words_json(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None
) -> dict[str, Any]:
    """The word frequency table, its totals and definitions, and the cloud's key."""
    res = p.queries.words(doc_ids=doc_ids, **values)
    out = res.to_json()
    out["cloud"] = _cloud_key(res.frequencies())
    return out


def _cloud_key(freqs: dict[str, int]) -> str:
    text = json.dumps(sorted(freqs.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cloud_file(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None, files: Path
) -> Path:
    """The word cloud PNG of the word frequency (drawn once per set of words and counts)."""
    res = p.queries.words(doc_ids=doc_ids, **values)
    freqs = res.frequencies()
    folder = files / ".cache" / "clouds"
    target = folder / f"{_cloud_key(freqs)}.png"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        part = target.with_suffix(".part.png")
        p.queries.write(res, part)
        part.replace(target)
    return target


def search_json(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None
) -> dict[str, Any]:
    return p.queries.search(doc_ids=doc_ids, **values).to_json()


def code_hits(
    p: Project, body: dict[str, Any], values: dict[str, Any], doc_ids: Collection[int] | None,
    *, actor: Actor,
) -> dict[str, Any]:  # fmt: skip
    """Code every hit with the code ``body["code"]`` (an id) or a new or existing code named
    ``body["name"]`` (made at the top of the tree), as the caller, in one undoable edit."""
    from zhagen.errors import ParameterError

    name = str(body.get("name") or "").strip()
    if body.get("code") is not None:
        code = int(body["code"])
    elif name:
        codes = p.codes.frame()
        same = codes.loc[codes["name"] == name, "id"].tolist()
        if len(same) > 1:
            listed = ", ".join(f"#{i}" for i in same)
            raise ParameterError(f"有 {len(same)} 个编码都叫「{name}」（{listed}）；请在编码树中改名后再试",
                                 f"{len(same)} codes are named '{name}' ({listed}); rename one "
                                 "in the code tree and try again")  # fmt: skip
        # an existing code wherever it stands in the tree; a new one at the top
        code = int(same[0]) if same else p.codes.find_or_add(name, actor=actor)[0]
    else:
        raise ParameterError("请选择或输入一个编码", "choose or type a code")
    done = p.queries.code_hits(code, doc_ids=doc_ids, actor=actor, **values)
    return {"code": code, "codings": len(done.coding_ids), "spans": done.spans,
            "documents": done.documents}  # fmt: skip


def matrix_json(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None
) -> dict[str, Any]:
    return p.queries.matrix(doc_ids=doc_ids, **values).to_json()


def framework_json(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None
) -> dict[str, Any]:
    return p.queries.framework(doc_ids=doc_ids, **values).to_json(limit=ROW_LIMIT)


def cooccurrence_json(
    p: Project, values: dict[str, Any], doc_ids: Collection[int] | None
) -> dict[str, Any]:
    df = p.queries.cooccurrence(doc_ids=doc_ids, **values)
    return {"query": "cooccurrence", "params": values, "rows": [str(i) for i in df.index],
            "columns": [str(c) for c in df.columns], "values": df.values.tolist()}  # fmt: skip


def write_result(
    p: Project, query: str, values: dict[str, Any], doc_ids: Collection[int] | None, path: Path
) -> Path:
    """A query's download (``path``'s suffix: .csv, .xlsx, .png)."""
    run = {"matrix": p.queries.matrix, "framework": p.queries.framework,
           "cooccurrence": p.queries.cooccurrence, "words": p.queries.words,
           "search": p.queries.search}[query]  # fmt: skip
    return p.queries.write(run(doc_ids=doc_ids, **values), path)
