"""Releasing the parts an agent owns because it was loaded from a config."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .._constants import TRACE_LOGGER_NAME

__all__ = ["release_parts"]

_trace = logging.getLogger(TRACE_LOGGER_NAME)


async def release_parts(
    *, workbenches: Iterable[Any] = (), executors: Iterable[Any] = (), clients: Iterable[Any] = ()
) -> None:
    """Stop workbenches and executors and close model clients, each once, all of them.

    A part that fails to release is logged and the others are still released: closing must
    not hide the outcome of the run that came before it.
    """
    steps: list[tuple[Any, Callable[[], Awaitable[None]] | None]] = [
        *((w, getattr(w, "stop", None)) for w in workbenches),
        *((e, getattr(e, "stop", None)) for e in executors if e is not None),
        *((c, getattr(c, "close", None)) for c in clients if c is not None),
    ]
    seen: set[int] = set()
    for part, release in steps:
        if release is None or id(part) in seen:
            continue
        seen.add(id(part))
        try:
            await release()
        except Exception as exc:
            _trace.warning("Releasing %s failed: %s", type(part).__name__, exc)
