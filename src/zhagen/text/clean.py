"""Clean Chinese text: normalise, repair converter garbage, drop furniture, join lines, 繁→简.

:func:`clean` runs the steps in this order (order matters; see each step):

1. :func:`normalise` — NFC, full-width letters/digits to half-width (Chinese punctuation
   kept), odd spaces unified, zero-width characters removed, ``\\n`` line endings;
2. :func:`~zhagen.text.layout.remove_markers` — export markers ``Abstract(#br)``,
   ``(#br)`` (a paragraph break), ``<正>``;
3. :func:`remove_pinyin_garbage` — ``發(fā)展`` → ``發展``, then :func:`remove_orphan_pinyin`
   for the few whose ``(`` was eaten by ``?`` mojibake;
4. :func:`~zhagen.text.layout.remove_licence_footer` (a Wikisource licence block at the
   end) and :func:`~zhagen.text.layout.remove_furniture` — page numbers, editor/phone/e-mail
   lines …;
5. :func:`~zhagen.text.layout.join_broken_lines`,
   :func:`~zhagen.text.layout.rejoin_column_breaks` and
   :func:`~zhagen.text.layout.remove_inline_spaces` — PDF, column and web-link line breaks;
6. :func:`~zhagen.text.layout.remove_markup` (Markdown ``#`` and ``**``, after the joins,
   which take a marked line for a heading) and :func:`~zhagen.text.layout.remove_bylines`
   (bylines, author notes, photo credits);
7. :func:`to_simplified` — OpenCC ``t2s`` (phrase level), only for paragraphs that
   :func:`is_traditional` finds traditional, never over mojibake;
8. :func:`~zhagen.text.flags.flag_machine_tokens` (removes base64-like tokens, flags them
   with the original snippet) and :func:`~zhagen.text.flags.find_mojibake` (flags
   unrecoverable mojibake runs); both live in :mod:`zhagen.text.flags`.

Every step is a pure function ``str -> (str, count)``. Flag offsets are Unicode code points
into the final cleaned text.

>>> r = clean("創(chuàng)新驅動發(fā)展。")
>>> r.text, r.report["pinyin_garbage"], r.report["t2s_chars"]
('创新驱动发展。', 2, 4)
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zhagen.text._lazy import lazy_pattern
from zhagen.text.flags import ODD_CHARS, Flag, find_mojibake, flag_machine_tokens, may_hold_tokens
from zhagen.text.layout import (
    HAN,
    has_inline_spaces,
    has_markers,
    join_broken_lines,
    quiet_ascii_lines,
    rejoin_column_breaks,
    remove_bylines,
    remove_furniture,
    remove_inline_spaces,
    remove_licence_footer,
    remove_markers,
    remove_markup,
)

if TYPE_CHECKING:
    import opencc

__all__ = [
    "Flag",
    "CleanResult",
    "REPORT_KEYS",
    "clean",
    "needs_cleaning",
    "needs_normalising",
    "normalise",
    "remove_pinyin_garbage",
    "remove_orphan_pinyin",
    "remove_furniture",
    "join_broken_lines",
    "remove_inline_spaces",
    "to_simplified",
    "is_traditional",
    "TRADITIONAL_SHARE",
    "flag_machine_tokens",
    "find_mojibake",
]

#: Keys of :attr:`CleanResult.report`, in pipeline order (always all present).
REPORT_KEYS = (
    "normalised",
    "markers",
    "pinyin_garbage",
    "pinyin_orphans",
    "licence_lines",
    "furniture_lines",
    "line_joins",
    "column_joins",
    "space_joins",
    "markup",
    "bylines",
    "t2s_chars",
    "machine_tokens",
)
_ZERO_REPORT = dict.fromkeys(REPORT_KEYS, 0)


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The cleaned text, counts per repair kind (see :data:`REPORT_KEYS`) and flags."""

    text: str
    report: dict[str, int] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)


# ---------------------------------------------------------------- normalise
_KEEP_FULLWIDTH = set("！（），：；？．")  # Chinese punctuation that shares the FFxx block


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0xFF01, 0xFF5F):
        if chr(cp) not in _KEEP_FULLWIDTH:
            table[cp] = chr(cp - 0xFEE0)
    table.update({0xFF61: "。", 0xFF62: "「", 0xFF63: "」", 0xFF64: "、"})
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    for cp in (0x00AD, 0x180E, 0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF):
        table[cp] = None
    for cp in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)):
        table.setdefault(cp, None)
    return table


_TABLE = _build_table()
_TABLE_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _TABLE) + "]")
_TABLE_REPL = {chr(k): v or "" for k, v in _TABLE.items()}
_NEWLINES = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# characters _normalise_chars acts on (as a class body, for _SUSPECT and needs_cleaning)
_SUSPECT_CLASS = "".join(re.escape(chr(c)) for c in _TABLE) + "\r\x0b\x0c\x85\u2028\u2029．\u200d"
_SUSPECT = re.compile(f"[{_SUSPECT_CLASS}]")
_FULL_STOP = re.compile(r"(?<=[A-Za-z0-9])．(?=[A-Za-z0-9])")
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\ufe0f"
_STRAY_ZWJ = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
_SPACE_RUN = re.compile(r" (?<=\S )(?: +)(?=\S)")  # literal first: re scans fast
_BLANK_LINES = re.compile(r"\n{3,}")


# ASCII but its control characters (tab and line feed are no control characters here)
_ASCII_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\n"


def _has_suspect(text: str) -> bool:
    """Whether _normalise_chars acts on ``text``. In ASCII, only control characters (but
    tab and line feed) count: what is left of its bytes once every other is deleted
    (a C loop, several times faster than ``str.isprintable`` or re)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_PLAIN))
    return _SUSPECT.search(text) is not None


def _table_repl(m: re.Match[str]) -> str:
    return _TABLE_REPL[m.group()]


def _normalise_chars(text: str) -> tuple[str, int]:
    """NFC, line endings, the character table and stray joiners."""
    edits = 0
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        new = unicodedata.normalize("NFC", text)
        edits += abs(len(text) - len(new)) or 1
        text = new
    if not _has_suspect(text):  # one scan decides whether any of the rest applies
        return text, edits
    if any(c in text for c in "\r\x0b\x0c\x85\u2028\u2029"):
        text, n = _NEWLINES.subn("\n", text)
        edits += n
    text, n = _TABLE_CHARS.subn(_table_repl, text)
    edits += n
    if "．" in text:
        text, n = _FULL_STOP.subn(".", text)
        edits += n
    if "\u200d" in text:
        text, n = _STRAY_ZWJ.subn("", text)
        edits += n
    return text, edits


def _normalise_spaces(text: str) -> tuple[str, int]:
    """Trim line edges, shorten space runs and blank-line runs."""
    edits = 0
    # one-character tests first: they are several times faster than two-character ones on
    # Chinese text, and most fields have no line break (titles) or no tab
    newline, space = "\n" in text, " " in text
    if "\t" in text or (newline and space and (" \n" in text or "\n " in text)):
        lines = text.split("\n")
        trimmed = [line.strip(" \t") for line in lines]
        edits += sum(1 for a, b in zip(lines, trimmed, strict=True) if a is not b)
        text = "\n".join(trimmed)
        space = " " in text
    if space and "  " in text:
        text, n = _SPACE_RUN.subn(" ", text)
        edits += n
    if newline and "\n\n\n" in text:
        text, n = _BLANK_LINES.subn("\n\n", text)
        edits += n
    stripped = text.strip()
    return stripped, edits + (stripped != text)


def normalise(text: str) -> tuple[str, int]:
    """Normalise characters and whitespace; return the text and the number of edits.

    Unicode NFC; full-width ASCII letters, digits and symbols (``Ａ１＃％``) become
    half-width, but the Chinese punctuation that shares that block (``！（），：；？``) and
    all other Chinese punctuation (``。、“”‘’《》``) is kept; a full-width ``．`` becomes ``.``
    only between letters or digits. Odd spaces (NBSP, U+3000, U+2000–U+200A …) become a
    space; zero-width characters, soft hyphens, byte-order marks and control characters are
    removed (a zero-width joiner inside an emoji sequence stays); line endings become
    ``\\n``; spaces at line ends and runs of spaces are trimmed; at most one blank line is
    kept between paragraphs.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    tuple of (str, int)
        The normalised text and the number of edit sites (0 means unchanged).

    Examples
    --------
    >>> normalise("\\u3000\\u3000ＡＩ４Ｓ（试点）：２０２４年\\u200b。\\r\\n")
    ('AI4S（试点）：2024年。', 13)
    """
    text, edits = _normalise_chars(text)
    text, n = _normalise_spaces(text)
    return text, edits + n


# ---------------------------------------------------------------- pinyin garbage
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_DETONE = str.maketrans(_TONED + "ü", "aaaaeeeeiiiioooouuuuvvvvnnnmv")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|"
    r"ia|ie|iu|in|ua|uo|ui|un|ve|ue|ng|a|o|e|i|u|v|n|m)"
)
_GLOSS = f"([a-zü{_TONED}]{{1,6}})[)）]"
# the bracket comes first and the look-behind after it, so that re can scan for a literal
_PINYIN_GROUP = lazy_pattern(rf"[(（](?<=[{HAN}][(（]){_GLOSS}")
_ORPHAN_GROUP = re.compile(rf"\?{_GLOSS}")  # the ? is matched and put back
_HAS_TONE = re.compile(f"[{_TONED}]")


@functools.lru_cache(maxsize=4096)
def _is_toned_syllable(group: str) -> bool:
    # cached: a document repeats the same few glosses (chuàng, yè, fā …) hundreds of times
    return bool(_HAS_TONE.search(group)) and bool(_SYLLABLE.fullmatch(group.translate(_DETONE)))


def _drop_syllables(regex: re.Pattern[str], text: str, keep: str = "") -> tuple[str, int]:
    """Replace each match whose group is a toned pinyin syllable by ``keep``."""
    removed = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        if _is_toned_syllable(m.group(1)):
            removed += 1
            return keep
        return m.group()

    new = regex.sub(repl, text)
    return (new, removed) if removed else (text, 0)


def remove_pinyin_garbage(text: str) -> tuple[str, int]:
    """Remove pinyin glosses a converter appended to characters: ``發(fā)展`` → ``發展``.

    A group is removed when it follows a Han character and is ``(`` or ``（``, one pinyin
    syllable of 1–6 lowercase letters with at least one tone-marked vowel, then ``)`` or
    ``）``. Citations ``(王飛躍等,2023)``, acronyms ``(AI4S)``, dates ``(1968—)``, codes
    ``(2023-JB-10)``, reference numbers ``[1]`` and accented words that are not a pinyin
    syllable (``咖啡(café)``) are kept. Run it before :func:`to_simplified`.

    Parameters
    ----------
    text : str
        Normalised text (NFC, so tone marks are single code points).

    Returns
    -------
    tuple of (str, int)
        The text and the number of glosses removed.

    Examples
    --------
    >>> remove_pinyin_garbage("發(fā)展創(chuàng)新(AI4S)(王飛躍等,2023)咖啡(café)")
    ('發展創新(AI4S)(王飛躍等,2023)咖啡(café)', 2)
    """
    if text.isascii() or ("(" not in text and "（" not in text):  # a gloss follows a Han
        return text, 0
    return _drop_syllables(_PINYIN_GROUP(), text)


def remove_orphan_pinyin(text: str) -> tuple[str, int]:
    """Remove a pinyin gloss whose Han character and ``(`` became ``?`` mojibake.

    ``紕?chuàng)新`` → ``紕?新``: the ``?`` stays (it is flagged by :func:`find_mojibake`).

    Examples
    --------
    >>> remove_orphan_pinyin("萍紕?chuàng)新")
    ('萍紕?新', 1)
    """
    if "?" not in text:
        return text, 0
    return _drop_syllables(_ORPHAN_GROUP, text, keep="?")


# ---------------------------------------------------------------- 繁→简
@functools.cache
def _t2s_converter() -> opencc.OpenCC:
    import opencc  # heavy: C++ binding with dictionaries, loaded on first use

    return opencc.OpenCC("t2s")


_ASTRAL = "\U00010000-\U0010ffff"
#: Least share of a paragraph's Han characters that must be traditional-only (see
#: :func:`is_traditional`). Traditional prose has 15-30 %; simplified text has none, bar a
#: quoted name; a paragraph mixing both (a quotation) is converted when it passes.
TRADITIONAL_SHARE = 0.05


def _bmp_han() -> list[str]:
    return [
        chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00))
    ]


def _convert_each(chars: list[str]) -> list[str] | None:
    """Each character converted alone by ``t2s`` (``None`` if OpenCC merged lines: it never
    does)."""
    # one character per line, so that no two neighbours form a phrase of the dictionary
    out = _t2s_converter().convert("\n".join(chars)).split("\n")
    return out if len(out) == len(chars) else None


def _is_simplified_form(ch: str) -> bool:
    """Whether a character is written in simplified Chinese: GB 2312 has it (the national
    character set of simplified Chinese, through Python's codec, not a hand list).

    OpenCC's tables cannot tell 乾 (乾坤, simplified) or 徵 (角徵宫) from 發: ``t2s``
    changes all three (乾→干, 徵→征 outside its phrases) and ``s2t`` none; GB 2312 has the
    first two and not 發. (It also has a few traditional forms, 後 and 於: text with
    only those is taken as simplified and kept as written.)
    """
    # "ignore" gives b"" for a character GB 2312 lacks: no exception raised and caught for
    # each of the ~4,000 characters t2s changes (~6 ms per process)
    return bool(ch.encode("gb2312", "ignore"))


@functools.cache
def _traditional_class() -> str:
    """Traditional-only characters as a class body, and anything outside the BMP.

    A Han character of the BMP is traditional-only when OpenCC's ``t2s`` changes it and
    GB 2312 lacks it (see :func:`_is_simplified_form`). OpenCC is asked once (~25 ms).
    (``s2t`` would not help: it leaves 乾 and 後 alike, and changes traditional variants
    such as 緼 → 縕 as it changes simplified 干 → 幹.) Characters outside the BMP are not
    asked here: :func:`_traditional_count` asks OpenCC about each one it meets.

    Text with none of these is taken as simplified, and neither converted nor handed to
    the converter (about 30 µs per abstract saved).
    """
    if not _traditional_only():
        return HAN + _ASTRAL
    return re.escape("".join(_traditional_only())) + _ASTRAL


@functools.cache
def _traditional_only() -> dict[str, str]:
    """Traditional-only character → its ``t2s`` form (see :func:`_traditional_class`)."""
    chars = _bmp_han()
    t2s = _convert_each(chars)
    if t2s is None:  # cannot happen with OpenCC; stay correct anyway
        return {}
    return {a: t for a, t in zip(chars, t2s, strict=True) if a != t and not _is_simplified_form(a)}


@functools.cache
def _maybe_traditional() -> re.Pattern[str]:
    """See :func:`_traditional_class`; one class, so that text is scanned once, not twice."""
    return re.compile(f"[{_traditional_class()}]")


_HAN_CHAR = lazy_pattern(f"[{HAN}]")


@functools.lru_cache(maxsize=1024)
def _astral_traditional(ch: str) -> bool:
    return _t2s_converter().convert(ch) != ch


def _traditional_count(text: str) -> int:
    """Traditional-only characters in ``text`` (see :func:`_traditional_class`)."""
    found = _maybe_traditional().findall(text)
    if not found or max(found) <= "\uffff":  # no character outside the BMP: all count
        return len(found)
    return sum(1 for c in found if c <= "\uffff" or _astral_traditional(c))


def is_traditional(text: str) -> bool:
    """Whether a paragraph (or field) is written in traditional characters.

    At least :data:`TRADITIONAL_SHARE` of its Han characters (and at least one) are
    traditional-only: ``t2s`` changes them and they are no simplified form (GB 2312, the
    character set of simplified Chinese, lacks them). 乾 (乾坤), 徵 (角、徵、宫), 著 (著作) and 后 (皇后) are
    simplified forms, so simplified text that has them is not traditional.

    Examples
    --------
    >>> is_traditional("新質生產力"), is_traditional("乾淳体与角、徵、宫")
    (True, False)
    """
    if text.isascii():
        return False
    n = _traditional_count(text)
    if not n:
        return False
    if n >= TRADITIONAL_SHARE * len(text):  # a share of all characters is one of the Han
        return True
    return n >= TRADITIONAL_SHARE * len(_HAN_CHAR().findall(text))


def _convert_outside(text: str, skip: list[tuple[int, int]]) -> str:
    """``t2s`` over ``text`` but the spans in ``skip`` (mojibake runs, kept as read)."""
    if not skip:
        return _t2s_converter().convert(text)
    parts: list[str] = []
    last = 0
    for a, b in skip:
        parts.append(_t2s_converter().convert(text[last:a]) if a > last else "")
        parts.append(text[a:b])
        last = b
    parts.append(_t2s_converter().convert(text[last:]))
    return "".join(parts)


def _stray_traditional(line: str) -> str:
    """A simplified line's few traditional-only characters, each made simplified alone
    (``会議`` → ``会议``): they are no simplified form, so no simplified word is touched."""
    if not _maybe_traditional().search(line):
        return line
    table = _traditional_only()
    garbled = [(f.start, f.end) for f in find_mojibake(line)]
    return "".join(
        table.get(c, c) if not any(a <= i < b for a, b in garbled) else c
        for i, c in enumerate(line)
    )


def to_simplified(text: str) -> tuple[str, int]:
    """Convert traditional paragraphs to simplified Chinese with OpenCC ``t2s`` (phrases).

    Each line (a paragraph of cleaned text, or a field) is converted only when
    :func:`is_traditional` finds it traditional; simplified lines pass through unchanged,
    so that 乾淳体 does not become 干淳体 nor 角、徵、宫 become 角、征、宫; in those, only a
    stray traditional-only character (see :func:`is_traditional`) is made simplified, on
    its own (``会議`` → ``会议``). Mojibake runs
    (:func:`~zhagen.text.flags.find_mojibake`) are never converted: they are not text.
    The converter is created once per process and cached.

    Parameters
    ----------
    text : str
        Text in traditional, simplified or mixed paragraphs.

    Returns
    -------
    tuple of (str, int)
        The text and the number of characters that changed.

    Examples
    --------
    >>> to_simplified("新質生產力")
    ('新质生产力', 2)
    >>> to_simplified("乾淳体\\n發展與創新")
    ('乾淳体\\n发展与创新', 3)
    """
    if text.isascii() or not _maybe_traditional().search(text):
        return text, 0
    lines = text.split("\n")
    changed = 0
    # lines converted to as many characters, compared in one call (a traditional report
    # has a thousand; see _count_changed)
    old_lines: list[str] = []
    new_lines: list[str] = []
    candidate = _maybe_traditional().search
    for i, line in enumerate(lines):
        if not candidate(line):  # most lines of a long text: one scan instead of two
            continue
        if is_traditional(line):
            new = _convert_outside(line, [(f.start, f.end) for f in find_mojibake(line)])
        else:
            new = _stray_traditional(line)
        if new != line:
            if len(new) == len(line):
                old_lines.append(line)
                new_lines.append(new)
            else:
                changed += _count_changed(line, new)
            lines[i] = new
    if old_lines:
        changed += _count_changed("".join(old_lines), "".join(new_lines))
    return ("\n".join(lines), changed) if changed else (text, 0)


def _count_changed(old: str, new: str) -> int:
    """Code points that differ (position by position; a length change counts its size)."""
    if len(old) < 4096 or len(old) != len(new):
        return sum(map(operator.ne, old, new)) + abs(len(old) - len(new))
    import numpy as np  # heavy; only for long texts where a Python loop would dominate

    a = np.frombuffer(old.encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(new.encode("utf-32-le"), dtype=np.uint32)
    return int(np.count_nonzero(a != b))


# ---------------------------------------------------------------- pipeline
# A text of more lines is a document's body: hardly ever clean, and asking its line steps
# whether they would act costs as much as letting them (see needs_cleaning).
_QUICK_LINES = 16


def _actionable_class(t2s: bool) -> str:
    """Characters that some step of :func:`clean` always acts on, as a class body."""
    return _SUSPECT_CLASS + "\t\ufffd" + (_traditional_class() if t2s else "")


@functools.cache
def _actionable(t2s: bool) -> re.Pattern[str]:
    """A character that some step of :func:`clean` always acts on (see needs_cleaning)."""
    return re.compile(f"[{_actionable_class(t2s)}]")


def needs_normalising(text: str, *, t2s: bool = True) -> bool:
    """Whether :func:`normalise` (or, with ``t2s``, :func:`to_simplified`) may change ``text``.

    ``False`` promises that both return ``text`` unchanged (``True``: they may, or the text
    holds U+FFFD). The first part of :func:`needs_cleaning`, and all that keywords need.

    >>> needs_normalising("数字经济"), needs_normalising("數字經濟"), needs_normalising("ＡＩ")
    (False, True, True)
    """
    if text.isascii():  # O(1); nothing to compose and no traditional character to look for
        if _has_suspect(text) or "\t" in text:
            return True
    elif _actionable(t2s).search(text) or not unicodedata.is_normalized("NFC", text):
        return True
    if text[:1].isspace() or text[-1:].isspace() or "  " in text:
        return True  # stripped, or a run of spaces shortened (the class holds other spaces)
    return "\n" in text and (" \n" in text or "\n " in text or "\n\n\n" in text)


@functools.cache
def _busy(t2s: bool) -> re.Pattern[str]:
    """A character that may make :func:`clean` act on a text of one line (see _quiet)."""
    return re.compile(f"[{_actionable_class(t2s)}{_TONED}{ODD_CHARS} \n?#>›〉摄攝]")


def _quiet(text: str, t2s: bool) -> bool:
    """Whether ``clean`` leaves a non-ASCII ``text`` as it is, decided in a few scans.

    ``True`` when the text holds none of: a character some step always acts on (see
    :func:`_actionable`), a tone mark (a pinyin gloss has one), a tab or a space that a
    step acts on (see :func:`_quiet_spaces`), a line break (the line steps), ``?`` (orphan
    glosses, mojibake), a character that other mojibake is made of (private-use, bopomofo,
    box-drawing, Latin-1 letters: see :func:`~zhagen.text.flags.find_mojibake`), ``#``,
    ``>``, ``›`` or ``〉`` (markers), 摄 (a photo credit); and it is NFC, holds no run
    that may be a machine token, and is no furniture line. Most CNKI
    titles and abstracts are such text; ``False`` only means "ask each step".
    """
    busy = _busy(t2s).search(text)
    if busy is not None and (busy.group() != " " or not _quiet_spaces(text, t2s)):
        return False
    return (
        unicodedata.is_normalized("NFC", text)
        and not may_hold_tokens(text)
        and not remove_furniture(text)[1]
    )


# ASCII but control characters, tab and line feed (see _quiet_ascii)
_ASCII_ONE_LINE = bytes(range(0x20, 0x7F))
_ASCII_LINES = _ASCII_ONE_LINE + b"\n"


def _quiet_ascii(text: str) -> bool:
    """Whether ``clean`` leaves an ASCII ``text`` as it is, decided in a few scans.

    ``True`` when the text (not empty) holds no control character, tab or run of spaces
    and no space at its edges (the normalisation), no ``(#`` (markers), no ``??`` or
    ``?;`` (mojibake), no ``#`` when it has several lines (Markdown headings), no machine
    token (:func:`~zhagen.text.flags.may_hold_tokens`), and is no furniture line or, when
    it has several lines, :func:`~zhagen.text.layout.quiet_ascii_lines` finds nothing for
    the line steps. The other steps never act on ASCII: pinyin glosses have tone marks,
    every other mojibake shape, byline, column break and space between Han characters has
    a non-ASCII character, and there is nothing to convert to simplified. Most English
    titles and abstracts (Web of Science) are such text; ``False`` only means "ask each
    step". :func:`needs_cleaning` asked each step of every WoS abstract: ~35 µs, two
    fifths of a WoS import's worker time.
    """
    if not text or text[0].isspace() or text[-1].isspace() or "  " in text:
        return False
    several = "\n" in text
    if text.encode("ascii").translate(None, _ASCII_LINES if several else _ASCII_ONE_LINE):
        return False
    if "?" in text and ("??" in text or "?;" in text):
        return False
    if "#" in text and (several or "(#" in text):
        return False
    if several:
        if text.count("\n") > _QUICK_LINES or not quiet_ascii_lines(text):
            return False
    elif remove_furniture(text)[1]:
        return False
    return not may_hold_tokens(text)


@functools.cache
def _busy_but_space(t2s: bool) -> re.Pattern[str]:
    """:func:`_busy` without the space."""
    return re.compile(f"[{_actionable_class(t2s)}{_TONED}{ODD_CHARS}\n?#>›〉摄攝]")


def _quiet_spaces(text: str, t2s: bool) -> bool:
    """For :func:`_quiet`: whether the only characters of ``text`` that :func:`_busy`
    finds are spaces that no step acts on: none at the text's edges, none next to another,
    none that :func:`~zhagen.text.layout.remove_inline_spaces` removes (a space between
    Han characters in prose). With no line break, the other steps that look at spaces
    (line joins, bylines, furniture lines but a single one) have no line to act on. A
    Chinese abstract with a Latin term in it (``AI 技术``) is such text: one in eight.
    """
    return (
        text[0] != " "
        and text[-1] != " "
        and "  " not in text
        and _busy_but_space(t2s).search(text) is None
        and not has_inline_spaces(text)
    )


# steps that act on short texts only in rare shapes (asked last: they cost little on a line)
_LINE_STEPS = (remove_licence_footer, rejoin_column_breaks, remove_markup, remove_bylines)


def needs_cleaning(text: str, *, t2s: bool = True) -> bool:
    """Whether :func:`clean` may change ``text`` or flag something in it.

    ``False`` promises that ``clean(text, t2s=t2s)`` returns ``text`` unchanged, with an
    all-zero report and no flags. One scan finds what always needs work (a character of
    the normalisation table, a tab, U+FFFD, a traditional character); the steps that act
    on only some brackets, question marks, line breaks and spaces run only when the text
    has those. Most titles, keywords and abstracts are clean, and this costs a fifth to a
    half of the pipeline: :func:`clean` starts with it, and an import cleans millions.

    >>> needs_cleaning("新质生产力研究(2024)"), needs_cleaning("新質生產力"), needs_cleaning("12")
    (False, True, True)
    """
    if _quiet_ascii(text) if text.isascii() else _quiet(text, t2s):  # the usual field
        return False
    return _needs_cleaning_steps(text, t2s)


def _needs_cleaning_steps(text: str, t2s: bool) -> bool:
    """:func:`needs_cleaning` without its fast paths: each step asked in turn."""
    # A CNKI abstract opening with <正> (one in twelve): found before the scans below
    if ("#" in text or "正" in text) and has_markers(text):
        return True
    if needs_normalising(text, t2s=t2s) or text.count("\n") > _QUICK_LINES:
        return True
    # Each check below runs one step on the text as given; that is what the pipeline
    # would run it on, since every step before it has just been found to change nothing.
    if ("(" in text or "（" in text) and remove_pinyin_garbage(text)[1]:
        return True
    if "?" in text and remove_orphan_pinyin(text)[1]:
        return True
    if find_mojibake(text):  # ? runs and the rest (U+FFFD is in the actionable class)
        return True
    if remove_furniture(text)[1]:
        return True
    if "\n" in text and join_broken_lines(text)[1]:
        return True
    if " " in text and has_inline_spaces(text):
        return True
    if any(step(text)[1] for step in _LINE_STEPS):
        return True
    return may_hold_tokens(text) and bool(flag_machine_tokens(text)[1])


# the body marks of remove_markers but those with full-width ＜＞, which normalise changes
_LEADING_MARKS = tuple(f"{a}正{b}" for a in "<‹〈" for b in ">›〉")


def _after_leading_mark(text: str, t2s: bool) -> CleanResult | None:
    """What :func:`clean` gives a text that is a body mark and clean text after it (``None``
    when it is not that): CNKI writes ``<正>`` before the first paragraph of an article
    without abstract.

    The pipeline would find nothing to normalise (the mark's characters are no table's, no
    space follows it, the rest needs none and the whole is NFC), remove the mark (once:
    the rest holds none) and leave the rest as it is; this asks only the rest.
    """
    if not text.startswith(_LEADING_MARKS):
        return None
    rest = text[3:]
    if (
        not rest
        or rest[0].isspace()
        or not unicodedata.is_normalized("NFC", text)
        or needs_cleaning(rest, t2s=t2s)
    ):
        return None
    report = dict(_ZERO_REPORT)
    report["markers"] = 1
    return CleanResult(rest, report, [])


def clean(text: str, *, t2s: bool = True) -> CleanResult:
    """Clean one document's text for the store: the full pipeline of this module.

    Parameters
    ----------
    text : str
        Raw text (already decoded to ``str``).
    t2s : bool, default True
        Convert traditional to simplified characters (:func:`to_simplified`).

    Returns
    -------
    CleanResult
        ``text`` (cleaned), ``report`` (counts per repair kind, all :data:`REPORT_KEYS`
        present) and ``flags`` (mojibake runs and removed machine tokens, in text order,
        offsets into ``text``).

    Examples
    --------
    >>> r = clean("加強戰略謀劃，避免產生整\\n\\n合收縮效應。\\n\\n12\\n\\n(責任編輯:萬賢賢)")
    >>> r.text
    '加强战略谋划，避免产生整合收缩效应。'
    >>> r.report["line_joins"], r.report["furniture_lines"]
    (1, 2)
    >>> clean(r.text).report == dict.fromkeys(REPORT_KEYS, 0)
    True
    """
    marked = _after_leading_mark(text, t2s)
    if marked is not None:
        return marked
    if not needs_cleaning(text, t2s=t2s):
        return CleanResult(text, dict(_ZERO_REPORT), [])
    report = dict.fromkeys(REPORT_KEYS, 0)
    text, report["normalised"] = normalise(text)
    text, report["markers"] = remove_markers(text)
    if report["markers"] and not needs_cleaning(text, t2s=t2s):
        # the rest of the pipeline leaves such text as it is and flags nothing (that is
        # what needs_cleaning promises): a CNKI abstract whose only repair is its <正>
        return CleanResult(text, report, [])
    text, report["pinyin_garbage"] = remove_pinyin_garbage(text)
    text, report["pinyin_orphans"] = remove_orphan_pinyin(text)
    text, report["licence_lines"] = remove_licence_footer(text)
    text, report["furniture_lines"] = remove_furniture(text)
    text, report["line_joins"] = join_broken_lines(text)
    text, report["column_joins"] = rejoin_column_breaks(text)
    text, report["space_joins"] = remove_inline_spaces(text)
    # after the joins, which take a marked line for a heading and so keep it apart
    text, report["markup"] = remove_markup(text)
    text, report["bylines"] = remove_bylines(text)
    if t2s:
        text, report["t2s_chars"] = to_simplified(text)
    text, flags = flag_machine_tokens(text)
    report["machine_tokens"] = len(flags)
    mojibake = find_mojibake(text)
    if mojibake:
        flags = sorted(flags + mojibake, key=lambda f: (f.start, f.end))
    return CleanResult(text, report, flags)
