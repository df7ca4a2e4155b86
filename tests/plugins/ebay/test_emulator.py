"""The eBay Sell Fulfillment API emulator behaves as eBay's documentation says.

No eBay-authored order sample exists (tests/samples has no ``ebay/``; see
PROVENANCE.md), so payload shapes are checked against the documented ``Order``
schema and the formats eBay is seen to use, field by field.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from yarl import URL

from plugins.ebay.emulator import EbayEmulator, demo_emulator
from server.platforms.testing import PlatformDouble

Client = TestClient[Any, Any]
TOKEN_PATH = "/identity/v1/oauth2/token"
ORDERS = "/sell/fulfillment/v1/order"
FULFILLMENT = "https://api.ebay.com/oauth/api_scope/sell.fulfillment"
API_SCOPE = "https://api.ebay.com/oauth/api_scope"
PUBLIC_KEY = "/commerce/notification/v1/public_key"
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
INVALID_TOKEN = {
    "errors": [
        {
            "errorId": 1001,
            "domain": "OAuth",
            "category": "REQUEST",
            "message": "Invalid access token",
            "longMessage": "Invalid access token. Check the value of the Authorization HTTP request header.",
        }
    ]
}
INVALID_GRANT = "the provided authorization refresh token is invalid or was issued to another client"
MONEY = re.compile(r"-?\d+\.\d{1,2}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(clock: Clock) -> EbayEmulator:
    return EbayEmulator(now=clock)


@pytest.fixture
async def client(emulator: EbayEmulator) -> AsyncIterator[Client]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


def basic(credentials: dict[str, str]) -> str:
    return "Basic " + base64.b64encode(f"{credentials['client_id']}:{credentials['client_secret']}".encode()).decode()


async def request_token(client: Client, credentials: dict[str, str], **form: str) -> aiohttp.ClientResponse:
    data = {"grant_type": "refresh_token", "refresh_token": credentials["refresh_token"], "scope": FULFILLMENT} | form
    return await client.post(TOKEN_PATH, data=data, headers={"Authorization": basic(credentials)})


@pytest.fixture
async def token(client: Client, emulator: EbayEmulator) -> str:
    response = await request_token(client, emulator.credentials())
    assert response.status == 200
    return str((await response.json())["access_token"])


async def get(client: Client, token: str, url: str, **params: str) -> tuple[int, Any]:
    response = await client.get(url, params=params or None, headers={"Authorization": f"Bearer {token}"})
    return response.status, await response.json()


def window(start: datetime, end: datetime | None = None) -> str:
    return f"creationdate:[{stamp(start)}..{stamp(end) if end else ''}]"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error(status_body: tuple[int, Any]) -> tuple[int, int, str]:
    status, body = status_body
    [entry] = body["errors"]
    return status, entry["errorId"], entry["message"]


# --- OAuth ------------------------------------------------------------------------------------------


async def test_refresh_token_grant_mints_a_two_hour_user_token(client: Client, emulator: EbayEmulator) -> None:
    response = await request_token(client, emulator.credentials())
    body = await response.json()
    assert response.status == 200
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["access_token"].startswith("v^1.1#")
    assert body["expires_in"] == 7200 and body["token_type"] == "User Access Token"
    assert emulator.token_requests == 1


async def test_scope_may_be_omitted_or_narrowed_but_not_widened(client: Client, emulator: EbayEmulator) -> None:
    credentials = emulator.credentials()
    narrowed = f"{FULFILLMENT}.readonly"
    assert (await request_token(client, credentials, scope="")).status == 200
    assert (await request_token(client, credentials, scope=narrowed)).status == 200
    widened = await request_token(
        client, credentials, scope=f"{FULFILLMENT} https://api.ebay.com/oauth/api_scope/sell.inventory"
    )
    assert widened.status == 400
    assert (await widened.json())["error"] == "invalid_scope"
    assert emulator.token_requests == 3


@pytest.mark.parametrize(
    ("change", "status", "body"),
    [
        (
            {"client_secret": "PRD-wrong"},
            401,
            {"error": "invalid_client", "error_description": "client authentication failed"},
        ),
        (
            {"client_id": "Someone-Else-PRD-1"},
            401,
            {"error": "invalid_client", "error_description": "client authentication failed"},
        ),
        (
            {"refresh_token": "v^1.1#i^1#p^3#r^1#I^3#f^0#t^stale"},
            400,
            {"error": "invalid_grant", "error_description": INVALID_GRANT},
        ),
    ],
)
async def test_wrong_client_or_refresh_token_is_refused(
    client: Client, emulator: EbayEmulator, change: dict[str, str], status: int, body: dict[str, str]
) -> None:
    response = await request_token(client, emulator.credentials() | change)
    assert response.status == status
    assert await response.json() == body


async def test_malformed_token_requests(client: Client, emulator: EbayEmulator) -> None:
    credentials = emulator.credentials()
    no_auth = await client.post(TOKEN_PATH, data={"grant_type": "refresh_token", "refresh_token": "x"})
    assert no_auth.status == 401
    wrong_grant = await request_token(client, credentials, grant_type="password")
    assert (wrong_grant.status, (await wrong_grant.json())["error"]) == (400, "unsupported_grant_type")
    json_body = await client.post(
        TOKEN_PATH, json={"grant_type": "refresh_token"}, headers={"Authorization": basic(credentials)}
    )
    assert (json_body.status, (await json_body.json())["error"]) == (400, "invalid_request")


async def test_access_token_expires_after_expires_in(client: Client, clock: Clock, token: str) -> None:
    clock.now = NOW + timedelta(seconds=7199)
    assert (await get(client, token, ORDERS))[0] == 200
    clock.now = NOW + timedelta(seconds=7200)
    assert await get(client, token, ORDERS) == (401, INVALID_TOKEN)


async def test_token_without_fulfillment_scope_is_forbidden(client: Client, emulator: EbayEmulator) -> None:
    response = await request_token(client, emulator.credentials(), scope="https://api.ebay.com/oauth/api_scope")
    token = (await response.json())["access_token"]
    status, body = await get(client, token, ORDERS)
    assert status == 403
    assert body["errors"][0] | {} == {
        "errorId": 1100,
        "domain": "ACCESS",
        "category": "REQUEST",
        "message": "Access denied",
        "longMessage": "Insufficient permissions to fulfill the request.",
    }


async def test_revoked_consent_stops_refresh_and_access(client: Client, emulator: EbayEmulator, token: str) -> None:
    credentials = emulator.credentials()
    emulator.revoke_consent()
    assert (await request_token(client, credentials)).status == 400
    assert await get(client, token, ORDERS) == (401, INVALID_TOKEN)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic Zm9vOmJhcg=="])
async def test_missing_or_unknown_token_is_401_with_ebays_body(client: Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for path in (ORDERS, f"{ORDERS}/01-23456-78901"):
        response = await client.get(path, headers=headers)
        assert response.status == 401
        assert await response.json() == INVALID_TOKEN


async def test_requests_are_recorded_with_secrets_redacted(client: Client, emulator: EbayEmulator, token: str) -> None:
    await get(client, token, ORDERS, limit="10")
    token_call, api_call = emulator.requests
    assert token_call["path"] == TOKEN_PATH and token_call["form"]["grant_type"] == "refresh_token"
    assert token_call["form"]["refresh_token"] == "[redacted]"
    assert api_call["query"] == {"limit": "10"} and api_call["headers"]["Authorization"] == "[redacted]"
    logged = json.dumps(emulator.requests)
    for secret in (*emulator.credentials().values(), token):
        assert secret not in logged


# --- getOrder -------------------------------------------------------------------------------------


async def test_get_order_by_new_and_legacy_ids(client: Client, emulator: EbayEmulator, token: str) -> None:
    order = emulator.add_order(created_at=NOW - timedelta(hours=1), line_items=[{"title": "Lamp", "price": "30.00"}])
    [line] = order["lineItems"]
    for reference in (order["orderId"], f"{line['legacyItemId']}-{line['lineItemId']}"):
        assert await get(client, token, f"{ORDERS}/{reference}") == (200, order)
    assert re.fullmatch(r"\d{2}-\d{5}-\d{5}", order["orderId"])
    assert order["legacyOrderId"] == order["orderId"]


async def test_explicit_ids_and_multi_line_orders(client: Client, emulator: EbayEmulator, token: str) -> None:
    two_lines = [{"title": "Lamp", "price": "30.00"}, {"title": "Bulb", "price": "4.00"}]
    order = emulator.add_order(
        created_at=NOW - timedelta(hours=1), line_items=two_lines, order_id="07-11111-22222",
        legacy_order_id="180012345678-2001234567001", sales_record_reference="4242",
    )  # fmt: skip
    assert (order["orderId"], order["legacyOrderId"], order["salesRecordReference"]) == (
        "07-11111-22222", "180012345678-2001234567001", "4242"
    )  # fmt: skip
    assert (await get(client, token, f"{ORDERS}/180012345678-2001234567001"))[1]["orderId"] == "07-11111-22222"
    first = order["lineItems"][0]  # an ItemID-TransactionID pair names single-line orders only
    assert (await get(client, token, f"{ORDERS}/{first['legacyItemId']}-{first['lineItemId']}"))[0] == 404
    with pytest.raises(ValueError, match="already exists"):
        emulator.add_order(created_at=NOW, order_id="07-11111-22222")


async def test_unknown_order_is_404_and_malformed_id_400(client: Client, token: str) -> None:
    assert error(await get(client, token, f"{ORDERS}/01-23456-78901")) == (
        404,
        32100,
        "Invalid order ID: 01-23456-78901",
    )
    assert error(await get(client, token, f"{ORDERS}/%231001")) == (400, 32100, "Invalid order ID: #1001")


async def test_orders_older_than_two_years_are_not_served(client: Client, emulator: EbayEmulator, token: str) -> None:
    old = emulator.add_order(created_at=NOW - timedelta(days=731))
    assert (await get(client, token, f"{ORDERS}/{old['orderId']}"))[0] == 404


async def test_cancel_requests_only_in_get_order(client: Client, emulator: EbayEmulator, token: str) -> None:
    order = emulator.add_order(
        created_at=NOW - timedelta(hours=3), cancel_state="CANCELED", payment_status="FULLY_REFUNDED"
    )
    [request] = (await get(client, token, f"{ORDERS}/{order['orderId']}"))[1]["cancelStatus"]["cancelRequests"]
    assert request["cancelRequestState"] == "COMPLETED"
    listed = (await get(client, token, ORDERS))[1]["orders"][0]
    assert listed["cancelStatus"]["cancelState"] == "CANCELED" and listed["cancelStatus"]["cancelRequests"] == []
    assert order["paymentSummary"]["totalDueSeller"]["value"] == "0.0"


async def test_tax_breakdown_adds_collected_tax_into_totals(client: Client, emulator: EbayEmulator, token: str) -> None:
    order = emulator.add_order(
        created_at=NOW - timedelta(hours=1),
        line_items=[{"title": "Kettle", "price": "40.00", "shipping": "5.00", "sales_tax": "2.90"}],
    )
    assert order["pricingSummary"]["total"]["value"] == "45.0" and "tax" not in order["pricingSummary"]
    assert order["lineItems"][0]["taxes"] == [] and order["ebayCollectAndRemitTax"] is True
    _, detailed = await get(client, token, f"{ORDERS}/{order['orderId']}", fieldGroups="TAX_BREAKDOWN")
    assert detailed["pricingSummary"]["total"]["value"] == "47.9"
    assert detailed["pricingSummary"]["tax"] == {"value": "2.9", "currency": "USD"}
    assert detailed["lineItems"][0]["taxes"] == [
        {"amount": {"value": "2.9", "currency": "USD"}, "taxType": "STATE_SALES_TAX"}
    ]
    assert detailed["lineItems"][0]["total"]["value"] == "47.9"
    assert error(await get(client, token, f"{ORDERS}/{order['orderId']}", fieldGroups="ALL")) == (
        400, 32800, "Invalid field group: ALL"
    )  # fmt: skip


# --- getOrders: filters ---------------------------------------------------------------------------


@pytest.fixture
def edge_orders(emulator: EbayEmulator) -> dict[str, str]:
    """Orders one millisecond either side of, and exactly at, 10:00 and 11:00."""
    start, end, ms = NOW - timedelta(hours=2), NOW - timedelta(hours=1), timedelta(milliseconds=1)
    moments = {"before": start - ms, "start": start, "inside": start + ms, "end": end, "after": end + ms}
    return {name: emulator.add_order(created_at=moment)["orderId"] for name, moment in moments.items()}


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        (window(NOW - timedelta(hours=2), NOW - timedelta(hours=1)), ["start", "inside", "end"]),
        (window(NOW - timedelta(hours=2)), ["start", "inside", "end", "after"]),
        (window(NOW - timedelta(hours=1), NOW - timedelta(hours=1)), ["end"]),
        (window(NOW - timedelta(hours=2) + timedelta(milliseconds=1)), ["inside", "end", "after"]),
        ("creationdate:[2026-03-01T10:00:00Z..2026-03-01T11:00:00Z]", ["start", "inside", "end"]),
    ],
)
async def test_creationdate_bounds_are_inclusive_to_the_millisecond(
    client: Client, token: str, edge_orders: dict[str, str], filter_: str, expected: list[str]
) -> None:
    status, body = await get(client, token, ORDERS, filter=filter_)
    assert status == 200
    names = {order_id: name for name, order_id in edge_orders.items()}
    assert sorted(names[o["orderId"]] for o in body["orders"]) == sorted(expected)
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    ("filter_", "error_id", "message"),
    [
        ("creationdate:[2026-03-01T10:00:00.000+00:00..]", 30810, "Invalid date format"),
        ("creationdate:[2026-03-01T10:00:00.000..]", 30810, "Invalid date format"),
        ("creationdate:[2026-03-01..]", 30810, "Invalid date format"),
        ("creationdate:[..2026-03-01T10:00:00.000Z]", 30820, "Start date is missing"),
        (
            "creationdate:[2026-03-01T11:00:00.000Z..2026-03-01T10:00:00.000Z]",
            30840,
            "Start date should be before end date",
        ),
        (
            "creationdate:[2026-03-01T11:00:00.000Z..2026-03-01T12:00:00.001Z]",
            30850,
            "Start and end dates can't be in the future",
        ),
        (
            "creationdate:[2024-02-29T11:59:59.999Z..]",
            30830,
            "Time range between start date and end date must be within '2' years.",
        ),
        ("createdate:[2026-03-01T10:00:00.000Z..]", 30700, "Invalid filter name: createdate"),
        (
            "creationdate:2026-03-01T10:00:00.000Z",
            30800,
            "Invalid filter value 2026-03-01T10:00:00.000Z for filter creationdate",
        ),
        (
            "orderfulfillmentstatus:{NOT_STARTED|FULFILLED}",
            30800,
            "Invalid filter value {NOT_STARTED|FULFILLED} for filter orderfulfillmentstatus",
        ),
    ],
)
async def test_bad_filters_get_the_documented_errors(
    client: Client, token: str, filter_: str, error_id: int, message: str
) -> None:
    assert error(await get(client, token, ORDERS, filter=filter_)) == (400, error_id, message)


async def test_brackets_must_arrive_percent_encoded(client: Client, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    base = str(client.make_url(ORDERS))
    raw = URL(f"{base}?filter=creationdate:[2026-03-01T10:00:00.000Z..]", encoded=True)
    async with client.session.get(raw, headers=headers) as answer:
        assert answer.status == 400
        assert (await answer.json())["errors"][0]["errorId"] == 30800
    encoded = URL(f"{base}?filter=creationdate:%5B2026-03-01T10:00:00.000Z..%5D", encoded=True)
    async with client.session.get(encoded, headers=headers) as answer:
        assert answer.status == 200


async def test_without_a_date_criterion_the_window_is_the_last_90_days(
    client: Client, emulator: EbayEmulator, token: str
) -> None:
    inside = emulator.add_order(created_at=NOW - timedelta(days=89))["orderId"]
    emulator.add_order(created_at=NOW - timedelta(days=91))
    status, body = await get(client, token, ORDERS)
    assert status == 200 and [o["orderId"] for o in body["orders"]] == [inside]


async def test_lastmodifieddate_applies_only_without_creationdate(
    client: Client, emulator: EbayEmulator, token: str
) -> None:
    old = emulator.add_order(created_at=NOW - timedelta(days=100))  # modified two minutes after creation
    recent = emulator.add_order(created_at=NOW - timedelta(hours=1))
    modified = f"lastmodifieddate:[{stamp(NOW - timedelta(days=101))}..{stamp(NOW - timedelta(days=99))}]"
    assert [o["orderId"] for o in (await get(client, token, ORDERS, filter=modified))[1]["orders"]] == [old["orderId"]]
    both = f"{window(NOW - timedelta(hours=2))},{modified}"
    assert [o["orderId"] for o in (await get(client, token, ORDERS, filter=both))[1]["orders"]] == [recent["orderId"]]


async def test_orderfulfillmentstatus_filter(client: Client, emulator: EbayEmulator, token: str) -> None:
    ids = {
        status: emulator.add_order(created_at=NOW - timedelta(hours=1), fulfillment_status=status)["orderId"]
        for status in ("NOT_STARTED", "IN_PROGRESS", "FULFILLED")
    }
    for combo, expected in (
        ("{NOT_STARTED|IN_PROGRESS}", {"NOT_STARTED", "IN_PROGRESS"}),
        ("{FULFILLED|IN_PROGRESS}", {"FULFILLED", "IN_PROGRESS"}),
    ):
        filter_ = f"{window(NOW - timedelta(hours=2))},orderfulfillmentstatus:{combo}"
        _, body = await get(client, token, ORDERS, filter=filter_)
        assert {o["orderId"] for o in body["orders"]} == {ids[s] for s in expected}


async def test_only_checkout_complete_orders_are_served(client: Client, emulator: EbayEmulator, token: str) -> None:
    unfinished = emulator.add_order(created_at=NOW - timedelta(hours=1), checkout_complete=False)
    assert (await get(client, token, ORDERS))[1]["total"] == 0
    assert (await get(client, token, f"{ORDERS}/{unfinished['orderId']}"))[0] == 404
    emulator.complete_checkout(unfinished["orderId"])
    [listed] = (await get(client, token, ORDERS))[1]["orders"]
    assert listed["creationDate"] == unfinished["creationDate"]


# --- getOrders: pagination ------------------------------------------------------------------------


async def follow(client: Client, token: str, url: str) -> list[dict[str, Any]]:
    """Every page from ``url``, following ``next`` verbatim."""
    pages = []
    while url:
        response = await client.session.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 200
        pages.append(await response.json())
        url = pages[-1].get("next")
    return pages


@pytest.mark.parametrize("newest_first", [True, False])
async def test_pages_cover_every_order_exactly_once(clock: Clock, newest_first: bool) -> None:
    emulator = EbayEmulator(now=clock, newest_first=newest_first)
    emulator.add_random_orders(450, start=NOW - timedelta(hours=6), end=NOW, seed=4)
    emulator.add_order(created_at=NOW - timedelta(hours=7))  # outside the window
    async with TestClient(TestServer(emulator.app())) as client:
        token = (await (await request_token(client, emulator.credentials())).json())["access_token"]
        start = str(client.make_url(ORDERS).with_query(filter=window(NOW - timedelta(hours=6)), limit="200"))
        pages = await follow(client, token, start)
    assert [len(p["orders"]) for p in pages] == [200, 200, 50]
    assert [(p["offset"], p["limit"], p["total"]) for p in pages] == [(0, 200, 450), (200, 200, 450), (400, 200, 450)]
    assert "prev" not in pages[0] and "next" not in pages[-1]
    assert pages[1]["prev"].endswith("&limit=200&offset=0")
    assert "filter=creationdate:%5B2026-03-01T06:00:00.000Z..%5D" in pages[0]["next"]
    ids = [o["orderId"] for p in pages for o in p["orders"]]
    assert len(ids) == len(set(ids)) == 450
    created = [o["creationDate"] for p in pages for o in p["orders"]]
    assert created == sorted(created, reverse=newest_first)


async def test_offset_past_the_end_is_an_empty_page(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.add_order(created_at=NOW - timedelta(hours=1))
    status, body = await get(client, token, ORDERS, offset="5")
    assert status == 200 and body["orders"] == [] and body["total"] == 1 and "next" not in body


async def test_limit_defaults_to_50_and_caps_at_200(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.add_random_orders(210, start=NOW - timedelta(hours=3), end=NOW, seed=2)
    _, body = await get(client, token, ORDERS)
    assert (body["limit"], len(body["orders"])) == (50, 50)
    assert len((await get(client, token, ORDERS, limit="200"))[1]["orders"]) == 200
    for bad in ("201", "0", "-1", "ten", "1.5"):
        assert error(await get(client, token, ORDERS, limit=bad)) == (400, 31100, f"Invalid limit: {bad}")
    for bad in ("-1", "x"):
        assert error(await get(client, token, ORDERS, offset=bad)) == (400, 31000, f"Invalid offset: {bad}")


async def test_order_ids_take_at_most_50_and_ignore_other_parameters(
    client: Client, emulator: EbayEmulator, token: str
) -> None:
    first = emulator.add_order(created_at=NOW - timedelta(days=200))  # beyond a filter's 90-day default
    second = emulator.add_order(created_at=NOW - timedelta(hours=1))
    line = second["lineItems"][0]
    ids = f"{first['orderId']},{line['legacyItemId']}-{line['lineItemId']},01-00000-00000"
    status, body = await get(client, token, ORDERS, orderIds=ids, limit="999", filter="nonsense")
    assert status == 200 and body["total"] == 2
    assert [o["orderId"] for o in body["orders"]] == [first["orderId"], second["orderId"]]
    too_many = ",".join(f"01-00000-{n:05d}" for n in range(51))
    assert error(await get(client, token, ORDERS, orderIds=too_many)) == (
        400, 30900, "Exceeded maximum number of order IDs (the current limit is 50)"
    )  # fmt: skip


async def test_listing_thousands_of_orders_stays_fast(clock: Clock) -> None:
    emulator = EbayEmulator(now=clock)
    emulator.add_random_orders(2_000, start=NOW - timedelta(hours=6), end=NOW, seed=9)
    async with TestClient(TestServer(emulator.app())) as client:
        token = (await (await request_token(client, emulator.credentials())).json())["access_token"]
        started = time.perf_counter()
        pages = await follow(
            client, token, str(client.make_url(ORDERS).with_query(filter=window(NOW - timedelta(hours=6)), limit="200"))
        )
        elapsed = time.perf_counter() - started
    assert sum(len(p["orders"]) for p in pages) == 2_000
    assert elapsed < 10  # generous for a loaded machine; the point is no quadratic blow-up


# --- payload shape --------------------------------------------------------------------------------

AMOUNT_KEYS = {"value", "currency"}
ORDER_TYPES: dict[str, type] = {
    "orderId": str, "legacyOrderId": str, "creationDate": str, "lastModifiedDate": str,
    "orderFulfillmentStatus": str, "orderPaymentStatus": str, "sellerId": str, "buyer": dict,
    "pricingSummary": dict, "cancelStatus": dict, "paymentSummary": dict, "fulfillmentStartInstructions": list,
    "fulfillmentHrefs": list, "lineItems": list, "salesRecordReference": str, "totalFeeBasisAmount": dict,
    "totalMarketplaceFee": dict,
}  # fmt: skip
LINE_TYPES: dict[str, type] = {
    "lineItemId": str, "legacyItemId": str, "title": str, "lineItemCost": dict, "quantity": int, "soldFormat": str,
    "listingMarketplaceId": str, "purchaseMarketplaceId": str, "lineItemFulfillmentStatus": str, "total": dict,
    "deliveryCost": dict, "appliedPromotions": list, "taxes": list, "properties": dict,
    "lineItemFulfillmentInstructions": dict, "itemLocation": dict,
}  # fmt: skip


def amounts(node: Any) -> list[dict[str, str]]:
    if isinstance(node, dict):
        found = [node] if set(node) == AMOUNT_KEYS else []
        return found + [a for value in node.values() for a in amounts(value)]
    if isinstance(node, list):
        return [a for value in node for a in amounts(value)]
    return []


async def test_orders_follow_the_documented_schema_and_formats(
    client: Client, emulator: EbayEmulator, token: str
) -> None:
    emulator.add_random_orders(60, start=NOW - timedelta(hours=6), end=NOW, seed=5)
    _, body = await get(client, token, ORDERS, limit="100")
    assert list(body) == ["href", "total", "limit", "offset", "orders"]
    for order in body["orders"]:
        assert {k: type(order[k]) for k in ORDER_TYPES} == ORDER_TYPES
        assert TIMESTAMP.fullmatch(order["creationDate"]) and TIMESTAMP.fullmatch(order["lastModifiedDate"])
        assert order["orderPaymentStatus"] == "PAID" and order["cancelStatus"]["cancelState"] == "NONE_REQUESTED"
        buyer = order["buyer"]
        assert buyer["username"] and buyer["buyerRegistrationAddress"]["email"].endswith("@members.ebay.com")
        for money in amounts(order):
            assert MONEY.fullmatch(money["value"]) and money["currency"] == "USD", money
        summary = order["pricingSummary"]
        costs = [Decimal(line["lineItemCost"]["value"]) for line in order["lineItems"]]
        shipping = [Decimal(line["deliveryCost"]["shippingCost"]["value"]) for line in order["lineItems"]]
        assert Decimal(summary["priceSubtotal"]["value"]) == sum(costs)
        assert Decimal(summary["deliveryCost"]["value"]) == sum(shipping)
        assert Decimal(summary["total"]["value"]) == sum(costs) + sum(shipping)
        due = Decimal(order["paymentSummary"]["totalDueSeller"]["value"])
        assert due == Decimal(summary["total"]["value"]) - Decimal(order["totalMarketplaceFee"]["value"])
        for line in order["lineItems"]:
            assert {k: type(line[k]) for k in LINE_TYPES} == LINE_TYPES
            assert re.fullmatch(r"\d{14}", line["lineItemId"]) and re.fullmatch(r"\d{12}", line["legacyItemId"])


def test_money_keeps_one_decimal_like_ebay() -> None:
    emulator = EbayEmulator(now=Clock())
    prices = {"40.00": "40.0", "11.50": "11.5", "19.99": "19.99", "0.10": "0.1"}
    for price, shown in prices.items():
        order = emulator.add_order(created_at=NOW, line_items=[{"title": "x", "price": price}])
        assert order["lineItems"][0]["lineItemCost"]["value"] == shown
        assert order["lineItems"][0]["deliveryCost"]["shippingCost"]["value"] == "0.0"


def test_add_order_rejects_unknown_states() -> None:
    emulator = EbayEmulator(now=Clock())
    with pytest.raises(ValueError, match="payment_status"):
        emulator.add_order(created_at=NOW, payment_status="COMPLETED")
    with pytest.raises(ValueError, match="aware"):
        emulator.add_order(created_at=NOW.replace(tzinfo=None))


def test_refunds_and_currency() -> None:
    emulator = EbayEmulator(now=Clock(), currency="GBP")
    order = emulator.add_order(
        created_at=NOW, payment_status="PARTIALLY_REFUNDED", line_items=[{"title": "Tea set", "price": "20.00"}]
    )
    assert order["pricingSummary"]["total"] == {"value": "20.0", "currency": "GBP"}
    [refund] = order["paymentSummary"]["refunds"]
    assert refund["amount"] == {"value": "10.0", "currency": "GBP"} and refund["refundStatus"] == "REFUNDED"
    euro = emulator.add_order(created_at=NOW, currency="EUR")
    assert {a["currency"] for a in amounts(euro)} == {"EUR"}


# --- faults ---------------------------------------------------------------------------------------


async def test_fail_next_answers_the_status_then_recovers(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.fail_next(503, times=2, retry_after=1.5)
    for _ in range(2):
        response = await client.get(ORDERS, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 503 and response.headers["Retry-After"] == "1.5"
        assert (await response.json())["errors"][0] | {} == {
            "errorId": 30500, "domain": "API_FULFILLMENT", "category": "APPLICATION", "message": "System error"
        }  # fmt: skip
    assert (await get(client, token, ORDERS))[0] == 200


async def test_throttle_next_is_ebays_429(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.throttle_next(times=2)
    for _ in range(2):
        response = await client.get(f"{ORDERS}/01-23456-78901", headers={"Authorization": f"Bearer {token}"})
        assert response.status == 429 and "Retry-After" not in response.headers
        assert await response.json() == {
            "errors": [
                {
                    "errorId": 2001,
                    "domain": "ACCESS",
                    "category": "REQUEST",
                    "message": "Too many requests.",
                    "longMessage": "The request limit has been reached for the resource.",
                }
            ]
        }
    assert (await get(client, token, ORDERS))[0] == 200


async def test_garbage_next_is_a_200_that_is_not_json(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.garbage_next()
    response = await client.get(ORDERS, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    with pytest.raises(ValueError):
        json.loads(await response.text())


async def test_truncate_next_cuts_the_body_short(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.add_order(created_at=NOW - timedelta(hours=1))
    emulator.truncate_next()
    response = await client.get(ORDERS, headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert (await get(client, token, ORDERS))[1]["total"] == 1


async def test_delay_next_answers_late(client: Client, emulator: EbayEmulator, token: str) -> None:
    emulator.delay_next(0.2)
    started = time.monotonic()
    assert (await get(client, token, ORDERS))[0] == 200
    assert time.monotonic() - started >= 0.2


async def test_faults_apply_in_queue_order_and_spare_the_token_endpoint(client: Client, emulator: EbayEmulator) -> None:
    emulator.fail_next(500)
    emulator.throttle_next()
    token = (await (await request_token(client, emulator.credentials())).json())["access_token"]
    statuses = [(await client.get(ORDERS, headers={"Authorization": f"Bearer {token}"})).status for _ in range(3)]
    assert statuses == [500, 429, 200]


# --- PlatformDouble -------------------------------------------------------------------------------


async def test_platform_double_methods(client: Client, emulator: EbayEmulator) -> None:
    assert isinstance(emulator, PlatformDouble) and emulator.page_size == 200
    assert set(emulator.credentials()) == {"client_id", "client_secret", "refresh_token"}
    refused = await request_token(client, emulator.wrong_credentials())
    assert refused.status == 401
    token = (await (await request_token(client, emulator.credentials())).json())["access_token"]
    placed_at = (NOW - timedelta(minutes=30)).replace(microsecond=123_456)
    seeded = emulator.seed_order(placed_at)
    assert seeded.placed_at == placed_at.replace(microsecond=123_000)
    assert seeded.order_number == seeded.order_id and len(seeded.references) == 2
    for reference in seeded.references:
        status, order = await get(client, token, f"{ORDERS}/{reference}")
        assert status == 200 and order["orderId"] == seeded.order_id
        assert Decimal(order["pricingSummary"]["total"]["value"]) == seeded.total
        assert order["pricingSummary"]["total"]["currency"] == seeded.currency == "USD"
        assert order["creationDate"] == stamp(seeded.placed_at)
        assert order["orderPaymentStatus"] == "PAID"
    emulator.set_timezone("Asia/Kolkata")  # eBay has no store time zone: everything stays UTC
    _, listed = await get(client, token, ORDERS, filter=window(seeded.placed_at, seeded.placed_at))
    assert [o["orderId"] for o in listed["orders"]] == [seeded.order_id]


# --- demo -----------------------------------------------------------------------------------------


async def test_demo_store_has_recent_realistic_orders() -> None:
    demo = demo_emulator()
    assert (demo.platform_id, demo.store_name) == ("ebay", "Demo eBay store")
    assert set(demo.credentials) == {"client_id", "client_secret", "refresh_token", "verification_token"}
    now = datetime.now(UTC)
    async with TestClient(TestServer(demo.make_double(now, 1).app())) as client:
        token = (await (await request_token(client, dict(demo.credentials))).json())["access_token"]
        _, body = await get(client, token, ORDERS, limit="200")
    orders = body["orders"]
    assert len(orders) == 39
    created = [datetime.fromisoformat(o["creationDate"]) for o in orders]
    assert sum(now - timedelta(hours=8) <= c <= now for c in created) == 36
    assert {"FULLY_REFUNDED", "PARTIALLY_REFUNDED", "PENDING", "PAID"} <= {o["orderPaymentStatus"] for o in orders}
    assert {"NOT_STARTED", "IN_PROGRESS", "FULFILLED"} <= {o["orderFulfillmentStatus"] for o in orders}
    assert {"CANCELED", "IN_PROGRESS"} <= {o["cancelStatus"]["cancelState"] for o in orders}
    assert any(len(o["lineItems"]) > 1 for o in orders) and any(o.get("ebayCollectAndRemitTax") for o in orders)


async def test_demo_store_is_deterministic_per_seed() -> None:
    demo = demo_emulator()
    now = datetime.now(UTC)

    async def ids(seed: int) -> list[str]:
        async with TestClient(TestServer(demo.make_double(now, seed).app())) as client:
            token = (await (await request_token(client, dict(demo.credentials))).json())["access_token"]
            return [o["orderId"] for o in (await get(client, token, ORDERS, limit="200"))[1]["orders"]]

    assert await ids(7) == await ids(7)
    assert await ids(7) != await ids(8)


# --- Notification API: ORDER_CONFIRMATION and getPublicKey -----------------------------------------


async def application_token(client: Client, credentials: dict[str, str], **form: str) -> aiohttp.ClientResponse:
    data = {"grant_type": "client_credentials", "scope": API_SCOPE} | form
    return await client.post(TOKEN_PATH, data=data, headers={"Authorization": basic(credentials)})


@pytest.fixture
async def app_token(client: Client, emulator: EbayEmulator) -> str:
    response = await application_token(client, emulator.credentials())
    assert response.status == 200
    return str((await response.json())["access_token"])


def signature_header(headers: dict[str, str]) -> dict[str, str]:
    decoded: dict[str, str] = json.loads(base64.b64decode(headers["X-EBAY-SIGNATURE"], validate=True))
    return decoded


def load_public_key(body: dict[str, str]) -> ec.EllipticCurvePublicKey:
    """The key as eBay's SDKs read it: the base64 DER between the PEM markers, on one line."""
    match = re.fullmatch(r"-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=]+)-----END PUBLIC KEY-----", body["key"])
    assert match, body["key"]
    key = serialization.load_der_public_key(base64.b64decode(match[1]))
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def signed_correctly(key: ec.EllipticCurvePublicKey, headers: dict[str, str], body: bytes) -> bool:
    """Verify as eBay's SDKs do: ECDSA with the key's digest over the message re-serialized as compact
    JSON (``JSON.stringify`` / Jackson), which must be the body as sent."""
    signature = signature_header(headers)
    restringified = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
    try:
        key.verify(base64.b64decode(signature["signature"]), restringified, ec.ECDSA(hashes.SHA1()))
    except InvalidSignature:
        return False
    return True


async def test_client_credentials_grant_mints_an_application_token(client: Client, emulator: EbayEmulator) -> None:
    response = await application_token(client, emulator.credentials())
    body = await response.json()
    assert response.status == 200 and set(body) == {"access_token", "expires_in", "token_type"}
    assert body["token_type"] == "Application Access Token" and body["expires_in"] == 7200
    assert body["access_token"].startswith("v^1.1#")
    assert (await application_token(client, emulator.credentials(), scope="")).status == 200
    widened = await application_token(client, emulator.credentials(), scope=f"{API_SCOPE} {FULFILLMENT}")
    assert (widened.status, (await widened.json())["error"]) == (400, "invalid_scope")
    wrong = await application_token(client, emulator.wrong_credentials())
    assert (wrong.status, (await wrong.json())["error"]) == (401, "invalid_client")
    assert await get(client, body["access_token"], ORDERS) == (403, ACCESS_DENIED_BODY)  # not the seller's token


ACCESS_DENIED_BODY = {
    "errors": [
        {
            "errorId": 1100,
            "domain": "ACCESS",
            "category": "REQUEST",
            "message": "Access denied",
            "longMessage": "Insufficient permissions to fulfill the request.",
        }
    ]
}


async def test_order_confirmations_verify_against_the_served_public_key(
    client: Client, emulator: EbayEmulator, app_token: str
) -> None:
    emulator.seed_order(NOW - timedelta(minutes=30))
    emulator.seed_order(NOW - timedelta(minutes=20))
    deliveries = emulator.order_webhooks()
    assert len(deliveries) == 2
    kids = {signature_header(headers)["kid"] for headers, _ in deliveries}
    assert kids == {emulator.public_key_id}
    status, public_key = await get(client, app_token, f"{PUBLIC_KEY}/{emulator.public_key_id}")
    assert status == 200 and public_key["algorithm"] == "ECDSA" and public_key["digest"] == "SHA1"
    assert list(public_key) == ["key", "algorithm", "digest"]
    key = load_public_key(public_key)
    assert key.curve.name == "secp256r1"
    for headers, body in deliveries:
        assert headers["Content-Type"] == "application/json"
        signature = signature_header(headers)
        assert list(signature) == ["alg", "kid", "signature", "digest"]
        assert signature["alg"] == "ecdsa" and signature["digest"] == "SHA1"
        assert signed_correctly(key, headers, body)
        key.verify(base64.b64decode(signature["signature"]), body, ec.ECDSA(hashes.SHA1()))  # the raw bytes too
        with pytest.raises(InvalidSignature):  # the SDKs' digest, not SHA256
            key.verify(base64.b64decode(signature["signature"]), body, ec.ECDSA(hashes.SHA256()))
        tampered = body.replace(b'"publishAttemptCount":1', b'"publishAttemptCount":2')
        assert tampered != body and not signed_correctly(key, headers, tampered)
    (first_headers, _), (_, second_body) = deliveries
    assert not signed_correctly(key, first_headers, second_body)  # a signature belongs to its own body


async def test_order_confirmation_has_the_documented_shape(client: Client, emulator: EbayEmulator, token: str) -> None:
    placed_at = (NOW - timedelta(hours=1)).replace(microsecond=456_000)
    seeded = emulator.seed_order(placed_at)
    [(_, body)] = emulator.order_webhooks()
    message = json.loads(body)
    assert list(message) == ["metadata", "notification"]
    assert message["metadata"] == {"topic": "ORDER_CONFIRMATION", "schemaVersion": "1.0", "deprecated": False}
    notification = message["notification"]
    assert list(notification) == ["notificationId", "eventDate", "publishDate", "publishAttemptCount", "data"]
    first, _, second = notification["notificationId"].partition("_")
    assert uuid.UUID(first).version == uuid.UUID(second).version == 4
    assert TIMESTAMP.fullmatch(notification["eventDate"]) and TIMESTAMP.fullmatch(notification["publishDate"])
    assert notification["eventDate"] == stamp(placed_at) <= notification["publishDate"]
    assert notification["publishAttemptCount"] == 1
    assert notification["data"]["order"]["orderId"] == seeded.order_id
    status, order = await get(
        client, token, f"{ORDERS}/{notification['data']['order']['orderId']}"
    )  # how a seller uses it
    assert status == 200 and order["orderId"] == seeded.order_id
    assert body == json.dumps(message, separators=(",", ":")).encode()  # compact: the form eBay signs


async def test_one_confirmation_per_line_item_oldest_first_and_only_after_checkout(
    emulator: EbayEmulator, clock: Clock
) -> None:
    two_lines = emulator.add_order(
        created_at=NOW - timedelta(hours=2),
        line_items=[{"title": "Lamp", "price": "30.00"}, {"title": "Shade", "price": "12.00"}],
    )
    later = emulator.seed_order(NOW - timedelta(hours=1))
    unfinished = emulator.add_order(created_at=NOW - timedelta(hours=3), checkout_complete=False)
    messages = [json.loads(body)["notification"] for _, body in emulator.order_webhooks()]
    assert [m["data"]["order"]["orderId"] for m in messages] == [two_lines["orderId"]] * 2 + [later.order_id]
    assert len({m["notificationId"] for m in messages}) == 3
    clock.now = NOW + timedelta(minutes=5)
    emulator.complete_checkout(unfinished["orderId"])  # confirmed now, though created three hours ago
    messages = [json.loads(body)["notification"] for _, body in emulator.order_webhooks()]
    assert [m["data"]["order"]["orderId"] for m in messages][-1] == unfinished["orderId"]
    assert messages[-1]["eventDate"] == stamp(NOW + timedelta(minutes=5))


async def test_notification_ids_and_deliveries_are_stable() -> None:
    first, second = EbayEmulator(now=lambda: NOW, seed=4), EbayEmulator(now=lambda: NOW, seed=4)
    for emulator in (first, second):
        emulator.seed_order(NOW - timedelta(minutes=30))
        emulator.seed_order(NOW - timedelta(minutes=20))
    deliveries = first.order_webhooks()
    assert first.order_webhooks() == deliveries
    ids = [json.loads(body)["notification"]["notificationId"] for _, body in deliveries]
    assert ids == [json.loads(body)["notification"]["notificationId"] for _, body in second.order_webhooks()]
    first.seed_order(NOW - timedelta(minutes=10))
    assert first.order_webhooks()[:2] == deliveries
    assert first.public_key_id == second.public_key_id  # the kid follows the seed; the key pair does not


async def test_get_public_key_needs_an_application_token(
    client: Client, emulator: EbayEmulator, token: str, app_token: str
) -> None:
    url = f"{PUBLIC_KEY}/{emulator.public_key_id}"
    assert (await client.get(url)).status == 401
    assert await get(client, "v^1.1#i^1#p^1#r^0#I^3#f^0#t^unknown", url) == (401, INVALID_TOKEN)
    assert await get(client, token, url) == (403, ACCESS_DENIED_BODY)  # the seller's user token
    assert (await get(client, app_token, url))[0] == 200
    status, body = await get(client, app_token, f"{PUBLIC_KEY}/9936261a-7d7b-4621-a0f1-96ccb428af49")
    assert status == 404 and body["errors"][0]["domain"] == "API_NOTIFICATION"
    emulator.revoke_consent()  # the seller's consent does not bind the application's own token
    assert (await get(client, app_token, url))[0] == 200


async def test_application_token_expires(client: Client, emulator: EbayEmulator, clock: Clock, app_token: str) -> None:
    url = f"{PUBLIC_KEY}/{emulator.public_key_id}"
    clock.now = NOW + timedelta(seconds=7200)
    assert await get(client, app_token, url) == (401, INVALID_TOKEN)


async def test_get_public_key_takes_injected_faults(client: Client, emulator: EbayEmulator, app_token: str) -> None:
    url = f"{PUBLIC_KEY}/{emulator.public_key_id}"
    emulator.fail_next(503)
    assert (await get(client, app_token, url))[0] == 503
    assert (await get(client, app_token, url))[0] == 200


async def test_demo_store_sends_confirmations_its_credentials_can_verify() -> None:
    demo = demo_emulator()
    store = demo.make_double(datetime.now(UTC), 1)
    deliveries = store.order_webhooks()
    lines = sum(len(o.payload["lineItems"]) for o in store._store.visible())
    assert len(deliveries) == lines > 36
    async with TestClient(TestServer(store.app())) as client:
        response = await application_token(client, dict(demo.credentials))
        token = (await response.json())["access_token"]
        kid = signature_header(deliveries[0][0])["kid"]
        status, public_key = await get(client, token, f"{PUBLIC_KEY}/{kid}")
    assert status == 200
    key = load_public_key(public_key)
    assert all(signed_correctly(key, headers, body) for headers, body in deliveries)
