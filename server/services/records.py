"""The one place between normalized orders (the connector contract) and database rows.

``imported_columns`` and ``transaction_columns`` give the columns an ImportedOrder and a Transaction
keep of an order, ``imported_values`` the same as an import inserts them (plain values, see ``inserts``);
``order_of`` gives the order back from an ImportedOrder. A webhook delivery keeps
its order as JSON (``delivery_json``) only so that a delivery interrupted by a crash can be processed
again (``delivery_order``); a delivery processed as it arrives goes from its ``Order`` to its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..models import ImportedOrder
from ..platforms import Buyer, LineItem, Money, Order, PaymentStatus
from .inserts import json_text

_LISTED = (
    "order_id",
    "order_number",
    "placed_at",
    "buyer_name",
    "buyer_email",
    "total_amount",
    "currency",
    "payment_status",
    "test_order",
    "canceled",
)
_GUARDED = ("platform_status",)  # what the payment guard reads besides the listed payment columns


def _money(m: Money) -> dict[str, str]:
    return {"amount": str(m.amount), "currency": m.currency}


def _line_item_rows(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "name": item.name,
            "sku": item.sku,
            "quantity": item.quantity,
            "unit_price": _money(item.unit_price),
            "total": _money(item.total),
        }
        for item in order.line_items
    ]


def transaction_columns(source: Order | ImportedOrder) -> dict[str, Any]:
    """The columns a Transaction keeps of an order, or of the imported order it is accepted from."""
    if isinstance(source, ImportedOrder):
        return {name: getattr(source, name) for name in _LISTED} | {"line_items": source.line_items}
    return {
        "order_id": source.order_id,
        "order_number": source.order_number,
        "placed_at": source.placed_at,
        "buyer_name": source.buyer.name,
        "buyer_email": source.buyer.email,
        "total_amount": source.total.amount,
        "currency": source.total.currency,
        "payment_status": source.payment_status.value,
        "test_order": source.test_order,
        "canceled": source.canceled,
        "line_items": _line_item_rows(source),
    }


def imported_columns(order: Order) -> dict[str, Any]:
    """The columns an ImportedOrder keeps of ``order``: the listed ones, what the payment guard reads, its payload."""
    return transaction_columns(order) | {
        "platform_status": order.platform_status[:64] if order.platform_status else None,
        "canceled": order.canceled,
        "payload": dict(order.raw),
    }


# The columns of an ImportedOrder that ``imported_values`` gives, in its order.
IMPORTED_VALUES = (*_LISTED, *_GUARDED, "line_items", "payload")


def imported_values(order: Order) -> tuple[Any, ...]:
    """``imported_columns`` of ``order`` as the database keeps them, in ``IMPORTED_VALUES``' order: the amount
    as exact text, the line items and payload as JSON text. A text longer than its column is refused
    (``ValueError``) on SQLite too, as PostgreSQL and the models' own checks do."""
    buyer = order.buyer
    for name, value, most in (
        ("order_id", order.order_id, 255),
        ("order_number", order.order_number, 255),
        ("buyer_name", buyer.name, 255),
        ("buyer_email", buyer.email, 320),
    ):
        if value is not None and len(value) > most:
            raise ValueError(f"{name} is longer than {most} characters")
    status = order.platform_status
    return (
        order.order_id,
        order.order_number,
        order.placed_at,
        buyer.name,
        buyer.email,
        str(order.total.amount),
        order.total.currency,
        order.payment_status.value,
        order.test_order,
        order.canceled,
        status[:64] if status else None,
        json_text(_line_item_rows(order)),
        json_text(dict(order.raw)),
    )


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


def _order(columns: Mapping[str, Any], placed_at: datetime, total: Decimal) -> Order:
    return Order(
        order_id=columns["order_id"],
        order_number=columns["order_number"],
        placed_at=placed_at,
        total=Money(total, columns["currency"]),
        payment_status=PaymentStatus(columns["payment_status"]),
        buyer=Buyer(name=columns["buyer_name"], email=columns["buyer_email"]),
        line_items=line_items(columns["line_items"]),
        raw=columns["payload"],
        platform_status=columns.get("platform_status"),
        canceled=columns.get("canceled", False),
        test_order=columns.get("test_order", False),
    )


def order_of(row: ImportedOrder) -> Order:
    """The normalized order an imported row was made from, for plugin hooks."""
    return _order(
        {name: getattr(row, name) for name in IMPORTED_VALUES},
        row.placed_at,
        row.total_amount,
    )


def delivery_json(order: Order) -> dict[str, Any]:
    """``order`` as the JSON a webhook delivery keeps of it."""
    return imported_columns(order) | {"placed_at": order.placed_at.isoformat(), "total_amount": str(order.total.amount)}


def delivery_order(columns: Mapping[str, Any]) -> Order:
    """The order a delivery kept with ``delivery_json``."""
    return _order(columns, datetime.fromisoformat(columns["placed_at"]), Decimal(columns["total_amount"]))
