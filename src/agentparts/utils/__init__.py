"""Helpers AutoGen code uses from ``autogen_core.utils``, written for agentparts.

``schema_to_pydantic_model`` builds a Pydantic model from a JSON schema (MCP tools and
structured messages saved as schemas use it); ``extract_json_from_str`` reads the JSON
in a model's answer, fenced or not.
"""

from ._json_schema import FormatNotSupportedError as FormatNotSupportedError
from ._json_schema import ReferenceNotFoundError as ReferenceNotFoundError
from ._json_schema import SchemaConversionError as SchemaConversionError
from ._json_schema import UnsupportedKeywordError as UnsupportedKeywordError
from ._json_schema import schema_to_pydantic_model as schema_to_pydantic_model
from ._json_text import extract_json_from_str as extract_json_from_str

__all__ = [
    "FormatNotSupportedError",
    "ReferenceNotFoundError",
    "SchemaConversionError",
    "UnsupportedKeywordError",
    "extract_json_from_str",
    "schema_to_pydantic_model",
]
