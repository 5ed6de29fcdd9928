"""What an HTTP chat client holds besides its wire protocol: its pool, transport and model."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from ..._constants import EVENT_LOGGER_NAME
from ...errors import ModelCapabilityError, ModelClientError, ModelConnectionError
from ...logging import LLMCallEvent, LLMStreamEndEvent, LLMStreamStartEvent, emit
from .._client import ChatCompletionClient
from .._events import emit_model_event
from .._model_info import ModelCapabilities, ModelInfo
from ._limits import DEFAULT_TIMEOUT, HttpLimits
from ._pool import ShardedPool, tls_may_be_needed
from ._sse import EventStream
from ._transport import Transport

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .._types import CreateResult

__all__ = ["HttpChatClient", "encode_json", "given_model_info", "http_limits", "saved_values"]

_ENCODER = json.JSONEncoder(allow_nan=False)
_events = logging.getLogger(EVENT_LOGGER_NAME)


def encode_json(body: dict[str, Any]) -> bytes:
    """The request as JSON; NaN or infinities (e.g. in a message's data) are refused."""
    try:
        return _ENCODER.encode(body).encode()
    except ValueError as exc:
        raise ValueError(
            f"The request cannot be sent as JSON ({exc}): a number in it is NaN or infinite. "
            "Give finite numbers."
        ) from None


def given_model_info(
    model_info: ModelInfo | None, capabilities: ModelCapabilities | None
) -> ModelInfo | None:
    """``model_info`` with ``structured_output`` (False if missing), else one made from
    AutoGen's deprecated ``model_capabilities``, else None."""
    if model_info is not None and "structured_output" not in model_info:
        model_info = ModelInfo(**model_info)
        model_info["structured_output"] = False
    if model_info is None and capabilities is not None:
        model_info = ModelInfo(
            vision=capabilities["vision"],
            function_calling=capabilities["function_calling"],
            json_output=capabilities["json_output"],
            family="unknown",
            structured_output=False,
        )
    return model_info


def http_limits(
    timeout: float | None,
    stream_idle_timeout: float | None,
    stream_timeout: float,
    max_response_bytes: int,
    max_event_bytes: int,
) -> HttpLimits:
    """The limits of a client; ``timeout=None`` (AutoGen's "no timeout") means the default
    limit, since agentparts never waits without bound."""
    return HttpLimits(
        DEFAULT_TIMEOUT if timeout is None else timeout,
        stream_idle_timeout,
        stream_timeout,
        max_response_bytes,
        max_event_bytes,
    )


def saved_values(config: BaseModel) -> dict[str, Any]:
    """Every field of a client's saved config, by name, ``model_info`` as a
    :class:`ModelInfo`: the keyword arguments that rebuild the client."""
    values = {name: getattr(config, name) for name in type(config).model_fields}
    if values.get("model_info") is not None:
        values["model_info"] = ModelInfo(**values["model_info"])
    return values


class HttpChatClient(ChatCompletionClient):
    """A chat client on :class:`Transport` and :class:`ShardedPool`.

    A provider's client sets ``_model`` and ``_model_info`` and calls :meth:`_connect`
    once in its constructor; what is left to it is its wire protocol (request bodies and
    answers). Requests go through :meth:`_post` and :meth:`_open_stream`; a finished
    answer through :meth:`_answered` or :meth:`_streamed`.
    """

    _model: str
    _model_info: ModelInfo
    _transport: Transport
    _pool: ShardedPool

    def _connect(self, transport: Transport, headers: dict[str, str], max_connections: int) -> None:
        """Keep ``transport`` and open the pool that sends ``headers`` with every request."""
        limits = transport.limits
        self._transport = transport
        # httpx's own read timeout is only a backstop: the transport bounds whole requests.
        self._pool = ShardedPool(
            headers,
            max(limits.timeout, limits.stream_idle_timeout),
            max_connections,
            tls=tls_may_be_needed(transport.base_url),
        )

    def _explain(self, error: ModelConnectionError) -> ModelClientError:
        """A connection error as this provider's users need it (default: as it is)."""
        return error

    async def _post(self, body: dict[str, Any], transport: Transport | None = None) -> bytes:
        """Send ``body`` as JSON (through ``transport``, default the client's own); return
        the body of the successful answer."""
        payload = encode_json(body)
        async with self._pool.lease() as http:
            try:
                return await (transport or self._transport).post(http, payload)
            except ModelConnectionError as exc:
                raise self._explain(exc) from None

    @asynccontextmanager
    async def _open_stream(self, body: dict[str, Any]) -> AsyncGenerator[EventStream, None]:
        """Send ``body`` as JSON and log the stream's start; the open stream of the answer,
        closed on leaving the block."""
        payload = encode_json(body)
        if _events.isEnabledFor(logging.INFO):
            emit(LLMStreamStartEvent(model=self._model, messages=body["messages"]))
        async with self._pool.lease() as http:
            try:
                stream = await self._transport.post_stream(http, payload)
            except ModelConnectionError as exc:
                raise self._explain(exc) from None
            try:
                yield stream
            finally:
                await stream.aclose()

    def _answered(self, result: CreateResult, body: dict[str, Any], response: Any) -> CreateResult:
        """Record the usage of a whole answer and log the call; return ``result``."""
        self._record_usage(result.usage)
        emit_model_event(
            LLMCallEvent, self._model, result, messages=body["messages"], response=response
        )
        return result

    def _streamed(self, result: CreateResult) -> CreateResult:
        """Record the usage of a streamed answer and log its end; return ``result``."""
        self._record_usage(result.usage)
        emit_model_event(LLMStreamEndEvent, self._model, result)
        return result

    def _check_tools_allowed(self) -> None:
        """Refuse tools for a model whose ``model_info`` says it cannot call them."""
        if not self._model_info["function_calling"]:
            raise ModelCapabilityError(
                f"Model {self._model!r} cannot call tools (model_info['function_calling'] "
                "is False). Use another model, or set it True if the model can."
            )

    def _counting_info(self) -> ModelInfo:
        """The model's info with vision on, so token counts count images instead of
        refusing them."""
        info = ModelInfo(**self._model_info)
        info["vision"] = True
        return info

    @property
    def model(self) -> str:
        """The model name."""
        return self._model

    @property
    def model_info(self) -> ModelInfo:
        """What the model can do: given, or from the provider's table of known models."""
        return self._model_info

    async def close(self) -> None:
        """Close the connection pools (the client reopens them if used again)."""
        await self._pool.aclose()
