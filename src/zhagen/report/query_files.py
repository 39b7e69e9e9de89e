"""Files of the queries: the heat map of a matrix (PNG or SVG, Chinese labels), and the
matrix and framework matrix as XLSX workbooks (text cells, wrapped; a definition row says
what a cell counts).

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> heat_map(["政策支持", "企业"], ["政策", "新闻"], [[3, 0], [1, 5]], out / "m.png",
...          title="编码记录数 / codings").suffix
'.png'
>>> write_table_xlsx(out / "m.xlsx", "矩阵", ["编码", "政策"], [["企业", 1]],
...                  note="单元格：编码记录数 / cell: codings").name
'm.xlsx'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["heat_map", "write_table_xlsx", "MAX_HEAT", "XLSX_CELL"]

#: Rows and columns a heat map shows at most (the largest totals; the XLSX has them all).
MAX_HEAT = 40
#: Characters an XLSX cell holds (Excel's limit is 32,767).
XLSX_CELL = 32_000


def _top(labels: Sequence[str], totals: Sequence[float], n: int) -> list[int]:
    keep = sorted(range(len(labels)), key=lambda i: -totals[i])[:n]
    return sorted(keep)


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    path: str | os.PathLike[str],
    *,
    title: str = "",
) -> Path:
    """Draw a matrix as a heat map with each cell's value written in it; at most
    :data:`MAX_HEAT` rows and columns (those with the largest totals, in their order)."""
    import matplotlib
    import numpy as np

    from zhagen.report.drawing import new_figure, no_data, save_figure
    from zhagen.report.fonts import cjk_rc

    r_keep = _top(rows, [sum(v) for v in values], MAX_HEAT)
    c_keep = _top(columns, [sum(v[j] for v in values) for j in range(len(columns))], MAX_HEAT)
    data = np.array([[values[i][j] for j in c_keep] for i in r_keep], dtype=float)
    with matplotlib.rc_context(cjk_rc()):
        w = min(24.0, 2.5 + 0.55 * max(1, len(c_keep)))
        h = min(24.0, 1.8 + 0.35 * max(1, len(r_keep)))
        fig = new_figure(w, h)
        ax = fig.add_axes((0.3, 0.1, 0.6, 0.75))
        if data.size == 0:
            no_data(ax, "没有编码", "no codings")
        else:
            top = float(data.max()) or 1.0
            image = ax.imshow(data, cmap="YlOrRd", aspect="auto", vmin=0, vmax=top)
            ax.set_xticks(range(len(c_keep)), [columns[j] for j in c_keep], rotation=45,
                          ha="right", rotation_mode="anchor")  # fmt: skip
            ax.set_yticks(range(len(r_keep)), [rows[i] for i in r_keep])
            for i in range(data.shape[0]):
                for j in range(data.shape[1]):
                    v = data[i, j]
                    ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=8,
                            color="white" if v > 0.6 * top else "black")  # fmt: skip
            from matplotlib.ticker import MaxNLocator

            bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
            if np.all(data == np.round(data)):  # counts: whole-number ticks
                bar.locator = MaxNLocator(integer=True)
                bar.update_ticks()
        shown = ""
        if len(r_keep) < len(rows) or len(c_keep) < len(columns):
            shown = (f"（显示 {len(r_keep)}/{len(rows)} 行、{len(c_keep)}/{len(columns)} 列 / "
                     f"{len(r_keep)} of {len(rows)} rows, {len(c_keep)} of {len(columns)} columns）")  # fmt: skip
        if title or shown:
            ax.set_title(title + shown, fontsize=10)
        return save_figure(fig, Path(path), dpi=150)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) > XLSX_CELL:
        return value[:XLSX_CELL] + "…（已截断，完整文本见 CSV / cut; see the CSV）"
    return value


def write_table_xlsx(
    path: str | os.PathLike[str],
    sheet: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    note: str = "",
    wrap: bool = False,
) -> Path:
    """One sheet: a bold frozen header, then the rows (text stays text: a cell starting
    with ``=`` is never a formula), then ``note`` (what the cells mean) below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # a code named "=x" is text, never a formula
                cell.data_type = "s"
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if note:
        ws.append([])
        ws.append([note])
    ws.freeze_panes = "B2"
    for idx in range(1, len(header) + 1):
        letter = ws.cell(1, idx).column_letter
        ws.column_dimensions[letter].width = 40 if wrap and idx > 1 else 16
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
