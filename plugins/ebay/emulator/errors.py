"""eBay's REST error envelope ``{"errors": [{errorId, domain, category, message, longMessage?}]}``.

The bodies below are the ones eBay's docs and observed responses show: 1001 for a
missing, unknown or expired access token, 1100 for a token without the needed
scope, 2001 for a spent call quota, and the Fulfillment API's own 30xxx-32xxx codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

FULFILLMENT = "API_FULFILLMENT"


@dataclass
class EbayError(Exception):
    """An error answer: HTTP ``status`` and one entry of eBay's ``errors`` array."""

    status: int
    error_id: int
    message: str
    domain: str = FULFILLMENT
    category: str = "REQUEST"
    long_message: str | None = None

    def body(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "errorId": self.error_id,
            "domain": self.domain,
            "category": self.category,
            "message": self.message,
        }
        if self.long_message:
            entry["longMessage"] = self.long_message
        return {"errors": [entry]}


INVALID_TOKEN = EbayError(
    401,
    1001,
    "Invalid access token",
    domain="OAuth",
    long_message="Invalid access token. Check the value of the Authorization HTTP request header.",
)
ACCESS_DENIED = EbayError(
    403, 1100, "Access denied", domain="ACCESS", long_message="Insufficient permissions to fulfill the request."
)
TOO_MANY_REQUESTS = EbayError(
    429,
    2001,
    "Too many requests.",
    domain="ACCESS",
    long_message="The request limit has been reached for the resource.",
)


PUBLIC_KEY_NOT_FOUND = EbayError(
    404,
    195001,
    "The specified public key ID does not exist.",
    domain="API_NOTIFICATION",
    long_message="The specified public key ID does not exist. Use the kid of the X-EBAY-SIGNATURE header.",
)
"""getPublicKey for an unknown key id (the Notification API's errors are ``API_NOTIFICATION`` 1950xx;
this errorId and wording are not confirmed by a sample)."""


def request_error(error_id: int, message: str, *, status: int = 400) -> EbayError:
    """A Fulfillment API ``REQUEST`` error (bad filter, limit, offset, order id ...)."""
    return EbayError(status, error_id, message)


def error_for_status(status: int) -> EbayError:
    """The body eBay sends with ``status`` when a fault is injected."""
    known = {401: INVALID_TOKEN, 403: ACCESS_DENIED, 429: TOO_MANY_REQUESTS}
    if status in known:
        return known[status]
    if status >= 500:
        return EbayError(status, 30500, "System error", category="APPLICATION")
    return EbayError(status, 30500, HTTPStatus(status).phrase)
