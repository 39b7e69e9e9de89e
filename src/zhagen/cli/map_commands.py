"""``zhagen map``: the knowledge map (thin: parse → project.maps.build → write → print).

Its options are made from the one declaration of the map's parameters
(:class:`zhagen.MapParams`, :data:`zhagen.MAP_RUN_OPTIONS`).
"""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import open_project
from zhagen.cli.options import add_options, given
from zhagen.console import say

__all__ = ["register"]


def _spec() -> tuple[Any, ...]:
    from zhagen import MAP_RUN_OPTIONS, MapParams
    from zhagen.params import spec

    return spec(MapParams) + MAP_RUN_OPTIONS


def register(sub: Any) -> None:
    p = sub.add_parser("map", help="关键词共现知识图谱 / keyword co-occurrence knowledge map")
    p.add_argument("project")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    add_options(p, _spec())
    p.set_defaults(func=cmd_map)


def cmd_map(args: argparse.Namespace) -> int:
    params = given(args, _spec())
    keep = bool(params.pop("keep_duplicates", False))
    with open_project(args.project) as project:
        km = project.maps.build(keep_duplicates=keep, **params)
    files = km.write(args.out)
    s = km.summary
    q = f"Q={s['modularity']:.3f}  S={s['silhouette']:.3f}"
    print(say(
        f"记录 {s['records']}  节点 {s['nodes']}  连线 {s['edges']}  聚类 {s['clusters']}  {q}  "
        f"突现 {s['bursts']}",
        f"records {s['records']}  nodes {s['nodes']}  edges {s['edges']}  clusters "
        f"{s['clusters']}  {q}  bursts {s['bursts']}",
    ))  # fmt: skip
    print(say(f"{len(files)} 个文件写入 {args.out}", f"{len(files)} files written to {args.out}"))
    return 0
