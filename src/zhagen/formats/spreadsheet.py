"""Text cells that a spreadsheet opens as text: neutralising formula-leading cells.

A CSV (or tab-separated) file zhagen writes may be opened in Excel, LibreOffice or WPS,
which evaluate a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading TAB or CR can hide such a start). A keyword taken from a hostile export, such as
``=cmd|'/c calc'!A0``, would then run on the reader's machine. Following OWASP's advice
("CSV injection") every such text cell is written with a leading apostrophe, which the
spreadsheet shows as text and does not evaluate. Plain numbers (``-0.5``, ``+3``,
``-1e-3``) stay as they are: they are data, not formulas. Non-text values (ints, floats,
None) are never changed. XLSX files need none of this: their cells are typed as text.

Every CSV writer in zhagen goes through :func:`safe_cell` (one value), :func:`safe_row` or
:func:`safe_frame` (a DataFrame copy), so the rule lives here only.

>>> safe_cell("=cmd|'/c calc'!a0")
"'=cmd|'/c calc'!a0"
>>> safe_cell("+1+1"), safe_cell("@sum(1)"), safe_cell("-1.5"), safe_cell("新质生产力")
("'+1+1", "'@sum(1)", '-1.5', '新质生产力')
>>> safe_cell(-2), safe_cell(None)
(-2, None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_START", "safe_cell", "safe_row", "safe_frame", "write_csv"]

#: First characters a spreadsheet may treat as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet reads it as text: a text cell starting with one of
    :data:`FORMULA_START` gets a leading ``'``, unless it is a plain number.

    >>> safe_cell("\\t=1"), safe_cell("-"), safe_cell("1e5")
    ("'\\t=1", "'-", '1e5')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell`.

    >>> safe_row(["=1+1", 3, "甲"])
    ["'=1+1", 3, '甲']
    """
    return [safe_cell(v) for v in values]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are safe to open as CSV.

    >>> import pandas as pd
    >>> safe_frame(pd.DataFrame({"label": ["=A1", "b"], "n": [-1, 2]})).values.tolist()
    [["'=A1", -1], ['b', 2]]
    """
    out = df.copy()
    out.columns = safe_row(str(c) for c in out.columns)
    for col in out.columns:
        values = out[col]
        if str(values.dtype) in ("string", "str"):
            # a text column: only the cells that start like a formula go through safe_cell
            # (one vectorised test per column; a million labels took seconds cell by cell)
            hit = values.str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
            if hit.any():
                out.loc[hit, col] = values[hit].map(safe_cell)
        elif values.dtype == object:  # mixed cells: map, as its inferred dtype writes them
            out[col] = values.map(safe_cell)
    return out


def write_csv(df: pd.DataFrame, path: str | Path, *, crlf: bool = False) -> Path:
    """Write ``df`` as CSV for spreadsheets: UTF-8 with BOM (Excel then reads Chinese
    correctly), no index, formula-leading text cells neutralised (:func:`safe_frame`).

    >>> import pandas as pd, tempfile, os
    >>> out = write_csv(pd.DataFrame({"k": ["+1+1"]}), os.path.join(tempfile.mkdtemp(), "k.csv"))
    >>> out.read_text(encoding="utf-8-sig").splitlines()
    ['k', "'+1+1"]
    """
    path = Path(path)
    safe_frame(df).to_csv(
        path, index=False, encoding="utf-8-sig", lineterminator="\r\n" if crlf else "\n"
    )
    return path
