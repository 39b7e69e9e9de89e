"""The OpenAI-compatible client against a real local HTTP server with scripted answers."""

from __future__ import annotations

import json

import pytest

from llm_server import ChatServer
from zhagen.errors import ParameterError
from zhagen.suggest.llm.client import ChatClient, ChatRequest, is_local, origin

SCHEMA = {
    "type": "object",
    "required": ["codes"],
    "additionalProperties": False,
    "properties": {"codes": {"type": "array", "items": {"type": "string"}}},
}
GOOD = {"codes": ["政策支持"]}


def request(n: int = 0) -> ChatRequest:
    return ChatRequest(
        messages=[{"role": "user", "content": f"句子 {n}：政府提供政策支持。只输出 JSON。"}],
        schema=SCHEMA,
        params={"temperature": 0},
        prompt_hash=f"h{n}",
    )


def client(server: ChatServer, **options) -> ChatClient:
    options.setdefault("backoff", 0)
    options.setdefault("timeout", 5)
    return ChatClient(server.url, "test-model", **options)


def test_valid_json_reply_is_parsed_and_the_request_is_openai_shaped():
    with ChatServer([{"json": GOOD}]) as server:
        reply = client(server, api_key="sk-test").complete(request())
    assert reply.ok and reply.value == GOOD and reply.attempts == 1
    sent = server.requests[0]
    assert sent["_path"] == "/v1/chat/completions"
    assert sent["model"] == "test-model" and sent["temperature"] == 0
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert sent["_auth"] == "Bearer sk-test"


def test_fenced_json_is_accepted():
    with ChatServer([{"text": '好的：\n```json\n{"codes": ["政策支持"]}\n```'}]) as server:
        reply = client(server).complete(request())
    assert reply.ok and reply.value == GOOD


def test_invalid_json_is_retried_with_the_reason_then_succeeds():
    with ChatServer([{"text": "这不是 JSON"}, {"json": {"codes": "x"}}, {"json": GOOD}]) as server:
        reply = client(server, retries=2).complete(request())
    assert reply.ok and reply.value == GOOD and reply.attempts == 3
    # the retry tells the model what was wrong
    assert "expected array" in server.requests[2]["messages"][-1]["content"]
    assert server.requests[1]["messages"][-2]["content"] == "这不是 JSON"


def test_invalid_json_after_retries_is_a_bilingual_problem_not_an_exception():
    with ChatServer([{"text": "对不起，我无法回答"}]) as server:
        problem = client(server, retries=2).complete(request())
    assert not problem.ok and problem.kind == "invalid_json"
    assert problem.attempts == 3 and len(server.requests) == 3
    assert "不是符合要求的 JSON" in problem.zh and "not JSON of the required form" in problem.en
    assert "对不起" in problem.zh and problem.prompt_hash == "h0"


def test_timeout_is_retried_then_reported():
    with ChatServer([{"sleep": 3, "json": GOOD}]) as server:
        problem = client(server, timeout=0.2, retries=1).complete(request())
    assert problem.kind == "timeout" and problem.attempts == 2
    assert "秒内无应答" in problem.zh and "--timeout" in problem.en


def test_timeout_then_success():
    with ChatServer([{"sleep": 3, "json": GOOD}, {"json": GOOD}]) as server:
        reply = client(server, timeout=0.2, retries=1).complete(request())
    assert reply.ok and reply.attempts == 2


def test_429_then_success_waits_as_told():
    waits: list[float] = []
    script = [{"status": 429, "headers": {"Retry-After": "7"}}, {"json": GOOD}]
    with ChatServer(script) as server:
        reply = client(server, sleep=waits.append).complete(request())
    assert reply.ok and reply.attempts == 2 and len(server.requests) == 2
    assert waits == [7.0]  # the server's Retry-After, not our own backoff


def test_500_is_retried_with_backoff_then_a_problem():
    waits: list[float] = []
    with ChatServer([{"status": 500, "message": "model crashed"}]) as server:
        problem = client(server, retries=2, backoff=0.5, sleep=waits.append).complete(request())
    assert problem.kind == "http" and problem.status == 500 and problem.attempts == 3
    assert waits == [0.5, 1.0]
    assert "model crashed" in problem.en and "HTTP 500" in problem.zh


def test_404_is_not_retried():
    with ChatServer([{"status": 404, "message": "model 'x' not found"}]) as server:
        problem = client(server, retries=3).complete(request())
    assert problem.status == 404 and len(server.requests) == 1
    assert "--model" in problem.en and "模型名" in problem.zh


def test_a_server_refusing_json_schema_is_asked_with_json_object():
    script = [{"status": 400, "message": "response_format json_schema unsupported"}, {"json": GOOD}]
    with ChatServer(script) as server:
        c = client(server)
        reply = c.complete(request())
    assert reply.ok and reply.response_format == "json_object"
    assert server.requests[1]["response_format"] == {"type": "json_object"}
    assert c.response_format == "json_object"


def test_connection_refused_is_a_problem():
    with ChatServer() as server:
        url = server.url
    c = ChatClient(url, "m", retries=1, backoff=0, timeout=2)
    problem = c.complete(request())
    assert problem.kind == "connection" and "服务是否已启动" in problem.zh


def test_a_batch_survives_mixed_failures_and_keeps_order():
    def reply(body):
        text = body["messages"][0]["content"]
        return "乱码" if "句子 1" in text else json.dumps({"codes": [text[:4]]})

    with ChatServer([{"reply": reply}]) as server:
        results = client(server, retries=0, concurrency=3).complete_many(
            [request(i) for i in range(5)]
        )
    assert [r.ok for r in results] == [True, False, True, True, True]
    assert [r.value["codes"][0] for r in results if r.ok] == [
        "句子 0",
        "句子 2",
        "句子 3",
        "句子 4",
    ]


def test_concurrency_is_bounded():
    with ChatServer([{"json": GOOD}], hold=2) as server:
        results = client(server, concurrency=2).complete_many([request(i) for i in range(8)])
    assert all(r.ok for r in results) and len(server.requests) == 8
    assert server.max_in_flight == 2


def test_a_remote_endpoint_is_refused_without_permission():
    with pytest.raises(ParameterError) as err:
        ChatClient("https://api.deepseek.com/v1", "deepseek-chat")
    assert "不在本机" in err.value.zh and "not on this machine" in err.value.en
    assert ChatClient("https://api.deepseek.com", "m", allow_remote=True).url.endswith(
        "/chat/completions"
    )


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:11434/v1", True),
        ("http://127.0.0.1:8080", True),
        ("http://127.8.0.1:8080", True),
        ("http://[::1]:8080/v1", True),
        ("http://LOCALHOST.:1/v1", True),
        ("http://10.0.0.2:11434/v1", False),
        ("http://192.168.1.10:8000/v1", False),
        ("http://localhost.example.com/v1", False),
        ("https://dashscope.aliyuncs.com/compatible-mode/v1", False),
    ],
)
def test_what_counts_as_local(url, local):
    assert is_local(url) is local


def test_bad_endpoint_is_a_bilingual_parameter_error():
    with pytest.raises(ParameterError) as err:
        origin("ftp://x/y")
    assert "http(s)" in err.value.zh and "http(s)" in err.value.en
