"""The parameters of a run against a language model endpoint, declared once.

The command line (``zhagen suggest-llm``), a web form and ``project.llm.run`` are made from
:class:`LLMParams` (see :mod:`zhagen.params`).

>>> from zhagen.params import check, make
>>> p = make(LLMParams, {"endpoint": "http://localhost:11434/v1", "model": "qwen2.5:7b"})
>>> p.task, p.batch_size, p.concurrency
('deductive', 10, 2)
>>> check(make(LLMParams, {"endpoint": "localhost:11434", "model": "m"}))
Traceback (most recent call last):
...
zhagen.errors.ParameterError: 端点 'localhost:11434' 不是 http(s) 地址；例如 http://localhost:11434/v1（Ollama） / endpoint 'localhost:11434' is not an http(s) URL; e.g. http://localhost:11434/v1 (Ollama)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhagen.errors import ParameterError
from zhagen.params import param, scope_param
from zhagen.suggest.llm.endpoint import RESPONSE_FORMATS, chat_url
from zhagen.suggest.llm.prompts import TASKS

__all__ = ["LLMParams", "DEFAULT_KEY_ENV"]

#: The environment variable the API key is read from unless ``api_key_env`` names another.
DEFAULT_KEY_ENV = "ZHAGEN_LLM_API_KEY"


def _endpoint(value: Any) -> None:
    chat_url(str(value))


def _model(value: Any) -> None:
    if not str(value).strip():
        raise ParameterError(
            "须给出模型名（--model），如 qwen2.5:7b；Ollama 上用 ollama list 查看",
            "give the model's name (--model), e.g. qwen2.5:7b; on Ollama see `ollama list`",
        )


@dataclass
class LLMParams:
    """What a run asks of which endpoint, and how (every field is a :func:`~zhagen.params.param`)."""

    endpoint: str = param(
        None, "str", "端点", "endpoint", main=True, metavar="URL", validate=_endpoint,
        help_zh="OpenAI 兼容服务的地址，如 http://localhost:11434/v1（Ollama）",
        help_en="the OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama)",
    )  # fmt: skip
    model: str = param(
        None, "str", "模型", "model", main=True, metavar="NAME", validate=_model,
        help_zh="服务上的模型名，如 qwen2.5:7b", help_en="the model's name there, e.g. qwen2.5:7b",
    )  # fmt: skip
    task: str = param(
        "deductive", "str", "任务", "task", choices=TASKS, main=True,
        help_zh="deductive 按编码本编码；open 提出初始概念；axial 归纳范畴；storyline 故事线草稿",
        help_en="deductive: code with the code book; open: propose initial concepts; axial: "
        "group concepts into categories; storyline: draft a storyline",
    )  # fmt: skip
    scope: str | None = scope_param()
    coder: str = param(
        None, "str", "编码者", "coder", optional=True,
        help_zh="以其编码为范例、跳过其已编码的句子（默认全部编码者）",
        help_en="whose codings are the examples and whose coded sentences are skipped "
        "(default every coder)",
    )  # fmt: skip
    limit: int = param(
        200, "int", "句子上限", "sentence limit", low=1,
        help_zh="一次最多发送的句子数（防止误发整个语料）",
        help_en="at most this many sentences are sent in one run (so a corpus is never sent by accident)",
    )  # fmt: skip
    batch_size: int = param(10, "int", "每次请求的句子数", "sentences per request", low=1, high=100)
    top: int = param(3, "int", "每句建议数", "suggestions per sentence", low=1, high=10)
    examples: int = param(3, "int", "每个编码的范例数", "examples per code", low=0, high=20)
    concurrency: int = param(2, "int", "并发请求数", "requests at once", low=1, high=32)
    timeout: float = param(120.0, "float", "超时（秒）", "timeout (s)", low=0, low_open=True)
    retries: int = param(2, "int", "重试次数", "retries", low=0, high=10)
    backoff: float = param(1.0, "float", "重试间隔（秒）", "backoff (s)", low=0)
    temperature: float = param(0.0, "float", "温度", "temperature", low=0, high=2)
    seed: int = param(42, "int", "随机种子", "seed", optional=True)
    max_tokens: int = param(None, "int", "最大生成长度", "max tokens", optional=True, low=1)
    response_format: str = param(
        "json_schema", "str", "结构化输出方式", "structured output", choices=RESPONSE_FORMATS,
        help_zh="服务拒绝时自动降级", help_en="loosened automatically when the server refuses it",
    )  # fmt: skip
    prompt: str = param(
        None, "path", "提示词文件", "prompt file", optional=True, web=False, metavar="FILE",
        help_zh="改写后的提示词 TOML（以自带的为模板）",
        help_en="an edited prompt TOML (start from the shipped one)",
    )  # fmt: skip
    api_key_env: str = param(
        DEFAULT_KEY_ENV, "str", "API 密钥环境变量", "API key variable", web=False,
        help_zh="从此环境变量读取 API 密钥（密钥从不存入项目）",
        help_en="the API key is read from this environment variable (never stored in the project)",
    )  # fmt: skip
