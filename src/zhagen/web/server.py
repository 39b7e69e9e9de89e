"""The HTTP server under the workbench: uvicorn, with each response written in one piece.

uvicorn's HTTP protocol writes a response's status line and headers, then its body, as
two writes to the socket: two system calls and two TCP segments per request (on loopback
the kernel's receive work for each is charged to the sender). :func:`http_protocol` gives
uvicorn its own protocol (``httptools``) with the transport wrapped so that what one
step of the event loop writes goes out in one write: the writes are gathered and sent by a
callback queued on the loop, which runs right after the step that wrote them (a streamed
response, server-sent events, is sent as promptly as before, each step's writes at once).
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["GatheredWrites", "http_protocol"]


class GatheredWrites:
    """A transport whose ``write`` calls within one step of the event loop reach the
    socket as one write (anything else is the wrapped transport's).

    >>> class Socket:
    ...     def __init__(self): self.sent = []
    ...     def write(self, data): self.sent.append(data)
    ...     def close(self): self.sent.append("closed")
    >>> async def respond(socket):
    ...     t = GatheredWrites(socket, asyncio.get_running_loop())
    ...     t.write(b"HTTP/1.1 200 OK\\r\\n\\r\\n"); t.write(b"{}")
    ...     await asyncio.sleep(0)
    ...     t.write(b"more"); t.close()
    >>> s = Socket(); asyncio.run(respond(s)); s.sent
    [b'HTTP/1.1 200 OK\\r\\n\\r\\n{}', b'more', 'closed']
    """

    __slots__ = ("_transport", "_loop", "_pending")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._pending is None:
            self._pending = [data]
            self._loop.call_soon(self._flush)
        else:
            self._pending.append(data)

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending:
            self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def http_protocol() -> Any:
    """uvicorn's ``httptools`` protocol writing each response in one piece, or ``"auto"``
    when httptools is not installed (uvicorn then chooses)."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools is a dependency
        return "auto"

    class GatheredHttpTools(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(GatheredWrites(transport, self.loop))

    return GatheredHttpTools
