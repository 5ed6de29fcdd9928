"""The part of a test server for another provider's own API that is not its wire protocol.

:class:`NativeApiTestServer` is the :class:`OpenAITestServer` (HTTP machinery, script,
recording, faults, control routes) with the API at the server's root: a subclass gives
only its routes (it overrides ``_route``, answering through ``_serve``) and its body for
a request that is not JSON (``_bad_json``).
"""

from __future__ import annotations

from typing import Self

from typing_extensions import TypeIs

from ._openai_server import OpenAITestServer
from ._scripted import Fault, ScriptedReply

__all__ = ["NativeApiTestServer", "is_plain_error"]


def is_plain_error(answer: ScriptedReply | Fault) -> TypeIs[Fault]:
    """Whether ``answer`` is a fault that only answers with its status and message (no
    reply, cut, raw body, drip, endless stream or huge answer): the provider's error body."""
    return (
        isinstance(answer, Fault)
        and answer.reply is None
        and answer.cut_after is None
        and answer.body is None
        and answer.raw_json is None
        and answer.drip_interval is None
        and answer.endless_interval is None
        and answer.size is None
    )


class NativeApiTestServer(OpenAITestServer):
    """A scripted server for a provider's own API (base of the Anthropic and Ollama ones)."""

    @property
    def base_url(self) -> str:
        """The address to give a client (its ``base_url`` or ``host``): ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    def __enter__(self) -> Self:
        self.start_in_thread()
        return self
