"""Reading REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) safely.

The archive is checked before anything is read: member count, declared total size and
per-member compression ratio (zip bombs), and member names (no absolute paths, no ``..``).
XML is parsed with :mod:`defusedxml` with DTDs, entities and external references
forbidden, from a size-bounded read (both in :mod:`.safety`). Elements
are matched by local name, so files that use another namespace version still read (with a
warning). See :mod:`zhagen.formats.refi_qda` for the data model and the position rules.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections import Counter
from typing import TYPE_CHECKING, Literal

from zhagen.errors import InputError
from zhagen.formats._io import Source, decode, read_bytes, read_head, source_name

# What this module reads, declared apart: detection imports it without this package
from zhagen.formats.qde import FORMAT_SPECS  # noqa: F401 - re-exported
from zhagen.formats.refi_qda.model import (
    MAX_QDPX_BYTES,
    PROJECT_NS,
    VARIABLE_TYPES,
    PositionMap,
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
    QdaValue,
    QdaVariable,
    Units,
    iter_codes,
    newline_of,
    normalize_newlines,
)
from zhagen.formats.refi_qda.safety import (
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_XML_BYTES,
    check_members,
    find_qde,
    open_zip,
    parse_xml,
    read_member,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "read_qdpx",
    "read_qdc",
    "source_label",
    "parse_xml",
    "MAX_XML_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
]

_GUID = re.compile(
    r"^\s*(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*$"
)
_MEDIA = {"PDFSource": "pdf", "PictureSource": "picture", "AudioSource": "audio",
          "VideoSource": "video"}  # fmt: skip
_MEDIA_SELECTIONS = {"PDFSelection": "pdf", "PictureSelection": "picture",
                     "AudioSelection": "audio", "VideoSelection": "video"}  # fmt: skip
_MEDIA_TEXTS = {"Representation": "representation", "Transcript": "transcript",
                "TextDescription": "representation"}  # fmt: skip
_KEPT_RAW = ("Variables", "Cases", "Graphs")
_MAX_DEPTH = 200


# ---------------------------------------------------------------- messages

_FIX = (
    "请用原软件重新导出，或把文件发给开发者",
    "export it again from the original program, or send the file to the developers",
)
#: Errors of structure (the file parses but breaks the schema): key -> (Chinese, English),
#: formatted with the keyword arguments of ``_error``.
_ERRORS = {
    "root": ("根元素是 <{tag}>，不是 <{want}>", "the root element is <{tag}>, not <{want}>"),
    "missing": ("{el} 缺少必需的属性 {attr}", "{el} lacks the required attribute {attr!r}"),
    "not-guid": ("{el} 的 {attr} 不是 GUID：{value!r}", "{attr} of {el} is not a GUID: {value!r}"),
    "not-int": ("{el} 的 {attr} 不是整数：{value!r}", "{attr} of {el} is not an integer: {value!r}"),
    "not-bool": ("{el} 的 {attr} 不是布尔值：{value!r}", "{attr} of {el} is not a boolean: {value!r}"),
    "no-coderef": ("{el} 缺少 CodeRef", "{el} has no CodeRef"),
    "no-codes": ("CodeBook 中没有 Codes 元素", "CodeBook has no Codes element"),
    "deep": ("代码树超过 {n} 层", "the code tree is deeper than {n} levels"),
}  # fmt: skip


#: Warnings: key -> (Chinese, English); one line each in ``QdaProject.warnings``.
_WARNINGS = {
    "namespace": ("命名空间是 {ns!r} 而非 {want}，已按 1.0 读取",
                  "namespace {ns!r} is not {want}; read as 1.0"),
    "no-text": ("文本源 {name!r} 没有正文，其 {n} 个选区的位置按原样保留、未经核对",
                "text source {name!r} has no text: its {n} selections keep their positions as "
                "in the file, unchecked"),
    "no-path": ("{name!r} 既没有 PlainTextContent 也没有 plainTextPath",
                "{name!r} has neither PlainTextContent nor plainTextPath"),
    "missing-file": ("{name!r} 的正文文件 {path} 不在压缩包中，未导入正文",
                     "the text of {name!r} ({path}) is not in the archive; no text imported"),
    "missing-beside": ("{name!r} 的正文文件 {path} 不在 .qde 所在文件夹（或其 sources/）中，未导入正文；"
                       "请导入完整的 .qdpx",
                       "the text of {name!r} ({path}) is not in the .qde's folder (nor its "
                       "sources/); no text imported: import the whole .qdpx instead"),
    "not-utf8": ("{member} 不是 UTF-8，已按 {enc} 读取", "{member} is not UTF-8; read as {enc}"),
    "undecodable": ("{member} 有 {n} 个无法解码的字节，已替换为 U+FFFD，其后的选区位置可能偏移",
                    "{member}: {n} undecodable bytes replaced by U+FFFD; selections after them "
                    "may be shifted"),
    "outside": ("文本源 {name!r} 的选区 {guid} 位置 {start}–{end} 超出正文（{size}）或起止颠倒，"
                "已跳过（含 {n} 个编码）",
                "selection {guid} of {name!r} at {start}-{end} lies outside the text ({size} "
                "units) or is reversed; skipped with its {n} codings"),
    "media": ("{kind} 源 {name!r} 未作为文本导入：{n} 个选区、{m} 个编码仅保留以便再导出",
              "{kind} source {name!r} not imported as text: {n} selections and {m} codings kept "
              "for re-export"),
    "dangling-note": ("{n} 个 NoteRef 指向不存在的备注", "{n} NoteRefs point to no note"),
    "unknown-code": ("{n} 个编码引用了代码本中不存在的代码",
                     "{n} codings refer to codes missing from the codebook"),
    "duplicate-code": ("代码本中有 {n} 个重复的代码 GUID", "{n} duplicate code GUIDs in the codebook"),
    "surrogate": ("{n} 个选区边界落在 UTF-16 代理对中间，已扩展到整个字符",
                  "{n} selection boundaries fell inside a surrogate pair; widened to the whole "
                  "character"),
    "crlf": ("{n} 个选区边界落在 CRLF 中间，已扩展到整个换行", "{n} selection boundaries fell inside a "
             "CRLF line end; widened to the whole line end"),
    "sequence": ("{n} 个选区切开了组合字符序列（未作改动）", "{n} selections split a combining "
                 "character sequence (left as is)"),
    "ignored": ("忽略了 {n} 个 <{tag}> 元素", "ignored {n} <{tag}> elements"),
}  # fmt: skip


def _error(label: str, key: str, line: int | None = None, **kw: object) -> InputError:
    zh, en = (t.format(line=line, **kw) for t in _ERRORS[key])
    zh = f"文件不符合 REFI-QDA 标准结构：{zh}；{_FIX[0]}"
    en = f"the file breaks the REFI-QDA schema: {en}; {_FIX[1]}"
    return InputError(zh, en, file=label, line=line)


def _describe(el: Element) -> str:
    tag = _local(el.tag)
    for key in ("name", "guid"):
        if el.get(key):
            return f"<{tag} {key}={el.get(key)!r}>"
    return f"<{tag}>"


# ---------------------------------------------------------------- XML helpers


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if text.startswith("{") else text


def _namespace(tag: object) -> str:
    text = str(tag)
    return text[1:].split("}", 1)[0] if text.startswith("{") else ""


def _serialize(el: Element) -> str:
    from xml.etree.ElementTree import tostring

    tail, el.tail = el.tail, None  # the whitespace after the element is not part of it
    try:
        return tostring(el, encoding="unicode")
    finally:
        el.tail = tail


def _text(el: Element) -> str | None:
    """An element's text, ``None`` when empty (NVivo writes ``<Description />`` everywhere)."""
    return el.text if el.text else None


def _req(el: Element, attr: str, label: str) -> str:
    value = el.get(attr)
    if value is None:
        raise _error(label, "missing", el=_describe(el), attr=attr)
    return value


def _guid(el: Element, label: str, attr: str = "guid") -> str:
    value = _req(el, attr, label)
    if not _GUID.match(value):
        raise _error(label, "not-guid", el=_describe(el), attr=attr, value=value)
    return value.strip()


def _int(el: Element, attr: str, label: str) -> int:
    value = _req(el, attr, label)
    try:
        return int(value.strip())
    except ValueError:
        raise _error(label, "not-int", el=_describe(el), attr=attr, value=value) from None


def _bool(el: Element, attr: str, label: str, default: bool) -> bool:
    value = (el.get(attr) or "").strip()
    if not value:
        return default
    if value not in ("true", "1", "false", "0"):
        raise _error(label, "not-bool", el=_describe(el), attr=attr, value=value)
    return value in ("true", "1")


def _stamps(el: Element) -> dict[str, str | None]:
    return {
        "creating_user": el.get("creatingUser"),
        "creation_date_time": el.get("creationDateTime"),
        "modifying_user": el.get("modifyingUser"),
        "modified_date_time": el.get("modifiedDateTime"),
    }


# ---------------------------------------------------------------- codes, codings


class _Context:
    """Warnings and counters shared by the element readers."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.warnings: list[str] = []
        self.ignored: Counter[str] = Counter()

    def warn(self, key: str, **kw: object) -> None:
        zh, en = (t.format(**kw) for t in _WARNINGS[key])
        self.warnings.append(f"{zh} / {en}")

    def code(self, el: Element, depth: int = 0) -> QdaCode:
        if depth > _MAX_DEPTH:
            raise _error(self.label, "deep", n=_MAX_DEPTH)
        code = QdaCode(
            guid=_guid(el, self.label),
            name=_req(el, "name", self.label),
            color=el.get("color"),
            is_codable=_bool(el, "isCodable", self.label, True),
        )
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                code.description = _text(child)
            elif tag == "Code":
                code.children.append(self.code(child, depth + 1))
            elif tag != "NoteRef":
                self.ignored[f"Code/{tag}"] += 1
        return code

    def codes(self, parent: Element | None) -> list[QdaCode]:
        """The codes of a ``CodeBook`` element (``CodeBook/Codes/Code``)."""
        if parent is None:
            return []
        holder = next((c for c in parent if _local(c.tag) == "Codes"), None)
        if holder is None:
            raise _error(self.label, "no-codes")
        codes = [self.code(c) for c in holder if _local(c.tag) == "Code"]
        seen: Counter[str] = Counter(c.guid.lower() for c in iter_codes(codes))
        dups = sum(n - 1 for n in seen.values() if n > 1)
        if dups:
            self.warn("duplicate-code", n=dups)
        return codes

    def coding(self, el: Element) -> QdaCoding:
        ref = next((c for c in el if _local(c.tag) == "CodeRef"), None)
        if ref is None:
            raise _error(self.label, "no-coderef", el=_describe(el))
        return QdaCoding(
            guid=_guid(el, self.label),
            code_guid=_guid(ref, self.label, "targetGUID"),
            creating_user=el.get("creatingUser"),
            creation_date_time=el.get("creationDateTime"),
        )

    def selection(self, el: Element, kind: str) -> QdaSelection:
        sel = QdaSelection(
            guid=_guid(el, self.label), start=0, end=0, name=el.get("name"), kind=kind
        )
        for key, value in _stamps(el).items():
            setattr(sel, key, value)
        if kind == "text":
            sel.start = _int(el, "startPosition", self.label)
            sel.end = _int(el, "endPosition", self.label)
        else:
            sel.attrs = dict(el.attrib)
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                sel.description = _text(child)
            elif tag == "Coding":
                sel.codings.append(self.coding(child))
            elif tag not in ("NoteRef", "Representation"):
                self.ignored[f"{_local(el.tag)}/{tag}"] += 1
        return sel


# ---------------------------------------------------------------- the project


class _ProjectReader(_Context):
    """Reads one ``.qde`` element tree with the archive it came from."""

    def __init__(
        self,
        zf: zipfile.ZipFile | None,
        members: dict[str, zipfile.ZipInfo],
        qde: zipfile.ZipInfo | None,
        label: str,
        positions: str,
        folder: str | None = None,
    ) -> None:
        super().__init__(label)
        self.zf = zf
        self.members = members
        key = qde.filename.replace("\\", "/").lower() if qde else ""
        self.prefix = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
        #: for a bare ``.qde``: the folder it is in, where its text files may lie
        self.folder = folder
        self.positions = positions
        self.units: Units = "codepoint"
        self.boundary: Counter[str] = Counter()

    def project(self, root: Element) -> QdaProject:
        if _local(root.tag) != "Project":
            raise _error(self.label, "root", tag=_local(root.tag), want="Project")
        if _namespace(root.tag) != PROJECT_NS:
            self.warn("namespace", ns=_namespace(root.tag), want=PROJECT_NS)
        origin = root.get("origin")
        self.units = _units(self.positions, origin)
        project = QdaProject(
            name=root.get("name") or "",
            origin=origin,
            creating_user=root.get("creatingUserGUID"),
            creation_date_time=root.get("creationDateTime"),
            modifying_user=root.get("modifyingUserGUID"),
            modified_date_time=root.get("modifiedDateTime"),
            base_path=root.get("basePath"),
        )
        for child in root:
            self._part(project, child)
        self._attach_notes(project, root)
        self._check_refs(project)
        self._finish(project)
        return project

    def _part(self, project: QdaProject, el: Element) -> None:
        tag = _local(el.tag)
        if tag == "Users":
            project.users = [self._user(u) for u in el if _local(u.tag) == "User"]
        elif tag == "CodeBook":
            project.codes = self.codes(el)
        elif tag == "Sources":
            project.sources = [s for s in (self._source(c) for c in el) if s is not None]
        elif tag == "Notes":
            project.notes = [self._note(n) for n in el if _local(n.tag) == "Note"]
        elif tag == "Links":
            project.links = [self._link(n) for n in el if _local(n.tag) == "Link"]
        elif tag == "Sets":
            project.sets = [self._set(n) for n in el if _local(n.tag) == "Set"]
        elif tag == "Description":
            project.description = _text(el)
        elif tag in _KEPT_RAW:
            project.extra[tag] = _serialize(el)
            if tag == "Variables":
                project.variables = [self._variable(v) for v in el if _local(v.tag) == "Variable"]
            elif tag == "Cases":
                project.cases = [self._case(c) for c in el if _local(c.tag) == "Case"]
        elif tag != "NoteRef":
            self.ignored[tag] += 1

    def _user(self, el: Element) -> QdaUser:
        return QdaUser(guid=_guid(el, self.label), name=el.get("name") or "", id=el.get("id"))

    def _link(self, el: Element) -> QdaLink:
        return QdaLink(
            guid=_guid(el, self.label),
            name=el.get("name"),
            origin_guid=el.get("originGUID"),
            target_guid=el.get("targetGUID"),
            direction=el.get("direction"),
            color=el.get("color"),
        )

    def _variable(self, el: Element) -> QdaVariable:
        kind = el.get("typeOfVariable") or "Text"
        if kind not in VARIABLE_TYPES:
            self.ignored[f"Variable@typeOfVariable={kind}"] += 1
            kind = "Text"
        desc = next((_text(c) for c in el if _local(c.tag) == "Description"), None)
        return QdaVariable(_guid(el, self.label), _req(el, "name", self.label), kind, desc)

    def _case(self, el: Element) -> QdaCase:
        case = QdaCase(_guid(el, self.label), el.get("name"))
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                case.description = _text(child)
            elif tag == "SourceRef":
                case.source_guids.append(_guid(child, self.label, "targetGUID"))
            elif tag == "VariableValue":
                ref = next((c for c in child if _local(c.tag) == "VariableRef"), None)
                value = next((c for c in child if _local(c.tag) != "VariableRef"), None)
                if ref is not None and value is not None:
                    case.values.append(
                        QdaValue(_guid(ref, self.label, "targetGUID"), _text(value) or "")
                    )
            else:
                self.ignored[f"Case/{tag}"] += 1
        return case

    def _set(self, el: Element) -> QdaSet:
        qset = QdaSet(guid=_guid(el, self.label), name=_req(el, "name", self.label))
        members = {"MemberCode": qset.member_codes, "MemberSource": qset.member_sources,
                   "MemberNote": qset.member_notes}  # fmt: skip
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                qset.description = _text(child)
            elif tag in members:
                members[tag].append(_guid(child, self.label, "targetGUID"))
            else:
                self.ignored[f"Set/{tag}"] += 1
        return qset

    def _note(self, el: Element) -> QdaNote:
        note = QdaNote(guid=_guid(el, self.label), name=el.get("name") or "", **_stamps(el))
        content = None
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                note.description = _text(child)
            elif tag == "PlainTextContent":
                content = child.text or ""
            elif tag != "NoteRef":
                self.ignored[f"Note/{tag}"] += 1
        if content is None and el.get("plainTextPath"):
            content = self._load_text(el.get("plainTextPath") or "", note.name)
        note.text = normalize_newlines(content or "")
        return note

    # ------------------------------------------------------------ sources

    def _source(self, el: Element) -> QdaSource | None:
        tag = _local(el.tag)
        if tag == "TextSource":
            return self._text_source(el)
        if tag in _MEDIA:
            return self._media_source(el, _MEDIA[tag])
        self.ignored[f"Sources/{tag}"] += 1
        return None

    def _text_source(self, el: Element) -> QdaSource:
        src = QdaSource(
            guid=_guid(el, self.label), name=el.get("name") or "", kind="text",
            path=el.get("plainTextPath"), **_stamps(el),
        )  # fmt: skip
        content = None
        selections: list[QdaSelection] = []
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                src.description = _text(child)
            elif tag == "PlainTextContent":
                content = child.text or ""
            elif tag == "PlainTextSelection":
                selections.append(self.selection(child, "text"))
            elif tag == "Coding":
                src.codings.append(self.coding(child))
            elif tag == "VariableValue":
                src.extra.append(_serialize(child))
            elif tag != "NoteRef":
                self.ignored[f"TextSource/{tag}"] += 1
        if content is None:
            content = self._load_text(src.path, source_label(src))
        if content is None:
            src.selections = selections
            src.raw = _serialize(el)  # written back verbatim: its text is elsewhere
            if selections:
                self.warn("no-text", name=source_label(src), n=len(selections))
            return src
        pmap = PositionMap(content, self.units)
        src.text = pmap.text
        src.newline = newline_of(content)
        src.selections = self._convert(src, selections, pmap)
        return src

    def _load_text(self, path: str | None, owner: str) -> str | None:
        """The text a ``plainTextPath`` names, or ``None`` (with a warning) if absent.

        ``internal://x.txt`` is ``sources/x.txt`` in the archive; a path without a scheme
        (the ``qc`` tool writes ``interview_1.txt``), ``relative://`` or ``absolute://`` is
        looked for in ``sources/`` (as given, then by its file name) and at the top. For a
        bare ``.qde`` the same places are looked for in the folder it is in.
        """
        if not path:
            self.warn("no-path", name=owner)
            return None
        for rel in _text_candidates(path):
            if self.zf is not None:
                info = self.members.get(self.prefix + rel.lower())
                if info is not None:
                    data = read_member(self.zf, info, self.label, MAX_XML_BYTES)
                    return self._decode(data, info.filename)
            elif self.folder is not None:
                found = _beside(self.folder, rel)
                if found is not None:
                    data = read_bytes(found, limit=MAX_XML_BYTES)
                    return self._decode(data, found)
        self.warn(
            "missing-file" if self.zf is not None else "missing-beside", name=owner, path=path
        )
        return None

    def _decode(self, data: bytes, member: str) -> str:
        """Decode a plain-text file: UTF-8 (the standard) with or without BOM, or UTF-16."""
        if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text, enc, bad = decode(data)
        else:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                text, enc, bad = decode(data)
                self.warn("not-utf8", member=member, enc=enc)
        if bad:
            self.warn("undecodable", member=member, n=bad)
        return text

    def _convert(
        self, src: QdaSource, selections: list[QdaSelection], pmap: PositionMap
    ) -> list[QdaSelection]:
        kept = []
        for sel in selections:
            start, p1 = pmap.convert(sel.start, end=False)
            end, p2 = pmap.convert(sel.end, end=True)
            if "range" in (p1, p2) or sel.start > sel.end:
                self.warn("outside", name=source_label(src), guid=sel.guid, start=sel.start, end=sel.end,
                          size=pmap.raw_units, n=len(sel.codings))  # fmt: skip
                continue
            for problem in (p1, p2):
                if problem:
                    self.boundary[problem] += 1
            if pmap.splits_sequence(start, end):
                self.boundary["sequence"] += 1
            sel.start, sel.end = start, end
            kept.append(sel)
        return kept

    def _media_source(self, el: Element, kind: str) -> QdaSource:
        src = QdaSource(
            guid=_guid(el, self.label), name=el.get("name") or "", kind=kind,
            path=el.get("path"), raw=_serialize(el), **_stamps(el),
        )  # fmt: skip
        for child in el:
            tag = _local(child.tag)
            if tag == "Description":
                src.description = _text(child)
            elif tag == "Coding":
                src.codings.append(self.coding(child))
            elif tag in _MEDIA_SELECTIONS:
                src.selections.append(self.selection(child, _MEDIA_SELECTIONS[tag]))
            elif tag in _MEDIA_TEXTS:
                for sub in child:
                    if _local(sub.tag).endswith("Selection"):
                        src.selections.append(self.selection(sub, _MEDIA_TEXTS[tag]))
        n_codings = len(src.codings) + sum(len(s.codings) for s in src.selections)
        self.warn("media", kind=kind, name=source_label(src), n=len(src.selections), m=n_codings)
        return src

    # ------------------------------------------------------------ cross references

    def _attach_notes(self, project: QdaProject, root: Element) -> None:
        by_guid = {n.guid.lower(): n for n in project.notes}
        dangling = 0
        for parent in root.iter():
            for child in parent:
                if _local(child.tag) != "NoteRef":
                    continue
                target = _guid(child, self.label, "targetGUID")
                if parent is root:
                    project.note_guids.append(target)
                elif target.lower() in by_guid and parent.get("guid"):
                    by_guid[target.lower()].target_guids.append(parent.get("guid") or "")
                else:
                    dangling += 1
        if dangling:
            self.warn("dangling-note", n=dangling)

    def _check_refs(self, project: QdaProject) -> None:
        known = {c.guid.lower() for c in iter_codes(project.codes)}
        codings = [c for s in project.sources for c in s.codings]
        codings += [c for s in project.sources for sel in s.selections for c in sel.codings]
        unknown = sum(1 for c in codings if c.code_guid.lower() not in known)
        if unknown:
            self.warn("unknown-code", n=unknown)

    def _finish(self, project: QdaProject) -> None:
        for key in ("surrogate", "crlf", "sequence"):
            if self.boundary[key]:
                self.warn(key, n=self.boundary[key])
        for tag, n in sorted(self.ignored.items()):
            self.warn("ignored", n=n, tag=tag)
        project.warnings = self.warnings


def source_label(src: QdaSource) -> str:
    """A source as messages name it: its name, else its path (qc writes none), else its GUID."""
    return src.name or src.path or src.guid


_SCHEMES = ("internal://", "relative://", "absolute://", "file://")


def _text_candidates(path: str) -> list[str]:
    """Where a ``plainTextPath`` may be, relative to the archive's top (or a ``.qde``'s folder).

    >>> _text_candidates("internal://a.txt")
    ['sources/a.txt', 'a.txt']
    >>> _text_candidates("interview_1.txt")
    ['sources/interview_1.txt', 'interview_1.txt']
    >>> _text_candidates("absolute://C:/data/b.txt")
    ['sources/C:/data/b.txt', 'C:/data/b.txt', 'sources/b.txt', 'b.txt']
    """
    rel = path.replace("\\", "/")
    scheme = next((s for s in _SCHEMES if rel.lower().startswith(s)), "")
    rel = rel[len(scheme) :].lstrip("/")
    out = [f"sources/{rel}", rel]
    if scheme != "internal://":
        base = rel.rsplit("/", 1)[-1]
        out += [f"sources/{base}", base]
    return list(dict.fromkeys(c for c in out if c and not _unsafe_rel(c)))


def _unsafe_rel(rel: str) -> bool:
    return any(part == ".." for part in rel.split("/"))


def _beside(folder: str, rel: str) -> str | None:
    """The file ``rel`` in ``folder`` if it is a regular file there (never outside it)."""
    import os

    if ":" in rel:  # a drive letter: not a path inside the folder
        return None
    found = os.path.join(folder, *rel.split("/"))
    return found if os.path.isfile(found) else None


def _units(positions: str, origin: str | None) -> Units:
    """What the file's text positions count (see :mod:`zhagen.formats.refi_qda`)."""
    if positions == "auto":
        return "utf16" if origin and "nvivo" in origin.lower() else "codepoint"
    if positions in ("codepoint", "utf16"):
        return positions  # type: ignore[return-value]
    raise ValueError(f"positions must be 'auto', 'codepoint' or 'utf16', not {positions!r}")


def read_qdpx(
    source: Source,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    positions: Literal["auto", "codepoint", "utf16"] = "auto",
) -> QdaProject:
    """Read a REFI-QDA project (``.qdpx``) into plain data.

    Parameters
    ----------
    source:
        A path or an open binary file.
    name:
        The name to report in messages (default: the path).
    max_bytes:
        Refuse archives whose members declare more than this many bytes in total
        (default :data:`MAX_QDPX_BYTES`).
    positions:
        What the file's text positions count. ``"auto"`` (default): UTF-16 code units when
        ``Project@origin`` names NVivo, else code points as the standard says.

    Returns
    -------
    QdaProject
        With ``warnings`` listing everything not imported exactly.

    Raises
    ------
    zhagen.errors.InputError
        Not a zip, unsafe zip (bomb, absolute or ``..`` member names), no ``.qde``, bad or
        unsafe XML (DOCTYPE, entities), or a structure that breaks the schema.

    Examples
    --------
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>')
    >>> read_qdpx(io.BytesIO(buf.getvalue())).name
    'p'
    """
    _units(positions, None)  # a bad value is a programmer error, before any I/O
    label = source_name(source, name)
    limit = MAX_QDPX_BYTES if max_bytes is None else max_bytes
    if _is_xml(read_head(source, 64, name=label)):  # a bare .qde (MAXQDA/ATLAS.ti users)
        return _read_bare_qde(source, label, positions)
    with open_zip(source, label, limit) as zf:
        members = check_members(zf, label, limit)
        qde = find_qde(members, label)
        root = parse_xml(read_member(zf, qde, label, MAX_XML_BYTES), label, qde.filename)
        return _ProjectReader(zf, members, qde, label, positions).project(root)


def _is_xml(head: bytes) -> bool:
    """True if a file starts like XML (after a byte order mark and blanks).

    >>> _is_xml(b'\\xef\\xbb\\xbf<?xml version="1.0"?>'), _is_xml(b"PK\\x03\\x04")
    (True, False)
    """
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            return head[len(bom) :].replace(b"\x00", b"").lstrip().startswith(b"<")
    return head.lstrip().startswith(b"<")


def _read_bare_qde(source: Source, label: str, positions: str) -> QdaProject:
    """A ``.qde`` on its own: text files named by relative paths are looked for beside it."""
    import os

    root = parse_xml(read_bytes(source, name=label, limit=MAX_XML_BYTES), label)
    folder = None
    if isinstance(source, str | os.PathLike):
        folder = os.path.dirname(os.path.abspath(source))
    return _ProjectReader(None, {}, None, label, positions, folder).project(root)


def read_qdc(source: Source, *, name: str | None = None) -> list[QdaCode]:
    """Read a REFI-QDA codebook (``.qdc``): the roots of its code tree.

    Raises :class:`zhagen.errors.InputError` for bad or unsafe XML or a structure that breaks
    ``Codebook.xsd``.

    >>> import io
    >>> xml = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    >>> xml += b'<Code guid="00000000-0000-0000-0000-000000000001" name="a" isCodable="true"/>'
    >>> [c.name for c in read_qdc(io.BytesIO(xml + b"</Codes></CodeBook>"))]
    ['a']
    """
    label = source_name(source, name)
    data = read_bytes(source, name=label, limit=MAX_XML_BYTES)
    root = parse_xml(data, label)
    if _local(root.tag) != "CodeBook":
        raise _error(label, "root", tag=_local(root.tag), want="CodeBook")
    return _Context(label).codes(root)
