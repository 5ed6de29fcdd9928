"""Helpers for the team tests: scripted agents and a way to check nothing is left running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence

from agentparts import CancellationToken
from agentparts.agents import AssistantAgent, BaseChatAgent
from agentparts.base import Response
from agentparts.messages import BaseAgentEvent, BaseChatMessage, TextMessage
from agentparts.models import CreateResult, ModelInfo, UserMessage
from agentparts.models.replay import ReplayChatCompletionClient

TOOLS_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family="unknown",
    structured_output=False,
)
"""A scripted model that may call tools (the replay client's default cannot)."""


def tool_model(*answers: str | CreateResult) -> ReplayChatCompletionClient:
    """A replay client that can call tools and hand off."""
    return ReplayChatCompletionClient(list(answers), model_info=TOOLS_INFO)


def assistant(name: str, *answers: str) -> AssistantAgent:
    """An AssistantAgent on a replay client with these answers."""
    return AssistantAgent(name, ReplayChatCompletionClient(list(answers)))


def seen_by(agent: AssistantAgent, call: int = -1) -> list[str]:
    """The user-message texts the agent's model got in one call (``source: text``)."""
    client = agent.model_client
    assert isinstance(client, ReplayChatCompletionClient)
    messages = client.calls[call]["messages"]
    return [f"{m.source}: {m.content}" for m in messages if isinstance(m, UserMessage)]


class Slow(BaseChatAgent):
    """Answers after ``delay`` seconds (a stand-in for a slow model call)."""

    def __init__(self, name: str, delay: float) -> None:
        super().__init__(name, "A slow agent.")
        self.delay = delay
        self.started = asyncio.Event()
        self.cancelled = False

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        self.started.set()
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return Response(chat_message=TextMessage(content=f"{self.name} done", source=self.name))


class Failing(BaseChatAgent):
    """Fails on its turn."""

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        raise KeyError("the tool registry is empty")

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        raise KeyError("the tool registry is empty")
        yield  # pragma: no cover


def other_tasks() -> set[asyncio.Task[object]]:
    """Tasks of the loop other than the current one."""
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
