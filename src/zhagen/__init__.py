"""扎根 zhagen — from Chinese policy and research texts to a knowledge map and a grounded theory.

>>> import zhagen
>>> zhagen.__version__
'0.1.0'

The public API is ``zhagen.Project`` (``Project.create(path)``) and ``zhagen.open(path)``.
Heavy modules are imported lazily so that ``import zhagen`` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError, ParameterError, ProjectError, ZhagenError

__version__ = "0.1.0"
__all__ = [
    "Project",
    "open",
    "ZhagenError",
    "InputError",
    "ParameterError",
    "ProjectError",
    "__version__",
]

if TYPE_CHECKING:
    from zhagen.project import Project


def open(path: str) -> Project:  # noqa: A001 - the public name the API promises
    """Open an existing project file (see :meth:`zhagen.Project.open`)."""
    from zhagen.project import Project

    return Project.open(path)


def __getattr__(name: str) -> Any:
    if name == "Project":
        from zhagen.project import Project

        return Project
    raise AttributeError(f"module 'zhagen' has no attribute {name!r}")
