"""REFI-QDA sub-commands: ``import-qdpx``, ``export-qdpx``, ``import-qdc``, ``export-qdc``.

Thin: parse → open (or create) the project → one call of :mod:`zhagen.qda` → print.
``import-qdpx`` and ``import-qdc`` create the project file when it does not exist yet (and
remove it again when the import fails, so a failed first import leaves nothing behind).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zhagen.cli.common import halves, open_project
from zhagen.console import say
from zhagen.errors import ParameterError

__all__ = ["register", "parse_coder_map"]


def register(sub: Any) -> None:
    """Add the REFI-QDA sub-commands to the argparse sub-parsers ``sub``."""
    p = sub.add_parser(
        "import-qdpx",
        help="导入 REFI-QDA 项目 .qdpx 或单独的 .qde（NVivo/ATLAS.ti/MAXQDA）/ "
        "import a .qdpx project or a bare .qde",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("project", metavar="PROJECT", help="不存在则新建 / created if missing")
    p.add_argument(
        "--coder-map",
        nargs="+",
        default=[],
        metavar="OLD=NEW",
        help="把用户改名为编码员 / rename users as they become coders",
    )
    p.add_argument(
        "--coder-from",
        choices=["auto", "coding", "selection"],
        default="auto",
        help="编码员取自 Coding@creatingUser 还是选区创建者 / where the coder is read "
        "(auto: the selection for NVivo and zhagen, else the coding)",
    )
    p.set_defaults(func=cmd_import_qdpx)

    p = sub.add_parser("export-qdpx", help="导出 REFI-QDA 项目 / export a .qdpx project")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--all-documents", action="store_true", help="包括未编码的文档 / also uncoded documents"
    )
    p.add_argument(
        "--nvivo",
        action="store_true",
        help="位置写为 UTF-16 码元（NVivo 如此读取）/ positions in UTF-16 code units, as NVivo "
        "reads them (default: Unicode code points, as the standard says)",
    )
    p.add_argument("--coder", default=None, help="只导出该编码员的编码 / one coder's codings only")
    p.set_defaults(func=cmd_export_qdpx)

    p = sub.add_parser("import-qdc", help="导入 REFI-QDA 代码本 / import a .qdc codebook")
    p.add_argument("file", metavar="FILE")
    p.add_argument("project", metavar="PROJECT", help="不存在则新建 / created if missing")
    p.set_defaults(func=cmd_import_qdc)

    p = sub.add_parser("export-qdc", help="导出 REFI-QDA 代码本 / export a .qdc codebook")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_export_qdc)


def parse_coder_map(pairs: list[str]) -> dict[str, str]:
    """``["OLD=NEW", ...]`` → ``{"OLD": "NEW"}``; ParameterError for a malformed pair.

    >>> parse_coder_map(["Gergo=甲", "floriansipos = 乙"])
    {'Gergo': '甲', 'floriansipos': '乙'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ParameterError(
                f"--coder-map 的「{pair}」应写成 原名=新名",
                f"--coder-map {pair!r} should look like OLD=NEW",
            )
        out[old.strip()] = new.strip()
    return out


@contextmanager
def _project_for_import(path: str) -> Iterator[Any]:
    """Open ``path``, or create it; a project created here is removed if the import fails."""
    from zhagen.project import Project

    if os.path.exists(path):
        with Project.open(path) as project:
            yield project
        return
    project = Project.create(path)
    print(say(f"已创建 {path}", f"created {path}"))
    try:
        yield project
    except BaseException:
        project.close()
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        raise
    project.close()


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    coder_map = parse_coder_map(args.coder_map)
    with _project_for_import(args.project) as project:
        report = project.import_qdpx(args.file, coder_map=coder_map, coder_from=args.coder_from)
    print(say(f"已导入 {args.file} → {args.project}", f"imported {args.file} → {args.project}"))
    for line in report.lines():
        print(say(*halves(line)))
    if report.lost:
        print(f"{args.file}: " + say("部分编码或文本源未导入（见上），退出码为 1",
                                     "some codings or text sources were not imported (see "
                                     "above); exit code 1"), file=sys.stderr)  # fmt: skip
        return 1
    return 0


def cmd_export_qdpx(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        r = project.export_qdpx(
            args.file, coder=args.coder, all_documents=args.all_documents, nvivo=args.nvivo
        )
    print(say(
        f"已导出 {r.path}：文档 {r.documents}、编码 {r.codes}、编码记录 {r.codings}、"
        f"备忘录 {r.memos}、关系 {r.relations}、用户 {r.users}、原样写回 {r.kept}",
        f"exported {r.path}: documents {r.documents}, codes {r.codes}, codings {r.codings}, "
        f"memos {r.memos}, relations {r.relations}, users {r.users}, kept as read {r.kept}",
    ))  # fmt: skip
    return 0


def cmd_import_qdc(args: argparse.Namespace) -> int:
    with _project_for_import(args.project) as project:
        report = project.import_qdc(args.file)
    print(say(
        f"已导入代码本 {args.file}：新编码 {report.codes}，已有 {report.codes_reused}",
        f"imported codebook {args.file}: new codes {report.codes}, reused "
        f"{report.codes_reused}",
    ))  # fmt: skip
    for line in report.warnings:
        print(f"  ! {say(*halves(line))}")
    return 0


def cmd_export_qdc(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        n = project.export_qdc(args.file)
    print(say(f"已导出代码本 {args.file}：{n} 个编码", f"exported codebook {args.file}: {n} codes"))
    return 0
