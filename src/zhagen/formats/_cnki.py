"""What the CNKI export readers share: splitting lists, years and types, building records.

Every CNKI reader maps what it reads (a RefWorks tag, an EndNote tag, a NoteExpress field
name, an E-Study label, an Excel/CSV column header) onto a *canonical field* and hands the
fields to :func:`make_record`, so that the same value means the same thing whatever the
format. (Tagged exports are cut into records by :mod:`zhagen.formats._cnki_tagged`.)

Canonical fields (the keys of the ``fields`` mapping given to :func:`make_record`)::

    type srcdb title authors affiliations venue venue2 venue3 publisher year date volume
    issue pages startpage endpage keywords abstract doi issn url lang supervisor worktype
    cn place fund clc database title_en abstract_en keywords_en

Fields that ``RawRecord`` has no slot for go to ``RawRecord.extra`` under these names:
``supervisor`` (导师), ``degree`` (硕士/博士), ``publisher``, ``date`` (publication date),
``cn`` (国内统一刊号, or the patent number CNKI puts in the same field), ``place``, ``fund``,
``clc`` (中图分类号), ``database`` (e.g. CNKI), ``srcdb`` (来源库: 期刊, 年鉴 …),
``secondary_title``/``tertiary_title`` (when not used as the venue), ``type`` (a document
type zhagen does not know), ``type_of_work``, and the English title and abstract of a
Chinese record (Wanfang's ``{Translated Title}``/``{Translated Abstract}``) as ``title_en``
and ``abstract_en``; translated keywords (``keywords_en``) join the English keywords. Tags that map onto nothing are kept in
``extra`` under the tag as written in the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from zhagen.errors import InputError
from zhagen.records import Problem, RawRecord

__all__ = [
    "has_han",
    "split_authors",
    "split_affiliations",
    "split_keywords",
    "keywords_by_language",
    "keyword_sides",
    "CONTINUATION",
    "parse_year",
    "map_type",
    "map_lang",
    "label_field",
    "make_record",
    "no_records",
    "problem",
]

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: Line breaks: CR and LF, and those Word and Excel write inside a cell (vertical tab, form
#: feed, NEL, U+2028, U+2029). In a list field each separates items, as a lone CR does.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]+")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_BREAK_IN_LINE = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_SEMI = re.compile("[;；]")
_COMMA = re.compile("[,，]")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")


def has_han(text: str) -> bool:
    """Whether ``text`` contains a Han character (CJK ideograph).

    >>> has_han("虚拟现实"), has_han("Virtual reality")
    (True, False)
    """
    return _HAN.search(text) is not None


def _items(value: str, comma: bool) -> list[str]:
    """Split on line breaks, then on ``;`` (if any) or else on ``,`` (if ``comma``).

    >>> _items("数字经济\v新质生产力；创新\u2028驱动", comma=True)
    ['数字经济', '新质生产力', '创新', '驱动']
    """
    if not value.isprintable():  # C speed; every line break is unprintable
        lines = _LINE_BREAKS.split(value)
        if len(lines) > 1:
            return [i for part in lines for i in _items(part, comma)]
    if "；" in value:
        parts = _SEMI.split(value)
    elif ";" in value:
        parts = value.split(";")
    elif comma and ("," in value or "，" in value):
        parts = _COMMA.split(value)
    else:
        value = value.strip()
        return [value] if value else []
    return [p for p in map(str.strip, parts) if p]


def _dedup(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def split_authors(value: str) -> list[str]:
    """Authors from one field value: ``;`` separated, or ``,`` in old CNKI records.

    A Latin-script value without ``;`` is split on ``,`` only when every part looks like a
    full name (has a space), so that ``"Noh, Youngre"`` stays one author.

    >>> split_authors("唐伦;赵培培;赵国繁;")
    ['唐伦', '赵培培', '赵国繁']
    >>> split_authors("谢昕,王小增")
    ['谢昕', '王小增']
    """
    if ";" in value or "；" in value or has_han(value):
        return _items(value, comma=True)
    parts = _items(value, comma=True)
    if len(parts) > 1 and all(" " in p for p in parts):
        return parts
    return _items(value, comma=False)


def split_affiliations(value: str) -> list[str]:
    """Affiliations: ``;`` separated; ``,`` only in Chinese values; duplicates removed.

    >>> split_affiliations("南京工业大学;南京工业大学;")
    ['南京工业大学']
    >>> split_affiliations("Dept. of Planning, Texas A&M University, USA")
    ['Dept. of Planning, Texas A&M University, USA']

    An address after the institution stays with it (``机构!地址``, ``单位,城市 邮编``):

    >>> split_affiliations("南京大学!江苏南京,210093")
    ['南京大学!江苏南京,210093']
    >>> split_affiliations("南京大学信息管理学院,江苏南京 210023,东南大学")
    ['南京大学信息管理学院,江苏南京 210023', '东南大学']
    """
    semi = ";" in value or "；" in value
    comma = not semi and has_han(value)
    items = _items(value, comma=comma)
    if comma and len(items) > 1:
        items = _join_addresses(items, value)
    return _dedup(items)


# A place and a postcode ("江苏南京 210093", "210093"): the address of the institution
# before it in ``单位,城市 邮编`` (never an institution of its own).
# The place is short and names no body (学院, 公司 …), so that "北京中医药大学 100029" stays
# an institution.
_ADDRESS = re.compile(
    r"(?:(?![学院所司局部厅会社站馆厂校委队心])[\u4e00-\u9fff]){0,8}[ \u3000]*(\d{6})"
)


def _join_addresses(items: list[str], value: str) -> list[str]:
    """Comma-separated parts of one institution put back together: an address part (a
    place and postcode, see ``_ADDRESS``) joins the part before it, with the comma that
    separated them in ``value``.

    >>> _join_addresses(["南京大学信息管理学院", "江苏南京 210023"], "南京大学信息管理学院,江苏南京 210023")
    ['南京大学信息管理学院,江苏南京 210023']
    """
    out: list[str] = []
    for item in items:
        m = _ADDRESS.fullmatch(item) if out else None
        if m is None:
            out.append(item)
        elif m.group(1) not in out[-1]:  # (old records repeat the postcode on a new line)
            sep = "，" if out[-1] + "，" in value else ","
            out[-1] = out[-1] + sep + item
    return out


def split_keywords(value: str) -> list[str]:
    """Keywords: ``;;``, ``;`` or ``,`` separated; a line break also separates.

    >>> split_keywords("政府公共关系;;公共行政;;发展历程")
    ['政府公共关系', '公共行政', '发展历程']
    """
    return _items(value, comma=True)


def keywords_by_language(items: Iterable[str]) -> dict[str, list[str]]:
    """Group keywords by language (``zh`` if it has a Han character, else ``en``), de-duplicated.

    Only languages with at least one keyword appear in the result.

    >>> keywords_by_language(["虚拟现实", "VR", "虚拟现实"])
    {'zh': ['虚拟现实'], 'en': ['VR']}
    """
    out: dict[str, list[str]] = {}
    for kw in dict.fromkeys(items):  # de-duplicated, in order
        # isascii() is O(1); most Chinese keywords start with a common Han character, which
        # a comparison finds faster than the regex (this runs for every keyword of an export)
        if kw.isascii():
            lang = "en"
        elif "\u4e00" <= kw[0] <= "\u9fff" or _HAN.search(kw):
            lang = "zh"
        else:
            lang = "en"
        if lang in out:
            out[lang].append(kw)
        else:
            out[lang] = [kw]
    return out


#: What joins a continuation line (a line without a tag) to a keyword field's value, as
#: :mod:`zhagen.formats._cnki_tagged` writes it: a line break and a unit separator (which
#: ``str.strip`` drops), so that :func:`keyword_sides` can tell it from a repeated tag.
CONTINUATION = "\n\x1f"
_KW_SEPARATORS = frozenset(";；,，")


def keyword_sides(value: str, side: str = "zh") -> dict[str, list[str]]:
    """Keywords by the side of the field they are on, not by their script.

    CNKI writes a record's keywords as one Chinese line, then (a line without a tag, see
    :data:`CONTINUATION`) the English keywords. Every keyword of the first line is a
    Chinese-side keyword, Latin-script ones too (``SWOT``, ``MicroRNA``); ``side`` is the
    side of a first line without any Han character (``"zh"`` for a Chinese record, else
    ``"en"``). A later line is Chinese if it has a Han character, else English; an English
    continuation line that follows one not ending with a separator is the same keyword,
    wrapped (``Social Network`` / ``Analysis``). A repeated tag (``%K`` twice) is never
    joined to the line before. Duplicates are removed per side.

    >>> keyword_sides("知识图谱;SWOT;Primo" + CONTINUATION + "Knowledge graph;Social Network"
    ...               + CONTINUATION + "Analysis;SWOT")
    {'zh': ['知识图谱', 'SWOT', 'Primo'], 'en': ['Knowledge graph', 'Social Network Analysis', 'SWOT']}
    >>> keyword_sides("Fear;;Virtual reality", side="en")
    {'en': ['Fear', 'Virtual reality']}
    """
    if value.isprintable() or _LINE_BREAKS.search(value) is None:  # one line: the usual case
        items = split_keywords(value)
        return {("zh" if has_han(value) else side): _dedup(items)} if items else {}
    value = _OTHER_BREAKS.sub("\r", value)  # a break inside a line, as a lone CR
    pieces: list[list[str]] = []  # [side, text] of each line, wrapped lines joined
    for n, line in enumerate(value.split("\n")):
        cont = n > 0 and line.startswith("\x1f")
        for k, part in enumerate(line.split("\r")):  # a lone CR is a break inside the value
            text = part.strip()
            if not text:
                continue
            first = n == 0 and k == 0
            here = "zh" if has_han(text) else ("en" if not first else side)
            last = pieces[-1] if pieces else None
            if (
                (cont or k > 0)
                and last is not None
                and last[0] == here == "en"
                and last[1][-1] not in _KW_SEPARATORS
                and text[0] not in _KW_SEPARATORS
            ):
                last[1] += " " + text  # an English keyword wrapped onto the next line
            else:
                pieces.append([here, text])
    out: dict[str, list[str]] = {}
    for here, text in pieces:
        out.setdefault(here, []).extend(split_keywords(text))
    return {k: _dedup(out[k]) for k in sorted(out, key=lambda k: k != "zh") if out[k]}


def parse_year(value: str) -> int | None:
    """The first plausible year (1500–2199) in a value, or ``None``.

    >>> parse_year("2021-01-15 16:54"), parse_year("2024"), parse_year("")
    (2021, 2024, None)
    """
    if not value:
        return None
    if len(value) == 4 and value.isdigit():
        year = int(value)
        return year if 1500 <= year < 2200 else None
    m = _YEAR.search(value)
    return int(m.group(1)) if m else None


# Exact names first (lower case); then substrings, in order (年鉴 before 期刊 and so on).
_TYPE_EXACT = {
    "journal article": "journal",
    "journal": "journal",
    "magazine article": "journal",
    "dissertation/thesis": "thesis",
    "dissertation": "thesis",
    "thesis": "thesis",
    "conference proceedings": "conference",
    "conference paper": "conference",
    "newspaper article": "newspaper",
    "newspaper": "newspaper",
    "book": "book",
    "book section": "book",
    "book, whole": "book",
    "patent": "patent",
    "standard": "standard",
    "report": "report",
    "yearbook": "yearbook",
}
_TYPE_PARTS = (
    ("年鉴", "yearbook"),
    ("yearbook", "yearbook"),
    ("专利", "patent"),
    ("patent", "patent"),
    ("标准", "standard"),
    ("standard", "standard"),
    ("博士", "thesis"),
    ("硕士", "thesis"),
    ("学位", "thesis"),
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("会议", "conference"),
    ("conference", "conference"),
    ("proceedings", "conference"),
    ("报纸", "newspaper"),
    ("newspaper", "newspaper"),
    ("图书", "book"),
    ("book", "book"),
    ("成果", "report"),
    ("report", "report"),
    ("期刊", "journal"),
    ("journal", "journal"),
)


@functools.lru_cache(maxsize=512)
def map_type(value: str) -> str | None:
    """Map a CNKI or reference-manager document type onto zhagen's types, or ``None``.

    >>> map_type("Journal Article"), map_type("统计年鉴"), map_type("Dissertation/Thesis")
    ('journal', 'yearbook', 'thesis')
    """
    low = value.strip().lower()
    if not low:
        return None
    hit = _TYPE_EXACT.get(low)
    if hit:
        return hit
    for needle, kind in _TYPE_PARTS:
        if needle in low:
            return kind
    return None


_LANGS = {"中文": "zh", "汉语": "zh", "chinese": "zh", "zh": "zh", "chi": "zh", "英文": "en"}
_LANGS.update({"english": "en", "en": "en", "eng": "en", "英语": "en", "日文": "ja"})


@functools.lru_cache(maxsize=256)
def map_lang(value: str) -> str:
    """A language code for a language field value (``中文;`` → ``zh``); unknown values as is.

    >>> map_lang("中文;"), map_lang("English")
    ('zh', 'en')
    """
    items = _items(value, comma=True)
    if not items:
        return ""
    return _LANGS.get(items[0].lower(), items[0])


# Column headers and E-Study labels, by their Chinese or English part.
_LABELS = {
    "题名": "title", "篇名": "title", "标题": "title", "title": "title",
    "作者": "authors", "作者名": "authors", "责任者": "authors", "主要责任者": "authors",
    "author": "authors", "authors": "authors",
    "机构": "affiliations", "单位": "affiliations", "作者单位": "affiliations",
    "机构名称": "affiliations", "organ": "affiliations", "affiliation": "affiliations",
    "出版者": "publisher", "出版单位": "publisher", "出版社": "publisher", "publisher": "publisher",
    "文献来源": "venue", "来源": "venue", "刊名": "venue", "期刊名称": "venue",
    "报纸名称": "venue", "来源出版物": "venue", "学位授予单位": "venue", "source": "venue",
    "journal": "venue", "会议名称": "venue2",
    "年": "year", "年份": "year", "年度": "year", "出版年": "year", "发表年份": "year",
    "年鉴年份": "year", "year": "year",
    "出版时间": "date", "发表时间": "date", "出版日期": "date", "发表日期": "date",
    "pubtime": "date", "date": "date",
    "卷": "volume", "roll": "volume", "volume": "volume",
    "期": "issue", "period": "issue", "issue": "issue",
    "页码": "pages", "页": "pages", "page": "pages", "pages": "pages",
    "关键词": "keywords", "关键字": "keywords", "keyword": "keywords", "keywords": "keywords",
    "摘要": "abstract", "summary": "abstract", "abstract": "abstract",
    "来源库": "srcdb", "来源数据库": "srcdb", "数据库": "srcdb", "srcdatabase": "srcdb",
    "文献类型": "type", "类型": "type", "type": "type",
    "链接": "url", "网址": "url", "link": "url", "url": "url",
    "doi": "doi", "issn": "issn", "国际标准刊号": "issn", "issn号": "issn",
    "语种": "lang", "语言": "lang", "language": "lang",
    "导师": "supervisor", "tutor": "supervisor", "学位": "worktype", "学位类型": "worktype",
    "degree": "worktype", "基金": "fund", "fund": "fund",
    "中图分类号": "clc", "分类号": "clc", "clc": "clc",
    "统一刊号": "cn", "国内统一刊号": "cn", "cn": "cn",
    "英文篇名": "title_en", "英文题名": "title_en", "英文标题": "title_en",
    "英文关键词": "keywords_en", "英文摘要": "abstract_en",
}  # fmt: skip
_LABEL_SPLIT = re.compile(r"^([A-Za-z][A-Za-z ]*)-(.+)$")


def label_field(label: str) -> str | None:
    """The canonical field for a CNKI header or E-Study label, or ``None`` if unknown.

    Bilingual labels (``Title-题名``) are looked up by their Chinese part first, since CNKI
    reuses English parts (``PageCount-页码`` is the page range, ``PageCount-页数`` a count).

    >>> label_field("Title-题名"), label_field("篇名"), label_field("PageCount-页数") is None
    ('title', 'title', True)
    """
    label = label.strip().lstrip("\ufeff")
    m = _LABEL_SPLIT.match(label)
    if m:
        return _LABELS.get(m.group(2).strip().lower()) or _LABELS.get(m.group(1).lower())
    return _LABELS.get(label.lower())


# --- building a record ----------------------------------------------------------------

_CANONICAL = frozenset(
    "type srcdb title authors affiliations venue venue2 venue3 publisher year date volume "
    "issue pages startpage endpage keywords abstract doi issn url lang supervisor worktype "
    "cn place fund clc database title_en abstract_en keywords_en".split()
)
#: canonical field -> key in ``RawRecord.extra``
_EXTRA_KEYS = {
    "supervisor": "supervisor",
    "publisher": "publisher",
    "date": "date",
    "cn": "cn",
    "place": "place",
    "fund": "fund",
    "clc": "clc",
    "database": "database",
    "srcdb": "srcdb",
    "venue2": "secondary_title",
    "venue3": "tertiary_title",
    "worktype": "type_of_work",
    "title_en": "title_en",
    "abstract_en": "abstract_en",
}
_NOT_EXTRA = _CANONICAL - _EXTRA_KEYS.keys()
_MULTILINE_EXTRA = frozenset({"abstract_en"})


def _ol(text: str) -> str:
    """A one-line value: line breaks inside it (CRLF, LF or a lone CR) become one space."""
    if "\n" in text or "\r" in text:
        text = _BREAK_IN_LINE.sub(" ", text)
    return text.strip()


def _paragraphs(text: str) -> str:
    """A multi-line value: one paragraph per line; blank lines and indentation dropped."""
    if text.isprintable() or _LINE_BREAKS.search(text) is None:
        return text.strip()
    return "\n".join(p.strip() for p in _LINE_BREAKS.split(text) if p and not p.isspace())


def problem(
    file: str, record: int, line: int | None, code: str, zh: str, en: str, severity: str
) -> Problem:
    """A problem with one record."""
    return Problem(file=file, zh=zh, en=en, severity=severity, code=code, record=record, line=line)


def _other_venue(kind: str, fields: dict[str, str]) -> tuple[str, str]:
    """A venue when there is no journal name: proceedings, conference, university, paper."""
    order: tuple[str, ...] = ("venue3", "venue2") if kind == "conference" else ("venue2",)
    if kind in {"thesis", "newspaper", "book"}:
        order += ("publisher",)
    for key in order:
        venue = _ol(fields.get(key, ""))
        if venue:
            return venue, key
    return "", ""


def make_record(
    fields: dict[str, str],
    *,
    source: str,
    record: int,
    fmt: str,
    line: int | None = None,
    simple: bool = False,
) -> RawRecord:
    """Build a record from canonical fields (listed in the module docstring).

    ``fields`` maps a canonical field to its raw text; a field that occurs more than once
    (one ``%A`` line per author) is joined with ``\\n``, which also separates list items.
    Keys that are no canonical field go to ``RawRecord.extra`` (a leading ``~`` removed).
    ``simple`` promises that no value holds a line break (the RefWorks fast path).
    Problems found here (no title, a year that cannot be read) are attached to the record.

    >>> rec = make_record({"title": "新质生产力", "year": "2024", "authors": "张三;李四;"},
    ...                   source="a.txt", record=1, fmt="cnki-refworks")
    >>> rec.authors, rec.year, rec.lang
    (['张三', '李四'], 2024, 'zh')
    """
    get = fields.get
    ol = str.strip if simple else _ol
    raw_type = ol(get("type", ""))
    srcdb = get("srcdb")
    kind = (srcdb and map_type(ol(srcdb))) or map_type(raw_type)
    if not kind:
        kind = "other" if raw_type else "journal"
    venue, used = ol(get("venue", "")), "venue"
    if not venue:
        venue, used = _other_venue(kind, fields)
    title = ol(get("title", ""))
    abstract = get("abstract")
    abstract = _paragraphs(abstract) if abstract else ""
    authors, affiliations, keywords = get("authors"), get("affiliations"), get("keywords")
    pages, lang = get("pages") or get("endpage"), get("lang")
    rec = RawRecord(
        source=source,
        record=record,
        format=fmt,
        type=kind,
        title=title,
        authors=split_authors(authors) if authors else [],
        affiliations=split_affiliations(affiliations) if affiliations else [],
        venue=venue,
        volume=ol(get("volume", "")),
        issue=ol(get("issue", "")),
        pages=ol(pages) if pages else "",
        abstract=abstract,
        doi=ol(get("doi", "")),
        issn=ol(get("issn", "")),
        url=ol(get("url", "")),
        lang=(lang and map_lang(ol(lang))) or _guess_lang(title or abstract),
    )
    if keywords:
        rec.keywords = keyword_sides(keywords, "zh" if rec.lang == "zh" else "en")
    if "keywords_en" in fields:  # Wanfang's {Translated Keywords}: the English side
        _add_english(rec.keywords, fields["keywords_en"])
    if "startpage" in fields:  # RefWorks SP (start page) + OP (other/end page)
        rec.pages = "-".join(p for p in (ol(fields["startpage"]), rec.pages) if p)
    _set_year(rec, get("year"), get("date"), line)
    _set_extra(rec.extra, fields, kind, raw_type, used, simple)
    if not title:
        _no_title(rec, line)
    return rec


def _add_english(keywords: dict[str, list[str]], value: str) -> None:
    """Add translated keywords (Wanfang) to the English side, without repeats."""
    english = keywords.setdefault("en", [])
    english.extend(k for k in split_keywords(value) if k not in english)
    if not english:
        del keywords["en"]


def _set_year(rec: RawRecord, raw: str | None, date: str | None, line: int | None) -> None:
    if raw and len(raw) == 4 and "1500" <= raw < "2200" and raw.isdigit():
        rec.year = int(raw)  # the usual value, without the calls below
        return
    if raw:
        raw = _ol(raw)
        rec.year = parse_year(raw)
        if rec.year is None and raw:
            rec.problems.append(
                problem(
                    rec.source, rec.record, line, "bad-year",
                    f"年份“{raw}”无法识别，已留空",
                    f"the year {raw!r} is not understood; left empty",
                    "warning",
                )
            )  # fmt: skip
    if rec.year is None and date:
        rec.year = parse_year(date)


def _guess_lang(text: str) -> str:
    if not text:
        return ""
    return "zh" if has_han(text) else "en"


@functools.lru_cache(maxsize=1024)
def _extra_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of a record's fields that go to ``extra``, in file order.

    Cached by the record's keys: the records of one export come in a handful of shapes, and
    working this out anew for each of a million records cost a tenth of the reader's time.
    """
    return tuple(k for k in keys if k not in _NOT_EXTRA)


def _set_extra(
    extra: dict[str, str],
    fields: dict[str, str],
    kind: str,
    raw_type: str,
    used: str,
    simple: bool = False,
) -> None:
    """Fields without a slot in ``RawRecord`` (see the module docstring) and unknown tags.

    ``simple``: no value holds a line break, so that ``_ol`` and ``_paragraphs`` are ``strip``.
    """
    for key in _extra_keys(tuple(fields)):
        if key == used and key != "publisher":
            continue
        value = fields[key].strip() if simple else _ol(fields[key])
        if not value:
            continue
        name = _EXTRA_KEYS.get(key)
        if name is None:
            extra[key[1:] if key.startswith("~") else key] = (
                value if simple else _paragraphs(fields[key])
            )
        elif key in _MULTILINE_EXTRA:
            extra[name] = value if simple else _paragraphs(fields[key])
        elif key == "supervisor":
            extra[name] = "; ".join(split_authors(value))
        elif key == "worktype" and kind == "thesis":
            extra["degree"] = value
        else:
            extra[name] = value
    if raw_type and not map_type(raw_type):
        extra["type"] = raw_type
    srcdb = fields.get("srcdb", "")
    if kind == "thesis" and "degree" not in extra and ("博士" in srcdb or "硕士" in srcdb):
        extra["degree"] = "博士" if "博士" in srcdb else "硕士"


def _no_title(rec: RawRecord, line: int | None) -> None:
    if rec.abstract or rec.keywords or rec.authors:
        rec.problems.append(
            problem(
                rec.source, rec.record, line, "no-title",
                "该记录没有题名，已导入其余字段；请在知网核对原记录",
                "this record has no title; its other fields were imported (check it in CNKI)",
                "warning",
            )
        )  # fmt: skip
    else:
        rec.problems.append(
            problem(
                rec.source, rec.record, line, "empty-record",
                "该记录没有题名、作者、关键词或摘要，无法使用；请重新导出",
                "this record has no title, authors, keywords or abstract and cannot be used; "
                "export it again",
                "error",
            )
        )  # fmt: skip


def no_records(label: str, what_zh: str, what_en: str, empty: bool) -> InputError:
    """The error for a file in which no record of the expected format was found."""
    if empty:
        return InputError(
            "文件为空，没有可导入的记录",
            "the file is empty; there are no records to import",
            file=label,
        )
    return InputError(
        f"文件中没有找到任何{what_zh}记录；请确认文件格式，或在知网导出时重新选择该格式",
        f"no {what_en} records were found in this file; check the file's format, or export it "
        "from CNKI again in this format",
        file=label,
    )
