"""``GET /v1/notifications/webhooks-events``: the app's event notifications, delivered or not.

What PayPal documents (``notifications_webhooks_v1.json``, operation ``webhooks-events.list``, scope
``https://uri.paypal.com/services/applications/webhooks``):

- ``page_size``: "Limits the number of items in the response", default 10 (the emulator takes 1-300);
- ``start_time`` / ``end_time``: events "created on or after" / "on or before" these, RFC 3339 date-times
  (``2013-03-06T11:00:00Z``); either may be left out;
- ``transaction_id``: "Filters the response to a single transaction, by ID" (PayPal's Postman sample asks for
  a capture's id and gets its ``PAYMENT.CAPTURE.COMPLETED`` event; here it matches the event's resource id);
- ``event_type``: "Filters the response to a single event";
- the body is ``EventList``: ``{"events": [event...], "count": <events in this page>, "links": [...]}``.

The paging links follow PayPal's own sample (the PHP SDK's ``testEventSearch.json``): newest events first,
and ``links`` holds a ``next`` link, ``<host>/v1/notifications/webhooks-events/?<the filters>&page_size=2
&move_to=next&index_time=<create_time of the page's last event>&index_id=<n>``; the emulator's ``index_id``
counts the events already served at that ``index_time``, so events arriving meanwhile shift nothing. Without a
further page ``links`` is left out, as in PayPal's Postman sample. Events are listed as soon as they happen:
the list does not lag like Transaction Search.

Each event is the notification PayPal stored (same ``id`` and ``create_time`` as its delivery, links to
PayPal's host) with its ``resource`` as it stands now: a capture refunded since it completed shows
``REFUNDED`` (as in PayPal's sample ``webhook-events-list.json``). Events per order:

- ``CHECKOUT.ORDER.APPROVED`` (``checkout-order``): an order the buyer approved (``APPROVED``, ``COMPLETED``);
- ``CHECKOUT.ORDER.COMPLETED`` (``checkout-order``): a ``COMPLETED`` order, when it was captured;
- ``PAYMENT.CAPTURE.COMPLETED`` / ``.PENDING`` / ``.DECLINED`` (``capture``, its order at
  ``supplementary_data.related_ids.order_id``): as the capture went;
- ``PAYMENT.CAPTURE.REFUNDED`` (``refund``): each refund.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from .errors import invalid_query
from .payloads import Merchant, capture_body, order_body, refund_body
from .records import PayPalOrder, Refund
from .search import RFC3339, SearchRefused
from .webhooks import COMPLETED_STATUSES, EVENT_HOST, event_delay, event_id_for, event_time, money_summary

LIST_PATH = "/v1/notifications/webhooks-events"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300
ORDER_APPROVED = "CHECKOUT.ORDER.APPROVED"
ORDER_COMPLETED = "CHECKOUT.ORDER.COMPLETED"
CAPTURE_COMPLETED = "PAYMENT.CAPTURE.COMPLETED"
CAPTURE_PENDING = "PAYMENT.CAPTURE.PENDING"
CAPTURE_DECLINED = "PAYMENT.CAPTURE.DECLINED"
CAPTURE_REFUNDED = "PAYMENT.CAPTURE.REFUNDED"
_CURSOR = ("move_to", "index_time", "index_id")
_API = "webhooks/v1"


@dataclass(frozen=True, slots=True)
class EventRef:
    """One event notification: what listing needs; the body is built only for the page served."""

    at: datetime
    """``create_time``, UTC, to the millisecond."""
    id: str
    event_type: str
    resource_id: str
    order: PayPalOrder
    refund: Refund | None = None

    @property
    def create_time(self) -> str:
        return event_time(self.at)


def order_events(order: PayPalOrder, merchant_id: str) -> list[EventRef]:
    """The events PayPal generated for ``order``, in no particular order."""
    capture = order.capture

    def event(event_type: str, resource_id: str, moment: datetime, refund: Refund | None = None) -> EventRef:
        event_id = event_id_for(merchant_id, resource_id, event_type)
        return EventRef(moment + event_delay(event_id), event_id, event_type, resource_id, order, refund)

    events: list[EventRef] = []
    if order.status in ("APPROVED", "COMPLETED"):
        # the buyer approves between creating the order and the capture
        approved = (order.created_at + (capture.created_at - order.created_at) / 2) if capture else order.created_at
        events.append(event(ORDER_APPROVED, order.id, approved.replace(microsecond=0)))
    if capture is not None:
        if capture.status in COMPLETED_STATUSES:
            events.append(event(CAPTURE_COMPLETED, capture.id, capture.created_at))
        elif capture.status == "PENDING":
            events.append(event(CAPTURE_PENDING, capture.id, capture.created_at))
        else:  # DECLINED, FAILED
            events.append(event(CAPTURE_DECLINED, capture.id, capture.created_at))
        if order.status == "COMPLETED":
            events.append(event(ORDER_COMPLETED, order.id, capture.created_at))
    events += [event(CAPTURE_REFUNDED, refund.id, refund.created_at, refund) for refund in order.refunds]
    return events


class EventLog:
    """Every event of the account, kept newest first (ties by id) once asked for."""

    def __init__(self) -> None:
        self._events: list[EventRef] = []
        self._sorted = True

    def add(self, events: Iterable[EventRef]) -> None:
        self._events.extend(events)
        self._sorted = False

    def replace(self, order_id: str, events: Iterable[EventRef]) -> None:
        """Drop the events of the order ``order_id`` and add ``events`` (its events after a change)."""
        self._events = [event for event in self._events if event.order.id != order_id]
        self.add(events)

    def newest_first(self) -> Sequence[EventRef]:
        if not self._sorted:
            self._events.sort(key=lambda e: (e.at, e.id), reverse=True)
            self._sorted = True
        return self._events


@dataclass(frozen=True, slots=True)
class EventQuery:
    page_size: int
    start: datetime | None
    end: datetime | None
    transaction_id: str | None
    event_type: str | None
    after: tuple[datetime, int] | None
    """The ``next`` cursor: ``(index_time, index_id)``."""


def parse_query(query: Mapping[str, str]) -> EventQuery:
    """Validate the query string; raise ``SearchRefused`` with PayPal's 400 when it is unusable."""
    page_size = _page_size(query.get("page_size"))
    start, end = _time(query, "start_time"), _time(query, "end_time")
    if start and end and end < start:
        raise _refused(
            "end_time", query["end_time"], "INVALID_PARAMETER_VALUE", "End time must not be before start time."
        )
    after = None
    if any(name in query for name in _CURSOR):
        if query.get("move_to") != "next":
            raise _refused("move_to", query.get("move_to"), "INVALID_PARAMETER_VALUE", "The value must be next.")
        index_time = _time(query, "index_time")
        index_id = query.get("index_id", "")
        if index_time is None:
            raise _refused("index_time", None, "MISSING_REQUIRED_PARAMETER", "A required field is missing.")
        if not index_id.isdigit():
            raise _refused("index_id", index_id, "INVALID_PARAMETER_SYNTAX", "The value must be a whole number.")
        after = (index_time, int(index_id))
    return EventQuery(
        page_size=page_size,
        start=start,
        end=end,
        transaction_id=query.get("transaction_id") or None,
        event_type=query.get("event_type") or None,
        after=after,
    )


def answer(
    request: EventQuery,
    events: Sequence[EventRef],
    *,
    now: datetime,
    merchant: Merchant,
    query: Mapping[str, str],
    origin: str,
) -> dict[str, Any]:
    """The ``EventList`` body: one page of the events matching ``request`` that happened by ``now``."""
    matching = [e for e in events if e.at <= now and _matches(e, request)]
    first = _position(matching, request.after) if request.after else 0
    page = matching[first : first + request.page_size]
    body: dict[str, Any] = {"events": [event_body(e, merchant=merchant) for e in page], "count": len(page)}
    if first + len(page) < len(matching):
        last = page[-1]
        served_at_last = sum(1 for e in matching[: first + len(page)] if e.at == last.at)
        params = [(k, v) for k, v in query.items() if k not in (*_CURSOR, "page_size")]
        params += [
            ("page_size", str(request.page_size)),
            ("move_to", "next"),
            ("index_time", last.create_time),
            ("index_id", str(served_at_last)),
        ]
        body["links"] = [{"href": f"{origin}{LIST_PATH}/?{urlencode(params)}", "rel": "next", "method": "GET"}]
    return body


def event_body(event: EventRef, *, merchant: Merchant) -> dict[str, Any]:
    """The stored notification as the Webhooks API shows it (key order and ``encType`` links of PayPal's
    ``webhook-events-list.json``), its resource in its current state."""
    order = event.order
    if event.event_type.startswith("CHECKOUT.ORDER."):
        resource_type, resource = "checkout-order", order_body(order, origin=EVENT_HOST, merchant=merchant)
    elif event.refund is not None:
        resource_type, resource = "refund", refund_body(order, event.refund, origin=EVENT_HOST)
    else:
        resource_type, resource = "capture", capture_body(order, origin=EVENT_HOST, merchant=merchant)
    href = f"{EVENT_HOST}{LIST_PATH}/{event.id}"
    return {
        "id": event.id,
        "create_time": event.create_time,
        "resource_type": resource_type,
        "event_type": event.event_type,
        "summary": _summary(event),
        "resource": resource,
        "links": [
            {"href": href, "rel": "self", "method": "GET", "encType": "application/json"},
            {"href": f"{href}/resend", "rel": "resend", "method": "POST", "encType": "application/json"},
        ],
        "event_version": "1.0",
        "resource_version": "2.0",
    }


def _summary(event: EventRef) -> str:
    order, capture = event.order, event.order.capture
    if event.event_type == ORDER_APPROVED:
        return "An order has been approved by buyer"
    if event.event_type == ORDER_COMPLETED:
        return "Checkout Order Completed"
    if event.refund is not None:
        return money_summary("A", event.refund.amount, order.currency) + " capture payment was refunded"
    assert capture is not None
    verb = {CAPTURE_COMPLETED: "completed", CAPTURE_PENDING: "pending", CAPTURE_DECLINED: "declined"}
    return money_summary(f"Payment {verb[event.event_type]} for", capture.amount, order.currency)


def _matches(event: EventRef, request: EventQuery) -> bool:
    return (
        (request.start is None or event.at >= request.start)
        and (request.end is None or event.at <= request.end)
        and (request.event_type is None or event.event_type == request.event_type)
        and (request.transaction_id is None or event.resource_id == request.transaction_id)
    )


def _position(matching: Sequence[EventRef], after: tuple[datetime, int]) -> int:
    """Where the page after the cursor starts: past every newer event and ``index_id`` events at ``index_time``."""
    index_time, index_id = after
    newer = sum(1 for e in matching if e.at > index_time)
    same = sum(1 for e in matching if e.at == index_time)
    return newer + min(index_id, same)


def _page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise _refused(
            "page_size", value, "INVALID_PARAMETER_VALUE", f"The value must be between 1 and {MAX_PAGE_SIZE}."
        )
    return int(value)


def _time(query: Mapping[str, str], name: str) -> datetime | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        if not RFC3339.match(value):
            raise ValueError(value)
        return datetime.fromisoformat(value.upper()).astimezone(UTC)
    except ValueError:  # also a date that does not exist, like February 30
        raise _refused(
            name, value, "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format."
        ) from None


def _refused(field: str, value: str | None, issue: str, description: str) -> SearchRefused:
    return SearchRefused(400, invalid_query(field, value, issue, description, api=_API))
