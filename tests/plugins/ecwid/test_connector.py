"""The Ecwid connector against mocked REST API v3 answers (aioresponses), and its webhook verification."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from multidict import CIMultiDict
from yarl import URL

from plugins.ecwid import EcwidConnector
from plugins.ecwid.connector import MAX_PASSES, PAGE_SIZE, RATE_LIMIT_WAIT
from plugins.ecwid.webhooks import SIGNATURE_HEADER, signature
from server.platforms import (
    Capability,
    ConnectorState,
    HttpClient,
    InvalidCredentials,
    Money,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformUnavailable,
    RetryPolicy,
    WebhookEvent,
    WebhookMalformed,
    WebhookRejected,
)
from tests.conftest import SAMPLES
from tests.plugins.conftest import RecordedAPI, RecordingSleep
from tests.plugins.paging import PagedEndpoint

STORE_ID = "1003"
TOKEN = "secret_4T6t4pYfHQfNs9bXqQq7ZSVy3uF1nKvA"
CLIENT_SECRET = "app-client-secret-0123456789"
CREDENTIALS = {"store_id": STORE_ID, "access_token": TOKEN}
API = f"https://app.ecwid.com/api/v3/{STORE_ID}"
SAMPLE = json.loads((SAMPLES / "ecwid" / "order.json").read_text())
NOT_FOUND = {"errorMessage": "Order not found", "errorCode": "ORDER_NOT_FOUND"}
PROFILE = {"generalInfo": {"storeId": 1003}, "formatsAndUnits": {"currency": "EUR", "currencyPrefix": "€"}}
WINDOW_START = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
WINDOW_END = datetime(2024, 5, 1, 16, 0, 0, tzinfo=UTC)


def order(internal_id: int, order_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """The docs' sample order, cut to what mapping reads (aioresponses serves small bodies only), renumbered."""
    kept = ("total", "email", "paymentStatus", "createDate", "createTimestamp", "billingPerson")
    payload = {key: SAMPLE[key] for key in kept}
    payload["items"] = [{key: SAMPLE["items"][0][key] for key in ("name", "sku", "price", "quantity")}]
    payload.update(id=order_id or f"X{internal_id}", internalId=internal_id, orderNumber=internal_id, **changes)
    return payload


def page(items: list[dict[str, Any]], total: int, offset: int = 0) -> dict[str, Any]:
    return {"total": total, "count": len(items), "offset": offset, "limit": PAGE_SIZE, "items": items}


class Ecwid(RecordedAPI):
    """Mocked answers of one Ecwid store."""

    def __init__(self, api: aioresponses, base: str = API) -> None:
        super().__init__(api, base)

    @property
    def paths(self) -> list[str]:
        return [call.raw_path for call in self.calls]


@pytest.fixture
def store(api: aioresponses) -> Ecwid:
    return Ecwid(api)


@pytest.fixture
def state() -> ConnectorState:
    return ConnectorState({"currency": "EUR"})


@pytest.fixture
def ecwid(http: HttpClient, state: ConnectorState) -> EcwidConnector:
    return EcwidConnector(credentials=CREDENTIALS, http=http, state=state)


def assert_no_secret(exc: BaseException) -> None:
    assert TOKEN not in str(exc)
    assert CLIENT_SECRET not in str(exc)


# --- declaration and credentials ---------------------------------------------------------------------


def test_declares_the_platform() -> None:
    assert EcwidConnector.platform_id == "ecwid"
    assert EcwidConnector.capabilities == {
        Capability.FETCH_ORDER,
        Capability.LIST_ORDERS_CREATED,
        Capability.WEBHOOKS,
    }
    fields = {f.name: f for f in EcwidConnector.credential_fields}
    assert list(fields) == ["store_id", "access_token", "client_secret"]
    assert (fields["store_id"].secret, fields["access_token"].secret, fields["client_secret"].secret) == (
        False,
        True,
        True,
    )
    assert not fields["client_secret"].required


def test_check_credentials_trims_and_keeps_the_declared_fields() -> None:
    cleaned = EcwidConnector.check_credentials({"store_id": " 1003 ", "access_token": f" {TOKEN} "})
    assert cleaned == CREDENTIALS
    with_secret = {**CREDENTIALS, "client_secret": CLIENT_SECRET}
    assert EcwidConnector.check_credentials(with_secret) == with_secret


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        ({"access_token": TOKEN}, "store_id"),
        ({"store_id": "my-shop", "access_token": TOKEN}, "store_id"),
        ({"store_id": STORE_ID, "access_token": " "}, "access_token"),
        ({"store_id": STORE_ID, "access_token": "public_B6mT2teCE55zT2jAeffLjzNJ4se3gfPj"}, "access_token"),
        ({"store_id": STORE_ID, "access_token": "secret_abc def"}, "access_token"),
        ({**CREDENTIALS, "token": TOKEN}, "token"),
    ],
)
def test_check_credentials_refuses(credentials: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        EcwidConnector.check_credentials(credentials)
    assert caught.value.field == field
    assert_no_secret(caught.value)


# --- fetch_order: every form a seller types ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["SALE-G01ZG", "  #SALE-G01ZG ", "# SALE-G01ZG"])
async def test_fetch_by_the_order_id_as_shown(store: Ecwid, ecwid: EcwidConnector, typed: str) -> None:
    store.answer("orders/SALE-G01ZG", order(516483487, "SALE-G01ZG"))

    found = await ecwid.fetch_order(typed)

    assert found is not None
    assert (found.order_id, found.order_number) == ("516483487", "SALE-G01ZG")
    assert found.total == Money(Decimal(10), "EUR")
    assert store.paths == [f"/api/v3/{STORE_ID}/orders/SALE-G01ZG"]
    [call] = store.calls
    assert call.kwargs["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert call.query == {}


@pytest.mark.parametrize("typed", ["516483487", "#516483487"])
async def test_fetch_by_the_internal_order_number(store: Ecwid, ecwid: EcwidConnector, typed: str) -> None:
    store.answer("orders/516483487", SAMPLE)

    found = await ecwid.fetch_order(typed)

    assert found is not None and (found.order_id, found.order_number) == ("516483487", "K8XTQ")
    assert store.paths == [f"/api/v3/{STORE_ID}/orders/516483487"]


async def test_fetch_typed_in_lower_case_retries_in_upper_case(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/sale-g01zg", NOT_FOUND, status=404)
    store.answer("orders/SALE-G01ZG", order(7, "SALE-G01ZG"))

    found = await ecwid.fetch_order("sale-g01zg")

    assert found is not None and found.order_number == "SALE-G01ZG"
    assert store.paths == [f"/api/v3/{STORE_ID}/orders/sale-g01zg", f"/api/v3/{STORE_ID}/orders/SALE-G01ZG"]


async def test_fetch_keeps_a_lower_case_prefix_as_typed(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/shop-K8XTQ", order(7, "shop-K8XTQ"))

    found = await ecwid.fetch_order("shop-K8XTQ")

    assert found is not None and found.order_number == "shop-K8XTQ"
    assert len(store.calls) == 1


async def test_fetch_returns_none_when_ecwid_has_no_such_order(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTR", NOT_FOUND, status=404)

    assert await ecwid.fetch_order("K8XTR") is None
    assert len(store.calls) == 1


async def test_fetch_never_returns_another_order(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", order(1, "K8XTQ-2024"))

    assert await ecwid.fetch_order("K8XTQ") is None


async def test_fetch_does_not_return_an_unfinished_order(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", order(516483487, "K8XTQ", paymentStatus="INCOMPLETE"))

    assert await ecwid.fetch_order("K8XTQ") is None


async def test_fetch_encodes_the_reference_as_one_path_segment(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/A%2FB%20C%3F", NOT_FOUND, status=404)

    assert await ecwid.fetch_order("A/B C?") is None
    assert store.paths == [f"/api/v3/{STORE_ID}/orders/A%2FB%20C%3F"]


async def test_fetch_of_nothing_asks_nothing(store: Ecwid, ecwid: EcwidConnector) -> None:
    assert await ecwid.fetch_order(" # ") is None
    assert store.calls == []


async def test_fetch_in_an_unknown_store_is_an_auth_error(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", {"errorMessage": "Store not found", "errorCode": "STORE_NOT_FOUND"}, status=404)

    with pytest.raises(PlatformAuthError, match="HTTP 404, STORE_NOT_FOUND.*check the store ID") as caught:
        await ecwid.fetch_order("K8XTQ")
    assert "Fetching order 'K8XTQ'" in caught.value.message
    assert_no_secret(caught.value)


# --- the store currency ------------------------------------------------------------------------------


async def test_currency_is_read_once_from_the_profile_and_kept(store: Ecwid, http: HttpClient) -> None:
    state = ConnectorState()
    store.answer("profile", PROFILE)
    store.answer("orders/K8XTQ", SAMPLE, repeat=True)

    first = await EcwidConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order("K8XTQ")
    second = await EcwidConnector(credentials=CREDENTIALS, http=http, state=state).fetch_order("K8XTQ")

    assert first is not None and second is not None
    assert first.total == second.total == Money(Decimal(10), "EUR")
    assert state.get("currency") == "EUR"
    assert store.paths.count(f"/api/v3/{STORE_ID}/profile") == 1


async def test_profile_without_a_currency_is_a_bad_response(store: Ecwid, http: HttpClient) -> None:
    store.answer("profile", {"formatsAndUnits": {"currencyPrefix": "€"}})
    store.answer("orders/K8XTQ", SAMPLE)

    with pytest.raises(PlatformBadResponse, match="formatsAndUnits.currency"):
        await EcwidConnector(credentials=CREDENTIALS, http=http).fetch_order("K8XTQ")


async def test_api_base_url_replaces_the_origin_and_keeps_the_api_paths(
    api: aioresponses, http: HttpClient, state: ConnectorState
) -> None:
    emulator = Ecwid(api, base=f"http://127.0.0.1:8080/ecwid/api/v3/{STORE_ID}")
    emulator.answer("orders/K8XTQ", SAMPLE)
    connector = EcwidConnector(
        credentials=CREDENTIALS, http=http, state=state, api_base_url="http://127.0.0.1:8080/ecwid/"
    )

    assert await connector.fetch_order("K8XTQ") is not None
    assert emulator.paths == [f"/ecwid/api/v3/{STORE_ID}/orders/K8XTQ"]


# --- orders_created ----------------------------------------------------------------------------------


async def test_window_listing_pages_by_offset_and_yields_each_order_once(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders", page([order(1), order(2)], total=5))
    store.answer("orders", page([order(3), order(4)], total=5, offset=2))
    store.answer("orders", page([order(5)], total=5, offset=4))

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [["1", "2"], ["3", "4"], ["5"]]
    window = {"createdFrom": "1714557600", "createdTo": "1714579201", "limit": "100"}
    assert [call.query for call in store.calls] == [{**window, "offset": str(n)} for n in (0, 2, 4)]
    assert store.paths == [f"/api/v3/{STORE_ID}/orders"] * 3


async def test_window_bounds_on_whole_seconds_are_widened_by_one_second(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders", page([], total=0))
    start, end = datetime(2024, 5, 1, 10, tzinfo=UTC), datetime(2024, 5, 1, 16, 0, 0, 999999, tzinfo=UTC)

    assert [p async for p in ecwid.orders_created(start, end)] == [[]]
    assert store.calls[0].query == {
        "createdFrom": "1714557599",
        "createdTo": "1714579201",
        "limit": "100",
        "offset": "0",
    }


async def test_window_listing_leaves_out_unfinished_orders(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders", page([order(1), order(2, paymentStatus="INCOMPLETE"), order(3)], total=3))

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [["1", "3"]]


async def test_a_deletion_while_paging_starts_the_pass_over(store: Ecwid, ecwid: EcwidConnector) -> None:
    """Order 1 is deleted after the first page: 3 slides to offset 1 and would be skipped."""
    store.answer("orders", page([order(1), order(2)], total=4))
    store.answer("orders", page([order(4)], total=3, offset=2))
    store.answer("orders", page([order(2), order(3), order(4)], total=3))

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [["1", "2"], ["4"], ["3"]]
    assert [call.query["offset"] for call in store.calls] == ["0", "2", "0"]


async def test_a_pass_that_saw_fewer_orders_than_the_total_is_repeated(store: Ecwid, ecwid: EcwidConnector) -> None:
    """Order 3 is inserted before the offset already read, and order 2 came twice."""
    store.answer("orders", page([order(1), order(2)], total=3))
    store.answer("orders", page([order(2)], total=3, offset=2))
    store.answer("orders", page([order(1), order(3), order(2)], total=3))

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [["1", "2"], [], ["3"]]


async def test_results_that_never_settle_are_unavailable(store: Ecwid, ecwid: EcwidConnector) -> None:
    for _ in range(MAX_PASSES):
        store.answer("orders", page([order(1)], total=2))
        store.answer("orders", page([order(1)], total=3, offset=1))

    with pytest.raises(PlatformUnavailable, match="kept changing"):
        [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]
    assert len(store.calls) == 2 * MAX_PASSES


async def test_window_listing_reads_the_currency_once(store: Ecwid, http: HttpClient) -> None:
    store.answer("profile", {"formatsAndUnits": {"currency": "GBP"}})
    store.answer("orders", page([order(1)], total=2))
    store.answer("orders", page([order(2)], total=2, offset=1))
    ecwid = EcwidConnector(credentials=CREDENTIALS, http=http)

    pages = [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert [o.total.currency for p in pages for o in p] == ["GBP", "GBP"]
    assert store.paths.count(f"/api/v3/{STORE_ID}/profile") == 1


@pytest.mark.parametrize(
    "body", [{"items": []}, {"total": 1, "items": {}}, {"total": "1", "items": []}, [order(1)]], ids=repr
)
async def test_listing_without_the_envelope_is_a_bad_response(store: Ecwid, ecwid: EcwidConnector, body: Any) -> None:
    store.answer("orders", body)

    with pytest.raises(PlatformBadResponse, match="Listing orders: .*'items' and 'total'"):
        [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_offsets_after_the_first_page_are_fetched_page_concurrency_at_a_time_and_yielded_in_order(
    api: aioresponses, ecwid: EcwidConnector, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    every = [order(n) for n in range(1, 15)]

    def answer(url: URL) -> CallbackResult:
        offset = int(url.query["offset"])
        return CallbackResult(payload=page(every[offset : offset + 3], total=14, offset=offset))

    endpoint = PagedEndpoint(answer)
    api.get(re.compile(re.escape(f"{API}/orders?")), callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(EcwidConnector, "page_concurrency", concurrency)

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [[str(n) for n in range(first, min(first + 3, 15))] for first in range(1, 15, 3)]
    assert [url.query["offset"] for url in endpoint.urls] == ["0", "3", "6", "9", "12"]
    assert endpoint.in_flight_at_start[:2] == [1, 1]  # the first page alone: it gives the total and page size
    assert endpoint.peak == concurrency


async def test_a_total_changed_on_a_page_fetched_ahead_starts_the_pass_over(
    api: aioresponses, ecwid: EcwidConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offsets 3 to 9 are in flight together and 9 is answered first, just as order 1 is deleted:
    order 4 slides to offset 2, so offset 3 misses it and the pass starts over."""
    deleted = False

    def answer(url: URL) -> CallbackResult:
        nonlocal deleted
        offset = int(url.query["offset"])
        deleted = deleted or offset == 9
        orders = [order(n) for n in range(1, 13) if not (deleted and n == 1)]
        return CallbackResult(payload=page(orders[offset : offset + 3], total=len(orders), offset=offset))

    endpoint = PagedEndpoint(answer)
    api.get(re.compile(re.escape(f"{API}/orders?")), callback=endpoint.respond, repeat=True)
    monkeypatch.setattr(EcwidConnector, "page_concurrency", 3)

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert [url.query["offset"] for url in endpoint.urls] == ["0", "3", "6", "9", "0", "3", "6", "9"]
    assert pages == [["1", "2", "3"], ["5", "6", "7"], ["4"], [], ["8", "9", "10"], ["11", "12"]]


# --- errors, throttling and retries ------------------------------------------------------------------


async def test_rate_limit_waits_for_retry_after_then_succeeds(
    store: Ecwid, http_session: aiohttp.ClientSession
) -> None:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0), sleep=sleep)
    store.answer(
        "orders/K8XTQ",
        {"errorMessage": "Too many requests", "errorCode": "RATE_LIMITED"},
        status=429,
        headers={"Retry-After": "7"},
    )
    store.answer("orders/K8XTQ", SAMPLE)
    ecwid = EcwidConnector(credentials=CREDENTIALS, http=http, state=ConnectorState({"currency": "EUR"}))

    assert await ecwid.fetch_order("K8XTQ") is not None
    assert sleep.delays == [7.0]


async def test_rate_limit_without_retry_after_waits_the_default(
    store: Ecwid, http_session: aiohttp.ClientSession
) -> None:
    sleep = RecordingSleep()
    http = HttpClient(http_session, RetryPolicy(attempts=3, base_delay=0.001, max_delay=60.0), sleep=sleep)
    store.answer("orders/K8XTQ", status=429)
    store.answer("orders/K8XTQ", SAMPLE)
    ecwid = EcwidConnector(credentials=CREDENTIALS, http=http, state=ConnectorState({"currency": "EUR"}))

    assert await ecwid.fetch_order("K8XTQ") is not None
    assert sleep.delays == [RATE_LIMIT_WAIT]


@pytest.mark.parametrize("status", [500, 502, 503, 408])
async def test_transient_fault_then_success(store: Ecwid, ecwid: EcwidConnector, status: int) -> None:
    store.answer("orders", {"errorMessage": "try later", "errorCode": "TIMEOUT"}, status=status)
    store.answer("orders", page([order(1)], total=1))

    pages = [[o.order_id for o in p] async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]

    assert pages == [["1"]]
    assert len(store.calls) == 2


async def test_persistent_5xx_is_unavailable(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", status=503, repeat=True)

    with pytest.raises(PlatformUnavailable, match=r"Fetching order 'K8XTQ': GET .*/orders/K8XTQ failed .*HTTP 503"):
        await ecwid.fetch_order("K8XTQ")
    assert len(store.calls) == 4  # the fixture's RetryPolicy(attempts=4)


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_token_is_an_auth_error(store: Ecwid, ecwid: EcwidConnector, status: int) -> None:
    store.answer("orders", {"errorMessage": f"Invalid token {TOKEN}", "errorCode": "INVALID_API_TOKEN"}, status=status)

    with pytest.raises(PlatformAuthError, match=f"Listing orders: .*HTTP {status}.*secret_ access token") as caught:
        [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]
    assert_no_secret(caught.value)


async def test_store_on_a_plan_without_api_is_an_auth_error(store: Ecwid, ecwid: EcwidConnector) -> None:
    error = {"errorMessage": "Please upgrade your account to access API", "errorCode": "NOT_AVAILABLE_ON_CURRENT_PLAN"}
    store.answer("orders/K8XTQ", error, status=402)

    with pytest.raises(PlatformAuthError, match="HTTP 402, NOT_AVAILABLE_ON_CURRENT_PLAN: Please upgrade"):
        await ecwid.fetch_order("K8XTQ")


async def test_refused_parameter_names_the_error_code_without_the_token(store: Ecwid, ecwid: EcwidConnector) -> None:
    error = {"errorMessage": f"Wrong parameter createdFrom for token {TOKEN}", "errorCode": "WRONG_PARAMETER"}
    store.answer("orders", error, status=400)

    with pytest.raises(PlatformBadResponse) as caught:
        [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]
    assert caught.value.message == (
        f"Listing orders: {API}/orders answered HTTP 400, WRONG_PARAMETER: Wrong parameter createdFrom for token ***"
    )


async def test_garbage_is_a_bad_response(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", body="<html>Gateway</html>", content_type="text/html")

    with pytest.raises(PlatformBadResponse, match="not JSON") as caught:
        await ecwid.fetch_order("K8XTQ")
    assert_no_secret(caught.value)


async def test_an_order_that_is_not_an_object_is_a_bad_response(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders/K8XTQ", ["K8XTQ"])

    with pytest.raises(PlatformBadResponse, match="without an order object"):
        await ecwid.fetch_order("K8XTQ")


async def test_listing_404_is_a_bad_response(store: Ecwid, ecwid: EcwidConnector) -> None:
    store.answer("orders", body="Not Found", status=404, content_type="text/plain")

    with pytest.raises(PlatformBadResponse, match="Listing orders: .*HTTP 404, no error code"):
        [p async for p in ecwid.orders_created(WINDOW_START, WINDOW_END)]


# --- webhooks ----------------------------------------------------------------------------------------

WEBHOOK = {  # docs.ecwid.com "Event data in webhooks", order.created example
    "eventId": "80aece08-40e8-4145-8764-6c2f0d38678",
    "eventCreated": 1234567,
    "storeId": 1003,
    "entityId": 103878161,
    "eventType": "order.created",
    "data": {"orderId": "XJ12H", "newPaymentStatus": "PAID", "newFulfillmentStatus": "SHIPPED"},
}


def delivery(event: Any, secret: str = CLIENT_SECRET) -> tuple[dict[str, str], bytes]:
    body = json.dumps(event).encode()
    return {SIGNATURE_HEADER: signature(event["eventCreated"], event["eventId"], secret)}, body


@pytest.fixture
def hooked(http: HttpClient) -> EcwidConnector:
    return EcwidConnector(credentials={**CREDENTIALS, "client_secret": CLIENT_SECRET}, http=http)


def test_signature_is_the_documented_hmac() -> None:
    # base64(HMAC-SHA256(key="abcde123456789", "1234567.80aece08-40e8-4145-8764-6c2f0d38678")),
    # computed with openssl dgst -hmac
    assert signature(1234567, WEBHOOK["eventId"], "abcde123456789") == "lidx/4J5L2Pp4auvwGBp6DwPkpPmyVLI3oLB440X358="


async def test_order_created_names_the_order_to_fetch(hooked: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK)

    event = await hooked.parse_webhook(headers, body)

    assert event == WebhookEvent(
        delivery_id="80aece08-40e8-4145-8764-6c2f0d38678", topic="order.created", order_reference="XJ12H"
    )


async def test_older_order_created_names_the_order_by_entity_id(hooked: EcwidConnector) -> None:
    sample = json.loads((SAMPLES / "ecwid" / "webhook-order-created.json").read_text())
    headers, body = delivery(sample)

    event = await hooked.parse_webhook(headers, body)

    assert (event.delivery_id, event.topic, event.order, event.order_reference) == (
        sample["eventId"],
        "order.created",
        None,
        "103",
    )


async def test_replay_has_the_same_delivery_id(hooked: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK)

    first, again = await hooked.parse_webhook(headers, body), await hooked.parse_webhook(headers, body)

    assert first == again


async def test_signature_header_is_found_in_any_case(hooked: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK)
    lowered = CIMultiDict({SIGNATURE_HEADER.lower(): headers[SIGNATURE_HEADER]})

    assert (await hooked.parse_webhook(lowered, body)).order_reference == "XJ12H"


@pytest.mark.parametrize(
    "topic", ["order.deleted", "unfinished_order.created", "unfinished_order.updated", "product.updated"]
)
async def test_other_events_carry_no_order(hooked: EcwidConnector, topic: str) -> None:
    headers, body = delivery({**WEBHOOK, "eventType": topic})

    event = await hooked.parse_webhook(headers, body)

    assert (event.topic, event.order, event.order_reference) == (topic, None, None)


async def test_wrong_secret_is_rejected(hooked: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK, secret="another-app-secret")

    with pytest.raises(WebhookRejected, match="does not match") as caught:
        await hooked.parse_webhook(headers, body)
    assert_no_secret(caught.value)


async def test_missing_signature_is_rejected(hooked: EcwidConnector) -> None:
    _, body = delivery(WEBHOOK)

    with pytest.raises(WebhookRejected, match=f"no {SIGNATURE_HEADER}"):
        await hooked.parse_webhook({}, body)


async def test_store_without_a_client_secret_rejects_deliveries(ecwid: EcwidConnector) -> None:
    headers, body = delivery(WEBHOOK)

    with pytest.raises(WebhookRejected, match="no app client secret"):
        await ecwid.parse_webhook(headers, body)


@pytest.mark.parametrize(
    "tampered", [{"eventId": "80aece08-40e8-4145-8764-6c2f0d38679"}, {"eventCreated": 1234568}], ids=repr
)
async def test_tampered_signed_fields_are_rejected(hooked: EcwidConnector, tampered: dict[str, Any]) -> None:
    headers, _ = delivery(WEBHOOK)
    body = json.dumps({**WEBHOOK, **tampered}).encode()

    with pytest.raises(WebhookRejected, match="does not match"):
        await hooked.parse_webhook(headers, body)


async def test_delivery_for_another_store_is_rejected(hooked: EcwidConnector) -> None:
    headers, body = delivery({**WEBHOOK, "storeId": 2004})

    with pytest.raises(WebhookRejected, match="store 2004, not this store"):
        await hooked.parse_webhook(headers, body)


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", json.dumps({**WEBHOOK, "eventId": None}).encode(), json.dumps({"eventType": "x"}).encode()],
    ids=["text", "array", "no eventId", "no eventCreated"],
)
async def test_unverifiable_body_is_rejected(hooked: EcwidConnector, body: bytes) -> None:
    headers, _ = delivery(WEBHOOK)

    with pytest.raises(WebhookRejected, match="cannot be checked"):
        await hooked.parse_webhook(headers, body)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({**WEBHOOK, "eventType": None}, "no eventType"),
        ({**WEBHOOK, "data": {}, "entityId": -1}, "names no order"),
        ({**WEBHOOK, "data": "XJ12H", "entityId": "103"}, "names no order"),
    ],
    ids=["no eventType", "no order id", "unreadable order id"],
)
async def test_signed_but_unreadable_delivery_is_malformed(
    hooked: EcwidConnector, event: dict[str, Any], message: str
) -> None:
    headers, body = delivery(event)

    with pytest.raises(WebhookMalformed, match=message):
        await hooked.parse_webhook(headers, body)
