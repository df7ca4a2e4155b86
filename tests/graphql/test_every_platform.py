"""The seller's flow over the API for each of the six platforms, against each platform's emulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

import plugins.bigcommerce
import plugins.ebay
import plugins.ecwid
import plugins.paypal
import plugins.shopify
import plugins.woocommerce
from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.ebay.emulator import EbayEmulator
from plugins.ecwid.emulator import EcwidEmulator
from plugins.paypal.emulator import PayPalEmulator
from plugins.shopify.emulator import ShopifyEmulator
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms.testing import PlatformDouble
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_ORDERS, PENDING, TRANSACTIONS
from tests.graphql.test_webhooks import settled
from tests.support import running_server, serve_app, settings

ALL_PLUGINS = (plugins.shopify, plugins.woocommerce, plugins.bigcommerce, plugins.ebay, plugins.ecwid, plugins.paypal)
DOUBLES: dict[str, Callable[[], PlatformDouble]] = {
    "shopify": lambda: ShopifyEmulator(bucket_size=1e9, restore_rate=1e9),
    "woocommerce": WooCommerceEmulator,
    "bigcommerce": lambda: BigCommerceEmulator(quota=1_000_000),
    "ebay": EbayEmulator,
    "ecwid": EcwidEmulator,
    "paypal": PayPalEmulator,
}


@pytest.mark.database
@pytest.mark.parametrize("platform", sorted(DOUBLES))
async def test_import_view_accept_cancel_on_every_platform(platform: str) -> None:
    double = DOUBLES[platform]()
    now = datetime.now(UTC)
    inside = [double.seed_order(now - timedelta(minutes=m)) for m in (20, 50, 80)]
    outside = double.seed_order(now - timedelta(hours=5))
    async with running_server(settings(extra_plugins=ALL_PLUGINS)) as server, serve_app(double.app()) as url:
        token = await new_token("seller")
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": platform, "name": "Store", "credentials": dict(double.credentials()), "apiBaseUrl": url},
            token=token,
        )
        assert connected["connectStore"]["userErrors"] == []
        store = connected["connectStore"]["store"]["id"]

        async def import_orders(**args: object) -> dict:
            data = await server.execute(IMPORT_ORDERS, {"platform": platform, "store": store, **args}, token=token)
            assert data["importOrders"]["userErrors"] == []
            return data["importOrders"]["job"]

        by_hours = await import_orders(hours=2)
        again = await import_orders(hours=2)
        by_reference = [await import_orders(orderId=reference) for reference in outside.references]
        missing = await import_orders(orderId="NOPE-404-404")
        rows = (await server.execute(PENDING, {"first": 10}, token=token))["pendingImports"]["edges"]
        pending = {e["node"]["orderId"]: e["node"] for e in rows}
        accepted = await server.execute(ACCEPT, {"id": pending[inside[0].order_id]["id"]}, token=token)
        canceled = await server.execute(CANCEL, {"id": pending[inside[1].order_id]["id"]}, token=token)
        search = inside[0].order_number
        found = (await server.execute(TRANSACTIONS, {"search": search}, token=token))["transactions"]

    assert (by_hours["status"], by_hours["fetched"], by_hours["imported"], by_hours["skipped"]) == (
        "SUCCEEDED",
        3,
        3,
        0,
    )
    assert (again["imported"], again["skipped"]) == (0, 3)
    assert [(j["status"], j["imported"]) for j in by_reference] == [("SUCCEEDED", 1)] + [("SUCCEEDED", 0)] * (
        len(outside.references) - 1
    )
    assert (missing["status"], missing["errorCode"]) == ("FAILED", "ORDER_NOT_FOUND")
    assert set(pending) == {s.order_id for s in (*inside, outside)}
    assert pending[outside.order_id]["orderNumber"] == outside.order_number
    assert accepted["acceptImport"]["transaction"]["status"] == "SUCCEEDED"
    assert canceled["cancelImport"]["importedOrder"]["status"] == "CANCELED"
    assert [e["node"]["orderId"] for e in found["edges"]] == [inside[0].order_id]


@pytest.mark.database
@pytest.mark.parametrize("platform", sorted(DOUBLES))
async def test_signed_webhooks_list_each_order_once_on_every_platform(platform: str) -> None:
    double = DOUBLES[platform]()
    now = datetime.now(UTC)
    seeded = double.seed_order(now - timedelta(minutes=30))
    [(headers, body)] = double.order_webhooks()
    async with running_server(settings(extra_plugins=ALL_PLUGINS)) as server, serve_app(double.app()) as url:
        token = await new_token("seller")
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": platform, "name": "Store", "credentials": dict(double.credentials()), "apiBaseUrl": url},
            token=token,
        )
        store = connected["connectStore"]["store"]["id"]
        await server.execute(IMPORT_ORDERS, {"platform": platform, "store": store, "hours": 1}, token=token)
        endpoint = f"{server.url}/webhooks/{platform}/{store}"

        unsigned = await server.session.post(endpoint, data=body, headers={"Content-Type": "application/json"})
        first = await server.session.post(endpoint, data=body, headers=headers)
        await settled()
        replay = await server.session.post(endpoint, data=body, headers=headers)
        await settled()
        listed = (await server.execute(TRANSACTIONS, {}, token=token))["transactions"]
        left = (await server.execute(PENDING, {}, token=token))["pendingImports"]["totalCount"]

    assert unsigned.status == 401
    assert (first.status, replay.status, await replay.json()) == (200, 200, {"status": "replay"})
    assert [(e["node"]["orderId"], e["node"]["source"]) for e in listed["edges"]] == [(seeded.order_id, "WEBHOOK")]
    assert left == 0  # the pending import of that order was resolved by the webhook
