"""eBay's OAuth token endpoint (refresh-token and client-credentials grants) and the bearer checks.

``POST /identity/v1/oauth2/token`` takes ``Authorization: Basic base64(client_id:client_secret)``
and a form body:

- ``grant_type=refresh_token&refresh_token=...&scope=...`` (scopes space-separated, each one
  granted at consent; omitted: all of them) answers ``{"access_token", "expires_in": 7200,
  "token_type": "User Access Token"}``: the seller's token for the Sell APIs.
- ``grant_type=client_credentials&scope=https://api.ebay.com/oauth/api_scope`` (omitted: that
  scope) answers ``{"access_token", "expires_in": 7200, "token_type": "Application Access Token"}``:
  the application's own token, which the Notification API's ``getPublicKey`` requires.

Refusals use OAuth's ``{"error", "error_description"}``: 401 ``invalid_client``, 400
``invalid_grant`` / ``invalid_scope`` / ``invalid_request`` / ``unsupported_grant_type``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import ACCESS_DENIED, INVALID_TOKEN, EbayError
from .subscriptions import SUBSCRIPTION_READONLY_SCOPE, SUBSCRIPTION_SCOPE

SCOPE_ROOT = "https://api.ebay.com/oauth/api_scope"
FULFILLMENT_SCOPE = f"{SCOPE_ROOT}/sell.fulfillment"
FULFILLMENT_READONLY_SCOPE = f"{SCOPE_ROOT}/sell.fulfillment.readonly"
DEFAULT_SCOPES = (
    SCOPE_ROOT,
    FULFILLMENT_SCOPE,
    FULFILLMENT_READONLY_SCOPE,
    SUBSCRIPTION_SCOPE,
    SUBSCRIPTION_READONLY_SCOPE,
)
APPLICATION_SCOPES = frozenset({SCOPE_ROOT})
"""What the client-credentials grant can give this (ordinary) application."""
TOKEN_PREFIX = "v^1.1#i^1#r^0#p^3#I^3#f^0#t^"
APPLICATION_TOKEN_PREFIX = "v^1.1#i^1#p^1#r^0#I^3#f^0#t^"

_INVALID_CLIENT = (401, "invalid_client", "client authentication failed")
_INVALID_GRANT = (
    400,
    "invalid_grant",
    "the provided authorization refresh token is invalid or was issued to another client",
)
_INVALID_REQUEST = (400, "invalid_request", "request is missing a required parameter or malformed.")
_UNSUPPORTED_GRANT = (
    400,
    "unsupported_grant_type",
    "grant type in request is not supported by the authorization server",
)
_INVALID_SCOPE = (
    400,
    "invalid_scope",
    "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client",
)


@dataclass(frozen=True, slots=True)
class _Token:
    expires: datetime
    scopes: frozenset[str]
    application: bool = False


@dataclass(slots=True)
class OAuthServer:
    """One application's credentials, one seller's refresh token, and the access tokens minted from it."""

    client_id: str
    client_secret: str
    refresh_token: str
    scopes: frozenset[str]
    now: Callable[[], datetime]
    lifetime: int = 7200
    requests: int = 0
    """Token requests received, refused ones included."""
    revoked: bool = False
    _tokens: dict[str, _Token] = field(default_factory=dict)

    def grant(self, authorization: str | None, form: Mapping[str, str] | None) -> tuple[int, dict[str, Any]]:
        """Answer one token request: ``(HTTP status, JSON body)``."""
        self.requests += 1
        if not self._client_ok(authorization):
            return _oauth_error(_INVALID_CLIENT)
        if form is None:
            return _oauth_error(_INVALID_REQUEST)
        if form.get("grant_type") == "client_credentials":
            return self._application_token(form)
        if form.get("grant_type") != "refresh_token":
            return _oauth_error(_UNSUPPORTED_GRANT if form.get("grant_type") else _INVALID_REQUEST)
        if not form.get("refresh_token"):
            return _oauth_error(_INVALID_REQUEST)
        if self.revoked or not _same(form["refresh_token"], self.refresh_token):
            return _oauth_error(_INVALID_GRANT)
        requested = frozenset(form.get("scope", "").split()) or self.scopes
        if not requested <= self.scopes:
            return _oauth_error(_INVALID_SCOPE)
        token = TOKEN_PREFIX + base64.b64encode(secrets.token_bytes(96)).decode()
        self._tokens[token] = _Token(self.now() + timedelta(seconds=self.lifetime), requested)
        return 200, {"access_token": token, "expires_in": self.lifetime, "token_type": "User Access Token"}

    def refusal(self, authorization: str | None) -> EbayError | None:
        """The Sell APIs' 401 (no, unknown or expired token) or 403 (no fulfillment scope); ``None`` if allowed."""
        token = self._token(authorization)
        if token is None:
            return INVALID_TOKEN
        if not token.scopes & {FULFILLMENT_SCOPE, FULFILLMENT_READONLY_SCOPE}:
            return ACCESS_DENIED
        return None

    def application_refusal(self, authorization: str | None) -> EbayError | None:
        """For methods that need an Application access token (client-credentials grant): 401 for no, unknown
        or expired token, 403 for a User access token; ``None`` if allowed."""
        token = self._token(authorization)
        if token is None:
            return INVALID_TOKEN
        if not token.application or SCOPE_ROOT not in token.scopes:
            return ACCESS_DENIED
        return None

    def subscription_refusal(self, authorization: str | None, *, write: bool) -> EbayError | None:
        """For the seller's subscriptions: 401 as above, 403 for a user token without
        ``commerce.notification.subscription`` (``.readonly`` does for reading); an application token passes
        (it manages the app's own topics only)."""
        token = self._token(authorization)
        if token is None:
            return INVALID_TOKEN
        allowed = {SUBSCRIPTION_SCOPE} if write else {SUBSCRIPTION_SCOPE, SUBSCRIPTION_READONLY_SCOPE}
        if not token.application and not token.scopes & allowed:
            return ACCESS_DENIED
        return None

    def is_application(self, authorization: str | None) -> bool:
        token = self._token(authorization)
        return token is not None and token.application

    def revoke(self) -> None:
        """The seller withdrew consent: the refresh token and every user access token stop working
        (the application's own tokens do not depend on the seller)."""
        self.revoked = True
        self._tokens = {value: token for value, token in self._tokens.items() if token.application}

    def _token(self, authorization: str | None) -> _Token | None:
        scheme, _, value = (authorization or "").partition(" ")
        token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or self.now() >= token.expires:
            return None
        return token

    def _application_token(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        requested = frozenset(form.get("scope", "").split()) or APPLICATION_SCOPES
        if not requested <= APPLICATION_SCOPES:
            return _oauth_error(_INVALID_SCOPE)
        token = APPLICATION_TOKEN_PREFIX + base64.b64encode(secrets.token_bytes(96)).decode()
        self._tokens[token] = _Token(self.now() + timedelta(seconds=self.lifetime), requested, application=True)
        return 200, {"access_token": token, "expires_in": self.lifetime, "token_type": "Application Access Token"}

    def _client_ok(self, authorization: str | None) -> bool:
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return _same(client_id, self.client_id) and _same(secret, self.client_secret)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _oauth_error(error: tuple[int, str, str]) -> tuple[int, dict[str, Any]]:
    status, code, description = error
    return status, {"error": code, "error_description": description}
