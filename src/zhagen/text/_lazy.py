"""Regular expressions compiled on first use rather than on import.

``re`` builds a class over the Han ranges character by character in Python (~1 ms each),
and every command imports :mod:`zhagen.text` (the CLI declares ``terms`` options from
:mod:`zhagen.text.terms`), while only the processes that clean text need the patterns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = ["lazy_pattern"]


def lazy_pattern(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that compiles ``pattern`` on its first call and returns the same object after.

    >>> han = lazy_pattern("[\\u4e00-\\u9fff]+")
    >>> han().findall("AI 新质生产力"), han() is han()
    (['新质生产力'], True)
    """
    return functools.cache(functools.partial(re.compile, pattern, flags))
