"""Full-text search over a folder of text and Markdown files (SQLite FTS5, stdlib only).

``SearchTool`` is the tool an agent calls; ``SearchIndex`` is the index underneath, usable
on its own (and by benchmarks): ``update()`` then ``search(query, max_results)``.
"""

from ._index import SearchHit as SearchHit
from ._index import SearchIndex as SearchIndex
from ._index import UpdateStats as UpdateStats
from ._index import fts_query as fts_query
from ._tool import SearchArgs as SearchArgs
from ._tool import SearchResult as SearchResult
from ._tool import SearchResultItem as SearchResultItem
from ._tool import SearchTool as SearchTool
from ._tool import SearchToolConfig as SearchToolConfig

__all__ = [
    "SearchArgs",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "SearchResultItem",
    "SearchTool",
    "SearchToolConfig",
    "UpdateStats",
    "fts_query",
]
