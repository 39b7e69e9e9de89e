"""Write the output files of a knowledge map into one folder.

:func:`write_map` is what ``km.write(out_dir, outputs=...)`` (on the :class:`WritableMap`
that ``Project.map`` returns) and ``zhagen map --out DIR [--outputs ...]`` call. Every file
is declared once in :data:`MAP_OUTPUTS` (an output: its files and its writer); ``outputs``
chooses them by kind (the file's extension, ``vosviewer`` for the two VOSviewer files), by
output name or by file name, and ``all`` (the default) writes every one:

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

Only what is asked for is written, and only the libraries it needs are imported: tables
and ``summary.json`` need neither matplotlib nor openpyxl.

>>> import tempfile
>>> from zhagen.examples import tiny_map
>>> paths = write_map(tiny_map(), Path(tempfile.mkdtemp()) / "map")
>>> len(paths), paths[0].name
(23, 'nodes.csv')
>>> [p.name for p in write_map(tiny_map(), Path(tempfile.mkdtemp()), outputs=["json", "net"])]
['summary.json', 'network.net']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.mapping.model import KnowledgeMap
from zhagen.params import Param
from zhagen.report.map_values import jsonable, members_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WritableMap",
    "MapOutput",
    "MAP_OUTPUTS",
    "WRITE_OPTIONS",
    "write_map",
    "chosen_outputs",
    "write_tables_csv",
    "write_edges_csv",
    "write_summary",
    "write_entities_csv",
    "tidy_table",
]

#: Columns that hold whole numbers (written without ``.0`` even when some cells are empty).
INT_COLUMNS = ("id", "frequency", "degree", "burst_begin", "burst_end", "cluster",
               "first_year", "source", "target", "size", "begin", "end", "last_year")  # fmt: skip

#: A writer: (map, folder, the file names of the output wanted) -> the files written.
Writer = Callable[[KnowledgeMap, Path, Sequence[str]], list[Path]]


@dataclass(frozen=True)
class MapOutput:
    """One output of a map: a name, the files it writes and its writer.

    ``write(km, out_dir, names)`` writes the files named (those of ``files`` that were
    asked for) and returns their paths; it imports what it needs inside, so choosing
    other outputs never loads its libraries. ``drawn``: a matplotlib figure (one of those
    two processes share, :func:`zhagen.report.map_figures.figures_in_background`).
    A new output (a figure, a table) is one more entry in :data:`MAP_OUTPUTS`. ``cost``:
    its CPU seconds on the 298-record CNKI map (measured in ``zhagen map``, all its files),
    which orders the figures, largest first (:func:`figure_order`); the processes share
    them by what they really cost. ``shares``: figures with the same value draw the same
    labels (the cluster view's node labels, at the same sizes): one process draws them
    one after another, so that each label is measured and outlined once
    (:mod:`zhagen.report.agg_text` keeps them per process).
    """

    name: str
    files: tuple[str, ...]
    write: Writer
    drawn: bool = False
    cost: float = 0.02
    shares: str = ""

    def kinds(self) -> tuple[str, ...]:
        """The kind of each file: its extension, ``vosviewer`` for the VOSviewer files.

        >>> MAP_OUTPUTS[-2].kinds()
        ('vosviewer', 'vosviewer')
        """
        return tuple(file_kind(f) for f in self.files)


def file_kind(name: str) -> str:
    """``"png"`` for ``map.png``; ``"vosviewer"`` for ``vosviewer_map.txt``."""
    return "vosviewer" if name.startswith("vosviewer_") else name.rpartition(".")[2]


def _tables(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    return write_tables_csv(km, out_dir)


def _summary(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    return [write_summary(km, out_dir / "summary.json")]


def _xlsx(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.xlsx import write_tables_xlsx

    return [write_tables_xlsx(km, out_dir / "tables.xlsx")]


def _cluster_view(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.map_figures import write_cluster_map

    png = out_dir / "map.png" if "map.png" in names else None
    svg = out_dir / "map.svg" if "map.svg" in names else None
    return write_cluster_map(km, png, svg)


def _timeline(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.timeline_figure import write_timeline

    return [write_timeline(km, out_dir / "timeline.png")]


def _bursts(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.burst_figure import write_bursts_figure

    return [write_bursts_figure(km, out_dir / "bursts.png")]


def _docx(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.xlsx import write_table1_docx

    return [write_table1_docx(km, out_dir / "tables.docx")]


def _timezone(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.timezone_figure import write_timezone

    png = out_dir / "timezone.png" if "timezone.png" in names else None
    svg = out_dir / "timezone.svg" if "timezone.svg" in names else None
    return write_timezone(km, png, svg)


def _overlay(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.overlay_figures import write_overlay

    return write_overlay(km, out_dir / "overlay.png")


def _density(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.overlay_figures import write_density

    return [write_density(km, out_dir / "density.png")]


def _thematic(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.thematic_figures import write_thematic_map

    return [write_thematic_map(km, out_dir / "thematic_map.png")]


def _themes(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.thematic_figures import write_themes_csv

    return [write_themes_csv(km, out_dir / "themes.csv")]


def _html(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.report.map_html import write_map_html

    return [write_map_html(km, out_dir / "map.html")]


#: The writer in :mod:`zhagen.formats.network` of each network file.
NETWORK_WRITERS = {
    "network.graphml": "write_graphml",
    "network.gexf": "write_gexf",
    "network.net": "write_pajek",
    "vosviewer_map.txt": "write_vosviewer_map",
    "vosviewer_network.txt": "write_vosviewer_network",
}


def _network(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    from zhagen.formats import network

    for name in names:
        getattr(network, NETWORK_WRITERS[name])(km, out_dir / name)
    return [out_dir / name for name in names]


def _entities(km: KnowledgeMap, out_dir: Path, names: Sequence[str]) -> list[Path]:
    path = write_entities_csv(km, out_dir / "entities.csv")
    return [] if path is None else [path]


#: Every output of a map, in the order written and returned (a figure drawn meanwhile
#: by the figure process is still returned in this order).
MAP_OUTPUTS: list[MapOutput] = [
    MapOutput("tables", ("nodes.csv", "edges.csv", "clusters.csv", "bursts.csv"), _tables),
    MapOutput("summary", ("summary.json",), _summary),
    MapOutput("xlsx", ("tables.xlsx",), _xlsx, cost=0.25),
    MapOutput("docx", ("tables.docx",), _docx, cost=0.12),
    MapOutput(
        "cluster", ("map.png", "map.svg"), _cluster_view, drawn=True, cost=1.1, shares="node labels"
    ),
    MapOutput("timeline", ("timeline.png",), _timeline, drawn=True, cost=1.3),
    MapOutput("bursts", ("bursts.png",), _bursts, drawn=True, cost=0.06),
    MapOutput("timezone", ("timezone.png", "timezone.svg"), _timezone, drawn=True, cost=0.9),
    MapOutput("overlay", ("overlay.png",), _overlay, drawn=True, cost=0.45, shares="node labels"),
    MapOutput("density", ("density.png",), _density, drawn=True, cost=1.0, shares="node labels"),
    MapOutput("thematic", ("thematic_map.png",), _thematic, drawn=True, cost=0.55),
    MapOutput("themes", ("themes.csv",), _themes),
    MapOutput("html", ("map.html",), _html),
    MapOutput("graphml", ("network.graphml",), _network),
    MapOutput("gexf", ("network.gexf",), _network),
    MapOutput("net", ("network.net",), _network),
    MapOutput("vosviewer", ("vosviewer_map.txt", "vosviewer_network.txt"), _network),
    MapOutput("entities", ("entities.csv",), _entities),
]


def output_words() -> list[str]:
    """Every word ``outputs`` accepts: ``all``, the kinds, the output names, the file names.

    >>> output_words()[:4]
    ['all', 'csv', 'json', 'xlsx']
    """
    kinds = [k for out in MAP_OUTPUTS for k in out.kinds()]
    names = [w for out in MAP_OUTPUTS for w in (out.name, *out.files)]
    return list(dict.fromkeys(["all", *kinds, *names]))


def chosen_outputs(outputs: Iterable[str] | str | None = None) -> dict[str, tuple[str, ...]]:
    """The files to write, by output name (in :data:`MAP_OUTPUTS` order), for ``outputs``:
    words of :func:`output_words`, each item possibly several separated by commas;
    ``None`` means ``all``. A word that is none of them is a bilingual ParameterError.

    >>> chosen_outputs("csv,png")["cluster"], list(chosen_outputs(["map.svg", "summary"]))
    (('map.png',), ['summary', 'cluster'])
    >>> chosen_outputs("pdf")
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 未知的输出 pdf；可选：all, csv, json, xlsx, docx, png, svg, html, graphml, gexf, net, vosviewer（或输出名、文件名）。 / unknown output pdf; choose from all, csv, json, xlsx, docx, png, svg, html, graphml, gexf, net, vosviewer (or an output or file name).
    """
    items = [outputs] if isinstance(outputs, str) else list(["all"] if outputs is None else outputs)
    words = [w.strip().lower() for item in items for w in str(item).split(",") if w.strip()]
    known = output_words()
    unknown = [w for w in words if w not in known]
    if unknown or not words:
        kinds = ", ".join(w for w in known if "." not in w and w not in _NAMES)
        got = ", ".join(unknown) or "（空）"
        raise ParameterError(
            f"未知的输出 {got}；可选：{kinds}（或输出名、文件名）。",
            f"unknown output {', '.join(unknown) or '(none)'}; choose from {kinds} "
            "(or an output or file name).",
        )
    chosen: dict[str, tuple[str, ...]] = {}
    for out in MAP_OUTPUTS:
        files = tuple(f for f in out.files if {"all", out.name, f, file_kind(f)} & set(words))
        if files:
            chosen[out.name] = files
    return chosen


_NAMES = {out.name for out in MAP_OUTPUTS} - {k for out in MAP_OUTPUTS for k in out.kinds()}


def _check_outputs(value: Any) -> None:
    chosen_outputs(value)


#: The writing options of ``zhagen map`` (not parameters of the map: never recorded with
#: the run), declared once for the faces (``zhagen.MAP_WRITE_OPTIONS``).
WRITE_OPTIONS = (
    Param(
        "outputs", "strs", ("all",), "输出文件", "outputs",
        "只写这些输出（逗号分隔）：csv、json、xlsx、png、svg、html、graphml、gexf、net、vosviewer，"
        "或输出名（cluster、timeline、bursts…）、文件名（map.png）；all = 全部",
        "write only these (comma-separated): csv, json, xlsx, png, svg, html, graphml, gexf, "
        "net, vosviewer, or an output name (cluster, timeline, bursts…) or file name "
        "(map.png); all = every file",
        validate=_check_outputs, web=False, metavar="KIND[,KIND...]",
    ),
)  # fmt: skip


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
    >>> [p.name for p in km.write(Path(tempfile.mkdtemp()), outputs="csv")]
    ['nodes.csv', 'edges.csv', 'clusters.csv', 'bursts.csv', 'themes.csv']
    """

    @classmethod
    def of(cls, km: KnowledgeMap) -> WritableMap:
        """The same map (the same objects, not copies), able to write itself."""
        return cls(**km.fields())

    def write(
        self, out_dir: str | Path, *, outputs: Iterable[str] | str | None = None
    ) -> list[Path]:
        """Write the output files ``outputs`` (default every one) into ``out_dir``; see
        :func:`write_map`."""
        return write_map(self, Path(out_dir), outputs=outputs)


def write_map(
    km: KnowledgeMap, out_dir: str | Path, *, outputs: Iterable[str] | str | None = None
) -> list[Path]:
    """Write the chosen outputs (tables, figures, the interactive map, network files) into
    ``out_dir``.

    Parameters
    ----------
    km
        The knowledge map.
    out_dir
        The folder to write into; created (with its parents) when missing. Existing files
        of the same names are replaced.
    outputs
        What to write (:func:`chosen_outputs`): kinds such as ``csv``, ``json``, ``png``,
        output names such as ``timeline``, file names such as ``map.svg``, or ``all``
        (``None``, the default). Only the libraries of the chosen outputs are imported.

    Returns
    -------
    list of Path
        Every file written, in the order of :data:`MAP_OUTPUTS`.

    Examples
    --------
    >>> import tempfile
    >>> from zhagen.examples import tiny_map
    >>> write_map(tiny_map(), Path(tempfile.mkdtemp()))[0].name
    'nodes.csv'
    """
    chosen = chosen_outputs(outputs)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_name = {out.name: out for out in MAP_OUTPUTS}
    drawn = [by_name[n] for n in chosen if by_name[n].drawn]
    written: dict[str, list[Path]] = {}
    if len(drawn) >= 2:
        # Two processes draw the figures, the largest first, each taking the next one not
        # yet taken (see figures_in_background); this one writes the other files first.
        from zhagen.report.map_figures import figures_in_background

        drawn = figure_order(drawn)
        jobs = [(out.write, chosen[out.name]) for out in drawn]
        with figures_in_background(km, out_dir, jobs, runs=figure_runs(drawn)) as figures:
            for name, files in chosen.items():
                if not by_name[name].drawn:
                    written[name] = by_name[name].write(km, out_dir, files)
            for out, paths in zip(drawn, figures(), strict=True):
                written[out.name] = paths
    else:
        for name, files in chosen.items():
            written[name] = by_name[name].write(km, out_dir, files)
    return [p for name in chosen for p in written[name]]


def figure_order(drawn: Sequence[MapOutput]) -> list[MapOutput]:
    """The figures in the order the two drawing processes take them: the largest
    (:attr:`MapOutput.cost`) first, so that the last ones taken are small and neither
    process waits long for the other; figures that share their labels
    (:attr:`MapOutput.shares`) next to each other, the largest first, placed by their cost
    together (:func:`figure_runs` has them taken together). One figure is drawn here, with
    no second process: starting it and pickling the map would only add to it.

    >>> [o.name for o in figure_order([o for o in MAP_OUTPUTS if o.drawn])]
    ['cluster', 'density', 'overlay', 'timeline', 'timezone', 'thematic', 'bursts']
    """
    group_cost: dict[str, float] = {}
    for o in drawn:
        if o.shares:
            group_cost[o.shares] = group_cost.get(o.shares, 0.0) + o.cost
    return sorted(drawn, key=lambda o: (-group_cost.get(o.shares, o.cost), o.shares, -o.cost))


def figure_runs(ordered: Sequence[MapOutput]) -> list[int]:
    """The lengths of the runs of :func:`figure_order`'s figures that one process takes
    together: the figures sharing their labels, each other figure alone.

    >>> figure_runs(figure_order([o for o in MAP_OUTPUTS if o.drawn]))
    [3, 1, 1, 1, 1]
    """
    runs: list[int] = []
    for k, o in enumerate(ordered):
        if k and o.shares and o.shares == ordered[k - 1].shares:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


def write_entities_csv(km: KnowledgeMap, path: Path) -> Path | None:
    """Write what reading the nodes merged (``km.summary["entities"]``): one row per
    spelling merged into a node (``merged``) and per person a shared name was split into
    (``ambiguous``); None (no file) when nothing was merged or split."""
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
    from zhagen.formats.spreadsheet import write_columns_csv

    cols = ["kind", "node", "text", "records", "institutions"]
    written = write_columns_csv({c: [r.get(c) for r in rows] for c in cols}, path, crlf=True)
    if written is not None:
        return written
    import pandas as pd

    from zhagen.formats.spreadsheet import write_csv

    return write_csv(pd.DataFrame(rows, columns=cols), path, crlf=True)


def tidy_table(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with whole-number columns as nullable integers (``2024``, not
    ``2024.0``, and an empty cell for a missing value)."""
    return _as_whole(df.copy(), _whole_columns(df))


def _whole_columns(df: pd.DataFrame) -> list[str]:
    """The columns of :data:`INT_COLUMNS` that :func:`tidy_table` turns into integers:
    numeric (no text cell) and whole where not missing."""
    import pandas as pd

    out = []
    for col in df.columns:
        if col not in INT_COLUMNS:
            continue
        values = pd.to_numeric(df[col], errors="coerce")
        if values.isna().sum() != df[col].isna().sum():
            continue  # some cells are text: leave the column as it is
        whole = values.dropna()
        if len(whole) == 0 or (whole == whole.round()).all():
            out.append(col)
    return out


def _as_whole(out: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    for col in columns:
        out[col] = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
    return out


#: Links per block of ``edges.csv``: the labels of a block's ends are made, tidied and
#: written together, so writing never holds a copy of every link with its labels.
EDGES_CSV_BLOCK = 200_000


def write_edges_csv(km: KnowledgeMap, path: Path, *, block: int = EDGES_CSV_BLOCK) -> Path:
    """Write ``edges.csv``: the columns of ``km.edges`` with ``source_label`` and
    ``target_label`` after the ids, ``block`` links at a time (the integer columns decided
    once over all links, as :func:`tidy_table` decides them), the same bytes as
    :func:`~zhagen.formats.spreadsheet.write_csv` of the whole table with CRLF line ends.

    >>> import tempfile
    >>> from zhagen.examples import tiny_map
    >>> path = write_edges_csv(tiny_map(), Path(tempfile.mkdtemp()) / "edges.csv", block=2)
    >>> path.read_text(encoding="utf-8-sig").splitlines()[0]
    'source,target,source_label,target_label,count,strength'
    """
    from zhagen.formats.spreadsheet import safe_frame

    labels = dict(zip(km.nodes["id"].tolist(), km.nodes["label"].tolist(), strict=True))
    edges = km.edges
    whole = _whole_columns(edges)
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        for lo in range(0, max(len(edges), 1), block):
            part = edges.iloc[lo : lo + block].copy()
            part.insert(2, "source_label", [labels.get(s, "") for s in part["source"].tolist()])
            part.insert(3, "target_label", [labels.get(t, "") for t in part["target"].tolist()])
            safe_frame(_as_whole(part, whole)).to_csv(
                fh, index=False, header=lo == 0, lineterminator="\r\n"
            )
    return path


def write_tables_csv(km: KnowledgeMap, out_dir: Path) -> list[Path]:
    """Write ``nodes.csv``, ``edges.csv``, ``clusters.csv`` and ``bursts.csv`` (UTF-8 + BOM).

    ``edges.csv`` has ``source_label`` and ``target_label`` next to the node ids;
    ``clusters.csv`` lists members by label, separated by ``"; "``. A table held as plain
    columns (:class:`~zhagen.mapping.model.Table`, as a map is built) is written without
    pandas, the same bytes as through a DataFrame.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = dict(zip(km.column("nodes", "id"), km.column("nodes", "label"), strict=True))
    paths = []
    for name in ("nodes", "edges", "clusters", "bursts"):
        path = out_dir / f"{name}.csv"
        if name == "edges" and len(km.raw("edges")) > EDGES_CSV_BLOCK:
            # millions of links: in blocks, never every cell of every link at once
            paths.append(write_edges_csv(km, path))
            continue
        written = _plain_csv(km, name, labels, path)
        paths.append(written if written is not None else _frame_csv(km, name, labels, path))
    return paths


def _plain_csv(km: KnowledgeMap, name: str, labels: dict[Any, Any], path: Path) -> Path | None:
    """Table ``name`` written from its plain columns; None when it is a DataFrame, or has
    a column :func:`~zhagen.formats.spreadsheet.write_columns_csv` leaves to pandas."""
    from zhagen.formats.spreadsheet import write_columns_csv
    from zhagen.mapping.model import Table

    table = km.raw(name)
    if not isinstance(table, Table):
        return None
    cols = dict(table.data)
    if name == "edges":
        cols = _with_labels(cols, labels)
    if name == "clusters" and "members" in cols:
        cols["members"] = [members_text(km, m) for m in table.column("members")]
    return write_columns_csv(cols, path, crlf=True, nullable=table.ints, whole=INT_COLUMNS)


def _with_labels(cols: dict[str, Any], labels: dict[Any, Any]) -> dict[str, Any]:
    """The edge columns with ``source_label`` and ``target_label`` third and fourth."""
    names = list(cols)
    out = {k: cols[k] for k in names[:2]}
    out["source_label"] = [labels.get(s, "") for s in _values(cols["source"])]
    out["target_label"] = [labels.get(t, "") for t in _values(cols["target"])]
    out.update({k: cols[k] for k in names[2:]})
    return out


def _values(values: Any) -> list[Any]:
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _frame_csv(km: KnowledgeMap, name: str, labels: dict[Any, Any], path: Path) -> Path:
    from zhagen.formats.spreadsheet import write_csv

    df = getattr(km, name)
    if name == "edges":
        df = df.copy()
        df.insert(2, "source_label", [labels.get(s, "") for s in df["source"].tolist()])
        df.insert(3, "target_label", [labels.get(t, "") for t in df["target"].tolist()])
    if name == "clusters" and "members" in df.columns:
        df = df.copy()
        df["members"] = [members_text(km, m) for m in df["members"].tolist()]
    return write_csv(tidy_table(df), path, crlf=True)


def write_summary(km: KnowledgeMap, path: Path) -> Path:
    """Write ``km.summary`` as UTF-8 JSON (``ensure_ascii=False``, indented by 2)."""
    text = json.dumps(jsonable(km.summary), ensure_ascii=False, indent=2, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)
