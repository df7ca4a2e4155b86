"""BigCommerce Orders V2 payloads → ``Order``: the real samples, currency and status rules, malformed input."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.bigcommerce.mapping import is_incomplete, map_order, order_id, payment_status
from server.platforms import Buyer, LineItem, Money, PaymentStatus, PlatformBadResponse
from tests.conftest import SAMPLES

BIGCOMMERCE = SAMPLES / "bigcommerce"


def sample(name: str) -> Any:
    return json.loads((BIGCOMMERCE / name).read_text())


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


ORDER = sample("order.json")
PRODUCTS = sample("order-products.json")


# --- the real samples ---------------------------------------------------------------


def test_order_sample_with_its_products() -> None:
    order = map_order(ORDER, PRODUCTS)

    assert order.order_id == "218"
    assert order.order_number == "218"
    assert order.placed_at == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC
    assert order.total == usd("69.8400")
    assert str(order.total.amount) == "69.8400"
    assert order.payment_status is PaymentStatus.PENDING  # authorized, not captured
    assert order.buyer == Buyer(name="Jane Doe", email="janedoe@example.com")
    assert order.line_items == (
        LineItem("Fog Linen Chambray Towel - Beige Stripe", 1, usd("65.2300"), usd("63.6400"), sku="S-ORAN"),
        LineItem("Able Brewing System", 1, usd("0.0000"), usd("0.0000"), sku="ABS"),
    )


def test_raw_is_the_order_with_its_products_in_place_of_the_link() -> None:
    order = map_order(ORDER, PRODUCTS)

    assert order.raw["products"] == PRODUCTS
    assert {**order.raw, "products": ORDER["products"]} == ORDER
    assert ORDER["products"] == {
        "url": "https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/products",
        "resource": "/orders/218/products",
    }


def test_orders_page_sample() -> None:
    [payload] = sample("orders-page.json")
    order = map_order(payload, [])

    assert (order.order_id, order.order_number) == ("100", "100")
    assert order.placed_at == datetime(2018, 1, 10, 21, 5, 30, tzinfo=UTC)
    assert order.total == usd("361.9500")
    assert order.payment_status is PaymentStatus.PENDING
    assert order.buyer == Buyer(name="Jane Doe", email="janedoe@example.com")
    assert order.line_items == ()


def test_line_total_falls_back_to_total_inc_tax_without_a_discounted_total() -> None:
    item = {k: v for k, v in PRODUCTS[0].items() if k != "discounted_total_inc_tax"}
    assert map_order(ORDER, [item]).line_items[0].total == usd("65.2300")


# --- currency, amounts and time ---------------------------------------------------------


def test_amounts_are_in_the_transactional_currency_not_the_display_currency() -> None:
    """``currency_code`` is what the storefront showed; ``default_currency_code`` is what the shopper paid in."""
    payload = {
        **ORDER,
        "currency_code": "USD",
        "currency_exchange_rate": "1.0850000000",
        "default_currency_code": "EUR",
        "store_default_currency_code": "USD",
    }
    order = map_order(payload, PRODUCTS)

    assert order.total == Money(Decimal("69.8400"), "EUR")
    assert {i.unit_price.currency for i in order.line_items} == {"EUR"}


def test_json_number_amounts_are_read_through_their_text() -> None:
    payload = {**ORDER, "total_inc_tax": 0.1}
    item = {**PRODUCTS[0], "price_inc_tax": 12, "discounted_total_inc_tax": 10.05}

    order = map_order(payload, [item])

    assert order.total == usd("0.1")
    assert order.line_items[0].unit_price == usd("12")
    assert order.line_items[0].total == usd("10.05")


def test_date_with_another_offset_is_converted_to_utc() -> None:
    order = map_order({**ORDER, "date_created": "Tue, 05 Mar 2019 16:40:11 -0500"}, [])
    assert order.placed_at == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)


def test_buyer_without_billing_address() -> None:
    payload = {k: v for k, v in ORDER.items() if k != "billing_address"}
    assert map_order(payload, []).buyer == Buyer()
    assert map_order({**ORDER, "billing_address": []}, []).buyer == Buyer()  # PHP's empty object


# --- payment status and incomplete orders -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("authorized", PaymentStatus.PENDING),
        ("capture pending", PaymentStatus.PENDING),
        ("held for review", PaymentStatus.PENDING),
        ("pending", PaymentStatus.PENDING),
        ("captured", PaymentStatus.PAID),
        ("paid", PaymentStatus.PAID),
        ("Partially Refunded", PaymentStatus.PARTIALLY_REFUNDED),
        ("refunded", PaymentStatus.REFUNDED),
        ("void", PaymentStatus.VOIDED),
        ("void pending", PaymentStatus.VOIDED),
        ("declined", PaymentStatus.FAILED),
        ("something new", PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status(value: str, expected: PaymentStatus) -> None:
    assert payment_status({"payment_status": value, "status_id": 11}) is expected


@pytest.mark.parametrize(
    ("status_id", "expected"),
    [
        (1, PaymentStatus.PENDING),
        (7, PaymentStatus.PENDING),
        (10, PaymentStatus.PAID),
        (11, PaymentStatus.PAID),
        (4, PaymentStatus.REFUNDED),
        (14, PaymentStatus.PARTIALLY_REFUNDED),
        (6, PaymentStatus.FAILED),
        (2, PaymentStatus.UNKNOWN),  # shipped says nothing about the payment
        (5, PaymentStatus.UNKNOWN),
        (True, PaymentStatus.UNKNOWN),
        (None, PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status_without_a_payment_status_follows_the_order_status(
    status_id: Any, expected: PaymentStatus
) -> None:
    assert payment_status({"payment_status": "", "status_id": status_id}) is expected


def test_incomplete_orders_are_status_zero_only() -> None:
    assert is_incomplete({**ORDER, "status_id": 0})
    assert not is_incomplete(ORDER)
    assert not is_incomplete({**ORDER, "status_id": False})
    assert not is_incomplete({k: v for k, v in ORDER.items() if k != "status_id"})


def test_order_id_is_the_integer_id_as_text() -> None:
    assert order_id(ORDER) == "218"


# --- malformed payloads -----------------------------------------------------------------


def broken(path: tuple[Any, ...], value: Any) -> tuple[dict[str, Any], list[Any]]:
    """The samples with the value at ``path`` (starting at "order" or "products") replaced, or deleted if ``...``."""
    payloads: dict[str, Any] = {"order": copy.deepcopy(ORDER), "products": copy.deepcopy(PRODUCTS)}
    *parents, last = path
    target = payloads
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return payloads["order"], payloads["products"]


MALFORMED = [
    pytest.param(("order", "id"), ..., "'id'", id="no-id"),
    pytest.param(("order", "id"), "218", "'id'", id="id-as-text"),
    pytest.param(("order", "id"), True, "'id'", id="id-as-bool"),
    pytest.param(("order", "id"), 0, "'id'", id="id-zero"),
    pytest.param(("order", "date_created"), ..., "'date_created'", id="no-date"),
    pytest.param(("order", "date_created"), "2019-03-05T21:40:11+00:00", "'date_created'", id="iso-date"),
    pytest.param(("order", "date_created"), "Tue, 05 Mar 2019 21:40:11", "'date_created'", id="date-without-offset"),
    pytest.param(("order", "date_created"), "yesterday", "'date_created'", id="garbage-date"),
    pytest.param(("order", "total_inc_tax"), ..., "'total_inc_tax'", id="no-total"),
    pytest.param(("order", "total_inc_tax"), "69,84", "'total_inc_tax'", id="bad-total"),
    pytest.param(("order", "total_inc_tax"), "NaN", "'total_inc_tax'", id="nan-total"),
    pytest.param(("order", "total_inc_tax"), None, "'total_inc_tax'", id="null-total"),
    pytest.param(("order", "default_currency_code"), ..., "'default_currency_code'", id="no-currency"),
    pytest.param(("order", "default_currency_code"), "usd", "'total_inc_tax'", id="lowercase-currency"),
    pytest.param(("order", "billing_address"), "Jane Doe", "'billing_address'", id="billing-address-text"),
    pytest.param(("products", 0), "towel", "'products[]'", id="product-not-object"),
    pytest.param(("products", 0, "name"), "", "'name'", id="product-without-name"),
    pytest.param(("products", 0, "quantity"), "1", "'quantity'", id="quantity-as-text"),
    pytest.param(("products", 0, "price_inc_tax"), ..., "'price_inc_tax'", id="no-unit-price"),
    pytest.param(("products", 1, "discounted_total_inc_tax"), [], "'discounted_total_inc_tax'", id="bad-line-total"),
]


@pytest.mark.parametrize(("path", "value", "field"), MALFORMED)
def test_malformed_payloads_name_the_field(path: tuple[Any, ...], value: Any, field: str) -> None:
    order, products = broken(path, value)

    with pytest.raises(PlatformBadResponse, match=re.escape(field)):
        map_order(order, products)


def test_an_order_that_is_not_an_object() -> None:
    with pytest.raises(PlatformBadResponse, match="'order'"):
        map_order(["not", "an", "order"], [])  # type: ignore[arg-type]
