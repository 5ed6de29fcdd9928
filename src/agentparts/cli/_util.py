"""Helpers that every command module shares: output, errors, common options."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

__all__ = [
    "CommandContext",
    "CommandError",
    "add_allow_option",
    "add_common_options",
    "add_load_options",
    "add_source_tools_option",
    "load_permissions",
]


class CommandError(Exception):
    """A command failed for a reason the user can fix; the message says how.

    Args:
        message: What happened and what to do.
        exit_code: The process exit code (1 by default).
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class CommandContext:
    """What a command handler gets besides its arguments.

    Attributes:
        debug: Show tracebacks and debug output.
        stdout: Where results go.
        stderr: Where messages and progress go.
    """

    debug: bool = False
    # Read when the context is made, not at import: pytest's capture swaps the streams.
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    def out(self, text: str) -> None:
        """Print ``text`` to standard output."""
        print(text, file=self.stdout, flush=True)

    def err(self, text: str) -> None:
        """Print ``text`` to standard error."""
        print(text, file=self.stderr, flush=True)

    @property
    def interactive(self) -> bool:
        """Whether standard output is a terminal (and ``NO_COLOR``-style plain output is off)."""
        return self.stdout.isatty() and os.environ.get("TERM") != "dumb"


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--debug`` so that it works before and after the command name."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="Show tracebacks and debug logging.",
    )


def add_allow_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow PREFIX`` (repeatable): extra provider prefixes that may be imported."""
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="PREFIX",
        help="Trust providers under this package prefix (repeatable). Built-in and "
        "entry-point providers are always allowed.",
    )


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow-env NAME`` (repeatable) and ``--untrusted``: how a config may load."""
    parser.add_argument(
        "--allow-env",
        action="append",
        default=[],
        metavar="NAME",
        help="Let the config read the environment variable NAME through {$env: NAME} "
        "(repeatable; also AGENTPARTS_ALLOWED_ENV=NAME,NAME). Variables a component "
        "documents as its own, such as OPENAI_API_KEY, need no allowance unless --untrusted.",
    )
    parser.add_argument(
        "--untrusted",
        action="store_true",
        help="The config comes from someone else: before anything starts, refuse host "
        "commands, unsandboxed code, undeclared components, folders outside the current "
        "directory and every environment variable not allowed with --allow-env. See "
        "'agentparts config inspect'.",
    )
    add_source_tools_option(parser)


def add_source_tools_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--unsafe-exec-source-tools-on-host``: run saved source code in-process."""
    parser.add_argument(
        "--unsafe-exec-source-tools-on-host",
        action="store_true",
        help="Exec FunctionTools saved as source code (AutoGen configs) in this process, "
        "unsandboxed, with this host's files, network and packages, as AutoGen does. "
        "Without it each call of such a tool runs in the sandbox. Refused with --untrusted.",
    )


@contextmanager
def load_permissions(args: argparse.Namespace) -> Generator[None]:
    """While active, config loads follow ``--allow-env`` and ``--untrusted``."""
    from .._secrets import env_permission

    with env_permission(
        args.allow_env,
        untrusted=args.untrusted,
        source_tools_on_host=args.unsafe_exec_source_tools_on_host,
    ):
        yield
