"""Handoffs: tools an agent calls to pass the conversation to another agent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from ..tools import BaseTool

__all__ = ["Handoff"]


class Handoff(BaseModel):
    """A handoff to ``target``, offered to the model as a tool named ``name``.

    Attributes:
        target: The agent to hand over to.
        description: The tool description the model sees.
        name: The tool name (a Python identifier); ``transfer_to_<target>`` by default.
        message: The text of the resulting ``HandoffMessage``.

    Example:
        >>> Handoff(target="Planner").name
        'transfer_to_planner'
    """

    model_config = ConfigDict(defer_build=True)

    target: str
    description: str = Field(default="")
    name: str = Field(default="")
    message: str = Field(default="")

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, values: Any) -> Any:
        if not isinstance(values, dict) or "target" not in values:
            return values  # pyright: ignore[reportUnknownVariableType]
        data: dict[str, Any] = dict(values)  # pyright: ignore[reportUnknownArgumentType]
        target = str(data["target"])
        if not data.get("description"):
            data["description"] = f"Handoff to {target}."
        if not data.get("name"):
            data["name"] = f"transfer_to_{target}".lower()
        name = str(data["name"])
        if not name.isidentifier():
            raise ValueError(
                f"Handoff name {name!r} is not a valid identifier; give name= a name made of "
                "letters, digits and underscores."
            )
        if not data.get("message"):
            data["message"] = f"Transferred to {target}, adopting the role of {target} immediately."
        return data

    @property
    def handoff_tool(self) -> BaseTool[Any, Any]:
        """The tool the model calls to hand off; it returns :attr:`message`."""
        from ..tools import FunctionTool

        message = self.message

        def _handoff() -> str:
            return message

        return FunctionTool(_handoff, name=self.name, description=self.description)
