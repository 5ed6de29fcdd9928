"""The part of a test server for another provider's own API that is not its wire protocol.

:class:`NativeApiTestServer` is the :class:`OpenAITestServer` (HTTP machinery, script,
recording, faults, control routes) with the API at the server's root: a subclass gives
only its routes (:meth:`NativeApiTestServer._route`) and its body for a request that is
not JSON (:meth:`NativeApiTestServer._bad_json`).
"""

from __future__ import annotations

import json
from typing import Any

from typing_extensions import Self, TypeIs

from ._openai_server import OpenAITestServer
from ._scripted import Fault, RecordedRequest, ScriptedReply

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

    async def _dispatch(
        self, method: str, target: str, headers: dict[str, str], raw: bytes, writer: Any
    ) -> bool:
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            self._bad_json(writer)
            return True
        path = target.split("?", 1)[0]
        if path.startswith("/_control/"):
            return self._control(method, path, body, writer)
        request = RecordedRequest(method, target, headers, body)
        if self.record:
            self.requests.append(request)
        return await self._route(path, request, writer)

    def _bad_json(self, writer: Any) -> None:
        """Write the provider's answer to a request body that is not JSON."""
        raise NotImplementedError

    async def _route(self, path: str, request: RecordedRequest, writer: Any) -> bool:
        """Answer a recorded request (``path`` is its path without the query)."""
        raise NotImplementedError

    async def _serve(
        self, answer: ScriptedReply | Fault | str, body: dict[str, Any], writer: Any
    ) -> bool:
        """Send ``answer`` (counted in :attr:`peak_requests` while it is sent)."""
        if isinstance(answer, str):
            answer = ScriptedReply(answer)
        self._answering += 1
        self.peak_requests = max(self.peak_requests, self._answering)
        try:
            return await self._answer(answer, body, writer)
        finally:
            self._answering -= 1
