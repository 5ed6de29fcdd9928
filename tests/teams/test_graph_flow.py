"""GraphFlow: conditional edges, loops, parallel branches, activation groups, validation,
state and configs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.agents import AssistantAgent
from agentparts.base import Response, TaskResult
from agentparts.conditions import MaxMessageTermination, SourceMatchTermination
from agentparts.errors import ComponentConfigError
from agentparts.messages import BaseChatMessage, TextMessage
from agentparts.teams import DiGraph, DiGraphBuilder, DiGraphEdge, DiGraphNode, GraphFlow

from .conftest import Slow, assistant

DATA = Path(__file__).parent / "data"


def chat(result: TaskResult) -> list[str]:
    return [f"{m.source}: {m.to_text()}" for m in result.messages if isinstance(m, TextMessage)]


def approved(message: BaseChatMessage) -> bool:
    return "APPROVE" in message.to_text()


def review_loop(
    drafts: tuple[str, ...] = ("draft 1", "draft 2", "draft 3"),
    reviews: tuple[str, ...] = ("REVISE please", "APPROVE", "APPROVE"),
    publications: tuple[str, ...] = ("published", "published again"),
) -> tuple[GraphFlow, list[AssistantAgent]]:
    writer = assistant("writer", *drafts)
    reviewer = assistant("reviewer", *reviews)
    publisher = assistant("publisher", *publications)
    builder = DiGraphBuilder()
    builder.add_node(writer).add_node(reviewer).add_node(publisher)
    builder.add_edge(writer, reviewer)
    builder.add_edge(reviewer, publisher, condition=approved)
    builder.add_edge(reviewer, writer, condition="REVISE")
    builder.set_entry_point(writer)
    flow = GraphFlow(builder.get_participants(), builder.build(), max_turns=20)
    return flow, [writer, reviewer, publisher]


async def test_a_loop_with_an_exit_condition_runs_until_the_graph_completes() -> None:
    flow, _ = review_loop()
    result = await flow.run(task="Write.")
    assert chat(result) == [
        "user: Write.",
        "writer: draft 1",
        "reviewer: REVISE please",
        "writer: draft 2",
        "reviewer: APPROVE",
        "publisher: published",
    ]
    assert result.stop_reason == "Digraph execution is complete"
    # A finished graph starts over at its entry point on the next run.
    again = await flow.run(task="Once more.")
    assert chat(again)[1:] == ["writer: draft 3", "reviewer: APPROVE", "publisher: published again"]


class Meeting(Slow):
    """Answers only once every other member of its meeting has started: branches run one
    after the other never get there (the wait gives up after 10 s and fails the test)."""

    def __init__(self, name: str, members: dict[str, asyncio.Event]) -> None:
        super().__init__(name, 0)
        self.members = members
        members[name] = asyncio.Event()

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        self.members[self.name].set()
        others = [e.wait() for n, e in self.members.items() if n != self.name]
        await asyncio.wait_for(asyncio.gather(*others), 10)
        return await super().on_messages(messages, cancellation_token)


async def test_parallel_branches_run_concurrently_and_join() -> None:
    start = assistant("start", "go")
    members: dict[str, asyncio.Event] = {}
    left, right = Meeting("left", members), Meeting("right", members)
    join = assistant("join", "joined")
    builder = DiGraphBuilder()
    for agent in (start, left, right, join):
        builder.add_node(agent)
    builder.add_edge(start, left).add_edge(start, right)
    builder.add_edge(left, join).add_edge(right, join)
    flow = GraphFlow(builder.get_participants(), builder.build())
    result = await flow.run(task="Fan out.")  # both branches were running at once
    sources = [m.source for m in result.messages if isinstance(m, TextMessage)]
    assert sources[:2] == ["user", "start"]
    assert sorted(sources[2:4]) == ["left", "right"]
    assert sources[4:] == ["join"]  # once, after both


async def test_activation_any_runs_the_target_after_the_first_branch() -> None:
    start = assistant("start", "go")
    fast, slow = Slow("fast", 0), Slow("slow", 0.1)
    join = assistant("join", "joined", "joined twice")
    builder = DiGraphBuilder()
    for agent in (start, fast, slow, join):
        builder.add_node(agent)
    builder.add_edge(start, fast).add_edge(start, slow)
    builder.add_edge(fast, join, activation_condition="any")
    builder.add_edge(slow, join, activation_condition="any")
    flow = GraphFlow(builder.get_participants(), builder.build())
    result = await flow.run(task="Race.")
    sources = [m.source for m in result.messages if isinstance(m, TextMessage)]
    assert sources.count("join") == 1
    assert sources.index("join") > sources.index("fast")


async def test_a_termination_condition_pauses_the_graph_and_the_next_run_continues() -> None:
    looped, agents = review_loop()
    flow = GraphFlow(
        agents, looped.graph, termination_condition=SourceMatchTermination(["reviewer"])
    )
    first = await flow.run(task="Write.")
    assert chat(first)[-1] == "reviewer: REVISE please"
    state = json.loads(json.dumps(await flow.save_state()))
    assert state["agent_states"]["GraphManager"]["ready"] == ["writer"]
    second = await flow.run()
    assert chat(second) == ["writer: draft 2", "reviewer: APPROVE"]


@pytest.mark.parametrize(
    ("nodes", "start", "error"),
    [
        ({}, None, "no nodes"),
        ({"a": ["b"], "b": ["a"]}, None, "no entry point"),
        ({"a": ["b"], "b": [], "c": []}, "a", "No start node reaches c"),
        ({"a": ["ghost"]}, None, "'ghost', which is not a node"),
    ],
)
def test_invalid_graphs_say_what_is_wrong(
    nodes: dict[str, list[str]], start: str | None, error: str
) -> None:
    graph = DiGraph(
        nodes={
            name: DiGraphNode(name=name, edges=[DiGraphEdge(target=t) for t in targets])
            for name, targets in nodes.items()
        },
        default_start_node=start,
    )
    with pytest.raises(ValueError, match=error):
        graph.graph_validate()


def test_a_cycle_without_an_exit_and_a_loop_without_a_stop_are_refused() -> None:
    a, b = assistant("a"), assistant("b")
    builder = DiGraphBuilder().add_node(a).add_node(b).add_edge(a, b).add_edge(b, a)
    builder.set_entry_point(a)
    with pytest.raises(ValueError, match="Cycle without an exit condition: a -> b -> a"):
        builder.build()
    flow, agents = review_loop()
    with pytest.raises(ValueError, match="has a loop: give a termination condition"):
        GraphFlow(agents, flow.graph)
    with pytest.raises(ValueError, match=r"agents without a node: \['stranger'\]"):
        GraphFlow([*agents, assistant("stranger")], flow.graph, max_turns=3)


async def test_callable_conditions_survive_save_and_load() -> None:
    flow, _ = review_loop()
    saved = json.loads(flow.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.teams.GraphFlow"
    edge = saved["config"]["graph"]["nodes"]["reviewer"]["edges"][0]
    assert edge["condition_reference"] == f"{__name__}.approved"
    with pytest.raises(Exception, match="not under an allowed prefix"):
        ComponentLoader.load_component(saved)
    loaded = ComponentLoader.load_component(saved, GraphFlow, allowed_providers=["tests"])
    result = await loaded.run(task="Write.")
    assert result.stop_reason == "Digraph execution is complete"
    assert chat(result)[-1] == "publisher: published"

    lambda_flow = DiGraphBuilder().add_node(assistant("x")).add_node(assistant("y"))
    lambda_flow.add_edge("x", "y", condition=lambda m: True)
    team = GraphFlow(lambda_flow.get_participants(), lambda_flow.build())
    with pytest.raises(ComponentConfigError, match="import reference"):
        team.dump_component()


async def test_autogen_graph_flow_config_loads_unchanged_and_runs() -> None:
    config = json.loads((DATA / "autogen_graph_flow.json").read_text())["graph_flow"]
    assert config["provider"] == "autogen_agentchat.teams.GraphFlow"
    flow = ComponentLoader.load_component(config, GraphFlow)
    assert isinstance(flow.termination_condition, MaxMessageTermination)
    result = await flow.run(task="Write.")
    assert [m.split(":")[0] for m in chat(result)] == [
        "user",
        "writer",
        "reviewer",
        "writer",
        "reviewer",
        "publisher",
    ]
    assert result.stop_reason == "Digraph execution is complete"


async def test_a_state_saved_mid_loop_continues_in_a_new_flow() -> None:
    looped, agents = review_loop()
    flow = GraphFlow(
        agents, looped.graph, termination_condition=SourceMatchTermination(["reviewer"])
    )
    await flow.run(task="Write.")  # stops after "reviewer: REVISE please"
    state = json.loads(json.dumps(await flow.save_state()))
    fresh_loop, fresh_agents = review_loop(("draft 2",), ("APPROVE",), ("published",))
    fresh = GraphFlow(fresh_agents, fresh_loop.graph, max_turns=20)
    await fresh.load_state(state)
    result = await fresh.run()
    assert chat(result) == ["writer: draft 2", "reviewer: APPROVE", "publisher: published"]
    assert result.stop_reason == "Digraph execution is complete"


async def test_a_flow_stopped_in_a_parallel_turn_resumes_and_completes(tmp_path: Path) -> None:
    """Stopped while one branch is still working (as by a kill): the resumed flow runs that
    turn again and the join once; the graph is not left complete with work to do."""
    from agentparts.teams import SqliteCheckpointStore

    def fan_out(left_delay: float) -> GraphFlow:
        start, join = assistant("start", "go"), assistant("join", "joined")
        left, right = Slow("left", left_delay), Slow("right", 0)
        builder = DiGraphBuilder()
        for agent in (start, left, right, join):
            builder.add_node(agent)
        builder.add_edge(start, left).add_edge(start, right)
        builder.add_edge(left, join).add_edge(right, join)
        return GraphFlow(builder.get_participants(), builder.build())

    store = SqliteCheckpointStore(tmp_path / "flows.db")
    first = fan_out(30)
    first.enable_checkpoints(store, key="fan")
    token = CancellationToken()
    seen: list[str] = []

    async def consume() -> None:
        async for item in first.run_stream(task="Fan out.", cancellation_token=token):
            if isinstance(item, TextMessage):
                seen.append(item.source)
                if item.source == "right":
                    token.cancel()  # left is still working

    with pytest.raises(asyncio.CancelledError):
        await consume()
    assert seen == ["user", "start", "right"]
    again = fan_out(0)
    again.enable_checkpoints(store, key="fan")
    assert await again.load_checkpoint()
    assert sorted(again.pending_speakers) == ["left", "right"]
    result = await again.run()
    sources = [m.source for m in result.messages if isinstance(m, TextMessage)]
    assert sorted(sources[:2]) == ["left", "right"] and sources[2:] == ["join"]
    assert result.stop_reason == "Digraph execution is complete"
    store.close()
