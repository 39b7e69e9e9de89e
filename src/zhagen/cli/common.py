"""What every sub-command shares: opening the project, printing a message in the chosen
language (:func:`zhagen.console.say`) and printing an error."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from zhagen.console import say
from zhagen.errors import ZhagenError, where

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["open_project", "print_error", "done", "message", "halves"]


def open_project(path: str, cluster: str | None = None, shards: str | None = None) -> Project:
    """The project file ``path``, opened (use it in a ``with`` block); ``cluster`` and
    ``shards``: the ``--cluster`` and ``--shards`` given (else ``ZHAGEN_CLUSTER`` and
    ``ZHAGEN_SHARDS``; see :data:`zhagen.CLUSTER_OPTIONS`)."""
    from zhagen.project import Project

    return Project.open(path, cluster=cluster, shards=shards)


def message(item: Any) -> str:
    """An error or a problem (anything with ``zh``, ``en`` and optionally ``file``,
    ``record``, ``line``) as one line in the chosen language, its location first."""
    loc = where(getattr(item, "file", None), getattr(item, "record", None),
                getattr(item, "line", None))  # fmt: skip
    return f"{loc + ': ' if loc else ''}{say(item.zh, item.en)}"


def halves(text: str) -> tuple[str, str]:
    """The Chinese and English halves of a ``中文 / English`` text made by the library (an
    undo description); a text that does not split in exactly two is both halves.

    >>> halves("添加编码「政策」 / add code '政策'"), halves("a / b / c")
    (('添加编码「政策」', "add code '政策'"), ('a / b / c', 'a / b / c'))
    """
    parts = text.split(" / ")
    return (parts[0], parts[1]) if len(parts) == 2 else (text, text)


def print_error(exc: ZhagenError) -> int:
    """Print a library error as one line on stderr (in the chosen language); return the exit
    code: 3 for a full disk (free space and retry: nothing was lost), else 1."""
    from zhagen.errors import DiskFullError

    print(f"zhagen: {message(exc)}", file=sys.stderr)
    return 3 if isinstance(exc, DiskFullError) else 1


def done(zh: str, en: str) -> int:
    """Print what a command did, in the chosen language; return exit code 0."""
    print(say(zh, en))
    return 0
