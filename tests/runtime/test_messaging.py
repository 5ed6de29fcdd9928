"""Direct messages, routing, publishing and subscriptions, on every runtime."""

from __future__ import annotations

from agentparts import (
    AgentId,
    AgentProxy,
    AgentRuntime,
    ClosureAgent,
    ClosureContext,
    DefaultSubscription,
    MessageContext,
    TopicId,
    TypePrefixSubscription,
    TypeSubscription,
)

from .agents import (
    AlertListener,
    Ask,
    DefaultListener,
    Forward,
    Matcher,
    NewsListener,
    Note,
    Ping,
    Pong,
    Query,
    Recorder,
    Seen,
)


async def seen(runtime: AgentRuntime, agent: AgentId) -> list[str]:
    reply = await runtime.send_message(Query(), agent)
    assert isinstance(reply, Seen)
    return reply.items


async def test_rpc_returns_the_handlers_response(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    reply = await runtime.send_message(Ping(41), AgentId("rec", "k1"), sender=AgentId("x", "y"))
    assert reply == Pong(42)
    assert await seen(runtime, AgentId("rec", "k1")) == ["ping:41:x/y"]
    assert await seen(runtime, AgentId("rec", "k2")) == []  # one agent per key


async def test_factory_sees_its_agent_id(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    reply = await runtime.send_message(Query("id"), AgentId("rec", "abc"))
    assert reply == Seen(["rec/abc", "rec/abc"])


async def test_agents_send_to_agents(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    reply = await runtime.send_message(Ask(1, "rec", "other"), AgentId("rec", "asker"))
    assert reply == Pong(2)
    assert await seen(runtime, AgentId("rec", "other")) == ["ping:1:rec/asker"]


async def test_routing_by_match_then_name_and_by_union(runtime: AgentRuntime) -> None:
    await Matcher.register(runtime, "m", Matcher)
    runtime.start()
    agent = AgentId("m", "default")
    assert await runtime.send_message(Ping(2), agent) == Pong(0)  # a_even matches first
    assert await runtime.send_message(Ping(3), agent) == Pong(1)  # falls to b_any
    assert await runtime.send_message(Note("n"), agent) == Seen(["Note"])
    assert await runtime.send_message(Query(), agent) == Seen(["Query"])


async def test_publish_reaches_each_subscriber_once_but_not_the_sender(
    runtime: AgentRuntime,
) -> None:
    await Recorder.register(runtime, "a", Recorder)
    await Recorder.register(runtime, "b", Recorder)
    await runtime.add_subscription(TypeSubscription("chat", "a"))
    await runtime.add_subscription(TypeSubscription("chat", "b"))
    await runtime.add_subscription(TypePrefixSubscription("ch", "b"))  # also matches "chat"
    runtime.start()
    await runtime.publish_message(Note("hi"), TopicId("chat", "s1"), sender=AgentId("a", "s1"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("a", "s1")) == []
    assert await seen(runtime, AgentId("b", "s1")) == ["note:hi:chat/s1:a/s1"]


async def test_topic_source_selects_the_agent_key(runtime: AgentRuntime) -> None:
    await NewsListener.register(runtime, "news", NewsListener)
    runtime.start()
    await runtime.publish_message(Note("one"), TopicId("news", "s1"))
    await runtime.publish_message(Note("two"), TopicId("news", "s2"))
    await runtime.publish_message(Note("other topic"), TopicId("sports", "s1"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("news", "s1")) == ["note:one:news/s1:None"]
    assert await seen(runtime, AgentId("news", "s2")) == ["note:two:news/s2:None"]


async def test_subscription_decorators(runtime: AgentRuntime) -> None:
    await DefaultListener.register(runtime, "dflt", DefaultListener)
    await AlertListener.register(runtime, "alert", AlertListener)
    runtime.start()
    await runtime.publish_message(Note("d"), TopicId("default", "default"))
    await runtime.publish_message(Note("a"), TopicId("alerts.fire", "default"))
    await runtime.publish_message(Note("x"), TopicId("alertsfire", "default"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("dflt", "default")) == ["note:d:default/default:None"]
    assert await seen(runtime, AgentId("alert", "default")) == ["note:a:alerts.fire/default:None"]


async def test_direct_message_topic_of_an_agent_type(runtime: AgentRuntime) -> None:
    # register() subscribes each type to topics "<type>:..." (AutoGen's direct topics).
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    await runtime.publish_message(Note("to me"), TopicId("rec:inbox", "k"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("rec", "k")) == ["note:to me:rec:inbox/k:None"]


async def test_handler_publishes_with_its_own_key_as_default_source(
    runtime: AgentRuntime,
) -> None:
    await Recorder.register(runtime, "fwd", Recorder)
    await NewsListener.register(runtime, "news", NewsListener)
    runtime.start()
    await runtime.send_message(Forward("relay", "news"), AgentId("fwd", "session-7"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("news", "session-7")) == [
        "note:relay:news/session-7:fwd/session-7"
    ]


async def test_remove_subscription_stops_delivery(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    subscription = TypeSubscription("t", "rec")
    await runtime.add_subscription(subscription)
    runtime.start()
    await runtime.publish_message(Note("1"), TopicId("t", "default"))
    await runtime.stop_when_idle()
    await runtime.remove_subscription(subscription.id)
    runtime.start()
    await runtime.publish_message(Note("2"), TopicId("t", "default"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("rec", "default")) == ["note:1:t/default:None"]


async def test_closure_agent_collects_published_messages(runtime: AgentRuntime) -> None:
    collected: list[str] = []

    async def collect(agent: ClosureContext, message: Note, ctx: MessageContext) -> None:
        collected.append(f"{agent.id}:{message.text}")

    await ClosureAgent.register_closure(
        runtime,
        "collector",
        collect,
        subscriptions=lambda: [DefaultSubscription(topic_type="out")],
    )
    runtime.start()
    for text in ("a", "b", "c"):
        await runtime.publish_message(Note(text), TopicId("out", "default"))
    await runtime.stop_when_idle()
    assert collected == ["collector/default:a", "collector/default:b", "collector/default:c"]


async def test_proxy_metadata_and_get(runtime: AgentRuntime) -> None:
    await Recorder.register(runtime, "rec", lambda: Recorder("desc"))
    runtime.start()
    agent_id = await runtime.get("rec", "p", lazy=False)
    assert agent_id == AgentId("rec", "p")
    proxy = AgentProxy(agent_id, runtime)
    assert await proxy.metadata == {"type": "rec", "key": "p", "description": "desc"}
    assert await proxy.send_message(Ping(1), sender=AgentId("x", "y")) == Pong(2)
    assert await proxy.save_state() == {"seen": ["ping:1:x/y"]}


async def test_publish_order_is_kept_per_subscriber(runtime: AgentRuntime) -> None:
    await NewsListener.register(runtime, "news", NewsListener)
    runtime.start()
    for i in range(50):
        await runtime.publish_message(Note(str(i)), TopicId("news", "k"))
    await runtime.stop_when_idle()
    runtime.start()
    assert await seen(runtime, AgentId("news", "k")) == [f"note:{i}:news/k:None" for i in range(50)]
