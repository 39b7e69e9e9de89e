"""A real local HTTP server speaking the OpenAI chat-completions protocol, with scripted
answers, for the tests of the endpoint path (``zhagen.suggest.llm``).

Each request takes the next step of the script (the last step repeats); a step is

- ``{"json": obj}``: 200 with ``obj`` as the message content (serialised),
- ``{"text": s}``: 200 with ``s`` as the content (invalid JSON, prose…),
- ``{"status": 429, "headers": {...}}``: that HTTP status with a JSON error body,
- ``{"sleep": seconds, ...}``: wait first (a timeout), then the rest of the step,
- ``{"reply": fn}``: ``fn(request_body) -> content`` (answers that depend on the prompt).

``hold`` makes every request wait until ``hold`` requests are in flight at once (or half a
second passes), so that a test of bounded concurrency does not depend on timing luck. The
server records every request body and the largest number in flight at once.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatServer:
    def __init__(self, script: list[dict[str, Any]] | None = None, *, hold: int = 0) -> None:
        self.script = list(script or [{"json": {}}])
        self.hold = hold
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Condition()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                body["_path"] = self.path
                body["_auth"] = self.headers.get("Authorization")
                step = server._enter(body)
                self._left = False
                try:
                    if step.get("sleep"):
                        server._stop.wait(step["sleep"])
                    self._answer(step, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)
                finally:
                    self._leave()

            def _leave(self) -> None:
                if not self._left:
                    self._left = True
                    server._leave()

            def _answer(self, step: dict[str, Any], body: dict[str, Any]) -> None:
                if "status" in step:
                    payload = json.dumps({"error": {"message": step.get("message", "scripted")}})
                    self.send_response(step["status"])
                    for name, value in step.get("headers", {}).items():
                        self.send_header(name, value)
                else:
                    if "reply" in step:
                        content = step["reply"](body)
                    elif "json" in step:
                        content = json.dumps(step["json"], ensure_ascii=False)
                    else:
                        content = step["text"]
                    payload = json.dumps(
                        {
                            "id": "chatcmpl-test",
                            "object": "chat.completion",
                            "model": body.get("model"),
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop",
                                }
                            ],
                        },
                        ensure_ascii=False,
                    )
                    self.send_response(200)
                data = payload.encode("utf-8")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # no longer in flight once the reply can reach the client: the client may send
                # its next request the moment it has read this one, before this thread goes on
                self._leave()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def _enter(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            step = self.script[min(len(self.requests), len(self.script) - 1)]
            self.requests.append(body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.hold:
                self._lock.wait_for(lambda: self.in_flight >= self.hold, timeout=0.5)
        return step

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
