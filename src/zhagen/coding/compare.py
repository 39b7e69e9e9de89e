"""Where two coders disagree on one document: per code, the stretches of text that one of
them coded and the other did not (the character-level disagreements that the κ of
:mod:`zhagen.coding.agreement` counts). Pure functions over plain data.

>>> rows = [(7, 0, 10, "A"), (7, 5, 15, "B"), (8, 20, 25, "B")]
>>> [(d.code, d.start, d.end, d.coder) for d in disagreements(rows, ("A", "B"))]
[(7, 0, 5, 'A'), (7, 10, 15, 'B'), (8, 20, 25, 'B')]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Disagreement", "union", "disagreements"]


@dataclass(frozen=True)
class Disagreement:
    """``[start, end)`` (code points) coded with ``code`` by ``coder`` only."""

    code: Hashable
    start: int
    end: int
    coder: str


def union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans merged, in order.

    >>> union([(5, 9), (0, 3), (2, 4), (9, 12)])
    [(0, 4), (5, 12)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans if e > s):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _minus(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the merged spans ``a`` outside the merged spans ``b``."""
    out = []
    j = 0
    for s, e in a:
        while j < len(b) and b[j][1] <= s:
            j += 1
        k, cur = j, s
        while k < len(b) and b[k][0] < e:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def disagreements(
    codings: Iterable[tuple[Hashable, int, int, str]], coders: Sequence[str]
) -> list[Disagreement]:
    """Per code, the text one coder coded and the other did not, in text order.

    Parameters
    ----------
    codings
        ``(code, start, end, coder)`` of one document; codings of other coders are ignored.
    coders
        The two coders ``(A, B)``.

    Returns
    -------
    list of Disagreement
        Sorted by start, then code; a coder's overlapping codings of one code count once.
    """
    spans: dict[Hashable, dict[str, list[tuple[int, int]]]] = {}
    for code, start, end, coder in codings:
        if coder in coders:
            spans.setdefault(code, {}).setdefault(coder, []).append((int(start), int(end)))
    out = []
    for code, by in spans.items():
        a, b = union(by.get(coders[0], [])), union(by.get(coders[1], []))
        out += [Disagreement(code, s, e, coders[0]) for s, e in _minus(a, b)]
        out += [Disagreement(code, s, e, coders[1]) for s, e in _minus(b, a)]
    return sorted(out, key=lambda d: (d.start, d.end, str(d.code)))
