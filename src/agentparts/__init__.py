"""agentparts: LLM agents built from pluggable, serializable, safely loaded components.

The root holds the component model, cancellation and logging names. Each extension point
is a subpackage: ``agentparts.models``, ``agentparts.tools``, ``agentparts.code_executor``,
``agentparts.agents``... Importing the root is nearly free: its names are loaded on first
use, and no HTTP client or other heavy dependency is imported until a part needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    from ._secrets import EnvSecretStr as EnvSecretStr
    from ._secrets import secret_from_env as secret_from_env

from ._constants import EVENT_LOGGER_NAME as EVENT_LOGGER_NAME
from ._constants import TRACE_LOGGER_NAME as TRACE_LOGGER_NAME

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
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY_NAMES.get(name)
    if module_name is None:
        raise AttributeError(f"module 'agentparts' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
