"""Reading answer bodies within a size cap, and making sense of error bodies."""

from __future__ import annotations

import json
from typing import Any, cast

import httpx

from ...errors import ModelResponseError
from ._limits import describe_size

__all__ = [
    "ERROR_TEXT_CHARS",
    "decode_json",
    "error_text",
    "read_body",
    "read_error_body",
    "too_large",
]

ERROR_BODY_BYTES = 64 * 2**10
"""How much of an error response is read: enough for any real error message."""

ERROR_TEXT_CHARS = 500
"""How much of a server's error text goes into an exception message."""


def too_large(
    base_url: str, what: str, limit: int, option: str, done: str = "reading stopped there"
) -> ModelResponseError:
    """The error for an answer past a size cap (``option`` is the client argument)."""
    return ModelResponseError(
        f"{what} from {base_url} is larger than {option}={describe_size(limit)}; {done} "
        f"and the answer was dropped. If answers this large are expected, raise {option}= "
        "on the client."
    )


async def read_body(
    response: httpx.Response, limit: int, base_url: str, option: str = "max_response_bytes"
) -> bytes:
    """The whole body of ``response``, read piece by piece, refused past ``limit`` bytes.

    Raises:
        ModelResponseError: The body (or its declared ``Content-Length``) is over the cap.
    """
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        what = f"The answer ({declared} bytes declared)"
        raise too_large(base_url, what, limit, option, "it was not read")
    parts: list[bytes] = []
    size = 0
    async for part in response.aiter_bytes():
        size += len(part)
        if size > limit:
            raise too_large(base_url, "The answer", limit, option)
        parts.append(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def read_error_body(response: httpx.Response) -> bytes:
    """The first :data:`ERROR_BODY_BYTES` of an error response (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    async for part in response.aiter_bytes():
        parts.append(part)
        size += len(part)
        if size >= ERROR_BODY_BYTES:
            break
    return b"".join(parts)[:ERROR_BODY_BYTES]


def error_text(body: bytes, reason: str) -> str:
    """The message of an error body (``{"error": {"message": ...}}`` or plain text),
    cut to :data:`ERROR_TEXT_CHARS` characters and ending with a full stop."""
    text = body.decode("utf-8", "replace")
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    error: Any = cast("dict[str, Any]", data).get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        fields = cast("dict[str, Any]", error)
        text = " ".join(str(fields.get(k)) for k in ("message", "code") if fields.get(k))
    elif isinstance(error, str):
        text = error
    text = text.strip() or reason
    if len(text) > ERROR_TEXT_CHARS:
        # A body cut at ERROR_BODY_BYTES was longer still.
        cut = len(body) >= ERROR_BODY_BYTES
        count = f"more than {len(text)}" if cut else f"{len(text)} characters in all"
        text = f"{text[:ERROR_TEXT_CHARS]}... ({count})"
    return text.rstrip(".") + "."


def decode_json(payload: bytes, base_url: str) -> dict[str, Any]:
    """``payload`` as a JSON object, or a :class:`ModelResponseError` naming the endpoint."""
    try:
        data: Any = json.loads(payload)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return cast("dict[str, Any]", data)
    if data is None:
        snippet = payload[:200].decode("utf-8", "replace")
        raise ModelResponseError(
            f"{base_url} answered with invalid JSON ({len(payload)} bytes, starting "
            f"{snippet!r}). Check that base_url points to the model API."
        )
    raise ModelResponseError(
        f"{base_url} answered with JSON that is not an object ({str(data)[:200]!r}). "
        "Check that base_url points to the model API."
    )
