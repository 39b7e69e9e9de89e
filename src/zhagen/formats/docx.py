"""Reader for Word ``.docx`` documents: the zip package read with hard caps, the XML with lxml.

The body is walked in document order: paragraphs, table cells, content controls, text
boxes and tracked insertions; deleted text, field codes, headers, footers, footnotes and
comments are left out. Each paragraph becomes one line (``\\n``); a line break inside a
paragraph is a ``\\n`` too, a tab a ``\\t``. A table with two or more columns gives one
line per row with its cells separated by ``\\t``; a one-column table (often a frame around
the whole text) gives its cells' paragraphs as ordinary lines.

Before anything is extracted the zip directory is checked: more than
``unzipped_bytes`` in total, or a member that would expand more than
``compression_ratio`` times, is refused as a possible zip bomb (see :mod:`zhagen.limits`);
so are duplicated or encrypted members. Only the three parts needed (body, styles, core
properties) are inflated, each with a hard byte cap whatever the archive declares, and
parsed incrementally with a cap on the number of elements; entities are never resolved.

>>> from zhagen.limits import Limits
>>> Limits().compression_ratio
100
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from zhagen.errors import InputError
from zhagen.formats._io import Source, read_bytes, source_name, zip_bomb
from zhagen.formats.detect import FormatSpec
from zhagen.formats.documents import guess_title
from zhagen.limits import Limits, current
from zhagen.records import RawRecord

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BODY, _STYLES, _CORE = "word/document.xml", "word/styles.xml", "docProps/core.xml"
# subtrees whose text is not part of the visible body
_SKIP = {_W + "del", _W + "moveFrom", _MC + "Fallback", _W + "pPr", _W + "rPr", _W + "instrText"}
# block-level wrappers whose children are paragraphs and tables
_WRAPPERS = {_W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag", _W + "sdtContent"}


def _bomb(label: str, why_zh: str, why_en: str) -> InputError:
    return InputError(
        f"这个 .docx 解压后{why_zh}，可能是“压缩炸弹”，为安全起见拒绝读取；"
        "如确为正常文档，请在 Word 中另存一份（去掉大图片等嵌入对象）后再导入",
        f"this .docx would expand to {why_en} and may be a zip bomb; it was refused for "
        "safety; if the document is genuine, save a copy in Word (without large embedded "
        "objects) and add that",
        file=label,
    )


def _corrupt(label: str, detail_zh: str = "", detail_en: str = "") -> InputError:
    extra = f"（{detail_zh}）" if detail_zh else ""
    extra_en = f" ({detail_en})" if detail_en else ""
    return InputError(
        f"这个 .docx 文件已损坏，无法读取{extra}；请用 Word 或 WPS 打开后另存为 .docx 再导入",
        f"this .docx file is damaged and cannot be read{extra_en}; open it in Word or WPS, "
        "save it as .docx again and add that",
        file=label,
    )


def _encrypted(label: str) -> InputError:
    return InputError(
        "这个 Word 文档设置了打开密码（已加密）；请在 Word/WPS 中输入密码后取消密码保护，"
        "另存为 .docx 再导入",
        "this Word document is password-protected (encrypted); open it with the "
        "password in Word or WPS, remove the password, save as .docx and add that",
        file=label,
    )


def _check_zip(data: bytes, label: str, limits: Limits) -> zipfile.ZipFile:
    """The archive, once it is known not to be encrypted, damaged or bomb-like."""
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _encrypted(label)
        raise InputError(
            "这是旧版 Word 二进制文件（.doc），不是 .docx；请在 Word/WPS 中另存为 .docx 后导入",
            "this is an old binary Word file (.doc), not a .docx; save it as .docx in Word or "
            "WPS and add that",
            file=label,
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _corrupt(label, "不是完整的 zip 包", "not a complete zip archive") from exc
    bomb = zip_bomb(infos, limits)
    if bomb is not None:
        raise _bomb(label, *bomb)
    names = [info.filename for info in infos]
    if _BODY not in names:
        raise InputError(
            "这个压缩包不是 Word 文档（缺少 word/document.xml）；请用 Word/WPS 另存为 .docx 后导入",
            "this archive is not a Word document (word/document.xml is missing); save it as "
            ".docx in Word or WPS and add that",
            file=label,
        )
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})[0]
        # which copy a reader takes is undefined: Word refuses such a file too
        raise _corrupt(
            label, f"压缩包中 {twice} 出现了两次", f"{twice} appears twice in the archive"
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise _encrypted(label)
    return zf


class _Capped:
    """A zip member as a file for the parser, that refuses to give more than ``cap`` bytes
    (whatever the archive declares: the hard cap on what a part may inflate to)."""

    def __init__(self, fh: IO[bytes], cap: int, name: str, label: str) -> None:
        self._fh, self._cap, self._name, self._label, self._seen = fh, cap, name, label, 0

    def read(self, n: int = -1) -> bytes:
        want = self._cap + 1 - self._seen if n is None or n < 0 else n
        data = self._fh.read(min(want, self._cap + 1 - self._seen))
        self._seen += len(data)
        if self._seen > self._cap:
            cap = f"{self._cap / 2**20:.0f} MB" if self._cap >= 2**20 else f"{self._cap} bytes"
            raise _bomb(self._label, f"其中 {self._name} 超过 {cap}", f"over {cap} in {self._name}")
        return data


def _events(
    zf: zipfile.ZipFile, name: str, label: str, limits: Limits, events: tuple[str, ...]
) -> Iterator[tuple[str, Any]]:
    """``(event, element)`` of a part parsed as it is inflated: at most ``member_bytes``
    inflated and ``xml_elements`` elements; no entity resolved, no DTD or network access.
    Nothing when the part is missing."""
    from lxml import etree

    try:
        info = zf.getinfo(name)
    except KeyError:
        return
    cap = limits.xml_elements
    count = 0
    try:
        with zf.open(info) as fh:
            parser = etree.iterparse(
                _Capped(fh, limits.member_bytes, name, label),
                events=("start", *events),
                resolve_entities=False,
                load_dtd=False,
                no_network=True,
                huge_tree=False,
                remove_comments=True,
            )
            for event, element in parser:
                if event == "start":
                    count += 1
                    if count > cap:
                        raise _too_many(label, name, cap)
                    if "start" not in events:
                        continue
                yield event, element
    except etree.XMLSyntaxError as exc:
        raise _corrupt(label, f"{name} 无法解析：{exc}", f"{name} cannot be parsed: {exc}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError,
            OSError, ValueError) as exc:  # fmt: skip
        raise _corrupt(
            label, f"{name} 无法解压：{exc}", f"{name} cannot be unpacked: {exc}"
        ) from exc


def _too_many(label: str, name: str, cap: int) -> InputError:
    return InputError(
        f"这个 .docx 的 {name} 含有超过 {cap} 个 XML 元素，为安全起见拒绝读取；"
        "如确为正常文档，请在 Word 中另存后再导入，或调高环境变量 ZHAGEN_MAX_XML_ELEMENTS",
        f"{name} in this .docx holds over {cap} XML elements and was refused for "
        "safety; if the document is genuine, save it again in Word and add that, "
        "or raise ZHAGEN_MAX_XML_ELEMENTS",
        file=label,
    )


def _styles(zf: zipfile.ZipFile, label: str, limits: Limits) -> dict[str, str]:
    """Style id -> style name (``heading 1``, ``Title`` …); none when the part is missing."""
    styles: dict[str, str] = {}
    for _event, style in _events(zf, _STYLES, label, limits, ("end",)):
        if style.tag == _W + "style":
            name = style.find(_W + "name")
            if name is not None:
                styles[style.get(_W + "styleId", "")] = name.get(_W + "val", "")
            style.clear()
    return styles


def _core_title(zf: zipfile.ZipFile, label: str, limits: Limits) -> str:
    """The title in the core properties; a damaged or missing part has none (it is optional)."""
    try:
        for _event, node in _events(zf, _CORE, label, limits, ("end",)):
            if node.tag == _DC_TITLE:
                return node.text or ""
    except InputError:
        pass
    return ""


def _body_blocks(
    zf: zipfile.ZipFile, label: str, limits: Limits, styles: dict[str, str]
) -> list[tuple[str, str]]:
    """(style, text) of every block of the body, each block's elements freed once read:
    memory holds one top-level paragraph or table at a time, not the document's tree."""
    blocks: list[tuple[str, str]] = []
    depth, body = 0, False
    root = None
    for event, element in _events(zf, _BODY, label, limits, ("start", "end")):
        if event == "start":
            depth += 1
            if depth == 1:
                root = element.tag
                if root != _W + "document":
                    break
            elif depth == 2 and element.tag == _W + "body":
                body = True
            continue
        depth -= 1
        if depth == 2 and body:  # a block-level child of w:body is complete
            blocks.extend(_blocks_of(element, styles))
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]  # the blocks before it, already read and cleared
    if not body:
        raise InputError(
            f"这不是可读取的 Word 文档（{_BODY} 的根元素是 {root} 而不是带 w:body 的 w:document）；"
            "请在 Word/WPS 中另存为 .docx（Word 文档）后导入",
            f"this is not a readable Word document ({_BODY} has root {root}, not "
            "w:document with a w:body); save it as .docx (Word Document) in Word or WPS and "
            "add that",
            file=label,
        )
    return [(s, t.replace("\r\n", "\n").replace("\r", "\n")) for s, t in blocks]


def _run_text(element: Any, parts: list[str], boxes: list[Any]) -> None:
    """Collect the visible text under ``element``; text-box contents go to ``boxes``."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "txbxContent":
            boxes.append(child)
        else:
            _run_text(child, parts, boxes)


def _paragraph(p: Any, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(style name, text) of a paragraph, then of the text boxes anchored in it."""
    parts: list[str] = []
    boxes: list[Any] = []
    _run_text(p, parts, boxes)
    style = ""
    ppr = p.find(_W + "pPr")
    if ppr is not None:
        sid = ppr.find(_W + "pStyle")
        if sid is not None:
            style = styles.get(sid.get(_W + "val", ""), "")
        outline = ppr.find(_W + "outlineLvl")
        if not style and outline is not None and outline.get(_W + "val") == "0":
            style = "heading 1"
    yield style, "".join(parts)
    for box in boxes:
        yield from _blocks(box, styles)


def _table(tbl: Any, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    rows = [tr.findall(_W + "tc") for tr in tbl.iter(_W + "tr") if _own(tr, tbl)]
    if max((len(cells) for cells in rows), default=0) <= 1:
        for cells in rows:
            for tc in cells:
                yield from _blocks(tc, styles)
        return
    for cells in rows:
        texts = [" ".join(t for _s, t in _blocks(tc, styles) if t.strip()) for tc in cells]
        yield "", "\t".join(t.replace("\n", " ").replace("\t", " ") for t in texts)


def _own(tr: Any, tbl: Any) -> bool:
    """True when row ``tr`` belongs to ``tbl`` itself, not to a table nested in a cell."""
    parent = tr.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent is tbl


def _blocks(container: Any, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(style name, text) for every paragraph or table row under a body-like element."""
    for child in container:
        yield from _blocks_of(child, styles)


def _blocks_of(child: Any, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(style name, text) of one block-level element: a paragraph, table or wrapper."""
    tag = child.tag
    if tag == _W + "p":
        yield from _paragraph(child, styles)
    elif tag == _W + "tbl":
        yield from _table(child, styles)
    elif tag == _W + "sdt":
        content = child.find(_W + "sdtContent")
        if content is not None:
            yield from _blocks(content, styles)
    elif tag in _WRAPPERS:
        yield from _blocks(child, styles)


def _title(core: str, blocks: list[tuple[str, str]], text: str, label: str) -> str:
    title = core.strip()
    # python-docx reports "Word Document" for a file without docProps/core.xml
    junk = r"(?i)(untitled|无标题.*|文档\d*|document\d*|word document|microsoft word.*)"
    if title and not re.fullmatch(junk, title):
        return title
    for wanted in ("title", "标题", "heading 1", "标题 1"):
        for style, line in blocks:
            if style.lower() == wanted and line.strip():
                return line.strip()
    for style, line in blocks:
        if re.match(r"(?i)^(heading|标题) ?\d", style) and line.strip():
            return line.strip()
    return guess_title(text, Path(label).stem or label)


def read_docx(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read a Word ``.docx`` document as one record.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Yields
    ------
    RawRecord
        Exactly one, with ``format="docx"``, ``type="document"``, ``record=1``; one
        paragraph per line. The title is the document's title property, else its first
        "Title" or heading paragraph, else a title-like first line, else the file name.

    Raises
    ------
    InputError
        The file is damaged, not a Word document, password-protected, a possible zip bomb,
        has no text, or is missing, unreadable or too large.

    Examples
    --------
    >>> import docx, io
    >>> d = docx.Document()
    >>> _ = d.add_heading("新质生产力", level=1)
    >>> _ = d.add_paragraph("第一段。")
    >>> buf = io.BytesIO()
    >>> d.save(buf)
    >>> rec = next(read_docx(io.BytesIO(buf.getvalue()), name="a.docx"))
    >>> rec.title, rec.text
    ('新质生产力', '新质生产力\\n第一段。')
    """
    label = source_name(source, name)
    data = read_bytes(source, name=label)
    if not data.strip():
        raise InputError(
            "文件为空，没有可导入的内容", "the file is empty; nothing to import", file=label
        )
    limits = current()
    with _check_zip(data, label, limits) as zf:
        styles = _styles(zf, label, limits)
        blocks = _body_blocks(zf, label, limits, styles)
        core = _core_title(zf, label, limits)
    text = "\n".join(t for _s, t in blocks if t.strip())
    if not text.strip():
        raise InputError(
            "这个 Word 文档中没有文字（可能只有图片）；如是扫描图片，请先做 OCR 再导入",
            "this Word document contains no text (perhaps only images); if they are scans, "
            "run OCR first and add the result",
            file=label,
        )
    yield RawRecord(
        source=label,
        record=1,
        format="docx",
        type="document",
        title=_title(core, blocks, text, label),
        text=text,
    )


#: What this module reads (see :mod:`zhagen.formats.detect`; a zip with
#: ``word/document.xml`` is recognised before the text sniffs run).
FORMAT_SPECS = (FormatSpec("docx", __name__, "read_docx", (".docx",)),)
