"""The agent runtime: ids and topics, agents, subscriptions, serialization, interventions,
and the in-process :class:`SingleThreadedAgentRuntime`.

Below agents: nothing here knows of chat messages or models. The public names are
re-exported from the ``agentparts`` root, as ``autogen_core`` exports them.
"""

from ._agent import Agent as Agent
from ._agent import AgentProxy as AgentProxy
from ._agent_runtime import AgentRuntime as AgentRuntime
from ._base_agent import BaseAgent as BaseAgent
from ._base_agent import default_subscription as default_subscription
from ._base_agent import handles as handles
from ._base_agent import type_prefix_subscription as type_prefix_subscription
from ._base_agent import type_subscription as type_subscription
from ._closure_agent import ClosureAgent as ClosureAgent
from ._closure_agent import ClosureContext as ClosureContext
from ._context import AgentInstantiationContext as AgentInstantiationContext
from ._context import MessageContext as MessageContext
from ._context import MessageHandlerContext as MessageHandlerContext
from ._context import SubscriptionInstantiationContext as SubscriptionInstantiationContext
from ._envelope import DeadLetter as DeadLetter
from ._envelope import DeadLetterHandler as DeadLetterHandler
from ._genai_spans import trace_create_agent_span as trace_create_agent_span
from ._genai_spans import trace_invoke_agent_span as trace_invoke_agent_span
from ._genai_spans import trace_tool_span as trace_tool_span
from ._ids import AgentId as AgentId
from ._ids import AgentMetadata as AgentMetadata
from ._ids import AgentType as AgentType
from ._ids import TopicId as TopicId
from ._intervention import DefaultInterventionHandler as DefaultInterventionHandler
from ._intervention import DropMessage as DropMessage
from ._intervention import InterventionHandler as InterventionHandler
from ._routed_agent import MessageHandler as MessageHandler
from ._routed_agent import RoutedAgent as RoutedAgent
from ._routed_agent import event as event
from ._routed_agent import message_handler as message_handler
from ._routed_agent import rpc as rpc
from ._serialization import JSON_DATA_CONTENT_TYPE as JSON_DATA_CONTENT_TYPE
from ._serialization import PROTOBUF_DATA_CONTENT_TYPE as PROTOBUF_DATA_CONTENT_TYPE
from ._serialization import MessageSerializer as MessageSerializer
from ._serialization import SerializationRegistry as SerializationRegistry
from ._serialization import UnknownPayload as UnknownPayload
from ._serialization import try_get_known_serializers_for_type as try_get_known_serializers_for_type
from ._single_threaded import SingleThreadedAgentRuntime as SingleThreadedAgentRuntime
from ._subscriptions import DefaultSubscription as DefaultSubscription
from ._subscriptions import DefaultTopicId as DefaultTopicId
from ._subscriptions import Subscription as Subscription
from ._subscriptions import TypePrefixSubscription as TypePrefixSubscription
from ._subscriptions import TypeSubscription as TypeSubscription

__all__ = [
    "JSON_DATA_CONTENT_TYPE",
    "PROTOBUF_DATA_CONTENT_TYPE",
    "Agent",
    "AgentId",
    "AgentInstantiationContext",
    "AgentMetadata",
    "AgentProxy",
    "AgentRuntime",
    "AgentType",
    "BaseAgent",
    "ClosureAgent",
    "ClosureContext",
    "DeadLetter",
    "DeadLetterHandler",
    "DefaultInterventionHandler",
    "DefaultSubscription",
    "DefaultTopicId",
    "DropMessage",
    "InterventionHandler",
    "MessageContext",
    "MessageHandler",
    "MessageHandlerContext",
    "MessageSerializer",
    "RoutedAgent",
    "SerializationRegistry",
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
    "message_handler",
    "rpc",
    "trace_create_agent_span",
    "trace_invoke_agent_span",
    "trace_tool_span",
    "try_get_known_serializers_for_type",
    "type_prefix_subscription",
    "type_subscription",
]
