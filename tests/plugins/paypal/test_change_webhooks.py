"""Refunds in the emulator: ``PAYMENT.CAPTURE.REFUNDED`` deliveries, verified by its API and read as changes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from server.platforms import HttpClient, PaymentStatus, WebhookRejected
from tests.support import serve_app

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def merchant() -> PayPalEmulator:
    return PayPalEmulator(now=lambda: NOW)


@pytest.fixture
async def connector(merchant: PayPalEmulator, http: HttpClient) -> AsyncIterator[PayPalConnector]:
    async with serve_app(merchant.app()) as url:
        yield PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=url)


async def test_each_refund_is_a_delivery_about_the_order(merchant: PayPalEmulator, connector: PayPalConnector) -> None:
    order = merchant.add_order(created_at=NOW - timedelta(hours=5), total="60.00")
    untouched = merchant.add_order(created_at=NOW - timedelta(hours=4), total="20.00")
    assert order.capture is not None and merchant.order_change_webhooks() == []

    partial = merchant.refund_order(order.id, "25.00")
    rest = merchant.refund_order(order.id)

    deliveries = merchant.order_change_webhooks()
    bodies = [json.loads(body) for _, body in deliveries]
    assert [(b["event_type"], b["resource_type"], b["resource"]["id"]) for b in bodies] == [
        ("PAYMENT.CAPTURE.REFUNDED", "refund", partial.id),
        ("PAYMENT.CAPTURE.REFUNDED", "refund", rest.id),
    ]
    assert [b["resource"]["amount"] for b in bodies] == [
        {"currency_code": "USD", "value": "25.00"},
        {"currency_code": "USD", "value": "35.00"},
    ]
    events = [await connector.parse_webhook(headers, body) for headers, body in deliveries]
    assert [(e.updated, e.order_reference) for e in events] == [(True, order.capture.id)] * 2
    assert len({e.delivery_id for e in events}) == 2
    fetched = await connector.fetch_order(order.capture.id)
    assert fetched is not None and fetched.order_id == order.id
    assert fetched.payment_status is PaymentStatus.REFUNDED
    still = await connector.fetch_order(untouched.id)
    assert still is not None and still.payment_status is PaymentStatus.PAID


async def test_a_partial_refund_leaves_the_order_partially_refunded(
    merchant: PayPalEmulator, connector: PayPalConnector
) -> None:
    order = merchant.add_order(created_at=NOW - timedelta(hours=5), total="60.00")

    merchant.refund_order(order.id, "10.00")

    fetched = await connector.fetch_order(order.id)
    assert fetched is not None and fetched.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    refunds = fetched.raw["purchase_units"][0]["payments"]["refunds"]
    assert [r["amount"]["value"] for r in refunds] == ["10.00"]


async def test_a_refunded_order_is_still_listed_in_its_window(
    merchant: PayPalEmulator, connector: PayPalConnector
) -> None:
    order = merchant.add_order(created_at=NOW - timedelta(hours=5), total="60.00")
    refund = merchant.refund_order(order.id)

    listed = [o async for page in connector.orders_created(NOW - timedelta(hours=6), NOW) for o in page]

    assert [(o.order_id, o.payment_status) for o in listed] == [(order.id, PaymentStatus.REFUNDED)]
    assert refund.amount == Decimal("60.00")


async def test_a_refund_signed_for_another_webhook_is_refused(
    merchant: PayPalEmulator, connector: PayPalConnector
) -> None:
    order = merchant.add_order(created_at=NOW - timedelta(hours=5))
    merchant.refund_order(order.id)

    [(headers, body)] = merchant.order_change_webhooks_for({"webhook_id": "9XY00000000000000"})

    with pytest.raises(WebhookRejected, match="FAILURE"):
        await connector.parse_webhook(headers, body)


def test_refunds_the_emulator_cannot_make_are_refused(merchant: PayPalEmulator) -> None:
    paid = merchant.add_order(created_at=NOW - timedelta(hours=5), total="60.00")
    approved = merchant.add_order(created_at=NOW - timedelta(hours=5), status="APPROVED")

    with pytest.raises(ValueError, match="at most 60.00"):
        merchant.refund_order(paid.id, "60.01")
    with pytest.raises(ValueError, match="no completed capture"):
        merchant.refund_order(approved.id)
    merchant.refund_order(paid.id)
    with pytest.raises(ValueError, match="no completed capture"):
        merchant.refund_order(paid.id)
    assert len(merchant.order_change_webhooks()) == 1
