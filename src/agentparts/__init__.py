"""agentparts: LLM agents built from pluggable, serializable, safely loaded components.

The root holds the component model, cancellation and logging names. Each extension point
is a subpackage: ``agentparts.models``, ``agentparts.tools``, ``agentparts.code_executor``,
``agentparts.agents``... Importing the root loads no HTTP client or other heavy dependency.
"""

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
from ._constants import EVENT_LOGGER_NAME as EVENT_LOGGER_NAME
from ._constants import TRACE_LOGGER_NAME as TRACE_LOGGER_NAME
from ._function_call import FunctionCall as FunctionCall
from ._image import Image as Image
from ._secrets import EnvSecretStr as EnvSecretStr
from ._secrets import secret_from_env as secret_from_env

__version__ = "0.1.0"

__all__ = [
    "EVENT_LOGGER_NAME",
    "TRACE_LOGGER_NAME",
    "CancellationToken",
    "Component",
    "ComponentBase",
    "ComponentFromConfig",
    "ComponentLoader",
    "ComponentModel",
    "ComponentSchemaType",
    "ComponentToConfig",
    "ComponentType",
    "EnvSecretStr",
    "FunctionCall",
    "Image",
    "is_component_class",
    "is_component_instance",
    "secret_from_env",
]
