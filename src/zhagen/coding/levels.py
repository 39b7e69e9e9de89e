"""The vocabulary of grounded-theory coding: code levels, relation types, memo targets.

A code's grounded-theory level is an attribute of the code, not its depth in the tree:
the tree may be as deep as a code book needs (NVivo and qc code books are), and a code
may have no level (``None``; a folder, or a code not yet placed). The four levels, from
the data upwards (Strauss & Corbin's open, axial and selective coding as Chinese studies
name them):

====  ==========  ==================
1     初始概念    concept
2     初始范畴    initial category
3     主范畴      main category
4     核心范畴    core category
====  ==========  ==================

The grounded-theory rule is ``parent.level > child.level``: a concept sits under an initial
category, a main category or the core category, never under another concept. Levels may be
skipped (a concept directly under a main category is allowed). It is a check that the
tables report (:func:`level_problems`), not a limit on the tree.

>>> LEVELS[2]
('初始范畴', 'initial category')
>>> level_name(4)
'核心范畴'
>>> level_name(None)
''
"""

from __future__ import annotations

from zhagen.coding.palette import SEEDS

__all__ = [
    "LEVELS",
    "MIN_LEVEL",
    "MAX_LEVEL",
    "RELATION_TYPES",
    "MEMO_TARGETS",
    "STORYLINE_TITLE",
    "PALETTE",
    "MEMO_TYPES",
    "level_name",
    "parse_level",
    "level_problems",
    "NO_LEVEL",
    "as_level",
]

from collections.abc import Iterable, Mapping
from typing import Any

from zhagen.errors import ParameterError

#: level → (Chinese name, English name).
LEVELS: dict[int, tuple[str, str]] = {
    1: ("初始概念", "concept"),
    2: ("初始范畴", "initial category"),
    3: ("主范畴", "main category"),
    4: ("核心范畴", "core category"),
}
MIN_LEVEL = 1
MAX_LEVEL = 4
#: Give this (or ``"none"``) as a level to say "no level" where ``None`` means "the default".
NO_LEVEL = 0

#: The paradigm model's relation types (any other non-empty text is allowed too).
RELATION_TYPES: tuple[str, ...] = ("因果条件", "情境", "中介条件", "行动策略", "结果")

#: What a memo may be attached to.
MEMO_TARGETS: tuple[str, ...] = ("project", "document", "code", "coding", "relation")

#: Memo types (Kuckartz): type → (Chinese, English); "" is a memo without a type.
MEMO_TYPES: dict[str, tuple[str, str]] = {
    "code": ("编码备忘录", "code memo"),
    "theory": ("理论备忘录", "theory memo"),
    "method": ("方法备忘录", "method memo"),
    "reflection": ("反思备忘录", "reflection memo"),
}

#: The storyline (故事线) is the project memo with this title.
STORYLINE_TITLE = "故事线"

#: The first colours given to new codes (Tableau 10); :mod:`zhagen.coding.palette` goes on
#: from them with colours that stay distinguishable for dozens of codes.
PALETTE: tuple[str, ...] = SEEDS


def level_name(level: int | None, lang: str = "zh") -> str:
    """The name of a level in Chinese (``lang="zh"``) or English (``"en"``); ``""`` for a
    code without a level.

    >>> level_name(1, "en")
    'concept'
    """
    if level is None or level != level or level == NO_LEVEL:  # None, NaN, pd.NA-free
        return ""
    zh, en = LEVELS[int(level)]
    return en if lang == "en" else zh


_NONE_WORDS = {"", "none", "null", "0", "-", "无", "无层级", "未定"}


def parse_level(value: Any) -> int | None:
    """A level as given by a user or a form: ``1``–``4``, or ``None`` for "no level"
    (``None``, ``0``, ``""``, ``"none"``, ``"无"``).

    >>> parse_level("3"), parse_level("none"), parse_level(0)
    (3, None, None)
    >>> parse_level(5)
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 层级 5 无效；应为 1 初始概念、2 初始范畴、3 主范畴、4 核心范畴 或 none（无层级） / level 5 is not valid; use 1 concept, 2 initial category, 3 main category, 4 core category or none (no level)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().lower()
    if text in _NONE_WORDS:
        return None
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not MIN_LEVEL <= number <= MAX_LEVEL or isinstance(value, bool):
        raise ParameterError(
            f"层级 {value!r} 无效；应为 1 初始概念、2 初始范畴、3 主范畴、4 核心范畴 或 none（无层级）",
            f"level {value!r} is not valid; use 1 concept, 2 initial category, 3 main "
            "category, 4 core category or none (no level)",
        )
    return number


def level_problems(codes: Iterable[Mapping[str, Any]]) -> list[str]:
    """Where a code tree breaks the grounded-theory levels, one bilingual line each.

    ``codes`` are mappings with ``id``, ``name``, ``parent`` (or ``parent_id``) and
    ``level`` (``None`` for no level). Reported: codes without a level, and a child whose
    level is not below its parent's. An empty list means the four-level rule holds.

    >>> rows = [{"id": 1, "name": "政策", "parent": None, "level": 1},
    ...         {"id": 2, "name": "补贴", "parent": 1, "level": 2},
    ...         {"id": 3, "name": "税收", "parent": 1, "level": None}]
    >>> for line in level_problems(rows):
    ...     print(line)
    1 个编码没有层级（税收） / 1 code has no level (税收)
    编码「政策」（层级 1）的下级「补贴」层级为 2，应低于上级 / code '政策' (level 1) has a child '补贴' of level 2; a child's level must be below its parent's
    """
    rows = [dict(r) for r in codes]
    level = {r["id"]: as_level(r.get("level")) for r in rows}
    name = {r["id"]: r["name"] for r in rows}
    out: list[str] = []
    missing = [name[r["id"]] for r in rows if level[r["id"]] is None]
    if missing:
        shown = "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        plural = "s have" if len(missing) != 1 else " has"
        out.append(
            f"{len(missing)} 个编码没有层级（{shown}） / {len(missing)} code{plural} no level ({shown})"
        )
    for r in rows:
        pid = as_level(r.get("parent", r.get("parent_id")))
        child, parent = level[r["id"]], level.get(pid) if pid is not None else None
        if child is not None and parent is not None and child >= parent:
            out.append(
                f"编码「{name[pid]}」（层级 {parent}）的下级「{r['name']}」层级为 {child}，应低于上级 / "
                f"code '{name[pid]}' (level {parent}) has a child '{r['name']}' of level "
                f"{child}; a child's level must be below its parent's"
            )
    return out


def as_level(value: Any) -> int | None:
    """A level read from a table: an int, or None for None / NaN / pandas ``<NA>``.

    >>> as_level(2.0), as_level(float("nan")), as_level(None)
    (2, None, None)
    """
    try:
        return None if value is None or value != value else int(value)
    except TypeError:  # pd.NA compares to NA, whose truth value raises
        return None
