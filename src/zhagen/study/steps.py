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
    (``"reports.suggestions"``) the kind needs; ``scoped``: it takes ``doc_ids``.
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
#: (``sets`` and ``attributes`` are digested when the library has them).
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
    # Kinds whose library feature other branches add: refused clearly until it is there.
    StepKind("sets", "集合", "sets", _missing("sets"), loose=True, requires="sets",
             writes=("sets",), scoped=False),
    StepKind("attributes", "属性", "attributes", _missing("attributes"), loose=True,
             requires="attributes", writes=("attributes",), scoped=False),
    StepKind("stats", "文献计量统计", "bibliometric statistics", _missing("stats"), loose=True,
             requires="stats", reads=("documents",)),
    StepKind("suggest-evaluate", "编码建议评估", "suggestion evaluation",
             _missing("suggest-evaluate"), loose=True, requires="suggestions",
             reads=_CODING_READS),
):  # fmt: skip
    register(_kind)
