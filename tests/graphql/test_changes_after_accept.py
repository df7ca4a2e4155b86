"""Changes after accept: a refund or cancellation made on the platform after an order entered the Transaction List is
stored once as an OrderChange, audited and alerted once, whether a webhook or the scheduled re-read sees it (or both),
and the Transaction List row itself never changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.shopify.emulator import ShopifyEmulator
from server.models import (
    Alert,
    AlertKind,
    AuditAction,
    AuditEvent,
    DeliveryStatus,
    ImportedOrder,
    ImportJob,
    JobStatus,
    OrderChange,
    RecoverySchedule,
    Store,
    Transaction,
    WebhookDelivery,
)
from server.platforms.testing import PlatformDouble, SeededOrder
from server.services import changes, recovery
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, IMPORT_ORDERS, PENDING, PLATFORM_CHANGES
from tests.graphql.test_every_platform import ALL_PLUGINS, DOUBLES
from tests.graphql.test_webhooks import settled
from tests.support import Server, running_server, serve_app, settings

pytestmark = pytest.mark.database

NAMES = {
    "bigcommerce": "BigCommerce",
    "ebay": "eBay",
    "ecwid": "Ecwid",
    "paypal": "PayPal",
    "shopify": "Shopify",
    "woocommerce": "WooCommerce",
}
WEBHOOK_PLATFORMS = sorted(set(DOUBLES) - {"ebay"})  # eBay sends no webhook about a change: the re-read sees it


@dataclass
class Flow:
    server: Server
    token: str
    platform: str
    double: PlatformDouble
    url: str  # the emulator's
    store_id: str

    async def recheck(self, **bounds: int) -> int:
        return await changes.recheck_accepted(self.server.runtime, await Store.get(id=self.store_id), **bounds)

    async def listed(self, token: str | None = None) -> dict[str, dict[str, Any]]:
        """The store's Transaction List rows with their changes, by order id."""
        data = await self.server.execute(PLATFORM_CHANGES, {"store": self.store_id}, token=token or self.token)
        return {e["node"]["orderId"]: e["node"] for e in data["transactions"]["edges"]}

    async def deliver(self, deliveries: list[tuple[dict[str, str], bytes]]) -> list[int]:
        """POST each signed delivery to the store's webhook URL, as the platform does; their HTTP statuses."""
        url = f"{self.server.url}/webhooks/{self.platform}/{self.store_id}"
        statuses = []
        for headers, body in deliveries:
            async with self.server.session.post(url, data=body, headers=headers) as response:
                statuses.append(response.status)
        await settled()
        return statuses


async def connect(server: Server, token: str, platform: str, double: PlatformDouble, url: str) -> str:
    credentials = dict(double.credentials())
    data = await server.execute(
        CONNECT_STORE,
        {"platform": platform, "name": "Corner shop", "credentials": credentials, "apiBaseUrl": url},
        token=token,
    )
    assert data["connectStore"]["userErrors"] == []
    return str(data["connectStore"]["store"]["id"])


async def accept(flow: Flow, *orders: SeededOrder, token: str | None = None, store_id: str | None = None) -> None:
    """Import the last hour of the store and accept ``orders``: they enter the Transaction List."""
    token, store_id = token or flow.token, store_id or flow.store_id
    variables = {"platform": flow.platform, "store": store_id, "hours": 1}
    job = (await flow.server.execute(IMPORT_ORDERS, variables, token=token))["importOrders"]["job"]
    assert job["status"] == "SUCCEEDED", job
    edges = (await flow.server.execute(PENDING, {"store": store_id}, token=token))["pendingImports"]["edges"]
    pending = {e["node"]["orderId"]: e["node"]["id"] for e in edges}
    for order in orders:
        accepted = (await flow.server.execute(ACCEPT, {"id": pending[order.order_id]}, token=token))["acceptImport"]
        assert accepted["userErrors"] == [], accepted


@asynccontextmanager
async def store_of(platform: str, double: PlatformDouble | None = None) -> AsyncIterator[Flow]:
    """A seller's store on ``platform``'s emulator, on a server with every built-in plugin."""
    double = double or DOUBLES[platform]()
    async with running_server(settings(extra_plugins=ALL_PLUGINS)) as server, serve_app(double.app()) as url:
        token = await new_token("seller")
        yield Flow(server, token, platform, double, url, await connect(server, token, platform, double, url))


async def row(order_id: str) -> dict[str, Any]:
    """Every column of the order's Transaction List row."""
    [values] = await Transaction.filter(order_id=order_id).values()
    return values


def placed(double: PlatformDouble, minutes: int = 20) -> SeededOrder:
    return double.seed_order(datetime.now(UTC) - timedelta(minutes=minutes))


@pytest.mark.parametrize("platform", sorted(DOUBLES))
async def test_a_change_after_accept_is_seen_by_the_scheduled_re_read_on_every_platform(platform):
    double = DOUBLES[platform]()
    order, untouched = placed(double, 20), placed(double, 30)
    async with store_of(platform, double) as flow:
        await accept(flow, order, untouched)
        before = [await row(order.order_id), await row(untouched.order_id)]
        accepted_import = await ImportedOrder.get(order_id=order.order_id)
        double.change_order(order.order_id)

        first, again = await flow.recheck(), await flow.recheck()
        listed = await flow.listed()
        after = [await row(order.order_id), await row(untouched.order_id)]
        alerts = await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT)
        entries = await AuditEvent.filter(action=AuditAction.ORDER_CHANGED)

    assert (first, again) == (1, 0)
    assert after == before  # the rows never change
    changed = listed[order.order_id]
    assert (changed["paymentStatus"], listed[untouched.order_id]["platformChanges"]) == ("PAID", [])
    [change] = changed["platformChanges"]
    assert change["source"] == "schedule"
    assert change["paymentStatus"] == "REFUNDED" or change["canceled"], change  # refunded where it can be, or canceled
    headline = "Refunded" if change["paymentStatus"] == "REFUNDED" else "Canceled"
    assert change["summary"].startswith(f"{headline} on {NAMES[platform]}"), change["summary"]
    [alert] = alerts
    assert str(alert.transaction_id) == changed["id"]
    assert alert.message.startswith(f"Order {order.order_number} of Corner shop was {headline.lower()} on ")
    [entry] = entries
    assert (entry.actor, entry.detail["transactionId"], entry.detail["summary"]) == (
        "schedule",
        changed["id"],
        change["summary"],
    )
    assert entry.imported_order_id == accepted_import.id  # in the accepted order's history too
    assert entry.detail["was"]["paymentStatus"] == "PAID" and entry.detail["was"]["canceled"] is False


@pytest.mark.parametrize("platform", WEBHOOK_PLATFORMS)
async def test_a_change_seen_by_its_webhook_and_by_the_re_read_is_stored_and_alerted_once(platform):
    double = DOUBLES[platform]()
    order = placed(double)
    async with store_of(platform, double) as flow:
        await accept(flow, order)
        before = await row(order.order_id)
        double.change_order(order.order_id)
        deliveries = double.order_change_webhooks()

        delivered = await flow.deliver(deliveries)
        replayed = await flow.deliver(deliveries)
        reread = await flow.recheck()
        listed = await flow.listed()
        after = await row(order.order_id)
        processed = await WebhookDelivery.filter(status=DeliveryStatus.PROCESSED, updated=True).count()
        alerts = await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT).count()
        entries = await AuditEvent.filter(action=AuditAction.ORDER_CHANGED).values_list("actor", flat=True)

    assert deliveries and set(delivered) == set(replayed) == {200}
    assert processed == len(deliveries)
    assert reread == 0
    [change] = listed[order.order_id]["platformChanges"]
    assert change["source"] == f"webhook:{platform}"
    assert change["paymentStatus"] == "REFUNDED" or change["canceled"], change
    assert (alerts, entries) == (1, [f"webhook:{platform}"])
    assert after == before


async def test_an_update_webhook_about_an_order_not_listed_lists_nothing():
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    pending, unknown = placed(double, 20), placed(double, 30)
    async with store_of("shopify", double) as flow:
        variables = {"platform": "shopify", "store": flow.store_id, "orderId": pending.order_number}
        await flow.server.execute(IMPORT_ORDERS, variables, token=flow.token)
        double.change_order(pending.order_id)
        double.change_order(unknown.order_id)
        await flow.deliver(double.order_change_webhooks())
        unlisted = await Transaction.all().count()
        still = await ImportedOrder.get(order_id=pending.order_id)
        deliveries = await WebhookDelivery.filter(updated=True).values_list("status", flat=True)
        await flow.deliver(double.order_webhooks())  # their creation webhooks list them, as they now are
        listed = await flow.listed()

    assert unlisted == 0
    assert still.status == "PENDING"  # a refund's webhook settles no pending import: the seller decides
    assert deliveries and set(deliveries) == {DeliveryStatus.PROCESSED}
    assert [listed[o.order_id]["paymentStatus"] for o in (pending, unknown)] == ["REFUNDED", "REFUNDED"]
    assert [listed[o.order_id]["platformChanges"] for o in (pending, unknown)] == [[], []]


async def test_an_order_listed_already_canceled_is_no_change_when_read_again():
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    order = placed(double)
    double.cancel_order(order.order_id)
    async with store_of("shopify", double) as flow:
        [delivery] = [d for d in double.order_webhooks() if order.order_number.encode() in d[1]]
        assert await flow.deliver([delivery]) == [200]  # its creation webhook lists it as it is: canceled
        reread = await flow.recheck()
        listed = await flow.listed()
        alerts = await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT).count()
        canceled = (await row(order.order_id))["canceled"]

    assert canceled is True
    assert (reread, listed[order.order_id]["platformChanges"], alerts) == (0, [], 0)


async def test_each_new_state_is_a_change_oldest_first_and_an_order_shipped_is_none():
    double = BigCommerceEmulator(quota=1_000_000)
    order = placed(double)
    async with store_of("bigcommerce", double) as flow:
        await accept(flow, order)
        double.set_status(int(order.order_id), 2)  # Shipped: the order's course, its payment and total unchanged
        shipped = await flow.recheck()
        double.refund_order(int(order.order_id), "10.00")
        partly = await flow.recheck()
        double.refund_order(int(order.order_id))
        fully = await flow.recheck()
        listed = await flow.listed()
        alerts = (
            await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT)
            .order_by("at")
            .values_list("message", flat=True)
        )

    assert (shipped, partly, fully) == (0, 1, 1)
    first, second = listed[order.order_id]["platformChanges"]
    assert first["detectedAt"] < second["detectedAt"]
    assert (first["paymentStatus"], first["platformStatus"]) == ("PARTIALLY_REFUNDED", "Partially Refunded")
    assert first["summary"] == (
        'Partially refunded on BigCommerce: payment PAID → PARTIALLY_REFUNDED, status "Partially Refunded"'
    )
    assert second["summary"] == ('Refunded on BigCommerce: payment PARTIALLY_REFUNDED → REFUNDED, status "Refunded"')
    assert list(alerts) == [
        f"Order {order.order_number} of Corner shop was partially refunded on BigCommerce after it was accepted: "
        'payment PAID → PARTIALLY_REFUNDED, status "Partially Refunded".',
        f"Order {order.order_number} of Corner shop was refunded on BigCommerce after it was accepted: "
        'payment PARTIALLY_REFUNDED → REFUNDED, status "Refunded".',
    ]


async def test_two_readers_of_one_change_at_once_store_it_once():
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    order = placed(double)
    async with store_of("shopify", double) as flow:
        await accept(flow, order)
        double.change_order(order.order_id)
        found = await asyncio.gather(flow.recheck(), flow.recheck(), flow.recheck())
        stored = await OrderChange.all().count()
        alerts = await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT).count()
        entries = await AuditEvent.filter(action=AuditAction.ORDER_CHANGED).count()

    assert sorted(found) == [0, 0, 1]
    assert (stored, alerts, entries) == (1, 1, 1)


async def test_an_alert_lost_to_a_crash_after_its_change_is_raised_at_the_next_read():
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    order = placed(double)
    async with store_of("shopify", double) as flow:
        await accept(flow, order)
        double.change_order(order.order_id)
        await flow.recheck()
        await Alert.all().delete()  # as if the process died between the change's commit and its alert
        again = await flow.recheck()
        [alert] = await Alert.filter(kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT)

    assert again == 0
    assert alert.message.startswith(f"Order {order.order_number} of Corner shop was refunded on Shopify")


async def test_platform_changes_are_the_sellers_own_and_loaded_in_one_query(caplog):
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    refunded, kept = placed(double, 20), placed(double, 30)
    async with store_of("shopify", double) as flow:
        await accept(flow, refunded, kept)
        other_token = await new_token("other seller")
        other_store = await connect(flow.server, other_token, "shopify", double, flow.url)
        await accept(flow, refunded, token=other_token, store_id=other_store)  # the same shop, another seller
        double.change_order(refunded.order_id)
        found = await flow.recheck()
        caplog.set_level(logging.DEBUG, logger="tortoise")
        caplog.clear()
        mine = await flow.listed()
        queries = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
        theirs = await Flow(flow.server, other_token, "shopify", double, flow.url, other_store).listed()
        all_of_theirs = await flow.server.execute(PLATFORM_CHANGES, {}, token=other_token)
        other_found = await changes.recheck_accepted(flow.server.runtime, await Store.get(id=other_store))

    assert found == 1
    assert [len(mine[o.order_id]["platformChanges"]) for o in (refunded, kept)] == [1, 0]
    assert len([q for q in queries if 'FROM "order_change"' in q]) == 1
    assert theirs[refunded.order_id]["platformChanges"] == []
    edges = all_of_theirs["transactions"]["edges"]
    assert [e["node"]["id"] for e in edges] == [theirs[refunded.order_id]["id"]]  # never the first seller's row
    assert other_found == 1  # its own re-read records its own change


async def test_a_scheduled_run_reads_the_stores_recent_accepted_orders_again():
    double = ShopifyEmulator(bucket_size=1e9, restore_rate=1e9)
    order = placed(double)
    async with store_of("shopify", double) as flow:
        await accept(flow, order)
        double.change_order(order.order_id)
        quiet = await OrderChange.all().count()
        await RecoverySchedule.filter(store_id=flow.store_id).update(
            next_run_at=datetime.now(UTC) - timedelta(seconds=1)
        )
        await recovery.tick(flow.server.runtime)
        [change] = await OrderChange.all()
        await ended(flow.store_id)

    assert quiet == 0  # nothing reads it again but a scheduled run
    assert (change.source, change.payment_status) == ("schedule", "REFUNDED")


async def ended(store_id: str) -> None:
    """Wait for the store's import jobs to end (a scheduled run's import goes on in the background)."""
    for _ in range(500):
        if not await ImportJob.filter(store_id=store_id, status=JobStatus.RUNNING).exists():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the scheduled run's import did not end")
