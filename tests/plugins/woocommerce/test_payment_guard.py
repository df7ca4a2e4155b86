"""What the payment guard reads from WooCommerce: every order status, its payment date and refunds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from plugins.woocommerce.mapping import map_order
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.support import serve_app

PAID_AT = "2017-03-22T16:28:08"


def sample() -> dict[str, Any]:
    order: dict[str, Any] = json.loads((SAMPLES / "woocommerce" / "order.json").read_text())
    return order


@pytest.mark.parametrize(
    ("status", "date_paid", "refunds", "expected", "canceled"),
    [
        ("pending", None, [], PaymentStatus.PENDING, False),
        ("on-hold", None, [], PaymentStatus.PENDING, False),
        ("checkout-draft", None, [], PaymentStatus.PENDING, False),
        ("processing", PAID_AT, [], PaymentStatus.PAID, False),
        ("completed", PAID_AT, [], PaymentStatus.PAID, False),
        ("completed", None, [], PaymentStatus.PAID, False),  # stores before date_paid was kept
        ("completed", PAID_AT, ["-10.00"], PaymentStatus.PARTIALLY_REFUNDED, False),
        ("processing", PAID_AT, ["-30.00", "-5.00"], PaymentStatus.REFUNDED, False),
        ("refunded", PAID_AT, ["-35.00"], PaymentStatus.REFUNDED, False),
        ("failed", None, [], PaymentStatus.FAILED, False),
        ("cancelled", None, [], PaymentStatus.VOIDED, True),
        ("cancelled", PAID_AT, [], PaymentStatus.VOIDED, True),
        ("trash", PAID_AT, [], PaymentStatus.PAID, True),
        ("trash", None, [], PaymentStatus.UNKNOWN, True),
        ("shipped-by-plugin", PAID_AT, [], PaymentStatus.PAID, False),
        ("awaiting-plugin", None, [], PaymentStatus.UNKNOWN, False),
    ],
)
def test_each_status(
    status: str, date_paid: str | None, refunds: list[str], expected: PaymentStatus, canceled: bool
) -> None:
    payload = sample()
    payload.update(
        status=status,
        total="35.00",
        date_paid=date_paid,
        date_paid_gmt=date_paid,
        refunds=[{"id": n, "refund": "", "total": total} for n, total in enumerate(refunds, 1)],
    )

    order = map_order(payload)

    assert (order.payment_status, order.platform_status) == (expected, status)
    assert (order.canceled, order.test_order) == (canceled, False)


def test_samples_as_sent() -> None:
    order = map_order(sample())
    assert (order.payment_status, order.platform_status, order.canceled) == (PaymentStatus.PAID, "processing", False)
    refunded = map_order(json.loads((SAMPLES / "woocommerce" / "orders-page.json").read_text())[1])
    assert (refunded.payment_status, refunded.platform_status) == (PaymentStatus.PARTIALLY_REFUNDED, "completed")


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    shop = WooCommerceEmulator()
    placed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    on_hold = shop.add_order(created_at=placed, status="on-hold")
    cancelled = shop.add_order(created_at=placed + timedelta(minutes=1), status="cancelled")
    refunded = shop.add_order(created_at=placed + timedelta(minutes=2), total="40.00", refunded="15.00")
    async with serve_app(shop.app()) as url:
        connector = WooCommerceConnector(credentials=shop.credentials(), http=http, api_base_url=url)
        fetched = await connector.fetch_order(str(on_hold["id"]))
        end = placed + timedelta(hours=1)
        listed = {o.order_id: o async for page in connector.orders_created(placed, end) for o in page}

    assert fetched is not None
    assert (fetched.payment_status, fetched.platform_status, fetched.canceled) == (
        PaymentStatus.PENDING,
        "on-hold",
        False,
    )
    voided = listed[str(cancelled["id"])]
    assert (voided.payment_status, voided.platform_status, voided.canceled) == (
        PaymentStatus.VOIDED,
        "cancelled",
        True,
    )
    assert listed[str(refunded["id"])].payment_status is PaymentStatus.PARTIALLY_REFUNDED
    assert not any(order.test_order for order in listed.values())
