"""The laws and indicators of descriptive bibliometrics, as pure functions over counts.

Each function takes plain counts (a year → records mapping, an author → records mapping, a
list of citation counts) and returns a small frozen dataclass whose fields are the numbers
a paper reports; every formula is written in the function's docstring and, through
:data:`DEFINITIONS`, next to the number in the output files.

>>> annual_trend({2020: 2, 2021: 4, 2022: 8}).exponential.rate
0.6931
>>> price_core({"甲": 9, "乙": 3, "丙": 2, "丁": 1}, n_records=12).threshold
2.247
>>> h_index([10, 8, 5, 4, 3])
4
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "LinearFit",
    "ExponentialFit",
    "Trend",
    "PriceCore",
    "LotkaFit",
    "BradfordZones",
    "DEFINITIONS",
    "least_squares",
    "annual_trend",
    "price_core",
    "lotka_fit",
    "bradford_zones",
    "h_index",
]

#: The definition of every number, in Chinese and English: written next to it in the tables
#: (notes), in ``stats.json`` and in the command's output.
DEFINITIONS: dict[str, dict[str, str]] = {
    "records": {
        "zh": "记录数：项目中去重后的书目记录（同一 DOI 或同题名同年份的重复记录只计一次）。",
        "en": "records: bibliographic records of the project, duplicates (same DOI, or same "
        "title and year) counted once.",
    },
    "annual": {
        "zh": "年度发文量：每个出版年份的记录数；无年份的记录单独报告，不参与拟合。",
        "en": "annual output: records per publication year; undated records are reported "
        "apart and left out of the fit.",
    },
    "linear": {
        "zh": "线性趋势：y = a + b·t（t = 年份 − 起始年），最小二乘拟合，空缺年份计 0；"
        "R² = 1 − SS残差/SS总。",
        "en": "linear trend: y = a + b·t (t = year − first year), least squares over every "
        "year of the span (a year without records counts 0); R² = 1 − SS_res/SS_tot.",
    },
    "exponential": {
        "zh": "指数趋势：y = A·e^(r·t)，对 ln y 做最小二乘（仅发文量 > 0 的年份）；R² 为 ln y "
        "回归的决定系数（与 Excel 指数趋势线相同）；倍增时间 = ln2 / r。",
        "en": "exponential trend: y = A·e^(r·t), least squares on ln y (years with at least "
        "one record); R² of that log-linear regression (as Excel's exponential trendline "
        "reports it); doubling time = ln 2 / r.",
    },
    "authors": {
        "zh": "作者发文量：署名该作者的记录数（完全计数，每位合著者各计 1 篇）；作者名按存储原样"
        "（CNKI 全名，WoS 取 AF 全名），未做同名消歧。",
        "en": "author output: records that name the author (full counting: every co-author "
        "is credited 1); names as stored (CNKI full names, WoS AF), not disambiguated.",
    },
    "institutions": {
        "zh": "机构发文量：署名中出现该机构的记录数（一条记录对同一机构只计 1 次）。",
        "en": "institution output: records whose affiliations name the institution (once "
        "per record).",
    },
    "venues": {
        "zh": "来源发文量：刊载于该期刊（来源）的记录数。",
        "en": "venue output: records published in the venue (journal, source).",
    },
    "cited_refs": {
        "zh": "被引文献频次：在本数据中引用该文献（WoS CR 字段，按原文去空白、忽略大小写合并）"
        "的记录数。",
        "en": "cited reference frequency: records of these data that cite the reference "
        "(WoS CR field; the same string up to spaces and letter case is one reference).",
    },
    "price": {
        "zh": "普赖斯定律：m = 0.749·√n_max（n_max 为最高产作者的发文量），发文量 ≥ m 的作者为"
        "核心作者；核心作者发文占比 = 核心作者发文量之和 / 记录数（≥ 50% 时视为形成核心作者群）；"
        "另报告含至少一位核心作者的记录占比。",
        "en": "Price's law: m = 0.749·√n_max (n_max: records of the most productive author); "
        "authors with at least m records are the core; core share = sum of the core "
        "authors' records / records (a core group is said to exist at ≥ 50 %); the share of "
        "records with at least one core author is reported too.",
    },
    "lotka": {
        "zh": "洛特卡定律：f(x) = C / x^n，f(x) 为发表 x 篇的作者数；对 ln f(x) = ln C − n·ln x "
        "做最小二乘（所有 f(x) > 0 的 x）；经典值 n = 2，发表 1 篇的作者约占 60.8%。",
        "en": "Lotka's law: f(x) = C / x^n, f(x) the number of authors with x records; least "
        "squares on ln f(x) = ln C − n·ln x over every x with f(x) > 0; the classical n is 2, "
        "with about 60.8 % of authors writing one record.",
    },
    "bradford": {
        "zh": "布拉德福定律：来源按发文量降序（同量按名称）排列，累计发文量首次达到记录总数的 1/3 "
        "为核心区，达到 2/3 为相关区，其余为外围区；布拉德福乘数 k = 各区来源数之比"
        "（n₂/n₁, n₃/n₂）的平均值。",
        "en": "Bradford's law: venues ranked by records (descending, then by name); zone 1 "
        "ends where the cumulative records first reach 1/3 of the records, zone 2 where they "
        "reach 2/3, zone 3 holds the rest; the Bradford multiplier k is the mean of the "
        "ratios of venues per zone (n₂/n₁, n₃/n₂).",
    },
    "h_index": {
        "zh": "h 指数（数据内）：作者在本数据中的记录按被引次数（WoS TC）降序，满足第 h 篇被引 ≥ h "
        "的最大 h；只计本数据中的记录。",
        "en": "h-index within the data: the largest h such that h of the author's records in "
        "these data are each cited at least h times (WoS TC).",
    },
    "most_cited": {
        "zh": "高被引文献：按 WoS 被引次数 TC（Web of Science 核心合集导出时的被引次数）降序。",
        "en": "most-cited documents: by WoS times cited (TC, as of the export), descending.",
    },
}


@dataclass(frozen=True)
class LinearFit:
    """``y = intercept + slope·t`` with ``t = year − first year``; ``r2`` its R²."""

    intercept: float
    slope: float
    r2: float | None


@dataclass(frozen=True)
class ExponentialFit:
    """``y = a·exp(rate·t)`` with ``t = year − first year`` (fitted on ``ln y``); ``r2`` is
    the R² of that log-linear regression; ``doubling_years = ln 2 / rate``."""

    a: float
    rate: float
    r2: float | None
    doubling_years: float | None


@dataclass(frozen=True)
class Trend:
    """Annual output over the span ``first``–``last`` and its two fitted trends."""

    first: int
    last: int
    years: list[int]
    counts: list[int]
    linear: LinearFit | None
    exponential: ExponentialFit | None


@dataclass(frozen=True)
class PriceCore:
    """Price's law: ``threshold`` m, the core authors and their share of the output."""

    n_max: int
    threshold: float
    min_records: int
    core: list[tuple[str, int]]
    core_records: int
    share: float | None
    papers_with_core: int | None
    papers_share: float | None


@dataclass(frozen=True)
class LotkaFit:
    """Lotka's law ``f(x) = C / x^n``: the fitted ``n`` and ``c``, ``r2`` of the log-log
    regression, and the distribution ``(x, f(x))``."""

    exponent: float | None
    c: float | None
    r2: float | None
    authors: int
    single_share: float | None
    distribution: list[tuple[int, int]]


@dataclass(frozen=True)
class BradfordZones:
    """Bradford zones: ``zones[k]`` the venues of zone ``k + 1`` with their records."""

    zones: list[list[tuple[str, int]]]
    records: list[int]
    multiplier: float | None
    ratios: list[float | None]


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float | None]:
    """Ordinary least squares ``y = a + b·x``: ``(a, b, R²)``.

    ``R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²``, ``None`` when every ``y`` is the same.

    >>> least_squares([0, 1, 2], [1, 3, 5])
    (1.0, 2.0, 1.0)
    """
    n = len(xs)
    if n < 2:
        raise ValueError("least squares needs at least two points")
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("least squares needs at least two different x")
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = None if ss_tot == 0 else 1 - ss_res / ss_tot
    return a, b, r2


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def annual_trend(by_year: Mapping[int, int]) -> Trend:
    """Annual output over every year from the first to the last, with two trends.

    Linear: ``y = a + b·t`` by least squares over every year of the span (``t = year −
    first``; a year without records counts 0). Exponential: ``y = A·e^(r·t)``, least
    squares on ``ln y`` over the years with at least one record; its R² is that of the
    log-linear regression (as spreadsheet trendlines report it); doubling time ``ln 2 / r``.
    A fit needs two years (two years with records for the exponential one).

    >>> t = annual_trend({2020: 1, 2022: 3})
    >>> t.years, t.counts, t.linear
    ([2020, 2021, 2022], [1, 0, 3], LinearFit(intercept=0.3333, slope=1.0, r2=0.4286))
    """
    if not by_year:
        return Trend(0, 0, [], [], None, None)
    first, last = min(by_year), max(by_year)
    years = list(range(first, last + 1))
    counts = [int(by_year.get(y, 0)) for y in years]
    ts = [y - first for y in years]
    linear = exponential = None
    if len(years) >= 2:
        a, b, r2 = least_squares(ts, counts)
        linear = LinearFit(_r(a), _r(b), _r(r2))  # type: ignore[arg-type]
    pos = [(t, c) for t, c in zip(ts, counts, strict=True) if c > 0]
    if len(pos) >= 2:
        a, b, r2 = least_squares([t for t, _ in pos], [math.log(c) for _, c in pos])
        doubling = math.log(2) / b if b > 0 else None
        exponential = ExponentialFit(_r(math.exp(a)), _r(b), _r(r2), _r(doubling, 2))  # type: ignore[arg-type]
    return Trend(first, last, years, counts, linear, exponential)


def price_core(
    counts: Mapping[str, int], *, n_records: int, author_sets: Iterable[Iterable[str]] = ()
) -> PriceCore:
    """Core authors by Price's law.

    ``m = 0.749·√n_max`` where ``n_max`` is the output of the most productive author; the
    core authors are those with at least ``m`` records (``min_records = ⌈m⌉``). ``share``
    is the sum of the core authors' records over ``n_records`` (the share Price's law
    expects to be about half); ``papers_share`` the share of records with at least one core
    author (given ``author_sets``, each record's authors).

    >>> core = price_core({"甲": 9, "乙": 3, "丙": 2, "丁": 1}, n_records=12)
    >>> core.min_records, [a for a, _ in core.core], core.share
    (3, ['甲', '乙'], 1.0)
    """
    if not counts:
        return PriceCore(0, 0.0, 0, [], 0, None, None, None)
    n_max = max(counts.values())
    m = 0.749 * math.sqrt(n_max)
    need = math.ceil(m - 1e-9)
    core = sorted(((a, c) for a, c in counts.items() if c >= m), key=lambda ac: (-ac[1], ac[0]))
    total = sum(c for _, c in core)
    names = {a for a, _ in core}
    sets = [set(s) for s in author_sets]
    with_core = sum(1 for s in sets if s & names) if sets else None
    share = total / n_records if n_records else None
    papers_share = with_core / n_records if with_core is not None and n_records else None
    return PriceCore(n_max, round(m, 4), need, core, total, _r(share), with_core, _r(papers_share))


def lotka_fit(counts: Mapping[str, int]) -> LotkaFit:
    """Lotka's law ``f(x) = C / x^n`` fitted by least squares on the log-log scale.

    ``f(x)`` is the number of authors with exactly ``x`` records; the fit is
    ``ln f(x) = ln C − n·ln x`` over every ``x`` with ``f(x) > 0`` (at least two values of
    ``x`` are needed); ``r2`` is the R² of that regression; ``single_share`` is
    ``f(1) / authors`` (Lotka: about 60.8 % when ``n = 2``).

    >>> fit = lotka_fit({"a": 1, "b": 1, "c": 1, "d": 1, "e": 2})
    >>> fit.exponent, fit.c, fit.distribution
    (2.0, 4.0, [(1, 4), (2, 1)])
    """
    dist: dict[int, int] = {}
    for c in counts.values():
        if c > 0:
            dist[c] = dist.get(c, 0) + 1
    distribution = sorted(dist.items())
    authors = sum(dist.values())
    single = dist.get(1, 0) / authors if authors else None
    if len(distribution) < 2:
        return LotkaFit(None, None, None, authors, _r(single), distribution)
    a, b, r2 = least_squares([math.log(x) for x, _ in distribution],
                             [math.log(f) for _, f in distribution])  # fmt: skip
    return LotkaFit(_r(-b), _r(math.exp(a)), _r(r2), authors, _r(single), distribution)


def bradford_zones(counts: Mapping[str, int]) -> BradfordZones:
    """Three Bradford zones of roughly equal records.

    Venues are ranked by records (descending, then by name); zone 1 runs to the venue at
    which the cumulative records first reach a third of all records, zone 2 to the one at
    which they reach two thirds, zone 3 holds the rest. The multiplier is the mean of
    ``n₂/n₁`` and ``n₃/n₂`` (venues per zone), over the ratios that exist.

    >>> z = bradford_zones({"A": 6, "B": 3, "C": 3, "D": 1, "E": 1, "F": 1, "G": 1, "H": 1, "I": 1})
    >>> [len(v) for v in z.zones], z.records, z.multiplier
    ([1, 2, 6], [6, 6, 6], 2.5)
    """
    ranked = sorted(((v, c) for v, c in counts.items() if c > 0), key=lambda vc: (-vc[1], vc[0]))
    total = sum(c for _, c in ranked)
    zones: list[list[tuple[str, int]]] = [[], [], []]
    cum = 0
    zone = 0
    for venue, c in ranked:
        zones[zone].append((venue, c))
        cum += c
        # 3·cum ≥ k·total: exact thirds in integers
        while zone < 2 and 3 * cum >= (zone + 1) * total:
            zone += 1
    sizes = [len(z) for z in zones]
    ratios = [sizes[1] / sizes[0] if sizes[0] and sizes[1] else None,
              sizes[2] / sizes[1] if sizes[1] and sizes[2] else None]  # fmt: skip
    known = [r for r in ratios if r is not None]
    multiplier = sum(known) / len(known) if known else None
    return BradfordZones(zones, [sum(c for _, c in z) for z in zones], _r(multiplier),
                         [_r(r) for r in ratios])  # fmt: skip


def h_index(citations: Iterable[int]) -> int:
    """The largest ``h`` such that ``h`` of the items are cited at least ``h`` times each.

    >>> h_index([]), h_index([0]), h_index([3, 3, 3]), h_index([25, 8, 5, 3, 3])
    (0, 0, 3, 3)
    """
    h = 0
    for i, c in enumerate(sorted(citations, reverse=True), 1):
        if c >= i:
            h = i
        else:
            break
    return h
