"""PayPal's list of event notifications (``GET /v1/notifications/webhooks-events``): the orders reporting lags behind.

The list holds the event notifications PayPal made for the app, delivered or
not, filtered by when each notification was made (``start_time`` and
``end_time``, RFC 3339, both inclusive), ``page_size`` at a time. The answer is
``{events[], count, links[]}``; the ``next`` link, when there is one, is the
next page. Each event is ``{id, create_time, event_type, resource_type,
resource, links}``, and ``resource`` is what the event is about, in its
current state (a listed capture can already show ``REFUNDED``). Reading the
list needs the ``https://uri.paypal.com/services/applications/webhooks`` scope.

The events that make an order known are those ``webhooks.ORDER_TOPICS`` names:
``CHECKOUT.ORDER.APPROVED`` and ``CHECKOUT.ORDER.COMPLETED`` carry the order
itself (``resource_type`` ``checkout-order``), ``PAYMENT.CAPTURE.COMPLETED`` and
``PAYMENT.CAPTURE.PENDING`` a capture naming its order in
``supplementary_data.related_ids.order_id``. Refunds, disputes and the like
name no new order.

Three times appear and only one is the order's creation: an event's
``create_time`` is when PayPal made the notification, a capture's
``create_time`` when the payment was captured (minutes to hours after the
order), and only the order's own ``create_time`` is when it was created. An
event carrying the order gives that time at once; a capture's order is read
through Orders v2 for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from yarl import URL

from server.platforms import Order, PlatformBadResponse

from .mapping import ORDER_ID, capture_order_id, map_order, read
from .reporting import rfc3339
from .webhooks import ORDER_TOPICS

__all__ = ["EVENTS_PATH", "PAGE_SIZE", "EventOrder", "event_order", "events_params", "read_events"]

EVENTS_PATH = "/v1/notifications/webhooks-events"
PAGE_SIZE = 300
"""``page_size`` sent on the first request: the most a page holds."""

_COMPLETED = "CHECKOUT.ORDER.COMPLETED"


@dataclass(frozen=True, slots=True)
class EventOrder:
    """The order an event is about, and what the event already says of it."""

    order_id: str
    order: Order | None = None
    """The whole order, when the event carries it completed (with its creation time and amounts)."""
    placed_at: datetime | None = None
    """When the order was created, when the event carries the order."""


def events_params(start: datetime, end: datetime) -> dict[str, str]:
    """The query of the first page of the events made in ``[start, end]``, widened to whole seconds in UTC."""
    return {"page_size": str(PAGE_SIZE), "start_time": rfc3339(start), "end_time": rfc3339(end, round_up=True)}


def read_events(body: Any) -> tuple[list[Mapping[str, Any]], str | None]:
    """The events of one page, and the query string of the next page (``None`` on the last).

    An empty page may leave out ``events``. The ``next`` link is followed on
    the store's own API address, whatever host it names: only its query
    (encoded as PayPal sent it) is kept, and its path must be the list's.
    """
    if not isinstance(body, Mapping):
        raise PlatformBadResponse("PayPal answered the event list with JSON that is not an object")
    events = body.get("events")
    if events is None:
        events = []
    if not isinstance(events, list) or not all(isinstance(event, Mapping) for event in events):
        raise PlatformBadResponse("PayPal field 'events' is not a list of events")
    links = body.get("links")
    if links is None:
        links = []
    if not isinstance(links, list):
        raise PlatformBadResponse("PayPal field 'links' of the event list is not a list")
    hrefs = [link.get("href") for link in links if isinstance(link, Mapping) and link.get("rel") == "next"]
    if not hrefs:
        return events, None
    return events, _next_query(hrefs[0])


def event_order(event: Mapping[str, Any]) -> EventOrder | None:
    """The order an event makes known; ``None`` for any other event, or a capture made without Orders v2."""
    topic = event.get("event_type")
    if not isinstance(topic, str) or topic not in ORDER_TOPICS:
        return None
    event_id = event.get("id") if isinstance(event.get("id"), str) else "?"
    resource = event.get("resource")
    if not isinstance(resource, Mapping):
        raise PlatformBadResponse(f"PayPal event {event_id!r} ({topic}) has no 'resource' object")
    if not topic.startswith("CHECKOUT.ORDER."):
        try:
            order_id = capture_order_id(resource)
        except PlatformBadResponse as exc:
            raise PlatformBadResponse(f"PayPal event {event_id!r} ({topic}) cannot be read: {exc.message}") from None
        return None if order_id is None else EventOrder(order_id)
    order_id = resource.get("id")
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        raise PlatformBadResponse(f"PayPal event {event_id!r} ({topic}) has no order 'id'")
    order = _whole_order(resource) if topic == _COMPLETED else None
    return EventOrder(order_id, order, order.placed_at if order is not None else _created(resource))


def _whole_order(resource: Mapping[str, Any]) -> Order | None:
    """The order as the event carries it, if that holds what an ``Order`` needs; else ``None`` (it is read instead).

    Without ``create_time`` the mapping would place the order at its first
    payment, and without each unit's ``amount`` total it by its captures: the
    order read through Orders v2 says both.
    """
    units = resource.get("purchase_units")
    if _created(resource) is None or not isinstance(units, list) or not units:
        return None
    if not all(isinstance(unit, Mapping) and isinstance(unit.get("amount"), Mapping) for unit in units):
        return None
    try:
        return map_order(resource)
    except PlatformBadResponse:
        return None


def _created(resource: Mapping[str, Any]) -> datetime | None:
    try:
        return read.time(resource.get("create_time"), "create_time")
    except PlatformBadResponse:
        return None


def _next_query(href: Any) -> str:
    try:
        url = URL(href) if isinstance(href, str) else None
    except ValueError:
        url = None
    if url is None or not url.path.rstrip("/").endswith(EVENTS_PATH) or not url.raw_query_string:
        raise PlatformBadResponse("PayPal's 'next' link of the event list does not lead to a page of the event list")
    return url.raw_query_string
