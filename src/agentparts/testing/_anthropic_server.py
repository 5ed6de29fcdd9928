"""A real local HTTP server that speaks Anthropic's Messages API (``/v1/messages``).

It shares the OpenAI test server's HTTP machinery, script and faults (a subclass): only
the routes, the answer bodies, the event stream and the error bodies differ. Like Claude,
it checks what it is sent: ``max_tokens`` is required, system prompts go in ``system``,
each ``tool_use`` must be answered by a ``tool_result`` in the next message (and no
result may name a call that is not there), thinking blocks must come back with the
signature they were sent with, and while thinking is on, an assistant turn with tool
calls must start with its thinking block.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from ._native_server import NativeApiTestServer, is_plain_error
from ._openai_server import (
    _as_dict,
    _items,
    _pieces,
    _write_chunk,
    _write_forever,
    _write_head,
    _write_padded,
)
from ._scripted import Fault, RecordedRequest, ScriptedReply

__all__ = ["AnthropicTestServer"]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_calls": "tool_use",
    "content_filter": "refusal",
}


def signature_of(thinking: str) -> str:
    """The signature the server gives a thinking text (and checks when it comes back)."""
    return "sig-" + hashlib.sha256(thinking.encode()).hexdigest()[:32]


class AnthropicTestServer(NativeApiTestServer):
    """A scripted Anthropic Messages API server on 127.0.0.1.

    Scripted exactly like :class:`OpenAITestServer` (same :class:`ScriptedReply`,
    :class:`Fault`, ``default_reply`` and recorded :attr:`requests`): a reply's
    ``reasoning_content`` is sent as a signed ``thinking`` block, tool calls as
    ``tool_use`` blocks (streamed as ``input_json_delta`` fragments), and a fault's
    status as Anthropic's error body (``{"type": "error", "error": {"type":
    "overloaded_error", ...}}``: 529 is ``overloaded_error``, 400
    ``invalid_request_error``, 429 ``rate_limit_error``; a fault's ``code`` ending in
    ``_error`` names the type instead). Point a client's ``base_url`` at
    :attr:`base_url` (the API root, without ``/v1``).

    Args:
        replies: The first answers, in order.
        default_reply: What answers when the script is empty (default: echo the last
            user text).
        host: The interface to listen on.
        port: The port (0 picks a free one).
        api_key: If set, requests must send ``x-api-key: <api_key>`` (else 401).
        models: If set, only these model names are served (else 404).
        context_window: If set, requests holding more words answer 400 ``prompt is too
            long``.
        record: Whether to record requests.

    Example:
        >>> async def demo():
        ...     async with AnthropicTestServer(["Hello!"]) as server:
        ...         print(server.base_url)
    """

    def _bad_json(self, writer: Any) -> None:
        _write_error(writer, 400, "invalid_request_error", "The request body is not JSON.")

    async def _route(self, path: str, request: RecordedRequest, writer: Any) -> bool:
        method, headers, body = request.method, request.headers, request.body
        if path == "/v1/models" and method == "GET":
            names = sorted(self.models or ["claude-sonnet-4-20250514"])
            data = [{"type": "model", "id": n, "display_name": n} for n in names]
            _write_body(writer, 200, {"data": data, "has_more": False})
            return True
        if path != "/v1/messages":
            _write_error(writer, 404, "not_found_error", f"No route {method} {path}.")
            return True
        if method != "POST" or not isinstance(body, dict):
            _write_error(writer, 400, "invalid_request_error", "POST a JSON object.")
            return True
        fields: dict[str, Any] = body  # pyright: ignore[reportUnknownVariableType]
        refusal = self._check(headers, fields)
        answer = refusal or self._next_answer(request)
        return await self._serve(answer, fields, writer)

    def _check(self, headers: dict[str, str], body: dict[str, Any]) -> Fault | None:
        """Refuse what Claude refuses (the message is close to Claude's own)."""
        if self.api_key is not None and headers.get("x-api-key") != self.api_key:
            return Fault(401, "invalid x-api-key", "authentication_error")
        model = body.get("model")
        if self.models is not None and model not in self.models:
            return Fault(404, f"model: {model}", "not_found_error")
        problem = _invalid(body)
        if problem is not None:
            return Fault(400, problem, "invalid_request_error")
        if self.context_window is not None:
            words = _prompt_words(body)
            if words > self.context_window:
                return Fault(
                    400,
                    f"prompt is too long: {words} tokens > {self.context_window} maximum",
                    "invalid_request_error",
                )
        return None

    def _next_answer(self, request: RecordedRequest) -> ScriptedReply | Fault | str:
        if not self._script and self.default_reply is None:
            return _echo(request)
        return super()._next_answer(request)

    async def _answer(
        self, answer: ScriptedReply | Fault, body: dict[str, Any], writer: Any
    ) -> bool:
        if is_plain_error(answer):
            if answer.delay:
                await asyncio.sleep(answer.delay)
            kind = answer.code if (answer.code or "").endswith("_error") else None
            kind = kind or _ERROR_TYPES.get(answer.status, "api_error")
            _write_error(writer, answer.status, kind, answer.message, answer.headers)
            await writer.drain()
            return True
        if isinstance(answer, Fault) and answer.raw_json is not None:
            if body.get("stream"):
                _write_head(writer, 200, "text/event-stream", None)
                _write_chunk(writer, b"event: message\ndata: " + answer.raw_json + b"\n\n")
                writer.write(b"0\r\n\r\n")
            else:
                raw = answer.raw_json
                _write_head(writer, 200, "application/json", len(raw), body=raw)
            await writer.drain()
            return True
        return await super()._answer(answer, body, writer)

    # --- Anthropic bodies ------------------------------------------------------------

    def _prompt_words(self, body: dict[str, Any]) -> int:
        return _prompt_words(body)

    def _usage(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, int]:
        prompt, completion = self._token_counts(reply, body)
        return {"input_tokens": prompt, "output_tokens": completion}

    def _completion(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, Any]:
        message = self._message_head(reply, body)
        message["content"] = _blocks(reply)
        message["stop_reason"] = _stop_reason(reply)
        if reply.include_usage:
            message["usage"] = self._usage(reply, body)
        return message

    def _message_head(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"msg_{next(self._ids):08d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "claude-test"),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
        }

    async def _stream(
        self, reply: ScriptedReply, body: dict[str, Any], writer: Any, cut_after: int | None = None
    ) -> None:
        _write_head(writer, 200, "text/event-stream", None)
        usage = self._usage(reply, body)
        head = self._message_head(reply, body)
        if reply.include_usage:
            head["usage"] = {"input_tokens": usage["input_tokens"], "output_tokens": 1}
        _write_sse(writer, {"type": "message_start", "message": head})
        _write_sse(writer, {"type": "ping"})
        for sent, event in enumerate(_stream_events(reply)):
            if cut_after is not None and sent >= cut_after:
                await writer.drain()
                return
            _write_sse(writer, event)
            if reply.chunk_delay:
                await writer.drain()
                await asyncio.sleep(reply.chunk_delay)
        delta: dict[str, Any] = {
            "type": "message_delta",
            "delta": {"stop_reason": _stop_reason(reply), "stop_sequence": None},
        }
        if reply.include_usage:
            delta["usage"] = {"output_tokens": usage["output_tokens"]}
        _write_sse(writer, delta)
        _write_sse(writer, {"type": "message_stop"})
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _endless(self, body: dict[str, Any], writer: Any, interval: float) -> None:
        stream = bool(body.get("stream"))
        _write_head(writer, 200, "text/event-stream" if stream else "application/json", None)
        if stream:
            _write_sse(writer, {"type": "message_start", "message": {"usage": {}}})
            _write_sse(writer, _block_start(0, {"type": "text", "text": ""}))
        delta = _delta(0, {"type": "text_delta", "text": "and on "})
        await _write_forever(writer, _sse(delta) if stream else b" ", interval)

    async def _huge(self, body: dict[str, Any], writer: Any, size: int) -> None:
        stream = bool(body.get("stream"))
        if stream:
            _write_head(writer, 200, "text/event-stream", None)
            _write_sse(writer, {"type": "message_start", "message": {"usage": {}}})
            _write_sse(writer, _block_start(0, {"type": "text", "text": ""}))
            head = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
            head += b'"delta":{"type":"text_delta","text":"'
            tail = b'"}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'
        else:
            _write_head(writer, 200, "application/json", None)
            head = b'{"type":"message","role":"assistant","content":[{"type":"text","text":"'
            tail = b'"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}'
        await _write_padded(writer, head, tail, size)


def _stop_reason(reply: ScriptedReply) -> str:
    if reply.finish_reason is not None:
        return _STOP_REASONS.get(reply.finish_reason, reply.finish_reason)
    return "tool_use" if reply.tool_calls else "end_turn"


def _blocks(reply: ScriptedReply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.reasoning_content:
        thinking = reply.reasoning_content
        blocks.append(
            {"type": "thinking", "thinking": thinking, "signature": signature_of(thinking)}
        )
    if reply.content:
        blocks.append({"type": "text", "text": reply.content})
    for index, call in enumerate(reply.tool_calls):
        try:
            value: Any = json.loads(call.arguments_json())
        except ValueError:
            value = {"raw": call.arguments_json()}
        blocks.append(
            {
                "type": "tool_use",
                "id": call.id or f"toolu_{index}",
                "name": call.name,
                "input": value,
            }
        )
    return blocks


def _block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def _stream_events(reply: ScriptedReply) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    index = 0
    step = reply.words_per_chunk
    if reply.reasoning_content:
        thinking = reply.reasoning_content
        events.append(_block_start(index, {"type": "thinking", "thinking": "", "signature": ""}))
        for piece in _pieces(thinking, step):
            events.append(_delta(index, {"type": "thinking_delta", "thinking": piece}))
        events.append(
            _delta(index, {"type": "signature_delta", "signature": signature_of(thinking)})
        )
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    if reply.content:
        events.append(_block_start(index, {"type": "text", "text": ""}))
        for piece in _pieces(reply.content, step):
            events.append(_delta(index, {"type": "text_delta", "text": piece}))
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    for number, call in enumerate(reply.tool_calls):
        start = {"type": "tool_use", "id": call.id or f"toolu_{number}", "name": call.name}
        events.append(_block_start(index, {**start, "input": {}}))
        arguments = call.arguments_json()
        for at in range(0, len(arguments), 8):
            fragment = {"type": "input_json_delta", "partial_json": arguments[at : at + 8]}
            events.append(_delta(index, fragment))
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    return events


def _invalid(body: dict[str, Any]) -> str | None:
    """What Claude would refuse in ``body`` (None: nothing)."""
    if not isinstance(body.get("max_tokens"), int):
        return "max_tokens: Field required"
    messages = [_as_dict(m) for m in _items(body.get("messages"))]
    if not messages:
        return "messages: at least one message is required"
    thinking = _as_dict(body.get("thinking")).get("type") == "enabled"
    last_assistant = max(
        (i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=-1
    )
    for number, message in enumerate(messages):
        role = message.get("role")
        if role not in ("user", "assistant"):
            return (
                f"messages.{number}.role: Input should be 'user' or 'assistant' (system "
                "prompts go in the top-level system field)"
            )
        content = message.get("content")
        blocks = [_as_dict(b) for b in _items(content)] if not isinstance(content, str) else []
        for at, block in enumerate(blocks):
            kind = block.get("type")
            if kind == "text" and not str(block.get("text", "")).strip():
                return f"messages.{number}.content.{at}.text: text content blocks must be non-empty"
            if kind == "thinking" and block.get("signature") != signature_of(
                str(block.get("thinking", ""))
            ):
                return f"messages.{number}.content.{at}: Invalid `signature` in `thinking` block"
        uses = [str(b.get("id")) for b in blocks if b.get("type") == "tool_use"]
        if role == "assistant" and uses:
            following = _as_dict(messages[number + 1]) if number + 1 < len(messages) else {}
            answered = {
                str(_as_dict(b).get("tool_use_id"))
                for b in _items(following.get("content"))
                if _as_dict(b).get("type") == "tool_result"
            }
            if number + 1 < len(messages) and not set(uses) <= answered:
                return (
                    f"messages.{number}: `tool_use` ids were found without `tool_result` "
                    f"blocks immediately after: {', '.join(sorted(set(uses) - answered))}"
                )
            if (
                thinking
                and number == last_assistant
                and blocks[0].get("type")
                not in (
                    "thinking",
                    "redacted_thinking",
                )
            ):
                return (
                    f"messages.{number}.content.0.type: Expected `thinking` or "
                    f"`redacted_thinking`, but found `{blocks[0].get('type')}`. When `thinking` "
                    "is enabled, a final `assistant` message must start with a thinking block"
                )
        results = [str(b.get("tool_use_id")) for b in blocks if b.get("type") == "tool_result"]
        if results:
            before = _as_dict(messages[number - 1]) if number else {}
            offered = {
                str(_as_dict(b).get("id"))
                for b in _items(before.get("content"))
                if _as_dict(b).get("type") == "tool_use"
            }
            stray = sorted(set(results) - offered)
            if stray or before.get("role") != "assistant":
                return (
                    f"messages.{number}.content: unexpected `tool_use_id` found in "
                    f"`tool_result` blocks: {', '.join(stray or results)}. Each `tool_result` "
                    "block must have a corresponding `tool_use` block in the previous message"
                )
    return None


def _prompt_words(body: dict[str, Any]) -> int:
    count = len(str(body.get("system") or "").split())
    for message in _items(body.get("messages")):
        content = _as_dict(message).get("content")
        if isinstance(content, str):
            count += len(content.split())
        for block in _items(content):
            fields = _as_dict(block)
            text = fields.get("text", fields.get("content"))
            count += (
                len(text.split())
                if isinstance(text, str)
                else 85
                if fields.get("type") == "image"
                else 1
            )
        count += 3
    return count


def _echo(request: RecordedRequest) -> ScriptedReply:
    for message in reversed(request.messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return ScriptedReply(content)
        texts = [_as_dict(b).get("text") for b in _items(content)]
        text = " ".join(t for t in texts if isinstance(t, str))
        if text:
            return ScriptedReply(text)
    return ScriptedReply("ok")


def _sse(event: dict[str, Any]) -> bytes:
    name = str(event.get("type", "message")).encode()
    return b"event: " + name + b"\ndata: " + json.dumps(event).encode() + b"\n\n"


def _write_sse(writer: Any, event: dict[str, Any]) -> None:
    _write_chunk(writer, _sse(event))


def _write_body(
    writer: Any, status: int, payload: Any, headers: dict[str, str] | None = None
) -> None:
    data = json.dumps(payload).encode()
    _write_head(writer, status, "application/json", len(data), headers, data)


def _write_error(
    writer: Any, status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    _write_body(writer, status, body, {"request-id": "req_test", **(headers or {})})
