"""Between normalized orders (the connector contract) and database columns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..models import ImportedOrder
from ..platforms import Buyer, LineItem, Money, Order, PaymentStatus

_COLUMNS = (
    "order_id",
    "order_number",
    "payment_status",
    "placed_at",
    "buyer_name",
    "buyer_email",
    "total_amount",
    "currency",
    "line_items",
    "payload",
)


def _money(m: Money) -> dict[str, str]:
    return {"amount": str(m.amount), "currency": m.currency}


def order_record(order: Order) -> dict[str, Any]:
    """The columns an ImportedOrder (or Transaction) keeps of ``order``."""
    return {
        "order_id": order.order_id,
        "order_number": order.order_number,
        "payment_status": order.payment_status.value,
        "placed_at": order.placed_at,
        "buyer_name": order.buyer.name,
        "buyer_email": order.buyer.email,
        "total_amount": order.total.amount,
        "currency": order.total.currency,
        "line_items": [
            {
                "name": item.name,
                "sku": item.sku,
                "quantity": item.quantity,
                "unit_price": _money(item.unit_price),
                "total": _money(item.total),
            }
            for item in order.line_items
        ],
        "payload": dict(order.raw),
    }


def line_items(rows: list[dict[str, Any]]) -> tuple[LineItem, ...]:
    def money(m: dict[str, str]) -> Money:
        return Money(Decimal(m["amount"]), m["currency"])

    return tuple(
        LineItem(
            name=r["name"],
            quantity=r["quantity"],
            unit_price=money(r["unit_price"]),
            total=money(r["total"]),
            sku=r["sku"],
        )
        for r in rows
    )


def order_json(order: Order) -> dict[str, Any]:
    """``order`` as JSON-able columns, for a durable record (a webhook delivery)."""
    return order_record(order) | {"placed_at": order.placed_at.isoformat(), "total_amount": str(order.total.amount)}


def order_from_columns(columns: Mapping[str, Any]) -> Order:
    """The normalized order kept in ``columns`` (``order_record`` or ``order_json`` form)."""
    placed_at = columns["placed_at"]
    return Order(
        order_id=columns["order_id"],
        order_number=columns["order_number"],
        placed_at=datetime.fromisoformat(placed_at) if isinstance(placed_at, str) else placed_at,
        total=Money(Decimal(str(columns["total_amount"])), columns["currency"]),
        payment_status=PaymentStatus(columns["payment_status"]),
        buyer=Buyer(name=columns["buyer_name"], email=columns["buyer_email"]),
        line_items=line_items(columns["line_items"]),
        raw=columns["payload"],
    )


def order_of(row: ImportedOrder) -> Order:
    """The normalized order an imported row was made from, for plugin hooks."""
    return order_from_columns({name: getattr(row, name) for name in _COLUMNS})


def transaction_record(order: Order) -> dict[str, Any]:
    """The columns a Transaction keeps of ``order``."""
    record = order_record(order)
    del record["payment_status"], record["payload"]
    return record
