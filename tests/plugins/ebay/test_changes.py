"""Refunds and cancellations in the emulator: eBay sends no notification, so a change is seen by reading the order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from server.platforms import HttpClient, PaymentStatus
from tests.support import serve_app

NOW = datetime.now(UTC).replace(microsecond=0)
PLACED = NOW - timedelta(hours=3)
LINES = [{"title": "Teapot", "price": "40.00", "shipping": "5.00"}]


@pytest.fixture
def seller() -> EbayEmulator:
    return EbayEmulator(now=lambda: NOW)


@pytest.fixture
async def ebay(seller: EbayEmulator, http: HttpClient) -> AsyncIterator[EbayConnector]:
    async with serve_app(seller.app()) as url:
        yield EbayConnector(credentials=seller.credentials(), http=http, api_base_url=url)


async def test_a_refund_is_seen_by_reading_the_order(seller: EbayEmulator, ebay: EbayConnector) -> None:
    order = seller.add_order(created_at=PLACED, line_items=LINES)
    due = order["paymentSummary"]["totalDueSeller"]["value"]

    seller.refund_order(order["orderId"], "10.00")
    partly = await ebay.fetch_order(order["orderId"])
    seller.refund_order(order["orderId"])
    fully = await ebay.fetch_order(order["orderId"])

    assert partly is not None and partly.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    assert fully is not None and fully.payment_status is PaymentStatus.REFUNDED
    summary = fully.raw["paymentSummary"]
    refunds = [Decimal(r["amount"]["value"]) for r in summary["refunds"]]
    assert refunds[0] == Decimal(10) and sum(refunds) == Decimal(due)
    assert summary["totalDueSeller"]["value"] == "0.0"
    assert fully.raw["lastModifiedDate"] == NOW.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert seller.order_change_webhooks() == []


async def test_a_cancellation_is_seen_by_reading_the_order(seller: EbayEmulator, ebay: EbayConnector) -> None:
    order = seller.add_order(created_at=PLACED, line_items=LINES)

    seller.cancel_order(order["orderId"])

    fetched = await ebay.fetch_order(order["orderId"])
    assert fetched is not None and fetched.canceled and fetched.payment_status is PaymentStatus.PAID
    assert fetched.raw["cancelStatus"]["cancelRequests"][0]["cancelInitiator"] == "SELLER"
    with pytest.raises(ValueError, match="already cancelled"):
        seller.cancel_order(order["orderId"])
    assert seller.order_change_webhooks() == []


def test_refunds_the_emulator_cannot_make_are_refused(seller: EbayEmulator) -> None:
    paid = seller.add_order(created_at=PLACED, line_items=LINES)
    pending = seller.add_order(created_at=PLACED, line_items=LINES, payment_status="PENDING")

    with pytest.raises(ValueError, match="at most"):
        seller.refund_order(paid["orderId"], "1000")
    with pytest.raises(ValueError, match="no money to refund"):
        seller.refund_order(pending["orderId"])
    with pytest.raises(KeyError):
        seller.refund_order("99-99999-99999")
