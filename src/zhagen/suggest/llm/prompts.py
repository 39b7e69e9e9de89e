"""Prompts as versioned package data a researcher can read and override.

Each task has a TOML file in ``zhagen/suggest/llm/prompts/`` (``deductive.toml``,
``open.toml``, ``axial.toml``, ``storyline.toml``) with a ``version``, a ``system`` and a
``user`` message; ``$name`` placeholders are filled in by the task (:mod:`string.Template`,
so the braces of JSON need no escaping). A researcher copies one, edits the wording and
passes its path (``--prompt FILE``); the version is stored with every suggestion.

The prompt hash names a request: the sha256 of the model, the rendered messages and the
sampling parameters, as canonical JSON. The same hash means the same question to the same
model, so its cached answer may be reused (``store/llm_cache.py``).

>>> p = load_prompt("deductive")
>>> p.version, sorted(p.placeholders)
('deductive-1', ['codebook', 'schema', 'sentences', 'top'])
>>> messages = load_prompt("open").render(sentences="[1] 企业是创新主体。", top=2, schema="{}")
>>> [m["role"] for m in messages], "[1] 企业是创新主体。" in messages[1]["content"]
(['system', 'user'], True)
>>> len(prompt_hash("qwen2.5:7b", messages, {"temperature": 0}))
64
"""

from __future__ import annotations

import hashlib
import json
import os
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from zhagen.errors import InputError, ParameterError

__all__ = ["TASKS", "Prompt", "load_prompt", "prompt_hash"]

#: The tasks an endpoint can do, each with its prompt file.
TASKS = ("deductive", "open", "axial", "storyline")


@dataclass(frozen=True)
class Prompt:
    """One task's prompt: its version, system and user templates, and where it was read."""

    task: str
    version: str
    system: str
    user: str
    source: str

    @property
    def placeholders(self) -> set[str]:
        """The ``$names`` the templates use."""
        found: set[str] = set()
        for text in (self.system, self.user):
            for match in string.Template.pattern.finditer(text):
                name = match.group("named") or match.group("braced")
                if name:
                    found.add(name)
        return found

    def render(self, **values: Any) -> list[dict[str, str]]:
        """The chat messages with the placeholders filled in; a placeholder without a value
        is an :class:`~zhagen.errors.InputError` naming the prompt file."""
        missing = sorted(self.placeholders - set(values))
        if missing:
            raise InputError(
                f"提示词中的占位符 {', '.join('$' + m for m in missing)} 不是任务 {self.task} 提供的；"
                f"可用：{', '.join('$' + v for v in sorted(values))}",
                f"placeholder(s) {', '.join('$' + m for m in missing)} are not given by task "
                f"{self.task}; available: {', '.join('$' + v for v in sorted(values))}",
                file=self.source,
            )
        text = {k: str(v) for k, v in values.items()}
        return [
            {"role": "system", "content": string.Template(self.system).substitute(text).strip()},
            {"role": "user", "content": string.Template(self.user).substitute(text).strip()},
        ]


def load_prompt(task: str, path: str | os.PathLike[str] | None = None) -> Prompt:
    """The prompt of ``task``: the one shipped with zhagen, or the TOML file at ``path``.

    >>> load_prompt("summary")
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 任务只能是 deductive, open, axial, storyline（当前 'summary'） / task must be one of deductive, open, axial, storyline (got 'summary')
    """
    if task not in TASKS:
        raise ParameterError(
            f"任务只能是 {', '.join(TASKS)}（当前 {task!r}）",
            f"task must be one of {', '.join(TASKS)} (got {task!r})",
        )
    if path is None:
        source = f"zhagen/suggest/llm/prompts/{task}.toml"
        data = (resources.files("zhagen.suggest.llm") / "prompts" / f"{task}.toml").read_bytes()
    else:
        source = os.fspath(path)
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputError(
                f"无法读取提示词文件：{exc.strerror}",
                f"cannot read the prompt file: {exc.strerror}",
                file=source,
            ) from None
    try:
        fields = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"提示词文件不是 UTF-8 的 TOML：{exc}；以 zhagen 自带的 {task}.toml 为模板",
            f"the prompt file is not UTF-8 TOML: {exc}; start from zhagen's own {task}.toml",
            file=source,
        ) from None
    missing = [k for k in ("version", "system", "user") if not isinstance(fields.get(k), str)]
    if missing:
        raise InputError(
            f"提示词文件缺少文本字段 {', '.join(missing)}（须有 version、system、user）",
            f"the prompt file lacks the text field(s) {', '.join(missing)} "
            "(it needs version, system and user)",
            file=source,
        )
    return Prompt(task, fields["version"], fields["system"], fields["user"], source)


def prompt_hash(model: str, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    """sha256 (hex) of the model, the messages and the sampling parameters as canonical JSON."""
    blob = json.dumps(
        {"model": model, "messages": messages, "params": params},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
