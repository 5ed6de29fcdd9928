"""Ollama's chat answers (whole, or streamed as one JSON object per line) as results."""

from __future__ import annotations

import itertools
import json
from typing import Any, cast

from ...errors import ModelResponseError
from .._types import CreateResult, FinishReasons, FunctionCall, RequestUsage
from ..openai._think import ThinkSplitter

__all__ = ["OllamaTurn"]

_FINISH_REASONS: dict[str, FinishReasons] = {"stop": "stop", "length": "length"}
_call_ids = itertools.count(1)


def _kind(value: Any) -> str:
    return "null" if value is None else type(cast("object", value)).__name__


class OllamaTurn:
    """Collects one answer: from a whole ``/api/chat`` answer or from its stream lines.

    Text is split from ``<think>`` reasoning (models that write it inline); Ollama's own
    ``thinking`` field (``think=True``) is the thought too. Tool calls arrive whole in
    one line, each with its arguments as a JSON object.

    Args:
        base_url: The server, for messages.
    """

    __slots__ = (
        "_splitter",
        "_thinking",
        "base_url",
        "calls",
        "chunks",
        "done",
        "done_reason",
        "eval_count",
        "prompt_eval_count",
        "text",
    )

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._splitter = ThinkSplitter()
        self._thinking: list[str] = []
        self.text: list[str] = []
        self.calls: list[FunctionCall] = []
        self.chunks = 0
        self.done = False
        self.done_reason: str | None = None
        self.prompt_eval_count: int | None = None
        self.eval_count: int | None = None

    def _bad(self, problem: str, data: Any) -> ModelResponseError:
        snippet = json.dumps(data)[:200] if data is not None else "null"
        return ModelResponseError(
            f"{self.base_url} sent a chat answer that is not Ollama's format: {problem} "
            f"(starting {snippet!r}). Check that the host is an Ollama server."
        )

    def add(self, data: dict[str, Any]) -> str:
        """Take one answer or stream line; return its new answer text (maybe empty)."""
        self.chunks += 1
        message: Any = data.get("message")
        text = ""
        if message is not None:
            if not isinstance(message, dict):
                raise self._bad(f"'message' is {_kind(message)}, not an object", data)
            fields = cast("dict[str, Any]", message)
            thinking = fields.get("thinking")
            if isinstance(thinking, str) and thinking:
                self._thinking.append(thinking)
            content = fields.get("content")
            if isinstance(content, str) and content:
                text = self._splitter.feed(content)
            elif content is not None and not isinstance(content, str):
                raise self._bad(f"'message.content' is {_kind(content)}, not a string", data)
            self._add_calls(fields.get("tool_calls"), data)
        if text:
            self.text.append(text)
        if data.get("done") is True:
            self.done = True
            reason = data.get("done_reason")
            self.done_reason = reason if isinstance(reason, str) else None
            self.prompt_eval_count = _count(data.get("prompt_eval_count"))
            self.eval_count = _count(data.get("eval_count"))
        return text

    def _add_calls(self, calls: Any, data: dict[str, Any]) -> None:
        if calls is None:
            return
        if not isinstance(calls, list):
            raise self._bad(f"'tool_calls' is {_kind(calls)}, not a list", data)
        for call in cast("list[Any]", calls):
            function: Any = (
                cast("dict[str, Any]", call).get("function") if isinstance(call, dict) else None
            )
            if not isinstance(function, dict):
                raise self._bad("a tool call has no 'function' object", data)
            fields = cast("dict[str, Any]", function)
            name = fields.get("name")
            if not isinstance(name, str) or not name:
                raise self._bad("a tool call has no function name", data)
            arguments: Any = fields.get("arguments")
            if not isinstance(arguments, str):
                arguments = json.dumps(arguments if arguments is not None else {})
            given: Any = cast("dict[str, Any]", call).get("id")
            call_id = given if isinstance(given, str) and given else f"call_{next(_call_ids)}"
            self.calls.append(FunctionCall(id=call_id, name=name, arguments=arguments))

    def flush(self) -> str:
        """Text held back while a ``<think>`` tag might have been starting."""
        text = self._splitter.flush()
        if text:
            self.text.append(text)
        return text

    @property
    def thought(self) -> str | None:
        """Reasoning from the ``thinking`` field and inline ``<think>`` blocks."""
        parts = ["".join(self._thinking).strip(), self._splitter.thought or ""]
        joined = "\n".join(p for p in parts if p)
        return joined or None

    def result(self, usage: RequestUsage) -> CreateResult:
        """The answer as a :class:`CreateResult` (tool calls win over text)."""
        text = "".join(self.text)
        thought = self.thought
        if self.calls:
            if text.strip():
                thought = "\n".join(t for t in (thought, text.strip()) if t)
            return CreateResult(
                finish_reason="function_calls", content=self.calls, usage=usage, thought=thought
            )
        reason = _FINISH_REASONS.get(self.done_reason or "stop", "unknown")
        return CreateResult(finish_reason=reason, content=text, usage=usage, thought=thought)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
