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
    from zhagen import CLUSTER_OPTIONS

    add_options(p, CLUSTER_OPTIONS)
    p.set_defaults(func=cmd_map)

    e = sub.add_parser("evolution", help="主题演化 / thematic evolution between periods")
    e.add_argument("project")
    e.add_argument("--cuts", required=True,
                   help="各后续时段的起始年，逗号分隔，如 2016,2020 / first years of the later "
                        "periods, e.g. 2016,2020")  # fmt: skip
    e.add_argument("--out", required=True, help="输出文件夹 / output folder")
    add_options(e, _evolution_spec())
    e.set_defaults(func=cmd_evolution)


def _evolution_spec() -> tuple[Any, ...]:
    return tuple(p for p in _spec() if p.name != "years")  # set per period


def cmd_map(args: argparse.Namespace) -> int:
    params = given(args, _spec())
    keep = bool(params.pop("keep_duplicates", False))
    outputs = params.pop("outputs", None)
    if outputs is not None:  # checked before the map is built: a typo costs nothing
        from zhagen import MAP_WRITE_OPTIONS

        MAP_WRITE_OPTIONS[0].check(outputs)
    with open_project(args.project, args.cluster, args.shards) as project:
        km = project.maps.build(keep_duplicates=keep, **params)
    files = km.write(args.out, outputs=outputs)
    s = km.summary
    scope = s.get("scope") or {}
    if scope.get("query"):
        print(say(f"范围：{scope['query']}（{scope['count']} / {scope['total']} 篇）",
                  f"scope: {scope['query']} ({scope['count']} of {scope['total']} documents)"))  # fmt: skip
    for note in s.get("notes", []):
        print(note)
    sil = (s.get("params") or {}).get("silhouette")
    q = f"Q={s['modularity']:.3f}  S={s['silhouette']:.3f}{f' ({sil})' if sil else ''}"
    print(say(
        f"记录 {s['records']}  节点 {s['nodes']}  连线 {s['edges']}  聚类 {s['clusters']}  {q}  "
        f"突现 {s['bursts']}",
        f"records {s['records']}  nodes {s['nodes']}  edges {s['edges']}  clusters "
        f"{s['clusters']}  {q}  bursts {s['bursts']}",
    ))  # fmt: skip
    if (s.get("betweenness") or {}).get("note"):  # estimated: say so where it is read
        print(say(*s["betweenness"]["note"]))
    if s.get("records_without_year") and s.get("year_span"):  # dated maps leave them out
        n = s["records_without_year"]
        print(say(f"{n} 条记录无年份，未计入", f"records without a year, left out: {n}"))
    print(say(f"{len(files)} 个文件写入 {args.out}", f"{len(files)} files written to {args.out}"))
    return 0


def cmd_evolution(args: argparse.Namespace) -> int:
    from zhagen.errors import ParameterError

    try:
        cuts = [int(c) for c in args.cuts.split(",") if c.strip()]
    except ValueError:
        raise ParameterError(f"--cuts 须为逗号分隔的年份，而不是 {args.cuts!r}。",
                             f"--cuts takes years separated by commas, not {args.cuts!r}.") from None  # fmt: skip
    params = given(args, _evolution_spec())
    keep = bool(params.pop("keep_duplicates", False))
    with open_project(args.project) as project:
        evo = project.maps.evolution(cuts, keep_duplicates=keep, **params)
    files = evo.write(args.out)
    e = evo.evolution
    print(say("  →  ".join(f"{p.name}：{len(p.keywords)} 个主题" for p in e.periods),
              "  →  ".join(f"{p.name}: {len(p.keywords)} themes" for p in e.periods)))  # fmt: skip
    print(say(f"演化连线 {len(e.links)}", f"evolution links {len(e.links)}"))
    print(say(f"{len(files)} 个文件写入 {args.out}", f"{len(files)} files written to {args.out}"))
    return 0
