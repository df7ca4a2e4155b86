"""The demo store: what ``order-import demo`` serves for Gumroad, listed by the connector over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web

from order_import_gumroad import GumroadConnector, register_demo_emulators
from server.platforms import HttpClient, PaymentStatus, RetryPolicy


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
