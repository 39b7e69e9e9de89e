"""``zhagen tables | saturation | agreement``: the grounded-theory reports (thin)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zhagen.cli.common import open_project
from zhagen.console import print_frame

__all__ = ["register"]


def register(sub: Any) -> None:
    from zhagen import AgreementParams, SaturationParams, TablesParams
    from zhagen.cli.options import add_options
    from zhagen.params import spec

    p = sub.add_parser("tables", help="论文编码表（XLSX、DOCX 三线表）/ paper coding tables")
    p.add_argument("project")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    add_options(p, spec(TablesParams))
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("saturation", help="理论饱和度检验 / theoretical saturation test")
    p.add_argument("project")
    add_options(p, spec(SaturationParams))
    p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_saturation)

    p = sub.add_parser("agreement", help="编码者间一致性 / inter-coder agreement")
    p.add_argument("project")
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"))
    add_options(p, spec(AgreementParams))
    p.add_argument("--by", choices=["code", "document"], default="code",
                   help="按编码或按编码×文档 / per code or per code × document")  # fmt: skip
    p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_agreement)


def cmd_tables(args: argparse.Namespace) -> int:
    from zhagen import TablesParams
    from zhagen.cli.options import given
    from zhagen.params import spec

    with open_project(args.project) as project:
        written = project.reports.write(Path(args.out), **given(args, spec(TablesParams)))
    if written.chain is not None:
        print(f"编码过程 / coding: {written.chain}")
    for line in written.problems:
        print(f"层级检查 / level check: {line}")
    for f in written.files:
        print(f"  {f}")
    return 0


def cmd_saturation(args: argparse.Namespace) -> int:
    from zhagen import SaturationParams
    from zhagen.cli.options import given
    from zhagen.params import spec

    with open_project(args.project) as project:
        rep = project.reports.saturation(**given(args, spec(SaturationParams)))
    print(f"留出文档 / held-out documents: {', '.join(map(str, rep.holdout_docs))}")
    print_frame(rep.counts, args.fmt)
    if len(rep.new):
        print_frame(rep.new, args.fmt)
    print(rep.verdict)
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from zhagen import AgreementParams
    from zhagen.cli.options import given
    from zhagen.params import spec

    with open_project(args.project) as project:
        res = project.reports.agreement(args.coders, **given(args, spec(AgreementParams)))
    frame = res.by_code if args.by == "code" else res.by_code_document
    import pandas as pd

    print_frame(pd.concat([frame, res.pooled], ignore_index=True), args.fmt)
    return 0
