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

import contextlib
import os
import queue
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zhagen.errors import InputError
from zhagen.formats._io import Source, read_bytes, source_name
from zhagen.formats.detect import FormatSpec
from zhagen.limits import Limits, current
from zhagen.records import Problem, RawRecord

__all__ = ["read_pdf", "PAGE_SEPARATOR", "meta_title", "page_text"]

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


def meta_title(doc: Any) -> str:
    """The document title from the PDF metadata, ignoring placeholders and file names."""
    import pypdfium2 as pdfium

    try:
        title = (doc.get_metadata_dict().get("Title") or "").strip()
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return ""  # metadata is optional: a broken Info dictionary is no reason to fail
    title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title)
    title = re.sub(r"\.(docx?|wps|pdf|pptx?|caj|txt)$", "", title, flags=re.I).strip()
    return "" if _JUNK_TITLES.match(title) else title


def page_text(doc: Any, index: int) -> str:
    """The text of one page of an open PDF, with ``\\n`` line ends (raises PdfiumError)."""
    page = doc[index]
    try:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
    finally:
        page.close()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # PDFium may end a page with a NUL (pypdfium2 issue #261): never part of the text
    return text.replace("\x00", "")


def _page_problem(label: str, page: int, zh: str, en: str, code: str) -> Problem:
    return Problem(file=label, zh=f"第 {page} 页{zh}", en=f"page {page} {en}", code=code, record=1)


class _Child:
    """One run of :mod:`zhagen.formats._pdf_child` over pages ``first`` to ``last - 1``."""

    def __init__(self, path: str, first: int, last: int, limits: Limits) -> None:
        import subprocess
        import sys

        env = dict(os.environ)
        # the folder holding the zhagen package (this file is zhagen/formats/pdf.py)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        cmd = [sys.executable, "-m", "zhagen.formats._pdf_child", path, str(first), str(last)]
        self.proc = subprocess.Popen(  # noqa: S603 - our own module, arguments we made
            [*cmd, str(limits.pdf_memory)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        # a thread reads the child's lines: waiting on a queue with a time-out works on
        # every platform (select() on a pipe does not on Windows)
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with contextlib.suppress(OSError, ValueError):
            for line in self.proc.stdout:
                self._lines.put(line)
        self._lines.put(None)  # the child ended

    def message(self, timeout: float) -> dict[str, Any] | None:
        """The next message; ``None`` when the process ended or ``timeout`` passed first."""
        import json

        try:
            line = self._lines.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None
        if line is None or not line.endswith(b"\n"):  # ended, or died mid-line
            self._lines.put(None)
            return None
        return dict(json.loads(line))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _extract(path: str, label: str, limits: Limits) -> tuple[str, list[str | None], list[Problem]]:
    """Title, text of every page read and problems, from child processes with limited
    memory and time: a page that exhausts either is skipped and the next child goes on
    after it. The importing process (and the web server) never parses the PDF itself."""
    texts: list[str | None] = []  # None: not read (a Problem says why)
    problems: list[Problem] = []
    title, pages, first = "", None, 0
    deadline = time.monotonic() + limits.pdf_seconds
    while pages is None or first < min(pages, limits.pdf_pages):
        child = _Child(path, first, limits.pdf_pages, limits)
        try:
            # starting Python and opening the file: at least a minute (a loaded machine)
            opening = max(limits.pdf_page_seconds, 60.0)
            head = child.message(min(opening, deadline - time.monotonic()))
            if head is None:
                if pages is None:
                    raise _too_complex(label)
                texts.append(None)
                problems.append(_skipped(label, first + 1))
                first += 1
                continue
            if "open_error" in head:
                raise _open_error(label, _Code(head["open_error"]), _truncated_file(path))
            pages, title = int(head["pages"]), title or str(head.get("title") or "")
            while first < min(pages, limits.pdf_pages):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                msg = child.message(min(limits.pdf_page_seconds, left))
                if msg is None:  # crashed (out of memory) or out of time on this page
                    texts.append(None)
                    problems.append(_skipped(label, first + 1))
                    first += 1
                    break
                if "error" in msg:
                    texts.append(None)
                    problems.append(
                        _page_problem(
                            label,
                            first + 1,
                            f"无法读取（{msg['error']}），该页文字缺失",
                            f"could not be read ({msg['error']}); its text is missing",
                            "pdf-page",
                        )
                    )
                else:
                    texts.append(str(msg["text"]))
                first += 1
        finally:
            child.stop()
        if time.monotonic() >= deadline and pages is not None and first < pages:
            problems.append(
                _page_problem(
                    label,
                    first + 1,
                    f"起的 {pages - first} 页未读取：整个 PDF 超过时间上限（{limits.pdf_seconds:.0f} 秒，"
                    "环境变量 ZHAGEN_MAX_PDF_SECONDS）",
                    f"and the {pages - first - 1} after it were not read: the PDF took longer "
                    f"than its limit ({limits.pdf_seconds:.0f} s; ZHAGEN_MAX_PDF_SECONDS)",
                    "pdf-time",
                )
            )
            break
    if pages is not None and pages > limits.pdf_pages:
        problems.append(
            _page_problem(
                label,
                limits.pdf_pages + 1,
                f"及之后的 {pages - limits.pdf_pages} 页未读取：超过页数上限 {limits.pdf_pages}"
                "（环境变量 ZHAGEN_MAX_PDF_PAGES）；请拆分 PDF 后分别导入",
                f"and later ({pages - limits.pdf_pages} pages) were not read: over the limit "
                f"of {limits.pdf_pages} pages (ZHAGEN_MAX_PDF_PAGES); split the PDF and add "
                "the parts",
                "pdf-pages",
            )
        )
    return title, texts, problems


class _Code(Exception):
    def __init__(self, code: object) -> None:
        super().__init__(str(code))
        self.err_code = code


def _skipped(label: str, page: int) -> Problem:
    limits = current()
    return _page_problem(
        label,
        page,
        f"已跳过：过于复杂（超过 {limits.pdf_memory / 2**20:.0f} MB 内存或 "
        f"{limits.pdf_page_seconds:.0f} 秒；环境变量 ZHAGEN_MAX_PDF_MEMORY / "
        "ZHAGEN_MAX_PDF_PAGE_SECONDS），该页文字缺失",
        f"skipped: too complex (over {limits.pdf_memory / 2**20:.0f} MB of memory or "
        f"{limits.pdf_page_seconds:.0f} s; ZHAGEN_MAX_PDF_MEMORY / "
        "ZHAGEN_MAX_PDF_PAGE_SECONDS); its text is missing",
        "pdf-too-complex",
    )


def _too_complex(label: str) -> InputError:
    return InputError(
        "PDF 过于复杂，无法在内存和时间上限内打开（环境变量 ZHAGEN_MAX_PDF_MEMORY / "
        "ZHAGEN_MAX_PDF_PAGE_SECONDS）；请用 PDF 阅读器另存或打印为新的 PDF 后再导入",
        "the PDF is too complex to open within the memory and time limits "
        "(ZHAGEN_MAX_PDF_MEMORY / ZHAGEN_MAX_PDF_PAGE_SECONDS); save or print it to a new "
        "PDF in a PDF reader and add that",
        file=label,
    )


def _truncated_file(path: str) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 64 * 1024))
        return _truncated(fh.read())


def _pages_without_text(texts: list[str | None], label: str) -> Problem:
    pages = [str(i + 1) for i, t in enumerate(texts) if t is not None and not t.strip()]
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
    limits = current()
    with _as_file(source, label, limits) as path:
        with open(path, "rb") as fh:
            if not fh.read(4096).strip():
                raise InputError(
                    "文件为空，没有可导入的内容",
                    "the file is empty; nothing to import",
                    file=label,
                )
        title, texts, problems = _extract(path, label, limits)
        truncated = _truncated_file(path)
    yield _pdf_record(label, truncated, title, texts, problems)


@contextlib.contextmanager
def _as_file(source: Source, label: str, limits: Limits) -> Iterator[str]:
    """A path to the PDF for the child process: the file itself, or a private copy of a
    stream (refused over ``document_bytes``, as any document read whole)."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
        except OSError:
            read_bytes(source, name=label)  # raises the clear error for a missing file
            raise
        if size > limits.document_bytes:
            read_bytes(source, name=label)  # raises "too large"
        yield path
        return
    data = read_bytes(source, name=label)
    with tempfile.TemporaryDirectory(prefix="zhagen-pdf-") as folder:
        path = os.path.join(folder, "upload.pdf")
        with open(path, "wb") as fh:
            fh.write(data)
        del data
        yield path


def _pdf_record(
    label: str, truncated: bool, title: str, texts: list[str | None], problems: list[Problem]
) -> RawRecord:
    if not texts:
        raise InputError(
            "PDF 中没有任何页面；请检查文件是否完整",
            "the PDF has no pages; check the file",
            file=label,
        )
    if all(t is None for t in texts):
        if any(p.code == "pdf-too-complex" for p in problems):
            raise _too_complex(label)
        raise _open_error(label, RuntimeError("no page readable"), truncated)
    if not any(t and t.strip() for t in texts):
        raise InputError(
            "PDF 没有文字层（可能是扫描件或图片），无法提取文字；请先做 OCR（文字识别，"
            "如 ocrmypdf 或 PDF 阅读器的“识别文本”功能）后再导入",
            "the PDF has no text layer (probably a scan or images); no text to import; run "
            "OCR first (e.g. ocrmypdf, or your PDF reader's 'recognise text') and add the "
            "result",
            file=label,
        )
    if any(t is not None and not t.strip() for t in texts):
        problems.append(_pages_without_text(texts, label))
    if truncated:
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
        text=PAGE_SEPARATOR.join(t or "" for t in texts),
        extra={"pages": str(len(texts))},
        problems=problems,
    )


#: What this module reads (see :mod:`zhagen.formats.detect`; ``%PDF`` is recognised before
#: the text sniffs run).
FORMAT_SPECS = (FormatSpec("pdf", __name__, "read_pdf", (".pdf",)),)
