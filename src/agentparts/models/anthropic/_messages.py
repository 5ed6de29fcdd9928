"""Turning agentparts messages, tools and options into a Messages API request."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
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

if TYPE_CHECKING:
    from ...tools import Tool, ToolSchema

__all__ = [
    "TurnMemory",
    "messages_to_wire",
    "structured_tool",
    "tool_choice_to_wire",
    "tools_to_wire",
]

_MEDIA_TYPES = frozenset(("image/jpeg", "image/png", "image/gif", "image/webp"))


class TurnMemory:
    """The exact content blocks of recent tool-use answers, by their tool call ids.

    Claude signs its thinking blocks and, while thinking is on, refuses a tool result
    whose assistant turn does not start with the signed thinking it came with. An
    :class:`~agentparts.models.AssistantMessage` carries only the thought's text, so the
    client remembers each tool-use answer's blocks (thinking, text, tool calls) and sends
    them back as they were. Bounded: the oldest answers are forgotten first.

    Args:
        size: How many answers to remember.
    """

    __slots__ = ("_blocks", "_size")

    def __init__(self, size: int = 512) -> None:
        self._blocks: OrderedDict[tuple[str, ...], list[dict[str, Any]]] = OrderedDict()
        self._size = size

    def remember(self, blocks: list[dict[str, Any]]) -> None:
        """Keep ``blocks`` if they hold tool calls."""
        ids = tuple(str(b.get("id")) for b in blocks if b.get("type") == "tool_use")
        if not ids:
            return
        self._blocks[ids] = blocks
        self._blocks.move_to_end(ids)
        while len(self._blocks) > self._size:
            self._blocks.popitem(last=False)

    def recall(self, message: AssistantMessage) -> list[dict[str, Any]] | None:
        """The blocks ``message`` was made from, if remembered and unchanged."""
        calls = message.function_calls
        blocks = self._blocks.get(tuple(c.id for c in calls))
        if blocks is None:
            return None
        used = [b for b in blocks if b.get("type") == "tool_use"]
        for call, block in zip(calls, used, strict=True):
            if call.name != block.get("name") or _tool_input(call.arguments) != block.get("input"):
                return None
        return blocks


def _image_block(image: Image, model: str, info: ModelInfo) -> dict[str, Any]:
    if not info["vision"]:
        raise ModelCapabilityError(
            f"Model {model!r} does not accept images (model_info['vision'] is False). Send "
            "text only, or use a model with vision."
        )
    media = image.mime_type if image.mime_type in _MEDIA_TYPES else "image/png"
    source = {"type": "base64", "media_type": media, "data": image.to_base64()}
    return {"type": "image", "source": source}


def _user_blocks(message: UserMessage, model: str, info: ModelInfo) -> list[dict[str, Any]]:
    if isinstance(message.content, str):
        return [{"type": "text", "text": message.content}] if message.content.strip() else []
    blocks: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, Image):
            blocks.append(_image_block(part, model, info))
        elif part.strip():
            blocks.append({"type": "text", "text": part})
    return blocks


def _tool_input(arguments: str) -> dict[str, Any]:
    try:
        value: Any = json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        value = None
    if isinstance(value, dict):
        return cast("dict[str, Any]", value)
    # Claude takes only an object: keep what the model sent, so it can see its mistake.
    return {"arguments": arguments}


def _assistant_blocks(message: AssistantMessage, memory: TurnMemory) -> list[dict[str, Any]]:
    if isinstance(message.content, str):
        text = message.content
        return [{"type": "text", "text": text}] if text.strip() else []
    remembered = memory.recall(message)
    if remembered is not None:
        return [dict(block) for block in remembered]
    blocks: list[dict[str, Any]] = []
    if message.thought and message.thought.strip():
        blocks.append({"type": "text", "text": message.thought})
    for call in message.content:
        blocks.append(
            {
                "type": "tool_use",
                "id": call.id,
                "name": call.name,
                "input": _tool_input(call.arguments),
            }
        )
    return blocks


def _result_blocks(message: FunctionExecutionResultMessage) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for result in message.content:
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": result.call_id}
        if result.content:
            block["content"] = result.content
        if result.is_error:
            block["is_error"] = True
        blocks.append(block)
    return blocks


def messages_to_wire(
    messages: Sequence[LLMMessage], model: str, info: ModelInfo, memory: TurnMemory
) -> tuple[str | None, list[dict[str, Any]]]:
    """The ``system`` and ``messages`` fields of a request.

    Every system message, wherever it stands, goes into the one system prompt (joined by
    blank lines); consecutive messages of one role become one message; empty texts are
    left out (Claude refuses them) and the last assistant text loses trailing whitespace.

    Raises:
        ModelCapabilityError: An image was given to a model without vision.
    """
    system: list[str] = []
    wire: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            if message.content.strip():
                system.append(message.content)
            continue
        if isinstance(message, UserMessage):
            role, blocks = "user", _user_blocks(message, model, info)
        elif isinstance(message, AssistantMessage):
            role, blocks = "assistant", _assistant_blocks(message, memory)
        else:
            role, blocks = "user", _result_blocks(message)
        if not blocks:
            continue
        if wire and wire[-1]["role"] == role:
            wire[-1]["content"].extend(blocks)
        else:
            wire.append({"role": role, "content": blocks})
    if wire and wire[-1]["role"] == "assistant":
        last = wire[-1]["content"][-1]
        if last.get("type") == "text":
            last["text"] = last["text"].rstrip()
    return ("\n\n".join(system) if system else None), wire


def _schema_of(tool: Tool | ToolSchema) -> ToolSchema:
    return tool if isinstance(tool, dict) else tool.schema


def tools_to_wire(tools: Sequence[Tool | ToolSchema]) -> list[dict[str, Any]]:
    """The ``tools`` field of a request."""
    wire: list[dict[str, Any]] = []
    for tool in tools:
        schema = _schema_of(tool)
        entry: dict[str, Any] = {"name": schema["name"]}
        description = schema.get("description")
        if description:
            entry["description"] = description
        parameters = schema.get("parameters")
        entry["input_schema"] = dict(parameters) if parameters else {"type": "object"}
        entry["input_schema"].setdefault("type", "object")
        wire.append(entry)
    return wire


def tool_choice_to_wire(
    tool_choice: Tool | Literal["auto", "required", "none"] | Mapping[str, Any],
    tools: Sequence[Tool | ToolSchema],
) -> dict[str, Any] | None:
    """The ``tool_choice`` field (None: leave it out, Claude's default is ``auto``).

    Also takes AutoGen's config forms: ``"any"`` and a ready ``{"type": ...}`` object.
    """
    if isinstance(tool_choice, Mapping):
        return dict(tool_choice)
    if isinstance(tool_choice, str):
        kinds = {"auto": None, "required": "any", "any": "any", "none": "none"}
        if tool_choice not in kinds:
            raise ValueError(
                f"tool_choice={tool_choice!r} is not one of 'auto', 'required', 'none' or a tool."
            )
        kind = kinds[tool_choice]
        return None if kind is None else {"type": kind}
    name = tool_choice.schema["name"]
    if not any(_schema_of(tool)["name"] == name for tool in tools):
        raise ValueError(
            f"tool_choice names the tool {name!r}, which is not among the tools given. "
            "Pass it in tools= too."
        )
    return {"type": "tool", "name": name}


def structured_tool(model_type: type[BaseModel]) -> dict[str, Any]:
    """The tool whose input is the answer, for structured output (Claude has no JSON
    schema mode: the client forces a call of this tool and returns its input)."""
    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in model_type.__name__)[:64]
    description = (model_type.__doc__ or "").strip()[:1024]
    return {
        "name": name or "answer",
        "description": description or "Give the answer: its input is the whole answer.",
        "input_schema": model_type.model_json_schema(),
    }
