"""What the local OpenAI-compatible test server answers: scripted replies and faults."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

__all__ = ["Fault", "RecordedRequest", "Responder", "ScriptedReply", "ScriptedToolCall"]


@dataclass
class ScriptedToolCall:
    """One tool call the server answers with.

    Attributes:
        name: The tool name.
        arguments: The arguments: a JSON string sent as it is (it may be deliberately
            malformed), or a dict that is JSON-encoded.
        id: The call id (default: ``call_<n>``).
    """

    name: str
    arguments: str | dict[str, Any] = "{}"
    id: str | None = None

    def arguments_json(self) -> str:
        """The arguments as the JSON text sent on the wire."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass
class ScriptedReply:
    """A successful answer of the test server.

    Attributes:
        content: The reply text (streamed word by word).
        tool_calls: Tool calls to answer with (streamed as argument fragments).
        reasoning_content: Text sent in the ``reasoning_content`` field (as DeepSeek and
            vLLM do), streamed before the content.
        finish_reason: Default: ``"tool_calls"`` if there are tool calls, else ``"stop"``.
        prompt_tokens: Reported prompt tokens (default: words in the request messages).
        completion_tokens: Reported completion tokens (default: words in the reply).
        delay: Seconds to wait before answering.
        chunk_delay: Seconds to wait between streamed chunks.
        words_per_chunk: How many words each streamed content chunk carries.
        include_usage: Whether to report usage (for servers that never do, set False).
        logprobs: A raw ``logprobs`` object to put in the choice.

    Example:
        >>> reply = ScriptedReply("Hello there!")
        >>> call = ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1, "b": 2})])
    """

    content: str | None = ""
    tool_calls: list[ScriptedToolCall] = field(default_factory=lambda: [])
    reasoning_content: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    words_per_chunk: int = 1
    include_usage: bool = True
    logprobs: dict[str, Any] | None = None


@dataclass
class Fault:
    """A failure the test server answers with instead of a reply.

    Use the constructors: :meth:`rate_limit`, :meth:`server_error`, :meth:`unauthorized`,
    :meth:`model_not_found`, :meth:`context_too_long`, :meth:`malformed_json`,
    :meth:`cut_stream`, :meth:`hang`, and the misbehaving servers :meth:`drip`,
    :meth:`endless_stream`, :meth:`huge_body` and :meth:`malformed`.

    Attributes:
        status: The HTTP status to answer with.
        message: The error message in the OpenAI error body.
        code: The error code in the OpenAI error body.
        headers: Extra response headers (e.g. ``Retry-After``).
        delay: Seconds to wait before answering.
        body: A raw body to send instead of the JSON error (e.g. malformed JSON).
        cut_after: For a stream cut: the number of content chunks sent before the
            connection is dropped (non-streamed requests get half a body).
        reply: For a stream cut or a drip: the reply whose stream is cut or dripped.
        drip_interval: Seconds between the bytes of a dripped answer.
        endless_interval: Seconds between the events of an answer that never ends.
        size: Bytes of a huge answer.
        raw_json: A JSON completion (or stream chunk) to answer with as it is.
    """

    status: int = 500
    message: str = "The server had an error while processing your request."
    code: str | None = None
    headers: dict[str, str] = field(default_factory=lambda: {})
    delay: float = 0.0
    body: bytes | None = None
    cut_after: int | None = None
    reply: ScriptedReply | None = None
    drip_interval: float | None = None
    endless_interval: float | None = None
    size: int | None = None
    raw_json: bytes | None = None

    @classmethod
    def rate_limit(cls, retry_after: float | None = 0.0) -> Fault:
        """HTTP 429, with a ``Retry-After`` header (in seconds) unless None."""
        headers = {} if retry_after is None else {"retry-after": f"{retry_after:g}"}
        return cls(429, "Rate limit reached. Please retry.", "rate_limit_exceeded", headers)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """HTTP 5xx."""
        return cls(status, "The server had an error while processing your request.")

    @classmethod
    def unauthorized(cls, message: str = "Incorrect API key provided.") -> Fault:
        """HTTP 401."""
        return cls(401, message, "invalid_api_key")

    @classmethod
    def model_not_found(cls, model: str = "the model") -> Fault:
        """HTTP 404 for an unknown model."""
        return cls(404, f"The model `{model}` does not exist.", "model_not_found")

    @classmethod
    def context_too_long(cls) -> Fault:
        """HTTP 400 ``context_length_exceeded``."""
        return cls(
            400,
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9000 tokens. Please reduce the length of the messages.",
            "context_length_exceeded",
        )

    @classmethod
    def malformed_json(cls) -> Fault:
        """HTTP 200 whose body is not valid JSON."""
        return cls(200, body=b'{"id": "chatcmpl-broken", "choices": [')

    @classmethod
    def cut_stream(cls, after: int = 2, reply: ScriptedReply | None = None) -> Fault:
        """A response dropped after ``after`` content chunks (or half the body)."""
        return cls(200, cut_after=after, reply=reply or ScriptedReply("one two three four five"))

    @classmethod
    def hang(cls, seconds: float = 3600.0) -> Fault:
        """A server that answers nothing for ``seconds`` (to test timeouts)."""
        return cls.slow(seconds, ScriptedReply("late"))

    @classmethod
    def slow(cls, seconds: float, reply: ScriptedReply | None = None) -> Fault:
        """A reply sent after ``seconds``."""
        return cls(200, delay=seconds, reply=reply or ScriptedReply("slow reply"))

    @classmethod
    def drip(cls, interval: float = 1.0, reply: ScriptedReply | None = None) -> Fault:
        """A slow-loris server: the headers at once, then the answer (whole or streamed)
        one byte every ``interval`` seconds, so no single read ever waits long."""
        return cls(200, drip_interval=interval, reply=reply or ScriptedReply("dripped slowly"))

    @classmethod
    def endless_stream(cls, interval: float = 0.01) -> Fault:
        """An answer that never ends: a streamed request gets a content event every
        ``interval`` seconds forever; a plain one, a body that grows by a space as often."""
        return cls(200, endless_interval=interval)

    @classmethod
    def huge_body(cls, size: int) -> Fault:
        """A valid answer ``size`` bytes long, sent as fast as the client reads it (a
        streamed request gets it as one event); the server stops when the client hangs up."""
        return cls(200, size=size)

    @classmethod
    def malformed(cls, completion: Any) -> Fault:
        """HTTP 200 whose completion is ``completion`` as it is (any JSON value, e.g.
        ``{"choices": [{"message": None}]}``); a streamed request gets it as its one
        chunk, then ``[DONE]``."""
        return cls(200, raw_json=json.dumps(completion).encode())

    def error_body(self) -> bytes:
        """The body sent for this fault."""
        if self.body is not None:
            return self.body
        error = {"message": self.message, "type": _error_type(self.status), "param": None}
        error["code"] = self.code
        return json.dumps({"error": error}).encode()


def _error_type(status: int) -> str:
    if status == 429:
        return "requests"
    if status == 401:
        return "invalid_request_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


@dataclass
class RecordedRequest:
    """A request the test server received.

    Attributes:
        method: The HTTP method.
        path: The request path (with query).
        headers: The headers, names lower-cased.
        body: The decoded JSON body (None if there was none or it was not JSON).
        received_at: When the request had arrived whole (``time.monotonic()``).
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The ``messages`` of a chat completion request."""
        body: object = self.body
        if not isinstance(body, dict):
            return []
        messages = cast("dict[str, Any]", body).get("messages")
        if not isinstance(messages, list):
            return []
        return [
            cast("dict[str, Any]", m) for m in cast("list[Any]", messages) if isinstance(m, dict)
        ]


Responder = Callable[[RecordedRequest], "ScriptedReply | Fault | str"]
"""Computes the answer to a request that no script entry answers (like PydanticAI's
``FunctionModel``)."""
