"""agentparts messages and options in Ollama's native ``/api/chat`` form."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel

from ..._image import Image
from ...errors import ModelCapabilityError
from .._model_info import ModelInfo
from .._types import (
    AssistantMessage,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from ..openai._messages import tools_to_wire

if TYPE_CHECKING:
    from ...tools import Tool, ToolSchema

__all__ = ["format_for", "messages_to_ollama", "tools_for"]


def _arguments(text: str) -> Any:
    """Tool-call arguments as Ollama wants them: a JSON object, not a string."""
    try:
        value: Any = json.loads(text) if text else {}
    except ValueError:
        return {}
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def _user(message: UserMessage, info: ModelInfo) -> dict[str, Any]:
    if isinstance(message.content, str):
        return {"role": "user", "content": message.content}
    texts: list[str] = []
    images: list[str] = []
    for part in message.content:
        if isinstance(part, Image):
            images.append(part.to_base64())
        else:
            texts.append(part)
    wire: dict[str, Any] = {"role": "user", "content": "\n".join(texts)}
    if images:
        if not info["vision"]:
            raise ModelCapabilityError(
                "The message holds images, but the model cannot see images "
                "(model_info['vision'] is False). Use a vision model (e.g. llava, gemma3, "
                "llama3.2-vision), or send text only."
            )
        wire["images"] = images
    return wire


def _assistant(message: AssistantMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": "assistant"}
    if isinstance(message.content, str):
        wire["content"] = message.content
    else:
        wire["content"] = ""
        wire["tool_calls"] = [
            {"function": {"name": call.name, "arguments": _arguments(call.arguments)}}
            for call in message.content
        ]
    if message.thought:
        wire["thinking"] = message.thought
    return wire


def messages_to_ollama(messages: Sequence[LLMMessage], info: ModelInfo) -> list[dict[str, Any]]:
    """The ``messages`` field of a chat request.

    Tool results go as ``tool`` messages naming their tool (``tool_name``); a failed
    tool's result says so, since Ollama has no error flag.
    """
    wire: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            wire.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            wire.append(_user(message, info))
        elif isinstance(message, AssistantMessage):
            wire.append(_assistant(message))
        elif isinstance(message, FunctionExecutionResultMessage):
            for result in message.content:
                content = f"Error: {result.content}" if result.is_error else result.content
                wire.append({"role": "tool", "content": content, "tool_name": result.name})
        else:  # pragma: no cover - LLMMessage is a closed union
            raise TypeError(f"Unknown message type {type(message).__name__}.")
    return wire


def tools_for(
    tools: Sequence[Tool | ToolSchema], tool_choice: Tool | Literal["auto", "required", "none"]
) -> list[dict[str, Any]]:
    """The ``tools`` field: all tools, none (``"none"``), or the one tool chosen.

    Ollama cannot force a tool call: ``"required"`` sends the tools as ``"auto"`` does.
    """
    if tool_choice == "none" or not tools:
        return []
    if isinstance(tool_choice, str):
        return tools_to_wire(tools)
    name = tool_choice.schema["name"]
    chosen = [t for t in tools if (t if isinstance(t, dict) else t.schema)["name"] == name]
    if not chosen:
        raise ValueError(
            f"tool_choice names the tool {name!r}, which is not among the tools given. "
            "Pass it in tools= too."
        )
    return tools_to_wire(chosen)


def format_for(json_output: bool | type[BaseModel] | None) -> str | dict[str, Any] | None:
    """The ``format`` field: ``"json"`` for JSON mode, a JSON schema for a model type."""
    if json_output is None or json_output is False:
        return None
    if json_output is True:
        return "json"
    return json_output.model_json_schema()
