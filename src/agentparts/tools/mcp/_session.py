"""One long-lived MCP client session, owned by a background task.

The ``mcp`` SDK's transports are anyio context managers that must be entered and left in
the same task. A background task therefore owns the transport and the ``ClientSession``
for their whole life, while callers from any task send requests through the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._cancellation_token import cancel_and_wait, wait_shielded
from ...errors import McpServerError
from ._config import AnyServerParams, SseServerParams, StdioServerParams

_logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult
    from mcp.types import Tool as McpTool

__all__ = ["McpSession"]

_STOP_GRACE_SECONDS = 10.0  # the SDK's own shutdown takes at most ~6 s (stdin close, TERM, KILL)
_STDERR_TAIL_CHARS = 1500


class McpSession:
    """A reusable connection to one MCP server, restarted on demand after a failure.

    Args:
        params: How to reach the server.
    """

    def __init__(self, params: AnyServerParams) -> None:
        self._params = params
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop_event: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._stderr_path: str | None = None
        self._lock = asyncio.Lock()
        self.starts = 0
        """How many times a server session was started (for tests and diagnostics)."""

    @property
    def label(self) -> str:
        """The server, as named in error messages."""
        if isinstance(self._params, StdioServerParams):
            return f"MCP server {' '.join([self._params.command, *self._params.args])!r}"
        return f"MCP server at {self._params.url}"

    @property
    def is_running(self) -> bool:
        """Whether a session is up (as far as is known without a request)."""
        return self._session is not None and self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start the server and the MCP handshake, unless already running.

        Raises:
            McpServerError: the server did not start or did not answer the handshake in
                time. Nothing is left running.
        """
        async with self._lock:
            if self.is_running:
                return
            await self._stop_unlocked()
            await self._start_unlocked()

    async def _start_unlocked(self) -> None:
        startup = self._params.startup_timeout_seconds
        ready = asyncio.Event()
        self._stop_event = asyncio.Event()
        self._failure = None
        if isinstance(self._params, StdioServerParams):
            fd, self._stderr_path = tempfile.mkstemp(prefix="agentparts-mcp-", suffix=".log")
            os.close(fd)
        self._task = asyncio.create_task(self._run(ready, self._stop_event), name=self.label)
        self.starts += 1
        try:
            # The task enforces the startup timeout itself; this bound is a safety net.
            await asyncio.wait_for(ready.wait(), timeout=startup + _STOP_GRACE_SECONDS)
        except TimeoutError:
            self._failure = TimeoutError()
        if self._session is None:
            await _cancel_quietly_if_running(self._task)
            message = self._describe_start_failure(self._failure)  # before the log is removed
            await self._stop_unlocked()
            raise McpServerError(message)

    async def _run(self, ready: asyncio.Event, stop: asyncio.Event) -> None:
        from mcp import ClientSession

        try:
            async with contextlib.AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport(stack))
                session = await stack.enter_async_context(ClientSession(read, write))
                with _fail_after(self._params.startup_timeout_seconds):
                    await session.initialize()
                self._session = session
                ready.set()
                await stop.wait()
        except BaseException as exc:  # recorded for the caller; the task itself ends quietly
            self._failure = _leaf(exc)
            if isinstance(exc, asyncio.CancelledError) and not stop.is_set():
                raise
        finally:
            self._session = None
            ready.set()

    def _transport(
        self, stack: contextlib.AsyncExitStack
    ) -> contextlib.AbstractAsyncContextManager[Any]:
        params = self._params
        if isinstance(params, StdioServerParams):
            from mcp.client.stdio import StdioServerParameters, stdio_client

            assert self._stderr_path is not None
            errlog = stack.enter_context(open(self._stderr_path, "a", encoding="utf-8"))  # noqa: SIM115
            server = StdioServerParameters(
                command=params.command,
                args=params.args,
                env={k: v.get_secret_value() for k, v in (params.env or {}).items()},
                cwd=params.cwd,
                encoding=params.encoding,
                encoding_error_handler=params.encoding_error_handler,
            )
            return stdio_client(server, errlog=errlog)
        if isinstance(params, SseServerParams):
            from mcp.client.sse import sse_client

            return sse_client(
                params.url,
                headers={k: v.get_secret_value() for k, v in (params.headers or {}).items()},
                timeout=params.timeout,
                sse_read_timeout=params.sse_read_timeout,
            )
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = {k: v.get_secret_value() for k, v in (params.headers or {}).items()}
        client = httpx2.AsyncClient(
            headers=headers, timeout=httpx2.Timeout(params.timeout, read=params.sse_read_timeout)
        )
        stack.push_async_callback(client.aclose)
        return streamable_http_client(
            params.url, http_client=client, terminate_on_close=params.terminate_on_close
        )

    async def stop(self) -> None:
        """Stop the server (or close the HTTP session). Idempotent."""
        async with self._lock:
            await self._stop_unlocked()

    async def _stop_unlocked(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            if self._stop_event is not None:
                self._stop_event.set()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=_STOP_GRACE_SECONDS)
            except TimeoutError:
                await _cancel(task)
            except asyncio.CancelledError:
                await _cancel(task)  # the server is still stopped when the caller is cancelled
                raise
        self._session = None
        if self._stderr_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._stderr_path)
            self._stderr_path = None

    async def _running_session(self) -> ClientSession:
        if not self.is_running:
            await self.start()
        session = self._session
        if session is None:
            raise McpServerError(f"{self.label} stopped while starting. Start it again.")
        return session

    async def list_tools(self) -> list[McpTool]:
        """The server's tools (all pages).

        Raises:
            McpServerError: the server could not be started, died, or did not answer.
        """
        session = await self._running_session()
        tools: list[McpTool] = []
        cursor: str | None = None
        while True:
            page = _page(cursor)
            result = await self._request(
                lambda page=page: asyncio.wait_for(
                    session.list_tools(params=page), self._params.read_timeout_seconds
                ),
                "list its tools",
                sdk_timeout=False,
            )
            tools.extend(result.tools)
            cursor = result.next_cursor
            if not cursor:
                return tools

    async def call_tool(self, name: str, arguments: Mapping[str, Any]) -> CallToolResult:
        """Call a tool on the server, starting the server first if needed.

        Raises:
            McpServerError: the server could not be started, died, did not answer in
                ``read_timeout_seconds``, or refused the request.
        """
        session = await self._running_session()
        timeout = self._params.read_timeout_seconds
        return await self._request(
            lambda: session.call_tool(name, dict(arguments), read_timeout_seconds=timeout),
            f"run tool {name!r}",
            sdk_timeout=True,
        )

    async def _request(self, send: Any, what: str, *, sdk_timeout: bool) -> Any:
        from mcp.shared.exceptions import MCPError
        from mcp.types import CONNECTION_CLOSED, REQUEST_TIMEOUT

        timeout = self._params.read_timeout_seconds
        try:
            # The SDK times requests out itself; this bound only catches a stuck transport.
            return await asyncio.wait_for(send(), timeout=timeout + _STOP_GRACE_SECONDS)
        except MCPError as exc:
            if exc.error.code == CONNECTION_CLOSED:
                hint = self._stderr_hint()
                await self.stop()
                raise McpServerError(
                    f"{self.label} closed the connection (it exited or crashed) while asked to "
                    f"{what}. It will be restarted on the next call.{hint}"
                ) from None
            if exc.error.code == REQUEST_TIMEOUT:
                raise McpServerError(
                    f"{self.label} did not {what} within {timeout:g} s (read_timeout_seconds). "
                    "Raise the timeout if the tool is slow, or check the server."
                ) from None
            raise McpServerError(
                f"{self.label} refused to {what}: {exc.error.message} (MCP error {exc.error.code})."
            ) from None
        except TimeoutError:
            if not sdk_timeout:  # the caller's own wait_for, not the safety net
                raise McpServerError(
                    f"{self.label} did not {what} within {timeout:g} s (read_timeout_seconds)."
                ) from None
            await self.stop()
            raise McpServerError(
                f"{self.label} stopped answering while asked to {what}. It will be restarted "
                "on the next call."
            ) from None

    def _describe_start_failure(self, failure: BaseException | None) -> str:
        startup = self._params.startup_timeout_seconds
        hint = self._stderr_hint()
        if isinstance(failure, TimeoutError | asyncio.TimeoutError):
            return (
                f"{self.label} did not complete the MCP handshake within {startup:g} s "
                "(startup_timeout_seconds). Check that the command starts an MCP server "
                f"speaking on stdout, or raise the timeout.{hint}"
            )
        if isinstance(failure, FileNotFoundError | PermissionError):
            return (
                f"{self.label} could not be started: {failure}. Check the command and that it "
                "is installed and executable."
            )
        if _is_connection_closed(failure):
            return (
                f"{self.label} closed the connection before completing the MCP handshake (it "
                "exited, or is not an MCP server). Check the server's command, URL and "
                f"logs.{hint}"
            )
        detail = f"{type(failure).__name__}: {failure}" if failure is not None else "no reason"
        return (
            f"{self.label} failed to start ({detail}). Check the server's command, "
            f"URL and logs.{hint}"
        )

    def _stderr_hint(self) -> str:
        if self._stderr_path is None:
            return ""
        try:
            with open(self._stderr_path, encoding="utf-8", errors="replace") as log:
                text = log.read()
        except OSError:
            return ""
        text = text.strip()
        if not text:
            return ""
        return f"\nIts last output on stderr:\n{text[-_STDERR_TAIL_CHARS:]}"


def _is_connection_closed(failure: BaseException | None) -> bool:
    from mcp.shared.exceptions import MCPError
    from mcp.types import CONNECTION_CLOSED

    return isinstance(failure, MCPError) and failure.error.code == CONNECTION_CLOSED


async def _cancel_quietly_if_running(task: asyncio.Task[None] | None) -> None:
    """Let a failed start finish writing its log; the task ends by itself after a failure."""
    if task is not None and not task.done():
        await wait_shielded(task, _STOP_GRACE_SECONDS)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it; its failure is logged, the caller's cancellation kept."""
    try:
        await cancel_and_wait(task)
    except Exception:
        _logger.warning("The MCP session task failed while it was stopped.", exc_info=True)


def _page(cursor: str | None) -> Any:
    if cursor is None:
        return None
    from mcp.types import PaginatedRequestParams

    return PaginatedRequestParams(cursor=cursor)


def _fail_after(seconds: float) -> Any:
    import anyio

    return anyio.fail_after(seconds)


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside (possibly nested) exception groups."""
    while True:
        inner: Any = getattr(exc, "exceptions", None)
        if isinstance(inner, tuple) and inner and isinstance(inner[0], BaseException):
            exc = inner[0]
            continue
        return exc
