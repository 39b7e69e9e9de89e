"""``zhagen map``: the knowledge map of any node type (thin: parse → project.maps.build →
write → print).

Its options are made from the one declaration of the map's parameters
(:class:`zhagen.MapParams`, :data:`zhagen.MAP_RUN_OPTIONS`) and of what it writes
(:data:`zhagen.MAP_WRITE_OPTIONS`: ``--outputs``).
"""

from __future__ import annotations

import argparse
from typing import Any

from zhagen.cli.common import open_project
from zhagen.cli.options import add_options, given
from zhagen.console import say

__all__ = ["register"]


def _spec() -> tuple[Any, ...]:
    from zhagen import MAP_RUN_OPTIONS, MAP_WRITE_OPTIONS, MapParams
    from zhagen.params import spec

    return spec(MapParams) + MAP_RUN_OPTIONS + MAP_WRITE_OPTIONS


def register(sub: Any) -> None:
    p = sub.add_parser(
        "map",
        help="知识图谱：关键词共现、作者/机构合作、共被引、耦合（--nodes）/ knowledge map: keyword "
        "co-occurrence, co-authorship, co-citation, coupling (--nodes)",
    )
    p.add_argument("project")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    add_options(p, _spec())
    p.set_defaults(func=cmd_map)


def cmd_map(args: argparse.Namespace) -> int:
    params = given(args, _spec())
    keep = bool(params.pop("keep_duplicates", False))
    outputs = params.pop("outputs", None)
    if outputs is not None:  # checked before the map is built: a typo costs nothing
        from zhagen import MAP_WRITE_OPTIONS

        MAP_WRITE_OPTIONS[0].check(outputs)
    with open_project(args.project) as project:
        km = project.maps.build(keep_duplicates=keep, **params)
    files = km.write(args.out, outputs=outputs)
    s = km.summary
    sil = (s.get("params") or {}).get("silhouette")
    q = f"Q={s['modularity']:.3f}  S={s['silhouette']:.3f}{f' ({sil})' if sil else ''}"
    print(say(
        f"记录 {s['records']}  节点 {s['nodes']}  连线 {s['edges']}  聚类 {s['clusters']}  {q}  "
        f"突现 {s['bursts']}",
        f"records {s['records']}  nodes {s['nodes']}  edges {s['edges']}  clusters "
        f"{s['clusters']}  {q}  bursts {s['bursts']}",
    ))  # fmt: skip
    if s.get("records_without_year") and s.get("year_span"):  # dated maps leave them out
        n = s["records_without_year"]
        print(say(f"{n} 条记录无年份，未计入", f"records without a year, left out: {n}"))
    print(say(f"{len(files)} 个文件写入 {args.out}", f"{len(files)} files written to {args.out}"))
    return 0
