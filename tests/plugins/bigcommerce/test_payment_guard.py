"""What the payment guard reads from BigCommerce: every payment status, every order status, archived orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.bigcommerce.mapping import map_order
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.support import serve_app

BIGCOMMERCE = SAMPLES / "bigcommerce"


def sample(name: str) -> Any:
    return json.loads((BIGCOMMERCE / name).read_text())


def order_with(status_id: int, status: str, payment: str, *, is_deleted: bool = False) -> dict[str, Any]:
    order: dict[str, Any] = sample("order.json")
    order.update(
        status_id=status_id, status=status, custom_status=status, payment_status=payment, is_deleted=is_deleted
    )
    return order


@pytest.mark.parametrize(
    ("payment", "expected"),
    [
        ("authorized", PaymentStatus.PENDING),
        ("capture pending", PaymentStatus.PENDING),
        ("held for review", PaymentStatus.PENDING),
        ("pending", PaymentStatus.PENDING),
        ("captured", PaymentStatus.PAID),
        ("paid", PaymentStatus.PAID),
        ("Captured", PaymentStatus.PAID),
        ("partially refunded", PaymentStatus.PARTIALLY_REFUNDED),
        ("refunded", PaymentStatus.REFUNDED),
        ("void", PaymentStatus.VOIDED),
        ("void pending", PaymentStatus.VOIDED),
        ("declined", PaymentStatus.FAILED),
        ("something new", PaymentStatus.UNKNOWN),
        ("", PaymentStatus.PAID),  # no gateway (a control-panel order): Awaiting Fulfillment says paid
    ],
)
def test_each_payment_status(payment: str, expected: PaymentStatus) -> None:
    order = map_order(order_with(11, "Awaiting Fulfillment", payment), [])
    assert (order.payment_status, order.platform_status) == (expected, "Awaiting Fulfillment")
    assert (order.canceled, order.test_order) == (False, False)


@pytest.mark.parametrize(
    ("status_id", "status", "payment", "expected", "canceled"),
    [
        (0, "Incomplete", "", PaymentStatus.UNKNOWN, False),
        (1, "Pending", "", PaymentStatus.PENDING, False),
        (2, "Shipped", "captured", PaymentStatus.PAID, False),
        (3, "Partially Shipped", "captured", PaymentStatus.PAID, False),
        (4, "Refunded", "refunded", PaymentStatus.REFUNDED, False),
        (4, "Refunded", "captured", PaymentStatus.REFUNDED, False),  # refunded outside BigCommerce
        (5, "Cancelled", "void", PaymentStatus.VOIDED, True),
        (5, "Cancelled", "captured", PaymentStatus.PAID, True),
        (6, "Declined", "declined", PaymentStatus.FAILED, False),
        (6, "Declined", "", PaymentStatus.FAILED, False),
        (7, "Awaiting Payment", "authorized", PaymentStatus.PENDING, False),
        (7, "Awaiting Payment", "", PaymentStatus.PENDING, False),
        (8, "Awaiting Pickup", "captured", PaymentStatus.PAID, False),
        (9, "Awaiting Shipment", "captured", PaymentStatus.PAID, False),
        (10, "Completed", "captured", PaymentStatus.PAID, False),
        (10, "Completed", "", PaymentStatus.PAID, False),
        (11, "Awaiting Fulfillment", "captured", PaymentStatus.PAID, False),
        (12, "Manual Verification Required", "held for review", PaymentStatus.PENDING, False),
        (13, "Disputed", "captured", PaymentStatus.UNKNOWN, False),
        (14, "Partially Refunded", "partially refunded", PaymentStatus.PARTIALLY_REFUNDED, False),
        (14, "Partially Refunded", "captured", PaymentStatus.PARTIALLY_REFUNDED, False),
        (14, "Partially Refunded", "", PaymentStatus.PARTIALLY_REFUNDED, False),
    ],
)
def test_each_order_status(status_id: int, status: str, payment: str, expected: PaymentStatus, canceled: bool) -> None:
    order = map_order(order_with(status_id, status, payment), [])
    assert (order.payment_status, order.platform_status) == (expected, status)
    assert (order.canceled, order.test_order) == (canceled, False)


def test_an_archived_order_is_canceled() -> None:
    order = map_order(order_with(10, "Completed", "captured", is_deleted=True), [])
    assert (order.payment_status, order.canceled) == (PaymentStatus.PAID, True)


def test_samples_as_sent() -> None:
    awaiting = map_order(sample("order.json"), sample("order-products.json"))
    assert (awaiting.payment_status, awaiting.platform_status, awaiting.canceled) == (
        PaymentStatus.PENDING,
        "Awaiting Payment",
        False,
    )
    authorized = map_order(sample("orders-page.json")[0], [])
    assert (authorized.payment_status, authorized.platform_status) == (PaymentStatus.PENDING, "Awaiting Fulfillment")


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    placed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    awaiting = store.add_order(created_at=placed, status_id=7)
    cancelled = store.add_order(created_at=placed + timedelta(minutes=1), status_id=5)
    disputed = store.add_order(created_at=placed + timedelta(minutes=2), status_id=13)
    async with serve_app(store.app()) as url:
        connector = BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)
        fetched = await connector.fetch_order(str(awaiting["id"]))
        end = placed + timedelta(hours=1)
        listed = {o.order_id: o async for page in connector.orders_created(placed, end) for o in page}

    assert fetched is not None
    assert (fetched.payment_status, fetched.platform_status, fetched.canceled) == (
        PaymentStatus.PENDING,
        "Awaiting Payment",
        False,
    )
    voided = listed[str(cancelled["id"])]
    assert (voided.payment_status, voided.platform_status, voided.canceled) == (
        PaymentStatus.VOIDED,
        "Cancelled",
        True,
    )
    assert listed[str(disputed["id"])].payment_status is PaymentStatus.UNKNOWN
    assert not any(order.test_order for order in listed.values())
