"""The BigCommerce connector against mocked Orders V2 answers (aioresponses)."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.connector import LINE_ITEM_FETCHES, LINE_ITEMS_INCLUDED, MAX_PASSES, PAGE_SIZE
from server.platforms import (
    HttpClient,
    InvalidCredentials,
    PaymentStatus,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformLimitExceeded,
    PlatformUnavailable,
    RetryPolicy,
)
from tests.conftest import SAMPLES
from tests.plugins.conftest import RecordingSleep
from tests.plugins.paging import PagedEndpoint

TOKEN = "bc-access-token-0123456789-secret"
CLIENT_ID = "bc-client-id-abcdef"
CREDENTIALS = {"store_hash": "abc123", "access_token": TOKEN}
API = "https://api.bigcommerce.com/stores/abc123/v2"
ORDER = json.loads((SAMPLES / "bigcommerce" / "order.json").read_text())
PRODUCTS = json.loads((SAMPLES / "bigcommerce" / "order-products.json").read_text())
START = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
END = datetime(2024, 5, 1, 16, 0, 0, 500000, tzinfo=UTC)
WINDOW = {
    "min_date_created": "Wed, 01 May 2024 09:59:59 +0000",
    "max_date_created": "Wed, 01 May 2024 16:00:01 +0000",
    "sort": "id:asc",
    **LINE_ITEMS_INCLUDED,
    "limit": "250",
}
ORDERS_URL = re.compile(re.escape(f"{API}/orders?"))
COUNT_URL = re.compile(re.escape(f"{API}/orders/count?"))
COUNT = {k: WINDOW[k] for k in ("min_date_created", "max_date_created")}
ANY_PRODUCTS_URL = re.compile(re.escape(API) + r"/orders/[0-9]+/products\?")


def order_url(oid: int) -> re.Pattern[str]:
    return re.compile(re.escape(f"{API}/orders/{oid}?"))


def products_url(oid: int) -> re.Pattern[str]:
    return re.compile(re.escape(f"{API}/orders/{oid}/products?"))


# aioresponses stalls on bodies over 128 KiB: pages of 250 use lean orders and products.
LEAN_ORDER = {
    **{k: ORDER[k] for k in ("date_created", "status_id", "payment_status", "total_inc_tax", "default_currency_code")},
    "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "janedoe@example.com"},
}


def order(oid: int, **changes: Any) -> dict[str, Any]:
    return {**LEAN_ORDER, "id": oid, **changes}


def orders(first: int, last: int) -> list[dict[str, Any]]:
    return [order(oid) for oid in range(first, last + 1)]


def product(n: int) -> dict[str, Any]:
    return {"id": n, "name": f"Item {n}", "quantity": 1, "price_inc_tax": "1.0000", "total_inc_tax": "1.0000"}


@pytest.fixture
def bigcommerce(http: HttpClient) -> BigCommerceConnector:
    return BigCommerceConnector(credentials=CREDENTIALS, http=http)


def calls(api: aioresponses) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """Every GET sent, as (path after /v2, query, headers), in the order of each URL's first use."""
    sent = []
    for (method, url), requests in api.requests.items():
        assert method == "GET"
        for request in requests:
            path = url.path.removeprefix("/stores/abc123/v2")
            sent.append((path, dict(url.query), dict(request.kwargs["headers"])))
    return sent


def paths(api: aioresponses) -> list[str]:
    return [f"{path}?page={query['page']}" if "page" in query else path for path, query, _ in calls(api)]


def listing_queries(api: aioresponses) -> list[dict[str, str]]:
    return [query for path, query, _ in calls(api) if path == "/orders"]


async def collect(connector: BigCommerceConnector) -> list[list[str]]:
    return [[o.order_id for o in page] async for page in connector.orders_created(START, END)]


# --- fetch_order -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["218", "#218", "# 218", "0218"])
async def test_fetch_by_order_id_in_every_form(
    api: aioresponses, bigcommerce: BigCommerceConnector, typed: str
) -> None:
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=PRODUCTS)

    found = await bigcommerce.fetch_order(typed)

    assert found is not None
    assert (found.order_id, found.order_number) == ("218", "218")
    assert found.payment_status is PaymentStatus.PENDING
    assert [i.name for i in found.line_items] == [p["name"] for p in PRODUCTS]
    assert [(path, query) for path, query, _ in calls(api)] == [
        ("/orders/218", LINE_ITEMS_INCLUDED),  # the sample embeds no line items: /products is asked
        ("/orders/218/products", {"limit": "250", "page": "1"}),
    ]
    for _, _, headers in calls(api):
        assert headers == {"X-Auth-Token": TOKEN, "Accept": "application/json"}


async def test_client_id_is_sent_as_x_auth_client(api: aioresponses, http: HttpClient) -> None:
    bigcommerce = BigCommerceConnector(credentials={**CREDENTIALS, "client_id": CLIENT_ID}, http=http)
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), status=204)

    assert await bigcommerce.fetch_order("218") is not None
    for _, _, headers in calls(api):
        assert headers["X-Auth-Client"] == CLIENT_ID
        assert headers["X-Auth-Token"] == TOKEN


async def test_fetch_returns_none_for_404(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(999), status=404, payload=NOT_FOUND)

    assert await bigcommerce.fetch_order("999") is None
    assert paths(api) == ["/orders/999"]


@pytest.mark.parametrize("typed", ["abc", "#", "218a", "-218", "0", "#0", "21 8", "1e3", "1234567890123456789"])
async def test_fetch_of_what_is_not_an_order_id_asks_nothing(
    api: aioresponses, bigcommerce: BigCommerceConnector, typed: str
) -> None:
    assert await bigcommerce.fetch_order(typed) is None
    assert calls(api) == []


async def test_an_incomplete_checkout_is_not_an_order(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), payload=order(218, status_id=0, status="Incomplete", payment_status=""))

    assert await bigcommerce.fetch_order("218") is None
    assert paths(api) == ["/orders/218"]


async def test_fetch_never_returns_another_order(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), payload=order(219))

    with pytest.raises(PlatformBadResponse, match="another order than 218"):
        await bigcommerce.fetch_order("218")


async def test_products_are_paged_until_an_empty_page(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=[product(n) for n in range(PAGE_SIZE)])
    api.get(products_url(218), payload=[product(n) for n in range(PAGE_SIZE, PAGE_SIZE + 50)])
    api.get(products_url(218), status=204)

    found = await bigcommerce.fetch_order("218")

    assert found is not None
    assert [i.name for i in found.line_items] == [f"Item {n}" for n in range(PAGE_SIZE + 50)]
    assert len(found.raw["products"]) == PAGE_SIZE + 50
    assert paths(api) == [
        "/orders/218",
        "/orders/218/products?page=1",
        "/orders/218/products?page=2",
        "/orders/218/products?page=3",
    ]


async def test_a_page_shorter_than_the_default_page_size_is_the_last(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=[product(n) for n in range(49)])

    found = await bigcommerce.fetch_order("218")

    assert found is not None and len(found.line_items) == 49
    assert paths(api) == ["/orders/218", "/orders/218/products?page=1"]


@pytest.mark.parametrize("empty", [{"status": 204}, {"payload": []}], ids=["204", "empty-list"])
async def test_an_order_without_products(
    api: aioresponses, bigcommerce: BigCommerceConnector, empty: dict[str, Any]
) -> None:
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), **empty)

    found = await bigcommerce.fetch_order("218")

    assert found is not None and found.line_items == ()


# --- orders_created ----------------------------------------------------------------------


def count_answer(listed: int, incomplete: int = 0) -> dict[str, Any]:
    """``GET /orders/count``'s answer: ``listed`` orders the listing holds, ``incomplete`` ones it leaves out."""
    statuses = [
        {"id": 0, "name": "Incomplete", "system_label": "Incomplete", "count": incomplete, "sort_order": 0},
        {"id": 11, "name": "Awaiting Fulfillment", "system_label": "Awaiting Fulfillment", "count": listed},
    ]
    return {"statuses": statuses, "count": listed + incomplete}


def window_of(api: aioresponses, listed: list[dict[str, Any]], counted: int | None = None) -> PagedEndpoint:
    """Answer each listing page (by its number, 204 past the end) from ``listed``, and the count with ``counted``
    (default: as many)."""

    def answer(url: URL) -> CallbackResult:
        first = PAGE_SIZE * (int(url.query["page"]) - 1)
        page = listed[first : first + PAGE_SIZE]
        return CallbackResult(payload=page) if page else CallbackResult(status=204)

    endpoint = PagedEndpoint(answer)
    api.get(COUNT_URL, payload=count_answer(len(listed) if counted is None else counted), repeat=True)
    api.get(ORDERS_URL, callback=endpoint.respond, repeat=True)
    return endpoint


def pages_asked(endpoint: PagedEndpoint) -> list[str]:
    return [url.query["page"] for url in endpoint.urls]


async def test_the_window_is_counted_then_its_pages_listed_each_order_once(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    endpoint = window_of(api, orders(1, 503))
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    pages = await collect(bigcommerce)

    assert pages == [[str(n) for n in range(first, min(first + PAGE_SIZE, 504))] for first in (1, 251, 501)]
    assert calls(api)[0][:2] == ("/orders/count", COUNT)  # the same window, nothing else
    assert sorted(pages_asked(endpoint)) == ["1", "2", "3"]  # 503 orders: three pages, none past them
    assert all(query == {**WINDOW, "page": query["page"]} for query in listing_queries(api))
    products = [path for path, _, _ in calls(api) if path.endswith("/products")]
    assert sorted(products) == sorted(f"/orders/{n}/products" for n in range(1, 504))


async def test_pages_are_read_page_concurrency_at_a_time_and_the_last_once_the_others_arrived(
    api: aioresponses, bigcommerce: BigCommerceConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page where the count ends is asked alone: its answer tells how many orders the list holds by then."""
    monkeypatch.setattr(BigCommerceConnector, "page_concurrency", 4)
    endpoint = window_of(api, orders(1, 10 * PAGE_SIZE + 3))
    api.get(ANY_PRODUCTS_URL, status=204, repeat=True)

    pages = await collect(bigcommerce)

    assert [page[0] for page in pages] == [str(1 + PAGE_SIZE * n) for n in range(11)]  # in order
    assert endpoint.peak == 4
    assert pages_asked(endpoint)[-1] == "11" and endpoint.in_flight_at_start[-1] == 1
    assert sorted(pages_asked(endpoint), key=int) == [str(n) for n in range(1, 12)]


async def test_a_window_filling_its_last_page_ends_on_204_no_content(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    endpoint = window_of(api, orders(1, 250))  # page 2 answers 204 with no body: it must not be parsed
    api.get(ANY_PRODUCTS_URL, status=204, repeat=True)

    pages = await collect(bigcommerce)

    assert pages == [[str(n) for n in range(1, 251)]]
    assert pages_asked(endpoint) == ["1", "2"]


async def test_an_empty_window_costs_only_its_count(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(COUNT_URL, payload=count_answer(0, incomplete=4))

    assert await collect(bigcommerce) == []
    assert [path for path, _, _ in calls(api)] == ["/orders/count"]


async def test_orders_added_since_the_count_are_read_on_the_pages_after_it(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    endpoint = window_of(api, orders(1, 760), counted=500)  # counted before 260 more were placed
    api.get(ANY_PRODUCTS_URL, status=204, repeat=True)

    pages = await collect(bigcommerce)

    assert [o for page in pages for o in page] == [str(n) for n in range(1, 761)]
    assert pages_asked(endpoint)[-2:] == ["3", "4"]  # page 3, where the count ended, is full: page 4 follows
    assert [path for path, _, _ in calls(api)].count("/orders/count") == 1


async def test_a_second_pass_yields_and_completes_only_orders_not_yet_seen(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    """Page 1 was read before an order was inserted ahead of order 250, page 2 after: the list held 261 orders
    while the pass saw 260 of them, so the window is listed again."""
    api.get(COUNT_URL, payload=count_answer(260))
    api.get(ORDERS_URL, payload=orders(1, 250))
    api.get(ORDERS_URL, payload=orders(250, 260))
    api.get(COUNT_URL, payload=count_answer(261))
    api.get(ORDERS_URL, payload=[*orders(1, 100), order(1000), *orders(101, 249)])
    api.get(ORDERS_URL, payload=orders(250, 260))
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    pages = await collect(bigcommerce)

    assert pages == [[str(n) for n in range(1, 251)], [str(n) for n in range(251, 261)], ["1000"]]
    products = [path for path, _, _ in calls(api) if path.endswith("/products")]
    assert sorted(products) == sorted(f"/orders/{n}/products" for n in [*range(1, 261), 1000])


async def test_a_count_the_listing_never_reaches_ends_after_a_second_identical_pass(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    """Should the count count orders the listing leaves out, the second pass lists what the first did: done."""
    api.get(COUNT_URL, payload=count_answer(5), repeat=True)
    api.get(ORDERS_URL, payload=orders(1, 3), repeat=True)
    api.get(ANY_PRODUCTS_URL, status=204, repeat=True)

    assert await collect(bigcommerce) == [["1", "2", "3"]]
    assert [path for path, _, _ in calls(api)].count("/orders/count") == 2


async def test_orders_that_keep_changing_while_paged_give_up_after_max_passes(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    passes = iter(range(MAX_PASSES + 1))

    def shifting(url: URL, **kwargs: Any) -> CallbackResult:
        n = next(passes)
        return CallbackResult(payload=orders(1 + n, 3 + n))  # 3 of the 5 counted, others each time

    api.get(COUNT_URL, payload=count_answer(5), repeat=True)
    api.get(ORDERS_URL, callback=shifting, repeat=True)
    api.get(ANY_PRODUCTS_URL, status=204, repeat=True)

    with pytest.raises(PlatformUnavailable, match=f"kept changing while they were paged \\({MAX_PASSES} passes\\)"):
        await collect(bigcommerce)
    assert [path for path, _, _ in calls(api)].count("/orders/count") == MAX_PASSES


@pytest.mark.parametrize(
    "answer",
    [
        {"statuses": []},
        {"count": 3},
        {"count": "3", "statuses": []},
        {"count": True, "statuses": []},
        {"count": -1, "statuses": []},
        {"count": 3, "statuses": {"0": 1}},
        {"count": 3, "statuses": ["Incomplete"]},
        {"count": 3, "statuses": [{"id": 0, "count": 4}]},
        {"count": 3, "statuses": [{"id": 0, "count": "1"}]},
        [],
    ],
)
async def test_a_count_that_is_not_one_is_a_bad_response(
    api: aioresponses, bigcommerce: BigCommerceConnector, answer: Any
) -> None:
    api.get(COUNT_URL, payload=answer)

    with pytest.raises(PlatformBadResponse, match="/orders/count answered with"):
        await collect(bigcommerce)


async def test_incomplete_checkouts_are_left_out_of_the_window(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    api.get(COUNT_URL, payload=count_answer(3))
    api.get(ORDERS_URL, payload=[order(1), order(2, status_id=0, payment_status=""), order(3)])
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    assert await collect(bigcommerce) == [["1", "3"]]
    assert "/orders/2/products" not in [path for path, _, _ in calls(api)]


async def test_window_listing_streams_page_by_page(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    window_of(api, orders(1, 252))
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    pages = bigcommerce.orders_created(START, END)
    first = await anext(pages)

    assert len(first) == 250
    assert len(listing_queries(api)) <= 2
    assert [len(page) async for page in pages] == [2]


async def test_products_of_a_page_are_fetched_concurrently_within_a_bound(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    running = peak = 0

    async def slow_products(url: URL, **kwargs: Any) -> CallbackResult:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return CallbackResult(payload=PRODUCTS)

    window_of(api, orders(1, 3 * LINE_ITEM_FETCHES))
    api.get(ANY_PRODUCTS_URL, callback=slow_products, repeat=True)

    [page] = await collect(bigcommerce)

    assert page == [str(n) for n in range(1, 3 * LINE_ITEM_FETCHES + 1)]
    assert peak == LINE_ITEM_FETCHES


async def test_a_failing_product_list_fails_the_listing_with_its_own_error(
    api: aioresponses, bigcommerce: BigCommerceConnector
) -> None:
    window_of(api, orders(1, 3))
    api.get(products_url(2), status=500, repeat=True)
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    with pytest.raises(PlatformUnavailable, match="/orders/2/products"):
        await collect(bigcommerce)


async def test_a_page_answered_twice_is_a_bad_response(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(COUNT_URL, payload=count_answer(300))
    api.get(ORDERS_URL, payload=orders(1, 250), repeat=True)
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    with pytest.raises(PlatformBadResponse, match="page 2 with page 1 again"):
        await collect(bigcommerce)


# --- the request itself --------------------------------------------------------------------


async def test_api_base_url_replaces_only_the_origin(api: aioresponses, http: HttpClient) -> None:
    base = "http://127.0.0.1:8765/emulator"
    bigcommerce = BigCommerceConnector(credentials=CREDENTIALS, http=http, api_base_url=base + "/")
    api.get(re.compile(re.escape(f"{base}/stores/abc123/v2/orders/218?")), payload=ORDER)
    api.get(re.compile(re.escape(f"{base}/stores/abc123/v2/orders/218/products?")), payload=PRODUCTS)

    assert await bigcommerce.fetch_order("218") is not None
    assert [str(url.with_query(None)) for _, url in api.requests] == [
        f"{base}/stores/abc123/v2/orders/218",
        f"{base}/stores/abc123/v2/orders/218/products",
    ]


# --- throttling, retries and errors --------------------------------------------------------


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def patient(http_session: aiohttp.ClientSession, sleep: RecordingSleep) -> BigCommerceConnector:
    policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0, timeout=2.0)
    return BigCommerceConnector(credentials=CREDENTIALS, http=HttpClient(http_session, policy, sleep=sleep))


async def test_429_waits_until_the_quota_resets_then_succeeds(
    api: aioresponses, patient: BigCommerceConnector, sleep: RecordingSleep
) -> None:
    quota = {
        "X-Rate-Limit-Time-Window-Ms": "30000",
        "X-Rate-Limit-Time-Reset-Ms": "1500",
        "X-Rate-Limit-Requests-Quota": "150",
        "X-Rate-Limit-Requests-Left": "0",
    }
    api.get(order_url(218), status=429, headers=quota)
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=PRODUCTS)

    assert await patient.fetch_order("218") is not None
    assert sleep.delays == [1.5]


async def test_429_without_rate_limit_headers_backs_off(
    api: aioresponses, patient: BigCommerceConnector, sleep: RecordingSleep
) -> None:
    """BigCommerce: a 429 without its headers means the platform is shedding load."""
    api.get(order_url(218), status=429)
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=PRODUCTS)

    assert await patient.fetch_order("218") is not None
    [delay] = sleep.delays
    assert 0.0005 <= delay <= 0.001  # the policy's first backoff step


async def test_429_on_a_listing_page_then_success(
    api: aioresponses, patient: BigCommerceConnector, sleep: RecordingSleep
) -> None:
    api.get(COUNT_URL, payload=count_answer(2))
    api.get(ORDERS_URL, status=429, headers={"X-Rate-Limit-Time-Reset-Ms": "250"})
    api.get(ORDERS_URL, payload=orders(1, 2))
    api.get(ANY_PRODUCTS_URL, payload=PRODUCTS, repeat=True)

    assert [[o.order_id for o in page] async for page in patient.orders_created(START, END)] == [["1", "2"]]
    assert sleep.delays == [0.25]
    assert listing_queries(api) == [{**WINDOW, "page": "1"}] * 2


async def test_server_error_backs_off_whatever_the_rate_limit_headers_say(
    api: aioresponses, patient: BigCommerceConnector, sleep: RecordingSleep
) -> None:
    api.get(order_url(218), status=503, headers={"X-Rate-Limit-Time-Reset-Ms": "12000"})
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=PRODUCTS)

    assert await patient.fetch_order("218") is not None
    [delay] = sleep.delays
    assert 0.0005 <= delay <= 0.001


async def test_server_error_then_success(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), status=503)
    api.get(order_url(218), payload=ORDER)
    api.get(products_url(218), payload=PRODUCTS)

    assert await bigcommerce.fetch_order("218") is not None
    assert paths(api) == ["/orders/218", "/orders/218", "/orders/218/products?page=1"]


NOT_FOUND = [{"status": 404, "message": "The requested resource was not found."}]
V2_ERROR = [{"status": 400, "message": "The field 'min_date_created' is invalid."}]
ERROR_CASES = [
    pytest.param({"status": 502, "repeat": True}, PlatformUnavailable, "HTTP 502", id="5xx-forever"),
    pytest.param({"status": 429, "repeat": True}, PlatformUnavailable, "HTTP 429", id="429-forever"),
    pytest.param({"status": 401, "payload": {"title": "Unauthorized"}}, PlatformAuthError, "HTTP 401", id="401"),
    pytest.param({"status": 403, "payload": [{"message": "No scope"}]}, PlatformAuthError, "HTTP 403", id="403"),
    pytest.param({"body": "<html>Oops</html>"}, PlatformBadResponse, "not JSON", id="garbage"),
    pytest.param({"payload": {"id": 1}}, PlatformBadResponse, "not a list", id="object-for-a-list"),
    pytest.param(
        {"status": 400, "payload": V2_ERROR},
        PlatformBadResponse,
        re.escape("HTTP 400 (The field 'min_date_created' is invalid.)"),
        id="400-with-message",
    ),
    pytest.param({"status": 413, "body": ""}, PlatformLimitExceeded, "HTTP 413 \\(no error message\\)", id="413"),
    pytest.param({"status": 404, "payload": []}, PlatformBadResponse, "HTTP 404", id="unknown-store"),
    pytest.param({"status": 301, "headers": {"Location": "https://x.example/"}}, PlatformBadResponse, "301", id="301"),
]


@pytest.mark.parametrize(("answer", "error", "message"), ERROR_CASES)
async def test_errors_map_to_the_contract_and_never_show_credentials(
    api: aioresponses, http: HttpClient, answer: dict[str, Any], error: type[PlatformError], message: str
) -> None:
    bigcommerce = BigCommerceConnector(credentials={**CREDENTIALS, "client_id": CLIENT_ID}, http=http)
    api.get(COUNT_URL, payload=count_answer(1))
    api.get(ORDERS_URL, **answer)

    with pytest.raises(error, match=message) as caught:
        await collect(bigcommerce)
    assert TOKEN not in str(caught.value)
    assert CLIENT_ID not in str(caught.value)
    assert "/stores/abc123/v2/orders" in str(caught.value)


async def test_a_listed_item_that_is_not_an_order(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(COUNT_URL, payload=count_answer(1))
    api.get(ORDERS_URL, payload=["not an order"])

    with pytest.raises(PlatformBadResponse, match="'order' is missing or not an object"):
        await collect(bigcommerce)


async def test_fetch_refused_credentials(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), status=401)

    with pytest.raises(PlatformAuthError) as caught:
        await bigcommerce.fetch_order("218")
    assert TOKEN not in str(caught.value)


async def test_fetch_garbage(api: aioresponses, bigcommerce: BigCommerceConnector) -> None:
    api.get(order_url(218), body="{not json")

    with pytest.raises(PlatformBadResponse, match="not JSON"):
        await bigcommerce.fetch_order("218")


# --- credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "abc123",
        " ABC123 ",
        "https://api.bigcommerce.com/stores/abc123/v3/",
        "api.bigcommerce.com/stores/abc123/v2",
        "stores/abc123/v3/",
        "/stores/abc123",
        "https://store-abc123.mybigcommerce.com/manage/dashboard",
        "store-abc123.mybigcommerce.com",
    ],
)
def test_store_hash_is_reduced_to_the_bare_hash(typed: str) -> None:
    cleaned = BigCommerceConnector.check_credentials({"store_hash": typed, "access_token": f" {TOKEN} "})
    assert cleaned == {"store_hash": "abc123", "access_token": TOKEN}


@pytest.mark.parametrize(
    "typed",
    [
        "abc/123",
        "abc 123",
        "../abc123",
        "https://evil.example/stores/abc123/v3/",
        "https://api.bigcommerce.com/stores/abc123/v3/orders",
        "store-abc123.mybigcommerce.com.evil.example",
        "abc123?x=1",
    ],
)
def test_bad_store_hashes_are_refused(typed: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        BigCommerceConnector.check_credentials({"store_hash": typed, "access_token": TOKEN})
    assert caught.value.field == "store_hash"
    assert TOKEN not in str(caught.value)


def test_client_id_is_optional() -> None:
    assert "client_id" not in BigCommerceConnector.check_credentials({**CREDENTIALS, "client_id": " "})
    assert BigCommerceConnector.check_credentials({**CREDENTIALS, "client_id": CLIENT_ID})["client_id"] == CLIENT_ID


@pytest.mark.parametrize("missing", ["store_hash", "access_token"])
def test_store_hash_and_access_token_are_required(missing: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        BigCommerceConnector.check_credentials({**CREDENTIALS, missing: ""})
    assert caught.value.field == missing


def test_only_the_access_token_and_client_secret_are_secret() -> None:
    fields = {f.name: f for f in BigCommerceConnector.credential_fields}
    assert [name for name, f in fields.items() if f.secret] == ["access_token", "client_secret"]
    assert [name for name, f in fields.items() if not f.required] == ["client_id", "client_secret"]
