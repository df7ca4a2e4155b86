"""``order.updated`` deliveries: a change to a placed order, read with ``updated`` and deduplicated by its body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from multidict import CIMultiDict

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms import HttpClient, PaymentStatus
from tests.conftest import SAMPLES
from tests.plugins.woocommerce.test_webhooks import OTHER_SECRET, body_of, delivery, order, read, rejected
from tests.support import serve_app

REFUNDED = json.loads((SAMPLES / "woocommerce" / "orders-page.json").read_text())[1]
"""The documented sample's order 723: completed, then refunded in part (two refunds)."""
NOW = datetime.now(UTC).replace(microsecond=0)  # the site's clock (OAuth timestamps are checked against it)
PLACED = NOW - timedelta(days=1)


def test_order_updated_carries_the_order_as_a_change() -> None:
    body = body_of(order())

    event = read(delivery(body, topic="order.updated"), body)

    assert (event.topic, event.updated) == ("order.updated", True)
    assert event.order is not None and event.order_reference is None
    assert (event.order.order_id, event.order.payment_status) == ("727", PaymentStatus.PAID)
    assert event.delivery_id.startswith("order.updated:727:")


def test_a_refund_is_read_from_the_documented_refunded_order() -> None:
    body = body_of(REFUNDED)

    event = read(delivery(body, topic="order.updated"), body)

    assert event.updated and event.order is not None
    assert event.order.order_id == str(REFUNDED["id"])
    assert event.order.payment_status is PaymentStatus.PARTIALLY_REFUNDED


def test_each_change_has_its_own_delivery_id_and_a_replay_the_same() -> None:
    first = body_of(order())
    second = body_of(order(status="cancelled", date_modified_gmt="2017-03-22T20:01:13"))

    ids = [
        read(delivery(body, topic="order.updated", delivery_id=n), body).delivery_id
        for body, n in ((first, "a1"), (first, "b2"), (second, "a1"))
    ]

    assert ids[0] == ids[1] != ids[2]
    assert ids[0] != read(delivery(first), first).delivery_id


def test_an_order_created_delivery_is_no_change() -> None:
    body = body_of(order())

    assert read(delivery(body), body).updated is False


def test_a_checkout_draft_saved_again_is_acknowledged_with_nothing_to_record() -> None:
    body = body_of(order(status="checkout-draft"))

    event = read(delivery(body, topic="order.updated"), body)

    assert (event.order, event.order_reference, event.updated) == (None, None, False)


def test_forged_updates_are_refused() -> None:
    body = body_of(order(status="refunded"))
    genuine = delivery(body, topic="order.updated")

    assert "does not match" in rejected(delivery(body, topic="order.updated", secret=OTHER_SECRET), body)
    assert "does not match" in rejected(genuine, body.replace(b'"refunded"', b'"completed"'))
    assert "no X-WC-Webhook-Signature" in rejected(CIMultiDict({"X-WC-Webhook-Topic": "order.updated"}), body)


@pytest.fixture
def site() -> WooCommerceEmulator:
    return WooCommerceEmulator(now=lambda: NOW)


@pytest.fixture
async def connector(site: WooCommerceEmulator, http: HttpClient) -> AsyncIterator[WooCommerceConnector]:
    async with serve_app(site.app()) as url:
        yield WooCommerceConnector(credentials=site.credentials(), http=http, api_base_url=url)


async def test_the_emulator_sends_an_order_updated_for_each_change(
    site: WooCommerceEmulator, connector: WooCommerceConnector
) -> None:
    placed = site.add_order(created_at=PLACED, total="40.00")
    other = site.add_order(created_at=PLACED + timedelta(minutes=5), total="12.00")
    assert site.order_change_webhooks() == []

    site.refund_order(placed["id"], "15.00", reason="Damaged")
    site.set_status(other["id"], "cancelled")
    site.refund_order(placed["id"])

    deliveries = site.order_change_webhooks()
    events = [await connector.parse_webhook(CIMultiDict(headers), body) for headers, body in deliveries]
    assert [h["X-WC-Webhook-Topic"] for h, _ in deliveries] == ["order.updated"] * 3
    assert {h["X-WC-Webhook-ID"] for h, _ in deliveries} == {str(site.update_webhook_id)}
    assert all(event.updated for event in events)
    assert len({event.delivery_id for event in events}) == 3
    orders = [event.order for event in events]
    assert all(o is not None for o in orders)
    assert [(o.order_id, o.payment_status, o.canceled) for o in orders if o] == [
        (str(placed["id"]), PaymentStatus.PARTIALLY_REFUNDED, False),
        (str(other["id"]), PaymentStatus.VOIDED, True),
        (str(placed["id"]), PaymentStatus.REFUNDED, False),
    ]
    fetched = await connector.fetch_order(str(placed["id"]))
    assert fetched is not None and fetched.payment_status is PaymentStatus.REFUNDED
    assert fetched.raw["status"] == "refunded" and len(fetched.raw["refunds"]) == 2
    assert fetched.raw["date_modified_gmt"] == NOW.strftime("%Y-%m-%dT%H:%M:%S")


async def test_the_emulator_refuses_a_refund_beyond_what_the_order_holds(site: WooCommerceEmulator) -> None:
    placed = site.add_order(created_at=PLACED, total="40.00")
    pending = site.add_order(created_at=PLACED, total="40.00", status="pending")

    with pytest.raises(ValueError, match="at most 40.00"):
        site.refund_order(placed["id"], "40.01")
    with pytest.raises(ValueError, match="no money to refund"):
        site.refund_order(pending["id"])
    assert site.order_change_webhooks() == []
