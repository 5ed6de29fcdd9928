"""Turning Messages API answers, whole or streamed, into ``CreateResult``."""

from __future__ import annotations

import json
from typing import Any, NoReturn, cast

from ..._function_call import FunctionCall
from ...errors import ModelResponseError, ModelStreamError
from .._types import CreateResult, RequestUsage

__all__ = ["StreamAccumulator", "result_from_message", "usage_from"]

STOP_REASONS: dict[str | None, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "function_calls",
    "refusal": "content_filter",
    "pause_turn": "unknown",
    None: "unknown",
}
"""Claude's stop reasons as agentparts finish reasons."""


def _malformed(base_url: str, problem: str, data: Any) -> NoReturn:
    raise ModelResponseError(
        f"{base_url} answered with a message that is not a valid Messages API answer "
        f"({problem}; got {str(data)[:200]!r}). Check that base_url points to the "
        "Anthropic API."
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage_from(raw: Any, usage: RequestUsage | None = None) -> RequestUsage:
    """Usage from a ``usage`` object: prompt tokens include cache writes and reads.

    ``usage`` is updated in place when given (a stream reports usage twice, the later
    numbers replacing the earlier ones where present).
    """
    fields = cast("dict[str, Any]", raw) if isinstance(raw, dict) else {}
    found = usage or RequestUsage(0, 0)
    names = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    if any(name in fields for name in names):
        prompt = sum(_count(fields.get(name)) for name in names)
        found.prompt_tokens = max(found.prompt_tokens, prompt)
    if "output_tokens" in fields:
        found.completion_tokens = max(found.completion_tokens, _count(fields["output_tokens"]))
    return found


def _join(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


def build_result(
    blocks: list[dict[str, Any]],
    stop_reason: Any,
    usage: RequestUsage,
    structured: str | None,
) -> CreateResult:
    """The result of the answer made of ``blocks`` (``structured``: the name of the
    structured-output tool, whose input is returned as the JSON text content)."""
    text = "".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text")
    thinking = "".join(str(b.get("thinking", "")) for b in blocks if b.get("type") == "thinking")
    calls = [b for b in blocks if b.get("type") == "tool_use"]
    finish = STOP_REASONS.get(stop_reason if isinstance(stop_reason, str) else None, "unknown")
    answer = next((b for b in calls if structured and b.get("name") == structured), None)
    if answer is not None:
        content = json.dumps(answer.get("input", {}))
        return CreateResult(
            finish_reason="stop", content=content, usage=usage, thought=_join(thinking, text)
        )
    if calls:
        functions = [
            FunctionCall(
                id=str(b.get("id", "")),
                arguments=json.dumps(b.get("input", {})),
                name=str(b.get("name", "")),
            )
            for b in calls
        ]
        return CreateResult(
            finish_reason="function_calls",
            content=functions,
            usage=usage,
            thought=_join(thinking, text),
        )
    return CreateResult(
        finish_reason=finish,  # pyright: ignore[reportArgumentType]
        content=text,
        usage=usage,
        thought=thinking or None,
    )


def result_from_message(
    data: dict[str, Any], base_url: str, structured: str | None
) -> tuple[CreateResult, list[dict[str, Any]]]:
    """The result of a whole answer, and its content blocks.

    Raises:
        ModelResponseError: The answer is not a message with a list of content blocks.
    """
    if data.get("type") == "error":
        _malformed(base_url, "an error body with status 200", data)
    raw = data.get("content")
    if not isinstance(raw, list):
        _malformed(base_url, "'content' is not a list", data)
    blocks: list[dict[str, Any]] = []
    for item in cast("list[Any]", raw):
        block = cast("dict[str, Any]", item) if isinstance(item, dict) else {}
        if not isinstance(block.get("type"), str):
            _malformed(base_url, "a content block is not an object with a type", data)
        blocks.append(block)
    for block in blocks:
        if block["type"] == "tool_use" and not isinstance(block.get("input", {}), dict):
            _malformed(base_url, "a tool_use input is not an object", data)
    usage = usage_from(data.get("usage"))
    return build_result(blocks, data.get("stop_reason"), usage, structured), blocks


class StreamAccumulator:
    """Builds the result of a streamed answer from its events.

    Args:
        base_url: The endpoint, for messages.
        structured: The name of the structured-output tool, if any.

    Attributes:
        done: ``message_stop`` was seen.
        usage: The usage reported so far (None before ``message_start``).
        events: How many events were read.
    """

    __slots__ = ("_blocks", "_parts", "_structured", "base_url", "done", "events", "stop", "usage")

    def __init__(self, base_url: str, structured: str | None) -> None:
        self.base_url = base_url
        self._structured = structured
        self._blocks: dict[int, dict[str, Any]] = {}
        self._parts: dict[int, list[str]] = {}  # the pieces of each open block
        self.done = False
        self.stop: Any = None
        self.usage: RequestUsage | None = None
        self.events = 0

    def add(self, event: dict[str, Any]) -> str | None:
        """Take one event; return the text to yield, if any.

        Raises:
            ModelStreamError: The event is an ``error`` event, or out of place.
        """
        self.events += 1
        kind = event.get("type")
        if kind == "content_block_delta":
            return self._delta(event)
        if kind == "content_block_start":
            block = event.get("content_block")
            if not isinstance(block, dict):
                self._bad(event, "content_block is not an object")
            start = dict(cast("dict[str, Any]", block))
            index = self._index(event)
            if start.get("type") == "tool_use":
                start["input"] = {}
            self._parts[index] = []
            self._blocks[index] = start
            text = start.get("text") if start.get("type") == "text" else None
            return text if isinstance(text, str) and text else None
        if kind == "content_block_stop":
            self._finish_block(self._index(event))
        elif kind == "message_start":
            message = event.get("message")
            raw: Any = (
                cast("dict[str, Any]", message).get("usage") if isinstance(message, dict) else None
            )
            self.usage = usage_from(raw)
        elif kind == "message_delta":
            delta = event.get("delta")
            if isinstance(delta, dict) and "stop_reason" in delta:
                self.stop = cast("dict[str, Any]", delta)["stop_reason"]
            self.usage = usage_from(event.get("usage"), self.usage)
        elif kind == "message_stop":
            self.done = True
        elif kind == "error":
            raise ModelStreamError(
                f"{self.base_url} reported an error in the middle of the stream: "
                f"{_error_summary(event)} The partial answer was dropped: retry the call."
            )
        return None  # ping and event types added later are ignored

    def _delta(self, event: dict[str, Any]) -> str | None:
        index = event.get("index")
        parts = self._parts.get(index) if isinstance(index, int) else None
        delta = event.get("delta")
        if parts is None or not isinstance(delta, dict):
            self._bad(event, "a delta for a content block that was not started")
        fields = cast("dict[str, Any]", delta)
        kind = fields.get("type")
        if kind == "text_delta":
            text = fields.get("text")
            if isinstance(text, str) and text:
                parts.append(text)
                return text
        elif kind == "input_json_delta" or kind == "thinking_delta":
            piece = fields.get("partial_json" if kind == "input_json_delta" else "thinking")
            if isinstance(piece, str):
                parts.append(piece)
        elif kind == "signature_delta":
            block = self._blocks[cast("int", index)]
            block["signature"] = block.get("signature", "") + str(fields.get("signature", ""))
        return None

    def _finish_block(self, index: int) -> None:
        parts = self._parts.pop(index, None)
        block = self._blocks.get(index)
        if parts is None or block is None:
            return
        kind = block.get("type")
        if kind != "tool_use":
            field = "thinking" if kind == "thinking" else "text"
            block[field] = str(block.get(field) or "") + "".join(parts)
            return
        text = "".join(parts)
        try:
            value: Any = json.loads(text) if text.strip() else {}
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ModelStreamError(
                f"The response stream from {self.base_url} sent tool input that is not a "
                f"JSON object ({text[:200]!r}) for tool {block.get('name')!r}. Retry the call."
            )
        block["input"] = value

    def _index(self, event: dict[str, Any]) -> int:
        index = event.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            self._bad(event, "'index' is not a number")
        return index

    def _bad(self, event: dict[str, Any], problem: str) -> NoReturn:
        raise ModelStreamError(
            f"The response stream from {self.base_url} sent an invalid event ({problem}: "
            f"{str(event)[:200]!r}). Retry the call."
        )

    def blocks(self) -> list[dict[str, Any]]:
        """The answer's content blocks, in order."""
        for index in list(self._parts):
            self._finish_block(index)
        return [self._blocks[i] for i in sorted(self._blocks)]

    def result(self) -> CreateResult:
        """The final result (usage: as reported, or zeros)."""
        usage = self.usage or RequestUsage(0, 0)
        return build_result(self.blocks(), self.stop, usage, self._structured)


def _error_summary(event: dict[str, Any]) -> str:
    error = event.get("error")
    if isinstance(error, dict):
        fields = cast("dict[str, Any]", error)
        text = f"{fields.get('type', 'error')}: {fields.get('message', '')}"
    else:
        text = str(error)
    text = text.strip()[:300]
    return text.rstrip(".") + "."
