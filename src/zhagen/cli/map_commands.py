"""``zhagen map``: the knowledge map (thin: parse → project.maps.build → write → print).

Its options are made from the one declaration of the map's parameters
(:class:`zhagen.MapParams`, :data:`zhagen.MAP_RUN_OPTIONS`).
"""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import open_project
from zhagen.cli.options import add_options, given

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
    scope = s.get("scope") or {}
    if scope.get("query"):
        print(
            f"范围 / scope: {scope['query']}（{scope['count']} / {scope['total']} 篇 / documents）"
        )
    for note in s.get("notes", []):
        print(f"注意 / note: {note}")
    print(
        f"记录 / records {s['records']}  节点 / nodes {s['nodes']}  连线 / edges {s['edges']}  "
        f"聚类 / clusters {s['clusters']}  Q={s['modularity']:.3f}  S={s['silhouette']:.3f}  "
        f"突现 / bursts {s['bursts']}"
    )
    print(f"{len(files)} 个文件写入 / files written to {args.out}")
    return 0
