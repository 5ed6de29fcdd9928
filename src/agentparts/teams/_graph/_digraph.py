"""The graph of a GraphFlow: nodes (agents), edges with conditions, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ...messages import BaseChatMessage

__all__ = ["DiGraph", "DiGraphEdge", "DiGraphNode"]

EdgeCondition = Callable[[BaseChatMessage], bool]


class DiGraphEdge(BaseModel):
    """An edge to ``target``, taken when its condition holds for the source's answer.

    Attributes:
        target: The node the edge leads to.
        condition: ``None`` (always), a string (taken when the answer's text contains it),
            or a function of the answer returning a bool.
        condition_function: The function, when the condition is one (set from
            ``condition``).
        condition_reference: The function's import reference in a saved graph (the
            function is imported back through the same rules as providers).
        activation_group: Edges into the same target are grouped by this name (the target
            by default); the target runs when its group is satisfied.
        activation_condition: ``"all"`` edges of the group must be taken, or ``"any"``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)

    target: str
    condition: str | EdgeCondition | None = None
    condition_function: EdgeCondition | None = Field(default=None, exclude=True)
    condition_reference: str | None = None
    activation_group: str = ""
    activation_condition: Literal["all", "any"] = "all"

    @model_validator(mode="after")
    def _split_condition(self) -> DiGraphEdge:
        if callable(self.condition):
            self.condition_function = self.condition
            object.__setattr__(self, "condition", None)
        if not self.activation_group:
            self.activation_group = self.target
        return self

    @property
    def conditional(self) -> bool:
        """Whether the edge has a condition."""
        return (
            self.condition is not None
            or self.condition_function is not None
            or self.condition_reference is not None
        )

    def check_condition(self, message: BaseChatMessage) -> bool:
        """Whether the edge is taken after ``message``."""
        if self.condition_function is not None:
            return bool(self.condition_function(message))
        if isinstance(self.condition, str):
            return self.condition in message.to_model_text()
        return True


class DiGraphNode(BaseModel):
    """A node: an agent by name, with its outgoing edges."""

    model_config = ConfigDict(defer_build=True)

    name: str
    edges: list[DiGraphEdge] = Field(default_factory=list[DiGraphEdge])
    activation: Literal["all", "any"] = "all"


class DiGraph(BaseModel):
    """A directed graph of agents; build one with :class:`DiGraphBuilder`.

    Attributes:
        nodes: The nodes by name.
        default_start_node: Where a run starts; else every node without parents.
    """

    model_config = ConfigDict(defer_build=True)

    nodes: dict[str, DiGraphNode]
    default_start_node: str | None = None

    def get_parents(self) -> dict[str, list[str]]:
        """Each node's parents."""
        parents: dict[str, list[str]] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            for edge in node.edges:
                parents.setdefault(edge.target, []).append(node.name)
        return parents

    def get_start_nodes(self) -> set[str]:
        """Where a run starts."""
        if self.default_start_node:
            return {self.default_start_node}
        return {name for name, parents in self.get_parents().items() if not parents}

    def get_leaf_nodes(self) -> set[str]:
        """Nodes without outgoing edges."""
        return {name for name, node in self.nodes.items() if not node.edges}

    def get_remaining_map(self) -> dict[str, dict[str, int]]:
        """For each target and activation group, how many edges lead there."""
        remaining: dict[str, dict[str, int]] = {}
        for node in self.nodes.values():
            for edge in node.edges:
                groups = remaining.setdefault(edge.target, {})
                groups[edge.activation_group] = groups.get(edge.activation_group, 0) + 1
        return remaining

    def has_cycles_with_exit(self) -> bool:
        """Whether the graph has cycles (each must have a conditional edge to leave by).

        Raises:
            ValueError: a cycle has only unconditional edges: it could never end.
        """
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        path: list[str] = []
        found = False

        def visit(name: str) -> None:
            nonlocal found
            state[name] = 1
            path.append(name)
            for edge in self.nodes[name].edges:
                mark = state.get(edge.target)
                if mark is None:
                    visit(edge.target)
                elif mark == 1:
                    cycle = path[path.index(edge.target) :]
                    if not any(e.conditional for n in cycle for e in self.nodes[n].edges):
                        raise ValueError(
                            "Cycle without an exit condition: "
                            f"{' -> '.join([*cycle, cycle[0]])}. Give one of its edges a "
                            "condition, so the loop can end."
                        )
                    found = True
            path.pop()
            state[name] = 2

        for name in self.nodes:
            if name not in state:
                visit(name)
        return found

    def graph_validate(self) -> None:
        """Check the graph can run.

        Raises:
            ValueError: no nodes, an edge to an unknown node, no start node, a start node
                that is no node, nodes no start node reaches, mixed conditional and
                unconditional edges on a node, conflicting activation conditions in a
                group, or a cycle without an exit condition.
        """
        if not self.nodes:
            raise ValueError("The graph has no nodes.")
        for node in self.nodes.values():
            for edge in node.edges:
                if edge.target not in self.nodes:
                    raise ValueError(
                        f"Node {node.name!r} has an edge to {edge.target!r}, which is not a node."
                    )
            kinds = {edge.conditional for edge in node.edges}
            if len(kinds) > 1:
                raise ValueError(
                    f"Node {node.name!r} mixes conditional and unconditional edges: give every "
                    "edge a condition, or none."
                )
        if self.default_start_node is not None and self.default_start_node not in self.nodes:
            raise ValueError(f"The start node {self.default_start_node!r} is not a node.")
        starts = self.get_start_nodes()
        if not starts:
            raise ValueError(
                "The graph has no entry point: every node has a parent. Set one with "
                "DiGraphBuilder.set_entry_point()."
            )
        unreachable = sorted(set(self.nodes) - self._reachable(starts))
        if unreachable:
            raise ValueError(
                f"No start node reaches {', '.join(unreachable)}: add edges to them or remove them."
            )
        self._check_activation()
        self.has_cycles_with_exit()

    def _reachable(self, starts: set[str]) -> set[str]:
        seen = set(starts)
        todo = list(starts)
        while todo:
            for edge in self.nodes[todo.pop()].edges:
                if edge.target not in seen:
                    seen.add(edge.target)
                    todo.append(edge.target)
        return seen

    def _check_activation(self) -> None:
        conditions: dict[tuple[str, str], tuple[str, str]] = {}
        for node in self.nodes.values():
            for edge in node.edges:
                key = (edge.target, edge.activation_group)
                known = conditions.setdefault(key, (edge.activation_condition, node.name))
                if known[0] != edge.activation_condition:
                    raise ValueError(
                        f"Edges into {edge.target!r} (group {edge.activation_group!r}) disagree: "
                        f"{known[0]!r} from {known[1]!r}, {edge.activation_condition!r} from "
                        f"{node.name!r}."
                    )

    def with_references(self, reference_of: Callable[[Any, str], str]) -> DiGraph:
        """A copy whose function conditions carry their import references (for saving)."""
        copy = self.model_copy(deep=True)
        for node in copy.nodes.values():
            for edge in node.edges:
                if edge.condition_function is not None:
                    edge.condition_reference = reference_of(
                        edge.condition_function, f"edge condition {node.name}->{edge.target}"
                    )
        return copy
