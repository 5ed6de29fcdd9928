"""DiGraphBuilder: build a GraphFlow's graph step by step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ...base import ChatAgent
    from ._digraph import DiGraph, DiGraphNode, EdgeCondition

__all__ = ["DiGraphBuilder"]


class DiGraphBuilder:
    """Builds a :class:`DiGraph` and remembers its agents.

    Example:
        >>> from agentparts.agents import AssistantAgent
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> a = AssistantAgent("a", ReplayChatCompletionClient([]))
        >>> b = AssistantAgent("b", ReplayChatCompletionClient([]))
        >>> builder = DiGraphBuilder().add_node(a).add_node(b).add_edge(a, b)
        >>> sorted(builder.build().nodes)
        ['a', 'b']
    """

    def __init__(self) -> None:
        self.nodes: dict[str, DiGraphNode] = {}
        self.agents: dict[str, ChatAgent] = {}
        self._start: str | None = None

    @staticmethod
    def _name(node: str | ChatAgent) -> str:
        return node if isinstance(node, str) else node.name

    def add_node(
        self, agent: ChatAgent, activation: Literal["all", "any"] = "all"
    ) -> DiGraphBuilder:
        """Add an agent as a node (once)."""
        from ._digraph import DiGraphNode  # (the graph's models are built on first use)

        if agent.name not in self.nodes:
            self.nodes[agent.name] = DiGraphNode(name=agent.name, activation=activation)
            self.agents[agent.name] = agent
        return self

    def add_edge(
        self,
        source: str | ChatAgent,
        target: str | ChatAgent,
        condition: str | EdgeCondition | None = None,
        activation_group: str | None = None,
        activation_condition: Literal["all", "any"] | None = None,
    ) -> DiGraphBuilder:
        """Add an edge, taken always, when the answer contains ``condition``, or when
        ``condition(answer)`` is true.

        Raises:
            ValueError: a node was not added first.
        """
        from ._digraph import DiGraphEdge

        source_name, target_name = self._name(source), self._name(target)
        for name, role in ((source_name, "Source"), (target_name, "Target")):
            if name not in self.nodes:
                raise ValueError(
                    f"{role} node {name!r} must be added before an edge to or from it."
                )
        self.nodes[source_name].edges.append(
            DiGraphEdge(
                target=target_name,
                condition=condition,
                activation_group=activation_group or target_name,
                activation_condition=activation_condition or "all",
            )
        )
        return self

    def add_conditional_edges(
        self, source: str | ChatAgent, condition_to_target: dict[str, str | ChatAgent]
    ) -> DiGraphBuilder:
        """Add one edge per ``{text: target}``, taken when the answer contains the text."""
        for text, target in condition_to_target.items():
            self.add_edge(source, target, condition=text)
        return self

    def set_entry_point(self, name: str | ChatAgent) -> DiGraphBuilder:
        """Start runs at this node.

        Raises:
            ValueError: the node was not added.
        """
        node = self._name(name)
        if node not in self.nodes:
            raise ValueError(f"Start node {node!r} must be added before it is the entry point.")
        self._start = node
        return self

    def build(self) -> DiGraph:
        """The graph, validated (see :meth:`DiGraph.graph_validate`)."""
        from ._digraph import DiGraph

        graph = DiGraph(nodes=self.nodes, default_start_node=self._start)
        graph.graph_validate()
        return graph

    def get_participants(self) -> list[ChatAgent]:
        """The agents, in the order they were added."""
        return list(self.agents.values())
