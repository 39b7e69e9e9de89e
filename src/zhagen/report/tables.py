"""The grounded-theory paper tables, as DataFrames and as ``coding_tables.xlsx`` / ``.docx``.

Four tables, as Chinese grounded-theory papers print them (e.g. seed 002, 表3–表4):

- 开放式编码 — 表1 开放式编码结果: 原始语句 | 初始概念 | 初始范畴; traced by 文档, 起, 止,
  编码者, 编码ID;
- 主轴编码 — 表2 主轴编码结果: 主范畴 | 副范畴 | 内涵; traced by 主范畴ID, 副范畴ID,
  参考点 (codings), 文档数;
- 典型关系结构 — 表3 主范畴的典型关系结构: 典型关系结构 | 关系内涵 | 代表性语句; traced by
  关系类型, 关系ID, 文档, 起, 止, 共现语句数;
- 编码数量 — 表4 各级编码数量: 层级 | 数量 (英文), and the chain "554 → 33 → 19 → 6 → 1".

Every function takes plain DataFrames (``Project.codes()``, ``Project.codings()``,
``Project.relations()``, ``Project.sentences(doc)``) and returns a DataFrame; offsets are
code points, ``end`` exclusive. The XLSX keeps every column, so every row leads back to its
document and offsets; the DOCX (三线表, see :mod:`zhagen.report.docx_tables`) shows the
paper columns and says where the trace is.

Garbled sentences (``garbled`` in ``Project.sentences(doc)``: mojibake that cannot be
restored, reported at import) are never printed as a statement: codings that overlap one
are left out of 表1 and such sentences are not 代表性语句 in 表3. The codings stay in the
project and in the counts (表2 参考点, 表4): the researcher coded them; only the garbled
text is kept out of the paper (the import's problem report says where to repair it).

>>> import pandas as pd
>>> codes = pd.DataFrame({"id": [1, 2], "name": ["政策环境", "财政补贴"], "parent": [None, 1],
...                       "level": [2, 1], "description": ["", ""]})
>>> codings = pd.DataFrame({"document": [3], "start": [0], "end": [6], "code": [2],
...                         "coder": ["甲"], "text": ["政府给予补贴。"]})
>>> open_coding_table(codes, codings).iloc[0, :3].tolist()
['政府给予补贴。', '财政补贴', '政策环境']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.coding.levels import LEVELS, as_level
from zhagen.coding.saturation import code_subtrees
from zhagen.params import param, scope_param

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "TablesParams",
    "TABLES",
    "CAPTIONS",
    "DISPLAY",
    "open_coding_table",
    "axial_table",
    "relation_table",
    "level_counts",
    "counts_chain",
    "coding_tables",
    "garbled_codings",
    "write_tables_xlsx",
]


@dataclass
class TablesParams:
    """The options of the paper coding tables (``zhagen tables``), declared once (see
    :mod:`zhagen.params`).

    >>> TablesParams(trace=True)
    TablesParams(coder=None, trace=True, scope=None)
    """

    coder: str | None = param(None, "str", "编码者", "coder", optional=True,
                              help_zh="只用这位编码者的编码", help_en="one coder's codings")  # fmt: skip
    trace: bool = param(False, "bool", "来源列", "source column",
                        help_zh="DOCX 中加来源列", help_en="a source column in the DOCX")  # fmt: skip
    scope: str | None = scope_param()


#: Table keys (sheet names), in paper order.
TABLES = ("开放式编码", "主轴编码", "典型关系结构", "编码数量")
#: Captions above each table.
CAPTIONS = {
    "开放式编码": "开放式编码结果",
    "主轴编码": "主轴编码结果",
    "典型关系结构": "主范畴的典型关系结构",
    "编码数量": "各级编码数量",
}
#: Columns a paper shows; the rest of each DataFrame traces rows to their sources.
DISPLAY = {
    "开放式编码": ["原始语句", "初始概念", "初始范畴"],
    "主轴编码": ["主范畴", "副范畴", "内涵"],
    "典型关系结构": ["典型关系结构", "关系内涵", "代表性语句"],
    "编码数量": ["层级", "数量"],
}
OPEN_COLUMNS = DISPLAY["开放式编码"] + ["文档", "起", "止", "编码者", "编码ID"]
AXIAL_COLUMNS = DISPLAY["主轴编码"] + ["主范畴ID", "副范畴ID", "参考点", "文档数"]
RELATION_COLUMNS = DISPLAY["典型关系结构"] + [
    "关系类型",
    "关系ID",
    "文档",
    "起",
    "止",
    "共现语句数",
]
COUNT_COLUMNS = ["层级", "数量", "英文"]
_WS = re.compile(r"\s+")


# -- the code tree ---------------------------------------------------------------------------
def _tree(codes: pd.DataFrame) -> tuple[dict[Any, Any], dict[Any, int], dict[Any, str], dict]:
    """parent, level, name and tree position (row order of ``codes``) per code id."""
    import pandas as pd

    ids = codes["id"].tolist()
    parent = {c: (None if pd.isna(p) else p) for c, p in zip(ids, codes["parent"], strict=True)}
    level = {c: as_level(v) for c, v in zip(ids, codes["level"], strict=True)}
    name = {c: str(v) for c, v in zip(ids, codes["name"], strict=True)}
    order = {c: i for i, c in enumerate(ids)}
    return parent, level, name, order


def _ancestor(code: Any, level: int, parent: Mapping, levels: Mapping) -> Any:
    """The code itself or its nearest ancestor at ``level`` (None if there is none)."""
    seen = set()
    while code is not None and code not in seen:
        if levels.get(code) == level:
            return code
        seen.add(code)
        code = parent.get(code)
    return None


def _describe(codes: pd.DataFrame) -> dict[Any, str]:
    import pandas as pd

    if "description" not in codes.columns:
        return {}
    return {
        c: ("" if pd.isna(d) else str(d).strip())
        for c, d in zip(codes["id"], codes["description"], strict=True)
    }


def _clean(text: Any) -> str:
    """One line: runs of whitespace (PDF line breaks, tabs) become one space."""
    return _WS.sub(" ", str(text)).strip() if isinstance(text, str) else ""


# -- 表1 open coding ---------------------------------------------------------------------------
def open_coding_table(
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    coder: str | None = None,
    per_concept: int | None = None,
) -> pd.DataFrame:
    """原始语句 | 初始概念 | 初始范畴, one row per coding of a concept or initial category.

    A coding of a concept (level 1) shows the concept and its nearest initial category
    (level 2) above it ('' when the tree skips level 2); a coding made directly at an
    initial category shows '' as concept. Codings at main or core categories are not
    open coding and are left out. The same span coded at the same code by several coders
    is one row (unless ``coder=`` picks one coder).

    Parameters
    ----------
    codes
        ``id, name, parent, level`` in tree order (``Project.codes()``).
    codings
        ``document, start, end, code, text`` (``coder``, ``id`` kept when present).
    coder
        Only this coder's codings.
    per_concept
        Keep the first N statements per concept (a paper prints examples, not all 554).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OPEN_COLUMNS`: the three paper columns, then 文档, 起, 止, 编码者,
        编码ID; in tree order of the codes (a category before its concepts, so each
        category's rows are together), then by document and offset.
    """
    import pandas as pd

    parent, level, name, order = _tree(codes)
    df = codings[codings["code"].map(level).isin([1, 2])]
    if coder is not None:
        df = df[df["coder"] == coder]
    df = df.drop_duplicates(["document", "start", "end", "code"])
    rows = []
    for r in df.to_dict("records"):
        code = r["code"]
        cat = _ancestor(code, 2, parent, level)
        rows.append(
            {
                "原始语句": _clean(r.get("text")),
                "初始概念": name[code] if level[code] == 1 else "",
                "初始范畴": name[cat] if cat is not None else "",
                "文档": r["document"],
                "起": int(r["start"]),
                "止": int(r["end"]),
                "编码者": r.get("coder", ""),
                "编码ID": r.get("id"),
                "_key": (order[code], str(r["document"]), int(r["start"])),
            }
        )
    rows.sort(key=lambda row: row["_key"])
    out = pd.DataFrame(rows, columns=OPEN_COLUMNS + ["_key"]).drop(columns="_key")
    if per_concept is not None:
        out = out.groupby(["初始范畴", "初始概念"], sort=False).head(per_concept)
    return out.reset_index(drop=True)


# -- 表2 axial coding --------------------------------------------------------------------------
def axial_table(codes: pd.DataFrame, codings: pd.DataFrame | None = None) -> pd.DataFrame:
    """主范畴 | 副范畴 | 内涵: each main category with its initial categories and their meaning.

    The 副范畴 of a main category (level 3) are the initial categories (level 2) below it;
    when there are none, its concepts (level 1); when it has no codes below it, one row
    with an empty 副范畴 and the main category's own description. 内涵 is the
    sub-category's description.

    Parameters
    ----------
    codes
        ``id, name, parent, level, description`` in tree order.
    codings
        When given, 参考点 (codings in the sub-category and below) and 文档数 (documents).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AXIAL_COLUMNS`.
    """
    import pandas as pd

    parent, level, name, order = _tree(codes)
    desc = _describe(codes)
    subtree = code_subtrees(codes)
    refs, docs = _references(subtree, codings)
    rows = []
    for main in (c for c in order if level[c] == 3):
        below = sorted(subtree[main] - {main}, key=order.__getitem__)
        subs = [c for c in below if level[c] == 2] or [c for c in below if level[c] == 1]
        for sub in subs or [None]:
            key = sub if sub is not None else main
            rows.append(
                [name[main], name[sub] if sub is not None else "", desc.get(key, ""), main, sub,
                 refs.get(key, 0), docs.get(key, 0)]
            )  # fmt: skip
    out = pd.DataFrame(rows, columns=AXIAL_COLUMNS)
    out["副范畴ID"] = out["副范畴ID"].astype("object")
    if codings is None:
        out = out.drop(columns=["参考点", "文档数"])
    return out


def _references(
    subtree: Mapping[Any, set[Any]], codings: pd.DataFrame | None
) -> tuple[dict[Any, int], dict[Any, int]]:
    if codings is None:
        return {}, {}
    by_code = codings.groupby("code")["document"].agg(list).to_dict()
    refs, docs = {}, {}
    for code, members in subtree.items():
        found = [d for m in members for d in by_code.get(m, ())]
        refs[code], docs[code] = len(found), len(set(found))
    return refs, docs


# -- 表3 relations -----------------------------------------------------------------------------
def relation_table(
    codes: pd.DataFrame,
    relations: pd.DataFrame,
    codings: pd.DataFrame | None = None,
    sentences: Mapping[Any, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """典型关系结构 | 关系内涵 | 代表性语句, one row per relation.

    典型关系结构 is ``source → target``; 关系内涵 the relation's description (its type when
    the description is empty). 代表性语句 is the first sentence (by document, offset) coded
    both with the source code (or a code below it) and with the target code (or below):
    a sentence counts for a code when one of its codings overlaps it. Without
    ``sentences`` the first pair of overlapping codings stands in (the source coding's
    text). '' when nothing was coded with both; 共现语句数 counts the candidates.

    Parameters
    ----------
    codes
        ``id, name, parent, level``.
    relations
        ``id, source, target, type, description`` (``Project.relations()``).
    codings
        ``document, start, end, code, text``.
    sentences
        Document → ``Project.sentences(doc)`` (``start, end, text``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RELATION_COLUMNS`.
    """
    import pandas as pd

    _parent, _level, name, _order = _tree(codes)
    subtree = code_subtrees(codes)
    rows = []
    for r in relations.to_dict("records"):
        src, tgt = r["source"], r["target"]
        meaning = _clean(r.get("description")) or _clean(r.get("type"))
        quote: tuple[str, Any, Any, Any] = ("", None, None, None)
        n = 0
        if codings is not None:
            hits = _co_coded(codings, subtree.get(src, {src}), subtree.get(tgt, {tgt}), sentences)
            n = len(hits)
            quote = hits[0] if hits else quote
        rows.append(
            [f"{name.get(src, src)} → {name.get(tgt, tgt)}", meaning, quote[0],
             _clean(r.get("type")), r.get("id"), quote[1], quote[2], quote[3], n]
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=RELATION_COLUMNS)
    return out.astype({"起": "Int64", "止": "Int64"})


def _covered(spans: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> set[int]:
    """Indices of the sentences that any of the codings overlaps."""
    import numpy as np

    lo = np.searchsorted(spans[:, 1], starts, side="right")
    hi = np.searchsorted(spans[:, 0], ends, side="left")
    return {i for a, b in zip(lo.tolist(), hi.tolist(), strict=True) for i in range(a, b)}


def _co_coded(
    codings: pd.DataFrame,
    src: set[Any],
    tgt: set[Any],
    sentences: Mapping[Any, pd.DataFrame] | None,
) -> list[tuple[str, Any, int, int]]:
    """Statements coded with both sides: (text, document, start, end), in document order."""
    import numpy as np

    a = codings[codings["code"].isin(src)]
    b = codings[codings["code"].isin(tgt)]
    hits: list[tuple[str, Any, int, int]] = []
    for doc in _ordered(set(a["document"]) & set(b["document"])):
        da, db = a[a["document"] == doc], b[b["document"] == doc]
        if sentences is not None:
            sent = sentences.get(doc)
            if sent is None or not len(sent):
                continue
            sent = sent.sort_values("start")
            spans = sent[["start", "end"]].to_numpy(np.int64)
            both = _covered(spans, da["start"].to_numpy(np.int64), da["end"].to_numpy(np.int64))
            both &= _covered(spans, db["start"].to_numpy(np.int64), db["end"].to_numpy(np.int64))
            texts = sent["text"].tolist() if "text" in sent.columns else [""] * len(sent)
            garbled = sent["garbled"].tolist() if "garbled" in sent.columns else [False] * len(sent)
            hits += [
                (_clean(texts[i]), doc, int(spans[i, 0]), int(spans[i, 1]))
                for i in sorted(both)
                if not garbled[i]  # never a garbled sentence as the example
            ]
        else:
            for x in da.sort_values("start").to_dict("records"):
                if ((db["start"] < x["end"]) & (db["end"] > x["start"])).any():
                    hits.append((_clean(x.get("text")), doc, int(x["start"]), int(x["end"])))
    return hits


def garbled_codings(
    codings: pd.DataFrame, sentences: Mapping[Any, pd.DataFrame] | None
) -> pd.Series:
    """For each coding, whether its span overlaps a garbled sentence of its document
    (``garbled`` in ``sentences[doc]``, see :meth:`zhagen.project.Documents.sentences`).

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"document": [1, 1, 2], "start": [0, 5, 0], "end": [3, 9, 2]})
    >>> sent = pd.DataFrame({"start": [0, 4], "end": [4, 10], "garbled": [False, True]})
    >>> garbled_codings(codings, {1: sent}).tolist()
    [False, True, False]
    """
    import pandas as pd

    mask = pd.Series(False, index=codings.index)
    for doc, sent in (sentences or {}).items():
        if sent is None or "garbled" not in sent.columns or not sent["garbled"].any():
            continue
        bad = sent[sent["garbled"].astype(bool)]
        mine = codings["document"] == doc
        for s, e in zip(bad["start"].tolist(), bad["end"].tolist(), strict=True):
            mask |= mine & (codings["start"] < e) & (codings["end"] > s)
    return mask


def _ordered(values: Any) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


# -- 表4 counts --------------------------------------------------------------------------------
def level_counts(
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    sentences: Mapping[Any, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """原始语句 → 初始概念 → 初始范畴 → 主范畴 → 核心范畴 counts (e.g. 554 → 33 → 19 → 6 → 1).

    原始语句 counts the distinct coded spans ``(document, start, end)`` of all coders and
    codes; with ``sentences``, the distinct sentences that a coding overlaps. Each level
    counts the codes of that level in the tree.

    Returns
    -------
    pandas.DataFrame
        Columns 层级, 数量, 英文; ``.attrs["chain"]`` holds ``"554 → 33 → 19 → 6 → 1"``.

    Examples
    --------
    >>> import pandas as pd
    >>> codes = pd.DataFrame({"id": [1, 2], "name": ["甲", "乙"], "parent": [None, 1],
    ...                       "level": [2, 1]})
    >>> codings = pd.DataFrame({"document": [1, 1], "start": [0, 0], "end": [5, 5],
    ...                         "code": [2, 2]})
    >>> level_counts(codes, codings).attrs["chain"]
    '1 → 1 → 1 → 0 → 0'
    """
    import numpy as np
    import pandas as pd

    if sentences is None:
        n = len(codings.drop_duplicates(["document", "start", "end"]))
    else:
        n = 0
        for doc, g in codings.groupby("document"):
            sent = sentences.get(doc)
            if sent is not None and len(sent):
                spans = sent.sort_values("start")[["start", "end"]].to_numpy(np.int64)
                n += len(
                    _covered(spans, g["start"].to_numpy(np.int64), g["end"].to_numpy(np.int64))
                )
    rows = [["原始语句", n, "original statements"]]
    levels = [as_level(v) for v in codes["level"]]  # codes without a level count nowhere
    rows += [[zh, levels.count(lv), en] for lv, (zh, en) in LEVELS.items()]
    out = pd.DataFrame(rows, columns=COUNT_COLUMNS)
    out.attrs["chain"] = counts_chain(out)
    return out


def counts_chain(counts: pd.DataFrame) -> str:
    """``"554 → 33 → 19 → 6 → 1"`` from :func:`level_counts`."""
    return " → ".join(str(int(v)) for v in counts["数量"])


def coding_tables(
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    relations: pd.DataFrame | None = None,
    *,
    sentences: Mapping[Any, pd.DataFrame] | None = None,
    coder: str | None = None,
    per_concept: int | None = None,
) -> dict[str, pd.DataFrame]:
    """All four tables, keyed by :data:`TABLES` (the relation table only with relations).

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     tables = coding_tables(p.codes(), p.codings(), p.relations())
    >>> list(tables)
    ['开放式编码', '主轴编码', '典型关系结构', '编码数量']
    """
    if coder is not None:
        codings = codings[codings["coder"] == coder]
    readable = codings[~garbled_codings(codings, sentences)] if sentences else codings
    tables = {
        "开放式编码": open_coding_table(codes, readable, per_concept=per_concept),
        "主轴编码": axial_table(codes, codings),
    }
    if relations is not None:
        tables["典型关系结构"] = relation_table(codes, relations, codings, sentences)
    tables["编码数量"] = level_counts(codes, codings, sentences)
    return tables


# -- files -------------------------------------------------------------------------------------
def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _excel_value(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, (list, tuple, set)):
        return "; ".join(map(str, value))
    if isinstance(value, str):
        return value or None
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "表"
    out, i = base, 2
    while out in used:
        out, i = f"{base[:28]}_{i}", i + 1
    used.add(out)
    return out


def write_tables_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """One sheet per table with every column: bold ruled header (frozen), widths that count
    a Chinese character as two, long text wrapped, 宋体 (charset GB2312)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    body, head = Font(name="宋体", charset=134), Font(name="宋体", charset=134, bold=True)
    rule = Border(top=Side(style="medium"), bottom=Side(style="thin"))
    for name, df in tables.items():
        ws = wb.create_sheet(_sheet_name(name, used))
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([_excel_value(v) for v in row])
        for col_idx, col in enumerate(df.columns, 1):
            sample = [_width(v) for v in df[col].head(500).tolist()]
            width = max([_width(col), *sample]) + 2
            letter = ws.cell(1, col_idx).column_letter
            ws.column_dimensions[letter].width = min(60, max(6, width))
            wrap = width > 60
            for (cell,) in ws.iter_rows(min_row=1, min_col=col_idx, max_col=col_idx):
                if cell.data_type == "f":  # text such as "=x" stays text
                    cell.data_type = "s"
                cell.font = head if cell.row == 1 else body
                if wrap and cell.row > 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in ws[1]:
            cell.border = rule
            cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.freeze_panes = "A2"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
