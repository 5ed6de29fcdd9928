"""``agentparts config validate|inspect FILE`` and ``agentparts config show PROVIDER``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._util import (
    CommandContext,
    CommandError,
    add_allow_option,
    add_common_options,
    add_load_options,
    add_source_tools_option,
)

if TYPE_CHECKING:
    from .._capabilities import Inspection

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``config`` command group."""
    group = subparsers.add_parser("config", help="Check component configs and show their schemas.")
    add_common_options(group)
    sub = group.add_subparsers(dest="config_command", metavar="ACTION", required=True)

    validate = sub.add_parser(
        "validate",
        help="Load a component config (JSON or YAML) safely and report whether it is valid.",
    )
    add_common_options(validate)
    add_allow_option(validate)
    add_load_options(validate)
    validate.add_argument("file", metavar="FILE", help="A .json, .yaml or .yml component config.")
    validate.set_defaults(handler=_validate)

    inspect = sub.add_parser(
        "inspect",
        help="Show what a config will do when run (commands, code, endpoints, env, folders), "
        "without starting anything.",
        description="List what the config will do on this machine when run: host commands "
        "it starts, code it runs unsandboxed or in the sandbox, network endpoints, "
        "environment variables and folders, and whether --untrusted would refuse it. Nothing "
        "is constructed or started, and its environment variables need not be set.",
    )
    add_common_options(inspect)
    add_allow_option(inspect)
    inspect.add_argument(
        "--allow-env",
        action="append",
        default=[],
        metavar="NAME",
        help="Count NAME as allowed, as a load with --allow-env NAME would (repeatable).",
    )
    add_source_tools_option(inspect)
    inspect.add_argument("--json", action="store_true", help="Print one JSON document.")
    inspect.add_argument("file", metavar="FILE", help="A .json, .yaml or .yml component config.")
    inspect.set_defaults(handler=_inspect)

    show = sub.add_parser("show", help="Print the JSON schema of a provider's config.")
    add_common_options(show)
    add_allow_option(show)
    show.add_argument(
        "provider",
        metavar="PROVIDER",
        help="A short name (see 'agentparts components list') or a dotted class path.",
    )
    show.set_defaults(handler=_show)


def _validate(args: argparse.Namespace, ctx: CommandContext) -> int:
    from pathlib import Path

    from .._component import ComponentLoader, _as_component_model

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Config file {path} does not exist. Check the path.")
    model = _as_component_model(path)
    component = ComponentLoader.load_component(
        model,
        allowed_providers=args.allow,
        allowed_env=args.allow_env,
        untrusted=args.untrusted,
        unsafe_exec_source_tools_on_host=args.unsafe_exec_source_tools_on_host,
    )
    label = model.label or type(component).__name__
    ctx.out(
        f"OK: {path} is a valid {model.component_type or 'component'} config "
        f"({label}, provider {model.provider})."
    )
    return 0


def _show(args: argparse.Namespace, ctx: CommandContext) -> int:
    import json

    from .._component import is_component_class
    from .._providers import allowing_providers, import_provider, resolve_provider

    with allowing_providers(args.allow):
        cls = import_provider(args.provider)
    if not is_component_class(cls):
        raise CommandError(f"{resolve_provider(args.provider)} is not a component class.")
    schema_class = cls.component_config_schema
    schema = schema_class.model_json_schema()
    document = {
        "provider": getattr(cls, "component_provider_override", None)
        or resolve_provider(args.provider),
        "component_type": getattr(cls, "component_type", None),
        "component_version": getattr(cls, "component_version", 1),
        "config_schema": schema,
    }
    ctx.out(json.dumps(document, indent=2))
    return 0


def _inspect(args: argparse.Namespace, ctx: CommandContext) -> int:
    import json
    from pathlib import Path

    from .._capabilities import inspect_config
    from .._component import _as_component_model
    from .._providers import allowing_providers
    from .._secrets import env_permission

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Config file {path} does not exist. Check the path.")
    model = _as_component_model(path)
    with (
        allowing_providers(args.allow),
        env_permission(args.allow_env, source_tools_on_host=args.unsafe_exec_source_tools_on_host),
    ):
        found = inspect_config(model)
        document = _inspection_document(str(path), found)
    if args.json:
        ctx.out(json.dumps(document, indent=2))
    else:
        ctx.out(_inspection_text(document))
    return 0


def _inspection_document(file: str, found: Inspection) -> dict[str, Any]:
    return {
        "file": file,
        "components": [{"path": p or "(root)", "provider": v} for p, v in found.components],
        "capabilities": [c.as_dict() for c in found.capabilities],
        "env_not_allowed": sorted({c.target for c in found.env_not_allowed()}),
        "untrusted_refusals": [
            {"path": c.path or "(root)", "provider": c.provider, "reason": why}
            for c, why in found.untrusted_refusals()
        ],
    }


def _inspection_text(document: dict[str, Any]) -> str:
    from .._capabilities import KIND_TITLES

    components = document["components"]
    count = f"{len(components)} component{'s' if len(components) > 1 else ''}"
    lines = [f"{document['file']}: {components[0]['provider']} ({count}). When run, it:"]
    capabilities: list[dict[str, Any]] = document["capabilities"]
    for kind, title in KIND_TITLES.items():
        items = [c for c in capabilities if c["kind"] == kind]
        if not items:
            continue
        lines.append(f"{title}:")
        for item in items:
            where = f"{item['path'] or '(root)'}, {item['provider']}"
            detail = f"{item['detail']}; " if item["detail"] else ""
            lines.append(f"  {item['target']}  ({detail}{where})")
    if not capabilities:
        lines.append(
            "  starts nothing, runs no code outside agentparts, uses no network, "
            "environment variable or folder."
        )
    missing = document["env_not_allowed"]
    if any(c["kind"] == "unknown" for c in capabilities):
        verdict = "fails (see 'Could not be read')."
    elif missing:
        verdict = "needs " + " ".join(f"--allow-env {n}" for n in missing) + "."
    else:
        verdict = "allowed (the variables it references must be set)."
    lines.append(f"Loading it: {verdict}")
    refusals = document["untrusted_refusals"]
    if refusals:
        lines.append(f"Loading it with --untrusted: refused ({len(refusals)}):")
        lines += [f"  - {r['path']} ({r['provider']}): {r['reason']}" for r in refusals]
    else:
        lines.append("Loading it with --untrusted: allowed.")
    return "\n".join(lines)
