"""``zhagen stats``: descriptive bibliometrics (thin: parse → project.stats → write → print).

Its options are made from the one declaration of its parameters
(:class:`zhagen.StatsParams`). ``--format json`` prints one JSON document (every number
with its definition, and the files written); ``--format table`` prints the main numbers
and the tables.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from zhagen.cli.common import open_project
from zhagen.cli.options import add_options, given
from zhagen.console import say

__all__ = ["register"]


def _spec() -> tuple[Any, ...]:
    from zhagen import StatsParams
    from zhagen.params import spec

    return spec(StatsParams)


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="文献计量描述统计 / descriptive bibliometrics")
    p.add_argument("project")
    p.add_argument("--out", help="输出文件夹（表格、图、stats.json）/ output folder")
    p.add_argument("--format", dest="fmt", choices=["table", "json"], default="table",
                   help="屏幕输出格式 / what is printed: table or one JSON document")  # fmt: skip
    add_options(p, _spec())
    p.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    params = given(args, _spec())
    with open_project(args.project) as project:
        result = project.stats(**params)
    files = [str(f) for f in result.write(args.out)] if args.out else []
    if args.fmt == "json":
        json.dump({**result.to_json(), "files": files}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    _print_tables(result)
    if args.out:
        print(
            say(f"{len(files)} 个文件写入 {args.out}", f"{len(files)} files written to {args.out}")
        )
    return 0


def _print_tables(result: Any) -> None:
    from zhagen.console import print_frame

    s = result.to_json()
    price, lotka, bradford = s["price"], s["lotka"], s["bradford"]
    lines = [
        f"记录 / records {s['records']['value']}（无年份 / undated {s['records']['undated']}）",
        f"作者 / authors {s['authors']['distinct']}  机构 / institutions "
        f"{s['institutions']['distinct']}  来源 / venues {s['venues']['distinct']}",
        f"普赖斯 / Price: n_max={price['n_max']} m={price['m']} 核心作者 / core "
        f"{price['core_authors']} 占比 / share {price['core_share']}",
        f"洛特卡 / Lotka: n={lotka['exponent_n']} C={lotka['c']} R²={lotka['r2']}",
        f"布拉德福 / Bradford: 各区来源数 / venues per zone "
        f"{[z['venues'] for z in bradford['zones']]} k={bradford['multiplier']}",
    ]
    print("\n".join(lines))
    for table in result.tables().values():
        print(f"\n{table.caption}")
        if len(table.frame):
            print_frame(table.frame, "table")
        print(table.note)
