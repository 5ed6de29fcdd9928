"""Ray mode: the batch's runs as calls on async Ray actors that load the config themselves.

Ray is imported only here, when a batch runs in Ray mode (extra ``ray``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
from collections.abc import Sequence
from typing import Any

from .._component_model import ComponentModel
from ..errors import AgentRuntimeUnavailableError, BatchInputError, RayClusterError
from ._execute import AgentFactory, run_task
from ._results import BatchResult
from ._tasks import BatchTask

__all__ = ["BatchWorker", "RayBackend"]


class BatchWorker:
    """A Ray actor that loads the agent config itself and runs tasks on fresh agents.

    Its methods are async, so one actor runs up to its ``max_concurrency`` tasks at once.

    Args:
        config: The saved agent, as a dict.
        allowed_providers: Extra provider prefixes to trust when loading.
        timeout: Seconds a run may take, or ``None``.
    """

    def __init__(
        self, config: dict[str, Any], allowed_providers: list[str], timeout: float | None
    ) -> None:
        self._factory = AgentFactory(ComponentModel.model_validate(config), allowed_providers)
        self._timeout = timeout

    async def ready(self) -> int:
        """Load one agent to check the config here; returns the worker's process id."""
        await self._factory.check()
        return os.getpid()

    async def run(self, task: dict[str, Any]) -> dict[str, Any]:
        """Run one task (a :class:`BatchTask` as a dict) and return its result record."""
        result = await run_task(self._factory, BatchTask(**task), timeout=self._timeout)
        return result.to_dict()


class RayBackend:
    """Runs a batch's tasks on Ray worker actors.

    Args:
        config: The saved agent.
        allowed_providers: Extra provider prefixes to trust when loading.
        timeout: Seconds a run may take, or ``None``.
        address: The Ray cluster to connect to; ``None`` uses the instance this process is
            connected to, or starts a local one.
        workers: How many actors; by default one per cluster CPU, at most ``concurrency``.
        concurrency: How many runs may be in flight in total.
    """

    def __init__(
        self,
        config: ComponentModel,
        *,
        allowed_providers: Sequence[str],
        timeout: float | None,
        address: str | None,
        workers: int | None,
        concurrency: int,
    ) -> None:
        self._config = config.model_dump(mode="json")
        self._allowed = list(allowed_providers)
        self._timeout = timeout
        self._address = address
        self._workers = workers
        self._concurrency = concurrency
        self._ray: Any = None
        self._started_ray = False
        self._actors: list[Any] = []
        self._load: list[int] = []

    async def start(self) -> None:
        """Connect to Ray and start the worker actors, each checking the config.

        Raises:
            RayClusterError: Ray is missing or the cluster cannot be reached.
            BatchInputError: The workers cannot load the agent config.
        """
        self._ray, self._started_ray = await _connect(self._address)
        ray = self._ray
        try:
            count = self._workers or min(self._concurrency, _cluster_cpus(ray))
            count = max(1, min(count, self._concurrency))
            per_actor = math.ceil(self._concurrency / count)
            actor_class: Any = ray.remote(BatchWorker)
            self._actors = [
                actor_class.options(max_concurrency=per_actor).remote(
                    self._config, self._allowed, self._timeout
                )
                for _ in range(count)
            ]
            self._load = [0] * count
            try:
                await asyncio.gather(*(actor.ready.remote() for actor in self._actors))
            except Exception as exc:
                raise BatchInputError(
                    "The Ray workers cannot load the agent config, so no task was run: "
                    f"{_ray_cause(exc)}. Check that agentparts and the agent's dependencies "
                    "are installed on the cluster and that its environment variables are set "
                    "there."
                ) from None
        except BaseException:
            await self.close()
            raise

    async def run(self, task: BatchTask) -> BatchResult:
        """Run ``task`` on the least busy actor."""
        index = self._load.index(min(self._load))
        self._load[index] += 1
        ref: Any = self._actors[index].run.remote(
            {"id": task.id, "task": task.task, "metadata": task.metadata}
        )
        try:
            data: dict[str, Any] = await ref
        except asyncio.CancelledError:
            self._ray.cancel(ref)
            raise
        except Exception as exc:
            return BatchResult(
                id=task.id,
                error=f"The Ray worker failed: {_ray_cause(exc)}",
                metadata=task.metadata,
            )
        finally:
            self._load[index] -= 1
        return BatchResult.from_dict(data)

    async def close(self) -> None:
        """Stop the actors, and the local Ray instance if this batch started it."""
        ray = self._ray
        if ray is None:
            return
        for actor in self._actors:
            with contextlib.suppress(Exception):  # already dead: nothing to stop
                ray.kill(actor)
        self._actors = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False


async def _connect(address: str | None) -> tuple[Any, bool]:
    """Ray, and whether this call started (and so must stop) its instance.

    Raises:
        RayClusterError: Ray is missing or the cluster cannot be reached.
    """
    from ..runtimes.ray._cluster import connect, import_ray

    try:
        ray = import_ray()
        return ray, await connect(address, {})
    except AgentRuntimeUnavailableError as exc:
        raise RayClusterError(f"{exc} No task was run (or run the batch without --ray).") from None


def _cluster_cpus(ray: Any) -> int:
    cpus = ray.cluster_resources().get("CPU", 1)
    return max(1, int(cpus))


def _ray_cause(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        exc = cause
    # The whole message, on one line: a load error names the variable or field on a later line.
    text = " ".join(line.strip() for line in str(exc).strip().splitlines() if line.strip())
    if len(text) > 2000:
        text = text[:2000] + " [...]"
    return f"{type(exc).__name__}: {text}".rstrip(": ")
