"""``Project``: the one object a user holds, as a set of nouns.

``project.documents``, ``.codes``, ``.codings``, ``.memos``, ``.relations``, ``.terms``,
``.maps`` and ``.reports`` are small collections over the one project file (as
``G.nodes`` in networkx or ``db["t"]`` in sqlite-utils); calling one gives its table as a
DataFrame (``project.documents()``). The flat names of before (``project.add_code``,
``project.text``, …) stay one release as aliases (:data:`FLAT_ALIASES`).

>>> import tempfile, os, zhagen
>>> path = os.path.join(tempfile.mkdtemp(), "study.zhagen")
>>> with zhagen.Project.create(path) as project:
...     len(project.documents()), project.documents.find(q="新质", coded=True).total
(0, 0)
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen import access
from zhagen.access import Actor
from zhagen.errors import ParameterError
from zhagen.mapping.model import MapParams
from zhagen.params import make, takes
from zhagen.scope import Scope
from zhagen.sets import Attributes, SetInfo, Sets, TableImport, resolve_scope
from zhagen.store import docs as q
from zhagen.store.db import Store
from zhagen.store.docs import find_documents

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.cluster import Cluster
    from zhagen.coding.api import Codes, Codings, Memos, Relations
    from zhagen.coding.changes import ChangeFeed
    from zhagen.ingest import FileReport, ImportPlan, ImportReport
    from zhagen.queries import Queries
    from zhagen.report.mapfiles import WritableMap
    from zhagen.report.stats_files import WritableStats
    from zhagen.report.thematic_figures import WritableEvolution
    from zhagen.reports import Reports, WrittenTables
    from zhagen.store.wal import Checkpointer
    from zhagen.suggest.api import Suggestions
    from zhagen.suggest.llm.api import LLM
    from zhagen.text.segment import Segmenter

__all__ = [
    "Project",
    "Documents",
    "Document",
    "DocumentPage",
    "Terms",
    "Maps",
    "Codes",
    "Codings",
    "Memos",
    "Relations",
    "Reports",
    "Queries",
    "WrittenTables",
    "Attributes",
    "Sets",
    "SetInfo",
    "Scope",
    "TableImport",
    "FileReport",
    "ImportReport",
    "DOCUMENT_COLUMNS",
    "FLAT_ALIASES",
    "preload",
]


#: The nouns' classes defined in other modules, and the import's report types: loaded on
#: first use, so that a command that needs none of them (``zhagen map`` needs no coding,
#: queries or reports; ``zhagen code add`` no import machinery) does not import them.
_LAZY = {
    "Codes": "zhagen.coding.api",
    "Codings": "zhagen.coding.api",
    "Memos": "zhagen.coding.api",
    "Relations": "zhagen.coding.api",
    "Queries": "zhagen.queries",
    "Reports": "zhagen.reports",
    "WrittenTables": "zhagen.reports",
    "Suggestions": "zhagen.suggest.api",
    "FileReport": "zhagen.ingest",
    "ImportReport": "zhagen.ingest",
    "ImportPlan": "zhagen.ingest",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'zhagen.project' has no attribute {name!r}")


#: Columns of ``project.documents()`` (:meth:`Documents.frame`), in order.
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


@dataclass(frozen=True)
class Document:
    """One document or record as :meth:`Documents.find` lists it (JSON fields decoded).

    ``keywords`` is a flat list (Chinese first), ``keywords_by_lang`` keeps them per
    language; ``codings`` is its number of codings (of the coder asked about, if any).
    """

    id: int
    source: str
    record: int
    type: str
    format: str
    title: str
    authors: list[str]
    affiliations: list[str]
    year: int | None
    venue: str
    keywords: list[str]
    keywords_by_lang: dict[str, list[str]]
    abstract: str
    doi: str
    lang: str
    duplicate_of: int | None
    problems: str
    codings: int


@dataclass(frozen=True)
class DocumentPage:
    """A page of found documents: ``total`` match, ``items`` are those from ``offset``."""

    total: int
    offset: int
    limit: int | None
    items: list[Document] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [d.id for d in self.items]

    def frame(self) -> pd.DataFrame:
        """The page as a DataFrame (:data:`DOCUMENT_COLUMNS` then ``keywords_by_lang``)."""
        import pandas as pd

        cols = [*DOCUMENT_COLUMNS, "keywords_by_lang"]
        df = pd.DataFrame([[getattr(d, c) for c in cols] for d in self.items], columns=cols)
        df["year"] = df["year"].astype("Int64")
        df["duplicate_of"] = df["duplicate_of"].astype("Int64")
        return df


def _document(row: tuple[Any, ...]) -> Document:
    (doc_id, source, record, fmt, typ, title, authors, affiliations, venue, year, keywords,
     abstract, doi, lang, dup_of, problems, codings) = row  # fmt: skip
    by_lang = json.loads(keywords)
    return Document(
        id=doc_id,
        source=source,
        record=record,
        type=typ,
        format=fmt,
        title=title,
        authors=json.loads(authors),
        affiliations=json.loads(affiliations),
        year=year,
        venue=venue,
        keywords=_flat_keywords(by_lang),
        keywords_by_lang=by_lang,
        abstract=abstract,
        doi=doi,
        lang=lang,
        duplicate_of=dup_of,
        problems=problems or "",
        codings=int(codings),
    )


def _count(value: Any, name: str) -> int:
    """A non-negative integer parameter, or a bilingual ParameterError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(
            f"{name} 应为不小于 0 的整数，而不是 {value!r}",
            f"{name} must be an integer of at least 0, not {value!r}",
        )
    return value


class Documents:
    """``project.documents``: the documents and records, their texts, sentences and sources.

    ``project.documents()`` is every document as a DataFrame; :meth:`find` filters (in
    SQL) and pages.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"<Documents of {self.store.path!s}>"

    def __len__(self) -> int:
        return q.count_documents(self.store)

    def __call__(self) -> pd.DataFrame:
        """Same as :meth:`frame`."""
        return self.frame()

    def frame(self) -> pd.DataFrame:
        """All documents and records as a DataFrame (see :data:`DOCUMENT_COLUMNS`).

        ``authors`` and ``affiliations`` are lists; ``keywords`` is a flat list (Chinese
        first); ``keywords_by_lang`` keeps them per language.
        """
        return self.find().frame()

    def find(
        self,
        q: str = "",
        *,
        type: str | None = None,  # noqa: A002 - the filter's name in the CLI and the URL
        year: int | None = None,
        source: int | str | None = None,
        coded: bool | None = None,
        coder: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        scope: str | Scope | None = None,
    ) -> DocumentPage:
        """Documents matching every filter given, in id order, and how many match.

        Parameters
        ----------
        q:
            Text found in the title, venue, abstract, DOI, or one author or keyword
            (ignoring the case of ASCII letters).
        type, year:
            The document type (``journal``, ``document``, …) and publication year.
        source:
            A source's id, or its path as ``zhagen docs`` lists it, or its file name.
        coded:
            True: documents with codings; False: without; None: either. With ``coder``,
            that coder's codings only (each item's ``codings`` counts them too).
        offset, limit:
            The page: items ``offset`` to ``offset + limit`` (all with ``limit=None``).
        scope:
            Only the documents of a scope query (:meth:`Project.scope`, ``set:NAME``).

        Examples
        --------
        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     coded = project.documents.find(coded=True)
        ...     page = project.documents.find(q="创新", coded=True, limit=10)
        ...     coded.total, page.total, [d.title for d in page.items]
        (2, 1, ['创新联合体'])
        """
        from zhagen.coding.retrieve import coder_filter

        total, rows = find_documents(
            self.store,
            q=str(q or ""),
            doc_type=type or None,
            year=None if year is None else int(year),
            source=source,
            coded=coded,
            coder_id=coder_filter(self.store, coder),
            offset=_count(offset, "offset"),
            limit=None if limit is None else _count(limit, "limit"),
            ids=resolve_scope(self.store, scope).doc_ids,
        )
        return DocumentPage(total, offset, limit, [_document(r) for r in rows])

    def facets(self) -> dict[str, list[Any]]:
        """What documents can be filtered by: ``types`` and ``years`` present."""
        types, years = q.document_facets(self.store)
        return {"types": types, "years": years}

    def exists(self, doc_id: int) -> bool:
        """Whether there is a document with this id."""
        from zhagen.store.coding import document_exists

        return document_exists(self.store, int(doc_id))

    def ids(self, *, types: Iterable[str] | None = None) -> list[int]:
        """Ids of every document (of the given types), in order."""
        return q.document_ids(self.store, None if types is None else list(types))

    def get(self, doc_id: int) -> dict[str, Any]:
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
        doc = self.get(doc_id)
        orig = doc["original"] if original else {}
        if doc["body"] is not None:
            return orig.get("body", doc["body"])
        title = orig.get("title", doc["title"])
        abstract = orig.get("abstract", doc["abstract"])
        return f"{title}\n\n{abstract}" if abstract else title

    def cleaning_diff(self, doc_id: int) -> dict[str, Any]:
        """What cleaning changed in a document, as plain data: ``original`` and ``cleaned``
        text, ``changes`` (each ``kind``, its ``original`` and ``cleaned`` span and text;
        :func:`zhagen.text.diff.cleaning_changes`), ``whitespace`` (white-space runs changed
        besides) and the flagged garbled runs of each side (``garbled``: ``[start, end]``
        in the cleaned text; ``garbled_original``).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     d = project.documents.cleaning_diff(1)
        ...     d["changes"], d["original"] == d["cleaned"]
        ([], True)
        """
        from zhagen.text.diff import cleaning_changes
        from zhagen.text.flags import find_mojibake

        original, cleaned = self.text(doc_id, original=True), self.text(doc_id)
        diff = cleaning_changes(original, cleaned)
        changes = [{"kind": c.kind, "original": list(c.original), "cleaned": list(c.cleaned),
                    "before": c.before, "after": c.after} for c in diff.changes]  # fmt: skip
        return {
            "id": int(doc_id), "original": original, "cleaned": cleaned, "changes": changes,
            "whitespace": diff.whitespace,
            "garbled": [[f.start, f.end] for f in find_mojibake(cleaned)],
            "garbled_original": [[f.start, f.end] for f in find_mojibake(original)],
        }  # fmt: skip

    def sentences(self, doc_id: int) -> pd.DataFrame:
        """原始语句 of a document: idx, start, end (code points), text, and ``garbled``
        (the sentence holds mojibake: kept, but left out of coding tables).

        ``idx`` is the API's index, from 0; people count from 1, so the CLI (``zhagen show
        --sentences``, ``zhagen coding sentences``) and the web ("第 N 句") show ``idx + 1``."""
        import pandas as pd

        text = self.text(doc_id)
        spans, garbled = self._sentences(int(doc_id), text)
        return pd.DataFrame(
            [
                (i, s, e, text[s:e], g)
                for i, ((s, e), g) in enumerate(zip(spans, garbled, strict=True))
            ],
            columns=["idx", "start", "end", "text", "garbled"],
        )

    def sentence_spans(self, doc_id: int) -> list[tuple[int, int]]:
        """The (start, end) code points of each 原始语句 of a document, in order, without
        pandas (list index = the sentence's ``idx``, from 0).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     spans = p.documents.sentence_spans(1)
        ...     spans == [(r.start, r.end) for r in p.documents.sentences(1).itertuples()]
        True
        """
        rows = q.sentence_rows(self.store, int(doc_id))
        if rows:
            return [(r["start"], r["end"]) for r in rows]
        return self._sentences(int(doc_id), self.text(doc_id))[0]

    def _sentences(self, doc_id: int, text: str) -> tuple[list[tuple[int, int]], list[bool]]:
        """Spans and garbled flags of a document's sentences, split and stored on first use."""
        rows = q.sentence_rows(self.store, doc_id)
        spans = [(r["start"], r["end"]) for r in rows]
        garbled = [bool(r["garbled"]) for r in rows]
        if not spans:
            from zhagen.text.sentences import garbled_sentences, split_sentences

            spans = split_sentences(text)
            garbled = garbled_sentences(text, spans)
            with self.store.transaction():
                q.insert_sentences(self.store, doc_id, spans, garbled)
        return spans, garbled

    def texts(self, types: Iterable[str] | None = None) -> Iterator[tuple[int, str]]:
        """(document id, cleaned text) for every document (of the given types), in id order."""
        for doc_id in self.ids(types=types):
            yield doc_id, self.text(doc_id)

    def search(
        self, query: str, *, regex: bool = False, scope: str | Scope | None = None
    ) -> pd.DataFrame:
        """Find text in every document (``scope``: in the documents of a scope query):
        document, start, end (code points), text, context."""
        from zhagen.coding.retrieve import search_text

        ids = resolve_scope(self.store, scope).doc_ids
        texts = ((i, self.text(i)) for i in self.ids() if ids is None or i in ids)
        return search_text(texts, query, regex=regex)

    def problems(self) -> pd.DataFrame:
        """Everything that went wrong or was repaired during imports."""
        import pandas as pd

        rows = q.problem_rows(self.store)
        cols = ["id", "path", "record", "line", "severity", "code", "zh", "en", "created"]
        return pd.DataFrame(rows, columns=cols)

    def sources(self) -> pd.DataFrame:
        """Imported files: path, sha256, size, format, status, number of records."""
        import pandas as pd

        cols = ["id", "path", "sha256", "size", "format", "status", "n_records", "added"]
        return pd.DataFrame(q.source_rows(self.store), columns=cols)

    def duplicates(self) -> pd.DataFrame:
        """Pairs of documents detected as duplicates, with the reason: ``doi`` (the same DOI,
        whatever its case), ``title+year+venue``, ``title+year+author`` (the same title and
        year, and the same venue or a shared author) or ``text`` (a raw document's text)."""
        docs = self.frame()
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


class Terms:
    """``project.terms``: the segmenter, term discovery and the terms accepted here."""

    def __init__(self, documents: Documents) -> None:
        self._docs = documents
        self.store = documents.store
        self._segmenter: Segmenter | None = None
        self._segmenter_words: list[str] = []

    def __repr__(self) -> str:
        return f"<Terms of {self.store.path!s}>"

    def segmenter(self) -> Segmenter:
        """The project's segmenter: shipped domain dictionary plus the terms accepted here."""
        from zhagen.store.lexicon import term_decisions
        from zhagen.text.segment import Segmenter

        accepted = sorted(t for t, s in term_decisions(self.store).items() if s == "accepted")
        if self._segmenter is None or self._segmenter_words != accepted:
            self._segmenter = Segmenter(extra_words=accepted)
            self._segmenter_words = accepted
        return self._segmenter

    def discover(
        self,
        *,
        top: int = 50,
        min_freq: int = 3,
        types: Iterable[str] | None = None,
        scope: str | Scope | None = None,
    ) -> pd.DataFrame:
        """Multi-character terms in this project's texts that the dictionary lacks.

        ``types`` limits the texts read (e.g. ``["document"]`` for raw documents only);
        ``scope`` to the documents of a scope query (:meth:`Project.scope`).

        Accept the good ones with :meth:`decide`; they are then segmented whole.
        """
        import pandas as pd

        from zhagen.store.lexicon import term_decisions
        from zhagen.text.terms import discover_terms

        decided = term_decisions(self.store)
        ids = resolve_scope(self.store, scope).doc_ids
        found = discover_terms(
            (self._docs.text(i) for i in self._docs.ids(types=types) if ids is None or i in ids),
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

    def import_dict(self, path: str | os.PathLike[str]) -> int:
        """Accept every word of a user dictionary file (``word [freq] [pos]`` per line).

        The words are recorded in the project, so they are segmented whole from then on.
        """
        from zhagen.text.lexicon import load_user_dict

        words = [e.word for e in load_user_dict(path)]
        self.decide(accept=words)
        return len(words)

    def decide(self, accept: Iterable[str] = (), reject: Iterable[str] = ()) -> None:
        """Accept or reject discovered terms (recorded in the project, undoable)."""
        from zhagen.store.lexicon import decide_terms

        decide_terms(self.store, accept, reject)
        self._segmenter = None


class Maps:
    """``project.maps``: knowledge maps built from the project, recorded as runs."""

    def __init__(
        self, path: str, store: Store, terms: Terms, cluster: Cluster | None = None
    ) -> None:
        self._path = path
        self.store = store
        self._terms = terms
        self.cluster = cluster  # segmentation runs there (see zhagen.cluster)

    def __repr__(self) -> str:
        return f"<Maps of {self._path!s}>"

    @takes(MapParams)
    def build(
        self,
        *,
        keep_duplicates: bool = False,
        record: bool = True,
        actor: Actor | None = None,
        **params: Any,
    ) -> WritableMap:
        """Build a knowledge map (CiteSpace/VOSviewer parity) of keywords, terms, authors,
        institutions, countries, cited references, cited authors, cited journals, subject
        categories or documents coupled by shared references (``nodes``).

        Keyword arguments are the fields of :class:`zhagen.mapping.MapParams` (listed
        below, from its one declaration; values may be given as text, as typed on a
        command line). The run and its parameters are recorded in the project;
        ``km.write(dir)`` writes every output file. ``actor``: whose view the ``scope`` is
        evaluated in (coding blind, ``coded:``/``coder:`` see the actor's codings only).
        """
        from zhagen._version import __version__
        from zhagen.map_input import known_title_phrases, map_input
        from zhagen.mapping import build_map
        from zhagen.report.mapfiles import WritableMap
        from zhagen.store import runs

        p = make(MapParams, params)
        thesaurus = None
        if p.thesaurus:
            from zhagen.text.lexicon import load_thesaurus

            thesaurus = load_thesaurus(p.thesaurus)
        scope = resolve_scope(self.store, p.scope, actor=actor)
        if scope.count == 0 and scope.query is not None:
            raise ParameterError(
                f"范围 {scope.query} 没有选中任何文档；请检查查询或集合（zhagen set list）",
                f"the scope {scope.query} selects no documents; check the query or the set "
                "(`zhagen set list`)",
            )
        records_only, note = self._mixing(p, scope, keep_duplicates)
        inp = map_input(
            self.store, p, self._terms.segmenter, thesaurus=thesaurus,
            thesaurus_name=p.thesaurus, keep_duplicates=keep_duplicates,
            doc_ids=scope.doc_ids, records_only=records_only, cluster=self.cluster,
        )  # fmt: skip
        if p.label_source != "keywords" and inp.titles and self.cluster is None:
            inp.title_phrases = known_title_phrases(self.store, inp.titles)
        km = build_map(inp, p)
        _entity_summary(km, inp.notes, p)
        km.summary["scope"] = scope.as_dict()
        if note:
            km.summary.setdefault("notes", []).append(note)
        km.summary.update(
            {
                "project": os.path.abspath(self._path),
                "project_sources_sha256": runs.project_fingerprint(self.store),
                "keep_duplicates": keep_duplicates,
                "zhagen_version": __version__,
            }
        )
        if record:
            km.summary["run"] = runs.record_run(self.store, "map", p.to_dict(), km.summary)
        return WritableMap.of(km)

    def evolution(
        self, cuts: Iterable[int], *, keep_duplicates: bool = False, **params: Any
    ) -> WritableEvolution:
        """Thematic evolution (bibliometrix): one map per period and the links between the
        themes (clusters) of consecutive periods that share keywords.

        ``cuts`` are the first years of the second and later periods (``[2016, 2020]`` on
        2010–2024 gives 2010–2015, 2016–2019, 2020–2024); ``params`` are the map's (as for
        :meth:`build`; ``years`` is set per period). Maps are not recorded as runs.
        """
        from zhagen.biblio.thematic import Evolution, evolution_links
        from zhagen.report.thematic_figures import WritableEvolution, period_of

        params = {k: v for k, v in params.items() if k != "years"}
        span = self.build(keep_duplicates=keep_duplicates, record=False, **params).year_span
        if not span:
            raise ParameterError("没有带年份的记录，无法划分时段。",
                                 "no dated records: the periods cannot be made.")  # fmt: skip
        lo, hi = int(span[0]), int(span[1])
        starts = sorted({int(c) for c in cuts if lo < int(c) <= hi})
        if not starts:
            raise ParameterError(
                f"分段年份须在 {lo + 1}–{hi} 之间（数据跨度 {lo}–{hi}）。",
                f"the cut years must lie in {lo + 1}–{hi} (the data span {lo}–{hi}).",
            )  # fmt: skip
        bounds = list(zip([lo, *starts], [s - 1 for s in starts] + [hi], strict=True))
        periods = []
        for a, b in bounds:
            km = self.build(keep_duplicates=keep_duplicates, record=False, years=(a, b), **params)
            periods.append(period_of(km, f"{a}–{b}"))
        links = evolution_links([(p.name, dict(p.keywords)) for p in periods])
        return WritableEvolution(Evolution(periods, links))

    def _mixing(self, p: MapParams, scope: Scope, keep_duplicates: bool) -> tuple[bool, str | None]:
        """Whether to leave raw documents out of a keyword map, and the note saying so.

        Records have keywords, raw documents only their text: mapped together, keywords and
        full-text terms would mix (a licence footer's words next to the keywords). A
        keyword map of both maps the records' keywords; ``field="terms"`` maps every
        text's terms; a scope of raw documents alone maps their terms.
        """
        from zhagen.mapping.model import node_type
        from zhagen.store.map_keywords import mapped_kinds

        if node_type(p) != "keyword":
            return False, None
        n_records, n_raw = mapped_kinds(
            self.store, keep_duplicates=keep_duplicates, doc_ids=scope.doc_ids
        )
        if not (n_records and n_raw):
            return False, None
        return True, (
            f"范围内有 {n_records} 条题录和 {n_raw} 篇全文文档：只用题录的关键词绘图，"
            "全文文档未计入；要用全文切分的词请用 --field terms，或用 --set/--where 选定范围 / "
            f"the scope holds {n_records} records and {n_raw} full-text documents: the map "
            "uses the records' keywords and leaves the full texts out; use --field terms for "
            "terms segmented from every text, or --set/--where to choose the documents"
        )

    @staticmethod
    def check_thesaurus(path: str | os.PathLike[str]) -> int:
        """Read a thesaurus file (``label<TAB>replace by``) as :meth:`build` would; return
        how many entries it has (InputError naming the line when one is bad)."""
        from zhagen.text.lexicon import load_thesaurus

        return len(load_thesaurus(path))


def _entity_summary(km: Any, notes: dict[str, Any], params: MapParams) -> None:
    """What the map's nodes are and what reading them merged, in ``km.summary``; a
    coupling map's ``records`` are the documents it counted."""
    from zhagen.mapping.model import node_type

    km.summary["node_type"] = node_type(params)
    notes = dict(notes)
    if notes.get("node_type") == "coupling":
        # the records the pipeline counted are one per (document, shared work): see map_input
        km.summary["coupling_rows"] = km.summary["records"]
        km.summary["records"] = notes["documents_counted"]
    if notes:
        km.summary["entities"] = notes


class _Alias:
    """A flat method of before, kept one release: calls ``project.<noun>.<member>``.

    ``target`` is ``"Class.member"``; the class (and so its module) is looked up on first
    access of the alias, which then replaces itself on the class with the plain function
    (``functools.wraps`` of the member: same signature and name), so defining the aliases
    imports none of the nouns' modules.
    """

    def __init__(self, noun: str, target: str) -> None:
        self.noun = noun
        self.cls, self.member = target.split(".")
        self.alias_of = f"{noun}.{self.member}"
        self.__doc__ = f"Alias of ``project.{self.alias_of}``, kept one release; use that."

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        cls = globals()[self.cls] if self.cls in globals() else __getattr__(self.cls)
        target = getattr(cls, self.member)
        noun, member = self.noun, self.member

        @functools.wraps(target)
        def alias(self: Project, *args: Any, **kwargs: Any) -> Any:
            return getattr(getattr(self, noun), member)(*args, **kwargs)

        alias.__doc__ = self.__doc__
        alias.alias_of = self.alias_of  # type: ignore[attr-defined]
        setattr(owner or type(obj), self.name, alias)
        return alias if obj is None else alias.__get__(obj, owner)


def _alias(noun: str, target: str) -> Any:
    """The flat name that calls ``project.<noun>.<member>`` (``target``: ``"Class.member"``)."""
    return _Alias(noun, target)


class Project:
    """A zhagen project: one SQLite file holding sources, documents, codes and analyses.

    Its nouns: :attr:`documents`, :attr:`codes`, :attr:`codings`, :attr:`memos`,
    :attr:`relations`, :attr:`terms`, :attr:`maps`, :attr:`reports`, :attr:`queries`,
    :attr:`attributes`, :attr:`sets`, :attr:`suggestions`, :attr:`llm`; :meth:`scope` says
    which documents an analysis is about.
    """

    documents: Documents
    terms: Terms
    maps: Maps
    attributes: Attributes
    sets: Sets

    def __init__(self, store: Store, cluster: Any = None, shards: str | None = None) -> None:
        from zhagen.cluster import cluster_from

        self.store = store
        #: the Dask cluster imports and maps run on (:mod:`zhagen.cluster`), or None
        self.cluster = cluster_from(cluster, shards=shards)
        self.documents = Documents(store)
        self.terms = Terms(self.documents)
        self.maps = Maps(self.path, store, self.terms, self.cluster)
        self.attributes = Attributes(store)
        self.sets = Sets(store)
        self._llm: LLM | None = None

    # The nouns whose classes live in other modules are made on first use (their modules
    # imported then), so that opening a project for a map does not import the coding,
    # query and report machinery.
    @functools.cached_property
    def codes(self) -> Codes:
        return __getattr__("Codes")(self.documents)

    @functools.cached_property
    def codings(self) -> Codings:
        return __getattr__("Codings")(self.documents)

    @functools.cached_property
    def memos(self) -> Memos:
        return __getattr__("Memos")(self.documents)

    @functools.cached_property
    def relations(self) -> Relations:
        return __getattr__("Relations")(self.documents)

    @functools.cached_property
    def reports(self) -> Reports:
        return __getattr__("Reports")(self.documents, self.codes, self.codings, self.relations)

    @functools.cached_property
    def queries(self) -> Queries:
        return __getattr__("Queries")(self.documents, self.terms)

    @functools.cached_property
    def suggestions(self) -> Suggestions:
        return __getattr__("Suggestions")(self.documents)

    @property
    def llm(self) -> LLM:
        """Suggestions from a language-model endpoint (:mod:`zhagen.suggest.llm`), made on
        first use: the prompts and the HTTP client are not loaded by a command that does not
        ask for them."""
        if self._llm is None:
            from zhagen.suggest.llm.api import LLM

            self._llm = LLM(self.documents, self.codes, self.codings, scope=self.scope)
        return self._llm

    @property
    def path(self) -> str:
        return os.fspath(self.store.path)

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: str | os.PathLike[str], *, cluster: Any = None, shards: str | None = None
    ) -> Project:
        """Create a new, empty project file at ``path`` (it must not exist); ``cluster``
        and ``shards`` as for :meth:`open`."""
        return cls(Store.create(path), cluster, shards)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        server: bool = False,
        cluster: Any = None,
        shards: str | None = None,
        small_edits: bool = False,
    ) -> Project:
        """Open an existing project file, applying pending migrations (after a .bak copy).

        ``server=True``: for a long-running server whose :meth:`checkpointer` thread copies
        the write-ahead log into the file, so that no request pays for it.
        ``cluster``: a Dask cluster for imports and maps — ``"local:N"``, a scheduler
        address ``"tcp://host:port"`` or a ``distributed.Client`` (default: the
        ``ZHAGEN_CLUSTER`` environment variable, else none); connected on first use
        (see :mod:`zhagen.cluster`), closed with the project if started here.
        ``shards``: a folder the client and the workers share, where the workers write
        their results (default: ``ZHAGEN_SHARDS``, else they come back in memory); an
        interrupted import run again reads the shards written instead of computing them
        (:class:`zhagen.cluster.Shards`).
        ``small_edits=True``: a connection that makes small edits only, such as the web
        workbench's coding writer (:meth:`zhagen.store.db.Store.for_small_edits`).
        """
        project = cls(Store.open(path), cluster, shards)
        if server:
            from zhagen.store.wal import defer_checkpoints

            defer_checkpoints(project.store)
        if small_edits:
            project.store.for_small_edits()
        return project

    @staticmethod
    def checkpointer(path: str | os.PathLike[str]) -> Checkpointer:
        """The background thread (not started) that checkpoints a served project's log."""
        from pathlib import Path

        from zhagen.store.wal import Checkpointer

        return Checkpointer(Path(path))

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
        self.store.close()

    def check(self) -> list[str]:
        """SQLite's full integrity check of the project file: ``["ok"]`` or what is wrong."""
        return self.store.check()

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Edits made in the block are committed together (one write of the pages they
        share), each still its own undoable edit in the log, all or nothing on its own: an
        edit that raises is rolled back alone (and so is a batch inside the batch). Nothing is
        saved before the block ends.
        The web workbench writes the codings that arrive together this way.

        >>> from zhagen.examples import tiny_project
        >>> from zhagen.errors import ParameterError
        >>> with tiny_project() as project:
        ...     before = len(project.history(None))
        ...     with project.batch():
        ...         a = project.codings.add(1, 0, 2, "政策支持", coder="甲")
        ...         try:
        ...             project.codings.add(1, 0, 10_000, "政策支持", coder="甲")
        ...         except ParameterError:
        ...             pass
        ...     len(project.history(None)) - before, a in project.codings()["id"].tolist()
        (1, True)
        """
        return self.store.group()

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
        plan: ImportPlan | None = None,
        progress: Callable[[FileReport], None] | None = None,
    ) -> ImportReport:
        """Import files and folders (any supported format; detected from content).

        One bad file never aborts the batch: its problems are in the report and in
        ``documents.problems()``. Re-adding a file already imported is a no-op (sha256).
        ``plan``: the import's thresholds and worker processes
        (:class:`~zhagen.ingest.ImportPlan`); ``workers``, if given, overrides its own.
        """
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        if format is not None:
            from zhagen.formats import reader_for

            reader_for(format)  # raises ParameterError for an unknown name
        from zhagen.ingest import ImportPlan, add_paths

        if self.cluster is not None and (plan is None or plan.cluster is None):
            from dataclasses import replace

            plan = replace(plan or ImportPlan(), cluster=self.cluster)
        report = add_paths(self.store, paths, format, workers=workers, plan=plan, progress=progress)
        if plan is not None and plan.cluster is not None:
            plan.cluster.discard_shards()  # what they hold is in the project file now
        from zhagen.entities.tables import derive

        derive(self.store)  # the entity tables of the documents just added (issue 18)
        return report

    def scope(self, scope: str | Scope | None = None, *, actor: Actor | None = None) -> Scope:
        """The documents a scope query selects (:mod:`zhagen.scope`; None: every document).

        ``set:NAME`` names a set (a query set is evaluated now); terms combine with
        ``and``/``or``/``not``. A bad query raises :class:`~zhagen.scope.ScopeError`
        (Chinese and English, with the column).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     p.scope("coded:yes").count, p.scope().count, p.scope("coded:no").describe("en")
        (2, 3, 'coded:no (1 of 3 documents)')
        """
        return resolve_scope(self.store, scope, actor=actor)

    # -- undo / redo, runs ---------------------------------------------------------------
    def undo(self, *, coder: str | None = None, actor: Actor | None = None) -> str | None:
        """Undo the newest coding edit (of ``coder``, if given: coders coding blind undo
        only their own codings and memos); return its description (None: nothing to undo).
        Code-tree edits made without an actor have coder ``""``. With ``actor``: only that
        actor's own edits, whatever ``coder`` says (rule 4 of :mod:`~zhagen.access`)."""
        from zhagen.coding import history

        return history.undo(self.store, coder=_undo_coder(actor, coder))

    def redo(self, *, coder: str | None = None, actor: Actor | None = None) -> str | None:
        """Redo the edit undone most recently (of ``coder``, if given; with ``actor``: of
        that actor only); return its description (None: nothing to redo)."""
        from zhagen.coding import history

        return history.redo(self.store, coder=_undo_coder(actor, coder))

    def history(self, limit: int | None = 20, *, actor: Actor | None = None) -> pd.DataFrame:
        """Undoable edits, newest first: log_id, ts, actor, action, description, undone
        (coding blind, ``actor`` sees only their own)."""
        import pandas as pd

        from zhagen.coding import history

        cols = ["log_id", "ts", "actor", "action", "description", "undone"]
        return pd.DataFrame(history.history(self.store, limit, actor=actor), columns=cols)

    def changes(
        self, since: int | None = None, *, actor: Actor | None = None, limit: int = 500
    ) -> ChangeFeed:
        """The change counter (``.version``) and up to ``limit`` changes after ``since``
        as ``actor`` may see them: :class:`~zhagen.coding.changes.ChangeFeed`."""
        from zhagen.coding.changes import changes

        return changes(self.store, since, actor=actor, limit=limit)

    def runs(self, kind: str | None = None) -> pd.DataFrame:
        """Analysis runs recorded in the project (parameters and summaries as dicts)."""
        import pandas as pd

        from zhagen.store import runs

        rows = [
            {**r, "params": json.loads(r["params"]), "summary": json.loads(r["summary"])}
            for r in runs.run_rows(self.store, kind)
        ]
        return pd.DataFrame(rows, columns=["id", "kind", "params", "summary", "created"])

    # -- REFI-QDA --------------------------------------------------------------------------
    def stats(
        self,
        *,
        doc_ids: Collection[int] | None = None,
        author_of: Callable[[str], str | None] | None = None,
        institution_of: Callable[[str], str | None] | None = None,
        **params: Any,
    ) -> WritableStats:
        """Descriptive bibliometrics of the project's records (``zhagen stats``): annual
        output and its trends, top authors / institutions / venues / cited references,
        Price's core authors, Lotka's law, Bradford's zones, h-index, most-cited documents.

        ``params`` are the fields of :class:`zhagen.biblio.stats.StatsParams` (``top``,
        ``scope``: a scope query, :mod:`zhagen.scope`);
        ``doc_ids`` limits the records (``None``: every record; duplicates always left out);
        ``author_of`` / ``institution_of`` map a stored name / address to the entity counted
        (see :func:`zhagen.biblio.stats.bibliometrics`). ``result.write(dir)`` writes the files.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     p.stats(top=5).stats.records  # three policy texts, no bibliographic records
        0
        """
        from zhagen.biblio.stats import StatsParams, bibliometrics, default_institution
        from zhagen.map_input import biblio_records
        from zhagen.report.stats_files import WritableStats

        p = make(StatsParams, params)
        options: dict[str, Any] = {"top": p.top}
        if author_of is not None:
            options["author_of"] = author_of
        options["institution_of"] = institution_of or default_institution
        in_scope = self.scope(p.scope).doc_ids
        if in_scope is not None:
            doc_ids = [d for d in (in_scope if doc_ids is None else doc_ids) if d in in_scope]
        # the authors, affiliations and cited references the maps read (entity links)
        records = biblio_records(self.store, doc_ids)
        return WritableStats(bibliometrics(records, **options))

    def import_qdpx(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Import a REFI-QDA project (``.qdpx``) into this project (see :mod:`zhagen.qda`)."""
        from zhagen.qda import import_qdpx

        return import_qdpx(self, path, **options)

    def export_qdpx(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Export documents, codes, codings, memos and relations as REFI-QDA (``.qdpx``)."""
        from zhagen.qda import export_qdpx

        return export_qdpx(self, path, **options)

    def import_qdc(self, path: str | os.PathLike[str]) -> Any:
        """Import a REFI-QDA codebook (``.qdc``); codes already there are reused."""
        from zhagen.qda import import_qdc

        return import_qdc(self, path)

    def export_qdc(self, path: str | os.PathLike[str]) -> int:
        """Export the code tree as a REFI-QDA codebook (``.qdc``); return how many codes."""
        from zhagen.qda import export_qdc

        return export_qdc(self, path)

    # -- the flat names of before: one-line aliases, kept for one release ------------------
    document = _alias("documents", "Documents.get")
    text = _alias("documents", "Documents.text")
    sentences = _alias("documents", "Documents.sentences")
    texts = _alias("documents", "Documents.texts")
    search_text = _alias("documents", "Documents.search")
    problems = _alias("documents", "Documents.problems")
    sources = _alias("documents", "Documents.sources")
    duplicates = _alias("documents", "Documents.duplicates")
    segmenter = _alias("terms", "Terms.segmenter")
    discover_terms = _alias("terms", "Terms.discover")
    decide_terms = _alias("terms", "Terms.decide")
    import_user_dict = _alias("terms", "Terms.import_dict")
    map = _alias("maps", "Maps.build")
    add_code = _alias("codes", "Codes.add")
    rename_code = _alias("codes", "Codes.rename")
    describe_code = _alias("codes", "Codes.describe")
    color_code = _alias("codes", "Codes.color")
    move_code = _alias("codes", "Codes.move")
    set_code_level = _alias("codes", "Codes.set_level")
    merge_codes = _alias("codes", "Codes.merge")
    split_code = _alias("codes", "Codes.split")
    delete_code = _alias("codes", "Codes.delete")
    code_tree = _alias("codes", "Codes.tree")
    coder = _alias("codings", "Codings.coder")
    coders = _alias("codings", "Codings.coders")
    code_span = _alias("codings", "Codings.add")
    code_sentence = _alias("codings", "Codings.add_sentence")
    code_sentences = _alias("codings", "Codings.add_sentences")
    uncode = _alias("codings", "Codings.delete")
    recode = _alias("codings", "Codings.recode")
    coding_context = _alias("codings", "Codings.context")
    cooccurrence = _alias("codings", "Codings.cooccurrence")
    code_document_matrix = _alias("codings", "Codings.matrix")
    add_memo = _alias("memos", "Memos.add")
    edit_memo = _alias("memos", "Memos.edit")
    delete_memo = _alias("memos", "Memos.delete")
    add_relation = _alias("relations", "Relations.add")
    delete_relation = _alias("relations", "Relations.delete")
    storyline = _alias("relations", "Relations.storyline")
    set_storyline = _alias("relations", "Relations.set_storyline")
    coding_tables = _alias("reports", "Reports.tables")
    write_tables = _alias("reports", "Reports.write_tables")
    saturation = _alias("reports", "Reports.saturation")
    agreement = _alias("reports", "Reports.agreement")


#: Each flat name of before → the noun member it now calls (``project.documents()``,
#: ``.codes()``, ``.codings()``, ``.memos()`` and ``.relations()`` are the nouns, called).
def _undo_coder(actor: Actor | None, coder: str | None) -> str | None:
    """Whose edits an undo or redo may take: with an actor, only theirs."""
    if actor is None:
        return coder
    access.require(actor, "undo", access.Item("history", owner=actor.name))
    return actor.name


FLAT_ALIASES: dict[str, str] = {
    name: value.alias_of for name, value in vars(Project).items() if hasattr(value, "alias_of")
}


def preload() -> None:
    """Import what the first coding requests of a server would (pandas, retrieval, spans),
    so that none of them pays for an import."""
    import pandas  # noqa: F401

    import zhagen.coding.retrieve  # noqa: F401
    import zhagen.coding.spans  # noqa: F401


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
