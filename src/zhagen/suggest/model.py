"""A suggestion as plain data: what the learner or a language model proposes for one span.

One :class:`Suggestion` is (document, span, sentence, code or proposed new code name,
score, rank, rationale, quote, source and its version, parameters, prompt hash, time).
It is what every source of suggestions produces — the built-in learner
(:mod:`zhagen.suggest.learner`) and the OpenAI-compatible endpoint path
(``zhagen.suggest.llm``) — and what ``project.suggestions.add_many`` stores. A suggestion
is never a coding: it becomes one only when a researcher accepts it.

>>> s = Suggestion(document=1, start=0, end=9, sentence=0, code=3, score=0.82, rank=1,
...                source="learner", source_version="builtin-1")
>>> s.sentence + 1, s.status, s.target
(1, 'open', 3)
>>> Suggestion.from_dict(s.to_dict()) == s
True
>>> Suggestion(document=1, start=0, end=9, sentence=0, new_code="政策协同", score=0.6,
...            rank=1, source="model", source_version="qwen2.5:7b").target
'政策协同'
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from zhagen.errors import ParameterError

__all__ = ["Suggestion", "SOURCES", "STATUSES", "AI_CODER"]

#: Where a suggestion comes from: the built-in learner or a language model endpoint.
SOURCES = ("learner", "model")
#: A stored suggestion's state: open (waiting), accepted (now a coding), rejected
#: (remembered: the same sentence and code is never suggested again).
STATUSES = ("open", "accepted", "rejected")
#: The coder name under which the top-1 suggestions take part in agreement
#: (``zhagen agreement --coders 甲 AI``); never a coder who codes.
AI_CODER = "AI"


@dataclass(frozen=True)
class Suggestion:
    """One proposed coding.

    Parameters
    ----------
    document:
        Document id.
    start, end:
        Code points into the document's cleaned text, end exclusive (a sentence's span
        for the learner; a quote's span for a model).
    sentence:
        Index of the sentence holding the span, from 0 (people see ``sentence + 1``).
    code:
        Id of an existing code; or None with ``new_code`` set.
    new_code:
        Name of a code the source proposes to create (open coding); None when ``code``.
    score:
        The source's confidence in [0, 1] (a probability for the learner).
    rank:
        1 for the best suggestion for this span, 2 for the next, …
    source:
        ``"learner"`` or ``"model"``.
    source_version:
        The learner's version or the model's name, so a run can be told apart later.
    rationale, quote:
        Why (one line, from a model) and the words it rests on.
    parameters:
        Every parameter that produced it (JSON-serialisable).
    prompt_hash:
        The hash of the prompt a model answered (None for the learner).
    created:
        ISO time it was made (set by the store when None).
    id, status, coding:
        Set on stored suggestions: row id, ``open``/``accepted``/``rejected``, and the
        coding an accepted suggestion became.
    code_name:
        The code's name (filled in when read from a project).
    """

    document: int
    start: int
    end: int
    sentence: int
    score: float
    rank: int
    source: str
    source_version: str
    code: int | None = None
    new_code: str | None = None
    rationale: str = ""
    quote: str = ""
    parameters: dict[str, Any] = field(default_factory=dict, compare=True)
    prompt_hash: str | None = None
    created: str | None = None
    id: int | None = None
    status: str = "open"
    coding: int | None = None
    code_name: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if (self.code is None) == (self.new_code is None or not str(self.new_code).strip()):
            problems.append(("须且只须给出 code（编码编号）或 new_code（新编码名）之一",
                             "give exactly one of code (a code id) or new_code (a new name)"))  # fmt: skip
        if not 0 <= self.start < self.end:
            problems.append((f"范围 [{self.start}, {self.end}) 无效：须 0 ≤ start < end",
                             f"span [{self.start}, {self.end}) is invalid: need 0 ≤ start < end"))  # fmt: skip
        if self.sentence < 0:
            problems.append((f"句子编号 {self.sentence} 无效（从 0 开始）",
                             f"sentence index {self.sentence} is invalid (from 0)"))  # fmt: skip
        if not (isinstance(self.score, int | float) and math.isfinite(self.score)
                and 0.0 <= self.score <= 1.0):  # fmt: skip
            problems.append((f"分数 {self.score!r} 须在 0 到 1 之间",
                             f"score {self.score!r} must be between 0 and 1"))  # fmt: skip
        if self.rank < 1:
            problems.append((f"名次 {self.rank} 须从 1 开始", f"rank {self.rank} must start at 1"))
        if self.source not in SOURCES:
            problems.append((f"来源 {self.source!r} 须为 learner 或 model",
                             f"source {self.source!r} must be learner or model"))  # fmt: skip
        if self.status not in STATUSES:
            problems.append((f"状态 {self.status!r} 须为 open、accepted 或 rejected",
                             f"status {self.status!r} must be open, accepted or rejected"))  # fmt: skip
        if problems:
            where = f"文档 #{self.document} 的建议 / suggestion on document #{self.document}: "
            raise ParameterError(
                where + "；".join(p[0] for p in problems),
                where + "; ".join(p[1] for p in problems),
            )

    @property
    def target(self) -> int | str:
        """The code id, or the proposed new code's name."""
        return self.code if self.code is not None else str(self.new_code)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready plain data (``sentence`` from 0)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suggestion:
        """The inverse of :meth:`to_dict`; unknown keys are refused (a typo is an error)."""
        names = {f.name for f in dataclasses.fields(cls)}
        extra = sorted(set(data) - names)
        if extra:
            raise ParameterError(
                f"建议中有未知字段 {extra}；可用字段：{sorted(names)}",
                f"unknown suggestion fields {extra}; known fields: {sorted(names)}",
            )
        return cls(**data)
