"""Connecting to Ray: a local instance, or an existing cluster that must answer first."""

from __future__ import annotations

import asyncio
import importlib
import socket
from typing import Any

from ...errors import AgentRuntimeUnavailableError

__all__ = ["connect", "import_ray"]

_PROBE_TIMEOUT_S = 5.0


def import_ray() -> Any:
    """The ``ray`` module.

    Raises:
        AgentRuntimeUnavailableError: Ray is not installed.
    """
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise AgentRuntimeUnavailableError(
            "RayAgentRuntime needs Ray, which is not installed: pip install 'agentparts[ray]'."
        ) from None


async def connect(address: str | None, init_kwargs: dict[str, Any]) -> bool:
    """Connect this process to Ray; whether this call started (and so must stop) it.

    Raises:
        AgentRuntimeUnavailableError: Ray is missing, or the cluster does not answer.
    """
    ray = import_ray()
    if address is not None:
        await asyncio.to_thread(_probe, address)
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"log_to_driver": False, **init_kwargs}
    if address is None:
        kwargs.setdefault("include_dashboard", False)
    else:
        kwargs["address"] = address
    try:
        try:
            await asyncio.to_thread(ray.init, **kwargs)
        except Exception:
            if address is not None:
                raise
            # A local start gives the raylet 30 s to register: a busy machine can miss it.
            await asyncio.to_thread(ray.shutdown)
            await asyncio.to_thread(ray.init, **kwargs)
    except Exception as exc:
        where = "a local Ray instance" if address is None else f"the Ray cluster at {address}"
        raise AgentRuntimeUnavailableError(
            f"Cannot connect to {where}: {type(exc).__name__}: {str(exc).rstrip('.')}. Check "
            "that the cluster is running ('ray status' on its head node) and that the address "
            "is right."
        ) from None
    return True


def _probe(address: str) -> None:
    """Fail fast when ``host:port`` does not accept connections (Ray itself retries for long)."""
    target = address.removeprefix("ray://")
    if target in ("auto", "local") or ":" not in target:
        return
    host, _, port_text = target.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise AgentRuntimeUnavailableError(
            f"Ray address {address!r} is not HOST:PORT (or ray://HOST:PORT, or 'auto')."
        ) from None
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=_PROBE_TIMEOUT_S):
            pass
    except OSError as exc:
        raise AgentRuntimeUnavailableError(
            f"The Ray cluster at {address} does not answer ({exc.strerror or type(exc).__name__}). "
            "Check that it is running ('ray status' on its head node), that the address and "
            "port are right, and that this machine can reach it."
        ) from None
