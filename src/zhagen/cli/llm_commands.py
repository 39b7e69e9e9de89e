"""``zhagen suggest-llm``: suggestions from an OpenAI-compatible endpoint (thin).

Nothing is sent unless ``--endpoint`` is given; an endpoint off this machine is refused until
``--yes-send-to-remote`` confirms it once for the project (the notice says what is sent).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from zhagen.cli.common import open_project
from zhagen.console import print_frame, say

__all__ = ["register"]

#: The columns printed for the suggestions of a run (``--format table``).
_COLUMNS = ("document", "sentence", "code", "score", "rank", "quote", "rationale")


def register(sub: Any) -> None:
    from zhagen import LLMParams
    from zhagen.cli.options import add_options
    from zhagen.params import spec

    p = sub.add_parser(
        "suggest-llm",
        help="用语言模型端点提出编码建议（不改动编码）/ coding suggestions from a language "
        "model endpoint (codings are not changed)",
    )
    p.add_argument("project")
    add_options(p, spec(LLMParams))
    p.add_argument("--doc", dest="doc_ids", type=int, nargs="*", default=None, metavar="ID",
                   help="只用这些文档 / only these documents")  # fmt: skip
    p.add_argument("--yes-send-to-remote", dest="remote", action="store_true",
                   help="确认可以把文本发送到非本机端点（每个项目每个地址一次）/ confirm that text "
                   "may go to an endpoint off this machine (once per project and address)")  # fmt: skip
    p.add_argument("--dry-run", action="store_true",
                   help="只显示将发送的内容，不发送 / show what would be sent; send nothing")  # fmt: skip
    p.add_argument("--format", dest="fmt", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_suggest_llm)


def cmd_suggest_llm(args: argparse.Namespace) -> int:
    from zhagen import LLMParams
    from zhagen.cli.options import given
    from zhagen.params import spec

    params = given(args, spec(LLMParams))
    if args.dry_run:
        return _dry_run(args, params)
    with open_project(args.project) as project:
        endpoint = params.get("endpoint") or ""
        if args.remote and endpoint and not project.llm.remote_confirmed(endpoint):
            print(say(*project.llm.remote_notice(endpoint)), file=sys.stderr)
        run = project.llm.run(doc_ids=args.doc_ids, confirm_remote=args.remote, **params)
        names = dict(zip(project.codes()["id"], project.codes()["name"], strict=True))
    if args.fmt == "json":
        data = {"task": run.task, "model": run.model, "endpoint": run.endpoint,
                "summary": run.summary(), "suggestions": run.suggestions,
                "proposals": run.proposals, "problems": run.problems}  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 1 if run.failed == run.requests and run.requests else 0
    for problem in run.problems:
        print(say(problem["zh"], problem["en"]), file=sys.stderr)
    if run.suggestions:
        import pandas as pd

        rows = [{**s, "sentence": s["sentence"] + 1,
                 "code": names.get(s["code"], s["new_code"]) if s["code"] else s["new_code"]}
                for s in run.suggestions]  # fmt: skip
        print_frame(pd.DataFrame(rows, columns=list(_COLUMNS)), "table")
    for proposal in run.proposals:
        _print_proposal(proposal)
    s = run.summary()
    print(say(
        f"请求 {s['requests']} 个（发送 {s['sent']}，缓存 {s['cached']}，失败 {s['failed']}）；"
        f"建议 {s['suggestions']} 条，尚未成为编码",
        f"{s['requests']} request(s) ({s['sent']} sent, {s['cached']} cached, {s['failed']} "
        f"failed); {s['suggestions']} suggestion(s), not codings until accepted",
    ))  # fmt: skip
    return 1 if run.failed == run.requests and run.requests else 0


def _dry_run(args: argparse.Namespace, params: dict[str, Any]) -> int:
    with open_project(args.project) as project:
        requests = project.llm.preview(doc_ids=args.doc_ids, **params)
    if args.fmt == "json":
        print(json.dumps(requests, ensure_ascii=False, indent=1))
        return 0
    for i, r in enumerate(requests, 1):
        state = (
            say("已缓存，不发送", "cached, not sent")
            if r["cached"]
            else say("将发送", "would be sent")
        )
        print(f"=== {say('请求', 'request')} {i}/{len(requests)} ({state}) {r['prompt_hash'][:12]}")
        for m in r["messages"]:
            print(f"--- {m['role']}")
            print(m["content"])
    sent = sum(not r["cached"] for r in requests)
    print(say(f"共 {len(requests)} 个请求，其中 {sent} 个将发送；未发送任何内容",
              f"{len(requests)} request(s), {sent} would be sent; nothing was sent"))  # fmt: skip
    return 0


def _print_proposal(p: dict[str, Any]) -> None:
    if p["kind"] == "category":
        members = "、".join(p["concepts"])
        print(f"{say('范畴', 'category')} {p['name']}: {members}")
        print(f"  {say('理由', 'reason')}: {p['reason']}")
        return
    print(f"{say('核心范畴', 'core category')}: {p['core_category']}")
    print(p["storyline"])
    for link in p["links"]:
        print(f"  {link['from']} → {link['to']}: {link['relation']}")
