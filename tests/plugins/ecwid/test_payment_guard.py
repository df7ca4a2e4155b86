"""What the payment guard reads from Ecwid: every ``paymentStatus``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.ecwid import EcwidConnector
from plugins.ecwid.emulator import EcwidEmulator
from plugins.ecwid.mapping import map_order
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.support import serve_app


def sample() -> dict[str, Any]:
    order: dict[str, Any] = json.loads((SAMPLES / "ecwid" / "order.json").read_text())
    return order


@pytest.mark.parametrize(
    ("status", "expected", "canceled"),
    [
        ("AWAITING_PAYMENT", PaymentStatus.PENDING, False),
        ("PAID", PaymentStatus.PAID, False),
        ("CANCELLED", PaymentStatus.VOIDED, True),
        ("REFUNDED", PaymentStatus.REFUNDED, False),
        ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED, False),
        ("INCOMPLETE", PaymentStatus.PENDING, False),
        ("CUSTOM_PAYMENT_STATUS_1", PaymentStatus.UNKNOWN, False),
    ],
)
@pytest.mark.parametrize("fulfillment", ["AWAITING_PROCESSING", "DELIVERED", "WILL_NOT_DELIVER"])
def test_each_payment_status(status: str, expected: PaymentStatus, canceled: bool, fulfillment: str) -> None:
    payload = sample()
    payload.update(paymentStatus=status, fulfillmentStatus=fulfillment)

    order = map_order(payload, "EUR")

    assert (order.payment_status, order.platform_status) == (expected, status)
    assert (order.canceled, order.test_order) == (canceled, False)


def test_the_sample_as_sent() -> None:
    order = map_order(sample(), "EUR")
    assert (order.payment_status, order.platform_status, order.canceled) == (PaymentStatus.PAID, "PAID", False)


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    store = EcwidEmulator()
    placed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    awaiting = store.add_order(created_at=placed, payment_status="AWAITING_PAYMENT")
    cancelled = store.add_order(
        created_at=placed + timedelta(minutes=1), payment_status="CANCELLED", fulfillment_status="WILL_NOT_DELIVER"
    )
    refunded = store.add_order(created_at=placed + timedelta(minutes=2), payment_status="REFUNDED")
    async with serve_app(store.app()) as url:
        connector = EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url)
        fetched = await connector.fetch_order(awaiting["id"])
        end = placed + timedelta(hours=1)
        listed = {o.order_number: o async for page in connector.orders_created(placed, end) for o in page}

    assert fetched is not None
    assert (fetched.payment_status, fetched.platform_status, fetched.canceled) == (
        PaymentStatus.PENDING,
        "AWAITING_PAYMENT",
        False,
    )
    voided = listed[cancelled["id"]]
    assert (voided.payment_status, voided.platform_status, voided.canceled) == (
        PaymentStatus.VOIDED,
        "CANCELLED",
        True,
    )
    assert listed[refunded["id"]].payment_status is PaymentStatus.REFUNDED
    assert not any(o.test_order for o in listed.values())
