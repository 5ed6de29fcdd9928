"""Turning Chat Completions responses (whole or streamed) into ``CreateResult``.

Every field is checked for its type as it is read: a malformed answer (``"message": null``,
``choices`` missing or not a list, tool calls of the wrong shape, ...) is a
:class:`~agentparts.errors.ModelResponseError` that says what was wrong, never an
``AttributeError`` or ``TypeError`` from deep inside.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn, cast

from pydantic import ValidationError

from ..._construct import construct
from ..._function_call import FunctionCall
from ...errors import ModelResponseError
from .._types import ChatCompletionTokenLogprob, CreateResult, RequestUsage
from ._messages import FINISH_REASONS, parse_logprobs
from ._think import ThinkSplitter, split_think

__all__ = ["StreamAccumulator", "result_from_completion"]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    kind = type(cast("object", value))
    return _KINDS.get(kind, f"a {kind.__name__}")


_KINDS: dict[type[object], str] = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
}


def _malformed(base_url: str, problem: str, data: Any, what: str = "completion") -> NoReturn:
    raise ModelResponseError(
        f"{base_url} answered with a malformed {what}: {problem} (it starts "
        f"{str(data)[:200]!r}). Check that base_url points to an OpenAI-compatible API."
    )


def _text(value: Any, field: str, base_url: str, data: Any) -> str:
    """A text field: a string, null, or a list of ``{"text": ...}`` parts."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in cast("list[Any]", value):
            text: Any = cast("dict[str, Any]", part).get("text") if isinstance(part, dict) else part
            if not isinstance(text, str):
                _malformed(base_url, f"{field} holds {_kind(part)}, not a text part", data)
            parts.append(text)
        return "".join(parts)
    _malformed(base_url, f"{field} is {_kind(value)}, not a string", data)


def _join_thoughts(*parts: str | None) -> str | None:
    text = "\n".join(p.strip() for p in parts if p and p.strip())
    return text or None


def _make_result(
    finish_reason: str | None,
    text: str,
    calls: list[FunctionCall],
    thought: str | None,
    usage: RequestUsage,
    logprobs: list[ChatCompletionTokenLogprob] | None,
) -> CreateResult:
    reason = FINISH_REASONS.get(finish_reason, "unknown")
    if calls:
        # Text next to tool calls is the model thinking aloud: keep it as the thought.
        return construct(
            CreateResult,
            finish_reason="function_calls",
            content=calls,
            usage=usage,
            cached=False,
            logprobs=logprobs,
            thought=_join_thoughts(thought, text),
        )
    return construct(
        CreateResult,
        finish_reason=reason,
        content=text,
        usage=usage,
        cached=False,
        logprobs=logprobs,
        thought=thought,
    )


def _usage(raw: Any, fail: Callable[[str], NoReturn]) -> RequestUsage:
    if not isinstance(raw, dict):
        return RequestUsage(0, 0)
    usage = cast("dict[str, Any]", raw)
    counts: list[int] = []
    for name in ("prompt_tokens", "completion_tokens"):
        value = usage.get(name) or 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            fail(f"usage.{name} is {value!r}, not a token count")
        counts.append(value)
    return RequestUsage(counts[0], counts[1])


def _finish_reason(choice: dict[str, Any], base_url: str, data: Any) -> str | None:
    reason = choice.get("finish_reason")
    if reason is not None and not isinstance(reason, str):
        _malformed(base_url, f"finish_reason is {_kind(reason)}, not a string", data)
    return reason


def _logprobs(raw: Any, base_url: str, data: Any) -> list[ChatCompletionTokenLogprob] | None:
    try:
        return parse_logprobs(raw)
    except ValidationError as exc:
        _malformed(
            base_url, f"logprobs do not have the expected fields ({exc.error_count()} errors)", data
        )


def _first_choice(data: dict[str, Any], base_url: str, what: str) -> dict[str, Any]:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        problem = "no 'choices'" if choices is None else f"'choices' is {_kind(choices)}"
        if isinstance(choices, list):
            problem = "'choices' is an empty list"
        _malformed(base_url, f"{problem}, not a list of at least one choice", data, what)
    choice: Any = cast("list[Any]", choices)[0]
    if not isinstance(choice, dict):
        _malformed(base_url, f"choices[0] is {_kind(choice)}, not an object", data, what)
    return cast("dict[str, Any]", choice)


def _tool_calls(raw: Any, base_url: str, data: Any) -> list[FunctionCall]:
    """Tool calls from a message; arguments are kept as sent, even if not valid JSON."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        _malformed(base_url, f"message.tool_calls is {_kind(raw)}, not a list", data)
    result: list[FunctionCall] = []
    for index, call in enumerate(cast("list[Any]", raw)):
        where = f"message.tool_calls[{index}]"
        if not isinstance(call, dict):
            _malformed(base_url, f"{where} is {_kind(call)}, not an object", data)
        fields = cast("dict[str, Any]", call)
        function: Any = fields.get("function")
        if not isinstance(function, dict):
            _malformed(base_url, f"{where}.function is {_kind(function)}, not an object", data)
        function = cast("dict[str, Any]", function)
        name: Any = function.get("name") or ""
        if not isinstance(name, str):
            _malformed(base_url, f"{where}.function.name is {_kind(name)}, not a string", data)
        arguments: Any = function.get("arguments")
        if not isinstance(arguments, str):  # some servers send an object
            arguments = json.dumps(arguments if arguments is not None else {})
        call_id: Any = fields.get("id") or f"call_{index}"
        result.append(FunctionCall(id=str(call_id), arguments=arguments, name=name))
    return result


def result_from_completion(data: dict[str, Any], base_url: str) -> CreateResult:
    """The result of a non-streamed response body.

    Raises:
        ModelResponseError: The body has no choice to read, or a field of the wrong type.
    """
    choice = _first_choice(data, base_url, "completion")
    message: Any = choice.get("message")
    if not isinstance(message, dict):
        _malformed(base_url, f"choices[0].message is {_kind(message)}, not an object", data)
    message = cast("dict[str, Any]", message)
    text = _text(message.get("content"), "message.content", base_url, data)
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    reasoning = _text(reasoning, "message.reasoning_content", base_url, data)
    text, tagged = split_think(text)
    return _make_result(
        _finish_reason(choice, base_url, data),
        text,
        _tool_calls(message.get("tool_calls"), base_url, data),
        _join_thoughts(reasoning, tagged),
        _usage(data.get("usage"), lambda problem: _malformed(base_url, problem, data)),
        _logprobs(choice.get("logprobs"), base_url, data),
    )


class StreamAccumulator:
    """Collects streamed chunks: content text, reasoning, tool-call fragments, usage.

    Args:
        base_url: The endpoint, for messages about malformed chunks.
    """

    __slots__ = (
        "_base_url",
        "_calls",
        "_logprobs",
        "_reasoning",
        "_splitter",
        "_text",
        "chunks",
        "done",
        "finish_reason",
        "usage",
    )

    def __init__(self, base_url: str = "the endpoint") -> None:
        self._base_url = base_url
        self._splitter = ThinkSplitter()
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, dict[str, Any]] = {}
        self._logprobs: list[ChatCompletionTokenLogprob] = []
        self.chunks = 0
        self.done = False
        self.finish_reason: str | None = None
        self.usage: RequestUsage | None = None

    def add(self, chunk: dict[str, Any]) -> str:
        """Take one decoded chunk; return the answer text to show now (may be empty).

        Raises:
            ModelResponseError: A field of the chunk has the wrong type.
        """
        self.chunks += 1
        usage = chunk.get("usage")
        if usage:
            self.usage = _usage(usage, lambda problem: self._bad(problem, chunk))
        # Exact class checks that leave the values typed Any (no narrowing, so no casts):
        # this runs for every chunk of every stream.
        choices: Any = chunk.get("choices")
        if not choices:
            return ""
        if choices.__class__ is not list:
            self._bad(f"'choices' is {_kind(choices)}, not a list", chunk)
        choice: Any = choices[0]
        if choice.__class__ is not dict:
            self._bad(f"choices[0] is {_kind(choice)}, not an object", chunk)
        reason: Any = choice.get("finish_reason")
        if reason:
            if reason.__class__ is not str:
                self._bad(f"finish_reason is {_kind(reason)}, not a string", chunk)
            self.finish_reason = reason
        delta: Any = choice.get("delta")
        if not delta:
            return ""
        if delta.__class__ is not dict:
            self._bad(f"choices[0].delta is {_kind(delta)}, not an object", chunk)
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if reasoning:
            if not isinstance(reasoning, str):
                self._bad(f"delta.reasoning_content is {_kind(reasoning)}, not a string", chunk)
            self._reasoning.append(reasoning)
        fragments = delta.get("tool_calls")
        if fragments:
            self._add_calls(fragments, chunk)
        logprobs = choice.get("logprobs")
        if logprobs:
            self._logprobs.extend(_logprobs(logprobs, self._base_url, chunk) or ())
        piece: Any = delta.get("content")
        if not piece:
            return ""
        if piece.__class__ is not str:
            self._bad(f"delta.content is {_kind(piece)}, not a string", chunk)
        shown = self._splitter.feed(piece)
        if shown:
            self._text.append(shown)
        return shown

    def _bad(self, problem: str, chunk: Any) -> NoReturn:
        _malformed(self._base_url, problem, chunk, f"stream chunk (number {self.chunks})")

    def _add_calls(self, fragments: Any, chunk: dict[str, Any]) -> None:
        if not isinstance(fragments, list):
            self._bad(f"delta.tool_calls is {_kind(fragments)}, not a list", chunk)
        for position, fragment in enumerate(cast("list[Any]", fragments)):
            where = f"delta.tool_calls[{position}]"
            if not isinstance(fragment, dict):
                self._bad(f"{where} is {_kind(fragment)}, not an object", chunk)
            fields = cast("dict[str, Any]", fragment)
            index: Any = fields.get("index", position)
            if not isinstance(index, int) or isinstance(index, bool):
                self._bad(f"{where}.index is {index!r}, not a number", chunk)
            call = self._calls.setdefault(index, {"id": None, "name": "", "arguments": []})
            if fields.get("id"):
                call["id"] = str(fields["id"])
            function: Any = fields.get("function") or {}
            if not isinstance(function, dict):
                self._bad(f"{where}.function is {_kind(function)}, not an object", chunk)
            function = cast("dict[str, Any]", function)
            name: Any = function.get("name")
            if name:
                if not isinstance(name, str):
                    self._bad(f"{where}.function.name is {_kind(name)}, not a string", chunk)
                call["name"] += name
            arguments: Any = function.get("arguments")
            if arguments:
                if not isinstance(arguments, str):  # some servers send an object
                    arguments = json.dumps(arguments)
                call["arguments"].append(arguments)

    def flush(self) -> str:
        """End of stream: the answer text held back (a cut ``<think>`` tag prefix)."""
        shown = self._splitter.flush()
        if shown:
            self._text.append(shown)
        return shown

    def result(self) -> CreateResult:
        """The final result (usage is zero if no usage chunk came)."""
        calls = [
            FunctionCall(
                id=str(call["id"] or f"call_{index}"),
                arguments="".join(call["arguments"]),
                name=call["name"],
            )
            for index, call in sorted(self._calls.items())
        ]
        thought = _join_thoughts("".join(self._reasoning), self._splitter.thought)
        return _make_result(
            self.finish_reason,
            "".join(self._text),
            calls,
            thought,
            self.usage or RequestUsage(0, 0),
            self._logprobs or None,
        )
