from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_serializer,
)

__all__ = ["ComponentModel", "ComponentType"]

ComponentType = (
    Literal[
        "model",
        "agent",
        "tool",
        "workbench",
        "code_executor",
        "model_context",
        "memory",
        "termination",
        "token_provider",
        "chat_completion_cache",
    ]
    | str
)
"""The kind of a component; the built-in kinds are listed, extensions may add their own."""

_MASK = "**********"  # agentparts._secrets.MASK (not imported: that module is not needed here)


class ComponentModel(BaseModel):
    """The saved form of a component, as written to JSON or YAML.

    Secrets of the component stay ``SecretStr`` objects in ``config`` while the model is in
    memory, so loading it back in the same process keeps them (as in AutoGen). Written as
    JSON (``model_dump_json()``, ``model_dump(mode="json")``) each one is masked
    (``"**********"``); secrets read from an environment variable are saved as a reference
    ``{"$env": "NAME"}`` instead, and ``dump_component(include_secrets=True)`` writes them
    all in plain text.

    Attributes:
        provider: What class to load: a dotted path (``agentparts.models.openai.OpenAIChatCompletionClient``),
            a short name registered through the ``agentparts.components`` entry-point group,
            or a well-known AutoGen provider string.
        component_type: The kind of component (``model``, ``tool``, ...).
        version: Version of this saved-form schema.
        component_version: Version of the component's config schema.
        description: What the component is for.
        label: A human-readable name.
        config: The component's own config, validated by its ``component_config_schema``.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid")

    provider: str
    component_type: ComponentType | None = None
    version: int | None = None
    component_version: int | None = None
    description: str | None = None
    label: str | None = None
    config: dict[str, Any] = Field(default_factory=dict[str, Any])

    @field_serializer("config", mode="wrap")
    def _serialize_config(
        self, value: dict[str, Any], handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        return handler(_masked(value) if info.mode_is_json() else value)


def _masked(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return _MASK
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value
