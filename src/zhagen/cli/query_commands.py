"""``zhagen query words|search|matrix|framework|cooccurrence``: the NVivo-style queries.

Thin: the options come from each query's one parameter declaration
(:mod:`zhagen.queries.params`, through ``zhagen``), the work from ``project.queries``.
``--format table`` prints the table and what its columns mean; ``csv`` prints exactly one
CSV table and ``json`` exactly one JSON document (the definitions inside it), so that a
script can read them. ``--out`` writes a file (word cloud, heat map, XLSX, CSV).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from zhagen.cli.common import done, open_project
from zhagen.console import say

__all__ = ["register"]

_QUERIES = {
    "words": ("WordsParams", "词频 / word frequency",
              "词云 .png/.svg 或表格 .csv / word cloud .png/.svg or table .csv"),
    "search": ("SearchParams", "文本搜索（可全部编码）/ text search (code all hits)",
               "命中表 .csv / the hits as .csv"),
    "matrix": ("MatrixParams", "矩阵编码：编码 × 文档分组 / matrix coding: codes × document groups",
               ".csv、.xlsx 或热图 .png/.svg / .csv, .xlsx or a heat map .png/.svg"),
    "framework": ("FrameworkParams", "框架矩阵：文档 × 编码 / framework matrix: documents × codes",
                  ".xlsx 或 .csv / .xlsx or .csv"),
    "cooccurrence": ("CooccurrenceParams", "编码共现（可查看单元格）/ code co-occurrence",
                     "热图 .png/.svg 或 .csv / heat map .png/.svg or .csv"),
}  # fmt: skip


def register(sub: Any) -> None:
    import zhagen
    from zhagen.cli.options import add_options
    from zhagen.params import spec

    q = sub.add_parser("query", help="NVivo 式查询 / NVivo-style queries")
    qs = q.add_subparsers(dest="query_name", metavar="QUERY", required=True)
    for name, (cls, help_text, out_help) in _QUERIES.items():
        p = qs.add_parser(name, help=help_text)
        p.add_argument("project")
        add_options(p, spec(getattr(zhagen, cls)))
        p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table")
        p.add_argument("--out", default=None, help=out_help)
        if name == "search":
            p.add_argument("--code", default=None,
                           help="把全部命中编码为此编码（编号或名称；可撤销）/ code every hit "
                           "with this code (id or name; undoable)")  # fmt: skip
            p.add_argument("--coder", default="default", help="编码者 / coder")
        if name in ("matrix", "cooccurrence"):
            p.add_argument("--cell", nargs=2, metavar=("ROW", "COLUMN"), default=None,
                           help="列出该单元格背后的编码文本 / list the coded text behind a cell")  # fmt: skip
        p.set_defaults(func=cmd_query, query_params=cls)


def _definitions(defs: dict[str, tuple[str, str]]) -> None:
    print()
    for name, (zh, en) in defs.items():
        print(f"{name}: {say(zh, en)}")


def _dump(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def cmd_query(args: argparse.Namespace) -> int:
    import zhagen
    from zhagen.cli.options import given
    from zhagen.params import spec

    values = given(args, spec(getattr(zhagen, args.query_params)))
    with open_project(args.project) as project:
        return _RUN[args.query_name](project, args, values)


def _words(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    res = project.queries.words(**values)
    if args.out:
        project.queries.write(res, args.out)
    if args.fmt == "json":
        _dump(res.to_json())
    else:
        print_frame(res.frame(), args.fmt)
        if args.fmt == "table":
            print("\n" + say(f"计入词次 {res.total}，不同词 {res.distinct}，文档 {res.n_documents} 篇",
                             f"{res.total} words counted, {res.distinct} distinct, "
                             f"{res.n_documents} documents"))  # fmt: skip
            _definitions(res.definitions)
    return 0


def _search(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    if args.code is not None:
        made = project.queries.code_hits(args.code, coder=args.coder, **values)
        return done(f"已把 {made.spans} 处（{made.documents} 篇文档）编码为 {args.code}；"
                    "用 zhagen undo 可一次撤销",
                    f"coded {made.spans} spans in {made.documents} documents as {args.code}; "
                    "`zhagen undo` takes them all back")  # fmt: skip
    res = project.queries.search(**values)
    if args.out:
        project.queries.write(res, args.out)
    if args.fmt == "json":
        _dump(res.to_json())
        return 0
    print_frame(res.frame(), args.fmt)
    if args.fmt == "table":
        print("\n" + say(f"命中 {res.total} 处（{res.documents} 篇文档），列出 {len(res.hits)} 处；"
                         "句子从 1 编号",
                         f"{res.total} hits in {res.documents} documents, {len(res.hits)} "
                         "listed; sentences numbered from 1"))  # fmt: skip
    return 0


def _cell(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    row, column = args.cell
    if args.query_name == "matrix":
        found = project.queries.matrix_cell(row, column, **values)
    else:
        found = project.queries.cooccurrence_cell(row, column, **values)
    if args.fmt == "json":
        _dump({"query": args.query_name, "cell": [row, column], "units": found})
        return 0
    import pandas as pd

    print_frame(pd.DataFrame(found), args.fmt)
    return 0


def _matrix(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    if args.cell:
        return _cell(project, args, values)
    m = project.queries.matrix(**values)
    if args.out:
        project.queries.write(m, args.out)
    if args.fmt == "json":
        _dump(m.to_json())
        return 0
    print_frame(m.frame().reset_index(), args.fmt)
    if args.fmt == "table":
        zh, en = m.definition
        print("\n" + say(f"单元格：{zh}", f"cell: {en}"))
    return 0


def _framework(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    fw = project.queries.framework(**values)
    if args.out:
        project.queries.write(fw, args.out)
    if args.fmt == "json":
        _dump(fw.to_json())
        return 0
    print_frame(fw.frame().reset_index(), args.fmt)
    return 0


def _cooccurrence(project: Any, args: argparse.Namespace, values: dict[str, Any]) -> int:
    from zhagen.console import print_frame

    if args.cell:
        return _cell(project, args, values)
    df = project.queries.cooccurrence(**values)
    if args.out:
        project.queries.write(df, args.out)
    if args.fmt == "json":
        _dump({"query": "cooccurrence", "params": values, "rows": [str(i) for i in df.index],
               "columns": [str(c) for c in df.columns], "values": df.values.tolist()})  # fmt: skip
        return 0
    print_frame(df.reset_index(), args.fmt)
    return 0


_RUN = {"words": _words, "search": _search, "matrix": _matrix, "framework": _framework,
        "cooccurrence": _cooccurrence}  # fmt: skip
