"""What every HTTP model client shares, so each provider costs only its wire protocol.

Connection pools (:class:`ShardedPool`), retries that honour ``Retry-After``
(:class:`RetryPolicy`), a total deadline per request and per stream (:class:`Deadline`),
size caps on answers and stream lines (:class:`HttpLimits`), the server-sent event reader
(:class:`EventStream`) and its newline-delimited JSON twin (:class:`NdjsonStream`), error
mapping (:class:`Transport`), key redaction (:class:`Redactor`) and the client base that
holds them (:class:`HttpChatClient`). Private: the OpenAI,
Azure, Anthropic and Ollama clients are built on it, and later providers are meant to be.
Each name is imported on first use, so that the clients' config models can import the
default limits (``_limits``) without loading httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._body import decode_json as decode_json
    from ._client import HttpChatClient as HttpChatClient
    from ._client import encode_json as encode_json
    from ._client import given_model_info as given_model_info
    from ._client import http_limits as http_limits
    from ._deadline import Deadline as Deadline
    from ._limits import HttpLimits as HttpLimits
    from ._limits import check_finite_numbers as check_finite_numbers
    from ._ndjson import NdjsonStream as NdjsonStream
    from ._pool import ShardedPool as ShardedPool
    from ._pool import tls_may_be_needed as tls_may_be_needed
    from ._redact import Redactor as Redactor
    from ._retry import RETRIED_STATUSES as RETRIED_STATUSES
    from ._retry import RetryPolicy as RetryPolicy
    from ._retry import retry_after_seconds as retry_after_seconds
    from ._sse import EventStream as EventStream
    from ._transport import Transport as Transport

__all__ = [
    "RETRIED_STATUSES",
    "Deadline",
    "EventStream",
    "HttpChatClient",
    "HttpLimits",
    "NdjsonStream",
    "Redactor",
    "RetryPolicy",
    "ShardedPool",
    "Transport",
    "check_finite_numbers",
    "decode_json",
    "encode_json",
    "given_model_info",
    "http_limits",
    "retry_after_seconds",
    "tls_may_be_needed",
]

_LAZY_NAMES = {
    "Deadline": "._deadline",
    "EventStream": "._sse",
    "HttpChatClient": "._client",
    "HttpLimits": "._limits",
    "NdjsonStream": "._ndjson",
    "RETRIED_STATUSES": "._retry",
    "Redactor": "._redact",
    "RetryPolicy": "._retry",
    "ShardedPool": "._pool",
    "Transport": "._transport",
    "check_finite_numbers": "._limits",
    "decode_json": "._body",
    "encode_json": "._client",
    "given_model_info": "._client",
    "http_limits": "._client",
    "retry_after_seconds": "._retry",
    "tls_may_be_needed": "._pool",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
