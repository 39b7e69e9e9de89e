"""Writing REFI-QDA 1.0 projects (``.qdpx``) and codebooks (``.qdc``).

The XML follows the element order of ``Project.xsd`` / ``Codebook.xsd`` so that it
validates; optional containers that would be empty are left out (the schema requires at
least one child in each). Text sources go into ``sources/<guid>.txt`` as UTF-8 without a
BOM, and their selections are code points into exactly that text, end exclusive (which is
also what zhagen stores). Media sources read from another program are written back from
their raw XML. See :mod:`zhagen.formats.refi_qda` for the data model.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ElementTree, SubElement

from zhagen.errors import ParameterError
from zhagen.formats.refi_qda.model import (
    CODEBOOK_NS,
    PROJECT_NS,
    VARIABLE_TYPES,
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    Units,
)

__all__ = ["write_qdpx", "write_qdc", "project_xml", "codebook_xml"]

_GUID = re.compile(
    r"^(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
_RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
# Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MEDIA_TAGS = {"pdf": "PDFSource", "picture": "PictureSource", "audio": "AudioSource",
               "video": "VideoSource"}  # fmt: skip
_SELECTION_TAGS = {"pdf": "PDFSelection", "picture": "PictureSelection",
                   "audio": "AudioSelection", "video": "VideoSelection"}  # fmt: skip


def _default_origin() -> str:
    from zhagen._version import __version__

    return f"zhagen {__version__}"


def _clean(value: str) -> str:
    """A string XML 1.0 can carry (impossible control characters become U+FFFD)."""
    return _NOT_XML.sub("\ufffd", value)


def _guid(value: str | None, what: str) -> str:
    if value is None or not _GUID.match(value):
        raise ValueError(f"{what}: {value!r} is not a GUID (use refi_qda.make_guid)")
    return value


def _datetime(value: str | datetime | None, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    if not _DATETIME.match(value):
        raise ValueError(f"{what}: {value!r} is not an xsd:dateTime such as 2024-05-01T08:00:00Z")
    return value


def _fill_code(el: Element, code: QdaCode, description_tag: str) -> None:
    """A ``<Code>`` element's attributes and description, the same in a project and in a
    codebook (the colour only where the code has one, checked as ``#RRGGBB``)."""
    _attrs(el, guid=_guid(code.guid, f"code {code.name!r}"), name=code.name,
           isCodable="true" if code.is_codable else "false")  # fmt: skip
    if code.color is not None:
        if not _RGB.match(code.color):
            raise ValueError(f"code {code.name!r}: colour {code.color!r} is not #RRGGBB")
        el.set("color", code.color)
    _add_text(el, description_tag, code.description)


def _attrs(el: Element, **values: str | None) -> None:
    """Set the attributes that have a value (keyword order is attribute order)."""
    for key, value in values.items():
        if value is not None:
            el.set(key, _clean(value))


def _add_text(parent: Element, tag: str, text: str | None) -> None:
    if text:
        SubElement(parent, tag).text = _clean(text)


class _ProjectWriter:
    """Builds the ``Project`` element; collects the text files to put in ``sources/``."""

    def __init__(self, project: QdaProject, positions: Units = "codepoint") -> None:
        if positions not in ("codepoint", "utf16"):
            raise ValueError(f"positions must be 'codepoint' or 'utf16', not {positions!r}")
        self.project = project
        self.positions = positions
        self.files: list[tuple[str, bytes]] = []
        self.notes_of: dict[str, list[str]] = {}
        for note in project.notes:
            for target in note.target_guids:
                self.notes_of.setdefault(target.lower(), []).append(note.guid)

    def q(self, tag: str) -> str:
        # Unqualified names under an ``xmlns`` attribute on the root: ElementTree's
        # ``default_namespace`` refuses unqualified attribute names.
        return tag

    def sub(self, parent: Element, tag: str) -> Element:
        return SubElement(parent, self.q(tag))

    def stamps(self, el: Element, obj: object, what: str) -> None:
        users = ("creating_user", "modifying_user")
        for key, attr in (("creating_user", "creatingUser"),
                          ("creation_date_time", "creationDateTime"),
                          ("modifying_user", "modifyingUser"),
                          ("modified_date_time", "modifiedDateTime")):  # fmt: skip
            value = getattr(obj, key, None)
            if value is None:
                continue
            value = _guid(value, f"{what} {attr}") if key in users else _datetime(value, what)
            el.set(attr, value or "")

    def note_refs(self, el: Element, guid: str) -> None:
        for note in self.notes_of.get(guid.lower(), []):
            self.sub(el, "NoteRef").set("targetGUID", _guid(note, "note"))

    def build(self, origin: str) -> Element:
        p = self.project
        root = Element(self.q("Project"), xmlns=PROJECT_NS)
        _attrs(root, name=p.name or "zhagen", origin=origin)
        if p.creating_user:
            root.set("creatingUserGUID", _guid(p.creating_user, "project creatingUserGUID"))
        _attrs(root, creationDateTime=_datetime(p.creation_date_time, "project"))
        if p.modifying_user:
            root.set("modifyingUserGUID", _guid(p.modifying_user, "project modifyingUserGUID"))
        _attrs(root, modifiedDateTime=_datetime(p.modified_date_time, "project"))
        _attrs(root, basePath=p.base_path)
        if p.users:
            users = self.sub(root, "Users")
            for user in p.users:
                _attrs(self.sub(users, "User"), guid=_guid(user.guid, "user"), name=user.name,
                       id=user.id)  # fmt: skip
        if p.codes:
            codes = self.sub(self.sub(root, "CodeBook"), "Codes")
            for code in p.codes:
                self.code(codes, code)
        self.variables_and_cases(root)
        self.parts(root)
        self.extra(root, ("Graphs",))
        _add_text(root, self.q("Description"), p.description)
        for note in p.note_guids:
            self.sub(root, "NoteRef").set("targetGUID", _guid(note, "project note"))
        return root

    def parts(self, root: Element) -> None:
        p = self.project
        parts: tuple[tuple[list[Any], str, Callable[[Element, Any], None]], ...] = (
            (p.sources, "Sources", self.source),
            (p.notes, "Notes", self.note),
            (p.links, "Links", self.link),
            (p.sets, "Sets", self.set),
        )  # in the order Project.xsd wants them
        for items, tag, write in parts:
            if items:
                parent = self.sub(root, tag)
                for item in items:
                    write(parent, item)

    def variables_and_cases(self, root: Element) -> None:
        """``<Variables>`` and ``<Cases>``: the project's own when it has them, else what an
        import kept (as read)."""
        p = self.project
        types = {v.guid.lower(): v.type for v in p.variables}
        if p.variables:
            parent = self.sub(root, "Variables")
            for var in p.variables:
                el = self.sub(parent, "Variable")
                _attrs(el, guid=_guid(var.guid, f"variable {var.name!r}"), name=var.name,
                       typeOfVariable=var.type if var.type in VARIABLE_TYPES else "Text")  # fmt: skip
                _add_text(el, self.q("Description"), var.description)
        else:
            self.extra(root, ("Variables",))
        if p.cases:
            parent = self.sub(root, "Cases")
            for case in p.cases:
                el = self.sub(parent, "Case")
                _attrs(el, guid=_guid(case.guid, "case"), name=case.name)
                _add_text(el, self.q("Description"), case.description)
                for value in case.values:
                    vv = self.sub(el, "VariableValue")
                    target = _guid(value.variable_guid, "variable value")
                    self.sub(vv, "VariableRef").set("targetGUID", target)
                    kind = types.get(value.variable_guid.lower(), "Text")
                    self.sub(vv, VARIABLE_TYPES.get(kind, "TextValue")).text = _clean(value.value)
                for src in case.source_guids:
                    self.sub(el, "SourceRef").set("targetGUID", _guid(src, "case source"))
        else:
            self.extra(root, ("Cases",))

    def extra(self, root: Element, tags: tuple[str, ...]) -> None:
        for tag in tags:
            if tag in self.project.extra:
                root.append(self.raw(self.project.extra[tag]))

    def raw(self, xml: str) -> Element:
        """Parse kept XML (safely); every element goes into the root's (project) namespace."""
        import defusedxml.ElementTree as safe_et

        el = safe_et.fromstring(xml.encode("utf-8"), forbid_dtd=True)
        for node in el.iter():
            node.tag = str(node.tag).rsplit("}", 1)[-1]
        return el

    def code(self, parent: Element, code: QdaCode) -> None:
        el = self.sub(parent, "Code")
        _fill_code(el, code, self.q("Description"))
        self.note_refs(el, code.guid)
        for child in code.children:
            self.code(el, child)

    def coding(self, parent: Element, coding: QdaCoding) -> None:
        el = self.sub(parent, "Coding")
        el.set("guid", _guid(coding.guid, "coding"))
        if coding.creating_user:
            el.set("creatingUser", _guid(coding.creating_user, "coding creatingUser"))
        _attrs(el, creationDateTime=_datetime(coding.creation_date_time, "coding"))
        self.sub(el, "CodeRef").set("targetGUID", _guid(coding.code_guid, "coding code"))
        self.note_refs(el, coding.guid)

    def source(self, parent: Element, src: QdaSource) -> None:
        if src.kind != "text" or src.raw:  # media, or a text source kept as read
            self.media(parent, src)
            return
        el = self.sub(parent, "TextSource")
        guid = _guid(src.guid, f"source {src.name!r}")
        path = src.path
        if src.text is not None:
            fname = guid.strip("{}") + ".txt"
            path = f"internal://{fname}"
            data = src.text if src.newline == "\n" else src.text.replace("\n", src.newline)
            self.files.append((f"sources/{fname}", data.encode("utf-8")))
        _attrs(el, guid=guid, name=src.name, plainTextPath=path)
        self.stamps(el, src, f"source {src.name!r}")
        _add_text(el, self.q("Description"), src.description)
        for sel in src.selections:
            self.selection(el, sel, src)
        for coding in src.codings:
            self.coding(el, coding)
        self.note_refs(el, src.guid)
        for xml in src.extra:
            el.append(self.raw(xml))

    def selection(self, parent: Element, sel: QdaSelection, src: QdaSource) -> None:
        if src.text is not None and not 0 <= sel.start <= sel.end <= len(src.text):
            raise ValueError(
                f"selection {sel.guid} [{sel.start}, {sel.end}) lies outside source "
                f"{src.name!r} ({len(src.text)} code points)"
            )
        el = self.sub(parent, "PlainTextSelection")
        start, end = sel.start, sel.end
        if src.text is not None:
            start = file_offset(src.text, start, self.positions, src.newline)
            end = file_offset(src.text, end, self.positions, src.newline)
        _attrs(el, guid=_guid(sel.guid, "selection"), name=sel.name,
               startPosition=str(start), endPosition=str(end))  # fmt: skip
        self.stamps(el, sel, f"selection {sel.guid}")
        self.selection_body(el, sel)

    def selection_body(self, el: Element, sel: QdaSelection) -> None:
        _add_text(el, self.q("Description"), sel.description)
        for coding in sel.codings:
            self.coding(el, coding)
        self.note_refs(el, sel.guid)

    def media(self, parent: Element, src: QdaSource) -> None:
        if src.raw:
            parent.append(self.raw(src.raw))
            return
        if src.kind not in _MEDIA_TAGS:
            raise ValueError(f"source {src.name!r}: unknown kind {src.kind!r}")
        el = self.sub(parent, _MEDIA_TAGS[src.kind])
        _attrs(el, guid=_guid(src.guid, f"source {src.name!r}"), name=src.name, path=src.path)
        self.stamps(el, src, f"source {src.name!r}")
        _add_text(el, self.q("Description"), src.description)
        for sel in src.selections:
            if sel.kind in _SELECTION_TAGS:
                sub = self.sub(el, _SELECTION_TAGS[sel.kind])
                _attrs(sub, **{k: v for k, v in sel.attrs.items() if not k.startswith("{")})
                _attrs(sub, guid=_guid(sel.guid, "selection"), name=sel.name)
                self.selection_body(sub, sel)
        for coding in src.codings:
            self.coding(el, coding)
        self.note_refs(el, src.guid)

    def note(self, parent: Element, note: QdaNote) -> None:
        el = self.sub(parent, "Note")
        _attrs(el, guid=_guid(note.guid, f"note {note.name!r}"), name=note.name)
        self.stamps(el, note, f"note {note.name!r}")
        _add_text(el, self.q("Description"), note.description)
        SubElement(el, self.q("PlainTextContent")).text = _clean(note.text)
        self.note_refs(el, note.guid)

    def link(self, parent: Element, link: QdaLink) -> None:
        el = self.sub(parent, "Link")
        if link.direction not in (None, "Associative", "OneWay", "Bidirectional"):
            raise ValueError(f"link {link.guid}: direction {link.direction!r} is not allowed")
        if link.color is not None and not _RGB.match(link.color):
            raise ValueError(f"link {link.guid}: colour {link.color!r} is not #RRGGBB")
        _attrs(el, guid=_guid(link.guid, "link"), name=link.name, direction=link.direction,
               color=link.color)  # fmt: skip
        if link.origin_guid is not None:
            el.set("originGUID", _guid(link.origin_guid, "link origin"))
        if link.target_guid is not None:
            el.set("targetGUID", _guid(link.target_guid, "link target"))
        self.note_refs(el, link.guid)

    def set(self, parent: Element, qset: QdaSet) -> None:
        el = self.sub(parent, "Set")
        _attrs(el, guid=_guid(qset.guid, f"set {qset.name!r}"), name=qset.name)
        _add_text(el, self.q("Description"), qset.description)
        for tag, guids in (("MemberCode", qset.member_codes), ("MemberSource", qset.member_sources),
                           ("MemberNote", qset.member_notes)):  # fmt: skip
            for guid in guids:
                self.sub(el, tag).set("targetGUID", _guid(guid, f"set {qset.name!r} member"))


def _serialize(root: Element) -> bytes:
    buf = io.BytesIO()
    ElementTree(root).write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue()


def utf16_offset(text: str, pos: int) -> int:
    """The UTF-16 code unit offset of code point ``pos`` in ``text`` (what NVivo counts):
    each character outside the Basic Multilingual Plane counts two.

    >>> utf16_offset("𠀀扎根", 1), utf16_offset("𠀀扎根", 3), utf16_offset("扎根", 2)
    (2, 4, 2)
    """
    return pos + sum(1 for ch in text[:pos] if ord(ch) > 0xFFFF)


def file_offset(text: str, pos: int, positions: Units = "codepoint", newline: str = "\n") -> int:
    """The offset of code point ``pos`` of the LF-normalised ``text`` in the text file as
    written: with ``newline`` for each line end (a CRLF counts two) and in ``positions``
    units.

    >>> file_offset("a\\nb", 2, newline="\\r\\n"), file_offset("😀\\nb", 2, "utf16", "\\r\\n")
    (3, 4)
    """
    extra = text.count("\n", 0, pos) * (len(newline) - 1)
    return (utf16_offset(text, pos) if positions == "utf16" else pos) + extra


def project_xml(
    project: QdaProject, *, origin: str | None = None, positions: Units = "codepoint"
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The ``project.qde`` bytes and the ``(member name, bytes)`` of its text files.

    ``positions``: ``"codepoint"`` (the standard) or ``"utf16"`` (UTF-16 code units, which
    NVivo reads)."""
    writer = _ProjectWriter(project, positions)
    root = writer.build(origin or _default_origin())
    return _serialize(root), writer.files


def codebook_xml(codes: list[QdaCode], *, origin: str | None = None) -> bytes:
    """The bytes of a ``.qdc`` codebook for ``codes``."""
    if not codes:
        raise ParameterError(
            "代码本为空，没有可导出的代码；请先建立代码",
            "the codebook is empty: there are no codes to export; create some codes first",
        )
    q = ""  # unqualified names under xmlns (see _ProjectWriter.q)
    root = Element("CodeBook", xmlns=CODEBOOK_NS)
    _attrs(root, origin=origin or _default_origin())
    holder = SubElement(root, q + "Codes")

    def add(parent: Element, code: QdaCode) -> None:
        el = SubElement(parent, q + "Code")
        _fill_code(el, code, q + "Description")
        for child in code.children:
            add(el, child)

    for code in codes:
        add(holder, code)
    return _serialize(root)


def _write_target(
    path: str | os.PathLike[str] | IO[bytes], write: Callable[[IO[bytes]], object]
) -> None:
    """Call ``write(binary_file)`` on ``path`` atomically, or on an open file."""
    if not isinstance(path, str | os.PathLike):
        write(path)
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_qdpx(
    project: QdaProject,
    path: str | os.PathLike[str] | IO[bytes],
    *,
    origin: str | None = None,
    positions: Units = "codepoint",
) -> None:
    """Write a REFI-QDA 1.0 project (``.qdpx``) that validates against ``Project.xsd``.

    Text sources are written as UTF-8 ``sources/<guid>.txt`` (``internal://`` paths) and
    their selections as code points into that text; GUIDs are written as given. A path
    is written atomically (temporary file, then rename).

    Parameters
    ----------
    project:
        The project.
    path:
        Where to write: a path or an open binary file.
    origin:
        ``Project@origin``; default ``"zhagen <version>"``.
    positions:
        What selection positions count: ``"codepoint"`` (default; Unicode code points, as
        the standard says) or ``"utf16"`` (UTF-16 code units, as NVivo reads them: a
        character outside the BMP, such as 𠀀, counts two).

    Raises
    ------
    ValueError
        A GUID, colour or date-time that the schema refuses, or a selection outside its
        text (programmer errors: the caller builds the data).

    Examples
    --------
    >>> import io
    >>> from zhagen.formats.refi_qda import make_guid, read_qdpx
    >>> p = QdaProject("演示", sources=[QdaSource(make_guid("d", 1), "doc", text="扎根理论")])
    >>> buf = io.BytesIO()
    >>> write_qdpx(p, buf)
    >>> read_qdpx(io.BytesIO(buf.getvalue())).sources[0].text
    '扎根理论'
    """
    qde, files = project_xml(project, origin=origin, positions=positions)

    def write(fh: IO[bytes]) -> None:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", qde)
            for name, data in files:
                zf.writestr(name, data)

    _write_target(path, write)


def write_qdc(
    codes: list[QdaCode], path: str | os.PathLike[str] | IO[bytes], *, origin: str | None = None
) -> None:
    """Write a REFI-QDA 1.0 codebook (``.qdc``) that validates against ``Codebook.xsd``.

    >>> import io
    >>> from zhagen.formats.refi_qda import make_guid, read_qdc
    >>> buf = io.BytesIO()
    >>> write_qdc([QdaCode(make_guid("d", "c", 1), "概念")], buf)
    >>> [c.name for c in read_qdc(io.BytesIO(buf.getvalue()))]
    ['概念']
    """
    data = codebook_xml(codes, origin=origin)
    _write_target(path, lambda fh: fh.write(data))
