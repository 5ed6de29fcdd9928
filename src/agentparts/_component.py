from __future__ import annotations

import functools
import os
import typing
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeAlias, TypeVar, overload

from pydantic_core import ValidationError

from ._providers import allowing_providers, register_class
from .errors import (
    ComponentConfigError,
    ComponentLoadError,
    ComponentTypeError,
    ComponentValidationError,
    ComponentVersionError,
    EnvNotAllowedError,
)
from .logging import ComponentLoadEvent, emit

# The component model, the secrets, the config limits, the provider resolver and Pydantic's
# model machinery (``pydantic.main``, about 40% of ``import asyncio, pydantic`` on its own)
# are imported by the first load or save (_load_parts): ``from agentparts import
# ComponentLoader`` stays small until then.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._capabilities import Capability
    from ._component_model import ComponentModel, ComponentType
    from ._config_secrets import resolve_secrets
    from ._limits import (
        ConfigLimits,
        check_structure,
        current_limits,
        load_yaml,
        parse_depth_error,
        read_limited,
    )
    from ._references import import_provider
    from ._secrets import (
        dump_config,
        env_permission,
        including_secrets,
        loading_config,
        loading_untrusted,
        secrets_included,
    )

__all__ = [
    "Component",
    "ComponentBase",
    "ComponentFromConfig",
    "ComponentLoader",
    "ComponentSchemaType",
    "ComponentToConfig",
    "is_component_class",
    "is_component_instance",
]

ConfigT = TypeVar("ConfigT", bound="BaseModel")
FromConfigT = TypeVar("FromConfigT", bound="BaseModel", contravariant=True)
ToConfigT = TypeVar("ToConfigT", bound="BaseModel", covariant=True)
ExpectedT = TypeVar("ExpectedT")

ComponentSource: TypeAlias = "ComponentModel | dict[str, Any] | str | os.PathLike[str]"
"""What ``load_component`` takes: a component model, its dict, or a JSON/YAML file path."""


def _provider_of(cls: type) -> str:
    """The provider string ``cls`` is registered under in this process.

    Only the class's own string override counts here: registering a subclass under its
    parent's string would let a load of the parent's provider pick the subclass. (A
    property override has no value before there is an instance.)
    """
    override = cls.__dict__.get("component_provider_override")
    return override if isinstance(override, str) else f"{cls.__module__}.{cls.__qualname__}"


def _saved_provider(component: Any) -> str:
    """The provider string ``dump_component`` writes for ``component``, as AutoGen does.

    The override is read on the instance, so one defined as a property counts, and so
    does one inherited from a parent. An inherited string makes the subclass load back
    as the class that string names: that is AutoGen's behaviour, and agentparts warns
    about it instead of letting the subclass lose what it adds silently.
    """
    cls: type[Any] = component.__class__
    override = getattr(component, "component_provider_override", None)
    if not isinstance(override, str) or not override:
        return f"{cls.__module__}.{cls.__qualname__}"
    owner = next(k for k in cls.__mro__ if "component_provider_override" in k.__dict__)
    if owner is not cls and not isinstance(owner.__dict__["component_provider_override"], property):
        warnings.warn(
            f"{cls.__qualname__} is saved under the provider {override!r} it inherits from "
            f"{owner.__qualname__}, so it loads back as {owner.__qualname__}, without what "
            f"{cls.__qualname__} adds (as in AutoGen). To load it as itself, set "
            f"component_provider_override = {f'{cls.__module__}.{cls.__qualname__}'!r} on "
            f"{cls.__qualname__}.",
            UserWarning,
            stacklevel=3,
        )
    return override


class ComponentFromConfig(Generic[FromConfigT]):
    """The half of a component that builds an instance from its config."""

    component_env_vars: ClassVar[tuple[str, ...]] = ()
    """Environment variables the component documents as its own: its config may reference
    them as ``{"$env": NAME}`` without the caller's allowance (except in an untrusted load)."""

    @classmethod
    def _capabilities(cls, config: FromConfigT) -> Sequence[Capability]:
        """What an instance built from ``config`` will do on the host when run.

        Called by the loader on the validated config before :meth:`_from_config` (and by
        ``agentparts config inspect``, with env references left unread). Components that
        start processes, run code outside a sandbox, talk to the network, read environment
        variables or use folders say so here; the default declares nothing. A component
        outside agentparts that does not define this hook is counted as *undeclared*, and an
        untrusted load refuses it.
        """
        return ()

    @classmethod
    def _from_config(cls, config: FromConfigT) -> Self:
        """Create an instance from a validated config of the current version."""
        raise NotImplementedError(f"{cls.__name__} does not implement _from_config().")

    @classmethod
    def _from_config_past_version(cls, config: dict[str, Any], version: int) -> Self:
        """Create an instance from the raw config of an older ``component_version``."""
        raise NotImplementedError(
            f"{cls.__name__} cannot load component_version {version}: it does not implement "
            "_from_config_past_version()."
        )


class ComponentToConfig(Generic[ToConfigT]):
    """The half of a component that saves an instance as its config."""

    component_type: ClassVar[ComponentType]
    component_version: ClassVar[int] = 1
    component_provider_override: ClassVar[str | None] = None
    component_description: ClassVar[str | None] = None
    component_label: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_class(_provider_of(cls), cls)

    def _to_config(self) -> ToConfigT:
        """The config that recreates this instance."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _to_config().")

    def dump_component(self, *, include_secrets: bool | None = None) -> ComponentModel:
        """Save this component as a :class:`ComponentModel`.

        Args:
            include_secrets: Write ``SecretStr`` values in plain text. By default they are
                masked, except secrets read from an environment variable, which are saved
                as a reference ``{"$env": "NAME"}`` to that variable. Nested components
                follow the outermost call.
        """
        cls = type(self)
        provider = _saved_provider(self)
        component_type = getattr(self, "component_type", None)
        if component_type is None:
            raise AttributeError(
                f"{cls.__name__} has no component_type: set the class variable, or derive "
                "from a base such as ChatCompletionClient, BaseTool or CodeExecutor."
            )
        if not _parts_loaded:
            _load_parts()
        include = secrets_included() if include_secrets is None else include_secrets
        with including_secrets(include):
            config = dump_config(self._to_config())
        return ComponentModel(
            provider=provider,
            component_type=component_type,
            version=cls.component_version,
            component_version=cls.component_version,
            description=cls.component_description or _first_paragraph(cls.__doc__),
            label=cls.component_label or cls.__name__,
            config=config,
        )


class ComponentSchemaType(Generic[ConfigT]):
    """Declares the config class of a component.

    A subclass that misses one of ``required_class_vars`` gets a ``UserWarning`` when it is
    defined, as in AutoGen (it cannot be loaded until it sets them).
    """

    component_config_schema: type[ConfigT]
    required_class_vars: ClassVar[Sequence[str]] = ("component_config_schema", "component_type")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ == "Component":
            return
        for name in cls.required_class_vars:
            # (Looked up in the class dicts, not with hasattr: reading an imported_on_read
            # attribute would import the config model when the class is defined.)
            if not any(name in vars(klass) for klass in cls.__mro__):
                warnings.warn(
                    f"Class variable '{name}' must be defined in {cls.__name__} to be a valid "
                    f"component: set {name} in the class body.",
                    UserWarning,
                    stacklevel=2,
                )


class ComponentLoader:
    """Loads components from their saved form, safely."""

    @overload
    @classmethod
    def load_component(
        cls,
        model: ComponentSource,
        expected: None = None,
        *,
        allowed_providers: Sequence[str] | None = None,
        allowed_env: Sequence[str] | None = None,
        untrusted: bool = False,
        unsafe_exec_source_tools_on_host: bool = False,
    ) -> Self: ...

    @overload
    @classmethod
    def load_component(
        cls,
        model: ComponentSource,
        expected: type[ExpectedT],
        *,
        allowed_providers: Sequence[str] | None = None,
        allowed_env: Sequence[str] | None = None,
        untrusted: bool = False,
        unsafe_exec_source_tools_on_host: bool = False,
    ) -> ExpectedT: ...

    @classmethod
    def load_component(
        cls,
        model: ComponentSource,
        expected: type[ExpectedT] | None = None,
        *,
        allowed_providers: Sequence[str] | None = None,
        allowed_env: Sequence[str] | None = None,
        untrusted: bool = False,
        unsafe_exec_source_tools_on_host: bool = False,
    ) -> Self | ExpectedT:
        """Create a component from its saved form.

        Only allowed providers are imported (see the safe-loading docs); nothing is ever
        exec'd on the host (but with ``unsafe_exec_source_tools_on_host``). Nested
        components load under the same allowlist.

        Args:
            model: A :class:`ComponentModel`, its dict, or the path of a JSON or YAML file.
            expected: The class the result must be an instance of. Defaults to the class
                this is called on (``ChatCompletionClient.load_component`` expects a model
                client).
            allowed_providers: Extra provider prefixes to trust, such as ``["mypackage"]``.
            allowed_env: Environment variables the config may reference as
                ``{"$env": NAME}`` besides those its components document as their own (and
                besides the names listed in ``AGENTPARTS_ALLOWED_ENV``).
            untrusted: Load a config you did not write: before anything is constructed,
                refuse every host command, unsandboxed code, undeclared component, folder
                outside the current directory and env variable not allowed explicitly.
                Nested loads inherit both settings.
            unsafe_exec_source_tools_on_host: Exec every ``FunctionTool`` saved as source
                code (AutoGen configs) in this process, with the host's packages, files
                and network, as AutoGen does. Without it such a tool runs each call in
                the sandbox. Refused together with ``untrusted``; nested loads inherit it.

        Raises:
            ComponentLoadError: the source is malformed, the provider refused or unknown,
                the type unexpected, the version unsupported, a secret masked, an env
                variable not allowed (:class:`~agentparts.errors.EnvNotAllowedError`), a
                capability refused (:class:`~agentparts.errors.CapabilityRefusedError`), or
                the config invalid. Its subclass and message say which, and what to do.
        """
        if not _parts_loaded:
            _load_parts()
        component_model = _as_component_model(model)
        outermost = not loading_config()
        target: type[Any] | None = expected
        if target is None and cls not in (ComponentLoader, ComponentBase):
            target = cls
        with (
            allowing_providers(allowed_providers),
            env_permission(
                allowed_env,
                untrusted=untrusted,
                source_tools_on_host=unsafe_exec_source_tools_on_host,
            ),
            only_load_errors(repr(component_model.provider)),
        ):
            if loading_untrusted():  # the whole tree, before anything is built
                from ._capabilities import inspect_model, refuse_untrusted

                refuse_untrusted(inspect_model(component_model, strict=True))
            try:
                instance = _load_component_model(component_model, target)
            except EnvNotAllowedError as exc:
                if not outermost:
                    raise
                from ._capabilities import env_refusal

                raise env_refusal(component_model, exc) from None
        return typing.cast("Self | ExpectedT", instance)


class ComponentBase(ComponentToConfig[ConfigT], ComponentLoader, Generic[ConfigT]):
    """Base of every interface whose implementations are components (model clients, tools...)."""


class Component(ComponentFromConfig[ConfigT], ComponentSchemaType[ConfigT], Generic[ConfigT]):
    """Mix-in that makes a class a loadable component with config class ``ConfigT``.

    Example:
        >>> from pydantic import BaseModel
        >>> from agentparts import Component, ComponentBase
        >>> class GreeterConfig(BaseModel):
        ...     greeting: str
        >>> class Greeter(ComponentBase[GreeterConfig], Component[GreeterConfig]):
        ...     component_type = "greeter"
        ...     component_config_schema = GreeterConfig
        ...     def __init__(self, greeting: str) -> None:
        ...         self.greeting = greeting
        ...     def _to_config(self) -> GreeterConfig:
        ...         return GreeterConfig(greeting=self.greeting)
        ...     @classmethod
        ...     def _from_config(cls, config: GreeterConfig) -> "Greeter":
        ...         return cls(config.greeting)
        >>> Greeter.load_component(Greeter("hi").dump_component()).greeting
        'hi'
    """


_parts_loaded = False


def _load_parts() -> None:
    """Import what loading and saving use into this module, once (see the imports above).

    Later calls pay one flag check instead of an import statement each (about 1 us apiece,
    a third of a small component's load).
    """
    global _parts_loaded
    from ._component_model import ComponentModel
    from ._config_secrets import resolve_secrets
    from ._limits import (
        check_structure,
        current_limits,
        load_yaml,
        parse_depth_error,
        read_limited,
    )
    from ._references import import_provider
    from ._secrets import (
        dump_config,
        env_permission,
        including_secrets,
        loading_config,
        loading_untrusted,
        secrets_included,
    )

    globals().update(
        ComponentModel=ComponentModel,
        resolve_secrets=resolve_secrets,
        check_structure=check_structure,
        current_limits=current_limits,
        load_yaml=load_yaml,
        parse_depth_error=parse_depth_error,
        read_limited=read_limited,
        import_provider=import_provider,
        dump_config=dump_config,
        env_permission=env_permission,
        including_secrets=including_secrets,
        loading_config=loading_config,
        loading_untrusted=loading_untrusted,
        secrets_included=secrets_included,
    )
    _parts_loaded = True


def is_component_class(cls: type[Any]) -> bool:
    """Whether ``cls`` can be saved and loaded as a component."""
    return (
        issubclass(cls, ComponentFromConfig)
        and issubclass(cls, ComponentToConfig)
        and issubclass(cls, ComponentSchemaType)
        and issubclass(cls, ComponentLoader)
    )


def is_component_instance(obj: Any) -> bool:
    """Whether ``obj`` is an instance of a component class."""
    return is_component_class(typing.cast("type[Any]", type(obj)))


@functools.lru_cache(maxsize=1024)
def _first_paragraph(doc: str | None) -> str | None:
    if not doc:
        return None
    return doc.strip().split("\n\n", 1)[0].strip() or None


def _as_component_model(model: ComponentSource) -> ComponentModel:
    if not _parts_loaded:
        _load_parts()
    if isinstance(model, ComponentModel):
        return model
    with only_load_errors("the config"):
        limits = current_limits()
        label = "The given dict"
        data: Any = model
        if isinstance(model, str | os.PathLike):
            path = Path(model)
            label = f"Config file {path}"
            data = _read_config_file(path, limits)
        if not isinstance(data, dict):
            raise ComponentConfigError(
                f"{label} is not a component: expected a mapping with 'provider' and 'config', "
                f"got {type(data).__name__}."
            )
        check_structure(typing.cast(object, data), label, limits)
        try:
            return ComponentModel.model_validate(data)
        except ValidationError as exc:
            raise ComponentValidationError(
                f"{label} is not a valid component model: {_describe(exc, '')}", exc
            ) from None


def _read_config_file(path: Path, limits: ConfigLimits) -> Any:
    import json  # (imported here: the loader's own import stays small)

    text = read_limited(path, limits)
    label = f"Config file {path}"
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            return load_yaml(text, label, limits)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ComponentConfigError(
                f"{label} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}. (YAML files need a .yaml or .yml suffix.)"
            ) from None
        except ValueError as exc:  # an integer too long to convert, say
            raise ComponentConfigError(f"{label} is not valid JSON: {exc}") from None
    except RecursionError:
        raise parse_depth_error(label, limits) from None


class only_load_errors:
    """Let only :class:`ComponentLoadError` out of the block: anything else, ``SystemExit``
    and ``KeyboardInterrupt`` included, becomes a :class:`ComponentConfigError` naming it.

    (A class rather than a generator: it wraps every ``load_component`` call.)
    """

    __slots__ = ("_what",)

    def __init__(self, what: str) -> None:
        self._what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: object
    ) -> None:
        if exc is None or isinstance(exc, ComponentLoadError):
            return
        if isinstance(exc, RecursionError):
            raise ComponentConfigError(
                f"Loading {self._what} failed: it nests too deeply for Python (RecursionError). "
                "Flatten the config, or split it into smaller components."
            ) from exc
        raise ComponentConfigError(
            f"Loading {self._what} failed: its code raised {type(exc).__name__}: {exc}. Check "
            "the config values; if they are right, the component is broken: report it to the "
            "authors of its package."
        ) from exc


def _load_component_model(component_model: ComponentModel, expected: type[Any] | None) -> Any:
    provider = component_model.provider
    component_class = import_provider(provider, expected)
    if not is_component_class(component_class):
        raise ComponentTypeError(
            f"Provider {provider!r} names {component_class!r}, which is not a component class."
        )
    if expected is not None and not issubclass(component_class, expected):
        raise ComponentTypeError(
            f"Provider {provider!r} is a {component_class.__name__}, but a {expected.__name__} "
            "was expected here."
        )
    supported: int = component_class.component_version
    saved = component_model.component_version or component_model.version or supported
    if saved > supported:
        raise ComponentVersionError(
            f"{provider!r} was saved with component_version {saved}, but the installed "
            f"{component_class.__name__} supports versions up to {supported}. Upgrade the package "
            "that provides it."
        )
    schema: type[BaseModel] | None = getattr(component_class, "component_config_schema", None)
    if schema is None:
        raise ComponentTypeError(f"{component_class.__name__} declares no component_config_schema.")
    documented: tuple[str, ...] = getattr(component_class, "component_env_vars", ())
    config_data = resolve_secrets(component_model.config, schema, "config", documented)
    if loading_untrusted():  # (imported here: the loader's own import stays small)
        from ._capabilities import police_component

        police_component(component_class, schema, config_data, provider)
    if saved < supported:
        try:
            instance = component_class._from_config_past_version(config_data, saved)
        except NotImplementedError as exc:
            raise ComponentVersionError(str(exc)) from None
    else:
        try:
            config = schema.model_validate(config_data)
        except ValidationError as exc:
            raise ComponentValidationError(
                f"Invalid config for {provider!r}: {_describe(exc, 'config')}", exc
            ) from None
        instance = component_class._from_config(config)
    emit(
        ComponentLoadEvent(
            provider=provider,
            component_type=component_model.component_type,
            component_version=saved,
        )
    )
    return instance


def _describe(exc: ValidationError, root: str) -> str:
    parts: list[str] = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in (root, *error["loc"]) if p != "")
        parts.append(f"{loc or '(root)'}: {error['msg']}")
    return "; ".join(parts)
