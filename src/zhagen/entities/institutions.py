"""Institutions and countries from affiliations: pure functions over strings.

CNKI affiliations are department-level and written inconsistently — ``清华大学经济管理学院``,
``清华大学 经济管理学院;北京100084``, ``南京大学!江苏南京,210093``. A map of institutions
counts the **top-level institution** by default (the university, academy, enterprise …):
the affiliation is cleaned (:func:`clean_affiliation`: NFKC, the address after ``!`` or
after a comma, postcodes and place names dropped, spaces between Chinese characters
removed), then cut after the first word that ends a top-level body (:data:`TOP_LEVEL`:
大学, 学院, 科学院, 研究院, 研究所, 公司, 集团, 医院 …; ``中国科学院大学`` stays whole, a
short campus name in brackets after a university is kept: ``中国石油大学(华东)``). With
``level="department"`` the cleaned affiliation is kept whole.

Web of Science addresses (``C1``, ``Univ Bucharest, Dept Biochem & Mol Biol, Bucharest
050095, Romania.``) name the institution first, as WoS abbreviates it; the top level is that
first part, the department level the parts before the city; the country is the last part
(US states with their ZIP code are ``USA``; England, Scotland, Wales and North Ireland are
``UK``; ``Peoples R China`` is ``China``). CNKI affiliations carry no country.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

__all__ = [
    "TOP_LEVEL",
    "clean_affiliation",
    "institution",
    "affiliation_parts",
    "AFFILIATION_ROLES",
    "country",
    "has_han",
]

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")

#: Words that end the name of a top-level body, longest first where one ends another.
TOP_LEVEL = (
    "研究生院", "科学院", "研究院", "研究所", "大学", "学院", "党校", "中学", "小学", "学校",
    "幼儿园", "公司", "集团", "医院", "卫生院", "银行", "出版社", "杂志社", "编辑部", "报社",
    "图书馆", "博物馆", "委员会", "研究会", "协会",
)  # fmt: skip
_TOP = re.compile("|".join(sorted(TOP_LEVEL, key=len, reverse=True)))
# After a cut, a unit that makes the name longer: 中国科学院 + 大学, 中国社会科学院 + 研究生院.
_EXTEND = re.compile("大学|研究生院")
# A campus in brackets after a university: 中国石油大学(华东), 中国地质大学(武汉).
_CAMPUS = re.compile(rf"\([{_HAN_CHARS}]{{1,4}}\)")
_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门",
)  # fmt: skip
# A body word: a part holding one of these characters names an organisation, not a place.
_BODY = "学院所司局部厅会社站馆厂校委队心室组处科系团行"
_PLACE = re.compile(
    rf"(?:(?:{'|'.join(_PROVINCES)})(?:省|市|自治区|特别行政区)?)?"
    rf"(?:(?![{_BODY}])[{_HAN_CHARS}]){{0,6}}"
)
_POSTCODE = re.compile(r"\d{6}")
_HAN_SPACE = re.compile(
    rf"(?<=[{_HAN_CHARS}])\s+(?=[{_HAN_CHARS}(])|(?<=[{_HAN_CHARS})])\s+(?=[{_HAN_CHARS}])"
)
_NUMBERED = re.compile(r"^\(?\d{1,2}[.、)．]\s*")  # "1.中国铁道科学研究院"
_PARTS = re.compile(r"[,，、\s]+")


def has_han(text: str) -> bool:
    """True if ``text`` holds a Chinese character.

    >>> has_han("清华大学"), has_han("Tsinghua Univ")
    (True, False)
    """
    return not text.isascii() and _HAN.search(text) is not None


def _is_address(part: str) -> bool:
    """A part that is only a place and/or a postcode (``湖北武汉430074``, ``北京``).

    >>> _is_address("湖北武汉430074"), _is_address("北京"), _is_address("江苏大学"), _is_address("武汉")
    (True, True, False, False)
    """
    code = _POSTCODE.search(part)
    place = _POSTCODE.sub("", part).strip()
    if not _PLACE.fullmatch(place):
        return False
    if code is not None:
        return True
    return any(place.startswith(p) for p in _PROVINCES)


def clean_affiliation(text: str) -> str:
    """One affiliation as written, cleaned: NFKC (full-width letters, digits and brackets
    made half-width), an address after ``!`` or after a comma dropped, postcodes and place
    names dropped, spaces between Chinese characters removed; ``""`` when nothing but an
    address is left. Latin-script affiliations have their spaces made single, nothing else.

    >>> clean_affiliation("清华大学 经济管理学院")
    '清华大学经济管理学院'
    >>> clean_affiliation("南京大学!江苏南京,210093"), clean_affiliation("北京100084")
    ('南京大学', '')
    >>> clean_affiliation("中国地质大学政法学院 湖北武汉430074")
    '中国地质大学政法学院'
    >>> clean_affiliation("  McGill Univ,  Mech Engn Dept ")
    'McGill Univ, Mech Engn Dept'
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not has_han(text):
        return " ".join(text.split()).strip(" ;,.")
    text = _NUMBERED.sub("", text.split("!", 1)[0])
    parts = [p for p in _PARTS.split(text) if p]
    kept = [parts[0]] if parts and not _is_address(parts[0]) else []
    # after the first part, a part is another unit of the same affiliation unless it is
    # an address (CNKI writes 单位,城市 邮编 and 单位 城市邮编)
    kept += [p for p in parts[1:] if not _is_address(p)]
    out = "".join(kept) if all(has_han(p) for p in kept) else " ".join(kept)
    out = _HAN_SPACE.sub("", _POSTCODE.sub("", out)).strip(" ;；,，.。:：")
    return out


def _top_han(text: str) -> str:
    """The top-level institution of a cleaned Chinese affiliation (see the module).

    >>> [_top_han(t) for t in ("北京大学考古文博学院", "中国科学院大学人工智能学院",
    ...  "中国科学院软件研究所", "国网河北省电力有限公司电力科学研究院", "湖州师范学院",
    ...  "中国石油大学(华东)经济管理学院", "辽宁广播电视集团(辽宁广播电视台)", "天津市重点实验室")]
    ['北京大学', '中国科学院大学', '中国科学院', '国网河北省电力有限公司', '湖州师范学院', '中国石油大学(华东)', '辽宁广播电视集团', '天津市重点实验室']
    """
    m = _TOP.search(text)
    if m is None:
        return text
    end = m.end()
    while (more := _EXTEND.match(text, end)) is not None:
        end = more.end()
    if text[end - 2 : end] == "大学" and (campus := _CAMPUS.match(text, end)) is not None:
        end = campus.end()
    return text[:end]


def _latin_parts(text: str) -> list[str]:
    return [p.strip() for p in text.rstrip(". ").split(",") if p.strip()]


_ORG = re.compile(
    r"\b(?:Univ|University|Universit[a-z]+|College|Coll|Inst|Institute|Institut|Acad|Academy|"
    r"Hosp|Hospital|Clin|Clinic|Sch|Ctr|Center|Centre|Inc|Corp|Co|Ltd|GmbH|Lab|Labs)\b",
    re.IGNORECASE,
)
_SUB = re.compile(
    r"(?:Dept|Depts|Department|Departments|Div|Division|Fac|Faculty|Sect|Section|Unit|Program|"
    r"Programme|Graduate|Interdisciplinary|Key Lab|Lab|Laboratory|School of|College of|Grp|"
    r"Group)\b",
    re.IGNORECASE,
)


def _top_part(parts: list[str]) -> str:
    """The institution among the parts of a Latin-script address: the first part, as Web
    of Science writes it, unless that part names a department (``Department of X,
    University of Y``): then the first later part that names an organisation.

    >>> _top_part(["Department of Psychology", "Boston College", "Boston", "MA", "USA"])
    'Boston College'
    >>> _top_part(["Chinese Acad Sci", "Inst Psychol", "Beijing 100101", "Peoples R China"])
    'Chinese Acad Sci'
    """
    if _SUB.match(parts[0]):
        for part in parts[1:]:
            if _ORG.search(part) and not _SUB.match(part):
                return part
    return parts[0]


def _top_latin(text: str, level: str) -> str:
    """A WoS address cut to its institution (``top``) or to the parts before the city.

    >>> _top_latin("McGill Univ, Mech Engn Dept, Montreal, PQ H3G 1A4, Canada.", "department")
    'McGill Univ, Mech Engn Dept'
    >>> _top_latin("Univ Bucharest, Dept Biochem, Bucharest 050095, Romania.", "department")
    'Univ Bucharest, Dept Biochem'
    >>> _top_latin("Univ Bucharest, Dept Biochem, Bucharest 050095, Romania.", "top")
    'Univ Bucharest'
    """
    parts = _latin_parts(text)
    if not parts:
        return ""
    if level == "top" or len(parts) <= 1:
        return _top_part(parts)
    parts = parts[:-1]  # the country (with a US state and ZIP code)
    code = None
    while len(parts) > 1 and (
        any(ch.isdigit() for ch in parts[-1]) or re.fullmatch(r"[A-Z]{2}", parts[-1])
    ):
        code = parts.pop()  # a postcode, or a region code ("Boston, MA, USA")
    # "PQ H3G 1A4", "CA 94305": a region code and postcode, the city is the part before;
    # "Bucharest 050095": the city and its postcode together
    first = code.split()[0] if code else ""
    if len(parts) > 1 and (
        code is None or first.isdigit() or (len(first) == 2 and first.isupper())
    ):
        parts.pop()
    return ", ".join(parts)


def institution(
    affiliation: str, level: str = "top", thesaurus: Mapping[str, str] | None = None
) -> str:
    """The institution an affiliation counts as in a map (``""`` for a bare address).

    ``level`` is ``"top"`` (the top-level institution) or ``"department"`` (the cleaned
    affiliation). The thesaurus is applied to the cleaned affiliation first (so a line can
    name one department) and then to the institution.

    >>> institution("清华大学 经济管理学院;北京100084".split(";")[0])
    '清华大学'
    >>> institution("清华大学 经济管理学院", level="department")
    '清华大学经济管理学院'
    >>> institution("北京理工大学光电学院", thesaurus={"北京理工大学": "BIT"})
    'BIT'
    """
    clean = clean_affiliation(affiliation)
    if not clean:
        return ""
    if thesaurus and clean in thesaurus:
        return thesaurus[clean]
    if has_han(clean):
        out = _top_han(clean) if level == "top" else clean
    else:
        out = _top_latin(clean, level)
    return thesaurus.get(out, out) if thesaurus else out


#: The parts of one distinct affiliation string (:func:`affiliation_parts`).
AFFILIATION_ROLES = ("top", "department", "clean")


def affiliation_parts(affiliation: str) -> list[tuple[int, str]]:
    """(role, value) of one stored affiliation (:data:`AFFILIATION_ROLES`): the institution
    it counts as at each level without a thesaurus (:func:`institution`) and the cleaned
    affiliation a thesaurus is looked up with first; empty values are no part.

    >>> affiliation_parts("清华大学 经济管理学院")
    [(0, '清华大学'), (1, '清华大学经济管理学院'), (2, '清华大学经济管理学院')]
    >>> affiliation_parts("北京100084")
    []
    """
    clean = clean_affiliation(affiliation)
    if not clean:
        return []
    if has_han(clean):
        top, department = _top_han(clean), clean
    else:
        top, department = _top_latin(clean, "top"), _top_latin(clean, "department")
    return [(r, v) for r, v in enumerate((top, department, clean)) if v]


_UK = {"england", "scotland", "wales", "north ireland", "northern ireland"}
_US = re.compile(r"(?:^|\s)USA$")


def country(address: str) -> str:
    """The country of a WoS ``C1`` address (its last part), or ``""`` when the address is
    Chinese (CNKI affiliations carry no country) or has no part after the institution.

    >>> country("McGill Univ, Mech Engn Dept, Montreal, PQ H3G 1A4, Canada.")
    'Canada'
    >>> country("Stanford Univ, Stanford, CA 94305 USA."), country("Univ Oxford, Oxford, England.")
    ('USA', 'UK')
    >>> country("Tsinghua Univ, Beijing 100084, Peoples R China."), country("清华大学")
    ('China', '')
    """
    text = unicodedata.normalize("NFKC", address)
    if has_han(text):
        return ""
    parts = _latin_parts(text)
    if len(parts) < 2:
        return ""
    last = " ".join(parts[-1].split())
    if _US.search(last):
        return "USA"
    if last.lower() in _UK:
        return "UK"
    if last.lower() in ("peoples r china", "people's r china", "pr china", "p r china"):
        return "China"
    return last
