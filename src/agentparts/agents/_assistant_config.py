"""The saved form of an AssistantAgent, with every part nested as a component."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from .._component_model import ComponentModel
from .._references import import_callable, import_object
from ..base import Handoff
from ..errors import ComponentConfigError, ComponentTypeError
from ._references import reference_of

if TYPE_CHECKING:
    from ._assistant_agent import AssistantAgent

__all__ = ["AssistantAgentConfig", "agent_from_config", "config_of_agent"]


class AssistantAgentConfig(BaseModel):
    """Config of :class:`~agentparts.agents.AssistantAgent`.

    Model client, tools, workbenches, model context and memory are nested component
    models; the summary formatter and the output content type are import references. An
    output content type that cannot be imported (a class defined in a function) is saved
    as AutoGen saves every one: a ``structured_message_factory`` holding its JSON schema,
    from which loading rebuilds a model class (nothing is imported or executed).
    """

    model_config = ConfigDict(defer_build=True)

    name: str
    model_client: ComponentModel
    tools: list[ComponentModel] | None = None
    workbench: ComponentModel | list[ComponentModel] | None = None
    handoffs: list[Handoff | str] | None = None
    model_context: ComponentModel | None = None
    memory: list[ComponentModel] | None = None
    description: str
    system_message: str | None = None
    model_client_stream: bool = False
    reflect_on_tool_use: bool = False
    tool_call_summary_format: str = "{result}"
    tool_call_summary_formatter: str | None = None
    output_content_type: str | None = None
    output_content_type_format: str | None = None
    max_tool_iterations: int = 1
    metadata: dict[str, str] | None = None
    tool_call_timeout: float | None = None
    structured_message_factory: ComponentModel | None = None


def config_of_agent(agent: AssistantAgent) -> AssistantAgentConfig:
    """The config that recreates ``agent``."""
    formatter = agent._tool_call_summary_formatter
    output_reference, factory = _saved_output_type(
        agent._output_content_type, agent._output_content_type_format
    )
    return AssistantAgentConfig(
        name=agent._name,
        model_client=agent._model_client.dump_component(),
        tools=[t.dump_component() for t in agent._tools]
        if agent._own_workbench and agent._tools
        else None,
        workbench=None
        if agent._own_workbench
        else [w.dump_component() for w in agent._workbenches],
        handoffs=list(agent._handoffs.values()) or None,
        model_context=agent._model_context.dump_component(),
        memory=[m.dump_component() for m in agent._memory] or None,
        description=agent._description,
        system_message=agent._system_message,
        model_client_stream=agent._model_client_stream,
        reflect_on_tool_use=agent._reflect_on_tool_use,
        tool_call_summary_format=agent._tool_call_summary_format,
        tool_call_summary_formatter=(
            reference_of(formatter, "tool_call_summary_formatter") if formatter else None
        ),
        output_content_type=output_reference,
        output_content_type_format=agent._output_content_type_format,
        max_tool_iterations=agent._max_tool_iterations,
        metadata=agent._metadata or None,
        tool_call_timeout=agent._tool_call_timeout,
        structured_message_factory=factory,
    )


def _saved_output_type(
    output_type: type[BaseModel] | None, format_string: str | None
) -> tuple[str | None, ComponentModel | None]:
    """An importable class as its reference; any other as AutoGen saves it (a schema)."""
    if output_type is None:
        return None, None
    try:
        return reference_of(output_type, "output_content_type"), None
    except ComponentConfigError:
        from ..messages import StructuredMessageFactory

        factory = StructuredMessageFactory(input_model=output_type, format_string=format_string)
        return None, factory.dump_component()


def agent_from_config(config: AssistantAgentConfig) -> dict[str, Any]:
    """The constructor arguments ``config`` stands for, its components loaded."""
    from ..memory import Memory
    from ..model_context import ChatCompletionContext
    from ..models import ChatCompletionClient
    from ..tools import BaseTool, Workbench

    output_type: Any = None
    if config.output_content_type:
        output_type = import_object(config.output_content_type, "output_content_type")
        if not (isinstance(output_type, type) and issubclass(output_type, BaseModel)):
            raise ComponentTypeError(
                f"output_content_type {config.output_content_type!r} is not a pydantic model "
                "class: name a BaseModel subclass defined at module level."
            )
    format_string = config.output_content_type_format
    if output_type is None and config.structured_message_factory is not None:
        from ..messages import StructuredMessageFactory

        factory = StructuredMessageFactory.load_component(config.structured_message_factory)
        output_type = factory.ContentModel
        format_string = format_string or factory.format_string
    formatter: Any = None
    if config.tool_call_summary_formatter:
        formatter = import_callable(
            config.tool_call_summary_formatter, "tool_call_summary_formatter"
        )
    workbench: Any = None
    if config.workbench:
        saved = config.workbench if isinstance(config.workbench, list) else [config.workbench]
        workbench = [Workbench.load_component(w) for w in saved]
    return {
        "name": config.name,
        "model_client": ChatCompletionClient.load_component(config.model_client),
        "tools": [BaseTool.load_component(t) for t in config.tools] if config.tools else None,
        "workbench": workbench,
        "handoffs": config.handoffs,
        "model_context": (
            ChatCompletionContext.load_component(config.model_context)
            if config.model_context
            else None
        ),
        "memory": [Memory.load_component(m) for m in config.memory] if config.memory else None,
        "description": config.description,
        "system_message": config.system_message,
        "model_client_stream": config.model_client_stream,
        "reflect_on_tool_use": config.reflect_on_tool_use,
        "tool_call_summary_format": config.tool_call_summary_format,
        "tool_call_summary_formatter": formatter,
        "output_content_type": output_type,
        "output_content_type_format": format_string,
        "max_tool_iterations": config.max_tool_iterations,
        "metadata": config.metadata,
        "tool_call_timeout": config.tool_call_timeout,
    }
