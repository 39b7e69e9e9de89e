"""REFI-QDA out of a project: the work of :func:`zhagen.qda.export_qdpx` and
:func:`zhagen.qda.export_qdc` (what an export writes is described in :mod:`zhagen.qda`).

:class:`Exporter` builds the :class:`~zhagen.formats.refi_qda.QdaProject` (or the code
tree) of a zhagen project; :mod:`zhagen.formats.refi_qda` writes it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from zhagen.coding.levels import LEVELS
from zhagen.errors import ParameterError
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
    make_guid,
)
from zhagen.qda.report import RELATION_NOTE
from zhagen.store import coding as q
from zhagen.store import docs as dq
from zhagen.store import notes as qn

if TYPE_CHECKING:
    from zhagen.project import Project


_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")


class Exporter:
    """Builds the :class:`QdaProject` of a zhagen project."""

    def __init__(self, project: Project, coder: str | None) -> None:
        self.project = project
        self.store = project.store
        self.fp = "zhagen:" + (self.store.meta("created") or os.path.abspath(project.path))
        self.coder_id = None
        #: document id → the GUID it is exported with (kept from an import where there was one)
        self.doc_guids: dict[int, str] = {}
        if coder is not None:
            self.coder_id = q.coder_id(self.store, str(coder).strip())
            if self.coder_id is None:
                names = ", ".join(r["name"] for r in q.coder_rows(self.store)) or "-"
                raise ParameterError(
                    f"没有名为「{coder}」的编码员；已有：{names}",
                    f"no coder named '{coder}'; the coders are: {names}",
                )

    def guid(self, kind: str, row_id: int) -> str:
        if kind == "document" and row_id in self.doc_guids:
            return self.doc_guids[row_id]
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

    def source_guid(self, doc: int, row: sqlite3.Row | None, used: set[str]) -> str:
        """The GUID a document was imported with (REFI-QDA keeps its objects' identity
        across tools), else a new one; never one GUID for two documents."""
        kept = None
        try:
            kept = json.loads(row["extra"] or "{}").get("refi_qda", {}).get("guid") if row else None
        except (ValueError, AttributeError):
            kept = None
        guid = kept if isinstance(kept, str) and _GUID.match(kept) else None
        if guid is None or guid.lower() in used:
            guid = self.guid("document", doc)
        used.add(guid.lower())
        self.doc_guids[doc] = guid
        return guid

    def build(self, all_documents: bool) -> QdaProject:
        store, g = self.store, self.guid
        codings = q.coding_rows(store, coder_id=self.coder_id)
        kept = {r["id"] for r in codings}
        memos = [m for m in qn.memo_rows(store)
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
        used: set[str] = set()
        for doc in sorted(doc_ids):
            row = dq.document_row(store, doc)
            qp.sources.append(QdaSource(
                self.source_guid(doc, row, used), (row["title"] if row else "") or f"document {doc}",
                text=self.project.text(doc), selections=by_doc.get(doc, []),
                description=(row["abstract"] or None) if row and row["body"] is not None else None,
            ))  # fmt: skip
        self.relations_and_memos(qp, memos)
        return qp

    def relations_and_memos(self, qp: QdaProject, memos: list) -> None:
        g = self.guid
        for r in qn.relation_rows(self.store):
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
