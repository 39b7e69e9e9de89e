"""Checking the parameters of a knowledge map before anything is read or computed.

The rules (types, choices, bounds, the exclusive ``top``/``top_percent``/``g_index``) are
declared once on :class:`zhagen.mapping.model.MapParams` and applied by
:func:`zhagen.params.check`; every parameter out of range or of the wrong form raises one
:class:`~zhagen.errors.ParameterError` with a Chinese and an English message naming the
parameter, its value and what it may be.
"""

from __future__ import annotations

from zhagen.mapping.model import MapParams
from zhagen.params import check

__all__ = ["check_params"]


def check_params(params: MapParams) -> None:
    """Raise ``ParameterError`` (zh/en) for a parameter out of range or of the wrong form.

    >>> check_params(MapParams())
    >>> check_params(MapParams(g_index=None))
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: top、top_percent、g_index 必须且只能指定一个（当前：无）。 / give exactly one of top, top_percent, g_index (got: none).
    """
    check(params)
