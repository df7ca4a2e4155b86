"""The BigCommerce Orders v2 emulator behaves like BigCommerce's documentation says."""

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
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from plugins.bigcommerce.emulator import BigCommerceEmulator, Buyer, demo_emulator
from server.platforms.testing import PlatformDouble
from tests.conftest import SAMPLES

HASH = "abc123xyz9"
TOKEN = "bc_test_token"
BASE = f"/stores/{HASH}/v2"
JSON_HEADERS = {"X-Auth-Token": TOKEN, "Accept": "application/json"}
T0 = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)
NOT_FOUND = [{"status": 404, "message": "The requested resource was not found."}]
MONEY = re.compile(r"^-?\d+\.\d{4}$")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> BigCommerceEmulator:
    return BigCommerceEmulator(
        store_hash=HASH, access_token=TOKEN, quota=10_000, clock=clock, now=lambda: T0 + timedelta(days=1)
    )


@pytest.fixture
async def client(emulator: BigCommerceEmulator) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


async def get(client: TestClient[Any, Any], path: str, /, **params: Any) -> aiohttp.ClientResponse:
    return await client.get(BASE + path, params={k: str(v) for k, v in params.items()}, headers=JSON_HEADERS)


async def get_json(client: TestClient[Any, Any], path: str, /, **params: Any) -> Any:
    response = await get(client, path, **params)
    assert response.status == 200, await response.text()
    return await response.json()


async def listed_ids(client: TestClient[Any, Any], **params: Any) -> list[int]:
    response = await get(client, "/orders", **params)
    if response.status == 204:
        return []
    assert response.status == 200, await response.text()
    return [order["id"] for order in await response.json()]


def add_at(emulator: BigCommerceEmulator, *moments: datetime, **fields: Any) -> list[int]:
    return [emulator.add_order(created_at=moment, **fields)["id"] for moment in moments]


def kinds(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Per key, the JSON kinds its values take across ``records``."""
    seen: dict[str, set[str]] = {}
    for record in records:
        for key, value in record.items():
            kind = "null" if value is None else "number" if type(value) in (int, float) else type(value).__name__
            seen.setdefault(key, set()).add(kind)
    return seen


def assert_same_shape(
    served: list[dict[str, Any]],
    samples: list[dict[str, Any]],
    *,
    extra: set[str],
    optional: frozenset[str] = frozenset(),
) -> None:
    """Every sample key (bar ``optional``) is served, with a kind the samples show; null in a sample allows any."""
    expected, actual = kinds(samples), kinds(served)
    assert set(expected) - optional <= set(actual), set(expected) - optional - set(actual)
    assert set(actual) - set(expected) <= extra, set(actual) - set(expected) - extra
    for key, allowed in expected.items():
        if key in actual and allowed != {"null"}:
            assert actual[key] <= allowed, (key, actual[key], allowed)


# --- auth, content type and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (f"{BASE}/orders", {"Accept": "application/json"}),
        (f"{BASE}/orders", {"Accept": "application/json", "X-Auth-Token": "wrong"}),
        ("/stores/otherstore1/v2/orders", JSON_HEADERS),
    ],
)
async def test_missing_wrong_or_foreign_credentials_are_401_with_a_v2_error_array(
    client: TestClient[Any, Any], path: str, headers: dict[str, str]
) -> None:
    response = await client.get(path, headers=headers)
    assert response.status == 401
    body = await response.json()
    assert isinstance(body, list) and body[0]["status"] == 401 and body[0]["message"]
    assert all(name in response.headers for name in RATE_HEADERS)


async def test_without_accept_json_the_answer_is_xml(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    (order_id,) = add_at(emulator, T0)
    for headers in ({"X-Auth-Token": TOKEN}, {"X-Auth-Token": TOKEN, "Accept": "*/*"}):
        response = await client.get(f"{BASE}/orders/{order_id}", headers=headers)
        assert response.status == 200
        assert response.content_type == "application/xml"
        text = await response.text()
        assert text.startswith("<?xml") and f"<id>{order_id}</id>" in text
    assert (await get_json(client, f"/orders/{order_id}"))["id"] == order_id


@pytest.mark.parametrize("path", ["/orders/99999", "/orders/abc", "/orders/99999/products", "/customers"])
async def test_unknown_order_or_resource_is_404_with_the_documented_body(
    client: TestClient[Any, Any], path: str
) -> None:
    response = await get(client, path)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_only_get_is_served(client: TestClient[Any, Any]) -> None:
    response = await client.post(f"{BASE}/orders", json={}, headers=JSON_HEADERS)
    assert response.status == 405
    assert (await response.json())[0]["status"] == 405


async def test_requests_are_recorded_with_the_token_redacted(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    await get(client, "/orders", limit=5)
    (request,) = emulator.requests
    assert request["method"] == "GET" and request["path"] == f"{BASE}/orders"
    assert request["query"] == {"limit": "5"}
    assert request["headers"]["X-Auth-Token"] == "[redacted]"
    assert TOKEN not in json.dumps(emulator.requests)


# --- lookups and payloads ------------------------------------------------------------------------


async def test_seeded_order_is_found_by_every_reference(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    seeded = emulator.seed_order(T0 + timedelta(microseconds=250))
    assert seeded.references == (seeded.order_id, f"#{seeded.order_id}")
    for reference in seeded.references:
        order = await get_json(client, f"/orders/{reference.removeprefix('#')}")
        assert str(order["id"]) == seeded.order_id == seeded.order_number
    assert parsedate_to_datetime(order["date_created"]) == seeded.placed_at == T0
    assert Decimal(order["total_inc_tax"]) == seeded.total
    assert order["default_currency_code"] == seeded.currency == "USD"
    assert order["status_id"] == 11 and order["payment_status"] == "captured"


async def test_external_order_id_and_explicit_ids(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    emulator.add_order(created_at=T0, order_id=5000, external_order_id="AMZ-111-222")
    emulator.add_order(created_at=T0)
    assert await listed_ids(client, external_order_id="AMZ-111-222") == [5000]
    assert await listed_ids(client) == [5000, 5001]
    with pytest.raises(ValueError, match="already exists"):
        emulator.add_order(created_at=T0, order_id=5000)


async def test_order_payload_has_the_samples_shape(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    (order_id,) = add_at(emulator, T0, shipping="12.00", tax_rate="0.08", discount="5")
    order = await get_json(client, f"/orders/{order_id}")
    samples = [json.loads((SAMPLES / "bigcommerce" / "order.json").read_text())]
    samples += json.loads((SAMPLES / "bigcommerce" / "orders-page.json").read_text())
    assert_same_shape([order], samples, extra={"is_deleted"})
    assert order["fees"] == [] and order["is_deleted"] is False
    listed = await get_json(client, "/orders")
    assert_same_shape(listed, samples, extra={"is_deleted"}, optional=frozenset({"fees"}))
    assert "fees" not in listed[0]


async def test_products_have_the_samples_shape_and_are_a_link_on_the_order(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    lines = [
        {"name": "Sodling Tee", "price": "28.00", "quantity": 2, "sku": "SDT-M", "product_id": 107,
         "variant_id": 1071, "brand": "Sodling", "options": [("Size", "M")]},
        {"name": "Able Brewing System", "price": "225.00", "product_id": 86},
    ]  # fmt: skip
    (order_id,) = add_at(emulator, T0, lines=lines, tax_rate="0.0825")
    order = await get_json(client, f"/orders/{order_id}")
    assert order["products"] == {
        "url": f"https://api.bigcommerce.com/stores/{HASH}/v2/orders/{order_id}/products",
        "resource": f"/orders/{order_id}/products",
    }
    products = await get_json(client, f"/orders/{order_id}/products")
    sample = json.loads((SAMPLES / "bigcommerce" / "order-products.json").read_text())
    assert_same_shape(products, sample, extra={"variant_id"})
    assert products[0]["variant_id"] == 1071
    assert [p["order_id"] for p in products] == [order_id, order_id]
    assert products[0]["product_options"][0]["display_value"] == "M"
    assert (products[0]["price_ex_tax"], products[0]["price_inc_tax"], products[0]["total_inc_tax"]) == (
        "28.0000", "30.3100", "60.6200"
    )  # fmt: skip


async def test_money_dates_and_totals_follow_the_documented_formats(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    lines = [{"name": "Mug", "price": "16.00", "quantity": 2}, {"name": "Tote", "price": "34.50"}]
    (order_id,) = add_at(
        emulator, T0 + timedelta(seconds=11), lines=lines, shipping="7.95", tax_rate="0.08", discount="5"
    )
    order = await get_json(client, f"/orders/{order_id}")
    for key in ("subtotal_ex_tax", "subtotal_inc_tax", "total_ex_tax", "total_inc_tax", "total_tax", "discount_amount"):
        assert MONEY.match(order[key]), key
    assert order["date_created"] == "Sun, 01 Mar 2026 10:00:11 +0000"
    assert order["subtotal_ex_tax"] == "66.5000" and order["subtotal_tax"] == "5.3200"
    assert order["shipping_cost_inc_tax"] == "8.5900"
    assert order["total_ex_tax"] == "69.4500"  # 66.50 + 7.95 - 5.00
    assert order["total_inc_tax"] == "75.4100"  # + 5.32 + 0.64
    assert order["items_total"] == 3
    assert order["currency_exchange_rate"] == "1.0000000000"


async def test_display_and_transactional_currencies(clock: FakeClock) -> None:
    emulator = BigCommerceEmulator(store_hash=HASH, access_token=TOKEN, display_currency="EUR", clock=clock)
    shown = emulator.add_order(created_at=T0, exchange_rate="0.92")
    assert (shown["currency_code"], shown["default_currency_code"]) == ("EUR", "USD")
    assert shown["currency_exchange_rate"] == "0.9200000000"
    assert shown["store_default_currency_code"] == ""
    paid = emulator.add_order(created_at=T0, currency="CAD", display_currency="CAD", exchange_rate="1.36")
    assert (paid["currency_code"], paid["default_currency_code"]) == ("CAD", "CAD")
    assert paid["store_default_currency_code"] == "USD"
    assert paid["store_default_to_transactional_exchange_rate"] == "1.3600000000"


# --- listing: filters, pagination, sorting -------------------------------------------------------


async def test_date_created_bounds_are_inclusive_to_the_second(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    before, at, after = add_at(emulator, T0 - timedelta(seconds=1), T0, T0 + timedelta(seconds=1))
    rfc, iso = "Sun, 01 Mar 2026 10:00:00 +0000", "2026-03-01T10:00:00.000+00:00"
    for bound in (rfc, iso, "Sun, 01 Mar 2026 05:00:00 -0500", "2026-03-01T11:00:00+01:00", "2026-03-01T10:00:00Z"):
        assert await listed_ids(client, min_date_created=bound) == [at, after]
        assert await listed_ids(client, max_date_created=bound) == [before, at]
    assert await listed_ids(client, min_date_created=iso, max_date_created=rfc) == [at]
    # a fractional bound: orders are whole seconds
    assert await listed_ids(client, min_date_created="2026-03-01T09:59:59.5Z") == [at, after]
    assert await listed_ids(client, max_date_created="2026-03-01T10:00:00.5Z") == [before, at]


async def test_date_without_an_offset_is_in_the_store_time_zone(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    early, late = add_at(emulator, T0, T0 + timedelta(hours=6))
    assert await listed_ids(client, min_date_created="2026-03-01T12:00:00") == [late]
    emulator.set_timezone("America/New_York")  # 12:00 EST is 17:00 UTC
    assert await listed_ids(client, min_date_created="2026-03-01T12:00:00") == []
    assert await listed_ids(client, min_date_created="2026-03-01") == [early, late]  # midnight in New York


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-03-01T10:00:00 00:00"])
async def test_unreadable_dates_are_400(client: TestClient[Any, Any], value: str) -> None:
    response = await get(client, "/orders", min_date_created=value)
    assert response.status == 400
    assert (await response.json())[0]["status"] == 400


async def test_an_unencoded_plus_in_a_date_is_a_space_and_refused(client: TestClient[Any, Any]) -> None:
    response = await client.get(f"{BASE}/orders?min_date_created=2026-03-01T10:00:00+00:00", headers=JSON_HEADERS)
    assert response.status == 400


async def test_modified_id_total_status_and_buyer_filters(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    ada = Buyer(first_name="Ada", last_name="Lovelace", email="Ada@Example.com", customer_id=7)
    a = emulator.add_order(created_at=T0, buyer=ada, lines=[{"name": "A", "price": "10"}])["id"]
    lines = [{"name": "B", "price": "99"}]
    b = emulator.add_order(created_at=T0, status_id=7, payment_method="PayPal", lines=lines)["id"]
    assert await listed_ids(client, min_id=b) == [b]
    assert await listed_ids(client, max_id=a) == [a]
    assert await listed_ids(client, min_total="10.01") == [b]
    assert await listed_ids(client, max_total="10") == [a]
    assert await listed_ids(client, status_id=7) == [b]
    assert await listed_ids(client, customer_id=7) == [a]
    assert await listed_ids(client, email="ada@example.com") == [a]
    assert await listed_ids(client, payment_method="paypal") == [b]
    emulator.set_status(a, 2)  # modified at "now", a day after creation
    assert await listed_ids(client, min_date_modified="2026-03-02T00:00:00Z") == [a]
    assert (await get_json(client, f"/orders/{a}"))["status"] == "Shipped"


async def test_incomplete_and_archived_orders_are_left_out_unless_asked_for(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    paid, incomplete, archived = add_at(emulator, T0, T0, T0)
    emulator.set_status(incomplete, 0)
    emulator.archive_order(archived)
    assert await listed_ids(client) == [paid]
    assert await listed_ids(client, status_id=0) == [incomplete]
    assert await listed_ids(client, is_deleted="true") == [archived]
    assert await listed_ids(client, is_deleted="false") == [paid]
    assert (await get_json(client, f"/orders/{incomplete}"))["status"] == "Incomplete"
    assert (await get_json(client, f"/orders/{archived}"))["is_deleted"] is True
    count = await get_json(client, "/orders/count")
    assert count["count"] == 2  # Incomplete counts; archived does not
    assert {s["id"]: s["count"] for s in count["statuses"]}[0] == 1
    assert [s["sort_order"] for s in count["statuses"]] == list(range(15))


async def test_pages_cover_every_order_exactly_once_then_204(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.add_random_orders(120, start=T0, end=T0 + timedelta(hours=6), seed=3)
    pages = [await listed_ids(client, limit=50, page=page) for page in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    everything = [order_id for page in pages for order_id in page]
    assert everything == sorted(everything) and len(set(everything)) == 120  # default sort: id ascending
    response = await get(client, "/orders", limit=50, page=4)
    assert response.status == 204
    assert await response.read() == b"" and "Content-Type" not in response.headers
    assert all(name in response.headers for name in RATE_HEADERS)
    assert len(await listed_ids(client)) == 50  # no parameters: 50


async def test_an_empty_filtered_result_is_204(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    add_at(emulator, T0)
    response = await get(client, "/orders", min_date_created="2030-01-01T00:00:00Z")
    assert response.status == 204 and await response.read() == b""


async def test_limit_defaults_to_50_and_is_capped_at_250(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    assert isinstance(emulator, PlatformDouble) and emulator.page_size == 250
    emulator.add_random_orders(260, start=T0, end=T0 + timedelta(hours=1), seed=1)
    assert len(await listed_ids(client, limit=250)) == 250
    response = await get(client, "/orders", limit=251)
    assert response.status == 413
    assert await response.json() == [{"status": 413, "message": "The field 'limit' can not be greater than 250."}]
    assert (await get(client, "/orders", limit="ten")).status == 400


async def test_sort_by_date_created_both_ways(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    late, early, tie = add_at(emulator, T0 + timedelta(hours=2), T0, T0)
    assert await listed_ids(client, sort="date_created:asc") == [early, tie, late]
    assert await listed_ids(client, sort="date_created") == [early, tie, late]
    assert await listed_ids(client, sort="date_created:desc") == [late, early, tie]
    assert await listed_ids(client, sort="id:desc") == [tie, early, late]
    assert (await get(client, "/orders", sort="total:asc")).status == 400


async def test_a_large_store_pages_through_a_window_in_creation_order(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.add_random_orders(1200, start=T0, end=T0 + timedelta(hours=6), seed=7)
    window = {"min_date_created": "2026-03-01T11:00:00Z", "max_date_created": "2026-03-01T15:00:00Z"}
    seen: list[dict[str, Any]] = []
    for page in range(1, 100):
        response = await get(client, "/orders", limit=250, page=page, sort="date_created:asc", **window)
        if response.status == 204:
            break
        seen.extend(await response.json())
    created = [parsedate_to_datetime(order["date_created"]) for order in seen]
    assert created == sorted(created)
    assert all(T0 + timedelta(hours=1) <= c <= T0 + timedelta(hours=5) for c in created)
    count = (await get_json(client, "/orders/count", **window))["count"]
    assert len({order["id"] for order in seen}) == len(seen) == count


# --- line items ----------------------------------------------------------------------------------


async def test_line_items_are_paged_50_by_default_up_to_250(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    lines = [{"name": f"Item {i}", "price": "1.00", "sku": f"SKU-{i}"} for i in range(60)]
    (order_id,) = add_at(emulator, T0, lines=lines)
    first = await get_json(client, f"/orders/{order_id}/products")
    second = await get_json(client, f"/orders/{order_id}/products", page=2)
    assert (len(first), len(second)) == (50, 10)
    assert len({p["id"] for p in first + second}) == 60
    assert (await get(client, f"/orders/{order_id}/products", page=3)).status == 204
    assert len(await get_json(client, f"/orders/{order_id}/products", limit=250)) == 60
    assert (await get(client, f"/orders/{order_id}/products", limit=251)).status == 413


async def test_consignments_embed_at_most_50_line_items(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    lines = [{"name": f"Item {i}", "price": "1.00"} for i in range(55)]
    (order_id,) = add_at(emulator, T0, lines=lines)
    params = {"include": "consignments.line_items", "consignment_structure": "object"}
    order = await get_json(client, f"/orders/{order_id}", **params)
    (shipping,) = order["consignments"]["shipping"]
    assert len(shipping["line_items"]) == 50 and "__warning__" in shipping
    assert order["consignments"]["pickups"] == [] and order["consignments"]["downloads"] == []
    (listed,) = await get_json(client, "/orders", **params)
    assert listed["consignments"]["shipping"][0]["line_items"][0]["name"] == "Item 0"
    legacy = await get_json(client, f"/orders/{order_id}", include="consignments.line_items")
    assert isinstance(legacy["consignments"], list)
    linked = await get_json(client, f"/orders/{order_id}", include="consignments", consignment_structure="object")
    links = linked["consignments"]["shipping"][0]["line_items"]
    products = await get_json(client, f"/orders/{order_id}/products", limit=250)
    assert [link["resource"] for link in links] == [f"/orders/{order_id}/products/{p['id']}" for p in products]


async def test_a_listing_embeds_what_each_read_asks_for_as_the_order_now_is(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    """Each order's embedding is encoded once per kind of read, until the order changes."""
    (order_id,) = add_at(emulator, T0, lines=[{"name": "Mug", "price": "9.00"}])
    embedded = {"include": "consignments.line_items", "consignment_structure": "object"}
    first = await get_json(client, "/orders", **embedded)
    assert await get_json(client, "/orders", **embedded) == first
    one = await get_json(client, f"/orders/{order_id}", **embedded)
    assert first == [{key: value for key, value in one.items() if key != "fees"}]  # Get an Order adds the fees
    (linked,) = await get_json(client, "/orders", include="consignments")
    (shipping,) = linked["consignments"][0]["shipping"]  # the array structure, line items as links
    assert shipping["line_items"][0]["resource"].startswith(f"/orders/{order_id}/products/")
    (with_fees,) = await get_json(client, "/orders", include="fees")
    assert with_fees["fees"] == [] and "consignments" not in with_fees
    emulator.set_status(order_id, 2)
    (shipped,) = await get_json(client, "/orders", **embedded)
    one = await get_json(client, f"/orders/{order_id}", **embedded)
    assert shipped["status"] == "Shipped" and shipped == {key: value for key, value in one.items() if key != "fees"}


async def test_the_count_takes_the_listings_filters_and_counts_incomplete_orders_too(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.add_random_orders(700, start=T0, end=T0 + timedelta(hours=6), seed=11)
    incomplete = add_at(emulator, T0 + timedelta(hours=2), T0 + timedelta(hours=5))
    for order_id in incomplete:
        emulator.set_status(order_id, 0)
    emulator.archive_order(incomplete[0] - 1)
    filters: list[dict[str, Any]] = [
        {},
        {"min_date_created": "2026-03-01T11:00:00Z", "max_date_created": "Sun, 01 Mar 2026 14:30:00 +0000"},
        {"min_id": 300, "max_id": 555},
        {"status_id": 11},
        {"status_id": 0},
        {"payment_method": "PayPal", "min_total": "40"},
    ]
    for where in filters:
        listed = [oid for page in range(1, 5) for oid in await listed_ids(client, **where, limit=250, page=page)]
        count = await get_json(client, "/orders/count", **where)
        by_status = {status["id"]: status["count"] for status in count["statuses"]}
        left_out = 0 if "status_id" in where else by_status[0]
        assert count["count"] == sum(by_status.values()) == len(listed) + left_out, where
    answer = await get_json(client, "/orders/count")
    assert set(answer) == {"statuses", "count"}
    assert set(answer["statuses"][0]) == {
        "id", "name", "system_label", "custom_label", "system_description", "count", "sort_order"
    }  # fmt: skip
    assert (await get(client, "/orders/count", min_date_created="yesterday")).status == 400


# --- rate limits ---------------------------------------------------------------------------------


async def test_quota_per_window_then_429_until_the_window_resets(clock: FakeClock) -> None:
    emulator = BigCommerceEmulator(store_hash=HASH, access_token=TOKEN, quota=3, window=30.0, clock=clock)
    async with TestClient(TestServer(emulator.app())) as client:
        lefts = []
        for _ in range(3):
            clock.now += 1
            response = await get(client, "/orders")
            assert response.status == 204
            lefts.append(response.headers["X-Rate-Limit-Requests-Left"])
        assert lefts == ["2", "1", "0"]
        assert response.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
        assert response.headers["X-Rate-Limit-Requests-Quota"] == "3"
        assert response.headers["X-Rate-Limit-Time-Reset-Ms"] == "27000"
        throttled = await get(client, "/orders")
        assert throttled.status == 429
        assert throttled.headers["X-Rate-Limit-Requests-Left"] == "0"
        assert throttled.headers["X-Rate-Limit-Time-Reset-Ms"] == "27000"
        assert (await throttled.json())[0]["status"] == 429
        clock.now += 27
        recovered = await get(client, "/orders")
        assert recovered.status == 204 and recovered.headers["X-Rate-Limit-Requests-Left"] == "2"


async def test_every_answer_carries_the_rate_limit_headers(client: TestClient[Any, Any]) -> None:
    for response in (await get(client, "/orders"), await get(client, "/orders/1"), await get(client, "/orders/count")):
        assert all(name in response.headers for name in RATE_HEADERS), response.status


# --- fault injection -----------------------------------------------------------------------------


async def test_throttle_next_is_a_429_with_a_short_reset_and_costs_nothing(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.throttle_next()
    response = await get(client, "/orders")
    assert response.status == 429
    assert response.headers["X-Rate-Limit-Time-Reset-Ms"] == "100"
    assert response.headers["X-Rate-Limit-Requests-Left"] == "0"
    after = await get(client, "/orders")
    assert after.status == 204 and after.headers["X-Rate-Limit-Requests-Left"] == "9999"


async def test_fail_next_answers_the_status_then_recovers(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.fail_next(503, times=2)
    for _ in range(2):
        response = await get(client, "/orders")
        assert response.status == 503
        assert await response.json() == [{"status": 503, "message": "Service Unavailable"}]
    assert (await get(client, "/orders")).status == 204


async def test_fail_and_throttle_carry_retry_after_when_given(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.fail_next(503, retry_after=2)
    emulator.throttle_next(retry_after=1.5)
    emulator.throttle_next()
    answers = [await get(client, "/orders") for _ in range(3)]
    assert [(a.status, a.headers.get("Retry-After")) for a in answers] == [(503, "2"), (429, "1.5"), (429, None)]


async def test_faults_are_consumed_one_per_request_in_queue_order(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.fail_next(500)
    emulator.throttle_next()
    emulator.garbage_next()
    statuses = [(await get(client, "/orders")).status for _ in range(4)]
    assert statuses == [500, 429, 200, 204]


async def test_garbage_next_is_a_200_that_is_not_json(
    client: TestClient[Any, Any], emulator: BigCommerceEmulator
) -> None:
    emulator.garbage_next()
    response = await get(client, "/orders")
    assert response.status == 200
    with pytest.raises(ValueError):
        json.loads(await response.text())


async def test_truncate_next_cuts_the_body_short(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    add_at(emulator, T0)
    emulator.truncate_next()
    response = await get(client, "/orders")
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert len(await get_json(client, "/orders")) == 1


async def test_delay_next_answers_late(client: TestClient[Any, Any], emulator: BigCommerceEmulator) -> None:
    add_at(emulator, T0)
    emulator.delay_next(0.2)
    started = time.monotonic()
    assert len(await get_json(client, "/orders")) == 1
    assert time.monotonic() - started >= 0.2


# --- webhooks ------------------------------------------------------------------------------------


def standard_webhooks_verify(client_secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification as BigCommerce's docs set it up, written here independently: the client
    secret base64-encoded as the library's key (which decodes it again), ``{id}.{timestamp}.{body}`` signed."""
    key = base64.b64decode(base64.b64encode(client_secret.encode()))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for versioned in headers["webhook-signature"].split(" "):
        version, _, signature = versioned.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False


def test_order_created_callbacks_have_the_documented_thin_payload_and_standard_webhooks_signature(
    emulator: BigCommerceEmulator,
) -> None:
    sample = json.loads((SAMPLES / "bigcommerce" / "webhook-order-created.json").read_text())
    later = emulator.add_order(created_at=T0 + timedelta(hours=2))
    earlier = emulator.add_order(created_at=T0)
    deliveries = emulator.order_webhooks()
    assert len(deliveries) == 2
    for (headers, body), order in zip(deliveries, (earlier, later)):
        payload = json.loads(body)
        assert list(payload) == list(sample)  # scope, store_id, data, hash, created_at, producer
        assert {k: type(v) for k, v in payload.items()} == {k: type(v) for k, v in sample.items()}
        assert payload["scope"] == "store/order/created" and payload["producer"] == f"stores/{HASH}"
        assert payload["data"] == {"type": "order", "id": order["id"]}
        assert payload["store_id"].isdigit() and re.fullmatch(r"[0-9a-f]{40}", payload["hash"])
        created = int(parsedate_to_datetime(order["date_created"]).timestamp())
        assert payload["created_at"] == created  # the event; webhook-timestamp is the attempt, emulator.now()
        assert headers["webhook-timestamp"] == str(int(emulator.now().timestamp()))
        assert headers["Content-Type"] == "application/json"
        assert headers["webhook-id"] and "." not in headers["webhook-id"]
        assert headers["webhook-signature"].startswith("v1,")
        assert standard_webhooks_verify("bc_emulator_client_secret_7d1e4a9c2b", headers, body)
        assert not standard_webhooks_verify("bc_emulator_client_secret_7d1e4a9c2b", headers, body + b" ")
        assert not standard_webhooks_verify("another_secret", headers, body)
        assert not standard_webhooks_verify(
            "bc_emulator_client_secret_7d1e4a9c2b", {**headers, "webhook-timestamp": str(created)}, body
        )


def test_a_later_attempt_keeps_the_id_and_body_and_signs_its_own_timestamp(clock: FakeClock) -> None:
    attempts = [T0 + timedelta(minutes=2), T0 + timedelta(minutes=62)]
    emulator = BigCommerceEmulator(store_hash=HASH, access_token=TOKEN, clock=clock, now=lambda: attempts[0])
    emulator.add_order(created_at=T0)
    emulator.add_order(created_at=T0 + timedelta(minutes=5))  # created after the first attempt's clock reading
    first = emulator.order_webhooks()
    attempts.pop(0)
    retry = emulator.order_webhooks()
    stamps = [[int(headers["webhook-timestamp"]) for headers, _ in run] for run in (first, retry)]
    assert stamps == [
        [int(T0.timestamp()) + 120, int(T0.timestamp()) + 300],  # never before the event
        [int(T0.timestamp()) + 3720] * 2,
    ]
    for (headers, body), (again, body_again) in zip(first, retry):
        assert headers["webhook-id"] == again["webhook-id"] and body == body_again
        assert headers["webhook-signature"] != again["webhook-signature"]
        assert standard_webhooks_verify("bc_emulator_client_secret_7d1e4a9c2b", again, body_again)


def test_incomplete_and_archived_orders_have_a_created_callback_too(emulator: BigCommerceEmulator) -> None:
    incomplete = emulator.add_order(created_at=T0, status_id=0)
    archived = emulator.add_order(created_at=T0 + timedelta(minutes=1), is_deleted=True)
    declined = emulator.add_order(created_at=T0 + timedelta(minutes=2), status_id=6)
    ids = [json.loads(body)["data"]["id"] for _, body in emulator.order_webhooks()]
    assert ids == [incomplete["id"], archived["id"], declined["id"]]


def test_webhook_ids_and_hashes_are_stable_per_order_and_distinct_between_orders(
    emulator: BigCommerceEmulator,
) -> None:
    emulator.add_order(created_at=T0)
    emulator.add_order(created_at=T0)  # the same second
    first = emulator.order_webhooks()
    assert first == emulator.order_webhooks()
    assert len({headers["webhook-id"] for headers, _ in first}) == 2
    assert len({json.loads(body)["hash"] for _, body in first}) == 2
    assert emulator.store_id == BigCommerceEmulator(store_hash=HASH).store_id  # one store, one id


def test_a_store_without_orders_has_no_callbacks(emulator: BigCommerceEmulator) -> None:
    assert emulator.order_webhooks() == []


def test_demo_callbacks_are_signed_with_the_demo_client_secret() -> None:
    demo = demo_emulator()
    assert set(demo.credentials) == {"store_hash", "access_token", "client_id", "client_secret"}
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    double = demo.make_double(now, 1)
    assert isinstance(double, BigCommerceEmulator)
    deliveries = double.order_webhooks()
    assert 35 <= len(deliveries) <= 45
    created = [json.loads(body)["created_at"] for _, body in deliveries]
    assert created == sorted(created)
    assert all(standard_webhooks_verify(demo.credentials["client_secret"], h, b) for h, b in deliveries)
    assert all(json.loads(b)["producer"] == f"stores/{demo.credentials['store_hash']}" for _, b in deliveries)
    again = demo.make_double(now, 1)
    assert isinstance(again, BigCommerceEmulator) and again.order_webhooks() == deliveries


# --- PlatformDouble and demo ---------------------------------------------------------------------


def test_credentials_as_a_seller_enters_them(emulator: BigCommerceEmulator) -> None:
    assert emulator.credentials() == {
        "store_hash": HASH,
        "access_token": TOKEN,
        "client_id": "bc_emulator_client_id",
        "client_secret": "bc_emulator_client_secret_7d1e4a9c2b",
    }
    wrong = emulator.wrong_credentials()
    assert wrong["store_hash"] == HASH and wrong["access_token"] not in ("", TOKEN)


async def test_demo_store_has_recent_realistic_orders_in_unusual_states() -> None:
    demo = demo_emulator()
    assert (demo.platform_id, demo.store_name) == ("bigcommerce", "Demo BigCommerce store")
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    headers = {"X-Auth-Token": demo.credentials["access_token"], "Accept": "application/json"}
    base = f"/stores/{demo.credentials['store_hash']}/v2/orders"

    async def everything(seed: int) -> list[dict[str, Any]]:
        async with TestClient(TestServer(demo.make_double(now, seed).app())) as client:
            orders = []
            for extra in ({}, {"status_id": "0"}, {"is_deleted": "true"}):
                response = await client.get(base, params={"limit": "250", **extra}, headers=headers)
                orders += await response.json()
            return orders

    orders = await everything(1)
    created = [parsedate_to_datetime(o["date_created"]) for o in orders]
    assert 30 <= sum(now - timedelta(hours=8) <= c <= now for c in created) <= 40
    assert any(c < now - timedelta(days=1) for c in created)
    statuses = {o["status"] for o in orders}
    assert {"Incomplete", "Awaiting Fulfillment", "Awaiting Payment", "Refunded", "Cancelled"} <= statuses
    assert any(o["is_deleted"] for o in orders)
    assert any(o["currency_code"] != o["default_currency_code"] for o in orders)
    assert any(o["default_currency_code"] != "USD" for o in orders)
    assert orders == await everything(1)
    assert orders != await everything(2)
