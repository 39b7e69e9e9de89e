"""``project.reports``: paper tables, saturation and agreement for :class:`zhagen.Project`.

Thin glue: each method gathers the project's DataFrames and calls one pure function of
:mod:`zhagen.report.tables`, :mod:`zhagen.coding.saturation` or
:mod:`zhagen.coding.agreement`; saturation and agreement runs are recorded in the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

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

    def _scoped(self, codings: pd.DataFrame, scope: str | None) -> pd.DataFrame:
        """The codings in the documents of ``scope`` (None: all)."""
        from zhagen.store.scope import ids_of

        ids = ids_of(self._docs.store, scope)
        if ids is None:
            return codings
        return codings[codings["document"].isin(list(ids))]

    def tables(
        self, *, coder: str | None = None, scope: str | None = None
    ) -> dict[str, pd.DataFrame]:
        """The paper tables (open coding, axial, relations, counts per level) as DataFrames
        (``scope``: of the codings in those documents only)."""
        from zhagen.report.tables import coding_tables

        codings = self._scoped(self._codings.frame(coder=coder), scope)
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
    ) -> WrittenTables:
        """Compute the tables once and write ``coding_tables.xlsx`` and
        ``coding_tables.docx`` (三线表) into ``out_dir``."""
        from zhagen.report.table_files import write_tables

        tables = self.tables(coder=coder, scope=scope)
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
    ) -> list[Path]:
        """The files :meth:`write` writes (``coding_tables.xlsx``, ``coding_tables.docx``)."""
        return self.write(out_dir, coder=coder, trace=trace, scope=scope).files

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
        scope: str | None = None,
    ) -> Saturation:
        """Draw (or re-draw: same fraction and seed give the same split) the held-out
        documents and report what they brought that the other documents did not
        (``report.holdout_docs`` are the documents held out).

        The first draw of a (fraction, seed) is recorded; its time is used so that codes
        created after it count as new. ``types`` limits the documents drawn from (e.g.
        ``["document"]`` for raw documents only); ``scope`` to the documents of a scope
        query (``set:NAME``: the set being coded), recorded with the run.
        """
        from zhagen.coding.saturation import holdout as draw
        from zhagen.coding.saturation import saturation_report
        from zhagen.store import runs
        from zhagen.store.scope import ids_of

        store = self._docs.store
        docs = self._docs.ids(types=types)
        in_scope = ids_of(store, scope)
        if in_scope is not None:
            docs = [d for d in docs if d in in_scope]
        if len(docs) < 2:
            raise ParameterError(
                "饱和度检验至少需要 2 篇文档", "a saturation test needs at least 2 documents"
            )
        model, held = draw(docs, holdout, seed)
        params = {"holdout": str(holdout), "seed": seed, "coder": coder, "types": types}
        if scope is not None:  # kept out when absent: earlier draws stay the same draw
            params["scope"] = scope
        earlier = [r for r in runs.run_rows(store, "saturation") if _same(r, params)]
        drawn_at = earlier[0]["created"] if earlier else None
        report = saturation_report(
            self._codes.frame(), self._codings.frame(), held, self._relations.frame(),
            drawn_at=drawn_at, coder=coder,
        )  # fmt: skip
        summary = {"model_documents": model, "holdout_documents": held,
                   "saturated": report.saturated, "verdict": report.verdict}  # fmt: skip
        runs.record_run(store, "saturation", params, summary)
        return report

    def agreement(
        self, coders: tuple[str, str] | list[str], *, unit: str = "char", scope: str | None = None
    ) -> Agreement:
        """Inter-coder agreement of two coders over the documents either of them coded
        (``scope``: of those, the documents of a scope query)."""
        from zhagen.coding.agreement import agreement
        from zhagen.store import runs

        if len(coders) != 2:
            raise ParameterError("请给出两位编码者", "give exactly two coders")
        codings = self._scoped(self._codings.frame(), scope)
        for name in coders:
            if not (codings["coder"] == name).any():
                raise ParameterError(
                    f"编码者 {name!r} 没有任何编码；用 zhagen coding list 查看编码者",
                    f"coder {name!r} has no codings; see `zhagen coding list`",
                )
        mine = codings[codings["coder"].isin(list(coders))]
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


def _same(row: Any, params: dict[str, Any]) -> bool:
    import json

    return json.loads(row["params"]) == params


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
