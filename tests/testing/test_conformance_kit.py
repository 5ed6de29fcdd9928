"""The suites catch real defects: deliberately broken components fail the right tests.

Each broken component is written to a temporary test module and run by a child pytest,
as an extension author would run the suite.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import run_pytest

BROKEN_CLIENT = """
import pytest
from pydantic import BaseModel
from agentparts import Component
from agentparts.models import ChatCompletionClient, CreateResult, RequestUsage
from agentparts.testing import ChatCompletionClientTests


class LeakyConfig(BaseModel):
    model: str
    api_key: str  # a plain str: written to dumps in clear


class BrokenClient(ChatCompletionClient, Component[LeakyConfig]):
    component_config_schema = LeakyConfig

    def __init__(self, model: str, api_key: str) -> None:
        self._model = model
        self._api_key = api_key

    async def create(self, messages, *, cancellation_token=None, **kwargs):
        # ignores the token and reports no usage
        return CreateResult(content="hi", usage=RequestUsage(0, 0), finish_reason="stop")

    async def create_stream(self, messages, *, cancellation_token=None, **kwargs):
        yield "hi"
        yield CreateResult(content="hi", usage=RequestUsage(3, 1), finish_reason="stop")
        yield CreateResult(content="hi", usage=RequestUsage(3, 1), finish_reason="stop")

    def count_tokens(self, messages, **kwargs):
        return 3

    def _to_config(self):
        return LeakyConfig(model=self._model, api_key=self._api_key)

    @classmethod
    def _from_config(cls, config):
        return cls(config.model, config.api_key)


class TestBrokenClient(ChatCompletionClientTests):
    secret_values = ("sk-leaked-key",)

    @pytest.fixture
    def client(self):
        return BrokenClient("m", "sk-leaked-key")
"""

UNCOUNTED_CLIENT = """
import pytest
from agentparts.models import ChatCompletionClient, CreateResult, RequestUsage
from agentparts.testing import ChatCompletionClientTests


class UncountedClient(ChatCompletionClient):
    \"\"\"Reports usage per call, but its total_usage() never counts it.\"\"\"

    async def create(self, messages, *, cancellation_token=None, **kwargs):
        return CreateResult(content="hi", usage=RequestUsage(3, 1), finish_reason="stop")

    async def create_stream(self, messages, *, cancellation_token=None, **kwargs):
        yield "hi"
        yield CreateResult(content="hi", usage=RequestUsage(3, 1), finish_reason="stop")

    def count_tokens(self, messages, **kwargs):
        return 3


class TestUncountedClient(ChatCompletionClientTests):
    @pytest.fixture
    def client(self):
        return UncountedClient()
"""

BROKEN_EXECUTOR = '''
import asyncio
import pytest
from pydantic import BaseModel
from agentparts import Component
from agentparts.code_executor import CodeExecutor, CodeResult
from agentparts.testing import CodeExecutorTests


class Config(BaseModel):
    timeout: float


class SloppyExecutor(CodeExecutor, Component[Config]):
    """Pretends to run code: a timeout gives exit code 1, unknown languages raise."""

    component_config_schema = Config

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def execute_code_blocks(self, code_blocks, cancellation_token):
        block = code_blocks[0]
        if block.language != "python":
            raise ValueError("unsupported")
        if "sleep" in block.code:
            await asyncio.sleep(self.timeout)
            return CodeResult(exit_code=1, output="too slow")
        return CodeResult(exit_code=0, output="")

    async def start(self): pass
    async def stop(self): pass
    async def restart(self): pass

    def _to_config(self):
        return Config(timeout=self.timeout)

    @classmethod
    def _from_config(cls, config):
        return cls(config.timeout)


class TestSloppyExecutor(CodeExecutorTests):
    timeout = 0.5
    requires_start = False

    @pytest.fixture
    def executor(self):
        return SloppyExecutor(self.timeout)
'''

BROKEN_TOOL = '''
import pytest
from agentparts.testing import ToolTests


class BadNameTool:
    """Implements the Tool protocol by hand, with a name models refuse and no checks."""

    name = "bad name!"
    description = ""

    @property
    def schema(self):
        return {"name": self.name, "parameters": {"type": "object", "properties": {"n": {"type": "int"}}, "required": ["n"]}}

    def args_type(self): ...
    def return_type(self): return str
    def state_type(self): return None
    def return_value_as_string(self, value): return str(value)

    async def run_json(self, args, cancellation_token, call_id=None):
        return "ran without checking its arguments"

    async def save_state_json(self): return {}
    async def load_state_json(self, state): pass


class TestBadNameTool(ToolTests):
    valid_args = {"n": 1}

    @pytest.fixture
    def tool(self):
        return BadNameTool()
'''


def test_client_suite_flags_each_defect(tmp_path: Path) -> None:
    outcomes = run_pytest(tmp_path, BROKEN_CLIENT)
    assert outcomes["test_stream_ends_with_exactly_one_create_result"] == "FAILED"
    assert outcomes["test_usage_is_reported"] == "FAILED"
    assert outcomes["test_cancelled_token_cancels_create"] == "FAILED"
    assert outcomes["test_cancelled_token_cancels_create_stream"] == "FAILED"
    assert outcomes["test_secrets_are_not_dumped"] == "FAILED"
    # What works is not flagged.
    assert outcomes["test_create_returns_a_create_result"] == "PASSED"
    assert outcomes["test_dump_load_round_trip"] == "PASSED"
    assert outcomes["test_loading_as_another_type_is_refused"] == "PASSED"


def test_client_suite_checks_total_usage(tmp_path: Path) -> None:
    outcomes = run_pytest(tmp_path, UNCOUNTED_CLIENT)
    assert outcomes["test_usage_is_reported"] == "FAILED"
    assert outcomes["test_usage_is_reported_when_streaming"] == "FAILED"
    assert outcomes["test_create_returns_a_create_result"] == "PASSED"


def test_executor_suite_flags_each_defect(tmp_path: Path) -> None:
    outcomes = run_pytest(tmp_path, BROKEN_EXECUTOR)
    assert outcomes["test_timeout_gives_exit_code_124"] == "FAILED"
    assert outcomes["test_unsupported_language_is_a_result"] == "FAILED"
    assert outcomes["test_python_runs_and_output_is_captured"] == "FAILED"
    assert outcomes["test_dump_load_round_trip"] == "PASSED"


def test_tool_suite_flags_each_defect(tmp_path: Path) -> None:
    outcomes = run_pytest(tmp_path, BROKEN_TOOL)
    assert outcomes["test_schema_names_and_describes_the_tool"] == "FAILED"
    assert outcomes["test_schema_is_valid_json_schema"] == "FAILED"
    assert outcomes["test_missing_argument_is_a_clear_error"] == "FAILED"
    assert outcomes["test_runs_with_valid_args"] == "PASSED"
