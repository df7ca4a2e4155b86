"""``order.updated``: Ecwid's thin event about a change to a placed order, read with ``updated``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from multidict import CIMultiDict

from plugins.ecwid import EcwidConnector
from plugins.ecwid.emulator import EcwidEmulator
from plugins.ecwid.webhooks import SIGNATURE_HEADER
from server.platforms import HttpClient, PaymentStatus, WebhookMalformed, WebhookRejected
from tests.plugins.ecwid.test_connector import WEBHOOK, delivery
from tests.support import serve_app

UPDATED = {  # the "Order #103 updated webhook example" of Ecwid/ecwid-api-docs@044a9e0, includes/_webhooks.md
    "eventId": "123456-1234-1234-1234-123412341234",
    "eventCreated": 1234567,
    "storeId": 1003,
    "entityId": 103,
    "eventType": "order.updated",
    "data": {
        "oldPaymentStatus": "PAID",
        "newPaymentStatus": "PAID",
        "oldFulfillmentStatus": "PROCESSING",
        "newFulfillmentStatus": "SHIPPED",
    },
}
PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


async def test_order_updated_names_the_order_by_its_number(hooked: EcwidConnector) -> None:
    headers, body = delivery(UPDATED)

    event = await hooked.parse_webhook(headers, body)

    assert (event.delivery_id, event.topic, event.updated) == (UPDATED["eventId"], "order.updated", True)
    assert (event.order, event.order_reference) == (None, "103")


async def test_order_updated_prefers_the_order_id_current_deliveries_carry(hooked: EcwidConnector) -> None:
    headers, body = delivery({**UPDATED, "data": {**UPDATED["data"], "orderId": "SALE-XJ12H"}})

    assert (await hooked.parse_webhook(headers, body)).order_reference == "SALE-XJ12H"


async def test_order_created_is_no_change(hooked: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK)

    assert (await hooked.parse_webhook(headers, body)).updated is False


def forged(how: str) -> tuple[dict[str, str], bytes]:
    headers, body = delivery(UPDATED)
    if how == "another secret":
        return delivery(UPDATED, secret="another-app-secret")
    if how == "tampered time":
        return headers, json.dumps({**UPDATED, "eventCreated": UPDATED["eventCreated"] + 1}).encode()
    if how == "no signature":
        return {}, body
    return delivery({**UPDATED, "storeId": 2004})


@pytest.mark.parametrize("how", ["another secret", "tampered time", "no signature", "another store"])
async def test_forged_updates_are_refused(hooked: EcwidConnector, how: str) -> None:
    with pytest.raises(WebhookRejected):
        await hooked.parse_webhook(*forged(how))


async def test_an_update_naming_no_order_is_malformed(hooked: EcwidConnector) -> None:
    headers, body = delivery({**UPDATED, "entityId": -1})

    with pytest.raises(WebhookMalformed, match="the order.updated delivery names no order"):
        await hooked.parse_webhook(headers, body)


@pytest.fixture
def hooked(http: HttpClient) -> EcwidConnector:
    credentials = {"store_id": "1003", "access_token": "secret_x", "client_secret": "app-client-secret-0123456789"}
    return EcwidConnector(credentials=credentials, http=http)


@pytest.fixture
def store() -> EcwidEmulator:
    return EcwidEmulator()


@pytest.fixture
async def connector(store: EcwidEmulator, http: HttpClient) -> AsyncIterator[EcwidConnector]:
    async with serve_app(store.app()) as url:
        yield EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url)


async def test_the_emulator_sends_an_order_updated_for_each_change(
    store: EcwidEmulator, connector: EcwidConnector
) -> None:
    order = store.add_order(created_at=PLACED, total="50", payment_status="PAID")
    assert store.order_change_webhooks() == []

    store.set_statuses(order["id"], fulfillment="SHIPPED")
    store.refund_order(order["id"], "20", reason="Late")
    store.refund_order(str(order["internalId"]))

    deliveries = store.order_change_webhooks()
    events = [await connector.parse_webhook(CIMultiDict(headers), body) for headers, body in deliveries]
    assert [(e.topic, e.order_reference, e.updated) for e in events] == [("order.updated", order["id"], True)] * 3
    assert len({e.delivery_id for e in events}) == 3
    data = [json.loads(body)["data"] for _, body in deliveries]
    assert [(d["oldPaymentStatus"], d["newPaymentStatus"], d["newFulfillmentStatus"]) for d in data] == [
        ("PAID", "PAID", "SHIPPED"),
        ("PAID", "PARTIALLY_REFUNDED", "SHIPPED"),
        ("PARTIALLY_REFUNDED", "REFUNDED", "SHIPPED"),
    ]
    assert all(SIGNATURE_HEADER in headers for headers, _ in deliveries)
    fetched = await connector.fetch_order(order["id"])
    assert fetched is not None and fetched.payment_status is PaymentStatus.REFUNDED
    assert fetched.raw["refundedAmount"] == 50 and [r["amount"] for r in fetched.raw["refunds"]] == [20, 30]
    assert fetched.raw["updateTimestamp"] >= order["createTimestamp"]


async def test_the_emulator_refuses_changes_it_cannot_make(store: EcwidEmulator) -> None:
    order: dict[str, Any] = store.add_order(created_at=PLACED, total="50", payment_status="AWAITING_PAYMENT")
    unfinished = store.add_order(created_at=PLACED, total="50", payment_status="INCOMPLETE")

    with pytest.raises(ValueError, match="no money to refund"):
        store.refund_order(order["id"])
    with pytest.raises(ValueError, match="unfinished"):
        store.set_statuses(unfinished["id"], payment="PAID")
    with pytest.raises(ValueError, match="unknown fulfillment status"):
        store.set_statuses(order["id"], fulfillment="LOST")
    assert store.order_change_webhooks() == []
