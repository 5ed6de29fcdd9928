"""Helpers for the tools tests: top-level functions (so FunctionTool can save them) and tools."""

from __future__ import annotations

import asyncio
from typing import Annotated

from pydantic import BaseModel, Field

from agentparts import CancellationToken


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


async def slow_echo(text: str, delay: float = 0.0) -> str:
    """Echo text after a delay.

    Args:
        text: The text to echo.
        delay: Seconds to wait
            before answering.
    """
    await asyncio.sleep(delay)
    return text


def fail(reason: str) -> str:
    """Always raises."""
    raise RuntimeError(f"broken: {reason}")


def with_token(n: Annotated[int, "how many"], cancellation_token: CancellationToken) -> str:
    """Reports whether it received the token."""
    return f"{n} {isinstance(cancellation_token, CancellationToken)}"


class Point(BaseModel):
    """A point."""

    x: int
    y: int = Field(default=0, description="vertical")


def norm1(
    point: Point, scale: Annotated[float, Field(description="multiplier", ge=0)] = 1.0
) -> Point:
    """Scale a point."""
    return Point(x=int(point.x * scale), y=int(point.y * scale))


# --- MCP: a real server process written with the mcp SDK ---------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from agentparts.tools.mcp import StdioServerParams  # noqa: E402

MCP_SERVER = [sys.executable, "-m", "agentparts.testing.mcp_server"]


@pytest.fixture
def stdio_params() -> StdioServerParams:
    return StdioServerParams(
        command=MCP_SERVER[0],
        args=MCP_SERVER[1:],
        read_timeout_seconds=20,
        startup_timeout_seconds=30,
    )


@pytest.fixture
def http_server_url() -> Iterator[str]:
    yield from _served("--http")


@pytest.fixture
def sse_server_url() -> Iterator[str]:
    yield from _served("--sse")


def _served(mode: str) -> Iterator[str]:
    """Run the MCP test server in ``mode`` on a free port; its URL."""
    proc = subprocess.Popen([*MCP_SERVER, mode, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
