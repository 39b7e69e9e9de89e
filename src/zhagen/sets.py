"""``project.attributes`` and ``project.sets``: which documents an analysis is about.

**Attributes** (NVivo's classifications) are typed columns per document: ``text``,
``int``, ``date`` (ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) or ``choice`` (one of the
``choices`` given; without them, any value: the list is the values present). They are set by hand,
filled from the bibliographic fields (:meth:`Attributes.fill_from_fields`: type, year,
venue, source file) or read from a CSV/XLSX table keyed by document id or title
(:meth:`Attributes.import_table`).

**Sets** are named collections of documents: *static* (chosen members) or *query* (a
scope query, :mod:`zhagen.scope`, evaluated whenever the set is used).

Every change is one undoable edit (:func:`zhagen.coding.history.edit`), logged and seen
in ``Project.changes`` (kind ``sets``). Sets and attributes are shared, as the code tree
is: a coder may edit them, a viewer only reads (:mod:`zhagen.access`).

>>> from zhagen.examples import tiny_project
>>> with tiny_project() as p:
...     p.sets.create("创新", query="text:创新").count
...     p.sets.create("挑选", doc_ids=[1]).count
...     p.scope("set:创新 or set:挑选").count
2
1
3
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen.access import Actor, Item, require
from zhagen.coding.history import edit
from zhagen.errors import InputError, ParameterError
from zhagen.scope import Scope, ScopeError, parse, set_names
from zhagen.store import scope as qs
from zhagen.store import sets as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ATTRIBUTE_TYPES",
    "FIELD_ATTRIBUTES",
    "Attributes",
    "Sets",
    "SetInfo",
    "TableImport",
    "resolve_scope",
]

#: The types an attribute may have.
ATTRIBUTE_TYPES = ("text", "int", "date", "choice")
#: The attributes :meth:`Attributes.fill_from_fields` fills: name → (type, field).
FIELD_ATTRIBUTES = {"type": "choice", "year": "int", "venue": "text", "source": "choice"}
_DATE = re.compile(
    r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*$"
)
_ID_HEADERS = {"id", "document", "document_id", "doc_id", "文档", "文档编号", "编号"}
_TITLE_HEADERS = {"title", "标题", "题名", "篇名"}


def _actor_name(actor: Actor | None) -> str:
    return "" if actor is None else actor.name


def _need(actor: Actor | None, action: str, kind: str, ident: object = None) -> None:
    require(actor, action, Item(kind, ident if isinstance(ident, int) else None))


def _edit(store: Store, action: str, zh: str, en: str, actor: Actor | None) -> Any:
    return edit(store, action, f"{zh} / {en}", actor=_actor_name(actor))


def resolve_scope(store: Store, scope: str | Scope | None, *, actor: Actor | None = None) -> Scope:
    """The :class:`~zhagen.scope.Scope` of a query (None or blank: every document).

    Coding blind, ``coded:`` and ``coder:`` see only the actor's own codings.
    """
    coder = actor.name if actor is not None and actor.blind else None
    return qs.resolve(store, scope, coder=coder)


# -- attributes -------------------------------------------------------------------------
def convert_value(kind: str, value: Any, choices: list[str], name: str) -> Any:
    """A value as attribute ``name`` of type ``kind`` stores it (None: no value).

    >>> convert_value("date", "2020年3月1日", [], "发布日期"), convert_value("int", "12", [], "n")
    ('2020-03-01', 12)
    >>> convert_value("choice", "乙", ["甲"], "等级")
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 属性“等级”只能取 甲，而不是 '乙' / attribute 等级 takes one of 甲, not '乙'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "int":
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(str(value).strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"属性“{name}”是整数，{value!r} 不是整数",
                f"attribute {name} holds integers; {value!r} is not one",
            ) from None
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        m = _DATE.match(str(value))
        if m is None:
            raise ParameterError(
                f"属性“{name}”是日期，{value!r} 不是日期（写作 2020、2020-03 或 2020-03-01）",
                f"attribute {name} holds dates; {value!r} is not one (write 2020, 2020-03 or "
                "2020-03-01)",
            )
        y, mo, d = m.groups()
        try:
            if d:
                return dt.date(int(y), int(mo), int(d)).isoformat()
            if mo and not 1 <= int(mo) <= 12:
                raise ValueError(mo)
        except ValueError:
            raise ParameterError(
                f"属性“{name}”：{value!r} 不是有效日期",
                f"attribute {name}: {value!r} is not a date",
            ) from None
        return f"{y}-{int(mo):02d}" if mo else y
    text = str(value).strip()
    if kind == "choice" and choices and text not in choices:
        shown = "、".join(choices)
        raise ParameterError(
            f"属性“{name}”只能取 {shown}，而不是 {text!r}",
            f"attribute {name} takes one of {', '.join(choices)}, not {text!r}",
        )
    return text


@dataclass(frozen=True)
class TableImport:
    """What :meth:`Attributes.import_table` did: rows read, values set, the attributes
    it defined, and one bilingual line per row it could not use (the others were)."""

    path: str
    rows: int
    values: int
    defined: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Attributes:
    """``project.attributes``: typed columns per document (NVivo's classifications).

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     _ = p.attributes.define("来源", "choice")
    ...     p.attributes.set(1, "来源", "人民日报")
    ...     p.attributes.get(1, "来源"), p.scope("attr:来源=人民日报").doc_ids
    ('人民日报', frozenset({1}))
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"<Attributes of {self.store.path!s}>"

    def _row(self, name: str) -> dict[str, Any]:
        row = q.attribute_row(self.store, str(name))
        if row is None:
            known = "、".join(a["name"] for a in q.attribute_rows(self.store)) or "（无 / none）"
            raise ParameterError(
                f"没有属性“{name}”；已有：{known}；用 zhagen attr define 定义",
                f"no attribute {name!r}; there are: {known}; define it with `zhagen attr define`",
            )
        return row

    def list(self) -> list[dict[str, Any]]:
        """Every attribute: name, type, choices, documents (how many have a value)."""
        return [
            {"name": r["name"], "type": r["type"], "choices": json.loads(r["choices"]),
             "documents": r["documents"]}
            for r in q.attribute_rows(self.store)
        ]  # fmt: skip

    def define(
        self,
        name: str,
        type: str = "text",  # noqa: A002 - the word researchers use
        *,
        choices: Iterable[str] | None = None,
        actor: Actor | None = None,
    ) -> dict[str, Any]:
        """Define an attribute (again with the same type: nothing changes; a ``choice``
        attribute given more ``choices`` gains them)."""
        name = str(name).strip()
        if not name:
            raise ParameterError("属性名不能为空", "an attribute needs a name")
        if type not in ATTRIBUTE_TYPES:
            raise ParameterError(
                f"属性类型只能是 {'、'.join(ATTRIBUTE_TYPES)}，而不是 {type!r}",
                f"an attribute's type is one of {', '.join(ATTRIBUTE_TYPES)}, not {type!r}",
            )
        _need(actor, "add", "attribute")
        wanted = [str(c).strip() for c in choices or () if str(c).strip()]
        with _edit(self.store, "attr.define", f"定义属性“{name}”", f"define attribute {name}",
                   actor) as e:  # fmt: skip
            row = q.attribute_row(self.store, name)
            if row is None:
                e.created("attributes", q.insert_attribute(self.store, name, type, wanted))
            elif row["type"] != type:
                raise ParameterError(
                    f"属性“{name}”已定义为 {row['type']}，不能改为 {type}",
                    f"attribute {name} is already of type {row['type']}, not {type}",
                )
            else:
                have = json.loads(row["choices"])
                more = [c for c in wanted if c not in have]
                if more:
                    e.touch("attributes", [row["id"]])
                    q.update_attribute(self.store, row["id"], choices=have + more)
        return next(a for a in self.list() if a["name"] == name)

    def delete(self, name: str, *, actor: Actor | None = None) -> int:
        """Delete an attribute and its values; return how many values went."""
        from zhagen.store.coding import delete_rows

        row = self._row(name)
        _need(actor, "change", "attribute", row["id"])
        with _edit(self.store, "attr.delete", f"删除属性“{name}”", f"delete attribute {name}",
                   actor) as e:  # fmt: skip
            ids = q.value_ids(self.store, row["id"])
            e.touch("attribute_values", ids)
            e.touch("attributes", [row["id"]])
            q.delete_values(self.store, ids)
            delete_rows(self.store, "attributes", [row["id"]])
        return len(ids)

    def set(self, doc_id: int, name: str, value: Any, *, actor: Actor | None = None) -> None:
        """Set (``None`` or ``""``: remove) one document's value of an attribute."""
        self.set_many(name, {int(doc_id): value}, actor=actor)

    def set_many(self, name: str, values: Mapping[int, Any], *, actor: Actor | None = None) -> int:
        """Set one attribute of many documents in one undoable edit; return how many."""
        row = self._row(name)
        _need(actor, "change", "attribute", row["id"])
        choices = json.loads(row["choices"])
        converted = {
            int(d): convert_value(row["type"], v, choices, name) for d, v in values.items()
        }
        missing = sorted(set(converted) - q.existing_documents(self.store, converted))
        if missing:
            raise ParameterError(
                f"没有编号为 {missing[0]} 的文档；用 zhagen docs 查看编号",
                f"no document with id {missing[0]}; list ids with `zhagen docs`",
            )
        return self._write(row, converted, f"设置属性“{name}”", f"set attribute {name}", actor)

    def _write(
        self, row: dict[str, Any], values: Mapping[int, Any], zh: str, en: str,
        actor: Actor | None,
    ) -> int:  # fmt: skip
        with _edit(self.store, "attr.set", zh, en, actor) as e:
            e.payload["attribute"] = row["name"]
            have = q.value_rows(self.store, row["id"], values)
            e.touch("attribute_values", have.values())
            gone = [have[d] for d, v in values.items() if v is None and d in have]
            q.delete_values(self.store, gone)
            kept = [(d, v) for d, v in values.items() if v is not None]
            for new_id in q.set_values(self.store, row["id"], kept):
                e.created("attribute_values", new_id)
        return len(values)

    def get(self, doc_id: int, name: str | None = None) -> Any:
        """One document's value of ``name`` (None when unset), or all its values as a dict."""
        values = {a: v for _d, a, v in q.document_values(self.store, [int(doc_id)])}
        if name is None:
            return values
        self._row(name)
        return values.get(name)

    def table(self, doc_ids: Iterable[int] | None = None) -> pd.DataFrame:
        """One row per document (``id``, ``title``), one column per attribute."""
        import pandas as pd

        names = [a["name"] for a in self.list()]
        wanted = None if doc_ids is None else {int(d) for d in doc_ids}
        docs = [(d, t) for d, t, *_ in q.document_fields(self.store)
                if wanted is None or d in wanted]  # fmt: skip
        values: dict[int, dict[str, Any]] = {}
        for d, a, v in q.document_values(self.store, None if wanted is None else wanted):
            values.setdefault(int(d), {})[a] = v
        frame = pd.DataFrame(
            [[d, t, *(values.get(d, {}).get(n) for n in names)] for d, t in docs],
            columns=["id", "title", *names],
        )
        return frame

    def fill_from_fields(self, *, actor: Actor | None = None) -> dict[str, int]:
        """Define ``type``, ``year``, ``venue`` and ``source`` (the file name) and fill them
        from each document's fields, in one undoable edit per attribute; return how many
        values each got. A field that is empty leaves that value unset."""
        docs = q.document_fields(self.store)
        out = {}
        for name, kind in FIELD_ATTRIBUTES.items():
            self.define(name, kind, actor=actor)
            row = self._row(name)
            col = {"type": 2, "year": 3, "venue": 4, "source": 5}[name]
            values: dict[int, Any] = {}
            for d in docs:
                v = d[col]
                if name == "source" and v:
                    v = os.path.basename(str(v).replace("\\", "/"))
                values[int(d[0])] = None if v in ("", None) else v
            filled = {d: v for d, v in values.items() if v is not None}
            self._write(row, filled, f"从文献字段填写属性“{name}”",
                        f"fill attribute {name} from the fields", actor)  # fmt: skip
            out[name] = len(filled)
        return out

    def import_table(
        self, path: str | os.PathLike[str], *, actor: Actor | None = None
    ) -> TableImport:
        """Set attributes from a CSV/XLSX table: the first column holds document ids
        (header ``id``/``文档编号``) or titles (``title``/``标题``/``题名``), each other column
        an attribute (defined as ``int`` when every value is an integer, else ``text``,
        if it does not exist). A row that names no document, or more than one, or holds a
        value its attribute cannot take, is reported by its number and skipped; the
        other rows are imported (one undoable edit per attribute)."""
        from zhagen.formats.cnki_table import table_rows

        label = os.fspath(path)
        if not os.path.isfile(label):
            raise InputError(
                "找不到这个文件；请检查路径", "no such file; check the path", file=label
            )
        rows = [(n, cells) for n, cells in table_rows(path) if any(c.strip() for c in cells)]
        if not rows:
            raise InputError("表格是空的", "the table is empty", file=label)
        _line, header = rows[0]
        key = header[0].strip().lower() if header else ""
        by_title = key in _TITLE_HEADERS
        if not by_title and key not in _ID_HEADERS:
            raise InputError(
                f"第一列的表头应为 id（文档编号）或 title（标题），而不是 {header[0]!r}；"
                "请把文档编号或标题放在第一列",
                f"the first column's header must be id or title, not {header[0]!r}; put the "
                "document ids or titles in the first column",
                file=label,
                line=_line,
            )
        names = [h.strip() for h in header[1:]]
        problems: list[str] = []
        targets: list[tuple[int, int, list[str]]] = []  # (line, doc id, cells)
        for line, cells in rows[1:]:
            doc = self._row_document(cells[0].strip() if cells else "", by_title, label, line)
            if isinstance(doc, str):
                problems.append(doc)
                continue
            targets.append((line, doc, cells[1:]))
        defined, count = [], 0
        for k, name in enumerate(names):
            if not name:
                continue
            column = [(line, d, cells[k] if k < len(cells) else "") for line, d, cells in targets]
            if q.attribute_row(self.store, name) is None:
                ints = [c for _l, _d, c in column if c.strip()]
                kind = (
                    "int"
                    if ints and all(re.fullmatch(r"-?\d+", c.strip()) for c in ints)
                    else "text"
                )
                self.define(name, kind, actor=actor)
                defined.append(name)
            row = self._row(name)
            _need(actor, "change", "attribute", row["id"])
            good: dict[int, Any] = {}
            choices = json.loads(row["choices"])
            for line, d, cell in column:
                if not cell.strip():
                    continue
                try:
                    good[d] = convert_value(row["type"], cell, choices, name)
                except ParameterError as exc:
                    problems.append(
                        f"{label} 第 {line} 行：{exc.zh} / {label} row {line}: {exc.en}"
                    )
            self._write(row, good, f"从表格导入属性“{name}”", f"import attribute {name}", actor)
            count += len(good)
        return TableImport(label, len(rows) - 1, count, defined, problems)

    def _row_document(self, key: str, by_title: bool, label: str, line: int) -> int | str:
        """The document a table row names, or the bilingual problem of that row."""
        where_zh, where_en = f"{label} 第 {line} 行", f"{label} row {line}"
        if by_title:
            found = q.documents_titled(self.store, key)
            if len(found) == 1:
                return found[0]
            if not found:
                return (
                    f"{where_zh}：没有标题为 {key!r} 的文档；请核对标题或改用文档编号 / "
                    f"{where_en}: no document titled {key!r}; check the title or use ids"
                )
            return (
                f"{where_zh}：有 {len(found)} 篇文档标题为 {key!r}（{found}）；请改用文档编号 / "
                f"{where_en}: {len(found)} documents are titled {key!r} ({found}); use ids"
            )
        try:
            doc = int(key)
        except ValueError:
            return (
                f"{where_zh}：{key!r} 不是文档编号；用 zhagen docs 查看编号 / "
                f"{where_en}: {key!r} is not a document id; list ids with `zhagen docs`"
            )
        if not q.existing_documents(self.store, [doc]):
            return (
                f"{where_zh}：没有编号为 {doc} 的文档；用 zhagen docs 查看编号 / "
                f"{where_en}: no document with id {doc}; list ids with `zhagen docs`"
            )
        return doc


# -- sets --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetInfo:
    """A set as listed: name, kind (``static`` or ``query``), query, description and
    ``count``, its number of documents now (a query set is evaluated)."""

    name: str
    kind: str
    query: str
    description: str
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "query": self.query,
                "description": self.description, "count": self.count}  # fmt: skip


class Sets:
    """``project.sets``: named collections of documents, static or defined by a query.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     _ = p.sets.create("精选", doc_ids=[1, 2])
    ...     p.sets.remove("精选", [2]), p.sets.members("精选")
    (1, [1])
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"<Sets of {self.store.path!s}>"

    def _row(self, name: str) -> dict[str, Any]:
        row = q.set_row(self.store, str(name))
        if row is None:
            known = "、".join(r["name"] for r in q.set_rows(self.store)) or "（无 / none）"
            raise ParameterError(
                f"没有集合“{name}”；已有：{known}；用 zhagen set create 创建",
                f"no set {name!r}; there are: {known}; create one with `zhagen set create`",
            )
        return row

    def _info(self, row: dict[str, Any], actor: Actor | None = None) -> SetInfo:
        count = len(self.members(row["name"], actor=actor))
        return SetInfo(row["name"], row["kind"], row["query"], row["description"], count)

    def _check_query(self, name: str, query: str) -> None:
        """Parse a set's query and compile it, refusing one that refers back to ``name``."""
        qs.compile_where(self.store, parse(query), query, within=name)

    def _ids(self, doc_ids: Iterable[int]) -> list[int]:
        ids = sorted({int(d) for d in doc_ids})
        missing = sorted(set(ids) - q.existing_documents(self.store, ids))
        if missing:
            raise ParameterError(
                f"没有编号为 {missing[0]} 的文档；用 zhagen docs 查看编号",
                f"no document with id {missing[0]}; list ids with `zhagen docs`",
            )
        return ids

    def list(self, *, actor: Actor | None = None) -> list[SetInfo]:
        """Every set, oldest first, with its number of documents now."""
        return [self._info(r, actor) for r in q.set_rows(self.store)]

    def get(self, name: str, *, actor: Actor | None = None) -> SetInfo:
        """One set as :meth:`list` shows it."""
        return self._info(self._row(name), actor)

    def create(
        self,
        name: str,
        query: str | None = None,
        doc_ids: Iterable[int] | None = None,
        *,
        description: str = "",
        actor: Actor | None = None,
    ) -> SetInfo:
        """A new set: a query set (``query``) or a static one (``doc_ids``, possibly none)."""
        name = str(name).strip()
        if not name:
            raise ParameterError("集合名不能为空", "a set needs a name")
        if query is not None and doc_ids is not None:
            raise ParameterError(
                "集合要么由查询定义（query），要么列出文档（doc_ids），不能两者都给",
                "a set is defined by a query or by its documents, not both",
            )
        _need(actor, "add", "set")
        if q.set_row(self.store, name) is not None:
            raise ParameterError(f"集合“{name}”已存在", f"a set named {name!r} exists already")
        kind = "query" if query is not None else "static"
        if query is not None:
            if not query.strip():
                raise ScopeError("集合的查询为空", "the set's query is empty")
            self._check_query(name, query)
        ids = self._ids(doc_ids or ())
        with _edit(self.store, "set.create", f"创建集合“{name}”", f"create set {name}", actor) as e:
            e.payload["set"] = name
            set_id = q.insert_set(self.store, name, kind, (query or "").strip(), description)
            e.created("sets", set_id)
            for row_id in q.insert_members(self.store, set_id, ids):
                e.created("set_members", row_id)
        return self.get(name, actor=actor)

    def _static(self, name: str) -> dict[str, Any]:
        row = self._row(name)
        if row["kind"] != "static":
            raise ParameterError(
                f"集合“{name}”由查询 {row['query']!r} 定义，不能逐篇添加或移除文档；"
                "请修改查询，或另建一个静态集合",
                f"set {name!r} is defined by the query {row['query']!r}; documents cannot be "
                "added or removed one by one: change its query or create a static set",
            )
        return row

    def add(self, name: str, doc_ids: Iterable[int], *, actor: Actor | None = None) -> int:
        """Add documents to a static set; return how many were not in it yet."""
        row = self._static(name)
        _need(actor, "change", "set", row["id"])
        ids = self._ids(doc_ids)
        with _edit(self.store, "set.add", f"向集合“{name}”添加文档", f"add documents to set {name}",
                   actor) as e:  # fmt: skip
            e.payload["set"] = name
            new = q.insert_members(self.store, row["id"], ids)
            for row_id in new:
                e.created("set_members", row_id)
        return len(new)

    def remove(self, name: str, doc_ids: Iterable[int], *, actor: Actor | None = None) -> int:
        """Remove documents from a static set; return how many were in it."""
        row = self._static(name)
        _need(actor, "change", "set", row["id"])
        with _edit(self.store, "set.remove", f"从集合“{name}”移除文档",
                   f"remove documents from set {name}", actor) as e:  # fmt: skip
            e.payload["set"] = name
            gone = q.member_row_ids(self.store, row["id"], [int(d) for d in doc_ids])
            e.touch("set_members", gone)
            q.delete_members(self.store, gone)
        return len(gone)

    def _users(self, name: str) -> list[str]:
        """The query sets whose queries name set ``name``."""
        users = []
        for r in q.set_rows(self.store):
            if r["kind"] == "query" and r["name"] != name:
                try:
                    if name in set_names(parse(r["query"])):
                        users.append(r["name"])
                except ScopeError:
                    continue
        return users

    def _refuse_if_used(self, name: str, verb_zh: str, verb_en: str) -> None:
        users = self._users(name)
        if users:
            raise ParameterError(
                f"集合“{name}”被集合 {'、'.join(users)} 的查询引用，不能{verb_zh}；请先修改那些查询",
                f"set {name!r} is named in the query of set(s) {', '.join(users)}; it cannot be "
                f"{verb_en}: change those queries first",
            )

    def rename(self, name: str, new: str, *, actor: Actor | None = None) -> SetInfo:
        """Rename a set (refused while another set's query names it)."""
        row = self._row(name)
        new = str(new).strip()
        _need(actor, "change", "set", row["id"])
        if not new:
            raise ParameterError("集合名不能为空", "a set needs a name")
        if new != name and q.set_row(self.store, new) is not None:
            raise ParameterError(f"集合“{new}”已存在", f"a set named {new!r} exists already")
        self._refuse_if_used(name, "改名", "renamed")
        with _edit(self.store, "set.rename", f"把集合“{name}”改名为“{new}”",
                   f"rename set {name} to {new}", actor) as e:  # fmt: skip
            e.touch("sets", [row["id"]])
            q.update_set(self.store, row["id"], name=new)
        return self.get(new, actor=actor)

    def redefine(self, name: str, query: str, *, actor: Actor | None = None) -> SetInfo:
        """Give a query set a new query."""
        row = self._row(name)
        _need(actor, "change", "set", row["id"])
        if row["kind"] != "query":
            raise ParameterError(
                f"集合“{name}”是静态集合，没有查询", f"set {name!r} is static: it has no query"
            )
        self._check_query(name, query)
        with _edit(self.store, "set.redefine", f"修改集合“{name}”的查询",
                   f"change the query of set {name}", actor) as e:  # fmt: skip
            e.touch("sets", [row["id"]])
            q.update_set(self.store, row["id"], query=query.strip())
        return self.get(name, actor=actor)

    def delete(self, name: str, *, actor: Actor | None = None) -> None:
        """Delete a set (its documents stay; refused while another set's query names it)."""
        from zhagen.store.coding import delete_rows

        row = self._row(name)
        _need(actor, "change", "set", row["id"])
        self._refuse_if_used(name, "删除", "deleted")
        with _edit(self.store, "set.delete", f"删除集合“{name}”", f"delete set {name}", actor) as e:
            e.payload["set"] = name
            members = q.member_row_ids(self.store, row["id"])
            e.touch("set_members", members)
            e.touch("sets", [row["id"]])
            q.delete_members(self.store, members)
            delete_rows(self.store, "sets", [row["id"]])

    def members(self, name: str, *, actor: Actor | None = None) -> list[int]:
        """The ids of a set's documents, in order (a query set is evaluated now)."""
        row = self._row(name)
        if row["kind"] == "static":
            return sorted(q.member_ids(self.store, row["id"]))
        scope = resolve_scope(self.store, row["query"], actor=actor)
        return sorted(scope.doc_ids or ())
