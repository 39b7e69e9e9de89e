"""The vocabulary of grounded-theory coding: code levels, relation types, memo targets.

A code tree has four levels, from the data upwards (Strauss & Corbin's open, axial and
selective coding as Chinese studies name them):

====  ==========  ==================
1     初始概念    concept
2     初始范畴    initial category
3     主范畴      main category
4     核心范畴    core category
====  ==========  ==================

The rule for the tree is ``parent.level > child.level``: a concept sits under an initial
category, a main category or the core category, never under another concept. Levels may be
skipped (a concept directly under a main category is allowed).

>>> LEVELS[2]
('初始范畴', 'initial category')
>>> level_name(4)
'核心范畴'
"""

from __future__ import annotations

__all__ = [
    "LEVELS",
    "MIN_LEVEL",
    "MAX_LEVEL",
    "RELATION_TYPES",
    "MEMO_TARGETS",
    "STORYLINE_TITLE",
    "PALETTE",
    "level_name",
]

#: level → (Chinese name, English name).
LEVELS: dict[int, tuple[str, str]] = {
    1: ("初始概念", "concept"),
    2: ("初始范畴", "initial category"),
    3: ("主范畴", "main category"),
    4: ("核心范畴", "core category"),
}
MIN_LEVEL = 1
MAX_LEVEL = 4

#: The paradigm model's relation types (any other non-empty text is allowed too).
RELATION_TYPES: tuple[str, ...] = ("因果条件", "情境", "中介条件", "行动策略", "结果")

#: What a memo may be attached to.
MEMO_TARGETS: tuple[str, ...] = ("project", "document", "code", "coding", "relation")

#: The storyline (故事线) is the project memo with this title.
STORYLINE_TITLE = "故事线"

#: Colours given to new codes in turn (Tableau 10, readable on white and in print).
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def level_name(level: int, lang: str = "zh") -> str:
    """The name of a level in Chinese (``lang="zh"``) or English (``"en"``).

    >>> level_name(1, "en")
    'concept'
    """
    zh, en = LEVELS[int(level)]
    return en if lang == "en" else zh
