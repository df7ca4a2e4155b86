"""WooCommerce REST API v3 order resources → ``Order``.

An ``order.created`` webhook carries the same resource (the REST order of the
webhook's API version), so ``map_order`` maps webhook bodies too.

Formats, from the API docs and the real samples: money is a decimal string
(``total``, line ``total``, ``refunds[].total``, negative) except the line
``price``, a JSON number; ``date_created_gmt`` is UTC written without an
offset (``date_created`` is the site's local time, also without one); ``id``
is an integer and ``number``, what the seller sees, a string that numbering
plugins may change.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse

__all__ = ["DRAFT_STATUS", "is_draft", "map_order", "payment_status"]

DRAFT_STATUS = "checkout-draft"
"""The block checkout's order-in-progress: not an order the buyer placed."""

_PAYMENT_STATUS = {
    "pending": PaymentStatus.PENDING,
    "on-hold": PaymentStatus.PENDING,
    DRAFT_STATUS: PaymentStatus.PENDING,
    "processing": PaymentStatus.PAID,
    "completed": PaymentStatus.PAID,
    "refunded": PaymentStatus.REFUNDED,
    "failed": PaymentStatus.FAILED,
    "cancelled": PaymentStatus.VOIDED,
}


def is_draft(payload: Mapping[str, Any]) -> bool:
    return payload.get("status") == DRAFT_STATUS


def map_order(payload: Mapping[str, Any]) -> Order:
    """Map a REST order resource (or an ``order.created`` webhook body)."""
    order = _object(payload, "order")
    currency = order.get("currency")
    total = _money(order.get("total"), currency, "total")
    billing = _optional_object(order, "billing")
    items = order.get("line_items", [])
    if not isinstance(items, list):
        raise PlatformBadResponse("WooCommerce order field 'line_items' is not a list")
    return Order(
        order_id=_order_id(order),
        order_number=_order_number(order),
        placed_at=_gmt_time(order, "date_created_gmt"),
        total=total,
        payment_status=payment_status(order, total.amount),
        buyer=Buyer(
            name=_join(billing.get("first_name"), billing.get("last_name")) or _clean(billing.get("company")),
            email=_clean(billing.get("email")),
        ),
        line_items=tuple(_line_item(item, currency, index) for index, item in enumerate(items)),
        raw=order,
    )


def payment_status(order: Mapping[str, Any], total: Decimal) -> PaymentStatus:
    """From ``status``; a paid order with refunds short of its total is partially refunded.

    ``processing`` and ``completed`` are WooCommerce's paid statuses (``set_paid``
    on creation moves an order to processing and sets ``date_paid``). A status
    added by a plugin counts as paid when ``date_paid`` is set.
    """
    status = order.get("status")
    known = _PAYMENT_STATUS.get(status) if isinstance(status, str) else None
    paid = known is PaymentStatus.PAID or (known is None and bool(order.get("date_paid_gmt") or order.get("date_paid")))
    if not paid:
        return known or PaymentStatus.UNKNOWN
    refunded = _refunded(order)
    if refunded <= 0:
        return PaymentStatus.PAID
    return PaymentStatus.REFUNDED if refunded >= total else PaymentStatus.PARTIALLY_REFUNDED


def _refunded(order: Mapping[str, Any]) -> Decimal:
    refunds = order.get("refunds") or []
    if not isinstance(refunds, list):
        raise PlatformBadResponse("WooCommerce order field 'refunds' is not a list")
    return sum(
        (abs(_decimal(_object(r, f"refunds[{i}]").get("total"), f"refunds[{i}].total")) for i, r in enumerate(refunds)),
        Decimal(0),
    )


def _line_item(item: Any, currency: Any, index: int) -> LineItem:
    where = f"line_items[{index}]"
    item = _object(item, where)
    name = item.get("name")
    if not isinstance(name, str):
        raise PlatformBadResponse(f"WooCommerce order field '{where}.name' is not a string")
    quantity = item.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise PlatformBadResponse(f"WooCommerce order field '{where}.quantity' is not an integer")
    return LineItem(
        name=html.unescape(name).strip(),
        quantity=quantity,
        unit_price=_money(item.get("price"), currency, f"{where}.price"),
        total=_money(item.get("total"), currency, f"{where}.total"),
        sku=_clean(item.get("sku")),
    )


def _order_id(order: Mapping[str, Any]) -> str:
    value = order.get("id")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise PlatformBadResponse("WooCommerce order field 'id' is not a positive integer")
    return str(value)


def _order_number(order: Mapping[str, Any]) -> str:
    """``number``; WooCommerce's own default, the id, when a plugin left it empty."""
    value = order.get("number")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise PlatformBadResponse("WooCommerce order field 'number' is not a string")
    return _clean(value) or _order_id(order)


def _gmt_time(order: Mapping[str, Any], field: str) -> datetime:
    """A ``*_gmt`` time: UTC, normally written without an offset (one, if present, is honoured)."""
    value = order.get(field)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise PlatformBadResponse(f"WooCommerce order field {field!r} is not an ISO 8601 date-time")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _money(amount: Any, currency: Any, field: str) -> Money:
    value = _decimal(amount, field)
    try:
        return Money(value, currency)
    except ValueError as exc:
        raise PlatformBadResponse(
            f"WooCommerce order field 'currency' is not an ISO 4217 code (for {field!r})"
        ) from exc


def _decimal(value: Any, field: str) -> Decimal:
    """A decimal string, or a JSON number converted through its shortest ``str`` (never a float's binary value)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PlatformBadResponse(f"WooCommerce order field {field!r} is not a decimal amount")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise PlatformBadResponse(f"WooCommerce order field {field!r} is not a decimal amount")
    return amount


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlatformBadResponse(f"WooCommerce order field {field!r} is missing or not an object")
    return value


def _optional_object(obj: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = obj.get(field)
    return {} if value is None or value == [] else _object(value, field)


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _join(*parts: Any) -> str | None:
    return " ".join(p for p in map(_clean, parts) if p) or None
