"""What the payment guard reads from eBay: every ``orderPaymentStatus`` and ``cancelState``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from plugins.ebay.mapping import map_order
from server.platforms import HttpClient, PaymentStatus
from tests.plugins.ebay.responses import order
from tests.support import serve_app

PAYMENT_STATUSES = [
    ("PAID", PaymentStatus.PAID),
    ("PENDING", PaymentStatus.PENDING),
    ("FAILED", PaymentStatus.FAILED),
    ("FULLY_REFUNDED", PaymentStatus.REFUNDED),
    ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED),
]


@pytest.mark.parametrize(("status", "expected"), PAYMENT_STATUSES)
@pytest.mark.parametrize(
    ("cancel_state", "canceled"), [("NONE_REQUESTED", False), ("IN_PROGRESS", False), ("CANCELED", True)]
)
def test_each_payment_and_cancel_state(status: str, expected: PaymentStatus, cancel_state: str, canceled: bool) -> None:
    payload = order(orderPaymentStatus=status, cancelStatus={"cancelState": cancel_state, "cancelRequests": []})

    mapped = map_order(payload)

    assert (mapped.payment_status, mapped.platform_status) == (expected, status)
    assert (mapped.canceled, mapped.test_order) == (canceled, False)


def test_an_unknown_status_and_no_cancel_status() -> None:
    payload = order(orderPaymentStatus="SOMETHING_NEW")
    del payload["cancelStatus"]
    mapped = map_order(payload)
    assert (mapped.payment_status, mapped.platform_status, mapped.canceled) == (
        PaymentStatus.UNKNOWN,
        "SOMETHING_NEW",
        False,
    )


async def test_the_connector_reads_each_state_from_the_emulator(http: HttpClient) -> None:
    seller = EbayEmulator()
    placed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    pending = seller.add_order(created_at=placed, payment_status="PENDING")
    cancelled = seller.add_order(
        created_at=placed + timedelta(minutes=1), payment_status="FULLY_REFUNDED", cancel_state="CANCELED"
    )
    requested = seller.add_order(created_at=placed + timedelta(minutes=2), cancel_state="IN_PROGRESS")
    async with serve_app(seller.app()) as url:
        connector = EbayConnector(credentials=seller.credentials(), http=http, api_base_url=url)
        fetched = await connector.fetch_order(pending["orderId"])
        end = placed + timedelta(hours=1)
        listed = {o.order_id: o async for page in connector.orders_created(placed, end) for o in page}

    assert fetched is not None
    assert (fetched.payment_status, fetched.platform_status, fetched.canceled) == (
        PaymentStatus.PENDING,
        "PENDING",
        False,
    )
    refunded = listed[cancelled["orderId"]]
    assert (refunded.payment_status, refunded.platform_status, refunded.canceled) == (
        PaymentStatus.REFUNDED,
        "FULLY_REFUNDED",
        True,
    )
    still_paid = listed[requested["orderId"]]
    assert (still_paid.payment_status, still_paid.canceled) == (PaymentStatus.PAID, False)
    assert not any(o.test_order for o in listed.values())
