"""Where an endpoint is, and whether it is on this machine (no network module imported).

>>> is_local("http://localhost:11434/v1"), is_local("http://[::1]:8080"), is_local("https://api.deepseek.com")
(True, True, False)
>>> chat_url("http://localhost:11434/v1")
'http://localhost:11434/v1/chat/completions'
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from zhagen.errors import ParameterError

__all__ = ["RESPONSE_FORMATS", "ChatRequest", "chat_url", "is_local", "origin"]

#: Ways of asking for structured output, strictest first; a server refusing one gets the next.
RESPONSE_FORMATS = ("json_schema", "json_object", "none")


def chat_url(endpoint: str) -> str:
    """The chat-completions URL of an endpoint given as its base (``…/v1``) or in full.

    >>> chat_url("https://api.deepseek.com/v1/chat/completions")
    'https://api.deepseek.com/v1/chat/completions'
    """
    url = endpoint.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError(
            f"端点 {endpoint!r} 不是 http(s) 地址；例如 http://localhost:11434/v1（Ollama）",
            f"endpoint {endpoint!r} is not an http(s) URL; e.g. http://localhost:11434/v1 (Ollama)",
        )
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def origin(endpoint: str) -> str:
    """``scheme://host:port`` of an endpoint: what a confirmation to send text is given for.

    >>> origin("https://API.deepseek.com/v1")
    'https://api.deepseek.com:443'
    """
    parts = urllib.parse.urlsplit(chat_url(endpoint))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    return f"{parts.scheme}://{'[' + host + ']' if ':' in host else host}:{port}"


def is_local(endpoint: str) -> bool:
    """Whether an endpoint is on this machine: a loopback address (127.0.0.0/8, ::1) or the
    name ``localhost`` (or a name under ``.localhost``, which RFC 6761 reserves for loopback).

    Only these count: a server elsewhere on the local network is another machine, and a
    host name is not looked up (a name may point anywhere, and the look-up itself would ask
    a name server).

    >>> is_local("http://127.0.0.2:8000"), is_local("http://192.168.1.5:11434"), is_local("http://ollama.localhost")
    (True, False, True)
    """
    host = (urllib.parse.urlsplit(chat_url(endpoint)).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ChatRequest:
    """One request: the messages, the schema its reply must fit, the sampling parameters
    (``temperature``, ``seed``, ``max_tokens``) and the prompt hash that names it."""

    messages: list[dict[str, str]]
    schema: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)
    prompt_hash: str = ""
