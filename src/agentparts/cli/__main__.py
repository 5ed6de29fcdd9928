"""``python -m agentparts.cli`` runs the ``agentparts`` command."""

import sys

from ._main import main

sys.exit(main())
