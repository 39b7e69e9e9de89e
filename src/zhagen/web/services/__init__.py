"""The service boundary between the routes and the library.

Each function takes an open :class:`zhagen.Project` (and plain arguments), makes the
library call(s) and turns the result into JSON-ready data. No analysis happens here: the
statistics, tables and maps come from ``zhagen.coding``, ``zhagen.report`` and
``zhagen.mapping``; this layer only gathers their inputs and shapes their outputs.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.web.errors import WebError

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.project import Project

__all__ = ["records", "table", "plain", "not_found", "code_row", "document_or_404"]


def plain(value: Any) -> Any:
    """A JSON-ready value: numpy scalars → Python, NaN / NA → None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def records(df: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (all columns, or ``columns``)."""
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    if df.empty:
        return []
    text = df.to_json(orient="records", force_ascii=False, date_format="iso")
    return json.loads(text)


def table(df: pd.DataFrame, limit: int | None = None) -> dict[str, Any]:
    """A DataFrame as ``{"columns": [...], "rows": [[...]], "total": n}`` (first ``limit``)."""
    total = len(df)
    if limit is not None:
        df = df.head(limit)
    cols = [str(c) for c in df.columns]
    rows = json.loads(df.to_json(orient="values", force_ascii=False, date_format="iso"))
    return {"columns": cols, "rows": rows, "total": total}


def not_found(what_zh: str, what_en: str, ident: Any) -> WebError:
    return WebError(
        404, "not_found", f"没有编号为 {ident} 的{what_zh}", f"no {what_en} with id {ident}"
    )


def document_or_404(p: Project, doc_id: int) -> dict[str, Any]:
    """A document's fields, or a 404 WebError."""
    try:
        return p.documents.get(doc_id)
    except ParameterError:
        raise not_found("文档", "document", doc_id) from None


def code_row(p: Project, code_id: int) -> dict[str, Any]:
    """A code's fields (``project.codes.get``), or a 404 WebError."""
    try:
        return p.codes.get(int(code_id))
    except ParameterError:
        raise not_found("编码", "code", code_id) from None
