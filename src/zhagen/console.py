"""Printing DataFrames as a terminal table (CJK-width aware), CSV or JSON (CLI, demo)."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["print_frame", "display_width", "cell"]


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(value: Any, limit: int) -> str:
    """One table cell: lists joined with ';', newlines flattened, cut to ``limit`` columns."""
    if isinstance(value, list | tuple):
        value = ";".join(map(str, value))
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    elif value is None or (isinstance(value, float) and value != value):
        value = ""
    elif isinstance(value, float):
        value = f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    text = str(value).replace("\r", " ").replace("\n", " ")
    if text in {"<NA>", "nan"}:
        text = ""
    if display_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = display_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if value is None or (isinstance(value, float) and value != value):
        return None
    if str(value) == "<NA>":
        return None
    return value


def print_frame(
    df: pd.DataFrame, fmt: str = "table", *, out: TextIO | None = None, limit: int = 28
) -> None:
    """Print a DataFrame as ``table``, ``csv`` or ``json`` (lists stay lists in JSON)."""
    out = out or sys.stdout
    if fmt == "json":
        records = [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        json.dump(records, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    if fmt == "csv":
        import csv

        from zhagen.formats.spreadsheet import safe_row

        writer = csv.writer(out)
        writer.writerow(safe_row(str(c) for c in df.columns))
        for row in df.itertuples(index=False):
            writer.writerow(safe_row(cell(v, 10**9) for v in row))
        return
    cols = list(df.columns)
    rows = [[cell(v, limit) for v in row] for row in df.itertuples(index=False)]
    widths = [
        max([display_width(c)] + [display_width(r[i]) for r in rows]) for i, c in enumerate(cols)
    ]
    out.write("  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")
