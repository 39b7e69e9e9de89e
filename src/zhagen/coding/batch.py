"""Batch coding: many spans from a table (a CSV file or rows) in one transaction, one undo step.

Each row names a document (its id, or its exact title), a span (``start`` and ``end``, code
points, end exclusive; or ``sentence``, its number counted from 1 as ``zhagen show
--sentences`` prints it), a code (its id ``12``/``#12``, its unique name, or its path from the
top of the tree, ``核心范畴/主范畴/概念``), optionally a coder (else the batch's) and a memo
(written on the coding when the row creates it).

A row that cannot be coded is reported with its row number (the header is row 1, as a
spreadsheet numbers it) and what to do; the other rows are coded all the same, as one bad file
never stops an import. The coded rows are one edit: ``zhagen undo`` takes back the whole
batch, so a batch with a wrong column is undone in one step, fixed and run again. Running the
same file twice codes nothing twice (an existing coding is found, not duplicated).
``strict=True`` codes nothing unless every row is good (for a script that wants all or none).

>>> from zhagen.examples import tiny_project
>>> with tiny_project() as p:
...     result = p.codings.add_batch([
...         {"document": "1", "start": "0", "end": "2", "code": "协同创新/政策支持"},
...         {"document": "1", "sentence": "1", "code": "产学研融合", "memo": "首句"},
...         {"document": "99", "start": "0", "end": "2", "code": "政策支持"},
...     ], coder="甲")
...     result.new, [pr.line for pr in result.problems], len(p.memos())
(2, [4], 1)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhagen.coding.engine import ensure_coder
from zhagen.coding.history import edit
from zhagen.coding.spans import _check_span as check_span
from zhagen.errors import InputError, ParameterError, where
from zhagen.store import coding as q
from zhagen.store import notes as qn
from zhagen.store.db import Store

__all__ = ["COLUMNS", "RowProblem", "BatchResult", "read_rows", "code_rows"]

#: Column → the header names accepted for it (English first, then Chinese).
COLUMNS: dict[str, tuple[str, ...]] = {
    "document": ("document", "doc", "文档"),
    "start": ("start", "起点"),
    "end": ("end", "终点"),
    "sentence": ("sentence", "句子", "句"),
    "code": ("code", "编码"),
    "coder": ("coder", "编码者", "编码员"),
    "memo": ("memo", "备忘录"),
}
_HEADER = {alias.casefold(): col for col, names in COLUMNS.items() for alias in names}


def _int(value: Any) -> int | None:
    """A whole number written in a cell (``12``, ``#12``, `` 12 ``), else None."""
    text = str(value).strip().lstrip("#")
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


@dataclass(frozen=True)
class RowProblem:
    """A row left out of the batch: the line of the file it starts on (the header is line
    1, as a spreadsheet numbers rows), why, and what to do."""

    line: int
    zh: str
    en: str
    file: str | None = None

    @property
    def message(self) -> str:
        """``file: line N: 中文 / English``."""
        return f"{where(self.file, line=self.line)}: {self.zh} / {self.en}"


@dataclass
class BatchResult:
    """What a batch did: ``rows`` read, coding ``ids`` of the good rows (new or found),
    ``new`` codings made, ``existing`` ones found, ``memos`` written, the rows left out
    (``problems``), and ``applied`` (False: ``strict`` and a bad row, nothing coded)."""

    rows: int = 0
    ids: list[int] = field(default_factory=list)
    new: int = 0
    existing: int = 0
    memos: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    applied: bool = True


def read_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a coding CSV (UTF-8, with or without BOM, or GB 18030 as Excel saves it
    in China) as (line number, {column: value}), the header mapped to :data:`COLUMNS`.

    Raises
    ------
    InputError
        The file cannot be read, or its header lacks ``document``, ``code`` or a span
        (``start`` + ``end``, or ``sentence``); the message names the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"无法读取 {path}（{exc.strerror or exc}）；请检查路径",
            f"cannot read {path} ({exc.strerror or exc}); check the path",
            file=str(path),
        ) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputError("无法识别文件编码；请另存为 UTF-8", "unknown encoding; save as UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    cols = [_HEADER.get(h.strip().casefold()) for h in header]
    missing = [c for c in ("document", "code") if c not in cols]
    if not ({"start", "end"} <= set(cols) or "sentence" in cols):
        missing.append("start+end / sentence")
    if missing:
        raise InputError(
            f"第 1 行（表头）缺少列：{'、'.join(missing)}；需要 document、start、end（或 "
            "sentence）、code 列，可选 coder、memo（也可用中文列名：文档、起点、终点、句子、编码、"
            "编码者、备忘录）",
            f"row 1 (the header) lacks the column(s) {', '.join(missing)}; the columns are "
            "document, start, end (or sentence), code, and optionally coder and memo",
            file=str(path),
            line=1,
        )
    out = []
    start = reader.line_num + 1  # a quoted cell may hold line breaks: name the first line
    for values in reader:
        if any(v.strip() for v in values):  # a blank line is not a row
            row = {c: v.strip() for c, v in zip(cols, values, strict=False) if c is not None}
            out.append((start, row))
        start = reader.line_num + 1
    return out


def code_rows(
    store: Store,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    coder: str = "default",
    text_of: Callable[[int], str],
    spans_of: Callable[[int], list[tuple[int, int]]],
    strict: bool = False,
    file: str | None = None,
) -> BatchResult:
    """Code every good row of ``rows`` ((row number, {column: value}) pairs, as
    :func:`read_rows` gives them) as one edit; see the module's notes.

    ``text_of(doc)`` gives a document's text (its length bounds the spans), ``spans_of(doc)``
    its sentence spans; ``file`` names the source in problems and in the undo description.
    """
    rows = list(rows)
    result = BatchResult(rows=len(rows))
    docs = _Documents(store, [str(r.get("document") or "") for _, r in rows], text_of, spans_of)
    codes = _Codes(store)
    planned: list[tuple[int, int, int, int, int | str, str, str]] = []
    for n, row in rows:
        try:
            doc = docs.resolve(str(row.get("document") or ""))
            start, end = docs.span(doc, row)
            code = codes.resolve(str(row.get("code") or ""))
        except ParameterError as exc:
            result.problems.append(RowProblem(n, exc.zh, exc.en, file))
            continue
        who = str(row.get("coder") or "").strip() or coder
        planned.append((n, doc, start, end, code, who, str(row.get("memo") or "").strip()))
    if not planned or (strict and result.problems):
        result.applied = not result.problems
        return result
    source = f"（{file}）" if file else ""
    coders = {p[5] for p in planned}
    actor = next(iter(coders)) if len(coders) == 1 else ""
    with edit(store, "coding.batch", "", actor=actor) as e:
        ids = {name: ensure_coder(store, name) for name in sorted(coders)}
        for _n, doc, start, end, code, who, memo in planned:
            found = q.find_coding(store, doc, start, end, int(code), ids[who])
            if found is not None:
                result.existing += 1
            else:
                found = q.insert_coding(store, doc, start, end, int(code), ids[who])
                e.created("codings", found)
                result.new += 1
                if memo:
                    mid = qn.insert_memo(store, target_type="coding", target_id=found, title="",
                                         text=memo, coder_id=ids[who])  # fmt: skip
                    e.created("memos", mid)
                    result.memos += 1
            result.ids.append(found)
        for doc in sorted({p[1] for p in planned}):
            q.freeze_document(store, doc)
        e.payload = {"rows": len(planned), "new": result.new, "file": file}
        e.description = f"批量编码 {result.new} 处{source} / batch-coded {result.new} spans" + (
            f" ({file})" if file else ""
        )
    return result


class _Documents:
    """Documents named by id or exact title, their texts' lengths and sentence spans (each
    read once per batch)."""

    def __init__(
        self,
        store: Store,
        values: list[str],
        text_of: Callable[[int], str],
        spans_of: Callable[[int], list[tuple[int, int]]],
    ) -> None:
        self._store = store
        titles = [v for v in values if _int(v.lstrip("#")) is None]
        self._titled = q.document_ids_titled(store, titles) if titles else {}
        self._text_of, self._spans_of = text_of, spans_of
        self._length: dict[int, int] = {}
        self._spans: dict[int, list[tuple[int, int]]] = {}

    def resolve(self, value: str) -> int:
        if not value:
            raise ParameterError("文档列为空；请填文档编号或标题",
                                 "the document column is empty; give an id or a title")  # fmt: skip
        ident = _int(value)
        if ident is not None:
            if ident in self._length or q.document_exists(self._store, ident):
                return ident
            raise ParameterError(
                f"没有编号为 {ident} 的文档；用 zhagen docs 查看编号",
                f"no document with id {ident}; list ids with `zhagen docs`",
            )
        ids = self._titled.get(value, [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            listed = ", ".join(f"#{i}" for i in ids)
            raise ParameterError(
                f"有 {len(ids)} 篇文档的标题都是「{value}」（{listed}）；请填编号",
                f"{len(ids)} documents are titled '{value}' ({listed}); give the id instead",
            )
        raise ParameterError(
            f"没有标题为「{value}」的文档（须与标题完全一致）；用 zhagen docs --q 查找",
            f"no document titled '{value}' (the title must match exactly); find it with "
            "`zhagen docs --q`",
        )

    def span(self, doc: int, row: Mapping[str, Any]) -> tuple[int, int]:
        start, end = str(row.get("start") or ""), str(row.get("end") or "")
        sentence = str(row.get("sentence") or "")
        if not (start or end):
            return self._sentence(doc, sentence)
        if doc not in self._length:
            self._length[doc] = len(self._text_of(doc))
        length = self._length[doc]
        s, e = _int(start), _int(end)  # a cell that is no number is shown as written
        return check_span(doc, start if s is None else s, end if e is None else e, length)

    def _sentence(self, doc: int, value: str) -> tuple[int, int]:
        if doc not in self._spans:
            self._spans[doc] = self._spans_of(doc)
        spans = self._spans[doc]
        n = _int(value)
        if n is None or not 1 <= n <= len(spans):
            raise ParameterError(
                f"文档 #{doc} 没有第 {value or '（空）'} 句（共 {len(spans)} 句，从 1 数起）；"
                "请填 start 和 end，或 sentence（zhagen show --sentences 列出句子）",
                f"document #{doc} has no sentence {value or '(empty)'} ({len(spans)} "
                "sentences, counted from 1); give start and end, or sentence (`zhagen show "
                "--sentences` lists them)",
            )
        return spans[n - 1]


class _Codes:
    """Codes named by id, unique name or path from the top (``a/b/c``), from one read of
    the code tree."""

    def __init__(self, store: Store) -> None:
        rows = q.code_rows(store)
        self._ids = {int(r["id"]) for r in rows}
        parent = {int(r["id"]): r["parent_id"] for r in rows}
        name = {int(r["id"]): str(r["name"]) for r in rows}
        self._named: dict[str, list[int]] = {}
        self._paths: dict[str, list[int]] = {}
        for cid in name:
            self._named.setdefault(name[cid], []).append(cid)
            parts, up, seen = [name[cid]], parent[cid], {cid}
            while up is not None and up in name and up not in seen:
                parts.append(name[up])
                seen.add(up)
                up = parent[up]
            self._paths.setdefault("/".join(reversed(parts)), []).append(cid)

    def resolve(self, value: str) -> int:
        if not value:
            raise ParameterError("编码列为空；请填编码编号、名称或路径",
                                 "the code column is empty; give a code id, name or path")  # fmt: skip
        for table in (self._named, self._paths):
            ids = table.get(value) or table.get(re.sub(r"\s*/\s*", "/", value), [])
            if len(ids) == 1:
                return ids[0]
            if ids:
                listed = ", ".join(f"#{i}" for i in ids)
                raise ParameterError(
                    f"有 {len(ids)} 个编码都叫「{value}」（{listed}）；请填编号或从顶层起的路径"
                    "（如 主范畴/初始范畴/概念）",
                    f"{len(ids)} codes are named '{value}' ({listed}); give the id or the path "
                    "from the top (e.g. main/category/concept)",
                )
        ident = _int(value)
        if ident is not None and ident in self._ids:
            return ident
        raise ParameterError(
            f"没有编码「{value}」（按编号、名称或路径查找）；先用 zhagen code add 新建，或用 "
            "zhagen code list --tree 查看",
            f"no code '{value}' (looked for as id, name and path); create it with `zhagen "
            "code add` or see `zhagen code list --tree`",
        )
