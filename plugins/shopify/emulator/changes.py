"""Changes to placed orders (refunds, cancellations) and the webhook events Shopify sends about them.

A refund (https://shopify.dev/docs/api/admin-rest/latest/resources/refund) lowers the order's
``currentTotalPriceSet`` and moves ``displayFinancialStatus`` to PARTIALLY_REFUNDED, then REFUNDED
once nothing remains; a cancellation sets ``cancelledAt``, ``cancelReason`` and closes the order,
its financial status unchanged (Shopify cancels without refunding unless asked). Each change
touches ``updatedAt``. The events are those of the topics the connector subscribes to:
``refunds/create`` (the refund, naming its order by ``order_id``, as in Shopify's example payload
for the topic) and ``orders/updated`` (the whole order as it stands after the change).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .orders import format_decimal, format_time, money_bag
from .search import micros
from .store import StoredOrder
from .webhooks import rest_order, rest_time

__all__ = ["ORDER_UPDATED", "REFUND_CREATED", "ChangeEvent", "cancel", "events", "refund"]

ORDER_UPDATED = "orders/updated"
REFUND_CREATED = "refunds/create"
_REFUNDABLE = frozenset({"PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"})


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One webhook event about a change: its topic, the body as sent, when, and its id (kept on retries)."""

    topic: str
    payload: dict[str, Any]
    at: datetime
    event_id: str


def refund(
    order: StoredOrder, amount: Decimal | None, *, at: datetime, refund_id: int, note: str | None
) -> dict[str, Any]:
    """Refund ``amount`` of what the order still holds (all of it by default); return the refund's JSON."""
    node = order.node
    currency = node["currencyCode"]
    remaining = Decimal(node["currentTotalPriceSet"]["shopMoney"]["amount"])
    if order.financial_status not in _REFUNDABLE or remaining <= 0:
        raise ValueError(f"order {order.numeric_id} ({order.financial_status}) holds no money to refund")
    amount = remaining if amount is None else amount
    if not 0 < amount <= remaining:
        raise ValueError(f"a refund must be more than 0 and at most {remaining}")
    left = remaining - amount
    status = "REFUNDED" if left == 0 else "PARTIALLY_REFUNDED"
    node["displayFinancialStatus"] = status
    node["currentTotalPriceSet"] = money_bag(left, currency)
    _touch(order, at)
    order.financial_status = status
    when = rest_time(format_time(at))
    transaction_id = refund_id + 1
    return {
        "id": refund_id,
        "order_id": order.numeric_id,
        "created_at": when,
        "note": note,
        "user_id": None,
        "processed_at": when,
        "duties": [],
        "restock": False,
        "refund_shipping_lines": [],
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "order_adjustments": [],
        "refund_line_items": [],
        "transactions": [
            {
                "id": transaction_id,
                "order_id": order.numeric_id,
                "kind": "refund",
                "gateway": "shopify_payments",
                "status": "success",
                "message": None,
                "created_at": when,
                "test": node["test"],
                "parent_id": None,
                "processed_at": when,
                "amount": format_decimal(amount),
                "currency": currency,
                "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{transaction_id}",
            }
        ],
    }


def cancel(order: StoredOrder, *, at: datetime) -> None:
    """Cancel the order (reason CUSTOMER) and close it."""
    node = order.node
    if node["cancelledAt"] is not None:
        raise ValueError(f"order {order.numeric_id} is already cancelled")
    node["cancelledAt"] = node["closedAt"] = format_time(at)
    node["cancelReason"] = "CUSTOMER"
    node["closed"] = True
    _touch(order, at)
    order.cancelled = order.closed = True


def events(
    shop_domain: str, order: StoredOrder, at: datetime, sequence: int, refund_json: Any = None
) -> list[ChangeEvent]:
    """The events Shopify sends for a change to ``order`` (the refund's first, when there is one)."""
    found = []
    if refund_json is not None:
        found.append(_event(shop_domain, REFUND_CREATED, refund_json, at, f"{refund_json['id']}/{sequence}"))
    found.append(_event(shop_domain, ORDER_UPDATED, rest_order(order.node), at, f"{order.numeric_id}/{sequence}"))
    return found


def _event(shop_domain: str, topic: str, payload: dict[str, Any], at: datetime, key: str) -> ChangeEvent:
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{shop_domain}/{topic}/{key}"))
    return ChangeEvent(topic=topic, payload=payload, at=at, event_id=event_id)


def _touch(order: StoredOrder, at: datetime) -> None:
    order.node["updatedAt"] = format_time(at)
    order.updated = micros(at)
