"""Connection pools for the HTTP model clients: small httpx pools behind one FIFO queue.

httpcore's pool does housekeeping over all of its connections each time a request starts
or ends, and part of it compares every connection with every other one, so its cost grows
with the square of the pool's size (and with every request queued in it). The client
therefore keeps many pools of a few connections each (4, measured best here: 500 concurrent
agent runs over 100 connections took 0.7 s with pools of 4, 0.9 s with 8, 1.4 s with 16
and 1.8 s with 25), sends each request to the least busy pool, and never lets a pool queue:
past ``max_connections`` requests in flight, callers wait in a FIFO queue of their own,
which costs a future each. Open connections are not free either (about 16 KB of httpx,
httpcore and anyio state each), which is why the client's default is 100 of them.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import math
import os
import ssl

import httpx

__all__ = ["Lease", "ShardedPool", "tls_may_be_needed"]

_SHARD_SIZE = 4
_MAX_SHARDS = 128


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying SSL context per process: loading the CA bundle costs ~75 ms each time."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


@functools.cache
def _no_ca_context() -> ssl.SSLContext:
    """A context that verifies against no CA at all, so any TLS handshake fails.

    For endpoints reached over plain HTTP without a proxy, where TLS is never used: the
    CA bundle (about 1 MiB once loaded) is not worth loading, and should TLS happen after
    all, it fails closed instead of skipping verification.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def tls_may_be_needed(base_url: str) -> bool:
    """Whether requests to ``base_url`` can use TLS: an https URL, or a proxy from the
    environment (httpx honours ``HTTP(S)_PROXY`` and ``ALL_PROXY``, and a proxy may be
    reached over https)."""
    if not base_url.lower().startswith("http://"):
        return True
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in _PROXY_VARIABLES)


class ShardedPool:
    """Small httpx pools bound to one event loop, used least-busy first.

    At most ``max_connections`` requests are in flight; later ones wait their turn in
    arrival order (:meth:`acquire` is cancellable while waiting).

    Args:
        headers: Headers sent with every request.
        timeout: Seconds to wait for an answer (connect: at most 10 s).
        max_connections: Connections across all shards, so also requests in flight.
        tls: Whether requests may use TLS (see :func:`tls_may_be_needed`); if not, the CA
            bundle is not loaded.
    """

    __slots__ = (
        "_busy",
        "_count",
        "_headers",
        "_in_flight",
        "_limit",
        "_limits",
        "_loop",
        "_shards",
        "_ssl",
        "_timeout",
        "_tls",
        "_waiters",
    )

    def __init__(
        self, headers: dict[str, str], timeout: float, max_connections: int, *, tls: bool = True
    ) -> None:
        self._tls = tls
        self._limit = max(1, max_connections)
        self._count = max(1, min(_MAX_SHARDS, math.ceil(self._limit / _SHARD_SIZE)))
        per_shard = max(1, math.ceil(self._limit / self._count))
        self._limits = httpx.Limits(
            max_connections=per_shard, max_keepalive_connections=per_shard, keepalive_expiry=30
        )
        self._timeout = httpx.Timeout(timeout, connect=min(10.0, timeout))
        self._headers = headers
        self._ssl: ssl.SSLContext | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._shards: list[httpx.AsyncClient | None] = [None] * self._count
        self._busy = [0] * self._count
        self._in_flight = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def lease(self) -> Lease:
        """``async with pool.lease() as http:`` holds a slot for one request."""
        return Lease(self)

    async def acquire(self) -> tuple[int, httpx.AsyncClient]:
        """A slot on the least busy shard: its index, to :meth:`release`, and its client.

        Waits (first come, first served) while ``max_connections`` requests are in flight.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # httpx connections belong to the loop that opened them: start afresh.
            self._loop = loop
            self._shards = [None for _ in range(self._count)]
            self._busy = [0] * self._count
            self._in_flight = 0
            self._waiters.clear()
        if self._in_flight < self._limit and not self._waiters:
            self._in_flight += 1
        else:
            await self._wait_for_slot(loop)
        busy = self._busy
        index = busy.index(min(busy)) if busy[0] else 0
        busy[index] += 1
        shard = self._shards[index]
        if shard is None:
            try:
                shard = self._open_shard()
            except BaseException:
                self.release(index)
                raise
            self._shards[index] = shard
        return index, shard

    async def _wait_for_slot(self, loop: asyncio.AbstractEventLoop) -> None:
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # The slot was handed over just as the caller was cancelled: pass it on.
                self._hand_over_slot()
            else:
                self._remove_waiter(waiter)
            raise

    def _remove_waiter(self, waiter: asyncio.Future[None]) -> None:
        with contextlib.suppress(ValueError):  # already handed a slot and removed
            self._waiters.remove(waiter)

    def _open_shard(self) -> httpx.AsyncClient:
        if self._ssl is None:
            self._ssl = _ssl_context() if self._tls else _no_ca_context()
        return httpx.AsyncClient(
            headers=self._headers, timeout=self._timeout, limits=self._limits, verify=self._ssl
        )

    def release(self, index: int) -> None:
        """Mark a request on shard ``index`` as finished, and let the next waiter in."""
        if self._busy[index] > 0:
            self._busy[index] -= 1
        self._hand_over_slot()

    def _hand_over_slot(self) -> None:
        """Give the caller's slot to the first live waiter, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot (and its in-flight count) moves over
                return
        if self._in_flight > 0:
            self._in_flight -= 1

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


class Lease:
    """One request's slot in a :class:`ShardedPool`, as an async context manager."""

    __slots__ = ("_index", "_pool")

    def __init__(self, pool: ShardedPool) -> None:
        self._pool = pool
        self._index = -1

    async def __aenter__(self) -> httpx.AsyncClient:
        self._index, client = await self._pool.acquire()
        return client

    async def __aexit__(self, *exc_info: object) -> None:
        self._pool.release(self._index)
