"""How the fields of a bibliographic database record map onto a RawRecord.

The rules Web of Science and Scopus share: language names as ISO codes
(:func:`language_code`, :func:`guess_language`), keyword fields split and grouped by
language (:func:`split_keywords`, :func:`by_language`), document types (:func:`doc_type`)
and retractions (:func:`retraction`, :func:`retraction_problem`). And the Web of Science
mapping itself: :mod:`zhagen.formats.wos` cuts a file into records of ``tag -> value``
(plain text and tab-delimited); :func:`wos_fields` and :func:`wos_record` turn one such
record into a :class:`~zhagen.records.RawRecord` (see the mapping in that module's
docstring).

>>> language_code("Chinese"), doc_type("Proceedings Paper"), split_keywords("创新；政策; AI")
('zh', 'conference', ['创新', '政策', 'AI'])
>>> by_language(["新质生产力", "innovation"], "新质生产力; innovation")
{'zh': ['新质生产力'], 'en': ['innovation']}
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import contains

from zhagen.records import Problem, RawRecord

__all__ = ["language_code", "guess_language", "split_keywords", "by_language", "doc_type",
           "retraction", "retraction_problem", "wos_fields", "wos_record", "wos_problem",
           "LIST_TAGS", "TAG_KEYS"]  # fmt: skip

#: Fields whose lines (plain text) or ``; ``-separated parts (tab-delimited) are items.
LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "C1", "CR"})
_LIST_KEYS = frozenset(tag.lower() for tag in LIST_TAGS)
#: A field tag that has been checked (see ``wos._check_tags``) -> its key in ``extra`` (the
#: tag in lower case). Grows at run time, to at most 36 × 36 tags.
TAG_KEYS: dict[str, str] = {}
_WRAP = 80  # WoS wraps at 75 characters; a longer line ends a paragraph
_CONT = "\n   "  # separates the lines of a field value (see wos_fields)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KEYWORD_SEP = re.compile(r"[;；]")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

_LANGS = {
    "english": "en", "chinese": "zh", "中文": "zh", "英文": "en", "japanese": "ja",
    "korean": "ko", "german": "de", "french": "fr", "spanish": "es", "portuguese": "pt",
    "russian": "ru", "italian": "it", "dutch": "nl", "polish": "pl", "turkish": "tr",
    "czech": "cs", "arabic": "ar", "persian": "fa", "ukrainian": "uk", "hungarian": "hu",
    "swedish": "sv", "croatian": "hr", "slovenian": "sl", "serbian": "sr", "malay": "ms",
    "indonesian": "id", "greek": "el", "romanian": "ro", "slovak": "sk", "norwegian": "no",
    "danish": "da", "finnish": "fi", "hebrew": "he", "catalan": "ca", "vietnamese": "vi",
    "thai": "th", "lithuanian": "lt",
}  # fmt: skip

_DOC_TYPES = {
    "proceedings paper": "conference", "meeting abstract": "conference",
    "meeting summary": "conference", "conference paper": "conference",
    "conference review": "conference", "book": "book", "book chapter": "book",
    "patent": "patent", "thesis": "thesis", "dissertation": "thesis", "report": "report",
    "standard": "standard", "期刊": "journal", "期刊论文": "journal", "学位论文": "thesis",
    "博士论文": "thesis", "硕士论文": "thesis", "会议论文": "conference", "会议": "conference",
    "报纸": "newspaper", "图书": "book", "专著": "book", "专利": "patent", "标准": "standard",
    "年鉴": "yearbook", "报告": "report",
}  # fmt: skip
_PT_TYPES = {"J": "journal", "B": "book", "S": "book", "P": "patent", "C": "conference"}

_MESSAGES = {
    "wos-truncated": (
        "这条记录没有 ER 结束行（文件可能被截断，或几个文件拼接时出错）；已导入现有字段，"
        "请检查这条记录是否完整，必要时重新导出",
        "the record has no closing ER line (the file may be truncated or badly concatenated); "
        "the fields present were imported; check the record and re-export if needed",
    ),
    "wos-stray-line": (
        "这一行既不是字段（两个大写字母加空格开头）也不是续行（三个空格开头），已并入上一字段；"
        "文件可能被手工编辑过",
        "this line is neither a field (two capitals and a space) nor a continuation (three "
        "spaces); it was added to the previous field; was the file edited by hand?",
    ),
    "wos-no-title": ("这条记录没有题名（TI）", "the record has no title (TI)"),
    "wos-no-year": (
        "这条记录没有出版年（PY），时间分析将跳过它",
        "the record has no publication year (PY); time-based analyses will skip it",
    ),
    "wos-retracted": (
        "这篇文献已被撤稿（文献类型：{dt}）；引用或分析前请核实",
        "this article has been retracted (document type: {dt}); check before citing or "
        "analysing it",
    ),
    "wos-retraction-notice": (
        "这条记录是撤稿声明或关注声明（文献类型：{dt}），不是研究论文",
        "this record is a retraction notice or expression of concern (document type: {dt}), "
        "not a research article",
    ),
    "wos-year-repaired": (
        "出版年（PY）不是四位数字，已从 {src} 字段取得年份 {year}",
        "the publication year (PY) is not four digits; took year {year} from {src}",
    ),
}


def _has_han(text: str) -> bool:
    """True if ``text`` contains a Chinese character."""
    return not text.isascii() and _HAN.search(text) is not None


def language_code(name: str) -> str:
    """ISO 639-1 code for a language name as WoS/Scopus spell it; unknown names unchanged."""
    first = _KEYWORD_SEP.split(name, 1)[0].strip()
    return _LANGS.get(first.lower(), first)


def split_keywords(text: str) -> list[str]:
    """Split a keyword field on ``;`` or ``；``, strip the parts and drop empty ones."""
    if "；" in text:
        parts = _KEYWORD_SEP.split(text)
    elif text.count("; ") == text.count(";"):
        parts = text.split("; ")  # the usual spelling: fewer parts to strip (copy)
    else:
        parts = text.split(";")
    return list(filter(None, map(str.strip, parts)))


def by_language(keywords: list[str], text: str) -> dict[str, list[str]]:
    """Group keywords as ``zh`` (with a Han character) or ``en``; ``text`` is all of them."""
    if not _has_han(text):
        return {"en": keywords}
    out: dict[str, list[str]] = {}
    for kw in keywords:
        out.setdefault("zh" if _has_han(kw) else "en", []).append(kw)
    return out


def guess_language(title: str) -> str:
    """``zh`` for a title with Chinese characters, ``en`` for another title, else ``""``."""
    return ("zh" if _has_han(title) else "en") if title else ""


def doc_type(dt: str, pt: str = "") -> str:
    """Map a document type (first ``;`` part) and WoS ``PT`` code onto ``DOC_TYPES``."""
    first = _KEYWORD_SEP.split(dt, 1)[0].strip().lower()
    if first in _DOC_TYPES:
        return _DOC_TYPES[first]
    return _PT_TYPES.get(pt.strip().upper()[:1], "journal" if first else "other")


def retraction(dt: str, title: str = "") -> str:
    """``wos-retracted`` for a retracted article, ``wos-retraction-notice`` for the notice of
    a retraction (or an expression of concern), else ``""``: from the document types as
    given (any ``;`` part) or a title that WoS prefixes with ``RETRACTED``.

    >>> retraction("Article; Retracted Publication"), retraction("Retraction"), retraction("Review")
    ('wos-retracted', 'wos-retraction-notice', '')
    """
    parts = {p.strip().lower() for p in _KEYWORD_SEP.split(dt)}
    if parts & {"retracted publication", "retracted", "retracted article"}:
        return "wos-retracted"
    if parts & {"retraction", "expression of concern", "retraction notice"}:
        return "wos-retraction-notice"
    if title.startswith(("RETRACTED:", "RETRACTED ARTICLE")):  # upper case: WoS's own mark
        return "wos-retracted"
    return ""


def retraction_problem(dt: str, title: str, label: str, number: int) -> Problem | None:
    """The warning that makes a retraction (see :func:`retraction`) visible, or ``None``."""
    flag = retraction(dt, title)
    return wos_problem(flag, label, number, None, dt=dt or "RETRACTED") if flag else None


def wos_problem(code: str, label: str, number: int, line: int | None, **fmt: object) -> Problem:
    zh, en = _MESSAGES[code]
    return Problem(label, zh.format(**fmt), en.format(**fmt), "warning", code, number, line)


def _items(value: str) -> list[str]:
    """The non-empty lines of a field value (see :func:`wos_fields`), stripped."""
    if "\n" not in value:
        value = value.strip()
        return [value] if value else []
    return list(filter(None, map(str.strip, value.split(_CONT))))


def _join_wrapped(lines: list[str]) -> str:
    """Undo soft wraps: a space between lines, nothing between two CJK characters."""
    if len(lines) == 1:
        return lines[0]
    joined = " ".join(lines)
    if joined.isascii():
        return joined
    out = lines[0]
    for nxt in lines[1:]:
        if _CJK.match(out[-1]) and _CJK.match(nxt[0]):
            out += nxt
        else:
            out += " " + nxt
    return out


def _text(value: str) -> str:
    """A single-valued field: soft-wrapped lines joined, paragraph breaks kept as ``\\n``."""
    if "\n" not in value:
        return value.strip()
    lines = _items(value)
    if len(lines) < 2:
        return lines[0] if lines else ""
    if max(map(len, lines[:-1])) > _WRAP:
        return "\n".join(lines)
    return _join_wrapped(lines)


def _keywords(value: str) -> list[str]:
    """Keywords of a field value: lines joined as soft wraps, then split on ``;``."""
    if "\n" in value:
        lines = _items(value)
        value = _join_wrapped(lines) if lines else ""
    return split_keywords(value)


def _no_trailing_commas(authors: list[str]) -> list[str]:
    """Authors without the separators a converter left after them, empty ones dropped.

    >>> _no_trailing_commas(["梁玖,", "喻仲文,,", "Li, X"])
    ['梁玖', '喻仲文', 'Li, X']
    """
    return [a for a in (x.rstrip(",，;； ") for x in authors) if a]


def _affiliation(line: str) -> list[str]:
    """A ``C1`` line without its ``[authors]`` prefix (Chinese lists split on ``;``)."""
    if line.startswith("["):
        end = line.find("]")
        if end > 0:
            line = line[end + 1 :].strip()
    if _has_han(line):
        return split_keywords(line)
    return [line] if line else []


def _year(fields: dict[str, str], rec: RawRecord) -> bool:
    """Set ``rec.year``; return True if ``PY`` was used verbatim."""
    py = fields.get("py", "")
    if len(py) == 4 and py.isdigit():
        rec.year = int(py)
        return True
    for tag, key in (("PY", "py"), ("EA", "ea"), ("PD", "pd")):
        match = _YEAR.search(fields.get(key, ""))
        if match:
            rec.year = int(match.group(1))
            code = "wos-year-repaired"
            rec.problems.append(
                wos_problem(code, rec.source, rec.record, None, src=tag, year=rec.year)
            )
            return False
    rec.problems.append(wos_problem("wos-no-year", rec.source, rec.record, None))
    return False


def wos_record(fields: dict[str, str], label: str, number: int, fmt: str) -> RawRecord:
    """Build a RawRecord from ``fields`` (see :func:`wos_fields`), which becomes its ``extra``.

    The fields that a RawRecord attribute holds are taken out of ``fields`` (``pop``); what
    remains, its values of several lines joined, is ``extra``.
    """
    pop = fields.pop
    rec = RawRecord(label, number, fmt)
    full = _items(fields["af"]) if "af" in fields else []
    if full:
        rec.authors = full
        del fields["af"]
    else:
        rec.authors = _items(pop("au", ""))
    if any(a[-1] in ",，;；" for a in rec.authors):  # CiteSpace's CNKI conversion: "梁玖,"
        rec.authors = _no_trailing_commas(rec.authors)
    rec.title = title = _text(pop("ti", ""))
    rec.venue = _text(pop("so", ""))
    rec.volume = _text(pop("vl", ""))
    rec.issue = _text(pop("is", ""))
    rec.abstract = _text(pop("ab", ""))
    rec.doi = _text(pop("di", ""))
    rec.issn = _text(pop("sn", ""))
    value = pop("cr", "")
    if value:
        rec.cited_refs = _items(value)
    value = pop("de", "")
    own: list[str] = []
    if value and (own := _keywords(value)):
        rec.keywords = by_language(own, value)
    value = pop("id", "")
    if value and (plus := _keywords(value)):
        rec.keywords["plus"] = plus
    if not title:
        rec.problems.append(wos_problem("wos-no-title", label, number, None))
    if _year(fields, rec):
        del fields["py"]
    rec.extra = extra = _extra(fields)
    get = extra.get
    begin, end = get("bp", ""), get("ep", "")
    rec.pages = f"{begin}-{end}" if begin and end else begin or end
    rec.issn = rec.issn or get("ei", "")
    value = get("c1")
    if value:
        # one institution once: CiteSpace's CNKI conversion repeats it (once per author)
        found = [a for line in value.split("\n") for a in _affiliation(line)]
        rec.affiliations = list(dict.fromkeys(found)) if len(found) > 1 else found
    # the document types stay in extra["dt"] as given (Review, Proceedings Paper …);
    # ``type`` is their normalised form; a retraction is flagged on the record
    dt = get("dt", "")
    rec.type = doc_type(dt, get("pt", ""))
    flagged = retraction_problem(dt, title, label, number)
    if flagged is not None:
        rec.problems.append(flagged)
    la = get("la")
    rec.lang = language_code(la) if la else guess_language(title)
    if get("ut", "")[:5].upper() == "CNKI:":
        rec.format = "cnki-citespace"
        if "en" in rec.keywords and "zh" in rec.keywords:
            # DE is CNKI's Chinese keyword line here: a Latin-script keyword on it
            # (ChatGPT, SWOT) is a Chinese-side keyword, as in the CNKI readers
            rec.keywords["zh"] = [k for k in own if k]
            del rec.keywords["en"]
    return rec


def wos_fields(fields: dict[str, str]) -> dict[str, str]:
    """``tag -> value`` (lines separated by ``\\n``) as :func:`wos_record` takes it: lower-case
    tags; values stripped, each line break followed by three spaces (as a continuation line
    in the file, so that a value's lines are ``value.split("\\n   ")``, to be stripped)."""
    stripped = ((tag, value.strip()) for tag, value in fields.items())
    return {
        TAG_KEYS.get(tag) or tag.lower(): value.replace("\n", _CONT)
        for tag, value in stripped
        if value  # an empty field is as good as none
    }


def _extra(fields: dict[str, str]) -> dict[str, str]:
    """The fields left for ``extra``, changed in place: the lines of a list field stripped,
    those of another field joined (:func:`_text`). (No value is empty: see wos_fields.)"""
    several = list(compress(fields, map(contains, fields.values(), repeat("\n"))))
    for key in several:
        value = fields[key]
        fields[key] = "\n".join(_items(value)) if key in _LIST_KEYS else _text(value)
    return fields
