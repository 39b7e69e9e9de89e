"""A small JSON Schema checker for the replies of a language model.

Only the part of JSON Schema the task schemas use: ``type`` (one or a list), ``properties``,
``required``, ``additionalProperties: false``, ``items``, ``enum``, ``minimum``/``maximum``,
``minLength``/``maxLength`` and ``minItems``/``maxItems``. A reply is checked whether or not
the server enforced the schema (many OpenAI-compatible servers ignore ``response_format``).

>>> schema = {"type": "object", "required": ["n"], "additionalProperties": False,
...           "properties": {"n": {"type": "integer", "minimum": 1}}}
>>> validate({"n": 2}, schema)
[]
>>> validate({"n": 0, "x": 1}, schema)
['$.n: 0 < minimum 1', '$: unexpected property x']
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["validate", "parse_reply"]

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """The ways ``value`` breaks ``schema`` (an empty list when it fits), each with its path.

    >>> validate(["a", 3], {"type": "array", "items": {"type": "string"}})
    ['$[1]: expected string, got int']
    """
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_is(value, k) for k in kinds):
            return [f"{path}: expected {'|'.join(kinds)}, got {type(value).__name__}"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not one of {schema['enum']!r}")
    if _is(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value!r} < minimum {schema['minimum']!r}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value!r} > maximum {schema['maximum']!r}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']} characters")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                errors += validate(item, schema["items"], f"{path}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing property {name}")
        for name, item in value.items():
            if name in props:
                errors += validate(item, props[name], f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {name}")
    return errors


_THINKING = re.compile(r"<think>.*?</think>", re.S)


def parse_reply(content: str, schema: dict[str, Any]) -> tuple[Any, list[str]]:
    """The JSON in a reply's text and how it breaks ``schema`` (``[]``: it fits).

    Models asked for JSON still wrap it now and then in a Markdown fence or a sentence; the
    outermost ``{…}`` is taken. Reasoning models (DeepSeek-R1, Qwen3) put their thinking in
    ``<think>…</think>`` before the answer, braces and all: it is left out first. A reply
    without JSON gives ``(None, [reason])``.

    >>> parse_reply('```json\\n{"a": 1}\\n```', {"type": "object"})
    ({'a': 1}, [])
    >>> parse_reply('<think>用 {"a": 0}？不对</think>{"a": 2}', {"type": "object"})
    ({'a': 2}, [])
    >>> parse_reply("我不知道", {"type": "object"})[1]
    ['no JSON object in the reply']
    """
    text = _THINKING.sub("", content).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None, ["no JSON object in the reply"]
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        return None, [f"not JSON: {exc.msg} at character {exc.pos}"]
    return value, validate(value, schema)
