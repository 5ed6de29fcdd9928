"""JupyterCodeExecutor on a real ipykernel: state, interrupts, restart, rich outputs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.code_executor import CodeBlock, CodeExecutor
from agentparts.code_executors.jupyter import JupyterCodeExecutor, JupyterCodeResult

from .conftest import exists, live_processes_with, read_text

_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


@pytest.fixture
async def jupyter() -> AsyncIterator[JupyterCodeExecutor]:
    async with JupyterCodeExecutor(timeout=3) as executor:
        yield executor


async def run(executor: JupyterCodeExecutor, code: str) -> JupyterCodeResult:
    return await executor.execute_code_blocks([CodeBlock(code, "python")], CancellationToken())


async def test_state_persists_between_blocks(jupyter: JupyterCodeExecutor) -> None:
    await run(jupyter, "x = 40")
    result = await run(jupyter, "x += 2\nprint(x)\nx")
    assert result.exit_code == 0
    assert result.output == "42\n42\n"


async def test_errors_are_results_without_color_codes(jupyter: JupyterCodeExecutor) -> None:
    result = await run(jupyter, "1 / 0")
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.output
    assert "\x1b[" not in result.output


async def test_timeout_interrupts_the_cell_and_the_kernel_stays_usable(
    jupyter: JupyterCodeExecutor,
) -> None:
    marker = uuid.uuid4().hex
    await run(jupyter, "kept = 'yes'")
    result = await run(
        jupyter,
        "import subprocess, time\n"
        f"child = subprocess.Popen(['sh', '-c', 'sleep 1000', '{marker}'])\n"
        "print('started', flush=True)\n"
        "time.sleep(1000)",
    )
    assert result.exit_code == 124
    assert "started" in result.output
    assert "timed out after 3 s" in result.output
    assert live_processes_with(marker) == []
    after = await run(jupyter, "print(kept)")
    assert after.output == "yes\n"


async def test_cancellation_interrupts(jupyter: JupyterCodeExecutor) -> None:
    token = CancellationToken()
    asyncio.get_running_loop().call_later(0.5, token.cancel)
    result = await jupyter.execute_code_blocks(
        [CodeBlock("import time\ntime.sleep(1000)", "python")], token
    )
    assert result.exit_code == 130
    assert (await run(jupyter, "print('ok')")).output == "ok\n"


async def test_restart_drops_state(jupyter: JupyterCodeExecutor) -> None:
    await run(jupyter, "gone = 1")
    await jupyter.restart()
    result = await run(jupyter, "print(gone)")
    assert result.exit_code == 1
    assert "NameError" in result.output


async def test_images_are_saved_as_files(jupyter: JupyterCodeExecutor) -> None:
    result = await run(
        jupyter,
        "from IPython.display import display, Image, HTML\n"
        f"display(Image(data=__import__('base64').b64decode('{_PNG}')))\n"
        "display(HTML('<b>hi</b>'))",
    )
    assert result.exit_code == 0, result.output
    png, html = result.output_files
    assert png.parent == jupyter.work_dir and png.suffix == ".png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert html.read_text() == "<b>hi</b>"
    assert f"[image/png saved to {png}]" in result.output


async def test_a_broken_rich_output_is_reported_not_raised(jupyter: JupyterCodeExecutor) -> None:
    result = await run(
        jupyter,
        "from IPython.display import publish_display_data\n"
        "publish_display_data({'image/png': 'not base64!', 'text/plain': 'x'})\n"
        "print('after')",
    )
    assert result.exit_code == 0, result.output
    assert "[image/png output could not be decoded" in result.output
    assert result.output.endswith("after\n")
    assert result.output_files == []


async def test_only_python(jupyter: JupyterCodeExecutor) -> None:
    result = await jupyter.execute_code_blocks([CodeBlock("ls", "bash")], CancellationToken())
    assert result.exit_code == 1
    assert "Unsupported language 'bash'" in result.output


async def test_kernel_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-kernel-secret")
    async with JupyterCodeExecutor(env={"GIVEN": "1"}) as executor:
        result = await run(
            executor, "import os\nprint(os.environ.get('OPENAI_API_KEY'), os.environ['GIVEN'])"
        )
    assert result.output == "None 1\n"


async def test_stop_kills_the_kernel_and_removes_the_temp_dir() -> None:
    executor = JupyterCodeExecutor()
    await executor.start()
    pid = executor.kernel_pid
    work_dir = executor.work_dir
    assert pid is not None
    await executor.stop()
    assert not exists(f"/proc/{pid}") or "Z" in read_text(f"/proc/{pid}/stat").split()[2]
    assert not exists(work_dir)


def test_config_round_trip() -> None:
    executor = JupyterCodeExecutor(timeout=5, env_allowlist=["X"])
    model = executor.dump_component()
    assert model.provider == "agentparts.code_executors.jupyter.JupyterCodeExecutor"
    loaded = ComponentLoader.load_component(model, CodeExecutor)
    assert isinstance(loaded, JupyterCodeExecutor) and loaded.timeout == 5


async def test_output_is_capped() -> None:
    async with JupyterCodeExecutor(max_output_bytes=10_000) as executor:
        result = await run(executor, "for _ in range(200):\n    print('w' * 1000)")
    assert result.output.startswith("w" * 1000)
    assert result.output.endswith("[output truncated: it exceeded 10000 bytes]")
    assert len(result.output) < 10_100


async def test_concurrent_first_runs_share_one_kernel() -> None:
    executor = JupyterCodeExecutor(timeout=10)
    try:
        results = await asyncio.gather(
            *(run(executor, "import os\nprint(os.getpid())") for _ in range(3))
        )
        assert {r.output for r in results} == {f"{executor.kernel_pid}\n"}
    finally:
        await executor.stop()


async def test_unknown_kernel_is_a_clear_error() -> None:
    from agentparts.errors import CodeExecutionError

    executor = JupyterCodeExecutor(kernel_name="no-such-kernel")
    with pytest.raises(CodeExecutionError, match="jupyter kernelspec list"):
        await executor.start()
    await executor.stop()
