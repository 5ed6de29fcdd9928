"""What a config will do on the host when run, and what an untrusted load refuses.

Every component class may declare, from its validated config, what it does beyond
computing in memory: host commands it starts, code it runs unsandboxed, code it runs in
the sandbox, network endpoints it talks to, environment variables it reads and folders it
uses (:meth:`ComponentFromConfig._capabilities`). The loader collects these before any
``_from_config`` runs, so ``agentparts config inspect`` can print them without
constructing or starting anything, and ``load_component(..., untrusted=True)`` can refuse
a config before anything exists.

A component outside agentparts that does not declare its capabilities counts as
*undeclared*: inspect lists it, and an untrusted load refuses it, since it may do anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import ValidationError

from ._secrets import (
    ALLOWED_ENV_VAR,
    allowed_env_names,
    loading_untrusted,
    recording_env_uses,
)
from .errors import CapabilityRefusedError, ComponentLoadError, EnvNotAllowedError

# Every component module imports this one for Capability and its constructors: the
# component model and Pydantic's BaseModel, which only the inspection needs, are imported
# by it (when a config is loaded, so Pydantic is in use anyway).
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._component import ComponentFromConfig
    from ._component_model import ComponentModel

__all__ = [
    "KIND_TITLES",
    "Capability",
    "CapabilityKind",
    "Inspection",
    "env_read",
    "env_refusal",
    "folder",
    "host_code",
    "host_command",
    "inspect_config",
    "inspect_model",
    "network",
    "police_component",
    "refusal",
    "refuse_untrusted",
    "sandboxed_code",
]

CapabilityKind = Literal[
    "host_command", "host_code", "sandboxed_code", "network", "env", "folder", "undeclared"
]
"""The kinds of things a config can do (``unknown`` marks what inspect could not read)."""

KIND_TITLES: dict[str, str] = {
    "host_command": "Starts host commands",
    "host_code": "Runs code unsandboxed on the host (in-process or as a local process)",
    "sandboxed_code": "Runs code in the sandbox",
    "network": "Talks to network endpoints",
    "env": "Reads environment variables",
    "folder": "Reads or writes folders",
    "undeclared": "Does not declare what it does (components from other packages)",
    "unknown": "Could not be read",
}
"""A heading per kind, in the order ``config inspect`` prints them."""


@dataclass(frozen=True)
class Capability:
    """One thing a loaded config will do on the host.

    Attributes:
        kind: What sort of thing it is (see :data:`CapabilityKind`).
        target: The command line, function reference, URL, variable name or folder.
        detail: A short explanation, such as ``"MCP server over stdio"``.
        path: Where in the config it comes from (``config.tools[0]``; empty: the root).
        provider: The provider string of the component that declares it.
        documented: For ``env``: the component documents the variable as its own.
        only_if_set: For ``env``: the component reads the variable by itself, only when
            it is set (such as ``OPENAI_API_KEY`` when the config gives no key).
        reference: For ``env``: a ``{"$env": NAME}`` reference in the config (not a
            variable the component reads by itself).
    """

    kind: CapabilityKind | Literal["unknown"]
    target: str
    detail: str = ""
    path: str = ""
    provider: str = ""
    documented: bool = False
    only_if_set: bool = False
    reference: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The capability as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class Inspection:
    """What ``agentparts config inspect`` finds in a config.

    Attributes:
        components: ``(path, provider)`` of every component, the root first.
        capabilities: Everything they declare, in config order.
    """

    components: tuple[tuple[str, str], ...]
    capabilities: tuple[Capability, ...]

    def env_not_allowed(self) -> list[Capability]:
        """The env references a trusted load refuses (neither documented nor allowed)."""
        allowed = allowed_env_names()
        return [
            c
            for c in self.capabilities
            if c.kind == "env" and c.reference and not c.documented and c.target not in allowed
        ]

    def untrusted_refusals(self) -> list[tuple[Capability, str]]:
        """What an untrusted load refuses, each with the reason."""
        return [(c, why) for c in self.capabilities if (why := refusal(c)) is not None]


def host_command(command: str, args: Sequence[str] = (), detail: str = "") -> Capability:
    """A process started on the host (outside any sandbox)."""
    import shlex  # (imported here: every model client and agent module imports this one)

    return Capability("host_command", shlex.join([command, *args]), detail)


def host_code(what: str, detail: str = "") -> Capability:
    """Code that runs on the host without a sandbox: in-process Python or a local runner."""
    return Capability("host_code", what, detail)


def sandboxed_code(what: str, detail: str = "") -> Capability:
    """Code that runs inside the sandbox (allowed in untrusted loads)."""
    return Capability("sandboxed_code", what, detail)


def network(url: str, detail: str = "") -> Capability:
    """A network endpoint the component talks to."""
    return Capability("network", url, detail)


def env_read(name: str, detail: str = "", *, only_if_set: bool = False) -> Capability:
    """An environment variable the component reads by itself (not through ``$env``)."""
    return Capability("env", name, detail, only_if_set=only_if_set)


def folder(path: str | os.PathLike[str], access: str, detail: str = "") -> Capability:
    """A folder (or file) the component uses; ``access`` is ``"reads"``, ``"writes"``..."""
    return Capability("folder", str(path), f"{access}: {detail}" if detail else access)


def refusal(capability: Capability) -> str | None:
    """Why an untrusted load refuses ``capability``, or None if it allows it.

    Host commands, unsandboxed code, undeclared components and anything unreadable are
    refused; so are folders outside the current working directory and every environment
    variable the caller did not allow explicitly. Sandboxed code and network endpoints
    are allowed.
    """
    kind, target = capability.kind, capability.target
    if kind == "host_command":
        return f"starts the host command {target!r}"
    if kind == "host_code":
        return f"runs code unsandboxed on the host: {target}"
    if kind == "undeclared":
        return f"{target} does not declare what it does, so it may do anything"
    if kind == "unknown":
        return f"cannot be inspected: {capability.detail}"
    if kind == "folder" and not _inside_cwd(target):
        return f"uses the folder {target!r}, outside the current directory"
    if kind == "env" and target not in allowed_env_names():
        if capability.only_if_set and target not in os.environ:
            return None
        return (
            f"reads the environment variable {target}; allow it explicitly with "
            f"allowed_env=[{target!r}] or --allow-env {target}"
        )
    return None


def refuse_untrusted(capabilities: Sequence[Capability]) -> None:
    """Raise if an untrusted load must refuse any of ``capabilities``.

    Raises:
        EnvNotAllowedError: Only environment variables are refused.
        CapabilityRefusedError: Something else is refused too.
    """
    refused = [(c, why) for c in capabilities if (why := refusal(c)) is not None]
    if not refused:
        return
    lines = [f"  - {c.path or '(root)'} ({c.provider or 'component'}): {why}" for c, why in refused]
    message = (
        "Refused to load this config as untrusted; nothing was constructed or started:\n"
        + "\n".join(lines)
        + "\nInspect what it does with 'agentparts config inspect FILE'. If you trust it, "
        "load it without untrusted=True (the CLI option --untrusted)."
    )
    if all(c.kind == "env" for c, _ in refused):
        raise EnvNotAllowedError(message)
    raise CapabilityRefusedError(message)


def env_refusal(model: ComponentModel, error: EnvNotAllowedError) -> EnvNotAllowedError:
    """The error for ``model`` whose env references are not allowed: every one, by full path.

    A nested load only knows its own part of the config; the outermost load calls this to
    name each reference from the root (``config.model_client.config.api_key``), all at once.
    """
    try:
        missing = inspect_config(model).env_not_allowed()
    except ComponentLoadError:
        return error
    if not missing:
        return error
    names = sorted({c.target for c in missing})
    lines = "\n".join(f"  - {c.path}: {c.target} ({c.provider}; {c.detail})" for c in missing)
    options = " ".join(f"--allow-env {n}" for n in names)
    return EnvNotAllowedError(
        "The config references environment variables that its components do not declare "
        f"as their own. Nothing was read:\n{lines}\nIf you trust this config with them, "
        f"allow them: load_component(..., allowed_env={names!r}), the CLI options {options}, "
        f"or {ALLOWED_ENV_VAR}={','.join(names)} in the environment."
    )


def police_component(
    cls: type[Any], schema: type[BaseModel], config_data: dict[str, Any], provider: str
) -> None:
    """In an untrusted load, refuse ``cls`` built from ``config_data`` if it must be.

    The loader calls this for every component, right before ``_from_config``; outside an
    untrusted load it does nothing. (The whole config was checked before the first
    component was built; this catches components loaded from places the walk cannot see.)
    """
    if not loading_untrusted():
        return
    try:
        config: BaseModel | None = schema.model_validate(config_data)
    except ValidationError:
        if _declares_capabilities(cls):
            return  # the loader reports the invalid config (or loads an older version)
        config = None
    where = f"the {provider} being loaded"
    refuse_untrusted(
        [replace(c, path=where, provider=provider) for c in _declared(cls, config, provider)]
    )


def inspect_model(model: ComponentModel, *, strict: bool = False) -> tuple[Capability, ...]:
    """Everything the config ``model`` declares it will do, without building anything.

    Environment references are recorded, never read, so the variables need not be set.

    Args:
        model: The component config.
        strict: Raise load errors (a refused provider, an invalid config) instead of
            listing the component as ``unknown``.

    Raises:
        ComponentLoadError: Only when ``strict``.
    """
    return inspect_config(model, strict=strict).capabilities


def inspect_config(model: ComponentModel, *, strict: bool = False) -> Inspection:
    """The components of the config ``model`` and what they declare (see :func:`inspect_model`)."""
    found: list[Capability] = []
    components: list[tuple[str, str]] = []
    _walk(model, "", found, components, strict)
    return Inspection(tuple(components), tuple(found))


def _walk(
    model: ComponentModel,
    path: str,
    found: list[Capability],
    components: list[tuple[str, str]],
    strict: bool,
) -> None:
    from ._component import _describe, is_component_class
    from ._config_secrets import resolve_secrets as _resolve_secrets
    from ._providers import import_provider

    provider = model.provider
    components.append((path, provider))
    prefix = f"{path}.config" if path else "config"
    try:
        cls = import_provider(provider)
        if not is_component_class(cls):
            raise ComponentLoadError(f"{provider!r} does not name a component class.")
        documented: tuple[str, ...] = getattr(cls, "component_env_vars", ())
        with recording_env_uses() as uses:
            data = _resolve_secrets(model.config, cls.component_config_schema, prefix, documented)
            try:
                config: BaseModel | None = cls.component_config_schema.model_validate(data)
            except ValidationError as exc:
                saved = model.component_version or model.version
                if saved is None or saved >= cls.component_version:
                    raise ComponentLoadError(
                        f"Invalid config for {provider!r}: {_describe(exc, prefix)}"
                    ) from None
                config = None  # an older version: what it does cannot be read
    except ComponentLoadError as exc:
        if strict:
            raise
        found.append(Capability("unknown", provider, str(exc), path, provider))
        return
    for use in uses:
        if use.documented:
            detail = "referenced in the config, documented by the component"
        else:
            declared = ", ".join(documented) or "none"
            detail = f"referenced in the config; the component declares as its own: {declared}"
        found.append(
            Capability("env", use.name, detail, use.path, provider, use.documented, reference=True)
        )
    for capability in _declared(cls, config, provider):
        found.append(replace(capability, path=capability.path or path, provider=provider))
    if config is not None:
        for nested_path, nested in _nested_components(config, prefix):
            _walk(nested, nested_path, found, components, strict)


def _declared(cls: type[Any], config: BaseModel | None, provider: str) -> list[Capability]:
    if not _declares_capabilities(cls):
        return [Capability("undeclared", f"{cls.__module__}.{cls.__qualname__}", provider=provider)]
    if config is None:
        return [
            Capability(
                "undeclared",
                provider,
                "saved by an older version; save it again with the installed version",
                provider=provider,
            )
        ]
    component: type[ComponentFromConfig[Any]] = cls
    return list(component._capabilities(config))  # pyright: ignore[reportPrivateUsage]


def _declares_capabilities(cls: type[Any]) -> bool:
    """Built-in classes are audited; others must define the hook in their own package."""
    top = cls.__module__.split(".", 1)[0]
    if top == "agentparts":
        return True
    for base in cls.__mro__:
        if "_capabilities" in base.__dict__:
            return base.__module__.split(".", 1)[0] == top
    return False


def _nested_components(value: Any, path: str) -> Iterator[tuple[str, ComponentModel]]:
    from pydantic import BaseModel

    from ._component_model import ComponentModel

    if isinstance(value, ComponentModel):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _nested_components(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
            yield from _nested_components(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():  # pyright: ignore[reportUnknownVariableType]
            yield from _nested_components(item, f"{path}.{key}")


def _inside_cwd(target: str) -> bool:
    try:
        resolved = Path(target).expanduser().resolve()
        return resolved.is_relative_to(Path.cwd().resolve())
    except (OSError, RuntimeError, ValueError):
        return False
