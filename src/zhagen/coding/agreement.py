"""Inter-coder agreement between two coders: percent agreement, Holsti's R, Cohen's κ,
NVivo's character κ per code × document and Krippendorff's α.

Two coders, A and B, code the same documents blind. For every code, each *unit* is either
coded by a coder (1) or not (0), which gives a 2 × 2 table per code:

=============  ============  ============
\\              B coded       B not coded
=============  ============  ============
A coded        ``both``      ``a_only``
A not coded    ``b_only``    ``neither``
=============  ============  ============

with ``N = both + a_only + b_only + neither`` units, ``N1 = both + a_only`` units coded by
A and ``N2 = both + b_only`` units coded by B. Every statistic below comes from this table.

Units
-----
``char``
    Every code point of every document in scope (NVivo's unit for text sources). Coded by a
    coder for a code when it lies inside one of that coder's codings of that code.
``sentence``
    Every sentence (原始语句) of every document in scope. **Rule:** a sentence counts as
    coded by a coder for a code when *any* coding of that code by that coder overlaps it by
    at least one code point (``coding.start < sentence.end`` and
    ``coding.end > sentence.start``). Characters outside every sentence are not units.

Statistics
----------
percent agreement
    ``(both + neither) / N × 100`` — NVivo's "agreement" (QSR International, NVivo help,
    *Run a coding comparison query*: 1000 characters, 50 coded by both, 150 by one coder
    only, 800 by neither → (50 + 800) / 1000 = 85 %).
Holsti's R (Holsti 1969)
    ``2M / (N1 + N2)`` with ``M = both``: agreement on the units either coder coded, so
    not inflated by the many units nobody codes. Undefined (NaN) when nobody coded anything.
Cohen's κ (Cohen 1960)
    ``κ = (p_o − p_e) / (1 − p_e)``, ``p_o = (both + neither) / N``,
    ``p_e = (N1·N2 + (N − N1)(N − N2)) / N²``. NVivo writes the same number in frequencies,
    ``κ = (agree − ΣEF) / (N − ΣEF)`` with the expected frequencies ``EF1 = N1·N2 / N``
    and ``EF2 = (N − N1)(N − N2) / N``. When ``N = ΣEF`` both coders gave every unit the
    same single value; κ is then 1, as NVivo reports it ("All my Kappa coefficients are 0
    or 1").
Krippendorff's α, nominal (Krippendorff 2004, 2011)
    ``α = 1 − D_o / D_e``. For two coders and no missing values the coincidence matrix
    gives ``α = 1 − (n − 1) · 2d / (n² − Σ_c n_c²)`` with ``n = 2N`` pairable values,
    ``d`` disagreeing units and ``n_c`` the number of values ``c``; for the binary table
    above ``α = 1 − (2N − 1) · (a_only + b_only) / (n_0 · n_1)``. NaN when every value is
    the same (no variation: α is undefined).

Scope and pooling
-----------------
``lengths`` (document → number of code points) is the scope: codings on other documents
are ignored. Per code, the units are all units of all documents in scope. The pooled row
stacks the codes: its units are (code, unit) pairs, its table is the sum of the per-code
tables, and its κ and α are those of the stacked vectors.

Computation is interval arithmetic over codings (O(C log C) for C codings), never a loop
over characters: ``|A ∩ B| = |A| + |B| − |A ∪ B|`` with union lengths of sorted intervals.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20(1), 37–46.
Holsti, O. R. (1969). *Content Analysis for the Social Sciences and Humanities*.
Addison-Wesley.
Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd ed.).
Sage. Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Annenberg School for Communication, University of Pennsylvania.
QSR International. NVivo help: *Run a coding comparison query* (how the percentage
agreement and the Kappa coefficient are calculated).

>>> round(nvivo_kappa(both=50, a_only=150, b_only=0, neither=800), 4)
0.3478
>>> holsti(2, 3, 3)
0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.params import param, scope_param

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "UNITS",
    "AgreementParams",
    "POOLED",
    "Agreement",
    "agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "holsti",
    "nvivo_kappa",
    "table_stats",
    "span_array",
]

#: Units of comparison.
UNITS: tuple[str, ...] = ("char", "sentence")


@dataclass
class AgreementParams:
    """The options of an agreement computation, declared once (see :mod:`zhagen.params`).

    >>> AgreementParams().unit
    'char'
    """

    unit: str = param("char", "str", "单位", "unit", choices=UNITS,
                      help_zh="按字符或按句子比较", help_en="compare per character or per sentence")  # fmt: skip
    scope: str | None = scope_param()


#: The ``code`` value of the pooled row.
POOLED = "(pooled)"
_COUNTS = ["units", "both", "a_only", "b_only", "neither", "coded_a", "coded_b"]
_STATS = ["percent_agreement", "holsti_r", "kappa", "alpha"]
_NVIVO = ["pct_a_and_b", "pct_neither", "pct_disagreement", "pct_a_not_b", "pct_b_not_a"]


@dataclass
class Agreement:
    """Agreement of two coders: three DataFrames and what they were computed on.

    Attributes
    ----------
    by_code
        One row per code: ``code, code_name`` + counts (``units, both, a_only, b_only,
        neither, coded_a, coded_b``) + ``percent_agreement`` (0–100), ``holsti_r``,
        ``kappa``, ``alpha``.
    by_code_document
        One row per code × document that either coder coded (a pair nobody coded is 100 %
        agreement with κ = 1 and is left out): ``document, code, code_name``, the counts,
        the statistics and NVivo's columns ``pct_a_and_b, pct_neither, pct_disagreement,
        pct_a_not_b, pct_b_not_a`` (percent of the document's units).
    pooled
        One row, ``code = "(pooled)"``: the per-code tables stacked (see the module notes).
    """

    coder_a: str
    coder_b: str
    unit: str
    by_code: pd.DataFrame
    by_code_document: pd.DataFrame
    pooled: pd.DataFrame
    documents: list[Hashable] = field(default_factory=list)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The three tables by sheet name, for writing: 按编码, 按编码×文档, 合计."""
        return {"按编码": self.by_code, "按编码×文档": self.by_code_document, "合计": self.pooled}


# -- statistics on one 2 × 2 table (vectorised) ----------------------------------------------
def table_stats(both: Any, a_only: Any, b_only: Any, neither: Any) -> dict[str, np.ndarray]:
    """All statistics of 2 × 2 agreement tables (scalars or equal-length arrays).

    Parameters
    ----------
    both, a_only, b_only, neither
        Units coded by both coders, by A only, by B only, by neither.

    Returns
    -------
    dict
        Arrays ``units, both, a_only, b_only, neither, coded_a, coded_b,
        percent_agreement, holsti_r, kappa, alpha`` and NVivo's ``pct_*`` columns.

    Examples
    --------
    >>> s = table_stats(50, 150, 0, 800)
    >>> float(s["percent_agreement"]), round(float(s["kappa"]), 4)
    (85.0, 0.3478)
    """
    import numpy as np

    n11, n10, n01, n00 = (np.asarray(v, dtype=np.float64) for v in (both, a_only, b_only, neither))
    n = n11 + n10 + n01 + n00
    n1, n2 = n11 + n10, n11 + n01
    with np.errstate(divide="ignore", invalid="ignore"):
        agree = n11 + n00
        sum_ef = (n1 * n2 + (n - n1) * (n - n2)) / n
        kappa = np.where(n - sum_ef > 0, (agree - sum_ef) / (n - sum_ef), 1.0)
        kappa = np.where(n > 0, kappa, np.nan)
        holsti_r = np.where(n1 + n2 > 0, 2 * n11 / (n1 + n2), np.nan)
        ones = n1 + n2
        zeros = 2 * n - ones
        alpha = np.where(ones * zeros > 0, 1 - (2 * n - 1) * (n10 + n01) / (ones * zeros), np.nan)
        pct = 100.0 / n
        out = {
            "units": n,
            "both": n11,
            "a_only": n10,
            "b_only": n01,
            "neither": n00,
            "coded_a": n1,
            "coded_b": n2,
            "percent_agreement": agree * pct,
            "holsti_r": holsti_r,
            "kappa": kappa,
            "alpha": alpha,
            "pct_a_and_b": n11 * pct,
            "pct_neither": n00 * pct,
            "pct_disagreement": (n10 + n01) * pct,
            "pct_a_not_b": n10 * pct,
            "pct_b_not_a": n01 * pct,
        }
    return out


def nvivo_kappa(both: float, a_only: float, b_only: float, neither: float) -> float:
    """NVivo's Kappa coefficient of one code in one source.

    ``κ = (agree − ΣEF) / (N − ΣEF)`` with ``agree = both + neither``,
    ``EF1 = (both + a_only)(both + b_only) / N`` and
    ``EF2 = (b_only + neither)(a_only + neither) / N`` (NVivo help, *Run a coding
    comparison query*). 1 when ``N = ΣEF`` (nothing to tell apart), as NVivo reports it.

    Examples
    --------
    NVivo's worked example (1000 characters, 50 coded by both, 150 by one coder, 800 by
    neither) does not say how the 150 split between the coders; κ lies between 0.3143
    (75 / 75) and 0.3478 (150 / 0):

    >>> round(nvivo_kappa(50, 75, 75, 800), 4), round(nvivo_kappa(50, 150, 0, 800), 4)
    (0.3143, 0.3478)
    """
    return float(table_stats(both, a_only, b_only, neither)["kappa"])


def holsti(m: float, n1: float, n2: float) -> float:
    """Holsti's (1969) coefficient of reliability ``R = 2M / (N1 + N2)``.

    ``M`` coding decisions both coders agree on, ``N1`` and ``N2`` the decisions of each.
    NaN when ``N1 + N2 = 0``.

    >>> holsti(50, 200, 50)
    0.4
    """
    return 2 * m / (n1 + n2) if n1 + n2 > 0 else float("nan")


def _pair_vectors(x: Sequence[Any], y: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Both coders' values as integer category codes, units with a missing value dropped."""
    import pandas as pd

    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length ({len(x)} != {len(y)})")
    sx, sy = pd.Series(list(x), dtype=object), pd.Series(list(y), dtype=object)
    keep = (sx.notna() & sy.notna()).to_numpy()
    codes, _ = pd.factorize(pd.concat([sx[keep], sy[keep]], ignore_index=True))
    m = int(keep.sum())
    return codes[:m], codes[m:]


def cohen_kappa(x: Sequence[Any], y: Sequence[Any]) -> float:
    """Cohen's (1960) κ of two coders' nominal values on the same units.

    ``κ = (p_o − p_e) / (1 − p_e)``, ``p_o`` the share of units with equal values and
    ``p_e = Σ_c p_A(c) · p_B(c)``. Units where either value is missing (None/NaN) are
    dropped. 1 when ``p_e = 1`` (both coders used one and the same value throughout;
    scikit-learn returns NaN there), NaN for no units.

    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    import numpy as np

    a, b = _pair_vectors(x, y)
    if a.size == 0:
        return float("nan")
    k = int(max(a.max(), b.max())) + 1
    p_o = float(np.mean(a == b))
    p_e = float(np.dot(np.bincount(a, minlength=k), np.bincount(b, minlength=k))) / a.size**2
    return 1.0 if p_e >= 1.0 else (p_o - p_e) / (1.0 - p_e)


def krippendorff_alpha(x: Sequence[Any], y: Sequence[Any]) -> float:
    """Krippendorff's α (nominal) of two coders' values on the same units.

    ``α = 1 − (n − 1) · 2d / (n² − Σ_c n_c²)`` (Krippendorff 2011, coincidence matrix for
    two coders): ``n`` pairable values, ``d`` units on which the coders differ, ``n_c`` the
    number of values ``c``. Units with a missing value are not pairable and are dropped.
    NaN when all values are the same or there are no pairable units.

    >>> round(krippendorff_alpha([1, 1, 0, 0], [1, 0, 0, 0]), 4)
    0.5333
    """
    import numpy as np

    a, b = _pair_vectors(x, y)
    n = 2 * a.size
    if n == 0:
        return float("nan")
    counts = np.bincount(np.concatenate([a, b]))
    expected = float(n * n - np.sum(counts.astype(np.float64) ** 2))
    if expected <= 0:
        return float("nan")
    return 1.0 - (n - 1) * 2.0 * float(np.sum(a != b)) / expected


# -- units -----------------------------------------------------------------------------------
def span_array(spans: Any) -> np.ndarray:
    """Sentence spans as an ``(n, 2)`` int64 array sorted by start.

    ``spans`` is a DataFrame with ``start`` and ``end`` columns (``Project.sentences(doc)``)
    or a sequence of ``(start, end)`` pairs.

    >>> span_array([(5, 9), (0, 5)]).tolist()
    [[0, 5], [5, 9]]
    """
    import numpy as np

    if hasattr(spans, "columns"):
        arr = spans[["start", "end"]].to_numpy(dtype=np.int64)
    else:
        arr = np.asarray(list(spans), dtype=np.int64).reshape(-1, 2)
    return arr[np.argsort(arr[:, 0], kind="stable")]


def _union_lengths(group: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_groups: int) -> np.ndarray:
    """Length of the union of intervals ``[lo, hi)`` per group, all groups at once.

    Groups are laid end to end on one axis (offset ``group × width``), so one running
    maximum of the interval ends serves every group: the contribution of an interval is
    what it adds beyond the furthest end reached before it.
    """
    import numpy as np

    if group.size == 0:
        return np.zeros(n_groups)
    width = int(hi.max()) + 1
    s = group * width + lo
    e = group * width + hi
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    before = np.concatenate([s[:1], reach[:-1]])
    contrib = np.maximum(0, e - np.maximum(s, before))
    return np.bincount(group[order], weights=contrib, minlength=n_groups)


def _to_units(
    df: pd.DataFrame, unit: str, lengths: Mapping[Any, int], sentences: Mapping[Any, Any] | None
) -> tuple[pd.DataFrame, dict[Any, int]]:
    """Codings → unit intervals ``lo, hi`` (code points or sentence indices); units per doc."""
    import numpy as np
    import pandas as pd

    spans = {d: span_array(sentences.get(d, [])) for d in lengths} if unit == "sentence" else {}
    sizes = {d: len(spans[d]) if unit == "sentence" else int(lengths[d]) for d in lengths}
    parts = []
    for doc, g in df.groupby("document", sort=False):
        size = int(lengths[doc])
        bad = g[(g["end"] > size) | (g["start"] < 0)]
        if len(bad):
            r = bad.iloc[0]
            raise ParameterError(
                f"文档 {doc} 的编码 [{r['start']}, {r['end']}) 超出 lengths 给出的长度 {size}；"
                "请传入文档的实际字符数（Project.text(doc) 的长度）",
                f"document {doc}: coding [{r['start']}, {r['end']}) lies beyond its length "
                f"{size} in `lengths`; pass the documents' real lengths in code points",
            )
        g = g.assign(lo=g["start"].to_numpy(np.int64), hi=g["end"].to_numpy(np.int64))
        if unit == "sentence":
            sp = spans[doc]
            g["lo"] = np.searchsorted(sp[:, 1], g["start"].to_numpy(np.int64), side="right")
            g["hi"] = np.searchsorted(sp[:, 0], g["end"].to_numpy(np.int64), side="left")
        parts.append(g[g["hi"] > g["lo"]])
    frame = pd.concat(parts, ignore_index=True) if parts else df.assign(lo=0, hi=0).iloc[:0]
    return frame, sizes


def _check(
    codings: pd.DataFrame,
    lengths: Mapping[Any, int],
    coders: Sequence[str],
    unit: str,
    sentences: Mapping[Any, Any] | None,
) -> pd.DataFrame:
    """Validate the parameters; return the two coders' non-empty codings in scope."""
    missing = {"document", "start", "end", "code", "coder"} - set(codings.columns)
    if missing:
        raise ValueError(f"codings lacks columns {sorted(missing)}")
    if unit not in UNITS:
        raise ParameterError(
            f"unit 只能是 {' 或 '.join(UNITS)}，而不是 {unit!r}",
            f"unit must be one of {', '.join(UNITS)}, not {unit!r}",
        )
    if unit == "sentence" and sentences is None:
        raise ParameterError(
            "unit='sentence' 需要 sentences（每个文档的句子起止位置）",
            "unit='sentence' needs `sentences` (each document's sentence spans)",
        )
    if len(coders) != 2 or coders[0] == coders[1]:
        raise ParameterError(
            f"coders 须是两个不同的编码者，而不是 {list(coders)!r}",
            f"`coders` must name two different coders, not {list(coders)!r}",
        )
    df = codings[codings["document"].isin(list(lengths)) & codings["coder"].isin(list(coders))]
    df = df[df["end"] > df["start"]]
    for who in coders:
        if not (df["coder"] == who).any():
            raise ParameterError(
                f"编码者 {who!r} 在所选文档中没有任何编码；请检查 coders 的拼写或先完成编码",
                f"coder {who!r} has no codings in the documents in scope; check `coders` "
                "or code the documents first",
            )
    return df


def agreement(
    codings: pd.DataFrame,
    lengths: Mapping[Any, int],
    coders: Sequence[str],
    *,
    unit: str = "char",
    sentences: Mapping[Any, Any] | None = None,
    codes: Sequence[Any] | None = None,
) -> Agreement:
    """Agreement of two coders per code, per code × document and pooled.

    Parameters
    ----------
    codings
        Columns ``document, start, end, code, coder`` (``code_name`` used when present);
        offsets in code points, ``end`` exclusive (``Project.codings()``).
    lengths
        Document → number of code points. Its keys are the scope: codings on other
        documents are ignored.
    coders
        The two coders' names ``(A, B)``.
    unit
        ``"char"`` or ``"sentence"`` (see the module notes for the overlap rule).
    sentences
        Document → sentence spans (DataFrame with ``start, end`` or ``(start, end)``
        pairs); needed for ``unit="sentence"``.
    codes
        The codes to compare (default: every code either coder used in scope).

    Returns
    -------
    Agreement
        ``by_code``, ``by_code_document`` and ``pooled`` DataFrames.

    Raises
    ------
    ParameterError
        An unknown unit, not two different coders, a coder with no codings in scope,
        sentence unit without sentences, a coding beyond its document's length.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"document": [1, 1], "start": [0, 50], "end": [200, 100],
    ...                   "code": [7, 7], "coder": ["A", "B"]})
    >>> r = agreement(c, {1: 1000}, ("A", "B"))
    >>> r.by_code[["percent_agreement", "holsti_r"]].round(4).values.tolist()
    [[85.0, 0.4]]
    """
    import numpy as np
    import pandas as pd

    df = _check(codings, lengths, coders, unit, sentences)
    frame, sizes = _to_units(df, unit, lengths, sentences)
    code_list = list(codes) if codes is not None else _sorted(pd.unique(df["code"]))
    frame = frame[frame["code"].isin(code_list)]
    docs = list(lengths)
    pair = pd.MultiIndex.from_frame(frame[["document", "code"]]).unique()
    gi = pair.get_indexer(pd.MultiIndex.from_frame(frame[["document", "code"]]))
    lo, hi = frame["lo"].to_numpy(np.int64), frame["hi"].to_numpy(np.int64)
    is_a = (frame["coder"] == coders[0]).to_numpy()
    len_a = _union_lengths(gi[is_a], lo[is_a], hi[is_a], len(pair))
    len_b = _union_lengths(gi[~is_a], lo[~is_a], hi[~is_a], len(pair))
    len_ab = _union_lengths(gi, lo, hi, len(pair))
    both = len_a + len_b - len_ab
    units = np.array([sizes[d] for d in pair.get_level_values(0)], dtype=np.float64)
    names = _code_names(df, code_list)
    per_doc = pd.DataFrame({"document": pair.get_level_values(0), "code": pair.get_level_values(1)})
    stats = table_stats(both, len_a - both, len_b - both, units - len_ab)
    per_doc = _assemble(per_doc, stats, names, _COUNTS + _STATS + _NVIVO)
    per_doc = per_doc.sort_values(["code", "document"], kind="stable", ignore_index=True)
    by_code = _by_code(per_doc, code_list, names, float(sum(sizes.values())))
    pooled = _pooled(by_code)
    return Agreement(str(coders[0]), str(coders[1]), unit, by_code, per_doc, pooled, docs)


def _sorted(values: Any) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # mixed types: keep the order of appearance
        return list(values)


def _code_names(df: pd.DataFrame, code_list: list[Any]) -> dict[Any, str]:
    if "code_name" not in df.columns:
        return {c: str(c) for c in code_list}
    names = df.drop_duplicates("code").set_index("code")["code_name"].to_dict()
    return {c: str(names.get(c, c)) for c in code_list}


def _assemble(
    base: pd.DataFrame, stats: dict[str, Any], names: dict[Any, str], columns: list[str]
) -> pd.DataFrame:
    base = base.copy()
    base.insert(base.columns.get_loc("code") + 1, "code_name", base["code"].map(names))
    for col in columns:
        base[col] = stats[col]
    for col in _COUNTS:
        if col in base.columns:
            base[col] = base[col].round().astype("int64")
    return base


def _by_code(
    per_doc: pd.DataFrame, code_list: list[Any], names: dict[Any, str], total: float
) -> pd.DataFrame:
    """Sum the code × document tables per code; documents nobody coded add ``neither``."""
    import pandas as pd

    sums = per_doc.groupby("code", sort=False)[["both", "coded_a", "coded_b"]].sum()
    sums = sums.reindex(pd.Index(code_list, name="code"), fill_value=0)
    both = sums["both"].to_numpy(float)
    a_only = sums["coded_a"].to_numpy(float) - both
    b_only = sums["coded_b"].to_numpy(float) - both
    neither = total - both - a_only - b_only
    stats = table_stats(both, a_only, b_only, neither)
    return _assemble(pd.DataFrame({"code": code_list}), stats, names, _COUNTS + _STATS)


def _pooled(by_code: pd.DataFrame) -> pd.DataFrame:
    """The stacked table of all codes: units are (code, unit) pairs."""
    import pandas as pd

    sums = by_code[["both", "a_only", "b_only", "neither"]].sum()
    stats = table_stats(sums["both"], sums["a_only"], sums["b_only"], sums["neither"])
    row = pd.DataFrame({"code": [POOLED], "code_name": ["合计 / pooled"], "codes": [len(by_code)]})
    for col in _COUNTS + _STATS:
        row[col] = [float(stats[col])]
    for col in _COUNTS:
        row[col] = row[col].round().astype("int64")
    return row
