"""How to reach an MCP server: a command to run (stdio) or a URL (SSE, streamable HTTP)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from ..._capabilities import Capability, folder, host_command, network
from ..._secrets import ENV_REFERENCE_KEY, env_reference_secret

__all__ = [
    "AnyServerParams",
    "McpServerParams",
    "SseServerParams",
    "StdioServerParams",
    "StreamableHttpServerParams",
    "server_capabilities",
]


def _resolve_env_references(values: Any, what: str) -> Any:
    """Turn ``{"$env": NAME}`` values into the secrets they reference.

    In a config load the variable must be allowed by the caller (``--allow-env NAME``):
    an MCP server documents no variables of its own.
    """
    if not isinstance(values, dict):
        return values
    resolved: dict[str, Any] = {}
    for key, value in values.items():  # pyright: ignore[reportUnknownVariableType]
        if isinstance(value, dict) and set(value) == {ENV_REFERENCE_KEY}:  # pyright: ignore[reportUnknownArgumentType]
            name = str(value[ENV_REFERENCE_KEY])  # pyright: ignore[reportUnknownArgumentType]
            value = env_reference_secret(name, f"server_params.{what}[{key!r}]")
        resolved[str(key)] = value  # pyright: ignore[reportUnknownArgumentType]
    return resolved


class StdioServerParams(BaseModel):
    """Run an MCP server as a child process and talk to it over stdin/stdout.

    The child gets a minimal environment (``PATH``, ``HOME``...) plus ``env``; ``env``
    values are secrets: masked when saved, unless saved with ``include_secrets=True`` or
    taken from the environment with ``secret_from_env``.

    Attributes:
        command: The executable.
        args: Its arguments.
        env: Extra environment variables for the server.
        cwd: The working directory.
        encoding: The text encoding of the messages on stdin/stdout.
        encoding_error_handler: What to do with bytes the encoding cannot read or write:
            ``"strict"`` (an error), ``"ignore"`` or ``"replace"``.
        read_timeout_seconds: How long one request (a tool call) may take.
        startup_timeout_seconds: How long the server may take to start and answer the
            MCP handshake.
    """

    model_config = ConfigDict(defer_build=True)

    type: Literal["StdioServerParams"] = "StdioServerParams"
    command: str
    args: list[str] = Field(default_factory=list[str])
    env: dict[str, SecretStr] | None = None
    cwd: str | None = None
    encoding: str = "utf-8"
    encoding_error_handler: Literal["strict", "ignore", "replace"] = "strict"
    read_timeout_seconds: float = Field(default=60.0, gt=0)
    startup_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("env", mode="before")
    @classmethod
    def _env_references(cls, value: Any) -> Any:
        return _resolve_env_references(value, "env")


class StreamableHttpServerParams(BaseModel):
    """Connect to an MCP server over streamable HTTP.

    Attributes:
        url: The server's MCP endpoint, such as ``http://127.0.0.1:8000/mcp``.
        headers: Extra HTTP headers (secrets: masked when saved).
        timeout: HTTP connect/write timeout in seconds.
        sse_read_timeout: How long an idle event stream may stay open, in seconds.
        terminate_on_close: End the server-side session when the workbench stops.
        read_timeout_seconds: How long one request (a tool call) may take.
        startup_timeout_seconds: How long connecting and the MCP handshake may take.
    """

    model_config = ConfigDict(defer_build=True)

    type: Literal["StreamableHttpServerParams"] = "StreamableHttpServerParams"
    url: str
    headers: dict[str, SecretStr] | None = None
    timeout: float = Field(default=30.0, gt=0)
    sse_read_timeout: float = Field(default=300.0, gt=0)
    terminate_on_close: bool = True
    read_timeout_seconds: float = Field(default=60.0, gt=0)
    startup_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("headers", mode="before")
    @classmethod
    def _header_references(cls, value: Any) -> Any:
        return _resolve_env_references(value, "headers")


class SseServerParams(BaseModel):
    """Connect to an MCP server over HTTP with server-sent events (the older MCP transport).

    Attributes:
        url: The server's SSE endpoint, such as ``http://127.0.0.1:8000/sse``.
        headers: Extra HTTP headers (secrets: masked when saved).
        timeout: HTTP timeout of the requests other than the event stream, in seconds.
        sse_read_timeout: How long the event stream may stay silent, in seconds.
        read_timeout_seconds: How long one request (a tool call) may take.
        startup_timeout_seconds: How long connecting and the MCP handshake may take.
    """

    model_config = ConfigDict(defer_build=True)

    type: Literal["SseServerParams"] = "SseServerParams"
    url: str
    headers: dict[str, SecretStr] | None = None
    timeout: float = Field(default=5.0, gt=0)
    sse_read_timeout: float = Field(default=300.0, gt=0)
    read_timeout_seconds: float = Field(default=60.0, gt=0)
    startup_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("headers", mode="before")
    @classmethod
    def _header_references(cls, value: Any) -> Any:
        return _resolve_env_references(value, "headers")


AnyServerParams = StdioServerParams | SseServerParams | StreamableHttpServerParams
"""Any way of reaching a server (the plain union, for annotations)."""

McpServerParams = Annotated[AnyServerParams, Field(discriminator="type")]
"""Any way of reaching a server, told apart by ``type`` (for config fields)."""


def server_capabilities(params: AnyServerParams) -> list[Capability]:
    """What reaching the server ``params`` describes does on the host."""
    if isinstance(params, StreamableHttpServerParams):
        return [network(params.url, "MCP server over streamable HTTP")]
    if isinstance(params, SseServerParams):
        return [network(params.url, "MCP server over SSE")]
    found = [host_command(params.command, params.args, "MCP server over stdio")]
    if params.cwd is not None:
        found.append(folder(params.cwd, "runs in", "working directory of the MCP server"))
    return found
