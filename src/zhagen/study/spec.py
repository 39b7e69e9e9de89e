"""``study.toml``: reading and checking a study file.

A study file declares a whole study: the project file, the input files (paths relative to
the study file, with their SHA-256), import options, the thesaurus and user dictionaries,
where the coding comes from, and each analysis step with its kind, scope and parameters::

    [study]
    name = "新质生产力"
    project = "study.zhagen"      # the project file, built or updated by `zhagen run`
                                  # (an input or a step may name another: project = "…")
    out = "out"                   # where every output goes (one folder per step)

    [[inputs]]
    path = "data/cnki.txt"
    sha256 = "…"                  # checked when given (`zhagen study init` writes it)

    [lexicon]
    thesaurus = "thesaurus.txt"   # the default of every step with a thesaurus parameter
    dictionaries = ["userdict.txt"]

    [coding]                      # the coding is data: loaded, never computed
    codebook = "codebook.csv"     # code, parent, level, description (or a REFI-QDA .qdc)
    from = ["coding.csv"]         # `zhagen coding add --from` files

    [steps.keywords]
    kind = "map"
    [steps.keywords.params]
    nodes = "keyword"
    top = 30

Parameters are checked through each analysis's one declaration (:mod:`zhagen.params`).
Unknown keys and bad values are :class:`~zhagen.errors.InputError` s naming the file and
the line (found in the text: ``tomllib`` reports none).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "study.toml").write_text('[study]\\nproject = "p.zhagen"\\n'
...     '[steps.k]\\nkind = "map"\\nparams = { top = 0 }\\n', encoding="utf-8")
>>> try:
...     load_study(folder / "study.toml")
... except InputError as exc:
...     print(exc.line, exc.en)
5 step k: top (top N per slice) must be ≥ 1 (got 0).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhagen.errors import InputError, ParameterError
from zhagen.study.steps import KINDS, StepKind

__all__ = ["Study", "Step", "Input", "Lexicon", "Coding", "load_study", "key_lines", "sha256_file"]

_NAME = re.compile(r"[A-Za-z0-9_\-\u3400-\u9fff]+")
#: Keys each section may hold (steps: besides their kind's own options).
SECTIONS: dict[str, frozenset[str]] = {
    "": frozenset({"study", "import", "inputs", "lexicon", "coding", "steps"}),
    "study": frozenset({"name", "project", "out", "zhagen", "description"}),
    "import": frozenset({"workers"}),
    "inputs": frozenset({"path", "sha256", "format", "label", "project"}),
    "lexicon": frozenset({"thesaurus", "dictionaries", "accept", "reject"}),
    "coding": frozenset({"codebook", "from", "qdpx", "coder"}),
    "step": frozenset({"kind", "scope", "out", "params", "project"}),
}


@dataclass(frozen=True)
class Input:
    """One input file: ``path`` (absolute), ``written`` (as in the study file)."""

    path: Path
    written: str
    sha256: str | None = None
    format: str | None = None
    label: str | None = None
    line: int | None = None
    project: Path | None = None  # None: the study's project


@dataclass(frozen=True)
class Lexicon:
    thesaurus: Path | None = None
    dictionaries: list[Path] = field(default_factory=list)
    accept: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Coding:
    """Where the coding comes from besides the project file itself (all optional)."""

    codebook: Path | None = None
    batches: list[Path] = field(default_factory=list)
    qdpx: Path | None = None
    coder: str = "default"


@dataclass(frozen=True)
class Step:
    """One step: ``params`` as given (converted; paths absolute), ``effective`` every
    parameter's value (defaults too), ``paths`` the path parameters (name → file)."""

    name: str
    kind: StepKind
    params: dict[str, Any]
    effective: dict[str, Any]
    scope: str | None
    out: str
    options: dict[str, Any]
    paths: dict[str, Path]
    line: int | None = None
    project: Path | None = None  # None: the study's project


@dataclass(frozen=True)
class Study:
    path: Path
    sha256: str
    name: str
    project: Path
    out: Path
    inputs: list[Input]
    workers: int | None
    lexicon: Lexicon
    coding: Coding
    steps: list[Step]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def projects(self) -> list[Path]:
        """Every project file the study builds or reads, the study's own first."""
        found = [self.project]
        for p in [i.project for i in self.inputs] + [s.project for s in self.steps]:
            if p is not None and p not in found:
                found.append(p)
        return found

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.steps)
        raise ParameterError(f"研究文件中没有名为 {name} 的步骤（已有：{known}）",
                             f"the study has no step named {name} (known: {known})")  # fmt: skip


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- where each key is written ------------------------------------------------------------
_PART = r'(?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?")


def _parts(dotted: str) -> tuple[str, ...]:
    import json

    out = []
    for p in re.findall(_PART, dotted):
        if p.startswith('"'):
            out.append(json.loads(p))
        elif p.startswith("'"):
            out.append(p[1:-1])
        else:
            out.append(p)
    return tuple(out)


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line (from 1) where each key path of a TOML text is written; an array of
    tables' items are numbered (``("inputs", 0, "path")``).

    >>> lines = key_lines('[study]\\nname = "x"\\n[[inputs]]\\npath = "a"\\n[[inputs]]\\npath = "b"')
    >>> lines[("study", "name")], lines[("inputs", 1, "path")], lines[("inputs", 1)]
    (2, 6, 5)
    """
    found: dict[tuple[Any, ...], int] = {}
    counts: dict[tuple[Any, ...], int] = {}
    current: tuple[Any, ...] = ()
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(line) if stripped.startswith("[") else None
        if header:
            path = _parts(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(path, -1) + 1
                counts[path] = index
                current = (*path, index)
            else:
                current = path
            found.setdefault(current, n)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((*current, *_parts(key.group(1))), n)
    return found


class _Reader:
    """Checks one parsed study file, raising errors that name its lines."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)

    def line(self, *keys: Any) -> int | None:
        keys_t = tuple(keys)
        while keys_t:
            if keys_t in self.lines:
                return self.lines[keys_t]
            keys_t = keys_t[:-1]
        return None

    def error(self, keys: tuple[Any, ...], zh: str, en: str) -> InputError:
        return InputError(zh, en, file=str(self.path), line=self.line(*keys))

    def table(self, data: Any, keys: tuple[Any, ...], allowed: frozenset[str]) -> dict[str, Any]:
        where = ".".join(str(k) for k in keys) or "（顶层）"
        if not isinstance(data, dict):
            raise self.error(keys, f"{where} 应为表（[{where}]）", f"{where} must be a table")
        for k in data:
            if k not in allowed:
                known = "、".join(sorted(allowed))
                raise self.error((*keys, k),
                                 f"未知的键 {k}（在 {where} 中）；可用：{known}",
                                 f"unknown key {k} (in {where}); known: {', '.join(sorted(allowed))}")  # fmt: skip
        return data

    def string(self, data: dict[str, Any], keys: tuple[Any, ...], name: str,
               required: bool = False) -> str | None:  # fmt: skip
        value = data.get(name)
        if value is None:
            if required:
                raise self.error(keys, f"缺少 {name}（在 {'.'.join(map(str, keys))} 中）",
                                 f"{name} is missing (in {'.'.join(map(str, keys))})")  # fmt: skip
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error((*keys, name), f"{name} 应为非空字符串，而不是 {value!r}",
                             f"{name} must be a non-empty string, not {value!r}")  # fmt: skip
        return value

    def strings(self, data: dict[str, Any], keys: tuple[Any, ...], name: str) -> list[str]:
        value = data.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(
                (*keys, name), f"{name} 应为字符串列表", f"{name} must be a list of strings"
            )
        return value

    def file(self, written: str, keys: tuple[Any, ...], must_exist: bool = True) -> Path:
        path = (self.path.parent / written).resolve()
        if must_exist and not path.is_file():
            raise self.error(keys, f"找不到文件 {written}（相对于研究文件所在文件夹 {self.path.parent}）",
                             f"file not found: {written} (relative to the study file's folder "
                             f"{self.path.parent})")  # fmt: skip
        return path


def load_study(path: str | Path, *, check_files: bool = True) -> Study:
    """Read and check a study file (see the module's notes); ``check_files=False`` skips
    checking that input files exist (``zhagen run --check`` reads them anyway)."""
    import tomllib

    path = Path(path).resolve()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取研究文件：{exc.strerror}", f"cannot read the study file: "
                         f"{exc.strerror}", file=str(path)) from None  # fmt: skip
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError("研究文件应为 UTF-8 编码", "the study file must be UTF-8",
                         file=str(path)) from None  # fmt: skip
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise InputError(f"TOML 语法错误：{exc}；请改正该行", f"TOML syntax error: {exc}; fix that line",
                         file=str(path), line=int(m.group(1)) if m else None) from None  # fmt: skip
    r = _Reader(path, text)
    r.table(data, (), SECTIONS[""])
    head = r.table(data.get("study", {}), ("study",), SECTIONS["study"])
    project = r.string(head, ("study",), "project", required=True)
    out = r.string(head, ("study",), "out") or "out"
    options = r.table(data.get("import", {}), ("import",), SECTIONS["import"])
    workers = options.get("workers")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):  # fmt: skip
        raise r.error(
            ("import", "workers"), "workers 应为 ≥ 1 的整数", "workers must be an integer ≥ 1"
        )
    return Study(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        name=r.string(head, ("study",), "name") or path.parent.name,
        project=(path.parent / str(project)).resolve(),
        out=(path.parent / out).resolve(),
        inputs=_inputs(r, data.get("inputs", []), check_files),
        workers=workers,
        lexicon=_lexicon(r, data.get("lexicon", {})),
        coding=_coding(r, data.get("coding", {})),
        steps=_steps(r, data.get("steps", {}), data.get("lexicon", {}).get("thesaurus")),
    )


def _inputs(r: _Reader, items: Any, check_files: bool) -> list[Input]:
    if not isinstance(items, list):
        raise r.error(
            ("inputs",), "inputs 应写作 [[inputs]] 表的数组", "inputs must be [[inputs]] tables"
        )
    out = []
    for i, item in enumerate(items):
        keys = ("inputs", i)
        r.table(item, keys, SECTIONS["inputs"])
        written = r.string(item, keys, "path", required=True) or ""
        sha = r.string(item, keys, "sha256")
        if sha is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
            raise r.error((*keys, "sha256"), "sha256 应为 64 位十六进制数",
                          "sha256 must be 64 hex digits")  # fmt: skip
        project = r.string(item, keys, "project")
        out.append(Input(r.file(written, (*keys, "path"), check_files), written,
                         sha.lower() if sha else None, r.string(item, keys, "format"),
                         r.string(item, keys, "label"), r.line(*keys, "path"),
                         r.file(project, (), False) if project else None))  # fmt: skip
    return out


def _lexicon(r: _Reader, data: Any) -> Lexicon:
    keys = ("lexicon",)
    r.table(data, keys, SECTIONS["lexicon"])
    thesaurus = r.string(data, keys, "thesaurus")
    return Lexicon(
        thesaurus=r.file(thesaurus, (*keys, "thesaurus")) if thesaurus else None,
        dictionaries=[r.file(d, (*keys, "dictionaries")) for d in r.strings(data, keys, "dictionaries")],
        accept=r.strings(data, keys, "accept"),
        reject=r.strings(data, keys, "reject"),
    )  # fmt: skip


def _coding(r: _Reader, data: Any) -> Coding:
    keys = ("coding",)
    r.table(data, keys, SECTIONS["coding"])
    codebook = r.string(data, keys, "codebook")
    qdpx = r.string(data, keys, "qdpx")
    if codebook and Path(codebook).suffix.lower() not in (".csv", ".qdc"):
        raise r.error((*keys, "codebook"), "codebook 应为 .csv（code, parent, level, description）或 .qdc",
                      "codebook must be a .csv (code, parent, level, description) or a .qdc")  # fmt: skip
    return Coding(
        codebook=r.file(codebook, (*keys, "codebook")) if codebook else None,
        batches=[r.file(b, (*keys, "from")) for b in r.strings(data, keys, "from")],
        qdpx=r.file(qdpx, (*keys, "qdpx")) if qdpx else None,
        coder=r.string(data, keys, "coder") or "default",
    )


def _steps(r: _Reader, data: Any, thesaurus: str | None) -> list[Step]:
    if not isinstance(data, dict):
        raise r.error(
            ("steps",), "steps 应写作 [steps.名称] 表", "steps must be [steps.NAME] tables"
        )
    out = []
    for name, body in data.items():
        keys = ("steps", name)
        if not _NAME.fullmatch(name):
            raise r.error(keys, f"步骤名 {name!r} 只能含字母、数字、汉字、- 和 _（它也是输出文件夹名）",
                          f"step name {name!r} may hold only letters, digits, Han, - and _ "
                          "(it names the output folder)")  # fmt: skip
        if not isinstance(body, dict):
            raise r.error(keys, f"步骤 {name} 应为表", f"step {name} must be a table")
        kind_name = r.string(body, keys, "kind", required=True) or ""
        kind = KINDS.get(kind_name)
        if kind is None:
            known = ", ".join(sorted(KINDS))
            raise r.error((*keys, "kind"), f"未知的步骤类型 {kind_name}；可用：{known}",
                          f"unknown step kind {kind_name}; known: {known}")  # fmt: skip
        r.table(body, keys, SECTIONS["step"] | set(kind.options))
        params = body.get("params", {})
        r.table(params, (*keys, "params"), frozenset(params) if kind.loose else
                frozenset(p.name for p in kind.declared()))  # fmt: skip
        given, effective, paths = _params(r, name, kind, params, thesaurus)
        scope = r.string(body, keys, "scope")
        options = {k: v for k, v in body.items() if k in kind.options}
        project = r.string(body, keys, "project")
        out.append(Step(name, kind, given, effective, scope, r.string(body, keys, "out") or name,
                        options, paths, r.line(*keys),
                        r.file(project, (), False) if project else None))  # fmt: skip
    return out


def _params(
    r: _Reader, name: str, kind: StepKind, params: dict[str, Any], thesaurus: str | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Path]]:
    """The step's parameters converted and checked one by one (so that an error names its
    line), then as a whole (exclusive groups); path parameters resolved."""
    from zhagen.params import check, make

    if kind.loose:
        for key, value in params.items():
            if kind.check is not None:
                try:
                    kind.check(key, value)
                except ParameterError as exc:
                    raise r.error(("steps", name, "params", key), f"步骤 {name}：{exc.zh}",
                                  f"step {name}: {exc.en}") from None  # fmt: skip
        return dict(params), dict(params), {}
    declared = {p.name: p for p in kind.declared()}
    keys = ("steps", name, "params")
    given: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    for key, value in params.items():
        p = declared[key]
        try:
            converted = p.convert(value)
            p.check(converted)
        except ParameterError as exc:
            raise r.error(
                (*keys, key), f"步骤 {name}：{exc.zh}", f"step {name}: {exc.en}"
            ) from None
        if p.kind == "path" and converted is not None:
            paths[key] = r.file(str(converted), (*keys, key))
            converted = str(paths[key])
        given[key] = converted
    if "thesaurus" in declared and "thesaurus" not in given and thesaurus:
        paths["thesaurus"] = r.file(thesaurus, ("lexicon", "thesaurus"))
        given["thesaurus"] = str(paths["thesaurus"])
    cls = kind.params() if kind.params else None
    extra = {p.name for p in kind.declared()} - ({p.name for p in _spec(cls)} if cls else set())
    effective = {p.name: p.default for p in kind.declared() if p.name in extra}
    effective.update({k: v for k, v in given.items() if k in extra})
    if cls is not None:
        try:
            obj = make(cls, {k: v for k, v in given.items() if k not in extra})
            check(obj)
        except ParameterError as exc:
            raise r.error(keys if params else ("steps", name), f"步骤 {name}：{exc.zh}",
                          f"step {name}: {exc.en}") from None  # fmt: skip
        effective = {**{p.name: getattr(obj, p.name) for p in _spec(cls)}, **effective}
    return given, _jsonable(effective), paths


def _spec(cls: type) -> tuple[Any, ...]:
    from zhagen.params import spec

    return spec(cls)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
