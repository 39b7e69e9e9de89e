"""Parameters declared once: the spec every face and check is made from.

An analysis declares its parameters as a dataclass whose fields are made with :func:`param`
(type, default, choices, bounds, label and help in Chinese and English, exclusive group).
From that one declaration come:

- the check of a value (:func:`check`, with a Chinese and English :class:`ParameterError`),
- the conversion of what a user typed or sent (:meth:`Param.convert`),
- building the dataclass from keyword arguments (:func:`make`: unknown names refused, the
  members of an exclusive group other than the one given set to ``None``),
- the command-line options (``zhagen.cli.options``), the web form and its validation
  (``GET /api/maps/params``) and the API's signature (:func:`takes`).

Adding a parameter to an analysis is one ``param(...)`` line in its dataclass (and its use
in the algorithm).

>>> from dataclasses import dataclass
>>> @dataclass
... class Demo:
...     size: int = param(3, "int", "大小", "size", low=1)
...     mode: str = param("a", "str", "模式", "mode", choices=("a", "b"))
>>> [p.name for p in spec(Demo)]
['size', 'mode']
>>> make(Demo, {"size": "4"})
Demo(size=4, mode='a')
>>> check(Demo(size=0))
Traceback (most recent call last):
...
zhagen.errors.ParameterError: 参数 size（大小）必须 ≥ 1（当前 0）。 / size (size) must be ≥ 1 (got 0).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from zhagen.errors import ParameterError

__all__ = [
    "Param",
    "param",
    "spec",
    "check",
    "check_exclusive",
    "make",
    "takes",
    "KINDS",
    "scope_param",
    "scope_value",
    "ScopeParams",
]

#: What a parameter's value is: its Python type, and how a typed string becomes one.
KINDS = ("int", "float", "str", "bool", "path", "years", "strs", "scope")
_PY = {"int": int, "float": float, "str": str, "bool": bool, "path": str, "years": tuple,
       "strs": list, "scope": str}  # fmt: skip
T = TypeVar("T")


@dataclass(frozen=True)
class Param:
    """One parameter: everything a face needs to offer it and a check needs to refuse it.

    ``low``/``high`` bound a number (inclusive unless ``low_open``/``high_open``);
    ``optional`` allows ``None``; of the parameters sharing a ``group``, exactly one is
    given (not ``None``); ``web=False`` keeps a parameter (a server path) off the web form;
    ``main`` puts it in the form's short part; ``flag`` is the command-line option when it
    is not ``--name-with-dashes``; ``validate`` (a function raising
    :class:`ParameterError`) checks a value the other fields cannot describe.
    """

    name: str
    kind: str
    default: Any
    label_zh: str
    label_en: str
    help_zh: str = ""
    help_en: str = ""
    choices: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False
    group: str | None = None
    web: bool = True
    main: bool = False
    metavar: str | None = None
    flag: str | None = None
    validate: Callable[[Any], Any] | None = None

    @property
    def option(self) -> str:
        """The command-line option: ``--min-freq`` for ``min_freq`` (or ``flag``).

        >>> Param("min_freq", "int", 2, "最低频次", "minimum frequency").option
        '--min-freq'
        """
        return self.flag or "--" + self.name.replace("_", "-")

    def _error(self, zh: str, en: str) -> ParameterError:
        return ParameterError(
            f"参数 {self.name}（{self.label_zh}）{zh}。", f"{self.name} ({self.label_en}) {en}."
        )

    def convert(self, value: Any) -> Any:
        """A value typed or sent (text, JSON) as this parameter's type; ``""`` is ``None``.

        >>> Param("years", "years", None, "年份范围", "year range").convert("2000-2025")
        (2000, 2025)
        >>> Param("s", "float", 1.0, "s", "s").convert("x")
        Traceback (most recent call last):
        ...
        zhagen.errors.ParameterError: 参数 s（s）的值 'x' 不是数（float）。 / s (s) 'x' is not a float.
        """
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        try:
            if self.kind == "bool":
                if isinstance(value, str):
                    return value.strip().lower() in ("1", "true", "yes", "on")
                return bool(value)
            if self.kind == "years":
                return _years(value)
            if self.kind == "strs":
                return _strs(value)
            if self.kind == "int" and isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            if self.kind in ("int", "float") and isinstance(value, bool):
                raise ValueError(value)
            return _PY[self.kind](value)
        except (TypeError, ValueError):
            what = {"int": "整数", "float": "数", "years": "年份范围（如 2000-2025）"}
            raise self._error(
                f"的值 {value!r} 不是{what.get(self.kind, self.kind)}（{self.kind}）",
                f"{value!r} is not {'a year range like 2000-2025' if self.kind == 'years' else 'a ' + self.kind}",
            ) from None

    def check(self, value: Any) -> None:
        """Raise :class:`ParameterError` (zh/en) if ``value`` is not allowed.

        >>> Param("top", "int", 50, "前 N", "top N", low=1).check(0)
        Traceback (most recent call last):
        ...
        zhagen.errors.ParameterError: 参数 top（前 N）必须 ≥ 1（当前 0）。 / top (top N) must be ≥ 1 (got 0).
        """
        if value is None:
            if self.optional or self.group:
                return
            raise self._error("不能为空", "must be given")
        if self.choices is not None and value not in self.choices:
            shown = ", ".join(map(str, self.choices))
            raise self._error(
                f"只能是 {shown}（当前 {value!r}）", f"must be one of {shown} (got {value!r})"
            )
        if self.validate is not None:
            self.validate(value)
        if self.kind == "years":
            if value[0] > value[1]:
                raise self._error(
                    f"的起始年份晚于结束年份（当前 {value[0]}-{value[1]}）",
                    f"starts after it ends (got {value[0]}-{value[1]})",
                )
            return
        for bound, is_open, sign in ((self.low, self.low_open, 1), (self.high, self.high_open, -1)):
            if bound is None:
                continue
            ok = sign * (value - bound) > 0 if is_open else sign * (value - bound) >= 0
            if not ok:
                op = (">" if is_open else "≥") if sign > 0 else ("<" if is_open else "≤")
                raise self._error(
                    f"必须 {op} {bound:g}（当前 {value}）", f"must be {op} {bound:g} (got {value})"
                )

    def to_json(self) -> dict[str, Any]:
        """Plain data for the web form (``GET /api/maps/params``).

        >>> form = Param("slice", "int", 1, "时间切片", "years per slice", low=1).to_json()
        >>> form["type"], form["default"], form["low"], form["label_en"]
        ('int', 1, 1, 'years per slice')
        """
        d = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "validate"
        }
        d["type"] = d.pop("kind")
        d["default"] = list(self.default) if isinstance(self.default, tuple) else self.default
        d["choices"] = list(self.choices) if self.choices is not None else None
        return d


def _check_scope(value: Any) -> None:
    """A scope query must parse (its sets are looked up when it is used)."""
    from zhagen.scope import parse

    parse(value)


def scope_param() -> Any:
    """The ``scope`` of an analysis, declared once for all of them: a query
    (:mod:`zhagen.scope`; ``set:NAME`` names a set) selecting the documents it is about,
    None for every document. The command line offers it as ``--where QUERY`` and
    ``--set NAME``, the web as a scope picker.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class P:
    ...     scope: str | None = scope_param()
    >>> make(P, {"scope": "type:journal"}), spec(P)[0].option
    (P(scope='type:journal'), '--where')
    """
    return param(
        None,
        "scope",
        "范围",
        "scope",
        optional=True,
        flag="--where",
        metavar="QUERY",
        main=True,
        validate=_check_scope,
        help_zh="只分析这些文档，如 set:政策文本、type:journal year:2015-2024、attr:来源=人民日报",
        help_en="only these documents, e.g. set:NAME, type:journal year:2015-2024, attr:NAME=VALUE",
    )


def scope_value(set_name: str | None, where: str | None) -> str | None:
    """The scope of ``--set NAME`` and ``--where QUERY`` together (None: every document).

    >>> scope_value("政策", "coded:yes")
    'set:政策 (coded:yes)'
    """
    from zhagen.scope import combine

    return combine(set_name, where)


def _years(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        first, _, last = value.strip().partition("-")
        return (int(first), int(last or first))
    if isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = value
        if isinstance(lo, bool) or isinstance(hi, bool):
            raise ValueError(value)
        return (int(lo), int(hi))
    raise ValueError(value)


def _strs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(value)


def param(default: Any, kind: str, label_zh: str, label_en: str, **options: Any) -> Any:
    """A dataclass field carrying its :class:`Param` (name filled in by :func:`spec`).

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class P:
    ...     k: float = param(2.0, "float", "比例", "scale", low=0, low_open=True)
    >>> P().k, spec(P)[0].low_open
    (2.0, True)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    meta = {"zhagen.param": dict(kind=kind, default=default, label_zh=label_zh,
                                 label_en=label_en, **options)}  # fmt: skip
    return dataclasses.field(default=default, metadata=meta)


@cache
def spec(cls: type) -> tuple[Param, ...]:
    """The parameters of a dataclass declared with :func:`param`, in declaration order.

    >>> from zhagen.mapping.model import MapParams
    >>> [p.name for p in spec(MapParams)][:2]
    ['field', 'nodes']
    """
    return tuple(
        Param(name=f.name, **f.metadata["zhagen.param"])
        for f in dataclasses.fields(cls)
        if "zhagen.param" in f.metadata
    )


def check_exclusive(values: Mapping[str, Any]) -> None:
    """Exactly one of ``values`` (the members of an exclusive group) is given (not ``None``).

    >>> check_exclusive({"top": 50, "top_percent": None})
    >>> check_exclusive({"top": 5, "g_index": 2})
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: top、g_index 必须且只能指定一个（当前：top, g_index）。 / give exactly one of top, g_index (got: top, g_index).
    """
    given = [name for name, v in values.items() if v is not None]
    if len(given) != 1:
        names = ", ".join(values)
        got = ", ".join(given)
        raise ParameterError(
            f"{'、'.join(values)} 必须且只能指定一个（当前：{got or '无'}）。",
            f"give exactly one of {names} (got: {got or 'none'}).",
        )


def check(obj: Any) -> None:
    """Check every parameter of a dataclass instance declared with :func:`param`.

    >>> from zhagen.mapping.model import MapParams
    >>> check(MapParams(top=None, g_index=1.5))
    >>> check(MapParams(prune="planar"))
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 参数 prune（剪枝）只能是 none, pathfinder, mst（当前 'planar'）。 / prune (pruning) must be one of none, pathfinder, mst (got 'planar').
    """
    groups: dict[str, dict[str, Any]] = {}
    for p in spec(type(obj)):
        value = getattr(obj, p.name)
        p.check(value)
        if p.group:
            groups.setdefault(p.group, {})[p.name] = value
    for members in groups.values():
        check_exclusive(members)


def make(cls: type[T], values: Mapping[str, Any]) -> T:
    """Build ``cls`` from keyword arguments (typed values or text), refusing unknown names.

    Giving one member of an exclusive group sets the others to ``None`` (so ``top_percent=5``
    replaces the default ``top=50``). Values are converted, not checked (see :func:`check`).

    >>> from zhagen.mapping.model import MapParams
    >>> p = make(MapParams, {"top_percent": "10", "years": [2015, 2020]})
    >>> p.top, p.top_percent, p.years
    (None, 10.0, (2015, 2020))
    """
    params = {p.name: p for p in spec(cls)}
    unknown = sorted(set(values) - set(params))
    if unknown:
        known = ", ".join(params)
        raise ParameterError(
            f"未知的参数：{', '.join(unknown)}；可用参数：{known}",
            f"unknown parameter(s): {', '.join(unknown)}; known: {known}",
        )
    out = {name: params[name].convert(v) for name, v in values.items()}
    out = {k: v for k, v in out.items() if v is not None or params[k].optional or params[k].group}
    for name, value in list(out.items()):
        group = params[name].group
        if group and value is not None:
            for other in params.values():
                if other.group == group and other.name not in values:
                    out[other.name] = None
    return cls(**out)


def _doc_line(p: Param) -> str:
    allowed = f"; one of {', '.join(map(repr, p.choices))}" if p.choices else ""
    if p.low is not None:
        allowed += f"; {'>' if p.low_open else '≥'} {p.low:g}"
    if p.high is not None:
        allowed += f"; {'<' if p.high_open else '≤'} {p.high:g}"
    if p.group:
        allowed += f"; exactly one of the group {p.group!r}"
    text = f"{p.label_zh} / {p.label_en}." + (f" {p.help_zh} / {p.help_en}" if p.help_en else "")
    return f"    {p.name} : {p.kind}, default {p.default!r}{allowed}\n        {text}"


def takes(cls: type) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Give a ``f(..., **params)`` function the signature and docs of ``cls``'s parameters.

    ``help(project.map)`` and ``inspect.signature`` then list every map parameter with its
    default, without the method repeating them.

    >>> import inspect
    >>> from zhagen.mapping.model import MapParams
    >>> @takes(MapParams)
    ... def run(*, record: bool = True, **params): ...
    >>> list(inspect.signature(run).parameters)[:3]
    ['record', 'field', 'nodes']
    """

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        sig = inspect.signature(fn)
        own = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
        new = [
            inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default,
                              annotation=_PY[p.kind] | None if p.optional or p.group else _PY[p.kind])
            for p in spec(cls)
        ]  # fmt: skip
        fn.__signature__ = sig.replace(parameters=own + new)  # type: ignore[attr-defined]
        lines = [_doc_line(p) for p in spec(cls)]
        fn.__doc__ = (
            (fn.__doc__ or "")
            + "\n\n    Parameters of the analysis\n    "
            + "-" * 26
            + "\n"
            + "\n".join(lines)
            + "\n"
        )
        return fn

    return wrap


@dataclass
class ScopeParams:
    """The scope alone, for a command whose other options are its own (``zhagen search``,
    ``zhagen coding cooccurrence``, ``zhagen coding matrix``).

    >>> [p.option for p in spec(ScopeParams)]
    ['--where']
    """

    scope: str | None = scope_param()
