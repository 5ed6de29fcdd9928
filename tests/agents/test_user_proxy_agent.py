"""UserProxyAgent: sync and async input, handoffs, cancellation, saving."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.agents import UserProxyAgent
from agentparts.errors import ComponentConfigError
from agentparts.messages import HandoffMessage, TextMessage, UserInputRequestedEvent

DATA = Path(__file__).parent / "data"


def answer_yes(prompt: str) -> str:
    return f"yes to {prompt!r}"


async def answer_async(prompt: str, token: CancellationToken | None) -> str:
    await asyncio.sleep(0)
    return f"request {UserProxyAgent.InputRequestContext.request_id()}"


async def test_sync_input_runs_off_the_event_loop_and_answers_with_text() -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    def typed(prompt: str) -> str:
        seen.append(threading.get_ident())
        return "hello"

    agent = UserProxyAgent("user", input_func=typed)
    result = await agent.run(task="What is your name?")
    request, answer = result.messages[1], result.messages[2]
    assert isinstance(request, UserInputRequestedEvent) and request.source == "user"
    assert request.content == ""
    assert isinstance(answer, TextMessage) and answer.content == "hello"
    assert seen and seen[0] != loop_thread


async def test_async_input_sees_the_request_id_of_the_event() -> None:
    agent = UserProxyAgent("user", input_func=answer_async)
    items = [item async for item in agent.run_stream(task="Q?")]
    request = items[1]
    assert isinstance(request, UserInputRequestedEvent)
    assert isinstance(items[2], TextMessage)
    assert items[2].content == f"request {request.request_id}"


def test_request_id_outside_an_input_function_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="inside the input function"):
        UserProxyAgent.InputRequestContext.request_id()


async def test_a_handoff_to_the_proxy_is_answered_with_a_handoff_back() -> None:
    agent = UserProxyAgent("user", input_func=answer_yes)
    handoff = HandoffMessage(content="Need approval", target="user", source="planner")
    response = await agent.on_messages([handoff], CancellationToken())
    assert isinstance(response.chat_message, HandoffMessage)
    assert response.chat_message.target == "planner"
    assert "Handoff received from planner" in response.chat_message.content
    wrong = HandoffMessage(content="x", target="critic", source="planner")
    with pytest.raises(RuntimeError, match="meant for 'critic'"):
        await agent.on_messages([wrong], CancellationToken())


async def test_cancelling_stops_waiting_for_a_blocked_sync_input() -> None:
    release = threading.Event()

    def blocked(prompt: str) -> str:
        release.wait(10)
        return "late"

    agent = UserProxyAgent("user", input_func=blocked)
    token = CancellationToken()
    task = asyncio.create_task(agent.on_messages([], token))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    threading.Timer(0.01, token.cancel).start()  # from another thread
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.5
    release.set()


async def test_cancelling_cancels_an_async_input() -> None:
    cancelled = asyncio.Event()

    async def waits(prompt: str, token: CancellationToken | None) -> str:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    agent = UserProxyAgent("user", input_func=waits)
    token = CancellationToken()
    task = asyncio.create_task(agent.run(task="Q?", cancellation_token=token))
    await asyncio.sleep(0.02)
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


async def test_input_function_errors_say_what_failed() -> None:
    def broken(prompt: str) -> str:
        raise OSError("no terminal")

    with pytest.raises(RuntimeError, match="input function failed with OSError: no terminal"):
        await UserProxyAgent("user", input_func=broken).on_messages([], CancellationToken())


async def test_saves_the_input_function_as_a_reference_and_loads_it() -> None:
    agent = UserProxyAgent("user", description="The reviewer", input_func=answer_yes)
    saved = json.loads(agent.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.agents.UserProxyAgent"
    assert saved["config"]["input_func"] == f"{__name__}.answer_yes"
    loaded = ComponentLoader.load_component(saved, UserProxyAgent, allowed_providers=["tests"])
    assert loaded.input_func is answer_yes and loaded.description == "The reviewer"
    assert UserProxyAgent("u", input_func=input).dump_component().config["input_func"] is None
    with pytest.raises(ComponentConfigError, match="import reference"):
        UserProxyAgent("u", input_func=lambda p: p).dump_component()


def test_autogen_user_proxy_config_loads_unchanged() -> None:
    config = json.loads((DATA / "autogen_user_proxy_and_filter.json").read_text())["user_proxy"]
    assert config["provider"] == "autogen_agentchat.agents.UserProxyAgent"
    agent = ComponentLoader.load_component(config, UserProxyAgent)
    assert agent.name == "user" and agent.description == "The person"
    assert agent.input_func is None
