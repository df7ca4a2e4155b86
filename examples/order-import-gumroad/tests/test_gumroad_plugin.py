"""The plugin as the core sees it: found through its entry point, its demo store, its notification."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import aiohttp
import order_import_gumroad
import pytest
from aiohttp import web
from order_import_gumroad import GumroadConnector, order_accepted, register_demo_emulators
from order_import_gumroad.mapping import map_sale

from server.platforms import HttpClient, PaymentStatus, RetryPolicy
from server.platforms.manager import PlatformRegistry, Provider, get_plugin_manager


def test_the_entry_point_provides_the_platform() -> None:
    registry = PlatformRegistry(get_plugin_manager())
    assert registry.get("gumroad") is GumroadConnector
    assert registry.provider("gumroad") == Provider("order-import-gumroad", "0.1.0")
    assert registry.pm.get_plugin("gumroad") is order_import_gumroad
    assert "gumroad" in [e.platform_id for e in registry.emulators()]


@pytest.mark.asyncio
async def test_the_demo_store_lists_its_sales_of_the_last_eight_hours() -> None:
    [emulator] = register_demo_emulators()
    now = datetime.now(UTC)
    runner = web.AppRunner(emulator.make_double(now, 7).app())
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        async with aiohttp.ClientSession() as session:
            connector = GumroadConnector(
                credentials=emulator.credentials,
                http=HttpClient(session, RetryPolicy(attempts=2, base_delay=0.001)),
                api_base_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
            )
            pages = [page async for page in connector.orders_created(now - timedelta(hours=8), now)]
            orders = [order for page in pages for order in page]
            assert len(orders) == len({o.order_id for o in orders}) == 30
            assert len(pages) == 3  # ten sales a page
            assert {o.payment_status for o in orders} == {PaymentStatus.PAID, PaymentStatus.REFUNDED}
            assert await connector.fetch_order(f"#{orders[0].order_number}") == orders[0]
    finally:
        await runner.cleanup()


def test_order_accepted_acts_on_gumroad_orders_only(caplog: pytest.LogCaptureFixture) -> None:
    order = map_sale(
        {"id": "FO8TXN-dvaYbBbahG97a-Q==", "order_id": 524459935, "price": 900, "created_at": "2026-01-15T10:30:45Z"}
    )
    with caplog.at_level(logging.INFO, logger="order_import_gumroad"):
        order_accepted(platform="shopify", order=order, transaction_id="41")
        order_accepted(platform="gumroad", order=order, transaction_id="42")
    assert caplog.messages == ["Gumroad order 524459935 accepted as transaction 42"]
