"""MCP servers as tools: ``McpWorkbench`` and ``mcp_server_tools`` (needs the ``mcp`` extra).

Importing this module does not import the ``mcp`` SDK; starting a server does.
"""

from ._adapter import McpToolAdapter as McpToolAdapter
from ._adapter import mcp_server_tools as mcp_server_tools
from ._config import StdioServerParams as StdioServerParams
from ._config import StreamableHttpServerParams as StreamableHttpServerParams
from ._session import McpSession as McpSession
from ._workbench import McpWorkbench as McpWorkbench

__all__ = [
    "McpSession",
    "McpToolAdapter",
    "McpWorkbench",
    "StdioServerParams",
    "StreamableHttpServerParams",
    "mcp_server_tools",
]
