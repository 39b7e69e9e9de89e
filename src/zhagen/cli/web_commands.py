"""``zhagen serve PROJECT``: the web workbench (thin: parse → create_app → uvicorn).

Wire into :mod:`zhagen.cli.commands` with ``web_commands.register(sub)``.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
from typing import Any

from zhagen.console import say

__all__ = ["register", "cmd_serve", "free_port", "server_url"]


def register(sub: Any) -> None:
    """Add ``serve`` to the argparse sub-parsers ``sub``."""
    p = sub.add_parser("serve", help="启动网页工作台 / start the web workbench")
    p.add_argument("project")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认仅本机）/ bind address")
    p.add_argument("--port", type=int, default=0, help="端口（默认自动）/ port (default: free)")
    p.add_argument("--no-browser", action="store_true", help="不打开浏览器 / do not open a browser")
    p.add_argument(
        "--auth",
        action="store_true",
        help="本机也要求登录 / require login even on localhost",
    )
    p.add_argument(
        "--max-upload-mb",
        type=float,
        default=200,
        help="单次上传上限（MB）/ upload limit per request (MB)",
    )
    p.set_defaults(func=cmd_serve)


def free_port(host: str) -> int:
    """A TCP port that is free on ``host`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def server_url(host: str, port: int) -> str:
    """The URL a browser should open (``0.0.0.0`` → ``127.0.0.1``)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhagen.web.app import create_app
    from zhagen.web.server import http_protocol
    from zhagen.web.state import Settings, is_loopback

    port = args.port or free_port(args.host)
    allowed = {"127.0.0.1", "localhost", "::1", args.host} if is_loopback(args.host) else None
    settings = Settings(
        project=args.project,
        host=args.host,
        port=port,
        auth=True if args.auth else None,
        max_upload=int(args.max_upload_mb * 2**20),
        allowed_hosts=allowed,
    )
    app = create_app(settings)
    url = server_url(args.host, port)
    print(f"{say('扎根 zhagen 工作台', 'zhagen workbench')}: {url}", flush=True)
    if settings.auth:
        url = f"{url}/login?token={settings.token}"
        print(f"{say('需要登录；令牌', 'login required; token')}: {settings.token}", flush=True)
        print(f"{say('登录链接', 'login link')}: {url}", flush=True)
    print(say("按 Ctrl+C 停止", "press Ctrl+C to stop"), file=sys.stderr, flush=True)
    if not args.no_browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    _settle()
    # no access log: at this log level it would print nothing, yet uvicorn formats each
    # request's line for it first
    uvicorn.run(app, host=args.host, port=port, log_level="warning", access_log=False,
                http=http_protocol())  # fmt: skip
    return 0


def _settle() -> None:
    """Import what the first requests would (pandas, the coding library, the JSON models)
    and freeze the heap, so that no request pays for an import or a full collection of
    start-up objects (see :mod:`zhagen.web.timing`)."""
    from zhagen.project import preload
    from zhagen.web.timing import settle_heap

    preload()
    settle_heap()


def main(argv: list[str] | None = None) -> int:
    """``python -m zhagen.cli.web_commands PROJECT [options]`` (same as ``zhagen serve``)."""
    from zhagen.cli.common import print_error
    from zhagen.errors import ZhagenError

    parser = argparse.ArgumentParser(prog="zhagen serve")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    try:
        return cmd_serve(args)
    except ZhagenError as exc:
        return print_error(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
