from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class ComponentModel(BaseModel):
    """The saved form of a component, as written to JSON or YAML.

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
