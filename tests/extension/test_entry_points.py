"""Components registered through the ``agentparts.components`` entry-point group.

A real package (``tinyext``, see conftest) is installed into a private folder; each check
runs in a child Python so it reads a fresh entry-point table.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli, run_json

LOAD = """
import json
from agentparts import ComponentLoader
from agentparts.errors import ComponentLoadError
try:
    greeter = ComponentLoader.load_component(
        {{"provider": {provider!r}, "component_type": "greeter", "config": {{"greeting": "hi"}}}},
        {allowed}
    )
    print(json.dumps({{"ok": type(greeter).__module__ + "." + type(greeter).__name__,
                      "greeting": greeter.greeting}}))
except ComponentLoadError as exc:
    print(json.dumps({{"error": type(exc).__name__, "message": str(exc)}}))
"""


def _load(site: Path | None, provider: str, allowed: str = "", **env: str) -> dict[str, str]:
    allowed_arg = f"allowed_providers={allowed}" if allowed else ""
    return run_json(LOAD.format(provider=provider, allowed=allowed_arg), site, **env)


def test_short_name_of_an_entry_point_loads_its_component(tinyext_site: Path) -> None:
    assert _load(tinyext_site, "tiny_greeter") == {"ok": "tinyext.Greeter", "greeting": "hi"}


def test_full_provider_path_of_an_entry_point_is_allowed(tinyext_site: Path) -> None:
    assert _load(tinyext_site, "tinyext.Greeter")["ok"] == "tinyext.Greeter"


def test_entry_point_value_with_extras_still_names_its_class(tinyext_site: Path) -> None:
    assert _load(tinyext_site, "fancy_greeter")["ok"] == "tinyext.Greeter"


def test_unregistered_package_is_refused_before_import(tinyext_site: Path, tmp_path: Path) -> None:
    # The same package without its dist-info: importable, but registered nowhere.
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "tinyext").symlink_to(tinyext_site / "tinyext", target_is_directory=True)
    probe = run_json(
        """
        import json, sys
        from agentparts import ComponentLoader
        from agentparts.errors import ProviderNotAllowedError
        try:
            ComponentLoader.load_component({"provider": "tinyext.Greeter", "config": {"greeting": "x"}})
        except ProviderNotAllowedError as exc:
            print(json.dumps({"message": str(exc), "imported": "tinyext" in sys.modules}))
        """,
        bare,
    )
    assert probe["imported"] is False
    assert "allowed_providers=['tinyext']" in probe["message"]
    assert "AGENTPARTS_ALLOWED_PROVIDERS=tinyext" in probe["message"]
    assert _load(bare, "tiny_greeter")["error"] == "ProviderNotFoundError"


def test_allowed_prefixes_admit_an_unregistered_package(tinyext_site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "tinyext").symlink_to(tinyext_site / "tinyext", target_is_directory=True)
    assert _load(bare, "tinyext.Greeter", allowed="['tinyext']")["ok"] == "tinyext.Greeter"
    by_env = _load(bare, "tinyext.Greeter", AGENTPARTS_ALLOWED_PROVIDERS="other, tinyext")
    assert by_env["ok"] == "tinyext.Greeter"
    # A prefix allows its package, not a package that merely starts with the same letters.
    refused = _load(bare, "tinyext.Greeter", allowed="['tiny']")
    assert refused["error"] == "ProviderNotAllowedError"


def test_entry_point_whose_module_is_missing_gives_a_clear_error(tinyext_site: Path) -> None:
    result = _load(tinyext_site, "missing_module")
    assert result["error"] == "ProviderNotFoundError"
    assert "tinyext.missing" in result["message"]
    assert "installed" in result["message"]


def test_entry_point_whose_module_crashes_gives_a_clear_error(tinyext_site: Path) -> None:
    result = _load(tinyext_site, "crashing_module")
    assert result["error"] == "ProviderNotFoundError"
    assert "RuntimeError: tinyext.crashes is broken on purpose" in result["message"]
    assert "reinstall or fix it" in result["message"]


def test_components_list_shows_broken_entry_points_and_the_working_ones(tinyext_site: Path) -> None:
    done = run_cli(["components", "list", "--json"], tinyext_site)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    by_name = {row["name"]: row for row in rows if row["source"].startswith("entry point")}
    assert by_name["tiny_greeter"]["status"] == "ok"
    assert by_name["tiny_greeter"]["component_type"] == "greeter"
    assert by_name["tiny_greeter"]["source"] == "entry point (tinyext)"
    assert by_name["missing_module"]["status"] == "broken"
    assert "tinyext.missing" in by_name["missing_module"]["error"]
    assert by_name["crashing_module"]["status"] == "broken"
    assert "broken on purpose" in by_name["crashing_module"]["error"]
    # Built-in components are still listed next to the broken entry points.
    assert any(row["name"] == "function_tool" for row in rows)


def test_components_list_table_names_the_broken_entry_points(tinyext_site: Path) -> None:
    done = run_cli(["components", "list"], tinyext_site)
    assert done.returncode == 0, done.stderr
    assert "tiny_greeter" in done.stdout
    assert "broken: ProviderNotFoundError" in done.stdout
    assert "2 entry point(s) cannot be loaded" in done.stderr


def test_short_name_registered_by_two_packages_is_ambiguous(clashing_site: Path) -> None:
    result = _load(clashing_site, "tiny_greeter")
    assert result["error"] == "ProviderNotFoundError"
    assert "registered by more than one installed package" in result["message"]
    assert "otherext.Greeter (from otherext)" in result["message"]
    assert "tinyext.Greeter (from tinyext)" in result["message"]
    # The full provider paths still load, each from its own package.
    assert _load(clashing_site, "otherext.Greeter")["ok"] == "otherext.Greeter"
    assert _load(clashing_site, "tinyext.Greeter")["ok"] == "tinyext.Greeter"
