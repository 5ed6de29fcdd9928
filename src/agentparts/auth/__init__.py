"""Credentials for model clients: token providers (``agentparts.auth.azure``)."""

__all__: list[str] = []
