"""Ecwid REST API v3 payloads (orders, store profile) → ``server.platforms`` types.

Ecwid orders carry no currency: amounts are JSON numbers in the store's
currency, read once from the profile (``formatsAndUnits.currency``). Numbers
become ``Decimal`` through their shortest decimal text, never through binary
float arithmetic. An order has a numeric ``internalId`` (the stable key) and a
string ``id`` with the store's prefix and suffix (``SALE-G01ZG``), which is
what sellers and buyers see; ``orderNumber``/``vendorOrderNumber`` are the
older names of the same two values.

The payment guard reads ``paymentStatus``, also the ``platform_status``
(``fulfillmentStatus`` says nothing about the money): CANCELLED is ``canceled``
(a canceled order's fulfillment, WILL_NOT_DELIVER, is not read). Ecwid orders
carry no test flag (a test payment method leaves no mark), so ``test_order``
stays false.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PayloadReader, PaymentStatus, clean, join

__all__ = ["UNFINISHED", "is_unfinished", "map_order", "order_keys", "payment_status", "store_currency"]

read = PayloadReader("Ecwid")

UNFINISHED = "INCOMPLETE"
"""The payment status of an unfinished order: a checkout left at the payment step, not yet an order."""

CANCELLED = "CANCELLED"

_PAYMENT_STATUS = {
    "PAID": PaymentStatus.PAID,
    "AWAITING_PAYMENT": PaymentStatus.PENDING,
    UNFINISHED: PaymentStatus.PENDING,
    "PARTIALLY_REFUNDED": PaymentStatus.PARTIALLY_REFUNDED,
    "REFUNDED": PaymentStatus.REFUNDED,
    CANCELLED: PaymentStatus.VOIDED,
}
_CREATE_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def payment_status(value: object) -> PaymentStatus:
    """``paymentStatus``; the store's custom statuses (``CUSTOM_PAYMENT_STATUS_1``...) are ``UNKNOWN``."""
    return _PAYMENT_STATUS.get(value, PaymentStatus.UNKNOWN) if isinstance(value, str) else PaymentStatus.UNKNOWN


def is_unfinished(payload: Mapping[str, Any]) -> bool:
    return payload.get("paymentStatus") == UNFINISHED


def order_keys(payload: Mapping[str, Any]) -> set[str]:
    """Every spelling of the order's identity a seller may type, case-folded."""
    values = (payload.get(field) for field in ("id", "vendorOrderNumber", "internalId", "orderNumber"))
    return {str(v).strip().casefold() for v in values if isinstance(v, str | int) and not isinstance(v, bool)} - {""}


def store_currency(profile: Any) -> str:
    """``formatsAndUnits.currency`` of a ``GET /profile`` answer, as an ISO-4217 code."""
    units = read.obj(read.obj(profile, "profile").get("formatsAndUnits"), "formatsAndUnits")
    currency = units.get("currency")
    return read.currency(currency.upper() if isinstance(currency, str) else currency, "formatsAndUnits.currency")


def map_order(payload: Any, currency: str) -> Order:
    """Map one order of ``GET /orders/{id}`` or of a ``GET /orders`` page, in the store's ``currency``."""
    order = read.obj(payload, "order")
    items = read.list(order.get("items", []), "items")
    billing = read.optional_obj(order.get("billingPerson"), "billingPerson")
    shipping = read.optional_obj(order.get("shippingPerson"), "shippingPerson")
    return Order(
        order_id=_order_id(order),
        order_number=_order_number(order),
        placed_at=_placed_at(order),
        total=read.money(order.get("total"), currency, "total"),
        payment_status=payment_status(order.get("paymentStatus")),
        platform_status=clean(order.get("paymentStatus")),
        canceled=order.get("paymentStatus") == CANCELLED,
        buyer=Buyer(name=_person_name(billing) or _person_name(shipping), email=clean(order.get("email"))),
        line_items=tuple(_line_item(read.obj(item, "items[]"), currency) for item in items),
        raw=order,
    )


def _line_item(item: Mapping[str, Any], currency: str) -> LineItem:
    """``price`` is the unit price with option modifiers and before discounts; the line is price × quantity."""
    quantity = read.integer(item.get("quantity"), "items[].quantity")
    unit_price = read.money(item.get("price"), currency, "items[].price")
    return LineItem(
        name=read.text(item.get("name"), "items[].name"),
        sku=clean(item.get("sku")),
        quantity=quantity,
        unit_price=unit_price,
        total=Money(unit_price.amount * quantity, currency),
    )


def _order_id(order: Mapping[str, Any]) -> str:
    for field in ("internalId", "orderNumber"):
        value = order.get(field)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return str(value)
    raise read.error("order has no positive integer 'internalId' (or 'orderNumber')")


def _order_number(order: Mapping[str, Any]) -> str:
    for field in ("id", "vendorOrderNumber"):
        if value := clean(order.get(field)):
            return value
    return _order_id(order)


def _placed_at(order: Mapping[str, Any]) -> datetime:
    """``createTimestamp`` (unix seconds), else ``createDate`` (``2024-09-04 07:22:09 +0000``, not ISO 8601)."""
    stamp = order.get("createTimestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        try:
            return datetime.fromtimestamp(stamp, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    text = order.get("createDate")
    if isinstance(text, str):
        try:
            return read.aware_utc(datetime.strptime(text.strip(), _CREATE_DATE_FORMAT), "createDate")
        except ValueError:
            pass
    raise read.error("order has neither a unix 'createTimestamp' nor a 'createDate' with an offset")


def _person_name(person: Mapping[str, Any]) -> str | None:
    return clean(person.get("name")) or join(person.get("firstName"), person.get("lastName"))
