"""Batch runs: one fresh agent per task over a dataset of tasks, locally or on Ray.

:func:`run_batch` (and :func:`run_batch_async`) read the tasks (a JSONL file or Python
objects), run each on a fresh agent loaded from one saved config, at most ``concurrency``
at a time, and append each :class:`BatchResult` to a JSONL results file as it finishes.
Running again with the same results file skips the tasks already done. With ``ray=True``
the runs happen on Ray worker actors (extra ``ray``). The command line form is
``agentparts batch``.

Example:
    >>> from agentparts.batch import run_batch
    >>> report = run_batch("agent.json", "tasks.jsonl", out="results.jsonl")  # doctest: +SKIP
"""

from ._results import BatchResult as BatchResult
from ._results import read_results as read_results
from ._runner import BatchOptions as BatchOptions
from ._runner import BatchReport as BatchReport
from ._runner import run_batch as run_batch
from ._runner import run_batch_async as run_batch_async
from ._tasks import BatchTask as BatchTask
from ._tasks import TaskFile as TaskFile
from ._tasks import TaskLineError as TaskLineError
from ._tasks import read_tasks as read_tasks

__all__ = [
    "BatchOptions",
    "BatchReport",
    "BatchResult",
    "BatchTask",
    "TaskFile",
    "TaskLineError",
    "read_results",
    "read_tasks",
    "run_batch",
    "run_batch_async",
]
