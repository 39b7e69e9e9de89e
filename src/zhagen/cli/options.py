"""Command-line options made from a parameter spec (:mod:`zhagen.params`).

Each :class:`~zhagen.params.Param` becomes ``--name-with-dashes`` with its type, choices,
help (Chinese / English, with the default) and, for an exclusive group, an argparse
mutually exclusive group. Options default to ``None`` so that :func:`given` passes on only
what the user typed; the library fills in the declared defaults.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from zhagen.console import say
from zhagen.errors import ParameterError
from zhagen.params import Param, scope_value

__all__ = ["add_options", "given"]


def _type(p: Param) -> Any:
    def convert(text: str) -> Any:
        try:
            value = p.convert(text)
            p.check(value)
            return value
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(say(exc.zh, exc.en)) from None

    convert.__name__ = p.kind  # argparse names the type in its message
    return convert


def _help(p: Param) -> str:
    text = f"{p.label_zh} / {p.label_en}"
    if p.help_en:
        text += f"：{p.help_zh} / {p.help_en}"
    if p.default is not None and p.kind != "bool":
        shown = "-".join(map(str, p.default)) if isinstance(p.default, tuple) else p.default
        text += f"（默认 / default {shown}）"
    return text.replace("%", "%%")


def add_options(parser: argparse.ArgumentParser, params: Iterable[Param]) -> None:
    """Add one option per parameter (``web``-only or not, every one is a CLI option).

    >>> from zhagen.mapping.model import MapParams
    >>> from zhagen.params import spec
    >>> parser = argparse.ArgumentParser()
    >>> add_options(parser, spec(MapParams))
    >>> given(parser.parse_args(["--g-index", "2", "--years", "2015-2020"]), spec(MapParams))
    {'g_index': 2.0, 'years': (2015, 2020)}
    """
    groups: dict[str, Any] = {}
    for p in params:
        target: Any = parser
        if p.group:
            if p.group not in groups:
                groups[p.group] = parser.add_mutually_exclusive_group()
            target = groups[p.group]
        if p.kind == "scope":  # --where QUERY, and --set NAME for set:NAME
            target.add_argument(p.option, dest=p.name, type=_type(p), default=None,
                                help=_help(p), metavar=p.metavar)  # fmt: skip
            target.add_argument("--set", dest=f"{p.name}_set", default=None, metavar="NAME",
                                help="只分析这个集合的文档 / only the documents of this set")  # fmt: skip
            continue
        if p.kind == "bool":
            target.add_argument(p.option, dest=p.name, action="store_true", default=None,
                                help=_help(p))  # fmt: skip
            continue
        if p.kind == "strs":  # several words after the option: --type document record
            target.add_argument(p.option, dest=p.name, nargs="*", default=None, help=_help(p),
                                metavar=p.metavar)  # fmt: skip
            continue
        target.add_argument(p.option, dest=p.name, type=_type(p), default=None, help=_help(p),
                            choices=p.choices, metavar=p.metavar)  # fmt: skip


def given(args: argparse.Namespace, params: Iterable[Param]) -> dict[str, Any]:
    """The parameters the user typed (the others keep their declared defaults).

    >>> from zhagen.params import Param, scope_value
    >>> seed = Param("seed", "int", 1, "随机种子", "seed")
    >>> given(argparse.Namespace(seed=None), [seed]), given(argparse.Namespace(seed=7), [seed])
    ({}, {'seed': 7})
    """
    out = {}
    for p in params:
        value = getattr(args, p.name)
        if p.kind == "scope":
            value = scope_value(getattr(args, f"{p.name}_set", None), value)
        if value is not None:
            out[p.name] = value
    return out


def add_scope(parser: argparse.ArgumentParser) -> None:
    """``--where QUERY`` and ``--set NAME`` alone, from the one declaration of the scope
    (:class:`zhagen.params.ScopeParams`), for a command whose other options are its own.

    >>> parser = argparse.ArgumentParser()
    >>> add_scope(parser)
    >>> scope_of(parser.parse_args(["--set", "政策", "--where", "year:2020-"]))
    {'scope': 'set:政策 (year:2020-)'}
    """
    from zhagen.params import ScopeParams, spec

    add_options(parser, spec(ScopeParams))


def scope_of(args: argparse.Namespace) -> dict[str, Any]:
    """``{"scope": query}`` from what :func:`add_scope` parsed (``{}``: every document)."""
    from zhagen.params import ScopeParams, spec

    return given(args, spec(ScopeParams))
