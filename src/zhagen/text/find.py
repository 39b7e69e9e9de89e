"""Find a query in texts, literally or as a regular expression, within a time bound.

One definition for every search zhagen offers (``zhagen search``, the web's text search,
"code all hits", ``project.documents.search``): offsets are code points, end exclusive; an
empty match (``a*``) is no hit. A literal query is found as typed. A regular expression
is compiled by the ``regex`` package (Apache-2.0) in its ``re``-compatible mode, because
Python's ``re`` cannot be stopped: a pattern such as ``(a|aa)+$`` backtracks exponentially
and would hold a CLI or a web worker for hours. ``regex`` takes a timeout, so a whole
search gets :attr:`zhagen.limits.Limits.regex_seconds` (``ZHAGEN_MAX_REGEX_SECONDS``,
default 10 s) and then stops with a bilingual error that says how to fix the pattern.

>>> find = Finder("创新")
>>> find.spans("创新联合体与创新生态")
[(0, 2), (6, 8)]
>>> Finder(r"\\d{4}年", regex=True).spans("2024年与2025年")
[(0, 5), (6, 11)]
>>> Finder("(", regex=True)
Traceback (most recent call last):
...
zhagen.errors.ParameterError: 正则表达式「(」有误（missing ) at position 1）；要按字面查找请去掉“正则表达式”选项（--regex） / the regular expression '(' is not valid (missing ) at position 1); to search the text as typed, drop the regular-expression option (--regex)
"""

from __future__ import annotations

import time
from typing import Any

from zhagen.errors import ParameterError

__all__ = ["Finder", "MAX_QUERY"]

#: Longest query accepted (characters).
MAX_QUERY = 1000


class Finder:
    """A compiled query and the time left for it (shared by every text it is run on).

    Parameters
    ----------
    query:
        What to find; empty or longer than :data:`MAX_QUERY` is a ParameterError.
    regex:
        A regular expression (``re`` syntax) instead of the literal text.
    seconds:
        Time allowed for all the texts this Finder searches (regular expressions only;
        default the limit in force, :func:`zhagen.limits.current`).
    """

    def __init__(self, query: str | None, *, regex: bool = False, seconds: float | None = None):
        if not query:
            raise ParameterError(
                "查找内容不能为空（--query）", "the search text cannot be empty (--query)"
            )
        if len(query) > MAX_QUERY:
            raise ParameterError(
                f"查找内容太长：{len(query)} 个字符，最多 {MAX_QUERY} 个",
                f"the search text is too long: {len(query)} characters, at most {MAX_QUERY}",
            )
        self.query = query
        self.regex = regex
        self._pattern: Any = _compile(query) if regex else None
        if seconds is None and regex:
            from zhagen.limits import current

            seconds = current().regex_seconds
        self.seconds = seconds
        self._deadline: float | None = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of every non-empty, non-overlapping match in ``text``.

        >>> Finder("aa").spans("aaaaa"), Finder("x*", regex=True).spans("abc")
        ([(0, 2), (2, 4)], [])
        """
        if self._pattern is None:
            return _literal(text, self.query)
        left = self._time_left()
        try:
            return [
                m.span() for m in self._pattern.finditer(text, timeout=left) if m.end() > m.start()
            ]
        except TimeoutError:
            raise ParameterError(
                f"正则表达式「{self.query}」在 {self.seconds:g} 秒内没有查完：它可能回溯过多"
                "（如 (a|aa)+ 这类嵌套重复）。请简化表达式、缩小范围（--where），或提高上限 "
                "ZHAGEN_MAX_REGEX_SECONDS",
                f"the regular expression '{self.query}' did not finish within "
                f"{self.seconds:g} s: it may backtrack too much (nested repeats such as "
                "(a|aa)+). Simplify it, narrow the scope (--where), or raise "
                "ZHAGEN_MAX_REGEX_SECONDS",
            ) from None

    def _time_left(self) -> float | None:
        if self.seconds is None:
            return None
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + self.seconds
        return max(self._deadline - now, 1e-6)


def _literal(text: str, query: str) -> list[tuple[int, int]]:
    out, n, at = [], len(query), text.find(query)
    while at >= 0:
        out.append((at, at + n))
        at = text.find(query, at + n)
    return out


def _compile(query: str) -> Any:
    import regex

    try:
        return regex.compile(query, flags=regex.VERSION0)
    except (regex.error, ValueError, OverflowError) as exc:
        raise ParameterError(
            f"正则表达式「{query}」有误（{exc}）；要按字面查找请去掉“正则表达式”选项（--regex）",
            f"the regular expression '{query}' is not valid ({exc}); to search the text as "
            "typed, drop the regular-expression option (--regex)",
        ) from None
