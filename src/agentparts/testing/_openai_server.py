"""A real local HTTP server that speaks the OpenAI Chat Completions wire protocol.

Plain asyncio, HTTP/1.1 with keep-alive, no dependency, no added latency unless a
reply asks for it. It runs on the caller's event loop (``async with``), in a background
thread (``with``), or as its own process (``python -m agentparts.testing.openai_server``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Collection, Iterable
from typing import Any, cast

from ._scripted import Fault, RecordedRequest, Responder, ScriptedReply, ScriptedToolCall

__all__ = ["OpenAITestServer"]

Answer = ScriptedReply | Fault | str

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Overloaded",
}
_HUGE_PIECE = 64 * 2**10
_WORDS = re.compile(r"\s*\S+\s*|\s+")


class OpenAITestServer:
    """A scripted OpenAI-compatible chat completions server on 127.0.0.1.

    Each request takes the next scripted answer (a :class:`ScriptedReply`, a
    :class:`Fault` or a plain string); when the script is empty the ``default_reply``
    answers (a reply, a string, or a function of the request). Every request is recorded
    in :attr:`requests` so tests can check what a client sent.

    Args:
        replies: The first answers, in order.
        default_reply: What answers when the script is empty: a reply, a string, or a
            callable taking the :class:`RecordedRequest`. Default: echo the last user
            message text.
        host: The interface to listen on.
        port: The port (0 picks a free one).
        api_key: If set, requests must send ``Authorization: Bearer <api_key>`` or, as
            Azure's clients do, ``api-key: <api_key>`` (else 401).
        models: If set, only these model names are served (else 404).
        deployments: If set, Azure's routes (``/openai/deployments/NAME/chat/completions``,
            see :attr:`azure_endpoint`) serve only these deployments (else 404
            ``DeploymentNotFound``).
        api_versions: If set, requests with an ``api-version`` query must name one of
            these, and Azure's deployment routes must send one (else 404, as Azure does).
        context_window: If set, requests whose messages hold more words answer 400
            ``context_length_exceeded``.
        record: Whether to record requests.
        usage_in_every_stream: Send the usage chunk at the end of every stream, asked for
            with ``stream_options`` or not (as Azure AI model inference endpoints do).

    Attributes:
        requests: The recorded requests, in arrival order.
        open_connections: Client connections open now.
        peak_connections: The most client connections that were open at once.
        peak_requests: The most chat completion requests that were being answered at once.

    Example:
        >>> async def demo():
        ...     async with OpenAITestServer(["Hello!"]) as server:
        ...         print(server.base_url)
    """

    def __init__(
        self,
        replies: Iterable[Answer] = (),
        *,
        default_reply: Answer | Responder | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        models: Collection[str] | None = None,
        context_window: int | None = None,
        record: bool = True,
        deployments: Collection[str] | None = None,
        api_versions: Collection[str] | None = None,
        usage_in_every_stream: bool = False,
    ) -> None:
        self.usage_in_every_stream = usage_in_every_stream
        self.deployments = None if deployments is None else frozenset(deployments)
        self.api_versions = None if api_versions is None else frozenset(api_versions)
        self.host = host
        self.port = port
        self.api_key = api_key
        self.models = None if models is None else frozenset(models)
        self.context_window = context_window
        self.record = record
        self.default_reply = default_reply
        self.requests: list[RecordedRequest] = []
        self.open_connections = 0
        self.peak_connections = 0
        self.peak_requests = 0
        self._answering = 0
        self._script: deque[Answer] = deque(replies)
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[Any]] = set()
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    # --- scripting -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The base URL to give a client, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def azure_endpoint(self) -> str:
        """The endpoint to give an Azure client, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    def script(self, *answers: Answer) -> None:
        """Add answers to the end of the script (thread-safe)."""
        self._script.extend(answers)

    @property
    def pending(self) -> int:
        """How many scripted answers are not used yet."""
        return len(self._script)

    @property
    def last_request(self) -> RecordedRequest:
        """The last recorded request."""
        if not self.requests:
            raise LookupError("The test server has not received any request yet.")
        return self.requests[-1]

    def reset(self) -> None:
        """Forget the script, the recorded requests and the peak counts."""
        self._script.clear()
        self.requests.clear()
        self.peak_connections = self.open_connections
        self.peak_requests = self._answering

    # --- running ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening on the running event loop."""
        self._server = await asyncio.start_server(
            self._handle, self.host, self.port, backlog=4096, limit=2**20
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()

    async def serve_forever(self) -> None:
        """Start (if needed) and serve until cancelled."""
        if self._server is None:
            await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    async def __aenter__(self) -> OpenAITestServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self) -> None:
        """Start the server on its own event loop in a daemon thread (for sync code)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stop())
                loop.close()

        self._thread = threading.Thread(target=run, name="OpenAITestServer", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        loop, thread = self._thread_loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = self._thread_loop = None

    def __enter__(self) -> OpenAITestServer:
        self.start_in_thread()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_thread()

    # --- HTTP ------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        self.open_connections += 1
        self.peak_connections = max(self.peak_connections, self.open_connections)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = [*lines[0].split(" ", 2), "", ""][:3]
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                keep = await self._dispatch(method, target, headers, body, writer)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
                if version != "HTTP/1.1":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return  # stop() dropped the connection; ending quietly keeps asyncio from logging
        finally:
            self.open_connections -= 1
            if task is not None:
                self._handlers.discard(task)
            writer.close()

    async def _dispatch(
        self, method: str, target: str, headers: dict[str, str], raw: bytes, writer: Any
    ) -> bool:
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            self._bad_json(writer)
            return True
        path = target.split("?", 1)[0]
        if path.startswith("/_control/"):
            return self._control(method, path, body, writer)
        request = RecordedRequest(method, target, headers, body)
        if self.record:
            self.requests.append(request)
        return await self._route(path, request, writer)

    def _bad_json(self, writer: Any) -> None:
        """Write the provider's answer to a request body that is not JSON."""
        _write_json(writer, 400, _error("The request body is not valid JSON.", None))

    async def _route(self, path: str, request: RecordedRequest, writer: Any) -> bool:
        """Answer a recorded request (``path`` is its path without the query)."""
        method, target, headers, body = request.method, request.path, request.headers, request.body
        if path.endswith("/models") and method == "GET":
            names = sorted(self.models or ["test-model"])
            data = [{"id": n, "object": "model", "owned_by": "agentparts"} for n in names]
            _write_json(writer, 200, {"object": "list", "data": data})
            return True
        if not path.endswith("/chat/completions"):
            _write_json(writer, 404, _error(f"No route {method} {path}.", "not_found"))
            return True
        if method != "POST" or not isinstance(body, dict):
            _write_json(writer, 400, _error("POST a JSON object to /chat/completions.", None))
            return True
        refusal = _azure_refusal(target, self.deployments, self.api_versions)
        if refusal is None:
            refusal = self._refusal(headers, body)  # pyright: ignore[reportUnknownArgumentType]
        answer = refusal or self._next_answer(request)
        return await self._serve(answer, body, writer)  # pyright: ignore[reportUnknownArgumentType]

    async def _serve(
        self, answer: ScriptedReply | Fault | str, body: dict[str, Any], writer: Any
    ) -> bool:
        """Send ``answer`` (counted in :attr:`peak_requests` while it is sent)."""
        if isinstance(answer, str):
            answer = ScriptedReply(answer)
        self._answering += 1
        self.peak_requests = max(self.peak_requests, self._answering)
        try:
            return await self._answer(answer, body, writer)
        finally:
            self._answering -= 1

    def _refusal(self, headers: dict[str, str], body: dict[str, Any]) -> Fault | None:
        key = self.api_key
        if key is not None and key not in (headers.get("api-key"), _bearer(headers)):
            sent = headers.get("api-key") or _bearer(headers) or ""
            return Fault.unauthorized(f"Incorrect API key provided: {sent}.")
        model = body.get("model")
        if self.models is not None and model not in self.models:
            return Fault.model_not_found(str(model))
        if self.context_window is not None and _prompt_words(body) > self.context_window:
            return Fault.context_too_long()
        return None

    def _next_answer(self, request: RecordedRequest) -> Answer:
        try:
            return self._script.popleft()
        except IndexError:
            pass
        default = self.default_reply
        if default is None:
            return _echo(request)
        if callable(default):
            return default(request)
        return default

    async def _answer(
        self, answer: ScriptedReply | Fault, body: dict[str, Any], writer: Any
    ) -> bool:
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if isinstance(answer, Fault):
            if _misbehaves(answer):
                return await self._misbehave(answer, body, writer)
            if answer.cut_after is not None:
                reply = answer.reply or ScriptedReply("cut")
                if body.get("stream"):
                    await self._stream(reply, body, writer, cut_after=answer.cut_after)
                else:
                    payload = json.dumps(self._completion(reply, body)).encode()
                    _write_head(writer, 200, "application/json", len(payload))
                    writer.write(payload[: len(payload) // 2])
                    await writer.drain()
                return False
            if answer.reply is not None:
                answer = answer.reply
            else:
                data = answer.error_body()
                _write_head(
                    writer, answer.status, "application/json", len(data), answer.headers, data
                )
                await writer.drain()
                return True
        if body.get("stream"):
            await self._stream(answer, body, writer)
        else:
            _write_json(writer, 200, self._completion(answer, body))
        return True

    async def _misbehave(self, fault: Fault, body: dict[str, Any], writer: Any) -> bool:
        """Answer as a broken or hostile server would (see the :class:`Fault` constructors)."""
        stream = bool(body.get("stream"))
        if fault.raw_json is not None:
            if stream:
                _write_head(writer, 200, "text/event-stream", None)
                _write_event(writer, fault.raw_json)
                _write_event(writer, b"[DONE]")
                writer.write(b"0\r\n\r\n")
            else:
                raw = fault.raw_json
                _write_head(writer, 200, "application/json", len(raw), body=raw)
            await writer.drain()
            return True
        try:
            if fault.drip_interval is not None:
                await self._drip(fault.reply or ScriptedReply("drip"), body, writer, fault)
            elif fault.endless_interval is not None:
                await self._endless(body, writer, fault.endless_interval)
            elif fault.size is not None:
                await self._huge(body, writer, fault.size)
        except ConnectionError:
            pass  # the client hung up: what these faults are for
        return False

    async def _drip(
        self, reply: ScriptedReply, body: dict[str, Any], writer: Any, fault: Fault
    ) -> None:
        capture = _Capture()
        await self._answer(reply, body, capture)
        head, _, rest = b"".join(capture.parts).partition(b"\r\n\r\n")
        writer.write(head + b"\r\n\r\n")
        await writer.drain()
        for at in range(len(rest)):
            await asyncio.sleep(fault.drip_interval or 0)
            writer.write(rest[at : at + 1])
            await writer.drain()

    async def _endless(self, body: dict[str, Any], writer: Any, interval: float) -> None:
        stream = bool(body.get("stream"))
        _write_head(writer, 200, "text/event-stream" if stream else "application/json", None)
        event = (
            b'{"id":"chatcmpl-endless","object":"chat.completion.chunk","created":0,'
            b'"model":"endless","choices":[{"index":0,"delta":{"content":"and on "},'
            b'"finish_reason":null}]}'
        )
        await _write_forever(writer, b"data: " + event + b"\n\n" if stream else b" ", interval)

    async def _huge(self, body: dict[str, Any], writer: Any, size: int) -> None:
        stream = bool(body.get("stream"))
        model = json.dumps(body.get("model", "test-model"))
        if stream:
            _write_head(writer, 200, "text/event-stream", None)
            head = (
                'data: {"id":"chatcmpl-huge","object":"chat.completion.chunk","created":0,'
                f'"model":{model},"choices":[{{"index":0,"delta":{{"content":"'
            ).encode()
            tail = b'"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
        else:
            _write_head(writer, 200, "application/json", None)
            head = (
                '{"id":"chatcmpl-huge","object":"chat.completion","created":0,'
                f'"model":{model},"choices":[{{"index":0,"message":{{"role":"assistant",'
                '"content":"'
            ).encode()
            tail = (
                b'"},"finish_reason":"stop"}],'
                b'"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}'
            )
        await _write_padded(writer, head, tail, size)

    def _control(self, method: str, path: str, body: Any, writer: Any) -> bool:
        if path == "/_control/script" and method == "POST":
            self.script(*(_answer_from_json(item) for item in _items(body)))
            _write_json(writer, 200, {"pending": self.pending})
        elif path == "/_control/requests" and method == "GET":
            _write_json(writer, 200, [r.body for r in self.requests])
        elif path == "/_control/reset" and method == "POST":
            self.reset()
            _write_json(writer, 200, {"pending": 0})
        else:
            _write_json(writer, 404, _error(f"No control route {method} {path}.", "not_found"))
        return True

    # --- OpenAI bodies ---------------------------------------------------------------

    def _token_counts(self, reply: ScriptedReply, body: dict[str, Any]) -> tuple[int, int]:
        """The prompt and completion tokens of ``reply``: scripted, else counted in words."""
        prompt = reply.prompt_tokens
        if prompt is None:
            prompt = self._prompt_words(body)
        completion = reply.completion_tokens
        if completion is None:
            completion = len((reply.content or "").split()) + len(
                (reply.reasoning_content or "").split()
            )
            completion += sum(len(c.arguments_json().split()) + 1 for c in reply.tool_calls)
        return prompt, completion

    def _prompt_words(self, body: dict[str, Any]) -> int:
        """The words of a request's prompt (the provider's message format)."""
        return _prompt_words(body)

    def _usage(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, int]:
        prompt, completion = self._token_counts(reply, body)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _completion(self, reply: ScriptedReply, body: dict[str, Any]) -> dict[str, Any]:
        content = reply.content or (None if reply.tool_calls else "")
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if reply.reasoning_content is not None:
            message["reasoning_content"] = reply.reasoning_content
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id or f"call_{i}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments_json()},
                }
                for i, call in enumerate(reply.tool_calls)
            ]
        result: dict[str, Any] = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": _finish_reason(reply),
                    "logprobs": reply.logprobs,
                }
            ],
        }
        if reply.include_usage:
            result["usage"] = self._usage(reply, body)
        return result

    async def _stream(
        self, reply: ScriptedReply, body: dict[str, Any], writer: Any, cut_after: int | None = None
    ) -> None:
        _write_head(writer, 200, "text/event-stream", None)
        prefix = (
            f'{{"id":"chatcmpl-{next(self._ids)}","object":"chat.completion.chunk",'
            f'"created":{int(time.time())},"model":{json.dumps(body.get("model", "test-model"))},'
            '"choices":[{"index":0,"delta":'
        ).encode()
        events = _stream_deltas(reply)
        for sent, (delta, finish) in enumerate(events):
            if cut_after is not None and sent >= cut_after:
                await writer.drain()
                return
            tail = (
                b',"finish_reason":null}]}'
                if finish is None
                else f',"finish_reason":"{finish}"}}]}}'.encode()
            )
            _write_event(writer, prefix + json.dumps(delta).encode() + tail)
            if reply.chunk_delay:
                await writer.drain()
                await asyncio.sleep(reply.chunk_delay)
        options = _as_dict(body.get("stream_options"))
        if reply.include_usage and (self.usage_in_every_stream or options.get("include_usage")):
            usage = json.dumps(self._usage(reply, body)).encode()
            _write_event(
                writer,
                prefix[: prefix.index(b'"choices"')] + b'"choices":[],"usage":' + usage + b"}",
            )
        _write_event(writer, b"[DONE]")
        writer.write(b"0\r\n\r\n")
        await writer.drain()


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    return value[7:] if value.startswith("Bearer ") else None


def _azure_refusal(
    target: str, deployments: frozenset[str] | None, api_versions: frozenset[str] | None
) -> Fault | None:
    """Azure's answers to a deployment it lacks or an ``api-version`` it does not serve."""
    path, _, query = target.partition("?")
    fields = (part.partition("=") for part in query.split("&"))
    version = next((value for name, _, value in fields if name == "api-version"), None)
    parts = path.strip("/").split("/")
    azure = len(parts) == 5 and parts[:2] == ["openai", "deployments"]
    checked = api_versions is not None and (version is not None or azure)
    if checked and version not in (api_versions or ()):
        return Fault(404, "Resource not found", "404")
    if azure and deployments is not None and parts[2] not in deployments:
        return Fault(
            404,
            "The API deployment for this resource does not exist. If you created the "
            "deployment within the last 5 minutes, please wait a moment and try again.",
            "DeploymentNotFound",
        )
    return None


def _stream_deltas(reply: ScriptedReply) -> list[tuple[dict[str, Any], str | None]]:
    deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant", "content": ""}, None)]
    if reply.reasoning_content:
        for piece in _pieces(reply.reasoning_content, reply.words_per_chunk):
            deltas.append(({"reasoning_content": piece}, None))
    if reply.content:
        for piece in _pieces(reply.content, reply.words_per_chunk):
            deltas.append(({"content": piece}, None))
    for index, call in enumerate(reply.tool_calls):
        start: dict[str, Any] = {"index": index, "id": call.id or f"call_{index}"}
        start["type"] = "function"
        start["function"] = {"name": call.name, "arguments": ""}
        deltas.append(({"tool_calls": [start]}, None))
        arguments = call.arguments_json()
        for at in range(0, len(arguments), 8):
            fragment = {"index": index, "function": {"arguments": arguments[at : at + 8]}}
            deltas.append(({"tool_calls": [fragment]}, None))
    deltas.append(({}, _finish_reason(reply)))
    return deltas


def _pieces(text: str, words_per_chunk: int) -> list[str]:
    words = _WORDS.findall(text)
    step = max(1, words_per_chunk)
    return ["".join(words[i : i + step]) for i in range(0, len(words), step)]


def _finish_reason(reply: ScriptedReply) -> str:
    if reply.finish_reason is not None:
        return reply.finish_reason
    return "tool_calls" if reply.tool_calls else "stop"


def _prompt_words(body: dict[str, Any]) -> int:
    count = 0
    for message in _items(body.get("messages")):
        content = _as_dict(message).get("content")
        if isinstance(content, str):
            count += len(content.split())
        else:
            for part in _items(content):
                text = _as_dict(part).get("text")
                count += len(text.split()) if isinstance(text, str) else 85
        count += 3
    return count


def _items(value: Any) -> list[Any]:
    return cast("list[Any]", value) if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def _echo(request: RecordedRequest) -> ScriptedReply:
    for message in reversed(request.messages):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return ScriptedReply(content)
            texts = [_as_dict(p).get("text") for p in _items(content)]
            return ScriptedReply(" ".join(t for t in texts if isinstance(t, str)))
    return ScriptedReply("ok")


def _answer_from_json(item: Any) -> Answer:
    """An answer from its JSON form (used by the control API of a server process)."""
    if isinstance(item, str):
        return item
    data: dict[str, Any] = dict(item)
    if "fault" in data:
        kind = data.pop("fault")
        factory = getattr(Fault, kind, None)
        if factory is None or kind.startswith("_") or kind == "error_body":
            raise ValueError(f"Unknown fault {kind!r}")
        if isinstance(data.get("reply"), dict):
            reply = _answer_from_json(data["reply"])
            data["reply"] = ScriptedReply(reply) if isinstance(reply, str) else reply
        return factory(**data)
    calls = [ScriptedToolCall(**c) for c in data.pop("tool_calls", [])]
    return ScriptedReply(tool_calls=calls, **data)


def _error(message: str, code: str | None) -> dict[str, Any]:
    return {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    }


def _write_head(
    writer: Any,
    status: int,
    content_type: str,
    length: int | None,
    extra: dict[str, str] | None = None,
    body: bytes = b"",
) -> None:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", f"content-type: {content_type}"]
    if length is None:
        lines.append("transfer-encoding: chunked")
        lines.append("cache-control: no-cache")
    else:
        lines.append(f"content-length: {length}")
    for name, value in (extra or {}).items():
        lines.append(f"{name}: {value}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _write_json(writer: Any, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    _write_head(writer, status, "application/json", len(data), body=data)


def _write_event(writer: Any, data: bytes) -> None:
    _write_chunk(writer, b"data: " + data + b"\n\n")


def _write_chunk(writer: Any, data: bytes) -> None:
    writer.write(b"%x\r\n%s\r\n" % (len(data), data))


async def _write_padded(writer: Any, head: bytes, tail: bytes, size: int) -> None:
    """Write a chunked body of about ``size`` bytes (``head``, as many ``x`` as it takes,
    ``tail``) and end it."""
    _write_chunk(writer, head)
    left = max(0, size - len(head) - len(tail))
    piece = b"x" * _HUGE_PIECE
    while left > 0:
        _write_chunk(writer, piece[:left])
        left -= len(piece)
        await writer.drain()
    _write_chunk(writer, tail)
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def _write_forever(writer: Any, data: bytes, interval: float) -> None:
    """Write ``data`` as one chunk every ``interval`` seconds, never ending the body."""
    while True:
        _write_chunk(writer, data)
        await writer.drain()
        await asyncio.sleep(interval)


def _misbehaves(fault: Fault) -> bool:
    return (
        fault.raw_json is not None
        or fault.drip_interval is not None
        or fault.endless_interval is not None
        or fault.size is not None
    )


class _Capture:
    """A stand-in writer that keeps what is written (to send it later, slowly)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    async def drain(self) -> None:
        return None
