"""Reader for PDF documents: the text layer, extracted with pypdfium2 (BSD-3/Apache-2.0).

The text of each page is taken as PDFium lays it out (a line break at every visual line
end; re-joining Han–newline–Han is the cleaner's job in ``zhagen.text``). Pages are joined
with :data:`PAGE_SEPARATOR`, ``"\\n\\f\\n"``: a form feed on a line of its own, so that
``text.split("\\f")`` gives the pages back and a line-based cleaner sees a blank line (a
paragraph break) between pages. No other form feed is left in the text: form feeds inside
a page become ``\\n``.

A PDF that cannot be read gives one :class:`~zhagen.errors.InputError` that says why and
what to do: damaged, truncated (no ``%%EOF`` at its end), encrypted with a password, or
without a text layer (a scan that needs OCR).

>>> PAGE_SEPARATOR == "\\n\\f\\n"
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zhagen.errors import InputError
from zhagen.formats._io import Source, read_bytes, source_name
from zhagen.formats.detect import FormatSpec
from zhagen.records import Problem, RawRecord

__all__ = ["read_pdf", "PAGE_SEPARATOR"]

#: Joins the text of consecutive pages.
PAGE_SEPARATOR = "\n\f\n"

# PDFium load error codes (fpdfview.h)
_ERR_FILE, _ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 2, 3, 4, 5

_JUNK_TITLES = re.compile(
    r"^(untitled(-\d+)?|无标题.*|未命名.*|document\d*|文档\d*|slide \d+|"
    r"powerpoint presentation|microsoft word.*|\W*)$",
    re.I,
)


def _truncated(data: bytes) -> bool:
    """True when the end-of-file marker is missing from the end of the file.

    The PDF standard puts ``%%EOF`` in the last 1024 bytes; we look a little further and
    ignore trailing whitespace and NUL padding.
    """
    return b"%%EOF" not in data.rstrip(b"\x00\t\n\f\r ")[-2048:]


def _open_error(label: str, exc: Exception, truncated: bool) -> InputError:
    code = getattr(exc, "err_code", None)
    if code == _ERR_PASSWORD:
        return InputError(
            "PDF 已加密（需要密码才能打开）；请用 PDF 阅读器输入密码后另存一份不加密的副本"
            "（或用 qpdf --decrypt 去掉密码），再导入",
            "the PDF is encrypted (it needs a password to open); open it with the password in a "
            "PDF reader and save an unencrypted copy (or remove the password with qpdf "
            "--decrypt), then add that copy",
            file=label,
        )
    if code == _ERR_SECURITY:
        return InputError(
            "PDF 使用了不支持的加密/权限保护方式；请去掉保护（另存为不加密的 PDF）后再导入",
            "the PDF uses an unsupported encryption or rights-protection scheme; remove the "
            "protection (save an unencrypted PDF) and add that",
            file=label,
        )
    if truncated:
        return InputError(
            "PDF 文件不完整（文件末尾缺少 %%EOF，可能下载中断或被截断）；请重新下载或重新导出",
            "the PDF is incomplete (no %%EOF at its end; perhaps an interrupted download or a "
            "truncated copy); download or export it again",
            file=label,
        )
    return InputError(
        "PDF 文件已损坏，无法打开；请用 PDF 阅读器打开后另存一份，或重新下载",
        "the PDF is damaged and cannot be opened; open it in a PDF reader and save a new "
        "copy, or download it again",
        file=label,
    )


def _meta_title(doc: Any) -> str:
    """The document title from the PDF metadata, ignoring placeholders and file names."""
    import pypdfium2 as pdfium

    try:
        title = (doc.get_metadata_dict().get("Title") or "").strip()
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return ""  # metadata is optional: a broken Info dictionary is no reason to fail
    title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title)
    title = re.sub(r"\.(docx?|wps|pdf|pptx?|caj|txt)$", "", title, flags=re.I).strip()
    return "" if _JUNK_TITLES.match(title) else title


def _page_texts(doc: Any, label: str) -> tuple[list[str], list[Problem]]:
    """Text of every page (``\\n`` line ends) and a Problem for each page that failed."""
    import pypdfium2 as pdfium

    texts: list[str] = []
    problems: list[Problem] = []
    for index in range(len(doc)):
        try:
            page = doc[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            texts.append("")
            problems.append(
                Problem(
                    file=label,
                    zh=f"第 {index + 1} 页无法读取（{exc}），该页文字缺失",
                    en=f"page {index + 1} could not be read ({exc}); its text is missing",
                    code="pdf-page",
                    record=1,
                )
            )
            continue
        # PDFium may end a page with a NUL (pypdfium2 issue #261): never part of the text
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        text = text.replace("\x00", "")
        texts.append(text)
    return texts, problems


def _pages_without_text(texts: list[str], label: str) -> Problem:
    pages = [str(i + 1) for i, t in enumerate(texts) if not t.strip()]
    shown = ", ".join(pages[:20]) + (" …" if len(pages) > 20 else "")
    return Problem(
        file=label,
        zh=f"第 {shown} 页没有文字层（可能是扫描页或图片），这些页需要先做 OCR 才能导入文字",
        en=f"page(s) {shown} have no text layer (scanned or image-only); run OCR to get their text",
        code="pdf-no-text-pages",
        record=1,
    )


def read_pdf(source: Source, *, name: str | None = None) -> Iterator[RawRecord]:
    """Read the text layer of a PDF as one record.

    Pages are joined with :data:`PAGE_SEPARATOR` (``"\\n\\f\\n"``); line ends are ``\\n``.
    The title comes from the PDF metadata when it is a real title (not "Untitled" or a
    file name), else from the file name.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).

    Yields
    ------
    RawRecord
        Exactly one, with ``format="pdf"``, ``type="document"``, ``record=1`` and
        ``extra["pages"]``. Pages without text give a warning Problem.

    Raises
    ------
    InputError
        The PDF is damaged, truncated, encrypted, has no pages, or has no text layer at all
        (a scan: run OCR first); or the file is missing, unreadable or too large.

    Examples
    --------
    >>> import io
    >>> next(read_pdf(io.BytesIO(b"%PDF-1.4 not really"), name="x.pdf"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    zhagen.errors.InputError: x.pdf: PDF 文件不完整...
    """
    label = source_name(source, name)
    data = read_bytes(source, name=label)
    if not data.strip():
        raise InputError(
            "文件为空，没有可导入的内容", "the file is empty; nothing to import", file=label
        )
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(label, exc, _truncated(data)) from None
    try:
        title = _meta_title(doc)
        texts, problems = _page_texts(doc, label)
    finally:
        doc.close()
    yield _pdf_record(label, data, title, texts, problems)


def _pdf_record(
    label: str, data: bytes, title: str, texts: list[str], problems: list[Problem]
) -> RawRecord:
    if not texts:
        raise InputError(
            "PDF 中没有任何页面；请检查文件是否完整",
            "the PDF has no pages; check the file",
            file=label,
        )
    if not any(t.strip() for t in texts):
        if len(problems) == len(texts):
            raise _open_error(label, RuntimeError("no page readable"), _truncated(data))
        raise InputError(
            "PDF 没有文字层（可能是扫描件或图片），无法提取文字；请先做 OCR（文字识别，"
            "如 ocrmypdf 或 PDF 阅读器的“识别文本”功能）后再导入",
            "the PDF has no text layer (probably a scan or images); no text to import; run "
            "OCR first (e.g. ocrmypdf, or your PDF reader's 'recognise text') and add the "
            "result",
            file=label,
        )
    if any(not t.strip() for t in texts):
        problems.append(_pages_without_text(texts, label))
    if _truncated(data):
        problems.append(
            Problem(
                file=label,
                zh="PDF 文件末尾缺少 %%EOF，可能不完整；如文字有缺失，请重新下载",
                en="the PDF has no %%EOF at its end and may be incomplete; if text is "
                "missing, download it again",
                code="pdf-truncated",
                record=1,
            )
        )
    return RawRecord(
        source=label,
        record=1,
        format="pdf",
        type="document",
        title=title or Path(label).stem or label,
        text=PAGE_SEPARATOR.join(texts),
        extra={"pages": str(len(texts))},
        problems=problems,
    )


#: What this module reads (see :mod:`zhagen.formats.detect`; ``%PDF`` is recognised before
#: the text sniffs run).
FORMAT_SPECS = (FormatSpec("pdf", __name__, "read_pdf", (".pdf",)),)
