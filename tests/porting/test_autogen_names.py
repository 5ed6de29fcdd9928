"""Names AutoGen code imports exist after the rename and behave as AutoGen's (issue 19):
``agentparts.tools.code_execution``, ``agentparts.utils``, the message unions and
``StructuredMessageFactory``; and the porting doc's table of every public name of the AutoGen
0.7.5 modules agentparts mirrors is complete (checked against AutoGen's venv) and true."""

from __future__ import annotations

import datetime
import importlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.messages import (
    AgentEvent,
    ChatMessage,
    StructuredMessageFactory,
    TextMessage,
    ThoughtEvent,
)
from agentparts.tools import BaseTool, PythonCodeExecutionTool, code_execution
from agentparts.utils import (
    FormatNotSupportedError,
    ReferenceNotFoundError,
    SchemaConversionError,
    UnsupportedKeywordError,
    extract_json_from_str,
    schema_to_pydantic_model,
)

from .._autogen import AUTOGEN_PYTHON
from ._paths import object_exists


def test_code_execution_module_path(tmp_path: Any) -> None:
    assert code_execution.PythonCodeExecutionTool is PythonCodeExecutionTool
    tool = PythonCodeExecutionTool(LocalCommandLineCodeExecutor(work_dir=tmp_path))
    model = tool.dump_component().model_dump(mode="json")
    model["provider"] = "autogen_ext.tools.code_execution.PythonCodeExecutionTool"
    assert isinstance(BaseTool.load_component(model), code_execution.PythonCodeExecutionTool)
    config = code_execution.PythonCodeExecutionToolConfig.model_validate(model["config"])
    assert config.description == "Execute Python code blocks."


# --- schema_to_pydantic_model ------------------------------------------------------------


def test_schema_to_model_types_constraints_and_optional_fields() -> None:
    User = schema_to_pydantic_model(
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "who"},
                "age": {"type": "integer", "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                "role": {"enum": ["admin", "user"]},
                "born": {"type": "string", "format": "date"},
                "score": {"type": "number", "default": 1.5},
            },
            "required": ["name"],
        },
        "User",
    )
    assert User.__name__ == "User"
    user = User(name="Ada", born="1815-12-10")
    assert user.model_dump() == {
        "name": "Ada",
        "age": None,  # optional without a default: None allowed
        "tags": None,
        "role": None,
        "born": datetime.date(1815, 12, 10),
        "score": 1.5,
    }
    assert User.model_json_schema()["properties"]["name"]["description"] == "who"
    for bad in ({"name": ""}, {"name": "a", "age": -1}, {"name": "a", "tags": ["x"] * 3}):
        with pytest.raises(ValidationError):
            User(**bad)
    with pytest.raises(ValidationError):
        User(name="a", role="root")


def test_schema_to_model_nested_refs_recursion_and_all_of() -> None:
    class Address(BaseModel):
        city: str

    class Person(BaseModel):
        name: str
        address: Address
        friends: list[Person] = []

    Rebuilt = schema_to_pydantic_model(Person.model_json_schema(), "Person")
    person = Rebuilt.model_validate(
        {
            "name": "a",
            "address": {"city": "Lyon"},
            "friends": [{"name": "b", "address": {"city": "Oslo"}}],
        }
    )
    assert person.model_dump()["friends"][0]["address"] == {"city": "Oslo"}
    Merged = schema_to_pydantic_model(
        {
            "allOf": [
                {"$ref": "#/$defs/A"},
                {"type": "object", "properties": {"b": {"type": "string"}}},
            ],
            "$defs": {
                "A": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
            },
        }
    )
    assert set(Merged.model_fields) == {"a", "b"}
    with pytest.raises(ValidationError):
        Merged(b="x")  # a is required


def test_schema_to_model_unions() -> None:
    Model = schema_to_pydantic_model(
        {
            "type": "object",
            "properties": {
                "value": {
                    "anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "string"}}]
                }
            },
            "required": ["value"],
        }
    )
    assert Model(value=3).model_dump() == {"value": 3}
    assert Model(value=["a"]).model_dump() == {"value": ["a"]}
    with pytest.raises(ValidationError):
        Model(value={"no": 1})


def test_schema_to_model_errors_are_autogens() -> None:
    with pytest.raises(UnsupportedKeywordError):
        schema_to_pydantic_model({"type": "object", "properties": {"x": {}}})
    with pytest.raises(FormatNotSupportedError):
        schema_to_pydantic_model(
            {"type": "object", "properties": {"x": {"type": "string", "format": "colour"}}}
        )
    with pytest.raises(ReferenceNotFoundError, match="#/\\$defs/Missing"):
        schema_to_pydantic_model(
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}}
        )
    assert issubclass(ReferenceNotFoundError, SchemaConversionError)


# --- extract_json_from_str ---------------------------------------------------------------


def test_extract_json_from_str() -> None:
    assert extract_json_from_str('{"a": 1}') == [{"a": 1}]
    text = 'First:\n```json\n{"a": 1}\n```\nthen\n```\n[2, 3]\n```'
    assert extract_json_from_str(text) == [{"a": 1}, [2, 3]]
    with pytest.raises(ValueError, match="found language: python"):
        extract_json_from_str("```python\nprint(1)\n```")
    with pytest.raises(json.JSONDecodeError):
        extract_json_from_str("not json")


# --- messages ----------------------------------------------------------------------------


def test_chat_message_and_agent_event_unions() -> None:
    chat = TypeAdapter(ChatMessage).validate_python(
        {"type": "TextMessage", "source": "a", "content": "hi"}
    )
    assert isinstance(chat, TextMessage)
    event = TypeAdapter(AgentEvent).validate_python(
        {"type": "ThoughtEvent", "source": "a", "content": "hmm"}
    )
    assert isinstance(event, ThoughtEvent)
    with pytest.raises(ValidationError):
        TypeAdapter(ChatMessage).validate_python(
            {"type": "ThoughtEvent", "source": "a", "content": "x"}
        )


class Weather(BaseModel):
    city: str
    degrees: int


def test_structured_message_factory_round_trips_through_a_schema() -> None:
    factory = StructuredMessageFactory(input_model=Weather, format_string="{city}: {degrees}C")
    assert factory.ContentModel is Weather
    saved = factory.dump_component()
    assert saved.provider == "agentparts.messages.StructuredMessageFactory"
    assert saved.component_type == "structured_message"
    assert saved.config["json_schema"] == Weather.model_json_schema()
    autogen = saved.model_dump(mode="json")
    autogen["provider"] = "autogen_agentchat.messages.StructuredMessageFactory"
    loaded = StructuredMessageFactory.load_component(autogen)
    assert loaded.ContentModel is not Weather and loaded.ContentModel.__name__ == "Weather"
    message = loaded.StructuredMessage(
        content=loaded.ContentModel(city="Oslo", degrees=3),
        source="agent",
        format_string=loaded.format_string,
    )
    assert message.to_text() == "Oslo: 3C"
    with pytest.raises(ValueError, match="json_schema"):
        StructuredMessageFactory()


# --- the porting doc's table of every AutoGen public name --------------------------------

ROOT = Path(__file__).parents[2]
PORTING_DOC = ROOT / "docs" / "porting-from-autogen.md"
LIST_NAMES = Path(__file__).parent / "data" / "list_autogen075_names.py"
MIRRORED_MODULES = (
    "autogen_core",
    "autogen_core.code_executor",
    "autogen_core.exceptions",
    "autogen_core.logging",
    "autogen_core.memory",
    "autogen_core.model_context",
    "autogen_core.models",
    "autogen_core.tool_agent",
    "autogen_core.tools",
    "autogen_core.utils",
    "autogen_agentchat",
    "autogen_agentchat.agents",
    "autogen_agentchat.base",
    "autogen_agentchat.conditions",
    "autogen_agentchat.messages",
    "autogen_agentchat.state",
    "autogen_agentchat.teams",
    "autogen_agentchat.tools",
    "autogen_agentchat.ui",
    "autogen_agentchat.utils",
    "autogen_ext.auth.azure",
    "autogen_ext.cache_store.diskcache",
    "autogen_ext.cache_store.redis",
    "autogen_ext.code_executors",
    "autogen_ext.code_executors.jupyter",
    "autogen_ext.code_executors.local",
    "autogen_ext.models.anthropic",
    "autogen_ext.models.anthropic.config",
    "autogen_ext.models.azure",
    "autogen_ext.models.azure.config",
    "autogen_ext.models.cache",
    "autogen_ext.models.llama_cpp",
    "autogen_ext.models.ollama",
    "autogen_ext.models.ollama.config",
    "autogen_ext.models.openai",
    "autogen_ext.models.openai.config",
    "autogen_ext.models.replay",
    "autogen_ext.teams.magentic_one",
    "autogen_ext.tools.code_execution",
    "autogen_ext.tools.mcp",
    "autogen_ext.ui",
)
_HEADING = re.compile(r"^#### `(autogen_[a-z_.]+)`$")
_ROW = re.compile(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \| (same|different|missing) \| (.*) \|$")
_PATH = re.compile(r"`(agentparts(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`")
_SHARE = re.compile(r"\*\*(\d+) of (\d+) names \((\d+)%\) exist after the\s+rename\.\*\*")


@dataclass(frozen=True)
class Row:
    module: str
    name: str
    status: str
    note: str


def _table_rows() -> list[Row]:
    text = PORTING_DOC.read_text(encoding="utf-8")
    section = text.split("## 5. Every AutoGen public name", 1)[1]
    rows: list[Row] = []
    module = ""
    for line in section.splitlines():
        if heading := _HEADING.match(line):
            module = heading.group(1)
        elif row := _ROW.match(line):
            assert module, f"a row before any module heading: {line}"
            rows.append(Row(module, row.group(1), row.group(2), row.group(3).strip()))
    return rows


def _renamed(module: str) -> str:
    return re.sub(r"^autogen_(core|agentchat|ext)", "agentparts", module)


def _exists(module: str, name: str) -> bool:
    try:
        found = importlib.import_module(_renamed(module))
    except ImportError:
        return False
    return hasattr(found, name)


def _autogen_names() -> dict[str, list[str]]:
    done = subprocess.run(
        [str(AUTOGEN_PYTHON), str(LIST_NAMES), *MIRRORED_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


needs_autogen = pytest.mark.skipif(
    not AUTOGEN_PYTHON.exists(), reason="AutoGen venv not built (scripts/bench)"
)


@needs_autogen
def test_the_table_lists_every_autogen_public_name_once() -> None:
    listed: dict[str, list[str]] = {}
    for row in _table_rows():
        listed.setdefault(row.module, []).append(row.name)
    autogen = _autogen_names()
    assert list(listed) == list(MIRRORED_MODULES), "one heading per mirrored module, in order"
    for module, names in autogen.items():
        assert names, f"AutoGen's {module} has no public names: the lister is broken"
        assert listed[module] == names, (
            f"docs/porting-from-autogen.md, {module}: add {sorted(set(names) - set(listed[module]))}"
            f", remove {sorted(set(listed[module]) - set(names))} (rows sorted, no repeats)"
        )


def test_names_the_table_calls_same_or_different_exist_after_the_rename() -> None:
    rows = _table_rows()
    assert len(rows) > 250
    absent = [
        f"{_renamed(r.module)}.{r.name}"
        for r in rows
        if r.status != "missing" and not _exists(r.module, r.name)
    ]
    assert not absent, f"the porting table says these exist, but they do not import: {absent}"


def test_names_the_table_calls_missing_do_not_exist_and_say_what_instead() -> None:
    problems: list[str] = []
    for row in _table_rows():
        if row.status != "missing":
            continue
        where = f"{row.module}.{row.name}"
        if _exists(row.module, row.name):
            problems.append(f"{where} exists now: call it same or different")
        paths = _PATH.findall(row.note)
        unknown = [p for p in paths if not object_exists(p)]
        if unknown:
            problems.append(f"{where}: the note names {unknown}, which do not exist")
        if not (re.search(r"#\d+", row.note) or "not planned:" in row.note or paths):
            problems.append(f"{where}: the note names no issue, no replacement, no reason")
    assert not problems, "\n".join(problems)


def test_names_the_table_calls_different_say_how() -> None:
    silent = [
        f"{r.module}.{r.name}" for r in _table_rows() if r.status == "different" and not r.note
    ]
    assert not silent, f"'different' needs a note saying how and why: {silent}"
    stale = [
        f"{r.module}.{r.name}"
        for r in _table_rows()
        if r.status != "missing" and "not planned" in r.note
    ]
    assert not stale, f"these exist, but their notes still say they are not planned: {stale}"


def test_the_stated_share_of_names_that_exist_is_the_tables() -> None:
    rows = _table_rows()
    stated = _SHARE.search(PORTING_DOC.read_text(encoding="utf-8"))
    assert stated, "the doc states how many names exist after the rename"
    exist = sum(r.status != "missing" for r in rows)
    assert (int(stated.group(1)), int(stated.group(2))) == (exist, len(rows))
    assert int(stated.group(3)) == round(100 * exist / len(rows))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"{exist} of the {len(rows)} public names" in readme, "README.md states the share too"
