"""Plain data that flows from ``formats/`` into the project: one ``RawRecord`` per record.

Readers in ``formats/`` produce these; ``project.py`` cleans their text and stores them.
Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Problem", "RawRecord", "DOC_TYPES"]

#: Document types a record can have (CNKI/WoS types mapped onto these).
DOC_TYPES = (
    "journal",
    "thesis",
    "conference",
    "newspaper",
    "book",
    "patent",
    "standard",
    "report",
    "yearbook",
    "document",  # a raw document (txt, docx, pdf, html, jsonl, md)
    "other",
)


@dataclass
class Problem:
    """Something that went wrong or was repaired while reading one file or record.

    ``severity`` is ``"error"`` (the record or file could not be imported) or
    ``"warning"`` (imported, but something is missing or was repaired).
    """

    file: str
    zh: str
    en: str
    severity: str = "warning"
    code: str = ""
    record: int | None = None
    line: int | None = None

    @property
    def message(self) -> str:
        from zhagen.errors import where

        loc = where(self.file, self.record, self.line)
        return f"{loc}: {self.zh} / {self.en}"


@dataclass
class RawRecord:
    """One bibliographic record or one raw document, as read from a file.

    Text fields are as found in the file (decoded, line endings normalised to ``\\n``), not
    cleaned: cleaning happens in ``zhagen.text``.

    ``keywords`` is kept per language: ``{"zh": [...], "en": [...]}``, by the side of the
    field a keyword was on (CNKI's Chinese keyword line and English continuation line), not
    by its script: ``SWOT`` on the Chinese line is a Chinese keyword (WoS adds ``"plus"``).
    ``text`` is the full text of a raw document (empty for bibliographic records).
    """

    source: str
    record: int
    format: str
    type: str = "journal"
    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    keywords: dict[str, list[str]] = field(default_factory=dict)
    abstract: str = ""
    doi: str = ""
    issn: str = ""
    url: str = ""
    lang: str = ""
    text: str = ""
    cited_refs: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all_keywords(self) -> list[str]:
        """Every keyword, Chinese first, then other languages, in file order."""
        out: list[str] = []
        for lang in sorted(self.keywords, key=lambda k: (k != "zh", k)):
            out.extend(self.keywords[lang])
        return out
