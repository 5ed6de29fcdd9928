"""BaseGroupChat: the run loop every group chat shares."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ... import base as _base
from ..._cancellation_token import CancellationToken, CancelScope
from ...base import Response, Team
from ._manager import ResetParticipants
from ._participant import LocalParticipant

if TYPE_CHECKING:
    from ...agents._base_chat_agent import Task
    from ...base import ChatAgent, TaskResult, TerminationCondition
    from ...messages import BaseAgentEvent, BaseChatMessage, MessageFactory
    from ._checkpoint import CheckpointStore
    from ._manager import GroupChatManager
    from ._participant import Participant
    from ._types import Item

    ManagerFactory = Callable[
        [str, Sequence[Participant], TerminationCondition | None, int | None, MessageFactory],
        GroupChatManager,
    ]

__all__ = ["BaseGroupChat"]


class BaseGroupChat(Team, ABC):
    """A team whose participants take turns in one shared conversation.

    Each turn, the manager picks the speakers; each speaker gets the chat messages it has
    not seen and answers; its answer goes to every other participant; the termination
    condition and ``max_turns`` are checked. A run ends with a :class:`TaskResult` whose
    ``stop_reason`` says why. The conversation stays: a run without a task continues it,
    :meth:`reset` forgets it.

    Args:
        name: The team's name (``None``: the class's ``DEFAULT_NAME``).
        description: What the team does (``None``: the class's ``DEFAULT_DESCRIPTION``).
        participants: Agents or inner teams, with unique names.
        manager_name: The manager's name (source of its events, key in the saved state).
        termination_condition: When a run stops. With none, give ``max_turns``, or the run
            goes on until its token is cancelled.
        max_turns: Turns per run.
        runtime: The agent runtime the participants are registered on (each as a runtime
            agent reached through runtime messages); the caller starts and stops it.
            ``None`` (the default) calls them directly in the team's own task, the fastest
            path, with the same behaviour.
        custom_message_types: Your message classes, so saved states load them.
        emit_team_events: Also yield a :class:`SelectSpeakerEvent` before each turn.

    Raises:
        ValueError: no participants, repeated names, or ``max_turns`` below 1.
    """

    DEFAULT_NAME = "GroupChat"
    DEFAULT_DESCRIPTION = "A team of agents."

    def __init__(
        self,
        name: str | None,
        description: str | None,
        participants: Sequence[ChatAgent | Team],
        manager_name: str,
        manager_factory: ManagerFactory,
        termination_condition: TerminationCondition | None = None,
        max_turns: int | None = None,
        runtime: Any = None,
        custom_message_types: Sequence[type[BaseAgentEvent | BaseChatMessage]] | None = None,
        emit_team_events: bool = False,
    ) -> None:
        name = name or self.DEFAULT_NAME
        description = description or self.DEFAULT_DESCRIPTION
        if not participants:
            raise ValueError(f"{type(self).__name__} needs at least one participant.")
        names = [p.name for p in participants]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"Participant names must be unique in a team; repeated: {', '.join(repeated)}. "
                "Give each agent its own name."
            )
        for participant_name in names:
            if not participant_name.isidentifier():
                raise ValueError(
                    f"The participant name {participant_name!r} is not a valid Python "
                    "identifier: use letters, digits and underscores."
                )
        if max_turns is not None and max_turns < 1:
            raise ValueError(f"max_turns must be at least 1 (or None), got {max_turns}.")
        from ...messages import MessageFactory

        self._name = name
        self._description = description
        self._participants = list(participants)
        self._termination_condition = termination_condition
        self._max_turns = max_turns
        self._emit_team_events = emit_team_events
        self._custom_message_types = list(custom_message_types or ())
        self._factory = MessageFactory()
        for message_type in self._custom_message_types:
            self._factory.register(message_type)
        self._runtime = runtime
        self._members: list[Participant] = (
            [LocalParticipant(p, self._factory) for p in participants]
            if runtime is None
            else _runtime_members(runtime, name, participants, self._factory)
        )
        self._registered = runtime is None
        self._by_name = {m.name: m for m in self._members}
        self._manager_name = manager_name
        self._manager = manager_factory(
            manager_name, self._members, termination_condition, max_turns, self._factory
        )
        self._running = False
        self._checkpoints: tuple[CheckpointStore, str] | None = None
        self._run_task: asyncio.Task[Any] | None = None
        self._turn_lock = asyncio.Lock()
        self._unpaused = asyncio.Event()
        self._unpaused.set()

    @property
    def name(self) -> str:
        """The team's name."""
        return self._name

    @property
    def description(self) -> str:
        """What the team does."""
        return self._description

    @property
    def participants(self) -> list[ChatAgent | Team]:
        """The participants, in order."""
        return list(self._participants)

    @property
    def termination_condition(self) -> TerminationCondition | None:
        """When a run stops (besides ``max_turns``)."""
        return self._termination_condition

    @property
    def max_turns(self) -> int | None:
        """Turns per run (``None``: no limit)."""
        return self._max_turns

    @property
    def emit_team_events(self) -> bool:
        """Whether runs yield a ``SelectSpeakerEvent`` before each turn."""
        return self._emit_team_events

    @property
    def custom_message_types(self) -> list[type[BaseAgentEvent | BaseChatMessage]]:
        """The message classes registered for loading states."""
        return list(self._custom_message_types)

    @property
    def pending_speakers(self) -> list[str]:
        """Who was chosen for a turn that has not ended: after :meth:`load_checkpoint` (or
        :meth:`load_state`) of a team stopped mid-turn, the participants the next ``run()``
        gives the turn to first (a ``UserProxyAgent`` here has a question waiting for an
        answer); empty between turns."""
        return list(self._manager.pending_speakers)

    @property
    def is_running(self) -> bool:
        """Whether a run is in progress."""
        return self._running

    async def run(
        self,
        *,
        task: Task = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> TaskResult:
        """Run a task (or, without one, continue the conversation) until a stop.

        Args:
            task: A string (a user ``TextMessage``), a chat message or several; ``None``
                continues where the last run stopped.
            cancellation_token: Cancel it (from any task or thread) to stop the run at once;
                the run then raises ``asyncio.CancelledError``.
            output_task_messages: Include the task messages in the result.

        Returns:
            The messages and events of this run and the stop reason.

        Raises:
            ValueError: the team is already running.
        """
        from ...base import TaskResult

        result: TaskResult | None = None
        async for item in self.run_stream(
            task=task,
            cancellation_token=cancellation_token,
            output_task_messages=output_task_messages,
        ):
            if isinstance(item, TaskResult):
                result = item
        assert result is not None  # run_stream always ends with one
        return result

    async def run_stream(
        self,
        *,
        task: Task = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> AsyncGenerator[Item | TaskResult, None]:
        """Like :meth:`run`, yielding each message and event as it happens, then the result.

        Streaming chunks are yielded but left out of the result. Closing the generator early
        stops the run (nothing keeps running).

        Raises:
            ValueError: the team is already running.
        """
        if self._running:
            raise ValueError(
                f"The team {self._name!r} is already running: wait for its run to end (or "
                "cancel it) before starting another."
            )
        from ..._construct import construct
        from ...agents._base_chat_agent import task_messages
        from ...base import TaskResult
        from ...messages import ModelClientStreamingChunkEvent

        messages = task_messages(task)
        for message in messages:
            self._register(type(message))
        token = cancellation_token if cancellation_token is not None else CancellationToken()
        await self._register_members()
        self._running = True
        self._run_task = asyncio.current_task()
        output: list[Item] = []
        try:
            with CancelScope(token) as scope:
                scope.check()
                async with aclosing(self._run(messages, token, scope, output_task_messages)) as run:
                    async for item in run:
                        if isinstance(item, _End):
                            yield construct(TaskResult, messages=output, stop_reason=item.reason)
                            return
                        if not isinstance(item, ModelClientStreamingChunkEvent):
                            output.append(item)
                        yield item
        finally:
            self._running = False
            self._run_task = None

    async def _run(
        self,
        messages: list[BaseChatMessage],
        token: CancellationToken,
        scope: CancelScope,
        output_task_messages: bool,
    ) -> AsyncGenerator[Item | _End, None]:
        manager = self._manager
        await manager.validate_group_state(messages or None)
        if messages:
            manager.pending_speakers = []  # a new task: the next speaker is chosen anew
            if output_task_messages:
                for message in messages:
                    yield message
            for member in self._members:
                await member.deliver(messages)
            await manager.update_message_thread(messages)
            stop = await manager.apply_termination(messages, increment_turn=False)
            await self._checkpoint()
            if stop is not None:
                yield _End(stop.content)
                return
        while True:
            if not self._unpaused.is_set():
                await scope.run(self._unpaused.wait())
            async with self._turn_lock:
                turn = self._one_turn(token, scope)
                async with aclosing(turn):
                    async for item in turn:
                        yield item
                        if isinstance(item, _End):
                            return

    async def _one_turn(
        self, token: CancellationToken, scope: CancelScope
    ) -> AsyncGenerator[Item | _End, None]:
        """Choose the speakers (unless a loaded state had chosen them), run their turn,
        check the stop; ends with an ``_End`` if the run stops."""
        manager = self._manager
        names = list(manager.pending_speakers)
        if not names:
            for item in await self._select(scope):
                yield item
            if not manager.pending_speakers:
                reason, manager.stop_reason = manager.stop_reason, None
                await manager.end_run()
                await self._checkpoint()
                yield _End(reason or "No speaker was selected.")
                return
            names = list(manager.pending_speakers)
            # Saved before the turn: a resumed run gives these speakers the turn without
            # choosing again (no repeated selector call; a question stays pending).
            await self._checkpoint()
        if self._emit_team_events:
            from ..._construct import construct
            from ...messages import SelectSpeakerEvent

            yield construct(SelectSpeakerEvent, content=names, source=self._manager_name)
        delta: list[Item] = []
        if len(names) == 1:
            turn = self._turn(self._by_name[names[0]], token, scope, delta)
        else:
            turn = self._concurrent_turns(names, token, scope, delta)
        async with aclosing(turn):
            async for item in turn:
                yield item
        manager.pending_speakers = []
        stop = await manager.apply_termination(delta, increment_turn=True)
        await self._checkpoint()
        if stop is not None:
            yield _End(stop.content)

    async def _select(self, scope: CancelScope) -> list[Item]:
        """Ask the manager for the next speakers (kept in its ``pending_speakers``); handle
        what the selection produced and return the items to yield."""
        manager = self._manager
        speakers = await scope.run(manager.select_speaker(manager.message_thread))
        names = [speakers] if isinstance(speakers, str) else list(speakers)
        for name in names:
            if name not in self._by_name:
                raise RuntimeError(
                    f"The manager of {self._name!r} chose {name!r}, which is not a "
                    f"participant ({', '.join(self._by_name)})."
                )
        manager.pending_speakers = names
        outbox, manager.outbox = manager.outbox, []
        if not outbox:
            return []
        from ...messages import BaseChatMessage

        items: list[Item] = []
        for entry in outbox:
            if isinstance(entry, ResetParticipants):
                reset_token = CancellationToken()
                for member in self._members:
                    await member.reset(reset_token)
                continue
            if isinstance(entry, BaseChatMessage):
                for member in self._members:
                    await member.deliver([entry])
            items.append(entry)
        return items

    async def _turn(
        self,
        member: Participant,
        token: CancellationToken,
        scope: CancelScope,
        delta: list[Item],
    ) -> AsyncGenerator[Item, None]:
        """One speaker's turn: yield its events; publish its answer to the others."""
        # Read from the package, which imports it on first use and keeps it as a plain
        # attribute: cheaper than a local import on every turn.
        task_result = _base.TaskResult
        chat: list[BaseChatMessage] = []
        async for item in scope.stream(member.turn(token)):  # the scope closes the turn
            if isinstance(item, Response):
                delta.extend(item.inner_messages or ())
                delta.append(item.chat_message)
                chat.append(item.chat_message)
                # The conversation is updated before the answer is yielded: a consumer
                # that saves the state on seeing the answer saves a whole turn.
                await self._publish(member.name, chat, delta)
                yield item.chat_message
            elif isinstance(item, task_result):
                from ...messages import BaseChatMessage  # (a team's result: once a turn)

                delta.extend(item.messages)
                chat.extend(m for m in item.messages if isinstance(m, BaseChatMessage))
                await self._publish(member.name, chat, delta)
            else:
                yield item

    async def _publish(self, speaker: str, chat: list[BaseChatMessage], delta: list[Item]) -> None:
        for member in self._members:
            if member.name != speaker:
                await member.deliver(chat)
        await self._manager.update_message_thread(delta)

    async def _concurrent_turns(
        self,
        names: list[str],
        token: CancellationToken,
        scope: CancelScope,
        delta: list[Item],
    ) -> AsyncGenerator[Item, None]:
        """Several speakers at once: their items merged as they come."""
        queue: asyncio.Queue[Item | BaseException | None] = asyncio.Queue()

        async def speak(name: str) -> None:
            own: list[Item] = []
            try:
                with CancelScope(token) as inner:
                    turn = self._turn(self._by_name[name], token, inner, own)
                    async with aclosing(turn):
                        async for item in turn:
                            queue.put_nowait(item)
            except BaseException as exc:
                queue.put_nowait(exc)
                raise
            finally:
                delta.extend(own)
                queue.put_nowait(None)

        tasks = [asyncio.create_task(speak(name)) for name in names]
        try:
            remaining = len(tasks)
            while remaining:
                item = await scope.run(queue.get())
                if item is None:
                    remaining -= 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def enable_checkpoints(self, store: CheckpointStore, key: str | None = None) -> None:
        """Save the team's state to ``store`` after the task and after every turn.

        A process killed at any moment (even with SIGKILL) loses at most the turn in
        progress: a new process builds the same team, calls :meth:`load_checkpoint` and
        ``run()`` continues from the last completed turn, without repeating its model calls
        or messages. The turn count (``max_turns``) and what the termination condition has
        counted (messages, tokens, cost, the time budget used) are kept, so the resumed run
        stops where an uninterrupted run would; a ``TimeoutTermination`` does not count the
        time between the kill and the resume.

        Args:
            store: Where to save (:class:`SqliteCheckpointStore`, or your own store).
            key: The team's key in the store (its name by default).
        """
        self._checkpoints = (store, key or self._name)

    async def load_checkpoint(self) -> bool:
        """Restore the last checkpoint, if the store has one; whether it had one.

        Raises:
            RuntimeError: no store was given with :meth:`enable_checkpoints`, or the team
                is running.
        """
        if self._checkpoints is None:
            raise RuntimeError("Call enable_checkpoints(store) before load_checkpoint().")
        store, key = self._checkpoints
        state = await store.load(key)
        if state is None:
            return False
        await self.load_state(state)
        return True

    async def _checkpoint(self) -> None:
        if self._checkpoints is not None:
            store, key = self._checkpoints
            await store.save(key, await self._save_state())

    async def _register_members(self) -> None:
        """Register the participants on the runtime, the first time they are needed."""
        if self._registered:
            return
        from ._runtime_participant import RuntimeParticipant

        for member in self._members:
            if isinstance(member, RuntimeParticipant):
                await member.register()
        self._registered = True

    def _register(self, message_type: type[BaseAgentEvent | BaseChatMessage]) -> None:
        if not self._factory.is_registered(message_type):
            self._factory.register(message_type)

    async def reset(self) -> None:
        """Forget the conversation; reset every participant and the termination condition.

        Raises:
            RuntimeError: the team is running.
        """
        if self._running:
            raise RuntimeError(
                f"The team {self._name!r} is running: cancel the run or wait for it to end "
                "before reset()."
            )
        await self._register_members()
        token = CancellationToken()
        for member in self._members:
            await member.reset(token)
        await self._manager.reset()

    async def pause(self) -> None:
        """Pause: the turn in progress ends, the next waits for :meth:`resume`.

        Each participant's ``on_pause`` is called.
        """
        self._unpaused.clear()
        await self._register_members()
        token = CancellationToken()
        for member in self._members:
            await member.pause(token)

    async def resume(self) -> None:
        """Resume a paused team (each participant's ``on_resume`` is called)."""
        await self._register_members()
        token = CancellationToken()
        for member in self._members:
            await member.resume(token)
        self._unpaused.set()

    async def close(self) -> None:
        """Close every participant (each releases the parts it owns: a team loaded from a
        config owns everything it loaded)."""
        for participant in self._participants:
            close: Any = getattr(participant, "close", None)
            if close is not None:
                await close()

    async def save_state(self) -> Mapping[str, Any]:
        """A ``TeamState``: each participant's state and the manager's, by name.

        While a run is in progress, called from another task, it waits for the turn in
        progress to end, so the state is that of a whole number of turns. Called from the
        task that consumes ``run_stream`` (the loop is suspended at a ``yield``), it saves
        at once; on a turn's answer the turn is already complete.
        """
        if self._running and asyncio.current_task() is not self._run_task:
            async with self._turn_lock:
                return await self._save_state()
        return await self._save_state()

    async def _save_state(self) -> Mapping[str, Any]:
        await self._register_members()
        states: dict[str, Any] = {}
        for member in self._members:
            states[member.name] = await member.save_state()
        states[self._manager_name] = await self._manager.save_state()
        from ...state import TeamState  # (the state models load on first use)

        return TeamState(agent_states=states).model_dump()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state from :meth:`save_state` (also AutoGen's, keyed by name).

        Raises:
            RuntimeError: the team is running.
            ValueError: the state misses a participant or the manager.
        """
        if self._running:
            raise RuntimeError(f"The team {self._name!r} is running: load_state() needs it idle.")
        from ...state import TeamState

        saved = TeamState.model_validate(state)
        missing = [n for n in [*self._by_name, self._manager_name] if n not in saved.agent_states]
        if missing:
            raise ValueError(
                f"The saved state has no entry for {', '.join(missing)}: it comes from a "
                "different team (participant names must match)."
            )
        await self._register_members()
        for member in self._members:
            await member.load_state(saved.agent_states[member.name])
        await self._manager.load_state(saved.agent_states[self._manager_name])

    @abstractmethod
    def _to_config(self) -> Any: ...


def _runtime_members(
    runtime: Any, team: str, participants: Sequence[ChatAgent | Team], factory: MessageFactory
) -> list[Participant]:
    from ..._ids import new_uuid4
    from ._runtime_participant import RuntimeParticipant

    team_id = new_uuid4()[:8]
    return [
        RuntimeParticipant(runtime, p, f"{team}_{p.name}_{team_id}", factory) for p in participants
    ]


@dataclass(frozen=True, slots=True)
class _End:
    """The end of a run and why (turned into the TaskResult)."""

    reason: str
