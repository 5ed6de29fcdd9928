"""The extension guide's "Using with Agents": its own model client and tool, with only the
import roots renamed (autogen_core / autogen_agentchat / autogen_ext -> agentparts), run
in an AssistantAgent."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Sequence
from typing import Any, Self

import pytest
from pydantic import BaseModel, Field

# --- the guide's code, verbatim apart from the import roots --------------------------
from agentparts import CancellationToken, Component, FunctionCall
from agentparts.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    RequestUsage,
)
from agentparts.tools import BaseTool, Tool


class MyModelConfig(BaseModel):
    """Configuration for MyModelClient."""

    model: str
    api_key: str
    temperature: float = 0.7
    max_tokens: int = 1024


class MyModelClient(ChatCompletionClient, Component[MyModelConfig]):
    """Custom model client implementation."""

    component_config_schema = MyModelConfig
    component_provider_override = "mypackage.MyModelClient"

    def __init__(
        self,
        model: str,
        api_key: str,
        temperature: float = 0.7,
        max_tokens: int = 1024,
    ):
        self._model = model
        self._api_key = api_key
        self._temperature = temperature
        self._max_tokens = max_tokens

    async def create(
        self,
        messages: Sequence[LLMMessage],
        cancellation_token: CancellationToken,
        **kwargs,
    ) -> CreateResult:
        """Generate a completion."""
        # Implement your API call here
        response = await self._call_api(messages)

        return CreateResult(
            content=response["content"],
            usage=RequestUsage(
                prompt_tokens=response["usage"]["prompt_tokens"],
                completion_tokens=response["usage"]["completion_tokens"],
            ),
            finish_reason="stop",
            cached=False,
        )

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        cancellation_token: CancellationToken,
        **kwargs,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Generate a streaming completion."""
        async for chunk in self._stream_api(messages):
            if chunk["type"] == "content":
                yield chunk["data"]
            elif chunk["type"] == "done":
                yield CreateResult(
                    content="",
                    usage=RequestUsage(
                        prompt_tokens=chunk["usage"]["prompt_tokens"],
                        completion_tokens=chunk["usage"]["completion_tokens"],
                    ),
                    finish_reason="stop",
                    cached=False,
                )

    @property
    def capabilities(self) -> ModelCapabilities:
        """Return model capabilities."""
        return ModelCapabilities(
            vision=False,
            function_calling=True,
            json_output=True,
        )

    def count_tokens(self, messages: Sequence[LLMMessage]) -> int:
        """Count tokens in messages."""
        # Implement token counting
        return sum(len(str(msg.content).split()) for msg in messages)

    def remaining_tokens(self, messages: Sequence[LLMMessage]) -> int:
        """Calculate remaining tokens."""
        return self._max_tokens - self.count_tokens(messages)

    @property
    def model(self) -> str:
        """Return model name."""
        return self._model

    def _to_config(self) -> MyModelConfig:
        """Export configuration."""
        return MyModelConfig(
            model=self._model,
            api_key=self._api_key,
            temperature=self._temperature,
            max_tokens=self._max_tokens,
        )

    @classmethod
    def _from_config(cls, config: MyModelConfig) -> Self:
        """Create from configuration."""
        return cls(
            model=config.model,
            api_key=config.api_key,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
        )

    async def _call_api(self, messages: Sequence[LLMMessage]) -> dict:
        """Make API call to your LLM service."""
        # Implement your API logic
        raise NotImplementedError

    async def _stream_api(self, messages: Sequence[LLMMessage]):
        """Stream API responses."""
        # Implement your streaming logic
        raise NotImplementedError


class MyToolArgs(BaseModel):
    """Arguments for MyTool."""

    query: str = Field(..., description="Search query")
    max_results: int = Field(10, description="Maximum results to return")


class MyToolResult(BaseModel):
    """Result from MyTool."""

    results: list[dict]
    count: int


class MyToolConfig(BaseModel):
    """Configuration for MyTool."""

    api_key: str
    timeout: float = 30.0


class MyTool(BaseTool[MyToolArgs, MyToolResult], Component[MyToolConfig]):
    """Custom tool implementation."""

    component_config_schema = MyToolConfig
    component_provider_override = "mypackage.MyTool"

    def __init__(self, api_key: str, timeout: float = 30.0):
        self._api_key = api_key
        self._timeout = timeout

    async def run(self, args: MyToolArgs, cancellation_token: CancellationToken) -> MyToolResult:
        """Execute the tool."""
        # Implement your tool logic
        results = await self._search(args.query, args.max_results)

        return MyToolResult(
            results=results,
            count=len(results),
        )

    async def _search(self, query: str, max_results: int) -> list[dict]:
        """Perform search."""
        # Implement your search logic
        raise NotImplementedError

    def _to_config(self) -> MyToolConfig:
        """Export configuration."""
        return MyToolConfig(
            api_key=self._api_key,
            timeout=self._timeout,
        )

    @classmethod
    def _from_config(cls, config: MyToolConfig) -> Self:
        """Create from configuration."""
        return cls(
            api_key=config.api_key,
            timeout=config.timeout,
        )


# --- the guide's "Tool Support" create, and the parts the guide leaves to the reader --


class ScriptedModelClient(MyModelClient):
    """MyModelClient with the guide's tool-aware create() and a scripted "API"."""

    # Its own provider string: an inherited one would load it back as MyModelClient.
    component_provider_override = "tests.agents.test_guide_agents.ScriptedModelClient"
    replies: list[dict[str, Any]] = []
    seen_tools: list[list[dict[str, Any]] | None] = []

    async def create(
        self,
        messages: Sequence[LLMMessage],
        cancellation_token: CancellationToken,
        tools: Sequence[Tool] | None = None,
        **kwargs,
    ) -> CreateResult:
        # Convert tools to API format
        api_tools = None
        if tools:
            api_tools = [self._convert_tool(tool) for tool in tools]

        response = await self._call_api(messages, tools=api_tools)

        # Handle tool calls in response
        function_calls = []
        if "tool_calls" in response:
            for tool_call in response["tool_calls"]:
                function_calls.append(
                    FunctionCall(
                        id=tool_call["id"],
                        name=tool_call["function"]["name"],
                        arguments=tool_call["function"]["arguments"],
                    )
                )

        return CreateResult(
            content=response["content"],
            usage=RequestUsage(
                prompt_tokens=response["usage"]["prompt_tokens"],
                completion_tokens=response["usage"]["completion_tokens"],
            ),
            finish_reason="tool_calls" if function_calls else "stop",
            cached=False,
            function_calls=function_calls,
        )

    def _convert_tool(self, tool: Tool) -> dict:
        """Convert AutoGen tool to API format."""
        schema = tool.schema
        return {
            "type": "function",
            "function": {
                "name": schema["name"],
                "description": schema.get("description", ""),
                "parameters": schema.get("parameters", {}),
            },
        }

    async def _call_api(self, messages: Sequence[LLMMessage], tools: Any = None) -> dict:
        type(self).seen_tools.append(tools)
        return type(self).replies.pop(0)

    async def _stream_api(self, messages: Sequence[LLMMessage]):
        for word in ["Streamed ", "from ", "the ", "guide."]:
            yield {"type": "content", "data": word}
        yield {"type": "done", "usage": {"prompt_tokens": 3, "completion_tokens": 4}}


class SearchTool(MyTool):
    """Search the catalogue."""

    component_provider_override = "mypackage.SearchTool"

    async def _search(self, query: str, max_results: int) -> list[dict]:
        return [{"title": f"{query} #{i}"} for i in range(min(max_results, 2))]


USAGE = {"prompt_tokens": 5, "completion_tokens": 2}


# --- the tests -------------------------------------------------------------------------

from agentparts.agents import AssistantAgent  # noqa: E402
from agentparts.messages import ToolCallExecutionEvent, ToolCallSummaryMessage  # noqa: E402
from agentparts.model_context import TokenLimitedChatCompletionContext  # noqa: E402
from agentparts.models import UserMessage  # noqa: E402


async def test_guide_client_and_tool_in_an_assistant_agent() -> None:
    ScriptedModelClient.seen_tools = []
    ScriptedModelClient.replies = [
        {
            "content": "",
            "usage": USAGE,
            "tool_calls": [
                {
                    "id": "t1",
                    "function": {
                        "name": "SearchTool",
                        "arguments": '{"query": "lamps", "max_results": 5}',
                    },
                }
            ],
        },
        {"content": "Found 2 lamps.", "usage": USAGE},
    ]
    tool = SearchTool(api_key="...")
    agent = AssistantAgent(
        name="assistant",
        model_client=ScriptedModelClient(model="my-model", api_key="k"),
        tools=[tool],
        max_tool_iterations=2,
    )
    result = await agent.run(task="Find lamps")
    executed = next(m for m in result.messages if isinstance(m, ToolCallExecutionEvent))
    assert not executed.content[0].is_error
    assert json.loads(executed.content[0].content) == {
        "results": [{"title": "lamps #0"}, {"title": "lamps #1"}],
        "count": 2,
    }
    assert result.messages[-1].to_text() == "Found 2 lamps."
    offered = ScriptedModelClient.seen_tools[0]
    assert offered is not None and offered[0]["function"]["name"] == "SearchTool"
    assert "query" in offered[0]["function"]["parameters"]["properties"]


async def test_guide_streaming_client_with_empty_final_content() -> None:
    agent = AssistantAgent(
        "assistant", ScriptedModelClient(model="m", api_key="k"), model_client_stream=True
    )
    result = await agent.run(task="Say something")
    assert result.messages[-1].to_text() == "Streamed from the guide."


async def test_guide_client_in_a_token_limited_context() -> None:
    ScriptedModelClient.replies = [{"content": "ok", "usage": USAGE}]
    client = ScriptedModelClient(model="m", api_key="k", max_tokens=6)
    context = TokenLimitedChatCompletionContext(client)
    agent = AssistantAgent("assistant", client, model_context=context, system_message=None)
    for text in ["one two three", "four five six seven"]:
        await context.add_message(UserMessage(content=text))
    result = await agent.run(task="eight")
    assert result.messages[-1].to_text() == "ok"
    assert client.remaining_tokens(await context.get_messages()) >= 0


async def test_agent_with_guide_parts_saves_and_loads() -> None:
    ScriptedModelClient.replies = [
        {
            "content": "",
            "usage": USAGE,
            "tool_calls": [
                {"id": "t1", "function": {"name": "SearchTool", "arguments": '{"query": "x"}'}}
            ],
        },
    ]
    agent = AssistantAgent(
        "assistant",
        ScriptedModelClient(model="m", api_key="k"),
        tools=[SearchTool(api_key="secret")],
    )
    saved = agent.dump_component()
    assert saved.config["tools"][0]["provider"] == "mypackage.SearchTool"
    loaded = AssistantAgent.load_component(saved)
    result = await loaded.run(task="x")
    assert isinstance(result.messages[-1], ToolCallSummaryMessage)


async def test_using_with_agents_section_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # the guide relies on the environment
    # --- the guide's snippet, import roots renamed ---
    from agentparts.agents import AssistantAgent
    from agentparts.models.openai import OpenAIChatCompletionClient

    tool = MyTool(api_key="...")

    agent = AssistantAgent(
        name="assistant",
        model_client=OpenAIChatCompletionClient(model="gpt-4o"),
        tools=[tool],
    )
    # ---
    assert agent.name == "assistant"
    saved = agent.dump_component()
    assert saved.config["tools"][0]["provider"] == "mypackage.MyTool"
    assert saved.config["model_client"]["config"]["api_key"] == {"$env": "OPENAI_API_KEY"}
    await agent.model_client.close()


async def test_using_with_agents_against_the_local_server() -> None:
    from agentparts.models.openai import OpenAIChatCompletionClient
    from agentparts.testing import OpenAITestServer, ScriptedReply, ScriptedToolCall

    async with OpenAITestServer() as server:
        server.script(
            ScriptedReply(
                tool_calls=[ScriptedToolCall("SearchTool", {"query": "desk lamp"}, id="s1")]
            ),
            ScriptedReply("I found two desk lamps."),
        )
        tool = SearchTool(api_key="...")
        client = OpenAIChatCompletionClient(
            model="gpt-4o", base_url=server.base_url, api_key="sk-test"
        )
        agent = AssistantAgent(
            name="assistant", model_client=client, tools=[tool], max_tool_iterations=2
        )
        result = await agent.run(task="Find a desk lamp")
        await client.close()
    assert result.messages[-1].to_text() == "I found two desk lamps."
    offered = server.requests[0].body["tools"][0]["function"]
    assert offered["name"] == "SearchTool"
    assert offered["parameters"]["properties"]["query"]["description"] == "Search query"
    tool_message = next(m for m in server.last_request.messages if m["role"] == "tool")
    assert json.loads(tool_message["content"])["count"] == 2
