"""The thematic map (``thematic_map.png``, with ``themes.csv``) and the thematic evolution
figure (``evolution.png``), after bibliometrix; the numbers are
:mod:`zhagen.biblio.thematic`'s.

- **Thematic map**: one bubble per cluster at (Callon centrality, Callon density), area
  proportional to its keywords' occurrences, named by the cluster label and its most
  frequent keywords; dashed lines at the medians divide the four quadrants (motor, niche,
  emerging or declining, basic), named in their corners.
- **Thematic evolution**: one column per period, one box per theme (height proportional
  to its keywords' occurrences), and a band from a theme to each theme of the next period
  that shares keywords, as wide as the shared keywords (a Sankey-style figure drawn with
  matplotlib; the inclusion index is written in ``evolution.csv``).

>>> import tempfile
>>> from pathlib import Path
>>> from zhagen.examples import tiny_map
>>> [t.quadrant for t in map_themes(tiny_map())][:2]
['niche', 'basic']
>>> write_thematic_map(tiny_map(), Path(tempfile.mkdtemp()) / "thematic_map.png").name
'thematic_map.png'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.biblio.thematic import QUADRANTS, Evolution, Period, Theme, strategic_diagram
from zhagen.formats.network import cluster_color, edge_chunks, plain_node_columns, plain_nodes
from zhagen.report.drawing import (
    clip_for,
    cluster_names,
    halo,
    new_figure,
    no_data,
    overlaps,
    write_figure,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zhagen.mapping.model import KnowledgeMap

__all__ = ["map_themes", "write_themes_csv", "write_thematic_map", "draw_thematic_map",
           "period_of", "WritableEvolution", "write_evolution", "draw_evolution"]  # fmt: skip


def map_themes(km: KnowledgeMap) -> list[Theme]:
    """The themes of a map: its clusters placed by Callon centrality and density, from the
    nodes' frequencies and the links' co-occurrence counts (the map's links: after pruning
    when the map was pruned)."""
    ids, clusters, frequencies = plain_node_columns(km, "id", "cluster", "frequency")
    return strategic_diagram(
        dict(zip(ids, clusters, strict=True)),
        {i: int(f or 0) for i, f in zip(ids, frequencies, strict=True)},
        ((s, t, c) for chunk in edge_chunks(km) for s, t, c, _w in chunk),
    )


def write_themes_csv(km: KnowledgeMap, path: Path) -> Path:
    """``themes.csv``: cluster, label, keywords, occurrences, centrality, density, quadrant."""
    from zhagen.formats.spreadsheet import write_columns_csv

    names = cluster_names(km)
    rows = [[f"#{t.cluster}", names.get(t.cluster, ""), t.keywords, t.occurrences, t.centrality,
             t.density, t.quadrant, QUADRANTS[t.quadrant][0]] for t in map_themes(km)]  # fmt: skip
    cols = ["cluster", "label", "keywords", "occurrences", "callon_centrality", "callon_density",
            "quadrant", "象限"]  # fmt: skip
    columns = {c: [r[k] for r in rows] for k, c in enumerate(cols)}
    written = write_columns_csv(columns, Path(path), crlf=True)
    if written is not None:
        return written
    import pandas as pd

    from zhagen.formats.spreadsheet import write_csv

    return write_csv(pd.DataFrame(rows, columns=cols), Path(path), crlf=True)


def write_thematic_map(km: KnowledgeMap, png: Path) -> Path:
    """Draw the thematic map and save it as PNG (300 dpi)."""
    return write_figure(lambda: draw_thematic_map(km), png)[0]


#: Most theme labels drawn on the thematic map (the largest themes; every one is in themes.csv).
MAX_THEME_LABELS = 80


def _top_words(km: KnowledgeMap, k: int = 3) -> dict[int, list[str]]:
    """Each cluster's ``k`` most frequent members (ties by id), from one pass over the
    nodes (per cluster, it was a pass each: 129 s for the 1,510 clusters of a 34k-record
    WoS institution map)."""
    members: dict[int, list[dict[str, Any]]] = {}
    for n in plain_nodes(km):
        members.setdefault(n.get("cluster"), []).append(n)
    out = {}
    for cluster, nodes in members.items():
        nodes.sort(key=lambda n: (-(n.get("frequency") or 0), n["id"]))
        out[cluster] = [n["label"] for n in nodes[:k]]
    return out


def draw_thematic_map(km: KnowledgeMap) -> Figure:
    """The strategic diagram as a ``Figure`` (call inside ``rc_context(cjk_rc())``)."""
    import statistics

    fig = new_figure(8.5, 7.0)
    ax = fig.add_axes((0.1, 0.09, 0.86, 0.84))
    themes = map_themes(km)
    if not themes:
        no_data(ax, "图谱中没有聚类", "the map has no clusters")
        return fig
    names = cluster_names(km)
    xs, ys = [t.centrality for t in themes], [t.density for t in themes]
    mx, my = statistics.median(xs), statistics.median(ys)
    pad_x = (max(xs) - min(xs)) * 0.18 or max(abs(mx), 1.0) * 0.5
    pad_y = (max(ys) - min(ys)) * 0.18 or max(abs(my), 1.0) * 0.5
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    ax.axvline(mx, color="#888888", linestyle=(0, (5, 4)), linewidth=0.9, zorder=1)
    ax.axhline(my, color="#888888", linestyle=(0, (5, 4)), linewidth=0.9, zorder=1)
    corners = {"motor": (0.98, 0.98, "right", "top"), "niche": (0.02, 0.98, "left", "top"),
               "emerging": (0.02, 0.02, "left", "bottom"), "basic": (0.98, 0.02, "right", "bottom")}  # fmt: skip
    for q, (x, y, ha, va) in corners.items():
        zh, en = QUADRANTS[q]
        ax.text(x, y, f"{zh}\n{en}", transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                color="#555555", zorder=2)  # fmt: skip
    omax = max(t.occurrences for t in themes) or 1
    renderer = fig.canvas.get_renderer()
    placed = [t.get_window_extent(renderer) for t in ax.texts]
    for t in sorted(themes, key=lambda t: -t.occurrences):
        ax.scatter([t.centrality], [t.density], s=120 + 2200 * t.occurrences / omax,
                   color=cluster_color(t.cluster), alpha=0.55, edgecolors="white", zorder=3)  # fmt: skip
    top = _top_words(km)
    # the largest themes are labelled; past MAX_THEME_LABELS no label finds a free place on an
    # 8.5 × 7 in diagram, and trying each cost ~40 ms (65 s for 1,510 clusters). themes.csv
    # lists every theme.
    for t in sorted(themes, key=lambda t: -t.occurrences)[:MAX_THEME_LABELS]:
        words = [w for w in top.get(t.cluster, []) if w != names.get(t.cluster)][:2]
        label = f"#{t.cluster} {names.get(t.cluster, '')}" + (
            "\n" + "、".join(words) if words else ""
        )
        _place_theme_label(ax, renderer, (t.centrality, t.density), label, placed)
    ax.set_xlabel("相关度（Callon 中心度）Relevance degree (Callon centrality)", fontsize=9.5)
    ax.set_ylabel("发展度（Callon 密度）Development degree (Callon density)", fontsize=9.5)
    ax.set_title("主题战略坐标图 Thematic map", fontsize=12)
    ax.tick_params(labelsize=8)
    return fig


def period_of(km: KnowledgeMap, name: str) -> Period:
    """The themes of one period's map: cluster names, keyword sets and occurrences.

    >>> from zhagen.examples import tiny_map
    >>> p = period_of(tiny_map(), "2019–2024")
    >>> p.names[0], sorted(p.keywords[0])[:2], p.occurrences[0]
    ('科技创新', ['产学研合作', '关键核心技术'], 12)
    """
    names = cluster_names(km)
    keywords: dict[int, set[str]] = {}
    occurrences: dict[int, int] = {}
    for n in plain_nodes(km):
        c = n.get("cluster")
        if c is None or c < 0:
            continue
        keywords.setdefault(c, set()).add(n["label"])
        occurrences[c] = occurrences.get(c, 0) + int(n.get("frequency") or 0)
    return Period(name, {c: names.get(c, f"#{c}") for c in keywords},
                  {c: frozenset(v) for c, v in keywords.items()}, occurrences)  # fmt: skip


@dataclass
class WritableEvolution:
    """A thematic :class:`~zhagen.biblio.thematic.Evolution` that writes its files."""

    evolution: Evolution

    def write(self, out_dir: str | Path) -> list[Path]:
        """``evolution.png`` and ``evolution.csv`` in ``out_dir`` (created when missing)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        return write_evolution(self.evolution, out / "evolution.png", out / "evolution.csv")


#: Label places round a bubble: (dx, dy) in points, ha, va; tried in order.
_THEME_PLACES = [((0, 0), "center", "center"), ((0, 16), "center", "bottom"),
                 ((0, -16), "center", "top"), ((18, 0), "left", "center"),
                 ((-18, 0), "right", "center"), ((0, 32), "center", "bottom"),
                 ((0, -32), "center", "top"), ((22, 22), "left", "bottom"),
                 ((-22, 22), "right", "bottom"), ((22, -22), "left", "top"),
                 ((-22, -22), "right", "top"), ((0, 50), "center", "bottom"),
                 ((0, -50), "center", "top")]  # fmt: skip


def _place_theme_label(ax: Any, renderer: Any, xy: tuple[float, float], label: str,
                       placed: list[Any]) -> None:  # fmt: skip
    """Write ``label`` at the first place round ``xy`` that overlaps no label already
    placed (at 8.5 pt, then 7 pt; on a crowded diagram then its first line alone, the theme's
    number and name, farther out); a label with no free place is left out."""
    axes_box = ax.get_window_extent(renderer)
    short = label.split("\n")[0]
    far = [((dx * 2, dy * 2), ha, va) for (dx, dy), ha, va in _THEME_PLACES[1:]]
    tries = [(label, 8.5, _THEME_PLACES), (label, 7.0, _THEME_PLACES),
             (short, 7.0, _THEME_PLACES + far), (short.split()[0], 6.5, _THEME_PLACES + far)]  # fmt: skip
    clip = clip_for(ax, xy)
    for label, size, places in tries:
        for (dx, dy), ha, va in places:
            text = ax.annotate(label, xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                               va=va, fontsize=size, color="#1a1a1a", zorder=5,
                               path_effects=halo(2.5), annotation_clip=clip)  # fmt: skip
            bb = text.get_window_extent(renderer).expanded(1.02, 1.04)
            inside = axes_box.contains(bb.x0, bb.y0) and axes_box.contains(bb.x1, bb.y1)
            if inside and not overlaps(bb, placed):
                placed.append(bb)
                if (dx, dy) != (0, 0):  # off its bubble: a thin line says whose label it is
                    text.remove()
                    ax.annotate(label, xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                                va=va, fontsize=size, color="#1a1a1a", zorder=5,
                                path_effects=halo(2.5), annotation_clip=clip,
                                arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6,
                                            "shrinkA": 0, "shrinkB": 0})  # fmt: skip
                return
            text.remove()


def write_evolution(evo: Evolution, png: Path, csv: Path | None = None) -> list[Path]:
    """Draw the thematic evolution (PNG) and, when given, write its links as CSV."""
    paths = write_figure(lambda: draw_evolution(evo), png)
    if csv is not None:
        import pandas as pd

        from zhagen.formats.spreadsheet import write_csv

        p = evo.periods
        rows = [[p[k.source_period].name, f"#{k.source}", p[k.source_period].names.get(k.source, ""),
                 p[k.target_period].name, f"#{k.target}", p[k.target_period].names.get(k.target, ""),
                 k.shared, k.inclusion] for k in evo.links]  # fmt: skip
        cols = ["from_period", "from_cluster", "from_label", "to_period", "to_cluster",
                "to_label", "shared_keywords", "inclusion"]  # fmt: skip
        paths.append(write_csv(pd.DataFrame(rows, columns=cols), Path(csv), crlf=True))
    return paths


def draw_evolution(evo: Evolution, *, max_themes: int = 12) -> Figure:
    """The thematic evolution as a Sankey-style ``Figure``: periods as columns, themes as
    boxes (a theme name keeps its colour from period to period), bands as wide as the
    keywords two themes share."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    periods = evo.periods
    fig = new_figure(max(8.0, 3.4 * len(periods)), 7.0)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_axis_off()
    if not periods or not any(p.keywords for p in periods):
        no_data(ax, "各时段没有聚类", "no clusters in the periods")
        return fig
    boxes: dict[tuple[int, int], tuple[float, float, float]] = {}  # (period, theme) → x, y0, y1
    colour: dict[tuple[int, int], str] = {}  # a theme name keeps its colour across periods
    palette: dict[str, int] = {}
    for k, p in enumerate(periods):
        for c in sorted(p.keywords, key=lambda c: (-p.occurrences.get(c, 0), c)):
            name = p.names.get(c, f"#{c}")
            colour[(k, c)] = cluster_color(palette.setdefault(name, len(palette)))
    width, gap = 0.16, 0.025
    for k, p in enumerate(periods):
        shown = sorted(p.keywords, key=lambda c: (-p.occurrences.get(c, 0), c))[:max_themes]
        total = sum(p.occurrences.get(c, 0) or 1 for c in shown) or 1
        room = 1.0 - gap * max(0, len(shown) - 1)
        y = 1.0
        x = k * (1.0 - width) / (len(periods) - 1) if len(periods) > 1 else 0.5 - width / 2
        for c in sorted(shown):
            h = room * (p.occurrences.get(c, 0) or 1) / total
            boxes[(k, c)] = (x, y - h, y)
            ax.add_patch(Rectangle((x, y - h), width, h, facecolor=colour[(k, c)], alpha=0.85,
                                   edgecolor="white", zorder=3))  # fmt: skip
            ax.text(x + width / 2, y - h / 2, p.names.get(c, f"#{c}"), ha="center", va="center",
                    fontsize=8.5 if h > 0.05 else 7, color="#111111", zorder=4,
                    path_effects=halo(2.2), clip_on=False)  # fmt: skip
            y -= h + gap
        ax.text(x + width / 2, 1.03, p.name, ha="center", va="bottom", fontsize=11)
    used_out: dict[tuple[int, int], float] = {}
    used_in: dict[tuple[int, int], float] = {}
    for link in sorted(evo.links, key=lambda k: (k.source_period, k.source, k.target)):
        a, b = (link.source_period, link.source), (link.target_period, link.target)
        if a not in boxes or b not in boxes:
            continue
        xa, a0, a1 = boxes[a]
        xb, b0, b1 = boxes[b]
        ka = len(periods[a[0]].keywords.get(a[1], ())) or 1
        kb = len(periods[b[0]].keywords.get(b[1], ())) or 1
        ha = (a1 - a0) * min(1.0, link.shared / ka)
        hb = (b1 - b0) * min(1.0, link.shared / kb)
        ta = a1 - used_out.get(a, 0.0)
        tb = b1 - used_in.get(b, 0.0)
        used_out[a] = used_out.get(a, 0.0) + ha
        used_in[b] = used_in.get(b, 0.0) + hb
        x0, x1 = xa + width, xb
        mid = (x0 + x1) / 2
        verts = [(x0, ta), (mid, ta), (mid, tb), (x1, tb), (x1, tb - hb), (mid, tb - hb),
                 (mid, ta - ha), (x0, ta - ha), (x0, ta)]  # fmt: skip
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
                 MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]  # fmt: skip
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour[a], alpha=0.3,
                               edgecolor="none", zorder=2))  # fmt: skip
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.1)
    ax.set_title("主题演化 Thematic evolution（带宽 = 共享关键词 band width = shared keywords）",
                 fontsize=12, pad=14)  # fmt: skip
    return fig
