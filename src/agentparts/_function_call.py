from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FunctionCall"]


@dataclass
class FunctionCall:
    """A tool call requested by a model.

    Attributes:
        id: The call id, echoed back in the matching ``FunctionExecutionResult``.
        arguments: The arguments as a JSON string, exactly as the model produced them
            (possibly invalid JSON: the tool runner reports that back to the model).
        name: The name of the tool to call.
    """

    id: str
    arguments: str
    name: str
