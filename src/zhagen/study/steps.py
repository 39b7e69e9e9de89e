"""The kinds of step a study may run: a registry of kind → function.

A kind is a :class:`StepKind`: its parameter declaration (a dataclass of
:func:`zhagen.params.param` fields, validated by :func:`zhagen.params.make` and
:func:`zhagen.params.check`; or loose :class:`zhagen.params.Param` objects), what project
state it reads (so that a change there re-runs it), the step keys it takes besides
``params`` and the function that runs it::

    run(project, params, out, ctx) -> list[Path]

``project`` is the open :class:`zhagen.Project`, ``params`` the step's parameters as a
dict (validated, paths resolved against the study's folder), ``out`` the step's output
folder (created) and ``ctx`` a :class:`StepContext` (the documents in scope, the step's own
keys, the study folder). It returns the files it wrote.

A kind that needs a library feature this zhagen lacks (``requires``: a noun or method of
the project) is refused with a clear error when the study is run, never run half.

>>> sorted(KINDS)[:4]
['agreement', 'attributes', 'cooccurrence', 'export-qdpx']
>>> KINDS["map"].reads
('documents', 'lexicon')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import ParameterError
from zhagen.params import Param

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["StepKind", "StepContext", "KINDS", "register", "param_class", "STATES"]


@dataclass(frozen=True)
class StepContext:
    """What a step's function gets besides its parameters.

    ``doc_ids``: the documents of the step's scope (None: every document); ``scope``: the
    scope as written; ``options``: the step's keys other than ``kind``, ``scope``, ``out``
    and ``params`` (e.g. ``coders`` of an agreement, ``files`` of a query); ``study_dir``:
    the study file's folder; ``name``: the step's name.
    """

    name: str
    doc_ids: Collection[int] | None = None
    scope: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    study_dir: Path = Path(".")


@dataclass(frozen=True)
class StepKind:
    """One kind of step.

    ``params``: a callable returning the parameter dataclass (imported on first use), or
    None; ``extra``: parameters declared as :class:`~zhagen.params.Param` besides the
    dataclass's (``keep_duplicates`` of a map), or all of them for a kind without a class;
    ``loose``: parameters are passed through unchecked (a kind whose library feature
    declares them, wired later); ``reads``: the project states (:data:`STATES`) whose change
    re-runs it; ``writes``: the states it changes; ``options``: step keys besides ``params``
    (name → (zh, en) help); ``requires``: a project attribute (``"sets"``) or dotted path
    (``"reports.suggestions"``) the kind needs; ``scoped``: it takes ``doc_ids``;
    ``check``: for a loose kind, checks each parameter (name, value) when the study is read.
    """

    name: str
    label_zh: str
    label_en: str
    run: Callable[[Project, dict[str, Any], Path, StepContext], list[Path]]
    params: Callable[[], type] | None = None
    extra: tuple[Param, ...] | Callable[[], tuple[Param, ...]] = ()
    loose: bool = False
    reads: tuple[str, ...] = ("documents",)
    writes: tuple[str, ...] = ()
    options: dict[str, tuple[str, str]] = field(default_factory=dict)
    requires: str | None = None
    scoped: bool = True
    check: Callable[[str, Any], None] | None = None

    def declared(self) -> tuple[Param, ...]:
        """Every declared parameter of the kind, its class's first."""
        from zhagen.params import spec

        extra = self.extra() if callable(self.extra) else self.extra
        return (spec(self.params()) if self.params else ()) + tuple(extra)

    def available(self, project: Project) -> bool:
        """Whether this zhagen has what the kind needs."""
        if self.requires is None:
            return True
        obj: Any = project
        for part in self.requires.split("."):
            if not hasattr(obj, part):
                return False
            obj = getattr(obj, part)
        return True


#: The project states a step may read; each is digested by :mod:`zhagen.store.state`
STATES = ("documents", "lexicon", "coding", "sets", "attributes")

#: Every kind, by name (see :func:`register`).
KINDS: dict[str, StepKind] = {}


def register(kind: StepKind) -> StepKind:
    """Add (or replace) a kind in :data:`KINDS`; return it."""
    KINDS[kind.name] = kind
    return kind


def param_class(kind: StepKind) -> type | None:
    """The kind's parameter dataclass (None for a kind without one)."""
    return kind.params() if kind.params else None


# -- shared helpers -------------------------------------------------------------------------
def _csv(frame: Any, path: Path) -> Path:
    from zhagen.formats.spreadsheet import write_csv

    return Path(write_csv(frame, path))


def _json(data: Any, path: Path) -> Path:
    import json

    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True,
                               default=str) + "\n", encoding="utf-8")  # fmt: skip
    return path


def _files(ctx: StepContext, default: list[str]) -> list[str]:
    files = ctx.options.get("files") or default
    return [str(f) for f in files]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


# -- the kinds that exist ---------------------------------------------------------------------
def _map_params() -> type:
    from zhagen.mapping.model import MapParams

    return MapParams


def _run_map(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
    keep = bool(params.pop("keep_duplicates", False) or False)
    km = project.maps.build(keep_duplicates=keep, **params)
    # The run's number and the project's absolute path differ between two runs of the same
    # study (another project copy, another run): the files keep what the map is.
    km.summary.pop("run", None)
    km.summary["project"] = Path(str(km.summary.get("project", ""))).name
    return list(km.write(out))


def _map_extra() -> tuple[Param, ...]:
    from zhagen.mapping.model import RUN_OPTIONS

    return RUN_OPTIONS


def _terms_params() -> type:
    from zhagen.text.terms import TermsParams

    return TermsParams


def _run_terms(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
    frame = project.terms.discover(**params)
    return [_csv(frame, out / "terms.csv")]


def _tables_params() -> type:
    from zhagen.report.tables import TablesParams

    return TablesParams


def _run_tables(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    written = project.reports.write(out, **params)
    note = {"chain": written.chain, "level_problems": written.problems,
            "tables": {k: len(v) for k, v in written.tables.items()}}  # fmt: skip
    return [*written.files, _json(note, out / "tables.json")]


def _saturation_params() -> type:
    from zhagen.coding.saturation import SaturationParams

    return SaturationParams


def _run_saturation(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    report = project.reports.saturation(doc_ids=ctx.doc_ids, **params)
    summary = {
        "saturated": report.saturated,
        "holdout_documents": [_plain(d) for d in report.holdout_docs],
        "model_documents": [_plain(d) for d in report.model_docs or []],
        "uncoded_holdout": [_plain(d) for d in report.uncoded_holdout],
        "warnings": [list(w) for w in report.warnings],
        "params": params,
    }
    return [
        _json(summary, out / "saturation.json"),
        _csv(report.counts, out / "saturation_counts.csv"),
        _csv(report.new, out / "saturation_new.csv"),
    ]


def _agreement_params() -> type:
    from zhagen.coding.agreement import AgreementParams

    return AgreementParams


def _run_agreement(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    coders = ctx.options.get("coders")
    if (
        not isinstance(coders, list)
        or len(coders) != 2
        or not all(isinstance(c, str) for c in coders)
    ):
        raise ParameterError(
            f'步骤 {ctx.name} 的 coders 应为两位编码者的名字，如 coders = ["甲", "乙"]',
            f'step {ctx.name}: coders must name two coders, e.g. coders = ["甲", "乙"]',
        )
    result = project.reports.agreement(tuple(coders), **params)
    files = [_csv(result.pooled, out / "agreement_pooled.csv"),
             _csv(result.by_code, out / "agreement_by_code.csv")]  # fmt: skip
    return files


def _query(name: str) -> Callable[[], type]:
    def load() -> type:
        from zhagen.queries import params as qp

        return getattr(qp, name)

    return load


def _query_run(
    method: str, files: list[str]
) -> Callable[[Project, dict[str, Any], Path, StepContext], list[Path]]:
    """A step that runs ``project.queries.<method>`` over the scope and writes its result
    as each of the step's ``files`` (default ``files``; the suffix gives the format)."""

    def run(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
        found = getattr(project.queries, method)(doc_ids=ctx.doc_ids, **params)
        return [project.queries.write(found, out / f) for f in _files(ctx, files)]

    return run


_EXPORT = (
    Param("nvivo", "bool", False, "NVivo 兼容", "NVivo-compatible",
          help_zh="位置按 UTF-16 计", help_en="positions in UTF-16 units"),
    Param("coder", "str", None, "编码者", "coder", optional=True,
          help_zh="只导出这位编码者的编码", help_en="one coder's codings"),
    Param("all_documents", "bool", False, "全部文档", "all documents",
          help_zh="包括未编码的文档", help_en="uncoded documents too"),
)  # fmt: skip


def _run_export(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    path = out / str(ctx.options.get("file") or "project.qdpx")
    project.export_qdpx(path, **params)
    return [path]


def _missing(feature: str) -> Callable[..., list[Path]]:
    def run(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
        raise ParameterError(
            f"步骤 {ctx.name}：这个 zhagen 版本还没有「{feature}」功能",
            f"step {ctx.name}: this zhagen has no '{feature}' yet",
        )

    return run


# -- sets, attributes, statistics ------------------------------------------------------------
_SET_KEYS = frozenset({"query", "titles", "documents", "description"})


def check_set(name: str, body: Any) -> None:
    """Check one set of a ``sets`` step: a table with ``query`` (a query set) or ``titles``
    / ``documents`` (a static set of those titles or ids), and an optional ``description``.

    >>> check_set("文献", {"query": "type:journal"})
    >>> check_set("文献", {"query": "type:journal", "titles": ["甲"]})
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 集合 文献：query、titles、documents 只能给一个 / set 文献: give one of query, titles, documents
    """
    from zhagen.scope import parse

    if not isinstance(body, dict):
        raise ParameterError(
            f'集合 {name} 应为表，如 {name} = {{ query = "type:journal" }}',
            f'set {name} must be a table, e.g. {name} = {{ query = "type:journal" }}',
        )
    unknown = sorted(set(body) - _SET_KEYS)
    if unknown:
        raise ParameterError(
            f"集合 {name}：未知的键 {unknown[0]}；可用：{'、'.join(sorted(_SET_KEYS))}",
            f"set {name}: unknown key {unknown[0]}; known: {', '.join(sorted(_SET_KEYS))}",
        )
    given = [k for k in ("query", "titles", "documents") if k in body]
    if len(given) != 1:
        raise ParameterError(
            f"集合 {name}：query、titles、documents 只能给一个",
            f"set {name}: give one of query, titles, documents",
        )
    value = body[given[0]]
    if given[0] == "query":
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(
                f"集合 {name}：query 应为非空的范围查询", f"set {name}: query must be a scope query"
            )
        try:
            parse(value)
        except ParameterError as exc:
            raise ParameterError(f"集合 {name}：{exc.zh}", f"set {name}: {exc.en}") from None
    elif not isinstance(value, list) or not all(
        isinstance(v, int if given[0] == "documents" else str) and not isinstance(v, bool)
        for v in value
    ):
        what = (
            ("文档编号（整数）", "document ids") if given[0] == "documents" else ("标题", "titles")
        )
        raise ParameterError(
            f"集合 {name}：{given[0]} 应为{what[0]}的列表",
            f"set {name}: {given[0]} must be a list of {what[1]}",
        )
    if not isinstance(body.get("description", ""), str):
        raise ParameterError(
            f"集合 {name}：description 应为字符串", f"set {name}: description must be a string"
        )


def _titled(project: Project, name: str, titles: list[str]) -> list[int]:
    """The one document each title names (duplicates left out); a title that names none,
    or several, is an error naming it."""
    from zhagen.store.sets import documents_titled

    dups = {int(d) for d in project.documents.duplicates()["id"]}
    ids = []
    for title in titles:
        found = [d for d in documents_titled(project.store, title) if d not in dups]
        if len(found) != 1:
            raise ParameterError(
                f"集合 {name}：标题 {title!r} 对应 {len(found)} 篇文档，应恰好一篇；请核对标题，"
                "或改用 documents（文档编号）",
                f"set {name}: the title {title!r} names {len(found)} documents, not one; check "
                "it, or use documents (ids)",
            )
        ids.append(found[0])
    return ids


def _remake(project: Project, ctx: StepContext, name: str) -> None:
    """Delete a set the study gives another kind (refused, with the step named, while
    another set's query names it)."""
    try:
        project.sets.delete(name)
    except ParameterError as exc:
        raise ParameterError(f"步骤 {ctx.name}：集合 {name} 在项目中的类型与研究文件不同，需重建；{exc.zh}",
                             f"step {ctx.name}: set {name} is of another kind in the project and "
                             f"must be made anew; {exc.en}") from None  # fmt: skip


def _run_sets(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
    """Create each set, or bring an existing one to what the study says (a query set's
    query redefined, a static set's members added and removed): running it twice changes
    nothing. A set of the other kind than the study says is deleted and made anew."""
    described = []
    for name, body in params.items():
        check_set(name, body)
        description = str(body.get("description", ""))
        have = {s.name: s for s in project.sets.list()}.get(name)
        if "query" in body:
            query = str(body["query"]).strip()
            if have is not None and have.kind != "query":
                _remake(project, ctx, name)
                have = None
            if have is None:
                project.sets.create(name, query=query, description=description)
            elif have.query != query:
                project.sets.redefine(name, query)
        else:
            wanted = (
                [int(d) for d in body["documents"]]
                if "documents" in body
                else _titled(project, name, list(body["titles"]))
            )
            if have is not None and have.kind != "static":
                _remake(project, ctx, name)
                have = None
            if have is None:
                project.sets.create(name, doc_ids=wanted, description=description)
            else:
                now = set(project.sets.members(name))
                if set(wanted) - now:
                    project.sets.add(name, sorted(set(wanted) - now))
                if now - set(wanted):
                    project.sets.remove(name, sorted(now - set(wanted)))
        info = project.sets.get(name)
        described.append({**info.as_dict(), "documents": project.sets.members(name)})
    return [_json({"sets": described}, out / "sets.json")]


def _check_define(value: Any) -> None:
    from zhagen.sets import ATTRIBUTE_TYPES

    for item in value:
        name, _, kind = str(item).partition(":")
        kind = kind.split("=", 1)[0]
        if not name.strip() or kind not in ATTRIBUTE_TYPES:
            raise ParameterError(
                f"define 的每一项写作 名称:类型（类型为 {'、'.join(ATTRIBUTE_TYPES)}；choice 可写 "
                f"choice=甲|乙），而不是 {item!r}",
                f"each define item is NAME:TYPE (TYPE one of {', '.join(ATTRIBUTE_TYPES)}; "
                f"choice=a|b gives the choices), not {item!r}",
            )


_ATTRIBUTES = (
    Param("define", "strs", None, "定义属性", "define attributes", optional=True,
          validate=_check_define,
          help_zh="名称:类型，如 地区:choice=东部|中部|西部、发布日期:date",
          help_en="NAME:TYPE, e.g. region:choice=east|west, issued:date"),
    Param("fill_from_fields", "bool", False, "从文献字段填写", "fill from the fields",
          help_zh="定义并填写 type、year、venue、source", help_en="define and fill type, year, "
          "venue and source"),
    Param("table", "path", None, "属性表", "attribute table", optional=True,
          help_zh="CSV/XLSX：第一列为文档编号或标题，其余每列一个属性",
          help_en="CSV/XLSX: document ids or titles first, one attribute per other column"),
)  # fmt: skip


def _run_attributes(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    """Define the attributes, fill them from the fields, import the table (each of these
    leaves an attribute as it is when it already holds those values)."""
    done: dict[str, Any] = {}
    for item in params.get("define") or []:
        name, _, kind = str(item).partition(":")
        kind, _, choices = kind.partition("=")
        project.attributes.define(name.strip(), kind, choices=[c for c in choices.split("|") if c])
    if params.get("fill_from_fields"):
        done["filled"] = project.attributes.fill_from_fields()
    if params.get("table"):
        got = project.attributes.import_table(params["table"])
        done["table"] = {"file": Path(got.path).name, "rows": got.rows, "values": got.values,
                         "defined": got.defined, "problems": got.problems}  # fmt: skip
    done["attributes"] = project.attributes.list()
    return [_json(done, out / "attributes.json")]


def _stats_params() -> type:
    from zhagen.biblio.stats import StatsParams

    return StatsParams


def _run_stats(project: Project, params: dict[str, Any], out: Path, ctx: StepContext) -> list[Path]:
    return list(project.stats(**params).write(out))


def _suggest_params() -> type:
    from zhagen.suggest.params import SuggestParams

    return SuggestParams


def _run_suggest_evaluate(
    project: Project, params: dict[str, Any], out: Path, ctx: StepContext
) -> list[Path]:
    """The built-in learner measured against the coder (``zhagen suggest --evaluate``):
    ``evaluation.json`` (κ, macro-F1, top-3 recall, per-code F1, learning curve), without the
    run id, which a re-run changes."""
    result = project.suggestions.evaluate(**params)
    result.pop("run", None)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "evaluation.json"
    text = json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return [path]


_CODING_READS = ("documents", "coding")
_FILES = {"files": ("要写出的文件（后缀决定格式）", "files to write (the suffix gives the format)")}

for _kind in (
    StepKind("map", "知识图谱", "knowledge map", _run_map, _map_params, extra=_map_extra,
             reads=("documents", "lexicon"), scoped=False),
    StepKind("terms", "术语发现", "term discovery", _run_terms, _terms_params,
             reads=("documents", "lexicon"), scoped=False),
    StepKind("tables", "编码表", "coding tables", _run_tables, _tables_params, reads=_CODING_READS,
             scoped=False),
    StepKind("saturation", "饱和度检验", "saturation test", _run_saturation, _saturation_params,
             reads=_CODING_READS),
    StepKind("agreement", "编码一致性", "inter-coder agreement", _run_agreement, _agreement_params,
             reads=_CODING_READS, scoped=False,
             options={"coders": ("两位编码者", "the two coders")}),
    StepKind("words", "词频", "word frequency",
             _query_run("words", ["words.csv", "cloud.png"]), _query("WordsParams"),
             reads=("documents", "lexicon"), options=_FILES),
    StepKind("search", "文本查找", "text search",
             _query_run("search", ["search.csv"]), _query("SearchParams"),
             options=_FILES),
    StepKind("matrix", "矩阵编码", "matrix coding",
             _query_run("matrix", ["matrix.csv", "matrix.xlsx"]), _query("MatrixParams"),
             reads=_CODING_READS, options=_FILES),
    StepKind("framework", "框架矩阵", "framework matrix",
             _query_run("framework", ["framework.xlsx"]), _query("FrameworkParams"),
             reads=_CODING_READS, options=_FILES),
    StepKind("cooccurrence", "编码共现", "code co-occurrence",
             _query_run("cooccurrence", ["cooccurrence.csv"]),
             _query("CooccurrenceParams"), reads=_CODING_READS, options=_FILES),
    StepKind("export-qdpx", "REFI-QDA 导出", "REFI-QDA export", _run_export, extra=_EXPORT,
             reads=_CODING_READS, scoped=False,
             options={"file": ("文件名", "file name (default project.qdpx)")}),
    StepKind("sets", "集合", "sets", _run_sets, loose=True, check=check_set, requires="sets",
             reads=("documents", "attributes"), writes=("sets",), scoped=False),
    StepKind("attributes", "属性", "attributes", _run_attributes, extra=_ATTRIBUTES,
             requires="attributes", writes=("attributes",), scoped=False),
    StepKind("stats", "文献计量统计", "bibliometric statistics", _run_stats, _stats_params,
             requires="stats", scoped=False),
    StepKind("suggest-evaluate", "编码建议评估", "suggestion evaluation",
             _run_suggest_evaluate, _suggest_params, requires="suggestions",
             reads=_CODING_READS, scoped=False),
):  # fmt: skip
    register(_kind)
