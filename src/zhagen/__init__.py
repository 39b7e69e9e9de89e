"""扎根 zhagen — from Chinese policy and research texts to a knowledge map and a grounded theory.

>>> import zhagen
>>> zhagen.__version__
'0.1.0'

The public API is ``zhagen.Project`` (``Project.create(path)``) and ``zhagen.open(path)``.
Heavy modules are imported lazily so that ``import zhagen`` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhagen._version import __version__
from zhagen.errors import InputError, ParameterError, ProjectError, ZhagenError

__all__ = [
    "Project",
    "open",
    "ZhagenError",
    "InputError",
    "ParameterError",
    "ProjectError",
    "MapParams",
    "MAP_RUN_OPTIONS",
    "CLUSTER_OPTIONS",
    "MAP_WRITE_OPTIONS",
    "SaturationParams",
    "AgreementParams",
    "TablesParams",
    "TermsParams",
    "WordsParams",
    "SearchParams",
    "MatrixParams",
    "FrameworkParams",
    "CooccurrenceParams",
    "StatsParams",
    "Scope",
    "ScopeError",
    "SuggestParams",
    "QueueParams",
    "LLMParams",
    "__version__",
]


if TYPE_CHECKING:
    from zhagen.mapping.model import MapParams
    from zhagen.project import Project


def open(path: str) -> Project:  # noqa: A001 - the public name the API promises
    """Open an existing project file (see :meth:`zhagen.Project.open`)."""
    from zhagen.project import Project

    return Project.open(path)


def __getattr__(name: str) -> Any:
    if name == "Project":
        from zhagen.project import Project

        return Project
    # the parameter declarations of the analyses (see zhagen.params), for the faces
    if name in ("MapParams", "MAP_RUN_OPTIONS"):
        from zhagen.mapping import model

        return getattr(model, "RUN_OPTIONS" if name == "MAP_RUN_OPTIONS" else name)
    if name == "CLUSTER_OPTIONS":  # --cluster of `add` and `map` (zhagen.cluster)
        from zhagen.cluster import CLUSTER_OPTIONS

        return CLUSTER_OPTIONS
    if name == "MAP_WRITE_OPTIONS":  # what `zhagen map` writes (--outputs), not the map's
        from zhagen.report.mapfiles import WRITE_OPTIONS

        return WRITE_OPTIONS
    if name == "SaturationParams":
        from zhagen.coding.saturation import SaturationParams

        return SaturationParams
    if name == "TablesParams":
        from zhagen.report.tables import TablesParams

        return TablesParams
    if name == "TermsParams":
        from zhagen.text.terms import TermsParams

        return TermsParams
    if name in ("SuggestParams", "QueueParams"):
        from zhagen.suggest import params as suggest_params

        return getattr(suggest_params, name)
    if name == "StatsParams":
        from zhagen.biblio.stats import StatsParams

        return StatsParams
    if name in ("Scope", "ScopeError"):  # which documents an analysis is about
        from zhagen import scope

        return getattr(scope, name)
    if name == "AgreementParams":
        from zhagen.coding.agreement import AgreementParams

        return AgreementParams
    if name in (
        "WordsParams",
        "SearchParams",
        "MatrixParams",
        "FrameworkParams",
        "CooccurrenceParams",
    ):
        from zhagen.queries import params as query_params

        return getattr(query_params, name)
    if name == "LLMParams":
        from zhagen.suggest.llm.params import LLMParams

        return LLMParams
    raise AttributeError(f"module 'zhagen' has no attribute {name!r}")
