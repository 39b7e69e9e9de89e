"""Plain data of a knowledge map: what goes in (``MapInput``, ``MapParams``) and what comes
out (``KnowledgeMap``). Computation lives in the sibling modules; writing in ``report/`` and
``formats/network.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.mapping.centrality import BETWEENNESS_METHODS
from zhagen.mapping.cluster import SILHOUETTE_METHODS
from zhagen.mapping.labels import LABEL_SOURCES
from zhagen.mapping.links import LINK_METHODS
from zhagen.mapping.prune import PRUNE_METHODS
from zhagen.params import Param, param, scope_param

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NODE_TYPES",
    "node_type",
    "MapInput",
    "MapParams",
    "RUN_OPTIONS",
    "KnowledgeMap",
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "CLUSTER_COLUMNS",
    "BURST_COLUMNS",
    "Table",
    "NodeDocs",
    "doc_count",
    "first_docs",
]


#: What the nodes of a map are (``MapParams.nodes``).
NODE_TYPES = (
    "keyword", "term", "author", "institution", "country", "reference", "cited-author",
    "cited-journal", "category", "coupling",
)  # fmt: skip


def node_type(params: MapParams) -> str:
    """The node type a map is made of: ``params.nodes``, where the older ``field="terms"``
    (with the default ``nodes="keyword"``) means ``"term"``.

    >>> node_type(MapParams(field="terms")), node_type(MapParams(nodes="author"))
    ('term', 'author')
    """
    if params.nodes == "keyword" and params.field == "terms":
        return "term"
    return params.nodes


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
    #: Rows that give the links and nothing else (no year, no frequency, no selection), or
    #: None: the links come from the records (``terms``). Bibliographic coupling uses them:
    #: a record per document, in its year, selects it and dates it, and one link row per
    #: shared cited work holds the documents citing it, so a link's count is the number of
    #: works two documents both cite. A link row links the map's nodes whatever the slices
    #: (see ``mapping.pipeline``, step 5).
    link_rows: Sequence[Sequence[str]] | None = None
    #: What reading the input found and reports (spellings merged into a node, ambiguous
    #: author names …); ``Project.maps.build`` copies it into ``summary["entities"]``.
    notes: dict[str, Any] = field(default_factory=dict)
    #: The label phrases of titles already known (stored in the project, see
    #: ``map_input.known_title_phrases``), or None: a title not in it is tagged by the
    #: shared segmenter, as every title is without it. The labels are the same either way.
    title_phrases: Mapping[str, Sequence[str]] | None = None


@dataclass
class MapParams:
    """Every parameter of a map; recorded in ``summary.json`` so the map can be re-run.

    Each field is declared once with :func:`zhagen.params.param` (type, default, choices
    from the algorithm modules, bounds, help in Chinese and English); the command-line
    options, the web form, :func:`zhagen.mapping.params.check_params` and the signature of
    ``Project.map`` are made from it. Defaults follow CiteSpace (slice 1 year, g-index
    with k = 25 per slice, no frequency floor, links merged from the slice networks, no
    pruning, cosine links, bursts of nodes lasting at least 2 slices) and DESIGN.md §4. Exactly one of ``top``, ``top_percent``,
    ``g_index`` (the group ``selection``) selects nodes per slice.

    >>> MapParams(link="jaccard").link
    'jaccard'
    >>> MapParams().g_index, MapParams(top=50).g_index  # top replaces the default g-index
    (25.0, None)
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
        help_zh="关键词或从标题摘要切分的术语（--field terms 即 --nodes term）",
        help_en="keywords, or terms segmented from titles and abstracts "
        "(--field terms is --nodes term)",
    )
    nodes: str = param(
        "keyword",
        "str",
        "节点类型",
        "node type",
        choices=NODE_TYPES,
        help_zh="关键词、术语、作者、机构、国家、被引文献、被引作者、被引期刊、学科类别、文献耦合",
        help_en="keyword, term, author, institution, country, reference (co-citation), "
        "cited-author, cited-journal, category (WoS WC), coupling (documents by shared references)",
        main=True,
    )
    institution_level: str = param(
        "top",
        "str",
        "机构层级",
        "institution level",
        choices=("top", "department"),
        help_zh="机构节点：归并到一级机构（大学、研究院、公司）或保留院系",
        help_en="institution nodes: the top-level institution (university, academy, "
        "enterprise) or the department",
    )
    homonyms: str = param(
        "institution",
        "str",
        "同名作者",
        "same-name authors",
        choices=("institution", "none"),
        help_zh="作者节点：按机构与合作者区分同名作者，或不区分",
        help_en="author nodes: tell same-name authors apart by institution and co-authors, or not",
    )
    slice: int = param(1, "int", "时间切片（年）", "years per slice", low=1, main=True)
    top: int | None = param(
        None, "int", "每切片前 N 个", "top N per slice", low=1, group="selection", main=True
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
        25.0,
        "float",
        "g 指数比例因子 k",
        "g-index scale factor k",
        low=0,
        low_open=True,
        group="selection",
        metavar="K",
        help_zh="每切片按 g 指数选节点：g² ≤ k·Σc（CiteSpace 4.0.R3 起的默认，k = 25）",
        help_en="select per slice by the g-index g² ≤ k·Σc (CiteSpace's default since "
        "4.0.R3, k = 25)",
    )
    link: str = param(
        "cosine",
        "str",
        "连线强度",
        "link strength",
        choices=LINK_METHODS,
        main=True,
        help_zh="cosine（CiteSpace 默认）、jaccard、count；association 为 VOSviewer 的关联强度 "
        "2m·c/(kᵢkⱼ)（k 为总连线强度）；association-occurrence 为按出现次数的 N·c/(wᵢwⱼ)"
        "（0.4 及以前的 association）",
        help_en="cosine (CiteSpace's default), jaccard, count; association is VOSviewer's "
        "2m·c/(k_i k_j) (k = total link strength); association-occurrence is N·c/(w_i w_j) "
        "over occurrences (zhagen <= 0.4's association)",
    )
    link_scope: str = param(
        "slices",
        "str",
        "连线来源",
        "links from",
        choices=("slices", "all"),
        help_zh="slices：合并各切片网络的连线（同 CiteSpace，默认）；all：在全部记录上计数",
        help_en="slices: merge the links of the per-slice networks (as CiteSpace, default); "
        "all: count links over all records",
    )
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
    silhouette: str = param(
        "spectral",
        "str",
        "轮廓系数定义",
        "silhouette definition",
        choices=SILHOUETTE_METHODS,
        help_zh="spectral：在相似度网络的谱空间中计算（Chen 等 2010，CiteSpace 的定义，默认）；"
        "network：以连线强度为距离（旧定义）",
        help_en="spectral: in the spectral space of the similarity network (Chen et al. 2010, "
        "CiteSpace's definition, default); network: link strengths as distances (old)",
    )
    betweenness: str = param(
        "auto",
        "str",
        "中介中心性计算",
        "betweenness",
        choices=BETWEENNESS_METHODS,
        help_zh="auto：小网络精确计算，节点数×连线数超过预算（1 亿）时按 Brandes & Pich (2007) "
        "以抽样源节点估计（默认）；exact：总是精确；estimate：总是估计",
        help_en="auto: exact on small networks, estimated from sampled source nodes (Brandes & "
        "Pich 2007) when nodes × links exceeds the budget (1e8) (default); exact: always "
        "exact; estimate: always estimated",
    )
    label_source: str = param(
        "titles+keywords",
        "str",
        "聚类标签来源",
        "cluster labels from",
        choices=LABEL_SOURCES,
        help_zh="titles+keywords：聚类文献的标题名词短语与关键词（同 CiteSpace，默认）；"
        "keywords：只用关键词",
        help_en="titles+keywords: noun phrases of the cluster's records' titles and their "
        "keywords (as CiteSpace, default); keywords: keywords only",
    )
    seed: int = param(1, "int", "随机种子", "seed")
    min_freq: int = param(
        1,
        "int",
        "最低频次",
        "minimum frequency",
        low=1,
        main=True,
        help_zh="出现少于此记录数的词不参与选择（默认 1：不设下限，同 CiteSpace）",
        help_en="terms in fewer records are never selected (default 1: no floor, as CiteSpace)",
    )
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
    burst_s: float = param(
        2.0,
        "float",
        "突现 α1/α0（状态比 s）",
        "burst α1/α0 (state ratio s)",
        low=1,
        low_open=True,
        help_zh="突现状态与基础状态的频率比，即 CiteSpace 突现面板的 α1/α0（默认 2）",
        help_en="rate of the burst state over the base state: CiteSpace's Burstness α1/α0 "
        "(default 2)",
    )
    burst_gamma: float = param(
        1.0,
        "float",
        "突现 γ",
        "burst γ",
        low=0,
        help_zh="进入突现状态的代价 γ·ln n，即 CiteSpace 突现面板的 γ；调低可发现更多突现（默认 1）",
        help_en="cost γ·ln n of entering the burst state: CiteSpace's Burstness γ; lower it "
        "to find more bursts (default 1)",
    )
    burst_min_duration: int = param(
        2,
        "int",
        "突现最短持续（切片）",
        "burst Minimum Duration (slices)",
        low=1,
        help_zh="短于此切片数的突现不报告，即 CiteSpace 的 Minimum Duration（默认 2）",
        help_en="bursts shorter than this many slices are dropped: CiteSpace's Minimum "
        "Duration (default 2)",
    )
    burst_terms: str = param(
        "nodes",
        "str",
        "突现检测范围",
        "burst terms",
        choices=("nodes", "all"),
        help_zh="只对图谱节点检测突现（默认，同 CiteSpace）或对所有词",
        help_en="detect bursts of the map's nodes (default, as CiteSpace) or of all eligible terms",
    )
    scope: str | None = scope_param()

    def __post_init__(self) -> None:
        # Giving top or top_percent replaces the default g-index, as zhagen.params.make does
        # for the command line and the web form: MapParams(top=50) means "top 50 per slice".
        if (self.top is not None or self.top_percent is not None) and self.g_index == 25.0:
            self.g_index = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["years"] is not None:
            d["years"] = list(d["years"])
        return d


#: Options of a map run that are not parameters of the computation (``Project.map``'s own).
RUN_OPTIONS = (Param("keep_duplicates", "bool", False, "保留重复记录", "keep duplicate records"),)

#: Columns of ``KnowledgeMap.nodes`` (one row per node, ``id`` from 0). ``degree``,
#: ``weighted_degree`` and ``betweenness`` are of the pruned network; ``total_link_strength``
#: (VOSviewer's) is the summed co-occurrence count over every link before pruning.
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
    "total_link_strength",
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


class Table:
    """A table of a knowledge map as plain columns (numpy arrays, lists or ranges, as the
    map computed them), made into a pandas DataFrame only when someone asks for one: the
    CSV and JSON files are written from the columns, without importing pandas.

    ``ints`` are the nullable whole-number columns (``None`` for a missing value; pandas'
    ``Int64``). ``frame()`` builds the DataFrame the map always held, column for column.

    Examples
    --------
    >>> t = Table({"id": range(2), "label": ["a", "b"], "year": [2020, None]}, ints=["year"])
    >>> len(t), t.names, t.column("year"), t.records()[1]
    (2, ['id', 'label', 'year'], [2020, None], {'id': 1, 'label': 'b', 'year': None})
    >>> t.frame()["year"].dtype.name
    'Int64'
    """

    def __init__(self, data: Mapping[str, Any], ints: Sequence[str] = ()) -> None:
        self.data = dict(data)
        self.ints = frozenset(ints)
        self.names = list(self.data)

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.names)})"

    def column(self, name: str) -> list[Any]:
        """The values of column ``name`` as plain Python values."""
        values = self.data[name]
        return values.tolist() if hasattr(values, "tolist") else list(values)

    def records(self) -> list[dict[str, Any]]:
        """One dict of plain values per row."""
        cols = [self.column(n) for n in self.names]
        return [dict(zip(self.names, row, strict=True)) for row in zip(*cols, strict=True)]

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (imports pandas)."""
        import pandas as pd

        return pd.DataFrame({
            k: pd.array(list(v), dtype="Int64") if k in self.ints else v
            for k, v in self.data.items()
        })  # fmt: skip


class NodeDocs(Mapping[int, list[int]]):
    """The records of every node, compact: node ``k`` holds ``docs[offsets[k]:offsets[k + 1]]``
    (ascending). Reads as the ``dict`` of lists it replaces (``node_docs[k]``, ``.get``,
    ``.items()``, ``==`` a dict), each list made when asked for; two integer arrays held,
    not a Python list of Python ints per node (~36 bytes a record each: at a million
    records, hundreds of MB).

    Examples
    --------
    >>> import numpy as np
    >>> nd = NodeDocs(np.array([0, 2, 2, 3]), np.array([10, 12, 11]))
    >>> nd[0], nd.get(1), nd.get(7, []), len(nd), nd.count(0), nd.first(0, 1)
    ([10, 12], [], [], 3, 2, [10])
    >>> nd == {0: [10, 12], 1: [], 2: [11]}, NodeDocs.of({0: [3, 1]}) == {0: [3, 1]}
    (True, True)
    """

    __slots__ = ("offsets", "docs")

    def __init__(self, offsets: Any, docs: Any) -> None:
        self.offsets = offsets
        self.docs = docs

    @classmethod
    def of(cls, lists: Mapping[int, Sequence[int]]) -> NodeDocs:
        """The same records from a dict of lists with keys ``0 … n - 1`` (as written)."""
        import numpy as np

        if list(lists) != list(range(len(lists))):
            raise ValueError("NodeDocs: the nodes must be 0 … n - 1, in order")
        sizes = [len(v) for v in lists.values()]
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        flat = [int(d) for v in lists.values() for d in v]
        return cls(offsets, np.asarray(flat, dtype=np.int64))

    def __len__(self) -> int:
        return max(len(self.offsets) - 1, 0)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self)))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and 0 <= key < len(self)

    def __getitem__(self, key: int) -> list[int]:
        if key not in self:
            raise KeyError(key)
        return self.docs[self.offsets[key] : self.offsets[key + 1]].tolist()

    def count(self, key: int) -> int:
        """How many records node ``key`` holds (0 for no such node), no list made."""
        return int(self.offsets[key + 1] - self.offsets[key]) if key in self else 0

    def first(self, key: int, n: int) -> list[int]:
        """The first ``n`` records of node ``key`` ([] for no such node)."""
        if key not in self:
            return []
        start = int(self.offsets[key])
        return self.docs[start : min(start + n, int(self.offsets[key + 1]))].tolist()

    def __repr__(self) -> str:
        return f"NodeDocs({len(self)} nodes, {len(self.docs)} records)"


def doc_count(node_docs: Mapping[int, Sequence[int]], key: int) -> int:
    """How many records node ``key`` holds, in a :class:`NodeDocs` or a dict of lists.

    >>> doc_count({0: [1, 2]}, 0), doc_count({0: [1, 2]}, 5)
    (2, 0)
    """
    if isinstance(node_docs, NodeDocs):
        return node_docs.count(key)
    return len(node_docs.get(key, ()))


def first_docs(node_docs: Mapping[int, Sequence[int]], key: int, n: int) -> list[int]:
    """The first ``n`` records of node ``key``, in a :class:`NodeDocs` or a dict of lists.

    >>> first_docs({0: [1, 2, 3]}, 0, 2), first_docs({}, 0, 2)
    ([1, 2], [])
    """
    if isinstance(node_docs, NodeDocs):
        return node_docs.first(key, n)
    return list(node_docs.get(key, ())[:n])


class _Frame:
    """A field of :class:`KnowledgeMap` that holds a :class:`Table` or a DataFrame and
    reads as a DataFrame (a table made into one on first use, then kept)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(self.name)  # no default: the field is required
        value = obj.__dict__[self.name]
        if isinstance(value, Table):
            value = obj.__dict__[self.name] = value.frame()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


@dataclass
class KnowledgeMap:
    """The result of :func:`zhagen.mapping.build_map`: plain data.

    Writing it is the report layer's work (:func:`zhagen.report.mapfiles.write_map`);
    ``Project.map`` returns a :class:`zhagen.report.mapfiles.WritableMap`, which adds
    ``km.write(out_dir)``.

    ``nodes``, ``edges``, ``clusters`` and ``bursts`` read as pandas DataFrames; they are
    kept as plain :class:`Table` columns until first read that way, so writing CSV and
    JSON (through :meth:`raw`, :meth:`column`, :meth:`records`) never imports pandas.

    ``node_docs`` maps node id → the ids of the records holding that term (a
    :class:`NodeDocs` as computed: two integer arrays; any mapping of lists reads alike);
    ``year_span`` is the (first, last) year of the analysed records; ``term_years`` the
    per-year counts of every node's term (for the burst figure).
    """

    nodes: pd.DataFrame = _Frame()  # type: ignore[assignment]
    edges: pd.DataFrame = _Frame()  # type: ignore[assignment]
    clusters: pd.DataFrame = _Frame()  # type: ignore[assignment]
    bursts: pd.DataFrame = _Frame()  # type: ignore[assignment]
    summary: dict[str, Any]
    node_docs: Mapping[int, list[int]] = field(default_factory=dict)
    year_span: tuple[int, int] | None = None
    term_years: dict[str, dict[int, int]] = field(default_factory=dict)
    doc_titles: dict[int, str] = field(default_factory=dict)

    def raw(self, name: str) -> Any:
        """Table ``name`` as held: a :class:`Table` or a DataFrame (nothing converted)."""
        return self.__dict__["_" + name]

    def fields(self) -> dict[str, Any]:
        """Every field as held (tables not converted): ``type(km)(**km.fields())`` is
        the same map."""
        from dataclasses import fields

        held = self.__dict__
        return {f.name: held["_" + f.name] if "_" + f.name in held else getattr(self, f.name)
                for f in fields(self)}  # fmt: skip

    def column(self, name: str, col: str) -> list[Any]:
        """Column ``col`` of table ``name`` as a list (pandas only if it is a DataFrame)."""
        table = self.raw(name)
        return table.column(col) if isinstance(table, Table) else table[col].tolist()

    def records(self, name: str) -> list[dict[str, Any]]:
        """The rows of table ``name`` as dicts (``DataFrame.to_dict("records")``)."""
        table = self.raw(name)
        return table.records() if isinstance(table, Table) else table.to_dict("records")
