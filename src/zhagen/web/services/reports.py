"""Paper tables, the saturation test, inter-coder agreement and REFI-QDA export.

The numbers come from :mod:`zhagen.report.tables`, :mod:`zhagen.coding.saturation` and
:mod:`zhagen.coding.agreement`; this module only gathers their inputs from the project
(codes, codings, relations, sentences, document lengths) and shapes their outputs. Where
the project gains a one-call method for any of these (``Project.coding_tables``,
``Project.saturation``, ``Project.agreement``, ``Project.export_qdpx``) it is used first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web.errors import WebError
from zhagen.web.services import table

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.project import Project

__all__ = [
    "coding_tables",
    "tables_json",
    "write_tables",
    "saturation",
    "saturation_json",
    "agreement",
    "agreement_json",
    "write_frames_xlsx",
    "export_qdpx",
]

ROW_LIMIT = 300


def _coded_sentences(p: Project, codings: pd.DataFrame) -> dict[int, pd.DataFrame]:
    return {int(d): p.sentences(int(d)) for d in sorted(set(codings["document"]))}


def coding_tables(p: Project, *, coder: str | None) -> dict[str, pd.DataFrame]:
    """The four paper tables (``zhagen.report.tables.coding_tables``)."""
    own = getattr(p, "coding_tables", None)
    if callable(own):
        return own(coder=coder)
    from zhagen.report.tables import coding_tables as build

    codings = p.codings(coder=coder)
    relations = p.relations()
    return build(
        p.codes(coder=coder),
        codings,
        relations if len(relations) else None,
        sentences=_coded_sentences(p, codings),
    )


def tables_json(p: Project, *, coder: str | None) -> dict[str, Any]:
    """The tables for the page: paper columns first, the first rows of each."""
    from zhagen.report.tables import CAPTIONS, DISPLAY, counts_chain

    tables = coding_tables(p, coder=coder)
    out = []
    for name, df in tables.items():
        out.append(
            {
                "name": name,
                "caption": CAPTIONS.get(name, name),
                "display": DISPLAY.get(name, list(df.columns)),
                **table(df, ROW_LIMIT),
            }
        )
    chain = counts_chain(tables["编码数量"]) if "编码数量" in tables else ""
    return {"tables": out, "chain": chain, "storyline": p.storyline()}


def write_tables(p: Project, out_dir: Path, *, coder: str | None) -> dict[str, Path]:
    """``coding_tables.xlsx`` and ``coding_tables.docx`` in ``out_dir``, by extension."""
    from zhagen.report.tables import write_tables as write

    paths = write(coding_tables(p, coder=coder), out_dir, storyline=p.storyline() or None)
    return {path.suffix.lstrip("."): Path(path) for path in paths}


def saturation(p: Project, *, fraction: str, seed: int, coder: str | None) -> Any:
    """The saturation report for a holdout drawn by ``fraction`` and ``seed``."""
    own = getattr(p, "saturation", None)
    if callable(own):
        return own(fraction=fraction, seed=seed, coder=coder)
    from zhagen.coding.saturation import holdout, saturation_report

    ids = [int(i) for i in p.documents()["id"]]
    _model, held = holdout(ids, fraction, seed=seed)
    return saturation_report(
        p.codes(), p.codings(coder=coder), held, p.relations(), coder=coder
    )


def saturation_json(report: Any) -> dict[str, Any]:
    return {
        "holdout": [int(d) for d in report.holdout_docs],
        "uncoded_holdout": [int(d) for d in report.uncoded_holdout],
        "saturated": report.saturated,
        "verdict_zh": report.verdict_zh,
        "verdict_en": report.verdict_en,
        "new": table(report.new),
        "counts": table(report.counts),
    }


def agreement(p: Project, *, a: str, b: str, unit: str, scope: str) -> Any:
    """Agreement of coders ``a`` and ``b`` over the documents in ``scope``.

    ``scope`` is ``"both"`` (documents both coders coded: the usual design, where both code
    the same sample) or ``"either"`` (every document either coded).
    """
    own = getattr(p, "agreement", None)
    if callable(own):
        return own(a, b, unit=unit, scope=scope)
    from zhagen.coding.agreement import agreement as compute

    codings = p.codings()
    codings = codings[codings["coder"].isin([a, b])]
    docs_a = set(codings.loc[codings["coder"] == a, "document"])
    docs_b = set(codings.loc[codings["coder"] == b, "document"])
    docs = sorted(docs_a & docs_b if scope == "both" else docs_a | docs_b)
    if not docs:
        raise WebError(
            400,
            "parameter",
            f"编码员「{a}」和「{b}」没有共同编码过的文档",
            f"coders '{a}' and '{b}' have no coded document in common",
        )
    lengths = {int(d): len(p.text(int(d))) for d in docs}
    sentences = {int(d): p.sentences(int(d)) for d in docs} if unit == "sentence" else None
    return compute(codings, lengths, (a, b), unit=unit, sentences=sentences)


def agreement_json(result: Any) -> dict[str, Any]:
    return {
        "coders": [result.coder_a, result.coder_b] if hasattr(result, "coder_a") else [],
        "unit": getattr(result, "unit", None),
        "by_code": table(result.by_code),
        "pooled": table(result.pooled),
        "by_code_document": table(result.by_code_document, ROW_LIMIT),
    }


def write_frames_xlsx(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """Several DataFrames as sheets of one workbook (the tables writer)."""
    from zhagen.report.tables import write_tables_xlsx

    return Path(write_tables_xlsx(frames, path))


def export_qdpx(p: Project, path: Path) -> Path:
    """The project as a REFI-QDA ``.qdpx`` (when the library can write one)."""
    own = getattr(p, "export_qdpx", None)
    if not callable(own):
        try:
            from zhagen import qda  # type: ignore[attr-defined]
        except ImportError:
            qda = None
        own_fn = getattr(qda, "export_qdpx", None) if qda is not None else None
        if own_fn is None:
            raise WebError(
                501,
                "not_implemented",
                "本版本尚不能导出 REFI-QDA 项目（.qdpx）",
                "this version cannot export a REFI-QDA project (.qdpx) yet",
            )
        own_fn(p, path)
        return path
    own(path)
    return path
