"""Tools of the example extension."""

from ._file_search import FileSearchArgs as FileSearchArgs
from ._file_search import FileSearchConfig as FileSearchConfig
from ._file_search import FileSearchResult as FileSearchResult
from ._file_search import FileSearchTool as FileSearchTool

__all__ = ["FileSearchArgs", "FileSearchConfig", "FileSearchResult", "FileSearchTool"]
