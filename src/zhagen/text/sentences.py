"""Split cleaned text into original sentences (原始语句) as code-point offsets.

Grounded-theory coding starts from sentences: each is a ``(start, end)`` span into the cleaned
text (end exclusive, code points, stripped of surrounding whitespace). Boundaries are:

- after 。！？ and ``!?`` (combinations such as ！？ or ``?!`` give one boundary), with
  closing quotes and brackets kept with their sentence (``……。”`` stays together);
- after ；(and ``;`` next to Chinese text) when ``semicolon=True`` — coders usually code
  clauses split there;
- after ``.`` only where it ends an English sentence: not in decimals (3.14), initials
  (U.S.), abbreviations (et al., e.g., Fig.), URLs, or list numbers at line start (``1.``);
- at every line break, so headings and enumerated lines (（一）…, 一、…, 1. …, (1) …) are
  sentences of their own.

An ellipsis (…… or ``...``) alone does not end a sentence: in Chinese prose it mostly marks
an open list; ``……。`` ends at the 。.

>>> text = '他说：“我们要发展新质生产力。”然后走了。'
>>> [text[a:b] for a, b in split_sentences(text)]
['他说：“我们要发展新质生产力。”', '然后走了。']
"""

from __future__ import annotations

import re

from zhagen.text.clean import find_mojibake
from zhagen.text.layout import is_cjk, is_han

__all__ = ["split_sentences", "sentences", "garbled_sentences"]

# one leading character class (no top-level alternation) lets re scan fast; classify in Python
_CANDIDATE = re.compile(r"[\n；;。！？!?．.][。！？!?．….]*")
_CLOSERS = frozenset("”’」』）)》〉】]")
_SPACE = frozenset(" \t\n\r\u3000\xa0")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")
_LIST_PUNCT = re.compile(r"[，,。！？]")
_LIST_NUMBER = re.compile(r"\s*[(（]?\d{1,3}$")
_ABBREVIATIONS = frozenset(
    "al e.g i.e etc vs mr mrs ms dr prof fig figs no nos vol vols pp p ed eds jr sr st "
    "inc ltd co corp dept univ approx cf ch sec eq eqs ref refs tab jan feb mar apr jun "
    "jul aug sep sept oct nov dec".split()
)


def _close(text: str, pos: int) -> int:
    """Move ``pos`` past closing quotes and brackets that belong to the sentence."""
    n = len(text)
    line_start = text.rfind("\n", 0, pos) + 1
    inside_ascii_quote = text.count('"', line_start, pos) % 2 == 1
    while pos < n:
        ch = text[pos]
        if ch in _CLOSERS:
            pos += 1
        elif ch == '"' and inside_ascii_quote:
            pos += 1
            inside_ascii_quote = False
        else:
            break
    return pos


def _next_visible(text: str, pos: int) -> str:
    """The next character that is not a space or tab (``"\\n"`` or ``""`` at a line end)."""
    n = len(text)
    while pos < n and text[pos] in " \t\u3000\xa0":
        pos += 1
    return text[pos] if pos < n else ""


def _ascii_mark_ends(text: str, end: int) -> bool:
    """``!``/``?`` end a sentence when followed by space, a line end or a Han character."""
    if end >= len(text):
        return True
    ch = text[end]
    return ch in _SPACE or ch in _CLOSERS or ch == '"' or is_han(ch)


def _semicolon_ends(text: str, pos: int) -> bool:
    if text[pos] == "；":
        return True
    before = text[pos - 1] if pos else ""
    after = _next_visible(text, pos + 1)
    return is_cjk(before) or is_cjk(after)


def _dot_ends(text: str, pos: int, end: int) -> bool:
    """Does the ``.`` (or ``...``) at ``pos`` end an English sentence?"""
    before = text[pos - 1] if pos else ""
    glued = text[end] if end < len(text) else ""
    if glued and glued not in _SPACE and glued not in _CLOSERS and glued != '"':
        if is_cjk(glued):
            return before.isascii() and before.isalpha() and end - pos == 1
        # "innovation.At present": a lowercase word glued to a capitalised one
        word = _WORD_BEFORE.search(text, max(pos - 40, 0), pos)
        return (
            end - pos == 1
            and word is not None
            and len(word.group(1)) >= 2
            and word.group(1).islower()
            and text[word.start() - 1 : word.start()] not in (".", "/", "@", "-", "_")
            and glued.isupper()
            and text[end + 1 : end + 2].islower()
        )
    after = _next_visible(text, _close(text, end))
    if after not in ("", "\n") and not (after.isupper() or after in '"“(（[' or is_cjk(after)):
        return False
    if end - pos == 3:  # "..." ends only before a capital or Chinese
        return after not in ("", "\n")
    if before.isdigit():
        return not _LIST_NUMBER.fullmatch(text, text.rfind("\n", 0, pos) + 1, pos)
    word = _WORD_BEFORE.search(text, max(pos - 40, 0), pos)
    if word is None:
        return before in ")]\"'”’）"
    w = word.group(1)
    return len(w) > 1 and w.lower() not in _ABBREVIATIONS  # not initials, not "et al."


def _list_line(text: str, pos: int) -> bool:
    """A line of short ``;``-separated items without commas (keywords, grant lists)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)]
    return _LIST_PUNCT.search(line) is None


def _cuts(text: str, semicolon: bool) -> list[int]:
    """Positions (exclusive ends) where a sentence ends."""
    cuts: list[int] = []
    list_lines: dict[int, bool] = {}
    garbled = [(f.start, f.end) for f in find_mojibake(text)]
    for m in _CANDIDATE.finditer(text):
        run, pos = m.group(), m.start()
        if run[0] == "\n":
            cuts.append(pos)
            run, pos = run[1:], pos + 1
        elif run[0] in "；;":
            if semicolon and _semicolon_ends(text, pos) and not _inside(garbled, pos):
                line_start = text.rfind("\n", 0, pos) + 1
                if line_start not in list_lines:
                    list_lines[line_start] = _list_line(text, pos)
                if not list_lines[line_start]:
                    cuts.append(_close(text, pos + 1))
            run, pos = run[1:], pos + 1
        if run:
            cut = _run_end(text, run, pos, garbled)
            if cut:
                cuts.append(cut)
    return cuts


def _inside(garbled: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` is inside a mojibake run (its ``?`` and ``;`` end no sentence)."""
    return any(a <= pos < b for a, b in garbled)


def _run_end(text: str, run: str, pos: int, garbled: list[tuple[int, int]]) -> int:
    """Where a run of terminal marks or dots ends a sentence (0: it does not)."""
    end = pos + len(run)
    if run[0] == "." and not run.strip("."):
        return _close(text, end) if _dot_ends(text, pos, end) else 0
    if run[0] in "!?.":
        closed = _close(text, end)
        if not _ascii_mark_ends(text, closed) or _inside(garbled, pos):
            return 0
        return closed
    return _close(text, end)


def split_sentences(text: str, *, semicolon: bool = True) -> list[tuple[int, int]]:
    """Split text into sentences; return ``(start, end)`` code-point spans.

    Parameters
    ----------
    text : str
        Cleaned text (see :func:`zhagen.text.clean.clean`).
    semicolon : bool, default True
        Also end a clause at ；(and at ``;`` next to Chinese text).

    Returns
    -------
    list of (int, int)
        Spans in text order, not overlapping, each ``text[start:end]`` non-empty and without
        surrounding whitespace; together they cover every non-whitespace character. No
        sentence is only punctuation or symbols, and none ends on an opening quote or
        bracket (see :func:`_merge_marks`).

    Examples
    --------
    >>> text = "（一）加快发展。圆周率约为3.14，见Wang et al. (2023)；结论如下……。\\n1. 引言"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['（一）加快发展。', '圆周率约为3.14，见Wang et al. (2023)；', '结论如下……。', '1. 引言']
    >>> len(split_sentences(text, semicolon=False))
    3
    >>> web = "全年目标圆满完成，“\\n十三五”实现良好开局。\\n↑\\n[\\n下一句。"
    >>> [web[a:b] for a, b in split_sentences(web)]
    ['全年目标圆满完成，“\\n十三五”实现良好开局。\\n↑', '[\\n下一句。']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in (*_cuts(text, semicolon), len(text)):
        if cut <= start:
            continue
        segment = text[start:cut]
        stripped = segment.strip()
        if stripped:
            a = start + len(segment) - len(segment.lstrip())
            spans.append((a, a + len(stripped)))
        start = cut
    return _merge_marks(text, spans)


_OPENERS = frozenset("《“‘（([【「『〈")
# what goes on a sentence (a line cut before it is a web page's link or footnote mark)
_GOES_ON = frozenset("]】）)》」』”’、，；：")


def _wordless(piece: str) -> bool:
    """No letter, digit or Han character: only punctuation and symbols (``[``, ``↑``, ``“``)."""
    return not any(c.isalnum() for c in piece)


def _merge_marks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """No sentence of only punctuation or symbols, none ending on an opening mark.

    A sentence that ends with an opening mark (``…完成，“`` before ``十三五”…``) runs on into
    the next; one of only punctuation or symbols, or one that starts with a closing mark
    or a comma (``]，后面…``), joins the sentence before it (a lone opening mark, or
    what comes first, joins the next). Web pages leave both: link and footnote
    marks cut onto lines of their own.
    """
    if not any(
        text[e - 1] in _OPENERS or text[s] in _GOES_ON or _wordless(text[s:e]) for s, e in spans
    ):  # the usual text: one scan over the sentence ends and words
        return spans
    out: list[tuple[int, int]] = []
    carry: int | None = None  # start of a run that goes on into the next sentence
    for s, e in spans:
        if carry is not None:
            s, carry = carry, None
        piece = text[s:e]
        if out and (
            (_wordless(piece) and not (len(piece) == 1 and piece in _OPENERS))
            or piece[0] in _GOES_ON
        ):
            out[-1] = (out[-1][0], e)
            continue
        if text[e - 1] in _OPENERS or _wordless(piece):
            carry = s
            continue
        out.append((s, e))
    if carry is not None:  # the text ends on an opening mark: it stays with what is before
        if out:
            out[-1] = (out[-1][0], spans[-1][1])
        else:
            out.append((carry, spans[-1][1]))
    return out


def sentences(text: str, *, semicolon: bool = True) -> list[str]:
    """The sentences of ``text`` as strings (see :func:`split_sentences`).

    Examples
    --------
    >>> sentences("太好了！？真的吗？他说……然后走了。")
    ['太好了！？', '真的吗？', '他说……然后走了。']
    """
    return [text[a:b] for a, b in split_sentences(text, semicolon=semicolon)]


def garbled_sentences(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """For each sentence span, whether it holds mojibake (see
    :func:`~zhagen.text.flags.find_mojibake`): such sentences are kept but marked, so that
    coding tables and AI suggestions can leave them out.

    Examples
    --------
    >>> text = "第一句。高??梢酝ㄟ^产教融合。"
    >>> garbled_sentences(text, split_sentences(text))
    [False, True]
    """
    runs = [(f.start, f.end) for f in find_mojibake(text)]
    if not runs:
        return [False] * len(spans)
    return [any(a < e and s < b for a, b in runs) for s, e in spans]
