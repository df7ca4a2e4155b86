"""eBay Fulfillment ``Order`` payloads mapped to ``Order`` (fixtures built from the documented schema)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.ebay.mapping import map_order, payment_status
from server.platforms import Buyer, LineItem, Money, PaymentStatus, PlatformBadResponse
from tests.plugins.ebay.responses import ORDER, amount


def changed(path: str, value: Any) -> dict[str, Any]:
    """``ORDER`` with the field at a dotted ``path`` (list indexes as numbers) set, or removed when ``value`` is ...."""
    payload = copy.deepcopy(ORDER)
    keys: list[Any] = [int(key) if key.isdigit() else key for key in path.split(".")]
    target: Any = payload
    for key in keys[:-1]:
        target = target[key]
    if value is ...:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return payload


def test_the_documented_order_maps_exactly() -> None:
    order = map_order(ORDER)

    assert (order.order_id, order.order_number) == ("12-34567-89012", "12-34567-89012")
    assert order.placed_at == datetime(2024, 5, 1, 12, 30, 5, 120000, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC
    assert order.total == Money(Decimal("65.96"), "USD")
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name="John Doe", email="0a1b2c3d4e5f6a7b@members.ebay.com")
    assert order.line_items == (
        LineItem(
            name="Blue ceramic mug, 12 oz",
            sku="MUG-BLUE-12OZ",
            quantity=2,
            unit_price=Money(Decimal("19.99"), "USD"),
            total=Money(Decimal("45.97"), "USD"),
        ),
        LineItem(
            name="Cork coaster set",
            sku=None,
            quantity=1,
            unit_price=Money(Decimal("19.99"), "USD"),
            total=Money(Decimal("19.99"), "USD"),
        ),
    )
    assert order.raw == ORDER


def test_amounts_keep_their_decimal_digits_and_currency() -> None:
    payload = changed("pricingSummary.total", amount("1234.50", "EUR"))
    payload["lineItems"][0]["lineItemCost"] = amount("0.30", "EUR")
    payload["lineItems"][0]["quantity"] = 3

    order = map_order(payload)

    assert order.total == Money(Decimal("1234.50"), "EUR")
    assert str(order.total.amount) == "1234.50"
    assert order.line_items[0].unit_price == Money(Decimal("0.10"), "EUR")


def test_a_json_number_amount_is_read_through_its_text_not_as_a_float() -> None:
    order = map_order(changed("pricingSummary.total", {"value": 0.1, "currency": "USD"}))

    assert order.total.amount == Decimal("0.1")


def test_creation_time_with_an_offset_is_converted_to_utc() -> None:
    order = map_order(changed("creationDate", "2024-05-01T14:30:05.120+02:00"))

    assert order.placed_at == datetime(2024, 5, 1, 12, 30, 5, 120000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PAID", PaymentStatus.PAID),
        ("PENDING", PaymentStatus.PENDING),
        ("FAILED", PaymentStatus.FAILED),
        ("FULLY_REFUNDED", PaymentStatus.REFUNDED),
        ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED),
        ("SOMETHING_NEW", PaymentStatus.UNKNOWN),
        (None, PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status(status: str | None, expected: PaymentStatus) -> None:
    assert payment_status(status) is expected
    assert map_order(changed("orderPaymentStatus", status)).payment_status is expected


def test_buyer_without_registration_address_is_named_by_username() -> None:
    order = map_order(changed("buyer.buyerRegistrationAddress", ...))

    assert order.buyer == Buyer(name="jdoe_buys", email=None)


def test_order_without_buyer_has_an_empty_buyer() -> None:
    assert map_order(changed("buyer", ...)).buyer == Buyer()


MALFORMED = [
    pytest.param(["not", "an", "order"], "'order'", id="not-an-object"),
    pytest.param(changed("orderId", ...), "'orderId'", id="no-order-id"),
    pytest.param(changed("orderId", 12345), "'orderId'", id="numeric-order-id"),
    pytest.param(changed("creationDate", "2024-05-01T12:30:05"), "'creationDate'", id="time-without-zone"),
    pytest.param(changed("creationDate", "yesterday"), "'creationDate'", id="time-garbage"),
    pytest.param(changed("pricingSummary", ...), "'pricingSummary'", id="no-pricing-summary"),
    pytest.param(changed("pricingSummary.total", ...), "'pricingSummary.total'", id="no-total"),
    pytest.param(changed("pricingSummary.total.value", "12,50"), "'pricingSummary.total.value'", id="comma-amount"),
    pytest.param(changed("pricingSummary.total.value", "NaN"), "'pricingSummary.total.value'", id="nan-amount"),
    pytest.param(changed("pricingSummary.total.value", True), "'pricingSummary.total.value'", id="boolean-amount"),
    pytest.param(changed("pricingSummary.total.currency", ...), "'pricingSummary.total.currency'", id="no-currency"),
    pytest.param(changed("pricingSummary.total.currency", "usd"), "'pricingSummary.total.currency'", id="bad-currency"),
    pytest.param(changed("buyer", "jdoe_buys"), "'buyer'", id="buyer-not-object"),
    pytest.param(changed("lineItems", ...), "'lineItems'", id="no-line-items"),
    pytest.param(changed("lineItems", {"0": {}}), "'lineItems'", id="line-items-not-list"),
    pytest.param(changed("lineItems.1", "item"), "'lineItems[1]'", id="line-item-not-object"),
    pytest.param(changed("lineItems.0.quantity", "2"), "'lineItems[0].quantity'", id="quantity-text"),
    pytest.param(changed("lineItems.0.quantity", 0), "'lineItems[0].quantity'", id="quantity-zero"),
    pytest.param(changed("lineItems.0.title", " "), "'lineItems[0].title'", id="blank-title"),
    pytest.param(changed("lineItems.0.lineItemCost", ...), "'lineItems[0].lineItemCost'", id="no-line-cost"),
    pytest.param(changed("lineItems.1.total.value", ""), "'lineItems[1].total.value'", id="empty-line-total"),
]


@pytest.mark.parametrize(("payload", "field"), MALFORMED)
def test_malformed_orders_are_bad_responses_naming_the_field(payload: Any, field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field.replace("[", r"\[").replace("]", r"\]")):
        map_order(payload)
