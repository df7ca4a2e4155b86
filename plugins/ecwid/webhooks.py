"""Ecwid webhook deliveries: thin JSON events signed over ``{eventCreated}.{eventId}``.

``X-Ecwid-Webhook-Signature`` is the base64 HMAC-SHA256 of that string under
the app's ``client_secret`` (not its ``secret_`` access token). The signature
does not cover the rest of the body, so an order event only names the order
(``data.orderId``, or ``entityId`` in older deliveries) and the order itself
is always fetched through the API. ``eventId`` identifies the delivery and is
the same on every retry. ``order.created`` announces a new order and
``order.updated`` a change to a placed one (a new payment or fulfillment
status, a refund, an edit: ``updated``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from server.platforms import WebhookEvent, WebhookMalformed, WebhookRejected

__all__ = ["ORDER_CREATED", "ORDER_UPDATED", "SIGNATURE_HEADER", "read_webhook", "signature"]

SIGNATURE_HEADER = "X-Ecwid-Webhook-Signature"
ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"


def signature(event_created: int | str, event_id: str, client_secret: str) -> str:
    """The signature Ecwid sends for an event: base64(HMAC-SHA256("{eventCreated}.{eventId}"))."""
    message = f"{event_created}.{event_id}".encode()
    return base64.b64encode(hmac.new(client_secret.encode(), message, hashlib.sha256).digest()).decode()


def read_webhook(headers: Mapping[str, str], body: bytes, client_secret: str | None, store_id: str) -> WebhookEvent:
    """Verify one delivery for the store ``store_id`` and say which order it is about, new or changed, if any."""
    if not client_secret:
        raise WebhookRejected("the store has no app client secret to verify Ecwid deliveries with")
    sent = headers.get(SIGNATURE_HEADER)
    if not sent:
        raise WebhookRejected(f"the delivery has no {SIGNATURE_HEADER} header")
    event = _signed_fields(body)
    event_created, event_id = event["eventCreated"], event["eventId"]
    if not hmac.compare_digest(signature(event_created, event_id, client_secret).encode(), sent.strip().encode()):
        raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} does not match its eventCreated and eventId")
    if "storeId" in event and str(event["storeId"]) != store_id:
        raise WebhookRejected(f"the delivery is about Ecwid store {event['storeId']}, not this store ({store_id})")
    topic = event.get("eventType")
    if not isinstance(topic, str) or not topic.strip():
        raise WebhookMalformed("the delivery has no eventType")
    delivery_id = str(event_id)
    if topic not in (ORDER_CREATED, ORDER_UPDATED):
        return WebhookEvent(delivery_id=delivery_id, topic=topic)
    reference = _order_reference(event, topic)
    return WebhookEvent(delivery_id=delivery_id, topic=topic, order_reference=reference, updated=topic == ORDER_UPDATED)


def _signed_fields(body: bytes) -> Mapping[str, Any]:
    """The event, with the two signed fields in the form Ecwid signed them (a delivery without them is unverifiable)."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookRejected("the delivery body is not JSON, so its signature cannot be checked") from None
    if not isinstance(event, dict):
        raise WebhookRejected("the delivery body is not a JSON object, so its signature cannot be checked")
    created, event_id = event.get("eventCreated"), event.get("eventId")
    if isinstance(created, bool) or not isinstance(created, int | str) or not str(created).strip():
        raise WebhookRejected("the delivery has no eventCreated timestamp, so its signature cannot be checked")
    if isinstance(event_id, bool) or not isinstance(event_id, int | str) or not str(event_id).strip():
        raise WebhookRejected("the delivery has no eventId, so its signature cannot be checked")
    return event


def _order_reference(event: Mapping[str, Any], topic: str) -> str:
    """``data.orderId`` (the order id with prefix and suffix), else ``entityId`` (its number, in older deliveries)."""
    data = event.get("data")
    order_id = data.get("orderId") if isinstance(data, dict) else None
    if isinstance(order_id, str) and order_id.strip():
        return order_id.strip()
    entity_id = event.get("entityId")
    if isinstance(entity_id, int) and not isinstance(entity_id, bool) and entity_id > 0:
        return str(entity_id)
    raise WebhookMalformed(f"the {topic} delivery names no order (data.orderId or entityId)")
