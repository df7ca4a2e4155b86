"""Between normalized orders (the connector contract) and database columns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..models import ImportedOrder
from ..platforms import Buyer, LineItem, Money, Order, PaymentStatus


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
            name=r["name"], quantity=r["quantity"], unit_price=money(r["unit_price"]), total=money(r["total"]), sku=r["sku"]
        )
        for r in rows
    )


def order_of(row: ImportedOrder) -> Order:
    """The normalized order an imported row was made from, for plugin hooks."""
    return Order(
        order_id=row.order_id,
        order_number=row.order_number,
        placed_at=row.placed_at,
        total=Money(row.total_amount, row.currency),
        payment_status=PaymentStatus(row.payment_status),
        buyer=Buyer(name=row.buyer_name, email=row.buyer_email),
        line_items=line_items(row.line_items),
        raw=row.payload,
    )


def transaction_record(order: Order) -> dict[str, Any]:
    """The columns a Transaction keeps of ``order``."""
    record = order_record(order)
    del record["payment_status"], record["payload"]
    return record
