"""PayPal webhook deliveries: the verify-webhook-signature request, and what a verified event is about.

PayPal signs ``transmission_id|transmission_time|webhook_id|crc32(body)`` with
an RSA key whose certificate URL comes in a header. That URL is the sender's
input, so the connector never downloads it: it asks PayPal instead
(``POST /v1/notifications/verify-webhook-signature``) with the five
``PAYPAL-*`` headers, the store's webhook id and the event exactly as
received, and trusts ``verification_status: SUCCESS`` only. The event is
embedded byte for byte: re-encoding it could change what was signed.

A delivery and its retries share the event ``id``; ``PAYPAL-TRANSMISSION-ID``
changes on each retry.

``PAYMENT.CAPTURE.REFUNDED`` (a merchant refunds a payment capture) and
``PAYMENT.CAPTURE.REVERSED`` (PayPal reverses one) are changes to an order
(``updated``); their resource is the refund, whose ``up`` link names the
capture it took money back from (``/v2/payments/captures/{id}``), as in
PayPal's refund samples. The capture's id is what the seller sees as the
transaction id, and ``fetch_order`` finds the order from it; a resource that
names its order itself (``supplementary_data.related_ids.order_id``, or an
``up`` link to the order) gives the order's id at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from server.platforms import PlatformBadResponse, WebhookEvent, WebhookMalformed, WebhookRejected

from .mapping import ORDER_ID, capture_order_id

__all__ = ["CHANGE_TOPICS", "ORDER_TOPICS", "WEBHOOK_TOPICS", "read_event", "verification_request"]

ORDER_TOPICS = frozenset(
    {"CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED", "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING"}
)
"""Events that announce a new order: the buyer approved it, or its payment was captured (or is pending)."""
CHANGE_TOPICS = frozenset({"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"})
"""Events about a change to an order: its payment was refunded or reversed."""
WEBHOOK_TOPICS = ORDER_TOPICS | CHANGE_TOPICS
"""Every event ``read_event`` reads."""
_CAPTURE_LINK = re.compile(r"/v2/payments/captures/(?P<id>[A-Za-z0-9]{1,36})/?$")

_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}


def verification_request(headers: Mapping[str, str], body: bytes, webhook_id: str) -> bytes:
    """The JSON body of a verify-webhook-signature call for this delivery, the event embedded as received.

    Raises ``WebhookRejected`` when a header is missing or the body is not a
    JSON object (PayPal can only verify an event).
    """
    fields = {}
    for name, header in _HEADERS.items():
        value = headers.get(header)
        if not value or not value.strip():
            raise WebhookRejected(f"the delivery has no {header} header")
        fields[name] = value.strip()
    try:
        event = json.loads(body.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError included
        event = None
    if not isinstance(event, dict):
        raise WebhookRejected("the delivery's body is not a JSON event, so PayPal cannot verify it")
    fields["webhook_id"] = webhook_id
    return json.dumps(fields).encode()[:-1] + b', "webhook_event": ' + body + b"}"


def read_event(body: bytes) -> WebhookEvent:
    """What a verified event is about: an order to fetch by its Orders v2 id, or nothing for us.

    ``CHECKOUT.ORDER.*`` carry the order, ``PAYMENT.CAPTURE.*`` a capture that
    names its order, or (refunded, reversed) a refund naming its capture. The
    order is fetched rather than read from the event: an approved order's
    payment is captured later, and ``fetch_order`` gives the same payload as an
    import.
    """
    event = json.loads(body)
    delivery_id, topic = event.get("id"), event.get("event_type")
    if not isinstance(delivery_id, str) or not delivery_id.strip():
        raise WebhookMalformed("the PayPal event has no 'id'")
    if not isinstance(topic, str) or not topic:
        raise WebhookMalformed(f"the PayPal event {delivery_id} has no 'event_type'")
    if topic not in WEBHOOK_TOPICS:
        return WebhookEvent(delivery_id=delivery_id, topic=topic)
    resource = event.get("resource")
    if not isinstance(resource, dict):
        raise WebhookMalformed(f"the {topic} event {delivery_id} has no 'resource' object")
    if topic in CHANGE_TOPICS:
        reference = _changed_order(topic, resource, delivery_id)
        return WebhookEvent(delivery_id=delivery_id, topic=topic, order_reference=reference, updated=True)
    return WebhookEvent(delivery_id=delivery_id, topic=topic, order_reference=_order_id(topic, resource, delivery_id))


def _order_id(topic: str, resource: Mapping[str, Any], delivery_id: str) -> str | None:
    """The Orders v2 id of the event's resource; ``None`` for a capture made without Orders v2."""
    if topic.startswith("CHECKOUT.ORDER."):
        order_id = resource.get("id")
        if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
            raise WebhookMalformed(f"the {topic} event {delivery_id} has no order 'id'")
        return order_id
    try:
        return capture_order_id(resource)
    except PlatformBadResponse as exc:
        raise WebhookMalformed(f"the {topic} event {delivery_id} cannot be read: {exc.message}") from None


def _changed_order(topic: str, refund: Mapping[str, Any], delivery_id: str) -> str:
    """The order a refund or reversal is about: its Orders v2 id when the resource names it, else the id of the
    capture its ``up`` link names (``fetch_order`` finds the order by it)."""
    try:
        order_id = capture_order_id(refund)
    except PlatformBadResponse as exc:
        raise WebhookMalformed(f"the {topic} event {delivery_id} cannot be read: {exc.message}") from None
    if order_id is not None:
        return order_id
    links = refund.get("links")
    ups = [
        link.get("href")
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict) and link.get("rel") == "up"
    ]
    capture = next(
        (match["id"] for href in ups if isinstance(href, str) and (match := _CAPTURE_LINK.search(href))), None
    )
    if capture is None:
        raise WebhookMalformed(f"the {topic} event {delivery_id} names neither its order nor the capture it refunds")
    return capture
