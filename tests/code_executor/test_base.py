"""The code executor interface: blocks, results, functions with requirements, markdown."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Self

import pytest
from pydantic import BaseModel

import agentparts.code_executor as code_executor
from agentparts import CancellationToken, Component, ComponentLoader
from agentparts.code_executor import (
    Alias,
    CodeBlock,
    CodeExecutor,
    CodeResult,
    CommandLineCodeResult,
    FunctionWithRequirements,
    ImportFromModule,
    build_python_functions_file,
    extract_markdown_code_blocks,
    to_stub,
    with_requirements,
)


@with_requirements(python_packages=["numpy"], global_imports=["math", Alias("os", "o")])
def hypotenuse(a: float, b: float) -> float:
    """The hypotenuse of a right triangle."""
    return math.sqrt(a * a + b * b)


def plain(x: int) -> int:
    return x + 1


def test_public_names_are_sorted_and_complete() -> None:
    assert code_executor.__all__ == sorted(code_executor.__all__)
    # dir() lists the names loaded on first use (the package's __getattr__) too; each resolves.
    assert set(code_executor.__all__) <= set(dir(code_executor))
    assert all(hasattr(code_executor, name) for name in code_executor.__all__)
    for name in ("CodeBlock", "CodeExecutor", "CodeResult", "FunctionWithRequirements"):
        assert name in code_executor.__all__


def test_results() -> None:
    result = CommandLineCodeResult(exit_code=124, output="late", code_file="/w/x.py")
    assert isinstance(result, CodeResult)
    assert (result.exit_code, result.output, result.code_file) == (124, "late", "/w/x.py")
    assert CommandLineCodeResult(0, "").code_file is None


def test_with_requirements_keeps_the_function_callable() -> None:
    assert hypotenuse(3, 4) == 5.0
    assert isinstance(hypotenuse, FunctionWithRequirements)
    assert hypotenuse.__name__ == "hypotenuse"
    assert hypotenuse.__doc__ == "The hypotenuse of a right triangle."
    assert list(hypotenuse.python_packages) == ["numpy"]


def test_functions_file_has_imports_then_undecorated_functions() -> None:
    text = build_python_functions_file(
        [
            hypotenuse,
            plain,
            FunctionWithRequirements.from_str(
                "def shout(s):\n    return s.upper()\n",
                global_imports=[ImportFromModule("os", ["path", Alias("sep", "separator")])],
            ),
        ]
    )
    assert text.startswith(
        "import math\nimport os as o\nfrom os import path, sep as separator\n\n\n"
    )
    assert "@with_requirements" not in text
    namespace: dict[str, object] = {}
    exec(compile(text, "functions.py", "exec"), namespace)  # the test checks it is valid Python
    assert namespace["hypotenuse"](6, 8) == 10.0  # type: ignore[operator]
    assert namespace["plain"](1) == 2  # type: ignore[operator]
    assert namespace["shout"]("a") == "A"  # type: ignore[operator]


def test_from_str_rejects_anything_but_one_function() -> None:
    with pytest.raises(ValueError, match="exactly one function"):
        FunctionWithRequirements.from_str("import os\ndef f():\n    pass\n")
    with pytest.raises(ValueError, match="does not parse"):
        FunctionWithRequirements.from_str("def f(:\n")


def test_stub() -> None:
    assert to_stub(hypotenuse) == (
        "def hypotenuse(a: float, b: float) -> float:\n"
        '    """The hypotenuse of a right triangle."""\n'
        "    ...\n"
    )
    assert to_stub(plain) == "def plain(x: int) -> int:\n    ...\n"


def test_extract_markdown_code_blocks() -> None:
    text = (
        "First:\n```python\nprint(1)\n```\nThen:\n```Bash\necho hi\n```\n"
        "No tag:\n```\nls\n```\nLonger fence:\n````sh\necho '```'\n````\n"
    )
    assert extract_markdown_code_blocks(text) == [
        CodeBlock(code="print(1)\n", language="python"),
        CodeBlock(code="echo hi\n", language="bash"),
        CodeBlock(code="ls\n", language=""),
        CodeBlock(code="echo '```'\n", language="sh"),
    ]
    assert extract_markdown_code_blocks("no code here") == []


class EchoConfig(BaseModel):
    prefix: str = ""


class EchoExecutor(CodeExecutor, Component[EchoConfig]):
    """Echoes code back: a minimal executor written as the extension guide shows."""

    component_config_schema = EchoConfig

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.started = False

    async def execute_code_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CodeResult:
        return CodeResult(0, "".join(self.prefix + b.code for b in code_blocks))

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def _to_config(self) -> EchoConfig:
        return EchoConfig(prefix=self.prefix)

    @classmethod
    def _from_config(cls, config: EchoConfig) -> Self:
        return cls(prefix=config.prefix)


async def test_custom_executor_is_a_component_and_context_manager() -> None:
    executor = EchoExecutor(prefix="> ")
    async with executor as running:
        assert running is executor and executor.started
        result = await executor.execute_code_blocks([CodeBlock("x", "python")], CancellationToken())
        assert result.output == "> x"
    assert not executor.started
    model = executor.dump_component()
    assert model.component_type == "code_executor"
    loaded = ComponentLoader.load_component(model, CodeExecutor)
    assert isinstance(loaded, EchoExecutor) and loaded.prefix == "> "


def test_code_executor_is_abstract(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        CodeExecutor()  # type: ignore[abstract]
