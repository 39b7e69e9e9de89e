"""``project.reports``: paper tables, saturation and agreement for :class:`zhagen.Project`.

Thin glue: each method gathers the project's DataFrames and calls one pure function of
:mod:`zhagen.report.tables`, :mod:`zhagen.coding.saturation` or
:mod:`zhagen.coding.agreement`; saturation and agreement runs are recorded in the project.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.access import Actor
    from zhagen.coding.agreement import Agreement
    from zhagen.coding.api import Codes, Codings, DocumentSource, Relations
    from zhagen.coding.saturation import Saturation

__all__ = ["Reports", "WrittenTables"]


@dataclass(frozen=True)
class WrittenTables:
    """What :meth:`Reports.write` made: the files, the tables in them and the coding
    process in one line (初始概念 → … → 核心范畴 counts; None without the counts table);
    ``problems``: where the code tree breaks the four-level rule (see
    :meth:`Reports.level_problems`)."""

    files: list[Path]
    tables: dict[str, pd.DataFrame]
    chain: str | None
    problems: list[str] = field(default_factory=list)


class Reports:
    """``project.reports``: the paper tables, the saturation test and inter-coder agreement."""

    def __init__(
        self, documents: DocumentSource, codes: Codes, codings: Codings, relations: Relations
    ) -> None:
        self._docs = documents
        self._codes = codes
        self._codings = codings
        self._relations = relations

    def __repr__(self) -> str:
        return f"<Reports of {self._docs.store.path!s}>"

    def _sentences_of(self, docs: Any) -> dict[int, pd.DataFrame]:
        return {int(d): self._docs.sentences(int(d)) for d in sorted(set(docs))}

    def _in_scope(self, scope: str | None, actor: Actor | None) -> frozenset[int] | None:
        """The documents of ``scope`` (None: all); ``actor`` coding blind: ``coded:`` and
        ``coder:`` see only the actor's own codings."""
        from zhagen.sets import resolve_scope

        return resolve_scope(self._docs.store, scope, actor=actor).doc_ids

    def _scoped(
        self, codings: pd.DataFrame, scope: str | None, actor: Actor | None = None
    ) -> pd.DataFrame:
        """The codings in the documents of ``scope`` (None: all)."""
        ids = self._in_scope(scope, actor)
        if ids is None:
            return codings
        return codings[codings["document"].isin(list(ids))]

    def tables(
        self, *, coder: str | None = None, scope: str | None = None, actor: Actor | None = None
    ) -> dict[str, pd.DataFrame]:
        """The paper tables (open coding, axial, relations, counts per level) as DataFrames
        (``scope``: of the codings in those documents only)."""
        from zhagen.report.tables import coding_tables

        codings = self._scoped(self._codings.frame(coder=coder), scope, actor)
        return coding_tables(
            self._codes.frame(),
            codings,
            self._relations.frame(),
            sentences=self._sentences_of(codings["document"]),
            coder=coder,
        )

    def write(
        self,
        out_dir: str | Path,
        *,
        coder: str | None = None,
        trace: bool = False,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> WrittenTables:
        """Compute the tables once and write ``coding_tables.xlsx`` and
        ``coding_tables.docx`` (三线表) into ``out_dir``."""
        from zhagen.report.table_files import write_tables

        tables = self.tables(coder=coder, scope=scope, actor=actor)
        storyline = self._relations.storyline() or None
        files = write_tables(tables, out_dir, storyline=storyline, trace=trace)
        return WrittenTables(list(files), tables, self.chain(tables), self.level_problems())

    def level_problems(self) -> list[str]:
        """The four-level check of the tables: codes without a level, a child whose level
        is not below its parent's (one bilingual line each; empty when the rule holds).
        The tables place codes by their level, so such codes are missing from them.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     _ = p.codes.add("细分", parent="政策支持")  # below a concept: no level
        ...     p.reports.level_problems()
        ['1 个编码没有层级（细分） / 1 code has no level (细分)']
        """
        return self._codes.level_problems()

    def write_tables(
        self,
        out_dir: str | Path,
        *,
        coder: str | None = None,
        trace: bool = False,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> list[Path]:
        """The files :meth:`write` writes (``coding_tables.xlsx``, ``coding_tables.docx``)."""
        return self.write(out_dir, coder=coder, trace=trace, scope=scope, actor=actor).files

    @staticmethod
    def layout(name: str, columns: list[str]) -> tuple[str, list[str]]:
        """The caption of table ``name`` and the columns a reader sees first (all of
        ``columns`` for a table without a paper layout)."""
        from zhagen.report.tables import CAPTIONS, DISPLAY

        return CAPTIONS.get(name, name), DISPLAY.get(name, list(columns))

    @staticmethod
    def chain(tables: dict[str, pd.DataFrame]) -> str | None:
        """The coding process in one line (``"554 → 33 → 19 → 6 → 1"``) from the tables of
        :meth:`tables`; None without the counts table."""
        from zhagen.report.tables import counts_chain

        return counts_chain(tables["编码数量"]) if "编码数量" in tables else None

    def write_memos(
        self,
        path: str | Path,
        *,
        type: str | None = None,  # noqa: A002 - the memo's type
        q: str | None = None,
        coder: str | None = None,
        lang: str = "zh",
    ) -> Path:
        """Write the memos (of a ``type``, holding ``q``, of a ``coder``, when given) as
        Markdown (``.md``) or Word (``.docx``), by the path's suffix, grouped by type."""
        from zhagen.coding.api import Memos
        from zhagen.report.memos import write_memos_docx, write_memos_markdown

        suffix = Path(path).suffix.lower()
        if suffix not in (".md", ".docx"):
            raise ParameterError(
                f"备忘录只能导出为 .md 或 .docx，不能是「{suffix or path}」",
                f"memos are exported as .md or .docx, not '{suffix or path}'",
            )
        frame = Memos(self._docs).frame(coder=coder, type=type, q=q)
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        write = write_memos_docx if suffix == ".docx" else write_memos_markdown
        return write(rows, path, lang)

    def hierarchy_chart(
        self, path: str | Path, *, coder: str | None = None, lang: str = "zh"
    ) -> Path:
        """The code tree as a treemap sized by codings (with descendants'), as PNG or SVG
        by the path's suffix (:mod:`zhagen.report.hierarchy_chart`)."""
        from zhagen.report.hierarchy_chart import write_hierarchy_chart

        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".svg"):
            raise ParameterError(
                f"层级图只能保存为 .png 或 .svg，不能是「{suffix or path}」",
                f"the hierarchy chart is saved as .png or .svg, not '{suffix or path}'",
            )
        codes = self._codes.frame(coder=coder)
        rows = codes.astype(object).where(codes.notna(), None).to_dict("records")
        return write_hierarchy_chart(rows, path, lang=lang)

    def model_figure(self, path: str | Path, *, layout: str = "tree", lang: str = "zh") -> Path:
        """The model figure (the code tree or the paradigm model, with the boxes where the
        researcher moved them) as PNG, SVG or PDF by the path's suffix
        (:mod:`zhagen.report.model_figure`)."""
        from zhagen.report.model_figure import write_model_figure

        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".svg", ".pdf"):
            raise ParameterError(
                f"模型图只能保存为 .png、.svg 或 .pdf，不能是「{suffix or path}」",
                f"the model figure is saved as .png, .svg or .pdf, not '{suffix or path}'",
            )
        return write_model_figure(self._relations.model(layout), path, lang=lang)

    @staticmethod
    def write_xlsx(frames: dict[str, pd.DataFrame], path: str | Path) -> Path:
        """Any DataFrames as the sheets of one workbook, formatted as the paper tables are."""
        from zhagen.report.table_files import write_tables_xlsx

        return Path(write_tables_xlsx(frames, path))

    def saturation(
        self,
        *,
        holdout: str | float = "1/3",
        seed: int = 0,
        coder: str | None = None,
        types: list[str] | None = None,
        doc_ids: Collection[int] | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> Saturation:
        """Draw the held-out documents (once) and report what they brought that the model
        documents did not (``report.holdout_docs``, ``report.model_docs``).

        The documents drawn from: the documents of ``scope`` (a scope query, e.g.
        ``set:NAME``: the set being coded; recorded with the run) and of ``doc_ids`` when
        given, else the documents that are coded (by ``coder``, when given) — never the
        documents nobody will code; with fewer than two coded documents (the hold-out drawn
        before coding, the normal workflow) every document is drawn from, with a warning
        (``report.warnings``). ``types`` narrows either pool (e.g. ``["document"]``).

        The first draw of a (fraction, seed, coder, types, pool) is recorded and reused by
        every later run, so the held-out documents do not change as coding goes on (another
        ``seed`` draws again); its time dates the rules of
        :func:`zhagen.coding.saturation.saturation_report`.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     r = p.reports.saturation(holdout="1/2")
        ...     again = p.reports.saturation(holdout="1/2")
        ...     r.holdout_docs == again.holdout_docs, r.saturated in (True, False, None)
        (True, True)
        """
        from zhagen.coding.saturation import saturation_report
        from zhagen.store import runs

        store = self._docs.store
        codings = self._codings.frame()
        params: dict[str, Any] = {"holdout": str(holdout), "seed": seed, "coder": coder,
                                  "types": types}  # fmt: skip
        if scope is not None:  # kept out when absent: earlier draws stay the same draw
            params["scope"] = scope
        if doc_ids is not None:  # the recorded key of a draw: the pool it was drawn from
            params["doc_ids"] = sorted({int(d) for d in doc_ids})
        in_scope = self._in_scope(scope, actor)
        if in_scope is not None:
            doc_ids = [d for d in (in_scope if doc_ids is None else doc_ids) if d in in_scope]
        earlier = [r for r in runs.run_rows(store, "saturation") if _same(r, params)]
        existing = set(self._docs.ids())
        drawn = _recorded_draw(earlier[0], existing) if earlier else None
        mine = codings if coder is None else codings[codings["coder"] == coder]
        coded = {int(d) for d in mine["document"]}
        if drawn is None:
            drawn = self._draw(holdout, seed, types, doc_ids, coded)
        model, held = drawn
        warnings = self._uncoded_warning(list(held), coded)
        report = saturation_report(
            self._codes.frame(), codings, held, self._relations.frame(),
            drawn_at=earlier[0]["created"] if earlier else None, coder=coder,
        )  # fmt: skip
        report.model_docs = list(model)
        report.warnings = warnings + report.warnings
        summary = {"model_documents": model, "holdout_documents": held,
                   "saturated": report.saturated, "verdict": report.verdict}  # fmt: skip
        runs.record_run(store, "saturation", params, summary)
        return report

    def _draw(
        self,
        holdout: str | float,
        seed: int,
        types: list[str] | None,
        doc_ids: Collection[int] | None,
        coded: set[int],
    ) -> tuple[list[int], list[int]]:
        """A new draw from the pool (see :meth:`saturation`): model and held-out ids."""
        from zhagen.coding.saturation import holdout as draw

        docs = self._docs.ids(types=types)
        if doc_ids is not None:
            wanted = {int(d) for d in doc_ids}
            pool = [d for d in docs if d in wanted]
        else:
            pool = [d for d in docs if d in coded]
            if len(pool) < 2:
                pool = docs
        if len(pool) < 2:
            raise ParameterError(
                f"饱和度检验至少需要 2 篇文档（可抽取的只有 {len(pool)} 篇）",
                f"a saturation test needs at least 2 documents ({len(pool)} to draw from)",
            )
        return draw(pool, holdout, seed)

    @staticmethod
    def _uncoded_warning(held: list[int], coded: set[int]) -> list[tuple[str, str]]:
        """The warning of a hold-out with uncoded documents: given on every run while they
        are uncoded, not only when it is drawn (a re-run reports what the first did)."""
        uncoded = [d for d in held if d not in coded]
        warnings = []
        if uncoded:
            warnings.append((
                f"预留文档是从未编码的文档中抽取的：{len(uncoded)} 份尚未编码；请最后编码它们"
                "（用 zhagen saturation 时保持同样的比例和种子），或只从要编码的文档中抽取",
                f"the hold-out was drawn from uncoded documents: {len(uncoded)} of them are "
                "not coded yet; code them last (run zhagen saturation with the same share and "
                "seed), or draw only from the documents you will code",
            ))  # fmt: skip
        return warnings

    def agreement(
        self, coders: tuple[str, str] | list[str], *, unit: str = "char", scope: str | None = None
    ) -> Agreement:
        """Inter-coder agreement of two coders over the documents either of them coded
        (``scope``: of those, the documents of a scope query).

        The coder ``"AI"`` (:data:`zhagen.suggest.model.AI_CODER`) is the top-1 suggestions
        (of any status: what the source said, whatever was then decided); it is compared
        with the other coder on the documents both covered.
        """
        from zhagen.coding.agreement import agreement
        from zhagen.store import runs
        from zhagen.suggest.model import AI_CODER

        if len(coders) != 2:
            raise ParameterError("请给出两位编码者", "give exactly two coders")
        codings = self._scoped(self._codings.frame(), scope)
        people = [name for name in coders if name != AI_CODER]
        for name in people:
            if not (codings["coder"] == name).any():
                raise ParameterError(
                    f"编码者 {name!r} 没有任何编码；用 zhagen coding list 查看编码者",
                    f"coder {name!r} has no codings; see `zhagen coding list`",
                )
        mine = codings[codings["coder"].isin(people)]
        if len(people) == 1:
            mine = self._with_ai(mine, people[0])
        docs = sorted({int(d) for d in mine["document"]})
        lengths = {d: len(self._docs.text(d)) for d in docs}
        sentences = self._sentences_of(docs) if unit == "sentence" else None
        result = agreement(mine, lengths, tuple(coders), unit=unit, sentences=sentences)
        pooled = result.pooled.iloc[0].to_dict()
        run_params = {"coders": list(coders), "unit": unit}
        if scope is not None:
            run_params["scope"] = scope
        runs.record_run(self._docs.store, "agreement", run_params,
                        {k: _plain(v) for k, v in pooled.items()})  # fmt: skip
        return result

    def _with_ai(self, human: pd.DataFrame, name: str) -> pd.DataFrame:
        """``human``'s codings and the top-1 suggestions as coder "AI", on the documents
        both covered."""
        import pandas as pd

        from zhagen.store import suggestions as qs
        from zhagen.suggest.model import AI_CODER

        spans = qs.top_suggestion_spans(self._docs.store)
        both = sorted({int(d) for d in human["document"]} & {d for d, *_ in spans})
        if not both:
            raise ParameterError(
                f"没有 {name} 与 AI（建议）都涉及的文档；请先运行 zhagen suggest（可加 --coded "
                "为已编码的句子也给出建议）",
                f"no document has both codings by {name} and suggestions (AI); run `zhagen "
                "suggest` first (with --coded to suggest for coded sentences too)",
            )
        tree = self._codes.frame()
        names = dict(zip(tree["id"], tree["name"], strict=True))
        ai = pd.DataFrame(
            [(d, s, e, c, names.get(c, str(c)), AI_CODER) for d, s, e, c in spans if d in both],
            columns=["document", "start", "end", "code", "code_name", "coder"],
        )
        mine = human[human["document"].isin(both)]
        return pd.concat([mine[ai.columns], ai], ignore_index=True)

    def compare(
        self, document: int, coders: tuple[str, str] | list[str], *, unit: str = "char"
    ) -> dict[str, Any]:
        """Two coders' codings of one document side by side, as plain data: each coder's
        codings, the disagreements (per code, the text only one of them coded; see
        :mod:`zhagen.coding.compare`) and, per code, the agreement statistics of
        :func:`zhagen.coding.agreement.agreement` over this document (κ, percent agreement,
        the counts). ``missing`` names a coder without codings here (no statistics then).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     k = project.codings.add(1, 0, 4, "政策支持", coder="乙")
        ...     c = project.reports.compare(1, ("default", "乙"))
        ...     [(d["code_name"], d["coder"]) for d in c["disagreements"]][:1], c["missing"]
        ([('政策支持', '乙')], [])
        """
        from zhagen.coding.agreement import agreement
        from zhagen.coding.compare import disagreements

        a, b = (str(x) for x in coders)
        if len(coders) != 2 or a == b:
            raise ParameterError("请给出两位不同的编码者", "give two different coders")
        doc = int(document)
        length = len(self._docs.text(doc))  # ParameterError for an unknown document
        frame = self._codings.frame(document=doc)
        frame = frame[frame["coder"].isin([a, b])]
        names = {int(c): str(n) for c, n in zip(frame["code"], frame["code_name"], strict=True)}
        cols = ["id", "start", "end", "code", "code_name"]
        mine = {who: [{k: _plain(r[k]) for k in cols} for r in
                      frame[frame["coder"] == who].sort_values(["start", "end"]).to_dict("records")]
                for who in (a, b)}  # fmt: skip
        rows = zip(frame["code"], frame["start"], frame["end"], frame["coder"], strict=True)
        found = disagreements([(int(c), int(s), int(e), str(w)) for c, s, e, w in rows], (a, b))
        missing = [who for who in (a, b) if not mine[who]]
        by_code: list[dict[str, Any]] = []
        if not missing:
            sentences = self._sentences_of([doc]) if unit == "sentence" else None
            result = agreement(frame, {doc: length}, (a, b), unit=unit, sentences=sentences)
            by_code = [
                {k: _plain(v) for k, v in r.items()} for r in result.by_code.to_dict("records")
            ]
        return {
            "document": doc, "coders": [a, b], "unit": unit, "length": length,
            "codings": mine, "missing": missing, "by_code": by_code,
            "disagreements": [{"code": d.code, "code_name": names[d.code], "start": d.start,
                               "end": d.end, "coder": d.coder} for d in found],
        }  # fmt: skip


def _same(row: Any, params: dict[str, Any]) -> bool:
    import json

    return json.loads(row["params"]) == params


def _recorded_draw(row: Any, existing: set[int]) -> tuple[list[int], list[int]] | None:
    """The model and held-out documents a recorded run drew (those still in the project);
    None when it recorded none."""
    import json

    summary = json.loads(row["summary"] or "{}")
    model = [int(d) for d in summary.get("model_documents") or () if int(d) in existing]
    held = [int(d) for d in summary.get("holdout_documents") or () if int(d) in existing]
    return (model, held) if held else None


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
