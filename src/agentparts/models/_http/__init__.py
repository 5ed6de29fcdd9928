"""What every HTTP model client shares, so each provider costs only its wire protocol.

Connection pools (:class:`ShardedPool`), retries that honour ``Retry-After``
(:class:`RetryPolicy`), a total deadline per request and per stream (:class:`Deadline`),
size caps on answers and stream lines (:class:`HttpLimits`), the server-sent event reader
(:class:`EventStream`) and its newline-delimited JSON twin (:class:`NdjsonStream`), error
mapping (:class:`Transport`) and key redaction (:class:`Redactor`). Private: the OpenAI,
Azure and Ollama clients are built on it, and later providers are meant to be.
"""

from ._body import decode_json as decode_json
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
    "HttpLimits",
    "NdjsonStream",
    "Redactor",
    "RetryPolicy",
    "ShardedPool",
    "Transport",
    "check_finite_numbers",
    "decode_json",
    "retry_after_seconds",
    "tls_may_be_needed",
]
