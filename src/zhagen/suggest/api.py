"""The noun ``project.suggestions``: proposed codings, stored apart from codings.

A suggestion never counts as a coding: no table, count or agreement sees it until a
researcher accepts it. Accepting makes a coding by the accepting coder and keeps the
suggestion (source, version, score, parameters, prompt hash) as the coding's provenance
(``provenance(coding_id)``); rejecting is remembered (the same sentence and code is never
suggested again); editing changes an open suggestion's code or span. Accept, reject and
edit are each one undoable edit in the project's history (:mod:`zhagen.coding.history`);
adding suggestions is logged (a run of a source replaces its open suggestions).

>>> from zhagen.examples import tiny_project
>>> from zhagen.suggest.model import Suggestion
>>> with tiny_project() as project:
...     code = project.codes.get("政策支持")["id"]
...     s, e = project.documents.sentence_spans(1)[0]
...     [sid] = project.suggestions.add_many([Suggestion(document=1, start=s, end=e,
...         sentence=0, code=code, score=0.9, rank=1, source="learner",
...         source_version="test")])
...     before = len(project.codings())
...     coding = project.suggestions.accept(sid, coder="甲")
...     after = len(project.codings())
...     made = project.suggestions.provenance(coding).source_version
...     _ = project.undo()
...     (before, after, made, len(project.codings()), project.suggestions.get(sid).status)
(2, 3, 'test', 2, 'open')
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from zhagen import access
from zhagen.access import Actor
from zhagen.coding import engine
from zhagen.coding.engine import CodeRef, ensure_coder, resolve_code
from zhagen.coding.history import edit
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import suggestions as qs
from zhagen.store.db import now
from zhagen.suggest.model import AI_CODER, STATUSES, Suggestion

if TYPE_CHECKING:
    from zhagen.coding.api import DocumentSource
    from zhagen.store.db import Store

__all__ = ["Suggestions", "EVALUATE_RUN"]

#: The kind of the run an evaluation records (``project.runs("suggest.evaluate")``).
EVALUATE_RUN = "suggest.evaluate"


def _suggestion(row: dict[str, Any]) -> Suggestion:
    return Suggestion(
        id=int(row["id"]), document=int(row["document_id"]), start=int(row["start"]),
        end=int(row["end"]), sentence=int(row["sentence_idx"]), code=row["code_id"],
        new_code=row["new_code"], code_name=row["code_name"] or row["new_code"],
        score=float(row["score"]), rank=int(row["rank"]), rationale=row["rationale"],
        quote=row["quote"], source=row["source"], source_version=row["source_version"],
        parameters=json.loads(row["params"] or "{}"), prompt_hash=row["prompt_hash"],
        created=row["created"], status=row["status"], coding=row["coding_id"],
    )  # fmt: skip


class Suggestions:
    """Suggestions of a project: ``project.suggestions.list(...)`` and the decisions on
    them (accept, reject, edit), the built-in learner's runs and its evaluation."""

    #: The coder under which the top-1 suggestions take part in agreement
    #: (``project.reports.agreement(("甲", project.suggestions.AI_CODER))``).
    AI_CODER = AI_CODER

    def __init__(self, documents: DocumentSource) -> None:
        self._docs = documents
        self._store = documents.store

    def __repr__(self) -> str:
        return f"<Suggestions of {self._store.path!s}>"

    # -- reading ---------------------------------------------------------------------------
    def list(
        self,
        *,
        doc_ids: Collection[int] | None = None,
        status: str | None = "open",
        min_score: float | None = None,
        source: str | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> list[Suggestion]:
        """Suggestions (open ones by default; ``status=None``: all) on ``doc_ids`` (None:
        every document; a scope's ``doc_ids``), with at least ``min_score``, in document
        and sentence order, best first within a sentence. Coding blind, an ``actor`` sees
        only suggestions learnt from their own codings (they would show another coder's)."""
        if status is not None and status not in STATUSES:
            raise ParameterError(
                f"状态 {status!r} 无效；可用：{', '.join(STATUSES)}",
                f"status {status!r} is not valid; use one of {', '.join(STATUSES)}",
            )
        doc_ids = _in_scope(self._store, doc_ids, scope)
        found = qs.suggestion_rows(self._store, doc_ids=doc_ids, status=status,
                                   min_score=min_score, source=source)  # fmt: skip
        return [_suggestion(r) for r in found if _visible(r, actor)]

    def get(self, suggestion_id: int) -> Suggestion:
        """One suggestion by id; ParameterError when there is none."""
        row = qs.suggestion_row(self._store, int(suggestion_id))
        if row is None:
            raise ParameterError(
                f"没有编号为 {suggestion_id} 的建议；用 zhagen suggest 查看",
                f"no suggestion with id {suggestion_id}; list them with `zhagen suggest`",
            )
        return _suggestion(row)

    def provenance(self, coding_id: int) -> Suggestion | None:
        """The accepted suggestion a coding came from, or None (coded by hand)."""
        row = qs.suggestion_of_coding(self._store, int(coding_id))
        return None if row is None else _suggestion(row)

    # -- adding ----------------------------------------------------------------------------
    def add_many(self, suggestions: Iterable[Suggestion], *, replace: bool = False) -> list[int]:
        """Store suggestions (one transaction, logged); return the ids of those stored.

        Left out: a suggestion whose sentence and code were rejected before, and one the
        same as an open suggestion of the same source. ``replace=True`` first forgets the
        open suggestions of the sources given on their documents (a new run replaces the
        last one); accepted and rejected ones are kept. A span outside its document or an
        unknown code is a ParameterError and nothing is stored.
        """
        items = list(suggestions)
        lengths: dict[int, int] = {}
        with self._store.transaction():
            for s in items:
                if s.document not in lengths:
                    lengths[s.document] = len(self._docs.text(s.document))
                if s.end > lengths[s.document]:
                    raise ParameterError(
                        f"文档 #{s.document} 的建议范围 [{s.start}, {s.end}) 超出文本长度 "
                        f"{lengths[s.document]}",
                        f"suggestion span [{s.start}, {s.end}) is beyond the end of document "
                        f"#{s.document} ({lengths[s.document]} characters)",
                    )
                if s.code is not None and q.code_row(self._store, int(s.code)) is None:
                    raise ParameterError(
                        f"建议所指的编码 #{s.code} 不存在；用 zhagen codes 查看",
                        f"the suggestion names code #{s.code}, which does not exist; see "
                        "`zhagen codes`",
                    )
            if replace:
                for source in sorted({s.source for s in items}):
                    qs.delete_open(self._store, source=source, doc_ids=set(lengths))
            rejected = qs.rejected_keys(self._store)
            present = qs.open_keys(self._store)
            keep = []
            for s in items:
                if (s.document, s.sentence, s.code, s.new_code) in rejected:
                    continue
                key = (s.document, s.start, s.end, s.code, s.new_code, s.source)
                if key in present:
                    continue
                present.add(key)
                keep.append(s)
            ids = qs.insert_suggestions(self._store, (_values(s) for s in keep))
            self._store.log("suggest.add", {
                "added": len(ids), "given": len(items), "replace": replace,
                "sources": sorted({f"{s.source}:{s.source_version}" for s in keep}),
            })  # fmt: skip
        return ids

    # -- the built-in learner ----------------------------------------------------------------
    def run(self, *, doc_ids: Collection[int] | None = None, **params: Any) -> list[Suggestion]:
        """Run the built-in learner (:class:`~zhagen.suggest.params.SuggestParams`: from_coder,
        top, min_score, seed, coded) on ``doc_ids`` (None: every document; a scope's
        ``doc_ids``) and store its suggestions, replacing its open ones there; rejected
        sentence–code pairs are never suggested again. Returns the stored suggestions."""
        from zhagen.params import make
        from zhagen.suggest.params import SuggestParams
        from zhagen.suggest.run import suggest

        p = make(SuggestParams, params)
        doc_ids = _in_scope(self._store, doc_ids, p.scope)
        exclude: dict[tuple[int, int], set[Any]] = {}
        for d, i, code, _ in qs.rejected_keys(self._store):
            if code is not None:
                exclude.setdefault((d, i), set()).add(code)
        made = suggest(self._docs, p, doc_ids=doc_ids, exclude=exclude)
        ids = set(self.add_many(made, replace=True))
        return [s for s in self.list(doc_ids=doc_ids, source="learner") if s.id in ids]

    def evaluate(self, *, doc_ids: Collection[int] | None = None, **params: Any) -> dict[str, Any]:
        """Measure the built-in learner against the coder (held out by document, seeded):
        κ, macro-F1, top-3 recall, per-code F1, learning curve; recorded as a run of kind
        :data:`EVALUATE_RUN`, whose id is ``result["run"]``."""
        from zhagen.params import make
        from zhagen.store import runs
        from zhagen.suggest.params import SuggestParams
        from zhagen.suggest.run import evaluate

        p = make(SuggestParams, params)
        doc_ids = _in_scope(self._store, doc_ids, p.scope)
        result = evaluate(self._docs, p, doc_ids=doc_ids)
        used = {**asdict(p), "documents": None if doc_ids is None else sorted(doc_ids)}
        result["run"] = runs.record_run(self._store, EVALUATE_RUN, used, result)
        return result

    def last_evaluation(self) -> dict[str, Any] | None:
        """The newest recorded evaluation's summary (with its ``run`` id and the time it
        was ``created``), or None."""
        from zhagen.store import runs

        found = runs.run_rows(self._store, EVALUATE_RUN)
        if not found:
            return None
        return {**json.loads(found[-1]["summary"]), "run": int(found[-1]["id"]),
                "created": found[-1]["created"]}  # fmt: skip

    def accept_above(
        self,
        score: float,
        *,
        coder: str | None = None,
        doc_ids: Collection[int] | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> list[int]:
        """Accept every open top-1 suggestion of an existing code scoring at least ``score``
        (one undoable edit). Refused until an evaluation has been recorded: the literature's
        advice is a κ check on a human-coded sample before any bulk AI coding."""
        if not 0.0 <= float(score) <= 1.0:
            raise ParameterError(
                f"分数 {score} 须在 0 到 1 之间", f"score {score} must be in [0, 1]"
            )
        if self.last_evaluation() is None:
            raise ParameterError(
                "批量接受之前须先评估建议与人工编码的一致性：请先运行 zhagen suggest --evaluate",
                "bulk acceptance needs an evaluation of the suggestions against the human "
                "coding first: run `zhagen suggest --evaluate`",
            )
        picks = [s.id for s in self.list(doc_ids=doc_ids, scope=scope, min_score=float(score),
                                         actor=actor)
                 if s.rank == 1 and s.code is not None and s.id is not None]  # fmt: skip
        return self.accept_many(picks, coder=coder, actor=actor) if picks else []

    def proposals(
        self,
        *,
        doc_ids: Collection[int] | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> list[dict[str, Any]]:
        """The open-coding proposals: open suggestions naming a new code (an LLM's initial
        concepts), one entry per proposed name, most suggestions first, then best score.

        Each entry: ``name``, ``count``, ``documents`` (ids), ``best`` and ``mean`` score,
        ``suggestions`` (ids, best first), ``existing`` (the id of the one code already
        called so, which adopting would use; None) and up to three ``examples`` (document,
        sentence, span, quote — the span's text when the source gave none —, rationale,
        score). Adopt one with :meth:`adopt`.
        """
        groups: dict[str, list[Suggestion]] = {}
        for s in self.list(doc_ids=doc_ids, scope=scope, actor=actor):
            if s.new_code is not None:
                groups.setdefault(s.new_code, []).append(s)
        out = []
        for name, items in groups.items():
            items.sort(key=lambda s: (-s.score, s.document, s.sentence))
            out.append({
                "name": name, "count": len(items),
                "documents": sorted({s.document for s in items}),
                "best": items[0].score, "mean": sum(s.score for s in items) / len(items),
                "suggestions": [s.id for s in items], "existing": _existing(self._store, name),
                "examples": [{"document": s.document, "sentence": s.sentence,
                              "start": s.start, "end": s.end,
                              "quote": s.quote or self._docs.text(s.document)[s.start : s.end],
                              "rationale": s.rationale, "score": s.score} for s in items[:3]],
            })  # fmt: skip
        out.sort(key=lambda g: (-g["count"], -g["best"], g["name"]))
        return out

    def adopt(
        self,
        name: str,
        *,
        coder: str | None = None,
        doc_ids: Collection[int] | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> dict[str, Any]:
        """Adopt an open-coding proposal as a code: the code ``name`` is created at the top
        level (or the existing code of that name is used) and every open suggestion
        proposing ``name`` (on ``doc_ids`` / ``scope``; those ``actor`` may see) is accepted
        as a coding by ``coder``; one undoable edit. Returns ``code``, ``codings`` and the
        ``suggestions`` accepted.

        >>> from zhagen.examples import tiny_project
        >>> from zhagen.suggest.model import Suggestion
        >>> with tiny_project() as project:
        ...     s, e = project.documents.sentence_spans(3)[0]
        ...     _ = project.suggestions.add_many([Suggestion(document=3, start=s, end=e,
        ...         sentence=0, code=None, new_code=name, score=0.8, rank=1, source="model",
        ...         source_version="test") for name in ("数字治理", "政策支持")])
        ...     names = [g["name"] for g in project.suggestions.proposals()]
        ...     mapped = project.suggestions.adopt("政策支持", coder="甲")  # a code so named
        ...     made = project.suggestions.adopt("数字治理", coder="甲")  # a new code
        ...     (names, mapped["code"] == project.codes.get("政策支持")["id"],
        ...      project.codes.get("数字治理")["id"] == made["code"], len(project.codes()))
        (['政策支持', '数字治理'], True, True, 4)
        """
        picks = [s.id for s in self.list(doc_ids=doc_ids, scope=scope, actor=actor)
                 if s.new_code == name and s.id is not None]  # fmt: skip
        if not picks:
            raise ParameterError(
                f"没有提议新编码「{name}」的待定建议；用 zhagen suggest 查看",
                f"no open suggestion proposes the new code '{name}'; list them with "
                "`zhagen suggest`",
            )
        codings = self.accept_many(picks, coder=coder, actor=actor)
        code = _existing(self._store, name)
        return {"code": code, "codings": codings, "suggestions": picks}

    # -- decisions -------------------------------------------------------------------------
    def accept(
        self, suggestion_id: int, *, coder: str | None = None, actor: Actor | None = None
    ) -> int:
        """Make an open suggestion a coding by ``coder`` (with an actor: the actor's name;
        default ``"default"``), keeping the suggestion as its provenance; one undoable
        edit. A proposed new code is created at the top level (or an existing code of that
        name is used: the top-level one, else the only one). Returns the coding id."""
        return self.accept_many([suggestion_id], coder=coder, actor=actor)[0]

    def accept_many(
        self, suggestion_ids: Sequence[int], *, coder: str | None = None,
        actor: Actor | None = None,
    ) -> list[int]:  # fmt: skip
        """Accept several open suggestions as one undoable edit; return the coding ids."""
        access.require(actor, "add", access.Item("coding"))
        who = actor.name if actor is not None else (coder or "default")
        out = []
        with edit(self._store, "suggest.accept", "", actor=who) as e:
            cid = ensure_coder(self._store, who)
            for sid in suggestion_ids:
                row = self._open(sid, actor)
                code_id = row["code_id"]
                if code_id is None:
                    code_id = _existing(self._store, row["new_code"])
                    if code_id is None:
                        # the engine's palette, inside this edit: one undo step for both
                        code_id = q.insert_code(self._store, name=row["new_code"],
                                                parent_id=None, level=1,
                                                color=engine._color(self._store, None))  # fmt: skip
                        e.created("codes", code_id)
                doc, start, end = int(row["document_id"]), int(row["start"]), int(row["end"])
                coding = q.find_coding(self._store, doc, start, end, code_id, cid)
                if coding is None:
                    coding = q.insert_coding(self._store, doc, start, end, code_id, cid)
                    e.created("codings", coding)
                q.freeze_document(self._store, doc)
                e.touch("suggestions", [int(row["id"])])
                qs.update_suggestion(self._store, int(row["id"]), status="accepted",
                                     coding_id=coding, decided_by=who, decided=now())  # fmt: skip
                out.append(int(coding))
            e.payload = {"suggestions": [int(s) for s in suggestion_ids], "codings": out}
            n = len(out)
            e.description = (f"接受 {n} 条建议为编码 / accept {n} suggestion(s) as codings"
                             if n != 1 else
                             f"接受建议 #{suggestion_ids[0]} 为编码 #{out[0]} / accept "
                             f"suggestion #{suggestion_ids[0]} as coding #{out[0]}")  # fmt: skip
        return out

    def reject(self, suggestion_id: int, *, actor: Actor | None = None) -> None:
        """Reject an open suggestion (one undoable edit): it is kept as rejected, so the
        same sentence and code is never suggested again."""
        access.require(actor, "add", access.Item("coding"))
        who = "" if actor is None else actor.name
        with edit(self._store, "suggest.reject", "", actor=who) as e:
            row = self._open(suggestion_id, actor)
            e.touch("suggestions", [int(row["id"])])
            qs.update_suggestion(self._store, int(row["id"]), status="rejected",
                                 decided_by=who, decided=now())  # fmt: skip
            e.payload = {"suggestion": int(row["id"])}
            e.description = f"拒绝建议 #{row['id']} / reject suggestion #{row['id']}"

    def edit(
        self,
        suggestion_id: int,
        *,
        code: CodeRef | None = None,
        start: int | None = None,
        end: int | None = None,
        actor: Actor | None = None,
    ) -> Suggestion:
        """Change an open suggestion's code (an existing code, by id or name) and/or span
        (one undoable edit); return it as it is now."""
        access.require(actor, "add", access.Item("coding"))
        who = "" if actor is None else actor.name
        with edit(self._store, "suggest.edit", "", actor=who) as e:
            row = self._open(suggestion_id, actor)
            fields: dict[str, Any] = {}
            if code is not None:
                fields.update(code_id=int(resolve_code(self._store, code)["id"]), new_code=None)
            s = int(row["start"] if start is None else start)
            t = int(row["end"] if end is None else end)
            length = len(self._docs.text(int(row["document_id"])))
            if not 0 <= s < t <= length:
                raise ParameterError(
                    f"范围 [{s}, {t}) 无效：文档 #{row['document_id']} 共 {length} 个字符",
                    f"span [{s}, {t}) is not valid: document #{row['document_id']} has "
                    f"{length} characters",
                )
            if (s, t) != (row["start"], row["end"]):
                fields.update(start=s, end=t)
            if fields:
                e.touch("suggestions", [int(row["id"])])
                qs.update_suggestion(self._store, int(row["id"]), **fields)
            e.payload = {"suggestion": int(row["id"]), **fields}
            e.description = f"修改建议 #{row['id']} / edit suggestion #{row['id']}"
        return self.get(suggestion_id)

    def _open(self, suggestion_id: int, actor: Actor | None = None) -> dict[str, Any]:
        row = qs.suggestion_row(self._store, int(suggestion_id))
        if row is not None and not _visible(row, actor):
            raise access.not_found("suggestion", suggestion_id)
        if row is None:
            raise ParameterError(
                f"没有编号为 {suggestion_id} 的建议；用 zhagen suggest 查看",
                f"no suggestion with id {suggestion_id}; list them with `zhagen suggest`",
            )
        if row["status"] != "open":
            raise ParameterError(
                f"建议 #{suggestion_id} 已是 {row['status']}，只能处理待定（open）的建议；"
                "如需改回请先撤销（zhagen undo）",
                f"suggestion #{suggestion_id} is already {row['status']}; only open ones can "
                "be decided (undo with `zhagen undo` to change it back)",
            )
        return row


def _in_scope(
    store: Store, doc_ids: Collection[int] | None, scope: str | None
) -> Collection[int] | None:
    """``doc_ids`` within the documents of ``scope`` (None for both: every document)."""
    from zhagen.store.scope import ids_of

    ids = ids_of(store, scope)
    if ids is None:
        return doc_ids
    return ids if doc_ids is None else ids & {int(d) for d in doc_ids}


def _existing(store: Store, name: str) -> int | None:
    """The code a proposed new code ``name`` maps to: the top-level code of that name, else
    the only code anywhere so named; None (a new code is made) when none or several are."""
    top = q.sibling_named(store, None, name)
    if top is not None:
        return top
    named = q.code_ids_named(store, name)
    return named[0] if len(named) == 1 else None


def _visible(row: dict[str, Any], actor: Actor | None) -> bool:
    """Whether ``actor`` may know of a suggestion: its owner is the coder it was learnt
    from (``parameters["from_coder"]``; none: shared)."""
    owner = json.loads(row["params"] or "{}").get("from_coder")
    item = access.Item("suggestion", int(row["id"]), None if owner is None else str(owner))
    return access.visible(actor, item)


def _values(s: Suggestion) -> dict[str, Any]:
    return {
        "document_id": s.document, "start": s.start, "end": s.end, "sentence_idx": s.sentence,
        "code_id": s.code, "new_code": s.new_code, "score": float(s.score), "rank": s.rank,
        "rationale": s.rationale, "quote": s.quote, "source": s.source,
        "source_version": s.source_version, "params": s.parameters,
        "prompt_hash": s.prompt_hash, "created": s.created,
    }  # fmt: skip
