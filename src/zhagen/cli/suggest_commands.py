"""``zhagen suggest``: the built-in learner's suggestions, their evaluation and decisions
(thin: parse → one call on ``project.suggestions`` → print).

``zhagen suggest PROJECT [options]`` runs the learner and prints its suggestions;
``--list`` prints the stored open ones instead; ``--evaluate`` measures it against the
coder; ``--accept-above S`` accepts top-1 suggestions scoring at least S once an
evaluation exists. ``zhagen suggest accept|reject PROJECT ID...`` decides on suggestions.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from zhagen.cli.common import open_project
from zhagen.console import print_frame, say

__all__ = ["register"]

_FORMATS = ["table", "csv", "json"]


def register(sub: Any) -> None:
    from zhagen import SuggestParams
    from zhagen.cli.options import add_options
    from zhagen.params import spec

    p = sub.add_parser(
        "suggest",
        help="编码建议（内置离线学习器）/ coding suggestions (built-in offline learner)",
        description="zhagen suggest PROJECT [选项/options] | zhagen suggest accept|reject "
        "PROJECT ID...",
    )
    p.add_argument("words", nargs="+", metavar="PROJECT | accept|reject PROJECT ID",
                   help="项目文件；或 accept/reject 加项目文件和建议编号 / the project file; or "
                   "accept/reject, the project file and suggestion ids")  # fmt: skip
    add_options(p, spec(SuggestParams))
    p.add_argument("--list", action="store_true",
                   help="只列出已保存的待定建议 / list the stored open suggestions only")  # fmt: skip
    p.add_argument("--evaluate", action="store_true",
                   help="按文档留出部分人工编码评估 / evaluate against held-out human coding")  # fmt: skip
    p.add_argument("--accept-above", type=float, default=None, metavar="SCORE",
                   help="接受分数不低于此值的首选建议（须先评估）/ accept top-1 suggestions "
                   "scoring at least SCORE (needs an evaluation)")  # fmt: skip
    p.add_argument("--coder", default=None,
                   help="接受建议的编码者（默认 --from-coder）/ the coder accepting (default: "
                   "--from-coder)")  # fmt: skip
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="table")
    p.set_defaults(func=cmd_suggest)


def cmd_suggest(args: argparse.Namespace) -> int:
    from zhagen import SuggestParams
    from zhagen.cli.options import given
    from zhagen.errors import ParameterError
    from zhagen.params import spec

    words = list(args.words)
    if words[0] in ("accept", "reject"):
        return _decide(words, args)
    if len(words) != 1:
        raise ParameterError(
            f"多余的参数 {words[1:]}；用法：zhagen suggest PROJECT 或 zhagen suggest accept|reject "
            "PROJECT ID...",
            f"unexpected arguments {words[1:]}; usage: zhagen suggest PROJECT or zhagen suggest "
            "accept|reject PROJECT ID...",
        )
    params = given(args, spec(SuggestParams))
    with open_project(words[0]) as project:
        if args.evaluate:
            return _print_evaluation(project.suggestions.evaluate(**params), args.fmt)
        scope = params.get("scope")  # --where / --set
        if args.accept_above is not None and project.suggestions.last_evaluation() is None:
            project.suggestions.accept_above(args.accept_above)  # raises: no evaluation yet
        made = (project.suggestions.list(scope=scope) if args.list
                else project.suggestions.run(**params))  # fmt: skip
        accepted: list[int] = []
        if args.accept_above is not None:
            coder = args.coder or params.get("from_coder") or "default"
            accepted = project.suggestions.accept_above(args.accept_above, coder=coder,
                                                        scope=scope)  # fmt: skip
        rows = [_row(s) for s in made]
    if args.fmt == "json":  # one document
        print(json.dumps({"suggestions": rows, "accepted_codings": accepted},
                         ensure_ascii=False, indent=1))  # fmt: skip
        return 0
    import pandas as pd

    cols = ["id", "document", "sentence", "code", "score", "rank", "source", "rationale"]
    frame = pd.DataFrame(rows, columns=cols)
    if not frame["rationale"].astype(bool).any():
        frame = frame.drop(columns=["rationale"])
    print_frame(frame, args.fmt)
    if args.fmt == "table":
        print(say(f"{len(rows)} 条建议（句子编号从 1 开始）", f"{len(rows)} suggestions "
                  "(sentences numbered from 1)"), file=sys.stderr)  # fmt: skip
        if args.accept_above is not None:
            print(say(f"已接受 {len(accepted)} 条（可用 zhagen undo 一步撤销）",
                      f"accepted {len(accepted)} (one `zhagen undo` takes them back)"))  # fmt: skip
    return 0


def _row(s: Any) -> dict[str, Any]:
    return {"id": s.id, "document": s.document, "sentence": s.sentence + 1,
            "code": s.code_name, "score": round(s.score, 4), "rank": s.rank,
            "source": f"{s.source}:{s.source_version}", "rationale": s.rationale}  # fmt: skip


def _decide(words: list[str], args: argparse.Namespace) -> int:
    from zhagen.errors import ParameterError

    action, rest = words[0], words[1:]
    if len(rest) < 2 or not all(w.isdigit() for w in rest[1:]):
        raise ParameterError(
            f"用法：zhagen suggest {action} PROJECT ID...（ID 为建议编号）",
            f"usage: zhagen suggest {action} PROJECT ID... (ids of suggestions)",
        )
    ids = [int(w) for w in rest[1:]]
    with open_project(rest[0]) as project:
        if action == "accept":
            coder = args.coder or args.from_coder or "default"
            codings = project.suggestions.accept_many(ids, coder=coder)
            out: dict[str, Any] = {"accepted": ids, "codings": codings}
        else:
            for sid in ids:
                project.suggestions.reject(sid)
            out = {"rejected": ids}
    if args.fmt == "json":
        print(json.dumps(out, ensure_ascii=False))
    elif action == "accept":
        print(say(f"已接受建议 {ids}，成为编码 {codings}", f"accepted {ids} as codings {codings}"))
    else:
        print(say(f"已拒绝建议 {ids}（不会再建议）", f"rejected {ids} (never suggested again)"))
    return 0


def _print_evaluation(res: dict[str, Any], fmt: str) -> int:
    import pandas as pd

    if fmt == "json":
        print(json.dumps(res, ensure_ascii=False, indent=1, default=str))
        return 0
    summary = pd.DataFrame([{
        "run": res["run"], "coder": res["coder"], "train": res["n_train"], "test": res["n_test"],
        "kappa": round(res["kappa"], 3), "macro_f1": round(res["macro_f1"], 3),
        "top3_recall": round(res["top3_recall"], 3), "coverage": round(res["coverage"], 3),
    }])  # fmt: skip
    per_code = pd.DataFrame(
        [
            {"code": k, **{m: round(v[m], 3) if m != "support" else v[m] for m in v}}
            for k, v in res["per_code"].items()
        ]  # fmt: skip
    )
    curve = pd.DataFrame(res["curve"])
    if fmt == "csv":
        parts = [summary.assign(section="summary"), per_code.assign(section="per_code"),
                 curve.assign(section="curve")]  # fmt: skip
        frame = pd.concat([x.astype(object) for x in parts], ignore_index=True)
        print_frame(frame[["section", *[c for c in frame.columns if c != "section"]]], "csv")
        return 0
    print_frame(summary, "table")
    print_frame(per_code, "table")
    print(say("学习曲线（按已编码句子的比例训练）", "learning curve (trained on shares of the "
              "coded sentences)"))  # fmt: skip
    print_frame(curve, "table")
    return 0
