"""The parameters of the queries, declared once (see :mod:`zhagen.params`): the ``zhagen
query`` options, the web forms (``GET /api/params/words`` …) and the checks come from here.

>>> from zhagen.params import make
>>> w = make(WordsParams, {"top": "20", "min_length": "3"})
>>> w.top, w.min_length, w.keep_stopwords, w.scope
(20, 3, False, None)
>>> make(SearchParams, {"query": "创新", "spread": "sentence"}).spread
'sentence'
"""

from __future__ import annotations

from dataclasses import dataclass

from zhagen.params import param, scope_param

__all__ = ["WordsParams", "SearchParams", "MatrixParams", "FrameworkParams",
           "CooccurrenceParams", "MEASURES", "SPREADS", "UNITS"]  # fmt: skip

#: What a matrix cell counts.
MEASURES = ("codings", "documents", "characters")
#: How far "code all hits" reaches around a hit.
SPREADS = ("hit", "sentence", "paragraph")
#: Co-occurrence units (as ``zhagen coding cooccurrence``).
UNITS = ("overlap", "sentence", "document")

_CODER = dict(optional=True, help_zh="只用这位编码者的编码", help_en="one coder's codings only")
_CODES = dict(optional=True, flag="--codes", metavar="CODE",
              help_zh="只看这些编码（名称或编号；命令行以空格、网页以逗号分隔）；默认有编码记录的全部编码",
              help_en="only these codes (names or ids; separated by spaces on the command line, "
              "by commas on the web); default every code with codings")  # fmt: skip


@dataclass
class WordsParams:
    """Word frequency (NVivo's Word Frequency query)."""

    top: int = param(100, "int", "显示前 N 个词", "top N words", low=1, high=10_000, main=True)
    min_length: int = param(2, "int", "最短词长", "minimum length", low=1, high=20, main=True,
                            help_zh="按字符（码位）计", help_en="in characters (code points)")  # fmt: skip
    keep_stopwords: bool = param(False, "bool", "保留停用词", "keep stopwords",
                                 help_zh="默认去掉内置中英文停用词",
                                 help_en="the shipped Chinese and English stopwords are left "
                                 "out by default")  # fmt: skip
    include_garbled: bool = param(False, "bool", "包括乱码句", "include garbled sentences",
                                  help_zh="默认不计含乱码的句子",
                                  help_en="sentences holding mojibake are left out by default")  # fmt: skip
    thesaurus: str | None = param(None, "path", "叙词表（同义词合并）", "thesaurus (synonyms)",
                                  optional=True, web=False,
                                  help_zh="每行“原词<Tab>替换词”，替换词为空即删除该词",
                                  help_en="'label<TAB>replace by' per line; an empty "
                                  "replacement drops the word")  # fmt: skip
    scope: str | None = scope_param()

@dataclass
class SearchParams:
    """Text search (NVivo's Text Search query) and "code all hits"."""

    query: str = param(None, "str", "查找内容", "search for", main=True,
                       help_zh="按字符（码位）匹配，不做词形还原",
                       help_en="matched by code points, no stemming")  # fmt: skip
    regex: bool = param(False, "bool", "正则表达式", "regular expression", main=True)
    context: int = param(20, "int", "上下文字数", "context characters", low=0, high=500,
                         help_zh="命中前后各显示多少字", help_en="characters shown each side")  # fmt: skip
    limit: int = param(500, "int", "最多列出", "hits listed", low=1, high=100_000,
                       help_zh="总数照样全部统计", help_en="the total still counts every hit")  # fmt: skip
    spread: str = param("hit", "str", "编码范围", "code spread", choices=SPREADS,
                        help_zh="“全部编码”时编码命中词、所在句或所在段",
                        help_en="what 'code all hits' codes: the hit, its sentence or its "
                        "paragraph")  # fmt: skip
    scope: str | None = scope_param()

@dataclass
class MatrixParams:
    """Matrix coding (NVivo's Matrix Coding query): codes × document groups."""

    columns: str = param("type", "str", "列", "columns", main=True,
                         help_zh="type、year、source、sets（各集合）、attr:属性名（属性的各个值）"
                         "或 codes（编码×编码）",
                         help_en="type, year, source, sets (each set), attr:NAME (each value of "
                         "an attribute) or codes (codes × codes)")  # fmt: skip
    measure: str = param("codings", "str", "单元格", "cell value", choices=MEASURES, main=True,
                         help_zh="编码记录数、文档数或编码字数",
                         help_en="number of codings, of documents, or coded characters")  # fmt: skip
    coder: str | None = param(None, "str", "编码者", "coder", **_CODER)
    codes: list[str] | None = param(None, "strs", "编码", "codes", **_CODES)
    with_descendants: bool = param(False, "bool", "含子编码", "with child codes",
                                   help_zh="一行计入其子编码的编码",
                                   help_en="a row counts its child codes' codings too")  # fmt: skip
    scope: str | None = scope_param()

@dataclass
class FrameworkParams:
    """Framework matrix (NVivo): documents × codes, each cell the coded text."""

    coder: str | None = param(None, "str", "编码者", "coder", **_CODER)
    codes: list[str] | None = param(None, "strs", "编码", "codes", **_CODES)
    with_descendants: bool = param(False, "bool", "含子编码", "with child codes",
                                   help_zh="一列包括其子编码的编码",
                                   help_en="a column holds its child codes' codings too")  # fmt: skip
    scope: str | None = scope_param()

@dataclass
class CooccurrenceParams:
    """Code co-occurrence: code × code, with the text behind each cell."""

    unit: str = param("overlap", "str", "共现单位", "unit", choices=UNITS, main=True,
                      help_zh="片段重叠、同一句或同一文档",
                      help_en="overlapping spans, the same sentence or the same document")  # fmt: skip
    coder: str | None = param(None, "str", "编码者", "coder", **_CODER)
    scope: str | None = scope_param()
