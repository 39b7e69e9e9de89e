"""What every sub-command shares: opening the project and printing an error."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from zhagen.errors import ZhagenError

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["open_project", "print_error", "done"]


def open_project(path: str) -> Project:
    """The project file ``path``, opened (use it in a ``with`` block)."""
    from zhagen.project import Project

    return Project.open(path)


def print_error(exc: ZhagenError) -> int:
    """Print a library error as one line on stderr (both languages); return the exit code:
    3 for a full disk (free space and retry: nothing was lost), else 1."""
    from zhagen.errors import DiskFullError

    print(f"zhagen: {exc.message}", file=sys.stderr)
    return 3 if isinstance(exc, DiskFullError) else 1


def done(zh: str, en: str) -> int:
    """Print what a command did, in both languages; return exit code 0."""
    print(f"{zh} / {en}")
    return 0
