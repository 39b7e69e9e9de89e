"""``project.queries``: the queries researchers know from NVivo, over a set of documents.

- :meth:`Queries.words` — word frequency (table) and :meth:`Queries.word_cloud` (PNG/SVG);
- :meth:`Queries.search` — text search with context, :meth:`Queries.code_hits` codes every
  hit in one undoable edit;
- :meth:`Queries.matrix` — matrix coding, codes × document groups, with
  :meth:`Queries.matrix_cell` (the coded text of a cell);
- :meth:`Queries.framework` — framework matrix, documents × codes;
- :meth:`Queries.cooccurrence` — code × code, with :meth:`Queries.cooccurrence_cell`.

Every query takes ``doc_ids``: the documents it is about (a collection of ids, e.g. a
scope's ``Scope.doc_ids``), ``None`` for every document. Parameters are declared once in
:mod:`zhagen.queries.params`. One module per query; the SQL is in :mod:`zhagen.store.queries`.

>>> from zhagen.examples import tiny_project
>>> with tiny_project() as project:
...     words = project.queries.words(top=3)
...     hits = project.queries.search(query="创新")
...     m = project.queries.matrix(columns="type", measure="documents")
...     words.rows[0].word, hits.total > 0, m.columns
('推动', True, ['document'])
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zhagen.errors import ParameterError
from zhagen.params import check, make, takes
from zhagen.queries.params import (
    CooccurrenceParams,
    FrameworkParams,
    MatrixParams,
    SearchParams,
    WordsParams,
)

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.access import Actor
    from zhagen.queries.framework import Framework
    from zhagen.queries.matrix import Cell, Matrix
    from zhagen.queries.search import SearchResult
    from zhagen.queries.words import WordFrequency
    from zhagen.store.db import Store
    from zhagen.text.segment import Segmenter

__all__ = ["Queries", "CodedHits", "GROUPINGS", "WordsParams", "SearchParams", "MatrixParams",
           "FrameworkParams", "CooccurrenceParams"]  # fmt: skip

#: The document groupings a matrix's columns may name (``columns=``); a mapping of group
#: name → document ids may be given instead (sets, attribute values).
GROUPINGS = ("type", "year", "source", "codes", "sets")


class _Documents(Protocol):
    store: Store


class _Terms(Protocol):
    def segmenter(self) -> Segmenter: ...


@dataclass(frozen=True)
class CodedHits:
    """What "code all hits" did: the coding ids (existing ones reused), spans and documents."""

    coding_ids: list[int]
    spans: int
    documents: int


def _params(cls: type, values: Mapping[str, Any]) -> Any:
    p = make(cls, values)
    check(p)
    return p


def _ids(doc_ids: Collection[int] | None) -> list[int] | None:
    return None if doc_ids is None else sorted({int(d) for d in doc_ids})


class Queries:
    """``project.queries``: word frequency, text search, matrix coding, framework matrix and
    code co-occurrence over a set of documents (``doc_ids``; ``None``: all)."""

    def __init__(self, documents: _Documents, terms: _Terms) -> None:
        self._docs = documents
        self._store = documents.store
        self._terms = terms

    def __repr__(self) -> str:
        return f"<Queries of {self._store.path!s}>"

    # -- shared reading ---------------------------------------------------------------------
    def _within(
        self, doc_ids: Collection[int] | None, scope: str | None, actor: Actor | None = None
    ) -> list[int] | None:
        """The documents a query reads: ``doc_ids`` (None: all) within ``scope`` (a scope
        query, :mod:`zhagen.scope`; None: no limit). ``actor`` coding blind: ``coded:`` and
        ``coder:`` see only the actor's own codings, as everywhere else."""
        from zhagen.sets import resolve_scope

        in_scope = resolve_scope(self._store, scope, actor=actor).doc_ids
        if in_scope is None:
            return _ids(doc_ids)
        return sorted(
            d for d in (in_scope if doc_ids is None else _ids(doc_ids) or ()) if d in in_scope
        )

    def _texts(self, doc_ids: Collection[int] | None) -> list[tuple[int, str]]:
        from zhagen.queries._corpus import texts

        return texts(self._store, _ids(doc_ids))

    def _sentences(self, docs: list[tuple[int, str]]) -> dict[int, list[tuple[int, int, bool]]]:
        from zhagen.queries._corpus import sentences

        return sentences(self._store, docs)

    def _cells(self, doc_ids: Collection[int] | None, coder: str | None) -> list[Cell]:
        from zhagen.coding.retrieve import coder_filter
        from zhagen.store.queries import coding_cells

        return coding_cells(self._store, _ids(doc_ids), coder_filter(self._store, coder))

    def _labels(self) -> tuple[dict[int, str], dict[int, list[int]], list[int]]:
        """Code labels, children of each code, and every code id in tree order."""
        from zhagen.queries.matrix import code_labels
        from zhagen.store.queries import code_names

        names = code_names(self._store)
        labels = code_labels({i: n for i, (n, _p) in names.items()})
        children: dict[int, list[int]] = {}
        for i, (_n, parent) in sorted(names.items()):
            children.setdefault(parent if parent is None else int(parent), []).append(i)
        order: list[int] = []
        stack = list(reversed(children.get(None, [])))  # type: ignore[call-overload]
        while stack:
            i = stack.pop()
            order.append(i)
            stack.extend(reversed(children.get(i, [])))
        return labels, children, order

    def _code_sets(
        self, codes: Sequence[Any] | None, descendants: bool, cells: Sequence[Cell]
    ) -> list[tuple[str, set[int]]]:
        """(label, code ids) per chosen code (default: every code with codings here)."""
        from zhagen.coding.engine import resolve_code

        labels, children, order = self._labels()
        if codes:
            chosen = [int(resolve_code(self._store, c)["id"]) for c in codes]
        else:
            used = {c[2] for c in cells}
            if descendants:  # a parent whose children are coded is a row too
                used = {i for i in order if self._below(i, children) & used}
            chosen = [i for i in order if i in used]
        out = []
        for i in chosen:
            out.append((labels[i], self._below(i, children) if descendants else {i}))
        return out

    @staticmethod
    def _below(code: int, children: Mapping[int, list[int]]) -> set[int]:
        out, stack = {code}, [code]
        while stack:
            for c in children.get(stack.pop(), []):
                out.add(c)
                stack.append(c)
        return out

    def _rows(self, cells: Sequence[Cell]) -> list[dict[str, Any]]:
        """Codings as dicts with their text and sentence (from 1)."""
        from bisect import bisect_right

        docs = sorted({c[1] for c in cells})
        texts = dict(self._texts(docs))
        sents = self._sentences(list(texts.items()))
        labels = self._labels()[0]
        starts = {d: [s for s, _e, _g in spans] for d, spans in sents.items()}
        out = []
        for cid, doc, code, start, end, coder in cells:
            out.append({"coding": cid, "document": doc, "code": code, "code_name": labels[code],
                        "coder": coder, "start": start, "end": end,
                        "sentence": max(1, bisect_right(starts.get(doc, []), start)),
                        "text": texts.get(doc, "")[start:end]})  # fmt: skip
        return out

    # -- word frequency -----------------------------------------------------------------
    def _counter(self, thesaurus: Mapping[str, str]) -> Any:
        from zhagen.queries.words import counter_for
        from zhagen.store.lexicon import term_decisions
        from zhagen.text.segment import Segmenter

        accepted = sorted(t for t, s in term_decisions(self._store).items() if s == "accepted")
        labels = sorted(thesaurus)
        if not labels:
            return counter_for(str(self._store.path), accepted, self._terms.segmenter)
        return counter_for(str(self._store.path), [*accepted, "\x00", *labels],
                           lambda: Segmenter(extra_words=accepted, thesaurus=thesaurus))  # fmt: skip

    @takes(WordsParams)
    def words(
        self, *, doc_ids: Collection[int] | None = None, actor: Actor | None = None, **params: Any
    ) -> WordFrequency:
        """Word frequency over ``doc_ids`` (see :mod:`zhagen.queries.words`): the table of
        the ``top`` words with count, documents and share, and its definitions."""
        from zhagen.queries.words import word_frequency

        p = _params(WordsParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        thesaurus: dict[str, str] = {}
        if p.thesaurus:
            from zhagen.text.lexicon import load_thesaurus

            thesaurus = load_thesaurus(p.thesaurus)
        from zhagen.queries._corpus import sentences_of

        docs = self._texts(doc_ids)
        return word_frequency(
            docs, sentences_of=sentences_of(self._store), counter=self._counter(thesaurus), top=p.top,
            min_length=p.min_length, keep_stopwords=p.keep_stopwords,
            include_garbled=p.include_garbled, thesaurus=thesaurus,
            params={k: v for k, v in vars(p).items() if v is not None},
        )  # fmt: skip

    def word_cloud(
        self,
        path: str | os.PathLike[str],
        *,
        doc_ids: Collection[int] | None = None,
        actor: Actor | None = None,
        seed: int = 0,
        width: int = 1200,
        height: int = 700,
        **params: Any,
    ) -> Path:
        """Draw the word frequency's words as a cloud (``.png`` or ``.svg``)."""
        from zhagen.report.cloud import word_cloud

        found = self.words(doc_ids=doc_ids, actor=actor, **params)
        return word_cloud(found.frequencies(), path, seed=seed, width=width, height=height)

    # -- text search ----------------------------------------------------------------------
    @takes(SearchParams)
    def search(
        self, *, doc_ids: Collection[int] | None = None, actor: Actor | None = None, **params: Any
    ) -> SearchResult:
        """Find ``query`` (literal, or a regular expression) in ``doc_ids``: every hit with
        its document, offsets, sentence (from 1) and context."""
        from zhagen.queries._corpus import sentences_of
        from zhagen.queries.search import compile_query, search_texts

        p = _params(SearchParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        compile_query(p.query, regex=p.regex)  # a bad pattern fails before any reading
        docs = self._texts(doc_ids)
        return search_texts(docs, p.query, regex=p.regex, context=p.context, limit=p.limit,
                            sentences_of=sentences_of(self._store))  # fmt: skip

    @takes(SearchParams)
    def code_hits(
        self,
        code: Any,
        *,
        coder: str = "default",
        doc_ids: Collection[int] | None = None,
        actor: Actor | None = None,
        **params: Any,
    ) -> CodedHits:
        """Code every hit of the search with ``code`` (id or name) in one undoable edit:
        the hit, its sentence or its paragraph (``spread``). ``project.undo()`` removes
        them all. ``actor``: the coder (the web's session); its name is the coder."""
        from zhagen import access
        from zhagen.queries._corpus import sentences_of
        from zhagen.queries.search import code_hits, compile_query, hit_spans

        p = _params(SearchParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        compile_query(p.query, regex=p.regex)
        if actor is not None:
            access.require(actor, "add", access.Item("coding"))
            coder = actor.name
        docs = self._texts(doc_ids)
        spans = hit_spans(docs, p.query, regex=p.regex, spread=p.spread,
                          sentences_of=sentences_of(self._store))  # fmt: skip
        what = (f"「{p.query}」", f" of '{p.query}'")
        ids = code_hits(self._store, spans, code, coder=coder, description=what)
        return CodedHits(ids, sum(len(s) for s in spans.values()), len(spans))

    # -- document groups, matrix coding -------------------------------------------------------
    def groups(
        self, by: str, *, doc_ids: Collection[int] | None = None, coder: str | None = None
    ) -> dict[str, frozenset[int]]:
        """Document groups for a matrix's columns: ``type``, ``year`` (``无年份 / no year``
        when unknown), ``source`` (file name), ``codes`` (each code's coded documents,
        labelled as the rows are), ``sets`` (each set's documents) or ``attr:NAME`` (the
        documents of each value of an attribute).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     _ = p.sets.create("已编码", query="coded:yes")
        ...     _ = p.attributes.define("地区", "text")
        ...     p.attributes.set(1, "地区", "东部")
        ...     sorted(p.queries.groups("sets")["已编码"]), dict(p.queries.groups("attr:地区"))
        ([1, 2], {'东部': frozenset({1})})
        """
        from zhagen.store.queries import group_values

        scope = None if doc_ids is None else set(_ids(doc_ids) or ())
        out: dict[str, set[int]] = {}
        if by == "codes":  # in tree order, as the rows
            labels, _children, order = self._labels()
            coded: dict[int, set[int]] = {}
            for _cid, doc, code, _s, _e, _k in self._cells(doc_ids, coder):
                coded.setdefault(code, set()).add(doc)
            return {labels[i]: frozenset(coded[i]) for i in order if i in coded}
        if by == "sets":  # each set a column (a query set evaluated now)
            from zhagen.store.scope import ids_of
            from zhagen.store.sets import set_rows

            found = {}
            for row in set_rows(self._store):
                ids = ids_of(self._store, 'set:"' + str(row["name"]).replace('"', "") + '"') or ()
                found[str(row["name"])] = frozenset(d for d in ids if scope is None or d in scope)
            return found
        if by.startswith("attr:"):  # each value of a document attribute a column
            from zhagen.store.sets import attribute_row, document_values

            name = by[len("attr:") :].strip()
            if attribute_row(self._store, name) is None:
                raise ParameterError(f"没有名为「{name}」的属性（zhagen attr show 列出属性）",
                                     f"no attribute named '{name}' (zhagen attr show lists them)")  # fmt: skip
            for doc, attr, value in document_values(self._store, None if scope is None else scope):
                if attr == name:
                    out.setdefault(str(value), set()).add(int(doc))
            return {k: frozenset(out[k]) for k in sorted(out)}
        if by not in GROUPINGS:  # (attr:NAME is read above)
            raise ParameterError(
                f"列「{by}」无效；可选 {'、'.join(GROUPINGS)}，或给出“组名 → 文档编号”的映射",
                f"columns '{by}' is not valid; use one of {', '.join(GROUPINGS)}, or give a "
                "mapping of group name → document ids",
            )
        for doc, value in group_values(self._store, by):
            if scope is not None and doc not in scope:
                continue
            if value is None or value == "":
                name = "无年份 / no year" if by == "year" else "（空）/ (empty)"
            elif by == "source":
                name = Path(str(value)).name
            else:
                name = str(value)
            out.setdefault(name, set()).add(doc)
        return {k: frozenset(out[k]) for k in sorted(out)}

    def _groups_of(
        self, columns: str | Mapping[str, Collection[int]], doc_ids: Any, coder: str | None
    ) -> dict[str, frozenset[int]]:
        if isinstance(columns, str):
            return self.groups(columns, doc_ids=doc_ids, coder=coder)
        scope = None if doc_ids is None else set(_ids(doc_ids) or ())
        return {str(k): frozenset(int(d) for d in v if scope is None or int(d) in scope)
                for k, v in columns.items()}  # fmt: skip

    def matrix(
        self,
        *,
        doc_ids: Collection[int] | None = None,
        groups: Mapping[str, Collection[int]] | None = None,
        actor: Actor | None = None,
        **params: Any,
    ) -> Matrix:
        """Matrix coding: codes (rows) × document groups (columns: ``columns=`` names a
        grouping of :data:`GROUPINGS`, or ``groups=`` gives name → document ids, e.g. the
        project's sets or an attribute's values); cells count ``measure``."""
        from zhagen.queries.matrix import matrix_coding

        p = _params(MatrixParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        cells = self._cells(doc_ids, p.coder)
        rows = self._code_sets(p.codes, p.with_descendants, cells)
        cols = self._groups_of(groups if groups is not None else p.columns, doc_ids, p.coder)
        m = matrix_coding(cells, rows, cols, measure=p.measure)
        m.params = {k: v for k, v in vars(p).items() if v is not None}
        return m

    def matrix_cell(
        self,
        row: Any,
        column: str,
        *,
        doc_ids: Collection[int] | None = None,
        groups: Mapping[str, Collection[int]] | None = None,
        actor: Actor | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        """Drill-down: the codings (with their text and sentence) behind the cell of code
        ``row`` (id or name; with ``with_descendants`` its children's too) and group
        ``column``."""
        from zhagen.queries.matrix import drill

        p = _params(MatrixParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        cells = self._cells(doc_ids, p.coder)
        [(_label, codes)] = self._code_sets([row], p.with_descendants, cells)
        cols = self._groups_of(groups if groups is not None else p.columns, doc_ids, p.coder)
        if column not in cols:
            known = "、".join(list(cols)[:20])
            raise ParameterError(f"没有名为「{column}」的列（已有：{known}）",
                                 f"no column named '{column}' (known: {known})")  # fmt: skip
        return self._rows(drill(cells, codes, cols[column]))

    def write(self, result: Any, path: str | os.PathLike[str]) -> Path:
        """Write a query's result; the file type follows the suffix:

        - word frequency: ``.csv`` (the table) or ``.png`` / ``.svg`` (the word cloud);
        - search: ``.csv`` (every listed hit);
        - matrix, co-occurrence (a DataFrame): ``.csv``, ``.xlsx``, ``.png`` / ``.svg``
          (a heat map);
        - framework matrix: ``.xlsx`` or ``.csv``.
        """
        import pandas as pd

        from zhagen.queries.framework import Framework
        from zhagen.queries.matrix import Matrix
        from zhagen.queries.search import SearchResult
        from zhagen.queries.words import WordFrequency

        path = Path(path)
        suffix = path.suffix.lower()
        if isinstance(result, WordFrequency):
            if suffix == ".csv":
                return _csv(result.frame(), path)
            from zhagen.report.cloud import word_cloud

            if suffix in {".png", ".svg"}:
                return word_cloud(result.frequencies(), path)
            raise _suffix_error(path, ".csv, .png, .svg")
        if isinstance(result, SearchResult):
            if suffix != ".csv":
                raise _suffix_error(path, ".csv")
            return _csv(result.frame(), path)
        if isinstance(result, Framework):
            return self.write_framework(result, path)
        if isinstance(result, pd.DataFrame):  # co-occurrence: code × code
            from zhagen.report.query_files import heat_map, write_table_xlsx

            rows = [str(i) for i in result.index]
            cols = [str(c) for c in result.columns]
            title = "编码共现 / code co-occurrence"
            if suffix == ".csv":
                return _csv(result.reset_index(), path)
            if suffix == ".xlsx":
                data = [[r, *v] for r, v in zip(rows, result.values.tolist(), strict=True)]
                return write_table_xlsx(path, "编码共现", ["编码 / code", *cols], data, note=title)
            if suffix in {".png", ".svg"}:
                return heat_map(rows, cols, result.values.tolist(), path, title=title)
            raise _suffix_error(path, ".csv, .xlsx, .png, .svg")
        if isinstance(result, Matrix):
            return self.write_matrix(result, path)
        raise TypeError(f"not a query result: {type(result).__name__}")

    def write_matrix(self, matrix: Matrix, path: str | os.PathLike[str]) -> Path:
        """Write a matrix as ``.csv`` (through the one CSV rule), ``.xlsx`` or a heat map
        (``.png`` / ``.svg``), by the suffix."""
        from zhagen.report.query_files import heat_map, write_table_xlsx

        path = Path(path)
        zh, en = matrix.definition
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return _csv(matrix.frame().reset_index(), path)
        if suffix == ".xlsx":
            rows = [[r, *v] for r, v in zip(matrix.rows, matrix.values, strict=True)]
            return write_table_xlsx(path, "矩阵编码", ["编码 / code", *matrix.columns], rows,
                                    note=f"单元格：{zh} / cell: {en}")  # fmt: skip
        if suffix in {".png", ".svg"}:
            return heat_map(matrix.rows, matrix.columns, matrix.values, path,
                            title=f"{zh} / {en}")  # fmt: skip
        raise _suffix_error(path, ".csv, .xlsx, .png, .svg")

    # -- framework matrix ---------------------------------------------------------------------
    @takes(FrameworkParams)
    def framework(
        self, *, doc_ids: Collection[int] | None = None, actor: Actor | None = None, **params: Any
    ) -> Framework:
        """Framework matrix: each document with codings (rows) × codes (columns), each cell
        the text the document has coded with the code."""
        from zhagen.queries.framework import framework_matrix
        from zhagen.store.queries import document_titles

        p = _params(FrameworkParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        cells = self._cells(doc_ids, p.coder)
        cols = self._code_sets(p.codes, p.with_descendants, cells)
        docs = sorted({c[1] for c in cells})
        texts = dict(self._texts(docs))
        titles = document_titles(self._store, docs)
        fw = framework_matrix(cells, texts, cols, titles=titles)
        fw.params = {k: v for k, v in vars(p).items() if v is not None}
        return fw

    def write_framework(self, fw: Framework, path: str | os.PathLike[str]) -> Path:
        """Write a framework matrix as ``.xlsx`` (cells wrapped) or ``.csv``."""
        from zhagen.report.query_files import write_table_xlsx

        path = Path(path)
        if path.suffix.lower() == ".csv":
            return _csv(fw.frame().reset_index(), path)
        if path.suffix.lower() != ".xlsx":
            raise _suffix_error(path, ".xlsx, .csv")
        rows = [[d, t, *("\n".join(c) for c in cells)]
                for d, t, cells in zip(fw.documents, fw.titles, fw.cells, strict=True)]  # fmt: skip
        return write_table_xlsx(
            path,
            "框架矩阵",
            ["文档 / document", "标题 / title", *fw.columns],
            rows,
            wrap=True,
            note="单元格：该文档用该编码编码的文本，每段一行 / cell: the text the document "
            "has coded with the code, one span a line",
        )

    # -- co-occurrence ---------------------------------------------------------------------
    @takes(CooccurrenceParams)
    def cooccurrence(
        self, *, doc_ids: Collection[int] | None = None, actor: Actor | None = None, **params: Any
    ) -> pd.DataFrame:
        """Code × code co-occurrence in ``doc_ids`` (as ``zhagen coding cooccurrence``)."""
        from zhagen.coding.retrieve import cooccurrence
        from zhagen.store.queries import sentence_spans

        p = _params(CooccurrenceParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        # every stored sentence in one read (a document never split is split on demand)
        stored: dict[int, Any] = {}
        if p.unit == "sentence":
            stored = sentence_spans(self._store, _ids(doc_ids), garbled=False)

        def sentences_of(doc: int) -> list[tuple[int, int]]:
            found = stored.get(doc)
            if found is None:
                found = [(s, e) for s, e, _g in self._sentences(self._texts([doc]))[doc]]
            return found

        return cooccurrence(self._store, coder=p.coder, unit=p.unit, sentences_of=sentences_of,
                            doc_ids=_ids(doc_ids))  # fmt: skip

    def cooccurrence_cell(
        self,
        a: Any,
        b: Any,
        *,
        doc_ids: Collection[int] | None = None,
        actor: Actor | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        """Drill-down: where codes ``a`` and ``b`` (ids or names) co-occur, each unit with
        its document, offsets, sentence (from 1), text and the codings behind it."""
        from bisect import bisect_right

        from zhagen.coding.engine import resolve_code
        from zhagen.queries.cooccurrence import cooccurrence_drill

        p = _params(CooccurrenceParams, params)
        doc_ids = self._within(doc_ids, p.scope, actor)
        ia, ib = (int(resolve_code(self._store, c)["id"]) for c in (a, b))
        cells = [c for c in self._cells(doc_ids, p.coder) if c[2] in (ia, ib)]
        docs = sorted({c[1] for c in cells})
        texts = dict(self._texts(docs))
        sents = self._sentences(list(texts.items()))
        units = cooccurrence_drill(cells, {ia}, {ib}, p.unit, sentences=sents)
        out = []
        for doc, start, end, ids in units:
            starts = [s for s, _e, _g in sents.get(doc, [])]
            out.append({"document": doc, "start": start, "end": end,
                        "sentence": max(1, bisect_right(starts, start)),
                        "text": texts.get(doc, "")[start:end], "codings": list(ids)})  # fmt: skip
        return out


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    from zhagen.formats.spreadsheet import write_csv

    return write_csv(frame, path)


def _suffix_error(path: Path, allowed: str) -> ParameterError:
    return ParameterError(f"无法写出「{path.name}」：文件类型只能是 {allowed}",
                          f"cannot write '{path.name}': the file type must be one of {allowed}")  # fmt: skip
