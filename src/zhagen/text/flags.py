"""Flags: what cleaning finds in a text and shows a researcher rather than repairs.

:func:`flag_machine_tokens` removes base64-like machine tokens (keeping each in its flag) and
:func:`find_mojibake` flags unrecoverable ``?`` runs and U+FFFD; both are the last steps of
:func:`zhagen.text.clean.clean`. :func:`may_hold_tokens` is the cheap test that tells whether
the first could act, for the cleaner's fast paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Flag", "find_mojibake", "flag_machine_tokens", "may_hold_tokens"]


@dataclass(frozen=True, slots=True)
class Flag:
    """Something found in the text that a researcher may want to look at.

    ``start``/``end`` are code-point offsets into the cleaned text; ``snippet`` is the text
    found (for a removed token, ``start == end`` marks where it was and ``snippet`` keeps it).
    """

    kind: str
    start: int
    end: int
    snippet: str
    removed: bool = False


# ---------------------------------------------------------------- machine tokens
_B64_TOKEN = re.compile(
    r"[A-Za-z0-9+/](?<![A-Za-z0-9+/=_.:@%&?#\\-].)[A-Za-z0-9+/]{15,}={0,2}"
    r"(?![A-Za-z0-9+/=_@\\-]|\.[A-Za-z0-9])"
)
_MIXED = (re.compile("[A-Z]"), re.compile("[a-z]"), re.compile("[0-9]"))


def _looks_base64(token: str) -> bool:
    return len(token.rstrip("=")) >= 16 and all(r.search(token) for r in _MIXED)


def _glued_prefix(token: str) -> int:
    """Length of an English word glued before a padded base64 token (``andkZIS…==`` → 3)."""
    if not token.endswith("=") or len(token) % 4 == 0:
        return 0
    for i in range(len(token) % 4, 9, 4):
        head, rest = token[:i], token[i:]
        if head.isalpha() and head.islower() and _looks_base64(rest):
            return i
    return 0


# The characters of a token become "a", all other bytes a space (see may_hold_tokens)
_TOKEN_BYTES = bytes(
    b"a"[0] if re.fullmatch(rb"[A-Za-z0-9+/]", bytes([c])) else 32 for c in range(256)
)
_TOKEN_RUN = b"a" * 16


def may_hold_tokens(text: str) -> bool:
    """Whether ``text`` may hold a machine token: a run of 16 ``[A-Za-z0-9+/]``.

    Encoding (each other character becomes one ``?``), ``bytes.translate`` and a substring
    test find that several times faster than the token pattern scans an abstract. (Dropping
    the other characters instead ran the ASCII of a Chinese abstract together: one in ten
    seemed to hold a run and took the slow path of :func:`~zhagen.text.clean.clean`.)
    """
    if len(text) < 200:  # the pattern scans a short text about as fast, and is exact
        return _B64_TOKEN.search(text) is not None
    return _TOKEN_RUN in text.encode("ascii", "replace").translate(_TOKEN_BYTES)


def flag_machine_tokens(text: str) -> tuple[str, list[Flag]]:
    """Remove base64-like machine tokens from prose and flag each one.

    A token is at least 16 characters of ``[A-Za-z0-9+/]`` with upper case, lower case and
    digits, optionally padded with ``=``/``==``, standing alone (not part of a URL, DOI,
    e-mail or path). A lowercase word glued before a padded token (``andkZIS…==``) is kept
    in the text. Each removed token gives a :class:`Flag` of kind ``machine_token`` with
    ``start == end`` at the place it was and the token as ``snippet``, so nothing is lost.

    Parameters
    ----------
    text : str
        Text to scan.

    Returns
    -------
    tuple of (str, list of Flag)
        The text without the tokens, and one flag per removed token.

    Examples
    --------
    >>> text, flags = flag_machine_tokens("major scientific andkZISEovub6ToB8zxcGaJkw== research")
    >>> text
    'major scientific and research'
    >>> flags[0].snippet, flags[0].start, flags[0].removed
    ('kZISEovub6ToB8zxcGaJkw==', 20, True)
    """
    if not may_hold_tokens(text):
        return text, []
    parts: list[str] = []
    flags: list[Flag] = []
    last = out_len = 0
    for m in _B64_TOKEN.finditer(text):
        token = m.group()
        if not _looks_base64(token):
            continue
        start = m.start() + _glued_prefix(token)
        end = m.end()
        if start > last and end < len(text) and text[start - 1] == " " and text[end] == " ":
            end += 1  # do not leave two spaces behind
        parts.append(text[last:start])
        out_len += start - last
        flags.append(Flag("machine_token", out_len, out_len, text[start : m.end()], True))
        last = end
    if not flags:
        return text, []
    parts.append(text[last:])
    return "".join(parts), flags


# ---------------------------------------------------------------- mojibake
_QMARK_RUN = re.compile(r"\?[?;](?:[^?\s。，,、；;：:“”\"\[\]]{0,16}\?)*")
_REPLACEMENT_RUN = re.compile("\ufffd+")


def find_mojibake(text: str) -> list[Flag]:
    """Flag unrecoverable mojibake: ``??``/``?;`` runs and U+FFFD replacement characters.

    Such runs come from text decoded with the wrong encoding and then saved, so the lost
    bytes cannot be restored; they are flagged, not repaired. A run extends to the last
    ``?`` that follows within 16 non-punctuation characters. A single ``?`` used as a
    question mark is not flagged.

    Examples
    --------
    >>> [(f.kind, f.snippet) for f in find_mojibake("研究?;诖耍疚陌凑粘绦蚧碚摲椒?,對收集")]
    [('mojibake', '?;诖耍疚陌凑粘绦蚧碚摲椒?')]
    >>> find_mojibake("如何加快形成新质生产力?于凤霞提出")
    []
    """
    flags: list[Flag] = []
    if "?" in text and ("??" in text or "?;" in text):
        flags += (
            Flag("mojibake", m.start(), m.end(), m.group()) for m in _QMARK_RUN.finditer(text)
        )
    if "\ufffd" in text:
        flags += (
            Flag("mojibake", m.start(), m.end(), m.group()) for m in _REPLACEMENT_RUN.finditer(text)
        )
        flags.sort(key=lambda f: f.start)
    return flags
