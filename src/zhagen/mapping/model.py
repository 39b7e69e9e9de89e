"""Plain data of a knowledge map: what goes in (``MapInput``, ``MapParams``) and what comes
out (``KnowledgeMap``). Computation lives in the sibling modules; writing in ``report/`` and
``formats/network.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.mapping.links import LINK_METHODS
from zhagen.mapping.prune import PRUNE_METHODS
from zhagen.params import Param, param, scope_param

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MapInput",
    "MapParams",
    "RUN_OPTIONS",
    "KnowledgeMap",
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "CLUSTER_COLUMNS",
    "BURST_COLUMNS",
]


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

    Each field is declared once with :func:`zhagen.params.param` (type, default, choices
    from the algorithm modules, bounds, help in Chinese and English); the command-line
    options, the web form, :func:`zhagen.mapping.params.check_params` and the signature of
    ``Project.map`` are made from it. Defaults follow CiteSpace (slice 1 year, top 50 per
    slice, no pruning) and DESIGN.md §4. Exactly one of ``top``, ``top_percent``,
    ``g_index`` (the group ``selection``) selects nodes per slice.

    >>> MapParams(link="jaccard").link
    'jaccard'
    >>> from zhagen.params import spec
    >>> [p.name for p in spec(MapParams) if p.group == "selection"]
    ['top', 'top_percent', 'g_index']
    """

    field: str = param(
        "keywords",
        "str",
        "词来源",
        "terms from",
        choices=("keywords", "terms"),
        help_zh="关键词或从标题摘要切分的术语",
        help_en="keywords, or terms segmented from titles and abstracts",
        main=True,
    )
    slice: int = param(1, "int", "时间切片（年）", "years per slice", low=1, main=True)
    top: int | None = param(
        50, "int", "每切片前 N 个", "top N per slice", low=1, group="selection", main=True
    )
    top_percent: float | None = param(
        None,
        "float",
        "每切片前 N%",
        "top N% per slice",
        low=0,
        low_open=True,
        high=100,
        group="selection",
    )
    g_index: float | None = param(
        None,
        "float",
        "g 指数比例因子 k",
        "g-index scale factor k",
        low=0,
        low_open=True,
        group="selection",
        metavar="K",
    )
    link: str = param("cosine", "str", "连线强度", "link strength", choices=LINK_METHODS, main=True)
    prune: str = param("none", "str", "剪枝", "pruning", choices=PRUNE_METHODS, main=True)
    resolution: float = param(
        1.0, "float", "聚类分辨率", "cluster resolution", low=0, low_open=True
    )
    min_cluster_size: int = param(
        1,
        "int",
        "最小聚类规模",
        "minimum cluster size",
        low=1,
        help_zh="少于此节点数的聚类并入最后的“其他”类",
        help_en="clusters with fewer nodes are merged into a last 'other' cluster",
    )
    seed: int = param(1, "int", "随机种子", "seed")
    min_freq: int = param(2, "int", "最低频次", "minimum frequency", low=1, main=True)
    years: tuple[int, int] | None = param(
        None, "years", "年份范围", "year range", optional=True, metavar="FIRST-LAST", main=True
    )
    lang: str = param("all", "str", "关键词语言", "keyword language", choices=("zh", "en", "all"))
    thesaurus: str | None = param(
        None,
        "path",
        "同义词表",
        "thesaurus",
        optional=True,
        web=False,
        help_zh="每行：词<TAB>替换为",
        help_en="lines: label<TAB>replace by",
    )
    burst_s: float = param(2.0, "float", "突现 s", "burst s", low=1, low_open=True)
    burst_gamma: float = param(1.0, "float", "突现 γ", "burst γ", low=0)
    burst_min_duration: int = param(1, "int", "突现最短持续", "burst min. duration", low=1)
    burst_terms: str = param(
        "all",
        "str",
        "突现检测范围",
        "burst terms",
        choices=("all", "nodes"),
        help_zh="对所有词检测突现（默认）或只对节点（同 CiteSpace）",
        help_en="detect bursts of all eligible terms (default) or of nodes only (as CiteSpace)",
    )
    scope: str | None = scope_param()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["years"] is not None:
            d["years"] = list(d["years"])
        return d


#: Options of a map run that are not parameters of the computation (``Project.map``'s own).
RUN_OPTIONS = (Param("keep_duplicates", "bool", False, "保留重复记录", "keep duplicate records"),)

#: Columns of ``KnowledgeMap.nodes`` (one row per node, ``id`` from 0).
NODE_COLUMNS = [
    "id",
    "label",
    "frequency",
    "degree",
    "weighted_degree",
    "betweenness",
    "burst_strength",
    "burst_begin",
    "burst_end",
    "sigma",
    "cluster",
    "first_year",
    "x",
    "y",
]
#: Columns of ``KnowledgeMap.edges`` (``source`` < ``target``, node ids).
EDGE_COLUMNS = ["source", "target", "count", "strength"]
#: Columns of ``KnowledgeMap.clusters`` (``id`` from 0, largest cluster first).
CLUSTER_COLUMNS = [
    "id",
    "size",
    "silhouette",
    "label_llr",
    "label_tfidf",
    "label_mi",
    "mean_year",
    "members",
]
#: Columns of ``KnowledgeMap.bursts`` (strongest first).
BURST_COLUMNS = ["term", "strength", "begin", "end", "first_year", "last_year"]


@dataclass
class KnowledgeMap:
    """The result of :func:`zhagen.mapping.build_map`: plain data.

    Writing it is the report layer's work (:func:`zhagen.report.mapfiles.write_map`);
    ``Project.map`` returns a :class:`zhagen.report.mapfiles.WritableMap`, which adds
    ``km.write(out_dir)``.

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
