"""The one exception hierarchy of agentparts.

Every error a user can hit derives from :class:`AgentPartsError` and says what happened
and what to do next. Subsystems add their errors here, next to their siblings.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

__all__ = [
    "AgentConstructionError",
    "AgentDiedError",
    "AgentPartsError",
    "AgentRuntimeError",
    "AgentRuntimeUnavailableError",
    "AgentTypeNotFoundError",
    "BatchError",
    "BatchInputError",
    "BatchResultsError",
    "CantHandleException",
    "CapabilityRefusedError",
    "CodeExecutionError",
    "ComponentConfigError",
    "ComponentLoadError",
    "ComponentTypeError",
    "ComponentValidationError",
    "ComponentVersionError",
    "ConfigLimitError",
    "EnvNotAllowedError",
    "ExecutorNotStartedError",
    "McpServerError",
    "MessageDroppedException",
    "MessageHandlerException",
    "ModelAuthenticationError",
    "ModelCapabilityError",
    "ModelClientError",
    "ModelConnectionError",
    "ModelContextLengthError",
    "ModelInfoRequiredError",
    "ModelLoadError",
    "ModelNotFoundError",
    "ModelRateLimitError",
    "ModelRequestError",
    "ModelResponseError",
    "ModelScriptExhaustedError",
    "ModelServerError",
    "ModelStreamError",
    "ModelTimeoutError",
    "NotAccessibleError",
    "ProviderNotAllowedError",
    "ProviderNotFoundError",
    "RayClusterError",
    "SandboxUnavailableError",
    "SecretError",
    "StructuredOutputError",
    "ToolArgumentsError",
    "ToolError",
    "ToolNotFoundError",
    "UndeliverableException",
    "UnsafeReferenceError",
]


class AgentPartsError(Exception):
    """Base class of every error raised by agentparts."""


class _AlsoValidationError(ValidationError):
    """Base of the agentparts errors that are also pydantic's ``ValidationError``.

    Code ported from AutoGen catches ``pydantic.ValidationError`` where AutoGen lets
    pydantic's error out (invalid configs, bad tool arguments). These errors are that
    class too: ``errors()`` lists pydantic's entries of the validation that failed (or
    one entry of type ``agentparts`` holding the message), while ``str()`` is agentparts'
    message, which says what is wrong and what to do.
    """

    def __new__(cls, message: str, cause: ValidationError | None = None) -> Any:
        template = ValidationError.from_exception_data(cls.__name__, _line_errors(message, cause))
        return super().__new__(cls, *template.args)  # pyright: ignore[reportCallIssue]

    def __init__(self, message: str, cause: ValidationError | None = None) -> None:
        self.message = message
        self.args = (message,)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))


def _line_errors(message: str, cause: ValidationError | None) -> list[InitErrorDetails]:
    if cause is not None:
        try:
            details = [
                InitErrorDetails(
                    type=e["type"], loc=e["loc"], input=e["input"], ctx=e.get("ctx", {})
                )
                for e in cause.errors(include_url=False)
            ]
            ValidationError.from_exception_data("check", details)  # custom types cannot be rebuilt
            return details
        except (KeyError, TypeError, ValueError):
            pass
    custom = PydanticCustomError("agentparts", "{message}", {"message": message})
    return [InitErrorDetails(type=custom, loc=(), input=None)]


# --- components -------------------------------------------------------------------------


class ComponentLoadError(AgentPartsError, ValueError):
    """A component could not be loaded from its saved form. Nothing was half-loaded."""


class ProviderNotAllowedError(ComponentLoadError, ImportError):
    """The provider is not on the safe-loading allowlist; nothing was imported.

    Also an ``ImportError``, which is what AutoGen code catches around a load.
    """


class ProviderNotFoundError(ComponentLoadError, ImportError):
    """The provider (or another reference) is allowed but names nothing importable.

    Also an ``ImportError``, as AutoGen's import of a missing provider raises.
    """


class UnsafeReferenceError(ComponentLoadError, ImportError):
    """A reference in a config reaches code it may not; it was not loaded.

    Raised for a name that walks through a module attribute (``pkg.mod:os.system``), names
    an object defined in another module, or imports a module that runs code when imported
    (``__main__``, the command line).
    """


class ComponentConfigError(ComponentLoadError):
    """The saved form or its ``config`` is malformed or fails validation."""


class ComponentValidationError(ComponentConfigError, _AlsoValidationError):
    """The saved form or its ``config`` fails validation against its schema.

    Also a ``pydantic.ValidationError`` (what AutoGen's load lets out): ``errors()`` are
    pydantic's entries, ``str()`` names the component and every failing field.
    """


class ConfigLimitError(ComponentConfigError):
    """The config is larger or deeper than an input limit allows; nothing was loaded.

    The message names the limit, its value and the environment variable that raises it.
    """


class ComponentTypeError(ComponentLoadError, TypeError):
    """The component is not of the type the caller expected."""


class ComponentVersionError(ComponentLoadError, NotImplementedError):
    """The saved ``component_version`` cannot be loaded by the installed class.

    Also a ``NotImplementedError``, as AutoGen raises for a version it cannot load.
    """


class SecretError(ComponentLoadError):
    """A secret in a config is masked or references an unset environment variable."""


class EnvNotAllowedError(SecretError):
    """A config references an environment variable it may not read; nothing was read."""


class CapabilityRefusedError(ComponentLoadError):
    """An untrusted load met something it refuses (a host process, unsandboxed code...).

    Nothing was constructed or started.
    """


# --- model clients ----------------------------------------------------------------------


class ModelClientError(AgentPartsError):
    """A model client call failed."""


class ModelAuthenticationError(ModelClientError):
    """The endpoint rejected the credentials (HTTP 401/403)."""


class ModelNotFoundError(ModelClientError):
    """The endpoint does not serve the requested model (HTTP 404)."""


class ModelContextLengthError(ModelClientError):
    """The request does not fit in the model's context window."""


class ModelConnectionError(ModelClientError):
    """The endpoint could not be reached."""


class ModelTimeoutError(ModelClientError):
    """The endpoint did not answer in time (after retries)."""


class ModelRateLimitError(ModelClientError):
    """The endpoint kept answering 429 after every retry."""


class ModelServerError(ModelClientError):
    """The endpoint kept answering 5xx after every retry."""


class ModelStreamError(ModelClientError):
    """A streamed response ended before it was complete."""


class ModelResponseError(ModelClientError):
    """The endpoint answered with something that is not a valid response."""


class StructuredOutputError(ModelResponseError, _AlsoValidationError):
    """The model's answer does not match the agent's ``output_content_type``.

    Also a ``pydantic.ValidationError``, as AutoGen's agent lets out: ``errors()`` are
    pydantic's entries.
    """


class ModelCapabilityError(ModelClientError, ValueError):
    """The call asks for something the model cannot do per its ``model_info``."""


class ModelRequestError(ModelClientError):
    """The endpoint refused the request as invalid (HTTP 400/422 and other 4xx)."""


class ModelScriptExhaustedError(ModelClientError, ValueError):
    """A scripted (replay) client was asked for more answers than it was given."""


class ModelInfoRequiredError(ModelClientError, ValueError):
    """The model is not known and no ``model_info`` was given."""


class ModelLoadError(ModelClientError):
    """A local model could not be loaded: its file is missing or unreadable, or its runtime is not installed."""


# --- tools ------------------------------------------------------------------------------


class ToolError(AgentPartsError):
    """A tool could not be run."""


class ToolArgumentsError(ToolError, _AlsoValidationError):
    """The arguments given to a tool do not match its schema.

    Also a ``pydantic.ValidationError`` (a ``ValueError``), as AutoGen's ``run_json``
    lets out; pass the pydantic error as ``cause`` to keep its entries in ``errors()``.
    """


class ToolNotFoundError(ToolError, KeyError):
    """No tool of that name is available."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class McpServerError(ToolError):
    """An MCP server did not start, stopped answering or died."""


# --- code execution ---------------------------------------------------------------------


class CodeExecutionError(AgentPartsError):
    """A code executor could not run code (not: the code itself failed)."""


class ExecutorNotStartedError(CodeExecutionError, RuntimeError):
    """The executor was used before ``start()`` or after ``stop()``."""


class SandboxUnavailableError(CodeExecutionError, RuntimeError):
    """The sandbox cannot be used on this machine; agentparts never falls back to no sandbox."""


# --- batch runs -------------------------------------------------------------------------


class BatchError(AgentPartsError):
    """A batch run could not start or go on (single task failures are results, not errors)."""


class BatchInputError(BatchError, ValueError):
    """The tasks or the agent config of a batch cannot be used; nothing was run."""


class BatchResultsError(BatchError):
    """The results file of a batch cannot be read or written."""


class RayClusterError(BatchError, ConnectionError):
    """Ray is not installed or the Ray cluster cannot be reached; no task was started."""


# --- agent runtime ----------------------------------------------------------------------
# AutoGen's names (CantHandleException...) are kept for porting; each also derives from
# AgentRuntimeError, so one ``except AgentPartsError`` catches them all.


class AgentRuntimeError(AgentPartsError):
    """The agent runtime could not deliver a message or build an agent."""


class AgentRuntimeUnavailableError(AgentRuntimeError, ConnectionError):
    """The runtime's cluster cannot be used: Ray is not installed, or it does not answer."""


class CantHandleException(AgentRuntimeError):
    """The agent has no handler for this message (type, or ``match``), or a topic does not match."""


class UndeliverableException(AgentRuntimeError):
    """The message could not be delivered: no such agent type, or the runtime stopped first."""


class AgentTypeNotFoundError(UndeliverableException, LookupError):
    """No agent type of that name is registered on the runtime."""


class AgentDiedError(UndeliverableException):
    """The process hosting the agent died while it handled the message.

    The next message to the agent creates it again, from its last saved state.
    """


class MessageDroppedException(AgentRuntimeError):
    """An intervention handler dropped the message (or the response to it)."""


class MessageHandlerException(AgentRuntimeError):
    """A handler failed in a way that cannot be re-raised as is (its cause says why)."""


class AgentConstructionError(AgentRuntimeError, ValueError):
    """An agent factory failed or returned an object of the wrong class."""


class NotAccessibleError(AgentRuntimeError):
    """A value lives elsewhere (another process or node) and cannot be read here."""
