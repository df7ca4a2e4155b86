"""The emulators' rate limits (WooCommerce's host stand-in, eBay's daily quota, PayPal's stand-in) answer a burst
as their platforms do, and the connectors wait as those answers say. A fake clock drives every limit: no test
sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from plugins.paypal.emulator.limits import REQUESTS_PER_MINUTE
from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from plugins.woocommerce.emulator.limits import STORE_API_DEFAULT, HostLimit
from server.platforms import HttpClient, PlatformUnavailable, RetryPolicy
from tests.support import FakeClock, serve_app

NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = (NOW - timedelta(hours=6), NOW)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def paced(session: aiohttp.ClientSession, clock: FakeClock) -> HttpClient:
    """A client whose waits pass on the fake clock, long enough for a minute's window."""
    return HttpClient(
        session, RetryPolicy(attempts=5, base_delay=0.001, max_delay=120.0, timeout=5.0), sleep=clock.sleep
    )


async def burst(session: aiohttp.ClientSession, url: str, count: int, **kwargs: Any) -> list[aiohttp.ClientResponse]:
    answers = []
    for _ in range(count):
        async with session.get(url, **kwargs) as response:
            await response.read()
            answers.append(response)
    return answers


# --- WooCommerce: a host's limit, WooCommerce's published Store API default -------------------------


async def test_woocommerce_host_limit_refuses_past_25_in_10_seconds(
    session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    emulator = WooCommerceEmulator(rate_limit=STORE_API_DEFAULT, clock=clock)
    async with serve_app(emulator.app()) as url:
        answers = await burst(session, f"{url}/wp-json/wc/v3/orders", 27)
        assert [a.status for a in answers[:25]] == [401] * 25  # counted, then refused for want of a key
        refused = answers[25]
        assert refused.status == 429
        assert refused.headers["Retry-After"] == refused.headers["RateLimit-Retry-After"] == "10"
        assert (refused.headers["RateLimit-Limit"], refused.headers["RateLimit-Remaining"]) == ("25", "0")
        clock.now += 9.5
        assert (await burst(session, f"{url}/wp-json/wc/v3/orders", 1))[0].headers["Retry-After"] == "1"
        clock.now += 0.5
        assert (await burst(session, f"{url}/wp-json/wc/v3/orders", 1))[0].status == 401  # a new window


async def test_woocommerce_connector_waits_out_each_window(session: aiohttp.ClientSession, clock: FakeClock) -> None:
    emulator = WooCommerceEmulator(rate_limit=HostLimit(requests=3, window=10.0), clock=clock)
    emulator.add_random_orders(650, start=WINDOW[0] + timedelta(minutes=1), end=NOW - timedelta(minutes=1))
    async with serve_app(emulator.app()) as url:
        connector = WooCommerceConnector(
            credentials=emulator.credentials(), http=paced(session, clock), api_base_url=url
        )
        listed = [order async for page in connector.orders_created(*WINDOW) for order in page]

    assert len({order.order_id for order in listed}) == 650
    assert clock.waits and set(clock.waits) == {10.0}  # each 429's Retry-After, never a guess
    refused = len(emulator.requests) - 7  # 7 pages of 100
    assert refused == len(clock.waits) <= 2 * WooCommerceConnector.page_concurrency


# --- eBay: a daily quota ------------------------------------------------------------------------------


async def test_ebay_daily_quota_is_429_error_2001_until_pacific_midnight(session: aiohttp.ClientSession) -> None:
    today = [datetime(2026, 3, 2, 7, 59, tzinfo=UTC)]  # 23:59 in Los Angeles
    emulator = EbayEmulator(daily_calls=2, now=lambda: today[0])
    async with serve_app(emulator.app()) as url:
        orders = f"{url}/sell/fulfillment/v1/order"
        answers = await burst(session, orders, 3)
        assert [a.status for a in answers] == [401, 401, 429]
        async with session.get(orders) as refused:
            assert refused.status == 429 and "Retry-After" not in refused.headers
            assert (await refused.json())["errors"][0]["errorId"] == 2001
        today[0] += timedelta(minutes=1)  # midnight Pacific: a new day's quota
        assert (await burst(session, orders, 1))[0].status == 401


async def test_ebay_connector_gives_up_on_a_spent_daily_quota(session: aiohttp.ClientSession, clock: FakeClock) -> None:
    emulator = EbayEmulator(daily_calls=1)
    emulator.add_random_orders(300, start=WINDOW[0] + timedelta(minutes=1), end=NOW - timedelta(minutes=1))
    async with serve_app(emulator.app()) as url:
        connector = EbayConnector(credentials=emulator.credentials(), http=paced(session, clock), api_base_url=url)
        with pytest.raises(PlatformUnavailable, match="HTTP 429"):
            [page async for page in connector.orders_created(*WINDOW)]
    assert len(clock.waits) == 4 and max(clock.waits) < 10  # its backoff: no Retry-After to wait for


# --- PayPal: a per-minute stand-in ----------------------------------------------------------------------


async def test_paypal_stand_in_limit_is_rate_limit_reached_with_retry_after(
    session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    emulator = PayPalEmulator(requests_per_minute=REQUESTS_PER_MINUTE, clock=clock)
    async with serve_app(emulator.app()) as url:
        answers = await burst(session, f"{url}/v2/checkout/orders/X", REQUESTS_PER_MINUTE + 1)
        assert {a.status for a in answers[:-1]} == {401}
        async with session.get(f"{url}/v2/checkout/orders/X") as refused:
            assert refused.status == 429 and refused.headers["Retry-After"] == "60"
            assert (await refused.json())["name"] == "RATE_LIMIT_REACHED"
        clock.now += 60
        assert (await burst(session, f"{url}/v2/checkout/orders/X", 1))[0].status == 401


async def test_paypal_connector_waits_as_retry_after_says(session: aiohttp.ClientSession, clock: FakeClock) -> None:
    emulator = PayPalEmulator(requests_per_minute=10, clock=clock)
    emulator.add_random_orders(12, start=WINDOW[0] + timedelta(minutes=1), end=NOW - timedelta(hours=1))
    async with serve_app(emulator.app()) as url:
        connector = PayPalConnector(credentials=emulator.credentials(), http=paced(session, clock), api_base_url=url)
        listed = [order async for page in connector.orders_created(*WINDOW) for order in page]

    assert len(listed) == 12
    assert clock.waits and all(w == int(w) and 1 <= w <= 60 for w in clock.waits)  # Retry-After's whole seconds
