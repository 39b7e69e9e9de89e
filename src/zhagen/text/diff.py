"""What cleaning changed in a text, as plain data: the original and the cleaned text aligned,
each change with its span on both sides, so that a researcher can see what the tool changed
before quoting it.

Cleaning mostly joins lines and removes spaces, which would bury the few changes of
substance (page furniture removed, 繁→简, export markers, pinyin garbage) among thousands of
line breaks. So the texts are compared without their white space: each side is cut into
sentences (at 。！？；!?;), the sentences are aligned, and only sentences that differ are
compared character by character. White space that differs between two characters kept
unchanged on both sides is counted, not listed. Offsets are code points.

>>> d = cleaning_changes("第一句。\\n第 二句。\\n- 3 -\\n第三句。", "第一句。第二句。第三句。")
>>> [(c.kind, c.before, c.after) for c in d.changes]
[('delete', '- 3 -', '')]
>>> d.whitespace  # the line break and the space inside "第 二句"
2
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Change", "CleaningDiff", "cleaning_changes", "MAX_CELLS"]

#: Above this many character pairs (len × len) two differing blocks are shown as one
#: replacement rather than compared character by character (bounds the time on a text
#: rewritten throughout).
MAX_CELLS = 4_000_000
_SENTENCE_END = re.compile(r"[。！？；!?;]+")


@dataclass(frozen=True)
class Change:
    """One change: ``kind`` is ``delete`` (only in the original), ``insert`` (only in the
    cleaned text) or ``replace``; ``original`` and ``cleaned`` are its ``(start, end)`` on
    each side (empty on the side that lacks it); ``before``/``after`` the text."""

    kind: str
    original: tuple[int, int]
    cleaned: tuple[int, int]
    before: str
    after: str


@dataclass
class CleaningDiff:
    """The changes in text order and how many white-space runs differ besides."""

    changes: list[Change] = field(default_factory=list)
    whitespace: int = 0


def _strip(text: str) -> tuple[str, list[int]]:
    """The text without white space, and where each kept character was."""
    pos = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in pos), pos


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _offsets(tokens: list[str]) -> list[int]:
    out = [0]
    for tok in tokens:
        out.append(out[-1] + len(tok))
    return out


def _blocks(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Opcodes over the stripped texts: sentences aligned first, then characters."""
    from difflib import SequenceMatcher

    ta, tb = _sentences(a), _sentences(b)
    oa, ob = _offsets(ta), _offsets(tb)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag != "replace":
            out.append((tag, oa[i1], oa[i2], ob[j1], ob[j2]))
        elif i2 - i1 == j2 - j1:  # as many sentences on both sides (繁→简): pair them
            for k in range(i2 - i1):
                out += _chars(a, b, oa[i1 + k], oa[i1 + k + 1], ob[j1 + k], ob[j1 + k + 1])
        else:
            out += _chars(a, b, oa[i1], oa[i2], ob[j1], ob[j2])
    return out


def _chars(
    a: str, b: str, a1: int, a2: int, b1: int, b2: int
) -> list[tuple[str, int, int, int, int]]:
    """Opcodes of ``a[a1:a2]`` against ``b[b1:b2]``, character by character unless too large."""
    from difflib import SequenceMatcher

    if (a2 - a1) * (b2 - b1) > MAX_CELLS:
        return [("replace", a1, a2, b1, b2)]
    chars = SequenceMatcher(None, a[a1:a2], b[b1:b2], autojunk=False)
    return [(t, a1 + x1, a1 + x2, b1 + y1, b1 + y2) for t, x1, x2, y1, y2 in chars.get_opcodes()]


def _span(pos: list[int], i1: int, i2: int, length: int) -> tuple[int, int]:
    """Stripped range → range of the full text (an empty one at the next character)."""
    if i1 == i2:
        at = pos[i1] if i1 < len(pos) else length
        return at, at
    return pos[i1], pos[i2 - 1] + 1


def cleaning_changes(original: str, cleaned: str) -> CleaningDiff:
    """The changes that turned ``original`` into ``cleaned`` (see the module notes).

    >>> d = cleaning_changes("電子政務推進。", "电子政务推进。")
    >>> [(c.kind, c.original, c.before, c.after) for c in d.changes]
    [('replace', (0, 1), '電', '电'), ('replace', (3, 4), '務', '务'), ('replace', (5, 6), '進', '进')]
    """
    a, pa = _strip(original)
    b, pb = _strip(cleaned)
    diff = CleaningDiff()
    for tag, i1, i2, j1, j2 in _blocks(a, b):
        if tag == "equal":
            for k in range(i2 - i1 - 1):  # white space between aligned characters
                gap_a = original[pa[i1 + k] + 1 : pa[i1 + k + 1]]
                gap_b = cleaned[pb[j1 + k] + 1 : pb[j1 + k + 1]]
                diff.whitespace += gap_a != gap_b
            continue
        o, c = _span(pa, i1, i2, len(original)), _span(pb, j1, j2, len(cleaned))
        diff.changes.append(Change(tag, o, c, original[o[0] : o[1]], cleaned[c[0] : c[1]]))
    return diff
