"""One tool builds the author-keyword (WoS ``DE``) co-occurrence network of a WoS file.

    python bench/map_peers.py TOOL WOS_FILE OUT_JSON

``TOOL`` is ``floor`` (a minimal DE parser and a plain pair count: the least any tool must
do), ``zhagen`` (run it with the project's Python) or a peer from PyPI (``bibx``,
``metaknowledge``, ``biblium``; run it with the Python of the separate bench
venv, see ``bench/map.py``). Each runner is the shortest idiomatic code for that tool: read
the plain-text export with the tool's own reader, then build the network with the tool's
own co-occurrence function where it has one (metaknowledge, biblium), else count keyword
pairs per record with ``itertools.combinations`` (bibx has none).

``zhagen-author``, ``metaknowledge-author`` and ``biblium-author`` build the co-authorship network instead
(authors from ``AF``; every record, no node selection), for ``bench/map.py`` part (3).

``OUT_JSON`` receives the tool's version, records read and counted, and every edge as
``[keyword, keyword, count]``, plus in-process seconds for ``import``, ``read`` and
``network``. ``bench/map.py`` times the whole process (``_util.measure``) and compares
the edges with zhagen's.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from importlib.metadata import version
from itertools import combinations
from typing import Any

Edges = dict[tuple[str, str], int]


def _pair_counts(keyword_lists: Iterable[list[str]]) -> Edges:
    """Co-occurrence counts: every unordered pair of distinct keywords of one record."""
    counts: Counter[tuple[str, str]] = Counter()
    for kws in keyword_lists:
        counts.update(combinations(sorted(set(kws)), 2))
    return dict(counts)


def run_zhagen(path: str, clock: dict[str, float]) -> dict[str, Any]:
    # zhagen's reader (one process), or with ``zhagen-2proc`` its import pipeline (two
    # worker processes reading chunks of the file, cleaning and storing the records in a
    # temporary project, as ``zhagen add --workers 2`` does), its keyword normalisation
    # (keyword_terms, as `zhagen map` applies it) and its vectorised co-occurrence step
    # (X^T X on a sparse document-term matrix).
    # zhagen imports numpy/pandas/scipy lazily, inside the functions: count them here.
    import pandas  # noqa: F401
    import scipy.sparse  # noqa: F401

    from zhagen.formats import read_records
    from zhagen.map_input import keyword_terms
    from zhagen.mapping.cooccurrence import cooccurrence, doc_term_matrix
    from zhagen.mapping.links import upper_edges

    clock["import"] = time.perf_counter()
    # DE only: keywords["zh"]/["en"] hold the author keywords, ["plus"] Keywords Plus (ID).
    keywords = (
        _imported_keywords(path, WORKERS)
        if WORKERS > 1
        else (rec.keywords for rec in read_records(path))
    )
    terms = [
        keyword_terms({k: v for k, v in kws.items() if k != "plus"}, "all") for kws in keywords
    ]
    clock["read"] = time.perf_counter()
    dt = doc_term_matrix(terms)
    i, j, c = upper_edges(cooccurrence(dt.matrix))
    clock["network"] = time.perf_counter()
    v = dt.vocab
    edges = {(v[a], v[b]): n for a, b, n in zip(i.tolist(), j.tolist(), c.tolist(), strict=True)}
    return {
        "version": version("zhagen"),
        "records_read": len(terms),
        "records_counted": len(terms),
        "nodes": len(v),
        "edges": edges,
    }


def run_floor(path: str, clock: dict[str, float]) -> dict[str, Any]:
    # The floor: the least any tool must do. A minimal parser that keeps only the DE field
    # of each record (continuation lines joined with a space), lower-cases it and splits it
    # on ';' (zhagen's normalisation of author keywords), then a plain pair count.
    clock["import"] = time.perf_counter()
    lists: list[list[str]] = []
    field, de = "", []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if line[:2] != "  ":
                field = line[:2]
            if field == "DE":
                de.append(line[3:].strip())
            elif field == "ER":
                words = " ".join(de).split(";")
                lists.append([" ".join(w.lower().split()) for w in words if w.strip()])
                field, de = "", []
    clock["read"] = time.perf_counter()
    edges = _pair_counts(lists)
    clock["network"] = time.perf_counter()
    return {
        "version": "-",
        "records_read": len(lists),
        "records_counted": len(lists),
        "nodes": _n_nodes(lists),
        "edges": edges,
    }


def run_metaknowledge(path: str, clock: dict[str, float]) -> dict[str, Any]:
    import metaknowledge as mk

    clock["import"] = time.perf_counter()
    rc = mk.RecordCollection(path)  # a set of records: duplicates (same UT) collapse
    clock["read"] = time.perf_counter()
    # nodeCount=True calls Graph.node, removed in networkx 2.4: it fails on any networkx
    # that installs today, so node counts are switched off (edge weights are unaffected).
    g = rc.networkOneMode("DE", nodeCount=False)
    clock["network"] = time.perf_counter()
    return _from_graph(g, len(rc), len(rc), version("metaknowledge"))


def run_biblium(path: str, clock: dict[str, float]) -> dict[str, Any]:
    import biblium

    clock["import"] = time.perf_counter()
    b = biblium.BiblioStats(f_name=path, db="wos", res_folder=None)
    clock["read"] = time.perf_counter()
    # top_n defaults to 20 keywords; a huge top_n keeps them all. Community detection
    # (partition_network) is off: only the counts are compared.
    b.get_author_keyword_cooccurrence(vec_stats=False, top_n=10**9, partition_network=False)
    g = b.author_keyword_cooccurrence_network
    clock["network"] = time.perf_counter()
    return _from_graph(g, len(b.df), len(b.df), version("biblium"))


def run_bibx(path: str, clock: dict[str, float]) -> dict[str, Any]:
    import bibx

    clock["import"] = time.perf_counter()
    with open(path, encoding="utf-8") as fh:
        coll = bibx.read_wos(fh)  # merges duplicates (same DOI / identifiers)
    clock["read"] = time.perf_counter()
    # Article.keywords is Keywords Plus (ID); the author keywords (DE) are in extra.
    edges = _pair_counts(a.extra.get("author_keywords", []) for a in coll.articles)
    clock["network"] = time.perf_counter()
    n = len(coll.articles)
    return {
        "version": version("bibx"),
        "records_read": n,
        "records_counted": n,
        "nodes": _n_nodes(a.extra.get("author_keywords", []) for a in coll.articles),
        "edges": edges,
    }


def _n_nodes(keyword_lists: Iterable[list[str]]) -> int:
    return len({k for kws in keyword_lists for k in kws})


def _from_graph(g: Any, read: int, counted: int, ver: str) -> dict[str, Any]:
    edges: Edges = {}
    loops = 0
    for a, b, d in g.edges(data=True):
        if a == b:  # a keyword repeated within a record
            loops += 1
            continue
        key = (a, b) if a < b else (b, a)
        edges[key] = edges.get(key, 0) + int(round(d.get("weight", 1)))
    return {
        "version": ver,
        "records_read": read,
        "records_counted": counted,
        "nodes": g.number_of_nodes(),
        "edges": edges,
        "self_loops_dropped": loops,
    }


def _imported_keywords(path: str, workers: int) -> list[dict[str, list[str]]]:
    """Each record's keywords per language, as zhagen's import pipeline stores them (the file
    cut into chunks read by ``workers`` processes), from a temporary project."""
    import tempfile
    from pathlib import Path

    import zhagen
    from zhagen.ingest import ImportPlan

    plan = ImportPlan(workers=workers, parallel_min_bytes=0)
    with tempfile.TemporaryDirectory() as tmp, zhagen.Project.create(Path(tmp) / "p") as p:
        p.add(path, plan=plan)
        return list(p.documents.frame()["keywords_by_lang"])


def run_zhagen_author(path: str, clock: dict[str, float]) -> dict[str, Any]:
    # The co-authorship network (bench/map.py part 3): zhagen's reader (authors from AF,
    # else AU), its author names as ``zhagen map --nodes author --homonyms none`` labels
    # them (entity_terms), and its co-occurrence step, over every record (no selection).
    import pandas  # noqa: F401
    import scipy.sparse  # noqa: F401

    from zhagen.entities.collect import EntityRecord, entity_terms
    from zhagen.formats import read_records
    from zhagen.mapping.cooccurrence import cooccurrence, doc_term_matrix
    from zhagen.mapping.links import upper_edges

    clock["import"] = time.perf_counter()
    recs = [EntityRecord(list(rec.authors)) for rec in read_records(path)]
    terms, _ = entity_terms("author", recs, disambiguate=False)
    clock["read"] = time.perf_counter()
    dt = doc_term_matrix(terms)
    i, j, c = upper_edges(cooccurrence(dt.matrix))
    clock["network"] = time.perf_counter()
    v = dt.vocab
    edges = {(v[a], v[b]): n for a, b, n in zip(i.tolist(), j.tolist(), c.tolist(), strict=True)}
    return {"version": version("zhagen"), "records_read": len(terms),
            "records_counted": len(terms), "nodes": len(v), "edges": edges}  # fmt: skip


def run_metaknowledge_author(path: str, clock: dict[str, float]) -> dict[str, Any]:
    import metaknowledge as mk

    clock["import"] = time.perf_counter()
    rc = mk.RecordCollection(path)
    clock["read"] = time.perf_counter()
    g = rc.networkCoAuthor(count=False)  # full names (AF); count=True needs Graph.node
    clock["network"] = time.perf_counter()
    return _from_graph(g, len(rc), len(rc), version("metaknowledge"))


def run_biblium_author(path: str, clock: dict[str, float]) -> dict[str, Any]:
    import biblium

    clock["import"] = time.perf_counter()
    b = biblium.BiblioStats(f_name=path, db="wos", res_folder=None)
    clock["read"] = time.perf_counter()
    b.get_coauthorship(vec_stats=False, top_n=10**9, partition_network=False)
    g = b.co_authorship_network
    clock["network"] = time.perf_counter()
    return _from_graph(g, len(b.df), len(b.df), version("biblium"))


def run_zhagen_2proc(path: str, clock: dict[str, float]) -> dict[str, Any]:
    global WORKERS
    WORKERS = 2
    return run_zhagen(path, clock)


WORKERS = 1
RUNNERS: dict[str, Callable[[str, dict[str, float]], dict[str, Any]]] = {
    "floor": run_floor,
    "zhagen": run_zhagen,
    "zhagen-2proc": run_zhagen_2proc,
    "metaknowledge": run_metaknowledge,
    "biblium": run_biblium,
    "bibx": run_bibx,
    "zhagen-author": run_zhagen_author,
    "metaknowledge-author": run_metaknowledge_author,
    "biblium-author": run_biblium_author,
}


def main(tool: str, path: str, out: str) -> None:
    clock = {"start": time.perf_counter()}
    res = RUNNERS[tool](path, clock)
    res["times"] = {
        "import": clock["import"] - clock["start"],
        "read": clock["read"] - clock["import"],
        "network": clock["network"] - clock["read"],
    }
    res["tool"] = tool
    res["edges"] = [[a, b, n] for (a, b), n in sorted(res["edges"].items())]
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in RUNNERS:
        sys.exit(f"usage: map_peers.py {{{','.join(RUNNERS)}}} WOS_FILE OUT_JSON")
    main(*sys.argv[1:])
