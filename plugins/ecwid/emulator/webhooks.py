"""Order webhooks as Ecwid sends them: a thin JSON event whose signature covers only its time and id.

The body (docs.ecwid.com "Event data in webhooks"; api-docs.ecwid.com "Webhooks structure"):
``{"eventId", "eventCreated", "storeId", "entityId", "eventType", "data"}``. ``eventId`` is the
event's id, unique per event (a UUID in the examples) and kept on resends; ``eventCreated`` the
unix time the event happened; ``entityId`` the order's internal id ("Use orderId instead"). For
``order.created`` ``data`` is ``{"orderId", "newPaymentStatus", "newFulfillmentStatus"}``; an
unfinished order (payment status ``INCOMPLETE``, an abandoned checkout) is announced by
``unfinished_order.created`` with ``data`` ``{"orderId", "cartId"}`` instead, and its
``order.created`` only comes if the payment completes later.

Headers: ``Content-Type: application/json; charset=UTF-8``, ``Cache-Control: no-cache`` and
``X-Ecwid-Webhook-Signature`` = ``base64(HMAC-SHA256("{eventCreated}.{eventId}", client_secret))``,
where ``client_secret`` is the app's secret (not the ``secret_*`` access token). Ecwid also adds
``?eventtype=<eventType>`` to the webhook URL, which a (headers, body) pair cannot carry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

from .query import UNFINISHED
from .store import StoredOrder

__all__ = ["ORDER_CREATED", "UNFINISHED_ORDER_CREATED", "delivery", "event_delivery", "signature"]

ORDER_CREATED = "order.created"
UNFINISHED_ORDER_CREATED = "unfinished_order.created"


def signature(client_secret: str, event_created: int, event_id: str) -> str:
    """``X-Ecwid-Webhook-Signature``: the base64 HMAC-SHA256 of ``{eventCreated}.{eventId}``."""
    signed = f"{event_created}.{event_id}".encode()
    return base64.b64encode(hmac.new(client_secret.encode(), signed, hashlib.sha256).digest()).decode()


def delivery(order: StoredOrder, *, store_id: int, client_secret: str) -> tuple[dict[str, str], bytes]:
    """The creation event of ``order``: ``order.created``, or ``unfinished_order.created`` for an unfinished one."""
    unfinished = order.payment_status == UNFINISHED
    event_type = UNFINISHED_ORDER_CREATED if unfinished else ORDER_CREATED
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://app.ecwid.com/{store_id}/{event_type}/{order.internal_id}"))
    data: dict[str, Any]
    if unfinished:
        cart = uuid.uuid5(uuid.NAMESPACE_URL, f"https://app.ecwid.com/{store_id}/carts/{order.internal_id}")
        data = {"orderId": order.order_id, "cartId": str(cart).upper()}
    else:
        data = {
            "orderId": order.order_id,
            "newPaymentStatus": order.payment_status,
            "newFulfillmentStatus": order.fulfillment_status,
        }
    return event_delivery(event_type, event_id, order.created, order.internal_id, data, store_id, client_secret)


def event_delivery(
    event_type: str,
    event_id: str,
    event_created: int,
    entity_id: int,
    data: dict[str, Any],
    store_id: int,
    client_secret: str,
) -> tuple[dict[str, str], bytes]:
    """One signed event about the order ``entity_id`` (its ``internalId``)."""
    event = {
        "eventId": event_id,
        "eventCreated": event_created,
        "storeId": store_id,
        "entityId": entity_id,
        "eventType": event_type,
        "data": data,
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=UTF-8",
        "Cache-Control": "no-cache",
        "X-Ecwid-Webhook-Signature": signature(client_secret, event_created, event_id),
    }
    return headers, body
