"""The PayPal emulator behaves like PayPal's documentation and real samples say."""

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
from yarl import URL

from plugins.paypal.emulator import PayPalEmulator, demo_emulator
from plugins.paypal.emulator import search as search_module
from plugins.paypal.emulator.demo import DEMO_REPORTING_LAG, DOCUMENTED_ORDER, demo_account
from plugins.paypal.emulator.records import Capture, PayPalOrder
from server.platforms.testing import PlatformDouble
from tests.conftest import SAMPLES

T0 = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
TOKEN = "/v1/oauth2/token"
SEARCH = "/v1/reporting/transactions"
SAMPLE_ORDER = json.loads((SAMPLES / "paypal" / "order.json").read_text())
SAMPLE_CAPTURED = json.loads((SAMPLES / "paypal" / "order-captured.json").read_text())
SAMPLE_PAGE = json.loads((SAMPLES / "paypal" / "transactions-page.json").read_text())
SAMPLE_EVENT = json.loads((SAMPLES / "paypal" / "webhook-payment-capture-completed-sdk-example.json").read_text())
SAMPLE_CAPTURE = SAMPLE_EVENT["resource"]
SAMPLE_POSTMAN_EVENT = json.loads((SAMPLES / "paypal" / "webhook-payment-capture-completed.json").read_text())
SAMPLE_EVENT_LIST = json.loads((SAMPLES / "paypal" / "webhook-events-list.json").read_text())
EVENTS = "/v1/notifications/webhooks-events"
VERIFY = "/v1/notifications/verify-webhook-signature"
REPORT_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")
Client = TestClient[Any, Any]


class Clock:
    def __init__(self) -> None:
        self.now = T0 + timedelta(days=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(clock: Clock) -> PayPalEmulator:
    return PayPalEmulator(now=clock)


@pytest.fixture
async def client(emulator: PayPalEmulator) -> AsyncIterator[Client]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


async def request_token(client: Client, client_id: str, secret: str, **form: str) -> aiohttp.ClientResponse:
    data = form or {"grant_type": "client_credentials"}
    return await client.post(TOKEN, data=data, headers={"Authorization": aiohttp.encode_basic_auth(client_id, secret)})


@pytest.fixture
async def auth(client: Client, emulator: PayPalEmulator) -> dict[str, str]:
    creds = emulator.credentials()
    response = await request_token(client, creds["client_id"], creds["client_secret"])
    assert response.status == 200
    return {"Authorization": f"Bearer {(await response.json())['access_token']}"}


async def get(client: Client, path: str, headers: dict[str, str], **params: str) -> tuple[int, Any]:
    response = await client.get(path, params=params, headers=headers)
    return response.status, await response.json()


async def search(client: Client, auth: dict[str, str], start: datetime, end: datetime, **params: str) -> Any:
    status, body = await get(client, SEARCH, auth, start_date=_z(start), end_date=_z(end), **params)
    assert status == 200, body
    return body


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def captured(order: PayPalOrder) -> Capture:
    assert order.capture is not None
    return order.capture


def ids(body: dict[str, Any]) -> list[str]:
    return [row["transaction_info"]["transaction_id"] for row in body["transaction_details"]]


def assert_same_shape(sample: Any, ours: Any, path: str = "$") -> None:
    """Where both have a key, the values have the same JSON type (recursively)."""
    if isinstance(sample, dict):
        assert isinstance(ours, dict), path
        for key in sample.keys() & ours.keys():
            assert_same_shape(sample[key], ours[key], f"{path}.{key}")
    elif isinstance(sample, list):
        assert isinstance(ours, list), path
        for item in ours if sample else []:
            assert_same_shape(sample[0], item, f"{path}[]")
    else:
        assert type(ours) is type(sample), f"{path}: {type(ours).__name__} != {type(sample).__name__}"


# --- OAuth ---------------------------------------------------------------------------------------


async def test_token_has_paypals_shape_and_is_reused_until_it_expires(
    client: Client, emulator: PayPalEmulator, clock: Clock
) -> None:
    creds = emulator.credentials()
    first = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
    assert set(first) == {"scope", "access_token", "token_type", "app_id", "expires_in", "nonce"}
    assert first["token_type"] == "Bearer" and first["expires_in"] == 32400
    assert "https://uri.paypal.com/services/reporting/search/read" in first["scope"].split()
    clock.now += timedelta(seconds=400)
    again = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
    assert again["access_token"] == first["access_token"] and again["expires_in"] == 32000
    clock.now += timedelta(seconds=32000)
    renewed = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
    assert renewed["access_token"] != first["access_token"] and renewed["expires_in"] == 32400
    assert emulator.token_requests == 3


@pytest.mark.parametrize("which", ["secret", "client_id"])
async def test_wrong_client_credentials_are_401_invalid_client(
    client: Client, emulator: PayPalEmulator, which: str
) -> None:
    creds = dict(emulator.credentials())
    if which == "secret":
        creds = dict(emulator.wrong_credentials())
    else:
        creds["client_id"] = "AnotherApp"
    response = await request_token(client, creds["client_id"], creds["client_secret"])
    assert response.status == 401
    assert await response.json() == {"error": "invalid_client", "error_description": "Client Authentication failed"}
    no_header = await client.post(TOKEN, data={"grant_type": "client_credentials"})
    assert no_header.status == 401


@pytest.mark.parametrize(
    ("form", "description"),
    [({"scope": "x"}, "Grant Type is NULL"), ({"grant_type": "password"}, "unsupported grant_type")],
)
async def test_token_needs_the_client_credentials_grant(
    client: Client, emulator: PayPalEmulator, form: dict[str, str], description: str
) -> None:
    creds = emulator.credentials()
    response = await request_token(client, creds["client_id"], creds["client_secret"], **form)
    assert response.status == 400
    assert await response.json() == {"error": "unsupported_grant_type", "error_description": description}


async def test_api_without_authorization_is_401_authentication_failure(client: Client) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}):
        status, body = await get(client, "/v2/checkout/orders/5O190127TN364715T", headers)
        assert status == 401
        assert body["name"] == "AUTHENTICATION_FAILURE"
        assert body["message"].startswith("Authentication failed")
        assert body["links"] == [
            {"href": "https://developer.paypal.com/docs/api/overview/#error", "rel": "information_link"}
        ]


async def test_unknown_or_expired_token_is_401_invalid_token(
    client: Client, auth: dict[str, str], clock: Clock
) -> None:
    expected = {"error": "invalid_token", "error_description": "Access Token not found in cache"}
    assert await get(client, SEARCH, {"Authorization": "Bearer A21AAnotatoken"}) == (401, expected)
    clock.now += timedelta(seconds=32400)
    assert await get(client, "/v2/checkout/orders/X", auth) == (401, expected)


async def test_requests_are_recorded_with_secrets_redacted(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    await get(client, SEARCH, auth, start_date="2026-03-01T00:00:00Z", end_date="2026-03-02T00:00:00Z")
    token_request, search_request = emulator.requests
    assert token_request["method"] == "POST" and token_request["path"] == TOKEN
    assert token_request["form"] == {"grant_type": "client_credentials"}
    assert search_request["query"] == {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-02T00:00:00Z"}
    assert token_request["headers"]["Authorization"] == search_request["headers"]["Authorization"] == "[redacted]"
    recorded = json.dumps(emulator.requests)
    assert emulator.credentials()["client_secret"] not in recorded
    assert auth["Authorization"].split()[1] not in recorded


# --- Orders v2 and Payments v2 -------------------------------------------------------------------


async def test_order_has_the_shape_of_paypals_samples(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    order = emulator.add_order(
        created_at=T0,
        items=[{"name": "Mug", "price": "16.00", "quantity": 2, "tax": "1.28"}],
        shipping="6.95",
        invoice_id="INV-1001",
        captured_after=timedelta(minutes=2),
    )
    status, body = await get(client, f"/v2/checkout/orders/{order.id}", auth)
    assert status == 200
    assert body["id"] == order.id and body["status"] == "COMPLETED" and body["intent"] == "CAPTURE"
    assert body["create_time"] == "2026-03-02T12:00:00Z" and body["update_time"] == "2026-03-02T12:02:00Z"
    assert set(SAMPLE_ORDER) - {"payment_source"} <= set(body) and set(SAMPLE_CAPTURED) <= set(body)
    assert_same_shape(SAMPLE_ORDER, body)
    assert_same_shape(SAMPLE_CAPTURED, body)
    [unit] = body["purchase_units"]
    assert unit["amount"]["value"] == "41.51" and unit["amount"]["currency_code"] == "USD"
    assert unit["amount"]["breakdown"] == {
        "item_total": {"currency_code": "USD", "value": "32.00"},
        "shipping": {"currency_code": "USD", "value": "6.95"},
        "tax_total": {"currency_code": "USD", "value": "2.56"},
    }
    assert unit["items"][0]["quantity"] == "2" and unit["invoice_id"] == "INV-1001"
    [capture] = unit["payments"]["captures"]
    assert set(SAMPLE_CAPTURED["purchase_units"][0]["payments"]["captures"][0]) <= set(capture)
    assert capture["id"] == captured(order).id and capture["amount"] == {"currency_code": "USD", "value": "41.51"}
    fee = Decimal(capture["seller_receivable_breakdown"]["paypal_fee"]["value"])
    assert Decimal(capture["seller_receivable_breakdown"]["net_amount"]["value"]) == Decimal("41.51") - fee
    assert body["links"][0]["href"].endswith(f"/v2/checkout/orders/{order.id}")


async def test_unknown_order_is_404_resource_not_found(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    order = emulator.add_order(created_at=T0)
    for reference in ("5O190127TN364715T", captured(order).id):  # a capture id is not an order id
        status, body = await get(client, f"/v2/checkout/orders/{reference}", auth)
        assert status == 404
        assert body["name"] == "RESOURCE_NOT_FOUND" and body["message"] == "The specified resource does not exist."
        assert [d["issue"] for d in body["details"]] == ["INVALID_RESOURCE_ID"]
        assert body["debug_id"] and body["links"][0]["rel"] == "information_link"


async def test_capture_names_its_order(client: Client, emulator: PayPalEmulator, auth: dict[str, str]) -> None:
    order = emulator.add_order(created_at=T0, total="21.12")
    status, body = await get(client, f"/v2/payments/captures/{captured(order).id}", auth)
    assert status == 200
    assert body["supplementary_data"] == {"related_ids": {"order_id": order.id}}
    assert set(SAMPLE_CAPTURE) - {"processor_response"} <= set(body)
    assert_same_shape(SAMPLE_CAPTURE, body)
    assert [link["rel"] for link in body["links"]] == ["self", "refund", "up"]
    status, body = await get(client, "/v2/payments/captures/9XF14200T8003681K", auth)
    assert status == 404
    assert body["details"][0] | {} == {
        "field": "capture_id",
        "value": "9XF14200T8003681K",
        "location": "path",
        "issue": "INVALID_RESOURCE_ID",
        "description": "Specified resource ID does not exist. Please check the resource ID and try again.",
    }
    status, _ = await get(client, f"/v2/payments/captures/{order.id}", auth)
    assert status == 404


@pytest.mark.parametrize("status", ["CREATED", "APPROVED", "PAYER_ACTION_REQUIRED", "VOIDED"])
async def test_unfinished_orders_have_no_capture_and_no_transaction(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], status: str
) -> None:
    order = emulator.add_order(created_at=T0, status=status)
    _, body = await get(client, f"/v2/checkout/orders/{order.id}", auth)
    assert body["status"] == status and "payments" not in body["purchase_units"][0]
    assert ("payer" in body) is (status == "APPROVED")
    rels = [link["rel"] for link in body["links"]]
    assert {"CREATED": "approve", "APPROVED": "capture", "PAYER_ACTION_REQUIRED": "payer-action"}.get(
        status, "self"
    ) in rels
    page = await search(client, auth, T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert page["transaction_details"] == [] and page["total_items"] == 0 and page["total_pages"] == 0


async def test_a_refund_is_its_own_transaction_pointing_at_the_capture(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    order = emulator.add_order(created_at=T0, total="100.00", refund="100.00", refunded_after=timedelta(hours=1))
    [refund] = order.refunds
    _, body = await get(client, f"/v2/checkout/orders/{order.id}", auth)
    payments = body["purchase_units"][0]["payments"]
    assert payments["captures"][0]["status"] == "REFUNDED"
    assert payments["refunds"][0]["id"] == refund.id and payments["refunds"][0]["amount"]["value"] == "100.00"
    page = await search(client, auth, T0, T0 + timedelta(hours=2), fields="all")
    capture_row, refund_row = (row["transaction_info"] for row in page["transaction_details"])
    assert capture_row["transaction_id"] == captured(order).id and capture_row["transaction_status"] == "V"
    assert refund_row["transaction_id"] == refund.id and refund_row["transaction_event_code"] == "T1107"
    assert refund_row["paypal_reference_id"] == captured(order).id and refund_row["paypal_reference_id_type"] == "TXN"
    assert refund_row["transaction_amount"] == {"currency_code": "USD", "value": "-100.00"}


async def test_zero_decimal_currencies_have_no_decimals(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    order = emulator.add_order(created_at=T0, currency="JPY", items=[{"name": "Tea", "price": 2400, "quantity": 2}])
    _, body = await get(client, f"/v2/checkout/orders/{order.id}", auth)
    assert body["purchase_units"][0]["amount"]["value"] == "4800"
    page = await search(client, auth, T0, T0, fields="all")
    info = page["transaction_details"][0]["transaction_info"]
    assert info["transaction_amount"] == {"currency_code": "JPY", "value": "4800"}
    assert re.fullmatch(r"-\d+", info["fee_amount"]["value"])


# --- Transaction Search --------------------------------------------------------------------------


async def test_transactions_page_has_the_shape_of_paypals_sample(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    order = emulator.add_order(
        created_at=T0,
        items=[{"name": "Radio", "price": "50.00", "quantity": 2, "sku": "ItemCode-1", "tax": "10.00"}],
        shipping="30.00",
        invoice_id="Invoice-005",
        custom_id="Thank you",
        description="Bill for your purchase",
    )
    body = await search(client, auth, T0 - timedelta(days=1), T0 + timedelta(days=1), fields="all")
    assert set(SAMPLE_PAGE) <= set(body) <= set(SAMPLE_PAGE) | {"start_date", "end_date"}
    assert_same_shape(SAMPLE_PAGE, body)
    [row] = body["transaction_details"]
    assert set(row) == set(SAMPLE_PAGE["transaction_details"][0])
    info = row["transaction_info"]
    assert info["transaction_id"] == captured(order).id and info["transaction_event_code"] == "T0006"
    assert info["transaction_initiation_date"] == "2026-03-02T12:00:00+0000"
    assert info["transaction_amount"] == {"currency_code": "USD", "value": "150.00"}
    assert Decimal(info["fee_amount"]["value"]) < 0
    assert info["invoice_id"] == "Invoice-005" and info["custom_field"] == "Thank you"
    [item] = row["cart_info"]["item_details"]
    assert item == {
        "item_code": "ItemCode-1",
        "item_name": "Radio",
        "item_quantity": "2",
        "item_unit_price": {"currency_code": "USD", "value": "50.00"},
        "item_amount": {"currency_code": "USD", "value": "100.00"},
        "tax_amounts": [{"tax_amount": {"currency_code": "USD", "value": "20.00"}}],
        "total_item_amount": {"currency_code": "USD", "value": "120.00"},
        "invoice_number": "Invoice-005",
    }
    for key in ("start_date", "end_date", "last_refreshed_datetime"):
        assert REPORT_DATE.match(body[key]), body[key]
    assert (body["page"], body["total_items"], body["total_pages"]) == (1, 1, 1)
    assert body["account_number"] == emulator.merchant.merchant_id
    [link] = body["links"]
    assert link["rel"] == "self" and link["href"].endswith("&fields=all&page_size=100&page=1")


async def test_fields_default_to_transaction_info(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.add_order(created_at=T0)
    [row] = (await search(client, auth, T0, T0))["transaction_details"]
    assert set(row) == {"transaction_info"}
    [row] = (await search(client, auth, T0, T0, fields="transaction_info,payer_info"))["transaction_details"]
    assert set(row) == {"transaction_info", "payer_info"}


async def test_both_dates_are_inclusive_to_the_second(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    start, end = T0, T0 + timedelta(hours=1)
    inside = [captured(emulator.add_order(created_at=t)).id for t in (start, end)]
    for t in (start - timedelta(seconds=1), end + timedelta(seconds=1)):
        emulator.add_order(created_at=t)
    assert ids(await search(client, auth, start, end)) == inside
    _, body = await get(client, SEARCH, auth, start_date="2026-03-02T12:00:00.5Z", end_date=_z(end))
    assert ids(body) == inside[1:]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z"),
        ("2026-03-02T12:00:00+00:00", "2026-03-02T13:00:00.000+00:00"),
        ("2026-03-02T04:00:00-0800", "2026-03-02T18:30:00+0530"),
        ("2026-03-02t12:00:00z", "2026-03-02T13:00:00.123456789Z"),
    ],
)
async def test_rfc3339_dates_with_any_offset_are_accepted(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], start: str, end: str
) -> None:
    order = emulator.add_order(created_at=T0)
    status, body = await get(client, SEARCH, auth, start_date=start, end_date=end)
    assert status == 200 and ids(body) == [captured(order).id]


@pytest.mark.parametrize(
    ("query", "field", "issue"),
    [
        ("end_date=2026-03-02T13:00:00Z", "start_date", "MISSING_REQUIRED_PARAMETER"),
        ("start_date=2026-03-02T12:00Z&end_date=2026-03-02T13:00:00Z", "start_date", "INVALID_PARAMETER_SYNTAX"),
        ("start_date=2026-03-02&end_date=2026-03-02T13:00:00Z", "start_date", "INVALID_PARAMETER_SYNTAX"),
        ("start_date=2026-03-02T12:00:00&end_date=2026-03-02T13:00:00Z", "start_date", "INVALID_PARAMETER_SYNTAX"),
        ("start_date=2026-02-30T12:00:00Z&end_date=2026-03-02T13:00:00Z", "start_date", "INVALID_PARAMETER_SYNTAX"),
        # an unencoded "+" is a space once the query string is decoded
        (
            "start_date=2026-03-02T12:00:00+00:00&end_date=2026-03-02T13:00:00Z",
            "start_date",
            "INVALID_PARAMETER_SYNTAX",
        ),
        ("start_date=2026-03-02T12:00:00Z&end_date=2026-03-02T11:00:00Z", "end_date", "INVALID_PARAMETER_VALUE"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:01Z", "end_date", "INVALID_PARAMETER_VALUE"),
        ("start_date=2023-01-01T00:00:00Z&end_date=2023-01-02T00:00:00Z", "start_date", "INVALID_PARAMETER_VALUE"),
        (
            "start_date=2026-03-02T12:00:00Z&end_date=2026-03-02T13:00:00Z&page_size=501",
            "page_size",
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "start_date=2026-03-02T12:00:00Z&end_date=2026-03-02T13:00:00Z&page_size=0",
            "page_size",
            "INVALID_PARAMETER_VALUE",
        ),
        ("start_date=2026-03-02T12:00:00Z&end_date=2026-03-02T13:00:00Z&page=0", "page", "INVALID_PARAMETER_VALUE"),
    ],
)
async def test_unusable_queries_are_400_invalid_request(
    client: Client, auth: dict[str, str], query: str, field: str, issue: str
) -> None:
    response = await client.get(f"{SEARCH}?{query}", headers=auth)
    assert response.status == 400
    body = await response.json()
    assert body["name"] == "INVALID_REQUEST"
    assert body["message"] == "Request is not well-formed, syntactically incorrect, or violates schema."
    [detail] = body["details"]
    assert (detail["field"], detail["location"], detail["issue"]) == (field, "query", issue)


async def test_a_range_of_exactly_31_days_is_allowed(client: Client, auth: dict[str, str]) -> None:
    body = await search(client, auth, T0 - timedelta(days=31), T0)
    assert body["total_items"] == 0


async def test_pages_hold_at_most_500_and_cover_every_transaction_once(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    assert emulator.page_size == search_module.MAX_PAGE_SIZE == 500
    orders = emulator.add_random_orders(1003, start=T0, end=T0 + timedelta(hours=6), seed=3)
    window = (T0, T0 + timedelta(hours=7))  # captures follow their orders by up to 90 s
    seen: list[str] = []
    page, pages = 1, None
    while pages is None or page <= pages:
        body = await search(client, auth, *window, page_size="500", page=str(page))
        assert body["page"] == page and body["total_items"] == 1003
        pages = body["total_pages"]
        assert len(body["transaction_details"]) == (500 if page < 3 else 3)
        seen += ids(body)
        page += 1
    assert pages == 3
    assert seen == [captured(o).id for o in sorted(orders, key=lambda o: captured(o).created_at)]
    beyond = await search(client, auth, *window, page_size="500", page="4")
    assert beyond["transaction_details"] == [] and beyond["total_pages"] == 3
    default = await search(client, auth, *window)
    assert len(default["transaction_details"]) == 100 and default["total_pages"] == 11


async def test_more_than_10000_results_is_resultset_too_large(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert search_module.MAX_RESULTS == 10_000
    monkeypatch.setattr(search_module, "MAX_RESULTS", 5)
    emulator.add_random_orders(6, start=T0, end=T0 + timedelta(hours=1))
    status, body = await get(client, SEARCH, auth, start_date=_z(T0), end_date=_z(T0 + timedelta(hours=1)))
    assert status == 400
    assert body["name"] == "RESULTSET_TOO_LARGE"
    assert (
        body["message"]
        == "Result set size is greater than the maximum limit. Change the filter criteria and try again."
    )
    assert (body["total_items"], body["maximum_items"]) == (6, 5)
    assert len(ids(await search(client, auth, T0, T0 + timedelta(minutes=30)))) <= 5


async def test_filters_and_rows_that_share_a_transaction_id(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    twin = emulator.add_order(created_at=T0, display_row=True)
    pending = emulator.add_order(created_at=T0 + timedelta(minutes=1), capture_status="PENDING")
    refunded = emulator.add_order(created_at=T0 + timedelta(minutes=2), refund="5.00", refunded_after=timedelta(0))
    window = (T0, T0 + timedelta(hours=1))
    assert ids(await search(client, auth, *window)) == [
        captured(twin).id,
        captured(pending).id,
        captured(refunded).id,
        refunded.refunds[0].id,
    ]
    every = await search(client, auth, *window, balance_affecting_records_only="N")
    assert ids(every).count(captured(twin).id) == 2
    codes = {row["transaction_info"]["transaction_event_code"] for row in every["transaction_details"]}
    assert codes == {"T0006", "T9800", "T1107"}
    by_id = await search(client, auth, *window, transaction_id=captured(twin).id, balance_affecting_records_only="N")
    assert ids(by_id) == [captured(twin).id, captured(twin).id]
    assert ids(await search(client, auth, *window, transaction_status="P")) == [captured(pending).id]
    assert ids(await search(client, auth, *window, transaction_type="T1107")) == [refunded.refunds[0].id]
    assert ids(await search(client, auth, *window, transaction_currency="EUR")) == []


async def test_reporting_lags_and_says_when_it_was_refreshed(clock: Clock) -> None:
    emulator = PayPalEmulator(now=clock, reporting_lag=timedelta(hours=3))
    old = emulator.add_order(created_at=clock.now - timedelta(hours=4))
    recent = emulator.add_order(created_at=clock.now - timedelta(hours=1))
    async with TestClient(TestServer(emulator.app())) as client:
        creds = emulator.credentials()
        token = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        body = await search(client, auth, clock.now - timedelta(hours=6), clock.now)
        assert ids(body) == [captured(old).id]
        assert body["last_refreshed_datetime"] == body["end_date"] == "2026-03-03T09:00:00+0000"
        status, refused = await get(
            client, SEARCH, auth, start_date=_z(clock.now - timedelta(hours=2)), end_date=_z(clock.now)
        )
        assert status == 400
        assert refused == {
            "name": "INVALID_REQUEST",
            "message": "Data for the given start date is not available.",
            "debug_id": refused["debug_id"],
            "details": [],
            "links": [],
        }
        status, order = await get(client, f"/v2/checkout/orders/{recent.id}", auth)
        assert status == 200 and order["status"] == "COMPLETED"  # the Orders API does not lag
        clock.now += timedelta(hours=2)
        assert ids(await search(client, auth, clock.now - timedelta(hours=6), clock.now)) == [
            captured(old).id,
            captured(recent).id,
        ]


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/Los_Angeles", "2026-03-02T04:00:00-0800"),
        ("Asia/Kolkata", "2026-03-02T17:30:00+0530"),
        ("Pacific/Chatham", "2026-03-03T01:45:00+1345"),
    ],
)
async def test_dates_are_in_the_account_time_zone(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], zone: str, shown: str
) -> None:
    order = emulator.add_order(created_at=T0)
    emulator.set_timezone(zone)
    body = await search(client, auth, T0, T0)
    assert ids(body) == [captured(order).id]
    assert body["transaction_details"][0]["transaction_info"]["transaction_initiation_date"] == shown
    assert body["start_date"] == shown
    _, fetched = await get(client, f"/v2/checkout/orders/{order.id}", auth)
    assert fetched["create_time"] == "2026-03-02T12:00:00Z"


async def test_transaction_search_must_be_enabled_for_the_app(clock: Clock) -> None:
    emulator = PayPalEmulator(now=clock, transaction_search_enabled=False)
    async with TestClient(TestServer(emulator.app())) as client:
        creds = emulator.credentials()
        token = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
        assert "https://uri.paypal.com/services/reporting/search/read" not in token["scope"]
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        status, body = await get(client, SEARCH, auth, start_date=_z(T0), end_date=_z(T0))
    assert status == 403
    assert body["name"] == "NOT_AUTHORIZED" and body["details"][0]["issue"] == "PERMISSION_DENIED"


async def authorized(client: Client, emulator: PayPalEmulator) -> dict[str, str]:
    creds = emulator.credentials()
    token = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


DATA_NOT_AVAILABLE = "Data for the given start date is not available."


def assert_data_not_available(status: int, body: Any) -> None:
    """PayPal's answer while reporting lags, as a live account gave it (paypal/PayPal-node-SDK#452):
    ``{"debug_id": ..., "name": "INVALID_REQUEST", "details": [], "links": [], "message": "Data for ..."}``."""
    assert status == 400
    assert body == {
        "name": "INVALID_REQUEST",
        "message": DATA_NOT_AVAILABLE,
        "debug_id": body["debug_id"],
        "details": [],
        "links": [],
    }
    assert re.fullmatch(r"[0-9a-f]{13}", body["debug_id"])


async def test_reporting_is_refreshed_hourly_so_it_lags_two_to_three_hours(clock: Clock) -> None:
    """A live answer (2021) asked at 22:47:56Z said ``last_refreshed_datetime`` and ``end_date``
    ``19:59:59+0000``: data comes in hourly steps, ``end_date`` stops at the refresh, and the lag is under 3 h."""
    clock.now = datetime(2026, 3, 3, 12, 47, 56, tzinfo=UTC)
    emulator = PayPalEmulator(now=clock, reporting_lag=timedelta(hours=3), reporting_refresh=timedelta(hours=1))
    edge = emulator.add_order(created_at=datetime(2026, 3, 3, 9, 59, 59, tzinfo=UTC))
    after = emulator.add_order(created_at=datetime(2026, 3, 3, 10, 0, 0, tzinfo=UTC))
    async with TestClient(TestServer(emulator.app())) as client:
        auth = await authorized(client, emulator)
        body = await search(client, auth, clock.now - timedelta(hours=6), clock.now)
        assert ids(body) == [captured(edge).id]
        assert body["last_refreshed_datetime"] == body["end_date"] == "2026-03-03T09:59:59+0000"
        assert REPORT_DATE.match(body["last_refreshed_datetime"])
        at_refresh = await search(client, auth, datetime(2026, 3, 3, 9, 59, 59, tzinfo=UTC), clock.now)
        assert ids(at_refresh) == [captured(edge).id]  # a start at the refresh time itself is still answered
        for start in ("2026-03-03T10:00:00Z", "2026-03-03T11:47:56Z", "2026-03-03T03:00:00-08:00"):
            assert_data_not_available(*await get(client, SEARCH, auth, start_date=start, end_date=_z(clock.now)))
        clock.now = datetime(2026, 3, 3, 13, 0, 0, tzinfo=UTC)
        body = await search(client, auth, clock.now - timedelta(hours=6), clock.now)
        assert ids(body) == [captured(edge).id, captured(after).id]
        assert body["last_refreshed_datetime"] == "2026-03-03T10:59:59+0000"
        emulator.set_timezone("America/Los_Angeles")
        body = await search(client, auth, clock.now - timedelta(hours=6), clock.now)
        assert body["last_refreshed_datetime"] == body["end_date"] == "2026-03-03T02:59:59-0800"
    for minutes in range(0, 24 * 60, 7):
        clock.now = datetime(2026, 3, 3, tzinfo=UTC) + timedelta(minutes=minutes, seconds=minutes % 60)
        refreshed = emulator.refreshed_at()
        assert refreshed is not None and (refreshed.minute, refreshed.second) == (59, 59)
        assert timedelta(hours=2) < clock.now - refreshed <= timedelta(hours=3)


@pytest.mark.parametrize("refresh", [timedelta(0), timedelta(milliseconds=1500)])
def test_reporting_refresh_is_whole_seconds(refresh: timedelta) -> None:
    with pytest.raises(ValueError, match="whole number of seconds"):
        PayPalEmulator(reporting_lag=timedelta(hours=3), reporting_refresh=refresh)


# --- faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "name"), [(503, "SERVICE_UNAVAILABLE"), (500, "INTERNAL_SERVER_ERROR"), (502, "BAD_GATEWAY")]
)
async def test_fail_next_answers_paypals_error_then_recovers(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], status: int, name: str
) -> None:
    order = emulator.add_order(created_at=T0)
    emulator.fail_next(status, times=2, retry_after=1.5)
    creds = emulator.credentials()
    assert (await request_token(client, creds["client_id"], creds["client_secret"])).status == 200  # exempt
    for _ in range(2):
        response = await client.get(f"/v2/checkout/orders/{order.id}", headers=auth)
        assert response.status == status and response.headers["Retry-After"] == "1.5"
        assert (await response.json())["name"] == name
    assert (await get(client, f"/v2/checkout/orders/{order.id}", auth))[0] == 200


async def test_throttle_next_is_429_rate_limit_reached(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.throttle_next()
    emulator.throttle_next(retry_after=2)
    response = await client.get(SEARCH, params={"start_date": _z(T0), "end_date": _z(T0)}, headers=auth)
    assert response.status == 429 and "Retry-After" not in response.headers
    body = await response.json()
    assert (
        body["name"] == "RATE_LIMIT_REACHED" and body["message"] == "Too many requests. Blocked due to rate limiting."
    )
    response = await client.get(SEARCH, params={"start_date": _z(T0), "end_date": _z(T0)}, headers=auth)
    assert response.status == 429 and response.headers["Retry-After"] == "2"
    await search(client, auth, T0, T0)


async def test_faults_are_consumed_in_queue_order(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.fail_next(503)
    emulator.throttle_next()
    statuses = [(await client.get("/v2/checkout/orders/X", headers=auth)).status for _ in range(3)]
    assert statuses == [503, 429, 404]


async def test_garbage_next_is_a_200_that_is_not_json(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.garbage_next()
    response = await client.get("/v2/checkout/orders/X", headers=auth)
    assert response.status == 200
    with pytest.raises(ValueError):
        json.loads(await response.text())


async def test_truncate_next_cuts_the_body_short(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.add_order(created_at=T0)
    emulator.truncate_next()
    response = await client.get(SEARCH, params={"start_date": _z(T0), "end_date": _z(T0)}, headers=auth)
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert (await search(client, auth, T0, T0))["total_items"] == 1


async def test_delay_next_answers_late(client: Client, emulator: PayPalEmulator, auth: dict[str, str]) -> None:
    emulator.delay_next(0.2)
    started = time.monotonic()
    status, _ = await get(client, "/v2/checkout/orders/X", auth)
    assert time.monotonic() - started >= 0.2 and status == 404


# --- PlatformDouble and the Python API -----------------------------------------------------------


async def test_seeded_order_is_found_by_every_reference(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    assert isinstance(emulator, PlatformDouble)
    seeded = emulator.seed_order(T0.replace(microsecond=250_000))
    assert seeded.placed_at == T0 and seeded.currency == "USD"
    order_ref, capture_ref = seeded.references
    assert order_ref == seeded.order_id and capture_ref == seeded.order_number != seeded.order_id
    _, order = await get(client, f"/v2/checkout/orders/{order_ref}", auth)
    assert Decimal(order["purchase_units"][0]["amount"]["value"]) == seeded.total
    assert datetime.fromisoformat(order["create_time"]) == seeded.placed_at
    _, capture = await get(client, f"/v2/payments/captures/{capture_ref}", auth)
    assert capture["supplementary_data"]["related_ids"]["order_id"] == seeded.order_id
    assert ids(await search(client, auth, T0, T0, transaction_id=capture_ref)) == [capture_ref]


async def test_wrong_credentials_are_refused_and_right_ones_accepted(client: Client, emulator: PayPalEmulator) -> None:
    wrong, right = emulator.wrong_credentials(), emulator.credentials()
    assert set(wrong) == set(right) == {"client_id", "client_secret", "webhook_id"} and wrong != right
    assert wrong["webhook_id"] == right["webhook_id"] == emulator.webhook_id  # not a secret: only the secret differs
    assert (await request_token(client, wrong["client_id"], wrong["client_secret"])).status == 401
    assert (await request_token(client, right["client_id"], right["client_secret"])).status == 200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"created_at": T0.replace(tzinfo=None)}, "timezone-aware"),
        ({"created_at": T0, "status": "PAID"}, "unknown order status"),
        ({"created_at": T0, "capture_status": "SETTLED"}, "unknown capture status"),
        ({"created_at": T0, "status": "APPROVED", "refund": "1.00"}, "only a COMPLETED order"),
        ({"created_at": T0, "total": "10.00", "refund": "10.01"}, "refund must be"),
        ({"created_at": T0, "total": "9.00", "items": [{"name": "A", "price": "8.00"}]}, "does not match"),
    ],
)
def test_add_order_refuses_inconsistent_orders(emulator: PayPalEmulator, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        emulator.add_order(**kwargs)


def test_custom_ids_must_be_unique(emulator: PayPalEmulator) -> None:
    order = emulator.add_order(created_at=T0, order_id="5O190127TN364715T", capture_id="3C679366HH908993F")
    assert (order.id, captured(order).id) == ("5O190127TN364715T", "3C679366HH908993F")
    with pytest.raises(ValueError, match="already used"):
        emulator.add_order(created_at=T0, order_id="3C679366HH908993F")


# --- demo ----------------------------------------------------------------------------------------


def test_demo_account_is_the_same_for_a_seed() -> None:
    first, second = demo_account(T0, 7), demo_account(T0, 7)
    assert [o.id for o in first._orders.values()] == [o.id for o in second._orders.values()]
    assert [o.id for o in demo_account(T0, 8)._orders.values()] != [o.id for o in first._orders.values()]


async def test_demo_store_has_recent_realistic_orders_behind_a_reporting_lag() -> None:
    demo = demo_emulator()
    assert (demo.platform_id, demo.store_name) == ("paypal", "Demo PayPal store")
    assert set(demo.credentials) == {"client_id", "client_secret", "webhook_id"}
    async with TestClient(TestServer(demo.make_double(T0, 1).app())) as client:
        token = await (
            await request_token(client, demo.credentials["client_id"], demo.credentials["client_secret"])
        ).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        body = await search(
            client,
            auth,
            T0 - timedelta(days=7),
            T0 - DEMO_REPORTING_LAG,
            balance_affecting_records_only="N",
            fields="all",
        )
        assert body["last_refreshed_datetime"].endswith("-0800")  # the account is in Los Angeles
        rows = [row["transaction_info"] for row in body["transaction_details"]]
        codes = [row["transaction_event_code"] for row in rows]
        assert {"T0006", "T1107", "T9800"} <= set(codes)
        assert {row["transaction_status"] for row in rows} >= {"S", "P", "V"}
        assert {row["transaction_amount"]["currency_code"] for row in rows} >= {"USD"}
        status, _ = await get(client, SEARCH, auth, start_date=_z(T0 - timedelta(hours=1)), end_date=_z(T0))
        assert status == 400  # the last hour is not in the reports yet
    account = demo_account(T0, 1)
    orders = list(account._orders.values())
    recent = [o for o in orders if T0 - timedelta(hours=8) <= o.created_at <= T0]
    assert 30 <= len(recent) <= 45 and len(orders) - len(recent) >= 3
    assert {"COMPLETED", "PAYER_ACTION_REQUIRED", "APPROVED", "VOIDED"} <= {o.status for o in orders}
    assert {"USD", "EUR", "JPY"} <= {o.currency for o in orders}
    assert sum(o.capture is not None and captured(o).created_at > T0 - DEMO_REPORTING_LAG for o in orders) >= 5


# --- webhooks: PAYMENT.CAPTURE.COMPLETED and verify-webhook-signature ------------------------------

TRANSMISSION_HEADERS = (
    "PAYPAL-TRANSMISSION-ID",
    "PAYPAL-TRANSMISSION-TIME",
    "PAYPAL-TRANSMISSION-SIG",
    "PAYPAL-CERT-URL",
    "PAYPAL-AUTH-ALGO",
)
EVENT_ID = re.compile(r"^WH-[0-9A-Z]{17}-[0-9A-Z]{17}$")


def verify_request(headers: dict[str, str], body: bytes, webhook_id: str) -> bytes:
    """The verify API's request as PayPal documents it, ``webhook_event`` spliced in exactly as received."""
    fields = {
        "auth_algo": headers["PAYPAL-AUTH-ALGO"],
        "cert_url": headers["PAYPAL-CERT-URL"],
        "transmission_id": headers["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": headers["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": headers["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": webhook_id,
    }
    return json.dumps(fields).encode()[:-1] + b', "webhook_event": ' + body + b"}"


async def verify(client: Client, auth: dict[str, str], data: bytes) -> tuple[int, Any]:
    response = await client.post(VERIFY, data=data, headers=auth | {"Content-Type": "application/json"})
    return response.status, await response.json()


def paid_orders(emulator: PayPalEmulator) -> list[PayPalOrder]:
    """Two seeded orders (out of time order), a pending capture, an unpaid order and a refunded one."""
    later = emulator.add_order(created_at=T0 + timedelta(minutes=7), total="21.12")
    emulator.add_order(created_at=T0 + timedelta(minutes=1), total="5.00", capture_status="PENDING")
    emulator.add_order(created_at=T0 + timedelta(minutes=2), status="APPROVED")
    earlier = emulator.add_order(created_at=T0, total="100.00", captured_after=timedelta(seconds=40))
    refunded = emulator.add_order(created_at=T0 + timedelta(minutes=9), total="30.00", refund="30.00")
    return [earlier, later, refunded]


def test_each_completed_capture_is_delivered_as_paypal_sends_it(emulator: PayPalEmulator) -> None:
    orders = paid_orders(emulator)
    deliveries = emulator.order_webhooks()
    events = [json.loads(body) for _, body in deliveries]
    assert [e["resource"]["supplementary_data"]["related_ids"]["order_id"] for e in events] == [o.id for o in orders]
    for order, (headers, body), event in zip(orders, deliveries, events):
        assert list(event) == list(SAMPLE_EVENT)  # the envelope of a real delivery, in its order
        assert set(event) == set(SAMPLE_POSTMAN_EVENT)
        assert_same_shape(SAMPLE_EVENT, event)
        assert event["event_type"] == "PAYMENT.CAPTURE.COMPLETED" and event["resource_type"] == "capture"
        assert (event["event_version"], event["resource_version"]) == ("1.0", "2.0")
        assert EVENT_ID.match(event["id"])
        assert [(link["rel"], link["method"]) for link in event["links"]] == [("self", "GET"), ("resend", "POST")]
        assert event["links"][0]["href"].endswith(f"/v1/notifications/webhooks-events/{event['id']}")
        capture = event["resource"]
        assert set(SAMPLE_CAPTURE) <= set(capture) and capture["id"] == captured(order).id
        assert_same_shape(SAMPLE_CAPTURE, capture)
        assert capture["status"] == "COMPLETED"  # as it was when it completed, even if refunded since
        assert capture["create_time"] == capture["update_time"] == _z(captured(order).created_at)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["create_time"])
        assert datetime.fromisoformat(event["create_time"]) >= captured(order).created_at
        summary = re.fullmatch(r"Payment completed for \$ (\d+\.\d{1,2}) USD", event["summary"])
        assert summary and Decimal(summary[1]) == captured(order).amount
        assert body == json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()  # compact, as sent
        assert set(TRANSMISSION_HEADERS) <= set(headers) and headers["Content-Type"] == "application/json"
        assert headers["PAYPAL-AUTH-ALGO"] == "SHA256withRSA"
        assert headers["PAYPAL-CERT-URL"].startswith("https://api.paypal.com/v1/notifications/certs/CERT-")
        assert uuid.UUID(headers["PAYPAL-TRANSMISSION-ID"]).version == 1
        sent = datetime.fromisoformat(headers["PAYPAL-TRANSMISSION-TIME"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", headers["PAYPAL-TRANSMISSION-TIME"])
        assert sent >= datetime.fromisoformat(event["create_time"]).replace(microsecond=0)
        assert len(base64.b64decode(headers["PAYPAL-TRANSMISSION-SIG"], validate=True)) == 256  # an RSA-2048 size
    assert events[0]["summary"] == "Payment completed for $ 100.0 USD"  # as in PayPal's samples


def test_deliveries_are_the_same_every_time_and_event_ids_stable_per_order() -> None:
    first, second = PayPalEmulator(seed=3), PayPalEmulator(seed=3)
    for emulator in (first, second):
        paid_orders(emulator)
    again = first.order_webhooks()
    assert again == first.order_webhooks()
    ids = [json.loads(body)["id"] for _, body in again]
    assert ids == [json.loads(body)["id"] for _, body in second.order_webhooks()] and len(set(ids)) == 3
    first.add_order(created_at=T0 - timedelta(days=1), total="9.00")  # a new order adds its own event only
    assert [json.loads(body)["id"] for _, body in first.order_webhooks()][1:] == ids


async def test_verify_webhook_signature_says_success_for_a_delivery_passed_on_unchanged(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    paid_orders(emulator)
    for headers, body in emulator.order_webhooks():
        assert await verify(client, auth, verify_request(headers, body, emulator.webhook_id)) == (
            200,
            {"verification_status": "SUCCESS"},
        )
    verify_call = emulator.requests[-1]
    assert verify_call["method"] == "POST" and verify_call["path"] == VERIFY


def _tampered(headers: dict[str, str], body: bytes, webhook_id: str, case: str) -> bytes:
    event = json.loads(body)
    if case == "body changed":
        event["resource"]["amount"]["value"] = "1.00"
        return verify_request(headers, json.dumps(event, separators=(",", ":")).encode(), webhook_id)
    if case == "body re-encoded":  # same JSON value, different text: PayPal checks the CRC32 of the text
        return verify_request(headers, json.dumps(event).encode(), webhook_id)
    if case == "wrong webhook_id":
        return verify_request(headers, body, "1JE4291016473214C")
    changed = {
        "transmission id": ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
        "transmission time": ("PAYPAL-TRANSMISSION-TIME", "2016-02-18T20:01:35Z"),
        "signature": ("PAYPAL-TRANSMISSION-SIG", base64.b64encode(bytes(256)).decode()),
        "cert url": ("PAYPAL-CERT-URL", "https://example.com/v1/notifications/certs/CERT-0"),
        "auth algo": ("PAYPAL-AUTH-ALGO", "SHA1withRSA"),
    }[case]
    return verify_request(headers | dict([changed]), body, webhook_id)


@pytest.mark.parametrize(
    "case",
    [
        "body changed",
        "body re-encoded",
        "wrong webhook_id",
        "transmission id",
        "transmission time",
        "signature",
        "cert url",
        "auth algo",
    ],
)
async def test_verify_webhook_signature_says_failure_for_anything_else(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str], case: str
) -> None:
    emulator.seed_order(T0)
    [(headers, body)] = emulator.order_webhooks()
    data = _tampered(headers, body, emulator.webhook_id, case)
    assert await verify(client, auth, data) == (200, {"verification_status": "FAILURE"})


async def test_a_delivery_is_signed_for_its_webhook_and_its_emulator_only(client: Client) -> None:
    other = PayPalEmulator(webhook_id="1JE4291016473214C")
    other.seed_order(T0)
    [(headers, body)] = other.order_webhooks()
    async with TestClient(TestServer(other.app())) as other_client:
        token = await (await request_token(other_client, other.client_id, other.credentials()["client_secret"])).json()
        other_auth = {"Authorization": f"Bearer {token['access_token']}"}
        assert other.credentials()["webhook_id"] == "1JE4291016473214C"
        answer = await verify(other_client, other_auth, verify_request(headers, body, "1JE4291016473214C"))
        assert answer == (200, {"verification_status": "SUCCESS"})
    emulator = PayPalEmulator(webhook_id="1JE4291016473214C")  # same webhook id, another emulator's key
    async with TestClient(TestServer(emulator.app())) as own_client:
        creds = emulator.credentials()
        token = await (await request_token(own_client, creds["client_id"], creds["client_secret"])).json()
        own_auth = {"Authorization": f"Bearer {token['access_token']}"}
        answer = await verify(own_client, own_auth, verify_request(headers, body, "1JE4291016473214C"))
        assert answer == (200, {"verification_status": "FAILURE"})


def test_the_signature_covers_the_transmission_the_webhook_and_the_body(emulator: PayPalEmulator) -> None:
    """PayPal signs ``<transmission id>|<time>|<webhook id>|<unsigned CRC32 of the raw body>``."""
    signer = emulator._webhooks
    body = b'{"id":"WH-1"}'
    args = ["69cd13f0-d67a-11e5-baa3-778b53f4ae55", "2016-02-18T20:01:35Z", emulator.webhook_id]
    signature = signer.signature(*args, body)
    assert signature == signer.signature(*args, body)
    assert signer.signature(*args, body + b" ") != signature
    for index in range(3):
        changed = [*args]
        changed[index] += "0"
        assert signer.signature(*changed, body) != signature


async def test_verify_webhook_signature_needs_a_bearer_token(client: Client, emulator: PayPalEmulator) -> None:
    emulator.seed_order(T0)
    [(headers, body)] = emulator.order_webhooks()
    data = verify_request(headers, body, emulator.webhook_id)
    status, answer = await verify(client, {}, data)
    assert status == 401 and answer["name"] == "AUTHENTICATION_FAILURE"
    status, answer = await verify(client, {"Authorization": "Bearer A21AAnotatoken"}, data)
    assert (status, answer["error"]) == (401, "invalid_token")


@pytest.mark.parametrize(
    ("data", "field", "issue"),
    [
        (b"not json", "/", "MALFORMED_REQUEST_JSON"),
        (b"[]", "/", "MALFORMED_REQUEST_JSON"),
        (b'{"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED"}', "/id", "MALFORMED_REQUEST_JSON"),
        (b'{"auth_algo": "SHA256withRSA"}', "/cert_url", "MISSING_REQUIRED_PARAMETER"),
    ],
)
async def test_unusable_verify_requests_are_400_validation_error(
    client: Client, auth: dict[str, str], data: bytes, field: str, issue: str
) -> None:
    status, body = await verify(client, auth, data)
    assert status == 400
    assert (body["name"], body["message"], body["links"]) == ("VALIDATION_ERROR", "Invalid request - see details", [])
    assert body["details"][0]["field"] == field and body["details"][0]["issue"] == issue
    assert body["details"][0]["location"] == "body" and body["debug_id"]


async def test_verify_webhook_signature_takes_injected_faults(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.seed_order(T0)
    [(headers, body)] = emulator.order_webhooks()
    emulator.fail_next(503)
    data = verify_request(headers, body, emulator.webhook_id)
    assert (await verify(client, auth, data))[0] == 503
    assert await verify(client, auth, data) == (200, {"verification_status": "SUCCESS"})


def test_orders_without_a_completed_capture_send_no_event(emulator: PayPalEmulator) -> None:
    emulator.add_order(created_at=T0, status="PAYER_ACTION_REQUIRED")
    emulator.add_order(created_at=T0, capture_status="PENDING")
    emulator.add_order(created_at=T0, capture_status="DECLINED")
    assert emulator.order_webhooks() == []


async def test_demo_account_delivers_webhooks_the_demo_credentials_verify() -> None:
    demo = demo_emulator()
    account = demo.make_double(T0, 1)
    deliveries = account.order_webhooks()
    paid = [o for o in account._orders.values() if o.capture is not None and o.capture.status != "PENDING"]
    lost = [o for o in paid if o.webhook_lost]
    assert len(deliveries) == len(paid) - len(lost) >= 30 and len(lost) >= 4
    async with TestClient(TestServer(account.app())) as client:
        creds = demo.credentials
        token = await (await request_token(client, creds["client_id"], creds["client_secret"])).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        for headers, body in deliveries[:3]:
            data = verify_request(headers, body, creds["webhook_id"])
            assert await verify(client, auth, data) == (200, {"verification_status": "SUCCESS"})


# --- the webhook events list: GET /v1/notifications/webhooks-events --------------------------------

SPEC_400_MESSAGE = "Request is not well-formed, syntactically incorrect, or violates schema."


async def list_events(client: Client, auth: dict[str, str], **params: str) -> Any:
    status, body = await get(client, EVENTS, auth, **params)
    assert status == 200, body
    return body


async def follow(client: Client, auth: dict[str, str], href: str) -> Any:
    """A ``next`` link, requested as given (only its host is the test server's)."""
    response = await client.get(URL(href).raw_path_qs, headers=auth)
    assert response.status == 200, await response.text()
    return await response.json()


def order_of(event: dict[str, Any]) -> str:
    """The order an event is about, read from its resource as a receiver would."""
    resource = event["resource"]
    if event["resource_type"] == "checkout-order":
        return str(resource["id"])
    if event["resource_type"] == "capture":
        return str(resource["supplementary_data"]["related_ids"]["order_id"])
    raise AssertionError(f"no order in a {event['resource_type']} event")


def order_of_or_none(event: dict[str, Any]) -> str | None:
    return None if event["resource_type"] == "refund" else order_of(event)


def events_of(events: list[dict[str, Any]], order_id: str) -> dict[str, dict[str, Any]]:
    return {event["event_type"]: event for event in events if order_of_or_none(event) == order_id}


def times(body: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(event["create_time"]) for event in body["events"]]


async def test_events_list_has_the_shape_of_paypals_sample(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    """The sample asks for ``transaction_id=<capture id>`` and gets that capture's PAYMENT.CAPTURE.COMPLETED,
    its capture ``REFUNDED`` since: the resource is as it stands now, not as it was delivered."""
    order = emulator.add_order(created_at=T0, total="200.00", refund="200.00", refunded_after=timedelta(minutes=5))
    body = await list_events(client, auth, transaction_id=captured(order).id)
    assert set(body) == set(SAMPLE_EVENT_LIST) == {"events", "count"}  # one page: no links, as in the sample
    [event], [sample] = body["events"], SAMPLE_EVENT_LIST["events"]
    assert body["count"] == SAMPLE_EVENT_LIST["count"] == 1
    assert list(event) == list(sample)  # the Webhooks API's key order
    assert_same_shape(sample, event)
    assert set(sample["resource"]) <= set(event["resource"])
    assert [(link["rel"], link["method"], link["encType"]) for link in event["links"]] == [
        (link["rel"], link["method"], link["encType"]) for link in sample["links"]
    ]
    assert event["links"][0]["href"].endswith(f"{EVENTS}/{event['id']}")
    assert (event["event_type"], event["resource_type"]) == (sample["event_type"], sample["resource_type"])
    assert (event["event_version"], event["resource_version"]) == ("1.0", "2.0")
    assert event["summary"] == sample["summary"] == "Payment completed for $ 200.0 USD"
    capture = event["resource"]
    assert capture["id"] == captured(order).id and order_of(event) == order.id
    assert capture["status"] == sample["resource"]["status"] == "REFUNDED"
    assert capture["update_time"] == _z(order.refunds[0].created_at) != capture["create_time"]
    [(_, raw)] = emulator.order_webhooks()
    delivered = json.loads(raw)
    assert (event["id"], event["create_time"]) == (delivered["id"], delivered["create_time"])  # the same event
    assert delivered["resource"]["status"] == "COMPLETED"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["create_time"])


async def test_every_event_of_every_order_is_listed_newest_first_lost_deliveries_too(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    paid = emulator.add_order(created_at=T0, total="20.00", captured_after=timedelta(seconds=30))
    lost = emulator.add_order(created_at=T0 + timedelta(minutes=5), total="30.00", webhook_lost=True)
    approved = emulator.add_order(created_at=T0 + timedelta(minutes=10), status="APPROVED")
    pending = emulator.add_order(created_at=T0 + timedelta(minutes=15), capture_status="PENDING")
    refunded = emulator.add_order(created_at=T0 + timedelta(minutes=20), refund="5.00")
    emulator.add_order(created_at=T0 + timedelta(minutes=25), status="PAYER_ACTION_REQUIRED")  # nothing happened
    delivered = [json.loads(body)["resource"]["id"] for _, body in emulator.order_webhooks()]
    assert delivered == [captured(paid).id, captured(refunded).id]  # the lost one never arrived
    body = await list_events(client, auth, page_size="300")
    events = body["events"]
    assert "links" not in body and body["count"] == len(events) == 14
    assert times(body) == sorted(times(body), reverse=True)
    assert len({event["id"] for event in events}) == 14 and all(EVENT_ID.match(event["id"]) for event in events)
    kinds: dict[str, list[str]] = {}
    for event in events:
        if event["resource_type"] != "refund":
            kinds.setdefault(order_of(event), []).append(event["event_type"])
    flow = ["CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED", "PAYMENT.CAPTURE.COMPLETED"]
    assert sorted(kinds[paid.id]) == sorted(kinds[lost.id]) == sorted(kinds[refunded.id]) == flow
    assert kinds[approved.id] == ["CHECKOUT.ORDER.APPROVED"]
    assert sorted(kinds[pending.id]) == [
        "CHECKOUT.ORDER.APPROVED",
        "CHECKOUT.ORDER.COMPLETED",
        "PAYMENT.CAPTURE.PENDING",
    ]
    for event in events:
        if event["resource_type"] == "checkout-order":
            resource = event["resource"]
            assert_same_shape(SAMPLE_CAPTURED, resource)
            assert resource["status"] == emulator._orders[resource["id"]].status  # as it stands now
            assert resource["purchase_units"][0]["amount"]["currency_code"] == "USD"
    paid_events = events_of(events, paid.id)
    capture_time = captured(paid).created_at
    approved_at = datetime.fromisoformat(paid_events["CHECKOUT.ORDER.APPROVED"]["create_time"])
    completed_at = datetime.fromisoformat(paid_events["PAYMENT.CAPTURE.COMPLETED"]["create_time"])
    assert paid.created_at < approved_at < completed_at and capture_time < completed_at
    [refund_event] = [event for event in events if event["resource_type"] == "refund"]
    assert refund_event["event_type"] == "PAYMENT.CAPTURE.REFUNDED"
    assert refund_event["resource"]["id"] == refunded.refunds[0].id
    assert refund_event["resource"]["amount"] == {"currency_code": "USD", "value": "5.00"}
    assert refund_event["resource"]["links"][1]["href"].endswith(f"/v2/payments/captures/{captured(refunded).id}")
    pending_event = events_of(events, pending.id)["PAYMENT.CAPTURE.PENDING"]
    assert pending_event["resource"]["status"] == "PENDING"


async def test_times_filter_create_time_inclusively_and_type_and_transaction_filter_exactly(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    orders = [emulator.add_order(created_at=T0 + timedelta(minutes=10 * i), total=f"{10 + i}.00") for i in range(4)]
    everything = (await list_events(client, auth, page_size="300"))["events"]
    assert len(everything) == 12
    [target] = [e for e in everything if e["event_type"] == "PAYMENT.CAPTURE.COMPLETED" and order_of(e) == orders[1].id]
    at = target["create_time"]
    only = await list_events(client, auth, start_time=at, end_time=at)  # both ends inclusive, to the millisecond
    assert [e["id"] for e in only["events"]] == [target["id"]]
    just_after = (datetime.fromisoformat(at) + timedelta(milliseconds=1)).isoformat()
    assert (await list_events(client, auth, start_time=just_after, end_time=just_after)) == {"events": [], "count": 0}
    window = await list_events(
        client, auth, start_time="2026-03-02T04:10:00-08:00", end_time="2026-03-02T12:19:59Z", page_size="300"
    )
    assert {order_of(e) for e in window["events"]} == {orders[1].id} and window["count"] == 3
    since = await list_events(client, auth, start_time=_z(T0 + timedelta(minutes=20)), page_size="300")
    assert {order_of(e) for e in since["events"]} == {orders[2].id, orders[3].id}
    until = await list_events(client, auth, end_time=_z(T0 + timedelta(minutes=9)), page_size="300")
    assert {order_of(e) for e in until["events"]} == {orders[0].id}
    captures = await list_events(client, auth, event_type="PAYMENT.CAPTURE.COMPLETED", page_size="300")
    assert [e["resource"]["id"] for e in captures["events"]] == [captured(o).id for o in reversed(orders)]
    by_order = await list_events(client, auth, transaction_id=orders[0].id)
    assert sorted(e["event_type"] for e in by_order["events"]) == [
        "CHECKOUT.ORDER.APPROVED",
        "CHECKOUT.ORDER.COMPLETED",
    ]
    both = await list_events(client, auth, transaction_id=orders[0].id, event_type="CHECKOUT.ORDER.COMPLETED")
    assert [(e["event_type"], e["resource"]["id"]) for e in both["events"]] == [
        ("CHECKOUT.ORDER.COMPLETED", orders[0].id)
    ]
    assert await list_events(client, auth, transaction_id="5O190127TN364715T") == {"events": [], "count": 0}
    assert await list_events(client, auth, event_type="PAYMENT.SALE.COMPLETED") == {"events": [], "count": 0}


async def test_pages_follow_next_links_and_events_arriving_meanwhile_shift_nothing(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    for minute in range(9):
        emulator.add_order(created_at=T0 + timedelta(minutes=minute))  # 27 events
    first = await list_events(client, auth)
    assert first["count"] == 10 == len(first["events"])  # page_size defaults to 10
    [link] = first["links"]
    assert (link["rel"], link["method"]) == ("next", "GET")
    href = URL(link["href"])
    assert href.path == f"{EVENTS}/"  # PayPal's own next links end in "/"
    assert dict(href.query) == {
        "page_size": "10",
        "move_to": "next",
        "index_time": first["events"][-1]["create_time"],
        "index_id": "1",
    }
    newcomer = emulator.add_order(created_at=T0 + timedelta(hours=1))  # newer than everything listed
    seen, body, pages = [e["id"] for e in first["events"]], first, 1
    while "links" in body:
        body = await follow(client, auth, body["links"][0]["href"])
        seen += [e["id"] for e in body["events"]]
        pages += 1
    assert (pages, body["count"]) == (3, 7)
    assert len(seen) == len(set(seen)) == 27  # nothing repeated, skipped, or pushed along by the newcomer
    fresh = await list_events(client, auth, page_size="300")
    assert fresh["count"] == 30 and [e["id"] for e in fresh["events"]][3:] == seen
    assert {order_of(e) for e in fresh["events"][:3]} == {newcomer.id}
    everything = fresh["events"]
    at = everything[4]["create_time"]
    for index_id, expected in (("0", everything[4]), ("1", everything[5])):  # index_id: events served at index_time
        body = await list_events(client, auth, move_to="next", index_time=at, index_id=index_id, page_size="1")
        assert [e["id"] for e in body["events"]] == [expected["id"]]
    filtered = await list_events(client, auth, event_type="CHECKOUT.ORDER.APPROVED", start_time=_z(T0), page_size="4")
    approvals = [e["id"] for e in filtered["events"]]
    while "links" in filtered:
        query = URL(filtered["links"][0]["href"]).query
        assert (query["event_type"], query["start_time"]) == ("CHECKOUT.ORDER.APPROVED", _z(T0))  # filters kept
        filtered = await follow(client, auth, filtered["links"][0]["href"])
        approvals += [e["id"] for e in filtered["events"]]
    assert approvals == [e["id"] for e in everything if e["event_type"] == "CHECKOUT.ORDER.APPROVED"]
    assert len(approvals) == 10


async def test_events_are_listed_as_they_happen_while_transaction_search_lags(clock: Clock) -> None:
    emulator = PayPalEmulator(now=clock, reporting_lag=timedelta(hours=3), reporting_refresh=timedelta(hours=1))
    recent = emulator.add_order(created_at=clock.now - timedelta(minutes=20), webhook_lost=True)
    coming = emulator.add_order(created_at=clock.now + timedelta(minutes=5))  # has not happened yet
    async with TestClient(TestServer(emulator.app())) as client:
        auth = await authorized(client, emulator)
        last_hour = {"start_time": _z(clock.now - timedelta(hours=1)), "end_time": _z(clock.now)}
        assert_data_not_available(
            *await get(client, SEARCH, auth, start_date=last_hour["start_time"], end_date=last_hour["end_time"])
        )
        body = await list_events(client, auth, **last_hour)
        assert {order_of(e) for e in body["events"]} == {recent.id} and body["count"] == 3
        assert {order_of(e) for e in (await list_events(client, auth))["events"]} == {recent.id}
        clock.now += timedelta(minutes=10)
        body = await list_events(client, auth, start_time=last_hour["start_time"])
        assert {order_of(e) for e in body["events"]} == {recent.id, coming.id}


@pytest.mark.parametrize(
    ("params", "field", "issue"),
    [
        ({"page_size": "0"}, "page_size", "INVALID_PARAMETER_VALUE"),
        ({"page_size": "301"}, "page_size", "INVALID_PARAMETER_VALUE"),
        ({"page_size": "ten"}, "page_size", "INVALID_PARAMETER_VALUE"),
        ({"start_time": "yesterday"}, "start_time", "INVALID_PARAMETER_SYNTAX"),
        ({"end_time": "2026-03-02"}, "end_time", "INVALID_PARAMETER_SYNTAX"),
        ({"start_time": "2026-03-02T12:00:00"}, "start_time", "INVALID_PARAMETER_SYNTAX"),  # no offset
        ({"end_time": "2026-02-30T12:00:00Z"}, "end_time", "INVALID_PARAMETER_SYNTAX"),  # no such day
        (
            {"start_time": "2026-03-02T12:00:00Z", "end_time": "2026-03-02T11:59:59Z"},
            "end_time",
            "INVALID_PARAMETER_VALUE",
        ),
        (
            {"move_to": "previous", "index_time": "2026-03-02T12:00:00Z", "index_id": "0"},
            "move_to",
            "INVALID_PARAMETER_VALUE",
        ),
        ({"move_to": "next", "index_id": "1"}, "index_time", "MISSING_REQUIRED_PARAMETER"),
        (
            {"move_to": "next", "index_time": "2026-03-02T12:00:00Z", "index_id": "x"},
            "index_id",
            "INVALID_PARAMETER_SYNTAX",
        ),
    ],
)
async def test_unusable_event_queries_are_400_invalid_request(
    client: Client, auth: dict[str, str], params: dict[str, str], field: str, issue: str
) -> None:
    """The Webhooks spec's ``error_400``: ``INVALID_REQUEST`` with its message and ``error_details``."""
    status, body = await get(client, EVENTS, auth, **params)
    assert status == 400
    assert set(body) == {"name", "message", "debug_id", "details", "links"}
    assert (body["name"], body["message"]) == ("INVALID_REQUEST", SPEC_400_MESSAGE)
    [detail] = body["details"]
    assert (detail["field"], detail["location"], detail["issue"]) == (field, "query", issue)
    assert detail.get("value") == params.get(field) and detail["description"]
    assert body["links"][0]["href"].startswith("https://developer.paypal.com/docs/api/webhooks/v1/")


async def test_events_list_needs_a_bearer_token_and_takes_injected_faults(
    client: Client, emulator: PayPalEmulator, auth: dict[str, str]
) -> None:
    emulator.seed_order(T0)
    status, body = await get(client, EVENTS, {})
    assert status == 401 and body["name"] == "AUTHENTICATION_FAILURE"
    assert await get(client, EVENTS, {"Authorization": "Bearer A21AAnotatoken"}) == (
        401,
        {"error": "invalid_token", "error_description": "Access Token not found in cache"},
    )
    emulator.fail_next(503)
    status, body = await get(client, EVENTS, auth)
    assert status == 503 and body["name"] == "SERVICE_UNAVAILABLE"
    assert (await list_events(client, auth))["count"] == 3
    status, body = await get(client, f"{EVENTS}/", auth)  # the path of PayPal's next links
    assert status == 200 and body["count"] == 3
    assert [r["path"] for r in emulator.requests[-4:]] == [EVENTS, EVENTS, EVENTS, f"{EVENTS}/"]


@pytest.mark.parametrize("seed", [7, 1])  # 7: the seed `order-import demo` uses
async def test_demo_orders_whose_webhooks_were_lost_are_found_through_the_events_list(seed: int) -> None:
    account = demo_account(T0, seed)
    delivered = {
        json.loads(body)["resource"]["supplementary_data"]["related_ids"]["order_id"]
        for _, body in account.order_webhooks()
    }
    async with TestClient(TestServer(account.app())) as client:
        auth = await authorized(client, account)
        refreshed = (await search(client, auth, T0 - timedelta(hours=6), T0))["last_refreshed_datetime"]
        assert refreshed == "2026-03-02T01:59:59-0800"  # 2 h 1 s before T0 (12:00Z): the lag's best case
        lost_by_hours = {}
        for hours in (1, 2):
            window = {"start_time": _z(T0 - timedelta(hours=hours)), "end_time": _z(T0)}
            assert_data_not_available(
                *await get(client, SEARCH, auth, start_date=window["start_time"], end_date=window["end_time"])
            )
            body = await list_events(client, auth, event_type="PAYMENT.CAPTURE.COMPLETED", page_size="300", **window)
            lost_by_hours[hours] = {order_of(e) for e in body["events"]} - delivered
        assert DOCUMENTED_ORDER[0] in lost_by_hours[1] and len(lost_by_hours[1]) >= 3
        assert lost_by_hours[1] < lost_by_hours[2] and len(lost_by_hours[2]) >= 5
        status, order = await get(client, f"/v2/checkout/orders/{DOCUMENTED_ORDER[0]}", auth)
        assert status == 200 and order["status"] == "COMPLETED"
        assert order["purchase_units"][0]["payments"]["captures"][0]["id"] == DOCUMENTED_ORDER[1]
        status, capture = await get(client, f"/v2/payments/captures/{DOCUMENTED_ORDER[1]}", auth)
        assert status == 200 and capture["supplementary_data"]["related_ids"]["order_id"] == DOCUMENTED_ORDER[0]
