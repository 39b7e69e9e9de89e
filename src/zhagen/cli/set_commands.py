"""``zhagen set …`` and ``zhagen attr …``: sets of documents and document attributes (thin).

Each parses, opens the project, makes one call on ``project.sets`` or
``project.attributes`` and prints what it did.
"""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import done, open_project
from zhagen.cli.options import add_scope, scope_of
from zhagen.console import print_frame, say

__all__ = ["register"]

_FORMATS = ["table", "csv", "json"]


def register(sub: Any) -> None:
    """Add ``set`` and ``attr`` with their sub-commands."""
    s = sub.add_parser("set", help="文档集合 / sets of documents").add_subparsers(
        dest="set_command", metavar="ACTION", required=True
    )
    p = s.add_parser("create", help="创建集合 / create a set")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--query", default=None, metavar="QUERY",
                   help="由查询定义（使用时重新计算），如 type:journal year:2015-2024 / a query "
                   "set, evaluated when used")  # fmt: skip
    p.add_argument("--docs", nargs="*", type=int, default=None, metavar="ID",
                   help="静态集合的文档编号 / the documents of a static set")  # fmt: skip
    p.add_argument("--description", default="", help="说明 / description")
    p.set_defaults(func=cmd_set_create)
    for action, text in (("add", "向静态集合添加文档 / add documents"),
                         ("remove", "从静态集合移除文档 / remove documents")):  # fmt: skip
        p = s.add_parser(action, help=text)
        p.add_argument("project")
        p.add_argument("name")
        p.add_argument("docs", nargs="*", type=int, metavar="ID")
        p.add_argument("--where", default=None, metavar="QUERY",
                       help="加入或移除此查询找到的文档 / the documents this query finds")  # fmt: skip
        p.set_defaults(func=cmd_set_members, action=action)
    p = s.add_parser("list", help="列出集合 / list sets")
    p.add_argument("project")
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="table")
    p.set_defaults(func=cmd_set_list)
    p = s.add_parser("show", help="集合的文档 / the documents of a set")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="table")
    p.set_defaults(func=cmd_set_show)
    p = s.add_parser("rename", help="集合改名 / rename a set")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("new")
    p.set_defaults(func=cmd_set_rename)
    p = s.add_parser("delete", help="删除集合（文档保留）/ delete a set (its documents stay)")
    p.add_argument("project")
    p.add_argument("name")
    p.set_defaults(func=cmd_set_delete)

    a = sub.add_parser("attr", help="文档属性 / document attributes").add_subparsers(
        dest="attr_command", metavar="ACTION", required=True
    )
    p = a.add_parser("define", help="定义属性 / define an attribute")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--type", dest="kind", choices=["text", "int", "date", "choice"],
                   default="text")  # fmt: skip
    p.add_argument("--choices", nargs="*", default=None, metavar="VALUE",
                   help="choice 类型的可选值 / the values of a choice attribute")  # fmt: skip
    p.set_defaults(func=cmd_attr_define)
    p = a.add_parser("set", help="设置文档的属性值 / set documents' value")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("value", help="值（空字符串：清除）/ the value ('' clears it)")
    p.add_argument("docs", nargs="+", type=int, metavar="ID")
    p.set_defaults(func=cmd_attr_set)
    p = a.add_parser("fill", help="从文献字段填写 type/year/venue/source / fill from the fields")
    p.add_argument("project")
    p.set_defaults(func=cmd_attr_fill)
    p = a.add_parser("import", help="从 CSV/XLSX 导入（第一列：id 或 title）/ import a table")
    p.add_argument("project")
    p.add_argument("path")
    p.set_defaults(func=cmd_attr_import)
    p = a.add_parser("show", help="属性表 / the attribute table")
    p.add_argument("project")
    add_scope(p)
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="table")
    p.set_defaults(func=cmd_attr_show)
    p = a.add_parser("delete", help="删除属性及其值 / delete an attribute and its values")
    p.add_argument("project")
    p.add_argument("name")
    p.set_defaults(func=cmd_attr_delete)


def _print(df: Any, fmt: str) -> int:
    print_frame(df, fmt)
    return 0


# -- sets ----------------------------------------------------------------------------------
def cmd_set_create(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        info = project.sets.create(args.name, query=args.query, doc_ids=args.docs,
                                   description=args.description)  # fmt: skip
    kind_zh = "查询集合" if info.kind == "query" else "静态集合"
    return done(f"已创建{kind_zh}“{info.name}”（{info.count} 篇文档）",
                f"created {info.kind} set {info.name} ({info.count} documents)")  # fmt: skip


def cmd_set_members(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        ids = list(args.docs)
        if args.where:
            ids.extend(sorted(project.scope(args.where).doc_ids or ()))
        if args.action == "add":
            n = project.sets.add(args.name, ids)
            return done(f"向“{args.name}”添加了 {n} 篇文档", f"added {n} documents to {args.name}")
        n = project.sets.remove(args.name, ids)
    return done(f"从“{args.name}”移除了 {n} 篇文档", f"removed {n} documents from {args.name}")


def cmd_set_list(args: argparse.Namespace) -> int:
    import pandas as pd

    with open_project(args.project) as project:
        rows = [s.as_dict() for s in project.sets.list()]
    return _print(pd.DataFrame(rows, columns=["name", "kind", "query", "description", "count"]),
                  args.fmt)  # fmt: skip


def cmd_set_show(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        info = project.sets.get(args.name)
        ids = project.sets.members(args.name)
        frame = project.attributes.table(ids)
    if args.fmt == "table":
        q_zh, q_en = (f"  查询：{info.query}", f"  query: {info.query}") if info.query else ("", "")
        print(say(f"{info.name}（{info.kind}，{info.count} 篇）{q_zh}",
                  f"{info.name} ({info.kind}, {info.count} documents){q_en}"))  # fmt: skip
    return _print(frame, args.fmt)


def cmd_set_rename(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.sets.rename(args.name, args.new)
    return done(f"已把“{args.name}”改名为“{args.new}”", f"renamed {args.name} to {args.new}")


def cmd_set_delete(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.sets.delete(args.name)
    return done(f"已删除集合“{args.name}”（文档保留）",
                f"deleted set {args.name} (its documents stay)")  # fmt: skip


# -- attributes ----------------------------------------------------------------------------
def cmd_attr_define(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.attributes.define(args.name, args.kind, choices=args.choices)
    return done(f"已定义属性“{args.name}”（{args.kind}）",
                f"defined attribute {args.name} ({args.kind})")  # fmt: skip


def cmd_attr_set(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        n = project.attributes.set_many(args.name, dict.fromkeys(args.docs, args.value))
    return done(f"已为 {n} 篇文档设置“{args.name}”", f"set {args.name} of {n} documents")


def cmd_attr_fill(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        counts = project.attributes.fill_from_fields()
    shown = ", ".join(f"{k} {v}" for k, v in counts.items())
    return done(f"已从文献字段填写：{shown}", f"filled from the fields: {shown}")


def cmd_attr_import(args: argparse.Namespace) -> int:
    import sys

    with open_project(args.project) as project:
        rep = project.attributes.import_table(args.path)
    for line in rep.problems:
        print(f"zhagen: {line}", file=sys.stderr)
    defined = "、".join(rep.defined)
    done(f"读入 {rep.rows} 行，设置 {rep.values} 个值" + (f"，新定义属性：{defined}" if defined else ""),
         f"read {rep.rows} rows, set {rep.values} values"
         + (f"; defined: {', '.join(rep.defined)}" if rep.defined else ""))  # fmt: skip
    return 1 if rep.problems and not rep.values else 0


def cmd_attr_show(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        scope = project.scope(scope_of(args).get("scope"))
        frame = project.attributes.table(None if scope.doc_ids is None else scope.doc_ids)
    return _print(frame, args.fmt)


def cmd_attr_delete(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        n = project.attributes.delete(args.name)
    return done(f"已删除属性“{args.name}”及 {n} 个值",
                f"deleted attribute {args.name} and {n} values")  # fmt: skip
