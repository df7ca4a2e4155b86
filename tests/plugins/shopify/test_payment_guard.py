"""What the payment guard reads from Shopify: every financial status, cancellation and test flag."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from plugins.shopify.mapping import map_graphql_order, map_rest_order
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.plugins.shopify.graphql_responses import ORDER_1001
from tests.support import serve_app

FINANCIAL_STATUSES = [
    ("PAID", PaymentStatus.PAID),
    ("PENDING", PaymentStatus.PENDING),
    ("AUTHORIZED", PaymentStatus.PENDING),
    ("PARTIALLY_PAID", PaymentStatus.PARTIALLY_PAID),
    ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED),
    ("REFUNDED", PaymentStatus.REFUNDED),
    ("VOIDED", PaymentStatus.VOIDED),
    ("EXPIRED", PaymentStatus.FAILED),
]


def rest_sample() -> dict[str, Any]:
    order: dict[str, Any] = json.loads((SAMPLES / "shopify" / "order.json").read_text())["order"]
    return order


@pytest.mark.parametrize(("status", "expected"), FINANCIAL_STATUSES)
@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize("test", [False, True])
def test_graphql_order_states(status: str, expected: PaymentStatus, cancelled: bool, test: bool) -> None:
    node = copy.deepcopy(ORDER_1001)
    node.update(displayFinancialStatus=status, cancelledAt="2008-01-10T17:00:00Z" if cancelled else None, test=test)

    order = map_graphql_order(node)

    assert (order.payment_status, order.platform_status) == (expected, status)
    assert (order.canceled, order.test_order) == (cancelled, test)


@pytest.mark.parametrize(("status", "expected"), FINANCIAL_STATUSES)
@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize("test", [False, True])
def test_rest_order_states(status: str, expected: PaymentStatus, cancelled: bool, test: bool) -> None:
    payload = rest_sample()
    payload.update(
        financial_status=status.lower(), cancelled_at="2008-01-10T12:00:00-05:00" if cancelled else None, test=test
    )

    order = map_rest_order(payload)

    assert (order.payment_status, order.platform_status) == (expected, status.lower())
    assert (order.canceled, order.test_order) == (cancelled, test)


def test_rest_samples_as_sent() -> None:
    order = map_rest_order(rest_sample())
    assert (order.payment_status, order.platform_status) == (PaymentStatus.PARTIALLY_REFUNDED, "partially_refunded")
    assert (order.canceled, order.test_order) == (False, False)
    fixture = json.loads((SAMPLES / "shopify" / "order-python-sdk-fixture.json").read_text())
    authorized = map_rest_order(fixture)
    assert (authorized.payment_status, authorized.platform_status) == (PaymentStatus.PENDING, "authorized")


def test_a_node_without_the_guard_fields_is_unknown_and_not_flagged() -> None:
    node = copy.deepcopy(ORDER_1001)
    for field in ("displayFinancialStatus", "cancelledAt", "test"):
        node.pop(field, None)
    order = map_graphql_order(node)
    assert (order.payment_status, order.platform_status, order.canceled, order.test_order) == (
        PaymentStatus.UNKNOWN,
        None,
        False,
        False,
    )


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    shop = ShopifyEmulator(access_token="shpat_guard", now=lambda: now)
    placed = now - timedelta(hours=1)
    authorized = shop.add_order(created_at=placed, financial_status="AUTHORIZED")
    cancelled = shop.add_order(created_at=placed + timedelta(minutes=1), financial_status="VOIDED", cancelled=True)
    test = shop.add_order(created_at=placed + timedelta(minutes=2), test=True)
    async with serve_app(shop.app()) as url:
        connector = ShopifyConnector(credentials=shop.credentials(), http=http, api_base_url=url)
        fetched = await connector.fetch_order(authorized["name"])
        listed = {o.order_number: o async for page in connector.orders_created(placed, now) for o in page}

    assert fetched is not None
    assert (fetched.payment_status, fetched.platform_status, fetched.canceled) == (
        PaymentStatus.PENDING,
        "AUTHORIZED",
        False,
    )
    voided = listed[cancelled["name"]]
    assert (voided.payment_status, voided.platform_status, voided.canceled) == (PaymentStatus.VOIDED, "VOIDED", True)
    sandbox = listed[test["name"]]
    assert (sandbox.payment_status, sandbox.canceled, sandbox.test_order) == (PaymentStatus.PAID, False, True)
    assert not listed[authorized["name"]].test_order
