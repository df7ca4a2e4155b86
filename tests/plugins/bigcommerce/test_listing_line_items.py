"""Line items read from the listing (``include=consignments.line_items``), ``/products`` only where it falls short."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aioresponses import aioresponses

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.connector import LINE_ITEMS_INCLUDED
from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.bigcommerce.mapping import embedded_line_items
from server.platforms import HttpClient
from tests.conftest import SAMPLES
from tests.support import serve_app

T0 = datetime.now(UTC) - timedelta(hours=2)
ORDER = json.loads((SAMPLES / "bigcommerce" / "order.json").read_text())
PRODUCTS = json.loads((SAMPLES / "bigcommerce" / "order-products.json").read_text())
API = "https://api.bigcommerce.com/stores/abc123/v2"


@pytest.fixture
def store() -> BigCommerceEmulator:
    return BigCommerceEmulator(quota=1_000_000)


@pytest.fixture
async def connector(store: BigCommerceEmulator, http: HttpClient) -> AsyncIterator[BigCommerceConnector]:
    async with serve_app(store.app()) as url:
        yield BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)


def paths(store: BigCommerceEmulator) -> list[str]:
    return [r["path"].split("/v2", 1)[1] for r in store.requests]


async def listed(connector: BigCommerceConnector) -> list[Any]:
    return [
        order
        async for page in connector.orders_created(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
        for order in page
    ]


async def test_a_window_costs_one_request_per_page_and_the_same_line_items_as_products(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    store.add_random_orders(600, start=T0 - timedelta(minutes=30), end=T0, seed=3)

    orders = await listed(connector)

    assert len(orders) == 600
    assert paths(store) == ["/orders/count", *["/orders"] * 3]  # the count, then 250, 250, 100: no /products call
    assert all(r["query"]["include"] == "consignments.line_items" for r in store.requests[1:])
    for order in orders[::97]:
        products = store.products_of(int(order.order_id))
        assert [(i.name, i.quantity, str(i.total.amount)) for i in order.line_items] == [
            (p["name"], p["quantity"], p["total_inc_tax"]) for p in products
        ]
        assert "consignments" not in order.raw and order.raw["products"] == products


async def test_an_order_beyond_the_50_embedded_items_has_its_products_fetched(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    small = store.add_order(created_at=T0, lines=[{"name": "Mug", "price": "9.00", "quantity": 2}])
    large = store.add_order(created_at=T0, lines=[{"name": f"Item {i}", "price": "1.00"} for i in range(55)])

    orders = {order.order_id: order for order in await listed(connector)}

    assert paths(store) == ["/orders/count", "/orders", *[f"/orders/{large['id']}/products"] * 2]  # 55, then 204
    assert len(orders[str(large["id"])].line_items) == 55
    assert [i.name for i in orders[str(small["id"])].line_items] == ["Mug"]


async def test_fetch_order_takes_one_request(connector: BigCommerceConnector, store: BigCommerceEmulator) -> None:
    added = store.add_order(created_at=T0, lines=[{"name": "Mug", "price": "9.00", "quantity": 3, "sku": "M"}])

    found = await connector.fetch_order(str(added["id"]))

    assert found is not None and [(i.name, i.sku, i.quantity) for i in found.line_items] == [("Mug", "M", 3)]
    assert paths(store) == [f"/orders/{added['id']}"]
    assert store.requests[0]["query"] == LINE_ITEMS_INCLUDED


# --- the sample payloads (BigCommerce's reference examples) ---------------------------------------


def sample_with_consignments(items_total: int) -> dict[str, Any]:
    """The reference's order, its products embedded as BigCommerce embeds them in one shipping consignment."""
    shipping = {"id": 99, "first_name": "Jane", "last_name": "Doe", "line_items": copy.deepcopy(PRODUCTS)}
    consignments = {"pickups": [], "shipping": [shipping], "downloads": [], "email": {"gift_certificates": []}}
    return {**ORDER, "items_total": items_total, "consignments": consignments}


@pytest.mark.parametrize(("items_total", "products_asked"), [(2, False), (4, True)])
async def test_the_sample_listing_is_read_from_its_consignments_unless_items_are_missing(
    api: aioresponses, http: HttpClient, items_total: int, products_asked: bool
) -> None:
    connector = BigCommerceConnector(credentials={"store_hash": "abc123", "access_token": "t"}, http=http)
    api.get(re.compile(re.escape(f"{API}/orders/count?")), payload={"statuses": [], "count": 1})
    api.get(re.compile(re.escape(f"{API}/orders?")), payload=[sample_with_consignments(items_total)])
    api.get(re.compile(re.escape(f"{API}/orders/{ORDER['id']}/products?")), payload=PRODUCTS)

    [page] = [page async for page in connector.orders_created(T0, T0 + timedelta(hours=1))]

    [order] = page
    assert [i.name for i in order.line_items] == [p["name"] for p in PRODUCTS]
    asked = [url.path for (_, url) in api.requests]
    products = [f"/stores/abc123/v2/orders/{ORDER['id']}/products"]
    assert asked == [
        "/stores/abc123/v2/orders/count",
        "/stores/abc123/v2/orders",
        *(products if products_asked else []),
    ]


def test_items_are_gathered_from_every_kind_of_consignment() -> None:
    first, second = PRODUCTS
    order = {
        "items_total": first["quantity"] + second["quantity"],
        "consignments": {
            "pickups": [],
            "shipping": [{"line_items": [first]}],
            "downloads": [{"line_items": []}],
            "email": {"gift_certificates": [{"line_items": [second]}]},
        },
    }
    assert embedded_line_items(order) == [first, second]


@pytest.mark.parametrize(
    "consignments",
    [
        None,  # not asked for
        [{"shipping": [{"line_items": PRODUCTS}]}],  # the legacy array structure
        {"shipping": [{"line_items": [{"url": "https://x/orders/1/products/2", "resource": "/orders/1/products/2"}]}]},
        {"shipping": [{"line_items": PRODUCTS, "__warning__": {"message": "only 50 are included"}}]},
        {"shipping": [{"line_items": []}]},  # nothing embedded
        {"shipping": {"line_items": PRODUCTS}},
    ],
    ids=["absent", "array", "links", "warning", "empty", "not-a-list"],
)
def test_products_are_asked_when_the_consignments_may_not_hold_every_item(consignments: Any) -> None:
    assert embedded_line_items({"items_total": 2, "consignments": consignments}) is None
