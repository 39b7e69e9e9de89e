"""``tables.xlsx``: the knowledge map's tables in one workbook, ready for a paper.

Sheets, in order:

- ``关键词频次`` — the top-N keywords by frequency, 表1 style: 序号, 关键词, 频次, 中心性,
  首次出现年份 (centrality is betweenness, shown with two decimals as CiteSpace reports it);
- ``中心性`` — the same columns, ranked by betweenness centrality;
- ``聚类`` — clusters: number (``#0``), size, silhouette, LLR / TF-IDF / MI labels, mean
  year, members;
- ``突现`` — bursts, strongest first;
- ``节点`` and ``连线`` — every node and every link, with the column names of the CSV files;
- ``概况`` — the summary (counts, Q, S, parameters).

Headers are bold with a rule below them, the header row is frozen, and column widths follow
the content (a Chinese character counts as two).

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> write_tables_xlsx(tiny_map(), Path(tempfile.mkdtemp()) / "tables.xlsx", top=20).name
'tables.xlsx'
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.formats.network import edge_chunks, plain, plain_nodes
from zhagen.report.map_values import jsonable, members_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["write_tables_xlsx", "write_table1_docx", "table1_rows", "betweenness_note", "SHEETS"]

#: Sheet names, in workbook order.
SHEETS = ["关键词频次", "中心性", "聚类", "突现", "节点", "连线", "概况"]
TABLE1 = ["序号", "关键词", "频次", "中心性", "首次出现年份"]
CLUSTER_HEAD = ["聚类", "规模", "轮廓值", "LLR 标签", "TF-IDF 标签", "MI 标签", "平均年份", "成员"]
BURST_HEAD = ["关键词", "突现强度", "开始年份", "结束年份", "首次出现年份", "最后年份"]
EDGE_HEAD = ["source", "target", "source_label", "target_label", "count", "strength"]
EXCEL_MAX_ROWS = 1_048_576
_FORMATS = {"中心性": "0.00", "betweenness": "0.0000", "strength": "0.0000", "轮廓值": "0.000",
            "平均年份": "0.0", "突现强度": "0.00", "weighted_degree": "0.000", "sigma": "0.000",
            "burst_strength": "0.00", "x": "0.0000", "y": "0.0000"}  # fmt: skip


def write_tables_xlsx(km: KnowledgeMap, path: Path, *, top: int = 20) -> Path:
    """Write the workbook.

    Parameters
    ----------
    km
        The knowledge map.
    path
        Where to write ``tables.xlsx``.
    top
        Rows of the two 表1-style sheets (top keywords by frequency and by centrality).

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook

    nodes = plain_nodes(km)
    wb = Workbook(write_only=True)
    zh, en = betweenness_note(km)
    for name, rows in table1_rows(km, top).items():
        _sheet(wb, name, TABLE1, rows + ([[], [f"注：{zh} / {en}"]] if zh else []))
    _sheet(wb, "聚类", CLUSTER_HEAD, _cluster_rows(km))
    burst_keys = ("term", "strength", "begin", "end", "first_year", "last_year")
    burst_rows = [[plain(b.get(k)) for k in burst_keys] for b in km.bursts.to_dict("records")]
    _sheet(wb, "突现", BURST_HEAD, burst_rows)
    node_cols = list(km.nodes.columns)
    _sheet(wb, "节点", node_cols, [[n.get(c) for c in node_cols] for n in nodes])
    labels = {n["id"]: n["label"] for n in nodes}
    # a sheet holds EXCEL_MAX_ROWS rows: one link more than fit says it was cut
    links = (e for chunk in edge_chunks(km) for e in chunk)
    edge_rows = (
        [s, t, labels.get(s, ""), labels.get(t, ""), c, w]
        for s, t, c, w in islice(links, EXCEL_MAX_ROWS - 1)
    )
    _sheet(wb, "连线", EDGE_HEAD, edge_rows)
    summary = jsonable(km.summary or {})
    _sheet(wb, "概况", ["项目", "值"], [[k, _summary_cell(v)] for k, v in summary.items()])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def table1_rows(km: KnowledgeMap, top: int = 20) -> dict[str, list[list[Any]]]:
    """表1: the top ``top`` keywords by frequency (``关键词频次``) and by betweenness
    centrality (``中心性``), rows of :data:`TABLE1` (序号, 关键词, 频次, 中心性, 首次出现年份).

    >>> from zhagen.examples import tiny_map
    >>> table1_rows(tiny_map(), 2)["关键词频次"][0][:3]
    [1, '科技创新', 5]
    """
    nodes = plain_nodes(km)
    by_freq = sorted(nodes, key=lambda n: (-(n.get("frequency") or 0), n["id"]))
    by_btw = sorted(nodes, key=lambda n: (-(n.get("betweenness") or 0), -(n.get("frequency") or 0)))
    return {
        name: [[i, n["label"], n.get("frequency"), n.get("betweenness"), n.get("first_year")]
               for i, n in enumerate(ranked[:top], 1)]
        for name, ranked in (("关键词频次", by_freq), ("中心性", by_btw))
    }  # fmt: skip


def betweenness_note(km: KnowledgeMap) -> tuple[str, str]:
    """What a table of the map's betweenness says of how it was computed (Chinese,
    English): empty when exact, the pivots and precision when estimated.

    >>> from zhagen.examples import tiny_map
    >>> betweenness_note(tiny_map())
    ('', '')
    """
    note = ((km.summary or {}).get("betweenness") or {}).get("note") or ("", "")
    return str(note[0]), str(note[1])


def write_table1_docx(km: KnowledgeMap, path: Path, *, top: int = 20) -> Path:
    """表1 as three-line tables (三线表) in ``tables.docx``: the top keywords by frequency
    and by centrality (centrality with two decimals, as CiteSpace reports it).

    >>> import tempfile
    >>> from zhagen.examples import tiny_map
    >>> write_table1_docx(tiny_map(), Path(tempfile.mkdtemp()) / "tables.docx").name
    'tables.docx'
    """
    import pandas as pd

    from zhagen.report.docx_tables import write_tables_docx

    frames = {}
    for name, rows in table1_rows(km, top).items():
        df = pd.DataFrame(rows, columns=TABLE1, dtype=object)
        df["中心性"] = ["" if v is None else f"{v:.2f}" for v in df["中心性"]]
        frames[name] = df
    captions = {
        "关键词频次": f"高频关键词（前 {top} 个）",
        "中心性": f"高中心性关键词（前 {top} 个）",
    }
    note = ("注：频次为含该关键词的记录数；中心性为图谱网络（有剪枝时为剪枝后的网络）上的中介中心性"
            "（betweenness），保留两位小数；首次出现年份为含该词的最早记录的年份。")  # fmt: skip
    estimated = betweenness_note(km)[0]
    if estimated:
        note += estimated + "。"
    return write_tables_docx(frames, path, captions=captions, notes={k: note for k in frames})


def _cluster_rows(km: KnowledgeMap) -> list[list[Any]]:
    return [
        [f"#{plain(c.get('id'))}", plain(c.get("size")), plain(c.get("silhouette")),
         plain(c.get("label_llr")), plain(c.get("label_tfidf")), plain(c.get("label_mi")),
         plain(c.get("mean_year")), members_text(km, c.get("members"), sep="；")]
        for c in km.clusters.to_dict("records")
    ]  # fmt: skip


def _summary_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _sheet(wb: Any, name: str, header: list[str], rows: Iterable[list[Any]]) -> Worksheet:
    """Add a sheet with a bold, ruled, frozen header; size the columns to their content.

    The workbook is write-only: each row goes to the file as it is appended, so a sheet of
    a million links is never held as cells in memory. Widths come from the first 2 000
    rows, read ahead before the rest is streamed.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    rows = iter(rows)
    sample = list(islice(rows, 2000))
    for idx, title in enumerate(header, 1):
        column = [r[idx - 1] for r in sample if idx - 1 < len(r)]
        width = max([_display_width(title)] + [_display_width(v) for v in column])
        ws.column_dimensions[get_column_letter(idx)].width = min(60, max(6, width + 2))
    ws.freeze_panes = "A2"
    rule = Side(style="thin", color="000000")
    head = []
    for title in header:
        cell = WriteOnlyCell(ws, title)
        cell.font = Font(bold=True)
        cell.border = Border(top=Side(style="medium", color="000000"), bottom=rule)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        head.append(cell)
    ws.append(head)
    formats = {i: _FORMATS[t] for i, t in enumerate(header) if t in _FORMATS}
    room = EXCEL_MAX_ROWS - 2
    for n, row in enumerate(chain(sample, rows)):
        if n == room:
            ws.append([f"（仅前 {room} 行，完整数据见 CSV / truncated; see the CSV file）"])
            break
        ws.append([_cell(ws, i, _cell_value(v), formats) for i, v in enumerate(row)])
    return ws


def _cell(ws: Any, index: int, value: Any, formats: dict[int, str]) -> Any:
    """``value`` as written: a styled cell for a formatted float or text that looks like a
    formula (a keyword such as "=x" is text, never a formula), else the value itself."""
    if isinstance(value, float) and index in formats:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value)
        cell.number_format = formats[index]
        return cell
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value
