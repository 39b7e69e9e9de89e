"""The command line: ``zhagen COMMAND ...``. Thin: parse → Project → one call → print.

Errors from the library (:class:`zhagen.ZhagenError`) are turned into one clean line on
stderr by :func:`zhagen.cli.common.print_error`, in one place; exit codes: 0 ok, 1 nothing could
be done, 2 bad usage, 3 disk full (free space and retry: nothing was lost).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence

from zhagen.cli.common import print_error
from zhagen.errors import ZhagenError, disk_full

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    from zhagen._version import __version__
    from zhagen.cli import commands

    parser = argparse.ArgumentParser(
        prog="zhagen",
        description="扎根 zhagen：从中文政策与研究文本到知识图谱与扎根理论 / "
        "from Chinese policy and research texts to a knowledge map and a grounded theory",
    )
    parser.add_argument("--version", action="version", version=f"zhagen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zhagen`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ZhagenError as exc:
        return print_error(exc)
    except BrokenPipeError:  # `zhagen docs p | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except (sqlite3.Error, OSError) as exc:
        full = disk_full(exc)
        if full is None:
            raise
        return print_error(full)
    except KeyboardInterrupt:
        print("zhagen: 已中断 / interrupted", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush of
    what is still buffered finds no closed pipe (and prints no second error)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (a test's capture)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
