"""The values the files of a knowledge map show, the same in each of them (``summary.json``,
``map.html``, ``tables.xlsx``, ``clusters.csv``): JSON-ready values and a cluster's members
by label.

>>> jsonable({"years": (2015, 2020), "q": float("nan")})
{'years': [2015, 2020], 'q': None}
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhagen.mapping.model import KnowledgeMap

__all__ = ["jsonable", "members_text"]


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, tuples, paths and NaN made JSON-safe."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return jsonable(value.tolist())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def members_text(km: KnowledgeMap, members: Any, sep: str = "; ") -> str:
    """A cluster's members as text: node ids are turned into labels, strings kept.

    Examples
    --------
    >>> from zhagen.examples import tiny_map
    >>> members_text(tiny_map(), [0, 1])
    '科技创新; 新质生产力'
    """
    from zhagen.formats.network import plain

    if isinstance(members, str):
        return members
    members = plain(members)
    if not isinstance(members, list):
        return "" if members is None else str(members)
    labels = _node_labels(km)
    out = []
    for m in members:
        if isinstance(m, (int, float)) and not isinstance(m, bool) and int(m) in labels:
            out.append(str(labels[int(m)]))
        elif m is not None:
            out.append(str(m))
    return sep.join(out)


#: The node labels of the last map asked (its node table, id → label): every cluster of a
#: map is written to three files, and a map of a few thousand nodes has a few thousand
#: clusters, so building the dictionary per cluster cost seconds (issue 13).
_LABELS: list[tuple[Any, dict[int, Any]]] = []


def _node_labels(km: KnowledgeMap) -> dict[int, Any]:
    """Node id → label of ``km``, made once per node table (as held: plain columns are
    read without pandas)."""
    nodes = km.raw("nodes")
    last = _LABELS[0] if _LABELS else None
    if last is not None and last[0] is nodes:
        return last[1]
    labels = dict(zip(km.column("nodes", "id"), km.column("nodes", "label"), strict=True))
    _LABELS[:] = [(nodes, labels)]
    return labels
