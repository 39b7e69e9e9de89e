"""``zhagen study init`` and ``zhagen run``: a whole study from one ``study.toml``.

Thin: parse → :mod:`zhagen.study` → print. A progress line (with the running step's time) is
drawn on standard error only when it is a terminal; the closing table of steps, their status
and timings is always printed.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any, TextIO

from zhagen.cli.common import open_project
from zhagen.console import say

__all__ = ["register", "Progress"]


def register(sub: Any) -> None:
    p = sub.add_parser("study", help="研究文件（study.toml）/ the study file (study.toml)")
    ss = p.add_subparsers(dest="study_command", metavar="ACTION", required=True)
    q = ss.add_parser("init", help="从已有项目生成 study.toml / write study.toml from a project")
    q.add_argument("project")
    q.add_argument("--out", default=None,
                   help="研究文件路径（默认项目旁的 study.toml）/ the study file (default: "
                   "study.toml beside the project)")  # fmt: skip
    q.add_argument(
        "--overwrite", action="store_true", help="覆盖已有文件 / replace an existing file"
    )
    q.set_defaults(func=cmd_study_init)

    p = sub.add_parser("run", help="运行研究文件：构建项目与全部输出 / run a study file: build "
                       "the project and every output")  # fmt: skip
    p.add_argument("study", metavar="STUDY.toml")
    p.add_argument("--force", action="append", default=[], metavar="STEP",
                   help="即使未变也重新运行该步骤（可重复；all 为全部）/ run this step even when "
                   "unchanged (repeatable; all: every step)")  # fmt: skip
    p.add_argument("--check", action="store_true",
                   help="在临时文件夹重跑并与记录的哈希比较，有变化时退出码 1 / re-run into a "
                   "scratch folder and compare with the recorded hashes; exit 1 if any changed")  # fmt: skip
    p.add_argument("--scratch", default=None, metavar="DIR",
                   help="--check 的临时文件夹 / the scratch folder of --check")  # fmt: skip
    p.add_argument("--tolerance", type=float, default=0.001,
                   help="--check：PNG 允许不同的像素比例 / --check: share of a PNG's pixels "
                   "that may differ")  # fmt: skip
    p.add_argument("--report", default=None, metavar="DIR",
                   help="运行后写出研究报告（同 zhagen report）/ write the report after the run "
                   "(as `zhagen report` does)")  # fmt: skip
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("report", help="研究报告（DOCX 与离线 HTML）：方法与结果部分 / the study's "
                       "report (DOCX and offline HTML): method and results sections")  # fmt: skip
    p.add_argument("study", metavar="STUDY.toml")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="报告文件夹（默认研究输出文件夹中的 report）/ the report folder (default: "
                   "report in the study's output folder)")  # fmt: skip
    p.add_argument("--examples", type=int, default=2, metavar="N",
                   help="开放式编码表中每个初始概念的例句数（默认 2）/ example sentences per "
                   "concept in the open-coding table (default 2)")  # fmt: skip
    p.set_defaults(func=cmd_report)


def cmd_study_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from zhagen.study import init_study

    out = Path(args.out) if args.out else Path(args.project).resolve().parent / "study.toml"
    with open_project(args.project) as project:
        written = init_study(project, out, overwrite=args.overwrite)
    print(say(f"已写出 {written}", f"written: {written}"))
    return 0


class Progress:
    """A progress line on a terminal: the step, its number and the seconds it has run,
    redrawn twice a second by a thread while the step runs; silent elsewhere."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.live = bool(getattr(self.out, "isatty", lambda: False)())
        self._text = ""
        self._since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, event: Any) -> None:
        if not self.live:
            return
        if event.what == "build":
            self._line(say(f"导入 {event.index}/{event.total}：{event.detail}",
                           f"importing {event.index}/{event.total}: {event.detail}"))  # fmt: skip
        elif event.what == "start":
            self._text = f"[{event.index}/{event.total}] {event.step}"
            self._since = time.monotonic()
            self._start()
        elif event.what in ("done", "skip"):
            self._halt()
            end = (f"{event.seconds:.1f}s" if event.what == "done" else say("未变，跳过", "unchanged, skipped"))  # fmt: skip
            self._line(f"[{event.index}/{event.total}] {event.step}  {end}", final=True)

    def _line(self, text: str, final: bool = False) -> None:
        self.out.write("\r\x1b[2K" + text + ("\n" if final else ""))
        self.out.flush()

    def _start(self) -> None:
        self._stop.clear()

        def tick() -> None:
            while not self._stop.wait(0.5):
                self._line(f"{self._text}  {time.monotonic() - self._since:.0f}s …")

        self._line(f"{self._text} …")
        self._thread = threading.Thread(target=tick, daemon=True)
        self._thread.start()

    def _halt(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self._halt()


def cmd_run(args: argparse.Namespace) -> int:
    from zhagen.study import check_study, run_study

    progress = Progress()
    try:
        if args.check:
            result = check_study(args.study, scratch=args.scratch, progress=progress,
                                 tolerance=args.tolerance)  # fmt: skip
            for rel, why in result.changed.items():
                print(say(f"已变：{rel}（{why}）", f"changed: {rel} ({why})"))
            n = len(result.compared)
            if result.ok:
                print(say(f"{n} 个输出与记录一致", f"{n} outputs match the record"))
                return 0
            print(say(f"{len(result.changed)}/{n} 个输出有变化（重跑结果在 {result.scratch}）",
                      f"{len(result.changed)} of {n} outputs changed (the re-run is in "
                      f"{result.scratch})"))  # fmt: skip
            return 1
        run = run_study(args.study, force=args.force, progress=progress)
    finally:
        progress.close()
    width = max([len(s.name) for s in run.steps] + [4])
    for s in run.steps:
        status = say("运行", "ran") if s.status == "ran" else say("跳过", "skipped")
        print(f"{s.name:<{width}}  {s.kind:<14}  {status:<8}  {s.seconds:8.2f}s  {len(s.outputs)}")
    for name in run.data["build"]["unlisted_sources"]:
        print(say(f"注意：项目中有研究文件未列出的文件 {name}（仅凭研究文件无法重建它）",
                  f"note: the project holds a file the study does not list: {name} (the study "
                  "alone cannot rebuild it)"), file=sys.stderr)  # fmt: skip
    build = run.data["build"]["seconds"]
    print(say(f"构建项目 {build:.2f}s；运行 {len(run.ran)} 步，跳过 {len(run.steps) - len(run.ran)} 步；"
              f"清单：{run.manifest}",
              f"project built in {build:.2f}s; {len(run.ran)} steps ran, "
              f"{len(run.steps) - len(run.ran)} skipped; manifest: {run.manifest}"))  # fmt: skip
    if args.report:
        args.out, args.examples = args.report, 2
        return cmd_report(args)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report of the study's last run (``zhagen run`` writes the manifest it reads)."""
    from pathlib import Path

    from zhagen.study import load_study, write_report

    out = Path(args.out) if args.out else load_study(args.study, check_files=False).out / "report"
    report, files = write_report(args.study, out, examples=args.examples)
    for zh, en in report.warnings:
        print(say(zh, en), file=sys.stderr)
    print(say(f"图 {report.figures} 幅，表 {report.tables} 张；已写出 {files[0]} 与 {files[1]}",
              f"{report.figures} figures, {report.tables} tables; written: {files[0]} and "
              f"{files[1]}"))  # fmt: skip
    return 0
