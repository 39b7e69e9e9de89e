"""Plain data of a knowledge map: what goes in (``MapInput``, ``MapParams``) and what comes
out (``KnowledgeMap``). Computation lives in the sibling modules; writing in ``report/`` and
``formats/network.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MapInput", "MapParams", "KnowledgeMap", "NODE_COLUMNS", "EDGE_COLUMNS",
           "CLUSTER_COLUMNS", "BURST_COLUMNS"]


@dataclass
class MapInput:
    """One entry per record: its id, year (or None), terms (keywords, already normalised and
    thesaurus-merged, de-duplicated within the record) and title (for cluster labels and
    for listing a node's records).

    ``terms`` is a list of term lists, or a :class:`~zhagen.mapping.cooccurrence.TermRows`
    over a document-term matrix already built (``map_input`` builds it while reading, so a
    million records never become a million lists of strings)."""

    doc_ids: list[int]
    years: list[int | None]
    terms: Sequence[Sequence[str]]
    titles: list[str] = field(default_factory=list)
    #: The terms are those of ``MapParams.lang`` already (keywords chosen by the side of the
    #: field they were on, see ``map_input``): a ``lang`` setting does not filter them again
    #: by script, which would drop Latin-script Chinese-side keywords such as ``SWOT``.
    by_lang: bool = False


@dataclass
class MapParams:
    """Every parameter of a map; recorded in ``summary.json`` so the map can be re-run.

    Defaults follow CiteSpace (slice 1 year, top 50 per slice, no pruning) and DESIGN.md §4.
    Exactly one of ``top``, ``top_percent``, ``g_index`` selects nodes per slice.
    """

    field: str = "keywords"  # 'keywords' | 'terms'
    slice: int = 1  # years per slice
    top: int | None = 50
    top_percent: float | None = None
    g_index: float | None = None  # scale factor k of the g-index selection
    link: str = "cosine"  # 'cosine' | 'jaccard' | 'association' | 'count'
    prune: str = "none"  # 'none' | 'pathfinder' | 'mst'
    resolution: float = 1.0
    seed: int = 1
    min_freq: int = 2
    years: tuple[int, int] | None = None
    lang: str = "all"  # 'zh' | 'en' | 'all'
    thesaurus: str | None = None
    burst_s: float = 2.0
    burst_gamma: float = 1.0
    burst_min_duration: int = 1
    burst_terms: str = "all"  # 'all' eligible terms (default) | 'nodes' only (CiteSpace)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["years"] is not None:
            d["years"] = list(d["years"])
        return d


#: Columns of ``KnowledgeMap.nodes`` (one row per node, ``id`` from 0).
NODE_COLUMNS = [
    "id", "label", "frequency", "degree", "weighted_degree", "betweenness",
    "burst_strength", "burst_begin", "burst_end", "sigma", "cluster", "first_year", "x", "y",
]
#: Columns of ``KnowledgeMap.edges`` (``source`` < ``target``, node ids).
EDGE_COLUMNS = ["source", "target", "count", "strength"]
#: Columns of ``KnowledgeMap.clusters`` (``id`` from 0, largest cluster first).
CLUSTER_COLUMNS = ["id", "size", "silhouette", "label_llr", "label_tfidf", "label_mi",
                   "mean_year", "members"]
#: Columns of ``KnowledgeMap.bursts`` (strongest first).
BURST_COLUMNS = ["term", "strength", "begin", "end", "first_year", "last_year"]


@dataclass
class KnowledgeMap:
    """The result of :func:`zhagen.mapping.build_map`.

    ``node_docs`` maps node id → the ids of the records holding that term;
    ``year_span`` is the (first, last) year of the analysed records; ``term_years`` the
    per-year counts of every node's term (for the burst figure).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    clusters: pd.DataFrame
    bursts: pd.DataFrame
    summary: dict[str, Any]
    node_docs: dict[int, list[int]] = field(default_factory=dict)
    year_span: tuple[int, int] | None = None
    term_years: dict[str, dict[int, int]] = field(default_factory=dict)
    doc_titles: dict[int, str] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write every output file (tables, figures, networks, summary) into ``out_dir``."""
        from zhagen.report.mapfiles import write_map

        return write_map(self, Path(out_dir))
