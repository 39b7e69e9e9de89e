"""``Project``: the one object a user holds. It opens the store and runs the pipelines.

>>> import tempfile, os, zhagen
>>> path = os.path.join(tempfile.mkdtemp(), "study.zhagen")
>>> with zhagen.Project.create(path) as project:
...     len(project.documents())
0
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from zhagen.coding.api import CodingMixin
from zhagen.coding.reports_api import ReportsMixin
from zhagen.errors import ParameterError
from zhagen.ingest import FileReport, ImportReport, add_paths
from zhagen.store import docs as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.mapping import KnowledgeMap
    from zhagen.text.segment import Segmenter

__all__ = ["Project", "DOCUMENT_COLUMNS"]

#: Columns of :meth:`Project.documents`, in order.
DOCUMENT_COLUMNS = [
    "id",
    "source",
    "record",
    "type",
    "format",
    "title",
    "authors",
    "affiliations",
    "year",
    "venue",
    "keywords",
    "abstract",
    "doi",
    "lang",
    "duplicate_of",
    "problems",
]


class Project(CodingMixin, ReportsMixin):
    """A zhagen project: one SQLite file holding sources, documents, codes and analyses.

    Coding (codes, codings, memos, relations, undo/redo) comes from
    :class:`zhagen.coding.api.CodingMixin`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._segmenter: Segmenter | None = None
        self._segmenter_words: list[str] = []

    @property
    def path(self) -> str:
        return os.fspath(self.store.path)

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Project:
        """Create a new, empty project file at ``path`` (it must not exist)."""
        return cls(Store.create(path))

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Project:
        """Open an existing project file, applying pending migrations (after a .bak copy)."""
        return cls(Store.open(path))

    def close(self) -> None:
        self.store.close()

    def check(self) -> list[str]:
        """SQLite's full integrity check of the project file: ``["ok"]`` or what is wrong."""
        return self.store.check()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<zhagen.Project {self.path!r}>"

    # -- import ----------------------------------------------------------------------------
    def add(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        format: str | None = None,  # noqa: A002 - mirrors the CLI's --format
        workers: int | None = None,
        progress: Callable[[FileReport], None] | None = None,
    ) -> ImportReport:
        """Import files and folders (any supported format; detected from content).

        One bad file never aborts the batch: its problems are in the report and in
        :meth:`problems`. Re-adding a file already imported is a no-op (sha256).
        """
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        if format is not None:
            from zhagen.formats import reader_for

            reader_for(format)  # raises ParameterError for an unknown name
        return add_paths(self.store, paths, format, workers=workers, progress=progress)

    # -- reading ---------------------------------------------------------------------------
    def documents(self) -> pd.DataFrame:
        """All documents and records as a DataFrame (see :data:`DOCUMENT_COLUMNS`).

        ``authors`` and ``affiliations`` are lists; ``keywords`` is a flat list (Chinese
        first); ``keywords_by_lang`` keeps them per language.
        """
        import pandas as pd

        rows = []
        for r in q.document_rows(self.store):
            kw = json.loads(r["keywords"])
            rows.append(
                {
                    "id": r["id"],
                    "source": r["source"],
                    "record": r["record"],
                    "type": r["type"],
                    "format": r["format"],
                    "title": r["title"],
                    "authors": json.loads(r["authors"]),
                    "affiliations": json.loads(r["affiliations"]),
                    "year": r["year"],
                    "venue": r["venue"],
                    "keywords": _flat_keywords(kw),
                    "keywords_by_lang": kw,
                    "abstract": r["abstract"],
                    "doi": r["doi"],
                    "lang": r["lang"],
                    "duplicate_of": r["dup_of"],
                    "problems": r["problems"] or "",
                }
            )
        df = pd.DataFrame(rows, columns=[*DOCUMENT_COLUMNS, "keywords_by_lang"])
        df["year"] = df["year"].astype("Int64")
        df["duplicate_of"] = df["duplicate_of"].astype("Int64")
        return df

    def document(self, doc_id: int) -> dict[str, Any]:
        """One document's fields as a dict (JSON columns decoded)."""
        row = q.document_row(self.store, int(doc_id))
        if row is None:
            raise ParameterError(
                f"没有编号为 {doc_id} 的文档；用 zhagen docs 查看编号",
                f"no document with id {doc_id}; list ids with `zhagen docs`",
            )
        out = dict(row)
        for key in ("authors", "affiliations", "keywords", "cited_refs", "extra", "cleaning"):
            out[key] = json.loads(out[key])
        out["original"] = json.loads(out["original"]) if out["original"] else {}
        return out

    def text(self, doc_id: int, *, original: bool = False) -> str:
        """The cleaned text of a document (``original=True``: as read, before cleaning).

        For a bibliographic record this is its title and abstract; for a raw document its
        full text. Coding offsets are code points into the cleaned text.
        """
        doc = self.document(doc_id)
        orig = doc["original"] if original else {}
        if doc["body"] is not None:
            return orig.get("body", doc["body"])
        title = orig.get("title", doc["title"])
        abstract = orig.get("abstract", doc["abstract"])
        return f"{title}\n\n{abstract}" if abstract else title

    def sentences(self, doc_id: int) -> pd.DataFrame:
        """原始语句 of a document: idx, start, end (code points), text."""
        import pandas as pd

        text = self.text(doc_id)
        spans = [(r["start"], r["end"]) for r in q.sentence_rows(self.store, int(doc_id))]
        if not spans:
            from zhagen.text.sentences import split_sentences

            spans = split_sentences(text)
            with self.store.transaction():
                q.insert_sentences(self.store, int(doc_id), spans)
        return pd.DataFrame(
            [(i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)],
            columns=["idx", "start", "end", "text"],
        )

    def problems(self) -> pd.DataFrame:
        """Everything that went wrong or was repaired during imports."""
        import pandas as pd

        rows = [dict(r) for r in q.problem_rows(self.store)]
        cols = ["id", "path", "record", "line", "severity", "code", "zh", "en", "created"]
        return pd.DataFrame(rows, columns=cols)

    def sources(self) -> pd.DataFrame:
        """Imported files: path, sha256, size, format, status, number of records."""
        import pandas as pd

        cols = ["id", "path", "sha256", "size", "format", "status", "n_records", "added"]
        return pd.DataFrame([dict(r) for r in q.source_rows(self.store)], columns=cols)

    # -- text analysis -------------------------------------------------------------------
    def segmenter(self) -> Segmenter:
        """The project's segmenter: shipped domain dictionary plus the terms accepted here."""
        from zhagen.store.lexicon import term_decisions
        from zhagen.text.segment import Segmenter

        accepted = sorted(t for t, s in term_decisions(self.store).items() if s == "accepted")
        if self._segmenter is None or self._segmenter_words != accepted:
            self._segmenter = Segmenter(extra_words=accepted)
            self._segmenter_words = accepted
        return self._segmenter

    def texts(self, types: Iterable[str] | None = None) -> Iterator[tuple[int, str]]:
        """(document id, cleaned text) for every document (of the given types), in id order."""
        for doc_id in q.document_ids(self.store, None if types is None else list(types)):
            yield doc_id, self.text(doc_id)

    def discover_terms(
        self, *, top: int = 50, min_freq: int = 3, types: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Multi-character terms in this project's texts that the dictionary lacks.

        ``types`` limits the texts read (e.g. ``["document"]`` for raw documents only).

        Accept the good ones with :meth:`decide_terms`; they are then segmented whole.
        """
        import pandas as pd

        from zhagen.store.lexicon import term_decisions
        from zhagen.text.terms import discover_terms

        decided = term_decisions(self.store)
        found = discover_terms(
            (t for _i, t in self.texts(types)),
            known=self.segmenter(),
            min_freq=min_freq,
            top=None,
        )
        rows = [
            {**asdict(c), "decision": decided.get(c.term, "")}
            for c in found
            if decided.get(c.term) != "rejected"
        ][:top]
        return pd.DataFrame(rows)

    def import_user_dict(self, path: str | os.PathLike[str]) -> int:
        """Accept every word of a user dictionary file (``word [freq] [pos]`` per line).

        The words are recorded in the project, so they are segmented whole from then on.
        """
        from zhagen.text.lexicon import load_user_dict

        words = [e.word for e in load_user_dict(path)]
        self.decide_terms(accept=words)
        return len(words)

    def decide_terms(self, accept: Iterable[str] = (), reject: Iterable[str] = ()) -> None:
        """Accept or reject discovered terms (recorded in the project, undoable)."""
        from zhagen.store.lexicon import decide_terms

        decide_terms(self.store, accept, reject)
        self._segmenter = None

    # -- knowledge map ---------------------------------------------------------------------
    def map(
        self,
        *,
        keep_duplicates: bool = False,
        record: bool = True,
        **params: Any,
    ) -> KnowledgeMap:
        """Build a keyword co-occurrence knowledge map (CiteSpace/VOSviewer parity).

        Keyword arguments are the fields of :class:`zhagen.mapping.MapParams` (``field``,
        ``slice``, ``top``, ``top_percent``, ``g_index``, ``link``, ``prune``,
        ``resolution``, ``seed``, ``min_freq``, ``years``, ``lang``, ``thesaurus``,
        ``burst_s``, ``burst_gamma``, ``burst_min_duration``). The run and its parameters
        are recorded in the project; ``km.write(dir)`` writes every output file.
        """
        from zhagen import __version__
        from zhagen.map_input import map_input
        from zhagen.mapping import MapParams, build_map
        from zhagen.store import runs

        p = _map_params(MapParams, params)
        thesaurus = None
        if p.thesaurus:
            from zhagen.text.lexicon import load_thesaurus

            thesaurus = load_thesaurus(p.thesaurus)
        inp = map_input(
            self.store, p, self.segmenter, thesaurus=thesaurus, keep_duplicates=keep_duplicates
        )
        km = build_map(inp, p)
        km.summary.update(
            {
                "project": os.path.abspath(self.path),
                "project_sources_sha256": runs.project_fingerprint(self.store),
                "keep_duplicates": keep_duplicates,
                "zhagen_version": __version__,
            }
        )
        if record:
            km.summary["run"] = runs.record_run(self.store, "map", p.to_dict(), km.summary)
        return km

    def runs(self, kind: str | None = None) -> pd.DataFrame:
        """Analysis runs recorded in the project (parameters and summaries as dicts)."""
        import pandas as pd

        from zhagen.store import runs

        rows = [
            {**dict(r), "params": json.loads(r["params"]), "summary": json.loads(r["summary"])}
            for r in runs.run_rows(self.store, kind)
        ]
        return pd.DataFrame(rows, columns=["id", "kind", "params", "summary", "created"])

    # -- REFI-QDA --------------------------------------------------------------------------
    def import_qdpx(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Import a REFI-QDA project (``.qdpx``) into this project (see :mod:`zhagen.qda`)."""
        from zhagen.qda import import_qdpx

        return import_qdpx(self, path, **options)

    def export_qdpx(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Export documents, codes, codings, memos and relations as REFI-QDA (``.qdpx``)."""
        from zhagen.qda import export_qdpx

        return export_qdpx(self, path, **options)

    def duplicates(self) -> pd.DataFrame:
        """Pairs of documents detected as duplicates, with the reason: ``doi`` (the same DOI,
        whatever its case), ``title+year+venue``, ``title+year+author`` (the same title and
        year, and the same venue or a shared author) or ``text`` (a raw document's text)."""
        docs = self.documents()
        dup = docs[docs["duplicate_of"].notna()]
        first = docs.set_index("id")
        firsts = [first.loc[int(i)] for i in dup["duplicate_of"]]
        return dup.assign(
            first_source=[f["source"] for f in firsts],
            first_record=[f["record"] for f in firsts],
            reason=[_dup_reason(d, f) for d, f in zip(dup.itertuples(), firsts, strict=True)],
        )[
            [
                "id",
                "source",
                "record",
                "title",
                "year",
                "duplicate_of",
                "first_source",
                "first_record",
                "reason",
            ]
        ]


def _map_params(cls: Any, params: dict[str, Any]) -> Any:
    from dataclasses import fields

    known = {f.name for f in fields(cls)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(
            f"未知的图谱参数：{', '.join(unknown)}；可用参数：{', '.join(sorted(known))}",
            f"unknown map parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}",
        )
    if params.get("top_percent") is not None or params.get("g_index") is not None:
        params.setdefault("top", None)
    if params.get("years") is not None:
        params["years"] = tuple(params["years"])
    return cls(**params)


def _flat_keywords(by_lang: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for lang in sorted(by_lang, key=lambda k: (k != "zh", k)):
        out.extend(by_lang[lang])
    return out


def _dup_reason(doc: Any, first: Any) -> str:
    """Why ``doc`` was taken for a duplicate of ``first`` (see ``Project.duplicates``)."""
    if doc.doi and doc.doi.lower() == str(first["doi"]).lower():
        return "doi"
    if doc.type == "document":
        return "text"
    if doc.venue and doc.venue.casefold() == str(first["venue"]).casefold():
        return "title+year+venue"
    if set(doc.authors) & set(first["authors"]):
        return "title+year+author"
    return "title+year"
