"""REFI-QDA in and out of a project: ``.qdpx`` projects and ``.qdc`` codebooks.

The workflow layer between :mod:`zhagen.formats.refi_qda` (plain data, positions) and the
store, like :mod:`zhagen.ingest` for bibliographic files. What an import does:

- **Documents.** Each text source with its text becomes one document whose text is the
  source's text exactly as exported (BOM removed, line ends ``"\\n"``), *not cleaned*, so
  every coding stays on the characters it was made on. ``format`` is ``"refi-qda"``; the
  QDA GUID, origin and path are kept in ``extra["refi_qda"]``; the source's description
  becomes the abstract. Sentences are split as for any document. Media sources (PDF,
  picture, audio, video) and text sources whose text the archive lacks are not imported;
  :attr:`ImportQdaReport.not_imported` lists each with its number of codings and why.
- **Codes.** The code tree with colours (a missing colour gets the palette's next one) and
  descriptions. Levels: a zhagen export carries them in sets named ``zhagen:level:N``;
  otherwise a code's level is its height in the tree (leaf concepts 1, their parents 2, …,
  at most 4). A tree deeper than zhagen's four levels has its deepest codes moved up to the
  nearest ancestor that can hold them (listed in the warnings). A code with the name and
  parent of a code already in the project is that code (reused, not duplicated).
- **Codings.** Every coding of a text selection, by coder: users become coders by name
  (``coder_map`` renames; a coding without a user goes to coder ``"default"``). Which user
  coded: the standard's ``Coding@creatingUser``, except for NVivo, whose
  ``Coding@creatingUser`` and date are those of the code (node), one per code, not of the
  coding; there the selection's creator and date are used (``coder_from`` overrides). The
  report says which was used and how many codings the two disagree on. Whole-source codings
  code the whole text; duplicate codings collapse into one (the report counts them).
- **Notes** become memos on the project, a document, a code, a coding or a relation, as
  their ``NoteRef`` say; a note linked to one element by a ``Link`` (ATLAS.ti's memo links)
  goes there; a note whose target was not imported stays a project memo. A project note
  titled 故事线 is the storyline (if the project already has one, it is imported as a
  project memo with another title). ATLAS.ti quotation comments become memos on the
  quotation's first coding.
- **Links** between two codes become relations: their type is the link's name (因果条件,
  情境, 中介条件, 行动策略, 结果 or free text; 关联 when unnamed). Other links, sets,
  variables, cases and graphs are listed as not imported.

All of it is one transaction with one log entry ``import.qdpx``: a file that cannot be read
or a failure half-way imports nothing. It is not undoable with ``undo()``. Importing the
same file (same SHA-256) into a project twice is refused, naming the earlier import; to
import it again, use a new project.

Exports write documents that have codings or memos (``all_documents=True``: every
document), the code tree with colours, descriptions and levels (as the ``zhagen:level:N``
sets), codings (code points, as the standard says), memos (notes), relations (links whose
name is the type; a relation's description travels as a note named
``zhagen:relation-description``), coders as users and the storyline. GUIDs are UUID-5s of
the project's creation time, the kind and the row id, so exporting again gives the same
GUIDs. Codebooks (``.qdc``) carry names, tree, colours and descriptions; levels are
recomputed from the tree on import.

>>> import tempfile, os, zhagen
>>> tmp = tempfile.mkdtemp()
>>> with zhagen.Project.create(os.path.join(tmp, "a.zhagen")) as a:
...     _ = a.add_code("政策支持", level=2)
...     _ = export_qdc(a, os.path.join(tmp, "codes.qdc"))
>>> with zhagen.Project.create(os.path.join(tmp, "b.zhagen")) as b:
...     report = import_qdc(b, os.path.join(tmp, "codes.qdc"))
...     b.codes()["name"].tolist()
['政策支持']
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from zhagen.coding.levels import LEVELS, MAX_LEVEL, PALETTE, STORYLINE_TITLE
from zhagen.errors import InputError, ParameterError
from zhagen.formats.refi_qda import (
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
    iter_codes,
    make_guid,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from zhagen.store import coding as q
from zhagen.store import docs as dq
from zhagen.store import qda as sq
from zhagen.store.db import Store

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = [
    "NotImported",
    "ImportQdaReport",
    "ExportQdaReport",
    "import_qdpx",
    "export_qdpx",
    "import_qdc",
    "export_qdc",
    "LEVEL_SET",
    "RELATION_NOTE",
    "DEFAULT_CODER",
]

#: Sets of a zhagen export that carry code levels: ``zhagen:level:2 初始范畴 / ...``.
LEVEL_SET = re.compile(r"^zhagen:level:([1-4])(?!\d)")
#: Name of the note that carries a relation's description in a zhagen export.
RELATION_NOTE = "zhagen:relation-description"
#: Coder of codings whose file names no user.
DEFAULT_CODER = "default"
_UNNAMED_LINK = "关联"
_DESCRIPTION_TITLE = "项目描述 / project description"
_COMMENT_TITLE = "引文注释 / quotation comment"
_RGB = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
CoderFrom = Literal["auto", "coding", "selection"]
PathLike = str | os.PathLike[str]


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
    coders: list[str] = field(default_factory=list)
    storyline: bool = False
    levels: str = "height"
    coder_from: str = ""
    not_imported: list[NotImported] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def codings_not_imported(self) -> int:
        return sum(n.codings for n in self.not_imported)

    def lines(self) -> list[str]:
        """A bilingual summary, one line each, for printing."""
        out = [
            f"文档 documents: {len(self.documents)}  编码 codes: {self.codes} "
            f"(+{self.codes_reused} 已有 reused)  编码记录 codings: {self.codings}  "
            f"备忘录 memos: {self.memos}  关系 relations: {self.relations}",
            f"编码员 coders: {', '.join(self.coders) or '-'} (取自 from {self.coder_from or '-'}); "
            f"层级 levels: {self.levels}",
        ]
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


# ---------------------------------------------------------------- small helpers


def _timestamp(value: str | None) -> str | None:
    """An xsd:dateTime as zhagen stores times (UTC, milliseconds); ``None`` if unusable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")


def _color(value: str | None, n: int) -> str:
    if value and _RGB.match(value.strip()):
        hexa = value.strip()[1:].lower()
        return "#" + (hexa if len(hexa) == 6 else "".join(ch * 2 for ch in hexa))
    return PALETTE[n % len(PALETTE)]


def _sha256(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"无法读取文件（{getattr(exc, 'strerror', None) or exc}），请检查路径和权限",
            f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); check the path "
            "and its permissions",
            file=path,
        ) from None
    return h.hexdigest(), size


def _heights(roots: list[QdaCode]) -> dict[str, int]:
    out: dict[str, int] = {}

    def walk(code: QdaCode) -> int:
        out[code.guid.lower()] = 1 + max((walk(c) for c in code.children), default=0)
        return out[code.guid.lower()]

    for root in roots:
        walk(root)
    return out


def _place(chain: list[tuple[int, int, str]], want: int) -> tuple[int | None, int, str | None]:
    """Parent id, level and (when moved up) the new parent's name for a code.

    ``chain`` holds the ancestors (id, level, name), root first. The parent must have a
    higher level: the nearest ancestor above level 1 holds the code.
    """
    for depth, (pid, plevel, pname) in enumerate(reversed(chain)):
        if plevel >= 2:
            return pid, min(want, plevel - 1), (pname if depth else None)
    return None, want, ("" if chain else None)


def _import_codes(
    store: Store, roots: list[QdaCode], levels: dict[str, int], report: ImportQdaReport
) -> dict[str, int]:
    """Insert the code tree (reusing codes with the same name and parent); GUID → id."""
    heights = _heights(roots)
    n_codes = q.count_codes(store)
    ids: dict[str, int] = {}
    created: set[int] = set()
    stack: list[tuple[QdaCode, list[tuple[int, int, str]]]] = [(c, []) for c in reversed(roots)]
    while stack:
        code, chain = stack.pop()
        key = code.guid.lower()
        want = levels.get(key) or min(heights[key], MAX_LEVEL)
        pid, level, moved = _place(chain, want)
        name = code.name.strip() or "未命名编码"
        found = q.sibling_named(store, pid, name)
        if found is not None and found not in created:
            row = q.code_row(store, found)
            cid, level = found, int(row["level"]) if row is not None else level
            report.codes_reused += 1
        else:
            if found is not None:
                name = _free_name(store, pid, name, report)
            cid = q.insert_code(
                store,
                name=name,
                parent_id=pid,
                level=level,
                color=_color(code.color, n_codes + len(created)),
                description=code.description or "",
            )
            created.add(cid)
            report.codes += 1
        if moved is not None:
            report.warnings.append(
                f"编码「{name}」移到了「{moved or '顶层'}」下：zhagen 的编码树最多 4 层 / code "
                f"'{name}' moved under '{moved or 'the top level'}': zhagen's tree has 4 levels"
            )
        ids[key] = cid
        stack.extend((c, [*chain, (cid, level, name)]) for c in reversed(code.children))
    folders = sum(1 for c in iter_codes(roots) if not c.is_codable)
    if folders:
        report.warnings.append(
            f"{folders} 个不可编码的文件夹式编码按普通编码导入 / {folders} non-codable "
            "(folder) codes imported as ordinary codes"
        )
    return ids


def _free_name(store: Store, pid: int | None, name: str, report: ImportQdaReport) -> str:
    n = 2
    while q.sibling_named(store, pid, f"{name} ({n})") is not None:
        n += 1
    report.warnings.append(
        f"同一上级下有两个编码都叫「{name}」，第二个改名为「{name} ({n})」 / two sibling codes are "
        f"named '{name}'; the second is renamed '{name} ({n})'"
    )
    return f"{name} ({n})"


def _level_sets(sets: list[QdaSet]) -> tuple[dict[str, int], set[str]]:
    """Levels from zhagen's ``zhagen:level:N`` sets: code GUID → level, and those sets."""
    levels: dict[str, int] = {}
    used: set[str] = set()
    for qset in sets:
        m = LEVEL_SET.match(qset.name)
        if m:
            used.add(qset.guid.lower())
            for guid in qset.member_codes:
                levels.setdefault(guid.lower(), int(m.group(1)))
    return levels, used


# ---------------------------------------------------------------- import


class _Importer:
    """One ``.qdpx`` into one store, inside the caller's transaction."""

    def __init__(
        self, store: Store, qp: QdaProject, report: ImportQdaReport, coder_map: dict[str, str]
    ) -> None:
        self.store = store
        self.qp = qp
        self.report = report
        self.coder_map = coder_map
        self.users = {u.guid.lower(): u for u in qp.users}
        self.coder_ids: dict[str, int] = {}
        self.code_ids: dict[str, int] = {}
        #: GUID of a source, selection, coding, code or link → memo target (type, id)
        self.targets: dict[str, tuple[str, int | None]] = {}
        self.comments: list[tuple[QdaSelection, tuple[str, int | None]]] = []
        self.disagree = 0
        self.duplicates = 0

    def coder(self, user: str | None) -> int:
        """The coder id for a user GUID (created on first use)."""
        key = (user or "").lower()
        if key not in self.coder_ids:
            found = self.users.get(key)
            name = (found.name or found.id or found.guid) if found else (user or DEFAULT_CODER)
            mapped = self.coder_map.get(user or "", self.coder_map.get(name, name)).strip()
            mapped = mapped or DEFAULT_CODER
            cid = q.coder_id(self.store, mapped) or q.insert_coder(self.store, mapped)
            self.coder_ids[key] = cid
            if mapped not in self.report.coders:
                self.report.coders.append(mapped)
        return self.coder_ids[key]

    def run(self, path: str, sha: str, size: int) -> None:
        store, qp, report = self.store, self.qp, self.report
        earlier = sq.find_qda_import(store, sha)
        if earlier is not None:
            raise InputError(
                f"此文件已于 {earlier['added'][:19]} 导入过（来源 #{earlier['id']} {earlier['path']}，"
                f"{earlier['n_records']} 个文档）；重复导入会使文档与编码重复。如需重新导入，请新建项目",
                f"this file was already imported on {earlier['added'][:19]} (source "
                f"#{earlier['id']} {earlier['path']}, {earlier['n_records']} documents); "
                "importing it again would duplicate its documents and codings: import it into "
                "a new project instead",
                file=path,
            )
        report.source_id = dq.insert_source(
            store, path=path, abspath=os.path.abspath(path), sha256=sha, size=size,
            fmt=sq.QDA_FORMAT, status="ok",
        )  # fmt: skip
        levels, level_sets = _level_sets(qp.sets)
        report.levels = "zhagen" if level_sets else "height"
        self.code_ids = _import_codes(store, qp.codes, levels, report)
        self.targets.update((g, ("code", cid)) for g, cid in self.code_ids.items())
        for u in qp.users:
            self.coder(u.guid)
        for src in qp.sources:
            self.source(src)
        self.links()
        self.notes()
        self.leftovers(level_sets)
        dq.finish_source(
            store, report.source_id, status="ok", n_records=len(report.documents),
            fmt=sq.QDA_FORMAT,
        )  # fmt: skip
        dq.mark_duplicates(store, report.source_id)

    # ------------------------------------------------------------ sources and codings

    def source(self, src: QdaSource) -> None:
        from zhagen.text.sentences import split_sentences

        n = len(src.codings) + sum(len(s.codings) for s in src.selections)
        if src.kind != "text" or src.text is None:
            zh = "未导入：压缩包中没有该文本源的正文，无法定位编码"
            en = "not imported: its text is not in the archive"
            if src.kind != "text":
                zh = f"{src.kind} 媒体源未导入：zhagen 只编码文本"
                en = f"{src.kind} source not imported: zhagen codes text only"
            k = sum(1 for s in src.selections if s.description)
            if k:
                zh, en = f"{zh}（含 {k} 条引文注释）", f"{en} (with {k} quotation comments)"
            self.report.not_imported.append(NotImported("source", src.name, zh, en, n))
            return
        doc = sq.insert_raw_document(
            self.store, source_id=self.report.source_id or 0,
            record=len(self.report.documents) + 1, title=src.name, body=src.text,
            abstract=src.description or "",
            extra={"refi_qda": {"guid": src.guid, "origin": self.qp.origin, "path": src.path}},
        )  # fmt: skip
        dq.insert_sentences(self.store, doc, split_sentences(src.text))
        self.report.documents.append(doc)
        self.targets[src.guid.lower()] = ("document", doc)
        whole = QdaSelection(src.guid, None, 0, len(src.text), codings=src.codings)
        before = self.report.codings
        for sel in [*src.selections, *([whole] if src.codings else [])]:
            self.selection(src, doc, sel)
        if self.report.codings > before:
            q.freeze_document(self.store, doc)

    def selection(self, src: QdaSource, doc: int, sel: QdaSelection) -> None:
        target: tuple[str, int | None] = ("document", doc)
        skipped = 0
        for coding in sel.codings:
            code_id = self.code_ids.get(coding.code_guid.lower())
            if code_id is None or sel.start >= sel.end:
                skipped += 1
                continue
            user, when = self.attribution(sel, coding)
            cid = self._coding(doc, sel.start, sel.end, code_id, self.coder(user), when)
            self.targets[coding.guid.lower()] = ("coding", cid)
            target = target if target[0] == "coding" else ("coding", cid)
        if sel.guid != src.guid:
            self.targets[sel.guid.lower()] = target
        if sel.description:
            self.comments.append((sel, target))
        if skipped:
            why = "编码引用了不存在的代码或选区为空" if sel.start < sel.end else "选区长度为 0"
            self.report.not_imported.append(NotImported(
                "selection", f"{src.name} [{sel.start}, {sel.end})", why,
                "codings of an empty selection or of codes missing from the codebook", skipped,
            ))  # fmt: skip

    def attribution(self, sel: QdaSelection, coding: QdaCoding) -> tuple[str | None, str | None]:
        """Who coded and when, per :attr:`ImportQdaReport.coder_from`."""
        a, b = sel.creating_user, coding.creating_user
        if a and b and a.lower() != b.lower():
            self.disagree += 1
        if self.report.coder_from == "selection":
            return a or b, _timestamp(sel.creation_date_time or coding.creation_date_time)
        return b or a, _timestamp(coding.creation_date_time or sel.creation_date_time)

    def _coding(
        self, doc: int, start: int, end: int, code: int, coder: int, when: str | None
    ) -> int:
        found = q.find_coding(self.store, doc, start, end, code, coder)
        if found is not None:
            self.duplicates += 1
            return found
        self.report.codings += 1
        return sq.insert_coding_at(self.store, doc, start, end, code, coder, when)

    # ------------------------------------------------------------ links, notes, the rest

    def links(self) -> None:
        notes = {n.guid.lower() for n in self.qp.notes}
        existing = {(r["source_code_id"], r["target_code_id"], r["type"]): r["id"]
                    for r in q.relation_rows(self.store)}  # fmt: skip
        descriptions = {
            t.lower(): n.text
            for n in self.qp.notes
            if n.name == RELATION_NOTE
            for t in n.target_guids
        }
        for link in self.qp.links:
            ends = ((link.origin_guid or "").lower(), (link.target_guid or "").lower())
            src, tgt = (self.code_ids.get(e) for e in ends)
            if src is None or tgt is None or src == tgt:
                if not (set(ends) & notes):  # note links are placed by notes()
                    self.report.not_imported.append(NotImported(
                        "link", link.name or link.guid, "只有两个不同编码之间的链接能成为关系",
                        "only links between two different codes become relations",
                    ))  # fmt: skip
                continue
            rtype = (link.name or "").strip() or _UNNAMED_LINK
            rid = existing.get((src, tgt, rtype))
            if rid is None:
                desc = descriptions.get(link.guid.lower(), "")
                rid = existing[(src, tgt, rtype)] = q.insert_relation(
                    self.store, src, tgt, rtype, desc
                )
                self.report.relations += 1
            self.targets[link.guid.lower()] = ("relation", rid)

    def _note_links(self) -> dict[str, list[str]]:
        """Note GUID → GUIDs it is linked to by a ``Link`` (ATLAS.ti's memo links)."""
        out: dict[str, list[str]] = {}
        for link in self.qp.links:
            o, t = (link.origin_guid or "").lower(), (link.target_guid or "").lower()
            out.setdefault(o, []).append(t)
            out.setdefault(t, []).append(o)
        return out

    def _describes_relations(self, note: QdaNote) -> bool:
        kinds = {self.targets.get(t.lower(), ("",))[0] for t in note.target_guids}
        return kinds == {"relation"}

    def notes(self) -> None:
        project_notes = {g.lower() for g in self.qp.note_guids}
        linked = self._note_links()
        for note in self.qp.notes:
            if note.name == RELATION_NOTE and self._describes_relations(note):
                continue  # carried as the relation's description
            wanted = note.target_guids or linked.get(note.guid.lower(), [])
            dests = [self.targets[g.lower()] for g in wanted if g.lower() in self.targets]
            if note.guid.lower() in project_notes or not dests:
                dests.append(("project", None))
            if wanted and len(dests) == 1 and dests[0][0] == "project":
                self.report.warnings.append(
                    f"备忘录「{note.name}」所附的对象未导入，改为项目备忘录 / note '{note.name}' "
                    "was attached to something not imported; kept as a project memo"
                )
            text = "\n\n".join(t for t in (note.text, note.description or "") if t)
            for ttype, tid in dests:
                self.memo(ttype, tid, note.name, text, note)
        for sel, (ttype, tid) in self.comments:
            self.memo(ttype, tid, _COMMENT_TITLE, sel.description or "", sel)
        if self.qp.description:
            self.memo("project", None, _DESCRIPTION_TITLE, self.qp.description, None)

    def memo(
        self,
        ttype: str,
        tid: int | None,
        title: str,
        text: str,
        by: QdaNote | QdaSelection | None,
    ) -> None:
        if ttype == "project" and title == STORYLINE_TITLE:
            if q.storyline_id(self.store, STORYLINE_TITLE) is None:
                self.report.storyline = True
            else:
                title = f"{STORYLINE_TITLE}（导入 / imported {Path(self.report.path).name}）"
                self.report.warnings.append(
                    f"项目已有故事线，导入的故事线存为备忘录「{title}」 / the project already has a "
                    f"storyline; the imported one is the project memo '{title}'"
                )
        user = by.creating_user if by is not None else None
        sq.insert_memo_at(
            self.store, target_type=ttype, target_id=tid, title=title, text=text,
            coder_id=self.coder(user) if user else None,
            created=_timestamp(by.creation_date_time) if by is not None else None,
            modified=_timestamp(by.modified_date_time) if by is not None else None,
        )  # fmt: skip
        self.report.memos += 1

    def leftovers(self, level_sets: set[str]) -> None:
        add = self.report.not_imported.append
        for qset in self.qp.sets:
            if qset.guid.lower() not in level_sets:
                add(NotImported("set", qset.name, "集合未导入", "sets are not imported"))
        for tag in sorted(self.qp.extra):
            add(NotImported(tag, "", f"{tag} 未导入", f"{tag} are not imported"))
        for src in self.qp.sources:
            if src.extra and src.kind == "text" and src.text is not None:
                add(NotImported("variables", src.name, f"{len(src.extra)} 个变量值未导入",
                                f"{len(src.extra)} variable values are not imported"))  # fmt: skip
        bare = sum(1 for s in self.qp.sources if s.text is not None for x in s.selections
                   if not x.codings and not x.description)  # fmt: skip
        if bare:
            zh, en = "未编码且无注释的选区未导入", "selections with no code and no comment"
            add(NotImported("selection", f"{bare}", zh, en))
        if self.duplicates:
            self.report.warnings.append(
                f"{self.duplicates} 个重复编码（同一文档、片段、编码与编码员）已合并 / "
                f"{self.duplicates} duplicate codings (same document, span, code and coder) "
                "were merged into one"
            )
        if self.disagree:
            self.report.warnings.append(
                f"{self.disagree} 个编码的 Coding@creatingUser 与选区创建者不同；编码员取自 "
                f"{self.report.coder_from} / {self.disagree} codings name another user in "
                f"Coding@creatingUser than the selection's creator; the coder was read from "
                f"the {self.report.coder_from}"
            )


#: Reader warnings that :attr:`ImportQdaReport.not_imported` states better for an import.
_READER_NOTES = ("kept for re-export", "keep their positions as in the file", "no text imported")


def import_qdpx(
    project: Project,
    path: PathLike,
    *,
    coder_map: dict[str, str] | None = None,
    coder_from: CoderFrom = "auto",
) -> ImportQdaReport:
    """Import a REFI-QDA project (``.qdpx``) into ``project``, all or nothing.

    Parameters
    ----------
    project:
        An open :class:`zhagen.Project`.
    path:
        The ``.qdpx`` file (NVivo, ATLAS.ti, MAXQDA, QualCoder or zhagen).
    coder_map:
        ``{user name or GUID: coder name}`` to rename users as they become coders.
    coder_from:
        Where a coding's coder is read: ``"coding"`` (``Coding@creatingUser``),
        ``"selection"`` (the selection's creator) or ``"auto"`` (the selection for NVivo,
        whose ``Coding@creatingUser`` names the code's creator, else the coding).

    Returns
    -------
    ImportQdaReport
        Counts, coders, and everything not imported with the reason.

    Raises
    ------
    zhagen.errors.InputError
        The file is unreadable, not REFI-QDA, malformed or unsafe, or was imported already.
        Nothing is imported.
    """
    if coder_from not in ("auto", "coding", "selection"):
        raise ParameterError(
            f"coder_from 应为 auto、coding 或 selection，而不是 {coder_from!r}",
            f"coder_from must be 'auto', 'coding' or 'selection', not {coder_from!r}",
        )
    name = os.fspath(path)
    sha, size = _sha256(name)
    qp = read_qdpx(name)
    report = ImportQdaReport(path=name, origin=qp.origin)
    nvivo = "nvivo" in (qp.origin or "").lower()
    report.coder_from = coder_from if coder_from != "auto" else ("selection" if nvivo else "coding")
    report.warnings = [w for w in qp.warnings if not any(s in w for s in _READER_NOTES)]
    store = project.store
    with store.transaction():
        _Importer(store, qp, report, dict(coder_map or {})).run(name, sha, size)
        store.log("import.qdpx", _payload(report, sha))
    return report


def _payload(report: ImportQdaReport, sha: str) -> dict[str, object]:
    return {
        "path": report.path, "sha256": sha, "source": report.source_id, "origin": report.origin,
        "documents": report.documents, "codes": report.codes, "codes_reused": report.codes_reused,
        "codings": report.codings, "memos": report.memos, "relations": report.relations,
        "coders": report.coders, "coder_from": report.coder_from, "levels": report.levels,
        "not_imported": [n.message for n in report.not_imported],
    }  # fmt: skip


def import_qdc(project: Project, path: PathLike) -> ImportQdaReport:
    """Import a REFI-QDA codebook (``.qdc``): codes with tree, colours and descriptions.

    Codes with the name and parent of an existing code are reused, so importing a codebook
    twice adds nothing. Levels are the codes' heights in the tree (leaves 1, at most 4).
    One transaction, logged as ``import.qdc``.
    """
    name = os.fspath(path)
    roots = read_qdc(name)
    report = ImportQdaReport(path=name)
    store = project.store
    with store.transaction():
        _import_codes(store, roots, {}, report)
        store.log(
            "import.qdc", {"path": name, "codes": report.codes, "reused": report.codes_reused}
        )
    return report


# ---------------------------------------------------------------- export


class _Exporter:
    """Builds the :class:`QdaProject` of a zhagen project."""

    def __init__(self, project: Project, coder: str | None) -> None:
        self.project = project
        self.store = project.store
        self.fp = "zhagen:" + (self.store.meta("created") or os.path.abspath(project.path))
        self.coder_id = None
        if coder is not None:
            self.coder_id = q.coder_id(self.store, str(coder).strip())
            if self.coder_id is None:
                names = ", ".join(r["name"] for r in q.coder_rows(self.store)) or "-"
                raise ParameterError(
                    f"没有名为「{coder}」的编码员；已有：{names}",
                    f"no coder named '{coder}'; the coders are: {names}",
                )

    def guid(self, kind: str, row_id: int) -> str:
        return make_guid(self.fp, kind, row_id)

    def user(self, coder_id: int | None) -> str | None:
        return None if coder_id is None else self.guid("coder", coder_id)

    def codes(self) -> tuple[list[QdaCode], list[QdaSet]]:
        rows = q.code_rows(self.store)
        nodes = {
            r["id"]: QdaCode(self.guid("code", r["id"]), r["name"], color=r["color"],
                             description=r["description"] or None)
            for r in rows
        }  # fmt: skip
        roots = []
        for r in rows:
            parent = nodes.get(r["parent_id"]) if r["parent_id"] is not None else None
            (parent.children if parent is not None else roots).append(nodes[r["id"]])
        sets = []
        for level, (zh, en) in LEVELS.items():
            members = [nodes[r["id"]].guid for r in rows if r["level"] == level]
            if members:
                sets.append(QdaSet(
                    self.guid("level", level), f"zhagen:level:{level} {zh} / {en}",
                    description=f"zhagen 编码层级 {level} / zhagen code level {level}",
                    member_codes=members,
                ))  # fmt: skip
        return roots, sets

    def build(self, all_documents: bool) -> QdaProject:
        store, g = self.store, self.guid
        codings = q.coding_rows(store, coder_id=self.coder_id)
        kept = {r["id"] for r in codings}
        memos = [m for m in q.memo_rows(store)
                 if (self.coder_id is None or m["coder_id"] in (None, self.coder_id))
                 and (m["target_type"] != "coding" or m["target_id"] in kept)]  # fmt: skip
        coding_doc = {r["id"]: r["document_id"] for r in codings}
        doc_ids = set(coding_doc.values())
        doc_ids |= {m["target_id"] for m in memos if m["target_type"] == "document"}
        if all_documents:
            doc_ids |= set(dq.document_ids(store))
        codes, sets = self.codes()
        qp = QdaProject(Path(self.project.path).stem or "zhagen", codes=codes, sets=sets,
                        creation_date_time=store.meta("created"))  # fmt: skip
        users = {r["coder_id"] for r in codings} | {m["coder_id"] for m in memos}
        qp.users = [QdaUser(g("coder", r["id"]), r["name"]) for r in q.coder_rows(store)
                    if self.coder_id is None or r["id"] in users]  # fmt: skip
        by_doc: dict[int, list[QdaSelection]] = {}
        for r in codings:
            user, when = self.user(r["coder_id"]), r["created"]
            coding = QdaCoding(g("coding", r["id"]), g("code", r["code_id"]), user, when)
            by_doc.setdefault(r["document_id"], []).append(QdaSelection(
                g("selection", r["id"]), None, r["start"], r["end"], [coding],
                creating_user=user, creation_date_time=when,
            ))  # fmt: skip
        for doc in sorted(doc_ids):
            row = dq.document_row(store, doc)
            qp.sources.append(QdaSource(
                g("document", doc), (row["title"] if row else "") or f"document {doc}",
                text=self.project.text(doc), selections=by_doc.get(doc, []),
                description=(row["abstract"] or None) if row and row["body"] is not None else None,
            ))  # fmt: skip
        self.relations_and_memos(qp, memos)
        return qp

    def relations_and_memos(self, qp: QdaProject, memos: list) -> None:
        g = self.guid
        for r in q.relation_rows(self.store):
            link = g("relation", r["id"])
            qp.links.append(QdaLink(link, r["type"], g("code", r["source_code_id"]),
                                    g("code", r["target_code_id"]), "OneWay"))  # fmt: skip
            if r["description"]:
                qp.notes.append(QdaNote(g("relation-description", r["id"]), RELATION_NOTE,
                                        r["description"], target_guids=[link]))  # fmt: skip
        for m in memos:
            note = QdaNote(
                g("memo", m["id"]), m["title"], m["text"], creating_user=self.user(m["coder_id"]),
                creation_date_time=m["created"], modified_date_time=m["modified"],
            )  # fmt: skip
            if m["target_type"] == "project":
                qp.note_guids.append(note.guid)
            else:
                note.target_guids = [g(m["target_type"], m["target_id"])]
            qp.notes.append(note)


def export_qdpx(
    project: Project,
    path: PathLike,
    *,
    coder: str | None = None,
    all_documents: bool = False,
) -> ExportQdaReport:
    """Export ``project`` as a REFI-QDA 1.0 project (``.qdpx``) that validates against
    ``Project.xsd``; re-exporting gives the same GUIDs.

    Parameters
    ----------
    project:
        An open :class:`zhagen.Project`.
    path:
        Where to write (atomically).
    coder:
        Only this coder's codings (and memos by nobody or by this coder), e.g. to hand one
        coder's work to another program; default everything.
    all_documents:
        Also documents without codings or memos.
    """
    with project.store.transaction():  # one consistent state of the project
        qp = _Exporter(project, coder).build(all_documents)
    _write(write_qdpx, qp, os.fspath(path))
    return ExportQdaReport(
        path=os.fspath(path),
        documents=len(qp.sources),
        codes=len(qp.all_codes()),
        codings=sum(len(s.selections) for s in qp.sources),
        memos=sum(1 for n in qp.notes if n.name != RELATION_NOTE),
        relations=len(qp.links),
        users=len(qp.users),
    )


def export_qdc(project: Project, path: PathLike) -> int:
    """Export the code tree as a REFI-QDA codebook (``.qdc``); return the number of codes.

    Raises :class:`zhagen.errors.ParameterError` when the project has no codes.
    """
    roots, _sets = _Exporter(project, None).codes()
    _write(write_qdc, roots, os.fspath(path))
    return sum(1 for _ in iter_codes(roots))


def _write(writer: Callable[[Any, str], None], data: Any, path: str) -> None:
    """Run a REFI-QDA writer; an unwritable path becomes a clear ParameterError."""
    try:
        writer(data, path)
    except OSError as exc:
        raise ParameterError(
            f"无法写入 {path}（{exc.strerror or exc}）；请检查文件夹是否存在、是否有写权限",
            f"cannot write {path} ({exc.strerror or exc}); check that its folder exists and "
            "is writable",
        ) from None
