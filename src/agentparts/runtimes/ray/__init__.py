"""RayAgentRuntime: the agent runtime on a Ray cluster, each agent an actor (extra ``ray``).

Ray is imported when a runtime is made, not when this module is.
"""

from ._runtime import RayAgentRuntime as RayAgentRuntime

__all__ = ["RayAgentRuntime"]
