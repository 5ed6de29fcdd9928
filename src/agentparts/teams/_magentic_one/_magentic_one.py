"""MagenticOneGroupChat: an orchestrator model plans, tracks progress and picks speakers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from ..._component import Component
from ..._lazy import imported_on_read
from ...base import ChatAgent, TerminationCondition
from ...errors import ComponentConfigError
from .._group_chat._base_group_chat import BaseGroupChat
from .._group_chat._common import dump_common, load_common, load_participants
from .._group_chat._manager import RESET_PARTICIPANTS, GroupChatManager
from . import _prompts as prompts
from ._ledger import ProgressLedger, read_ledger

if TYPE_CHECKING:
    from ...messages import BaseAgentEvent, BaseChatMessage, MessageFactory, StopMessage
    from ...models import ChatCompletionClient, LLMMessage
    from ...state import BaseGroupChatManagerState
    from .._group_chat._participant import Participant
    from .._group_chat._types import Item
    from ._config import MagenticOneGroupChatConfig

__all__ = ["MagenticOneGroupChat"]

MAX_LEDGER_ATTEMPTS = 3


class _Orchestrator(GroupChatManager):
    state_class = "MagenticOneOrchestratorState"  # imported by the first save or load

    def __init__(
        self,
        team: MagenticOneGroupChat,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> None:
        super().__init__(name, participants, termination_condition, max_turns, message_factory)
        self.team = team
        self.roster = "\n".join(f"{p.name}: {p.description}" for p in participants)
        self.task = self.facts = self.plan = ""
        self.n_rounds = self.n_stalls = 0
        self.needs_planning = False

    async def validate_group_state(self, messages: Sequence[BaseChatMessage] | None) -> None:
        if messages:
            self.task = " ".join(m.to_model_text() for m in messages)
            self.needs_planning = True
        elif not self.task:
            raise ValueError("MagenticOneGroupChat needs a task to start.")

    async def apply_termination(
        self, delta: Sequence[Item], *, increment_turn: bool
    ) -> StopMessage | None:
        # max_turns bounds the orchestrator's rounds (then it answers), not team turns.
        condition = self.termination_condition
        if condition is None:
            return None
        stop = await condition(delta)
        if stop is not None:
            await condition.reset()
        return stop

    async def select_speaker(self, thread: Sequence[Item]) -> list[str]:
        if self.needs_planning:
            self.needs_planning = False
            await self._plan()
        while True:
            if self.max_turns is not None and self.n_rounds >= self.max_turns:
                await self._final_answer(f"Maximum number of rounds {self.max_turns} reached.")
                return []
            self.n_rounds += 1
            ledger = await self._progress()
            if isinstance(ledger, str):
                self.stop_reason = ledger
                return []
            if ledger.satisfied:
                await self._final_answer(ledger.satisfied_reason)
                return []
            if not ledger.progress or ledger.in_loop:
                self.n_stalls += 1
            else:
                self.n_stalls = max(0, self.n_stalls - 1)
            if self.n_stalls >= self.team.max_stalls:
                self._event("Stalled: updating the facts and the plan.")
                await self._replan()
                continue
            self._say(ledger.instruction)
            return [ledger.next_speaker]

    async def _ask(self, conversation: list[LLMMessage]) -> str:
        result = await self.team.model_client.create(conversation)
        if not isinstance(result.content, str):
            raise RuntimeError("The orchestrator's model answered with tool calls, not text.")
        return result.content

    async def _plan(self) -> None:
        from ...models import AssistantMessage, UserMessage

        talk: list[LLMMessage] = [
            UserMessage(content=prompts.FACTS_PROMPT.format(task=self.task), source=self.name)
        ]
        self.facts = await self._ask(talk)
        talk.append(AssistantMessage(content=self.facts, source=self.name))
        talk.append(
            UserMessage(content=prompts.PLAN_PROMPT.format(team=self.roster), source=self.name)
        )
        self.plan = await self._ask(talk)
        self.n_stalls = 0
        self._start_outer_loop()

    async def _replan(self) -> None:
        from ...models import AssistantMessage, UserMessage

        talk = self._context()
        talk.append(
            UserMessage(
                content=prompts.FACTS_UPDATE_PROMPT.format(task=self.task, facts=self.facts),
                source=self.name,
            )
        )
        self.facts = await self._ask(talk)
        talk.append(AssistantMessage(content=self.facts, source=self.name))
        talk.append(
            UserMessage(
                content=prompts.PLAN_UPDATE_PROMPT.format(team=self.roster), source=self.name
            )
        )
        self.plan = await self._ask(talk)
        self.n_stalls = 0
        self._start_outer_loop()

    def _start_outer_loop(self) -> None:
        """Everyone starts over from the ledger: participants reset, thread cleared."""
        self.outbox.append(RESET_PARTICIPANTS)
        self.message_thread.clear()
        self._say(
            prompts.LEDGER_MESSAGE.format(
                task=self.task, team=self.roster, facts=self.facts, plan=self.plan
            )
        )

    async def _progress(self) -> ProgressLedger | str:
        from ...models import AssistantMessage, UserMessage

        talk = self._context()
        talk.append(
            UserMessage(
                content=prompts.PROGRESS_PROMPT.format(
                    task=self.task, team=self.roster, names=", ".join(self.participant_names)
                ),
                source=self.name,
            )
        )
        problem = ""
        answer = ""
        for _ in range(MAX_LEDGER_ATTEMPTS):
            answer = await self._ask(talk)
            ledger = read_ledger(answer, self.participant_names)
            if isinstance(ledger, ProgressLedger):
                self._event(f"Progress ledger: next {ledger.next_speaker}.")
                return ledger
            problem = ledger
            talk.append(AssistantMessage(content=answer, source=self.name))
            talk.append(
                UserMessage(content=f"{problem} Reply with the JSON object only.", source=self.name)
            )
        return (
            f"The orchestrator's model gave no readable progress ledger in "
            f"{MAX_LEDGER_ATTEMPTS} attempts ({problem} Last answer: {answer[:200]!r})."
        )

    async def _final_answer(self, reason: str) -> None:
        from ...models import UserMessage

        talk = self._context()
        talk.append(
            UserMessage(
                content=self.team.final_answer_prompt.format(task=self.task), source=self.name
            )
        )
        self._say(await self._ask(talk))
        self.stop_reason = reason

    def _say(self, text: str) -> None:
        from ..._construct import construct
        from ...messages import TextMessage

        message = construct(TextMessage, content=text, source=self.name)
        self.message_thread.append(message)
        self.outbox.append(message)

    def _event(self, text: str) -> None:
        if self.team.emit_team_events:
            from ..._construct import construct
            from ...messages import SelectorEvent

            self.outbox.append(construct(SelectorEvent, content=text, source=self.name))

    def _context(self) -> list[LLMMessage]:
        from ...messages import BaseChatMessage
        from ...models import AssistantMessage, UserMessage

        talk: list[LLMMessage] = []
        for message in self.message_thread:
            if not isinstance(message, BaseChatMessage):
                continue
            if message.source == self.name:
                talk.append(AssistantMessage(content=message.to_model_text(), source=self.name))
            else:
                talk.append(UserMessage(content=message.to_model_text(), source=message.source))
        return talk

    async def reset_selection(self) -> None:
        self.task = self.facts = self.plan = ""
        self.n_rounds = self.n_stalls = 0
        self.needs_planning = False

    async def end_run(self) -> None:
        await super().end_run()
        self.n_rounds = 0

    def state_fields(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "facts": self.facts,
            "plan": self.plan,
            "n_rounds": self.n_rounds,
            "n_stalls": self.n_stalls,
        }

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        from ...state import MagenticOneOrchestratorState

        if isinstance(state, MagenticOneOrchestratorState):
            self.task, self.facts, self.plan = state.task, state.facts, state.plan
            self.n_rounds, self.n_stalls = state.n_rounds, state.n_stalls


class MagenticOneGroupChat(BaseGroupChat, Component["MagenticOneGroupChatConfig"]):
    """A team led by an orchestrator model (the Magentic-One design).

    On a new task the orchestrator writes a fact sheet and a plan (the task ledger) and
    shares them. Then, each round, it asks its model for a progress ledger (JSON: is the
    request satisfied, are we looping, is there progress, who speaks next, with which
    instruction), says the instruction and lets that participant answer. After
    ``max_stalls`` rounds without progress it updates the facts and the plan and starts the
    participants over. When the request is satisfied, or after ``max_turns`` rounds, it
    writes the final answer and the run stops with the reason.

    The ledger is read from plain or fenced JSON; an unreadable one is asked again (3 times),
    then the run stops with a stop reason quoting the answer (messages kept).

    Args:
        participants: The agents (not teams), with unique names and useful descriptions.
        model_client: The orchestrator's model.
        name: The team's name (``"MagenticOneGroupChat"`` by default).
        description: What the team does.
        termination_condition: An extra stop condition, checked after each answer.
        max_turns: Orchestrator rounds before it answers (``None``: no limit).
        runtime: Where participants run; ``None``: in the team's own task.
        max_stalls: Rounds without progress before replanning.
        final_answer_prompt: The prompt for the final answer, with ``{task}``.
        custom_message_types: Your message classes, for loading saved states.
        emit_team_events: Yield ``SelectSpeakerEvent`` and the orchestrator's
            ``SelectorEvent`` notes.
    """

    component_config_schema = imported_on_read(
        "agentparts.teams._magentic_one._config", "MagenticOneGroupChatConfig"
    )
    component_provider_override = "agentparts.teams.MagenticOneGroupChat"
    DEFAULT_NAME = "MagenticOneGroupChat"

    def __init__(
        self,
        participants: Sequence[ChatAgent],
        model_client: ChatCompletionClient,
        *,
        name: str | None = None,
        description: str | None = None,
        termination_condition: TerminationCondition | None = None,
        max_turns: int | None = 20,
        runtime: Any = None,
        max_stalls: int = 3,
        final_answer_prompt: str = prompts.FINAL_ANSWER_PROMPT,
        custom_message_types: Sequence[type[BaseAgentEvent | BaseChatMessage]] | None = None,
        emit_team_events: bool = False,
    ) -> None:
        if max_stalls < 1:
            raise ValueError(f"max_stalls must be at least 1, got {max_stalls}.")
        self.model_client = model_client
        self.max_stalls = max_stalls
        self.final_answer_prompt = final_answer_prompt
        self._owns_model_client = False
        super().__init__(
            name=name,
            description=description,
            participants=participants,
            manager_name="MagenticOneOrchestrator",
            manager_factory=self._manager_factory,
            termination_condition=termination_condition,
            max_turns=max_turns,
            runtime=runtime,
            custom_message_types=custom_message_types,
            emit_team_events=emit_team_events,
        )

    def _manager_factory(
        self,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> GroupChatManager:
        return _Orchestrator(
            self, name, participants, termination_condition, max_turns, message_factory
        )

    async def close(self) -> None:
        """Close the participants, and the orchestrator's model client if the team loaded it."""
        await super().close()
        if self._owns_model_client:
            await self.model_client.close()

    def _to_config(self) -> MagenticOneGroupChatConfig:
        from ._config import MagenticOneGroupChatConfig

        return MagenticOneGroupChatConfig(
            **dump_common(self),
            model_client=self.model_client.dump_component(),
            max_stalls=self.max_stalls,
            final_answer_prompt=self.final_answer_prompt,
        )

    @classmethod
    def _from_config(cls, config: MagenticOneGroupChatConfig) -> Self:
        from ...models import ChatCompletionClient

        participants = load_participants(config.participants)
        agents = [p for p in participants if isinstance(p, ChatAgent)]
        if len(agents) != len(participants):
            raise ComponentConfigError("MagenticOneGroupChat's participants must be agents.")
        team = cls(
            agents,
            ChatCompletionClient.load_component(config.model_client),
            max_stalls=config.max_stalls,
            final_answer_prompt=config.final_answer_prompt,
            **load_common(config),
        )
        team._owns_model_client = True
        return team
