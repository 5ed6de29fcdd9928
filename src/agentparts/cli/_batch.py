"""``agentparts batch CONFIG TASKS.jsonl --out RESULTS.jsonl``: run an agent over a dataset."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from ._util import (
    CommandContext,
    add_allow_option,
    add_common_options,
    add_load_options,
    load_permissions,
)

if TYPE_CHECKING:
    from ..batch import BatchReport

__all__ = ["register"]

EXIT_INTERRUPTED = 130
_ERRORS_SHOWN = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``batch`` command."""
    parser = subparsers.add_parser(
        "batch",
        help="Run an agent on every task of a JSONL file, locally or on Ray.",
        description=(
            "Run a fresh agent, loaded from CONFIG, on every task of TASKS (JSON Lines: "
            '{"task": "...", "id": "...", "metadata": {...}} per line). Each result is '
            "appended to --out as it finishes; running the same command again skips the "
            "tasks already in --out. Ctrl-C stops new runs and cancels those in flight, "
            "keeping every finished result."
        ),
    )
    add_common_options(parser)
    parser.add_argument("config", metavar="CONFIG", help="The agent config (JSON or YAML).")
    parser.add_argument("tasks", metavar="TASKS.jsonl", help="The tasks, one JSON per line.")
    parser.add_argument(
        "--out",
        required=True,
        metavar="RESULTS.jsonl",
        help="The results file (appended to; existing results are kept and skipped).",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
        default=8,
        metavar="N",
        help="How many runs may be in flight at once (default: 8).",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=None,
        metavar="S",
        help="Seconds a run may take; longer runs are recorded as errors (default: none).",
    )
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="Run on Ray (extra 'ray'): on the cluster at ADDRESS (HOST:PORT, "
        "ray://HOST:PORT or auto), or a local Ray instance when no address is given. "
        "Put it after CONFIG and TASKS, or write --ray=ADDRESS.",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="Also run again the tasks whose recorded result is an error.",
    )
    add_allow_option(parser)
    add_load_options(parser)
    parser.set_defaults(handler=_batch)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a finite positive number of seconds, got {text}; leave --timeout out "
            "for no limit"
        )
    return value


def _batch(args: argparse.Namespace, ctx: CommandContext) -> int:
    with load_permissions(args):
        if args.untrusted:  # here too: with --ray only the workers load the config
            from .._capabilities import inspect_model, refuse_untrusted
            from .._component import _as_component_model

            refuse_untrusted(inspect_model(_as_component_model(args.config), strict=True))
        return _run_batch(args, ctx)


def _run_batch(args: argparse.Namespace, ctx: CommandContext) -> int:
    from .._cancellation_token import CancellationToken
    from ..batch import read_tasks, run_batch
    from ..batch._runner import check_out_path

    check_out_path(args.out, args.tasks)
    task_file = read_tasks(args.tasks)
    for error in task_file.errors:
        ctx.err(f"Skipping {args.tasks} {error}")
    token = CancellationToken()
    token.add_callback(
        lambda: ctx.err(
            "\nStopping: no new runs, cancelling the runs in flight "
            "(press Ctrl-C again to quit at once)."
        )
    )
    progress = _Progress(ctx)
    try:
        report = run_batch(
            args.config,
            task_file.tasks,
            out=args.out,
            concurrency=args.concurrency,
            timeout=args.timeout,
            ray=args.ray is not None,
            ray_address=args.ray or None,
            retry_failed=args.retry_failed,
            allowed_providers=args.allow,
            cancellation_token=token,
            on_start=progress.start,
            on_result=progress.advance,
        )
    finally:
        progress.stop()
    report.input_errors = task_file.errors
    _print_summary(ctx, report, args.out)
    if report.cancelled:
        ctx.err(
            f"Interrupted: {len(report)} results of this run are kept in {args.out}; run the "
            "same command again to resume."
        )
        return EXIT_INTERRUPTED
    return 1 if report.failed or report.input_errors else 0


class _Progress:
    """A progress bar on a terminal, nothing otherwise."""

    def __init__(self, ctx: CommandContext) -> None:
        self._ctx = ctx
        self._bar: Any = None
        self._task: Any = None
        self._failed = 0

    def start(self, to_run: int, skipped: int) -> None:
        if skipped:
            self._ctx.err(f"Skipping {skipped} tasks already in the results file.")
        if not to_run or not self._ctx.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=self._ctx.stderr),
        )
        self._task = self._bar.add_task("running", total=to_run)
        self._bar.start()

    def advance(self, result: Any) -> None:
        if result.error is not None:
            self._failed += 1
        if self._bar is not None:
            label = f"running ({self._failed} failed)" if self._failed else "running"
            self._bar.update(self._task, advance=1, description=label)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _print_summary(ctx: CommandContext, report: BatchReport, out: str) -> None:
    rate = f"{report.tasks_per_second:.1f}" if report.tasks_per_second else "-"
    rows = [
        ("done", str(report.succeeded)),
        ("failed", str(report.failed)),
        ("skipped (already done)", str(report.skipped)),
        ("bad input lines", str(len(report.input_errors))),
        ("prompt tokens", str(report.prompt_tokens)),
        ("completion tokens", str(report.completion_tokens)),
        ("time", f"{report.elapsed:.1f} s"),
        ("startup (in time)", f"{report.startup:.1f} s"),
        ("tasks per second", rate),
    ]
    width = max(len(name) for name, _ in rows)
    value_width = max(len(value) for _, value in rows)
    ctx.out(
        f"Batch {'interrupted' if report.cancelled else 'finished'}: results in {_printable(out)}"
    )
    for name, value in rows:
        ctx.out(f"  {name.ljust(width)}  {value.rjust(value_width)}")
    failures = [r for r in report.results if r.error is not None]
    for result in failures[:_ERRORS_SHOWN]:
        ctx.out(f"  failed {_printable(result.id)}: {_printable(result.error)}")
    if len(failures) > _ERRORS_SHOWN:
        ctx.out(f"  ... and {len(failures) - _ERRORS_SHOWN} more failures (see {_printable(out)})")


def _printable(text: str | None) -> str:
    """``text`` with what the terminal's UTF-8 cannot show (lone surrogates) escaped."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")
