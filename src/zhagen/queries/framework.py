"""Framework matrix (NVivo): documents × codes, each cell the text a document has coded
with a code, in document order (one coded span a paragraph).

>>> cells = [(1, 7, 1, 0, 2, "甲"), (2, 7, 1, 2, 4, "甲"), (3, 8, 2, 0, 2, "乙")]
>>> fw = framework_matrix(cells, {7: "企业创新与政府支持", 8: "政策"}, [("A", {1}), ("B", {2})],
...                       titles={7: "文一", 8: "文二"})
>>> fw.cells
[[['企业', '创新'], []], [[], ['政策']]]
>>> fw.frame().loc[7, "A"]
'企业\\n创新'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.queries.matrix import Cell

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Framework", "framework_matrix"]


@dataclass
class Framework:
    """``documents`` (ids) × ``columns`` (code labels); ``cells[i][j]`` the coded texts."""

    documents: list[int]
    titles: list[str]
    columns: list[str]
    cells: list[list[list[str]]]
    column_ids: list[list[int]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """Index ``document`` (id), a ``title`` column, then one column per code; a cell's
        coded spans are joined by line breaks."""
        import pandas as pd

        df = pd.DataFrame([["\n".join(c) for c in row] for row in self.cells],
                          index=pd.Index(self.documents, name="document"), columns=self.columns)  # fmt: skip
        df.insert(0, "title", self.titles)
        return df

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        n = len(self.documents) if limit is None else min(limit, len(self.documents))
        return {"query": "framework", "params": self.params, "columns": self.columns,
                "column_ids": self.column_ids, "total": len(self.documents),
                "rows": [{"document": d, "title": t, "cells": c} for d, t, c in
                         zip(self.documents[:n], self.titles[:n], self.cells[:n], strict=True)]}  # fmt: skip


def framework_matrix(
    cells: Sequence[Cell],
    texts: Mapping[int, str],
    columns: Sequence[tuple[str, Collection[int]]],
    *,
    titles: Mapping[int, str] | None = None,
) -> Framework:
    """Documents with at least one coding of a column's codes (id order) × ``columns``."""
    col_of: dict[int, list[int]] = defaultdict(list)
    for j, (_label, codes) in enumerate(columns):
        for code in codes:
            col_of[code].append(j)
    by_doc: dict[int, list[list[tuple[int, int]]]] = {}
    for _cid, doc, code, start, end, _coder in cells:
        for j in col_of.get(code, ()):
            row = by_doc.get(doc)
            if row is None:
                row = by_doc[doc] = [[] for _ in columns]
            row[j].append((start, end))
    docs = sorted(by_doc)
    out = []
    for doc in docs:
        text = texts.get(doc, "")
        # one span once per cell even when several coders coded it
        out.append([[text[s:e] for s, e in sorted(set(spans))] if spans else []
                    for spans in by_doc[doc]])  # fmt: skip
    names = [(titles or {}).get(d, "") for d in docs]
    return Framework(docs, names, [c[0] for c in columns], out, [sorted(c[1]) for c in columns])
