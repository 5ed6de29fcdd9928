"""What an HTTP chat client holds besides its wire protocol: its pool, transport and model."""

from __future__ import annotations

import json
from typing import Any

from .._client import ChatCompletionClient
from .._model_info import ModelCapabilities, ModelInfo
from ._limits import DEFAULT_TIMEOUT, HttpLimits
from ._pool import ShardedPool, tls_may_be_needed
from ._transport import Transport

__all__ = ["HttpChatClient", "encode_json", "given_model_info", "http_limits"]

_ENCODER = json.JSONEncoder(allow_nan=False)


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


class HttpChatClient(ChatCompletionClient):
    """A chat client on :class:`Transport` and :class:`ShardedPool`.

    A provider's client sets ``_model`` and ``_model_info`` and calls :meth:`_connect`
    once in its constructor; what is left to it is its wire protocol (request bodies and
    answers). Requests go through ``self._pool.lease()`` and ``self._transport``.
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
