"""A real local HTTP server that speaks Ollama's native chat API (``/api/chat``).

The HTTP machinery, script, recording and fault handling are the
:class:`~agentparts.testing.OpenAITestServer`'s; only the routes and the bodies are
Ollama's: NDJSON streams (one JSON object per line, a final ``done`` line with
``prompt_eval_count`` and ``eval_count``), tool calls whole with object arguments,
``thinking``, ``/api/show`` capabilities and ``{"error": "..."}`` error bodies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ._native_server import NativeApiTestServer, is_plain_error
from ._openai_server import (
    _pieces,
    _write_chunk,
    _write_forever,
    _write_head,
    _write_json,
    _write_padded,
)
from ._scripted import Fault, RecordedRequest, Responder, ScriptedReply, ScriptedToolCall

__all__ = ["OllamaTestServer"]

Answer = ScriptedReply | Fault | str


class OllamaTestServer(NativeApiTestServer):
    """A scripted Ollama server on 127.0.0.1 (``/api/chat``, ``/api/show``, ``/api/tags``).

    Scripted like :class:`OpenAITestServer` (the same :class:`ScriptedReply` and
    :class:`Fault` answers, default reply, recording and control routes):
    ``reasoning_content`` is sent as Ollama's ``thinking``, ``finish_reason`` as
    ``done_reason``, token counts as ``prompt_eval_count``/``eval_count``.

    Args:
        replies: The first answers, in order.
        default_reply: What answers when the script is empty (default: echo).
        host: The interface to listen on.
        port: The port (0 picks a free one).
        models: If set, only these models are pulled: others answer 404 ``model "x" not
            found, try pulling it first``, as Ollama does.
        capabilities: Per model, what ``/api/show`` lists (default for any model:
            ``["completion", "tools"]``).
        context_length: The context length ``/api/show`` reports.
        api_key: If set, requests must send ``Authorization: Bearer <api_key>`` (an
            Ollama behind an authenticating proxy).
        record: Whether to record requests.

    Example:
        >>> async def demo():
        ...     async with OllamaTestServer(["Hello!"]) as server:
        ...         print(server.base_url)
    """

    def __init__(
        self,
        replies: Iterable[Answer] = (),
        *,
        default_reply: Answer | Responder | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Collection[str] | None = None,
        capabilities: Mapping[str, Collection[str]] | None = None,
        context_length: int = 8192,
        api_key: str | None = None,
        record: bool = True,
    ) -> None:
        super().__init__(
            replies,
            default_reply=default_reply,
            host=host,
            port=port,
            api_key=api_key,
            models=models,
            record=record,
        )
        self.capabilities = {k: list(v) for k, v in (capabilities or {}).items()}
        self.context_length = context_length

    # --- routes ----------------------------------------------------------------------

    def _bad_json(self, writer: Any) -> None:
        _write_json(writer, 400, {"error": "invalid character in request body"})

    async def _route(self, path: str, request: RecordedRequest, writer: Any) -> bool:
        method, headers, body = request.method, request.headers, request.body
        if path == "/api/version" and method == "GET":
            _write_json(writer, 200, {"version": "0.12.0"})
            return True
        if path == "/api/tags" and method == "GET":
            names = sorted(self.models or ["llama3.2:latest"])
            _write_json(writer, 200, {"models": [{"name": n, "model": n} for n in names]})
            return True
        if method != "POST" or path not in ("/api/chat", "/api/show"):
            _write_json(writer, 404, {"error": f"404 page not found ({method} {path})"})
            return True
        if not isinstance(body, dict) or not isinstance(body.get("model"), str):  # pyright: ignore[reportUnknownMemberType]
            _write_json(writer, 400, {"error": "model is required"})
            return True
        fields: dict[str, Any] = body  # pyright: ignore[reportUnknownVariableType]
        refusal = self._refusal(headers, fields)
        if refusal is None and path == "/api/show":
            _write_json(writer, 200, self._show(fields["model"]))
            return True
        answer = refusal or self._next_answer(request)
        return await self._serve(answer, fields, writer)

    def _refusal(self, headers: dict[str, str], body: dict[str, Any]) -> Fault | None:
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return Fault(401, "unauthorized")
        model = body.get("model")
        if self.models is not None and model not in self.models:
            return Fault(404, f'model "{model}" not found, try pulling it first')
        return None

    def _show(self, model: str) -> dict[str, Any]:
        capabilities = self.capabilities.get(model, ["completion", "tools"])
        return {
            "template": "{{ .Prompt }}",
            "details": {"family": model.split(":", 1)[0], "parameter_size": "3B"},
            "model_info": {
                "general.architecture": "test",
                "test.context_length": self.context_length,
            },
            "capabilities": capabilities,
        }

    # --- answers ---------------------------------------------------------------------

    async def _answer(
        self, answer: ScriptedReply | Fault, body: dict[str, Any], writer: Any
    ) -> bool:
        if not is_plain_error(answer):
            return await super()._answer(answer, body, writer)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        data = json.dumps({"error": answer.message}).encode()
        _write_head(writer, answer.status, "application/json", len(data), answer.headers)
        writer.write(data)
        await writer.drain()
        return True

    async def _misbehave(self, fault: Fault, body: dict[str, Any], writer: Any) -> bool:
        if fault.raw_json is None:
            return await super()._misbehave(fault, body, writer)
        if _streamed(body):
            _write_head(writer, 200, "application/x-ndjson", None)
            _write_chunk(writer, fault.raw_json + b"\n")
            writer.write(b"0\r\n\r\n")
        else:
            _write_head(writer, 200, "application/json", len(fault.raw_json))
            writer.write(fault.raw_json)
        await writer.drain()
        return True

    def _completion(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content or ""}
        if reply.reasoning_content is not None:
            message["thinking"] = reply.reasoning_content
        if reply.tool_calls:
            message["tool_calls"] = [_tool_call(call) for call in reply.tool_calls]
        return {**self._line(body, message), **self._final(reply, body)}

    def _line(self, body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        created = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        return {"model": body.get("model", "llama3.2"), "created_at": created, "message": message}

    def _final(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, Any]:
        final: dict[str, Any] = {"done": True, "done_reason": reply.finish_reason or "stop"}
        if reply.include_usage:
            usage = self._usage(reply, body)
            final["prompt_eval_count"] = usage["prompt_tokens"]
            final["eval_count"] = usage["completion_tokens"]
            final["total_duration"] = 1_000_000
        return final

    async def _stream(
        self, reply: ScriptedReply, body: dict[str, Any], writer: Any, cut_after: int | None = None
    ) -> None:
        _write_head(writer, 200, "application/x-ndjson", None)
        lines: list[dict[str, Any]] = []
        for piece in _pieces(reply.reasoning_content or "", reply.words_per_chunk):
            message = {"role": "assistant", "content": "", "thinking": piece}
            lines.append({**self._line(body, message), "done": False})
        for piece in _pieces(reply.content or "", reply.words_per_chunk):
            message = {"role": "assistant", "content": piece}
            lines.append({**self._line(body, message), "done": False})
        if reply.tool_calls:
            calls = [_tool_call(call) for call in reply.tool_calls]
            message = {"role": "assistant", "content": "", "tool_calls": calls}
            lines.append({**self._line(body, message), "done": False})
        message = {"role": "assistant", "content": ""}
        lines.append({**self._line(body, message), **self._final(reply, body)})
        for sent, line in enumerate(lines):
            if cut_after is not None and sent >= cut_after:
                await writer.drain()
                return
            _write_chunk(writer, json.dumps(line).encode() + b"\n")
            if reply.chunk_delay:
                await writer.drain()
                await asyncio.sleep(reply.chunk_delay)
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _endless(self, body: dict[str, Any], writer: Any, interval: float) -> None:
        stream = _streamed(body)
        _write_head(writer, 200, "application/x-ndjson" if stream else "application/json", None)
        line = json.dumps(self._line(body, {"role": "assistant", "content": "and on "}))
        await _write_forever(writer, (line + "\n").encode() if stream else b" ", interval)

    async def _huge(self, body: dict[str, Any], writer: Any, size: int) -> None:
        stream = _streamed(body)
        _write_head(writer, 200, "application/x-ndjson" if stream else "application/json", None)
        head = json.dumps(self._line(body, {"role": "assistant", "content": ""}))
        head_bytes = head[: head.rindex('""') + 1].encode()
        tail = b'"}, "done": true, "done_reason": "stop"}' + (b"\n" if stream else b"")
        await _write_padded(writer, head_bytes, tail, size)


def _streamed(body: dict[str, Any]) -> bool:
    """Ollama streams unless the request says ``"stream": false``."""
    return body.get("stream", True) is not False


def _tool_call(call: ScriptedToolCall) -> dict[str, Any]:
    text = call.arguments_json()
    try:
        arguments: Any = json.loads(text)
    except ValueError:
        arguments = text  # deliberately malformed: sent as it is
    function: dict[str, Any] = {"name": call.name, "arguments": arguments}
    wire: dict[str, Any] = {"function": function}
    if call.id is not None:
        wire["id"] = call.id
    return wire
