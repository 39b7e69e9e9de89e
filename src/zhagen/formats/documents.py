"""Readers for raw text documents: plain text, Markdown and JSON Lines.

Each reader yields :class:`zhagen.records.RawRecord` objects of ``type="document"`` whose
``text`` is the full text as found in the file: decoded (see :func:`zhagen.formats._io.decode`),
line endings normalised to ``\\n``, and otherwise untouched. Cleaning (繁→简, converter
garbage, line joins) is the job of ``zhagen.text``; this module never imports it.

>>> import io
>>> rec = next(read_txt(io.BytesIO("新质生产力\\r\\n正文。".encode("gb18030")), name="a.txt"))
>>> rec.title, rec.text
('新质生产力', '新质生产力\\n正文。')
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zhagen.errors import InputError
from zhagen.formats._io import Source, damaged_at, decode, iter_lines, read_bytes, source_name
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.limits import current as current_limits
from zhagen.records import Problem, RawRecord

__all__ = [
    "read_txt",
    "read_md",
    "read_jsonl",
    "markdown_to_text",
    "normalise_newlines",
    "guess_title",
    "JSONL_FIELDS",
]

_TITLE_MAX = 60
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DATE_ONLY = re.compile(r"^[\d\s年月日号.\-/:：,，星期周一二三四五六日天]+$")


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``.

    >>> normalise_newlines("a\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_title(line: str) -> bool:
    if not line or len(line) > _TITLE_MAX or _DATE_ONLY.match(line):
        return False
    if re.match(r"(?i)^(摘\s*要|关\s*键\s*词|(abstract|keywords)\b)", line):
        return False
    if line[-1] in "。；;，,：:、":
        return False
    if sum(line.count(p) for p in "，,；;。") > 1:
        return False
    return len(_HAN.findall(line)) >= 2 or len(re.findall(r"[A-Za-z]", line)) >= 3


def guess_title(text: str, fallback: str) -> str:
    """The first non-empty line of ``text`` if it looks like a title, else ``fallback``.

    A title is short (at most 60 characters), does not end like a sentence and is not a
    bare date. Markdown heading marks (``#``) and bold marks around the line are dropped.

    >>> guess_title("\\n# 新质生产力与科技创新\\n\\n正文……", "001")
    '新质生产力与科技创新'
    >>> guess_title("摘要：本文讨论了新质生产力的内涵，并提出建议。", "002")
    '002'
    """
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        line = re.sub(r"^#{1,6}\s+", "", line).strip()
        line = re.sub(r"^(\*\*|__)(.+)\1$", r"\2", line).strip()
        return line if _looks_like_title(line) else fallback
    return fallback


def _stem(label: str) -> str:
    return Path(label).stem or label


def _binary_ratio(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v\x1a") or ch == "\ufffd")
    return bad / len(sample)


def _decode_document(source: Source, label: str, fmt: str) -> tuple[str, list[Problem]]:
    """Read, decode and newline-normalise a whole text document; refuse empty or binary."""
    data = read_bytes(source, name=label)
    problems = []
    # zero padding (an interrupted copy): the text ends where it starts, as for exports
    damaged = data.find(b"\x00" * current_limits().nul_run)
    if damaged >= 0:
        data = data[:damaged]
        error = damaged_at(label, damaged)
        if not data.strip(b"\x00 \t\r\n"):
            raise error
        problems.append(Problem(file=label, zh=error.zh, en=error.en, code="damaged", record=1))
    if not data.strip():
        raise InputError(
            "文件为空，没有可导入的文字",
            "the file is empty; there is no text to import",
            file=label,
        )
    text, enc, bad = decode(data)
    if _binary_ratio(text) > 0.05:
        raise InputError(
            f"这不是文本文件（读作 .{fmt} 时大部分内容无法解码，可能是二进制文件被改了扩展名）；"
            "请确认文件类型，或先另存为 UTF-8 文本",
            f"this is not a text file (most of it cannot be decoded as .{fmt}; perhaps a binary "
            "file was renamed); check the file type, or save it as UTF-8 text first",
            file=label,
        )
    if bad:
        problems.append(
            Problem(
                file=label,
                zh=f"按 {enc} 解码时有 {bad} 个字节无法识别，已替换为 �；如文字有误，请另存为 UTF-8",
                en=f"{bad} bytes could not be decoded as {enc} and were replaced with �; "
                "if the text looks wrong, save the file as UTF-8",
                code="encoding-replaced",
                record=1,
            )
        )
    return normalise_newlines(text), problems


def read_txt(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a plain-text document as one record.

    The encoding is detected (UTF-8 with or without BOM, UTF-16, GB18030/GBK, Big5); line
    endings become ``\\n``. The title is the first non-empty line when it looks like a title,
    else the file name without its extension.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Yields
    ------
    RawRecord
        Exactly one, with ``format="txt"``, ``type="document"``, ``record=1``.

    Raises
    ------
    InputError
        The file is missing, unreadable, empty, too large or not text.

    Examples
    --------
    >>> import io
    >>> [r.title for r in read_txt(io.BytesIO("标题行\\n内容".encode()), name="x.txt")]
    ['标题行']
    """
    label = source_name(source, name)
    text, problems = _decode_document(source, label, "txt")
    yield RawRecord(
        source=label,
        record=1,
        format="txt",
        type="document",
        title=guess_title(text, _stem(label)),
        text=text,
        problems=problems,
    )


# --- Markdown ---------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]^]+\]:\s*\S+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_BULLET = re.compile(r"^\s*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]]+\]:\s*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|br|center|cite|code|dd|del|details|div|dl|dt|em|figcaption|"
    "figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|q|s|section|small|span|strike|"
    "strong|sub|summary|sup|table|tbody|td|th|thead|tr|tt|u|ul"
)
_HTML_ATTRS = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*"""
# bounded repeats keep the link patterns from going quadratic on a long run of "["
_INLINE = [
    (re.compile(r"!\[([^\]]{0,500})\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]{1,500})\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),  # link -> its text
    (re.compile(r"\[\^[^\]]{1,100}\]"), ""),  # footnote reference
    (re.compile(r"\[([^\]]{1,500})\]\[[^\]]{0,100}\]"), r"\1"),  # reference link
    (re.compile(r"<((?:https?|ftp)://[^>\s]+|[^>@\s]+@[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<!--.*?-->"), ""),  # HTML comment on one line
    (
        re.compile(rf"</?(?:{_HTML_TAGS}){_HTML_ATTRS}\s*/?>", re.I),
        "",
    ),  # HTML tag (not "a<b 且 b>c")
    (re.compile(r"(\*\*\*|___)(?!\s)(.+?)(?<!\s)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?!\s)(.+?)(?<!\s)\1"), r"\2"),
    (re.compile(r"\*(?![\s*])(.+?)(?<![\s*])\*"), r"\1"),
    (re.compile(r"(?<![A-Za-z0-9_])_(?![\s_])(.+?)(?<![\s_])_(?![A-Za-z0-9_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
]


def _md_inline(line: str) -> str:
    """Drop inline markup from one line; code spans keep their text verbatim."""
    parts = []
    pos = 0
    for m in _CODE_SPAN.finditer(line):
        parts.append(_md_plain(line[pos : m.start()]))
        parts.append(m.group(2))
        pos = m.end()
    parts.append(_md_plain(line[pos:]))
    out = "".join(parts)
    # a hard line break (two spaces or a backslash at the end) is markup too
    return out[:-1] if out.endswith("\\") else out.rstrip(" ") if out.endswith("  ") else out


def _md_plain(part: str) -> str:
    # escaped characters are hidden in a private-use plane so that no pattern matches them
    part = _ESCAPE.sub(lambda m: chr(0xF0000 + ord(m.group(1))), part)
    for pattern, repl in _INLINE:
        part = pattern.sub(repl, part)
    part = re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group()) - 0xF0000), part)
    return html.unescape(part)


def _md_front_matter(lines: list[str]) -> tuple[int, str]:
    """Skip YAML front matter; return (index of the first body line, its title if any)."""
    if not lines or lines[0].strip() != "---":
        return 0, ""
    for end in range(1, len(lines)):
        if lines[end].strip() in {"---", "..."}:
            title = ""
            for line in lines[1:end]:
                m = re.match(r"^title\s*:\s*(.*?)\s*$", line, re.I)
                if m:
                    title = m.group(1).strip("'\"")
            return end + 1, title
    return 0, ""


def _md_block(line: str, out: list[str], headings: list[tuple[int, str]]) -> None:
    """Convert one non-code Markdown line, appending to ``out`` (or nothing)."""
    if _REF_DEF.match(line) or _TABLE_SEP.match(line) or _HR.match(line):
        return
    if _SETEXT.match(line) and out and out[-1].strip():
        headings.append((1 if "=" in line else 2, out[-1].strip()))
        return
    m = _ATX.match(line)
    if m:
        text = _md_inline(m.group(2) or "")
        headings.append((len(m.group(1)), text.strip()))
        out.append(text)
        return
    line = _QUOTE.sub("", line)
    line = _FOOTNOTE_DEF.sub("", line)
    line = _BULLET.sub("", line)
    if line.strip().startswith("|") and line.strip().endswith("|") and len(line.strip()) > 1:
        cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
        out.append("\t".join(_md_inline(c.strip()) for c in cells))
        return
    out.append(_md_inline(line))


def markdown_to_text(md: str) -> tuple[str, str]:
    """Plain text and title of a Markdown document (title ``""`` when it has none).

    Headings, emphasis, list bullets, block quotes, tables, HTML tags and link targets
    are dropped; link and image texts, code spans and fenced code keep their text.

    >>> markdown_to_text("# 标题\\n\\n**加粗**和[链接](http://a.cn)\\n```\\ncode\\n```")
    ('标题\\n\\n加粗和链接\\ncode', '标题')
    """
    lines = normalise_newlines(md).split("\n")
    start, title = _md_front_matter(lines)
    out: list[str] = []
    headings: list[tuple[int, str]] = []
    fence = ""
    for line in lines[start:]:
        if fence:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = ""
            else:
                out.append(line)
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            continue
        _md_block(line, out, headings)
    if not title and headings:
        title = min(headings, key=lambda h: h[0])[1]
    return "\n".join(out).strip("\n"), title


def read_md(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a Markdown document as one record of plain text.

    Markup is dropped (``#``, ``*``, ``_``, ``>``, bullets, tables become tab-separated
    lines); links keep their text, fenced code keeps its lines. The title is the front
    matter ``title:``, else the highest-level heading, else the first short line, else the
    file stem.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Yields
    ------
    RawRecord
        Exactly one, with ``format="md"``, ``type="document"``, ``record=1``.

    Examples
    --------
    >>> import io
    >>> rec = next(read_md(io.BytesIO("# 报告\\n\\n见[附件](a.pdf)。".encode()), name="r.md"))
    >>> rec.title, rec.text
    ('报告', '报告\\n\\n见附件。')
    """
    label = source_name(source, name)
    raw, problems = _decode_document(source, label, "md")
    text, title = markdown_to_text(raw)
    yield RawRecord(
        source=label,
        record=1,
        format="md",
        type="document",
        title=title or guess_title(text, _stem(label)),
        text=text,
        problems=problems,
    )


# --- JSON Lines -------------------------------------------------------------------------

#: JSON field name (lower case) -> RawRecord attribute ("date" is turned into ``year``).
JSONL_FIELDS: dict[str, str] = {
    "title": "title",
    "标题": "title",
    "题名": "title",
    "content": "text",
    "text": "text",
    "body": "text",
    "正文": "text",
    "内容": "text",
    "全文": "text",
    "year": "year",
    "年份": "year",
    "date": "date",
    "日期": "date",
    "url": "url",
    "link": "url",
    "链接": "url",
    "author": "authors",
    "authors": "authors",
    "作者": "authors",
    "source": "venue",
    "venue": "venue",
    "来源": "venue",
    "keywords": "keywords",
    "keyword": "keywords",
    "关键词": "keywords",
    "abstract": "abstract",
    "摘要": "abstract",
    "doi": "doi",
}
_YEAR = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")
_SPLIT_NAMES = re.compile(r"\s*[;；、，\n|]\s*")
_SPLIT_KEYWORDS = re.compile(r"\s*[;；,，、\n|]+\s*")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return normalise_newlines(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return normalise_newlines("\n".join(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _extra_text(value: Any) -> str:
    """A field kept in ``extra``: text as is, lists and objects as JSON, null as ``""``."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return _as_text(value)


def _as_list(value: Any, splitter: re.Pattern[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        items = [v.get("name", "") if isinstance(v, dict) else _as_text(v) for v in value]
    else:
        text = _as_text(value)
        if splitter is _SPLIT_NAMES and _HAN.search(text):
            text = text.replace(",", "，")  # ASCII commas separate Chinese names only
        items = splitter.split(text)
    return [str(i).strip() for i in items if str(i).strip()]


def _as_year(value: Any) -> int | None:
    """A year from an int, a float, or a date string; ``None`` when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if 1000 <= value < 3000 else None  # also refuses inf and NaN
    m = _YEAR.search(str(value))
    return int(m.group(1)) if m else None


def _jsonl_fields(rec: RawRecord, obj: dict[str, Any]) -> tuple[Any, Any]:
    """Fill ``rec`` from a JSON object; return the raw (year, date) values."""
    year: Any = None
    date: Any = None
    taken: set[str] = set()
    for key, value in obj.items():
        target = JSONL_FIELDS.get(str(key).strip().lower())
        if target is None or target in taken:
            rec.extra[str(key)] = _extra_text(value)
            continue
        taken.add(target)
        if target == "year":
            year = value
        elif target == "date":
            date = value
            if value not in (None, ""):
                rec.extra[str(key)] = _extra_text(value)  # keep the full date, not only its year
        elif target == "authors":
            rec.authors = _as_list(value, _SPLIT_NAMES)
        elif target == "keywords":
            for kw in _as_list(value, _SPLIT_KEYWORDS):
                rec.keywords.setdefault("zh" if _HAN.search(kw) else "en", []).append(kw)
        else:
            setattr(rec, target, _as_text(value).strip() if target != "text" else _as_text(value))
    return year, date


def _jsonl_record(obj: dict[str, Any], label: str, lineno: int) -> RawRecord:
    rec = RawRecord(source=label, record=lineno, format="jsonl", type="document")
    year, date = _jsonl_fields(rec, obj)
    raw_year = year if year is not None else date
    rec.year = _as_year(raw_year)
    if rec.year is None and raw_year not in (None, ""):
        rec.extra.setdefault("year", _extra_text(raw_year))
        rec.problems.append(
            Problem(
                file=label,
                zh=f"第 {lineno} 行的年份/日期 {raw_year!r} 无法识别，已留空",
                en=f"line {lineno}: year/date {raw_year!r} not understood; left empty",
                code="bad-year",
                record=lineno,
                line=lineno,
            )
        )
    if not rec.text.strip():
        rec.problems.append(
            Problem(
                file=label,
                zh=f"第 {lineno} 行没有正文（content/text/body/正文 字段为空或缺失）",
                en=f"line {lineno} has no text (content/text/body/正文 is empty or missing)",
                code="empty-text",
                record=lineno,
                line=lineno,
            )
        )
    if not rec.title:
        rec.title = guess_title(rec.text, f"{_stem(label)}:{lineno}")
    return rec


def _bad_line(label: str, lineno: int, why_zh: str, why_en: str) -> RawRecord:
    problem = Problem(
        file=label,
        zh=f"第 {lineno} 行{why_zh}，已跳过该行；请修正或删除这一行后重新导入",
        en=f"line {lineno} {why_en}; the line was skipped; fix or delete it and import again",
        severity="error",
        code="bad-json",
        record=lineno,
        line=lineno,
    )
    return RawRecord(
        source=label, record=lineno, format="jsonl", type="document", problems=[problem]
    )


def _parse_line(line: str, label: str, lineno: int) -> RawRecord:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        msg = getattr(exc, "msg", str(exc))
        col = getattr(exc, "colno", None)
        return _bad_line(
            label,
            lineno,
            f"不是有效的 JSON（{msg}，第 {col} 列）",
            f"is not valid JSON ({msg}, column {col})",
        )
    if not isinstance(obj, dict):
        return _bad_line(
            label, lineno, "不是 JSON 对象（应为 {...}）", "is not a JSON object (expected {...})"
        )
    # a \\uD800-\\uDFFF escape not in a valid pair gives a lone surrogate, which no UTF-8
    # text (nor the store) can hold: only a line with such an escape can have one
    lone = _SURROGATE_ESCAPE.search(line) is not None and _has_surrogate(obj)
    if lone:
        obj = _scrub(obj)
    rec = _jsonl_record(obj, label, lineno)
    if lone:
        rec.problems.append(
            Problem(
                file=label,
                zh=f"第 {lineno} 行含有不成对的 UTF-16 代理转义（如 \\udc00），已替换为 �",
                en=f"line {lineno} holds an unpaired UTF-16 surrogate escape (such as "
                "\\udc00); it was replaced by �",
                code="lone-surrogate",
                record=lineno,
                line=lineno,
            )
        )
    return rec


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _scrub(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD (json.loads pairs valid ones)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def read_jsonl(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read JSON Lines: one document per line, ``record`` = line number.

    Field names are matched case-insensitively (see :data:`JSONL_FIELDS`): ``title``/标题;
    ``content``/``text``/``body``/正文 → ``text``; ``year``/``date``/年份 (a date gives its
    year and is also kept whole in ``extra``; ``null`` gives ``None``; ``year`` wins over
    ``date`` unless it is ``null``); ``url``/``link``; ``author(s)``/作者; ``source``/
    ``venue``/来源; ``keywords``/关键词. Other fields go to ``extra`` as text.

    A line that is not a JSON object is yielded as an empty record carrying one Problem of
    severity ``"error"`` naming the line; the other lines still import. A line without
    text gets a ``"warning"``. Blank lines are skipped. The file is streamed.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Raises
    ------
    InputError
        The file is unreadable or empty, or no line at all is a JSON object.

    Examples
    --------
    >>> import io
    >>> data = '{"标题": "报告", "正文": "内容", "date": "2024-03-05"}\\n'.encode()
    >>> [(r.title, r.text, r.year) for r in read_jsonl(io.BytesIO(data), name="a.jsonl")]
    [('报告', '内容', 2024)]
    """
    label = source_name(source, name)
    pending: list[RawRecord] = []  # bad lines before the first good one
    good = False
    for lineno, line in iter_lines(source, name=label):
        if not line.strip():
            continue
        rec = _parse_line(line, label, lineno)
        is_bad = any(p.severity == "error" for p in rec.problems)
        if not good and is_bad:
            pending.append(rec)
            continue
        if not good:
            good = True
            yield from pending
        yield rec
    if not good:
        _raise_no_records(label, pending)


def _raise_no_records(label: str, bad: list[RawRecord]) -> None:
    if not bad:
        raise InputError(
            "文件为空，没有可导入的记录",
            "the file is empty; there are no records to import",
            file=label,
        )
    line = bad[0].record
    raise InputError(
        f"这不是 JSON Lines 文件：{len(bad)} 个非空行中没有一行是 JSON 对象（第一处在第 {line} 行）；"
        "每行应是一个 {...} 对象，请检查文件类型",
        f"this is not a JSON Lines file: none of its {len(bad)} non-blank lines is a JSON object "
        f"(first at line {line}); each line must be one {{...}} object; check the file type",
        file=label,
        line=line,
    )


_JSON_OBJECT = re.compile(r'\{\s*"[^"\n]*"\s*:')


def _sniff_jsonl(head: Head) -> Sniff:
    """JSON Lines: the first line is a JSON object (or, cut off by the head's end, starts
    like one)."""
    first = head.first
    if not _JSON_OBJECT.match(first):
        return NO
    try:
        whole = isinstance(json.loads(first), dict)
    except ValueError:
        whole = False
    if whole:
        return Sniff(0.95, "the first line is a JSON object")
    return Sniff(0.6, "the first line starts like a JSON object")


#: What this module reads (see :mod:`zhagen.formats.detect`): prose (by extension; any text
#: no other format claims is read as ``txt``) and JSON Lines.
FORMAT_SPECS = (
    FormatSpec("txt", __name__, "read_txt", (".txt", ".text"), prose=True),
    FormatSpec("md", __name__, "read_md", (".md", ".markdown"), prose=True),
    FormatSpec("jsonl", __name__, "read_jsonl", (".jsonl", ".ndjson"), _sniff_jsonl),
)
