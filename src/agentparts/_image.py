from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_core import core_schema

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from pydantic import GetCoreSchemaHandler

__all__ = ["Image"]

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"RIFF", "image/webp"),
)
_DATA_URI = re.compile(r"^data:(?P<mime>image/[\w.+-]+);base64,(?P<data>.+)$", re.DOTALL)


class Image:
    """An image for multimodal messages, held as encoded bytes.

    Pillow is imported only when a PIL image is asked for or given.

    Example:
        >>> img = Image.from_base64("iVBORw0KGgo=")
        >>> img.mime_type
        'image/png'
    """

    __slots__ = ("_data", "mime_type")

    def __init__(self, data: bytes, mime_type: str | None = None) -> None:
        self._data = data
        self.mime_type = mime_type or _sniff_mime(data)

    @classmethod
    def from_base64(cls, data: str) -> Image:
        """An image from base64 text (or a ``data:image/...;base64,`` URI)."""
        match = _DATA_URI.match(data)
        if match:
            return cls(base64.b64decode(match["data"]), match["mime"])
        return cls(base64.b64decode(data))

    @classmethod
    def from_uri(cls, uri: str) -> Image:
        """An image from a ``data:`` URI."""
        if not _DATA_URI.match(uri):
            raise ValueError("Image.from_uri takes a 'data:image/...;base64,...' URI")
        return cls.from_base64(uri)

    @classmethod
    def from_file(cls, path: str | Path) -> Image:
        """An image read from a file."""
        return cls(Path(path).read_bytes())

    @classmethod
    def from_pil(cls, pil_image: PILImage) -> Image:
        """An image from a PIL image (encoded as PNG)."""
        import io

        buffer = io.BytesIO()
        pil_image.save(buffer, format="PNG")
        return cls(buffer.getvalue(), "image/png")

    @property
    def data(self) -> bytes:
        """The encoded image bytes."""
        return self._data

    @property
    def image(self) -> PILImage:
        """The image decoded by Pillow (imports Pillow)."""
        import io

        from PIL import Image as PILImageModule

        return PILImageModule.open(io.BytesIO(self._data))

    def to_base64(self) -> str:
        """The bytes as base64 text."""
        return base64.b64encode(self._data).decode("ascii")

    @property
    def data_uri(self) -> str:
        """The image as a ``data:`` URI, as OpenAI-compatible endpoints take it."""
        return f"data:{self.mime_type};base64,{self.to_base64()}"

    def to_openai_format(self, detail: str = "auto") -> dict[str, Any]:
        """The image as an OpenAI ``image_url`` content part."""
        return {"type": "image_url", "image_url": {"url": self.data_uri, "detail": detail}}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and other._data == self._data

    def __hash__(self) -> int:
        return hash(self._data)

    def __repr__(self) -> str:
        return f"Image(mime_type={self.mime_type!r}, size={len(self._data)})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Image:
            if isinstance(value, Image):
                return value
            if isinstance(value, dict) and "data" in value:
                mime: Any = value.get("mime_type")  # pyright: ignore[reportUnknownMemberType,reportUnknownVariableType]
                return cls(base64.b64decode(str(value["data"])), str(mime) if mime else None)  # pyright: ignore[reportUnknownArgumentType]
            if isinstance(value, str):
                return cls.from_base64(value)
            raise ValueError("an Image is given as an Image, base64 text or {'data': base64}")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda image: {"data": image.to_base64(), "mime_type": image.mime_type}
            ),
        )


def _sniff_mime(data: bytes) -> str:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return "image/png"
