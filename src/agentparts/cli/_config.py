"""``agentparts config validate FILE`` and ``agentparts config show PROVIDER``."""

from __future__ import annotations

import argparse

from ._util import CommandContext, CommandError, add_allow_option, add_common_options

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
    validate.add_argument("file", metavar="FILE", help="A .json, .yaml or .yml component config.")
    validate.set_defaults(handler=_validate)

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
    component = ComponentLoader.load_component(model, allowed_providers=args.allow)
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
