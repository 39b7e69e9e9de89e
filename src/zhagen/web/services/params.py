"""The options of every analysis the workbench runs, made from their one declaration.

Each analysis declares its parameters once (:mod:`zhagen.params`: ``MapParams``,
``SaturationParams``, ``AgreementParams``, ``TablesParams``, ``TermsParams``). From that
declaration this module makes, for any of them, the web form (:func:`form`, served as
``GET /api/params/<analysis>``), the API's query fields (``zhagen.web.routes.analysis_query``)
and the check of what a request sent (:func:`parse`: a 400 ``parameter`` error in Chinese
and English). Adding a parameter to an analysis changes none of this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhagen.web.errors import WebError

__all__ = ["ANALYSES", "declaration", "fields", "form", "parse"]

#: Analysis name (as in ``/api/params/<name>``) → (its parameter class's name in
#: ``zhagen``, run options that are not the analysis's own: ``zhagen.MAP_RUN_OPTIONS``).
ANALYSES: dict[str, tuple[str, str | None]] = {
    "maps": ("MapParams", "MAP_RUN_OPTIONS"),
    "saturation": ("SaturationParams", None),
    "agreement": ("AgreementParams", None),
    "tables": ("TablesParams", None),
    "terms": ("TermsParams", None),
    "words": ("WordsParams", None),
    "search": ("SearchParams", None),
    "matrix": ("MatrixParams", None),
    "framework": ("FrameworkParams", None),
    "cooccurrence": ("CooccurrenceParams", None),
    "suggestions": ("QueueParams", None),
}


def declaration(analysis: str) -> tuple[type, tuple[Any, ...]]:
    """The parameter class of ``analysis`` and every parameter the web offers for it."""
    import zhagen
    from zhagen.params import spec

    if analysis not in ANALYSES:
        names = ", ".join(ANALYSES)
        raise WebError(404, "not_found", f"没有分析 {analysis!r}；可用：{names}",
                       f"there is no analysis {analysis!r}; known: {names}")  # fmt: skip
    cls_name, extra = ANALYSES[analysis]
    cls = getattr(zhagen, cls_name)
    params = spec(cls) + (tuple(getattr(zhagen, extra)) if extra else ())
    return cls, tuple(p for p in params if p.web)


def fields(analysis: str) -> list[str]:
    """The names of the parameters the web offers for ``analysis``, in declaration order."""
    return [p.name for p in declaration(analysis)[1]]


def form(analysis: str) -> dict[str, dict[str, Any]]:
    """The form of ``analysis``: name → type, default, choices, bounds, exclusive group,
    labels and help in Chinese and English."""
    return {p.name: p.to_json() for p in declaration(analysis)[1]}


def parse(analysis: str, sent: Mapping[str, Any]) -> dict[str, Any]:
    """What a request sent (text or JSON values) as keyword arguments of ``analysis``,
    converted and checked by the declaration; unknown names and bad values are a 400.

    A value left empty (``""``, ``None``) is the default; of an exclusive group, the one
    given replaces the others (``top_percent`` given: ``top`` is ``None``).
    """
    from zhagen.errors import ParameterError
    from zhagen.params import check, make, spec

    cls, params = declaration(analysis)
    by_name = {p.name: p for p in params}
    unknown = sorted(set(sent) - set(by_name))
    if unknown:
        raise WebError(400, "parameter", f"参数 {unknown[0]} 无效：没有这个参数",
                       f"parameter {unknown[0]} is not valid: there is no such parameter")  # fmt: skip
    own = {p.name for p in spec(cls)}
    try:
        values = {k: by_name[k].convert(v) for k, v in sent.items()}
        values = {k: v for k, v in values.items() if v is not None or by_name[k].group}
        check(make(cls, {k: v for k, v in values.items() if k in own}))
    except ParameterError as exc:
        raise WebError(400, "parameter", exc.zh, exc.en) from None
    return values
