"""Order callbacks as BigCommerce sends them: a thin payload, signed the Standard Webhooks way.

The payload (docs ``integrations/webhooks/events``, sample ``store_order_created.json``) is
``{"scope", "store_id", "data": {"type": "order", "id"}, "hash", "created_at", "producer"}``
(``store/order/created``); ``store/order/statusUpdated`` adds ``data.status: {previous_status_id,
new_status_id}`` and ``store/order/refund/created`` ``data.refund: {refund_id}``, as in the
"Orders" examples of the same page. In each,
``store_id`` the store's numeric id as a string, ``created_at`` unix seconds, ``producer``
``stores/{store_hash}``, ``hash`` "the SHA-1 hash of the JSON-encoded payload data", the same for
every send of one event (BigCommerce's staff: ``sha1(json_encode($payload))`` before ``hash`` is
added; the exact input is not documented, so only its stability can be relied on).

Signing (docs ``integrations/webhooks/https-webhook-overview``, "Webhook signature"; the Standard
Webhooks spec): ``webhook-id`` (the same on every retry), ``webhook-timestamp`` (unix seconds of
the attempt: "every time an attempt is retried the timestamp of the attempt is updated, while the
timestamp of the original event remains the same"; receivers are told to refuse one outside a
tolerance, the libraries use 5 minutes) and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"{id}.{timestamp}.{body}">``. The docs' examples base64-encode the app's client secret and hand it
to the Standard Webhooks library, which base64-decodes it back: the HMAC key is the client
secret's own bytes. The id's format is not documented; the emulator uses a UUID.

``store/order/created`` "also fires for incomplete orders, including failed payment and payment
not processed orders" (bigcommerce/docs#175), so every order has one, Incomplete (status 0) and
archived ones included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

__all__ = ["REFUND_CREATED", "SCOPE", "STATUS_UPDATED", "delivery", "signature"]

SCOPE = "store/order/created"
STATUS_UPDATED = "store/order/statusUpdated"
REFUND_CREATED = "store/order/refund/created"


def signature(client_secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(client_secret.encode(), signed, hashlib.sha256).digest()).decode()


def _php_json(value: Any) -> bytes:
    """``json_encode`` without options: compact, slashes escaped."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/").encode()


def delivery(
    order_id: int,
    created: int,
    *,
    sent: int,
    store_hash: str,
    store_id: str,
    client_secret: str,
    scope: str = SCOPE,
    details: dict[str, Any] | None = None,
    sequence: int = 0,
) -> tuple[dict[str, str], bytes]:
    """The ``scope`` callback about order ``order_id``, for an event at ``created``, attempted at ``sent``.

    Both are unix seconds: ``created`` is the body's ``created_at`` (the event), ``sent`` the
    ``webhook-timestamp`` (this attempt), which the signature covers. ``details`` are what ``data``
    holds beside the order (``status``, ``refund``); ``sequence`` tells apart events of one scope
    about one order (the same on every attempt of one event).
    """
    event: dict[str, Any] = {
        "scope": scope,
        "store_id": store_id,
        "data": {"type": "order", "id": order_id, **(details or {})},
        "created_at": created,
        "producer": f"stores/{store_hash}",
    }
    payload = {
        "scope": event["scope"],
        "store_id": event["store_id"],
        "data": event["data"],
        "hash": hashlib.sha1(_php_json(event)).hexdigest(),
        "created_at": event["created_at"],
        "producer": event["producer"],
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    event_url = f"https://api.bigcommerce.com/stores/{store_hash}/{scope}/{order_id}"
    webhook_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{event_url}/{sequence}" if sequence else event_url))
    headers = {
        "Content-Type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(sent),
        "webhook-signature": signature(client_secret, webhook_id, sent, body),
    }
    return headers, body
