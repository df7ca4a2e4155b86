"""Inbound webhooks: what a connector reports about one verified delivery.

The core owns the HTTP route (``/webhooks/{platform}/{store id}``), reads the
raw body (bounded), and calls ``PlatformConnector.parse_webhook``; the
connector verifies the platform's own signature over the raw bytes and reads
the payload. The core then records the delivery (deduplicated by
``delivery_id``), answers 200, and puts the order in the Transaction List.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import ErrorCode
from .errors import ConnectorError
from .models import Order

__all__ = ["WebhookEvent", "WebhookMalformed", "WebhookRegistration", "WebhookRejected"]


class WebhookRejected(ConnectorError):
    """The delivery's signature is missing or wrong (answered 401, nothing stored)."""

    code = ErrorCode.WEBHOOK_REJECTED


class WebhookMalformed(ConnectorError):
    """The delivery is signed correctly but cannot be read (answered 400, nothing stored)."""

    code = ErrorCode.WEBHOOK_MALFORMED


@dataclass(frozen=True, slots=True)
class WebhookRegistration:
    """One order webhook subscription as the platform holds it.

    ``topic`` is the platform's event name ("orders/create", "order.created"), ``url`` where the platform
    sends it, ``active`` whether it sends it now (false for one the platform disabled after failed
    deliveries), and ``problem`` what the seller should know about it, or ``None``.
    """

    topic: str
    url: str
    active: bool
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified delivery.

    ``delivery_id`` is the platform's id of this delivery, the same on every
    retry of it (Shopify's ``X-Shopify-Webhook-Id``, WooCommerce's delivery id,
    Standard Webhooks' ``webhook-id``, Ecwid's ``eventId``, PayPal's event id);
    a replay with a known id changes nothing. ``topic`` is the platform's event
    name. When the payload carries the whole order, ``order`` holds it; a thin
    payload gives ``order_reference``, which the core passes to
    ``fetch_order``. With neither (a ping, an event about something else than
    a new order) the delivery is acknowledged and nothing else happens.
    ``updated`` marks a delivery about a change to an order (an update, a
    refund, a cancellation) rather than a new one: the core records what changed
    for an order already in the Transaction List, which itself never changes.
    """

    delivery_id: str
    topic: str
    order: Order | None = None
    order_reference: str | None = None
    updated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.delivery_id, str) or not self.delivery_id.strip():
            raise ValueError("WebhookEvent.delivery_id must be a non-empty string")
        if self.order is not None and self.order_reference is not None:
            raise ValueError("WebhookEvent carries either an order or an order_reference, not both")
