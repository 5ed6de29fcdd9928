"""Bad input and failures: each gives a clear error to whoever can act on it."""

from __future__ import annotations

import asyncio

import pytest

from agentparts import (
    AgentId,
    AgentRuntime,
    ClosureAgent,
    ClosureContext,
    DeadLetter,
    DefaultSubscription,
    MessageContext,
    RoutedAgent,
    TopicId,
    TypeSubscription,
    rpc,
    try_get_known_serializers_for_type,
)
from agentparts.errors import (
    AgentConstructionError,
    AgentPartsError,
    AgentTypeNotFoundError,
    CantHandleException,
    UndeliverableException,
)

from .agents import Ask, Fail, Matcher, Note, Ping, Pong, Query, Recorder, Seen, Unknown
from .conftest import EventLog, RuntimeMaker


async def test_unregistered_type_fails_at_once(runtime: AgentRuntime) -> None:
    runtime.start()
    with pytest.raises(AgentTypeNotFoundError, match="No agent type 'ghost'") as caught:
        await runtime.send_message(Ping(1), AgentId("ghost", "default"))
    assert isinstance(caught.value, UndeliverableException)
    assert isinstance(caught.value, LookupError)


async def test_message_no_handler_accepts_reaches_the_caller(runtime: AgentRuntime) -> None:
    await Matcher.register(runtime, "m", Matcher)
    runtime.add_message_serializer(try_get_known_serializers_for_type(Unknown))
    runtime.start()
    with pytest.raises(
        CantHandleException, match="no handler for a direct message of type Unknown"
    ):
        await runtime.send_message(Unknown(1), AgentId("m", "default"))
    # The agent is still fine.
    assert await runtime.send_message(Ping(3), AgentId("m", "default")) == Pong(1)


async def test_event_handler_does_not_take_rpcs(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(CantHandleException, match="Note"):
        await runtime.send_message(Note("only an event"), AgentId("rec", "default"))


async def test_handler_exception_reaches_the_rpc_caller(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(ValueError, match="broken on purpose"):
        await runtime.send_message(Fail("broken on purpose"), AgentId("rec", "default"))


async def test_nested_handler_exception_reaches_the_first_caller(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    await Matcher.register(runtime, "m", Matcher)
    runtime.start()

    with pytest.raises(AgentTypeNotFoundError, match="nobody"):
        await runtime.send_message(Ask(1, "nobody"), AgentId("rec", "default"))


class NotARecorder(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("wrong class")

    @rpc
    async def on_ping(self, message: Ping, ctx: MessageContext) -> Pong:
        return Pong(0)


async def test_factory_returning_the_wrong_class(
    runtime: AgentRuntime, events: EventLog, runtime_kind: str
) -> None:
    await Recorder.register(runtime, "rec", NotARecorder)  # type: ignore[arg-type]
    runtime.start()
    with pytest.raises(AgentConstructionError, match="returned a NotARecorder, not a Recorder"):
        await runtime.send_message(Ping(1), AgentId("rec", "default"))
    if runtime_kind == "single_threaded":  # elsewhere the event is logged in the agent's process
        assert events.of_type("AgentConstructionException")


def _raising_factory() -> Recorder:
    raise OSError("no database")


async def test_factory_exception_reaches_the_caller(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", _raising_factory)
    runtime.start()
    with pytest.raises(OSError, match="no database"):
        await runtime.send_message(Ping(1), AgentId("rec", "default"))


async def test_registering_a_type_twice(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    with pytest.raises(ValueError, match="registered already"):
        await Recorder.register(runtime, "rec", Recorder)


async def test_factory_with_arguments_is_refused(runtime: AgentRuntime) -> None:
    with pytest.raises(TypeError, match="takes 1 arguments"):
        await runtime.register_factory("rec", lambda description: Recorder(description))  # type: ignore[arg-type, misc]


class StrAgent(RoutedAgent):
    @rpc
    async def on_text(self, message: str, ctx: MessageContext) -> str:
        return message


async def test_message_type_without_serializer_is_refused_at_register(
    runtime: AgentRuntime,
) -> None:
    with pytest.raises(ValueError, match="no serializer is known for message type 'str'"):
        await StrAgent.register(runtime, "s", lambda: StrAgent("strings"))


async def test_duplicate_and_unknown_subscriptions(runtime: AgentRuntime) -> None:
    await runtime.add_subscription(TypeSubscription("t", "a"))
    with pytest.raises(ValueError, match="already exists"):
        await runtime.add_subscription(TypeSubscription("t", "a"))
    with pytest.raises(ValueError, match="No subscription has id 'nope'"):
        await runtime.remove_subscription("nope")


def test_default_subscription_needs_an_agent_type() -> None:
    with pytest.raises(CantHandleException, match="agent_type"):
        DefaultSubscription()


def test_invalid_names() -> None:
    with pytest.raises(ValueError, match="Invalid agent type 'a b'"):
        AgentId("a b", "k")
    with pytest.raises(ValueError, match="Invalid topic type"):
        TopicId("a/b", "s")
    with pytest.raises(ValueError, match="type/key"):
        AgentId.from_str("nokey")


async def test_failed_publish_delivery_goes_to_the_dead_letter_handler(
    make_runtime: RuntimeMaker, events: EventLog
) -> None:
    letters: list[DeadLetter] = []
    runtime = make_runtime(dead_letter_handler=letters.append)
    await Recorder.register(runtime, "rec", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    await runtime.publish_message(Fail("boom"), TopicId("t", "k"), sender=AgentId("x", "y"))
    await runtime.publish_message(Note("fine"), TopicId("t", "k"))
    await runtime.stop_when_idle()
    assert len(letters) == 1
    letter = letters[0]
    assert (letter.recipient, letter.topic_id, letter.sender) == (
        AgentId("rec", "k"), TopicId("t", "k"), AgentId("x", "y"),
    )  # fmt: skip
    assert letter.reason == "handler_failed"
    assert isinstance(letter.error, ValueError) and str(letter.error) == "boom"
    assert letter.message == Fail("boom")
    [reported] = events.of_type("MessageHandlerException")
    assert reported["handling_agent"] == "rec/k"
    assert "boom" in reported["exception"]


async def test_failed_agent_construction_during_publish_is_a_dead_letter(
    make_runtime: RuntimeMaker,
) -> None:
    letters: list[DeadLetter] = []

    async def keep(letter: DeadLetter) -> None:  # an async handler is awaited
        letters.append(letter)

    runtime = make_runtime(dead_letter_handler=keep)
    await Recorder.register(runtime, "rec", _raising_factory)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    await runtime.publish_message(Note("x"), TopicId("t", "k"))
    await runtime.stop_when_idle()
    assert [(letter.reason, type(letter.error)) for letter in letters] == [
        ("agent_construction_failed", OSError)
    ]


async def test_strict_runtime_raises_a_publish_failure_from_stop(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(ignore_unhandled_exceptions=False)
    await Recorder.register(runtime, "rec", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    await runtime.publish_message(Fail("surfaced"), TopicId("t", "k"))
    with pytest.raises(ValueError, match="surfaced"):
        await runtime.stop_when_idle()


async def test_unhandled_published_message_is_reported(
    runtime: AgentRuntime, events: EventLog, in_process: None
) -> None:
    await Matcher.register(runtime, "m", Matcher)
    await runtime.add_subscription(TypeSubscription("t", "m"))
    runtime.start()
    await runtime.publish_message(Unknown(1), TopicId("t", "k"))
    await runtime.stop_when_idle()
    [reported] = events.of_type("MessageUnhandled")
    assert reported["receiver"] == "m/k" and reported["message_type"] == "Unknown"


async def test_closure_unknown_type_policy_error(runtime: AgentRuntime) -> None:
    async def only_notes(agent: ClosureContext, message: Note, ctx: MessageContext) -> Seen:
        return Seen([message.text])

    await ClosureAgent.register_closure(runtime, "c", only_notes, unknown_type_policy="error")
    runtime.start()
    assert await runtime.send_message(Note("n"), AgentId("c", "default")) == Seen(["n"])
    with pytest.raises(CantHandleException, match="got a Query"):
        await runtime.send_message(Query(), AgentId("c", "default"))


def test_runtime_errors_share_one_hierarchy() -> None:
    for error in (CantHandleException, UndeliverableException, AgentConstructionError):
        assert issubclass(error, AgentPartsError)


async def test_send_before_start_waits_for_start(runtime: AgentRuntime, in_process: None) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    pending = asyncio.ensure_future(runtime.send_message(Ping(1), AgentId("rec", "default")))
    await asyncio.sleep(0)
    assert not pending.done()
    runtime.start()
    assert await pending == Pong(2)


async def test_close_fails_messages_still_queued(runtime: AgentRuntime, in_process: None) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    pending = asyncio.ensure_future(runtime.send_message(Ping(1), AgentId("rec", "default")))
    await asyncio.sleep(0)
    await runtime.close()
    with pytest.raises(UndeliverableException, match="was not delivered: the runtime was closed"):
        await pending
