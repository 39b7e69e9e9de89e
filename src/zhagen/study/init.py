"""``zhagen study init``: a study file written from an existing project.

The inputs are the project's imported files (paths relative to the study file, with their
SHA-256), the lexicon its accepted and rejected terms, a ``sets`` step making the project's
sets (a query set by its query, a static set by its documents' ids), and the steps the
analyses recorded in the project (each distinct map, saturation and agreement run, with the parameters that differ
from the defaults). The coding stays in the project file, which the study names.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError
from zhagen.study.steps import KINDS
from zhagen.study.tomlw import dumps

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["init_study", "study_data"]

_HEADER = """zhagen 研究文件 / zhagen study file
由 zhagen study init 生成；可以手工修改。运行：zhagen run {name}
written by `zhagen study init`; edit it freely. Run: zhagen run {name}"""


def _rel(path: str | Path, folder: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()


def _given(kind: str, params: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The recorded parameters a study must state: those that differ from the defaults
    (of an exclusive group, the member given)."""
    out: dict[str, Any] = {}
    for p in KINDS[kind].declared():
        value = params.get(p.name)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = list(value)
        default = list(p.default) if isinstance(p.default, tuple) else p.default
        if value == default and not p.group:
            continue
        if (
            p.group
            and value == default
            and all(
                params.get(q.name) is None
                for q in KINDS[kind].declared()
                if q.group == p.group and q.name != p.name
            )
        ):
            continue
        if p.kind == "path":
            value = _rel(value, folder)
        out[p.name] = value
    return out


def study_data(project: Project, study_path: Path) -> dict[str, Any]:
    """The study file's contents for ``project`` written at ``study_path``, as plain data."""
    from zhagen._version import __version__
    from zhagen.store.lexicon import term_decisions
    from zhagen.store.state import source_files

    folder = study_path.resolve().parent
    inputs = []
    for src in source_files(project.store):
        where = Path(src["abspath"] or src["path"])
        inputs.append({"path": _rel(where, folder), "sha256": src["sha256"]})
    decided = term_decisions(project.store)
    lexicon = {"accept": sorted(t for t, s in decided.items() if s == "accepted"),
               "reject": sorted(t for t, s in decided.items() if s == "rejected")}  # fmt: skip
    steps: dict[str, dict[str, Any]] = {}
    sets: dict[str, dict[str, Any]] = {}
    for info in project.sets.list():  # first: the steps after may be scoped to them
        body: dict[str, Any] = (
            {"query": info.query} if info.kind == "query"
            else {"documents": project.sets.members(info.name)}
        )  # fmt: skip
        if info.description:
            body["description"] = info.description
        sets[info.name] = body
    if sets:
        steps["sets"] = {"kind": "sets", "params": sets}
    seen: set[str] = set()
    for row in project.runs().to_dict("records"):
        kind, params = str(row["kind"]), dict(row["params"])
        if kind not in ("map", "saturation", "agreement"):
            continue
        body: dict[str, Any] = {"kind": kind}
        if kind == "agreement":
            body["coders"] = list(params.pop("coders", []))
        params.pop("doc_ids", None)  # a scope of ids: written as a set once sets exist
        given = _given(kind, params, folder)
        key = json.dumps([body, given], ensure_ascii=False, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        label = f"{kind}_{params.get('nodes') or params.get('field') or ''}".rstrip("_")
        name, n = label, 2
        while name in steps:
            name, n = f"{label}_{n}", n + 1
        if given.get("scope"):  # the step's own key, as a study file writes it
            body["scope"] = given.pop("scope")
        if given:
            body["params"] = given
        steps[name] = body
    return {
        "study": {"name": Path(project.path).stem, "project": _rel(project.path, folder),
                  "out": "out", "zhagen": __version__},
        "inputs": inputs,
        "lexicon": {k: v for k, v in lexicon.items() if v},
        "steps": steps,
    }  # fmt: skip


def init_study(project: Project, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``path`` (a study file, see :mod:`zhagen.study.spec`) from ``project``.

    >>> import tempfile, pathlib
    >>> from zhagen.examples import tiny_project
    >>> from zhagen.study.spec import load_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with tiny_project() as p:
    ...     _ = p.sets.create("创新", query="text:创新")
    ...     _ = p.maps.build(field="terms", top=5, min_freq=1, scope="set:创新")
    ...     written = init_study(p, folder / "study.toml")
    >>> [(s.name, s.kind.name, s.params) for s in load_study(written, check_files=False).steps]
    [('sets', 'sets', {'创新': {'query': 'text:创新'}}), ('map_keyword', 'map', {'field': 'terms', 'top': 5})]
    >>> load_study(written, check_files=False).steps[1].scope
    'set:创新'
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(f"{path.name} 已存在；换一个文件名，或删除它后再生成",
                         f"{path.name} exists; choose another name, or remove it first",
                         file=str(path))  # fmt: skip
    data = study_data(project, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(data, comment=_HEADER.format(name=path.name)), encoding="utf-8")
    return path
