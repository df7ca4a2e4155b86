"""Changes to placed orders: a refund, a cancellation. eBay sends no notification about either.

A refund adds to ``paymentSummary.refunds`` (``{refundDate, amount, refundStatus: REFUNDED,
refundReferenceId}``), lowers ``paymentSummary.totalDueSeller`` and moves ``orderPaymentStatus``
to ``PARTIALLY_REFUNDED``, then ``FULLY_REFUNDED`` once nothing is due. A cancellation the seller
makes sets ``cancelStatus.cancelState`` CANCELED with a completed request and ``cancelledDate``.
Each moves ``lastModifiedDate``; the order is only seen again by reading it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .orders import StoredOrder, amount, from_millis, millis, timestamp

__all__ = ["cancel", "refund"]

_REFUNDABLE = frozenset({"PAID", "PARTIALLY_REFUNDED"})


def refund(order: StoredOrder, value: Decimal | None, *, at: datetime, reference: str) -> None:
    """Refund ``value`` of what is still due to the seller (all of it by default)."""
    summary = order.payload["paymentSummary"]
    due = Decimal(summary["totalDueSeller"]["value"])
    if order.payload["orderPaymentStatus"] not in _REFUNDABLE or due <= 0:
        raise ValueError(f"order {order.order_id} ({order.payload['orderPaymentStatus']}) holds no money to refund")
    value = due if value is None else value
    if not 0 < value <= due:
        raise ValueError(f"a refund must be more than 0 and at most {due}")
    when = _touch(order, at)
    summary["refunds"] = [
        *summary["refunds"],
        {
            "refundDate": when,
            "amount": amount(value, order.currency),
            "refundStatus": "REFUNDED",
            "refundReferenceId": reference,
        },
    ]
    summary["totalDueSeller"] = amount(due - value, order.currency)
    order.payload["orderPaymentStatus"] = "FULLY_REFUNDED" if value == due else "PARTIALLY_REFUNDED"


def cancel(order: StoredOrder, *, at: datetime, request_id: str) -> None:
    """The seller cancels the order (out of stock)."""
    status = order.payload["cancelStatus"]
    if status["cancelState"] == "CANCELED":
        raise ValueError(f"order {order.order_id} is already cancelled")
    when = _touch(order, at)
    request = {
        "cancelInitiator": "SELLER",
        "cancelReason": "OUT_OF_STOCK_OR_CANNOT_FULFILL",
        "cancelRequestId": request_id,
        "cancelRequestState": "COMPLETED",
        "cancelRequestedDate": when,
        "cancelCompletedDate": when,
    }
    order.payload["cancelStatus"] = {"cancelState": "CANCELED", "cancelRequests": [request], "cancelledDate": when}


def _touch(order: StoredOrder, at: datetime) -> str:
    """Move ``lastModifiedDate`` to ``at`` (never before the creation) and drop the cached JSON."""
    moment = max(millis(at), order.created)
    order.modified = moment
    order.changed()
    when = timestamp(from_millis(moment))
    order.payload["lastModifiedDate"] = when
    return when
