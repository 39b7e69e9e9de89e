"""What cleaning changed (``zhagen.text.diff``): on the real seeds, the changes are exactly
the difference between the original and the cleaned text (white space aside)."""

from __future__ import annotations

import re

import pytest

from zhagen.text.clean import clean
from zhagen.text.diff import cleaning_changes

SPACE = re.compile(r"\s+")


def _check(original: str, cleaned: str) -> int:
    diff = cleaning_changes(original, cleaned)
    rebuilt, at_o, at_c = [], 0, 0
    for ch in diff.changes:
        (o1, o2), (c1, c2) = ch.original, ch.cleaned
        assert o1 >= at_o and c1 >= at_c, "changes in text order, not overlapping"
        assert original[o1:o2] == ch.before and cleaned[c1:c2] == ch.after
        assert ch.kind == ("insert" if o1 == o2 else "delete" if c1 == c2 else "replace")
        assert ch.before != ch.after
        rebuilt += [original[at_o:o1], ch.after]
        at_o, at_c = o2, c2
    rebuilt.append(original[at_o:])
    # applying the changes to the original gives the cleaned text, but for white space
    assert SPACE.sub("", "".join(rebuilt)) == SPACE.sub("", cleaned)
    return len(diff.changes)


def test_seed_changes_rebuild_the_cleaned_text(seeds: dict[str, str]) -> None:
    counts = {}
    for name, raw in seeds.items():
        counts[name] = _check(raw, clean(raw).text)
    assert counts["002"] > 100  # traditional characters and pinyin garbage, one by one


def test_traditional_text_is_diffed_character_by_character(seeds: dict[str, str]) -> None:
    raw = seeds["002"]
    diff = cleaning_changes(raw, clean(raw).text)
    small = [c for c in diff.changes if len(c.before) <= 8]
    assert len(small) > 0.8 * len(diff.changes)
    assert any(c.before == "質" and c.after == "质" for c in diff.changes)


@pytest.mark.parametrize(
    ("original", "cleaned", "kinds", "whitespace"),
    [
        ("企业是创新主体。", "企业是创新主体。", [], 0),
        ("企业是\n创新主体。", "企业是创新主体。", [], 1),
        ("第一页\n- 2 -\n第二页。", "第一页\n第二页。", ["delete"], 0),
        ("", "新加的。", ["insert"], 0),
        ("𠀀企业是主體。", "𠀀企业是主体。", ["replace"], 0),
    ],
)
def test_small_cases(original: str, cleaned: str, kinds: list[str], whitespace: int) -> None:
    diff = cleaning_changes(original, cleaned)
    assert [c.kind for c in diff.changes] == kinds and diff.whitespace == whitespace
    _check(original, cleaned)
    if kinds == ["replace"]:  # code points, not UTF-16 units
        assert diff.changes[0].original == (5, 6)
