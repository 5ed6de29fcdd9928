"""Code executor implementations: ``local``, ``sandbox`` (the default) and ``jupyter``.

Import an implementation from its module (``agentparts.code_executors.sandbox``);
:func:`default_code_executor` gives the executor agents use when none is given.
"""

from ._default import default_code_executor as default_code_executor
from ._env import DEFAULT_ENV_ALLOWLIST as DEFAULT_ENV_ALLOWLIST

__all__ = ["DEFAULT_ENV_ALLOWLIST", "default_code_executor"]
