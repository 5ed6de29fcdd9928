"""GraphFlow: agents run in the order a directed graph says, branches in parallel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from ..._component import Component
from ..._lazy import imported_on_read
from ...base import ChatAgent, TerminationCondition
from ...errors import ComponentConfigError
from .._group_chat._base_group_chat import BaseGroupChat
from .._group_chat._common import load_participants, load_termination
from .._group_chat._manager import GroupChatManager

if TYPE_CHECKING:
    from ...messages import BaseAgentEvent, BaseChatMessage, MessageFactory
    from ...state import BaseGroupChatManagerState
    from .._group_chat._participant import Participant
    from .._group_chat._types import Item
    from ._config import GraphFlowConfig
    from ._digraph import DiGraph, EdgeCondition

__all__ = ["GraphFlow"]

COMPLETE = "Digraph execution is complete"


class _GraphManager(GroupChatManager):
    # Read on every turn: imported on first read (cheaper than a local import per call).
    chat_message: ClassVar[type[BaseChatMessage]] = imported_on_read(
        "agentparts.messages", "BaseChatMessage"
    )

    def __init__(
        self,
        graph: DiGraph,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> None:
        super().__init__(name, participants, termination_condition, max_turns, message_factory)
        self.graph = graph
        self.edges = {name: node.edges for name, node in graph.nodes.items()}
        self.activation: dict[str, dict[str, str]] = {}
        for node in graph.nodes.values():
            for edge in node.edges:
                groups = self.activation.setdefault(edge.target, {})
                groups[edge.activation_group] = edge.activation_condition
        self.origin = graph.get_remaining_map()
        self.start_nodes = sorted(graph.get_start_nodes())
        self._reset_execution()

    def _reset_execution(self) -> None:
        self.remaining = {t: dict(groups) for t, groups in self.origin.items()}
        self.enqueued_any = {
            t: dict.fromkeys(groups, False) for t, groups in self.activation.items()
        }
        self.triggered: dict[str, set[str]] = {}
        self.ready: list[str] = list(self.start_nodes)

    def _state_model(self) -> type[BaseGroupChatManagerState]:
        from ._config import GraphFlowManagerState  # (imported by the first save or load)

        return GraphFlowManagerState

    async def update_message_thread(self, messages: Sequence[Item]) -> None:
        await super().update_message_thread(messages)
        answer = next((m for m in reversed(messages) if isinstance(m, self.chat_message)), None)
        if answer is None or answer.source not in self.edges:
            return
        for edge in self.edges[answer.source]:
            if not edge.check_condition(answer):
                continue
            target, group = edge.target, edge.activation_group
            if self.activation[target][group] == "all":
                self.remaining[target][group] -= 1
                if self.remaining[target][group] == 0:
                    self._enqueue(target, group)
            elif not self.enqueued_any[target][group]:
                self.enqueued_any[target][group] = True
                self._enqueue(target, group)

    def _enqueue(self, target: str, group: str) -> None:
        if target not in self.ready:
            self.ready.append(target)
        self.triggered.setdefault(target, set()).add(group)

    async def select_speaker(self, thread: Sequence[Item]) -> list[str]:
        if not self.ready:
            self.stop_reason = COMPLETE
            self._reset_execution()
            return []
        speakers, self.ready = self.ready, []
        for speaker in speakers:
            for group in self.triggered.pop(speaker, set()):
                if self.activation[speaker][group] == "any":
                    self.enqueued_any[speaker][group] = False
                else:
                    self.remaining[speaker][group] = self.origin[speaker][group]
        return speakers

    async def reset_selection(self) -> None:
        self._reset_execution()

    def state_fields(self) -> dict[str, Any]:
        return {
            "remaining": self.remaining,
            "enqueued_any": self.enqueued_any,
            "triggered": {t: sorted(g) for t, g in self.triggered.items()},
            "ready": list(self.ready),
        }

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        from ._config import GraphFlowManagerState

        if not isinstance(state, GraphFlowManagerState):
            return
        unknown = [n for n in state.ready if n not in self.graph.nodes]
        if unknown:
            raise ValueError(f"The saved graph state names unknown nodes: {', '.join(unknown)}.")
        self.remaining = {t: dict(g) for t, g in state.remaining.items()} or self.remaining
        self.enqueued_any = {t: dict(g) for t, g in state.enqueued_any.items()} or self.enqueued_any
        self.triggered = {t: set(g) for t, g in state.triggered.items()}
        self.ready = list(state.ready)


class GraphFlow(BaseGroupChat, Component["GraphFlowConfig"]):
    """A team that runs its agents in the order a :class:`DiGraph` says.

    A run starts at the graph's start nodes. After a node's agent answers, its outgoing
    edges whose conditions hold are taken; a target runs once its activation group is
    satisfied (``"all"`` its edges, or ``"any"``). Nodes ready at the same time run
    concurrently. The run stops with "Digraph execution is complete" when nothing is ready
    (the next run starts at the start nodes again), or earlier by the termination condition
    or ``max_turns`` (the next run continues the graph). Every agent sees every answer, like
    in other group chats; wrap one in a ``MessageFilterAgent`` to narrow what it sees.

    Args:
        participants: The agents, one per node, named as the nodes.
        graph: The graph (from :class:`DiGraphBuilder`).
        name: The team's name (``"GraphFlow"`` by default).
        description: What the team does.
        termination_condition: When a run stops early.
        max_turns: Turns per run (a turn: the nodes that run together).
        runtime: Where participants run; ``None``: in the team's own task.
        custom_message_types: Your message classes, for loading saved states.

    Raises:
        ValueError: the graph is invalid (see :meth:`DiGraph.graph_validate`), its nodes and
            the participants differ, or it has a loop and neither a termination condition
            nor ``max_turns``.
    """

    component_config_schema = imported_on_read("agentparts.teams._graph._config", "GraphFlowConfig")
    component_provider_override = "agentparts.teams.GraphFlow"
    DEFAULT_NAME = "GraphFlow"
    DEFAULT_DESCRIPTION = "A team of agents"

    def __init__(
        self,
        participants: Sequence[ChatAgent],
        graph: DiGraph,
        *,
        name: str | None = None,
        description: str | None = None,
        termination_condition: TerminationCondition | None = None,
        max_turns: int | None = None,
        runtime: Any = None,
        custom_message_types: Sequence[type[BaseAgentEvent | BaseChatMessage]] | None = None,
    ) -> None:
        graph.graph_validate()
        names = {p.name for p in participants}
        if names != set(graph.nodes):
            missing = sorted(set(graph.nodes) - names)
            extra = sorted(names - set(graph.nodes))
            raise ValueError(
                "The graph's nodes and the participants must match: "
                f"nodes without an agent: {missing or 'none'}; agents without a node: "
                f"{extra or 'none'}."
            )
        if graph.has_cycles_with_exit() and termination_condition is None and max_turns is None:
            raise ValueError(
                "The graph has a loop: give a termination condition or max_turns, so a run "
                "that keeps looping still ends."
            )
        self.graph = graph
        super().__init__(
            name=name,
            description=description,
            participants=participants,
            manager_name="GraphManager",
            manager_factory=self._manager_factory,
            termination_condition=termination_condition,
            max_turns=max_turns,
            runtime=runtime,
            custom_message_types=custom_message_types,
        )

    def _manager_factory(
        self,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> GroupChatManager:
        return _GraphManager(
            self.graph, name, participants, termination_condition, max_turns, message_factory
        )

    def _to_config(self) -> GraphFlowConfig:
        from ...agents._references import reference_of
        from ._config import GraphFlowConfig

        condition = self.termination_condition
        return GraphFlowConfig(
            name=self.name,
            description=self.description,
            participants=[p.dump_component() for p in self.participants],
            termination_condition=None if condition is None else condition.dump_component(),
            max_turns=self.max_turns,
            graph=self.graph.with_references(reference_of),
        )

    @classmethod
    def _from_config(cls, config: GraphFlowConfig) -> Self:
        participants = load_participants(config.participants)
        agents = [p for p in participants if isinstance(p, ChatAgent)]
        if len(agents) != len(participants):
            raise ComponentConfigError("A GraphFlow's participants must be agents, not teams.")
        return cls(
            agents,
            _resolve_conditions(config.graph),
            name=config.name,
            description=config.description,
            termination_condition=load_termination(config.termination_condition),
            max_turns=config.max_turns,
        )


def _resolve_conditions(graph: DiGraph) -> DiGraph:
    from ...agents._references import import_reference

    for node in graph.nodes.values():
        for edge in node.edges:
            if edge.condition_reference is not None and edge.condition_function is None:
                found: Any = import_reference(edge.condition_reference, "edge condition")
                if not callable(found):
                    raise ComponentConfigError(
                        f"Edge condition {edge.condition_reference!r} names {found!r}, which "
                        "is not callable."
                    )
                edge.condition_function = cast("EdgeCondition", found)
    return graph
