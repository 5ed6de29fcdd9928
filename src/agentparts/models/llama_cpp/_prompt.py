"""Model messages as chat turns, and chat turns as the model's prompt text."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ..._function_call import FunctionCall
from .. import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)

__all__ = [
    "ChatTurn",
    "PromptFormatter",
    "answer_turns",
    "arguments_turns",
    "prose_reply",
    "results_summary",
    "to_chat_turns",
    "tool_results_pending",
]

ANSWER_INSTRUCTION = (
    "You answer questions from the information given, in a few plain sentences, not JSON."
)

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
    messages: Sequence[LLMMessage],
    system_extra: str | None = None,
    *,
    with_system: bool = True,
    calls_as_json: bool = True,
) -> list[ChatTurn]:
    """Chat turns (``role``/``content`` dicts) for ``messages``.

    Tool calls are written the way the model makes them (``calls_as_json``), or as a short
    sentence when the model must answer in prose (JSON in the history invites JSON), and
    tool results as user turns that name the tool (small local models follow that better
    than a ``tool`` role). ``system_extra`` is appended to the system message;
    ``with_system=False`` leaves the conversation's own system messages out.
    """
    turns: list[ChatTurn] = []
    system_parts: list[str] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            if with_system:
                system_parts.append(message.content)
        elif isinstance(message, UserMessage):
            turns.append({"role": "user", "content": _user_text(message.content)})
        elif isinstance(message, AssistantMessage):
            content = message.content
            if isinstance(content, str):
                text = content
            elif calls_as_json:
                text = "\n".join(_call_text(c) for c in content if isinstance(c, FunctionCall))
            else:
                names = ", ".join(c.name for c in content if isinstance(c, FunctionCall))
                text = f"I used the tool {names}."
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


def _last_user_index(messages: Sequence[LLMMessage]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], UserMessage):
            return index
    return -1


def _pending_results(messages: Sequence[LLMMessage]) -> list[FunctionExecutionResult]:
    results: list[FunctionExecutionResult] = []
    for message in messages[_last_user_index(messages) + 1 :]:
        if isinstance(message, FunctionExecutionResultMessage):
            results.extend(message.content)
    return results


def tool_results_pending(messages: Sequence[LLMMessage]) -> bool:
    """Whether tool results came after the last user message (the model must answer them)."""
    return bool(_pending_results(messages))


def answer_turns(messages: Sequence[LLMMessage]) -> list[ChatTurn]:
    """Chat turns that ask for a prose answer to the last user message from the tool results
    that came after it.

    The results and the question go into one user turn, and the tool calls that led to them
    are left out: a small model shown its own JSON tool call answers with another one.
    """
    last = _last_user_index(messages)
    turns = to_chat_turns(messages[: max(last, 0)], ANSWER_INSTRUCTION, calls_as_json=False)
    if not turns or turns[0]["role"] != "system":
        turns.insert(0, {"role": "system", "content": ANSWER_INSTRUCTION})
    question = ""
    if last >= 0:
        user = messages[last]
        assert isinstance(user, UserMessage)
        question = _user_text(user.content)
    parts: list[str] = []
    for result in _pending_results(messages):
        if result.is_error:
            parts.append(f"The {result.name} tool failed: {result.content}")
        else:
            parts.append(f"Information from the {result.name} tool:\n{result.content}")
    parts.append(f"Question: {question}" if question else "Sum up this information.")
    turns.append({"role": "user", "content": "\n\n".join(parts)})
    return turns


def arguments_turns(messages: Sequence[LLMMessage], instructions: str) -> list[ChatTurn]:
    """Chat turns that ask for one tool's arguments: ``instructions`` (that tool alone) as
    the system message, then the conversation without its own system messages, so the
    user's words are the text nearest to the reply."""
    return to_chat_turns(messages, instructions, with_system=False)


def results_summary(messages: Sequence[LLMMessage]) -> str:
    """The tool results after the last user message as text: the answer when the model
    could not write one."""
    parts: list[str] = []
    for result in _pending_results(messages):
        verb = "failed with" if result.is_error else "returned"
        parts.append(f"The {result.name} tool {verb}:\n{result.content}")
    return "\n\n".join(parts)


_CALL_START = re.compile(r'\s*(?:```\w*\s*)?\{\s*"(?:tool|name|function|arguments)"\s*:')


def prose_reply(text: str) -> str | None:
    """The text of a reply that should be prose, or None if it is a tool call (or empty).

    ``{"answer": TEXT}`` gives TEXT; a JSON tool call, whole or cut short, gives None.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith(("{", "```")):
        body = stripped.strip("`").removeprefix("json").strip()
        try:
            data: object = json.loads(body)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            reply: dict[str, object] = data  # pyright: ignore[reportUnknownVariableType]
            answer = reply.get("answer")
            if isinstance(answer, str):
                return answer.strip() or None
            return None
        if _CALL_START.match(stripped):
            return None
    return text


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
