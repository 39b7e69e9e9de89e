"""Checking the parameters of a knowledge map before anything is read or computed.

The rules (types, choices, bounds, the exclusive ``top``/``top_percent``/``g_index``) are
declared once on :class:`zhagen.mapping.model.MapParams` and applied by
:func:`zhagen.params.check`; every parameter out of range or of the wrong form raises one
:class:`~zhagen.errors.ParameterError` with a Chinese and an English message naming the
parameter, its value and what it may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhagen.errors import ParameterError
from zhagen.mapping.model import MapParams
from zhagen.params import check

__all__ = ["check_params", "params_of_summary", "BEFORE_ISSUE_13"]

#: What a map meant before the statistics of issue 13 changed (zhagen <= 0.4), for the
#: parameters that did not exist then or whose meaning changed: written into the
#: parameters of a summary.json of that time so that it is re-run as it was computed.
BEFORE_ISSUE_13 = {
    "link_scope": "all",
    "silhouette": "network",
    "label_source": "keywords",
}


def check_params(params: MapParams) -> None:
    """Raise ``ParameterError`` (zh/en) for a parameter out of range or of the wrong form.

    >>> check_params(MapParams())
    >>> check_params(MapParams(g_index=None))
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


def params_of_summary(summary: Mapping[str, Any]) -> MapParams:
    """The parameters that reproduce a map from its ``summary.json`` (any zhagen version).

    A summary written before issue 13 has no ``definitions`` key: its ``link`` value
    ``association`` was the occurrence-based formula, now ``association-occurrence``, and
    its links, silhouette and labels were computed as :data:`BEFORE_ISSUE_13` says. (Its
    other parameters were all recorded, defaults included.)

    Examples
    --------
    >>> old = {"params": {"link": "association", "top": 50, "g_index": None, "min_freq": 2}}
    >>> p = params_of_summary(old)
    >>> p.link, p.link_scope, p.silhouette, p.top, p.g_index, p.min_freq, p.betweenness
    ('association-occurrence', 'all', 'network', 50, None, 2, 'exact')
    >>> params_of_summary({"params": {"link": "association"}, "definitions": {}}).link
    'association'
    """
    from dataclasses import fields

    values = dict(summary.get("params") or {})
    if "definitions" not in summary:
        if values.get("link") == "association":
            values["link"] = "association-occurrence"
        for key, old in BEFORE_ISSUE_13.items():
            values.setdefault(key, old)
    # every zhagen before the parameter existed computed betweenness exactly
    values.setdefault("betweenness", "exact")
    names = {f.name for f in fields(MapParams)}
    if isinstance(values.get("years"), list):
        values["years"] = tuple(values["years"])
    params = MapParams(**{k: v for k, v in values.items() if k in names})
    check(params)
    return params
