"""Which failures are retried, how long to wait, and how to say how many tries were made."""

from __future__ import annotations

import email.utils
import random
import time

import httpx

__all__ = ["RETRIED_STATUSES", "RetryPolicy", "attempts_text", "retry_after_seconds"]

RETRIED_STATUSES = frozenset((408, 409, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529))
"""HTTP statuses that a later identical request may not get: a timeout (408), a conflict
on the server's side (409, e.g. a lock), rate limits (429), server failures (500), a
gateway or proxy that could not reach the server or gave up on it (502, 503, 504 and
Cloudflare's 520-524), and overload (529, as Anthropic's API says it). Every other status
is final: 501 Not Implemented, 505 and the other 5xx describe the server, not a moment,
and other 4xx statuses describe the request."""

MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` honoured, in seconds; longer ones fall back to backoff."""


class RetryPolicy:
    """Exponential backoff with jitter; ``Retry-After`` wins when the server sends it.

    Args:
        max_retries: Retries after the first attempt.
        initial_delay: The first backoff, in seconds; it doubles per retry.
        max_delay: The largest backoff, in seconds.
    """

    __slots__ = ("initial_delay", "max_delay", "max_retries")

    def __init__(
        self, max_retries: int = 2, initial_delay: float = 0.5, max_delay: float = 8.0
    ) -> None:
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None and 0 <= retry_after <= MAX_RETRY_AFTER:
            return retry_after
        backoff = min(self.max_delay, self.initial_delay * (2**attempt))
        return backoff * (1 - 0.25 * random.random())


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The server's ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - time.time())


def attempts_text(attempts: int, max_retries: int) -> str:
    """How many requests were made, for an error message: ``"3 attempts"``, or
    ``"1 attempt, max_retries=0"`` when retries were off."""
    text = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    return f"{text}, max_retries=0" if max_retries == 0 else text
