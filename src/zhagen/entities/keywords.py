"""Keywords as CiteSpace counts them, and the fast split of stored keyword JSON.

Pure functions over strings and numpy arrays: :func:`normalise_keyword` (what one keyword
counts as) and :func:`split_keyword_objects` (the keywords of many stored keyword objects at
C speed), used both when a map reads keywords and when the entity tables are derived
(:mod:`zhagen.entities.tables`), so both count the same keywords.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

__all__ = ["normalise_keyword", "split_keyword_objects", "split_keyword_sides", "KEYWORD_SIDES"]

#: The sides of a stored keywords object, in the order of their role in the entity tables.
KEYWORD_SIDES = ("zh", "en", "plus")


def normalise_keyword(kw: str) -> str:
    """One keyword as CiteSpace counts it: surrounding space dropped; a keyword without
    non-ASCII characters also lower-cased, with inner runs of space made one space.

    >>> normalise_keyword("  Digital   Economy "), normalise_keyword(" 数字经济　")
    ('digital economy', '数字经济')
    """
    kw = kw.strip()
    if kw.isascii():
        kw = " ".join(kw.lower().split())
    return kw


def split_keyword_objects(joined: str, keys: tuple[str, ...]) -> tuple[list[str], Any] | None:
    """The keywords of ``keys`` in ``joined`` and the line each is on; None when a text is
    not of the form this reads.

    ``joined`` holds one keywords JSON per line (``{"zh":["a","b"],"en":["C d"]}``), none
    with a backslash: then no string has an escape, so every ``"`` opens or closes a
    string, and a line break can only separate two documents (JSON strings hold no raw
    line break). The strings are the odd pieces of ``joined.split('"')``; a string followed
    by ``:`` is a key, any other (followed by ``,``, ``]`` or ``}``) belongs to the last
    key before it on the same line. A string followed by anything else (JSON written with
    spaces) makes this return None. The line of a string is the number of line breaks
    before its opening quote (bytes 0x22 and 0x0A never occur inside a multi-byte UTF-8
    character).

    >>> split_keyword_objects('{"zh":["a","b c"],"x":["d"]}\\n{}\\n{"en":["e"]}', ("zh", "en"))
    (['a', 'b c', 'e'], array([0, 0, 2]))
    """
    import numpy as np

    scan = _scan(joined)
    if scan is None:
        return None
    strings, raw, quotes, is_key, lines, owner, has_owner = scan
    wanted = is_key & _equals_any(raw, quotes, keys)
    take = np.flatnonzero(~is_key & has_owner & wanted[owner] & (lines[owner] == lines))
    if take.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    picked = itemgetter(*take.tolist())(strings)
    return [picked] if take.size == 1 else list(picked), lines[take].astype(np.int64)


def split_keyword_sides(joined: str, keys: tuple[str, ...]) -> tuple[list[str], Any, Any] | None:
    """As :func:`split_keyword_objects` for every key of ``keys`` in one pass: the keywords,
    the line each is on and the index of its key in ``keys``, grouped by key (the first
    key's keywords in text order, then the second's …), as one call per key gives them;
    None when a text is not of the form read.

    >>> t, lines, roles = split_keyword_sides('{"en":["e"],"zh":["a","b"]}\\n{"zh":["c"]}', ("zh", "en"))
    >>> t, lines.tolist(), roles.tolist()
    (['a', 'b', 'c', 'e'], [0, 0, 1, 0], [0, 0, 0, 1])
    """
    import numpy as np

    scan = _scan(joined)
    if scan is None:
        return None
    strings, raw, quotes, is_key, lines, owner, has_owner = scan
    which = np.full(len(strings), -1, dtype=np.int64)
    for k, key in enumerate(keys):
        which[is_key & _equals_any(raw, quotes, (key,))] = k
    take = np.flatnonzero(~is_key & has_owner & (which[owner] >= 0) & (lines[owner] == lines))
    if take.size == 0:
        return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    roles = which[owner[take]]
    take = take[np.argsort(roles, kind="stable")]  # grouped by key, text order within
    picked = itemgetter(*take.tolist())(strings)
    tokens = [picked] if take.size == 1 else list(picked)
    return tokens, lines[take].astype(np.int64), which[owner[take]]


def _scan(joined: str) -> tuple[list[str], Any, Any, Any, Any, Any, Any] | None:
    """The quoted strings of ``joined`` (JSON objects of string lists, one a line), the UTF-8
    bytes, the quotes' offsets, which strings are keys, the line of each string, the index of
    the key each string follows (0 before any) and whether it follows one; None when the
    text is not of that form (see :func:`split_keyword_objects`)."""
    import numpy as np

    strings = joined.split('"')[1::2]
    raw = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)
    if quotes.size != 2 * len(strings) or (quotes.size and quotes[-1] + 1 >= raw.size):
        return None
    after = raw[quotes[1::2] + 1]
    is_key = after == 0x3A  # ':'
    if not (is_key | (after == 0x2C) | (after == 0x5D) | (after == 0x7D)).all():  # , ] }
        return None
    lines = np.searchsorted(np.flatnonzero(raw == 0x0A), quotes[0::2])
    owner = np.maximum.accumulate(np.where(is_key, np.arange(len(strings)), -1))
    return strings, raw, quotes, is_key, lines, np.maximum(owner, 0), owner >= 0


def _equals_any(raw: Any, quotes: Any, words: tuple[str, ...]) -> Any:
    """Which quoted strings (between ``quotes[0::2]`` and ``quotes[1::2]`` in the UTF-8
    bytes ``raw``) equal one of ``words``, compared byte by byte in numpy."""
    import numpy as np

    start = quotes[0::2] + 1
    length = quotes[1::2] - start
    found = np.zeros(start.size, dtype=bool)
    for word in words:
        code = word.encode("utf-8")
        same = length == len(code)
        for i, byte in enumerate(code):
            same &= raw[np.minimum(start + i, raw.size - 1)] == byte
        found |= same
    return found
