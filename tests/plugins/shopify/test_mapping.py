"""Shopify payloads → ``Order``: the real samples, the schema-built GraphQL nodes, and malformed input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.shopify.mapping import map_graphql_order, map_rest_order, payment_status
from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse
from tests.conftest import SAMPLES
from tests.plugins.shopify.graphql_responses import ORDER_1001, line_item, money

SHOPIFY = SAMPLES / "shopify"


def sample(name: str) -> Any:
    return json.loads((SHOPIFY / name).read_text())


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


IPODS = (
    LineItem("IPod Nano - 8gb - green", 1, usd("199.00"), usd("199.00"), sku="IPOD2008GREEN"),
    LineItem("IPod Nano - 8gb - red", 1, usd("199.00"), usd("199.00"), sku="IPOD2008RED"),
    LineItem("IPod Nano - 8gb - black", 1, usd("199.00"), usd("199.00"), sku="IPOD2008BLACK"),
)


def assert_order_1001(order: Order) -> None:
    """The order of ``order.json``: the same in REST and in its GraphQL rendering."""
    assert order.order_id == "450789469"
    assert order.order_number == "#1001"
    assert order.placed_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert order.total == usd("598.94")
    assert str(order.total.amount) == "598.94"
    assert order.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    assert order.buyer == Buyer(name="Bob Norman", email="bob.norman@mail.example.com")
    assert order.line_items == IPODS


# --- REST and webhook samples -------------------------------------------------


def test_rest_order_sample() -> None:
    payload = sample("order.json")
    order = map_rest_order(payload)
    assert_order_1001(order)
    assert order.raw == payload["order"]


def test_rest_orders_page_sample() -> None:
    orders = [map_rest_order(o) for o in sample("orders-page.json")["orders"]]
    assert len(orders) == 1
    assert_order_1001(orders[0])


def test_webhook_orders_create_sample_takes_the_id_from_the_gid() -> None:
    payload = sample("webhook-orders-create.json")
    assert payload["id"] == 820982911946154500  # precision lost by the scraper's JSON parser
    order = map_rest_order(payload)
    assert order.order_id == "820982911946154508"
    assert order.order_number == "#9999"
    assert order.placed_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert order.total == usd("404.95")
    assert order.payment_status is PaymentStatus.VOIDED
    assert order.buyer == Buyer(name="John Smith", email="jon@example.com")
    assert [(i.name, i.sku, i.quantity, i.unit_price, i.total) for i in order.line_items] == [
        ("Aviator sunglasses", "SKU2006-001", 1, usd("89.99"), usd("89.99")),
        ("Lens Protection Plan (2 Year)", "LENS-PROTECT-2YR", 1, usd("19.99"), usd("19.99")),
        ("Premium Leather Case", "CASE-LEATHER-PREM", 1, usd("24.99"), usd("24.99")),
        ("Mid-century lounger", "SKU2006-020", 1, usd("159.99"), usd("159.99")),
        ("Coffee table", "SKU2006-035", 1, usd("119.99"), usd("119.99")),
    ]
    assert order.raw is payload


def test_older_python_sdk_fixture_falls_back_to_money_strings_and_order_currency() -> None:
    order = map_rest_order(sample("order-python-sdk-fixture.json"))
    assert order.order_id == "450789469"
    assert order.total == usd("409.94")
    assert order.payment_status is PaymentStatus.PENDING  # authorized
    assert order.buyer == Buyer(name="Bob Norman", email="bob.norman@hostmail.com")
    assert order.line_items == IPODS


def test_rest_line_total_subtracts_the_line_discount() -> None:
    payload = sample("order.json")["order"]
    item = payload["line_items"][0]
    item["quantity"] = 3
    item["total_discount_set"]["shop_money"]["amount"] = "10.50"
    assert map_rest_order(payload).line_items[0].total == usd("586.50")


# --- GraphQL ------------------------------------------------------------------


def test_graphql_order_matches_its_rest_twin() -> None:
    order = map_graphql_order(ORDER_1001)
    assert_order_1001(order)
    assert order.raw is ORDER_1001


def test_graphql_orders_details_sample() -> None:
    """shopify.dev's "Retrieve specific order details" example: no customer, line items as edges."""
    nodes = [edge["node"] for edge in sample("graphql-orders-details.json")["orders"]["edges"]]
    orders = [map_graphql_order(node) for node in nodes[1:]]
    assert [o.order_id for o in orders] == ["199007853", "212949620", "294238686", "316002265"]
    assert [o.order_number for o in orders] == ["#2006", "#2002", "#2009", "#2003"]
    for order in orders:
        assert order.placed_at == datetime(2024, 1, 1, tzinfo=UTC)
        assert order.total == Money(Decimal("2000.0"), "CAD")
        assert order.payment_status is PaymentStatus.PAID
        assert order.buyer == Buyer(name=None, email="bob@example.com")
        assert order.line_items == ()


def test_graphql_samples_without_the_fields_we_select_are_refused() -> None:
    details = sample("graphql-orders-details.json")["orders"]["edges"][0]["node"]  # line items without prices
    with pytest.raises(PlatformBadResponse, match="originalUnitPriceSet"):
        map_graphql_order(details)
    with pytest.raises(PlatformBadResponse, match="createdAt"):
        map_graphql_order(sample("graphql-order-by-id.json")["order"])


def test_graphql_id_falls_back_to_the_gid_and_is_never_a_number() -> None:
    node = copy.deepcopy(ORDER_1001)
    del node["legacyResourceId"]
    node["id"] = "gid://shopify/Order/820982911946154508"
    assert map_graphql_order(node).order_id == "820982911946154508"


def test_graphql_buyer_fallbacks() -> None:
    node = copy.deepcopy(ORDER_1001)
    node.update(customer={"firstName": None, "lastName": None, "displayName": "Bob N.", "email": "bob@x.example"})
    node["email"] = None
    assert map_graphql_order(node).buyer == Buyer(name="Bob N.", email="bob@x.example")
    node.update(customer=None, billingAddress={"name": "Billing Bob"})
    assert map_graphql_order(node).buyer == Buyer(name="Billing Bob", email=None)


def test_graphql_line_total_falls_back_to_original_total() -> None:
    item = line_item("Widget", "", 2, "5.00", "ignored")
    del item["discountedTotalSet"]
    item["originalTotalSet"] = money("10.00")
    node = copy.deepcopy(ORDER_1001)
    node["lineItems"]["nodes"] = [item]
    assert map_graphql_order(node).line_items == (LineItem("Widget", 2, usd("5.00"), usd("10.00"), sku=None),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PAID", PaymentStatus.PAID),
        ("PENDING", PaymentStatus.PENDING),
        ("AUTHORIZED", PaymentStatus.PENDING),
        ("PARTIALLY_PAID", PaymentStatus.PARTIALLY_PAID),
        ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED),
        ("REFUNDED", PaymentStatus.REFUNDED),
        ("VOIDED", PaymentStatus.VOIDED),
        ("EXPIRED", PaymentStatus.FAILED),
        ("partially_refunded", PaymentStatus.PARTIALLY_REFUNDED),
        ("SOMETHING_NEW", PaymentStatus.UNKNOWN),
        (None, PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status(value: Any, expected: PaymentStatus) -> None:
    assert payment_status(value) is expected


# --- malformed ------------------------------------------------------------------


def _graphql(**changes: Any) -> dict[str, Any]:
    node = copy.deepcopy(ORDER_1001)
    node.update(changes)
    return node


@pytest.mark.parametrize(
    ("node", "field"),
    [
        (_graphql(name=""), "name"),
        (_graphql(name=None), "name"),
        (_graphql(id="450789469", legacyResourceId=None), "id"),
        (_graphql(createdAt="2008-01-10T16:00:00"), "createdAt"),
        (_graphql(createdAt="yesterday"), "createdAt"),
        (_graphql(totalPriceSet=None), "totalPriceSet"),
        (_graphql(totalPriceSet={"shopMoney": {"amount": 598.94, "currencyCode": "USD"}}), "totalPriceSet"),
        (_graphql(totalPriceSet={"shopMoney": {"amount": "598.94", "currencyCode": "usd"}}), "totalPriceSet"),
        (_graphql(totalPriceSet={"shopMoney": {"amount": "NaN", "currencyCode": "USD"}}), "totalPriceSet"),
        (_graphql(lineItems=None), "lineItems"),
        (_graphql(lineItems={"nodes": [{**ORDER_1001["lineItems"]["nodes"][0], "quantity": "1"}]}), "quantity"),
        (_graphql(customer="Bob"), "customer"),
    ],
)
def test_malformed_graphql_order_names_the_field(node: dict[str, Any], field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field):
        map_graphql_order(node)


def _rest(**changes: Any) -> dict[str, Any]:
    order = sample("order.json")["order"]
    order.update(changes)
    return order


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_rest(admin_graphql_api_id="gid://shopify/Customer/1"), "admin_graphql_api_id"),
        (_rest(admin_graphql_api_id=None, id=4.5e8), "'id'"),
        (_rest(created_at="2008-01-10T11:00:00"), "created_at"),
        (_rest(total_price_set=None, total_price=None), "total_price"),
        (_rest(line_items={"not": "a list"}), "line_items"),
        (_rest(name="  "), "name"),
    ],
)
def test_malformed_rest_order_names_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field):
        map_rest_order(payload)


def test_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(PlatformBadResponse):
        map_rest_order(["not", "an", "order"])  # type: ignore[arg-type]
    with pytest.raises(PlatformBadResponse):
        map_graphql_order(None)  # type: ignore[arg-type]
