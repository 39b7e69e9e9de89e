"""The REFI-QDA data model: plain dataclasses, GUIDs and position arithmetic.

See :mod:`zhagen.formats.refi_qda` for the decisions the rest of zhagen relies on.

>>> code = QdaCode(guid=make_guid("demo", "code", 1), name="新质生产力")
>>> code.guid == make_guid("demo", "code", 1)
True
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from zhagen.limits import current as current_limits

__all__ = [
    "QdaUser",
    "QdaCode",
    "QdaCoding",
    "QdaSelection",
    "QdaSource",
    "QdaNote",
    "QdaSet",
    "QdaLink",
    "QdaVariable",
    "QdaValue",
    "QdaCase",
    "VARIABLE_TYPES",
    "QdaProject",
    "PositionMap",
    "normalize_newlines",
    "newline_of",
    "make_guid",
    "iter_codes",
    "PROJECT_NS",
    "CODEBOOK_NS",
    "MAX_QDPX_BYTES",
]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

#: Largest total uncompressed size of a .qdpx archive (all members, as declared) that is
#: opened. The standard caps one internal file at 2 GiB - 1.
MAX_QDPX_BYTES = current_limits().qdpx_bytes  # ZHAGEN_MAX_QDPX_BYTES

#: Namespace of the UUID-5 GUIDs that :func:`make_guid` derives from zhagen ids.
_ZHAGEN_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/zhagen/zhagen/refi-qda")

SourceKind = Literal["text", "pdf", "picture", "audio", "video"]
Units = Literal["codepoint", "utf16"]


@dataclass
class QdaUser:
    """A person (or program) that worked on the project.

    Attributes
    ----------
    guid, name:
        The user's GUID and display name.
    id:
        The optional ``User@id`` (an identifier in the exporting program).
    """

    guid: str
    name: str = ""
    id: str | None = None


@dataclass
class QdaCode:
    """A code of the code book; ``children`` makes the tree.

    Attributes
    ----------
    guid, name:
        Identity and label.
    color:
        ``#RRGGBB`` (or ``#RGB``) or ``None``.
    description:
        The code's description (its definition, 内涵), or ``None``.
    is_codable:
        ``False`` for folder-like codes that cannot be applied to text.
    children:
        Sub-codes, in order.
    """

    guid: str
    name: str
    color: str | None = None
    description: str | None = None
    is_codable: bool = True
    children: list[QdaCode] = field(default_factory=list)


@dataclass
class QdaCoding:
    """The application of one code to a selection (or to a whole source)."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    creation_date_time: str | None = None


@dataclass
class QdaSelection:
    """A selection of a source with its codings.

    Attributes
    ----------
    guid, name:
        Identity and label (ATLAS.ti puts the quotation's first words in ``name``).
    start, end:
        For ``kind == "text"``: code points into :attr:`QdaSource.text`, end exclusive.
        For other kinds ``0`` (the geometry or time span is in ``attrs``).
    codings:
        The codes applied to this selection.
    creating_user, creation_date_time, modifying_user, modified_date_time:
        As in the file (user GUIDs, ISO 8601 date-times).
    description:
        The memo/comment on the selection (ATLAS.ti's quotation comment), or ``None``.
    kind:
        ``"text"``, or for media sources ``"pdf"``, ``"picture"``, ``"audio"``,
        ``"video"``, ``"representation"`` (a text selection in a PDF's text
        representation) or ``"transcript"``.
    attrs:
        For non-text selections, the raw XML attributes (``page``, ``firstX``, ``begin``,
        ``startPosition`` …), so that nothing is lost.
    """

    guid: str
    name: str | None
    start: int
    end: int
    codings: list[QdaCoding] = field(default_factory=list)
    creating_user: str | None = None
    creation_date_time: str | None = None
    modifying_user: str | None = None
    modified_date_time: str | None = None
    description: str | None = None
    kind: str = "text"
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class QdaSource:
    """A source document.

    Attributes
    ----------
    guid, name:
        Identity and display name.
    text:
        For text sources the plain text, BOM removed, line ends ``"\\n"``; ``None`` when the
        file does not carry it and for media sources.
    selections:
        Selections in file order (text selections with code-point positions into ``text``).
    codings:
        Codings of the whole source (``TextSource/Coding``).
    description:
        The source's description, or ``None``.
    kind:
        ``"text"``, ``"pdf"``, ``"picture"``, ``"audio"`` or ``"video"``.
    path:
        The path as written in the file (``plainTextPath`` or ``path``), e.g.
        ``internal://<guid>.txt``; informational.
    creating_user, creation_date_time, modifying_user, modified_date_time:
        As in the file.
    raw:
        For media sources and text sources whose text the file does not carry, the
        source's whole XML element as read (written back verbatim on export; it wins over
        ``selections``/``codings`` there).
    extra:
        Serialised XML of children zhagen does not model (``VariableValue``), written back
        on export.
    newline:
        The line end of the source's text file (``"\\r\\n"`` for NVivo on Windows), so that
        an export writes the file as it was and counts positions over it (a CRLF counts
        two); ``"\\n"`` by default.
    """

    guid: str
    name: str = ""
    text: str | None = None
    selections: list[QdaSelection] = field(default_factory=list)
    codings: list[QdaCoding] = field(default_factory=list)
    description: str | None = None
    kind: str = "text"
    path: str | None = None
    creating_user: str | None = None
    creation_date_time: str | None = None
    modifying_user: str | None = None
    modified_date_time: str | None = None
    raw: str | None = None
    extra: list[str] = field(default_factory=list)
    newline: str = "\n"


@dataclass
class QdaNote:
    """A note (memo): free text on the project, a source, a selection, a coding or a code.

    ``target_guids`` are the GUIDs of the elements that refer to the note with ``NoteRef``
    (the project itself is ``QdaProject.note_guids``, not listed here).
    """

    guid: str
    name: str = ""
    text: str = ""
    creating_user: str | None = None
    creation_date_time: str | None = None
    target_guids: list[str] = field(default_factory=list)
    description: str | None = None
    modifying_user: str | None = None
    modified_date_time: str | None = None


@dataclass
class QdaSet:
    """A named collection of codes, sources and notes (by GUID)."""

    guid: str
    name: str
    description: str | None = None
    member_codes: list[str] = field(default_factory=list)
    member_sources: list[str] = field(default_factory=list)
    member_notes: list[str] = field(default_factory=list)


#: ``Variable@typeOfVariable`` values, and the element each one's value is written in.
VARIABLE_TYPES = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
                  "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}  # fmt: skip


@dataclass
class QdaVariable:
    """A variable (an attribute of cases): ``type`` is one of :data:`VARIABLE_TYPES`."""

    guid: str
    name: str
    type: str = "Text"
    description: str | None = None


@dataclass
class QdaValue:
    """One variable's value on a case, as the file writes it (text)."""

    variable_guid: str
    value: str


@dataclass
class QdaCase:
    """A case: its variable values and the sources it is made of (by GUID)."""

    guid: str
    name: str | None = None
    description: str | None = None
    values: list[QdaValue] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)


@dataclass
class QdaLink:
    """A relation between two elements (codes, notes, selections …).

    ``direction`` is ``"Associative"``, ``"OneWay"`` or ``"Bidirectional"`` (or ``None``);
    ``name`` carries the relation type (e.g. 因果条件).
    """

    guid: str
    name: str | None = None
    origin_guid: str | None = None
    target_guid: str | None = None
    direction: str | None = None
    color: str | None = None


@dataclass
class QdaProject:
    """A REFI-QDA project as plain data.

    Attributes
    ----------
    name, origin:
        Project name and the exporting program (``Project@origin``).
    users, codes, sources, notes, sets, links, variables, cases:
        The project's parts; ``codes`` are the roots of the code tree. ``variables`` and
        ``cases`` are read as data (and also kept as XML in ``extra``); written, they
        replace the kept XML.
    description:
        The project's description, or ``None``.
    creating_user, creation_date_time, modifying_user, modified_date_time, base_path:
        As in the file.
    note_guids:
        Notes attached to the project as a whole.
    extra:
        Serialised XML of top-level parts zhagen does not model (``Variables``, ``Cases``,
        ``Graphs``), by element name; written back on export.
    warnings:
        What the import could not do exactly (bilingual, one line each): positions moved
        to a character boundary, missing texts, media not imported as text …
    """

    name: str
    origin: str | None = None
    users: list[QdaUser] = field(default_factory=list)
    codes: list[QdaCode] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    notes: list[QdaNote] = field(default_factory=list)
    sets: list[QdaSet] = field(default_factory=list)
    links: list[QdaLink] = field(default_factory=list)
    variables: list[QdaVariable] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    description: str | None = None
    creating_user: str | None = None
    creation_date_time: str | None = None
    modifying_user: str | None = None
    modified_date_time: str | None = None
    base_path: str | None = None
    note_guids: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def all_codes(self) -> list[QdaCode]:
        """Every code of the tree, parents before children (depth first)."""
        return list(iter_codes(self.codes))

    def notes_for(self, guid: str) -> list[QdaNote]:
        """The notes attached to the element with this GUID."""
        return [n for n in self.notes if guid in n.target_guids]


def iter_codes(codes: list[QdaCode]) -> Iterator[QdaCode]:
    """Walk a code tree depth first, parents before children.

    >>> tree = [QdaCode("g1", "a", children=[QdaCode("g2", "b")])]
    >>> [c.name for c in iter_codes(tree)]
    ['a', 'b']
    """
    stack = list(reversed(codes))
    while stack:
        code = stack.pop()
        yield code
        stack.extend(reversed(code.children))


def make_guid(*parts: object) -> str:
    """A stable GUID (UUID-5) for a zhagen object, from the caller's ids.

    Pass something that identifies the project as well as the object (e.g. the project's
    UUID, ``"code"`` and the code's row id) so two projects do not share GUIDs.

    >>> make_guid("p1", "code", 7) == make_guid("p1", "code", 7) != make_guid("p2", "code", 7)
    True
    """
    if not parts:
        raise ValueError("make_guid needs at least one part")
    return str(uuid.uuid5(_ZHAGEN_GUID_NS, "\x1f".join(str(p) for p in parts)))


_LINE_END = re.compile(r"\r\n?")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")


def newline_of(text: str) -> str:
    """The line end a text uses: ``"\\r\\n"``, ``"\\r"`` or ``"\\n"`` (the first found
    decides; a file with mixed line ends is written back with that one).

    >>> newline_of("a\\r\\nb"), newline_of("a\\rb"), newline_of("ab")
    ('\\r\\n', '\\r', '\\n')
    """
    m = _LINE_END.search(text)
    n = text.find("\n")
    if m is None or (n != -1 and n < m.start()):
        return "\n"
    return m.group()


def normalize_newlines(text: str) -> str:
    r"""Turn CRLF and lone CR into LF (zhagen's line end).

    >>> normalize_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return _LINE_END.sub("\n", text)


def _joins_previous(ch: str) -> bool:
    """Whether ``ch`` cannot begin a character sequence (combining mark, ZWJ, selector)."""
    o = ord(ch)
    return (
        unicodedata.category(ch) in {"Mn", "Me"}
        or o == 0x200D
        or 0xFE00 <= o <= 0xFE0F
        or 0x1F3FB <= o <= 0x1F3FF
        or 0xE0100 <= o <= 0xE01EF
    )


class PositionMap:
    """Convert positions in a source file to code points into its LF-normalised text.

    Parameters
    ----------
    raw:
        The file's text as decoded, BOM removed, line ends as in the file.
    units:
        What the file's positions count: ``"codepoint"`` (the standard) or ``"utf16"``
        (NVivo: UTF-16 code units).

    Examples
    --------
    >>> pm = PositionMap("😀a\\r\\nb", "utf16")
    >>> pm.text
    '😀a\\nb'
    >>> pm.convert(5, end=False)  # unit 5 is 'b': 😀=2 units, a=1, CRLF=2
    (3, None)
    >>> pm.convert(1, end=True)  # inside the surrogate pair: widened to the whole emoji
    (1, 'surrogate')
    """

    def __init__(self, raw: str, units: Units = "codepoint") -> None:
        if units not in ("codepoint", "utf16"):
            raise ValueError(f"units must be 'codepoint' or 'utf16', not {units!r}")
        self.units: Units = units
        self.raw_length = len(raw)
        self.text = normalize_newlines(raw)
        # unit offset of each astral character (k-th one: its code point index + k)
        self._astral = (
            [m.start() + k for k, m in enumerate(_ASTRAL.finditer(raw))] if units == "utf16" else []
        )
        self._crlf = [m.start() for m in _CRLF.finditer(raw)]

    @property
    def raw_units(self) -> int:
        """Length of the file's text in the units its positions count."""
        return self.raw_length + len(self._astral)

    def convert(self, pos: int, *, end: bool) -> tuple[int, str | None]:
        """Map one position; return ``(code point in text, problem or None)``.

        A position inside a surrogate pair or inside a CRLF is widened to the whole
        character: a start rounds down, an end rounds up. The problem is ``"surrogate"``
        or ``"crlf"``; ``"range"`` for a position beyond the end (clamped).
        """
        problem = None
        if pos < 0 or pos > self.raw_units:
            inside, _ = self.convert(min(max(pos, 0), self.raw_units), end=end)
            return inside, "range"
        cp, mid = _collapse(self._astral, pos, end)
        if mid:
            problem = "surrogate"
        lf, mid = _collapse(self._crlf, cp, end)
        if mid:
            problem = problem or "crlf"
        return lf, problem

    def splits_sequence(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` cuts a combining sequence (a mark, ZWJ or selector
        at either edge belongs to the character before it)."""
        text = self.text
        first = start < len(text) and start > 0 and _joins_previous(text[start])
        last = 0 < end < len(text) and end > start and _joins_previous(text[end])
        return first or last


def _collapse(pairs: list[int], pos: int, end: bool) -> tuple[int, bool]:
    """Map ``pos`` through two-to-one pairs starting at ``pairs`` (sorted).

    Each pair wholly before ``pos`` shortens it by one; a ``pos`` between the two halves of
    a pair is inside it and is moved to the pair's start (``end=False``) or end.
    """
    k = bisect_left(pairs, pos)
    mid = k > 0 and pairs[k - 1] == pos - 1
    return pos - k + (1 if mid and end else 0), mid
