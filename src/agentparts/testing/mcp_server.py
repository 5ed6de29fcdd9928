"""A small MCP server for tests and demos, written with the official ``mcp`` SDK.

Usage::

    python -m agentparts.testing.mcp_server                      # stdio
    python -m agentparts.testing.mcp_server --http --port 0      # streamable HTTP
    python -m agentparts.testing.mcp_server --sse --port 0       # HTTP with server-sent events

In HTTP mode it prints ``listening on http://127.0.0.1:PORT/mcp`` once it accepts
connections, in SSE mode ``listening on http://127.0.0.1:PORT/sse``. Its tools: ``add``, ``echo``, ``greek`` (non-ASCII text), ``call_count`` (calls served by this process:
shows that a session is reused), ``pid``, ``sleep``, ``fail`` (raises), ``crash`` (the
process exits at once) and ``pixel`` (returns a 1x1 PNG image). Needs the ``mcp`` extra.
"""

# No "from __future__ import annotations": the SDK evaluates the tools' annotations.
import argparse
import asyncio
import base64
import os
import socket
import sys
from typing import Any

__all__ = ["PIXEL_PNG_BASE64", "build_server", "main"]

PIXEL_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
"""The image the ``pixel`` tool returns."""


def build_server(name: str = "agentparts-test") -> Any:
    """The ``MCPServer`` with the test tools (returned untyped: ``mcp`` is optional)."""
    from mcp.server.mcpserver import Image, MCPServer

    server = MCPServer(name, log_level="CRITICAL")
    calls = {"count": 0}

    def counted() -> None:
        calls["count"] += 1

    @server.tool()
    def add(a: int, b: int) -> int:  # pyright: ignore[reportUnusedFunction]
        """Add two integers."""
        counted()
        return a + b

    @server.tool()
    def echo(text: str) -> str:  # pyright: ignore[reportUnusedFunction]
        """Return the text unchanged."""
        counted()
        return text

    @server.tool()
    def greek() -> str:  # pyright: ignore[reportUnusedFunction]
        """Three Greek letters (text beyond ASCII, for encoding tests)."""
        counted()
        return "\u03b1\u03b2\u03b3"

    @server.tool()
    def call_count() -> int:  # pyright: ignore[reportUnusedFunction]
        """How many tool calls this server process has answered, this one included."""
        counted()
        return calls["count"]

    @server.tool()
    def pid() -> int:  # pyright: ignore[reportUnusedFunction]
        """The server's process id."""
        counted()
        return os.getpid()

    @server.tool()
    async def sleep(seconds: float) -> str:  # pyright: ignore[reportUnusedFunction]
        """Wait, then answer."""
        counted()
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    @server.tool()
    def fail(message: str) -> str:  # pyright: ignore[reportUnusedFunction]
        """Always raise an error with the message."""
        counted()
        from mcp.server.mcpserver.exceptions import ToolError

        raise ToolError(message)

    @server.tool()
    def crash() -> str:  # pyright: ignore[reportUnusedFunction]
        """Kill the server process immediately."""
        os._exit(3)

    @server.tool()
    def pixel() -> Image:  # pyright: ignore[reportUnusedFunction]
        """A 1x1 PNG image."""
        counted()
        return Image(data=base64.b64decode(PIXEL_PNG_BASE64), format="png")

    return server


async def _serve_http(server: Any, host: str, port: int, *, sse: bool = False) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    app = server.sse_app(host=host) if sse else server.streamable_http_app(host=host)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    path = "sse" if sse else "mcp"
    print(f"listening on http://{host}:{sock.getsockname()[1]}/{path}", flush=True)
    await uvicorn.Server(config).serve(sockets=[sock])


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until the client disconnects or the process is killed."""
    parser = argparse.ArgumentParser(description="MCP test server (agentparts.testing).")
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    transport.add_argument("--sse", action="store_true", help="serve HTTP with SSE, not stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = build_server()
    if args.http or args.sse:
        asyncio.run(_serve_http(server, args.host, args.port, sse=args.sse))
    else:
        server.run("stdio")
    sys.exit(0)


if __name__ == "__main__":
    main()
