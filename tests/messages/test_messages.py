"""Messages and events: model conversion, text, and dump/load round trips."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

import agentparts.messages as messages_module
from agentparts import FunctionCall, Image
from agentparts.code_executor import CodeBlock, CodeResult
from agentparts.memory import MemoryContent, MemoryMimeType
from agentparts.messages import (
    CodeExecutionEvent,
    CodeGenerationEvent,
    HandoffMessage,
    MemoryQueryEvent,
    MessageFactory,
    ModelClientStreamingChunkEvent,
    MultiModalMessage,
    StopMessage,
    StructuredMessage,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from agentparts.models import (
    AssistantMessage,
    FunctionExecutionResult,
    RequestUsage,
    UserMessage,
)

PNG = Image.from_base64("iVBORw0KGgo=")


class Weather(BaseModel):
    city: str
    degrees: int


def test_public_names_are_sorted_and_complete() -> None:
    assert messages_module.__all__ == sorted(messages_module.__all__)
    # dir() lists the names loaded on first use (the module's __getattr__) too; each resolves.
    assert set(messages_module.__all__) <= set(dir(messages_module))
    assert all(hasattr(messages_module, name) for name in messages_module.__all__)


def test_text_message_becomes_user_message() -> None:
    msg = TextMessage(content="Hello", source="alice", models_usage=RequestUsage(3, 4))
    model_msg = msg.to_model_message()
    assert isinstance(model_msg, UserMessage)
    assert (model_msg.content, model_msg.source) == ("Hello", "alice")
    assert msg.to_text() == msg.to_model_text() == "Hello"
    assert msg.id and msg.created_at.tzinfo is not None


def test_multimodal_message_keeps_images_for_model_and_placeholders_for_text() -> None:
    msg = MultiModalMessage(content=["Look", PNG], source="user")
    assert msg.to_model_message().content == ["Look", PNG]
    assert msg.to_model_text() == "Look\n[image]"
    assert msg.to_model_text(image_placeholder=None) == "Look"
    assert msg.to_text() == "Look\n<image>"


def test_structured_message_text_json_and_format_string() -> None:
    msg = StructuredMessage[Weather](content=Weather(city="Oslo", degrees=3), source="a")
    assert json.loads(msg.to_text()) == {"city": "Oslo", "degrees": 3}
    assert msg.type == "StructuredMessage[Weather]"
    formatted = StructuredMessage[Weather](
        content=Weather(city="Oslo", degrees=3), source="a", format_string="{city}: {degrees}C"
    )
    assert formatted.to_model_message().content == "Oslo: 3C"


@pytest.mark.parametrize(
    "message",
    [
        TextMessage(content="hi", source="user", metadata={"k": "v"}),
        StopMessage(content="done", source="a"),
        HandoffMessage(
            content="over to b",
            target="b",
            source="a",
            context=[AssistantMessage(content=[FunctionCall("1", "{}", "f")], source="a")],
        ),
        ToolCallSummaryMessage(
            content="3",
            source="a",
            tool_calls=[FunctionCall("1", '{"x": 1}', "add")],
            results=[FunctionExecutionResult(content="3", name="add", call_id="1", is_error=False)],
        ),
        MultiModalMessage(content=["see", PNG], source="user"),
        ToolCallRequestEvent(content=[FunctionCall("1", "{}", "f")], source="a"),
        ToolCallExecutionEvent(
            content=[FunctionExecutionResult(content="boom", name="f", call_id="1", is_error=True)],
            source="a",
        ),
        ModelClientStreamingChunkEvent(content="He", source="a", full_message_id="m1"),
        ThoughtEvent(content="thinking", source="a"),
        MemoryQueryEvent(
            content=[MemoryContent(content="metric units", mime_type=MemoryMimeType.TEXT)],
            source="a",
        ),
        CodeGenerationEvent(
            retry_attempt=0,
            content="```python\nprint(1)\n```",
            code_blocks=[CodeBlock("print(1)", "python")],
            source="a",
        ),
        CodeExecutionEvent(retry_attempt=1, result=CodeResult(0, "1\n"), source="a"),
    ],
)
def test_dump_is_json_and_loads_back_equal(message: messages_module.BaseMessage) -> None:
    data = message.dump()
    text = json.dumps(data)
    assert json.loads(text)["type"] == type(message).__name__
    loaded = MessageFactory().create(json.loads(text))
    assert type(loaded) is type(message)
    assert loaded == message
    assert type(message).load(json.loads(text)) == message


def test_structured_message_loads_once_registered() -> None:
    cls = StructuredMessage[Weather]
    msg = cls(content=Weather(city="Rome", degrees=20), source="a")
    factory = MessageFactory()
    with pytest.raises(ValueError, match="register"):
        factory.create(msg.dump())
    factory.register(cls)
    assert factory.is_registered(cls)
    assert factory.create(msg.dump()) == msg


def test_factory_refuses_data_without_type_and_name_clashes() -> None:
    factory = MessageFactory()
    with pytest.raises(ValueError, match="type"):
        factory.create({"content": "x", "source": "a"})

    class TextMessage(StopMessage):  # same name as a built-in, another class
        pass

    with pytest.raises(ValueError, match="already registered"):
        factory.register(TextMessage)


def test_event_texts_are_readable() -> None:
    request = ToolCallRequestEvent(content=[FunctionCall("c1", '{"a": 1}', "add")], source="a")
    assert request.to_text() == 'add({"a": 1}) [id=c1]'
    executed = ToolCallExecutionEvent(
        content=[FunctionExecutionResult(content="bad", name="add", call_id="c1", is_error=True)],
        source="a",
    )
    assert "ERROR: bad" in executed.to_text()
    assert (
        CodeExecutionEvent(retry_attempt=0, result=CodeResult(1, "oops"), source="a").to_text()
        == "oops"
    )
