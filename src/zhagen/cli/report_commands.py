"""``zhagen tables | saturation | agreement``: the grounded-theory reports (thin)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from zhagen.cli.common import halves, open_project
from zhagen.console import lang, print_frame, say

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
        print(f"{say('编码过程', 'coding')}: {written.chain}")
    for line in written.problems:
        print(f"{say('层级检查', 'level check')}: {say(*halves(line))}")
    for f in written.files:
        print(f"  {f}")
    return 0


def cmd_saturation(args: argparse.Namespace) -> int:
    from zhagen import SaturationParams
    from zhagen.cli.options import given
    from zhagen.params import spec

    with open_project(args.project) as project:
        rep = project.reports.saturation(**given(args, spec(SaturationParams)))
    if args.fmt == "json":  # one document: verdict, documents, warnings and both tables
        import json

        print(json.dumps(rep.to_dict(), ensure_ascii=False, indent=1, default=str))
        return 0
    if args.fmt == "csv":
        print_frame(_saturation_rows(rep), "csv")
        return 0
    ids = ", ".join(map(str, rep.holdout_docs))
    print(say(f"预留文档：{ids}", f"held-out documents: {ids}"))
    if rep.uncoded_holdout:
        left = ", ".join(map(str, rep.uncoded_holdout))
        print(say(f"尚未编码的预留文档：{left}", f"held-out documents not coded yet: {left}"))
    for zh, en in rep.warnings:
        print(say(f"注意：{zh}", f"note: {en}"), file=sys.stderr)
    print_frame(_in_lang(rep.counts), "table")
    if len(rep.new):
        print_frame(_in_lang(rep.new), "table")
    print(say(rep.verdict_zh, rep.verdict_en))
    return 0


def _in_lang(df: Any) -> Any:
    """A table with Chinese and English columns (``reason_zh``/``reason_en``,
    ``level_name``/``level_name_en``) showing the chosen language's only (both: all)."""
    chosen = lang()
    if chosen == "both":
        return df
    drop = {"zh": ["reason_en", "level_name_en"], "en": ["reason_zh", "level_name"]}[chosen]
    return df.drop(columns=[c for c in drop if c in df.columns])


def _saturation_rows(rep: Any) -> Any:
    """The whole report as one CSV table: a ``section`` column (verdict, holdout, warning,
    counts, new) and the union of the sections' columns."""
    import pandas as pd

    verdict = pd.DataFrame([{"section": "verdict", "saturated": rep.saturated,
                             "text_zh": rep.verdict_zh, "text_en": rep.verdict_en,
                             "dated_from": rep.dated_from}])  # fmt: skip
    uncoded = set(rep.uncoded_holdout)
    docs = pd.DataFrame([{"section": "holdout", "id": d, "coded": d not in uncoded}
                         for d in rep.holdout_docs])  # fmt: skip
    notes = pd.DataFrame([{"section": "warning", "text_zh": zh, "text_en": en}
                          for zh, en in rep.warnings])  # fmt: skip
    parts = [verdict, docs, notes, rep.counts.assign(section="counts"),
             rep.new.assign(section="new")]  # fmt: skip
    frame = pd.concat([p.astype(object) for p in parts if len(p)], ignore_index=True)
    return frame[["section", *[c for c in frame.columns if c != "section"]]]


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
