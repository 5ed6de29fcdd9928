"""The entry point of the ``agentparts`` command and its registry of command groups.

Adding a command group
----------------------
Write ``src/agentparts/cli/_<name>.py`` with a ``register`` function and add ONE line for
it to :data:`COMMAND_MODULES` below. For ``agentparts new extension NAME``::

    # src/agentparts/cli/_new_extension.py
    import argparse
    from ._util import CommandContext, add_common_options

    __all__ = ["register"]

    def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
        new = subparsers.add_parser("new", help="Create things from templates.")
        new_sub = new.add_subparsers(dest="new_command", metavar="WHAT", required=True)
        ext = new_sub.add_parser("extension", help="Scaffold an extension package.")
        add_common_options(ext)
        ext.add_argument("name")
        ext.set_defaults(handler=_new_extension)

    def _new_extension(args: argparse.Namespace, ctx: CommandContext) -> int:
        import ...  # heavy imports go here, never at module level
        ctx.out(f"Created {args.name}")
        return 0

    # and in _main.py:
    COMMAND_MODULES = (..., "_new_extension")

Rules for a command module: import only the standard library at module level (``agentparts
--help`` must stay fast); a handler takes ``(args, ctx)`` and returns the exit code; raise
:class:`agentparts.errors.AgentPartsError` (or :class:`CommandError`) with a message that says
what to do, and :func:`main` prints it without a traceback (unless ``--debug``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ._util import CommandContext, CommandError, add_common_options

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "_run",
    "_demo",
    "_components",
    "_config",
    "_new_extension",
    "_batch",
)
"""Private modules of :mod:`agentparts.cli` that each register one command group."""

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``agentparts`` command with every registered command group."""
    parser = argparse.ArgumentParser(
        prog="agentparts",
        description="Run agents built from agentparts components, and inspect components.",
        epilog="Run 'agentparts COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="store_true", help="Print the version and exit.")
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``agentparts`` command; returns (and, as a script, exits with) its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    if args.version:
        from .. import __version__

        print(f"agentparts {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    ctx = CommandContext(debug=debug)
    if debug:
        _debug_logging()
    try:
        return int(handler(args, ctx))
    except KeyboardInterrupt:
        ctx.err("Interrupted: stopped cleanly.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_ERROR
    except CommandError as exc:
        if debug:
            raise
        ctx.err(f"Error: {exc}")
        return exc.exit_code
    except Exception as exc:
        if debug:
            raise
        from ..errors import AgentPartsError

        if isinstance(exc, AgentPartsError):
            ctx.err(f"Error: {exc}")
        else:
            ctx.err(
                f"Unexpected error: {type(exc).__name__}: {exc}\n"
                "Run again with --debug to see the traceback, and report it if it looks like a bug."
            )
        return EXIT_ERROR


def _debug_logging() -> None:
    """Send agentparts' structured events and traces to standard error."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = logging.getLogger("agentparts")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _silence_stdout() -> None:
    # Python flushes stdout at exit; after a broken pipe that would print another error.
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
