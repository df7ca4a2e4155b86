"""One Gumroad sale (a ``GET /v2/sales`` item) → ``Order``.

A sale is one purchase of one product. Ids: ``id`` is the sale's own id, an
opaque string such as ``"FO8TXN-dvaYbBbahG97a-Q=="``; ``order_id`` is its
numeric twin (the Ping payload calls it ``order_number``). ``price`` is the
amount paid, in USD cents, for the whole quantity. ``created_at`` is ISO 8601.

For the payment guard: a sale has no status word (``platform_status`` stays
``None``), only flags. ``test`` marks the seller's own test purchase (``true``, or
``"true"`` as the form-encoded Ping sends it). Gumroad does not cancel a sale:
its ``cancelled`` is a subscription's, so ``canceled`` stays false.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PayloadReader, PaymentStatus, clean

__all__ = ["CURRENCY", "map_sale", "payment_status"]

CURRENCY = "USD"
"""Gumroad reports ``price`` in USD cents whatever currency the product is priced in."""

read = PayloadReader("Gumroad")


def payment_status(sale: Mapping[str, Any]) -> PaymentStatus:
    """The API lists successful sales only: paid, unless refunded or charged back since.

    A sale under an open dispute (``disputed``, not ``dispute_won``) may yet be taken back: UNKNOWN.
    """
    if sale.get("refunded") is True or sale.get("chargedback") is True:
        return PaymentStatus.REFUNDED
    if sale.get("disputed") is True and sale.get("dispute_won") is not True:
        return PaymentStatus.UNKNOWN
    if sale.get("partially_refunded") is True:
        return PaymentStatus.PARTIALLY_REFUNDED
    return PaymentStatus.PAID


def map_sale(payload: Any) -> Order:
    """Map one sale, or raise ``PlatformBadResponse`` naming the field that could not be read."""
    sale = read.obj(payload, "sale")
    total = Money(Decimal(read.integer(sale.get("price"), "price", minimum=0)).scaleb(-2), CURRENCY)  # cents
    quantity = read.integer(sale.get("quantity", 1), "quantity", minimum=1)
    sku = clean(sale.get("sku_id"))
    line = LineItem(
        name=clean(sale.get("product_name")) or "Gumroad product",
        quantity=quantity,
        unit_price=Money((total.amount / quantity).quantize(Decimal("0.01")), CURRENCY),
        total=total,
        sku=sku,
    )
    return Order(
        order_id=read.text(sale.get("id"), "id"),
        order_number=str(read.integer(sale.get("order_id"), "order_id", minimum=0)),
        placed_at=read.time(sale.get("created_at"), "created_at"),
        total=total,
        payment_status=payment_status(sale),
        test_order=sale.get("test") in (True, "true"),
        buyer=Buyer(
            name=clean(sale.get("full_name")),
            email=clean(sale.get("purchase_email")) or clean(sale.get("email")),
        ),
        line_items=(line,),
        raw=dict(sale),
    )
