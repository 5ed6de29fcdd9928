"""Helpers AutoGen code uses from ``autogen_core.utils`` and ``autogen_agentchat.utils``,
written for agentparts.

``schema_to_pydantic_model`` builds a Pydantic model from a JSON schema (MCP tools and
structured messages saved as schemas use it); ``extract_json_from_str`` reads the JSON
in a model's answer, fenced or not; ``content_to_str`` writes a model message's content
as text and ``remove_images`` prepares messages for a model without vision.
"""

from ._json_schema import FormatNotSupportedError as FormatNotSupportedError
from ._json_schema import ReferenceNotFoundError as ReferenceNotFoundError
from ._json_schema import SchemaConversionError as SchemaConversionError
from ._json_schema import UnsupportedKeywordError as UnsupportedKeywordError
from ._json_schema import schema_to_pydantic_model as schema_to_pydantic_model
from ._json_text import extract_json_from_str as extract_json_from_str
from ._message_content import content_to_str as content_to_str
from ._message_content import remove_images as remove_images

__all__ = [
    "FormatNotSupportedError",
    "ReferenceNotFoundError",
    "SchemaConversionError",
    "UnsupportedKeywordError",
    "content_to_str",
    "extract_json_from_str",
    "remove_images",
    "schema_to_pydantic_model",
]
