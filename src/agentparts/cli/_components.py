"""``agentparts components list``: built-in components and those installed through entry points."""

from __future__ import annotations

import argparse
from typing import Any

from ._util import CommandContext, add_common_options

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``components`` command group."""
    group = subparsers.add_parser("components", help="List the components that can be loaded.")
    add_common_options(group)
    sub = group.add_subparsers(dest="components_command", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="List built-in components and those installed through entry points."
    )
    add_common_options(listing)
    listing.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    listing.add_argument(
        "--type", dest="component_type", metavar="TYPE", help="Only this component type."
    )
    listing.set_defaults(handler=_list)


def _describe(name: str, provider: str, source: str) -> dict[str, Any]:
    from .._providers import import_provider

    row: dict[str, Any] = {
        "name": name,
        "provider": provider,
        "source": source,
        "component_type": None,
        "status": "ok",
        "error": None,
    }
    try:
        cls = import_provider(provider)
    except Exception as exc:  # a broken entry point must not break the listing
        row["status"] = "broken" if source != "built-in" else "unavailable"
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row
    row["component_type"] = getattr(cls, "component_type", None)
    return row


def collect_components() -> list[dict[str, Any]]:
    """Every known component as a row: name, provider, source, type, status, error."""
    from .._providers import BUILTIN_SHORT_NAMES, installed_components

    rows = [_describe(name, path, "built-in") for name, path in BUILTIN_SHORT_NAMES.items()]
    for entry in installed_components():
        rows.append(
            _describe(entry.name, entry.provider, f"entry point ({entry.distribution or '?'})")
        )
    return rows


def _list(args: argparse.Namespace, ctx: CommandContext) -> int:
    rows = collect_components()
    if args.component_type:
        rows = [r for r in rows if r["component_type"] == args.component_type]
    if args.json:
        import json

        ctx.out(json.dumps(rows, indent=2))
        return 0
    headers = ("NAME", "TYPE", "SOURCE", "PROVIDER")
    table = [(r["name"], r["component_type"] or "-", r["source"], r["provider"]) for r in rows]
    widths = [
        max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(headers)
    ]
    ctx.out("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row, cells in zip(rows, table, strict=True):
        ctx.out("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if row["error"]:
            ctx.out(f"    {row['status']}: {row['error']}")
    broken = sum(1 for r in rows if r["status"] == "broken")
    if broken:
        ctx.err(f"{broken} entry point(s) cannot be loaded: see the messages above.")
    return 0
