"""Turning Chat Completions responses (whole or streamed) into ``CreateResult``."""

from __future__ import annotations

from typing import Any, cast

from ..._construct import construct
from ..._function_call import FunctionCall
from ...errors import ModelResponseError
from .._types import ChatCompletionTokenLogprob, CreateResult, RequestUsage
from ._messages import FINISH_REASONS, parse_logprobs, tool_calls_from_wire
from ._think import ThinkSplitter, split_think

__all__ = ["StreamAccumulator", "result_from_completion"]


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


def _usage(raw: Any) -> RequestUsage:
    if not isinstance(raw, dict):
        return RequestUsage(0, 0)
    usage = cast("dict[str, Any]", raw)
    return RequestUsage(
        int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    )


def result_from_completion(data: Any, base_url: str) -> CreateResult:
    """The result of a non-streamed response body.

    Raises:
        ModelResponseError: The body has no choice to read.
    """
    try:
        choice: dict[str, Any] = data["choices"][0]
        message: dict[str, Any] = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise ModelResponseError(
            f"{base_url} answered without a choice to read (body starts "
            f"{str(data)[:200]!r}). Check that base_url points to an OpenAI-compatible API."
        ) from None
    text = message.get("content") or ""
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    text, tagged = split_think(text)
    raw_calls = message.get("tool_calls")
    calls = tool_calls_from_wire(raw_calls) if raw_calls else []
    return _make_result(
        choice.get("finish_reason"),
        text,
        calls,
        _join_thoughts(reasoning, tagged),
        _usage(data.get("usage")),
        parse_logprobs(choice.get("logprobs")),
    )


class StreamAccumulator:
    """Collects streamed chunks: content text, reasoning, tool-call fragments, usage."""

    __slots__ = (
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

    def __init__(self) -> None:
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
        """Take one decoded chunk; return the answer text to show now (may be empty)."""
        self.chunks += 1
        usage = chunk.get("usage")
        if usage:
            self.usage = _usage(usage)
        choices = chunk.get("choices")
        if not choices:
            return ""
        choice = choices[0]
        reason = choice.get("finish_reason")
        if reason:
            self.finish_reason = reason
        delta = choice.get("delta")
        if not delta:
            return ""
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if reasoning:
            self._reasoning.append(reasoning)
        fragments = delta.get("tool_calls")
        if fragments:
            self._add_calls(fragments)
        logprobs = choice.get("logprobs")
        if logprobs:
            self._logprobs.extend(parse_logprobs(logprobs) or ())
        piece = delta.get("content")
        if not piece:
            return ""
        shown = self._splitter.feed(piece)
        if shown:
            self._text.append(shown)
        return shown

    def _add_calls(self, fragments: list[dict[str, Any]]) -> None:
        for position, fragment in enumerate(fragments):
            index = fragment.get("index", position)
            call = self._calls.setdefault(index, {"id": None, "name": "", "arguments": []})
            if fragment.get("id"):
                call["id"] = fragment["id"]
            function: dict[str, Any] = fragment.get("function") or {}
            if function.get("name"):
                call["name"] += function["name"]
            arguments: Any = function.get("arguments")
            if arguments:
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
