"""The time and size limits of one HTTP model client, checked once when it is built."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

__all__ = ["HttpLimits", "check_finite_numbers", "describe_size"]

DEFAULT_TIMEOUT = 60.0
DEFAULT_STREAM_TIMEOUT = 600.0
DEFAULT_MAX_RESPONSE_BYTES = 32 * 2**20
DEFAULT_MAX_EVENT_BYTES = 4 * 2**20


class HttpLimits:
    """How long a request may take and how large its answer may be.

    Args:
        timeout: Seconds one attempt may take, from sending the request to the last byte
            of a whole answer, or to the first byte of a streamed one.
        stream_idle_timeout: Seconds a stream may go without a complete event (default:
            ``timeout``). Time the caller spends between two chunks does not count.
        stream_timeout: Seconds a whole streamed answer may take, request and the caller's
            time between chunks included.
        max_response_bytes: The largest answer body, whole or streamed, in bytes.
        max_event_bytes: The largest line of a streamed answer (one event's data).

    Raises:
        ValueError: A limit is not a finite positive number.
    """

    __slots__ = (
        "max_event_bytes",
        "max_response_bytes",
        "stream_idle_timeout",
        "stream_timeout",
        "timeout",
    )

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        stream_idle_timeout: float | None = None,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        self.timeout = _positive("timeout", timeout)
        idle = timeout if stream_idle_timeout is None else stream_idle_timeout
        self.stream_idle_timeout = _positive("stream_idle_timeout", idle)
        self.stream_timeout = _positive("stream_timeout", stream_timeout)
        self.max_response_bytes = int(_positive("max_response_bytes", max_response_bytes))
        self.max_event_bytes = int(_positive("max_event_bytes", max_event_bytes))


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, not {type(value).__name__} ({value!r}).")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name}={value!r} is not a finite positive number. Give a limit such as "
            f"{name}={_EXAMPLES.get(name, 60)!r}."
        )
    return value


_EXAMPLES: dict[str, object] = {
    "stream_timeout": DEFAULT_STREAM_TIMEOUT,
    "max_response_bytes": DEFAULT_MAX_RESPONSE_BYTES,
    "max_event_bytes": DEFAULT_MAX_EVENT_BYTES,
}


def check_finite_numbers(values: Mapping[str, Any], where: str) -> None:
    """Refuse NaN and infinities anywhere in ``values`` (JSON has no such numbers).

    Args:
        values: Request fields, e.g. ``{"temperature": 0.2}``; nested lists and objects
            are searched too.
        where: How the caller passed them, for the message (e.g. ``"extra_create_args"``).

    Raises:
        ValueError: Naming the field, the value, and that a finite number is needed.
    """
    for name, value in values.items():
        path = _non_finite_path(value, str(name))
        if path is not None:
            raise ValueError(
                f"{path} in {where} is not a finite number: NaN and infinities cannot be "
                "sent as JSON and are refused before any request. Give a finite number, or "
                "leave the field out."
            )


def _non_finite_path(value: Any, path: str) -> str | None:
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path}={value!r}"
    if isinstance(value, Mapping):
        for key, item in cast("Mapping[Any, Any]", value).items():
            found = _non_finite_path(item, f"{path}[{key!r}]")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(cast("list[Any]", value)):
            found = _non_finite_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def describe_size(size: int) -> str:
    """``size`` in bytes, with a readable unit next to it: ``"33554432 bytes (32 MiB)"``."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size} bytes ({size / factor:.4g} {unit})"
    return f"{size} bytes"
