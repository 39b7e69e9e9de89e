"""Sub-commands for grounded-theory coding: ``code``, ``coding``, ``memo``, ``relation``,
``storyline``, ``undo``, ``redo``, ``search``. Each parses, opens a Project, makes one call
and prints.

A CODE argument is an id or a unique name (``#12`` forces the id). Sentence numbers are
counted from 1, as ``zhagen show --sentences`` prints them and the web shows them (第 N 句);
the library's ``idx`` counts from 0.
"""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import done, halves, open_project
from zhagen.cli.options import add_scope, scope_of
from zhagen.console import say
from zhagen.errors import ParameterError

__all__ = ["register", "COMMANDS"]

#: The sub-commands :func:`register` adds (a group that may be registered alone).
COMMANDS = frozenset({"code", "coding", "memo", "relation", "storyline", "undo", "redo", "search"})

FORMATS = ["table", "csv", "json"]


def register(sub: Any) -> None:
    """Add the coding sub-commands to the argparse sub-parsers ``sub``."""
    _register_code(sub)
    _register_coding(sub)
    _register_notes(sub)
    p = sub.add_parser("undo", help="撤销上一次编码编辑 / undo the last coding edit")
    p.add_argument("project")
    p.add_argument("--coder", default=None, help="只撤销该编码员的编辑 / only this coder's")
    p.set_defaults(func=cmd_undo)
    p = sub.add_parser("redo", help="重做被撤销的编辑 / redo the edit undone last")
    p.add_argument("project")
    p.add_argument("--coder", default=None, help="只重做该编码员的编辑 / only this coder's")
    p.set_defaults(func=cmd_redo)
    p = sub.add_parser("search", help="在全部文档中搜索文本 / search all documents' text")
    p.add_argument("project")
    p.add_argument("query")
    p.add_argument("--regex", action="store_true", help="正则表达式 / a regular expression")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="table")
    add_scope(p)
    p.set_defaults(func=cmd_search)


def _fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="table")


def _register_code(sub: Any) -> None:
    code = sub.add_parser("code", help="管理编码树 / manage the code tree")
    cs = code.add_subparsers(dest="code_command", metavar="ACTION", required=True)
    p = cs.add_parser("add", help="新建编码 / create a code")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--parent", default=None, help="上级编码 / parent code")
    p.add_argument("--level", default=None, help="1 初始概念 … 4 核心范畴, none 无层级 / no level")
    p.add_argument("--description", default="", help="内涵 / description")
    p.add_argument("--color", default=None, help="#rrggbb")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="允许与别处已有编码重名 / accept a name another code has elsewhere")  # fmt: skip
    p.set_defaults(func=cmd_code_add)
    p = cs.add_parser("rename", help="重命名 / rename a code")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("name")
    p.set_defaults(func=cmd_code_rename)
    p = cs.add_parser("describe", help="修改内涵 / set a code's description")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("text")
    p.set_defaults(func=cmd_code_describe)
    p = cs.add_parser("color", help="修改颜色 / set a code's colour")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("color")
    p.set_defaults(func=cmd_code_color)
    p = cs.add_parser("move", help="移动编码 / move a code")
    p.add_argument("project")
    p.add_argument("code")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", dest="parent", default=None, help="新的上级 / new parent")
    where.add_argument("--top", action="store_true", help="移到顶层 / to the top level")
    p.add_argument("--level", default=None, help="新层级（none：无层级）/ new level (none)")
    p.set_defaults(func=cmd_code_move)
    p = cs.add_parser("level", help="设置层级（与深度无关）/ set a code's level (not its depth)")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("level", help="1 初始概念 … 4 核心范畴, none 无层级 / no level")
    p.set_defaults(func=cmd_code_level)
    p = cs.add_parser("merge", help="合并编码 / merge codes")
    p.add_argument("project")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--into", required=True, help="合并到 / the code to merge into")
    p.set_defaults(func=cmd_code_merge)
    p = cs.add_parser("split", help="拆分编码 / split a code")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("parts", nargs="+", metavar="NAME=ID,ID", help="新编码=编码记录编号")
    p.set_defaults(func=cmd_code_split)
    p = cs.add_parser("delete", help="删除编码 / delete a code")
    p.add_argument("project")
    p.add_argument("code")
    p.add_argument("--force", action="store_true", help="连同编码记录与下级 / with its codings")
    p.set_defaults(func=cmd_code_delete)
    p = cs.add_parser("list", help="列出编码 / list codes")
    p.add_argument("project")
    p.add_argument("--coder", default=None)
    p.add_argument("--tree", action="store_true", help="缩进的树 / an indented tree")
    _fmt(p)
    p.set_defaults(func=cmd_code_list)


def _register_coding(sub: Any) -> None:
    coding = sub.add_parser("coding", help="编码文本 / code text")
    cs = coding.add_subparsers(dest="coding_command", metavar="ACTION", required=True)
    p = cs.add_parser("add", help="编码一段文本，或用 --from 批量编码 / code a span (code points), "
                      "or many from a CSV with --from")  # fmt: skip
    p.add_argument("project")
    p.add_argument("doc", type=int, nargs="?")
    p.add_argument("start", type=int, nargs="?")
    p.add_argument("end", type=int, nargs="?")
    p.add_argument("code", nargs="?")
    p.add_argument("--coder", default="default")
    p.add_argument("--from", dest="batch", default=None, metavar="FILE.csv",
                   help="批量编码：CSV 列 document（编号或标题）、start、end（或 sentence，从 1 "
                   "数）、code（编号、名称或路径）、可选 coder、memo；一个事务、一次撤销 / code "
                   "every row of a CSV (document id or title, start, end or sentence from 1, "
                   "code id, name or path, optional coder, memo) in one transaction and one "
                   "undo step")  # fmt: skip
    p.add_argument("--strict", action="store_true",
                   help="有任何一行出错就一行也不编码 / code nothing unless every row is good")  # fmt: skip
    p.set_defaults(func=cmd_coding_add)
    p = cs.add_parser("sentences", help="编码整句 / code whole sentences (原始语句)")
    p.add_argument("project")
    p.add_argument("doc", type=int)
    p.add_argument("code")
    p.add_argument("idx", type=int, nargs="+", metavar="N",
                   help="句子编号，从 1 开始（zhagen show --sentences）/ sentence numbers, from 1 "
                   "(as `zhagen show --sentences` prints them)")  # fmt: skip
    p.add_argument("--coder", default="default")
    p.set_defaults(func=cmd_coding_sentences)
    p = cs.add_parser("delete", help="删除编码记录 / remove a coding")
    p.add_argument("project")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_coding_delete)
    p = cs.add_parser("recode", help="改为另一编码 / give a coding another code")
    p.add_argument("project")
    p.add_argument("id", type=int)
    p.add_argument("code")
    p.set_defaults(func=cmd_coding_recode)
    p = cs.add_parser("list", help="列出编码记录 / list codings")
    p.add_argument("project")
    p.add_argument("--code", default=None)
    p.add_argument("--coder", default=None)
    p.add_argument("--document", type=int, default=None)
    p.add_argument("--descendants", action="store_true", help="含下级编码 / with sub-codes")
    p.add_argument("--context", type=int, default=None, metavar="CHARS", help="上下文字数")
    _fmt(p)
    p.set_defaults(func=cmd_coding_list)
    p = cs.add_parser("cooccurrence", help="编码共现矩阵 / code co-occurrence")
    p.add_argument("project")
    p.add_argument("--unit", choices=["overlap", "sentence", "document"], default="overlap")
    p.add_argument("--coder", default=None)
    _fmt(p)
    add_scope(p)
    p.set_defaults(func=cmd_coding_cooccurrence)
    p = cs.add_parser("matrix", help="编码 × 文档矩阵 / code × document matrix")
    p.add_argument("project")
    p.add_argument("--coder", default=None)
    _fmt(p)
    add_scope(p)
    p.set_defaults(func=cmd_coding_matrix)


def _register_notes(sub: Any) -> None:
    memo = sub.add_parser("memo", help="备忘录 / memos")
    ms = memo.add_subparsers(dest="memo_command", metavar="ACTION", required=True)
    p = ms.add_parser("add", help="写备忘录 / write a memo")
    p.add_argument("project")
    p.add_argument("text")
    p.add_argument(
        "--on",
        dest="target_type",
        choices=["project", "document", "code", "coding", "relation"],
        default="project",
    )
    p.add_argument("--id", dest="target_id", default=None, help="对象编号（编码可用名称）")
    p.add_argument("--title", default="")
    p.add_argument("--coder", default=None)
    p.set_defaults(func=cmd_memo_add)
    p = ms.add_parser("list", help="列出备忘录 / list memos")
    p.add_argument("project")
    p.add_argument("--on", dest="target_type", default=None)
    p.add_argument("--id", dest="target_id", default=None)
    p.add_argument("--coder", default=None)
    _fmt(p)
    p.set_defaults(func=cmd_memo_list)
    rel = sub.add_parser("relation", help="范畴关系 / relations between codes")
    rs = rel.add_subparsers(dest="relation_command", metavar="ACTION", required=True)
    p = rs.add_parser("add", help="添加关系 / relate two codes")
    p.add_argument("project")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("type", help="因果条件 情境 中介条件 行动策略 结果 或自定义")
    p.add_argument("--description", default="")
    p.set_defaults(func=cmd_relation_add)
    p = rs.add_parser("list", help="列出关系 / list relations")
    p.add_argument("project")
    _fmt(p)
    p.set_defaults(func=cmd_relation_list)
    p = sub.add_parser("storyline", help="查看或写入故事线 / show or set the storyline")
    p.add_argument("project")
    p.add_argument("text", nargs="?", default=None)
    p.set_defaults(func=cmd_storyline)


def _print(df: Any, fmt: str) -> int:
    from zhagen.console import print_frame

    print_frame(df, fmt)
    return 0


# -- code ----------------------------------------------------------------------------------
def cmd_code_add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        cid = project.codes.add(
            args.name,
            parent=args.parent,
            level=args.level,
            description=args.description,
            color=args.color,
            allow_duplicate=args.allow_duplicate,
        )
    return done(f"已创建编码 #{cid}「{args.name}」", f"created code #{cid} '{args.name}'")


def cmd_code_rename(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.rename(args.code, args.name)
    return done("已重命名", "renamed")


def cmd_code_describe(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.describe(args.code, args.text)
    return done("已更新内涵", "description set")


def cmd_code_color(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.color(args.code, args.color)
    return done("已更新颜色", "colour set")


def cmd_code_move(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.move(args.code, None if args.top else args.parent, level=args.level)
    return done("已移动", "moved")


def cmd_code_level(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.set_level(args.code, args.level)
    return done("已设置层级", "level set")


def cmd_code_merge(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codes.merge(args.sources, args.into)
    return done(f"已合并到「{args.into}」", f"merged into '{args.into}'")


def cmd_code_split(args: argparse.Namespace) -> int:
    parts: dict[str, list[int]] = {}
    for part in args.parts:
        name, _eq, ids = part.partition("=")
        try:
            parts[name] = [int(x) for x in ids.split(",") if x.strip()]
        except ValueError as exc:
            raise ParameterError(
                f"「{part}」格式有误；应为 新名称=编号,编号",
                f"'{part}' is not of the form NAME=ID,ID",
            ) from exc
    with open_project(args.project) as project:
        new = project.codes.split(args.code, parts)
    listed = ", ".join(f"#{i} {n}" for n, i in new.items())
    return done(f"已拆分为 {listed}", f"split into {listed}")


def cmd_code_delete(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        n = project.codes.delete(args.code, force=args.force)
    return done(
        f"已删除 {n['codes']} 个编码、{n['codings']} 条编码记录（可用 zhagen undo 撤销）",
        f"deleted {n['codes']} code(s) and {n['codings']} coding(s) (undo with `zhagen undo`)",
    )


def cmd_code_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.tree and args.fmt == "json":  # the tree itself, nested
            import json

            print(json.dumps(project.codes.tree(coder=args.coder), ensure_ascii=False,
                             indent=1, default=str))  # fmt: skip
            return 0
        df = project.codes.frame(coder=args.coder)
        levels = {k: say(*v) for k, v in project.codes.LEVELS.items()}
    if args.tree and args.fmt == "table":
        for row in df.itertuples(index=False):
            try:
                lvl = levels.get(int(row.level)) or say("无层级", "no level")
            except (TypeError, ValueError):  # a code without a level (NA)
                lvl = say("无层级", "no level")
            print(f"{'  ' * row.depth}{row.name}  [#{row.id} {lvl}] ({row.total})")
        return 0
    cols = ["id", "name", "parent", "level", "level_name", "count", "total", "color", "description"]
    return _print(df[cols] if args.fmt == "table" else df, args.fmt)


# -- coding --------------------------------------------------------------------------------
def cmd_coding_add(args: argparse.Namespace) -> int:
    given = [v for v in (args.doc, args.start, args.end, args.code) if v is not None]
    if args.batch is not None:
        if given:
            raise ParameterError("--from 与 DOC START END CODE 不能同时给出",
                                 "give either --from FILE or DOC START END CODE, not both")  # fmt: skip
        return _coding_batch(args)
    if len(given) != 4:
        raise ParameterError(
            "请给出 DOC START END CODE（文档编号、起点、终点、编码），或用 --from FILE.csv 批量编码",
            "give DOC START END CODE (document id, start, end, code), or --from FILE.csv",
        )
    with open_project(args.project) as project:
        k = project.codings.add(args.doc, args.start, args.end, args.code, coder=args.coder)
    return done(f"已编码，编号 #{k}", f"coded as #{k}")


def _coding_batch(args: argparse.Namespace) -> int:
    """``coding add --from FILE.csv``: every good row in one edit; each bad row on stderr
    with its line; exit 1 when a row was left out (0: every row coded or already there)."""
    import sys

    from zhagen.cli.common import message

    with open_project(args.project) as project:
        r = project.codings.add_batch(args.batch, coder=args.coder, strict=args.strict)
    for problem in r.problems:
        print(f"zhagen: {message(problem)}", file=sys.stderr)
    bad = len(r.problems)
    if not r.applied:
        print(say(f"有 {bad} 行出错（--strict）：没有编码任何一行",
                  f"{bad} bad row(s) (--strict): nothing was coded"))  # fmt: skip
        return 1
    print(say(
        f"已读 {r.rows} 行：新编码 {r.new} 处，已存在 {r.existing} 处，备忘录 {r.memos} 条，"
        f"出错 {bad} 行" + ("（可用 zhagen undo 一次撤销）" if r.new else ""),
        f"read {r.rows} rows: {r.new} new codings, {r.existing} already there, {r.memos} "
        f"memos, {bad} bad row(s)" + (" (`zhagen undo` takes the batch back)" if r.new else ""),
    ))  # fmt: skip
    return 1 if bad else 0


def cmd_coding_sentences(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        ids = project.codings.add_sentences(
            args.doc, args.idx, args.code, coder=args.coder, first=1
        )
    listed = " ".join(f"#{k}" for k in ids)
    return done(f"已编码 {listed}", f"coded {listed}")


def cmd_coding_delete(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codings.delete(args.id)
    return done(f"已删除编码记录 #{args.id}", f"removed coding #{args.id}")


def cmd_coding_recode(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.codings.recode(args.id, args.code)
    return done(f"已修改编码记录 #{args.id}", f"recoded #{args.id}")


def cmd_coding_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.context is not None and args.code is not None:
            df = project.codings.context(
                code=args.code,
                coder=args.coder,
                chars=args.context,
                with_descendants=args.descendants,
            )
            if args.document is not None:
                df = df[df["document"] == args.document]
        else:
            df = project.codings.frame(
                code=args.code,
                document=args.document,
                coder=args.coder,
                with_descendants=args.descendants,
            )
    return _print(df, args.fmt)


def cmd_coding_cooccurrence(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        df = project.codings.cooccurrence(coder=args.coder, unit=args.unit, **scope_of(args))
    return _print(df.reset_index(), args.fmt)


def cmd_coding_matrix(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        df = project.codings.matrix(coder=args.coder, **scope_of(args))
    df.columns = [str(c) for c in df.columns]
    return _print(df.reset_index(), args.fmt)


# -- memos, relations, storyline, undo, search ---------------------------------------------
def cmd_memo_add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        mid = project.memos.add(
            args.target_type, args.target_id, args.text, title=args.title, coder=args.coder
        )
    return done(f"已添加备忘录 #{mid}", f"added memo #{mid}")


def cmd_memo_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        df = project.memos.frame(args.target_type, args.target_id, coder=args.coder)
    return _print(df, args.fmt)


def cmd_relation_add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        rid = project.relations.add(
            args.source, args.target, args.type, description=args.description
        )
    return done(f"已添加关系 #{rid}", f"added relation #{rid}")


def cmd_relation_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        df = project.relations.frame()
    return _print(df, args.fmt)


def cmd_storyline(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.text is None:
            print(project.relations.storyline())
            return 0
        project.relations.set_storyline(args.text)
    return done("已保存故事线", "storyline saved")


#: undo / redo: the verb in Chinese, the past tense in English.
_STEPS = {"undo": ("撤销", "undone"), "redo": ("重做", "redone")}


def _step(args: argparse.Namespace, verb: str) -> int:
    zh, past = _STEPS[verb]
    with open_project(args.project) as project:
        text = getattr(project, verb)(coder=args.coder)
    if text is None:
        print(say(f"没有可{zh}的编辑", f"nothing to {verb}"))
        return 1
    what_zh, what_en = halves(text)
    return done(f"已{zh}：{what_zh}", f"{past}: {what_en}")


def cmd_undo(args: argparse.Namespace) -> int:
    return _step(args, "undo")


def cmd_redo(args: argparse.Namespace) -> int:
    return _step(args, "redo")


def cmd_search(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        df = project.documents.search(args.query, regex=args.regex, **scope_of(args))
    return _print(df, args.fmt)
