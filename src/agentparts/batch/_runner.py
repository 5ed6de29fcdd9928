"""``run_batch``: run one fresh agent per task, locally with asyncio or on Ray."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypedDict

from typing_extensions import Unpack

from .._cancellation_token import CancellationToken
from ..errors import BatchInputError, ComponentLoadError
from ._execute import AgentFactory, AgentSource, as_config, run_task
from ._results import BatchResult, ResultsFile
from ._tasks import BatchTask, TaskLineError, coerce_tasks, read_tasks

__all__ = [
    "BatchOptions",
    "BatchReport",
    "TaskSource",
    "check_out_path",
    "run_batch",
    "run_batch_async",
]

TaskSource = str | os.PathLike[str] | Iterable[BatchTask | str | Mapping[str, Any]]
"""What a batch takes as its tasks: a JSONL file path, or tasks, strings or mappings."""


class BatchOptions(TypedDict, total=False):
    """The keyword arguments :func:`run_batch` passes on to :func:`run_batch_async`
    (documented there)."""

    out: str | os.PathLike[str] | None
    concurrency: int
    timeout: float | None
    ray: bool
    ray_address: str | None
    ray_workers: int | None
    retry_failed: bool
    allowed_providers: Sequence[str] | None
    cancellation_token: CancellationToken | None
    on_start: Callable[[int, int], None] | None
    on_result: Callable[[BatchResult], None] | None


@dataclass
class BatchReport:
    """What a call of :func:`run_batch` did. Iterating it gives its results.

    Attributes:
        results: The results of the tasks run by this call, in the order they finished
            (tasks skipped as already done are not included).
        skipped: How many tasks were skipped because the results file already had them.
        input_errors: The bad lines of the tasks file (they were not run).
        cancelled: Whether the batch was stopped before every task ran.
        elapsed: Wall-clock seconds of the call.
        startup: The part of ``elapsed`` spent before the first run started (reading the
            inputs, checking the config, connecting to Ray and starting its workers).
        out: The results file, if any.
    """

    results: list[BatchResult] = field(default_factory=list[BatchResult])
    skipped: int = 0
    input_errors: list[TaskLineError] = field(default_factory=list[TaskLineError])
    cancelled: bool = False
    elapsed: float = 0.0
    startup: float = 0.0
    out: Path | None = None

    @property
    def succeeded(self) -> int:
        """How many runs finished without an error."""
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> int:
        """How many runs ended with an error (timeouts included)."""
        return sum(1 for r in self.results if not r.ok)

    @property
    def tasks_per_second(self) -> float:
        """Finished runs per second of running time (startup excluded); 0 if none ran."""
        running = self.elapsed - self.startup
        return len(self.results) / running if self.results and running > 0 else 0.0

    @property
    def prompt_tokens(self) -> int:
        """Prompt tokens used by this call's runs."""
        return sum(r.prompt_tokens for r in self.results)

    @property
    def completion_tokens(self) -> int:
        """Completion tokens used by this call's runs."""
        return sum(r.completion_tokens for r in self.results)

    def __iter__(self) -> Iterator[BatchResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


class _Backend(Protocol):
    async def start(self) -> None: ...

    async def run(self, task: BatchTask) -> BatchResult: ...

    async def close(self) -> None: ...


class _LocalBackend:
    def __init__(self, factory: AgentFactory, timeout: float | None) -> None:
        self._factory = factory
        self._timeout = timeout

    async def start(self) -> None:
        try:
            await self._factory.check()
        except ComponentLoadError as exc:
            raise BatchInputError(
                f"The agent config cannot be loaded, so no task was run: {exc}"
            ) from exc

    async def run(self, task: BatchTask) -> BatchResult:
        return await run_task(self._factory, task, timeout=self._timeout)

    async def close(self) -> None:
        pass


async def run_batch_async(
    agent: AgentSource,
    tasks: TaskSource,
    *,
    out: str | os.PathLike[str] | None = None,
    concurrency: int = 8,
    timeout: float | None = None,
    ray: bool = False,
    ray_address: str | None = None,
    ray_workers: int | None = None,
    retry_failed: bool = False,
    allowed_providers: Sequence[str] | None = None,
    cancellation_token: CancellationToken | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[BatchResult], None] | None = None,
) -> BatchReport:
    """Run a fresh agent on every task, at most ``concurrency`` at a time.

    The async form of :func:`run_batch`; it takes the same arguments except
    ``handle_sigint``. Cancelling the calling task (or ``cancellation_token``) stops new
    runs and cancels the runs in flight; every finished result is already written.
    Cancelling the token returns the report with ``cancelled=True``; cancelling the task
    raises :class:`asyncio.CancelledError` as usual.

    Args:
        agent: The agent to run: a saved agent (component model, dict, JSON/YAML path)
            or an agent object (saved with its secrets). It is read once; every task
            loads a fresh agent from it.
        tasks: A JSONL tasks file (see :func:`read_tasks`; bad lines are reported in
            ``input_errors`` and skipped) or tasks given in Python (``BatchTask``, strings
            or mappings with ``task``, ``id``, ``metadata``).
        out: The JSONL results file. Each result is appended and flushed as it finishes;
            tasks whose id is already in the file are skipped, so re-running resumes.
        concurrency: How many runs may be in flight at once.
        timeout: Seconds a run may take; a run that takes longer is cancelled and
            recorded as an error. ``None`` for no limit.
        ray: Run the tasks on Ray (extra ``ray``): on the Ray instance this process is
            already connected to, else on a local one started for the batch.
        ray_address: The address of a Ray cluster to connect to; implies ``ray=True``.
        ray_workers: How many Ray worker actors run tasks; by default one per CPU of the
            cluster, at most ``concurrency``.
        retry_failed: Also re-run tasks whose recorded result is an error.
        allowed_providers: Extra provider prefixes to trust when loading the agent.
        cancellation_token: Cancel it to stop the batch.
        on_start: Called once with (tasks to run, tasks skipped) before the first run.
        on_result: Called with each result as it is recorded.

    Returns:
        The report: this call's results, skipped count, bad input lines.

    Raises:
        BatchInputError: The arguments, tasks or agent config cannot be used.
        BatchResultsError: The results file cannot be read or written.
        RayClusterError: Ray is not installed or the cluster cannot be reached.
    """
    started = time.perf_counter()
    _check_arguments(concurrency, timeout, out, tasks)
    try:
        config = as_config(agent)
    except ComponentLoadError as exc:
        raise BatchInputError(
            f"The agent config cannot be read, so no task was run: {exc}"
        ) from exc
    report = BatchReport(out=None if out is None else Path(out))
    results_file = None if out is None else ResultsFile(out)
    pending = _pending_tasks(tasks, results_file, retry_failed, report)
    factory = AgentFactory(config, allowed_providers)
    backend: _Backend
    if ray or ray_address is not None:
        from ._ray import RayBackend

        backend = RayBackend(
            config,
            allowed_providers=factory.allowed_providers,
            timeout=timeout,
            address=ray_address,
            workers=ray_workers,
            concurrency=concurrency,
        )
    else:
        backend = _LocalBackend(factory, timeout)
    if not pending:
        if on_start is not None:
            on_start(0, report.skipped)
        report.elapsed = time.perf_counter() - started
        return report
    progress = _Progress(report, results_file, on_result)
    try:
        await backend.start()
        if results_file is not None:
            results_file.open()
        if on_start is not None:
            on_start(len(pending), report.skipped)
        report.startup = time.perf_counter() - started
        token = cancellation_token or CancellationToken()
        report.cancelled = await _run_all(backend, pending, concurrency, progress.record, token)
    finally:
        try:
            await backend.close()
        finally:
            if results_file is not None:
                results_file.close()
            report.elapsed = time.perf_counter() - started
    return report


def _check_arguments(
    concurrency: int, timeout: float | None, out: str | os.PathLike[str] | None, tasks: TaskSource
) -> None:
    if concurrency < 1:
        raise BatchInputError(f"concurrency must be at least 1, got {concurrency}.")
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise BatchInputError(
            f"timeout must be a finite positive number of seconds, got {timeout!r}; "
            "use None for no limit."
        )
    if out is not None and isinstance(tasks, str | os.PathLike):
        check_out_path(out, tasks)


def _pending_tasks(
    tasks: TaskSource, results_file: ResultsFile | None, retry_failed: bool, report: BatchReport
) -> list[BatchTask]:
    """The tasks still to run (bad input lines and the skipped count go to ``report``)."""
    if isinstance(tasks, str | os.PathLike):
        task_file = read_tasks(tasks)
        all_tasks, report.input_errors = task_file.tasks, task_file.errors
    else:
        all_tasks = coerce_tasks(tasks)
    done = {} if results_file is None else results_file.existing()
    pending = [t for t in all_tasks if not _is_done(done.get(t.id), retry_failed)]
    report.skipped = len(all_tasks) - len(pending)
    return pending


@dataclass
class _Progress:
    """Records each result: in the report, the results file and the caller's callback."""

    report: BatchReport
    results_file: ResultsFile | None
    on_result: Callable[[BatchResult], None] | None

    def record(self, result: BatchResult) -> None:
        if self.results_file is not None:
            self.results_file.write(result)
        self.report.results.append(result)
        if self.on_result is not None:
            self.on_result(result)


def run_batch(
    agent: AgentSource,
    tasks: TaskSource,
    *,
    handle_sigint: bool = True,
    **options: Unpack[BatchOptions],
) -> BatchReport:
    """Run a fresh agent on every task and record the results; see :func:`run_batch_async`.

    Example:
        >>> from agentparts.batch import run_batch
        >>> report = run_batch(
        ...     "agent.json", "tasks.jsonl", out="results.jsonl", concurrency=16, timeout=120
        ... )  # doctest: +SKIP
        >>> print(report.succeeded, report.failed, report.prompt_tokens)  # doctest: +SKIP

    Args:
        agent: The saved agent (component model, dict, JSON/YAML path) or an agent.
        tasks: A JSONL tasks file, or tasks given in Python.
        options: ``out``, ``concurrency``, ``timeout``, ``ray``, ``ray_address``,
            ``ray_workers``, ``retry_failed``, ``allowed_providers``,
            ``cancellation_token``, ``on_start``, ``on_result``: see
            :func:`run_batch_async`.
        handle_sigint: When called in the main thread, the first Ctrl-C stops the batch
            gracefully (the report comes back with ``cancelled=True``) and a second one
            raises :class:`KeyboardInterrupt`.

    Raises:
        BatchInputError: The arguments, tasks or agent config cannot be used.
        BatchResultsError: The results file cannot be read or written.
        RayClusterError: Ray is not installed or the cluster cannot be reached.
        RuntimeError: Called from a running event loop (await :func:`run_batch_async`).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "run_batch() was called inside a running event loop: use "
            "'await run_batch_async(...)' there instead."
        )
    token = options.get("cancellation_token") or CancellationToken()
    options["cancellation_token"] = token

    async def main() -> BatchReport:
        with _SigintStops(token, enabled=handle_sigint):
            return await run_batch_async(agent, tasks, **options)

    return asyncio.run(main())


def check_out_path(out: str | os.PathLike[str], tasks: str | os.PathLike[str]) -> None:
    """Refuse a results file that is the tasks file (same path, a link to it, a hard link).

    Raises:
        BatchInputError: ``out`` and ``tasks`` are the same file.
    """
    try:
        out_stat, tasks_stat = os.stat(out), os.stat(tasks)
    except (OSError, ValueError):  # out does not exist yet (or cannot be): not the tasks
        return
    if (out_stat.st_dev, out_stat.st_ino) == (tasks_stat.st_dev, tasks_stat.st_ino):
        raise BatchInputError(
            f"The results file {os.fspath(out)} is the tasks file {os.fspath(tasks)} "
            "(the same file, or a link to it): results would be appended to the tasks. "
            "Give --out (out=) another path, such as results.jsonl."
        )


def _is_done(previous: BatchResult | None, retry_failed: bool) -> bool:
    return previous is not None and (previous.ok or not retry_failed)


async def _run_all(
    backend: _Backend,
    pending: list[BatchTask],
    concurrency: int,
    record: Callable[[BatchResult], None],
    token: CancellationToken,
) -> bool:
    """Run ``pending`` with ``concurrency`` workers; whether the token stopped it early."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def request_stop() -> None:  # the token may be cancelled from another thread
        loop.call_soon_threadsafe(stop.set)

    token.add_callback(request_stop)
    queue = iter(pending)
    recorded = 0

    async def worker() -> None:
        nonlocal recorded
        for task in queue:  # shared: each task is taken by exactly one worker
            if stop.is_set() or token.is_cancelled():
                return
            try:
                result = await backend.run(task)
            except Exception as exc:  # a backend failure is this task's failure only
                result = BatchResult(id=task.id, error=str(exc), metadata=task.metadata)
            record(result)
            recorded += 1

    workers = [asyncio.create_task(worker()) for _ in range(min(concurrency, len(pending)))]
    stopper: asyncio.Task[Any] = asyncio.create_task(stop.wait())
    try:
        while running := {w for w in workers if not w.done()}:
            await asyncio.wait({*running, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for finished in workers:
                if finished.done() and not finished.cancelled():
                    error = finished.exception()
                    if error is not None:  # recording the result failed: stop the batch
                        raise error
            if stop.is_set():
                break
        return recorded < len(pending)
    finally:
        for task in (*workers, stopper):
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        await asyncio.gather(stopper, return_exceptions=True)


class _SigintStops:
    """In the main thread, make Ctrl-C cancel ``token`` once, then raise the next time."""

    def __init__(self, token: CancellationToken, *, enabled: bool) -> None:
        self._token = token
        self._enabled = enabled and threading.current_thread() is threading.main_thread()
        self._loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> None:
        if not self._enabled:
            return
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, self._interrupt)
        except (NotImplementedError, RuntimeError):  # no signal support on this loop
            return
        self._loop = loop

    def _interrupt(self) -> None:
        if self._token.is_cancelled():
            raise KeyboardInterrupt
        self._token.cancel()

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None:
            self._loop.remove_signal_handler(signal.SIGINT)
