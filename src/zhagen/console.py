"""Printing for the CLI and the demo: the language of messages, and DataFrames as a terminal
table (CJK-width aware), CSV or JSON.

**Language.** Every message is a (Chinese, English) pair; :func:`say` picks what is printed,
decided in one place: ``--lang zh|en|both`` (:func:`set_lang`), else ``ZHAGEN_LANG``, else the
locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, then the process locale): Chinese when it names
Chinese (``zh_CN.UTF-8``, ``Chinese (Simplified)_China``), English otherwise (``C``/``POSIX``
included). ``both`` prints ``中文 / English``, as zhagen did before 0.2.

The table view never cuts a value: cells wrap inside their column so that the table fits the
terminal (``shutil.get_terminal_size``, which honours ``COLUMNS``); when even narrow columns do
not fit, each row is printed as a block of ``column: value`` lines instead. CSV and JSON are
exact: every character of every value, whatever the terminal.

>>> import io
>>> import pandas as pd
>>> out = io.StringIO()
>>> frame = pd.DataFrame({"id": [1], "zh": ["文件第 3 行没有标题，请补上标题后重新导入"]})
>>> print_frame(frame, out=out, width=24)
>>> print(out.getvalue(), end="")
id  zh
1   文件第 3 行没有标
    题，请补上标题后重新
    导入
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "print_frame",
    "display_width",
    "cell",
    "wrap",
    "terminal_width",
    "LANGS",
    "default_lang",
    "set_lang",
    "lang",
    "say",
]

#: The languages of printed messages: Chinese, English, or both (``中文 / English``).
LANGS = ("zh", "en", "both")
_chosen: str | None = None


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language when ``--lang`` is not given: ``ZHAGEN_LANG``, else the locale.

    >>> default_lang({"ZHAGEN_LANG": "both", "LANG": "en_US.UTF-8"})
    'both'
    >>> default_lang({"LANG": "zh_CN.UTF-8"}), default_lang({"LC_ALL": "C", "LANG": "zh_CN"})
    ('zh', 'en')
    >>> default_lang({"LANG": "de_DE.UTF-8"}), default_lang({"LANG": "C.UTF-8"})
    ('en', 'en')
    """
    env = os.environ if environ is None else environ
    chosen = env.get("ZHAGEN_LANG", "").strip().lower()
    if chosen in LANGS:
        return chosen
    # POSIX precedence: the first of these that is set decides
    name = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), None)
    if name is None and environ is None:  # Windows sets no variable: ask the process locale
        import locale

        name = locale.getlocale(locale.LC_CTYPE)[0] or ""
    return "zh" if (name or "").lower().startswith(("zh", "chinese")) else "en"


def set_lang(value: str | None) -> str:
    """Choose the language of messages (None: :func:`default_lang`); return it.

    >>> set_lang("en"), say("已编码", "coded")
    ('en', 'coded')
    >>> set_lang("both"), say("已编码", "coded")
    ('both', '已编码 / coded')
    >>> _ = set_lang(None)
    """
    global _chosen
    if value is not None and value not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {value!r}")
    _chosen = value
    return lang()


def lang() -> str:
    """The language messages are printed in: ``zh``, ``en`` or ``both``."""
    return _chosen or default_lang()


def say(zh: str, en: str) -> str:
    """The message in the chosen language (``中文 / English`` for ``both``).

    >>> _ = set_lang("zh"); say("已编码", "coded")
    '已编码'
    >>> _ = set_lang(None)
    """
    chosen = lang()
    if chosen == "zh":
        return zh
    if chosen == "en":
        return en
    return f"{zh} / {en}"


# A column narrower than this is unreadable once wrapped; below it rows become blocks.
_MIN_COLUMN = 10
# A column this narrow or less is kept whole when the table can afford it.
_COMFORT_COLUMN = 16
_GAP = "  "
# Chinese typesetting keeps these off the start of a line (禁则)
_NO_LINE_START = frozenset("，。、；：！？）》」』】”’…—%,.;:!?)]}")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters take two).

    >>> display_width("abc"), display_width("扎根"), display_width("ＡＢ")
    (3, 4, 4)
    """
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def terminal_width() -> int:
    """Width of the terminal in columns (``COLUMNS`` first; 80 when there is no terminal).

    >>> terminal_width() >= 1
    True
    """
    return max(1, shutil.get_terminal_size((80, 24)).columns)


def _text(value: Any) -> str:
    """A value as text: lists joined with ';', dicts as JSON, missing values empty."""
    if isinstance(value, list | tuple):
        return ";".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return "" if text in {"<NA>", "nan"} else text


def cell(value: Any, limit: int | None = None) -> str:
    """One table cell on one line: lists joined with ';', newlines flattened, floats short.

    ``limit`` cuts to that many columns with '…'; the table view no longer does this (it
    wraps), but a caller with one line to fill may.

    >>> cell(["新质生产力", "数字经济"]), cell(0.123456789), cell(None)
    ('新质生产力;数字经济', '0.1235', '')
    >>> cell("新质生产力", 7)
    '新质生…'
    """
    if isinstance(value, float) and value == value:
        value = f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    text = _text(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    if limit is None or display_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = _char_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns, losing no character.

    Latin words break at spaces (a word longer than the line is split); Chinese breaks between
    any two characters; explicit newlines are kept. Spaces at a break are the only characters
    not shown (the break stands for them).

    >>> wrap("Social network analysis of 新质生产力", 12)
    ['Social', 'network', 'analysis of', '新质生产力']
    >>> wrap("abcdefghij", 4)
    ['abcd', 'efgh', 'ij']
    >>> wrap("第一行\\n第二行", 20)
    ['第一行', '第二行']
    """
    width = max(width, 2)  # room for one wide character
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_line(para.replace("\t", " "), width))
    return lines


def _tokens(text: str) -> list[str]:
    """Runs of spaces, runs of narrow non-space characters (words), and single wide characters."""
    out: list[str] = []
    for ch in text:
        wide = _char_width(ch) == 2
        if (
            out
            and not wide
            and _char_width(out[-1][-1]) != 2
            and (out[-1][-1] == " ") == (ch == " ")
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _wrap_line(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    for tok in _tokens(text):
        w = display_width(tok)
        if used + w <= width:
            line, used = line + tok, used + w
            continue
        if not tok.strip(" "):  # the break replaces the space
            lines.append(line.rstrip(" ") or line)
            line, used = "", 0
            continue
        if line.strip():
            carry = ""
            if (
                tok[0] in _NO_LINE_START
                and len(line) > 1
                and line[-1] != " "
                and display_width(line[-1] + tok[0]) <= width
            ):
                # a line never starts with a closing mark: the character before it goes along
                line, carry = line[:-1], line[-1]
            lines.append(line.rstrip(" "))
            line, used = carry, display_width(carry)
        for ch in tok:  # a word longer than a line, or a wide character
            cw = _char_width(ch)
            if used + cw > width and line:
                lines.append(line)
                line, used = "", 0
            line, used = line + ch, used + cw
    lines.append(line.rstrip(" ") if line.strip() else line)
    return lines


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if value is None or (isinstance(value, float) and value != value):
        return None
    if str(value) == "<NA>":
        return None
    return value


def _csv_text(value: Any) -> str:
    """A CSV field: the exact value (``repr`` of a float round-trips; newlines kept)."""
    value = _plain(value)
    if isinstance(value, float):
        return repr(value)
    return _text(value)


def _table_text(value: Any) -> str:
    if isinstance(value, float) and value == value:
        return cell(value)
    return _text(value)


def _fit(natural: list[int], floors: list[int], room: int) -> list[int] | None:
    """Column widths that fit ``room``: narrow columns keep their width, wide ones share the
    rest; None when even the floors do not fit."""
    if sum(natural) <= room:
        return natural
    if sum(floors) > room:
        return None
    widths = list(floors)
    left = room - sum(widths)
    # the rest goes to the columns that want more, in proportion to what they lack, so the
    # long messages get most of it
    lack = [n - w for n, w in zip(natural, widths, strict=True)]
    total = sum(lack)
    for i, miss in enumerate(lack):
        widths[i] += min(miss, left * miss // total)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - natural[i]):
        add = min(spare, natural[i] - widths[i])
        widths[i] += add
        spare -= add
    return widths


def print_frame(
    df: pd.DataFrame, fmt: str = "table", *, out: TextIO | None = None, width: int | None = None
) -> None:
    """Print a DataFrame as ``table``, ``csv`` or ``json`` (lists stay lists in JSON).

    Parameters
    ----------
    df : pandas.DataFrame
        The rows to print.
    fmt : {"table", "csv", "json"}
        ``table`` wraps every value to fit ``width`` (nothing is cut); ``csv`` and ``json``
        are exact.
    out : TextIO, optional
        Where to write (standard output by default).
    width : int, optional
        Columns available to the table; the terminal's width by default.

    Examples
    --------
    >>> import io
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"term": ["=1+1"], "score": [0.123456789]})
    >>> out = io.StringIO()
    >>> print_frame(frame, "csv", out=out)
    >>> out.getvalue().splitlines()
    ['term,score', "'=1+1,0.123456789"]
    """
    out = out or sys.stdout
    if fmt == "json":
        records = [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        json.dump(records, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    if fmt == "csv":
        import csv

        from zhagen.formats.spreadsheet import safe_row

        writer = csv.writer(out)
        writer.writerow(safe_row(str(c) for c in df.columns))
        for row in df.itertuples(index=False):
            writer.writerow(safe_row(_csv_text(v) for v in row))
        return
    width = width or terminal_width()
    cols = [str(c) for c in df.columns]
    rows = [[_table_text(v) for v in row] for row in df.itertuples(index=False)]
    natural = [
        max(
            [display_width(c)]
            + [display_width(line) for r in rows for line in r[i].splitlines() or [""]]
        )
        for i, c in enumerate(cols)
    ]
    room = width - len(_GAP) * (len(cols) - 1)
    widths = None
    for least in _COMFORT_COLUMN, _MIN_COLUMN:  # short values (codes, dates) whole if possible
        floors = [min(n, max(least, display_width(c))) for n, c in zip(natural, cols, strict=True)]
        widths = _fit(natural, floors, room)
        if widths is not None:
            break
    if widths is None:
        _print_blocks(cols, rows, width, out)
        return
    _print_lines([wrap(c, w) for c, w in zip(cols, widths, strict=True)], widths, out)
    for r in rows:
        _print_lines([wrap(v, w) for v, w in zip(r, widths, strict=True)], widths, out)


def _print_lines(cells: list[list[str]], widths: list[int], out: TextIO) -> None:
    """One table row, as many terminal lines as its tallest wrapped cell."""
    for k in range(max(len(c) for c in cells) if cells else 0):
        parts = [_pad(c[k] if k < len(c) else "", w) for c, w in zip(cells, widths, strict=True)]
        out.write(_GAP.join(parts).rstrip() + "\n")


def _print_blocks(cols: list[str], rows: list[list[str]], width: int, out: TextIO) -> None:
    """Rows as blocks of ``column: value`` lines, for tables too wide to wrap readably."""
    label = max(display_width(c) for c in cols)
    room = max(width - label - 2, _MIN_COLUMN)
    for n, r in enumerate(rows, 1):
        out.write(f"-- {n} --\n")
        for c, v in zip(cols, r, strict=True):
            for k, line in enumerate(wrap(v, room)):
                head = _pad(c, label) + ": " if k == 0 else " " * (label + 2)
                out.write((head + line).rstrip() + "\n")
