"""Names AutoGen code imports exist after the rename and behave as AutoGen's (issue 19):
``agentparts.tools.code_execution``, ``agentparts.utils``, the message unions and
``StructuredMessageFactory``."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.messages import (
    AgentEvent,
    ChatMessage,
    StructuredMessageFactory,
    TextMessage,
    ThoughtEvent,
)
from agentparts.tools import BaseTool, PythonCodeExecutionTool, code_execution
from agentparts.utils import (
    FormatNotSupportedError,
    ReferenceNotFoundError,
    SchemaConversionError,
    UnsupportedKeywordError,
    extract_json_from_str,
    schema_to_pydantic_model,
)


def test_code_execution_module_path(tmp_path: Any) -> None:
    assert code_execution.PythonCodeExecutionTool is PythonCodeExecutionTool
    tool = PythonCodeExecutionTool(LocalCommandLineCodeExecutor(work_dir=tmp_path))
    model = tool.dump_component().model_dump(mode="json")
    model["provider"] = "autogen_ext.tools.code_execution.PythonCodeExecutionTool"
    assert isinstance(BaseTool.load_component(model), code_execution.PythonCodeExecutionTool)
    config = code_execution.PythonCodeExecutionToolConfig.model_validate(model["config"])
    assert config.description == "Execute Python code blocks."


# --- schema_to_pydantic_model ------------------------------------------------------------


def test_schema_to_model_types_constraints_and_optional_fields() -> None:
    User = schema_to_pydantic_model(
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "who"},
                "age": {"type": "integer", "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                "role": {"enum": ["admin", "user"]},
                "born": {"type": "string", "format": "date"},
                "score": {"type": "number", "default": 1.5},
            },
            "required": ["name"],
        },
        "User",
    )
    assert User.__name__ == "User"
    user = User(name="Ada", born="1815-12-10")
    assert user.model_dump() == {
        "name": "Ada",
        "age": None,  # optional without a default: None allowed
        "tags": None,
        "role": None,
        "born": datetime.date(1815, 12, 10),
        "score": 1.5,
    }
    assert User.model_json_schema()["properties"]["name"]["description"] == "who"
    for bad in ({"name": ""}, {"name": "a", "age": -1}, {"name": "a", "tags": ["x"] * 3}):
        with pytest.raises(ValidationError):
            User(**bad)
    with pytest.raises(ValidationError):
        User(name="a", role="root")


def test_schema_to_model_nested_refs_recursion_and_all_of() -> None:
    class Address(BaseModel):
        city: str

    class Person(BaseModel):
        name: str
        address: Address
        friends: list[Person] = []

    Rebuilt = schema_to_pydantic_model(Person.model_json_schema(), "Person")
    person = Rebuilt.model_validate(
        {
            "name": "a",
            "address": {"city": "Lyon"},
            "friends": [{"name": "b", "address": {"city": "Oslo"}}],
        }
    )
    assert person.model_dump()["friends"][0]["address"] == {"city": "Oslo"}
    Merged = schema_to_pydantic_model(
        {
            "allOf": [
                {"$ref": "#/$defs/A"},
                {"type": "object", "properties": {"b": {"type": "string"}}},
            ],
            "$defs": {
                "A": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
            },
        }
    )
    assert set(Merged.model_fields) == {"a", "b"}
    with pytest.raises(ValidationError):
        Merged(b="x")  # a is required


def test_schema_to_model_unions() -> None:
    Model = schema_to_pydantic_model(
        {
            "type": "object",
            "properties": {
                "value": {
                    "anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "string"}}]
                }
            },
            "required": ["value"],
        }
    )
    assert Model(value=3).model_dump() == {"value": 3}
    assert Model(value=["a"]).model_dump() == {"value": ["a"]}
    with pytest.raises(ValidationError):
        Model(value={"no": 1})


def test_schema_to_model_errors_are_autogens() -> None:
    with pytest.raises(UnsupportedKeywordError):
        schema_to_pydantic_model({"type": "object", "properties": {"x": {}}})
    with pytest.raises(FormatNotSupportedError):
        schema_to_pydantic_model(
            {"type": "object", "properties": {"x": {"type": "string", "format": "colour"}}}
        )
    with pytest.raises(ReferenceNotFoundError, match="#/\\$defs/Missing"):
        schema_to_pydantic_model(
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}}
        )
    assert issubclass(ReferenceNotFoundError, SchemaConversionError)


# --- extract_json_from_str ---------------------------------------------------------------


def test_extract_json_from_str() -> None:
    assert extract_json_from_str('{"a": 1}') == [{"a": 1}]
    text = 'First:\n```json\n{"a": 1}\n```\nthen\n```\n[2, 3]\n```'
    assert extract_json_from_str(text) == [{"a": 1}, [2, 3]]
    with pytest.raises(ValueError, match="found language: python"):
        extract_json_from_str("```python\nprint(1)\n```")
    with pytest.raises(json.JSONDecodeError):
        extract_json_from_str("not json")


# --- messages ----------------------------------------------------------------------------


def test_chat_message_and_agent_event_unions() -> None:
    chat = TypeAdapter(ChatMessage).validate_python(
        {"type": "TextMessage", "source": "a", "content": "hi"}
    )
    assert isinstance(chat, TextMessage)
    event = TypeAdapter(AgentEvent).validate_python(
        {"type": "ThoughtEvent", "source": "a", "content": "hmm"}
    )
    assert isinstance(event, ThoughtEvent)
    with pytest.raises(ValidationError):
        TypeAdapter(ChatMessage).validate_python(
            {"type": "ThoughtEvent", "source": "a", "content": "x"}
        )


class Weather(BaseModel):
    city: str
    degrees: int


def test_structured_message_factory_round_trips_through_a_schema() -> None:
    factory = StructuredMessageFactory(input_model=Weather, format_string="{city}: {degrees}C")
    assert factory.ContentModel is Weather
    saved = factory.dump_component()
    assert saved.provider == "agentparts.messages.StructuredMessageFactory"
    assert saved.component_type == "structured_message"
    assert saved.config["json_schema"] == Weather.model_json_schema()
    autogen = saved.model_dump(mode="json")
    autogen["provider"] = "autogen_agentchat.messages.StructuredMessageFactory"
    loaded = StructuredMessageFactory.load_component(autogen)
    assert loaded.ContentModel is not Weather and loaded.ContentModel.__name__ == "Weather"
    message = loaded.StructuredMessage(
        content=loaded.ContentModel(city="Oslo", degrees=3),
        source="agent",
        format_string=loaded.format_string,
    )
    assert message.to_text() == "Oslo: 3C"
    with pytest.raises(ValueError, match="json_schema"):
        StructuredMessageFactory()
