"""``PayPalConnector.fetch_orders`` (one lookup per id, ``LOOKUPS`` at a time) and sandbox stores, over HTTP
against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from plugins.paypal import PayPalConnector
from plugins.paypal.connector import LOOKUPS
from plugins.paypal.emulator import PayPalEmulator
from server.platforms import ConnectorError, HttpClient, PlatformBadResponse
from tests.plugins.sandbox import loopback_http, on_host
from tests.support import serve_app

PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
MISSING = "5O190127TN364715T"


class InFlight:
    """A middleware counting the requests being answered at once, and the most there were."""

    def __init__(self) -> None:
        self.now = self.most = 0

    @web.middleware
    async def count(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await handler(request)
        finally:
            self.now -= 1


@pytest.fixture
def merchant() -> PayPalEmulator:
    return PayPalEmulator()


@pytest.fixture
def in_flight() -> InFlight:
    return InFlight()


@pytest.fixture
async def paypal(merchant: PayPalEmulator, in_flight: InFlight, http: HttpClient) -> AsyncIterator[PayPalConnector]:
    app = merchant.app()
    app.middlewares.insert(0, in_flight.count)
    async with serve_app(app) as url:
        yield PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=url)


def lookups(merchant: PayPalEmulator) -> list[str]:
    """The path of every order and capture request, in order."""
    return [r["path"] for r in merchant.requests if r["path"].startswith("/v2/")]


async def test_order_and_transaction_ids_are_looked_up_each_on_its_own(
    merchant: PayPalEmulator, paypal: PayPalConnector
) -> None:
    by_order = merchant.add_order(created_at=PLACED)
    by_capture = merchant.add_order(created_at=PLACED + timedelta(minutes=1))
    assert by_capture.capture is not None
    refs = [by_order.id, by_capture.capture.id, f" {by_order.id.lower()} ", MISSING]

    found = await paypal.fetch_orders(refs)

    assert {ref: order.order_id for ref, order in found.items()} == {
        by_order.id: by_order.id,
        by_capture.capture.id: by_capture.id,
        f" {by_order.id.lower()} ": by_order.id,
    }
    assert sorted(lookups(merchant)) == sorted(
        [
            f"/v2/checkout/orders/{by_order.id}",
            f"/v2/checkout/orders/{by_capture.capture.id}",
            f"/v2/payments/captures/{by_capture.capture.id}",
            f"/v2/checkout/orders/{by_capture.id}",
            f"/v2/checkout/orders/{by_order.id}",
            f"/v2/checkout/orders/{MISSING}",
            f"/v2/payments/captures/{MISSING}",
        ]
    )
    assert not any(order.test_order for order in found.values())


async def test_lookups_run_lookups_in_flight_at_a_time(
    merchant: PayPalEmulator, paypal: PayPalConnector, in_flight: InFlight
) -> None:
    ids = [merchant.add_order(created_at=PLACED + timedelta(minutes=n)).id for n in range(3 * LOOKUPS)]
    merchant.delay_next(0.05, times=len(ids))

    found = await paypal.fetch_orders(ids)

    assert PayPalConnector.lookups_in_flight == LOOKUPS
    assert sorted(found) == sorted(ids)
    assert len(lookups(merchant)) == len(ids)
    assert in_flight.most == LOOKUPS


async def test_a_platform_error_in_the_middle_is_the_connectors_error(
    merchant: PayPalEmulator, paypal: PayPalConnector
) -> None:
    ids = [merchant.add_order(created_at=PLACED + timedelta(minutes=n)).id for n in range(2 * LOOKUPS)]
    merchant.delay_next(0, times=LOOKUPS + 2)  # answered normally
    merchant.garbage_next()  # then an HTML page

    with pytest.raises(ConnectorError) as raised:
        await paypal.fetch_orders(ids)

    assert isinstance(raised.value, PlatformBadResponse)


async def test_a_store_on_the_sandbox_holds_test_orders() -> None:
    merchant = PayPalEmulator(reporting_lag=timedelta(hours=3))
    now = datetime.now(UTC).replace(microsecond=0)
    reported, recent = (merchant.add_order(created_at=now - ago) for ago in (timedelta(hours=5), timedelta(minutes=30)))
    assert reported.capture is not None
    async with serve_app(merchant.app()) as url, loopback_http() as http:
        paypal = PayPalConnector(
            credentials=merchant.credentials(), http=http, api_base_url=on_host(url, "api-m.sandbox.paypal.com")
        )
        live = PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=on_host(url, "localhost"))
        fetched = await paypal.fetch_order(reported.capture.id)
        batch = await paypal.fetch_orders([reported.id, recent.id])
        listed = [o async for page in paypal.orders_created(now - timedelta(hours=6), now) for o in page]
        production = await live.fetch_order(reported.id)

    assert fetched is not None and fetched.test_order
    assert [order.test_order for order in batch.values()] == [True, True]
    assert sorted((o.order_id, o.test_order) for o in listed) == sorted([(reported.id, True), (recent.id, True)])
    assert production is not None and not production.test_order
