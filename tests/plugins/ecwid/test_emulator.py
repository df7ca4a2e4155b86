"""The Ecwid REST API v3 emulator behaves as Ecwid's documentation says, with payloads shaped like the real samples."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from plugins.ecwid.emulator import EcwidEmulator, demo_emulator
from tests.conftest import SAMPLES

STORE = 1003
TOKEN = "secret_test0token0abcdefghijklmnopqrs"
CLIENT_SECRET = "abcde123456789"
BASE = f"/api/v3/{STORE}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
T0 = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
TS0 = int(T0.timestamp())
INVALID_TOKEN = {"errorMessage": "Invalid access token in the request.", "errorCode": "INVALID_API_TOKEN"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> EcwidEmulator:
    return EcwidEmulator(
        store_id=STORE, token=TOKEN, client_secret=CLIENT_SECRET, clock=clock, now=lambda: T0 + timedelta(days=1)
    )


@pytest.fixture
async def client(emulator: EcwidEmulator) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


async def get(client: TestClient[Any, Any], path: str, /, **params: Any) -> dict[str, Any]:
    response = await client.get(BASE + path, params={k: str(v) for k, v in params.items()}, headers=AUTH)
    body: dict[str, Any] = await response.json()
    assert response.status == 200, body
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def kind(value: Any) -> str:
    """The JSON type of a value; ints and floats are both numbers (Ecwid writes 10, not 10.0)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def shape_differences(sample: Any, ours: Any, path: str = "$") -> list[str]:
    """Where ``ours`` lacks a key the sample has, or holds another JSON type (first array elements compared).

    Maps keyed by the store's data (``*Translated`` by language, ``additionalInfo``) are compared as objects only.
    """
    if kind(sample) != kind(ours):
        return [f"{path}: sample {kind(sample)}, emulator {kind(ours)}"]
    if isinstance(sample, dict) and not path.endswith(("Translated", ".additionalInfo")):
        problems = []
        for key, value in sample.items():
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_differences(value, ours[key], f"{path}.{key}")
        return problems
    if isinstance(sample, list) and sample and ours:
        return shape_differences(sample[0], ours[0], f"{path}[0]")
    return []


# --- auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer secret_wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic " + TOKEN}],
)
async def test_missing_or_wrong_token_is_403_invalid_api_token(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    for path in ("/orders", "/orders/K8XTQ", "/profile"):
        response = await client.get(BASE + path, headers=headers)
        assert response.status == 403
        assert await response.json() == INVALID_TOKEN


async def test_the_token_opens_only_its_own_store(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/v3/1004/orders", headers=AUTH)
    assert response.status == 403
    assert await response.json() == INVALID_TOKEN


async def test_the_query_token_was_discontinued_unless_enabled(emulator: EcwidEmulator, clock: FakeClock) -> None:
    async with TestClient(TestServer(emulator.app())) as client:
        assert (await client.get(BASE + "/orders", params={"token": TOKEN})).status == 403
    legacy = EcwidEmulator(store_id=STORE, token=TOKEN, clock=clock, accept_query_token=True)
    async with TestClient(TestServer(legacy.app())) as client:
        assert (await client.get(BASE + "/orders", params={"token": TOKEN})).status == 200
        assert legacy.requests[0]["query"] == {"token": "[redacted]"}


async def test_requests_are_recorded_with_the_token_redacted(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    await get(client, "/orders", createdFrom=TS0, limit=5)
    [request] = emulator.requests
    assert request["method"] == "GET" and request["path"] == f"{BASE}/orders"
    assert request["query"] == {"createdFrom": str(TS0), "limit": "5"}
    assert request["headers"]["Authorization"] == "[redacted]"
    assert TOKEN not in json.dumps(emulator.requests)


# --- one order -----------------------------------------------------------------------------------


async def test_order_by_every_id_form(clock: FakeClock) -> None:
    emulator = EcwidEmulator(store_id=STORE, token=TOKEN, clock=clock, order_prefix="SALE-")
    order = emulator.add_order(created_at=T0, uid="G01ZG", total="42.5")
    assert (order["id"], order["vendorOrderNumber"], order["publicUid"]) == ("SALE-G01ZG", "SALE-G01ZG", "G01ZG")
    assert order["orderNumber"] == order["internalId"]
    async with TestClient(TestServer(emulator.app())) as client:
        for reference in ("SALE-G01ZG", str(order["internalId"]), "G01ZG"):
            assert (await get(client, f"/orders/{reference}"))["id"] == "SALE-G01ZG"
        for unknown in ("SALE-G01ZX", "sale-g01zg", "1", "SALE-G01ZG-"):
            response = await client.get(f"{BASE}/orders/{unknown}", headers=AUTH)
            assert response.status == 404
            assert await response.json() == {
                "errorMessage": "Order with specified ID was not found.",
                "errorCode": "ORDER_NOT_FOUND",
            }


async def test_unfinished_orders_are_found_by_id(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    order = emulator.add_order(created_at=T0, payment_status="INCOMPLETE")
    assert (await get(client, f"/orders/{order['id']}"))["paymentStatus"] == "INCOMPLETE"


async def test_custom_suffix_and_order_number(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    order = emulator.add_order(created_at=T0, uid="X8UYE", prefix="MYSTORE-", suffix="-q", internal_id=555)
    assert order["id"] == "MYSTORE-X8UYE-q" and order["orderNumber"] == 555
    assert (await get(client, "/orders/555"))["id"] == "MYSTORE-X8UYE-q"


# --- search --------------------------------------------------------------------------------------


@pytest.fixture
def window_orders(emulator: EcwidEmulator) -> list[str]:
    """Orders created at T0-1s, T0, T0+30min, T0+1h, T0+1h+1s, oldest first."""
    return [emulator.add_order(created_at=T0 + timedelta(seconds=s))["id"] for s in (-1, 0, 1800, 3600, 3601)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"createdFrom": TS0, "createdTo": TS0 + 3600}, [3, 2, 1]),
        ({"createdFrom": TS0 + 1}, [4, 3, 2]),
        ({"createdTo": TS0 - 1}, [0]),
        ({"createdFrom": "2026-03-01 10:00:00 +0000", "createdTo": "2026-03-01 11:00:00 +0000"}, [3, 2, 1]),
        ({"createdFrom": "2026-03-01 12:00:00 +0200", "createdTo": "2026-03-01 06:00:00 -0500"}, [3, 2, 1]),
        ({"createdFrom": "2026-03-01 10:00:00", "createdTo": "2026-03-01 11:00:00"}, [3, 2, 1]),
        ({"createdFrom": "2026-03-01", "createdTo": "2026-03-01 09:59:59"}, [0]),
        ({"createdFrom": TS0 + 3600, "createdTo": TS0}, []),
    ],
)
async def test_created_bounds_are_inclusive_to_the_second(
    client: TestClient[Any, Any], window_orders: list[str], params: dict[str, Any], expected: list[int]
) -> None:
    body = await get(client, "/orders", **params)
    assert ids(body) == [window_orders[i] for i in expected]
    assert body["total"] == body["count"] == len(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("createdFrom", "2026-03-01T10:00:00Z"),
        ("createdTo", "yesterday"),
        ("createdFrom", "2026-03-01 10:00:00  0000"),  # a "+" sent unencoded arrives as a space
        ("updatedFrom", "1.5"),
        ("limit", "-1"),
        ("offset", "ten"),
    ],
)
async def test_malformed_parameters_are_400_wrong_parameter(
    client: TestClient[Any, Any], name: str, value: str
) -> None:
    response = await client.get(BASE + "/orders", params={name: value}, headers=AUTH)
    assert response.status == 400
    body = await response.json()
    assert body["errorCode"] == "WRONG_PARAMETER"
    assert f"'{name}'" in body["errorMessage"]


async def test_unfinished_orders_are_listed_only_when_asked_for(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    paid = emulator.add_order(created_at=T0)["id"]
    unfinished = emulator.add_order(created_at=T0 + timedelta(minutes=1), payment_status="INCOMPLETE")["id"]
    refunded = emulator.add_order(created_at=T0 + timedelta(minutes=2), payment_status="REFUNDED")["id"]
    assert ids(await get(client, "/orders")) == [refunded, paid]
    assert ids(await get(client, "/orders", ids=f"{paid},{unfinished}")) == [paid]
    assert ids(await get(client, "/orders", paymentStatus="INCOMPLETE")) == [unfinished]
    assert ids(await get(client, "/orders", paymentStatus="PAID,INCOMPLETE", createdFrom=TS0)) == [unfinished, paid]
    assert ids(await get(client, "/orders", paymentStatus="refunded")) == [refunded]


async def test_ids_accepts_every_id_form_once_each(clock: FakeClock) -> None:
    emulator = EcwidEmulator(store_id=STORE, token=TOKEN, clock=clock, order_prefix="SALE-")
    first = emulator.add_order(created_at=T0, uid="EG4H2")
    second = emulator.add_order(created_at=T0 + timedelta(hours=1), uid="J77J8")
    emulator.add_order(created_at=T0 + timedelta(hours=2))
    async with TestClient(TestServer(emulator.app())) as client:
        body = await get(client, "/orders", ids=f"SALE-EG4H2,{second['internalId']},EG4H2,NOPE1")
    assert ids(body) == [second["id"], first["id"]]
    assert body["total"] == 2


async def test_other_filters(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    shipped = emulator.add_order(created_at=T0, fulfillment_status="SHIPPED", email="Ada@Example.com")["id"]
    emulator.add_order(created_at=T0, fulfillment_status="AWAITING_PROCESSING", email="bo@example.com")
    assert ids(await get(client, "/orders", fulfillmentStatus="SHIPPED,DELIVERED")) == [shipped]
    assert ids(await get(client, "/orders", email="ada@example.com")) == [shipped]
    assert ids(await get(client, "/orders", updatedTo=TS0 - 1)) == []


async def test_pages_cover_every_order_exactly_once_newest_first(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    added = emulator.add_random_orders(260, start=T0, end=T0 + timedelta(hours=6), seed=7)
    emulator.add_order(created_at=T0 - timedelta(hours=1))  # outside the window
    window = {"createdFrom": TS0, "createdTo": TS0 + 6 * 3600}
    listed = [order for order in added if order["paymentStatus"] != "INCOMPLETE"]
    seen: list[dict[str, Any]] = []
    for offset in (0, 100, 200, 300):
        page = await get(client, "/orders", offset=offset, **window)
        assert (page["total"], page["offset"], page["limit"]) == (len(listed), offset, 100)
        assert page["count"] == len(page["items"]) == max(0, min(100, len(listed) - offset))
        seen += page["items"]
    assert sorted(o["id"] for o in seen) == sorted(o["id"] for o in listed)
    keys = [(o["createTimestamp"], o["internalId"]) for o in seen]
    assert keys == sorted(keys, reverse=True)


async def test_limit_defaults_to_and_is_capped_at_100(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    emulator.add_random_orders(130, start=T0, end=T0 + timedelta(hours=1))
    for params in ({}, {"limit": 250}):
        body = await get(client, "/orders", **params)
        assert (body["limit"], body["count"], len(body["items"])) == (100, 100, 100)
    small = await get(client, "/orders", limit=7, offset=120)
    assert (small["limit"], small["offset"], small["count"]) == (7, 120, min(7, small["total"] - 120))


# --- payloads ------------------------------------------------------------------------------------


async def test_order_has_the_shape_of_the_real_sample(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    seeded = emulator.seed_order(T0)
    body = await get(client, f"/orders/{seeded.order_number}")
    sample = json.loads((SAMPLES / "ecwid" / "order.json").read_text())
    assert shape_differences(sample, body) == []


async def test_search_page_has_the_shape_of_the_real_sample(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    emulator.add_order(
        created_at=T0,
        email="ada@example.com",
        buyer=("Ada", "Lovelace"),
        lines=[{"name": "Pizza", "price": "500", "sku": "000001"}],
        shipping="110",
        tax_rate="0.02",
        coupon=("DISC", "10"),
    )
    body = await get(client, "/orders", limit=1)
    sample = json.loads((SAMPLES / "ecwid" / "orders-page.json").read_text())
    assert list(body) == list(sample)
    assert shape_differences(sample, body) == []


async def test_money_ids_and_dates_are_formatted_like_ecwid(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    emulator.add_random_orders(40, start=T0, end=T0 + timedelta(hours=6), seed=3)
    emulator.add_order(created_at=T0, lines=[{"name": "Toys", "price": "10"}])
    for order in (await get(client, "/orders"))["items"]:
        assert re.fullmatch(r"[A-Z0-9]{5}", order["id"]) and order["vendorOrderNumber"] == order["id"]
        assert isinstance(order["internalId"], int) and order["orderNumber"] == order["internalId"]
        for stamp, seconds in (("createDate", "createTimestamp"), ("updateDate", "updateTimestamp")):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000", order[stamp])
            parsed = datetime.strptime(order[stamp], "%Y-%m-%d %H:%M:%S %z")
            assert int(parsed.timestamp()) == order[seconds]
        assert "currency" not in order
        money = {key: Decimal(str(order[key])) for key in ("subtotal", "tax", "total", "couponDiscount", "discount")}
        shipping = Decimal(str(order.get("shippingOption", {}).get("shippingRate", 0)))
        assert (
            money["total"] == money["subtotal"] + shipping + money["tax"] - money["couponDiscount"] - money["discount"]
        )
        lines = sum(Decimal(str(i["price"])) * i["quantity"] for i in order["items"])
        assert money["subtotal"] == lines
    toys = (await get(client, "/orders", createdTo=TS0))["items"][0]
    assert toys["total"] == 10 and isinstance(toys["total"], int)


async def test_profile_carries_the_currency_time_zone_and_number_format(clock: FakeClock) -> None:
    emulator = EcwidEmulator(
        store_id=STORE, token=TOKEN, clock=clock, currency="EUR", order_prefix="SALE-", timezone="Europe/Berlin"
    )
    order = emulator.add_order(created_at=T0, total="10")
    assert order["usdTotal"] == pytest.approx(10 * 1.0831463202) and isinstance(order["usdTotal"], float)
    async with TestClient(TestServer(emulator.app())) as client:
        units = (await get(client, "/profile"))["formatsAndUnits"]
        assert (units["currency"], units["timezone"], units["orderNumberPrefix"]) == ("EUR", "Europe/Berlin", "SALE-")
        emulator.set_timezone("Pacific/Chatham")
        assert (await get(client, "/profile"))["formatsAndUnits"]["timezone"] == "Pacific/Chatham"
        assert (await get(client, f"/orders/{order['id']}"))["createDate"] == "2026-03-01 10:00:00 +0000"


# --- rate limit ----------------------------------------------------------------------------------


async def test_requests_beyond_the_per_minute_limit_get_429_with_retry_after(clock: FakeClock) -> None:
    emulator = EcwidEmulator(store_id=STORE, token=TOKEN, clock=clock, requests_per_minute=3)
    async with TestClient(TestServer(emulator.app())) as client:
        for _ in range(3):
            await get(client, "/profile")
            clock.now += 10
        for _ in range(2):  # refused requests do not count
            refused = await client.get(BASE + "/profile", headers=AUTH)
            assert refused.status == 429
            assert refused.headers["Retry-After"] == "30"
            assert (await refused.json())["errorCode"] == "RATE_LIMITED"
        assert (await client.get(BASE + "/profile", headers={"Authorization": "Bearer x"})).status == 403
        clock.now += 30  # the first request leaves the window
        await get(client, "/profile")
        assert (await client.get(BASE + "/profile", headers=AUTH)).headers["Retry-After"] == "10"


def test_the_default_limit_is_600_per_minute(emulator: EcwidEmulator) -> None:
    limiter = emulator._limiter
    assert all(limiter.admit(TOKEN) is None for _ in range(600))
    assert limiter.admit(TOKEN) == 60
    assert limiter.admit("secret_other") is None


# --- fault injection -----------------------------------------------------------------------------


async def test_fail_next_answers_the_status_with_ecwids_body_then_recovers(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    emulator.fail_next(503, times=2, retry_after=2.5)
    emulator.fail_next(500)
    for _ in range(2):
        response = await client.get(BASE + "/profile", headers=AUTH)
        assert response.status == 503 and response.headers["Retry-After"] == "2.5"
        assert await response.json() == {"errorMessage": "Service Unavailable", "errorCode": "SERVICE_UNAVAILABLE"}
    response = await client.get(BASE + "/profile", headers=AUTH)
    assert response.status == 500 and "Retry-After" not in response.headers
    assert (await response.json())["errorCode"] == "INTERNAL_ERROR"
    assert (await get(client, "/profile"))["formatsAndUnits"]["currency"] == "USD"


async def test_throttle_next_is_a_429_with_a_short_retry_after(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    emulator.throttle_next(2)
    for _ in range(2):
        response = await client.get(BASE + "/orders", headers=AUTH)
        assert response.status == 429 and response.headers["Retry-After"] == "1"
        assert (await response.json())["errorCode"] == "RATE_LIMITED"
    assert (await get(client, "/orders"))["total"] == 0


async def test_faults_come_before_auth_and_are_consumed_in_order(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    emulator.throttle_next()
    emulator.fail_next(502)
    assert (await client.get(BASE + "/orders")).status == 429
    assert (await client.get(BASE + "/orders")).status == 502
    assert (await client.get(BASE + "/orders")).status == 403


async def test_garbage_next_is_a_200_that_is_not_json(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    emulator.garbage_next()
    response = await client.get(BASE + "/orders", headers=AUTH)
    assert response.status == 200
    with pytest.raises(ValueError):
        json.loads(await response.text())


async def test_truncate_next_cuts_the_body_short(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    emulator.add_random_orders(5, start=T0, end=T0 + timedelta(hours=1))
    emulator.truncate_next()
    response = await client.get(BASE + "/orders", headers=AUTH)
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert (await get(client, "/orders"))["count"] == 5


async def test_delay_next_answers_late(client: TestClient[Any, Any], emulator: EcwidEmulator) -> None:
    emulator.delay_next(0.2)
    started = time.monotonic()
    body = await get(client, "/orders")
    assert time.monotonic() - started >= 0.2
    assert body["items"] == []


# --- webhooks ------------------------------------------------------------------------------------


def ecwid_signature(client_secret: str, body: bytes) -> str:
    """The docs' PHP check, written here independently: base64(hash_hmac("sha256", "$eventCreated.$eventId"))."""
    event = json.loads(body)
    signed = f"{event['eventCreated']}.{event['eventId']}".encode()
    return base64.b64encode(hmac.new(client_secret.encode(), signed, hashlib.sha256).digest()).decode()


async def test_order_created_events_have_the_documented_fields_and_signature(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    sample = json.loads((SAMPLES / "ecwid" / "webhook-order-created.json").read_text())
    later = emulator.add_order(created_at=T0 + timedelta(hours=1), payment_status="AWAITING_PAYMENT", prefix="SALE-")
    earlier = emulator.add_order(created_at=T0, fulfillment_status="SHIPPED")
    deliveries = emulator.order_webhooks()
    assert len(deliveries) == 2
    for (headers, body), placed in zip(deliveries, (earlier, later)):
        order = await get(client, f"/orders/{placed['id']}")
        event = json.loads(body)
        assert list(event) == list(sample)  # eventId, eventCreated, storeId, entityId, eventType, data
        assert {k: kind(v) for k, v in event.items()} == {k: kind(v) for k, v in sample.items()}
        assert event["eventType"] == "order.created" and event["storeId"] == STORE
        assert event["entityId"] == order["internalId"] and event["eventCreated"] == order["createTimestamp"]
        assert event["data"] == {
            "orderId": order["id"],  # docs.ecwid.com: entityId is the internal id, "use orderId instead"
            "newPaymentStatus": order["paymentStatus"],
            "newFulfillmentStatus": order["fulfillmentStatus"],
        }
        assert set(sample["data"]) < set(event["data"])
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", event["eventId"])
        assert headers["Content-Type"] == "application/json; charset=UTF-8"
        assert headers["X-Ecwid-Webhook-Signature"] == ecwid_signature(CLIENT_SECRET, body)
        assert headers["X-Ecwid-Webhook-Signature"] != ecwid_signature(TOKEN, body)  # not the secret_* token
    assert json.loads(deliveries[1][1])["data"]["orderId"].startswith("SALE-")


def test_the_signature_covers_only_event_created_and_event_id(emulator: EcwidEmulator) -> None:
    emulator.add_order(created_at=T0)
    ((headers, body),) = emulator.order_webhooks()
    event = json.loads(body)
    tampered = json.dumps({**event, "data": {**event["data"], "newPaymentStatus": "REFUNDED"}}).encode()
    assert headers["X-Ecwid-Webhook-Signature"] == ecwid_signature(CLIENT_SECRET, tampered)
    moved = json.dumps({**event, "eventCreated": event["eventCreated"] + 1}).encode()
    assert headers["X-Ecwid-Webhook-Signature"] != ecwid_signature(CLIENT_SECRET, moved)


def test_an_unfinished_order_is_announced_by_unfinished_order_created_not_order_created(clock: FakeClock) -> None:
    emulator = EcwidEmulator(store_id=STORE, token=TOKEN, client_secret=CLIENT_SECRET, clock=clock)
    paid = emulator.add_order(created_at=T0 + timedelta(minutes=1))
    unfinished = emulator.add_order(created_at=T0, payment_status="INCOMPLETE")
    events = [json.loads(body) for _, body in emulator.order_webhooks()]
    assert [(e["eventType"], e["data"]["orderId"]) for e in events] == [
        ("unfinished_order.created", unfinished["id"]),
        ("order.created", paid["id"]),
    ]
    assert set(events[0]["data"]) == {"orderId", "cartId"} and events[0]["entityId"] == unfinished["internalId"]
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", events[0]["data"]["cartId"])
    for headers, body in emulator.order_webhooks():
        assert headers["X-Ecwid-Webhook-Signature"] == ecwid_signature(CLIENT_SECRET, body)
    quiet = EcwidEmulator(store_id=STORE, token=TOKEN, clock=clock, unfinished_webhooks=False)
    quiet.add_order(created_at=T0, payment_status="INCOMPLETE")
    assert quiet.order_webhooks() == []


def test_event_ids_are_stable_per_order_and_unique(emulator: EcwidEmulator) -> None:
    emulator.add_random_orders(20, start=T0, end=T0 + timedelta(minutes=5), seed=4)
    first = emulator.order_webhooks()
    assert first == emulator.order_webhooks() and len(first) == 20
    events = [json.loads(body) for _, body in first]
    assert len({e["eventId"] for e in events}) == 20
    assert [e["eventCreated"] for e in events] == sorted(e["eventCreated"] for e in events)


def test_demo_events_are_signed_with_the_demo_client_secret() -> None:
    demo = demo_emulator()
    assert set(demo.credentials) == {"store_id", "access_token", "client_secret"}
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    double = demo.make_double(now, 1)
    assert isinstance(double, EcwidEmulator)
    deliveries = double.order_webhooks()
    events = [json.loads(body) for _, body in deliveries]
    assert [e["eventType"] for e in events].count("unfinished_order.created") == 1
    assert 35 <= len(events) <= 45 and all(e["storeId"] == int(demo.credentials["store_id"]) for e in events)
    for headers, body in deliveries:
        assert headers["X-Ecwid-Webhook-Signature"] == ecwid_signature(demo.credentials["client_secret"], body)
    again = demo.make_double(now, 1)
    assert isinstance(again, EcwidEmulator) and again.order_webhooks() == deliveries


# --- PlatformDouble ------------------------------------------------------------------------------


async def test_platform_double_credentials_and_seeded_orders(
    client: TestClient[Any, Any], emulator: EcwidEmulator
) -> None:
    assert emulator.page_size == 100
    assert emulator.credentials() == {"store_id": str(STORE), "access_token": TOKEN, "client_secret": CLIENT_SECRET}
    wrong = emulator.wrong_credentials()
    assert wrong["store_id"] == str(STORE) and wrong["access_token"].startswith("secret_")
    assert wrong["client_secret"] == CLIENT_SECRET
    response = await client.get(BASE + "/orders", headers={"Authorization": f"Bearer {wrong['access_token']}"})
    assert response.status == 403

    seeded = emulator.seed_order(T0 + timedelta(microseconds=750_000))
    assert seeded.placed_at == T0 and seeded.currency == "USD"
    for reference in seeded.references:
        order = await get(client, f"/orders/{reference}")
        assert str(order["internalId"]) == seeded.order_id and order["id"] == seeded.order_number
        assert order["paymentStatus"] == "PAID" and Decimal(str(order["total"])) == seeded.total
    assert seeded.references == (seeded.order_number, seeded.order_id)
    listed = await get(client, "/orders", createdFrom=TS0, createdTo=TS0)
    assert ids(listed) == [seeded.order_number]


# --- demo ----------------------------------------------------------------------------------------


async def test_demo_store_has_recent_realistic_orders() -> None:
    demo = demo_emulator()
    assert (demo.platform_id, demo.store_name) == ("ecwid", "Demo Ecwid store")
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    headers = {"Authorization": f"Bearer {demo.credentials['access_token']}"}
    path = f"/api/v3/{demo.credentials['store_id']}/orders"
    bodies = []
    for _ in range(2):
        async with TestClient(TestServer(demo.make_double(now, 1).app())) as client:
            listed = await (await client.get(path, headers=headers)).json()
            unfinished = await (await client.get(path, params={"paymentStatus": "INCOMPLETE"}, headers=headers)).json()
        bodies.append(listed)
    assert bodies[0] == bodies[1]  # deterministic for a seed
    orders = listed["items"]
    assert 35 <= len(orders) <= 45 and unfinished["count"] == 1
    created = [o["createTimestamp"] for o in orders]
    assert sum(now.timestamp() - 8 * 3600 <= c <= now.timestamp() for c in created) >= 30
    assert {"PAID", "AWAITING_PAYMENT", "REFUNDED", "PARTIALLY_REFUNDED", "CANCELLED"} <= {
        o["paymentStatus"] for o in orders
    }
