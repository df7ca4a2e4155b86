"""A window counted, then paged several pages at once, while its orders change (the emulator serves it)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.bigcommerce.quota import QuotaPacer
from server.platforms import HttpClient, RetryPolicy
from tests.support import FakeClock, serve_app

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
START, END = T0 - timedelta(hours=1), T0 + timedelta(hours=1)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Turns:
    """Serves the first pass's listing page ``first`` before its other pages, then makes ``change`` before them.

    Pages read at once are answered in any order; this one order makes a change between two of them shift an
    order across their boundary where neither page holds it (or where both do).
    """

    def __init__(self, first: int, change: Callable[[], None]) -> None:
        self.first, self.change = first, change
        self.done = asyncio.Event()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.endswith("/v2/orders") or self.done.is_set():
            return await handler(request)
        if int(request.query["page"]) != self.first:
            await self.done.wait()
            return await handler(request)
        response = await handler(request)
        self.change()
        self.done.set()
        return response


@pytest.fixture
def store() -> BigCommerceEmulator:
    return BigCommerceEmulator(quota=1_000_000)


@pytest.fixture
def seeded(store: BigCommerceEmulator) -> list[int]:
    """600 orders in the window (pages 1 and 2 full, 100 on page 3), their ids ascending."""
    return [order["id"] for order in store.add_random_orders(600, start=T0 - timedelta(minutes=30), end=T0, seed=5)]


async def listed(store: BigCommerceEmulator, http: HttpClient, turns: Turns | None = None) -> list[str]:
    app = store.app()
    if turns is not None:
        app.middlewares.insert(0, turns.middleware)
    async with serve_app(app) as url:
        connector = BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)
        return [order.order_id async for page in connector.orders_created(START, END) for order in page]


def paths(store: BigCommerceEmulator) -> list[str]:
    return [r["path"].split("/v2", 1)[1] for r in store.requests]


def once_each(listed: list[str], ids: list[int]) -> bool:
    times = Counter(listed)
    return all(times[str(oid)] == 1 for oid in ids)


async def test_the_count_asks_for_the_window_and_the_pages_follow_it(
    store: BigCommerceEmulator, seeded: list[int], http: HttpClient
) -> None:
    orders = await listed(store, http)

    assert orders == [str(oid) for oid in seeded]
    assert paths(store) == ["/orders/count", "/orders", "/orders", "/orders"]
    count, *pages = store.requests
    assert set(count["query"]) == {"min_date_created", "max_date_created"}
    assert sorted(page["query"]["page"] for page in pages) == ["1", "2", "3"]
    assert all(page["query"]["min_date_created"] == count["query"]["min_date_created"] for page in pages)


async def test_an_order_placed_mid_listing_shifts_nothing_and_is_listed_at_most_once(
    store: BigCommerceEmulator, seeded: list[int], http: HttpClient
) -> None:
    placed: list[int] = []
    turns = Turns(2, lambda: placed.append(store.add_order(created_at=T0)["id"]))

    orders = await listed(store, http, turns)

    assert once_each(orders, seeded) and orders.count(str(placed[0])) <= 1
    assert paths(store).count("/orders/count") == 1  # new orders come last: no second pass


async def test_an_incomplete_order_completing_mid_listing_costs_no_other_order(
    store: BigCommerceEmulator, seeded: list[int], http: HttpClient
) -> None:
    """It joins the list on page 1 after page 2 was read: page 1's last order is pushed onto page 2, read
    already, and page 3 repeats page 2's last. The list then holds more than the pass saw: a second pass."""
    incomplete = seeded.pop(10)
    store.set_status(incomplete, 0)
    turns = Turns(2, lambda: store.set_status(incomplete, 11))

    orders = await listed(store, http, turns)

    assert once_each(orders, seeded) and orders.count(str(incomplete)) <= 1
    assert paths(store).count("/orders/count") == 2


async def test_an_order_archived_mid_listing_costs_no_other_order(
    store: BigCommerceEmulator, seeded: list[int], http: HttpClient
) -> None:
    """Archived on page 1 after page 1 was read: page 2's first order moves onto page 1, read already. The pass
    lists fewer orders than its count: a second pass."""
    turns = Turns(1, lambda: store.archive_order(seeded[10]))

    orders = await listed(store, http, turns)

    assert once_each(orders, seeded)  # the archived one too: it was listed before it left
    assert paths(store).count("/orders/count") == 2


async def test_the_window_waits_for_the_quota_to_refill_rather_than_spend_its_reserve(
    http_session: aiohttp.ClientSession,
) -> None:
    clock = FakeClock()
    store = BigCommerceEmulator(quota=10, window=30.0, clock=clock)
    store.add_random_orders(3_000, start=T0 - timedelta(minutes=30), end=T0, seed=6)  # 14 requests: 2 windows
    http = HttpClient(http_session, RetryPolicy(attempts=2, base_delay=0.001, timeout=5.0), sleep=clock.sleep)
    async with serve_app(store.app()) as url:
        connector = BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)
        connector.quota = QuotaPacer(clock=clock, sleep=clock.sleep)
        orders = [order async for page in connector.orders_created(START, END) for order in page]

    assert len(orders) == 3_000
    assert paths(store) == ["/orders/count", *["/orders"] * 13]  # no 429: none sent again
    assert clock.waits and all(0 < wait <= 30.0 for wait in clock.waits)
