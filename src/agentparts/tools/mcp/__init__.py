"""MCP servers as tools: ``McpWorkbench`` and ``mcp_server_tools`` (needs the ``mcp`` extra).

Servers are reached over stdio (``StdioServerParams``), SSE (``SseServerParams``) or
streamable HTTP (``StreamableHttpServerParams``).

Importing this module does not import the ``mcp`` SDK; starting a server does.
"""

from ._adapter import McpToolAdapter as McpToolAdapter
from ._adapter import SseMcpToolAdapter as SseMcpToolAdapter
from ._adapter import StdioMcpToolAdapter as StdioMcpToolAdapter
from ._adapter import StreamableHttpMcpToolAdapter as StreamableHttpMcpToolAdapter
from ._adapter import mcp_server_tools as mcp_server_tools
from ._config import McpServerParams as McpServerParams
from ._config import SseServerParams as SseServerParams
from ._config import StdioServerParams as StdioServerParams
from ._config import StreamableHttpServerParams as StreamableHttpServerParams
from ._session import McpSession as McpSession
from ._workbench import McpWorkbench as McpWorkbench

__all__ = [
    "McpServerParams",
    "McpSession",
    "McpToolAdapter",
    "McpWorkbench",
    "SseMcpToolAdapter",
    "SseServerParams",
    "StdioMcpToolAdapter",
    "StdioServerParams",
    "StreamableHttpMcpToolAdapter",
    "StreamableHttpServerParams",
    "mcp_server_tools",
]
