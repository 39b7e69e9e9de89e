"""Descriptive bibliometrics of a set of records (``zhagen stats``), as plain data.

:func:`bibliometrics` takes :class:`BiblioRecord` s (read from a project by
``store/biblio.py``; any list of them will do) and returns :class:`Bibliometrics`: the
annual output and its trends, the top authors / institutions / venues / cited references,
Price's core authors, the Lotka fit, Bradford's zones, the authors' h-index within the data
and the most-cited documents, each with its definition (:data:`zhagen.biblio.laws.DEFINITIONS`).

Authors and institutions are counted as stored unless the caller passes ``author_of`` /
``institution_of`` (a function from one stored name or address to the normalised entity,
or ``None`` to drop it): that is where a disambiguation or an institution normaliser plugs
in. The default institution of an address is its top-level institution, exactly as a map of
``--nodes institution`` counts it (:func:`zhagen.entities.institutions.institution`: WoS
``Univ Bari Aldo Moro, Sch Med, …`` → ``Univ Bari Aldo Moro``; CNKI ``清华大学 经济管理学院``
→ ``清华大学``).

>>> from zhagen.examples import tiny_records
>>> b = bibliometrics(tiny_records())
>>> b.records, b.trend.first, b.price.min_records
(12, 2019, 2)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from zhagen.biblio.laws import (
    DEFINITIONS,
    BradfordZones,
    LotkaFit,
    PriceCore,
    Trend,
    annual_trend,
    bradford_zones,
    h_index,
    lotka_fit,
    price_core,
)
from zhagen.params import param, scope_param

__all__ = [
    "BiblioRecord",
    "Bibliometrics",
    "StatsParams",
    "bibliometrics",
    "records_from_rows",
    "default_institution",
    "reference_key",
    "whole_number",
]


@dataclass
class StatsParams:
    """The options of ``zhagen stats`` / ``project.stats``, declared once (:mod:`zhagen.params`).

    >>> StatsParams().top
    20
    """

    top: int = param(20, "int", "前 N 个", "top N", low=1,
                     help_zh="每张排名表的行数（作者、机构、来源、被引文献、高被引文献）",
                     help_en="rows of each ranked table (authors, institutions, venues, cited "
                             "references, most-cited documents)")  # fmt: skip
    scope: str | None = scope_param()


@dataclass(frozen=True)
class BiblioRecord:
    """One bibliographic record as the statistics read it (plain data).

    ``times_cited`` is WoS ``TC`` (``None`` when the export carries none, as CNKI's do);
    ``cited_refs`` WoS ``CR``, one reference per item (empty for CNKI).
    """

    id: int
    year: int | None
    title: str = ""
    authors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    venue: str = ""
    cited_refs: tuple[str, ...] = ()
    times_cited: int | None = None


@dataclass
class Bibliometrics:
    """Every number of ``zhagen stats``; :meth:`to_json` gives it as one JSON-able dict."""

    records: int
    undated: int
    trend: Trend
    authors: list[tuple[str, int, int | None]]
    institutions: list[tuple[str, int]]
    venues: list[tuple[str, int]]
    cited_refs: list[tuple[str, int]]
    most_cited: list[dict[str, Any]]
    price: PriceCore
    lotka: LotkaFit
    bradford: BradfordZones
    n_authors: int
    n_institutions: int
    n_venues: int
    has_citations: bool
    has_references: bool
    notes: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The statistics as plain JSON data, each part with its definition (zh, en)."""
        d = DEFINITIONS
        t = self.trend
        return {
            "records": {
                "value": self.records,
                "undated": self.undated,
                "definition": d["records"],
            },  # fmt: skip
            "annual_output": _annual_json(t),
            "authors": {
                "distinct": self.n_authors,
                "definition": d["authors"],
                "h_index_definition": d["h_index"] if self.has_citations else None,
                "top": [{"author": a, "records": c, "h_index": h} for a, c, h in self.authors],
            },  # fmt: skip
            "institutions": {
                "distinct": self.n_institutions,
                "definition": d["institutions"],
                "top": [{"institution": i, "records": c} for i, c in self.institutions],
            },  # fmt: skip
            "venues": {
                "distinct": self.n_venues,
                "definition": d["venues"],
                "top": [{"venue": v, "records": c} for v, c in self.venues],
            },  # fmt: skip
            "cited_references": {
                "available": self.has_references,
                "definition": d["cited_refs"],
                "top": [{"reference": r, "citing_records": c} for r, c in self.cited_refs],
            },  # fmt: skip
            "most_cited": {
                "available": self.has_citations,
                "definition": d["most_cited"],
                "top": self.most_cited,
            },  # fmt: skip
            "price": _price_json(self.price),
            "lotka": _lotka_json(self.lotka),
            "bradford": _bradford_json(self.bradford),
            "notes": self.notes,
        }


def _annual_json(t: Trend) -> dict[str, Any]:
    """Annual output and its fitted growth (``to_json``'s part)."""
    d = DEFINITIONS
    fit = {"linear": t.linear, "exponential": t.exponential}
    return {
        "definition": d["annual"],
        "years": [{"year": y, "records": c} for y, c in zip(t.years, t.counts, strict=True)],
        **{k: None if f is None else {**vars(f), "definition": d[k]} for k, f in fit.items()},
    }


def _price_json(p: PriceCore) -> dict[str, Any]:
    """Price's law: core authors (``to_json``'s part)."""
    return {
        "definition": DEFINITIONS["price"],
        "n_max": p.n_max,
        "m": p.threshold,
        "min_records": p.min_records,
        "core_authors": len(p.core),
        "core_records": p.core_records,
        "core_share": p.share,
        "records_with_core_author": p.papers_with_core,
        "records_with_core_author_share": p.papers_share,
        "core": [{"author": a, "records": c} for a, c in p.core],
    }


def _lotka_json(lo: LotkaFit) -> dict[str, Any]:
    """Lotka's law (``to_json``'s part)."""
    return {
        "definition": DEFINITIONS["lotka"],
        "exponent_n": lo.exponent,
        "c": lo.c,
        "r2": lo.r2,
        "authors": lo.authors,
        "single_record_share": lo.single_share,
        "distribution": [{"records": x, "authors": f} for x, f in lo.distribution],
    }


def _bradford_json(b: BradfordZones) -> dict[str, Any]:
    """Bradford's zones of venues (``to_json``'s part)."""
    zones = zip(b.zones, b.records, strict=True)
    return {
        "definition": DEFINITIONS["bradford"],
        "multiplier": b.multiplier,
        "ratios": b.ratios,
        "zones": [
            {"zone": k + 1, "venues": len(z), "records": r,
             "members": [{"venue": v, "records": c} for v, c in z]}
            for k, (z, r) in enumerate(zones)
        ],
    }  # fmt: skip


_SPACE = re.compile(r"\s+")


def default_institution(address: str) -> str | None:
    """The institution an address counts as: the top-level institution, as a map of
    ``--nodes institution`` counts it (:func:`zhagen.entities.institutions.institution`,
    the one definition), ``None`` for a bare address.

    >>> default_institution("Univ Bari Aldo Moro, Sch Med, Bari, Italy.")
    'Univ Bari Aldo Moro'
    >>> default_institution("清华大学 经济管理学院"), default_institution("北京100084")
    ('清华大学', None)
    """
    return _top_institution(address) or None


@lru_cache(maxsize=1 << 16)
def _top_institution(address: str) -> str:
    # a million records repeat the same few thousand affiliations: normalise each once
    from zhagen.entities.institutions import institution

    return institution(address, "top")


def reference_key(ref: str) -> str:
    """The key that merges the same cited-reference string written with other spaces or
    letter case (a stand-in until cited references are parsed into first author, year,
    source, volume, page and DOI).

    >>> reference_key("Arastu MH, 2013,  BONE JOINT J") == reference_key("ARASTU MH, 2013, Bone Joint J")
    True
    """
    return _SPACE.sub(" ", ref.strip()).upper()


def records_from_rows(rows: Iterable[Sequence[Any]]) -> list[BiblioRecord]:
    """Records from the stored fields ``(id, year, title, authors JSON, affiliations JSON,
    venue, cited_refs JSON, times cited)`` (as ``store/biblio.py`` reads them); a times-cited
    value that is not a whole number counts as absent.

    >>> records_from_rows([(7, 2024, "题", '["王明"]', '[]', "刊", '[]', "12")])[0].times_cited
    12
    """
    out = []
    for rid, year, title, authors, affs, venue, refs, tc in rows:
        out.append(BiblioRecord(
            id=int(rid), year=None if year is None else int(year), title=title or "",
            authors=tuple(_json_list(authors)), affiliations=tuple(_json_list(affs)),
            venue=venue or "", cited_refs=tuple(_json_list(refs)), times_cited=whole_number(tc),
        ))  # fmt: skip
    return out


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def whole_number(value: Any) -> int | None:
    """A stored times-cited value as a whole number; None when absent or not one.

    >>> whole_number("12 "), whole_number(None), whole_number("n/a")
    (12, None, None)
    """
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _keep(name: str) -> str | None:
    name = _SPACE.sub(" ", name.strip())
    return name or None


def bibliometrics(
    records: Iterable[BiblioRecord],
    *,
    top: int = 20,
    author_of: Callable[[str], str | None] = _keep,
    institution_of: Callable[[str], str | None] = default_institution,
) -> Bibliometrics:
    """Compute every statistic of ``zhagen stats`` over ``records``.

    Parameters
    ----------
    records
        The records (duplicates already left out).
    top
        Rows of each ranked table (authors, institutions, venues, cited references,
        most-cited documents); the laws use every author and venue.
    author_of, institution_of
        Map a stored author name / affiliation to the entity counted (``None`` drops it).
        Plug a disambiguation or an institution normaliser in here.

    Returns
    -------
    Bibliometrics
    """
    recs = list(records)
    by_year: Counter[int] = Counter()
    authors: Counter[str] = Counter()
    insts: Counter[str] = Counter()
    venues: Counter[str] = Counter()
    refs: Counter[str] = Counter()
    ref_text: dict[str, str] = {}
    cites: dict[str, list[int]] = {}
    author_sets: list[set[str]] = []
    undated = 0
    has_tc = any(r.times_cited is not None for r in recs)
    for r in recs:
        if r.year is None:
            undated += 1
        else:
            by_year[r.year] += 1
        names = _distinct(author_of(a) for a in r.authors)
        author_sets.append(set(names))
        authors.update(names)
        if has_tc:
            for a in names:
                cites.setdefault(a, []).append(r.times_cited or 0)
        insts.update(_distinct(institution_of(a) for a in r.affiliations))
        venue = _keep(r.venue)
        if venue:
            venues[venue] += 1
        for ref in r.cited_refs:
            if ref.strip():
                ref_text.setdefault(reference_key(ref), _SPACE.sub(" ", ref.strip()))
        refs.update(_distinct(reference_key(c) for c in r.cited_refs if c.strip()))
    ranked_authors = _ranked(authors, top)
    notes = _notes(recs, has_tc, bool(refs))
    return Bibliometrics(
        records=len(recs),
        undated=undated,
        trend=annual_trend(by_year),
        authors=[(a, c, h_index(cites[a]) if has_tc else None) for a, c in ranked_authors],
        institutions=_ranked(insts, top),
        venues=_ranked(venues, top),
        cited_refs=[(ref_text.get(k, k), c) for k, c in _ranked(refs, top)],
        most_cited=_most_cited(recs, top) if has_tc else [],
        price=price_core(authors, n_records=len(recs), author_sets=author_sets),
        lotka=lotka_fit(authors),
        bradford=bradford_zones(venues),
        n_authors=len(authors),
        n_institutions=len(insts),
        n_venues=len(venues),
        has_citations=has_tc,
        has_references=bool(refs),
        notes=notes,
    )


def _distinct(values: Iterable[str | None]) -> list[str]:
    """Values in order, each once, ``None`` and empty left out (a name listed twice on one
    record credits it once)."""
    return list(dict.fromkeys(v for v in values if v))


def _ranked(counts: Counter[str], top: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _most_cited(recs: Sequence[BiblioRecord], top: int) -> list[dict[str, Any]]:
    cited = [r for r in recs if r.times_cited is not None]
    cited.sort(key=lambda r: (-(r.times_cited or 0), r.id))
    return [
        {"id": r.id, "title": r.title, "authors": list(r.authors), "year": r.year,
         "venue": r.venue, "times_cited": r.times_cited}
        for r in cited[:top]
    ]  # fmt: skip


def _notes(recs: Sequence[BiblioRecord], has_tc: bool, has_refs: bool) -> list[dict[str, str]]:
    notes = []
    if not has_refs:
        notes.append({
            "zh": "这些记录没有参考文献（CR 字段）：CNKI 导出不含参考文献，被引文献表为空；"
                  "请用含 CR 的 Web of Science 全记录导出。",
            "en": "these records carry no cited references (CR field): CNKI exports have none, "
                  "so the cited-references table is empty; use a Web of Science full-record "
                  "export with cited references.",
        })  # fmt: skip
    if not has_tc:
        notes.append({
            "zh": "这些记录没有被引次数（WoS TC 字段）：h 指数与高被引文献表不可计算。",
            "en": "these records carry no times-cited counts (WoS TC field): the h-index and "
                  "the most-cited table cannot be computed.",
        })  # fmt: skip
    if recs and not any(r.authors for r in recs):
        notes.append({"zh": "这些记录没有作者。", "en": "these records name no authors."})
    return notes
