"""The four tasks of a language model, as pure functions over plain data.

Each task turns its inputs into requests (:func:`plan`: the prompt rendered for a batch,
the JSON schema its reply must fit, the prompt hash) and a reply back into plain data
(:func:`read`): suggestion dicts with the fields of ``zhagen.suggest.model.Suggestion``
for the sentence tasks, proposal dicts for the others.

Inputs:

- a *sentence*: ``{"document", "sentence" (index from 0), "start", "end", "text"}``
- a *code book entry*: ``{"id", "name", "description", "examples": [text, …]}``
- a *concept* (axial): ``{"name", "description", "quotes": [text, …]}``
- a *category* (storyline): ``{"name", "description", "members": [name, …]}``

Tasks:

``deductive``
    Codes from the code book for each sentence, at most ``top``, ranked by the model's
    score; the span is the sentence (as a human codes it, so agreement compares like with
    like), the quote is kept only if it is in the sentence word for word.
``open``
    Initial concepts for each sentence: a suggestion of a *new* code (``new_code``) whose
    span is the quote when it is in the sentence word for word, else the sentence.
``axial``
    Categories grouping the concepts, with reasons (proposals ``kind="category"``).
``storyline``
    A storyline draft and a candidate core category (a proposal ``kind="storyline"``).

>>> sentences = [{"document": 1, "sentence": 0, "start": 0, "end": 9, "text": "政府提供政策支持。"}]
>>> book = [{"id": 7, "name": "政策支持", "description": "政府的扶持", "examples": []}]
>>> [planned] = plan("deductive", sentences, codebook=book, model="m")
>>> reply = {"codings": [{"sentence": 1, "code": "政策支持", "score": 0.9,
...                       "quote": "政策支持", "rationale": "提到政府扶持"}]}
>>> out = read(planned, reply)
>>> s = out.suggestions[0]
>>> (s["document"], s["sentence"], s["code"], s["rank"], s["quote"], s["start"], s["end"])
(1, 0, 7, 1, '政策支持', 0, 9)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zhagen.errors import ParameterError
from zhagen.suggest.llm.endpoint import ChatRequest
from zhagen.suggest.llm.prompts import TASKS, Prompt, load_prompt, prompt_hash

__all__ = ["Planned", "Outcome", "plan", "read", "failed", "schema_of", "SENTENCE_TASKS"]

#: Tasks whose inputs are sentences and whose results are suggestions.
SENTENCE_TASKS = ("deductive", "open")
#: Longest example or quote shown in a prompt, in characters (a prompt stays small).
MAX_SNIPPET = 160


@dataclass(frozen=True)
class Planned:
    """One request of a task before it is sent: the request and the inputs it covers."""

    task: str
    request: ChatRequest
    items: list[dict[str, Any]]
    model: str
    prompt_version: str
    parameters: dict[str, Any]
    codes: dict[str, int] = field(default_factory=dict)  # code name → id (deductive)


@dataclass
class Outcome:
    """What replies gave: suggestion dicts, proposal dicts, and problems (dicts with
    ``severity``, ``kind``, ``zh``, ``en``, ``prompt_hash``, ``sentences``)."""

    suggestions: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: Outcome) -> None:
        self.suggestions += other.suggestions
        self.proposals += other.proposals
        self.problems += other.problems


def _snip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SNIPPET else text[: MAX_SNIPPET - 1] + "…"


def _item(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(props), "additionalProperties": False,
            "properties": props}  # fmt: skip


def _wrap(key: str, item: dict[str, Any]) -> dict[str, Any]:
    return _item({key: {"type": "array", "items": item}})


_SCORE = {"type": "number", "minimum": 0, "maximum": 1}


def schema_of(task: str, *, n: int = 1, names: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON schema of a reply to ``task`` over ``n`` numbered inputs (``names``: the
    allowed code or concept names, as an enum, where the task uses them).

    >>> schema_of("open", n=3)["properties"]["concepts"]["items"]["required"]
    ['sentence', 'name', 'quote', 'rationale', 'score']
    """
    number = {"type": "integer", "minimum": 1, "maximum": max(1, n)}
    name: dict[str, Any] = {"type": "string", "minLength": 1}
    if names:
        name = {"type": "string", "enum": list(names)}
    text = {"type": "string"}
    if task == "deductive":
        return _wrap("codings", _item({"sentence": number, "code": name, "score": _SCORE,
                                       "quote": text, "rationale": text}))  # fmt: skip
    if task == "open":
        concept = {"type": "string", "minLength": 1, "maxLength": 40}
        return _wrap("concepts", _item({"sentence": number, "name": concept, "quote": text,
                                        "rationale": text, "score": _SCORE}))  # fmt: skip
    if task == "axial":
        members = {"type": "array", "items": name}
        return _wrap("categories", _item({"name": {"type": "string", "minLength": 1},
                                          "concepts": members, "reason": text}))  # fmt: skip
    if task == "storyline":
        link = _item({"from": text, "to": text, "relation": text})
        return _item({"core_category": {"type": "string", "minLength": 1},
                      "storyline": {"type": "string", "minLength": 1},
                      "links": {"type": "array", "items": link}})  # fmt: skip
    raise ParameterError(
        f"任务只能是 {', '.join(TASKS)}（当前 {task!r}）",
        f"task must be one of {', '.join(TASKS)} (got {task!r})",
    )


def _codebook_text(codebook: Sequence[dict[str, Any]]) -> str:
    lines = []
    for entry in codebook:
        desc = _snip(entry.get("description") or "")
        lines.append(f"- {entry['name']}" + (f"：{desc}" if desc else ""))
        examples = [_snip(e) for e in entry.get("examples") or [] if str(e).strip()]
        if examples:
            lines.append("  例 / examples: " + "；".join(f"「{e}」" for e in examples))
    return "\n".join(lines)


def _numbered(items: Sequence[dict[str, Any]]) -> str:
    return "\n".join(f"[{i}] {' '.join(str(s['text']).split())}" for i, s in enumerate(items, 1))


def _concepts_text(concepts: Sequence[dict[str, Any]]) -> str:
    lines = []
    for c in concepts:
        desc = _snip(c.get("description") or "")
        quotes = "；".join(f"「{_snip(q)}」" for q in (c.get("quotes") or [])[:3])
        lines.append(
            f"- {c['name']}" + (f"：{desc}" if desc else "") + (f" {quotes}" if quotes else "")
        )
    return "\n".join(lines)


def _categories_text(categories: Sequence[dict[str, Any]]) -> str:
    lines = []
    for c in categories:
        desc = _snip(c.get("description") or "")
        members = "、".join(c.get("members") or [])
        lines.append(f"- {c['name']}" + (f"：{desc}" if desc else "")
                     + (f"（包括 / includes：{members}）" if members else ""))  # fmt: skip
    return "\n".join(lines)


def _sampling(
    temperature: float | None, seed: int | None, max_tokens: int | None
) -> dict[str, Any]:
    out = {"temperature": temperature, "seed": seed, "max_tokens": max_tokens}
    return {k: v for k, v in out.items() if v is not None}


def plan(
    task: str,
    inputs: Sequence[dict[str, Any]],
    *,
    model: str,
    codebook: Sequence[dict[str, Any]] = (),
    prompt: Prompt | None = None,
    batch_size: int = 10,
    top: int = 3,
    temperature: float | None = 0.0,
    seed: int | None = None,
    max_tokens: int | None = None,
    parameters: dict[str, Any] | None = None,
) -> list[Planned]:
    """The requests of ``task`` over ``inputs`` (sentences, concepts or categories).

    Sentence tasks send ``batch_size`` sentences a request; axial and storyline send all
    their inputs in one. ``parameters`` (the run's settings, JSON-ready) are stored with
    every suggestion; the prompt's version is added to them.

    >>> sentences = [{"document": 1, "sentence": i, "start": 0, "end": 2, "text": "句子"}
    ...              for i in range(25)]
    >>> [len(p.items) for p in plan("open", sentences, model="m", batch_size=10)]
    [10, 10, 5]
    """
    prompt = prompt or load_prompt(task)
    if prompt.task != task:
        raise ParameterError(
            f"提示词属于任务 {prompt.task}，不是 {task}",
            f"the prompt is for {prompt.task}, not {task}",
        )
    sampling = _sampling(temperature, seed, max_tokens)
    params = {**(parameters or {}), "task": task, "prompt_version": prompt.version,
              "top": int(top)}  # fmt: skip
    if task in SENTENCE_TASKS:
        if task == "deductive" and not codebook:
            raise ParameterError(
                "演绎编码需要编码本：项目中还没有编码（先建立编码，或改用 --task open）",
                "deductive coding needs a code book: the project has no codes yet "
                "(add codes first, or use --task open)",
            )
        size = max(1, int(batch_size))
        batches = [list(inputs[i : i + size]) for i in range(0, len(inputs), size)]
    else:
        batches = [list(inputs)] if inputs else []
    codes = {str(c["name"]): int(c["id"]) for c in codebook if c.get("id") is not None}
    out = []
    for batch in batches:
        if task == "deductive":
            schema = schema_of(task, n=len(batch), names=[str(c["name"]) for c in codebook])
            values = {"codebook": _codebook_text(codebook), "sentences": _numbered(batch)}
        elif task == "open":
            schema = schema_of(task, n=len(batch))
            values = {"sentences": _numbered(batch)}
        elif task == "axial":
            # no enum here: one made-up concept name should drop that name (with a
            # warning), not void a reply about every concept
            schema = schema_of(task)
            values = {"concepts": _concepts_text(batch)}
        else:
            schema = schema_of(task)
            values = {"categories": _categories_text(batch)}
        values |= {"top": int(top), "schema": json.dumps(schema, ensure_ascii=False)}
        messages = prompt.render(**values)
        key = prompt_hash(model, messages, sampling)
        request = ChatRequest(messages, schema, sampling, key)
        out.append(Planned(task, request, batch, model, prompt.version, params, codes))
    return out


def _problem(planned: Planned, kind: str, zh: str, en: str, severity: str = "warning") -> dict:
    sentences = [[s["document"], s["sentence"]] for s in planned.items if "sentence" in s]
    return {"severity": severity, "kind": kind, "zh": zh, "en": en,
            "prompt_hash": planned.request.prompt_hash, "sentences": sentences}  # fmt: skip


def failed(planned: Planned, zh: str, en: str, kind: str) -> Outcome:
    """The outcome of a request that got no usable reply: one error naming what it covered."""
    where = ""
    if planned.task in SENTENCE_TASKS and planned.items:
        first, last = planned.items[0], planned.items[-1]
        where = (f"文档 #{first['document']} 第 {first['sentence'] + 1} 句至文档 #{last['document']} "
                 f"第 {last['sentence'] + 1} 句未获建议：")  # fmt: skip
        where_en = (f"no suggestions for document #{first['document']} sentence "
                    f"{first['sentence'] + 1} to document #{last['document']} sentence "
                    f"{last['sentence'] + 1}: ")  # fmt: skip
    else:
        where_en = f"no {planned.task} proposal: "
        where = f"未获得{planned.task}建议："
    return Outcome(problems=[_problem(planned, kind, where + zh, where_en + en, "error")])


def _suggestion(planned: Planned, s: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base = {"document": int(s["document"]), "start": int(s["start"]), "end": int(s["end"]),
            "sentence": int(s["sentence"]), "code": None, "new_code": None, "score": 0.0,
            "rank": 1, "rationale": "", "quote": "", "source": "model",
            "source_version": planned.model, "parameters": dict(planned.parameters),
            "prompt_hash": planned.request.prompt_hash, "created": None}  # fmt: skip
    return base | fields


def read(planned: Planned, value: dict[str, Any], *, top: int | None = None) -> Outcome:
    """Plain data from a reply that fits :func:`schema_of` (checked by the client).

    Per sentence, the same code (or concept name) given twice keeps its best score; the rest
    are ranked by score (ties by name) and cut at ``top`` (default: the run's ``top``
    parameter, else 3). Answers about a sentence number or code the request did not have
    are left out with a warning.
    """
    top = top or int(planned.parameters.get("top") or 3)
    if planned.task == "axial":
        return _read_axial(planned, value)
    if planned.task == "storyline":
        return Outcome(proposals=[{
            "kind": "storyline", "core_category": value["core_category"].strip(),
            "storyline": value["storyline"].strip(), "links": value["links"],
            "model": planned.model, "prompt_version": planned.prompt_version,
            "prompt_hash": planned.request.prompt_hash}])  # fmt: skip
    out = Outcome()
    key = "codings" if planned.task == "deductive" else "concepts"
    best: dict[int, dict[str, dict[str, Any]]] = {}
    for answer in value[key]:
        k = answer["sentence"]
        if not 1 <= k <= len(planned.items):
            out.problems.append(_problem(planned, "sentence", f"回复提到不存在的句子 [{k}]，已忽略",
                                         f"the reply names a sentence [{k}] that was not sent; ignored"))  # fmt: skip
            continue
        name = str(answer["code" if planned.task == "deductive" else "name"]).strip()
        if planned.task == "deductive" and name not in planned.codes:
            out.problems.append(_problem(planned, "code", f"回复中的编码「{name}」不在编码本中，已忽略",
                                         f"the reply's code '{name}' is not in the code book; ignored"))  # fmt: skip
            continue
        seen = best.setdefault(k, {})
        if name not in seen or answer["score"] > seen[name]["score"]:
            seen[name] = answer
    for k in sorted(best):
        s = planned.items[k - 1]
        ranked = sorted(best[k].items(), key=lambda kv: (-kv[1]["score"], kv[0]))[:top]
        for rank, (name, answer) in enumerate(ranked, 1):
            quote = str(answer["quote"]).strip()
            at = str(s["text"]).find(quote) if quote else -1
            if quote and at < 0:
                out.problems.append(_problem(planned, "quote",
                    f"文档 #{s['document']} 第 {s['sentence'] + 1} 句：引文不是原文摘录，已去掉",
                    f"document #{s['document']} sentence {s['sentence'] + 1}: the quote is not "
                    "in the sentence word for word; dropped"))  # fmt: skip
                quote = ""
            fields = {"score": float(answer["score"]), "rank": rank, "quote": quote,
                      "rationale": str(answer["rationale"]).strip()}  # fmt: skip
            if planned.task == "deductive":
                fields["code"] = planned.codes[name]
            else:
                fields["new_code"] = name
                if quote:  # an open code names the words it rests on
                    fields["start"] = int(s["start"]) + at
                    fields["end"] = fields["start"] + len(quote)
            out.suggestions.append(_suggestion(planned, s, **fields))
    return out


def _read_axial(planned: Planned, value: dict[str, Any]) -> Outcome:
    out = Outcome()
    known = {str(c["name"]) for c in planned.items}
    placed: set[str] = set()
    for cat in value["categories"]:
        members = [m for m in dict.fromkeys(str(m).strip() for m in cat["concepts"])]
        unknown = [m for m in members if m not in known]
        again = [m for m in members if m in placed]
        if unknown or again:
            out.problems.append(_problem(planned, "concept",
                f"范畴「{cat['name']}」中的概念 {'、'.join(unknown + again)} 不存在或已归入其他范畴，已去掉",
                f"category '{cat['name']}': concept(s) {', '.join(unknown + again)} unknown or "
                "already in another category; dropped"))  # fmt: skip
        members = [m for m in members if m in known and m not in placed]
        placed.update(members)
        out.proposals.append({"kind": "category", "name": str(cat["name"]).strip(),
                              "concepts": members, "reason": str(cat["reason"]).strip(),
                              "model": planned.model, "prompt_version": planned.prompt_version,
                              "prompt_hash": planned.request.prompt_hash})  # fmt: skip
    return out
