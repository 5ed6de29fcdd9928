"""Azure's error answers, summarized with what to check (shared by both Azure clients)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import httpx

from ...errors import ModelClientError, ModelNotFoundError, ModelRequestError
from .._http import HttpLimits, Redactor, RetryPolicy, Transport

__all__ = ["AzureTransport"]


class AzureTransport(Transport):
    """A :class:`Transport` whose 404 and content-filter errors speak Azure's terms.

    Azure answers 404 both for a deployment that does not exist (``DeploymentNotFound``)
    and for an ``api-version`` it does not serve (``Resource not found``), and 400 with
    code ``content_filter`` when its content filter blocks a prompt.
    """

    __slots__ = ("api_version", "deployment")

    def __init__(
        self,
        base_url: str,
        url: str,
        model: str,
        limits: HttpLimits,
        retry: RetryPolicy,
        redact: Redactor,
        key_hint: str,
        *,
        deployment: str,
        api_version: str,
        auth_headers: Callable[[], Awaitable[Mapping[str, str]]] | None = None,
    ) -> None:
        super().__init__(
            base_url, url, model, limits, retry, redact, key_hint, auth_headers=auth_headers
        )
        self.deployment = deployment
        self.api_version = api_version

    def status_error(
        self, status: int, body: bytes, response: httpx.Response, attempts: int
    ) -> ModelClientError:
        error = super().status_error(status, body, response, attempts)
        text = str(error)
        if status == 404:
            detail = text.split(": ", 1)[1].split(" Check the model name", 1)[0]
            return ModelNotFoundError(
                f"{self.base_url} (HTTP 404) has no deployment {self.deployment!r} for "
                f"api-version {self.api_version!r}: {detail} Check azure_deployment (the "
                "deployment name from the Azure portal, not the model name), azure_endpoint, "
                "and that api_version is one Azure serves (e.g. '2024-10-21')."
            )
        if status == 400 and "content_filter" in text:
            return ModelRequestError(
                f"{text} Azure's content filter blocked the prompt: change the messages, or "
                "the deployment's content filter settings."
            )
        return error
