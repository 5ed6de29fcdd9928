"""The ``agentparts`` command line.

``agentparts --help`` lists the commands. Each command group lives in its own private module
(``_components.py``, ``_config.py``, ``_run.py``, ``_demo.py``) and is registered in
:mod:`agentparts.cli._main`; see that module to add a command.
"""

from ._main import main as main

__all__ = ["main"]
