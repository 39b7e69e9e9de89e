"""Knowledge maps: keyword co-occurrence, clusters, bursts and timelines (CiteSpace/VOSviewer
parity). ``build_map(MapInput, MapParams) -> KnowledgeMap`` is the entry point."""

from zhagen.mapping.model import KnowledgeMap, MapInput, MapParams

__all__ = ["KnowledgeMap", "MapInput", "MapParams", "build_map"]


def build_map(inp: MapInput, params: MapParams | None = None) -> KnowledgeMap:
    """Build a knowledge map from plain data (see :mod:`zhagen.mapping.pipeline`)."""
    from zhagen.mapping.pipeline import build_map as _build

    return _build(inp, params or MapParams())
