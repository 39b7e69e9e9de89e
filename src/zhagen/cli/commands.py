"""The sub-commands. Each parses its arguments, opens a Project, calls one function, prints."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from zhagen.cli.common import message, open_project
from zhagen.console import lang, say

__all__ = ["register"]


#: Each command's group: the module under ``zhagen.cli`` whose ``register`` adds it (None:
#: this module's own core commands). ``tests/test_cli_groups.py`` checks it against the parser.
GROUPS: dict[str, str | None] = {
    **dict.fromkeys(("new", "add", "check", "docs", "show", "terms", "demo")),
    **dict.fromkeys(("code", "coding", "memo", "redo", "relation", "search", "storyline", "undo"),
                    "coding_commands"),
    "suggest-llm": "llm_commands",
    **dict.fromkeys(("evolution", "map"), "map_commands"),
    **dict.fromkeys(("export-qdc", "export-qdpx", "import-qdc", "import-qdpx"), "qda_commands"),
    "query": "query_commands",
    **dict.fromkeys(("agreement", "saturation", "tables"), "report_commands"),
    **dict.fromkeys(("attr", "set"), "set_commands"),
    "stats": "stats_commands",
    **dict.fromkeys(("report", "run", "study"), "study_commands"),
    "suggest": "suggest_commands",
    "serve": "web_commands",
}  # fmt: skip


def register_only(sub: Any, command: str) -> bool:
    """Add only the group of sub-commands ``command`` belongs to, so that a command does not
    import what the other commands' options are declared in (``zhagen add`` needs no map,
    query or statistics parameters); False (nothing added) for an unknown command, which
    gets the whole parser and so argparse's own message.

    >>> import argparse
    >>> sub = argparse.ArgumentParser().add_subparsers()
    >>> register_only(sub, "coding"), "code" in sub.choices, "map" in sub.choices
    (True, True, False)
    >>> register_only(argparse.ArgumentParser().add_subparsers(), "no-such-command")
    False
    """
    import importlib

    if command not in GROUPS:
        return False
    group = GROUPS[command]
    if group is None:
        _register_core(sub)
    else:
        importlib.import_module(f"zhagen.cli.{group}").register(sub)
    return True


def register(sub: Any) -> None:
    """Add every sub-command to the argparse sub-parsers ``sub``."""
    import importlib

    _register_core(sub)
    for group in dict.fromkeys(g for g in GROUPS.values() if g is not None):
        importlib.import_module(f"zhagen.cli.{group}").register(sub)


def _register_core(sub: Any) -> None:
    """Add this module's own commands: new, add, check, docs, show, terms, demo."""
    p = sub.add_parser("new", help="创建项目 / create a project file")
    p.add_argument("project")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("add", help="导入文件或文件夹 / import files and folders")
    p.add_argument("project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", dest="fmt", default=None, help="覆盖格式识别 / force a format")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="进程数（默认自动）/ worker processes (default: auto)",
    )
    from zhagen import CLUSTER_OPTIONS
    from zhagen.cli.options import add_options

    add_options(p, CLUSTER_OPTIONS)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("check", help="完整检查项目文件 / check the project file in full")
    p.add_argument("project")
    p.set_defaults(func=cmd_check)

    _register_docs(sub)

    p = sub.add_parser("show", help="显示清洗后的文档 / print one cleaned document")
    p.add_argument("project")
    p.add_argument("doc", type=int)
    p.add_argument("--original", action="store_true", help="显示原文 / the text as read")
    p.add_argument("--sentences", action="store_true", help="逐句显示 / one sentence a line")
    p.set_defaults(func=cmd_show)

    _register_terms(sub)

    p = sub.add_parser("demo", help="用示例数据演示 / run the demo on the shipped sample data")
    p.add_argument("--out", default="zhagen-demo", help="输出文件夹 / output folder")
    p.set_defaults(func=cmd_demo)


def _register_docs(sub: Any) -> None:
    """``zhagen docs``: the filters of :meth:`zhagen.project.Documents.find`, problems,
    duplicates."""
    p = sub.add_parser("docs", help="列出文档 / list documents and records")
    p.add_argument("project")
    p.add_argument("--problems", action="store_true", help="列出导入问题 / list import problems")
    p.add_argument("--duplicates", action="store_true", help="列出重复记录 / list duplicates")
    p.add_argument("--q", default="", metavar="TEXT",
                   help="标题、作者、期刊、关键词、摘要或 DOI 含此文本 / text in title, authors, "
                   "venue, keywords, abstract or DOI")  # fmt: skip
    p.add_argument("--type", dest="doc_type", default=None, help="文档类型 / document type")
    p.add_argument("--year", type=int, default=None, help="出版年 / publication year")
    p.add_argument("--source", default=None,
                   help="来源文件（编号、路径或文件名）/ source file (id, path or file name)")  # fmt: skip
    coded = p.add_mutually_exclusive_group()
    coded.add_argument("--coded", dest="coded", action="store_const", const=True, default=None,
                       help="只列已编码的文档 / only documents with codings")  # fmt: skip
    coded.add_argument("--uncoded", dest="coded", action="store_const", const=False,
                       help="只列未编码的文档 / only documents without codings")  # fmt: skip
    p.add_argument("--coder", default=None, help="--coded/--uncoded 只看该编码员 / by this coder")
    from zhagen.cli.options import add_scope

    add_scope(p)  # --where QUERY, --set NAME
    p.add_argument("--offset", type=int, default=0, help="跳过前 N 篇 / skip the first N")
    p.add_argument("--limit", type=int, default=None, help="最多列出 N 篇 / list at most N")
    p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table",
                   help="table：概览、按终端宽度折行；csv/json：全部列、原样 / table: an overview "
                   "wrapped to the terminal; csv/json: every column, exact")  # fmt: skip
    p.set_defaults(func=cmd_docs)


def _register_terms(sub: Any) -> None:
    """``zhagen terms``: discovery (options from ``TermsParams``), decisions, user dictionaries."""
    from zhagen import TermsParams
    from zhagen.cli.options import add_options
    from zhagen.params import spec

    p = sub.add_parser("terms", help="发现新术语 / discover terms the dictionary lacks")
    p.add_argument("project")
    add_options(p, spec(TermsParams))  # declared once, in zhagen.text.terms
    p.add_argument("--accept", nargs="*", default=[], metavar="TERM", help="接受术语 / accept")
    p.add_argument("--reject", nargs="*", default=[], metavar="TERM", help="拒绝术语 / reject")
    p.add_argument(
        "--import-dict",
        default=None,
        metavar="FILE",
        help="导入用户词典（每行：词 [词频] [词性]）/ accept every word of a user dictionary",
    )
    p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_terms)


def cmd_new(args: argparse.Namespace) -> int:
    from zhagen.project import Project

    Project.create(args.project).close()
    print(say(f"已创建 {args.project}", f"created {args.project}"))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    def show(fr: Any) -> None:
        if fr.status == "skipped":
            print(f"  = {fr.path}: {say('已导入过，跳过', 'already imported, skipped')}")
            return
        errors = any(p.severity == "error" for p in fr.problems)
        # ✓ only for a file read without an error: "!" is a file of which some was lost
        mark = "✗" if fr.status == "failed" else ("!" if errors else "✓")
        n = fr.records
        print(f"  {mark} {fr.path}: {say(f'{n} 条', f'{n} records')} ({fr.format or '?'})",
              flush=True)  # fmt: skip
        if fr.resumed:
            print("    " + say(f"接续中断的导入：前 {fr.resumed} 个分块已写入，未再读取",
                               f"resumed a cut-off import: its first {fr.resumed} chunks "
                               "were stored already and not read again"))  # fmt: skip
        for p in fr.problems:
            if p.severity == "error":
                print(f"    ! {message(p)}", file=sys.stderr)
        warnings = sum(1 for p in fr.problems if p.severity == "warning")
        if warnings:
            print("    " + say(f"{warnings} 条提示，见 zhagen docs --problems",
                               f"{warnings} warnings, see `zhagen docs --problems`"))  # fmt: skip
        if fr.duplicates:
            d = fr.duplicates
            print("    " + say(f"{d} 条疑似重复（zhagen docs --duplicates）",
                               f"{d} possible duplicates (zhagen docs --duplicates)"))  # fmt: skip

    with open_project(args.project, args.cluster, args.shards) as project:
        report = project.add(args.paths, format=args.fmt, workers=args.workers, progress=show)
    n_failed = len(report.failed)
    n_errors = sum(
        1
        for f in report.files
        if f.status != "failed" and any(p.severity == "error" for p in f.problems)
    )
    zh = f"，{n_errors} 个文件部分未能读取" if n_errors else ""
    en = f"; {n_errors} file(s) read only in part" if n_errors else ""
    print(say(f"共导入 {report.records} 条，{n_failed} 个文件失败{zh}",
              f"imported {report.records} records; {n_failed} file(s) failed{en}"))  # fmt: skip
    return 0 if report.ok else 1


def cmd_check(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        problems = [r for r in project.check() if r != "ok"]
    if not problems:
        print(f"{args.project}: {say('完好', 'ok')}")
        return 0
    for line in problems:
        print(f"{args.project}: {line}", file=sys.stderr)
    print(f"{args.project}: " + say("项目文件已损坏，请使用 .bak 备份",
                                    "the project file is damaged; use the .bak copy"),
          file=sys.stderr)  # fmt: skip
    return 1


def cmd_docs(args: argparse.Namespace) -> int:
    from zhagen.cli.options import scope_of
    from zhagen.console import print_frame

    with open_project(args.project) as project:
        if args.problems:
            df = project.documents.problems()
            empty = say("没有导入问题", "no import problems")
            if args.fmt == "table" and not df.empty:
                df = _problem_table(df)
        elif args.duplicates:
            df = project.documents.duplicates()
            empty = say("没有疑似重复的记录", "no duplicates")
        else:
            page = project.documents.find(
                args.q,
                type=args.doc_type,
                year=args.year,
                source=int(args.source) if (args.source or "").isdigit() else args.source,
                coded=args.coded,
                coder=args.coder,
                offset=args.offset,
                limit=args.limit,
                **scope_of(args),
            )
            df = page.frame().drop(columns=["keywords_by_lang"])
            if args.fmt == "table":
                df = df[TABLE_DOCUMENT_COLUMNS]
            empty = say("没有符合条件的文档", "no documents match")
    if df.empty and args.fmt == "table":  # one line that says so, not a bare header
        print(empty)
        return 0
    print_frame(df, args.fmt)
    return 0


# The table view is an overview a terminal can show whole; csv and json carry every column.
TABLE_DOCUMENT_COLUMNS = ["id", "source", "record", "type", "year", "title", "authors", "problems"]


def _problem_table(df: Any) -> Any:
    """Problems for reading in a terminal: where (file, record, line), severity, code, and the
    whole message in the chosen language (both: Chinese, then English on the next line), the
    part that says what to do included."""
    import pandas as pd

    def where(row: Any) -> str:
        parts = [str(row.path or "")]
        if pd.notna(row.record):
            parts.append(f"record {int(row.record)}")
        if pd.notna(row.line):
            parts.append(f"line {int(row.line)}")
        return ", ".join(p for p in parts if p)

    rows = list(df.itertuples(index=False))
    return pd.DataFrame(
        {
            "id": [r.id for r in rows],
            "where": [where(r) for r in rows],
            "severity": [r.severity for r in rows],
            "code": [r.code for r in rows],
            "message": [_both_lines(r.zh, r.en) for r in rows],
        }
    )


def _both_lines(zh: str | None, en: str | None) -> str:
    """A message in the chosen language; both: Chinese, then English on the next line."""
    if not (zh and en):
        return zh or en or ""
    return f"{zh}\n{en}" if lang() == "both" else say(zh, en)


def cmd_show(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.sentences:
            # numbered from 1, as people count and as `zhagen coding sentences` takes them
            text = project.documents.text(args.doc)
            for n, (start, end) in enumerate(project.documents.sentence_spans(args.doc), 1):
                print(f"[{n}] {start}-{end}\t{_one_line(text[start:end])}")
            return 0
        doc = project.documents.get(args.doc)
        print(f"# {doc['title']}")
        print(f"# {doc['source']} · record {doc['record']} · {doc['type']} · {doc['year'] or ''}")
        print()
        print(project.documents.text(args.doc, original=args.original))
    return 0


def _one_line(text: str) -> str:
    """A sentence on one line (``show --sentences``): a line break inside it is dropped
    between Chinese characters and becomes a space between Latin words. Offsets printed
    beside it are those of the stored text, which keeps its breaks."""
    import re

    from zhagen.console import display_width

    def join(m: re.Match[str]) -> str:
        before, after = m.group(1), m.group(2)
        wide = display_width(before) == 2 or display_width(after) == 2
        return before + ("" if wide else " ") + after

    return re.sub(r"(\S)\s*\n\s*(\S)", join, text)


def cmd_terms(args: argparse.Namespace) -> int:
    from zhagen import TermsParams
    from zhagen.cli.options import given
    from zhagen.console import print_frame
    from zhagen.params import spec

    with open_project(args.project) as project:
        if args.import_dict:
            n = project.terms.import_dict(args.import_dict)
            print(say(f"已从 {args.import_dict} 接受 {n} 个词",
                      f"accepted {n} words from {args.import_dict}"))  # fmt: skip
            return 0
        if args.accept or args.reject:
            project.terms.decide(accept=args.accept, reject=args.reject)
            print(f"{say('已记录', 'recorded')}: +{len(args.accept)} -{len(args.reject)}")
            return 0
        df = project.terms.discover(**given(args, spec(TermsParams)))
    print_frame(df, args.fmt)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from zhagen.demo import run_demo

    return run_demo(args.out)
