"""What the payment guard reads from PayPal: every order status, capture status and authorization status."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from plugins.paypal.mapping import map_order
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.support import serve_app


def sample(name: str) -> dict[str, Any]:
    order: dict[str, Any] = json.loads((SAMPLES / "paypal" / name).read_text())
    return order


def with_payments(order: dict[str, Any], kind: str, *statuses: str) -> dict[str, Any]:
    """``order`` whose first purchase unit holds one ``kind`` payment per status (copies of the sample's capture)."""
    capture = sample("order-captured.json")["purchase_units"][0]["payments"]["captures"][0]
    payments = [copy.deepcopy(capture) | {"id": f"3C679366HH90899{n}F", "status": s} for n, s in enumerate(statuses)]
    order["purchase_units"][0]["payments"] = {kind: payments}
    return order


@pytest.mark.parametrize(
    ("status", "expected", "canceled"),
    [
        ("CREATED", PaymentStatus.PENDING, False),
        ("SAVED", PaymentStatus.PENDING, False),
        ("APPROVED", PaymentStatus.PENDING, False),
        ("PAYER_ACTION_REQUIRED", PaymentStatus.PENDING, False),
        ("VOIDED", PaymentStatus.VOIDED, True),
        ("COMPLETED", PaymentStatus.PAID, False),
        ("SOMETHING_NEW", PaymentStatus.UNKNOWN, False),
    ],
)
def test_each_order_status_without_payments(status: str, expected: PaymentStatus, canceled: bool) -> None:
    payload = sample("order.json") | {"status": status}

    order = map_order(payload)

    assert (order.payment_status, order.platform_status) == (expected, status)
    assert (order.canceled, order.test_order) == (canceled, False)


@pytest.mark.parametrize(
    ("captures", "expected"),
    [
        (("COMPLETED",), PaymentStatus.PAID),
        (("PENDING",), PaymentStatus.PENDING),
        (("DECLINED",), PaymentStatus.FAILED),
        (("FAILED",), PaymentStatus.FAILED),
        (("REFUNDED",), PaymentStatus.REFUNDED),
        (("PARTIALLY_REFUNDED",), PaymentStatus.PARTIALLY_REFUNDED),
        (("COMPLETED", "REFUNDED"), PaymentStatus.PARTIALLY_REFUNDED),
        (("COMPLETED", "PENDING"), PaymentStatus.PENDING),
        (("COMPLETED", "DECLINED"), PaymentStatus.PARTIALLY_PAID),
        (("SOMETHING_NEW",), PaymentStatus.UNKNOWN),
    ],
)
def test_each_capture_status(captures: tuple[str, ...], expected: PaymentStatus) -> None:
    order = map_order(with_payments(sample("order.json") | {"status": "COMPLETED"}, "captures", *captures))
    assert (order.payment_status, order.platform_status) == (expected, "COMPLETED")
    assert (order.canceled, order.test_order) == (False, False)


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        ("CREATED", PaymentStatus.PENDING),
        ("PENDING", PaymentStatus.PENDING),
        ("PARTIALLY_CAPTURED", PaymentStatus.PARTIALLY_PAID),
        ("CAPTURED", PaymentStatus.PAID),
        ("VOIDED", PaymentStatus.VOIDED),
        ("DENIED", PaymentStatus.FAILED),
        ("EXPIRED", PaymentStatus.FAILED),
    ],
)
def test_each_authorization_status(authorization: str, expected: PaymentStatus) -> None:
    order = map_order(with_payments(sample("order.json") | {"status": "COMPLETED"}, "authorizations", authorization))
    assert (order.payment_status, order.platform_status, order.canceled) == (expected, "COMPLETED", False)


def test_a_voided_order_is_canceled_whatever_its_authorization() -> None:
    order = map_order(with_payments(sample("order.json") | {"status": "VOIDED"}, "authorizations", "VOIDED"))
    assert (order.payment_status, order.platform_status, order.canceled) == (PaymentStatus.VOIDED, "VOIDED", True)


def test_samples_as_sent_and_the_capture_status_when_the_order_has_none() -> None:
    waiting = map_order(sample("order.json"))
    assert (waiting.payment_status, waiting.platform_status) == (PaymentStatus.PENDING, "PAYER_ACTION_REQUIRED")
    captured = map_order(sample("order-captured.json"))
    assert (captured.payment_status, captured.platform_status) == (PaymentStatus.PAID, "COMPLETED")
    minimal = sample("order-captured.json")
    del minimal["status"]
    minimal["purchase_units"][0]["payments"]["captures"][0]["status"] = "PENDING"
    pending = map_order(minimal)
    assert (pending.payment_status, pending.platform_status, pending.canceled) == (
        PaymentStatus.PENDING,
        "PENDING",
        False,
    )


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    merchant = PayPalEmulator()
    placed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    approved = merchant.add_order(created_at=placed, status="APPROVED")
    voided = merchant.add_order(created_at=placed + timedelta(minutes=1), status="VOIDED")
    pending = merchant.add_order(created_at=placed + timedelta(minutes=2), capture_status="PENDING")
    refunded = merchant.add_order(created_at=placed + timedelta(minutes=3), total="30.00", refund="30.00")
    async with serve_app(merchant.app()) as url:
        connector = PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=url)
        fetched = {o.id: await connector.fetch_order(o.id) for o in (approved, voided)}
        end = placed + timedelta(hours=1)
        listed = {o.order_id: o async for page in connector.orders_created(placed, end) for o in page}

    waiting, canceled = fetched[approved.id], fetched[voided.id]
    assert waiting is not None and canceled is not None
    assert (waiting.payment_status, waiting.platform_status, waiting.canceled) == (
        PaymentStatus.PENDING,
        "APPROVED",
        False,
    )
    assert (canceled.payment_status, canceled.platform_status, canceled.canceled) == (
        PaymentStatus.VOIDED,
        "VOIDED",
        True,
    )
    assert (listed[pending.id].payment_status, listed[pending.id].platform_status) == (
        PaymentStatus.PENDING,
        "COMPLETED",
    )
    assert listed[refunded.id].payment_status is PaymentStatus.REFUNDED
    assert not any(o.test_order or o.canceled for o in listed.values())
