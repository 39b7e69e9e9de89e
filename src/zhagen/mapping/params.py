"""Checking the parameters of a knowledge map before anything is read or computed.

The rules (types, choices, bounds, the exclusive ``top``/``top_percent``/``g_index``) are
declared once on :class:`zhagen.mapping.model.MapParams` and applied by
:func:`zhagen.params.check`; every parameter out of range or of the wrong form raises one
:class:`~zhagen.errors.ParameterError` with a Chinese and an English message naming the
parameter, its value and what it may be.
"""

from __future__ import annotations

from zhagen.errors import ParameterError
from zhagen.mapping.model import MapParams
from zhagen.params import check

__all__ = ["check_params"]


def check_params(params: MapParams) -> None:
    """Raise ``ParameterError`` (zh/en) for a parameter out of range or of the wrong form.

    >>> check_params(MapParams())
    >>> check_params(MapParams(top=None))
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: top、top_percent、g_index 必须且只能指定一个（当前：无）。 / give exactly one of top, top_percent, g_index (got: none).
    """
    check(params)
    if params.field == "terms" and params.nodes not in ("keyword", "term"):
        raise ParameterError(
            f"--field terms 只用于关键词或术语节点，不能与 --nodes {params.nodes} 同用；"
            "请去掉 --field（--field terms 即 --nodes term）。",
            f"--field terms applies to keyword or term nodes, not --nodes {params.nodes}; "
            "leave --field out (--field terms is --nodes term).",
        )
