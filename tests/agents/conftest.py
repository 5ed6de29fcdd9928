"""Tools, clients and helpers for the agent tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from pydantic import BaseModel

from agentparts import CancellationToken, FunctionCall
from agentparts.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelInfo,
    RequestUsage,
)

TOOLS_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family="unknown",
    structured_output=False,
)
"""A scripted model that may call tools and hand off (the replay client's default, as
AutoGen's, is text only)."""


def calls(*items: tuple[str, str] | tuple[str, str, str]) -> CreateResult:
    """A model answer asking for tool calls: (name, arguments[, id])."""
    function_calls = [
        FunctionCall(id=item[2] if len(item) == 3 else f"call_{i}", arguments=item[1], name=item[0])
        for i, item in enumerate(items)
    ]
    return CreateResult(
        finish_reason="function_calls", content=function_calls, usage=RequestUsage(5, 5)
    )


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def broken(x: int) -> int:
    """Always fails."""
    raise RuntimeError(f"broken tool got {x}")


class Weather(BaseModel):
    city: str
    degrees: int


def short_summary(call: FunctionCall, result: Any) -> str:
    return f"{call.name} -> {result.content}"


class BlockingClient(ChatCompletionClient):
    """A model that never answers until cancelled; records whether it was cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = False

    async def create(self, messages: Sequence[LLMMessage], **kwargs: Any) -> CreateResult:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")

    async def create_stream(
        self, messages: Sequence[LLMMessage], **kwargs: Any
    ) -> AsyncGenerator[str | CreateResult, None]:
        self.started.set()
        try:
            yield "first chunk "
            await asyncio.Event().wait()
        except (asyncio.CancelledError, GeneratorExit):
            # Cancelled while waiting, or closed at the chunk: either way it stopped.
            self.cancelled = True
            raise
        yield CreateResult(finish_reason="stop", content="never", usage=RequestUsage(0, 0))

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Any] = ()) -> int:
        return 0

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(
            vision=False,
            function_calling=True,
            json_output=True,
            family="test",
            structured_output=True,
        )


async def cancel_when(event: asyncio.Event, token: CancellationToken) -> None:
    await event.wait()
    token.cancel()
