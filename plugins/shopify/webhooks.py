"""Shopify webhook deliveries: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of the raw body.

The key is the app's client secret (or, for a webhook made in the store admin,
the key shown there). Shopify retries a delivery with the same
``X-Shopify-Webhook-Id``; newer deliveries may use the ``Shopify-`` header prefix.

Three topics are read. ``orders/create`` and ``orders/updated`` carry the whole
order (the REST shape at the top level); ``orders/updated`` is sent for any
change to an existing order: an edit, a payment, a cancellation, a refund.
``refunds/create`` carries the refund, naming its order by ``order_id``: the
order is fetched by its gid (``gid://shopify/Order/{order_id}``), the form
``fetch_order`` looks up directly. The last two are changes (``updated``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from server.platforms import PlatformBadResponse, WebhookEvent, WebhookMalformed, WebhookRejected

from .mapping import map_rest_order, order_gid

__all__ = ["ORDER_CREATED", "ORDER_UPDATED", "REFUND_CREATED", "read_webhook"]

ORDER_CREATED = "orders/create"
ORDER_UPDATED = "orders/updated"
REFUND_CREATED = "refunds/create"
_ORDER_TOPICS = (ORDER_CREATED, ORDER_UPDATED)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return headers.get(f"X-Shopify-{name}") or headers.get(f"Shopify-{name}")


def read_webhook(headers: Mapping[str, str], body: bytes, secret: str | None) -> WebhookEvent:
    signature = _header(headers, "Hmac-Sha256")
    if not secret:
        raise WebhookRejected("the store has no webhook secret to verify Shopify deliveries with")
    if not signature:
        raise WebhookRejected("the delivery has no X-Shopify-Hmac-Sha256 header")
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, signature.strip()):
        raise WebhookRejected("the delivery's X-Shopify-Hmac-Sha256 does not match its body")
    delivery_id = _header(headers, "Webhook-Id") or _header(headers, "Event-Id")
    topic = _header(headers, "Topic") or ""
    if not delivery_id:
        raise WebhookMalformed("the delivery has no X-Shopify-Webhook-Id header")
    if topic in _ORDER_TOPICS:
        try:
            order = map_rest_order(_payload(body, topic))
        except PlatformBadResponse as exc:
            raise WebhookMalformed(f"the {topic} body cannot be read: {exc}") from None
        return WebhookEvent(delivery_id=delivery_id, topic=topic, order=order, updated=topic == ORDER_UPDATED)
    if topic == REFUND_CREATED:
        reference = _refunded_order(_payload(body, topic))
        return WebhookEvent(delivery_id=delivery_id, topic=topic, order_reference=reference, updated=True)
    return WebhookEvent(delivery_id=delivery_id, topic=topic)


def _payload(body: bytes, topic: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:  # UnicodeDecodeError included
        raise WebhookMalformed(f"the {topic} body is not JSON") from None


def _refunded_order(refund: Any) -> str:
    """The gid of the order a ``refunds/create`` body names (``order_id``, a JSON integer)."""
    order_id = refund.get("order_id") if isinstance(refund, dict) else None
    if isinstance(order_id, str) and order_id.isascii() and order_id.isdigit():
        order_id = int(order_id)
    if isinstance(order_id, bool) or not isinstance(order_id, int) or order_id <= 0:
        raise WebhookMalformed(f"the {REFUND_CREATED} body names no order (order_id)")
    return order_gid(str(order_id))
