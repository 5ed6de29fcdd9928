"""Model messages as chat turns, and chat turns as the model's prompt text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..._function_call import FunctionCall
from .. import (
    AssistantMessage,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)

__all__ = ["ChatTurn", "PromptFormatter", "to_chat_turns"]

ChatTurn = dict[str, str]

_CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _user_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for item in content:
        parts.append(item if isinstance(item, str) else "[image]")
    return "\n".join(parts)


def _call_text(call: FunctionCall) -> str:
    try:
        arguments: Any = json.loads(call.arguments)
    except json.JSONDecodeError:
        arguments = call.arguments
    return json.dumps({"tool": call.name, "arguments": arguments})


def to_chat_turns(
    messages: Sequence[LLMMessage], system_extra: str | None = None
) -> list[ChatTurn]:
    """Chat turns (``role``/``content`` dicts) for ``messages``.

    Tool calls are written the way the model is asked to make them, and tool results as user
    turns that name the tool (small local models follow that better than a ``tool`` role).
    ``system_extra`` (the tool instructions) is appended to the system message.
    """
    turns: list[ChatTurn] = []
    system_parts: list[str] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            system_parts.append(message.content)
        elif isinstance(message, UserMessage):
            turns.append({"role": "user", "content": _user_text(message.content)})
        elif isinstance(message, AssistantMessage):
            content = message.content
            if isinstance(content, str):
                text = content
            else:
                text = "\n".join(_call_text(c) for c in content if isinstance(c, FunctionCall))
            turns.append({"role": "assistant", "content": text})
        elif isinstance(message, FunctionExecutionResultMessage):
            for result in message.content:
                verb = "failed with" if result.is_error else "returned"
                text = (
                    f"The {result.name} tool {verb}: {result.content}\nAnswer my question with it."
                )
                turns.append({"role": "user", "content": text})
        else:
            raise TypeError(f"Unsupported message type {type(message).__name__}.")
    if system_extra:
        system_parts.append(system_extra)
    if system_parts:
        turns.insert(0, {"role": "system", "content": "\n\n".join(system_parts)})
    return turns


class PromptFormatter:
    """Renders chat turns with the model's own chat template (ChatML if it has none).

    Args:
        template: The Jinja chat template from the GGUF metadata, or None.
        bos_token: The model's beginning-of-sequence text.
        eos_token: The model's end-of-sequence text.
    """

    def __init__(self, template: str | None, bos_token: str, eos_token: str) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._formatter = Jinja2ChatFormatter(
            template=template or _CHATML, eos_token=eos_token, bos_token=bos_token
        )
        self.stop: list[str] = sorted({eos_token, "<|im_end|>"} - {""})

    def render(self, turns: Sequence[ChatTurn]) -> str:
        """The prompt text, ending where the assistant's reply starts."""
        response = self._formatter(messages=list(turns))  # pyright: ignore[reportArgumentType]
        return response.prompt
