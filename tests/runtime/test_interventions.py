"""Intervention handlers see, change and drop messages and responses."""

from __future__ import annotations

from typing import Any

import pytest

from agentparts import (
    AgentId,
    DefaultInterventionHandler,
    DropMessage,
    MessageContext,
    TopicId,
    TypeSubscription,
)
from agentparts.errors import MessageDroppedException

from .agents import Note, Ping, Pong, Query, Recorder, Seen
from .conftest import EventLog, RuntimeMaker


class Doubler(DefaultInterventionHandler):
    """Doubles every Ping sent and adds 100 to every Pong returned; drops Notes saying "drop"."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any:
        self.seen.append(f"send:{type(message).__name__}:{recipient}")
        return Ping(message.n * 2) if isinstance(message, Ping) else message

    async def on_response(self, message: Any, *, sender: AgentId, recipient: AgentId | None) -> Any:
        return Pong(message.n + 100) if isinstance(message, Pong) else message

    async def on_publish(self, message: Any, *, message_context: MessageContext) -> Any:
        self.seen.append(f"publish:{message_context.topic_id}")
        if isinstance(message, Note) and message.text == "drop":
            return DropMessage
        return message


class DropPings(DefaultInterventionHandler):
    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any:
        return DropMessage if isinstance(message, Ping) else message


class DropPongs(DefaultInterventionHandler):
    async def on_response(self, message: Any, *, sender: AgentId, recipient: AgentId | None) -> Any:
        return DropMessage if isinstance(message, Pong) else message


async def test_interventions_change_messages_and_responses(make_runtime: RuntimeMaker) -> None:
    doubler = Doubler()
    runtime = make_runtime(intervention_handlers=[doubler])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    assert await runtime.send_message(Ping(5), AgentId("rec", "default")) == Pong(111)
    assert doubler.seen == ["send:Ping:rec/default"]


async def test_dropped_publish_is_not_delivered_and_is_reported(
    make_runtime: RuntimeMaker, events: EventLog
) -> None:
    doubler = Doubler()
    runtime = make_runtime(intervention_handlers=[doubler])
    await Recorder.register(runtime, "rec", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    await runtime.publish_message(Note("drop"), TopicId("t", "k"))
    await runtime.publish_message(Note("keep"), TopicId("t", "k"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await runtime.send_message(Query(), AgentId("rec", "k")) == Seen(["note:keep:t/k:None"])
    assert doubler.seen[:2] == ["publish:t/k", "publish:t/k"]
    [dropped] = events.of_type("MessageDropped")
    assert dropped["reason"] == "intervention" and dropped["receiver"] == "t/k"


async def test_dropped_direct_message_raises_in_the_sender(make_runtime: RuntimeMaker) -> None:
    runtime = make_runtime(intervention_handlers=[DropPings()])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(MessageDroppedException, match="DropPings dropped the message to rec/k"):
        await runtime.send_message(Ping(1), AgentId("rec", "k"))
    assert await runtime.send_message(Query(), AgentId("rec", "k")) == Seen([])


async def test_dropped_response_raises_in_the_sender(make_runtime: RuntimeMaker) -> None:
    runtime = make_runtime(intervention_handlers=[DropPongs()])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(MessageDroppedException, match="dropped the response of rec/k"):
        await runtime.send_message(Ping(1), AgentId("rec", "k"))
    # The handler did run: only its answer was dropped.
    assert await runtime.send_message(Query(), AgentId("rec", "k")) == Seen(["ping:1:None"])


class ReturnsNone(DefaultInterventionHandler):
    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any:
        return None


async def test_intervention_returning_none_warns_and_keeps_the_message(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(intervention_handlers=[ReturnsNone()])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.warns(RuntimeWarning, match="returned None"):
        assert await runtime.send_message(Ping(1), AgentId("rec", "k")) == Pong(2)
