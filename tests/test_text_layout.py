"""The pre-checks of text/layout.py decide exactly as the full line patterns they guard."""

from __future__ import annotations

import importlib
import re

from zhagen.text.layout import remove_inline_spaces

# ---------------------------------------------------------------- layout pre-checks
L = importlib.import_module("zhagen.text.layout")
FURNITURE = [
    "12", "- 12 -", "第 3 页", "Page 3 of 12", "p. 4", "3/12", "(责任编辑 迟凤玲)", "（责任编辑：张三）",
    "编审 郑颖 责任编辑 易江然子", "美术编辑 王楠", "版式设计 李", "校对：王五", "电话", "邮箱",
    "(0791)86847609", "电话：010-12345678", "E-mail: jxrbllb@163.com", "联系电话：13912345678",
    "2024年4月1日 星期一", "第05版：理论", "江西日报 2024年4月1日 第5版", "１２", "第１２页", "٣",
]  # fmt: skip
LINE_CHARS = "0123456789１٣ pageofPAGEtelfax@.-/():：；，、（）—–·•\u3000第页頁年月日星期一版编編校辑電话邮新质研究𠀀ıK"


def _mutations(lines: list[str], alphabet: str, n: int, seed: int) -> list[str]:
    """The lines, and ``n`` more made by inserting, replacing or deleting a character."""
    import random

    rng = random.Random(seed)
    out = list(lines)
    for _ in range(n):
        s = rng.choice(out)
        i = rng.randint(0, len(s))
        c = rng.choice(alphabet)
        out.append(rng.choice([s[:i] + c + s[i:], s[:i] + c + s[i + 1 :], s[:i] + s[i + 1 :]]))
    return out


def test_furniture_precheck_is_exact() -> None:
    """The character pre-check of _is_furniture decides as the line shapes do, on furniture
    lines, titles with numbers and lines mutated a character at a time."""
    titles = ["新质生产力研究第123篇", "2035年远景目标研究", "5G技术与版权保护", "编辑出版学12讲"]
    lines = _mutations(FURNITURE + titles, LINE_CHARS, 20000, seed=3)
    hits = skipped = 0
    for line in lines:
        slow = len(line) <= 80 and bool(L._FURNITURE_HINT.search(line)) and L._furniture_shape(line)
        assert L._is_furniture(line) == slow, repr(line)
        hits += slow
        skipped += bool(L._PLAIN_FOREIGN.search(line)) and not any(c in line for c in "年版编編校")
    assert hits > 500 and skipped > 1000 and len(lines) - hits - skipped > 1000  # each branch


_OLD_PROSE_SPACE = re.compile(
    rf"[ \t](?:(?<=[{L.HAN}][ \t])[ \t]*(?=[{L.HAN}])|(?<=[，。、；：？！”’）》][ \t])[ \t]*)"
)


def _old_inline_spaces(line: str) -> tuple[str, int]:
    """The label rule as a Python check per match (the reference for the look-behinds)."""
    removed = 0

    def label_before(pos: int) -> bool:
        start = pos
        while start > 0 and pos - start <= 4 and L.is_han(line[start - 1]):
            start -= 1
        return 0 < pos - start <= 4 and (start == 0 or line[start - 1] in "。！？；;")

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        if L.is_han(line[m.start() - 1]) and label_before(m.start()):
            return m.group()
        removed += 1
        return ""

    return _OLD_PROSE_SPACE.sub(repl, line), removed


def test_inline_space_label_rule_is_exact() -> None:
    """remove_inline_spaces (label rule in look-behinds) and has_inline_spaces remove and find
    what the per-match check did, on labels of one to six characters after each stop."""
    seeds = [
        f"{stop}{'目的研究方法'[:k]}{sp}探讨，设计。" for stop in ("", "。", "；", ";", "，", "a", "𠀀")
        for k in range(1, 7) for sp in (" ", "  ", "\t", " \t")
    ] + ["中央政治局举行第十 一次集体学习，从理论 和实践", "规模化的 AI 算力，", "一， 二。 三"]  # fmt: skip
    texts = _mutations(seeds, "目的。；;，, \t𠀀aA1", 20000, seed=5)
    removed = 0
    for text in texts:
        expected = _old_inline_spaces(text) if L._is_prose_line(text) else (text, 0)
        assert remove_inline_spaces(text) == expected, repr(text)
        assert L.has_inline_spaces(text) == (expected[1] > 0), repr(text)
        removed += expected[1] > 0
    assert 1000 < removed < len(texts) - 1000
    two = "目的 探讨。\n理论 和实践结合上系统阐明 问题，"
    assert remove_inline_spaces(two) == ("目的 探讨。\n理论 和实践结合上系统阐明问题，", 1)
    assert L.has_inline_spaces(two)


def test_english_wrapped_inside_a_sentence_joins_with_a_space() -> None:
    from zhagen.text.layout import join_broken_lines
    from zhagen.text.sentences import sentences

    raw = (
        "The plan was\nadopted in 2016, and\nsigned later.\nResults\nMethods were\n"
        "1. introduction\nA list item\nanother one"
    )
    text, n = join_broken_lines(raw)
    assert text.startswith("The plan was adopted in 2016, and signed later.\nResults\n")
    assert "Methods were\n1. introduction\nA list item another one" in text and n == 3
    assert text.replace(" ", "").replace("\n", "") == raw.replace(" ", "").replace("\n", "")
    assert sentences(text)[0] == "The plan was adopted in 2016, and signed later."


def test_link_line_check_equals_the_line_pattern() -> None:
    """_has_link_line (from the punctuation line back) decides as the pattern that tried each
    line start: a line of 1-25 code points, then a line opening with 、，。；：）》”’."""
    import random

    pattern = re.compile(r"(?:^|\n)[^\n]{1,25}\n[ \t]*[、，。；：）》”’]")
    pieces = [
        "\n",
        "\n\n",
        " ",
        "\t",
        "、",
        "。",
        "”",
        "a",
        "新",
        "政府工作报告",
        "x" * 24,
        "y" * 26,
    ]
    rng = random.Random(5)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    found = 0
    for text in texts:
        assert L._has_link_line(text) == (pattern.search(text) is not None), repr(text)
        found += L._has_link_line(text)
    assert 1000 < found < len(texts) - 1000
