"""Code co-occurrence with drill-down: the matrix is
:func:`zhagen.coding.retrieve.cooccurrence` (as ``zhagen coding cooccurrence``) over the
chosen documents; :func:`cooccurrence_drill` gives the text behind one cell.

For codes A and B (each a set of code ids) a cell's units are, by ``unit``:

- ``overlap``: each overlapping pair of a coding of A and a coding of B (another coding):
  the overlapping characters (A = B, the diagonal: each coding of A);
- ``sentence``: each sentence overlapped by a coding of A and a coding of B;
- ``document``: each document coded with both (the span from the first to the last of
  their codings).

>>> cells = [(1, 5, 1, 0, 6, "甲"), (2, 5, 2, 4, 9, "甲"), (3, 6, 1, 0, 2, "甲")]
>>> cooccurrence_drill(cells, {1}, {2}, "overlap")
[(5, 4, 6, (1, 2))]
>>> cooccurrence_drill(cells, {1}, {2}, "sentence", sentences={5: [(0, 5, False), (5, 9, False)]})
[(5, 0, 5, (1, 2)), (5, 5, 9, (1, 2))]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from zhagen.errors import ParameterError
from zhagen.queries.matrix import Cell

__all__ = ["cooccurrence_drill", "Unit"]

#: (document, start, end, coding ids behind it)
Unit = tuple[int, int, int, tuple[int, ...]]


def cooccurrence_drill(
    cells: Sequence[Cell],
    a: Collection[int],
    b: Collection[int],
    unit: str = "overlap",
    *,
    sentences: Mapping[int, Sequence[tuple[int, int, bool]]] | None = None,
) -> list[Unit]:
    """The units where codes ``a`` and ``b`` co-occur, in document order."""
    from zhagen.queries.params import UNITS

    if unit not in UNITS:
        raise ParameterError(
            f"共现单位「{unit}」无效；可选 {'、'.join(UNITS)}",
            f"co-occurrence unit '{unit}' is not valid; use one of {', '.join(UNITS)}",
        )
    a, b = set(a), set(b)
    per_doc: dict[int, tuple[list[Cell], list[Cell]]] = defaultdict(lambda: ([], []))
    for c in cells:
        if c[2] in a:
            per_doc[c[1]][0].append(c)
        if c[2] in b:
            per_doc[c[1]][1].append(c)
    out: list[Unit] = []
    for doc in sorted(per_doc):
        left, right = per_doc[doc]
        if not left or not right:
            continue
        if unit == "overlap" and a == b:  # the diagonal: the code's own codings
            out.extend((doc, c[3], c[4], (c[0],)) for c in left)
        elif unit == "overlap":
            for x in left:
                for y in right:
                    s, e = max(x[3], y[3]), min(x[4], y[4])
                    if s < e and x[0] != y[0]:
                        out.append((doc, s, e, tuple(sorted({x[0], y[0]}))))
        elif unit == "document":
            ids = tuple(sorted({c[0] for c in left + right}))
            spans = [(c[3], c[4]) for c in left + right]
            out.append((doc, min(s for s, _ in spans), max(e for _, e in spans), ids))
        else:
            sents = list((sentences or {}).get(doc, ()))
            starts, ends = [s for s, _e, _g in sents], [e for _s, e, _g in sents]

            ha, hb = _in_sentences(left, starts, ends), _in_sentences(right, starts, ends)
            for i in sorted(set(ha) & set(hb)):
                out.append((doc, starts[i], ends[i], tuple(sorted(ha[i] | hb[i]))))
    return sorted(out)


def _in_sentences(cells: list[Cell], starts: list[int], ends: list[int]) -> dict[int, set[int]]:
    """Sentence index → the codings overlapping it."""
    found: dict[int, set[int]] = defaultdict(set)
    for c in cells:  # sentences overlapping [start, end): end_i > start and start_i < end
        for i in range(bisect_right(ends, c[3]), bisect_left(starts, c[4])):
            found[i].add(c[0])
    return found
