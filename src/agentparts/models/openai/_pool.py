"""Connection pools for the OpenAI client, split in shards for high concurrency.

httpx's pool does bookkeeping over every queued request on each state change, so its cost
grows with the square of the requests in flight: measured here, 500 concurrent calls
through one pool took 4-5x longer than through 16 pools of 32 connections. The client
therefore keeps several small pools and sends each request to the least busy one.
"""

from __future__ import annotations

import asyncio
import functools
import math
import ssl

import httpx

__all__ = ["ShardedPool"]

_SHARD_SIZE = 32
_MAX_SHARDS = 32


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying SSL context per process: loading the CA bundle costs ~75 ms each time."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class ShardedPool:
    """Small httpx pools bound to one event loop, used least-busy first.

    Args:
        headers: Headers sent with every request.
        timeout: Seconds to wait for an answer (connect: at most 10 s).
        max_connections: Connections across all shards.
    """

    __slots__ = ("_busy", "_count", "_headers", "_limits", "_loop", "_shards", "_ssl", "_timeout")

    def __init__(self, headers: dict[str, str], timeout: float, max_connections: int) -> None:
        self._count = max(1, min(_MAX_SHARDS, math.ceil(max_connections / _SHARD_SIZE)))
        per_shard = max(1, math.ceil(max_connections / self._count))
        self._limits = httpx.Limits(
            max_connections=per_shard, max_keepalive_connections=per_shard, keepalive_expiry=30
        )
        self._timeout = httpx.Timeout(timeout, connect=min(10.0, timeout))
        self._headers = headers
        self._ssl: ssl.SSLContext | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._shards: list[httpx.AsyncClient | None] = [None] * self._count
        self._busy = [0] * self._count

    def acquire(self) -> tuple[int, httpx.AsyncClient]:
        """The least busy shard (its index, to :meth:`release`, and its client)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # httpx connections belong to the loop that opened them: start afresh.
            self._loop = loop
            self._shards = [None for _ in range(self._count)]
            self._busy = [0] * self._count
        busy = self._busy
        index = busy.index(min(busy)) if busy[0] else 0
        busy[index] += 1
        shard = self._shards[index]
        if shard is None:
            if self._ssl is None:
                self._ssl = _ssl_context()
            shard = httpx.AsyncClient(
                headers=self._headers, timeout=self._timeout, limits=self._limits, verify=self._ssl
            )
            self._shards[index] = shard
        return index, shard

    def release(self, index: int) -> None:
        """Mark a request on shard ``index`` as finished."""
        if self._busy[index] > 0:
            self._busy[index] -= 1

    async def aclose(self) -> None:
        """Close every shard opened on the running loop."""
        shards = self._shards
        self._shards = [None for _ in range(self._count)]
        same_loop = self._loop is asyncio.get_running_loop()
        self._loop = None
        if same_loop:
            for shard in shards:
                if shard is not None:
                    await shard.aclose()
