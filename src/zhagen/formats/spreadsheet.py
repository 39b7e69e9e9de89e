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
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMULA_START",
    "safe_cell",
    "safe_row",
    "safe_frame",
    "write_csv",
    "csv_column",
    "write_columns_csv",
]

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


class _Unsure(Exception):
    """A column whose CSV text pandas would write in a way :func:`csv_column` does not
    reproduce (the caller writes it through pandas)."""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def csv_column(values: Any, *, nullable: bool = False, whole: bool = False) -> list[Any]:
    """A column's cells as :func:`write_csv` writes the DataFrame pandas makes of them:
    plain Python values that :func:`write_columns_csv` formats (``None`` an empty cell,
    a float as ``repr``, text through :func:`safe_cell`).

    ``values`` is a numpy array, a list or a range, as given to ``pd.DataFrame``: a list of
    whole numbers with a ``None`` is a float column (``2.0``), as pandas infers it.
    ``nullable``: the column is pandas' ``Int64`` (whole numbers or ``None``). ``whole``:
    the column is one that ``tidy_table`` writes as whole numbers when every value is one.

    Raises ``_Unsure`` for a column outside these rules (booleans with gaps, text that may
    read as numbers in a whole-number column, infinities there).

    >>> csv_column([2020, None]), csv_column([2020, None], whole=True), csv_column([1, 2.5])
    ([2020.0, None], [2020, None], [1.0, 2.5])
    >>> import numpy as np
    >>> csv_column(np.array([3.0, float("nan")]), whole=True), csv_column(range(2))
    ([3, None], [0, 1])
    """
    if hasattr(values, "dtype"):
        kind = values.dtype.kind
        out = values.tolist()
        if kind in "iu":
            return out
        if kind == "f":
            return _whole(out) if whole else [None if v != v else v for v in out]
        if kind == "U" and not whole:
            return out
        if kind != "O":
            raise _Unsure
    else:
        out = list(values)
    if nullable:
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in out):
            raise _Unsure
        return out
    present = [v for v in out if not _missing(v)]
    if not present:
        return [None] * len(out)
    if all(_number(v) for v in present):
        if len(present) == len(out) and all(isinstance(v, int) for v in present):
            return out  # an int64 column
        floats = [None if _missing(v) else float(v) for v in out]  # a float64 column
        return _whole(floats) if whole else floats
    if whole:
        raise _Unsure  # pandas.to_numeric may turn text such as "12" into a number
    if all(isinstance(v, bool) for v in present) and len(present) < len(out):
        raise _Unsure
    return [None if _missing(v) else v for v in out]


def _whole(floats: list[float | None]) -> list[Any]:
    """``tidy_table``'s rule: a float column whose values are all whole is written as
    whole numbers (``2024``, not ``2024.0``)."""
    present = [v for v in floats if v is not None and v == v]
    if any(v in (float("inf"), float("-inf")) for v in present):
        raise _Unsure
    if all(v == round(v) for v in present):
        return [None if v is None or v != v else int(v) for v in floats]
    return [None if v is None or v != v else v for v in floats]


def _csv_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, float):
        return repr(value)
    return value  # int, bool, a list in a mixed column: csv writes str(value)


def write_columns_csv(
    columns: Mapping[str, Any],
    path: str | Path,
    *,
    crlf: bool = False,
    nullable: Collection[str] = (),
    whole: Collection[str] = (),
) -> Path | None:
    """Write plain columns as CSV, byte for byte what :func:`write_csv` writes of the
    DataFrame pandas makes of them (with ``nullable`` columns as ``Int64`` and ``whole``
    columns tidied, see :func:`csv_column`), without importing pandas. None (nothing
    written) when a column falls outside those rules: write it with :func:`write_csv`.

    >>> import tempfile, os
    >>> out = write_columns_csv({"k": ["=1", "b"], "n": [1.5, None]},
    ...                         os.path.join(tempfile.mkdtemp(), "k.csv"))
    >>> out.read_text(encoding="utf-8-sig").splitlines()
    ['k,n', "'=1,1.5", 'b,']
    """
    import csv

    try:
        cells = [
            [_csv_text(v) for v in csv_column(values, nullable=k in nullable, whole=k in whole)]
            for k, values in columns.items()
        ]
    except _Unsure:
        return None
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(safe_row(str(c) for c in columns))
        writer.writerows(zip(*cells, strict=True))
    return path
