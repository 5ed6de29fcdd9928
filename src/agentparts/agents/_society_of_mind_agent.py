"""SocietyOfMindAgent: an inner team works, a model writes the one answer."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

from .._cancellation_token import CancellationToken
from .._component import Component
from .._construct import construct
from .._lazy import imported_on_read, lazy_package
from ..base import Response, Team
from ._base_chat_agent import BaseChatAgent

if TYPE_CHECKING:
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ..model_context import ChatCompletionContext
    from ..models import ChatCompletionClient, LLMMessage
    from ._society_of_mind_config import SocietyOfMindAgentConfig

__all__ = ["SocietyOfMindAgent", "SocietyOfMindAgentConfig"]

# The config is a Pydantic model: imported on first use (see _society_of_mind_config).
__getattr__, __dir__ = lazy_package(
    __name__, {"SocietyOfMindAgentConfig": "agentparts.agents._society_of_mind_config"}, __all__
)


class SocietyOfMindAgent(BaseChatAgent, Component["SocietyOfMindAgentConfig"]):
    """An agent whose turn is a whole team's run, summed up by a model in one answer.

    Each turn runs the inner team on the new messages (with the earlier ones as context),
    yields the team's messages and events as this agent's inner messages, then asks
    ``model_client`` for a standalone answer from the transcript (``instruction`` before it,
    ``response_prompt`` after). The inner team is reset after each turn.

    Args:
        name: The agent's name.
        team: The inner team.
        model_client: Writes the answer.
        description: What the agent does.
        instruction: Put before the transcript.
        response_prompt: Put after the transcript.
        model_context: Where earlier messages are kept (unbounded by default).
    """

    component_config_schema = imported_on_read(
        "agentparts.agents._society_of_mind_config", "SocietyOfMindAgentConfig"
    )
    component_provider_override = "agentparts.agents.SocietyOfMindAgent"

    DEFAULT_INSTRUCTION = (
        "Earlier you were asked to fulfill a request. You and your team worked diligently "
        "to address that request. Here is a transcript of that conversation:"
    )
    DEFAULT_RESPONSE_PROMPT = (
        "Output a standalone response to the original request, without mentioning any of "
        "the intermediate discussion."
    )
    DEFAULT_DESCRIPTION = "An agent that uses an inner team of agents to generate responses."

    def __init__(
        self,
        name: str,
        team: Team,
        model_client: ChatCompletionClient,
        *,
        description: str = DEFAULT_DESCRIPTION,
        instruction: str = DEFAULT_INSTRUCTION,
        response_prompt: str = DEFAULT_RESPONSE_PROMPT,
        model_context: ChatCompletionContext | None = None,
    ) -> None:
        super().__init__(name, description)
        self._team = team
        self._model_client = model_client
        self._instruction = instruction
        self._response_prompt = response_prompt
        if model_context is None:
            from ..model_context import UnboundedChatCompletionContext

            model_context = UnboundedChatCompletionContext()
        self._model_context: ChatCompletionContext = model_context

    @property
    def team(self) -> Team:
        """The inner team."""
        return self._team

    @property
    def model_context(self) -> ChatCompletionContext:
        """Where earlier messages are kept."""
        return self._model_context

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """``TextMessage``."""
        from ..messages import TextMessage

        return (TextMessage,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Run the inner team and answer."""
        response: Response | None = None
        async for item in self.on_messages_stream(messages, cancellation_token):
            if isinstance(item, Response):
                response = item
        if response is None:
            raise RuntimeError(f"SocietyOfMindAgent {self.name} ended without a Response.")
        return response

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Yield the inner team's messages and events, then the answer."""
        from ..base import TaskResult
        from ..messages import BaseChatMessage, HandoffMessage, TextMessage

        task: list[BaseChatMessage] = list(messages)
        earlier = await self._model_context.get_messages()
        if earlier:
            task.insert(
                0,
                construct(
                    HandoffMessage,
                    content="relevant previous messages",
                    source=self.name,
                    target="",
                    context=earlier,
                ),
            )
        transcript: list[BaseChatMessage] = []
        result: TaskResult | None = None
        stream = self._team.run_stream(
            task=task or None, cancellation_token=cancellation_token, output_task_messages=False
        )
        try:
            async for item in stream:
                if isinstance(item, TaskResult):
                    result = item
                    continue
                yield item
                if isinstance(item, BaseChatMessage):
                    transcript.append(item)
        finally:
            await stream.aclose()
        if result is None:
            raise RuntimeError(f"The inner team of {self.name!r} ended without a TaskResult.")
        if not transcript:
            answer = construct(TextMessage, content="No response.", source=self.name)
        else:
            completion = await self._model_client.create(
                self._prompt(transcript), cancellation_token=cancellation_token
            )
            if not isinstance(completion.content, str):
                raise RuntimeError(
                    f"The model of {self.name!r} answered with tool calls; it must answer with text."
                )
            answer = construct(
                TextMessage,
                content=completion.content,
                source=self.name,
                models_usage=completion.usage,
            )
        self._log(answer)
        yield Response(chat_message=answer, inner_messages=[])
        for message in messages:
            if isinstance(message, HandoffMessage):
                for context_message in message.context:
                    await self._model_context.add_message(context_message)
            await self._model_context.add_message(message.to_model_message())
        await self._team.reset()

    def _prompt(self, transcript: list[BaseChatMessage]) -> list[LLMMessage]:
        from ..models import SystemMessage, UserMessage

        several_system = bool(self._model_client.model_info.get("multiple_system_messages", False))

        def system(text: str) -> LLMMessage:
            return (
                SystemMessage(content=text)
                if several_system
                else UserMessage(content=text, source="user")
            )

        return [
            system(self._instruction),
            *(m.to_model_message() for m in transcript),
            system(self._response_prompt),
        ]

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Reset the inner team and forget earlier messages."""
        await self._team.reset()
        await self._model_context.clear()

    async def save_state(self) -> Mapping[str, Any]:
        """A ``SocietyOfMindAgentState``: the inner team's state."""
        from ..state import SocietyOfMindAgentState

        return SocietyOfMindAgentState(
            inner_team_state=dict(await self._team.save_state())
        ).model_dump()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the inner team's state."""
        from ..state import SocietyOfMindAgentState

        saved = SocietyOfMindAgentState.model_validate(state)
        await self._team.load_state(saved.inner_team_state)

    def _to_config(self) -> SocietyOfMindAgentConfig:
        from ._society_of_mind_config import SocietyOfMindAgentConfig

        return SocietyOfMindAgentConfig(
            name=self.name,
            team=self._team.dump_component(),
            model_client=self._model_client.dump_component(),
            description=self.description,
            instruction=self._instruction,
            response_prompt=self._response_prompt,
            model_context=self._model_context.dump_component(),
        )

    @classmethod
    def _from_config(cls, config: SocietyOfMindAgentConfig) -> Self:
        from ..model_context import ChatCompletionContext
        from ..models import ChatCompletionClient

        return cls(
            config.name,
            Team.load_component(config.team),
            ChatCompletionClient.load_component(config.model_client),
            description=config.description or cls.DEFAULT_DESCRIPTION,
            instruction=config.instruction or cls.DEFAULT_INSTRUCTION,
            response_prompt=config.response_prompt or cls.DEFAULT_RESPONSE_PROMPT,
            model_context=None
            if config.model_context is None
            else ChatCompletionContext.load_component(config.model_context),
        )
