"""Checking the parameters of a knowledge map before anything is read or computed.

Every parameter out of range or of the wrong form raises one :class:`ParameterError` with a
Chinese and an English message naming the parameter, its value and what it may be.
"""

from __future__ import annotations

from zhagen.errors import ParameterError
from zhagen.mapping.model import MapParams

__all__ = ["check_params"]


def check_params(params: MapParams) -> None:
    """Raise ``ParameterError`` (zh/en) for a parameter out of range or of the wrong form."""
    from zhagen.mapping.links import LINK_METHODS
    from zhagen.mapping.prune import PRUNE_METHODS

    checks: list[tuple[bool, str, str]] = [
        (params.link in LINK_METHODS, f"未知的连线强度算法 link={params.link!r}",
         f"unknown link={params.link!r}; choose {', '.join(LINK_METHODS)}"),
        (params.prune in PRUNE_METHODS, f"未知的剪枝方法 prune={params.prune!r}",
         f"unknown prune={params.prune!r}; choose {', '.join(PRUNE_METHODS)}"),
        (params.field in ("keywords", "terms"), f"field 只能是 keywords 或 terms（当前 {params.field!r}）",
         f"field must be 'keywords' or 'terms' (got {params.field!r})"),
        (params.lang in ("zh", "en", "all"), f"lang 只能是 zh、en 或 all（当前 {params.lang!r}）",
         f"lang must be 'zh', 'en' or 'all' (got {params.lang!r})"),
        (params.slice >= 1, f"时间切片长度至少为 1 年（当前 {params.slice}）",
         f"slice must be at least 1 year (got {params.slice})"),
        (params.min_freq >= 1, f"最低频次 min_freq 至少为 1（当前 {params.min_freq}）",
         f"min_freq must be at least 1 (got {params.min_freq})"),
        (params.resolution > 0, f"分辨率 resolution 必须为正数（当前 {params.resolution}）",
         f"resolution must be positive (got {params.resolution})"),
        (params.top is None or params.top >= 1, f"top 至少为 1（当前 {params.top}）",
         f"top must be at least 1 (got {params.top})"),
        (params.top_percent is None or 0 < params.top_percent <= 100,
         f"top_percent 必须在 (0, 100] 之间（当前 {params.top_percent}）",
         f"top_percent must be in (0, 100] (got {params.top_percent})"),
        (params.g_index is None or params.g_index > 0,
         f"g 指数比例因子 k 必须为正数（当前 {params.g_index}）",
         f"the g-index scale factor k must be positive (got {params.g_index})"),
        (params.burst_s > 1, f"突发检测参数 s 必须大于 1（当前 {params.burst_s}）",
         f"burst_s must be greater than 1 (got {params.burst_s})"),
        (params.burst_gamma >= 0, f"突发检测参数 γ 不能为负（当前 {params.burst_gamma}）",
         f"burst_gamma must be ≥ 0 (got {params.burst_gamma})"),
        (params.burst_terms in {"all", "nodes"},
         f"burst_terms 只能是 all 或 nodes（当前 {params.burst_terms!r}）",
         f"burst_terms must be 'all' or 'nodes' (got {params.burst_terms!r})"),
        (params.burst_min_duration >= 1,
         f"突发最短持续时间至少为 1（当前 {params.burst_min_duration}）",
         f"burst_min_duration must be at least 1 (got {params.burst_min_duration})"),
        (params.years is None or params.years[0] <= params.years[1],
         f"年份范围 years={params.years} 的起始年份晚于结束年份",
         f"years={params.years}: the first year is after the last"),
    ]  # fmt: skip
    for ok, zh, en in checks:
        if not ok:
            raise ParameterError(zh + "。", en + ".")
    from zhagen.mapping.selection import _check_one_criterion

    _check_one_criterion(params.top, params.top_percent, params.g_index)
