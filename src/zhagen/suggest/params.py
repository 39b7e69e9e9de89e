"""The options of ``zhagen suggest``, declared once (see :mod:`zhagen.params`).

>>> from zhagen.params import make
>>> make(SuggestParams, {"top": "2", "from_coder": "甲"}).top
2
"""

from __future__ import annotations

from dataclasses import dataclass

from zhagen.params import param, scope_param

__all__ = ["SuggestParams", "QueueParams", "LEARNERS"]

#: Sources of suggestions the command runs itself (the endpoint path has its own options).
LEARNERS = ("builtin",)


@dataclass
class SuggestParams:
    """How the built-in learner suggests codes and how it is evaluated.

    >>> SuggestParams().min_score, SuggestParams().learner
    (0.3, 'builtin')
    """

    from_coder: str | None = param(
        None, "str", "学习对象（编码者）", "learn from coder", optional=True,
        help_zh="从这位编码者的编码学习（项目只有一位编码者时可省略）",
        help_en="learn from this coder's codings (may be left out when there is one coder)",
    )  # fmt: skip
    top: int = param(3, "int", "每句建议数", "suggestions per sentence", low=1, high=10)
    learner: str = param("builtin", "str", "学习器", "learner", choices=LEARNERS,
                         help_zh="内置离线学习器", help_en="the built-in offline learner")  # fmt: skip
    min_score: float = param(
        0.3, "float", "最低分数", "minimum score", low=0.0, high=1.0,
        help_zh="最佳编码的概率低于此值时不作建议", help_en="abstain when the best code's "
        "probability is below this",
    )  # fmt: skip
    seed: int = param(1, "int", "随机种子", "seed")
    holdout: float = param(
        0.3, "float", "留出比例（评估）", "share held out (evaluation)", low=0.05, high=0.9,
        help_zh="评估时按文档留出的已编码句子比例", help_en="share of the coded sentences held "
        "out, by document, when evaluating",
    )  # fmt: skip
    coded: bool = param(
        False, "bool", "也为已编码句子建议", "also suggest for coded sentences",
        help_zh="按文档交叉拟合，也为已编码的句子给出建议（用于 agreement --coders 甲 AI）",
        help_en="cross-fitted by document, also suggest for sentences already coded (for "
        "agreement --coders A AI)",
    )  # fmt: skip
    scope: str | None = scope_param()


@dataclass
class QueueParams:
    """Which open suggestions the workbench's queue shows (and bulk acceptance takes).

    >>> from zhagen.params import make
    >>> make(QueueParams, {"min_score": "0.5", "scope": "type:journal"})
    QueueParams(min_score=0.5, scope='type:journal')
    """

    min_score: float = param(
        0.0, "float", "最低分数", "minimum score", low=0.0, high=1.0,
        help_zh="只显示分数不低于此值的建议", help_en="show only suggestions scoring at least this",
    )  # fmt: skip
    scope: str | None = scope_param()
