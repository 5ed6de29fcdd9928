"""Print the public names of AutoGen modules as JSON (not a test; run with AutoGen's venv).

    benchmarks/.envs/autogen/bin/python tests/porting/data/list_autogen075_names.py \
        autogen_core autogen_agentchat.agents ...

A module's public names are its ``__all__``; a module without one gives the classes,
functions and constants it defines at top level whose names do not start with ``_``
(imported names and ``TypeVar``s left out). The module's source is read, not imported, so
modules whose optional packages (``mcp``, ``rich``, ``diskcache``...) are missing count too.
Prints ``{"module": ["Name", ...], ...}``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path


def _source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{module} is not installed in this Python ({sys.executable})")
    return Path(spec.origin).read_text(encoding="utf-8")


def _is_type_var(value: ast.expr | None) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "TypeVar"
    )


def public_names(module: str) -> list[str]:
    exported: list[str] | None = None
    defined: list[str] = []
    for node in ast.parse(_source(module)).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            defined.append(node.name)
            continue
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            if target.id == "__all__":
                exported = list(ast.literal_eval(value)) if value is not None else []
            elif not _is_type_var(value):
                defined.append(target.id)
    names = exported if exported is not None else [n for n in defined if not n.startswith("_")]
    return sorted(set(names))


if __name__ == "__main__":
    print(json.dumps({module: public_names(module) for module in sys.argv[1:]}, indent=1))
