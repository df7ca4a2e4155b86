"""Changes to placed orders: a new status, a refund. Each is an ``order.updated`` webhook.

WooCommerce fires ``woocommerce_update_order`` (the ``order.updated`` topic's hook) on every save
of an existing order, and delivers the order as the REST API serves it after the save. A status
change (``WC_Order::update_status``) touches ``date_modified`` and, for ``completed``, sets
``date_completed``. A refund (``wc_create_refund``) is a post of its own, listed in the order's
``refunds`` (the total negative, newest first; its reason under ``refund``, as the documented
sample names it, where WooCommerce's controller writes ``reason``); a refund of all that remains
moves the order to ``refunded``.
"""

from __future__ import annotations

from decimal import Decimal

from .orders import StoredOrder, money

__all__ = ["refund", "set_status"]

_REFUNDABLE = frozenset({"processing", "completed", "on-hold"})


def set_status(order: StoredOrder, status: str, *, at: int) -> None:
    """Move the order to ``status`` at ``at`` (epoch seconds)."""
    order.status = order.body["status"] = status
    if status == "completed" and order.dates["date_completed"] is None:
        order.dates["date_completed"] = at
    _touch(order, at)


def refund(order: StoredOrder, amount: Decimal | None, *, refund_id: int, reason: str, at: int) -> None:
    """Refund ``amount`` of what the order still holds (all of it by default)."""
    refunded = sum((abs(Decimal(r["total"])) for r in order.body["refunds"]), Decimal(0))
    remaining = order.total - refunded
    if order.status not in _REFUNDABLE or remaining <= 0:
        raise ValueError(f"order {order.id} ({order.status}) holds no money to refund")
    amount = remaining if amount is None else amount
    if not 0 < amount <= remaining:
        raise ValueError(f"a refund must be more than 0 and at most {remaining}")
    order.body["refunds"] = [{"id": refund_id, "refund": reason, "total": f"-{money(amount)}"}, *order.body["refunds"]]
    if amount == remaining:
        set_status(order, "refunded", at=at)
    else:
        _touch(order, at)


def _touch(order: StoredOrder, at: int) -> None:
    order.dates["date_modified"] = order.modified = max(at, order.created)
