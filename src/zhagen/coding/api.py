"""``CodingMixin``: the grounded-theory coding methods of :class:`zhagen.Project`.

The mixin needs ``self.store`` (an open :class:`~zhagen.store.db.Store`),
``self.text(doc_id)``, ``self.sentences(doc_id)`` and ``self.texts()``, which ``Project``
provides. Every edit is one transaction with one undoable log entry; every retrieval takes
``coder=`` for blind coding. A ``code`` argument is an id or a unique name.

>>> import tempfile, os, pathlib
>>> from zhagen.project import Project
>>> P = Project
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.txt").write_text("企业是创新主体。政府提供政策支持。", encoding="utf-8")
>>> project = P.create(tmp / "study.zhagen")
>>> _ = project.add(tmp / "a.txt")
>>> concept = project.add_code("政策支持")
>>> coding = project.code_sentence(1, 1, concept, coder="甲")
>>> project.codings(coder="甲")[["code_name", "text"]].values.tolist()
[['政策支持', '政府提供政策支持。']]
>>> print(project.undo())
编码文档 #1 [8, 17) 为「政策支持」 / code document #1 [8, 17) as '政策支持'
>>> len(project.codings())
0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from zhagen.coding import engine, history, notes, retrieve, spans
from zhagen.coding.engine import CodeRef
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store import notes as qn

if TYPE_CHECKING:
    import pandas as pd

    from zhagen.store.db import Store

__all__ = ["CodingMixin"]


class CodingMixin:
    """Codes, codings, memos, relations, retrieval and undo/redo for a project."""

    store: Store

    if TYPE_CHECKING:

        def text(self, doc_id: int, *, original: bool = False) -> str: ...
        def sentences(self, doc_id: int) -> pd.DataFrame: ...
        def texts(self) -> Iterator[tuple[int, str]]: ...

    # -- the code tree -----------------------------------------------------------------
    def add_code(
        self,
        name: str,
        *,
        parent: CodeRef | None = None,
        level: int | None = None,
        description: str = "",
        color: str | None = None,
    ) -> int:
        """Create a code; return its id.

        Parameters
        ----------
        name:
            Unique among its siblings.
        parent:
            Id or name of the parent code; None for a top-level code.
        level:
            1 初始概念, 2 初始范畴, 3 主范畴, 4 核心范畴; default the parent's level − 1,
            or 1. A parent's level must be higher than its children's.
        color:
            ``#rrggbb``; default the next colour of a ten-colour palette.

        Examples
        --------
        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     cat = project.add_code("政策环境", level=2)
        ...     sub = project.add_code("财政补贴", parent=cat)
        ...     row = project.codes().set_index("id").loc[sub]
        ...     row["name"], int(row["level"])
        ('财政补贴', 1)
        """
        return engine.add_code(
            self.store, name, parent=parent, level=level, description=description, color=color
        )

    def rename_code(self, code: CodeRef, name: str) -> None:
        """Rename a code (``project.rename_code("旧名", "新名")``)."""
        engine.rename_code(self.store, code, name)

    def describe_code(self, code: CodeRef, text: str) -> None:
        """Set a code's description, its 内涵 in the axial coding table."""
        engine.describe_code(self.store, code, text)

    def color_code(self, code: CodeRef, color: str) -> None:
        """Set a code's colour, ``#rrggbb``."""
        engine.color_code(self.store, code, color)

    def move_code(
        self, code: CodeRef, new_parent: CodeRef | None, *, level: int | None = None
    ) -> None:
        """Move a code under ``new_parent`` (None: top level), optionally with a new level.

        Refused when it would make a cycle or break ``parent.level > child.level``.
        """
        engine.move_code(self.store, code, new_parent, level=level)

    def set_code_level(self, code: CodeRef, level: int) -> None:
        """Change a code's level (its parent must stay higher, its children lower)."""
        engine.set_level(self.store, code, level)

    def merge_codes(self, sources: CodeRef | Sequence[CodeRef], into: CodeRef) -> int:
        """Merge codes into ``into``: codings (duplicates collapse), children, relations and
        memos follow, the sources are deleted. Undoable. Returns ``into``'s id."""
        return engine.merge_codes(self.store, sources, into)

    def split_code(
        self, code: CodeRef, names_or_mapping: Mapping[str, Iterable[int]] | Sequence[str]
    ) -> dict[str, int]:
        """Create sibling codes and move chosen codings into them.

        ``{"新名": [coding ids], ...}`` moves those codings of ``code``; a list of names
        creates empty siblings. Returns name → new id.
        """
        return engine.split_code(self.store, code, names_or_mapping)

    def delete_code(self, code: CodeRef, *, force: bool = False) -> dict[str, int]:
        """Delete a code. Without ``force``, a code with codings or children is refused and
        the message says how many; with it they are deleted too. Undoable."""
        return engine.delete_code(self.store, code, force=force)

    def codes(self, *, coder: str | None = None) -> pd.DataFrame:
        """All codes in tree order: id, name, parent, level, level_name, description, color,
        count (own codings), total (with descendants), position, depth, path, created,
        modified. ``coder=`` counts one coder's codings only."""
        return retrieve.codes_frame(self.store, coder=coder)

    def code_tree(self, *, coder: str | None = None) -> list[dict[str, Any]]:
        """The code tree as nested dicts (each with ``children``)."""
        return retrieve.code_tree(self.store, coder=coder)

    # -- coders and codings --------------------------------------------------------------
    def coder(self, name: str) -> int:
        """The id of coder ``name``, created on first use."""
        return engine.coder(self.store, name)

    def coders(self) -> pd.DataFrame:
        """Coders: id, name, created."""
        import pandas as pd

        rows = [dict(r) for r in q.coder_rows(self.store)]
        return pd.DataFrame(rows, columns=["id", "name", "created"])

    def code_span(
        self, doc: int, start: int, end: int, code: CodeRef, *, coder: str = "default"
    ) -> int:
        """Code ``[start, end)`` (code points of ``text(doc)``, end exclusive); return the
        coding id. The document's text is frozen from then on.

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as project:
        ...     coding = project.code_span(1, 0, 2, "产学研融合", coder="甲")
        ...     row = project.codings().set_index("id").loc[coding]
        ...     row["text"] == project.text(1)[:2], row["coder"]
        (True, '甲')
        """
        return spans.code_span(self.store, doc, start, end, code, coder=coder, text_of=self.text)

    def _sentence_spans(self, doc: int, idxs: Sequence[int]) -> list[tuple[int, int]]:
        sents = self.sentences(int(doc))
        out = []
        for i in idxs:
            n = engine.as_int(i)
            if n is None or not 0 <= n < len(sents):
                raise ParameterError(
                    f"文档 #{doc} 没有第 {i} 句（共 {len(sents)} 句，编号从 0 开始）；"
                    f"用 zhagen show --sentences 查看",
                    f"document #{doc} has no sentence {i} ({len(sents)} sentences, "
                    "numbered from 0); list them with `zhagen show --sentences`",
                )
            row = sents.iloc[n]
            out.append((int(row["start"]), int(row["end"])))
        return out

    def code_sentence(self, doc: int, idx: int, code: CodeRef, *, coder: str = "default") -> int:
        """Code sentence ``idx`` (原始语句, from 0) of a document; return the coding id."""
        return self.code_sentences(doc, [idx], code, coder=coder)[0]

    def code_sentences(
        self, doc: int, idxs: Iterable[int], code: CodeRef, *, coder: str = "default"
    ) -> list[int]:
        """Code several sentences of a document with one code, as one edit."""
        found = self._sentence_spans(doc, list(idxs))
        return spans.code_spans(self.store, doc, found, code, coder=coder, text_of=self.text)

    def uncode(self, coding_id: int) -> None:
        """Remove a coding (undoable)."""
        spans.uncode(self.store, coding_id)

    def recode(self, coding_id: int, code: CodeRef) -> None:
        """Give a coding another code (undoable)."""
        spans.recode(self.store, coding_id, code)

    def codings(
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
            self.store,
            self.text,
            code=code,
            document=document,
            coder=coder,
            with_descendants=with_descendants,
        )

    def coding_context(
        self,
        coding: int | None = None,
        *,
        code: CodeRef | None = None,
        coder: str | None = None,
        chars: int = 40,
        with_descendants: bool = False,
    ) -> pd.DataFrame:
        """A coding (by id) or all codings of ``code=`` with ``chars`` characters of context:
        the columns of :meth:`codings` plus before, after, context (``before【text】after``)."""
        return retrieve.context_frame(
            self.store,
            self.text,
            coding=coding,
            code=code,
            coder=coder,
            chars=chars,
            with_descendants=with_descendants,
        )

    def cooccurrence(self, *, coder: str | None = None, unit: str = "overlap") -> pd.DataFrame:
        """Code × code co-occurrence: ``unit`` is overlap (of spans), sentence or document."""
        return retrieve.cooccurrence(
            self.store, coder=coder, unit=unit, sentences_of=self._sentence_list
        )

    def _sentence_list(self, doc: int) -> list[tuple[int, int]]:
        df = self.sentences(doc)
        return list(zip(df["start"].tolist(), df["end"].tolist(), strict=True))

    def code_document_matrix(self, *, coder: str | None = None) -> pd.DataFrame:
        """Codes × documents: number of codings."""
        return retrieve.code_document_matrix(self.store, coder=coder)

    def search_text(self, query: str, *, regex: bool = False) -> pd.DataFrame:
        """Find text in every document: document, start, end (code points), text, context."""
        return retrieve.search_text(self.texts(), query, regex=regex)

    # -- memos, relations, storyline -----------------------------------------------------
    def add_memo(
        self,
        target_type: str,
        target_id: Any,
        text: str,
        *,
        title: str = "",
        coder: str | None = None,
    ) -> int:
        """Write a memo on 'project' (target_id None), 'document', 'code', 'coding' or
        'relation'; return its id."""
        return notes.add_memo(self.store, target_type, target_id, text, title=title, coder=coder)

    def edit_memo(self, memo_id: int, *, text: str | None = None, title: str | None = None) -> None:
        """Change a memo's text and/or title."""
        notes.edit_memo(self.store, memo_id, text=text, title=title)

    def delete_memo(self, memo_id: int) -> None:
        """Delete a memo (undoable)."""
        notes.delete_memo(self.store, memo_id)

    def memos(
        self,
        target_type: str | None = None,
        target_id: Any = None,
        *,
        coder: str | None = None,
    ) -> pd.DataFrame:
        """Memos: id, target_type, target_id, title, text, coder, created, modified."""
        import pandas as pd

        tid = target_id
        if target_type is not None and target_id is not None:
            tid = notes.resolve_target(self.store, target_type, target_id)
        rows = qn.memo_rows(
            self.store,
            target_type=target_type,
            target_id=tid,
            coder_id=retrieve.coder_filter(self.store, coder),
        )
        cols = ["id", "target_type", "target_id", "title", "text", "coder", "created", "modified"]
        df = pd.DataFrame([[r[c] for c in cols] for r in rows], columns=cols)
        df["target_id"] = df["target_id"].astype("Int64")
        return df

    def add_relation(
        self,
        source_code: CodeRef,
        target_code: CodeRef,
        type: str,
        *,
        description: str = "",  # noqa: A002
    ) -> int:
        """Relate two codes (因果条件, 情境, 中介条件, 行动策略, 结果 or free text)."""
        return notes.add_relation(
            self.store, source_code, target_code, type, description=description
        )

    def relations(self) -> pd.DataFrame:
        """Relations: id, source, source_name, target, target_name, type, description."""
        import pandas as pd

        cols = [
            "id",
            "source",
            "source_name",
            "target",
            "target_name",
            "type",
            "description",
            "created",
        ]
        rows = [list(r) for r in qn.relation_rows(self.store)]
        return pd.DataFrame(rows, columns=cols)

    def delete_relation(self, relation_id: int) -> None:
        """Delete a relation (undoable)."""
        notes.delete_relation(self.store, relation_id)

    def set_storyline(self, text: str) -> None:
        """Write the storyline (故事线) of the selective coding."""
        notes.set_storyline(self.store, text)

    def storyline(self) -> str:
        """The storyline text ('' when none)."""
        return notes.storyline(self.store)

    # -- undo / redo ---------------------------------------------------------------------
    def undo(self, *, coder: str | None = None) -> str | None:
        """Undo the newest coding edit (of ``coder``, if given: coders coding blind undo
        only their own codings and memos); return its description (None: nothing to undo).
        Code-tree edits have coder ``""``."""
        return history.undo(self.store, coder=coder)

    def redo(self, *, coder: str | None = None) -> str | None:
        """Redo the edit undone most recently (of ``coder``, if given); return its
        description (None: nothing to redo)."""
        return history.redo(self.store, coder=coder)

    def history(self, limit: int | None = 20) -> pd.DataFrame:
        """Undoable edits, newest first: log_id, ts, actor, action, description, undone."""
        import pandas as pd

        cols = ["log_id", "ts", "actor", "action", "description", "undone"]
        return pd.DataFrame(history.history(self.store, limit), columns=cols)
