"""``zhagen run study.toml``: build or update the project, then every step, like a build tool.

The project is built from the inputs (an input already imported is skipped by its hash),
the lexicon and the coding data. Each step's *fingerprint* is a SHA-256 over its kind, its
parameters (a path parameter by its file's hash), its scope and step keys, the digests of
the project states it reads (:data:`zhagen.study.steps.STATES`, from
:mod:`zhagen.store.state`) and the zhagen version. A step whose fingerprint is the one
recorded in the output folder's ``manifest.json`` and whose recorded outputs are all there
unchanged is skipped; ``force`` runs named steps anyway.

Every run writes ``manifest.json``: versions (zhagen, Python, the dependencies), platform,
the study file's and every input's hash, the coding's state, each step's parameters, seeds,
fingerprint, outputs with their hashes, status and timing. Outputs are written so that the
same study gives the same bytes (fixed SVG ids, no dates in figures, fixed dates in office
files: :func:`zhagen.study.files.normalise`); only the manifest's times differ.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import InputError, ParameterError
from zhagen.study.files import normalise, same_output
from zhagen.study.spec import Step, Study, load_study, sha256_file
from zhagen.study.steps import StepContext

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["run_study", "check_study", "RunResult", "StepResult", "CheckResult", "MANIFEST",
           "Event"]  # fmt: skip

MANIFEST = "manifest.json"
#: A fixed time for what reads ``SOURCE_DATE_EPOCH`` (matplotlib's PDF and SVG dates).
_EPOCH = "315532800"


@dataclass
class Event:
    """A progress event: ``what`` is ``"build"``, ``"start"``, ``"done"`` or ``"skip"``;
    ``step`` its name (None while building), ``index``/``total`` its place."""

    what: str
    step: str | None
    index: int
    total: int
    seconds: float = 0.0
    detail: str = ""


@dataclass
class StepResult:
    name: str
    kind: str
    status: str  # "ran" | "skipped"
    seconds: float
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class RunResult:
    """What a run did: ``steps`` in order, the manifest written, its data."""

    steps: list[StepResult]
    manifest: Path
    data: dict[str, Any]

    @property
    def ran(self) -> list[str]:
        return [s.name for s in self.steps if s.status == "ran"]


@dataclass
class CheckResult:
    """``zhagen run --check``: outputs that changed (relative path → why) and those
    compared."""

    changed: dict[str, str]
    compared: list[str]
    scratch: Path

    @property
    def ok(self) -> bool:
        return not self.changed


def _versions() -> dict[str, str]:
    """zhagen's runtime dependencies and their installed versions."""
    import re
    from importlib import metadata

    out: dict[str, str] = {}
    try:
        requires = metadata.requires("zhagen") or []
    except metadata.PackageNotFoundError:
        requires = []
    for req in requires:
        if "extra ==" in req:
            continue
        name = re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return dict(sorted(out.items()))


def _digests(project: Project, names: Iterable[str]) -> dict[str, str]:
    from zhagen.store import state

    funcs: dict[str, Callable[[Any], str]] = {
        "documents": state.documents_digest,
        "lexicon": state.lexicon_digest,
        "coding": state.coding_digest,
        "sets": state.sets_digest,
        "attributes": state.attributes_digest,
    }
    return {n: funcs[n](project.store) for n in names if n in funcs}


def _fingerprint(step: Step, digests: dict[str, str], version: str) -> str:
    params = dict(step.params)
    for key, path in step.paths.items():  # a file by its content, not where it lies
        params[key] = {"sha256": sha256_file(path)}
    payload = {"kind": step.kind.name, "params": params, "scope": step.scope, "out": step.out,
               "options": step.options, "reads": {n: digests.get(n) for n in _reads(step)},
               "zhagen": version}  # fmt: skip
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _reads(step: Step) -> tuple[str, ...]:
    """The states a step reads: its kind's, and the sets and attributes its scope names."""
    scoped = step.scope or (step.params.get("scope") if not step.kind.loose else None)
    return step.kind.reads + (("sets", "attributes") if scoped else ())


def _seeds(step: Step) -> dict[str, Any]:
    return {k: v for k, v in step.effective.items() if "seed" in k}


def _build(
    study: Study,
    projects: dict[Path, Project],
    progress: Callable[[Event], None] | None,
) -> dict[str, Any]:
    """Import the inputs (each into its project), apply the lexicon to every project, load
    the coding data into the study's project; what it did."""
    report: dict[str, Any] = {"inputs": []}
    for n, item in enumerate(study.inputs, start=1):
        if progress:
            progress(Event("build", None, n, len(study.inputs), detail=item.written))
        project = projects[item.project or study.project]
        got = project.add(item.path, format=item.format, workers=study.workers)
        for f in got.files:
            report["inputs"].append({"path": item.written, "status": f.status,
                                     "records": f.records, "duplicates": f.duplicates,
                                     "problems": len(f.problems), "format": f.format})  # fmt: skip
    lex = study.lexicon
    words = 0
    for project in projects.values():
        words = sum(project.terms.import_dict(d) for d in lex.dictionaries)
        if lex.accept or lex.reject:
            project.terms.decide(accept=lex.accept, reject=lex.reject)
    report["lexicon"] = {"dictionary_words": words, "accepted": len(lex.accept),
                         "rejected": len(lex.reject)}  # fmt: skip
    report["coding"] = _load_coding(study, projects[study.project])
    report["unlisted_sources"] = _unlisted(study, projects)
    return report


def _unlisted(study: Study, projects: dict[Path, Project]) -> list[str]:
    """Files a project holds that the study does not list (imported by hand, or an input
    since removed from the study): the study alone no longer rebuilds that project."""
    from zhagen.store.state import source_files

    listed: dict[Path, set[str]] = {p: set() for p in projects}
    for item in study.inputs:
        listed[item.project or study.project].add(sha256_file(item.path))
    if study.coding.qdpx is not None:
        listed[study.project].add(sha256_file(study.coding.qdpx))
    out = []
    for path, project in projects.items():
        for src in source_files(project.store):
            if src["sha256"] not in listed[path]:
                out.append(f"{path.name}: {src['path']}")
    return out


def _load_coding(study: Study, project: Project) -> dict[str, Any]:
    """The coding data named by the study, loaded into the project (each load finds what
    is already there rather than adding it twice)."""
    c = study.coding
    done: dict[str, Any] = {}
    if c.codebook is not None:
        done["codebook"] = _codebook(project, c.codebook)
    if c.qdpx is not None:
        from zhagen.store.state import coding_counts

        if coding_counts(project.store)["codings"] == 0:  # a REFI-QDA project is read once
            project.import_qdpx(c.qdpx)
            done["qdpx"] = "imported"
        else:
            done["qdpx"] = "already coded"
    for batch in c.batches:
        result = project.codings.add_batch(batch, coder=c.coder)
        if result.problems:
            first = result.problems[0]
            raise InputError(
                f"编码文件有 {len(result.problems)} 行无法编码，第一行：{first.zh}",
                f"{len(result.problems)} rows of the coding file could not be coded; the "
                f"first: {first.en}",
                file=str(batch),
                line=first.line,
            )
        done.setdefault("batches", []).append({"file": batch.name, "new": result.new,
                                               "existing": result.existing})  # fmt: skip
    return done


def _codebook(project: Project, path: Path) -> int:
    """Codes from a ``.qdc`` codebook or a CSV (``code``, ``parent``, ``level``,
    ``description``, optional ``role`` in the paradigm model; a parent is an earlier row's
    code); return how many rows."""
    import csv

    if path.suffix.lower() == ".qdc":
        project.import_qdc(path)
        return len(project.codes())
    ids: dict[str, int] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows, start=2):
        name = (row.get("code") or row.get("编码") or "").strip()
        parent = (row.get("parent") or row.get("上级") or "").strip()
        level = (row.get("level") or row.get("层级") or "").strip()
        if not name or (parent and parent not in ids) or (level and not level.isdigit()):
            raise InputError(
                "编码本每行需要 code；parent 须是前面某行的 code；level 为 1–4",
                "each codebook row needs a code; a parent must be an earlier row's code; "
                "level is 1–4",
                file=str(path),
                line=n,
            )
        ids[name], _ = project.codes.find_or_add(
            name, parent=ids[parent] if parent else None, level=int(level) if level else None,
            description=(row.get("description") or row.get("内涵") or "").strip(),
        )  # fmt: skip
        role = row.get("role") or row.get("范式角色")
        if role is not None:  # the paradigm model's role (a role already given is not re-logged)
            try:
                project.relations.set_role(ids[name], role)
            except ParameterError as exc:
                raise InputError(exc.zh, exc.en, file=str(path), line=n) from exc
    return len(rows)


def _scope(project: Project, step: Step) -> Any:
    """The documents of a step's scope (None: all), through the library's scope."""
    if step.scope is None:
        return None
    if not hasattr(project, "scope"):
        raise ParameterError(
            f"步骤 {step.name} 给出了 scope，但这个 zhagen 版本还没有范围（集合）功能",
            f"step {step.name} gives a scope, but this zhagen has no scopes (sets) yet",
        )
    return project.scope(step.scope).doc_ids


def _run_one(project: Project, study: Study, step: Step, out: Path) -> list[Path]:
    if not step.kind.available(project):
        raise ParameterError(
            f"步骤 {step.name}（{step.kind.label_zh}）需要的功能（{step.kind.requires}）这个 zhagen "
            "版本还没有；请升级 zhagen 或去掉这一步",
            f"step {step.name} ({step.kind.label_en}) needs a feature this zhagen lacks "
            f"({step.kind.requires}); upgrade zhagen or remove the step",
        )
    params = dict(step.params)
    doc_ids = None
    declared = {p.name for p in step.kind.declared()}
    if step.scope is not None:
        if "scope" in declared or (step.kind.loose and step.kind.scoped):
            params["scope"] = step.scope  # the analysis resolves its own scope
        elif step.kind.scoped:
            doc_ids = _scope(project, step)
        else:
            raise ParameterError(
                f"步骤 {step.name}（{step.kind.label_zh}）不接受 scope",
                f"step {step.name} ({step.kind.label_en}) takes no scope",
            )
    ctx = StepContext(step.name, doc_ids, step.scope, dict(step.options), study.folder)
    out.mkdir(parents=True, exist_ok=True)
    return step.kind.run(project, params, out, ctx)


def _previous(out_root: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {s["name"]: s for s in data.get("steps", []) if isinstance(s, dict) and "name" in s}


def _unchanged(
    before: dict[str, Any] | None, fingerprint: str, out_root: Path, wrote: dict[str, Any]
) -> bool:
    """Whether a step may be skipped: the same fingerprint, its outputs as recorded, and
    the states it writes (sets, attributes) still as it left them (not edited since)."""
    if not before or before.get("fingerprint") != fingerprint or not before.get("outputs"):
        return False
    if wrote and before.get("wrote") != wrote:
        return False
    for rel, sha in before["outputs"].items():
        path = out_root / rel
        if not path.is_file() or sha256_file(path) != sha:
            return False
    return True


def _clear(before: dict[str, Any] | None, out_root: Path) -> None:
    """Remove the files a step wrote last time (a re-run may write fewer)."""
    for rel in (before or {}).get("outputs", {}):
        path = out_root / rel
        if path.is_file():
            path.unlink()


def run_study(
    path: str | Path,
    *,
    force: Iterable[str] = (),
    out: str | Path | None = None,
    project_paths: dict[Path, Path] | None = None,
    progress: Callable[[Event], None] | None = None,
) -> RunResult:
    """Build or update the study's project and every step's outputs (see the module's
    notes); ``force``: step names to run even when unchanged (``"all"``: every step);
    ``out``: another output folder than the study's; ``project_paths``: project files to
    use instead of those the study names (study's path → other path)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ.setdefault("SOURCE_DATE_EPOCH", _EPOCH)  # children (figure drawing) too
    try:
        return _run(path, force=force, out=out, project_paths=project_paths, progress=progress)
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _run(
    path: str | Path,
    *,
    force: Iterable[str] = (),
    out: str | Path | None = None,
    project_paths: dict[Path, Path] | None = None,
    progress: Callable[[Event], None] | None = None,
) -> RunResult:
    from zhagen.project import Project

    study = load_study(path)
    force = set(force)
    for name in force - {"all"}:
        study.step(name)  # an unknown name is an error before anything runs
    out_root = Path(out).resolve() if out else study.out
    out_root.mkdir(parents=True, exist_ok=True)
    started = time.time()
    inputs = _checked_inputs(study)
    renamed = {Path(k).resolve(): Path(v).resolve() for k, v in (project_paths or {}).items()}
    files = {p: renamed.get(p, p) for p in study.projects}
    projects = {p: Project.open(f) if f.exists() else Project.create(f) for p, f in files.items()}
    try:
        t0 = time.perf_counter()
        build = _build(study, projects, progress)
        build["seconds"] = round(time.perf_counter() - t0, 3)
        previous = _previous(out_root)
        every = ("documents", "lexicon", "coding", "sets", "attributes")
        digests = {p: _digests(project, every) for p, project in projects.items()}
        results: list[StepResult] = []
        records: list[dict[str, Any]] = []
        for i, step in enumerate(study.steps, start=1):
            where = step.project or study.project
            run = _StepRun(study, step, i, _rel(where, study.folder), out_root, force, progress)
            result, record = run.go(projects[where], digests[where], previous.get(step.name))
            results.append(result)
            records.append(record)
        data = _manifest(study, started, projects, digests, build, inputs, records, results)
    finally:
        for project in projects.values():
            project.close()
    manifest = out_root / MANIFEST
    manifest.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return RunResult(results, manifest, data)


def _checked_inputs(study: Study) -> list[dict[str, Any]]:
    """Each input of ``study`` with its sha256 and size; an input whose content differs
    from the sha256 the study records is an error before anything runs."""
    inputs = []
    for item in study.inputs:
        sha = sha256_file(item.path)
        if item.sha256 and sha != item.sha256:
            raise InputError(
                f"输入文件 {item.written} 的内容与研究文件记录的 sha256 不同；请恢复原文件，或确认后更新 sha256",
                f"input {item.written} differs from the sha256 the study records; restore the "
                "file, or update sha256 if the change is meant",
                file=str(study.path), line=item.line,
            )  # fmt: skip
        inputs.append({"path": item.written, "sha256": sha, "size": item.path.stat().st_size})
    return inputs


@dataclass
class _StepRun:
    """One step of a run: skipped when its fingerprint and outputs are unchanged (and it
    is not forced), else run, its outputs normalised and hashed."""

    study: Study
    step: Step
    number: int
    project: str  # its path as the manifest writes it
    out_root: Path
    force: set[str]
    progress: Callable[[Event], None] | None

    def _event(self, kind: str, seconds: float = 0.0, detail: str = "") -> None:
        if self.progress:
            total = len(self.study.steps)
            self.progress(Event(kind, self.step.name, self.number, total, seconds, detail))

    def go(
        self, project: Project, digests: dict[str, str], before: dict[str, Any] | None
    ) -> tuple[StepResult, dict[str, Any]]:
        """Run (or skip) the step on ``project`` whose state is ``digests`` (updated with
        what the step writes); ``before`` is its record in the previous manifest."""
        from zhagen._version import __version__

        step = self.step
        fp = _fingerprint(step, digests, __version__)
        forced = "all" in self.force or step.name in self.force
        wrote = {n: digests.get(n) for n in step.kind.writes}
        if not forced and _unchanged(before, fp, self.out_root, wrote):
            self._event("skip")
            outputs = dict(before["outputs"])  # type: ignore[index]
            seconds = float(before.get("seconds", 0.0))  # type: ignore[union-attr]
            result = StepResult(step.name, step.kind.name, "skipped", seconds, outputs)
        else:
            self._event("start", detail=step.kind.label_en)
            _clear(before, self.out_root)
            t0 = time.perf_counter()
            written = _run_one(project, self.study, step, self.out_root / step.out)
            outputs = {}
            for f in sorted({Path(f).resolve() for f in written}):
                normalise(f)
                outputs[f.relative_to(self.out_root).as_posix()] = sha256_file(f)
            seconds = round(time.perf_counter() - t0, 3)
            result = StepResult(step.name, step.kind.name, "ran", seconds, outputs)
            self._event("done", result.seconds)
            if step.kind.writes:  # later steps read what this one changed
                digests.update(_digests(project, step.kind.writes))
                wrote = {n: digests.get(n) for n in step.kind.writes}
        record = {"name": step.name, "kind": step.kind.name, "status": result.status,
                  "seconds": result.seconds, "fingerprint": fp, "scope": step.scope,
                  "project": self.project, "params": step.effective, "options": step.options, "seeds": _seeds(step),
                  "outputs": result.outputs, **({"wrote": wrote} if wrote else {})}  # fmt: skip
        return result, record


def _manifest(
    study: Study,
    started: float,
    projects: dict[Path, Project],
    digests: dict[Path, dict[str, str]],
    build: dict[str, Any],
    inputs: list[dict[str, Any]],
    records: list[dict[str, Any]],
    results: list[StepResult],
) -> dict[str, Any]:
    """The run's manifest: versions, the projects' states, the build, inputs and steps."""
    from zhagen._version import __version__
    from zhagen.store.state import coding_counts

    states = [{"path": _rel(p, study.folder), "digests": digests[p],
               "coding": {**coding_counts(projects[p].store), "sha256": digests[p].get("coding")}}
              for p in projects]  # fmt: skip
    return {
        "zhagen": __version__,
        "study": {"name": study.name, "path": study.path.name, "sha256": study.sha256},
        "started": _iso(started),
        "finished": _iso(time.time()),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "dependencies": _versions(),
        "projects": states,
        "build": build,
        "inputs": inputs,
        "steps": records,
        "outputs": {k: v for r in results for k, v in r.outputs.items()},
    }


def _rel(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def check_study(
    path: str | Path,
    *,
    scratch: str | Path | None = None,
    progress: Callable[[Event], None] | None = None,
    tolerance: float = 0.001,
) -> CheckResult:
    """Run the whole study again into a scratch folder (on a copy of the project file) and
    compare every output with the one the manifest records: ``changed`` lists the outputs
    that differ (or are missing, or new, or were edited in the output folder after the
    run), with the reason."""
    import tempfile

    study = load_study(path)
    try:
        recorded = json.loads((study.out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"没有 {MANIFEST}：请先运行 zhagen run {study.path.name}",
            f"no {MANIFEST}: run `zhagen run {study.path.name}` first",
            file=str(study.out / MANIFEST),
        ) from None
    root = Path(scratch) if scratch else Path(tempfile.mkdtemp(prefix="zhagen-check-"))
    root.mkdir(parents=True, exist_ok=True)
    copies: dict[Path, Path] = {}
    for n, path in enumerate(study.projects):
        # the same file name: an export names its project after it
        copies[path] = root / "projects" / str(n) / path.name
        copies[path].parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            from zhagen.store.state import copy_project

            copy_project(path, copies[path])
    run_study(study.path, force=["all"], out=root / "out", project_paths=copies,
              progress=progress)  # fmt: skip
    new = json.loads((root / "out" / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    old = recorded.get("outputs", {})
    changed: dict[str, str] = {}
    for rel in sorted(set(old) | set(new)):
        kept = study.out / rel
        if rel in old and kept.is_file() and sha256_file(kept) != old[rel]:
            changed[rel] = "edited after the run"
        elif rel not in new:
            changed[rel] = "missing"
        elif rel not in old:
            changed[rel] = "new"
        elif old[rel] != new[rel]:
            if not kept.is_file():
                changed[rel] = "recorded file missing"
            elif not same_output(root / "out" / rel, kept, tolerance=tolerance):
                changed[rel] = "content"
    return CheckResult(changed, sorted(set(old) | set(new)), root)
