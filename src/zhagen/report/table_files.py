"""The paper tables as files: ``coding_tables.xlsx`` (every column, traceable to the source
sentences) and ``coding_tables.docx`` (三线表), written together.

Its own module because it joins :mod:`zhagen.report.tables` (the tables and the XLSX) and
:mod:`zhagen.report.docx_tables` (the DOCX, which takes its captions from the first), so that
neither of those imports the other's caller.

>>> import tempfile
>>> from zhagen.examples import tiny_project
>>> from zhagen.report.tables import coding_tables
>>> with tiny_project() as project:
...     tables = project.reports.tables()
>>> [p.name for p in write_tables(tables, tempfile.mkdtemp())]
['coding_tables.xlsx', 'coding_tables.docx']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from zhagen.report.docx_tables import write_tables_docx
from zhagen.report.tables import write_tables_xlsx

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_tables"]


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    storyline: str | None = None,
    trace: bool = False,
) -> list[Path]:
    """Write ``coding_tables.xlsx`` (every column) and ``coding_tables.docx`` (三线表).

    Parameters
    ----------
    tables
        Name → DataFrame, e.g. :func:`coding_tables`; names in :data:`TABLES` get their
        caption and paper columns, others are written whole with their name as caption.
    out_dir
        The folder (created if missing).
    storyline
        The 故事线, printed after the tables in the DOCX.
    trace
        Add a 来源 column (``文档:起–止``) to the DOCX tables; by default the DOCX shows the
        paper columns and a note points to the XLSX.

    Returns
    -------
    list of Path
        ``[xlsx, docx]``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = write_tables_xlsx(tables, out / "coding_tables.xlsx")
    docx = write_tables_docx(tables, out / "coding_tables.docx", storyline=storyline, trace=trace)
    return [xlsx, docx]
