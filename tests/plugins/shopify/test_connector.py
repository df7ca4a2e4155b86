"""The Shopify connector against mocked GraphQL Admin API answers (aioresponses)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from plugins.shopify import ShopifyConnector
from plugins.shopify.queries import (
    LINE_ITEMS_PAGE_SIZE,
    NAME_MATCHES_PAGE_SIZE,
    ORDER_LINE_ITEMS,
    ORDERS_PAGE_SIZE,
)
from server.platforms import (
    HttpClient,
    InvalidCredentials,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformLimitExceeded,
    PlatformUnavailable,
    RetryPolicy,
)
from tests.conftest import SAMPLES
from tests.plugins.conftest import RecordingSleep
from tests.plugins.shopify.graphql_responses import (
    ORDER_1001,
    ORDER_1001_GID,
    line_item,
    line_items_response,
    order_node,
    order_response,
    orders_response,
)

TOKEN = "shpat_0123456789abcdef-secret"
CREDENTIALS = {"shop_domain": "my-shop.myshopify.com", "access_token": TOKEN}
ENDPOINT = "https://my-shop.myshopify.com/admin/api/2026-10/graphql.json"
THROTTLED = json.loads((SAMPLES / "shopify" / "graphql-throttled.json").read_text())
MAX_COST_EXCEEDED = json.loads((SAMPLES / "shopify" / "graphql-max-cost-exceeded.json").read_text())


@pytest.fixture
def shopify(http: HttpClient) -> ShopifyConnector:
    return ShopifyConnector(credentials=CREDENTIALS, http=http)


def sent(api: aioresponses, url: str = ENDPOINT) -> list[dict[str, Any]]:
    """The GraphQL request bodies posted to ``url``, in order."""
    return [call.kwargs["json"] for call in api.requests.get(("POST", URL(url)), [])]


def variables(api: aioresponses) -> list[dict[str, Any]]:
    return [body["variables"] for body in sent(api)]


# --- fetch_order -------------------------------------------------------------------


async def test_fetch_by_hash_name_keeps_only_the_exact_match(api: aioresponses, shopify: ShopifyConnector) -> None:
    near_matches = [order_node(1, name="#10010"), order_node(450789469, name="#1001")]
    api.post(ENDPOINT, payload=orders_response(near_matches))

    order = await shopify.fetch_order("  #1001 ")

    assert order is not None
    assert (order.order_id, order.order_number) == ("450789469", "#1001")
    [body] = sent(api)
    assert body["variables"]["query"] == 'name:"#1001"'
    assert body["variables"]["first"] == NAME_MATCHES_PAGE_SIZE
    assert "orders(" in body["query"]
    call = api.requests[("POST", URL(ENDPOINT))][0]
    assert call.kwargs["headers"]["X-Shopify-Access-Token"] == TOKEN


async def test_fetch_by_bare_number_matches_the_name_with_its_hash(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([]))
    api.post(ENDPOINT, payload=orders_response([ORDER_1001]))

    order = await shopify.fetch_order("1001")

    assert order is not None and order.order_id == "450789469"
    assert [v["query"] for v in variables(api)] == ['name:"1001"', 'name:"#1001"']


async def test_fetch_by_bare_number_stops_when_shopify_matches_it_without_hash(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([ORDER_1001]))

    order = await shopify.fetch_order("1001")

    assert order is not None and order.order_number == "#1001"
    assert [v["query"] for v in variables(api)] == ['name:"1001"']


async def test_fetch_by_custom_prefixed_name_ignores_case(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=orders_response([order_node(77, name="SO-1001")]))

    order = await shopify.fetch_order("so-1001")

    assert order is not None and (order.order_id, order.order_number) == ("77", "SO-1001")
    assert variables(api)[0]["query"] == 'name:"so-1001"'


async def test_fetch_by_numeric_id_after_the_name_search_finds_nothing(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([]))
    api.post(ENDPOINT, payload=orders_response([]))
    api.post(ENDPOINT, payload=order_response(ORDER_1001))

    order = await shopify.fetch_order("450789469")

    assert order is not None and order.order_number == "#1001"
    name_search, hashed_search, by_id = sent(api)
    assert name_search["variables"]["query"] == 'name:"450789469"'
    assert hashed_search["variables"]["query"] == 'name:"#450789469"'
    assert by_id["variables"] == {"id": ORDER_1001_GID, "lineItems": ORDER_LINE_ITEMS}
    assert "order(id: $id)" in by_id["query"]


async def test_fetch_by_gid_asks_for_that_order_only(api: aioresponses, shopify: ShopifyConnector) -> None:
    cancelled = {**ORDER_1001, "cancelledAt": "2008-01-11T16:00:00Z"}
    api.post(ENDPOINT, payload=order_response(cancelled))

    order = await shopify.fetch_order(ORDER_1001_GID)

    assert order is not None and order.order_id == "450789469"
    assert variables(api) == [{"id": ORDER_1001_GID, "lineItems": ORDER_LINE_ITEMS}]


async def test_fetch_returns_none_when_shopify_has_no_such_order(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=orders_response([order_node(1, name="#10010")]), repeat=2)
    api.post(ENDPOINT, payload=order_response(None))

    assert await shopify.fetch_order("1001") is None
    assert len(sent(api)) == 3


async def test_fetch_by_name_only_does_not_try_an_id(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=orders_response([]))

    assert await shopify.fetch_order("#1001") is None
    assert len(sent(api)) == 1


async def test_fetch_gid_of_another_resource_is_not_an_order(api: aioresponses, shopify: ShopifyConnector) -> None:
    assert await shopify.fetch_order("gid://shopify/Product/1001") is None
    assert sent(api) == []


async def test_search_values_are_quoted_and_escaped(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=orders_response([]), repeat=True)

    assert await shopify.fetch_order('A"B\\C') is None
    assert [v["query"] for v in variables(api)] == ['name:"A\\"B\\\\C"', 'name:"#A\\"B\\\\C"']


async def test_name_search_follows_pages_until_the_match(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=orders_response([order_node(1, name="#10010")], next_cursor="c1"))
    api.post(ENDPOINT, payload=orders_response([ORDER_1001]))

    order = await shopify.fetch_order("#1001")

    assert order is not None and order.order_id == "450789469"
    assert [v["after"] for v in variables(api)] == [None, "c1"]


async def test_fetched_order_gets_every_line_item(api: aioresponses, shopify: ShopifyConnector) -> None:
    first = [line_item(f"Item {n}", f"SKU-{n}", 1, "1.00", "1.00") for n in range(3)]
    api.post(ENDPOINT, payload=order_response(order_node(9, line_items=first, more_line_items_after="li-3")))
    api.post(ENDPOINT, payload=line_items_response([line_item("Item 3", None, 2, "2.50", "5.00")]))

    order = await shopify.fetch_order("gid://shopify/Order/9")

    assert order is not None
    assert [i.name for i in order.line_items] == ["Item 0", "Item 1", "Item 2", "Item 3"]
    assert variables(api)[1] == {"id": "gid://shopify/Order/9", "first": LINE_ITEMS_PAGE_SIZE, "after": "li-3"}
    assert len(order.raw["lineItems"]["nodes"]) == 4


# --- orders_created ------------------------------------------------------------


async def test_window_listing_follows_cursors_and_yields_each_order_once(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([order_node(101), order_node(102)], next_cursor="c1"))
    api.post(ENDPOINT, payload=orders_response([order_node(103)], next_cursor="c2"))
    api.post(ENDPOINT, payload=orders_response([order_node(104), order_node(105)]))
    start = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    end = datetime(2024, 5, 1, 16, 0, 0, 500000, tzinfo=UTC)

    pages = [[o.order_id for o in page] async for page in shopify.orders_created(start, end)]

    assert pages == [["101", "102"], ["103"], ["104", "105"]]
    window = "created_at:>='2024-05-01T10:00:00Z' created_at:<='2024-05-01T16:00:01Z'"
    assert variables(api) == [
        {"first": ORDERS_PAGE_SIZE, "after": after, "query": window, "lineItems": 5} for after in (None, "c1", "c2")
    ]
    assert all("sortKey: CREATED_AT" in body["query"] for body in sent(api))


async def test_window_listing_fetches_the_rest_of_long_line_item_lists(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    five = [line_item(f"Item {n}", None, 1, "1.00", "1.00") for n in range(5)]
    long_order = order_node(7, line_items=five, more_line_items_after="c5")
    api.post(ENDPOINT, payload=orders_response([long_order, order_node(8)]))
    api.post(ENDPOINT, payload=line_items_response([line_item("Item 5", None, 1, "1.00", "1.00")], next_cursor="c6"))
    api.post(ENDPOINT, payload=line_items_response([line_item("Item 6", None, 1, "1.00", "1.00")]))
    moment = datetime(2024, 5, 1, tzinfo=UTC)

    [page] = [page async for page in shopify.orders_created(moment, moment)]

    assert [len(o.line_items) for o in page] == [7, 3]
    assert [(v["id"], v["after"]) for v in variables(api)[1:]] == [
        ("gid://shopify/Order/7", "c5"),
        ("gid://shopify/Order/7", "c6"),
    ]


async def test_window_listing_with_no_orders_yields_one_empty_page(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([]))
    moment = datetime(2024, 5, 1, tzinfo=UTC)

    assert [page async for page in shopify.orders_created(moment, moment)] == [[]]


async def test_max_cost_exceeded_shrinks_the_page_for_this_and_later_pages(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    smaller = ORDERS_PAGE_SIZE * 1000 // 1002
    as_reported = 3 + smaller * (1002 - 3) // ORDERS_PAGE_SIZE  # the cost per order Shopify's refusal implies
    api.post(ENDPOINT, payload=MAX_COST_EXCEEDED)
    api.post(ENDPOINT, payload=orders_response([order_node(1)], next_cursor="c1", requested=as_reported))
    api.post(ENDPOINT, payload=orders_response([order_node(2)], requested=as_reported))
    moment = datetime(2024, 5, 1, tzinfo=UTC)

    pages = [page async for page in shopify.orders_created(moment, moment)]

    assert len(pages) == 2
    assert [v["first"] for v in variables(api)] == [ORDERS_PAGE_SIZE, smaller, smaller]


async def test_max_cost_exceeded_even_for_one_order_is_a_limit_error(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    too_costly = {"errors": [{"message": "too costly", "extensions": {"code": "MAX_COST_EXCEEDED"}}]}
    api.post(ENDPOINT, payload=too_costly, repeat=True)

    with pytest.raises(PlatformLimitExceeded, match="MAX_COST_EXCEEDED"):
        await shopify.fetch_order("#1001")
    halvings = [NAME_MATCHES_PAGE_SIZE]
    while halvings[-1] > 1:
        halvings.append(halvings[-1] // 2)
    assert [v["first"] for v in variables(api)] == halvings


# --- the request itself ----------------------------------------------------------


async def test_api_base_url_and_version_replace_only_the_host_part(api: aioresponses, http: HttpClient) -> None:
    url = "http://127.0.0.1:8765/emulator/admin/api/2025-07/graphql.json"
    api.post(url, payload=order_response(None))
    shopify = ShopifyConnector(
        credentials={**CREDENTIALS, "api_version": "2025-07"}, http=http, api_base_url="http://127.0.0.1:8765/emulator/"
    )

    assert await shopify.fetch_order(ORDER_1001_GID) is None
    assert len(sent(api, url)) == 1


# --- throttling, retries and errors -----------------------------------------------


@pytest.mark.parametrize("status", [200, 429])
async def test_throttled_waits_what_throttle_status_says_then_succeeds(
    api: aioresponses, http_session: aiohttp.ClientSession, status: int
) -> None:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0, timeout=2.0), sleep=sleep)
    shopify = ShopifyConnector(credentials=CREDENTIALS, http=http)
    api.post(ENDPOINT, status=status, payload=THROTTLED)
    api.post(ENDPOINT, payload=order_response(ORDER_1001))

    order = await shopify.fetch_order(ORDER_1001_GID)

    assert order is not None
    assert sleep.delays == [pytest.approx((70 - 66) / 50)]


async def test_throttled_without_cost_data_waits_one_second(
    api: aioresponses, http_session: aiohttp.ClientSession
) -> None:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0, timeout=2.0), sleep=sleep)
    shopify = ShopifyConnector(credentials=CREDENTIALS, http=http)
    api.post(ENDPOINT, payload={"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})
    api.post(ENDPOINT, payload=order_response(ORDER_1001))

    assert await shopify.fetch_order(ORDER_1001_GID) is not None
    assert sleep.delays == [1.0]


async def test_throttled_forever_is_unavailable(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, payload=THROTTLED, repeat=True)

    with pytest.raises(PlatformUnavailable, match="throttled"):
        await shopify.fetch_order(ORDER_1001_GID)


async def test_server_error_then_success(api: aioresponses, shopify: ShopifyConnector) -> None:
    api.post(ENDPOINT, status=503)
    api.post(ENDPOINT, payload=order_response(ORDER_1001))

    assert await shopify.fetch_order(ORDER_1001_GID) is not None
    assert len(sent(api)) == 2


UNDEFINED_FIELD = {
    "errors": [{"message": "Field 'x' doesn't exist on type 'Order'", "extensions": {"code": "undefinedField"}}]
}
ERROR_CASES = [
    pytest.param(
        {"status": 502, "repeat": True},
        PlatformUnavailable,
        "HTTP 502",
        id="5xx-forever",
    ),
    pytest.param(
        {
            "status": 401,
            "payload": {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
        },
        PlatformAuthError,
        "401",
        id="401",
    ),
    pytest.param(
        {
            "payload": {
                "errors": [
                    {
                        "message": 'Access denied for order field. Required access: "read_orders" access scope.',
                        "extensions": {"code": "ACCESS_DENIED"},
                    }
                ],
                "data": {"order": None},
            }
        },
        PlatformAuthError,
        "ACCESS_DENIED",
        id="access-denied",
    ),
    pytest.param(
        {"payload": UNDEFINED_FIELD},
        PlatformBadResponse,
        "undefinedField: Field 'x' doesn't exist",
        id="graphql-error",
    ),
    pytest.param({"body": "<html>Oops</html>"}, PlatformBadResponse, "not JSON", id="garbage"),
    pytest.param({"payload": {"extensions": {}}}, PlatformBadResponse, "data", id="no-data"),
    pytest.param({"payload": {"data": {"shop": {}}}}, PlatformBadResponse, "order", id="wrong-shape"),
    pytest.param({"payload": ["not", "graphql"]}, PlatformBadResponse, "not a GraphQL response", id="json-array"),
    pytest.param({"status": 404, "body": "Not Found"}, PlatformBadResponse, "404", id="unknown-shop"),
]


@pytest.mark.parametrize(("answer", "error", "message"), ERROR_CASES)
async def test_errors_map_to_the_contract_and_never_show_credentials(
    api: aioresponses, shopify: ShopifyConnector, answer: dict[str, Any], error: type[PlatformError], message: str
) -> None:
    api.post(ENDPOINT, **answer)

    with pytest.raises(error, match=message) as caught:
        await shopify.fetch_order(ORDER_1001_GID)
    assert TOKEN not in str(caught.value)


async def test_listing_page_without_a_new_cursor_is_a_bad_response(
    api: aioresponses, shopify: ShopifyConnector
) -> None:
    api.post(ENDPOINT, payload=orders_response([order_node(1)], next_cursor="c1"))
    api.post(ENDPOINT, payload=orders_response([order_node(2)], next_cursor="c1"))
    moment = datetime(2024, 5, 1, tzinfo=UTC)

    with pytest.raises(PlatformBadResponse, match="endCursor"):
        [page async for page in shopify.orders_created(moment, moment)]


# --- credentials ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("my-shop.myshopify.com", "my-shop.myshopify.com"),
        ("https://my-shop.myshopify.com/", "my-shop.myshopify.com"),
        ("  HTTPS://My-Shop.MyShopify.com  ", "my-shop.myshopify.com"),
    ],
)
def test_shop_domain_is_normalized_to_the_bare_host(typed: str, stored: str) -> None:
    cleaned = ShopifyConnector.check_credentials({"shop_domain": typed, "access_token": TOKEN})
    assert cleaned == {"shop_domain": stored, "access_token": TOKEN}


@pytest.mark.parametrize(
    "domain",
    [
        "https://my-shop.myshopify.com/admin",
        "https://my-shop.myshopify.com:8443",
        "https://user@my-shop.myshopify.com",
        "ftp://my-shop.myshopify.com",
        "my shop.myshopify.com",
        "my_shop.myshopify.com",
    ],
)
def test_bad_shop_domains_are_refused(domain: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        ShopifyConnector.check_credentials({"shop_domain": domain, "access_token": TOKEN})
    assert caught.value.field == "shop_domain"
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "stored"), [("My-Shop", "my-shop.myshopify.com"), ("shop.example.com", "shop.example.com")]
)
def test_shop_domains_are_normalized(typed: str, stored: str) -> None:
    assert ShopifyConnector.check_credentials({"shop_domain": typed, "access_token": TOKEN})["shop_domain"] == stored


async def test_a_host_other_than_myshopify_needs_an_api_base_url(http: HttpClient) -> None:
    elsewhere = ShopifyConnector(credentials={"shop_domain": "my-shop.example.com", "access_token": TOKEN}, http=http)
    with pytest.raises(InvalidCredentials, match="apiBaseUrl") as caught:
        await elsewhere.fetch_order("#1001")
    assert caught.value.field == "shop_domain"


@pytest.mark.parametrize("version", ["2026-02", "26-10", "2026-10-01", "latest", "2026_10"])
def test_bad_api_versions_are_refused(version: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        ShopifyConnector.check_credentials({**CREDENTIALS, "api_version": version})
    assert caught.value.field == "api_version"


def test_api_version_is_optional_and_checked_when_given() -> None:
    assert ShopifyConnector.check_credentials({**CREDENTIALS, "api_version": " 2025-01 "})["api_version"] == "2025-01"
    assert "api_version" not in ShopifyConnector.check_credentials({**CREDENTIALS, "api_version": ""})


def test_access_token_is_required() -> None:
    with pytest.raises(InvalidCredentials) as caught:
        ShopifyConnector.check_credentials({"shop_domain": "my-shop.myshopify.com", "access_token": " "})
    assert caught.value.field == "access_token"
