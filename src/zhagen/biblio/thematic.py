"""The thematic map (strategic diagram) and thematic evolution, as in bibliometrix.

**Strategic diagram** (Callon, Courtial & Laville 1991; Cobo, López-Herrera,
Herrera-Viedma & Herrera 2011; bibliometrix ``thematicMap``). Each cluster of a keyword map
is a theme. With ``cᵢⱼ`` the co-occurrence count of keywords ``i`` and ``j`` and ``cᵢ`` the
occurrence count of ``i``, the equivalence index is ``eᵢⱼ = cᵢⱼ² / (cᵢ·cⱼ)``, and for a
theme ``T`` of ``w_T`` keywords

- **Callon centrality** ``C_T = 10 · Σ eᵢⱼ`` over the links with ``i ∈ T`` and ``j ∉ T``
  (how strongly the theme is tied to the others: its importance to the field);
- **Callon density** ``D_T = 100 · Σ eᵢⱼ / w_T`` over the links with both ends in ``T``
  (how strongly the theme holds together: its development).

Themes are split at the median centrality and the median density (a value equal to the
median counts as high) into four quadrants: **motor** (high C, high D: 发动机主题), **niche**
(low C, high D: 利基主题), **emerging or declining** (low C, low D: 新兴或衰退主题) and **basic**
(high C, low D: 基础主题).

**Thematic evolution** (Cobo et al. 2011): themes of consecutive periods are linked when
they share keywords; the strength of a link is the inclusion index
``|U ∩ V| / min(|U|, |V|)`` of their keyword sets.

>>> themes = strategic_diagram({"甲": 0, "乙": 0, "丙": 1, "丁": 1},
...                            {"甲": 4, "乙": 2, "丙": 3, "丁": 3},
...                            [("甲", "乙", 2), ("丙", "丁", 3), ("乙", "丙", 1)])
>>> [(t.cluster, t.centrality, t.density, t.quadrant) for t in themes]
[(0, 1.6667, 25.0, 'basic'), (1, 1.6667, 50.0, 'motor')]
>>> evolution_links([("2010–2015", {0: {"a", "b", "c"}}), ("2016–2020", {0: {"b", "c"}, 1: {"d"}})])
[EvolutionLink(source_period=0, source=0, target_period=1, target=0, shared=2, inclusion=1.0)]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Theme",
    "EvolutionLink",
    "Period",
    "Evolution",
    "QUADRANTS",
    "strategic_diagram",
    "evolution_links",
]

#: Quadrant → (Chinese, English) names.
QUADRANTS = {
    "motor": ("发动机主题", "motor themes"),
    "niche": ("利基主题", "niche themes"),
    "emerging": ("新兴或衰退主题", "emerging or declining themes"),
    "basic": ("基础主题", "basic themes"),
}


@dataclass(frozen=True)
class Theme:
    """One theme (cluster): its keywords, their total occurrences, Callon centrality and
    density, and its quadrant."""

    cluster: int
    keywords: int
    occurrences: int
    centrality: float
    density: float
    quadrant: str


@dataclass(frozen=True)
class EvolutionLink:
    """Theme ``source`` of period ``source_period`` → theme ``target`` of the next period."""

    source_period: int
    source: int
    target_period: int
    target: int
    shared: int
    inclusion: float


@dataclass(frozen=True)
class Period:
    """One period of a thematic evolution: its name (``2010–2015``), and by theme (cluster
    id) its name, its keyword set and its keywords' total occurrences."""

    name: str
    names: dict[int, str]
    keywords: dict[int, frozenset[str]]
    occurrences: dict[int, int]


@dataclass(frozen=True)
class Evolution:
    """Periods in time order and the links between the themes of consecutive periods."""

    periods: list[Period]
    links: list[EvolutionLink]


def strategic_diagram(
    cluster_of: Mapping[Hashable, int],
    occurrences: Mapping[Hashable, int],
    cooccurrences: Iterable[tuple[Hashable, Hashable, float]],
) -> list[Theme]:
    """Callon centrality and density of every cluster, and its quadrant (module docstring).

    Parameters
    ----------
    cluster_of
        Keyword → cluster id (negative ids, unclustered keywords, are left out).
    occurrences
        Keyword → occurrence count ``cᵢ``.
    cooccurrences
        ``(i, j, cᵢⱼ)`` for each linked pair (each pair once).

    Returns
    -------
    list of Theme
        By cluster id.
    """
    members: dict[int, list[Hashable]] = {}
    for k, c in cluster_of.items():
        if c is not None and c >= 0:
            members.setdefault(int(c), []).append(k)
    inside = dict.fromkeys(members, 0.0)
    outside = dict.fromkeys(members, 0.0)
    for i, j, cij in cooccurrences:
        ci, cj = occurrences.get(i, 0), occurrences.get(j, 0)
        if not ci or not cj or not cij:
            continue
        e = cij * cij / (ci * cj)
        a, b = cluster_of.get(i), cluster_of.get(j)
        if a is not None and a == b and a >= 0:
            inside[a] += e
            continue
        for side in (a, b):
            if side is not None and side >= 0:
                outside[side] += e
    raw = {c: (10 * outside[c], 100 * inside[c] / len(ks)) for c, ks in members.items()}
    if not raw:
        return []
    import statistics  # here: its fractions and decimal cost every map ~3 ms of start-up

    mc = statistics.median(v[0] for v in raw.values())
    md = statistics.median(v[1] for v in raw.values())
    themes = []
    for c in sorted(raw):
        cen, den = raw[c]
        high_c, high_d = cen >= mc, den >= md
        quadrant = (
            ("motor" if high_d else "basic") if high_c else ("niche" if high_d else "emerging")
        )
        themes.append(Theme(c, len(members[c]), sum(occurrences.get(k, 0) for k in members[c]),
                            round(cen, 4), round(den, 4), quadrant))  # fmt: skip
    return themes


def evolution_links(
    periods: list[tuple[str, Mapping[int, set[str]]]], *, min_inclusion: float = 0.0
) -> list[EvolutionLink]:
    """Links between the themes of consecutive periods that share keywords.

    ``periods`` are ``(name, cluster id → keyword set)`` in time order; a link's
    ``inclusion`` is ``|U ∩ V| / min(|U|, |V|)``; links below ``min_inclusion`` are left out.
    """
    links = []
    for p in range(len(periods) - 1):
        _, now = periods[p]
        _, nxt = periods[p + 1]
        for a, u in sorted(now.items()):
            for b, v in sorted(nxt.items()):
                shared = len(u & v)
                if not shared:
                    continue
                inclusion = shared / min(len(u), len(v))
                if inclusion >= min_inclusion:
                    links.append(EvolutionLink(p, a, p + 1, b, shared, round(inclusion, 4)))
    return links
