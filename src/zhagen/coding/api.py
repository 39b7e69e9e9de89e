"""The coding nouns of :class:`zhagen.Project`: ``project.codes``, ``.codings``, ``.memos``
and ``.relations``.

Each is a small collection over the project's store: called, it returns its table as a
DataFrame (``project.codes()``); its methods add, change and query. Every edit is one
transaction with one undoable log entry; every retrieval takes ``coder=`` for blind coding.
A ``code`` argument is an id or a unique name.

>>> import tempfile, os, pathlib
>>> from zhagen.project import Project
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.txt").write_text("企业是创新主体。政府提供政策支持。", encoding="utf-8")
>>> project = Project.create(tmp / "study.zhagen")
>>> _ = project.add(tmp / "a.txt")
>>> concept = project.codes.add("政策支持")
>>> coding = project.codings.add_sentence(1, 1, concept, coder="甲")
>>> project.codings(coder="甲")[["code_name", "text"]].values.tolist()
[['政策支持', '政府提供政策支持。']]
>>> project.codes.find_or_add("政策支持") == (concept, False)
True
>>> print(project.undo())
编码文档 #1 [8, 17) 为「政策支持」 / code document #1 [8, 17) as '政策支持'
>>> len(project.codings())
0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zhagen import access
from zhagen.access import Actor
from zhagen.coding import actions, engine, model_layout, notes, retrieve, spans
from zhagen.coding.engine import CodeRef
from zhagen.coding.levels import LEVELS, MEMO_TARGETS, MEMO_TYPES, RELATION_TYPES, level_problems
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import notes as qn
from zhagen.store.scope import ids_of

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.coding.batch import BatchResult
    from zhagen.store.db import Store

__all__ = ["Codes", "Codings", "Memos", "Relations", "CODING_COLUMNS", "DocumentSource"]

#: Columns of :meth:`Codings.frame` and of the dicts of :meth:`Codings.of_document`.
CODING_COLUMNS = list(retrieve.CODING_COLUMNS)


class DocumentSource(Protocol):
    """What the coding nouns need of a project's documents (``project.documents``)."""

    store: Store

    def text(self, doc_id: int, *, original: bool = False) -> str: ...
    def sentences(self, doc_id: int) -> pd.DataFrame: ...
    def sentence_spans(self, doc_id: int) -> list[tuple[int, int]]: ...
    def ids(self, *, types: Iterable[str] | None = None) -> list[int]: ...


class _Noun:
    """A collection of one kind of thing in a project (a view of its store, not a copy)."""

    def __init__(self, documents: DocumentSource) -> None:
        self._docs = documents
        self._store = documents.store

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._store.path!s}>"


class Codes(_Noun):
    """The code tree: ``project.codes()`` is every code in tree order as a DataFrame."""

    #: Level → (Chinese, English) name: 1 初始概念 … 4 核心范畴.
    LEVELS = LEVELS

    def __call__(self, *, coder: str | None = None) -> pd.DataFrame:
        """Same as :meth:`frame`."""
        return self.frame(coder=coder)

    @staticmethod
    def palette(n: int = 48) -> tuple[str, ...]:
        """The colours new codes get in turn: the first ``n`` (:mod:`zhagen.coding.palette`)."""
        from zhagen.coding.palette import palette

        return palette(n)

    def frame(self, *, coder: str | None = None) -> pd.DataFrame:
        """All codes in tree order: id, name, parent, level, level_name, description, color,
        count (own codings), total (with descendants), position, depth, path, created,
        modified. ``coder=`` counts one coder's codings only."""
        return retrieve.codes_frame(self._store, coder=coder)

    def tree(self, *, coder: str | None = None) -> list[dict[str, Any]]:
        """The code tree as nested dicts (each with ``children``)."""
        return retrieve.code_tree(self._store, coder=coder)

    def get(self, code: CodeRef) -> dict[str, Any]:
        """One code's row (id, name, parent_id, level, description, color, position, created,
        modified) by id or unique name; ParameterError when there is none."""
        return dict(engine.resolve_code(self._store, code))

    def add(
        self,
        name: str,
        *,
        parent: CodeRef | None = None,
        level: int | None = None,
        description: str = "",
        color: str | None = None,
        actor: Actor | None = None,
        allow_duplicate: bool = False,
    ) -> int:
        """Create a code; return its id (``actor``: who, for the log and undo).

        Parameters
        ----------
        name:
            Unique among its siblings; a name another code has elsewhere in the tree is
            refused (the message names that code) unless ``allow_duplicate``.
        parent:
            Id or name of the parent code; None for a top-level code.
        level:
            1 初始概念, 2 初始范畴, 3 主范畴, 4 核心范畴, or ``"none"`` / ``0`` for no
            level; default the parent's level − 1 (none below a concept), or 1 at the top.
            The tree may be deeper than four levels; :meth:`level_problems` lists where
            the levels break ``parent.level > child.level``.
        color:
            ``#rrggbb``; default the next colour of a ten-colour palette.
        allow_duplicate:
            Accept a name another code has in another place (references by name to
            either then fail: give ids).

        Examples
        --------
        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     cat = project.codes.add("政策环境", level=2)
        ...     sub = project.codes.get(project.codes.add("财政补贴", parent=cat))
        ...     twin = project.codes.add("财政补贴", allow_duplicate=True)
        ...     sub["name"], sub["level"], twin > sub["id"]
        ('财政补贴', 1, True)
        """
        access.require(actor, "add", access.Item("code"))
        return engine.add_code(
            self._store,
            name,
            parent=parent,
            level=level,
            description=description,
            color=color,
            actor=_name(actor),
            allow_duplicate=allow_duplicate,
        )

    def find_or_add(
        self,
        name: str,
        *,
        parent: CodeRef | None = None,
        level: int | None = None,
        description: str = "",
        color: str | None = None,
        actor: Actor | None = None,
    ) -> tuple[int, bool]:
        """The code ``name`` under ``parent`` and whether it was created now (one
        transaction: two writers asking for the same new code get the same code).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     found = project.codes.find_or_add("政策支持", parent="协同创新")
        ...     made = project.codes.find_or_add("人才培养", parent="协同创新")
        ...     found[1], made[1], len(project.codes())
        (False, True, 4)
        """
        access.require(actor, "add", access.Item("code"))
        return engine.find_or_add_code(
            self._store,
            name,
            parent=parent,
            level=level,
            description=description,
            color=color,
            actor=_name(actor),
        )

    def rename(self, code: CodeRef, name: str, *, actor: Actor | None = None) -> None:
        """Rename a code (``project.codes.rename("旧名", "新名")``)."""
        access.require(actor, "add", access.Item("code"))
        engine.rename_code(self._store, code, name, actor=_name(actor))

    def describe(self, code: CodeRef, text: str, *, actor: Actor | None = None) -> None:
        """Set a code's description, its 内涵 in the axial coding table."""
        access.require(actor, "add", access.Item("code"))
        engine.describe_code(self._store, code, text, actor=_name(actor))

    def color(self, code: CodeRef, color: str, *, actor: Actor | None = None) -> None:
        """Set a code's colour, ``#rrggbb``."""
        access.require(actor, "add", access.Item("code"))
        engine.color_code(self._store, code, color, actor=_name(actor))

    def move(
        self,
        code: CodeRef,
        new_parent: CodeRef | None,
        *,
        level: int | None = None,
        actor: Actor | None = None,
    ) -> None:
        """Move a code under ``new_parent`` (None: top level), optionally with a new level.

        Refused when it would make a cycle; ``level="none"`` removes the level. ``actor``
        as for :meth:`merge`.
        """
        engine.move_code(self._store, code, new_parent, level=level, by=actor)

    def set_level(
        self, code: CodeRef, level: int | str | None, *, actor: Actor | None = None
    ) -> None:
        """Change a code's level independently of its depth (``None``/``"none"``: no level).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     project.codes.set_level("政策支持", None)
        ...     project.codes.get("政策支持")["level"] is None
        True
        """
        engine.set_level(self._store, code, level, by=actor)

    def level_problems(self) -> list[str]:
        """Where the code tree breaks the grounded-theory levels (codes without a level, a
        child not below its parent), one bilingual line each; empty when the rule holds.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     project.codes.level_problems()
        []
        """
        return level_problems(
            {"id": r["id"], "name": r["name"], "parent": r["parent_id"], "level": r["level"]}
            for r in q.code_rows(self._store)
        )

    def merge(
        self, sources: CodeRef | Sequence[CodeRef], into: CodeRef, *, actor: Actor | None = None
    ) -> int:
        """Merge codes into ``into``: codings (duplicates collapse), children, relations and
        memos follow, the sources are deleted. Undoable. Returns ``into``'s id.

        ``actor``: a coder may merge only codes whose codings and memos are all theirs
        (:mod:`zhagen.access`); None: no check (the project file's holder)."""
        return engine.merge_codes(self._store, sources, into, by=actor)

    def move_many(
        self,
        codes: Sequence[CodeRef],
        new_parent: CodeRef | None,
        *,
        level: int | None = None,
        actor: Actor | None = None,
    ) -> int:
        """Move several codes under ``new_parent`` (None: top level) as one undoable edit;
        return how many moved (a code travels with a selected ancestor). ``actor`` as for
        :meth:`merge`.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     cat = project.codes.add("政策环境", level=2)
        ...     project.codes.move_many(["政策支持", "产学研融合"], cat)
        2
        """
        return actions.move_codes(self._store, codes, new_parent, level=level, by=actor)

    def promote(self, code: CodeRef, *, name: str | None = None, actor: Actor | None = None) -> int:
        """Promote a concept to a category holding itself (one undoable edit): a new code
        one level up takes its place (named ``name``, default the concept's name +
        "（范畴）") and the concept moves under it. Returns the category's id. ``actor`` as
        for :meth:`merge`.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     cat = project.codes.promote("政策支持")
        ...     c = project.codes.get(cat)
        ...     c["name"], c["level"], project.codes.get("政策支持")["parent_id"] == cat
        ('政策支持（范畴）', 2, True)
        """
        return actions.promote_code(self._store, code, name=name, by=actor)

    def split(
        self,
        code: CodeRef,
        names_or_mapping: Mapping[str, Iterable[int]] | Sequence[str],
        *,
        actor: Actor | None = None,
    ) -> dict[str, int]:
        """Create sibling codes and move chosen codings into them.

        ``{"新名": [coding ids], ...}`` moves those codings of ``code``; a list of names
        creates empty siblings. Returns name → new id.
        """
        return engine.split_code(self._store, code, names_or_mapping, by=actor)

    def delete(
        self, code: CodeRef, *, force: bool = False, actor: Actor | None = None
    ) -> dict[str, int]:
        """Delete a code. Without ``force``, a code with codings or children is refused and
        the message says how many; with it they are deleted too. Undoable. ``actor``: as
        for :meth:`merge`."""
        return engine.delete_code(self._store, code, force=force, by=actor)


class Codings(_Noun):
    """Coded spans: ``project.codings(code=, document=, coder=)`` is a DataFrame of them."""

    def __call__(
        self,
        *,
        code: CodeRef | Sequence[CodeRef] | None = None,
        document: int | None = None,
        coder: str | None = None,
        with_descendants: bool = False,
    ) -> pd.DataFrame:
        """Same as :meth:`frame`."""
        return self.frame(
            code=code, document=document, coder=coder, with_descendants=with_descendants
        )

    def frame(
        self,
        *,
        code: CodeRef | Sequence[CodeRef] | None = None,
        document: int | None = None,
        coder: str | None = None,
        with_descendants: bool = False,
    ) -> pd.DataFrame:
        """Codings: id, document, start, end, code, code_name, coder, created, text (the
        coded span), level; filtered by code(s), document and coder."""
        return retrieve.codings_frame(
            self._store,
            self._texts,
            code=code,
            document=document,
            coder=coder,
            with_descendants=with_descendants,
        )

    def of_document(self, document: int, *, coder: str | None = None) -> list[dict[str, Any]]:
        """A document's codings (``coder``'s only when given) as dicts of
        :data:`CODING_COLUMNS`, without pandas; ParameterError if there is no such document."""
        if not q.document_exists(self._store, int(document)):
            raise _no_document(document)
        rows = retrieve.coding_tuples(self._store, self._texts, document=int(document), coder=coder)
        return [dict(zip(CODING_COLUMNS, r, strict=True)) for r in rows]

    def _text(self, doc: int) -> str:
        """A document's cleaned text for an edit's checks: one column read, where
        ``documents.text`` decodes the document's every JSON field."""
        text = q.document_text(self._store, int(doc))
        if text is None:
            raise _no_document(doc)
        return text

    def _texts(self, doc_ids: Iterable[int]) -> dict[int, str]:
        """The cleaned texts of many documents in one query (``documents.text`` of each);
        a coded document's frozen text is kept once read (:func:`~zhagen.store.coding.coded_texts`)."""
        return q.coded_texts(self._store, doc_ids)

    def add(self, doc: int, start: int, end: int, code: CodeRef, *, coder: str = "default") -> int:
        """Code ``[start, end)`` (code points of ``text(doc)``, end exclusive); return the
        coding id. The document's text is frozen from then on.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     coding = project.codings.add(1, 0, 2, "产学研融合", coder="甲")
        ...     row = project.codings().set_index("id").loc[coding]
        ...     row["text"] == project.documents.text(1)[:2], row["coder"]
        (True, '甲')
        """
        return spans.code_span(self._store, doc, start, end, code, coder=coder, text_of=self._text)

    def _sentence_spans(
        self, doc: int, idxs: Sequence[int], first: int = 0
    ) -> list[tuple[int, int]]:
        sents = self._docs.sentence_spans(int(doc))  # no pandas: the CLI stays quick
        out = []
        for i in idxs:
            n = engine.as_int(i)
            if n is None or not first <= n < len(sents) + first:
                raise ParameterError(
                    f"文档 #{doc} 没有第 {i} 句（共 {len(sents)} 句，编号从 {first} 开始）；"
                    f"用 zhagen show --sentences 查看",
                    f"document #{doc} has no sentence {i} ({len(sents)} sentences, "
                    f"numbered from {first}); list them with `zhagen show --sentences`",
                )
            out.append(sents[n - first])
        return out

    def add_sentence(self, doc: int, idx: int, code: CodeRef, *, coder: str = "default") -> int:
        """Code sentence ``idx`` (原始语句, from 0) of a document; return the coding id."""
        return self.add_sentences(doc, [idx], code, coder=coder)[0]

    def add_sentences(
        self,
        doc: int,
        idxs: Iterable[int],
        code: CodeRef,
        *,
        coder: str = "default",
        first: int = 0,
    ) -> list[int]:
        """Code several sentences of a document with one code, as one edit.

        ``idxs`` are the sentences' indexes, from 0 (the API's index, ``idx`` of
        :meth:`~zhagen.project.Documents.sentences`); ``first=1`` takes them as people count
        them, from 1 (the CLI's and the web's "第 N 句").

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     a = project.codings.add_sentences(1, [0], "政策支持")
        ...     b = project.codings.add_sentences(1, [1], "政策支持", first=1)
        ...     project.codings().set_index("id").loc[a + b, "start"].tolist()
        [0, 0]
        """
        found = self._sentence_spans(doc, list(idxs), first)
        return spans.code_spans(self._store, doc, found, code, coder=coder, text_of=self._text)

    def add_batch(
        self,
        source: str | Path | Iterable[Mapping[str, Any]],
        *,
        coder: str = "default",
        strict: bool = False,
    ) -> BatchResult:
        """Code many spans in one transaction and one undo step (:mod:`zhagen.coding.batch`).

        ``source`` is a CSV file (columns ``document`` (id or title), ``start`` + ``end`` or
        ``sentence`` (from 1), ``code`` (id, name or path), optional ``coder`` and ``memo``)
        or rows as mappings with those keys (numbered from 2, as below a header). A bad row
        is reported in ``result.problems`` with its row number and the others are coded;
        ``strict=True`` codes nothing unless every row is good.
        """
        from zhagen.coding.batch import code_rows, read_rows

        if isinstance(source, str | Path):
            rows: list[tuple[int, Mapping[str, Any]]] = list(read_rows(source))
            file: str | None = str(source)
        else:
            rows, file = list(enumerate(source, start=2)), None
        return code_rows(self._store, rows, coder=coder, text_of=self._text,
                         spans_of=self._docs.sentence_spans, strict=strict, file=file)  # fmt: skip

    def in_vivo(
        self,
        doc: int,
        start: int,
        end: int,
        *,
        parent: CodeRef | None = None,
        actor: Actor | None = None,
    ) -> tuple[int, int, bool]:
        """In-vivo coding: the words ``[start, end)`` become an initial concept (level 1,
        under ``parent`` or at the top; an existing code of that name there is reused) and
        are coded with it, as one undoable edit. Returns (coding id, code id, created).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     coding, code, created = project.codings.in_vivo(1, 0, 2, actor=None)
        ...     project.codes.get(code)["name"] == project.documents.text(1)[:2], created
        (True, True)
        """
        access.require(actor, "add", access.Item("code"))
        return actions.code_in_vivo(
            self._store, doc, start, end, coder=_name(actor) or "default",
            text_of=self._text, parent=parent,
        )  # fmt: skip

    def delete(self, coding_id: int, *, actor: Actor | None = None) -> None:
        """Remove a coding (undoable); ``actor`` must own it (or be the owner)."""
        if actor is not None:  # without one, the engine says what is missing
            self.check(coding_id, "change", actor)
        spans.uncode(self._store, coding_id, actor=_name(actor), by=actor)

    def recode(self, coding_id: int, code: CodeRef, *, actor: Actor | None = None) -> None:
        """Give a coding another code (undoable); ``actor`` as for :meth:`delete`."""
        if actor is not None:  # without one, the engine says what is missing
            self.check(coding_id, "change", actor)
        spans.recode(self._store, coding_id, code, actor=_name(actor))

    def check(self, coding_id: int, action: str, actor: Actor | None) -> str:
        """The coder of a coding, if ``actor`` may ``action`` it (one-row lookup); raises
        :class:`~zhagen.access.NotFound` for a missing or hidden coding and
        :class:`~zhagen.access.AccessDenied` otherwise."""
        owner = q.coding_owner(self._store, int(coding_id))
        if owner is None:
            raise access.not_found("coding", coding_id)
        access.require(actor, action, access.Item("coding", int(coding_id), owner))
        return owner

    def context(
        self,
        coding: int | None = None,
        *,
        code: CodeRef | None = None,
        coder: str | None = None,
        chars: int = 40,
        with_descendants: bool = False,
    ) -> pd.DataFrame:
        """A coding (by id) or all codings of ``code=`` with ``chars`` characters of context:
        the columns of :meth:`frame` plus before, after, context (``before【text】after``)."""
        return retrieve.context_frame(
            self._store,
            self._texts,
            coding=coding,
            code=code,
            coder=coder,
            chars=chars,
            with_descendants=with_descendants,
        )

    def cooccurrence(
        self, *, coder: str | None = None, unit: str = "overlap", scope: str | None = None
    ) -> pd.DataFrame:
        """Code × code co-occurrence: ``unit`` is overlap (of spans), sentence or document;
        ``scope``: only the documents of that scope query (:mod:`zhagen.scope`)."""
        return retrieve.cooccurrence(
            self._store, coder=coder, unit=unit, sentences_of=self._sentence_list,
            doc_ids=ids_of(self._store, scope),
        )  # fmt: skip

    def _sentence_list(self, doc: int) -> list[tuple[int, int]]:
        df = self._docs.sentences(doc)
        return list(zip(df["start"].tolist(), df["end"].tolist(), strict=True))

    def matrix(self, *, coder: str | None = None, scope: str | None = None) -> pd.DataFrame:
        """Codes × documents: number of codings (``scope``: of those documents only)."""
        return retrieve.code_document_matrix(
            self._store, coder=coder, doc_ids=ids_of(self._store, scope)
        )

    def coder(self, name: str) -> int:
        """The id of coder ``name``, created on first use."""
        return engine.coder(self._store, name)

    def coders(self) -> pd.DataFrame:
        """Coders: id, name, created."""
        import pandas as pd

        rows = q.coder_rows(self._store)
        return pd.DataFrame(rows, columns=["id", "name", "created"])


class Memos(_Noun):
    """Memos on the project, a document, a code, a coding or a relation."""

    #: What a memo may be attached to.
    TARGETS = MEMO_TARGETS
    #: Memo types (Kuckartz) → (Chinese, English) names.
    TYPES = MEMO_TYPES

    def __call__(
        self,
        target_type: str | None = None,
        target_id: Any = None,
        *,
        coder: str | None = None,
        type: str | None = None,  # noqa: A002 - the memo's type
        q: str | None = None,
    ) -> pd.DataFrame:
        """Same as :meth:`frame`."""
        return self.frame(target_type, target_id, coder=coder, type=type, q=q)

    def frame(
        self,
        target_type: str | None = None,
        target_id: Any = None,
        *,
        coder: str | None = None,
        type: str | None = None,  # noqa: A002 - the memo's type
        q: str | None = None,
    ) -> pd.DataFrame:
        """Memos: id, target_type, target_id, title, text, type, coder, created, modified,
        and what each is about (target_name; document, start, end of a coding memo); of a
        ``type`` (``code``, ``theory``, ``method``, ``reflection``; ``""``: none) and
        holding ``q`` in their title or text, when given."""
        import pandas as pd

        store = self._store
        tid = target_id
        if target_type is not None and target_id is not None:
            tid = notes.resolve_target(store, target_type, target_id)
        rows = qn.memo_rows(
            store,
            target_type=target_type,
            target_id=tid,
            coder_id=retrieve.coder_filter(store, coder),
            memo_type=None if type is None else notes.memo_type(type),
            query=q or None,
        )
        cols = ["id", "target_type", "target_id", "title", "text", "type", "coder", "created",
                "modified", "target_name", "document", "start", "end"]  # fmt: skip
        df = pd.DataFrame([[r[c] for c in cols] for r in rows], columns=cols)
        for col in ("target_id", "document", "start", "end"):
            df[col] = df[col].astype("Int64")
        return df

    def add(
        self,
        target_type: str,
        target_id: Any,
        text: str,
        *,
        title: str = "",
        coder: str | None = None,
        type: str | None = None,  # noqa: A002 - the memo's type
    ) -> int:
        """Write a memo on 'project' (target_id None), 'document', 'code', 'coding' or
        'relation', of a type (code, theory, method, reflection) or none; return its id."""
        return notes.add_memo(
            self._store, target_type, target_id, text, title=title, coder=coder, type=type
        )

    def edit(
        self,
        memo_id: int,
        *,
        text: str | None = None,
        title: str | None = None,
        type: str | None = None,  # noqa: A002 - the memo's type
        actor: Actor | None = None,
    ) -> None:
        """Change a memo's text, title and/or type (``actor``: must be its coder, or the
        owner)."""
        if actor is not None:  # without one, the engine says what is missing
            self.check(memo_id, "change", actor)
        notes.edit_memo(self._store, memo_id, text=text, title=title, type=type, actor=_name(actor))

    def delete(self, memo_id: int, *, actor: Actor | None = None) -> None:
        """Delete a memo (undoable; ``actor`` as for :meth:`edit`)."""
        if actor is not None:  # without one, the engine says what is missing
            self.check(memo_id, "change", actor)
        notes.delete_memo(self._store, memo_id, actor=_name(actor))

    def check(self, memo_id: int, action: str, actor: Actor | None) -> str | None:
        """The coder of a memo (None: shared), if ``actor`` may ``action`` it."""
        found = qn.memo_owner(self._store, int(memo_id))
        if found is None:
            raise access.not_found("memo", memo_id)
        access.require(actor, action, access.Item("memo", int(memo_id), found[0]))
        return found[0]


class Relations(_Noun):
    """Relations between codes (axial coding) and the storyline (selective coding)."""

    #: The paradigm model's relation types (any other text is allowed too).
    TYPES = RELATION_TYPES

    def __call__(self) -> pd.DataFrame:
        """Same as :meth:`frame`."""
        return self.frame()

    def frame(self) -> pd.DataFrame:
        """Relations: id, source, source_name, target, target_name, type, description."""
        import pandas as pd

        cols = ["id", "source", "source_name", "target", "target_name", "type", "description",
                "created"]  # fmt: skip
        rows = [list(r.values()) for r in qn.relation_rows(self._store)]
        return pd.DataFrame(rows, columns=cols)

    def add(
        self,
        source_code: CodeRef,
        target_code: CodeRef,
        type: str,  # noqa: A002 - the relation's type, as in REFI-QDA
        *,
        description: str = "",
    ) -> int:
        """Relate two codes (因果条件, 情境, 中介条件, 行动策略, 结果 or free text)."""
        return notes.add_relation(
            self._store, source_code, target_code, type, description=description
        )

    def update(
        self,
        relation_id: int,
        *,
        source: CodeRef | None = None,
        target: CodeRef | None = None,
        type: str | None = None,  # noqa: A002 - the relation's type, as in REFI-QDA
        description: str | None = None,
        actor: Actor | None = None,
    ) -> None:
        """Change a relation's ends, type and/or description (None keeps it; undoable)."""
        access.require(actor, "add", access.Item("relation", relation_id))
        notes.update_relation(self._store, relation_id, source=source, target=target,
                              type=type, description=description, actor=_name(actor))  # fmt: skip

    def delete(self, relation_id: int, *, actor: Actor | None = None) -> None:
        """Delete a relation (undoable)."""
        access.require(actor, "add", access.Item("relation", relation_id))
        notes.delete_relation(self._store, relation_id, actor=_name(actor))

    def storyline(self) -> str:
        """The storyline text ('' when none)."""
        return notes.storyline(self._store)

    def set_storyline(self, text: str) -> None:
        """Write the storyline (故事线) of the selective coding."""
        notes.set_storyline(self._store, text)

    #: The paradigm model's roles (因果条件, 现象, 情境, 中介条件, 行动策略, 结果).
    ROLES = model_layout.ROLES
    #: Each role's English name.
    ROLE_NAMES = model_layout.ROLE_NAMES

    def set_role(self, code: CodeRef, role: str, *, actor: Actor | None = None) -> None:
        """Give a category its role in the paradigm model ('' for none; undoable)."""
        access.require(actor, "add", access.Item("relation", None))
        model_layout.set_role(self._store, code, role, actor=_name(actor))

    def move_box(self, code: CodeRef, layout: str, x: float | None, y: float | None, *,
                 actor: Actor | None = None) -> None:  # fmt: skip
        """Keep where a code's box was moved in the model figure's ``layout`` ('tree' or
        'paradigm'; pixels of the web page; None, None puts it back; undoable)."""
        access.require(actor, "add", access.Item("relation", None))
        model_layout.move_box(self._store, code, layout, x, y, actor=_name(actor))

    def model(self, layout: str = "tree") -> dict[str, Any]:
        """The model figure's boxes in ``layout`` (:func:`zhagen.coding.model_boxes.model_layout`):
        the categories with their roles and kept positions, and the relations between them."""
        from zhagen.coding.model_boxes import model_layout as place

        layout = model_layout.check_layout(layout)
        codes = [{"id": c["id"], "name": c["name"], "parent": c["parent_id"], "level": c["level"]}
                 for c in q.code_rows(self._store)]  # fmt: skip
        rels = [{"source": r["source_code_id"], "target": r["target_code_id"], "type": r["type"]}
                for r in qn.relation_rows(self._store)]  # fmt: skip
        return place(codes, rels, model_layout.boxes(self._store), layout)


def _no_document(doc: object) -> ParameterError:
    return ParameterError(
        f"没有编号为 {doc} 的文档；用 zhagen docs 查看编号",
        f"no document with id {doc}; list ids with `zhagen docs`",
    )


def _name(actor: Actor | None) -> str:
    """The name an edit is logged under ('' without an actor)."""
    return "" if actor is None else actor.name
