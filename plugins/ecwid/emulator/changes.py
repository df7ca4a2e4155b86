"""Changes to placed orders (a new payment or fulfillment status, a refund), each an ``order.updated`` event.

Ecwid sends ``order.updated`` for any change to a placed order ("triggered when any changes are
made to an unfinished or completed order", ``Ecwid/ecwid-api-docs`` ``includes/_webhooks.md``);
its ``data`` holds the payment and fulfillment status before and after (``oldPaymentStatus``,
``newPaymentStatus``, ``oldFulfillmentStatus``, ``newFulfillmentStatus``) and, in current
deliveries, the order's ``orderId``. A refund sets ``refundedAmount``, adds to ``refunds``
(``{date, source, reason, amount}``) and moves ``paymentStatus`` to ``REFUNDED``, or
``PARTIALLY_REFUNDED`` while money remains. Each change moves ``updateDate``/``updateTimestamp``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .orders import FULFILLMENT_STATUSES, PAYMENT_STATUSES, format_date, number
from .query import UNFINISHED
from .store import StoredOrder

__all__ = ["ORDER_UPDATED", "OrderUpdate", "refund", "set_statuses"]

ORDER_UPDATED = "order.updated"
_REFUNDABLE = frozenset({"PAID", "PARTIALLY_REFUNDED"})


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    """One ``order.updated`` event: its id (kept on resends), when (unix seconds), the order, ``data``."""

    event_id: str
    created: int
    internal_id: int
    data: dict[str, Any]


def set_statuses(
    order: StoredOrder,
    *,
    payment: str | None = None,
    fulfillment: str | None = None,
    at: int,
    store_id: int,
    sequence: int,
) -> OrderUpdate:
    """Give the order a new payment and/or fulfillment status at ``at``."""
    if payment is not None and (payment not in PAYMENT_STATUSES or payment == UNFINISHED):
        raise ValueError(f"unknown payment status {payment!r}")
    if fulfillment is not None and fulfillment not in FULFILLMENT_STATUSES:
        raise ValueError(f"unknown fulfillment status {fulfillment!r}")
    if order.payment_status == UNFINISHED:
        raise ValueError(f"order {order.order_id} is unfinished: its changes are unfinished_order.updated")
    old_payment, old_fulfillment = order.payment_status, order.fulfillment_status
    order.payment_status = order.payload["paymentStatus"] = payment or old_payment
    order.fulfillment_status = order.payload["fulfillmentStatus"] = fulfillment or old_fulfillment
    when = max(at, order.created)
    order.updated = order.payload["updateTimestamp"] = when
    order.payload["updateDate"] = format_date(datetime.fromtimestamp(when, UTC))
    order.encode()
    data = {
        "orderId": order.order_id,
        "oldPaymentStatus": old_payment,
        "newPaymentStatus": order.payment_status,
        "oldFulfillmentStatus": old_fulfillment,
        "newFulfillmentStatus": order.fulfillment_status,
    }
    key = f"https://app.ecwid.com/{store_id}/{ORDER_UPDATED}/{order.internal_id}/{sequence}"
    return OrderUpdate(str(uuid.uuid5(uuid.NAMESPACE_URL, key)), when, order.internal_id, data)


def refund(
    order: StoredOrder, amount: Decimal | None, *, reason: str, at: int, store_id: int, sequence: int
) -> OrderUpdate:
    """Refund ``amount`` of what the order still holds (all of it by default)."""
    total = Decimal(str(order.payload["total"]))
    remaining = total - Decimal(str(order.payload["refundedAmount"]))
    if order.payment_status not in _REFUNDABLE or remaining <= 0:
        raise ValueError(f"order {order.order_id} ({order.payment_status}) holds no money to refund")
    amount = remaining if amount is None else amount
    if not 0 < amount <= remaining:
        raise ValueError(f"a refund must be more than 0 and at most {remaining}")
    when = max(at, order.created)
    entry = {"date": format_date(datetime.fromtimestamp(when, UTC)), "source": "CP", "reason": reason}
    order.payload["refunds"] = [*order.payload["refunds"], {**entry, "amount": number(amount)}]
    order.payload["refundedAmount"] = number(total - remaining + amount)
    status = "REFUNDED" if amount == remaining else "PARTIALLY_REFUNDED"
    return set_statuses(order, payment=status, at=when, store_id=store_id, sequence=sequence)
