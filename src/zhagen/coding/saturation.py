"""Theoretical saturation test: hold documents out, code them last, report what is new.

The template is 王建明 & 王俊豪 (2011): code about two thirds of the documents, build the
concepts, categories and relations from them, then code the held-out third and check
whether it brings any new concept (初始概念), category (初始范畴, 主范畴, 核心范畴) or
relation. None → the model is theoretically saturated.

What "new" means here
---------------------
A code's *support* is the set of documents in which it or any code below it in the tree
has a coding (a category is supported by its concepts' codings).

1. **Evidence rule (always).** A code is new when it has support and every document of its
   support is held out: nothing in the model documents ever called for it (whenever the code
   was created, even before the draw).
2. **Time rules (when ``drawn_at`` is given and the codings have ``created``).** The held-out
   documents are coded last, so the moment their coding began is the first coding in a
   held-out document made after the draw (``Saturation.dated_from``), not the draw itself:
   the researcher draws first, to know which documents to set aside, then codes the model
   documents — the codes made then are the model, not news. A code is new when

   * it was created after ``dated_from`` (added while the held-out documents were coded; a
     regrouping counts as a change), or
   * its first coding (of it or a code below it) is in a held-out document, made after the
     draw (found there, even if model documents were coded with it afterwards).

   Codings made before the draw (code first, then draw) date nothing: only the evidence rule
   judges them.
3. **Relations.** A relation is new when its source or target code is new, or (time rule)
   when it was created after ``dated_from``.

The verdict: something new → not saturated (held-out documents still uncoded are named);
nothing new but some held-out document not coded yet → cannot judge yet (how many are
uncoded); nothing new and every held-out document coded → saturated. Codes without any coding
and created before ``dated_from`` (or with no time rule) are not new. Codings of every coder
count unless ``coder=``.

References
----------
王建明, 王俊豪. (2011). 公众低碳消费模式的影响因素模型与政府管制政策——基于扎根理论的一个
探索性研究. 管理世界, (4), 58–68.
Glaser, B. G., & Strauss, A. L. (1967). *The Discovery of Grounded Theory*. Aldine.

>>> holdout([1, 2, 3, 4, 5, 6], "1/3", seed=1)[1]
[2, 5]
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from zhagen.coding.levels import LEVELS, as_level
from zhagen.errors import ParameterError
from zhagen.params import param, scope_param

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SaturationParams",
    "Saturation",
    "holdout",
    "parse_fraction",
    "code_subtrees",
    "saturation_report",
]


def parse_fraction(fraction: str | float | Fraction) -> Fraction:
    """``"1/3"``, ``"0.25"``, ``"25%"``, ``0.25`` → a fraction strictly between 0 and 1.

    >>> parse_fraction("1/3"), parse_fraction("25%")
    (Fraction(1, 3), Fraction(1, 4))
    """
    try:
        if isinstance(fraction, str):
            text = fraction.strip()
            value = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
        elif isinstance(fraction, bool):
            raise TypeError
        else:
            value = Fraction(fraction).limit_denominator(10**6)
    except (ValueError, TypeError, ZeroDivisionError):
        value = Fraction(-1)
    if not 0 < value < 1:
        raise ParameterError(
            f"留出比例（holdout）须在 0 和 1 之间（如 1/3 或 0.3），而不是 {fraction!r}",
            f"the held-out share (`holdout`) must lie strictly between 0 and 1 "
            f"(e.g. 1/3 or 0.3), not {fraction!r}",
        )
    return value


@dataclass
class SaturationParams:
    """The options of a saturation test, declared once (see :mod:`zhagen.params`): the
    ``zhagen saturation`` options are made from them.

    >>> from zhagen.params import make
    >>> make(SaturationParams, {"holdout": "25%", "types": "document"})
    SaturationParams(holdout='25%', seed=0, coder=None, types=['document'], scope=None)
    """

    holdout: str = param("1/3", "str", "留出比例", "share held out", validate=parse_fraction,
                         help_zh="如 1/3、0.3、30%", help_en="e.g. 1/3, 0.3, 30%")  # fmt: skip
    seed: int = param(0, "int", "随机种子", "seed")
    coder: str | None = param(None, "str", "编码者", "coder", optional=True,
                              help_zh="只用这位编码者的编码", help_en="one coder's codings")  # fmt: skip
    types: list[str] | None = param(None, "strs", "文档类型", "document types", optional=True,
                                    flag="--type", help_zh="只从这些类型中留出",
                                    help_en="draw only from these types (e.g. document)")  # fmt: skip
    scope: str | None = scope_param()


def _rank(seed: int, doc: Hashable) -> bytes:
    # A hash, not a random generator: stable across Python and NumPy versions, independent
    # of the order of doc_ids, and a document keeps its rank when others are added.
    return hashlib.sha256(f"{seed}\x1f{doc!r}".encode()).digest()


def holdout(
    doc_ids: Iterable[Hashable], fraction: str | float | Fraction = "1/3", seed: int = 0
) -> tuple[list[Hashable], list[Hashable]]:
    """Split documents into model documents and held-out documents.

    ``k = round(n × fraction)`` documents (at least 1, at most ``n − 1``) are held out:
    those whose SHA-256 of ``(seed, id)`` sorts first. The same ids and seed always give
    the same split, on any machine and in any order.

    Parameters
    ----------
    doc_ids
        Document ids (duplicates are dropped).
    fraction
        Share to hold out: ``"1/3"``, ``"0.3"``, ``"30%"`` or a number in (0, 1).
    seed
        Any integer; another seed draws another split.

    Returns
    -------
    (model_docs, holdout_docs)
        Both in the order of ``doc_ids``.

    Raises
    ------
    ParameterError
        ``fraction`` outside (0, 1), fewer than two documents, or a seed that is not an
        integer.

    Examples
    --------
    >>> model, held = holdout(range(1, 10), "1/3", seed=7)
    >>> len(model), len(held), sorted(model + held) == list(range(1, 10))
    (6, 3, True)
    """
    value = parse_fraction(fraction)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(
            f"seed 须是整数，而不是 {seed!r}", f"`seed` must be an integer, not {seed!r}"
        )
    docs = list(dict.fromkeys(doc_ids))
    if len(docs) < 2:
        raise ParameterError(
            f"留出检验至少需要 2 份文档（现有 {len(docs)} 份）；请先导入文档",
            f"a holdout needs at least 2 documents ({len(docs)} given); add documents first",
        )
    k = min(len(docs) - 1, max(1, math.floor(len(docs) * value + Fraction(1, 2))))
    held = set(sorted(docs, key=lambda d: _rank(seed, d))[:k])
    return [d for d in docs if d not in held], [d for d in docs if d in held]


def _parents(codes: pd.DataFrame) -> dict[Any, Any]:
    import pandas as pd

    return {
        r.id: (None if pd.isna(r.parent) else r.parent)
        for r in codes[["id", "parent"]].itertuples(index=False)
    }


def code_subtrees(codes: pd.DataFrame) -> dict[Any, set[Any]]:
    """Each code id → the ids of the code and every code below it in the tree.

    ``codes`` needs ``id`` and ``parent`` (None/NaN for a top-level code).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": [1, 2, 3], "parent": [None, 1, 2]})
    >>> sorted(code_subtrees(t)[1]), sorted(code_subtrees(t)[3])
    ([1, 2, 3], [3])
    """
    parents = _parents(codes)
    subtree: dict[Any, set[Any]] = {c: {c} for c in parents}
    for code in parents:
        seen = {code}
        up = parents[code]
        while up is not None and up in subtree and up not in seen:  # guard against cycles
            subtree[up].add(code)
            seen.add(up)
            up = parents[up]
    return subtree


@dataclass
class Saturation:
    """The saturation report.

    Attributes
    ----------
    new
        One row per new code or relation: ``kind`` ("code"/"relation"), ``id``, ``name``,
        ``level``, ``level_name``, ``holdout_codings``, ``documents`` (held-out documents
        that support it), ``reason_zh``, ``reason_en``.
    counts
        Per level and for relations: ``level``, ``level_name``, ``level_name_en``,
        ``total``, ``in_holdout`` (supported by held-out documents), ``new``.
    saturated
        True (nothing new and every held-out document coded), False (something new) or None
        (nothing new yet, but some held-out document is not coded: cannot judge yet).
    uncoded_holdout
        Held-out documents without any coding (of ``coder``, when given).
    dated_from
        When the coding of the held-out documents began (the first coding in one of them made
        after the draw, ISO text): codes and relations created later are new. None: no time
        rule (no draw time, or no held-out document coded after the draw).
    warnings
        ``(中文, English)`` pairs the reader must see (e.g. a draw from uncoded documents).
    model_docs
        The model documents of the draw, when the caller knows them (``project.reports``).
    """

    holdout_docs: list[Hashable]
    new: pd.DataFrame
    counts: pd.DataFrame
    saturated: bool | None
    verdict_zh: str
    verdict_en: str
    uncoded_holdout: list[Hashable] = field(default_factory=list)
    dated_from: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    model_docs: list[Hashable] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``中文 / English`` in one line."""
        return f"{self.verdict_zh} / {self.verdict_en}"

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tables by sheet name: 新增, 各层级."""
        return {"新增": self.new, "各层级": self.counts}

    def to_dict(self) -> dict[str, Any]:
        """Everything the report says as plain JSON-ready data: the verdict, the held-out and
        uncoded documents, the warnings and both tables as lists of records (one document
        for ``--format json`` and the web).

        >>> import pandas as pd
        >>> codes = pd.DataFrame({"id": [1], "name": ["政策支持"], "parent": [None], "level": [1]})
        >>> r = saturation_report(codes, pd.DataFrame({"document": [1, 2], "code": [1, 1]}), [2])
        >>> d = r.to_dict()
        >>> d["saturated"], d["holdout"], d["uncoded_holdout"], len(d["counts"])
        (True, [2], [], 5)
        """
        return {
            "saturated": self.saturated,
            "verdict_zh": self.verdict_zh,
            "verdict_en": self.verdict_en,
            "holdout": [_plain(d) for d in self.holdout_docs],
            "model": [_plain(d) for d in self.model_docs],
            "uncoded_holdout": [_plain(d) for d in self.uncoded_holdout],
            "dated_from": self.dated_from,
            "warnings": [{"zh": zh, "en": en} for zh, en in self.warnings],
            "new": _records(self.new),
            "counts": _records(self.counts),
        }


def _plain(value: Any) -> Any:
    """A numpy scalar or pandas missing value as plain Python (None for missing)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>":
        return None
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


def _support(
    codes: pd.DataFrame, codings: pd.DataFrame, held: set[Hashable]
) -> tuple[dict[Any, set[Hashable]], dict[Any, set[Hashable]], dict[Any, int]]:
    """Per code (with its subtree): model documents, held-out documents, held-out codings."""
    subtree = code_subtrees(codes)
    docs_of: dict[Any, list[Hashable]] = {}
    for code, doc in zip(codings["code"].tolist(), codings["document"].tolist(), strict=True):
        docs_of.setdefault(code, []).append(doc)
    model: dict[Any, set[Hashable]] = {}
    held_docs: dict[Any, set[Hashable]] = {}
    held_n: dict[Any, int] = {}
    for code, members in subtree.items():
        docs = [d for m in members for d in docs_of.get(m, ())]
        model[code] = {d for d in docs if d not in held}
        held_docs[code] = {d for d in docs if d in held}
        held_n[code] = sum(1 for d in docs if d in held)
    return model, held_docs, held_n


def _times(values: Any) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, format="mixed")


def _after(values: Any, cut: Any) -> list[bool]:
    if cut is None:
        return [False] * len(values)
    import pandas as pd

    return (_times(values) > pd.to_datetime(cut, utc=True)).fillna(False).tolist()


def _held_out_times(
    codes: pd.DataFrame, codings: pd.DataFrame, held: set[Hashable], drawn_at: Any
) -> tuple[Any, set[Any]]:
    """When the coding of the held-out documents began (the first held-out coding after the
    draw; None if there is none) and the codes first found in a held-out document after
    the draw (their own or a sub-code's first coding)."""
    if drawn_at is None or "created" not in codings.columns or codings.empty:
        return None, set()
    import pandas as pd

    when = _times(codings["created"])
    after = (when > pd.to_datetime(drawn_at, utc=True)).fillna(False).tolist()
    docs = codings["document"].tolist()
    firsts = [t for t, d, a in zip(when, docs, after, strict=True) if a and d in held]
    start = min(firsts) if firsts else None
    first_of: dict[Any, tuple[Any, bool]] = {}  # code → (time, held-out and after the draw)
    for code, t, d, a in zip(codings["code"].tolist(), when, docs, after, strict=True):
        if pd.isna(t):
            continue
        if code not in first_of or t < first_of[code][0]:
            first_of[code] = (t, a and d in held)
    found = set()
    for code, members in code_subtrees(codes).items():
        seen = [first_of[m] for m in members if m in first_of]
        if seen and min(seen, key=lambda x: x[0])[1]:
            found.add(code)
    return (None if start is None else start.isoformat()), found


def _doc_list(docs: Iterable[Hashable]) -> str:
    try:
        ordered = sorted(docs)
    except TypeError:
        ordered = list(docs)
    return ", ".join(str(d) for d in ordered)


def _new_codes(
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    held: set[Hashable],
    start: Any,
    found: set[Any],
) -> tuple[list[dict[str, Any]], dict[Any, set[Hashable]]]:
    model, held_docs, held_n = _support(codes, codings, held)
    late = _after(codes["created"], start) if "created" in codes.columns else []
    late = late or [False] * len(codes)
    rows = []
    for r, is_late in zip(codes.to_dict("records"), late, strict=True):
        c = r["id"]
        if bool(held_docs[c]) and not model[c]:
            zh, en = "仅见于预留文档", "only in held-out documents"
        elif c in found:
            zh, en = "首次编码于预留文档", "first coded in a held-out document"
        elif is_late:
            zh, en = (
                "在开始编码预留文档之后创建",
                "created after coding of the held-out documents began",
            )
        else:
            continue
        rows.append(
            _row("code", c, r["name"], as_level(r["level"]), held_n[c], held_docs[c], zh, en)
        )
    return rows, held_docs


def _row(
    kind: str, ident: Any, name: str, level: int | None, n: int, docs: Any, zh: str, en: str
) -> dict[str, Any]:
    level_name = LEVELS[level][0] if level in LEVELS else ("关系" if kind == "relation" else "")
    return {
        "kind": kind,
        "id": ident,
        "name": name,
        "level": level,
        "level_name": level_name,
        "holdout_codings": n,
        "documents": _doc_list(docs),
        "reason_zh": zh,
        "reason_en": en,
    }


def _new_relations(
    relations: pd.DataFrame, codes: pd.DataFrame, new_ids: set[Any], start: Any
) -> list[dict[str, Any]]:
    names = dict(zip(codes["id"], codes["name"], strict=True))
    late = _after(relations["created"], start) if "created" in relations.columns else []
    late = late or [False] * len(relations)
    rows = []
    for r, is_late in zip(relations.to_dict("records"), late, strict=True):
        ends = [e for e in (r["source"], r["target"]) if e in new_ids]
        if not (ends or is_late):
            continue
        label = f"{names.get(r['source'], r['source'])} → {names.get(r['target'], r['target'])}"
        if ends:
            which = "、".join(str(names.get(e, e)) for e in ends)
            zh, en = f"涉及新范畴：{which}", f"involves a new code: {which}"
        else:
            zh, en = (
                "在开始编码预留文档之后创建",
                "created after coding of the held-out documents began",
            )
        rows.append(_row("relation", r["id"], label, None, 0, (), zh, en))
    return rows


def saturation_report(
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    holdout_docs: Sequence[Hashable],
    relations: pd.DataFrame | None = None,
    *,
    drawn_at: Any = None,
    coder: str | None = None,
) -> Saturation:
    """Which concepts, categories and relations only the held-out documents brought.

    Parameters
    ----------
    codes
        ``id, name, parent, level`` (``created`` for the time rule) — ``Project.codes()``.
    codings
        ``document, code`` (``coder`` to filter, ``created`` for the time rules) —
        ``Project.codings()``.
    holdout_docs
        The held-out documents (the second list :func:`holdout` returns).
    relations
        ``id, source, target`` (``created`` for the time rule) — ``Project.relations()``.
    drawn_at
        When the holdout was drawn (ISO text or datetime); enables the time rules, dated
        from the first held-out coding after it (see the module's notes).
    coder
        Count only this coder's codings.

    Returns
    -------
    Saturation
        ``new`` and ``counts`` DataFrames, ``saturated`` and a verdict in Chinese and
        English.

    Examples
    --------
    >>> import pandas as pd
    >>> codes = pd.DataFrame({"id": [1, 2, 3], "name": ["政策支持", "财政补贴", "人才引进"],
    ...                       "parent": [None, 1, 1], "level": [2, 1, 1]})
    >>> codings = pd.DataFrame({"document": [1, 2, 3], "code": [2, 3, 2]})
    >>> r = saturation_report(codes, codings, holdout_docs=[3])
    >>> r.saturated, r.verdict_en
    (True, 'Saturated: the 1 held-out document brought no new concept, category or relation.')
    >>> saturation_report(codes, codings, holdout_docs=[3, 4]).verdict_en
    'Cannot judge yet: 1 held-out document uncoded (of 2); nothing new so far.'
    """
    held = set(holdout_docs)
    if not held:
        raise ParameterError(
            "holdout_docs 为空；请先用 holdout() 抽取预留文档",
            "`holdout_docs` is empty; draw held-out documents with holdout() first",
        )
    if coder is not None:
        codings = codings[codings["coder"] == coder]
    codings = codings[codings["code"].isin(codes["id"])]
    start, found = _held_out_times(codes, codings, held, drawn_at)
    rows, held_docs = _new_codes(codes, codings, held, start, found)
    new_ids = {r["id"] for r in rows}
    if relations is not None and len(relations):
        rows += _new_relations(relations, codes, new_ids, start)
    new = _frame(rows)
    counts = _counts(codes, relations, held_docs, new)
    coded = set(codings["document"]) & held
    uncoded = [d for d in holdout_docs if d not in coded]
    saturated = False if not new.empty else (None if uncoded else True)
    zh, en = _verdict(saturated, len(held), len(uncoded), counts)
    return Saturation(list(holdout_docs), new, counts, saturated, zh, en, uncoded, start)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    cols = ["kind", "id", "name", "level", "level_name", "holdout_codings", "documents"]
    df = pd.DataFrame(rows, columns=cols + ["reason_zh", "reason_en"])
    df["level"] = df["level"].astype("Int64")
    return df


def _counts(
    codes: pd.DataFrame,
    relations: pd.DataFrame | None,
    held_docs: dict[Any, set[Hashable]],
    new: pd.DataFrame,
) -> pd.DataFrame:
    import pandas as pd

    new_codes = new[new["kind"] == "code"]
    rows = []
    for level, (zh, en) in LEVELS.items():
        ids = codes.loc[[as_level(v) == level for v in codes["level"]], "id"]
        rows.append(
            [level, zh, en, len(ids), sum(1 for c in ids if held_docs.get(c)),
             sum(1 for v in new_codes["level"] if as_level(v) == level)]
        )  # fmt: skip
    n_rel = 0 if relations is None else len(relations)
    rows.append([None, "关系", "relation", n_rel, None, int((new["kind"] == "relation").sum())])
    df = pd.DataFrame(
        rows, columns=["level", "level_name", "level_name_en", "total", "in_holdout", "new"]
    )
    return df.astype({"level": "Int64", "in_holdout": "Int64"})


def _verdict(
    saturated: bool | None, n_held: int, n_uncoded: int, counts: pd.DataFrame
) -> tuple[str, str]:
    docs_en = f"{n_held} held-out document{'s' if n_held != 1 else ''}"
    uncoded_en = f"{n_uncoded} held-out document{'s' if n_uncoded != 1 else ''} uncoded"
    if saturated is None:
        if n_uncoded == n_held:
            return (
                f"尚无法判断：{n_uncoded} 份预留文档未编码（预留的文档都还没有编码）。",
                f"Cannot judge yet: {uncoded_en} (none of them is coded).",
            )
        return (
            f"尚无法判断：{n_uncoded} 份预留文档未编码（共 {n_held} 份）；目前没有新增。",
            f"Cannot judge yet: {uncoded_en} (of {n_held}); nothing new so far.",
        )
    if saturated:
        return (
            f"理论饱和：预留的 {n_held} 份文档未产生新的概念、范畴或关系。",
            f"Saturated: the {docs_en} brought no new concept, category or relation.",
        )
    found = counts[counts["new"] > 0]
    zh = "、".join(f"{r.level_name} {r.new} 个" for r in found.itertuples())
    en = ", ".join(
        f"{r.new} new {r.level_name_en}{'s' if r.new != 1 else ''}"
        .replace("categorys", "categories") for r in found.itertuples()
    )  # fmt: skip
    zh_rest = f"（另有 {n_uncoded} 份预留文档尚未编码）" if n_uncoded else ""
    en_rest = f" ({uncoded_en})" if n_uncoded else ""
    return (
        f"未达到理论饱和：预留的 {n_held} 份文档产生了新的{zh}。{zh_rest}",
        f"Not saturated: the {docs_en} brought {en}.{en_rest}",
    )
