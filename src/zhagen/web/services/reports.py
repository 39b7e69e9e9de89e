"""Paper tables, the saturation test, inter-coder agreement, term discovery and REFI-QDA
export.

The numbers come from the project (``project.reports``: tables, saturation, agreement, which
call :mod:`zhagen.report.tables`, :mod:`zhagen.coding.saturation` and
:mod:`zhagen.coding.agreement`; ``project.export_qdpx``); this module only shapes their
outputs for the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web.services import document_or_404, plain, table

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.access import Actor
    from zhagen.project import Project

__all__ = [
    "tables_json",
    "write_tables",
    "saturation_json",
    "agreement_json",
    "compare_json",
    "terms_json",
    "write_frames_xlsx",
    "export_qdpx",
]

ROW_LIMIT = 300


def tables_json(
    p: Project, *, coder: str | None, scope: str | None = None, actor: Actor | None = None
) -> dict[str, Any]:
    """The tables for the page: paper columns first, the first rows of each (``scope``:
    of the codings in those documents, evaluated as ``actor`` may see them)."""
    tables = p.reports.tables(coder=coder, scope=scope, actor=actor)
    out = []
    for name, df in tables.items():
        caption, display = p.reports.layout(name, list(df.columns))
        out.append({"name": name, "caption": caption, "display": display, **table(df, ROW_LIMIT)})
    chain = p.reports.chain(tables) or ""
    return {"tables": out, "chain": chain, "storyline": p.relations.storyline()}


def write_tables(
    p: Project,
    out_dir: Path,
    *,
    coder: str | None,
    trace: bool = False,
    scope: str | None = None,
    actor: Actor | None = None,
) -> dict[str, Path]:
    """``coding_tables.xlsx`` and ``coding_tables.docx`` (with a source column if
    ``trace``) in ``out_dir``, by extension."""
    files = p.reports.write_tables(out_dir, coder=coder, trace=trace, scope=scope, actor=actor)
    return {Path(x).suffix.lstrip("."): Path(x) for x in files}


def saturation_json(report: Any) -> dict[str, Any]:
    from zhagen.web.i18n import OTHER_LANGUAGE_COLUMNS

    return {
        "other_language_columns": {k: list(v) for k, v in OTHER_LANGUAGE_COLUMNS.items()},
        "holdout": [int(d) for d in report.holdout_docs],
        "uncoded_holdout": [int(d) for d in report.uncoded_holdout],
        "saturated": report.saturated,
        "verdict_zh": report.verdict_zh,
        "verdict_en": report.verdict_en,
        "dated_from": report.dated_from,
        "warnings": [{"zh": zh, "en": en} for zh, en in report.warnings],
        "new": table(report.new),
        "counts": table(report.counts),
    }


def agreement_json(result: Any) -> dict[str, Any]:
    return {
        "coders": [result.coder_a, result.coder_b] if hasattr(result, "coder_a") else [],
        "unit": getattr(result, "unit", None),
        "by_code": table(result.by_code),
        "pooled": table(result.pooled),
        "by_code_document": table(result.by_code_document, ROW_LIMIT),
    }


def compare_json(
    p: Project, doc_id: int, coders: tuple[str, str], *, unit: str = "char"
) -> dict[str, Any]:
    """``project.reports.compare`` for the comparison page (NaN statistics as null)."""
    document_or_404(p, doc_id)
    out = p.reports.compare(doc_id, coders, unit=unit)
    out["by_code"] = [{k: plain(v) for k, v in row.items()} for row in out["by_code"]]
    return out


def terms_json(found: pd.DataFrame) -> dict[str, Any]:
    """Candidate terms (``project.terms.discover``) as a table for the page."""
    return table(found, ROW_LIMIT)


def write_frames_xlsx(frames: dict[str, pd.DataFrame], path: Path, lang: str = "zh") -> Path:
    """Several DataFrames as sheets of one workbook (the tables writer), their sheet and
    column names in ``lang`` from the translation table (:mod:`zhagen.web.i18n`)."""
    from zhagen.project import Reports
    from zhagen.web.i18n import OTHER_LANGUAGE_COLUMNS, label

    named = {}
    for sheet, df in frames.items():
        shown = df.drop(columns=[c for c in OTHER_LANGUAGE_COLUMNS[lang] if c in df.columns])
        named[label("sheet.", sheet, lang)] = shown.rename(
            columns={c: label("col.", c, lang) for c in shown.columns}
        )
    return Reports.write_xlsx(named, path)


def export_qdpx(p: Project, path: Path, *, coder: str | None = None) -> Path:
    """The project as a REFI-QDA ``.qdpx`` (``project.export_qdpx``)."""
    p.export_qdpx(path, coder=coder)
    return path
