"""The Shopify GraphQL Admin API emulator behaves like Shopify's documentation says."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from plugins.shopify.emulator import ShopifyEmulator, demo_emulator

URL = "/admin/api/2025-10/graphql.json"
TOKEN = "shpat_test_token"
T0 = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)

ORDERS = """
query Orders($first: Int, $last: Int, $after: String, $before: String, $query: String,
             $sortKey: OrderSortKeys, $reverse: Boolean) {
  orders(first: $first, last: $last, after: $after, before: $before, query: $query,
         sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id name createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> ShopifyEmulator:
    return ShopifyEmulator(access_token=TOKEN, clock=clock, now=lambda: T0 + timedelta(days=1))


@pytest.fixture
async def client(emulator: ShopifyEmulator) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


async def gql(client: TestClient[Any, Any], document: str, /, **variables: Any) -> dict[str, Any]:
    headers = {"X-Shopify-Access-Token": TOKEN}
    response = await client.post(URL, json={"query": document, "variables": variables}, headers=headers)
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


def names(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["orders"]["edges"]]


# --- HTTP surface --------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"X-Shopify-Access-Token": "shpat_wrong"}])
async def test_missing_or_wrong_token_is_401_with_shopifys_body(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    response = await client.post(URL, json={"query": "{ shop { name } }"}, headers=headers)
    assert response.status == 401
    assert await response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


@pytest.mark.parametrize("version", ["2025-02", "2025-1", "latest", "2025-13"])
async def test_unknown_api_version_is_404(client: TestClient[Any, Any], version: str) -> None:
    response = await client.post(
        f"/admin/api/{version}/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": TOKEN},
    )
    assert response.status == 404
    assert await response.json() == {"errors": "Not Found"}


@pytest.mark.parametrize("body", ["{not json", "[]", '{"variables": {}}'])
async def test_unusable_body_is_400(client: TestClient[Any, Any], body: str) -> None:
    response = await client.post(
        URL, data=body, headers={"X-Shopify-Access-Token": TOKEN, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert await response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


async def test_shop_and_requests_are_recorded_with_the_token_redacted(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    body = await gql(client, "{ shop { name myshopifyDomain currencyCode ianaTimezone } }")
    assert body["data"]["shop"] == {
        "name": "Demo Shop",
        "myshopifyDomain": "demo-shop.myshopify.com",
        "currencyCode": "USD",
        "ianaTimezone": "UTC",
    }
    [request] = emulator.requests
    assert request["method"] == "POST" and request["path"] == URL
    assert request["headers"]["X-Shopify-Access-Token"] == "[redacted]"
    assert request["json"]["query"].startswith("{ shop")
    assert TOKEN not in json.dumps(emulator.requests)


async def test_unknown_field_is_a_validation_error(client: TestClient[Any, Any]) -> None:
    body = await gql(client, "{ orders(first: 1) { nodes { id totl } } }")
    [error] = body["errors"]
    assert error["message"] == "Field 'totl' doesn't exist on type 'Order'"
    assert error["extensions"]["code"] == "undefinedField"
    assert error["locations"] == [{"line": 1, "column": 33}]
    assert "data" not in body


# --- orders --------------------------------------------------------------------------------------


async def test_order_by_gid_and_unknown_gid_is_null(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    order = emulator.add_order(created_at=T0, total="42.50", email="ada@example.com", customer=("Ada", "Lovelace"))
    query = "query($id: ID!) { order(id: $id) { id legacyResourceId name email customer { displayName } } }"
    body = await gql(client, query, id=order["id"])
    assert body["data"]["order"] == {
        "id": order["id"],
        "legacyResourceId": order["legacyResourceId"],
        "name": "#1001",
        "email": "ada@example.com",
        "customer": {"displayName": "Ada Lovelace"},
    }
    missing = await gql(client, query, id="gid://shopify/Order/1")
    assert missing["data"] == {"order": None}
    assert "errors" not in missing
    not_a_gid = await gql(client, query, id="1001")
    assert not_a_gid["data"] == {"order": None}
    assert not_a_gid["errors"][0]["message"] == "Invalid global id '1001'"


async def test_money_time_and_id_formats(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.add_random_orders(20, start=T0, end=T0 + timedelta(hours=6), seed=3)
    query = """{ orders(first: 20) { nodes {
        id legacyResourceId createdAt updatedAt processedAt
        totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
        subtotalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
        lineItems(first: 5) { nodes { id quantity originalUnitPriceSet { shopMoney { amount } } } }
    } } }"""
    body = await gql(client, query)
    orders = body["data"]["orders"]["nodes"]
    assert len(orders) == 20
    for order in orders:
        assert re.fullmatch(r"gid://shopify/Order/\d{13}", order["id"])
        assert order["id"].endswith("/" + order["legacyResourceId"])
        for stamp in (order["createdAt"], order["updatedAt"], order["processedAt"]):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
        money = order["totalPriceSet"]["shopMoney"]
        assert re.fullmatch(r"\d+\.\d+", money["amount"]) and money["currencyCode"] == "USD"
        lines = order["lineItems"]["nodes"]
        assert 1 <= len(lines) <= 4
        line_sum = sum(float(x["originalUnitPriceSet"]["shopMoney"]["amount"]) * x["quantity"] for x in lines)
        assert float(order["subtotalPriceSet"]["shopMoney"]["amount"]) == pytest.approx(line_sum)


async def test_decimal_strings_follow_shopifys_serialization(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    emulator.add_order(created_at=T0, total="2000.00")
    emulator.add_order(created_at=T0, total="11.50")
    emulator.add_order(created_at=T0, total="19.99")
    body = await gql(client, "{ orders(first: 3, sortKey: ID) { nodes { totalPriceSet { shopMoney { amount } } } } }")
    amounts = [n["totalPriceSet"]["shopMoney"]["amount"] for n in body["data"]["orders"]["nodes"]]
    assert amounts == ["2000.0", "11.5", "19.99"]


# --- search --------------------------------------------------------------------------------------


@pytest.fixture
def window_orders(emulator: ShopifyEmulator) -> None:
    for offset in (-1, 0, 1800, 3600, 3601):  # seconds from T0: #1001 .. #1005
        emulator.add_order(created_at=T0 + timedelta(seconds=offset))


@pytest.mark.usefixtures("window_orders")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("created_at:>='2026-03-01T10:00:00Z' created_at:<='2026-03-01T11:00:00Z'", ["#1002", "#1003", "#1004"]),
        ('created_at:>"2026-03-01T10:00:00Z" AND created_at:<"2026-03-01T11:00:00Z"', ["#1003"]),
        ("created_at:>=2026-03-01T12:00:00+02:00 created_at:<=2026-03-01T13:00:00+02:00", ["#1002", "#1003", "#1004"]),
        ("created_at:2026-03-01T10:30:00Z", ["#1003"]),
        ("created_at:2026-03-01", ["#1001", "#1002", "#1003", "#1004", "#1005"]),
        ("created_at:<2026-03-01", []),
        ("created_at:<='2026-03-01T09:59:59Z' OR created_at:>'2026-03-01T11:00:00Z'", ["#1001", "#1005"]),
        ("-created_at:<'2026-03-01T11:00:00Z'", ["#1004", "#1005"]),
    ],
)
async def test_created_at_window_has_exact_boundaries(
    client: TestClient[Any, Any], query: str, expected: list[str]
) -> None:
    body = await gql(client, ORDERS, first=50, query=query, sortKey="CREATED_AT")
    assert names(body) == expected


@pytest.mark.parametrize("query", ["name:1002", "name:#1002", 'name:"#1002"', "name:'1002'"])
async def test_name_search_with_or_without_hash(
    client: TestClient[Any, Any], emulator: ShopifyEmulator, query: str
) -> None:
    for _ in range(3):
        emulator.add_order(created_at=T0)
    body = await gql(client, ORDERS, first=10, query=query)
    assert names(body) == ["#1002"]


async def test_name_search_with_a_custom_prefix_is_case_insensitive(clock: FakeClock) -> None:
    emulator = ShopifyEmulator(access_token=TOKEN, name_prefix="SO-", clock=clock)
    emulator.add_order(created_at=T0)
    async with TestClient(TestServer(emulator.app())) as client:
        assert names(await gql(client, ORDERS, first=5, query="name:so-1001")) == ["SO-1001"]
        assert names(await gql(client, ORDERS, first=5, query="name:1001")) == []


async def test_status_and_financial_status_filters(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.add_order(created_at=T0)  # open
    emulator.add_order(created_at=T0, closed=True)
    emulator.add_order(created_at=T0, financial_status="REFUNDED", cancelled=True)
    emulator.add_order(created_at=T0, financial_status="PENDING")
    assert names(await gql(client, ORDERS, first=10)) == ["#1001", "#1002", "#1003", "#1004"]
    assert names(await gql(client, ORDERS, first=10, query="status:open")) == ["#1001", "#1004"]
    assert names(await gql(client, ORDERS, first=10, query="status:cancelled")) == ["#1003"]
    assert names(await gql(client, ORDERS, first=10, query="status:any financial_status:pending")) == ["#1004"]


async def test_unknown_search_field_is_dropped_with_a_warning(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    emulator.add_order(created_at=T0)
    emulator.add_order(created_at=T0 + timedelta(hours=2))
    body = await gql(client, ORDERS, first=10, query="staff_member:Kat created_at:<'2026-03-01T11:00:00Z'")
    assert names(body) == ["#1001"]
    [search] = body["extensions"]["search"]
    assert search["path"] == ["orders"]
    assert search["warnings"] == [
        {"field": "staff_member", "message": "Invalid search field for this query.", "code": "invalid_field"}
    ]


# --- pagination ----------------------------------------------------------------------------------


async def test_cursor_pagination_returns_every_order_exactly_once(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    added = emulator.add_random_orders(620, start=T0, end=T0 + timedelta(hours=6), seed=7)
    seen: list[str] = []
    after = None
    while True:
        body = await gql(client, ORDERS, first=250, after=after, sortKey="CREATED_AT")
        connection = body["data"]["orders"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert len(seen) == 620 and set(seen) == {order["id"] for order in added}
    stamps = [order["createdAt"] for order in added]
    assert stamps == sorted(stamps)


async def test_cursor_is_base64_json_of_id_and_sort_value(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    order = emulator.add_order(created_at=T0)
    edge = (await gql(client, ORDERS, first=1))["data"]["orders"]["edges"][0]
    assert json.loads(base64.b64decode(edge["cursor"])) == {
        "last_id": int(order["legacyResourceId"]),
        "last_value": "2026-03-01 10:00:00.000000",
    }


async def test_last_and_before_page_backwards(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    for minute in range(7):
        emulator.add_order(created_at=T0 + timedelta(minutes=minute))
    tail = await gql(client, ORDERS, last=3, sortKey="CREATED_AT")
    assert names(tail) == ["#1005", "#1006", "#1007"]
    info = tail["data"]["orders"]["pageInfo"]
    assert info["hasPreviousPage"] and not info["hasNextPage"]
    before = await gql(client, ORDERS, last=3, before=info["startCursor"], sortKey="CREATED_AT")
    assert names(before) == ["#1002", "#1003", "#1004"]
    head = await gql(client, ORDERS, last=3, before=before["data"]["orders"]["pageInfo"]["startCursor"])
    assert names(head) == ["#1001"]
    assert not head["data"]["orders"]["pageInfo"]["hasPreviousPage"]


async def test_sort_key_and_reverse(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.add_order(created_at=T0 + timedelta(minutes=5))
    emulator.add_order(created_at=T0)
    emulator.add_order(created_at=T0 + timedelta(minutes=5))
    assert names(await gql(client, ORDERS, first=5, sortKey="CREATED_AT")) == ["#1002", "#1001", "#1003"]
    reverse = await gql(client, ORDERS, first=2, sortKey="CREATED_AT", reverse=True)
    assert names(reverse) == ["#1003", "#1001"]
    rest = await gql(
        client,
        ORDERS,
        first=2,
        sortKey="CREATED_AT",
        reverse=True,
        after=reverse["data"]["orders"]["pageInfo"]["endCursor"],
    )
    assert names(rest) == ["#1002"]
    assert names(await gql(client, ORDERS, first=5, sortKey="ID", reverse=True)) == ["#1003", "#1002", "#1001"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [({}, "you must provide one of first or last"), ({"first": 251}, "between 0 and 250")],
)
async def test_page_size_is_required_and_capped(
    client: TestClient[Any, Any], variables: dict[str, Any], message: str
) -> None:
    body = await gql(client, ORDERS, **variables)
    assert body["data"] is None
    assert message in body["errors"][0]["message"]
    assert body["errors"][0]["path"] == ["orders"]


async def test_line_items_are_a_paginated_connection(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    lines = [{"title": f"Item {i}", "price": "5.00", "sku": f"SKU-{i}"} for i in range(3)]
    order = emulator.add_order(created_at=T0, line_items=lines)
    query = """query($id: ID!, $after: String) { order(id: $id) {
        lineItems(first: 2, after: $after) { edges { cursor node { title sku } } pageInfo { hasNextPage endCursor } }
    } }"""
    page = (await gql(client, query, id=order["id"]))["data"]["order"]["lineItems"]
    assert [e["node"]["title"] for e in page["edges"]] == ["Item 0", "Item 1"]
    assert page["pageInfo"]["hasNextPage"]
    rest = await gql(client, query, id=order["id"], after=page["pageInfo"]["endCursor"])
    assert [e["node"]["sku"] for e in rest["data"]["order"]["lineItems"]["edges"]] == ["SKU-2"]


# --- cost and throttling -------------------------------------------------------------------------


async def test_every_response_reports_requested_and_actual_cost(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    for _ in range(3):
        emulator.add_order(
            created_at=T0, line_items=[{"title": "Mug", "price": "16.00"}, {"title": "Tea", "price": "9"}]
        )
    query = (
        "{ orders(first: 10) { edges { node { id totalPriceSet { shopMoney { amount } } "
        "lineItems(first: 5) { nodes { id } } } } } }"
    )
    body = await gql(client, query)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * (1 + 2 + (2 + 5))
    assert cost["actualQueryCost"] == 2 + 3 * (1 + 2 + (2 + 2))
    assert cost["throttleStatus"] == {
        "maximumAvailable": 2000.0,  # a Standard store's bucket, the default
        "currentlyAvailable": 2000.0 - cost["actualQueryCost"],
        "restoreRate": 100.0,
    }


async def test_throttled_when_the_bucket_is_empty_and_recovers_after_restore(clock: FakeClock) -> None:
    emulator = ShopifyEmulator(access_token=TOKEN, bucket_size=100.0, restore_rate=10.0, clock=clock)
    emulator.add_random_orders(80, start=T0, end=T0 + timedelta(hours=1))
    query = "{ orders(first: 40) { nodes { id } } }"  # 42 points, all of them used
    async with TestClient(TestServer(emulator.app())) as client:
        assert "data" in await gql(client, query)
        assert "data" in await gql(client, query)
        throttled = await gql(client, query)  # 16 points left
        assert throttled == {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
                }
            ],
            "extensions": {
                "cost": {
                    "requestedQueryCost": 42,
                    "actualQueryCost": None,
                    "throttleStatus": {"maximumAvailable": 100.0, "currentlyAvailable": 16.0, "restoreRate": 10.0},
                }
            },
        }
        clock.now += 2.6  # 16 + 26 = 42
        recovered = await gql(client, query)
        assert len(recovered["data"]["orders"]["nodes"]) == 40
        assert recovered["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0.0


async def test_single_query_over_1000_points_is_max_cost_exceeded(client: TestClient[Any, Any]) -> None:
    body = await gql(client, "{ orders(first: 250) { nodes { id lineItems(first: 5) { nodes { id } } } } }")
    [error] = body["errors"]
    assert error["message"].startswith("Query cost is 2002, which exceeds the single query max cost limit (1000).")
    assert error["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": 2002,
        "maxCost": 1000,
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    }
    assert "data" not in body
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000.0


# --- fault injection -----------------------------------------------------------------------------


async def test_fail_next_answers_the_status_then_recovers(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    emulator.fail_next(503, times=2, retry_after=2.5)
    for _ in range(2):
        response = await client.post(
            URL, json={"query": "{ shop { name } }"}, headers={"X-Shopify-Access-Token": TOKEN}
        )
        assert response.status == 503
        assert response.headers["Retry-After"] == "2.5"
        assert await response.json() == {"errors": "Service Unavailable"}
    assert (await gql(client, "{ shop { name } }"))["data"]["shop"]["name"] == "Demo Shop"


async def test_throttle_next_reports_less_than_the_query_needs(
    client: TestClient[Any, Any], emulator: ShopifyEmulator
) -> None:
    emulator.throttle_next()
    body = await gql(client, ORDERS, first=50)
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    cost = body["extensions"]["cost"]
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"] == 52
    assert "data" in await gql(client, ORDERS, first=50)


async def test_garbage_next_is_a_200_that_is_not_json(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.garbage_next()
    response = await client.post(URL, json={"query": "{ shop { name } }"}, headers={"X-Shopify-Access-Token": TOKEN})
    assert response.status == 200
    with pytest.raises(ValueError):
        json.loads(await response.text())


async def test_truncate_next_cuts_the_body_short(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.truncate_next()
    response = await client.post(URL, json={"query": "{ shop { name } }"}, headers={"X-Shopify-Access-Token": TOKEN})
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert "data" in await gql(client, "{ shop { name } }")


async def test_delay_next_answers_late(client: TestClient[Any, Any], emulator: ShopifyEmulator) -> None:
    emulator.delay_next(0.2)
    started = time.monotonic()
    body = await gql(client, "{ shop { name } }")
    assert time.monotonic() - started >= 0.2
    assert body["data"]["shop"]["name"] == "Demo Shop"


# --- demo ----------------------------------------------------------------------------------------


async def test_demo_store_has_recent_realistic_orders() -> None:
    demo = demo_emulator()
    assert demo.platform_id == "shopify"
    assert demo.credentials["shop_domain"] == "demo-shop.myshopify.com"
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    query = """{ orders(first: 100, sortKey: CREATED_AT) { nodes {
        name createdAt cancelledAt displayFinancialStatus customer { displayName } } } }"""
    async with TestClient(TestServer(demo.make_double(now, 1).app())) as client:
        response = await client.post(
            URL, json={"query": query}, headers={"X-Shopify-Access-Token": demo.credentials["access_token"]}
        )
        orders = (await response.json())["data"]["orders"]["nodes"]
    assert 35 <= len(orders) <= 45
    created = [datetime.fromisoformat(o["createdAt"]) for o in orders]
    assert sum(now - timedelta(hours=8) <= c <= now for c in created) >= 35
    statuses = {o["displayFinancialStatus"] for o in orders}
    assert {"PAID", "PENDING", "REFUNDED"} <= statuses
    assert sum(o["cancelledAt"] is not None for o in orders) >= 2
    assert [o["name"] for o in orders] == [f"#{1001 + i}" for i in range(len(orders))]
