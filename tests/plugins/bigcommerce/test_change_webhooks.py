"""``store/order/statusUpdated`` and ``store/order/refund/created``: thin callbacks about an order that changed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from multidict import CIMultiDict

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from server.platforms import HttpClient, PaymentStatus
from tests.plugins.bigcommerce.test_webhooks import (
    OTHER_SECRET,
    STORE_HASH,
    body_of,
    delivery,
    event,
    malformed,
    read,
    rejected,
    v1,
)
from tests.support import serve_app

# The "Orders" examples of BigCommerce's webhook events reference (bigcommerce/docs@00d77e2,
# docs/integrations/webhooks/events/index.mdx; https://developer.bigcommerce.com/docs/integrations/webhooks/events),
# their comments left out and the producer made this store's.
STATUS_UPDATED: dict[str, Any] = {
    "scope": "store/order/statusUpdated",
    "store_id": "1025646",
    "data": {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
    "hash": "7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca",
    "created_at": 1561479335,
    "producer": f"stores/{STORE_HASH}",
}
REFUND_CREATED: dict[str, Any] = {
    "scope": "store/order/refund/created",
    "store_id": "1025646",
    "data": {"type": "order", "id": 250, "refund": {"refund_id": 3}},
    "hash": "cb07cdbdda8b1965e812693d5988154807eeed02",
    "created_at": 1561479923,
    "producer": f"stores/{STORE_HASH}",
}
PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


@pytest.mark.parametrize("callback", [STATUS_UPDATED, REFUND_CREATED], ids=["statusUpdated", "refund-created"])
def test_a_change_names_the_order_to_fetch(callback: dict[str, Any]) -> None:
    body = body_of(callback)

    received = read(delivery(body), body)

    assert (received.topic, received.updated) == (callback["scope"], True)
    assert (received.order_reference, received.order) == ("250", None)
    assert received.delivery_id == f"{callback['scope']}:{callback['hash']}:{callback['created_at']}"


def test_a_status_changed_back_and_forth_keeps_each_change() -> None:
    """The same data twice (a status undone, then done again) hashes alike; the event time tells them apart."""
    first, again = body_of(STATUS_UPDATED), body_of({**STATUS_UPDATED, "created_at": 1561480000})

    ids = {read(delivery(body), body).delivery_id for body in (first, first, again)}

    assert len(ids) == 2


def test_a_new_order_is_no_change() -> None:
    body = body_of(event())

    assert read(delivery(body), body).updated is False


def test_a_change_about_another_store_is_refused() -> None:
    body = body_of({**REFUND_CREATED, "producer": "stores/zzz999"})

    assert "not this store" in rejected(delivery(body), body)


@pytest.mark.parametrize("callback", [STATUS_UPDATED, REFUND_CREATED], ids=["statusUpdated", "refund-created"])
def test_forged_changes_are_refused(callback: dict[str, Any]) -> None:
    body = body_of(callback)

    rejected(delivery(body, webhook_signature=v1(body, key=OTHER_SECRET.encode())), body)
    rejected(delivery(body), body.replace(b'"id":250', b'"id":251'))
    rejected(CIMultiDict(), body)


def test_a_change_without_an_order_id_is_malformed() -> None:
    body = body_of({**STATUS_UPDATED, "data": {"type": "order", "status": STATUS_UPDATED["data"]["status"]}})

    assert "store/order/statusUpdated delivery's data.id is not an order id" in malformed(delivery(body), body)


@pytest.fixture
def store() -> BigCommerceEmulator:
    return BigCommerceEmulator(store_hash=STORE_HASH, quota=1_000_000)


@pytest.fixture
async def connector(store: BigCommerceEmulator, http: HttpClient) -> AsyncIterator[BigCommerceConnector]:
    async with serve_app(store.app()) as url:
        yield BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)


async def test_the_emulator_sends_a_callback_for_each_change(
    store: BigCommerceEmulator, connector: BigCommerceConnector
) -> None:
    order = store.add_order(created_at=PLACED, lines=[{"name": "Kettle", "price": "40.00", "quantity": 1}])
    assert store.order_change_webhooks() == []

    store.set_status(order["id"], 2)  # Shipped
    first = store.refund_order(order["id"], "15.00")
    second = store.refund_order(order["id"])
    store.set_status(order["id"], 4)  # already Refunded: no change, no callback

    deliveries = store.order_change_webhooks()
    events = [await connector.parse_webhook(headers, body) for headers, body in deliveries]
    assert [(e.topic, e.order_reference, e.updated) for e in events] == [
        ("store/order/statusUpdated", str(order["id"]), True),
        ("store/order/refund/created", str(order["id"]), True),
        ("store/order/statusUpdated", str(order["id"]), True),
        ("store/order/refund/created", str(order["id"]), True),
        ("store/order/statusUpdated", str(order["id"]), True),
    ]
    assert len({e.delivery_id for e in events}) == 5
    assert (first, second) == (1, 2)
    datas = [json.loads(body)["data"] for _, body in deliveries]
    assert [d.get("status") or d.get("refund") for d in datas] == [
        {"previous_status_id": 11, "new_status_id": 2},
        {"refund_id": 1},
        {"previous_status_id": 2, "new_status_id": 14},
        {"refund_id": 2},
        {"previous_status_id": 14, "new_status_id": 4},
    ]
    fetched = await connector.fetch_order(str(order["id"]))
    assert fetched is not None and fetched.payment_status is PaymentStatus.REFUNDED


async def test_the_emulator_refuses_refunds_it_cannot_make(store: BigCommerceEmulator) -> None:
    paid = store.add_order(created_at=PLACED, lines=[{"name": "Kettle", "price": "40.00", "quantity": 1}])
    waiting = store.add_order(created_at=PLACED, lines=[{"name": "Mug", "price": "9.00"}], status_id=7)

    with pytest.raises(ValueError, match="at most"):
        store.refund_order(paid["id"], "1000")
    with pytest.raises(ValueError, match="no captured money"):
        store.refund_order(waiting["id"])
    assert store.order_change_webhooks() == []
