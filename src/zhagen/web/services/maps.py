"""Knowledge maps: run ``project.maps.build`` with the CLI's parameters, write every output
into ``<project>.files/maps/run-N/``, and read the written tables back for the page.

Besides the files ``KnowledgeMap.write`` makes, each run folder gets ``records.json``
(node id → record ids, at most :data:`MAX_RECORDS` each, and the records' titles), so the
page can list a clicked node's records after a restart.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web.errors import WebError
from zhagen.web.services import plain, records
from zhagen.web.services.params import form, parse

if TYPE_CHECKING:
    from collections.abc import Iterator

    from zhagen.project import Project

__all__ = ["params_form", "parse_params", "run_map", "list_runs", "run_detail", "node_records",
           "run_file", "FILES", "store_thesaurus", "MAX_THESAURUS"]  # fmt: skip

MAX_RECORDS = 500
#: An uploaded thesaurus (``label<TAB>replace by`` lines): at most 5 MiB.
MAX_THESAURUS = 5 * 2**20
_RUN_DIR = re.compile(r"^run-(\d+)$")
_LOCK = threading.Lock()


def params_form() -> dict[str, dict[str, Any]]:
    """The map parameters the page offers, made from their one declaration (name → type,
    default, choices, bounds, exclusive group, labels and help in Chinese and English)."""
    return form("maps")


#: Files of a run folder the browser may fetch, with their media types.
FILES = {
    "map.html": "text/html; charset=utf-8",
    "map.png": "image/png",
    "map.svg": "image/svg+xml",
    "timeline.png": "image/png",
    "bursts.png": "image/png",
    "timezone.png": "image/png",
    "timezone.svg": "image/svg+xml",
    "overlay.png": "image/png",
    "density.png": "image/png",
    "thematic_map.png": "image/png",
    "themes.csv": "text/csv; charset=utf-8",
    "tables.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "tables.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "nodes.csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
    "clusters.csv": "text/csv; charset=utf-8",
    "bursts.csv": "text/csv; charset=utf-8",
    "summary.json": "application/json",
    "network.graphml": "application/xml",
    "network.gexf": "application/xml",
    "network.net": "text/plain; charset=utf-8",
    "vosviewer_map.txt": "text/plain; charset=utf-8",
    "vosviewer_network.txt": "text/plain; charset=utf-8",
}


def parse_params(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Map keyword arguments (as ``zhagen map`` builds them) and ``keep_duplicates``,
    converted and checked by the parameters' declaration (400 ``parameter`` otherwise)."""
    values = parse("maps", body)
    return values, bool(values.pop("keep_duplicates", None))


def _maps_dir(files: Path) -> Path:
    return files / "maps"


def store_thesaurus(chunks: Iterator[bytes], filename: str | None, files: Path) -> Path:
    """Keep an uploaded thesaurus as ``<project>.files/thesauri/<sha256>/<name>``.

    ``project.maps.build`` reads it first thing with the CLI's reader, so a bad line is refused
    before the map is computed; :func:`run_map` then names the file as uploaded (not where
    the server keeps it) and the line."""
    from zhagen.web.services.documents import store_upload

    return store_upload(chunks, filename, files / "thesauri", MAX_THESAURUS)


def run_map(
    p: Project,
    files: Path,
    body: dict[str, Any],
    *,
    thesaurus: Path | None = None,
    actor: Any = None,
) -> dict[str, Any]:
    """Build a map, write every output file and ``records.json``; one run at a time.

    ``thesaurus`` is a file stored by :func:`store_thesaurus` (never a path from the
    request: ``body`` may hold only the parameters :func:`params_form` offers); ``actor``:
    whose view its scope is evaluated in.
    """
    params, keep = parse_params(body)
    if thesaurus is not None:
        params["thesaurus"] = str(thesaurus)
    if not _LOCK.acquire(blocking=False):
        raise WebError(
            409, "busy", "已有图谱正在生成，请稍候", "a map is already being built; wait"
        )
    try:
        km = _map(p, params, keep, thesaurus, actor)
        run = int(km.summary.get("run") or 0)
        out = _maps_dir(files) / f"run-{run}"
        km.write(out)
        node_docs = {str(k): [int(d) for d in v[:MAX_RECORDS]] for k, v in km.node_docs.items()}
        counts = {str(k): len(v) for k, v in km.node_docs.items()}
        wanted = {d for v in node_docs.values() for d in v}
        titles = {str(d): t for d, t in km.doc_titles.items() if int(d) in wanted}
        doc = {"nodes": node_docs, "counts": counts, "titles": titles}
        (out / "records.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    finally:
        _LOCK.release()
    return {"run": run, "summary": _summary(km.summary)}


def _map(p: Project, params: dict[str, Any], keep: bool, thesaurus: Path | None, actor: Any) -> Any:
    from zhagen.errors import InputError, where

    try:
        return p.maps.build(keep_duplicates=keep, actor=actor, **params)
    except InputError as exc:
        if thesaurus is None or exc.file != str(thesaurus):
            raise
        loc = where(thesaurus.name, exc.record, exc.line)  # the uploaded name, made safe
        raise WebError(400, "input", f"{loc}: {exc.zh}", f"{loc}: {exc.en}") from None


def _summary(summary: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(summary, ensure_ascii=False, default=str))


def list_runs(p: Project, files: Path) -> list[dict[str, Any]]:
    """Map runs recorded in the project, newest first, with whether their files exist."""
    runs = records(p.runs("map"))
    for r in runs:
        r["has_files"] = (_maps_dir(files) / f"run-{r['id']}" / "summary.json").is_file()
    return sorted(runs, key=lambda r: -int(r["id"]))


def _run_dir(files: Path, run: int) -> Path:
    d = _maps_dir(files) / f"run-{int(run)}"
    if not (d / "summary.json").is_file():
        raise WebError(
            404, "not_found", f"图谱运行 {run} 没有输出文件", f"map run {run} has no output files"
        )
    return d


def _csv(path: Path, limit: int | None = None) -> dict[str, Any]:
    if not path.is_file():
        return {"columns": [], "rows": [], "total": 0}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        head = next(reader, [])
        rows = list(reader)
    return {"columns": head, "rows": rows[:limit] if limit else rows, "total": len(rows)}


def run_detail(files: Path, run: int) -> dict[str, Any]:
    """Summary, nodes, clusters and bursts of a run, read from its files."""
    d = _run_dir(files, run)
    summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    present = [name for name in FILES if (d / name).is_file()]
    return {
        "run": int(run),
        "summary": summary,
        "nodes": _csv(d / "nodes.csv"),
        "clusters": _csv(d / "clusters.csv"),
        "bursts": _csv(d / "bursts.csv"),
        "files": present,
    }


def node_records(files: Path, run: int, node: int) -> dict[str, Any]:
    """The records holding a node's term (ids and titles)."""
    d = _run_dir(files, run)
    path = d / "records.json"
    if not path.is_file():
        return {"node": node, "total": 0, "records": []}
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = data["nodes"].get(str(int(node)), [])
    titles = data.get("titles", {})
    recs = [{"id": i, "title": plain(titles.get(str(i), ""))} for i in ids]
    return {"node": node, "total": data["counts"].get(str(int(node)), len(ids)), "records": recs}


def run_file(files: Path, run: int, name: str) -> tuple[Path, str]:
    """A whitelisted output file of a run and its media type (404 otherwise)."""
    if name not in FILES:
        raise WebError(404, "not_found", f"没有文件 {name}", f"no file {name}")
    path = _run_dir(files, run) / name
    if not path.is_file():
        raise WebError(404, "not_found", f"没有文件 {name}", f"no file {name}")
    return path, FILES[name]
