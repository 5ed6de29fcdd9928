"""``agentparts`` without a model: help, components list, config validate and show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXAMPLES, cli_env, run_cli


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.code == 0
    for command in ("run", "demo", "components", "config"):
        assert command in result.stdout


def test_no_command_prints_help_and_fails() -> None:
    result = run_cli()
    assert result.code == 2
    assert "usage: agentparts" in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.stdout.startswith("agentparts ")


def test_help_imports_no_heavy_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from agentparts.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('httpx', 'openai', 'rich', 'llama_cpp', 'yaml', 'mcp') "
        "if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out


def test_components_list_shows_builtins_with_their_types() -> None:
    result = run_cli("components", "list", "--json")
    assert result.code == 0
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["llama_cpp"]["component_type"] == "model"
    assert rows["llama_cpp"]["status"] == "ok"
    assert rows["assistant_agent"]["component_type"] == "agent"
    assert rows["openai"]["provider"] == "agentparts.models.openai.OpenAIChatCompletionClient"


def test_components_list_table_and_type_filter() -> None:
    result = run_cli("components", "list", "--type", "model")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "SOURCE", "PROVIDER"]
    names = {line.split()[0] for line in lines[1:] if not line.startswith(" ")}
    assert {"openai", "llama_cpp", "replay"} <= names
    assert "assistant_agent" not in names


def test_components_list_shows_a_broken_entry_point_with_its_error(tmp_path: Path) -> None:
    # A real installed distribution (a .dist-info on sys.path) whose entry point is broken.
    dist = tmp_path / "brokenext-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenext\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[agentparts.components]\nbroken_thing = brokenext_missing.module:Thing\n"
    )
    env = cli_env(PYTHONPATH=str(tmp_path))
    result = run_cli("components", "list", env=env)
    assert result.code == 0
    assert "broken_thing" in result.stdout
    assert "entry point (brokenext)" in result.stdout
    assert "brokenext_missing" in result.stdout
    assert "cannot be loaded" in result.stderr


def test_config_validate_accepts_the_examples() -> None:
    env = cli_env(OPENAI_BASE_URL="http://127.0.0.1:9/v1", OPENAI_API_KEY="k")
    for example in sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json")):
        result = run_cli("config", "validate", str(example), env=env)
        assert result.code == 0, (example, result.stderr)
        assert result.stdout.startswith("OK: ")


def test_config_validate_reports_a_missing_file() -> None:
    result = run_cli("config", "validate", "no/such/file.yaml")
    assert result.code == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_validate_reports_invalid_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("provider: [unclosed\n")
    result = run_cli("config", "validate", str(bad))
    assert result.code == 1
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_validate_reports_a_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"provider": "llama_cpp", "config": {"n_ctx": "lots"}}))
    result = run_cli("config", "validate", str(bad))
    assert result.code == 1
    assert "config.n_ctx" in result.stderr


def test_config_validate_refuses_an_unknown_provider_before_import(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "evilmod.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nclass Thing: pass\n"
    )
    config = tmp_path / "evil.yaml"
    config.write_text("provider: evilmod.Thing\nconfig: {}\n")
    result = run_cli("config", "validate", str(config), env=cli_env(PYTHONPATH=str(tmp_path)))
    assert result.code == 1
    assert "Refused to load provider 'evilmod.Thing'" in result.stderr
    assert not marker.exists()


def test_debug_shows_the_traceback() -> None:
    result = run_cli("--debug", "config", "validate", "no/such/file.yaml")
    assert result.code != 0
    assert "Traceback" in result.stderr


def test_config_show_prints_the_schema() -> None:
    result = run_cli("config", "show", "llama_cpp")
    assert result.code == 0
    document = json.loads(result.stdout)
    assert document["provider"] == "agentparts.models.llama_cpp.LlamaCppChatCompletionClient"
    assert document["component_type"] == "model"
    assert "n_threads" in document["config_schema"]["properties"]


def test_config_show_an_unknown_short_name_fails_clearly() -> None:
    result = run_cli("config", "show", "nonsense")
    assert result.code == 1
    assert "components list" in result.stderr


def test_debug_logs_the_structured_events() -> None:
    result = run_cli("config", "validate", str(EXAMPLES / "local_agent.yaml"), "--debug")
    assert result.code == 0
    assert '"type": "ComponentLoad", "provider": "llama_cpp"' in result.stderr


def test_the_installed_console_script_runs() -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "agentparts"
    if not script.exists():
        found = shutil.which("agentparts")
        assert found is not None, "the agentparts console script is not installed"
        script = Path(found)
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert out.returncode == 0
    assert out.stdout.startswith("agentparts ")


def test_in_process_output_reaches_the_current_streams(capsys: pytest.CaptureFixture[str]) -> None:
    from agentparts.cli import main

    assert main(["components", "list"]) == 0
    assert "agentparts.models.openai.OpenAIChatCompletionClient" in capsys.readouterr().out
