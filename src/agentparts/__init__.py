"""agentparts: LLM agents built from pluggable, serializable, safely loaded components.

The root holds the component model, cancellation and logging names. Each extension point
is a subpackage: ``agentparts.models``, ``agentparts.tools``, ``agentparts.code_executor``,
``agentparts.agents``... Importing the root is nearly free: its names are loaded on first
use, and no HTTP client or other heavy dependency is imported until a part needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._cancellation_token import CancellationToken as CancellationToken
    from ._component import Component as Component
    from ._component import ComponentBase as ComponentBase
    from ._component import ComponentFromConfig as ComponentFromConfig
    from ._component import ComponentLoader as ComponentLoader
    from ._component import ComponentSchemaType as ComponentSchemaType
    from ._component import ComponentToConfig as ComponentToConfig
    from ._component import is_component_class as is_component_class
    from ._component import is_component_instance as is_component_instance
    from ._component_model import ComponentModel as ComponentModel
    from ._component_model import ComponentType as ComponentType
    from ._function_call import FunctionCall as FunctionCall
    from ._image import Image as Image
    from ._runtime._agent import Agent as Agent
    from ._runtime._agent import AgentProxy as AgentProxy
    from ._runtime._agent_runtime import AgentRuntime as AgentRuntime
    from ._runtime._base_agent import BaseAgent as BaseAgent
    from ._runtime._base_agent import default_subscription as default_subscription
    from ._runtime._base_agent import handles as handles
    from ._runtime._base_agent import type_prefix_subscription as type_prefix_subscription
    from ._runtime._base_agent import type_subscription as type_subscription
    from ._runtime._closure_agent import ClosureAgent as ClosureAgent
    from ._runtime._closure_agent import ClosureContext as ClosureContext
    from ._runtime._context import AgentInstantiationContext as AgentInstantiationContext
    from ._runtime._context import MessageContext as MessageContext
    from ._runtime._context import MessageHandlerContext as MessageHandlerContext
    from ._runtime._context import (
        SubscriptionInstantiationContext as SubscriptionInstantiationContext,
    )
    from ._runtime._envelope import DeadLetter as DeadLetter
    from ._runtime._envelope import DeadLetterHandler as DeadLetterHandler
    from ._runtime._genai_spans import trace_create_agent_span as trace_create_agent_span
    from ._runtime._genai_spans import trace_invoke_agent_span as trace_invoke_agent_span
    from ._runtime._genai_spans import trace_tool_span as trace_tool_span
    from ._runtime._ids import AgentId as AgentId
    from ._runtime._ids import AgentMetadata as AgentMetadata
    from ._runtime._ids import AgentType as AgentType
    from ._runtime._ids import TopicId as TopicId
    from ._runtime._intervention import DefaultInterventionHandler as DefaultInterventionHandler
    from ._runtime._intervention import DropMessage as DropMessage
    from ._runtime._intervention import InterventionHandler as InterventionHandler
    from ._runtime._routed_agent import RoutedAgent as RoutedAgent
    from ._runtime._routed_agent import event as event
    from ._runtime._routed_agent import message_handler as message_handler
    from ._runtime._routed_agent import rpc as rpc
    from ._runtime._serialization import JSON_DATA_CONTENT_TYPE as JSON_DATA_CONTENT_TYPE
    from ._runtime._serialization import PROTOBUF_DATA_CONTENT_TYPE as PROTOBUF_DATA_CONTENT_TYPE
    from ._runtime._serialization import MessageSerializer as MessageSerializer
    from ._runtime._serialization import UnknownPayload as UnknownPayload
    from ._runtime._serialization import (
        try_get_known_serializers_for_type as try_get_known_serializers_for_type,
    )
    from ._runtime._single_threaded import SingleThreadedAgentRuntime as SingleThreadedAgentRuntime
    from ._runtime._subscriptions import DefaultSubscription as DefaultSubscription
    from ._runtime._subscriptions import DefaultTopicId as DefaultTopicId
    from ._runtime._subscriptions import Subscription as Subscription
    from ._runtime._subscriptions import TypePrefixSubscription as TypePrefixSubscription
    from ._runtime._subscriptions import TypeSubscription as TypeSubscription
    from ._secrets import EnvSecretStr as EnvSecretStr
    from ._secrets import secret_from_env as secret_from_env
    from .models.cache._stores import CacheStore as CacheStore
    from .models.cache._stores import InMemoryStore as InMemoryStore

from ._constants import EVENT_LOGGER_NAME as EVENT_LOGGER_NAME
from ._constants import ROOT_LOGGER_NAME as ROOT_LOGGER_NAME
from ._constants import TRACE_LOGGER_NAME as TRACE_LOGGER_NAME

__version__ = "0.1.0"

__all__ = [
    "EVENT_LOGGER_NAME",
    "JSON_DATA_CONTENT_TYPE",
    "PROTOBUF_DATA_CONTENT_TYPE",
    "ROOT_LOGGER_NAME",
    "TRACE_LOGGER_NAME",
    "Agent",
    "AgentId",
    "AgentInstantiationContext",
    "AgentMetadata",
    "AgentProxy",
    "AgentRuntime",
    "AgentType",
    "BaseAgent",
    "CacheStore",
    "CancellationToken",
    "ClosureAgent",
    "ClosureContext",
    "Component",
    "ComponentBase",
    "ComponentFromConfig",
    "ComponentLoader",
    "ComponentModel",
    "ComponentSchemaType",
    "ComponentToConfig",
    "ComponentType",
    "DeadLetter",
    "DeadLetterHandler",
    "DefaultInterventionHandler",
    "DefaultSubscription",
    "DefaultTopicId",
    "DropMessage",
    "EnvSecretStr",
    "FunctionCall",
    "Image",
    "InMemoryStore",
    "InterventionHandler",
    "MessageContext",
    "MessageHandlerContext",
    "MessageSerializer",
    "RoutedAgent",
    "SingleThreadedAgentRuntime",
    "Subscription",
    "SubscriptionInstantiationContext",
    "TopicId",
    "TypePrefixSubscription",
    "TypeSubscription",
    "UnknownPayload",
    "default_subscription",
    "event",
    "handles",
    "is_component_class",
    "is_component_instance",
    "message_handler",
    "rpc",
    "secret_from_env",
    "trace_create_agent_span",
    "trace_invoke_agent_span",
    "trace_tool_span",
    "try_get_known_serializers_for_type",
    "type_prefix_subscription",
    "type_subscription",
]

_LAZY_NAMES: dict[str, str] = {
    "CancellationToken": "._cancellation_token",
    "Component": "._component",
    "ComponentBase": "._component",
    "ComponentFromConfig": "._component",
    "ComponentLoader": "._component",
    "ComponentSchemaType": "._component",
    "ComponentToConfig": "._component",
    "is_component_class": "._component",
    "is_component_instance": "._component",
    "ComponentModel": "._component_model",
    "ComponentType": "._component_model",
    "FunctionCall": "._function_call",
    "Image": "._image",
    "EnvSecretStr": "._secrets",
    "secret_from_env": "._secrets",
    # the agent runtime (autogen_core's names)
    "Agent": "._runtime._agent",
    "AgentProxy": "._runtime._agent",
    "AgentRuntime": "._runtime._agent_runtime",
    "BaseAgent": "._runtime._base_agent",
    "default_subscription": "._runtime._base_agent",
    "handles": "._runtime._base_agent",
    "type_prefix_subscription": "._runtime._base_agent",
    "type_subscription": "._runtime._base_agent",
    "ClosureAgent": "._runtime._closure_agent",
    "ClosureContext": "._runtime._closure_agent",
    "AgentInstantiationContext": "._runtime._context",
    "MessageContext": "._runtime._context",
    "MessageHandlerContext": "._runtime._context",
    "SubscriptionInstantiationContext": "._runtime._context",
    "DeadLetter": "._runtime._envelope",
    "DeadLetterHandler": "._runtime._envelope",
    "trace_create_agent_span": "._runtime._genai_spans",
    "trace_invoke_agent_span": "._runtime._genai_spans",
    "trace_tool_span": "._runtime._genai_spans",
    "AgentId": "._runtime._ids",
    "AgentMetadata": "._runtime._ids",
    "AgentType": "._runtime._ids",
    "TopicId": "._runtime._ids",
    "DefaultInterventionHandler": "._runtime._intervention",
    "DropMessage": "._runtime._intervention",
    "InterventionHandler": "._runtime._intervention",
    "RoutedAgent": "._runtime._routed_agent",
    "event": "._runtime._routed_agent",
    "message_handler": "._runtime._routed_agent",
    "rpc": "._runtime._routed_agent",
    "JSON_DATA_CONTENT_TYPE": "._runtime._serialization",
    "PROTOBUF_DATA_CONTENT_TYPE": "._runtime._serialization",
    "MessageSerializer": "._runtime._serialization",
    "UnknownPayload": "._runtime._serialization",
    "try_get_known_serializers_for_type": "._runtime._serialization",
    "SingleThreadedAgentRuntime": "._runtime._single_threaded",
    "DefaultSubscription": "._runtime._subscriptions",
    "DefaultTopicId": "._runtime._subscriptions",
    "Subscription": "._runtime._subscriptions",
    "TypePrefixSubscription": "._runtime._subscriptions",
    "TypeSubscription": "._runtime._subscriptions",
    "CacheStore": ".models.cache._stores",
    "InMemoryStore": ".models.cache._stores",
}


__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
