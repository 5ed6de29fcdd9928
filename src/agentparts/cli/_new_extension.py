"""``agentparts new extension NAME``: generate an extension package that works at once.

The package follows the extension guide's layout (``src/<package>/models``, ``tools``,
``code_executors``, ``tests``, ``pyproject.toml`` with dependencies, extras and entry
points, ``README.md``). Its components run as generated and its tests, built on the
conformance suites of :mod:`agentparts.testing`, pass right after ``pip install -e .[dev]``.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ._util import CommandContext, CommandError, add_common_options

__all__ = ["ExtensionNames", "extension_names", "register", "write_extension"]

_TEMPLATE_DIR = "_extension_template"
_TEMPLATE_SUFFIX = ".tmpl"
_DIST_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_RESERVED = frozenset({"agentparts", "test", "tests", "src"})
EXIT_USAGE = 2


@dataclass(frozen=True)
class ExtensionNames:
    """The names a generated extension uses.

    Attributes:
        dist: The distribution name in ``pyproject.toml`` (``my-ext``).
        package: The import name (``my_ext``).
        class_prefix: The prefix of the generated class names (``MyExt``).
        short_prefix: The prefix of the entry-point short names (``my_ext_``).
    """

    dist: str
    package: str
    class_prefix: str
    short_prefix: str


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``new`` command group."""
    new = subparsers.add_parser("new", help="Create things from templates.")
    add_common_options(new)
    sub = new.add_subparsers(dest="new_command", metavar="WHAT", required=True)
    ext = sub.add_parser(
        "extension",
        help="Generate an extension package: a model client, a code executor and a tool, "
        "with tests and entry points.",
    )
    add_common_options(ext)
    ext.add_argument("name", help="The package name, e.g. my-ext (import name: my_ext).")
    ext.add_argument(
        "--dir",
        dest="parent",
        default=".",
        metavar="PATH",
        help="The folder to create the package folder in (default: the current folder).",
    )
    ext.set_defaults(handler=_new_extension)


def extension_names(name: str) -> ExtensionNames:
    """Check ``name`` and derive the names the package uses.

    Raises:
        CommandError: ``name`` cannot be a package name; the message says why.
    """
    if not _DIST_NAME.match(name):
        raise CommandError(
            f"{name!r} is not a valid package name: use letters, digits, '-', '_' and '.', "
            "starting with a letter and ending with a letter or digit (e.g. my-ext).",
            EXIT_USAGE,
        )
    dist = re.sub(r"[-_.]+", "-", name).lower()
    package = dist.replace("-", "_")
    if keyword.iskeyword(package) or not package.isidentifier():
        raise CommandError(
            f"{name!r} gives the import name {package!r}, which Python cannot import. "
            "Choose another name.",
            EXIT_USAGE,
        )
    stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    if package in _RESERVED or package in stdlib:
        raise CommandError(
            f"{name!r} gives the import name {package!r}, which would shadow "
            f"{'a standard library module' if package in stdlib else 'an existing package'}. "
            "Choose another name, e.g. agentparts-" + dist + ".",
            EXIT_USAGE,
        )
    class_prefix = "".join(part.capitalize() for part in package.split("_") if part)
    return ExtensionNames(dist, package, class_prefix, package + "_")


def write_extension(name: str, parent: Path) -> tuple[Path, list[Path]]:
    """Generate the extension package ``name`` in a new folder under ``parent``.

    Args:
        name: The package name.
        parent: The folder to create the package folder in (created if missing).

    Returns:
        The package folder and the files written, relative to it.

    Raises:
        CommandError: The name is invalid or the folder already exists; nothing was written.
    """
    from .. import __version__

    names = extension_names(name)
    target = parent / names.dist
    if target.exists():
        raise CommandError(
            f"{target} already exists: nothing was written. Choose another name, or another "
            "folder with --dir, or remove it first.",
        )
    replacements = {
        "__agentparts_version__": __version__,
        "__dist__": names.dist,
        "__package__": names.package,
        "__Class__": names.class_prefix,
        "__short__": names.short_prefix,
    }

    def render(text: str) -> str:
        for placeholder, value in replacements.items():
            text = text.replace(placeholder, value)
        return text

    rendered: dict[Path, str] = {}

    def collect(node: Path, relative: Path) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                if child.name != "__pycache__":
                    collect(child, relative / render(child.name))
            elif child.name.endswith(_TEMPLATE_SUFFIX):
                out_name = render(child.name[: -len(_TEMPLATE_SUFFIX)])
                rendered[relative / out_name] = render(child.read_text(encoding="utf-8"))

    collect(Path(__file__).with_name(_TEMPLATE_DIR), Path())
    parent.mkdir(parents=True, exist_ok=True)
    try:
        target.mkdir()
    except FileExistsError:
        raise CommandError(f"{target} already exists: nothing was written.") from None
    for relative, text in rendered.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target, sorted(rendered)


def _new_extension(args: argparse.Namespace, ctx: CommandContext) -> int:
    target, written = write_extension(args.name, Path(args.parent))
    names = extension_names(args.name)
    ctx.out(f"Created {target} ({len(written)} files):")
    for relative in written:
        ctx.out(f"  {relative.as_posix()}")
    ctx.out(
        "\nNext:\n"
        f"  cd {target}\n"
        '  uv venv && uv pip install -e ".[dev]"   # or: pip install -e ".[dev]"\n'
        "  .venv/bin/pytest\n"
        f"Components (short names): {names.short_prefix}model, {names.short_prefix}executor, "
        f"{names.short_prefix}tool"
    )
    return 0
