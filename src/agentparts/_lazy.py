"""Class attributes that name a class of another module, imported when first read.

A component class names its config model (``component_config_schema``). Defining that
model loads Pydantic's model machinery (``pydantic.main`` and what it imports: on its own
about 85% of ``import asyncio, pydantic``), so a component module that imported its config
model would make every ``from agentparts.teams import RoundRobinGroupChat`` pay it. With
``imported_on_read`` the config module is imported by the first read of the attribute (the
first load, save or config of such a component), and the attribute is then an ordinary
class attribute.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["imported_on_read", "lazy_package"]


class _ImportedOnRead:
    """A descriptor that replaces itself with the named class on its first read."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._owner: type | None = None
        self._attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self._owner = owner
        self._attribute = attribute

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        value = getattr(importlib.import_module(self._module), self._name)
        if self._owner is not None:
            # Read once: from now on the attribute is the class itself.
            setattr(self._owner, self._attribute, value)
        return value

    def __repr__(self) -> str:
        return f"imported_on_read({self._module!r}, {self._name!r})"


def imported_on_read(module: str, name: str) -> Any:
    """A class attribute whose value is ``module.name``, imported when first read.

    Args:
        module: The absolute module name (``agentparts.teams._group_chat._config``).
        name: The attribute of that module (``RoundRobinGroupChatConfig``).

    Typed ``Any`` so that the class may declare the attribute's real type, for example
    ``component_config_schema = imported_on_read(...)`` where the base class declares
    ``component_config_schema: type[ConfigT]``.
    """
    return _ImportedOnRead(module, name)


def lazy_package(
    package: str, modules: Mapping[str, str], public: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` that import each public name on first use.

    Args:
        package: The package's ``__name__``.
        modules: Each lazily imported name and the module that defines it, relative to the
            package (``"._group_chat._round_robin"``) or absolute.
        public: The package's ``__all__``.

    Use in a package ``__init__``::

        __getattr__, __dir__ = lazy_package(__name__, _LAZY_NAMES, __all__)

    with the same names imported under ``if TYPE_CHECKING:`` for type checkers. A name,
    once imported, is stored in the package, so later reads are plain attribute reads.
    """

    def __getattr__(name: str) -> Any:
        module_name = modules.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
