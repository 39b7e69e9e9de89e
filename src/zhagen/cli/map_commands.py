"""``zhagen map``: the knowledge map (thin: parse → Project.map → write → print)."""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import open_project
from zhagen.errors import ParameterError

__all__ = ["register"]


def _years(value: str) -> tuple[int, int]:
    try:
        first, _, last = value.partition("-")
        lo, hi = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"年份范围应写成 2000-2025 / a year range looks like 2000-2025, not {value!r}"
        ) from None
    return (lo, hi)


def register(sub: Any) -> None:
    p = sub.add_parser("map", help="关键词共现知识图谱 / keyword co-occurrence knowledge map")
    p.add_argument("project")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    p.add_argument("--field", choices=["keywords", "terms"], default="keywords")
    p.add_argument("--slice", type=int, default=1, help="每个时间切片的年数 / years per slice")
    sel = p.add_mutually_exclusive_group()
    sel.add_argument("--top", type=int, default=None, help="每切片前 N 个 / top N per slice (50)")
    sel.add_argument("--top-percent", type=float, default=None)
    sel.add_argument("--g-index", type=float, default=None, metavar="K")
    p.add_argument(
        "--link", choices=["cosine", "jaccard", "association", "count"], default="cosine"
    )
    p.add_argument("--prune", choices=["none", "pathfinder", "mst"], default="none")
    p.add_argument("--resolution", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--thesaurus", default=None, help="同义词表 / thesaurus (label<TAB>replace by)")
    p.add_argument("--min-freq", type=int, default=2)
    p.add_argument("--years", type=_years, default=None, metavar="FIRST-LAST")
    p.add_argument("--lang", choices=["zh", "en", "all"], default="all")
    p.add_argument("--burst-s", type=float, default=2.0)
    p.add_argument("--burst-gamma", type=float, default=1.0)
    p.add_argument("--burst-min-duration", type=int, default=1)
    p.add_argument(
        "--burst-terms",
        choices=["all", "nodes"],
        default="all",
        help="对所有词检测突现（默认）或只对节点（同 CiteSpace）/ "
        "detect bursts of all eligible terms (default) or of nodes only (as CiteSpace)",
    )
    p.add_argument(
        "--keep-duplicates", action="store_true", help="保留重复记录 / keep duplicate records"
    )
    p.set_defaults(func=cmd_map)


def cmd_map(args: argparse.Namespace) -> int:
    params = {
        "field": args.field,
        "slice": args.slice,
        "link": args.link,
        "prune": args.prune,
        "resolution": args.resolution,
        "seed": args.seed,
        "thesaurus": args.thesaurus,
        "min_freq": args.min_freq,
        "years": args.years,
        "lang": args.lang,
        "burst_s": args.burst_s,
        "burst_gamma": args.burst_gamma,
        "burst_min_duration": args.burst_min_duration,
        "burst_terms": args.burst_terms,
    }
    if args.top_percent is not None:
        params.update(top=None, top_percent=args.top_percent)
    elif args.g_index is not None:
        params.update(top=None, g_index=args.g_index)
    elif args.top is not None:
        params["top"] = args.top
    if args.slice < 1:
        raise ParameterError("--slice 至少为 1", "--slice must be at least 1")
    with open_project(args.project) as project:
        km = project.maps.build(keep_duplicates=args.keep_duplicates, **params)
    files = km.write(args.out)
    s = km.summary
    print(
        f"记录 / records {s['records']}  节点 / nodes {s['nodes']}  连线 / edges {s['edges']}  "
        f"聚类 / clusters {s['clusters']}  Q={s['modularity']:.3f}  S={s['silhouette']:.3f}  "
        f"突现 / bursts {s['bursts']}"
    )
    print(f"{len(files)} 个文件写入 / files written to {args.out}")
    return 0
