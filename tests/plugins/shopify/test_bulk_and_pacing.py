"""Listing at a Standard store's limits: pacing by the reported cost, page sizes from it, bulk operations.

The emulator and the connector share a fake clock that the connector's sleeps advance, so the
cost bucket refills exactly as long as the connector waits, and nothing waits for real.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses
from yarl import URL

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from plugins.shopify.pacing import CostBudget
from plugins.shopify.queries import ORDERS_PAGE_SIZE, ORDERS_QUERY_OVERHEAD
from server.platforms import HttpClient, Order, PlatformAuthError, RetryPolicy
from tests.plugins.shopify.graphql_responses import cost, order_node
from tests.support import FakeClock

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
START, END = NOW - timedelta(hours=6), NOW - timedelta(minutes=1)


class PagingOnly(ShopifyConnector):
    """The connector with bulk operations out of reach: every window is paged."""

    bulk_after_wait = math.inf


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=5_000.0)


def standard_store(clock: FakeClock, orders: int) -> ShopifyEmulator:
    """A Standard store (2,000 points, 100/s) holding ``orders`` realistic orders inside the window."""
    shop = ShopifyEmulator(clock=clock, now=lambda: NOW)
    shop.add_random_orders(orders, start=START + timedelta(minutes=1), end=END - timedelta(minutes=1), seed=7)
    return shop


@pytest.fixture
async def served(clock: FakeClock) -> AsyncIterator[tuple[aiohttp.ClientSession, FakeClock]]:
    async with aiohttp.ClientSession() as session:
        yield session, clock


async def listing(
    shop: ShopifyEmulator,
    session: aiohttp.ClientSession,
    clock: FakeClock,
    *,
    connector_class: type[ShopifyConnector] = ShopifyConnector,
    credentials: dict[str, str] | None = None,
) -> list[list[Order]]:
    async with TestServer(shop.app()) as server:
        http = HttpClient(session, RetryPolicy(attempts=3, max_delay=60.0), sleep=clock.sleep)
        connector = connector_class(
            credentials=credentials or shop.credentials(), http=http, api_base_url=str(server.make_url(""))
        )
        connector.budget = CostBudget(clock=clock, sleep=clock.sleep)
        return [page async for page in connector.orders_created(START, END)]


def kinds(shop: ShopifyEmulator) -> list[str]:
    """What each request to the emulator was: the GraphQL operation's name, or the file's GET."""
    found = []
    for request in shop.requests:
        if request["method"] == "GET":
            found.append("file")
        else:
            query = request["json"]["query"].lstrip()
            found.append(query.split(None, 2)[1].split("(")[0])
    return found


def listed_ids(pages: list[list[Order]]) -> list[str]:
    return [order.order_id for page in pages for order in page]


def stored_ids(shop: ShopifyEmulator) -> list[str]:
    return [node["legacyResourceId"] for node in shop.order_nodes()]


# --- bulk operations ------------------------------------------------------------------------------


async def test_a_large_window_is_read_with_one_bulk_operation_and_its_jsonl_file(served: Any) -> None:
    session, clock = served
    shop = standard_store(clock, 400)

    pages = await listing(shop, session, clock)

    ids = listed_ids(pages)
    assert sorted(ids) == sorted(stored_ids(shop)) and len(ids) == len(set(ids))
    requests = kinds(shop)
    assert requests[:3] == ["Orders", "OrdersCount", "BulkOrders"]
    assert requests[-1] == "file" and set(requests[3:-1]) == {"BulkOperation"}
    assert shop.throttled == 0
    [operation] = shop.bulk_operations()
    assert operation["status"] == "COMPLETED" and int(operation["rootObjectCount"]) == 400
    lines = sum(len(node["lineItems"]) for node in shop.order_nodes())
    assert int(operation["objectCount"]) == 400 + lines  # each line item a line of its own
    by_id = {order.order_id: order for order in (o for page in pages for o in page)}
    for node in shop.order_nodes():
        items = by_id[node["legacyResourceId"]].line_items
        assert [item.name for item in items] == [line["name"] for line in node["lineItems"]]


async def test_orders_from_a_bulk_file_equal_the_same_orders_paged(served: Any) -> None:
    session, clock = served
    shop = standard_store(clock, 300)

    bulk = await listing(shop, session, clock)
    paged = await listing(shop, session, clock, connector_class=PagingOnly)

    assert "BulkOrders" in kinds(shop)
    by_bulk = sorted((o for page in bulk for o in page), key=lambda o: o.order_id)
    by_pages = sorted((o for page in paged for o in page), key=lambda o: o.order_id)
    assert len(by_bulk) == 300
    assert by_bulk == by_pages  # every field, line items and raw payload included


async def test_a_small_window_is_paged_without_counting(served: Any) -> None:
    session, clock = served
    shop = standard_store(clock, 20)

    pages = await listing(shop, session, clock)

    assert len(listed_ids(pages)) == 20
    assert kinds(shop) == ["Orders"]


@pytest.mark.parametrize(
    ("version", "running", "code"), [("2025-10", 1, "OPERATION_IN_PROGRESS"), ("2026-10", 5, "LIMIT_REACHED")]
)
async def test_a_bulk_operation_already_running_leaves_the_window_to_paging(
    served: Any, caplog: pytest.LogCaptureFixture, version: str, running: int, code: str
) -> None:
    session, clock = served
    shop = standard_store(clock, 200)
    for _ in range(running):
        shop.add_running_bulk_operation()

    with caplog.at_level(logging.WARNING, logger="plugins.shopify.connector"):
        pages = await listing(shop, session, clock, credentials={**shop.credentials(), "api_version": version})

    ids = listed_ids(pages)
    assert sorted(ids) == sorted(stored_ids(shop)) and len(ids) == len(set(ids))
    assert len(shop.bulk_operations()) == running  # none started
    assert kinds(shop).count("Orders") == math.ceil(200 / ORDERS_PAGE_SIZE)
    assert shop.throttled == 0
    [record] = caplog.records
    assert code in record.getMessage() and "page by page" in record.getMessage()


async def test_a_failed_bulk_operation_leaves_the_window_to_paging(
    served: Any, caplog: pytest.LogCaptureFixture
) -> None:
    session, clock = served
    shop = standard_store(clock, 200)
    shop.fail_next_bulk_operation("INTERNAL_SERVER_ERROR", partial=0.5)

    with caplog.at_level(logging.WARNING, logger="plugins.shopify.connector"):
        pages = await listing(shop, session, clock)

    ids = listed_ids(pages)
    assert sorted(ids) == sorted(stored_ids(shop)) and len(ids) == len(set(ids))
    [operation] = shop.bulk_operations()
    assert operation["status"] == "FAILED" and operation["partialDataUrl"] is not None
    assert "file" not in kinds(shop)  # partial data is not a listing
    [record] = caplog.records
    assert "ended FAILED (errorCode INTERNAL_SERVER_ERROR)" in record.getMessage()


async def test_a_bulk_operation_denied_access_is_an_auth_error(served: Any) -> None:
    session, clock = served
    shop = standard_store(clock, 200)
    shop.fail_next_bulk_operation("ACCESS_DENIED")

    with pytest.raises(PlatformAuthError, match="access scopes"):
        await listing(shop, session, clock)


# --- pacing and page sizes ------------------------------------------------------------------------


async def test_paging_waits_for_the_bucket_instead_of_being_throttled(served: Any) -> None:
    session, clock = served
    shop = standard_store(clock, 300)

    pages = await listing(shop, session, clock, connector_class=PagingOnly)

    assert len(listed_ids(pages)) == 300
    assert shop.throttled == 0
    pages_sent = math.ceil(300 / ORDERS_PAGE_SIZE)
    assert kinds(shop) == ["Orders", "OrdersCount"] + ["Orders"] * (pages_sent - 1)  # none refused and sent again
    spent = ORDERS_QUERY_OVERHEAD * len(pages) + sum(8 + 5 * len(n["lineItems"]) for n in shop.order_nodes())
    # The bucket started full (2,000) and refills 100 points/s: the waits cover what it lacked, and the last
    # page, requested at a full page's cost before its actual cost was refunded, no more than its own refill.
    assert (spent - 2000) / 100 <= sum(clock.waits) <= (spent - 2000) / 100 + ORDERS_PAGE_SIZE * 33 / 100


async def test_page_size_follows_the_cost_shopify_reports(api: aioresponses, clock: FakeClock) -> None:
    endpoint = "https://my-shop.myshopify.com/admin/api/2026-10/graphql.json"
    cheaper = ORDERS_QUERY_OVERHEAD + ORDERS_PAGE_SIZE * 10  # 10 points an order, not the 33 computed here
    small_bucket = cost(requested=ORDERS_QUERY_OVERHEAD + 99 * 10)
    small_bucket["cost"]["throttleStatus"]["maximumAvailable"] = 503.0
    for number, extensions in enumerate([cost(requested=cheaper), small_bucket], start=1):
        page = {"nodes": [order_node(number)], "pageInfo": {"hasNextPage": True, "endCursor": f"c{number}"}}
        api.post(endpoint, payload={"data": {"orders": page}, "extensions": extensions})
    last = {"nodes": [order_node(3)], "pageInfo": {"hasNextPage": False, "endCursor": "c3"}}
    api.post(endpoint, payload={"data": {"orders": last}, "extensions": cost()})
    async with aiohttp.ClientSession() as session:
        connector = ShopifyConnector(
            credentials={"shop_domain": "my-shop.myshopify.com", "access_token": "shpat_x"},
            http=HttpClient(session, sleep=clock.sleep),
        )
        connector.budget = CostBudget(clock=clock, sleep=clock.sleep)
        [_ async for _ in connector.orders_created(START, END)]

    sizes = [call.kwargs["json"]["variables"]["first"] for call in api.requests[("POST", URL(endpoint))]]
    # 30 as computed; then as many 10-point orders as 1,000 points hold; then as many as a 503-point bucket holds
    assert sizes == [ORDERS_PAGE_SIZE, (1000 - 3) // 10, (503 - 3) // 10]


# --- the emulator's bulk operations ----------------------------------------------------------------


async def test_the_emulator_serves_a_bulk_file_with_child_lines_and_one_operation_at_a_time(clock: FakeClock) -> None:
    shop = standard_store(clock, 120)
    inner = (
        '{ orders(query: "created_at:>=2026-01-01") { edges { node { id name '
        "lineItems { edges { node { name } } } } } } }"
    )
    run = "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { code } } }"
    poll = "query($id: ID!) { node(id: $id) { ... on BulkOperation { status url objectCount } } }"
    headers = {"X-Shopify-Access-Token": shop.credentials()["access_token"]}
    async with TestServer(shop.app()) as server, aiohttp.ClientSession() as session:

        async def gql(version: str, document: str, **variables: Any) -> Any:
            url = server.make_url(f"/admin/api/{version}/graphql.json")
            async with session.post(url, json={"query": document, "variables": variables}, headers=headers) as answer:
                return (await answer.json())["data"]

        started = (await gql("2025-10", run, q=inner))["bulkOperationRunQuery"]
        second = (await gql("2025-10", run, q=inner))["bulkOperationRunQuery"]
        assert second == {"bulkOperation": None, "userErrors": [{"code": "OPERATION_IN_PROGRESS"}]}
        clock.now += 60
        done = (await gql("2025-10", poll, id=started["bulkOperation"]["id"]))["node"]
        async with session.get(done["url"]) as file:  # no access token: a signed URL
            lines = [json.loads(line) for line in (await file.text()).splitlines()]
        async with session.get(done["url"][:-4] + "AAAA") as guessed:
            assert guessed.status == 404

    assert done["status"] == "COMPLETED" and int(done["objectCount"]) == len(lines)
    orders = [line for line in lines if "__parentId" not in line]
    children = [line for line in lines if "__parentId" in line]
    assert len(orders) == 120 and {c["__parentId"] for c in children} == {o["id"] for o in orders}
    assert all(set(c) == {"name", "__parentId"} for c in children)
    # grouped by default before 2026-01: each order's line items right below it
    parents = [line["id"] if "__parentId" not in line else line["__parentId"] for line in lines]
    assert parents == sorted(parents, key=parents.index)
