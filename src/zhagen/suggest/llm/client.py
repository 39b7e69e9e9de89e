"""A client of the OpenAI chat-completions protocol, over the standard library.

Every server that researchers run or choose speaks it: Ollama (``http://localhost:11434/v1``),
the llama.cpp server (``http://127.0.0.1:8080/v1``), vLLM, LM Studio, and cloud APIs such as
DeepSeek or Qwen (DashScope's compatible mode). One request is a list of messages and a JSON
schema the reply must fit; :meth:`ChatClient.complete` sends it, retries with backoff on
HTTP 408/429/5xx, timeouts and dropped connections, asks again (up to ``retries`` times) when
the reply is not JSON fitting the schema, and returns either a :class:`ChatReply` or a
:class:`ChatProblem` (a Chinese and English message) — never an exception for one bad answer,
so a batch (:meth:`ChatClient.complete_many`, a pool of ``concurrency`` threads) always ends.

Structured output is asked for with ``response_format``: ``json_schema`` (OpenAI, vLLM,
llama.cpp, Ollama ≥ 0.5), else ``json_object`` (DeepSeek), else nothing; a server that
answers 400 to one form is asked with the next, once per client. The reply is checked
against the schema here whatever the server promised.

No third-party HTTP library: ``urllib.request`` does what is needed, and the package adds
no dependency for it. Redirects are not followed (a local server cannot send the text on
to another host) and a local endpoint is reached without any proxy.

>>> is_local("http://localhost:11434/v1"), is_local("http://[::1]:8080"), is_local("https://api.deepseek.com")
(True, True, False)
>>> chat_url("http://localhost:11434/v1")
'http://localhost:11434/v1/chat/completions'
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from zhagen.errors import ParameterError
from zhagen.suggest.llm.endpoint import (
    RESPONSE_FORMATS,
    ChatRequest,
    chat_url,
    is_local,
    origin,
)
from zhagen.suggest.llm.schema import parse_reply

__all__ = [
    "ChatClient",
    "ChatRequest",
    "ChatReply",
    "ChatProblem",
    "RESPONSE_FORMATS",
    "chat_url",
    "is_local",
    "origin",
    "parse_reply",
]

#: HTTP statuses worth another try after a pause: overloaded, rate-limited, or a gateway hiccup.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
#: The longest pause a server's ``Retry-After`` may impose on one retry (seconds).
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class ChatReply:
    """A reply that fits the schema: ``value`` (parsed JSON), ``content`` (as sent),
    ``attempts`` (HTTP requests it took) and the ``response_format`` that was used."""

    value: Any
    content: str
    attempts: int
    response_format: str
    cached: bool = False
    ok: bool = field(default=True, init=False)


@dataclass(frozen=True)
class ChatProblem:
    """A request that failed after its retries: ``kind`` (``http``, ``timeout``,
    ``connection``, ``invalid_json``, ``error``), the HTTP ``status`` if any, and a message
    in Chinese and English saying what to do."""

    kind: str
    zh: str
    en: str
    attempts: int
    status: int | None = None
    prompt_hash: str = ""
    ok: bool = field(default=False, init=False)

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: text sent to a local server must not be passed on elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # urllib then raises HTTPError with the 3xx status


class ChatClient:
    """Send chat-completion requests to one endpoint and model.

    Parameters
    ----------
    endpoint:
        The base URL (``http://localhost:11434/v1``) or the full chat-completions URL.
    model:
        The model's name on that server (``qwen2.5:7b``, ``deepseek-chat``).
    api_key:
        Sent as ``Authorization: Bearer …`` when given (read it from an environment
        variable; it is never stored).
    allow_remote:
        Must be True for an endpoint that is not :func:`is_local`; the project layer sets it
        only after the researcher confirmed sending text there.
    timeout:
        Seconds to wait for each connection and read.
    retries:
        Further tries of one request after an HTTP 408/429/5xx, a timeout, a dropped
        connection or a reply that does not fit the schema.
    backoff:
        Pause before retry ``n`` (from 0): ``backoff × 2ⁿ`` seconds, or the server's
        ``Retry-After`` (at most 60 s).
    concurrency:
        Requests in flight at once in :meth:`complete_many`.
    response_format:
        The first form of structured output to ask for (:data:`RESPONSE_FORMATS`).
    """

    def __init__(
        self,
        endpoint: str,
        model: str,
        *,
        api_key: str | None = None,
        allow_remote: bool = False,
        timeout: float = 120.0,
        retries: int = 2,
        backoff: float = 1.0,
        concurrency: int = 2,
        response_format: str = "json_schema",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = chat_url(endpoint)
        self.local = is_local(self.url)
        if not self.local and not allow_remote:
            raise ParameterError(
                f"{origin(self.url)} 不在本机：发送文本前须确认（见 zhagen suggest-llm --yes-send-to-remote）",
                f"{origin(self.url)} is not on this machine: confirm sending text there first "
                "(see zhagen suggest-llm --yes-send-to-remote)",
            )
        if response_format not in RESPONSE_FORMATS:
            raise ParameterError(
                f"response_format 只能是 {', '.join(RESPONSE_FORMATS)}",
                f"response_format must be one of {', '.join(RESPONSE_FORMATS)}",
            )
        self.model = model
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.concurrency = max(1, int(concurrency))
        self._format = response_format
        self._lock = threading.Lock()
        self._sleep = sleep
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        # A local endpoint is reached directly: an http_proxy from the environment would
        # otherwise carry the text off the machine.
        proxies = urllib.request.ProxyHandler({} if self.local else None)
        self._opener = urllib.request.build_opener(proxies, _NoRedirect())

    @property
    def response_format(self) -> str:
        """The form of structured output currently asked for (it only ever gets looser)."""
        return self._format

    def _body(self, request: ChatRequest, messages: list[dict[str, str]], fmt: str) -> bytes:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "stream": False}
        body.update(request.params)
        if fmt == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": request.schema, "strict": True},
            }
        elif fmt == "json_object":
            body["response_format"] = {"type": "json_object"}
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def _post(self, data: bytes) -> bytes:
        req = urllib.request.Request(self.url, data=data, headers=self._headers, method="POST")
        with self._opener.open(req, timeout=self.timeout) as resp:
            return resp.read()

    def _loosen(self, used: str) -> bool:
        """After a 400 to ``used``: ask in the next, looser form from now on (False if none)."""
        with self._lock:
            if self._format != used:
                return True  # another thread already loosened it
            i = RESPONSE_FORMATS.index(used)
            if i + 1 >= len(RESPONSE_FORMATS):
                return False
            self._format = RESPONSE_FORMATS[i + 1]
            return True

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * (2**attempt)
        if retry_after:
            try:
                delay = min(MAX_RETRY_AFTER, max(0.0, float(retry_after)))
            except ValueError:
                pass  # an HTTP date: keep our own backoff
        if delay > 0:
            self._sleep(delay)

    def complete(self, request: ChatRequest) -> ChatReply | ChatProblem:
        """Send one request; a :class:`ChatReply` fitting the schema, or a :class:`ChatProblem`."""
        try:
            return self._complete(request)
        except Exception as exc:  # one request's surprise must not end a batch
            return self._problem(
                "error", f"意外错误：{exc!r}", f"unexpected error: {exc!r}", 1, None, request
            )

    def _complete(self, request: ChatRequest) -> ChatReply | ChatProblem:
        messages = list(request.messages)
        attempts = 0
        tries = 0  # tries counted against ``retries`` (a format fallback is free)
        last: ChatProblem | None = None
        while tries <= self.retries:
            fmt = self._format
            attempts += 1
            retry_after = None
            try:
                raw = self._post(self._body(request, messages, fmt))
            except urllib.error.HTTPError as exc:
                status = exc.code
                detail = _error_text(exc)
                if status in (400, 422) and fmt != "none" and self._loosen(fmt):
                    continue
                last = self._http_problem(status, detail, attempts, request)
                if status not in RETRY_STATUSES:
                    return last
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
            except TimeoutError as exc:
                last = self._timeout_problem(exc, attempts, request)
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    last = self._timeout_problem(exc.reason, attempts, request)
                else:
                    last = self._connection_problem(exc.reason, attempts, request)
            except (OSError, http.client.HTTPException) as exc:
                last = self._connection_problem(exc, attempts, request)
            else:
                content, errors = _content(raw)
                value = None
                if not errors:
                    value, errors = parse_reply(content, request.schema)
                if not errors:
                    return ChatReply(value, content, attempts, fmt)
                last = self._invalid_problem(errors, content, attempts, request)
                # ask again, saying what was wrong (the prompt hash still names the request)
                messages = [
                    *request.messages,
                    {"role": "assistant", "content": content[:4000]},
                    {"role": "user", "content": _CORRECTION.format("; ".join(errors[:5]))},
                ]
            tries += 1
            if tries <= self.retries:
                self._pause(tries - 1, retry_after)
        assert last is not None
        return last

    def complete_many(self, requests: Sequence[ChatRequest]) -> list[ChatReply | ChatProblem]:
        """Send many requests, at most ``concurrency`` at once; results in request order.

        Every request ends as a reply or a problem: one failure never stops the others.
        """
        results: list[ChatReply | ChatProblem | None] = [None] * len(requests)
        for i, result in self.complete_iter(requests):
            results[i] = result
        return [r for r in results if r is not None]

    def complete_iter(
        self, requests: Sequence[ChatRequest]
    ) -> Iterator[tuple[int, ChatReply | ChatProblem]]:
        """(index, result) of each request as it completes, at most ``concurrency`` in flight.

        The caller's thread receives every result, so it may write each to a project at once
        (an SQLite connection belongs to its thread) and an interrupted batch keeps what was
        answered so far.
        """
        if not requests:
            return
        if self.concurrency == 1 or len(requests) == 1:
            for i, request in enumerate(requests):
                yield i, self.complete(request)
            return
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            futures = {pool.submit(self.complete, r): i for i, r in enumerate(requests)}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:
                for future in futures:  # a caller that stops early sends nothing more
                    future.cancel()

    # -- problems, in Chinese and English -----------------------------------------------------
    def _problem(
        self, kind: str, zh: str, en: str, attempts: int, status: int | None, request: ChatRequest
    ) -> ChatProblem:
        where = f"{origin(self.url)}（{self.model}）"
        where_en = f"{origin(self.url)} ({self.model})"
        return ChatProblem(
            kind,
            f"{where}：{zh}（共尝试 {attempts} 次）",
            f"{where_en}: {en} (after {attempts} attempt{'s' if attempts != 1 else ''})",
            attempts,
            status,
            request.prompt_hash,
        )

    def _http_problem(
        self, status: int, detail: str, attempts: int, request: ChatRequest
    ) -> ChatProblem:
        hint = _HTTP_HINTS.get(status) or (
            ("服务器出错，稍后重试", "the server failed; try again later")
            if status >= 500
            else ("检查端点地址与参数", "check the endpoint URL and parameters")
        )
        return self._problem(
            "http",
            f"HTTP {status} {detail}；{hint[0]}",
            f"HTTP {status} {detail}; {hint[1]}",
            attempts,
            status,
            request,
        )

    def _timeout_problem(
        self, exc: BaseException, attempts: int, request: ChatRequest
    ) -> ChatProblem:
        return self._problem(
            "timeout",
            f"{self.timeout:g} 秒内无应答；模型可能仍在加载或过慢：加大 --timeout 或减小 --batch-size",
            f"no answer within {self.timeout:g} s; the model may still be loading or too slow: "
            "raise --timeout or lower --batch-size",
            attempts,
            None,
            request,
        )

    def _connection_problem(self, exc: object, attempts: int, request: ChatRequest) -> ChatProblem:
        return self._problem(
            "connection",
            f"连接失败（{exc}）；服务是否已启动、地址和端口是否正确？",
            f"cannot connect ({exc}); is the server running and the address and port right?",
            attempts,
            None,
            request,
        )

    def _invalid_problem(
        self, errors: list[str], content: str, attempts: int, request: ChatRequest
    ) -> ChatProblem:
        shown = content.strip().replace("\n", " ")[:160]
        why = "; ".join(errors[:3])
        return self._problem(
            "invalid_json",
            f"回复不是符合要求的 JSON（{why}）：{shown!r}；换用更大的模型或减小 --batch-size",
            f"the reply is not JSON of the required form ({why}): {shown!r}; use a larger "
            "model or a smaller --batch-size",
            attempts,
            None,
            request,
        )


_CORRECTION = (
    "上一条回复不是符合要求的 JSON：{0}。请只输出符合要求的 JSON，不要附加文字。 / "
    "Your previous reply was not JSON of the required form: {0}. Reply with the JSON only."
)

_HTTP_HINTS = {
    401: (
        "API 密钥无效或未设置（环境变量见 --api-key-env）",
        "the API key is missing or wrong (see --api-key-env)",
    ),
    403: ("无权访问该模型或端点", "no access to this model or endpoint"),
    404: (
        "端点或模型名不存在：检查 --endpoint 与 --model",
        "no such endpoint or model: check --endpoint and --model",
    ),
    429: (
        "请求过多：稍后重试或减小 --concurrency",
        "too many requests: retry later or lower --concurrency",
    ),
}


def _error_text(exc: urllib.error.HTTPError) -> str:
    """A short reason from an error response (its JSON ``error.message`` where there is one)."""
    try:
        body = exc.read(2000).decode("utf-8", "replace")
    except Exception:
        body = ""
    try:
        err = json.loads(body).get("error")
        body = err.get("message", "") if isinstance(err, dict) else str(err or "")
    except (ValueError, AttributeError):
        pass
    return (exc.reason or "") + (f": {body.strip()[:200]}" if body.strip() else "")


def _content(raw: bytes) -> tuple[str, list[str]]:
    """The text of the first choice of a chat-completion response, or why there is none."""
    try:
        data = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError):
        return raw[:200].decode("utf-8", "replace"), ["not a chat-completion response"]
    if not isinstance(content, str):
        return "", ["the reply has no text content"]
    return content, []
