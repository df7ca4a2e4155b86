"""Webhook deliveries: verified, recorded, answered, then put in the Transaction List exactly once.

``receive`` runs while the platform waits (Shopify allows 5 seconds): it
verifies the signature through the connector, records the delivery durably
(the platform's delivery id makes a replay a no-op) and returns. ``process``
then lists the order, fetching it first when the payload was thin. A
delivery about an order already in the Transaction List records what the
platform changed (``changes``) and never the row; one about a change
(``WebhookEvent.updated``: an update, a refund) never lists an order. A
delivery whose processing failed stays FAILED and is retried by the
sweeper with backoff, so a crash between the answer and the processing
loses nothing.

What ``webhookHealth`` tells the seller comes from verified deliveries only:
a delivery whose signature is missing or wrong (anyone can send one) is only
counted, with one atomic increment, and never becomes the store's last
delivery or its last rejected one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from ..errors import NotFound
from ..logs import redact
from ..models import DeliveryStatus, Store, Transaction, WebhookDelivery
from ..platforms import Capability, ConnectorError, Order, WebhookMalformed, WebhookRejected
from ..runtime import Runtime
from . import audit, changes, orders, stores
from .paging import parse_id
from .records import delivery_json, delivery_order

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_ATTEMPTS = 8
GAP_WEIGHT = 0.2
MIN_HISTORY = 5


@dataclass(frozen=True)
class Receipt:
    delivery: WebhookDelivery | None  # None: nothing to process (a ping, another kind of event)
    replay: bool = False
    order: Order | None = None  # the delivery's order, when its payload carried it


async def receive(rt: Runtime, platform: str, store_id: str, headers: Mapping[str, str], body: bytes) -> Receipt:
    """Verify and record one delivery. Raises NotFound, WebhookRejected or WebhookMalformed.

    A disconnected store is not found.
    """
    key = parse_id(store_id)
    store = await Store.filter(id=key, platform=platform, disconnected_at=None).first() if key else None
    if store is None or platform not in rt.registry:
        raise NotFound("no such store for this platform")
    connector = await stores.open_connector(rt, store)
    if Capability.WEBHOOKS not in connector.capabilities:
        raise NotFound(f"{platform} does not receive webhooks")
    now = datetime.now(UTC)
    try:
        event = await connector.parse_webhook(headers, body)
    except WebhookRejected:  # forged, or signed with another secret: counted, and nothing the seller is told changes
        await Store.filter(id=store.id).update(
            forged_webhook_count=F("forged_webhook_count") + 1, last_forged_webhook_at=now
        )
        raise
    except WebhookMalformed as exc:  # signed by the platform, but cannot be used
        await Store.filter(id=store.id).update(
            last_rejected_webhook_at=now, last_rejected_webhook_reason=redact(exc.message)[:200]
        )
        raise
    if event.order is None and event.order_reference is None:
        # A ping or another topic: some need no signature (WooCommerce's creation ping), so they are not deliveries.
        return Receipt(delivery=None)
    await _count_delivery(store, now)
    fresh = uuid.uuid4()
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                id=fresh,
                store_id=store.id,
                delivery_id=event.delivery_id[:255],
                topic=event.topic[:128],
                order_reference=event.order_reference,
                order=delivery_json(event.order) if event.order else None,
                updated=event.updated,
                received_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    delivery = await WebhookDelivery.get(store_id=store.id, delivery_id=event.delivery_id[:255])
    return Receipt(delivery=delivery, replay=delivery.id != fresh, order=event.order)


async def challenge(
    rt: Runtime, platform: str, store_id: str, query: dict[str, str], endpoint_url: str
) -> dict[str, str]:
    """The answer to a platform's endpoint check (a GET), or NotFound."""
    key = parse_id(store_id)
    store = await Store.filter(id=key, platform=platform, disconnected_at=None).first() if key else None
    if store is None or platform not in rt.registry:
        raise NotFound("no such store for this platform")
    answer = (await stores.open_connector(rt, store)).webhook_challenge(query, endpoint_url)
    if answer is None:
        raise NotFound("not a webhook challenge")
    return answer


async def process(rt: Runtime, delivery: WebhookDelivery, order: Order | None = None) -> None:
    """List the delivery's order (``order`` as it arrived, else as the delivery kept it, else fetched), or, when
    it is listed already, record what changed; on a platform fault leave it FAILED for the sweeper. Never raises.

    What a delivery's payload says of a listed order is checked with the platform before it is recorded as a
    change: deliveries come late and out of order."""
    store = await Store.get(id=delivery.store_id)
    try:
        if order is None and delivery.order is not None:
            order = delivery_order(delivery.order)
        fetched = order is None
        if order is None:
            assert delivery.order_reference is not None
            order = await _fetch(rt, store, delivery.order_reference)
        listed = await Transaction.filter(store_id=store.id, order_id=order.order_id).first()
        if listed is not None:
            if not fetched and await changes.says_something_new(listed, order):
                order = await _fetch(rt, store, order.order_id, order_id=order.order_id)
            await changes.observe(rt, listed, order, source=audit.webhook_actor(store.platform))
        elif not delivery.updated:
            await orders.resolve(rt, store, order)
    except (ConnectorError, LookupError) as exc:
        message = redact(exc.message if isinstance(exc, ConnectorError) else str(exc))
        await WebhookDelivery.filter(id=delivery.id).update(
            status=DeliveryStatus.FAILED, attempts=delivery.attempts + 1, error=message
        )
        return
    except Exception:
        log.exception("webhook delivery %s failed unexpectedly", delivery.id)
        await WebhookDelivery.filter(id=delivery.id).update(
            status=DeliveryStatus.FAILED, attempts=delivery.attempts + 1, error="unexpected error"
        )
        return
    await WebhookDelivery.filter(id=delivery.id).update(
        status=DeliveryStatus.PROCESSED, attempts=delivery.attempts + 1, error=None, processed_at=datetime.now(UTC)
    )


async def _fetch(rt: Runtime, store: Store, reference: str, *, order_id: str | None = None) -> Order:
    """The store's order ``reference`` as the platform has it now (``order_id``: it must be that order)."""
    order = await (await stores.open_connector(rt, store)).fetch_order(reference)
    if order is None or (order_id is not None and order.order_id != order_id):
        raise LookupError(f"the platform has no order {reference!r}")
    return order


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2**attempts))


async def due_for_retry(now: datetime) -> list[WebhookDelivery]:
    """Deliveries left unprocessed (a crash) or failed, whose backoff has passed."""
    candidates = (
        await WebhookDelivery.filter(
            status__in=(DeliveryStatus.RECEIVED, DeliveryStatus.FAILED),
            attempts__lt=MAX_ATTEMPTS,
            received_at__lt=now - timedelta(seconds=30),
        )
        .order_by("received_at")
        .limit(100)
    )
    return [d for d in candidates if d.received_at + retry_delay(d.attempts) <= now]


async def _count_delivery(store: Store, now: datetime) -> None:
    """Keep the rhythm of the store's verified order deliveries: the last one and a moving average of the gaps."""
    usual = store.webhook_usual_gap
    if store.last_webhook_at is not None:
        gap = max(0.0, (now - store.last_webhook_at).total_seconds())
        usual = gap if usual is None else (1 - GAP_WEIGHT) * usual + GAP_WEIGHT * gap
    await Store.filter(id=store.id).update(
        last_webhook_at=now, webhook_count=store.webhook_count + 1, webhook_usual_gap=usual
    )


def webhook_url(rt: Runtime, store: Store) -> str:
    """Where the platform should send ``store``'s webhooks: under the operator's public URL, never a request's Host.

    Without a public URL (an app built without ``serve``), the path alone.
    """
    return f"{rt.settings.public_url}/webhooks/{store.platform}/{store.id}"


@dataclass(frozen=True)
class Health:
    last_delivery_at: datetime | None
    last_rejected_at: datetime | None
    last_rejected_reason: str | None
    forged_count: int
    last_forged_at: datetime | None
    usual_gap: timedelta | None
    quiet: bool
    message: str | None


def webhook_health(store: Store, now: datetime | None = None) -> Health:
    """Whether the store's webhooks have gone quiet for longer than their usual gap.

    A store is quiet when nothing arrived for three times its usual gap (at
    least an hour). Too little history (under five deliveries) flags nothing.
    """
    now = now or datetime.now(UTC)
    usual = None
    if store.webhook_count >= MIN_HISTORY and store.webhook_usual_gap is not None:
        usual = timedelta(seconds=store.webhook_usual_gap)
    last = store.last_webhook_at
    message = None
    if usual is not None and last is not None and now - last > max(3 * usual, timedelta(hours=1)):
        hours = (now - last).total_seconds() / 3600
        message = f"No orders received by webhook for {hours:.0f} hours — import missing orders."
    return Health(
        last_delivery_at=last,
        last_rejected_at=store.last_rejected_webhook_at,
        last_rejected_reason=store.last_rejected_webhook_reason,
        forged_count=store.forged_webhook_count,
        last_forged_at=store.last_forged_webhook_at,
        usual_gap=usual,
        quiet=message is not None,
        message=message,
    )
