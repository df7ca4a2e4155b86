"""Mapping Gumroad sales: the sale's documented shape, amounts in USD cents, refunds, unreadable sales."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from order_import_gumroad.mapping import map_sale

from server.platforms import Buyer, PaymentStatus, PlatformBadResponse

# Shaped like the sale object of Gumroad's API (GET /v2/sales), trimmed to what matters here.
SALE: dict[str, Any] = {
    "id": "FO8TXN-dvaYbBbahG97a-Q==",
    "email": "ada@example.com",
    "seller_id": "kL0psVL2admJSYRNs-OCMg==",
    "created_at": "2026-01-15T10:30:45.000Z",
    "product_name": "Pixel Font Pack",
    "price": 2999,
    "formatted_total_price": "$29.99",
    "currency_symbol": "$",
    "refunded": False,
    "partially_refunded": False,
    "chargedback": False,
    "purchase_email": "ada@example.com",
    "full_name": "Ada Okafor",
    "paid": True,
    "order_id": 524459935,
    "quantity": 1,
}


def sale(**changes: Any) -> dict[str, Any]:
    return {**SALE, **changes}


def test_a_sale_maps_to_an_order() -> None:
    order = map_sale(SALE)
    assert (order.order_id, order.order_number) == ("FO8TXN-dvaYbBbahG97a-Q==", "524459935")
    assert order.placed_at == datetime(2026, 1, 15, 10, 30, 45, tzinfo=UTC)
    assert (order.total.amount, order.total.currency) == (Decimal("29.99"), "USD")
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name="Ada Okafor", email="ada@example.com")
    [line] = order.line_items
    assert (line.name, line.quantity, line.unit_price.amount, line.total.amount) == (
        "Pixel Font Pack",
        1,
        Decimal("29.99"),
        Decimal("29.99"),
    )
    assert order.raw == SALE


def test_times_with_an_offset_are_converted_to_utc() -> None:
    order = map_sale(sale(created_at="2026-01-15T02:30:45.000-08:00"))
    assert order.placed_at == datetime(2026, 1, 15, 10, 30, 45, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC


def test_the_price_covers_the_whole_quantity() -> None:
    [line] = map_sale(sale(price=1000, quantity=3)).line_items
    assert (line.quantity, line.unit_price.amount, line.total.amount) == (3, Decimal("3.33"), Decimal("10.00"))


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"refunded": True}, PaymentStatus.REFUNDED),
        ({"partially_refunded": True}, PaymentStatus.PARTIALLY_REFUNDED),
        ({"chargedback": True}, PaymentStatus.REFUNDED),
        ({"disputed": True}, PaymentStatus.UNKNOWN),
        ({"disputed": True, "dispute_won": True}, PaymentStatus.PAID),
        ({"disputed": True, "refunded": True}, PaymentStatus.REFUNDED),
        ({"price": 0, "paid": False}, PaymentStatus.PAID),  # a free product: nothing is owed
    ],
)
def test_payment_status(changes: dict[str, Any], status: PaymentStatus) -> None:
    order = map_sale(sale(**changes))
    assert (order.payment_status, order.platform_status, order.canceled) == (status, None, False)


@pytest.mark.parametrize(
    ("changes", "test_order"),
    [
        ({}, False),
        ({"test": True}, True),
        ({"test": "true"}, True),
        ({"test": False}, False),
        ({"cancelled": True}, False),
    ],
)
def test_test_purchases_are_test_orders_and_nothing_cancels_a_sale(changes: dict[str, Any], test_order: bool) -> None:
    order = map_sale(sale(**changes))
    assert (order.test_order, order.canceled) == (test_order, False)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"price": 29.99}, id="price-as-float"),
        pytest.param({"price": "2999"}, id="price-as-string"),
        pytest.param({"id": ""}, id="blank-id"),
        pytest.param({"order_id": None}, id="no-order-id"),
        pytest.param({"created_at": "2026-01-15T10:30:45"}, id="naive-time"),
        pytest.param({"created_at": "yesterday"}, id="unreadable-time"),
        pytest.param({"quantity": 0}, id="zero-quantity"),
    ],
)
def test_an_unreadable_sale_is_a_bad_response(changes: dict[str, Any]) -> None:
    with pytest.raises(PlatformBadResponse, match="^Gumroad field '"):
        map_sale(sale(**changes))


def test_a_sale_that_is_not_an_object_is_a_bad_response() -> None:
    with pytest.raises(PlatformBadResponse, match="not an object"):
        map_sale(["not", "a", "sale"])
