"""The resource limits of reading one file, declared once.

Every reader that could be driven to use unbounded memory or time by a hostile or damaged
file takes its limit from here: a frozen :class:`Limits` whose defaults suit real exports
and documents, each settable by an environment variable ``ZHAGEN_MAX_*`` (read when the
limits are asked for, so a long-running server picks up no change mid-import but a new
``zhagen add`` does) or by keyword in :meth:`Limits.from_env`.

>>> Limits().nul_run
4096
>>> Limits.from_env(pdf_pages=10).pdf_pages
10
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from zhagen.errors import ParameterError

__all__ = ["Limits", "current", "ENV"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on what reading one file may cost (see the README table).

    Attributes
    ----------
    document_bytes:
        Largest document (txt, docx, pdf, html, md) read whole; exports are streamed.
    unzipped_bytes:
        Largest total declared uncompressed size of a .docx/.xlsx archive.
    member_bytes:
        Largest part of a .docx read from its archive (a hard cap on the bytes inflated,
        whatever the archive declares).
    compression_ratio:
        Largest uncompressed/compressed ratio of a member over 1 MB.
    xml_elements:
        Most XML elements parsed from one part of a .docx.
    pdf_pages:
        Most pages of a PDF read (the rest are reported, not read).
    pdf_memory:
        Address space of the process that extracts PDF text (bytes).
    pdf_page_seconds:
        Time allowed for one PDF page.
    pdf_seconds:
        Time allowed for a whole PDF.
    nul_run:
        A run of this many NUL bytes in a text export means the file is damaged there
        (zero padding after an interrupted copy); reading stops, records before are kept.
    qdpx_bytes:
        Largest total uncompressed size of a REFI-QDA project (``.qdpx``).
    xml_bytes:
        Largest ``.qde`` / ``.qdc`` / internal text of a REFI-QDA project read into memory.
    regex_seconds:
        Time allowed for one regular-expression search over all its documents
        (:class:`zhagen.text.find.Finder`).
    """

    document_bytes: int = 256 * _MB
    unzipped_bytes: int = 200 * _MB
    member_bytes: int = 64 * _MB
    compression_ratio: int = 100
    xml_elements: int = 2_000_000
    pdf_pages: int = 5000
    pdf_memory: int = 1536 * _MB
    pdf_page_seconds: float = 30.0
    pdf_seconds: float = 600.0
    nul_run: int = 4096
    qdpx_bytes: int = 4096 * _MB
    xml_bytes: int = 512 * _MB
    regex_seconds: float = 10.0

    @classmethod
    def from_env(cls, **overrides: Any) -> Limits:
        """The defaults, then ``ZHAGEN_MAX_<NAME>`` variables, then ``overrides``.

        >>> import os
        >>> os.environ["ZHAGEN_MAX_NUL_RUN"] = "512"
        >>> Limits.from_env().nul_run
        512
        >>> del os.environ["ZHAGEN_MAX_NUL_RUN"]
        """
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            var = ENV[f.name]
            raw = os.environ.get(var)
            if raw is None or not raw.strip():
                continue
            kind = float if f.type in ("float", float) else int
            try:
                value = kind(raw)
            except ValueError:
                value = -1
            if value <= 0:
                raise ParameterError(
                    f"环境变量 {var}={raw!r} 无效：应为正数",
                    f"environment variable {var}={raw!r} is invalid: it must be a positive number",
                )
            values[f.name] = value
        values.update(overrides)
        return cls(**values)


#: field name -> the environment variable that sets it
ENV = {f.name: "ZHAGEN_MAX_" + f.name.upper() for f in dataclasses.fields(Limits)}


def current() -> Limits:
    """The limits in force now (defaults and ``ZHAGEN_MAX_*`` variables).

    >>> current().compression_ratio >= 1
    True
    """
    return Limits.from_env()
