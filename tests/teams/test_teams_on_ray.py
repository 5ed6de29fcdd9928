"""Teams whose participants are Ray actors give the same result as in-process teams.

Each participant's agent is rebuilt in its actor from its component config (an agent
with no config travels pickled); the team's manager stays in the driver. The Ray tests are
``slow``; the last two check the serializer and the factory without Ray.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import pytest

from agentparts import CancellationToken, FunctionCall
from agentparts.agents import AssistantAgent, BaseChatAgent
from agentparts.base import Response, TaskResult, Team
from agentparts.conditions import MaxMessageTermination, TextMentionTermination
from agentparts.messages import (
    BaseChatMessage,
    BaseTextChatMessage,
    MessageFactory,
    TextMessage,
    ThoughtEvent,
)
from agentparts.models import CreateResult, RequestUsage
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import (
    DiGraphBuilder,
    GraphFlow,
    MagenticOneGroupChat,
    RoundRobinGroupChat,
    SelectorGroupChat,
    Swarm,
)
from agentparts.teams._group_chat._portable import (
    GroupChatMessageSerializer,
    ParticipantFactory,
)
from agentparts.teams._group_chat._runtime_participant import DeliverMessages, TurnOutput
from agentparts.testing import OpenAITestServer

from .conftest import assistant, tool_model

ray = pytest.importorskip("ray")
from agentparts.runtimes.ray import RayAgentRuntime  # noqa: E402

TeamMaker = Callable[[Any], Team]


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[None]:
    """One local Ray instance for the module (starting one takes many seconds)."""
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(include_dashboard=False, log_to_driver=False, num_cpus=4)
        except Exception:  # the raylet has 30 s to start: a busy machine can miss that once
            ray.shutdown()
            ray.init(include_dashboard=False, log_to_driver=False, num_cpus=4)
    yield
    if started:
        ray.shutdown()


def alive_actors() -> list[str]:
    """The runtime's actors still alive, from the GCS actor table (the state API would need
    Ray's dashboard)."""
    actors = ray._private.state.actors().values()  # pyright: ignore
    return [
        a["ActorClassName"]
        for a in actors
        if a["State"] == "ALIVE" and a["ActorClassName"] in ("AgentHost", "Directory")
    ]


@pytest.fixture
async def ray_runtime(ray_instance: None) -> AsyncIterator[RayAgentRuntime]:
    """A started RayAgentRuntime; closed afterwards, with no actor left."""
    runtime = RayAgentRuntime()
    runtime.start()
    yield runtime
    await runtime.close()
    assert alive_actors() == [], "an actor was left running"


def transcript(result: TaskResult) -> list[tuple[str, str, str]]:
    return [(type(m).__name__, m.source, m.to_text()) for m in result.messages]


async def same_on_ray(make: TeamMaker, runtime: RayAgentRuntime, task: str) -> TaskResult:
    """Run the team in-process and on Ray; both results must match. Returns Ray's."""
    local = await make(None).run(task=task)
    remote = await make(runtime).run(task=task)
    assert transcript(remote) == transcript(local)
    assert remote.stop_reason == local.stop_reason
    return remote


@pytest.mark.slow
async def test_round_robin_team_on_ray_actors_matches_in_process(
    ray_runtime: RayAgentRuntime,
) -> None:
    def make(runtime: Any) -> Team:
        return RoundRobinGroupChat(
            [assistant("writer", "draft", "draft 2"), assistant("critic", "REVISE", "APPROVE")],
            termination_condition=TextMentionTermination("APPROVE"),
            runtime=runtime,
        )

    result = await same_on_ray(make, ray_runtime, "Write.")
    assert [m.to_text() for m in result.messages] == [
        "Write.", "draft", "REVISE", "draft 2", "APPROVE",
    ]  # fmt: skip
    assert await ray_runtime.actor_count() == 2  # one actor per participant
    # A run that continues, a state saved through the actors, and a reset.
    team = make(ray_runtime)
    await team.run(task="Write.")
    state = await team.save_state()
    assert state["agent_states"]["writer"]["message_buffer"][-1]["content"] == "APPROVE"
    await team.reset()
    assert (await team.save_state())["agent_states"]["writer"]["message_buffer"] == []
    await team.load_state(state)
    assert (await team.save_state())["agent_states"]["writer"] == state["agent_states"]["writer"]


@pytest.mark.slow
async def test_round_robin_team_over_http_builds_its_clients_in_the_actors(
    ray_runtime: RayAgentRuntime,
) -> None:
    async with OpenAITestServer(api_key="sk-test") as server:
        clients: list[OpenAIChatCompletionClient] = []

        def make(runtime: Any) -> Team:
            client = OpenAIChatCompletionClient(
                model="gpt-4o", base_url=server.base_url, api_key="sk-test"
            )
            clients.append(client)
            agents = [
                AssistantAgent(name, client, system_message=f"You are {name}.")
                for name in ("planner", "writer", "critic")
            ]
            return RoundRobinGroupChat(agents, max_turns=6, runtime=runtime)

        try:
            result = await same_on_ray(make, ray_runtime, "Plan a trip.")
        finally:
            for client in clients:
                await client.close()
        assert len(server.requests) == 12  # 6 in-process, 6 from the actors
        # The actors' clients sent what the in-process client sent, key included.
        sent = [r.messages for r in server.requests]
        assert sent[6:] == sent[:6]
        answers = [m for m in result.messages if m.source != "user"]
        assert all(m.models_usage is not None for m in answers)


@pytest.mark.slow
async def test_selector_team_on_ray_matches_in_process(ray_runtime: RayAgentRuntime) -> None:
    def make(runtime: Any) -> Team:
        return SelectorGroupChat(
            [assistant("a", "a1", "a2"), assistant("b", "b1", "b2")],
            ReplayChatCompletionClient(["b", "a", "b"]),
            max_turns=3,
            runtime=runtime,
        )

    result = await same_on_ray(make, ray_runtime, "go")
    assert [m.source for m in result.messages] == ["user", "b", "a", "b"]


def handoff_to(target: str) -> CreateResult:
    call = FunctionCall(id=f"call_{target}", name=f"transfer_to_{target}", arguments="{}")
    return CreateResult(finish_reason="function_calls", content=[call], usage=RequestUsage(1, 1))


@pytest.mark.slow
async def test_swarm_on_ray_matches_in_process(ray_runtime: RayAgentRuntime) -> None:
    def make(runtime: Any) -> Team:
        alice = AssistantAgent("alice", tool_model(handoff_to("bob")), handoffs=["bob"])
        bob = AssistantAgent("bob", tool_model("Done. TERMINATE"), handoffs=["alice"])
        return Swarm(
            [alice, bob],
            termination_condition=TextMentionTermination("TERMINATE"),
            runtime=runtime,
        )

    result = await same_on_ray(make, ray_runtime, "Book a flight.")
    kinds = [type(m).__name__ for m in result.messages]
    assert "HandoffMessage" in kinds and "ToolCallRequestEvent" in kinds
    assert result.messages[-1].to_text() == "Done. TERMINATE"


def approved(message: BaseChatMessage) -> bool:
    return "APPROVE" in message.to_text()


@pytest.mark.slow
async def test_graph_flow_on_ray_matches_in_process(ray_runtime: RayAgentRuntime) -> None:
    def make(runtime: Any) -> Team:
        writer = assistant("writer", "draft 1", "draft 2")
        reviewer = assistant("reviewer", "REVISE please", "APPROVE")
        publisher = assistant("publisher", "published")
        builder = DiGraphBuilder()
        builder.add_node(writer).add_node(reviewer).add_node(publisher)
        builder.add_edge(writer, reviewer)
        builder.add_edge(reviewer, publisher, condition=approved)
        builder.add_edge(reviewer, writer, condition="REVISE")
        builder.set_entry_point(writer)
        return GraphFlow(builder.get_participants(), builder.build(), max_turns=10, runtime=runtime)

    result = await same_on_ray(make, ray_runtime, "Write.")
    assert [m.source for m in result.messages] == [
        "user", "writer", "reviewer", "writer", "reviewer", "publisher",
    ]  # fmt: skip


def ledger(next_speaker: str, instruction: str, *, done: bool = False) -> str:
    def answer(value: object) -> dict[str, object]:
        return {"reason": "-", "answer": value}

    return json.dumps({
        "is_request_satisfied": answer(done),
        "is_in_loop": answer(False),
        "is_progress_being_made": answer(True),
        "next_speaker": answer(next_speaker),
        "instruction_or_question": answer(instruction),
    })  # fmt: skip


@pytest.mark.slow
async def test_magentic_one_on_ray_matches_in_process(ray_runtime: RayAgentRuntime) -> None:
    def make(runtime: Any) -> Team:
        orchestrator = ReplayChatCompletionClient([
            "FACTS: 6 and 7 are given.",
            "- coder multiplies",
            ledger("coder", "Compute 6 times 7."),
            ledger("coder", "-", done=True),
            "The answer is 42.",
        ])  # fmt: skip
        return MagenticOneGroupChat(
            [assistant("coder", "6 * 7 = 42"), assistant("writer")],
            orchestrator,
            emit_team_events=True,
            runtime=runtime,
        )

    result = await same_on_ray(make, ray_runtime, "What is 6 times 7?")
    assert [m.source for m in result.messages if isinstance(m, TextMessage)][-2:] == [
        "coder", "MagenticOneOrchestrator",
    ]  # fmt: skip


class Tally(BaseTextChatMessage):
    """A custom message type: it crosses processes through the team's message factory."""

    count: int


class Counter(BaseChatAgent):
    """An agent with no component config: it travels to its actor pickled."""

    def __init__(self, name: str) -> None:
        super().__init__(name, "Counts the messages it has seen.")
        self.seen = 0

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (Tally,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        self.seen += len(messages)
        tally = Tally(content=f"seen {self.seen}", source=self.name, count=self.seen)
        return Response(chat_message=tally)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        self.seen = 0


@pytest.mark.slow
async def test_an_agent_without_a_config_travels_pickled_with_custom_messages(
    ray_runtime: RayAgentRuntime,
) -> None:
    def make(runtime: Any) -> Team:
        return RoundRobinGroupChat(
            [Counter("one"), Counter("two")],
            termination_condition=MaxMessageTermination(5),
            runtime=runtime,
            custom_message_types=[Tally],
        )

    result = await same_on_ray(make, ray_runtime, "count")
    assert [m.to_text() for m in result.messages] == [
        "count", "seen 1", "seen 2", "seen 2", "seen 3",
    ]  # fmt: skip
    last = result.messages[-1]
    assert isinstance(last, Tally) and last.count == 3


def test_protocol_messages_round_trip_through_json() -> None:
    factory = MessageFactory()
    factory.register(Tally)
    deliver = GroupChatMessageSerializer(DeliverMessages, factory)
    messages: list[Any] = [
        TextMessage(content="hi", source="user"),
        Tally(content="seen 1", source="one", count=1),
    ]
    back = deliver.deserialize(deliver.serialize(DeliverMessages(messages)))
    assert back == DeliverMessages(messages)
    output = GroupChatMessageSerializer(TurnOutput, factory)
    thought = ThoughtEvent(content="hmm", source="a")
    items: list[Any] = [
        thought,
        Response(chat_message=TextMessage(content="a1", source="a"), inner_messages=[thought]),
        TaskResult(messages=[messages[0]], stop_reason="done"),
    ]
    assert output.deserialize(output.serialize(TurnOutput(items))) == TurnOutput(items)
    # Without the custom type registered, the other side says what to do.
    with pytest.raises(ValueError, match="Unknown message type 'Tally'"):
        GroupChatMessageSerializer(DeliverMessages, MessageFactory()).deserialize(
            deliver.serialize(DeliverMessages(messages))
        )
    with pytest.raises(ValueError, match="holds a value of type object, which cannot travel"):
        deliver.serialize(DeliverMessages([object()]))


def wrap(agent: Any, factory: MessageFactory) -> Any:
    return agent


def test_a_participant_factory_travels_as_its_config() -> None:
    agent = assistant("writer", "draft")
    factory = ParticipantFactory(wrap, agent, MessageFactory())
    assert factory() is agent  # in this process: the live agent
    rebuilt = pickle.loads(pickle.dumps(factory))()
    assert isinstance(rebuilt, AssistantAgent) and rebuilt is not agent
    assert rebuilt.dump_component() == agent.dump_component()
    # An agent with no config travels as itself.
    counter = pickle.loads(
        pickle.dumps(ParticipantFactory(wrap, Counter("one"), MessageFactory()))
    )()
    assert isinstance(counter, Counter) and counter.name == "one"
