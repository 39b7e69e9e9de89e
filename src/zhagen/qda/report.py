"""What a REFI-QDA import or export did, and the names a zhagen export uses.

>>> r = ImportQdaReport(path="a.qdpx", codes=2)
>>> r.lines()[0].startswith("文档 documents: 0")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "NotImported",
    "ImportQdaReport",
    "ExportQdaReport",
    "LEVEL_SET",
    "RELATION_NOTE",
    "DEFAULT_CODER",
]

#: Sets of a zhagen export that carry code levels: ``zhagen:level:2 初始范畴 / ...``.
LEVEL_SET = re.compile(r"^zhagen:level:([1-4])(?!\d)")
#: Name of the note that carries a relation's description in a zhagen export.
RELATION_NOTE = "zhagen:relation-description"
#: How a set's description carries the query of a zhagen query set: ``zhagen:query: …``.
QUERY_MARK = "zhagen:query:"
#: Coder of codings whose file names no user.
DEFAULT_CODER = "default"


@dataclass
class NotImported:
    """Something of the file that an import left out, and why (bilingual)."""

    what: str
    name: str
    zh: str
    en: str
    codings: int = 0

    @property
    def message(self) -> str:
        return f"{self.what} {self.name!r}: {self.zh} / {self.en}"


@dataclass
class ImportQdaReport:
    """What an import of a ``.qdpx`` (or ``.qdc``) put into the project.

    ``codes`` counts codes created, ``codes_reused`` codes that already existed;
    ``coder_from`` is ``"selection"`` or ``"coding"`` (where the coder was read);
    ``levels`` is ``"zhagen"`` (from a zhagen export) or ``"height"`` (from the tree).
    """

    path: str
    origin: str | None = None
    source_id: int | None = None
    documents: list[int] = field(default_factory=list)
    codes: int = 0
    codes_reused: int = 0
    codings: int = 0
    memos: int = 0
    relations: int = 0
    #: document sets and attributes (variables) made from the file's sets and cases
    sets: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    storyline: bool = False
    levels: str = "height"
    coder_from: str = ""
    not_imported: list[NotImported] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def codings_not_imported(self) -> int:
        return sum(n.codings for n in self.not_imported)

    @property
    def lost(self) -> bool:
        """True if codings or text sources of the file were left out (not merely kinds of
        object zhagen does not import, such as sets or variables)."""
        return self.codings_not_imported > 0 or any(n.what == "source" for n in self.not_imported)

    def lines(self) -> list[str]:
        """A bilingual summary, one line each, for printing."""
        out = [
            f"文档 documents: {len(self.documents)}  编码 codes: {self.codes} "
            f"(+{self.codes_reused} 已有 reused)  编码记录 codings: {self.codings}  "
            f"备忘录 memos: {self.memos}  关系 relations: {self.relations}",
            f"编码员 coders: {', '.join(self.coders) or '-'} (取自 from {self.coder_from or '-'}); "
            f"层级 levels: {self.levels}",
        ]
        if self.sets or self.attributes:
            out.append(f"集合 sets: {', '.join(self.sets) or '-'}  "
                       f"属性 attributes: {', '.join(self.attributes) or '-'}")  # fmt: skip
        if self.not_imported:
            out.append(
                f"未导入 not imported: {len(self.not_imported)} 项 items, "
                f"{self.codings_not_imported} 个编码 codings"
            )
            out += [f"  - {n.message}" for n in self.not_imported]
        out += [f"  ! {w}" for w in self.warnings]
        return out


@dataclass
class ExportQdaReport:
    """What an export wrote."""

    path: str
    documents: int = 0
    codes: int = 0
    codings: int = 0
    memos: int = 0
    relations: int = 0
    users: int = 0
    #: parts of imported files written back as read: sources without text or media,
    #: sets, links other than relations, graphs, variables, cases
    kept: int = 0
