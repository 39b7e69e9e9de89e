"""The scope of an analysis: which documents it is about, as a query (pure, no SQL).

A scope is a query string such as ``type:journal year:2015-2024`` or ``set:政策文本``;
``None`` means every document. This module parses it into a small tree (:func:`parse`)
that :mod:`zhagen.store.scope` turns into SQL, and holds :class:`Scope`, the answer of
``Project.scope()``: the query and the ids of the documents it selects.

Terms (``key:value``; a value with spaces or parentheses in quotes, ``"..."``):

==================  ==========================================================
``source:FILE``     documents imported from that file (its path or file name)
``type:journal``    the document type (``journal``, ``thesis``, ``document``…)
``year:2015-2024``  published in those years (``year:2020``: that year; ``2020-``: since)
``attr:来源=人民日报`` an attribute's value (``attr:来源``: has any value)
``coded:yes|no``    with or without codings
``coder:甲``        coded by that coder
``text:新质生产力``  the literal text in the title, abstract or full text
``set:NAME``        the members of a set (a query set is evaluated when used)
==================  ==========================================================

Terms next to each other must all hold (``and``); ``and``, ``or``, ``not`` and
parentheses combine them (``not`` binds tightest, then ``and``, then ``or``).

>>> parse('type:journal year:2015-2024 or not (set:"policy texts" coded:yes)')
Or(items=(And(items=(Term(key='type', value='journal', pos=1), \
Term(key='year', value=(2015, 2024), pos=14))), \
Not(item=And(items=(Term(key='set', value='policy texts', pos=37), \
Term(key='coded', value=True, pos=56))))))
>>> parse("year:20x5")
Traceback (most recent call last):
...
zhagen.scope.ScopeError: 范围查询第 1 列：year: 后应为年份或年份范围（如 2020 或 2015-2024），而不是 '20x5'：year:20x5 / scope query, column 1: year: takes a year or a range like 2020 or 2015-2024, not '20x5': year:20x5
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zhagen.errors import ParameterError

__all__ = [
    "KEYS",
    "Term",
    "And",
    "Or",
    "Not",
    "Node",
    "Scope",
    "ScopeError",
    "parse",
    "set_query",
    "combine",
    "quote",
]

#: The keys a term may have, each with its meaning (Chinese, English) for messages.
KEYS: dict[str, tuple[str, str]] = {
    "source": ("导入的文件", "the file imported from"),
    "type": ("文档类型", "document type"),
    "year": ("年份或年份范围", "year or year range"),
    "attr": ("属性=值", "attribute=value"),
    "coded": ("yes 或 no", "yes or no"),
    "coder": ("编码者", "coder"),
    "text": ("标题、摘要或正文中的文字", "text in title, abstract or body"),
    "set": ("集合名", "set name"),
}
_YES = {"yes": True, "y": True, "true": True, "1": True, "是": True,
        "no": False, "n": False, "false": False, "0": False, "否": False}  # fmt: skip
_QUOTES = {'"': '"', "'": "'", "“": "”", "「": "」"}
_OPERATORS = {"and", "or", "not"}


class ScopeError(ParameterError):
    """A scope query that cannot be parsed or evaluated; names the column (from 1)."""


@dataclass(frozen=True)
class Term:
    """One ``key:value`` term at column ``pos`` (from 1). ``value``: text; ``(first,
    last)`` years for ``year``; a bool for ``coded``; ``(name, value or None)`` for
    ``attr``."""

    key: str
    value: Any
    pos: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | And | Or | Not


def _error(query: str, pos: int, zh: str, en: str) -> ScopeError:
    return ScopeError(
        f"范围查询第 {pos} 列：{zh}：{query}", f"scope query, column {pos}: {en}: {query}"
    )


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "op", "term"
    text: str  # the operator, or the term's text with quotes removed
    pos: int  # column of its first character, from 1
    split: int = -1  # in a term: index in ``text`` of the first unquoted '=' (-1: none)
    colon: int = -1  # in a term: index in ``text`` of the first unquoted ':'


def _tokens(query: str) -> Iterator[_Token]:
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()（）":
            yield _Token("(" if ch in "(（" else ")", ch, i + 1)
            i += 1
            continue
        start, out, split, colon = i, [], -1, -1
        while i < n and not query[i].isspace() and query[i] not in "()（）":
            ch = query[i]
            if ch in _QUOTES:
                end = query.find(_QUOTES[ch], i + 1)
                if end < 0:
                    raise _error(query, i + 1, "引号没有闭合", "the quote is not closed")
                out.append(query[i + 1 : end])
                i = end + 1
                continue
            if ch == "=" and split < 0:
                split = len("".join(out))
            if ch in ":：" and colon < 0:
                colon = len("".join(out))
                ch = ":"
            out.append(ch)
            i += 1
        text = "".join(out)
        if colon < 0 and text.lower() in _OPERATORS and query[start] not in _QUOTES:
            yield _Token("op", text.lower(), start + 1)
        else:
            yield _Token("term", text, start + 1, split, colon)


def _term(query: str, tok: _Token) -> Term:
    if tok.colon < 0:
        raise _error(
            query, tok.pos,
            f"{tok.text!r} 不是“键:值”形式；要找文字请写 text:{tok.text}",
            f"{tok.text!r} is not key:value; to find text write text:{tok.text}",
        )  # fmt: skip
    key, value = tok.text[: tok.colon].strip().lower(), tok.text[tok.colon + 1 :]
    if key not in KEYS:
        known = ", ".join(f"{k}:" for k in KEYS)
        raise _error(query, tok.pos, f"未知的键 {key}:，可用：{known}",
                     f"unknown key {key}:, known: {known}")  # fmt: skip
    if value.strip() == "":
        zh, en = KEYS[key]
        raise _error(query, tok.pos, f"{key}: 后缺少值（{zh}）", f"{key}: needs a value ({en})")
    if key == "year":
        return Term(key, _years(query, tok.pos, value), tok.pos)
    if key == "coded":
        if value.strip().lower() not in _YES:
            raise _error(query, tok.pos, f"coded: 后应为 yes 或 no，而不是 {value!r}",
                         f"coded: takes yes or no, not {value!r}")  # fmt: skip
        return Term(key, _YES[value.strip().lower()], tok.pos)
    if key == "attr":
        at = tok.split - tok.colon - 1
        name, val = (value, None) if at < 0 else (value[:at], value[at + 1 :])
        if not name.strip():
            raise _error(query, tok.pos, "attr: 后缺少属性名（attr:名称=值）",
                         "attr: needs an attribute name (attr:NAME=VALUE)")  # fmt: skip
        return Term(key, (name.strip(), val), tok.pos)
    return Term(key, value.strip() if key != "text" else value, tok.pos)


def _years(query: str, pos: int, value: str) -> tuple[int, int]:
    first, dash, last = value.strip().replace("–", "-").partition("-")
    try:  # year:2020- and year:-2015 are open ranges
        lo = int(first) if first.strip() or not dash else -(10**6)
        hi = (int(last) if last.strip() else 10**6) if dash else lo
    except ValueError:
        raise _error(
            query, pos,
            f"year: 后应为年份或年份范围（如 2020 或 2015-2024），而不是 {value!r}",
            f"year: takes a year or a range like 2020 or 2015-2024, not {value!r}",
        ) from None  # fmt: skip
    if lo > hi:
        raise _error(query, pos, f"起始年份 {lo} 晚于结束年份 {hi}",
                     f"the first year {lo} is after the last {hi}")  # fmt: skip
    return (lo, hi)


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = list(_tokens(query))
        self.i = 0

    def peek(self) -> _Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expr(self) -> Node:
        items = [self.conj()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "or":
            self.take()
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conj(self) -> Node:
        items = [self.unary()]
        while (tok := self.peek()) is not None and not (
            tok.kind == ")" or (tok.kind == "op" and tok.text == "or")
        ):
            if tok.kind == "op" and tok.text == "and":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            end = len(self.query) + 1
            raise _error(self.query, end, "查询在此处意外结束（缺少条件）",
                         "the query ends where a term is expected")  # fmt: skip
        if tok.kind == "op" and tok.text == "not":
            self.take()
            return Not(self.unary())
        if tok.kind == "op":
            raise _error(self.query, tok.pos, f"{tok.text} 前后缺少条件",
                         f"{tok.text} needs a term on each side")  # fmt: skip
        if tok.kind == ")":
            raise _error(self.query, tok.pos, "多余的右括号", "a closing parenthesis too many")
        self.take()
        if tok.kind == "(":
            inner = self.expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise _error(self.query, tok.pos, "括号没有闭合", "the parenthesis is not closed")
            self.take()
            return inner
        return _term(self.query, tok)


def parse(query: str) -> Node:
    """The tree of a scope query; :class:`ScopeError` (zh/en, with the column) if bad.

    >>> parse("attr:来源=人民日报")
    Term(key='attr', value=('来源', '人民日报'), pos=1)
    >>> parse("coded:yes and not coder:乙")
    And(items=(Term(key='coded', value=True, pos=1), Not(item=Term(key='coder', value='乙', pos=19))))
    >>> parse("type:journal )")
    Traceback (most recent call last):
    ...
    zhagen.scope.ScopeError: 范围查询第 14 列：多余的右括号：type:journal ) / scope query, column 14: a closing parenthesis too many: type:journal )
    """
    if not isinstance(query, str) or not query.strip():
        raise ScopeError("范围查询为空", "the scope query is empty")
    p = _Parser(query)
    node = p.expr()
    rest = p.peek()
    if rest is not None:
        raise _error(query, rest.pos, "多余的右括号", "a closing parenthesis too many")
    return node


def set_names(node: Node) -> list[str]:
    """The sets a query refers to (``set:NAME``), in order.

    >>> set_names(parse("set:a or (set:b not set:a)"))
    ['a', 'b', 'a']
    """
    if isinstance(node, Term):
        return [node.value] if node.key == "set" else []
    if isinstance(node, Not):
        return set_names(node.item)
    return [n for item in node.items for n in set_names(item)]


def quote(value: str) -> str:
    """A value as a query writes it: in quotes when it holds space, quotes, parentheses
    or is an operator word.

    >>> quote("政策"), quote("policy texts")
    ('政策', '"policy texts"')
    """
    special = any(c.isspace() or c in "()（）\"'“”「」" for c in value)
    if special or value.lower() in _OPERATORS or not value:
        if '"' in value:
            return "'" + value + "'"
        return '"' + value + '"'
    return value


def set_query(name: str) -> str:
    """The query for the members of set ``name`` (what ``--set NAME`` means).

    >>> set_query("政策 文本")
    'set:"政策 文本"'
    """
    return "set:" + quote(name)


def combine(set_name: str | None, where: str | None) -> str | None:
    """One scope from ``--set NAME`` and ``--where QUERY`` (both must hold; None: all).

    >>> combine("文献", "year:2020"), combine(None, None), combine("文献", None)
    ('set:文献 (year:2020)', None, 'set:文献')
    """
    parts = [set_query(set_name)] if set_name else []
    if where and where.strip():
        parts.append(f"({where.strip()})" if parts else where.strip())
    return " ".join(parts) or None


@dataclass(frozen=True)
class Scope:
    """The documents an analysis is about.

    ``query`` is the scope as given (None: every document); ``doc_ids`` the ids it
    selects (None: every document, no filter); ``total`` the number of documents in
    the project.

    >>> s = Scope("type:journal", frozenset({1, 2}), total=5)
    >>> s.count, 2 in s, s.describe("en")
    (2, True, 'type:journal (2 of 5 documents)')
    >>> Scope(None, None, total=5).describe()
    '全部文档（5 篇）'
    """

    query: str | None
    doc_ids: frozenset[int] | None
    total: int = 0

    @property
    def count(self) -> int:
        """How many documents are in scope."""
        return self.total if self.doc_ids is None else len(self.doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return self.doc_ids is None or doc_id in self.doc_ids

    def describe(self, lang: str = "zh") -> str:
        """The scope in words, with its number of documents (``lang``: zh or en)."""
        if self.query is None:
            return f"全部文档（{self.total} 篇）" if lang == "zh" else f"all {self.total} documents"
        if lang == "zh":
            return f"{self.query}（{self.total} 篇中的 {self.count} 篇）"
        return f"{self.query} ({self.count} of {self.total} documents)"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: query, count, total (what a run records of its scope)."""
        return {"query": self.query, "count": self.count, "total": self.total}
