"""REFI-QDA into a project: the work of :func:`zhagen.qda.import_qdpx` and
:func:`zhagen.qda.import_qdc` (what an import does is described in :mod:`zhagen.qda`).

:class:`Importer` puts one read :class:`~zhagen.formats.refi_qda.QdaProject` into the
store inside the caller's transaction; :func:`import_codes` inserts a code tree (used by
both). Nothing here opens a transaction or writes the log.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhagen.coding.levels import MAX_LEVEL, STORYLINE_TITLE
from zhagen.coding.palette import code_color
from zhagen.errors import InputError
from zhagen.formats.refi_qda import (
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    iter_codes,
    source_label,
)
from zhagen.qda.report import (
    DEFAULT_CODER,
    LEVEL_SET,
    QUERY_MARK,
    RELATION_NOTE,
    ImportQdaReport,
    NotImported,
)
from zhagen.store import coding as q
from zhagen.store import docs as dq
from zhagen.store import notes as qn
from zhagen.store import qda as sq
from zhagen.store import sets as ss
from zhagen.store.db import Store

_UNNAMED_LINK = "关联"
_DESCRIPTION_TITLE = "项目描述 / project description"
_COMMENT_TITLE = "引文注释 / quotation comment"
_RGB = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


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
    return code_color(n)


def _heights(roots: list[QdaCode]) -> dict[str, int]:
    out: dict[str, int] = {}

    def walk(code: QdaCode) -> int:
        out[code.guid.lower()] = 1 + max((walk(c) for c in code.children), default=0)
        return out[code.guid.lower()]

    for root in roots:
        walk(root)
    return out


def import_codes(
    store: Store,
    roots: list[QdaCode],
    levels: dict[str, int] | None,
    report: ImportQdaReport,
) -> dict[str, int]:
    """Insert the code tree with its depth (reusing codes with the same name and parent);
    GUID → id.

    ``levels`` are the levels a zhagen export carries (code GUID → level; a code missing
    from them has none); ``None`` for another program's file, where a code's level is its
    height in the tree (leaves 1) up to 4 and none above.
    """
    heights = _heights(roots)
    n_codes = q.count_codes(store)
    ids: dict[str, int] = {}
    created: set[int] = set()
    unlevelled = 0
    stack: list[tuple[QdaCode, int | None]] = [(c, None) for c in reversed(roots)]
    while stack:
        code, pid = stack.pop()
        key = code.guid.lower()
        if levels is not None:
            level = levels.get(key)
        else:
            level = heights[key] if heights[key] <= MAX_LEVEL else None
        name = code.name.strip() or "未命名编码"
        found = q.sibling_named(store, pid, name)
        if found is not None and found not in created:
            cid = found
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
            unlevelled += level is None
        ids[key] = cid
        had_color = bool(code.color and _RGB.match(code.color.strip()))
        sq.set_guid(
            store, "code", cid, code.guid, {"is_codable": code.is_codable, "color": had_color}
        )
        stack.extend((c, cid) for c in reversed(code.children))
    if unlevelled and levels is None:
        report.warnings.append(
            f"{unlevelled} 个编码在树中高于 4 层，没有扎根理论层级（深度照原样保留）；可用 `zhagen code "
            f"level` 设置 / {unlevelled} codes sit more than four levels above the leaves and "
            "have no grounded-theory level (their depth is kept as in the file); set one with "
            "`zhagen code level`"
        )
    folders = sum(1 for c in iter_codes(roots) if not c.is_codable)
    if folders:
        report.warnings.append(
            f"{folders} 个不可编码的文件夹式编码按普通编码导入（导出时仍写为不可编码） / {folders} "
            "non-codable (folder) codes imported as ordinary codes (exported as non-codable)"
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


class Importer:
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
        self.note_guids: set[str] = set()

    def coder(self, user: str | None) -> int:
        """The coder id for a user GUID (created on first use)."""
        key = (user or "").lower()
        if key not in self.coder_ids:
            found = self.users.get(key)
            name = (found.name or found.id or found.guid) if found else (user or DEFAULT_CODER)
            mapped = self.coder_map.get(user or "", self.coder_map.get(name, name)).strip()
            mapped = mapped or DEFAULT_CODER
            cid = q.coder_id(self.store, mapped) or q.insert_coder(self.store, mapped)
            if found is not None:
                sq.set_guid(self.store, "coder", cid, found.guid)
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
        self.code_ids = import_codes(store, qp.codes, levels if level_sets else None, report)
        self.targets.update((g, ("code", cid)) for g, cid in self.code_ids.items())
        for u in qp.users:
            self.coder(u.guid)
            sq.keep(store, report.source_id, "user", u.guid, _JSON.encode(asdict(u)))
        for src in qp.sources:
            self.source(src)
        self.links()
        self.notes()
        converted = self.document_sets(level_sets) | self.variables()
        self.leftovers(level_sets | converted)
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
            zh = f"未导入：找不到该文本源的正文（{src.path or '无 plainTextPath'}），无法定位编码"
            en = (
                f"not imported: its text ({src.path or 'no plainTextPath'}) was not found "
                "(in the archive, or beside a bare .qde)"
            )
            if src.kind != "text":
                zh = f"{src.kind} 媒体源未导入：zhagen 只编码文本"
                en = f"{src.kind} source not imported: zhagen codes text only"
            k = sum(1 for s in src.selections if s.description)
            if k:
                zh, en = f"{zh}（含 {k} 条引文注释）", f"{en} (with {k} quotation comments)"
            if src.raw:
                zh, en = f"{zh}；导出时原样写回", f"{en}; kept, and written back on export"
            self.report.not_imported.append(NotImported("source", source_label(src), zh, en, n))
            return
        doc = sq.insert_raw_document(
            self.store, source_id=self.report.source_id or 0,
            record=len(self.report.documents) + 1, title=source_label(src), body=src.text,
            abstract=src.description or "",
            extra={"refi_qda": {"guid": src.guid, "origin": self.qp.origin, "path": src.path,
                                "newline": src.newline, "extra": src.extra}},
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
            whole = sel.guid == src.guid
            sq.set_guid(self.store, "coding", cid, coding.guid, {
                "whole": whole, "selection": None if whole else sel.guid, "name": sel.name,
                "user": coding.creating_user, "created": coding.creation_date_time,
                "selection_user": sel.creating_user, "selection_created": sel.creation_date_time,
            })  # fmt: skip
            self.targets[coding.guid.lower()] = ("coding", cid)
            target = target if target[0] == "coding" else ("coding", cid)
        if sel.guid != src.guid:
            self.targets[sel.guid.lower()] = target
        if sel.description:
            self.comments.append((sel, target))
        if skipped:
            why = "编码引用了不存在的代码或选区为空" if sel.start < sel.end else "选区长度为 0"
            self.report.not_imported.append(NotImported(
                "selection", f"{source_label(src)} [{sel.start}, {sel.end})", why,
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
                    for r in qn.relation_rows(self.store)}  # fmt: skip
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
                        "link", link.name or link.guid,
                        "只有两个不同编码之间的链接能成为关系（导出时原样写回）",
                        "only links between two different codes become relations (kept, and "
                        "written back on export)",
                    ))  # fmt: skip
                continue
            rtype = (link.name or "").strip() or _UNNAMED_LINK
            rid = existing.get((src, tgt, rtype))
            if rid is None:
                desc = descriptions.get(link.guid.lower(), "")
                rid = existing[(src, tgt, rtype)] = qn.insert_relation(
                    self.store, src, tgt, rtype, desc
                )
                sq.set_guid(self.store, "relation", rid, link.guid)
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
            if qn.storyline_id(self.store, STORYLINE_TITLE) is None:
                self.report.storyline = True
            else:
                title = f"{STORYLINE_TITLE}（导入 / imported {Path(self.report.path).name}）"
                self.report.warnings.append(
                    f"项目已有故事线，导入的故事线存为备忘录「{title}」 / the project already has a "
                    f"storyline; the imported one is the project memo '{title}'"
                )
        user = by.creating_user if by is not None else None
        mid = sq.insert_memo_at(
            self.store, target_type=ttype, target_id=tid, title=title, text=text,
            coder_id=self.coder(user) if user else None,
            created=_timestamp(by.creation_date_time) if by is not None else None,
            modified=_timestamp(by.modified_date_time) if by is not None else None,
        )  # fmt: skip
        # a note put on several targets is several memos: the first keeps its GUID
        if isinstance(by, QdaNote) and by.guid.lower() not in self.note_guids:
            self.note_guids.add(by.guid.lower())
            sq.set_guid(self.store, "memo", mid, by.guid)
        self.report.memos += 1

    # ------------------------------------------------------------ sets and variables

    def _free(self, name: str, taken: Any) -> str:
        """``name``, or ``name (2)``, ``name (3)`` … when ``taken(name)`` says it is used."""
        out, k = name, 1
        while taken(out):
            k += 1
            out = f"{name} ({k})"
        return out

    def document_sets(self, level_sets: set[str]) -> set[str]:
        """The file's sets of imported documents as static sets (a zhagen query set, named
        in its description, as a query set again); return their GUIDs (lower case)."""
        done = set()
        for qset in self.qp.sets:
            if qset.guid.lower() in level_sets:
                continue
            docs = [t[1] for g in qset.member_sources
                    if (t := self.targets.get(g.lower())) and t[0] == "document"]  # fmt: skip
            if not docs:
                continue
            name = self._free(qset.name.strip() or "set",
                              lambda n: ss.set_row(self.store, n) is not None)  # fmt: skip
            lines = (qset.description or "").split("\n")
            query = next(
                (x[len(QUERY_MARK) :].strip() for x in lines if x.startswith(QUERY_MARK)), ""
            )
            desc = "\n".join(x for x in lines if not x.startswith(QUERY_MARK)).strip()
            sid = ss.insert_set(self.store, name, "static", "", desc)
            sq.set_guid(self.store, "set", sid, qset.guid)
            ss.insert_members(self.store, sid, [d for d in docs if d is not None])
            if query:  # a zhagen query set: its members are kept in case the query fails
                from zhagen.scope import ScopeError, parse

                try:
                    parse(query)
                    ss.update_set(self.store, sid, kind="query", query=query)
                    ss.delete_members(self.store, ss.member_row_ids(self.store, sid))
                except ScopeError:
                    pass
            self.report.sets.append(name)
            done.add(qset.guid.lower())
        return done

    def variables(self) -> set[str]:
        """The file's variables as attributes, set on the imported documents of each case
        (a case's values apply to every source it refers to); return ``{"variables",
        "cases"}`` when they were made attributes (so the XML is not kept as well)."""
        from zhagen.errors import ParameterError
        from zhagen.sets import convert_value

        if not self.qp.variables or not self.qp.cases:
            return set()
        kinds = {"Integer": "int", "Date": "date", "DateTime": "date", "Boolean": "choice"}
        attrs: dict[str, tuple[int, str, str, list[str]]] = {}
        for var in self.qp.variables:
            kind, choices = kinds.get(var.type, "text"), []
            desc = var.description or ""
            if desc.startswith("zhagen:type="):
                kind, _, rest = desc[len("zhagen:type=") :].partition(" ")
                try:
                    choices = [str(c) for c in json.loads(rest)] if rest.strip() else []
                except ValueError:
                    choices = []
                kind = kind if kind in ("text", "int", "date", "choice") else "text"
            row = ss.attribute_row(self.store, var.name)
            name = var.name
            if row is None or row["type"] != kind:
                name = self._free(var.name, lambda n: ss.attribute_row(self.store, n) is not None)
                aid = ss.insert_attribute(self.store, name, kind, choices)
                sq.set_guid(self.store, "attribute", aid, var.guid)
            else:
                aid = int(row["id"])
                choices = json.loads(row["choices"])
            attrs[var.guid.lower()] = (aid, name, kind, choices)
            self.report.attributes.append(name)
        bad = 0
        for case in self.qp.cases:
            docs = [t[1] for g in case.source_guids
                    if (t := self.targets.get(g.lower())) and t[0] == "document"]  # fmt: skip
            for value in case.values:
                attr = attrs.get(value.variable_guid.lower())
                if attr is None or not docs:
                    continue
                aid, name, kind, choices = attr
                raw = value.value[:10] if kind == "date" and "T" in value.value else value.value
                try:
                    stored = convert_value(kind, raw, choices, name)
                except ParameterError:
                    bad += 1
                    continue
                if stored is not None:
                    ss.set_values(self.store, aid, [(int(d), stored) for d in docs if d])
        if bad:
            self.report.warnings.append(
                f"{bad} 个变量值不符合其类型，未导入 / {bad} variable values did not fit their "
                "variable's type and were not imported"
            )
        return {"variables", "cases"}

    def keep(self, level_sets: set[str]) -> None:
        """Keep, as read, what zhagen does not import, so that an export writes it back."""
        sid, keep = self.report.source_id or 0, sq.keep
        for qset in self.qp.sets:
            if qset.guid.lower() not in level_sets:
                keep(self.store, sid, "set", qset.guid, _JSON.encode(asdict(qset)))
        for link in self.qp.links:
            if link.guid.lower() not in self.targets:  # not a relation
                keep(self.store, sid, "link", link.guid, _JSON.encode(asdict(link)))
        for tag, xml in self.qp.extra.items():
            if tag.lower() not in level_sets:  # Variables and Cases made attributes
                keep(self.store, sid, tag, None, xml)
        for src in self.qp.sources:
            if src.guid.lower() not in self.targets and src.raw:
                keep(self.store, sid, "source", src.guid, src.raw)

    def leftovers(self, level_sets: set[str]) -> None:
        self.keep(level_sets)
        add = self.report.not_imported.append
        for qset in self.qp.sets:
            if qset.guid.lower() not in level_sets:
                add(
                    NotImported(
                        "set",
                        qset.name,
                        "集合未导入（导出时原样写回）",
                        "sets are not imported (kept, and written back on export)",
                    )
                )
        for tag in sorted(t for t in self.qp.extra if t.lower() not in level_sets):
            add(
                NotImported(
                    tag,
                    "",
                    f"{tag} 未导入（导出时原样写回）",
                    f"{tag} are not imported (kept, and written back on export)",
                )
            )
        for src in self.qp.sources:
            if src.extra and src.kind == "text" and src.text is not None:
                add(NotImported("variables", source_label(src), f"{len(src.extra)} 个变量值未导入",
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
