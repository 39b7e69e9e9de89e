"""A development gold set from documents with numbered top-level sections.

A government work report (政府工作报告) is divided into sections headed ``一、…``,
``二、…``, ``三、…`` on lines of their own. Labelling each sentence with the section it
stands in gives a coding of the whole text that nobody had to do by hand: the built-in
learner is measured on it (``bench/gold_reports.py``, tests). Only texts whose headings of
that form run exactly 一, 二, 三 … in order (at least two) are used; a text that reuses the
form for sub-sections is left out rather than guessed at.

>>> text = "各位代表：\\n一、回顾\\n经济增长。就业稳定。\\n二、任务\\n扩大内需。"
>>> [(label, text[s:e]) for label, s, e in labelled_sentences(text)]
[('一', '经济增长。'), ('一', '就业稳定。'), ('二', '扩大内需。')]
"""

from __future__ import annotations

import re

from zhagen.text.sentences import garbled_sentences, split_sentences

__all__ = ["NUMERALS", "top_sections", "labelled_sentences"]

#: The section numerals in order.
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
            "十一", "十二", "十三", "十四", "十五")  # fmt: skip
_HEADING = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})、[^\n]{0,60}$", re.M)


def top_sections(text: str) -> list[tuple[str, int, int]]:
    """(numeral, heading start, heading end) of each top-level section heading, or [] when
    the headings do not run 一, 二, 三 … in order (or there are fewer than two)."""
    found = [(m.group(1), m.start(), m.end()) for m in _HEADING.finditer(text)]
    if len(found) < 2 or [f[0] for f in found] != list(NUMERALS[: len(found)]):
        return []
    return found


def labelled_sentences(text: str) -> list[tuple[str, int, int]]:
    """(section numeral, start, end) of every sentence after the first heading, the headings
    and garbled sentences left out; [] for a text without clean sections."""
    heads = top_sections(text)
    if not heads:
        return []
    spans = split_sentences(text)
    garbled = garbled_sentences(text, spans)
    out = []
    h = -1
    for (s, e), bad in zip(spans, garbled, strict=True):
        while h + 1 < len(heads) and heads[h + 1][1] < e:
            h += 1
        if h < 0 or bad or s < heads[h][2]:  # before the first section, or the heading
            continue
        out.append((heads[h][0], s, e))
    return out
