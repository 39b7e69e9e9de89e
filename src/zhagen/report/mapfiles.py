"""Write every output file of a knowledge map into one folder.

:func:`write_map` is what ``km.write(out_dir)`` (on the :class:`WritableMap` that
``Project.map`` returns) and ``zhagen map --out`` call. The
folder holds, for a map ``km``:

=====================================  =====================================================
``nodes.csv`` ``edges.csv``            tables, UTF-8 with BOM so that Excel opens Chinese
``clusters.csv`` ``bursts.csv``        correctly; edges carry the labels of both ends
``summary.json``                       ``km.summary`` (counts, Q, S, parameters, version)
``tables.xlsx``                        表1-style top keywords, clusters, bursts, all nodes/edges
``tables.docx``                        表1 (top keywords by frequency and by centrality), 三线表
``map.png`` ``map.svg``                the cluster view (300 dpi; SVG glyphs as paths)
``timeline.png`` ``bursts.png``        the timeline view and the strongest-bursts figure
``timezone.png`` ``timezone.svg``      the time-zone view (CiteSpace): terms in first-year columns
``overlay.png`` ``density.png``        VOSviewer's overlay (mean publication year) and density views
``thematic_map.png`` ``themes.csv``    the thematic map (Callon centrality × density, quadrants)
``map.html``                           interactive, self-contained, works offline
``network.graphml`` ``network.gexf``   Gephi / any graph tool
``network.net``                        Pajek
``vosviewer_map.txt``                  VOSviewer map and network files
``vosviewer_network.txt``
``entities.csv``                       author/institution/reference maps: the spellings
                                       merged into each node, the ambiguous author names
=====================================  =====================================================

>>> import tempfile
>>> from zhagen.examples import tiny_map
>>> paths = write_map(tiny_map(), Path(tempfile.mkdtemp()) / "map")
>>> len(paths), paths[0].name
(23, 'nodes.csv')
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from zhagen.mapping.model import KnowledgeMap
from zhagen.report.map_values import jsonable, members_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WritableMap",
    "write_map",
    "write_tables_csv",
    "write_summary",
    "write_entities_csv",
    "tidy_table",
]

#: Columns that hold whole numbers (written without ``.0`` even when some cells are empty).
INT_COLUMNS = ("id", "frequency", "degree", "burst_begin", "burst_end", "cluster",
               "first_year", "source", "target", "size", "begin", "end", "last_year")  # fmt: skip


@dataclass
class WritableMap(KnowledgeMap):
    """A :class:`~zhagen.mapping.model.KnowledgeMap` that writes its files: ``km.write(dir)``.

    The map stays plain data in ``mapping/``; writing belongs to this layer, so the method
    is added here rather than ``mapping`` importing ``report``.

    >>> import tempfile
    >>> from zhagen.examples import tiny_map_input
    >>> from zhagen.mapping import MapParams, build_map
    >>> km = WritableMap.of(build_map(tiny_map_input(), MapParams(min_freq=1)))
    >>> km.write(Path(tempfile.mkdtemp()))[-1].name
    'vosviewer_network.txt'
    """

    @classmethod
    def of(cls, km: KnowledgeMap) -> WritableMap:
        """The same map (the same objects, not copies), able to write itself."""
        return cls(**{f.name: getattr(km, f.name) for f in fields(KnowledgeMap)})

    def write(self, out_dir: str | Path, *, views: Collection[str] | None = None) -> list[Path]:
        """Write every output file (tables, figures, networks, summary) into ``out_dir``;
        ``views`` as for :func:`write_map`."""
        return write_map(self, Path(out_dir), views=views)


def write_map(
    km: KnowledgeMap, out_dir: str | Path, *, views: Collection[str] | None = None
) -> list[Path]:
    """Write tables, figures, the interactive map and network files into ``out_dir``.

    Parameters
    ----------
    km
        The knowledge map.
    out_dir
        The folder to write into; created (with its parents) when missing. Existing files
        of the same names are replaced.
    views
        The extra views to draw (:data:`zhagen.report.map_figures.VIEWS`: ``timezone``,
        ``overlay``, ``density``, ``thematic``); ``None`` draws them all, ``()`` none.

    Returns
    -------
    list of Path
        Every file written, in the order above.

    Examples
    --------
    >>> import tempfile
    >>> from zhagen.examples import tiny_map
    >>> write_map(tiny_map(), Path(tempfile.mkdtemp()))[0].name
    'nodes.csv'
    """
    from zhagen.formats import network
    from zhagen.report.map_figures import (
        VIEWS,
        check_views,
        figures_in_background,
        write_views_main,
    )
    from zhagen.report.map_html import write_map_html
    from zhagen.report.timeline_figure import write_timeline
    from zhagen.report.xlsx import write_table1_docx, write_tables_xlsx

    views = VIEWS if views is None else tuple(views)
    check_views(views)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = [
        ("network.graphml", network.write_graphml),
        ("network.gexf", network.write_gexf),
        ("network.net", network.write_pajek),
        ("vosviewer_map.txt", network.write_vosviewer_map),
        ("vosviewer_network.txt", network.write_vosviewer_network),
    ]
    # The cluster view and the bursts figure are drawn by a second process meanwhile.
    with figures_in_background(km, out_dir, views=views) as background:
        paths = write_tables_csv(km, out_dir)
        paths.append(write_summary(km, out_dir / "summary.json"))
        paths.append(write_tables_xlsx(km, out_dir / "tables.xlsx"))
        paths.append(write_table1_docx(km, out_dir / "tables.docx"))
        timeline = write_timeline(km, out_dir / "timeline.png")
        html = write_map_html(km, out_dir / "map.html")
        for name, writer in writers:
            writer(km, out_dir / name)
        drawn = write_views_main(km, out_dir, views=views)
        png, svg, bursts, *drawn_bg = background()
    paths.extend([png, svg, timeline, bursts, *drawn_bg, *drawn, html])
    paths.extend(out_dir / name for name, _ in writers)
    entities = write_entities_csv(km, out_dir / "entities.csv")
    if entities is not None:
        paths.append(entities)
    return paths


def write_entities_csv(km: KnowledgeMap, path: Path) -> Path | None:
    """Write what reading the nodes merged (``km.summary["entities"]``): one row per
    spelling merged into a node (``merged``) and per person a shared name was split into
    (``ambiguous``); None (no file) when nothing was merged or split."""
    import pandas as pd

    from zhagen.formats.spreadsheet import write_csv

    notes = km.summary.get("entities") or {}
    rows = [
        {"kind": "merged", "node": m["label"], "text": v["text"], "records": v["records"]}
        for m in notes.get("merged", ())
        for v in m["variants"]
    ]
    rows += [
        {"kind": "ambiguous", "node": p["label"], "text": a["name"], "records": p["records"],
         "institutions": "; ".join(p["institutions"])}
        for a in notes.get("ambiguous_authors", ())
        for p in a["people"]
    ]  # fmt: skip
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["kind", "node", "text", "records", "institutions"])
    return write_csv(frame, path, crlf=True)


def tidy_table(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with whole-number columns as nullable integers (``2024``, not
    ``2024.0``, and an empty cell for a missing value)."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if col not in INT_COLUMNS:
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        if values.isna().sum() != out[col].isna().sum():
            continue  # some cells are text: leave the column as it is
        whole = values.dropna()
        if len(whole) == 0 or (whole == whole.round()).all():
            out[col] = values.round().astype("Int64")
    return out


def write_tables_csv(km: KnowledgeMap, out_dir: Path) -> list[Path]:
    """Write ``nodes.csv``, ``edges.csv``, ``clusters.csv`` and ``bursts.csv`` (UTF-8 + BOM).

    ``edges.csv`` has ``source_label`` and ``target_label`` next to the node ids;
    ``clusters.csv`` lists members by label, separated by ``"; "``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = dict(zip(km.nodes["id"].tolist(), km.nodes["label"].tolist(), strict=True))
    edges = km.edges.copy()
    edges.insert(2, "source_label", [labels.get(s, "") for s in edges["source"].tolist()])
    edges.insert(3, "target_label", [labels.get(t, "") for t in edges["target"].tolist()])
    clusters = km.clusters.copy()
    if "members" in clusters.columns:
        clusters["members"] = [members_text(km, m) for m in clusters["members"].tolist()]
    tables = {"nodes.csv": km.nodes, "edges.csv": edges, "clusters.csv": clusters,
              "bursts.csv": km.bursts}  # fmt: skip
    from zhagen.formats.spreadsheet import write_csv

    paths = []
    for name, df in tables.items():
        path = out_dir / name
        paths.append(write_csv(tidy_table(df), path, crlf=True))
    return paths


def write_summary(km: KnowledgeMap, path: Path) -> Path:
    """Write ``km.summary`` as UTF-8 JSON (``ensure_ascii=False``, indented by 2)."""
    text = json.dumps(jsonable(km.summary), ensure_ascii=False, indent=2, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)
