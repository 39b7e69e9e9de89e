"""REFI-QDA out of a project: the work of :func:`zhagen.qda.export_qdpx` and
:func:`zhagen.qda.export_qdc` (what an export writes is described in :mod:`zhagen.qda`).

:class:`Exporter` builds the :class:`~zhagen.formats.refi_qda.QdaProject` (or the code
tree) of a zhagen project; :mod:`zhagen.formats.refi_qda` writes it. An export keeps what
an import read (:mod:`zhagen.store.qda`): the GUIDs of imported objects (new GUIDs, UUID-5s
of the project and the row id, only for objects made in zhagen), the codings' selections
and own ``creatingUser``, ``isCodable``, colours only where the file had them, the text's
line ends, and the parts zhagen does not import (users, sets, links, graphs, variables,
cases, sources without text), written back as read.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.coding.levels import LEVELS
from zhagen.errors import ParameterError
from zhagen.formats.refi_qda import (
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
    make_guid,
)
from zhagen.qda.report import QUERY_MARK, RELATION_NOTE
from zhagen.store import coding as q
from zhagen.store import docs as dq
from zhagen.store import notes as qn
from zhagen.store import qda as sq
from zhagen.store import sets as ss

if TYPE_CHECKING:
    from zhagen.project import Project

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")
#: Kinds of rows whose imported GUIDs are kept (``qda_ids.kind``).
_KEPT_KINDS = ("code", "coder", "coding", "memo", "relation", "set", "attribute")


class Exporter:
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
        #: (kind, row id) → the GUID it was imported with; a GUID is used once only
        self.kept: dict[tuple[str, int], str] = {}
        self.attrs: dict[tuple[str, int], dict[str, Any]] = {}
        self.used: set[str] = set()
        #: how many relations, and how many parts kept from imports, the export wrote
        self.relations = 0
        self.written_back = 0
        for kind in _KEPT_KINDS:
            for row_id, (guid, attrs) in sorted(sq.guids(self.store, kind).items()):
                self.attrs[(kind, row_id)] = attrs
                self._claim(kind, row_id, guid)

    def _claim(self, kind: str, row_id: int, guid: str | None) -> None:
        if guid and _GUID.match(guid) and guid.lower() not in self.used:
            self.used.add(guid.lower())
            self.kept[(kind, row_id)] = guid

    def guid(self, kind: str, row_id: int) -> str:
        return self.kept.get((kind, row_id)) or make_guid(self.fp, kind, row_id)

    def user(self, coder_id: int | None) -> str | None:
        return None if coder_id is None else self.guid("coder", coder_id)

    def codes(self) -> tuple[list[QdaCode], list[QdaSet]]:
        rows = q.code_rows(self.store)
        nodes = {}
        for r in rows:
            attrs = self.attrs.get(("code", r["id"]), {})
            nodes[r["id"]] = QdaCode(
                self.guid("code", r["id"]), r["name"],
                color=r["color"] if attrs.get("color", True) else None,
                description=r["description"] or None,
                is_codable=bool(attrs.get("is_codable", True)),
            )  # fmt: skip
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
        store = self.store
        codings = q.coding_rows(store, coder_id=self.coder_id)
        kept_ids = {r["id"] for r in codings}
        memos = [m for m in qn.memo_rows(store)
                 if (self.coder_id is None or m["coder_id"] in (None, self.coder_id))
                 and (m["target_type"] != "coding" or m["target_id"] in kept_ids)]  # fmt: skip
        doc_ids = {r["document_id"] for r in codings}
        doc_ids |= {m["target_id"] for m in memos if m["target_type"] == "document"}
        doc_ids |= set(sq.qda_document_ids(store))  # what an import read, coded or not
        if all_documents:
            doc_ids |= set(dq.document_ids(store))
        codes, sets = self.codes()
        qp = QdaProject(Path(self.project.path).stem or "zhagen", codes=codes, sets=sets,
                        creation_date_time=store.meta("created"))  # fmt: skip
        users = {r["coder_id"] for r in codings} | {m["coder_id"] for m in memos}
        qp.users = [QdaUser(self.guid("coder", r["id"]), r["name"]) for r in q.coder_rows(store)
                    if self.coder_id is None or r["id"] in users]  # fmt: skip
        by_doc = self.selections(codings)
        for doc in sorted(doc_ids):
            qp.sources.append(self.source(doc, by_doc.get(doc, ([], []))))
        self.document_sets(qp, doc_ids)
        self.variables_and_cases(qp, doc_ids)
        self.relations_and_memos(qp, memos)
        self.write_back(qp)
        return qp

    def document_sets(self, qp: QdaProject, doc_ids: set[int]) -> None:
        """zhagen's sets as ``<Set>``s of the exported documents (a query set evaluated now,
        its query kept in the description as ``zhagen:query: …`` for an import to read)."""
        from zhagen.store.scope import resolve

        for r in ss.set_rows(self.store):
            if r["kind"] == "static":
                members = ss.member_ids(self.store, r["id"])
            else:
                members = resolve(self.store, r["query"]).doc_ids or frozenset()
            desc = "\n".join(x for x in (r["description"], r["query"] and
                                          f"{QUERY_MARK} {r['query']}") if x)  # fmt: skip
            qp.sets.append(QdaSet(
                self.guid("set", r["id"]), r["name"], description=desc or None,
                member_sources=[self.guid("document", d) for d in sorted(members & doc_ids)],
            ))  # fmt: skip

    def variables_and_cases(self, qp: QdaProject, doc_ids: set[int]) -> None:
        """Attributes as ``<Variables>``, and one ``<Case>`` per exported document with
        values (its variable values and a ``SourceRef`` to it). A zhagen type REFI-QDA lacks
        (choice, a date that is only a year or month) is written as Text and named in the
        description (``zhagen:type=choice ["a", "b"]``), so that an import restores it."""
        attrs = ss.attribute_rows(self.store)
        if not attrs:
            return
        values = [v for v in ss.document_values(self.store, doc_ids) if v[0] in doc_ids]
        by_attr: dict[str, list[Any]] = {}
        for _d, name, value in values:
            by_attr.setdefault(name, []).append(value)
        guids = {}
        for a in attrs:
            full_dates = all(
                re.fullmatch(r"\d{4}-\d\d-\d\d", str(v)) for v in by_attr.get(a["name"], [])
            )
            kind = {"text": "Text", "int": "Integer", "date": "Date" if full_dates else "Text",
                    "choice": "Text"}[a["type"]]  # fmt: skip
            desc = None
            if a["type"] == "choice":
                desc = f"zhagen:type=choice {a['choices']}"
            elif a["type"] == "date" and kind == "Text":
                desc = "zhagen:type=date"
            guids[a["name"]] = (self.guid("attribute", a["id"]), kind)
            qp.variables.append(QdaVariable(guids[a["name"]][0], a["name"], kind, desc))
        cases: dict[int, QdaCase] = {}
        titles = {d: t for d, t, *_ in ss.document_fields(self.store) if d in doc_ids}
        for doc, name, value in values:
            case = cases.get(doc)
            if case is None:
                case = cases[doc] = QdaCase(self.guid("case", doc), titles.get(doc) or f"{doc}",
                                            source_guids=[self.guid("document", doc)])  # fmt: skip
            case.values.append(QdaValue(guids[name][0], str(value)))
        qp.cases = [cases[d] for d in sorted(cases)]

    def selections(
        self, codings: list[Any]
    ) -> dict[int, tuple[list[QdaSelection], list[QdaCoding]]]:
        """Per document: its selections (codings of one imported selection by one coder
        together again) and its whole-source codings.

        ``Selection@creatingUser`` is the zhagen coder (an import of a zhagen file reads the
        coder there, as for NVivo); ``Coding@creatingUser`` is the file's own where the
        coding was imported (NVivo writes the code's creator there), else the coder."""
        out: dict[int, tuple[list[QdaSelection], list[QdaCoding]]] = {}
        groups: dict[tuple[int, str, int, int, int], QdaSelection] = {}
        for r in codings:
            attrs = self.attrs.get(("coding", r["id"]), {})
            user, when = self.user(r["coder_id"]), r["created"]
            coding = QdaCoding(
                self.guid("coding", r["id"]), self.guid("code", r["code_id"]),
                self._user(attrs.get("user")) or user, attrs.get("created") or when,
            )  # fmt: skip
            sels, whole = out.setdefault(r["document_id"], ([], []))
            if attrs.get("whole"):
                whole.append(coding)
                continue
            sel_guid = attrs.get("selection")
            key = (r["document_id"], str(sel_guid).lower(), r["start"], r["end"], r["coder_id"])
            if sel_guid and key in groups:
                groups[key].codings.append(coding)
                continue
            guid = self.guid("selection", r["id"])
            if sel_guid and _GUID.match(sel_guid) and sel_guid.lower() not in self.used:
                self.used.add(sel_guid.lower())
                guid = sel_guid
            sel = QdaSelection(
                guid, attrs.get("name"), r["start"], r["end"], [coding],
                creating_user=user,  # the coder: what a zhagen file's import reads
                creation_date_time=attrs.get("selection_created") or when,
            )  # fmt: skip
            groups[key] = sel
            sels.append(sel)
        return out

    def _user(self, guid: Any) -> str | None:
        return guid if isinstance(guid, str) and _GUID.match(guid) else None

    def source(self, doc: int, parts: tuple[list[QdaSelection], list[QdaCoding]]) -> QdaSource:
        row = dq.document_row(self.store, doc)
        try:
            info = json.loads(row["extra"] or "{}").get("refi_qda") or {} if row else {}
        except (ValueError, AttributeError):
            info = {}
        self._claim("document", doc, info.get("guid"))
        newline = info.get("newline")
        return QdaSource(
            self.guid("document", doc),
            (row["title"] if row else "") or f"document {doc}",
            text=self.project.text(doc),
            selections=parts[0],
            codings=parts[1],
            description=(row["abstract"] or None) if row and row["body"] is not None else None,
            extra=[x for x in info.get("extra") or [] if isinstance(x, str)],
            newline=newline if newline in ("\r\n", "\r", "\n") else "\n",
        )

    def relations_and_memos(self, qp: QdaProject, memos: list) -> None:
        g = self.guid
        for r in qn.relation_rows(self.store):
            self.relations += 1
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

    def write_back(self, qp: QdaProject) -> None:
        """The parts of imported files that zhagen does not import, as read; sets and links
        keep only members and ends that this export has."""
        kept = sq.kept(self.store)
        have_users = {u.guid.lower() for u in qp.users}
        for kind, guid, data in kept:
            if kind == "user" and guid and guid.lower() not in have_users:
                have_users.add(guid.lower())
                qp.users.append(QdaUser(**json.loads(data)))
            elif kind == "source" and guid and guid.lower() not in self.used:
                self.used.add(guid.lower())
                qp.sources.append(QdaSource(guid, raw=data, kind="raw"))
                self.written_back += 1
        present = self._present(qp)
        for kind, _guid, data in kept:
            if kind == "set":
                qset = QdaSet(**json.loads(data))
                qset.member_codes = [g for g in qset.member_codes if g.lower() in present]
                qset.member_sources = [g for g in qset.member_sources if g.lower() in present]
                qset.member_notes = [g for g in qset.member_notes if g.lower() in present]
                qp.sets.append(qset)
                self.written_back += 1
            elif kind == "link":
                link = QdaLink(**json.loads(data))
                ends = ((link.origin_guid or "").lower(), (link.target_guid or "").lower())
                if all(e in present for e in ends):
                    qp.links.append(link)
                    self.written_back += 1
            elif kind not in ("user", "source") and kind not in qp.extra:
                qp.extra[kind] = data  # Graphs, Variables, Cases: the first import's
                self.written_back += 1

    def _present(self, qp: QdaProject) -> set[str]:
        """Lower-case GUIDs of everything this export writes (raw sources: their own and
        their selections')."""
        out = {c.guid.lower() for c in qp.all_codes()} | {n.guid.lower() for n in qp.notes}
        out |= {u.guid.lower() for u in qp.users}
        for src in qp.sources:
            out.add(src.guid.lower())
            out |= {s.guid.lower() for s in src.selections}
            out |= {c.guid.lower() for s in src.selections for c in s.codings}
            if src.raw:
                out |= {g.lower() for g in re.findall(r'guid="([^"]+)"', src.raw)}
        return out
