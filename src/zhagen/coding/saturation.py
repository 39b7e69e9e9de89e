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
   support is held out: nothing in the model documents ever called for it.
2. **Time rule (when ``drawn_at`` is given and ``codes`` has ``created``).** A code created
   after the holdout was drawn is new as well, even if it also groups model documents: it
   was added while the held-out documents were coded (a regrouping counts as a change).
3. **Relations.** A relation is new when its source or target code is new, or (time rule)
   when it was created after ``drawn_at``.

Codes without any coding and created before ``drawn_at`` (or with no ``drawn_at``) are not
new: no held-out document supports them. Codings of every coder count unless ``coder=``.

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
        True (nothing new), False (something new) or None (no held-out document coded yet).
    """

    holdout_docs: list[Hashable]
    new: pd.DataFrame
    counts: pd.DataFrame
    saturated: bool | None
    verdict_zh: str
    verdict_en: str
    uncoded_holdout: list[Hashable] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``中文 / English`` in one line."""
        return f"{self.verdict_zh} / {self.verdict_en}"

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tables by sheet name: 新增, 各层级."""
        return {"新增": self.new, "各层级": self.counts}


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


def _after(values: Any, drawn_at: Any) -> list[bool]:
    import pandas as pd

    if drawn_at is None:
        return [False] * len(values)
    cut = pd.to_datetime(drawn_at, utc=True)
    return (pd.to_datetime(pd.Series(values), utc=True, format="mixed") > cut).tolist()


def _doc_list(docs: Iterable[Hashable]) -> str:
    try:
        ordered = sorted(docs)
    except TypeError:
        ordered = list(docs)
    return ", ".join(str(d) for d in ordered)


def _new_codes(
    codes: pd.DataFrame, codings: pd.DataFrame, held: set[Hashable], drawn_at: Any
) -> tuple[list[dict[str, Any]], dict[Any, set[Hashable]]]:
    model, held_docs, held_n = _support(codes, codings, held)
    late = _after(codes["created"], drawn_at) if "created" in codes.columns else []
    late = late or [False] * len(codes)
    rows = []
    for r, is_late in zip(codes.to_dict("records"), late, strict=True):
        c = r["id"]
        only_held = bool(held_docs[c]) and not model[c]
        if not (only_held or is_late):
            continue
        zh = "仅见于预留文档" if only_held else "在抽取预留文档之后创建"
        en = "only in held-out documents" if only_held else "created after the holdout was drawn"
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
    relations: pd.DataFrame, codes: pd.DataFrame, new_ids: set[Any], drawn_at: Any
) -> list[dict[str, Any]]:
    names = dict(zip(codes["id"], codes["name"], strict=True))
    late = _after(relations["created"], drawn_at) if "created" in relations.columns else []
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
            zh, en = "在抽取预留文档之后创建", "created after the holdout was drawn"
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
        ``document, code`` (``coder`` to filter) — ``Project.codings()``.
    holdout_docs
        The held-out documents (the second list :func:`holdout` returns).
    relations
        ``id, source, target`` (``created`` for the time rule) — ``Project.relations()``.
    drawn_at
        When the holdout was drawn (ISO text or datetime); enables the time rule.
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
    rows, held_docs = _new_codes(codes, codings, held, drawn_at)
    new_ids = {r["id"] for r in rows}
    if relations is not None and len(relations):
        rows += _new_relations(relations, codes, new_ids, drawn_at)
    new = _frame(rows)
    counts = _counts(codes, relations, held_docs, new)
    coded = set(codings["document"]) & held
    uncoded = [d for d in holdout_docs if d not in coded]
    saturated = None if not coded else new.empty
    zh, en = _verdict(saturated, len(held), counts)
    return Saturation(list(holdout_docs), new, counts, saturated, zh, en, uncoded)


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


def _verdict(saturated: bool | None, n_held: int, counts: pd.DataFrame) -> tuple[str, str]:
    docs_en = f"{n_held} held-out document{'s' if n_held != 1 else ''}"
    if saturated is None:
        return (
            f"尚无法判断：预留的 {n_held} 份文档还没有编码。",
            f"Cannot judge yet: none of the {docs_en} has been coded.",
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
    return (
        f"未达到理论饱和：预留的 {n_held} 份文档产生了新的{zh}。",
        f"Not saturated: the {docs_en} brought {en}.",
    )
