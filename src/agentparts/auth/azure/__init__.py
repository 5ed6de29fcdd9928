"""Microsoft Entra ID (Azure AD) bearer tokens for Azure model clients.

Needs ``azure-identity`` (``pip install 'agentparts[azure]'``), imported only when a token
is first asked for, so a saved :class:`AzureTokenProvider` loads without it.
"""

from ._token_provider import AzureTokenProvider as AzureTokenProvider
from ._token_provider import TokenProviderConfig as TokenProviderConfig

__all__ = ["AzureTokenProvider", "TokenProviderConfig"]
