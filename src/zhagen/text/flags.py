"""Flags: what cleaning finds in a text and shows a researcher rather than repairs.

:func:`flag_machine_tokens` removes base64-like machine tokens (keeping each in its flag) and
:func:`find_mojibake` flags unrecoverable ``?`` runs and U+FFFD; both are the last steps of
:func:`zhagen.text.clean.clean`. :func:`may_hold_tokens` is the cheap test that tells whether
the first could act, for the cleaner's fast paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ODD_CHARS",
    "Flag",
    "find_mojibake",
    "flag_machine_tokens",
    "mojibake_message",
    "may_hold_tokens",
]


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
    """Whether ``text`` may hold a machine token: a run of 16 or more ``[A-Za-z0-9+/]``
    with an upper-case letter, a lower-case letter and a digit in it.

    ``False`` promises that :func:`flag_machine_tokens` finds nothing: every token it
    flags lies in such a run. Encoding (each other character becomes one ``?``),
    ``bytes.translate`` and a substring test find the runs several times faster than the
    token pattern scans an abstract; the few runs found (long English words, DOIs, paths)
    are then asked for the three kinds of character. (Dropping the other characters
    instead ran the ASCII of a Chinese abstract together: one in ten seemed to hold a run
    and took the slow path of :func:`~zhagen.text.clean.clean`.)

    >>> may_hold_tokens("characterization/electrochemically"), may_hold_tokens("kZISEovub6ToB8zxcGaJkw==")
    (False, True)
    """
    raw = text.encode("ascii", "replace").translate(_TOKEN_BYTES)
    # one byte per code point, so that a byte offset is a code-point offset into text
    start = raw.find(_TOKEN_RUN)
    while start >= 0:
        # the first 16-run found starts its run: the byte before it is no token character
        end = raw.find(b" ", start)
        end = len(raw) if end < 0 else end
        run = text[start:end]
        if all(r.search(run) for r in _MIXED):
            return True
        start = raw.find(_TOKEN_RUN, end)
    return False


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
# Text decoded one byte off (GBK read from an odd offset, as converters of seed 002 did)
# loses a byte, written as "?", and reads the rest as unrelated characters until an ASCII
# byte (0x40-0x7E: a letter, ^, @ …; never a digit) or another lost byte puts it back in
# step: "?;趯Ω髦鞣懂牭谋容^和分析", "??萍汲晒D化". A run starts with "??" or "?;" (a
# lone "?" is a question mark in CNKI abstracts), may run over up to 24 characters that
# are not punctuation to such an ASCII character, and goes on over further "?"s.
_QMARK_RUN = re.compile(
    r"\?[?;]"
    r"(?:[^?\s\x00-\x7f。，、；：“”‘’（）《》【】！]{0,24}[@-Z\\^_`a-z{|}~](?![A-Za-z]))?"
    r"(?:[^?\s。，,、；;：:“”\"\[\]]{0,16}\?)*"
)
_REPLACEMENT_RUN = re.compile("\ufffd+")
# UTF-8 read as Latin-1/cp1252 ("æ–°è´¨"), GBK read as Latin-1 ("ÐÂÖÊ"): runs of four or
# more such characters, at least two of them letters À-ÿ (so "“——”" is not one)
_LATIN_RUN = re.compile(
    "[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{4,}"
)
_LATIN_LETTERS = re.compile("[\u00c0-\u00ff]")
# Private-use characters (GBK's user-defined area decoded) and bopomofo or box-drawing
# characters between two Han characters (GBK decoded off step): no prose has them there
_PRIVATE_RUN = re.compile("[\ue000-\uf8ff]+")
_RARE_RUN = re.compile("[\u3105-\u3129\u2500-\u257f]+")
# one scan tells whether any shape but the "?" runs may be there (most texts: none)
#: Every mojibake shape but the ``?`` runs holds one of these (a class body): text with none
#: and no ``?`` needs no :func:`find_mojibake` (the cleaner's fast path asks that).
ODD_CHARS = "\ufffd\ue000-\uf8ff\u3105-\u3129\u2500-\u257f\u00c0-\u00ff"
_ODD_CHAR = re.compile(f"[{ODD_CHARS}]")


def _between_han(text: str, start: int, end: int) -> bool:
    return (
        start > 0
        and end < len(text)
        and "\u4e00" <= text[start - 1] <= "\u9fff"
        and "\u4e00" <= text[end] <= "\u9fff"
    )


def find_mojibake(text: str) -> list[Flag]:
    """Flag unrecoverable mojibake runs with their offsets.

    Such runs come from text decoded with the wrong encoding and then saved, so the lost
    bytes cannot be restored; they are flagged, not repaired, and left out of 繁→简
    conversion and sentence splitting. Found are:

    - ``??``/``?;`` runs of GBK text decoded one byte off: the run goes on over the
      characters read off step up to the ASCII character that ends it
      (``?;趯Ω髦鞣懂牭谋容^``) or up to the last ``?`` that follows within 16
      characters without punctuation (``?;诖耍疚陌凑粘绦蚧碚摲椒?``);
    - runs of U+FFFD replacement characters;
    - runs of Latin-1 letters and cp1252 symbols (``æ–°è´¨``, ``ÐÂÖÊ``: Chinese read as
      Latin-1), four or more with at least two letters À-ÿ;
    - private-use characters, and bopomofo or box-drawing characters between Han ones.

    A single ``?`` used as a question mark is not flagged.

    Examples
    --------
    >>> [(f.kind, f.snippet) for f in find_mojibake("研究?;诖耍疚陌凑粘绦蚧碚摲椒?,對收集")]
    [('mojibake', '?;诖耍疚陌凑粘绦蚧碚摲椒?')]
    >>> [f.snippet for f in find_mojibake("线?;趯Ω髦鞣懂牭谋容^和分析,高??梢酝ㄟ^产教")]
    ['?;趯Ω髦鞣懂牭谋容^', '??梢酝ㄟ^']
    >>> find_mojibake("如何加快形成新质生产力?于凤霞提出")
    []
    >>> [f.snippet for f in find_mojibake("题名：æ–°è´¨ç”Ÿäº§åŠ›")]
    ['æ–°è´¨ç”Ÿäº§åŠ›']
    """
    flags: list[Flag] = []
    if "?" in text and ("??" in text or "?;" in text):
        flags += (
            Flag("mojibake", m.start(), m.end(), m.group()) for m in _QMARK_RUN.finditer(text)
        )
    if text.isascii() or not _ODD_CHAR.search(text):
        return flags
    for regex in (_REPLACEMENT_RUN, _PRIVATE_RUN):
        flags += (Flag("mojibake", m.start(), m.end(), m.group()) for m in regex.finditer(text))
    flags += (
        Flag("mojibake", m.start(), m.end(), m.group())
        for m in _RARE_RUN.finditer(text)
        if _between_han(text, m.start(), m.end())
    )
    flags += (
        Flag("mojibake", m.start(), m.end(), m.group())
        for m in _LATIN_RUN.finditer(text)
        if len(_LATIN_LETTERS.findall(m.group())) >= 2
    )
    return _merge(flags)


def _merge(flags: list[Flag]) -> list[Flag]:
    """Flags in text order, overlapping ones (a box character inside a ``?`` run) merged."""
    if len(flags) < 2:
        return flags
    flags.sort(key=lambda f: (f.start, -f.end))
    out = [flags[0]]
    for f in flags[1:]:
        last = out[-1]
        if f.start < last.end:
            if f.end > last.end:
                text = last.snippet + f.snippet[last.end - f.start :]
                out[-1] = Flag("mojibake", last.start, f.end, text)
            continue
        out.append(f)
    return out


_FIELD_ZH = {"title": "题名", "abstract": "摘要", "body": "正文"}


def mojibake_message(field: str, start: int, snippet: str) -> tuple[str, str]:
    """The Chinese and English text of the problem an import reports for a mojibake run.

    Parameters
    ----------
    field : str
        ``"title"``, ``"abstract"`` or ``"body"`` (other names are shown as given).
    start : int
        Code-point offset of the run in the cleaned field.
    snippet : str
        The run.

    Examples
    --------
    >>> zh, en = mojibake_message("body", 5381, "?;诖耍疚陌凑")
    >>> zh
    '正文第 5381 字起有乱码“?;诖耍疚陌凑”（无法还原）：该句已标记，不进入编码表和 AI 建议；请用正确编码（UTF-8）重新导出原文件，或手工改正'
    >>> en.startswith("garbled text (mojibake) at character 5381 of the body")
    True
    """
    name = _FIELD_ZH.get(field, field)
    shown = snippet if len(snippet) <= 24 else snippet[:24] + "…"
    zh = (
        f"{name}第 {start} 字起有乱码“{shown}”（无法还原）：该句已标记，不进入编码表和 AI 建议；"
        "请用正确编码（UTF-8）重新导出原文件，或手工改正"
    )
    en = (
        f"garbled text (mojibake) at character {start} of the {field}: “{shown}” cannot be "
        "restored; its sentence is marked and left out of coding tables and AI suggestions. "
        "Export the file again with the right encoding (UTF-8), or correct the text by hand"
    )
    return zh, en
