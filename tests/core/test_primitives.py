from __future__ import annotations

import asyncio
import base64
import json
import logging

import pytest
from pydantic import BaseModel

from agentparts import EVENT_LOGGER_NAME, CancellationToken, FunctionCall, Image
from agentparts.logging import ComponentLoadEvent, LLMCallEvent, emit

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


async def test_cancel_cancels_linked_futures_and_runs_callbacks() -> None:
    token = CancellationToken()
    calls: list[str] = []
    token.add_callback(lambda: calls.append("first"))
    future = token.link_future(asyncio.get_running_loop().create_future())
    token.cancel()
    token.cancel()  # idempotent
    assert token.is_cancelled()
    assert future.cancelled()
    assert calls == ["first"]


async def test_after_cancel_new_links_are_cancelled_at_once() -> None:
    token = CancellationToken()
    token.cancel()
    calls: list[int] = []
    token.add_callback(lambda: calls.append(1))
    task = token.link_future(asyncio.ensure_future(asyncio.sleep(10)))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert calls == [1]


async def test_cancel_from_another_thread_reaches_the_loop() -> None:
    token = CancellationToken()
    task = token.link_future(asyncio.ensure_future(asyncio.sleep(10)))
    await asyncio.to_thread(token.cancel)
    with pytest.raises(asyncio.CancelledError):
        await task


def test_function_call_keeps_arguments_as_json_text() -> None:
    call = FunctionCall(id="c1", arguments='{"a": 1}', name="add")
    assert json.loads(call.arguments) == {"a": 1}
    assert call == FunctionCall("c1", '{"a": 1}', "add")


def test_image_round_trips_through_base64_and_pydantic() -> None:
    image = Image(PNG_1X1)
    assert image.mime_type == "image/png"
    assert Image.from_base64(image.to_base64()) == image
    assert Image.from_uri(image.data_uri) == image
    assert image.to_openai_format()["image_url"]["url"].startswith("data:image/png;base64,")

    class Holder(BaseModel):
        picture: Image

    dumped = Holder(picture=image).model_dump_json()
    assert Holder.model_validate_json(dumped).picture == image


def test_image_decodes_with_pillow_only_when_asked() -> None:
    image = Image(PNG_1X1)
    assert image.image.size == (1, 1)
    assert Image.from_pil(image.image).image.size == (1, 1)


def test_bad_image_uri_is_refused() -> None:
    with pytest.raises(ValueError, match="data:image"):
        Image.from_uri("https://example.invalid/cat.png")


def test_events_are_json_and_reach_the_event_logger(caplog: pytest.LogCaptureFixture) -> None:
    event = LLMCallEvent(model="m", prompt_tokens=3, completion_tokens=4)
    assert json.loads(str(event)) == {
        "type": "LLMCall",
        "model": "m",
        "prompt_tokens": 3,
        "completion_tokens": 4,
    }
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER_NAME):
        emit(ComponentLoadEvent(provider="p"))
    [record] = [r for r in caplog.records if r.name == EVENT_LOGGER_NAME]
    assert isinstance(record.msg, ComponentLoadEvent)
    assert json.loads(record.getMessage())["provider"] == "p"


async def test_done_futures_are_forgotten_by_a_long_lived_token() -> None:
    token = CancellationToken()
    for _ in range(100):
        await token.link_future(asyncio.ensure_future(asyncio.sleep(0)))
    assert token._callbacks == []
