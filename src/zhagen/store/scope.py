"""Evaluating a scope query (:mod:`zhagen.scope`) to document ids: one SQL statement.

Each term becomes an SQL condition on ``documents d`` (an indexed lookup or an ``EXISTS``
on an indexed table; ``text:`` is the one full scan), the tree becomes the same tree of
``AND``/``OR``/``NOT``; a query set named by ``set:`` is expanded in place (its own query,
parsed again, so it is re-evaluated whenever used), a static set is its members. A set
that refers to itself, directly or through others, is refused.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.scope import parse
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> sorted(evaluate(store, parse("type:journal year:2015-2024 or coded:no")))
[]
"""

from __future__ import annotations

from typing import Any

from zhagen.errors import ParameterError
from zhagen.scope import And, Node, Not, Or, Scope, ScopeError, Term, parse
from zhagen.store.db import Store

__all__ = ["evaluate", "compile_where", "resolve", "ids_of", "MAX_DEPTH"]

#: How deep sets may refer to sets (a guard; a cycle is found before this).
MAX_DEPTH = 32
#: Table → what a missing name is (zh, en) and how to see or make the names there are.
_MISSING = {
    "coders": ("编码者", "coder", "用 zhagen coding list 查看", "see `zhagen coding list`"),
    "attributes": ("属性", "attribute", "用 zhagen attr define 定义",
                   "define one with `zhagen attr define`"),
    "sets": ("集合", "set", "用 zhagen set list 查看", "see `zhagen set list`"),
}  # fmt: skip


class _Compiler:
    def __init__(self, store: Store, coder: str | None) -> None:
        self.store = store
        self.args: list[Any] = []
        self.stack: list[str] = []
        self.coder = coder  # blind coding: only this coder's codings count

    def node(self, node: Node, query: str) -> str:
        if isinstance(node, Term):
            return self.term(node, query)
        if isinstance(node, Not):
            return f"NOT ({self.node(node.item, query)})"
        glue = " AND " if isinstance(node, And) else " OR "
        assert isinstance(node, And | Or)
        return "(" + glue.join(f"({self.node(n, query)})" for n in node.items) + ")"

    def _lookup(self, table: str, columns: str, name: str, t: Term, query: str) -> Any:
        """The row named ``name`` of ``table`` (coders, attributes, sets), or a ScopeError
        listing the names there are and how to see them."""
        sql = f"SELECT {columns} FROM {table} WHERE name = ?"  # noqa: S608 - fixed names
        row = self.store.conn.execute(sql, (name,)).fetchone()
        if row is not None:
            return row
        known = [r[0] for r in self.store.conn.execute(f"SELECT name FROM {table} ORDER BY id")]
        shown = "、".join(known) or "（无 / none）"
        zh, en, hint_zh, hint_en = _MISSING[table]
        raise ScopeError(
            f"范围查询第 {t.pos} 列：没有{zh} {name!r}；已有{zh}：{shown}（{hint_zh}）：{query}",
            f"scope query, column {t.pos}: no {en} {name!r}; {en}s: {shown} ({hint_en}): {query}",
        )

    def _coder_id(self, name: str, term: Term, query: str) -> int:
        return int(self._lookup("coders", "id", name, term, query)[0])

    def term(self, t: Term, query: str) -> str:
        key, v = t.key, t.value
        if key == "type":
            self.args.append(v)
            return "d.type = ?"
        if key == "year":
            self.args.extend(v)
            return "d.year BETWEEN ? AND ?"
        if key == "source":  # the path as listed, or its file name
            self.args.extend([v, v, v, v])
            return (
                "d.source_id IN (SELECT id FROM sources WHERE path = ? "
                "OR substr(path, -length(?) - 1) IN ('/' || ?, '\\' || ?))"
            )
        if key == "text":
            # SQLite's lower() folds ASCII letters only: fold the needle alike
            needle = "".join(c.lower() if c.isascii() else c for c in v)
            self.args.extend([needle] * 3)
            return (
                "(instr(lower(d.title), ?) OR instr(lower(d.abstract), ?) "
                "OR instr(lower(coalesce(d.body, '')), ?))"
            )
        if key in ("coded", "coder"):
            where = ""
            if key == "coder" or self.coder is not None:
                name = v if key == "coder" else self.coder
                if self.coder is not None and key == "coder" and v != self.coder:
                    return "0"  # coding blind: another coder's work is not there to find
                if self.coder is not None:  # blind: no error that would name other coders
                    row = self.store.conn.execute(
                        "SELECT id FROM coders WHERE name = ?", (self.coder,)
                    ).fetchone()
                    if row is None:  # has not coded yet
                        return "1" if key == "coded" and not v else "0"
                    self.args.append(int(row[0]))
                else:
                    self.args.append(self._coder_id(str(name), t, query))
                where = " WHERE coder_id = ?"
            coded = f"d.id IN (SELECT document_id FROM codings{where})"
            return coded if key == "coder" or v else f"NOT {coded}"
        if key == "attr":
            return self.attr(t, query)
        if key == "set":
            return self.set(t, query)
        raise ScopeError(f"未知的键 {key}", f"unknown key {key}")  # parse() refuses it first

    def attr(self, t: Term, query: str) -> str:
        name, value = t.value
        row = self._lookup("attributes", "id, type", name, t, query)
        attr_id, kind = int(row[0]), str(row[1])
        if value is None or value == "":
            self.args.append(attr_id)
            return "d.id IN (SELECT document_id FROM attribute_values WHERE attribute_id = ?)"
        if kind == "int":
            try:
                stored: Any = int(value)
            except ValueError:
                raise ScopeError(
                    f"范围查询第 {t.pos} 列：属性 {name!r} 是整数，{value!r} 不是整数：{query}",
                    f"scope query, column {t.pos}: attribute {name!r} holds integers; "
                    f"{value!r} is not one: {query}",
                ) from None
        else:
            stored = value
        self.args.extend([attr_id, stored])
        # an IN list from the (attribute, value) index: one lookup, not one per document
        return (
            "d.id IN (SELECT document_id FROM attribute_values "
            "WHERE attribute_id = ? AND value = ?)"
        )

    def _cycle(self, name: str) -> None:
        start = self.stack.index(name) if name in self.stack else 0
        chain = " → ".join([*self.stack[start:], name])
        raise ScopeError(
            f"集合的查询循环引用自身：{chain}；请修改其中一个集合的查询",
            f"the sets refer to themselves in a cycle: {chain}; change one set's query",
        )

    def set(self, t: Term, query: str) -> str:
        name = str(t.value)
        if name in self.stack:
            self._cycle(name)
        row = self._lookup("sets", "id, kind, query", name, t, query)
        set_id, kind, inner = int(row[0]), str(row[1]), str(row[2])
        if kind == "static":
            self.args.append(set_id)
            return "d.id IN (SELECT document_id FROM set_members WHERE set_id = ?)"
        if len(self.stack) >= MAX_DEPTH:
            self._cycle(name)
        self.stack.append(name)
        try:
            return self.node(parse(inner), inner)
        finally:
            self.stack.pop()


def compile_where(
    store: Store, node: Node, query: str, *, coder: str | None = None, within: str | None = None
) -> tuple[str, list[Any]]:
    """The SQL condition on ``documents d`` of a parsed query and its parameters.

    ``coder`` (coding blind): ``coded:`` counts only that coder's codings and ``coder:``
    finds no other coder's. ``within``: the name of the set being defined, so that a
    query referring back to it is refused as a cycle.
    """
    c = _Compiler(store, coder)
    if within is not None:
        c.stack.append(within)
    return c.node(node, query), c.args


def evaluate(
    store: Store, node: Node, query: str = "", *, coder: str | None = None
) -> frozenset[int]:
    """The ids of the documents a parsed query selects (one statement)."""
    where, args = compile_where(store, node, query, coder=coder)
    cur = store.conn.cursor()
    cur.row_factory = None
    return frozenset(r[0] for r in cur.execute(f"SELECT d.id FROM documents d WHERE {where}", args))


def resolve(store: Store, scope: str | Scope | None, *, coder: str | None = None) -> Scope:
    """The :class:`~zhagen.scope.Scope` of a query (None or blank: every document).

    ``coder`` (coding blind): ``coded:`` and ``coder:`` see only that coder's codings.

    >>> import tempfile, os
    >>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
    >>> resolve(store, None).count, resolve(store, "type:journal").doc_ids
    (0, frozenset())
    """
    if isinstance(scope, Scope):
        return scope
    total = int(store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    if scope is None or (isinstance(scope, str) and not scope.strip()):
        return Scope(None, None, total)
    if not isinstance(scope, str):
        raise ParameterError(
            f"范围（scope）应为查询文字，而不是 {scope!r}",
            f"a scope must be a query string, not {scope!r}",
        )
    ids = evaluate(store, parse(scope), scope, coder=coder)
    return Scope(scope.strip(), ids, total)


def ids_of(store: Store, scope: str | Scope | None) -> frozenset[int] | None:
    """The document ids of a scope (None: every document)."""
    return resolve(store, scope).doc_ids
