"""SelectorGroupChat: a model (or your function) picks who speaks next."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, cast

from ..._component import Component
from ..._lazy import imported_on_read
from ...base import ChatAgent, Team, TerminationCondition
from ...errors import ComponentConfigError
from ._base_group_chat import BaseGroupChat
from ._common import dump_common, load_common, load_participants
from ._manager import GroupChatManager
from ._selector_prompt import DEFAULT_SELECTOR_PROMPT
from ._speaker_answer import read_speaker

if TYPE_CHECKING:
    from ..._capabilities import Capability
    from ...messages import BaseAgentEvent, BaseChatMessage, HandoffMessage, MessageFactory
    from ...model_context import ChatCompletionContext
    from ...models import ChatCompletionClient, CreateResult, LLMMessage
    from ...state import BaseGroupChatManagerState
    from ._config import SelectorGroupChatConfig
    from ._participant import Participant
    from ._types import Item

    SelectorFunc = Callable[[Sequence[Item]], str | Awaitable[str | None] | None]
    """Takes the conversation, returns the next speaker's name, or ``None`` to ask the model."""
    CandidateFunc = Callable[[Sequence[Item]], list[str] | Awaitable[list[str]]]
    """Takes the conversation, returns the names the model may choose from."""

__all__ = ["SelectorGroupChat"]


async def _call(func: Callable[..., Any], thread: Sequence[Item]) -> Any:
    result = func(thread)
    if inspect.isawaitable(result):
        result = await result
    return result


class _SelectorManager(GroupChatManager):
    state_class = "SelectorManagerState"  # imported by the first save or load
    # Read on every turn: imported on first read (cheaper than a local import per call).
    chat_message: ClassVar[type[BaseChatMessage]] = imported_on_read(
        "agentparts.messages", "BaseChatMessage"
    )
    handoff_message: ClassVar[type[HandoffMessage]] = imported_on_read(
        "agentparts.messages", "HandoffMessage"
    )

    def __init__(
        self,
        team: SelectorGroupChat,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> None:
        from ...model_context import UnboundedChatCompletionContext

        super().__init__(name, participants, termination_condition, max_turns, message_factory)
        self.team = team
        self.descriptions = [p.description for p in participants]
        self.previous_speaker: str | None = None
        self.context: ChatCompletionContext = team.model_context or UnboundedChatCompletionContext()

    async def update_message_thread(self, messages: Sequence[Item]) -> None:
        await super().update_message_thread(messages)
        for message in messages:
            if isinstance(message, self.chat_message):
                if isinstance(message, self.handoff_message):
                    for context_message in message.context:
                        await self.context.add_message(context_message)
                await self.context.add_message(message.to_model_message())

    async def reset_selection(self) -> None:
        self.previous_speaker = None
        await self.context.clear()

    def state_fields(self) -> dict[str, Any]:
        return {"previous_speaker": self.previous_speaker}

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        from ...state import SelectorManagerState

        previous = state.previous_speaker if isinstance(state, SelectorManagerState) else None
        self.previous_speaker = previous if previous in self.participant_names else None

    async def load_state(self, state: Any) -> None:
        from ...messages import BaseChatMessage

        await super().load_state(state)
        await self.context.clear()
        chat = [m for m in self.message_thread if isinstance(m, BaseChatMessage)]
        self.message_thread, thread = [], self.message_thread
        await self.update_message_thread(chat)
        self.message_thread = thread

    async def select_speaker(self, thread: Sequence[Item]) -> list[str]:
        team = self.team
        if team.selector_func is not None:
            chosen: Any = await _call(team.selector_func, thread)
            if chosen is not None:
                if chosen not in self.participant_names:
                    raise ValueError(
                        f"selector_func returned {chosen!r}, which is not a participant "
                        f"({', '.join(self.participant_names)})."
                    )
                self.previous_speaker = chosen
                return [chosen]
        candidates = await self._candidates(thread)
        if len(candidates) == 1:
            speaker = candidates[0]
        else:
            found = await self._ask_model(candidates)
            if found is None:
                return []
            speaker = found
        self.previous_speaker = speaker
        return [speaker]

    async def _candidates(self, thread: Sequence[Item]) -> list[str]:
        if self.team.candidate_func is not None:
            given: Any = await _call(self.team.candidate_func, thread)
            names: list[str] = [n for n in dict.fromkeys(given or ()) if isinstance(n, str)]
            unknown = [n for n in names if n not in self.participant_names]
            if not names or unknown:
                raise ValueError(
                    f"candidate_func must return a non-empty list of participant names "
                    f"({', '.join(self.participant_names)}); it returned {given!r}."
                )
            return names
        if self.previous_speaker is not None and not self.team.allow_repeated_speaker:
            return [n for n in self.participant_names if n != self.previous_speaker]
        return list(self.participant_names)

    def _prompt(self, candidates: list[str], history: list[LLMMessage]) -> str:
        from ...models import AssistantMessage, UserMessage

        roles = "\n".join(
            re.sub(r"\s+", " ", f"{name}: {description}").strip()
            for name, description in zip(self.participant_names, self.descriptions, strict=True)
        )
        lines: list[str] = []
        for message in history:
            if isinstance(message, (UserMessage, AssistantMessage)):
                lines.append(f"{message.source}: {message.content}".rstrip() + "\n\n")
        return self.team.selector_prompt.format(
            roles=roles, participants=str(candidates), history="\n".join(lines)
        )

    async def _ask_model(self, candidates: list[str]) -> str | None:
        from ...models import AssistantMessage, ModelFamily, SystemMessage, UserMessage

        team = self.team
        client = team.model_client
        prompt = self._prompt(candidates, await self.context.get_messages())
        messages: list[LLMMessage] = [
            SystemMessage(content=prompt)
            if ModelFamily.is_openai(client.model_info.get("family", ""))
            else UserMessage(content=prompt, source="user")
        ]
        answer: object = None
        problem = "No valid name was given."
        for _ in range(team.max_selector_attempts):
            answer = (await self._create(messages)).content
            found = read_speaker(answer, candidates, self.participant_names)
            if found.speaker is not None:
                return found.speaker
            problem = found.problem or problem
            messages.append(AssistantMessage(content=str(answer), source="selector"))
            messages.append(
                UserMessage(
                    content=f"{problem} Answer with exactly one name from {candidates}.",
                    source="user",
                )
            )
        shown = str(answer)[:200]
        if team.on_selector_failure == "stop":
            self.stop_reason = (
                f"The selector model did not name one of {candidates} in "
                f"{team.max_selector_attempts} attempts ({problem} Last answer: {shown!r})."
            )
            return None
        fallback = self._fallback(candidates)
        self._event(
            f"The selector model did not name one of {candidates} in "
            f"{team.max_selector_attempts} attempts (last answer: {shown!r}); "
            f"{fallback} speaks next, in participant order."
        )
        return fallback

    def _fallback(self, candidates: list[str]) -> str:
        """The first candidate after the previous speaker, in participant order."""
        order = self.participant_names
        start = order.index(self.previous_speaker) + 1 if self.previous_speaker in order else 0
        for offset in range(len(order)):
            name = order[(start + offset) % len(order)]
            if name in candidates:
                return name
        return candidates[0]

    async def _create(self, messages: list[LLMMessage]) -> CreateResult:
        client = self.team.model_client
        if not self.team.model_client_streaming:
            result = await client.create(messages)
        else:
            from ..._construct import construct
            from ...messages import ModelClientStreamingChunkEvent
            from ...models import CreateResult

            final: CreateResult | None = None
            async for chunk in client.create_stream(messages):
                if isinstance(chunk, CreateResult):
                    final = chunk
                elif self.team.emit_team_events:
                    self.outbox.append(
                        construct(ModelClientStreamingChunkEvent, content=chunk, source=self.name)
                    )
            if final is None:
                raise RuntimeError("The selector model's stream ended without a final result.")
            result = final
        if isinstance(result.content, str):
            self._event(result.content)
        return result

    def _event(self, content: str) -> None:
        if self.team.emit_team_events:
            from ..._construct import construct
            from ...messages import SelectorEvent

            self.outbox.append(construct(SelectorEvent, content=content, source=self.name))


class SelectorGroupChat(BaseGroupChat, Component["SelectorGroupChatConfig"]):
    """A team where a model picks who speaks next, from the conversation and the
    participants' descriptions.

    The speaker is always eligible, whatever the model answers: the answer is read as a
    plain name, quoted, JSON (``{"speaker": ...}``, fenced or not) or a mention in text,
    and only the candidates count (not the previous speaker unless
    ``allow_repeated_speaker``). An answer that names no candidate (or several) is retried
    with feedback, up to ``max_selector_attempts``; then ``on_selector_failure`` decides:
    ``"fallback"`` picks the next candidate in participant order (a ``SelectorEvent``
    says so), ``"stop"`` ends the run with a stop reason that says what the model answered.

    Args:
        participants: At least two agents or teams with unique names.
        model_client: The model that selects.
        name: The team's name (``"SelectorGroupChat"`` by default).
        description: What the team does.
        termination_condition: When a run stops.
        max_turns: Turns per run.
        runtime: Where participants run; ``None``: in the team's own task.
        selector_prompt: The template, with ``{roles}``, ``{participants}`` (the
            candidates) and ``{history}``.
        allow_repeated_speaker: May the same participant speak twice in a row.
        max_selector_attempts: Model calls per selection before ``on_selector_failure``.
        selector_func: Picks the speaker itself (return ``None`` to ask the model).
        candidate_func: Narrows the names the model chooses from.
        custom_message_types: Your message classes, for loading saved states.
        emit_team_events: Yield ``SelectSpeakerEvent`` and the selector's
            ``SelectorEvent`` (and chunks, when streaming).
        model_client_streaming: Stream the selector's answer.
        model_context: The history the selector sees (all chat messages by default).
        on_selector_failure: ``"fallback"`` (default) or ``"stop"``.

    Raises:
        ValueError: fewer than two participants, or ``max_selector_attempts`` below 1.
    """

    component_config_schema = imported_on_read(
        "agentparts.teams._group_chat._config", "SelectorGroupChatConfig"
    )
    component_provider_override = "agentparts.teams.SelectorGroupChat"
    DEFAULT_NAME = "SelectorGroupChat"

    def __init__(
        self,
        participants: Sequence[ChatAgent | Team],
        model_client: ChatCompletionClient,
        *,
        name: str | None = None,
        description: str | None = None,
        termination_condition: TerminationCondition | None = None,
        max_turns: int | None = None,
        runtime: Any = None,
        selector_prompt: str = DEFAULT_SELECTOR_PROMPT,
        allow_repeated_speaker: bool = False,
        max_selector_attempts: int = 3,
        selector_func: SelectorFunc | None = None,
        candidate_func: CandidateFunc | None = None,
        custom_message_types: Sequence[type[BaseAgentEvent | BaseChatMessage]] | None = None,
        emit_team_events: bool = False,
        model_client_streaming: bool = False,
        model_context: ChatCompletionContext | None = None,
        on_selector_failure: Literal["fallback", "stop"] = "fallback",
    ) -> None:
        if len(participants) < 2:
            raise ValueError("SelectorGroupChat needs at least two participants.")
        if max_selector_attempts < 1:
            raise ValueError(
                f"max_selector_attempts must be at least 1, got {max_selector_attempts}."
            )
        self.model_client = model_client
        self.selector_prompt = selector_prompt
        self.allow_repeated_speaker = allow_repeated_speaker
        self.max_selector_attempts = max_selector_attempts
        self.selector_func = selector_func
        self.candidate_func = candidate_func
        self.model_client_streaming = model_client_streaming
        self.model_context = model_context
        self.on_selector_failure: Literal["fallback", "stop"] = on_selector_failure
        self._owns_model_client = False
        super().__init__(
            name=name,
            description=description,
            participants=participants,
            manager_name="SelectorGroupChatManager",
            manager_factory=self._manager_factory,
            termination_condition=termination_condition,
            max_turns=max_turns,
            runtime=runtime,
            custom_message_types=custom_message_types,
            emit_team_events=emit_team_events,
        )

    async def close(self) -> None:
        """Close the participants, and the selector's model client if the team loaded it."""
        await super().close()
        if self._owns_model_client:
            await self.model_client.close()

    def _manager_factory(
        self,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> GroupChatManager:
        return _SelectorManager(
            self, name, participants, termination_condition, max_turns, message_factory
        )

    def _to_config(self) -> SelectorGroupChatConfig:
        from ...agents._references import reference_of
        from ._config import SelectorGroupChatConfig

        return SelectorGroupChatConfig(
            **dump_common(self),
            model_client=self.model_client.dump_component(),
            selector_prompt=self.selector_prompt,
            allow_repeated_speaker=self.allow_repeated_speaker,
            max_selector_attempts=self.max_selector_attempts,
            model_client_streaming=self.model_client_streaming,
            model_context=None
            if self.model_context is None
            else self.model_context.dump_component(),
            selector_func=None
            if self.selector_func is None
            else reference_of(self.selector_func, "selector_func"),
            candidate_func=None
            if self.candidate_func is None
            else reference_of(self.candidate_func, "candidate_func"),
            on_selector_failure=self.on_selector_failure,
        )

    @classmethod
    def _from_config(cls, config: SelectorGroupChatConfig) -> Self:
        team = cls._build(config)
        team._owns_model_client = True
        return team

    @classmethod
    def _build(cls, config: SelectorGroupChatConfig) -> Self:
        from ...model_context import ChatCompletionContext
        from ...models import ChatCompletionClient

        return cls(
            load_participants(config.participants),
            ChatCompletionClient.load_component(config.model_client),
            **load_common(config),
            selector_prompt=config.selector_prompt,
            allow_repeated_speaker=config.allow_repeated_speaker,
            max_selector_attempts=config.max_selector_attempts,
            selector_func=cast(
                "SelectorFunc | None", _function(config.selector_func, "selector_func")
            ),
            candidate_func=cast(
                "CandidateFunc | None", _function(config.candidate_func, "candidate_func")
            ),
            model_client_streaming=config.model_client_streaming,
            model_context=None
            if config.model_context is None
            else ChatCompletionContext.load_component(config.model_context),
            on_selector_failure=config.on_selector_failure,
        )

    @classmethod
    def _capabilities(cls, config: SelectorGroupChatConfig) -> list[Capability]:
        from ..._capabilities import host_code

        functions = (config.selector_func, config.candidate_func)
        return [host_code(f, "selector function, in-process") for f in functions if f]


def _function(reference: str | None, what: str) -> Callable[..., Any] | None:
    if reference is None:
        return None
    from ...agents._references import import_reference

    found: Any = import_reference(reference, what)
    if not callable(found):
        raise ComponentConfigError(f"{what} {reference!r} names {found!r}, which is not callable.")
    return cast(Callable[..., Any], found)
