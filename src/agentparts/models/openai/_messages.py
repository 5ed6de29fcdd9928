"""Conversion between agentparts messages and the Chat Completions wire format."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel

from ..._image import Image
from ...errors import ModelCapabilityError
from .._model_info import ModelInfo
from .._types import (
    AssistantMessage,
    ChatCompletionTokenLogprob,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)

if TYPE_CHECKING:
    from ...tools import Tool, ToolSchema

__all__ = [
    "FINISH_REASONS",
    "messages_to_wire",
    "parse_logprobs",
    "response_format",
    "tool_choice_to_wire",
    "tools_to_wire",
]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

FINISH_REASONS: dict[str | None, str] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "function_calls",
    "function_call": "function_calls",
    "content_filter": "content_filter",
    None: "unknown",
}


def _image_part(image: Image) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": image.data_uri}}


def messages_to_wire(
    messages: Sequence[LLMMessage],
    model_info: ModelInfo,
    include_name: bool = True,
    name_prefixes: bool = False,
) -> list[dict[str, Any]]:
    """The ``messages`` field of a request.

    Raises:
        ModelCapabilityError: An image was given to a model without vision.
    """
    wire: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            wire.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            if name_prefixes:
                message = _with_name_prefix(message)
            wire.append(_user_to_wire(message, model_info, include_name))
        elif isinstance(message, AssistantMessage):
            wire.append(_assistant_to_wire(message, include_name))
        elif isinstance(message, FunctionExecutionResultMessage):  # pyright: ignore[reportUnnecessaryIsInstance]
            for result in message.content:
                wire.append(
                    {"role": "tool", "tool_call_id": result.call_id, "content": result.content}
                )
        else:
            raise TypeError(f"Not a model message: {message!r}")
    if model_info.get("multiple_system_messages") is False:
        wire = _merge_system_messages(wire)
    return wire


def _with_name_prefix(message: UserMessage) -> UserMessage:
    prefix = f"{message.source} said:\n"
    if isinstance(message.content, str):
        return message.model_copy(update={"content": prefix + message.content})
    return message.model_copy(update={"content": [prefix, *message.content]})


def _user_to_wire(
    message: UserMessage, model_info: ModelInfo, include_name: bool
) -> dict[str, Any]:
    content = message.content
    result: dict[str, Any] = {"role": "user"}
    if isinstance(content, str):
        result["content"] = content
    else:
        parts: list[dict[str, Any]] = []
        for part in content:
            if isinstance(part, str):
                parts.append({"type": "text", "text": part})
            else:
                if not model_info["vision"]:
                    raise ModelCapabilityError(
                        "The message holds an image but the model has no vision "
                        "(model_info['vision'] is False). Use a vision model, or set "
                        "model_info['vision'] = True if the model accepts images."
                    )
                parts.append(_image_part(part))
        result["content"] = parts
    if include_name and _NAME.match(message.source):
        result["name"] = message.source
    return result


def _assistant_to_wire(message: AssistantMessage, include_name: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"role": "assistant"}
    if isinstance(message.content, str):
        result["content"] = message.content
    else:
        result["content"] = message.thought
        result["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.content
        ]
    if include_name and _NAME.match(message.source):
        result["name"] = message.source
    return result


def _merge_system_messages(wire: list[dict[str, Any]]) -> list[dict[str, Any]]:
    system = [m["content"] for m in wire if m["role"] == "system"]
    if len(system) <= 1:
        return wire
    rest = [m for m in wire if m["role"] != "system"]
    return [{"role": "system", "content": "\n".join(system)}, *rest]


def _schema_of(tool: Tool | ToolSchema) -> ToolSchema:
    if isinstance(tool, dict):
        return tool
    return tool.schema


def tools_to_wire(tools: Sequence[Tool | ToolSchema]) -> list[dict[str, Any]]:
    """The ``tools`` field of a request."""
    wire: list[dict[str, Any]] = []
    for tool in tools:
        schema = _schema_of(tool)
        function: dict[str, Any] = {"name": schema["name"]}
        if "description" in schema:
            function["description"] = schema["description"]
        function["parameters"] = schema.get("parameters") or {"type": "object", "properties": {}}
        if schema.get("strict"):
            function["strict"] = True
        wire.append({"type": "function", "function": function})
    return wire


def tool_choice_to_wire(
    tool_choice: Tool | Literal["auto", "required", "none"], tools: Sequence[Tool | ToolSchema]
) -> Any:
    """The ``tool_choice`` field of a request (None when it should be left out)."""
    if isinstance(tool_choice, str):
        return None if tool_choice == "auto" else tool_choice
    name = tool_choice.schema["name"]
    if not any(_schema_of(tool)["name"] == name for tool in tools):
        raise ValueError(
            f"tool_choice names the tool {name!r}, which is not among the tools given. "
            "Pass it in tools= too."
        )
    return {"type": "function", "function": {"name": name}}


def response_format(json_output: bool | type[BaseModel] | None) -> dict[str, Any] | None:
    """The ``response_format`` field for ``json_output`` (None: leave it out)."""
    if json_output is None or json_output is False:
        return None
    if json_output is True:
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": json_output.__name__,
            "description": (json_output.__doc__ or "").strip()[:512],
            "schema": json_output.model_json_schema(),
            "strict": False,
        },
    }


def parse_logprobs(raw: Any) -> list[ChatCompletionTokenLogprob] | None:
    """Token log probabilities from a choice's ``logprobs`` object."""
    if not isinstance(raw, dict):
        return None
    content = cast("dict[str, Any]", raw).get("content")
    if not isinstance(content, list):
        return None
    return [ChatCompletionTokenLogprob.model_validate(item) for item in cast("list[Any]", content)]
