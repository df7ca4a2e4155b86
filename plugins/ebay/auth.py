"""eBay OAuth access tokens, minted at ``POST /identity/v1/oauth2/token`` and kept in the store's state.

- The seller's User access token (about 2 hours): ``grant_type=refresh_token``
  with the refresh token of their consent (about 18 months) and the
  Fulfillment scope, for the Sell Fulfillment API.
- An Application access token (about 2 hours): ``grant_type=client_credentials``
  with the base scope, for the Notification API's public keys and destinations.
- The seller's User access token for the Notification API's subscriptions:
  ``grant_type=refresh_token`` with ``commerce.notification.subscription``.

Both requests authenticate the app with HTTP Basic ``client_id:client_secret``
and a form body. A token is reused until five minutes before it expires (as
eBay's OAuth clients do), and only for the credentials and host it was minted
for. eBay answers a refused grant with HTTP 400 and an OAuth ``error`` code
(``invalid_grant``, ``invalid_scope``), and refused app keys with HTTP 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import aiohttp

from server.platforms import (
    ConnectorState,
    HttpClient,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    Response,
)

__all__ = ["APPLICATION_SCOPE", "FULFILLMENT_SCOPES", "SUBSCRIPTION_SCOPE", "TOKEN_PATH", "Tokens"]

TOKEN_PATH = "/identity/v1/oauth2/token"
FULFILLMENT_SCOPES = (
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly",
)
"""Tried in turn: a consent may have granted either (a refresh must ask for granted scopes only)."""
APPLICATION_SCOPE = "https://api.ebay.com/oauth/api_scope"
SUBSCRIPTION_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription"
EXPIRY_MARGIN = timedelta(minutes=5)

_USER = "user_token"
_APP = "app_token"
_SUBSCRIBER = "subscription_token"
_OPERATION = {
    _USER: "Refreshing the seller's eBay access token",
    _APP: "Getting an eBay application token",
    _SUBSCRIBER: "Refreshing the seller's eBay access token for notification subscriptions",
}
_GRANTED = {
    _USER: "the Fulfillment API",
    _SUBSCRIBER: f"notification subscriptions (scope {SUBSCRIPTION_SCOPE})",
}


class _ScopeRefused(PlatformAuthError):
    """``invalid_scope``: the consent behind the refresh token does not cover the scope asked for."""


class Tokens:
    """The store's access tokens, cached in ``ConnectorState`` under ``user_token*`` and ``app_token*``."""

    def __init__(self, http: HttpClient, state: ConnectorState, origin: str, credentials: Mapping[str, str]) -> None:
        self._http = http
        self._state = state
        self._url = f"{origin}{TOKEN_PATH}"
        self._credentials = credentials
        minted_for = [origin, *(credentials[name] for name in ("client_id", "client_secret", "refresh_token"))]
        self._fingerprint = hashlib.sha256("\n".join(minted_for).encode()).hexdigest()[:32]
        self._lock = asyncio.Lock()  # pages fetched ahead must not each renew an expired token

    async def user_token(self, *, renew: bool = False) -> str:
        """The seller's access token; ``renew`` mints a new one even if the cached one has not expired."""
        async with self._lock:
            cached = None if renew else self._cached(_USER)
            if cached is not None:
                return cached
            form = {"grant_type": "refresh_token", "refresh_token": self._credentials["refresh_token"]}
            for scope in FULFILLMENT_SCOPES[:-1]:
                with contextlib.suppress(_ScopeRefused):
                    return await self._mint(_USER, {**form, "scope": scope})
            return await self._mint(_USER, {**form, "scope": FULFILLMENT_SCOPES[-1]})

    async def subscription_token(self, *, renew: bool = False) -> str:
        """The seller's access token for the Notification API's subscriptions; ``renew`` as for ``user_token``."""
        async with self._lock:
            cached = None if renew else self._cached(_SUBSCRIBER)
            if cached is not None:
                return cached
            form = {"grant_type": "refresh_token", "refresh_token": self._credentials["refresh_token"]}
            return await self._mint(_SUBSCRIBER, {**form, "scope": SUBSCRIPTION_SCOPE})

    async def app_token(self, *, renew: bool = False) -> str:
        """An application access token (client credentials grant); ``renew`` as for ``user_token``."""
        cached = None if renew else self._cached(_APP)
        if cached is not None:
            return cached
        return await self._mint(_APP, {"grant_type": "client_credentials", "scope": APPLICATION_SCOPE})

    def _cached(self, kind: str) -> str | None:
        token, until = self._state.get(kind), self._state.get(f"{kind}_until")
        if token is None or until is None or self._state.get(f"{kind}_for") != self._fingerprint:
            return None
        try:
            usable = datetime.fromisoformat(until) > datetime.now(UTC)
        except ValueError:
            return None
        return token if usable else None

    async def _mint(self, kind: str, form: Mapping[str, str]) -> str:
        operation = _OPERATION[kind]
        basic = aiohttp.encode_basic_auth(self._credentials["client_id"], self._credentials["client_secret"])
        headers = {"Authorization": basic, "Accept": "application/json"}
        response = await self._http.request("POST", self._url, headers=headers, data=dict(form), ok=(200, 400, 401))
        if response.status != 200:
            raise _refusal(response, operation, form["grant_type"], _GRANTED.get(kind, ""))
        body = response.json()
        token = body.get("access_token") if isinstance(body, dict) else None
        lifetime = body.get("expires_in") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token or not isinstance(lifetime, int) or isinstance(lifetime, bool):
            raise PlatformBadResponse(f"{operation}: {response.where} answered without access_token and expires_in")
        until = datetime.now(UTC) + timedelta(seconds=lifetime) - EXPIRY_MARGIN
        await self._state.set(**{kind: token, f"{kind}_until": until.isoformat(), f"{kind}_for": self._fingerprint})
        return token


def _refusal(response: Response, operation: str, grant_type: str, granted: str) -> PlatformError:
    """eBay's refusal of a grant (HTTP 400 or 401 with an OAuth ``error``, or 404) as the contract's error."""
    if response.status == 404:
        return PlatformBadResponse(f"{operation}: {response.where} answered HTTP 404: check the API base URL")
    body = response.json() if response.status == 400 else None
    error = body.get("error") if isinstance(body, dict) else None
    if response.status == 401 or error == "invalid_client":
        return PlatformAuthError(
            f"{operation}: eBay refused the app's client_id and client_secret (invalid_client): "
            "check them against the developer account's Application Keys"
        )
    if error == "invalid_grant" and grant_type == "refresh_token":
        return PlatformAuthError(
            f"{operation}: eBay refused the refresh token (invalid_grant): it has expired or was revoked, "
            "so the seller must connect the store again (consent on eBay) for a new one"
        )
    if error == "invalid_scope" and grant_type == "refresh_token":
        return _ScopeRefused(
            f"{operation}: eBay refused the scope (invalid_scope): the seller's consent does not cover "
            f"{granted}, so the seller must connect the store again, granting it"
        )
    code = error[:100] if isinstance(error, str) else "no OAuth error code"
    return PlatformBadResponse(f"{operation}: {response.where} answered HTTP 400 ({code})")
