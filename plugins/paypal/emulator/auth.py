"""OAuth 2.0 client credentials: ``POST /v1/oauth2/token`` with HTTP Basic ``client_id:secret``, then
``Authorization: Bearer <access_token>`` on every API call."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from .errors import oauth_error, rest_error
from .formats import zulu
from .ids import IdMaker

APP_ID = "APP-80W284485P519543T"
SEARCH_SCOPE = "https://uri.paypal.com/services/reporting/search/read"
BASE_SCOPES = (
    "https://uri.paypal.com/services/invoicing",
    "https://uri.paypal.com/services/payments/payment/authcapture",
    "https://uri.paypal.com/services/payments/refund",
    "https://uri.paypal.com/services/applications/webhooks",
    "openid",
)

Answer = tuple[int, dict[str, Any]]
"""An HTTP status and JSON body."""


class TokenService:
    """Issues access tokens to one app and checks bearer tokens.

    While a token is valid, asking again returns the same token with its
    remaining lifetime; after ``lifetime`` it is refused and a new one is issued.
    """

    def __init__(
        self,
        *,
        client_id: str,
        secret: str,
        lifetime: timedelta,
        search_enabled: bool,
        now: Callable[[], datetime],
        ids: IdMaker,
    ) -> None:
        self._client_id, self._secret = client_id, secret
        self._lifetime, self._now, self._ids = lifetime, now, ids
        self._scopes = (*BASE_SCOPES, SEARCH_SCOPE) if search_enabled else BASE_SCOPES
        self._tokens: dict[str, datetime] = {}
        self._current: str | None = None
        self.requests = 0
        """How many token requests arrived (valid or not)."""

    @property
    def search_enabled(self) -> bool:
        return SEARCH_SCOPE in self._scopes

    def issue(self, authorization: str | None, form: Mapping[str, str]) -> Answer:
        """Answer a token request: status and body."""
        self.requests += 1
        if not self._client_ok(authorization):
            return 401, oauth_error("invalid_client", "Client Authentication failed")
        grant = form.get("grant_type")
        if not grant:
            return 400, oauth_error("unsupported_grant_type", "Grant Type is NULL")
        if grant != "client_credentials":
            return 400, oauth_error("unsupported_grant_type", "unsupported grant_type")
        now = self._now()
        token = self._current
        if token is None or self._tokens[token] <= now:
            token = self._current = self._ids.token()
            self._tokens[token] = now + self._lifetime
        return 200, {
            "scope": " ".join(self._scopes),
            "access_token": token,
            "token_type": "Bearer",
            "app_id": APP_ID,
            "expires_in": int((self._tokens[token] - now).total_seconds()),
            "nonce": zulu(now) + self._ids.token()[5:48],
        }

    def check(self, authorization: str | None) -> Answer | None:
        """``None`` when the bearer token is valid, else the 401 to answer."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return 401, rest_error(401)
        expiry = self._tokens.get(token.strip())
        if expiry is None or expiry <= self._now():
            return 401, oauth_error("invalid_token", "Access Token not found in cache")
        return None

    def _client_ok(self, authorization: str | None) -> bool:
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, _, secret = decoded.partition(":")
        return hmac.compare_digest(client_id.encode(), self._client_id.encode()) and hmac.compare_digest(
            secret.encode(), self._secret.encode()
        )
