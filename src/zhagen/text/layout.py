"""Line-level repairs: page furniture and line breaks that PDF and newspaper layouts leave.

These are the steps of :func:`zhagen.text.clean.clean` that look at whole lines rather than
characters. Each is a pure function ``str -> (str, count)``; all are conservative: a line is
removed only when it matches a furniture shape (page number, editor line, phone/e-mail line,
date-and-weekday line, 第X版, a running header repeated on several pages, a journal name next to
its pinyin romanisation), and two lines are joined only when the break is clearly inside a
sentence. Patterns cover simplified and traditional characters because furniture is removed
before 繁→简 conversion.

>>> remove_furniture("正文第一段。\\n\\n12\\n\\n(责任编辑 迟凤玲)\\n正文第二段。")
('正文第一段。\\n\\n正文第二段。', 2)
>>> join_broken_lines("与科技创新政策保持一致，避免产生整\\n\\n合收缩效应,以确保政策衔接有力")
('与科技创新政策保持一致，避免产生整合收缩效应,以确保政策衔接有力', 1)
"""

from __future__ import annotations

import re

from zhagen.text._lazy import lazy_pattern

__all__ = [
    "remove_markers",
    "has_markers",
    "remove_licence_footer",
    "remove_markup",
    "remove_bylines",
    "rejoin_column_breaks",
    "remove_furniture",
    "join_broken_lines",
    "remove_inline_spaces",
    "has_inline_spaces",
    "quiet_ascii_lines",
    "HAN",
    "is_han",
    "is_cjk",
]

#: Character class body for Han ideographs (URO, Ext A, compatibility, Ext B–H).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


def is_han(ch: str) -> bool:
    """True for one Han ideograph (the ranges of :data:`HAN`).

    A comparison, not a regex: each compiled class over these ranges costs milliseconds at
    import time.

    >>> is_han("新"), is_han("𠀀"), is_han("。"), is_han("a"), is_han("")
    (True, True, False, False, False)
    """
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch <= "\U0003134f"
    )


def is_cjk(ch: str) -> bool:
    """True for a Han ideograph or CJK / full-width punctuation (。，“ … ！？)."""
    return is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—"


# ---------------------------------------------------------------- furniture shapes
_PAGE_NUMBER = re.compile(
    r"[-—–·•]?\s*\d{1,4}\s*[-—–·•]?"
    r"|第\s*\d{1,4}\s*[页頁]"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4}",
    re.IGNORECASE,
)
_EDITOR_LABEL = (
    r"(?:本版)?(?:责任编辑|責任編輯|责编|責編|美术编辑|美術編輯|图片编辑|圖片編輯|实习编辑|"
    r"實習編輯|见习编辑|見習編輯|编审|編審|校对|校對|版式设计|版式設計|编辑|編輯)"
)
# a label, then a separator (colon or space) and names without sentence punctuation
_EDITOR_LINE = lazy_pattern(
    rf"[（(【\[]?\s*{_EDITOR_LABEL}(?:\s*[:：]\s*|\s+)[^\s:：。，,！？；()（）][^:：。，,！？；()（）]{{0,30}}"
    rf"(?:\s+{_EDITOR_LABEL}(?:\s*[:：]\s*|\s+)[^\s:：。，,！？；()（）]+)*\s*[)）】\]]?"
)
_CONTACT_LABEL_ZH = (
    "电话|電話|热线|熱線|传真|傳真|手机|手機|邮箱|郵箱|信箱|电子邮箱|電子郵箱|电子邮件|電子郵件"
)
_CONTACT_PREFIX_ZH = "联系|聯繫|联络|聯絡"
_CONTACT_LABEL = rf"(?:{_CONTACT_PREFIX_ZH})?(?:{_CONTACT_LABEL_ZH})|e-?mail|tel|fax|phone|mobile"
_CONTACT_ITEM = re.compile(
    rf"(?:{_CONTACT_LABEL})\s*[:：]?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[(（]?\+?\d[\d\s()（）-]{5,}\d"
    r"|[\s;；,，/|、]+",
    re.IGNORECASE | re.ASCII,
)
_CONTACT_CORE = re.compile(rf"{_CONTACT_LABEL}|@", re.IGNORECASE)
# A contact line is labels, e-mail addresses, phone numbers and separators: all that
# _CONTACT_ITEM removes is ASCII or one of these characters. A line with any other is no
# contact line, which one class scan tells before the ignore-case alternations, which re
# scans position by position (~5 µs for a short title; import checks a million titles).
_CONTACT_CHARS = (
    "".join(sorted(set(_CONTACT_PREFIX_ZH + _CONTACT_LABEL_ZH) - {"|"})) + "：（）；，、"
)
_CONTACT_FOREIGN = re.compile(f"[^\\x00-\\x7f{_CONTACT_CHARS}]")
# Every furniture shape needs one of these: a digit (page numbers, dates, phones), 编/編/校/
# 版 (editor and edition lines), @ or the first character of a contact label (re.IGNORECASE
# folds no other code point onto e, t, f, p or m). Most titles have none.
_FURNITURE_HINT = re.compile("[\\d编編校版@EeTtFfPpMm电電热熱传傳手邮郵信]")
_BARE_PHONE = re.compile(r"[(（]?0\d{2,3}[)）]?[-\s]?\d{7,8}|1[3-9]\d{9}|\+86[-\s]?\d{7,12}")
_DATE_LINE = re.compile(
    r"(?:\S{2,10}(?:日报|日報|晚报|晚報|报|報)\s*)?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"(?:(?:星期|周|週|礼拜|禮拜)[一二三四五六日天](?:\s*第\s*\d{1,3}\s*版)?|第\s*\d{1,3}\s*版)"
)
_EDITION = re.compile(r"第\s*[0-9一二三四五六七八九十〇零]{1,4}\s*版(?:\s*[:：|丨]?\s*\w{0,8})?")
# page number, date line or edition line: one fullmatch call instead of three
_LINE_SHAPES = lazy_pattern(
    f"(?i:{_PAGE_NUMBER.pattern})|(?:{_DATE_LINE.pattern})|(?:{_EDITION.pattern})"
)
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|"
    r"ia|ie|iu|in|ua|uo|ui|un|ve|ue|ng|a|o|e|i|u|v|n)"
)
_PINYIN_WORD = re.compile(rf"(?:{_PINYIN_SYLLABLE})+")
_PINYIN_COUNT = re.compile(_PINYIN_SYLLABLE)
_TERMINAL_END = tuple("。！？；：」』”.!?;:…")
_SUBSCRIPT_LINE = re.compile(r"[0-9.]{1,5}")
_MIN_REPEATS = 3
_MIN_PAGE_LINES = 2  # lines between two occurrences of a running header, at least
_MAX_FURNITURE = 80  # code points: no furniture line is longer
_MAX_EDITOR_LINE = 48


def _is_contact_line(line: str) -> bool:
    """True for phone / e-mail lines and for a contact label alone (``电话``, ``邮箱``)."""
    if len(line) > _MAX_FURNITURE:
        return False
    if _BARE_PHONE.fullmatch(line):
        return True
    if _CONTACT_FOREIGN.search(line) or not _CONTACT_CORE.search(line):
        return False
    return not _CONTACT_ITEM.sub("", line)


def _is_pinyin_line(line: str) -> int:
    """Number of pinyin syllables when ``line`` is a romanised name, else 0."""
    if len(line) > _MAX_FURNITURE or not line.isascii():
        return 0
    words = line.lower().split()
    if not 1 <= len(words) <= 8:
        return 0
    if not all(w.isalpha() and _PINYIN_WORD.fullmatch(w) for w in words):
        return 0
    return sum(len(_PINYIN_COUNT.findall(w)) for w in words)


def _romanised_pairs(lines: list[str]) -> set[int]:
    """Indices of a Han title and its pinyin romanisation next to it (a journal's running title)."""
    found: set[int] = set()
    filled = [i for i, s in enumerate(lines) if s]
    for pos, i in enumerate(filled):
        syllables = _is_pinyin_line(lines[i])
        if syllables < 2:
            continue
        for j in filled[max(pos - 2, 0) : pos + 3]:
            han = lines[j]
            if (
                j != i
                and abs(len(han) - syllables) <= 1
                and 2 <= len(han) <= 20
                and all(map(is_han, han))
            ):
                found.update((i, j))
    return found


def _repeated_headers(lines: list[str]) -> set[str]:
    """Short lines that recur on several pages: running headers and footers.

    A candidate does not end a sentence, is not a heading (a report may repeat
    ``（一）主要做法`` in every chapter) and recurs at least three times, never on
    neighbouring lines (a page holds more than a line or two of text).
    """
    seen: dict[str, list[int]] = {}
    for i, s in enumerate(lines):
        if 4 <= len(s) <= 40 and not s.endswith(_TERMINAL_END):
            seen.setdefault(s, []).append(i)
    return {
        s
        for s, where in seen.items()
        if len(where) >= _MIN_REPEATS
        and min(b - a for a, b in zip(where, where[1:], strict=False)) > _MIN_PAGE_LINES
        and not _is_heading(s)
    }


def _is_subscript(lines: list[str], i: int) -> bool:
    """A number between a line ending in a Latin letter and more text: ``M\\n2\\n增长`` (M₂)."""
    prev = lines[i - 1] if i else ""
    return (
        bool(_SUBSCRIPT_LINE.fullmatch(lines[i]))
        and prev[-1:].isascii()
        and prev[-1:].isalpha()
        and i + 1 < len(lines)
        and bool(lines[i + 1])
    )


def _is_footnote_mark(lines: list[str], i: int) -> bool:
    """A number a web page cut out of its brackets: ``[\\n1\\n]`` is a footnote mark."""
    prev = lines[i - 1] if i else ""
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return prev.endswith(("[", "［", "【")) or nxt.startswith(("]", "］", "】"))


# Page numbers and contact lines are made of ASCII, digits, spaces and these characters
# (re.IGNORECASE folds no other code point onto the letters of "page" or "of"); date, edition
# and editor lines need 年, 版 or 编/編/校. A line with another character and none of those
# (a title with a number: "…第123篇", "2035年" excepted) is no furniture, which one class
# scan tells before the line shapes are tried (~3 µs for a title that holds a digit).
_PLAIN_FOREIGN = re.compile(
    "[^\\x00-\\x7f\\s\\d" + re.escape("—–·•第页頁（）" + _CONTACT_CHARS) + "]"
)


def _is_furniture(line: str) -> bool:
    if len(line) > _MAX_FURNITURE:
        return False
    if (
        _PLAIN_FOREIGN.search(line)
        and "年" not in line
        and "版" not in line
        and "编" not in line
        and "編" not in line
        and "校" not in line
    ):
        return False
    return _FURNITURE_HINT.search(line) is not None and _furniture_shape(line)


def _furniture_shape(line: str) -> bool:
    """Whether a line is a page number, date, edition, editor or contact line (no pre-check)."""
    return bool(
        _LINE_SHAPES().fullmatch(line)
        or (len(line) <= _MAX_EDITOR_LINE and _EDITOR_LINE().fullmatch(line))
        or _is_contact_line(line)
    )


def remove_furniture(text: str) -> tuple[str, int]:
    """Remove page furniture lines; return the text and the number of lines removed.

    Furniture is: page numbers alone on a line (``12``, ``- 12 -``, ``第3页``, ``3/12``);
    editor lines (``(责任编辑 迟凤玲)``, ``编审 郑颖 责任编辑 易江然子``, ``美术编辑 王楠``);
    phone and e-mail lines and their labels alone (``电话``, ``(0791)86847609``,
    ``jxrbllb@163.com``); newspaper date lines with a weekday or page (``2024年4月1日 星期一``,
    ``第05版：理论``); lines repeated at least three times that do not end a sentence
    (running headers); and a journal title next to its pinyin romanisation
    (``中国科技论坛`` / ``Zhongguo Keji Luntan``). Prose is never removed: every pattern must
    match the whole line. A number right after a line that ends in a Latin letter is a
    sub- or superscript, not a page number (``广义货币M\\n2\\n增长`` is M₂), and stays. The
    blank lines around a removed line are merged.

    Parameters
    ----------
    text : str
        Text with ``\\n`` line endings (see :func:`zhagen.text.clean.normalise`).

    Returns
    -------
    tuple of (str, int)
        The text without furniture lines, and how many lines were removed.

    Examples
    --------
    >>> remove_furniture("电话\\n(0791)86847609\\n邮箱\\njxrbllb@163.com\\n正文。")
    ('正文。', 4)
    >>> remove_furniture("2024  \\n中国科技论坛  \\nZhongguo Keji Luntan")
    ('', 3)
    """
    if "\n" not in text:  # a single line (an abstract): only the line shapes apply
        return ("", 1) if _is_furniture(text.strip()) else (text, 0)
    lines = text.split("\n")
    stripped = [s.strip() for s in lines]
    drop = _romanised_pairs(stripped)
    headers = _repeated_headers(stripped)
    for i, s in enumerate(stripped):
        if (
            s
            and (s in headers or _is_furniture(s))
            and not _is_subscript(stripped, i)
            and not _is_footnote_mark(stripped, i)
        ):
            drop.add(i)
    if not drop:
        return text, 0
    kept: list[str] = []
    after_drop = False
    for i, line in enumerate(lines):
        if i in drop:
            after_drop = True
            continue
        if stripped[i]:
            after_drop = False
        elif after_drop and (not kept or not kept[-1].strip()):
            continue  # blank lines around a removed line: keep one run, not two
        kept.append(line)
    while after_drop and kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept), len(drop)


# ---------------------------------------------------------------- broken lines
_CONTINUATION = re.compile(r"[、，。；：？！）》」』”’\]】]")
_OPENERS = tuple("《“‘（([【「『〈")
# a web page's link text set on a line of its own, then the punctuation after it on the
# next line ("所作的\n政府工作报告\n。会议…"): the mark of a page whose links were cut out
_WEB_FRAGMENT = 25  # code points: link texts are short
# a line that starts with that punctuation (the line before it is measured in Python: a
# pattern that starts at every line start has re try every position of a long report)
_PUNCT_LINE = re.compile(r"\n[ \t]*[、，。；：）》”’]")


def _has_link_line(text: str) -> bool:
    """Whether a line of 1-25 code points is followed by a line starting with the
    punctuation after a link: ``所作的\n政府工作报告\n。会议…``."""
    for m in _PUNCT_LINE.finditer(text):
        end = m.start()
        if 1 <= end - (text.rfind("\n", 0, end) + 1) <= _WEB_FRAGMENT:
            return True
    return False


_CLAUSE = re.compile(r"[，,。；;！？!?：:]")
# headings start with a marker followed by text (a marker alone, 第一，/一、, joins its paragraph)
_ENUMERATED_BODY = (
    r"(?:#|\*\*"
    r"|\d{1,2}(?:\.\d{1,2}){1,3}\.?\s*"
    r"|\d{1,2}\.?\s+|\d{1,2}[.．、]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.．]"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节節部篇条條、，,]"
    r"|[①-⑳]|[A-Z][.、]\s)(?=\S)"
)
_ENUMERATED = lazy_pattern(_ENUMERATED_BODY)
_HEADING = lazy_pattern(rf"[▶►■□●○◆◇★☆•]|{_ENUMERATED_BODY}")
_FIELD = re.compile(r"[^\s:：，,。]{1,8}[:：]")
_CREDIT = re.compile(
    r"(?:[/／]\s*摄|(?:记者|記者|摄影|攝影)\s*\S{2,4}\s*摄|[(（][^()（）]{0,12}摄[)）])$"
)
_SENTENCE = re.compile(r"[。！？]")
# a sub- or superscript an extractor put on its own line: 广义货币M\n2\n增长, 颗粒物（PM\n2.5\n）
_SUBSCRIPT_BREAK = re.compile(r"\n(?<=[A-Za-z]\n)([0-9.]{1,5})\n(?=\S)")
_MAX_GAP = 4  # newlines: a word split across up to three blank lines is still joined
_SHORT_HEADING = 40
_LONG_HEADING = 100


def _is_heading(line: str, gap: int = 1) -> bool:
    """A heading: a marked line (``## …``, ``1.2 …``, ``（一）…``, ``第二、…``) not ending a sentence.

    Up to 40 code points always; up to 100 when a blank line follows (``gap`` newlines),
    as long enumerated headings in reports are (``一、维护世界和平是…而努力``).
    """
    if line.endswith(_TERMINAL_END) or len(line) > _LONG_HEADING:
        return False
    if len(line) <= _SHORT_HEADING:
        return bool(_HEADING().match(line))
    return gap >= 2 and bool(_ENUMERATED().match(line))


def _closed(line: str, gap: int) -> bool:
    """True when the line cannot continue into the next one (heading, field, credit)."""
    if _is_heading(line, gap) or _CREDIT.search(line):
        return True
    return bool(_FIELD.match(line)) and not _SENTENCE.search(line)


def _open_row(line: str) -> bool:
    """A long line ending in a word, not a comma: a table row or list item if it repeats."""
    return len(line) >= 40 and is_han(line[-1])


def _should_join(
    line: str, nxt: str, gaps: tuple[int, int], prev_joined: bool, prev_row: bool
) -> bool:
    """Decide whether the break between ``line`` and ``nxt`` is inside a sentence.

    ``gaps`` are the newlines before and after ``nxt``.
    """
    if _CONTINUATION.match(nxt):  # no line starts with 、，。: the break is inside a sentence
        return not _closed(line, gaps[0])
    if not ((is_han(line[-1]) or line[-1] in "，,、") and is_han(nxt[0])):
        return False
    if _closed(line, gaps[0]) or _is_heading(nxt, gaps[1]):
        return False
    ends_comma = line[-1] in "，,、"
    if prev_row and not prev_joined and not ends_comma:
        return False  # consecutive long open lines: table rows, keep them apart
    if prev_joined or ends_comma:
        return True
    return len(line) >= 8 and bool(_CLAUSE.search(line))


def _filled_lines(text: str) -> list[tuple[str, int, int, int]]:
    """Non-empty lines as (stripped line, start, end, newlines before it)."""
    out: list[tuple[str, int, int, int]] = []
    gap = pos = 0
    for raw in text.split("\n"):
        start, pos = pos, pos + len(raw) + 1
        line = raw.strip()
        if not line:
            gap += 1
            continue
        start += len(raw) - len(raw.lstrip())
        out.append((line, start, start + len(line), gap))
        gap = 1
    return out


def _web_join(line: str, nxt: str) -> bool:
    """In a web page's text, whether ``nxt`` (on the very next line) continues ``line``:
    one of them is a short link text and ``line`` ends no sentence. Chinese is on one side
    of the break: between two Latin words the break is a space, and deleting it would join
    the words (``was\nadopted`` is no ``wasadopted``).

    >>> _web_join("采用", "Python"), _web_join("The plan was", "adopted in 2016.")
    (True, False)
    """
    if not (is_cjk(line[-1]) or is_cjk(nxt[0])):
        return False
    if line.endswith(_TERMINAL_END) or _closed(line, 1) or _is_heading(nxt):
        return False
    return len(line) <= _WEB_FRAGMENT or len(nxt) <= _WEB_FRAGMENT


def _latin_wrap(line: str, nxt: str) -> bool:
    """English hard-wrapped inside a sentence: ``line`` ends in a word or a comma and ``nxt``
    (on the very next line) starts with a lower-case word, which no sentence, heading or
    list item does.

    >>> _latin_wrap("The plan was", "adopted in 2016."), _latin_wrap("Results", "Methods")
    (True, False)
    """
    return (
        line[-1] in _LATIN_END
        and nxt[0] in _LOWER
        and (len(nxt) < 2 or nxt[1] in _LOWER or nxt[1] in " ,")
        and not _closed(line, 1)
    )


_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_LATIN_END = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,;")


def join_broken_lines(text: str) -> tuple[str, int]:
    """Join lines that a PDF or column layout broke inside a sentence or a word.

    A break between line *P* and the next non-empty line *N* (up to three blank lines
    apart) is joined when *P* ends with a Han character or a comma (not with 。！？；：”),
    *N* starts with a Han character, neither is a heading (``## …``, ``1 引言``, ``3.1.1 …``,
    ``（一）…``, ``一、…``, ``第二章…``), *P* is not a ``label:`` field or a photo credit
    (``…/摄``), and *P* reads like prose (has clause punctuation and at least 8 characters)
    or continues a line that was itself joined (narrow newspaper columns). Consecutive long
    lines that all end in a word (table rows) are kept apart. Short lines without
    punctuation (bylines, headlines) are real breaks. A line that starts with closing
    punctuation (``、法规``, ``，以及``, ``）``, ``]``) always continues the previous one, and
    a line ending with an opening mark (``《``, ``“``, ``[``) always goes on into the very next.
    Web text whose link texts sit on lines of their own (a short line followed by a line
    that starts with 、，。: ``制定\n“十三五”规划\n、…``) also joins, on lines with no blank
    line between them, every short line (25 characters or fewer) to its neighbours when the
    first ends no sentence. English wrapped inside a sentence (a line ending in a word or a
    comma, the next starting with a lower-case word) joins with a space. A number that an extractor put on its own line after a Latin letter (a sub- or superscript: ``广义货币M\\n2\\n增长``,
    ``（PM\\n2.5\\n）``) is joined back on both sides.

    Parameters
    ----------
    text : str
        Text with ``\\n`` line endings.

    Returns
    -------
    tuple of (str, int)
        The text and the number of breaks joined.

    Examples
    --------
    >>> join_broken_lines("深刻指出发展新质生产力的重大意义,\\n\\n对发展新质生产力提\\n\\n出明确要求,")[0]
    '深刻指出发展新质生产力的重大意义,对发展新质生产力提出明确要求,'
    >>> join_broken_lines("## 创新驱动新质生产力发展\\n\\n杨瑞龙 中国人民大学国家一级教授")[1]
    0
    >>> join_broken_lines("决定\\n制定\\n“十三五”规划\\n、推动发展[\\n1\\n]。")[0]
    '决定制定“十三五”规划、推动发展[1]。'
    """
    if "\n" not in text:
        return text, 0
    text, subscripts = _SUBSCRIPT_BREAK.subn(r"\1", text)
    lines = _filled_lines(text)
    web = _has_link_line(text)
    cuts: list[tuple[int, int]] = []  # spans (end of P, start of N) to delete
    joined = before_row = False
    for k in range(1, len(lines)):
        prev, _, prev_end, _ = lines[k - 1]
        line, start, _, gap = lines[k]
        after = lines[k + 1][3] if k + 1 < len(lines) else 2  # the text's end: a blank line
        ok = (gap == 1 and (prev.endswith(_OPENERS) or (web and _web_join(prev, line)))) or (
            gap <= _MAX_GAP and _should_join(prev, line, (gap, after), joined, before_row)
        )
        if ok:
            cuts.append((prev_end, start, ""))
        elif gap == 1 and _latin_wrap(prev, line):
            cuts.append((prev_end, start, " "))  # the break was a space: it stays one
            ok = True
        before_row, joined = _open_row(prev), ok
    if not cuts:
        return text, subscripts
    parts: list[str] = []
    last = 0
    for a, b, sep in cuts:
        parts.append(text[last:a] + sep)
        last = b
    parts.append(text[last:])
    return "".join(parts), len(cuts) + subscripts


# A short label opening a line or a sentence keeps its space: 目的 旨在…。方法 以…: one to
# four Han characters (no more) after the line's start or 。！？；; and before the space.
_MAX_LABEL = 4
_LABEL = "".join(
    rf"(?<!^[{HAN}]{{{k}}}[ \t])(?<![。！？；;][{HAN}]{{{k}}}[ \t])"
    for k in range(1, _MAX_LABEL + 1)
)
# A space run after a Han character and before one (but after a label), or after Chinese
# punctuation. Written with the space first and the look-behinds after it (equivalent to
# ``(?<=[Han])[ \t]+…``), so that re looks only at spaces instead of trying every position
# of an abstract; the label rule is look-behinds too, so that no match needs a Python call
# (a search then tells whether a line has a space to remove: see has_inline_spaces).
_PROSE_SPACE = lazy_pattern(
    rf"[ \t](?:(?<=[{HAN}][ \t]){_LABEL}[ \t]*(?=[{HAN}])|(?<=[，。、；：？！）》][ \t])[ \t]*"
    # a closing curly quote also ends English quotations: "students’ second" keeps its space
    rf"|(?<=[”’][ \t])[ \t]*+(?![A-Za-z0-9]))"
)
_REFERENCE = re.compile(r"\s*\[\d{1,3}\]")


def _prose_lines(text: str) -> list[str] | None:
    """The lines of ``text`` split, or ``None`` when none can hold a space to remove."""
    if text.isascii() or (" " not in text and "\t" not in text):  # see _PROSE_SPACE
        return None
    return text.split("\n")


def _is_prose_line(line: str) -> bool:
    """A line whose spaces :func:`remove_inline_spaces` looks at (see there)."""
    if (" " not in line and "\t" not in line) or _REFERENCE.match(line):
        return False
    return "。" in line or "，" in line or line.count(",") >= 2


def has_inline_spaces(text: str) -> bool:
    """Whether :func:`remove_inline_spaces` would remove a space from ``text``.

    Asks what it asks, but stops at the first space it would remove and builds no text:
    :func:`zhagen.text.clean.needs_cleaning` asks this of every abstract with a space
    (about one in seven), and most keep all of theirs (labels, Han next to Latin).

    >>> has_inline_spaces("政治局举行第十 一次集体学习，"), has_inline_spaces("目的 探讨。方法 采用。")
    (True, False)
    """
    search = _PROSE_SPACE().search
    return any(_is_prose_line(line) and search(line) for line in _prose_lines(text) or ())


def remove_inline_spaces(text: str) -> tuple[str, int]:
    """Remove spaces that a column layout left between Han characters inside prose lines.

    Only lines that read as prose (they contain 。 or ， or two ``,``; not reference entries)
    are touched, so bylines (``舒长江 陈军 艾育红``) and headlines with a space separator keep
    their spaces. Spaces between Han and Latin letters or digits (``规模化的 AI 算力``) stay,
    and so does the space after a label of up to four characters that opens a line or a
    sentence (structured abstracts: ``目的 旨在…。方法 以…``).

    Parameters
    ----------
    text : str
        Text with ``\\n`` line endings.

    Returns
    -------
    tuple of (str, int)
        The text and the number of space runs removed.

    Examples
    --------
    >>> remove_inline_spaces("中央政治局举行第十 一次集体学习,从理论 和实践结合上系统阐明,")
    ('中央政治局举行第十一次集体学习,从理论和实践结合上系统阐明,', 2)
    >>> remove_inline_spaces("舒长江 陈军 艾育红")
    ('舒长江 陈军 艾育红', 0)
    >>> remove_inline_spaces("the students’ second language, its “MDL” stages, and more")[1]
    0
    >>> remove_inline_spaces("目的 探讨交互设计。方法 采用实验法，比较两组。")[1]
    0
    """
    lines = _prose_lines(text)
    if lines is None:
        return text, 0
    total = 0
    for i, line in enumerate(lines):
        if _is_prose_line(line):
            lines[i], n = _PROSE_SPACE().subn("", line)
            total += n
    return ("\n".join(lines) if total else text), total


# ---------------------------------------------------------------- ASCII lines
_LINE_OPENS = frozenset("abcdefghijklmnopqrstuvwxyz]")  # _latin_wrap, _CONTINUATION
_LINE_ENDS = ("(", "[")  # the ASCII of _OPENERS


def quiet_ascii_lines(text: str) -> bool:
    """Whether no step of this module acts on an ASCII ``text`` of several lines, decided
    from its lines (``True``: none does; ``False``: ask each one).

    ``True`` when no line is blank, none has white space at its edges or is 80 code points or
    shorter (no furniture, running header, romanised title or sub- or superscript line is
    longer), none starts with a lower-case letter or ``]`` nor ends with ``(`` or ``[``
    (the only breaks :func:`join_broken_lines` joins in ASCII), and the text holds no
    ``#``, ``**`` or ``__`` (:func:`remove_markup`) nor anything that may start a licence
    block (:func:`remove_licence_footer`). Bylines, column breaks and spaces between Han
    characters need a non-ASCII character. The structured abstracts of Web of Science
    (``Background: …\\nMethods: …``) are such text.

    >>> quiet_ascii_lines("Background: " + "word " * 20 + "end.\\nMethods: " + "word " * 20 + "end.")
    True
    >>> quiet_ascii_lines("The plan was\\nadopted in 2016.")
    False
    """
    if "#" in text:  # one-character tests: memchr, unlike a two-character substring
        return False
    for line in text.split("\n"):
        if (
            len(line) <= _MAX_FURNITURE
            or line[0] in _LINE_OPENS
            or line.endswith(_LINE_ENDS)
            or line[0].isspace()
            or line[-1].isspace()
        ):
            return False
    if ("*" in text and "**" in text) or ("_" in text and "__" in text):
        return False
    return not _may_start_licence(text[-_MAX_LICENCE:])


# ---------------------------------------------------------------- markers
# Export markers: CNKI/Wanfang write "(#br)" for a paragraph break (an English abstract
# starts with "Abstract(#br)"), and "<正>" (or "‹正>") where an article without abstract
# starts its first paragraph.
_ABSTRACT_LABEL = re.compile(r"^\s*Abstract\s*\(#br\)\s*", re.IGNORECASE)
_BR = re.compile(r"\s*\(#br\)\s*", re.IGNORECASE)
_BODY_MARK = re.compile(r"[<‹〈＜]正[>›〉＞]\s*")
# the same mark found from its 正: re scans for a literal ten times faster than for a class
# (~0.1 µs for an abstract), and most Chinese texts hold 正 (正在, 真正) but no mark
_BODY_MARK_SEEN = re.compile(r"正(?<=[<‹〈＜]正)[>›〉＞]")


def has_markers(text: str) -> bool:
    """Whether :func:`remove_markers` would remove something from ``text`` (no text built).

    >>> has_markers("<正>近年来"), has_markers("正文"), has_markers("a(#br)b")
    (True, False, True)
    """
    if "#" in text and ("(#" in text or "（#" in text) and _BR.search(text):
        return True  # an Abstract(#br) label holds one too
    return "正" in text and _BODY_MARK_SEEN.search(text) is not None


def remove_markers(text: str) -> tuple[str, int]:
    """Remove export markers; return the text and the number removed.

    ``Abstract(#br)`` opening a text goes; ``(#br)`` elsewhere becomes the line break it
    stands for (nothing at the text's edges); ``<正>`` / ``‹正>`` go.

    Examples
    --------
    >>> remove_markers("Abstract(#br)We study it.")
    ('We study it.', 1)
    >>> remove_markers("BACKGROUND(#br)Many studies.(#br)")
    ('BACKGROUND\\nMany studies.', 2)
    >>> remove_markers("<正>近年来，数字经济快速发展。")
    ('近年来，数字经济快速发展。', 1)
    """
    n = 0
    if "#" in text:
        text, k = _ABSTRACT_LABEL.subn("", text, count=1)
        n += k
        if "(#" in text or "（#" in text:
            text, k = _BR.subn("\n", text)
            n += k
            stripped = text.strip("\n")
            text = stripped
    if "正" in text and _BODY_MARK_SEEN.search(text):
        text, k = _BODY_MARK.subn("", text)
        n += k
    return text, n


# ---------------------------------------------------------------- licence footers
# Wikisource appends a licence template to each document ("本作品是中华人民共和国的法律…属于
# 公有领域", "本作品在全世界都属于公有领域…", "Public domain", "false"): a block at the
# end that starts with 本作品/本模板/This work and names the licence.
_LICENCE_START = re.compile(r"(?:本作品|本模板|本作品来自|This work|This file)", re.IGNORECASE)
_LICENCE_WORDS = re.compile(
    r"(?:属于|屬於|进入|進入|归于|歸於)\s*(?:公有|公共)\s*(?:领域|領域)|public domain|"
    r"知识共享|知識共享|Creative Commons|CC[- ]BY|GNU Free Documentation|自由文档许可",
    re.IGNORECASE,
)
_MAX_LICENCE = 1500  # code points: a licence block is short; a report's last part is not


def remove_licence_footer(text: str) -> tuple[str, int]:
    """Remove a licence block at the end of a text; return the text and lines removed.

    The block starts at a line beginning with 本作品 / 本模板 / "This work" within the last
    1,500 characters, after some text, and runs to the end; it states a licence (属于公有
    领域, public domain, 知识共享, Creative Commons, CC BY, GNU FDL) and has no numbered
    heading. Wikisource's government reports end so.

    Examples
    --------
    >>> text = "正文。\\n\\n本作品在全世界都属于公有领域。\\n\\nPublic domain\\nfalse"
    >>> remove_licence_footer(text)
    ('正文。', 3)
    >>> remove_licence_footer("正文。\\n本作品讨论公有领域理论。\\n第二段。")[1]
    0
    """
    if "\n" not in text or not _may_start_licence(text[-_MAX_LICENCE:]):
        return text, 0
    if not _LICENCE_WORDS.search(text, max(len(text) - _MAX_LICENCE, 0)):
        return text, 0
    tail_from = max(len(text) - _MAX_LICENCE, 0)
    pos = text.find("\n", tail_from) + 1 if tail_from else text.find("\n") + 1
    while 0 < pos < len(text):
        if _LICENCE_START.match(text, pos) and _LICENCE_WORDS.search(text, pos):
            tail = text[pos:]
            if _licence_only(tail):
                head = text[:pos].rstrip()
                return head, sum(1 for line in tail.split("\n") if line.strip())
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return text, 0


def _may_start_licence(tail: str) -> bool:
    """Whether ``tail`` holds a phrase that can start a licence block (a cheap test that
    rules out nearly every text before the case-blind searches; casefold, as ``re``'s
    IGNORECASE, folds ſ to s and the Kelvin sign to k).

    >>> _may_start_licence("结语。\\nThis Work is in the public domain"), _may_start_licence("正文")
    (True, False)
    """
    if "本作品" in tail or "本模板" in tail:
        return True
    folded = tail.casefold()
    return "this work" in folded or "this file" in folded


def _licence_only(tail: str) -> bool:
    """A licence block has no numbered heading and no paragraph ending a report's prose."""
    return not any(_ENUMERATED().match(line.strip()) for line in tail.split("\n"))


# ---------------------------------------------------------------- markup, bylines, credits
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?=\S)", re.MULTILINE)
_MD_BOLD = re.compile(r"\*\*(?=\S)([^*\n]{1,200}?)(?<=\S)\*\*|__(?=\S)([^_\n]{1,200}?)(?<=\S)__")
_NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,4}"
_BYLINE = lazy_pattern(
    rf"[▶►■●◆]?\s*(?:[(（]\s*)?(?:本报|本刊|本台|新华社|人民日报)?(?:全媒体|融媒体)?(?:特约)?"
    rf"(?:(?:记者|記者|通讯员|通訊員|评论员|評論員)\s*[:：/／]?"
    rf"|(?:撰稿|作者|文|图|圖|文/图|文／图)\s*[:：/／])\s*"
    rf"{_NAME}(?:\s*[、,，\s]\s*{_NAME}){{0,4}}\s*(?:摄|攝|报道|報道)?\s*[)）]?"
)
_AUTHOR_NOTE = re.compile(
    r"[(（]\s*作者(?:单位|單位|系|为|為|是|简介|簡介)\s*[:：]?[^()（）]{2,80}[)）]"
)
_TITLES = (
    "教授|副教授|研究员|研究員|副研究员|副研究員|讲师|講師|院长|院長|所长|所長|书记|書記|"
    "主任|博士|博士生导师|博士生導師|主编|主編|总经理|總經理|董事长|董事長|理事长|理事長"
)
_BIO_LINE = lazy_pattern(rf"{_NAME}[ \t]+[^\s。！？；]{{4,40}}(?:{_TITLES})")
_TRAILING_CREDIT = lazy_pattern(
    rf"(?<=[。！？)）])\s*(?:新华社|本报|人民日报|中新社)?(?:全媒体|融媒体)?(?:记者|記者|摄影|攝影|通讯员)?"
    rf"\s*{_NAME}\s*[/／]\s*(?:摄|攝)$"
)
_MAX_BYLINE = 48


def _is_byline(line: str) -> bool:
    if len(line) > _MAX_BYLINE:
        return False
    return bool(
        _BYLINE().fullmatch(line)
        or _AUTHOR_NOTE.fullmatch(line)
        or _BIO_LINE().fullmatch(line)
        or (_CREDIT.search(line) is not None and not _SENTENCE.search(line))
    )


def remove_markup(text: str) -> tuple[str, int]:
    """Remove Markdown heading and bold marks from plain text; return it and marks removed.

    Only a text of several lines is looked at (a ``.txt`` body): ``# 标题`` → ``标题``,
    ``**编者按：**`` → ``编者按：``. A single ``*`` or ``#`` inside prose stays.

    Examples
    --------
    >>> remove_markup("# 新质生产力\\n\\n**编者按：**正文。")
    ('新质生产力\\n\\n编者按：正文。', 2)
    """
    if "\n" not in text or ("#" not in text and "**" not in text and "__" not in text):
        return text, 0
    text, n = _MD_HEADING.subn("", text)
    text, k = _MD_BOLD.subn(lambda m: m.group(1) or m.group(2), text)
    return text, n + k


def remove_bylines(text: str) -> tuple[str, int]:
    """Remove byline, author-note and photo-credit lines, and a photo credit ending a
    caption; return the text and the number removed.

    Bylines: ``▶ 本报记者 张伟``, ``文/张三``; author notes: ``(作者单位：南昌大学…)``,
    ``(作者系…副总经理)``; biographical bylines: ``刘冬梅 中国科学技术发展战略研究院…研究员``;
    photo credits: ``本报全媒体记者 史港泽摄`` alone, or ``…。新华社记者郭绪雷/摄`` ending a
    caption (the caption stays). Lines are removed only when the whole line has the shape,
    and only from a text of several lines (a document's body): a one-line field (a title
    such as ``我的导师 一位真正的教授``) is never a byline.

    Examples
    --------
    >>> remove_bylines("正文。\\n▶ 本报记者 张伟\\n图为车间。新华社记者郭绪雷/摄\\n(作者单位：南昌大学)")
    ('正文。\\n图为车间。', 3)
    """
    if "\n" not in text or text.isascii():  # a field is never a byline; every shape has Han
        return text, 0
    lines = text.split("\n")
    kept: list[str] = []
    n = 0
    for line in lines:
        s = line.strip()
        if s and _is_byline(s):
            n += 1
            continue
        if s.endswith(("摄", "攝")):
            new, k = _TRAILING_CREDIT().subn("", line)
            if k:
                n += k
                line = new.rstrip()
        kept.append(line)
    if not n:
        return text, 0
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip(), n


_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


# ---------------------------------------------------------------- column breaks
_COLUMN_LOOKAHEAD = 3  # paragraphs between a broken sentence and its continuation, at most
_MAX_FRAGMENT = 40


def _is_open_prose(par: str) -> bool:
    """A prose paragraph cut inside a sentence: ends on a Han character, has clauses."""
    return (
        len(par) >= 20
        and is_han(par[-1])
        and bool(_CLAUSE.search(par))
        and not _is_heading(par, 2)
        and not _CREDIT.search(par)
    )


def _is_fragment(par: str) -> bool:
    """The tail of a sentence set in another column: short, starts with a Han character
    (no sentence starts with what a cut word leaves: it has no subject marker), one
    sentence ending in 。 without a clause."""
    return (
        len(par) <= _MAX_FRAGMENT
        and is_han(par[0])
        and par.endswith("。")  # not 各位代表！, a paragraph of its own
        and len(_SENTENCE.findall(par)) == 1
        and not _CLAUSE.search(par[:-1])
        and not _is_heading(par)
    )


def rejoin_column_breaks(text: str) -> tuple[str, int]:
    """Join a sentence cut at a column end to its tail set after another block.

    Newspaper layouts continue a sentence in the next column, and text extraction puts a
    whole other block (a box, the next column's paragraph) between the two parts:
    ``…为新征程上推动高质量发展提`` / ``2023年中央经济工作会议强调,…加快发展。`` /
    ``供了科学指引。``. A paragraph that is prose and ends on a Han character is joined to
    the first short paragraph (one clause ending in 。) starting with a Han character among the next
    three, when every paragraph between them is complete (ends with 。！？). The paragraphs
    between move after the joined one.

    Examples
    --------
    >>> text = "会议阐明了科学内涵,为新征程上推动高质量发展提\\n\\n2023年会议强调,要以科技创新推动产业创新。\\n\\n供了科学指引。"
    >>> rejoin_column_breaks(text)
    ('会议阐明了科学内涵,为新征程上推动高质量发展提供了科学指引。\\n\\n2023年会议强调,要以科技创新推动产业创新。', 1)
    """
    if "\n" not in text or text.isascii():  # the cut paragraph ends on a Han character
        return text, 0
    pars = [p for p in re.split(r"\n[ \t]*\n+", text)]
    stripped = [p.strip() for p in pars]
    joins = 0
    i = 0
    while i < len(pars):
        s = stripped[i]
        if s and "\n" not in s and _is_open_prose(s):
            for j in range(i + 1, min(i + 1 + _COLUMN_LOOKAHEAD + 1, len(pars))):
                t = stripped[j]
                if t and "\n" not in t and _is_fragment(t) and j > i + 1:
                    pars[i] = s + t
                    stripped[i] = pars[i]
                    del pars[j], stripped[j]
                    joins += 1
                    break
                if not t or not t.endswith(("。", "！", "？", "”")):
                    break
        i += 1
    return ("\n\n".join(pars), joins) if joins else (text, 0)
