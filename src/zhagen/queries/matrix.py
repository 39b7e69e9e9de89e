"""Matrix coding (NVivo's Matrix Coding query): codes × document groups, with drill-down.

The columns are *document groups*, a mapping name → document ids, so that one function
makes codes × attribute values (``type``, ``year``, ``source``; the attributes and sets of
a project give groups the same way), codes × sets and codes × codes (the group of a code is
the documents coded with it). A cell counts, for the row's code(s) in the column's
documents (``measure``):

- ``codings``: codings;
- ``documents``: documents with at least one coding;
- ``characters``: coded characters (code points), each character once per document even
  when codings overlap (two coders coding the same sentence count it once).

Pure functions over plain rows: a coding is ``(id, document, code, start, end, coder)``.

>>> cells = [(1, 10, 1, 0, 4, "甲"), (2, 10, 1, 2, 6, "乙"), (3, 11, 2, 0, 3, "甲")]
>>> m = matrix_coding(cells, [("A", {1}), ("B", {2})], {"政策": {10}, "新闻": {11}},
...                   measure="characters")
>>> m.values
[[6, 0], [0, 3]]
>>> [c[0] for c in drill(cells, {1}, {10})]
[1, 2]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cell", "Matrix", "MEASURE_DEFINITIONS", "matrix_coding", "drill", "code_labels",
           "merged_length"]  # fmt: skip

#: A coding as the queries read it: (id, document, code, start, end, coder).
Cell = tuple[int, int, int, int, int, str]

#: What a cell counts, per measure (zh, en).
MEASURE_DEFINITIONS: dict[str, tuple[str, str]] = {
    "codings": ("该行编码在该列文档中的编码记录数", "codings of the row's code in the column's documents"),
    "documents": ("该列中至少有一条该行编码的文档数",
                  "documents of the column with at least one coding of the row's code"),
    "characters": ("该行编码在该列文档中编码的字数（码位；重叠部分每篇只计一次）",
                   "characters (code points) coded with the row's code in the column's "
                   "documents (overlaps counted once per document)"),
}  # fmt: skip


@dataclass
class Matrix:
    """Rows × columns of counts; ``row_ids`` are each row's code ids, ``columns`` the
    groups' names, ``definition`` what a cell counts (zh, en)."""

    rows: list[str]
    columns: list[str]
    values: list[list[int]]
    measure: str
    row_ids: list[list[int]] = field(default_factory=list)
    column_sizes: list[int] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def definition(self) -> tuple[str, str]:
        return MEASURE_DEFINITIONS[self.measure]

    def frame(self) -> pd.DataFrame:
        """The matrix as a DataFrame: index ``code``, one column per group."""
        import pandas as pd

        return pd.DataFrame(self.values, index=pd.Index(self.rows, name="code"),
                            columns=pd.Index(self.columns, name="group"))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        zh, en = self.definition
        return {"query": "matrix", "params": self.params, "measure": self.measure,
                "definition": {"zh": zh, "en": en}, "rows": self.rows,
                "row_ids": self.row_ids, "columns": self.columns,
                "column_sizes": self.column_sizes, "values": self.values}  # fmt: skip


def merged_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by spans, each once.

    >>> merged_length([(0, 4), (2, 6), (10, 12)])
    8
    """
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def matrix_coding(
    cells: Sequence[Cell],
    rows: Sequence[tuple[str, Collection[int]]],
    columns: Mapping[str, Collection[int]],
    *,
    measure: str = "codings",
) -> Matrix:
    """Count ``cells`` per row (label, code ids) × column (group name → document ids)."""
    from zhagen.queries.params import MEASURES

    if measure not in MEASURES:
        raise ParameterError(
            f"单元格统计「{measure}」无效；可选 {'、'.join(MEASURES)}",
            f"cell value '{measure}' is not valid; use one of {', '.join(MEASURES)}",
        )
    by_code: dict[int, list[int]] = defaultdict(list)
    for i, (_cid, _doc, code, _s, _e, _coder) in enumerate(cells):
        by_code[code].append(i)
    col_names = list(columns)
    col_sets = [set(columns[c]) for c in col_names]
    values = []
    for _label, codes in rows:
        per_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for code in codes:
            for i in by_code.get(code, ()):
                _cid, doc, _c, s, e, _k = cells[i]
                per_doc[doc].append((s, e))
        if measure == "codings":
            amount = {d: len(v) for d, v in per_doc.items()}
        elif measure == "documents":
            amount = dict.fromkeys(per_doc, 1)
        else:
            amount = {d: merged_length(v) for d, v in per_doc.items()}
        values.append([sum(n for d, n in amount.items() if d in docs) for docs in col_sets])
    return Matrix([r[0] for r in rows], col_names, values, measure,
                  [sorted(r[1]) for r in rows], [len(s) for s in col_sets])  # fmt: skip


def drill(cells: Sequence[Cell], codes: Collection[int], docs: Collection[int]) -> list[Cell]:
    """The codings behind a cell: those of ``codes`` in ``docs``, in document order."""
    codes, docs = set(codes), set(docs)
    return [c for c in cells if c[2] in codes and c[1] in docs]


def code_labels(names: Mapping[int, str]) -> dict[int, str]:
    """Each code's label: its name, or ``name#id`` when two codes share the name (as
    ``zhagen coding cooccurrence`` labels them).

    >>> code_labels({1: "政策", 2: "政策", 3: "企业"})
    {1: '政策#1', 2: '政策#2', 3: '企业'}
    """
    seen = Counter(names.values())
    return {i: (n if seen[n] == 1 else f"{n}#{i}") for i, n in names.items()}
