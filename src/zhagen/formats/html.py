"""Reader for saved web pages: the main text of an HTML page, without its navigation.

Parsing uses lxml's HTML parser (BSD) with the network off and comments and processing
instructions removed; HTML parsing never expands DTD entities. The main text is found
with a small text-density heuristic written for Chinese pages:

1. drop elements that are never content (``script``, ``style``, ``nav``, ``header``,
   ``footer``, ``aside``, ``form`` …), hidden elements, and elements whose ``class`` or
   ``id`` names navigation, menus, footers, sidebars, breadcrumbs, comments, sharing or
   ads (unless they hold most of the page's text);
2. score every block by the weight of its own text (Han characters, plus two per Latin
   word, plus one per comma or full stop), less the share that is link text, and credit
   the score to its parent and half of it to its grandparent;
3. keep the best-scoring element, plus those of its siblings that are text-rich;
4. render that as text: one line per block, ``<br>`` a line break, table cells
   separated by tabs, link-heavy lists inside it (related links) left out.

Whitespace is collapsed as a browser shows it; a source line break between two Han
characters disappears (CSS segment-break rule), elsewhere it becomes a space.

>>> import io
>>> page = "<title>报告_网站</title><nav>首页 新闻</nav><p>新质生产力，发展。</p>"
>>> rec = next(read_html(io.BytesIO(page.encode()), name="a.html"))
>>> rec.title, rec.text
('报告', '新质生产力，发展。')
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zhagen.errors import InputError
from zhagen.formats._io import Source, decode, read_bytes, source_name
from zhagen.formats.detect import NO, FormatSpec, Head, Sniff
from zhagen.formats.documents import guess_title
from zhagen.records import RawRecord

__all__ = ["read_html", "html_main_text"]

_DROP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
    "template", "svg", "button", "select", "input", "textarea", "object", "embed", "canvas",
    "menu", "dialog", "map", "link", "meta", "head",
}  # fmt: skip
_NEGATIVE_WORDS = {
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "footer", "foot", "sidebar",
    "side", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "comment", "comments", "share",
    "sharing", "social", "ad", "ads", "advert", "adverts", "advertisement", "banner", "sponsor",
    "sponsored", "popup", "cookie", "toolbar", "pager", "pagination", "copyright", "related",
    "recommend", "login", "subscribe", "daohang", "guanggao",
}  # fmt: skip
_KEEP_TAGS = {"html", "body", "main", "article"}
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "br",
}  # fmt: skip
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_PUNCT = re.compile(r"[，。；！？、,.;!?]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_HAN_BREAK_HAN = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[ \t\r\f]*\n[ \t\n\r\f]*"
    r"(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])"
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)


def _weight(text: str) -> int:
    """Text weight: Han characters, two per Latin word or number, one per punctuation mark."""
    return len(_HAN.findall(text)) + 2 * len(_WORD.findall(text)) + len(_PUNCT.findall(text))


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


# --- encoding ---------------------------------------------------------------------------


def _declared_encoding(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "euc-cn"}:
        return "gb18030"
    if name in {"big5", "big5-hkscs", "cp950", "x-x-big5"}:
        return "big5hkscs"
    if name.startswith(("utf-16", "utf-32", "unicode")):
        return None  # HTML: a page that could read this declaration is not UTF-16
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_html(data: bytes) -> str:
    """Decode with the declared charset; fall back to detection when it is wrong or absent."""
    declared = (
        _declared_encoding(data)
        if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
        else None
    )
    if declared:
        text = data.decode(declared, errors="replace")
        bad = text.count("\ufffd")
        if not bad:
            return text.lstrip("\ufeff")
        guessed, _enc, guessed_bad = decode(data)
        return guessed if guessed_bad < bad else text.lstrip("\ufeff")
    return decode(data)[0]


# --- cleaning the tree ------------------------------------------------------------------


def _words(value: str) -> set[str]:
    value = re.sub(r"([a-z])([A-Z])", r"\1 \2", value)
    return {w for w in re.split(r"[^A-Za-z0-9]+", value.lower()) if w}


def _is_negative(el: Any) -> bool:
    names = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(names.strip()) and not _words(names).isdisjoint(_NEGATIVE_WORDS)


def _is_hidden(el: Any) -> bool:
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden", "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(el.get("style", "")))
    )


def _strip_boilerplate(root: Any) -> None:
    """Remove never-content tags, hidden elements and navigation-like elements in place."""
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    total = _weight(root.text_content()) or 1
    for el in list(root.iter()):
        if el.getparent() is None or not isinstance(el.tag, str) or _tag(el) in _KEEP_TAGS:
            continue
        if _is_hidden(el) or (_is_negative(el) and _weight(el.text_content()) < 0.5 * total):
            el.drop_tree()


# --- scoring ----------------------------------------------------------------------------


def _own_text(el: Any) -> tuple[str, str]:
    """(own text, link text): text of ``el`` and its inline children, not of nested blocks."""
    parts = [el.text or ""]
    links: list[str] = []
    if _tag(el) == "a":
        links.append(el.text or "")
    for child in el:
        if _tag(child) in _INLINE:
            text, link = _own_text(child)
            parts.append(text)
            links.append(text if _tag(child) == "a" else link)
        parts.append(child.tail or "")
    return "".join(parts), "".join(links)


def _link_density(el: Any) -> float:
    total = _weight(el.text_content())
    if not total:
        return 0.0
    links = sum(_weight(a.text_content()) for a in el.iter("a"))
    return min(1.0, links / total)


def _score(root: Any) -> dict[Any, float]:
    scores: dict[Any, float] = {}
    for el in root.iter():
        if _tag(el) in _INLINE or not isinstance(el.tag, str):
            continue
        text, link = _own_text(el)
        weight = _weight(text)
        if weight < 3:
            continue
        score = weight * (1.0 - min(1.0, _weight(link) / weight))
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + score
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + score / 2
    return scores


def _main_blocks(root: Any) -> list[Any]:
    """The best-scoring element and its text-rich siblings, in document order."""
    scores = _score(root)
    if not scores:
        body = root.find("body")
        return [body if body is not None else root]
    best = max(scores, key=lambda el: scores[el])
    parent = best.getparent()
    if parent is None:
        return [best]
    floor = max(10.0, 0.2 * scores[best])
    keep = []
    for sib in parent:
        if sib is best:
            keep.append(sib)
            continue
        if not isinstance(sib.tag, str):
            continue
        weight = _weight(sib.text_content())
        density = _link_density(sib)
        if scores.get(sib, 0.0) >= floor and density < 0.5:
            keep.append(sib)
        elif _tag(sib) == "p" and (
            (weight >= 40 and density < 0.25)
            or (weight > 0 and density == 0 and sib.text_content().strip().endswith("。"))
        ):
            keep.append(sib)
    return keep


# --- rendering --------------------------------------------------------------------------

_BLOCKY = {"table", "ul", "ol", "dl", "div", "section", "p"}


def _render(el: Any, out: list[str], minimum: float, pre: bool = False) -> None:
    """Append the text of ``el`` to ``out``: ``"\\n"`` marks block and line boundaries."""
    tag = _tag(el)
    if tag == "br":
        out.append("\n")
        return
    if (
        tag in _BLOCKY
        and minimum
        and _link_density(el) > 0.5
        and _weight(el.text_content()) < minimum
    ):
        return  # a list of links inside the content (related articles, tags)
    if tag == "tr" and sum(1 for c in el if _tag(c) in {"td", "th"}) > 1:
        out.append(
            "\n" + "\t".join(_cell_text(c, minimum) for c in el if _tag(c) in {"td", "th"}) + "\n"
        )
        return
    is_pre = pre or tag in {"pre", "textarea"}
    block = tag not in _INLINE
    if block:
        out.append("\n")
    if el.text:
        out.append(el.text if is_pre else _collapse(el.text))
    for child in el:
        if isinstance(child.tag, str):
            _render(child, out, minimum, is_pre)
        if child.tail:
            out.append(child.tail if is_pre else _collapse(child.tail))
    if block:
        out.append("\n")


def _cell_text(cell: Any, minimum: float) -> str:
    """A table cell's text on one line (a row of two or more cells is one line)."""
    sub: list[str] = []
    _render(cell, sub, minimum)
    return " ".join(part.strip() for part in "".join(sub).split("\n") if part.strip())


def _collapse(text: str) -> str:
    text = _HAN_BREAK_HAN.sub("", text)
    return _SPACE_RUN.sub(" ", text)


def _join_lines(chunks: list[str]) -> str:
    lines = []
    for line in "".join(chunks).split("\n"):
        line = re.sub(r"\t\s*$", "", line.strip(" \t")).strip()
        if line:
            lines.append(re.sub(r" ?\t ?", "\t", line))
    return "\n".join(lines)


def html_main_text(root: Any) -> str:
    """The main text of a parsed page (an ``lxml.html`` element), one block per line.

    The tree is modified (boilerplate is removed).

    >>> import lxml.html
    >>> root = lxml.html.fromstring("<div><ul><li><a href=/>首页</a></li></ul><p>正文内容。</p></div>")
    >>> html_main_text(root)
    '正文内容。'
    """
    _strip_boilerplate(root)
    blocks = _main_blocks(root)
    total = sum(_weight(b.text_content()) for b in blocks)
    out: list[str] = []
    for block in blocks:
        _render(block, out, minimum=0.3 * total)
    return _join_lines(out)


# --- title and reader -------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return _SPACE_RUN.sub(" ", text or "").strip()


def _in_boilerplate(el: Any) -> bool:
    while el is not None and _tag(el) not in _KEEP_TAGS:
        if _tag(el) in {"nav", "aside", "footer"} or _is_negative(el):
            return True
        el = el.getparent()
    return False


def _page_title(root: Any) -> str:
    """``<h1>`` when ``<title>`` contains it; else a title meta; else ``<title>``'s longest part."""
    title = _clean(root.findtext(".//title"))
    # an <h1> in a menu bar or sidebar (often the site name) comes after the others
    found = sorted(root.iter("h1"), key=_in_boilerplate)
    h1s = [h for h in (_clean(el.text_content()) for el in found) if h]
    for h1 in h1s:
        if title and h1 in title:
            return h1
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in {"og:title", "articletitle", "title"} and _clean(meta.get("content")):
            return _clean(meta.get("content"))
    if title:
        parts = [p for p in re.split(r"\s*(?:_|\||｜| - | – | — |－)\s*", title) if p.strip()]
        return max(parts, key=len) if parts else title
    return h1s[0] if h1s else ""


def _parse(text: str, label: str) -> Any:
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(
            f"无法解析这个 HTML 文件（{exc}）；请在浏览器中打开后另存为“网页，仅 HTML”再导入",
            f"this HTML file cannot be parsed ({exc}); open it in a browser, save it as "
            "'Web page, HTML only' and add that",
            file=label,
        ) from exc


def read_html(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read the main text of a saved web page as one record.

    The encoding is the one the page declares (``<meta charset>``, XML declaration), or is
    detected when it declares none or a wrong one. The title is the ``<h1>`` that the
    ``<title>`` contains, else ``og:title``/``ArticleTitle``, else the longest part of
    ``<title>`` (site names after ``_`` or ``|`` are dropped), else the file name.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Yields
    ------
    RawRecord
        Exactly one, with ``format="html"``, ``type="document"``, ``record=1``.

    Raises
    ------
    InputError
        The page is empty or has no text, cannot be parsed, or the file is missing,
        unreadable or too large.

    Examples
    --------
    >>> import io
    >>> page = b'<meta charset="gbk"><h1>\\xb1\\xea\\xcc\\xe2</h1><p>\\xd5\\xfd\\xce\\xc4</p>'
    >>> [(r.title, r.text) for r in read_html(io.BytesIO(page), name="p.html")]
    [('标题', '标题\\n正文')]
    """
    label = source_name(source, name)
    data = read_bytes(source, name=label)
    if not data.strip():
        raise InputError(
            "文件为空，没有可导入的内容", "the file is empty; nothing to import", file=label
        )
    root = _parse(_decode_html(data).replace("\r\n", "\n").replace("\r", "\n"), label)
    title = _page_title(root)
    text = html_main_text(root)
    if not text.strip():
        raise InputError(
            "这个网页中没有找到正文文字（可能内容由脚本加载）；请在浏览器中复制正文另存为 .txt 再导入",
            "no main text was found in this web page (perhaps it is loaded by scripts); copy "
            "the text from a browser into a .txt file and add that",
            file=label,
        )
    yield RawRecord(
        source=label,
        record=1,
        format="html",
        type="document",
        title=title or guess_title(text, Path(label).stem or label),
        text=text,
    )


def _sniff(head: Head) -> Sniff:
    """An HTML page starts with a doctype or ``<html``."""
    low = head.text[:64].lower()
    if low.startswith(("<!doctype html", "<html")):
        return Sniff(0.95, "<!doctype html> or <html> first")
    return NO


#: What this module reads (see :mod:`zhagen.formats.detect`).
FORMAT_SPECS = (FormatSpec("html", __name__, "read_html", (".html", ".htm", ".xhtml"), _sniff),)
