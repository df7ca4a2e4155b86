"""The eBay connector against mocked Sell Fulfillment, OAuth and Notification API answers (aioresponses)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aioresponses import CallbackResult, aioresponses
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from multidict import CIMultiDict
from yarl import URL

import plugins.ebay
from plugins.ebay import EbayConnector
from plugins.ebay.auth import APPLICATION_SCOPE, FULFILLMENT_SCOPES
from server.platforms import (
    ConnectorState,
    HttpClient,
    InvalidCredentials,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformLimitExceeded,
    PlatformUnavailable,
    RetryPolicy,
    WebhookMalformed,
    WebhookRejected,
)
from tests.plugins.conftest import RecordingSleep
from tests.plugins.ebay.responses import (
    ACCESS_TOKEN,
    APP_TOKEN,
    DATES_IN_FUTURE,
    INVALID_CLIENT,
    INVALID_GRANT,
    INVALID_ORDER_ID,
    INVALID_SCOPE,
    INVALID_TOKEN,
    ITEM_ID,
    LEGACY_ORDER_ID,
    ORDER,
    ORDER_ID,
    RANGE_LIMIT,
    RATE_LIMITED,
    SDK_KEY_ID,
    SDK_NOTIFICATION,
    SDK_PUBLIC_KEY,
    SDK_SIGNATURE,
    SYSTEM_ERROR,
    error,
    listed_order,
    order,
    order_confirmation,
    orders_page,
    token_response,
)
from tests.plugins.paging import PagedEndpoint
from tests.support import serve_app

CLIENT_ID = "ExampleS-OrderImp-PRD-1a2b3c4d5-6e7f8a9b"
CLIENT_SECRET = "PRD-1a2b3c4d5e6f-7a8b-9c0d-secret"
REFRESH_TOKEN = "v^1.1#i^1#I^3#r^1#f^0#p^3#t^Ul4xMF8yOkRefreshTokenSecret=="
CREDENTIALS = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
SECRETS = (CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, APP_TOKEN)

API = "https://api.ebay.com"
TOKEN_URL = f"{API}/identity/v1/oauth2/token"
ORDER_URL = f"{API}/sell/fulfillment/v1/order"
LISTING = re.compile(r"^https://api\.ebay\.com/sell/fulfillment/v1/order\?.*$")


class Log:
    """An aioresponses callback that records each matched request's URL, in order."""

    def __init__(self) -> None:
        self.urls: list[URL] = []

    def __call__(self, url: URL, **kwargs: Any) -> None:
        self.urls.append(url)

    @property
    def queries(self) -> list[dict[str, str]]:
        return [dict(url.query) for url in self.urls]


@pytest.fixture
def ebay(http: HttpClient) -> EbayConnector:
    return EbayConnector(credentials=CREDENTIALS, http=http)


def granted(api: aioresponses, token: str = ACCESS_TOKEN) -> None:
    api.post(TOKEN_URL, payload=token_response(token), repeat=True)


def token_calls(api: aioresponses) -> list[Any]:
    return api.requests.get(("POST", URL(TOKEN_URL)), [])


def order_calls(api: aioresponses, order_id: str = ORDER_ID) -> list[Any]:
    return api.requests.get(("GET", URL(f"{ORDER_URL}/{order_id}")), [])


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def filter_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


async def pages_of(ebay: EbayConnector, start: datetime, end: datetime) -> list[list[str]]:
    return [[o.order_id for o in page] async for page in ebay.orders_created(start, end)]


# --- fetch_order ---------------------------------------------------------------------


async def test_fetch_by_order_number_gets_that_order_with_the_sellers_token(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    order = await ebay.fetch_order(ORDER_ID)

    assert order is not None and order.order_id == ORDER_ID
    [call] = order_calls(api)
    assert call.kwargs["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    [token_call] = token_calls(api)
    assert token_call.kwargs["headers"]["Authorization"] == aiohttp.encode_basic_auth(CLIENT_ID, CLIENT_SECRET)
    assert token_call.kwargs["data"] == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "scope": "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
    }


async def test_fetch_by_legacy_item_transaction_id(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{LEGACY_ORDER_ID}", payload=ORDER)

    order = await ebay.fetch_order(LEGACY_ORDER_ID)

    assert order is not None and order.order_id == ORDER_ID


async def test_fetch_by_one_line_of_a_combined_legacy_order(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    combined = order(legacyOrderId="7001234567")
    api.get(f"{ORDER_URL}/{ITEM_ID}-2812345678001", payload=combined)

    order_found = await ebay.fetch_order(f"{ITEM_ID}-2812345678001")

    assert order_found is not None and order_found.order_id == ORDER_ID


async def test_fetch_trims_spaces_and_a_hash(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(f"  # {ORDER_ID} ") is not None


async def test_fetch_by_an_id_of_the_first_rest_format(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    old_rest_id = "6498414015!260000000562911"
    api.get(f"{ORDER_URL}/{old_rest_id}", payload=order(old_rest_id))

    order_found = await ebay.fetch_order(old_rest_id)

    assert order_found is not None and order_found.order_id == old_rest_id


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"status": 404, "payload": error(32100, "Invalid order ID: 99-99999-99999")}, id="404"),
        pytest.param({"status": 404, "body": ""}, id="404-empty"),
        pytest.param({"status": 400, "payload": INVALID_ORDER_ID}, id="invalid-order-id"),
    ],
)
async def test_fetch_returns_none_when_ebay_has_no_such_order(
    api: aioresponses, ebay: EbayConnector, answer: dict[str, Any]
) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/99-99999-99999", **answer)

    assert await ebay.fetch_order("99-99999-99999") is None


async def test_fetch_never_returns_a_different_order(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=order("98-76543-21098", legacyOrderId="1-2"))

    assert await ebay.fetch_order(ORDER_ID) is None


@pytest.mark.parametrize("typed", ["", "  ", "#", "12 34567 89012", "../order", "12-34567-89012?x=1", "ü-1"])
async def test_fetch_of_what_cannot_be_an_ebay_id_asks_nothing(
    api: aioresponses, ebay: EbayConnector, typed: str
) -> None:
    assert await ebay.fetch_order(typed) is None
    assert api.requests == {}


# --- access tokens ---------------------------------------------------------------------


async def test_the_access_token_is_kept_in_state_and_reused_until_shortly_before_it_expires(
    api: aioresponses, http: HttpClient
) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER, repeat=True)
    state = ConnectorState()

    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)
    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)

    assert len(token_calls(api)) == 1
    assert state.get("user_token") == ACCESS_TOKEN
    until = datetime.fromisoformat(state.get("user_token_until") or "")
    assert until == pytest.approx(datetime.now(UTC) + timedelta(seconds=7200 - 300), abs=timedelta(seconds=30))


async def test_an_expiring_token_is_refreshed_before_the_call(api: aioresponses, http: HttpClient) -> None:
    api.post(TOKEN_URL, payload=token_response("v^1.1#first"))
    api.post(TOKEN_URL, payload=token_response("v^1.1#second"))
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER, repeat=True)
    state = ConnectorState()
    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)
    await state.set(user_token_until=(datetime.now(UTC) + timedelta(seconds=1)).isoformat())
    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)
    await state.set(user_token_until=ago(seconds=1).isoformat())

    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)

    assert len(token_calls(api)) == 2
    assert [c.kwargs["headers"]["Authorization"] for c in order_calls(api)] == [
        "Bearer v^1.1#first",
        "Bearer v^1.1#first",
        "Bearer v^1.1#second",
    ]


async def test_a_token_minted_for_other_credentials_is_not_used(api: aioresponses, http: HttpClient) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER, repeat=True)
    state = ConnectorState()
    other = {**CREDENTIALS, "refresh_token": "v^1.1#another-sellers-refresh-token"}
    await EbayConnector(credentials=other, http=http, state=state).fetch_order(ORDER_ID)

    await EbayConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order(ORDER_ID)

    assert [c.kwargs["data"]["refresh_token"] for c in token_calls(api)] == [other["refresh_token"], REFRESH_TOKEN]


async def test_a_refused_token_is_renewed_once_and_the_call_repeated(api: aioresponses, ebay: EbayConnector) -> None:
    api.post(TOKEN_URL, payload=token_response("v^1.1#revoked"))
    api.post(TOKEN_URL, payload=token_response("v^1.1#renewed"))
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=401, payload=INVALID_TOKEN)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(ORDER_ID) is not None
    assert [c.kwargs["headers"]["Authorization"] for c in order_calls(api)] == [
        "Bearer v^1.1#revoked",
        "Bearer v^1.1#renewed",
    ]


async def test_a_token_refused_again_after_renewal_is_an_auth_error(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=401, payload=INVALID_TOKEN, repeat=True)

    with pytest.raises(PlatformAuthError, match="HTTP 401, error 1001.*connect the store again") as caught:
        await ebay.fetch_order(ORDER_ID)
    assert len(token_calls(api)) == 2
    assert not any(secret in str(caught.value) for secret in SECRETS)


async def test_a_token_without_the_needed_scope_is_an_auth_error_at_once(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=403, payload=error(1100, "Access denied", domain="OAuth"))

    with pytest.raises(PlatformAuthError, match="HTTP 403, error 1100: Access denied.*Fulfillment API") as caught:
        await ebay.fetch_order(ORDER_ID)
    assert (len(token_calls(api)), len(order_calls(api))) == (1, 1)
    assert not any(secret in str(caught.value) for secret in SECRETS)


async def test_a_refused_refresh_token_asks_the_seller_to_connect_again(api: aioresponses, ebay: EbayConnector) -> None:
    api.post(TOKEN_URL, status=400, payload=INVALID_GRANT)

    with pytest.raises(PlatformAuthError, match="invalid_grant.*connect the store again") as caught:
        await ebay.fetch_order(ORDER_ID)
    assert order_calls(api) == []
    assert not any(secret in str(caught.value) for secret in SECRETS)


async def test_a_consent_to_the_read_only_scope_is_used_when_the_full_one_is_refused(
    api: aioresponses, ebay: EbayConnector
) -> None:
    api.post(TOKEN_URL, status=400, payload=INVALID_SCOPE)
    api.post(TOKEN_URL, payload=token_response())
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(ORDER_ID) is not None
    assert [c.kwargs["data"]["scope"] for c in token_calls(api)] == list(FULFILLMENT_SCOPES)


async def test_a_consent_without_the_fulfillment_scope_is_an_auth_error(api: aioresponses, ebay: EbayConnector) -> None:
    api.post(TOKEN_URL, status=400, payload=INVALID_SCOPE, repeat=True)

    with pytest.raises(PlatformAuthError, match="invalid_scope"):
        await ebay.fetch_order(ORDER_ID)
    assert len(token_calls(api)) == 2


@pytest.mark.parametrize("status", [401, 400])
async def test_refused_app_keys_are_an_auth_error_naming_them(
    api: aioresponses, ebay: EbayConnector, status: int
) -> None:
    api.post(TOKEN_URL, status=status, payload=INVALID_CLIENT)

    with pytest.raises(PlatformAuthError, match="client_id and client_secret") as caught:
        await ebay.fetch_order(ORDER_ID)
    assert not any(secret in str(caught.value) for secret in SECRETS)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"payload": {"token_type": "User Access Token"}}, id="no-token"),
        pytest.param({"payload": {"access_token": ACCESS_TOKEN, "expires_in": "7200"}}, id="text-expiry"),
        pytest.param({"body": "<html>maintenance</html>"}, id="not-json"),
        pytest.param({"status": 400, "payload": {"error": "unsupported_grant_type"}}, id="other-oauth-error"),
    ],
)
async def test_unusable_token_answers_are_bad_responses(
    api: aioresponses, ebay: EbayConnector, answer: dict[str, Any]
) -> None:
    api.post(TOKEN_URL, **answer)

    with pytest.raises(PlatformBadResponse) as caught:
        await ebay.fetch_order(ORDER_ID)
    assert not any(secret in str(caught.value) for secret in SECRETS)


# --- orders_created ---------------------------------------------------------------------


async def test_window_listing_pages_by_offset_and_yields_each_order_once(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    start = ago(days=3).replace(microsecond=250_000)
    end = start + timedelta(hours=6, microseconds=250_400)
    created = [start + timedelta(seconds=n) for n in range(450)]
    orders = [listed_order(f"10-{n:05d}-00000", filter_time(moment)) for n, moment in enumerate(created)]
    log = Log()
    for offset in (0, 200, 400):
        api.get(LISTING, payload=orders_page(orders[offset : offset + 200], total=450, offset=offset), callback=log)

    pages = await pages_of(ebay, start, end)

    assert [len(page) for page in pages] == [200, 200, 50]
    assert sorted(o for page in pages for o in page) == sorted(o["orderId"] for o in orders)
    window = f"creationdate:[{filter_time(start)}..{filter_time(end + timedelta(microseconds=600))}]"
    assert log.queries == [{"filter": window, "limit": "200", "offset": str(offset)} for offset in (0, 200, 400)]


async def test_window_listing_with_no_orders_yields_one_empty_page(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(LISTING, payload=orders_page([], total=0))
    start = ago(days=1)

    assert await pages_of(ebay, start, start + timedelta(hours=1)) == [[]]


async def test_a_window_ending_near_now_is_asked_open_ended_and_cut_at_its_end(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    end = ago(minutes=1)
    start = end - timedelta(hours=1)
    inside, later = order("10-00001-00000", filter_time(end)), order("10-00002-00000", filter_time(ago(seconds=1)))
    log = Log()
    api.get(LISTING, payload=orders_page([inside, later], total=2), callback=log)

    assert await pages_of(ebay, start, end) == [["10-00001-00000"]]
    assert log.queries[0]["filter"] == f"creationdate:[{filter_time(start)}..]"


async def test_a_window_in_the_future_asks_nothing(api: aioresponses, ebay: EbayConnector) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)

    assert await pages_of(ebay, start, start + timedelta(hours=1)) == []
    assert api.requests == {}


async def test_orders_outside_the_window_and_repeated_across_pages_are_dropped(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    start = ago(days=2).replace(microsecond=0)
    end = start + timedelta(hours=2)
    early = listed_order("10-00000-00000", filter_time(start - timedelta(milliseconds=1)))
    first, last = listed_order("10-00001-00000", filter_time(start)), listed_order("10-00002-00000", filter_time(end))
    page_one = [early, first] + [listed_order(f"10-1{n:04d}-00000", filter_time(start)) for n in range(198)]
    api.get(LISTING, payload=orders_page(page_one, total=201))
    api.get(LISTING, payload=orders_page([first, last], total=201, offset=200))  # ties in another order

    pages = await pages_of(ebay, start, end)

    assert [len(page) for page in pages] == [199, 1]
    assert pages[1] == ["10-00002-00000"]


async def test_an_order_arriving_ahead_of_the_pages_read_is_found_by_another_pass(
    api: aioresponses, ebay: EbayConnector
) -> None:
    granted(api)
    end = ago(minutes=1).replace(microsecond=0)
    start = end - timedelta(hours=1)
    orders = [listed_order(f"10-{n:05d}-00000", filter_time(start + timedelta(seconds=n))) for n in range(201)]
    newest = listed_order("10-99999-00000", filter_time(end))
    log = Log()
    api.get(LISTING, payload=orders_page(orders[:200], total=201), callback=log)
    # the newest order came first in the results (not the documented order) and pushed the rest one down
    shifted = [newest, *orders]
    api.get(LISTING, payload=orders_page(shifted[200:], total=202, offset=200), callback=log)
    api.get(LISTING, payload=orders_page(shifted[:200], total=202), callback=log)
    api.get(LISTING, payload=orders_page(shifted[200:], total=202, offset=200), callback=log)

    pages = await pages_of(ebay, start, end)

    assert sorted(o for page in pages for o in page) == sorted(o["orderId"] for o in shifted)
    assert [q["offset"] for q in log.queries] == ["0", "200", "0", "200"]


async def test_a_result_set_that_shrank_while_paged_is_listed_again(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    start = ago(days=2).replace(microsecond=0)
    orders = [listed_order(f"10-{n:05d}-00000", filter_time(start + timedelta(seconds=n))) for n in range(300)]
    log = Log()
    api.get(LISTING, payload=orders_page(orders[:200], total=300), callback=log)
    # order 10 failed its payment and left the result set: order 200 moved up to offset 199, unseen
    remaining = orders[:10] + orders[11:]
    api.get(LISTING, payload=orders_page(remaining[200:], total=299, offset=200), callback=log)
    api.get(LISTING, payload=orders_page(remaining[:200], total=299), callback=log)
    api.get(LISTING, payload=orders_page(remaining[200:], total=299, offset=200), callback=log)

    pages = await pages_of(ebay, start, start + timedelta(hours=1))

    assert sorted(o for page in pages for o in page) == sorted(o["orderId"] for o in orders)
    assert [q["offset"] for q in log.queries] == ["0", "200", "0", "200"]


async def test_a_result_set_that_keeps_changing_is_unavailable(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    start = ago(days=2)
    api.get(LISTING, payload=orders_page([order(created=filter_time(start))], total=5), repeat=True)

    with pytest.raises(PlatformUnavailable, match="kept changing"):
        await pages_of(ebay, start, start + timedelta(hours=1))


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_offsets_after_the_first_page_are_fetched_page_concurrency_at_a_time_and_yielded_in_order(
    api: aioresponses, ebay: EbayConnector, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    granted(api)
    start = ago(days=2).replace(microsecond=0)
    orders = [listed_order(f"10-{n:05d}-00000", filter_time(start + timedelta(seconds=n))) for n in range(14)]

    def answer(url: URL) -> CallbackResult:
        offset = int(url.query["offset"])
        return CallbackResult(payload=orders_page(orders[offset : offset + 3], total=14, offset=offset, limit=3))

    endpoint = PagedEndpoint(answer)
    api.get(LISTING, callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(EbayConnector, "page_concurrency", concurrency)

    pages = await pages_of(ebay, start, start + timedelta(hours=1))

    assert pages == [[o["orderId"] for o in orders[first : first + 3]] for first in range(0, 14, 3)]
    assert [url.query["offset"] for url in endpoint.urls] == ["0", "3", "6", "9", "12"]
    assert endpoint.in_flight_at_start[:2] == [1, 1]  # the first page alone: it gives the total and page size
    assert endpoint.peak == concurrency


async def test_a_pass_reads_on_to_a_total_that_grew_while_pages_were_read_ahead(
    api: aioresponses, ebay: EbayConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offsets 3 and 6 are in flight together; two orders come in as offset 6 is answered, first."""
    granted(api)
    start = ago(days=2).replace(microsecond=0)
    orders = [listed_order(f"10-{n:05d}-00000", filter_time(start + timedelta(seconds=n))) for n in range(11)]
    arrived = False

    def answer(url: URL) -> CallbackResult:
        nonlocal arrived
        offset = int(url.query["offset"])
        arrived = arrived or offset == 6
        known = orders if arrived else orders[:9]
        return CallbackResult(payload=orders_page(known[offset : offset + 3], total=len(known), offset=offset, limit=3))

    endpoint = PagedEndpoint(answer)
    api.get(LISTING, callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(EbayConnector, "page_concurrency", 3)

    pages = await pages_of(ebay, start, start + timedelta(hours=1))

    assert [url.query["offset"] for url in endpoint.urls] == ["0", "3", "6", "9"]
    assert pages == [[o["orderId"] for o in orders[first : first + 3]] for first in range(0, 11, 3)]


async def test_a_window_beyond_two_years_is_refused_before_asking(api: aioresponses, ebay: EbayConnector) -> None:
    start = ago(days=800)

    with pytest.raises(PlatformLimitExceeded, match="two years"):
        await pages_of(ebay, start, start + timedelta(hours=6))
    assert api.requests == {}


async def test_ebays_look_back_refusal_is_a_limit_error(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(LISTING, status=400, payload=RANGE_LIMIT)
    start = ago(days=120)

    with pytest.raises(PlatformLimitExceeded, match="30830"):
        await pages_of(ebay, start, start + timedelta(hours=6))


def test_windows_older_than_90_days_get_a_warning(ebay: EbayConnector) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)

    assert ebay.window_warning(now - timedelta(hours=6), now, now) is None
    warning = ebay.window_warning(now - timedelta(days=100), now - timedelta(days=99), now)
    assert warning is not None and "90 days" in warning and "2026-08-29 12:00" in warning


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        pytest.param({"payload": {"orders": None, "total": 0}}, "orders list", id="null-orders"),
        pytest.param({"payload": {"orders": [], "total": "0"}}, "total", id="text-total"),
        pytest.param({"payload": {"orders": {}, "total": 0}}, "orders list", id="orders-not-list"),
        pytest.param({"payload": [ORDER]}, "orders list", id="json-array"),
        pytest.param({"status": 400, "payload": DATES_IN_FUTURE}, "30850", id="future"),
        pytest.param({"status": 400, "payload": error(31100, "Invalid limit: 1000")}, "31100", id="limit"),
    ],
)
async def test_listing_answers_that_cannot_be_used_are_bad_responses(
    api: aioresponses, ebay: EbayConnector, answer: dict[str, Any], message: str
) -> None:
    granted(api)
    api.get(LISTING, **answer)
    start = ago(days=1)

    with pytest.raises(PlatformBadResponse, match=message):
        await pages_of(ebay, start, start + timedelta(hours=1))


async def test_the_filter_goes_on_the_wire_exactly_as_ebay_requires(http: HttpClient) -> None:
    """A real request to a loopback server: ``[`` ``]`` percent-encoded, ``:`` and ``..`` as they are."""
    seen: list[str] = []

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        assert request.headers["Authorization"] == aiohttp.encode_basic_auth(CLIENT_ID, CLIENT_SECRET)
        assert form["grant_type"] == "refresh_token" and form["refresh_token"] == REFRESH_TOKEN
        return web.json_response(token_response())

    async def orders(request: web.Request) -> web.Response:
        seen.append(request.raw_path)
        return web.json_response(orders_page([], total=0))

    app = web.Application()
    app.router.add_post("/prefix/identity/v1/oauth2/token", token)
    app.router.add_get("/prefix/sell/fulfillment/v1/order", orders)
    start = ago(days=3).replace(microsecond=250_123)
    end = start + timedelta(hours=6, microseconds=250_000)
    async with serve_app(app) as url:
        ebay = EbayConnector(credentials=CREDENTIALS, http=http, api_base_url=f"{url}/prefix/")
        assert await pages_of(ebay, start, end) == [[]]

    low, high = filter_time(start), filter_time(end + timedelta(microseconds=1000))
    assert seen == [f"/prefix/sell/fulfillment/v1/order?filter=creationdate:%5B{low}..{high}%5D&limit=200&offset=0"]


# --- throttling, retries and errors ------------------------------------------------------


@pytest.fixture
def slow_ebay(http_session: aiohttp.ClientSession) -> tuple[EbayConnector, RecordingSleep]:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0, timeout=2.0), sleep=sleep)
    return EbayConnector(credentials=CREDENTIALS, http=http), sleep


async def test_rate_limited_waits_what_retry_after_says_then_succeeds(
    api: aioresponses, slow_ebay: tuple[EbayConnector, RecordingSleep]
) -> None:
    ebay, sleep = slow_ebay
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=429, payload=RATE_LIMITED, headers={"Retry-After": "7"})
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(ORDER_ID) is not None
    assert sleep.delays == [7.0]


async def test_rate_limited_without_a_wait_backs_off_then_succeeds(
    api: aioresponses, slow_ebay: tuple[EbayConnector, RecordingSleep]
) -> None:
    ebay, sleep = slow_ebay
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=429, payload=RATE_LIMITED)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(ORDER_ID) is not None
    assert len(sleep.delays) == 1 and 0 < sleep.delays[0] <= 0.001


async def test_server_error_then_success(api: aioresponses, ebay: EbayConnector) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", status=500, payload=SYSTEM_ERROR)
    api.get(f"{ORDER_URL}/{ORDER_ID}", payload=ORDER)

    assert await ebay.fetch_order(ORDER_ID) is not None
    assert len(order_calls(api)) == 2


ERROR_CASES = [
    pytest.param({"status": 503, "repeat": True}, PlatformUnavailable, "HTTP 503", id="5xx-forever"),
    pytest.param(
        {"status": 429, "payload": RATE_LIMITED, "repeat": True}, PlatformUnavailable, "HTTP 429", id="429-forever"
    ),
    pytest.param({"status": 401, "payload": INVALID_TOKEN, "repeat": True}, PlatformAuthError, "401", id="401"),
    pytest.param({"body": "<html>Oops</html>"}, PlatformBadResponse, "not JSON", id="garbage"),
    pytest.param({"payload": {"orderId": ORDER_ID}}, PlatformBadResponse, "missing", id="wrong-shape"),
    pytest.param(
        {"status": 400, "payload": error(32800, "Invalid field group")}, PlatformBadResponse, "32800", id="400"
    ),
    pytest.param({"status": 400, "body": "Bad Request"}, PlatformBadResponse, "no eBay error id", id="400-bare"),
    pytest.param({"status": 409, "payload": {}}, PlatformBadResponse, "409", id="unexpected-status"),
]


@pytest.mark.parametrize(("answer", "error_type", "message"), ERROR_CASES)
async def test_errors_map_to_the_contract_and_never_show_credentials(
    api: aioresponses, ebay: EbayConnector, answer: dict[str, Any], error_type: type[PlatformError], message: str
) -> None:
    granted(api)
    api.get(f"{ORDER_URL}/{ORDER_ID}", **answer)

    with pytest.raises(error_type, match=message) as caught:
        await ebay.fetch_order(ORDER_ID)
    assert not any(secret in str(caught.value) for secret in SECRETS)


async def test_api_base_url_replaces_the_origin_and_any_leading_path(api: aioresponses, http: HttpClient) -> None:
    base = "http://127.0.0.1:8765/ebay-sandbox"
    api.post(f"{base}/identity/v1/oauth2/token", payload=token_response())
    api.get(f"{base}/sell/fulfillment/v1/order/{ORDER_ID}", payload=ORDER)
    ebay = EbayConnector(credentials=CREDENTIALS, http=http, api_base_url=f"{base}/")

    assert await ebay.fetch_order(ORDER_ID) is not None


# --- webhooks (Notification API) ----------------------------------------------------------

KEY_ID = "2a6b7e2c-1f7d-4a38-9a52-0c1d2e3f4a5b"
PUBLIC_KEY_URL = f"{API}/commerce/notification/v1/public_key"


def ebay_pem(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The public key on one line, as ``getPublicKey`` returns it."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"-----BEGIN PUBLIC KEY-----{base64.b64encode(der).decode()}-----END PUBLIC KEY-----"


def sign(body: bytes, private_key: ec.EllipticCurvePrivateKey, key_id: str = KEY_ID) -> str:
    signature = base64.b64encode(private_key.sign(body, ec.ECDSA(hashes.SHA1()))).decode()
    header = {"alg": "ecdsa", "kid": key_id, "signature": signature, "digest": "SHA1"}
    return base64.b64encode(json.dumps(header).encode()).decode()


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


@pytest.fixture
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def notifications(api: aioresponses, signing_key: ec.EllipticCurvePrivateKey) -> aioresponses:
    """eBay's token endpoint and its public key ``KEY_ID`` (the test's key)."""
    api.post(TOKEN_URL, payload=token_response(APP_TOKEN), repeat=True)
    api.get(
        f"{PUBLIC_KEY_URL}/{KEY_ID}", payload={"key": ebay_pem(signing_key), "algorithm": "ECDSA", "digest": "SHA1"}
    )
    return api


def signed(body: bytes, key: ec.EllipticCurvePrivateKey) -> CIMultiDict[str]:
    return CIMultiDict({"x-ebay-signature": sign(body, key), "Content-Type": "application/json"})


async def test_an_order_confirmation_names_the_order_to_fetch(
    notifications: aioresponses, ebay: EbayConnector, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    body = compact(order_confirmation())

    event = await ebay.parse_webhook(signed(body, signing_key), body)

    assert (event.topic, event.order_reference, event.order) == ("ORDER_CONFIRMATION", ORDER_ID, None)
    assert event.delivery_id == "5d3e1f0a-7c2b-4e8d-9f10-2a3b4c5d6e7f_0b1c2d3e"
    [key_call] = notifications.requests[("GET", URL(f"{PUBLIC_KEY_URL}/{KEY_ID}"))]
    assert key_call.kwargs["headers"]["Authorization"] == f"Bearer {APP_TOKEN}"
    [token_call] = token_calls(notifications)
    assert token_call.kwargs["data"] == {"grant_type": "client_credentials", "scope": APPLICATION_SCOPE}


async def test_a_replay_and_a_retry_keep_the_delivery_id_and_reuse_the_key(
    notifications: aioresponses, ebay: EbayConnector, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    first = compact(order_confirmation())
    retry = compact(order_confirmation(attempt=2))

    events = [await ebay.parse_webhook(signed(body, signing_key), body) for body in (first, first, retry)]

    assert len({event.delivery_id for event in events}) == 1
    assert len(notifications.requests[("GET", URL(f"{PUBLIC_KEY_URL}/{KEY_ID}"))]) == 1


async def test_a_body_signed_with_another_key_is_rejected(notifications: aioresponses, ebay: EbayConnector) -> None:
    body = compact(order_confirmation())
    impostor = ec.generate_private_key(ec.SECP256R1())

    with pytest.raises(WebhookRejected, match="does not match"):
        await ebay.parse_webhook(signed(body, impostor), body)


async def test_a_tampered_body_is_rejected(
    notifications: aioresponses, ebay: EbayConnector, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    body = compact(order_confirmation())
    tampered = body.replace(ORDER_ID.encode(), b"98-76543-21098")

    with pytest.raises(WebhookRejected, match="does not match"):
        await ebay.parse_webhook(signed(body, signing_key), tampered)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"X-EBAY-SIGNATURE": ""}, id="empty"),
        pytest.param({"X-EBAY-SIGNATURE": "not base64 at all!"}, id="not-base64"),
        pytest.param({"X-EBAY-SIGNATURE": base64.b64encode(b'{"alg":"ecdsa"}').decode()}, id="no-kid"),
        pytest.param({"X-EBAY-SIGNATURE": base64.b64encode(b'["kid"]').decode()}, id="not-an-object"),
    ],
)
async def test_a_missing_or_unreadable_signature_is_rejected_without_asking_ebay(
    api: aioresponses, ebay: EbayConnector, headers: dict[str, str]
) -> None:
    body = compact(order_confirmation())

    with pytest.raises(WebhookRejected, match="X-EBAY-SIGNATURE"):
        await ebay.parse_webhook(CIMultiDict(headers), body)
    assert api.requests == {}


async def test_a_refused_application_token_is_renewed_once(
    api: aioresponses, ebay: EbayConnector, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    api.post(TOKEN_URL, payload=token_response("v^1.1#revoked-app-token"))
    api.post(TOKEN_URL, payload=token_response(APP_TOKEN))
    api.get(f"{PUBLIC_KEY_URL}/{KEY_ID}", status=401, payload=INVALID_TOKEN)
    api.get(
        f"{PUBLIC_KEY_URL}/{KEY_ID}", payload={"key": ebay_pem(signing_key), "algorithm": "ECDSA", "digest": "SHA1"}
    )
    body = compact(order_confirmation())

    assert (await ebay.parse_webhook(signed(body, signing_key), body)).order_reference == ORDER_ID
    assert [c.kwargs["data"]["grant_type"] for c in token_calls(api)] == ["client_credentials"] * 2


async def test_a_key_id_ebay_does_not_know_is_rejected(
    notifications: aioresponses, ebay: EbayConnector, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    notifications.get(f"{PUBLIC_KEY_URL}/unknown-key", status=404, payload=error(195000, "Invalid key"))
    body = compact(order_confirmation())

    with pytest.raises(WebhookRejected, match="unknown-key"):
        await ebay.parse_webhook(CIMultiDict({"X-EBAY-SIGNATURE": sign(body, signing_key, "unknown-key")}), body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"\x00not json", "not JSON", id="not-json"),
        pytest.param(compact({"metadata": {"topic": "ORDER_CONFIRMATION"}}), "notificationId", id="no-id"),
        pytest.param(
            compact({**order_confirmation(), "notification": {"notificationId": "n-1", "data": {}}}),
            "data.order.orderId",
            id="no-order-id",
        ),
    ],
)
async def test_a_signed_body_that_cannot_be_read_is_malformed(
    notifications: aioresponses,
    ebay: EbayConnector,
    signing_key: ec.EllipticCurvePrivateKey,
    body: bytes,
    message: str,
) -> None:
    with pytest.raises(WebhookMalformed, match=message):
        await ebay.parse_webhook(signed(body, signing_key), body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(compact(SDK_NOTIFICATION), id="compact"),
        pytest.param(json.dumps(SDK_NOTIFICATION, indent=2).encode(), id="pretty-printed"),
    ],
)
async def test_ebays_own_signed_vector_verifies_and_is_not_about_an_order(
    api: aioresponses, ebay: EbayConnector, body: bytes
) -> None:
    api.post(TOKEN_URL, payload=token_response(APP_TOKEN))
    api.get(f"{PUBLIC_KEY_URL}/{SDK_KEY_ID}", payload=SDK_PUBLIC_KEY)

    event = await ebay.parse_webhook(CIMultiDict({"X-EBAY-SIGNATURE": SDK_SIGNATURE}), body)

    assert event.topic == "MARKETPLACE_ACCOUNT_DELETION"
    assert (event.order, event.order_reference) == (None, None)
    assert event.delivery_id == SDK_NOTIFICATION["notification"]["notificationId"]


async def test_ebays_own_vector_tampered_is_rejected(api: aioresponses, ebay: EbayConnector) -> None:
    api.post(TOKEN_URL, payload=token_response(APP_TOKEN))
    api.get(f"{PUBLIC_KEY_URL}/{SDK_KEY_ID}", payload=SDK_PUBLIC_KEY)
    body = compact(SDK_NOTIFICATION).replace(b"test_user", b"best_user")

    with pytest.raises(WebhookRejected):
        await ebay.parse_webhook(CIMultiDict({"X-EBAY-SIGNATURE": SDK_SIGNATURE}), body)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"key": "-----BEGIN PUBLIC KEY-----bm90IGEga2V5-----END PUBLIC KEY-----"}, id="not-a-key"),
        pytest.param({**SDK_PUBLIC_KEY, "algorithm": "RSA"}, id="not-ecdsa"),
        pytest.param({**SDK_PUBLIC_KEY, "digest": "MD5"}, id="unknown-digest"),
    ],
)
async def test_an_unusable_public_key_is_a_bad_response(
    api: aioresponses, ebay: EbayConnector, answer: dict[str, str]
) -> None:
    api.post(TOKEN_URL, payload=token_response(APP_TOKEN))
    api.get(f"{PUBLIC_KEY_URL}/{SDK_KEY_ID}", payload={"algorithm": "ECDSA", "digest": "SHA1", **answer})

    with pytest.raises(PlatformBadResponse):
        await ebay.parse_webhook(CIMultiDict({"X-EBAY-SIGNATURE": SDK_SIGNATURE}), compact(SDK_NOTIFICATION))


# --- credentials and registration -------------------------------------------------------------


def test_credentials_are_trimmed_and_all_three_required() -> None:
    padded = {name: f"  {value} " for name, value in CREDENTIALS.items()}
    assert EbayConnector.check_credentials(padded) == CREDENTIALS
    for name in CREDENTIALS:
        with pytest.raises(InvalidCredentials) as caught:
            EbayConnector.check_credentials({**CREDENTIALS, name: " "})
        assert caught.value.field == name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("client_id", "ExampleS:OrderImp-PRD-1a2b"),
        ("client_id", "Example OrderImp"),
        ("client_secret", "PRD-1a2b 3c4d"),
        ("refresh_token", "v^1.1#i^1\n#t^Ul4x"),
        ("refresh_token", "v^1.1#i^1#t^Ülx"),
    ],
)
def test_credentials_eBay_never_issues_are_refused_without_echoing_them(name: str, value: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        EbayConnector.check_credentials({**CREDENTIALS, name: value})
    assert caught.value.field == name
    assert value not in str(caught.value)


def test_unknown_credential_fields_are_refused() -> None:
    with pytest.raises(InvalidCredentials) as caught:
        EbayConnector.check_credentials({**CREDENTIALS, "dev_id": "x"})
    assert caught.value.field == "dev_id"


def test_secrets_are_marked_secret() -> None:
    assert {f.name: f.secret for f in EbayConnector.credential_fields} == {
        "client_id": False,
        "client_secret": True,
        "refresh_token": True,
        "verification_token": True,
    }


def test_the_plugin_registers_the_connector() -> None:
    assert plugins.ebay.register_platforms() == [EbayConnector]
    assert EbayConnector.platform_id == "ebay" and EbayConnector.display_name == "eBay"
