"""The WooCommerce connector against mocked REST API v3 answers (aioresponses)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.auth import signature_base_string
from plugins.woocommerce.connector import MAX_RELISTS
from server.platforms import (
    HttpClient,
    InvalidCredentials,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformUnavailable,
    RetryPolicy,
)
from tests.conftest import SAMPLES
from tests.plugins.conftest import RecordedAPI, RecordingSleep
from tests.plugins.paging import PagedEndpoint

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"
SITE = "https://shop.example.com"
API = f"{SITE}/wp-json/wc/v3"
CREDENTIALS = {"site_url": SITE, "consumer_key": KEY, "consumer_secret": SECRET}
SAMPLE = json.loads((SAMPLES / "woocommerce" / "order.json").read_text())
INVALID_ID = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
WINDOW_START = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
WINDOW_END = datetime(2024, 5, 1, 16, 0, 0, 500000, tzinfo=UTC)


def order(order_id: int, number: str | None = None, *, created: str = "2024-05-01T12:00:00", **changes: Any) -> Any:
    """The docs' sample order, cut to what mapping reads, with another id, number and GMT creation time.

    (aioresponses cannot serve bodies beyond the stream's buffer, so listing pages stay small.)
    """
    kept = ("status", "currency", "total", "billing", "date_paid_gmt", "refunds")
    payload = {key: SAMPLE[key] for key in kept}
    payload.update(id=order_id, number=number or str(order_id), date_created_gmt=created, line_items=[], **changes)
    return payload


def page_headers(total: int, pages: int) -> dict[str, str]:
    return {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}


class Store(RecordedAPI):
    """Mocked answers of one WooCommerce site."""

    def __init__(self, api: aioresponses, base: str = API) -> None:
        super().__init__(api, base)


@pytest.fixture
def store(api: aioresponses) -> Store:
    return Store(api)


@pytest.fixture
def woo(http: HttpClient) -> WooCommerceConnector:
    return WooCommerceConnector(credentials=CREDENTIALS, http=http)


# --- fetch_order: every form a seller types --------------------------------------------------


@pytest.mark.parametrize("typed", ["727", "#727", "  # 727 "])
async def test_fetch_by_id_whose_number_is_the_same(store: Store, woo: WooCommerceConnector, typed: str) -> None:
    store.answer("orders/727", SAMPLE)

    found = await woo.fetch_order(typed)

    assert found is not None and (found.order_id, found.order_number) == ("727", "727")
    assert [c.path for c in store.calls] == ["/wp-json/wc/v3/orders/727"]
    assert (
        store.calls[0].kwargs["headers"]["Authorization"]
        == "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    )
    assert store.calls[0].query == {}


@pytest.mark.parametrize("typed", ["WC-2024-0001", "#WC-2024-0001", "wc-2024-0001"])
async def test_fetch_by_plugin_number_searches_and_keeps_the_exact_match(
    store: Store, woo: WooCommerceConnector, typed: str
) -> None:
    near = [order(901, "WC-2024-00010"), order(902, "9000", billing={**SAMPLE["billing"], "phone": "WC-2024-0001"})]
    store.answer("orders", [*near, order(903, "WC-2024-0001")], headers=page_headers(3, 1))

    found = await woo.fetch_order(typed)

    assert found is not None and (found.order_id, found.order_number) == ("903", "WC-2024-0001")
    assert store.queries() == [{"search": typed.removeprefix("#"), "status": "any", "per_page": "100", "page": "1"}]


async def test_fetch_by_number_that_is_another_orders_id_prefers_the_number(
    store: Store, woo: WooCommerceConnector
) -> None:
    store.answer("orders/1001", order(1001, "WC-0980"))
    store.answer("orders", [order(1001, "WC-0980"), order(1500, "1001")], headers=page_headers(2, 1))

    found = await woo.fetch_order("1001")

    assert found is not None and (found.order_id, found.order_number) == ("1500", "1001")
    assert [c.path for c in store.calls] == ["/wp-json/wc/v3/orders/1001", "/wp-json/wc/v3/orders"]


async def test_fetch_by_id_of_a_renumbered_order_when_no_number_matches(
    store: Store, woo: WooCommerceConnector
) -> None:
    store.answer("orders/1001", order(1001, "WC-0980"))
    store.answer("orders", [order(1001, "WC-0980")], headers=page_headers(1, 1))

    found = await woo.fetch_order("1001")

    assert found is not None and (found.order_id, found.order_number) == ("1001", "WC-0980")


async def test_fetch_by_number_when_no_order_has_that_id(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders/1001", INVALID_ID, status=404)
    store.answer("orders", [order(1500, "1001")], headers=page_headers(1, 1))

    found = await woo.fetch_order("#1001")

    assert found is not None and found.order_id == "1500"
    assert store.queries()[1]["search"] == "1001"


async def test_number_with_leading_zero_is_not_tried_as_an_id(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [order(727, "0727")], headers=page_headers(1, 1))

    found = await woo.fetch_order("0727")

    assert found is not None and found.order_number == "0727"
    assert [c.path for c in store.calls] == ["/wp-json/wc/v3/orders"]


async def test_search_follows_pages_until_the_number(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [order(n, f"A-{n}") for n in range(1, 101)], headers=page_headers(101, 2))
    store.answer("orders", [order(200, "A-7")], headers=page_headers(101, 2))

    found = await woo.fetch_order("A-7X")

    assert found is None
    assert [q["page"] for q in store.queries()] == ["1", "2"]


async def test_search_match_on_a_later_page(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [order(n, f"B-{n}") for n in range(1, 101)], headers=page_headers(101, 2))
    store.answer("orders", [order(777, "B-0777")], headers=page_headers(101, 2))

    found = await woo.fetch_order("B-0777")

    assert found is not None and found.order_id == "777"


async def test_checkout_drafts_are_never_returned(store: Store, woo: WooCommerceConnector) -> None:
    draft = order(727, status="checkout-draft")
    store.answer("orders/727", draft)
    store.answer("orders", [draft], headers=page_headers(1, 1))

    assert await woo.fetch_order("727") is None


async def test_no_such_order(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders/4242", INVALID_ID, status=404)
    store.answer("orders", [order(1, "14242"), order(2, "42420")], headers=page_headers(2, 1))

    assert await woo.fetch_order("4242") is None


async def test_an_answer_for_another_id_is_not_that_order(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders/727", order(728))
    store.answer("orders", [], headers=page_headers(0, 0))

    assert await woo.fetch_order("727") is None


@pytest.mark.parametrize("typed", ["#", "  #  "])
async def test_nothing_to_look_for(store: Store, woo: WooCommerceConnector, typed: str) -> None:
    assert await woo.fetch_order(typed) is None
    assert store.calls == []


# --- orders_created -------------------------------------------------------------------------------

WINDOW_QUERY = {
    "after": "2024-05-01T09:59:59",
    "before": "2024-05-01T16:00:01",
    "dates_are_gmt": "true",
    "status": "any",
    "orderby": "date",
    "order": "asc",
    "per_page": "100",
}


async def listed(
    woo: WooCommerceConnector, start: datetime = WINDOW_START, end: datetime = WINDOW_END
) -> list[list[str]]:
    return [[o.order_id for o in page] async for page in woo.orders_created(start, end)]


async def test_window_listing_pages_through_every_order_once(store: Store, woo: WooCommerceConnector) -> None:
    first = [order(n, created=f"2024-05-01T11:{n % 60:02d}:00") for n in range(1, 101)]
    store.answer("orders", first, headers=page_headers(102, 2))
    store.answer(
        "orders",
        [order(101, created="2024-05-01T15:00:00"), order(102, created="2024-05-01T16:00:00")],
        headers=page_headers(102, 2),
    )

    pages = await listed(woo)

    assert pages == [[str(n) for n in range(1, 101)], ["101", "102"]]
    assert store.queries() == [{**WINDOW_QUERY, "page": "1"}, {**WINDOW_QUERY, "page": "2"}]
    assert all(c.path == "/wp-json/wc/v3/orders" for c in store.calls)


async def test_window_listing_rechecks_times_and_skips_drafts(store: Store, woo: WooCommerceConnector) -> None:
    answers = [
        order(1, created="2024-05-01T09:59:59"),  # returned by a lenient server: before the window
        order(2, created="2024-05-01T10:00:00"),  # before 10:00:00.25
        order(3, created="2024-05-01T10:00:01"),
        order(4, created="2024-05-01T12:00:00", status="checkout-draft"),
        order(5, created="2024-05-01T16:00:00"),
        order(6, created="2024-05-01T16:00:01"),
    ]
    store.answer("orders", answers, headers=page_headers(6, 1))

    assert await listed(woo) == [["3", "5"]]


async def test_inclusive_bounds_at_whole_seconds(store: Store, woo: WooCommerceConnector) -> None:
    store.answer(
        "orders",
        [order(1, created="2024-05-01T10:00:00"), order(2, created="2024-05-01T11:00:00")],
        headers=page_headers(2, 1),
    )
    start, end = datetime(2024, 5, 1, 10, tzinfo=UTC), datetime(2024, 5, 1, 11, tzinfo=UTC)

    assert await listed(woo, start, end) == [["1", "2"]]
    assert (store.queries()[0]["after"], store.queries()[0]["before"]) == ("2024-05-01T09:59:59", "2024-05-01T11:00:01")


async def test_window_given_in_another_zone_is_sent_as_naive_utc(store: Store, woo: WooCommerceConnector) -> None:
    from zoneinfo import ZoneInfo

    store.answer("orders", [], headers=page_headers(0, 0))
    tz = ZoneInfo("America/Sao_Paulo")
    await listed(woo, datetime(2024, 5, 1, 7, tzinfo=tz), datetime(2024, 5, 1, 13, tzinfo=tz))

    assert (store.queries()[0]["after"], store.queries()[0]["before"]) == ("2024-05-01T09:59:59", "2024-05-01T16:00:01")


async def test_empty_window_yields_one_empty_page(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [], headers=page_headers(0, 0))

    assert await listed(woo) == [[]]


async def test_an_order_seen_again_on_the_next_page_is_yielded_once(store: Store, woo: WooCommerceConnector) -> None:
    """A page boundary that moved forward shows an order twice; the listing yields it once."""
    store.answer("orders", [order(n) for n in range(1, 101)], headers=page_headers(101, 2))
    store.answer("orders", [order(100), order(101)], headers=page_headers(101, 2))

    pages = await listed(woo)

    assert pages[1] == ["101"]
    assert sum(len(p) for p in pages) == 101


async def test_a_changed_result_set_restarts_the_listing(store: Store, woo: WooCommerceConnector) -> None:
    """An order removed before page 2 shifts the pages back: order 101 would be skipped, so the listing starts over."""
    store.answer("orders", [order(n) for n in range(1, 101)], headers=page_headers(102, 2))
    store.answer("orders", [order(102)], headers=page_headers(101, 2))  # 50 was trashed; 101 slid onto page 1
    store.answer("orders", [order(n) for n in range(1, 102) if n != 50], headers=page_headers(101, 2))
    store.answer("orders", [order(102)], headers=page_headers(101, 2))

    pages = await listed(woo)

    assert [q["page"] for q in store.queries()] == ["1", "2", "1", "2"]
    assert pages[1:] == [["102"], ["101"], []]
    assert sorted(int(i) for p in pages for i in p) == list(range(1, 103))


async def test_a_result_set_that_never_settles_is_unavailable(store: Store, woo: WooCommerceConnector) -> None:
    for n in range(2 * (MAX_RELISTS + 1)):
        store.answer("orders", [order(1)], headers=page_headers(200 + n, 2))

    with pytest.raises(PlatformUnavailable, match="kept changing"):
        await listed(woo)
    assert len(store.calls) == 2 * (MAX_RELISTS + 1)


async def test_listing_without_total_pages_is_a_bad_response(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [order(1)])

    with pytest.raises(PlatformBadResponse, match="X-WP-TotalPages"):
        await listed(woo)


async def test_listing_stops_at_an_empty_page(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", [order(1)], headers=page_headers(1, 1000))
    store.answer("orders", [], headers=page_headers(1, 1000))

    assert await listed(woo) == [["1"], []]


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_pages_after_the_first_are_fetched_page_concurrency_at_a_time_and_yielded_in_order(
    api: aioresponses, woo: WooCommerceConnector, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    def answer(url: URL) -> CallbackResult:
        page = int(url.query["page"])
        return CallbackResult(payload=[order(10 * page + n) for n in range(3)], headers=page_headers(18, 6))

    endpoint = PagedEndpoint(answer)
    api.get(re.compile(re.escape(f"{API}/orders?")), callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(WooCommerceConnector, "page_concurrency", concurrency)

    pages = await listed(woo)

    assert pages == [[str(10 * page + n) for n in range(3)] for page in range(1, 7)]
    assert [url.query["page"] for url in endpoint.urls] == [str(page) for page in range(1, 7)]
    assert endpoint.in_flight_at_start[:2] == [1, 1]  # page 1 alone: it says how many pages follow
    assert endpoint.peak == concurrency


async def test_a_change_seen_on_a_page_fetched_ahead_restarts_the_listing(
    api: aioresponses, woo: WooCommerceConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages 2 to 4 are in flight together and page 4 is answered first, just as order 2 is trashed:
    order 5 slides onto page 1, so page 2 misses it and the listing starts over."""
    trashed = False

    def answer(url: URL) -> CallbackResult:
        nonlocal trashed
        page = int(url.query["page"])
        trashed = trashed or page == 4
        orders = [order(n) for n in range(1, 14) if not (trashed and n == 2)]
        return CallbackResult(
            payload=orders[4 * (page - 1) : 4 * page], headers=page_headers(len(orders), -(-len(orders) // 4))
        )

    endpoint = PagedEndpoint(answer)
    api.get(re.compile(re.escape(f"{API}/orders?")), callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(WooCommerceConnector, "page_concurrency", 3)

    pages = await listed(woo)

    assert [url.query["page"] for url in endpoint.urls] == ["1", "2", "3", "4", "1", "2", "3"]
    assert pages == [["1", "2", "3", "4"], ["6", "7", "8", "9"], ["5"], [], ["10", "11", "12", "13"]]


# --- authentication and URLs --------------------------------------------------------------------------


def wc_accepts(method: str, url: URL, secret: str) -> bool:
    """``WC_REST_Authentication::check_oauth_signature``, transcribed from its PHP."""
    params = dict(url.query)  # what PHP's $_GET holds: decoded
    signature = params.pop("oauth_signature")

    def rawurlencode(value: str) -> str:
        return quote(value, safe="-_.~")

    pairs = [rawurlencode(f"{rawurlencode(k)}={rawurlencode(params[k])}") for k in sorted(params, key=str.encode)]
    string_to_sign = f"{method}&{rawurlencode(str(url.with_query(None)))}&{'%26'.join(pairs)}"
    expected = base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest())
    return hmac.compare_digest(expected.decode(), signature)


def test_signature_base_string_matches_the_documented_example() -> None:
    base = signature_base_string(
        "GET",
        URL("http://www.example.com/wp-json/wc/v3/orders"),
        {"oauth_signature_method": "HMAC-SHA1", "oauth_consumer_key": "abc123"},
    )
    assert base == (
        "GET&http%3A%2F%2Fwww.example.com%2Fwp-json%2Fwc%2Fv3%2Forders"
        "&oauth_consumer_key%3Dabc123%26oauth_signature_method%3DHMAC-SHA1"
    )


def test_signature_base_string_percent_encodes_as_rawurlencode() -> None:
    base = signature_base_string("get", URL("http://h.example/p"), {"search": "a b+c/é~#"})
    assert base == "GET&http%3A%2F%2Fh.example%2Fp&search%3Da%2520b%252Bc%252F%25C3%25A9~%2523"


async def test_plain_http_site_signs_with_oauth1(api: aioresponses, http: HttpClient) -> None:
    store = Store(api, "http://shop.example.com/wp-json/wc/v3")
    store.answer("orders", [order(1, "A 1+")], headers=page_headers(1, 1))
    woo = WooCommerceConnector(credentials={**CREDENTIALS, "site_url": "http://shop.example.com"}, http=http)

    found = await woo.fetch_order("A 1+")

    assert found is not None
    [call] = store.calls
    query = call.query
    assert "Authorization" not in call.kwargs["headers"]
    assert query["search"] == "A 1+"
    assert query["oauth_consumer_key"] == KEY
    assert query["oauth_signature_method"] == "HMAC-SHA1"
    assert re.fullmatch(r"[0-9a-f]{32}", query["oauth_nonce"])
    assert abs(int(query["oauth_timestamp"]) - time.time()) < 60
    assert "consumer_secret" not in query and SECRET not in str(call.url)
    assert wc_accepts("GET", call.url, SECRET)
    assert not wc_accepts("GET", call.url, SECRET + "x")


async def test_api_base_url_replaces_the_site_and_its_scheme_decides_auth(api: aioresponses, http: HttpClient) -> None:
    store = Store(api, "http://127.0.0.1:8765/emulator/wp-json/wc/v3")
    store.answer("orders/727", SAMPLE)
    woo = WooCommerceConnector(credentials=CREDENTIALS, http=http, api_base_url="http://127.0.0.1:8765/emulator/")

    assert await woo.fetch_order("727") is not None
    [call] = store.calls
    assert call.path == "/emulator/wp-json/wc/v3/orders/727"
    assert wc_accepts("GET", call.url, SECRET)


async def test_query_string_auth_sends_the_keys_as_parameters(store: Store, http: HttpClient) -> None:
    woo = WooCommerceConnector(credentials={**CREDENTIALS, "query_string_auth": "yes"}, http=http)
    store.answer("orders/727", SAMPLE)

    assert await woo.fetch_order("727") is not None
    [call] = store.calls
    assert "Authorization" not in call.kwargs["headers"]
    assert call.query == {"consumer_key": KEY, "consumer_secret": SECRET}


async def test_oauth1_signs_every_attempt_afresh(api: aioresponses, http: HttpClient) -> None:
    """WooCommerce refuses a nonce it has seen, so a retry after a fault carries a new signature."""
    store = Store(api, "http://shop.example.com/wp-json/wc/v3")
    store.answer("orders/727", {"code": "internal_server_error"}, status=503)
    store.answer("orders/727", SAMPLE)
    woo = WooCommerceConnector(credentials={**CREDENTIALS, "site_url": "http://shop.example.com"}, http=http)

    assert await woo.fetch_order("727") is not None
    first, second = store.calls
    assert first.query["oauth_nonce"] != second.query["oauth_nonce"]
    assert wc_accepts("GET", second.url, SECRET)


async def test_oauth1_refusal_is_an_auth_error(api: aioresponses, http: HttpClient) -> None:
    store = Store(api, "http://shop.example.com/wp-json/wc/v3")
    store.answer("orders/727", {"code": "woocommerce_rest_authentication_error"}, status=401, repeat=True)
    woo = WooCommerceConnector(credentials={**CREDENTIALS, "site_url": "http://shop.example.com"}, http=http)

    with pytest.raises(PlatformAuthError, match="clock") as caught:
        await woo.fetch_order("727")
    assert len(store.calls) == 1
    assert KEY not in str(caught.value) and SECRET not in str(caught.value)


# --- throttling, retries and errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "wait"),
    [
        (429, {"Retry-After": "2"}, 2.0),
        (503, {"Retry-After": "3"}, 3.0),
        (429, {"RateLimit-Retry-After": "4"}, 4.0),
    ],
)
async def test_throttled_waits_what_the_server_says_then_succeeds(
    store: Store, http_session: aiohttp.ClientSession, status: int, headers: dict[str, str], wait: float
) -> None:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0, timeout=2.0), sleep=sleep)
    woo = WooCommerceConnector(credentials=CREDENTIALS, http=http)
    store.answer("orders/727", {"code": "too_many_requests"}, status=status, headers=headers)
    store.answer("orders/727", SAMPLE)

    assert await woo.fetch_order("727") is not None
    assert sleep.delays == [wait]


async def test_server_error_then_success(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", None, status=500, body="<html>Fatal error</html>")
    store.answer("orders", [order(1)], headers=page_headers(1, 1))

    assert await listed(woo) == [["1"]]
    assert len(store.calls) == 2


NO_ROUTE = {
    "code": "rest_no_route",
    "message": "No route was found matching the URL and request method",
    "data": {"status": 404},
}
ERROR_CASES = [
    pytest.param({"status": 502, "repeat": True}, PlatformUnavailable, "HTTP 502", id="5xx-forever"),
    pytest.param(
        {
            "status": 401,
            "payload": {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot view this resource."},
        },
        PlatformAuthError,
        "401.*query-string authentication",
        id="401",
    ),
    pytest.param({"status": 403, "body": "Forbidden"}, PlatformAuthError, "403", id="403"),
    pytest.param({"body": "<html>Oops</html>"}, PlatformBadResponse, "not JSON", id="garbage"),
    pytest.param({"payload": ["not", "an", "order"]}, PlatformBadResponse, "without an order object", id="json-array"),
    pytest.param({"payload": {"id": 727, "total": "x"}}, PlatformBadResponse, "'total'", id="unmappable"),
    pytest.param({"status": 404, "payload": NO_ROUTE}, PlatformBadResponse, "rest_no_route.*permalinks", id="no-route"),
    pytest.param({"status": 404, "body": "<html>Not Found</html>"}, PlatformBadResponse, "404", id="html-404"),
    pytest.param(
        {"status": 400, "payload": {"code": "rest_invalid_param", "message": "Invalid parameter(s): id", "data": {}}},
        PlatformBadResponse,
        r"400 \(rest_invalid_param: Invalid parameter\(s\): id\)",
        id="400",
    ),
    pytest.param(
        {
            "status": 301,
            "headers": {"Location": "https://www.shop.example.com/wp-json/wc/v3/orders/727?consumer_key=x"},
        },
        PlatformBadResponse,
        r"redirected to https://www\.shop\.example\.com/wp-json/wc/v3/orders/727 \(HTTP 301\)",
        id="redirect",
    ),
    pytest.param({"status": 418}, PlatformBadResponse, "418", id="unexpected-status"),
]


@pytest.mark.parametrize(("answer", "error", "message"), ERROR_CASES)
@pytest.mark.parametrize("query_string_auth", ["false", "true"])
async def test_errors_map_to_the_contract_and_never_show_credentials(
    store: Store,
    http: HttpClient,
    answer: dict[str, Any],
    error: type[PlatformError],
    message: str,
    query_string_auth: str,
) -> None:
    woo = WooCommerceConnector(credentials={**CREDENTIALS, "query_string_auth": query_string_auth}, http=http)
    if query_string_auth == "true" and error is PlatformAuthError:
        message = message.split(".*")[0]  # the Authorization-header hint only helps Basic auth
    store.answer("orders/727", **{"payload": None, **answer})

    with pytest.raises(error, match=message) as caught:
        await woo.fetch_order("727")
    assert KEY not in str(caught.value) and SECRET not in str(caught.value)


async def test_listing_error_names_the_operation(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", NO_ROUTE, status=404)

    with pytest.raises(PlatformBadResponse, match="^Listing orders: .*/wp-json/wc/v3/orders answered HTTP 404"):
        await listed(woo)


async def test_listing_that_is_not_a_list_is_a_bad_response(store: Store, woo: WooCommerceConnector) -> None:
    store.answer("orders", {"orders": []}, headers=page_headers(0, 0))

    with pytest.raises(PlatformBadResponse, match="list of orders"):
        await listed(woo)


# --- credentials -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("shop.example.com", "https://shop.example.com"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("  HTTPS://Shop.Example.com  ", "https://shop.example.com"),
        ("http://example.com:8080/store/", "http://example.com:8080/store"),
        ("https://shop.example.com/wp-json/wc/v3/orders", "https://shop.example.com"),
        ("https://example.com/store/wp-json/", "https://example.com/store"),
    ],
)
def test_site_url_is_normalized(typed: str, stored: str) -> None:
    cleaned = WooCommerceConnector.check_credentials({**CREDENTIALS, "site_url": typed})
    assert cleaned == {**CREDENTIALS, "site_url": stored}


@pytest.mark.parametrize(
    "site",
    [
        "ftp://shop.example.com",
        "https://user:pw@shop.example.com",
        "https://shop.example.com/?p=1",
        "https://shop.example.com/#top",
        "https://shop example.com",
        "https://",
        "https://shop.example.com:99999",
    ],
)
def test_bad_site_urls_are_refused(site: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        WooCommerceConnector.check_credentials({**CREDENTIALS, "site_url": site})
    assert caught.value.field == "site_url"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consumer_key", SECRET),  # swapped with the secret
        ("consumer_secret", KEY),
        ("consumer_key", "ck_ with space"),
        ("consumer_key", "ck_ünïcode"),
    ],
)
def test_keys_that_cannot_be_woocommerce_keys_are_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        WooCommerceConnector.check_credentials({**CREDENTIALS, field: value})
    assert caught.value.field == field
    assert KEY not in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(("typed", "stored"), [("TRUE", "true"), ("yes", "true"), ("0", "false"), ("off", "false")])
def test_query_string_auth_flag_is_normalized(typed: str, stored: str) -> None:
    cleaned = WooCommerceConnector.check_credentials({**CREDENTIALS, "query_string_auth": typed})
    assert cleaned["query_string_auth"] == stored


def test_query_string_auth_flag_is_optional_and_checked() -> None:
    assert "query_string_auth" not in WooCommerceConnector.check_credentials({**CREDENTIALS, "query_string_auth": " "})
    with pytest.raises(InvalidCredentials) as caught:
        WooCommerceConnector.check_credentials({**CREDENTIALS, "query_string_auth": "maybe"})
    assert caught.value.field == "query_string_auth"


@pytest.mark.parametrize("field", ["site_url", "consumer_key", "consumer_secret"])
def test_required_fields(field: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        WooCommerceConnector.check_credentials({**CREDENTIALS, field: "  "})
    assert caught.value.field == field


def test_class_description() -> None:
    fields = {f.name: f for f in WooCommerceConnector.credential_fields}
    assert [name for name, f in fields.items() if f.secret] == ["consumer_key", "consumer_secret", "webhook_secret"]
    assert [name for name, f in fields.items() if not f.required] == ["query_string_auth", "webhook_secret"]
    assert WooCommerceConnector.platform_id == "woocommerce"
