"""BigCommerce Orders V2 payloads → ``Order``.

An order (``GET /v2/orders/{id}``, or one element of ``GET /v2/orders``) does not
embed its line items unless asked: with ``include=consignments.line_items`` and
``consignment_structure=object`` its consignments carry the ``/products``
records (``embedded_line_items``), otherwise they come from
``GET /v2/orders/{id}/products``; either list is mapped together with the order.
Amounts are decimal strings (the reference also allows JSON numbers) in the
order's transactional currency, ``default_currency_code``; ``currency_code`` is
only the storefront's display currency. ``date_created`` is
an RFC 2822 date in UTC. BigCommerce webhooks carry only the order id, so there
is no webhook payload to map.

The payment guard reads ``payment_status`` (the gateway's word) and ``status_id``
(the order status, ``status`` is its name and the ``platform_status``): Cancelled
(5) or an archived order (``is_deleted``) is ``canceled``. V2 orders carry no
test-order flag (an order paid through a test gateway looks like any other), so
``test_order`` stays false.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from server.platforms import Buyer, LineItem, Order, PayloadReader, PaymentStatus, clean, join

__all__ = [
    "CANCELLED",
    "INCOMPLETE",
    "embedded_line_items",
    "is_canceled",
    "is_incomplete",
    "map_order",
    "order_id",
    "payment_status",
]

read = PayloadReader("BigCommerce")

INCOMPLETE = 0
"""``status_id`` of an abandoned checkout: the shopper reached payment and never finished."""

_PAYMENT_STATUS = {
    "authorized": PaymentStatus.PENDING,
    "capture pending": PaymentStatus.PENDING,
    "held for review": PaymentStatus.PENDING,
    "pending": PaymentStatus.PENDING,
    "captured": PaymentStatus.PAID,
    "paid": PaymentStatus.PAID,
    "partially refunded": PaymentStatus.PARTIALLY_REFUNDED,
    "refunded": PaymentStatus.REFUNDED,
    "void": PaymentStatus.VOIDED,
    "void pending": PaymentStatus.VOIDED,
    "declined": PaymentStatus.FAILED,
}

CANCELLED = 5

# Order statuses that say where the money went whatever ``payment_status`` says: a merchant
# sets them by hand after a refund or chargeback made outside BigCommerce, and the gateway's
# word stays "captured". Disputed (13) is an open chargeback: the payment may be taken back.
_STATUS_ID_OVERRIDES = {
    4: PaymentStatus.REFUNDED,  # Refunded
    6: PaymentStatus.FAILED,  # Declined
    13: PaymentStatus.UNKNOWN,  # Disputed
}

# Order statuses whose documented meaning says where the payment stands; used when
# ``payment_status`` is empty (orders made in the control panel or through the API).
_STATUS_ID_PAYMENT = {
    1: PaymentStatus.PENDING,  # Pending
    4: PaymentStatus.REFUNDED,  # Refunded
    6: PaymentStatus.FAILED,  # Declined
    7: PaymentStatus.PENDING,  # Awaiting Payment
    10: PaymentStatus.PAID,  # Completed: "client has paid"
    11: PaymentStatus.PAID,  # Awaiting Fulfillment: "payment has been confirmed"
    14: PaymentStatus.PARTIALLY_REFUNDED,  # Partially Refunded
}
_PARTIALLY_REFUNDED = 14


def order_id(order: Any) -> str:
    """The order's ``id`` (the number the merchant sees) as a string."""
    return str(read.integer(read.obj(order, "order").get("id"), "id", minimum=1))


def is_incomplete(order: Mapping[str, Any]) -> bool:
    status_id = order.get("status_id")
    return type(status_id) is int and status_id == INCOMPLETE


def payment_status(order: Mapping[str, Any]) -> PaymentStatus:
    """From ``payment_status``, else from what ``status_id`` says about the payment.

    "authorized" money is held, not captured (PENDING); "void pending" is on its way
    to void. A Refunded, Declined or Disputed order status wins over the gateway's
    word, and Partially Refunded over a "captured" / "paid" one.
    """
    status_id = order.get("status_id")
    status_id = status_id if type(status_id) is int else None
    if status_id in _STATUS_ID_OVERRIDES:
        return _STATUS_ID_OVERRIDES[status_id]
    value = order.get("payment_status")
    if isinstance(value, str) and value.strip():
        status = _PAYMENT_STATUS.get(value.strip().lower(), PaymentStatus.UNKNOWN)
        paid_then_refunded = status is PaymentStatus.PAID and status_id == _PARTIALLY_REFUNDED
        return PaymentStatus.PARTIALLY_REFUNDED if paid_then_refunded else status
    return PaymentStatus.UNKNOWN if status_id is None else _STATUS_ID_PAYMENT.get(status_id, PaymentStatus.UNKNOWN)


def is_canceled(order: Mapping[str, Any]) -> bool:
    """Cancelled, or archived (deleted) by the merchant."""
    status_id = order.get("status_id")
    return (type(status_id) is int and status_id == CANCELLED) or order.get("is_deleted") is True


def embedded_line_items(order: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The line item records in the order's ``consignments`` (object structure), or ``None`` when they may
    not be all of them, so that ``/products`` must be asked.

    Items sit in ``pickups[]``, ``shipping[]``, ``downloads[]`` and ``email.gift_certificates[]``, each
    item in one consignment. ``None`` when there are no consignments or items, when a consignment
    holds links instead of records or carries ``__warning__`` (BigCommerce embeds at most 50 items per
    consignment), or when the items' quantities fall short of the order's ``items_total``.
    """
    structure = order.get("consignments")
    if not isinstance(structure, dict):
        return None
    email = structure.get("email")
    groups = [structure.get(kind) for kind in ("pickups", "shipping", "downloads")]
    groups.append(email.get("gift_certificates") if isinstance(email, dict) else [])
    items: list[Mapping[str, Any]] = []
    for group in groups:
        if group is None:
            continue
        if not isinstance(group, list):
            return None
        for consignment in group:
            lines = consignment.get("line_items") if isinstance(consignment, dict) else None
            if not isinstance(lines, list) or "__warning__" in consignment:
                return None
            if not all(isinstance(line, dict) and "quantity" in line and "url" not in line for line in lines):
                return None  # links to the records, not the records
            items += lines
    quantity = sum(line["quantity"] for line in items if type(line["quantity"]) is int)
    expected = order.get("items_total")
    if not items or (type(expected) is int and quantity < expected):
        return None
    return items


def map_order(order: Mapping[str, Any], products: Sequence[Any]) -> Order:
    """Map an order and its ``/products`` list; ``raw`` is the order with that list in place of the link."""
    order = read.obj(order, "order")
    currency = read.text(order.get("default_currency_code"), "default_currency_code")
    billing = read.obj(order.get("billing_address") or {}, "billing_address")
    number = order_id(order)
    return Order(
        order_id=number,
        order_number=number,
        placed_at=_time(order, "date_created"),
        total=read.money(order.get("total_inc_tax"), currency, "total_inc_tax"),
        payment_status=payment_status(order),
        platform_status=clean(order.get("status")),
        canceled=is_canceled(order),
        buyer=Buyer(
            name=join(billing.get("first_name"), billing.get("last_name")),
            email=clean(billing.get("email")),
        ),
        line_items=tuple(_line_item(read.obj(item, "products[]"), currency) for item in products),
        raw={**order, "products": list(products)},
    )


def _line_item(item: Mapping[str, Any], currency: str) -> LineItem:
    """``discounted_total_inc_tax`` is what the shopper paid for the line, after every discount."""
    total_field = "discounted_total_inc_tax" if item.get("discounted_total_inc_tax") is not None else "total_inc_tax"
    return LineItem(
        name=read.text(item.get("name"), "name"),
        sku=clean(item.get("sku")),
        quantity=read.integer(item.get("quantity"), "quantity"),
        unit_price=read.money(item.get("price_inc_tax"), currency, "price_inc_tax"),
        total=read.money(item.get(total_field), currency, total_field),
    )


def _time(obj: Mapping[str, Any], field: str) -> datetime:
    """An RFC 2822 date with an offset, in UTC."""
    value = obj.get(field)
    try:
        parsed = parsedate_to_datetime(value) if isinstance(value, str) else None
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        raise read.error(f"field {field!r} is not an RFC 2822 date")
    return read.aware_utc(parsed, field)
