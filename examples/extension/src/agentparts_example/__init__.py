"""The extension guide's three examples, made real and complete.

- :class:`~agentparts_example.models.HttpChatCompletionClient`: a model client for any
  OpenAI-compatible HTTP endpoint, written directly on httpx.
- :class:`~agentparts_example.code_executors.SubprocessCodeExecutor`: runs Python and
  shell code in a subprocess with a timeout, cancellation and an output cap.
- :class:`~agentparts_example.tools.FileSearchTool`: searches the text files of a folder.

All three are registered in the ``agentparts.components`` entry-point group, so configs can
name them by short name (``example_http_client``, ``example_subprocess_executor``,
``example_file_search``) and safe loading allows them.
"""

__all__: list[str] = []
