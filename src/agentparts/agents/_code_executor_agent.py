"""CodeExecutorAgent: runs the code blocks it receives, or writes code with a model and
runs it, retrying on errors."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self, cast

from .._cancellation_token import CancellationToken, CancelScope
from .._component import Component
from .._ids import new_uuid4
from .._lazy import imported_on_read, lazy_package
from ..base import Response
from ..errors import ComponentConfigError, ExecutorNotStartedError
from ._assistant_steps import call_model
from ._base_chat_agent import BaseChatAgent
from ._release import release_parts
from ._telemetry import agent_span

if TYPE_CHECKING:
    from .._capabilities import Capability
    from ..code_executor import CodeBlock, CodeExecutor, CodeResult
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ..model_context import ChatCompletionContext
    from ..models import ChatCompletionClient, LLMMessage
    from ._approval import ApprovalFuncType
    from ._code_executor_config import CodeExecutorAgentConfig

__all__ = ["CodeExecutorAgent", "CodeExecutorAgentConfig"]

# The config is a Pydantic model: imported on first use (see _code_executor_config).
__getattr__, __dir__ = lazy_package(
    __name__, {"CodeExecutorAgentConfig": "agentparts.agents._code_executor_config"}, __all__
)

DEFAULT_DESCRIPTION = "A Code Execution Agent that runs the code blocks it receives or writes."
DEFAULT_SYSTEM_MESSAGE = (
    "You are a Code Execution Agent. You write Python code or shell scripts that solve the "
    "user's task, in markdown code blocks (```python or ```sh). The code is run for you and "
    "you are shown its output. If it fails, fix it and answer with corrected code. When the "
    "output answers the task, answer in plain text without code blocks."
)
NO_CODE_MESSAGE = (
    "No code blocks found in the thread. Please provide at least one markdown-encoded code "
    "block to execute (i.e., quoting code in ```python or ```sh code blocks)."
)


def describe_result(result: CodeResult) -> str:
    """The output of a run as text for people and models."""
    output = result.output if result.output.strip() else "(no output)"
    if result.exit_code == 124:
        return f"The script timed out and was stopped (exit code 124).\nIts output was:\n{output}"
    if result.exit_code != 0:
        return (
            f"The script ran, then exited with an error (POSIX exit code: {result.exit_code})\n"
            f"Its output was:\n{output}"
        )
    if not result.output.strip():
        return (
            "The script ran but produced no output to console. The POSIX exit code was: 0. "
            "If you were expecting output, consider revising the script to ensure content is "
            "printed to stdout."
        )
    return result.output


class CodeExecutorAgent(BaseChatAgent, Component["CodeExecutorAgentConfig"]):
    """An agent that runs code blocks with a code executor.

    Without a model client it runs the markdown code blocks found in the messages it
    receives (from ``sources`` only, if given) and answers with their output. With a
    model client it writes code for the task, runs it, shows the model the output, and
    retries after a failure up to ``max_retries_on_error`` times; then the model answers.

    The executor defaults to the bubblewrap sandbox
    (:class:`agentparts.code_executors.sandbox.SandboxedCodeExecutor`), created and started
    on first use and stopped by :meth:`close`. A given executor that was not started is
    started on first use.

    Args:
        name: The agent's name, a Python identifier.
        code_executor: The executor; the sandbox by default.
        model_client: A model that writes the code; without one the agent only runs code.
        model_context: What the model sees; unbounded by default.
        model_client_stream: Stream the model's answers.
        description: What the agent does.
        system_message: The system message for the model.
        sources: Only run code from messages of these sources.
        supported_languages: Languages whose blocks are run (default python, sh, bash).
        max_retries_on_error: How many times the model may fix failing code.
        approval_func: Called (sync or async) with an
            :class:`~agentparts.agents.ApprovalRequest` before any code runs; when its
            :class:`~agentparts.agents.ApprovalResponse` refuses, the code is not run and
            the result is ``"Code execution was not approved. Reason: ..."`` with exit code 1
            (the model, if any, sees it and may write other code). Saved as an import
            reference, so a lambda or local function cannot be saved; loading the
            reference is governed by the allowlist like any name in a config.

    Example:
        >>> from agentparts.code_executors.local import LocalCommandLineCodeExecutor
        >>> agent = CodeExecutorAgent("runner", code_executor=LocalCommandLineCodeExecutor())
    """

    component_config_schema = imported_on_read(
        "agentparts.agents._code_executor_config", "CodeExecutorAgentConfig"
    )
    component_provider_override = "agentparts.agents.CodeExecutorAgent"

    def __init__(
        self,
        name: str,
        code_executor: CodeExecutor | None = None,
        *,
        model_client: ChatCompletionClient | None = None,
        model_context: ChatCompletionContext | None = None,
        model_client_stream: bool = False,
        max_retries_on_error: int = 0,
        description: str | None = None,
        system_message: str | None = DEFAULT_SYSTEM_MESSAGE,
        sources: Sequence[str] | None = None,
        supported_languages: Sequence[str] | None = None,
        approval_func: ApprovalFuncType | None = None,
    ) -> None:
        super().__init__(name=name, description=description or DEFAULT_DESCRIPTION)
        if max_retries_on_error < 0:
            raise ValueError(f"max_retries_on_error must be 0 or more, got {max_retries_on_error}.")
        if approval_func is not None and not callable(approval_func):
            raise TypeError(
                f"approval_func must be a function taking an ApprovalRequest, got "
                f"{type(approval_func).__name__}."
            )
        self._approval_func = approval_func
        self._code_executor = code_executor
        self._owns_executor = code_executor is None
        self._executor_started = False
        self._model_client = model_client
        self._model_client_stream = model_client_stream
        self._max_retries_on_error = max_retries_on_error
        self._system_message = system_message
        self._system_messages: list[LLMMessage] = []
        if system_message and model_client:
            from ..models import SystemMessage

            self._system_messages = [SystemMessage(content=system_message)]
        self._sources = list(sources) if sources is not None else None
        self._agent_id = new_uuid4()
        self._languages = [s.lower() for s in supported_languages or ("python", "sh", "bash")]
        if model_client is not None and model_context is None:
            from ..model_context import UnboundedChatCompletionContext

            model_context = UnboundedChatCompletionContext()
        self._model_context: Any = model_context

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """``TextMessage``."""
        from ..messages import TextMessage

        return (TextMessage,)

    @property
    def code_executor(self) -> CodeExecutor:
        """The executor (the default sandbox is created here on first access)."""
        if self._code_executor is None:
            from ..code_executors import default_code_executor

            self._code_executor = default_code_executor()
        return self._code_executor

    def extract_code_blocks(self, text: str) -> list[CodeBlock]:
        """The code blocks of ``text`` in a supported language."""
        from ..code_executor import extract_markdown_code_blocks

        return [b for b in extract_markdown_code_blocks(text) if b.language in self._languages]

    async def execute_code_block(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CodeResult:
        """Run ``code_blocks`` once the approval function (if any) approves them.

        Code that is not approved is not run: the result has exit code 1 and the output
        ``"Code execution was not approved. Reason: ..."``. The approval function sees the
        model context's messages as the request's context.
        """
        context: list[LLMMessage] = (
            await self._model_context.get_messages() if self._model_context is not None else []
        )
        refusal = await self._refusal(code_blocks, context, None)
        if refusal is not None:
            return refusal
        return await self._run_blocks(code_blocks, cancellation_token)

    async def _refusal(
        self, blocks: list[CodeBlock], context: Sequence[LLMMessage], scope: CancelScope | None
    ) -> CodeResult | None:
        """The result to give instead of running ``blocks``, if the approval function refuses."""
        if self._approval_func is None:
            return None
        from ._approval import ask_approval, refused_result

        answer = await ask_approval(self._approval_func, blocks, context, scope, self._name)
        return None if answer.approved else refused_result(answer)

    async def _run_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CodeResult:
        """Run ``code_blocks``, starting the executor first if needed.

        What the code or the model caused is a failed result, never an exception: the
        executors of agentparts report it as such, and a file or encoding error raised by
        another executor (``OSError``, ``UnicodeError``) becomes a result with exit code 1.
        Errors of the setup (no sandbox here, a stopped executor) still raise.
        """
        from ..code_executor import CodeResult

        executor = self.code_executor
        if self._owns_executor and not self._executor_started:
            await executor.start()
            self._executor_started = True
        try:
            try:
                result: Any = await executor.execute_code_blocks(code_blocks, cancellation_token)
            except ExecutorNotStartedError:
                await executor.start()
                self._executor_started = True
                result = await executor.execute_code_blocks(code_blocks, cancellation_token)
        except (OSError, UnicodeError) as exc:
            return CodeResult(
                exit_code=1,
                output=f"The code could not be run: {type(exc).__name__}: {exc}",
            )
        if not isinstance(result, CodeResult):  # executors written from the guide
            result = CodeResult(exit_code=int(result.exit_code), output=str(result.output))
        return result

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Run the code in ``messages`` (or have the model write it) and answer with the output."""
        async for item in self.on_messages_stream(messages, cancellation_token):
            if isinstance(item, Response):
                return item
        raise RuntimeError(f"Agent {self._name} ended its turn without a Response.")

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Like :meth:`on_messages`, yielding code generation and execution events first."""
        with agent_span(self._name, self._description, self._agent_id):
            turn = self._run_code_only if self._model_client is None else self._write_and_run
            with CancelScope(cancellation_token) as scope:
                async for item in turn(messages, cancellation_token, scope):
                    if not isinstance(item, Response):
                        self._log(item)
                    yield item

    async def _run_code_only(
        self, messages: Sequence[BaseChatMessage], token: CancellationToken, scope: CancelScope
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        from ..messages import CodeExecutionEvent, TextMessage

        blocks: list[CodeBlock] = []
        for message in messages:
            if self._sources is not None and message.source not in self._sources:
                continue
            blocks.extend(self.extract_code_blocks(message.to_model_text()))
        if not blocks:
            yield Response(chat_message=TextMessage(content=NO_CODE_MESSAGE, source=self._name))
            return
        context = [message.to_model_message() for message in messages]
        refusal = await self._refusal(blocks, context, scope)
        result = refusal if refusal else await scope.run(self._run_blocks(blocks, token))
        event = CodeExecutionEvent(retry_attempt=0, result=result, source=self._name)
        yield event
        text = result.output if refusal is not None else describe_result(result)
        yield Response(
            chat_message=TextMessage(content=text, source=self._name),
            inner_messages=[event],
        )

    async def _write_and_run(
        self, messages: Sequence[BaseChatMessage], token: CancellationToken, scope: CancelScope
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        from ..code_executor import CodeResult
        from ..messages import CodeExecutionEvent, CodeGenerationEvent, TextMessage, ThoughtEvent
        from ..models import CreateResult, UserMessage

        context = self._model_context
        for message in messages:
            await context.add_message(message.to_model_message())
        inner: list[BaseAgentEvent | BaseChatMessage] = []
        last: CodeResult | None = None
        refused = False
        for attempt in range(self._max_retries_on_error + 1):
            result: CreateResult | None = None
            async for item in self._call(scope, token):
                if isinstance(item, CreateResult):
                    result = item
                else:
                    yield item
            assert result is not None
            if result.thought:
                thought = ThoughtEvent(content=result.thought, source=self._name)
                inner.append(thought)
                yield thought
            text = result.content if isinstance(result.content, str) else ""
            blocks = self.extract_code_blocks(text)
            if not blocks:
                yield Response(
                    chat_message=TextMessage(
                        content=text, source=self._name, models_usage=result.usage
                    ),
                    inner_messages=inner,
                )
                return
            generated = CodeGenerationEvent(
                retry_attempt=attempt, content=text, code_blocks=blocks, source=self._name
            )
            inner.append(generated)
            yield generated
            refusal = await self._refusal(blocks, await context.get_messages(), scope)
            refused = refusal is not None
            last = refusal if refusal else await scope.run(self._run_blocks(blocks, token))
            executed = CodeExecutionEvent(retry_attempt=attempt, result=last, source=self._name)
            inner.append(executed)
            yield executed
            shown = last.output if refused else describe_result(last)
            await context.add_message(UserMessage(content=shown, source=self._name))
            if last.exit_code == 0:
                break
        stop_reason = None
        if refused and last is not None:
            stop_reason = f"{last.output}; the model was asked to answer anyway."
        elif last is not None and last.exit_code != 0:
            stop_reason = (
                f"The code still failed after {self._max_retries_on_error} retries "
                f"(exit code {last.exit_code}); the model was asked to answer anyway."
            )
        final: CreateResult | None = None
        async for item in self._call(scope, token):
            if isinstance(item, CreateResult):
                final = item
            else:
                yield item
        assert final is not None
        content = (
            final.content
            if isinstance(final.content, str)
            else describe_result(last or CodeResult(0, ""))
        )
        yield Response(
            chat_message=TextMessage(content=content, source=self._name, models_usage=final.usage),
            inner_messages=inner,
            stop_reason=stop_reason,
        )

    async def _call(
        self, scope: CancelScope, token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        from ..models import AssistantMessage, CreateResult

        assert self._model_client is not None
        history = await self._model_context.get_messages()
        messages: list[LLMMessage] = [*self._system_messages, *history]
        if not self._model_client.model_info.get("vision", False):
            from ..utils import remove_images

            messages = remove_images(messages)  # as AutoGen: images become "<image>"
        async for item in call_model(
            self._model_client,
            messages,
            tools=[],
            json_output=None,
            stream=self._model_client_stream,
            scope=scope,
            token=token,
            source=self._name,
            message_id=new_uuid4(),
        ):
            if isinstance(item, CreateResult):
                await self._model_context.add_message(
                    AssistantMessage(content=item.content, source=self._name, thought=item.thought)
                )
            yield item

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Forget the conversation."""
        if self._model_context is not None:
            await self._model_context.clear()

    async def save_state(self) -> Mapping[str, Any]:
        """The conversation with the model, as JSON-ready data."""
        context: Mapping[str, Any] = (
            await self._model_context.save_state() if self._model_context is not None else {}
        )
        return {"type": "CodeExecutorAgentState", "version": "1.0.0", "llm_context": dict(context)}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned."""
        context = state.get("llm_context")
        if self._model_context is not None and isinstance(context, Mapping) and context:
            await self._model_context.load_state(context)  # pyright: ignore[reportUnknownArgumentType]

    @property
    def model_client(self) -> ChatCompletionClient | None:
        """The model that writes code, or None when the agent only runs given code."""
        return self._model_client

    async def close(self) -> None:
        """Stop the executor if this agent started it; release every part it was loaded with.

        An agent loaded from a config owns its executor and model client: closing stops and
        closes them. An agent built in code leaves the parts it was given to the caller.
        """
        if self._executor_started and self._code_executor is not None:
            await self._code_executor.stop()
            self._executor_started = False
        if self._owns_parts:
            self._owns_parts = False
            await release_parts(executors=[self._code_executor], clients=[self._model_client])

    def _to_config(self) -> CodeExecutorAgentConfig:
        from ._code_executor_config import CodeExecutorAgentConfig

        return CodeExecutorAgentConfig(
            name=self._name,
            code_executor=None
            if self._owns_executor or self._code_executor is None
            else self._code_executor.dump_component(),
            model_client=self._model_client.dump_component() if self._model_client else None,
            model_context=self._model_context.dump_component()
            if self._model_context is not None
            else None,
            description=self._description,
            system_message=self._system_message,
            model_client_stream=self._model_client_stream,
            sources=self._sources,
            supported_languages=self._languages,
            max_retries_on_error=self._max_retries_on_error,
            approval_func=self._approval_reference(),
        )

    def _approval_reference(self) -> str | None:
        func = self._approval_func
        if func is None:
            return None
        if not inspect.isfunction(func):
            raise ComponentConfigError(
                f"Cannot save CodeExecutorAgent {self._name!r}: its approval_func {func!r} is "
                "not a plain function (a bound method or callable object cannot be imported "
                "back). Use a function defined at module level, or leave approval_func out "
                "of the saved agent and pass it when you build the agent."
            )
        from ._references import reference_of

        return reference_of(func, "approval_func")

    @classmethod
    def _capabilities(cls, config: CodeExecutorAgentConfig) -> list[Capability]:
        from .._capabilities import host_code

        func = config.approval_func
        return [host_code(func, "approval function, in-process")] if func else []

    @classmethod
    def _from_config(cls, config: CodeExecutorAgentConfig) -> Self:
        from ..code_executor import CodeExecutor
        from ..model_context import ChatCompletionContext
        from ..models import ChatCompletionClient

        agent = cls(
            config.name,
            CodeExecutor.load_component(config.code_executor) if config.code_executor else None,
            model_client=(
                ChatCompletionClient.load_component(config.model_client)
                if config.model_client
                else None
            ),
            model_context=(
                ChatCompletionContext.load_component(config.model_context)
                if config.model_context
                else None
            ),
            model_client_stream=config.model_client_stream,
            max_retries_on_error=config.max_retries_on_error,
            description=config.description,
            system_message=config.system_message,
            sources=config.sources,
            supported_languages=config.supported_languages,
            approval_func=_load_approval_func(config.approval_func),
        )
        agent.owns_parts = True
        return agent


def _load_approval_func(reference: str | None) -> ApprovalFuncType | None:
    if reference is None:
        return None
    from ._references import import_reference

    found: Any = import_reference(reference, "approval_func")
    if not callable(found):
        raise ComponentConfigError(
            f"approval_func {reference!r} names {found!r}, which is not callable."
        )
    return cast("ApprovalFuncType", found)
