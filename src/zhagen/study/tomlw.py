"""A small TOML writer for study files: tables, arrays of tables, scalars and lists.

Only what a study file holds is written (strings, integers, floats, booleans, lists of
those, nested tables); ``None`` values are left out, as TOML has no null.

>>> print(dumps({"study": {"name": "示例", "out": "out"}, "inputs": [{"path": "a.txt"}]}))
[study]
name = "示例"
out = "out"
<BLANKLINE>
[[inputs]]
path = "a.txt"
<BLANKLINE>
>>> import tomllib
>>> tomllib.loads(dumps({"a": {"b.c": [1, 2.5, True, "x\\"y"]}}))
{'a': {'b.c': [1, 2.5, True, 'x"y']}}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps", "key", "value"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted.

    >>> key("top"), key("编码")
    ('top', '"编码"')
    """
    return name if _BARE.fullmatch(name) else _string(name)


def _string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX …) are TOML's; DEL is the one control JSON leaves.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def value(v: Any) -> str:
    """One value as TOML text.

    >>> value([1, "a"]), value(0.1), value(float("inf"))
    ('[1, "a"]', '0.1', 'inf')
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v if x is not None) + "]"
    if isinstance(v, Mapping):
        inner = ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items() if x is not None)
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table(v: Any) -> bool:
    return isinstance(v, Mapping)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list | tuple) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _table(path: list[str], data: Mapping[str, Any], out: list[str], header: str | None) -> None:
    scalars = [(k, v) for k, v in data.items()
               if v is not None and not _is_table(v) and not _is_table_array(v)]  # fmt: skip
    if header is not None and (scalars or not any(_is_table(v) for v in data.values())):
        out.append(header)
    for k, v in scalars:
        out.append(f"{key(k)} = {value(v)}")
    if header is not None and (scalars or not any(_is_table(v) for v in data.values())):
        out.append("")
    for k, v in data.items():
        sub = [*path, k]
        name = ".".join(key(p) for p in sub)
        if _is_table(v):
            _table(sub, v, out, f"[{name}]")
        elif _is_table_array(v):
            for item in v:
                _table(sub, item, out, f"[[{name}]]")


def dumps(data: Mapping[str, Any], *, comment: str = "") -> str:
    """A document of nested mappings as TOML text (``comment``: lines put first)."""
    out: list[str] = [f"# {line}".rstrip() for line in comment.splitlines()]
    if out:
        out.append("")
    _table([], data, out, None)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
