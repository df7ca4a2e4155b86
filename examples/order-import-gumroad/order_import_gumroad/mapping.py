"""One Gumroad sale (a ``GET /v2/sales`` item) → ``Order``.

A sale is one purchase of one product. Ids: ``id`` is the sale's own id, an
opaque string such as ``"FO8TXN-dvaYbBbahG97a-Q=="``; ``order_id`` is its
numeric twin (the Ping payload calls it ``order_number``). ``price`` is the
amount paid, in USD cents, for the whole quantity. ``created_at`` is ISO 8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse

__all__ = ["CURRENCY", "map_sale", "payment_status"]

CURRENCY = "USD"
"""Gumroad reports ``price`` in USD cents whatever currency the product is priced in."""


def payment_status(sale: Mapping[str, Any]) -> PaymentStatus:
    """The API lists successful sales only: paid, unless refunded or charged back since."""
    if sale.get("refunded") is True or sale.get("chargedback") is True:
        return PaymentStatus.REFUNDED
    if sale.get("partially_refunded") is True:
        return PaymentStatus.PARTIALLY_REFUNDED
    return PaymentStatus.PAID


def map_sale(sale: Any) -> Order:
    """Map one sale, or raise ``PlatformBadResponse`` naming what could not be read."""
    if not isinstance(sale, Mapping):
        raise PlatformBadResponse(f"Gumroad sent a sale that is not an object ({type(sale).__name__})")
    try:
        total = Money(_cents(sale["price"]), CURRENCY)
        quantity = sale.get("quantity", 1)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ValueError(f"quantity {quantity!r}")
        unit = Money((total.amount / quantity).quantize(Decimal("0.01")), CURRENCY)
        sku = sale.get("sku_id")
        line = LineItem(
            name=_text(sale.get("product_name")) or "Gumroad product",
            quantity=quantity,
            unit_price=unit,
            total=total,
            sku=sku if isinstance(sku, str) and sku else None,
        )
        return Order(
            order_id=_required_text(sale, "id"),
            order_number=str(_order_number(sale["order_id"])),
            placed_at=_time(sale["created_at"]),
            total=total,
            payment_status=payment_status(sale),
            buyer=Buyer(
                name=_text(sale.get("full_name")),
                email=_text(sale.get("purchase_email")) or _text(sale.get("email")),
            ),
            line_items=(line,),
            raw=dict(sale),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        sale_id = sale.get("id") if isinstance(sale.get("id"), str) else "?"
        problem = f"{type(exc).__name__}: {exc}"
        raise PlatformBadResponse(f"Gumroad sent sale {sale_id!r} that cannot be read ({problem})") from exc


def _cents(value: Any) -> Decimal:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"price {value!r} is not a whole number of cents")
    return Decimal(value).scaleb(-2)


def _order_number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"order_id {value!r} is not a number")
    return value


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"created_at {value!r} is not a string")
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise ValueError(f"created_at {value!r} has no time zone")
    return moment


def _required_text(sale: Mapping[str, Any], key: str) -> str:
    value = _text(sale.get(key))
    if value is None:
        raise ValueError(f"{key} is missing")
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
