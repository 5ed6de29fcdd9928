"""``StructuredMessageFactory``: structured messages whose content model is saved as a schema."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

from .._component import Component, ComponentBase
from ._chat import StructuredMessage

__all__ = ["StructuredMessageConfig", "StructuredMessageFactory"]


class StructuredMessageConfig(BaseModel):
    """The saved form of a :class:`StructuredMessageFactory` (AutoGen's field names)."""

    model_config = ConfigDict(defer_build=True)

    json_schema: dict[str, Any]
    format_string: str | None = None
    content_model_name: str


class StructuredMessageFactory(
    ComponentBase[StructuredMessageConfig], Component[StructuredMessageConfig]
):
    """Makes :class:`StructuredMessage` classes for a content model given as a class or a schema.

    Saved, the content model is its JSON schema; loaded, the model is rebuilt from the
    schema with :func:`agentparts.utils.schema_to_pydantic_model`, so a config never names
    code to import. As AutoGen's class of the same name.

    Args:
        json_schema: The JSON schema of the content (takes precedence over ``input_model``).
        input_model: The content model class.
        format_string: A ``str.format`` template over the content's fields for the text form.
        content_model_name: The name of a model built from ``json_schema``.

    Attributes:
        ContentModel: The content model class.
        StructuredMessage: ``StructuredMessage[ContentModel]``.
        format_string: The template, if any.

    Raises:
        ValueError: neither ``json_schema`` nor ``input_model`` was given.

    Example:
        >>> class Point(BaseModel):
        ...     x: int
        ...     y: int
        >>> factory = StructuredMessageFactory(input_model=Point, format_string="({x}, {y})")
        >>> again = StructuredMessageFactory.load_component(factory.dump_component())
        >>> again.StructuredMessage(
        ...     content=again.ContentModel(x=1, y=2), source="a", format_string=again.format_string
        ... ).to_text()
        '(1, 2)'
    """

    component_type: ClassVar[str] = "structured_message"  # pyright: ignore[reportIncompatibleVariableOverride]
    component_config_schema = StructuredMessageConfig
    component_provider_override: ClassVar[str | None] = (
        "agentparts.messages.StructuredMessageFactory"
    )

    def __init__(
        self,
        json_schema: dict[str, Any] | None = None,
        input_model: type[BaseModel] | None = None,
        format_string: str | None = None,
        content_model_name: str | None = None,
    ) -> None:
        self.format_string = format_string
        if json_schema:
            from ..utils import schema_to_pydantic_model

            self.ContentModel: type[BaseModel] = schema_to_pydantic_model(
                json_schema, content_model_name or "GeneratedContentModel"
            )
        elif input_model is not None:
            self.ContentModel = input_model
        else:
            raise ValueError(
                "Either `json_schema` or `input_model` must be provided: give the content "
                "model class, or its JSON schema."
            )
        self.StructuredMessage: type[StructuredMessage[Any]] = StructuredMessage[self.ContentModel]  # type: ignore[name-defined]

    def _to_config(self) -> StructuredMessageConfig:
        return StructuredMessageConfig(
            json_schema=self.ContentModel.model_json_schema(),
            format_string=self.format_string,
            content_model_name=self.ContentModel.__name__,
        )

    @classmethod
    def _from_config(cls, config: StructuredMessageConfig) -> Self:
        return cls(
            json_schema=config.json_schema,
            format_string=config.format_string,
            content_model_name=config.content_model_name,
        )
