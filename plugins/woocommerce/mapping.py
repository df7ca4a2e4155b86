"""WooCommerce REST API v3 order resources → ``Order``.

An ``order.created`` webhook carries the same resource (the REST order of the
webhook's API version), so ``map_order`` maps webhook bodies too.

Formats, from the API docs and the real samples: money is a decimal string
(``total``, line ``total``, ``refunds[].total``, negative) except the line
``price``, a JSON number; ``date_created_gmt`` is UTC written without an
offset (``date_created`` is the site's local time, also without one); ``id``
is an integer and ``number``, what the seller sees, a string that numbering
plugins may change.

The payment guard reads ``status`` (``platform_status``, as sent): ``cancelled``
and ``trash`` (an order the seller deleted) are ``canceled``. WooCommerce has no
test-order flag (a gateway's sandbox mode leaves no mark on the order), so
``test_order`` stays false.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server.platforms import Buyer, LineItem, Order, PayloadReader, PaymentStatus, clean, join

__all__ = ["DRAFT_STATUS", "is_draft", "map_order", "payment_status"]

read = PayloadReader("WooCommerce")

DRAFT_STATUS = "checkout-draft"
"""The block checkout's order-in-progress: not an order the buyer placed."""

_CANCELED_STATUSES = frozenset({"cancelled", "trash"})

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
    order = read.obj(payload, "order")
    total = read.money(order.get("total"), order.get("currency"), "total")
    billing = _optional_object(order, "billing")
    items = read.list(order.get("line_items", []), "line_items")
    status = clean(order.get("status"))
    return Order(
        order_id=_order_id(order),
        order_number=_order_number(order),
        placed_at=read.time(order.get("date_created_gmt"), "date_created_gmt", assume_utc=True),
        total=total,
        payment_status=payment_status(order, total.amount),
        platform_status=status,
        canceled=status in _CANCELED_STATUSES,
        buyer=Buyer(
            name=join(billing.get("first_name"), billing.get("last_name")) or clean(billing.get("company")),
            email=clean(billing.get("email")),
        ),
        line_items=tuple(_line_item(item, total.currency, index) for index, item in enumerate(items)),
        raw=order,
    )


def payment_status(order: Mapping[str, Any], total: Decimal) -> PaymentStatus:
    """From ``status``; a paid order with refunds short of its total is partially refunded.

    ``processing`` and ``completed`` are WooCommerce's paid statuses (its own
    ``is_paid()`` reads the status alone; older stores left ``date_paid`` empty on
    completed orders). ``pending`` awaits payment, ``on-hold`` awaits a manual
    confirmation (a bank transfer), ``cancelled`` was never captured (VOIDED). A
    status added by a plugin, or ``trash``, counts as paid when ``date_paid`` is set.
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
    refunds = read.list(order.get("refunds") or [], "refunds")
    totals = [read.obj(refund, f"refunds[{n}]").get("total") for n, refund in enumerate(refunds)]
    return sum((abs(read.decimal(total, f"refunds[{n}].total")) for n, total in enumerate(totals)), Decimal(0))


def _line_item(item: Any, currency: str, index: int) -> LineItem:
    where = f"line_items[{index}]"
    item = read.obj(item, where)
    name = item.get("name")
    if not isinstance(name, str):
        raise read.error(f"field '{where}.name' is not a string")
    return LineItem(
        name=html.unescape(name).strip(),
        quantity=read.integer(item.get("quantity"), f"{where}.quantity"),
        unit_price=read.money(item.get("price"), currency, f"{where}.price"),
        total=read.money(item.get("total"), currency, f"{where}.total"),
        sku=clean(item.get("sku")),
    )


def _order_id(order: Mapping[str, Any]) -> str:
    return str(read.integer(order.get("id"), "id", minimum=1))


def _order_number(order: Mapping[str, Any]) -> str:
    """``number``; WooCommerce's own default, the id, when a plugin left it empty."""
    value = order.get("number")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise read.error("field 'number' is not a string")
    return clean(value) or _order_id(order)


def _optional_object(obj: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    """PHP writes an empty object as ``[]``."""
    value = obj.get(field)
    return {} if value == [] else read.optional_obj(value, field)
