"""Shopify webhook deliveries: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of the raw body.

The key is the app's client secret (or, for a webhook made in the store admin,
the key shown there). Shopify retries a delivery with the same
``X-Shopify-Webhook-Id``; newer deliveries may use the ``Shopify-`` header prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping

from server.platforms import PlatformBadResponse, WebhookEvent, WebhookMalformed, WebhookRejected

from .mapping import map_rest_order

ORDER_CREATED = "orders/create"


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
    if topic != ORDER_CREATED:
        return WebhookEvent(delivery_id=delivery_id, topic=topic)
    try:
        order = map_rest_order(json.loads(body))
    except (ValueError, PlatformBadResponse) as exc:
        raise WebhookMalformed(f"the {ORDER_CREATED} body cannot be read: {exc}") from None
    return WebhookEvent(delivery_id=delivery_id, topic=topic, order=order)
